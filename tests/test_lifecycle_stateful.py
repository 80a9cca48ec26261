"""Random command sequences, valid and invalid, against the lifecycle's invariants."""

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from lifecycle_support import REVIEW, T0, new_crisis, signal, snapshot

from crisiskit import (
    Context,
    Crisis,
    CrisisKitError,
    CrisisState,
    CustomerRef,
    Guard,
    Level,
    ReopenPolicy,
    verify,
)
from crisiskit.testing import ManualClock
from crisiskit.testing import strategies as cks

reasons = st.sampled_from(["", "  ", "customer escalated", "false alarm: fake post"])
actors = st.sampled_from(["", "gm", "office", "cs"])


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.clock = ManualClock(T0)
        self.blocked = False
        guard = Guard("no blocker", commands=["recover", "close"], check=lambda c: not self.blocked)
        context = Context(
            self.clock,
            guards=[guard],
            reopen=ReopenPolicy(window=dt.timedelta(days=2), max_reopens=2),
        )
        self.crisis = new_crisis(self.clock, context=context)
        self.log = self.crisis.pull_events()
        self.refusals = 0

    def run(self, command):
        before = snapshot(self.crisis)
        version = self.crisis.version
        try:
            command()
        except CrisisKitError:
            self.refusals += 1
            assert snapshot(self.crisis) == before, "a refused command changed the crisis"
            return
        new = self.crisis.pull_events()
        assert len(new) == 1, "a command records exactly one event"
        assert new[0].sequence == version + 1
        self.log.extend(new)

    def expected(self, stale):
        return self.crisis.version - 1 if stale else self.crisis.version

    @rule(actor=actors, reason=st.one_of(st.none(), reasons), stale=st.booleans())
    def warn(self, actor, reason, stale):
        self.run(
            lambda: self.crisis.warn(
                actor=actor, reason=reason, expected_version=self.expected(stale)
            )
        )

    @rule(actor=actors)
    def respond(self, actor):
        self.run(lambda: self.crisis.respond(actor=actor))

    @rule(actor=actors)
    def recover(self, actor):
        self.run(lambda: self.crisis.recover(actor=actor))

    @rule(summary=st.sampled_from(["", "recalled and fixed"]))
    def close(self, summary):
        self.run(lambda: self.crisis.close(summary, actor="gm"))

    @rule()
    def record_review(self):
        self.run(lambda: self.crisis.record_review(REVIEW, actor="office"))

    @rule(reason=reasons)
    def dismiss(self, reason):
        self.run(lambda: self.crisis.dismiss(actor="office", reason=reason))

    @rule(reason=reasons)
    def relapse(self, reason):
        self.run(lambda: self.crisis.relapse(actor="gm", reason=reason))

    @rule(reason=reasons)
    def reopen(self, reason):
        self.run(lambda: self.crisis.reopen(actor="cs", reason=reason))

    @rule(level=cks.levels(), reason=reasons)
    def regrade(self, level, reason):
        self.run(lambda: self.crisis.set_level(level, actor="gm", reason=reason))

    @rule(
        text=st.sampled_from(["hotline call", "weibo repost", "news article"]),
        customer=st.sampled_from(["C-1", "C-2", "C-3"]),
    )
    def attach_signal(self, text, customer):
        self.run(
            lambda: self.crisis.attach_signal(
                signal(text, customer=customer, at=self.clock.now()), actor="cs"
            )
        )

    @rule(ids=st.lists(st.sampled_from(["C-1", "C-4", "C-5"]), max_size=3))
    def add_customers(self, ids):
        self.run(lambda: self.crisis.add_customers([CustomerRef(i) for i in ids], actor="cs"))

    @rule(count=st.integers(min_value=-2, max_value=50))
    def update_facts(self, count):
        self.run(lambda: self.crisis.update_facts(actor="office", customers_affected=count))

    @rule(hours=st.integers(min_value=0, max_value=60))
    def time_passes(self, hours):
        self.clock.advance(hours=hours)

    @rule()
    def toggle_blocker(self):
        self.blocked = not self.blocked

    @invariant()
    def state_is_one_of_the_five(self):
        assert self.crisis.state in set(CrisisState)
        assert (self.crisis.closed_at is None) == self.crisis.is_open

    @invariant()
    def version_counts_the_events(self):
        assert self.crisis.version == len(self.log)
        assert [e.sequence for e in self.log] == list(range(1, len(self.log) + 1))

    @invariant()
    def replay_equals_the_live_crisis(self):
        assert Crisis.replay(self.log) == self.crisis

    @invariant()
    def the_hash_chain_verifies(self):
        assert verify(self.log).ok

    @precondition(lambda self: self.crisis.level is not None)
    @invariant()
    def the_level_is_the_last_one_set(self):
        changes = [e for e in self.log if e.name == "LevelChanged"]
        assert changes[-1].new_level is self.crisis.level
        assert isinstance(self.crisis.level, Level)


TestLifecycle = LifecycleMachine.TestCase
TestLifecycle.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
