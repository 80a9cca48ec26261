"""Backtesting: what past crises would have looked like under another policy.

Hand it the event logs of past crises and a different grading or SLA policy; it replays
each log and reports where the outcome would have differed:

* :func:`backtest_grading` re-assesses every graded moment with the other policy, from the
  inputs the original assessment recorded, at the same instant (the policy's hysteresis
  follows the other policy's own earlier levels). Manual regrades stand as they were.
* :func:`backtest_sla` re-runs the SLA timers of every crisis under the other policy (and,
  optionally, the other grading policy's levels), and compares each metric's outcome —
  met, breached, still running, cancelled — with the original.

Nothing is written: the logs are read, the crises rebuilt in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
import pendulum
from attrs import frozen

from crisiskit.crisis import Context, Crisis
from crisiskit.errors import EventSequenceError
from crisiskit.events import (
    AssessmentRecorded,
    CrisisDetected,
    Event,
    LevelChanged,
    SlaAlertsRaised,
    SlaTimersChanged,
)
from crisiskit.grading import GradingPolicy
from crisiskit.messages import _
from crisiskit.reports.figures import _outcome, crisis_metrics, sla_attainment
from crisiskit.sla import AlertKind, SlaAlert, SlaMetric, SlaPolicy, SlaStatus, sweep
from crisiskit.values.clock import ManualClock
from crisiskit.values.levels import Level

__all__ = [
    "GradingBacktest",
    "LevelDifference",
    "SlaBacktest",
    "SlaDifference",
    "backtest_grading",
    "backtest_sla",
]


@frozen
class LevelDifference:
    """A graded moment where the other policy would have decided another level."""

    crisis_id: str
    """The crisis."""
    at: pendulum.DateTime
    """When it was graded."""
    original: Level | None
    """The level the crisis had after this moment."""
    alternative: Level | None
    """The level it would have had under the other policy."""


@frozen
class GradingBacktest:
    """The result of :func:`backtest_grading`."""

    policy: str
    """The other policy, ``name@version``."""
    crises: int
    """How many crises were replayed."""
    assessments: int
    """How many graded moments were re-assessed."""
    differences: tuple[LevelDifference, ...]
    """Where the levels would have differed, in order."""
    final_levels: tuple[tuple[str, Level | None, Level | None], ...]
    """(crisis id, original final level, alternative final level) for every crisis."""

    @property
    def agreement(self) -> float:
        """The share of re-assessed moments where both policies gave the same level (1.0 if none)."""
        if not self.assessments:
            return 1.0
        return 1 - len(self.differences) / self.assessments


def backtest_grading(
    histories: Iterable[Sequence[Event]], policy: GradingPolicy
) -> GradingBacktest:
    """Re-grade past crises with ``policy`` and report where the levels would have differed."""
    differences: list[LevelDifference] = []
    finals: list[tuple[str, Level | None, Level | None]] = []
    count = assessments = 0
    for events in histories:
        count += 1
        crisis_id = _first(events).crisis_id
        original: Level | None = None
        alternative: Level | None = None
        for event in events:
            if isinstance(event, LevelChanged | AssessmentRecorded):
                graded = event.assessment
                if isinstance(event, LevelChanged):
                    original = event.new_level
                if graded is None:
                    alternative = original  # a manual regrade stands under any policy
                    continue
                inputs = attrs.evolve(graded.inputs, previous_level=alternative)
                alternative = policy.assess(inputs, at=event.occurred_at).level
                assessments += 1
                if alternative is not original:
                    differences.append(
                        LevelDifference(crisis_id, event.occurred_at, original, alternative)
                    )
        finals.append((crisis_id, original, alternative))
    return GradingBacktest(
        policy=f"{policy.name}@{policy.version}",
        crises=count,
        assessments=assessments,
        differences=tuple(differences),
        final_levels=tuple(finals),
    )


@frozen
class SlaDifference:
    """An SLA metric of one crisis whose outcome would have differed."""

    crisis_id: str
    """The crisis."""
    metric: SlaMetric
    """The metric."""
    original: SlaStatus | None
    """Its outcome as it happened (None: not timed)."""
    alternative: SlaStatus | None
    """Its outcome under the other policy (None: not timed)."""


@frozen
class SlaBacktest:
    """The result of :func:`backtest_sla`."""

    crises: int
    """How many crises were replayed."""
    differences: tuple[SlaDifference, ...]
    """The metric outcomes that would have differed."""
    original_attainment: tuple[tuple[SlaMetric, float], ...]
    """Met / (met + breached) per metric, as it happened."""
    alternative_attainment: tuple[tuple[SlaMetric, float], ...]
    """The same under the other policy."""


def backtest_sla(
    histories: Iterable[Sequence[Event]],
    sla: SlaPolicy,
    *,
    grading: GradingPolicy | None = None,
    as_of: pendulum.DateTime | None = None,
) -> SlaBacktest:
    """Re-run past crises' SLA timers under ``sla`` (and ``grading``'s levels, if given).

    Args:
        histories: the event logs.
        sla: the other SLA policy.
        grading: re-grade too, and time each crisis at the levels this policy gives.
        as_of: judge still-open timers at this instant (default: each log's last event).
    """
    differences: list[SlaDifference] = []
    original: list[dict[SlaMetric, SlaStatus]] = []
    alternative: list[dict[SlaMetric, SlaStatus]] = []
    for events in histories:
        crisis_id = _first(events).crisis_id  # before anything reads the log
        end = as_of if as_of is not None else events[-1].occurred_at
        before = dict(crisis_metrics(events, as_of=end).sla)
        after = _replay_sla(events, sla, grading, end)
        original.append(before)
        alternative.append(after)
        for metric in SlaMetric:
            if before.get(metric) is not after.get(metric):
                differences.append(
                    SlaDifference(crisis_id, metric, before.get(metric), after.get(metric))
                )
    return SlaBacktest(
        crises=len(original),
        differences=tuple(differences),
        original_attainment=sla_attainment(original),
        alternative_attainment=sla_attainment(alternative),
    )


def _first(events: Sequence[Event]) -> CrisisDetected:
    if not events or not isinstance(events[0], CrisisDetected):
        raise EventSequenceError(_("a history starts with the crisis's CrisisDetected event"))
    return events[0]


def _replay_sla(
    events: Sequence[Event],
    policy: SlaPolicy,
    grading: GradingPolicy | None,
    end: pendulum.DateTime,
) -> dict[SlaMetric, SlaStatus]:
    first = _first(events)
    context = Context(ManualClock(first.occurred_at), sla=policy)
    shadow = Crisis._from_detected(first, context)
    detected = shadow._sla_update(first, context)  # the timers of a crisis not graded yet
    if detected is not None:
        shadow._set_timers(detected.timers)
    breached: set[str] = set()  # the ids of the timers breached
    alternative_level: Level | None = None

    def note(alerts: Iterable[SlaAlert]) -> None:
        breached.update(a.timer_id for a in alerts if a.kind is AlertKind.BREACH)

    for original in events[1:]:
        if isinstance(original, SlaTimersChanged | SlaAlertsRaised):
            continue  # the original policy's timers: replaced by the other policy's
        event: Event | None = original
        if shadow.timers:
            swept = sweep(shadow.timers, original.occurred_at, policy)
            note(swept.alerts)
            shadow._set_timers(swept.timers)
        if grading is not None and isinstance(original, LevelChanged | AssessmentRecorded):
            event, alternative_level = _regraded(original, shadow, grading, alternative_level)
        if event is None:
            continue
        update = shadow._sla_update(event, context)
        shadow._apply(event)
        if update is not None:
            note(update.alerts)
            shadow._set_timers(update.timers)
    if shadow.timers:
        swept = sweep(shadow.timers, end, policy)
        note(swept.alerts)
        shadow._set_timers(swept.timers)
    return {t.metric: _outcome(t, breached, end) for t in shadow.timers if t.subject is None}


def _regraded(
    event: LevelChanged | AssessmentRecorded,
    shadow: Crisis,
    grading: GradingPolicy,
    previous: Level | None,
) -> tuple[Event | None, Level | None]:
    """The event as it would have been under ``grading``: a level change, or nothing."""
    if event.assessment is None:
        assert isinstance(event, LevelChanged)
        return event, event.new_level
    inputs = attrs.evolve(event.assessment.inputs, previous_level=previous)
    level = grading.assess(inputs, at=event.occurred_at).level
    if level is shadow.level:
        return None, level
    changed = LevelChanged(
        crisis_id=event.crisis_id,
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor=event.actor,
        old_level=shadow.level,
        new_level=level,
    )
    return changed, level
