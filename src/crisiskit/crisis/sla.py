"""SLA timers on a crisis: pausing, sweeping, and what each event does to the timers."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CrisisAcknowledged,
    CrisisDetected,
    CrisisMerged,
    CrisisUnmerged,
    CustomerCaseUpdated,
    CustomersAdded,
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
from crisiskit.sla import (
    Recipients,
    SlaAlert,
    SlaMetric,
    SlaPolicy,
    SlaStatus,
    SlaUpdate,
    TimerState,
)
from crisiskit.sla.policy import Change
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import PUBLIC_AUDIENCES, ChannelGroup

if TYPE_CHECKING:
    from crisiskit.crisis.context import Context

__all__ = ["SlaTiming"]


@functools.cache
def _private_metrics(registered: tuple[SlaMetric, ...]) -> frozenset[SlaMetric]:
    """Every metric but the public statement, with the host's ``registered`` ones."""
    return frozenset((*SlaMetric.builtin_members(), *registered)) - {SlaMetric.PUBLIC_STATEMENT}


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
        context = self._require_context()
        update = policy.pause(self.timers, self._now(context), reason, metrics=_metric_set(metrics))
        return self._record_sla(update, context, actor, reason, "pause")

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
        context = self._require_context()
        update = policy.resume(self.timers, self._now(context), metrics=_metric_set(metrics))
        return self._record_sla(update, context, actor, reason, "resume")

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
        alerts = self._addressed(found.alerts, context, self.level)
        return self._record(SlaAlertsRaised, actor, reason, alerts=alerts)

    @property
    def sla_next_due(self) -> pendulum.DateTime | None:
        """The next instant a timer has a milestone or a breach due (None when nothing is)."""
        dues = [t.next_due for t in self.timers if t.next_due is not None]
        return min(dues) if dues else None

    def sla_status(
        self, at: pendulum.DateTime
    ) -> tuple[tuple[SlaMetric, SlaStatus, pendulum.DateTime | None], ...]:
        """(metric, status, deadline) of each of the crisis's own timers at ``at``.

        For dashboards and timelines; what is owed to each customer is :meth:`sla_owed`.
        """
        policy = self._require_sla()
        moment = _checks.instant("sla_status(at)", at)
        return tuple(
            (t.metric, t.status(moment, policy), t.deadline)
            for t in self.timers
            if t.subject is None
        )

    def sla_owed(
        self, at: pendulum.DateTime
    ) -> tuple[tuple[SlaMetric, str, SlaStatus, pendulum.DateTime | None], ...]:
        """(metric, subject, status, deadline) of each timer owed to one subject at ``at``.

        The subject is a customer's id (their first contact), ``"<customer id>/<n>"`` (their
        n-th promise), a recovery milestone's name, ``"expected_resolution"`` (the quality
        remedy's), an audience's code (the plan's updates to it), a planned action's id, or
        ``"improvement-<n>"``.
        """
        policy = self._require_sla()
        moment = _checks.instant("sla_owed(at)", at)
        return tuple(
            (t.metric, t.subject, t.status(moment, policy), t.deadline)
            for t in self.timers
            if t.subject is not None
        )

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
        self, update: SlaUpdate, context: Context, actor: str, reason: str | None, what: str
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
        events = self._split(update, context, self.level)
        if update.earlier:
            # Alerts that fell due before the pause are on record before it, as a sweep would
            # have put them; the pause is the person's, the alerts the system's.
            event_type, fields = events.pop(0)
            self._record(event_type, "system", None, **fields)
        event_type, fields = events.pop(0)
        event = self._build(SlaTimersChanged, actor, reason, **fields)
        self._commit_all(event, [])
        for event_type, fields in events:
            self._record(event_type, "system", None, **fields)
        return event

    def _sla_events(
        self, event: Event, context: Context
    ) -> list[tuple[type[Event], dict[str, Any]]]:
        update = self._sla_update(event, context)
        if update is None:
            return []
        level = event.new_level if isinstance(event, LevelChanged) else self.level
        return self._split(update, context, level)

    def _split(
        self, update: SlaUpdate, context: Context, level: Level | None
    ) -> list[tuple[type[Event], dict[str, Any]]]:
        """The events recording ``update``, in the order its parts happened.

        Alerts due under the old timers come first, then the change, then the alerts the
        change made due: every alert is its own alert event, whoever found it.
        """
        events: list[tuple[type[Event], dict[str, Any]]] = []
        timers = self.timers
        if update.earlier:
            events.append(
                (SlaAlertsRaised, {"alerts": self._addressed(update.earlier, context, level)})
            )
            timers = tuple(timer.alerted(update.earlier) for timer in timers)
        touched = update.touched(timers)
        if update.changes or touched:
            events.append((SlaTimersChanged, {"changes": update.changes, "timers": touched}))
        later = update.later
        if later:
            events.append((SlaAlertsRaised, {"alerts": self._addressed(later, context, level)}))
        return events

    def _addressed(
        self, alerts: Iterable[SlaAlert], context: Context, level: Level | None
    ) -> tuple[SlaAlert, ...]:
        """``alerts``, each with whom the plan says to notify and who holds those roles now."""
        plan = context.plan
        if plan is None:
            return tuple(alerts)
        # Alerts of one metric at one fraction go to the same people: a catch-up raises many.
        found: dict[tuple[str, float], Recipients | None] = {}
        addressed = []
        for alert in alerts:
            rule = (alert.metric.value, alert.fraction)
            if rule in found:
                recipients = found[rule]
            else:
                roles = plan.alert_roles(self.crisis_type, level, *rule)
                people = tuple(dict.fromkeys(p for role in roles for p in self.members(role)))
                recipients = found[rule] = Recipients(roles, people) if roles else None
            addressed.append(alert._to(recipients))
        return tuple(addressed)

    def _sla_update(self, event: Event, context: Context) -> SlaUpdate | None:
        """What ``event`` does to the SLA timers under the context's policy (None: nothing)."""
        policy = context.sla_for(self.crisis_type)
        if policy is None:
            return None
        steps = self._sla_steps(event, policy)
        for hook in self._OBLIGATIONS.get(type(event), ()):
            steps += hook(self, event, policy)
        if policy.event_rules and policy.rules_on(event.name):
            level = event.new_level if isinstance(event, LevelChanged) else self.level
            metrics = self._sla_metrics(self.is_public)
            steps.append(policy._on_event(event.name, level, owner=self.id, metrics=metrics))
        if not steps:
            return None
        return policy._run(self.timers, event.occurred_at, *steps)

    def _sla_steps(self, event: Event, policy: SlaPolicy) -> list[Change]:
        """The built-in steps ``event`` takes on the timers (the slices add their own)."""
        metrics = self._sla_metrics(self.is_public)
        if isinstance(event, CrisisDetected):
            # The obligations arise when the crisis is detected, not when someone grades it:
            # the window before triage is timed by the policy's targets for ungraded crises.
            if not policy.targets_for(None):
                return []
            return [policy._starting(None, owner=self.id, metrics=metrics)]
        if isinstance(event, LevelChanged):
            # On the first level, what the level adds runs from the detection too. A
            # customer already contacted owes none; a first contact already made is on
            # record as fulfilled when it was made.
            contacts = {
                c: case.first_contact_at
                for c, case in self._r.cases.items()
                if case.first_contact_at is not None
            }
            owed = tuple(c for c in self._r.customers if c not in contacts)
            since = self.detected_at if event.old_level is None else None
            fulfilled = (
                {SlaMetric.FIRST_CONTACT: min(contacts.values())}
                if contacts and event.old_level is None
                else None
            )
            # Only customers never owed a contact here: a contact that closing cancelled is
            # not owed again because the level changed.
            timed = {t.subject for t in self.timers if t.metric is SlaMetric.FIRST_CONTACT}
            return [
                policy._regrading(
                    event.new_level,
                    owner=self.id,
                    metrics=metrics,
                    customers=tuple(c for c in owed if c not in timed),
                    since=since,
                    fulfilled=fulfilled,
                )
            ]
        steps: list[Change] = []
        if not self.timers:
            return steps
        if self.level is not None:
            going_public = (
                isinstance(event, SignalAttached)
                and not self.is_public
                and event.signal.channel.group is ChannelGroup.PUBLIC_OPINION
            )
            arriving = _arriving(event, self)
            if arriving or going_public:
                # Newly affected customers are owed a first contact from now on; a crisis
                # going public owes its public statement from now on.
                steps.append(
                    policy._regrading(
                        self.level,
                        owner=self.id,
                        metrics=None if going_public else metrics,
                        customers=arriving,
                    )
                )
        if isinstance(event, CrisisUnmerged):
            leaving = tuple(c.customer_id for c in event.customers)
            steps.append(policy._releasing(leaving, _("the customer left with the unmerge")))
        elif isinstance(event, StateChanged):
            steps.append(
                policy._entering(event.to_state, self.level, owner=self.id, metrics=metrics)
            )
        elif isinstance(event, CrisisAcknowledged):
            steps.append(policy._recording(SlaMetric.ACKNOWLEDGE, None))
        elif isinstance(event, CustomerCaseUpdated) and event.step.is_contact:
            steps.append(policy._recording(SlaMetric.FIRST_CONTACT, event.customer_id))
        elif isinstance(event, ProgressReported) and not self.is_public:
            # A crisis nobody outside knows of owes its progress updates inside: an internal
            # report keeps the cadence. Once it is public, only a public statement does.
            steps.append(policy._recording(SlaMetric.PROGRESS_UPDATE, None))
        elif isinstance(event, StatementReleased) and event.statement.audience in PUBLIC_AUDIENCES:
            statement = (SlaMetric.PUBLIC_STATEMENT, SlaMetric.PROGRESS_UPDATE)
            steps.append(policy._recording(statement, None))
        return steps

    @staticmethod
    def _sla_metrics(public: bool) -> frozenset[SlaMetric] | None:
        """The metrics to time: all of them once the crisis is public, else all but the public statement."""
        # Counted afresh once a host has registered metrics: theirs are timed too.
        return None if public else _private_metrics(SlaMetric.registered_members())


def _arriving(event: Event, crisis: CrisisBase) -> tuple[str, ...]:
    """The customers ``event`` makes affected that the crisis did not have yet."""
    if isinstance(event, CustomersAdded | CrisisMerged):
        refs = event.customers
    elif isinstance(event, SignalAttached):
        refs = event.signal.customers
    else:
        return ()
    return tuple(
        dict.fromkeys(r.customer_id for r in refs if not crisis.has_customer(r.customer_id))
    )


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
