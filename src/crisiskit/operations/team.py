"""The crisis team: people assigned to the roles of the crisis organisation."""

from __future__ import annotations

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.values.vocabulary import Role, to_role

__all__ = ["Assignment"]


@serializable()
@frozen
class Assignment:
    """One person (or team) assigned to a role on a crisis."""

    role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """The role they fill."""
    person: str = field(validator=_checks.is_text)
    """Who: a user id, a name, or a team."""
    assigned_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When they were assigned."""
