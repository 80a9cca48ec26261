"""The response work on a crisis (private): acknowledgement, team, reports, statements, customers, remedies."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis._protocol import Aggregate
from crisiskit.crisis.commands import command
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.events import (
    CrisisAcknowledged,
    CustomerCaseUpdated,
    MeetingHeld,
    ProgressReported,
    QualityRemedyRecorded,
    StatementReleased,
    TeamMemberAssigned,
    TeamMemberReleased,
)
from crisiskit.operations.customer_cases import CaseStep, CustomerCase, Promise
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.statements import Medium, Statement
from crisiskit.operations.team import Assignment
from crisiskit.values.vocabulary import Audience, Role

__all__ = ["ResponseWork"]

_NEEDS_NOTE = frozenset({CaseStep.DEMAND_RECORDED, CaseStep.PROMISED, CaseStep.SOLUTION_AGREED})


class ResponseWork:
    """The crisis commands of the response."""

    __slots__ = ()

    @command(offered=lambda crisis: crisis.acknowledged_at is None)
    def acknowledge(
        self: Aggregate,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CrisisAcknowledged:
        """The crisis office takes the crisis on (受理). Once per crisis."""
        if self.acknowledged_at is not None:
            raise ValidationError(
                f"crisis {self.id!r} was acknowledged at {self.acknowledged_at.isoformat()} already"
            )
        return self._record(CrisisAcknowledged, actor, reason)

    @command()
    def assign(
        self: Aggregate,
        role: Role,
        person: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TeamMemberAssigned:
        """Put ``person`` on the crisis team in ``role``."""
        role = _checks.member("assign(role)", role, Role)
        _checks.text("assign(person)", person, max_length=200)
        if any(a.role is role and a.person == person for a in self.team):
            raise ValidationError(
                f"{person!r} is already assigned as {role.value} on crisis {self.id!r}"
            )
        assignment = Assignment(role, person, self._now(self._require_context()))
        return self._record(TeamMemberAssigned, actor, reason, assignment=assignment)

    @command(reason="required", offered=lambda crisis: bool(crisis.team))
    def unassign(
        self: Aggregate,
        role: Role,
        person: str,
        *,
        actor: str,
        reason: str,
        expected_version: int | None = None,
    ) -> TeamMemberReleased:
        """Take ``person`` off the crisis team in ``role``. A reason is required."""
        role = _checks.member("unassign(role)", role, Role)
        if not any(a.role is role and a.person == person for a in self.team):
            raise ValidationError(
                f"{person!r} is not assigned as {getattr(role, 'value', role)} on crisis {self.id!r}"
            )
        return self._record(TeamMemberReleased, actor, reason, role=role, person=person)

    def release(
        self: Aggregate,
        role: Role,
        person: str,
        *,
        actor: str,
        reason: str,
        expected_version: int | None = None,
    ) -> TeamMemberReleased:
        """Deprecated name of :meth:`unassign` (it goes in 0.3)."""
        warnings.warn(
            "Crisis.release() is now Crisis.unassign(); release goes in crisiskit 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.unassign(
            role, person, actor=actor, reason=reason, expected_version=expected_version
        )

    def members(self: Aggregate, role: Role) -> tuple[str, ...]:
        """Who fills ``role`` now."""
        return tuple(a.person for a in self.team if a.role is role)

    @command()
    def report_progress(
        self: Aggregate,
        summary: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ProgressReported:
        """Circulate an internal progress report."""
        summary = _checks.text("report_progress(summary)", summary)
        return self._record(ProgressReported, actor, reason, summary=summary)

    @command()
    def hold_meeting(
        self: Aggregate,
        topic: str,
        *,
        attendees: Iterable[str] = (),
        decisions: Iterable[str] = (),
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> MeetingHeld:
        """Record a coordination meeting and its decisions."""
        return self._record(
            MeetingHeld,
            actor,
            reason,
            topic=_checks.text("topic", topic),
            attendees=tuple(attendees),
            decisions=tuple(decisions),
        )

    @command()
    def release_statement(
        self: Aggregate,
        audience: Audience,
        wording: str,
        *,
        medium: Medium,
        approved_by: str,
        approver_role: Role | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> StatementReleased:
        """Release the agreed wording (统一口径) to an audience; it supersedes the previous one.

        ``approved_by`` must be on the crisis team in ``approver_role``. With an emergency
        plan, the audience must be one the plan communicates with at this type and level,
        and the approving role is the plan's (``approver_role`` may be left out).
        """
        audience = _checks.member("release_statement(audience)", audience, Audience)
        context = self._require_context()
        if context.plan is not None and self.level is None:
            raise ValidationError(
                "the emergency plan's communication rules depend on the level: grade the "
                "crisis or set its level before releasing a statement"
            )
        level_plan = self._level_plan(context)
        if level_plan is not None:
            rule = level_plan.rule_for(audience)
            if rule is None:
                allowed = ", ".join(sorted(a.value for a in level_plan.audiences))
                raise PolicyError(
                    f"the emergency plan has no communication with {audience.value} for "
                    f"{self.crisis_type.value} at level {self.level}; it allows: {allowed}"
                )
            if approver_role is not None and approver_role is not rule.approver:
                raise PolicyError(
                    f"the plan has statements to {audience.value} approved by {rule.approver.value}, "
                    f"not {approver_role.value}"
                )
            approver_role = rule.approver
        if approver_role is None:
            raise ValidationError(
                "release_statement() needs approver_role when the context has no plan"
            )
        _checks.member("release_statement(approver_role)", approver_role, Role)
        if approved_by not in self.members(approver_role):
            on_role = ", ".join(self.members(approver_role)) or "nobody"
            raise ValidationError(
                f"{approved_by!r} cannot approve: not assigned as {approver_role.value} on crisis "
                f"{self.id!r} (assigned: {on_role})"
            )
        version = 1 + sum(1 for s in self.statements if s.audience is audience)
        statement = Statement(
            audience,
            medium,
            wording,
            approved_by,
            approver_role,
            version,
            self._now(self._require_context()),
        )
        return self._record(StatementReleased, actor, reason, statement=statement)

    def current_statement(self: Aggregate, audience: Audience) -> Statement | None:
        """The statement in force for ``audience``: the latest one released to it."""
        for statement in reversed(self.statements):
            if statement.audience is audience:
                return statement
        return None

    @command(offered=lambda crisis: bool(crisis.customers))
    def handle_customer(
        self: Aggregate,
        customer_id: str,
        step: CaseStep,
        *,
        note: str | None = None,
        due_at: pendulum.DateTime | None = None,
        due: pendulum.DateTime | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CustomerCaseUpdated:
        """Record a step in handling one affected customer.

        ``note`` holds the demand (``DEMAND_RECORDED``), the promise (``PROMISED``, with
        ``due_at``), the solution (``SOLUTION_AGREED``) or the update sent. ``due`` is the
        deprecated name of ``due_at``.
        """
        if due is not None:
            warnings.warn(
                "handle_customer(due=) is now handle_customer(due_at=); due goes in crisiskit 0.3",
                DeprecationWarning,
                stacklevel=3,
            )
            if due_at is not None:
                raise ValidationError("handle_customer() takes due_at or due, not both")
            due_at = due
        step = _checks.member("handle_customer(step)", step, CaseStep)
        if customer_id not in {c.customer_id for c in self.customers}:
            raise ValidationError(
                f"customer {customer_id!r} is not affected by crisis {self.id!r}; add them with "
                "add_customers() first"
            )
        case = self.case(customer_id)
        now = self._now(self._require_context())
        if case is not None and case.is_resolved:
            raise ValidationError(f"the case of customer {customer_id!r} is resolved already")
        if step is CaseStep.RECEIVED and case is not None:
            raise ValidationError(f"the case of customer {customer_id!r} was received already")
        if step in _NEEDS_NOTE and note is None:
            raise ValidationError(f"handle_customer(step={step.value!r}) needs a note saying what")
        if step is CaseStep.PROMISED:
            if due_at is None:
                raise ValidationError(
                    "a promise needs a due time: handle_customer(..., due_at=...)"
                )
            due_at = _checks.instant("handle_customer(due_at)", due_at)
            if due_at <= now:
                raise ValidationError(
                    f"a promise must be due in the future; got {due_at.isoformat()}"
                )
        elif due_at is not None:
            raise ValidationError(
                f"only a promise has a due time; handle_customer(step={step.value!r}) takes no due_at"
            )
        if step is CaseStep.PROMISE_KEPT and not any(
            p.kept_at is None for p in (case.promises if case else ())
        ):
            raise ValidationError(f"customer {customer_id!r} has no open promise to keep")
        return self._record(
            CustomerCaseUpdated,
            actor,
            reason,
            customer_id=customer_id,
            step=step,
            note=note,
            due_at=due_at,
        )

    def case(self: Aggregate, customer_id: str) -> CustomerCase | None:
        """The case of ``customer_id``, once someone has acted on it."""
        return next((c for c in self.cases if c.customer_id == customer_id), None)

    def overdue_promises(self: Aggregate, at: pendulum.DateTime) -> tuple[tuple[str, Promise], ...]:
        """(customer id, promise) for every open promise past its due time at ``at``."""
        return tuple((c.customer_id, p) for c in self.cases for p in c.overdue_promises(at))

    @command()
    def record_quality_remedy(
        self: Aggregate,
        remedy: QualityRemedy,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> QualityRemedyRecorded:
        """Record (or revise) the quality remedy: root cause, responsible party, remedy, process fix."""
        if not isinstance(remedy, QualityRemedy):
            raise ValidationError(
                f"record_quality_remedy() takes a QualityRemedy; got {type(remedy).__name__}"
            )
        return self._record(
            QualityRemedyRecorded, actor, reason, old=self.quality_remedy, new=remedy
        )
