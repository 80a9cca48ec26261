"""What moved or was renamed in grading still works for one release, with a DeprecationWarning."""

import importlib
import subprocess
import sys

import pytest

from crisiskit.grading.models import ahp, fta, fuzzy

MOVED = {"ahp": ahp, "fuzzy": fuzzy, "fta": fta}


@pytest.mark.parametrize("model", sorted(MOVED))
def test_the_old_model_paths_warn_and_give_the_same_objects(model, monkeypatch):
    # A fresh import, so the module-level warning fires whatever ran before.
    monkeypatch.delitem(sys.modules, f"crisiskit.grading.{model}", raising=False)
    with pytest.warns(
        DeprecationWarning,
        match=rf"crisiskit\.grading\.{model} has moved to crisiskit\.grading\.models\.{model}",
    ):
        old = importlib.import_module(f"crisiskit.grading.{model}")
    new = MOVED[model]
    assert old.__all__ == new.__all__
    for name in new.__all__:
        assert getattr(old, name) is getattr(new, name)


def test_the_old_path_still_reaches_names_outside_all(monkeypatch):
    monkeypatch.delitem(sys.modules, "crisiskit.grading.ahp", raising=False)
    with pytest.warns(DeprecationWarning, match="crisiskit.grading.models.ahp"):
        old = importlib.import_module("crisiskit.grading.ahp")
    assert old.configuration is ahp.configuration


def test_importing_crisiskit_does_not_touch_the_old_paths():
    # In a fresh interpreter: this one has imported the old paths in the tests above.
    code = (
        "import sys, crisiskit, crisiskit.grading, crisiskit.grading.models;"
        "print(sorted(m for m in sys.modules if m in "
        f"{[f'crisiskit.grading.{m}' for m in MOVED]!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("old", "new"), [("policy_name", "name"), ("policy_version", "version")])
def test_policy_name_and_version_are_deprecated_aliases(old, new):
    from crisiskit.grading import policy_by_name

    policy = policy_by_name("standard")
    with pytest.warns(
        DeprecationWarning, match=rf"GradingPolicy\.{old} is deprecated: use policy\.{new}"
    ):
        value = getattr(policy, old)
    assert value == getattr(policy, new) == {"name": "standard", "version": "1"}[new]
