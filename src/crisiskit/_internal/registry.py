"""The names under which crisiskit's types are serialised (private).

Each serialisable class is registered once, under a stable name that never changes even if
the class moves between modules; that name is the ``"type"`` tag in serialised data.

A class registers when its module is imported. ``import crisiskit`` does not import the
application layer, so the names its modules register are listed in :data:`ELSEWHERE`, and
:func:`lookup` imports the module the first time one of them is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type[Any])

RESERVED = frozenset({"type", "schema_version"})
"""Keys of the serialised envelope, which no field may use."""

TYPES: dict[str, type[Any]] = {}
NAMES: dict[type[Any], str] = {}

ELSEWHERE: dict[str, str] = {
    "Scenario": "crisiskit.app.scenario",
    "Step": "crisiskit.app.scenario",
    "MonitorDecision": "crisiskit.monitor.decisions",
    "MonitorKeyState": "crisiskit.monitor.monitor",
    "MonitorState": "crisiskit.monitor.monitor",
    "CrisisMetrics": "crisiskit.reports.figures",
    "DurationStats": "crisiskit.reports.figures",
    "PeriodMetrics": "crisiskit.reports.figures",
    "PromiseFigures": "crisiskit.reports.figures",
    "ImprovementFigures": "crisiskit.reports.figures",
    "SlaFigure": "crisiskit.reports.figures",
    "Spend": "crisiskit.reports.figures",
    "WorkingTimes": "crisiskit.reports.figures",
    "PeriodReport": "crisiskit.reports.grouping",
    "ReportGroup": "crisiskit.reports.grouping",
    "Ledger": "crisiskit.reports.ledger",
    "LedgerLine": "crisiskit.reports.ledger",
}
"""The names registered by modules ``import crisiskit`` does not load → that module.

A fixed table of crisiskit's own modules: reading a ``"type"`` tag imports nothing else.
"""


def lookup(name: str) -> type[Any] | None:
    """The class registered under ``name``, importing its module first if need be."""
    cls = TYPES.get(name)
    if cls is None and name in ELSEWHERE:
        importlib.import_module(ELSEWHERE[name])
        cls = TYPES.get(name)
    return cls


def known() -> list[str]:
    """Every registered name, loaded or not, sorted."""
    return sorted(TYPES.keys() | ELSEWHERE.keys())


def serializable(name: str | None = None) -> Callable[[T], T]:
    """Class decorator: register ``cls`` for :mod:`crisiskit.serialization` under ``name``."""

    def register(cls: T) -> T:
        tag = name or cls.__name__
        clash = RESERVED & {a.name for a in getattr(cls, "__attrs_attrs__", ())}
        if clash:
            raise TypeError(
                f"{cls.__qualname__} may not have a field named {sorted(clash)}: reserved for the envelope"
            )
        existing = TYPES.get(tag)
        if existing is not None and existing is not cls:
            raise TypeError(f"serialisation name {tag!r} is taken by {existing.__qualname__}")
        TYPES[tag] = cls
        NAMES[cls] = tag
        return cls

    return register
