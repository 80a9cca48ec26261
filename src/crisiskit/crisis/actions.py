"""The plan's actions and the review's improvements, as obligations on the live crisis.

When a phase of the plan starts (the crisis is warned, responds, recovers), each of the
level's actions of that phase with a target is owed from the phase's start, on the
calendar the plan names; a level change re-targets the actions still open and owes those
the new level adds. ``complete_action`` fulfils one, on time or late. Each improvement of
the review with a due date is owed from the review until it is marked done (fulfilled) or
dropped (cancelled) with ``update_improvement`` — after closing too.
"""

from __future__ import annotations

import attrs
import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import _PHASE_OF, CrisisBase, Evolver, Obliger, _Items
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    ActionCompleted,
    ActionStarted,
    CrisisRelapsed,
    CrisisReopened,
    Event,
    ImprovementUpdated,
    LevelChanged,
    RecoveryStarted,
    ResponseStarted,
    ReviewRecorded,
    StateChanged,
    WarningIssued,
)
from crisiskit.messages import _
from crisiskit.operations.actions import ActionProgress
from crisiskit.operations.review import (
    ImprovementStatus,
    improvement_number,
    improvement_subject,
)
from crisiskit.plan import LevelPlan, Phase, PlannedAction
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.sla.policy import Change
from crisiskit.values.vocabulary import CrisisState

__all__ = ["Actions"]


def _has_actions_to_do(crisis: CrisisBase) -> bool:
    context = crisis._context
    level_plan = None if context is None else crisis._level_plan(context)
    if level_plan is None:
        return False
    done = crisis._r.actions
    return any(
        a.action_id not in done or done[a.action_id].completed_at is None
        for a in level_plan.actions
    )


def _has_open_improvements(crisis: CrisisBase) -> bool:
    review = crisis.review
    return review is not None and any(
        i.status is ImprovementStatus.OPEN for i in review.improvements
    )


class Actions(CrisisBase):
    """The commands of the plan's actions and the review's improvements."""

    __slots__ = ()

    actions: _Items[ActionProgress] = _Items()
    """The plan's actions someone took on or completed, in the order first recorded."""

    @property
    def phases_started(self) -> dict[Phase, pendulum.DateTime]:
        """When each phase of the plan started: the instants its actions are timed from.

        A phase starts when the crisis first enters its state (warned, responding,
        recovering); a sudden crisis, never warned, starts its warning with its response.
        """
        return dict(self._r.phases)

    @command(offered=_has_actions_to_do)
    def start_action(
        self,
        action_id: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ActionStarted:
        """Record that ``actor`` took on the plan's action ``action_id`` (optional before completing).

        Raises:
            ValidationError: the crisis has no plan or no level yet; the level's plan has no
                such action (the message lists its ids); the action was taken on or
                completed already.
        """
        self._planned(action_id)
        progress = self._r.actions.get(action_id)
        if progress is not None and progress.completed_at is not None:
            raise self._completed_already(progress)
        if progress is not None and progress.started_by is not None:
            raise ValidationError(
                _(
                    "action {action_id!r} was taken on already, by {person} at {at}",
                    action_id=action_id,
                    person=progress.started_by,
                    at=progress.started_at,
                )
            )
        return self._record(ActionStarted, actor, reason, action_id=action_id)

    @command(offered=_has_actions_to_do)
    def complete_action(
        self,
        action_id: str,
        *,
        note: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ActionCompleted:
        """Record the plan's action ``action_id`` done: its obligation is fulfilled, on time or late.

        An action is completed once: completing it again is refused with a
        :class:`~crisiskit.errors.ValidationError` that says when it was done, and changes
        nothing (a host repeating a webhook may ignore that error).

        Raises:
            ValidationError: the crisis has no plan or no level yet; the level's plan has no
                such action (the message lists its ids); it was completed already.
        """
        self._planned(action_id)
        if note is not None:
            _checks.text("complete_action(note)", note, max_length=2000)
        progress = self._r.actions.get(action_id)
        if progress is not None and progress.completed_at is not None:
            raise self._completed_already(progress)
        return self._record(ActionCompleted, actor, reason, action_id=action_id, note=note)

    @command(anywhere=True, offered=_has_open_improvements)
    def update_improvement(
        self,
        improvement: int | str,
        *,
        status: ImprovementStatus | str,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ImprovementUpdated:
        """Mark an improvement of the review done (its obligation is fulfilled) or dropped (cancelled).

        ``improvement`` is its number in the review, from 1, or its subject
        ``"improvement-<n>"``. Dropping one needs a reason. It applies in every state: the
        review is usually recorded as the crisis closes, and its improvements are followed
        up afterwards.

        Raises:
            ValidationError: there is no review, or no such improvement; ``status`` is not
                done or dropped; the improvement is not open any more; a drop without a reason.
        """
        number = improvement_number(improvement)
        if number is None:
            raise ValidationError(
                _(
                    'an improvement is named by its number, from 1, or as "improvement-<n>"; '
                    "got {value!r}",
                    value=improvement,
                )
            )
        chosen = _checks.member("update_improvement(status)", status, ImprovementStatus)
        review = self.review
        if review is None:
            raise ValidationError(
                _("crisis {crisis_id!r} has no review yet, so no improvements", crisis_id=self.id)
            )
        current = review.improvement(number)
        if chosen is ImprovementStatus.OPEN:
            raise ValidationError(
                _("an improvement can be marked done or dropped; got {status}", status=chosen)
            )
        if current.status is not ImprovementStatus.OPEN:
            raise ValidationError(
                _(
                    "improvement {number} is {status} already; only an open one can be marked "
                    "done or dropped",
                    number=number,
                    status=current.status,
                )
            )
        if chosen is ImprovementStatus.DROPPED:
            _checks.text("update_improvement(reason) for a dropped improvement", reason)
        return self._record(ImprovementUpdated, actor, reason, number=number, status=chosen)

    def _planned(self, action_id: str) -> PlannedAction:
        """The level's planned action ``action_id``; refused without a plan, a level, or the id."""
        _checks.text("action_id", action_id, max_length=200)
        context = self._require_context()
        if context.plan is None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} has no emergency plan: give its Context one (plan=...)",
                    crisis_id=self.id,
                )
            )
        level_plan = self._level_plan(context)
        if level_plan is None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} is not graded yet: its plan's actions depend on its level",
                    crisis_id=self.id,
                )
            )
        return level_plan.action(action_id)

    def _completed_already(self, progress: ActionProgress) -> ValidationError:
        return ValidationError(
            _(
                "action {action_id!r} was completed already, by {person} at {at}",
                action_id=progress.action_id,
                person=progress.completed_by,
                at=progress.completed_at,
            )
        )


# What the events owe -----------------------------------------------------------------------


def _owed(
    crisis: CrisisBase,
    level_plan: LevelPlan,
    phases: dict[Phase, pendulum.DateTime],
    policy: SlaPolicy,
) -> list[Change]:
    """Owe (or re-target) each not-completed action with a target of the ``phases`` started."""
    steps: list[Change] = []
    done = crisis._r.actions
    for action in level_plan.actions:
        began = phases.get(action.phase)
        if began is None or action.target is None:
            continue
        if action.action_id in done and done[action.action_id].completed_at is not None:
            continue
        steps.append(
            policy._owing(
                SlaMetric.PLANNED_ACTION,
                action.action_id,
                target=action.target,
                calendar=action.calendar,
                owner=crisis.id,
                since=began,
            )
        )
    return steps


def _phase_started(crisis: CrisisBase, event: StateChanged, policy: SlaPolicy) -> list[Change]:
    phase = _PHASE_OF.get(event.to_state)
    started = crisis._r.phases
    if phase is None or phase in started:
        return []
    context = crisis._require_context()
    level_plan = crisis._level_plan(context)
    if level_plan is None:
        return []
    phases = {phase: event.occurred_at}
    if phase is Phase.RESPONSE and Phase.WARNING not in started:
        phases[Phase.WARNING] = event.occurred_at
    return _owed(crisis, level_plan, phases, policy)


def _regraded(crisis: CrisisBase, event: LevelChanged, policy: SlaPolicy) -> list[Change]:
    context = crisis._require_context()
    if context.plan is None or crisis.state is CrisisState.CLOSED or not crisis._r.phases:
        return []
    level_plan = context.plan.for_crisis(crisis.crisis_type, event.new_level)
    steps = _owed(crisis, level_plan, crisis._r.phases, policy)
    targeted = {a.action_id for a in level_plan.actions if a.target is not None}
    untimed = {
        t.subject
        for t in crisis.timers
        if t.metric is SlaMetric.PLANNED_ACTION and t.is_open and t.subject not in targeted
    }
    if untimed:
        steps.append(
            policy._releasing(
                {s for s in untimed if s is not None},
                _(
                    "level {level}'s plan sets no target for this action",
                    level=event.new_level.value,
                ),
                metrics=(SlaMetric.PLANNED_ACTION,),
            )
        )
    return steps


def _completed(crisis: CrisisBase, event: ActionCompleted, policy: SlaPolicy) -> list[Change]:
    return [policy._recording(SlaMetric.PLANNED_ACTION, event.action_id)]


def _reviewed(crisis: CrisisBase, event: ReviewRecorded, policy: SlaPolicy) -> list[Change]:
    steps: list[Change] = []
    done: list[str] = []
    released: set[str] = set()
    for number, improvement in enumerate(event.review.improvements, start=1):
        subject = improvement_subject(number)
        if improvement.status is ImprovementStatus.DONE:
            done.append(subject)
        elif improvement.status is ImprovementStatus.DROPPED or improvement.due_at is None:
            released.add(subject)
        else:
            steps.append(
                policy._owing(
                    SlaMetric.IMPROVEMENT,
                    subject,
                    due=improvement.due_at,
                    owner=crisis.id,
                )
            )
    steps += [policy._recording(SlaMetric.IMPROVEMENT, subject) for subject in done]
    # A revised review that lists fewer improvements no longer owes the ones it left out.
    kept = {improvement_subject(n) for n in range(1, len(event.review.improvements) + 1)}
    released |= {
        t.subject
        for t in crisis.timers
        if t.metric is SlaMetric.IMPROVEMENT and t.subject is not None and t.subject not in kept
    }
    if released:
        steps.append(
            policy._releasing(
                released,
                _("the review no longer owes this improvement by a date"),
                metrics=(SlaMetric.IMPROVEMENT,),
            )
        )
    return steps


def _improvement(crisis: CrisisBase, event: ImprovementUpdated, policy: SlaPolicy) -> list[Change]:
    subject = improvement_subject(event.number)
    if event.status is ImprovementStatus.DONE:
        return [policy._recording(SlaMetric.IMPROVEMENT, subject)]
    return [
        policy._releasing(
            {subject},
            event.reason or _("the improvement was dropped"),
            metrics=(SlaMetric.IMPROVEMENT,),
        )
    ]


# How the events change the crisis -----------------------------------------------------------


def _progress(r: Record, action_id: str) -> ActionProgress:
    return r.actions.get(action_id) or ActionProgress(action_id)


def _action_started(r: Record, event: ActionStarted) -> None:
    r.actions[event.action_id] = attrs.evolve(
        _progress(r, event.action_id), started_at=event.occurred_at, started_by=event.actor
    )


def _action_completed(r: Record, event: ActionCompleted) -> None:
    r.actions[event.action_id] = attrs.evolve(
        _progress(r, event.action_id),
        completed_at=event.occurred_at,
        completed_by=event.actor,
        note=event.note,
    )


def _improvement_updated(r: Record, event: ImprovementUpdated) -> None:
    assert r.review is not None
    r.review = r.review.with_status(event.number, event.status)


EVOLVE: dict[type[Event], Evolver] = {
    ActionStarted: _action_started,
    ActionCompleted: _action_completed,
    ImprovementUpdated: _improvement_updated,
}
"""How each event of this slice changes the crisis's state record."""

OBLIGATIONS: dict[type[Event], Obliger] = {
    WarningIssued: _phase_started,
    ResponseStarted: _phase_started,
    RecoveryStarted: _phase_started,
    CrisisRelapsed: _phase_started,
    CrisisReopened: _phase_started,
    LevelChanged: _regraded,
    ActionCompleted: _completed,
    ReviewRecorded: _reviewed,
    ImprovementUpdated: _improvement,
}
"""What each event of this slice owes or fulfils, as steps on the crisis's timers."""
