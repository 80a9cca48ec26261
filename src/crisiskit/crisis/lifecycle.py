"""The crisis lifecycle: ``detected → warned → responding → recovering → closed``.

:class:`CrisisLifecycle` is a declarative python-statemachine ``StateMachine`` (not a
``StateChart``, whose defaults would swallow an error raised in a guard and still move the
state). It decides which moves are allowed from which state and runs the pluggable
:class:`Guard` conditions; the :class:`~crisiskit.crisis.Crisis` aggregate records the
result as a domain event. Replaying events never goes through the machine: events are facts
that were validated when they happened.

Moves:

========== ====================================== ======================================
command    from → to                              requires
========== ====================================== ======================================
warn       detected → warned
respond    warned → responding; detected → responding (a sudden crisis)
recover    responding → recovering
close      recovering → closed                    a closing summary
dismiss    detected, warned → closed              a reason (a false alarm)
relapse    recovering → responding                a reason
reopen     closed → responding                    a reason, within the :class:`ReopenPolicy`
========== ====================================== ======================================

Commands that do not move the state (set_level, attach a signal, update facts, …) are allowed
in every open state.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pendulum
from attrs import field, frozen
from statemachine import Event, State, StateMachine

from crisiskit._internal import checks as _checks
from crisiskit.errors import InvalidTransition, ValidationError
from crisiskit.messages import Message, _, coded
from crisiskit.values.vocabulary import CrisisState

if TYPE_CHECKING:
    from crisiskit.crisis.aggregate import Crisis
    from crisiskit.crisis.context import Context

__all__ = [
    "COMMANDS",
    "CONDITIONS",
    "MOVES",
    "TRANSITIONS",
    "Condition",
    "CrisisLifecycle",
    "Guard",
    "Move",
    "ReopenPolicy",
    "check_guards",
    "moves_from",
    "to_dot",
    "to_mermaid",
]


@frozen
class Move:
    """One lifecycle command: where it may start, where it goes, what it needs."""

    command: str
    """The command's name, as on :class:`~crisiskit.crisis.Crisis` (``"warn"``)."""
    sources: tuple[CrisisState, ...]
    """The states it may start from."""
    targets: tuple[CrisisState, ...]
    """The states it may lead to (one, except ``undo_merge``, which goes back to where the crisis was)."""

    @property
    def target(self) -> CrisisState:
        """The state it leads to, for the moves with one target."""
        return self.targets[0]

    requires: str = ""
    """What the command needs besides the state, in words."""
    label_zh: str = ""
    """The move's Chinese name."""


@frozen
class Guard:
    """A condition a move must meet, added by the host or by the emergency plan.

    ``check`` gets the crisis and returns True when the move may go ahead. A guard that
    says no makes the command raise :class:`~crisiskit.errors.InvalidTransition` naming
    the guard, and nothing changes.

    >>> open_actions = {"CR-1": ["recall batch 0925"]}  # the host's own task list
    >>> no_recovery_with_open_actions = Guard(
    ...     "required actions are done",
    ...     commands=("recover",),
    ...     check=lambda crisis: not open_actions.get(crisis.id),
    ... )
    >>> no_recovery_with_open_actions.commands
    ('recover',)
    """

    name: str = field(validator=_checks.is_text)
    """What the condition is, in words; shown when it refuses."""
    commands: tuple[str, ...] = field(converter=_checks.to_tuple)
    """The moves it applies to (``"recover"``, ``"close"``, …)."""
    check: Callable[[Crisis], bool] = field(eq=False)
    """True when the move may go ahead."""

    @commands.validator
    def _known_commands(self, attribute: object, value: tuple[str, ...]) -> None:
        unknown = [c for c in value if c not in COMMANDS]
        if not value or unknown:
            raise ValidationError(
                _(
                    "Guard.commands must name one or more moves ({moves}); got {given!r}",
                    moves=tuple(sorted(COMMANDS)),
                    given=list(value),
                )
            )


@frozen
class ReopenPolicy:
    """How long after closing a crisis may be reopened, and how many times.

    The window is real elapsed time from the close, and its end is included: a reopen at
    exactly ``closed_at + window`` is allowed, one second later it is not.
    """

    window: dt.timedelta = field(default=dt.timedelta(days=30))
    """How long after closing a reopen is allowed (default 30 days)."""
    max_reopens: int = field(default=3, validator=_checks.is_count)
    """How many reopens a crisis may have in all (default 3; 0 forbids reopening)."""

    @window.validator
    def _positive(self, attribute: object, value: object) -> None:
        if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
            raise ValidationError(
                _("ReopenPolicy.window must be a timedelta >= 0; got {value!r}", value=value)
            )


class CrisisLifecycle(StateMachine):
    """The lifecycle state machine: every move a crisis can make, declared once.

    State ids are the :class:`~crisiskit.values.vocabulary.CrisisState` values. Besides the
    moves its own commands make, a crisis moves when another crisis takes it over: marked a
    duplicate, merged into another (``merge_into``), or given back by an unmerge
    (``undo_merge``, to the state it was in before the merge).

    The aggregate does not run an instance per command: it checks each command against
    :data:`TRANSITIONS`, compiled once from this declaration, and records the move as an
    event. The diagrams (:func:`to_mermaid`, :func:`to_dot`) are drawn by
    python-statemachine from the same declaration.
    """

    detected = State("Detected 监测发现", initial=True, value="detected")
    warned = State("Warned 预警", value="warned")
    responding = State("Responding 应对", value="responding")
    recovering = State("Recovering 恢复", value="recovering")
    closed = State("Closed 关闭", value="closed")

    warn = Event(detected.to(warned), name="warn 发布预警")
    respond = Event(warned.to(responding) | detected.to(responding), name="respond 启动应急响应")
    recover = Event(responding.to(recovering), name="recover 进入恢复")
    close = Event(recovering.to(closed), name="close 关闭")
    dismiss = Event(detected.to(closed) | warned.to(closed), name="dismiss 误报撤销")
    relapse = Event(recovering.to(responding), name="relapse 危机反复")
    reopen = Event(closed.to(responding), name="reopen 重新打开")
    mark_duplicate_of = Event(
        detected.to(closed) | warned.to(closed) | responding.to(closed) | recovering.to(closed),
        name="mark_duplicate_of 标记重复",
    )
    merge_into = Event(
        detected.to(closed) | warned.to(closed) | responding.to(closed) | recovering.to(closed),
        name="merge_into 并入另一危机",
    )
    undo_merge = Event(
        closed.to(detected) | closed.to(warned) | closed.to(responding) | closed.to(recovering),
        name="undo_merge 撤销合并",
    )


def _guard_graded(crisis: Crisis, context: Context, now: pendulum.DateTime) -> Message | None:
    if context.plan is not None and crisis.level is None:
        return _("the emergency plan depends on the level: grade the crisis or set its level first")
    return None


def _guard_required_roles(
    crisis: Crisis, context: Context, now: pendulum.DateTime
) -> Message | None:
    if context.plan is None or crisis.level is None:
        return None
    level_plan = context.plan.for_crisis(crisis.crisis_type, crisis.level)
    missing = sorted((r for r in level_plan.roles if not crisis.members(r)), key=lambda r: r.value)
    if missing:
        return _(
            "the plan needs {roles} on the team at level {level}; assign them first",
            roles=coded(missing),
            level=crisis.level.value,
        )
    return None


def _guard_review(crisis: Crisis, context: Context, now: pendulum.DateTime) -> Message | None:
    if crisis.review is None:
        return _("record the review (root cause, lessons) with record_review() first")
    return None


def _guard_not_merged(crisis: Crisis, context: Context, now: pendulum.DateTime) -> Message | None:
    if crisis.merged_into is not None:
        return _(
            "it was merged into {crisis_id!r}; unmerge it instead",
            crisis_id=crisis.merged_into.crisis_id,
        )
    return None


def _guard_max_reopens(crisis: Crisis, context: Context, now: pendulum.DateTime) -> Message | None:
    allowed = context.reopen.max_reopens
    if crisis.reopen_count >= allowed:
        return _(
            "it has been reopened {count} time(s); the policy allows {allowed}",
            count=crisis.reopen_count,
            allowed=allowed,
        )
    return None


def _guard_reopen_window(
    crisis: Crisis, context: Context, now: pendulum.DateTime
) -> Message | None:
    assert crisis.closed_at is not None
    deadline = crisis.closed_at + context.reopen.window
    if now > deadline:
        return _(
            "it closed at {closed_at} and the window ended at {deadline}",
            closed_at=crisis.closed_at.isoformat(),
            deadline=deadline.isoformat(),
        )
    return None


@frozen
class Condition:
    """A condition crisiskit itself puts on a move; a host adds its own with :class:`Guard`."""

    name: str
    """What the condition is, in words; shown when it refuses."""
    check: Callable[[Crisis, Context, pendulum.DateTime], Message | None] = field(eq=False)
    """None when the move may go ahead; otherwise why not, in words."""


CONDITIONS: dict[str, tuple[Condition, ...]] = {
    "warn": (Condition(_("graded"), _guard_graded),),
    "respond": (
        Condition(_("graded"), _guard_graded),
        Condition(_("required roles filled"), _guard_required_roles),
    ),
    "close": (Condition(_("review recorded"), _guard_review),),
    "reopen": (
        Condition(_("not merged"), _guard_not_merged),
        Condition(_("maximum reopens"), _guard_max_reopens),
        Condition(_("reopen window"), _guard_reopen_window),
    ),
}
"""The conditions of each move, checked in order after the state and before the host's guards."""


_REQUIREMENTS = {
    "warn": ("with a plan, a level", "发布预警"),
    "respond": ("with a plan, the roles its level requires", "启动应急响应"),
    "recover": ("", "进入恢复"),
    "close": ("a closing summary and a recorded review", "关闭"),
    "dismiss": ("a reason: a false alarm", "误报撤销"),
    "relapse": ("a reason", "危机反复"),
    "reopen": ("a reason; within the reopen window and the maximum number of reopens", "重新打开"),
    "mark_duplicate_of": ("the canonical crisis", "标记重复"),
    "merge_into": ("another open crisis that takes it over (its merge command)", "并入另一危机"),
    "undo_merge": (
        "the crisis it was merged into unmerges it; back to its earlier state",
        "撤销合并",
    ),
}


COMMAND_NAMES: dict[str, Message] = {
    "warn": _("warn"),
    "respond": _("respond"),
    "recover": _("recover"),
    "close": _("close"),
    "dismiss": _("dismiss"),
    "relapse": _("relapse"),
    "reopen": _("reopen"),
    "mark_duplicate_of": _("mark_duplicate_of"),
    "merge_into": _("merge_into"),
    "undo_merge": _("undo_merge"),
    "merge": _("merge"),
    "unmerge": _("unmerge"),
    "set_attributes": _("set_attributes"),
    "handle_customer": _("handle_customer"),
    "erase_personal_data": _("erase_personal_data"),
    "record_quality_remedy": _("record_quality_remedy"),
    "record_callback": _("record_callback"),
    "set_recovery_plan": _("set_recovery_plan"),
    "reach_milestone": _("reach_milestone"),
    "assess_impact": _("assess_impact"),
    "record_review": _("record_review"),
    "start_action": _("start_action"),
    "complete_action": _("complete_action"),
    "update_improvement": _("update_improvement"),
    "pause_sla": _("pause_sla"),
    "resume_sla": _("resume_sla"),
    "check_sla": _("check_sla"),
    "compensate": _("compensate"),
    "record_expense": _("record_expense"),
    "release_statement": _("release_statement"),
    "acknowledge": _("acknowledge"),
    "assign": _("assign"),
    "unassign": _("unassign"),
    "report_progress": _("report_progress"),
    "hold_meeting": _("hold_meeting"),
    "attach_signal": _("attach_signal"),
    "add_customers": _("add_customers"),
    "update_facts": _("update_facts"),
    "set_level": _("set_level"),
    "grade": _("grade"),
}
"""Every crisis command's name as messages say it: its code in English, its name in Chinese."""


def command_name(command: str) -> Message:
    """``command`` as a message says it (a host's own command reads as its code)."""
    return COMMAND_NAMES.get(command) or Message(command, {})


_EVENT_IDS: tuple[str, ...] = tuple(event.id for event in CrisisLifecycle._events)


def _moves() -> tuple[Move, ...]:
    # Read the moves off the machine so the table can never disagree with it.
    sources: dict[str, list[CrisisState]] = {}
    targets: dict[str, list[CrisisState]] = {}
    for state in CrisisLifecycle.states:
        for transition in state.transitions:
            command = str(transition.event)
            if CrisisState(state.value) not in sources.setdefault(command, []):
                sources[command].append(CrisisState(state.value))
            target = CrisisState(transition.target.value)
            if target not in targets.setdefault(command, []):
                targets[command].append(target)
    return tuple(
        Move(command, tuple(sources[command]), tuple(targets[command]), *_REQUIREMENTS[command])
        for command in _EVENT_IDS
    )


MOVES: tuple[Move, ...] = _moves()
"""Every lifecycle move, in the order the machine declares them."""

COMMANDS: frozenset[str] = frozenset(_EVENT_IDS)
"""The names of the lifecycle moves."""

TRANSITIONS: dict[tuple[CrisisState, str], tuple[CrisisState, ...]] = {
    (state, move.command): move.targets for move in MOVES for state in move.sources
}
"""(state, move) → the states the move may lead to from there, compiled once from the machine."""


def check_guards(command: str, crisis: Crisis, guards: tuple[Guard, ...]) -> None:
    """Run the guards that apply to ``command``; raise InvalidTransition for the first that refuses."""
    for guard in guards:
        if command in guard.commands and not guard.check(crisis):
            raise InvalidTransition(
                _(
                    "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
                    command=command_name(command),
                    crisis_id=crisis.id,
                    condition=guard.name,
                ),
                state=crisis.state.value,
                command=command,
                allowed=crisis.allowed_commands(),
                condition=guard.name,
            )


_MOVES_FROM: dict[CrisisState, tuple[str, ...]] = {
    state: tuple(m.command for m in MOVES if state in m.sources) for state in CrisisState
}


def moves_from(state: CrisisState | str) -> tuple[str, ...]:
    """The lifecycle moves that may start from ``state`` (the member, its code or a label)."""
    return _MOVES_FROM[_checks.member("moves_from(state)", state, CrisisState)]


def to_mermaid() -> str:
    """The lifecycle as a Mermaid state diagram, drawn by python-statemachine, for docs and the CLI."""
    from statemachine.contrib.diagram import formatter  # noqa: PLC0415 - loads urllib, http, email

    return formatter.render(CrisisLifecycle, "mermaid").rstrip("\n")


def to_dot() -> str:
    """The lifecycle as a Graphviz DOT digraph, drawn by python-statemachine.

    Needs ``pydot`` (``pip install 'crisiskit[diagrams]'``).
    """
    if importlib.util.find_spec("pydot") is None:  # python-statemachine draws DOT with it
        raise ValidationError(
            _(
                "the DOT diagram needs pydot: pip install 'crisiskit[diagrams]' "
                "(the Mermaid diagram needs nothing more)"
            )
        )
    from statemachine.contrib.diagram import formatter  # noqa: PLC0415 - loads urllib, http, email

    dot = str(formatter.render(CrisisLifecycle, "dot")).rstrip("\n")
    # python-statemachine names its helper nodes after object ids, which change from run to
    # run; number them instead so the same machine always gives the same text.
    ids: dict[str, str] = {}
    return re.sub(r"(?<=_)\d{6,}(?=\b|_)", lambda m: ids.setdefault(m[0], str(len(ids))), dot)
