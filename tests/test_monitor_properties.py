"""Invariants of the monitor: monotone in the readings, batch = one by one, state round trips."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from crisiskit import Channel, Signal
from crisiskit.grading import DEFAULT_RULES
from crisiskit.grading.indicators import Direction
from crisiskit.monitor import DecisionKind, Monitor, MonitorConfig, MonitorState, decide
from crisiskit.serialization import from_json, to_json
from crisiskit.values.clock import ManualClock
from crisiskit.values.levels import Level

T0 = pendulum.datetime(2025, 9, 27, 8, tz="Asia/Shanghai")
NAMES = [rule.indicator for rule in DEFAULT_RULES]
DIRECTION = {rule.indicator: rule.direction for rule in DEFAULT_RULES}
SCALE = {rule.indicator: rule.thresholds[0][1] * 1.5 for rule in DEFAULT_RULES}


@st.composite
def reading_pairs(draw: st.DrawFn) -> tuple[dict[str, float], dict[str, float]]:
    """Two readings of the same indicators, the second at least as bad in every one."""
    names = draw(st.sets(st.sampled_from([*NAMES, "count_growth"])))
    better, worse = {}, {}
    for name in sorted(names):
        top = SCALE.get(name, 3.0)
        a, b = sorted(draw(st.floats(0, top, allow_nan=False)) for _ in range(2))
        rising = DIRECTION.get(name, Direction.RISING) is Direction.RISING
        better[name], worse[name] = (a, b) if rising else (b, a)
    return better, worse


def strength(kind: DecisionKind, level: Level | None) -> tuple[int, int]:
    severe = level.severity if level is not None and kind.rank == 3 else 0
    return kind.rank, severe


@given(
    reading_pairs(),
    st.sampled_from(list(Level)),
    st.none() | st.sampled_from(list(Level)),
    st.booleans(),
    st.floats(0, 0.5),
)
def test_decisions_are_monotone_in_the_readings(
    pair: tuple[dict[str, float], dict[str, float]],
    open_at: Level,
    crisis_level: Level | None,
    armed: bool,
    hysteresis: float,
) -> None:
    better, worse = pair
    common = {
        "open_at": open_at,
        "crisis_level": crisis_level,
        "armed": armed,
        "hysteresis": hysteresis,
    }
    kind_a, level_a, _ = decide(DEFAULT_RULES, better, **common)  # type: ignore[arg-type]
    kind_b, level_b, _ = decide(DEFAULT_RULES, worse, **common)  # type: ignore[arg-type]
    assert strength(kind_b, level_b) >= strength(kind_a, level_a)


TOPICS = ["yoghurt", "milk", "store-12"]


@st.composite
def streams(draw: st.DrawFn) -> list[Signal]:
    count = draw(st.integers(0, 60))
    minutes = sorted(draw(st.lists(st.integers(0, 3 * 24 * 60), min_size=count, max_size=count)))
    out = []
    for minute in minutes:
        channel = draw(st.sampled_from([Channel.SOCIAL_MEDIA, Channel.NEWS_MEDIA, Channel.HOTLINE]))
        metrics: dict[str, float] = {}
        if channel is not Channel.HOTLINE:
            metrics["heat"] = draw(st.integers(0, 4000))
            if draw(st.booleans()):
                metrics["sentiment"] = draw(st.floats(-1, 1))
        if draw(st.booleans()):
            metrics["satisfaction"] = draw(st.integers(50, 100))
        ref = draw(st.none() | st.sampled_from([f"ref-{i}" for i in range(8)]))
        topic = draw(st.sampled_from(TOPICS))
        at = T0.add(minutes=minute)
        out.append(Signal(channel, at, f"{topic}: report", metrics=metrics, source_ref=ref))
    return out


def by_topic(signal: Signal) -> str:
    return signal.description.split(":", 1)[0]


CONFIG = MonitorConfig(
    window=dt.timedelta(hours=6), buckets=6, min_sample=3, min_count=2, evidence=5, max_seen=4
)


def fresh(state: MonitorState | None = None) -> Monitor:
    return Monitor(CONFIG, clock=ManualClock(T0), key=by_topic, state=state)


@given(streams(), st.lists(st.integers(1, 10), max_size=10))
def test_one_batch_or_signal_by_signal_gives_the_same_decisions(
    stream: list[Signal], cuts: list[int]
) -> None:
    batch = fresh().feed_many(stream)
    single = fresh()
    assert [single.feed(s) for s in stream] == batch
    chunked, monitor, rest = [], fresh(), list(stream)
    for cut in [*cuts, len(rest)]:
        chunked += monitor.feed_many(rest[:cut])
        rest = rest[cut:]
    assert chunked + monitor.feed_many(rest) == batch


@given(streams(), st.integers(0, 60))
def test_state_round_trips_through_json_mid_stream_with_the_same_decisions(
    stream: list[Signal], cut: int
) -> None:
    whole = fresh()
    expected = whole.feed_many(stream)
    first = fresh()
    before = first.feed_many(stream[:cut])
    saved = from_json(to_json(first.state()), MonitorState)
    assert saved == first.state()
    after = fresh(saved).feed_many(stream[cut:])
    assert before + after == expected
