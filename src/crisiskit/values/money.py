"""Money: an exact Decimal amount in one ISO 4217 currency.

Amounts are never floats. Arithmetic and ordering work only within one currency; mixing
currencies raises :class:`~crisiskit.errors.CurrencyMismatchError` rather than guessing a
rate. Equality across currencies is simply ``False``.

**Limits.** An amount has at most :data:`MAX_INTEGER_DIGITS` (18) digits before the point
and at most :data:`MAX_DECIMAL_PLACES` (10) after it (trailing zeros do not count). Within
those, sums and differences are exact. An amount outside them — given, read from JSON, or
the result of arithmetic — is refused with :class:`~crisiskit.errors.LimitError` (a
:class:`~crisiskit.errors.ValidationError`) naming the limit. Products and quotients are
rounded half-even to 10 decimal places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Any

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import (
    CurrencyMismatchError,
    LimitError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.messages import _

__all__ = ["CURRENCIES", "MAX_DECIMAL_PLACES", "MAX_INTEGER_DIGITS", "Money"]

MAX_INTEGER_DIGITS = 18
"""The most digits an amount may have before the decimal point (below 10¹⁸)."""

MAX_DECIMAL_PLACES = 10
"""The most digits an amount may have after the decimal point (trailing zeros not counted)."""

_LARGEST = Decimal(10) ** MAX_INTEGER_DIGITS
_PLACES = Decimal(1).scaleb(-MAX_DECIMAL_PLACES)

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
            _(
                "Money.currency must be an ISO 4217 code such as 'CNY', 'USD' or 'EUR'; "
                "got {value!r}",
                value=value,
            )
        )


# Money arithmetic runs in this context, never the caller's: a host that lowers the
# precision (or traps Inexact) must not make sums of money inexact (or raise bare errors).
# 60 digits hold any sum, difference or exact product of two amounts within the limits.
_CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def _to_amount(value: object) -> object:
    """Attrs converter: a Decimal; a zero keeps at most 10 places and no positive exponent."""
    amount = _checks.to_decimal(value)  # type: ignore[arg-type]
    if isinstance(amount, Decimal) and amount.is_zero() and amount.is_finite():
        exponent = amount.as_tuple().exponent
        assert isinstance(exponent, int)
        if not -MAX_DECIMAL_PLACES <= exponent <= 0:
            # 0E-999999999 or 0E+400: a zero, but one whose exponent would leak into sums
            return Decimal(0).scaleb(max(min(exponent, 0), -MAX_DECIMAL_PLACES))
    return amount


def _in_bounds(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if value.is_zero():
        return
    # adjusted() reads the exponent: no arithmetic, so 1E+999999999999 cannot overflow here
    digits = value.adjusted() + 1
    if digits > MAX_INTEGER_DIGITS:
        if digits <= 40:
            message = _(
                "Money.amount has at most {limit} digits before the decimal point (less than "
                "10^{limit} in size); got {digits} digits ({value})",
                limit=MAX_INTEGER_DIGITS,
                digits=digits,
                value=value,
            )
        else:
            message = _(
                "Money.amount has at most {limit} digits before the decimal point (less than "
                "10^{limit} in size); got {digits} digits",
                limit=MAX_INTEGER_DIGITS,
                digits=digits,
            )
        raise LimitError(message, limit=MAX_INTEGER_DIGITS, found=digits)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: checked by the validator before
    if exponent < -MAX_DECIMAL_PLACES:
        places = -exponent - _trailing_zeros(value)
        if places > MAX_DECIMAL_PLACES:
            if places <= 40:
                message = _(
                    "Money.amount has at most {limit} digits after the decimal point; "
                    "got {places} ({value})",
                    limit=MAX_DECIMAL_PLACES,
                    places=places,
                    value=value,
                )
            else:
                message = _(
                    "Money.amount has at most {limit} digits after the decimal point; got {places}",
                    limit=MAX_DECIMAL_PLACES,
                    places=places,
                )
            raise LimitError(message, limit=MAX_DECIMAL_PLACES, found=places)


def _trailing_zeros(value: Decimal) -> int:
    digits = value.as_tuple().digits
    count = 0
    for digit in reversed(digits):
        if digit:
            break
        count += 1
    return count


_WHAT = {
    "sum": _("the sum"),
    "difference": _("the difference"),
    "product": _("the product"),
    "quotient": _("the quotient"),
}


def _bounded(amount: Decimal, what: str, currency: str) -> Decimal:
    """``amount`` checked against the limits, for a result of arithmetic."""
    if amount.is_finite() and not amount.is_zero() and amount.adjusted() >= MAX_INTEGER_DIGITS:
        raise LimitError(
            _(
                "{what} is too large: money amounts have at most {limit} digits before the "
                "decimal point; got about {amount} {currency}",
                what=_WHAT[what],
                limit=MAX_INTEGER_DIGITS,
                amount=f"{amount:.3E}",
                currency=currency,
            ),
            limit=MAX_INTEGER_DIGITS,
            found=amount.adjusted() + 1,
        )
    return amount


def _to_places(amount: Decimal) -> Decimal:
    """``amount`` rounded half-even to :data:`MAX_DECIMAL_PLACES` places, if it has more."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        amount = amount.quantize(_PLACES, rounding=ROUND_HALF_EVEN, context=_CONTEXT)
        if amount.is_zero():
            return Decimal(0)
    return amount


def _arithmetic(compute: Callable[[], Decimal], what: str, currency: str) -> Decimal:
    try:
        result = compute()
    except DecimalException:
        raise LimitError(
            _(
                "{what} is too large: money amounts have at most {limit} digits before the "
                "decimal point (the result overflowed, in {currency})",
                what=_WHAT[what],
                limit=MAX_INTEGER_DIGITS,
                currency=currency,
            ),
            limit=MAX_INTEGER_DIGITS,
            found=MAX_INTEGER_DIGITS + 1,
        ) from None
    return _bounded(result, what, currency)


Scalar = Decimal | int
"""What money may be multiplied or divided by: an exact number, never a float."""

_VERBS = {"add": _("add"), "subtract": _("subtract"), "compare": _("compare")}

_OPS = {"multiplied": _("multiplied"), "divided": _("divided")}


def _scalar(value: object, op: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(
            _(
                "money can be {op} only by a Decimal or an int (floats are not exact); "
                "got {kind} {value!r}",
                op=_OPS[op],
                kind=type(value).__name__,
                value=value,
            )
        )
    result = Decimal(value)
    if not result.is_finite():
        raise ValidationError(
            _("money can be {op} only by a finite number; got {value}", op=_OPS[op], value=value)
        )
    return result


@serializable()
@frozen
class Money:
    """An amount of money: an exact Decimal in one currency.

    >>> Money("1200.50", "CNY") + Money(300, "CNY")
    Money(amount=Decimal('1500.50'), currency='CNY')
    """

    amount: Decimal = field(converter=_to_amount, validator=[_checks.is_finite_decimal, _in_bounds])
    """The amount, exact. Negative amounts are allowed (a refund reversal, a correction).

    At most :data:`MAX_INTEGER_DIGITS` digits before the point and
    :data:`MAX_DECIMAL_PLACES` after it."""
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
        step = Decimal(1).scaleb(-places)
        return Money(self.amount.quantize(step, rounding=rounding, context=_CONTEXT), self.currency)

    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return self.amount == 0

    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                _(
                    "cannot {op} {a} and {b}: amounts in different currencies are never mixed; "
                    "convert one of them first",
                    op=_VERBS[op],
                    a=other,
                    b=self,
                )
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(
            _arithmetic(lambda: _CONTEXT.add(self.amount, other.amount), "sum", self.currency),
            self.currency,
        )

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(
            _arithmetic(
                lambda: _CONTEXT.subtract(self.amount, other.amount), "difference", self.currency
            ),
            self.currency,
        )

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, factor: Scalar) -> Money:
        value = _scalar(factor, "multiplied")
        return Money(
            _arithmetic(
                lambda: _to_places(_CONTEXT.multiply(self.amount, value)),
                "product",
                self.currency,
            ),
            self.currency,
        )

    __rmul__ = __mul__

    def __truediv__(self, divisor: Scalar) -> Money:
        value = _scalar(divisor, "divided")
        if value == 0:
            raise ValidationError(_("cannot divide {amount} by zero", amount=self))
        return Money(
            _arithmetic(
                lambda: _to_places(_CONTEXT.divide(self.amount, value)),
                "quotient",
                self.currency,
            ),
            self.currency,
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
