"""The company-wide ledger: what the crises of a report spent, per period, against the budget."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attrs import frozen

from crisiskit._internal.registry import serializable
from crisiskit.messages import Message, _
from crisiskit.plan import BudgetCategory
from crisiskit.reports.figures import CrisisMetrics
from crisiskit.reports.keys import GroupKey, period_of
from crisiskit.values.money import Money

__all__ = ["Ledger", "LedgerLine", "ledger"]


@serializable()
@frozen
class LedgerLine:
    """What one budget category spent in one period, in one currency, against its budget."""

    period: str
    """The period: ``2025-09``, ``2025-W39``, or ``all``."""
    category: BudgetCategory
    """The budget category (compensation is its own)."""
    spent: Money
    """What the crises spent in it, in the period (zero when nothing)."""
    budget: Money | None
    """The budget for the period; None when there is none in this currency."""

    @property
    def over_budget(self) -> bool:
        """True when spending went past the budget."""
        return self.budget is not None and self.spent > self.budget

    @property
    def remaining(self) -> Money | None:
        """What is left of the budget (negative when over); None without a budget."""
        return None if self.budget is None else self.budget - self.spent

    def warning(self) -> Message | None:
        """The over-budget warning of this line, for people; None when within budget."""
        if not self.over_budget:
            return None
        return _(
            "{category} spending in {period} is {spent}, over the budget of {budget}",
            category=self.category,
            period=self.period,
            spent=self.spent,
            budget=self.budget,
        )


@serializable()
@frozen
class Ledger:
    """Spending of every crisis of a report against the budget, period by period."""

    per: str
    """The period of each line: ``month``, ``week``, or ``all`` (the whole report)."""
    budgets: tuple[tuple[BudgetCategory, Money], ...]
    """The budget of each category for one period."""
    lines: tuple[LedgerLine, ...]
    """Per period with spending, each budgeted category and each currency spent in."""

    @property
    def over_budget(self) -> tuple[LedgerLine, ...]:
        """The lines whose spending went past their budget."""
        return tuple(line for line in self.lines if line.over_budget)

    def warnings(self) -> tuple[Message, ...]:
        """One warning for each line over budget."""
        return tuple(m for line in self.lines if (m := line.warning()) is not None)

    def totals(self) -> tuple[tuple[BudgetCategory, Money], ...]:
        """Spent per category over every period, one line per category and currency."""
        found: dict[tuple[BudgetCategory, str], Money] = {}
        for line in self.lines:
            key = (line.category, line.spent.currency)
            found[key] = found[key] + line.spent if key in found else line.spent
        return tuple((category, money) for (category, _c), money in found.items())


def _budget_in(
    budgets: Mapping[BudgetCategory, Money], category: BudgetCategory, currency: str
) -> Money | None:
    found = budgets.get(category)
    return found if found is not None and found.currency == currency else None


def ledger(
    crises: Iterable[CrisisMetrics],
    budgets: Mapping[BudgetCategory, Money],
    *,
    per: GroupKey | None = GroupKey.MONTH,
    zone: str = "UTC",
) -> Ledger:
    """The ledger of ``crises``: each amount in the period it was spent in (in ``zone``).

    ``budgets`` is the budget of each category for one period (a month, a week, or the whole
    report when ``per`` is None). Spending in a currency the budget is not in is listed with
    no budget: amounts in different currencies are never added up or compared.
    """
    order = list(BudgetCategory)
    spent: dict[tuple[str, BudgetCategory, str], Money] = {}
    for m in crises:
        for spend in m.spending:
            key = (period_of(spend.at, per, zone), spend.category, spend.amount.currency)
            spent[key] = spent[key] + spend.amount if key in spent else spend.amount
    for period in {key[0] for key in spent}:
        for category, budget in budgets.items():
            spent.setdefault((period, category, budget.currency), Money.zero(budget.currency))
    lines = tuple(
        LedgerLine(period, category, amount, _budget_in(budgets, category, currency))
        for (period, category, currency), amount in sorted(
            spent.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]), kv[0][2])
        )
    )
    return Ledger(
        per=per.value if per is not None else "all",
        budgets=tuple(sorted(budgets.items(), key=lambda kv: order.index(kv[0]))),
        lines=lines,
    )
