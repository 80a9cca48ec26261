"""The crisis aggregate: one customer crisis, its lifecycle, and the context it runs in.

Create a crisis with :meth:`Crisis.detect`, change it with its commands, collect its events
with :meth:`Crisis.pull_events` and rebuild it with :meth:`Crisis.replay`.

Where things are: :mod:`~crisiskit.crisis.lifecycle` declares every move;
:mod:`~crisiskit.crisis.commands` the one shape of a command, and each command as a
command object that :meth:`Crisis.execute` runs; :mod:`~crisiskit.crisis.aggregate`
holds :class:`Crisis` with its lifecycle, signal, fact and level commands; each feature
slice — :mod:`~crisiskit.crisis.team`, :mod:`~crisiskit.crisis.statements`,
:mod:`~crisiskit.crisis.cases`, :mod:`~crisiskit.crisis.quality`,
:mod:`~crisiskit.crisis.spending`, :mod:`~crisiskit.crisis.recovery`,
:mod:`~crisiskit.crisis.actions`, :mod:`~crisiskit.crisis.sla`,
:mod:`~crisiskit.crisis.merging` — holds its commands, their rules, how each of its events
changes the crisis and what each owes on the crisis's timers.
"""

from crisiskit.crisis.aggregate import OPEN_COMMANDS, Crisis
from crisiskit.crisis.context import Context
from crisiskit.crisis.lifecycle import (
    COMMANDS,
    MOVES,
    CrisisLifecycle,
    Guard,
    Move,
    ReopenPolicy,
    check_guards,
    moves_from,
    to_dot,
    to_mermaid,
)
from crisiskit.crisis.merging import MergeRecord, canonical_id

__all__ = [
    "COMMANDS",
    "MOVES",
    "OPEN_COMMANDS",
    "Context",
    "Crisis",
    "CrisisLifecycle",
    "Guard",
    "MergeRecord",
    "Move",
    "ReopenPolicy",
    "canonical_id",
    "check_guards",
    "moves_from",
    "to_dot",
    "to_mermaid",
]
