"""CHANGELOG.md keeps the Keep a Changelog form, one line per change.

``# Changelog``, a short introduction, then one ``## [Unreleased]`` or ``## [1.2.3] -
2025-10-01`` section per release, newest first. In a release, the kinds of change — Added,
Changed, Deprecated, Removed, Fixed, Security — each appear at most once, in that order, and
hold bullets of exactly one line each ("- ..."), so that branches adding changes each add
lines and merge without rewrapping anybody's paragraph. Link definitions (``[1.2.3]: URL``)
may close the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHANGELOG = Path(__file__).parent.parent / "CHANGELOG.md"
KINDS = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]
_RELEASE = re.compile(r"^## \[(?:Unreleased|\d+\.\d+\.\d+)\](?: - \d{4}-\d{2}-\d{2})?$")
_LINK = re.compile(r"^\[[^\]]+\]: \S+$")


def check(text: str) -> list[str]:
    """What is wrong with the changelog ``text``: one message per problem, with its line."""
    problems = []
    lines = text.split("\n")
    if lines[0] != "# Changelog":
        problems.append("line 1: the title is '# Changelog'")
    releases: list[str] = []
    kinds: list[str] = []
    kind: str | None = None
    bullets = 0
    blank_after_bullet = False

    def close_kind(number: int) -> None:
        if kind is not None and bullets == 0:
            problems.append(f"line {number}: '### {kind}' has no entries")

    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("## "):
            close_kind(number)
            if not _RELEASE.match(line):
                problems.append(
                    f"line {number}: a release is '## [Unreleased]' or '## [1.2.3] - 2025-10-01': {line!r}"
                )
            if line in releases:
                problems.append(f"line {number}: {line!r} appears twice")
            if releases == [] and line != "## [Unreleased]" and "## [Unreleased]" in text:
                problems.append(f"line {number}: [Unreleased] comes first")
            releases.append(line)
            kinds, kind, bullets, blank_after_bullet = [], None, 0, False
        elif line.startswith("### "):
            close_kind(number)
            name = line[4:]
            if not releases:
                problems.append(f"line {number}: {line!r} before any release heading")
            if name not in KINDS:
                problems.append(f"line {number}: {line!r} is not one of {', '.join(KINDS)}")
            elif name in kinds:
                problems.append(f"line {number}: {line!r} appears twice in {releases[-1]!r}")
            elif kinds and kinds[-1] in KINDS and KINDS.index(name) < KINDS.index(kinds[-1]):
                problems.append(f"line {number}: {line!r} comes before '### {kinds[-1]}'")
            kinds.append(name)
            kind, bullets, blank_after_bullet = name, 0, False
        elif line.startswith("#"):
            problems.append(
                f"line {number}: only '##' releases and '###' kinds of change: {line!r}"
            )
        elif kind is not None:
            if line == "":
                blank_after_bullet = bullets > 0
            elif _LINK.match(line):
                kind = None  # the closing link definitions
            elif not line.startswith("- ") or not line[2:].strip() or line[2:3] == " ":
                problems.append(f"line {number}: a change is one line, '- ...': {line!r}")
            elif blank_after_bullet:
                problems.append(f"line {number}: no blank line between the changes of one kind")
            else:
                bullets += 1
        elif releases and line and not _LINK.match(line):
            problems.append(f"line {number}: text outside a kind of change: {line!r}")
    close_kind(len(lines))
    if not releases:
        problems.append("the changelog has no release section")
    return problems


def test_the_changelog_has_one_line_per_change_under_known_headings():
    problems = check(CHANGELOG.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


GOOD = """# Changelog

Intro.

## [Unreleased]

### Added
- One thing.
- Another, on one line however long it is.

### Fixed
- A fix.

## [0.1.0] - 2025-10-01

### Changed
- A change.

[0.1.0]: https://example.org/0.1.0
"""


def test_a_well_formed_changelog_passes():
    assert check(GOOD) == []


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (GOOD.replace("- One thing.", "- One thing,\n  wrapped."), "a change is one line"),
        (GOOD.replace("### Fixed", "### Added"), "appears twice"),
        (GOOD.replace("### Fixed", "### Fixes"), "is not one of"),
        (GOOD.replace("### Added", "### Security"), "comes before"),
        (GOOD.replace("- Another", "\n- Another"), "no blank line"),
        (GOOD.replace("### Fixed\n- A fix.\n", "### Fixed\n"), "has no entries"),
        (GOOD.replace("## [0.1.0] - 2025-10-01", "## [Unreleased]"), "appears twice"),
        (GOOD.replace("## [0.1.0] - 2025-10-01", "## 0.1.0"), "a release is"),
        (GOOD.replace("- A change.", "- A change.\n#### Sub"), "only '##' releases"),
    ],
)
def test_a_malformed_changelog_is_reported(bad, problem):
    assert any(problem in message for message in check(bad)), check(bad)
