import datetime as dt
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisiskit import Channel, CustomerRef, Facts, Money, Signal
from crisiskit.errors import (
    CurrencyMismatchError,
    LimitError,
    NaiveDatetimeError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.testing import strategies as cks

T0 = pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai")


# --- Money ------------------------------------------------------------------------------


def test_money_is_exact_and_within_one_currency():
    total = Money("0.10", "CNY") + Money("0.20", "CNY")
    assert total == Money("0.30", "CNY")
    assert Money("10", "cny").currency == "CNY"
    assert Money(3, "JPY").minor_units == 0
    assert Money("10.005", "CNY").rounded() == Money("10.01", "CNY")
    assert Money("5", "CNY") * 3 == Money("15", "CNY")
    assert Money("10", "CNY") / 4 == Money("2.5", "CNY")
    assert Money.total([Money(1, "EUR"), Money(2, "EUR")], "EUR") == Money(3, "EUR")


def test_mixed_currencies_raise_and_never_equal():
    with pytest.raises(CurrencyMismatchError, match="different currencies"):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(CurrencyMismatchError):
        assert Money(1, "CNY") < Money(2, "USD")
    with pytest.raises(CurrencyMismatchError):
        Money.total([Money(1, "CNY"), Money(1, "USD")], "CNY")
    assert Money(1, "CNY") != Money(1, "USD")


@pytest.mark.parametrize(
    ("amount", "currency", "error", "match"),
    [
        (1.5, "CNY", ValidationError, "not the float"),
        ("NaN", "CNY", ValidationError, "finite"),
        ("Infinity", "CNY", ValidationError, "finite"),
        ("12,30", "CNY", ValidationError, "numeric string"),
        (True, "CNY", ValidationError, "Decimal"),
        ("1", "RMB", UnknownValueError, "ISO 4217"),
        ("1", 156, UnknownValueError, "ISO 4217"),
    ],
)
def test_money_refuses_bad_values(amount, currency, error, match):
    with pytest.raises(error, match=match):
        Money(amount, currency)


@pytest.mark.parametrize(
    ("amount", "match"),
    [
        ("1e26", "at most 18 digits before the decimal point.*got 27 digits"),
        ("1" * 30, "at most 18 digits before the decimal point.*got 30 digits"),
        (10**18, "at most 18 digits before the decimal point.*got 19 digits"),
        ("1e400", "at most 18 digits before the decimal point.*got 401 digits"),
        ("-1e400", "at most 18 digits before the decimal point"),
        ("1e-400", "at most 10 digits after the decimal point; got 400"),
        ("0.00000000001", "at most 10 digits after the decimal point; got 11"),
    ],
)
def test_money_refuses_amounts_beyond_the_limits(amount, match):
    with pytest.raises(LimitError, match=match) as info:
        Money(amount, "CNY")
    assert isinstance(info.value, ValidationError)


def test_money_at_the_limits_is_accepted_and_round_trips():
    from crisiskit.serialization import from_json, to_json

    for text in [
        "999999999999999999.9999999999",
        "-999999999999999999",
        "0.0000000001",
        "1.00000000000000",
        "0E+400",
    ]:
        money = Money(text, "CNY")
        assert from_json(to_json(money), Money) == money
        assert str(from_json(to_json(money), Money).amount) == str(money.amount)
    assert Money("999999999999999999.99", "CNY").amount.as_tuple().exponent == -2


def test_money_arithmetic_beyond_the_limits_raises_the_same_clear_error():
    top = Money("999999999999999999", "CNY")
    for compute in [
        lambda: top + Money(1, "CNY"),
        lambda: -top - Money(1, "CNY"),
        lambda: top * 2,
        lambda: top * Decimal("1e999999"),
        lambda: Money(1, "CNY") / Decimal("1e-30"),
        lambda: Money.total([top, top], "CNY"),
        lambda: Money("999999999999999999.9999999999", "CNY").rounded(),
    ]:
        with pytest.raises(LimitError, match="at most 18 digits before the decimal point"):
            compute()
    assert Money(10, "CNY") / 3 == Money("3.3333333333", "CNY")  # rounded to 10 places
    assert str(Money(10, "CNY") * 2) == "20 CNY"
    assert Money(5, "CNY") * Decimal("1e-30") == Money(0, "CNY")


def test_json_amounts_beyond_the_limits_are_refused_naming_the_limit():
    from crisiskit.errors import SerializationError
    from crisiskit.serialization import from_json

    for amount in ['"1e400"', "1e400", '"' + "1" * 30 + '"']:
        text = '{"type": "Money", "schema_version": 1, "amount": ' + amount + ', "currency": "CNY"}'
        with pytest.raises(SerializationError, match="at most 18 digits before the decimal point"):
            from_json(text, Money)


def test_money_refuses_float_factors():
    with pytest.raises(ValidationError, match="floats are not exact"):
        Money(1, "CNY") * 1.1  # type: ignore[operator]
    with pytest.raises(ValidationError, match="zero"):
        Money(1, "CNY") / 0


@given(cks.money("CNY"), cks.money("CNY"), cks.money("CNY"))
def test_money_addition_is_associative_and_commutative(a, b, c):
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert a - a == Money.zero("CNY")


# --- CustomerRef ------------------------------------------------------------------------


def test_customer_ref_refuses_blank_id_and_non_money_value():
    with pytest.raises(ValidationError, match="customer_id"):
        CustomerRef("  ")
    with pytest.raises(ValidationError, match="Money"):
        CustomerRef("C-1", value=Decimal(100))  # type: ignore[arg-type]
    assert CustomerRef("C-1", tier="vip").is_vip


# --- Signal -----------------------------------------------------------------------------


def test_signal_stores_instants_in_utc():
    signal = Signal(Channel.HOTLINE, T0, "caller reports a burst pipe")
    assert signal.observed_at == T0
    assert signal.observed_at.timezone_name == "UTC"
    stdlib = Signal(Channel.HOTLINE, dt.datetime(2025, 9, 27, 12, tzinfo=dt.UTC), "x")
    assert isinstance(stdlib.observed_at, pendulum.DateTime)
    assert stdlib.observed_at == T0


def test_signal_refuses_naive_datetime():
    with pytest.raises(NaiveDatetimeError, match=r"Signal\.observed_at must be timezone-aware"):
        Signal(Channel.HOTLINE, dt.datetime(2025, 9, 27, 20), "x")


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), -float("inf"), Decimal("NaN"), "12", True]
)
def test_signal_refuses_non_finite_or_non_numeric_metrics(bad):
    with pytest.raises(ValidationError, match="finite number"):
        Signal(Channel.SOCIAL_MEDIA, T0, "x", metrics={"heat": bad})


def test_signal_refuses_bad_metric_names_unknown_channels_and_bad_customers():
    with pytest.raises(ValidationError, match="metric name"):
        Signal(Channel.SOCIAL_MEDIA, T0, "x", metrics={"heat index!": 1})
    with pytest.raises(UnknownValueError, match="Allowed: 'hotline'"):
        Signal("tv", T0, "x")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"customers\[0\] must be a CustomerRef"):
        Signal(Channel.HOTLINE, T0, "x", customers=["C-1"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="must not be empty"):
        Signal(Channel.HOTLINE, T0, " ")


def test_signal_metrics_are_read_only_and_hashable():
    signal = Signal(
        Channel.SOCIAL_MEDIA, T0, "x", metrics={"heat": 8200, "negative_ratio": Decimal("0.41")}
    )
    assert dict(signal.metrics) == {"heat": 8200.0, "negative_ratio": 0.41}
    with pytest.raises(TypeError):
        signal.metrics["heat"] = 1  # type: ignore[index]
    assert hash(signal) == hash(
        Signal(Channel.SOCIAL_MEDIA, T0, "x", metrics={"negative_ratio": 0.41, "heat": 8200})
    )


# --- Facts ------------------------------------------------------------------------------


def test_facts_refuse_negative_counts_and_naive_times():
    with pytest.raises(ValidationError, match=r"customers_affected must be >= 0; got -3"):
        Facts(customers_affected=-3)
    with pytest.raises(ValidationError, match="whole number"):
        Facts(customers_affected=2.5)  # type: ignore[arg-type]
    with pytest.raises(NaiveDatetimeError):
        Facts(time=dt.datetime(2025, 1, 1))


def test_facts_update_and_diff():
    before = Facts(place="Pudong store")
    after = before.updated(customers_affected=37, cause="cold-chain failure")
    assert after.changes_from(before) == {
        "cause": (None, "cold-chain failure"),
        "customers_affected": (None, 37),
    }
    with pytest.raises(UnknownValueError, match="'location'"):
        before.updated(location="x")


@given(st.integers(max_value=-1))
def test_facts_refuse_every_negative_count(n):
    with pytest.raises(ValidationError):
        Facts(customers_affected=n)
