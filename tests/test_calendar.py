"""Business calendars, with hand-computed instants: China's 2025 holidays and 调休, DST, night shifts.

The 2025 Chinese schedule is the State Council's notice 国办发明电〔2024〕12号
(关于2025年部分节假日安排的通知, 12 November 2024):

* 春节: 1月28日（周二）至2月4日（周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
* 国庆节、中秋节: 10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。

(28 September 2025 is a Sunday, not a Saturday.) The ``holidays`` package agrees.
"""

import datetime as dt
import sys
import threading
import time
from collections import OrderedDict

import attrs
import pendulum
import pytest

import crisiskit.calendar.business as calendar_module
from crisiskit.calendar import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSet,
    DateOverride,
    DayKind,
    WorkingInterval,
    china_working_calendar,
    schedule_overrides,
)
from crisiskit.errors import (
    CalendarError,
    HorizonError,
    NaiveDatetimeError,
    UnknownValueError,
    ValidationError,
)

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)


def cst(*args):
    return pendulum.datetime(*args, tz="Asia/Shanghai")


def ny(*args):
    return pendulum.datetime(*args, tz="America/New_York")


def utc(*args):
    return pendulum.datetime(*args, tz="UTC")


@pytest.fixture(scope="module")
def china():
    return china_working_calendar([2025, 2026])


def office(zone="Asia/Shanghai", **changes):
    values = {
        "name": "office",
        "zone": zone,
        "week": {"mon-fri": ["09:00-12:00", "13:00-18:00"]},
        "horizon_start": dt.date(2025, 1, 1),
        "horizon_end": dt.date(2025, 12, 31),
    }
    values.update(changes)
    return BusinessCalendar(**values)


# --------------------------------------------------------------------------- China 2025


def test_the_china_calendar_reads_the_2025_national_day_schedule(china):
    normal = china.week[0]
    assert [str(i) for i in normal] == ["09:00-12:00", "13:00-18:00"]
    assert china.hours_on(dt.date(2025, 9, 27)) == ()  # Saturday
    assert china.hours_on(dt.date(2025, 9, 28)) == normal  # Sunday, 调休上班
    for day in range(1, 9):
        assert china.hours_on(dt.date(2025, 10, day)) == ()  # 放假
    assert china.hours_on(dt.date(2025, 10, 9)) == normal
    assert china.hours_on(dt.date(2025, 10, 11)) == normal  # Saturday, 调休上班
    assert china.hours_on(dt.date(2025, 10, 12)) == ()
    assert china.override_for(dt.date(2025, 9, 28)).kind is DayKind.WORKDAY
    assert china.override_for(dt.date(2025, 10, 1)).name == "National Day"
    assert (china.horizon_start, china.horizon_end) == (dt.date(2025, 1, 1), dt.date(2026, 12, 31))


def test_a_deadline_skips_national_day_and_uses_the_make_up_sunday(china):
    # Friday 26 September 17:00 + 2 working hours: 17-18 on Friday, then Sunday 28th 09-10.
    assert china.add(cst(2025, 9, 26, 17), 2 * H) == cst(2025, 9, 28, 10)
    # Tuesday 30 September 17:30 + 1 h: half an hour that day, the rest after the holiday.
    assert china.add(cst(2025, 9, 30, 17, 30), H) == cst(2025, 10, 9, 9, 30)
    # Friday 10 October 17:00 + 2 h: Saturday 11th works.
    assert china.add(cst(2025, 10, 10, 17), 2 * H) == cst(2025, 10, 11, 10)


def test_working_time_across_national_day_and_spring_festival(china):
    # 28, 29, 30 September and 9, 10, 11 October: six days of eight hours.
    assert china.working_time(cst(2025, 9, 27), cst(2025, 10, 13)) == 48 * H
    # 26 and 27 January, then 5, 6, 7 and Saturday 8 February.
    assert china.working_time(cst(2025, 1, 25), cst(2025, 2, 10)) == 48 * H


def test_a_target_used_up_at_closing_time_is_due_at_the_closing_instant(china):
    assert china.add(cst(2025, 9, 30, 17), H) == cst(2025, 9, 30, 18)  # not 9 October 09:00
    assert china.add(cst(2025, 6, 16, 11), H) == cst(2025, 6, 16, 12)  # not 13:00 after lunch
    assert china.add(cst(2025, 6, 16, 11), H + dt.timedelta(microseconds=1)) == cst(
        2025, 6, 16, 13, 0, 0, 1
    )


def test_is_working_and_next_working(china):
    assert china.is_working(cst(2025, 6, 16, 9))
    assert not china.is_working(cst(2025, 6, 16, 12))  # closing instant is not working
    assert not china.is_working(cst(2025, 6, 16, 12, 30))
    assert china.next_working(cst(2025, 6, 16, 12, 30)) == cst(2025, 6, 16, 13)
    assert china.next_working(cst(2025, 6, 16, 10)) == cst(2025, 6, 16, 10)
    assert china.next_working(cst(2025, 10, 1, 10)) == cst(2025, 10, 9, 9)
    assert china.next_working(cst(2025, 12, 31, 18)) == cst(2026, 1, 4, 9)  # Sunday, 调休


def test_zero_duration_is_due_at_once_even_when_closed(china):
    assert china.add(cst(2025, 10, 3, 3), dt.timedelta(0)) == cst(2025, 10, 3, 3)


def test_results_are_utc_instants(china):
    deadline = china.add(cst(2025, 9, 26, 17), 2 * H)
    assert deadline.timezone_name == "UTC"
    assert deadline == utc(2025, 9, 28, 2)


def test_from_holidays_with_a_holidays_object():
    import holidays

    calendar = BusinessCalendar.from_holidays(
        holidays.China(years=[2025]),
        name="cn",
        zone="Asia/Shanghai",
        week={"mon-fri": ["09:00-17:00"]},
    )
    assert calendar.horizon_end == dt.date(2025, 12, 31)
    assert calendar.hours_on(dt.date(2025, 2, 8)) == (WorkingInterval("09:00", "17:00"),)
    with pytest.raises(HorizonError):
        calendar.hours_on(dt.date(2026, 1, 5))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda h: BusinessCalendar.from_holidays("CN", name="x", zone="UTC", week={}), "years"),
        (
            lambda h: BusinessCalendar.from_holidays(
                "CN", name="x", zone="UTC", week={"mon": ["09:00-10:00"]}, years=[2024, 2026]
            ),
            "consecutive",
        ),
        (
            lambda h: BusinessCalendar.from_holidays(
                h.China(years=[2025]), name="x", zone="UTC", week={}, years=[2025]
            ),
            "give the years",
        ),
        (
            lambda h: BusinessCalendar.from_holidays(
                "XX", name="x", zone="UTC", week={}, years=[2025]
            ),
            "no calendar for country",
        ),
        (
            lambda h: BusinessCalendar.from_holidays(
                "CN", name="x", zone="UTC", week={"mon": ["09:00-10:00"]}, years=[2098, 2099]
            ),
            "no official Chinese schedule for 2098, 2099",
        ),
    ],
)
def test_from_holidays_refuses_what_it_cannot_use(call, match):
    import holidays

    with pytest.raises(CalendarError, match=match):
        call(holidays)


# --------------------------------------------------------------------------- DST


def all_day(zone, hours):
    return BusinessCalendar(
        name="ops",
        zone=zone,
        week={"mon-sun": [hours]},
        horizon_start=dt.date(2025, 1, 1),
        horizon_end=dt.date(2025, 12, 31),
    )


def test_new_york_spring_forward_makes_the_window_an_hour_shorter():
    calendar = all_day("America/New_York", "00:00-06:00")
    # 9 March 2025: 02:00 EST jumps to 03:00 EDT.
    assert calendar.working_time(ny(2025, 3, 8), ny(2025, 3, 9)) == 6 * H
    assert calendar.working_time(ny(2025, 3, 9), ny(2025, 3, 10)) == 5 * H
    assert calendar.add(ny(2025, 3, 9), 5 * H) == utc(2025, 3, 9, 10)  # 06:00 EDT, closing
    assert calendar.add(ny(2025, 3, 9), 5.5 * H) == ny(2025, 3, 10, 0, 30)
    assert calendar.add(ny(2025, 3, 9, 1, 30), H) == utc(2025, 3, 9, 7, 30)  # 03:30 EDT


def test_new_york_fall_back_makes_the_window_an_hour_longer():
    calendar = all_day("America/New_York", "00:00-06:00")
    # 2 November 2025: 02:00 EDT falls back to 01:00 EST; 01:xx is read twice.
    assert calendar.working_time(ny(2025, 11, 2), ny(2025, 11, 3)) == 7 * H
    assert calendar.add(ny(2025, 11, 2), 7 * H) == utc(2025, 11, 2, 11)  # 06:00 EST
    assert calendar.is_working(utc(2025, 11, 2, 5, 30))  # 01:30 EDT
    assert calendar.is_working(utc(2025, 11, 2, 6, 30))  # 01:30 EST


def test_london_spring_forward_with_a_shift_starting_inside_the_gap():
    # 30 March 2025: 01:00 GMT jumps to 02:00 BST (at 01:00Z).
    crossing = all_day("Europe/London", "00:30-03:00")
    day = (utc(2025, 3, 30), utc(2025, 3, 30, 12))
    assert crossing.working_time(*day) == 1.5 * H  # 00:30-01:00 GMT, then 02:00-03:00 BST
    in_gap = all_day("Europe/London", "01:30-05:00")
    # No instant reads 01:30; the first reading after it is 02:00 BST, the transition instant.
    assert in_gap.next_working(utc(2025, 3, 30)) == utc(2025, 3, 30, 1)
    assert in_gap.working_time(*day) == 3 * H
    assert in_gap.add(utc(2025, 3, 30), 3 * H) == utc(2025, 3, 30, 4)  # 05:00 BST


def test_london_fall_back_splits_an_interval_that_starts_inside_the_repeated_hour():
    # 26 October 2025: 02:00 BST falls back to 01:00 GMT (at 01:00Z). Readings in
    # [01:30, 03:00) are 00:30Z-01:00Z (01:30-02:00 BST) and 01:30Z-03:00Z (01:30-03:00 GMT);
    # 01:00Z-01:30Z reads 01:00-01:30 GMT, before the opening.
    calendar = all_day("Europe/London", "01:30-03:00")
    assert calendar.working_time(utc(2025, 10, 26), utc(2025, 10, 27)) == 2 * H
    assert calendar.is_working(utc(2025, 10, 26, 0, 45))
    assert not calendar.is_working(utc(2025, 10, 26, 1, 15))
    assert calendar.next_working(utc(2025, 10, 26, 1)) == utc(2025, 10, 26, 1, 30)
    assert calendar.add(utc(2025, 10, 26, 0, 30), 45 * MIN) == utc(2025, 10, 26, 1, 45)


def test_an_office_day_without_a_transition_inside_is_unchanged_by_dst():
    calendar = office("Europe/London")
    assert calendar.working_time(utc(2025, 3, 31), utc(2025, 4, 1)) == 8 * H
    assert calendar.add(pendulum.datetime(2025, 3, 31, 9, tz="Europe/London"), 8 * H) == (
        pendulum.datetime(2025, 3, 31, 18, tz="Europe/London")
    )


# --------------------------------------------------------------------------- night shifts


def night_shift(zone="Asia/Shanghai", overrides=()):
    return BusinessCalendar(
        name="night",
        zone=zone,
        week={"mon-fri": ["22:00-06:00"]},
        horizon_start=dt.date(2025, 1, 1),
        horizon_end=dt.date(2025, 12, 31),
        overrides=overrides,
    )


def test_a_night_shift_crosses_midnight_and_belongs_to_the_date_it_starts_on():
    # Wednesday 11 June 2025 is a holiday: its shift (Wed 22:00 - Thu 06:00) is cancelled,
    # but Tuesday's shift, which ends on Wednesday at 06:00, still runs.
    calendar = night_shift(overrides=[DateOverride.holiday("2025-06-11", "closed")])
    assert calendar.is_working(cst(2025, 6, 11, 5))
    assert not calendar.is_working(cst(2025, 6, 11, 23))
    # Tuesday 23:00 + 8 h: 7 h to Wednesday 06:00, then Thursday's shift from 22:00.
    assert calendar.add(cst(2025, 6, 10, 23), 8 * H) == cst(2025, 6, 12, 23)
    # Friday's shift runs into Saturday; the weekend has none.
    assert calendar.working_time(cst(2025, 6, 13, 12), cst(2025, 6, 16, 12)) == 8 * H
    assert calendar.is_working(cst(2025, 6, 14, 5, 59))
    assert not calendar.is_working(cst(2025, 6, 14, 6))


def test_a_night_shift_over_the_fall_back_night_lasts_nine_hours():
    calendar = night_shift("America/New_York", overrides=[DateOverride.workday("2025-11-01")])
    # Saturday 1 November works (an override); its shift ends Sunday 06:00 EST after the
    # clocks went back at 02:00 EDT.
    assert calendar.working_time(ny(2025, 11, 1, 12), ny(2025, 11, 2, 12)) == 9 * H


def test_the_first_hours_of_the_horizon_are_not_answered_when_a_night_shift_could_run():
    calendar = night_shift()
    first, end = calendar.coverage()
    # The day before the horizon is unknown; its shift could run to 06:00 on 1 January.
    assert first == cst(2025, 1, 1, 6)
    assert end == cst(2026, 1, 1)
    with pytest.raises(HorizonError):
        calendar.is_working(cst(2025, 1, 1, 5))


# --------------------------------------------------------------------------- horizon


def test_past_the_horizon_every_query_raises():
    china = china_working_calendar([2025, 2026], provisional_years=0)
    late = cst(2027, 1, 4, 10)
    for call in (
        lambda: china.is_working(late),
        lambda: china.next_working(late),
        lambda: china.working_time(cst(2026, 12, 1), late),
        lambda: china.add(late, H),
        lambda: china.is_working(cst(2024, 12, 31, 23, 59)),
    ):
        with pytest.raises(HorizonError, match="does not guess"):
            call()
    with pytest.raises(HorizonError, match="runs past the end of the horizon"):
        china.add(cst(2026, 12, 31, 17), 2 * H)
    assert china.add(cst(2026, 12, 31, 17), H) == cst(2026, 12, 31, 18)


def test_next_working_raises_when_nothing_is_left_in_the_horizon():
    calendar = office(horizon_end=dt.date(2025, 12, 31))
    with pytest.raises(HorizonError, match="no working time"):
        calendar.next_working(cst(2025, 12, 31, 19))


def test_the_24x7_calendar_is_plain_arithmetic():
    start = pendulum.datetime(2025, 3, 9, 1, tz="America/New_York")
    assert TWENTY_FOUR_SEVEN.add(start, 5 * H) == start + 5 * H
    assert TWENTY_FOUR_SEVEN.working_time(start, start + 5 * H) == 5 * H
    assert TWENTY_FOUR_SEVEN.is_always_open
    with pytest.raises(HorizonError):
        TWENTY_FOUR_SEVEN.add(utc(2999, 12, 31, 23), 2 * H)


def test_a_24x7_calendar_in_a_dst_zone_is_still_elapsed_time():
    calendar = BusinessCalendar.always_open(
        "local", "Europe/London", horizon_end=dt.date(2030, 1, 1)
    )
    day = (utc(2025, 10, 26), utc(2025, 10, 27))
    assert calendar.working_time(*day) == 24 * H


# --------------------------------------------------------------------------- construction


def test_week_forms_and_standard_day():
    by_range = office()
    by_list = office(week=[["09:00-12:00", "13:00-18:00"]] * 5 + [[], []])
    by_time = office(
        week={
            0: [WorkingInterval(dt.time(13), dt.time(18)), WorkingInterval("9:00", "12:00")],
            "tuesday": ["09:00 – 12:00", "13:00~18:00"],
            "wed-fri": ["09:00-12:00", "13:00-18:00"],
        }
    )
    assert by_range == by_list == by_time
    assert by_range.fingerprint == by_time.fingerprint
    assert by_range.standard_day == 8 * H
    assert office(name="other").fingerprint != by_range.fingerprint
    assert WorkingInterval("18:00", "00:00") == WorkingInterval("18:00", "24:00")


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"week": {"mon": ["09:00-12:00", "11:00-13:00"]}}, CalendarError, "overlap"),
        ({"week": {"mon": ["22:00-08:00"], "tue": ["07:00-09:00"]}}, CalendarError, "runs into"),
        ({"week": {"sun": ["22:00-08:00"], "mon": ["07:00-09:00"]}}, CalendarError, "runs into"),
        ({"week": {}}, CalendarError, "no working time at all"),
        ({"week": {"funday": ["09:00-10:00"]}}, ValidationError, "7 weekdays"),
        ({"week": {"mon": ["9-10"]}}, ValidationError, "working intervals"),
        ({"week": {"mon": ["09:00-09:00"]}}, CalendarError, "must not be empty"),
        ({"week": {"mon": ["25:00-26:00"]}}, ValidationError, "working intervals"),
        ({"zone": "Mars/Olympus"}, UnknownValueError, "IANA"),
        ({"horizon_end": dt.date(2024, 1, 1)}, CalendarError, "before horizon_start"),
        ({"horizon_end": dt.datetime(2025, 1, 1)}, ValidationError, "not a datetime"),
        ({"horizon_end": dt.date(3000, 1, 1)}, ValidationError, "between 1900-01-01"),
        ({"overrides": [DateOverride.holiday("2026-01-01")]}, CalendarError, "outside"),
        (
            {"overrides": [DateOverride.holiday("2025-05-01"), DateOverride.workday("2025-05-01")]},
            CalendarError,
            "two overrides",
        ),
        (
            {
                "week": {"mon-fri": ["22:00-06:00"]},
                "overrides": [DateOverride.workday("2025-06-14", hours=["05:00-07:00"])],
            },
            CalendarError,
            "runs into",
        ),
        (
            {"makeup_weekday": 6, "overrides": [DateOverride.workday("2025-06-14")]},
            CalendarError,
            "no hours of its own",
        ),
        ({"makeup_weekday": 7}, ValidationError, "weekday number"),
        ({"name": " "}, ValidationError, "blank"),
    ],
)
def test_bad_calendars_are_refused(changes, error, match):
    with pytest.raises(error, match=match):
        office(**changes)


def test_bad_overrides_are_refused():
    with pytest.raises(CalendarError, match="no working hours"):
        DateOverride(dt.date(2025, 1, 1), DayKind.HOLIDAY, hours=["09:00-10:00"])
    with pytest.raises(CalendarError, match="needs hours"):
        DateOverride.workday("2025-01-01", hours=[])
    with pytest.raises(ValidationError, match="date"):
        DateOverride.holiday("1 May")
    with pytest.raises(UnknownValueError):
        DateOverride(dt.date(2025, 1, 1), "closed")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.add(dt.datetime(2025, 6, 16, 9), H), NaiveDatetimeError),
        (lambda c: c.is_working(dt.datetime(2025, 6, 16, 9)), NaiveDatetimeError),
        (lambda c: c.add(cst(2025, 6, 16, 9), -H), ValidationError),
        (lambda c: c.add(cst(2025, 6, 16, 9), 3600), ValidationError),
        (lambda c: c.working_time(cst(2025, 6, 16, 10), cst(2025, 6, 16, 9)), ValidationError),
        (lambda c: c.hours_on(dt.datetime(2025, 6, 16, tzinfo=dt.UTC)), ValidationError),
        (lambda c: c.calendar("24x7"), CalendarError),
    ],
)
def test_bad_queries_are_refused(call, error):
    calendar = office()
    with pytest.raises(error):
        call(calendar)


def test_calendar_sets_find_calendars_by_name(china):
    calendars = CalendarSet((china, TWENTY_FOUR_SEVEN))
    assert calendars.calendar("working") is china
    assert china.calendar("working") is china
    with pytest.raises(CalendarError, match="has '24x7', 'working'"):
        calendars.calendar("office")
    with pytest.raises(CalendarError, match="unique"):
        CalendarSet((china, china))


def test_equal_calendars_share_their_compiled_form(china):
    twin = china_working_calendar([2025, 2026])
    assert twin == china
    assert hash(twin) == hash(china)
    assert twin.add(cst(2025, 9, 26, 17), 2 * H) == china.add(cst(2025, 9, 26, 17), 2 * H)
    assert twin._compiled() is china._compiled()


class _SlowLookups(OrderedDict):
    """The compiled-form cache, pausing after each look-up so that other threads run then."""

    def get(self, key, default=None):
        found = super().get(key, default)
        # Hands the interpreter to the other threads right between the look-up and whatever
        # the caller does next, so an unguarded cache fails in every run, not once a minute.
        time.sleep(0.0005)
        return found


def test_calendars_compile_safely_from_many_threads(monkeypatch):
    monkeypatch.setattr(calendar_module, "_COMPILED", _SlowLookups())
    monkeypatch.setattr(calendar_module, "_COMPILED_SIZE", 2)
    threads, per_thread = 8, 25
    # Fresh instances (their compiled form is not yet attached), over more distinct
    # calendars than the cache holds, so look-ups and evictions interleave.
    work = [
        [office(name=f"office {(t + i) % 5}") for i in range(per_thread)] for t in range(threads)
    ]
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def hammer(calendars):
        start.wait()
        try:
            for calendar in calendars:
                calendar.coverage()
        except BaseException as error:  # a thread's error would otherwise go unseen
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        running = [threading.Thread(target=hammer, args=(w,)) for w in work]
        for thread in running:
            thread.start()
        for thread in running:
            thread.join(timeout=30)
    finally:
        sys.setswitchinterval(interval)
    assert not any(thread.is_alive() for thread in running)
    assert errors == []


@pytest.mark.parametrize("years", [[9999, 10000], [1899], [3000]])
def test_holiday_calendars_refuse_years_outside_the_calendar_range(years):
    from crisiskit.calendar import china_working_calendar
    from crisiskit.errors import CalendarError

    with pytest.raises(CalendarError, match=r"calendars cover the years 1900 to 2999; got \d+"):
        china_working_calendar(years)


def test_a_tuesday_to_saturday_calendar_takes_holidays_and_counts_across_a_holiday_week():
    # A shop open Tue–Sat, closed for National Day (Wed 1 – Sat 4 October 2025). From Tuesday
    # 30 September 17:00, 8 working hours: 1 h that evening, none until Tuesday 7 October, then
    # 09:00–12:00 and 13:00–17:00 — 17:00 in Shanghai, 09:00 UTC.
    hours = ["09:00-12:00", "13:00-18:00"]
    calendar = BusinessCalendar(
        name="tue-sat",
        zone="Asia/Shanghai",
        week=[(), hours, hours, hours, hours, hours, ()],
        overrides=[DateOverride.holiday(f"2025-10-0{day}", "国庆节") for day in range(1, 5)],
        horizon_start=dt.date(2025, 1, 1),
        horizon_end=dt.date(2025, 12, 31),
    )
    start = pendulum.datetime(2025, 9, 30, 17, tz="Asia/Shanghai")
    assert calendar.add(start, dt.timedelta(hours=8)) == pendulum.datetime(2025, 10, 7, 9, tz="UTC")
    assert calendar.add(start, dt.timedelta(hours=1)) == pendulum.datetime(
        2025, 9, 30, 10, tz="UTC"
    )
    assert calendar.working_time(start, pendulum.datetime(2025, 10, 8, 9, tz="Asia/Shanghai")) == (
        dt.timedelta(hours=9)
    )
    assert calendar.standard_day == dt.timedelta(hours=8)  # Monday is closed: Tuesday's hours
    # A make-up working day without hours of its own still needs a make-up weekday with hours.
    with pytest.raises(CalendarError, match="makeup_weekday"):
        attrs.evolve(calendar, overrides=[DateOverride.workday("2025-10-12")])
    with_saturday = attrs.evolve(
        calendar, overrides=[DateOverride.workday("2025-10-12")], makeup_weekday=5
    )
    assert with_saturday.hours_on(dt.date(2025, 10, 12)) == calendar.week[5]


def test_past_its_data_a_china_calendar_answers_provisionally_until_extended():
    # Built from the official data of 2025-2026, the calendar answers for 2027 by its weekly
    # hours alone, and says so; past 2027 it refuses.
    china = china_working_calendar([2025, 2026])
    assert (china.horizon_end, china.provisional_until) == (
        dt.date(2026, 12, 31),
        dt.date(2027, 12, 31),
    )
    new_year = cst(2027, 1, 1, 10)  # a Friday: working by the weekly hours
    assert china.is_working(new_year)
    assert china.is_provisional(new_year)
    assert not china.is_provisional(cst(2026, 12, 31, 17))
    with pytest.raises(HorizonError):
        china.add(cst(2027, 12, 31, 17), 2 * H)
    # The host adds the 2027 schedule from the State Council's notice: official from then.
    schedule = schedule_overrides(
        {"holidays": {"2027-01-01": "元旦"}, "workdays": {"2027-02-20": "春节调休上班"}}
    )
    extended = china.extended(schedule, until="2027-12-31")
    assert extended.horizon_end == dt.date(2027, 12, 31)
    assert extended.provisional_until == dt.date(2028, 12, 31)
    assert not extended.is_working(new_year)
    assert not extended.is_provisional(new_year)
    assert extended.is_working(cst(2027, 2, 20, 10))  # a Saturday that works
    with pytest.raises(CalendarError, match="after the horizon"):
        china.extended(schedule, until="2026-06-30")
    with pytest.raises(CalendarError, match="holidays"):
        schedule_overrides({"holiday": {}})
