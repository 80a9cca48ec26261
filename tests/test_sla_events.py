"""The SLA events stay compact: they hold what cannot be derived, and applying them derives the rest.

``SlaAlertsRaised`` holds only the alerts: each alerting timer is brought up to date from
them (:meth:`SlaTimer.alerted`). ``SlaTimersChanged`` holds only the timers it touched.
Either way the crisis ends with exactly the timers the policy computed.
"""

import datetime as dt
import json

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit import Channel, Context, Crisis, CrisisType, Level, Signal, to_dict
from crisiskit.app.scenario import simulate
from crisiskit.app.scenarios import load
from crisiskit.calendar import TWENTY_FOUR_SEVEN, china_working_calendar
from crisiskit.errors import ValidationError
from crisiskit.events import SlaAlertsRaised, SlaTimersChanged
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import AlertKind, SlaAlert, SlaPolicy, SlaTimer, sweep
from crisiskit.testing import ManualClock
from crisiskit.testing import strategies as cks

SLA = SlaPolicy.default(china_working_calendar([2025, 2026]))
ZONE = "Asia/Shanghai"
ENVELOPE = 400
# An alert owed to a named subject (a planned action's id) carries the name twice: in its
# timer's id and as its subject.
PER_ALERT = 275


def canonical_size(event):
    body = to_dict(event)
    return len(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


def regraded_complaint():
    """The SLA sweep example as a crisis: level III on a Friday, II on the Sunday, swept often."""
    clock = ManualClock(pendulum.datetime(2025, 9, 26, 17, tz=ZONE))
    crisis = Crisis.detect(
        Context(clock, sla=SLA),
        crisis_id="CR-2025-0926",
        crisis_type=CrisisType.COMPLAINT,
        title="Parcels three days late",
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, clock.now(), "caller: parcel three days late")],
    )
    crisis.set_level(Level.III, actor="li.na", reason="one caller")
    clock.advance(hours=40, minutes=15)
    crisis.set_level(Level.II, actor="li.na", reason="a dozen callers")
    for hours in (2, 2, 6, 3, 4):
        clock.advance(hours=hours)
        crisis.check_sla()
    return crisis, crisis.pull_events()


@pytest.fixture(scope="module")
def histories():
    food = simulate(load("food_safety"), plan=EmergencyPlan.default(), sla=SLA)
    complaint, events = regraded_complaint()
    return [(food.crisis, list(food.events)), (complaint, events)]


def test_alert_events_of_realistic_crises_stay_small(histories):
    alerts = [e for _, events in histories for e in events if isinstance(e, SlaAlertsRaised)]
    assert len(alerts) >= 10
    assert sum(len(e.alerts) for e in alerts) > len(alerts)  # some sweeps raise several
    assert max(len(e.alerts) for e in alerts) >= 2
    # The envelope, then each alert (per-customer obligations make batches of several).
    over = [(canonical_size(e), len(e.alerts)) for e in alerts]
    assert all(size <= ENVELOPE + PER_ALERT * count for size, count in over), over


def test_the_events_hold_only_what_cannot_be_derived(histories):
    for crisis, events in histories:
        assert Crisis.replay(events) == crisis
        for event in events:
            if isinstance(event, SlaAlertsRaised):
                assert "timers" not in to_dict(event)
                assert all("kind" not in item for item in to_dict(event)["alerts"])
            if isinstance(event, SlaTimersChanged):
                touched = {change.timer_id for change in event.changes}
                touched |= {alert.timer_id for alert in event.alerts}
                assert {timer.timer_id for timer in event.timers} <= touched


def test_applying_the_events_gives_the_timers_the_policy_computes():
    clock = ManualClock(pendulum.datetime(2025, 9, 26, 17, tz=ZONE))
    crisis = Crisis.detect(
        Context(clock, sla=SLA),
        crisis_id="CR-7",
        crisis_type=CrisisType.COMPLAINT,
        title="late parcels",
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, clock.now(), "caller")],
    )
    detected = SLA.start(None, clock.now(), owner="CR-7", metrics=crisis._sla_metrics(False))
    assert crisis.timers == detected.timers
    before = crisis.timers
    crisis.set_level(Level.III, actor="a", reason="r")
    graded = SLA.regrade(
        before,
        Level.III,
        clock.now(),
        owner="CR-7",
        metrics=crisis._sla_metrics(False),
        customers=(),
        since=clock.now(),
    )
    assert crisis.timers == graded.timers
    clock.advance(hours=40, minutes=15)
    before = crisis.timers
    crisis.set_level(Level.II, actor="a", reason="r")
    regraded = SLA.regrade(
        before, Level.II, clock.now(), owner="CR-7", metrics=crisis._sla_metrics(False)
    )
    assert crisis.timers == regraded.timers
    # The change, then the breach it made due, each its own event.
    changed, alerted = crisis.pull_events()[-2:]
    assert isinstance(changed, SlaTimersChanged)
    assert changed.timers == regraded.touched(before)
    assert isinstance(alerted, SlaAlertsRaised)
    assert alerted.alerts == tuple(attrs.evolve(a, recipients=None) for a in regraded.later)
    for hours in (24, 26):  # the resolution's 50 % (Monday 05:00), 75 % (Tuesday 11:00)
        clock.advance(hours=hours)
        before = crisis.timers
        event = crisis.check_sla()
        swept = sweep(before, clock.now(), SLA)
        assert event is not None
        assert event.alerts == swept.alerts
        assert crisis.timers == swept.timers


@settings(max_examples=80)
@given(
    st.lists(cks.sla_timers(), min_size=1, max_size=5).map(
        lambda timers: [attrs.evolve(t, timer_id=f"T-{i}") for i, t in enumerate(timers)]
    ),
    cks.durations(dt.timedelta(days=4), min_value=dt.timedelta(0)),
)
def test_a_timer_is_brought_up_to_date_from_its_alerts_alone(timers, gap):
    now = max(t.last_change for t in timers) + gap
    found = sweep(timers, now, TWENTY_FOUR_SEVEN)
    assert [t.alerted(found.alerts) for t in timers] == list(found.timers)
    for alert in found.alerts:
        assert (alert.kind is AlertKind.BREACH) == (alert.fraction == 1.0)


def test_alerts_already_emitted_are_refused():
    at = pendulum.datetime(2025, 6, 16, 9, tz="UTC")
    timer = SlaTimer.start("T", "acknowledge", dt.timedelta(minutes=30), TWENTY_FOUR_SEVEN, at)
    found = sweep([timer], at + dt.timedelta(minutes=20), TWENTY_FOUR_SEVEN)
    assert [a.fraction for a in found.alerts] == [0.5]
    (alerted,) = found.timers
    assert found.alerts[0].next_due == alerted.next_due == at + dt.timedelta(minutes=22, seconds=30)
    assert alerted.alerted([]) is alerted
    other = SlaAlert("other", "acknowledge", 1.0, at, dt.timedelta(minutes=30))
    assert alerted.alerted([other]) is alerted
    with pytest.raises(ValidationError, match="already emitted"):
        alerted.alerted(found.alerts)
