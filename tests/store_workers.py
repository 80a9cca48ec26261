"""Worker processes for the store's concurrency and fault tests (run as scripts by the tests).

python tests/store_workers.py commands URL WORKER CRISES OPERATIONS
python tests/store_workers.py create URL FIRST COUNT
python tests/store_workers.py sweep URL
python tests/store_workers.py crash URL CRISIS
"""

from __future__ import annotations

import random
import sys
import time

import pendulum
from store_support import RATINGS, START, context, detect

from crisiskit.grading import RiskMatrixPolicy
from crisiskit.store import retry
from crisiskit.store.sql import SqlStore

SWEEP_AT = pendulum.datetime(2025, 9, 29, 12, tz="Asia/Shanghai")  # Monday noon: alerts due


def commands(url: str, worker: int, crises: int, operations: int) -> None:
    """Report progress on random crises, each command retried until it is stored."""
    store = SqlStore(url)
    ctx = context(START.add(hours=1))
    rng = random.Random(worker)
    done = []
    for n in range(operations):
        crisis_id = f"CR-{rng.randrange(crises)}"
        text = f"w{worker}-{n}"

        def work(crisis_id: str = crisis_id, text: str = text) -> None:
            with store.transaction(crisis_id, ctx) as crisis:
                crisis.report_progress(text, actor=f"worker-{worker}")

        retry(work, attempts=200)
        done.append(text)
    print("\n".join(done))


def create(url: str, first: int, count: int) -> None:
    """Open and grade crises CR-first … (their SLA timers fall due by SWEEP_AT)."""
    store = SqlStore(url)
    ctx = context()
    for n in range(first, first + count):
        crisis = detect(ctx, f"CR-{n}")
        crisis.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
        store.create(crisis)
    print(count)


def sweep(url: str) -> None:
    """Sweep in small batches until nothing is due; print how many alert events it recorded."""
    store = SqlStore(url)
    ctx = context(SWEEP_AT)
    recorded = 0
    while store.find(due_before=SWEEP_AT, limit=1).rows:
        recorded += len(store.sweep_due(ctx, limit=20))
    print(recorded)


def crash(url: str, crisis_id: str) -> None:
    """Store a command's events, then hang before the commit (the test kills the process)."""
    store = SqlStore(url)
    ctx = context(START.add(hours=1))
    original = store._session

    def hanging(**options: bool):  # type: ignore[no-untyped-def]
        class Hanging:
            def __enter__(self):  # type: ignore[no-untyped-def]
                self.inner = original(**options)
                session = self.inner.__enter__()
                flush = session.flush

                def flush_then_hang() -> None:
                    flush()
                    print("appended", flush=True)
                    time.sleep(600)

                session.flush = flush_then_hang
                return session

            def __exit__(self, *exc):  # type: ignore[no-untyped-def]
                return self.inner.__exit__(*exc)

        return Hanging()

    store._session = hanging  # type: ignore[method-assign]
    with store.transaction(crisis_id, ctx) as crisis:
        crisis.acknowledge(actor="li.office")
        crisis.warn(actor="li.office")


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "commands":
        commands(url, int(rest[0]), int(rest[1]), int(rest[2]))
    elif mode == "create":
        create(url, int(rest[0]), int(rest[1]))
    elif mode == "sweep":
        sweep(url)
    elif mode == "crash":
        crash(url, rest[0])
