"""Clocks: where crisiskit gets "now" from.

Library code never reads the wall clock itself. Everything that needs the current time
takes a :class:`Clock`, so that tests, simulations, drills and replays are deterministic.
Production code passes a :class:`SystemClock`; tests and simulations pass
:class:`ManualClock`.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.errors import ValidationError
from crisiskit.messages import _

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Anything with a ``now()`` that returns a timezone-aware pendulum DateTime."""

    def now(self) -> pendulum.DateTime:
        """The current instant (timezone-aware)."""
        ...


class SystemClock:
    """The real clock: the machine's current time, in UTC."""

    __slots__ = ()

    def now(self) -> pendulum.DateTime:
        """The machine's current time, in UTC."""
        return pendulum.now(pendulum.UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that stands still until it is set or advanced.

    Args:
        start: the first instant the clock reads (timezone-aware).

    Example:
        >>> clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai"))
        >>> clock.advance(minutes=15).to_iso8601_string()
        '2025-09-27T12:15:00Z'
    """

    __slots__ = ("_now",)

    def __init__(self, start: dt.datetime) -> None:
        self._now = _checks.instant(_("ManualClock start"), start)

    def now(self) -> pendulum.DateTime:
        """The instant the clock reads, in UTC."""
        return self._now

    def set(self, when: dt.datetime) -> pendulum.DateTime:
        """Move the clock to ``when``; it may not go backwards."""
        target = _checks.instant("ManualClock.set(when)", when)
        if target < self._now:
            raise ValidationError(
                _(
                    "a clock does not run backwards: it reads {now}, and {target} is earlier",
                    now=self._now.isoformat(),
                    target=target.isoformat(),
                )
            )
        self._now = target
        return self._now

    def advance(
        self,
        delta: dt.timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> pendulum.DateTime:
        """Move the clock forward by real elapsed time and return the new reading.

        Give either a ``timedelta`` or keyword amounts. The step is exact elapsed time,
        so advancing across a daylight-saving change moves the instant by exactly that much.
        """
        step = delta if delta is not None else dt.timedelta()
        if not isinstance(step, dt.timedelta):
            raise ValidationError(
                _(
                    "advance() takes a timedelta; got {kind} {step!r}",
                    kind=type(step).__name__,
                    step=step,
                )
            )
        step += dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step < dt.timedelta():
            raise ValidationError(
                _("a clock does not run backwards: cannot advance by {step}", step=step)
            )
        self._now = self._now + step
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"
