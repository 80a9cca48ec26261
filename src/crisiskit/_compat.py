"""Old import paths, kept for one release (private).

Until 0.2 the modules sat flat in ``crisiskit/``; they now live in layered packages. Importing
an old path (``crisiskit.money``) still works: it returns the module at its new place
(``crisiskit.values.money``) and warns with a :class:`DeprecationWarning` naming it. The
table below is the whole list; the old paths go in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    # Only for the types: importing importlib.abc at run time loads importlib.resources,
    # tempfile and more, on every ``import crisiskit``. The import system needs no base class.
    import importlib.abc

MOVED: dict[str, str] = {
    "crisiskit.levels": "crisiskit.values.levels",
    "crisiskit.money": "crisiskit.values.money",
    "crisiskit.vocabulary": "crisiskit.values.vocabulary",
    "crisiskit.customers": "crisiskit.values.customers",
    "crisiskit.signals": "crisiskit.values.signals",
    "crisiskit.facts": "crisiskit.values.facts",
    "crisiskit.labels": "crisiskit.values.labels",
    "crisiskit.clock": "crisiskit.values.clock",
    "crisiskit.team": "crisiskit.operations.team",
    "crisiskit.communications": "crisiskit.operations.statements",
    "crisiskit.customer_cases": "crisiskit.operations.customer_cases",
    "crisiskit.remedies": "crisiskit.operations.quality",
    "crisiskit.compensation": "crisiskit.operations.compensation",
    "crisiskit.expenses": "crisiskit.operations.expenses",
    "crisiskit.recovery": "crisiskit.operations.recovery",
    "crisiskit.review": "crisiskit.operations.review",
    "crisiskit.notices": "crisiskit.operations.notices",
    "crisiskit.context": "crisiskit.crisis.context",
    "crisiskit.lifecycle": "crisiskit.crisis.lifecycle",
    "crisiskit.scenario": "crisiskit.app.scenario",
    "crisiskit.scenarios": "crisiskit.app.scenarios",
    "crisiskit.drills": "crisiskit.app.drills",
    "crisiskit.backtest": "crisiskit.app.backtest",
    "crisiskit.metrics": "crisiskit.app.metrics",
    "crisiskit.describe": "crisiskit.app.describe",
    "crisiskit.cli": "crisiskit.app.cli",
    "crisiskit.grading.ahp": "crisiskit.grading.models.ahp",
    "crisiskit.grading.fuzzy": "crisiskit.grading.models.fuzzy",
    "crisiskit.grading.fta": "crisiskit.grading.models.fta",
}
"""Old module path → new module path."""


class _Alias:
    """Finds an old path and hands back the module at its new place (a meta path finder and its loader)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("importlib.abc.Loader", self))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} has moved to {new}; import it from there (the old path will be removed in crisiskit 0.3)",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module is the one at its new place, already executed; the import system has
        # stamped the alias's spec on it, which would break importlib.resources: restore it.
        alias = module.__spec__
        assert alias is not None
        module.__spec__ = alias.loader_state


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` once."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.append(_Alias())
