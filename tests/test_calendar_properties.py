"""Invariants of business calendars, checked on random calendars in DST and non-DST zones.

The reference is the definition itself: an instant is working time when its wall-clock
reading in the calendar's zone falls inside a working interval of its date, or inside the
part of the previous date's night shift that runs past midnight.
"""

import datetime as dt
import zoneinfo

import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crisiskit._internal import instants as _instants
from crisiskit._internal import zones as _zones
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.errors import HorizonError
from crisiskit.testing import strategies as cks

ZERO = dt.timedelta(0)

DST_ZONES = st.sampled_from(
    ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai", "Asia/Kathmandu"]
)
calendars = cks.business_calendars(zones=DST_ZONES, first_year=2024, last_year=2027)


def reads_as_working(calendar, instant):
    """The definition, evaluated directly on the wall clock."""
    local = instant.astimezone(zoneinfo.ZoneInfo(calendar.zone))
    seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    day = local.date()
    for interval in calendar.hours_on(day):
        if interval.start_seconds <= seconds < interval.end_seconds:
            return True
    previous = day - dt.timedelta(days=1)
    if previous >= calendar.horizon_start:
        for interval in calendar.hours_on(previous):
            if interval.start_seconds <= seconds + 86_400 < interval.end_seconds:
                return True
    return False


@st.composite
def calendar_and_instant(draw, margin=dt.timedelta(0)):
    """A calendar and an instant it answers for, at least ``margin`` before its coverage ends.

    The coverage is half-open, ``[first, end)``: ``end`` itself is past the horizon.
    """
    calendar = draw(calendars)
    first, end = calendar.coverage()
    assume(end - first > margin)
    latest = end - first - margin - dt.timedelta(microseconds=1)
    offset = draw(st.timedeltas(min_value=dt.timedelta(0), max_value=latest))
    # Whole minutes: every boundary of these calendars and zones falls on one.
    instant = first + dt.timedelta(minutes=offset // dt.timedelta(minutes=1))
    return calendar, pendulum.instance(instant)


@settings(max_examples=150)
@given(calendar_and_instant())
def test_is_working_matches_the_definition(case):
    calendar, instant = case
    assert calendar.is_working(instant) == reads_as_working(calendar, instant)


@settings(max_examples=25)
@given(calendar_and_instant(margin=dt.timedelta(days=2)))
def test_working_time_matches_counting_the_minutes_of_the_definition(case):
    calendar, start = case
    end = start + dt.timedelta(days=2)
    minutes = sum(
        reads_as_working(calendar, start + dt.timedelta(minutes=m)) for m in range(2 * 24 * 60)
    )
    assert calendar.working_time(start, end) == dt.timedelta(minutes=minutes)


@settings(max_examples=150)
@given(calendar_and_instant(), cks.durations(dt.timedelta(days=60), min_value=ZERO))
def test_add_is_the_inverse_of_working_time(case, duration):
    calendar, start = case
    try:
        deadline = calendar.add(start, duration)
    except HorizonError:
        assume(False)
    assert deadline >= start
    assert calendar.working_time(start, deadline) == duration
    if duration:
        # ... and the first such instant: just before it, less had been used.
        just_before = deadline - dt.timedelta(microseconds=1)
        assert calendar.working_time(start, max(start, just_before)) < duration


@settings(max_examples=100)
@given(
    calendar_and_instant(),
    cks.durations(dt.timedelta(days=20), min_value=ZERO),
    cks.durations(dt.timedelta(days=20), min_value=ZERO),
)
def test_add_is_additive(case, first, second):
    calendar, start = case
    try:
        expected = calendar.add(start, first + second)
    except HorizonError:
        assume(False)
    assert calendar.add(calendar.add(start, first), second) == expected


@settings(max_examples=100)
@given(
    calendar_and_instant(),
    cks.durations(dt.timedelta(days=3), min_value=ZERO),
    cks.durations(dt.timedelta(days=20), min_value=ZERO),
    cks.durations(dt.timedelta(days=20), min_value=ZERO),
)
def test_add_is_monotone_in_start_and_duration(case, later_by, small, large):
    calendar, start = case
    small, large = sorted([small, large])
    later = start + later_by
    try:
        results = (
            calendar.add(start, small),
            calendar.add(start, large),
            calendar.add(later, small),
        )
    except HorizonError:
        assume(False)
    assert results[0] <= results[1]
    assert results[0] <= results[2]


@settings(max_examples=100)
@given(calendar_and_instant())
def test_next_working_is_the_first_working_instant(case):
    calendar, instant = case
    try:
        found = calendar.next_working(instant)
    except HorizonError:
        assume(False)
    assert calendar.is_working(found)
    assert calendar.working_time(instant, found) == dt.timedelta(0)


@settings(max_examples=100)
@given(
    cks.instants(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2900, 1, 1)),
    cks.durations(dt.timedelta(days=10_000), min_value=ZERO),
)
def test_the_24x7_calendar_equals_plain_utc_arithmetic(start, duration):
    assert TWENTY_FOUR_SEVEN.add(start, duration) == start + duration
    assert TWENTY_FOUR_SEVEN.working_time(start, start + duration) == duration
    assert TWENTY_FOUR_SEVEN.is_working(start)
    assert TWENTY_FOUR_SEVEN.next_working(start) == start


@settings(max_examples=60)
@given(
    calendars,
    st.timedeltas(min_value=dt.timedelta(microseconds=1), max_value=dt.timedelta(days=400)),
)
def test_queries_past_the_horizon_raise(calendar, beyond):
    first, end = calendar.coverage()
    for outside in (end + beyond - dt.timedelta(microseconds=1), first - beyond):
        with pytest.raises(HorizonError):
            calendar.is_working(outside)
        with pytest.raises(HorizonError):
            calendar.add(outside, dt.timedelta(hours=1))
        with pytest.raises(HorizonError):
            calendar.next_working(outside)
    with pytest.raises(HorizonError):
        calendar.working_time(first, end + beyond)
    # Everything the horizon holds can be used, and not a microsecond more.
    total = calendar.working_time(first, end)
    assert calendar.add(first, total) <= end
    with pytest.raises(HorizonError):
        calendar.add(first, total + dt.timedelta(microseconds=1))


# The pure-Python zoneinfo keeps the transition table that the C one hides; the test reads
# it to check that probing finds every offset change, to the second.
_reference = pytest.importorskip("zoneinfo._zoneinfo")


@pytest.mark.parametrize(
    "key",
    [
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",
        "America/Santiago",
        "Asia/Gaza",
        "Pacific/Apia",
        "Africa/Casablanca",
        "Asia/Shanghai",
    ],
)
def test_probing_finds_every_offset_change_of_the_tz_database(key):
    zone = _reference.ZoneInfo.no_cache(key)
    if not hasattr(zone, "_trans_utc"):
        pytest.skip("this Python's pure zoneinfo keeps its table elsewhere")
    first, last = 1970, 2045
    lo = _zones.utc_year_start(first) // _zones.US
    hi = _zones.utc_year_start(last + 1) // _zones.US
    found = [
        change for year in range(first, last + 1) for change in _zones.transitions(key, year)[1]
    ]
    # Exact to the second, against the tz file's own table where it has one ...
    table = []
    previous = zone._tti_before.utcoff if zone._tti_before else None
    for instant, info in zip(zone._trans_utc, zone._ttinfos, strict=True):
        if info.utcoff != previous and lo <= instant < hi:
            table.append((instant, int(info.utcoff.total_seconds())))
        previous = info.utcoff
    table_end = zone._trans_utc[-1] if zone._trans_utc else lo
    assert [change for change in found if change[0] <= table_end] == table
    # ... and against the reference's own offsets, every three hours, beyond it (the POSIX rule).
    expected = []
    before = _reference_offset(zone, max(lo, table_end))
    for instant in range(max(lo, table_end) + 3 * 3600, hi, 3 * 3600):
        offset = _reference_offset(zone, instant)
        if offset != before:
            expected.append(offset)
        before = offset
    assert [offset for instant, offset in found if instant > table_end] == expected
    for instant, offset in found:
        assert _reference_offset(zone, instant - 1) != _reference_offset(zone, instant) == offset


def _reference_offset(zone, instant):
    return int(dt.datetime.fromtimestamp(instant, zone).utcoffset().total_seconds())


@settings(max_examples=150)
@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2999, 12, 31),
        timezones=st.sampled_from(
            [
                dt.UTC,
                pendulum.UTC,
                pendulum.timezone("America/New_York"),
                zoneinfo.ZoneInfo("Australia/Lord_Howe"),
                zoneinfo.ZoneInfo("Asia/Kathmandu"),
                dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
            ]
        ),
        allow_imaginary=True,
    ),
    st.booleans(),
)
def test_instants_count_the_microseconds_since_the_epoch(moment, fold):
    # The calendar's microsecond arithmetic reads the wall clock and the offset separately;
    # the reference is aware subtraction, which Python defines for any zone and fold.
    moment = moment.replace(fold=int(fold))
    expected = (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    assert _instants.to_us(moment) == expected
    assert _instants.us_of_instant("moment", moment) == expected
