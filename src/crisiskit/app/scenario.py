"""Scripted scenarios: a crisis played step by step on a manual clock.

A :class:`Scenario` is data — JSON a user writes, or the built-in demo — that says which
crisis is detected, then what happens when: each :class:`Step` runs one command of the
:class:`~crisiskit.crisis.Crisis` at a time given absolutely (``at``) or after the previous
step (``after``). :func:`simulate` plays it with the emergency plan, the grading policy and
the SLA policy given, records the SLA milestones and breaches at the instants they fall
due, and returns the crisis, its events, a readable timeline and the figures. The same
machinery runs drills (:mod:`crisiskit.app.drills`) and the ``crisiskit demo`` and
``crisiskit simulate`` commands.

The JSON schema, scenario format 2 (``"after"`` is an ISO 8601 duration; datetimes are
RFC 9557 or ISO 8601 with an offset)::

    {
      "type": "Scenario", "schema_version": 1, "format": 2,
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

A step is a :mod:`command object <crisiskit.crisis.commands>`: ``do`` names the command,
``args`` holds the fields of its class (:class:`~crisiskit.crisis.commands.Assign`,
:class:`~crisiskit.crisis.commands.SetLevel`, …) by name in their JSON form — enums by
value, money as ``{"amount": "39.90", "currency": "CNY"}`` — and the step's ``actor`` is
its actor; :meth:`Scenario.commands` gives them, and :func:`simulate` executes them. A
signal without ``observed_at`` is observed at the step's time; a datetime given as a
duration (``"due_at": "PT24H"``) is that long after the step. A step marked ``"expect":
"refused"`` must be refused — a way to show the rules at work.

A file without ``"format"`` is of format 1, written before the command classes: it is read
with the names of before 0.2 (:data:`RENAMED_COMMANDS`, :data:`RENAMED_ARGS`), and a step
that cannot be read so is refused with a message saying why.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import cattrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.crisis import Context, Crisis
from crisiskit.crisis.commands import (
    COMMAND_TYPES,
    Command,
    Detect,
    Grade,
    MarkDuplicateOf,
    Merge,
    Unmerge,
    UpdateFacts,
)
from crisiskit.crisis.lifecycle import Guard, ReopenPolicy
from crisiskit.errors import (
    CrisisKitError,
    SerializationError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.events import Event
from crisiskit.grading import POLICIES, GradingPolicy, policy_by_name
from crisiskit.messages import Message, _
from crisiskit.plan import EmergencyPlan
from crisiskit.reports.figures import CrisisMetrics, crisis_metrics
from crisiskit.serialization import SCHEMA_VERSION, format_datetime, from_dict, parse_duration
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus
from crisiskit.values.clock import ManualClock
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import CrisisState, CrisisType, to_crisis_type

__all__ = [
    "RENAMED_ARGS",
    "RENAMED_COMMANDS",
    "SCENARIO_FORMAT",
    "STEP_COMMANDS",
    "Outcome",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Step",
    "TimelineEntry",
    "command_label",
    "simulate",
    "step_arguments",
]

SCENARIO_FORMAT = 2
"""The scenario format this crisiskit writes: steps are the command classes.

Format 1, a file without ``"format"``, is read with the names of before 0.2.
"""

_TWO_CRISES: tuple[type[Command[Any]], ...] = (MarkDuplicateOf, Merge, Unmerge)

STEP_COMMANDS: frozenset[str] = frozenset(
    {Detect.command, *COMMAND_TYPES} - {cls.command for cls in _TWO_CRISES}
)
"""The commands a scenario step may run: ``detect`` and every command object's but the
merges', which need a second crisis."""

RENAMED_COMMANDS: Mapping[str, str] = {"regrade": "set_level", "release": "unassign"}
"""Command names of scenario format 1 (before 0.2), read as their new names."""

RENAMED_ARGS: Mapping[str, Mapping[str, str]] = {"handle_customer": {"due": "due_at"}}
"""Argument names of scenario format 1 (before 0.2), per command, read as their new names."""

_COMMAND_ZH: Mapping[str, str] = {
    "detect": "发现危机",
    "acknowledge": "受理",
    "add_customers": "添加客户",
    "assess_impact": "影响评估",
    "assign": "人员到位",
    "attach_signal": "新增预警信息",
    "check_sla": "检查时限",
    "close": "关闭",
    "compensate": "给予补偿",
    "complete_action": "完成预案行动",
    "dismiss": "误报撤销",
    "erase_personal_data": "删除个人信息",
    "grade": "定级",
    "handle_customer": "客户处理",
    "hold_meeting": "召开会议",
    "pause_sla": "暂停计时",
    "reach_milestone": "达成里程碑",
    "record_callback": "客户回访",
    "record_expense": "记录支出",
    "record_quality_remedy": "质量整改",
    "record_review": "总结复盘",
    "recover": "进入恢复",
    "relapse": "危机反复",
    "release_statement": "对外发布",
    "reopen": "重新打开",
    "report_progress": "进展通报",
    "respond": "启动应急响应",
    "resume_sla": "恢复计时",
    "set_attributes": "设置属性",
    "set_level": "调整级别",
    "set_recovery_plan": "制定恢复计划",
    "start_action": "开始预案行动",
    "unassign": "人员撤离",
    "update_facts": "事实更新",
    "update_improvement": "更新改进措施",
    "warn": "发布预警",
}


def command_label(command: str, lang: str = "en") -> str:
    """A step command for people: its code in English, its Chinese name in Chinese.

    >>> command_label("respond", "zh")
    '启动应急响应'
    >>> command_label("respond")
    'respond'
    """
    return _COMMAND_ZH.get(command, command) if lang == "zh" else command


@frozen
class _Command:
    """A command's code that says itself in Chinese inside a message."""

    code: str

    def __str__(self) -> str:
        return self.code

    def label(self, lang: str = "en") -> str:
        return command_label(self.code, lang)


def _reason(exc: BaseException) -> str:
    """An error's message, as a translatable :class:`~crisiskit.messages.Message` when it is one."""
    message = exc.args[0] if len(exc.args) == 1 else None
    return message if isinstance(message, Message) else str(exc)


_FROM_SCENARIO = ("crisis_id", "crisis_type", "title")
_SHAPE = ("actor", "reason", "expected_version")


def _current_name(value: object) -> object:
    if isinstance(value, str) and value in RENAMED_COMMANDS:
        warnings.warn(
            f"Step(do={value!r}) is now Step(do={RENAMED_COMMANDS[value]!r}); the old name "
            "goes in crisiskit 0.3",
            DeprecationWarning,
            stacklevel=4,
        )
        return RENAMED_COMMANDS[value]
    return value


def _is_command(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_command(value)


def _check_command(value: object) -> None:
    if value in STEP_COMMANDS:
        return
    why = " (it needs a second crisis, and a scenario plays one)" if value in COMMAND_TYPES else ""
    raise UnknownValueError(
        f"Step.do must be a crisis command a scenario can run; got {value!r}{why}. "
        f"Allowed: {', '.join(sorted(STEP_COMMANDS))}"
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
    """The command's arguments by name, in their JSON form: the fields of its command class,
    but the actor (the step's) and, for ``detect``, the crisis's id, type and title (the
    scenario's)."""
    expect: str = field(default="done", validator=_is_expect)
    """``"done"``, or ``"refused"`` for a step that must be refused."""
    note: str | None = field(default=None, validator=_checks.is_optional_text)
    """A comment for people reading the scenario; shown in the timeline."""

    def __attrs_post_init__(self) -> None:
        if self.at is not None and self.after is not None:
            raise ValidationError(_("a step takes 'at' or 'after', not both"))
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
            raise ValidationError(_("a scenario's first step must be 'detect'"))
        if any(step.do == "detect" for step in self.steps[1:]):
            raise ValidationError(_("a scenario detects its crisis once, in the first step"))

    def times(self) -> tuple[pendulum.DateTime, ...]:
        """When each step happens, in UTC.

        Raises:
            ScenarioError: a step is before the step before it.
        """
        moment = self.start
        found = []
        for index, step in enumerate(self.steps):
            target = step.at if step.at is not None else moment + (step.after or dt.timedelta(0))
            if target < moment:
                raise ScenarioError(
                    _(
                        "step {step} ({command}) is at {at}, before the step before it",
                        step=index + 1,
                        command=_Command(step.do),
                        at=target.isoformat(),
                    )
                )
            found.append(target)
            moment = target
        return tuple(found)

    def commands(self, *, grading: str = "risk-matrix") -> tuple[Detect | Command[Any], ...]:
        """Each step as the command object it runs: :class:`~crisiskit.crisis.commands.Detect`, then the others.

        A step's ``args`` are read as the fields of its command class, with the step's actor
        and the step's time for what a scenario may leave out (a signal's ``observed_at``, a
        datetime given as a duration).

        Args:
            grading: the policy of ``grade`` steps that name none (``"risk-matrix@1"``).

        Raises:
            SerializationError: a step's arguments are not its command's; the message gives
                the path, ``$.steps[7].args.step``.
            ScenarioError: a step is before the step before it.
        """
        return tuple(_command(self, index, at, grading) for index, at in enumerate(self.times()))

    def __crisiskit_unstructure__(self, converter: cattrs.Converter) -> dict[str, Any]:
        data: dict[str, Any] = converter.unstructure(self, Scenario)
        return {"format": SCENARIO_FORMAT, **data}

    @classmethod
    def __crisiskit_structure__(
        cls, data: Mapping[str, Any], converter: cattrs.Converter
    ) -> Scenario:
        payload = dict(data)
        version = payload.pop("format", 1)
        if isinstance(version, bool) or version not in (1, SCENARIO_FORMAT):
            raise SerializationError(
                f"$.format: this crisiskit reads scenario formats 1 and {SCENARIO_FORMAT}; "
                f"got {version!r}"
            )
        payload = _from_format_1(payload) if version == 1 else _refuse_old_names(payload)
        scenario: Scenario = converter.structure(payload, Scenario)
        return scenario


def _from_format_1(data: dict[str, Any]) -> dict[str, Any]:
    """A scenario of format 1 (before 0.2) in today's names, or a message saying why not."""
    steps = data.get("steps")
    if not isinstance(steps, list):
        return data
    migrated = []
    for index, given in enumerate(steps):
        if not isinstance(given, Mapping):
            migrated.append(given)
            continue
        step = dict(given)
        do = step.get("do")
        if isinstance(do, str) and do in RENAMED_COMMANDS:
            step["do"] = do = RENAMED_COMMANDS[do]
        renamed = RENAMED_ARGS.get(do) if isinstance(do, str) else None
        args = step.get("args")
        if renamed and isinstance(args, Mapping):
            for old, new in renamed.items():
                if old in args and new in args:
                    raise SerializationError(
                        f"$.steps[{index}].args: a step of scenario format 1 that gives both "
                        f"{old!r} (its name before 0.2) and {new!r} cannot be read; keep {new!r}"
                    )
            step["args"] = {renamed.get(k, k): v for k, v in args.items()}
        migrated.append(step)
    return {**data, "steps": migrated}


def _refuse_old_names(data: dict[str, Any]) -> dict[str, Any]:
    """A scenario of today's format as it is, unless it uses a name of before 0.2."""
    steps = data.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else ()):
        do = step.get("do") if isinstance(step, Mapping) else None
        if not isinstance(do, str):
            continue
        if do in RENAMED_COMMANDS:
            raise SerializationError(
                f"$.steps[{index}].do: {do!r} is the name before 0.2 of "
                f"{RENAMED_COMMANDS[do]!r}; a file of scenario format {SCENARIO_FORMAT} takes "
                'today\'s names (a file without "format" is read with the old ones)'
            )
        args = step.get("args")
        old = RENAMED_ARGS.get(do, {})
        for name in sorted(set(args) & set(old) if isinstance(args, Mapping) else ()):
            raise SerializationError(
                f"$.steps[{index}].args: {name!r} is the name before 0.2 of {do}'s "
                f"{old[name]!r}; a file of scenario format {SCENARIO_FORMAT} takes today's names"
            )
    return data


def step_arguments(do: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The arguments a step of command ``do`` gives in ``args``: (required, optional).

    The fields of its command class, but the actor (the step's own) and, for ``detect``, the
    crisis's id, type and title (the scenario's). A ``grade`` step's ``policy`` is optional:
    the simulation's grading policy when left out.
    """
    cls = _command_type(do)
    fields = [a for a in attrs.fields(cls) if a.name not in _given_by_step(cls)]
    required = tuple(
        a.name
        for a in fields
        if a.default is attrs.NOTHING and not (cls is Grade and a.name == "policy")
    )
    return required, tuple(a.name for a in fields if a.name not in required)


def _command_type(do: str) -> type[Any]:
    _check_command(do)
    return Detect if do == Detect.command else COMMAND_TYPES[do]


def _given_by_step(cls: type[Any]) -> tuple[str, ...]:
    return ("actor", *_FROM_SCENARIO) if cls is Detect else ("actor",)


def _command(
    scenario: Scenario, index: int, at: pendulum.DateTime, grading: str
) -> Detect | Command[Any]:
    """Step ``index`` as its command object, at ``at``."""
    step = scenario.steps[index]
    cls = _command_type(step.do)
    where = f"$.steps[{index}].args"
    given = _current_args(step, where)
    taken = sorted(set(given) & set(_given_by_step(cls)))
    if taken:
        names = tuple(map(repr, taken))
        raise SerializationError(
            _(
                "{where}: {command} takes {names} from the scenario and the step, not from "
                "its args",
                where=where,
                command=step.do,
                names=names,
            )
            if cls is Detect
            else _(
                "{where}: {command} takes {names} from the step, not from its args",
                where=where,
                command=step.do,
                names=names,
            )
        )
    required, optional = step_arguments(step.do)
    unknown = sorted(set(given) - {*required, *optional})
    if unknown:
        names = tuple(map(repr, unknown))
        if cls is UpdateFacts:
            raise SerializationError(
                _(
                    "{where}: {command} has no fact {names}; facts: {facts}; and {others}",
                    where=where,
                    command=step.do,
                    names=names,
                    facts=tuple(name for name in optional if name not in _SHAPE),
                    others=_SHAPE[1:],
                )
            )
        raise SerializationError(
            _(
                "{where}: {command} has no argument {names}; it takes {takes}",
                where=where,
                command=step.do,
                names=names,
                takes=(*required, *optional) or ("none",),
            )
        )
    missing = tuple(name for name in required if name not in given)
    if missing:
        raise SerializationError(
            _("{where}: {command} needs {names}", where=where, command=step.do, names=missing)
        )
    if cls is Grade and "policy" not in given:
        given["policy"] = grading
    types = typing.get_type_hints(cls)
    data = {name: _fill(value, types[name], at) for name, value in given.items()}
    data["actor"] = step.actor
    if cls is Detect:
        data.update(
            crisis_id=scenario.crisis_id,
            crisis_type=scenario.crisis_type.value,
            title=scenario.title,
        )
    try:
        command: Detect | Command[Any] = from_dict(
            {"type": cls.__name__, "schema_version": SCHEMA_VERSION, **data}, cls
        )
    except SerializationError as exc:
        raise SerializationError(_at_step(exc.args[0] if exc.args else str(exc), where)) from None
    return command


def _current_args(step: Step, where: str) -> dict[str, Any]:
    """A step's args, with the argument names of before 0.2 of a step built in Python renamed."""
    old = RENAMED_ARGS.get(step.do, {})
    given = dict(step.args)
    for name in sorted(set(given) & set(old)):
        if old[name] in given:
            raise SerializationError(
                _(
                    "{where}: {command} takes {new!r} or {old!r} (its name before 0.2), not both",
                    where=where,
                    command=step.do,
                    new=old[name],
                    old=name,
                )
            )
        warnings.warn(
            f"Step args {name!r} of {step.do} is now {old[name]!r}; the old name goes in "
            "crisiskit 0.3",
            DeprecationWarning,
            stacklevel=5,
        )
        given[old[name]] = given.pop(name)
    return given


def _at_step(message: str, where: str) -> Message:
    """A message about a command's fields (``@ $.level``), about the step's args instead.

    Said in either language: the path is put right in the message as each says it.
    """
    return Message("{text}", {"text": _AtStep(message, where)})


class _AtStep:
    """A message whose field paths start at a step's args, in the language it is said in."""

    __slots__ = ("message", "where")

    def __init__(self, message: str, where: str) -> None:
        self.message = message
        self.where = where

    def label(self, lang: str = "en") -> str:
        text = self.message.text(lang) if isinstance(self.message, Message) else self.message
        if "$" not in text:
            return _("{where}: {problem}", where=self.where, problem=text).text(lang)
        # "@ $.level" in English, "（位置 $.level）" in Chinese: the path's root is the step.
        return re.sub(r"(@ |位置 )\$(?=[.\[;）]|$)", lambda m: m.group(1) + self.where, text)


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
    """The step's index (0-based: people read step ``step + 1``)."""
    command: str
    """Its command."""
    at: pendulum.DateTime
    """When it was tried."""
    error: str
    """The error's type and message."""
    expected: bool
    """Whether the scenario expected the refusal."""
    message: str = ""
    """The error's message alone, to show people: ``say(outcome.message, "zh")``
    (:func:`crisiskit.messages.say`) reads it in Chinese when the error's message can be."""


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

    Each step runs as its command object (:meth:`Scenario.commands`), executed with
    :meth:`Crisis.execute <crisiskit.crisis.Crisis.execute>`.

    Raises:
        ScenarioError: a step was refused that the scenario did not mark ``"expect":
            "refused"``, or a step so marked went through. The message names the step.
        SerializationError: a step's arguments are not its command's (before anything runs).
    """
    limit = None if until is None else _checks.instant("simulate(until=)", until)
    clock = ManualClock(scenario.start)
    run_context = Context(
        clock, guards=tuple(guards), reopen=reopen or ReopenPolicy(), plan=plan, sla=sla
    )
    default_policy = grading if grading is not None else policy_by_name("risk-matrix")
    # A grade step that names no policy grades with the default, whatever the registry holds.
    default_registry = {default_policy.name: lambda: default_policy}
    times = scenario.times()
    commands = scenario.commands(grading=default_policy.id)
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

    for index, (step, target, command) in enumerate(
        zip(scenario.steps, times, commands, strict=True)
    ):
        if limit is not None and target > limit:
            break
        if crisis is not None and sweep:
            _sweep_until(crisis, clock, target, functools.partial(collect, None, index))
        clock.set(target)
        moment = target
        if isinstance(command, Detect):
            crisis = _detect(command, run_context, index)
            collect(step.note, index)
            continue
        assert crisis is not None
        try:
            crisis.execute(
                command, policies=policies if "policy" in step.args else default_registry
            )
        except CrisisKitError as exc:
            expected = step.expect == "refused"
            if not expected and strict:
                raise ScenarioError(
                    _(
                        "step {step} ({command} by {actor}) was refused: {error}",
                        step=index + 1,
                        command=_Command(step.do),
                        actor=step.actor,
                        error=_reason(exc),
                    )
                ) from exc
            refusals.append(
                Outcome(
                    index,
                    step.do,
                    clock.now(),
                    f"{type(exc).__name__}: {exc}",
                    expected,
                    _reason(exc),
                )
            )
            continue
        if step.expect == "refused" and strict:
            raise ScenarioError(
                _(
                    "step {step} ({command}) was expected to be refused, but it went through",
                    step=index + 1,
                    command=_Command(step.do),
                )
            )
        collect(step.note, index)
    if crisis is None:  # pragma: no cover - the scenario's validator requires a detect step
        raise ScenarioError(_("the scenario never detected its crisis"))
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


def _detect(command: Detect, context: Context, index: int) -> Crisis:
    try:
        return command.run(context)
    except CrisisKitError as exc:
        raise ScenarioError(
            _("step {step} (detect) was refused: {error}", step=index + 1, error=_reason(exc))
        ) from exc


def _fill(value: Any, hint: Any, now: pendulum.DateTime) -> Any:
    """Defaults a scenario may leave out: a signal's time, a datetime given as a duration."""
    args = typing.get_args(hint)
    if hint is Signal and isinstance(value, Mapping) and "observed_at" not in value:
        return {**value, "observed_at": format_datetime(now)}
    if typing.get_origin(hint) is tuple and args and args[0] is Signal and isinstance(value, list):
        return [_fill(item, Signal, now) for item in value]
    if pendulum.DateTime in args and isinstance(value, str) and value.lstrip("-").startswith("P"):
        return format_datetime(now + parse_duration(value))
    return value
