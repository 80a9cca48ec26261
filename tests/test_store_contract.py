"""The contract every crisis store keeps, run on the in-memory store, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pendulum
import pytest
import sqlalchemy as sa
from store_support import (
    RATINGS,
    START,
    ZONE,
    context,
    detect,
    drop_last_events,
    everything,
    put_snapshot,
    set_head_version,
    snapshot_of,
    sql_execute,
    sql_store,
)

from crisiskit import ConcurrencyError, Crisis, verify
from crisiskit.errors import (
    CrisisKitError,
    CrisisNotFoundError,
    EventSequenceError,
    StoreError,
    ValidationError,
)
from crisiskit.events import StoredEvent, stored
from crisiskit.grading import RiskMatrixPolicy
from crisiskit.store import CrisisStore, StoreBase, retry, row_of, sweep_due
from crisiskit.store.sql import SqlStore, store_info
from crisiskit.testing.store import MemoryStore
from crisiskit.values.levels import Level


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def make_store(request, tmp_path):
    """A function giving a fresh, empty store of the kind under test."""
    kind = request.param
    if kind == "memory":
        yield MemoryStore
        return
    url = (
        f"sqlite:///{tmp_path / 'crm.db'}"
        if kind == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    made: list[SqlStore] = []

    def make(**options):
        made.append(sql_store(url, **options))
        return made[-1]

    yield make
    for store in made:
        store.engine.dispose()


@pytest.fixture
def store(make_store) -> StoreBase:
    return make_store()


def graded(ctx, store, crisis_id="CR-1", **options):
    crisis = detect(ctx, crisis_id, **options)
    crisis.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
    store.create(crisis)
    return crisis


def test_every_store_keeps_the_protocol(store):
    assert isinstance(store, CrisisStore)


def test_a_crisis_stored_and_loaded_is_the_crisis_replayed(store):
    ctx = context()
    crisis = graded(ctx, store)
    assert crisis.pending_events == ()
    loaded = store.load("CR-1", ctx)
    records = store.events("CR-1")
    assert loaded == crisis == Crisis.replay(records, ctx)
    assert [r.sequence for r in records] == [1, 2, 3]
    assert store.head("CR-1") == (3, crisis.last_hash) or store.head("CR-1").version == 3
    assert store.head("CR-1").last_hash == crisis.last_hash
    assert verify(records, keys=ctx.keys, head=(3, crisis.last_hash))
    assert loaded.context is ctx
    assert store.events("CR-1", after=2) == records[2:]


def test_an_unknown_crisis_is_not_found(store):
    with pytest.raises(CrisisNotFoundError, match="no crisis 'CR-404'"):
        store.load("CR-404", context())
    assert store.head("CR-404") is None
    assert store.events("CR-404") == []


def test_creating_an_id_twice_is_a_conflict_and_writes_nothing(store):
    ctx = context()
    graded(ctx, store)
    before = everything(store)
    again = detect(ctx, "CR-1")
    with pytest.raises(ConcurrencyError):
        store.create(again)
    assert everything(store) == before
    assert len(again.pending_events) == 1  # kept: nothing was stored


def test_create_refuses_a_crisis_stored_before(store):
    ctx = context()
    crisis = graded(ctx, store)
    crisis.acknowledge(actor="li.office")
    with pytest.raises(ValidationError, match="use save"):
        store.create(crisis)


def test_a_transaction_stores_the_commands_events_and_forgets_them(store):
    ctx = context()
    graded(ctx, store)
    with store.transaction("CR-1", ctx) as crisis:
        crisis.acknowledge(actor="li.office")
        crisis.warn(actor="li.office")
        assert crisis.pending_events
    assert crisis.pending_events == ()
    assert store.load("CR-1", ctx) == crisis
    assert store.head("CR-1").version == crisis.version > 3


def test_nothing_is_written_when_the_block_raises(store):
    ctx = context()
    graded(ctx, store)
    before = everything(store)

    def fail_halfway():
        with store.transaction("CR-1", ctx) as crisis:
            crisis.acknowledge(actor="li.office")
            raise RuntimeError("the host failed halfway")

    with pytest.raises(RuntimeError):
        fail_halfway()
    assert everything(store) == before


def test_the_second_writer_is_refused_and_nothing_of_it_is_written(store):
    ctx = context()
    graded(ctx, store)
    first, second = store.load("CR-1", ctx), store.load("CR-1", ctx)
    first.acknowledge(actor="li.office")
    second.warn(actor="li.office")
    store.save(first)
    before = everything(store)
    with pytest.raises(ConcurrencyError):
        store.save(second)
    assert everything(store) == before
    assert second.pending_events  # kept, not lost


def test_a_transaction_checks_the_version_the_user_saw(store):
    ctx = context()
    graded(ctx, store)
    with (
        pytest.raises(ConcurrencyError, match="not 2"),
        store.transaction("CR-1", ctx, expected_version=2),
    ):
        pytest.fail("the block must not run")
    with store.transaction("CR-1", ctx, expected_version=3) as crisis:
        crisis.acknowledge(actor="li.office")
    assert store.head("CR-1").version > 3


def test_retry_runs_the_unit_of_work_again_and_gives_up_after_its_attempts(store):
    ctx = context()
    graded(ctx, store)
    calls = []

    def acknowledge():
        with store.transaction("CR-1", ctx) as crisis:
            if not calls:  # another writer gets in while the first attempt runs
                with store.transaction("CR-1", ctx) as other:
                    other.report_progress("first", actor="li.office")
            calls.append(crisis.version)
            crisis.acknowledge(actor="li.office")
        return crisis.version

    version = retry(acknowledge)
    assert len(calls) == 2
    assert calls[0] == 3 < calls[1]  # the second attempt ran on the other writer's version
    assert store.head("CR-1").version == version

    def always_loses():
        calls.append("x")
        raise ConcurrencyError("lost")

    calls.clear()
    with pytest.raises(ConcurrencyError):
        retry(always_loses, attempts=3)
    assert calls == ["x"] * 3
    with pytest.raises(ValidationError):
        retry(always_loses, attempts=0)


def test_snapshots_are_written_every_n_events_and_used_on_load(make_store):
    store = make_store(snapshot_every=4)
    ctx = context()
    crisis = graded(ctx, store)  # 3 events: no snapshot yet
    assert snapshot_of(store, "CR-1") is None
    expected, written = None, []
    for n in range(6):
        before = crisis.version
        with store.transaction("CR-1", ctx) as crisis:
            crisis.report_progress(f"report {n}", actor="li.office")
        if crisis.version // 4 > before // 4:  # the save crossed a multiple of 4
            expected = crisis.version
            written.append(expected)
        assert snapshot_of(store, "CR-1")[0] == expected
    assert len(written) >= 2
    full = Crisis.replay(store.events("CR-1"), ctx)
    assert store.load("CR-1", ctx) == full
    assert store.load("CR-1", ctx).version == crisis.version


@pytest.mark.parametrize(
    ("schema", "body"),
    [(99, '{"type": "Crisis", "schema_version": 99}'), (1, "{not json"), (1, '{"type": "Crisis"}')],
    ids=["newer", "damaged", "incomplete"],
)
def test_an_unreadable_snapshot_is_ignored_and_rebuilt(make_store, schema, body):
    store = make_store(snapshot_every=50)
    ctx = context()
    crisis = graded(ctx, store)
    put_snapshot(store, "CR-1", 3, schema, body)
    assert store.load("CR-1", ctx) == crisis
    with store.transaction("CR-1", ctx) as crisis:
        crisis.acknowledge(actor="li.office")
    if schema != 1:  # another release's snapshot is replaced at the next write
        version, written, text = snapshot_of(store, "CR-1")
        assert (version, written) == (crisis.version, 1)
        assert text != body
    assert store.load("CR-1", ctx) == crisis


def test_a_snapshot_that_does_not_match_the_log_is_not_trusted(make_store):
    store = make_store(snapshot_every=3)
    ctx = context()
    graded(ctx, store, "CR-1")
    graded(ctx, store, "CR-2")
    _, _, other = snapshot_of(store, "CR-2")
    put_snapshot(store, "CR-1", 3, 1, other)  # another crisis's state
    assert store.load("CR-1", ctx).id == "CR-1"
    assert store.load("CR-1", ctx) == Crisis.replay(store.events("CR-1"), ctx)


@pytest.mark.parametrize("snapshot_every", [2, 50])
def test_a_truncated_log_is_reported_on_load(make_store, snapshot_every):
    store = make_store(snapshot_every=snapshot_every)
    ctx = context()
    graded(ctx, store)
    with store.transaction("CR-1", ctx) as crisis:
        crisis.acknowledge(actor="li.office")
    drop_last_events(store, "CR-1", 1)
    with pytest.raises(StoreError, match="deleted from the end"):
        store.load("CR-1", ctx)


def test_a_head_changed_behind_the_store_is_reported(store):
    ctx = context()
    crisis = graded(ctx, store)
    set_head_version(store, "CR-1", 2, crisis.last_hash)
    with pytest.raises(StoreError, match="head is version 2"):
        store.load("CR-1", ctx)


def test_the_feed_gives_every_event_once_in_commit_order(store):
    ctx = context()
    graded(ctx, store, "CR-1")
    graded(ctx, store, "CR-2")
    with store.transaction("CR-1", ctx) as crisis:
        crisis.acknowledge(actor="li.office")
    items = store.feed()
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    assert [i.record.crisis_id for i in items][:6] == ["CR-1"] * 3 + ["CR-2"] * 3
    everything_stored = store.events("CR-1") + store.events("CR-2")
    assert sorted(i.record.event_id for i in items) == sorted(r.event_id for r in everything_stored)
    assert store.feed(after=4, limit=2) == items[4:6]
    assert store.feed(after=len(items)) == []


def test_consumers_keep_their_positions(store):
    ctx = context()
    graded(ctx, store)
    assert store.position("webhooks") == 0
    store.acknowledge("webhooks", 2)
    assert store.position("webhooks") == 2
    assert store.position("search") == 0
    with pytest.raises(ValidationError, match="cannot move to 1"):
        store.acknowledge("webhooks", 1)
    with pytest.raises(ValidationError, match="feed ends at 3"):
        store.acknowledge("webhooks", 4)
    store.acknowledge("webhooks", 3)
    assert store.position("webhooks") == 3


def test_a_consumer_reading_the_feed_sees_each_event_once_per_position(store):
    ctx = context()
    delivered = []

    def deliver():
        for item in store.feed(after=store.position("hooks"), limit=2):
            delivered.append(item.record.event_id)
            store.acknowledge("hooks", item.position)

    graded(ctx, store, "CR-1")
    deliver()
    graded(ctx, store, "CR-2")
    for _ in range(5):
        deliver()
    assert delivered == [i.record.event_id for i in store.feed(limit=100)]


def test_the_read_model_row_is_the_crisis_replayed(store):
    ctx = context()
    graded(ctx, store)
    with store.transaction("CR-1", ctx) as crisis:
        crisis.set_attributes({"tags": ["vip", "east"]}, actor="li.office")
    (row,) = store.find().rows
    assert row == row_of(Crisis.replay(store.events("CR-1"), ctx))
    assert row.tags == ("east", "vip")
    assert row.level == "III"
    assert row.sla_next_due == "2025-09-26T10:00:00.000000Z"


def test_find_filters_and_pages(store):
    ctx = context()
    for n in range(7):
        crisis = detect(ctx, f"CR-{n}")
        if n % 2:
            crisis.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
        if n % 3 == 0:
            crisis.set_attributes({"tags": ["vip"]}, actor="li.office")
        store.create(crisis)
        ctx.clock.advance(minutes=1)
    newest_first = [f"CR-{n}" for n in reversed(range(7))]
    assert [r.crisis_id for r in store.find().rows] == newest_first
    assert [r.crisis_id for r in store.find(level=Level.III).rows] == ["CR-5", "CR-3", "CR-1"]
    assert [r.crisis_id for r in store.find(level="III", tag="vip").rows] == ["CR-3"]
    assert [r.crisis_id for r in store.find(tag="vip").rows] == ["CR-6", "CR-3", "CR-0"]
    assert store.find(state="warned").rows == ()
    assert len(store.find(state="detected", crisis_type="complaint").rows) == 7
    assert store.find(breached=True).rows == ()
    due = pendulum.datetime(2025, 9, 28, 9, 59, tz=ZONE)
    assert [r.crisis_id for r in store.find(due_before=due).rows] == ["CR-5", "CR-3", "CR-1"]
    pages, after = [], None
    while True:
        page = store.find(limit=3, after=after)
        pages.append([r.crisis_id for r in page.rows])
        if page.next is None:
            break
        after = page.next
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:]]


@pytest.mark.parametrize(
    "options",
    [
        {"state": "exploded"},
        {"level": "V"},
        {"limit": 0},
        {"limit": 10_001},
        {"after": "not-a-cursor"},
        {"breached": "yes"},
        {"due_before": "2025-09-26"},
    ],
)
def test_find_refuses_bad_filters(store, options):
    with pytest.raises(ValidationError):
        store.find(**options)


def test_a_sweep_records_each_alert_once(store):
    ctx = context()
    graded(ctx, store, "CR-1")
    graded(ctx, store, "CR-2")
    assert sweep_due(store, ctx) == []  # nothing due yet
    ctx.clock.set(pendulum.datetime(2025, 9, 28, 9, 30, tz=ZONE))
    recorded = sweep_due(store, ctx, limit=1)
    assert [r.crisis_id for r in recorded] == ["CR-1"]
    recorded += sweep_due(store, ctx)
    assert [r.crisis_id for r in recorded] == ["CR-1", "CR-2"]
    assert sweep_due(store, ctx) == []
    for crisis_id in ("CR-1", "CR-2"):
        crisis = store.load(crisis_id, ctx)
        assert crisis.check_sla() is None  # nothing left due: it was all recorded
        (row,) = [r for r in store.find().rows if r.crisis_id == crisis_id]
        assert row == row_of(Crisis.replay(store.events(crisis_id), ctx))
    assert [r.type for r in store.events("CR-1")][-1] == "SlaAlertsRaised"


def test_a_sweep_refuses_an_instant_after_its_clock(store):
    ctx = context()
    with pytest.raises(ValidationError, match="later than the context's clock"):
        store.sweep_due(ctx, now=START.add(hours=1))
    with pytest.raises(ValidationError):
        store.sweep_due(ctx, limit=0)
    with pytest.raises(ValidationError):
        store.sweep_due("not a context")  # type: ignore[arg-type]


def test_append_takes_a_replicas_events(make_store):
    source, replica = make_store(), MemoryStore()
    ctx = context()
    crisis = graded(ctx, replica)
    records = replica.events("CR-1")
    assert source.append("CR-1", records[:2], expected_version=0, keys=ctx.keys) == 2
    assert source.append("CR-1", records[2:], expected_version=2, keys=ctx.keys) == 3
    assert source.load("CR-1", ctx) == crisis
    assert [r.crisis_id for r in source.find().rows] == ["CR-1"]


def _bad_batches(ctx, store):
    crisis = graded(ctx, store, "CR-1")
    other = graded(ctx, MemoryStore(), "CR-2")
    crisis.acknowledge(actor="li.office")
    new = [stored(e) for e in crisis.pending_events]
    other.acknowledge(actor="li.office")
    theirs = [stored(e) for e in other.pending_events]
    return new, theirs, store.events("CR-1")


def test_append_refuses_an_event_of_another_crisis(store):
    ctx = context()
    _new, theirs, _ = _bad_batches(ctx, store)
    before = everything(store)
    with pytest.raises(EventSequenceError, match="belongs to crisis 'CR-2'"):
        store.append("CR-1", theirs, expected_version=3, keys=ctx.keys)
    assert everything(store) == before


def test_append_refuses_a_gap(store):
    ctx = context()
    new, _, _ = _bad_batches(ctx, store)
    before = everything(store)
    with pytest.raises(EventSequenceError, match="missing or out of order"):
        store.append("CR-1", new[1:], expected_version=3, keys=ctx.keys)
    assert everything(store) == before


def test_append_refuses_a_duplicate_event_id(store):
    ctx = context()
    new, _, old = _bad_batches(ctx, store)
    before = everything(store)
    with pytest.raises(EventSequenceError, match="appears twice"):
        store.append("CR-1", [new[0], new[0]], expected_version=3, keys=ctx.keys)
    with pytest.raises(CrisisKitError):
        store.append("CR-1", [old[2]], expected_version=3, keys=ctx.keys)
    assert everything(store) == before


def test_append_refuses_an_altered_event_and_a_stale_version(store):
    ctx = context()
    new, _, _ = _bad_batches(ctx, store)
    body = json.loads(new[0].to_json())
    body["data"]["actor"] = "mallory"
    forged = StoredEvent.from_json(json.dumps(body))
    before = everything(store)
    with pytest.raises(CrisisKitError):
        store.append("CR-1", [forged, *new[1:]], expected_version=3, keys=ctx.keys)
    with pytest.raises(ConcurrencyError):
        store.append("CR-1", new, expected_version=2, keys=ctx.keys)
    with pytest.raises(ValidationError):
        store.append("CR-1", [], expected_version=3)
    assert everything(store) == before
    assert store.append("CR-1", new, expected_version=3, keys=ctx.keys) == 3 + len(new)


def test_erasure_rewrites_the_stored_events_and_drops_the_snapshot(make_store):
    store = make_store(snapshot_every=2)
    ctx = context()
    graded(ctx, store, customer="C-1")
    assert "Zhang Wei" in "".join(r.to_json() for r in store.events("CR-1"))
    assert snapshot_of(store, "CR-1") is not None
    erased = store.erase_personal_data(
        "CR-1", "C-1", actor="dpo", reason="the customer asked (PIPL art. 47)", context=ctx
    )
    records = store.events("CR-1")
    assert erased == records[-1]
    assert erased.type == "PersonalDataErased"
    assert "Zhang Wei" not in "".join(r.to_json() for r in records)
    assert "Zhang Wei" not in "".join(i.record.to_json() for i in store.feed())
    assert verify(records, keys=ctx.keys, head=(erased.sequence, erased.hash))
    assert snapshot_of(store, "CR-1") is None
    loaded = store.load("CR-1", ctx)
    assert loaded.customers[0].name != "Zhang Wei"
    with pytest.raises(ValidationError):
        store.erase_personal_data("CR-1", "C-9", actor="dpo", reason="r", context=ctx)


def test_bad_arguments_are_refused(store):
    with pytest.raises(ValidationError):
        store.load("CR-1", "not a context")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        store.load("", context())
    with pytest.raises(ValidationError):
        store.save("CR-1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        store.feed(after=-1)
    with pytest.raises(ValidationError):
        store.events("CR-1", after=True)


# --- the SQL store only ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def sql(request, tmp_path):
    if request.param == "sqlite":
        store = sql_store(f"sqlite:///{tmp_path / 'crm.db'}")
    else:
        store = sql_store(request.getfixturevalue("pg_url"))
    yield store
    store.engine.dispose()


def test_tables_of_a_newer_release_are_refused_and_not_written(sql):
    ctx = context()
    graded(ctx, sql)
    sql_execute(sql, sa.update(store_info).values(schema_version=2))
    fresh = SqlStore(sql.engine.url)
    before = [len(sql.events("CR-1"))]
    for call in (
        lambda: fresh.load("CR-1", ctx),
        lambda: fresh.create(detect(ctx, "CR-2")),
        fresh.find,
    ):
        with pytest.raises(StoreError, match="newer release"):
            call()
    assert [len(sql.events("CR-1"))] == before
    assert sql.head("CR-2") is None
    fresh.engine.dispose()


def test_a_database_without_the_tables_says_so(tmp_path):
    store = SqlStore(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreError, match="create_schema"):
        store.find()
    store.engine.dispose()


def test_create_schema_is_safe_to_call_again(sql):
    ctx = context()
    graded(ctx, sql)
    sql.create_schema()
    assert sql.head("CR-1").version == 3


def test_the_tables_are_plain_for_a_dba(sql):
    ctx = context()
    graded(ctx, sql)
    with sql.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT position, crisis_id, sequence, type, body FROM events ORDER BY position"
            )
        ).all()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (1, "CR-1", 1, "CrisisDetected"),
        (2, "CR-1", 2, "LevelChanged"),
        (3, "CR-1", 3, "SlaTimersChanged"),
    ]
    assert [r[4] for r in rows] == [r.to_json() for r in sql.events("CR-1")]


def test_the_persistence_page_shows_the_tables_as_created():
    from pathlib import Path

    from crisiskit.store.sql import DDL

    page = (Path(__file__).parent.parent / "docs" / "persistence.md").read_text()
    shown = page.split("```sql\n", 1)[1].split("```", 1)[0]
    assert shown.strip() == DDL.strip()
