"""The documentation's code runs, so the docs cannot drift from the library.

Every ```python block of the README and of every page under docs/ is executed, and every
```console block's ``crisiskit`` commands are run. The blocks of one page run in order in
one namespace, as a reader would type them into one session, in a temporary directory
where ``examples/`` is the repository's (as in a checkout). What a page registers (a host's
roles, crisis types, channels, audiences) is unregistered when the page is done.

A ```console block holds commands (``$ crisiskit ...``), each followed by what it prints
(standard output, then standard error); ``$ echo $?`` prints the exit code of the command
before it. Markers — HTML comments, which the rendered docs do not show — go on the line
before a block:

* ``<!-- skip: why -->``: the block is not run (a fragment that needs context the page does
  not give, or a sketch of a host's code);
* ``<!-- output -->`` before a ```text block: it must be what the ```python block before
  it printed;
* ``<!-- file: NAME -->``: the block's text is written to the file NAME, for the code after
  it to read (a scenario, a grading input).

In expected output a line ``...`` stands for any number of lines, and ``...`` within a line
for any text.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from crisiskit.app.cli import main
from crisiskit.testing import vocabulary_scope

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# Pages whose point is their code: each must have code that runs.
MUST_RUN = [
    ROOT / "README.md",
    ROOT / "docs" / "getting-started.md",
    *sorted((ROOT / "docs" / "howto").glob("*.md")),
]

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)
_MARKER = re.compile(r"<!--\s*(?P<name>skip|output|file)\b:?\s*(?P<arg>[^>]*?)\s*-->\s*\Z")


@dataclass
class Block:
    lang: str
    code: str
    line: int
    marker: str | None
    argument: str = ""


def blocks(path: Path) -> list[Block]:
    return parse(path.read_text(encoding="utf-8"))


def parse(text: str) -> list[Block]:
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        marker = _MARKER.search(before.rstrip("\n") + "\n")
        # The marker counts only on the line right before the fence (blank lines allowed).
        name, argument = None, ""
        if marker is not None:
            name, argument = marker["name"], marker["arg"]
        found.append(Block(match["lang"], match["body"], before.count("\n") + 1, name, argument))
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
        pattern = ".*".join(map(re.escape, want[i].split("...")))
        return re.fullmatch(pattern, got[j]) is not None and fit(i + 1, j + 1)

    return fit(0, 0)


def test_markers_are_understood():
    text = (
        "<!-- skip: a fragment -->\n```python\nx = 1\n```\n\n```python\ny = 2\n```\n"
        "<!-- file: in.json -->\n\n```json\n{}\n```\n"
    )
    assert [(b.marker, b.argument) for b in parse(text)] == [
        ("skip", "a fragment"),
        (None, ""),
        ("file", "in.json"),
    ]
    assert matches("a\n...\nd", "a\nb\nc\nd")
    assert matches("a\nb...", "a\nbcd\n")
    assert matches("x ... z", "x y z")
    assert not matches("x ... z", "x y")
    assert not matches("a\nb", "a\nc")
    assert not matches("a", "a\nb")


@pytest.mark.parametrize("page", MUST_RUN, ids=[str(p.relative_to(ROOT)) for p in MUST_RUN])
def test_a_page_about_code_has_code_that_runs(page):
    assert any(b.lang in {"python", "console"} and b.marker != "skip" for b in blocks(page))


def run_console(code: str, where: str) -> None:
    """Run the ``$ crisiskit`` commands of a console block and compare what they print."""
    commands: list[tuple[str, list[str]]] = []
    for line in code.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            assert commands, f"{where}: a console block starts with a '$ ' command"
            commands[-1][1].append(line)
    status: int | str | None = 0
    for command, expected in commands:
        if command == "echo $?":
            printed = f"{status}\n"
        else:
            argv = shlex.split(command)
            assert argv[0] == "crisiskit", f"{where}: only crisiskit commands run; got {command!r}"
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = main(argv[1:])
                except SystemExit as exit_:  # --help and --version exit from argparse
                    status = exit_.code
            printed = out.getvalue() + err.getvalue()
        assert matches("\n".join(expected), printed), (
            f"{where}: $ {command} printed\n{printed}\nnot\n" + "\n".join(expected)
        )


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_the_code_of_a_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    namespace: dict[str, object] = {"__name__": f"docs:{page.name}"}
    # A page may register a host's roles, crisis types...: they go when the page is done.
    with vocabulary_scope():
        run_page(page, tmp_path, namespace)


def run_page(page: Path, tmp_path: Path, namespace: dict[str, object]) -> None:
    printed: str | None = None
    for block in blocks(page):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.marker == "skip":
            continue
        if block.marker == "file":
            (tmp_path / block.argument).write_text(block.code, encoding="utf-8")
        elif block.marker == "output":
            assert printed is not None, f"{where}: an output block needs a python block before it"
            assert matches(block.code, printed), (
                f"{where}: the block before printed\n{printed}\nnot\n{block.code}"
            )
        elif block.lang == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                try:
                    exec(compile(block.code, where, "exec"), namespace)
                except Exception as exc:
                    pytest.fail(f"the block at {where} raised {type(exc).__name__}: {exc}")
            printed = out.getvalue()
        elif block.lang == "console":
            run_console(block.code, where)
