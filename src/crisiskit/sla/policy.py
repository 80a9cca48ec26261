"""SLA policies: the time targets per level and metric, and what the lifecycle does to timers.

An :class:`SlaPolicy` holds the targets (one per level and metric, each on a named
calendar), the calendars themselves, the alert fractions, how a level change treats running
timers, and the lifecycle rules — which timers stop, pause, resume, cancel or (re)start
when a crisis enters a state. Its operations take the timers of one crisis and return an
:class:`SlaUpdate`: the new timers, a record of each change (for the crisis's domain
events), and the alerts due by the moment of the change.

:meth:`SlaPolicy.default` builds the defaults of the domain brief:

| target | I | II | III | IV |
|---|---|---|---|---|
| acknowledge | 15 min | 30 min | 2 working h | 1 working day |
| first customer contact | 1 h | 2 h | 1 working day | 2 working days |
| first public statement | 4 h | 12 h | — | — |
| progress-update cadence | 4 h | 12 h | 1 working day | — |
| resolution | 72 h | 5 days | 7 working days | 15 working days |

Levels I and II run around the clock; III and IV on the working calendar, where a working
day is the length of its normal day (8 h for 09:00–12:00 and 13:00–18:00).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, cast

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.instants import to_us
from crisiskit._internal.registry import serializable
from crisiskit.calendar.business import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    _calendar_index,
    _find_calendar,
    _is_calendars,
    _to_calendars,
    weekday_said,
)
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.messages import _, coded
from crisiskit.sla.sweep import sweep
from crisiskit.sla.timer import (
    DEFAULT_MILESTONES,
    SlaAlert,
    SlaTimer,
    _is_at_risk,
    _is_duration,
    _is_fractions,
    _to_fractions,
)
from crisiskit.sla.vocabulary import (
    AlertKind,
    RetargetMode,
    SlaMetric,
    TimerAction,
    TimerState,
    to_retarget_mode,
    to_sla_metric,
    to_timer_action,
)
from crisiskit.values.levels import DEFAULT_TIME_TARGETS, Level, to_level
from crisiskit.values.vocabulary import CrisisState, to_crisis_state

__all__ = [
    "DEFAULT_LIFECYCLE",
    "EventRule",
    "LifecycleRule",
    "SlaPolicy",
    "SlaTarget",
    "SlaUpdate",
    "TimerChange",
]


DEFAULT_UNGRADED_TARGETS: dict[str, tuple[str, float]] = {
    "acknowledge": ("wh", 2),
    "grade": ("h", 1),
}
"""The default targets of a crisis not graded yet, from its detection: grade within an hour,
around the clock, and acknowledge within 2 working hours. Grading is the triage, so it is
what the night shift is woken for; the level, once given, re-targets the acknowledgement by
its own table — a level I or II, timed around the clock, counts the night it waited."""


@serializable()
@frozen
class SlaTarget:
    """The business time allowed for one metric at one level, and the calendar it runs on."""

    level: Level | None = field(
        converter=attrs.converters.optional(to_level),
        validator=_checks.is_optional_member(Level),
    )
    """The crisis level; None for a crisis not graded yet (timed from its detection)."""
    metric: SlaMetric = field(converter=to_sla_metric, validator=_checks.is_member(SlaMetric))
    """What is measured."""
    duration: dt.timedelta = field(validator=_is_duration(positive=True))
    """The business time allowed."""
    calendar: str = field(validator=_checks.is_text)
    """The name of the calendar the time is counted on."""


_RULE_ACTIONS = (
    TimerAction.START,
    TimerAction.PAUSE,
    TimerAction.RESUME,
    TimerAction.STOP,
    TimerAction.CANCEL,
    TimerAction.RESTART,
)


def _is_rule_action(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _checks.is_member(TimerAction)(instance, attribute, value)
    if value not in _RULE_ACTIONS:
        raise PolicyError(
            _(
                "a lifecycle rule's action is one of {allowed}; got {value!r} "
                "(level changes retarget timers by themselves)",
                allowed=coded(_RULE_ACTIONS),
                value=value,
            )
        )


@serializable()
@frozen
class LifecycleRule:
    """What happens to one metric's timer when a crisis enters a state.

    ``START`` starts the timer if the level has a target for it and it is not running or
    paused (after a relapse it starts a new run); ``RESTART`` starts a new run in any case.
    The others act on an open timer and leave an ended one alone.
    """

    state: CrisisState = field(converter=to_crisis_state, validator=_checks.is_member(CrisisState))
    """The state entered."""
    metric: SlaMetric = field(converter=to_sla_metric, validator=_checks.is_member(SlaMetric))
    """The timer acted on."""
    action: TimerAction = field(converter=to_timer_action, validator=_is_rule_action)
    """What is done to it."""


_EVENT_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


def _is_event_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # A name rather than a class: the SLA layer sits below the events; the crisis checks
    # that the name is one of its events when the policy is put in a Context.
    if not (isinstance(value, str) and _EVENT_NAME.fullmatch(value)):
        raise PolicyError(
            _(
                "EventRule.event is the name of a domain event, such as 'StatementReleased'; "
                "got {value!r}",
                value=value,
            )
        )


@serializable()
@frozen
class EventRule:
    """What one kind of domain event does to one metric's timer: a host's own metric (an OLA).

    ``START`` starts the timer if the crisis's level has a target for the metric and it is
    not open; ``STOP`` fulfils it (met, or met late); ``RESTART`` starts a new run (a
    cadence kept); the others pause, resume or cancel it.

    >>> EventRule("StatementReleased", "resolution", "stop").action.value
    'stop'
    """

    event: str = field(validator=_is_event_name)
    """The event's type name, e.g. ``"StatementReleased"`` (see :mod:`crisiskit.events`)."""
    metric: SlaMetric = field(converter=to_sla_metric, validator=_checks.is_member(SlaMetric))
    """The timer acted on."""
    action: TimerAction = field(converter=to_timer_action, validator=_is_rule_action)
    """What is done to it."""


DEFAULT_LIFECYCLE: tuple[LifecycleRule, ...] = (
    # Acknowledgement, first contact and the first public statement are fulfilled by what the
    # crisis office does (SlaPolicy.record), not by lifecycle moves.
    # A relapse (recovering -> responding) or a reopening needs resolving and reporting again.
    LifecycleRule(CrisisState.RESPONDING, SlaMetric.RESOLUTION, TimerAction.START),
    LifecycleRule(CrisisState.RESPONDING, SlaMetric.PROGRESS_UPDATE, TimerAction.START),
    # Recovery starts once the crisis is resolved.
    LifecycleRule(CrisisState.RECOVERING, SlaMetric.RESOLUTION, TimerAction.STOP),
    LifecycleRule(CrisisState.RECOVERING, SlaMetric.PROGRESS_UPDATE, TimerAction.STOP),
    LifecycleRule(CrisisState.RECOVERING, SlaMetric.AUDIENCE_UPDATE, TimerAction.STOP),
    # The quality problem is resolved when the crisis is: its expected resolution is met.
    LifecycleRule(CrisisState.RECOVERING, SlaMetric.REMEDY, TimerAction.STOP),
    # Whatever is still open when the crisis closes (a dismissed false alarm) no longer applies.
    # Improvements the review decided are followed up after the crisis closes.
    *(
        LifecycleRule(CrisisState.CLOSED, metric, TimerAction.CANCEL)
        for metric in SlaMetric
        if metric is not SlaMetric.IMPROVEMENT
    ),
)
"""The default lifecycle rules.

Targets fulfilled by a command — acknowledge, first contact, first public statement, each
progress update — are recorded with :meth:`SlaPolicy.record`; pausing while waiting on the
customer is a host call (:meth:`SlaPolicy.pause`).
"""


@serializable()
@frozen
class TimerChange:
    """A record of one change to one timer, for the crisis's domain events."""

    timer_id: str = field(validator=_checks.is_text)
    """The timer changed."""
    metric: SlaMetric = field(converter=to_sla_metric, validator=_checks.is_member(SlaMetric))
    """What it measures."""
    action: TimerAction = field(converter=to_timer_action, validator=_checks.is_member(TimerAction))
    """What was done."""
    at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When."""
    target: dt.timedelta = field(validator=_is_duration(positive=True))
    """The target in force afterwards."""
    calendar: str = field(validator=_checks.is_text)
    """The calendar it runs on afterwards."""
    deadline: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """The deadline afterwards (None while paused with time left)."""
    reason: str | None = field(default=None, validator=_checks.is_optional_text)
    """Why (for a pause or a cancellation)."""
    subject: str | None = field(default=None, validator=_checks.is_optional_text)
    """Whom the timer's obligation is owed to (a customer's id), or None for the crisis."""


@frozen
class SlaUpdate:
    """The result of a policy operation on the timers of one crisis."""

    timers: tuple[SlaTimer, ...]
    """All the crisis's timers afterwards (new ones appended); store these."""
    changes: tuple[TimerChange, ...]
    """What changed, in order (no entry for a no-op such as a repeated pause)."""
    alerts: tuple[SlaAlert, ...]
    """Alerts due by the moment of the operation (a retroactive breach among them)."""
    next_wakeup: pendulum.DateTime | None
    """The next instant any of the timers has something due."""
    earlier: tuple[SlaAlert, ...] = ()
    """Those of :attr:`alerts` that fell due under the timers as they were, before the change
    (a cadence about to restart, say)."""
    changed: tuple[SlaTimer, ...] | None = None
    """All the timers right after the change, before the alerts it made due (a retroactive
    breach) were raised; None when the operation changed nothing but alerts."""

    @property
    def later(self) -> tuple[SlaAlert, ...]:
        """Those of :attr:`alerts` that the change made due."""
        return tuple(alert for alert in self.alerts if alert not in self.earlier)

    def changed_from(self, timers: Iterable[SlaTimer]) -> tuple[SlaTimer, ...]:
        """The timers of :attr:`timers` that differ from ``timers`` (the ones given), in order.

        A timer is matched by its id; one started by the operation is among them. Replacing
        each given timer by the one of the same id, and adding the rest after them, gives
        :attr:`timers` again — that is how :class:`~crisiskit.events.SlaTimersChanged`
        records a change.
        """
        return _differing(self.timers, timers)

    def touched(self, timers: Iterable[SlaTimer]) -> tuple[SlaTimer, ...]:
        """Like :meth:`changed_from`, for the timers right after the change (:attr:`changed`)."""
        return _differing(self.timers if self.changed is None else self.changed, timers)


def _differing(after: Iterable[SlaTimer], before: Iterable[SlaTimer]) -> tuple[SlaTimer, ...]:
    given = {timer.timer_id: timer for timer in before}
    return tuple(timer for timer in after if given.get(timer.timer_id) != timer)


def _to_targets(value: object) -> object:
    return _checks.to_tuple(cast(Any, value))


def _unique(what: str, keys: Iterable[tuple[Any, ...]]) -> None:
    seen: set[tuple[Any, ...]] = set()
    for key in keys:
        if key in seen:
            raise PolicyError(
                _(
                    "SlaPolicy.{what}: {key} appears more than once",
                    what=what,
                    key=" / ".join(str(getattr(k, "value", k)) for k in key),
                )
            )
        seen.add(key)


@serializable()
@frozen
class SlaPolicy:
    """Time targets per level and metric, their calendars, alerts and lifecycle rules.

    It is also a :class:`~crisiskit.calendar.CalendarLookup`: pass it wherever timers need
    their calendars.
    """

    calendars: tuple[BusinessCalendar, ...] = field(
        converter=_to_calendars, validator=_is_calendars
    )
    """The calendars the targets run on; names are unique."""
    targets: tuple[SlaTarget, ...] = field(
        converter=_to_targets, validator=_checks.is_tuple_of(SlaTarget, "SlaTarget")
    )
    """One target per level and metric that has one."""
    lifecycle: tuple[LifecycleRule, ...] = field(
        default=DEFAULT_LIFECYCLE,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(LifecycleRule, "LifecycleRule"),
    )
    """What entering each crisis state does to timers."""
    milestones: tuple[float, ...] = field(
        default=DEFAULT_MILESTONES, converter=_to_fractions, validator=_is_fractions
    )
    """Alert fractions of every timer (the breach, 1.0, alerts in any case)."""
    at_risk: float = field(default=0.75, converter=_checks.to_float, validator=_is_at_risk)
    """The fraction after which a timer reads at risk."""
    retarget_mode: RetargetMode = field(
        default=RetargetMode.KEEP_ELAPSED,
        converter=to_retarget_mode,
        validator=_checks.is_member(RetargetMode),
    )
    """What a level change does to running timers."""
    event_rules: tuple[EventRule, ...] = field(
        default=(),
        kw_only=True,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(EventRule, "EventRule"),
    )
    """What other events do to timers: how a host's own metrics are started and fulfilled."""
    _calendar_by_name: dict[str, BusinessCalendar] = field(
        init=False, eq=False, repr=False, hash=False, alias="_calendar_by_name"
    )
    _target_by_key: dict[tuple[Level | None, SlaMetric], SlaTarget] = field(
        init=False, eq=False, repr=False, hash=False, alias="_target_by_key"
    )

    def __attrs_post_init__(self) -> None:
        _unique("targets", ((t.level, t.metric) for t in self.targets))
        _unique("lifecycle", ((r.state, r.metric) for r in self.lifecycle))
        _unique("event_rules", ((r.event, r.metric) for r in self.event_rules))
        names = _calendar_index(self.calendars)
        for target in self.targets:
            if target.calendar not in names:
                raise PolicyError(
                    _(
                        "SlaPolicy: the {metric} target of level {level} runs on calendar "
                        "{calendar!r}, which the policy does not have; it has {calendars}",
                        metric=coded(target.metric),
                        level=_("ungraded") if target.level is None else target.level.value,
                        calendar=target.calendar,
                        calendars=tuple(map(repr, sorted(names))),
                    )
                )
        object.__setattr__(self, "_calendar_by_name", names)
        object.__setattr__(self, "_target_by_key", {(t.level, t.metric): t for t in self.targets})

    # ------------------------------------------------------------------ building

    @classmethod
    def default(
        cls,
        working: BusinessCalendar,
        around_the_clock: BusinessCalendar = TWENTY_FOUR_SEVEN,
        *,
        working_day: dt.timedelta | None = None,
        lifecycle: Iterable[LifecycleRule] = DEFAULT_LIFECYCLE,
        milestones: Iterable[float] = DEFAULT_MILESTONES,
        at_risk: float = 0.75,
        retarget_mode: RetargetMode = RetargetMode.KEEP_ELAPSED,
    ) -> SlaPolicy:
        """The domain brief's default targets: I–II on ``around_the_clock``, III–IV on ``working``.

        ``working_day`` is the business time of "1 working day"; by default the working
        calendar's :attr:`~crisiskit.calendar.BusinessCalendar.standard_day`.
        """
        if working.name == around_the_clock.name and working != around_the_clock:
            raise PolicyError(
                _(
                    "the working and the around-the-clock calendar are both called {name!r}; "
                    "give them different names",
                    name=working.name,
                )
            )
        day = working.standard_day if working_day is None else working_day
        if day <= dt.timedelta(0):
            raise PolicyError(
                _(
                    "a working day must be longer than zero; got {day} (calendar {name!r}'s "
                    "{weekday} has no hours: pass working_day=...)",
                    day=day,
                    name=working.name,
                    weekday=weekday_said(working.makeup_weekday),
                )
            )
        units: dict[str, tuple[dt.timedelta, BusinessCalendar]] = {
            "h": (dt.timedelta(hours=1), around_the_clock),
            "d": (dt.timedelta(days=1), around_the_clock),
            "wh": (dt.timedelta(hours=1), working),
            "wd": (day, working),
        }
        targets = [
            SlaTarget(None, SlaMetric(code), units[unit][0] * amount, units[unit][1].name)
            for code, (unit, amount) in DEFAULT_UNGRADED_TARGETS.items()
        ]
        for code, row in DEFAULT_TIME_TARGETS.items():
            metric = SlaMetric(code)
            for level, cell in zip(Level, row, strict=True):
                if cell is not None:
                    unit, calendar = units[cell[0]]
                    targets.append(SlaTarget(level, metric, unit * cell[1], calendar.name))
        calendars = (
            (around_the_clock,) if working == around_the_clock else (around_the_clock, working)
        )
        return cls(
            calendars=calendars,
            targets=targets,
            lifecycle=tuple(lifecycle),
            milestones=tuple(milestones),
            at_risk=at_risk,
            retarget_mode=retarget_mode,
        )

    # ------------------------------------------------------------------ lookups

    def calendar(self, name: str) -> BusinessCalendar:
        """The policy's calendar called ``name`` (so the policy is a CalendarLookup).

        ``"24x7"`` is the built-in around-the-clock calendar unless the policy has its own:
        dated obligations (a promise's due time) run on it.
        """
        found = self._calendar_by_name.get(name)
        if found is None and name == TWENTY_FOUR_SEVEN.name:
            return TWENTY_FOUR_SEVEN
        return found or _find_calendar(self._calendar_by_name, name, "the SLA policy")

    def target(self, level: Level | str | None, metric: SlaMetric | str) -> SlaTarget | None:
        """The target of ``metric`` at ``level`` (None: not graded yet), or None if it has none."""
        key = (_level_or_none(level), _checks.member("metric", metric, SlaMetric))
        return self._target_by_key.get(key)

    def targets_for(self, level: Level | str | None) -> tuple[SlaTarget, ...]:
        """The targets of ``level``: the timers grading at that level starts.

        Those of None are the targets of a crisis not graded yet, timed from its detection.
        """
        chosen = _level_or_none(level)
        return tuple(t for t in self.targets if t.level is chosen)

    def rules_for(self, state: CrisisState | str) -> tuple[LifecycleRule, ...]:
        """The lifecycle rules that apply when a crisis enters ``state``."""
        state = _checks.member("state", state, CrisisState)
        return tuple(rule for rule in self.lifecycle if rule.state is state)

    def rules_on(self, event: str) -> tuple[EventRule, ...]:
        """The event rules for events named ``event`` (e.g. ``"StatementReleased"``)."""
        return tuple(rule for rule in self.event_rules if rule.event == event)

    @staticmethod
    def timer_id(owner: str, metric: SlaMetric | str, subject: str | None = None) -> str:
        """The id of ``owner``'s timer for ``metric``: ``"<owner>/<metric>[/<subject>]"``."""
        metric = _checks.member("metric", metric, SlaMetric)
        name = metric.value if subject is None else f"{metric.value}/{subject}"
        return f"{owner}/{name}" if owner else name

    # ------------------------------------------------------------------ operations

    def start_timer(
        self, target: SlaTarget, at: dt.datetime, *, owner: str = "", subject: str | None = None
    ) -> SlaTimer:
        """A running timer for ``target`` from ``at``, with the policy's alert settings.

        ``subject`` is whom the obligation is owed to, when not the crisis (a customer's id).
        """
        return SlaTimer.start(
            self.timer_id(owner, target.metric, subject),
            target.metric,
            target.duration,
            self.calendar(target.calendar),
            at,
            milestones=self.milestones,
            at_risk=self.at_risk,
            subject=subject,
        )

    def start(
        self,
        level: Level | str | None,
        at: dt.datetime,
        *,
        owner: str = "",
        metrics: Collection[SlaMetric | str] | None = None,
        since: dt.datetime | None = None,
        customers: Collection[str] = (),
        fulfilled: Mapping[SlaMetric, dt.datetime] | None = None,
    ) -> SlaUpdate:
        """Start the timers of ``level`` (grading a crisis), as of ``at``.

        ``fulfilled`` names the metrics already fulfilled, and when (a first contact made
        before anyone graded the crisis): their timers start and stop then, met or late.

        ``level`` None starts the targets of a crisis not graded yet (its detection).

        Each of the affected ``customers`` (their ids) gets a first-contact timer of their
        own besides the crisis's, so that contacting one customer does not fulfil what is
        owed to the others.

        ``since`` is when the obligations arose — the crisis's detection, before anyone
        graded it: the timers run from then, and what fell due between ``since`` and ``at``
        (a breach) is among the alerts, at the instant it fell due; milestones already passed
        are not raised after the fact. Without it
        the timers start at ``at``. ``metrics`` limits them, e.g. without ``PUBLIC_STATEMENT``
        for a crisis that is not public. ``owner`` (a crisis id) prefixes the timer ids.
        """
        return self._run(
            (),
            at,
            self._starting(
                level,
                owner=owner,
                metrics=metrics,
                since=since,
                customers=customers,
                fulfilled=fulfilled,
            ),
        )

    def _starting(
        self,
        level: Level | str | None,
        *,
        owner: str = "",
        metrics: Collection[SlaMetric | str] | None = None,
        since: dt.datetime | None = None,
        customers: Collection[str] = (),
        fulfilled: Mapping[SlaMetric, dt.datetime] | None = None,
    ) -> Change:
        chosen = _level_or_none(level)
        only = _metric_set(metrics)
        arose = None if since is None else _checks.instant("since", since)

        def change(timers: list[SlaTimer], moment: pendulum.DateTime) -> list[TimerChange]:
            begun = min(arose or moment, moment)
            count = len(timers)
            changes = self._start_missing(
                timers, chosen, begun, owner, only, customers=customers, fulfilled=fulfilled
            )
            timers[count:] = [timer._caught_up(moment, self) for timer in timers[count:]]
            return changes

        return change

    def regrade(
        self,
        timers: Iterable[SlaTimer],
        level: Level | str,
        at: dt.datetime,
        *,
        owner: str = "",
        metrics: Collection[SlaMetric | str] | None = None,
        mode: RetargetMode | str | None = None,
        customers: Collection[str] = (),
        since: dt.datetime | None = None,
        fulfilled: Mapping[SlaMetric, dt.datetime] | None = None,
    ) -> SlaUpdate:
        """Apply the targets of a new ``level`` at ``at`` (a level change).

        Open timers get the new level's target (see :meth:`SlaTimer.retargeted`; ``mode``
        defaults to :attr:`retarget_mode`); open timers whose metric has no target at the new
        level are cancelled; metrics of the new level without a timer are started, and so
        are the first-contact timers of ``customers`` without one (customers newly affected:
        regrading at the same level starts only theirs); one of theirs that was cancelled (a
        customer back after leaving) starts a new run. A target already exceeded is breached
        retroactively, and that breach is among the alerts. The level fulfils the grading
        target. ``since`` (the detection, on a crisis's first level) is when the timers started
        now began to run, as in :meth:`start`.
        """
        return self._run(
            timers,
            at,
            self._regrading(
                level,
                owner=owner,
                metrics=metrics,
                mode=mode,
                customers=customers,
                since=since,
                fulfilled=fulfilled,
            ),
        )

    def _regrading(
        self,
        level: Level | str,
        *,
        owner: str = "",
        metrics: Collection[SlaMetric | str] | None = None,
        mode: RetargetMode | str | None = None,
        customers: Collection[str] = (),
        since: dt.datetime | None = None,
        fulfilled: Mapping[SlaMetric, dt.datetime] | None = None,
    ) -> Change:
        chosen = self.retarget_mode if mode is None else _checks.member("mode", mode, RetargetMode)
        level = _checks.member("level", level, Level)
        only = _metric_set(metrics)
        arose = None if since is None else _checks.instant("since", since)

        def change(timers: list[SlaTimer], moment: pendulum.DateTime) -> list[TimerChange]:
            changes: list[TimerChange] = []
            for index, timer in enumerate(timers):
                if not timer.is_open or not timer.metric.levelled:
                    continue  # what is owed to one subject keeps the terms it was owed on
                if timer.metric is SlaMetric.GRADE:
                    timers[index] = timer.stopped(moment, self)
                    changes.append(_record(timers[index], TimerAction.STOP, moment))
                    continue
                target = self.target(level, timer.metric)
                if target is None:
                    reason = _(
                        "level {level} has no {metric} target",
                        level=level.value,
                        metric=coded(timer.metric),
                    )
                    timers[index] = timer.cancelled(moment, reason, self)
                    changes.append(_record(timers[index], TimerAction.CANCEL, moment))
                elif (target.duration, target.calendar) != (timer.target, timer.calendar):
                    timers[index] = timer.retargeted(
                        target.duration,
                        moment,
                        self,
                        calendar=target.calendar,
                        restart=chosen is RetargetMode.RESTART,
                    )
                    changes.append(_record(timers[index], TimerAction.RETARGET, moment))
            begun = min(arose or moment, moment)
            count = len(timers)
            changes += self._start_missing(
                timers, level, begun, owner, only, customers=customers, fulfilled=fulfilled
            )
            timers[count:] = [timer._caught_up(moment, self) for timer in timers[count:]]
            return changes

        return change

    def release(
        self,
        timers: Iterable[SlaTimer],
        customers: Collection[str],
        at: dt.datetime,
        reason: str,
        *,
        metrics: Collection[SlaMetric | str] | None = None,
    ) -> SlaUpdate:
        """Cancel the open timers owed to ``customers`` (they are no longer affected here).

        ``customers`` are subjects: customers' ids, or whatever else is owed to (an audience
        the new level no longer requires updates for); ``metrics`` limits which timers.
        """
        return self._run(timers, at, self._releasing(customers, reason, metrics=metrics))

    def _releasing(
        self,
        customers: Collection[str],
        reason: str,
        *,
        metrics: Collection[SlaMetric | str] | None = None,
    ) -> Change:
        _checks.text("release(reason)", reason, max_length=500)
        gone = frozenset(customers)
        only = _metric_set(metrics)

        def change(timers: list[SlaTimer], moment: pendulum.DateTime) -> list[TimerChange]:
            changes = []
            for index, timer in enumerate(timers):
                if only is not None and timer.metric not in only:
                    continue
                if timer.is_open and timer.subject is not None and timer.subject in gone:
                    timers[index] = timer.cancelled(moment, reason, self)
                    changes.append(_record(timers[index], TimerAction.CANCEL, moment))
            return changes

        return change

    def enter(
        self,
        timers: Iterable[SlaTimer],
        state: CrisisState | str,
        level: Level | str | None,
        at: dt.datetime,
        *,
        owner: str = "",
        metrics: Collection[SlaMetric | str] | None = None,
    ) -> SlaUpdate:
        """Apply the lifecycle rules for a crisis (at ``level``) entering ``state`` at ``at``.

        ``level`` is None for a crisis not graded yet.
        """
        return self._run(timers, at, self._entering(state, level, owner=owner, metrics=metrics))

    def _entering(
        self,
        state: CrisisState | str,
        level: Level | str | None,
        *,
        owner: str,
        metrics: Collection[SlaMetric | str] | None,
    ) -> Change:
        state = _checks.member("state", state, CrisisState)
        reason = _("crisis entered {state}", state=state)
        return self._acting(self.rules_for(state), level, owner, metrics, reason)

    def on_event(
        self,
        timers: Iterable[SlaTimer],
        event: str,
        level: Level | str | None,
        at: dt.datetime,
        *,
        owner: str = "",
        metrics: Collection[SlaMetric | str] | None = None,
    ) -> SlaUpdate:
        """Apply the :attr:`event_rules` for an event named ``event`` at ``at``.

        A crisis does this for each of its events; a host timing bare timers calls it.
        """
        return self._run(timers, at, self._on_event(event, level, owner=owner, metrics=metrics))

    def _on_event(
        self,
        event: str,
        level: Level | str | None,
        *,
        owner: str,
        metrics: Collection[SlaMetric | str] | None,
    ) -> Change:
        reason = _("{event} was recorded", event=event)
        return self._acting(self.rules_on(event), level, owner, metrics, reason)

    def _acting(
        self,
        rules: Iterable[LifecycleRule | EventRule],
        level: Level | str | None,
        owner: str,
        metrics: Collection[SlaMetric | str] | None,
        reason: str,
    ) -> Change:
        level = _level_or_none(level)
        only = _metric_set(metrics)

        def change(timers: list[SlaTimer], moment: pendulum.DateTime) -> list[TimerChange]:
            changes: list[TimerChange] = []
            for rule in rules:
                index = _find(timers, rule.metric)
                timer = None if index is None else timers[index]
                target = self.target(level, rule.metric)
                if rule.action in {TimerAction.START, TimerAction.RESTART}:
                    if target is None or (only is not None and rule.metric not in only):
                        continue
                    if timer is not None and timer.is_open and rule.action is TimerAction.START:
                        continue
                    fresh = self.start_timer(target, moment, owner=owner)
                    if timer is not None:
                        fresh = attrs.evolve(fresh, timer_id=timer.timer_id)
                    action = TimerAction.START if timer is None else TimerAction.RESTART
                    _put(timers, index, fresh)
                    changes.append(_record(fresh, action, moment))
                    continue
                # A rule that pauses, stops or cancels a metric does so for every timer of
                # it, the customers' own included.
                for at_index, one in enumerate(timers):
                    if one.metric is not rule.metric or not one.is_open:
                        continue
                    after = _act(one, rule.action, moment, reason, self)
                    if after is not one:
                        timers[at_index] = after
                        changes.append(_record(after, rule.action, moment))
            return changes

        return change

    def record(
        self,
        timers: Iterable[SlaTimer],
        metric: SlaMetric | str | Collection[SlaMetric | str],
        at: dt.datetime,
        *,
        subject: str | None = None,
    ) -> SlaUpdate:
        """Record that ``metric`` (or each of several) was fulfilled at ``at``.

        A cadence (progress updates) restarts; any other timer stops (met, or met late).
        Nothing happens to a metric without an open timer. With ``subject`` (a customer
        contacted), the timer owed to that subject is fulfilled too.
        """
        return self._run(timers, at, self._recording(metric, subject))

    def _recording(
        self, metric: SlaMetric | str | Collection[SlaMetric | str], subject: str | None
    ) -> Change:
        fulfilled: tuple[SlaMetric, ...]
        if isinstance(metric, str):
            fulfilled = (_checks.member("metric", metric, SlaMetric),)
        else:
            fulfilled = tuple(_checks.member("metric", m, SlaMetric) for m in metric)

        def change(timers: list[SlaTimer], moment: pendulum.DateTime) -> list[TimerChange]:
            changes = []
            for one, whom in [(m, w) for m in fulfilled for w in dict.fromkeys((None, subject))]:
                index = _find(timers, one, whom)
                if index is None or not timers[index].is_open:
                    continue
                timer = timers[index]
                if one.recurring:
                    timers[index] = timer.restarted(moment, self)
                    changes.append(_record(timers[index], TimerAction.RESTART, moment))
                else:
                    timers[index] = timer.stopped(moment, self)
                    changes.append(_record(timers[index], TimerAction.STOP, moment))
            return changes

        return change

    def owe(
        self,
        timers: Iterable[SlaTimer],
        metric: SlaMetric | str,
        at: dt.datetime,
        *,
        subject: str,
        due: dt.datetime | None = None,
        target: dt.timedelta | None = None,
        calendar: str | None = None,
        owner: str = "",
        since: dt.datetime | None = None,
    ) -> SlaUpdate:
        """Time an obligation owed to ``subject`` (a promise, a milestone, a planned action).

        A dated obligation (``metric.dated``: a promise, a recovery milestone, a remedy, an
        improvement) is due at ``due`` and runs around the clock, never paused. Any other
        runs for ``target`` business time on ``calendar``. It runs from ``since`` (when it
        arose; default ``at``). Owing the same obligation again moves its deadline (a promise
        put off, a milestone re-planned); one that was fulfilled or cancelled starts a new
        run. One already overdue when it arises is breached at its due instant.
        """
        return self._run(
            timers,
            at,
            self._owing(
                metric,
                subject,
                due=due,
                target=target,
                calendar=calendar,
                owner=owner,
                since=since,
            ),
        )

    def _owing(
        self,
        metric: SlaMetric | str,
        subject: str,
        *,
        due: dt.datetime | None = None,
        target: dt.timedelta | None = None,
        calendar: str | None = None,
        owner: str = "",
        since: dt.datetime | None = None,
    ) -> Change:
        metric = _checks.member("metric", metric, SlaMetric)
        subject = _checks.text("owe(subject)", subject, max_length=200)
        arose = None if since is None else _checks.instant("owe(since)", since)
        if metric.dated:
            if due is None or target is not None:
                raise ValidationError(
                    _(
                        "a {metric} is due at an instant: owe(..., due=...), without target=",
                        metric=metric,
                    )
                )
            deadline = _checks.instant("owe(due)", due)
            name = TWENTY_FOUR_SEVEN.name
        else:
            if target is None or due is not None:
                raise ValidationError(
                    _(
                        "a {metric} has a time allowed: owe(..., target=..., calendar=...), "
                        "without due=",
                        metric=metric,
                    )
                )
            _is_duration(positive=True)(self, attrs.fields(SlaTarget).duration, target)
            name = _checks.text("owe(calendar)", calendar or TWENTY_FOUR_SEVEN.name)
            self.calendar(name)

        def change(timers: list[SlaTimer], moment: pendulum.DateTime) -> list[TimerChange]:
            index = _find(timers, metric, subject)
            running = None if index is None or not timers[index].is_open else timers[index]
            start = min(arose or moment, moment) if running is None else running.started_at
            allowed = target
            if metric.dated:
                # An obligation already overdue when it arises starts just before it was due,
                # so that its breach falls at the due instant itself.
                start = min(start, deadline - _TICK)
                allowed = dt.timedelta(microseconds=to_us(deadline) - to_us(start))
            assert allowed is not None
            if index is not None and running is not None:
                if (allowed, name) == (running.target, running.calendar):
                    return []
                timers[index] = running.retargeted(allowed, moment, self, calendar=name)
                return [_record(timers[index], TimerAction.RETARGET, moment)]
            fresh = SlaTimer.start(
                self.timer_id(owner, metric, subject),
                metric,
                allowed,
                self.calendar(name),
                start,
                milestones=self.milestones,
                at_risk=self.at_risk,
                subject=subject,
            )._caught_up(moment, self)
            _put(timers, index, fresh)
            action = TimerAction.START if index is None else TimerAction.RESTART
            return [_record(fresh, action, moment)]

        return change

    def pause(
        self,
        timers: Iterable[SlaTimer],
        at: dt.datetime,
        reason: str,
        *,
        metrics: Collection[SlaMetric | str] | None = None,
    ) -> SlaUpdate:
        """Pause the running timers (of ``metrics``, or all), e.g. while waiting on the customer."""
        _checks.text("pause(reason)", reason, max_length=500)
        only = _metric_set(metrics)
        return self._run(
            timers,
            at,
            lambda ts, moment: _each(
                ts, TimerAction.PAUSE, moment, reason=reason, policy=self, metrics=only
            ),
        )

    def resume(
        self,
        timers: Iterable[SlaTimer],
        at: dt.datetime,
        *,
        metrics: Collection[SlaMetric | str] | None = None,
    ) -> SlaUpdate:
        """Resume the paused timers (of ``metrics``, or all)."""
        only = _metric_set(metrics)
        return self._run(
            timers,
            at,
            lambda ts, moment: _each(
                ts, TimerAction.RESUME, moment, reason=None, policy=self, metrics=only
            ),
        )

    def refresh(self, timers: Iterable[SlaTimer], at: dt.datetime) -> SlaUpdate:
        """Recompute the provisional deadlines the calendars now have official data for.

        A timer whose deadline or next alert lay past its calendar's data (its
        :attr:`~SlaTimer.data_ends` is set) is worked out again once the calendar has been
        :meth:`~crisiskit.calendar.BusinessCalendar.extended` past that date; the others are
        left as they are. A crisis does this at the start of each ``check_sla()``; a host
        sweeping bare timers calls it before :meth:`sweep`.
        """
        moment = _checks.instant("at", at)
        result: list[SlaTimer] = []
        changes: list[TimerChange] = []
        for timer in timers:
            ends = timer.data_ends
            calendar = None if ends is None else self.calendar(timer.calendar)
            if (
                calendar is None
                or ends is None
                or not timer.is_open
                or calendar.horizon_end <= ends
            ):
                result.append(timer)
                continue
            fresh = timer.recomputed(self)
            changes.append(
                attrs.evolve(
                    _record(fresh, TimerAction.RETARGET, moment),
                    reason=_(
                        "calendar {name!r} now has official data to {horizon_end}; the deadline "
                        "past {data_ends} is recomputed",
                        name=calendar.name,
                        horizon_end=calendar.horizon_end,
                        data_ends=timer.data_ends,
                    ),
                )
            )
            result.append(fresh)
        wakeups = [t.next_due for t in result if t.next_due is not None]
        return SlaUpdate(tuple(result), tuple(changes), (), min(wakeups, default=None))

    def sweep(self, timers: Iterable[SlaTimer], now: dt.datetime) -> SlaUpdate:
        """:func:`~crisiskit.sla.sweep` with this policy's calendars, as an :class:`SlaUpdate`."""
        found = sweep(timers, now, self)
        return SlaUpdate(found.timers, (), found.alerts, found.next_wakeup)

    # ------------------------------------------------------------------ internals

    def _start_missing(
        self,
        timers: list[SlaTimer],
        level: Level | None,
        moment: pendulum.DateTime,
        owner: str,
        metrics: Collection[SlaMetric] | None,
        *,
        customers: Collection[str] = (),
        fulfilled: Mapping[SlaMetric, dt.datetime] | None = None,
    ) -> list[TimerChange]:
        changes = []
        done = fulfilled or {}
        for target in self.targets_for(level):
            if metrics is not None and target.metric not in metrics:
                continue
            owed = (None, *customers) if target.metric is SlaMetric.FIRST_CONTACT else (None,)
            for subject in owed:
                index = _find(timers, target.metric, subject)
                if index is None:
                    timer = self.start_timer(target, moment, owner=owner, subject=subject)
                    changes.append(_record(timer, TimerAction.START, moment))
                    if subject is None and target.metric in done:
                        when = max(_checks.instant("fulfilled", done[target.metric]), moment)
                        timer = timer.stopped(when, self)
                        changes.append(_record(timer, TimerAction.STOP, when))
                    timers.append(timer)
                elif subject is not None and timers[index].state is TimerState.CANCELLED:
                    # A customer back after leaving (a merge undone, then redone) is affected
                    # again, and owed a contact again from now.
                    timers[index] = self.start_timer(target, moment, owner=owner, subject=subject)
                    changes.append(_record(timers[index], TimerAction.RESTART, moment))
        return changes

    def _run(self, timers: Iterable[SlaTimer], at: dt.datetime, *steps: Change) -> SlaUpdate:
        """One update: the alerts due before, ``steps`` applied in turn at ``at``, the alerts after.

        Several steps make one update when one event does several things to the timers (a
        contact that is also a promise fulfils one obligation and starts another).
        """
        moment = _checks.instant("at", at)
        given = list(timers)
        _unique("timers", ((timer.metric, timer.subject or "") for timer in given))
        # Alerts of the old state that are due first (a cadence about to restart, say), then
        # whatever the change itself made due (a retroactive breach).
        # What falls due at the very instant of the change is found after it: a target
        # fulfilled exactly at its deadline is met (see SlaTimer.status), not breached.
        before = sweep(given, moment - _TICK, self)
        working = list(before.timers)
        changes = [change for step in steps for change in step(working, moment)]
        changed = tuple(working)
        after = sweep(working, moment, self)
        # A milestone of the old target falling due after the new target's breach would warn
        # of what has already happened: the breach is what is reported.
        breaches = {a.timer_id: a.due_at for a in after.alerts if a.kind is AlertKind.BREACH}
        earlier = tuple(
            a
            for a in before.alerts
            if a.kind is AlertKind.BREACH
            or a.timer_id not in breaches
            or a.due_at < breaches[a.timer_id]
        )
        return SlaUpdate(
            tuple(after.timers),
            tuple(changes),
            tuple(sorted((*earlier, *after.alerts), key=lambda alert: alert.due_at)),
            after.next_wakeup,
            earlier=earlier,
            changed=changed,
        )


Change = Callable[[list[SlaTimer], pendulum.DateTime], list[TimerChange]]
"""One step of an update: it changes the timers in place at an instant and says what it did."""

_TICK = dt.timedelta(microseconds=1)


def _level_or_none(level: Level | str | None) -> Level | None:
    return None if level is None else _checks.member("level", level, Level)


def _find(timers: list[SlaTimer], metric: SlaMetric, subject: str | None = None) -> int | None:
    for index, timer in enumerate(timers):
        if timer.metric is metric and timer.subject == subject:
            return index
    return None


def _put(timers: list[SlaTimer], index: int | None, timer: SlaTimer) -> None:
    if index is None:
        timers.append(timer)
    else:
        timers[index] = timer


def _record(timer: SlaTimer, action: TimerAction, moment: pendulum.DateTime) -> TimerChange:
    return TimerChange(
        timer_id=timer.timer_id,
        metric=timer.metric,
        action=action,
        at=moment,
        target=timer.target,
        calendar=timer.calendar,
        deadline=timer.deadline,
        reason=timer.reason if action in {TimerAction.PAUSE, TimerAction.CANCEL} else None,
        subject=timer.subject,
    )


def _act(
    timer: SlaTimer,
    action: TimerAction,
    moment: pendulum.DateTime,
    reason: str | None,
    policy: SlaPolicy,
) -> SlaTimer:
    if action is TimerAction.PAUSE:
        return timer.paused(moment, reason or "paused", policy)
    if action is TimerAction.RESUME:
        return timer.resumed(moment, policy)
    if action is TimerAction.STOP:
        return timer.stopped(moment, policy)
    if action is TimerAction.CANCEL:
        return timer.cancelled(moment, reason or "cancelled", policy)
    raise PolicyError(  # pragma: no cover
        _("no timer operation for the action {action!r}", action=coded(action))
    )


def _metric_set(metrics: Collection[SlaMetric | str] | None) -> frozenset[SlaMetric] | None:
    """``metrics`` as members (each a member, code, name or label); None stays None (all)."""
    if metrics is None:
        return None
    if isinstance(metrics, str):
        raise ValidationError(
            _(
                "metrics must be a collection of SlaMetric, such as [{metrics!r}]; got the "
                "single value {metrics!r}",
                metrics=metrics,
            )
        )
    return frozenset(_checks.member("metrics", metric, SlaMetric) for metric in metrics)


def _each(
    timers: list[SlaTimer],
    action: TimerAction,
    moment: pendulum.DateTime,
    *,
    reason: str | None,
    policy: SlaPolicy,
    metrics: Collection[SlaMetric] | None,
) -> list[TimerChange]:
    changes = []
    for index, timer in enumerate(timers):
        if not timer.is_open or (metrics is not None and timer.metric not in metrics):
            continue
        if metrics is None and not timer.metric.levelled:
            continue  # a date promised, or the plan's own action, does not wait on the customer
        after = _act(timer, action, moment, reason, policy)
        if after is not timer:
            timers[index] = after
            changes.append(_record(after, action, moment))
    return changes
