"""Lifecycle figures: µs per command and per replayed event, beside a raw machine transition.

Run: ``python benchmarks/bench_lifecycle.py`` (``--quick`` for a fast smoke run).
The machines these run on are shared and noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pendulum
from statemachine import State, StateMachine

from crisiskit import Context, Crisis, CrisisType
from crisiskit.testing import ManualClock


class RawMachine(StateMachine):
    """The same five states and moves, no crisiskit: what one transition costs by itself."""

    detected = State(initial=True)
    warned = State()
    responding = State()
    recovering = State()
    closed = State()
    warn = detected.to(warned)
    respond = warned.to(responding) | detected.to(responding)
    recover = responding.to(recovering)
    close = recovering.to(closed)
    relapse = recovering.to(responding)
    reopen = closed.to(responding)


def best_of(repeats: int, fn: Callable[[], int]) -> float:
    """Seconds per operation: the median of ``repeats`` timed runs of ``fn`` (which returns its op count)."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        ops = fn()
        samples.append((time.perf_counter() - start) / ops)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few iterations, for CI")
    args = parser.parse_args()
    n = 200 if args.quick else 2000
    repeats = 3 if args.quick else 7

    raw = RawMachine()

    def raw_transitions() -> int:
        raw.model.state = "responding"
        for _ in range(n):
            raw.recover()
            raw.relapse()
        return 2 * n

    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai"))
    context = Context(clock)
    crisis = Crisis.detect(
        context, crisis_id="BENCH", crisis_type=CrisisType.COMPLAINT, title="bench", actor="bench"
    )
    crisis.respond(actor="bench")

    def commands() -> int:
        for _ in range(n):
            crisis.recover(actor="bench")
            crisis.relapse(actor="bench", reason="again")
        crisis.pull_events()
        return 2 * n

    history_crisis = Crisis.detect(
        context, crisis_id="HIST", crisis_type=CrisisType.COMPLAINT, title="bench", actor="bench"
    )
    history_crisis.respond(actor="bench")
    for _ in range(n):
        history_crisis.recover(actor="bench")
        history_crisis.relapse(actor="bench", reason="again")
    history = history_crisis.pull_events()

    def replays() -> int:
        Crisis.replay(history)
        return len(history)

    t_raw = best_of(repeats, raw_transitions)
    t_cmd = best_of(repeats, commands)
    t_replay = best_of(repeats, replays)
    print("lifecycle (median of runs)")
    print(f"  raw python-statemachine transition   {t_raw * 1e6:8.1f} µs")
    print(
        f"  crisiskit command (event + hash)     {t_cmd * 1e6:8.1f} µs   {t_cmd / t_raw:5.2f}x raw  (target <= 1.5x)"
    )
    print(
        f"  replayed event                       {t_replay * 1e6:8.1f} µs   {t_raw / t_replay:5.1f}x cheaper than raw  (target >= 10x)"
    )


if __name__ == "__main__":
    main()
