"""Resources a plan sets aside: people, emergency stock, money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import CurrencyMismatchError, ValidationError
from crisiskit.messages import _
from crisiskit.plan import _fields
from crisiskit.plan.vocabulary import BudgetCategory
from crisiskit.values.labels import converted, normalize_lang
from crisiskit.values.money import Money
from crisiskit.values.vocabulary import Role, to_role

__all__ = ["Budgets", "Resources", "StandingMember"]


@serializable()
@frozen
class StandingMember:
    """A member of the standing crisis team (专门的客户危机管理团队): a role and who fills it."""

    role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """The role they fill."""
    name: str = field(validator=_checks.is_text)
    """A person or a team, as the host names them (e.g. ``"Customer-service hotline team"``)."""


class Budgets(_checks.FrozenMap[BudgetCategory, Money]):
    """A read-only, hashable mapping of budget category -> amount, in category order."""

    __slots__ = ()

    def __init__(self, values: Mapping[BudgetCategory | str, Money]) -> None:
        items: dict[BudgetCategory, Money] = {}
        for key, amount in values.items():
            category = converted(key, BudgetCategory)  # a key that names none stays, to be refused
            if category in items:
                raise ValidationError(
                    _(
                        "budgets name the category {category!r} twice; got {values!r}",
                        category=category.value,
                        values=list(values),
                    )
                )
            items[category] = amount
        order = list(BudgetCategory)
        keys = sorted(items, key=lambda k: order.index(k) if k in order else len(order))
        super().__init__({key: items[key] for key in keys})

    def __repr__(self) -> str:
        return f"Budgets({self._items!r})"


def _to_budgets(
    value: Mapping[BudgetCategory | str, Money],
) -> Mapping[BudgetCategory, Money]:
    if isinstance(value, Mapping) and not isinstance(value, Budgets):
        return Budgets(value)
    return value


def _is_budgets(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    what = _fields.where(instance, attribute)
    if not isinstance(value, Budgets):
        raise ValidationError(
            _(
                "{what} must be a mapping of BudgetCategory -> Money; got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    for key, amount in value.items():
        category = _checks.member(_("{what} key", what=what), key, BudgetCategory)
        if not isinstance(amount, Money):
            raise ValidationError(
                _(
                    "{what}[{category!r}] must be Money; got {kind} {amount!r}",
                    what=what,
                    category=category.value,
                    kind=type(amount).__name__,
                    amount=amount,
                )
            )
        if amount.amount < 0:
            raise ValidationError(
                _(
                    "{what}[{category!r}] must not be negative; got {amount}",
                    what=what,
                    category=category.value,
                    amount=amount,
                )
            )
    missing = [c.value for c in BudgetCategory if c not in value]
    if missing:
        raise ValidationError(
            _(
                "{what} must give a budget for every category ({categories}); missing: {missing} (give Money(0, currency) for a category without money)",
                what=what,
                categories=tuple(c.value for c in BudgetCategory),
                missing=tuple(missing),
            )
        )
    currencies = sorted({amount.currency for amount in value.values()})
    if len(currencies) > 1:
        listed = ", ".join(f"{k.value} {m}" for k, m in value.items())
        raise CurrencyMismatchError(
            _(
                "{what} must all be in one currency; got {listed}. Convert them to one currency first",
                what=what,
                listed=listed,
            )
        )


def _is_unique_members(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _checks.is_tuple_of(StandingMember, "StandingMember")(instance, attribute, value)
    seen: dict[StandingMember, int] = {}
    for index, member in enumerate(cast(tuple[StandingMember, ...], value)):
        if member in seen:
            raise ValidationError(
                _(
                    "{where}[{index}] repeats {role} {member!r} (first at [{seen}])",
                    where=_fields.where(instance, attribute),
                    index=index,
                    role=member.role.value,
                    member=member.name,
                    seen=seen[member],
                )
            )
        seen[member] = index


def _is_unique_supplies(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _fields.is_texts()(instance, attribute, value)
    items = cast(tuple[str, ...], value)
    for index, item in enumerate(items):
        if item in items[:index]:
            raise ValidationError(
                _(
                    "{where}[{index}] repeats {item!r}",
                    where=_fields.where(instance, attribute),
                    index=index,
                    item=item,
                )
            )


@serializable()
@frozen
class Resources:
    """People, emergency stock and money set aside for crises.

    Budgets cover every :class:`BudgetCategory`, in one currency, none negative.

    >>> r = Resources({BudgetCategory.COMPENSATION: Money(200000, "CNY"),
    ...                BudgetCategory.PR: Money(100000, "CNY"),
    ...                BudgetCategory.SUPPLIES: Money(50000, "CNY")})
    >>> r.currency, str(r.total)
    ('CNY', '350000 CNY')
    """

    budgets: Mapping[BudgetCategory, Money] = field(converter=_to_budgets, validator=_is_budgets)
    """The budget of each category (赔偿, 公关, 应急物资), all in one currency."""
    standing_team: tuple[StandingMember, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_is_unique_members
    )
    """The standing crisis team: who fills each role."""
    supplies: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_is_unique_supplies
    )
    """The emergency stock kept ready, e.g. ``"communication equipment"``."""

    @property
    def currency(self) -> str:
        """The currency of every budget."""
        return next(iter(self.budgets.values())).currency

    @property
    def total(self) -> Money:
        """All the budgets together."""
        return Money.total(self.budgets.values(), self.currency)

    def budget(self, category: BudgetCategory | str) -> Money:
        """The budget of ``category`` (a member, its code, name or label)."""
        return self.budgets[_checks.member("category", category, BudgetCategory)]

    def members(self, role: Role | str) -> tuple[str, ...]:
        """Who fills ``role`` in the standing team (may be empty)."""
        role = _checks.member("role", role, Role)
        return tuple(m.name for m in self.standing_team if m.role is role)

    def describe(self, lang: str = "en") -> str:
        """A summary for people: budgets, standing team, supplies."""
        lang = normalize_lang(lang)
        lines = [_("Budgets:").text(lang)]
        lines.extend(
            "  - " + _("{category}: {amount}", category=c, amount=_amount(m)).text(lang)
            for c, m in self.budgets.items()
        )
        if self.standing_team:
            lines.append(_("Standing team:").text(lang))
            lines.extend(
                "  - " + _("{role}: {name}", role=m.role, name=m.name).text(lang)
                for m in self.standing_team
            )
        if self.supplies:
            lines.append(_("Supplies: {items}", items=self.supplies).text(lang))
        return "\n".join(lines)


def _amount(money: Money) -> str:
    return f"{money.amount:,} {money.currency}"
