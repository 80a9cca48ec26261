"""The charts of a period report, drawn with matplotlib as SVG text (the ``charts`` extra).

Each function takes a :class:`~crisiskit.reports.PeriodReport` and returns one SVG document
as a string: nothing is written anywhere. Text is drawn as paths, so the SVG shows the same
in any browser, with or without the fonts; drawing Chinese labels needs a CJK font that
matplotlib can find (:data:`CJK_FONTS`; on Debian and Ubuntu ``apt-get install
fonts-noto-cjk``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
from collections.abc import Iterator
from typing import Any

from crisiskit.errors import MissingExtraError
from crisiskit.messages import Message, _, language_of
from crisiskit.plan import BudgetCategory
from crisiskit.reports.figures import summarise
from crisiskit.reports.grouping import PeriodReport, group_key
from crisiskit.reports.keys import GroupKey
from crisiskit.sla import SlaMetric
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisType

__all__ = [
    "CJK_FONTS",
    "acknowledge_distribution",
    "cjk_font",
    "sla_by_level",
    "spending_against_budget",
    "weekly_volume_by_type",
]

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans SC")
"""The fonts tried, in order, for Chinese labels (Debian: fonts-noto-cjk, fonts-wqy-zenhei)."""

_PALETTE = ("#c0392b", "#e67e22", "#f1c40f", "#2e86c1", "#27ae60", "#8e44ad", "#7f8c8d")


def _matplotlib() -> Any:
    try:
        return importlib.import_module("matplotlib")
    except ImportError:
        raise MissingExtraError(
            _("the report's charts need matplotlib: pip install 'crisiskit[charts]'")
        ) from None


def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` matplotlib finds on this machine, or None."""
    font_manager = importlib.import_module("matplotlib.font_manager")
    for family in CJK_FONTS:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    return None


@contextlib.contextmanager
def _chart(title: Message, lang: str) -> Iterator[tuple[Any, Any]]:
    """A titled figure and its axes: fonts for ``lang``, text as paths, stable ids."""
    matplotlib = _matplotlib()
    families = ["DejaVu Sans"]
    if language_of(lang) == "zh":
        found = cjk_font()
        if found is None:
            raise MissingExtraError(
                _(
                    "Chinese chart labels need a CJK font matplotlib can find ({fonts}); on "
                    "Debian or Ubuntu: apt-get install fonts-noto-cjk",
                    fonts=", ".join(CJK_FONTS),
                )
            )
        families = [found, *families]
    settings = {
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "svg.fonttype": "path",
        "svg.hashsalt": "crisiskit",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(settings):
        figure = importlib.import_module("matplotlib.figure").Figure(
            figsize=(7.5, 3.6), layout="constrained"
        )
        axes = figure.subplots()
        axes.set_title(title.text(lang))
        yield figure, axes


def _svg(figure: Any) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg") :]  # the element alone, to sit inside a page


def _empty(axes: Any, lang: str) -> None:
    axes.text(0.5, 0.5, _("no data").text(lang), ha="center", va="center", color="#777")
    axes.set_xticks([])
    axes.set_yticks([])


def sla_by_level(report: PeriodReport, lang: str = "en") -> str:
    """SLA attainment (met / (met + breached)) per metric, grouped by level, as SVG."""
    by_level = {
        level: summarise(
            [m for m in report.crises if group_key(m, GroupKey.LEVEL) == (level.value,)]
        )
        for level in Level
    }
    metrics = [
        m
        for m in SlaMetric
        if any(dict(p.sla_attainment).get(m) is not None for p in by_level.values())
    ]
    with _chart(_("SLA attainment by level"), lang) as (figure, axes):
        if not metrics:
            _empty(axes, lang)
            return _svg(figure)
        width = 0.8 / len(metrics)
        for i, metric in enumerate(metrics):
            values = [dict(by_level[level].sla_attainment).get(metric) for level in Level]
            xs = [n + (i - (len(metrics) - 1) / 2) * width for n in range(len(Level))]
            axes.bar(
                [x for x, v in zip(xs, values, strict=True) if v is not None],
                [v * 100 for v in values if v is not None],
                width,
                label=metric.label(lang),
                color=_PALETTE[i % len(_PALETTE)],
            )
        axes.set_xticks(range(len(Level)), [_level(level, lang) for level in Level])
        axes.set_ylim(0, 105)
        axes.set_ylabel(_("attainment (%)").text(lang))
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
        return _svg(figure)


def _level(level: Level, lang: str) -> str:
    return f"{level.value} {level.label(lang)}"


def weekly_volume_by_type(report: PeriodReport, lang: str = "en") -> str:
    """How many crises were detected each week, stacked by crisis type, as SVG."""
    weeks = sorted({group_key(m, GroupKey.WEEK, report.zone)[0] for m in report.crises})
    types = [t for t in CrisisType if any(m.crisis_type is t for m in report.crises)]
    with _chart(_("Crises per week by type"), lang) as (figure, axes):
        if not weeks:
            _empty(axes, lang)
            return _svg(figure)
        bottom = [0] * len(weeks)
        for i, crisis_type in enumerate(types):
            counts = [
                sum(
                    1
                    for m in report.crises
                    if m.crisis_type is crisis_type
                    and group_key(m, GroupKey.WEEK, report.zone)[0] == week
                )
                for week in weeks
            ]
            axes.bar(
                weeks,
                counts,
                bottom=bottom,
                label=crisis_type.label(lang),
                color=_PALETTE[i % len(_PALETTE)],
            )
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        axes.set_ylabel(_("crises").text(lang))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
        return _svg(figure)


def acknowledge_distribution(report: PeriodReport, lang: str = "en") -> str:
    """The distribution of the time to acknowledge, in minutes, as an SVG histogram."""
    minutes = [
        m.time_to_acknowledge / dt.timedelta(minutes=1)
        for m in report.crises
        if m.time_to_acknowledge is not None
    ]
    with _chart(_("Time to acknowledge"), lang) as (figure, axes):
        if not minutes:
            _empty(axes, lang)
            return _svg(figure)
        axes.hist(minutes, bins=min(12, max(1, len(minutes))), color=_PALETTE[3], edgecolor="white")
        stats = report.total.time_to_acknowledge
        for value, name, style in (
            (stats.median, _("median"), "--"),
            (stats.p90, _("p90"), ":"),
        ):
            if value is not None:
                axes.axvline(
                    value / dt.timedelta(minutes=1),
                    color="#333",
                    linestyle=style,
                    label=f"{name.text(lang)} {value / dt.timedelta(minutes=1):g}",
                )
        axes.set_xlabel(_("minutes from detection").text(lang))
        axes.set_ylabel(_("crises").text(lang))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(fontsize="small")
        return _svg(figure)


def spending_against_budget(report: PeriodReport, lang: str = "en") -> str:
    """What each period spent per budget category, against the period's budget, as SVG.

    One bar per period and category in the budget's currency; a bar over its budget is
    drawn in red, and the budget is a dashed line. Needs a report with a ledger.
    """
    ledger = report.ledger
    with _chart(_("Spending against budget"), lang) as (figure, axes):
        lines = [line for line in ledger.lines if line.budget is not None] if ledger else []
        if not lines:
            _empty(axes, lang)
            return _svg(figure)
        periods = sorted({line.period for line in lines})
        categories = [c for c in BudgetCategory if any(line.category is c for line in lines)]
        width = 0.8 / len(categories)
        currency = lines[0].spent.currency
        for i, category in enumerate(categories):
            found = {line.period: line for line in lines if line.category is category}
            for n, period in enumerate(periods):
                line = found.get(period)
                if line is None or line.budget is None:
                    continue
                x = n + (i - (len(categories) - 1) / 2) * width
                # Over budget: the category's colour, hatched, with a red edge.
                axes.bar(
                    x,
                    float(line.spent.amount),
                    width * 0.9,
                    color=_PALETTE[3 + i % 3],
                    edgecolor="#c0392b" if line.over_budget else "none",
                    linewidth=2,
                    hatch="//" if line.over_budget else None,
                    label=category.label(lang) if n == 0 else None,
                )
                axes.hlines(
                    float(line.budget.amount),
                    x - width / 2,
                    x + width / 2,
                    colors="#333",
                    linestyles="--",
                )
        axes.set_xticks(range(len(periods)), periods)
        axes.set_ylabel(_("spent ({currency})", currency=currency).text(lang))
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
        return _svg(figure)
