"""A period report as one self-contained HTML page: tables and four charts, in English or Chinese.

:func:`render_html` returns the page as a string; :func:`write_html` writes it to a path.
The charts (SLA attainment by level, weekly volume by type, the time to acknowledge, spending
against the budget) are drawn by :mod:`crisiskit.reports.charts` as inline SVG, so the page
needs nothing else: no script, no style sheet, no font or image from anywhere. Drawing them
needs matplotlib (``pip install 'crisiskit[charts]'``) and, for Chinese, a CJK font.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pendulum

from crisiskit.app.describe import duration_text
from crisiskit.calendar import BusinessCalendar
from crisiskit.messages import Message, _, language_of
from crisiskit.reports import (
    UNASSIGNED,
    UNGRADED,
    DurationStats,
    GroupKey,
    PeriodMetrics,
    PeriodReport,
    charts,
)
from crisiskit.sla import SlaMetric
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisType, Role

__all__ = ["render_html", "write_html"]

_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", system-ui, sans-serif; margin: 2rem auto; max-width: 64rem;
       color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.about { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child, td.key { text-align: left; }
thead th { background: #f4f4f4; }
tr.over td { background: #fdecea; color: #a93226; font-weight: bold; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: 1rem; }
figure { margin: 0; } figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: .85rem; }
ul.warnings { color: #a93226; }
"""


def render_html(
    report: PeriodReport,
    *,
    lang: str = "en",
    title: str | None = None,
    calendar: BusinessCalendar | None = None,
) -> str:
    """The report as one HTML page, in ``lang`` (``"en"`` or ``"zh"``).

    Args:
        report: the report (:func:`crisiskit.reports.period_report`).
        lang: the page's language.
        title: the page's heading (default: "Crisis report" in the language).
        calendar: the calendar the report's working times were counted on, to say them in
            its units (``2 working hours``).

    Raises:
        MissingExtraError: matplotlib, or for Chinese a CJK font, is missing.
    """
    lang = language_of(lang) or "en"
    heading = title or _("Crisis report").text(lang)
    total = report.total
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="about">{_e(_about(report, lang))}</p>',
        f"<h2>{_t(_('Summary'), lang)}</h2>",
        _summary(total, lang, calendar),
        f"<h2>{_t(_('Charts'), lang)}</h2>",
        '<div class="charts">',
    ]
    for name, caption, draw in (
        ("sla-by-level", _("SLA attainment by level"), charts.sla_by_level),
        ("weekly-volume", _("Crises per week by type"), charts.weekly_volume_by_type),
        ("acknowledge", _("Time to acknowledge"), charts.acknowledge_distribution),
        ("spending", _("Spending against budget"), charts.spending_against_budget),
    ):
        svg = draw(report, lang)
        parts.append(
            f'<figure id="{name}">{svg}<figcaption>{_e(caption.text(lang))}</figcaption></figure>'
        )
    parts.append("</div>")
    if report.groups:
        parts += [
            f"<h2>{_e(_('By {keys}', keys=_keys(report.by, lang)).text(lang))}</h2>",
            _groups(report, lang),
        ]
    if report.ledger is not None:
        parts += [f"<h2>{_t(_('Spending against budget'), lang)}</h2>", _ledger(report, lang)]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def write_html(
    report: PeriodReport,
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    title: str | None = None,
    calendar: BusinessCalendar | None = None,
) -> Path:
    """Write :func:`render_html`'s page to ``path`` (UTF-8); return the path."""
    page = render_html(report, lang=lang, title=title, calendar=calendar)
    target = Path(path)
    target.write_text(page, encoding="utf-8")
    return target


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _t(message: Message, lang: str) -> str:
    return _e(message.text(lang))


def _keys(keys: Iterable[GroupKey], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(k.label(lang) for k in keys)


def _about(report: PeriodReport, lang: str) -> str:
    detected = [m.detected_at for m in report.crises]
    start = report.start or (min(detected) if detected else None)
    end = report.end or (max(detected) if detected else None)

    def day(at: pendulum.DateTime | None) -> str:
        return "—" if at is None else at.in_timezone(report.zone).format("YYYY-MM-DD HH:mm")

    return _(
        "{count} crises detected from {start} to {end}; weeks and months in {zone}",
        count=report.total.crises,
        start=day(start),
        end=day(end),
        zone=report.zone,
    ).text(lang)


def _duration(value: dt.timedelta | None, lang: str, calendar: BusinessCalendar | None) -> str:
    if value is None:
        return "—"
    if calendar is not None and value % dt.timedelta(hours=1) == dt.timedelta(0):
        return calendar.duration_text(value, lang)  # whole hours or days: in its own units
    return duration_text(value, lang)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _table(head: Sequence[str], body: Iterable[Sequence[str]], classes: Sequence[str] = ()) -> str:
    rows = [
        f"<tr{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>"
        + "".join(f"<td>{cell}</td>" for cell in cells)
        + "</tr>"
        for cells, cls in zip(body, [*classes, *[""] * 10_000], strict=False)
    ]
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{cell}</th>" for cell in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _summary(total: PeriodMetrics, lang: str, calendar: BusinessCalendar | None) -> str:
    body: list[Sequence[str]] = [
        (_t(_("crises"), lang), str(total.crises)),
        (_t(_("still open"), lang), str(total.still_open)),
        (_t(_("reopen rate"), lang), _share(total.reopen_rate)),
    ]
    working = total.working
    durations: list[tuple[Message, DurationStats, DurationStats | None]] = [
        (
            _("time to acknowledge"),
            total.time_to_acknowledge,
            working.time_to_acknowledge if working else None,
        ),
        (
            _("time to first customer contact"),
            total.time_to_first_contact,
            working.time_to_first_contact if working else None,
        ),
        (
            _("time to first statement"),
            total.time_to_first_statement,
            working.time_to_first_statement if working else None,
        ),
        (_("time to close"), total.time_to_close, working.time_to_close if working else None),
    ]
    for name, stats, at_work in durations:
        cells = " / ".join(
            _e(_duration(v, lang, None)) for v in (stats.mean, stats.median, stats.p90)
        )
        if at_work is not None and at_work.count:
            worked = " / ".join(
                _e(_duration(v, lang, calendar))
                for v in (at_work.mean, at_work.median, at_work.p90)
            )
            colon = "：" if lang == "zh" else ": "
            cells += f"<br><small>{_t(_('working time'), lang)}{colon}{worked}</small>"
        body.append(
            (f"{_t(name, lang)} <small>({_t(_('mean / median / p90'), lang)})</small>", cells)
        )
    for figure in total.sla:
        body.append(
            (
                _e(_("SLA: {metric}", metric=figure.metric.label(lang)).text(lang)),
                f"{_share(figure.attainment)} ({figure.met}/{figure.met + figure.breached})",
            )
        )
    for figure in total.obligations:
        body.append(
            (
                _e(
                    _("owed to each customer: {metric}", metric=figure.metric.label(lang)).text(
                        lang
                    )
                ),
                f"{_share(figure.attainment)} ({figure.met}/{figure.met + figure.breached})",
            )
        )
    promises = total.promises
    body.append(
        (
            _t(_("promises kept on time"), lang),
            f"{_share(promises.attainment)} ({promises.on_time}/"
            f"{promises.on_time + promises.late + promises.overdue})",
        )
    )
    body.append(
        (
            _t(_("satisfaction (mean callback score)"), lang),
            "—" if total.average_satisfaction is None else f"{total.average_satisfaction:.2f}",
        )
    )
    body.append((_t(_("satisfaction recovery"), lang), _share(total.satisfaction_recovery)))
    for category, money in total.spending:
        body.append(
            (_e(_("spent: {category}", category=category.label(lang)).text(lang)), _e(money))
        )
    return _table((_t(_("figure"), lang), _t(_("value"), lang)), body)


def _key_label(key: GroupKey, code: str, lang: str) -> str:
    if code in (UNGRADED, UNASSIGNED):
        return (_("ungraded") if code == UNGRADED else _("unassigned")).text(lang)
    if key is GroupKey.TYPE:
        found = CrisisType.lookup(code)
        return found.label(lang) if found is not None else code
    if key is GroupKey.LEVEL:
        level = Level.lookup(code)
        return f"{code} {level.label(lang)}" if level is not None else code
    if key is GroupKey.DEPARTMENT:
        role = Role.lookup(code)
        return role.label(lang) if role is not None else code
    return code


def _groups(report: PeriodReport, lang: str) -> str:
    head = [_e(k.label(lang)) for k in report.by] + [
        _t(_("crises"), lang),
        _t(_("acknowledge: median / p90"), lang),
        _e(_("SLA: {metric}", metric=SlaMetric.ACKNOWLEDGE.label(lang)).text(lang)),
        _e(_("SLA: {metric}", metric=SlaMetric.FIRST_CONTACT.label(lang)).text(lang)),
        _t(_("time to close: median"), lang),
        _t(_("reopen rate"), lang),
        _t(_("spent"), lang),
    ]
    body = []
    for group in report.groups:
        m = group.metrics
        attainment = dict(m.sla_attainment)
        ack = m.time_to_acknowledge
        body.append(
            [_e(_key_label(k, code, lang)) for k, code in zip(report.by, group.key, strict=True)]
            + [
                str(m.crises),
                f"{_e(_duration(ack.median, lang, None))} / {_e(_duration(ack.p90, lang, None))}",
                _share(attainment.get(SlaMetric.ACKNOWLEDGE)),
                _share(attainment.get(SlaMetric.FIRST_CONTACT)),
                _e(_duration(m.time_to_close.median, lang, None)),
                _share(m.reopen_rate),
                "<br>".join(_e(f"{c.label(lang)} {money}") for c, money in m.spending) or "—",
            ]
        )
    return _table(head, body)


def _ledger(report: PeriodReport, lang: str) -> str:
    assert report.ledger is not None
    ledger = report.ledger
    head = [
        _t(_("period"), lang),
        _t(_("category"), lang),
        _t(_("spent"), lang),
        _t(_("budget"), lang),
        _t(_("remaining"), lang),
    ]
    body = [
        [
            _e(line.period),
            _e(line.category.label(lang)),
            _e(line.spent),
            _e(line.budget)
            if line.budget is not None
            else _t(_("no budget in this currency"), lang),
            _e(line.remaining) if line.remaining is not None else "—",
        ]
        for line in ledger.lines
    ]
    classes = ["over" if line.over_budget else "" for line in ledger.lines]
    warnings = "".join(f"<li>⚠ {_e(w.text(lang))}</li>" for w in ledger.warnings())
    return _table(head, body, classes) + (
        f'<ul class="warnings">{warnings}</ul>' if warnings else ""
    )
