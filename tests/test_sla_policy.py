"""SLA policies: the default table, grading, level changes, lifecycle rules, records, pauses."""

import datetime as dt

import attrs
import pendulum
import pytest

from crisiskit.calendar import TWENTY_FOUR_SEVEN, BusinessCalendar, china_working_calendar
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.sla import (
    AlertKind,
    LifecycleRule,
    RetargetMode,
    SlaMetric,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    TimerAction,
    TimerState,
)
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisState

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
DAY = 8 * H  # a working day of 09:00-12:00 and 13:00-18:00


def cst(*args):
    return pendulum.datetime(*args, tz="Asia/Shanghai")


@pytest.fixture(scope="module")
def policy():
    return SlaPolicy.default(china_working_calendar([2025, 2026]))


A = SlaMetric.ACKNOWLEDGE
C = SlaMetric.FIRST_CONTACT
P = SlaMetric.PUBLIC_STATEMENT
U = SlaMetric.PROGRESS_UPDATE
R = SlaMetric.RESOLUTION


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (A, (15 * MIN, 30 * MIN, 2 * H, DAY)),
        (C, (H, 2 * H, DAY, 2 * DAY)),
        (P, (4 * H, 12 * H, None, None)),
        (U, (4 * H, 12 * H, DAY, None)),
        (R, (72 * H, 5 * 24 * H, 7 * DAY, 15 * DAY)),
    ],
)
def test_the_default_targets_are_the_domain_table(policy, metric, expected):
    for level, duration in zip(Level, expected, strict=True):
        target = policy.target(level, metric)
        if duration is None:
            assert target is None
            continue
        assert target.duration == duration
        around_the_clock = level in {Level.I, Level.II}
        assert target.calendar == ("24x7" if around_the_clock else "working")


def test_grading_starts_the_timers_of_the_level(policy):
    update = policy.start(Level.II, cst(2025, 6, 16, 10), owner="CR-7")
    assert [t.timer_id for t in update.timers] == [
        "CR-7/acknowledge",
        "CR-7/first_contact",
        "CR-7/public_statement",
        "CR-7/progress_update",
        "CR-7/resolution",
    ]
    assert [c.action for c in update.changes] == [TimerAction.START] * 5
    assert update.timers[0].deadline == cst(2025, 6, 16, 10, 30)
    assert update.next_wakeup == cst(2025, 6, 16, 10, 15)
    quiet = policy.start(Level.II, cst(2025, 6, 16, 10), metrics={A, C, U, R})
    assert P not in {t.metric for t in quiet.timers}
    assert [t.metric for t in policy.start(Level.IV, cst(2025, 6, 16, 10)).timers] == [A, C, R]


def test_a_level_upgrade_through_the_policy_reports_the_retroactive_breach(policy):
    graded = policy.start(Level.III, cst(2025, 9, 26, 17), owner="CR-8", metrics={A, C, U, R})
    update = policy.regrade(
        graded.timers, Level.II, cst(2025, 9, 28, 9, 15), owner="CR-8", metrics={A, C, U, R}
    )
    actions = {c.timer_id: c.action for c in update.changes}
    assert actions == dict.fromkeys(
        ["CR-8/acknowledge", "CR-8/first_contact", "CR-8/progress_update", "CR-8/resolution"],
        TimerAction.RETARGET,
    )
    # Level II runs around the clock: the 40 h 15 min since Friday 17:00 count, not the 1 h 15
    # min of working time. Every target shorter than that was breached when it ran out.
    breaches = [a for a in update.alerts if a.kind is AlertKind.BREACH]
    assert [(a.timer_id, a.due_at) for a in breaches] == [
        ("CR-8/acknowledge", cst(2025, 9, 26, 17, 30)),
        ("CR-8/first_contact", cst(2025, 9, 26, 19)),
        ("CR-8/progress_update", cst(2025, 9, 27, 5)),
    ]
    resolution = update.timers[3]
    assert resolution.deadline == cst(2025, 10, 1, 17)  # 5 days from Friday 17:00


def test_a_downgrade_cancels_what_the_new_level_does_not_have(policy):
    graded = policy.start(Level.I, cst(2025, 6, 16, 10))
    update = policy.regrade(graded.timers, Level.IV, cst(2025, 6, 16, 10, 5))
    by_metric = {t.metric: t for t in update.timers}
    assert by_metric[P].state is TimerState.CANCELLED
    assert by_metric[U].state is TimerState.CANCELLED
    assert by_metric[P].reason == "level IV has no public_statement target"
    assert by_metric[A].target == DAY
    assert by_metric[A].calendar == "working"
    # Nothing is re-applied when the level does not change the target.
    assert policy.regrade(update.timers, Level.IV, cst(2025, 6, 16, 11)).changes == ()


def test_an_upgrade_starts_the_timers_the_new_level_adds(policy):
    graded = policy.start(Level.IV, cst(2025, 6, 16, 10))
    update = policy.regrade(graded.timers, Level.I, cst(2025, 6, 16, 11))
    started = [(c.metric, c.action) for c in update.changes if c.action is TimerAction.START]
    assert started == [(P, TimerAction.START), (U, TimerAction.START)]
    restart = policy.regrade(
        graded.timers, Level.I, cst(2025, 6, 16, 11), mode=RetargetMode.RESTART
    )
    assert restart.timers[0].deadline == cst(2025, 6, 16, 11, 15)


def test_the_lifecycle_rules_stop_cancel_and_restart(policy):
    at = cst(2025, 6, 16, 10)
    timers = policy.start(Level.II, at).timers
    warned = policy.enter(timers, CrisisState.WARNED, Level.II, at + 10 * MIN)
    assert warned.changes == ()  # acknowledging is a command of its own (record)
    acknowledged = policy.record(warned.timers, A, at + 12 * MIN)
    assert acknowledged.timers[0].status(at + H, policy) is SlaStatus.MET
    responding = policy.enter(acknowledged.timers, CrisisState.RESPONDING, Level.II, at + 20 * MIN)
    assert responding.changes == ()  # resolution and updates are running already
    recovering = policy.enter(responding.timers, CrisisState.RECOVERING, Level.II, at + 5 * H)
    assert {(c.metric, c.action) for c in recovering.changes} == {
        (R, TimerAction.STOP),
        (U, TimerAction.STOP),
    }
    relapse = policy.enter(recovering.timers, CrisisState.RESPONDING, Level.II, at + 6 * H)
    assert {(c.metric, c.action) for c in relapse.changes} == {
        (R, TimerAction.RESTART),
        (U, TimerAction.RESTART),
    }
    resolution = next(t for t in relapse.timers if t.metric is R)
    assert resolution.state is TimerState.RUNNING
    assert resolution.started_at == at + 6 * H
    closed = policy.enter(relapse.timers, CrisisState.CLOSED, Level.II, at + 7 * H)
    assert {c.metric for c in closed.changes} == {C, P, U, R}
    assert all(c.action is TimerAction.CANCEL for c in closed.changes)
    assert all(not t.is_open for t in closed.timers)


def test_lifecycle_rules_are_data(policy):
    rules = (LifecycleRule(CrisisState.WARNED, A, TimerAction.STOP),)
    custom = attrs.evolve(policy, lifecycle=rules)
    at = cst(2025, 6, 16, 10)
    warned = custom.enter(custom.start(Level.I, at).timers, CrisisState.WARNED, Level.I, at + MIN)
    assert [(c.metric, c.action) for c in warned.changes] == [(A, TimerAction.STOP)]
    paused = attrs.evolve(
        policy, lifecycle=(LifecycleRule(CrisisState.WARNED, R, TimerAction.PAUSE),)
    )
    held = paused.enter(paused.start(Level.I, at).timers, CrisisState.WARNED, Level.I, at + MIN)
    assert [(c.metric, c.action, c.reason) for c in held.changes] == [
        (R, TimerAction.PAUSE, "crisis entered warned")
    ]


def test_recording_an_update_restarts_the_cadence_and_a_contact_stops_its_timer(policy):
    at = cst(2025, 6, 16, 10)
    timers = policy.start(Level.I, at).timers
    # The 4-hour cadence was breached at 14:00; the update comes at 14:30 with no sweep in
    # between: the breach is still reported, then the cadence restarts.
    update = policy.record(timers, U, at + 4.5 * H)
    cadence = next(t for t in update.timers if t.metric is U)
    assert cadence.started_at == at + 4.5 * H
    assert cadence.deadline == at + 8.5 * H
    assert (U, AlertKind.BREACH, at + 4 * H) in {
        (a.metric, a.kind, a.due_at) for a in update.alerts
    }
    contact = policy.record(update.timers, C, at + 5 * H)
    assert [(c.metric, c.action) for c in contact.changes] == [(C, TimerAction.STOP)]
    assert policy.record(contact.timers, C, at + 6 * H).changes == ()


def test_pausing_and_resuming_all_timers_is_idempotent(policy):
    at = cst(2025, 6, 16, 10)
    timers = policy.start(Level.III, at).timers
    paused = policy.pause(timers, at + H, "waiting on the customer")
    assert len(paused.changes) == 4
    assert all(c.reason == "waiting on the customer" for c in paused.changes)
    assert policy.pause(paused.timers, at + 2 * H, "again").changes == ()
    resumed = policy.resume(paused.timers, at + 3 * H, metrics={A})
    assert [c.metric for c in resumed.changes] == [A]
    assert policy.resume(resumed.timers, at + 4 * H, metrics={A}).changes == ()


def test_the_policy_sweeps(policy):
    at = cst(2025, 6, 16, 10)
    timers = policy.start(Level.I, at).timers
    swept = policy.sweep(timers, at + 10 * MIN)
    assert [(a.metric, a.fraction) for a in swept.alerts] == [(A, 0.5)]
    assert policy.sweep(swept.timers, at + 10 * MIN).alerts == ()


def test_policies_and_lookups(policy):
    assert policy.calendar("24x7") is TWENTY_FOUR_SEVEN
    assert [t.metric for t in policy.targets_for(Level.III)] == [A, C, U, R]
    assert [r.metric for r in policy.rules_for(CrisisState.RECOVERING)] == [
        R,
        U,
        SlaMetric.AUDIENCE_UPDATE,
    ]
    assert policy.timer_id("", A) == "acknowledge"


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: SlaPolicy(
                calendars=[TWENTY_FOUR_SEVEN],
                targets=[SlaTarget(Level.I, A, H, "office")],
            ),
            "does not have",
        ),
        (
            lambda: SlaPolicy(
                calendars=[TWENTY_FOUR_SEVEN],
                targets=[SlaTarget(Level.I, A, H, "24x7"), SlaTarget(Level.I, A, 2 * H, "24x7")],
            ),
            "more than once",
        ),
        (
            lambda: SlaPolicy(
                calendars=[TWENTY_FOUR_SEVEN],
                targets=[],
                lifecycle=[LifecycleRule(CrisisState.CLOSED, A, TimerAction.RETARGET)],
            ),
            "action is one of",
        ),
        (
            lambda: SlaPolicy.default(
                BusinessCalendar.always_open("24x7", "Asia/Shanghai"), TWENTY_FOUR_SEVEN
            ),
            "different names",
        ),
    ],
)
def test_bad_policies_are_refused(build, match):
    with pytest.raises(PolicyError, match=match):
        build()


def test_operations_refuse_two_timers_for_one_metric(policy):
    timers = policy.start(Level.I, cst(2025, 6, 16, 10)).timers
    with pytest.raises(PolicyError, match="more than once"):
        policy.pause([*timers, attrs.evolve(timers[0], timer_id="x")], cst(2025, 6, 16, 11), "x")
    with pytest.raises(ValidationError):
        policy.pause(timers, cst(2025, 6, 16, 11), "")


def test_a_working_day_is_the_first_open_weekday_when_the_make_up_weekday_is_closed():
    working = BusinessCalendar(
        name="working",
        zone="Asia/Shanghai",
        week={"mon-fri": ["09:00-18:00"]},
        horizon_start=dt.date(2025, 1, 1),
        horizon_end=dt.date(2025, 12, 31),
        makeup_weekday=5,  # Saturday, closed: Monday's nine hours are the normal day
    )
    policy = SlaPolicy.default(working)
    assert working.standard_day == 9 * H
    assert policy.target(Level.IV, SlaMetric.RESOLUTION).duration == 15 * 9 * H
