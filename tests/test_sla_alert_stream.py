"""One alert stream: every SLA alert is its own event, addressed by the plan's alert rules.

Whoever finds an alert — a sweep, or a command whose change made it due (a retroactive
breach on a raised level) — it is recorded once as ``SlaAlertsRaised``, after the timer
change that caused it, oldest first; a raised level reports its new target's breach but no
milestone of the old target after that breach; a lowered level re-arms a breach whose new
deadline lies ahead; and each alert names the roles the plan says to notify and who holds
them in the crisis team.
"""

import pendulum
import pytest

from crisiskit import Channel, Context, Crisis, CrisisType, Role, Signal
from crisiskit.calendar import TWENTY_FOUR_SEVEN, china_working_calendar
from crisiskit.errors import ValidationError
from crisiskit.events import SlaAlertsRaised
from crisiskit.plan import AlertRule, EmergencyPlan
from crisiskit.sla import Recipients, SlaMetric, SlaPolicy
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
CHINA = china_working_calendar([2025])


def at(day, hour, minute=0):
    return pendulum.datetime(2025, 9, day, hour, minute, tz=ZONE)


def complaint(clock, *, plan=None):
    # With a plan, on the China working calendar (the plan's targets name it); else around
    # the clock, where a working day is 24 hours.
    sla = SlaPolicy.default(CHINA if plan else TWENTY_FOUR_SEVEN)
    return Crisis.detect(
        Context(clock, sla=sla, plan=plan),
        crisis_id="CR-ALERT",
        crisis_type=CrisisType.COMPLAINT,
        title="Parcels three days late",
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, clock.now(), "caller threatens to go to the press")],
    )


def alerts_of(events):
    return [
        (a.metric, a.fraction, a.due_at)
        for e in events
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
    ]


def test_a_level_i_acknowledge_breach_names_the_leadership_group_and_its_people():
    clock = ManualClock(at(27, 20))
    crisis = complaint(clock, plan=EmergencyPlan.default())
    crisis.assign(Role.LEADERSHIP_GROUP, "chair.zhou", actor="office")
    crisis.assign(Role.GENERAL_MANAGER, "gm.wang", actor="office")
    clock.advance(minutes=5)
    crisis.set_level("I", actor="analyst", reason="a journalist called")
    crisis.pull_events()
    clock.advance(minutes=20)  # 20:25: the 15-minute acknowledgement was due at 20:15
    event = crisis.check_sla()
    assert event is not None
    ack = {a.fraction: a for a in event.alerts if a.metric is SlaMetric.ACKNOWLEDGE}
    # Half used: the plan names no one; three quarters: the general manager; the breach: the
    # general manager and the leadership group (escalation is cumulative).
    assert ack[0.5].recipients is None
    assert ack[0.75].recipients == Recipients((Role.GENERAL_MANAGER,), ("gm.wang",))
    assert ack[1.0].due_at == at(27, 20, 15)
    assert ack[1.0].recipients == Recipients(
        (Role.GENERAL_MANAGER, Role.LEADERSHIP_GROUP), ("gm.wang", "chair.zhou")
    )


def test_a_role_nobody_holds_is_still_named():
    clock = ManualClock(at(27, 20))
    crisis = complaint(clock, plan=EmergencyPlan.default())
    crisis.set_level("I", actor="analyst", reason="a journalist called")
    clock.advance(minutes=30)
    event = crisis.check_sla()
    breach = next(
        a for a in event.alerts if a.metric is SlaMetric.ACKNOWLEDGE and a.fraction == 1.0
    )
    assert breach.recipients == Recipients((Role.GENERAL_MANAGER, Role.LEADERSHIP_GROUP), ())


def test_alert_rules_are_data_in_the_plan():
    rule = AlertRule(["general_manager"], metric="acknowledge", at=0.5)
    assert rule.applies("acknowledge", 0.75)
    assert not rule.applies("acknowledge", 0.25)
    assert not rule.applies("resolution", 1.0)
    plan = EmergencyPlan.default()
    level_i = plan.for_crisis(CrisisType.COMPLAINT, "I")
    assert level_i.alert_roles("acknowledge", 1.0) == (Role.GENERAL_MANAGER, Role.LEADERSHIP_GROUP)
    assert level_i.alert_roles("acknowledge", 0.5) == ()


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"notify": []}, "at least one role"),
        ({"notify": ["office", "office"]}, "each once"),
        ({"notify": ["office"], "metric": "Acknowledge!"}, "code of a metric"),
        ({"notify": ["office"], "at": 0}, "fraction of the target > 0"),
    ],
)
def test_a_bad_alert_rule_is_refused_with_what_is_allowed(given, problem):
    with pytest.raises(ValidationError, match=problem):
        AlertRule(**given)


def test_a_raised_level_records_the_change_then_its_breach_and_no_late_milestone():
    # Level IV: 1 working day (24 h around the clock) to acknowledge from 08:00. At 20:30 its
    # 50 % milestone (20:00) is due but not swept; raised to II (30 min), whose target was
    # used up at 08:30. The old 50 % at 20:00 comes after that breach: it is not reported.
    clock = ManualClock(at(26, 8))
    crisis = complaint(clock)
    crisis.set_level("IV", actor="analyst", reason="one caller")
    crisis.pull_events()
    clock.advance(hours=12, minutes=30)
    crisis.set_level("II", actor="analyst", reason="a dozen callers")
    events = crisis.pull_events()
    assert [type(e).__name__ for e in events] == [
        "LevelChanged",
        "SlaTimersChanged",
        "SlaAlertsRaised",
    ]
    assert events[1].alerts == ()
    assert [a for a in alerts_of(events) if a[0] is SlaMetric.ACKNOWLEDGE] == [
        (SlaMetric.ACKNOWLEDGE, 1.0, at(26, 8, 30))
    ]


def breached_then_lowered():
    """Level II from 08:00, its acknowledgement breached at 08:30 and swept at 09:00, then IV."""
    clock = ManualClock(at(26, 8))
    crisis = complaint(clock)
    crisis.set_level("II", actor="analyst", reason="a dozen callers")
    clock.advance(hours=1)
    crisis.check_sla()
    crisis.set_level("IV", actor="analyst", reason="it calmed down")
    return clock, crisis


def test_a_lowered_level_re_arms_the_breach_at_its_new_deadline():
    # Level II: 30 min to acknowledge from 08:00, breached at 08:30 (swept at 09:00). Lowered
    # to IV at 09:00 (24 h): the deadline moves to 08:00 next day, and the breach is raised
    # again then; the first breach stays in the history.
    clock, crisis = breached_then_lowered()
    clock.advance(hours=24)
    crisis.check_sla()
    ack = [a for a in alerts_of(crisis.pull_events()) if a[0] is SlaMetric.ACKNOWLEDGE]
    assert [(fraction, due) for _, fraction, due in ack if fraction == 1.0] == [
        (1.0, at(26, 8, 30)),
        (1.0, at(27, 8)),
    ]


def test_a_breach_already_reported_is_not_repeated_when_the_level_goes_back_up():
    clock, crisis = breached_then_lowered()
    clock.advance(hours=1)
    crisis.set_level("II", actor="analyst", reason="it flared up")
    clock.advance(hours=30)
    crisis.check_sla()
    ack = [a for a in alerts_of(crisis.pull_events()) if a[0] is SlaMetric.ACKNOWLEDGE]
    assert [a for a in ack if a[1] == 1.0] == [(SlaMetric.ACKNOWLEDGE, 1.0, at(26, 8, 30))]


def test_alerts_due_at_a_pause_are_on_record_before_it():
    clock = ManualClock(at(26, 8))
    crisis = complaint(clock)
    crisis.set_level("IV", actor="analyst", reason="one caller")
    crisis.pull_events()
    clock.advance(hours=13)  # the acknowledgement's 50 % (20:00) is due, not swept
    pause = crisis.pause_sla(actor="cs", reason="waiting on the customer")
    events = crisis.pull_events()
    assert [type(e).__name__ for e in events] == ["SlaAlertsRaised", "SlaTimersChanged"]
    assert events[0].actor == "system"
    assert events[1] is pause
    assert pause.actor == "cs"
    assert alerts_of(events) == [(SlaMetric.ACKNOWLEDGE, 0.5, at(26, 20))]
