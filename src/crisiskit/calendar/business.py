"""Business calendars: when the clock of a working-hours SLA target runs.

A :class:`BusinessCalendar` has an IANA time zone, weekly working intervals per weekday
(several a day, e.g. around a lunch break; a shift may run past midnight and then belongs
to the date it starts on), date overrides — holidays (closed) and make-up working days
(调休: a Saturday or Sunday that works) — and an explicit horizon, the dates its data is
authoritative for. Anything that needs a date outside the horizon raises
:class:`~crisiskit.errors.HorizonError`; the calendar never guesses.

Business time is a set of instants: an instant counts when its wall-clock reading in the
calendar's zone falls inside a working interval of its date. So a working window that
contains a spring-forward gap is an hour shorter and one that contains a fall-back overlap
an hour longer; durations are real elapsed time; a target used up exactly at closing time
is due at the closing instant, not at the next opening.

Queries cost O(log n): the calendar is compiled, one UTC year at a time, into sorted
interval starts and ends with running totals, which are binary-searched. The compiled form
is cached per calendar content (:attr:`BusinessCalendar.fingerprint`).

>>> cal = BusinessCalendar(
...     name="office",
...     zone="Asia/Shanghai",
...     week={"mon-fri": ["09:00-12:00", "13:00-18:00"]},
...     horizon_start=dt.date(2025, 1, 1),
...     horizon_end=dt.date(2025, 12, 31),
... )
>>> friday_5pm = pendulum.datetime(2025, 6, 13, 17, 0, tz="Asia/Shanghai")
>>> cal.add(friday_5pm, dt.timedelta(hours=2)).in_timezone("Asia/Shanghai").isoformat()
'2025-06-16T10:00:00+08:00'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.instants import from_us as _instant
from crisiskit._internal.instants import us_of_duration, us_of_instant
from crisiskit._internal.registry import serializable
from crisiskit._internal.timeline import DayHours, Timeline
from crisiskit.errors import CalendarError, HorizonError, ValidationError
from crisiskit.messages import Message, _
from crisiskit.values.labels import LabelledEnum, converted

if TYPE_CHECKING:  # pragma: no cover - typing only
    from holidays import HolidayBase

__all__ = [
    "TWENTY_FOUR_SEVEN",
    "BusinessCalendar",
    "CalendarLookup",
    "CalendarSet",
    "DateOverride",
    "DayKind",
    "WorkingInterval",
    "china_working_calendar",
    "schedule_overrides",
]

_DAY_SECONDS = 86_400
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_FIRST_DATE = dt.date(1900, 1, 1)
_MAX_PROVISIONAL_DAYS = 400  # past the horizon: a year and its stragglers, no more
_LAST_DATE = dt.date(2999, 12, 31)
_MAX_US = (dt.timedelta.max - dt.timedelta(days=1)) // dt.timedelta(microseconds=1)


# --------------------------------------------------------------------------- time of day


def _seconds_of(text: str) -> int | None:
    """Seconds after midnight of "HH:MM[:SS]" (24:00 allowed), or None if malformed."""
    match = _TIME.match(text)
    if match is None:
        return None
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if minutes > 59 or seconds > 59 or hours > 24 or (hours == 24 and (minutes or seconds)):
        return None
    return hours * 3600 + minutes * 60 + seconds


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _to_clock(value: object) -> object:
    """A dt.time or a "H:MM[:SS]" string to the canonical "HH:MM[:SS]"; anything else as is."""
    if isinstance(value, dt.time) and value.tzinfo is None and not value.microsecond:
        return _clock(value.hour * 3600 + value.minute * 60 + value.second)
    if isinstance(value, str):
        seconds = _seconds_of(value.strip())
        if seconds is not None:
            return _clock(seconds)
    return value


def _to_end_clock(value: object) -> object:
    converted = _to_clock(value)
    # An interval that ends at midnight ends at 24:00 of its own date.
    return "24:00" if converted == "00:00" else converted


def weekday_said(index: int) -> Message:
    """The name of weekday ``index`` (0 = Monday), for a message."""
    return (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )[index]


def _quoted(names: Iterable[str]) -> list[Message]:
    """Names to list in a message, each quoted as the language quotes ('x', “x”)."""
    return [_("{name!r}", name=name) for name in names]


def _is_clock(*, allow_24: bool) -> _checks.Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        seconds = _seconds_of(value) if isinstance(value, str) else None
        if seconds is None or (seconds == _DAY_SECONDS and not allow_24):
            raise ValidationError(
                _(
                    "{where} must be a time of day 'HH:MM' or 'HH:MM:SS' ({first} to {last}) "
                    "or a datetime.time without zone or microseconds; got {value!r}",
                    where=f"{type(instance).__name__}.{attribute.name}",
                    first="00:00",
                    last="24:00" if allow_24 else "23:59:59",
                    value=value,
                )
            )

    return check


@serializable()
@frozen
class WorkingInterval:
    """A working interval of a day, from ``start`` to ``end`` wall-clock time.

    When ``end`` is not after ``start`` the interval runs past midnight and ends on the next
    day (a night shift, ``22:00``–``06:00``); it still belongs to the date it starts on, so a
    holiday on that date cancels it. ``end`` may be ``24:00``.

    >>> WorkingInterval.parse("22:00-06:00").overnight
    True
    >>> WorkingInterval("09:00", "12:00").duration
    datetime.timedelta(seconds=10800)
    """

    start: str = field(converter=_to_clock, validator=_is_clock(allow_24=False))
    """Opening time, ``"HH:MM"`` or ``"HH:MM:SS"``."""
    end: str = field(converter=_to_end_clock, validator=_is_clock(allow_24=True))
    """Closing time, ``"HH:MM"``, ``"HH:MM:SS"`` or ``"24:00"``; not after ``start`` = next day."""

    def __attrs_post_init__(self) -> None:
        if self.start == "00:00" and self.end == "24:00":
            return
        if self.start == self.end:
            raise CalendarError(
                _(
                    "a working interval must not be empty; got {interval} "
                    "(write 00:00-24:00 for the whole day)",
                    interval=f"{self.start}-{self.end}",
                )
            )

    @classmethod
    def parse(cls, text: str) -> WorkingInterval:
        """An interval from ``"09:00-12:00"`` (spaces, ``–`` and ``~`` are accepted)."""
        if isinstance(text, str):
            parts = re.split(r"\s*[-–~]\s*", text.strip())
            if len(parts) == 2:
                return cls(parts[0], parts[1])
        raise ValidationError(
            _(
                "a working interval is written 'HH:MM-HH:MM' such as '09:00-12:00'; got {text!r}",
                text=text,
            )
        )

    @property
    def overnight(self) -> bool:
        """True when the interval runs past midnight into the next day."""
        return self.end_seconds > _DAY_SECONDS

    @property
    def start_seconds(self) -> int:
        """Seconds after the local midnight of its date at which the interval opens."""
        return cast(int, _seconds_of(self.start))

    @property
    def end_seconds(self) -> int:
        """Seconds after the local midnight of its date at which it closes (> 86 400 overnight)."""
        start, end = self.start_seconds, cast(int, _seconds_of(self.end))
        return end if end > start else end + _DAY_SECONDS

    @property
    def duration(self) -> dt.timedelta:
        """Its length on the wall clock (a DST change on the day makes the real length differ)."""
        return dt.timedelta(seconds=self.end_seconds - self.start_seconds)

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


def _to_intervals(value: object) -> object:
    """Any iterable of intervals or 'HH:MM-HH:MM' strings to a tuple sorted by opening time."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value
    items = tuple(value)
    converted = []
    for item in items:
        interval = item
        if isinstance(item, str):
            try:
                interval = WorkingInterval.parse(item)
            except ValidationError:
                return items
        if not isinstance(interval, WorkingInterval):
            return items
        converted.append(interval)
    return tuple(sorted(converted, key=lambda interval: interval.start_seconds))


def _describe(intervals: Iterable[WorkingInterval]) -> str | Message:
    return ", ".join(map(str, intervals)) or _("closed")


def _check_day(where: str, intervals: tuple[WorkingInterval, ...]) -> None:
    """Intervals of one day: already sorted by the converter; they must not overlap."""
    for before, after in itertools.pairwise(intervals):
        if after.start_seconds < before.end_seconds:
            raise CalendarError(
                _(
                    "{where}: working intervals must not overlap; {before} overlaps {after}",
                    where=where,
                    before=before,
                    after=after,
                )
            )


def _is_day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    where = f"{type(instance).__name__}.{attribute.name}"
    if value is None and attribute.name == "hours":
        return
    _checks.is_tuple_of(WorkingInterval, "WorkingInterval or 'HH:MM-HH:MM' string")(
        instance, attribute, value
    )
    _check_day(where, cast(tuple[WorkingInterval, ...], value))


# --------------------------------------------------------------------------- date overrides


class DayKind(LabelledEnum):
    """What a date override does: close the date, or make it a working day."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"


DayKind._register_labels(
    {
        DayKind.HOLIDAY: ("holiday (closed)", "放假"),
        DayKind.WORKDAY: ("working day", "上班"),
    }
)


def to_day_kind(value: DayKind | str) -> DayKind:
    """Attrs converter: the DayKind that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, DayKind)


def _to_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date) and type(value) is not dt.date:
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _to_optional_date(value: object) -> object:
    return None if value is None else _to_date(value)


def _check_years(years: Iterable[object]) -> None:
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int):
            raise CalendarError(
                _("a calendar year must be an int such as 2025; got {year!r}", year=year)
            )
        if not _FIRST_DATE.year <= year <= _LAST_DATE.year:
            raise CalendarError(
                _(
                    "calendars cover the years {first} to {last}; got {year}",
                    first=_FIRST_DATE.year,
                    last=_LAST_DATE.year,
                    year=year,
                )
            )


def _is_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(
            _(
                "{where} must be a date (datetime.date or 'YYYY-MM-DD'), not a datetime; "
                "got {kind} {value!r}",
                where=f"{type(instance).__name__}.{attribute.name}",
                kind=type(value).__name__,
                value=value,
            )
        )
    if not _FIRST_DATE <= value <= _LAST_DATE:
        raise ValidationError(
            _(
                "{where} must lie between {first} and {last}; got {value}",
                where=f"{type(instance).__name__}.{attribute.name}",
                first=_FIRST_DATE,
                last=_LAST_DATE,
                value=value,
            )
        )


@serializable()
@frozen
class DateOverride:
    """One date that does not follow the weekly pattern: a holiday or a working day.

    A working day with ``hours=None`` works the calendar's normal weekday hours (those of
    :attr:`BusinessCalendar.makeup_weekday`); that is what a make-up working day (调休上班)
    usually is. Give ``hours`` for a day with special hours (a half day before a holiday).

    >>> DateOverride.holiday(dt.date(2025, 10, 1), "National Day 国庆节").kind.label("zh")
    '放假'
    >>> DateOverride.workday("2025-09-28", "调休").day
    datetime.date(2025, 9, 28)
    """

    day: dt.date = field(converter=_to_date, validator=_is_date)
    """The date, in the calendar's zone."""
    kind: DayKind = field(converter=to_day_kind, validator=_checks.is_member(DayKind))
    """Closed (a holiday) or working."""
    name: str = field(default="", validator=_checks.is_str)
    """What the date is, e.g. ``"National Day"`` or ``"调休上班"``; may be empty."""
    hours: tuple[WorkingInterval, ...] | None = field(
        default=None, converter=_to_intervals, validator=_is_day
    )
    """A working day's hours; None means the calendar's normal weekday hours."""

    def __attrs_post_init__(self) -> None:
        if self.kind is DayKind.HOLIDAY and self.hours is not None:
            raise CalendarError(
                _(
                    "a holiday has no working hours; got hours {hours} for {day} "
                    "(use DateOverride.workday for a day with special hours)",
                    hours=_describe(self.hours),
                    day=self.day,
                )
            )
        if self.kind is DayKind.WORKDAY and self.hours == ():
            raise CalendarError(
                _(
                    "a working day needs hours; got none for {day} (use DateOverride.holiday "
                    "to close a date, or hours=None for the normal hours)",
                    day=self.day,
                )
            )

    @classmethod
    def holiday(cls, day: dt.date | str, name: str = "") -> DateOverride:
        """A closed date."""
        return cls(day, DayKind.HOLIDAY, name)

    @classmethod
    def workday(
        cls,
        day: dt.date | str,
        name: str = "",
        hours: Iterable[WorkingInterval | str] | None = None,
    ) -> DateOverride:
        """A working date, with the normal weekday hours unless ``hours`` are given."""
        return cls(day, DayKind.WORKDAY, name, cast(Any, hours))


def _to_overrides(value: object) -> object:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value
    items = tuple(value)
    if all(isinstance(item, DateOverride) for item in items):
        return tuple(sorted(items, key=lambda item: item.day))
    return items


# --------------------------------------------------------------------------- the week


def _weekday_index(key: object) -> list[int] | None:
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 6:
        return [key]
    if not isinstance(key, str):
        return None
    text = key.strip().lower()
    if "-" in text:
        first, _dash, last = text.partition("-")
        lo, hi = _weekday_index(first), _weekday_index(last)
        if lo is None or hi is None or lo[0] > hi[0]:
            return None
        return list(range(lo[0], hi[0] + 1))
    for index, (short, long) in enumerate(zip(_WEEKDAYS, _WEEKDAY_NAMES, strict=True)):
        if text in {short, long.lower()}:
            return [index]
    return None


def _to_week(value: object) -> object:
    """A mapping {weekday or range: intervals} or a sequence of 7 days to 7 sorted tuples."""
    days: list[object]
    if isinstance(value, Mapping):
        days = [(), (), (), (), (), (), ()]
        for key, intervals in value.items():
            indexes = _weekday_index(key)
            if indexes is None:
                return value
            for index in indexes:
                days[index] = intervals
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 7:
        days = list(value)
    else:
        return value
    return tuple(_to_intervals(day) for day in days)


def _is_week(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    where = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple) or len(value) != 7:
        raise ValidationError(
            _(
                "{where} must give the working intervals of the 7 weekdays, Monday first, e.g. "
                "{{'mon-fri': ['09:00-12:00', '13:00-18:00']}}; got {value!r}",
                where=where,
                value=value,
            )
        )
    for index, day in enumerate(value):
        if not isinstance(day, tuple) or not all(isinstance(i, WorkingInterval) for i in day):
            raise ValidationError(
                _(
                    "{where}[{index}] ({weekday}) must be a sequence of working intervals such "
                    "as '09:00-12:00'; got {day!r}",
                    where=where,
                    index=index,
                    weekday=weekday_said(index),
                    day=day,
                )
            )
        _check_day(_("{where} {weekday}", where=where, weekday=weekday_said(index)), day)
    # Around the week: a night shift must not run into the next day's first interval.
    ring = [
        (index * _DAY_SECONDS + i.start_seconds, index * _DAY_SECONDS + i.end_seconds, index, i)
        for index, day in enumerate(value)
        for i in day
    ]
    for position, (_start, end, day_a, a) in enumerate(ring):
        following = position + 1
        start, _end, day_b, b = ring[following % len(ring)]
        if following == len(ring):
            start += 7 * _DAY_SECONDS
        if start < end:
            raise CalendarError(
                _(
                    "{where}: working intervals must not overlap; {day_a} {a} runs into "
                    "{day_b} {b}",
                    where=where,
                    day_a=weekday_said(day_a),
                    a=a,
                    day_b=weekday_said(day_b),
                    b=b,
                )
            )


def _is_weekday(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValidationError(
            _(
                "{where} must be a weekday number, 0 (Monday) to 6 (Sunday); got {value!r}",
                where=f"{type(instance).__name__}.{attribute.name}",
                value=value,
            )
        )


# --------------------------------------------------------------------------- the calendar


@runtime_checkable
class CalendarLookup(Protocol):
    """Anything that finds a calendar by name: a calendar, an SLA policy, a calendar set."""

    def calendar(self, name: str) -> BusinessCalendar:
        """The calendar called ``name``; :class:`~crisiskit.errors.CalendarError` if unknown."""
        ...


_COMPILED: OrderedDict[str, Timeline] = OrderedDict()
_COMPILED_SIZE = 64
# Calendars are shared across threads; without the lock one thread's eviction can remove
# the entry another thread has just found and is moving to the end (a KeyError).
_COMPILED_LOCK = threading.Lock()


@serializable()
@frozen(cache_hash=True)
class BusinessCalendar:
    """A working calendar: zone, weekly hours, holidays, make-up working days, horizon.

    Args:
        name: a stable id that timers and policies refer to the calendar by.
        zone: the IANA zone whose wall clock the hours are read in.
        week: working intervals per weekday — a mapping such as
            ``{"mon-fri": ["09:00-12:00", "13:00-18:00"], "sat": ["10:00-14:00"]}``
            (keys ``0``–``6``, ``"mon"``… or ranges ``"mon-fri"``) or 7 sequences, Monday first.
        horizon_start: the first date the calendar is authoritative for.
        horizon_end: the last date (inclusive).
        overrides: holidays and working days (:class:`DateOverride`) inside the horizon.
        makeup_weekday: whose hours a working-day override without hours works (0 = Monday).
        provisional_until: the last date (inclusive) to answer for *provisionally* after
            ``horizon_end``, from the weekly pattern alone (no holidays are known there yet):
            a deadline past the horizon is then computed and marked provisional
            (:meth:`is_provisional`) instead of refused, and is worked out again once the
            calendar is :meth:`extended` with that year's official schedule. None: refuse.

    Raises:
        CalendarError: overlapping intervals, overrides outside the horizon or on the same
            date, or no working time at all (a deadline would never come).
    """

    name: str = field(validator=_checks.is_text)
    """Stable id; timers store it instead of the whole calendar."""
    zone: str = field(validator=_checks.is_zone_name)
    """IANA time zone of the wall clock."""
    week: tuple[tuple[WorkingInterval, ...], ...] = field(converter=_to_week, validator=_is_week)
    """Working intervals of Monday … Sunday."""
    horizon_start: dt.date = field(converter=_to_date, validator=_is_date)
    """First date the data is authoritative for."""
    horizon_end: dt.date = field(converter=_to_date, validator=_is_date)
    """Last date the data is authoritative for (inclusive)."""
    overrides: tuple[DateOverride, ...] = field(
        default=(),
        converter=_to_overrides,
        validator=_checks.is_tuple_of(DateOverride, "DateOverride"),
    )
    """Holidays and working days, sorted by date."""
    makeup_weekday: int = field(default=0, validator=_is_weekday)
    """The weekday whose hours a working-day override without its own hours works."""
    provisional_until: dt.date | None = field(default=None, converter=_to_optional_date)
    """The last date answered for provisionally, by the weekly pattern, past the horizon."""
    _timeline: Timeline | None = field(
        default=None, init=False, eq=False, repr=False, hash=False, alias="_timeline"
    )
    _day_bound: int | None = field(
        default=None, init=False, eq=False, repr=False, hash=False, alias="_day_bound"
    )

    def __attrs_post_init__(self) -> None:
        if self.provisional_until is not None and not (
            isinstance(self.provisional_until, dt.date)
            and self.horizon_end
            < self.provisional_until
            <= self.horizon_end + dt.timedelta(days=_MAX_PROVISIONAL_DAYS)
        ):
            raise CalendarError(
                _(
                    "calendar {name!r}: provisional_until must be a date after horizon_end "
                    "{end} and at most {days} days after it; got {value!r}",
                    name=self.name,
                    end=self.horizon_end,
                    days=_MAX_PROVISIONAL_DAYS,
                    value=self.provisional_until,
                )
            )
        if self.horizon_end < self.horizon_start:
            raise CalendarError(
                _(
                    "calendar {name!r}: horizon_end {end} is before horizon_start {start}",
                    name=self.name,
                    end=self.horizon_end,
                    start=self.horizon_start,
                )
            )
        seen: set[dt.date] = set()
        for override in self.overrides:
            if override.day in seen:
                raise CalendarError(
                    _(
                        "calendar {name!r}: two overrides for {day}; give one per date",
                        name=self.name,
                        day=override.day,
                    )
                )
            seen.add(override.day)
            if not self.horizon_start <= override.day <= self.horizon_end:
                raise CalendarError(
                    _(
                        "calendar {name!r}: the override for {day} lies outside the horizon "
                        "{start}..{end}",
                        name=self.name,
                        day=override.day,
                        start=self.horizon_start,
                        end=self.horizon_end,
                    )
                )
            if (
                override.kind is DayKind.WORKDAY
                and override.hours is None
                and not self.week[self.makeup_weekday]
            ):
                raise CalendarError(
                    _(
                        "calendar {name!r}: the working day {day} has no hours of its own and "
                        "{weekday} (makeup_weekday) has none either; give the override hours "
                        "or choose another makeup_weekday",
                        name=self.name,
                        day=override.day,
                        weekday=weekday_said(self.makeup_weekday),
                    )
                )
        by_day = self._overrides_by_day()
        for override in self.overrides:
            self._check_neighbours(override.day, by_day)
        if not any(self.week) and not any(o.kind is DayKind.WORKDAY for o in self.overrides):
            raise CalendarError(
                _(
                    "calendar {name!r} has no working time at all, so a deadline would never "
                    "come; give it weekly hours or working days",
                    name=self.name,
                )
            )

    # ---- construction helpers

    @classmethod
    def always_open(
        cls,
        name: str = "24x7",
        zone: str = "UTC",
        horizon_start: dt.date = _FIRST_DATE,
        horizon_end: dt.date = _LAST_DATE,
    ) -> BusinessCalendar:
        """A calendar that never closes (24×7): business time is plain elapsed time."""
        return cls(
            name=name,
            zone=zone,
            week={"mon-sun": ["00:00-24:00"]},
            horizon_start=horizon_start,
            horizon_end=horizon_end,
        )

    @classmethod
    def from_holidays(
        cls,
        source: HolidayBase | str,
        *,
        name: str,
        zone: str,
        week: Mapping[object, Iterable[WorkingInterval | str]]
        | Sequence[Iterable[WorkingInterval | str]],
        years: Iterable[int] | None = None,
        makeup_weekday: int = 0,
    ) -> BusinessCalendar:
        """A calendar from the ``holidays`` package (the ``crisiskit[holidays]`` extra).

        ``source`` is a ``holidays`` object such as ``holidays.China(years=[2025, 2026])``, or
        a country code (``"CN"``) together with ``years``. Every holiday of those years
        becomes a closed date and every one of its ``weekend_workdays`` (China's make-up
        working days, 调休) a working day with the normal weekday hours. The horizon is the
        years given, which must be consecutive.

        China's State Council publishes each next year's schedule around November, so a
        calendar for next year can only be built after that, with a ``holidays`` release that
        carries it. For China, a year without make-up working days in the package (one whose
        notice it does not have yet, whose holidays it would only estimate) is refused.
        """
        try:
            import holidays as holidays_package  # noqa: PLC0415 - an optional extra
        except ImportError:  # pragma: no cover - the extra is installed in the test suite
            raise CalendarError(
                _(
                    "BusinessCalendar.from_holidays needs the 'holidays' package: "
                    "pip install 'crisiskit[holidays]'"
                )
            ) from None
        if isinstance(source, str):
            if years is None:
                raise CalendarError(
                    _(
                        "from_holidays({source!r}) needs years=..., e.g. years=[2025, 2026]",
                        source=source,
                    )
                )
            years = list(years)
            _check_years(years)
            try:
                source = holidays_package.country_holidays(source, years=list(years))
            except NotImplementedError as exc:
                raise CalendarError(
                    _("the holidays package has no calendar for country {source!r}", source=source)
                ) from exc
        elif years is not None:
            raise CalendarError(
                _(
                    "from_holidays: give the years to the holidays object "
                    "(holidays.China(years=[2025, 2026])) or pass a country code with years=..."
                )
            )
        if not isinstance(source, holidays_package.HolidayBase):
            raise CalendarError(
                _(
                    "from_holidays takes a holidays object or a country code; got {source!r}",
                    source=source,
                )
            )
        chosen = sorted(source.years)
        _check_years(chosen)
        if not chosen:
            raise CalendarError(
                _("from_holidays: the holidays object covers no years; build it with years=...")
            )
        if chosen != list(range(chosen[0], chosen[-1] + 1)):
            raise CalendarError(
                _(
                    "from_holidays needs consecutive years (the horizon has no gaps); got {years}",
                    years=chosen,
                )
            )
        first, last = dt.date(chosen[0], 1, 1), dt.date(chosen[-1], 12, 31)
        workdays = cast(Iterable[dt.date], getattr(source, "weekend_workdays", ()))
        if getattr(source, "country", None) == "CN":
            # Every published Chinese schedule (2001 onwards) has make-up working days; for a
            # year without its notice the package estimates the holidays, which is a guess.
            published = {day.year for day in workdays}
            missing = [year for year in chosen if year not in published]
            if missing:
                # Here, not at the top: importlib.metadata costs more to import than this module.
                from importlib.metadata import version as _version  # noqa: PLC0415

                raise CalendarError(
                    _(
                        "the holidays package (version {version}) has no official Chinese "
                        "schedule for {years}: no make-up working days (调休), so its holidays "
                        "would be estimates. The State Council publishes each next year's "
                        "schedule around November; update the holidays package once it carries "
                        "that year",
                        version=_version("holidays"),
                        years=missing,
                    )
                )
        overrides = [
            DateOverride.holiday(day, str(label))
            for day, label in source.items()
            if first <= day <= last
        ]
        overrides.extend(
            DateOverride.workday(day, "make-up working day 调休上班")
            for day in workdays
            if first <= day <= last
        )
        return cls(
            name=name,
            zone=zone,
            week=cast(Any, week),
            horizon_start=first,
            horizon_end=last,
            overrides=overrides,
            makeup_weekday=makeup_weekday,
        )

    # ---- what the data says

    def calendar(self, name: str) -> BusinessCalendar:
        """This calendar, when ``name`` is its name (so a calendar is a :class:`CalendarLookup`)."""
        if name != self.name:
            raise CalendarError(
                _(
                    "no calendar {name!r} here; this is calendar {own!r}",
                    name=name,
                    own=self.name,
                )
            )
        return self

    def override_for(self, day: dt.date) -> DateOverride | None:
        """The override of ``day``, if any."""
        return self._overrides_by_day().get(day)

    def hours_on(self, day: dt.date) -> tuple[WorkingInterval, ...]:
        """The working intervals that start on ``day`` (holidays and working days applied)."""
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValidationError(
                _(
                    "hours_on(day) takes a date; got {kind} {day!r}",
                    kind=type(day).__name__,
                    day=day,
                )
            )
        if not self.horizon_start <= day <= self._last_day:
            raise HorizonError(
                _(
                    "calendar {name!r} knows the dates {start}..{end}; got {day}",
                    name=self.name,
                    start=self.horizon_start,
                    end=self._last_day,
                    day=day,
                )
            )
        return self._hours_on(day, self._overrides_by_day())

    @property
    def standard_day(self) -> dt.timedelta:
        """The wall-clock length of a normal working day (the :attr:`makeup_weekday`'s hours).

        It turns targets given in working days into business time: with
        09:00–12:00 and 13:00–18:00 a working day is 8 hours. When the make-up weekday is
        closed (a Tue–Sat shop left at Monday), the first weekday with hours is the normal day.
        """
        day = self.week[self.makeup_weekday] or next((d for d in self.week if d), ())
        return sum((interval.duration for interval in day), dt.timedelta())

    @property
    def fingerprint(self) -> str:
        """A hash of the calendar's content (SHA-256, hex): equal content, equal fingerprint.

        Hosts can key caches on it and tell whether a stored calendar changed.
        """
        content = repr(
            (
                self.name,
                self.zone,
                tuple(tuple(map(str, day)) for day in self.week),
                self.horizon_start.isoformat(),
                self.horizon_end.isoformat(),
                tuple(
                    (
                        o.day.isoformat(),
                        o.kind.value,
                        o.name,
                        None if o.hours is None else tuple(map(str, o.hours)),
                    )
                    for o in self.overrides
                ),
                self.makeup_weekday,
                # Only when set: calendars without it keep the fingerprints they had.
                *(() if self.provisional_until is None else (self.provisional_until.isoformat(),)),
            )
        )
        return hashlib.sha256(content.encode()).hexdigest()

    def duration_text(self, duration: dt.timedelta, lang: str = "en") -> str:
        """A duration of this calendar's time in its own units, for people.

        On a working calendar, whole working days when it is some (``15 working days`` /
        ``15个工作日``), else working hours (``56 working hours`` / ``56个工作小时``); on an
        always-open one, days or hours.

        >>> TWENTY_FOUR_SEVEN.duration_text(dt.timedelta(hours=48))
        '2 days'
        """
        return self._duration_message(duration).text(lang)

    def _duration_message(self, duration: dt.timedelta | int) -> Message:
        """:meth:`duration_text` as a message (``duration`` may be in microseconds)."""
        if isinstance(duration, int):
            # From the timers, in µs; a timedelta holds at most 999 999 999 days.
            duration = dt.timedelta(microseconds=max(min(duration, _MAX_US), -_MAX_US))
        always = self.is_always_open
        day = dt.timedelta(days=1) if always else self.standard_day
        if day > dt.timedelta(0) and duration % day == dt.timedelta(0) and duration >= day:
            count = duration // day
            if always:
                return _("1 day") if count == 1 else _("{count} days", count=count)
            if count == 1:
                return _("1 working day")
            return _("{count} working days", count=count)
        hours = f"{duration.total_seconds() / 3600:g}"
        if always:
            return _("{hours} hours", hours=hours)
        return _("{hours} working hours", hours=hours)

    @property
    def _last_day(self) -> dt.date:
        return self.horizon_end if self.provisional_until is None else self.provisional_until

    def is_provisional(self, at: dt.datetime) -> bool:
        """Whether ``at`` lies past the horizon, where only the weekly pattern is known.

        A deadline there was computed without the holidays of its year: it may move when the
        calendar is :meth:`extended` with that year's official schedule.
        """
        try:
            local = _checks.instant("is_provisional(at)", at).in_timezone(self.zone)
        except OverflowError:  # its UTC or local date is before the year 1 or after 9999
            return at.year > 1
        return local.date() > self.horizon_end

    def extended(
        self, overrides: Iterable[DateOverride], *, until: dt.date | str
    ) -> BusinessCalendar:
        """This calendar with official data up to ``until``: the days after the horizon.

        ``overrides`` are that period's holidays and make-up working days (e.g. read with
        :func:`schedule_overrides` from the State Council's notice). The provisional stretch, if
        any, moves on by as much. Timers whose deadlines were provisional are worked out again
        on the next sweep (:meth:`crisiskit.sla.SlaPolicy.sweep` does it).
        """
        end = _to_date(until)
        if not isinstance(end, dt.date) or end <= self.horizon_end:
            raise CalendarError(
                _(
                    "extended(until=...) must be after the horizon's end {end}; got {until!r}",
                    end=self.horizon_end,
                    until=until,
                )
            )
        if end > _LAST_DATE:
            raise CalendarError(
                _(
                    "calendars cover the years {first} to {last}; got {year}",
                    first=_FIRST_DATE.year,
                    last=_LAST_DATE.year,
                    year=end.year,
                )
            )
        added: tuple[DateOverride, ...] = tuple(overrides)
        provisional = None
        if self.provisional_until is not None:  # the same stretch, after the new end
            ahead = self.provisional_until - self.horizon_end
            provisional = end + ahead
            if (end.month, end.day) == (12, 31) and (self.provisional_until.month, ahead.days) in {
                (12, 365),
                (12, 366),
            }:
                provisional = dt.date(end.year + 1, 12, 31)  # a year is a year, leap or not
        return attrs.evolve(
            self,
            horizon_end=end,
            overrides=(*self.overrides, *added),
            provisional_until=provisional,
        )

    @property
    def is_always_open(self) -> bool:
        """True when every instant of the horizon is working time (a 24×7 calendar)."""
        whole = (WorkingInterval("00:00", "24:00"),)
        return all(day == whole for day in self.week) and not self.overrides

    def coverage(self) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """The instants the calendar answers for: ``[first, end)``, in UTC.

        From the local midnight starting :attr:`horizon_start` — later if a night shift of
        the (unknown) day before could still be running — to the local midnight ending
        :attr:`horizon_end`.
        """
        timeline = self._compiled()
        return _instant(timeline.lo), _instant(timeline.hi)

    # ---- queries

    def is_working(self, at: dt.datetime) -> bool:
        """Whether ``at`` is working time. O(log n)."""
        timeline = self._compiled()
        instant = self._inside("is_working(at)", at, timeline, end_ok=False)
        return timeline.is_working(instant)

    def next_working(self, at: dt.datetime) -> pendulum.DateTime:
        """The first working instant at or after ``at`` (``at`` itself if it is working)."""
        timeline = self._compiled()
        instant = self._inside("next_working(at)", at, timeline, end_ok=False)
        found = timeline.next_working(instant)
        if found is None:
            raise HorizonError(
                _(
                    "calendar {name!r} has no working time from {at} to the end of its "
                    "horizon ({end}); extend the horizon",
                    name=self.name,
                    at=self._shown(instant),
                    end=self._last_day,
                )
            )
        return _instant(found)

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The business time between ``start`` and ``end`` (real elapsed seconds). O(log n)."""
        timeline = self._compiled()
        lo = self._inside("working_time(start, end): start", start, timeline, end_ok=True)
        hi = self._inside("working_time(start, end): end", end, timeline, end_ok=True)
        if hi < lo:
            raise ValidationError(
                _(
                    "working_time(start, end): end {end} is before start {start}",
                    end=self._shown(hi),
                    start=self._shown(lo),
                )
            )
        return dt.timedelta(microseconds=timeline.working(lo, hi))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> pendulum.DateTime:
        """The deadline: the first instant by which ``duration`` of business time has passed.

        A duration used up exactly at closing time is due at the closing instant. O(log n).

        Raises:
            HorizonError: the deadline lies past the calendar's horizon.
        """
        timeline = self._compiled()
        lo = self._inside("add(start, duration): start", start, timeline, end_ok=True)
        amount = us_of_duration("add(start, duration): duration", duration)
        return _instant(self._add_us(lo, amount))

    # ---- the same, on microseconds (for the SLA timers)

    def _working_us(self, start: int, end: int) -> int:
        timeline = self._compiled()
        self._check_us(start, timeline)
        self._check_us(end, timeline)
        return timeline.working(start, end)

    def _add_us(self, start: int, amount: int) -> int:
        timeline = self._compiled()
        self._check_us(start, timeline)
        found = timeline.add(start, amount) if amount <= self._most_until(start, timeline) else None
        if found is None:
            raise HorizonError(
                _(
                    "calendar {name!r}: {duration} from {start} run past the last date it "
                    "answers for ({end} in {zone}); extend it (e.g. add next year's holidays)",
                    name=self.name,
                    duration=self._duration_message(amount),
                    start=self._shown(start),
                    end=self._last_day,
                    zone=self.zone,
                )
            )
        return found

    # ---- internals

    def _most_until(self, start: int, timeline: Timeline) -> int:
        """An upper bound on the business time from ``start`` to the end of the horizon (µs).

        An amount above it cannot fit, and is refused before any year of the (up to
        1 100-year) horizon is compiled to find that out: a day gives at most its longest
        working hours, plus 3 hours for a clock change, and never more than the clock.
        """
        per_day = self._day_bound
        if per_day is None:
            # Once per calendar: an SLA sweep asks for a deadline per timer, and reading every
            # dated day's hours again each time cost more than the deadline itself.
            days = [*self.week, *(o.hours for o in self.overrides if o.hours is not None)]
            longest = max(sum(i.end_seconds - i.start_seconds for i in day) for day in days)
            per_day = (longest + 3 * 3600) * 1_000_000
            object.__setattr__(self, "_day_bound", per_day)
        left = timeline.hi - start
        # the local dates the span touches, and the one before (a night shift runs into it)
        return min(left, (left // (_DAY_SECONDS * 1_000_000) + 3) * per_day)

    def _overrides_by_day(self) -> dict[dt.date, DateOverride]:
        return {override.day: override for override in self.overrides}

    def _hours_on(
        self, day: dt.date, by_day: Mapping[dt.date, DateOverride]
    ) -> tuple[WorkingInterval, ...]:
        override = by_day.get(day)
        if override is None:
            return self.week[day.weekday()]
        if override.kind is DayKind.HOLIDAY:
            return ()
        return override.hours if override.hours is not None else self.week[self.makeup_weekday]

    def _check_neighbours(self, day: dt.date, by_day: Mapping[dt.date, DateOverride]) -> None:
        """The hours of ``day`` and of the days either side must not overlap."""
        previous = None
        for offset in (-1, 0, 1):
            other = day + dt.timedelta(days=offset)
            if not _FIRST_DATE <= other <= _LAST_DATE:
                continue
            for interval in self._hours_on(other, by_day):
                start = offset * _DAY_SECONDS + interval.start_seconds
                if previous is not None and start < previous[0]:
                    raise CalendarError(
                        _(
                            "calendar {name!r}: working intervals must not overlap; "
                            "{day_a} {a} runs into {day_b} {b}",
                            name=self.name,
                            day_a=previous[1],
                            a=previous[2],
                            day_b=other,
                            b=interval,
                        )
                    )
                previous = (offset * _DAY_SECONDS + interval.end_seconds, other, interval)

    def _compiled(self) -> Timeline:
        timeline = self._timeline
        if timeline is not None:
            return timeline
        key = self.fingerprint
        with _COMPILED_LOCK:
            timeline = _COMPILED.get(key)
            if timeline is not None:
                _COMPILED.move_to_end(key)
        if timeline is None:
            # Compiled outside the lock so that one slow calendar does not hold up the rest;
            # two threads may then compile the same content, and the first one stored wins.
            compiled = self._compile()
            with _COMPILED_LOCK:
                timeline = _COMPILED.setdefault(key, compiled)
                _COMPILED.move_to_end(key)
                while len(_COMPILED) > _COMPILED_SIZE:
                    _COMPILED.popitem(last=False)
        object.__setattr__(self, "_timeline", timeline)
        return timeline

    def _compile(self) -> Timeline:
        by_day = self._overrides_by_day()
        week = tuple(tuple((i.start_seconds, i.end_seconds) for i in day) for day in self.week)
        makeup = week[self.makeup_weekday]

        def hours_of(day: dt.date) -> DayHours:
            override = by_day.get(day)
            if override is None:
                return week[day.weekday()]
            if override.kind is DayKind.HOLIDAY:
                return ()
            if override.hours is None:
                return makeup
            return tuple((i.start_seconds, i.end_seconds) for i in override.hours)

        shapes = [*week, *(hours_of(o.day) for o in self.overrides)]
        spill = max((end - _DAY_SECONDS for day in shapes for _, end in day), default=0)
        return Timeline(
            zone=self.zone,
            first_day=self.horizon_start,
            last_day=self._last_day,
            hours_of=hours_of,
            spill=max(spill, 0),
            always_open=self.is_always_open,
        )

    def _inside(self, what: str, value: object, timeline: Timeline, *, end_ok: bool) -> int:
        instant = us_of_instant(f"BusinessCalendar.{what}", value)
        if (
            instant < timeline.lo
            or instant > timeline.hi
            or (instant == timeline.hi and not end_ok)
        ):
            raise self._horizon_error(instant, timeline)
        return instant

    def _check_us(self, instant: int, timeline: Timeline) -> None:
        if not timeline.lo <= instant <= timeline.hi:
            raise self._horizon_error(instant, timeline)

    def _horizon_error(self, instant: int, timeline: Timeline) -> HorizonError:
        return HorizonError(
            _(
                "calendar {name!r} is authoritative for {start}..{end} in {zone}, i.e. the "
                "instants {lo} to {hi}; got {at}. It does not guess past its horizon: extend "
                "it (e.g. add next year's holidays)",
                name=self.name,
                start=self.horizon_start,
                end=self.horizon_end,
                zone=self.zone,
                lo=_instant(timeline.lo).isoformat(),
                hi=_instant(timeline.hi).isoformat(),
                at=self._shown(instant),
            )
        )

    def _shown(self, instant: int) -> str | Message:
        """``instant`` on the calendar's wall clock, for a message, whatever its year."""
        try:
            return _instant(instant).in_timezone(self.zone).isoformat()
        except (OverflowError, ValueError):  # the local date is past 9999-12-31 or before 1-1-1
            pass
        try:
            return _instant(instant).isoformat()
        except (OverflowError, ValueError):  # so is the UTC one
            if instant < 0:
                return _("a time before the year 1")
            return _("a time after the year 9999")


def _to_calendars(value: object) -> object:
    if isinstance(value, BusinessCalendar):
        return (value,)
    return _checks.to_tuple(cast(Any, value))


def _is_calendars(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _checks.is_tuple_of(BusinessCalendar, "BusinessCalendar")(instance, attribute, value)
    names = [calendar.name for calendar in cast(tuple[BusinessCalendar, ...], value)]
    if not names:
        raise CalendarError(
            _(
                "{where} needs at least one calendar",
                where=f"{type(instance).__name__}.{attribute.name}",
            )
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CalendarError(
            _(
                "{where}: calendar names must be unique; {names} appear more than once",
                where=f"{type(instance).__name__}.{attribute.name}",
                names=_quoted(repeated),
            )
        )


def _calendar_index(calendars: tuple[BusinessCalendar, ...]) -> dict[str, BusinessCalendar]:
    """Calendars by name (for :class:`CalendarLookup` implementations)."""
    return {calendar.name: calendar for calendar in calendars}


def _find_calendar(
    index: Mapping[str, BusinessCalendar], name: str, owner: str
) -> BusinessCalendar:
    """The calendar called ``name`` in ``index``, or a CalendarError naming what exists."""
    found = index.get(name)
    if found is None:
        raise CalendarError(
            _(
                "{owner} has no calendar {name!r}; it has {known}",
                owner=owner,
                name=name,
                known=_quoted(sorted(index)) or _("none"),
            )
        )
    return found


@serializable()
@frozen
class CalendarSet:
    """Several calendars found by name: a :class:`CalendarLookup` for sweeps across policies."""

    calendars: tuple[BusinessCalendar, ...] = field(
        converter=_to_calendars, validator=_is_calendars
    )
    """The calendars; names are unique."""
    _index: dict[str, BusinessCalendar] = field(
        init=False, eq=False, repr=False, hash=False, alias="_index"
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _calendar_index(self.calendars))

    def calendar(self, name: str) -> BusinessCalendar:
        """The calendar called ``name``."""
        return _find_calendar(self._index, name, _("this CalendarSet"))


TWENTY_FOUR_SEVEN = BusinessCalendar.always_open()
"""The built-in 24×7 calendar (name ``"24x7"``): business time is plain elapsed time."""


def schedule_overrides(schedule: Mapping[str, object]) -> tuple[DateOverride, ...]:
    """A year's official holidays and make-up working days, from a small JSON-ready mapping.

    The format, one entry per date, written from the State Council's notice (国务院办公厅关于
    …年部分节假日安排的通知)::

        {"holidays": {"2027-01-01": "元旦", "2027-02-06": "春节", ...},
         "workdays": {"2027-02-14": "春节调休上班", ...}}

    >>> [o.kind.value for o in schedule_overrides({"holidays": {"2027-01-01": "元旦"}})]
    ['holiday']
    """
    if not isinstance(schedule, Mapping) or not set(schedule) <= {"holidays", "workdays"}:
        raise CalendarError(
            _(
                'a schedule is {{"holidays": {{"YYYY-MM-DD": name, ...}}, "workdays": {{...}}}}; '
                "got {shown}",
                shown=f"{schedule!r:.80}",
            )
        )
    found: list[DateOverride] = []
    for key, make in (("holidays", DateOverride.holiday), ("workdays", DateOverride.workday)):
        days = schedule.get(key, {})
        if not isinstance(days, Mapping):
            raise CalendarError(
                _(
                    'a schedule\'s "{key}" maps dates to names; got {shown}',
                    key=key,
                    shown=f"{days!r:.80}",
                )
            )
        for day, label in days.items():
            if not isinstance(day, str) or not isinstance(label, str):
                raise CalendarError(
                    _(
                        'a schedule\'s "{key}" maps "YYYY-MM-DD" to a name; got {day!r}: {label!r}',
                        key=key,
                        day=day,
                        label=label,
                    )
                )
            found.append(make(day, label))
    return tuple(sorted(found, key=lambda o: o.day))


def china_working_calendar(
    years: Iterable[int],
    *,
    name: str = "working",
    hours: Iterable[WorkingInterval | str] = ("09:00-12:00", "13:00-18:00"),
    zone: str = "Asia/Shanghai",
    provisional_years: int = 1,
) -> BusinessCalendar:
    """A Chinese office calendar: Monday–Friday ``hours``, public holidays and 调休 from ``holidays``.

    Its default name, ``"working"``, is the name emergency plans give the company's working
    calendar (:mod:`crisiskit.plan`), so plan targets find it.

    Needs the ``crisiskit[holidays]`` extra. ``years`` must be consecutive; the State Council
    publishes each next year's holidays around November, so build next year's calendar after
    that (the ``holidays`` package then needs an update too). Until then, the calendar answers
    for ``provisional_years`` more years by its weekly hours alone: a deadline there is marked
    provisional (:meth:`BusinessCalendar.is_provisional`) rather than refused, and moves to
    its true instant once the calendar is :meth:`~BusinessCalendar.extended` with the new
    year's schedule (:func:`schedule_overrides`). ``provisional_years=0`` refuses instead.
    """
    calendar = BusinessCalendar.from_holidays(
        "CN", name=name, zone=zone, week={"mon-fri": list(hours)}, years=years
    )
    if not isinstance(provisional_years, int) or not 0 <= provisional_years <= 1:
        raise CalendarError(
            _("provisional_years is 0 or 1; got {value!r}", value=provisional_years)
        )
    if not provisional_years:
        return calendar
    end = calendar.horizon_end
    return attrs.evolve(calendar, provisional_until=dt.date(end.year + 1, 12, 31))
