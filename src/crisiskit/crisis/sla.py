"""SLA timers on a crisis: pausing, sweeping, and what each event does to the timers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CrisisAcknowledged,
    CustomerCaseUpdated,
    Event,
    LevelChanged,
    ProgressReported,
    SignalAttached,
    SlaAlertsRaised,
    SlaTimersChanged,
    StateChanged,
    StatementReleased,
)
from crisiskit.messages import _
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus, SlaUpdate, TimerState
from crisiskit.values.vocabulary import PUBLIC_AUDIENCES, ChannelGroup

if TYPE_CHECKING:
    from crisiskit.crisis.context import Context

__all__ = ["SlaTiming"]

_PRIVATE_METRICS = frozenset(m for m in SlaMetric if m is not SlaMetric.PUBLIC_STATEMENT)


def _metric_set(metrics: Iterable[SlaMetric | str] | None) -> frozenset[SlaMetric] | None:
    if metrics is None:
        return None
    return frozenset(_checks.member("metrics", metric, SlaMetric) for metric in metrics)


def _has_running_timers(crisis: CrisisBase) -> bool:
    return any(t.state is TimerState.RUNNING for t in crisis.timers)


def _has_paused_timers(crisis: CrisisBase) -> bool:
    return any(t.state is TimerState.PAUSED for t in crisis.timers)


class SlaTiming(CrisisBase):
    """The crisis's SLA commands and queries, and the timer changes its events entail."""

    __slots__ = ()

    @command(reason="required", offered=_has_running_timers)
    def pause_sla(
        self,
        *,
        metrics: Iterable[SlaMetric | str] | None = None,
        actor: str,
        reason: str,
        expected_version: int | None = None,
    ) -> SlaTimersChanged:
        """Pause the running SLA timers (of ``metrics``, or all), e.g. while waiting on the customer.

        Pausing timers that are already paused changes nothing and raises
        :class:`~crisiskit.errors.ValidationError` — host webhooks that repeat are safe to
        ignore that error.
        """
        _checks.text("pause_sla(reason)", reason, max_length=500)
        policy = self._require_sla()
        update = policy.pause(
            self.timers, self._now(self._require_context()), reason, metrics=_metric_set(metrics)
        )
        return self._record_sla(update, actor, reason, "pause")

    @command(offered=_has_paused_timers)
    def resume_sla(
        self,
        *,
        metrics: Iterable[SlaMetric | str] | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> SlaTimersChanged:
        """Resume paused SLA timers (of ``metrics``, or all); a repeat changes nothing."""
        policy = self._require_sla()
        update = policy.resume(
            self.timers, self._now(self._require_context()), metrics=_metric_set(metrics)
        )
        return self._record_sla(update, actor, reason, "resume")

    @command(anywhere=True, offered=lambda crisis: bool(crisis.timers))
    def check_sla(
        self,
        *,
        actor: str = "system",
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> SlaAlertsRaised | None:
        """Sweep this crisis's timers now: record the milestones and breaches due, each once.

        Returns the event, or None when nothing was due. Hosts sweeping many crises call
        this for those whose :attr:`sla_next_due` has passed. It applies in every state.
        """
        context = self._require_context()
        policy = self._require_sla()
        if not self.timers:
            return None
        now = self._now(context)
        refreshed = policy.refresh(self.timers, now)
        if refreshed.changes:
            # Provisional deadlines, now on official calendar data: on record before their
            # alerts, so a replay brings the timers to the same place.
            self._record(
                SlaTimersChanged,
                actor,
                "the calendar now has official data for a provisional deadline",
                changes=refreshed.changes,
                timers=refreshed.changed_from(self.timers),
            )
        found = policy.sweep(self.timers, now)
        if not found.alerts:
            return None
        return self._record(SlaAlertsRaised, actor, reason, alerts=found.alerts)

    @property
    def sla_next_due(self) -> pendulum.DateTime | None:
        """The next instant a timer has a milestone or a breach due (None when nothing is)."""
        dues = [t.next_due for t in self.timers if t.next_due is not None]
        return min(dues) if dues else None

    def sla_status(
        self, at: pendulum.DateTime
    ) -> tuple[tuple[SlaMetric, SlaStatus, pendulum.DateTime | None], ...]:
        """(metric, status, deadline) of each timer at ``at``, for dashboards and timelines."""
        policy = self._require_sla()
        moment = _checks.instant("sla_status(at)", at)
        return tuple((t.metric, t.status(moment, policy), t.deadline) for t in self.timers)

    def _require_sla(self) -> SlaPolicy:
        policy = self._require_context().sla_for(self.crisis_type)
        if policy is None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} has no SLA policy: give its Context one (sla=...)",
                    crisis_id=self.id,
                )
            )
        return policy

    def _record_sla(
        self, update: SlaUpdate, actor: str, reason: str | None, what: str
    ) -> SlaTimersChanged:
        if not update.changes:
            raise ValidationError(
                _(
                    "nothing to pause: no SLA timer of crisis {crisis_id!r} is in a state to pause",
                    crisis_id=self.id,
                )
                if what == "pause"
                else _(
                    "nothing to resume: no SLA timer of crisis {crisis_id!r} is in a state to "
                    "resume",
                    crisis_id=self.id,
                )
            )
        return self._record(
            SlaTimersChanged,
            actor,
            reason,
            changes=update.changes,
            alerts=update.alerts,
            timers=update.changed_from(self.timers),
        )

    def _sla_update(self, event: Event, context: Context) -> SlaUpdate | None:
        """What ``event`` does to the SLA timers under the context's policy (None: nothing)."""
        policy = context.sla_for(self.crisis_type)
        if policy is None:
            return None
        at = event.occurred_at
        if isinstance(event, LevelChanged):
            metrics = self._sla_metrics(self.is_public)
            if not self.timers:
                # The obligations arose when the crisis was detected, not when someone
                # graded it: the most dangerous window is the one before triage.
                return policy.start(
                    event.new_level, at, owner=self.id, metrics=metrics, since=self.detected_at
                )
            return policy.regrade(self.timers, event.new_level, at, owner=self.id, metrics=metrics)
        if not self.timers or self.level is None:
            return None
        if isinstance(event, StateChanged):
            metrics = self._sla_metrics(self.is_public)
            return policy.enter(
                self.timers, event.to_state, self.level, at, owner=self.id, metrics=metrics
            )
        if isinstance(event, CrisisAcknowledged):
            return policy.record(self.timers, SlaMetric.ACKNOWLEDGE, at)
        if isinstance(event, CustomerCaseUpdated) and event.step.is_contact:
            return policy.record(self.timers, SlaMetric.FIRST_CONTACT, at)
        if isinstance(event, ProgressReported) and not self.is_public:
            # A crisis nobody outside knows of owes its progress updates inside: an internal
            # report keeps the cadence. Once it is public, only a public statement does.
            return policy.record(self.timers, SlaMetric.PROGRESS_UPDATE, at)
        if isinstance(event, StatementReleased) and event.statement.audience in PUBLIC_AUDIENCES:
            first = policy.record(self.timers, SlaMetric.PUBLIC_STATEMENT, at)
            then = policy.record(first.timers, SlaMetric.PROGRESS_UPDATE, at)
            return SlaUpdate(
                then.timers,
                first.changes + then.changes,
                first.alerts + then.alerts,
                then.next_wakeup,
            )
        if (
            isinstance(event, SignalAttached)
            and not self.is_public
            and event.signal.channel.group is ChannelGroup.PUBLIC_OPINION
        ):
            # The crisis goes public: the public statement is timed from now on.
            return policy.regrade(self.timers, self.level, at, owner=self.id, metrics=None)
        return None

    @staticmethod
    def _sla_metrics(public: bool) -> frozenset[SlaMetric] | None:
        """The metrics to time: all of them once the crisis is public, else all but the public statement."""
        return None if public else _PRIVATE_METRICS


def _timers(r: Record, event: SlaTimersChanged) -> None:
    # The event holds only the timers it touched: each replaces the one of the same id, and
    # the others (timers started) follow, in order — as the policy's update lists them.
    touched = {timer.timer_id: timer for timer in event.timers}
    kept = tuple(touched.pop(timer.timer_id, timer) for timer in r.timers)
    r.timers = (*kept, *touched.values())


def _alerted(r: Record, event: SlaAlertsRaised) -> None:
    # Each alerting timer remembers its alerts; no calendar is needed (see SlaTimer.alerted).
    alerting = {alert.timer_id for alert in event.alerts}
    r.timers = tuple(
        timer.alerted(event.alerts) if timer.timer_id in alerting else timer for timer in r.timers
    )


EVOLVE: dict[type[Event], Evolver] = {
    SlaTimersChanged: _timers,
    SlaAlertsRaised: _alerted,
}
"""How each event of this slice changes the crisis's state record."""
