"""SLA timers of a crisis, and the sweep a host job runs to raise milestones and breaches once.

A level III complaint is graded on Friday 26 September 2025 at 17:00 (Shanghai): its
timers run on the Chinese working calendar. On Sunday 28th — a make-up working day — it
is raised to level II, whose targets run around the clock; the acknowledgement target of
30 minutes was already used up on Friday at 17:30, and that is when it is reported
breached. A sweep then runs every few hours; each alert comes out exactly once.
"""

import datetime as dt

import pendulum

from crisiskit.calendar import china_working_calendar
from crisiskit.sla import SlaMetric, SlaPolicy, SlaUpdate
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


if __name__ == "__main__":
    main()
