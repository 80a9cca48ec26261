"""The ``crisiskit`` command line: demo, simulate, grade, calendar, monitor, verify, diagram.

Exit codes: 0 on success; 1 when a scenario cannot be played as written (a step refused
that the scenario did not mark ``"refused"``, or one so marked that went through) or a
stored log is not intact; 2 for bad usage or input. A failure is one line on stderr saying
what was wrong and what is allowed, in the language of ``--lang``, never a traceback.

Times written without an offset (``2025-09-27 20:00``) are read in the zone of the
``--zone`` option, default Asia/Shanghai, by every subcommand. Times must lie in the years
1900 to 2999 (the calendars' range); durations are at most 36 525 days.

Each subcommand is one ``_add_*`` function that declares it and one handler that runs it;
:func:`_parser` lists the ``_add_*`` functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit._version import __version__
from crisiskit.app.describe import describe, duration_text
from crisiskit.app.monitoring import read_real_crises, read_signal_stream
from crisiskit.app.report_html import write_html
from crisiskit.app.scenario import (
    Scenario,
    ScenarioError,
    SimulationResult,
    command_label,
    simulate,
)
from crisiskit.app.scenarios import load as load_scenario
from crisiskit.app.timeline_command import draw_timeline_command
from crisiskit.calendar import TWENTY_FOUR_SEVEN, BusinessCalendar, china_working_calendar
from crisiskit.crisis.lifecycle import to_dot, to_mermaid
from crisiskit.errors import CalendarError, CrisisKitError
from crisiskit.events import Event, KeyRing, SealingKey, StoredEvent, verify
from crisiskit.events import read as read_stored
from crisiskit.grading import POLICIES, GradingInput, policy_by_name
from crisiskit.messages import Message, _, language_of, say
from crisiskit.monitor import DecisionKind, MonitorConfig, backtest_monitor
from crisiskit.plan import EmergencyPlan
from crisiskit.reports import GroupKey, ledger_rows, period_report, rows, write_csv
from crisiskit.serialization import (
    MAX_DURATION,
    _converter,
    format_datetime,
    from_json,
    parse_datetime,
    parse_duration,
    to_dict,
)
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus
from crisiskit.values.clock import SystemClock
from crisiskit.values.levels import Level

__all__ = ["main"]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2

DEFAULT_ZONE = "Asia/Shanghai"
"""The zone of times given without an offset, when ``--zone`` is not given."""

FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a time on the command line may lie in (the calendars' range)."""

WIDTH = 80
"""The columns human-readable output fits in: longer lines are wrapped, never cut."""


class UsageError(Exception):
    """Bad input on the command line: the message is shown on one line, exit code 2."""


class _RefusedError(Exception):
    """A scenario could not be played as written: exit code 1."""


Handler = Callable[[argparse.Namespace], int]


def _lang(args: argparse.Namespace) -> str:
    return "zh" if getattr(args, "lang", "en") == "zh" else "en"


# --- text layout ------------------------------------------------------------------------------

_ANSI = re.compile(r"\033\[[0-9;]*m")


def _cols(text: str) -> int:
    """The terminal columns ``text`` takes: CJK characters two, colour codes none."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in _ANSI.sub("", text))


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns."""
    return text + " " * max(0, width - _cols(text))


# Characters a line may not start with (they close what came before) or end with.
_CLOSING = set("，。；：、）》」』”’！？%,.;:)]}!?…·")
_OPENING = set("（《「『“‘([{")

Piece = tuple[str, str, str]
"""Part of a line that is never split: the separator before it, its text, and the text as
shown (coloured, or the same)."""


def _pieces(text: str) -> list[Piece]:
    """``text`` cut where a line may break: at spaces, and beside CJK characters."""
    found: list[Piece] = []
    word, sep, wide_word = "", "", False
    for ch in text:
        if ch == " ":
            if word:
                found.append((sep, word, word))
            word, sep = "", " "
            continue
        wide = unicodedata.east_asian_width(ch) in "WF"
        joined = word[-1:] in _OPENING or (wide and word[-1:].isdigit())  # （x, 8千
        if word and ch not in _CLOSING and not joined and (wide or wide_word):
            found.append((sep, word, word))
            word, sep = "", ""
        word += ch
        if ch not in _CLOSING:
            wide_word = wide
    if word:
        found.append((sep, word, word))
    return found


def _fill(
    prefix: str,
    pieces: Iterable[Piece],
    indent: int,
    paint: Callable[[str], str] | None = None,
    *,
    width: int = WIDTH,
) -> list[str]:
    """Lines of at most :data:`WIDTH` columns: ``prefix``, then the pieces.

    Lines after the first start with ``indent`` spaces; ``paint`` colours each line's text
    (not the prefix). A piece wider than a whole line is cut.
    """
    lines: list[tuple[str, str]] = []
    lead, body, used = prefix, "", _cols(prefix)
    empty = True
    for sep, text, painted in pieces:
        plain, shown = text, painted
        need = _cols(plain) + (0 if empty else len(sep))
        if not empty and used + need > width:
            lines.append((lead, body))
            lead, body, used, empty = " " * indent, "", indent, True
            need = _cols(plain)
        while empty and used + need > width and len(plain) > 1:  # too long for any line
            cut = len(plain)
            while cut > 1 and used + _cols(plain[:cut]) > width:
                cut -= 1
            while cut > 1 and plain[cut] in _CLOSING:  # keep "，" off the next line's start
                cut -= 1
            lines.append((lead, plain[:cut]))
            lead, used = " " * indent, indent
            plain = shown = plain[cut:]
            need = _cols(plain)
        body += ("" if empty else sep) + shown
        used += need
        empty = False
    lines.append((lead, body))
    return [(lead + (paint(body) if paint and body else body)).rstrip() for lead, body in lines]


def _wrap(
    prefix: str, text: str, indent: int | None = None, paint: Callable[[str], str] | None = None
) -> list[str]:
    """``text`` after ``prefix``, wrapped to :data:`WIDTH` columns.

    Lines after the first start with ``indent`` spaces (default: under the text's start).
    """
    return _fill(prefix, _pieces(text), _cols(prefix) if indent is None else indent, paint)


def _print(lines: Iterable[str]) -> None:
    for line in lines:
        print(line)


# --- colour ---------------------------------------------------------------------------------

_LEVEL_COLOURS = {Level.I: "1;31", Level.II: "1;38;5;208", Level.III: "1;33", Level.IV: "1;34"}


def _use_colour(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _paint(text: str, code: str, on: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if on else text


def _painter(code: str, on: bool) -> Callable[[str], str] | None:
    return (lambda text: _paint(text, code, True)) if on else None


def _level_text(level: Level | None, colour: bool) -> str:
    if level is None:
        return "—".ljust(5)
    return _paint(level.value, _LEVEL_COLOURS[level], colour) + " " * (5 - len(level.value))


# --- zones and calendars --------------------------------------------------------------------


class _Zone:
    """A zone's name in a message: 北京时间 in Chinese for Asia/Shanghai."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name

    def label(self, lang: str = "en") -> str:
        if lang != "zh":
            return self.name
        return "北京时间" if self.name == DEFAULT_ZONE else f"{self.name} 时间"


_NO_HOLIDAYS = _(
    "note: running without holiday data (the 'holidays' package is not installed): "
    "Mon–Fri 09:00–18:00 Asia/Shanghai with no public holidays or make-up days; "
    "pip install 'crisiskit[holidays]' for the China working calendar"
)


def _working_calendar(years: Sequence[int], lang: str) -> tuple[BusinessCalendar, str]:
    """The China working calendar for ``years`` (as many as are published), else Mon–Fri hours.

    Returns the calendar and the key of its description in :data:`_CALENDARS`.
    """
    wanted = [year for year in years if FIRST_YEAR <= year <= LAST_YEAR]
    if not wanted:
        raise UsageError(
            _(
                "times must lie in the years {first} to {last}; got {year}",
                first=FIRST_YEAR,
                last=LAST_YEAR,
                year=min(years),
            )
        )
    years = wanted[:]
    while wanted:
        try:
            return china_working_calendar(wanted), "china"
        except CalendarError as exc:
            if "'holidays' package" in str(exc):
                break
            if len(wanted) == 1:
                raise
            wanted = wanted[:-1]  # next year's schedule is not published yet
    print(f"crisiskit{'：' if lang == 'zh' else ': '}{_NO_HOLIDAYS.text(lang)}", file=sys.stderr)
    plain = BusinessCalendar(
        name="working",
        zone="Asia/Shanghai",
        week={"mon-fri": ["09:00-12:00", "13:00-18:00"]},
        horizon_start=dt.date(min(years), 1, 1),
        horizon_end=dt.date(max(years), 12, 31),
    )
    return plain, "plain"


_CALENDARS = {
    "china": _("the China working calendar (public holidays and make-up days)"),
    "plain": _("Mon–Fri 09:00–18:00 without public holidays (pip install 'crisiskit[holidays]')"),
}


def _rules(
    scenario: Scenario, plan_path: str | None, lang: str
) -> tuple[EmergencyPlan, SlaPolicy, str]:
    year = scenario.start.year
    working, about = _working_calendar([year, year + 1], lang)
    plan = (
        EmergencyPlan.default() if plan_path is None else EmergencyPlan.from_json(_read(plan_path))
    )
    return plan, SlaPolicy.default(working), about


# --- files ----------------------------------------------------------------------------------


def _read(path: str) -> str:
    """The text of the file at ``path``, or a :class:`UsageError` saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(_("{path}: no such file", path=path)) from None
    except IsADirectoryError:
        raise UsageError(_("{path} is a folder; a file is needed", path=path)) from None
    except PermissionError:
        raise UsageError(_("{path}: permission denied", path=path)) from None
    except UnicodeDecodeError:
        raise UsageError(_("{path} is not UTF-8 text", path=path)) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise UsageError(_("{path} cannot be read: {reason}", path=path, reason=reason)) from None


def _read_json(path: str) -> object:
    try:
        return json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise UsageError(
            _(
                "{path} is not valid JSON: the error is at line {line}, column {column}",
                path=path,
                line=exc.lineno,
                column=exc.colno,
            )
        ) from None


# --- rendering a simulation ------------------------------------------------------------------

_SHORT = {
    SlaMetric.ACKNOWLEDGE: ("ack", "受理"),
    SlaMetric.GRADE: ("grade", "定级"),
    SlaMetric.FIRST_CONTACT: ("contact", "联系"),
    SlaMetric.PUBLIC_STATEMENT: ("statement", "声明"),
    SlaMetric.PROGRESS_UPDATE: ("update", "通报"),
    SlaMetric.RESOLUTION: ("resolve", "解决"),
}

_TEXT = {
    "demo": _("crisiskit demo"),
    "simulate": _("crisiskit simulate"),
    "time": _("time"),
    "state": _("state"),
    "level": _("level"),
    "event": _("event"),
    "sla": _("SLA"),
    "figures": _("Figures"),
    "ack": _("time to acknowledge"),
    "contact": _("time to first customer contact"),
    "statement": _("time to first public statement"),
    "close": _("time to close"),
    "open": _("time open"),
    "outcome": _("SLA outcome"),
    "compensation": _("compensation"),
    "satisfaction": _("satisfaction (callbacks / baseline)"),
    "refused": _("refused, as the scenario expected"),
}

_NOTED = {"LevelChanged", "ResponseStarted", "StatementReleased", "CrisisAcknowledged"}


def _sla_pieces(
    entry_sla: Sequence[tuple[SlaMetric, SlaStatus, pendulum.DateTime | None]],
    zone: str,
    lang: str,
    colour: bool,
) -> list[Piece]:
    """The open SLA timers as pieces ``ack 09-27 20:30`` joined by `` · ``."""
    cells: list[Piece] = []
    for metric, status, deadline in entry_sla:
        if status in {SlaStatus.MET, SlaStatus.CANCELLED}:
            continue
        name = _SHORT[metric][1 if lang == "zh" else 0]
        if status is SlaStatus.BREACHED:
            text, code = f"{name} ✗", "1;31"
        elif deadline is not None:
            mark = "!" if status is SlaStatus.AT_RISK else ""
            text = f"{name} {deadline.in_timezone(zone).format('MM-DD HH:mm')}{mark}"
            code = "33" if mark else ""
        else:
            text, code = f"{name} {status.label(lang)}", ""
        shown = _paint(text, code, colour) if code else text
        cells.append((" · " if cells else "", text, shown))
    return cells


def render(
    result: SimulationResult, *, lang: str, colour: bool, about: str, title: str = "demo"
) -> str:
    """The human-readable report of a simulation, in :data:`WIDTH` columns: timeline, figures."""
    lang = language_of(lang) or "en"
    zh = lang == "zh"
    scenario = result.scenario
    zone = scenario.zone
    colon = "：" if zh else ": "
    headline = f"{_TEXT[title].text(lang)} — {scenario.name}"
    out = _wrap("", headline, 2, _painter("1", colour))
    setting = _(
        "times in {zone}; SLA targets from the domain defaults, {calendar}",
        zone=_Zone(zone),
        calendar=_CALENDARS[about],
    )
    out += _wrap("", setting.text(lang), 2)
    # when(11) + 2, state(12) + 1, level(5) + 1: the event's text starts in column 32
    state_width, text_at = 12, 32
    header = (
        _pad(_TEXT["time"].text(lang), 13)
        + _pad(_TEXT["state"].text(lang), state_width + 1)
        + _pad(_TEXT["level"].text(lang), 6)
        + _TEXT["event"].text(lang)
    )
    out += ["", _paint(header, "2", colour)]
    refusals = list(result.refusals)
    sla = _TEXT["sla"].text(lang)

    def refusal_rows(step: int | None) -> None:
        while refusals and (step is None or refusals[0].step < step):
            refusal = refusals.pop(0)
            when = refusal.at.in_timezone(zone).format("MM-DD HH:mm")
            name = command_label(refusal.command, lang)
            reason = say(refusal.message or refusal.error, lang)
            text = f"✗ {name}{'被拒绝：' if zh else ' refused: '}{reason}"
            out.extend(_wrap(_pad(when, text_at), text, text_at + 2, _painter("35", colour)))

    for entry in result.timeline:
        event = entry.event
        refusal_rows(entry.step)
        when = entry.at.in_timezone(zone).format("MM-DD HH:mm")
        if event.actor == "system" and event.name.startswith("Sla"):
            text = describe(event, lang, zone=zone, label=False)
            shown = when if event.name == "SlaAlertsRaised" else ""
            code = "31" if "⚠" in text else "2"
            out.extend(
                _wrap(
                    _pad(shown, text_at) + f"↳ {sla}{colon}",
                    text,
                    text_at + 2,
                    _painter(code, colour),
                )
            )
            continue
        state = entry.state.label(lang)
        prefix = f"{when}  {_pad(state, state_width)} {_level_text(entry.level, colour)} "
        out.extend(_wrap(prefix, describe(event, lang, zone=zone), text_at))
        if entry.note:
            out.extend(_wrap(" " * text_at, f"“{entry.note}”", text_at + 1, _painter("2", colour)))
        cells = _sla_pieces(entry.sla, zone, lang, colour)
        if cells and event.name in _NOTED:
            lead = " " * text_at + f"{sla}{colon}"
            out.extend(_fill(lead, cells, _cols(lead)))
    refusal_rows(None)
    out += ["", _paint(_TEXT["figures"].text(lang), "1", colour)]
    out.extend(_figures(result, lang, colour))
    return "\n".join(out)


def _figures(result: SimulationResult, lang: str, colour: bool) -> list[str]:
    zh = lang == "zh"
    m = result.metrics
    out: list[str] = []
    label_width = 38

    def row(key: str, value: str | Sequence[Piece]) -> None:
        prefix = f"  {_pad(_TEXT[key].text(lang), label_width)} "
        if isinstance(value, str):
            out.extend(_wrap(prefix, value))
        else:
            out.extend(_fill(prefix, value, _cols(prefix)))

    none = "—"
    for key, value in (
        ("ack", m.time_to_acknowledge),
        ("contact", m.time_to_first_contact),
        ("statement", m.time_to_first_statement),
        ("close", m.time_to_close),
        ("open", m.open_time),
    ):
        row(key, duration_text(value, lang) if value is not None else none)
    outcomes: list[Piece] = []
    for metric, status in m.sla:
        text = f"{metric.label(lang)}{'' if zh else ' '}{status.label(lang)}"
        code = "1;31" if status is SlaStatus.BREACHED else "32"
        outcomes.append((" · " if outcomes else "", text, _paint(text, code, colour)))
    row("outcome", outcomes or none)
    if m.compensation_total:
        kinds = ("，" if zh else ", ").join(
            f"{kind.label(lang)} {money.amount}" for kind, money in m.compensation_by_kind
        )
        total = str(m.compensation_total)
        row("compensation", f"{total}（{kinds}）" if zh else f"{total} ({kinds})")
    else:
        row("compensation", none)
    if m.average_satisfaction is not None:
        baseline = f"{m.baseline_satisfaction:.1f}" if m.baseline_satisfaction else "?"
        ratio = f" = {m.satisfaction_recovery:.0%}" if m.satisfaction_recovery else ""
        row("satisfaction", f"{m.average_satisfaction:.1f} / {baseline}{ratio}")
    if result.refusals:
        names = [
            f"{command_label(r.command, lang)}（第{r.step + 1}步）"
            if zh
            else f"{r.command} (step {r.step + 1})"
            for r in result.refusals
        ]
        row("refused", ("、" if zh else ", ").join(names))
    return out


def _result_json(result: SimulationResult) -> str:
    m = result.metrics
    data = {
        "scenario": result.scenario.name,
        "ended_at": format_datetime(result.ended_at),
        "crisis": to_dict(result.crisis),
        "events": [to_dict(e) for e in result.events],
        "refusals": [
            {"step": r.step, "command": r.command, "at": format_datetime(r.at), "error": r.error}
            for r in result.refusals
        ],
        "metrics": _converter().unstructure(m),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


# --- demo and simulate ----------------------------------------------------------------------


def _play(args: argparse.Namespace, scenario: Scenario) -> int:
    lang = _lang(args)
    _check_year(scenario.start, _("the scenario's start"))
    plan, sla, about = _rules(scenario, getattr(args, "plan", None), lang)
    until = _parse_instant(args.until, args.zone) if getattr(args, "until", None) else None
    try:
        result = simulate(scenario, plan=plan, sla=sla, until=until)
    except ScenarioError as exc:
        raise _RefusedError(exc.args[0] if exc.args else str(exc)) from None
    if getattr(args, "json", False):
        print(_result_json(result))
    else:
        title = "demo" if args.command == "demo" else "simulate"
        colour = _use_colour(args.color, sys.stdout)
        print(render(result, lang=lang, colour=colour, about=about, title=title))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    return _play(args, load_scenario("food_safety_zh" if _lang(args) == "zh" else "food_safety"))


def _simulate(args: argparse.Namespace) -> int:
    return _play(args, from_json(_read(args.scenario), Scenario))


# --- grade ----------------------------------------------------------------------------------


def _grade(args: argparse.Namespace) -> int:
    data = _read_json(args.input)
    if not isinstance(data, dict):
        raise UsageError(
            _(
                "{path}: expected a JSON object with crisis_type, signals, factors, …",
                path=args.input,
            )
        )
    data.pop("type", None)
    data.pop("schema_version", None)
    inputs = from_json(
        json.dumps({"type": "GradingInput", "schema_version": 1, **data}), GradingInput
    )
    policy = policy_by_name(args.policy)
    at = _parse_instant(args.at, args.zone) if args.at else SystemClock().now()
    assessment = policy.assess(inputs, at=at)
    if args.json:
        print(json.dumps(to_dict(assessment), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        for line in assessment.explain(_lang(args)).splitlines():
            depth = len(line) - len(line.lstrip(" "))
            _print(_wrap(" " * depth, line.strip(), depth + 2))
    return EXIT_OK


# --- calendar -------------------------------------------------------------------------------


def _calendar(args: argparse.Namespace) -> int:
    lang = _lang(args)
    zone = _Zone(args.zone)
    start = _parse_instant(args.start, args.zone)
    if args.calendar == "24x7":
        calendar: BusinessCalendar = TWENTY_FOUR_SEVEN
    else:
        start_year = start.in_timezone(DEFAULT_ZONE).year
        calendar, _about = _working_calendar([start_year, start_year + 1], lang)

    def shown(instant: pendulum.DateTime, *, day: bool = False) -> str:
        pattern = "YYYY-MM-DD HH:mm" + (" dddd" if day else "")
        return instant.in_timezone(args.zone).format(pattern, locale=lang)

    if args.add:
        duration = _parse_span(args.add)
        due = calendar.add(start, duration)
        message = _(
            "{duration} from {start} ends at {end} ({zone})",
            duration=calendar.duration_text(duration, lang),
            start=shown(start),
            end=shown(due, day=True),
            zone=zone,
        )
    elif args.until:
        end = _parse_instant(args.until, args.zone)
        spent = calendar.working_time(start, end)
        message = _(
            "{duration} from {start} to {end} ({zone})",
            duration=calendar.duration_text(spent, lang),
            start=shown(start),
            end=shown(end),
            zone=zone,
        )
    elif calendar.is_working(start):
        message = _("{start} is working time ({zone})", start=shown(start, day=True), zone=zone)
    else:
        message = _(
            "{start} is not working time; work resumes at {next} ({zone})",
            start=shown(start, day=True),
            next=shown(calendar.next_working(start), day=True),
            zone=zone,
        )
    _print(_wrap("", message.text(lang), 2))
    return EXIT_OK


# --- verify ---------------------------------------------------------------------------------


def _verify(args: argparse.Namespace) -> int:
    lang = _lang(args)
    keys = _key_ring(args.keys) if args.keys else None
    head = _head(args.head) if args.head else None
    records = []
    for number, line in enumerate(_read(args.log).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(StoredEvent.from_json(line))
        except CrisisKitError as exc:
            raise UsageError(
                _(
                    "{path}, line {line}: {error}",
                    path=args.log,
                    line=number,
                    error=exc.args[0] if exc.args else str(exc),
                )
            ) from None
    if not records:
        raise UsageError(_("{path} holds no stored events", path=args.log))
    check = verify(records, keys=keys, head=head)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": check.ok,
                    "checked": check.checked,
                    "erased": check.erased,
                    "first_invalid": check.first_invalid,
                    "event_id": check.event_id,
                    "kind": None if check.kind is None else check.kind.value,
                    "problem": check.problem,
                },
                ensure_ascii=False,
            )
        )
    elif check.ok:
        if head is not None:
            message = _(
                "intact: {checked} events, {erased} with erased personal data",
                checked=check.checked,
                erased=check.erased,
            )
        else:
            message = _(
                "intact: {checked} events, {erased} with erased personal data; without --head "
                "a dropped tail would not show",
                checked=check.checked,
                erased=check.erased,
            )
        _print(_wrap("", message.text(lang), 2))
    else:
        assert check.kind is not None
        message = _(
            "event {number}: {kind} ({problem})",
            number=check.first_invalid,
            kind=check.kind,
            problem=check.problem,
        )
        _print(_wrap("", message.text(lang), 2))
    return EXIT_OK if check.ok else EXIT_REFUSED


def _key_ring(file: str) -> KeyRing:
    data = _read_json(file)
    if not isinstance(data, dict) or not data:
        raise UsageError(
            _('--keys is a JSON object of key ids and hex secrets, {{"k2026": "9f2c…"}}')
        )
    keys = []
    for key_id, secret in data.items():
        try:
            keys.append(SealingKey(key_id, bytes.fromhex(secret)))
        except (TypeError, ValueError) as exc:
            if isinstance(exc, CrisisKitError):
                raise
            raise UsageError(_("--keys: the secret of {key!r} is not hex", key=key_id)) from None
    return KeyRing(*keys)


def _head(text: str) -> tuple[int, str]:
    version, _colon, digest = text.partition(":")
    if not version.isdigit() or len(version) > 12 or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise UsageError(
            _(
                "--head is VERSION:HASH, the last event's sequence and its 64-hex-digit hash, "
                "e.g. {example}",
                example=f"61:{'9f2c' * 16}",
            )
        )
    return int(version), digest


# --- diagram --------------------------------------------------------------------------------


def _diagram(args: argparse.Namespace) -> int:
    print(to_mermaid() if args.format == "mermaid" else to_dot())
    return EXIT_OK


# --- monitor ------------------------------------------------------------------------------

_MONITOR_TEXT = {
    "title": _("crisiskit monitor"),
    "wall": _("wall time"),
    "business": _("business time on the China working calendar"),
    "time": _("time"),
    "key": _("key"),
    "decision": _("decision"),
    "none": _("no warnings"),
    "warnings": _("crises the monitor would have opened"),
    "foretold": _("real crises foretold"),
    "lead": _("lead time before the real detection"),
    "false": _("false alarms"),
    "misses": _("misses"),
    "late": _("late warnings (after the real detection)"),
}


def _m(key: str, lang: str) -> str:
    return _MONITOR_TEXT[key].text(lang)


def _monitor(args: argparse.Namespace) -> int:
    language = _lang(args)
    zone = args.zone
    stream = read_signal_stream(_read(args.stream), where=args.stream)
    crises = read_real_crises(_read(args.crises), where=args.crises) if args.crises else []
    window = _parse_span(args.window)
    horizon = _parse_span(args.horizon)
    calendar = None
    if args.calendar == "china" and stream.signals:
        years = sorted({s.observed_at.in_timezone(DEFAULT_ZONE).year for s in stream.signals})
        calendar, _about = _working_calendar([*years, years[-1] + 1], language)
    try:
        config = MonitorConfig(
            crisis_type=args.type,
            window=window,
            buckets=args.buckets,
            calendar=calendar,
            open_at=args.open_at,
        )
    except CrisisKitError as exc:
        raise UsageError(exc.args[0] if exc.args else str(exc)) from None
    result = backtest_monitor(
        stream.signals, crises, key=stream.key_function(), config=config, horizon=horizon
    )
    counts = dict.fromkeys(DecisionKind, 0)
    for decision in result.decisions:
        counts[decision.kind] += 1
    shown = []
    watching: set[str] = set()
    for d in result.decisions:
        if d.kind is DecisionKind.WATCH and d.key in watching and not args.all:
            continue  # a key on watch is shown once until something else happens to it
        if d.kind is DecisionKind.WATCH:
            watching.add(d.key)
        else:
            watching.discard(d.key)
        if args.all or d.kind in (DecisionKind.WATCH, DecisionKind.OPEN, DecisionKind.RAISE):
            shown.append(d)
    if args.json:
        data: dict[str, object] = {
            "signals": result.signals,
            "keys": len(set(stream.keys)),
            "settings": config.settings(),
            "decisions": [
                {
                    "kind": d.kind.value,
                    "key": d.key,
                    "at": format_datetime(d.at),
                    "level": None if d.level is None else d.level.value,
                    "crisis_id": d.crisis_id,
                    "reason": {"en": d.reason.en, "zh": d.reason.zh},
                    "readings": dict(d.readings),
                    "signals": len(d.signals),
                }
                for d in shown
            ],
            "counts": {kind.value: n for kind, n in counts.items() if n},
        }
        if args.crises:
            data["backtest"] = {
                "crises": len(result.matches),
                "warnings": len(result.warnings),
                "matches": [
                    {
                        "crisis_id": m.crisis.crisis_id,
                        "key": m.crisis.key,
                        "detected_at": format_datetime(m.crisis.detected_at),
                        "warned_at": None if m.warning is None else format_datetime(m.warning.at),
                        "lead_time_seconds": None
                        if m.lead_time is None
                        else m.lead_time.total_seconds(),
                    }
                    for m in result.matches
                ],
                "false_alarms": [
                    {"key": w.key, "at": format_datetime(w.at), "crisis_id": w.crisis_id}
                    for w in result.false_alarms
                ],
                "misses": [c.crisis_id or c.key for c in result.misses],
                "late": [
                    {"key": w.key, "at": format_datetime(w.at), "crisis_id": w.crisis_id}
                    for w in result.late
                ],
            }
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        return EXIT_OK
    colour = _use_colour(args.color, sys.stdout)
    about = _(
        "{signals} signals, {keys} keys; watching for {type}; window {window} in {buckets} "
        "buckets ({time})",
        signals=result.signals,
        keys=len(set(stream.keys)),
        type=config.crisis_type,
        window=duration_text(window, language),
        buckets=config.buckets,
        time=_MONITOR_TEXT["wall" if calendar is None else "business"],
    )
    out = _wrap("", f"{_m('title', language)} — {Path(args.stream).name}", 2, _painter("1", colour))
    out += _wrap("", about.text(language), 2)
    out.append("")
    if shown:
        header = (
            _pad(_m("time", language), 13)
            + _pad(_m("key", language), 21)
            + _m("decision", language)
        )
        out.append(_paint(header, "2", colour))
    else:
        out.append(_m("none", language))
    for d in shown:
        when = d.at.in_timezone(zone).format("MM-DD HH:mm")
        key = d.key if _cols(d.key) <= 20 else d.key[:19] + "…"
        code = _KIND_COLOURS.get(d.kind.value, "0")
        out += _wrap(f"{when}  {_pad(key, 20)} ", d.explain(language), 34, _painter(code, colour))
    summary = _(
        "attached {attached} signal(s) to open crises; {duplicates} duplicate(s), "
        "{snoozed} snoozed, {late} too late",
        attached=counts[DecisionKind.ATTACH],
        duplicates=counts[DecisionKind.DUPLICATE],
        snoozed=counts[DecisionKind.SNOOZED],
        late=counts[DecisionKind.LATE],
    )
    out += ["", *_wrap("", summary.text(language), 2)]
    if args.crises:
        title = _("Backtest against {n} real crisis(es)", n=len(result.matches))
        out += ["", _paint(title.text(language), "1", colour)]

        def row(key: str, value: str) -> None:
            out.extend(_wrap(f"  {_pad(_m(key, language), 40)} ", value))

        row("warnings", str(len(result.warnings)))
        row("foretold", f"{len(result.lead_times)} / {len(result.matches)}")
        for match in result.matches:
            if match.lead_time is not None:
                name = match.crisis.crisis_id or match.crisis.key
                row("lead", f"{name}: {duration_text(match.lead_time, language)}")
        comma = "、" if language == "zh" else ", "
        row("false", comma.join(f"{w.crisis_id} ({w.key})" for w in result.false_alarms) or "0")
        row("misses", comma.join(c.crisis_id or c.key for c in result.misses) or "0")
        row("late", comma.join(f"{w.crisis_id} ({w.key})" for w in result.late) or "0")
    _print(out)
    return EXIT_OK


_KIND_COLOURS = {"open": "1;31", "raise": "1;31", "watch": "33", "attach": "2"}


# --- argument helpers --------------------------------------------------------------------


def _check_zone(name: str) -> str:
    """The ``--zone`` option: an IANA zone name known to this machine."""
    try:
        return _checks.zone_name("--zone", name)
    except CrisisKitError:
        raise UsageError(
            _(
                "--zone must be an IANA time-zone name such as 'Asia/Shanghai' or "
                "'Europe/London'; got {zone!r}",
                zone=_shown(name),
            )
        ) from None


def _shown(text: str) -> str:
    """``text`` to quote in a message: at most 60 characters."""
    return text if len(text) <= 60 else text[:59] + "…"


def _check_year(instant: dt.datetime, what: Message) -> None:
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise UsageError(
            _(
                "{what} must lie in the years {first} to {last}; got {instant}",
                what=what,
                first=FIRST_YEAR,
                last=LAST_YEAR,
                instant=instant.isoformat(),
            )
        )


def _parse_instant(text: str, zone: str) -> pendulum.DateTime:
    """An instant: ISO 8601 with an offset, or a local 'YYYY-MM-DD HH:MM' read in ``zone``."""
    what = _("the time {time!r}", time=_shown(text))
    try:
        instant = parse_datetime(text)
    except CrisisKitError:
        try:
            local = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise UsageError(
                _(
                    "not a time: {time!r} (write 2025-09-27T20:00+08:00, or 2025-09-27 20:00 "
                    "for a time in --zone, default {zone}; years {first} to {last})",
                    time=_shown(text),
                    zone=DEFAULT_ZONE,
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                )
            ) from None
        _check_year(local, what)
        instant = pendulum.instance(local) if local.tzinfo else pendulum.instance(local, tz=zone)
    _check_year(instant, what)
    try:
        instant.in_timezone("UTC").in_timezone(zone)
    except (OverflowError, ValueError):
        raise UsageError(
            _(
                "{what} must lie in the years {first} to {last}",
                what=what,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        ) from None
    return instant


_UNITS = {"h": 3600, "m": 60, "d": 86400, "s": 1}
_SPAN = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[hmds]$")


def _parse_span(text: str) -> dt.timedelta:
    """A duration: ISO 8601 (PT26H) or a number of hours ('26h', '90m', '3d')."""
    cleaned = text.strip().lower()
    if cleaned.startswith("-"):
        raise UsageError(
            _(
                "a duration must not be negative; got {duration!r} (business time only runs "
                "forward: to go back, ask --until from an earlier start)",
                duration=_shown(text),
            )
        )
    plain = _SPAN.match(cleaned)
    if plain is not None:
        number = plain["number"]
        seconds = (float(number) if len(number) <= 30 else math.inf) * _UNITS[cleaned[-1]]
        if not seconds <= MAX_DURATION.total_seconds():
            raise UsageError(
                _(
                    "the duration {duration!r} is too large (at most {days} days, {hours}h)",
                    duration=_shown(text),
                    days=MAX_DURATION.days,
                    hours=MAX_DURATION.days * 24,
                )
            )
        return dt.timedelta(seconds=seconds)
    return parse_duration(text.strip().upper())


_TAKES_VALUE = {"--add", "--until", "--at", "--window", "--horizon"}


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    """``--add -5h`` as ``--add=-5h``, so that a negative duration gets its own message.

    Left apart, argparse takes ``-5h`` for an option and says only "expected one argument".
    """
    result: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        following = items[i + 1] if i + 1 < len(items) else ""
        if item in _TAKES_VALUE and re.match(r"-[0-9.pP]", following):
            result.append(f"{item}={following}")
            i += 2
            continue
        result.append(item)
        i += 1
    return result


def _language_in(argv: Sequence[str]) -> str:
    """The language ``--lang`` asks for, read before parsing so that parse errors use it."""
    lang = "en"
    for i, item in enumerate(argv):
        value = None
        if item == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif item.startswith("--lang="):
            value = item.partition("=")[2]
        if value is not None:
            lang = language_of(value) or lang
    return lang


# --- argparse, in the user's language -------------------------------------------------------

# argparse's own messages (Python 3.11 to 3.13), each with the message that replaces it.
_ARGPARSE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Message]], ...] = (
    (
        re.compile(r"the following arguments are required: (?P<names>.+)"),
        lambda m: _("the following arguments are required: {names}", names=m["names"]),
    ),
    (
        re.compile(r"argument (?P<option>\S+?): expected one argument"),
        lambda m: _("{option} needs a value", option=m["option"]),
    ),
    (
        re.compile(
            r"argument (?P<option>.+?): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"
        ),
        lambda m: _(
            "{option}: invalid choice {value!r}; choose from {choices}",
            option=m["option"],
            value=m["value"].strip("'"),
            choices=tuple(c.strip().strip("'") for c in m["choices"].split(",")),
        ),
    ),
    (
        re.compile(r"unrecognized arguments: (?P<arguments>.*)"),
        lambda m: _("unrecognized arguments: {arguments} (see --help)", arguments=m["arguments"]),
    ),
    (
        re.compile(r"argument (?P<option>.+?): not allowed with argument (?P<other>.+)"),
        lambda m: _("{option} cannot be given with {other}", option=m["option"], other=m["other"]),
    ),
    (
        re.compile(r"argument (?P<option>.+?): invalid int value: (?P<value>.+)"),
        lambda m: _(
            "{option} takes a whole number; got {value}", option=m["option"], value=m["value"]
        ),
    ),
    (
        re.compile(r"argument (?P<option>.+?): ignored explicit argument (?P<value>.+)"),
        lambda m: _("{option} takes no value; got {value}", option=m["option"], value=m["value"]),
    ),
    (
        re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
        lambda m: _(
            "{option} is ambiguous: it could be {matches}",
            option=m["option"],
            matches=m["matches"],
        ),
    ),
)


def _argparse_message(text: str) -> Message:
    for pattern, message in _ARGPARSE:
        match = pattern.fullmatch(text)
        if match is not None:
            return message(match)
    return _("{error} (see --help)", error=text)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help in :data:`WIDTH` columns, CJK-aware, whose "usage:" is said in the parser's language."""

    usage_prefix = "usage: "

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=WIDTH)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _fill("", _pieces(" ".join(text.split())), 0, width=width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        # descriptions wrap; indented lines (the examples of an epilog) stay as written
        lines = []
        for line in text.splitlines():
            if line.startswith(" ") or not line:
                lines.append(indent + line)
            else:
                lines += [indent + part for part in _fill("", _pieces(line), 0, width=width)]
        return "\n".join(lines)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """A parser that speaks ``lang`` and raises :class:`UsageError` instead of exiting."""

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # the help option is added below, in ``lang``
        super().__init__(*args, **kwargs)
        self.lang = lang
        self._positionals.title = _("positional arguments").text(lang)
        self._optionals.title = _("options").text(lang)
        self.add_argument(
            "-h", "--help", action="help", help=_("show this help and exit").text(lang)
        )

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = super()._get_formatter()
        if isinstance(formatter, _Formatter):
            prefix = _("usage: ").text(self.lang)
            formatter.usage_prefix = prefix
            # argparse counts characters: leave room for the prefix's wide ones
            formatter._width -= _cols(prefix) - len(prefix)
        return formatter

    def error(self, message: str) -> NoReturn:
        raise UsageError(
            _("{program}: {error}", program=self.prog, error=_argparse_message(message))
        )


def _example(lang: str, *lines: str) -> str:
    head = (_("example:") if len(lines) == 1 else _("examples:")).text(lang)
    return head + "\n" + "\n".join(f"  {line}" for line in lines)


def _output_options(sub: argparse.ArgumentParser, lang: str, *, colour: bool = True) -> None:
    sub.add_argument(
        "--lang",
        choices=["en", "zh"],
        type=lambda text: language_of(text) or text,
        default="en",
        help=_("the language of the output and of the messages: en or zh").text(lang),
    )
    if colour:
        sub.add_argument(
            "--color",
            choices=["auto", "always", "never"],
            default="auto",
            help=_(
                "colour the output: auto (on a terminal, unless NO_COLOR is set), always, never"
            ).text(lang),
        )


def _zone_option(sub: argparse.ArgumentParser, lang: str, *, output: bool = False) -> None:
    help_text = (
        _(
            "the IANA zone of times written without an offset and of the output (default {zone})",
            zone=DEFAULT_ZONE,
        )
        if output
        else _(
            "the IANA zone of times written without an offset (default {zone})", zone=DEFAULT_ZONE
        )
    )
    sub.add_argument("--zone", type=_check_zone, default=DEFAULT_ZONE, help=help_text.text(lang))


def _json_option(sub: argparse.ArgumentParser, lang: str) -> None:
    sub.add_argument("--json", action="store_true", help=_("machine-readable output").text(lang))


def _add_demo(commands: Any, lang: str) -> None:
    demo = commands.add_parser(
        "demo",
        lang=lang,
        help=_("play the built-in food-safety crisis from first signal to close").text(lang),
        epilog=_example(lang, "crisiskit demo --lang zh"),
    )
    _output_options(demo, lang)
    _json_option(demo, lang)
    demo.set_defaults(handler=_demo)


def _add_simulate(commands: Any, lang: str) -> None:
    sim = commands.add_parser(
        "simulate",
        lang=lang,
        help=_("play a scenario file (see docs: Scenarios)").text(lang),
        epilog=_example(lang, 'crisiskit simulate my-scenario.json --until "2025-09-28 08:00"'),
    )
    sim.add_argument("scenario", help=_("the scenario JSON file").text(lang))
    sim.add_argument(
        "--until", help=_("stop at this time (ISO 8601, or local time in --zone)").text(lang)
    )
    sim.add_argument(
        "--plan",
        help=_("an emergency plan JSON file (default: EmergencyPlan.default())").text(lang),
    )
    _json_option(sim, lang)
    _output_options(sim, lang)
    _zone_option(sim, lang)
    sim.set_defaults(handler=_simulate)


def _add_grade(commands: Any, lang: str) -> None:
    grade = commands.add_parser(
        "grade",
        lang=lang,
        help=_("assess a JSON grading input with a named policy").text(lang),
        epilog=_example(
            lang, "crisiskit grade grading.json --policy risk-matrix --at 2025-09-27T21:00"
        ),
    )
    grade.add_argument(
        "input",
        help=_("JSON: crisis_type, signals, customers, facts, factors, previous_level").text(lang),
    )
    grade.add_argument(
        "--policy",
        default="standard",
        help=_("one of {policies} (name or name@version)", policies=", ".join(POLICIES)).text(lang),
    )
    grade.add_argument(
        "--at",
        help=_("the assessment time: ISO 8601, or local time in --zone (default: now)").text(lang),
    )
    _json_option(grade, lang)
    _output_options(grade, lang, colour=False)
    _zone_option(grade, lang)
    grade.set_defaults(handler=_grade)


def _add_calendar(commands: Any, lang: str) -> None:
    cal = commands.add_parser(
        "calendar",
        lang=lang,
        help=_("working-time queries on the China or the 24x7 calendar").text(lang),
        epilog=_example(
            lang,
            'crisiskit calendar "2025-09-30 17:00" --add 26h',
            'crisiskit calendar "2025-09-30 17:00" --until "2025-10-09 10:00"',
        ),
    )
    cal.add_argument(
        "start",
        help=_("the start: 2025-09-27T20:00+08:00, or local '2025-09-27 20:00'").text(lang),
    )
    what = cal.add_mutually_exclusive_group()
    what.add_argument(
        "--add",
        help=_("a duration of business time to add: 26h, 90m, 3d or PT26H").text(lang),
    )
    what.add_argument(
        "--until",
        help=_("the end: how much business time lies between start and it").text(lang),
    )
    cal.add_argument(
        "--calendar",
        choices=["china", "24x7"],
        default="china",
        help=_(
            "china: the China working calendar (needs crisiskit[holidays] for the "
            "holidays); 24x7: every hour counts"
        ).text(lang),
    )
    _zone_option(cal, lang, output=True)
    _output_options(cal, lang, colour=False)
    cal.set_defaults(handler=_calendar)


def _add_monitor(commands: Any, lang: str) -> None:
    mon = commands.add_parser(
        "monitor",
        lang=lang,
        help=_(
            "run a recorded signal stream (JSON Lines) through a monitor; backtest it with --crises"
        ).text(lang),
        epilog=_example(lang, "crisiskit monitor signals.jsonl --crises crises.jsonl --window 6h"),
    )
    mon.add_argument(
        "stream", help=_('the signals, one JSON object per line, each with a "key"').text(lang)
    )
    mon.add_argument(
        "--crises",
        help=_("the real crises, JSON Lines of key, detected_at, crisis_id: backtest").text(lang),
    )
    mon.add_argument(
        "--type",
        default="negative_publicity",
        help=_("the crisis type watched for (default rules)").text(lang),
    )
    mon.add_argument(
        "--window", default="24h", help=_("the window: 24h, 90m, 3d or PT24H").text(lang)
    )
    mon.add_argument(
        "--buckets", type=int, default=24, help=_("buckets per window (default 24)").text(lang)
    )
    mon.add_argument(
        "--open-at",
        default="IV",
        help=_("the least severe level that opens a crisis").text(lang),
    )
    mon.add_argument(
        "--calendar",
        choices=["wall", "china"],
        default="wall",
        help=_("wall: windows in wall time; china: in business time").text(lang),
    )
    mon.add_argument(
        "--horizon",
        default="7d",
        help=_("how long before a real detection a warning counts").text(lang),
    )
    mon.add_argument(
        "--all", action="store_true", help=_("show every decision, attaches too").text(lang)
    )
    _json_option(mon, lang)
    _output_options(mon, lang)
    _zone_option(mon, lang, output=True)
    mon.set_defaults(handler=_monitor)


def _add_verify(commands: Any, lang: str) -> None:
    check = commands.add_parser(
        "verify",
        lang=lang,
        help=_("check a stored event log (JSON Lines of stored events) for tampering").text(lang),
        description=_(
            "Check the hash chain of one crisis's stored events, one per line, as "
            "stored(event).to_json() wrote them. Exit 0 when intact, 1 when not, 2 on bad input."
        ).text(lang),
        epilog=_example(
            lang, "crisiskit verify CR-2025-0927.jsonl --keys keys.json --head 61:9f2c…"
        ),
    )
    check.add_argument(
        "log", help=_("the JSON Lines file of one crisis's stored events").text(lang)
    )
    check.add_argument(
        "--keys",
        help=_('a JSON file of the sealing keys by id, secrets in hex: {{"k2026": "9f2c…"}}').text(
            lang
        ),
    )
    check.add_argument(
        "--head",
        help=_("VERSION:HASH the host kept apart from the log, to detect a dropped tail").text(
            lang
        ),
    )
    _json_option(check, lang)
    _output_options(check, lang, colour=False)
    check.set_defaults(handler=_verify)


def _add_timeline(commands: Any, lang: str) -> None:
    timeline = commands.add_parser(
        "timeline",
        lang=lang,
        help=_(
            "draw one crisis as SVG or PNG: phases, levels, SLA deadlines and alerts, statements"
        ).text(lang),
        description=_(
            "Draw one crisis on a time axis: its phases as bars, its levels as colours, SLA "
            "deadlines, milestones and breaches as markers, statements and level raises as "
            "points. The input is a scenario (played as crisiskit simulate plays it) or a JSON "
            "Lines log of one crisis's stored events. Needs the charts extra (pip install "
            "'crisiskit[charts]'); Chinese needs a CJK font."
        ).text(lang),
        epilog=_example(lang, "crisiskit timeline scenario.json --out crisis.svg --lang zh"),
    )
    timeline.add_argument(
        "input", help=_("a scenario JSON file, or a JSON Lines log of stored events").text(lang)
    )
    timeline.add_argument(
        "--out", required=True, help=_("the picture to write: FILE.svg or FILE.png").text(lang)
    )
    timeline.add_argument(
        "--zone",
        type=_check_zone,
        default=None,
        help=_(
            "the IANA zone the times are shown in (default: the scenario's zone; {zone} for a log)",
            zone=DEFAULT_ZONE,
        ).text(lang),
    )
    timeline.add_argument(
        "--plan", help=_("an emergency plan JSON file, for a scenario").text(lang)
    )
    timeline.add_argument(
        "--keys", help=_("a JSON file of sealing keys, for a log sealed under keys").text(lang)
    )
    _output_options(timeline, lang, colour=False)
    timeline.set_defaults(handler=_timeline)


def _timeline(args: argparse.Namespace) -> int:
    return draw_timeline_command(
        args,
        text=_read(args.input),
        rules=lambda scenario, plan: _rules(scenario, plan, args.lang),
        keys=_key_ring,
    )


def _add_report(commands: Any, lang: str) -> None:
    report = commands.add_parser(
        "report",
        lang=lang,
        help=_("a period report of scenario runs as one HTML page with charts").text(lang),
        description=_(
            "Play scenario files (or read stored event logs) and write their figures — counts, "
            "times to acknowledge and close, SLA attainment, spending against the budget — "
            "grouped as asked, as one self-contained HTML page. Needs the charts extra."
        ).text(lang),
        epilog=_example(
            lang,
            "crisiskit report runs/*.json --out report.html --no-plan --group level",
            "crisiskit report runs/*.json --out report.html --lang zh --from 2025-09-01",
        ),
    )
    report.add_argument(
        "files",
        nargs="+",
        help=_("scenario JSON files, or stored event logs (JSON Lines)").text(lang),
    )
    report.add_argument("--out", required=True, help=_("the HTML file to write").text(lang))
    report.add_argument(
        "--group",
        action="append",
        default=[],
        help=_(
            "group by type, level, department, person, week or month (comma-separated or "
            "repeated: --group month,level)"
        ).text(lang),
    )
    report.add_argument(
        "--from",
        dest="start",
        help=_("crises detected from this time (ISO 8601, or local in --zone)").text(lang),
    )
    report.add_argument("--to", dest="end", help=_("crises detected before this time").text(lang))
    report.add_argument(
        "--ledger",
        choices=["month", "week", "all"],
        default="month",
        help=_("the period of the plan's budgets in the ledger (default month)").text(lang),
    )
    plans = report.add_mutually_exclusive_group()
    plans.add_argument(
        "--plan",
        help=_("an emergency plan JSON file (default: the default plan)").text(lang),
    )
    plans.add_argument(
        "--no-plan",
        action="store_true",
        help=_("play the scenarios without an emergency plan").text(lang),
    )
    report.add_argument("--csv", help=_("also write the figures as CSV to this file").text(lang))
    _zone_option(report, lang, output=True)
    _output_options(report, lang, colour=False)
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    lang = _lang(args)
    keys = [key for given in args.group for key in given.split(",") if key.strip()]
    by = [GroupKey.parse(key, what="--group") for key in keys]
    start = _parse_instant(args.start, args.zone) if args.start else None
    end = _parse_instant(args.end, args.zone) if args.end else None
    plan = (
        None
        if args.no_plan
        else EmergencyPlan.from_json(_read(args.plan))
        if args.plan
        else EmergencyPlan.default()
    )
    histories = [_report_events(name, plan, lang) for name in args.files]
    years = sorted({events[0].occurred_at.year for events in histories})
    calendar, _about = _working_calendar([*years, years[-1] + 1], lang)
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
    path = write_html(report, args.out, lang=lang, calendar=calendar)
    if args.csv:
        write_csv(rows(report), args.csv)
        if report.ledger is not None:
            write_csv(ledger_rows(report.ledger), Path(args.csv).with_suffix(".ledger.csv"))
    said = _(
        "wrote {path}; crises: {count}, groups: {groups}, over-budget warnings: {warnings}",
        path=str(path),
        count=report.total.crises,
        groups=len(report.groups),
        warnings=len(report.ledger.over_budget) if report.ledger else 0,
    )
    print(said.text(lang))  # one line, the path whole: a script may read it
    return EXIT_OK


def _report_events(name: str, plan: EmergencyPlan | None, lang: str) -> tuple[Event, ...]:
    """A crisis's events from a scenario file (played) or a stored event log (read)."""
    text = _read(name)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
        try:
            json.loads(text)
        except json.JSONDecodeError:  # one JSON object per line: a stored event log
            events = []
            for number, line in enumerate(lines, start=1):
                try:
                    events.append(read_stored(StoredEvent.from_json(line)))
                except CrisisKitError as exc:
                    raise UsageError(
                        _("{path}, line {line}: {problem}", path=name, line=number, problem=exc)
                    ) from None
            return tuple(events)
    scenario = from_json(text, Scenario)
    _check_year(scenario.start, _("{path}: the scenario's start", path=name))
    year = scenario.start.year
    working = _working_calendar([year, year + 1], lang)[0]
    try:
        return simulate(scenario, plan=plan, sla=SlaPolicy.default(working)).events
    except ScenarioError as exc:
        raise _RefusedError(_("{path}: {problem}", path=name, problem=exc)) from None


def _add_diagram(commands: Any, lang: str) -> None:
    diagram = commands.add_parser(
        "diagram",
        lang=lang,
        help=_("print the lifecycle as a Mermaid or DOT diagram").text(lang),
        epilog=_example(lang, "crisiskit diagram --format dot | dot -Tsvg > lifecycle.svg"),
    )
    diagram.add_argument(
        "--format",
        choices=["mermaid", "dot"],
        default="mermaid",
        help=_("mermaid (default) or dot (Graphviz)").text(lang),
    )
    diagram.set_defaults(handler=_diagram)


SUBCOMMANDS: tuple[Callable[[Any, str], None], ...] = (
    _add_demo,
    _add_simulate,
    _add_grade,
    _add_calendar,
    _add_monitor,
    _add_verify,
    _add_diagram,
    _add_timeline,
    _add_report,
)
"""The subcommands, in the order ``--help`` lists them: each declares its options and
handler. A new subcommand is one more ``_add_*`` function here."""


@functools.cache
def _parser(lang: str = "en") -> _Parser:
    """The parser in ``lang``, built once (parsing leaves it unchanged)."""
    parser = _Parser(
        prog="crisiskit",
        lang=lang,
        description=_("Customer-crisis management for CRMs: lifecycle, grading, SLA timers.").text(
            lang
        ),
        epilog=_example(lang, "crisiskit demo", "crisiskit COMMAND --help"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"crisiskit {__version__}",
        help=_("print the version and exit").text(lang),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add in SUBCOMMANDS:
        add(commands, lang)
    return parser


# --- main -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 a scenario step did not go as written or a log is not intact,
    2 bad usage or input. Every failure is one line on stderr, in the language of
    ``--lang``; none prints a traceback.
    """
    given = list(sys.argv[1:] if argv is None else argv)
    lang = "en"
    try:
        lang = _language_in(given)
        parser = _parser(lang)
        args = parser.parse_args(_join_negative_values(given))
        lang = _lang(args)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stdout)
            return EXIT_OK
        return handler(args)
    except BrokenPipeError:
        # The reader went away (``crisiskit demo | head``): not an error; keep the
        # interpreter from complaining while it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except _RefusedError as exc:
        _fail(exc, lang)
        return EXIT_REFUSED
    except (UsageError, CrisisKitError) as exc:
        _fail(exc, lang)
        return EXIT_BAD_INPUT
    except RecursionError:
        _fail(_("the input is nested too deeply to read"), lang)
        return EXIT_BAD_INPUT
    except MemoryError:
        _fail(_("the input is too large to read"), lang)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug in crisiskit: still one line, never a traceback
        _fail(
            _(
                "internal error, please report it: {error} (set CRISISKIT_DEBUG=1 to see where)",
                error=f"{type(exc).__name__}: {exc}",
            ),
            lang,
        )
        if os.environ.get("CRISISKIT_DEBUG"):
            raise
        return EXIT_BAD_INPUT


def _fail(problem: object, lang: str) -> None:
    """Say ``problem`` (an error or a message) on one line of stderr, in ``lang``."""
    message = " ".join(say(problem, lang).split())
    if len(message) > 1000:
        message = message[:999] + "…"
    if not message.startswith("crisiskit"):
        message = f"crisiskit{'：' if lang == 'zh' else ': '}{message}"
    print(message, file=sys.stderr)
