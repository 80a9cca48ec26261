"""References to the host CRM's customers. crisiskit never owns customer records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.values.money import Money

if TYPE_CHECKING:
    from crisiskit.values.signals import Signal

__all__ = ["CustomerRef", "customers_of", "merge_customers"]


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(
            _(
                "CustomerRef.value must be Money or None; got {kind} {value!r}",
                kind=type(value).__name__,
                value=value,
            )
        )


@serializable()
@frozen
class CustomerRef:
    """A customer as the host CRM knows them: an id to look them up, and what grading needs.

    >>> ref = CustomerRef("C-10086", name="Zhang Wei", tier="VIP", value=Money("250000", "CNY"))
    >>> ref.is_vip, str(ref.value)
    (True, '250000 CNY')
    """

    customer_id: str = field(validator=_checks.is_text)
    """The host CRM's id for the customer; two refs with the same id are the same customer."""
    name: str = field(default="", validator=_checks.is_str, metadata={"personal": True})
    """A display name, for people reading a timeline."""
    segment: str | None = field(default=None, validator=_checks.is_optional_text)
    """The host's market segment, e.g. ``"enterprise"`` or ``"retail"``."""
    tier: str | None = field(default=None, validator=_checks.is_optional_text)
    """The host's service tier, e.g. ``"VIP"`` or ``"gold"``; grading policies may use it."""
    value: Money | None = field(default=None, validator=_optional_money)
    """What the customer is worth to the business (e.g. annual revenue), if known."""

    @property
    def is_vip(self) -> bool:
        """True when the tier reads VIP (any case)."""
        return self.tier is not None and self.tier.strip().casefold() == "vip"


def merge_customers(
    existing: Iterable[CustomerRef], extra: Iterable[CustomerRef]
) -> tuple[CustomerRef, ...]:
    """``existing`` followed by the customers of ``extra`` whose ids are new (the first one seen wins)."""
    result = list(existing)
    ids = {c.customer_id for c in result}
    for customer in extra:
        if customer.customer_id not in ids:
            ids.add(customer.customer_id)
            result.append(customer)
    return tuple(result)


def customers_of(signals: Iterable[Signal]) -> Iterable[CustomerRef]:
    """The customers the ``signals`` name, in order (with repeats)."""
    for signal in signals:
        yield from signal.customers
