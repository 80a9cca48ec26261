"""How a host CRM embeds crisiskit: the crisis's events in SQLite, with the standard library only.

crisiskit keeps no database. The host stores each crisis's events — the record — and
rebuilds the crisis from them for every request. This example is such a host:

* an ``events`` table keyed by ``(crisis_id, sequence)``, so two writers can never both
  append the event after the same version (optimistic concurrency, across processes);
* a small repository: ``load(crisis_id, context)`` checks the hash chain of the stored
  events and replays them;
  ``save(crisis, expected_version)`` appends the new events in one transaction, and a
  writer that lost the race gets :class:`crisiskit.errors.ConcurrencyError`;
* a ``snapshots`` table (``to_json(crisis)``), so a long history need not be replayed;
* a reporting replica that receives events at least once and applies each once.

Run it with ``python examples/persistence_sqlite.py``. The database lives in a temporary
directory; every "request" opens its own connection, as web workers would.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pendulum

from crisiskit import (
    Channel,
    ConcurrencyError,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    Role,
    Signal,
    SlaPolicy,
    from_json,
    to_json,
    verify,
)
from crisiskit.calendar import china_working_calendar
from crisiskit.events import Event, SealingKey, StoredEvent, stored
from crisiskit.grading import RiskMatrixPolicy
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    crisis_id   TEXT    NOT NULL,
    sequence    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    occurred_at TEXT    NOT NULL,  -- RFC 9557, UTC: sorts as text
    body        TEXT    NOT NULL,  -- the stored event: stored(event).to_json()
    PRIMARY KEY (crisis_id, sequence)
);
CREATE TABLE IF NOT EXISTS snapshots (
    crisis_id TEXT    PRIMARY KEY,
    version   INTEGER NOT NULL,
    body      TEXT    NOT NULL     -- to_json(crisis)
);
"""


class CorruptLogError(Exception):
    """The stored events fail the hash-chain check: someone edited the table."""


class CrisisRepository:
    """Loads and saves crises as their events; one per request, on that request's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    # --- reading ---------------------------------------------------------------------

    def events(self, crisis_id: str, after: int = 0) -> list[StoredEvent]:
        """The stored events of a crisis after sequence ``after``, in order."""
        rows = self._db.execute(
            "SELECT body FROM events WHERE crisis_id = ? AND sequence > ? ORDER BY sequence",
            (crisis_id, after),
        )
        return [StoredEvent.from_json(body) for (body,) in rows]

    def load(self, crisis_id: str, context: Context) -> Crisis:
        """The crisis rebuilt from all its events, after checking their hash chain."""
        events = self.events(crisis_id)
        if not events:
            raise LookupError(f"no crisis {crisis_id!r}")
        check = verify(events, keys=context.keys)
        if not check:
            raise CorruptLogError(
                f"crisis {crisis_id!r}: event {check.first_invalid} ({check.event_id}): {check.problem}"
            )
        return Crisis.replay(events, context)

    def load_from_snapshot(self, crisis_id: str, context: Context) -> Crisis:
        """The latest snapshot, caught up with the events stored after it.

        ``verify(after=...)`` checks that the newer events continue the snapshot's chain
        (``apply`` checks each seal again). The whole chain from the first event is what
        ``load`` checks.
        """
        row = self._db.execute(
            "SELECT body FROM snapshots WHERE crisis_id = ?", (crisis_id,)
        ).fetchone()
        if row is None:
            return self.load(crisis_id, context)
        crisis = from_json(row[0], Crisis).attach(context)
        newer = self.events(crisis_id, after=crisis.version)
        check = verify(newer, keys=context.keys, after=(crisis.version, crisis.last_hash))
        if not check:
            raise CorruptLogError(
                f"crisis {crisis_id!r}: event {check.first_invalid}: {check.problem}"
            )
        crisis.apply(newer)
        return crisis

    # --- writing ---------------------------------------------------------------------

    def save(self, crisis: Crisis, expected_version: int) -> int:
        """Append the crisis's new events in one transaction; return the stored version.

        ``expected_version`` is the version the crisis had when this request loaded it. If
        the store has moved on since, another writer saved first: nothing is written and
        ``ConcurrencyError`` is raised. The crisis keeps its pending events until they are
        stored, so a failed save loses nothing.
        """
        events = crisis.pending_events
        if not events:
            return crisis.version
        if events[0].sequence != expected_version + 1:
            raise ValueError(
                f"crisis {crisis.id!r} has new events from sequence {events[0].sequence}; "
                f"they cannot follow version {expected_version}"
            )
        records = [stored(e) for e in events]
        rows = [
            (r.crisis_id, r.sequence, r.event_id, r.type, r.occurred_at, r.to_json())
            for r in records
        ]
        try:
            self._db.execute("BEGIN IMMEDIATE")  # take the write lock before reading
            (current,) = self._db.execute(
                "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE crisis_id = ?", (crisis.id,)
            ).fetchone()
            if current != expected_version:
                raise ConcurrencyError(
                    f"crisis {crisis.id!r} is at version {current} in the store, not "
                    f"{expected_version}: another writer saved first; reload it and try again"
                )
            # The primary key refuses a second event at the same sequence even from a
            # writer that skips the check above.
            self._db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.IntegrityError:
            self._db.execute("ROLLBACK")
            raise ConcurrencyError(
                f"crisis {crisis.id!r} changed since version {expected_version}; reload it"
            ) from None
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        crisis.pull_events()  # stored: now they may be forgotten
        return crisis.version

    def save_snapshot(self, crisis: Crisis) -> None:
        """Store the crisis's state (a saved crisis: no pending events) to skip replaying."""
        if crisis.pending_events:
            raise ValueError("save the crisis's events before snapshotting it")
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)",
                (crisis.id, crisis.version, to_json(crisis)),
            )


def connect(path: Path) -> sqlite3.Connection:
    """One request's connection: autocommit, so ``save`` controls its transaction."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA)
    return db


def show(title: str, events: Sequence[Event]) -> None:
    print(title)
    for event in events:
        local = event.occurred_at.in_timezone(ZONE).format("MM-DD HH:mm")
        print(f"  v{event.sequence:<3} {local}  {event.name:<20} by {event.actor}")


def main() -> None:
    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, 0, tz=ZONE))
    # One context for the whole application: the clock, the SLA policy, and a secret so
    # that nobody can rewrite the log and recompute its hashes.
    context = Context(
        clock,
        sla=SlaPolicy.default(china_working_calendar([2025, 2026])),
        keys=SealingKey("crm-2025", b"host-secret-from-the-vault-0123456789"),
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crm.sqlite3"

        # Request 1: the hotline opens a crisis and an analyst grades it.
        repo = CrisisRepository(connect(path))
        crisis = Crisis.detect(
            context,
            crisis_id="CR-2025-0927",
            crisis_type=CrisisType.PRODUCT_QUALITY,
            title="Foreign object in yoghurt, batch 0925",
            actor="hotline",
            signals=[
                Signal(
                    Channel.HOTLINE,
                    clock.now(),
                    "Caller found a foreign object in a yoghurt cup",
                    customers=[CustomerRef("C-10086", name="Zhang Wei", tier="VIP")],
                )
            ],
        )
        crisis.grade(
            RiskMatrixPolicy(),
            factors={
                "severity": 3,
                "scope": 2,
                "trend": 3,
                "brand_damage": 4,
                "customer_loss": 3,
                "economic_loss": 2,
                "legal_risk": 3,
            },
            actor="li.analyst",
        )
        show(
            "request 1: detect and grade (one command may record more than one event)",
            crisis.pending_events,
        )
        print(f"  saved: the store is at version {repo.save(crisis, expected_version=0)}")

        # Request 2, later, in another worker: reload and continue.
        clock.advance(minutes=20)
        repo = CrisisRepository(connect(path))
        crisis = repo.load("CR-2025-0927", context)
        loaded = crisis.version
        print(f"request 2: loaded {crisis!r}, hash chain verified")
        crisis.acknowledge(actor="li.office")
        crisis.warn(actor="li.office")
        show("  continued", crisis.pending_events)
        print(f"  saved: the store is at version {repo.save(crisis, expected_version=loaded)}")

        # Two requests read the same version; both change the crisis; the second to save loses.
        clock.advance(minutes=10)
        office = CrisisRepository(connect(path))
        service = CrisisRepository(connect(path))
        a = office.load("CR-2025-0927", context)
        b = service.load("CR-2025-0927", context)
        read = a.version
        print(f"two requests both read version {read}")
        a.assign(Role.OFFICE, "li.office", actor="li.office")
        b.handle_customer("C-10086", CaseStep.ACKNOWLEDGED, actor="zhao.cs")
        print(f"  the office saves first: version {office.save(a, expected_version=read)}")
        try:
            service.save(b, expected_version=read)
        except ConcurrencyError as refused:
            print(f"  customer service is refused: {refused}")
        print(f"  nothing of it was stored; it still holds {len(b.pending_events)} pending events")
        # The loser reloads and runs its command again on the fresh state.
        b = service.load("CR-2025-0927", context)
        retry_from = b.version
        b.handle_customer("C-10086", CaseStep.ACKNOWLEDGED, actor="zhao.cs")
        print(f"  reloaded and retried: version {service.save(b, expected_version=retry_from)}")

        # A snapshot saves replaying; the events stay the record.
        service.save_snapshot(b)
        clock.advance(minutes=5)
        c = service.load_from_snapshot("CR-2025-0927", context)
        from_version = c.version
        c.report_progress("Batch 0925 pulled from shelves in East China", actor="li.office")
        service.save(c, expected_version=from_version)
        fresh = service.load_from_snapshot("CR-2025-0927", context)
        full = service.load("CR-2025-0927", context)
        print(
            f"snapshot at version {from_version}, one more event after it: loaded at version "
            f"{fresh.version}; equal to a full replay: {fresh == full}"
        )

        # A reporting replica gets events at least once; re-delivered ones are skipped.
        history = service.events("CR-2025-0927")
        replica = Crisis.replay(history[:4], keys=context.keys)
        first = replica.apply(history, keys=context.keys)
        again = replica.apply(history, keys=context.keys)
        print(
            f"replica: applied {first} new events, then {again} on re-delivery; in step: {replica == full}"
        )

        # Someone edits an event in the table: loading refuses the log, naming the event.
        db = connect(path)
        (body,) = db.execute(
            "SELECT body FROM events WHERE crisis_id = ? AND sequence = 2", ("CR-2025-0927",)
        ).fetchone()
        edited = json.loads(body)
        edited["data"]["reason"] = "graded by the book"
        db.execute(
            "UPDATE events SET body = ? WHERE crisis_id = ? AND sequence = 2",
            (json.dumps(edited, ensure_ascii=False), "CR-2025-0927"),
        )
        try:
            CrisisRepository(db).load("CR-2025-0927", context)
        except CorruptLogError as problem:
            print(f"after editing event 2 in the table: {problem}")

        rows = db.execute(
            "SELECT sequence, type, occurred_at FROM events ORDER BY sequence"
        ).fetchall()
        print(f"the events table holds {len(rows)} rows:")
        for sequence, kind, occurred_at in rows:
            print(f"  {sequence:>2}  {kind:<20} {occurred_at}")


if __name__ == "__main__":
    main()
