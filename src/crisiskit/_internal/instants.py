"""Instants and durations as whole microseconds, for exact calendar arithmetic (private).

Sums and differences of integers are exact, and binary searches over them are fast; the
public API converts at its edges (aware datetimes in, UTC pendulum DateTimes out).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.errors import ValidationError
from crisiskit.messages import _

__all__ = ["duration_of", "duration_us", "from_us", "to_us", "us_of_duration", "us_of_instant"]

_US = 1_000_000
_EPOCH = pendulum.datetime(1970, 1, 1, tz="UTC")
_EPOCH_DAY = _EPOCH.toordinal()
_UTC = _EPOCH.tzinfo


def to_us(value: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (no checks: see :func:`us_of_instant`)."""
    if value.tzinfo is _UTC:
        # Same zone as the epoch: datetime subtracts the wall clocks, no offsets to look up.
        delta = dt.datetime.__sub__(value, _EPOCH)
        return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds
    return _wall_us(value) - duration_us(cast(dt.timedelta, value.utcoffset()))


def _wall_us(value: dt.datetime) -> int:
    """The wall-clock reading of ``value`` as if it were UTC, in µs since the epoch."""
    # What aware subtraction computes, but asking the zone for its offset once, not twice:
    # pendulum's and zoneinfo's offsets are looked up in Python, the rest is C.
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return ((value.toordinal() - _EPOCH_DAY) * 86_400 + seconds) * _US + value.microsecond


def from_us(value: int) -> pendulum.DateTime:
    """The UTC pendulum DateTime ``value`` microseconds after the epoch."""
    # datetime's own addition keeps the pendulum subclass and is far faster than pendulum's.
    return dt.datetime.__add__(_EPOCH, dt.timedelta(microseconds=value))


def us_of_instant(what: str, value: object) -> int:
    """Check that ``value`` is an aware datetime and return its microseconds since the epoch."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is _UTC:
            return to_us(value)
        offset = value.utcoffset()
        if offset is not None:
            # No need to convert to UTC first: wall clock minus offset is exact in any zone.
            return _wall_us(value) - duration_us(offset)
    return to_us(_checks.instant(what, value))  # raises the usual, clear error


def us_of_duration(what: str, value: object) -> int:
    """Check that ``value`` is a timedelta >= 0 and return it in microseconds."""
    if not isinstance(value, dt.timedelta):
        raise ValidationError(
            _(
                "{what} must be a datetime.timedelta (or pendulum Duration); got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    amount = duration_us(value)
    if amount < 0:
        raise ValidationError(_("{what} must not be negative; got {value}", what=what, value=value))
    return amount


def duration_us(value: dt.timedelta) -> int:
    """A timedelta in microseconds (no checks: for values already validated)."""
    return (value.days * 86_400 + value.seconds) * _US + value.microseconds


def duration_of(value: int) -> dt.timedelta:
    """A timedelta of ``value`` microseconds."""
    return dt.timedelta(microseconds=value)
