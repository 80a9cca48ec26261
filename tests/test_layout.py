"""The package's layout: layered packages, and the old flat paths kept for one release."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from crisiskit import _compat


@pytest.mark.parametrize(("old", "new"), sorted(_compat.MOVED.items()))
def test_an_old_path_gives_the_moved_module_and_warns(old: str, new: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=rf"{old} has moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__spec__ is not None
    assert module.__spec__.name == new  # importlib.resources reads data through the spec


def test_names_imported_from_an_old_path_are_the_same_objects() -> None:
    code = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "from crisiskit.money import Money as Old\n"
        "from crisiskit.values import Money\n"
        "from crisiskit.scenario import simulate\n"
        "import crisiskit.app.scenario as app\n"
        "assert Old is Money and simulate is app.simulate\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_layer_is_a_package_with_a_docstring() -> None:
    for name in (
        "values",
        "calendar",
        "sla",
        "grading",
        "plan",
        "operations",
        "events",
        "crisis",
        "reports",
        "app",
    ):
        module = importlib.import_module(f"crisiskit.{name}")
        assert module.__doc__, name
        assert module.__file__ is not None, name
        assert module.__file__.endswith("__init__.py"), name
