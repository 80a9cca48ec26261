"""The crisis lifecycle: ``detected → warned → responding → recovering → closed``.

:class:`CrisisLifecycle` is a declarative python-statemachine ``StateMachine`` (not a
``StateChart``, whose defaults would swallow an error raised in a guard and still move the
state). It decides which moves are allowed from which state and runs the pluggable
:class:`Guard` conditions; the :class:`~crisiskit.crisis.Crisis` aggregate records the
result as a domain event. Replaying events never goes through the machine: events are facts
that were validated when they happened.

Moves (D6–D10):

========== ====================================== ======================================
command    from → to                              requires
========== ====================================== ======================================
warn       detected → warned
respond    warned → responding; detected → responding (a sudden crisis, D6)
recover    responding → recovering
close      recovering → closed                    a closing summary
dismiss    detected, warned → closed              a reason (a false alarm, D7)
relapse    recovering → responding                a reason (D8)
reopen     closed → responding                    a reason, within the :class:`ReopenPolicy`
========== ====================================== ======================================

Commands that do not move the state (regrade, attach a signal, update facts, …) are allowed
in every open state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from attrs import field, frozen
from statemachine import State, StateMachine

from crisiskit._internal import checks as _checks
from crisiskit.errors import InvalidTransition, ValidationError
from crisiskit.values.vocabulary import CrisisState

if TYPE_CHECKING:
    from crisiskit.crisis.aggregate import Crisis

__all__ = [
    "COMMANDS",
    "MOVES",
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
    target: CrisisState
    """The state it leads to."""
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

    >>> no_recovery_with_open_actions = Guard(
    ...     "required actions are done",
    ...     commands=("recover",),
    ...     check=lambda crisis: not my_open_actions(crisis.id),  # doctest: +SKIP
    ... )
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
                f"Guard.commands must name one or more moves "
                f"({', '.join(sorted(COMMANDS))}); got {list(value)!r}"
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
            raise ValidationError(f"ReopenPolicy.window must be a timedelta >= 0; got {value!r}")


class CrisisLifecycle(StateMachine):
    """The lifecycle state machine. State ids are the :class:`~crisiskit.values.vocabulary.CrisisState` values.

    The machine is bound to no crisis: for each command the aggregate loads the crisis's
    state into it, runs the guards that apply (:func:`check_guards`), and sends the
    command; the machine refuses a move its state does not allow and reports the state the
    move leads to.
    """

    detected = State("Detected 监测发现", initial=True, value="detected")
    warned = State("Warned 预警", value="warned")
    responding = State("Responding 应对", value="responding")
    recovering = State("Recovering 恢复", value="recovering")
    closed = State("Closed 关闭", value="closed")

    warn = detected.to(warned)
    respond = warned.to(responding) | detected.to(responding)
    recover = responding.to(recovering)
    close = recovering.to(closed)
    dismiss = detected.to(closed) | warned.to(closed)
    relapse = recovering.to(responding)
    reopen = closed.to(responding)


_REQUIREMENTS = {
    "warn": ("", "发布预警"),
    "respond": ("", "启动应急响应"),
    "recover": ("", "进入恢复"),
    "close": ("a closing summary", "关闭"),
    "dismiss": ("a reason: a false alarm", "误报撤销"),
    "relapse": ("a reason", "危机反复"),
    "reopen": ("a reason; within the reopen window and the maximum number of reopens", "重新打开"),
}


_EVENT_IDS: tuple[str, ...] = tuple(event.id for event in CrisisLifecycle._events)


def _moves() -> tuple[Move, ...]:
    # Read the moves off the machine so the table can never disagree with it.
    sources: dict[str, list[CrisisState]] = {}
    targets: dict[str, CrisisState] = {}
    for state in CrisisLifecycle.states:
        for transition in state.transitions:
            sources.setdefault(str(transition.event), []).append(CrisisState(state.value))
            targets[str(transition.event)] = CrisisState(transition.target.value)
    return tuple(
        Move(command, tuple(sources[command]), targets[command], *_REQUIREMENTS[command])
        for command in _EVENT_IDS
    )


MOVES: tuple[Move, ...] = _moves()
"""Every lifecycle move, in the order the machine declares them."""

COMMANDS: frozenset[str] = frozenset(_EVENT_IDS)
"""The names of the lifecycle moves."""


def check_guards(command: str, crisis: Crisis, guards: tuple[Guard, ...]) -> None:
    """Run the guards that apply to ``command``; raise InvalidTransition for the first that refuses."""
    for guard in guards:
        if command in guard.commands and not guard.check(crisis):
            raise InvalidTransition(
                f"cannot {command} crisis {crisis.id!r}: the condition {guard.name!r} is not met",
                state=crisis.state.value,
                command=command,
                allowed=crisis.allowed_commands(),
                condition=guard.name,
            )


_MOVES_FROM: dict[CrisisState, tuple[str, ...]] = {
    state: tuple(m.command for m in MOVES if state in m.sources) for state in CrisisState
}


def moves_from(state: CrisisState) -> tuple[str, ...]:
    """The lifecycle commands that may start from ``state``."""
    return _MOVES_FROM[state]


def to_mermaid() -> str:
    """The lifecycle as a Mermaid state diagram, for docs and the CLI."""
    lines = ["stateDiagram-v2", "    direction LR"]
    for state in CrisisState:
        lines.append(f'    state "{state.label("en")} {state.label("zh")}" as {state.value}')
    lines.append("    [*] --> detected")
    for move in MOVES:
        for source in move.sources:
            lines.append(f"    {source.value} --> {move.target.value} : {move.command}")
    lines.append("    closed --> [*]")
    return "\n".join(lines)


def to_dot() -> str:
    """The lifecycle as a Graphviz DOT digraph, for docs and the CLI."""
    lines = [
        "digraph CrisisLifecycle {",
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        "    start [shape=point];",
    ]
    for state in CrisisState:
        shape = ", peripheries=2" if state is CrisisState.CLOSED else ""
        lines.append(
            f'    {state.value} [label="{state.label("en")}\\n{state.label("zh")}"{shape}];'
        )
    lines.append("    start -> detected;")
    for move in MOVES:
        for source in move.sources:
            lines.append(f'    {source.value} -> {move.target.value} [label="{move.command}"];')
    lines.append("}")
    return "\n".join(lines)
