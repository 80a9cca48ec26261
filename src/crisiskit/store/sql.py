"""A crisis store on SQLAlchemy 2 Core, for SQLite and PostgreSQL (``pip install 'crisiskit[sql]'``).

>>> from crisiskit.store.sql import SqlStore
>>> store = SqlStore("sqlite://")  # in memory; a file: "sqlite:///crm.db"
>>> store.create_schema()
>>> store.find().rows
()

PostgreSQL takes a URL such as ``postgresql+psycopg://crm@db.internal/crm`` (psycopg 3).
The tables are plain: a DBA reads them with ``psql``; :data:`DDL` shows them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from crisiskit.errors import ConcurrencyError, EventSequenceError, StoreError
from crisiskit.events import StoredEvent
from crisiskit.messages import _
from crisiskit.serialization import SCHEMA_VERSION
from crisiskit.store import (
    STORE_SCHEMA_VERSION,
    CrisisRow,
    FeedItem,
    Head,
    Query,
    StoreBase,
    attributes_json,
)

__all__ = ["DDL", "SqlStore", "metadata"]

metadata = sa.MetaData()
"""The store's tables, for a host's migrations (Alembic) or its own ``create_all``."""

store_info = sa.Table(
    "crisiskit_store",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("last_position", sa.BigInteger, nullable=False),
    comment="one row: the version of these tables, and the feed position of the last event",
)
events = sa.Table(
    "events",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("crisis_id", sa.String(200), nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("occurred_at", sa.String(40), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.UniqueConstraint("crisis_id", "sequence", name="events_crisis_sequence"),
    comment="one row per event; body is the stored event's canonical JSON",
)
heads = sa.Table(
    "heads",
    metadata,
    sa.Column("crisis_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    comment="each crisis's version and last hash, kept apart from its events",
)
snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("crisis_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)
crises = sa.Table(
    "crises",
    metadata,
    sa.Column("crisis_id", sa.String(200), primary_key=True),
    sa.Column("crisis_type", sa.String(100), nullable=False),
    sa.Column("level", sa.String(4)),
    sa.Column("state", sa.String(40), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("owner", sa.String(200)),
    sa.Column("attributes", sa.Text, nullable=False),
    sa.Column("detected_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("closed_at", sa.String(40)),
    sa.Column("sla_next_due", sa.String(40)),
    sa.Column("breached", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("crises_listing", "detected_at", "crisis_id"),
    sa.Index("crises_due", "sla_next_due", "crisis_id"),
    comment="the read model: one row per crisis, written with its events",
)
crisis_tags = sa.Table(
    "crisis_tags",
    metadata,
    sa.Column("crisis_id", sa.String(200), primary_key=True),
    sa.Column("tag", sa.String(200), primary_key=True),
    sa.Index("crisis_tags_tag", "tag"),
)
consumers = sa.Table(
    "feed_consumers",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
)


_by_id: sa.BindParameter[str] = sa.bindparam("b_id")
_expected: sa.BindParameter[int] = sa.bindparam("b_expected")
_HEAD_AND_SNAPSHOT = (
    sa.select(
        heads.c.version,
        heads.c.last_hash,
        snapshots.c.version,
        snapshots.c.schema_version,
        snapshots.c.body,
    )
    .select_from(heads.outerjoin(snapshots, snapshots.c.crisis_id == heads.c.crisis_id))
    .where(heads.c.crisis_id == _by_id)
)
_RECORDS = (
    sa.select(events.c.body)
    .where(
        events.c.crisis_id == _by_id,
        events.c.sequence >= sa.bindparam("b_first"),
        events.c.sequence <= sa.bindparam("b_last"),
    )
    .order_by(events.c.sequence)
)
_UPDATE_ROW = sa.update(crises).where(crises.c.crisis_id == _by_id, crises.c.version == _expected)
_UPDATE_HEAD = sa.update(heads).where(heads.c.crisis_id == _by_id, heads.c.version == _expected)
_NEXT_POSITIONS = (
    sa.update(store_info)
    .values(last_position=store_info.c.last_position + sa.bindparam("b_count"))
    .returning(store_info.c.last_position)
)
_INSERT_EVENTS = sa.insert(events)
_INSERT_ROW = sa.insert(crises)
_INSERT_HEAD = sa.insert(heads)


def _ddl(dialect: sa.engine.Dialect) -> str:
    parts = [
        str(sa.schema.CreateTable(t).compile(dialect=dialect)).strip() + ";"
        for t in metadata.sorted_tables
    ]
    for table in metadata.sorted_tables:
        parts += [
            str(sa.schema.CreateIndex(i).compile(dialect=dialect)) + ";"
            for i in sorted(table.indexes, key=lambda i: str(i.name))
        ]
    return "\n\n".join("\n".join(line.rstrip() for line in p.splitlines()) for p in parts)


def _postgres_dialect() -> sa.engine.Dialect:
    return sa.create_mock_engine("postgresql+psycopg://", executor=None).dialect


DDL = _ddl(_postgres_dialect())
"""The tables as PostgreSQL DDL (what :meth:`SqlStore.create_schema` creates there)."""


class SqlStore(StoreBase):
    """A crisis store in SQLite or PostgreSQL tables, on SQLAlchemy 2 Core.

    Args:
        url: a database URL (``sqlite:///crm.db``, ``postgresql+psycopg://…``) or an
            :class:`sqlalchemy.engine.Engine`.
        snapshot_every: write a snapshot every this many events of a crisis.

    On SQLite every transaction takes the write lock when it begins (``BEGIN IMMEDIATE``),
    so writers, and sweeps, run one at a time. On PostgreSQL they run at once; optimistic
    concurrency on the heads, ``FOR UPDATE SKIP LOCKED`` for sweeps and one short lock on
    the feed counter at commit keep them apart.
    """

    def __init__(self, url: str | sa.engine.Engine, *, snapshot_every: int = 50) -> None:
        super().__init__(snapshot_every=snapshot_every)
        # Every use of a connection ends its own transaction (commit or rollback), so the pool
        # need not roll back again when a connection comes back: one round trip less.
        self.engine = (
            url
            if isinstance(url, sa.engine.Engine)
            else sa.create_engine(url, pool_reset_on_return=None)
        )
        self._postgres = self.engine.dialect.name == "postgresql"
        if self.engine.dialect.name == "sqlite":
            _serialise_sqlite(self.engine)
        self._checked = False

    def create_schema(self) -> None:
        """Create the tables (those missing) and record their version; safe to call again."""
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(store_info.c.schema_version)).first()
            if row is None:
                conn.execute(
                    sa.insert(store_info).values(
                        id=1, schema_version=STORE_SCHEMA_VERSION, last_position=0
                    )
                )
        self._checked = False

    def _check_schema(self, conn: sa.Connection) -> None:
        try:
            row = conn.execute(sa.select(store_info.c.schema_version)).first()
        except sa_exc.DBAPIError as problem:
            raise StoreError(
                _("the database has no crisiskit store tables: call create_schema() first")
            ) from problem
        if row is None:
            raise StoreError(_("the crisiskit_store table is empty: call create_schema() first"))
        if row[0] > STORE_SCHEMA_VERSION:
            raise StoreError(
                _(
                    "the store's tables are at schema version {found}, written by a newer release of crisiskit; this release reads version {supported}: upgrade crisiskit",
                    found=row[0],
                    supported=STORE_SCHEMA_VERSION,
                )
            )
        self._checked = True

    @contextlib.contextmanager
    def _session(self, *, claim: bool = False) -> Iterator[_SqlSession]:
        if not self._checked:
            with self.engine.begin() as conn:
                self._check_schema(conn)
        with self.engine.connect() as conn:
            session = _SqlSession(conn, self._postgres)
            try:
                with conn.begin():
                    yield session
                    session.flush()
            except sa_exc.IntegrityError as problem:
                raise _integrity(problem) from None


def _integrity(problem: sa_exc.IntegrityError) -> Exception:
    text = str(problem.orig).lower()
    if "event_id" in text:
        return EventSequenceError(
            _("the store holds one of these event ids already: {orig}", orig=problem.orig)
        )
    return ConcurrencyError(
        _(
            "another writer stored the crisis first; reload it and try again ({orig})",
            orig=problem.orig,
        )
    )


def _serialise_sqlite(engine: sa.engine.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        dbapi_connection.execute("PRAGMA busy_timeout = 60000")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class _SqlSession:
    def __init__(self, conn: sa.Connection, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres
        self.pending: list[StoredEvent] = []

    def head(self, crisis_id: str) -> Head | None:
        row = self.conn.execute(
            sa.select(heads.c.version, heads.c.last_hash).where(heads.c.crisis_id == crisis_id)
        ).first()
        return None if row is None else Head(row[0], row[1])

    def snapshot(self, crisis_id: str) -> tuple[int, int, str] | None:
        row = self.conn.execute(
            sa.select(snapshots.c.version, snapshots.c.schema_version, snapshots.c.body).where(
                snapshots.c.crisis_id == crisis_id
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    def head_and_snapshot(self, crisis_id: str) -> tuple[Head | None, tuple[int, int, str] | None]:
        row = self.conn.execute(_HEAD_AND_SNAPSHOT, {"b_id": crisis_id}).first()
        if row is None:
            return None, None
        snapshot = None if row[2] is None else (row[2], row[3], row[4])
        return Head(row[0], row[1]), snapshot

    def records(self, crisis_id: str, first: int, last: int | None = None) -> list[StoredEvent]:
        rows = self.conn.execute(
            _RECORDS, {"b_id": crisis_id, "b_first": first, "b_last": last or 2**31 - 1}
        )
        return [StoredEvent.from_json(body) for (body,) in rows]

    def existing_ids(self, event_ids: Sequence[str]) -> set[str]:
        rows = self.conn.execute(
            sa.select(events.c.event_id).where(events.c.event_id.in_(list(event_ids)))
        )
        return {event_id for (event_id,) in rows}

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
        last = records[-1]
        head = {"crisis_id": crisis_id, "version": last.sequence, "last_hash": last.hash}
        # The row first, then the head: every writer and sweeper locks them in this order.
        if expected == 0:
            self.conn.execute(_INSERT_ROW, _row_values(row))
            self.conn.execute(_INSERT_HEAD, head)
        else:
            where = {"b_id": crisis_id, "b_expected": expected}
            done = self.conn.execute(_UPDATE_ROW, {**_row_values(row), **where})
            if done.rowcount == 1:
                done = self.conn.execute(_UPDATE_HEAD, {**head, **where})
            if done.rowcount != 1:
                raise ConcurrencyError(
                    _(
                        "crisis {crisis_id!r} is no longer at version {expected} in the store: another writer saved first; reload it and try again",
                        crisis_id=crisis_id,
                        expected=expected,
                    )
                )
            if tags_changed:
                self.conn.execute(
                    sa.delete(crisis_tags).where(crisis_tags.c.crisis_id == crisis_id)
                )
        if row.tags and tags_changed:
            self.conn.execute(
                sa.insert(crisis_tags), [{"crisis_id": crisis_id, "tag": t} for t in row.tags]
            )
        if snapshot is not None:
            self.conn.execute(sa.delete(snapshots).where(snapshots.c.crisis_id == crisis_id))
            self.conn.execute(
                sa.insert(snapshots).values(
                    crisis_id=crisis_id,
                    version=snapshot[0],
                    schema_version=SCHEMA_VERSION,
                    body=snapshot[1],
                )
            )
        self.pending.extend(records)

    def flush(self) -> None:
        """Give the session's events their feed positions and insert them: the last step."""
        if not self.pending:
            return
        # The counter row's lock is held until commit, so positions follow commit order.
        end = self.conn.execute(_NEXT_POSITIONS, {"b_count": len(self.pending)}).scalar_one()
        start = end - len(self.pending) + 1
        self.conn.execute(
            _INSERT_EVENTS,
            [
                {
                    "position": start + n,
                    "crisis_id": r.crisis_id,
                    "sequence": r.sequence,
                    "event_id": r.event_id,
                    "type": r.type,
                    "occurred_at": r.occurred_at,
                    "body": r.to_json(),
                }
                for n, r in enumerate(self.pending)
            ],
        )
        self.pending = []

    def set_row(self, row: CrisisRow) -> None:
        self.conn.execute(
            sa.update(crises).where(crises.c.crisis_id == row.crisis_id).values(**_row_values(row))
        )

    def claim_due(self, cutoff: str, limit: int) -> list[str]:
        query = (
            sa.select(crises.c.crisis_id)
            .where(crises.c.sla_next_due <= cutoff)
            .order_by(crises.c.sla_next_due, crises.c.crisis_id)
            .limit(limit)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        return [crisis_id for (crisis_id,) in self.conn.execute(query)]

    def rewrite(self, records: Sequence[StoredEvent]) -> None:
        for record in records:
            self.conn.execute(
                sa.update(events)
                .where(events.c.event_id == record.event_id)
                .values(body=record.to_json())
            )

    def drop_snapshot(self, crisis_id: str) -> None:
        self.conn.execute(sa.delete(snapshots).where(snapshots.c.crisis_id == crisis_id))

    def feed(self, after: int, limit: int) -> list[FeedItem]:
        rows = self.conn.execute(
            sa.select(events.c.position, events.c.body)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        return [FeedItem(position, StoredEvent.from_json(body)) for position, body in rows]

    def consumer(self, name: str) -> int:
        value = self.conn.execute(
            sa.select(consumers.c.position).where(consumers.c.name == name)
        ).scalar()
        return 0 if value is None else int(value)

    def set_consumer(self, name: str, position: int) -> None:
        # Never backwards, even when two processes acknowledge for one consumer at once.
        done = self.conn.execute(
            sa.update(consumers)
            .where(consumers.c.name == name, consumers.c.position <= position)
            .values(position=position)
        )
        if done.rowcount == 0 and self.consumer(name) == 0:
            self.conn.execute(sa.insert(consumers).values(name=name, position=position))

    def last_position(self) -> int:
        return int(self.conn.execute(sa.select(store_info.c.last_position)).scalar_one())

    def find(self, query: Query) -> list[CrisisRow]:
        select = sa.select(crises)
        c = crises.c
        if query.state is not None:
            select = select.where(c.state == query.state)
        if query.level is not None:
            select = select.where(c.level == query.level)
        if query.crisis_type is not None:
            select = select.where(c.crisis_type == query.crisis_type)
        if query.breached is not None:
            select = select.where(c.breached == query.breached)
        if query.due_before is not None:
            select = select.where(c.sla_next_due <= query.due_before)
        if query.tag is not None:
            select = select.where(
                c.crisis_id.in_(
                    sa.select(crisis_tags.c.crisis_id).where(crisis_tags.c.tag == query.tag)
                )
            )
        if query.after is not None:
            detected, crisis_id = query.after
            select = select.where(
                sa.or_(
                    c.detected_at < detected,
                    sa.and_(c.detected_at == detected, c.crisis_id < crisis_id),
                )
            )
        select = select.order_by(c.detected_at.desc(), c.crisis_id.desc()).limit(query.limit)
        rows = list(self.conn.execute(select).mappings())
        tags: dict[str, list[str]] = {}
        if rows:
            for crisis_id, tag in self.conn.execute(
                sa.select(crisis_tags.c.crisis_id, crisis_tags.c.tag)
                .where(crisis_tags.c.crisis_id.in_([r["crisis_id"] for r in rows]))
                .order_by(crisis_tags.c.tag)
            ):
                tags.setdefault(crisis_id, []).append(tag)
        return [_row(r, tuple(tags.get(r["crisis_id"], ()))) for r in rows]


def _row_values(row: CrisisRow) -> dict[str, Any]:
    return {
        "crisis_id": row.crisis_id,
        "crisis_type": row.crisis_type,
        "level": row.level,
        "state": row.state,
        "title": row.title,
        "owner": row.owner,
        "attributes": attributes_json(row),
        "detected_at": row.detected_at,
        "updated_at": row.updated_at,
        "closed_at": row.closed_at,
        "sla_next_due": row.sla_next_due,
        "breached": row.breached,
        "version": row.version,
    }


def _row(values: Any, tags: tuple[str, ...]) -> CrisisRow:
    return CrisisRow(
        crisis_id=values["crisis_id"],
        crisis_type=values["crisis_type"],
        level=values["level"],
        state=values["state"],
        title=values["title"],
        owner=values["owner"],
        attributes=json.loads(values["attributes"]),
        tags=tags,
        detected_at=values["detected_at"],
        updated_at=values["updated_at"],
        closed_at=values["closed_at"],
        sla_next_due=values["sla_next_due"],
        breached=bool(values["breached"]),
        version=values["version"],
    )
