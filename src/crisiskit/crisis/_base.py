"""The crisis's base (private): its state, its read-only attributes and the machinery of commands.

Every feature slice of the aggregate (:mod:`~crisiskit.crisis.team`,
:mod:`~crisiskit.crisis.statements`, …) is a subclass of :class:`CrisisBase` and uses only
what is here: the state record, the queries every slice may ask, and the one way to record
an event (:meth:`CrisisBase._record`, :meth:`CrisisBase._move`). :class:`~crisiskit.crisis.Crisis`
joins the slices.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast, overload

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis._record import MergeRecord, Record
from crisiskit.crisis.commands import REGISTRY, CommandSpec
from crisiskit.crisis.context import Context
from crisiskit.crisis.lifecycle import CONDITIONS, MOVES, TRANSITIONS, check_guards, command_name
from crisiskit.errors import (
    ConcurrencyError,
    EventSequenceError,
    InvalidTransition,
    ValidationError,
)
from crisiskit.events import (
    BudgetExceeded,
    Event,
    LevelChanged,
    StateChanged,
    WarningUpgraded,
)
from crisiskit.grading import Assessment
from crisiskit.messages import _, coded
from crisiskit.operations.compensation import Compensation
from crisiskit.operations.customer_cases import CustomerCase
from crisiskit.operations.expenses import Expense
from crisiskit.operations.notices import WarningNotice
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Statement
from crisiskit.operations.team import Assignment
from crisiskit.plan import BudgetCategory, LevelPlan, Phase
from crisiskit.sla import SlaPolicy, SlaTimer
from crisiskit.sla.policy import Change
from crisiskit.values.attributes import AttributeValues
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level
from crisiskit.values.money import Money
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import ClosedAs, CrisisState, CrisisType, Role

if TYPE_CHECKING:
    from crisiskit.crisis.aggregate import Crisis

__all__ = ["CrisisBase", "Evolver", "Obliger", "recorded_only"]

E = TypeVar("E", bound=Event)
T = TypeVar("T")

Evolver = Callable[[Record, Any], None]
"""How one kind of event changes a crisis's state record, in place."""

Obliger = Callable[["CrisisBase", Any, SlaPolicy], list[Change]]
"""What one kind of event owes or fulfils (promises, milestones, planned actions), as steps
on the crisis's timers, worked out before the event is applied."""


def recorded_only(record: Record, event: Event) -> None:
    """The event is kept in the log and changes nothing else (a move's new state is applied for it)."""


class _Read(Generic[T]):
    """A read-only attribute of a crisis, read from its state record."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, crisis: None, owner: type[Any]) -> _Read[T]: ...
    @overload
    def __get__(self, crisis: CrisisBase, owner: type[Any]) -> T: ...
    def __get__(self, crisis: CrisisBase | None, owner: type[Any]) -> T | _Read[T]:
        if crisis is None:
            return self
        return cast("T", getattr(crisis._r, self.name))


class _Items(Generic[T]):
    """A read-only collection of a crisis, as a tuple (made once per version, when read)."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, crisis: None, owner: type[Any]) -> _Items[T]: ...
    @overload
    def __get__(self, crisis: CrisisBase, owner: type[Any]) -> tuple[T, ...]: ...
    def __get__(self, crisis: CrisisBase | None, owner: type[Any]) -> tuple[T, ...] | _Items[T]:
        if crisis is None:
            return self
        views = crisis._views
        found = views.get(self.name)
        if found is None:
            items = getattr(crisis._r, self.name)
            found = views[self.name] = tuple(items.values() if isinstance(items, dict) else items)
        return cast("tuple[T, ...]", found)


class CrisisBase:
    """A crisis as its slices see it: state, read-only attributes, queries, and the machinery."""

    __slots__ = ("_context", "_event_ids", "_pending", "_r", "_views")

    _EVOLVE: ClassVar[Mapping[type[Event], Evolver]] = {}
    """How each event changes the state record: the union of the slices' ``EVOLVE`` tables."""
    _OBLIGATIONS: ClassVar[Mapping[type[Event], tuple[Obliger, ...]]] = {}
    """What each event owes or fulfils besides the SLA targets: the slices' ``OBLIGATIONS``."""

    id: _Read[str] = _Read()
    """The crisis's id, chosen by the host (e.g. its ticket number)."""
    crisis_type: _Read[CrisisType] = _Read()
    """What kind of crisis it is."""
    title: _Read[str] = _Read()
    """A short title."""
    state: _Read[CrisisState] = _Read()
    """Where it is in the lifecycle."""
    level: _Read[Level | None] = _Read()
    """Its level, I–IV; None until graded."""
    facts: _Read[Facts] = _Read()
    """What is known about what happened."""
    signals: _Items[Signal] = _Items()
    """Every signal attached, in order."""
    customers: _Items[CustomerRef] = _Items()
    """The affected customers: those named by signals and those added, each once."""
    detected_at: _Read[pendulum.DateTime] = _Read()
    """When it was detected (its first event)."""
    updated_at: _Read[pendulum.DateTime] = _Read()
    """When its last event occurred."""
    closed_at: _Read[pendulum.DateTime | None] = _Read()
    """When it was last closed; None while open."""
    closed_as: _Read[ClosedAs | None] = _Read()
    """How it was closed (resolved, dismissed, duplicate or merged); None while open."""
    summary: _Read[str | None] = _Read()
    """The closing summary, once closed after recovery."""
    reopen_count: _Read[int] = _Read()
    """How many times it has been reopened."""
    duplicate_of: _Read[str | None] = _Read()
    """The canonical crisis this one duplicates, if any."""
    merged_into: _Read[MergeRecord | None] = _Read()
    """What moved out when this crisis was merged into another, so it can be undone."""
    merges: _Items[MergeRecord] = _Items()
    """The crises merged into this one, with what each brought."""
    assessment: _Read[Assessment | None] = _Read()
    """The latest assessment by a grading policy, with its explanation."""
    timers: _Read[tuple[SlaTimer, ...]] = _Read()
    """The SLA timers, when the context has an SLA policy."""
    acknowledged_at: _Read[pendulum.DateTime | None] = _Read()
    """When the crisis office took it on (受理)."""
    notice: _Read[WarningNotice | None] = _Read()
    """The warning notice issued with the last warning."""
    team: _Items[Assignment] = _Items()
    """Who fills which role."""
    statements: _Items[Statement] = _Items()
    """Every statement released, oldest first; the last per audience is current."""
    cases: _Items[CustomerCase] = _Items()
    """Each affected customer's case, once someone has acted on it."""
    quality_remedy: _Read[QualityRemedy | None] = _Read()
    """The quality remedy, for a product-quality problem."""
    compensations: _Items[Compensation] = _Items()
    """Everything given to customers, at its cost."""
    expenses: _Items[Expense] = _Items()
    """Other spending: PR, emergency supplies."""
    callbacks: _Items[Callback] = _Items()
    """Callbacks to affected customers, with satisfaction scores."""
    recovery_plan: _Read[RecoveryPlan | None] = _Read()
    """Goals, measures and milestones of the recovery."""
    impact: _Read[ImpactAssessment | None] = _Read()
    """The business impact, before and after."""
    review: _Read[Review | None] = _Read()
    """The review: root cause, lessons, improvements. Required to close."""
    attributes: _Read[AttributeValues] = _Read()
    """The host's own attributes (a ticket link, a region, tags), by name."""
    version: _Read[int] = _Read()
    """How many events it has: the sequence number of its last event."""
    last_hash: _Read[str] = _Read()
    """The hash of its last event; the next event links to it."""

    def __init__(self, record: Record, context: Context | None, event_ids: bytearray) -> None:
        self._r = record
        self._context = context
        self._pending: list[Event] = []
        self._event_ids = event_ids
        self._views: dict[str, tuple[Any, ...]] = {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CrisisBase):
            return NotImplemented
        return self._r == other._r

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    @property
    def is_public(self) -> bool:
        """True once a public-opinion signal is attached (the public statement is then timed)."""
        return self._r.public

    def has_signal(self, signal: Signal) -> bool:
        """True when this very signal is attached."""
        return signal in self._r.signal_keys

    def has_customer(self, customer_id: str) -> bool:
        """True when ``customer_id`` is an affected customer."""
        return customer_id in self._r.customers

    def case(self, customer_id: str) -> CustomerCase | None:
        """The case of ``customer_id``, once someone has acted on it."""
        return self._r.cases.get(customer_id)

    def members(self, role: Role | str) -> tuple[str, ...]:
        """Who fills ``role`` now (the member, its code or a label)."""
        role = _checks.member("members(role)", role, Role)
        return tuple(a.person for a in self.team if a.role is role)

    def _set_timers(self, timers: Iterable[SlaTimer]) -> None:
        # For backtests only: a shadow crisis re-timed under another SLA policy.
        self._r.timers = tuple(timers)

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

    def attach(self, context: Context) -> Self:
        """Give a replayed crisis the context its commands need; returns the crisis."""
        if not isinstance(context, Context):
            raise ValidationError(
                _("attach() needs a Context; got {type}", type=type(context).__name__)
            )
        self._context = context
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

    def missing_roles(self) -> tuple[Role, ...]:
        """The roles the plan requires at this crisis's type and level that nobody fills."""
        context = self._context
        level_plan = None if context is None else self._level_plan(context)
        if level_plan is None:
            return ()
        return _missing(level_plan, self)

    def _warning_notice(self, context: Context, level: Level | None = None) -> WarningNotice | None:
        """The warning notice at ``level`` (default: the crisis's).

        It states the level, the type and the scope, and — from the plan — the warning-phase
        measures and the recipients by role.
        """
        level = self.level if level is None else level
        if level is None:
            return None
        level_plan = (
            None if context.plan is None else context.plan.for_crisis(self.crisis_type, level)
        )
        if level_plan is None:
            return WarningNotice(level, self.crisis_type, self.facts.scope)
        recipients = list(dict.fromkeys(r.role for r in level_plan.required_roles))
        if level_plan.escalation is not None:
            recipients += [r for r in level_plan.escalation.inform if r not in recipients]
        return WarningNotice(
            level,
            self.crisis_type,
            self.facts.scope,
            measures=tuple(a.label("en") for a in level_plan.actions_in(Phase.WARNING)),
            measures_zh=tuple(a.label("zh") for a in level_plan.actions_in(Phase.WARNING)),
            plan=f"{context.plan.plan_id}@{context.plan.version}" if context.plan else None,
            recipients=tuple(recipients),
        )

    def _upgraded_warning(
        self, event: Event, context: Context
    ) -> tuple[WarningNotice, tuple[Role, ...]] | None:
        """A level change that makes a warned crisis more severe re-applies the plan."""
        if (
            context.plan is None
            or not isinstance(event, LevelChanged)
            or event.old_level is None
            or not event.new_level.is_more_severe_than(event.old_level)
            or self._r.notice is None
        ):
            return None
        notice = self._warning_notice(context, event.new_level)
        assert notice is not None  # a level is given
        return notice, _missing(context.plan.for_crisis(self.crisis_type, event.new_level), self)

    def _level_plan(self, context: Context) -> LevelPlan | None:
        """What the plan asks at this crisis's type and level; None without a plan or a level."""
        if context.plan is None or self.level is None:
            return None
        return context.plan.for_crisis(self.crisis_type, self.level)

    def _require_context(self) -> Context:
        if self._context is None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} has no Context, so it cannot take commands: pass one "
                    "to Crisis.replay(events, context) or call crisis.attach(context)",
                    crisis_id=self.id,
                )
            )
        return self._context

    def _check_version(self, expected_version: int | None) -> None:
        if expected_version is not None and expected_version != self.version:
            raise ConcurrencyError(
                _(
                    "crisis {crisis_id!r} is at version {version}, not {expected}: "
                    "it changed since you read it; reload it and try again",
                    crisis_id=self.id,
                    version=self.version,
                    expected=expected_version,
                )
            )

    def _admit(
        self, spec: CommandSpec, actor: str, reason: str | None, expected_version: int | None
    ) -> None:
        """The checks every command makes before its own (run by the :func:`command` decorator)."""
        self._require_context()
        self._check_version(expected_version)
        if not (type(actor) is str and len(actor) <= 200 and actor.strip()):
            _checks.text("actor", actor, max_length=200)
        if spec.reason_required and not (
            type(reason) is str and len(reason) <= 10_000 and reason.strip()
        ):
            _checks.text(f"{spec.name}(reason)", reason)
        if not self._permits(spec):
            raise self._refusal(spec.name)

    def _refusal(self, command: str) -> InvalidTransition:
        allowed = self.allowed_commands()
        return InvalidTransition(
            _(
                "cannot {command} crisis {crisis_id!r}: it is {state}; allowed now: {allowed}",
                command=command_name(command),
                crisis_id=self.id,
                state=self.state,
                allowed=tuple(command_name(c) for c in allowed),
            )
            if allowed
            else _(
                "cannot {command} crisis {crisis_id!r}: it is {state}; allowed now: nothing",
                command=command_name(command),
                crisis_id=self.id,
                state=self.state,
            ),
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
        crisis = cast("Crisis", self)  # every crisis is a Crisis: the slices only make it up
        conditions = CONDITIONS.get(command)
        if conditions:
            now = self._now(context)
            for condition in conditions:
                detail = condition.check(crisis, context, now)
                if detail is not None:
                    raise self._guard_refusal(command, condition.name, detail)
        if context.guards:
            check_guards(command, crisis, context.guards)

    def _guard_refusal(self, command: str, condition: str, detail: str) -> InvalidTransition:
        return InvalidTransition(
            _(
                "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met "
                "({detail})",
                command=command_name(command),
                crisis_id=self.id,
                condition=condition,
                detail=detail,
            ),
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
        return max(now, self._r.updated_at)

    def _build(self, event_type: type[E], actor: str, reason: str | None, **fields: Any) -> E:
        context = self._require_context()
        record = self._r
        event = event_type(
            crisis_id=record.id,
            sequence=record.version + 1,
            occurred_at=self._now(context),
            actor=actor,
            reason=reason,
            prev_hash=record.last_hash,
            **fields,
        )
        context._seal(event, lambda: tuple(record.customers))
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

        def entail(event_type: type[Event], reason: str | None = None, **fields: Any) -> None:
            after = found[-1] if found else event
            found.append(self._follow_up(context, after, event_type, reason, **fields))

        for event_type, fields in self._sla_events(event, context):
            entail(event_type, **fields)
        upgraded = self._upgraded_warning(event, context)
        if upgraded is not None:
            notice, missing = upgraded
            entail(
                WarningUpgraded,
                _("level raised to {level}", level=notice.level.value),
                notice=notice,
                missing_roles=missing,
            )
        warning = self._budget_warning(event, context)
        if warning is not None:
            category, budget, spent = warning
            entail(
                BudgetExceeded,
                _(
                    "{category} spending {spent} is over the plan's budget of {budget}",
                    category=coded(category),
                    spent=spent,
                    budget=budget,
                ),
                category=category,
                budget=budget,
                spent=spent,
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
        return context._seal(event, lambda: tuple(self._r.customers))

    def _apply(self, event: Event) -> None:
        evolve = self._EVOLVE.get(type(event))
        if evolve is None:
            raise EventSequenceError(
                _("crisiskit does not know how to apply {event}", event=event.name)
            )
        record = self._r
        evolve(record, event)
        if isinstance(event, StateChanged):
            record.state = event.to_state
            phase = _PHASE_OF.get(event.to_state)
            if phase is not None and phase not in record.phases:
                # A sudden crisis skips the warning: its warning starts with its response.
                if phase is Phase.RESPONSE:
                    record.phases.setdefault(Phase.WARNING, event.occurred_at)
                record.phases[phase] = event.occurred_at
        record.version = event.sequence
        record.updated_at = event.occurred_at
        record.last_hash = event.hash
        self._views.clear()
        self._event_ids += bytes.fromhex(event.hash[:32])

    # Hooks a slice overrides: the consequences of an event, worked out before it is applied.

    def _sla_events(
        self, event: Event, context: Context
    ) -> list[tuple[type[Event], dict[str, Any]]]:
        """The SLA events ``event`` entails, as (type, fields) (the SLA slice decides)."""
        return []

    def _budget_warning(
        self, event: Event, context: Context
    ) -> tuple[BudgetCategory, Money, Money] | None:
        """The budget ``event`` takes over, if any (the spending slice decides)."""
        return None


_PHASE_OF = {
    CrisisState.WARNED: Phase.WARNING,
    CrisisState.RESPONDING: Phase.RESPONSE,
    CrisisState.RECOVERING: Phase.RECOVERY,
}
"""The phase of the plan a crisis is in when it enters a state."""


@functools.cache
def _ordered_commands() -> tuple[CommandSpec, ...]:
    """Every command: lifecycle moves in the machine's order, then the others as declared.

    Cached on first use, when every slice has registered its commands.
    """
    moves = [m.command for m in MOVES]
    return tuple(
        sorted(REGISTRY.values(), key=lambda s: moves.index(s.name) if s.move else len(moves))
    )


def _missing(level_plan: LevelPlan, crisis: CrisisBase) -> tuple[Role, ...]:
    # By code: the plan's roles are a set, whose order would change from run to run.
    return tuple(sorted((r for r in level_plan.roles if not crisis.members(r)), key=str))
