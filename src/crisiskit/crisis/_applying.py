"""How each event changes a crisis (private): one function per event type.

Each handler changes the crisis's state record in place; :meth:`Crisis._apply` then sets
the version, the time, the hash and (for state changes) the new state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from crisiskit.crisis._record import Record
from crisiskit.crisis.merging import MergeRecord
from crisiskit.events import (
    AssessmentRecorded,
    BudgetExceeded,
    CallbackRecorded,
    CompensationGranted,
    CrisisAcknowledged,
    CrisisClosed,
    CrisisDismissed,
    CrisisMerged,
    CrisisRelapsed,
    CrisisReopened,
    CrisisUnmerged,
    CustomerCaseUpdated,
    CustomersAdded,
    Event,
    ExpenseRecorded,
    FactsUpdated,
    ImpactAssessed,
    LevelChanged,
    MarkedDuplicate,
    MeetingHeld,
    MergedInto,
    MergeUndone,
    MilestoneReached,
    ProgressReported,
    QualityRemedyRecorded,
    RecoveryPlanSet,
    RecoveryStarted,
    ResponseStarted,
    ReviewRecorded,
    SignalAttached,
    SlaAlertsRaised,
    SlaTimersChanged,
    StatementReleased,
    TeamMemberAssigned,
    TeamMemberReleased,
    WarningIssued,
)
from crisiskit.operations.customer_cases import CustomerCase
from crisiskit.values.vocabulary import ClosedAs

__all__ = ["HANDLERS"]


def _signal_attached(r: Record, event: SignalAttached) -> None:
    r.add_signals((event.signal,))


def _customers_added(r: Record, event: CustomersAdded) -> None:
    r.add_customers(event.customers)


def _facts_updated(r: Record, event: FactsUpdated) -> None:
    r.facts = event.new


def _level_changed(r: Record, event: LevelChanged) -> None:
    r.level = event.new_level
    if event.assessment is not None:
        r.assessment = event.assessment


def _assessed(r: Record, event: AssessmentRecorded) -> None:
    r.assessment = event.assessment


def _timers(r: Record, event: SlaTimersChanged | SlaAlertsRaised) -> None:
    r.timers = event.timers


def _recorded_only(r: Record, event: Event) -> None:
    """The event is kept in the log; it changes nothing else (a state change is applied for it)."""


def _closed(r: Record, event: CrisisClosed) -> None:
    r.closed_at, r.closed_as, r.summary = event.occurred_at, ClosedAs.RESOLVED, event.summary


def _dismissed(r: Record, event: CrisisDismissed) -> None:
    r.closed_at, r.closed_as = event.occurred_at, ClosedAs.DISMISSED


def _reopened(r: Record, event: CrisisReopened) -> None:
    r.closed_at = r.closed_as = r.summary = r.duplicate_of = None
    r.reopen_count = event.reopen_count


def _marked_duplicate(r: Record, event: MarkedDuplicate) -> None:
    r.closed_at, r.closed_as = event.occurred_at, ClosedAs.DUPLICATE
    r.duplicate_of = event.canonical_id


def _merged_into(r: Record, event: MergedInto) -> None:
    r.closed_at, r.closed_as = event.occurred_at, ClosedAs.MERGED
    r.duplicate_of = event.canonical_id
    r.merged_into = MergeRecord(
        event.canonical_id, event.signals, event.customers, event.from_state
    )
    r.set_signals((), ())


def _crisis_merged(r: Record, event: CrisisMerged) -> None:
    r.add_signals(event.signals)
    r.add_customers(event.customers)
    r.append("merges", MergeRecord(event.source_id, event.signals, event.customers))


def _crisis_unmerged(r: Record, event: CrisisUnmerged) -> None:
    gone = set(event.signals)
    gone_customers = {c.customer_id for c in event.customers}
    r.set_signals(
        tuple(s for s in r.signals if s not in gone),
        tuple(c for c in r.customers.values() if c.customer_id not in gone_customers),
    )
    r.merges = [m for m in r.merges if m.crisis_id != event.source_id]


def _merge_undone(r: Record, event: MergeUndone) -> None:
    r.closed_at = r.closed_as = r.duplicate_of = r.merged_into = None
    r.set_signals(event.signals, event.customers)


def _warned(r: Record, event: WarningIssued) -> None:
    if event.notice is not None:
        r.notice = event.notice


def _acknowledged(r: Record, event: CrisisAcknowledged) -> None:
    r.acknowledged_at = event.occurred_at


def _assigned(r: Record, event: TeamMemberAssigned) -> None:
    r.append("team", event.assignment)


def _released(r: Record, event: TeamMemberReleased) -> None:
    r.team = [a for a in r.team if not (a.role is event.role and a.person == event.person)]


def _statement(r: Record, event: StatementReleased) -> None:
    r.append("statements", event.statement)


def _case(r: Record, event: CustomerCaseUpdated) -> None:
    case = r.cases.get(event.customer_id) or CustomerCase(event.customer_id, event.occurred_at)
    r.cases[event.customer_id] = case.with_step(
        event.step, event.occurred_at, event.note, event.due_at
    )


def _remedy(r: Record, event: QualityRemedyRecorded) -> None:
    r.quality_remedy = event.new


def _compensation(r: Record, event: CompensationGranted) -> None:
    r.append("compensations", event.compensation)


def _expense(r: Record, event: ExpenseRecorded) -> None:
    r.append("expenses", event.expense)


def _callback(r: Record, event: CallbackRecorded) -> None:
    r.append("callbacks", event.callback)


def _recovery_plan(r: Record, event: RecoveryPlanSet) -> None:
    r.recovery_plan = event.new


def _milestone(r: Record, event: MilestoneReached) -> None:
    plan = r.recovery_plan
    assert plan is not None
    milestones = tuple(
        attrs.evolve(m, done_at=event.occurred_at) if m.name == event.milestone else m
        for m in plan.milestones
    )
    r.recovery_plan = attrs.evolve(plan, milestones=milestones)


def _impact(r: Record, event: ImpactAssessed) -> None:
    r.impact = event.assessment


def _review(r: Record, event: ReviewRecorded) -> None:
    r.review = event.review


HANDLERS: dict[type[Event], Callable[[Record, Any], None]] = {
    AssessmentRecorded: _assessed,
    SlaTimersChanged: _timers,
    SlaAlertsRaised: _timers,
    CrisisAcknowledged: _acknowledged,
    TeamMemberAssigned: _assigned,
    TeamMemberReleased: _released,
    ProgressReported: _recorded_only,
    MeetingHeld: _recorded_only,
    StatementReleased: _statement,
    CustomerCaseUpdated: _case,
    QualityRemedyRecorded: _remedy,
    CompensationGranted: _compensation,
    ExpenseRecorded: _expense,
    BudgetExceeded: _recorded_only,
    CallbackRecorded: _callback,
    RecoveryPlanSet: _recovery_plan,
    MilestoneReached: _milestone,
    ImpactAssessed: _impact,
    ReviewRecorded: _review,
    SignalAttached: _signal_attached,
    CustomersAdded: _customers_added,
    FactsUpdated: _facts_updated,
    LevelChanged: _level_changed,
    WarningIssued: _warned,
    ResponseStarted: _recorded_only,
    RecoveryStarted: _recorded_only,
    CrisisRelapsed: _recorded_only,
    CrisisClosed: _closed,
    CrisisDismissed: _dismissed,
    CrisisReopened: _reopened,
    MarkedDuplicate: _marked_duplicate,
    MergedInto: _merged_into,
    CrisisMerged: _crisis_merged,
    CrisisUnmerged: _crisis_unmerged,
    MergeUndone: _merge_undone,
}
