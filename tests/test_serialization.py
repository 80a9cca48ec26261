import json
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crisiskit  # noqa: F401 - registers the core types; the strategies below load the rest
from crisiskit._internal import registry as _registry
from crisiskit.errors import CrisisKitError, NaiveDatetimeError, SerializationError
from crisiskit.events import Event
from crisiskit.serialization import (
    SCHEMA_VERSION,
    format_datetime,
    from_dict,
    from_json,
    parse_datetime,
    to_dict,
    to_json,
)
from crisiskit.testing import strategies as cks
from crisiskit.values.money import Money

REGISTERED = sorted(_registry.TYPES.items())


@pytest.mark.parametrize(("name", "cls"), REGISTERED, ids=[n for n, _ in REGISTERED])
def test_every_registered_type_round_trips_through_json(name, cls):
    @settings(max_examples=60)
    @given(cks.for_type(cls))
    def round_trip(value):
        text = to_json(value)
        back = from_json(text)
        assert type(back) is cls
        assert back == value
        assert to_json(back) == text  # the written form is canonical

    round_trip()


def test_round_trip_keeps_exact_decimals():
    money = Money("1234.5600", "CNY")
    data = to_dict(money)
    assert data == {
        "type": "Money",
        "schema_version": SCHEMA_VERSION,
        "amount": "1234.5600",
        "currency": "CNY",
    }
    back = from_dict(data, Money)
    assert str(back.amount) == "1234.5600"


@given(cks.zoned_datetimes())
def test_datetimes_keep_instant_and_zone(value):
    text = format_datetime(value)
    back = parse_datetime(text)
    assert back == value
    assert back.timezone_name == value.timezone_name
    assert isinstance(back, pendulum.DateTime)


def test_datetime_format_is_rfc_9557():
    assert (
        format_datetime(pendulum.datetime(2025, 3, 30, 3, tz="Europe/London"))
        == "2025-03-30T03:00:00+01:00[Europe/London]"
    )
    assert format_datetime(pendulum.datetime(2025, 1, 1, tz="UTC")) == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("2025-01-01T00:00:00", "no offset"),
        ("2025-03-09T02:30:00-05:00[America/New_York]", "does not match"),
        ("2025-01-01T00:00:00+08:00[Mars/Olympus]", "unknown time zone"),
        ("yesterday", "not an ISO 8601"),
    ],
)
def test_bad_datetimes_are_refused(text, match):
    with pytest.raises(CrisisKitError, match=match):
        parse_datetime(text)
    with pytest.raises(NaiveDatetimeError):
        format_datetime(pendulum.naive(2025, 1, 1))


def _signal_data(**changes):
    data = {
        "type": "Signal",
        "schema_version": 1,
        "channel": "hotline",
        "observed_at": "2025-09-27T12:00:00Z",
        "description": "complaint",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"channel": "tv"}, r"'tv' is not a Channel; allowed: 'hotline'.* @ \$\.channel"),
        ({"observed_at": "2025-09-27T12:00:00"}, r"no offset.* @ \$\.observed_at"),
        ({"extra": 1}, r"unknown field\(s\) 'extra'"),
        ({"customers": "C-1"}, r"expected a list.* @ \$\.customers"),
        (
            {"customers": [{"customer_id": "C-1", "value": {"amount": "1", "currency": "XXY"}}]},
            r"ISO 4217.* @ \$\.customers\[0\]\.value",
        ),
        ({"metrics": {"heat": "hot"}}, r"expected a number.* @ \$\.metrics\['heat'\]"),
        ({"schema_version": 99}, "newer crisiskit"),
        ({"schema_version": "1"}, "whole number"),
        ({"type": "Spaceship"}, "unknown type 'Spaceship'"),
    ],
)
def test_bad_fields_are_named_by_path(changes, match):
    with pytest.raises(SerializationError, match=match):
        from_dict(_signal_data(**changes))


def test_missing_field_and_wrong_expected_type():
    data = _signal_data()
    del data["observed_at"]
    with pytest.raises(SerializationError, match="required field missing"):
        from_dict(data)
    with pytest.raises(SerializationError, match="expected a Money"):
        from_dict(_signal_data(), Money)


EVENT_TYPES = [cls for _, cls in REGISTERED if issubclass(cls, Event)]


@settings(max_examples=60)
@given(st.sampled_from(EVENT_TYPES).flatmap(cks.for_type))
def test_an_event_of_any_type_reads_back_as_an_event(event):
    # A host's event store reads its rows with from_json(body, Event): every kind of event
    # is an Event, as it is in a nested field.
    back = from_json(to_json(event), Event)
    assert type(back) is type(event)
    assert back == event


def test_a_base_class_still_refuses_other_types():
    with pytest.raises(SerializationError, match="expected a Event; got a 'Money'"):
        from_dict(to_dict(Money("1", "CNY")), Event)


def test_json_numbers_with_fractions_are_read_exactly():
    text = (
        json.dumps({"type": "Money", "schema_version": 1, "currency": "CNY"})[:-1]
        + ', "amount": 0.1}'
    )
    assert from_json(text).amount == Decimal("0.1")
    with pytest.raises(SerializationError, match="finite"):
        from_json('{"type": "Money", "schema_version": 1, "currency": "CNY", "amount": NaN}')


def test_older_schema_versions_are_migrated(monkeypatch):
    from crisiskit import serialization

    monkeypatch.setattr(serialization, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(
        serialization._MIGRATIONS,
        1,
        lambda d: {("currency" if k == "ccy" else k): v for k, v in d.items()},
    )
    assert from_dict({"type": "Money", "schema_version": 1, "amount": "3", "ccy": "EUR"}) == Money(
        3, "EUR"
    )


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(),
        st.binary(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(st.text(max_size=12), children, max_size=4)
            ),
            max_leaves=20,
        ).map(json.dumps),
    )
)
def test_fuzzed_json_raises_nothing_but_crisiskit_errors(text):
    try:
        from_json(text)
    except CrisisKitError:
        pass


_NAMES = st.sampled_from(sorted(_registry.TYPES))


@settings(max_examples=300)
@given(
    _NAMES,
    st.dictionaries(
        st.sampled_from(
            [
                "channel",
                "observed_at",
                "description",
                "customers",
                "metrics",
                "amount",
                "currency",
                "customer_id",
                "time",
                "customers_affected",
                "value",
                "tier",
                "place",
            ]
        ),
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.text(max_size=30)
            | st.sampled_from(["2025-01-01T00:00:00Z", "CNY", "hotline", "1.5"]),
            lambda c: (
                st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c, max_size=3)
            ),
            max_leaves=10,
        ),
        max_size=8,
    ),
)
def test_fuzzed_objects_of_known_types_raise_nothing_but_crisiskit_errors(name, body):
    try:
        from_dict({"type": name, "schema_version": 1, **body})
    except CrisisKitError:
        pass


@given(cks.crises())
@settings(max_examples=40, deadline=None)
def test_a_crisis_loaded_from_its_snapshot_equals_the_live_one(crisis):
    from crisiskit import Crisis

    loaded = from_json(to_json(crisis), Crisis)
    assert loaded == crisis
    assert to_json(loaded) == to_json(crisis)
    assert Crisis.replay(crisis.pull_events()) == loaded


def test_a_missing_or_unknown_type_names_only_what_is_expected_here():
    from crisiskit import Money
    from crisiskit.events import Event

    with pytest.raises(SerializationError) as info:
        from_json('{"amount": "1", "currency": "CNY", "schema_version": 1}', Money)
    assert str(info.value) == "a \"type\" key is missing; expected here: 'Money'"
    with pytest.raises(SerializationError, match=r"unknown type 'Nope'.*\(\d+ in all\)") as info:
        from_json('{"type": "Nope", "schema_version": 1}', Event)
    assert len(str(info.value)) < 300
    with pytest.raises(SerializationError, match=r"unknown type 'xxxxx.*…;"):
        from_json(json.dumps({"type": "x" * 1000, "schema_version": 1}))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P900Y", "'P900Y' is too large (at most 36525 days, PT876600H)"),
        ("PT99999999999H", "too large (at most 36525 days"),
        ("P36526D", "too large (at most 36525 days"),
        ("P1Y", "years, months or weeks, whose length is not fixed"),
        ("P2W", "years, months or weeks, whose length is not fixed"),
        ("forever", "must be ISO 8601"),
    ],
)
def test_durations_are_bounded_and_say_why_they_are_refused(text, message):
    from crisiskit.serialization import MAX_DURATION, parse_duration

    with pytest.raises(SerializationError) as info:
        parse_duration(text)
    assert message in str(info.value)
    assert parse_duration("P36525D") == MAX_DURATION
    assert parse_duration("-PT5H") == -parse_duration("PT5H")


@given(cks.instants())
def test_utc_instants_are_written_as_isoformat_writes_them(instant):
    from crisiskit.serialization import format_datetime

    utc = instant.in_timezone("UTC")
    assert format_datetime(utc) == utc.isoformat().removesuffix("+00:00") + "Z"
