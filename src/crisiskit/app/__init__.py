"""Application code on top of the domain: scenarios, drills, backtests, metrics, descriptions and the command line.

Nothing in the domain layers imports this package; import its modules directly
(``crisiskit.app.scenario``, ``crisiskit.app.metrics``, …). ``import crisiskit`` does not
load them: each loads on first use, also when reached as an attribute
(``crisiskit.app.drills``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The modules of this package, each loaded on first use (PEP 562).
_SUBMODULES = frozenset(
    {
        "backtest",
        "cli",
        "describe",
        "drills",
        "metrics",
        "report_html",
        "timeline_command",
        "scenario",
        "scenarios",
    }
)

if not TYPE_CHECKING:  # type checkers see the modules themselves

    def __getattr__(name: str) -> Any:
        if name in _SUBMODULES:
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
