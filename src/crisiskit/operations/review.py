"""The review (总结): root cause, lessons, improvements — required to close a crisis."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum, converted

__all__ = [
    "Improvement",
    "ImprovementStatus",
    "Review",
    "improvement_number",
    "improvement_subject",
]


class ImprovementStatus(LabelledEnum):
    """Where an improvement the review decided stands."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


ImprovementStatus._register_labels(
    {
        ImprovementStatus.OPEN: ("open", "未完成"),
        ImprovementStatus.DONE: ("done", "已完成"),
        ImprovementStatus.DROPPED: ("dropped", "已放弃"),
    }
)


def to_improvement_status(value: ImprovementStatus | str) -> ImprovementStatus:
    """Attrs converter: the ImprovementStatus that ``value`` names (see :meth:`LabelledEnum.parse`)."""
    return converted(value, ImprovementStatus)


@serializable()
@frozen
class Improvement:
    """One improvement the review decided (改进措施): what, who sees to it, by when, how it stands.

    ``owner`` is the id of the person answerable for it, as the host knows them: an
    improvement outlives the crisis and its team, so it is owed by someone, not by a role
    on a team that has been stood down.
    """

    text: str = field(validator=_checks.is_text)
    """What is to be improved."""
    owner: str | None = field(default=None, validator=_checks.is_optional_text)
    """The person answerable for it (the host's id); None: not assigned yet."""
    due_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When it is due; with a due date it is an obligation timed like an SLA target."""
    status: ImprovementStatus = field(
        default=ImprovementStatus.OPEN,
        converter=to_improvement_status,
        validator=_checks.is_member(ImprovementStatus),
    )
    """Open, done or dropped."""

    @classmethod
    def _from_stored_text(cls, text: str) -> Improvement:
        # Reviews stored before improvements had an owner and a due date held their text only.
        return cls(text)


def _to_improvements(value: Any) -> tuple[Any, ...]:
    return tuple(
        Improvement(item) if isinstance(item, str) else item for item in _checks.to_tuple(value)
    )


def improvement_subject(number: int) -> str:
    """The subject the ``number``-th improvement (1-based) is owed to: ``"improvement-<n>"``."""
    return f"improvement-{number}"


def improvement_number(value: object) -> int | None:
    """The number ``value`` names an improvement by: itself, or ``n`` of ``"improvement-<n>"``.

    None when it names none (a bool, another text).
    """
    if isinstance(value, str) and value.startswith("improvement-") and value[12:].isdigit():
        return int(value[12:])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


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
    improvements: tuple[Improvement, ...] = field(
        default=(),
        converter=_to_improvements,
        validator=_checks.is_tuple_of(Improvement, "Improvement or text"),
    )
    """Improvements to make (改进措施); they can become revisions of the emergency plan.

    Each is an :class:`Improvement`; a plain text is one with no owner and no due date.
    """
    reviewed_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the review was held (filled in when recorded, if not given)."""

    def __attrs_post_init__(self) -> None:
        if not self.lessons:
            raise ValidationError(_("Review.lessons needs at least one lesson"))
        texts = (*self.lessons, *(i.text for i in self.improvements))
        for i, text in enumerate(texts):
            _checks.text(_("Review lesson/improvement {index}", index=i), text)

    def improvement(self, number: int) -> Improvement:
        """The ``number``-th improvement, counted from 1."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValidationError(
                _("an improvement is named by its number, from 1; got {value!r}", value=number)
            )
        if not 1 <= number <= len(self.improvements):
            raise ValidationError(
                _(
                    "the review has no improvement {number}; it has {count} (numbered from 1)",
                    number=number,
                    count=len(self.improvements),
                )
            )
        return self.improvements[number - 1]

    def with_status(self, number: int, status: ImprovementStatus) -> Review:
        """This review with the ``number``-th improvement's status changed."""
        self.improvement(number)
        improvements = list(self.improvements)
        improvements[number - 1] = attrs.evolve(improvements[number - 1], status=status)
        return attrs.evolve(self, improvements=tuple(improvements))
