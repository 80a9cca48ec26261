"""Drills and backtests, on hand-worked scenarios."""

import datetime as dt

import attrs
import pendulum
import pytest

from crisiskit import Level, Role
from crisiskit.app.backtest import backtest_grading, backtest_sla
from crisiskit.app.drills import run_drill
from crisiskit.app.scenario import Scenario, simulate
from crisiskit.app.scenarios import load
from crisiskit.calendar import china_working_calendar
from crisiskit.events import AssessmentRecorded, LevelChanged
from crisiskit.grading import Bilingual, GradingPolicy, IndicatorPolicy, RiskMatrixPolicy
from crisiskit.grading.policy import Grade
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import from_dict
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus

PLAN = EmergencyPlan.default()
SLA = SlaPolicy.default(china_working_calendar([2025, 2026]))


def cst(day, hour, minute=0):
    return pendulum.datetime(2025, 11, day, hour, minute, tz="Asia/Shanghai")


DRILL = {
    "type": "Scenario",
    "schema_version": 1,
    "name": "Drill: VIP threatens to go to the press",
    "zone": "Asia/Shanghai",
    "start": "2025-11-03T09:00:00+08:00[Asia/Shanghai]",
    "crisis_id": "DRILL-1",
    "crisis_type": "complaint",
    "title": "VIP complaint, press threatened",
    "steps": [
        {
            "do": "detect",
            "actor": "hotline",
            "args": {
                "signals": [
                    {
                        "channel": "hotline",
                        "description": "VIP caller: will go to the press",
                        "customers": [{"customer_id": "C-1", "tier": "VIP"}],
                    }
                ]
            },
        },
        {
            "after": "PT5M",
            "do": "set_level",
            "actor": "office",
            "args": {"level": "I", "reason": "press threatened"},
        },
        {"after": "PT5M", "do": "warn", "actor": "office"},
        {
            "after": "PT10M",
            "do": "assign",
            "actor": "office",
            "args": {"role": "office", "person": "li"},
        },
        {"do": "assign", "actor": "office", "args": {"role": "customer_service", "person": "zhao"}},
        {"do": "assign", "actor": "office", "args": {"role": "marketing", "person": "chen"}},
        {"after": "PT5M", "do": "respond", "actor": "office"},
        {
            "after": "PT20M",
            "do": "assign",
            "actor": "office",
            "args": {"role": "general_manager", "person": "wang"},
        },
        {"do": "respond", "actor": "office"},
        {
            "after": "PT40M",
            "do": "assign",
            "actor": "office",
            "args": {"role": "legal", "person": "qian"},
        },
        {"do": "respond", "actor": "office"},
        {
            "after": "PT50M",
            "do": "handle_customer",
            "actor": "zhao",
            "args": {"customer_id": "C-1", "step": "acknowledged"},
        },
        {
            "after": "PT1H",
            "do": "update_facts",
            "actor": "li",
            "args": {"cause": "late delivery, twice"},
        },
        {
            "at": "2025-11-03T15:30:00+08:00[Asia/Shanghai]",
            "do": "release_statement",
            "actor": "zhao",
            "args": {
                "audience": "customers",
                "medium": "phone",
                "approved_by": "wang",
                "wording": "We apologise.",
            },
        },
    ],
}


def test_a_drill_reports_late_roles_late_actions_and_breaches():
    report = run_drill(from_dict(DRILL, Scenario), PLAN, sla=SLA)
    # The plan needs GM and legal at level I; the first response attempt was at 09:25.
    gaps = {(g.role, g.needed_from, g.filled_at) for g in report.role_gaps}
    assert gaps == {
        (Role.GENERAL_MANAGER, cst(3, 9, 25), cst(3, 9, 45)),
        (Role.LEGAL, cst(3, 9, 25), cst(3, 10, 25)),
    }
    assert [(r.command, r.expected) for r in report.refusals] == [
        ("respond", False),
        ("respond", False),
    ]
    checks = {c.action.action_id: c for c in report.actions}
    # Warning notice with the warning itself: 0 min of 15 -> on time.
    assert checks["warning-notice"].status == "on time"
    # The response started at 10:25: contact at 11:15 (50 min of 1 h) on time; facts at
    # 12:15 (1 h 50 min of 1 h) late; the statement at 15:30 (5 h 5 min of 4 h) late.
    assert (checks["contact-customers"].status, checks["contact-customers"].took) == (
        "on time",
        dt.timedelta(minutes=50),
    )
    assert (checks["collect-facts"].status, checks["collect-facts"].took) == (
        "late",
        dt.timedelta(hours=1, minutes=50),
    )
    assert (checks["public-statement"].status, checks["public-statement"].took) == (
        "late",
        dt.timedelta(hours=5, minutes=5),
    )
    assert checks["agree-solution"].status == "not done"
    assert checks["callback-customers"].status == "not reached"
    assert checks["decide-response"].status == "not tracked"
    # Level I, 24x7: acknowledge 15 min from 09:05 was never recorded -> breached at 09:20;
    # first contact 1 h from 09:05 was met only at 11:15 -> breached.
    sla = dict(report.sla)
    assert sla[SlaMetric.ACKNOWLEDGE] is SlaStatus.BREACHED
    assert sla[SlaMetric.FIRST_CONTACT] is SlaStatus.BREACHED
    assert not report.passed
    text = report.render("zh")
    assert "演练报告" in text
    assert "法务部门" in text


class AlwaysIII(GradingPolicy, name="always-iii", version="1"):
    """A lenient policy for the backtest: every crisis is level III."""

    def grade(self, inputs):
        return Grade.decided(
            Level.III, score=3.0, rule="always-iii", decision=Bilingual("always III", "一律三级")
        )


def food_safety_history():
    return list(simulate(load("food_safety"), plan=PLAN, sla=SLA).events)


def test_backtest_grading_reports_every_level_that_would_differ():
    history = food_safety_history()
    result = backtest_grading([history], AlwaysIII())
    # The crisis was graded twice (II at 20:10, I at 07:40 next day): both would be III.
    assert result.assessments == 2
    assert [(d.original, d.alternative) for d in result.differences] == [
        (Level.II, Level.III),
        (Level.I, Level.III),
    ]
    assert result.agreement == 0.0
    assert result.final_levels == (("CR-2025-0927", Level.I, Level.III),)
    same = backtest_grading([history], RiskMatrixPolicy())
    assert same.differences == ()
    assert same.agreement == 1.0


def test_backtest_grading_with_a_shipped_policy_matches_direct_assessment():
    history = food_safety_history()
    indicators = IndicatorPolicy()
    result = backtest_grading([history], indicators)
    graded = [
        e for e in history if isinstance(e, LevelChanged | AssessmentRecorded) and e.assessment
    ]
    previous = None
    expected = []
    for event in graded:
        inputs = attrs.evolve(event.assessment.inputs, previous_level=previous)
        previous = indicators.assess(inputs, at=event.occurred_at).level
        expected.append(previous)
    assert result.final_levels[0][2] is expected[-1]


def test_backtest_sla_with_a_stricter_acknowledge_target():
    history = food_safety_history()
    stricter = attrs.evolve(
        SLA,
        targets=[
            attrs.evolve(t, duration=dt.timedelta(minutes=25))
            if (t.metric, t.level) == (SlaMetric.ACKNOWLEDGE, Level.II)
            else t
            for t in SLA.targets
        ],
    )
    result = backtest_sla([history], stricter)
    # Acknowledged 22 minutes after the detection (20:00 -> 20:22), which is when the
    # obligation arose, though graded at 20:10: met in 25 minutes as in 30, not in 15.
    assert all(d.metric is not SlaMetric.ACKNOWLEDGE for d in result.differences)
    tighter = attrs.evolve(
        SLA,
        targets=[
            attrs.evolve(t, duration=dt.timedelta(minutes=15))
            if (t.metric, t.level) == (SlaMetric.ACKNOWLEDGE, Level.II)
            else t
            for t in SLA.targets
        ],
    )
    result = backtest_sla([history], tighter)
    assert [(d.metric, d.original, d.alternative) for d in result.differences] == [
        (SlaMetric.ACKNOWLEDGE, SlaStatus.MET, SlaStatus.BREACHED)
    ]
    assert dict(result.original_attainment)[SlaMetric.ACKNOWLEDGE] == 1.0
    assert dict(result.alternative_attainment)[SlaMetric.ACKNOWLEDGE] == 0.0


def test_backtest_sla_under_the_same_policy_changes_nothing():
    history = food_safety_history()
    result = backtest_sla([history], SLA)
    assert result.differences == ()
    assert result.original_attainment == result.alternative_attainment


def test_backtest_sla_with_another_grading_policy_times_other_levels():
    history = food_safety_history()
    result = backtest_sla([history], SLA, grading=AlwaysIII())
    by_metric = {d.metric: d for d in result.differences}
    # At level III there is no public-statement target: that timer is never started.
    assert by_metric[SlaMetric.PUBLIC_STATEMENT].alternative is None


@pytest.mark.parametrize("bad", [[], [object()]])
def test_a_history_must_start_with_detection(bad):
    from crisiskit.errors import EventSequenceError

    with pytest.raises(EventSequenceError, match="starts with the crisis's CrisisDetected"):
        backtest_grading([bad], AlwaysIII())
    with pytest.raises(EventSequenceError):
        backtest_sla([bad], SLA)


def test_an_empty_history_is_refused_by_the_sla_backtest_too():
    from crisiskit.errors import EventSequenceError

    with pytest.raises(EventSequenceError, match="starts with the crisis's CrisisDetected"):
        backtest_sla([[]], SLA)
