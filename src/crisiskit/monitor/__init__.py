"""Monitoring: signals in, warnings out — before any crisis exists.

A :class:`Monitor` is fed signals one at a time or in batches. It files each under a key
the host chooses (a product, a batch, a store, a customer, a topic), keeps a sliding window
per key — wall time, or business time on a :class:`~crisiskit.calendar.BusinessCalendar` —,
derives the warning indicators (counts and rates, growth against the previous window,
satisfaction decline, the negative-review ratio, heat, media attention, the complaint rate)
and decides: no warning, watch, open a crisis at a level, attach to the crisis open for the
key, or raise its level. Each :class:`Decision` says why, in English and Chinese.

The thresholds are data (:class:`MonitorConfig`, :data:`DEFAULT_MONITOR_RULES`); a host adds
an indicator by overriding :meth:`Monitor.readings`. :func:`backtest_monitor` replays a
recorded stream against the crises that really happened.
"""

from crisiskit.monitor.backtest import MonitorBacktest, RealCrisis, WarningMatch, backtest_monitor
from crisiskit.monitor.config import DEFAULT_MONITOR_RULES, MonitorConfig, default_rules
from crisiskit.monitor.decisions import Decision, DecisionKind
from crisiskit.monitor.monitor import KeyState, Monitor, MonitorState, Window, decide

__all__ = [
    "DEFAULT_MONITOR_RULES",
    "Decision",
    "DecisionKind",
    "KeyState",
    "Monitor",
    "MonitorBacktest",
    "MonitorConfig",
    "MonitorState",
    "RealCrisis",
    "WarningMatch",
    "Window",
    "backtest_monitor",
    "decide",
    "default_rules",
]
