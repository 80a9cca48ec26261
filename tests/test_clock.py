import datetime as dt

import pendulum
import pytest

from crisiskit import Clock, SystemClock
from crisiskit.errors import NaiveDatetimeError, ValidationError
from crisiskit.testing import ManualClock

T0 = pendulum.datetime(2025, 3, 30, 0, 30, tz="Europe/London")


def test_manual_clock_stands_still_until_moved():
    clock = ManualClock(T0)
    assert clock.now() == T0
    assert clock.now().timezone_name == "UTC"
    assert clock.now() == clock.now()


def test_manual_clock_advances_by_elapsed_time_across_dst():
    clock = ManualClock(T0)
    # 00:30 GMT + 1 h of real time is 02:30 BST (clocks jumped from 01:00 to 02:00).
    later = clock.advance(hours=1)
    assert later.in_timezone("Europe/London").hour == 2
    assert later - T0 == pendulum.duration(hours=1)
    assert clock.advance(dt.timedelta(minutes=30), seconds=30) == T0 + dt.timedelta(
        hours=1, minutes=30, seconds=30
    )


def test_manual_clock_refuses_going_backwards_and_naive_times():
    clock = ManualClock(T0)
    with pytest.raises(ValidationError, match="does not run backwards"):
        clock.set(T0.subtract(seconds=1))
    with pytest.raises(ValidationError, match="does not run backwards"):
        clock.advance(minutes=-1)
    with pytest.raises(NaiveDatetimeError):
        ManualClock(dt.datetime(2025, 1, 1))
    assert clock.set(T0.add(days=1)) == T0.add(days=1)


def test_clocks_satisfy_the_protocol():
    assert isinstance(SystemClock(), Clock)
    assert isinstance(ManualClock(T0), Clock)
    now = SystemClock().now()
    assert now.utcoffset() == dt.timedelta(0)
