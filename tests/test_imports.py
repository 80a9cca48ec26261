"""``import crisiskit`` loads the domain core only; the rest loads on first use.

Each check runs in a fresh interpreter, since this one has long imported everything. No
timings are asserted here: the figure is in ``benchmarks/run.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from hypothesis import HealthCheck, Phase, given, settings

import crisiskit
from crisiskit._internal import registry as _registry
from crisiskit.serialization import to_json
from crisiskit.testing import strategies as cks

# What the core must not load: the application layer, the test helpers, the decision models,
# and python-statemachine's diagram drawing (which loads urllib, http and email).
NOT_LOADED = (
    "crisiskit.app",
    "crisiskit.testing",
    "crisiskit.store",
    "sqlalchemy",
    "crisiskit.grading.models",
    "crisiskit.grading.ahp",
    "crisiskit.grading.fuzzy",
    "crisiskit.grading.fta",
    "crisiskit.grading.ahp_fuzzy",
    "statemachine.contrib",
)


def run(code: str) -> str:
    """Run ``code`` in a fresh interpreter, warnings as errors; return what it printed."""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_crisiskit_leaves_the_app_layer_testing_models_and_diagrams_unloaded() -> None:
    out = run(
        """
        import json, sys
        import crisiskit
        print(json.dumps(sorted(sys.modules)))
        """
    )
    loaded = json.loads(out)
    unwanted = [
        name
        for name in loaded
        if any(name == prefix or name.startswith(prefix + ".") for prefix in NOT_LOADED)
    ]
    assert unwanted == []
    assert "crisiskit.crisis.aggregate" in loaded  # the core itself is there


def test_every_public_name_resolves_in_a_fresh_interpreter() -> None:
    out = run(
        """
        import json
        import crisiskit, crisiskit.grading
        names = {"crisiskit": crisiskit, "crisiskit.grading": crisiskit.grading}
        found = {}
        for prefix, module in names.items():
            found[prefix] = {
                "missing": [n for n in module.__all__ if getattr(module, n, None) is None],
                "not_in_dir": sorted(set(module.__all__) - set(dir(module))),
            }
        print(json.dumps(found))
        """
    )
    for module, found in json.loads(out).items():
        assert found == {"missing": [], "not_in_dir": []}, module


def test_lazy_names_are_the_objects_of_their_modules() -> None:
    run(
        """
        import sys
        import crisiskit
        from crisiskit import Scenario, simulate
        import crisiskit.app.scenario as scenario
        assert simulate is scenario.simulate and Scenario is scenario.Scenario
        assert crisiskit.simulate is simulate  # cached after the first lookup

        from crisiskit.grading import POLICIES, RiskMatrixPolicy, policy_by_name
        assert POLICIES["risk-matrix"] is RiskMatrixPolicy
        assert policy_by_name("standard@1").id == "standard@1"

        # Subpackages and their modules are reachable as attributes, as when they were loaded.
        assert crisiskit.app.drills is sys.modules["crisiskit.app.drills"]
        assert crisiskit.testing.ManualClock is crisiskit.values.clock.ManualClock
        """
    )


def test_a_star_import_gets_every_public_name() -> None:
    run(
        """
        import crisiskit
        namespace = {}
        exec("from crisiskit import *", namespace)
        assert set(crisiskit.__all__) <= set(namespace), set(crisiskit.__all__) - set(namespace)
        """
    )


def test_unknown_names_still_raise_attribute_error() -> None:
    run(
        """
        import crisiskit, crisiskit.app, crisiskit.grading
        for module in (crisiskit, crisiskit.app, crisiskit.grading):
            try:
                module.no_such_name
            except AttributeError as exc:
                assert "no_such_name" in str(exc)
            else:
                raise AssertionError(module)
        """
    )


def test_every_type_registered_outside_the_core_is_in_the_lazy_table() -> None:
    out = run(
        """
        import importlib, json, pkgutil, warnings
        import crisiskit
        from crisiskit._internal import registry
        core = {name: cls.__module__ for name, cls in registry.TYPES.items()}
        warnings.simplefilter("ignore", DeprecationWarning)  # old paths kept for a release
        for info in pkgutil.walk_packages(crisiskit.__path__, "crisiskit."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
        every = {name: cls.__module__ for name, cls in registry.TYPES.items()}
        print(json.dumps({"core": core, "every": every, "elsewhere": registry.ELSEWHERE}))
        """
    )
    found = json.loads(out)
    outside = {n: m for n, m in found["every"].items() if n not in found["core"]}
    assert outside == found["elsewhere"]
    assert outside  # the table is not vacuous: the scenario types live in the app layer


def _example(cls: type) -> str:
    """One serialised example of ``cls``, drawn by its strategy."""
    found: list[str] = []

    @settings(
        max_examples=1,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(cks.for_type(cls))
    def take(value: object) -> None:
        found.append(to_json(value))

    take()
    return found[0]


def test_from_json_reads_every_type_right_after_import_crisiskit() -> None:
    texts = {name: _example(cls) for name, cls in sorted(_registry.TYPES.items())}
    assert set(texts) == set(_registry.TYPES) >= set(_registry.ELSEWHERE)
    out = run(
        f"""
        import json, sys
        import crisiskit
        from crisiskit import from_json, to_json
        from crisiskit._internal.registry import NAMES
        assert "crisiskit.app.scenario" not in sys.modules
        texts = json.loads({json.dumps(json.dumps(texts))})
        wrong = {{}}
        for name, text in texts.items():
            value = from_json(text)
            if NAMES.get(type(value)) != name or to_json(value) != text:
                wrong[name] = text
        print(json.dumps(wrong))
        """
    )
    assert json.loads(out) == {}


def test_an_unknown_type_names_the_lazy_ones_among_the_known() -> None:
    out = run(
        """
        import sys
        import crisiskit
        from crisiskit.errors import SerializationError
        try:
            crisiskit.from_dict({"type": "NoSuchThing", "schema_version": 1})
        except SerializationError as exc:
            print(exc)
        assert "crisiskit.app.scenario" not in sys.modules  # an unknown name imports nothing
        """
    )
    assert "unknown type 'NoSuchThing'" in out
    assert "Scenario" in out


def test_this_interpreter_sees_the_same_names() -> None:
    assert set(crisiskit.__all__) <= set(dir(crisiskit))
