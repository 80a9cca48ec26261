"""``import crisiskit``: its own time beside its dependencies', each run in a fresh interpreter."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import Row, Settings

SRC = Path(__file__).resolve().parent.parent / "src"
DEPENDENCIES = ("attrs", "cattrs", "statemachine", "pendulum")

# One fresh interpreter: the dependencies first, then crisiskit, so the second figure is
# crisiskit's own (its modules, its classes, the standard-library modules only it needs).
# CPU time of the process: the same as wall time on an idle machine, but it does not count
# the waits for a shared core.
_CHILD = f"""
import sys, time
began = time.process_time()
import {", ".join(DEPENDENCIES)}
between = time.process_time()
before = set(sys.modules)
import crisiskit
ended = time.process_time()
added = set(sys.modules) - before
import json  # only now: crisiskit's own figure includes it
assert crisiskit.__file__.startswith({str(SRC)!r}), crisiskit.__file__
print(json.dumps({{
    "dependencies": between - began,
    "own": ended - between,
    "crisiskit_modules": sum(name.split(".")[0] == "crisiskit" for name in added),
    "other_modules": sum(name.split(".")[0] != "crisiskit" for name in added),
}}))
"""


def _run(env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def import_rows(settings: Settings) -> list[Row]:
    """ms of ``import crisiskit`` on top of its dependencies, beside the dependencies' own ms.

    Each sample is a fresh interpreter; the figure is the median. Bytecode is cached (in a
    temporary directory, warmed by a first run), as in an installed package: compiling the
    sources is not what a user pays on every run.
    """
    with tempfile.TemporaryDirectory(prefix="crisiskit-pycache-") as cache:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
        _run(env)  # warm: write the bytecode
        samples = [_run(env) for _ in range(max(5, 3 * settings.repeats))]
    own = statistics.median(s["own"] for s in samples) * 1000
    dependencies = statistics.median(s["dependencies"] for s in samples) * 1000
    modules = samples[0]
    return [
        Row(
            "import crisiskit: its own time, on top of its dependencies",
            "ms",
            own,
            "importing attrs, cattrs, python-statemachine, pendulum",
            dependencies,
            own / dependencies,
            "≤ 100 ms",
            own <= 100,
        ),
        Row(
            "import crisiskit: modules it loads beyond its dependencies",
            "",
            f"{modules['crisiskit_modules']:.0f} of crisiskit, "
            f"{modules['other_modules']:.0f} others",
        ),
    ]
