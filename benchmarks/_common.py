"""What every group of figures shares: the run's settings, a row of the table, the timer."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """How hard to measure: ``--quick`` (CI) or a full run."""

    quick: bool
    repeats: int
    """Samples per figure; the figure is their median."""
    sample_seconds: float
    """Roughly how long one sample of one callable runs."""

    @classmethod
    def of(cls, *, quick: bool) -> Settings:
        return cls(quick=True, repeats=3, sample_seconds=0.02) if quick else cls(False, 7, 0.1)


@dataclass(frozen=True)
class Row:
    """One line of the table: a crisiskit figure beside its comparator, and the target."""

    figure: str
    unit: str
    ours: float | str | None
    comparator: str = "—"
    theirs: float | str | None = None
    ratio: float | None = None
    target: str = "—"
    met: bool | None = None
    """None when there is no target, or its comparator is not installed."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def grouped(number: int) -> str:
    """``2000`` as ``"2 000"``."""
    return f"{number:,}".replace(",", " ")


def unavailable(why: str) -> str:
    return f"n/a ({why})"


def per_call(calls: Mapping[str, Callable[[], object]], settings: Settings) -> dict[str, float]:
    """Seconds per call of each callable: the median of ``settings.repeats`` samples.

    The callables take turns within each round, so a burst of load on a shared machine
    falls on crisiskit and its comparator alike and the ratio between them stays fair.
    """
    numbers = {
        name: _calls_per_sample(call, settings.sample_seconds) for name, call in calls.items()
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(settings.repeats):
        for name, call in calls.items():
            number = numbers[name]
            began = time.perf_counter()
            for _ in range(number):
                call()
            samples[name].append((time.perf_counter() - began) / number)
    return {name: statistics.median(found) for name, found in samples.items()}


def _calls_per_sample(call: Callable[[], object], seconds: float) -> int:
    call()  # warm up: compiled calendar years, caches, imports
    number = 1
    while True:
        began = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - began
        if elapsed >= seconds / 4:
            return max(1, round(number * seconds / elapsed))
        number *= 2


def median_run(run: Callable[[], object], repeats: int, *, collector: bool = True) -> float:
    """Seconds one ``run()`` takes (median of ``repeats``), each after a full collection.

    With ``collector=False`` the cyclic garbage collector is paused while ``run()`` runs,
    which separates crisiskit's own work from the collector's walks over the live heap.
    """
    samples = []
    for _ in range(repeats):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            began = time.perf_counter()
            run()
            samples.append(time.perf_counter() - began)
        finally:
            gc.enable()
    return statistics.median(samples)
