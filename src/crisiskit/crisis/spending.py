"""Money spent on a crisis: compensation and expenses, tracked against the plan's budgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver, recorded_only
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import CurrencyMismatchError, ValidationError
from crisiskit.events import (
    BudgetExceeded,
    CompensationGranted,
    Event,
    ExpenseRecorded,
)
from crisiskit.messages import _
from crisiskit.operations.compensation import Compensation, CompensationKind
from crisiskit.operations.expenses import Expense
from crisiskit.plan import BudgetCategory
from crisiskit.values.money import Money

if TYPE_CHECKING:
    from crisiskit.crisis.context import Context

__all__ = ["Spending"]


class Spending(CrisisBase):
    """The commands and queries of compensation and spending."""

    __slots__ = ()

    @command()
    def compensate(
        self,
        kind: CompensationKind | str,
        amount: Money,
        *,
        customer_id: str | None = None,
        note: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CompensationGranted:
        """Grant compensation or a value-added remedy, in the currency of the others.

        With an emergency plan in the context, the amount must be in the plan's currency
        and spending is tracked against its compensation budget: the grant that takes the
        total over the budget also records a :class:`~crisiskit.events.BudgetExceeded`
        warning, by the system.
        """
        if customer_id is not None and not self.has_customer(customer_id):
            raise ValidationError(
                _(
                    "customer {customer_id!r} is not affected by crisis {crisis_id!r}",
                    customer_id=customer_id,
                    crisis_id=self.id,
                )
            )
        context = self._require_context()
        compensation = Compensation(customer_id, kind, amount, self._now(context), note)
        self._check_currency(compensation.amount, context)
        return self._record(CompensationGranted, actor, reason, compensation=compensation)

    @command()
    def record_expense(
        self,
        category: BudgetCategory | str,
        amount: Money,
        *,
        note: str | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ExpenseRecorded:
        """Record spending in a budget category: PR, emergency supplies.

        With an emergency plan, the amount must be in the plan's currency, and the record
        that takes the category over its budget also records a
        :class:`~crisiskit.events.BudgetExceeded` warning, by the system.
        """
        context = self._require_context()
        expense = Expense(category, amount, self._now(context), note)
        self._check_currency(expense.amount, context)
        return self._record(ExpenseRecorded, actor, reason, expense=expense)

    def spent(self, category: BudgetCategory | str) -> Money | None:
        """What has been spent in ``category`` (compensation counts as its own category)."""
        category = _checks.member("spent(category)", category, BudgetCategory)
        amounts = [e.amount for e in self.expenses if e.category is category]
        if category is BudgetCategory.COMPENSATION:
            amounts += [c.amount for c in self.compensations]
        if not amounts:
            return None
        return Money.total(amounts, amounts[0].currency)

    def _check_currency(self, amount: Money, context: Context) -> None:
        if context.plan is not None:
            expected = context.plan.currency
        else:
            earlier = [c.amount for c in self.compensations] + [e.amount for e in self.expenses]
            if not earlier:
                return
            expected = earlier[0].currency
        if amount.currency != expected:
            raise CurrencyMismatchError(
                _(
                    "crisis {crisis_id!r} spends in {expected} (the emergency plan budget "
                    "currency); got {amount}: convert it first",
                    crisis_id=self.id,
                    expected=expected,
                    amount=amount,
                )
                if context.plan
                else _(
                    "crisis {crisis_id!r} spends in {expected}; got {amount}: convert it first",
                    crisis_id=self.id,
                    expected=expected,
                    amount=amount,
                )
            )

    def _budget_warning(
        self, event: Event, context: Context
    ) -> tuple[BudgetCategory, Money, Money] | None:
        """(category, budget, spent) when ``event`` takes spending over the plan's budget."""
        if context.plan is None:
            return None
        if isinstance(event, CompensationGranted):
            category, amount = BudgetCategory.COMPENSATION, event.compensation.amount
        elif isinstance(event, ExpenseRecorded):
            category, amount = event.expense.category, event.expense.amount
        else:
            return None
        budget = context.plan.budget(category)
        before = self.spent(category) or Money.zero(budget.currency)
        after = before + amount
        return (category, budget, after) if before <= budget < after else None

    def compensation_total(self) -> Money | None:
        """What all compensation so far has cost (None before the first)."""
        if not self.compensations:
            return None
        return Money.total(
            (c.amount for c in self.compensations), self.compensations[0].amount.currency
        )


def _compensation(r: Record, event: CompensationGranted) -> None:
    r.append("compensations", event.compensation)


def _expense(r: Record, event: ExpenseRecorded) -> None:
    r.append("expenses", event.expense)


EVOLVE: dict[type[Event], Evolver] = {
    CompensationGranted: _compensation,
    ExpenseRecorded: _expense,
    BudgetExceeded: recorded_only,
}
"""How each event of this slice changes the crisis's state record."""
