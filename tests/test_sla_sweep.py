"""The sweep: every alert exactly once over any schedule of sweeps, and one wake-up instant."""

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.errors import ValidationError
from crisiskit.sla import AlertKind, SlaMetric, SlaTimer, sweep
from crisiskit.testing import strategies as cks

ZERO = dt.timedelta(0)

H = dt.timedelta(hours=1)


def fleets():
    """A few timers with distinct ids, each after its own random history."""
    return st.lists(cks.sla_timers(), min_size=1, max_size=6).map(
        lambda timers: [attrs.evolve(t, timer_id=f"T-{i}") for i, t in enumerate(timers)]
    )


def _latest(timers):
    return max(t.last_change for t in timers)


@settings(max_examples=80)
@given(
    fleets(), st.lists(cks.durations(dt.timedelta(days=4), min_value=ZERO), min_size=1, max_size=6)
)
def test_each_alert_is_returned_exactly_once_over_any_schedule(timers, gaps):
    now = _latest(timers)
    seen = []
    current = timers
    for gap in gaps:
        now = now + gap
        found = sweep(current, now, TWENTY_FOUR_SEVEN)
        assert all(alert.due_at <= now for alert in found.alerts)
        assert [a.due_at for a in found.alerts] == sorted(a.due_at for a in found.alerts)
        again = sweep(found.timers, now, TWENTY_FOUR_SEVEN)
        assert again.alerts == ()
        assert again.timers == found.timers
        seen.extend(found.alerts)
        current = found.timers
    keys = [(a.timer_id, a.fraction) for a in seen]
    assert len(keys) == len(set(keys))
    # Exactly the alerts whose instants had come, for the fractions not alerted before.
    expected = set()
    for before in timers:
        for fraction, instant in before.milestone_times(TWENTY_FOUR_SEVEN):
            if fraction > before.emitted and instant is not None and instant <= now:
                expected.add((before.timer_id, fraction))
    assert set(keys) == expected
    for alert in seen:
        assert (alert.kind is AlertKind.BREACH) == (alert.fraction == 1.0)


@settings(max_examples=80)
@given(fleets())
def test_the_wakeup_is_the_first_instant_anything_becomes_due(timers):
    found = sweep(timers, _latest(timers), TWENTY_FOUR_SEVEN)
    pending = [t.next_due for t in found.timers if t.next_due is not None]
    assert found.next_wakeup == (min(pending) if pending else None)
    if found.next_wakeup is not None:
        just_before = found.next_wakeup - dt.timedelta(microseconds=1)
        if just_before >= _latest(timers):
            assert sweep(found.timers, just_before, TWENTY_FOUR_SEVEN).alerts == ()
        assert sweep(found.timers, found.next_wakeup, TWENTY_FOUR_SEVEN).alerts


def test_a_sweep_over_a_few_timers_by_hand():
    start = pendulum.datetime(2025, 1, 1, tz="UTC")
    fast = SlaTimer.start("fast", SlaMetric.ACKNOWLEDGE, H, TWENTY_FOUR_SEVEN, start)
    slow = SlaTimer.start("slow", SlaMetric.RESOLUTION, 10 * H, TWENTY_FOUR_SEVEN, start)
    first = sweep([fast, slow], start + 0.8 * H, TWENTY_FOUR_SEVEN)
    assert [(a.timer_id, a.fraction) for a in first.alerts] == [("fast", 0.5), ("fast", 0.75)]
    assert first.next_wakeup == start + H
    assert first.changed == (first.timers[0],)
    second = sweep(first.timers, start + 6 * H, TWENTY_FOUR_SEVEN)
    assert [(a.timer_id, a.fraction, a.due_at) for a in second.alerts] == [
        ("fast", 1.0, start + H),
        ("slow", 0.5, start + 5 * H),
    ]
    assert second.next_wakeup == start + 7.5 * H


def test_sweep_refuses_what_is_not_a_timer():
    with pytest.raises(ValidationError, match="SlaTimers"):
        sweep(["timer"], pendulum.now("UTC"), TWENTY_FOUR_SEVEN)
