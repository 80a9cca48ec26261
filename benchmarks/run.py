"""crisiskit's figures beside the tools users would otherwise pick, measured in one run.

Prints one table: figure | crisiskit | comparator | ratio | target | met?

    .venv/bin/pip install -e '.[bench]'       # pandas and ahpy, the comparators
    .venv/bin/python benchmarks/run.py         # about a minute
    .venv/bin/python benchmarks/run.py --quick # a few seconds: what CI runs
    .venv/bin/python benchmarks/run.py --json  # the same figures, machine-readable
    .venv/bin/python benchmarks/run.py --markdown  # the tables of docs/performance.md

The machines these run on are shared and noisy: read the ratios, each measured in the same
rounds as its comparator, not the absolute numbers. Every figure is a median of several
samples. Without the bench extra the pandas and ahpy comparisons read "n/a". A missed
target is reported, never an error: the script fails only if it cannot measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # this tree's crisiskit

import _audit
import _calendar
import _crisis
import _grading
import _imports
import _monitor
import _sla_fleet
from _common import Row, Settings

import crisiskit

HEADINGS = ("figure", "crisiskit", "comparator", "ratio", "target", "met?")


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in ("python-statemachine", "pandas", "ahpy", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "crisiskit": crisiskit.__version__,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "comparators": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "measured": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --------------------------------------------------------------------------- formatting


def number(value: float) -> str:
    """Three significant digits, thousands grouped: 0.0817, 5.16, 1 510, 11 200."""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= 3:
        text = f"{round(value, 2 - magnitude):,.0f}"
    elif magnitude >= -3:
        text = f"{value:.{2 - magnitude}f}"
    else:
        return f"{value:.1e}"
    return text.replace(",", " ")


def amount(value: float | str | None, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if unit == "/s":
        return f"{number(value)} /s"
    if unit == "Δw":
        return f"Δw {value:.1e}"
    if unit == "×":
        return f"{number(value)}×"
    return f"{number(value)} {unit}"


def cells(row: Row) -> tuple[str, ...]:
    theirs = amount(row.theirs, row.unit)
    comparator = row.comparator if theirs == "—" else f"{row.comparator}: {theirs}"
    ratio = "—" if row.ratio is None else f"{number(row.ratio)}×"
    met = {True: "yes", False: "MISSED", None: "—"}[row.met]
    return (row.figure, amount(row.ours, row.unit), comparator, ratio, row.target, met)


def text_table(rows: list[Row]) -> str:
    table = [HEADINGS, *(cells(row) for row in rows)]
    widths = [max(len(line[k]) for line in table) for k in range(len(HEADINGS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(rows: list[Row]) -> str:
    table = [HEADINGS, *(cells(row) for row in rows)]
    lines = ["| " + " | ".join(line) + " |" for line in table]
    lines.insert(1, "|" + "|".join("---" for _ in HEADINGS) + "|")
    return "\n".join(lines)


def dst_table(results: list[dict[str, Any]], *, markdown: bool) -> str:
    names = list(results[0]["found"])
    lines = []
    for result in results:
        verdicts = []
        for name in names:
            found = result["found"][name]
            verdicts.append(
                "n/a"
                if found is None
                else "agree"
                if found == result["expected"]
                else f"DISAGREE ({found:%m-%d %H:%M}Z)"
            )
        lines.append((result["case"], f"{result['expected']:%Y-%m-%d %H:%M}Z", *verdicts))
    headings = ("America/New_York", "expected (UTC)", *names)
    if markdown:
        out = ["| " + " | ".join(headings) + " |", "|" + "|".join("---" for _ in headings) + "|"]
        return "\n".join(out + ["| " + " | ".join(line) + " |" for line in lines])
    table = [headings, *lines]
    widths = [max(len(line[k]) for line in table) for k in range(len(headings))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in table
    )


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter samples (CI)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON instead of the table")
    output.add_argument("--markdown", action="store_true", help="print Markdown tables (for docs)")
    args = parser.parse_args()
    settings = Settings.of(quick=args.quick)
    if find_spec("holidays") is None:  # crisiskit's own optional dependency, not a comparator
        print(
            "the deadlines run on the China working calendar, which needs the holidays "
            "package: pip install -e '.[bench]' (or '.[holidays]')",
            file=sys.stderr,
        )
        return 2

    began = time.perf_counter()
    dst = _calendar.dst_results()
    groups: tuple[tuple[str, Callable[[Settings], list[Row]]], ...] = (
        ("calendar deadlines", _calendar.deadline_rows),
        ("deadlines across DST changes", lambda _: _calendar.dst_rows(dst)),
        ("SLA sweeps", _calendar.sweep_rows),
        ("SLA sweeps over crises", _sla_fleet.fleet_rows),
        ("lifecycle", _crisis.lifecycle_rows),
        ("size", _crisis.size_rows),
        ("audit log", _audit.audit_rows),
        ("grading", lambda s: _grading.assessment_rows(s) + _grading.ahp_rows(s)),
        ("memory", _crisis.memory_rows),
        ("monitor", _monitor.monitor_rows),
        ("import time", _imports.import_rows),
    )
    rows: list[Row] = []
    for name, group in groups:
        print(f"measuring {name}…", file=sys.stderr, flush=True)
        rows += group(settings)
    seconds = time.perf_counter() - began
    about = machine()
    mode = "quick" if settings.quick else "full"

    if args.json:
        print(
            json.dumps(
                {
                    "machine": about,
                    "mode": mode,
                    "repeats": settings.repeats,
                    "seconds": round(seconds, 1),
                    "rows": [row.as_json() for row in rows],
                    "dst_cases": [
                        {
                            "case": r["case"],
                            "expected": r["expected"].isoformat(),
                            "found": {
                                k: None if v is None else v.isoformat()
                                for k, v in r["found"].items()
                            },
                        }
                        for r in dst
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    header = [
        f"crisiskit {about['crisiskit']} benchmarks — {mode} run, {about['measured']}, {seconds:.0f} s",
        f"{about['python']} on {about['platform']}; {about['cpu']}",
        f"comparators: {about['comparators']}",
        f"each figure is the median of {settings.repeats} samples; comparators are timed in the same rounds",
    ]
    if args.markdown:
        print("\n".join(f"<!-- {line} -->" for line in header))
        print()
        print(markdown_table(rows))
        print()
        print(dst_table(dst, markdown=True))
    else:
        print("\n".join(header))
        print()
        print(text_table(rows))
        print()
        print("Deadlines across a DST change (a 9–17 office and a 22–06 night shift):")
        print(dst_table(dst, markdown=False))
    missed = [row.figure for row in rows if row.met is False]
    not_run = sum(isinstance(row.theirs, str) and row.theirs.startswith("n/a") for row in rows)
    print()
    print(f"targets missed: {len(missed)}" + (" — " + "; ".join(missed) if missed else ""))
    if not_run:
        print(f"comparisons not run: {not_run} (install them: pip install -e '.[bench]')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
