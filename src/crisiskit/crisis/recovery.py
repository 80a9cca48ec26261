"""The recovery and the review: callbacks, the recovery plan and its milestones, the impact, the review."""

from __future__ import annotations

import attrs

from crisiskit.crisis._base import CrisisBase, Evolver, Obliger
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CallbackRecorded,
    Event,
    ImpactAssessed,
    MilestoneReached,
    RecoveryPlanSet,
    ReviewRecorded,
)
from crisiskit.messages import _
from crisiskit.operations.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import Review
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.sla.policy import Change

__all__ = ["Recovery"]


class Recovery(CrisisBase):
    """The commands of the recovery and the review."""

    __slots__ = ()

    @command()
    def record_callback(
        self,
        customer_id: str,
        satisfaction: int,
        *,
        comments: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CallbackRecorded:
        """Record a callback to an affected customer with their satisfaction, 1 to 5."""
        if not self.has_customer(customer_id):
            raise ValidationError(
                _(
                    "customer {customer_id!r} is not affected by crisis {crisis_id!r}",
                    customer_id=customer_id,
                    crisis_id=self.id,
                )
            )
        callback = Callback(customer_id, self._now(self._require_context()), satisfaction, comments)
        return self._record(CallbackRecorded, actor, reason, callback=callback)

    @command()
    def set_recovery_plan(
        self,
        plan: RecoveryPlan,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> RecoveryPlanSet:
        """Set (or revise) the recovery plan: goals, measures, dated milestones."""
        if not isinstance(plan, RecoveryPlan):
            raise ValidationError(
                _("set_recovery_plan() takes a RecoveryPlan; got {type}", type=type(plan).__name__)
            )
        return self._record(RecoveryPlanSet, actor, reason, old=self.recovery_plan, new=plan)

    @command(
        offered=lambda crisis: (
            crisis.recovery_plan is not None
            and any(m.done_at is None for m in crisis.recovery_plan.milestones)
        )
    )
    def reach_milestone(
        self,
        name: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> MilestoneReached:
        """Mark a milestone of the recovery plan as reached."""
        if self.recovery_plan is None:
            raise ValidationError(
                _("crisis {crisis_id!r} has no recovery plan yet", crisis_id=self.id)
            )
        if self.recovery_plan.milestone(name).done_at is not None:
            raise ValidationError(_("milestone {name!r} was reached already", name=name))
        return self._record(MilestoneReached, actor, reason, milestone=name)

    @command()
    def assess_impact(
        self,
        assessment: ImpactAssessment,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ImpactAssessed:
        """Record the business impact: sales, market share, satisfaction before and after."""
        if not isinstance(assessment, ImpactAssessment):
            raise ValidationError(
                _(
                    "assess_impact() takes an ImpactAssessment; got {type}",
                    type=type(assessment).__name__,
                )
            )
        return self._record(ImpactAssessed, actor, reason, assessment=assessment)

    @command()
    def record_review(
        self,
        review: Review,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ReviewRecorded:
        """Record the review: root cause, lessons, improvements. Required to close."""
        if not isinstance(review, Review):
            raise ValidationError(
                _("record_review() takes a Review; got {type}", type=type(review).__name__)
            )
        if review.reviewed_at is None:
            review = attrs.evolve(review, reviewed_at=self._now(self._require_context()))
        return self._record(ReviewRecorded, actor, reason, review=review)


def _callback(r: Record, event: CallbackRecorded) -> None:
    r.append("callbacks", event.callback)


def _recovery_plan(r: Record, event: RecoveryPlanSet) -> None:
    r.recovery_plan = event.new


def _milestone(r: Record, event: MilestoneReached) -> None:
    plan = r.recovery_plan
    assert plan is not None
    milestones = tuple(
        attrs.evolve(m, done_at=event.occurred_at) if m.name == event.milestone else m
        for m in plan.milestones
    )
    r.recovery_plan = attrs.evolve(plan, milestones=milestones)


def _impact(r: Record, event: ImpactAssessed) -> None:
    r.impact = event.assessment


def _review(r: Record, event: ReviewRecorded) -> None:
    r.review = event.review


EVOLVE: dict[type[Event], Evolver] = {
    CallbackRecorded: _callback,
    RecoveryPlanSet: _recovery_plan,
    MilestoneReached: _milestone,
    ImpactAssessed: _impact,
    ReviewRecorded: _review,
}
"""How each event of this slice changes the crisis's state record."""


def _milestones(crisis: CrisisBase, event: RecoveryPlanSet, policy: SlaPolicy) -> list[Change]:
    # Each milestone not reached is owed by its date: a date moved moves the deadline, one
    # reached in the new plan is fulfilled, one dropped from the plan is owed no longer.
    steps: list[Change] = []
    for milestone in event.new.milestones:
        if milestone.done_at is not None:
            steps.append(policy._recording(SlaMetric.RECOVERY_MILESTONE, milestone.name))
            continue
        owed = policy._owing(
            SlaMetric.RECOVERY_MILESTONE,
            milestone.name,
            due=milestone.due_at,
            owner=crisis.id,
        )
        steps.append(owed)
    kept = {m.name for m in event.new.milestones}
    dropped = {
        t.subject
        for t in crisis.timers
        if t.metric is SlaMetric.RECOVERY_MILESTONE
        and t.subject is not None
        and t.subject not in kept
    }
    if dropped:
        reason = _("the milestone is no longer in the recovery plan")
        steps.append(policy._releasing(dropped, reason, metrics=(SlaMetric.RECOVERY_MILESTONE,)))
    return steps


def _reached(crisis: CrisisBase, event: MilestoneReached, policy: SlaPolicy) -> list[Change]:
    return [policy._recording(SlaMetric.RECOVERY_MILESTONE, event.milestone)]


OBLIGATIONS: dict[type[Event], Obliger] = {
    RecoveryPlanSet: _milestones,
    MilestoneReached: _reached,
}
"""What each event of this slice owes or fulfils, as steps on the crisis's timers."""
