"""The crisis's state record (private): what its events have made of it, evolved in place.

:class:`~crisiskit.crisis.Crisis` keeps one :class:`Record` and reads its public attributes
from it. The record is plainly mutable: each event's handler changes it in place, so a
command or a replayed event costs the same on the first signal and the forty-thousandth.
Collections that grow with the crisis are lists and dicts (customers and cases by id), with
the indexes commands need kept beside them.

:class:`CrisisSnapshot` is the stored form of a record: the public attributes as
immutable values plus the ids of the events applied. It is what ``to_dict(crisis)``
writes, field for field in the order it always has.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from attrs import Factory, define, field, frozen

from crisiskit._internal.registry import serializable
from crisiskit.events import GENESIS
from crisiskit.grading import Assessment
from crisiskit.operations.actions import ActionProgress, PhaseStart
from crisiskit.operations.compensation import Compensation
from crisiskit.operations.customer_cases import CustomerCase
from crisiskit.operations.expenses import Expense
from crisiskit.operations.notices import WarningNotice
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Statement
from crisiskit.operations.team import Assignment
from crisiskit.plan import Phase
from crisiskit.sla import SlaTimer
from crisiskit.values.attributes import AttributeValues, to_values
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import ChannelGroup, ClosedAs, CrisisState, CrisisType

__all__ = ["CrisisSnapshot", "MergeRecord", "Record"]


@serializable()
@frozen
class MergeRecord:
    """One merge, as either side remembers it, so that it can be undone."""

    crisis_id: str
    """The other crisis: the source merged in, or the canonical one merged into."""
    signals: tuple[Signal, ...] = ()
    """The signals that moved."""
    customers: tuple[CustomerRef, ...] = ()
    """The customers that moved."""
    from_state: CrisisState | None = None
    """On the merged-away side: the state it was in before the merge."""


@define(slots=True)
class Record:
    """A crisis's state, evolved in place by its events."""

    id: str
    crisis_type: CrisisType
    title: str
    state: CrisisState
    level: Level | None
    facts: Facts
    detected_at: pendulum.DateTime
    updated_at: pendulum.DateTime
    signals: list[Signal] = Factory(list)
    customers: dict[str, CustomerRef] = Factory(dict)
    closed_at: pendulum.DateTime | None = None
    closed_as: ClosedAs | None = None
    summary: str | None = None
    reopen_count: int = 0
    duplicate_of: str | None = None
    merged_into: MergeRecord | None = None
    merges: list[MergeRecord] | tuple[MergeRecord, ...] = field(default=(), eq=tuple)
    assessment: Assessment | None = None
    timers: tuple[SlaTimer, ...] = ()
    acknowledged_at: pendulum.DateTime | None = None
    notice: WarningNotice | None = None
    team: list[Assignment] | tuple[Assignment, ...] = field(default=(), eq=tuple)
    statements: list[Statement] | tuple[Statement, ...] = field(default=(), eq=tuple)
    cases: dict[str, CustomerCase] = Factory(dict)
    quality_remedy: QualityRemedy | None = None
    compensations: list[Compensation] | tuple[Compensation, ...] = field(default=(), eq=tuple)
    expenses: list[Expense] | tuple[Expense, ...] = field(default=(), eq=tuple)
    callbacks: list[Callback] | tuple[Callback, ...] = field(default=(), eq=tuple)
    recovery_plan: RecoveryPlan | None = None
    impact: ImpactAssessment | None = None
    review: Review | None = None
    attributes: AttributeValues = field(factory=lambda: AttributeValues({}))
    actions: dict[str, ActionProgress] = Factory(dict)
    # When each phase started. Not compared: a snapshot written before phases were kept has
    # none, and the crisis is the same crisis.
    phases: dict[Phase, pendulum.DateTime] = field(factory=dict, eq=False)
    version: int = 0
    last_hash: str = GENESIS
    # Indexes, derived from the fields above: not compared, rebuilt when a snapshot loads.
    signal_keys: dict[Signal, None] = field(factory=dict, eq=False)
    public: bool = field(default=False, eq=False)

    def add_signals(self, signals: list[Signal] | tuple[Signal, ...]) -> None:
        """Append ``signals``; their customers join the affected customers (the first seen wins)."""
        for signal in signals:
            self.signals.append(signal)
            self.signal_keys[signal] = None
            if signal.channel.group is ChannelGroup.PUBLIC_OPINION:
                self.public = True
            self.add_customers(signal.customers)

    def add_customers(self, customers: list[CustomerRef] | tuple[CustomerRef, ...]) -> None:
        """Add the customers whose ids are new, in order."""
        for customer in customers:
            self.customers.setdefault(customer.customer_id, customer)

    def set_signals(self, signals: tuple[Signal, ...], customers: tuple[CustomerRef, ...]) -> None:
        """Replace the signals and customers (a merge undone or moved away)."""
        self.signals = list(signals)
        self.signal_keys = dict.fromkeys(signals)
        self.public = any(s.channel.group is ChannelGroup.PUBLIC_OPINION for s in signals)
        self.customers = {c.customer_id: c for c in customers}

    def append(self, name: str, item: object) -> None:
        """Append ``item`` to the collection ``name`` (an empty one is a shared tuple until then)."""
        items = getattr(self, name)
        if isinstance(items, tuple):
            setattr(self, name, [*items, item])
        else:
            items.append(item)

    def snapshot(self, event_ids: str) -> CrisisSnapshot:
        """The record as its stored form: its collections as tuples, in order."""
        fields: dict[str, Any] = {}
        for name in _STORED:
            value = getattr(self, name)
            if isinstance(value, dict):
                value = tuple(value.values())
            elif isinstance(value, list):
                value = tuple(value)
            fields[name] = value
        fields["phases"] = tuple(PhaseStart(phase, at) for phase, at in self.phases.items())
        return CrisisSnapshot(**fields, event_ids=event_ids)

    @classmethod
    def from_snapshot(cls, snapshot: CrisisSnapshot) -> Record:
        """A record from its stored form, its indexes rebuilt."""
        fields = {name: getattr(snapshot, name) for name in _STORED}
        del fields["signals"], fields["customers"]  # with their indexes, below
        fields["cases"] = {c.customer_id: c for c in snapshot.cases}
        fields["actions"] = {a.action_id: a for a in snapshot.actions}
        fields["phases"] = {p.phase: p.at for p in snapshot.phases}
        record = cls(**fields)
        record.set_signals(snapshot.signals, snapshot.customers)
        return record


@frozen(kw_only=True)
class CrisisSnapshot:
    """The stored form of a crisis: its public attributes and the ids of its events."""

    id: str
    crisis_type: CrisisType
    title: str
    state: CrisisState
    level: Level | None
    facts: Facts
    signals: tuple[Signal, ...]
    customers: tuple[CustomerRef, ...]
    detected_at: pendulum.DateTime
    updated_at: pendulum.DateTime
    closed_at: pendulum.DateTime | None = None
    closed_as: ClosedAs | None = None
    summary: str | None = None
    reopen_count: int = 0
    duplicate_of: str | None = None
    merged_into: MergeRecord | None = None
    merges: tuple[MergeRecord, ...] = ()
    assessment: Assessment | None = None
    timers: tuple[SlaTimer, ...] = ()
    acknowledged_at: pendulum.DateTime | None = None
    notice: WarningNotice | None = None
    team: tuple[Assignment, ...] = ()
    statements: tuple[Statement, ...] = ()
    cases: tuple[CustomerCase, ...] = ()
    quality_remedy: QualityRemedy | None = None
    compensations: tuple[Compensation, ...] = ()
    expenses: tuple[Expense, ...] = ()
    callbacks: tuple[Callback, ...] = ()
    recovery_plan: RecoveryPlan | None = None
    impact: ImpactAssessment | None = None
    review: Review | None = None
    attributes: AttributeValues = field(factory=lambda: AttributeValues({}), converter=to_values)
    actions: tuple[ActionProgress, ...] = ()
    phases: tuple[PhaseStart, ...] = ()
    version: int = 0
    last_hash: str = GENESIS
    event_ids: str = ""


_STORED: tuple[str, ...] = tuple(
    a.name for a in attrs.fields(CrisisSnapshot) if a.name != "event_ids"
)
"""The fields a record and its stored form share, in the stored form's order."""
