"""One crisis on a time axis: its phases, levels, SLA deadlines, alerts, statements, escalations.

:func:`timeline_of` reads a crisis's events into a :class:`CrisisTimeline` — plain data, no
drawing library needed — and :func:`draw_timeline` / :func:`write_timeline` draw it as SVG
or PNG with matplotlib (the optional extra ``charts``)::

    from crisiskit.reports.timeline import timeline_of, write_timeline

    timeline = timeline_of(events, zone="Asia/Shanghai")
    write_timeline(timeline, "CR-2025-0927.svg", lang="zh")

The picture has one row per lifecycle phase (detected, warned, responding, recovering,
closed) with a bar for each stretch the crisis spent in it, a band coloured by the level in
force (I red, II orange, III yellow, IV blue) with a point where the level was raised, a row
of the statements released, and one row per SLA metric: each timer run as a thin line, its
deadline, and the milestones and breaches the sweeps raised. Times on the axis are in the
crisis's zone.

Every drawn element carries an id naming what it is and its time, to the minute, in that
zone — ``deadline.acknowledge.2025-09-27T20:30`` — so a test or a page can find it in the SVG.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import pendulum
from attrs import frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import ChartError, UnknownValueError, ValidationError
from crisiskit.events import (
    CrisisDetected,
    CrisisReopened,
    Event,
    LevelChanged,
    SlaAlertsRaised,
    SlaTimersChanged,
    StateChanged,
    StatementReleased,
)
from crisiskit.messages import Message, _
from crisiskit.reports._fonts import cjk_family, needs_cjk, require_matplotlib
from crisiskit.sla import SlaAlert, SlaMetric, TimerAction
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisState

__all__ = [
    "FORMATS",
    "CrisisTimeline",
    "LevelSpan",
    "Mark",
    "MarkKind",
    "Phase",
    "SlaRun",
    "draw_timeline",
    "timeline_of",
    "write_timeline",
]

MarkKind = Literal["deadline", "milestone", "breach", "statement", "escalation", "reopen"]
"""What a point on the timeline marks."""

FORMATS: Final = ("svg", "png")
"""The formats a timeline is drawn in."""


@frozen
class Phase:
    """A stretch of time the crisis spent in one lifecycle state."""

    state: CrisisState
    """The state."""
    start: pendulum.DateTime
    """When the crisis entered it."""
    end: pendulum.DateTime
    """When it left it, or the end of the timeline for the state it is still in."""


@frozen
class LevelSpan:
    """A stretch of time one level was in force."""

    level: Level
    """The level."""
    start: pendulum.DateTime
    """When it was set."""
    end: pendulum.DateTime
    """When it changed, or the end of the timeline."""


@frozen
class SlaRun:
    """One run of one SLA timer: from its start (or restart) until it stopped or the end.

    A run cancelled before its deadline (the crisis closed, dismissed) has no deadline: it
    never fell due.
    """

    metric: SlaMetric
    """What the timer measures."""
    start: pendulum.DateTime
    """When the run started."""
    end: pendulum.DateTime
    """When it stopped (met), or the end of the timeline while it still runs."""
    deadline: pendulum.DateTime | None
    """The last deadline the run was given (None: none that fell due)."""
    subject: str | None = None
    """Whom the timer's obligation is owed to (a customer's id), or None for the crisis."""


@frozen
class Mark:
    """A point in time on the timeline."""

    kind: MarkKind
    """Deadline, milestone, breach, statement, escalation (a level raised) or reopen."""
    at: pendulum.DateTime
    """When."""
    metric: SlaMetric | None = None
    """The SLA metric, for deadlines, milestones and breaches."""
    level: Level | None = None
    """The level raised to, for an escalation."""
    state: CrisisState | None = None
    """The state reopened into, for a reopen."""
    subject: str | None = None
    """Whom an SLA mark's timer is owed to (a customer's id), or None for the crisis."""


@frozen
class CrisisTimeline:
    """What the picture of one crisis shows: made by :func:`timeline_of`."""

    crisis_id: str
    """The crisis."""
    title: str
    """Its title, as detected."""
    zone: str
    """The IANA zone its times are shown in."""
    start: pendulum.DateTime
    """Its first event."""
    end: pendulum.DateTime
    """The end of the timeline: its last event, or the ``until`` given."""
    phases: tuple[Phase, ...]
    """The lifecycle phases, in order."""
    levels: tuple[LevelSpan, ...]
    """The levels in force, in order (none before the first grading)."""
    runs: tuple[SlaRun, ...]
    """The SLA timer runs, in the order they started."""
    marks: tuple[Mark, ...]
    """Deadlines, alerts, statements, escalations and reopens, in time order."""

    def count(self, kind: MarkKind) -> int:
        """How many marks of ``kind`` the timeline has."""
        return sum(1 for mark in self.marks if mark.kind == kind)


def timeline_of(
    events: Iterable[Event], *, zone: str, until: pendulum.DateTime | None = None
) -> CrisisTimeline:
    """The timeline of one crisis from its events (in any order; sorted by sequence).

    Args:
        events: the crisis's events, from its first (``CrisisDetected``) on.
        zone: the IANA zone to show times in, e.g. ``"Asia/Shanghai"``.
        until: where the timeline ends for a crisis still open (default: its last event).
            It must not lie before the last event.

    Raises:
        ValidationError: no events, events of more than one crisis, a history that does not
            start with the crisis's detection, a bad zone, or an ``until`` before the last event.
    """
    _checks.zone_name("zone", zone)
    ordered = sorted(events, key=lambda event: event.sequence)
    if not ordered:
        raise ValidationError(_("a timeline needs the crisis's events; got none"))
    first = ordered[0]
    if not isinstance(first, CrisisDetected):
        raise ValidationError(
            _(
                "a timeline starts at the crisis's first event, its detection (CrisisDetected); "
                "got {name} (sequence {sequence})",
                name=first.name,
                sequence=first.sequence,
            )
        )
    others = sorted({event.crisis_id for event in ordered} - {first.crisis_id})
    if others:
        raise ValidationError(
            _(
                "a timeline shows one crisis; the events belong to {crisis_id!r} and also to {others}",
                crisis_id=first.crisis_id,
                others=others,
            )
        )
    last = max(event.occurred_at for event in ordered)
    if until is not None:
        until = _checks.instant("until", until)
        if until < last:
            raise ValidationError(
                _(
                    "until must not lie before the crisis's last event ({last}); got {until}",
                    last=last.isoformat(),
                    until=until.isoformat(),
                )
            )
    end = until if until is not None else last
    reader = _Reader(first.occurred_at)
    for event in ordered:
        reader.read(event)
    return CrisisTimeline(
        crisis_id=first.crisis_id,
        title=first.title,
        zone=zone,
        start=first.occurred_at,
        end=end,
        phases=reader.phases(end),
        levels=reader.levels(end),
        runs=reader.runs(end),
        marks=tuple(sorted(reader.marks, key=lambda mark: mark.at)),
    )


class _Reader:
    """Reads events in order into phases, level spans, timer runs and marks."""

    def __init__(self, start: pendulum.DateTime) -> None:
        self.state_changes: list[tuple[CrisisState, pendulum.DateTime]] = [
            (CrisisState.DETECTED, start)
        ]
        self.level_changes: list[tuple[Level, pendulum.DateTime]] = []
        self.open_runs: dict[str, dict[str, Any]] = {}
        self.done_runs: list[dict[str, Any]] = []
        self.marks: list[Mark] = []
        self.alerts_seen: set[tuple[str, float, pendulum.DateTime]] = set()

    def read(self, event: Event) -> None:
        at = event.occurred_at
        if isinstance(event, StateChanged):
            self.state_changes.append((event.to_state, at))
            if isinstance(event, CrisisReopened):
                self.marks.append(Mark("reopen", at, state=event.to_state))
        if isinstance(event, LevelChanged):
            old = event.old_level
            if old is not None and event.new_level.is_more_severe_than(old):
                self.marks.append(Mark("escalation", at, level=event.new_level))
            self.level_changes.append((event.new_level, at))
        elif isinstance(event, StatementReleased):
            self.marks.append(Mark("statement", at))
        elif isinstance(event, SlaTimersChanged):
            for change in event.changes:
                self._change(
                    change.timer_id, change.metric, change.action, change.at, change.subject
                )
                run = self.open_runs.get(change.timer_id)
                if run is not None and change.deadline is not None:
                    run["deadline"] = change.deadline
            self._alerts(event.alerts)
        elif isinstance(event, SlaAlertsRaised):
            self._alerts(event.alerts)

    def _change(
        self,
        timer_id: str,
        metric: SlaMetric,
        action: TimerAction,
        at: pendulum.DateTime,
        subject: str | None,
    ) -> None:
        if action in {TimerAction.START, TimerAction.RESTART}:
            self._finish(timer_id, at)
            self.open_runs[timer_id] = {
                "metric": metric,
                "start": at,
                "deadline": None,
                "subject": subject,
            }
        elif action is TimerAction.STOP:
            self._finish(timer_id, at)
        elif action is TimerAction.CANCEL:
            run = self.open_runs.get(timer_id)
            if run is not None and run["deadline"] is not None and run["deadline"] > at:
                run["deadline"] = None  # cancelled before it fell due: it never was due
            self._finish(timer_id, at)

    def _finish(self, timer_id: str, at: pendulum.DateTime) -> None:
        run = self.open_runs.pop(timer_id, None)
        if run is not None:
            self.done_runs.append({**run, "end": at})

    def _alerts(self, alerts: Sequence[SlaAlert]) -> None:
        for alert in alerts:
            key = (alert.timer_id, alert.fraction, alert.due_at)
            if key in self.alerts_seen:
                continue
            self.alerts_seen.add(key)
            kind: MarkKind = "breach" if alert.fraction >= 1.0 else "milestone"
            self.marks.append(Mark(kind, alert.due_at, metric=alert.metric, subject=alert.subject))

    def phases(self, end: pendulum.DateTime) -> tuple[Phase, ...]:
        return tuple(
            Phase(
                state,
                start,
                self.state_changes[i + 1][1] if i + 1 < len(self.state_changes) else end,
            )
            for i, (state, start) in enumerate(self.state_changes)
        )

    def levels(self, end: pendulum.DateTime) -> tuple[LevelSpan, ...]:
        changes = self.level_changes
        return tuple(
            LevelSpan(level, start, changes[i + 1][1] if i + 1 < len(changes) else end)
            for i, (level, start) in enumerate(changes)
        )

    def runs(self, end: pendulum.DateTime) -> tuple[SlaRun, ...]:
        runs = [*self.done_runs, *({**run, "end": end} for run in self.open_runs.values())]
        runs.sort(key=lambda run: run["start"])
        for run in runs:
            if run["deadline"] is not None:
                self.marks.append(
                    Mark("deadline", run["deadline"], metric=run["metric"], subject=run["subject"])
                )
        return tuple(
            SlaRun(run["metric"], run["start"], run["end"], run["deadline"], run["subject"])
            for run in runs
        )


# --- drawing -------------------------------------------------------------------------------

_LEVEL_COLOURS: Final = {
    Level.I: "#d62728",
    Level.II: "#ff7f0e",
    Level.III: "#e6c619",
    Level.IV: "#1f77b4",
}
_PHASE_COLOURS: Final = {
    CrisisState.DETECTED: "#9e9ac8",
    CrisisState.WARNED: "#fdae6b",
    CrisisState.RESPONDING: "#fb6a4a",
    CrisisState.RECOVERING: "#74c476",
    CrisisState.CLOSED: "#bdbdbd",
}
# kind: (marker, size, face colour, edge colour)
_MARKERS: Final[dict[str, tuple[str, float, str, str]]] = {
    "deadline": ("D", 7, "white", "black"),
    "milestone": ("o", 6, "#fdd835", "#8d6e00"),
    "breach": ("X", 10, "#d62728", "#7f0000"),
    "statement": ("o", 8, "#2ca02c", "#145214"),
    "escalation": ("^", 10, "#d62728", "black"),
    "reopen": ("*", 13, "#9467bd", "#3f1f6b"),
}


def _legend_text(kind: str) -> Message:
    texts = {
        "deadline": _("SLA deadline"),
        "milestone": _("SLA milestone"),
        "breach": _("SLA breach"),
        "statement": _("statement released"),
        "escalation": _("level raised"),
        "reopen": _("reopened"),
    }
    return texts[kind]


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UnknownValueError(
            _(
                "a timeline is drawn as one of {formats}; got {fmt!r}",
                formats=FORMATS,
                fmt=fmt,
            )
        )
    return fmt


MAX_SUBJECT_ROWS: Final = 8
"""Rows of one metric's timers owed to single customers; more share one row."""

_ALL_SUBJECTS: Final = "*"


def _sla_rows(timeline: CrisisTimeline) -> dict[str, tuple[SlaMetric, str | None]]:
    """The SLA rows, keyed: the crisis's own timer of each metric, then one row per customer."""
    found = [(r.metric, r.subject) for r in timeline.runs]
    found += [(m.metric, m.subject) for m in timeline.marks if m.metric is not None]
    rows: dict[str, tuple[SlaMetric, str | None]] = {}
    for metric in SlaMetric:
        subjects = sorted({s for m, s in found if m is metric and s is not None})
        if any(m is metric and s is None for m, s in found):
            rows[f"sla.{metric.value}"] = (metric, None)
        if len(subjects) > MAX_SUBJECT_ROWS:
            subjects = [_ALL_SUBJECTS]
        for subject in subjects:
            rows[f"sla.{metric.value}.{subject}"] = (metric, subject)
    return rows


def _sla_key(
    metric: SlaMetric, subject: str | None, rows: dict[str, tuple[SlaMetric, str | None]]
) -> str:
    if subject is None:
        return f"sla.{metric.value}"
    key = f"sla.{metric.value}.{subject}"
    return key if key in rows else f"sla.{metric.value}.{_ALL_SUBJECTS}"


def _sla_label(metric: SlaMetric, subject: str | None, lang: str) -> str:
    if subject is None:
        return metric.label(lang)
    if subject == _ALL_SUBJECTS:
        return _("{metric}, each customer", metric=metric).text(lang)
    return _("{metric}: {customer}", metric=metric, customer=subject).text(lang)


def _sla_id(metric: SlaMetric, subject: str | None) -> tuple[str, ...]:
    """The parts of an element id naming a timer: its metric, and whom it is owed to."""
    if subject is None:
        return (metric.value,)
    return (metric.value, re.sub(r"[^A-Za-z0-9_-]", "_", subject))


def draw_timeline(timeline: CrisisTimeline, *, lang: str = "en", format: str = "svg") -> bytes:
    """The picture of ``timeline`` as SVG or PNG bytes, its text in ``lang`` (``en`` or ``zh``).

    Raises:
        MissingExtraError: matplotlib is not installed (``pip install 'crisiskit[charts]'``).
        ChartError: the picture has Chinese text and no CJK font is installed.
        UnknownValueError: a format other than ``svg`` or ``png``, or a language other than
            English or Chinese.
    """
    language = normalize_lang(lang)
    fmt = _format(format)
    matplotlib = require_matplotlib()
    from matplotlib import dates as mdates  # noqa: PLC0415 - optional dependency
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    zone = timeline.zone
    tz = pendulum.timezone(zone)

    def local(at: pendulum.DateTime) -> str:
        return str(at.in_timezone(zone).strftime("%Y-%m-%dT%H:%M"))

    ids: set[str] = set()

    def gid(*parts: str) -> str:
        base = ".".join(parts)
        name, n = base, 1
        while name in ids:
            n += 1
            name = f"{base}.{n}"
        ids.add(name)
        return name

    sla_rows = _sla_rows(timeline)
    rows: list[tuple[str, str]] = [("level", _("level").text(language))]
    rows += [(f"phase.{s.value}", s.label(language)) for s in CrisisState]
    rows.append(("statements", _("statements").text(language)))
    rows += [
        (key, _sla_label(metric, subject, language)) for key, (metric, subject) in sla_rows.items()
    ]
    y = {key: len(rows) - 1 - i for i, (key, _label) in enumerate(rows)}

    title = _("crisis {crisis_id}: {title}", crisis_id=timeline.crisis_id, title=timeline.title)
    title_text = title.text(language)
    axis_text = (
        _("time in Beijing (Asia/Shanghai)")
        if zone == "Asia/Shanghai"
        else _("time in {zone}", zone=zone)
    ).text(language)
    kinds_present = sorted({mark.kind for mark in timeline.marks}, key=list(_MARKERS).index)
    levels_present = [lv for lv in Level if any(s.level is lv for s in timeline.levels)]
    legend_texts = [_legend_text(kind).text(language) for kind in kinds_present]
    legend_texts += [_("level {level}", level=lv.value).text(language) for lv in levels_present]
    all_text = [title_text, axis_text, *(label for _key, label in rows), *legend_texts]
    family = [cjk_family(), "DejaVu Sans"] if needs_cjk(*all_text) else ["DejaVu Sans"]

    def x(at: pendulum.DateTime) -> float:
        return float(mdates.date2num(at))  # type: ignore[no-untyped-call]

    rc = {
        "font.family": family,
        "svg.hashsalt": "crisiskit-timeline",
        "svg.fonttype": "path",
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = Figure(figsize=(11, 1.6 + 0.42 * len(rows)), layout="constrained")
        ax = figure.add_subplot()
        half = 0.32

        instants = [timeline.start, timeline.end, *(mark.at for mark in timeline.marks)]
        low, high = x(min(instants)), x(max(instants))
        pad = max((high - low) * 0.02, 1 / (24 * 60))

        def bar(
            key: str,
            start: pendulum.DateTime,
            end: pendulum.DateTime,
            colour: str,
            name: str,
            *,
            current: bool,
        ) -> None:
            # The state and the level the crisis is in at the end run on to the right edge,
            # so a crisis closed by its last event still shows its closed phase.
            right = high + pad if current else x(end)
            ax.barh(
                y[key],
                max(right - x(start), 0.0),
                left=x(start),
                height=2 * half,
                color=colour,
                edgecolor="#444444",
                linewidth=0.5,
                gid=name,
            )

        for i, span in enumerate(timeline.levels):
            bar(
                "level",
                span.start,
                span.end,
                _LEVEL_COLOURS[span.level],
                gid("level", span.level.value, local(span.start)),
                current=i == len(timeline.levels) - 1,
            )
        for i, phase in enumerate(timeline.phases):
            bar(
                f"phase.{phase.state.value}",
                phase.start,
                phase.end,
                _PHASE_COLOURS[phase.state],
                gid("phase", phase.state.value, local(phase.start)),
                current=i == len(timeline.phases) - 1,
            )
        for run in timeline.runs:
            row = y[_sla_key(run.metric, run.subject, sla_rows)]
            ax.add_line(
                Line2D(
                    [x(run.start), x(run.end)],
                    [row, row],
                    color="#555555",
                    linewidth=2,
                    solid_capstyle="butt",
                    gid=gid("run", *_sla_id(run.metric, run.subject), local(run.start)),
                )
            )
        for mark in timeline.marks:
            if mark.kind in {"deadline", "milestone", "breach"}:
                assert mark.metric is not None
                row = y[_sla_key(mark.metric, mark.subject, sla_rows)]
                what = ".".join(_sla_id(mark.metric, mark.subject))
            elif mark.kind == "statement":
                row, what = y["statements"], ""
            elif mark.kind == "escalation":
                row, what = y["level"], mark.level.value if mark.level else ""
            else:
                row = y[f"phase.{mark.state.value}"] if mark.state else y["phase.detected"]
                what = mark.state.value if mark.state else ""
            symbol, size, face, edge = _MARKERS[mark.kind]
            ax.add_line(
                Line2D(
                    [x(mark.at)],
                    [row],
                    linestyle="none",
                    marker=symbol,
                    markersize=size,
                    markerfacecolor=face,
                    markeredgecolor=edge,
                    zorder=3,
                    gid=gid(*(p for p in (mark.kind, what, local(mark.at)) if p)),
                )
            )

        ax.set_xlim(low - pad, high + pad)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_yticks([y[key] for key, _label in rows], [label for _key, label in rows])
        locator = mdates.AutoDateLocator(tz=tz, minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d %H:%M", tz=tz))  # type: ignore[no-untyped-call]
        ax.tick_params(axis="x", labelrotation=30)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel(axis_text)
        ax.set_title(title_text, loc="left", fontsize=12, gid="title")
        handles: list[Any] = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker=_MARKERS[kind][0],
                markersize=_MARKERS[kind][1],
                markerfacecolor=_MARKERS[kind][2],
                markeredgecolor=_MARKERS[kind][3],
            )
            for kind in kinds_present
        ]
        handles += [
            Patch(facecolor=_LEVEL_COLOURS[lv], edgecolor="#444444") for lv in levels_present
        ]
        if handles:
            legend = figure.legend(
                handles,
                legend_texts,
                loc="outside lower center",
                ncols=min(len(handles), 5),
                frameon=False,
                fontsize=9,
            )
            legend.set_gid("legend")
        buffer = io.BytesIO()
        figure.savefig(
            buffer,
            format=fmt,
            dpi=110,
            metadata={"Date": None} if fmt == "svg" else {"Software": None},
        )
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise ChartError(
            _(
                "the chart's text has characters its font cannot draw ({detail}); "
                "install a font that has them",
                detail=missing[0],
            )
        )
    for other in caught:
        if "missing from font" not in str(other.message):
            warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    return buffer.getvalue()


def write_timeline(timeline: CrisisTimeline, path: str | Path, *, lang: str = "en") -> Path:
    """Draw ``timeline`` into ``path``, as SVG or PNG by its suffix; return the path.

    Raises:
        UnknownValueError: the suffix is neither ``.svg`` nor ``.png``.
        MissingExtraError, ChartError: as :func:`draw_timeline`.
        OSError: the file could not be written.
    """
    target = Path(path)
    fmt = _format(target.suffix.lower().lstrip(".") or "(none)")
    data = draw_timeline(timeline, lang=lang, format=fmt)
    target.write_bytes(data)
    return target
