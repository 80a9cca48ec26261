"""An in-memory crisis store, for a host's unit tests: the contract of every store, no database.

>>> from crisiskit.testing.store import MemoryStore
>>> store = MemoryStore()
>>> store.feed(), store.find().rows
([], ())

It keeps the same tables as :class:`crisiskit.store.sql.SqlStore` in dictionaries, behind
one lock: every method is a transaction, all-or-nothing, in one process.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence

import attrs

from crisiskit.errors import ConcurrencyError
from crisiskit.events import StoredEvent
from crisiskit.messages import _
from crisiskit.serialization import SCHEMA_VERSION
from crisiskit.store import CrisisRow, FeedItem, Head, Query, StoreBase

__all__ = ["MemoryStore"]


@attrs.define
class _Tables:
    heads: dict[str, Head] = attrs.Factory(dict)
    events: dict[str, list[StoredEvent]] = attrs.Factory(dict)
    feed: list[StoredEvent] = attrs.Factory(list)
    snapshots: dict[str, tuple[int, int, str]] = attrs.Factory(dict)
    rows: dict[str, CrisisRow] = attrs.Factory(dict)
    consumers: dict[str, int] = attrs.Factory(dict)

    def copy(self) -> _Tables:
        return _Tables(
            dict(self.heads),
            {k: list(v) for k, v in self.events.items()},
            list(self.feed),
            dict(self.snapshots),
            dict(self.rows),
            dict(self.consumers),
        )


class MemoryStore(StoreBase):
    """A crisis store in memory: for tests, never for production (nothing survives the process)."""

    def __init__(self, *, snapshot_every: int = 50) -> None:
        super().__init__(snapshot_every=snapshot_every)
        self._lock = threading.RLock()
        self._tables = _Tables()

    @contextlib.contextmanager
    def _session(self, *, claim: bool = False) -> Iterator[_MemorySession]:
        with self._lock:
            session = _MemorySession(self._tables.copy())
            yield session
            self._tables = session.t  # all at once, only when the block succeeded


class _MemorySession:
    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    def head(self, crisis_id: str) -> Head | None:
        return self.t.heads.get(crisis_id)

    def snapshot(self, crisis_id: str) -> tuple[int, int, str] | None:
        return self.t.snapshots.get(crisis_id)

    def head_and_snapshot(self, crisis_id: str) -> tuple[Head | None, tuple[int, int, str] | None]:
        return self.t.heads.get(crisis_id), self.t.snapshots.get(crisis_id)

    def records(self, crisis_id: str, first: int, last: int | None = None) -> list[StoredEvent]:
        return [
            r
            for r in self.t.events.get(crisis_id, [])
            if r.sequence >= first and (last is None or r.sequence <= last)
        ]

    def existing_ids(self, event_ids: Sequence[str]) -> set[str]:
        wanted = set(event_ids)
        return {r.event_id for r in self.t.feed if r.event_id in wanted}

    def put(
        self,
        expected: int,
        records: Sequence[StoredEvent],
        row: CrisisRow,
        snapshot: tuple[int, str] | None,
        *,
        tags_changed: bool = True,
    ) -> None:
        crisis_id = row.crisis_id
        head = self.t.heads.get(crisis_id)
        if (0 if head is None else head.version) != expected:
            raise ConcurrencyError(
                _(
                    "crisis {crisis_id!r} is no longer at version {expected} in the store: another writer saved first; reload it and try again",
                    crisis_id=crisis_id,
                    expected=expected,
                )
            )
        last = records[-1]
        self.t.heads[crisis_id] = Head(last.sequence, last.hash)
        self.t.events.setdefault(crisis_id, []).extend(records)
        self.t.feed.extend(records)
        self.t.rows[crisis_id] = row
        if snapshot is not None:
            self.t.snapshots[crisis_id] = (snapshot[0], SCHEMA_VERSION, snapshot[1])

    def set_row(self, row: CrisisRow) -> None:
        self.t.rows[row.crisis_id] = row

    def claim_due(self, cutoff: str, limit: int) -> list[str]:
        due = [
            (row.sla_next_due, row.crisis_id)
            for row in self.t.rows.values()
            if row.sla_next_due is not None and row.sla_next_due <= cutoff
        ]
        return [crisis_id for _unused, crisis_id in sorted(due)[:limit]]

    def rewrite(self, records: Sequence[StoredEvent]) -> None:
        by_id = {r.event_id: r for r in records}
        for log in self.t.events.values():
            log[:] = [by_id.get(r.event_id, r) for r in log]
        self.t.feed = [by_id.get(r.event_id, r) for r in self.t.feed]

    def drop_snapshot(self, crisis_id: str) -> None:
        self.t.snapshots.pop(crisis_id, None)

    def feed(self, after: int, limit: int) -> list[FeedItem]:
        return [
            FeedItem(after + 1 + n, record)
            for n, record in enumerate(self.t.feed[after : after + limit])
        ]

    def consumer(self, name: str) -> int:
        return self.t.consumers.get(name, 0)

    def set_consumer(self, name: str, position: int) -> None:
        self.t.consumers[name] = position

    def last_position(self) -> int:
        return len(self.t.feed)

    def find(self, query: Query) -> list[CrisisRow]:
        rows = sorted(
            (row for row in self.t.rows.values() if query.matches(row)),
            key=lambda row: (row.detected_at, row.crisis_id),
            reverse=True,
        )
        return rows[: query.limit]
