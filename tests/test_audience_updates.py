"""The plan's update cadence owed to each audience, each fulfilled by its own updates.

A level-II product-quality crisis under the default plan, with an internal rule added: the
office briefs the company every 2 hours. Customers are owed an update every 12 hours, the
regulators every 24 (product quality), the media every 12 once the crisis is public; an
internal progress report keeps the internal cadence and no other. Figures by hand.
"""

import datetime as dt

import attrs
import pendulum

from crisiskit import Audience, Channel, Context, Crisis, CrisisType, Role, Signal
from crisiskit.calendar import china_working_calendar
from crisiskit.events import SlaAlertsRaised
from crisiskit.operations.statements import Medium
from crisiskit.plan import CommunicationRule, EmergencyPlan
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
DEFAULT = EmergencyPlan.default()
PLAN = attrs.evolve(
    DEFAULT,
    levels=tuple(
        attrs.evolve(
            entry,
            communications=(
                *entry.communications,
                # The briefing's approver is whoever leads at the level.
                CommunicationRule(
                    Audience.INTERNAL,
                    True,
                    dt.timedelta(hours=2),
                    entry.required_roles[0].role,
                    None,
                    "24x7",
                ),
            ),
        )
        for entry in DEFAULT.levels
    ),
)
POLICY = SlaPolicy.default(china_working_calendar([2025]))
TEAM = {
    Role.OFFICE: "duty.li",
    Role.GENERAL_MANAGER: "gm.wang",
    Role.CUSTOMER_SERVICE: "cs.chen",
    Role.PRODUCTION_QUALITY: "qa.zhao",
    Role.MARKETING: "pr.sun",
    Role.LEGAL: "legal.he",
}


def at(hour, minute=0, day=1):
    return pendulum.datetime(2025, 9, day, hour, minute, tz=ZONE)


def responding(clock):
    crisis = Crisis.detect(
        Context(clock, sla=POLICY, plan=PLAN),
        crisis_id="CR-AUD",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Kettles leak at the seal",
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, clock.now(), "water on the counter")],
        level="II",
    )
    for role, person in TEAM.items():
        crisis.assign(role, person, actor="office")
    crisis.acknowledge(actor="duty.li")
    crisis.warn(actor="duty.li")
    clock.set(at(10))
    crisis.respond(actor="duty.li")
    return crisis


def owed(crisis):
    return {
        t.subject: t.deadline
        for t in crisis.timers
        if t.metric is SlaMetric.AUDIENCE_UPDATE and t.is_open
    }


def test_each_audience_is_owed_its_own_cadence_from_the_response():
    clock = ManualClock(at(9))
    crisis = responding(clock)
    # Not public yet: no media cadence.
    assert owed(crisis) == {"customers": at(22), "regulators": at(10, day=2), "internal": at(12)}


def test_an_internal_report_keeps_the_internal_cadence_and_no_other():
    clock = ManualClock(at(9))
    crisis = responding(clock)
    clock.set(at(11, 30))
    crisis.report_progress("line 3 stopped; 2 000 kettles held", actor="duty.li")
    assert owed(crisis) == {
        "customers": at(22),
        "regulators": at(10, day=2),
        "internal": at(13, 30),
    }
    clock.set(at(13))
    crisis.release_statement(
        Audience.CUSTOMERS,
        "We are replacing every kettle of batch 0901.",
        medium=Medium.SMS,
        approved_by="duty.li",
        actor="duty.li",
    )
    assert owed(crisis)["customers"] == at(1, day=2)
    assert owed(crisis)["internal"] == at(13, 30)  # a statement outside is not a briefing
    clock.set(at(15, 40))
    crisis.check_sla()
    clock.set(at(15, 50))
    crisis.check_sla()
    breaches = [
        (a.subject, a.due_at)
        for e in crisis.pull_events()
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
        if a.metric is SlaMetric.AUDIENCE_UPDATE and a.fraction == 1.0
    ]
    assert breaches == [("internal", at(13, 30))]


def test_going_public_owes_the_media_from_then_and_recovery_ends_every_cadence():
    clock = ManualClock(at(9))
    crisis = responding(clock)
    clock.set(at(14))
    crisis.attach_signal(
        Signal(Channel.SOCIAL_MEDIA, clock.now(), "video of a leaking kettle"), actor="duty.li"
    )
    assert owed(crisis)["media"] == at(2, day=2)
    clock.set(at(16))
    crisis.recover(actor="duty.li")
    assert owed(crisis) == {}
    statuses = {
        subject: status
        for metric, subject, status, _deadline in crisis.sla_owed(clock.now())
        if metric is SlaMetric.AUDIENCE_UPDATE
    }
    assert statuses == {
        "customers": SlaStatus.MET,
        "regulators": SlaStatus.MET,
        "internal": SlaStatus.BREACHED,  # due 12:00, nobody briefed the company
        "media": SlaStatus.MET,
    }


def test_a_lower_level_releases_the_audiences_it_no_longer_requires_and_replay_agrees():
    clock = ManualClock(at(9))
    crisis = responding(clock)
    clock.set(at(11))
    crisis.set_level("III", actor="duty.li", reason="one shop only")
    # Level III requires only the customers' cadence and the internal one. The customers'
    # is now 1 working day (8 hours) with the hour since 10:00 used: 1 + 5 more hours on
    # Monday (11-12, 13-18), the last one 09:00-10:00 on Tuesday.
    assert owed(crisis) == {"customers": at(10, day=2), "internal": at(12)}
    cancelled = [
        t.subject
        for t in crisis.timers
        if t.state.value == "cancelled" and t.metric is SlaMetric.AUDIENCE_UPDATE
    ]
    assert cancelled == ["regulators"]
    assert Crisis.replay(crisis.pull_events()) == crisis
