"""Promises, recovery milestones and a quality remedy's expected resolution, timed on the crisis.

Each is a dated obligation: due at an instant, run around the clock from the event that made
it, never paused by ``pause_sla()``. A promise is owed to ``"<customer>/<n>"`` (its place in
the customer's case), a milestone to its name, the expected resolution to
``"expected_resolution"`` (one per crisis). The expected values below are worked out by hand
from the instants in each test.
"""

import pendulum
import pytest
from lifecycle_support import REVIEW

from crisiskit import Channel, Context, Crisis, CrisisType, CustomerRef, Signal
from crisiskit.app.describe import describe
from crisiskit.app.metrics import crisis_metrics
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.errors import ValidationError
from crisiskit.events import SlaAlertsRaised, SlaTimersChanged
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.operations.recovery import Milestone, RecoveryPlan
from crisiskit.reports import summarise
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus, TimerAction, TimerState
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
T0 = pendulum.datetime(2025, 9, 27, 9, tz=ZONE)
POLICY = SlaPolicy.default(TWENTY_FOUR_SEVEN)


def complaint(clock, customers=("C-1", "C-2")):
    crisis = Crisis.detect(
        Context(clock, sla=POLICY),
        crisis_id="CR-D",
        crisis_type=CrisisType.COMPLAINT,
        title="Parcels three days late",
        actor="hotline",
        signals=[
            Signal(
                Channel.HOTLINE, clock.now(), "calls", customers=[CustomerRef(c) for c in customers]
            )
        ],
    )
    crisis.set_level("II", actor="analyst", reason="two callers")
    return crisis


def timer(crisis, metric, subject):
    return next(t for t in crisis.timers if t.metric is metric and t.subject == subject)


def dated_alerts(events, metric):
    """(event index, subject, fraction, due) of every alert of ``metric`` in ``events``."""
    return [
        (i, a.subject, a.fraction, a.due_at)
        for i, e in enumerate(events)
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
        if a.metric is metric
    ]


def changes(events, metric):
    return [
        (c.action, c.subject, c.deadline)
        for e in events
        if isinstance(e, SlaTimersChanged)
        for c in e.changes
        if c.metric is metric
    ]


def promise(crisis, customer="C-1", hours=4):
    crisis.handle_customer(
        customer,
        "promised",
        note="refund",
        due_at=crisis._now(crisis._require_context()).add(hours=hours),
        actor="cs",
    )


# ------------------------------------------------------------------ promises


def test_a_promise_past_due_alerts_once_with_its_breach_at_the_due_instant():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    clock.advance(hours=1)
    promise(crisis, hours=4)  # made 10:00, due 14:00: 50 % at 12:00, 75 % at 13:00
    made = crisis.pull_events()
    assert changes(made, SlaMetric.PROMISE) == [(TimerAction.START, "C-1/1", T0.add(hours=5))]
    assert timer(crisis, SlaMetric.PROMISE, "C-1/1").timer_id == "CR-D/promise/C-1/1"
    clock.advance(hours=6)  # 16:00
    crisis.check_sla()
    clock.advance(hours=1)
    crisis.check_sla()
    clock.advance(days=3)
    crisis.check_sla()
    swept = crisis.pull_events()
    assert dated_alerts(swept, SlaMetric.PROMISE) == [
        (0, "C-1/1", 0.5, T0.add(hours=3)),
        (0, "C-1/1", 0.75, T0.add(hours=4)),
        (0, "C-1/1", 1.0, T0.add(hours=5)),
    ]
    assert crisis.sla_owed(clock.now())[-1][:3] == (
        SlaMetric.PROMISE,
        "C-1/1",
        SlaStatus.BREACHED,
    )


def test_a_promise_kept_in_time_is_met_and_never_breaches():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    promise(crisis, hours=4)  # due 13:00
    clock.advance(hours=2, minutes=30)
    crisis.handle_customer("C-1", "promise_kept", actor="cs")
    kept = timer(crisis, SlaMetric.PROMISE, "C-1/1")
    assert (kept.state, kept.ended_at) == (TimerState.STOPPED, T0.add(hours=2, minutes=30))
    assert kept.status(T0.add(days=9), POLICY) is SlaStatus.MET
    clock.advance(days=2)
    crisis.check_sla()
    events = crisis.pull_events()
    # 50 % at 11:00 was raised by the keeping command's own sweep; nothing after it.
    assert [a[1:] for a in dated_alerts(events, SlaMetric.PROMISE)] == [
        ("C-1/1", 0.5, T0.add(hours=2))
    ]


def test_a_promise_kept_late_reads_as_late_and_its_breach_comes_first():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    promise(crisis, hours=2)  # due 11:00
    crisis.pull_events()
    clock.advance(hours=5)
    crisis.handle_customer("C-1", "promise_kept", actor="cs")
    events = crisis.pull_events()
    assert events[0].name == "CustomerCaseUpdated"
    # The breach that fell due before the keeping is on record before the stop.
    promise_alerts = dated_alerts(events, SlaMetric.PROMISE)
    assert [a[1:] for a in promise_alerts] == [
        ("C-1/1", 0.5, T0.add(hours=1)),
        ("C-1/1", 0.75, T0.add(hours=1, minutes=30)),
        ("C-1/1", 1.0, T0.add(hours=2)),
    ]
    stop_index = next(
        i
        for i, e in enumerate(events)
        if isinstance(e, SlaTimersChanged) and any(c.metric is SlaMetric.PROMISE for c in e.changes)
    )
    assert promise_alerts[-1][0] < stop_index
    kept = timer(crisis, SlaMetric.PROMISE, "C-1/1")
    assert kept.status(clock.now(), POLICY) is SlaStatus.BREACHED
    stop = events[stop_index]
    assert describe(stop).endswith("promise to a customer (C-1/1) met late")
    assert describe(stop, "zh").endswith("对客户的承诺（C-1/1）逾期达成")


def test_promise_kept_fulfils_the_oldest_open_promise_and_resolving_keeps_the_rest():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    promise(crisis, hours=4)
    clock.advance(minutes=10)
    promise(crisis, hours=2)  # the second promise, due before the first
    promise(crisis, "C-2", hours=6)
    clock.advance(minutes=10)
    crisis.handle_customer("C-1", "promise_kept", actor="cs")
    states = {t.subject: t.state for t in crisis.timers if t.metric is SlaMetric.PROMISE}
    assert states == {
        "C-1/1": TimerState.STOPPED,
        "C-1/2": TimerState.RUNNING,
        "C-2/1": TimerState.RUNNING,
    }
    clock.advance(minutes=10)
    crisis.handle_customer("C-1", "resolved", actor="cs")
    assert timer(crisis, SlaMetric.PROMISE, "C-1/2").ended_at == T0.add(minutes=30)
    assert timer(crisis, SlaMetric.PROMISE, "C-2/1").is_open


def test_pausing_the_sla_does_not_move_a_date_promised():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    promise(crisis, hours=4)
    crisis.pause_sla(actor="cs", reason="waiting on the customer")
    assert timer(crisis, SlaMetric.PROMISE, "C-1/1").state is TimerState.RUNNING


# ------------------------------------------------------------------ recovery milestones


def plan(*milestones):
    return RecoveryPlan(goals=["trust back"], measures=["open day"], milestones=milestones)


def test_milestones_are_owed_by_their_dates_and_a_revised_plan_moves_cancels_and_adds():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    clock.advance(hours=2)  # 11:00
    crisis.set_recovery_plan(
        plan(
            Milestone("open day", T0.add(days=2)),
            Milestone("audit", T0.add(hours=1)),  # already overdue: breached at 10:00
        ),
        actor="office",
    )
    events = crisis.pull_events()
    assert changes(events, SlaMetric.RECOVERY_MILESTONE) == [
        (TimerAction.START, "open day", T0.add(days=2)),
        (TimerAction.START, "audit", T0.add(hours=1)),
    ]
    # Only the breach, at the due instant itself; no milestone raised after the fact.
    assert [a[1:] for a in dated_alerts(events, SlaMetric.RECOVERY_MILESTONE)] == [
        ("audit", 1.0, T0.add(hours=1))
    ]
    clock.advance(hours=1)
    crisis.set_recovery_plan(
        plan(
            Milestone("open day", T0.add(days=3)),
            Milestone("hotline staffed", T0.add(days=1)),
        ),
        actor="office",
    )
    events = crisis.pull_events()
    assert changes(events, SlaMetric.RECOVERY_MILESTONE) == [
        (TimerAction.RETARGET, "open day", T0.add(days=3)),
        (TimerAction.START, "hotline staffed", T0.add(days=1)),
        (TimerAction.CANCEL, "audit", T0.add(hours=1)),
    ]
    assert timer(crisis, SlaMetric.RECOVERY_MILESTONE, "audit").state is TimerState.CANCELLED
    # The same plan again changes nothing.
    crisis.set_recovery_plan(crisis.recovery_plan, actor="office")
    assert changes(crisis.pull_events(), SlaMetric.RECOVERY_MILESTONE) == []
    clock.advance(hours=1)
    crisis.reach_milestone("open day", actor="office")
    reached = timer(crisis, SlaMetric.RECOVERY_MILESTONE, "open day")
    assert (reached.state, reached.status(clock.now(), POLICY)) == (
        TimerState.STOPPED,
        SlaStatus.MET,
    )


def test_a_milestone_reached_in_a_revised_plan_is_fulfilled():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.set_recovery_plan(plan(Milestone("open day", T0.add(days=2))), actor="office")
    clock.advance(hours=1)
    done = Milestone("open day", T0.add(days=2), done_at=T0.add(hours=1))
    crisis.set_recovery_plan(plan(done), actor="office")
    reached = timer(crisis, SlaMetric.RECOVERY_MILESTONE, "open day")
    assert (reached.state, reached.ended_at) == (TimerState.STOPPED, T0.add(hours=1))


# ------------------------------------------------------------------ the quality remedy


def remedy(expected):
    return QualityRemedy(
        root_cause="a cracked seal",
        responsible_party="line 3",
        remedies=[RemedyKind.RECALL],
        expected_resolution=expected,
    )


def test_the_expected_resolution_is_moved_by_a_new_remedy_and_met_by_recovering():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.warn(actor="gm")
    crisis.respond(actor="gm")
    crisis.record_quality_remedy(remedy(T0.add(days=2)), actor="qa")
    clock.advance(hours=1)
    crisis.record_quality_remedy(remedy(T0.add(days=3)), actor="qa")
    events = crisis.pull_events()
    assert changes(events, SlaMetric.REMEDY) == [
        (TimerAction.START, "expected_resolution", T0.add(days=2)),
        (TimerAction.RETARGET, "expected_resolution", T0.add(days=3)),
    ]
    assert timer(crisis, SlaMetric.REMEDY, "expected_resolution").timer_id == (
        "CR-D/remedy/expected_resolution"
    )
    clock.advance(days=1)
    crisis.recover(actor="gm")
    met = timer(crisis, SlaMetric.REMEDY, "expected_resolution")
    assert (met.state, met.status(clock.now(), POLICY)) == (TimerState.STOPPED, SlaStatus.MET)
    # Once resolved, a revised remedy owes no resolution.
    crisis.record_quality_remedy(remedy(T0.add(days=9)), actor="qa")
    assert changes(crisis.pull_events(), SlaMetric.REMEDY)[-1][0] is TimerAction.STOP


def test_a_remedy_without_an_expected_resolution_withdraws_it():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.record_quality_remedy(remedy(T0.add(days=2)), actor="qa")
    crisis.record_quality_remedy(remedy(None), actor="qa")
    assert timer(crisis, SlaMetric.REMEDY, "expected_resolution").state is TimerState.CANCELLED
    assert [t for t in crisis.timers if t.metric is SlaMetric.PROMISE] == []


# ------------------------------------------------------------------ closing, replay, reports


def test_closing_cancels_the_promises_and_milestones_still_owed():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.warn(actor="gm")
    crisis.respond(actor="gm")
    promise(crisis, hours=30)
    crisis.set_recovery_plan(plan(Milestone("open day", T0.add(days=4))), actor="office")
    crisis.record_quality_remedy(remedy(T0.add(days=2)), actor="qa")
    crisis.recover(actor="gm")
    crisis.record_review(REVIEW, actor="office")
    clock.advance(hours=2)
    crisis.close("done", actor="gm")
    states = {(t.metric, t.subject): t.state for t in crisis.timers if t.metric.dated}
    assert states == {
        (SlaMetric.PROMISE, "C-1/1"): TimerState.CANCELLED,
        (SlaMetric.RECOVERY_MILESTONE, "open day"): TimerState.CANCELLED,
        (SlaMetric.REMEDY, "expected_resolution"): TimerState.STOPPED,
    }


def test_dismissing_cancels_the_expected_resolution():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.record_quality_remedy(remedy(T0.add(days=2)), actor="qa")
    crisis.dismiss(actor="gm", reason="a false alarm")
    assert timer(crisis, SlaMetric.REMEDY, "expected_resolution").state is TimerState.CANCELLED


def test_replay_gives_the_live_timers_and_the_figures_count_each_obligation_by_metric():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    promise(crisis, hours=2)
    promise(crisis, "C-2", hours=8)
    crisis.set_recovery_plan(plan(Milestone("open day", T0.add(hours=1))), actor="office")
    clock.advance(minutes=50)
    crisis.handle_customer("C-2", "promise_kept", actor="cs")
    crisis.reach_milestone("open day", actor="office")
    clock.advance(hours=3)
    crisis.check_sla()
    log = crisis.pull_events()
    replayed = Crisis.replay(log)
    assert replayed == crisis
    assert replayed.timers == crisis.timers
    figures = crisis_metrics(log)
    dated = sorted((m.value, s, o) for m, s, o in figures.owed if m.dated)
    assert dated == [
        ("promise", "C-1/1", SlaStatus.BREACHED),
        ("promise", "C-2/1", SlaStatus.MET),
        ("recovery_milestone", "open day", SlaStatus.MET),
    ]
    by_metric = {f.metric: (f.met, f.breached, f.running) for f in summarise([figures]).obligations}
    # The first contacts (C-1 by the promise at 09:00, C-2 too) are counted apart.
    assert by_metric == {
        SlaMetric.FIRST_CONTACT: (2, 0, 0),
        SlaMetric.PROMISE: (1, 1, 0),
        SlaMetric.RECOVERY_MILESTONE: (1, 0, 0),
    }


def test_the_alerts_read_in_english_and_chinese():
    clock = ManualClock(T0.in_timezone("UTC"))
    crisis = complaint(clock)
    promise(crisis, hours=2)
    clock.advance(hours=3)
    swept = crisis.check_sla()
    en = describe(swept, zone=ZONE)
    zh = describe(swept, "zh", zone=ZONE)
    assert "⚠ promise to a customer (C-1/1) BREACHED at 09-27 11:00" in en
    assert "⚠ 对客户的承诺（C-1/1）超时（09-27 11:00）" in zh


def test_a_promise_needs_a_due_time_in_the_future():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    with pytest.raises(ValidationError):
        crisis.handle_customer("C-1", "promised", note="refund", due_at=T0, actor="cs")
    assert [t for t in crisis.timers if t.metric is SlaMetric.PROMISE] == []


def test_a_level_change_leaves_the_dates_owed_as_they_are():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    promise(crisis, hours=30)
    crisis.set_recovery_plan(plan(Milestone("open day", T0.add(days=4))), actor="office")
    crisis.record_quality_remedy(remedy(T0.add(days=2)), actor="qa")
    before = [t for t in crisis.timers if t.metric.dated]
    crisis.pull_events()
    clock.advance(hours=1)
    crisis.set_level("I", actor="analyst", reason="national news")
    assert changes(crisis.pull_events(), SlaMetric.PROMISE) == []
    assert [t for t in crisis.timers if t.metric.dated] == before
    crisis.set_level("IV", actor="analyst", reason="contained")
    assert [t for t in crisis.timers if t.metric.dated] == before
