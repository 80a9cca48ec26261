"""Real processes against a real PostgreSQL server: racing writers, shared sweeps, a crash.

Set CRISISKIT_SWEEP_CRISES to change how many crises the sweep test opens (10 000 by default).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from store_support import context, detect, sql_store
from store_workers import SWEEP_AT

from crisiskit import Crisis, verify
from crisiskit.store import row_of

HERE = Path(__file__).parent
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE)]),
}


def start(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "store_workers.py"), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def finish(process: subprocess.Popen[str], timeout: float = 600) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def store(pg_url):
    store = sql_store(pg_url)
    yield store
    store.engine.dispose()


def test_eight_processes_racing_on_fifty_crises_lose_and_duplicate_nothing(store, pg_url):
    ctx = context()
    for n in range(50):
        store.create(detect(ctx, f"CR-{n}"))
    workers = [start("commands", pg_url, w, 50, 40) for w in range(8)]
    reported = [line for w in workers for line in finish(w).split()]
    assert len(reported) == 8 * 40
    ctx = context()
    stored_texts = []
    for n in range(50):
        records = store.events(f"CR-{n}")
        head = store.head(f"CR-{n}")
        assert verify(records, keys=ctx.keys, head=(head.version, head.last_hash))
        crisis = Crisis.replay(records, ctx)
        assert store.load(f"CR-{n}", ctx) == crisis
        (row,) = [r for r in store.find(limit=100).rows if r.crisis_id == f"CR-{n}"]
        assert row == row_of(crisis)
        stored_texts += [r.data["summary"] for r in records if r.type == "ProgressReported"]
    assert Counter(stored_texts) == Counter(reported)  # each command exactly once
    feed = store.feed(limit=10_000)
    assert [i.position for i in feed] == list(range(1, 50 + 8 * 40 + 1))


def test_sweep_workers_killed_and_restarted_record_every_alert_exactly_once(store, pg_url):
    total = int(os.environ.get("CRISISKIT_SWEEP_CRISES", "10000"))
    creators = [start("create", pg_url, part * (total // 2), total // 2) for part in range(2)]
    for creator in creators:
        finish(creator)
    assert len(store.find(due_before=SWEEP_AT, limit=10_000).rows) == min(total, 10_000)

    workers = [start("sweep", pg_url) for _ in range(4)]
    deadline = time.monotonic() + 300
    while store.feed(after=3 * total, limit=1) == [] and time.monotonic() < deadline:
        time.sleep(0.05)  # until the sweep is under way
    killed = workers[:2]
    for worker in killed:
        worker.send_signal(signal.SIGKILL)
        worker.communicate()
    workers = workers[2:] + [start("sweep", pg_url) for _ in range(2)]
    for worker in workers:
        finish(worker)

    assert store.find(due_before=SWEEP_AT, limit=1).rows == ()
    alerts = Counter(
        item.record.crisis_id
        for item in store.feed(after=3 * total, limit=10_000 if total <= 10_000 else total)
        if item.record.type == "SlaAlertsRaised"
    )
    assert sorted(alerts) == sorted(f"CR-{n}" for n in range(total))
    assert set(alerts.values()) == {1}  # every crisis's alerts recorded once, none skipped
    ctx = context(SWEEP_AT)
    reference = detect(context(), "CR-0")
    from store_support import RATINGS

    from crisiskit.grading import RiskMatrixPolicy

    reference.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
    for n in (0, total // 2, total - 1):
        crisis = store.load(f"CR-{n}", ctx)
        assert crisis.check_sla() is None  # nothing due was left out
        (raised,) = [r for r in store.events(f"CR-{n}") if r.type == "SlaAlertsRaised"]
        assert len(raised.data["alerts"]) >= 1


def test_a_process_killed_between_append_and_commit_leaves_no_partial_command(store, pg_url):
    ctx = context()
    store.create(detect(ctx, "CR-1"))
    before = (store.feed(limit=100), store.head("CR-1"), store.find().rows)
    crashing = start("crash", pg_url, "CR-1")
    assert crashing.stdout is not None
    assert crashing.stdout.readline().strip() == "appended"  # inserted, not committed
    crashing.send_signal(signal.SIGKILL)
    crashing.communicate()
    assert (store.feed(limit=100), store.head("CR-1"), store.find().rows) == before
    with store.transaction("CR-1", context()) as crisis:  # and the crisis takes commands
        crisis.acknowledge(actor="li.office")
    assert store.head("CR-1").version == 2
