"""A host's own SLA metric: the quality lab owes its root-cause report within 48 hours.

Run it with ``python examples/host_metrics.py``. It registers the metric (as an application
does once at start-up), gives it targets per level, says which events start and fulfil it,
opens a level-II product-quality crisis with its severity given at detection, lets the lab
report arrive late, and prints the alerts — whom each is for — in English and Chinese.
"""

import datetime as dt

import attrs
import pendulum

from crisiskit import Context, Crisis, CrisisType, Level, Role
from crisiskit.calendar import china_working_calendar
from crisiskit.events import SlaAlertsRaised
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import EventRule, LifecycleRule, SlaMetric, SlaPolicy, SlaTarget
from crisiskit.testing import ManualClock
from crisiskit.values import CrisisState

ZONE = "Asia/Shanghai"

# ---- at start-up, in every process that reads or writes crisiskit data -------------------

LAB_REPORT = SlaMetric.register("lab_report", en="root-cause lab report", zh="质检原因报告")

calendar = china_working_calendar([2025])
default = SlaPolicy.default(calendar)
policy = attrs.evolve(
    default,
    targets=(
        *default.targets,
        SlaTarget(Level.I, LAB_REPORT, dt.timedelta(hours=24), "24x7"),
        SlaTarget(Level.II, LAB_REPORT, dt.timedelta(hours=48), "24x7"),
        SlaTarget(Level.III, LAB_REPORT, dt.timedelta(hours=40), calendar.name),
    ),
    lifecycle=(
        *default.lifecycle,
        LifecycleRule(CrisisState.RESPONDING, LAB_REPORT, "start"),
        LifecycleRule(CrisisState.CLOSED, LAB_REPORT, "cancel"),
    ),
    event_rules=(EventRule("QualityRemedyRecorded", LAB_REPORT, "stop"),),
)

# ---- a crisis -----------------------------------------------------------------------------

clock = ManualClock(pendulum.datetime(2025, 9, 1, 10, tz=ZONE))
crisis = Crisis.detect(
    Context(clock, sla=policy, plan=EmergencyPlan.default()),
    crisis_id="CR-LAB-1",
    crisis_type=CrisisType.PRODUCT_QUALITY,
    title="Kettles leak at the seal",
    actor="quality.zhao",
    level="II",  # the quality manager can tell at once
)
for role, person in [(Role.OFFICE, "duty.li"), (Role.GENERAL_MANAGER, "gm.wang")]:
    crisis.assign(role, person, actor="office")
for role, person in [
    (Role.CUSTOMER_SERVICE, "cs.chen"),
    (Role.PRODUCTION_QUALITY, "quality.zhao"),
    (Role.MARKETING, "pr.sun"),
]:
    crisis.assign(role, person, actor="office")
crisis.acknowledge(actor="duty.li")
crisis.warn(actor="duty.li")
crisis.respond(actor="duty.li")
clock.advance(hours=36)
crisis.check_sla()
clock.advance(hours=14)  # 50 hours after the response started
crisis.record_quality_remedy(
    QualityRemedy("a supplier changed the seal compound", "line 3", [RemedyKind.REPLACE]),
    actor="quality.zhao",
)

events = crisis.pull_events()  # what the host stores and notifies from
status = {metric: state for metric, state, _deadline in crisis.sla_status(clock.now())}
for lang in ("en", "zh"):
    for event in events:
        if not isinstance(event, SlaAlertsRaised):
            continue
        for alert in event.alerts:
            if alert.metric is LAB_REPORT:
                whom = () if alert.recipients is None else alert.recipients.people
                print(
                    alert.metric.label(lang),
                    f"{alert.fraction:.0%}",
                    alert.due_at.in_timezone(ZONE).format("MM-DD HH:mm"),
                    "→",
                    "、".join(whom) if lang == "zh" else ", ".join(whom),
                )
    print(LAB_REPORT.label(lang), status[LAB_REPORT].label(lang))
