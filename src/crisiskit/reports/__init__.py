"""Period reports: the figures of a set of crises, grouped, with the ledger against the budget.

Supervision (监督考核) wants figures per department and person over a period; incident
tools show time to acknowledge and to resolve, and SLA attainment. This package computes
them from the crises' event logs and nothing else:

- :func:`crisis_metrics` — the figures of one crisis;
- :func:`period_report` — the figures of a set of crises over a period, in all and grouped by
  any of crisis type, level, department, person, week or month (one key or several), with
  durations also in working time when a calendar is given, and the company-wide
  :class:`Ledger` of spending against the plan's budget when budgets are given;
- :func:`rows`, :func:`write_csv`, :func:`read_csv`, :func:`to_dataframe` — the report as
  a table;
- :mod:`crisiskit.reports.timeline` — one crisis drawn on a time axis (the ``charts`` extra);
- :mod:`crisiskit.reports.charts` — its charts as SVG, and
  :mod:`crisiskit.app.report_html` — the report as a self-contained HTML page with them (the
  ``charts`` extra).

Every figure is a frozen record that :func:`crisiskit.serialization.to_dict` writes. Money
stays exact and in its own currency: totals are one per currency. The package reads events
and does no I/O but in the export functions, which take a file or a path.
"""

from __future__ import annotations

from crisiskit.reports.export import (
    Row,
    ledger_rows,
    read_csv,
    rows,
    to_dataframe,
    write_csv,
)
from crisiskit.reports.figures import (
    CrisisMetrics,
    DurationStats,
    ImprovementFigures,
    PeriodMetrics,
    PromiseFigures,
    SlaFigure,
    Spend,
    WorkingTimes,
    crisis_metrics,
    period_metrics,
    sla_attainment,
    summarise,
)
from crisiskit.reports.grouping import (
    UNASSIGNED,
    UNGRADED,
    PeriodReport,
    ReportGroup,
    group_key,
    period_report,
)
from crisiskit.reports.keys import GroupKey, period_of
from crisiskit.reports.ledger import Ledger, LedgerLine, ledger

__all__ = [
    "UNASSIGNED",
    "UNGRADED",
    "CrisisMetrics",
    "DurationStats",
    "GroupKey",
    "ImprovementFigures",
    "Ledger",
    "LedgerLine",
    "PeriodMetrics",
    "PeriodReport",
    "PromiseFigures",
    "ReportGroup",
    "Row",
    "SlaFigure",
    "Spend",
    "WorkingTimes",
    "crisis_metrics",
    "group_key",
    "ledger",
    "ledger_rows",
    "period_metrics",
    "period_of",
    "period_report",
    "read_csv",
    "rows",
    "sla_attainment",
    "summarise",
    "to_dataframe",
    "write_csv",
]
