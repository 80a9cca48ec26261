"""The crisis team and its coordination: acknowledgement, assignments, progress reports, meetings.

Each command here, and how its event changes the crisis, in one place.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver, recorded_only
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CrisisAcknowledged,
    Event,
    MeetingHeld,
    ProgressReported,
    TeamMemberAssigned,
    TeamMemberReleased,
)
from crisiskit.messages import _, coded
from crisiskit.operations.team import Assignment
from crisiskit.values.vocabulary import Role

__all__ = ["Team"]


class Team(CrisisBase):
    """The commands of the crisis office and team."""

    __slots__ = ()

    @command(offered=lambda crisis: crisis.acknowledged_at is None)
    def acknowledge(
        self,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CrisisAcknowledged:
        """The crisis office takes the crisis on (受理). Once per crisis."""
        if self.acknowledged_at is not None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} was acknowledged at {acknowledged_at} already",
                    crisis_id=self.id,
                    acknowledged_at=self.acknowledged_at.isoformat(),
                )
            )
        return self._record(CrisisAcknowledged, actor, reason)

    @command()
    def assign(
        self,
        role: Role | str,
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
                _(
                    "{person!r} is already assigned as {role} on crisis {crisis_id!r}",
                    person=person,
                    role=coded(role),
                    crisis_id=self.id,
                )
            )
        assignment = Assignment(role, person, self._now(self._require_context()))
        return self._record(TeamMemberAssigned, actor, reason, assignment=assignment)

    @command(reason="required", offered=lambda crisis: bool(crisis.team))
    def unassign(
        self,
        role: Role | str,
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
                _(
                    "{person!r} is not assigned as {role} on crisis {crisis_id!r}",
                    person=person,
                    role=coded(role),
                    crisis_id=self.id,
                )
            )
        return self._record(TeamMemberReleased, actor, reason, role=role, person=person)

    def release(
        self,
        role: Role | str,
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

    @command()
    def report_progress(
        self,
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
        self,
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


def _acknowledged(r: Record, event: CrisisAcknowledged) -> None:
    r.acknowledged_at = event.occurred_at


def _assigned(r: Record, event: TeamMemberAssigned) -> None:
    r.append("team", event.assignment)


def _released(r: Record, event: TeamMemberReleased) -> None:
    r.team = [a for a in r.team if not (a.role is event.role and a.person == event.person)]


EVOLVE: dict[type[Event], Evolver] = {
    CrisisAcknowledged: _acknowledged,
    TeamMemberAssigned: _assigned,
    TeamMemberReleased: _released,
    ProgressReported: recorded_only,
    MeetingHeld: recorded_only,
}
"""How each event of this slice changes the crisis's state record."""
