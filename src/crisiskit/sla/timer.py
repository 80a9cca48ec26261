"""SLA timers: immutable values whose every operation returns a new timer.

A timer measures one target (acknowledge, first contact, ...) in business time on one
calendar. It is started, paused (with a reason), resumed, stopped (the target was
fulfilled) or cancelled; a level change retargets it and a recorded progress update
restarts a cadence. Repeating a pause or a resume changes nothing (host webhooks repeat).

Consumed time is counted in business time per running segment, so time spent paused is
never added to a deadline. The timer keeps its closed segments, which is what makes the
breach instant of a shortened target exact: the instant the consumed time crossed it, even
if that lies in the past.

A timer refers to its calendar by name; every operation that needs business time takes a
:class:`~crisiskit.calendar.CalendarLookup` — the :class:`~crisiskit.sla.SlaPolicy`, or a
:class:`~crisiskit.calendar.BusinessCalendar` itself. Serialised timers therefore stay small,
and a host that updates a calendar calls :meth:`SlaTimer.recomputed` to refresh deadlines.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum
from attrs import evolve, field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.instants import duration_us, from_us, to_us, us_of_duration, us_of_instant
from crisiskit._internal.registry import serializable
from crisiskit.calendar import BusinessCalendar, CalendarLookup
from crisiskit.errors import InvalidTransition, ValidationError
from crisiskit.messages import _, coded
from crisiskit.sla.vocabulary import (
    AlertKind,
    SlaMetric,
    SlaStatus,
    TimerAction,
    TimerState,
    to_sla_metric,
    to_timer_state,
)
from crisiskit.values.vocabulary import Role, to_roles

__all__ = ["DEFAULT_MILESTONES", "Recipients", "RunSegment", "SlaAlert", "SlaTimer"]

DEFAULT_MILESTONES: tuple[float, ...] = (0.5, 0.75, 1.0)
"""Alert when half, three quarters and all of the target are used up."""

_ZERO = dt.timedelta(0)
_POINTS: dict[tuple[float, ...], tuple[float, ...]] = {}


def _is_duration(*, positive: bool) -> _checks.Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        where = f"{type(instance).__name__}.{attribute.name}"
        us_of_duration(where, value)
        if positive and value == _ZERO:
            raise ValidationError(
                _("{where} must be longer than zero; got {value}", where=where, value=value)
            )

    return check


def _to_fractions(value: Iterable[float]) -> tuple[float, ...]:
    items = _checks.to_tuple(value)
    if isinstance(items, tuple) and all(
        isinstance(item, int | float) and not isinstance(item, bool) for item in items
    ):
        return tuple(float(item) for item in items)
    return items


def _is_optional_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise ValidationError(
            _("SlaTimer.data_ends must be a date or None; got {value!r}", value=value)
        )


def _is_fractions(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    where = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            _(
                "{where} must be a non-empty sequence of fractions such as (0.5, 0.75, 1.0); "
                "got {value!r}",
                where=where,
                value=value,
            )
        )
    for item in value:
        number = _checks.number(_("{where} item", where=where), item)
        if not 0 < number <= 100:
            raise ValidationError(
                _(
                    "{where}: a milestone is a fraction of the target > 0 (1.0 is the deadline, "
                    "1.5 half as much again); got {item!r}",
                    where=where,
                    item=item,
                )
            )
    if list(value) != sorted(set(value)):
        raise ValidationError(
            _(
                "{where} must be increasing, without repeats; got {value!r}",
                where=where,
                value=value,
            )
        )


def _is_at_risk(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number = _checks.number(f"{type(instance).__name__}.{attribute.name}", value)
    if not 0 < number <= 1:
        raise ValidationError(
            _(
                "{where} is the fraction of the target after which a timer is at risk, > 0 and "
                "<= 1; got {value!r}",
                where=f"{type(instance).__name__}.{attribute.name}",
                value=value,
            )
        )


def _is_emitted(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number = _checks.number(f"{type(instance).__name__}.{attribute.name}", value)
    if number < 0:
        raise ValidationError(
            _(
                "{where} must be >= 0; got {value!r}",
                where=f"{type(instance).__name__}.{attribute.name}",
                value=value,
            )
        )


def _lookup(calendars: object, name: str) -> BusinessCalendar:
    # Duck-typed rather than isinstance(..., CalendarLookup): a runtime protocol check costs
    # more than the rest of a sweep's work on a timer.
    finder = getattr(calendars, "calendar", None)
    if not callable(finder):
        raise ValidationError(
            _(
                "calendars must be a CalendarLookup — an SlaPolicy, a BusinessCalendar or a "
                "CalendarSet; got {type}",
                type=type(calendars).__name__,
            )
        )
    found = finder(name)
    if not isinstance(found, BusinessCalendar):
        raise ValidationError(
            _(
                "calendars.calendar({name!r}) must return a BusinessCalendar; got {type}",
                name=name,
                type=type(found).__name__,
            )
        )
    return found


@serializable()
@frozen
class RunSegment:
    """A closed stretch during which a timer ran, and the business time it consumed."""

    start: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When the timer started or resumed."""
    end: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When it paused, stopped, or moved to another calendar."""
    business: dt.timedelta = field(validator=_is_duration(positive=False))
    """Business time consumed between the two, on :attr:`calendar`."""
    calendar: str = field(validator=_checks.is_text)
    """The calendar the segment ran on."""

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                _(
                    "RunSegment.end {end} is before its start {start}",
                    end=self.end,
                    start=self.start,
                )
            )
        if self.business > self.end - self.start:
            raise ValidationError(
                _(
                    "RunSegment.business {business} is longer than the segment itself ({length})",
                    business=self.business,
                    length=self.end - self.start,
                )
            )


@serializable()
@frozen
class Recipients:
    """Whom an alert is for: the roles the plan names for it, and who holds them."""

    roles: tuple[Role, ...] = field(converter=to_roles, validator=_checks.is_members(Role))
    """The roles to notify, by the plan's alert rules."""
    people: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "str")
    )
    """The team members holding those roles when the alert was raised (ids, each once)."""


@serializable()
@frozen
class SlaAlert:
    """A milestone or breach that became due: what a sweep returns, each exactly once.

    It is stored as it is in the :class:`~crisiskit.events.SlaAlertsRaised` event, so it
    holds only what a host notifies from; its :attr:`kind` follows from its fraction.
    """

    timer_id: str = field(validator=_checks.is_text)
    """The timer it belongs to."""
    metric: SlaMetric = field(converter=to_sla_metric, validator=_checks.is_member(SlaMetric))
    """What the timer measures."""
    fraction: float = field(validator=_is_emitted)
    """The fraction of the target used up: 0.5, 0.75, 1.0 (the breach) ..."""
    due_at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """The instant the fraction was used up (in the past for a retroactive breach)."""
    target: dt.timedelta = field(validator=_is_duration(positive=True))
    """The target in force when the alert became due."""
    next_due: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the timer's next alert after this one falls due, as the sweep placed it (None: no
    further alert can be placed yet — the last one was raised, or the timer is paused or ended).
    It is the timer's :attr:`SlaTimer.next_due` after the alert, so a timer is brought up to
    date from its alerts alone (:meth:`SlaTimer.alerted`)."""
    subject: str | None = field(default=None, validator=_checks.is_optional_text)
    """Whom the timer's obligation is owed to (a customer's id), or None for the crisis."""
    recipients: Recipients | None = field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Recipients)),
    )
    """Whom to notify, by the plan's alert rules (None: the plan names no one)."""

    @property
    def kind(self) -> AlertKind:
        """The breach (the fraction 1.0), or a milestone."""
        return AlertKind.BREACH if self.fraction == 1.0 else AlertKind.MILESTONE

    def _to(self, recipients: Recipients | None) -> SlaAlert:
        """This alert addressed to ``recipients``, without re-running the validators.

        Its fields are already valid and ``recipients`` is crisiskit's own: a catch-up
        addresses every alert it raises, and an ``attrs.evolve`` per alert re-checked them all.
        """
        copy = object.__new__(SlaAlert)
        setter = object.__setattr__
        for name in _ALERT_FIELDS:
            setter(copy, name, getattr(self, name))
        setter(copy, "recipients", recipients)
        return copy


@serializable()
@frozen
class SlaTimer:
    """One time target of one crisis, measured in business time on one calendar.

    Build it with :meth:`start` (or :meth:`SlaPolicy.start <crisiskit.sla.SlaPolicy.start>`);
    the fields from :attr:`deadline` on are derived by crisiskit and kept so that a sweep over
    many timers is a comparison per timer.
    """

    timer_id: str = field(validator=_checks.is_text)
    """A stable id chosen by the host, e.g. ``"CR-2025-0042/acknowledge"``."""
    metric: SlaMetric = field(converter=to_sla_metric, validator=_checks.is_member(SlaMetric))
    """What the timer measures."""
    target: dt.timedelta = field(validator=_is_duration(positive=True))
    """The business time allowed."""
    calendar: str = field(validator=_checks.is_text)
    """The name of the calendar the timer runs on now."""
    state: TimerState = field(converter=to_timer_state, validator=_checks.is_member(TimerState))
    """Running, paused, stopped or cancelled."""
    started_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When this run of the timer started (a restart starts a new run)."""
    running_since: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """Start of the running segment; None unless running."""
    segments: tuple[RunSegment, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(RunSegment, "RunSegment"),
    )
    """The closed running segments of this run, oldest first."""
    consumed: dt.timedelta = field(default=_ZERO, validator=_is_duration(positive=False))
    """Business time consumed by the closed segments."""
    deadline: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the target is (or was) used up; None while paused with time left."""
    next_due: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the next alert not yet emitted becomes due; None if none can become due."""
    emitted: float = field(default=0.0, converter=_checks.to_float, validator=_is_emitted)
    """The highest fraction already alerted (0.0: none). Alerts are emitted once each."""
    milestones: tuple[float, ...] = field(
        default=DEFAULT_MILESTONES, converter=_to_fractions, validator=_is_fractions
    )
    """Fractions of the target that raise an alert; the breach (1.0) always does."""
    at_risk: float = field(default=0.75, converter=_checks.to_float, validator=_is_at_risk)
    """The fraction of the target after which :meth:`status` reads at risk."""
    reason: str | None = field(default=None, validator=_checks.is_optional_text)
    """Why the timer is paused or was cancelled."""
    ended_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When it was stopped or cancelled."""
    subject: str | None = field(default=None, validator=_checks.is_optional_text)
    """Whom the obligation is owed to, when not the crisis as a whole: an affected
    customer's id for that customer's first contact. None: the crisis."""
    breached_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the last breach reported for this run fell due (None: none was). A downgrade
    re-arms the breach for a later deadline; this keeps a later upgrade from reporting the
    same breach again."""
    data_ends: dt.date | None = field(default=None, validator=_is_optional_date)
    """When the deadline or the next alert lies past the calendar's official data: the last
    date that data covered. The instant is then *provisional*, worked out from the weekly
    hours alone, and is recomputed once the calendar is extended (see
    :meth:`SlaPolicy.refresh <crisiskit.sla.SlaPolicy.refresh>`). None: on official data."""

    def __attrs_post_init__(self) -> None:
        running = self.state is TimerState.RUNNING
        ended = not self.state.is_open
        if running != (self.running_since is not None):
            raise ValidationError(
                _(
                    "SlaTimer {timer_id!r}: running_since must be set exactly when the timer is "
                    "running; state {state}, running_since {running_since}",
                    timer_id=self.timer_id,
                    state=coded(self.state),
                    running_since=self.running_since,
                )
            )
        if ended != (self.ended_at is not None):
            raise ValidationError(
                _(
                    "SlaTimer {timer_id!r}: ended_at must be set exactly when the timer is "
                    "stopped or cancelled; state {state}, ended_at {ended_at}",
                    timer_id=self.timer_id,
                    state=coded(self.state),
                    ended_at=self.ended_at,
                )
            )
        if sum((s.business for s in self.segments), _ZERO) != self.consumed:
            raise ValidationError(
                _(
                    "SlaTimer {timer_id!r}: consumed {consumed} is not the sum of its "
                    "segments' business time",
                    timer_id=self.timer_id,
                    consumed=self.consumed,
                )
            )
        moments = [self.started_at]
        for segment in self.segments:
            moments += [segment.start, segment.end]
        moments += [m for m in (self.running_since, self.ended_at) if m is not None]
        if moments != sorted(moments):
            raise ValidationError(
                _(
                    "SlaTimer {timer_id!r}: its segments and instants are out of order",
                    timer_id=self.timer_id,
                )
            )

    # ------------------------------------------------------------------ building

    @classmethod
    def start(
        cls,
        timer_id: str,
        metric: SlaMetric | str,
        target: dt.timedelta,
        calendar: BusinessCalendar,
        at: dt.datetime,
        *,
        milestones: Iterable[float] = DEFAULT_MILESTONES,
        at_risk: float = 0.75,
        subject: str | None = None,
    ) -> SlaTimer:
        """A timer running from ``at`` with ``target`` business time on ``calendar``.

        ``subject`` is whom the obligation is owed to, when not the crisis (a customer's id).

        Raises:
            HorizonError: the deadline (or a milestone) lies past the calendar's horizon.
        """
        if not isinstance(calendar, BusinessCalendar):
            raise ValidationError(
                _(
                    "SlaTimer.start needs a BusinessCalendar; got {type}",
                    type=type(calendar).__name__,
                )
            )
        moment = _checks.instant("SlaTimer.start(at)", at)
        timer = cls(
            timer_id=timer_id,
            metric=_checks.member("SlaTimer.start(metric)", metric, SlaMetric),
            target=target,
            calendar=calendar.name,
            state=TimerState.RUNNING,
            started_at=moment,
            running_since=moment,
            milestones=tuple(milestones),
            at_risk=at_risk,
            subject=subject,
        )
        return timer._derived(calendar)

    # ------------------------------------------------------------------ reading

    @property
    def is_open(self) -> bool:
        """True while running or paused."""
        return self.state.is_open

    @property
    def last_change(self) -> pendulum.DateTime:
        """The instant of the timer's latest change; later operations may not predate it."""
        if self.ended_at is not None:
            return self.ended_at
        if self.running_since is not None:
            return self.running_since
        return self.segments[-1].end if self.segments else self.started_at

    def elapsed(self, at: dt.datetime, calendars: CalendarLookup) -> dt.timedelta:
        """Business time consumed by ``at`` in this run (paused time does not count)."""
        moment = us_of_instant("SlaTimer.elapsed(at)", at)
        return dt.timedelta(microseconds=self._elapsed_us(moment, calendars))

    def remaining(self, at: dt.datetime, calendars: CalendarLookup) -> dt.timedelta:
        """Business time left at ``at`` (zero once the target is used up)."""
        return max(self.target - self.elapsed(at, calendars), _ZERO)

    def status(self, at: dt.datetime, calendars: CalendarLookup) -> SlaStatus:
        """Running, paused, at risk, breached, met or cancelled, at ``at``.

        A stopped timer is met if it used no more than its target, else breached. An open
        timer is breached once nothing remains (from the deadline instant on), then paused if
        paused, at risk past :attr:`at_risk` of the target, else running.
        """
        if self.state is TimerState.CANCELLED:
            return SlaStatus.CANCELLED
        if self.state is TimerState.STOPPED:
            return SlaStatus.MET if self.consumed <= self.target else SlaStatus.BREACHED
        used = self.elapsed(at, calendars)
        if used >= self.target:
            return SlaStatus.BREACHED
        if self.state is TimerState.PAUSED:
            return SlaStatus.PAUSED
        if used >= self.target * self.at_risk:
            return SlaStatus.AT_RISK
        return SlaStatus.RUNNING

    def milestone_times(
        self, calendars: CalendarLookup
    ) -> tuple[tuple[float, pendulum.DateTime | None], ...]:
        """Each alert fraction (milestones and 1.0) with the instant it is or was reached.

        None for a fraction that cannot be placed: the timer is paused or ended before it.
        """
        return tuple(
            (point, self._at_or_none(self._reach_us(self._amount(point), calendars)))
            for point in self._points()
        )

    # ------------------------------------------------------------------ operations

    def paused(self, at: dt.datetime, reason: str, calendars: CalendarLookup) -> SlaTimer:
        """Pause at ``at`` (e.g. waiting on the customer); a timer already paused is returned as is."""
        if self.state is TimerState.PAUSED:
            return self
        self._refuse_if_ended("pause")
        reason = _checks.text("SlaTimer.paused(reason)", reason, max_length=500)
        moment = self._moment("paused(at)", at)
        closed = self._close_segment(moment, calendars)
        return evolve(closed, state=TimerState.PAUSED, reason=reason)._derived(calendars)

    def resumed(self, at: dt.datetime, calendars: CalendarLookup) -> SlaTimer:
        """Resume at ``at``; a timer already running is returned as is.

        Raises:
            InvalidTransition: the timer was stopped or cancelled.
        """
        if self.state is TimerState.RUNNING:
            return self
        self._refuse_if_ended("resume")
        moment = self._moment("resumed(at)", at)
        return evolve(self, state=TimerState.RUNNING, running_since=moment, reason=None)._derived(
            calendars
        )

    def stopped(self, at: dt.datetime, calendars: CalendarLookup) -> SlaTimer:
        """Stop at ``at``: the target was fulfilled (met, or met late). Repeating it is a no-op."""
        if self.state is TimerState.STOPPED:
            return self
        self._refuse_if_ended("stop")
        return self._end(TimerState.STOPPED, at, None, calendars)

    def cancelled(self, at: dt.datetime, reason: str, calendars: CalendarLookup) -> SlaTimer:
        """Cancel at ``at``: the target no longer applies (e.g. the crisis was dismissed)."""
        if self.state is TimerState.CANCELLED:
            return self
        self._refuse_if_ended("cancel")
        reason = _checks.text("SlaTimer.cancelled(reason)", reason, max_length=500)
        return self._end(TimerState.CANCELLED, at, reason, calendars)

    def retargeted(
        self,
        target: dt.timedelta,
        at: dt.datetime,
        calendars: CalendarLookup,
        *,
        calendar: str | None = None,
        restart: bool = False,
    ) -> SlaTimer:
        """Apply a new target (a level change) at ``at``, optionally on another calendar.

        By default the business time already used is kept — counted on the new calendar
        over the same running stretches when the calendar changes; if it already exceeds the
        new target, the deadline is the instant it crossed it — in the past — and the next
        sweep reports the breach at that instant. With ``restart=True`` the new target starts
        from zero at ``at``.

        The new target's milestones still ahead are scheduled; those it had already passed
        at ``at`` are not raised after the fact (only its breach is). A breach already
        reported is not repeated while the new target is also breached; when the new
        deadline lies ahead (a downgrade), the breach is re-armed for it, and the earlier
        breach stays in the history.

        Raises:
            InvalidTransition: the timer was stopped or cancelled.
        """
        self._refuse_if_ended("retarget")
        _is_duration(positive=True)(self, attrs.fields(SlaTimer).target, target)
        moment = self._moment("retargeted(at)", at)
        name = self.calendar if calendar is None else _checks.text("calendar", calendar)
        _lookup(calendars, name)
        if restart:
            return self._new_run(moment, calendars, target=target, calendar=name)
        timer = self
        if name != self.calendar:
            # The time used is what the same running stretches count on the new calendar:
            # a crisis raised from a working-hours level to a round-the-clock one has used
            # the night it spent waiting, and pauses still count for nothing.
            new = _lookup(calendars, name)
            segments = tuple(
                RunSegment(
                    segment.start,
                    segment.end,
                    dt.timedelta(
                        microseconds=new._working_us(to_us(segment.start), to_us(segment.end))
                    ),
                    name,
                )
                for segment in self.segments
            )
            timer = evolve(
                self, segments=segments, consumed=sum((s.business for s in segments), _ZERO)
            )
        return evolve(timer, target=target, calendar=name)._caught_up(moment, calendars)

    def restarted(self, at: dt.datetime, calendars: CalendarLookup) -> SlaTimer:
        """Start a new run at ``at`` (a recorded progress update restarts the cadence).

        The new run is paused if the timer is paused, else running; alerts start afresh.
        Alerts of the old run that were due but not yet swept are dropped, so sweep first
        (the :class:`~crisiskit.sla.SlaPolicy` operations do).
        """
        moment = self._moment("restarted(at)", at)
        return self._new_run(moment, calendars, target=self.target, calendar=self.calendar)

    def recomputed(self, calendars: CalendarLookup) -> SlaTimer:
        """The same timer with its deadline and next alert recomputed (after a calendar update)."""
        return self._derived(calendars)

    def alerted(self, alerts: Iterable[SlaAlert]) -> SlaTimer:
        """The timer as the sweep that raised ``alerts`` left it: it remembers them.

        Alerts of other timers are ignored. The latest of this timer's alerts (the highest
        fraction) gives what it has emitted and its :attr:`next_due`, so no calendar is
        needed: this is how an :class:`~crisiskit.events.SlaAlertsRaised` event is applied.

        Raises:
            ValidationError: an alert of this timer was already emitted (its fraction is
                not above :attr:`emitted`).
        """
        latest: SlaAlert | None = None
        for alert in alerts:
            if alert.timer_id != self.timer_id:
                continue
            if alert.fraction <= self.emitted:
                raise ValidationError(
                    _(
                        "SlaTimer {timer_id!r} already emitted the alert at {fraction:g} of its "
                        "target (it has emitted up to {emitted:g})",
                        timer_id=self.timer_id,
                        fraction=alert.fraction,
                        emitted=self.emitted,
                    )
                )
            if latest is None or alert.fraction > latest.fraction:
                latest = alert
        if latest is None:
            return self
        breach = next(
            (a.due_at for a in alerts if a.timer_id == self.timer_id and a.fraction == 1.0),
            self.breached_at,
        )
        return self._with(emitted=latest.fraction, next_due=latest.next_due, breached_at=breach)

    # ------------------------------------------------------------------ internals

    def _refuse_if_ended(self, command: str) -> None:
        if not self.state.is_open:
            raise InvalidTransition(
                _(
                    "cannot {command} the timer {timer_id!r}: it was {state} at {ended_at}; "
                    "start a new run with restarted() instead",
                    command=coded(TimerAction(command)),
                    timer_id=self.timer_id,
                    state=self.state,
                    ended_at=self.ended_at,
                ),
                state=self.state.value,
                command=command,
                allowed=("restart",),
            )

    def _moment(self, what: str, at: object) -> pendulum.DateTime:
        moment = _checks.instant(f"SlaTimer.{what}", at)
        if moment < self.last_change:
            raise ValidationError(
                _(
                    "SlaTimer.{what}: {moment} is before the timer's last change at "
                    "{last_change}; a timer only moves forward",
                    what=what,
                    moment=moment,
                    last_change=self.last_change,
                )
            )
        return moment

    def _close_segment(self, moment: pendulum.DateTime, calendars: CalendarLookup) -> SlaTimer:
        """The timer with its running segment (if any) closed at ``moment``; state unchanged."""
        if self.running_since is None:
            return self
        used = _lookup(calendars, self.calendar)._working_us(
            to_us(self.running_since), to_us(moment)
        )
        segment = RunSegment(
            self.running_since, moment, dt.timedelta(microseconds=used), self.calendar
        )
        return evolve(
            self,
            state=TimerState.PAUSED,
            running_since=None,
            segments=(*self.segments, segment),
            consumed=self.consumed + segment.business,
        )

    def _end(
        self, state: TimerState, at: object, reason: str | None, calendars: CalendarLookup
    ) -> SlaTimer:
        moment = self._moment(
            f"{'stopped' if state is TimerState.STOPPED else 'cancelled'}(at)", at
        )
        closed = self._close_segment(moment, calendars)
        ended = evolve(closed, state=state, reason=reason, ended_at=moment)._derived(calendars)
        # A stopped timer keeps the deadline it was running against, to show met or late.
        return evolve(ended, deadline=ended.deadline or self.deadline)

    def _new_run(
        self,
        moment: pendulum.DateTime,
        calendars: CalendarLookup,
        *,
        target: dt.timedelta,
        calendar: str,
    ) -> SlaTimer:
        paused = self.state is TimerState.PAUSED
        return evolve(
            self,
            target=target,
            calendar=calendar,
            state=TimerState.PAUSED if paused else TimerState.RUNNING,
            started_at=moment,
            running_since=None if paused else moment,
            segments=(),
            consumed=_ZERO,
            emitted=0.0,
            breached_at=None,
            reason=self.reason if paused else None,
            ended_at=None,
        )._derived(calendars)

    def _points(self) -> tuple[float, ...]:
        points = _POINTS.get(self.milestones)
        if points is None:
            points = _POINTS[self.milestones] = tuple(sorted({*self.milestones, 1.0}))
        return points

    def _amount(self, fraction: float) -> int:
        target = duration_us(self.target)
        return target if fraction == 1.0 else math.ceil(target * fraction)

    def _elapsed_us(self, moment: int, calendars: CalendarLookup) -> int:
        total = 0
        for segment in self.segments:
            start, end = to_us(segment.start), to_us(segment.end)
            if moment <= start:
                return total
            if moment < end:
                return total + _lookup(calendars, segment.calendar)._working_us(start, moment)
            total += duration_us(segment.business)
        if self.running_since is not None:
            since = to_us(self.running_since)
            if moment > since:
                total += _lookup(calendars, self.calendar)._working_us(since, moment)
        return total

    def _reach_us(self, amount: int, calendars: CalendarLookup) -> int | None:
        """The first instant by which ``amount`` was or will be consumed; None if unknowable."""
        consumed = duration_us(self.consumed)
        if amount <= consumed:
            before = 0
            for segment in self.segments:
                business = duration_us(segment.business)
                if before + business >= amount:
                    found = _lookup(calendars, segment.calendar)._add_us(
                        to_us(segment.start), amount - before
                    )
                    return min(found, to_us(segment.end))
                before += business
        if self.running_since is None:
            return None
        return _lookup(calendars, self.calendar)._add_us(
            to_us(self.running_since), amount - consumed
        )

    @staticmethod
    def _at_or_none(value: int | None) -> pendulum.DateTime | None:
        return None if value is None else from_us(value)

    def _derived(self, calendars: CalendarLookup) -> SlaTimer:
        """The timer with :attr:`deadline` and :attr:`next_due` computed afresh."""
        deadline = self._at_or_none(self._reach_us(self._amount(1.0), calendars))
        point = self._next_point_after(self.emitted)
        if point is None:
            next_due = None
        elif point == 1.0:
            next_due = deadline if self._can_breach() else None
        else:
            next_due = self._at_or_none(self._reach_us(self._amount(point), calendars))
        data_ends = None
        calendar = calendars.calendar(self.calendar)
        if calendar.provisional_until is not None:
            latest = max((t for t in (deadline, next_due) if t is not None), default=None)
            if latest is not None and calendar.is_provisional(latest):
                data_ends = calendar.horizon_end
        if (deadline, next_due, data_ends) == (self.deadline, self.next_due, self.data_ends):
            return self
        return self._with(deadline=deadline, next_due=next_due, data_ends=data_ends)

    def _with(self, **changes: object) -> SlaTimer:
        """A copy with derived fields replaced, without re-running the validators.

        The values are crisiskit's own, already valid; a sweep makes one copy per alerting
        timer, and skipping the validators (which guard values from outside) makes it several
        times cheaper. Alerts are built the same way (:meth:`_alert`).
        """
        copy = object.__new__(SlaTimer)
        setter = object.__setattr__
        for name, value in zip(_TIMER_FIELDS, _TIMER_VALUES(self), strict=True):
            setter(copy, name, value)
        for name, value in changes.items():
            setter(copy, name, value)
        return copy

    def _emit(
        self, now: pendulum.DateTime, calendars: CalendarLookup
    ) -> tuple[SlaTimer, list[SlaAlert]]:
        """Alerts due by ``now`` that were not emitted yet, and the timer that remembers them."""
        alerts: list[SlaAlert] = []
        emitted = self.emitted
        breached_at = self.breached_at
        due = self.next_due
        points = self._points()
        for index, point in enumerate(points):
            if point <= emitted:
                continue
            if due is None or due > now:
                break
            reached = due
            emitted = point
            if point == 1.0:
                breached_at = reached
            due = None
            if index + 1 < len(points):
                following = points[index + 1]
                if following == 1.0 and self.state.is_open:
                    due = self.deadline  # an open timer's deadline is exactly that instant
                elif following == 1.0 and not self._can_breach():
                    due = None
                else:
                    due = self._at_or_none(self._reach_us(self._amount(following), calendars))
            alerts.append(self._alert(point, reached, due))
        if not alerts:
            return self, alerts
        return self._with(emitted=emitted, next_due=due, breached_at=breached_at), alerts

    def _alert(
        self, fraction: float, due: pendulum.DateTime, next_due: pendulum.DateTime | None
    ) -> SlaAlert:
        alert = object.__new__(SlaAlert)
        setter = object.__setattr__
        setter(alert, "timer_id", self.timer_id)
        setter(alert, "metric", self.metric)
        setter(alert, "fraction", fraction)
        setter(alert, "due_at", due)
        setter(alert, "target", self.target)
        setter(alert, "next_due", next_due)
        setter(alert, "subject", self.subject)
        setter(alert, "recipients", None)
        return alert

    def _caught_up(self, moment: pendulum.DateTime, calendars: CalendarLookup) -> SlaTimer:
        """The timer with what it had passed by ``moment`` counted (see :meth:`_passed`)."""
        return self._with(emitted=self._passed(moment, calendars))._derived(calendars)

    def _passed(self, moment: pendulum.DateTime, calendars: CalendarLookup) -> float:
        """What counts as emitted once the target changed at ``moment``.

        The milestones of the new target already reached are behind us: they are counted
        as emitted, so only those ahead are raised. Its breach, when reached, counts only
        if a breach was reported already; otherwise it is due now, at the instant it
        happened. A breach whose new deadline lies ahead is re-armed.
        """
        used = self._elapsed_us(to_us(moment), calendars)
        reported = max(self.emitted, 1.0 if self.breached_at is not None else 0.0)
        passed = 0.0
        for point in self._points():
            if self._amount(point) > used or (point >= 1.0 and point > reported):
                break
            passed = point
        return passed

    def _can_breach(self) -> bool:
        # A target fulfilled with no time to spare is met (see status()): its deadline is the
        # instant it stopped, and no breach is due then.
        return self.state is not TimerState.STOPPED or self.consumed > self.target

    def _next_point_after(self, fraction: float) -> float | None:
        for point in self._points():
            if point > fraction:
                return point
        return None


_TIMER_FIELDS = tuple(field.name for field in attrs.fields(SlaTimer))
_TIMER_VALUES = operator.attrgetter(*_TIMER_FIELDS)  # every field's value, in one call
_ALERT_FIELDS = tuple(f.name for f in attrs.fields(SlaAlert) if f.name != "recipients")
