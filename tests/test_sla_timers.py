"""SLA timers, with hand-computed instants on the Chinese working calendar and 24×7."""

import datetime as dt

import attrs
import pendulum
import pytest

from crisiskit import Channel, Context, Crisis, CrisisType, Signal
from crisiskit.app.metrics import crisis_metrics
from crisiskit.calendar import (
    TWENTY_FOUR_SEVEN,
    CalendarSet,
    china_working_calendar,
    schedule_overrides,
)
from crisiskit.errors import (
    CalendarError,
    HorizonError,
    InvalidTransition,
    NaiveDatetimeError,
    ValidationError,
)
from crisiskit.events import LevelChanged, SlaTimersChanged
from crisiskit.sla import (
    AlertKind,
    SlaMetric,
    SlaPolicy,
    SlaStatus,
    SlaTimer,
    TimerAction,
    TimerState,
    sweep,
)
from crisiskit.testing import ManualClock

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)


def cst(*args):
    return pendulum.datetime(*args, tz="Asia/Shanghai")


@pytest.fixture(scope="module")
def china():
    return china_working_calendar([2025, 2026])


@pytest.fixture(scope="module")
def calendars(china):
    return CalendarSet((china, TWENTY_FOUR_SEVEN))


def start(china, at, target=4 * H, **options):
    return SlaTimer.start("CR-1/acknowledge", SlaMetric.ACKNOWLEDGE, target, china, at, **options)


def test_a_started_timer_knows_its_deadline_and_first_milestone(china):
    timer = start(china, cst(2025, 6, 13, 16))  # Friday 16:00, 4 working hours
    assert timer.state is TimerState.RUNNING
    assert timer.deadline == cst(2025, 6, 16, 11)  # 16-18 Friday, 09-11 Monday
    assert timer.next_due == cst(2025, 6, 13, 18)  # 50 %: 2 h, used up at Friday's close
    assert [(f, t) for f, t in timer.milestone_times(china)] == [
        (0.5, cst(2025, 6, 13, 18)),
        (0.75, cst(2025, 6, 16, 10)),
        (1.0, cst(2025, 6, 16, 11)),
    ]


def test_pause_over_a_weekend_with_a_repeated_pause_and_resume(china):
    timer = start(china, cst(2025, 6, 13, 16))
    paused = timer.paused(cst(2025, 6, 13, 17), "waiting on the customer", china)
    assert paused.deadline is None
    assert paused.next_due is None
    assert paused.consumed == H
    assert paused.status(cst(2025, 6, 15, 12), china) is SlaStatus.PAUSED
    # A webhook repeats the pause on Saturday: nothing changes.
    assert paused.paused(cst(2025, 6, 14, 10), "waiting on the customer", china) is paused
    # Resumed on Monday at 10:00; 09:00-10:00 does not count, the weekend never did.
    resumed = paused.resumed(cst(2025, 6, 16, 10), china)
    assert resumed.deadline == cst(2025, 6, 16, 14)  # 3 h left: 10-12, 13-14
    assert resumed.resumed(cst(2025, 6, 16, 11), china) is resumed
    assert resumed.elapsed(cst(2025, 6, 16, 12, 30), china) == 3 * H
    assert resumed.remaining(cst(2025, 6, 16, 12, 30), china) == H
    assert resumed.status(cst(2025, 6, 16, 12, 59), china) is SlaStatus.AT_RISK
    assert resumed.status(cst(2025, 6, 16, 10, 30), china) is SlaStatus.RUNNING
    assert resumed.status(cst(2025, 6, 16, 14), china) is SlaStatus.BREACHED
    # The history is exact: elapsed at any earlier instant.
    assert resumed.elapsed(cst(2025, 6, 13, 16, 30), china) == 30 * MIN
    assert resumed.elapsed(cst(2025, 6, 15), china) == H
    met = resumed.stopped(cst(2025, 6, 16, 13, 30), china)
    assert met.status(cst(2025, 6, 20), china) is SlaStatus.MET
    assert met.deadline == cst(2025, 6, 16, 14)  # kept, to show it was met in time
    assert met.stopped(cst(2025, 6, 17), china) is met


def test_a_target_used_up_exactly_at_closing_time_is_due_then(china):
    timer = start(china, cst(2025, 9, 30, 16), target=2 * H)
    assert timer.deadline == cst(2025, 9, 30, 18)  # not 9 October 09:00
    assert timer.status(cst(2025, 10, 5), china) is SlaStatus.BREACHED
    assert timer.stopped(cst(2025, 9, 30, 18), china).status(cst(2025, 10, 5), china) is (
        SlaStatus.MET
    )


def test_a_level_upgrade_breaches_retroactively(china, calendars):
    # Level III: 2 working hours to acknowledge from Friday 26 September 2025 17:00.
    timer = start(china, cst(2025, 9, 26, 17), target=2 * H)
    assert timer.deadline == cst(2025, 9, 28, 10)  # Sunday 28th is a make-up working day
    # Upgraded to level II on Sunday 09:15: 30 minutes around the clock. On that calendar the
    # time since Friday 17:00 all counts, so the new target was used up on Friday at 17:30 —
    # that is the breach instant, not the moment of the change.
    upgraded = timer.retargeted(30 * MIN, cst(2025, 9, 28, 9, 15), calendars, calendar="24x7")
    assert upgraded.deadline == cst(2025, 9, 26, 17, 30)
    assert upgraded.calendar == "24x7"
    assert upgraded.status(cst(2025, 9, 28, 9, 15), calendars) is SlaStatus.BREACHED
    found = sweep([upgraded], cst(2025, 9, 28, 9, 15), calendars)
    # The new target's milestones were passed before anyone knew of it: only its breach is
    # raised, at the instant it happened.
    assert [(a.kind, a.fraction, a.due_at) for a in found.alerts] == [
        (AlertKind.BREACH, 1.0, cst(2025, 9, 26, 17, 30)),
    ]
    assert found.next_wakeup is None
    # The time used is counted on the new calendar: an hour later, 41 h 15 min.
    assert upgraded.elapsed(cst(2025, 9, 28, 10, 15), calendars) == 41 * H + 15 * MIN


def test_the_restart_policy_starts_the_new_target_from_zero(china, calendars):
    timer = start(china, cst(2025, 9, 26, 17), target=2 * H)
    restarted = timer.retargeted(
        30 * MIN, cst(2025, 9, 28, 9, 15), calendars, calendar="24x7", restart=True
    )
    assert restarted.deadline == cst(2025, 9, 28, 9, 45)
    assert restarted.started_at == cst(2025, 9, 28, 9, 15)
    assert restarted.segments == ()


def test_a_downgrade_schedules_the_new_targets_milestones_still_ahead(calendars):
    timer = SlaTimer.start("t", SlaMetric.RESOLUTION, 4 * H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    swept = sweep([timer], cst(2025, 1, 1, 3, 30), calendars)  # 50 % and 75 % are due
    assert [a.fraction for a in swept.alerts] == [0.5, 0.75]
    # 3 h 30 of a new 10 h target are used (35 %): its 50 % and 75 % lie ahead.
    longer = swept.timers[0].retargeted(10 * H, cst(2025, 1, 1, 3, 30), calendars)
    assert longer.deadline == cst(2025, 1, 1, 10)
    assert longer.next_due == cst(2025, 1, 1, 5)
    later = sweep([longer], cst(2025, 1, 1, 9), calendars).alerts
    assert [(a.fraction, a.due_at) for a in later] == [
        (0.5, cst(2025, 1, 1, 5)),
        (0.75, cst(2025, 1, 1, 7, 30)),
    ]


def test_a_downgrade_past_a_breach_re_arms_it_once(calendars):
    timer = SlaTimer.start("t", SlaMetric.RESOLUTION, 2 * H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    breached = sweep([timer], cst(2025, 1, 1, 3), calendars)
    assert [a.fraction for a in breached.alerts] == [0.5, 0.75, 1.0]
    # Downgraded at 03:00 to 8 h: 3 h of 8 h used, the breach is re-armed for 08:00.
    longer = breached.timers[0].retargeted(8 * H, cst(2025, 1, 1, 3), calendars)
    assert (longer.next_due, longer.deadline) == (cst(2025, 1, 1, 4), cst(2025, 1, 1, 8))
    # Raised again before the new deadline: breached at 02:00, which was reported already.
    again = longer.retargeted(2 * H, cst(2025, 1, 1, 3, 30), calendars)
    assert sweep([again], cst(2025, 1, 1, 9), calendars).alerts == ()
    # Left at 8 h, the re-armed breach falls due at 08:00, once.
    late = sweep([longer], cst(2025, 1, 1, 9), calendars).alerts
    assert [(a.fraction, a.due_at) for a in late] == [
        (0.5, cst(2025, 1, 1, 4)),
        (0.75, cst(2025, 1, 1, 6)),
        (1.0, cst(2025, 1, 1, 8)),
    ]


def test_a_paused_timer_whose_new_target_is_exceeded_has_a_past_deadline(china, calendars):
    timer = start(china, cst(2025, 6, 16, 9)).paused(cst(2025, 6, 16, 11), "waiting", china)
    assert timer.deadline is None
    shorter = timer.retargeted(H, cst(2025, 6, 17, 9), calendars)
    assert shorter.deadline == cst(2025, 6, 16, 10)
    assert shorter.status(cst(2025, 6, 17, 9), calendars) is SlaStatus.BREACHED
    assert [a.kind for a in sweep([shorter], cst(2025, 6, 17, 9), calendars).alerts] == [
        AlertKind.BREACH,
    ]


def test_a_cadence_restarts_with_each_update():
    timer = SlaTimer.start(
        "CR-1/progress_update", SlaMetric.PROGRESS_UPDATE, 4 * H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1)
    )
    again = timer.restarted(cst(2025, 1, 1, 3), TWENTY_FOUR_SEVEN)
    assert again.deadline == cst(2025, 1, 1, 7)
    assert again.emitted == 0.0
    assert again.started_at == cst(2025, 1, 1, 3)
    paused = again.paused(cst(2025, 1, 1, 4), "waiting", TWENTY_FOUR_SEVEN)
    fresh = paused.restarted(cst(2025, 1, 1, 5), TWENTY_FOUR_SEVEN)
    assert fresh.state is TimerState.PAUSED
    assert fresh.consumed == dt.timedelta(0)
    stopped = again.stopped(cst(2025, 1, 1, 4), TWENTY_FOUR_SEVEN)
    assert stopped.restarted(cst(2025, 1, 1, 6), TWENTY_FOUR_SEVEN).state is TimerState.RUNNING


def test_alerts_due_before_a_pause_or_stop_are_still_swept():
    timer = SlaTimer.start("t", SlaMetric.ACKNOWLEDGE, 4 * H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    stopped = timer.stopped(cst(2025, 1, 1, 5), TWENTY_FOUR_SEVEN)  # after its deadline
    assert stopped.status(cst(2025, 1, 2), TWENTY_FOUR_SEVEN) is SlaStatus.BREACHED
    found = sweep([stopped], cst(2025, 1, 2), TWENTY_FOUR_SEVEN)
    assert [a.fraction for a in found.alerts] == [0.5, 0.75, 1.0]
    early = timer.stopped(cst(2025, 1, 1, 2, 30), TWENTY_FOUR_SEVEN)
    assert [a.fraction for a in sweep([early], cst(2025, 1, 2), TWENTY_FOUR_SEVEN).alerts] == [0.5]


def test_milestones_past_the_deadline_escalate():
    timer = SlaTimer.start(
        "t", SlaMetric.RESOLUTION, 2 * H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1), milestones=[1.5, 2]
    )
    found = sweep([timer], cst(2025, 1, 1, 3, 30), TWENTY_FOUR_SEVEN)
    assert [(a.kind, a.fraction) for a in found.alerts] == [
        (AlertKind.BREACH, 1.0),
        (AlertKind.MILESTONE, 1.5),
    ]
    assert found.next_wakeup == cst(2025, 1, 1, 4)


def test_cancelled_timers():
    timer = SlaTimer.start("t", SlaMetric.ACKNOWLEDGE, H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    cancelled = timer.cancelled(cst(2025, 1, 1, 0, 10), "false alarm", TWENTY_FOUR_SEVEN)
    assert cancelled.status(cst(2025, 1, 2), TWENTY_FOUR_SEVEN) is SlaStatus.CANCELLED
    assert cancelled.next_due is None
    assert cancelled.reason == "false alarm"
    assert cancelled.cancelled(cst(2025, 1, 2), "again", TWENTY_FOUR_SEVEN) is cancelled


@pytest.mark.parametrize("command", ["resumed", "paused", "stopped", "retargeted"])
def test_an_ended_timer_refuses_to_run_again_and_is_unchanged(command):
    timer = SlaTimer.start("t", SlaMetric.ACKNOWLEDGE, H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    ended = timer.cancelled(cst(2025, 1, 1, 0, 10), "false alarm", TWENTY_FOUR_SEVEN)
    before = attrs.asdict(ended)
    args = {
        "resumed": (cst(2025, 1, 2), TWENTY_FOUR_SEVEN),
        "paused": (cst(2025, 1, 2), "x", TWENTY_FOUR_SEVEN),
        "stopped": (cst(2025, 1, 2), TWENTY_FOUR_SEVEN),
        "retargeted": (H, cst(2025, 1, 2), TWENTY_FOUR_SEVEN),
    }[command]
    with pytest.raises(InvalidTransition, match="cannot") as caught:
        getattr(ended, command)(*args)
    assert caught.value.state == "cancelled"
    assert caught.value.allowed == ("restart",)
    assert attrs.asdict(ended) == before


def test_resuming_a_stopped_timer_is_refused():
    timer = SlaTimer.start("t", SlaMetric.FIRST_CONTACT, H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    stopped = timer.stopped(cst(2025, 1, 1, 0, 30), TWENTY_FOUR_SEVEN)
    with pytest.raises(InvalidTransition, match="cannot resume"):
        stopped.resumed(cst(2025, 1, 1, 1), TWENTY_FOUR_SEVEN)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda t, c: t.paused(dt.datetime(2025, 1, 2), "x", c), NaiveDatetimeError, "naive"),
        (lambda t, c: t.paused(cst(2024, 12, 31), "x", c), ValidationError, "only moves forward"),
        (lambda t, c: t.paused(cst(2025, 1, 2), " ", c), ValidationError, "blank"),
        (lambda t, c: t.retargeted(-H, cst(2025, 1, 2), c), ValidationError, "negative"),
        (lambda t, c: t.retargeted(dt.timedelta(0), cst(2025, 1, 2), c), ValidationError, "zero"),
        (
            lambda t, c: t.retargeted(H, cst(2025, 1, 2), c, calendar="office"),
            CalendarError,
            "no calendar 'office'",
        ),
        (lambda t, c: t.elapsed(cst(2025, 1, 2), {"24x7": c}), ValidationError, "CalendarLookup"),
    ],
)
def test_bad_timer_input_is_refused_and_changes_nothing(call, error, match):
    timer = SlaTimer.start("t", SlaMetric.ACKNOWLEDGE, H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    before = attrs.asdict(timer)
    with pytest.raises(error, match=match):
        call(timer, TWENTY_FOUR_SEVEN)
    assert attrs.asdict(timer) == before


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"target": -H}, ValidationError, "negative"),
        ({"target": 60}, ValidationError, "timedelta"),
        ({"milestones": [0.75, 0.5]}, ValidationError, "increasing"),
        ({"milestones": [0, 1]}, ValidationError, "> 0"),
        ({"milestones": []}, ValidationError, "non-empty"),
        ({"at_risk": 1.5}, ValidationError, "at risk"),
        ({"at": dt.datetime(2025, 1, 1)}, NaiveDatetimeError, "naive"),
    ],
)
def test_bad_timers_are_refused(options, error, match):
    values = {"target": H, "at": cst(2025, 1, 1)}
    values.update(options)
    target, at = values.pop("target"), values.pop("at")
    with pytest.raises(error, match=match):
        SlaTimer.start("t", SlaMetric.ACKNOWLEDGE, target, TWENTY_FOUR_SEVEN, at, **values)


def test_a_deadline_past_the_calendar_horizon_is_refused(china):
    strict = attrs.evolve(china, provisional_until=None)  # no provisional year: it refuses
    with pytest.raises(HorizonError):
        start(strict, cst(2026, 12, 31, 17), target=2 * H)
    # With one (the default), the deadline is computed from the weekly hours and marked.
    timer = start(china, cst(2026, 12, 31, 17), target=2 * H)
    assert (timer.deadline, timer.data_ends) == (cst(2027, 1, 1, 10), dt.date(2026, 12, 31))


def test_inconsistent_timers_are_refused():
    timer = SlaTimer.start("t", SlaMetric.ACKNOWLEDGE, H, TWENTY_FOUR_SEVEN, cst(2025, 1, 1))
    with pytest.raises(ValidationError, match="running_since"):
        attrs.evolve(timer, state=TimerState.PAUSED)
    with pytest.raises(ValidationError, match="ended_at"):
        attrs.evolve(timer, state=TimerState.STOPPED, running_since=None)
    with pytest.raises(ValidationError, match="consumed"):
        attrs.evolve(timer, consumed=H)
    with pytest.raises(ValidationError, match="out of order"):
        attrs.evolve(timer, running_since=cst(2024, 1, 1))


def test_a_timer_after_a_calendar_update_is_recomputed(china):
    # A host that rebuilds its calendar (say, with a corrected holiday) refreshes deadlines.
    timer = start(china, cst(2025, 9, 30, 16), target=4 * H)
    assert timer.deadline == cst(2025, 10, 9, 11)
    amended = attrs.evolve(
        china, overrides=[o for o in china.overrides if o.day != dt.date(2025, 10, 8)]
    )
    assert timer.recomputed(amended).deadline == cst(2025, 10, 8, 11)
    assert timer.recomputed(china) is timer


def complaint(clock, calendar, description, channel=Channel.HOTLINE):
    """A complaint detected now on ``clock``, timed by the default SLA policy on ``calendar``."""
    return Crisis.detect(
        Context(clock, sla=SlaPolicy.default(calendar)),
        crisis_id="CR-SLA",
        crisis_type=CrisisType.COMPLAINT,
        title="A customer complaint",
        actor="hotline",
        signals=[Signal(channel, clock.now(), description)],
    )


def test_timers_run_from_the_detection_so_a_late_grading_records_the_breach_it_missed():
    # Detected 20:00: an ungraded crisis is to be graded within an hour and acknowledged within
    # 2 working hours (here every hour is a working hour). Nobody sweeps; graded level I at
    # 23:00. The grading records what fell due meanwhile (the grading breached at 21:00, the
    # acknowledgement at 22:00), then its own change: the grading met late, the level's
    # timers started from the detection, and the first contact (1 h) breached at 21:00. The
    # KPI (acknowledged 3 h 10 min after detection) and the SLA outcome agree.
    shanghai = "Asia/Shanghai"

    def at(hour, minute=0, second=0):
        return pendulum.datetime(2025, 9, 27, hour, minute, second, tz=shanghai)

    clock = ManualClock(at(20))
    crisis = complaint(clock, TWENTY_FOUR_SEVEN, "caller threatens to go to the press")
    detected = crisis.pending_events
    assert [type(e).__name__ for e in detected] == ["CrisisDetected", "SlaTimersChanged"]
    assert crisis.sla_next_due == at(20, 30)  # a sweep sees an ungraded crisis
    clock.advance(hours=3)
    crisis.set_level("I", actor="li", reason="a journalist called")
    graded, earlier, started, later = crisis.pending_events[-4:]
    assert isinstance(graded, LevelChanged)
    assert isinstance(started, SlaTimersChanged)
    assert [(a.metric, a.fraction, a.due_at) for a in earlier.alerts] == [
        (SlaMetric.GRADE, 0.5, at(20, 30)),
        (SlaMetric.GRADE, 0.75, at(20, 45)),
        (SlaMetric.ACKNOWLEDGE, 0.5, at(21)),
        (SlaMetric.GRADE, 1.0, at(21)),
        (SlaMetric.ACKNOWLEDGE, 0.75, at(21, 30)),
        (SlaMetric.ACKNOWLEDGE, 1.0, at(22)),
    ]
    grade = next(c for c in started.changes if c.metric is SlaMetric.GRADE)
    assert grade.action is TimerAction.STOP
    # Only the breaches: the milestones passed before anyone graded are not raised late, and
    # the acknowledgement's breach was reported already.
    assert [(a.metric, a.due_at) for a in later.alerts] == [(SlaMetric.FIRST_CONTACT, at(21))]
    clock.advance(minutes=10)
    crisis.acknowledge(actor="li")
    statuses = {metric: (status, due) for metric, status, due in crisis.sla_status(clock.now())}
    assert statuses[SlaMetric.ACKNOWLEDGE] == (SlaStatus.BREACHED, at(20, 15))
    ack = next(t for t in crisis.timers if t.metric is SlaMetric.ACKNOWLEDGE)
    assert ack.started_at == pendulum.datetime(2025, 9, 27, 12, tz="UTC")
    assert crisis_metrics(crisis.pull_events()).time_to_acknowledge == dt.timedelta(
        hours=3, minutes=10
    )


def test_a_crisis_raised_from_working_hours_to_round_the_clock_has_used_the_night():
    # Detected Saturday 20:00 on the China working calendar, graded III at 20:05 (2 working
    # hours to acknowledge: none of Saturday night counts), raised to I at 23:00: level I runs
    # around the clock, so the 3 hours since the detection count against its 15 minutes.
    shanghai = "Asia/Shanghai"
    china = china_working_calendar([2025])
    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, tz=shanghai))
    crisis = complaint(clock, china, "a caller")
    clock.advance(minutes=5)
    crisis.set_level("III", actor="li", reason="one caller")
    ack = next(t for t in crisis.timers if t.metric is SlaMetric.ACKNOWLEDGE)
    assert ack.calendar == china.name
    clock.set(pendulum.datetime(2025, 9, 27, 23, tz=shanghai))
    crisis.set_level("I", actor="li", reason="a journalist called")
    ack = next(t for t in crisis.timers if t.metric is SlaMetric.ACKNOWLEDGE)
    policy = crisis.context.sla_for(crisis.crisis_type)
    assert ack.elapsed(clock.now(), policy) == 3 * H
    assert ack.deadline == pendulum.datetime(2025, 9, 27, 20, 15, tz=shanghai)


def test_an_internal_progress_report_keeps_a_private_cadence_but_not_a_public_one():
    def crisis_from(channel):
        clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai"))
        crisis = complaint(clock, TWENTY_FOUR_SEVEN, "parcels three days late", channel)
        crisis.set_level("II", actor="li", reason="a dozen callers")
        crisis.respond(actor="gm")
        clock.advance(hours=6)
        crisis.report_progress("carrier found the lost pallet", actor="li")
        return crisis, next(t for t in crisis.timers if t.metric is SlaMetric.PROGRESS_UPDATE)

    # Private: the 12-hour cadence restarts with the report, due 12 h after it (14:00 UTC + 12).
    private, cadence = crisis_from(Channel.HOTLINE)
    assert cadence.started_at == pendulum.datetime(2025, 9, 28, 2, tz="Asia/Shanghai")
    assert private.pending_events[-1].name == "SlaTimersChanged"  # the report's consequence
    # Public: the report is not a public update; the cadence still runs from its start.
    public, cadence = crisis_from(Channel.SOCIAL_MEDIA)
    assert cadence.started_at == pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai")
    assert public.pending_events[-1].name == "ProgressReported"


def test_a_deadline_past_the_holiday_data_is_provisional_then_moves_when_the_year_is_added():
    # Graded level IV on Monday 2026-12-21 10:00 with no 2027 holiday data yet: 15 working days
    # (120 h) run 7 h that Monday, 32 h that week, 32 h to Thursday 31st (71 h), then by the
    # weekly hours alone: Friday 1 January (79 h), 4-8 January (119 h), 1 h on Monday 11th:
    # due 2027-01-11 10:00, provisional. With the 2027 notice closing 1 January, the 8 hours
    # of that day come a day later: due Tuesday 12 January 10:00.
    shanghai = "Asia/Shanghai"
    china = china_working_calendar([2026])
    clock = ManualClock(pendulum.datetime(2026, 12, 21, 10, tz=shanghai))
    crisis = complaint(clock, china, "caller asks about the heater recall")
    crisis.set_level("IV", actor="li", reason="one caller")  # goes ahead: nothing refused

    def resolution():
        return next(t for t in crisis.timers if t.metric is SlaMetric.RESOLUTION)

    assert resolution().deadline == pendulum.datetime(2027, 1, 11, 10, tz=shanghai)
    assert resolution().data_ends == dt.date(2026, 12, 31)
    assert next(t for t in crisis.timers if t.metric is SlaMetric.ACKNOWLEDGE).data_ends is None

    extended = china.extended(
        schedule_overrides({"holidays": {"2027-01-01": "元旦"}}), until="2027-12-31"
    )
    crisis.attach(Context(clock, sla=SlaPolicy.default(extended)))
    clock.advance(hours=1)
    crisis.check_sla()
    changed = [e for e in crisis.pending_events if isinstance(e, SlaTimersChanged)][-1]
    assert [(c.metric, c.action, c.deadline) for c in changed.changes] == [
        (
            SlaMetric.RESOLUTION,
            TimerAction.RETARGET,
            pendulum.datetime(2027, 1, 12, 10, tz=shanghai),
        )
    ]
    assert "official data to 2027-12-31" in changed.changes[0].reason
    assert resolution().data_ends is None
    assert Crisis.replay(crisis.pull_events()) == crisis
    crisis.check_sla()  # recomputed once
    assert not [e for e in crisis.pending_events if isinstance(e, SlaTimersChanged)]
