"""Outward communication: one agreed wording (统一口径) per audience, every release recorded."""

from __future__ import annotations

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.events import (
    Event,
    StatementReleased,
)
from crisiskit.messages import _, coded
from crisiskit.operations.statements import Medium, Statement
from crisiskit.values.vocabulary import Audience, Role

__all__ = ["Statements"]


class Statements(CrisisBase):
    """The commands of outward communication."""

    __slots__ = ()

    @command()
    def release_statement(
        self,
        audience: Audience | str,
        wording: str,
        *,
        medium: Medium | str,
        approved_by: str,
        approver_role: Role | str | None = None,
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
        if approver_role is not None:
            approver_role = _checks.member("release_statement(approver_role)", approver_role, Role)
        context = self._require_context()
        if context.plan is not None and self.level is None:
            raise ValidationError(
                _(
                    "the emergency plan's communication rules depend on the level: grade the "
                    "crisis or set its level before releasing a statement"
                )
            )
        level_plan = self._level_plan(context)
        if level_plan is not None:
            rule = level_plan.rule_for(audience)
            if rule is None:
                allowed = sorted(level_plan.audiences, key=lambda a: a.value)
                raise PolicyError(
                    _(
                        "the emergency plan has no communication with {audience} for "
                        "{crisis_type} at level {level}; it allows: {allowed}",
                        audience=coded(audience),
                        crisis_type=coded(self.crisis_type),
                        level=str(self.level),
                        allowed=coded(allowed),
                    )
                )
            if approver_role is not None and approver_role is not rule.approver:
                raise PolicyError(
                    _(
                        "the plan has statements to {audience} approved by {approver}, not {role}",
                        audience=coded(audience),
                        approver=coded(rule.approver),
                        role=coded(approver_role),
                    )
                )
            approver_role = rule.approver
        if approver_role is None:
            raise ValidationError(
                _("release_statement() needs approver_role when the context has no plan")
            )
        if approved_by not in self.members(approver_role):
            on_role = tuple(self.members(approver_role))
            raise ValidationError(
                _(
                    "{person!r} cannot approve: not assigned as {role} on crisis {crisis_id!r} "
                    "(assigned: {assigned})",
                    person=approved_by,
                    role=coded(approver_role),
                    crisis_id=self.id,
                    assigned=on_role,
                )
                if on_role
                else _(
                    "{person!r} cannot approve: not assigned as {role} on crisis {crisis_id!r} "
                    "(assigned: nobody)",
                    person=approved_by,
                    role=coded(approver_role),
                    crisis_id=self.id,
                )
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

    def current_statement(self, audience: Audience | str) -> Statement | None:
        """The statement in force for ``audience``: the latest one released to it."""
        audience = _checks.member("current_statement(audience)", audience, Audience)
        for statement in reversed(self.statements):
            if statement.audience is audience:
                return statement
        return None


def _statement(r: Record, event: StatementReleased) -> None:
    r.append("statements", event.statement)


EVOLVE: dict[type[Event], Evolver] = {
    StatementReleased: _statement,
}
"""How each event of this slice changes the crisis's state record."""
