"""A Chinese working calendar: public holidays and make-up working days (调休), to the second.

Builds Mon–Fri 09:00–12:00 and 13:00–18:00 (Asia/Shanghai) with the 2025–2026 holidays
from the ``holidays`` package (``pip install 'crisiskit[holidays]'``), then computes
deadlines around National Day 2025: 1–8 October off, Sunday 28 September and Saturday
11 October working.
"""

import datetime as dt

import pendulum

from crisiskit.calendar import china_working_calendar
from crisiskit.errors import HorizonError

ZONE = "Asia/Shanghai"


def local(instant: pendulum.DateTime) -> str:
    return instant.in_timezone(ZONE).format("ddd YYYY-MM-DD HH:mm")


def main() -> None:
    calendar = china_working_calendar([2025, 2026])
    print(
        f"calendar {calendar.name!r}: {calendar.zone}, {calendar.horizon_start} to {calendar.horizon_end}"
    )
    print(f"  a working day is {calendar.standard_day}; fingerprint {calendar.fingerprint[:12]}…")
    print()
    print("around National Day 2025 (国庆节):")
    for day in range(26, 26 + 17):
        date = dt.date(2025, 9, 1) + dt.timedelta(days=day - 1)
        override = calendar.override_for(date)
        hours = ", ".join(map(str, calendar.hours_on(date))) or "closed"
        note = f"  ← {override.kind.label('zh')}: {override.name}" if override else ""
        print(f"  {date:%a %m-%d}  {hours:<24}{note}")
    print()
    print("deadlines (add = the first instant by which the business time has passed):")
    for start, hours in [
        (pendulum.datetime(2025, 9, 26, 17, tz=ZONE), 2),  # Friday evening, into the 调休 Sunday
        (pendulum.datetime(2025, 9, 30, 17, tz=ZONE), 1),  # used up at closing time: 18:00
        (pendulum.datetime(2025, 9, 30, 17, 30, tz=ZONE), 1),  # across the whole holiday
        (pendulum.datetime(2025, 10, 10, 16, tz=ZONE), 4),  # into the 调休 Saturday
    ]:
        deadline = calendar.add(start, dt.timedelta(hours=hours))
        print(f"  {local(start)} + {hours} working h  →  {local(deadline)}")
    span = (pendulum.datetime(2025, 9, 27, tz=ZONE), pendulum.datetime(2025, 10, 13, tz=ZONE))
    print(
        f"  working time from {local(span[0])} to {local(span[1])}: {calendar.working_time(*span)}"
    )
    print()
    try:
        calendar.add(pendulum.datetime(2026, 12, 31, 17, tz=ZONE), dt.timedelta(hours=2))
    except HorizonError as error:
        print(f"past the horizon it refuses to guess: {str(error)[:90]}…")


if __name__ == "__main__":
    main()
