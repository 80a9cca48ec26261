"""The words of SLA timers: metrics, timer states and statuses, alerts, actions."""

from __future__ import annotations

from crisiskit.values.labels import LabelledEnum, converted
from crisiskit.values.open_enum import OpenLabelledEnum

__all__ = ["AlertKind", "RetargetMode", "SlaMetric", "SlaStatus", "TimerAction", "TimerState"]


class SlaMetric(OpenLabelledEnum):
    """What a time target measures; a host adds its own with :meth:`register`.

    The built-in ones are the targets of the domain's table, grading, and the obligations
    that arise during a crisis.
    ``GRADE`` (定级) times a crisis not graded yet: it is fulfilled by its first level.
    The *dated* obligations — a promise to a customer, a recovery milestone, a quality
    remedy's expected resolution, a review improvement — are due at an instant given when
    they arise; a planned action of the emergency plan has the time its plan allows from the
    start of its phase.
    """

    ACKNOWLEDGE = "acknowledge"
    GRADE = "grade"
    FIRST_CONTACT = "first_contact"
    PUBLIC_STATEMENT = "public_statement"
    PROGRESS_UPDATE = "progress_update"
    AUDIENCE_UPDATE = "audience_update"
    RESOLUTION = "resolution"
    PROMISE = "promise"
    RECOVERY_MILESTONE = "recovery_milestone"
    REMEDY = "remedy"
    PLANNED_ACTION = "planned_action"
    IMPROVEMENT = "improvement"

    @classmethod
    def register(cls, code: str, *, en: str, zh: str, recurring: bool = False) -> SlaMetric:
        """Add a metric of the host's (an OLA), e.g. ``register("legal_review", ...)``.

        Give it targets per level in the :class:`~crisiskit.sla.SlaPolicy` and say which
        events start and fulfil it (:class:`~crisiskit.sla.EventRule`,
        :class:`~crisiskit.sla.LifecycleRule`).

        ``recurring`` makes it a cadence: each fulfilment restarts the timer.

        Raises:
            VocabularyError: ``code`` is not lower_snake_case ASCII of at most 40 characters,
                a label is blank or names another metric, or ``code`` is registered with
                another definition.
        """
        return cls._register(code, en, zh, bool(recurring), False)

    @property
    def recurring(self) -> bool:
        """True for a cadence (progress updates): each recorded update restarts the timer."""
        return bool(self._details()[0])

    @property
    def levelled(self) -> bool:
        """True when the crisis's level times it: the table's targets, grading, a host's own.

        False for an obligation owed to one subject as it arises (a promise, a milestone, a
        remedy, a planned action, the plan's updates to one audience, an improvement), which
        whoever owes it times.
        """
        return not self.dated and self not in {SlaMetric.PLANNED_ACTION, SlaMetric.AUDIENCE_UPDATE}

    @property
    def dated(self) -> bool:
        """True for an obligation due at an instant given when it arises (a promise's due time).

        It is timed around the clock, never paused, and alerted at its due instant.
        """
        return bool(self._details()[1])


SlaMetric._declare(
    {
        SlaMetric.ACKNOWLEDGE: ("acknowledge", "受理"),
        SlaMetric.GRADE: ("grading", "定级"),
        SlaMetric.FIRST_CONTACT: ("first customer contact", "首次联系客户"),
        SlaMetric.PUBLIC_STATEMENT: ("first public statement", "首次公开声明"),
        SlaMetric.PROGRESS_UPDATE: ("progress update", "进展通报"),
        SlaMetric.AUDIENCE_UPDATE: ("update to one audience", "向各方通报进展"),
        SlaMetric.RESOLUTION: ("resolution", "解决"),
        SlaMetric.PROMISE: ("promise to a customer", "对客户的承诺"),
        SlaMetric.RECOVERY_MILESTONE: ("recovery milestone", "恢复里程碑"),
        SlaMetric.REMEDY: ("expected resolution of the quality problem", "质量问题预计解决"),
        SlaMetric.PLANNED_ACTION: ("planned action", "预案行动"),
        SlaMetric.IMPROVEMENT: ("improvement", "改进措施"),
    },
    {
        SlaMetric.ACKNOWLEDGE: (False, False),
        SlaMetric.GRADE: (False, False),
        SlaMetric.FIRST_CONTACT: (False, False),
        SlaMetric.PUBLIC_STATEMENT: (False, False),
        SlaMetric.PROGRESS_UPDATE: (True, False),
        SlaMetric.AUDIENCE_UPDATE: (True, False),
        SlaMetric.RESOLUTION: (False, False),
        SlaMetric.PROMISE: (False, True),
        SlaMetric.RECOVERY_MILESTONE: (False, True),
        SlaMetric.REMEDY: (False, True),
        SlaMetric.PLANNED_ACTION: (False, False),
        SlaMetric.IMPROVEMENT: (False, True),
    },
)


def to_sla_metric(value: SlaMetric | str) -> SlaMetric:
    """Attrs converter: the SlaMetric that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, SlaMetric)


class TimerState(LabelledEnum):
    """Where a timer is: running, paused, stopped (the target was fulfilled) or cancelled."""

    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """True while the timer can still change (running or paused)."""
        # Identity, not a set: hashing a member runs Python code, and a sweep asks per timer.
        return self is TimerState.RUNNING or self is TimerState.PAUSED


TimerState._register_labels(
    {
        TimerState.RUNNING: ("running", "计时中"),
        TimerState.PAUSED: ("paused", "已暂停"),
        TimerState.STOPPED: ("stopped", "已停止"),
        TimerState.CANCELLED: ("cancelled", "已取消"),
    }
)


def to_timer_state(value: TimerState | str) -> TimerState:
    """Attrs converter: the TimerState that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, TimerState)


class SlaStatus(LabelledEnum):
    """How a timer stands at an instant (:meth:`SlaTimer.status`)."""

    RUNNING = "running"
    PAUSED = "paused"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    CANCELLED = "cancelled"


SlaStatus._register_labels(
    {
        SlaStatus.RUNNING: ("running", "计时中"),
        SlaStatus.PAUSED: ("paused", "已暂停"),
        SlaStatus.AT_RISK: ("at risk", "临近超时"),
        SlaStatus.BREACHED: ("breached", "已超时"),
        SlaStatus.MET: ("met", "已达成"),
        SlaStatus.CANCELLED: ("cancelled", "已取消"),
    }
)


class AlertKind(LabelledEnum):
    """A sweep's alert: a milestone (a fraction of the target used up) or the breach."""

    MILESTONE = "milestone"
    BREACH = "breach"


AlertKind._register_labels(
    {
        AlertKind.MILESTONE: ("milestone", "时限提醒"),
        AlertKind.BREACH: ("breach", "超时"),
    }
)


def to_alert_kind(value: AlertKind | str) -> AlertKind:
    """Attrs converter: the AlertKind that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, AlertKind)


class RetargetMode(LabelledEnum):
    """What a level change does to a running timer."""

    KEEP_ELAPSED = "keep_elapsed"
    """Keep the business time already used and apply the new target (the default)."""
    RESTART = "restart"
    """Start the new target from zero at the moment of the change."""


RetargetMode._register_labels(
    {
        RetargetMode.KEEP_ELAPSED: ("keep the elapsed time", "保留已用时间"),
        RetargetMode.RESTART: ("restart", "重新计时"),
    }
)


def to_retarget_mode(value: RetargetMode | str) -> RetargetMode:
    """Attrs converter: the RetargetMode that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, RetargetMode)


class TimerAction(LabelledEnum):
    """Something done to a timer: in a lifecycle rule, and in the record of a change."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    CANCEL = "cancel"
    RESTART = "restart"
    RETARGET = "retarget"


TimerAction._register_labels(
    {
        TimerAction.START: ("start", "启动计时"),
        TimerAction.PAUSE: ("pause", "暂停计时"),
        TimerAction.RESUME: ("resume", "恢复计时"),
        TimerAction.STOP: ("stop", "停止计时"),
        TimerAction.CANCEL: ("cancel", "取消计时"),
        TimerAction.RESTART: ("restart", "重新计时"),
        TimerAction.RETARGET: ("retarget", "调整时限"),
    }
)


def to_timer_action(value: TimerAction | str) -> TimerAction:
    """Attrs converter: the TimerAction that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, TimerAction)
