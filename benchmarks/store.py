"""The crisis store on a local PostgreSQL server, beside the eventsourcing library's recorder.

    .venv/bin/pip install -e '.[sql,bench]'
    .venv/bin/python benchmarks/store.py            # several minutes (100 000 crises swept)
    .venv/bin/python benchmarks/store.py --quick    # what CI runs: small counts
    .venv/bin/python benchmarks/store.py --sweep-crises 20000

It uses the server CRISISKIT_PG_URL names, or starts a throwaway cluster when ``initdb`` is
found (durable: fsync on, the server's defaults). Each figure runs in a fresh database.

* appends per second, 1 and 4 writer processes, each writer on its own crisis: crisiskit's
  ``store.save`` of one command's event per transaction (with its head, read-model row and
  feed position), beside eventsourcing's ``PostgresApplicationRecorder.insert_events`` of one
  event of the same size per transaction (with its notification id). crisiskit's loop also
  runs the command and seals its event; eventsourcing's inserts events made beforehand;
* loading a 26-event crisis, from a snapshot and without;
* SLA sweeps with 1, 2 and 4 worker processes over the same open crises, all due.

Figures are printed, never asserted; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import glob
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # this tree's crisiskit

import pendulum
import psycopg

from crisiskit import Context, Crisis, SealingKey, SlaPolicy
from crisiskit.calendar import china_working_calendar
from crisiskit.events import stored
from crisiskit.grading import RiskMatrixPolicy
from crisiskit.store.sql import SqlStore
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
START = pendulum.datetime(2025, 9, 26, 17, tz=ZONE)
SWEEP_AT = pendulum.datetime(2025, 9, 29, 12, tz=ZONE)
KEY = SealingKey("bench", b"a-secret-of-the-benchmark-0123456789")
RATINGS = {
    **{"severity": 2, "scope": 2, "trend": 3},
    **{"brand_damage": 2, "customer_loss": 3, "economic_loss": 2, "legal_risk": 1},
}


def context(at: pendulum.DateTime = START) -> Context:
    return Context(
        ManualClock(at), sla=SlaPolicy.default(china_working_calendar([2025, 2026])), keys=KEY
    )


# --------------------------------------------------------------------------- the server


@contextmanager
def server() -> Iterator[str | None]:
    """A PostgreSQL URL: CRISISKIT_PG_URL, a throwaway cluster, or None."""
    if os.environ.get("CRISISKIT_PG_URL"):
        yield os.environ["CRISISKIT_PG_URL"]
        return
    found = [
        d for d in sorted(glob.glob("/usr/lib/postgresql/*/bin")) if Path(d, "initdb").exists()
    ]
    if not found:
        yield None
        return
    binaries = Path(found[-1])
    base = Path(tempfile.mkdtemp(prefix="crisiskit-bench-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = str(base / "data")
    subprocess.run(
        [*prefix, str(binaries / "initdb"), "-D", data, "-U", "postgres", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c max_connections=100"
    subprocess.run(
        [
            *prefix,
            str(binaries / "pg_ctl"),
            "-D",
            data,
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
            check=True,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def fresh_database(url: str, name: str, template: str | None = None) -> str:
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return url.rsplit("/", 1)[0] + "/" + name


# --------------------------------------------------------------------------- appends


def crisiskit_writer(url: str, worker: int, count: int, barrier: object) -> float:
    store = SqlStore(url)
    ctx = context()
    crisis = Crisis.detect(
        ctx, crisis_id=f"W-{worker}", crisis_type="complaint", title="t", actor="a"
    )
    store.create(crisis)
    barrier.wait()  # type: ignore[attr-defined]
    began = time.perf_counter()
    for n in range(count):
        crisis.report_progress(
            f"progress report number {n:06d} of writer {worker}", actor="li.office"
        )
        store.save(crisis)
    elapsed = time.perf_counter() - began
    store.engine.dispose()
    return elapsed


def sample_body() -> bytes:
    ctx = context()
    crisis = Crisis.detect(ctx, crisis_id="W-0", crisis_type="complaint", title="t", actor="a")
    crisis.report_progress("progress report number 000000 of writer 0", actor="li.office")
    return stored(crisis.pending_events[-1]).to_json().encode()


def eventsourcing_writer(url: str, worker: int, count: int, barrier: object) -> float:
    from eventsourcing.persistence import StoredEvent  # noqa: PLC0415 - the comparator
    from eventsourcing.postgres import (  # noqa: PLC0415
        PostgresApplicationRecorder,
        PostgresDatastore,
    )

    address = url.split("//", 1)[1]
    user, rest = address.split("@", 1)
    hostport, dbname = rest.split("/", 1)
    host, port = hostport.split(":")
    datastore = PostgresDatastore(dbname, host, port, user, "")
    recorder = PostgresApplicationRecorder(datastore)
    if count == 0:  # made once, before the writers start
        recorder.create_table()
    body = sample_body()
    originator = uuid.uuid4()
    events = [StoredEvent(originator, n + 1, "bench:ProgressReported", body) for n in range(count)]
    barrier.wait()  # type: ignore[attr-defined]
    began = time.perf_counter()
    for event in events:
        recorder.insert_events([event])
    elapsed = time.perf_counter() - began
    datastore.close()
    return elapsed


def appends(url: str, writers: int, count: int, library: str) -> float:
    db = fresh_database(url, f"bench_{library}_{writers}")
    if library == "crisiskit":
        store = SqlStore(db)
        store.create_schema()
        store.engine.dispose()
    else:  # the table, made once before the writers start
        eventsourcing_writer(db, 0, 0, _NoBarrier())
    target = crisiskit_writer if library == "crisiskit" else eventsourcing_writer
    times, _ = parallel(target, [(db, w, count) for w in range(writers)])
    return writers * count / max(times)


def _run(target, args, barrier, queue):  # type: ignore[no-untyped-def]
    try:
        queue.put(target(*args, barrier))
    except BaseException as problem:
        queue.put(problem)
        barrier.abort()  # the others, and the parent, stop waiting
        raise


def parallel(target, arguments, timeout=7200):  # type: ignore[no-untyped-def]
    """Run ``target(*args, barrier)`` in one process per ``args``; results and the wall time.

    Each target prepares, waits at the barrier, then does the measured work; the wall time
    runs from the barrier to the last result.
    """
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(len(arguments) + 1)
    queue = spawn.Queue()
    processes = [spawn.Process(target=_run, args=(target, a, barrier, queue)) for a in arguments]
    for process in processes:
        process.start()
    try:
        barrier.wait(timeout=600)
    except threading.BrokenBarrierError:
        raise RuntimeError(f"a benchmark process failed: {queue.get(timeout=10)!r}") from None
    began = time.perf_counter()
    results = [queue.get(timeout=timeout) for _ in processes]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise RuntimeError(f"a benchmark process failed: {failed[0]!r}")
    return results, elapsed


class _NoBarrier:
    def wait(self) -> None:
        pass


# --------------------------------------------------------------------------- loading


def loading(url: str, repeats: int) -> tuple[float, float]:
    from _audit import LOADED, _history  # noqa: PLC0415 - the audit benchmark's crisis

    records = [stored(e) for e in _history()[:LOADED]]
    results = []
    for every, name in ((LOADED, "bench_load_snapshot"), (10_000, "bench_load_events")):
        store = SqlStore(fresh_database(url, name), snapshot_every=every)
        store.create_schema()
        store.append(records[0].crisis_id, records, expected_version=0)
        ctx = Context(ManualClock(pendulum.datetime(2030, 1, 1)))
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            store.load(records[0].crisis_id, ctx)
            times.append(time.perf_counter() - began)
        store.engine.dispose()
        results.append(statistics.median(times) * 1000)
    return results[0], results[1]


# --------------------------------------------------------------------------- sweeps


def creator(url: str, first: int, count: int, barrier: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    store = SqlStore(url)
    ctx = context()
    for n in range(first, first + count):
        crisis = Crisis.detect(
            ctx, crisis_id=f"CR-{n:06d}", crisis_type="complaint", title="t", actor="a"
        )
        crisis.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
        store.create(crisis)
    store.engine.dispose()


def sweeper(url: str, barrier: object) -> int:
    store = SqlStore(url)
    ctx = context(SWEEP_AT)
    barrier.wait()  # type: ignore[attr-defined]
    recorded = 0
    while store.find(due_before=SWEEP_AT, limit=1).rows:
        recorded += len(store.sweep_due(ctx, limit=50))
    store.engine.dispose()
    return recorded


def sweeps(url: str, crises: int, workers: tuple[int, ...]) -> dict[int, float]:
    base = fresh_database(url, "bench_sweep_base")
    store = SqlStore(base)
    store.create_schema()
    store.engine.dispose()
    parts = 2
    parallel(creator, [(base, p * (crises // parts), crises // parts) for p in range(parts)])
    rates = {}
    for count in workers:
        db = fresh_database(url, f"bench_sweep_{count}", template="bench_sweep_base")
        results, elapsed = parallel(sweeper, [(db,) for _ in range(count)])
        recorded = sum(results)
        if recorded != crises // parts * parts:
            raise RuntimeError(f"{recorded} alert events recorded for {crises} crises")
        rates[count] = recorded / elapsed
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: what CI runs")
    parser.add_argument("--sweep-crises", type=int, default=None)
    args = parser.parse_args()
    appended = 100 if args.quick else 2000
    crises = args.sweep_crises or (1000 if args.quick else 100_000)
    with server() as url:
        if url is None:
            print(
                "store benchmarks: n/a (no PostgreSQL: set CRISISKIT_PG_URL or install the server)"
            )
            return
        print(f"store benchmarks on PostgreSQL, {os.cpu_count()} logical CPUs", flush=True)
        print(f"{'figure':<58} {'crisiskit':>12} {'eventsourcing':>14} {'ratio':>6}")
        for writers in (1, 4):
            ours = appends(url, writers, appended, "crisiskit")
            theirs = appends(url, writers, appended, "eventsourcing")
            label = f"appends/s, {writers} writer(s) × {appended} events, one per transaction"
            print(f"{label:<58} {ours:>12,.0f} {theirs:>14,.0f} {ours / theirs:>6.2f}", flush=True)
        snapshot, events = loading(url, 20 if args.quick else 200)
        print(f"{'load a 26-event crisis from a snapshot, ms':<58} {snapshot:>12.2f}")
        print(f"{'load a 26-event crisis from its events, ms':<58} {events:>12.2f}")
        rates = sweeps(url, crises, (1, 2, 4))
        for count, rate in rates.items():
            label = f"sweep {crises:,} due crises, {count} worker(s): crises/s"
            print(f"{label:<58} {rate:>12,.0f}  ×{rate / rates[1]:.2f} of one worker")


if __name__ == "__main__":
    main()
