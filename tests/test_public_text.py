"""The team's internal requirement ids stay out of public text.

The ids ``D1`` … ``D30`` and section references into the team's source documents
(``001 §6.1``) mean nothing to a user. None may appear in what a user reads: the strings of
the library's sources (docstrings, which the API reference renders, and messages), the
docs, the README, the changelog, the examples, and what the command line prints.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "crisiskit"

# A requirement id (D1 … D30) or a section of a source document (001 §6, 000 §3).
INTERNAL_ID = re.compile(r"\bD\d{1,2}\b|\b\d{3}\s*§")

# The library's sources by package: each layer package, and the top-level modules.
PACKAGES = sorted(p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())
PUBLIC_PAGES = [
    ROOT / "README.md",
    ROOT / "CHANGELOG.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "examples").glob("*.py")),
]
COMMANDS = [["--help"], ["demo"], ["demo", "--lang", "zh"]]
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
}


def found_in(text: str, where: str, first_line: int = 1) -> list[str]:
    """Each line of ``text`` holding an internal id, as ``where:line: text``."""
    return [
        f"{where}:{first_line + number}: {line.strip()}"
        for number, line in enumerate(text.splitlines())
        if INTERNAL_ID.search(line)
    ]


def strings_of(path: Path) -> list[str]:
    """The internal ids in the string literals (docstrings included) of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = str(path.relative_to(ROOT))
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            hits += found_in(node.value, where, node.lineno)
    return hits


def test_the_pattern_finds_ids():
    assert INTERNAL_ID.search("Facts (D17): what is known")
    assert INTERNAL_ID.search("work on the crisis (D15–D27)")
    assert INTERNAL_ID.search("set aside for crises (001 §6.1)")
    assert not INTERNAL_ID.search("RFC 9557 §4, 2 000 h, CR-000, DST, 3D, D-day, ID 42")


@pytest.mark.parametrize("package", [*PACKAGES, "top-level modules"])
def test_no_internal_ids_in_the_sources(package):
    if package == "top-level modules":
        files = sorted(SRC.glob("*.py"))
    else:
        files = sorted((SRC / package).rglob("*.py"))
    assert files
    hits = [hit for path in files for hit in strings_of(path)]
    assert not hits, "internal ids in public strings:\n" + "\n".join(hits)


@pytest.mark.parametrize("path", PUBLIC_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_internal_ids_in_the_pages(path):
    hits = found_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not hits, "internal ids:\n" + "\n".join(hits)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_internal_ids_in_the_command_line_output(args, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "crisiskit", *args],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=tmp_path,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    hits = found_in(result.stdout + result.stderr, "crisiskit " + " ".join(args))
    assert not hits, "internal ids:\n" + "\n".join(hits)
