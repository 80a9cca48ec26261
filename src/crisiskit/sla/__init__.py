"""SLA timers over business calendars: policies, timers, and the sweep.

* :class:`SlaPolicy` — targets per level and metric, each on a named calendar; lifecycle
  rules; alert fractions. Its operations (:meth:`~SlaPolicy.start`,
  :meth:`~SlaPolicy.regrade`, :meth:`~SlaPolicy.enter`, :meth:`~SlaPolicy.record`,
  :meth:`~SlaPolicy.pause`, :meth:`~SlaPolicy.resume`) take a crisis's timers and return an
  :class:`SlaUpdate`.
* :class:`SlaTimer` — an immutable timer; each operation returns a new one.
* :func:`sweep` — the alerts due since the last sweep, each once, and the next wake-up.

Calendars live in :mod:`crisiskit.calendar`.
"""

from crisiskit.sla.policy import (
    DEFAULT_LIFECYCLE,
    DEFAULT_UNGRADED_TARGETS,
    EventRule,
    LifecycleRule,
    SlaPolicy,
    SlaTarget,
    SlaUpdate,
    TimerChange,
)
from crisiskit.sla.sweep import SweepResult, sweep
from crisiskit.sla.timer import DEFAULT_MILESTONES, Recipients, RunSegment, SlaAlert, SlaTimer
from crisiskit.sla.vocabulary import (
    AlertKind,
    RetargetMode,
    SlaMetric,
    SlaStatus,
    TimerAction,
    TimerState,
)

__all__ = [
    "DEFAULT_LIFECYCLE",
    "DEFAULT_MILESTONES",
    "DEFAULT_UNGRADED_TARGETS",
    "AlertKind",
    "EventRule",
    "LifecycleRule",
    "Recipients",
    "RetargetMode",
    "RunSegment",
    "SlaAlert",
    "SlaMetric",
    "SlaPolicy",
    "SlaStatus",
    "SlaTarget",
    "SlaTimer",
    "SlaUpdate",
    "SweepResult",
    "TimerAction",
    "TimerChange",
    "TimerState",
    "sweep",
]
