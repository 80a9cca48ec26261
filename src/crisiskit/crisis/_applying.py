"""How each event changes a crisis (private): one function per event type.

Each handler returns the attributes to set; :meth:`Crisis._apply` sets them, with the
version, the time, the hash and (for state changes) the new state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

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
    StateChanged,
    StatementReleased,
    TeamMemberAssigned,
    TeamMemberReleased,
    WarningIssued,
)
from crisiskit.operations.customer_cases import CustomerCase
from crisiskit.values.customers import merge_customers

if TYPE_CHECKING:
    from crisiskit.crisis.aggregate import Crisis

__all__ = ["HANDLERS"]

Changes = dict[str, Any]


def _signal_attached(crisis: Crisis, event: SignalAttached) -> Changes:
    return {
        "signals": (*crisis.signals, event.signal),
        "customers": merge_customers(crisis.customers, event.signal.customers),
    }


def _customers_added(crisis: Crisis, event: CustomersAdded) -> Changes:
    return {"customers": merge_customers(crisis.customers, event.customers)}


def _facts_updated(crisis: Crisis, event: FactsUpdated) -> Changes:
    return {"facts": event.new}


def _level_changed(crisis: Crisis, event: LevelChanged) -> Changes:
    if event.assessment is not None:
        return {"level": event.new_level, "assessment": event.assessment}
    return {"level": event.new_level}


def _assessed(crisis: Crisis, event: AssessmentRecorded) -> Changes:
    return {"assessment": event.assessment}


def _timers(crisis: Crisis, event: SlaTimersChanged | SlaAlertsRaised) -> Changes:
    return {"timers": event.timers}


def _moved(crisis: Crisis, event: StateChanged) -> Changes:
    return {}


def _closed(crisis: Crisis, event: CrisisClosed) -> Changes:
    return {"closed_at": event.occurred_at, "closed_as": "resolved", "summary": event.summary}


def _dismissed(crisis: Crisis, event: CrisisDismissed) -> Changes:
    return {"closed_at": event.occurred_at, "closed_as": "dismissed"}


def _reopened(crisis: Crisis, event: CrisisReopened) -> Changes:
    return {
        "closed_at": None,
        "closed_as": None,
        "summary": None,
        "duplicate_of": None,
        "reopen_count": event.reopen_count,
    }


def _marked_duplicate(crisis: Crisis, event: MarkedDuplicate) -> Changes:
    return {
        "closed_at": event.occurred_at,
        "closed_as": "duplicate",
        "duplicate_of": event.canonical_id,
    }


def _merged_into(crisis: Crisis, event: MergedInto) -> Changes:
    return {
        "closed_at": event.occurred_at,
        "closed_as": "merged",
        "duplicate_of": event.canonical_id,
        "merged_into": MergeRecord(
            event.canonical_id, event.signals, event.customers, event.from_state
        ),
        "signals": (),
        "customers": (),
    }


def _crisis_merged(crisis: Crisis, event: CrisisMerged) -> Changes:
    return {
        "signals": (*crisis.signals, *event.signals),
        "customers": merge_customers(crisis.customers, event.customers),
        "merges": (*crisis.merges, MergeRecord(event.source_id, event.signals, event.customers)),
    }


def _crisis_unmerged(crisis: Crisis, event: CrisisUnmerged) -> Changes:
    gone = set(event.signals)
    gone_customers = {c.customer_id for c in event.customers}
    return {
        "signals": tuple(s for s in crisis.signals if s not in gone),
        "customers": tuple(c for c in crisis.customers if c.customer_id not in gone_customers),
        "merges": tuple(m for m in crisis.merges if m.crisis_id != event.source_id),
    }


def _merge_undone(crisis: Crisis, event: MergeUndone) -> Changes:
    return {
        "closed_at": None,
        "closed_as": None,
        "duplicate_of": None,
        "merged_into": None,
        "signals": event.signals,
        "customers": event.customers,
    }


def _warned(crisis: Crisis, event: WarningIssued) -> Changes:
    return {"notice": event.notice} if event.notice is not None else {}


def _acknowledged(crisis: Crisis, event: CrisisAcknowledged) -> Changes:
    return {"acknowledged_at": event.occurred_at}


def _assigned(crisis: Crisis, event: TeamMemberAssigned) -> Changes:
    return {"team": (*crisis.team, event.assignment)}


def _released(crisis: Crisis, event: TeamMemberReleased) -> Changes:
    return {
        "team": tuple(
            a for a in crisis.team if not (a.role is event.role and a.person == event.person)
        )
    }


def _recorded_only(crisis: Crisis, event: Event) -> Changes:
    return {}


def _statement(crisis: Crisis, event: StatementReleased) -> Changes:
    return {"statements": (*crisis.statements, event.statement)}


def _case(crisis: Crisis, event: CustomerCaseUpdated) -> Changes:
    case = crisis.case(event.customer_id) or CustomerCase(event.customer_id, event.occurred_at)
    updated = case.with_step(event.step, event.occurred_at, event.note, event.due_at)
    others = tuple(c for c in crisis.cases if c.customer_id != event.customer_id)
    if crisis.case(event.customer_id) is None:
        return {"cases": (*others, updated)}
    return {
        "cases": tuple(updated if c.customer_id == event.customer_id else c for c in crisis.cases)
    }


def _remedy(crisis: Crisis, event: QualityRemedyRecorded) -> Changes:
    return {"quality_remedy": event.new}


def _compensation(crisis: Crisis, event: CompensationGranted) -> Changes:
    return {"compensations": (*crisis.compensations, event.compensation)}


def _expense(crisis: Crisis, event: ExpenseRecorded) -> Changes:
    return {"expenses": (*crisis.expenses, event.expense)}


def _callback(crisis: Crisis, event: CallbackRecorded) -> Changes:
    return {"callbacks": (*crisis.callbacks, event.callback)}


def _recovery_plan(crisis: Crisis, event: RecoveryPlanSet) -> Changes:
    return {"recovery_plan": event.new}


def _milestone(crisis: Crisis, event: MilestoneReached) -> Changes:
    plan = crisis.recovery_plan
    assert plan is not None
    milestones = tuple(
        attrs.evolve(m, done_at=event.occurred_at) if m.name == event.milestone else m
        for m in plan.milestones
    )
    return {"recovery_plan": attrs.evolve(plan, milestones=milestones)}


def _impact(crisis: Crisis, event: ImpactAssessed) -> Changes:
    return {"impact": event.assessment}


def _review(crisis: Crisis, event: ReviewRecorded) -> Changes:
    return {"review": event.review}


HANDLERS: dict[type[Event], Callable[[Crisis, Any], Changes]] = {
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
    ResponseStarted: _moved,
    RecoveryStarted: _moved,
    CrisisRelapsed: _moved,
    CrisisClosed: _closed,
    CrisisDismissed: _dismissed,
    CrisisReopened: _reopened,
    MarkedDuplicate: _marked_duplicate,
    MergedInto: _merged_into,
    CrisisMerged: _crisis_merged,
    CrisisUnmerged: _crisis_unmerged,
    MergeUndone: _merge_undone,
}
