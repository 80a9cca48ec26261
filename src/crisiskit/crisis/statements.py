"""Outward communication: one agreed wording (统一口径) per audience, every release recorded."""

from __future__ import annotations

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver, Obliger
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.events import (
    Event,
    LevelChanged,
    ProgressReported,
    SignalAttached,
    StateChanged,
    StatementReleased,
)
from crisiskit.messages import _, coded
from crisiskit.operations.statements import Medium, Statement
from crisiskit.plan import CommunicationRule
from crisiskit.serialization import _all_subclasses
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.sla.policy import Change
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import (
    PUBLIC_AUDIENCES,
    Audience,
    ChannelGroup,
    CrisisState,
    Role,
)

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


# ---- the plan's update cadence, owed to each audience --------------------------------------


def _audiences(
    crisis: CrisisBase, level: Level | None, public: bool
) -> dict[str, CommunicationRule]:
    """The audiences the plan requires regular updates for at ``level``, by code.

    The media and the other public audiences but the customers are owed updates only once
    the crisis is public: nobody briefs the press on what it does not know.
    """
    plan = crisis._require_context().plan
    if plan is None or level is None:
        return {}
    return {
        rule.audience.value: rule
        for rule in plan.for_crisis(crisis.crisis_type, level).communications
        if rule.required
        and rule.cadence is not None
        and (public or rule.audience not in PUBLIC_AUDIENCES or rule.audience is Audience.CUSTOMERS)
    }


def _owe_updates(
    crisis: CrisisBase, policy: SlaPolicy, level: Level | None, public: bool
) -> list[Change]:
    owed = _audiences(crisis, level, public)
    steps = [
        policy._owing(
            SlaMetric.AUDIENCE_UPDATE,
            audience,
            target=rule.cadence,
            calendar=rule.calendar,
            owner=crisis.id,
        )
        for audience, rule in owed.items()
    ]
    timed = {
        t.subject
        for t in crisis.timers
        if t.metric is SlaMetric.AUDIENCE_UPDATE and t.is_open and t.subject not in owed
    }
    if timed:
        reason = _("the level no longer requires regular updates to them")
        steps.append(
            policy._releasing(
                {s for s in timed if s is not None}, reason, metrics={SlaMetric.AUDIENCE_UPDATE}
            )
        )
    return steps


def _responding(crisis: CrisisBase, event: StateChanged, policy: SlaPolicy) -> list[Change]:
    # The cadence runs while the crisis is handled: from the response (again after a
    # relapse or a reopening) until recovery, when the lifecycle rules stop it.
    if event.to_state is not CrisisState.RESPONDING:
        return []
    return _owe_updates(crisis, policy, crisis.level, crisis.is_public)


def _level_changed(crisis: CrisisBase, event: LevelChanged, policy: SlaPolicy) -> list[Change]:
    if crisis.state is not CrisisState.RESPONDING:
        return []
    return _owe_updates(crisis, policy, event.new_level, crisis.is_public)


def _signal(crisis: CrisisBase, event: SignalAttached, policy: SlaPolicy) -> list[Change]:
    going_public = event.signal.channel.group is ChannelGroup.PUBLIC_OPINION
    if crisis.state is not CrisisState.RESPONDING or crisis.is_public or not going_public:
        return []
    return _owe_updates(crisis, policy, crisis.level, True)


def _kept(crisis: CrisisBase, policy: SlaPolicy, audience: Audience) -> list[Change]:
    owed = any(
        t.metric is SlaMetric.AUDIENCE_UPDATE and t.subject == audience.value and t.is_open
        for t in crisis.timers
    )
    return [policy._recording(SlaMetric.AUDIENCE_UPDATE, audience.value)] if owed else []


def _released(crisis: CrisisBase, event: StatementReleased, policy: SlaPolicy) -> list[Change]:
    return _kept(crisis, policy, event.statement.audience)


def _reported(crisis: CrisisBase, event: ProgressReported, policy: SlaPolicy) -> list[Change]:
    # An internal progress report is the update the plan owes inside the company.
    return _kept(crisis, policy, Audience.INTERNAL)


OBLIGATIONS: dict[type[Event], Obliger] = {
    **dict.fromkeys(_all_subclasses(StateChanged), _responding),
    LevelChanged: _level_changed,
    SignalAttached: _signal,
    StatementReleased: _released,
    ProgressReported: _reported,
}
"""What each event owes or fulfils of the plan's update cadence to each audience."""
