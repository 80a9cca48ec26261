"""Business calendars: when the clock of a working-hours target runs.

Built on :mod:`crisiskit.values`; the SLA timers of :mod:`crisiskit.sla` run on them.
"""

from crisiskit.calendar.business import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarLookup,
    CalendarSet,
    DateOverride,
    DayKind,
    WorkingInterval,
    china_working_calendar,
    schedule_overrides,
)

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
