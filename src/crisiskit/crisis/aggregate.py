"""The Crisis aggregate: one customer crisis, changed only by commands that record events.

Create a crisis with :meth:`Crisis.detect`; change it with its commands (``warn``,
``respond``, ``attach_signal``, ``set_level``, …). Every successful command appends one
:mod:`domain event <crisiskit.events>`, followed by the system's own events when it has
consequences (SLA timers started or stopped, a budget gone over); a refused command raises
and changes nothing — state, level, version and events are exactly as before. Collect new events with
:meth:`Crisis.pull_events`, persist them, and rebuild with :meth:`Crisis.replay`.

What a crisis needs from outside — the clock, lifecycle guards, the reopen policy — comes
in a :class:`Context`, shared by all the crises of a host application.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.crisis._applying import HANDLERS
from crisiskit.crisis._recovery import RecoveryWork
from crisiskit.crisis._response import ResponseWork
from crisiskit.crisis._spending import Spending
from crisiskit.crisis._timing import SlaTiming
from crisiskit.crisis.commands import REGISTRY, CommandSpec, command
from crisiskit.crisis.context import Context
from crisiskit.crisis.lifecycle import CONDITIONS, MOVES, TRANSITIONS, check_guards
from crisiskit.crisis.merging import MergeRecord, Merging
from crisiskit.errors import (
    ConcurrencyError,
    EventSequenceError,
    InvalidTransition,
    SerializationError,
    ValidationError,
)
from crisiskit.events import (
    GENESIS,
    AssessmentRecorded,
    BudgetExceeded,
    CrisisClosed,
    CrisisDetected,
    CrisisDismissed,
    CrisisRelapsed,
    CrisisReopened,
    CustomersAdded,
    Event,
    FactsUpdated,
    LevelChanged,
    RecoveryStarted,
    ResponseStarted,
    SignalAttached,
    SlaTimersChanged,
    StateChanged,
    WarningIssued,
    seal,
)
from crisiskit.grading import Assessment, GradingInput, GradingPolicy
from crisiskit.operations.compensation import Compensation
from crisiskit.operations.customer_cases import CustomerCase
from crisiskit.operations.expenses import Expense
from crisiskit.operations.notices import WarningNotice
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Statement
from crisiskit.operations.team import Assignment
from crisiskit.plan import LevelPlan, Phase
from crisiskit.sla import SlaTimer
from crisiskit.values.customers import CustomerRef, customers_of, merge_customers
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import CrisisState, CrisisType

__all__ = ["OPEN_COMMANDS", "Crisis"]

E = TypeVar("E", bound=Event)


@serializable()
@frozen(unsafe_hash=False, repr=False)
class Crisis(ResponseWork, Spending, RecoveryWork, SlaTiming, Merging):
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
    """What is known about what happened."""
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
    """The SLA timers, when the context has an SLA policy."""
    acknowledged_at: pendulum.DateTime | None = None
    """When the crisis office took it on (受理)."""
    notice: WarningNotice | None = None
    """The warning notice issued with the last warning."""
    team: tuple[Assignment, ...] = ()
    """Who fills which role."""
    statements: tuple[Statement, ...] = ()
    """Every statement released, oldest first; the last per audience is current."""
    cases: tuple[CustomerCase, ...] = ()
    """Each affected customer's case, once someone has acted on it."""
    quality_remedy: QualityRemedy | None = None
    """The quality remedy, for a product-quality problem."""
    compensations: tuple[Compensation, ...] = ()
    """Everything given to customers, at its cost."""
    expenses: tuple[Expense, ...] = ()
    """Other spending: PR, emergency supplies."""
    callbacks: tuple[Callback, ...] = ()
    """Callbacks to affected customers, with satisfaction scores."""
    recovery_plan: RecoveryPlan | None = None
    """Goals, measures and milestones of the recovery."""
    impact: ImpactAssessment | None = None
    """The business impact, before and after."""
    review: Review | None = None
    """The review: root cause, lessons, improvements. Required to close."""
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
            customers=merge_customers((), customers_of(event.signals)),
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
        """The commands that make sense now, for a host's buttons: lifecycle moves first.

        Read off the command registry: a move when the state allows it, another command in
        every open state, each only where it applies (``acknowledge`` until acknowledged,
        ``pause_sla`` while a timer runs, …). Guards and policies may still refuse one.
        """
        return tuple(
            spec.name
            for spec in _ordered_commands()
            if self._permits(spec) and (spec.offered is None or spec.offered(self))
        )

    def _permits(self, spec: CommandSpec) -> bool:
        if spec.move:
            return (self.state, spec.name) in TRANSITIONS
        return spec.anywhere or self.is_open

    def __repr__(self) -> str:
        level = self.level.value if self.level else "ungraded"
        return f"<Crisis {self.id!r} {self.crisis_type.value} {self.state.value} level={level} v{self.version}>"

    # --- lifecycle commands --------------------------------------------------------------

    @command()
    def warn(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> WarningIssued:
        """Issue a warning (预警): detected → warned, with a warning notice.

        The notice states the level, the crisis type, the affected scope and — from the
        context's emergency plan — the measures of the warning phase and the recipients by
        role. With a plan, the crisis must be graded first.
        """
        notice = self._warning_notice(self._require_context())
        return self._move("warn", WarningIssued, actor, reason, notice=notice)

    def _warning_notice(self, context: Context) -> WarningNotice | None:
        if self.level is None:
            return None
        level_plan = self._level_plan(context)
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

    def _level_plan(self, context: Context) -> LevelPlan | None:
        """What the plan asks at this crisis's type and level; None without a plan or a level."""
        if context.plan is None or self.level is None:
            return None
        return context.plan.for_crisis(self.crisis_type, self.level)

    @command()
    def respond(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> ResponseStarted:
        """Start the response (启动应急响应): warned → responding, or detected → responding for a sudden crisis."""
        return self._move("respond", ResponseStarted, actor, reason)

    @command()
    def recover(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> RecoveryStarted:
        """Move into recovery (恢复): responding → recovering."""
        return self._move("recover", RecoveryStarted, actor, reason)

    @command()
    def close(
        self,
        summary: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CrisisClosed:
        """Close the crisis after recovery: recovering → closed, with a summary. A review must be recorded first."""
        summary = _checks.text("close(summary)", summary)
        return self._move("close", CrisisClosed, actor, reason, summary=summary)

    @command(reason="required")
    def dismiss(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisDismissed:
        """Dismiss a false alarm (误报): detected or warned → closed. A reason is required."""
        return self._move("dismiss", CrisisDismissed, actor, reason)

    @command(reason="required")
    def relapse(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisRelapsed:
        """The crisis flared up again: recovering → responding. A reason is required."""
        return self._move("relapse", CrisisRelapsed, actor, reason)

    @command(reason="required")
    def reopen(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisReopened:
        """Reopen a closed crisis: closed → responding, within the context's :class:`ReopenPolicy`."""
        return self._move(
            "reopen", CrisisReopened, actor, reason, reopen_count=self.reopen_count + 1
        )

    # --- commands that keep the state ----------------------------------------------------

    @command()
    def attach_signal(
        self,
        signal: Signal,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> SignalAttached:
        """Attach another signal; its customers become affected customers."""
        if not isinstance(signal, Signal):
            raise ValidationError(f"attach_signal() takes a Signal; got {type(signal).__name__}")
        if signal in self.signals:
            raise ValidationError(
                f"crisis {self.id!r} already has this signal: {signal.description!r}"
            )
        return self._record(SignalAttached, actor, reason, signal=signal)

    @command()
    def add_customers(
        self,
        customers: Iterable[CustomerRef],
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CustomersAdded:
        """Record more affected customers; those already recorded (by id) are left out."""
        given = _checks.to_tuple(customers)
        for i, customer in enumerate(given):
            if not isinstance(customer, CustomerRef):
                raise ValidationError(
                    f"add_customers()[{i}] must be a CustomerRef; got {type(customer).__name__}"
                )
        new = merge_customers((), given)
        known = {c.customer_id for c in self.customers}
        new = tuple(c for c in new if c.customer_id not in known)
        if not new:
            raise ValidationError(
                f"no new customers: every one given is already recorded on crisis {self.id!r}"
            )
        return self._record(CustomersAdded, actor, reason, customers=new)

    @command()
    def update_facts(
        self,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        **changes: object,
    ) -> FactsUpdated:
        """Fill in or correct facts (time, place, cause, course, scope, customers_affected)."""
        new = self.facts.updated(**changes)
        if new == self.facts:
            raise ValidationError(
                f"update_facts() changes nothing: the facts of crisis {self.id!r} already read so"
            )
        return self._record(FactsUpdated, actor, reason, old=self.facts, new=new)

    @command(reason="required")
    def set_level(
        self, level: Level, *, actor: str, reason: str, expected_version: int | None = None
    ) -> LevelChanged:
        """Set the level by hand: any open state, a reason required. The state does not change."""
        level = _checks.member("set_level(level)", level, Level)
        if level is self.level:
            raise ValidationError(f"crisis {self.id!r} is already level {level.value}")
        return self._record(LevelChanged, actor, reason, old_level=self.level, new_level=level)

    def regrade(
        self, level: Level, *, actor: str, reason: str, expected_version: int | None = None
    ) -> LevelChanged:
        """Deprecated name of :meth:`set_level` (it goes in 0.3)."""
        warnings.warn(
            "Crisis.regrade() is now Crisis.set_level(); regrade goes in crisiskit 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.set_level(level, actor=actor, reason=reason, expected_version=expected_version)

    @command()
    def grade(
        self,
        policy: GradingPolicy,
        *,
        factors: Mapping[str, float] | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> LevelChanged | AssessmentRecorded:
        """Grade the crisis with ``policy``: the level follows the assessment.

        The policy reads the crisis's type, signals, customers and facts, the analyst's
        ``factors`` and the current level (for hysteresis). When the level changes this
        records :class:`~crisiskit.events.LevelChanged` carrying the assessment, its reason
        the assessment's own; otherwise :class:`~crisiskit.events.AssessmentRecorded`.
        """
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

    def _admit(
        self, spec: CommandSpec, actor: str, reason: str | None, expected_version: int | None
    ) -> None:
        """The checks every command makes before its own (run by the :func:`command` decorator)."""
        self._require_context()
        self._check_version(expected_version)
        _checks.text("actor", actor, max_length=200)
        if spec.reason_required:
            _checks.text(f"{spec.name}(reason)", reason)
        if not self._permits(spec):
            raise self._refusal(spec.name)

    def _refusal(self, command: str) -> InvalidTransition:
        allowed = self.allowed_commands()
        return InvalidTransition(
            f"cannot {command} crisis {self.id!r}: it is {self.state.value}; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            state=self.state.value,
            command=command,
            allowed=allowed,
        )

    def _admit_move(self, move: str, expected_version: int | None) -> None:
        """Check a move this crisis makes because another crisis's command takes it over."""
        self._require_context()
        self._check_version(expected_version)
        if (self.state, move) not in TRANSITIONS:
            raise self._refusal(move)

    def _move(
        self,
        command: str,
        event_type: type[E],
        actor: str,
        reason: str | None,
        *,
        to_state: CrisisState | None = None,
        **fields: object,
    ) -> E:
        """Record a lifecycle move whose state the command's decorator has admitted.

        The move's own conditions (:data:`~crisiskit.crisis.lifecycle.CONDITIONS`) and then
        the host's guards must hold; the target comes from the compiled transition table.
        """
        targets = TRANSITIONS[self.state, command]
        target = targets[0] if to_state is None else to_state
        if target not in targets:  # pragma: no cover - the callers pass a recorded state
            raise self._refusal(command)
        self._check_conditions(command)
        return self._record(
            event_type, actor, reason, from_state=self.state, to_state=target, **fields
        )

    def _check_conditions(self, command: str) -> None:
        context = self._require_context()
        conditions = CONDITIONS.get(command)
        if conditions:
            now = self._now(context)
            for condition in conditions:
                detail = condition.check(self, context, now)
                if detail is not None:
                    raise self._guard_refusal(command, condition.name, detail)
        if context.guards:
            check_guards(command, self, context.guards)

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

    def _apply(self, event: Event) -> None:
        handler = HANDLERS.get(type(event))
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


_ORDER: list[tuple[CommandSpec, ...]] = []


def _ordered_commands() -> tuple[CommandSpec, ...]:
    """Every command: lifecycle moves in the machine's order, then the others as declared."""
    if not _ORDER:
        moves = [m.command for m in MOVES]
        _ORDER.append(
            tuple(
                sorted(
                    REGISTRY.values(), key=lambda s: moves.index(s.name) if s.move else len(moves)
                )
            )
        )
    return _ORDER[0]


OPEN_COMMANDS: tuple[str, ...] = tuple(s.name for s in REGISTRY.values() if not s.move)
"""The commands that do not move the lifecycle state, read off the registry."""


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
