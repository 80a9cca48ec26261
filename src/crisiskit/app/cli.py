"""The ``crisiskit`` command line: demo, simulate, grade, calendar, monitor, verify, diagram.

Exit codes: 0 on success; 1 when a scenario cannot be played as written (a step refused
that the scenario did not mark ``"refused"``, or one so marked that went through); 2 for
bad usage or input. A failure is one line on stderr saying what was wrong and what is
allowed, never a traceback.

Times written without an offset (``2025-09-27 20:00``) are read in the zone of the
``--zone`` option, default Asia/Shanghai, by every subcommand. Times must lie in the years
1900 to 2999 (the calendars' range); durations are at most 36 525 days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit._version import __version__
from crisiskit.app.describe import describe, duration_text
from crisiskit.app.monitoring import read_real_crises, read_signal_stream
from crisiskit.app.scenario import Scenario, ScenarioError, SimulationResult, simulate
from crisiskit.app.scenarios import load as load_scenario
from crisiskit.calendar import TWENTY_FOUR_SEVEN, BusinessCalendar, china_working_calendar
from crisiskit.crisis.lifecycle import MOVES, to_dot, to_mermaid
from crisiskit.errors import CalendarError, CrisisKitError
from crisiskit.events import KeyRing, SealingKey, StoredEvent, verify
from crisiskit.grading import POLICIES, GradingInput, policy_by_name
from crisiskit.monitor import DecisionKind, MonitorConfig, backtest_monitor
from crisiskit.plan import EmergencyPlan
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
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level

__all__ = ["main"]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2

DEFAULT_ZONE = "Asia/Shanghai"
"""The zone of times given without an offset, when ``--zone`` is not given."""

FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a time on the command line may lie in (the calendars' range)."""


class UsageError(Exception):
    """Bad input on the command line: the message is shown on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


Handler = Callable[[argparse.Namespace], int]

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


def _level_text(level: Level | None, zh: bool, colour: bool) -> str:
    if level is None:
        return "—".ljust(4)
    return _paint(level.value.ljust(4), _LEVEL_COLOURS[level], colour)


# --- calendars and policies ----------------------------------------------------------------


def _working_calendar(years: Sequence[int]) -> tuple[BusinessCalendar, str]:
    """The China working calendar for ``years`` (as many as are published), else Mon–Fri hours.

    Returns the calendar and the key of its description in the output texts.
    """
    wanted = [year for year in years if FIRST_YEAR <= year <= LAST_YEAR]
    if not wanted:
        raise UsageError(
            f"crisiskit: times must lie in the years {FIRST_YEAR} to {LAST_YEAR}; got {min(years)}"
        )
    years = wanted[:]
    while wanted:
        try:
            return china_working_calendar(wanted), "china"
        except CalendarError as exc:
            if "needs the 'holidays' package" in str(exc):
                break
            if len(wanted) == 1:
                raise
            wanted = wanted[:-1]  # next year's schedule is not published yet
    print(
        "crisiskit: note: running without holiday data (the 'holidays' package is not "
        "installed): Mon–Fri 09:00–18:00 Asia/Shanghai with no public holidays or make-up "
        "days; pip install 'crisiskit[holidays]' for the China working calendar",
        file=sys.stderr,
    )
    plain = BusinessCalendar(
        name="working",
        zone="Asia/Shanghai",
        week={"mon-fri": ["09:00-12:00", "13:00-18:00"]},
        horizon_start=dt.date(min(years), 1, 1),
        horizon_end=dt.date(max(years), 12, 31),
    )
    return plain, "plain"


def _rules(scenario: Scenario, plan_path: str | None) -> tuple[EmergencyPlan, SlaPolicy, str]:
    year = scenario.start.year
    working, about = _working_calendar([year, year + 1])
    plan = (
        EmergencyPlan.default()
        if plan_path is None
        else EmergencyPlan.from_json(Path(plan_path).read_text(encoding="utf-8"))
    )
    return plan, SlaPolicy.default(working), about


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
    "demo": ("crisiskit demo", "crisiskit 演示"),
    "simulate": ("crisiskit simulate", "crisiskit 模拟"),
    "china": (
        "the China working calendar (public holidays and make-up days, 调休)",
        "中国工作日历（含法定节假日与调休）",
    ),
    "plain": (
        "Mon–Fri 09:00–18:00 Asia/Shanghai without public holidays (pip install 'crisiskit[holidays]')",
        "周一至周五 09:00–18:00，未含节假日（请安装 crisiskit[holidays]）",
    ),
    "zone": (
        "times in {zone}; SLA targets from the domain defaults, {cal}",
        "时间为 {zone}；时限采用默认目标，{cal}",
    ),
    "header": ("time         state        level event", "时间         状态         级别 事件"),
    "sla": ("SLA", "时限"),
    "figures": ("Figures", "考核指标"),
    "ack": ("time to acknowledge", "受理用时"),
    "contact": ("time to first customer contact", "首次联系客户用时"),
    "statement": ("time to first public statement", "首次公开声明用时"),
    "close": ("time to close", "关闭用时"),
    "open": ("time open", "处置时长"),
    "compensation": ("compensation", "补偿合计"),
    "satisfaction": ("satisfaction (callbacks / baseline)", "满意度（回访 / 基线）"),
    "refused": ("refused, as the scenario expected", "按预期被拒绝的操作"),
    "none": ("—", "—"),
    "outcome": ("SLA outcome", "时限达成情况"),
}


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (Chinese characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


_COMMAND_ZH = {move.command: move.label_zh for move in MOVES}


def _t(key: str, zh: bool) -> str:
    return _TEXT[key][1 if zh else 0]


def _sla_cell(
    entry_sla: Sequence[tuple[SlaMetric, SlaStatus, pendulum.DateTime | None]],
    zone: str,
    zh: bool,
    colour: bool,
) -> str:
    cells = []
    for metric, status, deadline in entry_sla:
        if status in {SlaStatus.MET, SlaStatus.CANCELLED}:
            continue
        name = _SHORT[metric][1 if zh else 0]
        if status is SlaStatus.BREACHED:
            cells.append(_paint(f"{name} ✗", "1;31", colour))
        elif deadline is not None:
            mark = "!" if status is SlaStatus.AT_RISK else ""
            text = f"{name} {deadline.in_timezone(zone).format('MM-DD HH:mm')}{mark}"
            cells.append(_paint(text, "33", colour) if mark else text)
        else:
            cells.append(f"{name} {status.label('zh' if zh else 'en')}")
    return " · ".join(cells)


def render(
    result: SimulationResult, *, lang: str, colour: bool, about: str, title: str = "demo"
) -> str:
    """The human-readable report of a simulation: timeline, then figures."""
    zh = normalize_lang(lang) == "zh"
    scenario = result.scenario
    zone = scenario.zone
    out = [
        _paint(f"{_t(title, zh)} — {scenario.name}", "1", colour),
        _t("zone", zh).format(zone=zone, cal=_t(about, zh)),
        "",
        _paint(_t("header", zh), "2", colour),
    ]
    refusals = list(result.refusals)
    width = 12
    colon = "：" if zh else ": "
    language = "zh" if zh else "en"

    def refusal_rows(step: int | None) -> None:
        while refusals and (step is None or refusals[0].step < step):
            refusal = refusals.pop(0)
            when = refusal.at.in_timezone(zone).format("MM-DD HH:mm")
            name = _COMMAND_ZH.get(refusal.command, refusal.command) if zh else refusal.command
            text = f"✗ {name}{'被拒绝：' if zh else ' refused: '}{refusal.error.split(': ', 1)[-1]}"
            out.append(_paint(f"{when}  {'':<{width}} {'':<4} {text}", "35", colour))

    for entry in result.timeline:
        event = entry.event
        refusal_rows(entry.step)
        when = entry.at.in_timezone(zone).format("MM-DD HH:mm")
        if event.actor == "system" and event.name.startswith("Sla"):
            text = describe(event, language, zone=zone, label=False)
            shown = when if event.name == "SlaAlertsRaised" else ""
            line = f"{shown:<12} {'':<{width}} {'':<4}  ↳ {_t('sla', zh)}{colon}{text}"
            out.append(_paint(line, "31" if "⚠" in text else "2", colour))
            continue
        state = entry.state.label(language)
        text = describe(event, language, zone=zone)
        out.append(f"{when}  {_pad(state, width)} {_level_text(entry.level, zh, colour)} {text}")
        if entry.note:
            out.append(_paint(f"{'':<{width + 19}}“{entry.note}”", "2", colour))
        cell = _sla_cell(entry.sla, zone, zh, colour)
        if cell and event.name in {
            "LevelChanged",
            "ResponseStarted",
            "StatementReleased",
            "CrisisAcknowledged",
        }:
            out.append(f"{'':<{width + 19}}{_t('sla', zh)}{colon}{cell}")
    refusal_rows(None)
    out += ["", _paint(_t("figures", zh), "1", colour)]
    m = result.metrics

    def row(key: str, value: dt.timedelta | None) -> None:
        shown = duration_text(value, language) if value is not None else _t("none", zh)
        out.append(f"  {_pad(_t(key, zh), 38)} {shown}")

    row("ack", m.time_to_acknowledge)
    row("contact", m.time_to_first_contact)
    row("statement", m.time_to_first_statement)
    row("close", m.time_to_close)
    row("open", m.open_time)
    outcomes = " · ".join(
        _paint(
            f"{metric.label(language)} {status.label(language)}",
            "1;31" if status is SlaStatus.BREACHED else "32",
            colour,
        )
        for metric, status in m.sla
    )
    out.append(f"  {_pad(_t('outcome', zh), 38)} {outcomes or _t('none', zh)}")
    total = str(m.compensation_total) if m.compensation_total else _t("none", zh)
    kinds = ", ".join(
        f"{kind.label(language)} {money.amount}" for kind, money in m.compensation_by_kind
    )
    out.append(f"  {_pad(_t('compensation', zh), 38)} {total}" + (f" ({kinds})" if kinds else ""))
    if m.average_satisfaction is not None:
        baseline = f"{m.baseline_satisfaction:.1f}" if m.baseline_satisfaction else "?"
        ratio = f" = {m.satisfaction_recovery:.0%}" if m.satisfaction_recovery else ""
        out.append(
            f"  {_pad(_t('satisfaction', zh), 38)} {m.average_satisfaction:.1f} / {baseline}{ratio}"
        )
    if result.refusals:
        names = ", ".join(f"{r.command} (step {r.step})" for r in result.refusals)
        out.append(f"  {_pad(_t('refused', zh), 38)} {names}")
    return "\n".join(out)


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


# --- commands ---------------------------------------------------------------------------


def _play(args: argparse.Namespace, scenario: Scenario) -> int:
    _check_year(scenario.start, "the scenario's start")
    plan, sla, about = _rules(scenario, getattr(args, "plan", None))
    until = _parse_instant(args.until, args.zone) if getattr(args, "until", None) else None
    try:
        result = simulate(scenario, plan=plan, sla=sla, until=until)
    except ScenarioError as exc:
        raise _RefusedError(str(exc)) from None
    if getattr(args, "json", False):
        print(_result_json(result))
    else:
        title = "demo" if args.command == "demo" else "simulate"
        colour = _use_colour(args.color, sys.stdout)
        print(render(result, lang=args.lang, colour=colour, about=about, title=title))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    zh = normalize_lang(args.lang) == "zh"
    return _play(args, load_scenario("food_safety_zh" if zh else "food_safety"))


def _simulate(args: argparse.Namespace) -> int:
    text = Path(args.scenario).read_text(encoding="utf-8")
    return _play(args, from_json(text, Scenario))


def _grade(args: argparse.Namespace) -> int:
    data = json.loads(Path(args.input).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise UsageError(
            f"{args.input}: expected a JSON object with crisis_type, signals, factors, ..."
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
        print(assessment.explain(args.lang))
    return EXIT_OK


def _calendar(args: argparse.Namespace) -> int:
    zh = normalize_lang(args.lang) == "zh"
    zone = args.zone
    start = _parse_instant(args.start, zone)
    if args.calendar == "24x7":
        calendar: BusinessCalendar = TWENTY_FOUR_SEVEN
    else:
        start_year = start.in_timezone(DEFAULT_ZONE).year
        calendar, _ = _working_calendar([start_year, start_year + 1])
    if args.add:
        duration = _parse_span(args.add)
        due = calendar.add(start, duration)
        print(
            f"{_hours(duration)} of {calendar.name} time from "
            f"{start.in_timezone(zone).format('YYYY-MM-DD HH:mm')} ends at "
            f"{due.in_timezone(zone).format('YYYY-MM-DD HH:mm dddd')} ({zone})"
            if not zh
            else f"自 {start.in_timezone(zone).format('YYYY-MM-DD HH:mm')} 起 {_hours(duration, zh=True)}"
            f"（{calendar.name}）截止于 {due.in_timezone(zone).format('YYYY-MM-DD HH:mm')}（{zone}）"
        )
    elif args.until:
        end = _parse_instant(args.until, zone)
        spent = calendar.working_time(start, end)
        print(_hours(spent, zh=zh))
    else:
        working = calendar.is_working(start)
        following = calendar.next_working(start)
        print(
            f"{'working' if working else 'not working'}; next working instant "
            f"{following.in_timezone(zone).format('YYYY-MM-DD HH:mm')}"
        )
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    zh = normalize_lang(args.lang) == "zh"
    keys = _key_ring(args.keys) if args.keys else None
    head = _head(args.head) if args.head else None
    path = Path(args.log)
    records = []
    with path.open(encoding="utf-8") as log:
        for number, line in enumerate(log, start=1):
            if not line.strip():
                continue
            try:
                records.append(StoredEvent.from_json(line))
            except CrisisKitError as exc:
                raise UsageError(f"crisiskit: {path}, line {number}: {exc}") from None
    if not records:
        raise UsageError(f"crisiskit: {path} holds no stored events")
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
        tail = (
            ""
            if head is not None
            else (
                "；未给出链头，无法发现末尾被删的事件"
                if zh
                else "; without --head a dropped tail would not show"
            )
        )
        print(
            f"完好：{check.checked} 个事件，其中 {check.erased} 个含已删除的个人信息{tail}"
            if zh
            else f"intact: {check.checked} events, {check.erased} with erased personal data{tail}"
        )
    else:
        assert check.kind is not None
        print(
            f"第 {check.first_invalid} 个事件：{check.kind.label('zh')}（{check.problem}）"
            if zh
            else f"event {check.first_invalid}: {check.kind.label('en')} ({check.problem})"
        )
    return EXIT_OK if check.ok else EXIT_REFUSED


def _key_ring(file: str) -> KeyRing:
    data = json.loads(Path(file).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data:
        raise UsageError(
            'crisiskit: --keys is a JSON object of key ids and hex secrets, {"k2026": "9f2c…"}'
        )
    keys = []
    for key_id, secret in data.items():
        try:
            keys.append(SealingKey(key_id, bytes.fromhex(secret)))
        except (TypeError, ValueError) as exc:
            if isinstance(exc, CrisisKitError):
                raise
            raise UsageError(f"crisiskit: --keys: the secret of {key_id!r} is not hex") from None
    return KeyRing(*keys)


def _head(text: str) -> tuple[int, str]:
    version, _, digest = text.partition(":")
    if not version.isdigit() or len(version) > 12 or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise UsageError(
            "crisiskit: --head is VERSION:HASH, the last event's sequence and its 64-hex-digit "
            f"hash, e.g. 61:{'9f2c' * 16}"
        )
    return int(version), digest


def _diagram(args: argparse.Namespace) -> int:
    print(to_mermaid() if args.format == "mermaid" else to_dot())
    return EXIT_OK


def _hours(value: dt.timedelta, *, zh: bool = False) -> str:
    hours = value.total_seconds() / 3600
    return f"{hours:g}小时" if zh else f"{hours:g} h"


# --- monitor ------------------------------------------------------------------------------

_MONITOR_TEXT = {
    "title": ("crisiskit monitor", "crisiskit 监测"),
    "about": (
        "{signals} signals, {keys} keys; watching for {type}; window {window} in {buckets} buckets ({time})",
        "{signals} 条信息，{keys} 个对象；监测类型：{type}；窗口 {window}，分 {buckets} 段（{time}）",
    ),
    "wall": ("wall time", "自然时间"),
    "business": ("business time on the China working calendar", "按中国工作日历计的工作时间"),
    "header": (
        "time         key                  decision",
        "时间         对象                 决定",
    ),
    "none": ("no warnings", "无预警"),
    "summary": (
        "attached {attached} signal(s) to open crises; {duplicates} duplicate(s), {snoozed} snoozed, {late} too late",
        "并入已立案危机 {attached} 条；重复 {duplicates} 条，暂停提醒 {snoozed} 条，过期 {late} 条",
    ),
    "backtest": ("Backtest against {n} real crisis(es)", "回测：对照 {n} 起真实危机"),
    "warnings": ("crises the monitor would have opened", "监测将立案的危机"),
    "foretold": ("real crises foretold", "提前预警的真实危机"),
    "lead": ("lead time before the real detection", "早于实际发现的时间"),
    "false": ("false alarms", "误报"),
    "misses": ("misses", "漏报"),
    "late": ("late warnings (after the real detection)", "迟到的预警（晚于实际发现）"),
}


def _m(key: str, zh: bool) -> str:
    return _MONITOR_TEXT[key][1 if zh else 0]


def _monitor(args: argparse.Namespace) -> int:
    zh = normalize_lang(args.lang) == "zh"
    language = "zh" if zh else "en"
    zone = args.zone
    stream = read_signal_stream(Path(args.stream).read_text(encoding="utf-8"), where=args.stream)
    crises = (
        read_real_crises(Path(args.crises).read_text(encoding="utf-8"), where=args.crises)
        if args.crises
        else []
    )
    window = _parse_span(args.window)
    horizon = _parse_span(args.horizon)
    calendar = None
    if args.calendar == "china" and stream.signals:
        years = sorted({s.observed_at.in_timezone(DEFAULT_ZONE).year for s in stream.signals})
        calendar, _ = _working_calendar([*years, years[-1] + 1])
    try:
        config = MonitorConfig(
            crisis_type=args.type,
            window=window,
            buckets=args.buckets,
            calendar=calendar,
            open_at=args.open_at,
        )
    except CrisisKitError as exc:
        raise UsageError(f"crisiskit monitor: {exc}") from None
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
    out = [
        _paint(f"{_m('title', zh)} — {Path(args.stream).name}", "1", colour),
        _m("about", zh).format(
            signals=result.signals,
            keys=len(set(stream.keys)),
            type=config.crisis_type.label(language),
            window=duration_text(window, language),
            buckets=config.buckets,
            time=_m("wall" if calendar is None else "business", zh),
        ),
        "",
    ]
    if shown:
        out.append(_paint(_m("header", zh), "2", colour))
    else:
        out.append(_m("none", zh))
    for d in shown:
        when = d.at.in_timezone(zone).format("MM-DD HH:mm")
        out.append(
            f"{when}  {_pad(d.key[:20], 20)} {_paint(d.explain(language), _KIND_COLOURS.get(d.kind.value, '0'), colour)}"
        )
    out += [
        "",
        _m("summary", zh).format(
            attached=counts[DecisionKind.ATTACH],
            duplicates=counts[DecisionKind.DUPLICATE],
            snoozed=counts[DecisionKind.SNOOZED],
            late=counts[DecisionKind.LATE],
        ),
    ]
    if args.crises:
        out += ["", _paint(_m("backtest", zh).format(n=len(result.matches)), "1", colour)]

        def row(key: str, value: str) -> None:
            out.append(f"  {_pad(_m(key, zh), 40)} {value}")

        row("warnings", str(len(result.warnings)))
        row("foretold", f"{len(result.lead_times)} / {len(result.matches)}")
        for match in result.matches:
            if match.lead_time is not None:
                name = match.crisis.crisis_id or match.crisis.key
                row("lead", f"{name}: {duration_text(match.lead_time, language)}")
        row("false", ", ".join(f"{w.crisis_id} ({w.key})" for w in result.false_alarms) or "0")
        row("misses", ", ".join(c.crisis_id or c.key for c in result.misses) or "0")
        row("late", ", ".join(f"{w.crisis_id} ({w.key})" for w in result.late) or "0")
    print("\n".join(out))
    return EXIT_OK


_KIND_COLOURS = {"open": "1;31", "raise": "1;31", "watch": "33", "attach": "2"}


# --- argument helpers --------------------------------------------------------------------


def _zone(text: str) -> str:
    """The ``--zone`` option: an IANA zone name known to this machine."""
    try:
        return _checks.zone_name("--zone", text)
    except CrisisKitError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _check_year(instant: dt.datetime, what: str) -> None:
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise UsageError(
            f"crisiskit: {what} must lie in the years {FIRST_YEAR} to {LAST_YEAR}; "
            f"got {instant.isoformat()}"
        )


def _parse_instant(text: str, zone: str) -> pendulum.DateTime:
    """An instant: ISO 8601 with an offset, or a local 'YYYY-MM-DD HH:MM' read in ``zone``."""
    shown = text if len(text) <= 60 else text[:59] + "…"
    try:
        instant = parse_datetime(text)
    except CrisisKitError:
        try:
            local = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise UsageError(
                f"not a time: {shown!r} (write 2025-09-27T20:00+08:00, or 2025-09-27 20:00 "
                f"for a time in --zone, default {DEFAULT_ZONE}; years {FIRST_YEAR} to {LAST_YEAR})"
            ) from None
        _check_year(local, f"the time {shown!r}")
        if local.tzinfo is not None:
            instant = pendulum.instance(local)
        else:
            instant = pendulum.instance(local, tz=zone)
    _check_year(instant, f"the time {shown!r}")
    try:
        instant.in_timezone("UTC").in_timezone(zone)
    except (OverflowError, ValueError):
        raise UsageError(
            f"crisiskit: the time {shown!r} must lie in the years {FIRST_YEAR} to {LAST_YEAR}"
        ) from None
    return instant


_UNITS = {"h": 3600, "m": 60, "d": 86400, "s": 1}


def _parse_span(text: str) -> dt.timedelta:
    """A duration: ISO 8601 (PT26H) or a number of hours ('26h', '90m', '3d')."""
    cleaned = text.strip().lower()
    shown = text if len(text) <= 60 else text[:59] + "…"
    if cleaned.startswith("-"):
        raise UsageError(
            f"crisiskit: a duration to add must not be negative; got {shown!r} (business time "
            "only runs forward: to go back, ask --until from an earlier start)"
        )
    plain = _SPAN.match(cleaned)
    if plain is not None:
        number = plain["number"]
        seconds = (float(number) if len(number) <= 30 else math.inf) * _UNITS[cleaned[-1]]
        if not seconds <= MAX_DURATION.total_seconds():
            raise UsageError(
                f"crisiskit: the duration {shown!r} is too large (at most "
                f"{MAX_DURATION.days} days, {MAX_DURATION.days * 24}h)"
            )
        return dt.timedelta(seconds=seconds)
    return parse_duration(text.strip().upper())


_SPAN = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[hmds]$")


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    """``--add -5h`` as ``--add=-5h``, so a negative duration gets its own clear message."""
    result: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if (
            item in {"--add", "--until", "--at"}
            and i + 1 < len(items)
            and items[i + 1][:2].startswith("-")
            and items[i + 1][1:2].isdigit()
        ):
            result.append(f"{item}={items[i + 1]}")
            i += 2
            continue
        result.append(item)
        i += 1
    return result


def _parser() -> _Parser:
    parser = _Parser(
        prog="crisiskit",
        description="Customer-crisis management for CRMs: lifecycle, grading, SLA timers.",
    )
    parser.add_argument("--version", action="version", version=f"crisiskit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def output_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--lang", choices=["en", "zh"], default="en", help="language of the output"
        )
        sub.add_argument("--color", choices=["auto", "always", "never"], default="auto")

    def zone_option(sub: argparse.ArgumentParser, *, output: bool = False) -> None:
        sub.add_argument(
            "--zone",
            type=_zone,
            default=DEFAULT_ZONE,
            help=f"the IANA zone of times written without an offset{' and of the output' if output else ''} "
            f"(default {DEFAULT_ZONE})",
        )

    demo = commands.add_parser(
        "demo", help="play the built-in food-safety crisis from first signal to close"
    )
    output_options(demo)
    demo.add_argument("--json", action="store_true", help="machine-readable output")
    demo.set_defaults(handler=_demo)

    sim = commands.add_parser("simulate", help="play a scenario file (see docs: Scenarios)")
    sim.add_argument("scenario", help="the scenario JSON file")
    sim.add_argument("--until", help="stop at this time (ISO 8601, or local time in --zone)")
    sim.add_argument(
        "--plan", help="an emergency plan JSON file (default: EmergencyPlan.default())"
    )
    sim.add_argument("--json", action="store_true", help="machine-readable output")
    output_options(sim)
    zone_option(sim)
    sim.set_defaults(handler=_simulate)

    grade = commands.add_parser("grade", help="assess a JSON grading input with a named policy")
    grade.add_argument(
        "input", help="JSON: crisis_type, signals, customers, facts, factors, previous_level"
    )
    grade.add_argument(
        "--policy", default="standard", help=f"one of {', '.join(POLICIES)} (name or name@version)"
    )
    grade.add_argument(
        "--at", help="the assessment time: ISO 8601, or local time in --zone (default: now)"
    )
    grade.add_argument("--json", action="store_true", help="the assessment as JSON")
    grade.add_argument("--lang", choices=["en", "zh"], default="en")
    zone_option(grade)
    grade.set_defaults(handler=_grade)

    cal = commands.add_parser(
        "calendar", help="working-time queries on the China or the 24x7 calendar"
    )
    cal.add_argument("start", help="the start: 2025-09-27T20:00+08:00, or local '2025-09-27 20:00'")
    what = cal.add_mutually_exclusive_group()
    what.add_argument("--add", help="a duration of business time to add: 26h, 90m, 3d or PT26H")
    what.add_argument("--until", help="the end: how much business time lies between start and it")
    cal.add_argument("--calendar", choices=["china", "24x7"], default="china")
    zone_option(cal, output=True)
    cal.add_argument("--lang", choices=["en", "zh"], default="en")
    cal.set_defaults(handler=_calendar)

    mon = commands.add_parser(
        "monitor",
        help="run a recorded signal stream (JSON Lines) through a monitor; backtest it with --crises",
    )
    mon.add_argument("stream", help='the signals, one JSON object per line, each with a "key"')
    mon.add_argument(
        "--crises", help="the real crises, JSON Lines of key, detected_at, crisis_id: backtest"
    )
    mon.add_argument(
        "--type", default="negative_publicity", help="the crisis type watched for (default rules)"
    )
    mon.add_argument("--window", default="24h", help="the window: 24h, 90m, 3d or PT24H")
    mon.add_argument("--buckets", type=int, default=24, help="buckets per window (default 24)")
    mon.add_argument("--open-at", default="IV", help="the least severe level that opens a crisis")
    mon.add_argument("--calendar", choices=["wall", "china"], default="wall")
    mon.add_argument(
        "--horizon", default="7d", help="how long before a real detection a warning counts"
    )
    mon.add_argument("--all", action="store_true", help="show every decision, attaches too")
    mon.add_argument("--json", action="store_true", help="machine-readable output")
    output_options(mon)
    zone_option(mon, output=True)
    mon.set_defaults(handler=_monitor)
    check = commands.add_parser(
        "verify",
        help="check a stored event log (JSON Lines of stored events) for tampering",
        description="Check the hash chain of one crisis's stored events, one per line, as "
        "stored(event).to_json() wrote them. Exit 0 when intact, 1 when not, 2 on bad input. "
        "Example: crisiskit verify CR-2025-0927.jsonl --keys keys.json --head 61:9f2c…",
    )
    check.add_argument("log", help="the JSON Lines file of one crisis's stored events")
    check.add_argument(
        "--keys",
        help='a JSON file of the sealing keys by id, secrets in hex: {"k2026": "9f2c…", …}',
    )
    check.add_argument(
        "--head", help="VERSION:HASH the host kept apart from the log, to detect a dropped tail"
    )
    check.add_argument("--json", action="store_true", help="the result as JSON")
    check.add_argument("--lang", choices=["en", "zh"], default="en")
    check.set_defaults(handler=_verify)

    diagram = commands.add_parser("diagram", help="print the lifecycle as a Mermaid or DOT diagram")
    diagram.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    diagram.set_defaults(handler=_diagram)
    return parser


class _RefusedError(Exception):
    """A scenario could not be played as written: exit code 1."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 a scenario step did not go as written, 2 bad usage or input.
    Every failure is one line on stderr; none prints a traceback.
    """
    parser = _parser()
    try:
        args = parser.parse_args(_join_negative_values(sys.argv[1:] if argv is None else argv))
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
        _fail(str(exc))
        return EXIT_REFUSED
    except (UsageError, CrisisKitError, OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(str(exc))
        return EXIT_BAD_INPUT
    except RecursionError:
        _fail("the input is nested too deeply to read")
        return EXIT_BAD_INPUT
    except MemoryError:
        _fail("the input is too large to read")
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug in crisiskit: still one line, never a traceback
        _fail(
            f"internal error, please report it: {type(exc).__name__}: {exc}"
            " (set CRISISKIT_DEBUG=1 to see where)"
        )
        if os.environ.get("CRISISKIT_DEBUG"):
            raise
        return EXIT_BAD_INPUT


def _fail(text: str) -> None:
    message = " ".join(text.split())
    if len(message) > 1000:
        message = message[:999] + "…"
    print(message if message.startswith("crisiskit") else f"crisiskit: {message}", file=sys.stderr)
