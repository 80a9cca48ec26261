"""The monitor: signals per second through 10 000 keys, and memory per key.

The comparator is the plainest code doing the same counting by hand: a dict of deques,
one per key, holding (time, heat) of the last 24 hours, with a running count and heat sum
and one threshold check per signal. The monitor does more per signal (nine counters per
bucket, the previous window, every indicator of its rules, deduplication, an explained
decision), so the ratio says what that costs.
"""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections import deque

import pendulum
from _common import Row, Settings, grouped, median_run

from crisiskit import Channel, Signal
from crisiskit.monitor import Monitor, MonitorConfig
from crisiskit.values.clock import ManualClock

KEYS = 10_000
T0 = pendulum.datetime(2025, 9, 27, 0, tz="Asia/Shanghai")
_CHANNELS = (Channel.SOCIAL_MEDIA, Channel.HOTLINE, Channel.NEWS_MEDIA, Channel.INTERNET)


def stream(count: int, seed: int = 15) -> list[Signal]:
    """``count`` signals over one day about ``KEYS`` products, in time order."""
    rng = random.Random(seed)
    step = 86_400 / count
    signals = []
    for i in range(count):
        channel = rng.choice(_CHANNELS)
        metrics: dict[str, float] = {}
        if channel is not Channel.HOTLINE:
            metrics = {"heat": rng.randint(1, 40), "sentiment": rng.uniform(-1, 1)}
        signals.append(
            Signal(
                channel,
                T0.add(seconds=i * step),
                "report",
                metrics=metrics,
                source_ref=f"s{i}",
            )
        )
    return signals


def _key(signal: Signal) -> str:
    return signal.source_ref[-4:] if signal.source_ref else "none"  # 10 000 keys


def _monitor() -> Monitor:
    return Monitor(MonitorConfig(), clock=ManualClock(T0), key=_key)


class DequeBaseline:
    """The comparator: per key a deque of (seconds, heat) over 24 h, a count and a heat sum."""

    def __init__(self) -> None:
        self.keys: dict[str, list[object]] = {}

    def feed(self, signal: Signal) -> bool:
        key = _key(signal)
        entry = self.keys.get(key)
        if entry is None:
            entry = self.keys[key] = [deque(), 0.0]
        window: deque[tuple[float, float]] = entry[0]  # type: ignore[assignment]
        now = signal.observed_at.timestamp()
        heat = signal.metrics.get("heat", 0.0)
        window.append((now, heat))
        total = entry[1] + heat  # type: ignore[operator]
        while window and window[0][0] <= now - 86_400:
            total -= window.popleft()[1]
        entry[1] = total
        return total >= 500


def monitor_rows(settings: Settings) -> list[Row]:
    count = 30_000 if settings.quick else 200_000
    signals = stream(count)

    def run_monitor() -> None:
        monitor = _monitor()
        for signal in signals:
            monitor.feed(signal)

    def run_baseline() -> None:
        baseline = DequeBaseline()
        for signal in signals:
            baseline.feed(signal)

    repeats = settings.repeats
    ours = median_run(run_monitor, repeats)
    theirs = median_run(run_baseline, repeats)
    ours_rate, theirs_rate = count / ours, count / theirs

    def held(build: object) -> float:
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept = build()  # type: ignore[operator]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del kept
        return (after - before) / KEYS

    def fed_monitor() -> Monitor:
        monitor = _monitor()
        for signal in signals:
            monitor.feed(signal)
        return monitor

    def fed_baseline() -> DequeBaseline:
        baseline = DequeBaseline()
        for signal in signals:
            baseline.feed(signal)
        return baseline

    ours_bytes, theirs_bytes = held(fed_monitor), held(fed_baseline)
    per_key = count // KEYS
    return [
        Row(
            f"signals through a monitor, {grouped(KEYS)} keys ({grouped(count)} signals in a day)",
            "/s",
            ours_rate,
            "dict of deques counting heat",
            theirs_rate,
            ours_rate / theirs_rate,
            "≥ 50 000 /s",
            ours_rate >= 50_000,
        ),
        Row(
            f"memory per monitored key ({per_key} signals each, 20 kept as evidence)",
            "B",
            ours_bytes,
            "dict of deques counting heat",
            theirs_bytes,
            ours_bytes / theirs_bytes,
            "≤ 16 384 B",
            ours_bytes <= 16_384,
        ),
    ]
