"""The documentation's code runs, so the docs cannot drift from the library.

Every ```python block of the README and of every page under docs/ is executed. The blocks of
one page run in order in one namespace, as a reader would type them into one session, in a
temporary directory. Two markers, HTML comments that the rendered docs do not show, go on
the line before a block:

* ``<!-- skip: why -->`` before a ```python block: a fragment that is not run (it needs
  context the page does not give, or it only sketches a host's code);
* ``<!-- output -->`` before a ```text block: it must be what the ```python block before
  it printed, where a line ``...`` stands for any number of lines and a line ending in
  ``...`` for any line starting with the rest.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# Pages whose point is their code: each must have code that runs.
MUST_RUN = [
    ROOT / "README.md",
    ROOT / "docs" / "getting-started.md",
    *sorted((ROOT / "docs" / "howto").glob("*.md")),
]

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)
_MARKER = re.compile(r"<!--\s*(?P<name>skip|output)\b[^>]*-->\s*\Z")


@dataclass
class Block:
    lang: str
    code: str
    line: int
    marker: str | None


def blocks(path: Path) -> list[Block]:
    return parse(path.read_text(encoding="utf-8"))


def parse(text: str) -> list[Block]:
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        marker = _MARKER.search(before.rstrip("\n") + "\n")
        # The marker counts only on the line right before the fence (blank lines allowed).
        name = None
        if marker is not None and not before[marker.end() :].strip():
            name = marker["name"]
        found.append(Block(match["lang"], match["body"], before.count("\n") + 1, name))
    return found


def matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` output fits ``expected``, with ``...`` lines and line endings."""
    want = expected.rstrip("\n").split("\n")
    got = actual.rstrip("\n").split("\n")

    def fit(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(got)
        if want[i] == "...":
            return any(fit(i + 1, k) for k in range(j, len(got) + 1))
        if j == len(got):
            return False
        line = want[i]
        ok = got[j].startswith(line[:-3]) if line.endswith("...") else got[j] == line
        return ok and fit(i + 1, j + 1)

    return fit(0, 0)


def test_markers_are_understood():
    text = "<!-- skip: a fragment -->\n```python\nx = 1\n```\n\n```python\ny = 2\n```\n"
    assert [b.marker for b in parse(text)] == ["skip", None]
    assert matches("a\n...\nd", "a\nb\nc\nd")
    assert matches("a\nb...", "a\nbcd\n")
    assert not matches("a\nb", "a\nc")
    assert not matches("a", "a\nb")


@pytest.mark.parametrize("page", MUST_RUN, ids=[str(p.relative_to(ROOT)) for p in MUST_RUN])
def test_a_page_about_code_has_code_that_runs(page):
    assert any(b.lang == "python" and b.marker != "skip" for b in blocks(page))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_the_python_of_a_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs:{page.name}"}
    printed: str | None = None
    for block in blocks(page):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.lang == "python" and block.marker != "skip":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                try:
                    exec(compile(block.code, where, "exec"), namespace)
                except Exception as exc:
                    pytest.fail(f"the block at {where} raised {type(exc).__name__}: {exc}")
            printed = out.getvalue()
        elif block.marker == "output":
            assert printed is not None, f"{where}: an output block needs a python block before it"
            assert matches(block.code, printed), (
                f"{where}: the block before printed\n{printed}\nnot\n{block.code}"
            )
