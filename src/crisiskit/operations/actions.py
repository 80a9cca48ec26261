"""The planned actions of the emergency plan as they are carried out on a crisis."""

from __future__ import annotations

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.plan import Phase
from crisiskit.plan.vocabulary import to_phase

__all__ = ["ActionProgress", "PhaseStart"]


@serializable()
@frozen
class ActionProgress:
    """How far one of the plan's actions has come: who took it on, when it was done."""

    action_id: str = field(validator=_checks.is_text)
    """The plan's id of the action."""
    started_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When someone took it on (None: nobody said so)."""
    started_by: str | None = field(default=None, validator=_checks.is_optional_text)
    """Who took it on."""
    completed_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When it was done (None: not yet)."""
    completed_by: str | None = field(default=None, validator=_checks.is_optional_text)
    """Who recorded it done."""
    note: str | None = field(default=None, validator=_checks.is_optional_text)
    """What was done, in a few words."""


@serializable()
@frozen
class PhaseStart:
    """When a phase of the plan started on a crisis: the instant its actions are timed from."""

    phase: Phase = field(converter=to_phase, validator=_checks.is_member(Phase))
    """The phase."""
    at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When the crisis first entered it (a sudden crisis starts its warning with its response)."""
