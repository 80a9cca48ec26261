"""The crisis aggregate: one customer crisis, its lifecycle, and the context it runs in.

Create a crisis with :meth:`Crisis.detect`, change it with its commands, collect its events
with :meth:`Crisis.pull_events` and rebuild it with :meth:`Crisis.replay`.
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
