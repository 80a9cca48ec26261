"""What the store tests share: a context, crises to store, and ways to damage a store's tables."""

from __future__ import annotations

import attrs
import pendulum
import sqlalchemy as sa

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    SealingKey,
    Signal,
    SlaPolicy,
)
from crisiskit.calendar import china_working_calendar
from crisiskit.store import StoreBase
from crisiskit.store.sql import SqlStore, events, heads, metadata, snapshots
from crisiskit.testing import ManualClock
from crisiskit.testing.store import MemoryStore
from crisiskit.values.attributes import AttributeSchema, Tags

ZONE = "Asia/Shanghai"
START = pendulum.datetime(2025, 9, 26, 17, tz=ZONE)  # a Friday, 17:00
KEY = SealingKey("k2025", b"a-secret-of-the-host-0123456789abcdef")
# Without the targets of an ungraded crisis, so that a detection is one event: the versions
# these tests count by hand stay those of the commands they run.
POLICY = attrs.evolve(
    SlaPolicy.default(china_working_calendar([2025, 2026])),
    targets=tuple(
        t for t in SlaPolicy.default(china_working_calendar([2025, 2026])).targets if t.level
    ),
)
RATINGS = {
    **{"severity": 2, "scope": 2, "trend": 3},
    **{"brand_damage": 2, "customer_loss": 3, "economic_loss": 2, "legal_risk": 1},
}


def context(at: pendulum.DateTime = START) -> Context:
    return Context(
        ManualClock(at),
        sla=POLICY,
        keys=KEY,
        attributes=AttributeSchema(Tags("tags", "tags", "标签")),
    )


def detect(ctx: Context, crisis_id: str, *, customer: str | None = None) -> Crisis:
    customers = [CustomerRef(customer, name="Zhang Wei")] if customer else []
    return Crisis.detect(
        ctx,
        crisis_id=crisis_id,
        crisis_type=CrisisType.COMPLAINT,
        title=f"Complaint {crisis_id}",
        actor="hotline",
        signals=[
            Signal(Channel.HOTLINE, ctx.clock.now(), f"call about {crisis_id}", customers=customers)
        ],
    )


def sql_store(url: str, *, snapshot_every: int = 50, fresh: bool = True) -> SqlStore:
    store = SqlStore(url, snapshot_every=snapshot_every)
    if fresh:
        metadata.drop_all(store.engine)
    store.create_schema()
    return store


def sql_execute(store: SqlStore, statement: sa.Executable) -> None:
    with store.engine.connect() as conn, conn.begin():
        conn.execute(statement)


def drop_last_events(store: StoreBase, crisis_id: str, count: int) -> None:
    """Delete the last ``count`` events of a crisis (and its snapshot), leaving the head."""
    if isinstance(store, MemoryStore):
        log = store._tables.events[crisis_id]
        del log[len(log) - count :]
        store._tables.snapshots.pop(crisis_id, None)
        return
    assert isinstance(store, SqlStore)
    head = store.head(crisis_id)
    assert head is not None
    sql_execute(
        store,
        sa.delete(events).where(
            events.c.crisis_id == crisis_id, events.c.sequence > head.version - count
        ),
    )
    sql_execute(store, sa.delete(snapshots).where(snapshots.c.crisis_id == crisis_id))


def set_head_version(store: StoreBase, crisis_id: str, version: int, last_hash: str) -> None:
    if isinstance(store, MemoryStore):
        from crisiskit.store import Head

        store._tables.heads[crisis_id] = Head(version, last_hash)
        return
    assert isinstance(store, SqlStore)
    sql_execute(
        store,
        sa.update(heads)
        .where(heads.c.crisis_id == crisis_id)
        .values(version=version, last_hash=last_hash),
    )


def put_snapshot(store: StoreBase, crisis_id: str, version: int, schema: int, body: str) -> None:
    if isinstance(store, MemoryStore):
        store._tables.snapshots[crisis_id] = (version, schema, body)
        return
    assert isinstance(store, SqlStore)
    sql_execute(store, sa.delete(snapshots).where(snapshots.c.crisis_id == crisis_id))
    sql_execute(
        store,
        sa.insert(snapshots).values(
            crisis_id=crisis_id, version=version, schema_version=schema, body=body
        ),
    )


def snapshot_of(store: StoreBase, crisis_id: str) -> tuple[int, int, str] | None:
    with store._session() as session:
        return session.snapshot(crisis_id)


def everything(store: StoreBase) -> tuple[object, ...]:
    """What a store holds, as far as its API shows: to check that nothing was written."""
    feed = store.feed(0, 10_000)
    ids = sorted({item.record.crisis_id for item in feed})
    return (
        feed,
        [store.head(i) for i in ids],
        store.find(limit=10_000).rows,
        [snapshot_of(store, i) for i in ids],
    )
