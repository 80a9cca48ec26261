"""Promises, recovery milestones and a remedy's expected resolution, timed on a live crisis.

A kettle maker's level II quality crisis on Saturday 27 September 2025 (Shanghai). Customer
service promises a caller a new lid by 13:00, quality gives an expected resolution in two
days, the office plans two recovery milestones. Each is a dated obligation: its timer runs
around the clock to the instant it is due, and a sweep raises its alerts once. The lid goes
out late (the promise reads breached, then met late); the plan is revised (one milestone
moved, one dropped); recovering meets the expected resolution; closing cancels the milestone
still owed. Everything is printed in English and Chinese as the demo prints it.
"""

import pendulum

from crisiskit import Channel, Context, Crisis, CrisisType, CustomerRef, Signal
from crisiskit.app.describe import describe
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import Milestone, RecoveryPlan
from crisiskit.operations.review import Review
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
T0 = pendulum.datetime(2025, 9, 27, 9, tz=ZONE)


def show(crisis: Crisis) -> None:
    for event in crisis.pull_events():
        if event.name.startswith("Sla") or event.name in {
            "CustomerCaseUpdated",
            "RecoveryPlanSet",
            "QualityRemedyRecorded",
            "MilestoneReached",
            "RecoveryStarted",
            "CrisisClosed",
        }:
            print(f"  {describe(event, zone=ZONE)}")
            print(f"  {describe(event, 'zh', zone=ZONE)}")


def plan(*milestones: Milestone) -> RecoveryPlan:
    return RecoveryPlan(goals=["trust back"], measures=["lids replaced"], milestones=milestones)


def main() -> None:
    clock = ManualClock(T0)
    crisis = Crisis.detect(
        Context(clock, sla=SlaPolicy.default(TWENTY_FOUR_SEVEN)),
        crisis_id="CR-7",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Cracked kettle lids",
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, T0, "two callers", customers=[CustomerRef("C-1")])],
    )
    crisis.set_level("II", actor="analyst", reason="two callers")
    crisis.acknowledge(actor="office")
    crisis.warn(actor="office")
    crisis.respond(actor="office")
    crisis.pull_events()

    print("09:00 a promise, an expected resolution, a recovery plan")
    crisis.handle_customer(
        "C-1", "promised", note="a new lid by 13:00", due_at=T0.add(hours=4), actor="cs"
    )
    crisis.record_quality_remedy(
        QualityRemedy(
            root_cause="a weak hinge mould",
            responsible_party="moulding shop",
            remedies=["replace"],
            expected_resolution=T0.add(days=2),
        ),
        actor="qa",
    )
    crisis.set_recovery_plan(
        plan(Milestone("lids replaced", T0.add(days=5)), Milestone("open day", T0.add(days=9))),
        actor="office",
    )
    show(crisis)

    print("14:00 the sweep: the lid did not go out by 13:00")
    clock.advance(hours=5)
    crisis.check_sla()
    assert crisis.check_sla() is None, "a second sweep finds nothing new"
    crisis.handle_customer("C-1", "promise_kept", actor="cs")
    show(crisis)

    print("15:00 the plan revised: the lids a day later, no open day")
    clock.advance(hours=1)
    crisis.set_recovery_plan(plan(Milestone("lids replaced", T0.add(days=6))), actor="office")
    show(crisis)

    print("next day: recovering meets the expected resolution; closing cancels the milestone")
    clock.advance(days=1)
    crisis.recover(actor="office")
    crisis.record_review(
        Review(root_cause="a weak hinge mould", lessons=["test moulds"], improvements=[]),
        actor="office",
    )
    crisis.close("lids replaced", actor="office")
    show(crisis)

    owed = {
        (metric, subject): status for metric, subject, status, _ in crisis.sla_owed(clock.now())
    }
    for (metric, subject), status in owed.items():
        print(f"  {metric.label('en'):<44} {subject:<20} {status.label('en')}")
    assert owed[SlaMetric.PROMISE, "C-1/1"] is SlaStatus.BREACHED
    assert owed[SlaMetric.REMEDY, "expected_resolution"] is SlaStatus.MET
    assert owed[SlaMetric.RECOVERY_MILESTONE, "lids replaced"] is SlaStatus.CANCELLED
    assert owed[SlaMetric.RECOVERY_MILESTONE, "open day"] is SlaStatus.CANCELLED


if __name__ == "__main__":
    main()
