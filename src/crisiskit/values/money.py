"""Money: an exact Decimal amount in one ISO 4217 currency.

Amounts are never floats. Arithmetic and ordering work only within one currency; mixing
currencies raises :class:`~crisiskit.errors.CurrencyMismatchError` rather than guessing a
rate. Equality across currencies is simply ``False``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import CurrencyMismatchError, UnknownValueError, ValidationError

__all__ = ["CURRENCIES", "Money"]

# Active ISO 4217 codes (plus a few recently withdrawn ones that still appear in old
# records), with their minor units. Most have 2; the exceptions are listed. None means
# the code has no minor unit (precious metals, special drawing rights, funds codes).
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"
_NONE = "XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN "
    "ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES "
    "KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK "
    "MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR "
    "SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD "
    "TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL"
)

CURRENCIES: dict[str, int | None] = {
    **dict.fromkeys(_TWO.split(), 2),
    **dict.fromkeys(_ZERO.split(), 0),
    **dict.fromkeys(_THREE.split(), 3),
    **dict.fromkeys(_FOUR.split(), 4),
    **dict.fromkeys(_NONE.split()),
}
"""Every currency code crisiskit accepts, with its number of minor units (None: no minor unit)."""


def _upper(value: str) -> str:
    return value.strip().upper() if isinstance(value, str) else value


def _is_currency(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value not in CURRENCIES:
        raise UnknownValueError(
            f"Money.currency must be an ISO 4217 code such as 'CNY', 'USD' or 'EUR'; got {value!r}"
        )


Scalar = Decimal | int
"""What money may be multiplied or divided by: an exact number, never a float."""


def _scalar(value: object, op: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(
            f"money can be {op} only by a Decimal or an int (floats are not exact); got "
            f"{type(value).__name__} {value!r}"
        )
    result = Decimal(value)
    if not result.is_finite():
        raise ValidationError(f"money can be {op} only by a finite number; got {value}")
    return result


@serializable()
@frozen
class Money:
    """An amount of money: an exact Decimal in one currency.

    >>> Money("1200.50", "CNY") + Money(300, "CNY")
    Money(amount=Decimal('1500.50'), currency='CNY')
    """

    amount: Decimal = field(converter=_checks.to_decimal, validator=_checks.is_finite_decimal)
    """The amount, exact. Negative amounts are allowed (a refund reversal, a correction)."""
    currency: str = field(converter=_upper, validator=_is_currency)
    """The ISO 4217 code, e.g. ``"CNY"``."""

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in ``currency``."""
        return cls(Decimal(0), currency)

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str) -> Money:
        """The sum of ``amounts``, all of which must be in ``currency`` (zero when empty)."""
        result = cls.zero(currency)
        for item in amounts:
            result = result + item
        return result

    @property
    def minor_units(self) -> int | None:
        """How many decimal places the currency uses (2 for CNY, 0 for JPY, None for gold)."""
        return CURRENCIES[self.currency]

    def rounded(self, rounding: str = ROUND_HALF_UP) -> Money:
        """This amount rounded to the currency's minor unit (half up by default, 四舍五入)."""
        places = self.minor_units
        if places is None:
            return self
        return Money(
            self.amount.quantize(Decimal(1).scaleb(-places), rounding=rounding), self.currency
        )

    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return self.amount == 0

    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot {op} {other} and {self}: amounts in different currencies are never "
                "mixed; convert one of them first"
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Scalar) -> Money:
        return Money(self.amount * _scalar(factor, "multiplied"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Scalar) -> Money:
        value = _scalar(divisor, "divided")
        if value == 0:
            raise ValidationError(f"cannot divide {self} by zero")
        return Money(self.amount / value, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
