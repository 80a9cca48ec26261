"""Clocks: where crisiskit gets "now" from.

Library code never reads the wall clock itself. Everything that needs the current time
takes a :class:`Clock`, so that tests, simulations, drills and replays are deterministic.
Production code passes a :class:`SystemClock`; tests and simulations pass
:class:`crisiskit.testing.ManualClock`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pendulum

__all__ = ["Clock", "SystemClock"]


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
