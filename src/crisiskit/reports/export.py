"""A report as rows: for CSV files (the standard library's ``csv``) and pandas DataFrames.

:func:`rows` gives one row per group (the total first) of plain typed values; :func:`write_csv`
writes rows and :func:`read_csv` reads them back to the same values, column by column:
counts as integers, shares as floats, durations as ISO 8601 (``PT1H30M``) read back as
timedeltas, amounts as exact decimals (one column per budget category and currency: money in
different currencies is never added up), and an empty cell for a figure that has no value.
:func:`to_dataframe` needs pandas (``pip install 'crisiskit[pandas]'``).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from crisiskit.errors import MissingExtraError, SerializationError
from crisiskit.messages import _
from crisiskit.plan import BudgetCategory
from crisiskit.reports.figures import DurationStats
from crisiskit.reports.grouping import PeriodReport
from crisiskit.reports.ledger import Ledger
from crisiskit.serialization import format_duration, parse_duration
from crisiskit.sla import SlaMetric

__all__ = ["Row", "ledger_rows", "read_csv", "rows", "to_dataframe", "write_csv"]

Row = dict[str, Any]
"""One row: column name → an int, float, timedelta, Decimal, bool, str, or None."""

_DURATIONS = ("acknowledge", "first_contact", "first_statement", "close")


def rows(report: PeriodReport) -> list[Row]:
    """One row for the whole report, then one per group, with the same columns in each.

    The first column, ``scope``, is ``total`` or ``group``; then one column per grouping key
    (empty on the total row); then the figures.
    """
    scopes = [("total", ("",) * len(report.by), report.total)] + [
        ("group", g.key, g.metrics) for g in report.groups
    ]
    metrics = [s[2] for s in scopes]
    sla = [m for m in SlaMetric if any(f.metric is m for p in metrics for f in p.sla)]
    owed = [m for m in SlaMetric if any(f.metric is m for p in metrics for f in p.obligations)]
    spent = sorted(
        {(c, money.currency) for p in metrics for c, money in p.spending},
        key=lambda k: (list(BudgetCategory).index(k[0]), k[1]),
    )
    working = any(p.working is not None for p in metrics)
    found = []
    for scope, key, p in scopes:
        row: Row = {"scope": scope, **{k.value: v for k, v in zip(report.by, key, strict=True)}}
        row.update(
            crises=p.crises,
            still_open=p.still_open,
            reopened=p.reopened,
            reopen_rate=p.reopen_rate,
        )
        stats = {
            "acknowledge": p.time_to_acknowledge,
            "first_contact": p.time_to_first_contact,
            "first_statement": p.time_to_first_statement,
            "close": p.time_to_close,
        }
        for name in _DURATIONS:
            row.update(_stats(f"{name}_", stats[name]))
        if working:
            w = p.working
            at_work = {
                "acknowledge": w.time_to_acknowledge if w else None,
                "first_contact": w.time_to_first_contact if w else None,
                "first_statement": w.time_to_first_statement if w else None,
                "close": w.time_to_close if w else None,
            }
            for name in _DURATIONS:
                row.update(_stats(f"{name}_working_", at_work[name], count=False))
        for prefix, metrics_of, figures in (("sla", sla, p.sla), ("owed", owed, p.obligations)):
            by_metric = {f.metric: f for f in figures}
            for metric in metrics_of:
                figure = by_metric.get(metric)
                row[f"{prefix}_{metric.value}_met"] = figure.met if figure else 0
                row[f"{prefix}_{metric.value}_breached"] = figure.breached if figure else 0
                row[f"{prefix}_{metric.value}_attainment"] = figure.attainment if figure else None
        row.update(
            promises_on_time=p.promises.on_time,
            promises_late=p.promises.late,
            promises_overdue=p.promises.overdue,
            promises_open=p.promises.open,
            promise_attainment=p.promises.attainment,
            improvements_open=p.improvements.open,
            improvements_overdue=p.improvements.overdue,
            improvements_done=p.improvements.done,
            improvements_dropped=p.improvements.dropped,
            average_satisfaction=p.average_satisfaction,
            satisfaction_recovery=p.satisfaction_recovery,
            budget_warnings=p.budget_warnings,
        )
        amounts = {(c, m.currency): m.amount for c, m in p.spending}
        for category, currency in spent:
            row[f"spent_{category.value}_{currency}"] = amounts.get(
                (category, currency), Decimal(0)
            )
        found.append(row)
    return found


def _stats(prefix: str, stats: DurationStats | None, *, count: bool = True) -> Row:
    row: Row = {f"{prefix}count": stats.count if stats else 0} if count else {}
    row.update(
        {
            f"{prefix}mean": stats.mean if stats else None,
            f"{prefix}median": stats.median if stats else None,
            f"{prefix}p90": stats.p90 if stats else None,
        }
    )
    return row


def ledger_rows(ledger: Ledger) -> list[Row]:
    """One row per ledger line: period, category, currency, spent, budget, remaining, over budget."""
    return [
        {
            "period": line.period,
            "category": line.category.value,
            "currency": line.spent.currency,
            "spent": line.spent.amount,
            "budget": line.budget.amount if line.budget is not None else None,
            "remaining": line.remaining.amount if line.remaining is not None else None,
            "over_budget": line.over_budget,
        }
        for line in ledger.lines
    ]


def _reader(column: str) -> Callable[[str], Any]:
    """How a column's cells read back (by its name, as :func:`rows` and :func:`ledger_rows` name them)."""
    if column == "over_budget":
        return lambda cell: {"true": True, "false": False}[cell]
    if column.startswith("spent") or column in {"budget", "remaining"}:
        return Decimal
    if column.endswith(("_mean", "_median", "_p90")):
        return parse_duration
    if column.endswith(("_rate", "_attainment", "_satisfaction", "_recovery")):
        return float
    if (
        column in {"crises", "still_open", "reopened", "budget_warnings"}
        or column.endswith(
            ("_count", "_met", "_breached", "_on_time", "_late", "_overdue", "_open", "_done")
        )
        or column.endswith("_dropped")
    ):
        return int
    return str


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(
    table: Sequence[Mapping[str, object]], target: IO[str] | str | os.PathLike[str]
) -> None:
    """Write rows (from :func:`rows` or :func:`ledger_rows`) as CSV to a text file or a path.

    The columns are those of the first row; a path is written in UTF-8.
    """
    if isinstance(target, str | os.PathLike):
        with Path(target).open("w", encoding="utf-8", newline="") as file:
            write_csv(table, file)
        return
    columns = list(table[0]) if table else []
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(columns)
    for row in table:
        writer.writerow([_cell(row.get(column)) for column in columns])


def read_csv(source: IO[str] | str | os.PathLike[str]) -> list[Row]:
    """Read back what :func:`write_csv` wrote: the same rows, with the same typed values.

    Raises:
        SerializationError: a cell is not of its column's kind; the message names the row
            and the column.
    """
    if isinstance(source, str | os.PathLike):
        with Path(source).open(encoding="utf-8", newline="") as file:
            return read_csv(file)
    found: list[Row] = []
    reader = csv.DictReader(source)
    for number, raw in enumerate(reader, start=2):
        row: Row = {}
        for column, cell in raw.items():
            read = _reader(column or "")
            try:
                row[column] = cell if read is str else None if cell == "" else read(cell)
            except (ValueError, ArithmeticError, KeyError, SerializationError):
                raise SerializationError(
                    _(
                        "line {line}, column {column!r}: cannot read {cell!r} as a figure of that column",
                        line=number,
                        column=column,
                        cell=cell,
                    )
                ) from None
        found.append(row)
    return found


def to_dataframe(table: PeriodReport | Ledger | Iterable[Mapping[str, object]]) -> Any:
    """The rows of a report (or of its ledger, or any rows) as a pandas DataFrame.

    Durations become ``Timedelta`` columns; amounts stay exact ``Decimal`` objects.

    Raises:
        MissingExtraError: pandas is not installed (``pip install 'crisiskit[pandas]'``).
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise MissingExtraError(
            _("a DataFrame needs pandas: pip install 'crisiskit[pandas]'")
        ) from None
    if isinstance(table, PeriodReport):
        data = rows(table)
    elif isinstance(table, Ledger):
        data = ledger_rows(table)
    else:
        data = [dict(row) for row in table]
    frame = pandas.DataFrame(data)
    for column in frame.columns:
        if _reader(str(column)) is parse_duration:
            frame[column] = pandas.to_timedelta(frame[column])
    return frame


def _text(table: Sequence[Mapping[str, object]]) -> str:
    """The CSV text of ``table`` (for tests and the command line)."""
    out = io.StringIO()
    write_csv(table, out)
    return out.getvalue()
