"""Crisis stores: a crisis's events, its head, snapshots, a feed and a read model, kept together.

:class:`CrisisStore` is the contract every store keeps; this package holds it and the logic
all stores share, and does no I/O itself. Two stores ship with crisiskit:

* :class:`crisiskit.testing.store.MemoryStore`, in memory, for a host's unit tests;
* :class:`crisiskit.store.sql.SqlStore`, on SQLAlchemy 2 Core, for SQLite and PostgreSQL
  (``pip install 'crisiskit[sql]'``).

A host changes a crisis inside a unit of work::

    with store.transaction("CR-1", context) as crisis:
        crisis.acknowledge(actor="li.office")

On leaving the block the store writes the crisis's new events, its head, its read-model row
and (every ``snapshot_every`` events) a snapshot in one database transaction, then forgets
the pending events; when the block raises, nothing is written. A writer that lost a race
gets :class:`~crisiskit.errors.ConcurrencyError`; :func:`retry` runs a function again.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs
import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis import Context, Crisis
from crisiskit.errors import (
    ConcurrencyError,
    CrisisKitError,
    CrisisNotFoundError,
    EventSequenceError,
    StoreError,
    ValidationError,
)
from crisiskit.events import KeyRing, SealingKey, SlaAlertsRaised, StoredEvent, erase, stored
from crisiskit.messages import _
from crisiskit.serialization import SCHEMA_VERSION, from_json, to_json
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisState, CrisisType, Role

__all__ = [
    "STORE_SCHEMA_VERSION",
    "CrisisRow",
    "CrisisStore",
    "FeedItem",
    "Head",
    "Page",
    "Session",
    "StoreBase",
    "instant_text",
    "retry",
    "row_of",
    "sweep_due",
]

T = TypeVar("T")

STORE_SCHEMA_VERSION = 1
"""The version of the store's tables this release writes and reads."""

MAX_LIMIT = 10_000
"""The most rows one call of ``find``, ``feed`` or ``sweep_due`` returns."""


@attrs.frozen
class Head:
    """What the store keeps apart from the events: a crisis's version and last hash."""

    version: int
    last_hash: str


@attrs.frozen
class FeedItem:
    """An event in the store's feed: its global position (commit order) and its stored form."""

    position: int
    record: StoredEvent


@attrs.frozen
class CrisisRow:
    """A crisis's row in the read model: what a list page shows and filters on.

    ``owner`` is the first person in the crisis office role (None until one is assigned);
    ``tags`` are the values of the host's ``Tags`` attributes; ``breached`` is true once an
    SLA breach has been recorded; ``sla_next_due`` is when its next SLA alert falls due.
    """

    crisis_id: str
    crisis_type: str
    level: str | None
    state: str
    title: str
    owner: str | None
    attributes: Mapping[str, Any]
    tags: tuple[str, ...]
    detected_at: str
    updated_at: str
    closed_at: str | None
    sla_next_due: str | None
    breached: bool
    version: int


@attrs.frozen
class Page:
    """One page of :meth:`CrisisStore.find`: the rows, and the cursor of the next page (or None)."""

    rows: tuple[CrisisRow, ...]
    next: str | None


def instant_text(value: pendulum.DateTime) -> str:
    """An instant as the store writes it: UTC, fixed width, so that it sorts as text.

    >>> instant_text(pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai"))
    '2025-09-27T12:00:00.000000Z'
    """
    return value.in_timezone("UTC").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_of(crisis: Crisis) -> CrisisRow:
    """The read-model row of a crisis, as every store writes it."""
    tags: set[str] = set()
    attributes: dict[str, Any] = {}
    for name, value in crisis.attributes.items():
        if isinstance(value, tuple):
            tags.update(value)
            attributes[name] = list(value)
        else:
            attributes[name] = value
    office = crisis.members(Role.OFFICE)
    due = crisis.sla_next_due
    return CrisisRow(
        crisis_id=crisis.id,
        crisis_type=crisis.crisis_type.value,
        level=None if crisis.level is None else crisis.level.value,
        state=crisis.state.value,
        title=crisis.title,
        owner=office[0] if office else None,
        attributes=attributes,
        tags=tuple(sorted(tags)),
        detected_at=instant_text(crisis.detected_at),
        updated_at=instant_text(crisis.updated_at),
        closed_at=None if crisis.closed_at is None else instant_text(crisis.closed_at),
        sla_next_due=None if due is None else instant_text(due),
        breached=any(timer.emitted >= 1.0 for timer in crisis.timers),
        version=crisis.version,
    )


def attributes_json(row: CrisisRow) -> str:
    """The row's attributes as the store writes them (canonical JSON)."""
    return json.dumps(row.attributes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def encode_cursor(row: CrisisRow) -> str:
    """The cursor of the page after ``row``."""
    raw = json.dumps([row.detected_at, row.crisis_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    """``(detected_at, crisis_id)`` of a cursor :func:`encode_cursor` wrote."""
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        value = None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise ValidationError(
            _("after={cursor!r} is not a cursor a page of find() returned", cursor=cursor)
        )
    return value[0], value[1]


@attrs.frozen
class Query:
    """The checked filters of a ``find`` call."""

    state: str | None = None
    level: str | None = None
    crisis_type: str | None = None
    tag: str | None = None
    breached: bool | None = None
    due_before: str | None = None
    after: tuple[str, str] | None = None
    limit: int = 50

    def matches(self, row: CrisisRow) -> bool:
        """Whether ``row`` passes the filters (cursor included), for stores without SQL."""
        return (
            (self.state is None or row.state == self.state)
            and (self.level is None or row.level == self.level)
            and (self.crisis_type is None or row.crisis_type == self.crisis_type)
            and (self.tag is None or self.tag in row.tags)
            and (self.breached is None or row.breached == self.breached)
            and (
                self.due_before is None
                or (row.sla_next_due is not None and row.sla_next_due <= self.due_before)
            )
            and (self.after is None or (row.detected_at, row.crisis_id) < self.after)
        )


def _limit(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        raise ValidationError(
            _(
                "{what} must be a whole number from 1 to {limit}; got {value!r}",
                what=what,
                limit=MAX_LIMIT,
                value=value,
            )
        )
    return value


def _position(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            _("{what} must be a whole number ≥ 0; got {value!r}", what=what, value=value)
        )
    return value


def _context(value: object) -> Context:
    if not isinstance(value, Context):
        raise ValidationError(_("a store needs a Context; got {kind}", kind=type(value).__name__))
    return value


class Session(Protocol):
    """One database transaction of a store: what :class:`StoreBase` asks of a database.

    A store for another database implements these and :meth:`StoreBase._session`; the
    logic of loading, checking and writing is :class:`StoreBase`'s. Writes become visible
    together when the session ends without an exception, and not at all otherwise.
    """

    def head(self, crisis_id: str) -> Head | None:
        """The crisis's head, or None when the store has no such crisis."""

    def snapshot(self, crisis_id: str) -> tuple[int, int, str] | None:
        """``(version, schema_version, body)`` of the crisis's snapshot, or None."""

    def head_and_snapshot(self, crisis_id: str) -> tuple[Head | None, tuple[int, int, str] | None]:
        """:meth:`head` and :meth:`snapshot` at once (one query where the database allows)."""

    def records(self, crisis_id: str, first: int, last: int | None = None) -> list[StoredEvent]:
        """The crisis's stored events from sequence ``first`` to ``last`` (or the end), in order."""

    def existing_ids(self, event_ids: Sequence[str]) -> set[str]:
        """Those of ``event_ids`` the store holds already."""

    def put(
        self,
        expected: int,
        records: Sequence[StoredEvent],
        row: CrisisRow,
        snapshot: tuple[int, str] | None,
        *,
        tags_changed: bool = True,
    ) -> None:
        """Append ``records`` after version ``expected``; raise ConcurrencyError if moved on.

        Also writes the head, the read-model row (its tags only when ``tags_changed``) and
        (when given) the snapshot ``(version, body)``. The events get their feed positions
        when the session ends.
        """

    def set_row(self, row: CrisisRow) -> None:
        """Rewrite a crisis's read-model row (its version unchanged)."""

    def claim_due(self, cutoff: str, limit: int) -> list[str]:
        """Up to ``limit`` crises due by ``cutoff``, locked for this session, soonest first."""

    def rewrite(self, records: Sequence[StoredEvent]) -> None:
        """Replace stored events' bodies (same ids and hashes): for erasure only."""

    def drop_snapshot(self, crisis_id: str) -> None:
        """Delete the crisis's snapshot."""

    def feed(self, after: int, limit: int) -> list[FeedItem]:
        """Events after feed position ``after``, in position order."""

    def consumer(self, name: str) -> int:
        """A consumer's position (0 when it has none)."""

    def set_consumer(self, name: str, position: int) -> None:
        """Move a consumer's position."""

    def last_position(self) -> int:
        """The position of the last event in the feed (0 when empty)."""

    def find(self, query: Query) -> list[CrisisRow]:
        """Up to ``query.limit`` rows passing the filters, newest detection first."""


@runtime_checkable
class CrisisStore(Protocol):
    """The contract of a crisis store. Every store crisiskit ships passes one test suite.

    Every method refuses bad input with a :class:`~crisiskit.errors.CrisisKitError` and
    writes nothing when it raises.
    """

    snapshot_every: int

    def load(self, crisis_id: str, context: Context) -> Crisis:
        """The crisis (snapshot + newer events, checked against the head), with ``context``."""
        ...

    def events(self, crisis_id: str, after: int = 0) -> list[StoredEvent]:
        """The crisis's stored events after sequence ``after``, in order."""
        ...

    def head(self, crisis_id: str) -> Head | None:
        """The crisis's head (version, last hash), or None."""
        ...

    def create(self, crisis: Crisis) -> int:
        """Store a crisis just detected; ConcurrencyError when the id is taken."""
        ...

    def save(self, crisis: Crisis) -> int:
        """Store the crisis's pending events, then forget them; return its version."""
        ...

    def transaction(
        self, crisis_id: str, context: Context, *, expected_version: int | None = None
    ) -> contextlib.AbstractContextManager[Crisis]:
        """A unit of work: load, let the block run commands, save on leaving it."""
        ...

    def append(
        self,
        crisis_id: str,
        records: Sequence[StoredEvent],
        *,
        expected_version: int,
        keys: KeyRing | SealingKey | None = None,
    ) -> int:
        """Append stored events (replication, import) after checking them; return the version."""
        ...

    def feed(self, after: int = 0, limit: int = 100) -> list[FeedItem]:
        """Events after position ``after`` in commit order."""
        ...

    def position(self, consumer: str) -> int:
        """The named consumer's position in the feed."""
        ...

    def acknowledge(self, consumer: str, position: int) -> None:
        """Move the named consumer's position forward to ``position``."""
        ...

    def find(
        self,
        *,
        state: CrisisState | str | None = None,
        level: Level | str | None = None,
        crisis_type: CrisisType | str | None = None,
        tag: str | None = None,
        breached: bool | None = None,
        due_before: pendulum.DateTime | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> Page:
        """A page of the read model, newest detection first (keyset pagination)."""
        ...

    def sweep_due(
        self,
        context: Context,
        *,
        now: pendulum.DateTime | None = None,
        limit: int = 100,
        actor: str = "system",
    ) -> list[StoredEvent]:
        """Record the SLA alerts of up to ``limit`` due crises; return what was recorded."""
        ...

    def erase_personal_data(
        self, crisis_id: str, customer_id: str, *, actor: str, reason: str, context: Context
    ) -> StoredEvent:
        """Erase a customer's personal data from the crisis and its stored events."""
        ...


class StoreBase:
    """What every store does, on top of a database's :class:`Session`.

    Args:
        snapshot_every: write a snapshot when a crisis has this many events more than its
            last one (and whenever the last one was written by another release).
    """

    def __init__(self, *, snapshot_every: int = 50) -> None:
        self.snapshot_every = _limit("snapshot_every", snapshot_every)
        self._stale: set[str] = set()  # crises whose snapshot did not read: rewrite it

    # --- the database ------------------------------------------------------------------

    def _session(self, *, claim: bool = False) -> contextlib.AbstractContextManager[Session]:
        """A database transaction (``claim``: one that will claim due crises)."""
        raise NotImplementedError

    # --- reading -----------------------------------------------------------------------

    def load(self, crisis_id: str, context: Context) -> Crisis:
        """The crisis, rebuilt from its snapshot and newer events, checked against its head.

        Raises :class:`~crisiskit.errors.CrisisNotFoundError` for an unknown id and
        :class:`~crisiskit.errors.StoreError` when the events do not reach the head (events
        deleted from the log's end); a seal or link that does not check out raises
        :class:`~crisiskit.errors.SealError` or :class:`~crisiskit.errors.EventSequenceError`.
        """
        _checks.text("crisis_id", crisis_id, max_length=200)
        context = _context(context)
        with self._session() as session:
            return self._rebuild(session, crisis_id, context)

    def events(self, crisis_id: str, after: int = 0) -> list[StoredEvent]:
        """The crisis's stored events after sequence ``after``, in order."""
        _checks.text("crisis_id", crisis_id, max_length=200)
        after = _position("after", after)
        with self._session() as session:
            return session.records(crisis_id, after + 1)

    def head(self, crisis_id: str) -> Head | None:
        """The crisis's head — version and last hash — or None when there is no such crisis."""
        _checks.text("crisis_id", crisis_id, max_length=200)
        with self._session() as session:
            return session.head(crisis_id)

    # --- writing -----------------------------------------------------------------------

    def create(self, crisis: Crisis) -> int:
        """Store a crisis :meth:`~crisiskit.crisis.Crisis.detect` just opened; return its version.

        Raises :class:`~crisiskit.errors.ConcurrencyError` when the store has a crisis with
        that id already, and :class:`~crisiskit.errors.ValidationError` for a crisis that
        was stored before (use :meth:`save`).
        """
        if not isinstance(crisis, Crisis):
            raise ValidationError(
                _("create() stores a Crisis; got {kind}", kind=type(crisis).__name__)
            )
        pending = crisis.pending_events
        if not pending or pending[0].sequence != 1:
            raise ValidationError(
                _(
                    "create() stores a crisis just detected; crisis {id!r} has events stored already: use save()",
                    id=crisis.id,
                )
            )
        return self.save(crisis)

    def save(self, crisis: Crisis) -> int:
        """Store the crisis's pending events, head, row and snapshot; then forget the events.

        All in one database transaction; the crisis's version before its pending events is
        the expected version. When another writer got there first,
        :class:`~crisiskit.errors.ConcurrencyError` is raised, nothing is written and the
        crisis keeps its pending events. Returns the stored version.
        """
        if not isinstance(crisis, Crisis):
            raise ValidationError(
                _("save() stores a Crisis; got {kind}", kind=type(crisis).__name__)
            )
        pending = crisis.pending_events
        if not pending:
            return crisis.version
        records = [stored(event) for event in pending]
        with self._session() as session:
            self._put(session, crisis, pending[0].sequence - 1, records)
        crisis.pull_events()  # stored: only now may they be forgotten
        return crisis.version

    @contextlib.contextmanager
    def transaction(
        self, crisis_id: str, context: Context, *, expected_version: int | None = None
    ) -> Iterator[Crisis]:
        """A unit of work on one crisis: load it, let the block run commands, save on exit.

        ``expected_version`` (the version a user saw) refuses the work up front with
        :class:`~crisiskit.errors.ConcurrencyError` when the crisis moved on since. When the
        block raises, nothing is written; when another writer saved first, the exit raises
        ``ConcurrencyError`` and nothing is written: run the work again (see :func:`retry`).
        """
        crisis = self.load(crisis_id, context)
        if expected_version is not None and crisis.version != _position(
            "expected_version", expected_version
        ):
            raise ConcurrencyError(
                _(
                    "crisis {crisis_id!r} is at version {version}, not {expected_version}: it changed since you read it; reload it and try again",
                    crisis_id=crisis_id,
                    version=crisis.version,
                    expected_version=expected_version,
                )
            )
        yield crisis
        self.save(crisis)

    def append(
        self,
        crisis_id: str,
        records: Sequence[StoredEvent],
        *,
        expected_version: int,
        keys: KeyRing | SealingKey | None = None,
    ) -> int:
        """Append stored events written elsewhere (a replica, an import) after checking them.

        They must be the crisis's next events after ``expected_version``: of this crisis, in
        sequence without a gap, linked to the head, with ids the store does not hold, and
        sealed under ``keys`` (the ring the log is sealed with). A bad batch raises a
        :class:`~crisiskit.errors.CrisisKitError` and writes nothing. Returns the version.
        """
        _checks.text("crisis_id", crisis_id, max_length=200)
        expected = _position("expected_version", expected_version)
        batch = list(records)
        if not batch or not all(isinstance(r, StoredEvent) for r in batch):
            raise ValidationError(_("append() takes one or more StoredEvent records"))
        with self._session() as session:
            head = session.head(crisis_id)
            version = 0 if head is None else head.version
            if version != expected:
                raise ConcurrencyError(
                    _(
                        "crisis {crisis_id!r} is at version {version} in the store, not {expected}",
                        crisis_id=crisis_id,
                        version=version,
                        expected=expected,
                    )
                )
            last_hash = "" if head is None else head.last_hash
            seen: set[str] = set()
            for n, record in enumerate(batch, start=expected + 1):
                if record.event_id in seen:
                    raise EventSequenceError(
                        _("event id {event_id} appears twice", event_id=record.event_id)
                    )
                seen.add(record.event_id)
                if record.crisis_id != crisis_id:
                    raise EventSequenceError(
                        _(
                            "event {sequence} ({type}) belongs to crisis {crisis_id!r}, not {expected!r}",
                            sequence=record.sequence,
                            type=record.type,
                            crisis_id=record.crisis_id,
                            expected=crisis_id,
                        )
                    )
                if record.sequence != n:
                    raise EventSequenceError(
                        _(
                            "crisis {crisis_id!r}: expected sequence {n}, got {sequence} ({type}); events are missing or out of order",
                            crisis_id=crisis_id,
                            n=n,
                            sequence=record.sequence,
                            type=record.type,
                        )
                    )
                if (head is not None or n > 1) and record.prev_hash != last_hash:
                    raise EventSequenceError(
                        _(
                            "event {n} ({type}) does not link to event {previous}",
                            n=n,
                            type=record.type,
                            previous=n - 1,
                        )
                    )
                last_hash = record.hash
            taken = session.existing_ids([r.event_id for r in batch])
            if taken:
                raise EventSequenceError(
                    _("the store holds event id(s) {taken} already", taken=tuple(sorted(taken)))
                )
            if head is None:  # a new crisis: checked by replaying its events
                crisis = Crisis.replay(batch, keys=keys)
            else:
                crisis = self._rebuild(session, crisis_id, None, keys)
                crisis.apply(batch, keys=keys)
            self._put(session, crisis, expected, batch)
        return expected + len(batch)

    def _put(
        self, session: Session, crisis: Crisis, expected: int, records: Sequence[StoredEvent]
    ) -> None:
        # A snapshot each time the version crosses a multiple of snapshot_every, and at the
        # first write after one that did not read.
        every = self.snapshot_every
        stale = crisis.id in self._stale
        due = stale or crisis.version // every > expected // every
        session.put(
            expected,
            records,
            row_of(crisis),
            (crisis.version, to_json(crisis)) if due else None,
            tags_changed=expected == 0 or any(r.type in _TAGGING for r in records),
        )
        if stale:
            self._stale.discard(crisis.id)

    def _rebuild(
        self,
        session: Session,
        crisis_id: str,
        context: Context | None,
        keys: KeyRing | SealingKey | None = None,
    ) -> Crisis:
        head, snapshot = session.head_and_snapshot(crisis_id)
        if head is None:
            raise CrisisNotFoundError(
                _("the store holds no crisis {crisis_id!r}", crisis_id=crisis_id)
            )
        if snapshot is not None:
            crisis = _from_snapshot(snapshot, crisis_id, head)
            # Up to the head read above: a writer may commit between two reads.
            tail = (
                [] if crisis is None else session.records(crisis_id, crisis.version, head.version)
            )
            if crisis is not None and tail and tail[0].hash == crisis.last_hash:
                if context is not None:
                    crisis.attach(context)
                crisis.apply(tail[1:], keys=keys)
                _check_head(crisis, head)
                return crisis
            if len(self._stale) > 10_000:
                self._stale.clear()
            self._stale.add(crisis_id)
        return _replay(session, crisis_id, head, context, keys)

    # --- the feed ----------------------------------------------------------------------

    def feed(self, after: int = 0, limit: int = 100) -> list[FeedItem]:
        """Up to ``limit`` events after feed position ``after``, in commit order.

        Positions are gapless and grow in the order transactions commit, so a reader that
        remembers the last position it handled misses nothing and, if it crashes before it
        remembers, handles some events again (at least once).
        """
        after = _position("after", after)
        limit = _limit("limit", limit)
        with self._session() as session:
            return session.feed(after, limit)

    def position(self, consumer: str) -> int:
        """The feed position the named consumer has handled up to (0 at first)."""
        _checks.text("consumer", consumer, max_length=200)
        with self._session() as session:
            return session.consumer(consumer)

    def acknowledge(self, consumer: str, position: int) -> None:
        """Record that the named consumer has handled the feed up to ``position``.

        A position never moves back, nor past the end of the feed
        (:class:`~crisiskit.errors.ValidationError`).
        """
        _checks.text("consumer", consumer, max_length=200)
        position = _position("position", position)
        with self._session() as session:
            current = session.consumer(consumer)
            last = session.last_position()
            if not current <= position <= last:
                raise ValidationError(
                    _(
                        "consumer {consumer!r} is at position {current} and the feed ends at {last}: it cannot move to {position}",
                        consumer=consumer,
                        current=current,
                        last=last,
                        position=position,
                    )
                )
            session.set_consumer(consumer, position)

    # --- the read model ----------------------------------------------------------------

    def find(
        self,
        *,
        state: CrisisState | str | None = None,
        level: Level | str | None = None,
        crisis_type: CrisisType | str | None = None,
        tag: str | None = None,
        breached: bool | None = None,
        due_before: pendulum.DateTime | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> Page:
        """A page of the read model, newest detection first, filtered.

        Args:
            state: only crises in this state.
            level: only crises at this level.
            crisis_type: only crises of this type.
            tag: only crises with this tag (a value of one of the host's ``Tags`` attributes).
            breached: only crises with (True) or without (False) a recorded SLA breach.
            due_before: only crises whose next SLA alert falls due at or before this instant.
            after: the cursor of the previous page (``page.next``).
            limit: the most rows in the page.
        """
        query = Query(
            state=None if state is None else _checks.member("state", state, CrisisState).value,
            level=None if level is None else _checks.member("level", level, Level).value,
            crisis_type=None
            if crisis_type is None
            else _checks.member("crisis_type", crisis_type, CrisisType).value,
            tag=None if tag is None else _checks.text("tag", tag, max_length=200),
            breached=None if breached is None else _flag("breached", breached),
            due_before=None
            if due_before is None
            else instant_text(_checks.instant("due_before", due_before)),
            after=None
            if after is None
            else decode_cursor(_checks.text("after", after, max_length=1000)),
            limit=_limit("limit", limit),
        )
        with self._session() as session:
            rows = session.find(attrs.evolve(query, limit=query.limit + 1))
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        return Page(tuple(rows), encode_cursor(rows[-1]) if more else None)

    # --- SLA sweeps ----------------------------------------------------------------------

    def sweep_due(
        self,
        context: Context,
        *,
        now: pendulum.DateTime | None = None,
        limit: int = 100,
        actor: str = "system",
    ) -> list[StoredEvent]:
        """Record the SLA alerts of up to ``limit`` crises due by ``now``; return them.

        The crises are claimed in one database transaction — on PostgreSQL with
        ``FOR UPDATE SKIP LOCKED``, so workers running at once take different crises — and
        their alerts, heads and rows written in it. ``now`` defaults to the context's clock
        and may not be later than it (the alerts are those due by the clock). Call it until
        it returns nothing.
        """
        context = _context(context)
        clock_now = context.clock.now()
        cutoff = clock_now if now is None else _checks.instant("now", now)
        if cutoff > clock_now:
            raise ValidationError(
                _(
                    "now={cutoff} is later than the context's clock ({clock_now}): alerts are recorded as of the clock",
                    cutoff=cutoff.isoformat(),
                    clock_now=clock_now.isoformat(),
                )
            )
        limit = _limit("limit", limit)
        _checks.text("actor", actor, max_length=200)
        recorded: list[StoredEvent] = []
        done: list[Crisis] = []
        with self._session(claim=True) as session:
            for crisis_id in session.claim_due(instant_text(cutoff), limit):
                crisis = self._rebuild(session, crisis_id, context)
                event = crisis.check_sla(actor=actor)
                if event is None:
                    session.set_row(row_of(crisis))
                    continue
                records = [stored(e) for e in crisis.pending_events]
                self._put(session, crisis, records[0].sequence - 1, records)
                recorded.extend(r for r in records if r.type == SlaAlertsRaised.__name__)
                done.append(crisis)
        for crisis in done:
            crisis.pull_events()
        return recorded

    # --- erasure -------------------------------------------------------------------------

    def erase_personal_data(
        self, crisis_id: str, customer_id: str, *, actor: str, reason: str, context: Context
    ) -> StoredEvent:
        """Erase a customer's personal data: the command, the stored events, the snapshot.

        In one database transaction: records ``PersonalDataErased``, rewrites the personal
        parts of the crisis's stored events with :func:`crisiskit.events.erase` (hashes
        unchanged: the log still verifies) and deletes the crisis's snapshot. Returns the
        stored ``PersonalDataErased`` event.
        """
        context = _context(context)
        with self._session() as session:
            crisis = self._rebuild(session, crisis_id, context)
            expected = crisis.version
            crisis.erase_personal_data(customer_id, actor=actor, reason=reason)
            records = [stored(e) for e in crisis.pending_events]
            erasure = records[0]
            old = session.records(crisis_id, 1, expected)
            rewritten = erase([*old, *records], customer_id, erasure=erasure.sequence)
            session.rewrite([new for new, was in zip(rewritten, old, strict=False) if new != was])
            session.drop_snapshot(crisis_id)
            session.put(expected, rewritten[len(old) :], row_of(crisis), None, tags_changed=False)
        crisis.pull_events()
        return rewritten[len(old)]


def _flag(what: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            _("{what} must be True or False; got {value!r}", what=what, value=value)
        )
    return value


_TAGGING = frozenset({"AttributesSet"})
"""The events that can change a crisis's tags."""


def _replay(
    session: Session,
    crisis_id: str,
    head: Head,
    context: Context | None,
    keys: KeyRing | SealingKey | None,
) -> Crisis:
    records = session.records(crisis_id, 1, head.version)
    if not records:
        raise StoreError(
            _(
                "crisis {crisis_id!r}: the head says version {version} but the store holds none of its events",
                crisis_id=crisis_id,
                version=head.version,
            )
        )
    crisis = Crisis.replay(records, context, keys=keys)
    _check_head(crisis, head)
    return crisis


def _from_snapshot(snapshot: tuple[int, int, str], crisis_id: str, head: Head) -> Crisis | None:
    version, schema, body = snapshot
    if version > head.version or schema != SCHEMA_VERSION:
        return None  # ahead of the head, or another release's: rebuilt from the events
    try:
        crisis = from_json(body, Crisis)
    except CrisisKitError:
        return None  # damaged: rebuilt from the events
    if not isinstance(crisis, Crisis) or crisis.id != crisis_id or crisis.version != version:
        return None
    return crisis


def _check_head(crisis: Crisis, head: Head) -> None:
    if (crisis.version, crisis.last_hash) != (head.version, head.last_hash):
        raise StoreError(
            _(
                "crisis {id!r}: its events end at version {version} but the store's head is version {head}: events were deleted from the end of its log, or the head was changed",
                id=crisis.id,
                version=crisis.version,
                head=head.version,
            )
        )


def retry(function: Callable[[], T], *, attempts: int = 5) -> T:
    """Run ``function``; run it again when it raises ConcurrencyError, ``attempts`` times at most.

    ``function`` must do its whole unit of work — load, command, save — so that a second
    run starts from the fresh state::

        def acknowledge():
            with store.transaction("CR-1", context) as crisis:
                crisis.acknowledge(actor="li.office")

        retry(acknowledge)

    The last ConcurrencyError is raised when every attempt lost its race.
    """
    attempts = _limit("attempts", attempts)
    for attempt in range(attempts):
        try:
            return function()
        except ConcurrencyError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def sweep_due(
    store: CrisisStore,
    context: Context,
    *,
    now: pendulum.DateTime | None = None,
    limit: int = 100,
    actor: str = "system",
) -> list[StoredEvent]:
    """:meth:`CrisisStore.sweep_due` as a function: record the SLA alerts due; return them."""
    return store.sweep_due(context, now=now, limit=limit, actor=actor)
