"""``crisiskit report``: a period report of scenario runs, as a self-contained HTML page.

Each file is a scenario (played as ``crisiskit simulate`` plays it: the default emergency
plan, or ``--plan``, or none with ``--no-plan``, and the default SLA targets on the China
working calendar) or one crisis's stored event log (JSON Lines of
``stored(event).to_json()``, as ``crisiskit verify`` reads it; each seal is checked). The page (:mod:`crisiskit.app.report_html`) needs the ``charts`` extra.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from crisiskit.app import cli
from crisiskit.app.report_html import write_html
from crisiskit.app.scenario import Scenario, ScenarioError, simulate
from crisiskit.calendar import BusinessCalendar
from crisiskit.errors import CrisisKitError
from crisiskit.events import Event, StoredEvent, read
from crisiskit.messages import _
from crisiskit.plan import EmergencyPlan
from crisiskit.reports import GroupKey, ledger_rows, period_report, rows, write_csv
from crisiskit.serialization import from_json
from crisiskit.sla import SlaPolicy

__all__ = ["add_report_command"]

_EXAMPLE = (
    "Example: crisiskit report runs/*.json --out report.html --lang zh --group level "
    "--from 2025-09-01 --to 2025-10-01"
)


def add_report_command(commands: Any) -> None:
    """Add the ``report`` subcommand to the command line's subparsers."""
    report = commands.add_parser(
        "report",
        help="a period report of scenario runs as one HTML page with charts",
        description="Play scenario files (or read stored event logs) and write their "
        "figures — counts, times to acknowledge and close, SLA attainment, spending against "
        "the budget — grouped as asked, as one self-contained HTML page. " + _EXAMPLE,
    )
    report.add_argument(
        "files", nargs="+", help="scenario JSON files, or stored event logs (JSON Lines)"
    )
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.add_argument(
        "--group",
        action="append",
        default=[],
        help="group by type, level, department, person, week or month "
        "(comma-separated or repeated: --group month,level)",
    )
    report.add_argument(
        "--from", dest="start", help="crises detected from this time (ISO 8601 or local)"
    )
    report.add_argument("--to", dest="end", help="crises detected before this time")
    report.add_argument(
        "--ledger",
        choices=["month", "week", "all"],
        default="month",
        help="the period of the plan's budgets in the ledger (default month)",
    )
    plans = report.add_mutually_exclusive_group()
    plans.add_argument("--plan", help="an emergency plan JSON file (default: the default plan)")
    plans.add_argument(
        "--no-plan", action="store_true", help="play the scenarios without an emergency plan"
    )
    report.add_argument("--csv", help="also write the figures as CSV to this file")
    report.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the page")
    report.add_argument(
        "--zone",
        type=cli._zone,
        default=cli.DEFAULT_ZONE,
        help=f"the zone of local times, weeks and months (default {cli.DEFAULT_ZONE})",
    )
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    keys = [key for given in args.group for key in given.split(",") if key.strip()]
    by = [GroupKey.parse(key, what="--group") for key in keys]
    start = cli._parse_instant(args.start, args.zone) if args.start else None
    end = cli._parse_instant(args.end, args.zone) if args.end else None
    plan = (
        None
        if args.no_plan
        else EmergencyPlan.from_json(Path(args.plan).read_text(encoding="utf-8"))
        if args.plan
        else EmergencyPlan.default()
    )
    histories = [_events(Path(name), plan) for name in args.files]
    years = sorted({events[0].occurred_at.year for events in histories})
    calendar, _about = cli._working_calendar([*years, years[-1] + 1])
    report = period_report(
        histories,
        by=by,
        start=start,
        end=end,
        zone=args.zone,
        calendar=calendar,
        budgets=dict((plan or EmergencyPlan.default()).resources.budgets),
        ledger_per=None if args.ledger == "all" else args.ledger,
    )
    path = write_html(report, args.out, lang=args.lang, calendar=calendar)
    if args.csv:
        write_csv(rows(report), args.csv)
        assert report.ledger is not None
        ledger_path = Path(args.csv).with_suffix(".ledger.csv")
        write_csv(ledger_rows(report.ledger), ledger_path)
    print(
        _(
            "wrote {path}; crises: {count}, groups: {groups}, over-budget warnings: {warnings}",
            path=str(path),
            count=report.total.crises,
            groups=len(report.groups),
            warnings=len(report.ledger.over_budget) if report.ledger else 0,
        ).text(args.lang)
    )
    return cli.EXIT_OK


def _events(path: Path, plan: EmergencyPlan | None) -> tuple[Event, ...]:
    """A crisis's events from a scenario file (played) or a stored event log (read)."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
        try:
            json.loads(text)
        except json.JSONDecodeError:  # one JSON object per line: a stored event log
            return _stored_log(path, lines)
    scenario = from_json(text, Scenario)
    cli._check_year(scenario.start, f"{path}: the scenario's start")
    year = scenario.start.year
    working: BusinessCalendar = cli._working_calendar([year, year + 1])[0]
    try:
        return simulate(scenario, plan=plan, sla=SlaPolicy.default(working)).events
    except ScenarioError as exc:
        raise cli._RefusedError(f"{path}: {exc}") from None


def _stored_log(path: Path, lines: list[str]) -> tuple[Event, ...]:
    events = []
    for number, line in enumerate(lines, start=1):
        try:
            events.append(read(StoredEvent.from_json(line)))
        except CrisisKitError as exc:
            raise cli.UsageError(f"crisiskit: {path}, line {number}: {exc}") from None
    return tuple(events)
