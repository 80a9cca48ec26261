"""A business calendar compiled to sorted instants, and the O(log n) queries on it (private).

The working instants of a calendar are a union of disjoint half-open intervals. They are
compiled lazily, one UTC year at a time, into three sorted lists — interval starts, ends,
and the business time accumulated by the end of each interval — so that every query is a
binary search in one year's lists plus, for a query spanning years, one step per year
boundary crossed (each year's total is known once it is compiled).

Everything is in whole microseconds since 1970-01-01T00:00Z, so sums and differences are
exact; durations are real elapsed time.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from crisiskit._internal import zones as _zones
from crisiskit._internal.zones import DAY, MAX_OFFSET, US

__all__ = ["Block", "Timeline", "year_of"]

_EPOCH = dt.datetime(1970, 1, 1)

DayHours = tuple[tuple[int, int], ...]
"""Working intervals of one date, in seconds after its local midnight (end may pass 86 400)."""


_FIRST_YEAR = 1800
_YEAR_STARTS = [_zones.utc_year_start(year) for year in range(_FIRST_YEAR, 3101)]


def year_of(instant: int) -> int:
    """The UTC year of ``instant`` (µs)."""
    index = bisect_right(_YEAR_STARTS, instant) - 1
    if 0 <= index < len(_YEAR_STARTS) - 1:
        return _FIRST_YEAR + index
    return (_EPOCH + dt.timedelta(microseconds=instant)).year


class Block:
    """The working intervals of one UTC year, clipped to it, with running totals."""

    __slots__ = ("cum_end", "ends", "starts", "total")

    def __init__(self, pieces: list[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        cum_end: list[int] = []
        total = 0
        for start, end in sorted(pieces):
            if ends and start <= ends[-1]:
                # Touching intervals (a shift that ends as the next begins) read as one.
                if end > ends[-1]:
                    total += end - ends[-1]
                    ends[-1] = end
                    cum_end[-1] = total
                continue
            starts.append(start)
            ends.append(end)
            total += end - start
            cum_end.append(total)
        self.starts = starts
        self.ends = ends
        self.cum_end = cum_end
        self.total = total

    def before(self, instant: int) -> int:
        """Business time in this block before ``instant``."""
        index = bisect_right(self.starts, instant) - 1
        if index < 0:
            return 0
        end = self.ends[index]
        return self.cum_end[index] - (end - min(instant, end))

    def reach(self, amount: int) -> int:
        """The first instant by which ``amount`` (0 < amount <= total) has accumulated."""
        index = bisect_left(self.cum_end, amount)
        return self.ends[index] - (self.cum_end[index] - amount)


_EMPTY = Block([])


class Timeline:
    """The compiled working instants of one calendar between ``lo`` and ``hi`` (µs)."""

    __slots__ = (
        "_blocks",
        "always_open",
        "first_day",
        "hi",
        "hours_of",
        "last_day",
        "lo",
        "zone",
    )

    def __init__(
        self,
        *,
        zone: str,
        first_day: dt.date,
        last_day: dt.date,
        hours_of: Callable[[dt.date], DayHours],
        spill: int,
        always_open: bool,
    ) -> None:
        self.zone = zone
        self.first_day = first_day
        self.last_day = last_day
        self.hours_of = hours_of
        self.always_open = always_open
        # Instants before `lo` might belong to a shift that starts before the horizon (which
        # the calendar does not know); instants from `hi` on read a date after it.
        self.lo = _zones.first_instant_at_or_after(zone, _zones.wall_of(first_day, spill))
        self.hi = _zones.last_instant_before(zone, _zones.wall_of(last_day + dt.timedelta(days=1)))
        self._blocks: dict[int, Block] = {}

    def block(self, year: int) -> Block:
        """The compiled block of UTC ``year`` (empty outside the horizon)."""
        found = self._blocks.get(year)
        if found is None:
            found = self._blocks[year] = self._compile(year)
        return found

    def _compile(self, year: int) -> Block:
        lo = max(_zones.utc_year_start(year), self.lo)
        hi = min(_zones.utc_year_start(year + 1), self.hi)
        if lo >= hi:
            return _EMPTY
        if self.always_open:
            return Block([(lo, hi)])
        # Shifts last less than a day and offsets stay within MAX_OFFSET, so only dates within
        # a few days of the year can reach into it.
        first = max(self.first_day, dt.date(year, 1, 1) - dt.timedelta(days=3))
        last = min(self.last_day, dt.date(year, 12, 31) + dt.timedelta(days=2))
        stretches = _zones.segments(self.zone, lo - 3 * DAY - MAX_OFFSET, hi + 3 * DAY + MAX_OFFSET)
        pieces: list[tuple[int, int]] = []
        day = first
        one = dt.timedelta(days=1)
        while day <= last:
            base = _zones.wall_of(day)
            for start, end in self.hours_of(day):
                for found_start, found_end in _zones.preimage(
                    stretches, base + start * US, base + end * US
                ):
                    piece_start, piece_end = max(found_start, lo), min(found_end, hi)
                    if piece_start < piece_end:
                        pieces.append((piece_start, piece_end))
            day += one
        return Block(pieces)

    def _years(self) -> tuple[int, int]:
        return year_of(self.lo), year_of(self.hi - 1)

    def is_working(self, instant: int) -> bool:
        """Whether ``instant`` (lo <= instant < hi) is working time."""
        if self.always_open:
            return True
        block = self.block(year_of(instant))
        index = bisect_right(block.starts, instant) - 1
        return index >= 0 and instant < block.ends[index]

    def next_working(self, instant: int) -> int | None:
        """The first working instant at or after ``instant``; None if none before ``hi``."""
        if self.always_open:
            return instant
        year = year_of(instant)
        block = self.block(year)
        index = bisect_right(block.starts, instant) - 1
        if index >= 0 and instant < block.ends[index]:
            return instant
        if index + 1 < len(block.starts):
            return block.starts[index + 1]
        last_year = self._years()[1]
        for later in range(year + 1, last_year + 1):
            block = self.block(later)
            if block.starts:
                return block.starts[0]
        return None

    def working(self, start: int, end: int) -> int:
        """Business time between ``start`` and ``end`` (lo <= start <= end <= hi)."""
        if self.always_open:
            return end - start
        first, last = year_of(start), year_of(end)
        if first == last:
            block = self.block(first)
            return block.before(end) - block.before(start)
        total = self.block(first).total - self.block(first).before(start)
        for year in range(first + 1, last):
            total += self.block(year).total
        return total + self.block(last).before(end)

    def add(self, start: int, amount: int) -> int | None:
        """The first instant by which ``amount`` of business time has passed since ``start``.

        A target used up exactly at closing time is due at the closing instant. None when
        the horizon ends first.
        """
        if amount == 0:
            return start
        if self.always_open:
            end = start + amount
            return end if end <= self.hi else None
        year = year_of(start)
        block = self.block(year)
        wanted = block.before(start) + amount
        last_year = self._years()[1]
        while wanted > block.total:
            wanted -= block.total
            year += 1
            if year > last_year:
                return None
            block = self.block(year)
        return block.reach(wanted)
