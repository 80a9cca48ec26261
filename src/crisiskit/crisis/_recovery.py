"""The recovery work on a crisis (private): callbacks, the recovery plan, the impact, the review."""

from __future__ import annotations

import attrs

from crisiskit.crisis._protocol import Aggregate
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CallbackRecorded,
    ImpactAssessed,
    MilestoneReached,
    RecoveryPlanSet,
    ReviewRecorded,
)
from crisiskit.operations.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import Review

__all__ = ["RecoveryWork"]


class RecoveryWork:
    """The crisis commands of the recovery and the review."""

    __slots__ = ()

    @command()
    def record_callback(
        self: Aggregate,
        customer_id: str,
        satisfaction: int,
        *,
        comments: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CallbackRecorded:
        """Record a callback to an affected customer with their satisfaction, 1 to 5."""
        if customer_id not in {c.customer_id for c in self.customers}:
            raise ValidationError(f"customer {customer_id!r} is not affected by crisis {self.id!r}")
        callback = Callback(customer_id, self._now(self._require_context()), satisfaction, comments)
        return self._record(CallbackRecorded, actor, reason, callback=callback)

    @command()
    def set_recovery_plan(
        self: Aggregate,
        plan: RecoveryPlan,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> RecoveryPlanSet:
        """Set (or revise) the recovery plan: goals, measures, dated milestones."""
        if not isinstance(plan, RecoveryPlan):
            raise ValidationError(
                f"set_recovery_plan() takes a RecoveryPlan; got {type(plan).__name__}"
            )
        return self._record(RecoveryPlanSet, actor, reason, old=self.recovery_plan, new=plan)

    @command(
        offered=lambda crisis: (
            crisis.recovery_plan is not None
            and any(m.done_at is None for m in crisis.recovery_plan.milestones)
        )
    )
    def reach_milestone(
        self: Aggregate,
        name: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> MilestoneReached:
        """Mark a milestone of the recovery plan as reached."""
        if self.recovery_plan is None:
            raise ValidationError(f"crisis {self.id!r} has no recovery plan yet")
        if self.recovery_plan.milestone(name).done_at is not None:
            raise ValidationError(f"milestone {name!r} was reached already")
        return self._record(MilestoneReached, actor, reason, milestone=name)

    @command()
    def assess_impact(
        self: Aggregate,
        assessment: ImpactAssessment,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ImpactAssessed:
        """Record the business impact: sales, market share, satisfaction before and after."""
        if not isinstance(assessment, ImpactAssessment):
            raise ValidationError(
                f"assess_impact() takes an ImpactAssessment; got {type(assessment).__name__}"
            )
        return self._record(ImpactAssessed, actor, reason, assessment=assessment)

    @command()
    def record_review(
        self: Aggregate,
        review: Review,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ReviewRecorded:
        """Record the review: root cause, lessons, improvements. Required to close."""
        if not isinstance(review, Review):
            raise ValidationError(f"record_review() takes a Review; got {type(review).__name__}")
        if review.reviewed_at is None:
            review = attrs.evolve(review, reviewed_at=self._now(self._require_context()))
        return self._record(ReviewRecorded, actor, reason, review=review)
