"""A stateful test of the stores: random commands, races, sweeps and time, against invariants.

The in-memory store and a SQLite store get the same steps and must agree on everything they
show; after every step each crisis's log verifies against its head, a load equals a replay,
the read model equals the replayed crisis's row, and the feed holds every event once.
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from store_support import RATINGS, context, detect, sql_store

from crisiskit import ConcurrencyError, Crisis, verify
from crisiskit.errors import CrisisKitError
from crisiskit.grading import RiskMatrixPolicy
from crisiskit.store import row_of
from crisiskit.testing.store import MemoryStore

IDS = [f"CR-{n}" for n in range(4)]


class StoreMachine(RuleBasedStateMachine):
    @initialize(every=st.integers(min_value=1, max_value=6))
    def start(self, every):
        self.ctx = context()
        self.stores = [
            MemoryStore(snapshot_every=every),
            sql_store("sqlite://", snapshot_every=every),
        ]
        self.created: list[str] = []

    def teardown(self):
        for store in getattr(self, "stores", [])[1:]:
            store.engine.dispose()

    def each(self, work):
        """Run ``work`` on every store; they must all succeed alike or refuse alike."""
        outcomes = []
        for store in self.stores:
            try:
                outcomes.append(("ok", work(store)))
            except CrisisKitError as refused:
                outcomes.append((type(refused).__name__, None))
        assert len({kind for kind, _ in outcomes}) == 1, outcomes
        return outcomes[0]

    @rule(crisis_id=st.sampled_from(IDS), grade=st.booleans())
    def create(self, crisis_id, grade):
        def work(store):
            crisis = detect(self.ctx, crisis_id)
            if grade:
                crisis.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
            return store.create(crisis)

        kind, _ = self.each(work)
        assert (kind == "ok") == (crisis_id not in self.created)
        if kind == "ok":
            self.created.append(crisis_id)

    @precondition(lambda self: self.created)
    @rule(
        data=st.data(),
        command=st.sampled_from(["progress", "acknowledge", "warn", "respond", "tag", "fail"]),
    )
    def command(self, data, command):
        crisis_id = data.draw(st.sampled_from(self.created))
        text = data.draw(st.text("abc ", min_size=1, max_size=5).map(str.strip).filter(bool))

        def work(store):
            with store.transaction(crisis_id, self.ctx) as crisis:
                if command == "progress":
                    crisis.report_progress(f"progress {text}", actor="li.office")
                elif command == "acknowledge":
                    crisis.acknowledge(actor="li.office")
                elif command == "warn":
                    crisis.warn(actor="li.office")
                elif command == "respond":
                    crisis.respond(actor="gm.wang")
                elif command == "tag":
                    crisis.set_attributes({"tags": [text]}, actor="li.office")
                else:
                    crisis.report_progress("never stored", actor="li.office")
                    raise CrisisKitError("the host's own check failed")
            return crisis.version

        self.each(work)

    @precondition(lambda self: self.created)
    @rule(data=st.data())
    def race(self, data):
        crisis_id = data.draw(st.sampled_from(self.created))

        def work(store):
            first, second = store.load(crisis_id, self.ctx), store.load(crisis_id, self.ctx)
            first.report_progress("first", actor="a")
            second.report_progress("second", actor="b")
            store.save(first)
            try:
                store.save(second)
            except ConcurrencyError:
                return "refused"
            raise AssertionError("the second save must be refused")

        assert self.each(work) == ("ok", "refused")

    @rule(minutes=st.integers(min_value=1, max_value=3 * 24 * 60))
    def time_passes(self, minutes):
        self.ctx.clock.advance(minutes=minutes)

    @rule(limit=st.integers(min_value=1, max_value=3))
    def sweep(self, limit):
        def work(store):
            return [r.event_id for r in store.sweep_due(self.ctx, limit=limit)]

        kind, _ = self.each(work)
        assert kind == "ok"

    @rule(consumer=st.sampled_from(["hooks", "search"]), data=st.data())
    def consume(self, consumer, data):
        def work(store):
            items = store.feed(after=store.position(consumer), limit=3)
            if items:
                store.acknowledge(consumer, items[-1].position)
            return [(i.position, i.record.event_id) for i in items]

        self.each(work)

    @invariant()
    def stores_agree_and_hold_together(self):
        if not hasattr(self, "stores"):
            return
        views = []
        for store in self.stores:
            feed = store.feed(limit=10_000)
            assert [i.position for i in feed] == list(range(1, len(feed) + 1))
            assert len({i.record.event_id for i in feed}) == len(feed)
            rows = {r.crisis_id: r for r in store.find(limit=10_000).rows}
            assert sorted(rows) == sorted(self.created)
            for crisis_id in self.created:
                records = store.events(crisis_id)
                head = store.head(crisis_id)
                assert verify(records, keys=self.ctx.keys, head=(head.version, head.last_hash))
                replayed = Crisis.replay(records, self.ctx)
                assert store.load(crisis_id, self.ctx) == replayed
                assert rows[crisis_id] == row_of(replayed)
                assert sorted(
                    i.record.event_id for i in feed if i.record.crisis_id == crisis_id
                ) == sorted(r.event_id for r in records)
            views.append(([i.record for i in feed], rows))
        assert views[0] == views[1]


TestStores = StoreMachine.TestCase
TestStores.settings = settings(max_examples=30, stateful_step_count=25)
