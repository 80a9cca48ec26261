"""UTC offsets of IANA zones as exact step functions of the instant (private).

Business calendars need the instants whose *wall-clock reading* falls inside a working
interval. Within a stretch of constant UTC offset ``o`` the reading of instant ``t`` is
``t + o``, so the preimage of a wall interval ``[a, b)`` is, stretch by stretch,
``[max(S, a - o), min(E, b - o))``. That is exact across spring-forward gaps (the interval
loses the hour) and fall-back overlaps (it gains the hour, and a boundary inside the
repeated hour splits it in two), and needs nothing but the zone's offset changes.

``zoneinfo`` does not publish its transition table, so the changes are found by reading
the offset every :data:`PROBE_STEP` seconds and bisecting each change to the second. That
misses nothing as long as two changes are never closer than the step: the closest pair in
the tz database is four days apart (Africa/Freetown, 1939), and the step is six hours.

All instants here are whole microseconds since 1970-01-01T00:00Z; "wall" values are the
same count for the naive local reading, so ``wall = instant + offset``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

__all__ = [
    "MAX_OFFSET",
    "PROBE_STEP",
    "US",
    "first_instant_at_or_after",
    "last_instant_before",
    "offset_at",
    "preimage",
    "segments",
    "transitions",
    "utc_year_start",
    "wall_of",
]

US = 1_000_000
"""Microseconds per second."""

DAY = 86_400 * US

PROBE_STEP = 6 * 3600
"""Seconds between offset probes (see the module docstring for why this is exact)."""

MAX_OFFSET = 16 * 3600 * US
"""A bound on any UTC offset in the tz database (local mean times reach ±15:57)."""

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_UTC = dt.UTC


def utc_year_start(year: int) -> int:
    """The instant (µs) of 1 January ``year``, 00:00 UTC."""
    return (dt.date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * DAY


def wall_of(day: dt.date, seconds: int = 0) -> int:
    """The wall value (µs) of ``seconds`` after local midnight on ``day``."""
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY + seconds * US


@lru_cache(maxsize=512)
def _zone(key: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(key)


def _offset_seconds(zone: zoneinfo.ZoneInfo, seconds: int) -> int:
    delta = dt.datetime.fromtimestamp(seconds, zone).utcoffset()
    assert delta is not None  # a ZoneInfo always has an offset
    return delta.days * 86_400 + delta.seconds


@lru_cache(maxsize=4096)
def transitions(key: str, year: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The offset (s) at the start of UTC ``year`` and the changes in it: ((instant s, offset s), ...).

    A change at an instant means the new offset applies from that second on.
    """
    zone = _zone(key)
    start = utc_year_start(year) // US
    end = utc_year_start(year + 1) // US
    first = previous = _offset_seconds(zone, start)
    changes: list[tuple[int, int]] = []
    lo = start
    while lo < end:
        hi = min(lo + PROBE_STEP, end)
        while _offset_seconds(zone, hi) != previous:
            # Bisect (lo, hi] for the first second whose offset is not `previous`.
            left, right = lo, hi
            while right - left > 1:
                middle = (left + right) // 2
                if _offset_seconds(zone, middle) == previous:
                    left = middle
                else:
                    right = middle
            previous = _offset_seconds(zone, right)
            changes.append((right, previous))
            lo = right
        lo = hi
    return first, tuple(changes)


def segments(key: str, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """Stretches of constant offset covering ``[lo, hi)`` (µs): ``(start, end, offset µs)``.

    The first stretch starts at ``lo`` and the last ends at ``hi``; neighbours differ in offset.
    """
    first_year = (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=lo)).year
    last_year = (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=hi)).year
    points: list[tuple[int, int]] = []
    for year in range(first_year, last_year + 1):
        offset, changes = transitions(key, year)
        points.append((utc_year_start(year), offset * US))
        points.extend((instant * US, change * US) for instant, change in changes)
    result: list[tuple[int, int, int]] = []
    for index, (point, offset) in enumerate(points):
        following = points[index + 1][0] if index + 1 < len(points) else hi
        start, end = max(point, lo), min(following, hi)
        if start >= end:
            continue
        if result and result[-1][2] == offset and result[-1][1] == start:
            result[-1] = (result[-1][0], end, offset)
        else:
            result.append((start, end, offset))
    return result


def offset_at(key: str, instant: int) -> int:
    """The UTC offset (µs) of zone ``key`` at ``instant`` (µs)."""
    return segments(key, instant, instant + 1)[0][2]


def preimage(
    stretches: list[tuple[int, int, int]], wall_start: int, wall_end: int
) -> list[tuple[int, int]]:
    """The instants whose wall reading lies in ``[wall_start, wall_end)``, as half-open pieces.

    ``stretches`` must cover ``[wall_start - MAX_OFFSET, wall_end + MAX_OFFSET)``.
    """
    pieces: list[tuple[int, int]] = []
    for start, end, offset in stretches:
        lo = max(start, wall_start - offset)
        hi = min(end, wall_end - offset)
        if lo < hi:
            if pieces and pieces[-1][1] == lo:
                pieces[-1] = (pieces[-1][0], hi)
            else:
                pieces.append((lo, hi))
    return pieces


def first_instant_at_or_after(key: str, wall: int) -> int:
    """The first instant whose wall reading is ``wall`` or later."""
    # Three days of readings: a gap can swallow a whole day (Pacific/Apia, 30 December 2011).
    around = segments(key, wall - MAX_OFFSET, wall + MAX_OFFSET + 3 * DAY)
    return preimage(around, wall, wall + 3 * DAY)[0][0]


def last_instant_before(key: str, wall: int) -> int:
    """The end of the last stretch of instants whose wall reading is before ``wall``."""
    around = segments(key, wall - MAX_OFFSET - 3 * DAY, wall + MAX_OFFSET)
    return preimage(around, wall - 3 * DAY, wall)[-1][1]
