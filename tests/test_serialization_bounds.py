"""Reading untrusted numbers is bounded, and the fast reading path changes no result.

Every case here must finish at once: before the bounds, ``1e9999999`` in an integer field
took minutes (the JSON number became a Decimal, then a ten-million-digit integer). A hang
would time the suite out; no wall-clock time is asserted.
"""

import datetime as dt
import json
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crisiskit  # noqa: F401 - registers the core types
from crisiskit import serialization
from crisiskit._internal import registry as _registry
from crisiskit.errors import CrisisKitError, SerializationError
from crisiskit.events import Event
from crisiskit.serialization import (
    _loads,
    _structure,
    format_datetime,
    from_dict,
    from_json,
    parse_datetime,
    to_dict,
    to_json,
)
from crisiskit.testing import strategies as cks
from crisiskit.values.facts import Facts
from crisiskit.values.signals import Signal

REGISTERED = sorted(_registry.TYPES.items())
EVENT_TYPES = [cls for _, cls in REGISTERED if issubclass(cls, Event)]

HUGE_TOKENS = [
    "1e9999999",
    "-1e9999999",
    "1E+9999999",
    "1e-9999999",
    "1e999999",
    "1e401",
    "1e-401",
    "1.5e" + "9" * 1000,
    "9" * 5000,
    "-" + "9" * 5000,
    "9" * 31,
    "0." + "1" * 60,
    "1" * 61 + ".5",
    "1" * 100_000 + "e1",
]


def _an_event() -> Event:
    from crisiskit.app.scenario import Scenario, simulate

    scenario = from_dict(
        {
            "type": "Scenario",
            "schema_version": 1,
            "name": "bounds",
            "start": "2025-09-27T20:00:00+08:00[Asia/Shanghai]",
            "crisis_id": "CR-B",
            "crisis_type": "complaint",
            "title": "late deliveries",
            "steps": [
                {
                    "do": "detect",
                    "actor": "cs",
                    "args": {"signals": [{"channel": "hotline", "description": "caller"}]},
                }
            ],
        },
        Scenario,
    )
    return simulate(scenario).events[0]


EVENT = _an_event()


def _facts_json(token: str) -> str:
    text = to_json(Facts(customers_affected=3))
    assert '"customers_affected": 3' in text
    return text.replace('"customers_affected": 3', f'"customers_affected": {token}')


def _event_json(token: str) -> str:
    data = json.loads(to_json(EVENT))
    data["sequence"] = "@@"
    return json.dumps(data).replace('"@@"', token)


def _signal_json(token: str) -> str:
    signal = Signal("hotline", pendulum.datetime(2025, 9, 27, tz="UTC"), "complaint")
    data = json.loads(to_json(signal))
    data["metrics"] = {"heat": "@@"}
    return json.dumps(data).replace('"@@"', token)


@pytest.mark.parametrize("token", HUGE_TOKENS, ids=lambda t: t[:20])
@pytest.mark.parametrize("where", [_facts_json, _event_json, _signal_json])
def test_huge_json_numbers_are_refused_before_they_are_converted(token, where):
    text = where(token)
    with pytest.raises(SerializationError) as info:
        from_json(text)
    message = str(info.value)
    assert "the JSON number" in message
    assert "at most" in message
    assert len(message) < 300


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("9" * 31, "has 31 digits; a whole number may have at most 30"),
        ("-" + "9" * 5000, "has 5000 digits; a whole number may have at most 30"),
        ("1e9999999", "the JSON number 1e9999999 has an exponent of 9999999; an exponent may"),
        ("1e-401", "an exponent may be at most 400 in size (from 1e-400 to 1e400)"),
        ("1" * 61 + ".5", "has 62 digits; a number may have at most 60 before its exponent"),
    ],
)
def test_the_message_says_what_is_wrong_and_what_is_allowed(token, message):
    with pytest.raises(SerializationError) as info:
        _loads(f"[{token}]")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("9" * 30, int("9" * 30)),
        ("-" + "9" * 30, -int("9" * 30)),
        ("1e400", Decimal("1e400")),
        ("-1E-400", Decimal("-1e-400")),
        ("1e+0000000000400", Decimal("1e400")),
        ("1" * 30 + "." + "1" * 30, Decimal("1" * 30 + "." + "1" * 30)),
        ("0.1", Decimal("0.1")),
    ],
)
def test_numbers_within_the_bounds_are_read_as_before(token, value):
    (read,) = _loads(f"[{token}]")
    assert read == value
    assert type(read) is type(value)
    assert json.loads(f"[{token}]", parse_float=Decimal) == [value]


def test_floats_mode_reads_finite_floats_and_refuses_the_rest():
    assert _loads('{"a": 0.1, "b": 2, "c": 1e-400, "d": [1.5e300]}', floats="float") == {
        "a": 0.1,
        "b": 2,
        "c": 0.0,
        "d": [1.5e300],
    }
    assert type(_loads("[1.0]", floats="float")[0]) is float
    assert type(_loads("[1.0]")[0]) is Decimal
    with pytest.raises(SerializationError, match=r"1e400 is too large.*finite"):
        _loads("[1e400]", floats="float")
    for token in HUGE_TOKENS:
        with pytest.raises(SerializationError, match="at most"):
            _loads(f"[{token}]", floats="float")
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(SerializationError, match="finite numbers only"):
            _loads(f"[{constant}]", floats="float")
    with pytest.raises(SerializationError, match="not valid JSON"):
        _loads("{", floats="float")
    with pytest.raises(SerializationError, match="str or bytes"):
        _loads(12)  # type: ignore[arg-type]
    assert _loads(b'{"a": 1}') == {"a": 1}


HUGE_VALUES = [
    Decimal("1e9999999"),
    Decimal("-1e9999999"),
    Decimal("1e999999"),
    Decimal("Infinity"),
    Decimal("NaN"),
    10**5000,
    -(10**5000),
    10**30,
    1e300,
    float("inf"),
    float("nan"),
]


def _label(value: object) -> str:
    if isinstance(value, int):  # repr() refuses one of more than 4300 digits
        return f"int of {len(str(abs(value))) if value.bit_length() < 10_000 else 'many'} digits"
    return repr(value)


@pytest.mark.parametrize("value", HUGE_VALUES, ids=_label)
def test_an_int_field_refuses_a_huge_number_quickly(value):
    facts = {**to_dict(Facts()), "customers_affected": value}
    with pytest.raises(SerializationError, match=r"@ \$\.customers_affected"):
        from_dict(facts)
    event = {**to_dict(EVENT), "sequence": value}
    with pytest.raises(SerializationError, match=r"@ \$\.sequence"):
        from_dict(event)


def test_an_int_field_says_how_many_digits_it_allows():
    facts = to_dict(Facts())
    for value, digits in [(Decimal("1e9999999"), 10_000_000), (10**5000, 5001), (1e300, 301)]:
        with pytest.raises(SerializationError) as info:
            from_dict({**facts, "customers_affected": value})
        assert str(info.value) == (
            "the number is too large: a whole number here has at most 30 digits; "
            f"got one of {digits} digits @ $.customers_affected"
        )
    # Whole numbers within the bound read as before, from an int, a float or a Decimal; a
    # fraction, true or text is refused, not cut to a whole number.
    for value in (10**30 - 1, 12, 12.0, Decimal("12"), Decimal("1e29")):
        assert from_dict({**facts, "customers_affected": value}).customers_affected == int(value)
    for value in (12.7, Decimal("12.7"), True, "12"):
        with pytest.raises(SerializationError, match="expected a whole number"):
            from_dict({**facts, "customers_affected": value})


@pytest.mark.parametrize(
    "value", [Decimal("1e9999999"), Decimal("1e400"), 10**5000, 10**400], ids=_label
)
def test_a_float_field_refuses_a_huge_number_quickly(value):
    data = json.loads(_signal_json("1"))
    data["metrics"] = {"heat": value}
    with pytest.raises(SerializationError, match=r"finite.* @ \$\.metrics\['heat'\]"):
        from_dict(data)


_NUMBERS = st.one_of(
    st.sampled_from(HUGE_VALUES),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.builds(lambda m, e: Decimal(f"{m}e{e}"), st.integers(-9, 9), st.integers(-(10**8), 10**8)),
)


@settings(max_examples=300)
@given(st.sampled_from(REGISTERED), st.data())
def test_numbers_of_any_size_in_any_field_raise_nothing_but_crisiskit_errors(item, data):
    _, cls = item
    value = data.draw(cks.for_type(cls))
    written = to_dict(value)
    fields = [key for key in written if key not in ("type", "schema_version")]
    if not fields:
        return
    key = data.draw(st.sampled_from(fields))
    written[key] = data.draw(_NUMBERS)
    try:
        from_dict(written)
    except CrisisKitError:
        pass


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(HUGE_TOKENS),
            st.from_regex(r"\A-?[0-9]{1,80}(\.[0-9]{1,80})?([eE][-+]?[0-9]{1,12})?\Z"),
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["sequence", "customers_affected", "amount", "metrics", "version"]),
)
def test_fuzzed_json_numbers_raise_nothing_but_crisiskit_errors(tokens, key):
    for name in ("Facts", "Money", "Signal", "StatementReleased", "LevelChanged"):
        text = json.dumps({"type": name, "schema_version": 1, key: "@@"})
        for token in tokens:
            try:
                from_json(text.replace('"@@"', token))
            except CrisisKitError:
                pass
            for floats in ("decimal", "float"):
                try:
                    _loads(token, floats=floats)
                except CrisisKitError:
                    pass


# The fast path: the same objects and the same errors as the detailed path alone.


def _detailed_only(read, *args):
    """``read(*args)`` with the fast path failing every time: the detailed path alone."""

    def refuse(*_):
        raise RuntimeError("fast path disabled")

    original = serialization._plain_structure
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            serialization,
            "_plain_structure",
            lambda cls, *, fast=False: refuse if fast else original(cls),
        )
        patch.setattr(serialization, "_fast_converter", refuse)
        return read(*args)


def _outcome(read, *args):
    try:
        return ("value", read(*args))
    except CrisisKitError as exc:
        return (type(exc), str(exc))


@settings(max_examples=40)
@given(st.sampled_from(REGISTERED).flatmap(lambda item: cks.for_type(item[1])))
def test_the_fast_path_reads_every_type_as_the_detailed_one(value):
    data = to_dict(value)
    # The fast path itself reads it: no fallback to the detailed path for valid data.
    payload = {k: v for k, v in data.items() if k not in ("type", "schema_version")}
    custom = getattr(type(value), "__crisiskit_structure__", None)
    direct = (
        custom(payload, serialization._fast_converter())
        if custom is not None
        else serialization._plain_structure(type(value), fast=True)(payload, type(value))
    )
    assert direct == value
    fast = from_dict(data)
    assert fast == value
    assert type(fast) is type(value)
    assert _detailed_only(from_dict, data) == fast
    assert to_json(fast) == to_json(value)


@settings(max_examples=200)
@given(
    st.sampled_from(REGISTERED),
    st.data(),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["2025-01-01T00:00:00Z", "PT1H", "CNY", "hotline", "1.5", [], {}]),
        st.lists(st.integers() | st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
    ),
)
def test_a_bad_field_gives_the_same_error_with_and_without_the_fast_path(item, data, bad):
    _, cls = item
    written = to_dict(data.draw(cks.for_type(cls)))
    fields = [key for key in written if key not in ("type", "schema_version")]
    if fields:
        written[data.draw(st.sampled_from([*fields, "unknown_field"]))] = bad
    assert _outcome(from_dict, written) == _outcome(_detailed_only, from_dict, written)


@settings(max_examples=60)
@given(st.sampled_from(EVENT_TYPES).flatmap(cks.for_type))
def test_structure_reads_the_fields_of_a_known_class(event):
    data = to_dict(event)
    payload = {k: v for k, v in data.items() if k not in ("type", "schema_version")}
    back = _structure(type(event), payload)
    assert type(back) is type(event)
    assert back == event == from_json(to_json(event), Event)


def test_structure_wraps_errors_as_from_dict_does():
    signal = {"channel": "tv", "observed_at": "2025-09-27T12:00:00Z", "description": "x"}
    with pytest.raises(SerializationError) as direct:
        _structure(Signal, signal)
    with pytest.raises(SerializationError) as whole:
        from_dict({"type": "Signal", "schema_version": 1, **signal})
    assert str(direct.value) == str(whole.value)
    assert str(direct.value).endswith(" @ $.channel")
    with pytest.raises(SerializationError, match=r"unknown field\(s\) 'extra'"):
        _structure(Signal, {**signal, "channel": "hotline", "extra": 1})
    with pytest.raises(SerializationError, match=r"too large.* @ \$\.customers_affected"):
        _structure(Facts, {"customers_affected": Decimal("1e9999999")})
    with pytest.raises(SerializationError, match="expected an object"):
        _structure(Facts, ["not", "an", "object"])  # type: ignore[arg-type]


# The fast path of parse_datetime: the same DateTime as the general path.


def _general_path(text: str) -> pendulum.DateTime:
    return pendulum.instance(dt.datetime.fromisoformat(text)).in_timezone(pendulum.UTC)


def _same_datetime(a: pendulum.DateTime, b: pendulum.DateTime) -> None:
    assert type(a) is type(b) is pendulum.DateTime
    assert a == b
    assert a.tzinfo is b.tzinfo is pendulum.UTC
    assert (a.fold, repr(a), format_datetime(a)) == (b.fold, repr(b), format_datetime(b))


@given(cks.instants())
def test_stored_utc_instants_read_as_the_general_path_reads_them(instant):
    text = format_datetime(instant.in_timezone("UTC"))
    assert text.endswith("Z")
    _same_datetime(parse_datetime(text), _general_path(text))


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999Z",
        "2025-01-01T00:00Z",
        "2025-01-01T00:00:00.123Z",
        "2025-01-01 00:00:00Z",
        "20250101T000000Z",
    ],
)
def test_other_utc_forms_read_as_before(text):
    _same_datetime(parse_datetime(text), _general_path(text))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("2016-12-31T23:59:60Z", "not an ISO 8601"),
        ("2025-02-30T00:00:00Z", "not an ISO 8601"),
        ("Z", "not an ISO 8601"),
        ("2025-01-01T00:00:00+01:00Z", "not an ISO 8601"),
    ],
)
def test_bad_utc_forms_are_refused_as_before(text, match):
    with pytest.raises(SerializationError, match=match):
        parse_datetime(text)
