"""A host's own attributes on a crisis: declared once, checked, recorded, replayed, stored."""

from __future__ import annotations

import pytest
from lifecycle_support import T0, new_crisis, snapshot

from crisiskit import Context, Crisis, from_json, to_json, verify
from crisiskit.errors import InvalidTransition, ValidationError
from crisiskit.events import AttributesSet, Event
from crisiskit.testing import ManualClock
from crisiskit.values.attributes import AttributeSchema, Choice, Flag, Integer, Tags, Text

SCHEMA = AttributeSchema(
    Text("crm_ticket", "CRM ticket", "CRM 工单", pattern=r"TK-[0-9]{4,8}"),
    Choice("region", "region", "大区", choices=("east", "north", "south", "west")),
    Integer("stores_affected", "stores affected", "受影响门店数", minimum=0, maximum=10_000),
    Flag("regulator_informed", "regulator informed", "已报监管"),
    Tags("tags", "tags", "标签", max_tags=5),
)


@pytest.fixture
def crisis() -> Crisis:
    return new_crisis(context=Context(ManualClock(T0), attributes=SCHEMA))


def test_attributes_are_set_changed_and_taken_off_by_events(crisis):
    first = crisis.set_attributes(
        {"crm_ticket": "TK-20250927", "region": "east", "tags": ["media", "vip", "media"]},
        actor="cs",
    )
    assert isinstance(first, AttributesSet)
    assert dict(crisis.attributes) == {
        "crm_ticket": "TK-20250927",
        "region": "east",
        "tags": ("media", "vip"),
    }
    second = crisis.set_attributes(
        {"region": "north", "tags": None, "stores_affected": 12}, actor="cs", reason="moved"
    )
    assert dict(second.new) == {"region": "north", "stores_affected": 12}
    assert dict(second.old) == {"region": "east", "tags": ("media", "vip")}
    assert second.removed == ("tags",)
    assert dict(crisis.attributes) == {
        "crm_ticket": "TK-20250927",
        "region": "north",
        "stores_affected": 12,
    }


def test_the_attributes_replay_and_survive_storage(crisis):
    crisis.set_attributes({"regulator_informed": True, "tags": ["recall"]}, actor="cs")
    crisis.set_attributes({"tags": ["recall", "12315"]}, actor="cs")
    events = [from_json(to_json(e), Event) for e in crisis.pull_events()]
    assert verify(events).ok
    assert Crisis.replay(events) == crisis
    loaded = from_json(to_json(crisis), Crisis)
    assert loaded == crisis
    assert dict(loaded.attributes) == {"regulator_informed": True, "tags": ("12315", "recall")}


def test_a_crisis_without_attributes_is_stored_as_before():
    assert "attributes" not in to_json(new_crisis())


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"ticket": "TK-1234"},
            r"no attribute 'ticket' is declared; the context's schema has: crm_ticket, region",
        ),
        ({"crm_ticket": "12345"}, r"'crm_ticket' must be text of 1 to 200 characters matching"),
        ({"region": "mars"}, r"'region' must be one of 'east', 'north', 'south', 'west'"),
        ({"stores_affected": -1}, r"'stores_affected' must be a whole number from 0 to 10000"),
        ({"stores_affected": True}, r"'stores_affected' must be a whole number"),
        ({"regulator_informed": "yes"}, r"'regulator_informed' must be true or false"),
        ({"tags": list("abcdef")}, r"'tags' must be a list of at most 5 tags"),
        ({"tags": "vip"}, r"'tags' must be a list"),
        ({}, r"takes a mapping of one or more"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(crisis, values, message):
    before = snapshot(crisis)
    with pytest.raises(ValidationError, match=message):
        crisis.set_attributes(values, actor="cs")
    assert snapshot(crisis) == before


def test_a_change_that_changes_nothing_is_refused(crisis):
    crisis.set_attributes({"region": "east"}, actor="cs")
    with pytest.raises(ValidationError, match="changes nothing"):
        crisis.set_attributes({"region": "east", "tags": None}, actor="cs")


def test_without_a_schema_the_command_says_how_to_declare_one():
    crisis = new_crisis()
    assert "set_attributes" not in crisis.allowed_commands()
    with pytest.raises(ValidationError, match=r"attributes=AttributeSchema"):
        crisis.set_attributes({"region": "east"}, actor="cs")


def test_a_closed_crisis_takes_no_attributes(crisis):
    crisis.dismiss(actor="office", reason="false alarm")
    with pytest.raises(InvalidTransition):
        crisis.set_attributes({"region": "east"}, actor="cs")


def test_a_schema_refuses_bad_declarations():
    with pytest.raises(ValidationError, match="declared twice: region"):
        AttributeSchema(Flag("region", "a", "甲"), Flag("region", "b", "乙"))
    with pytest.raises(ValidationError, match="lower_snake_case"):
        Flag("Region", "region", "大区")
    with pytest.raises(ValidationError, match="one or more text choices"):
        Choice("region", "region", "大区", choices=())
