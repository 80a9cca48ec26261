"""Events of grading and SLA timers: assessments, timer changes, alerts."""

from __future__ import annotations

from typing import ClassVar

from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.events.base import Event
from crisiskit.grading.assessment import Assessment
from crisiskit.sla import SlaAlert, SlaTimer, TimerChange

__all__ = ["AssessmentRecorded", "SlaAlertsRaised", "SlaTimersChanged"]


@serializable()
@frozen(kw_only=True)
class AssessmentRecorded(Event):
    """The crisis was graded and the level stayed as it was; the assessment is on record."""

    assessment: Assessment
    """The assessment, with its explanation."""

    label_en: ClassVar[str] = "assessed, level unchanged"
    label_zh: ClassVar[str] = "评估（级别不变）"


@serializable()
@frozen(kw_only=True)
class SlaTimersChanged(Event):
    """SLA timers started, were re-targeted, stopped, paused, resumed or cancelled.

    Recorded by the system right after the event that caused it (a level change, a
    lifecycle move, an acknowledgement, a first contact, a statement), or by a person
    pausing or resuming the timers. ``timers`` holds only the timers the change touched
    (changed, started, or alerted), as they are afterwards; the crisis's other timers stay
    as they were.
    """

    changes: tuple[TimerChange, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(TimerChange, "TimerChange")
    )
    """What changed, timer by timer."""
    alerts: tuple[SlaAlert, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(SlaAlert, "SlaAlert")
    )
    """Alerts the change made due — a breach that a level upgrade makes retroactive."""
    timers: tuple[SlaTimer, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(SlaTimer, "SlaTimer")
    )
    """The timers the change touched, afterwards: each replaces the crisis's timer of the same
    id, and a new one (a timer started) is added after the others."""

    label_en: ClassVar[str] = "SLA timers changed"
    label_zh: ClassVar[str] = "时限计时调整"


@serializable()
@frozen(kw_only=True)
class SlaAlertsRaised(Event):
    """A sweep found SLA milestones or breaches due: each alert is recorded exactly once.

    Only the alerts are recorded: applying the event brings each alerting timer of the
    crisis up to date from them (:meth:`SlaTimer.alerted <crisiskit.sla.SlaTimer.alerted>`);
    the other timers are as they were.
    """

    alerts: tuple[SlaAlert, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(SlaAlert, "SlaAlert")
    )
    """The milestones and breaches, oldest first."""

    label_en: ClassVar[str] = "SLA alert"
    label_zh: ClassVar[str] = "时限预警"
