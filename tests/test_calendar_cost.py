"""A deadline's cost does not grow with the calendar's data once it is compiled.

The bound that refuses a target past the horizon before compiling it (the longest working
day the calendar has) is worked out once per calendar, not on every deadline: an SLA
sweep asks for a deadline per timer, and the China calendar has dozens of dated days.
"""

import datetime as dt

import pendulum

from crisiskit.calendar import business, china_working_calendar


def test_deadlines_do_not_read_the_working_hours_again(monkeypatch):
    calendar = china_working_calendar([2025, 2026])
    start = pendulum.datetime(2025, 9, 26, 10, 30, tz="Asia/Shanghai")
    first = calendar.add(start, dt.timedelta(hours=8))  # compiles the calendar
    read = []
    real = business._seconds_of
    monkeypatch.setattr(business, "_seconds_of", lambda text: read.append(text) or real(text))
    again = [calendar.add(start, dt.timedelta(hours=h)) for h in (8, 80, 2000)]
    assert again[0] == first
    assert read == []
