"""The review (总结): root cause, lessons, improvements — required to close a crisis."""

from __future__ import annotations

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.messages import _

__all__ = ["Review"]


@serializable()
@frozen
class Review:
    """What was learnt: root cause, lessons, improvements to the plan and the processes."""

    root_cause: str = field(validator=_checks.is_text)
    """The root cause found (问题根源)."""
    lessons: tuple[str, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """The lessons learnt (经验教训); at least one."""
    improvements: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """Improvements to make (改进措施); they can become revisions of the emergency plan."""
    reviewed_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the review was held (filled in when recorded, if not given)."""

    def __attrs_post_init__(self) -> None:
        if not self.lessons:
            raise ValidationError(_("Review.lessons needs at least one lesson"))
        for i, text in enumerate((*self.lessons, *self.improvements)):
            _checks.text(_("Review lesson/improvement {index}", index=i), text)
