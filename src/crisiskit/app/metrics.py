"""Supervision and assessment: the figures of one crisis and of a set of crises.

Figures are computed from the event log — the record — so they mean the same thing in a
live system, in a replay and in a backtest. They are plain typed records a host renders as
it likes.

- *Time to acknowledge*: detection to :class:`~crisiskit.events.CrisisAcknowledged`.
- *Time to first customer contact*: detection to the first step of any customer case
  beyond "received".
- *Time to first statement*: detection to the first statement to customers or media.
- *Open time*: the time the crisis spent open, summed over its open periods, so a reopen
  neither creates a second crisis nor counts the closed gap; *time to close* is detection
  to the last close.
- *Satisfaction recovery*: the average callback score against the baseline of the impact
  assessment ("before"), both on the 1–5 scale.
- *Compensation*: totals by kind and overall.
- *SLA outcome* per metric: ``breached`` if a breach was ever recorded for it (or its open
  timer is past its deadline), ``met`` if its timer stopped in time, ``running`` if it is
  still open in time, ``cancelled`` if it was called off before either. The period figure
  is the attainment: met / (met + breached).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence

import pendulum
from attrs import frozen

from crisiskit.crisis import Crisis
from crisiskit.errors import ValidationError
from crisiskit.events import (
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
)
from crisiskit.operations.compensation import CompensationKind
from crisiskit.sla import AlertKind, SlaMetric, SlaStatus, SlaTimer, TimerState
from crisiskit.values.levels import Level
from crisiskit.values.money import Money
from crisiskit.values.vocabulary import PUBLIC_AUDIENCES, CrisisState, CrisisType

__all__ = [
    "CrisisMetrics",
    "DurationStats",
    "PeriodMetrics",
    "crisis_metrics",
    "period_metrics",
    "sla_attainment",
]


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
    """The outcome of each obligation owed to one customer: (metric, customer id, outcome),
    e.g. each affected customer's first contact."""

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
        as_of: the instant to measure an open crisis's open time to (default: its last event).
    """
    crisis = Crisis.replay(events)
    first = events[0]
    assert isinstance(first, CrisisDetected)
    start = first.occurred_at
    end = as_of if as_of is not None else events[-1].occurred_at
    if end < start:
        raise ValidationError(f"as_of {end.isoformat()} is before the crisis was detected")

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
    )


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
        """Summarise the known values."""
        known = sorted(v for v in values if v is not None)
        if not known:
            return cls(0, None, None, None, None)
        seconds = [v.total_seconds() for v in known]
        rank = max(0, -(-9 * len(known) // 10) - 1)
        return cls(
            count=len(known),
            mean=dt.timedelta(seconds=statistics.fmean(seconds)),
            median=dt.timedelta(seconds=statistics.median(seconds)),
            p90=known[rank],
            worst=known[-1],
        )


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


def sla_attainment(
    outcomes: Iterable[Mapping[SlaMetric, SlaStatus]],
) -> tuple[tuple[SlaMetric, float], ...]:
    """Per metric, met / (met + breached) over crises' SLA outcomes (metrics never decided are left out)."""
    counts: dict[SlaMetric, list[int]] = {}
    for outcome in outcomes:
        for metric, status in outcome.items():
            met, decided = counts.setdefault(metric, [0, 0])
            counts[metric] = [met + (status is SlaStatus.MET), decided + (status in _DECIDED)]
    return tuple(
        (metric, counts[metric][0] / counts[metric][1])
        for metric in SlaMetric
        if metric in counts and counts[metric][1]
    )


_DECIDED = frozenset({SlaStatus.MET, SlaStatus.BREACHED})


def period_metrics(histories: Iterable[Sequence[Event]]) -> PeriodMetrics:
    """The figures of a set of crises, each given by its event log."""
    per_crisis = [crisis_metrics(events) for events in histories]
    levels: dict[str, int] = {}
    totals: dict[str, Money] = {}
    for m in per_crisis:
        key = m.level.value if m.level else "ungraded"
        levels[key] = levels.get(key, 0) + 1
        if m.compensation_total is not None:
            code = m.compensation_total.currency
            totals[code] = (
                totals[code] + m.compensation_total if code in totals else m.compensation_total
            )
    satisfaction = [
        m.average_satisfaction for m in per_crisis if m.average_satisfaction is not None
    ]
    order = {"I": 0, "II": 1, "III": 2, "IV": 3, "ungraded": 4}
    return PeriodMetrics(
        crises=len(per_crisis),
        by_level=tuple(sorted(levels.items(), key=lambda kv: order[kv[0]])),
        still_open=sum(m.state.is_open for m in per_crisis),
        reopened=sum(m.reopens > 0 for m in per_crisis),
        time_to_acknowledge=DurationStats.of(m.time_to_acknowledge for m in per_crisis),
        time_to_first_contact=DurationStats.of(m.time_to_first_contact for m in per_crisis),
        time_to_close=DurationStats.of(m.time_to_close for m in per_crisis),
        average_satisfaction=statistics.fmean(satisfaction) if satisfaction else None,
        compensation_totals=tuple(totals[c] for c in sorted(totals)),
        sla_attainment=sla_attainment(dict(m.sla) for m in per_crisis),
    )
