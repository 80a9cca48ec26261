"""SLA timers of a crisis, and the sweep a host job runs to raise milestones and breaches once.

A level III complaint is graded on Friday 26 September 2025 at 17:00 (Shanghai): its
timers run on the Chinese working calendar. On Sunday 28th — a make-up working day — it
is raised to level II, whose targets run around the clock; the acknowledgement target of
30 minutes was already used up on Friday at 17:30, and that is when it is reported
breached. A sweep then runs every few hours; each alert comes out exactly once.

Then a crisis under the default emergency plan: its planned actions and its review's
improvements are obligations on the same timers. The warning notice, owed within 2 working
hours of the warning, is completed after 3 (late); an improvement due a week after closing
is swept overdue on the closed crisis, then marked done.
"""

import datetime as dt

import pendulum

from crisiskit import Context, Crisis
from crisiskit.calendar import china_working_calendar
from crisiskit.operations.review import Improvement, Review
from crisiskit.plan import EmergencyPlan
from crisiskit.reports import crisis_metrics
from crisiskit.sla import SlaMetric, SlaPolicy, SlaUpdate
from crisiskit.testing import ManualClock
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisState

ZONE = "Asia/Shanghai"


def local(instant: pendulum.DateTime | None) -> str:
    return "—" if instant is None else instant.in_timezone(ZONE).format("ddd MM-DD HH:mm:ss")


def show(title: str, update: SlaUpdate) -> None:
    print(title)
    for change in update.changes:
        print(
            f"  {change.action.label('en'):>8} {change.metric.label('en'):<24} "
            f"target {change.target} on {change.calendar:<10} deadline {local(change.deadline)}"
        )
    for alert in update.alerts:
        print(
            f"  ALERT {alert.kind.label('en'):>9} {alert.fraction:>5.0%} of {alert.target} "
            f"{alert.metric.label('en')} ({alert.metric.label('zh')}), due {local(alert.due_at)}"
        )
    print(f"  next wake-up: {local(update.next_wakeup)}")


def main() -> None:
    policy = SlaPolicy.default(china_working_calendar([2025, 2026]))
    public = {
        SlaMetric.ACKNOWLEDGE,
        SlaMetric.FIRST_CONTACT,
        SlaMetric.PROGRESS_UPDATE,
        SlaMetric.RESOLUTION,
    }

    graded = policy.start(
        Level.III, pendulum.datetime(2025, 9, 26, 17, tz=ZONE), owner="CR-42", metrics=public
    )
    show("graded level III on Friday 17:00", graded)

    raised = policy.regrade(
        graded.timers,
        Level.II,
        pendulum.datetime(2025, 9, 28, 9, 15, tz=ZONE),
        owner="CR-42",
        metrics=public,
    )
    show("raised to level II on Sunday 28th 09:15 (调休, a working day)", raised)

    timers = raised.timers
    now = pendulum.datetime(2025, 9, 28, 9, 15, tz=ZONE)
    for hours in (2, 2, 6):
        now = now + dt.timedelta(hours=hours)
        swept = policy.sweep(timers, now)
        timers = swept.timers
        show(f"sweep at {local(now)}", swept)
    again = policy.sweep(timers, now)
    print(f"the same sweep again finds {len(again.alerts)} alerts")

    acknowledged = policy.record(timers, SlaMetric.ACKNOWLEDGE, now)
    contacted = policy.record(acknowledged.timers, SlaMetric.FIRST_CONTACT, now)
    show("acknowledged (受理)", acknowledged)
    show("the customer contacted", contacted)
    reported = policy.record(contacted.timers, SlaMetric.PROGRESS_UPDATE, now)
    show("a progress update restarts the 12-hour cadence", reported)
    responding = policy.enter(reported.timers, CrisisState.RESPONDING, Level.II, now)
    for timer in responding.timers:
        print(
            f"  {timer.timer_id:<24} {timer.status(now, policy).label('en'):<9} elapsed {timer.elapsed(now, policy)}"
        )
    obligations(policy)


def obligations(policy: SlaPolicy) -> None:
    clock = ManualClock(pendulum.datetime(2025, 11, 3, 9, tz=ZONE))
    context = Context(clock, plan=EmergencyPlan.default(), sla=policy)
    crisis = Crisis.detect(
        context, crisis_id="CR-43", crisis_type="complaint", title="VIP complaint", actor="hotline"
    )
    crisis.set_level(Level.III, actor="office", reason="one VIP customer")
    crisis.warn(actor="office")
    clock.advance(hours=3)
    crisis.complete_action("warning-notice", actor="li", note="notice sent to the office")
    crisis.assign("office", "li", actor="office")
    crisis.assign("customer_service", "zhao", actor="office")
    crisis.respond(actor="office")
    clock.advance(hours=2)
    crisis.complete_action("collect-facts", actor="li")
    crisis.recover(actor="office")
    review = Review(
        "no one owned the hotline's escalation",
        lessons=["escalation needs an owner"],
        improvements=[
            Improvement(
                "name an escalation owner",
                owner="wang",
                due_at=pendulum.datetime(2025, 11, 10, 18, tz=ZONE),
            ),
            "retrain the hotline",
        ],
    )
    crisis.record_review(review, actor="office")
    crisis.close("the customer accepted the fix", actor="office")
    print("planned actions and improvements, as owed on Monday 3 November:")
    for metric, subject, status, deadline in crisis.sla_owed(clock.now()):
        print(f"  {metric.label('en'):<16} {subject:<18} {status.label('en'):<8} {local(deadline)}")
    clock.set(pendulum.datetime(2025, 11, 11, 9, tz=ZONE))
    swept = crisis.check_sla()
    for alert in swept.alerts if swept is not None else ():
        print(f"  ALERT {alert.kind.label('en')} {alert.subject} due {local(alert.due_at)}")
    crisis.update_improvement(1, status="done", actor="wang")
    print(f"  {crisis_metrics(crisis.pending_events, as_of=clock.now()).improvements}")


if __name__ == "__main__":
    main()
