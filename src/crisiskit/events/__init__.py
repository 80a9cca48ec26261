"""Domain events: the immutable, hash-chained record of everything that happened to a crisis.

Every successful command on a :class:`~crisiskit.crisis.Crisis` appends one event, named in
the past tense, followed — when the command has consequences — by events the ``system``
actor records (SLA timers started, re-targeted or stopped; a budget gone over). Events are
facts: a host persists their stored form (``stored(event)`` for each of
``crisis.pull_events()``), audits it (:func:`verify`), and rebuilds the crisis from it
(``Crisis.replay(records)``).

Each event carries the crisis id, a sequence number (1, 2, 3, … per crisis), the instant it
occurred, the actor, an optional reason, and — where something changed — the old and the
new value. It is sealed once, into a :class:`StoredEvent`: its hash covers those bytes as
stored (personal data excepted, which sits beside them behind salted commitments) and the
previous event's hash, so :func:`verify` finds the first event that was altered, inserted or
reordered — and, given the head the host keeps, events dropped from the end. ``event_id``
is derived from the hash: the same fact always has the same id, which is what makes
re-delivery idempotent. The Audit log page of the docs says how, and why.
"""

from crisiskit.events.base import GENESIS, Event, StateChanged
from crisiskit.events.chain import ChainCheck, ChainProblem, verify
from crisiskit.events.keys import KeyRing, SealingKey
from crisiskit.events.lifecycle import (
    CrisisClosed,
    CrisisDetected,
    CrisisDismissed,
    CrisisMerged,
    CrisisRelapsed,
    CrisisReopened,
    CrisisUnmerged,
    CustomersAdded,
    FactsUpdated,
    LevelChanged,
    MarkedDuplicate,
    MergedInto,
    MergeUndone,
    RecoveryStarted,
    ResponseStarted,
    SignalAttached,
    WarningIssued,
    WarningUpgraded,
)
from crisiskit.events.operations import (
    ActionCompleted,
    ActionStarted,
    AttributesSet,
    BudgetExceeded,
    CallbackRecorded,
    CompensationGranted,
    CrisisAcknowledged,
    CustomerCaseUpdated,
    ExpenseRecorded,
    ImpactAssessed,
    ImprovementUpdated,
    MeetingHeld,
    MilestoneReached,
    PersonalDataErased,
    ProgressReported,
    QualityRemedyRecorded,
    RecoveryPlanSet,
    ReviewRecorded,
    StatementReleased,
    TeamMemberAssigned,
    TeamMemberReleased,
)
from crisiskit.events.sealing import (
    ENCODING,
    ERASED,
    StoredEvent,
    Upcaster,
    erase,
    read,
    stored,
    upcaster,
)
from crisiskit.events.service import AssessmentRecorded, SlaAlertsRaised, SlaTimersChanged

__all__ = [
    "ENCODING",
    "ERASED",
    "GENESIS",
    "ActionCompleted",
    "ActionStarted",
    "AssessmentRecorded",
    "AttributesSet",
    "BudgetExceeded",
    "CallbackRecorded",
    "ChainCheck",
    "ChainProblem",
    "CompensationGranted",
    "CrisisAcknowledged",
    "CrisisClosed",
    "CrisisDetected",
    "CrisisDismissed",
    "CrisisMerged",
    "CrisisRelapsed",
    "CrisisReopened",
    "CrisisUnmerged",
    "CustomerCaseUpdated",
    "CustomersAdded",
    "Event",
    "ExpenseRecorded",
    "FactsUpdated",
    "ImpactAssessed",
    "ImprovementUpdated",
    "KeyRing",
    "LevelChanged",
    "MarkedDuplicate",
    "MeetingHeld",
    "MergeUndone",
    "MergedInto",
    "MilestoneReached",
    "PersonalDataErased",
    "ProgressReported",
    "QualityRemedyRecorded",
    "RecoveryPlanSet",
    "RecoveryStarted",
    "ResponseStarted",
    "ReviewRecorded",
    "SealingKey",
    "SignalAttached",
    "SlaAlertsRaised",
    "SlaTimersChanged",
    "StateChanged",
    "StatementReleased",
    "StoredEvent",
    "TeamMemberAssigned",
    "TeamMemberReleased",
    "Upcaster",
    "WarningIssued",
    "WarningUpgraded",
    "erase",
    "read",
    "stored",
    "upcaster",
    "verify",
]
