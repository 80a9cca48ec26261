"""The Crisis aggregate: one customer crisis, changed only by commands that record events.

Create a crisis with :meth:`Crisis.detect`; change it with its commands (``warn``,
``respond``, ``attach_signal``, ``regrade``, …). Every successful command appends one
:mod:`domain event <crisiskit.events>`, followed by the system's own events when it has
consequences (SLA timers started or stopped, a budget gone over); a refused command raises
and changes nothing — state, level, version and events are exactly as before. Collect new events with
:meth:`Crisis.pull_events`, persist them, and rebuild with :meth:`Crisis.replay`.

What a crisis needs from outside — the clock, lifecycle guards, the reopen policy — comes
in a :class:`Context`, shared by all the crises of a host application.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
import pendulum
from attrs import field, frozen
from statemachine.exceptions import TransitionNotAllowed

from crisiskit import _checks
from crisiskit._registry import serializable
from crisiskit.clock import Clock
from crisiskit.communications import Medium, Statement
from crisiskit.compensation import Compensation, CompensationKind
from crisiskit.customer_cases import CaseStep, CustomerCase, Promise
from crisiskit.customers import CustomerRef
from crisiskit.errors import (
    ConcurrencyError,
    CurrencyMismatchError,
    EventSequenceError,
    InvalidTransition,
    PolicyError,
    SerializationError,
    ValidationError,
)
from crisiskit.events import (
    GENESIS,
    AssessmentRecorded,
    BudgetExceeded,
    CallbackRecorded,
    CompensationGranted,
    CrisisAcknowledged,
    CrisisClosed,
    CrisisDetected,
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
    seal,
)
from crisiskit.expenses import Expense
from crisiskit.facts import Facts
from crisiskit.grading import Assessment, GradingInput, GradingPolicy
from crisiskit.levels import Level
from crisiskit.lifecycle import CrisisLifecycle, Guard, ReopenPolicy, check_guards, moves_from
from crisiskit.money import Money
from crisiskit.notices import WarningNotice
from crisiskit.plan import BudgetCategory, EmergencyPlan, LevelPlan, Phase
from crisiskit.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.remedies import QualityRemedy
from crisiskit.review import Review
from crisiskit.signals import Signal
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus, SlaTimer, SlaUpdate
from crisiskit.team import Assignment
from crisiskit.vocabulary import Audience, ChannelGroup, CrisisState, CrisisType, Role

__all__ = ["Context", "Crisis", "MergeRecord", "canonical_id"]

E = TypeVar("E", bound=Event)

#: Commands that do not move the lifecycle state; they apply in every open state.
OPEN_COMMANDS: tuple[str, ...] = (
    "attach_signal",
    "add_customers",
    "update_facts",
    "regrade",
    "grade",
    "pause_sla",
    "resume_sla",
    "acknowledge",
    "assign",
    "release",
    "report_progress",
    "hold_meeting",
    "release_statement",
    "handle_customer",
    "record_quality_remedy",
    "compensate",
    "record_expense",
    "record_callback",
    "set_recovery_plan",
    "reach_milestone",
    "assess_impact",
    "record_review",
    "mark_duplicate_of",
    "merge",
    "unmerge",
)


_PUBLIC_AUDIENCES = frozenset({Audience.CUSTOMERS, Audience.MEDIA})
_PRIVATE_METRICS = frozenset(m for m in SlaMetric if m is not SlaMetric.PUBLIC_STATEMENT)


def _metric_set(metrics: Iterable[SlaMetric] | None) -> frozenset[SlaMetric] | None:
    if metrics is None:
        return None
    found = frozenset(metrics)
    for metric in found:
        _checks.member("metrics", metric, SlaMetric)
    return found


def _is_clock(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Clock):
        raise ValidationError(
            f"Context.clock must have a now() method returning an aware datetime "
            f"(SystemClock, ManualClock); got {type(value).__name__}"
        )


def _is_plan(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, EmergencyPlan):
        raise ValidationError(
            f"Context.plan must be an EmergencyPlan or None; got {type(value).__name__}"
        )


def _is_sla(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, SlaPolicy):
        raise ValidationError(
            f"Context.sla must be an SlaPolicy or None; got {type(value).__name__}"
        )


def _is_key(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, bytes) or len(value) < 16):
        raise ValidationError("Context.hash_key must be None or at least 16 bytes")


@frozen
class Context:
    """What a crisis needs from outside: the clock, lifecycle guards, the reopen policy.

    One context is usually shared by all the crises of an application. It is immutable;
    :meth:`with_guards` returns a copy with more guards.

    Args:
        clock: where "now" comes from (``SystemClock()`` in production, a ``ManualClock``
            in tests and simulations).
        guards: extra conditions on lifecycle moves (see :class:`~crisiskit.lifecycle.Guard`).
        reopen: how long after closing, and how often, a crisis may be reopened.
        plan: the emergency plan, if the host uses one: it supplies the warning notice, the
            roles required before the response starts, the audiences statements may go to
            and their approvers, and the budgets spending is tracked against.
        sla: the SLA policy, if the host times its crises: grading starts the timers of the
            level, level changes re-target them, lifecycle moves stop or restart them, and
            acknowledgements, first contacts and public statements fulfil them.
        hash_key: if given, event hashes are HMAC-SHA-256 with this key, so a log cannot be
            rewritten consistently without it; :func:`~crisiskit.events.verify` needs the same key.
    """

    clock: Clock = field(validator=_is_clock)
    guards: tuple[Guard, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Guard, "Guard")
    )
    reopen: ReopenPolicy = field(factory=ReopenPolicy)
    plan: EmergencyPlan | None = field(default=None, validator=_is_plan)
    sla: SlaPolicy | None = field(default=None, validator=_is_sla)
    hash_key: bytes | None = field(default=None, repr=False, validator=_is_key)
    _local: threading.local = field(factory=threading.local, init=False, eq=False, repr=False)

    def with_guards(self, *guards: Guard) -> Context:
        """A copy of this context with ``guards`` added."""
        return attrs.evolve(self, guards=(*self.guards, *guards))

    def _machine(self) -> CrisisLifecycle:
        # A machine costs ~150 µs and ~10 KB to build, so crises do not carry one: each
        # thread keeps one per context and loads a crisis's state into it per command.
        machine: CrisisLifecycle | None = getattr(self._local, "machine", None)
        if machine is None:
            machine = CrisisLifecycle()
            self._local.machine = machine
        return machine


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


def canonical_id(crisis_id: str, duplicate_of: Callable[[str], str | None]) -> str:
    """Follow "duplicate of" links from ``crisis_id`` to the canonical crisis.

    ``duplicate_of(id)`` returns the id a crisis is a duplicate of, or None. A cycle raises
    :class:`~crisiskit.errors.ValidationError` naming the crises in it.
    """
    seen = [crisis_id]
    current = crisis_id
    while (target := duplicate_of(current)) is not None:
        if target in seen:
            raise ValidationError(f"duplicate links form a cycle: {' -> '.join([*seen, target])}")
        seen.append(target)
        current = target
    return current


def _unique_customers(
    existing: Iterable[CustomerRef], extra: Iterable[CustomerRef]
) -> tuple[CustomerRef, ...]:
    """``existing`` followed by the customers of ``extra`` whose ids are new (first one wins)."""
    result = list(existing)
    ids = {c.customer_id for c in result}
    for customer in extra:
        if customer.customer_id not in ids:
            ids.add(customer.customer_id)
            result.append(customer)
    return tuple(result)


def _signal_customers(signals: Iterable[Signal]) -> Iterable[CustomerRef]:
    for signal in signals:
        yield from signal.customers


@serializable()
@frozen(unsafe_hash=False, repr=False)
class Crisis:
    """A customer crisis (客户危机): the aggregate every command goes through.

    The attributes are read-only; change a crisis only through its commands. Create one
    with :meth:`detect`, rebuild one with :meth:`replay`.
    """

    id: str
    """The crisis's id, chosen by the host (e.g. its ticket number)."""
    crisis_type: CrisisType
    """What kind of crisis it is."""
    title: str
    """A short title."""
    state: CrisisState
    """Where it is in the lifecycle."""
    level: Level | None
    """Its level, I–IV; None until graded."""
    facts: Facts
    """What is known about what happened (D17)."""
    signals: tuple[Signal, ...]
    """Every signal attached, in order."""
    customers: tuple[CustomerRef, ...]
    """The affected customers: those named by signals and those added, each once."""
    detected_at: pendulum.DateTime
    """When it was detected (its first event)."""
    updated_at: pendulum.DateTime
    """When its last event occurred."""
    closed_at: pendulum.DateTime | None = None
    """When it was last closed; None while open."""
    closed_as: str | None = None
    """How it was closed: ``"resolved"``, ``"dismissed"``, ``"duplicate"`` or ``"merged"``."""
    summary: str | None = None
    """The closing summary, once closed after recovery."""
    reopen_count: int = 0
    """How many times it has been reopened."""
    duplicate_of: str | None = None
    """The canonical crisis this one duplicates, if any."""
    merged_into: MergeRecord | None = None
    """What moved out when this crisis was merged into another, so it can be undone."""
    merges: tuple[MergeRecord, ...] = ()
    """The crises merged into this one, with what each brought."""
    assessment: Assessment | None = None
    """The latest assessment by a grading policy, with its explanation."""
    timers: tuple[SlaTimer, ...] = ()
    """The SLA timers, when the context has an SLA policy (D2)."""
    acknowledged_at: pendulum.DateTime | None = None
    """When the crisis office took it on (受理)."""
    notice: WarningNotice | None = None
    """The warning notice issued with the last warning."""
    team: tuple[Assignment, ...] = ()
    """Who fills which role (D16)."""
    statements: tuple[Statement, ...] = ()
    """Every statement released, oldest first; the last per audience is current (D19)."""
    cases: tuple[CustomerCase, ...] = ()
    """Each affected customer's case, once someone has acted on it (D20)."""
    quality_remedy: QualityRemedy | None = None
    """The quality remedy, for a product-quality problem (D21)."""
    compensations: tuple[Compensation, ...] = ()
    """Everything given to customers, at its cost (D24)."""
    expenses: tuple[Expense, ...] = ()
    """Other spending: PR, emergency supplies (D28)."""
    callbacks: tuple[Callback, ...] = ()
    """Callbacks to affected customers, with satisfaction scores (D23)."""
    recovery_plan: RecoveryPlan | None = None
    """Goals, measures and milestones of the recovery (D25)."""
    impact: ImpactAssessment | None = None
    """The business impact, before and after (D26)."""
    review: Review | None = None
    """The review: root cause, lessons, improvements (D27). Required to close."""
    version: int = 0
    """How many events it has: the sequence number of its last event."""
    last_hash: str = GENESIS
    """The hash of its last event; the next event links to it."""
    _context: Context | None = field(default=None, eq=False, alias="context")
    _pending: list[Event] = field(factory=list, eq=False, alias="pending")
    _event_ids: bytearray = field(factory=bytearray, eq=False, alias="event_ids")

    # --- creation and replay -------------------------------------------------------------

    @classmethod
    def detect(
        cls,
        context: Context,
        *,
        crisis_id: str,
        crisis_type: CrisisType,
        title: str,
        actor: str,
        signals: Iterable[Signal] = (),
        facts: Facts | None = None,
        reason: str | None = None,
    ) -> Crisis:
        """Open a new crisis in state ``detected`` (its first event: :class:`~crisiskit.events.CrisisDetected`).

        Args:
            context: the clock, guards and policies to use.
            crisis_id: the host's id for the crisis.
            crisis_type: what kind of crisis it is.
            title: a short title.
            actor: who detected it.
            signals: the signals that revealed it; their customers become affected customers.
            facts: what is known so far.
            reason: why it is considered a crisis, if worth saying.
        """
        if not isinstance(context, Context):
            raise ValidationError(f"detect() needs a Context; got {type(context).__name__}")
        _checks.text("crisis_id", crisis_id, max_length=200)
        _checks.text("actor", actor, max_length=200)
        event = CrisisDetected(
            crisis_id=crisis_id,
            sequence=1,
            occurred_at=context.clock.now(),
            actor=actor,
            reason=reason,
            crisis_type=crisis_type,
            title=title,
            signals=tuple(signals),
            facts=Facts() if facts is None else facts,
        )
        if not isinstance(event.facts, Facts):
            raise ValidationError(f"facts must be Facts; got {type(event.facts).__name__}")
        seal(event, context.hash_key)
        crisis = cls._from_detected(event, context)
        crisis._pending.append(event)
        return crisis

    @classmethod
    def _from_detected(cls, event: CrisisDetected, context: Context | None) -> Crisis:
        return cls(
            id=event.crisis_id,
            crisis_type=event.crisis_type,
            title=event.title,
            state=CrisisState.DETECTED,
            level=None,
            facts=event.facts,
            signals=event.signals,
            customers=_unique_customers((), _signal_customers(event.signals)),
            detected_at=event.occurred_at,
            updated_at=event.occurred_at,
            version=1,
            last_hash=event.hash,
            context=context,
            event_ids=bytearray(bytes.fromhex(event.hash[:32])),
        )

    @classmethod
    def replay(
        cls,
        events: Iterable[Event],
        context: Context | None = None,
        *,
        until: pendulum.DateTime | None = None,
    ) -> Crisis:
        """Rebuild a crisis from its events, as it was after the last one (or at ``until``).

        Events are applied directly — they are facts validated when they happened — so
        replay costs a few microseconds per event, not a state-machine transition. A
        re-delivered event (same id, same sequence) is skipped; a gap, a reordering, or an
        event of another crisis raises :class:`~crisiskit.errors.EventSequenceError`.

        Args:
            events: the crisis's events, in order, starting with its ``CrisisDetected``.
            context: the context for commands issued after the replay; without one the
                crisis can be read but not changed.
            until: stop after the last event that occurred at or before this instant:
                "what did we know at ``until``?".
        """
        limit = None if until is None else _checks.instant("replay(until=)", until)
        iterator = iter(events)
        first = next(iterator, None)
        if first is None:
            raise EventSequenceError("replay() needs at least the crisis's CrisisDetected event")
        if not isinstance(first, CrisisDetected) or first.sequence != 1:
            raise EventSequenceError(
                f"a crisis's history starts with CrisisDetected at sequence 1; got "
                f"{first.name} at sequence {first.sequence}"
            )
        if limit is not None and first.occurred_at > limit:
            raise EventSequenceError(
                f"crisis {first.crisis_id!r} was detected at {first.occurred_at.isoformat()}, "
                f"after {limit.isoformat()}: it did not exist yet"
            )
        crisis = cls._from_detected(first, context)
        crisis.apply(iterator, until=limit)
        return crisis

    def apply(self, events: Iterable[Event], *, until: pendulum.DateTime | None = None) -> int:
        """Apply stored events to this crisis (catching up a copy); return how many were new.

        An event already applied (same sequence and id) is a no-op. A different event at a
        sequence already applied raises :class:`~crisiskit.errors.ConcurrencyError`; a gap,
        an event of another crisis or an unknown event type raises
        :class:`~crisiskit.errors.EventSequenceError`. Events after ``until`` are ignored.
        """
        applied = 0
        for event in events:
            if until is not None and event.occurred_at > until:
                break
            if not isinstance(event, Event):
                raise EventSequenceError(f"apply() takes events; got {type(event).__name__}")
            if event.crisis_id != self.id:
                raise EventSequenceError(
                    f"event {event.sequence} ({event.name}) belongs to crisis "
                    f"{event.crisis_id!r}, not {self.id!r}"
                )
            if event.sequence <= self.version:
                self._check_known(event)
                continue
            if event.sequence != self.version + 1:
                raise EventSequenceError(
                    f"crisis {self.id!r} is at version {self.version}: the next event must have "
                    f"sequence {self.version + 1}, got {event.sequence} ({event.name}); "
                    "events are missing or out of order"
                )
            if event.prev_hash != self.last_hash:
                raise EventSequenceError(
                    f"event {event.sequence} ({event.name}) does not link to event "
                    f"{self.version}: its prev_hash differs from that event's hash"
                )
            self._apply(event)
            applied += 1
        return applied

    def _check_known(self, event: Event) -> None:
        offset = (event.sequence - 1) * 16
        known = bytes(self._event_ids[offset : offset + 16])
        try:
            given = uuid.UUID(event.event_id).bytes
        except ValueError:
            given = b""
        if given != known:
            raise ConcurrencyError(
                f"crisis {self.id!r} already has a different event at sequence "
                f"{event.sequence}; {event.name} {event.event_id} conflicts with it"
            )

    # --- snapshots -----------------------------------------------------------------------

    def __crisiskit_unstructure__(self, converter: cattrs.Converter) -> dict[str, Any]:
        # A snapshot: the public state plus the ids of the events applied, so that a crisis
        # loaded from it still recognises re-delivered events. No context, no pending events.
        data = {
            f.name: converter.unstructure(
                getattr(self, f.name), _snapshot_type().__annotations__[f.name]
            )
            for f in _public_fields()
        }
        data["event_ids"] = self._event_ids.hex()
        return data

    @classmethod
    def __crisiskit_structure__(cls, data: dict[str, Any], converter: cattrs.Converter) -> Crisis:
        snapshot = converter.structure(data, _snapshot_type())
        ids = snapshot.event_ids
        if (
            not isinstance(ids, str)
            or len(ids) != 32 * snapshot.version
            or snapshot.version < 1
            or any(ch not in "0123456789abcdef" for ch in ids)
        ):
            raise SerializationError(
                "$.event_ids must hold 32 lower-case hex digits per event, one per version; "
                f"got {len(ids) if isinstance(ids, str) else ids!r} characters for version {snapshot.version}"
            )
        fields = {f.name: getattr(snapshot, f.name) for f in _public_fields()}
        return cls(**fields, event_ids=bytearray.fromhex(ids))

    # --- reading -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True until the crisis is closed."""
        return self.state.is_open

    @property
    def context(self) -> Context | None:
        """The context commands use; None for a crisis replayed without one."""
        return self._context

    @property
    def pending_events(self) -> tuple[Event, ...]:
        """Events recorded since the last :meth:`pull_events`, oldest first."""
        return tuple(self._pending)

    def pull_events(self) -> list[Event]:
        """Hand over the events recorded since the last call, oldest first, and forget them.

        Persist them (in order, with the crisis's version for optimistic concurrency) and
        they can rebuild the crisis with :meth:`replay`.
        """
        events, self._pending[:] = list(self._pending), []
        return events

    def attach(self, context: Context) -> Crisis:
        """Give a replayed crisis the context its commands need; returns the crisis."""
        if not isinstance(context, Context):
            raise ValidationError(f"attach() needs a Context; got {type(context).__name__}")
        object.__setattr__(self, "_context", context)
        return self

    def allowed_commands(self) -> tuple[str, ...]:
        """The commands the crisis's state allows now (guards and policies may still refuse)."""
        return moves_from(self.state) + (OPEN_COMMANDS if self.is_open else ())

    def __repr__(self) -> str:
        level = self.level.value if self.level else "ungraded"
        return f"<Crisis {self.id!r} {self.crisis_type.value} {self.state.value} level={level} v{self.version}>"

    # --- lifecycle commands --------------------------------------------------------------

    def warn(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> WarningIssued:
        """Issue a warning (预警): detected → warned, with a warning notice (D15).

        The notice states the level, the crisis type, the affected scope and — from the
        context's emergency plan — the measures of the warning phase and the recipients by
        role. With a plan, the crisis must be graded first.
        """
        notice = None
        if self.state is CrisisState.DETECTED:
            notice = self._warning_notice(self._require_context())
        return self._move("warn", WarningIssued, actor, reason, expected_version, notice=notice)

    def _warning_notice(self, context: Context) -> WarningNotice | None:
        level_plan = self._level_plan(context, "warn")
        if self.level is None:
            return None
        if level_plan is None:
            return WarningNotice(self.level, self.crisis_type, self.facts.scope)
        recipients = list(dict.fromkeys(r.role for r in level_plan.required_roles))
        if level_plan.escalation is not None:
            recipients += [r for r in level_plan.escalation.inform if r not in recipients]
        return WarningNotice(
            self.level,
            self.crisis_type,
            self.facts.scope,
            measures=tuple(a.label("en") for a in level_plan.actions_in(Phase.WARNING)),
            measures_zh=tuple(a.label("zh") for a in level_plan.actions_in(Phase.WARNING)),
            plan=f"{context.plan.plan_id}@{context.plan.version}" if context.plan else None,
            recipients=tuple(recipients),
        )

    def _level_plan(self, context: Context, command: str) -> LevelPlan | None:
        """What the plan asks at this crisis's type and level; None without a plan."""
        if context.plan is None:
            return None
        if self.level is None:
            raise self._guard_refusal(
                command,
                "graded",
                "the emergency plan depends on the level: grade or regrade the crisis first",
            )
        return context.plan.for_crisis(self.crisis_type, self.level)

    def respond(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> ResponseStarted:
        """Start the response (启动应急响应): warned → responding, or detected → responding for a sudden crisis."""
        return self._move("respond", ResponseStarted, actor, reason, expected_version)

    def recover(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> RecoveryStarted:
        """Move into recovery (恢复): responding → recovering."""
        return self._move("recover", RecoveryStarted, actor, reason, expected_version)

    def close(
        self,
        summary: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CrisisClosed:
        """Close the crisis after recovery: recovering → closed, with a summary. A review must be recorded first."""
        if self.state is CrisisState.RECOVERING and self.review is None:
            raise self._guard_refusal(
                "close",
                "review recorded",
                "record the review (root cause, lessons) with record_review() first",
            )
        return self._move(
            "close",
            CrisisClosed,
            actor,
            reason,
            expected_version,
            summary=_checks.text("close(summary)", summary),
        )

    def dismiss(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisDismissed:
        """Dismiss a false alarm (误报): detected or warned → closed. A reason is required."""
        return self._move(
            "dismiss",
            CrisisDismissed,
            actor,
            _checks.text("dismiss(reason)", reason),
            expected_version,
        )

    def relapse(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisRelapsed:
        """The crisis flared up again: recovering → responding. A reason is required."""
        return self._move(
            "relapse",
            CrisisRelapsed,
            actor,
            _checks.text("relapse(reason)", reason),
            expected_version,
        )

    def reopen(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisReopened:
        """Reopen a closed crisis: closed → responding, within the context's :class:`ReopenPolicy`."""
        _checks.text("reopen(reason)", reason)
        return self._move(
            "reopen",
            CrisisReopened,
            actor,
            reason,
            expected_version,
            reopen_count=self.reopen_count + 1,
        )

    # --- commands that keep the state ----------------------------------------------------

    def attach_signal(
        self,
        signal: Signal,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> SignalAttached:
        """Attach another signal; its customers become affected customers."""
        self._precheck("attach_signal", actor, expected_version)
        if not isinstance(signal, Signal):
            raise ValidationError(f"attach_signal() takes a Signal; got {type(signal).__name__}")
        if signal in self.signals:
            raise ValidationError(
                f"crisis {self.id!r} already has this signal: {signal.description!r}"
            )
        return self._record(SignalAttached, actor, reason, signal=signal)

    def add_customers(
        self,
        customers: Iterable[CustomerRef],
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CustomersAdded:
        """Record more affected customers; those already recorded (by id) are left out."""
        self._precheck("add_customers", actor, expected_version)
        given = _checks.to_tuple(customers)
        for i, customer in enumerate(given):
            if not isinstance(customer, CustomerRef):
                raise ValidationError(
                    f"add_customers()[{i}] must be a CustomerRef; got {type(customer).__name__}"
                )
        new = _unique_customers((), given)
        known = {c.customer_id for c in self.customers}
        new = tuple(c for c in new if c.customer_id not in known)
        if not new:
            raise ValidationError(
                f"no new customers: every one given is already recorded on crisis {self.id!r}"
            )
        return self._record(CustomersAdded, actor, reason, customers=new)

    def update_facts(
        self,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        **changes: object,
    ) -> FactsUpdated:
        """Fill in or correct facts (time, place, cause, course, scope, customers_affected)."""
        self._precheck("update_facts", actor, expected_version)
        new = self.facts.updated(**changes)
        if new == self.facts:
            raise ValidationError(
                f"update_facts() changes nothing: the facts of crisis {self.id!r} already read so"
            )
        return self._record(FactsUpdated, actor, reason, old=self.facts, new=new)

    def regrade(
        self, level: Level, *, actor: str, reason: str, expected_version: int | None = None
    ) -> LevelChanged:
        """Set the level by hand (D9): any open state, a reason required. The state does not change."""
        self._precheck("regrade", actor, expected_version)
        _checks.member("regrade(level)", level, Level)
        _checks.text("regrade(reason)", reason)
        if level is self.level:
            raise ValidationError(f"crisis {self.id!r} is already level {level.value}")
        return self._record(LevelChanged, actor, reason, old_level=self.level, new_level=level)

    def grade(
        self,
        policy: GradingPolicy,
        *,
        factors: Mapping[str, float] | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> LevelChanged | AssessmentRecorded:
        """Grade the crisis with ``policy`` (D13): the level follows the assessment.

        The policy reads the crisis's type, signals, customers and facts, the analyst's
        ``factors`` and the current level (for hysteresis). When the level changes this
        records :class:`~crisiskit.events.LevelChanged` carrying the assessment, its reason
        the assessment's own; otherwise :class:`~crisiskit.events.AssessmentRecorded`.
        """
        self._precheck("grade", actor, expected_version)
        if not isinstance(policy, GradingPolicy):
            raise ValidationError(f"grade() takes a GradingPolicy; got {type(policy).__name__}")
        inputs = GradingInput(
            crisis_type=self.crisis_type,
            signals=self.signals,
            customers=self.customers,
            facts=self.facts,
            factors=factors or {},
            previous_level=self.level,
        )
        assessment = policy.assess(inputs, at=self._now(self._require_context()))
        if assessment.changes(self.level):
            return self._record(
                LevelChanged,
                actor,
                reason or assessment.reason("en"),
                old_level=self.level,
                new_level=assessment.level,
                assessment=assessment,
            )
        return self._record(AssessmentRecorded, actor, reason, assessment=assessment)

    # --- SLA timers ----------------------------------------------------------------------

    def pause_sla(
        self,
        reason: str,
        *,
        metrics: Iterable[SlaMetric] | None = None,
        actor: str,
        expected_version: int | None = None,
    ) -> SlaTimersChanged:
        """Pause the running SLA timers (of ``metrics``, or all), e.g. while waiting on the customer.

        Pausing timers that are already paused changes nothing and raises
        :class:`~crisiskit.errors.ValidationError` — host webhooks that repeat are safe to
        ignore that error.
        """
        self._precheck("pause_sla", actor, expected_version)
        _checks.text("pause_sla(reason)", reason, max_length=500)
        policy = self._require_sla()
        update = policy.pause(
            self.timers, self._now(self._require_context()), reason, metrics=_metric_set(metrics)
        )
        return self._record_sla(update, actor, reason, "pause")

    def resume_sla(
        self,
        *,
        metrics: Iterable[SlaMetric] | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> SlaTimersChanged:
        """Resume paused SLA timers (of ``metrics``, or all); a repeat changes nothing."""
        self._precheck("resume_sla", actor, expected_version)
        policy = self._require_sla()
        update = policy.resume(
            self.timers, self._now(self._require_context()), metrics=_metric_set(metrics)
        )
        return self._record_sla(update, actor, reason, "resume")

    def check_sla(self, *, actor: str = "system") -> SlaAlertsRaised | None:
        """Sweep this crisis's timers now: record the milestones and breaches due, each once.

        Returns the event, or None when nothing was due. Hosts sweeping many crises call
        this for those whose :attr:`sla_next_due` has passed.
        """
        context = self._require_context()
        policy = self._require_sla()
        if not self.timers:
            return None
        found = policy.sweep(self.timers, self._now(context))
        if not found.alerts:
            return None
        return self._record(SlaAlertsRaised, actor, None, alerts=found.alerts, timers=found.timers)

    @property
    def sla_next_due(self) -> pendulum.DateTime | None:
        """The next instant a timer has a milestone or a breach due (None when nothing is)."""
        dues = [t.next_due for t in self.timers if t.next_due is not None]
        return min(dues) if dues else None

    def sla_status(
        self, at: pendulum.DateTime
    ) -> tuple[tuple[SlaMetric, SlaStatus, pendulum.DateTime | None], ...]:
        """(metric, status, deadline) of each timer at ``at``, for dashboards and timelines."""
        policy = self._require_sla()
        moment = _checks.instant("sla_status(at)", at)
        return tuple((t.metric, t.status(moment, policy), t.deadline) for t in self.timers)

    def _require_sla(self) -> SlaPolicy:
        policy = self._require_context().sla
        if policy is None:
            raise ValidationError(
                f"crisis {self.id!r} has no SLA policy: give its Context one (sla=...)"
            )
        return policy

    def _record_sla(
        self, update: SlaUpdate, actor: str, reason: str | None, what: str
    ) -> SlaTimersChanged:
        if not update.changes:
            raise ValidationError(
                f"nothing to {what}: no SLA timer of crisis {self.id!r} is in a state to {what}"
            )
        return self._record(
            SlaTimersChanged,
            actor,
            reason,
            changes=update.changes,
            alerts=update.alerts,
            timers=update.timers,
        )

    # --- response and recovery work (D15–D27) -------------------------------------------

    def acknowledge(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> CrisisAcknowledged:
        """The crisis office takes the crisis on (受理). Once per crisis."""
        self._precheck("acknowledge", actor, expected_version)
        if self.acknowledged_at is not None:
            raise ValidationError(
                f"crisis {self.id!r} was acknowledged at {self.acknowledged_at.isoformat()} already"
            )
        return self._record(CrisisAcknowledged, actor, reason)

    def assign(
        self,
        role: Role,
        person: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TeamMemberAssigned:
        """Put ``person`` on the crisis team in ``role``."""
        self._precheck("assign", actor, expected_version)
        _checks.member("assign(role)", role, Role)
        _checks.text("assign(person)", person, max_length=200)
        if any(a.role is role and a.person == person for a in self.team):
            raise ValidationError(
                f"{person!r} is already assigned as {role.value} on crisis {self.id!r}"
            )
        assignment = Assignment(role, person, self._now(self._require_context()))
        return self._record(TeamMemberAssigned, actor, reason, assignment=assignment)

    def release(
        self,
        role: Role,
        person: str,
        *,
        actor: str,
        reason: str,
        expected_version: int | None = None,
    ) -> TeamMemberReleased:
        """Take ``person`` off the crisis team in ``role``. A reason is required."""
        self._precheck("release", actor, expected_version)
        _checks.text("release(reason)", reason)
        if not any(a.role is role and a.person == person for a in self.team):
            raise ValidationError(
                f"{person!r} is not assigned as {getattr(role, 'value', role)} on crisis {self.id!r}"
            )
        return self._record(TeamMemberReleased, actor, reason, role=role, person=person)

    def members(self, role: Role) -> tuple[str, ...]:
        """Who fills ``role`` now."""
        return tuple(a.person for a in self.team if a.role is role)

    def report_progress(
        self, summary: str, *, actor: str, expected_version: int | None = None
    ) -> ProgressReported:
        """Circulate an internal progress report (D18)."""
        self._precheck("report_progress", actor, expected_version)
        return self._record(ProgressReported, actor, None, summary=_checks.text("summary", summary))

    def hold_meeting(
        self,
        topic: str,
        *,
        attendees: Iterable[str] = (),
        decisions: Iterable[str] = (),
        actor: str,
        expected_version: int | None = None,
    ) -> MeetingHeld:
        """Record a coordination meeting and its decisions (D18)."""
        self._precheck("hold_meeting", actor, expected_version)
        return self._record(
            MeetingHeld,
            actor,
            None,
            topic=_checks.text("topic", topic),
            attendees=tuple(attendees),
            decisions=tuple(decisions),
        )

    def release_statement(
        self,
        audience: Audience,
        wording: str,
        *,
        medium: Medium,
        approved_by: str,
        approver_role: Role | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> StatementReleased:
        """Release the agreed wording (统一口径) to an audience; it supersedes the previous one (D19).

        ``approved_by`` must be on the crisis team in ``approver_role``. With an emergency
        plan, the audience must be one the plan communicates with at this type and level,
        and the approving role is the plan's (``approver_role`` may be left out).
        """
        self._precheck("release_statement", actor, expected_version)
        _checks.member("release_statement(audience)", audience, Audience)
        level_plan = self._level_plan(self._require_context(), "release_statement")
        if level_plan is not None:
            rule = level_plan.rule_for(audience)
            if rule is None:
                allowed = ", ".join(sorted(a.value for a in level_plan.audiences))
                raise PolicyError(
                    f"the emergency plan has no communication with {audience.value} for "
                    f"{self.crisis_type.value} at level {self.level}; it allows: {allowed}"
                )
            if approver_role is not None and approver_role is not rule.approver:
                raise PolicyError(
                    f"the plan has statements to {audience.value} approved by {rule.approver.value}, "
                    f"not {approver_role.value}"
                )
            approver_role = rule.approver
        if approver_role is None:
            raise ValidationError(
                "release_statement() needs approver_role when the context has no plan"
            )
        _checks.member("release_statement(approver_role)", approver_role, Role)
        if approved_by not in self.members(approver_role):
            on_role = ", ".join(self.members(approver_role)) or "nobody"
            raise ValidationError(
                f"{approved_by!r} cannot approve: not assigned as {approver_role.value} on crisis "
                f"{self.id!r} (assigned: {on_role})"
            )
        version = 1 + sum(1 for s in self.statements if s.audience is audience)
        statement = Statement(
            audience,
            medium,
            wording,
            approved_by,
            approver_role,
            version,
            self._now(self._require_context()),
        )
        return self._record(StatementReleased, actor, reason, statement=statement)

    def current_statement(self, audience: Audience) -> Statement | None:
        """The statement in force for ``audience``: the latest one released to it."""
        for statement in reversed(self.statements):
            if statement.audience is audience:
                return statement
        return None

    def handle_customer(
        self,
        customer_id: str,
        step: CaseStep,
        *,
        note: str | None = None,
        due: pendulum.DateTime | None = None,
        actor: str,
        expected_version: int | None = None,
    ) -> CustomerCaseUpdated:
        """Record a step in handling one affected customer (D20).

        ``note`` holds the demand (``DEMAND_RECORDED``), the promise (``PROMISED``, with
        ``due``), the solution (``SOLUTION_AGREED``) or the update sent.
        """
        self._precheck("handle_customer", actor, expected_version)
        _checks.member("handle_customer(step)", step, CaseStep)
        if customer_id not in {c.customer_id for c in self.customers}:
            raise ValidationError(
                f"customer {customer_id!r} is not affected by crisis {self.id!r}; add them with "
                "add_customers() first"
            )
        case = self.case(customer_id)
        now = self._now(self._require_context())
        if case is not None and case.is_resolved:
            raise ValidationError(f"the case of customer {customer_id!r} is resolved already")
        if step is CaseStep.RECEIVED and case is not None:
            raise ValidationError(f"the case of customer {customer_id!r} was received already")
        if step in _NEEDS_NOTE and note is None:
            raise ValidationError(f"handle_customer(step={step.value!r}) needs a note saying what")
        due_at = None
        if step is CaseStep.PROMISED:
            if due is None:
                raise ValidationError("a promise needs a due time: handle_customer(..., due=...)")
            due_at = _checks.instant("handle_customer(due)", due)
            if due_at <= now:
                raise ValidationError(
                    f"a promise must be due in the future; got {due_at.isoformat()}"
                )
        if step is CaseStep.PROMISE_KEPT and not any(
            p.kept_at is None for p in (case.promises if case else ())
        ):
            raise ValidationError(f"customer {customer_id!r} has no open promise to keep")
        return self._record(
            CustomerCaseUpdated,
            actor,
            None,
            customer_id=customer_id,
            step=step,
            note=note,
            due_at=due_at,
        )

    def case(self, customer_id: str) -> CustomerCase | None:
        """The case of ``customer_id``, once someone has acted on it."""
        return next((c for c in self.cases if c.customer_id == customer_id), None)

    def overdue_promises(self, at: pendulum.DateTime) -> tuple[tuple[str, Promise], ...]:
        """(customer id, promise) for every open promise past its due time at ``at``."""
        return tuple((c.customer_id, p) for c in self.cases for p in c.overdue_promises(at))

    def record_quality_remedy(
        self,
        remedy: QualityRemedy,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> QualityRemedyRecorded:
        """Record (or revise) the quality remedy: root cause, responsible party, remedy, process fix (D21)."""
        self._precheck("record_quality_remedy", actor, expected_version)
        if not isinstance(remedy, QualityRemedy):
            raise ValidationError(
                f"record_quality_remedy() takes a QualityRemedy; got {type(remedy).__name__}"
            )
        return self._record(
            QualityRemedyRecorded, actor, reason, old=self.quality_remedy, new=remedy
        )

    def compensate(
        self,
        kind: CompensationKind,
        amount: Money,
        *,
        customer_id: str | None = None,
        note: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CompensationGranted:
        """Grant compensation or a value-added remedy (D24), in the currency of the others.

        With an emergency plan in the context, the amount must be in the plan's currency
        and spending is tracked against its compensation budget: the grant that takes the
        total over the budget also records a :class:`~crisiskit.events.BudgetExceeded`
        warning, by the system.
        """
        self._precheck("compensate", actor, expected_version)
        if customer_id is not None and customer_id not in {c.customer_id for c in self.customers}:
            raise ValidationError(f"customer {customer_id!r} is not affected by crisis {self.id!r}")
        context = self._require_context()
        compensation = Compensation(customer_id, kind, amount, self._now(context), note)
        self._check_currency(compensation.amount, context)
        return self._record(CompensationGranted, actor, reason, compensation=compensation)

    def record_expense(
        self,
        category: BudgetCategory,
        amount: Money,
        *,
        note: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ExpenseRecorded:
        """Record spending in a budget category — PR, emergency supplies — (D28).

        With an emergency plan, the amount must be in the plan's currency, and the record
        that takes the category over its budget also records a
        :class:`~crisiskit.events.BudgetExceeded` warning, by the system.
        """
        self._precheck("record_expense", actor, expected_version)
        context = self._require_context()
        expense = Expense(category, amount, self._now(context), note)
        self._check_currency(expense.amount, context)
        return self._record(ExpenseRecorded, actor, reason, expense=expense)

    def spent(self, category: BudgetCategory) -> Money | None:
        """What has been spent in ``category`` (compensation counts as its own category)."""
        amounts = [e.amount for e in self.expenses if e.category is category]
        if category is BudgetCategory.COMPENSATION:
            amounts += [c.amount for c in self.compensations]
        if not amounts:
            return None
        return Money.total(amounts, amounts[0].currency)

    def _check_currency(self, amount: Money, context: Context) -> None:
        if context.plan is not None:
            expected = context.plan.currency
        else:
            earlier = [c.amount for c in self.compensations] + [e.amount for e in self.expenses]
            if not earlier:
                return
            expected = earlier[0].currency
        if amount.currency != expected:
            raise CurrencyMismatchError(
                f"crisis {self.id!r} spends in {expected}"
                f"{' (the emergency plan budget currency)' if context.plan else ''}; got {amount}: "
                "convert it first"
            )

    def _budget_warning(
        self, event: Event, context: Context
    ) -> tuple[BudgetCategory, Money, Money] | None:
        """(category, budget, spent) when ``event`` takes spending over the plan's budget."""
        if context.plan is None:
            return None
        if isinstance(event, CompensationGranted):
            category, amount = BudgetCategory.COMPENSATION, event.compensation.amount
        elif isinstance(event, ExpenseRecorded):
            category, amount = event.expense.category, event.expense.amount
        else:
            return None
        budget = context.plan.budget(category)
        before = self.spent(category) or Money.zero(budget.currency)
        after = before + amount
        return (category, budget, after) if before <= budget < after else None

    def compensation_total(self) -> Money | None:
        """What all compensation so far has cost (None before the first)."""
        if not self.compensations:
            return None
        return Money.total(
            (c.amount for c in self.compensations), self.compensations[0].amount.currency
        )

    def record_callback(
        self,
        customer_id: str,
        satisfaction: int,
        *,
        comments: str | None = None,
        actor: str,
        expected_version: int | None = None,
    ) -> CallbackRecorded:
        """Record a callback to an affected customer with their satisfaction, 1 to 5 (D23)."""
        self._precheck("record_callback", actor, expected_version)
        if customer_id not in {c.customer_id for c in self.customers}:
            raise ValidationError(f"customer {customer_id!r} is not affected by crisis {self.id!r}")
        callback = Callback(customer_id, self._now(self._require_context()), satisfaction, comments)
        return self._record(CallbackRecorded, actor, None, callback=callback)

    def set_recovery_plan(
        self,
        plan: RecoveryPlan,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> RecoveryPlanSet:
        """Set (or revise) the recovery plan: goals, measures, dated milestones (D25)."""
        self._precheck("set_recovery_plan", actor, expected_version)
        if not isinstance(plan, RecoveryPlan):
            raise ValidationError(
                f"set_recovery_plan() takes a RecoveryPlan; got {type(plan).__name__}"
            )
        return self._record(RecoveryPlanSet, actor, reason, old=self.recovery_plan, new=plan)

    def reach_milestone(
        self, name: str, *, actor: str, expected_version: int | None = None
    ) -> MilestoneReached:
        """Mark a milestone of the recovery plan as reached."""
        self._precheck("reach_milestone", actor, expected_version)
        if self.recovery_plan is None:
            raise ValidationError(f"crisis {self.id!r} has no recovery plan yet")
        if self.recovery_plan.milestone(name).done_at is not None:
            raise ValidationError(f"milestone {name!r} was reached already")
        return self._record(MilestoneReached, actor, None, milestone=name)

    def assess_impact(
        self,
        assessment: ImpactAssessment,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ImpactAssessed:
        """Record the business impact: sales, market share, satisfaction before and after (D26)."""
        self._precheck("assess_impact", actor, expected_version)
        if not isinstance(assessment, ImpactAssessment):
            raise ValidationError(
                f"assess_impact() takes an ImpactAssessment; got {type(assessment).__name__}"
            )
        return self._record(ImpactAssessed, actor, reason, assessment=assessment)

    def record_review(
        self,
        review: Review,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ReviewRecorded:
        """Record the review: root cause, lessons, improvements (D27). Required to close."""
        self._precheck("record_review", actor, expected_version)
        if not isinstance(review, Review):
            raise ValidationError(f"record_review() takes a Review; got {type(review).__name__}")
        if review.reviewed_at is None:
            review = attrs.evolve(review, reviewed_at=self._now(self._require_context()))
        return self._record(ReviewRecorded, actor, reason, review=review)

    # --- duplicates and merges -----------------------------------------------------------

    def mark_duplicate_of(
        self,
        canonical: Crisis,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> MarkedDuplicate:
        """Close this crisis as a duplicate of ``canonical`` (chains collapse to its canonical id)."""
        self._precheck("mark_duplicate_of", actor, expected_version)
        target = self._canonical_target(canonical)
        return self._record(
            MarkedDuplicate,
            actor,
            reason,
            from_state=self.state,
            to_state=CrisisState.CLOSED,
            canonical_id=target,
        )

    def merge(
        self,
        other: Crisis,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        other_expected_version: int | None = None,
    ) -> CrisisMerged:
        """Merge ``other`` into this crisis: its signals and customers move here, and it closes.

        Records :class:`~crisiskit.events.CrisisMerged` here and
        :class:`~crisiskit.events.MergedInto` on ``other``; both crises are checked before
        either changes. Undo with :meth:`unmerge`.
        """
        self._precheck("merge", actor, expected_version)
        if not isinstance(other, Crisis):
            raise ValidationError(f"merge() takes a Crisis; got {type(other).__name__}")
        other._precheck("merge", actor, other_expected_version)
        if self.duplicate_of is not None:
            raise ValidationError(
                f"crisis {self.id!r} is itself a duplicate of {self.duplicate_of!r}: merge into that one"
            )
        self._canonical_target(other, direction="merge")
        moved_signals = tuple(s for s in other.signals if s not in self.signals)
        known = {c.customer_id for c in self.customers}
        arriving = tuple(c for c in other.customers if c.customer_id not in known)
        merged = self._build(
            CrisisMerged,
            actor,
            reason,
            source_id=other.id,
            signals=moved_signals,
            customers=arriving,
        )
        away = other._build(
            MergedInto,
            actor,
            reason,
            from_state=other.state,
            to_state=CrisisState.CLOSED,
            canonical_id=self.id,
            signals=other.signals,
            customers=other.customers,
        )
        merged_follow_ups, away_follow_ups = self._follow_ups(merged), other._follow_ups(away)
        self._commit_all(merged, merged_follow_ups)
        other._commit_all(away, away_follow_ups)
        return merged

    def unmerge(
        self,
        other: Crisis,
        *,
        actor: str,
        reason: str,
        expected_version: int | None = None,
        other_expected_version: int | None = None,
    ) -> CrisisUnmerged:
        """Undo a :meth:`merge`: take back out what ``other`` brought, and restore ``other``.

        ``other`` returns to the state it was in before the merge, with its signals and
        customers. Records :class:`~crisiskit.events.CrisisUnmerged` here and
        :class:`~crisiskit.events.MergeUndone` on ``other``.
        """
        self._precheck("unmerge", actor, expected_version)
        _checks.text("unmerge(reason)", reason)
        if not isinstance(other, Crisis):
            raise ValidationError(f"unmerge() takes a Crisis; got {type(other).__name__}")
        other._check_version(other_expected_version)
        record = next((m for m in self.merges if m.crisis_id == other.id), None)
        if record is None or other.merged_into is None or other.merged_into.crisis_id != self.id:
            raise ValidationError(f"crisis {other.id!r} is not merged into {self.id!r}")
        restored_state = other.merged_into.from_state or CrisisState.DETECTED
        removed_signals = tuple(s for s in record.signals if s in self.signals)
        keep = [s for s in self.signals if s not in removed_signals]
        still_named = {c.customer_id for c in _signal_customers(keep)}
        removed_customers = tuple(
            c for c in record.customers if c.customer_id not in still_named and c in self.customers
        )
        undone = self._build(
            CrisisUnmerged,
            actor,
            reason,
            source_id=other.id,
            signals=removed_signals,
            customers=removed_customers,
        )
        back = other._build(
            MergeUndone,
            actor,
            reason,
            from_state=other.state,
            to_state=restored_state,
            canonical_id=self.id,
            signals=other.merged_into.signals,
            customers=other.merged_into.customers,
        )
        undone_follow_ups, back_follow_ups = self._follow_ups(undone), other._follow_ups(back)
        self._commit_all(undone, undone_follow_ups)
        other._commit_all(back, back_follow_ups)
        return undone

    def _canonical_target(self, canonical: Crisis, direction: str = "duplicate") -> str:
        if not isinstance(canonical, Crisis):
            raise ValidationError(f"expected a Crisis; got {type(canonical).__name__}")
        if canonical.id == self.id:
            raise ValidationError(f"crisis {self.id!r} cannot be a duplicate of itself")
        if direction == "merge":
            # ``canonical`` is the one merged away here; it must not be canonical for this one.
            if canonical.merges:
                raise ValidationError(
                    f"crisis {canonical.id!r} has crises merged into it; unmerge them first"
                )
            if self.duplicate_of == canonical.id:
                raise ValidationError(
                    f"merging {canonical.id!r} into {self.id!r} would make a cycle: "
                    f"{self.id!r} is a duplicate of {canonical.id!r}"
                )
            return self.id
        target = canonical.duplicate_of or canonical.id
        if target == self.id:
            raise ValidationError(
                f"marking {self.id!r} a duplicate of {canonical.id!r} would make a cycle: "
                f"{canonical.id!r} is a duplicate of {self.id!r}"
            )
        return target

    # --- the machinery -------------------------------------------------------------------

    def _require_context(self) -> Context:
        if self._context is None:
            raise ValidationError(
                f"crisis {self.id!r} has no Context, so it cannot take commands: pass one to "
                "Crisis.replay(events, context) or call crisis.attach(context)"
            )
        return self._context

    def _check_version(self, expected_version: int | None) -> None:
        if expected_version is not None and expected_version != self.version:
            raise ConcurrencyError(
                f"crisis {self.id!r} is at version {self.version}, not {expected_version}: "
                "it changed since you read it; reload it and try again"
            )

    def _precheck(self, command: str, actor: str, expected_version: int | None) -> None:
        """Checks every state-keeping command makes before anything else."""
        self._require_context()
        self._check_version(expected_version)
        _checks.text("actor", actor, max_length=200)
        if not self.is_open:
            raise self._refusal(command)

    def _refusal(self, command: str) -> InvalidTransition:
        allowed = self.allowed_commands()
        return InvalidTransition(
            f"cannot {command} crisis {self.id!r}: it is {self.state.value}; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            state=self.state.value,
            command=command,
            allowed=allowed,
        )

    def _move(
        self,
        command: str,
        event_type: type[E],
        actor: str,
        reason: str | None,
        expected_version: int | None,
        **fields: object,
    ) -> E:
        context = self._require_context()
        self._check_version(expected_version)
        _checks.text("actor", actor, max_length=200)
        if command not in moves_from(self.state):
            raise self._refusal(command)
        if command == "reopen":
            self._check_reopen(context)
        if command == "respond":
            self._check_required_roles(context)
        check_guards(command, self, context.guards)
        machine = context._machine()
        machine.model.state = self.state.value
        try:
            machine.send(command)
        except TransitionNotAllowed:  # pragma: no cover - moves_from() already said no
            raise self._refusal(command) from None
        target = CrisisState(machine.model.state)
        return self._record(
            event_type, actor, reason, from_state=self.state, to_state=target, **fields
        )

    def _check_required_roles(self, context: Context) -> None:
        level_plan = self._level_plan(context, "respond")
        if level_plan is None:
            return
        missing = sorted(r.value for r in level_plan.roles if not self.members(r))
        if missing:
            raise self._guard_refusal(
                "respond",
                "required roles filled",
                f"the plan needs {', '.join(missing)} on the team at level {self.level}; assign them first",
            )

    def _check_reopen(self, context: Context) -> None:
        policy = context.reopen
        if self.merged_into is not None:
            raise self._guard_refusal(
                "reopen",
                "not merged",
                f"it was merged into {self.merged_into.crisis_id!r}; unmerge it instead",
            )
        if self.reopen_count >= policy.max_reopens:
            raise self._guard_refusal(
                "reopen",
                "maximum reopens",
                f"it has been reopened {self.reopen_count} time(s); the policy allows {policy.max_reopens}",
            )
        assert self.closed_at is not None
        deadline = self.closed_at + policy.window
        if self._now(context) > deadline:
            raise self._guard_refusal(
                "reopen",
                "reopen window",
                f"it closed at {self.closed_at.isoformat()} and the window ended at {deadline.isoformat()}",
            )

    def _guard_refusal(self, command: str, condition: str, detail: str) -> InvalidTransition:
        return InvalidTransition(
            f"cannot {command} crisis {self.id!r}: the condition {condition!r} is not met ({detail})",
            state=self.state.value,
            command=command,
            allowed=self.allowed_commands(),
            condition=condition,
        )

    def _now(self, context: Context) -> pendulum.DateTime:
        # The log is kept in time order even if the host's clock steps back (NTP): an event
        # never predates the one before it.
        now = context.clock.now()
        if not isinstance(now, pendulum.DateTime) or now.tzinfo is not pendulum.UTC:
            now = _checks.instant("Context.clock.now()", now)
        return max(now, self.updated_at)

    def _build(self, event_type: type[E], actor: str, reason: str | None, **fields: Any) -> E:
        context = self._require_context()
        event = event_type(
            crisis_id=self.id,
            sequence=self.version + 1,
            occurred_at=self._now(context),
            actor=actor,
            reason=reason,
            prev_hash=self.last_hash,
            **fields,
        )
        seal(event, context.hash_key)
        return event

    def _commit(self, event: Event) -> None:
        self._apply(event)
        self._pending.append(event)

    def _record(self, event_type: type[E], actor: str, reason: str | None, **fields: object) -> E:
        event = self._build(event_type, actor, reason, **fields)
        # Consequences are worked out before anything changes: if one cannot be (a calendar
        # past its horizon, say), the whole command is refused.
        self._commit_all(event, self._follow_ups(event))
        return event

    def _commit_all(self, event: Event, follow_ups: list[Event]) -> None:
        self._commit(event)
        for follow_up in follow_ups:
            self._commit(follow_up)

    def _follow_ups(self, event: Event) -> list[Event]:
        """The system events that ``event`` entails: SLA timer changes, budget warnings."""
        context = self._require_context()
        found: list[Event] = []
        update = self._sla_update(event, context)
        if update is not None and (update.changes or update.alerts):
            found.append(
                self._follow_up(
                    context,
                    found[-1] if found else event,
                    SlaTimersChanged,
                    changes=update.changes,
                    alerts=update.alerts,
                    timers=update.timers,
                )
            )
        warning = self._budget_warning(event, context)
        if warning is not None:
            category, budget, spent = warning
            found.append(
                self._follow_up(
                    context,
                    found[-1] if found else event,
                    BudgetExceeded,
                    reason=f"{category.value} spending {spent} is over the plan's budget of {budget}",
                    category=category,
                    budget=budget,
                    spent=spent,
                )
            )
        return found

    def _follow_up(
        self,
        context: Context,
        after: Event,
        event_type: type[E],
        reason: str | None = None,
        **fields: Any,
    ) -> E:
        event = event_type(
            crisis_id=self.id,
            sequence=after.sequence + 1,
            occurred_at=after.occurred_at,
            actor="system",
            reason=reason,
            prev_hash=after.hash,
            **fields,
        )
        return seal(event, context.hash_key)

    def _sla_update(self, event: Event, context: Context) -> SlaUpdate | None:
        """What ``event`` does to the SLA timers under the context's policy (None: nothing)."""
        policy = context.sla
        if policy is None:
            return None
        at = event.occurred_at
        if isinstance(event, LevelChanged):
            metrics = self._sla_metrics(self.signals)
            if not self.timers:
                return policy.start(event.new_level, at, owner=self.id, metrics=metrics)
            return policy.regrade(self.timers, event.new_level, at, owner=self.id, metrics=metrics)
        if not self.timers or self.level is None:
            return None
        if isinstance(event, StateChanged):
            metrics = self._sla_metrics(self.signals)
            return policy.enter(
                self.timers, event.to_state, self.level, at, owner=self.id, metrics=metrics
            )
        if isinstance(event, CrisisAcknowledged):
            return policy.record(self.timers, SlaMetric.ACKNOWLEDGE, at)
        if isinstance(event, CustomerCaseUpdated) and event.step.is_contact:
            return policy.record(self.timers, SlaMetric.FIRST_CONTACT, at)
        if isinstance(event, StatementReleased) and event.statement.audience in _PUBLIC_AUDIENCES:
            first = policy.record(self.timers, SlaMetric.PUBLIC_STATEMENT, at)
            then = policy.record(first.timers, SlaMetric.PROGRESS_UPDATE, at)
            return SlaUpdate(
                then.timers,
                first.changes + then.changes,
                first.alerts + then.alerts,
                then.next_wakeup,
            )
        if isinstance(event, SignalAttached) and self._sla_metrics(self.signals) is not None:
            now_public = self._sla_metrics((*self.signals, event.signal))
            if now_public is None:
                return policy.regrade(self.timers, self.level, at, owner=self.id, metrics=None)
        return None

    @staticmethod
    def _sla_metrics(signals: tuple[Signal, ...]) -> frozenset[SlaMetric] | None:
        """The metrics to time: all of them once the crisis is public, else all but the public statement."""
        if any(s.channel.group is ChannelGroup.PUBLIC_OPINION for s in signals):
            return None
        return _PRIVATE_METRICS

    def _apply(self, event: Event) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise EventSequenceError(f"crisiskit does not know how to apply {event.name}")
        changes = handler(self, event)
        if isinstance(event, StateChanged):
            changes.setdefault("state", event.to_state)
        changes["version"] = event.sequence
        changes["updated_at"] = event.occurred_at
        changes["last_hash"] = event.hash
        for name, value in changes.items():
            object.__setattr__(self, name, value)
        self._event_ids.extend(bytes.fromhex(event.hash[:32]))


def _public_fields() -> tuple[attrs.Attribute[Any], ...]:
    return tuple(f for f in attrs.fields(Crisis) if not f.name.startswith("_"))


_SNAPSHOT: list[type[Any]] = []


def _snapshot_type() -> type[Any]:
    """An attrs class with the crisis's public fields and its event ids: the snapshot's shape."""
    if not _SNAPSHOT:
        attrs.resolve_types(Crisis, globals())
        attrs.resolve_types(MergeRecord, globals())
        spec = {f.name: attrs.field(type=f.type, default=f.default) for f in _public_fields()}
        spec["event_ids"] = attrs.field(type=str, default="")
        snapshot = attrs.make_class("CrisisSnapshot", spec, frozen=True, kw_only=True)
        snapshot.__annotations__ = {name: a.type for name, a in spec.items()}
        _SNAPSHOT.append(snapshot)
    return _SNAPSHOT[0]


# --- how each event changes a crisis ------------------------------------------------------
# Each handler returns the attributes to set; _apply sets them, with the version, the time,
# the hash and (for state changes) the new state.

Changes = dict[str, Any]


def _signal_attached(crisis: Crisis, event: SignalAttached) -> Changes:
    return {
        "signals": (*crisis.signals, event.signal),
        "customers": _unique_customers(crisis.customers, event.signal.customers),
    }


def _customers_added(crisis: Crisis, event: CustomersAdded) -> Changes:
    return {"customers": _unique_customers(crisis.customers, event.customers)}


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
        "customers": _unique_customers(crisis.customers, event.customers),
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


_NEEDS_NOTE = frozenset({CaseStep.DEMAND_RECORDED, CaseStep.PROMISED, CaseStep.SOLUTION_AGREED})

_HANDLERS: dict[type[Event], Callable[[Crisis, Any], Changes]] = {
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
