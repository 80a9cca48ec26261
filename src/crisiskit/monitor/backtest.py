"""Backtesting a monitor: replay a recorded signal stream against the crises that happened.

:func:`backtest_monitor` feeds the stream through a fresh monitor and compares the crises it
would have opened with the real ones: which real crisis each warning foretold and how long
before it was detected (the lead time), which warnings foretold none (false alarms), which
real crises had no warning before they were detected (misses), and which warnings came
only after the detection (late).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.monitor.config import MonitorConfig
from crisiskit.monitor.decisions import Decision, DecisionKind
from crisiskit.monitor.monitor import Monitor
from crisiskit.values.clock import ManualClock
from crisiskit.values.signals import Signal

__all__ = ["MonitorBacktest", "RealCrisis", "WarningMatch", "backtest_monitor"]


@frozen(kw_only=True)
class RealCrisis:
    """A crisis that really happened: what it was about and when it was detected."""

    key: str = field(validator=_checks.is_text)
    """The key the monitor files its signals under."""
    detected_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When the crisis was really detected (opened)."""
    crisis_id: str | None = field(default=None, validator=_checks.is_optional_text)
    """The host's id of the crisis, if any."""


@frozen(kw_only=True)
class WarningMatch:
    """A real crisis and the monitor's first warning before it, if any."""

    crisis: RealCrisis
    """The real crisis."""
    warning: Decision | None
    """The monitor's ``open`` decision that foretold it (None: missed)."""

    @property
    def lead_time(self) -> dt.timedelta | None:
        """How long before the real detection the monitor warned (None: missed)."""
        if self.warning is None:
            return None
        gap = self.crisis.detected_at - self.warning.at
        return dt.timedelta(days=gap.days, seconds=gap.seconds, microseconds=gap.microseconds)


@frozen(kw_only=True)
class MonitorBacktest:
    """The result of :func:`backtest_monitor`."""

    signals: int
    """How many signals were replayed."""
    decisions: tuple[Decision, ...]
    """Every decision that was not ``none`` (watch, open, attach, raise, …), in order."""
    warnings: tuple[Decision, ...]
    """The ``open`` decisions: the crises the monitor would have opened."""
    matches: tuple[WarningMatch, ...]
    """Each real crisis with the warning that foretold it, in order of detection."""
    false_alarms: tuple[Decision, ...]
    """Warnings that foretold no real crisis."""
    late: tuple[Decision, ...]
    """Warnings that came after a real crisis of their key was detected (within the horizon)."""

    @property
    def misses(self) -> tuple[RealCrisis, ...]:
        """The real crises no warning foretold."""
        return tuple(m.crisis for m in self.matches if m.warning is None)

    @property
    def lead_times(self) -> tuple[dt.timedelta, ...]:
        """The lead time of each foretold crisis, in order of detection."""
        return tuple(m.lead_time for m in self.matches if m.lead_time is not None)

    @property
    def precision(self) -> float | None:
        """The share of warnings that foretold a real crisis (None without warnings)."""
        if not self.warnings:
            return None
        return len(self.lead_times) / len(self.warnings)

    @property
    def recall(self) -> float | None:
        """The share of real crises foretold (None without real crises)."""
        if not self.matches:
            return None
        return len(self.lead_times) / len(self.matches)


def backtest_monitor(
    signals: Iterable[Signal],
    crises: Iterable[RealCrisis],
    *,
    key: Callable[[Signal], str],
    config: MonitorConfig | None = None,
    monitor: Callable[..., Monitor] = Monitor,
    horizon: dt.timedelta = dt.timedelta(days=7),
) -> MonitorBacktest:
    """Replay ``signals`` through a fresh monitor and score its warnings against ``crises``.

    Args:
        signals: the recorded stream, in the order it arrived.
        crises: what really became crises, with their keys and detection times.
        key: the monitor's key function.
        config: the monitor's settings (default :class:`MonitorConfig()`).
        monitor: the monitor class (a subclass with host indicators), called as
            ``monitor(config, clock=..., key=...)``.
        horizon: how long before a real detection a warning still counts as foretelling
            it, and how long after it a warning counts as late rather than false.

    A warning foretells a real crisis of its key detected within ``horizon`` after it;
    each warning foretells at most one crisis and each crisis is foretold by its earliest
    warning.
    """
    if not isinstance(horizon, dt.timedelta) or horizon <= dt.timedelta():
        raise ValidationError(
            _(
                "backtest_monitor(horizon) must be a positive timedelta; got {horizon!r}",
                horizon=horizon,
            )
        )
    given = list(crises)
    for item in given:
        if not isinstance(item, RealCrisis):
            raise ValidationError(
                _(
                    "backtest_monitor(crises) takes RealCrisis values; got {kind}",
                    kind=type(item).__name__,
                )
            )
    real = sorted(given, key=lambda c: (c.detected_at, c.key))
    stream = list(signals)
    if not stream:
        return MonitorBacktest(
            signals=0,
            decisions=(),
            warnings=(),
            matches=tuple(WarningMatch(crisis=c, warning=None) for c in real),
            false_alarms=(),
            late=(),
        )
    clock = ManualClock(min(s.observed_at for s in stream if isinstance(s, Signal)))
    watcher = monitor(config, clock=clock, key=key)
    decisions: list[Decision] = []
    for signal in stream:
        if isinstance(signal, Signal) and signal.observed_at > clock.now():
            clock.set(signal.observed_at)
        decision = watcher.feed(signal)
        if decision.kind is not DecisionKind.NONE:
            decisions.append(decision)
    warnings = [d for d in decisions if d.kind is DecisionKind.OPEN]
    used: set[int] = set()
    matches = []
    for crisis in real:
        found = None
        for i, warning in enumerate(warnings):
            if (
                i not in used
                and warning.key == crisis.key
                and crisis.detected_at - horizon <= warning.at <= crisis.detected_at
            ):
                found = i
                break
        if found is not None:
            used.add(found)
        matches.append(
            WarningMatch(crisis=crisis, warning=None if found is None else warnings[found])
        )
    false_alarms: list[Decision] = []
    late: list[Decision] = []
    for i, warning in enumerate(warnings):
        if i in used:
            continue
        after = any(
            c.key == warning.key and c.detected_at < warning.at <= c.detected_at + horizon
            for c in real
        )
        (late if after else false_alarms).append(warning)
    return MonitorBacktest(
        signals=len(stream),
        decisions=tuple(decisions),
        warnings=tuple(warnings),
        matches=tuple(matches),
        false_alarms=tuple(false_alarms),
        late=tuple(late),
    )
