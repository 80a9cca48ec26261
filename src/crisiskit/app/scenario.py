"""Scripted scenarios: a crisis played step by step on a manual clock.

A :class:`Scenario` is data — JSON a user writes, or the built-in demo — that says which
crisis is detected, then what happens when: each :class:`Step` runs one command of the
:class:`~crisiskit.crisis.Crisis` at a time given absolutely (``at``) or after the previous
step (``after``). :func:`simulate` plays it with the emergency plan, the grading policy and
the SLA policy given, records the SLA milestones and breaches at the instants they fall
due, and returns the crisis, its events, a readable timeline and the figures. The same
machinery runs drills (:mod:`crisiskit.app.drills`) and the ``crisiskit demo`` and
``crisiskit simulate`` commands.

The JSON schema (``"after"`` is an ISO 8601 duration; datetimes are RFC 9557 or ISO 8601
with an offset)::

    {
      "type": "Scenario", "schema_version": 1,
      "name": "Yoghurt batch 0925",
      "zone": "Asia/Shanghai",
      "start": "2025-09-27T20:00:00+08:00[Asia/Shanghai]",
      "crisis_id": "CR-2025-0927",
      "crisis_type": "product_quality",
      "title": "Foreign object in yoghurt",
      "steps": [
        {"do": "detect", "actor": "monitor", "args": {"signals": [{"channel": "social_media",
          "description": "Weibo post", "metrics": {"heat": 8200}}]}},
        {"after": "PT10M", "do": "grade", "actor": "analyst",
         "args": {"factors": {"severity": 3, "scope": 3, "trend": 4, "brand_damage": 4,
                              "customer_loss": 3, "economic_loss": 2, "legal_risk": 3}}},
        {"after": "PT12M", "do": "acknowledge", "actor": "crisis-office"},
        {"after": "PT5M", "do": "respond", "actor": "gm", "expect": "refused"}
      ]
    }

``args`` are the command's arguments by name, in their JSON form (enums by value, money as
``{"amount": "39.90", "currency": "CNY"}``). A signal without ``observed_at`` is observed at
the step's time; a ``due`` given as a duration (``"PT24H"``) is that long after the step. A
step marked ``"expect": "refused"`` must be refused — a way to show the rules at work.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import cattrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.app.metrics import CrisisMetrics, crisis_metrics
from crisiskit.crisis import Context, Crisis
from crisiskit.crisis.commands import REGISTRY
from crisiskit.crisis.lifecycle import Guard, ReopenPolicy
from crisiskit.errors import CrisisKitError, SerializationError, ValidationError
from crisiskit.events import Event
from crisiskit.grading import POLICIES, GradingPolicy, policy_by_name
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import _converter, _describe, format_datetime, parse_duration
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus
from crisiskit.values.clock import ManualClock
from crisiskit.values.facts import Facts
from crisiskit.values.labels import LabelledEnum
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import CrisisState, CrisisType, to_crisis_type

__all__ = [
    "STEP_COMMANDS",
    "Outcome",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Step",
    "TimelineEntry",
    "simulate",
]

STEP_COMMANDS: frozenset[str] = frozenset({"detect", *REGISTRY}) - {
    "mark_duplicate_of",
    "merge",
    "unmerge",
}
"""The commands a scenario step may run (merges need a second crisis, so they are left out)."""

RENAMED_COMMANDS: Mapping[str, str] = {"regrade": "set_level", "release": "unassign"}
"""Command names of scenario files written before 0.2, read as their new names."""

RENAMED_ARGS: Mapping[str, Mapping[str, str]] = {"handle_customer": {"due": "due_at"}}
"""Argument names of scenario files written before 0.2, per command, read as their new names."""


def _current_name(value: object) -> object:
    return RENAMED_COMMANDS.get(value, value) if isinstance(value, str) else value


def _is_command(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in STEP_COMMANDS:
        raise ValidationError(
            f"Step.do must be a crisis command; got {value!r}. Allowed: {', '.join(sorted(STEP_COMMANDS))}"
        )


def _is_expect(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in {"done", "refused"}:
        raise ValidationError(f"Step.expect must be 'done' or 'refused'; got {value!r}")


def _is_non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.timedelta) or value < dt.timedelta(0)):
        raise ValidationError(f"Step.after must be a duration >= 0; got {value!r}")


@serializable()
@frozen(kw_only=True)
class Step:
    """One thing that happens in a scenario: a command, by an actor, at a time."""

    do: str = field(converter=_current_name, validator=_is_command)
    """The crisis command to run (``"warn"``, ``"grade"``, ``"handle_customer"``, …)."""
    actor: str = field(default="system", validator=_checks.is_text)
    """Who does it."""
    at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When, absolutely; or give ``after``."""
    after: dt.timedelta | None = field(default=None, validator=_is_non_negative)
    """How long after the previous step (default: at the same time)."""
    args: Mapping[str, Any] = field(factory=dict)
    """The command's arguments by name, in their JSON form."""
    expect: str = field(default="done", validator=_is_expect)
    """``"done"``, or ``"refused"`` for a step that must be refused."""
    note: str | None = field(default=None, validator=_checks.is_optional_text)
    """A comment for people reading the scenario; shown in the timeline."""

    def __attrs_post_init__(self) -> None:
        if self.at is not None and self.after is not None:
            raise ValidationError("a step takes 'at' or 'after', not both")
        if not isinstance(self.args, Mapping):
            raise ValidationError(
                f"Step.args must be an object of named arguments; got {self.args!r}"
            )


@serializable()
@frozen(kw_only=True)
class Scenario:
    """A crisis as a script: who detects it, then what happens when."""

    name: str = field(validator=_checks.is_text)
    """What the scenario is."""
    start: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When the first step happens (unless it gives its own ``at``)."""
    zone: str = field(default="UTC", validator=_checks.is_zone_name)
    """The zone the timeline is shown in."""
    crisis_id: str = field(validator=_checks.is_text)
    """The crisis's id."""
    crisis_type: CrisisType = field(
        converter=to_crisis_type, validator=_checks.is_member(CrisisType)
    )
    """Its type."""
    title: str = field(validator=_checks.is_text)
    """Its title."""
    steps: tuple[Step, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(Step, "Step")
    )
    """What happens, in order; the first step must be ``detect``."""

    def __attrs_post_init__(self) -> None:
        if not self.steps or self.steps[0].do != "detect":
            raise ValidationError("a scenario's first step must be 'detect'")
        if any(step.do == "detect" for step in self.steps[1:]):
            raise ValidationError("a scenario detects its crisis once, in the first step")


@frozen
class TimelineEntry:
    """One line of a simulation's timeline: an event, and how things stood right after it."""

    at: pendulum.DateTime
    """When (UTC; show it in the scenario's zone)."""
    event: Event
    """The event."""
    state: CrisisState
    """The crisis's state after it."""
    level: Level | None
    """The crisis's level after it."""
    sla: tuple[tuple[SlaMetric, SlaStatus, pendulum.DateTime | None], ...]
    """Each SLA timer's status and deadline after it."""
    note: str | None = None
    """The step's note, on the first event of a step."""
    step: int = 0
    """The index of the step that recorded it (SLA alerts due before a step: that step's)."""


@frozen
class Outcome:
    """A step that was refused, as expected or not."""

    step: int
    """The step's index (0-based)."""
    command: str
    """Its command."""
    at: pendulum.DateTime
    """When it was tried."""
    error: str
    """The error's type and message."""
    expected: bool
    """Whether the scenario expected the refusal."""


@frozen
class SimulationResult:
    """What a simulation produced."""

    scenario: Scenario
    """The scenario played."""
    crisis: Crisis
    """The crisis at the end."""
    events: tuple[Event, ...]
    """Every event, in order."""
    timeline: tuple[TimelineEntry, ...]
    """The events with the state, level and SLA status after each."""
    refusals: tuple[Outcome, ...]
    """The steps that were refused (all expected, or the simulation would have failed)."""
    metrics: CrisisMetrics
    """The crisis's figures."""
    ended_at: pendulum.DateTime
    """When the simulation stopped."""


class ScenarioError(CrisisKitError):
    """A scenario step failed in a way the scenario did not expect."""


def simulate(
    scenario: Scenario,
    *,
    plan: EmergencyPlan | None = None,
    sla: SlaPolicy | None = None,
    guards: Iterable[Guard] = (),
    reopen: ReopenPolicy | None = None,
    grading: GradingPolicy | None = None,
    policies: Mapping[str, Callable[[], GradingPolicy]] = POLICIES,
    until: pendulum.DateTime | None = None,
    sweep: bool = True,
    strict: bool = True,
) -> SimulationResult:
    """Play ``scenario`` on a manual clock and return what happened.

    Args:
        scenario: the script.
        plan: the emergency plan to play it under (default: none).
        sla: the SLA policy that times it (default: none).
        guards: extra lifecycle guards, as in a :class:`~crisiskit.crisis.Context`.
        reopen: the reopen policy (default: :class:`~crisiskit.crisis.lifecycle.ReopenPolicy`).
        grading: the policy ``grade`` steps use unless they name one (``"policy":
            "risk-matrix@1"``); default ``risk-matrix``.
        policies: the policies a step may name: the shipped ones, or
            ``{**POLICIES, "acme": AcmePolicy}`` to let scenarios name your own.
        until: stop before the first step after this instant (SLA alerts up to it are
            still recorded).
        sweep: record SLA milestones and breaches at the instants they fall due.
        strict: a step refused unexpectedly (or let through when a refusal was expected)
            fails the simulation; with ``strict=False`` — a drill — it is recorded in
            ``refusals`` and the scenario goes on.

    Raises:
        ScenarioError: a step was refused that the scenario did not mark ``"expect":
            "refused"``, or a step so marked went through. The message names the step.
    """
    limit = None if until is None else _checks.instant("simulate(until=)", until)
    clock = ManualClock(scenario.start)
    run_context = Context(
        clock, guards=tuple(guards), reopen=reopen or ReopenPolicy(), plan=plan, sla=sla
    )
    default_policy = grading if grading is not None else policy_by_name("risk-matrix")
    registry = policies
    crisis: Crisis | None = None
    events: list[Event] = []
    timeline: list[TimelineEntry] = []
    refusals: list[Outcome] = []
    moment = scenario.start

    def collect(note: str | None, step: int) -> None:
        assert crisis is not None
        new = crisis.pull_events()
        for index, event in enumerate(new):
            events.append(event)
            timeline.append(_entry(crisis, event, run_context, note if index == 0 else None, step))

    for index, step in enumerate(scenario.steps):
        target = step.at if step.at is not None else moment + (step.after or dt.timedelta(0))
        if target < moment:
            raise ScenarioError(
                f"step {index} ({step.do}) is at {target.isoformat()}, before the step before it"
            )
        if limit is not None and target > limit:
            break
        if crisis is not None and sweep:
            _sweep_until(crisis, clock, target, functools.partial(collect, None, index))
        clock.set(target)
        moment = target
        if step.do == "detect":
            crisis = _detect(scenario, step, run_context, index)
            collect(step.note, index)
            continue
        assert crisis is not None
        try:
            _run(crisis, step, index, clock.now(), default_policy=default_policy, registry=registry)
        except (ScenarioError, SerializationError):
            raise  # a mistake in the scenario itself, not a refusal
        except CrisisKitError as exc:
            expected = step.expect == "refused"
            if not expected and strict:
                raise ScenarioError(
                    f"step {index} ({step.do} by {step.actor}) was refused: {type(exc).__name__}: {exc}"
                ) from exc
            refusals.append(
                Outcome(index, step.do, clock.now(), f"{type(exc).__name__}: {exc}", expected)
            )
            continue
        if step.expect == "refused" and strict:
            raise ScenarioError(
                f"step {index} ({step.do}) was expected to be refused, but it went through"
            )
        collect(step.note, index)
    if crisis is None:  # pragma: no cover - the scenario's validator requires a detect step
        raise ScenarioError("the scenario never detected its crisis")
    end = max(moment, limit) if limit is not None else moment
    if sweep and limit is not None:
        _sweep_until(crisis, clock, limit, functools.partial(collect, None, len(scenario.steps)))
        clock.set(max(clock.now(), limit))
    return SimulationResult(
        scenario=scenario,
        crisis=crisis,
        events=tuple(events),
        timeline=tuple(timeline),
        refusals=tuple(refusals),
        metrics=crisis_metrics(events, as_of=end),
        ended_at=end,
    )


def _sweep_until(
    crisis: Crisis, clock: ManualClock, target: pendulum.DateTime, collect: Callable[[], None]
) -> None:
    if crisis.context is None or crisis.context.sla is None:
        return
    while (due := crisis.sla_next_due) is not None and due <= target:
        clock.set(max(due, clock.now()))
        if crisis.check_sla() is None:
            break
        collect()


def _entry(
    crisis: Crisis, event: Event, context: Context, note: str | None, step: int
) -> TimelineEntry:
    sla = crisis.sla_status(event.occurred_at) if context.sla is not None else ()
    return TimelineEntry(event.occurred_at, event, crisis.state, crisis.level, sla, note, step)


def _detect(scenario: Scenario, step: Step, context: Context, index: int) -> Crisis:
    args = _structure_args(
        Crisis.detect,
        step,
        index,
        context.clock.now(),
        skip={"context", "crisis_id", "crisis_type", "title"},
    )
    try:
        return Crisis.detect(
            context,
            crisis_id=scenario.crisis_id,
            crisis_type=scenario.crisis_type,
            title=scenario.title,
            actor=step.actor,
            **args,
        )
    except CrisisKitError as exc:
        raise ScenarioError(
            f"step {index} (detect) was refused: {type(exc).__name__}: {exc}"
        ) from exc


def _run(
    crisis: Crisis,
    step: Step,
    index: int,
    now: pendulum.DateTime,
    *,
    default_policy: GradingPolicy,
    registry: Mapping[str, Callable[[], GradingPolicy]],
) -> None:
    if step.do == "check_sla":
        crisis.check_sla(actor=step.actor)
        return
    renamed = RENAMED_ARGS.get(step.do)
    if renamed and any(name in step.args for name in renamed):
        step = attrs.evolve(step, args={renamed.get(k, k): v for k, v in step.args.items()})
    method = getattr(crisis, step.do)
    raw = dict(step.args)
    if step.do == "grade":
        name = raw.pop("policy", None)
        policy = default_policy if name is None else policy_by_name(str(name), registry=registry)
        args = _structure_args(
            Crisis.grade, Step(do="grade", args=raw), index, now, skip={"policy"}
        )
        method(policy, actor=step.actor, **args)
        return
    if step.do == "update_facts":
        args = _structure_facts(raw, index)
        method(actor=step.actor, **args)
        return
    args = _structure_args(getattr(Crisis, step.do), step, index, now)
    method(actor=step.actor, **args)


def _structure_args(
    function: Any, step: Step, index: int, now: pendulum.DateTime, skip: Iterable[str] = ()
) -> dict[str, Any]:
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    reserved = {"self", "cls", "actor", "expected_version", "other_expected_version", *skip}
    known = [name for name in signature.parameters if name not in reserved]
    unknown = sorted(set(step.args) - set(known))
    if unknown:
        raise SerializationError(
            f"$.steps[{index}].args: {step.do} has no argument {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(known) or 'none'}"
        )
    missing = [
        name
        for name in known
        if signature.parameters[name].default is inspect.Parameter.empty
        and signature.parameters[name].kind is not inspect.Parameter.VAR_KEYWORD
        and name not in step.args
    ]
    if missing:
        raise SerializationError(f"$.steps[{index}].args: {step.do} needs {', '.join(missing)}")
    result = {}
    for name, value in step.args.items():
        hint = _concrete(hints[name])
        result[name] = _structure(_fill(value, hint, now), hint, f"$.steps[{index}].args.{name}")
    return result


def _structure_facts(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    hints = typing.get_type_hints(Facts)
    result = {}
    for name, value in raw.items():
        if name not in hints:
            raise SerializationError(
                f"$.steps[{index}].args: update_facts has no fact {name!r}; facts: {', '.join(hints)}"
            )
        result[name] = _structure(value, hints[name], f"$.steps[{index}].args.{name}")
    return result


def _concrete(hint: Any) -> Any:
    """Read ``Iterable[X]`` as ``tuple[X, ...]``: JSON gives lists."""
    origin = typing.get_origin(hint)
    if origin in (Iterable, Sequence, typing.get_origin(Iterable[int])):
        return tuple[typing.get_args(hint)[0], ...]  # type: ignore[misc]
    if origin in (typing.Union, type(int | None)):
        args = typing.get_args(hint)
        if any(isinstance(arg, type) and issubclass(arg, LabelledEnum) for arg in args):
            # ``Level | str``: a command reads a label too; the file holds the code.
            args = tuple(arg for arg in args if arg is not str)
        if len(args) == 1:
            return _concrete(args[0])
        return typing.Union[tuple(_concrete(arg) for arg in args)]  # noqa: UP007
    return hint


def _fill(value: Any, hint: Any, now: pendulum.DateTime) -> Any:
    """Defaults a scenario may leave out: a signal's time, a due time given as a duration."""
    args = typing.get_args(hint)
    if hint is Signal and isinstance(value, Mapping) and "observed_at" not in value:
        return {**value, "observed_at": format_datetime(now)}
    if typing.get_origin(hint) is tuple and args and args[0] is Signal and isinstance(value, list):
        return [_fill(item, Signal, now) for item in value]
    if pendulum.DateTime in args and isinstance(value, str) and value.lstrip("-").startswith("P"):
        return format_datetime(now + parse_duration(value))
    return value


def _structure(value: Any, hint: Any, path: str) -> Any:
    converter = _converter()
    try:
        return converter.structure(value, hint)
    except CrisisKitError as exc:
        raise SerializationError(f"{exc} @ {path}") from None
    except cattrs.BaseValidationError as exc:
        messages = cattrs.transform_error(exc, path=path, format_exception=_describe)
        raise SerializationError("; ".join(messages)) from None
    except Exception as exc:
        raise SerializationError(f"{path}: cannot read {value!r}: {exc}") from None
