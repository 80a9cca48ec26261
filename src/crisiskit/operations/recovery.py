"""Recovery: callbacks, the recovery plan, and the impact assessment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum, converted
from crisiskit.values.money import Money

__all__ = [
    "SATISFACTION_SCALE",
    "Callback",
    "ImpactAssessment",
    "ImpactFigures",
    "Milestone",
    "RecoveryPlan",
    "Term",
]

SATISFACTION_SCALE = (1, 5)
"""Satisfaction is scored 1 (very dissatisfied) to 5 (very satisfied), as in CSAT surveys."""


def _score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    low, high = SATISFACTION_SCALE
    where = f"{type(instance).__name__}.{attribute.name}"
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            _(
                "{where} must be a whole score from {low} to {high}; got {value!r}",
                where=where,
                low=low,
                high=high,
                value=value,
            )
        )


def _optional_average(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    low, high = SATISFACTION_SCALE
    where = f"{type(instance).__name__}.{attribute.name}"
    number = _checks.number(where, value)
    if not low <= number <= high:
        raise ValidationError(
            _(
                "{where} must be between {low} and {high}; got {value!r}",
                where=where,
                low=low,
                high=high,
                value=value,
            )
        )


def _optional_share(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    where = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
        raise ValidationError(
            _(
                "{where} must be a Decimal share from 0 to 1 (e.g. Decimal('0.23')); got {value!r}",
                where=where,
                value=value,
            )
        )


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(
            _(
                "{where} must be Money or None; got {value!r}",
                where=f"{type(instance).__name__}.{attribute.name}",
                value=value,
            )
        )


@serializable()
@frozen
class Callback:
    """A call back to an affected customer after the fix (回访)."""

    customer_id: str = field(validator=_checks.is_text)
    """Who was called."""
    called_at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When."""
    satisfaction: int = field(validator=_score)
    """How satisfied they are with the fix, 1 to 5."""
    comments: str | None = field(
        default=None, validator=_checks.is_optional_text, metadata={"personal": True}
    )
    """Their opinions and suggestions."""


class Term(LabelledEnum):
    """Whether a recovery milestone is short or long term."""

    SHORT = "short"
    LONG = "long"


Term._register_labels({Term.SHORT: ("short term", "短期"), Term.LONG: ("long term", "长期")})


def to_term(value: Term | str) -> Term:
    """Attrs converter: the Term that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Term)


@serializable()
@frozen
class Milestone:
    """A dated milestone of the recovery plan."""

    name: str = field(validator=_checks.is_text)
    """What is to be achieved."""
    due_at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """By when."""
    term: Term = field(default=Term.SHORT, converter=to_term, validator=_checks.is_member(Term))
    """Short or long term."""
    done_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When it was reached; None while open."""


@serializable()
@frozen
class RecoveryPlan:
    """The plan to recover the business and the relationship: goals, measures, timetable."""

    goals: tuple[str, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """What recovery means here (e.g. "satisfaction back to 4.2 by December")."""
    measures: tuple[str, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """What will be done."""
    milestones: tuple[Milestone, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(Milestone, "Milestone"),
    )
    """The timetable."""

    def __attrs_post_init__(self) -> None:
        if not self.goals:
            raise ValidationError(_("RecoveryPlan.goals needs at least one goal"))
        names = [m.name for m in self.milestones]
        if len(set(names)) != len(names):
            raise ValidationError(
                _(
                    "RecoveryPlan.milestones must have distinct names; got {names}",
                    names=repr(names),
                )
            )

    def milestone(self, name: str) -> Milestone:
        """The milestone called ``name``."""
        for milestone in self.milestones:
            if milestone.name == name:
                return milestone
        known = tuple(repr(m.name) for m in self.milestones)
        raise ValidationError(
            _(
                "the recovery plan has no milestone {name!r}; milestones: {known}",
                name=name,
                known=known,
            )
            if known
            else _("the recovery plan has no milestone {name!r}; it has no milestones", name=name)
        )

    def overdue(self, at: pendulum.DateTime) -> tuple[Milestone, ...]:
        """The milestones not reached whose due time has passed at ``at``."""
        moment = _checks.instant("at", at)
        return tuple(m for m in self.milestones if m.done_at is None and moment > m.due_at)


@serializable()
@frozen
class ImpactFigures:
    """Business figures at one moment: sales, market share, satisfaction."""

    sales: Money | None = field(default=None, validator=_optional_money)
    """Sales over the comparison period."""
    market_share: Decimal | None = field(default=None, validator=_optional_share)
    """Market share, 0 to 1."""
    satisfaction: float | None = field(default=None, validator=_optional_average)
    """Average customer satisfaction on the 1–5 scale."""


@serializable()
@frozen
class ImpactAssessment:
    """The crisis's effect on the business: figures before and after."""

    before: ImpactFigures
    """Before the crisis (the baseline)."""
    after: ImpactFigures
    """After it (or now)."""
    period: str | None = field(default=None, validator=_checks.is_optional_text)
    """What periods were compared, e.g. "Aug vs Oct 2025"."""

    def __attrs_post_init__(self) -> None:
        if (
            self.before.sales is not None
            and self.after.sales is not None
            and self.before.sales.currency != self.after.sales.currency
        ):
            raise ValidationError(
                _(
                    "ImpactAssessment compares sales in one currency; got {before} before and "
                    "{after} after",
                    before=self.before.sales.currency,
                    after=self.after.sales.currency,
                )
            )

    @property
    def sales_change(self) -> Money | None:
        """After minus before, when both are known."""
        if self.before.sales is None or self.after.sales is None:
            return None
        return self.after.sales - self.before.sales

    @property
    def satisfaction_change(self) -> float | None:
        """After minus before, when both are known."""
        if self.before.satisfaction is None or self.after.satisfaction is None:
            return None
        return self.after.satisfaction - self.before.satisfaction
