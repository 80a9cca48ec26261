"""The crisis's commands, registered by one decorator that also enforces their shape.

Every command on :class:`~crisiskit.crisis.Crisis` is a method decorated with
:func:`command`. The decorator checks at class creation that the method has the one shape
all commands share — its domain arguments first, then keyword-only ``actor``, ``reason``
and ``expected_version`` — and registers it in :data:`REGISTRY`, from which the list of
commands, the states that allow each one and :meth:`Crisis.allowed_commands
<crisiskit.crisis.Crisis.allowed_commands>` are read. Before the method body runs, the
decorator makes the checks every command makes: the crisis has a context, the version is
the one expected, the actor is given, a required reason is given, and the state allows the
command (a lifecycle move from :data:`~crisiskit.crisis.lifecycle.TRANSITIONS`, any other
command in every open state).

Each command is also a **command object**: a frozen class holding the command's arguments
as data (:class:`Assign`, :class:`SetLevel`, :class:`AttachSignal`, …, one per command, and
:class:`Detect` for the creation), serialisable with :mod:`crisiskit.serialization`.
:meth:`Crisis.execute(command) <crisiskit.crisis.Crisis.execute>` runs one through the very
method of the same name, so every rule, refusal and event is the method's own; a host's API
layer reads a JSON request into a command object and executes it. The classes take the
method's arguments under the same names, with the same types, defaults and requiredness
(a test keeps them in step), except where an argument is a live object rather than data:

* ``merge``, ``unmerge`` and ``mark_duplicate_of`` take the other crisis: their objects
  hold its id (``other_id``, ``canonical_id``), and ``execute`` finds the crisis in the
  ``crises`` mapping the host passes;
* ``grade`` takes a policy: :class:`Grade` holds its name (``"risk-matrix@1"``), and
  ``execute`` builds it from the ``policies`` registry the host passes (by default
  :data:`crisiskit.grading.POLICIES`);
* ``update_facts`` takes the facts as keyword arguments: :class:`UpdateFacts` has one field
  per fact, :data:`UNSET` until given;
* deprecated argument names (``handle_customer(due=)``) have no field.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, Literal, TypeAlias, TypeVar, cast

import attrs
import cattrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.crisis.lifecycle import COMMANDS as MOVE_COMMANDS
from crisiskit.errors import UnknownValueError, ValidationError
from crisiskit.events import (
    ActionCompleted,
    ActionStarted,
    AssessmentRecorded,
    AttributesSet,
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
    ExpenseRecorded,
    FactsUpdated,
    ImpactAssessed,
    ImprovementUpdated,
    LevelChanged,
    MarkedDuplicate,
    MeetingHeld,
    MilestoneReached,
    PersonalDataErased,
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
from crisiskit.grading import GradingPolicy, policy_by_name
from crisiskit.messages import _
from crisiskit.operations.compensation import CompensationKind, to_compensation_kind
from crisiskit.operations.customer_cases import CaseStep, to_case_step
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import (
    ImprovementStatus,
    Review,
    improvement_number,
    to_improvement_status,
)
from crisiskit.operations.statements import Medium, to_medium
from crisiskit.plan import BudgetCategory
from crisiskit.plan.vocabulary import to_budget_category
from crisiskit.sla import SlaMetric
from crisiskit.values.attributes import AttributeValue
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.labels import converted_all
from crisiskit.values.levels import Level, to_level
from crisiskit.values.money import Money
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import (
    Audience,
    CrisisType,
    Role,
    to_audience,
    to_crisis_type,
    to_role,
)

if TYPE_CHECKING:
    from crisiskit.crisis.aggregate import Crisis
    from crisiskit.crisis.context import Context

__all__ = [
    "COMMAND_TYPES",
    "REGISTRY",
    "UNSET",
    "Acknowledge",
    "AddCustomers",
    "AssessImpact",
    "Assign",
    "AttachSignal",
    "CheckSla",
    "Close",
    "Command",
    "CommandSpec",
    "Compensate",
    "CompleteAction",
    "Detect",
    "Dismiss",
    "ErasePersonalData",
    "Grade",
    "HandleCustomer",
    "HoldMeeting",
    "MarkDuplicateOf",
    "Merge",
    "PauseSla",
    "Policies",
    "ReachMilestone",
    "RecordCallback",
    "RecordExpense",
    "RecordQualityRemedy",
    "RecordReview",
    "Recover",
    "Relapse",
    "ReleaseStatement",
    "Reopen",
    "ReportProgress",
    "Respond",
    "ResumeSla",
    "SetAttributes",
    "SetLevel",
    "SetRecoveryPlan",
    "StartAction",
    "Unassign",
    "Unmerge",
    "Unset",
    "UpdateFacts",
    "UpdateImprovement",
    "Warn",
    "command",
    "execute",
]

F = TypeVar("F", bound=Callable[..., Any])

_SHAPE = ("actor", "reason", "expected_version")


@frozen
class CommandSpec:
    """What crisiskit knows about one command."""

    name: str
    """The command's name: the method's name on the crisis."""
    move: bool
    """True for a lifecycle move (it changes the state); False for a command of open crises."""
    reason_required: bool
    """True when the domain needs a reason (dismiss, relapse, reopen, set_level, …)."""
    anywhere: bool = False
    """True for a command that applies in every state, closed included (``check_sla``)."""
    offered: Callable[[Any], bool] | None = field(default=None, eq=False)
    """Whether to offer the command now, beyond what the state allows (for UI buttons)."""


REGISTRY: dict[str, CommandSpec] = {}
"""Every command, by name, in the order it was declared."""


def command(
    *,
    reason: Literal["optional", "required"] = "optional",
    anywhere: bool = False,
    offered: Callable[[Any], bool] | None = None,
) -> Callable[[F], F]:
    """Declare a crisis command: check its shape, register it, and run the common checks.

    Args:
        reason: ``"required"`` when the domain needs a reason for this command.
        anywhere: the command applies in every state, closed included.
        offered: a predicate saying whether the command makes sense now, beyond the state
            (``acknowledge`` only until acknowledged); used by ``allowed_commands()``.
    """

    def declare(method: F) -> F:
        name = method.__name__
        default_actor = _check_shape(name, method)
        spec = CommandSpec(name, name in MOVE_COMMANDS, reason == "required", anywhere, offered)
        if name in REGISTRY:
            raise TypeError(f"crisis command {name!r} is declared twice")
        REGISTRY[name] = spec

        @functools.wraps(method)
        def run(self: Crisis, *args: Any, **kwargs: Any) -> Any:
            actor = kwargs.get("actor", default_actor)
            if actor is None:
                raise TypeError(f"{name}() missing required keyword-only argument: 'actor'")
            self._admit(spec, actor, kwargs.get("reason"), kwargs.get("expected_version"))
            return method(self, *args, **kwargs)

        run.__crisiskit_command__ = spec  # type: ignore[attr-defined]
        return cast("F", run)

    return declare


def _check_shape(name: str, method: Callable[..., Any]) -> str | None:
    """Refuse a method not of the one command shape; return its default actor, if any."""
    params = inspect.signature(method).parameters
    keyword_only = [p.name for p in params.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    missing = [p for p in _SHAPE if p not in keyword_only]
    if missing:
        raise TypeError(
            f"crisis command {name}() must take keyword-only {', '.join(_SHAPE)}; "
            f"it lacks {', '.join(missing)}"
        )
    at = keyword_only.index("actor")
    # Domain arguments first; after the three, only the other crisis's expected version.
    after = keyword_only[at + 3 :]
    if keyword_only[at : at + 3] != list(_SHAPE) or any(
        not p.endswith("_expected_version") for p in after
    ):
        raise TypeError(
            f"crisis command {name}() must take its domain arguments first, then keyword-only "
            f"{', '.join(_SHAPE)}; got {', '.join(keyword_only)}"
        )
    default = params["actor"].default
    return None if default is inspect.Parameter.empty else str(default)


# --- commands as data ------------------------------------------------------------------

Result = TypeVar("Result")

Policies: TypeAlias = Mapping[str, Callable[[], GradingPolicy]]
"""A registry of grading policies by name, as :data:`crisiskit.grading.POLICIES`."""


class Unset(enum.Enum):
    """The value of a field that was not given (:class:`UpdateFacts` changes only the facts given)."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""A fact that :class:`UpdateFacts` leaves as it is."""


class Command(Generic[Result]):
    """A crisis command as data: the base of :class:`Assign`, :class:`SetLevel`, ….

    ``Result`` is what :meth:`Crisis.execute <crisiskit.crisis.Crisis.execute>` returns for
    it: the event the command records.
    """

    __slots__ = ()

    command: ClassVar[str]
    """The name of the :class:`~crisiskit.crisis.Crisis` method it runs (``"assign"``)."""

    if TYPE_CHECKING:
        actor: str
        reason: str | None
        expected_version: int | None

    def arguments(
        self, *, crises: Mapping[str, Crisis] | None = None, policies: Policies | None = None
    ) -> dict[str, Any]:
        """The keyword arguments the method is called with.

        The fields by name; a command that names another crisis or a policy looks it up in
        ``crises`` or ``policies`` (by default the shipped policies).
        """
        return {a.name: getattr(self, a.name) for a in attrs.fields(cast(Any, type(self)))}


COMMAND_TYPES: dict[str, type[Command[Any]]] = {}
"""Every command object class, by the name of the command it runs, in the order declared."""

C = TypeVar("C", bound=type[Command[Any]])


def _declare(cls: C) -> C:
    """Register a command object class: for serialisation, and by its command's name."""
    if cls.command in COMMAND_TYPES:  # pragma: no cover - a mistake in this module
        raise TypeError(f"two command objects run {cls.command!r}")
    COMMAND_TYPES[cls.command] = cls
    return serializable()(cls)


def _optional_role(value: Role | str | None) -> Role | None:
    return None if value is None else to_role(value)


def _metrics(value: Iterable[SlaMetric | str] | None) -> tuple[SlaMetric, ...] | None:
    return None if value is None else converted_all(value, SlaMetric)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return cast("tuple[str, ...]", _checks.to_tuple(value))


def _signals(value: Iterable[Signal]) -> tuple[Signal, ...]:
    return cast("tuple[Signal, ...]", _checks.to_tuple(value))


def _customers(value: Iterable[CustomerRef]) -> tuple[CustomerRef, ...]:
    return cast("tuple[CustomerRef, ...]", _checks.to_tuple(value))


def _factors(value: Mapping[str, float] | None) -> Mapping[str, float] | None:
    if value is None or not isinstance(value, Mapping):
        return value
    return _checks.FrozenMap(value)


def _attribute_changes(
    value: Mapping[str, AttributeValue | None],
) -> Mapping[str, AttributeValue | None]:
    if not isinstance(value, Mapping):
        return value
    return _checks.FrozenMap(
        {name: tuple(v) if isinstance(v, list) else v for name, v in value.items()}
    )


def _fact_time(value: dt.datetime | Unset | None) -> pendulum.DateTime | Unset | None:
    # As Facts keeps it: in UTC.
    return value if value is UNSET or value is None else _checks.as_instant(value)


def _is_metrics(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _checks.is_members(SlaMetric)(instance, attribute, value)


def _crisis(crises: Mapping[str, Crisis] | None, crisis_id: str, command: Command[Any]) -> Crisis:
    found = None if crises is None else crises.get(crisis_id)
    if found is None:
        raise ValidationError(
            _(
                "{command} names crisis {crisis_id!r}: pass it to execute() in "
                "crises={{{crisis_id!r}: ...}}",
                command=type(command).__name__,
                crisis_id=crisis_id,
            )
        )
    if found.id != crisis_id:
        raise ValidationError(
            _(
                "crises[{crisis_id!r}] is crisis {found!r}: the mapping must be by crisis id",
                crisis_id=crisis_id,
                found=found.id,
            )
        )
    return found


# The lifecycle moves.


@_declare
@frozen
class Warn(Command[WarningIssued]):
    """Issue a warning: :meth:`Crisis.warn <crisiskit.crisis.Crisis.warn>` as data."""

    command: ClassVar[str] = "warn"

    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Respond(Command[ResponseStarted]):
    """Start the response: :meth:`Crisis.respond <crisiskit.crisis.Crisis.respond>` as data."""

    command: ClassVar[str] = "respond"

    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Recover(Command[RecoveryStarted]):
    """Move into recovery: :meth:`Crisis.recover <crisiskit.crisis.Crisis.recover>` as data."""

    command: ClassVar[str] = "recover"

    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Close(Command[CrisisClosed]):
    """Close after recovery: :meth:`Crisis.close <crisiskit.crisis.Crisis.close>` as data."""

    command: ClassVar[str] = "close"

    summary: str
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Dismiss(Command[CrisisDismissed]):
    """Dismiss a false alarm: :meth:`Crisis.dismiss <crisiskit.crisis.Crisis.dismiss>` as data."""

    command: ClassVar[str] = "dismiss"

    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Relapse(Command[CrisisRelapsed]):
    """The crisis flared up again: :meth:`Crisis.relapse <crisiskit.crisis.Crisis.relapse>` as data."""

    command: ClassVar[str] = "relapse"

    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Reopen(Command[CrisisReopened]):
    """Reopen a closed crisis: :meth:`Crisis.reopen <crisiskit.crisis.Crisis.reopen>` as data."""

    command: ClassVar[str] = "reopen"

    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class MarkDuplicateOf(Command[MarkedDuplicate]):
    """Close as a duplicate: :meth:`Crisis.mark_duplicate_of <crisiskit.crisis.Crisis.mark_duplicate_of>` as data.

    It holds the canonical crisis's id; ``execute(command, crises={id: crisis})`` finds it.
    """

    command: ClassVar[str] = "mark_duplicate_of"

    canonical_id: str
    """The id of the crisis this one duplicates."""
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)

    def arguments(
        self, *, crises: Mapping[str, Crisis] | None = None, policies: Policies | None = None
    ) -> dict[str, Any]:
        """The fields, with the canonical crisis found in ``crises`` by its id."""
        found = _crisis(crises, self.canonical_id, self)
        return {"canonical": found, **_shape(self)}


# Signals, customers, facts and the level.


@_declare
@frozen
class AttachSignal(Command[SignalAttached]):
    """Attach a signal: :meth:`Crisis.attach_signal <crisiskit.crisis.Crisis.attach_signal>` as data."""

    command: ClassVar[str] = "attach_signal"

    signal: Signal
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class AddCustomers(Command[CustomersAdded]):
    """Record affected customers: :meth:`Crisis.add_customers <crisiskit.crisis.Crisis.add_customers>` as data."""

    command: ClassVar[str] = "add_customers"

    customers: tuple[CustomerRef, ...] = field(converter=_customers)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class UpdateFacts(Command[FactsUpdated]):
    """Fill in or correct facts: :meth:`Crisis.update_facts <crisiskit.crisis.Crisis.update_facts>` as data.

    One field per fact of :class:`~crisiskit.values.facts.Facts`; a fact left :data:`UNSET`
    is not changed (``None`` makes it unknown again). Serialised, only the facts given
    appear.
    """

    command: ClassVar[str] = "update_facts"

    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)
    time: pendulum.DateTime | Unset | None = field(
        default=UNSET, converter=_fact_time, kw_only=True
    )
    place: str | Unset | None = field(default=UNSET, kw_only=True)
    cause: str | Unset | None = field(default=UNSET, kw_only=True)
    course: str | Unset | None = field(default=UNSET, kw_only=True)
    scope: str | Unset | None = field(default=UNSET, kw_only=True)
    customers_affected: int | Unset | None = field(default=UNSET, kw_only=True)

    @property
    def changes(self) -> dict[str, object]:
        """The facts given, by name."""
        return {name: value for name in _FACTS if (value := getattr(self, name)) is not UNSET}

    def arguments(
        self, *, crises: Mapping[str, Crisis] | None = None, policies: Policies | None = None
    ) -> dict[str, Any]:
        """The facts given, and the actor, reason and expected version."""
        return {**_shape(self), **self.changes}

    def __crisiskit_unstructure__(self, converter: cattrs.Converter) -> dict[str, Any]:
        data: dict[str, Any] = {
            "actor": self.actor,
            "reason": self.reason,
            "expected_version": self.expected_version,
        }
        data.update({name: converter.unstructure(v) for name, v in self.changes.items()})
        return data

    @classmethod
    def __crisiskit_structure__(
        cls, data: Mapping[str, Any], converter: cattrs.Converter
    ) -> UpdateFacts:
        shape = converter.structure({k: v for k, v in data.items() if k in _SHAPE}, _Shape)
        given = {k: v for k, v in data.items() if k not in _SHAPE}
        facts = converter.structure(given, Facts)
        return cls(
            actor=shape.actor,
            reason=shape.reason,
            expected_version=shape.expected_version,
            **{name: getattr(facts, name) for name in given},
        )


_FACTS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Facts))


@frozen(kw_only=True)
class _Shape:
    actor: str
    reason: str | None = None
    expected_version: int | None = None


def _shape(command: Command[Any]) -> dict[str, Any]:
    return {name: getattr(command, name) for name in _SHAPE}


@_declare
@frozen
class SetLevel(Command[LevelChanged]):
    """Set the level by hand: :meth:`Crisis.set_level <crisiskit.crisis.Crisis.set_level>` as data."""

    command: ClassVar[str] = "set_level"

    level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Grade(Command[LevelChanged | AssessmentRecorded]):
    """Grade with a policy: :meth:`Crisis.grade <crisiskit.crisis.Crisis.grade>` as data.

    It names the policy (``"risk-matrix"`` or ``"risk-matrix@1"``); ``execute`` builds it from
    the ``policies`` registry it is given (by default :data:`crisiskit.grading.POLICIES`).
    """

    command: ClassVar[str] = "grade"

    policy: str
    """The policy's name, or ``"name@version"`` to insist on a version."""
    factors: Mapping[str, float] | None = field(default=None, converter=_factors, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)

    def arguments(
        self, *, crises: Mapping[str, Crisis] | None = None, policies: Policies | None = None
    ) -> dict[str, Any]:
        """The fields, with the policy built from ``policies`` by its name."""
        policy = policy_by_name(self.policy, registry=policies)
        return {"policy": policy, "factors": self.factors, **_shape(self)}


# The team, statements, customers' cases and the quality remedy.


@_declare
@frozen
class Acknowledge(Command[CrisisAcknowledged]):
    """Take the crisis on: :meth:`Crisis.acknowledge <crisiskit.crisis.Crisis.acknowledge>` as data."""

    command: ClassVar[str] = "acknowledge"

    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Assign(Command[TeamMemberAssigned]):
    """Put someone on the team: :meth:`Crisis.assign <crisiskit.crisis.Crisis.assign>` as data."""

    command: ClassVar[str] = "assign"

    role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    person: str
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class Unassign(Command[TeamMemberReleased]):
    """Take someone off the team: :meth:`Crisis.unassign <crisiskit.crisis.Crisis.unassign>` as data."""

    command: ClassVar[str] = "unassign"

    role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    person: str
    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class ReportProgress(Command[ProgressReported]):
    """An internal progress report: :meth:`Crisis.report_progress <crisiskit.crisis.Crisis.report_progress>` as data."""

    command: ClassVar[str] = "report_progress"

    summary: str
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class HoldMeeting(Command[MeetingHeld]):
    """A coordination meeting: :meth:`Crisis.hold_meeting <crisiskit.crisis.Crisis.hold_meeting>` as data."""

    command: ClassVar[str] = "hold_meeting"

    topic: str
    attendees: tuple[str, ...] = field(default=(), converter=_texts, kw_only=True)
    decisions: tuple[str, ...] = field(default=(), converter=_texts, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class ReleaseStatement(Command[StatementReleased]):
    """Release a statement: :meth:`Crisis.release_statement <crisiskit.crisis.Crisis.release_statement>` as data."""

    command: ClassVar[str] = "release_statement"

    audience: Audience = field(converter=to_audience, validator=_checks.is_member(Audience))
    wording: str
    medium: Medium = field(converter=to_medium, validator=_checks.is_member(Medium), kw_only=True)
    approved_by: str = field(kw_only=True)
    approver_role: Role | None = field(
        default=None,
        converter=_optional_role,
        validator=_checks.is_optional_member(Role),
        kw_only=True,
    )
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class HandleCustomer(Command[CustomerCaseUpdated]):
    """A step with one customer: :meth:`Crisis.handle_customer <crisiskit.crisis.Crisis.handle_customer>` as data."""

    command: ClassVar[str] = "handle_customer"

    customer_id: str
    step: CaseStep = field(converter=to_case_step, validator=_checks.is_member(CaseStep))
    note: str | None = field(default=None, kw_only=True)
    due_at: pendulum.DateTime | None = field(default=None, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class RecordQualityRemedy(Command[QualityRemedyRecorded]):
    """Record the quality remedy: :meth:`Crisis.record_quality_remedy <crisiskit.crisis.Crisis.record_quality_remedy>` as data."""

    command: ClassVar[str] = "record_quality_remedy"

    remedy: QualityRemedy
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


# Spending.


@_declare
@frozen
class Compensate(Command[CompensationGranted]):
    """Grant compensation: :meth:`Crisis.compensate <crisiskit.crisis.Crisis.compensate>` as data."""

    command: ClassVar[str] = "compensate"

    kind: CompensationKind = field(
        converter=to_compensation_kind, validator=_checks.is_member(CompensationKind)
    )
    amount: Money
    customer_id: str | None = field(default=None, kw_only=True)
    note: str | None = field(default=None, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class RecordExpense(Command[ExpenseRecorded]):
    """Record spending: :meth:`Crisis.record_expense <crisiskit.crisis.Crisis.record_expense>` as data."""

    command: ClassVar[str] = "record_expense"

    category: BudgetCategory = field(
        converter=to_budget_category, validator=_checks.is_member(BudgetCategory)
    )
    amount: Money
    note: str | None = field(default=None, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


# Recovery and the review.


@_declare
@frozen
class RecordCallback(Command[CallbackRecorded]):
    """A callback to a customer: :meth:`Crisis.record_callback <crisiskit.crisis.Crisis.record_callback>` as data."""

    command: ClassVar[str] = "record_callback"

    customer_id: str
    satisfaction: int
    comments: str | None = field(default=None, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class SetRecoveryPlan(Command[RecoveryPlanSet]):
    """Set the recovery plan: :meth:`Crisis.set_recovery_plan <crisiskit.crisis.Crisis.set_recovery_plan>` as data."""

    command: ClassVar[str] = "set_recovery_plan"

    plan: RecoveryPlan
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class ReachMilestone(Command[MilestoneReached]):
    """Mark a milestone reached: :meth:`Crisis.reach_milestone <crisiskit.crisis.Crisis.reach_milestone>` as data."""

    command: ClassVar[str] = "reach_milestone"

    name: str
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class AssessImpact(Command[ImpactAssessed]):
    """Record the business impact: :meth:`Crisis.assess_impact <crisiskit.crisis.Crisis.assess_impact>` as data."""

    command: ClassVar[str] = "assess_impact"

    assessment: ImpactAssessment
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class RecordReview(Command[ReviewRecorded]):
    """Record the review: :meth:`Crisis.record_review <crisiskit.crisis.Crisis.record_review>` as data."""

    command: ClassVar[str] = "record_review"

    review: Review
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


# The plan's actions and the review's improvements.


@_declare
@frozen
class StartAction(Command[ActionStarted]):
    """Take on a planned action: :meth:`Crisis.start_action <crisiskit.crisis.Crisis.start_action>` as data."""

    command: ClassVar[str] = "start_action"

    action_id: str
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class CompleteAction(Command[ActionCompleted]):
    """Complete a planned action: :meth:`Crisis.complete_action <crisiskit.crisis.Crisis.complete_action>` as data."""

    command: ClassVar[str] = "complete_action"

    action_id: str
    note: str | None = field(default=None, kw_only=True)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


def _improvement_number(value: int | str) -> int | str:
    found = improvement_number(value)
    return value if found is None else found


@_declare
@frozen
class UpdateImprovement(Command[ImprovementUpdated]):
    """Mark an improvement done or dropped: :meth:`Crisis.update_improvement <crisiskit.crisis.Crisis.update_improvement>` as data.

    ``improvement`` is its number, from 1 (``"improvement-2"`` reads as 2).
    """

    command: ClassVar[str] = "update_improvement"

    improvement: int = field(converter=_improvement_number, validator=_checks.is_count)
    status: ImprovementStatus = field(
        converter=to_improvement_status,
        validator=_checks.is_member(ImprovementStatus),
        kw_only=True,
    )
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


# SLA timers.


@_declare
@frozen
class PauseSla(Command[SlaTimersChanged]):
    """Pause SLA timers: :meth:`Crisis.pause_sla <crisiskit.crisis.Crisis.pause_sla>` as data."""

    command: ClassVar[str] = "pause_sla"

    metrics: tuple[SlaMetric, ...] | None = field(
        default=None, converter=_metrics, validator=_is_metrics, kw_only=True
    )
    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class ResumeSla(Command[SlaTimersChanged]):
    """Resume SLA timers: :meth:`Crisis.resume_sla <crisiskit.crisis.Crisis.resume_sla>` as data."""

    command: ClassVar[str] = "resume_sla"

    metrics: tuple[SlaMetric, ...] | None = field(
        default=None, converter=_metrics, validator=_is_metrics, kw_only=True
    )
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class CheckSla(Command[SlaAlertsRaised | None]):
    """Sweep the SLA timers: :meth:`Crisis.check_sla <crisiskit.crisis.Crisis.check_sla>` as data."""

    command: ClassVar[str] = "check_sla"

    actor: str = field(default="system", kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


# Merges: the other crisis by its id.


@_declare
@frozen
class Merge(Command[CrisisMerged]):
    """Merge another crisis in: :meth:`Crisis.merge <crisiskit.crisis.Crisis.merge>` as data.

    It holds the other crisis's id; ``execute(command, crises={id: other})`` finds it.
    """

    command: ClassVar[str] = "merge"

    other_id: str
    """The id of the crisis merged into this one."""
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)
    other_expected_version: int | None = field(default=None, kw_only=True)

    def arguments(
        self, *, crises: Mapping[str, Crisis] | None = None, policies: Policies | None = None
    ) -> dict[str, Any]:
        """The fields, with the other crisis found in ``crises`` by its id."""
        other = _crisis(crises, self.other_id, self)
        return {
            "other": other,
            **_shape(self),
            "other_expected_version": self.other_expected_version,
        }


@_declare
@frozen
class Unmerge(Command[CrisisUnmerged]):
    """Undo a merge: :meth:`Crisis.unmerge <crisiskit.crisis.Crisis.unmerge>` as data.

    It holds the other crisis's id; ``execute(command, crises={id: other})`` finds it.
    """

    command: ClassVar[str] = "unmerge"

    other_id: str
    """The id of the crisis merged into this one, to take back out."""
    actor: str = field(kw_only=True)
    reason: str = field(kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)
    other_expected_version: int | None = field(default=None, kw_only=True)

    def arguments(
        self, *, crises: Mapping[str, Crisis] | None = None, policies: Policies | None = None
    ) -> dict[str, Any]:
        """The fields, with the other crisis found in ``crises`` by its id."""
        other = _crisis(crises, self.other_id, self)
        return {
            "other": other,
            **_shape(self),
            "other_expected_version": self.other_expected_version,
        }


# The host's own attributes.


@_declare
@frozen
class SetAttributes(Command[AttributesSet]):
    """Set the host's attributes: :meth:`Crisis.set_attributes <crisiskit.crisis.Crisis.set_attributes>` as data."""

    command: ClassVar[str] = "set_attributes"

    values: Mapping[str, AttributeValue | None] = field(converter=_attribute_changes)
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


@_declare
@frozen
class ErasePersonalData(Command[PersonalDataErased]):
    """Erase a customer's personal data: :meth:`Crisis.erase_personal_data <crisiskit.crisis.Crisis.erase_personal_data>` as data."""

    command: ClassVar[str] = "erase_personal_data"

    customer_id: str
    actor: str = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)
    expected_version: int | None = field(default=None, kw_only=True)


# Creation.


@serializable()
@frozen(kw_only=True)
class Detect:
    """Open a new crisis: :meth:`Crisis.detect <crisiskit.crisis.Crisis.detect>` as data.

    Not a :class:`Command` — there is no crisis yet to execute it on: :meth:`run` it in a
    context to get the new crisis.
    """

    command: ClassVar[str] = "detect"

    crisis_id: str
    crisis_type: CrisisType = field(
        converter=to_crisis_type, validator=_checks.is_member(CrisisType)
    )
    title: str
    actor: str
    signals: tuple[Signal, ...] = field(default=(), converter=_signals)
    facts: Facts | None = None
    reason: str | None = None
    level: Level | None = field(
        default=None,
        converter=attrs.converters.optional(to_level),
        validator=_checks.is_optional_member(Level),
    )

    def run(self, context: Context) -> Crisis:
        """:meth:`Crisis.detect <crisiskit.crisis.Crisis.detect>` with these arguments, in ``context``."""
        from crisiskit.crisis.aggregate import Crisis  # noqa: PLC0415 - it imports this module

        return Crisis.detect(
            context, **{a.name: getattr(self, a.name) for a in attrs.fields(Detect)}
        )


def execute(
    crisis: Crisis,
    command: Command[Result],
    *,
    crises: Mapping[str, Crisis] | None = None,
    policies: Policies | None = None,
) -> Result:
    """Run ``command`` through the crisis's method of the same name; return what it returns.

    What :meth:`Crisis.execute <crisiskit.crisis.Crisis.execute>` does. An object that is not
    a command object raises :class:`~crisiskit.errors.UnknownValueError` naming the command
    objects there are.
    """
    cls: type[Any] = type(command)
    name = getattr(cls, "command", None)
    if not isinstance(name, str) or COMMAND_TYPES.get(name) is not cls:
        objects = tuple(sorted(c.__name__ for c in COMMAND_TYPES.values()))
        raise UnknownValueError(
            _(
                "execute() takes a crisis command object; got {type} (a Detect creates a "
                "crisis: Detect.run(context)). Command objects: {objects}",
                type=cls.__name__,
                objects=objects,
            )
            if cls is Detect
            else _(
                "execute() takes a crisis command object; got {type}. Command objects: {objects}",
                type=cls.__name__,
                objects=objects,
            )
        )
    arguments = command.arguments(crises=crises, policies=policies)
    return cast("Result", getattr(crisis, name)(**arguments))
