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
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import field, frozen

from crisiskit.crisis.lifecycle import COMMANDS as MOVE_COMMANDS

if TYPE_CHECKING:
    from crisiskit.crisis.aggregate import Crisis

__all__ = ["REGISTRY", "CommandSpec", "command"]

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
