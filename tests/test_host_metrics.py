"""A host's own SLA metric (an OLA), a level given at detection, and who hears of an
ungraded crisis's alerts.

The host's metric here is the quality lab's root-cause report: 48 hours at level II, 5
working days at level III, started when the response starts and fulfilled by the recorded
quality remedy. Every figure is worked out by hand.
"""

import datetime as dt
import json

import attrs
import pendulum
import pytest

from crisiskit import Channel, Context, Crisis, CrisisType, Role, Signal
from crisiskit.calendar import china_working_calendar
from crisiskit.errors import PolicyError, SerializationError, UnknownValueError, ValidationError
from crisiskit.events import SlaAlertsRaised
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import from_dict, to_dict
from crisiskit.sla import EventRule, LifecycleRule, SlaMetric, SlaPolicy, SlaStatus, SlaTarget
from crisiskit.testing import ManualClock, vocabulary_scope
from crisiskit.values import CrisisState, Level

ZONE = "Asia/Shanghai"
CHINA = china_working_calendar([2025])


def at(day, hour, minute=0):
    return pendulum.datetime(2025, 9, day, hour, minute, tz=ZONE)


@pytest.fixture
def lab_report():
    with vocabulary_scope():
        yield SlaMetric.register("lab_report", en="root-cause lab report", zh="质检原因报告")


def lab_policy(metric):
    base = SlaPolicy.default(CHINA)
    return attrs.evolve(
        base,
        targets=(
            *base.targets,
            SlaTarget(Level.II, metric, dt.timedelta(hours=48), "24x7"),
            SlaTarget(Level.III, metric, dt.timedelta(hours=40), CHINA.name),
        ),
        lifecycle=(
            *base.lifecycle,
            LifecycleRule(CrisisState.RESPONDING, metric, "start"),
            LifecycleRule(CrisisState.CLOSED, metric, "cancel"),
        ),
        event_rules=(EventRule("QualityRemedyRecorded", metric, "stop"),),
    )


def remedy():
    return QualityRemedy(
        root_cause="a supplier changed the seal compound",
        responsible_party="line 3",
        remedies=(RemedyKind.REPLACE,),
    )


def responding(clock, policy, *, level="II"):
    crisis = Crisis.detect(
        Context(clock, sla=policy),
        crisis_id="CR-LAB",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Kettles leak at the seal",
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, clock.now(), "water on the counter")],
        level=level,
    )
    crisis.respond(actor="office")
    return crisis


def lab_alerts(events, metric):
    return [
        (a.fraction, a.due_at)
        for e in events
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
        if a.metric is metric
    ]


def test_a_hosts_metric_starts_on_its_rule_and_is_met_by_its_event(lab_report):
    clock = ManualClock(at(1, 10))  # Monday
    crisis = responding(clock, lab_policy(lab_report))
    timer = next(t for t in crisis.timers if t.metric is lab_report)
    assert (timer.target, timer.calendar, timer.deadline) == (
        dt.timedelta(hours=48),
        "24x7",
        at(3, 10),
    )
    clock.set(at(2, 10, 1))
    crisis.check_sla()
    clock.set(at(2, 16))
    crisis.record_quality_remedy(remedy(), actor="lab")
    events = crisis.pull_events()
    assert lab_alerts(events, lab_report) == [(0.5, at(2, 10))]
    status = {m: s for m, s, _deadline in crisis.sla_status(clock.now())}
    assert status[lab_report] is SlaStatus.MET
    clock.set(at(5, 10))
    crisis.check_sla()
    assert lab_alerts(crisis.pull_events(), lab_report) == []  # met: it never alerts again


def test_a_late_report_breaches_once_at_the_deadline_and_replay_agrees(lab_report):
    clock = ManualClock(at(1, 10))
    policy = lab_policy(lab_report)
    crisis = responding(clock, policy)
    clock.set(at(3, 12))
    crisis.check_sla()
    clock.set(at(3, 13))
    crisis.check_sla()
    crisis.record_quality_remedy(remedy(), actor="lab")
    events = crisis.pull_events()
    assert [a for a in lab_alerts(events, lab_report) if a[0] == 1.0] == [(1.0, at(3, 10))]
    status = {m: s for m, s, _deadline in crisis.sla_status(clock.now())}
    assert status[lab_report] is SlaStatus.BREACHED
    replayed = Crisis.replay(events, Context(clock, sla=policy))
    assert replayed.timers == crisis.timers


def test_a_level_change_retargets_a_hosts_metric_onto_the_levels_calendar(lab_report):
    clock = ManualClock(at(1, 10))  # Monday 10:00, level II: 48 h around the clock
    crisis = responding(clock, lab_policy(lab_report))
    clock.set(at(1, 14))
    crisis.set_level("III", actor="office", reason="one shop only")
    timer = next(t for t in crisis.timers if t.metric is lab_report)
    # 10:00-12:00 and 13:00-14:00 are 3 working hours of 40: 37 left from 14:00 Monday,
    # 4 that day, 8 a day Tuesday to Friday (36), the last one 09:00-10:00 next Monday.
    assert (timer.calendar, timer.deadline) == (CHINA.name, at(8, 10))


def test_a_policy_naming_an_event_crisiskit_does_not_have_is_refused(lab_report):
    policy = attrs.evolve(
        lab_policy(lab_report), event_rules=(EventRule("QualityFixed", lab_report, "stop"),)
    )
    with pytest.raises(PolicyError, match=r"'QualityFixed'.*QualityRemedyRecorded"):
        Context(ManualClock(at(1, 10)), sla=policy)
    with pytest.raises(PolicyError, match="name of a domain event"):
        EventRule("quality remedy", lab_report, "stop")
    with pytest.raises(PolicyError, match="event_rules"):
        attrs.evolve(
            policy,
            event_rules=(
                EventRule("QualityRemedyRecorded", lab_report, "stop"),
                EventRule("QualityRemedyRecorded", lab_report, "cancel"),
            ),
        )


def test_a_log_naming_a_metric_the_host_has_not_registered_says_so():
    clock = ManualClock(at(1, 10))
    with vocabulary_scope():
        metric = SlaMetric.register("lab_report", en="root-cause lab report", zh="质检原因报告")
        crisis = responding(clock, lab_policy(metric))
        events = crisis.pull_events()
        stored = [json.loads(json.dumps(to_dict(e))) for e in events]
        assert [from_dict(d) for d in stored] == events
    with pytest.raises(SerializationError, match=r"'lab_report' is not a SlaMetric.*register"):
        [from_dict(d) for d in stored]


def test_a_level_given_at_detection_times_the_level_from_then_and_meets_grading():
    clock = ManualClock(at(1, 20))
    crisis = Crisis.detect(
        Context(clock, sla=SlaPolicy.default(CHINA)),
        crisis_id="CR-GM",
        crisis_type=CrisisType.NEGATIVE_PUBLICITY,
        title="Video of a failed recall goes viral",
        actor="gm.wang",
        level="I",
    )
    assert crisis.level is Level.I
    names = [e.name for e in crisis.pull_events()]
    assert names == ["CrisisDetected", "SlaTimersChanged", "LevelChanged", "SlaTimersChanged"]
    status = {m: (s, d) for m, s, d in crisis.sla_status(clock.now())}
    assert status[SlaMetric.GRADE] == (SlaStatus.MET, at(1, 21))
    assert status[SlaMetric.ACKNOWLEDGE] == (SlaStatus.RUNNING, at(1, 20, 15))


def test_a_bad_level_at_detection_opens_no_crisis():
    clock = ManualClock(at(1, 20))
    with pytest.raises(UnknownValueError, match="detect\\(level\\)"):
        Crisis.detect(
            Context(clock, sla=SlaPolicy.default(CHINA)),
            crisis_id="CR-X",
            crisis_type=CrisisType.COMPLAINT,
            title="t",
            actor="a",
            level="V",
        )


def test_an_ungraded_crisis_alerts_the_crisis_office_by_the_plans_rules():
    clock = ManualClock(at(1, 20))
    crisis = Crisis.detect(
        Context(clock, sla=SlaPolicy.default(CHINA), plan=EmergencyPlan.default()),
        crisis_id="CR-NIGHT",
        crisis_type=CrisisType.COMPLAINT,
        title="Caller threatens to go to the press",
        actor="hotline",
    )
    crisis.assign(Role.OFFICE, "duty.li", actor="hotline")
    clock.set(at(1, 21, 5))
    event = crisis.check_sla()
    got = [(a.metric, a.fraction, a.recipients.roles, a.recipients.people) for a in event.alerts]
    # Grading is due within the hour around the clock: half at 20:30, three quarters at
    # 20:45, the breach at 21:00. The ungraded acknowledgement runs on working hours and
    # has not started to run at night.
    assert got == [
        (SlaMetric.GRADE, fraction, (Role.OFFICE,), ("duty.li",)) for fraction in (0.5, 0.75, 1.0)
    ]
    assert [a.due_at for a in event.alerts] == [at(1, 20, 30), at(1, 20, 45), at(1, 21)]


def test_refusing_a_bad_owe_names_what_each_kind_needs():
    policy = SlaPolicy.default(CHINA)
    with pytest.raises(ValidationError, match="due at an instant"):
        policy.owe((), SlaMetric.PROMISE, at(1, 10), subject="C-1/1", target=dt.timedelta(1))
    with pytest.raises(ValidationError, match="time allowed"):
        policy.owe((), SlaMetric.PLANNED_ACTION, at(1, 10), subject="legal", due=at(2, 10))


def test_a_level_change_and_a_pause_leave_what_is_owed_to_one_subject_alone():
    # A promise keeps its date and a planned action its plan's terms when the level moves;
    # neither waits on the customer.
    policy = SlaPolicy.default(CHINA)
    graded = policy.start("III", at(1, 10), owner="CR")
    owed = policy.owe(graded.timers, "promise", at(1, 10), subject="C-1/1", due=at(3, 10))
    owed = policy.owe(
        owed.timers,
        "planned_action",
        at(1, 10),
        subject="legal-review",
        target=dt.timedelta(hours=4),
        calendar=CHINA.name,
    )
    raised = policy.regrade(owed.timers, "I", at(1, 11), owner="CR")
    paused = policy.pause(raised.timers, at(1, 12), "waiting on the customer")
    touched = {c.timer_id for c in (*raised.changes, *paused.changes)}
    assert not touched & {"promise/C-1/1", "planned_action/legal-review"}
    deadlines = {t.timer_id: t.deadline for t in paused.timers if t.subject}
    assert deadlines == {"promise/C-1/1": at(3, 10), "planned_action/legal-review": at(1, 15)}


def test_a_private_crisis_times_the_metrics_registered_now_not_those_of_an_earlier_scope():
    # Two hosts' metrics in turn, as tests (or reloads) register them: the second is timed.
    def timed(code):
        with vocabulary_scope():
            metric = SlaMetric.register(code, en=code.replace("_", " "), zh="自定义" + code[-1])
            clock = ManualClock(at(1, 10))
            crisis = responding(clock, lab_policy(metric))  # a hotline signal: not public
            return {t.metric.value for t in crisis.timers} & {"lab_report_a", "lab_report_b"}

    assert timed("lab_report_a") == {"lab_report_a"}
    assert timed("lab_report_b") == {"lab_report_b"}
