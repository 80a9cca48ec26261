"""Business-calendar deadlines, their correctness across DST changes, and SLA sweeps.

Comparators:

* a per-day loop — the algorithm open-source helpdesks use: walk the days from the start,
  build each day's working intervals as local datetimes, subtract until the target is used
  up. It does its arithmetic the straightforward way, on aware datetimes of one zone, which
  Python computes on the wall clock;
* pandas ``CustomBusinessHour`` (the ``bench`` extra), which knows weekdays, opening hours
  and holidays but no make-up working days (调休).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pendulum
from _common import Row, Settings, grouped, median_run, per_call, unavailable

from crisiskit.calendar import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSet,
    DayKind,
    china_working_calendar,
)
from crisiskit.sla import SlaMetric, SlaTimer, sweep

try:
    import pandas as pd
except ImportError:  # the bench extra is not installed
    pd = None

HOURS = (8, 80, 2000)
START = pendulum.datetime(2025, 1, 6, 10, 30, tz="Asia/Shanghai")  # a Monday morning
DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------- the per-day loop


Hours = list[tuple[int, int]]
"""A day's working intervals, in seconds after its local midnight (past 86 400: overnight)."""


def per_day_table(calendar: BusinessCalendar) -> tuple[list[Hours], dict[dt.date, Hours]]:
    """The calendar as a helpdesk stores it: hours per weekday, and per overridden date."""
    week = [[(i.start_seconds, i.end_seconds) for i in day] for day in calendar.week]
    dates = {
        o.day: []
        if o.kind is DayKind.HOLIDAY
        else [(i.start_seconds, i.end_seconds) for i in calendar.hours_on(o.day)]
        for o in calendar.overrides
    }
    return week, dates


def per_day_add(
    zone: zoneinfo.ZoneInfo,
    table: tuple[list[Hours], dict[dt.date, Hours]],
    start: dt.datetime,
    target: dt.timedelta,
) -> dt.datetime:
    """Walk the days from ``start``, subtracting each day's working time, until ``target`` is used."""
    week, dates = table
    cursor = start.astimezone(zone)
    remaining = target
    day = cursor.date() - DAY  # yesterday's night shift may still be running
    while True:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        for opening, closing in dates.get(day, week[day.weekday()]):
            opens = midnight + dt.timedelta(seconds=opening)
            closes = midnight + dt.timedelta(seconds=closing)
            begin = max(opens, cursor)
            if begin >= closes:
                continue
            available = closes - begin
            if available >= remaining:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
        day += DAY


# --------------------------------------------------------------------------- pandas


def pandas_offset(
    hours: float, intervals: list[tuple[str, str]], weekmask: str, holidays: list[dt.date]
) -> Any:
    """A ``CustomBusinessHour`` of ``hours`` on the given opening hours."""
    return pd.offsets.CustomBusinessHour(
        n=hours,
        start=[opening for opening, _ in intervals],
        end=[closing for _, closing in intervals],
        weekmask=weekmask,
        holidays=holidays,
    )


# --------------------------------------------------------------------------- deadlines


def deadline_rows(settings: Settings) -> list[Row]:
    """``add(start, target)`` on the Chinese working calendar, beside both comparators."""
    calendar = china_working_calendar([2025, 2026])
    zone = zoneinfo.ZoneInfo(calendar.zone)
    table = per_day_table(calendar)
    offsets: dict[int, Any] = {}
    if pd is not None:
        # pandas knows no make-up working days: it runs on the weekday hours and the holidays.
        holidays = [o.day for o in calendar.overrides if o.kind is DayKind.HOLIDAY]
        hours = [(i.start, i.end) for i in calendar.week[0]]
        offsets = {h: pandas_offset(h, hours, "Mon Tue Wed Thu Fri", holidays) for h in HOURS}
        pandas_start = pd.Timestamp(START.in_timezone(calendar.zone).naive())
    rows: list[Row] = []
    ours_by_target: dict[int, float] = {}
    loop_by_target: dict[int, float] = {}
    for hours in HOURS:
        target = dt.timedelta(hours=hours)
        ours = calendar.add(START, target)
        loop = per_day_add(zone, table, START, target)
        if loop != ours:  # the loop must do the same work, or the comparison means nothing
            raise AssertionError(f"{hours} h: the per-day loop says {loop}, crisiskit {ours}")
        calls: dict[str, Callable[[], object]] = {
            "ours": lambda target=target: calendar.add(START, target),
            "loop": lambda target=target: per_day_add(zone, table, START, target),
        }
        if offsets:
            calls["pandas"] = lambda hours=hours: pandas_start + offsets[hours]
        found = per_call(calls, settings)
        us = {name: seconds * 1e6 for name, seconds in found.items()}
        ours_by_target[hours], loop_by_target[hours] = us["ours"], us["loop"]
        figure = f"deadline, {grouped(hours)} h target"
        at_2000 = hours == 2000
        ratio = us["loop"] / us["ours"]
        rows.append(
            Row(
                figure,
                "µs",
                us["ours"],
                "per-day loop",
                us["loop"],
                ratio,
                "≥ 100× faster" if at_2000 else "—",
                ratio >= 100 if at_2000 else None,
            )
        )
        if "pandas" in us:
            ratio = us["pandas"] / us["ours"]
            rows.append(
                Row(
                    figure,
                    "µs",
                    us["ours"],
                    "pandas CustomBusinessHour",
                    us["pandas"],
                    ratio,
                    "≥ 5× faster" if at_2000 else "—",
                    ratio >= 5 if at_2000 else None,
                )
            )
        else:
            rows.append(
                Row(figure, "µs", us["ours"], "pandas CustomBusinessHour", unavailable("no pandas"))
            )
    flat = ours_by_target[2000] / ours_by_target[8]
    rows.append(
        Row(
            "deadline cost, 2 000 h ÷ 8 h",
            "×",
            flat,
            "per-day loop",
            loop_by_target[2000] / loop_by_target[8],
            None,
            "≤ 1.3",
            flat <= 1.3,
        )
    )
    return rows


# --------------------------------------------------------------------------- DST


@dataclass(frozen=True)
class DstCase:
    """A deadline across a DST change in America/New_York, with the instant worked out by hand."""

    name: str
    week: str
    """Opening hours, every day of ``days``."""
    days: str
    start: str
    """Local wall-clock time."""
    hours: int
    expected: dt.datetime
    """The deadline, worked out by hand (see the comments in :data:`DST_CASES`)."""


_UTC = dt.UTC
DST_CASES = (
    # 2025-03-09 02:00 EST the clocks spring forward to 03:00 EDT. Friday 16:00 EST leaves
    # 1 h on Friday; 7 h more from Monday 09:00 EDT end at 16:00 EDT = 20:00 UTC.
    DstCase(
        "9–17 Mon–Fri, Fri 16:00 + 8 h, spring forward",
        "09:00-17:00",
        "mon-fri",
        "2025-03-07T16:00",
        8,
        dt.datetime(2025, 3, 10, 20, 0, tzinfo=_UTC),
    ),
    # 2025-11-02 02:00 EDT the clocks fall back to 01:00 EST. Friday 16:00 EDT leaves 1 h;
    # Monday 09:00-16:00 EST gives the other 7 h: 16:00 EST = 21:00 UTC.
    DstCase(
        "9–17 Mon–Fri, Fri 16:00 + 8 h, fall back",
        "09:00-17:00",
        "mon-fri",
        "2025-10-31T16:00",
        8,
        dt.datetime(2025, 11, 3, 21, 0, tzinfo=_UTC),
    ),
    # A night shift, 22:00-06:00 every day. Saturday's shift runs from 22:00 EST (03:00 UTC)
    # to 06:00 EDT (10:00 UTC): 7 real hours, the lost hour never existed. The 8th hour is
    # the first of Sunday's shift: 22:00-23:00 EDT, so the deadline is 23:00 EDT = 03:00 UTC.
    DstCase(
        "night shift 22–06 daily, Sat 22:00 + 8 h, spring forward",
        "22:00-06:00",
        "mon-sun",
        "2025-03-08T22:00",
        8,
        dt.datetime(2025, 3, 10, 3, 0, tzinfo=_UTC),
    ),
    # Saturday's shift runs from 22:00 EDT (02:00 UTC) to 06:00 EST (11:00 UTC): 9 real
    # hours, 01:00-02:00 happens twice. 8 h after 02:00 UTC is 10:00 UTC = 05:00 EST.
    DstCase(
        "night shift 22–06 daily, Sat 22:00 + 8 h, fall back",
        "22:00-06:00",
        "mon-sun",
        "2025-11-01T22:00",
        8,
        dt.datetime(2025, 11, 2, 10, 0, tzinfo=_UTC),
    ),
)

_WEEKMASK = {"mon-fri": "Mon Tue Wed Thu Fri", "mon-sun": "Mon Tue Wed Thu Fri Sat Sun"}


def dst_results() -> list[dict[str, Any]]:
    """Each case's expected instant and what each implementation says (UTC, or None)."""
    results = []
    for case in DST_CASES:
        calendar = BusinessCalendar(
            name="new-york",
            zone="America/New_York",
            week={case.days: [case.week]},
            horizon_start=dt.date(2025, 1, 1),
            horizon_end=dt.date(2025, 12, 31),
        )
        zone = zoneinfo.ZoneInfo(calendar.zone)
        start = dt.datetime.fromisoformat(case.start).replace(tzinfo=zone)
        target = dt.timedelta(hours=case.hours)
        found: dict[str, dt.datetime | None] = {
            "crisiskit": calendar.add(start, target),
            "per-day loop": per_day_add(zone, per_day_table(calendar), start, target),
            "pandas": None,
        }
        if pd is not None:
            opening, closing = case.week.split("-")
            offset = pandas_offset(case.hours, [(opening, closing)], _WEEKMASK[case.days], [])
            stamp = pd.Timestamp(case.start, tz=calendar.zone) + offset
            found["pandas"] = stamp.tz_convert("UTC").to_pydatetime()
        results.append({"case": case.name, "expected": case.expected, "found": found})
    return results


def dst_rows(results: list[dict[str, Any]]) -> list[Row]:
    def agreed(name: str) -> str | None:
        answers = [r["found"][name] for r in results]
        if any(a is None for a in answers):
            return None
        right = sum(a == r["expected"] for a, r in zip(answers, results, strict=True))
        return f"{right}/{len(results)} agree"

    ours = agreed("crisiskit")
    figure = "deadline across a DST change: agrees with the hand-computed instant"
    rows = []
    for name, label in (("per-day loop", "per-day loop"), ("pandas", "pandas CustomBusinessHour")):
        theirs = agreed(name)
        rows.append(
            Row(
                figure,
                "cases",
                ours,
                label,
                theirs if theirs is not None else unavailable("no pandas"),
                None,
                "all cases",
                ours == f"{len(results)}/{len(results)} agree",
            )
        )
    return rows


# --------------------------------------------------------------------------- sweeps


def fleet(count: int, calendar: BusinessCalendar, now: pendulum.DateTime) -> list[SlaTimer]:
    """``count`` running timers started in the last two days, half of them on 24×7."""
    pick = random.Random(20250927)
    targets = [dt.timedelta(hours=h) for h in (0.25, 1, 2, 4, 8, 12, 24, 72)]
    timers = []
    for index in range(count):
        started = now - dt.timedelta(seconds=pick.randrange(0, 2 * 86_400))
        timers.append(
            SlaTimer.start(
                f"CR-{index // 4:06d}/{SlaMetric.ACKNOWLEDGE.value}-{index % 4}",
                SlaMetric.ACKNOWLEDGE,
                pick.choice(targets),
                calendar if index % 2 else TWENTY_FOUR_SEVEN,
                started,
            )
        )
    return timers


def sweep_rows(settings: Settings) -> list[Row]:
    """µs per open timer: the first sweep over a fleet (a catch-up), and a routine one."""
    rows = []
    for count in (10_000,) if settings.quick else (10_000, 100_000):
        rows += _sweep_rows(count, settings)  # one fleet alive at a time
    return rows


def _sweep_rows(count: int, settings: Settings) -> list[Row]:
    calendar = china_working_calendar([2025, 2026])
    calendars = CalendarSet((calendar, TWENTY_FOUR_SEVEN))
    now = pendulum.datetime(2025, 6, 18, 15, tz="Asia/Shanghai")
    timers = fleet(count, calendar, now)
    # The first sweep: every timer was started unswept, so most have an alert or two due.
    catch_up = median_run(lambda: sweep(timers, now, calendars), settings.repeats)
    catch_up_work = median_run(
        lambda: sweep(timers, now, calendars), settings.repeats, collector=False
    )
    first = sweep(timers, now, calendars)
    per_timer = len(first.alerts) / count
    timers.clear()  # the host stores the swept timers in place of the old ones
    # The steady state of a job that runs every minute.
    later = now + dt.timedelta(minutes=1)
    routine = median_run(lambda: sweep(first.timers, later, calendars), settings.repeats)
    figure = f"SLA sweep, {grouped(count)} open timers"
    return [
        Row(
            f"{figure}, catch-up ({per_timer:.1f} alerts/timer)",
            "µs/timer",
            catch_up / count * 1e6,
            target="≤ 10 µs/timer",
            met=catch_up / count * 1e6 <= 10,
        ),
        # Not a target: how much of the catch-up is CPython's cyclic garbage collector
        # walking the live heap (the fleet itself) while the sweep's output grows.
        Row(
            f"{figure}, catch-up, garbage collector paused", "µs/timer", catch_up_work / count * 1e6
        ),
        Row(
            f"{figure}, routine: a minute after the last",
            "µs/timer",
            routine / count * 1e6,
            target="≤ 10 µs/timer",
            met=routine / count * 1e6 <= 10,
        ),
    ]
