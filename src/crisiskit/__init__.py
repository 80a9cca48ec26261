"""crisiskit: manage customer crises inside your CRM.

A pure-domain SDK: typed entities, a crisis lifecycle, grading, SLA timers over business
calendars, and domain events a host application persists, audits and replays. No database,
no network, no wall-clock reads (time comes from a :class:`Clock`), and no global state but
the roles, crisis types, channels and audiences a host registers once at start-up.

Everything listed in ``__all__`` is public API; modules whose names start with ``_`` are
private.

``import crisiskit`` loads the domain core only. The application layer — scenarios and
:func:`simulate`, drills, backtests, the command line (:mod:`crisiskit.app`) — and
:mod:`crisiskit.testing` load on first use: ``from crisiskit import simulate`` and
``crisiskit.app.drills`` work as before, and pay the import then.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crisiskit import _compat
from crisiskit._version import __version__
from crisiskit.calendar import BusinessCalendar
from crisiskit.crisis import Context, Crisis
from crisiskit.crisis.lifecycle import Guard, ReopenPolicy
from crisiskit.errors import (
    CalendarError,
    ConcurrencyError,
    CrisisKitError,
    InvalidTransition,
    PolicyError,
    SerializationError,
    ValidationError,
)
from crisiskit.events import Event, KeyRing, SealingKey, StoredEvent, verify
from crisiskit.grading import Assessment, GradingInput, GradingPolicy
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Medium
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import from_dict, from_json, to_dict, to_json
from crisiskit.sla import SlaMetric, SlaPolicy, SlaTimer
from crisiskit.values.clock import Clock, SystemClock
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.labels import LabelledEnum, Lang
from crisiskit.values.levels import Colour, Level
from crisiskit.values.money import Money
from crisiskit.values.open_enum import OpenLabelledEnum
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import (
    Audience,
    Channel,
    ChannelGroup,
    CrisisState,
    CrisisType,
    Role,
)

if TYPE_CHECKING:
    from crisiskit import app as app
    from crisiskit import testing as testing
    from crisiskit.app.scenario import Scenario, simulate

_compat.install()

# Loaded on first use (PEP 562): name -> the module that defines it.
_LAZY: dict[str, str] = {
    "Scenario": "crisiskit.app.scenario",
    "simulate": "crisiskit.app.scenario",
}
# Subpackages ``import crisiskit`` does not load, reachable as attributes all the same.
_SUBMODULES = frozenset({"app", "testing"})

__all__ = [
    "Assessment",
    "Audience",
    "BusinessCalendar",
    "CalendarError",
    "CaseStep",
    "Channel",
    "ChannelGroup",
    "Clock",
    "Colour",
    "CompensationKind",
    "ConcurrencyError",
    "Context",
    "Crisis",
    "CrisisKitError",
    "CrisisState",
    "CrisisType",
    "CustomerRef",
    "EmergencyPlan",
    "Event",
    "Facts",
    "GradingInput",
    "GradingPolicy",
    "Guard",
    "InvalidTransition",
    "KeyRing",
    "LabelledEnum",
    "Lang",
    "Level",
    "Medium",
    "Money",
    "OpenLabelledEnum",
    "PolicyError",
    "ReopenPolicy",
    "Review",
    "Role",
    "Scenario",
    "SealingKey",
    "SerializationError",
    "Signal",
    "SlaMetric",
    "SlaPolicy",
    "SlaTimer",
    "StoredEvent",
    "SystemClock",
    "ValidationError",
    "__version__",
    "from_dict",
    "from_json",
    "simulate",
    "to_dict",
    "to_json",
    "verify",
]


if not TYPE_CHECKING:  # type checkers see the imports above, and flag names that do not exist

    def __getattr__(name: str) -> Any:
        if name in _SUBMODULES:
            return importlib.import_module(f"{__name__}.{name}")
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # the next lookup finds it without coming here
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
