"""Compensation and value-added remedies, in money with a currency."""

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
from crisiskit.values.money import Money

__all__ = ["Compensation", "CompensationKind"]


class CompensationKind(LabelledEnum):
    """What a customer is given."""

    REFUND = "refund"
    REPLACEMENT = "replacement"
    COUPON = "coupon"
    GIFT = "gift"
    FREE_TRAINING = "free_training"
    CASH = "cash"


CompensationKind._register_labels(
    {
        CompensationKind.REFUND: ("refund", "退款"),
        CompensationKind.REPLACEMENT: ("replacement", "换货"),
        CompensationKind.COUPON: ("coupon", "优惠券"),
        CompensationKind.GIFT: ("gift", "礼品"),
        CompensationKind.FREE_TRAINING: ("free training", "免费培训"),
        CompensationKind.CASH: ("cash compensation", "现金赔偿"),
    }
)


def to_compensation_kind(value: CompensationKind | str) -> CompensationKind:
    """Attrs converter: the CompensationKind that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, CompensationKind)


def _positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise ValidationError(
            _(
                "Compensation.amount must be Money; got {type} {value!r}",
                type=type(value).__name__,
                value=value,
            )
        )
    if value.amount <= 0:
        raise ValidationError(
            _("Compensation.amount must be more than zero; got {value}", value=value)
        )


@serializable()
@frozen
class Compensation:
    """Something of value given to a customer, at its cost to the company."""

    customer_id: str | None = field(validator=_checks.is_optional_text)
    """Who received it (None for a blanket measure, e.g. coupons for every buyer)."""
    kind: CompensationKind = field(
        converter=to_compensation_kind, validator=_checks.is_member(CompensationKind)
    )
    """What was given."""
    amount: Money = field(validator=_positive)
    """What it costs the company."""
    granted_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When it was granted."""
    note: str | None = field(
        default=None, validator=_checks.is_optional_text, metadata={"personal": True}
    )
    """Details: order number, coupon code, legal basis."""
