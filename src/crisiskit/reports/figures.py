"""The figures of one crisis and of a set of crises, from their event logs.

Figures are computed from the event log — the record — so they mean the same thing in a
live system, in a replay and in a backtest. They are plain, frozen, serialisable records a
host renders as it likes.

- *Time to acknowledge*: detection to :class:`~crisiskit.events.CrisisAcknowledged`.
- *Time to first customer contact*: detection to the first step of any customer case
  beyond "received".
- *Time to first statement*: detection to the first statement to customers or media.
- *Open time*: the time the crisis spent open, summed over its open periods, so a reopen
  neither creates a second crisis nor counts the closed gap; *time to close* is detection
  to the last close.
- *Satisfaction recovery*: the average callback score against the baseline of the impact
  assessment ("before"), both on the 1–5 scale.
- *Compensation and spending*: compensation totals by kind, and every amount spent (each
  grant and expense, with its budget category and time), in the currency it was spent in.
- *SLA outcome* per metric: ``breached`` if a breach was ever recorded for it (or its open
  timer is past its deadline), ``met`` if its timer stopped in time, ``running`` if it is
  still open in time, ``cancelled`` if it was called off before either. The period figure
  is the attainment: met / (met + breached).
- *Obligations* owed to a subject — each affected customer's first contact, each promise,
  each recovery milestone, the quality remedy's expected resolution: the same outcomes, one
  per obligation, counted per metric (a promise's count never mixes with the first contacts).
- *Promises* made to customers: kept by their due time, kept late, open past their due
  time (overdue), or still open in time. Attainment: on time / (on time + late + overdue).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import pendulum
from attrs import field, frozen

from crisiskit._internal.registry import serializable
from crisiskit.calendar import BusinessCalendar
from crisiskit.crisis import Crisis
from crisiskit.errors import ValidationError
from crisiskit.events import (
    BudgetExceeded,
    CallbackRecorded,
    CompensationGranted,
    CrisisAcknowledged,
    CrisisDetected,
    CustomerCaseUpdated,
    Event,
    SlaAlertsRaised,
    SlaTimersChanged,
    StateChanged,
    StatementReleased,
    TeamMemberAssigned,
)
from crisiskit.messages import _
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.review import ImprovementStatus
from crisiskit.plan import BudgetCategory
from crisiskit.sla import AlertKind, SlaMetric, SlaStatus, SlaTimer, TimerState
from crisiskit.values.levels import Level
from crisiskit.values.money import Money
from crisiskit.values.vocabulary import PUBLIC_AUDIENCES, CrisisState, CrisisType, Role

__all__ = [
    "CrisisMetrics",
    "DurationStats",
    "ImprovementFigures",
    "PeriodMetrics",
    "PromiseFigures",
    "SlaFigure",
    "Spend",
    "WorkingTimes",
    "crisis_metrics",
    "period_metrics",
    "sla_attainment",
    "summarise",
]


@serializable()
@frozen
class Spend:
    """One amount spent on a crisis: a compensation grant or an expense."""

    at: pendulum.DateTime
    """When it was spent."""
    category: BudgetCategory
    """The budget it comes out of (compensation is its own category)."""
    amount: Money
    """How much, in the currency it was spent in."""


@serializable()
@frozen
class PromiseFigures:
    """What became of promises made to customers (the crisis's obligations)."""

    on_time: int = 0
    """Kept by their due time."""
    late: int = 0
    """Kept after their due time."""
    overdue: int = 0
    """Still open, past their due time."""
    open: int = 0
    """Still open, not yet due."""

    @property
    def attainment(self) -> float | None:
        """On time / (on time + late + overdue); None when no promise was decided."""
        decided = self.on_time + self.late + self.overdue
        return self.on_time / decided if decided else None

    def __add__(self, other: PromiseFigures) -> PromiseFigures:
        return PromiseFigures(
            self.on_time + other.on_time,
            self.late + other.late,
            self.overdue + other.overdue,
            self.open + other.open,
        )


@serializable()
@frozen
class ImprovementFigures:
    """What became of the improvements the reviews decided."""

    open: int = 0
    """Still open, not past a due date (or with none)."""
    overdue: int = 0
    """Still open, past their due date."""
    done: int = 0
    """Marked done."""
    dropped: int = 0
    """Dropped."""

    def __add__(self, other: ImprovementFigures) -> ImprovementFigures:
        return ImprovementFigures(
            self.open + other.open,
            self.overdue + other.overdue,
            self.done + other.done,
            self.dropped + other.dropped,
        )


@serializable()
@frozen
class CrisisMetrics:
    """The figures of one crisis."""

    crisis_id: str
    """The crisis."""
    crisis_type: CrisisType
    """Its type."""
    level: Level | None
    """Its level at the end of the log."""
    state: CrisisState
    """Its state at the end of the log."""
    detected_at: pendulum.DateTime
    """When it was detected."""
    time_to_acknowledge: dt.timedelta | None
    """Detection to acknowledgement (受理); None if never acknowledged."""
    time_to_first_contact: dt.timedelta | None
    """Detection to the first contact with an affected customer."""
    time_to_first_statement: dt.timedelta | None
    """Detection to the first statement to customers or media."""
    time_to_close: dt.timedelta | None
    """Detection to the last close; None while open."""
    open_time: dt.timedelta
    """Time spent open, summed over open periods (up to ``as_of`` while open)."""
    reopens: int
    """How many times it was reopened."""
    callbacks: int
    """How many callbacks were recorded."""
    average_satisfaction: float | None
    """The mean callback score (1–5)."""
    baseline_satisfaction: float | None
    """The satisfaction before the crisis, from the impact assessment."""
    compensation_total: Money | None
    """What compensation cost in all."""
    compensation_by_kind: tuple[tuple[CompensationKind, Money], ...]
    """What each kind of compensation cost."""
    sla: tuple[tuple[SlaMetric, SlaStatus], ...] = ()
    """The outcome of each SLA metric timed for the crisis (met, breached, running or
    cancelled)."""
    owed: tuple[tuple[SlaMetric, str, SlaStatus], ...] = ()
    """The outcome of each obligation owed to one subject: (metric, subject, outcome) — each
    affected customer's first contact (the subject is the customer's id), each promise
    (``"<customer id>/<n>"``), each recovery milestone (its name), the expected resolution,
    the plan's updates to each audience, each planned action (its action id), each
    improvement with a due date (``"improvement-<n>"``)."""
    spending: tuple[Spend, ...] = ()
    """Every compensation grant and expense, in order."""
    budget_warnings: int = 0
    """How many times its spending went over the plan's budget for one crisis."""
    promises: PromiseFigures = field(factory=PromiseFigures)
    """What became of the promises made to its customers."""
    improvements: ImprovementFigures = field(factory=ImprovementFigures)
    """What became of the improvements its review decided."""
    departments: tuple[Role, ...] = ()
    """Every role anyone was assigned in on its team (released or not), in role order."""
    people: tuple[str, ...] = ()
    """Everyone assigned to its team (released or not), sorted."""

    def sla_outcome(self, metric: SlaMetric) -> SlaStatus | None:
        """The outcome for ``metric``; None when it was not timed."""
        return dict(self.sla).get(metric)

    @property
    def satisfaction_recovery(self) -> float | None:
        """Average callback score over the baseline: 1.0 means back to where it was."""
        if self.average_satisfaction is None or not self.baseline_satisfaction:
            return None
        return self.average_satisfaction / self.baseline_satisfaction


def crisis_metrics(
    events: Sequence[Event], *, as_of: pendulum.DateTime | None = None
) -> CrisisMetrics:
    """The figures of one crisis from its event log.

    Args:
        events: the crisis's events, in order, from its ``CrisisDetected``.
        as_of: the instant to measure an open crisis's open time, and its open timers and
            promises, to (default: its last event).
    """
    if not events or not isinstance(events[0], CrisisDetected):
        raise ValidationError(
            _("the figures of a crisis need its events from its CrisisDetected event on")
        )
    crisis = Crisis.replay(events)
    start = events[0].occurred_at
    end = as_of if as_of is not None else events[-1].occurred_at
    if end < start:
        raise ValidationError(
            _(
                "as_of {as_of} is before the crisis was detected ({detected})",
                as_of=end.isoformat(),
                detected=start.isoformat(),
            )
        )

    def since_start(moment: pendulum.DateTime | None) -> dt.timedelta | None:
        return None if moment is None else _plain(moment - start)

    acknowledged = next((e.occurred_at for e in events if isinstance(e, CrisisAcknowledged)), None)
    contact = next(
        (e.occurred_at for e in events if isinstance(e, CustomerCaseUpdated) and e.step.is_contact),
        None,
    )
    statement = next(
        (
            e.occurred_at
            for e in events
            if isinstance(e, StatementReleased) and e.statement.audience in PUBLIC_AUDIENCES
        ),
        None,
    )
    open_time, last_close, reopens = _open_periods(events, start, end)
    scores = [e.callback.satisfaction for e in events if isinstance(e, CallbackRecorded)]
    baseline = crisis.impact.before.satisfaction if crisis.impact is not None else None
    grants = [e.compensation for e in events if isinstance(e, CompensationGranted)]
    by_kind: dict[CompensationKind, Money] = {}
    for grant in grants:
        by_kind[grant.kind] = (
            by_kind[grant.kind] + grant.amount if grant.kind in by_kind else grant.amount
        )
    breached = {
        alert.timer_id
        for e in events
        if isinstance(e, SlaTimersChanged | SlaAlertsRaised)
        for alert in e.alerts
        if alert.kind is AlertKind.BREACH
    }
    sla = tuple((t.metric, _outcome(t, breached, end)) for t in crisis.timers if t.subject is None)
    owed = tuple(
        (t.metric, t.subject, _outcome(t, breached, end))
        for t in crisis.timers
        if t.subject is not None
    )
    spending = sorted(
        [Spend(c.granted_at, BudgetCategory.COMPENSATION, c.amount) for c in crisis.compensations]
        + [Spend(e.spent_at, e.category, e.amount) for e in crisis.expenses],
        key=lambda s: s.at,
    )
    assigned = [e.assignment for e in events if isinstance(e, TeamMemberAssigned)]
    roles = list(Role)
    return CrisisMetrics(
        crisis_id=crisis.id,
        crisis_type=crisis.crisis_type,
        level=crisis.level,
        state=crisis.state,
        detected_at=start,
        time_to_acknowledge=since_start(acknowledged),
        time_to_first_contact=since_start(contact),
        time_to_first_statement=since_start(statement),
        time_to_close=since_start(last_close) if not crisis.is_open else None,
        open_time=open_time,
        reopens=reopens,
        callbacks=len(scores),
        average_satisfaction=statistics.fmean(scores) if scores else None,
        baseline_satisfaction=baseline,
        compensation_total=crisis.compensation_total(),
        compensation_by_kind=tuple(sorted(by_kind.items(), key=lambda kv: kv[0].value)),
        sla=sla,
        owed=owed,
        spending=tuple(spending),
        budget_warnings=sum(isinstance(e, BudgetExceeded) for e in events),
        promises=_promises(crisis, end),
        improvements=_improvements(crisis, end),
        departments=tuple(sorted({a.role for a in assigned}, key=roles.index)),
        people=tuple(sorted({a.person for a in assigned})),
    )


def _promises(crisis: Crisis, end: pendulum.DateTime) -> PromiseFigures:
    figures = PromiseFigures()
    for case in crisis.cases:
        for promise in case.promises:
            kept = promise.kept_at
            figures += PromiseFigures(
                on_time=int(kept is not None and kept <= promise.due_at),
                late=int(kept is not None and kept > promise.due_at),
                overdue=int(kept is None and promise.due_at <= end),
                open=int(kept is None and promise.due_at > end),
            )
    return figures


def _improvements(crisis: Crisis, end: pendulum.DateTime) -> ImprovementFigures:
    figures = ImprovementFigures()
    for improvement in () if crisis.review is None else crisis.review.improvements:
        status = improvement.status
        late = improvement.due_at is not None and improvement.due_at <= end
        figures += ImprovementFigures(
            open=int(status is ImprovementStatus.OPEN and not late),
            overdue=int(status is ImprovementStatus.OPEN and late),
            done=int(status is ImprovementStatus.DONE),
            dropped=int(status is ImprovementStatus.DROPPED),
        )
    return figures


def _outcome(timer: SlaTimer, breached: set[str], end: pendulum.DateTime) -> SlaStatus:
    if timer.timer_id in breached or (
        timer.is_open and timer.deadline is not None and timer.deadline <= end
    ):
        return SlaStatus.BREACHED
    if timer.state is TimerState.STOPPED:
        return SlaStatus.MET if timer.consumed <= timer.target else SlaStatus.BREACHED
    if timer.state is TimerState.CANCELLED:
        return SlaStatus.CANCELLED
    return SlaStatus.RUNNING


def _plain(delta: dt.timedelta) -> dt.timedelta:
    """A plain timedelta (pendulum's subtraction gives an Interval, which prints oddly)."""
    return dt.timedelta(days=delta.days, seconds=delta.seconds, microseconds=delta.microseconds)


def _open_periods(
    events: Sequence[Event], start: pendulum.DateTime, end: pendulum.DateTime
) -> tuple[dt.timedelta, pendulum.DateTime | None, int]:
    total = dt.timedelta(0)
    opened: pendulum.DateTime | None = start
    last_close = None
    reopens = 0
    for event in events:
        if not isinstance(event, StateChanged):
            continue
        if event.to_state is CrisisState.CLOSED and opened is not None:
            total += _plain(event.occurred_at - opened)
            opened, last_close = None, event.occurred_at
        elif event.from_state is CrisisState.CLOSED and opened is None:
            opened = event.occurred_at
            reopens += event.name == "CrisisReopened"
    if opened is not None:
        total += max(_plain(end - opened), dt.timedelta(0))
    return total, last_close, reopens


@serializable()
@frozen
class DurationStats:
    """Summary of one duration over a set of crises (those where it is known)."""

    count: int
    """How many crises had this figure."""
    mean: dt.timedelta | None
    """The mean."""
    median: dt.timedelta | None
    """The median."""
    p90: dt.timedelta | None
    """The 90th percentile (nearest rank)."""
    worst: dt.timedelta | None
    """The longest."""

    @classmethod
    def of(cls, values: Iterable[dt.timedelta | None]) -> DurationStats:
        """Summarise the known values.

        The mean, and the median of an even count, are rounded to the microsecond.
        """
        known = sorted(v for v in values if v is not None)
        if not known:
            return cls(0, None, None, None, None)
        rank = max(0, -(-9 * len(known) // 10) - 1)
        middle = len(known) // 2
        median = known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2
        return cls(
            count=len(known),
            mean=sum(known, dt.timedelta(0)) / len(known),
            median=median,
            p90=known[rank],
            worst=known[-1],
        )


@serializable()
@frozen
class SlaFigure:
    """How one SLA metric fared over a set of crises."""

    metric: SlaMetric
    """The metric."""
    met: int = 0
    """Crises whose timer stopped in time."""
    breached: int = 0
    """Crises where it was breached."""
    running: int = 0
    """Crises where it was still running in time (undecided)."""

    @property
    def attainment(self) -> float | None:
        """Met / (met + breached); None when nothing was decided."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


@serializable()
@frozen
class WorkingTimes:
    """The durations of a set of crises counted in a calendar's working time."""

    calendar: str
    """The calendar's name."""
    time_to_acknowledge: DurationStats
    """Detection to acknowledgement, in working time."""
    time_to_first_contact: DurationStats
    """Detection to first customer contact, in working time."""
    time_to_first_statement: DurationStats
    """Detection to the first statement, in working time."""
    time_to_close: DurationStats
    """Detection to last close, in working time."""


_NO_DURATIONS = DurationStats(0, None, None, None, None)


@serializable()
@frozen
class PeriodMetrics:
    """The figures of a set of crises (a period, a team, a crisis type)."""

    crises: int
    """How many crises."""
    by_level: tuple[tuple[str, int], ...]
    """How many at each level (``"ungraded"`` for none)."""
    still_open: int
    """How many are open at the end of their logs."""
    reopened: int
    """How many were reopened at least once."""
    time_to_acknowledge: DurationStats
    """Detection to acknowledgement."""
    time_to_first_contact: DurationStats
    """Detection to first customer contact."""
    time_to_close: DurationStats
    """Detection to last close (closed crises only)."""
    average_satisfaction: float | None
    """Mean of the crises' average callback scores."""
    compensation_totals: tuple[Money, ...]
    """Compensation in all, one total per currency."""
    sla_attainment: tuple[tuple[SlaMetric, float], ...] = ()
    """Per SLA metric: met / (met + breached) over the crises that timed it."""
    time_to_first_statement: DurationStats = _NO_DURATIONS
    """Detection to the first statement to customers or media."""
    sla: tuple[SlaFigure, ...] = ()
    """Per SLA metric timed: how many crises met it, breached it, or were still running."""
    obligations: tuple[SlaFigure, ...] = ()
    """Per SLA metric owed to a subject (first contacts, promises, recovery milestones, the
    expected resolution): how many of its obligations were met, breached, or still running."""
    promises: PromiseFigures = field(factory=PromiseFigures)
    """What became of the promises made to customers."""
    improvements: ImprovementFigures = field(factory=ImprovementFigures)
    """What became of the improvements the reviews decided."""
    satisfaction_recovery: float | None = None
    """Mean of the crises' satisfaction recovery (callbacks over the baseline)."""
    spending: tuple[tuple[BudgetCategory, Money], ...] = ()
    """Spent per budget category, one line per category and currency (compensation included)."""
    budget_warnings: int = 0
    """How many times a crisis's spending went over the plan's budget for one crisis."""
    working: WorkingTimes | None = None
    """The durations in a calendar's working time, when a calendar was given."""

    @property
    def reopen_rate(self) -> float | None:
        """The share of crises reopened at least once; None for no crisis."""
        return self.reopened / self.crises if self.crises else None


def sla_attainment(
    outcomes: Iterable[Mapping[SlaMetric, SlaStatus]],
) -> tuple[tuple[SlaMetric, float], ...]:
    """Per metric, met / (met + breached) over crises' SLA outcomes (metrics never decided are left out)."""
    return tuple(
        (figure.metric, figure.attainment)
        for figure in _sla_figures(outcomes)
        if figure.attainment is not None
    )


def _owed(metrics: CrisisMetrics) -> list[tuple[SlaMetric, SlaStatus]]:
    return [(metric, status) for metric, _customer, status in metrics.owed]


def _sla_figures(
    outcomes: Iterable[Mapping[SlaMetric, SlaStatus] | Iterable[tuple[SlaMetric, SlaStatus]]],
) -> tuple[SlaFigure, ...]:
    counts: dict[SlaMetric, list[int]] = {}
    for outcome in outcomes:
        pairs = outcome.items() if isinstance(outcome, Mapping) else outcome
        for metric, status in pairs:
            tally = counts.setdefault(metric, [0, 0, 0])
            tally[0] += int(status is SlaStatus.MET)
            tally[1] += int(status is SlaStatus.BREACHED)
            tally[2] += int(status not in _DECIDED and status is not SlaStatus.CANCELLED)
    return tuple(SlaFigure(m, *counts[m]) for m in SlaMetric if m in counts)


_DECIDED = frozenset({SlaStatus.MET, SlaStatus.BREACHED})
_K = TypeVar("_K")
_LEVEL_ORDER = {"I": 0, "II": 1, "III": 2, "IV": 3, "ungraded": 4}


def period_metrics(
    histories: Iterable[Sequence[Event]], *, calendar: BusinessCalendar | None = None
) -> PeriodMetrics:
    """The figures of a set of crises, each given by its event log.

    Args:
        histories: each crisis's events, in order.
        calendar: a working calendar: the durations are also given in its working time
            (:attr:`PeriodMetrics.working`).
    """
    return summarise([crisis_metrics(events) for events in histories], calendar=calendar)


def summarise(
    per_crisis: Iterable[CrisisMetrics], *, calendar: BusinessCalendar | None = None
) -> PeriodMetrics:
    """The figures of a set of crises from each one's :class:`CrisisMetrics`."""
    crises = list(per_crisis)
    levels: dict[str, int] = {}
    totals: dict[str, Money] = {}
    spent: dict[tuple[BudgetCategory, str], Money] = {}
    for m in crises:
        key = m.level.value if m.level else "ungraded"
        levels[key] = levels.get(key, 0) + 1
        if m.compensation_total is not None:
            _add(totals, m.compensation_total.currency, m.compensation_total)
        for spend in m.spending:
            _add(spent, (spend.category, spend.amount.currency), spend.amount)
    satisfaction = [m.average_satisfaction for m in crises if m.average_satisfaction is not None]
    recovery = [m.satisfaction_recovery for m in crises if m.satisfaction_recovery is not None]
    categories = list(BudgetCategory)
    figures = _sla_figures(dict(m.sla) for m in crises)
    return PeriodMetrics(
        crises=len(crises),
        by_level=tuple(sorted(levels.items(), key=lambda kv: _LEVEL_ORDER.get(kv[0], 5))),
        still_open=sum(m.state.is_open for m in crises),
        reopened=sum(m.reopens > 0 for m in crises),
        time_to_acknowledge=DurationStats.of(m.time_to_acknowledge for m in crises),
        time_to_first_contact=DurationStats.of(m.time_to_first_contact for m in crises),
        time_to_close=DurationStats.of(m.time_to_close for m in crises),
        average_satisfaction=statistics.fmean(satisfaction) if satisfaction else None,
        compensation_totals=tuple(totals[c] for c in sorted(totals)),
        sla_attainment=tuple((f.metric, f.attainment) for f in figures if f.attainment is not None),
        time_to_first_statement=DurationStats.of(m.time_to_first_statement for m in crises),
        sla=figures,
        obligations=_sla_figures(_owed(m) for m in crises),
        promises=sum((m.promises for m in crises), PromiseFigures()),
        improvements=sum((m.improvements for m in crises), ImprovementFigures()),
        satisfaction_recovery=statistics.fmean(recovery) if recovery else None,
        spending=tuple(
            (category, spent[category, currency])
            for category, currency in sorted(spent, key=lambda k: (categories.index(k[0]), k[1]))
        ),
        budget_warnings=sum(m.budget_warnings for m in crises),
        working=_working(crises, calendar) if calendar is not None else None,
    )


def _add(totals: dict[_K, Money], key: _K, amount: Money) -> None:
    totals[key] = totals[key] + amount if key in totals else amount


def _working(crises: Sequence[CrisisMetrics], calendar: BusinessCalendar) -> WorkingTimes:
    def stats(of: Callable[[CrisisMetrics], dt.timedelta | None]) -> DurationStats:
        spans = ((m.detected_at, of(m)) for m in crises)
        return DurationStats.of(
            None if span is None else calendar.working_time(start, start + span)
            for start, span in spans
        )

    return WorkingTimes(
        calendar=calendar.name,
        time_to_acknowledge=stats(lambda m: m.time_to_acknowledge),
        time_to_first_contact=stats(lambda m: m.time_to_first_contact),
        time_to_first_statement=stats(lambda m: m.time_to_first_statement),
        time_to_close=stats(lambda m: m.time_to_close),
    )
