"""Spending on a crisis other than compensation: PR, emergency supplies."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.plan import BudgetCategory
from crisiskit.plan.vocabulary import to_budget_category
from crisiskit.values.money import Money

__all__ = ["Expense"]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise ValidationError(
            _(
                "Expense.amount must be Money; got {type} {value!r}",
                type=type(value).__name__,
                value=value,
            )
        )
    if value.amount <= 0:
        raise ValidationError(_("Expense.amount must be more than zero; got {value}", value=value))


@serializable()
@frozen
class Expense:
    """Money spent on the crisis in a budget category: a press conference, emergency stock."""

    category: BudgetCategory = field(
        converter=to_budget_category, validator=_checks.is_member(BudgetCategory)
    )
    """The budget it comes out of."""
    amount: Money = field(validator=_positive)
    """How much."""
    spent_at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When."""
    note: str | None = field(default=None, validator=_checks.is_optional_text)
    """What it was for."""
