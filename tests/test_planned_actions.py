"""The plan's actions and the review's improvements as obligations on the live crisis.

The times are worked by hand on the default plan and the China working calendar of 2025
(09:00–12:00 and 13:00–18:00, Monday to Friday); 3 November 2025 is a Monday.
"""

import datetime as dt
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lifecycle_support import snapshot

from crisiskit import Context, Crisis, Level
from crisiskit.app.drills import run_drill
from crisiskit.calendar import china_working_calendar
from crisiskit.crisis.commands import CompleteAction, StartAction, UpdateImprovement
from crisiskit.errors import InvalidTransition, UnknownValueError, ValidationError
from crisiskit.events import (
    ActionCompleted,
    ReviewRecorded,
    SlaAlertsRaised,
    StoredEvent,
    read,
    stored,
)
from crisiskit.operations.review import Improvement, ImprovementStatus, Review
from crisiskit.plan import EmergencyPlan, Phase
from crisiskit.reports import crisis_metrics, period_report, rows, summarise
from crisiskit.serialization import from_dict, from_json, to_json
from crisiskit.sla import AlertKind, SlaMetric, SlaPolicy, SlaStatus, TimerState
from crisiskit.testing import ManualClock

PLAN = EmergencyPlan.default()
SLA = SlaPolicy.default(china_working_calendar([2025, 2026]))


def cst(day, hour, minute=0):
    return pendulum.datetime(2025, 11, day, hour, minute, tz="Asia/Shanghai")


def start(level=Level.III, at=None, plan=PLAN, sla=SLA):
    clock = ManualClock(at or cst(3, 9))
    context = Context(clock, plan=plan, sla=sla)
    crisis = Crisis.detect(
        context, crisis_id="CR-1", crisis_type="complaint", title="VIP complaint", actor="hotline"
    )
    crisis.set_level(level, actor="office", reason="triage")
    return crisis, clock, context


def action_timer(crisis, action_id):
    found = [
        t for t in crisis.timers if t.metric is SlaMetric.PLANNED_ACTION and t.subject == action_id
    ]
    return found[0] if found else None


def staff(crisis, *roles):
    for role in roles:
        crisis.assign(role, f"{role}-person", actor="office")


# --- the phases owe their actions -----------------------------------------------------------


def test_warning_owes_the_warning_actions_with_targets_from_the_warning():
    crisis, _clock, _ = start()
    crisis.warn(actor="office")
    timer = action_timer(crisis, "warning-notice")
    # Level III: the warning notice within 2 working hours, from 09:00 Monday.
    assert timer.timer_id == "CR-1/planned_action/warning-notice"
    assert (timer.target, timer.calendar) == (dt.timedelta(hours=2), "working")
    assert timer.started_at == cst(3, 9)
    assert timer.deadline == cst(3, 11)
    # Response actions are not owed before the response.
    assert action_timer(crisis, "collect-facts") is None


def test_a_sudden_crisis_owes_its_warning_actions_from_its_response():
    crisis, clock, _ = start()
    staff(crisis, "office", "customer_service")
    clock.advance(minutes=30)
    crisis.respond(actor="office")
    warning = action_timer(crisis, "warning-notice")
    facts = action_timer(crisis, "collect-facts")
    assert warning.started_at == facts.started_at == cst(3, 9, 30)
    assert warning.deadline == cst(3, 11, 30)
    # 8 working hours from 09:30 Monday: 2.5 h to 12:00, 5 h to 18:00, 0.5 h Tuesday.
    assert facts.deadline == cst(4, 9, 30)
    assert crisis.phases_started == {
        Phase.WARNING: cst(3, 9, 30),
        Phase.RESPONSE: cst(3, 9, 30),
    }


def test_an_action_without_a_target_is_not_timed_but_can_be_completed():
    crisis, _clock, _ = start(level=Level.I, at=cst(3, 9))
    crisis.warn(actor="office")
    assert action_timer(crisis, "monitor-opinion") is None
    event = crisis.complete_action("monitor-opinion", actor="chen")
    assert isinstance(event, ActionCompleted)
    assert crisis.actions[0].completed_at == cst(3, 9)


def test_a_crisis_graded_after_its_warning_owes_from_the_warning_not_the_grading():
    clock = ManualClock(cst(3, 9))
    context = Context(clock, plan=PLAN, sla=SLA)
    crisis = Crisis.detect(
        context, crisis_id="CR-1", crisis_type="complaint", title="t", actor="hotline"
    )
    # Without a plan the warning needs no level; with one it does: the level comes first.
    crisis.set_level(Level.IV, actor="office", reason="triage")
    crisis.warn(actor="office")
    clock.advance(hours=1)
    crisis.set_level(Level.III, actor="office", reason="worse than thought")
    timer = action_timer(crisis, "warning-notice")
    assert timer.started_at == cst(3, 9)
    # Re-targeted from level IV's 8 working hours to level III's 2.
    assert timer.target == dt.timedelta(hours=2)
    assert timer.deadline == cst(3, 11)


# --- completing -------------------------------------------------------------------------------


def test_completing_in_time_meets_the_obligation():
    crisis, clock, _ = start()
    crisis.warn(actor="office")
    clock.advance(minutes=90)
    crisis.start_action("warning-notice", actor="li")
    clock.advance(minutes=20)
    crisis.complete_action("warning-notice", actor="li", note="sent to the office")
    timer = action_timer(crisis, "warning-notice")
    assert timer.state is TimerState.STOPPED
    assert timer.status(clock.now(), SLA) is SlaStatus.MET
    (progress,) = crisis.actions
    assert (progress.started_by, progress.started_at) == ("li", cst(3, 10, 30))
    assert (progress.completed_by, progress.completed_at) == ("li", cst(3, 10, 50))
    assert progress.note == "sent to the office"


def test_a_planned_action_completed_late_shows_late_in_metrics_and_in_a_drill():
    scenario = from_dict(
        {
            "type": "Scenario",
            "schema_version": 1,
            "format": 2,
            "name": "Drill: the warning notice goes out late",
            "zone": "Asia/Shanghai",
            "start": "2025-11-03T09:00:00+08:00[Asia/Shanghai]",
            "crisis_id": "DRILL-LATE",
            "crisis_type": "complaint",
            "title": "VIP complaint",
            "steps": [
                {"do": "detect", "actor": "hotline"},
                {
                    "do": "set_level",
                    "actor": "office",
                    "args": {"level": "III", "reason": "one VIP"},
                },
                {"do": "warn", "actor": "office"},
                {
                    "after": "PT3H30M",
                    "do": "complete_action",
                    "actor": "li",
                    "args": {"action_id": "warning-notice", "note": "notice sent"},
                },
            ],
        }
    )
    report = run_drill(scenario, PLAN, sla=SLA)
    check = next(c for c in report.actions if c.action.action_id == "warning-notice")
    # The warning (the evidence) was at 09:00, on time; the completion, at 12:30, is what
    # counts: 09:00–12:00 is 3 working hours, the lunch half hour none; 2 are allowed.
    assert check.status == "late"
    assert check.done_at == cst(3, 12, 30)
    assert check.took == dt.timedelta(hours=3)
    assert "Issue the warning notice" in report.render()
    assert "to the departments concerned: late (3 h)" in report.render()
    assert not report.passed

    metrics = crisis_metrics(report.result.events)
    assert (SlaMetric.PLANNED_ACTION, "warning-notice", SlaStatus.BREACHED) in metrics.owed
    # The breach was alerted at 11:00, the deadline, before the completion was recorded.
    breaches = [
        a
        for e in report.result.events
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
        if a.kind is AlertKind.BREACH and a.metric is SlaMetric.PLANNED_ACTION
    ]
    assert [(b.subject, b.due_at) for b in breaches] == [("warning-notice", cst(3, 11))]
    period = summarise([metrics])
    (figure,) = [f for f in period.obligations if f.metric is SlaMetric.PLANNED_ACTION]
    assert (figure.met, figure.breached) == (0, 1)


def test_a_drill_without_completions_still_reads_the_evidence():
    scenario = from_dict(
        {
            "type": "Scenario",
            "schema_version": 1,
            "format": 2,
            "name": "Drill: the warning is the notice",
            "zone": "Asia/Shanghai",
            "start": "2025-11-03T09:00:00+08:00[Asia/Shanghai]",
            "crisis_id": "DRILL-EVIDENCE",
            "crisis_type": "complaint",
            "title": "VIP complaint",
            "steps": [
                {"do": "detect", "actor": "hotline"},
                {"do": "set_level", "actor": "office", "args": {"level": "III", "reason": "x"}},
                {"after": "PT1H", "do": "warn", "actor": "office"},
            ],
        }
    )
    report = run_drill(scenario, PLAN, sla=SLA)
    check = next(c for c in report.actions if c.action.action_id == "warning-notice")
    assert (check.status, check.took) == ("on time", dt.timedelta(0))


# --- level changes -----------------------------------------------------------------------------


def test_a_level_change_retargets_open_actions_and_owes_what_the_new_level_adds():
    crisis, clock, _ = start(level=Level.III)
    staff(crisis, "office", "customer_service", "marketing")
    crisis.warn(actor="office")
    crisis.complete_action("warning-notice", actor="li")
    clock.advance(minutes=30)
    crisis.respond(actor="office")  # 09:30 Monday
    assert action_timer(crisis, "public-statement") is None  # level III has none
    clock.advance(hours=1)
    crisis.set_level(Level.II, actor="office", reason="the press called")  # 10:30
    facts = action_timer(crisis, "collect-facts")
    # Level II: collect the facts within 2 hours around the clock, from the response.
    assert (facts.target, facts.calendar, facts.started_at) == (
        dt.timedelta(hours=2),
        "24x7",
        cst(3, 9, 30),
    )
    assert facts.deadline == cst(3, 11, 30)
    statement = action_timer(crisis, "public-statement")
    assert statement.started_at == cst(3, 9, 30)
    assert statement.deadline == cst(3, 21, 30)
    # A completed action is not owed again.
    assert action_timer(crisis, "warning-notice").state is TimerState.STOPPED


def test_a_level_without_a_target_for_an_open_action_cancels_its_timer():
    plan = PLAN
    entry = plan.for_crisis("complaint", Level.II)
    untimed = entry.with_action(attrs.evolve(entry.action("collect-facts"), target=None))
    plan = _with_level_plan(plan, untimed)
    crisis, _clock, _ = start(level=Level.III, plan=plan)
    staff(crisis, "office", "customer_service", "marketing")
    crisis.respond(actor="office")
    crisis.set_level(Level.II, actor="office", reason="worse")
    assert action_timer(crisis, "collect-facts").state is TimerState.CANCELLED


def _with_level_plan(plan, level_plan):
    entries = tuple(
        level_plan if (e.crisis_type, e.level) == (level_plan.crisis_type, level_plan.level) else e
        for e in plan.levels
    )
    return attrs.evolve(plan, levels=entries)


# --- refusals --------------------------------------------------------------------------------


def test_refused_action_commands_change_nothing():
    crisis, _clock, _ = start()
    crisis.warn(actor="office")
    crisis.complete_action("warning-notice", actor="li")
    before = snapshot(crisis)
    with pytest.raises(UnknownValueError, match="'warning-notice', 'collect-facts'"):
        crisis.complete_action("press-tour", actor="li")
    assert snapshot(crisis) == before
    with pytest.raises(ValidationError, match="completed already, by li"):
        crisis.complete_action("warning-notice", actor="li")
    assert snapshot(crisis) == before
    with pytest.raises(ValidationError, match="completed already"):
        crisis.start_action("warning-notice", actor="li")
    crisis.start_action("collect-facts", actor="zhao")
    before = snapshot(crisis)
    with pytest.raises(ValidationError, match="taken on already, by zhao"):
        crisis.start_action("collect-facts", actor="li")
    assert snapshot(crisis) == before


def test_actions_need_a_plan_and_a_level():
    clock = ManualClock(cst(3, 9))
    bare = Crisis.detect(
        Context(clock, sla=SLA), crisis_id="CR-1", crisis_type="complaint", title="t", actor="a"
    )
    before = snapshot(bare)
    with pytest.raises(ValidationError, match="no emergency plan"):
        bare.complete_action("warning-notice", actor="li")
    ungraded = Crisis.detect(
        Context(clock, plan=PLAN), crisis_id="CR-2", crisis_type="complaint", title="t", actor="a"
    )
    untouched = snapshot(ungraded)
    with pytest.raises(ValidationError, match="not graded yet"):
        ungraded.complete_action("warning-notice", actor="li")
    assert (snapshot(bare), snapshot(ungraded)) == (before, untouched)


def test_a_closed_crisis_completes_no_action():
    crisis, _clock, _ = _closed_with_review(())
    before = snapshot(crisis)
    with pytest.raises(InvalidTransition):
        crisis.complete_action("collect-facts", actor="li")
    assert snapshot(crisis) == before


# --- commands as data, replay ----------------------------------------------------------------


def test_the_command_objects_record_what_the_methods_record():
    made = []
    for _ in range(2):
        crisis, clock, _ = start()
        crisis.warn(actor="office")
        clock.advance(minutes=10)
        made.append((crisis, clock))
    (by_method, clock_a), (by_command, clock_b) = made
    calls = [
        (
            lambda c: c.start_action("warning-notice", actor="li"),
            StartAction("warning-notice", actor="li"),
        ),
        (
            lambda c: c.complete_action("warning-notice", note="sent", actor="li"),
            CompleteAction("warning-notice", note="sent", actor="li"),
        ),
    ]
    for call, command in calls:
        clock_a.advance(minutes=7)
        clock_b.advance(minutes=7)
        assert by_command.execute(command).action_id == call(by_method).action_id
    assert by_command.pull_events() == by_method.pull_events()
    assert UpdateImprovement("improvement-3", status="dropped", actor="li").improvement == 3


def test_replay_equals_the_live_crisis():
    crisis, clock, context = start(level=Level.III)
    staff(crisis, "office", "customer_service", "marketing")
    crisis.warn(actor="office")
    clock.advance(hours=3)
    crisis.complete_action("warning-notice", actor="li")
    crisis.respond(actor="office")
    crisis.start_action("collect-facts", actor="zhao")
    crisis.set_level(Level.II, actor="office", reason="press")
    clock.advance(days=1)
    crisis.check_sla()
    events = crisis.pull_events()
    replayed = Crisis.replay([stored(e) for e in events], context)
    assert replayed == crisis
    assert replayed.timers == crisis.timers
    assert replayed.phases_started == crisis.phases_started
    again = from_json(to_json(crisis))
    assert again == crisis
    assert again.phases_started == crisis.phases_started


# --- improvements ------------------------------------------------------------------------------


REVIEW = Review(
    root_cause="no one owned the hotline's escalation",
    lessons=["escalation needs an owner"],
    improvements=[
        Improvement("name an escalation owner", owner="wang", due_at=cst(14, 18)),
        "retrain the hotline",
        Improvement("add a press checklist", owner="chen", due_at=cst(21, 18)),
    ],
)


def _closed_with_review(improvements=REVIEW.improvements):
    crisis, clock, context = start(level=Level.III)
    staff(crisis, "office", "customer_service")
    crisis.respond(actor="office")
    clock.advance(hours=2)
    crisis.recover(actor="office")
    clock.advance(hours=2)
    crisis.record_review(attrs.evolve(REVIEW, improvements=improvements), actor="office")
    crisis.close("resolved", actor="office")
    return crisis, clock, context


def improvement_timer(crisis, number):
    found = [
        t
        for t in crisis.timers
        if t.metric is SlaMetric.IMPROVEMENT and t.subject == f"improvement-{number}"
    ]
    return found[0] if found else None


def test_a_review_takes_plain_texts_as_open_improvements():
    review = Review("cause", lessons=["lesson"], improvements=["do better"])
    assert review.improvements == (Improvement("do better"),)
    assert review.improvements[0].status is ImprovementStatus.OPEN
    assert ImprovementStatus.DROPPED.label("zh") == "已放弃"


def test_improvements_with_due_dates_are_owed_past_closing():
    crisis, clock, _ = _closed_with_review()
    first, third = improvement_timer(crisis, 1), improvement_timer(crisis, 3)
    assert improvement_timer(crisis, 2) is None  # no due date, nothing to time
    assert (first.deadline, third.deadline) == (cst(14, 18), cst(21, 18))
    assert first.state is third.state is TimerState.RUNNING  # closing cancelled the rest
    assert crisis.sla_next_due is not None

    clock.set(cst(15, 9))
    alerts = crisis.check_sla()
    assert [(a.subject, a.kind, a.due_at) for a in alerts.alerts if a.kind is AlertKind.BREACH] == [
        ("improvement-1", AlertKind.BREACH, cst(14, 18))
    ]
    crisis.update_improvement(1, status="done", actor="wang")
    crisis.update_improvement(
        "improvement-3", status="dropped", actor="chen", reason="the press desk was closed"
    )
    assert improvement_timer(crisis, 1).state is TimerState.STOPPED
    assert improvement_timer(crisis, 3).state is TimerState.CANCELLED
    assert [i.status.value for i in crisis.review.improvements] == ["done", "open", "dropped"]

    figures = crisis_metrics(crisis.pending_events, as_of=cst(15, 9)).improvements
    assert (figures.open, figures.overdue, figures.done, figures.dropped) == (1, 0, 1, 1)
    owed = crisis_metrics(crisis.pending_events, as_of=cst(15, 9)).owed
    assert (SlaMetric.IMPROVEMENT, "improvement-1", SlaStatus.BREACHED) in owed
    assert (SlaMetric.IMPROVEMENT, "improvement-3", SlaStatus.CANCELLED) in owed


def test_open_improvements_past_due_count_overdue():
    crisis, _clock, _ = _closed_with_review()
    figures = crisis_metrics(crisis.pending_events, as_of=cst(20, 9)).improvements
    assert (figures.open, figures.overdue, figures.done, figures.dropped) == (2, 1, 0, 0)
    assert (
        summarise([crisis_metrics(crisis.pending_events, as_of=cst(20, 9))]).improvements == figures
    )


def test_refused_improvement_updates_change_nothing():
    crisis, _clock, _ = _closed_with_review()
    crisis.update_improvement(1, status="done", actor="wang")
    before = snapshot(crisis)
    for call, match in [
        (
            lambda: crisis.update_improvement(1, status="dropped", actor="w", reason="r"),
            "done already",
        ),
        (
            lambda: crisis.update_improvement(4, status="done", actor="w"),
            "no improvement 4; it has 3",
        ),
        (lambda: crisis.update_improvement(2, status="open", actor="w"), "done or dropped"),
        (lambda: crisis.update_improvement(2, status="dropped", actor="w"), "reason"),
        (lambda: crisis.update_improvement("first", status="done", actor="w"), "improvement-<n>"),
        (lambda: crisis.update_improvement(2, status="finished", actor="w"), "status"),
    ]:
        with pytest.raises(ValidationError, match=match):
            call()
        assert snapshot(crisis) == before


def test_a_crisis_without_a_review_has_no_improvements_to_update():
    crisis, _clock, _ = start()
    before = snapshot(crisis)
    with pytest.raises(ValidationError, match="no review yet"):
        crisis.update_improvement(1, status="done", actor="w")
    assert snapshot(crisis) == before


def test_a_revised_review_releases_what_it_no_longer_owes():
    crisis, _clock, _ = start(level=Level.III)
    staff(crisis, "office", "customer_service")
    crisis.respond(actor="office")
    crisis.record_review(REVIEW, actor="office")
    assert improvement_timer(crisis, 3).state is TimerState.RUNNING
    shorter = attrs.evolve(REVIEW, improvements=REVIEW.improvements[:1])
    crisis.record_review(shorter, actor="office")
    assert improvement_timer(crisis, 3).state is TimerState.CANCELLED
    assert improvement_timer(crisis, 1).state is TimerState.RUNNING


def test_reviews_stored_with_plain_text_improvements_still_read():
    # The golden logs of 0.1 hold ReviewRecorded at version 1, improvements as texts.
    golden = Path(__file__).parent / "golden" / "0.1" / "sha256" / "CR-A.jsonl"
    lines = golden.read_text(encoding="utf-8").splitlines()
    records = [StoredEvent.from_json(line) for line in lines]
    (old,) = [r for r in records if r.type == "ReviewRecorded"]
    assert old.version == 1
    assert old.data["review"]["improvements"] == ["add seal checks to the quality plan"]
    event = read(old)
    assert event.review.improvements == (Improvement("add seal checks to the quality plan"),)
    # New events are written at version 2, each improvement as a value.
    crisis, _clock, _ = _closed_with_review(("plain text",))
    event = next(e for e in crisis.pending_events if isinstance(e, ReviewRecorded))
    record = stored(event)
    assert record.version == 2
    assert record.data["review"]["improvements"] == [{"status": "open", "text": "plain text"}]
    # A snapshot written before improvements were values reads them from their text.
    written = to_json(crisis)
    text = written.replace(
        '{"due_at": null, "owner": null, "status": "open", "text": "plain text"}', '"plain text"'
    )
    assert text != written
    assert from_json(text) == crisis


# --- invariants --------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@example(completed_after=30, swept=[])
@example(completed_after=31, swept=[30])
@given(
    completed_after=st.integers(min_value=0, max_value=600),
    swept=st.lists(st.integers(min_value=0, max_value=2000), max_size=4),
)
def test_an_action_is_never_alerted_after_its_completion(completed_after, swept):
    crisis, clock, _ = start(level=Level.II)
    crisis.warn(actor="office")
    done_at = clock.now().add(minutes=completed_after)
    moments = sorted(clock.now().add(minutes=m) for m in swept)
    completed = False
    for moment in moments:
        if not completed and moment >= done_at:
            clock.set(done_at)
            crisis.complete_action("warning-notice", actor="li")
            completed = True
        clock.set(max(moment, clock.now()))
        crisis.check_sla()
    if not completed:
        clock.set(max(done_at, clock.now()))
        crisis.complete_action("warning-notice", actor="li")
    finished = action_timer(crisis, "warning-notice").ended_at
    alerts = [
        a
        for e in crisis.pending_events
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
        if a.subject == "warning-notice"
    ]
    assert all(a.due_at <= finished for a in alerts)
    # Level II allows 30 minutes. Completed exactly at the deadline, it is met: no breach.
    breached = any(a.kind is AlertKind.BREACH for a in alerts)
    assert breached == (finished - crisis.detected_at > dt.timedelta(minutes=30))


def test_the_period_report_rows_count_the_improvements():
    crisis, clock, _ = _closed_with_review()
    clock.set(cst(20, 9))
    crisis.update_improvement(3, status="dropped", actor="chen", reason="merged into another fix")
    report = period_report([crisis.pending_events], as_of=cst(20, 9))
    (total,) = [row for row in rows(report) if row["scope"] == "total"]
    # improvement-1 due 14th, open: overdue; 2 has no date: open; 3 dropped.
    assert [total[f"improvements_{k}"] for k in ("open", "overdue", "done", "dropped")] == [
        1,
        1,
        0,
        1,
    ]
