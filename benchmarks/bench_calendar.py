"""Business-calendar deadlines and SLA sweeps: how long they take.

Prints one table per run (figures are per call or per timer, best of several repeats):

* ``add()`` for 8 h, 80 h and 2 000 h targets on the Chinese working calendar (Mon–Fri
  09:00–12:00 and 13:00–18:00, Asia/Shanghai, 2025–2026 holidays and 调休), beside a
  straightforward per-day loop — the algorithm helpdesks use: walk the days from the
  start, build each day's working intervals, subtract until the target is used up — and,
  when pandas is installed, ``pandas.offsets.CustomBusinessHour`` (which knows no make-up
  working days, so it runs on the plain weekday calendar with the holidays);
* ``sweep()`` over 10 000 and 100 000 open timers, started at random in the last two days:
  the first sweep (a catch-up: most timers have one or two alerts due), the same sweep
  again (nothing new: the steady state of a job that runs every minute), a sweep a minute
  later, and one three days later;
* the size of a timer.

Run ``python benchmarks/bench_calendar.py`` (``--quick`` for a smaller, faster run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pendulum

from crisiskit.calendar import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSet,
    DayKind,
    china_working_calendar,
)
from crisiskit.serialization import to_json
from crisiskit.sla import SlaMetric, SlaTimer, sweep

HOURS = (8, 80, 2000)
START = pendulum.datetime(2025, 1, 6, 10, 30, tz="Asia/Shanghai")  # a Monday


def best_of(repeat: int, number: int, call: Callable[[], object]) -> float:
    """The best time of ``repeat`` runs of ``number`` calls, in microseconds per call."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, time.perf_counter() - began)
    return best / number * 1e6


# --------------------------------------------------------------------------- the per-day loop


def per_day_table(calendar: BusinessCalendar) -> dict[dt.date, list[tuple[dt.time, dt.time]]]:
    """The overrides as a helpdesk would store them: date -> list of (open, close)."""
    table: dict[dt.date, list[tuple[dt.time, dt.time]]] = {}
    for override in calendar.overrides:
        hours = [] if override.kind is DayKind.HOLIDAY else calendar.hours_on(override.day)
        table[override.day] = [(_time(i.start), _time(i.end)) for i in hours]
    return table


def _time(text: str) -> dt.time:
    return dt.time(*map(int, text.split(":")))


def per_day_add(
    calendar: BusinessCalendar,
    table: dict[dt.date, list[tuple[dt.time, dt.time]]],
    start: dt.datetime,
    duration: dt.timedelta,
) -> dt.datetime:
    """Walk the days from ``start``, subtracting each day's working time (office hours only)."""
    zone = zoneinfo.ZoneInfo(calendar.zone)
    week = [[(_time(i.start), _time(i.end)) for i in day] for day in calendar.week]
    cursor = start.astimezone(zone)
    remaining = duration
    day = cursor.date()
    while True:
        hours = table[day] if day in table else week[day.weekday()]
        for opening, closing in hours:
            opens = dt.datetime.combine(day, opening, tzinfo=zone)
            closes = dt.datetime.combine(day, closing, tzinfo=zone)
            begin = max(opens, cursor)
            if begin >= closes:
                continue
            available = closes - begin
            if available >= remaining:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
        day += dt.timedelta(days=1)


# --------------------------------------------------------------------------- pandas


def pandas_adder(calendar: BusinessCalendar) -> Callable[[int], object] | None:
    try:
        import pandas as pd  # noqa: PLC0415 - optional comparison
    except ImportError:
        return None
    holidays = [o.day for o in calendar.overrides if o.kind is DayKind.HOLIDAY]
    start = pd.Timestamp(START.in_timezone(calendar.zone).naive())
    offsets = {
        hours: pd.offsets.CustomBusinessHour(
            n=hours,
            start=["09:00", "13:00"],
            end=["12:00", "18:00"],
            weekmask="Mon Tue Wed Thu Fri",
            holidays=holidays,
        )
        for hours in HOURS
    }
    return lambda hours: start + offsets[hours]


# --------------------------------------------------------------------------- sweeps


def fleet(count: int, calendar: BusinessCalendar, now: pendulum.DateTime) -> list[SlaTimer]:
    """``count`` running timers, half on 24x7 and half on the working calendar."""
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


def sweep_figures(
    count: int, calendar: BusinessCalendar, repeat: int
) -> dict[str, tuple[float, int]]:
    """µs per timer (best of ``repeat``) and alerts found, for four sweeps of one fleet."""
    now = pendulum.datetime(2025, 6, 18, 15, tz="Asia/Shanghai")
    calendars = CalendarSet((calendar, TWENTY_FOUR_SEVEN))
    timers = fleet(count, calendar, now)
    swept = sweep(timers, now, calendars).timers
    cases = {
        "first (catch-up)": (timers, now),
        "again: nothing new": (swept, now),
        "a minute later": (swept, now + dt.timedelta(minutes=1)),
        "3 days later": (swept, now + dt.timedelta(days=3)),
    }
    figures = {}
    for name, (given, moment) in cases.items():
        best, found = float("inf"), 0
        for _ in range(repeat):
            gc.collect()
            began = time.perf_counter()
            result = sweep(given, moment, calendars)  # a sweep is pure: each run does the same work
            best = min(best, time.perf_counter() - began)
            found = len(result.alerts)
        figures[name] = (best / count * 1e6, found)
    return figures


def timer_size(calendar: BusinessCalendar) -> tuple[int, int, int]:
    """Bytes: the timer object, its object plus what only it references, and its JSON."""
    timer = SlaTimer.start(
        "CR-2025-000042/acknowledge", SlaMetric.ACKNOWLEDGE, dt.timedelta(hours=2), calendar, START
    )
    own = [timer.timer_id, timer.started_at, timer.deadline, timer.next_due]
    unique = {id(item): item for item in own if item is not None}
    deep = sys.getsizeof(timer) + sum(sys.getsizeof(item) for item in unique.values())
    return sys.getsizeof(timer), deep, len(to_json(timer).encode())


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 10 000 timers only")
    quick = parser.parse_args().quick
    repeat, number = (3, 300) if quick else (5, 2000)

    calendar = china_working_calendar([2025, 2026])
    table = per_day_table(calendar)
    for hours in HOURS:  # warm the compiled years, and check that both agree
        ours = calendar.add(START, dt.timedelta(hours=hours))
        assert per_day_add(calendar, table, START, dt.timedelta(hours=hours)) == ours, hours

    print(f"crisiskit business calendars — Python {sys.version.split()[0]}")
    print()
    print("add(start, target) on the Chinese working calendar, µs per call")
    print(
        f"{'target':>8}  {'crisiskit':>10}  {'per-day loop':>12}  {'loop / ours':>11}  {'pandas CBH':>10}"
    )
    adder = pandas_adder(calendar)
    ours_by_target = {}
    for hours in HOURS:
        target = dt.timedelta(hours=hours)
        ours = best_of(repeat, number, lambda target=target: calendar.add(START, target))
        loop_number = max(1, number // (1 + hours // 8))
        loop = best_of(
            repeat, loop_number, lambda target=target: per_day_add(calendar, table, START, target)
        )
        ours_by_target[hours] = ours
        extra = "—"
        if adder is not None:
            extra = f"{best_of(repeat, max(1, loop_number // 10), lambda hours=hours: adder(hours)):10.1f}"
        print(f"{hours:>7}h  {ours:10.2f}  {loop:12.1f}  {loop / ours:10.0f}×  {extra:>10}")
    flat = ours_by_target[2000] / ours_by_target[8]
    print(f"cost of a 2 000 h target / an 8 h target: {flat:.2f}")
    print()
    print("sweep(timers, now): µs per timer (alerts found)")
    counts = (10_000,) if quick else (10_000, 100_000)
    rows = {count: sweep_figures(count, calendar, repeat=3) for count in counts}
    print(f"{'timers':>8}  " + "  ".join(f"{name:>22}" for name in rows[counts[0]]))
    for count, figures in rows.items():
        cells = "  ".join(f"{us:10.2f} ({alerts:>7})" for us, alerts in figures.values())
        print(f"{count:>8}  {cells}")
    print()
    size, deep, json_size = timer_size(calendar)
    print(
        f"a running timer: {size} B object, {deep} B with the instants and id only it holds, "
        f"{json_size} B as JSON"
    )


if __name__ == "__main__":
    main()
