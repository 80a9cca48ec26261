"""One-line, bilingual descriptions of events, for timelines, audit views and notifications.

>>> from crisiskit.app.describe import describe
>>> from crisiskit.app.scenario import simulate
>>> from crisiskit.app.scenarios import load
>>> from crisiskit.events import LevelChanged
>>> from crisiskit.plan import EmergencyPlan
>>> events = simulate(load("food_safety"), plan=EmergencyPlan.default()).events
>>> event = next(e for e in reversed(events) if isinstance(e, LevelChanged))  # to level I
>>> describe(event, "zh")
'级别调整：二级 → 一级（risk-matrix@1）'
>>> describe(event)
'level changed: II → I (risk-matrix@1)'
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from crisiskit.events import (
    ActionCompleted,
    ActionStarted,
    AssessmentRecorded,
    AttributesSet,
    BudgetExceeded,
    CallbackRecorded,
    CompensationGranted,
    CrisisClosed,
    CrisisDetected,
    CustomerCaseUpdated,
    CustomersAdded,
    Event,
    ExpenseRecorded,
    FactsUpdated,
    ImpactAssessed,
    ImprovementUpdated,
    LevelChanged,
    MeetingHeld,
    MilestoneReached,
    ProgressReported,
    QualityRemedyRecorded,
    RecoveryPlanSet,
    ReviewRecorded,
    SignalAttached,
    SlaAlertsRaised,
    SlaTimersChanged,
    StatementReleased,
    TeamMemberAssigned,
    TeamMemberReleased,
    WarningIssued,
    WarningUpgraded,
)
from crisiskit.messages import _
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import AlertKind, SlaAlert, SlaMetric, TimerAction, TimerChange
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import Audience

__all__ = ["describe", "duration_text"]


def duration_text(value: dt.timedelta, lang: str = "en") -> str:
    """A duration for people: ``1 h 15 min`` / ``1小时15分钟``, ``4 d 14 h`` / ``4天14小时``.

    >>> duration_text(dt.timedelta(minutes=22), "zh")
    '22分钟'
    """
    zh = normalize_lang(lang) == "zh"
    total = int(value.total_seconds())
    sign, total = ("-" if total < 0 else ""), abs(total)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    units = (("天", "d"), ("小时", "h"), ("分钟", "min"))
    parts = [
        f"{amount}{zh_unit}" if zh else f"{amount} {en_unit}"
        for amount, (zh_unit, en_unit) in zip((days, hours, minutes), units, strict=True)
        if amount
    ]
    if not parts:
        parts = [f"{total}秒" if zh else f"{total} s"]
    return sign + ("".join(parts) if zh else " ".join(parts))


_FACTS = {
    "time": ("time", "发生时间"),
    "place": ("place", "地点"),
    "cause": ("cause", "原因"),
    "course": ("course", "经过"),
    "scope": ("scope", "影响范围"),
    "customers_affected": ("customers affected", "涉及客户数量"),
}
"""The fields of :class:`~crisiskit.values.Facts`, for people."""


def _level(level: Level | None, zh: bool) -> str:
    if level is None:
        return "未定级" if zh else "ungraded"
    return f"{'一二三四'[level.rank - 1]}级" if zh else level.value


def describe(event: Event, lang: str = "en", *, zone: str = "UTC", label: bool = True) -> str:
    """What ``event`` says, in one line, in ``lang``; times in ``zone``.

    With ``label=False`` only the details, without the kind of event in front.
    """
    zh = normalize_lang(lang) == "zh"
    text = _detail(event, zh, zone)
    head = event.label("zh" if zh else "en")
    if not label:
        return text or head
    return f"{head}{'：' if zh else ': '}{text}" if text else head


def _detail(event: Event, zh: bool, zone: str) -> str:
    if isinstance(event, CrisisDetected):
        return event.signals[0].description if event.signals else event.title
    if isinstance(event, SignalAttached):
        return f"{event.signal.channel.label('zh' if zh else 'en')} — {event.signal.description}"
    if isinstance(event, CustomersAdded):
        return f"{len(event.customers)}" + ("位客户" if zh else " customer(s)")
    if isinstance(event, FactsUpdated):
        changed = sorted(event.new.changes_from(event.old))
        names = [_FACTS.get(name, (name, name))[1 if zh else 0] for name in changed]
        return ("、" if zh else ", ").join(names)
    if isinstance(event, LevelChanged):
        arrow = f"{_level(event.old_level, zh)} → {_level(event.new_level, zh)}"
        if event.assessment is not None:
            return (
                f"{arrow}（{event.assessment.policy}）"
                if zh
                else f"{arrow} ({event.assessment.policy})"
            )
        return arrow
    if isinstance(event, AssessmentRecorded):
        return f"{event.assessment.policy}"
    if isinstance(event, WarningIssued) and event.notice is not None:
        return event.notice.level.warning_label("zh" if zh else "en")
    if isinstance(event, WarningUpgraded):
        level = event.notice.level.warning_label("zh" if zh else "en")
        if not event.missing_roles:
            return level
        roles = ("、" if zh else ", ").join(
            r.label("zh" if zh else "en") for r in event.missing_roles
        )
        return f"{level}；尚缺：{roles}" if zh else f"{level}; not yet on the team: {roles}"
    if isinstance(event, CrisisClosed):
        return event.summary
    if isinstance(event, TeamMemberAssigned):
        role = event.assignment.role.label("zh" if zh else "en")
        return (
            f"{event.assignment.person}（{role}）" if zh else f"{event.assignment.person} as {role}"
        )
    if isinstance(event, TeamMemberReleased):
        return event.person
    if isinstance(event, ProgressReported):
        return event.summary
    if isinstance(event, MeetingHeld):
        return event.topic
    if isinstance(event, StatementReleased):
        statement = event.statement
        audience = statement.audience.label("zh" if zh else "en")
        medium = statement.medium.label("zh" if zh else "en")
        version = f"第{statement.version}版" if zh else f"v{statement.version}"
        return f"{audience}，{medium}，{version}" if zh else f"{audience}, {medium}, {version}"
    if isinstance(event, CustomerCaseUpdated):
        step = event.step.label("zh" if zh else "en")
        return f"{event.customer_id} {step}" + (f" — {event.note}" if event.note else "")
    if isinstance(event, QualityRemedyRecorded):
        remedies = (
            "、".join(r.label("zh") for r in event.new.remedies)
            if zh
            else ", ".join(r.label("en") for r in event.new.remedies)
        )
        return f"{remedies} — {event.new.root_cause}"
    if isinstance(event, CompensationGranted):
        c = event.compensation
        who = f" → {c.customer_id}" if c.customer_id else ""
        return f"{c.kind.label('zh' if zh else 'en')} {c.amount}{who}"
    if isinstance(event, ExpenseRecorded):
        return f"{event.expense.category.label('zh' if zh else 'en')} {event.expense.amount}"
    if isinstance(event, BudgetExceeded):
        category = event.category.label("zh" if zh else "en")
        return f"{category} {event.spent} / {event.budget}"
    if isinstance(event, CallbackRecorded):
        return f"{event.callback.customer_id} {event.callback.satisfaction}/5"
    if isinstance(event, RecoveryPlanSet):
        return ("；" if zh else "; ").join(event.new.goals)
    if isinstance(event, MilestoneReached):
        return event.milestone
    if isinstance(event, ActionStarted | ActionCompleted):
        return (
            _default_action_names().get(event.action_id, event.action_id) if zh else event.action_id
        )
    if isinstance(event, ImprovementUpdated):
        status = event.status.label("zh" if zh else "en")
        return (
            f"改进措施 {event.number}：{status}" if zh else f"improvement {event.number}: {status}"
        )
    if isinstance(event, ImpactAssessed):
        change = event.assessment.satisfaction_change
        if change is None:
            return ""
        return f"满意度 {change:+.1f}" if zh else f"satisfaction {change:+.1f}"
    if isinstance(event, ReviewRecorded):
        return event.review.root_cause
    if isinstance(event, AttributesSet):
        parts = [
            f"{name}={', '.join(value) if isinstance(value, tuple) else value}"
            for name, value in event.new.items()
        ]
        if event.removed:
            parts.append(("删除 " if zh else "removed ") + ", ".join(event.removed))
        return ("；" if zh else "; ").join(parts)
    if isinstance(event, SlaTimersChanged):
        parts = [_change(change, zh, zone) for change in event.changes]
        parts += [_alert(alert, zh, zone) for alert in event.alerts]
        return ("；" if zh else "; ").join(parts)
    if isinstance(event, SlaAlertsRaised):
        return ("；" if zh else "; ").join(_alert(alert, zh, zone) for alert in event.alerts)
    return event.reason or ""


_ACTIONS = {
    TimerAction.START: ("started", "计时开始"),
    TimerAction.RESTART: ("restarted", "重新计时"),
    TimerAction.RETARGET: ("re-targeted", "调整目标"),
    TimerAction.STOP: ("met", "达成"),
    TimerAction.PAUSE: ("paused", "暂停"),
    TimerAction.RESUME: ("resumed", "恢复计时"),
    TimerAction.CANCEL: ("cancelled", "取消"),
}


def _obligation(metric: SlaMetric, subject: str | None, zh: bool) -> str:
    """The metric's label, and whom it is owed to, if one: a customer, an audience, an action."""
    lang = "zh" if zh else "en"
    label = metric.label(lang)
    # A crisis has one expected resolution: its label says all.
    if subject is None or metric is SlaMetric.REMEDY:
        return label
    audience = Audience.lookup(subject) if metric is SlaMetric.AUDIENCE_UPDATE else None
    if audience is not None:
        return _("updates to {audience}", audience=audience).text(lang)
    if zh and metric is SlaMetric.PLANNED_ACTION:
        subject = _default_action_names().get(subject, subject)
    return f"{label}（{subject}）" if zh else f"{label} ({subject})"


@functools.cache
def _default_action_names() -> dict[str, str]:
    """The default plan's actions by id, each by the head of its Chinese wording ("收集事件信息").

    A Chinese reader is not shown the plan's codes; a host's own ids are shown as they are.
    """
    names: dict[str, str] = {}
    for entry in EmergencyPlan.default().levels:
        for action in entry.actions:
            names.setdefault(action.action_id, re.split("[：（，]", action.label("zh"))[0])
    return names


def _change(change: TimerChange, zh: bool, zone: str) -> str:
    metric = _obligation(change.metric, change.subject, zh)
    en, zh_word = _ACTIONS[change.action]
    if change.action is TimerAction.STOP:
        # A cadence is not fulfilled by stopping: it ends. A target fulfilled after its
        # deadline reads as late, never as met beside its breach.
        if change.metric.recurring:
            return f"{metric}结束" if zh else f"{metric} ended"
        if change.deadline is not None and change.at > change.deadline:
            return f"{metric}逾期达成" if zh else f"{metric} met late"
        return f"{metric}{zh_word}" if zh else f"{metric} {en}"
    if change.deadline is None:
        return f"{metric}{zh_word}" if zh else f"{metric} {en}"
    due = change.deadline.in_timezone(zone).format("MM-DD HH:mm")
    return f"{metric}{zh_word}，截止 {due}" if zh else f"{metric} {en}, due {due}"


def _alert(alert: SlaAlert, zh: bool, zone: str) -> str:
    metric = _obligation(alert.metric, alert.subject, zh)
    when = alert.due_at.in_timezone(zone).format("MM-DD HH:mm")
    if alert.kind is AlertKind.BREACH:
        return f"⚠ {metric}超时（{when}）" if zh else f"⚠ {metric} BREACHED at {when}"
    percent = round(alert.fraction * 100)
    return f"{metric}已用{percent}%（{when}）" if zh else f"{metric} {percent}% used at {when}"
