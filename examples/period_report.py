"""A month's supervision figures (监督考核) over twelve crises: grouped, exported, drawn.

Plays the twelve scenarios of examples/data/reports, then prints the figures per level and
per department, the ledger against a monthly budget, and writes the CSV and the HTML report
(with charts, when matplotlib is installed) to a temporary directory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from crisiskit.app.describe import duration_text
from crisiskit.app.scenario import Scenario, simulate
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.plan import BudgetCategory
from crisiskit.reports import period_report, rows, write_csv
from crisiskit.serialization import from_json
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.values.money import Money

DATA = Path(__file__).parent / "data" / "reports"
ZONE = "Asia/Shanghai"

sla = SlaPolicy.default(TWENTY_FOUR_SEVEN)
histories = [
    simulate(from_json(path.read_text(encoding="utf-8"), Scenario), sla=sla).events
    for path in sorted(DATA.glob("rpt-*.json"))
]

monthly = {
    BudgetCategory.COMPENSATION: Money("1000", "CNY"),
    BudgetCategory.PR: Money("20000", "CNY"),
    BudgetCategory.SUPPLIES: Money("2500", "CNY"),
}
report = period_report(histories, by="level", zone=ZONE, budgets=monthly)


def text(value):
    return "-" if value is None else duration_text(value)


def share(value):
    return "-" if value is None else f"{value:.0%}"


total = report.total
print(
    f"{total.crises} crises, {total.still_open} still open, reopen rate {share(total.reopen_rate)}"
)
print(
    f"time to acknowledge: mean {text(total.time_to_acknowledge.mean)}, "
    f"median {text(total.time_to_acknowledge.median)}, p90 {text(total.time_to_acknowledge.p90)}"
)
print()
print(f"{'level':<6} {'crises':>6} {'ack median':>11} {'ack in time':>12} {'close median':>13}")
for group in report.groups:
    m = group.metrics
    ack = dict(m.sla_attainment).get(SlaMetric.ACKNOWLEDGE)
    print(
        f"{group.key[0]:<6} {m.crises:>6} {text(m.time_to_acknowledge.median):>11} "
        f"{share(ack):>12} {text(m.time_to_close.median):>13}"
    )

print()
departments = period_report(histories, by="department")
print("crises per department (a crisis counts in every department on its team):")
for group in departments.groups:
    print(f"  {group.key[0]:<20} {group.metrics.crises}")

print()
print("ledger against the monthly budget:")
assert report.ledger is not None
for line in report.ledger.lines:
    budget = "no budget" if line.budget is None else f"of {line.budget}"
    flag = "  ⚠ over budget" if line.over_budget else ""
    print(f"  {line.period} {line.category.value:<13} {line.spent!s:>10} {budget}{flag}")
for warning in report.ledger.warnings():
    print(f"⚠ {warning.text('zh')}")

out = Path(tempfile.mkdtemp(prefix="crisiskit-report-"))
write_csv(rows(report), out / "figures.csv")
print()
print(f"figures as CSV: {out / 'figures.csv'}")
try:
    from crisiskit.app.report_html import write_html

    page = write_html(report, out / "report.html", lang="zh")
    print(f"HTML report with charts: {page}")
except ImportError as missing:  # the charts extra is not installed
    print(f"no HTML report: {missing}")
