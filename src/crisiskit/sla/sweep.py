"""The sweep a host's scheduled job runs over its open timers.

Given the timers and ``now``, :func:`sweep` returns each milestone and breach that became
due since the last sweep exactly once, the timers that remember what they emitted (store
them in place of the old ones), and the next instant anything becomes due, so the host
schedules one wake-up. Each timer keeps its next due instant precomputed, so a timer with
nothing due costs one comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pendulum
from attrs import frozen

from crisiskit._internal import checks as _checks
from crisiskit.calendar import BusinessCalendar, CalendarLookup
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.sla.timer import SlaAlert, SlaTimer, _lookup

__all__ = ["SweepResult", "sweep"]


@frozen
class SweepResult:
    """What a sweep found."""

    timers: tuple[SlaTimer, ...]
    """Every timer given, in the same order; those that alerted remember it."""
    alerts: tuple[SlaAlert, ...]
    """The alerts that became due since the last sweep, by due instant."""
    next_wakeup: pendulum.DateTime | None
    """The next instant any of the timers has something due; None if nothing can."""

    @property
    def changed(self) -> tuple[SlaTimer, ...]:
        """The timers that emitted alerts in this sweep (the ones a host must store)."""
        ids = {alert.timer_id for alert in self.alerts}
        return tuple(timer for timer in self.timers if timer.timer_id in ids)


class _Remembered:
    """A calendar lookup that asks the host's lookup once per name during one sweep."""

    __slots__ = ("_found", "_lookup")

    def __init__(self, lookup: CalendarLookup) -> None:
        self._lookup = lookup
        self._found: dict[str, BusinessCalendar] = {}

    def calendar(self, name: str) -> BusinessCalendar:
        found = self._found.get(name)
        if found is None:
            found = self._found[name] = _lookup(self._lookup, name)
        return found


def sweep(timers: Iterable[SlaTimer], now: dt.datetime, calendars: CalendarLookup) -> SweepResult:
    """Collect the alerts that are due by ``now``; each is returned once over repeated sweeps.

    Args:
        timers: the open timers (ended ones are accepted and cost nothing).
        now: the current instant (from the host's :class:`~crisiskit.values.clock.Clock`).
        calendars: where the timers' calendars are found (an :class:`~crisiskit.sla.SlaPolicy`).

    Store the returned :attr:`SweepResult.timers`; sweeping the old ones again would repeat
    their alerts.
    """
    moment = _checks.instant("sweep(now)", now)
    lookup = _Remembered(calendars)
    result: list[SlaTimer] = []
    alerts: list[SlaAlert] = []
    wakeup: pendulum.DateTime | None = None
    for given in timers:
        if type(given) is not SlaTimer:
            raise ValidationError(
                _("sweep() takes SlaTimers; got {type}", type=type(given).__name__)
            )
        timer = given
        due = timer.next_due
        if due is not None and due <= moment:
            timer, found = timer._emit(moment, lookup)
            alerts.extend(found)
            due = timer.next_due
        if due is not None and (wakeup is None or due < wakeup):
            wakeup = due
        result.append(timer)
    alerts.sort(key=lambda alert: alert.due_at)
    return SweepResult(tuple(result), tuple(alerts), wakeup)
