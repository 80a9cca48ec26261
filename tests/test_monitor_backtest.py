"""Backtesting a monitor against real crises, counted by hand."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from crisiskit import Channel, Signal
from crisiskit.errors import ValidationError
from crisiskit.monitor import RealCrisis, backtest_monitor

T0 = pendulum.datetime(2025, 9, 27, 8, tz="Asia/Shanghai")
H = dt.timedelta(hours=1)


def post(hours: float, topic: str, heat: float) -> Signal:
    return Signal(Channel.SOCIAL_MEDIA, T0 + hours * H, f"{topic}: post", metrics={"heat": heat})


def by_topic(signal: Signal) -> str:
    return signal.description.split(":", 1)[0]


STREAM = [
    post(0, "a", 300),  # a: half the IV mark, rising: watch
    post(1, "a", 400),  # a: 700 -> open at +1 h; really detected at +3 h: lead 2 h
    post(1.5, "b", 100),  # b: never reaches 500; really detected at +4 h: a miss
    post(2, "c", 700),  # c: open at +2 h; nothing real: a false alarm
    post(2.5, "d", 900),  # d: open at +2.5 h; really detected at +1 h: late (and a miss)
    post(3, "a", 50),  # a: attached
    post(5, "e", 5000),  # e: open at +5 h (III), really detected at +11 h: lead 6 h
]
REAL = [
    RealCrisis(key="a", detected_at=T0 + 3 * H, crisis_id="CR-1"),
    RealCrisis(key="b", detected_at=T0 + 4 * H, crisis_id="CR-2"),
    RealCrisis(key="d", detected_at=T0 + 1 * H, crisis_id="CR-3"),
    RealCrisis(key="e", detected_at=T0 + 11 * H, crisis_id="CR-4"),
]


def test_lead_times_false_alarms_misses_and_late_warnings_counted_by_hand() -> None:
    result = backtest_monitor(STREAM, REAL, key=by_topic)
    assert result.signals == 7
    assert [(w.key, w.at) for w in result.warnings] == [
        ("a", T0 + 1 * H),
        ("c", T0 + 2 * H),
        ("d", T0 + 2.5 * H),
        ("e", T0 + 5 * H),
    ]
    assert [(m.crisis.crisis_id, m.lead_time) for m in result.matches] == [
        ("CR-3", None),
        ("CR-1", 2 * H),
        ("CR-2", None),
        ("CR-4", 6 * H),
    ]
    assert [c.crisis_id for c in result.misses] == ["CR-3", "CR-2"]
    assert [w.key for w in result.false_alarms] == ["c"]
    assert [w.key for w in result.late] == ["d"]
    assert result.lead_times == (2 * H, 6 * H)
    assert result.precision == pytest.approx(2 / 4)
    assert result.recall == pytest.approx(2 / 4)
    assert [d.kind.value for d in result.decisions] == [
        "watch",
        "open",
        "open",
        "open",
        "attach",
        "open",
    ]


def test_a_warning_older_than_the_horizon_does_not_count() -> None:
    result = backtest_monitor(STREAM, REAL, key=by_topic, horizon=dt.timedelta(hours=4))
    assert [c.crisis_id for c in result.misses] == ["CR-3", "CR-2", "CR-4"]  # e warned 6 h ahead
    assert [w.key for w in result.false_alarms] == ["c", "e"]


def test_an_empty_stream_misses_every_crisis() -> None:
    result = backtest_monitor([], REAL, key=by_topic)
    assert (result.signals, result.precision, result.recall) == (0, None, 0.0)


def test_bad_backtest_input_is_refused() -> None:
    with pytest.raises(ValidationError, match="horizon"):
        backtest_monitor(STREAM, REAL, key=by_topic, horizon=dt.timedelta(0))
    with pytest.raises(ValidationError, match="RealCrisis"):
        backtest_monitor(STREAM, [("a", T0)], key=by_topic)  # type: ignore[list-item]
