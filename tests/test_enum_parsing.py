"""Enum arguments as a host has them: the member, its code, its name, or a label."""

import enum
import importlib
import pkgutil

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lifecycle_support import T0, new_crisis

import crisiskit
from crisiskit import Channel, CrisisType, Level, Role, Signal
from crisiskit._internal import checks as _checks
from crisiskit.app.describe import describe
from crisiskit.errors import UnknownValueError
from crisiskit.events import LevelChanged
from crisiskit.grading.explanation import level_text
from crisiskit.grading.models.fuzzy import Operator
from crisiskit.operations.notices import WarningNotice
from crisiskit.plan.level_plan import Escalation, level_title
from crisiskit.plan.vocabulary import BudgetCategory, Phase
from crisiskit.serialization import from_dict, to_dict
from crisiskit.sla.vocabulary import SlaMetric
from crisiskit.values.labels import LabelledEnum
from crisiskit.values.levels import Colour

# Every module, since ``import crisiskit`` and the layers' packages load some only on first use.
for _module in pkgutil.walk_packages(crisiskit.__path__, "crisiskit."):
    if not _module.name.endswith("__main__"):
        importlib.import_module(_module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


ENUMS = sorted(set(_subclasses(LabelledEnum)), key=lambda e: e.__name__)
MEMBERS = [m for e in ENUMS for m in e]


def test_every_shipped_labelled_enum_is_found():
    names = {e.__name__ for e in ENUMS}
    assert {"Level", "Channel", "Role", "SlaMetric", "Phase", "Operator", "DayKind"} <= names
    assert len(ENUMS) >= 30


LEVEL_FORMS = [
    ("II", Level.II),
    ("2", Level.II),
    (" ii ", Level.II),
    ("level II", Level.II),
    ("Level II", Level.II),
    ("LEVEL 2", Level.II),
    ("二级", Level.II),
    ("II级", Level.II),
    ("Ⅱ级", Level.II),
    ("二级预警", Level.II),
    ("level II warning", Level.II),
    ("二级预警（较大危机）", Level.II),
    ("二级预警 (较大危机)", Level.II),
    ("level II warning (significant crisis)", Level.II),
    ("Level  II  Warning(Significant Crisis)", Level.II),
    ("II (significant)", Level.II),
    ("II级（较大）", Level.II),
    ("significant", Level.II),
    ("较大", Level.II),
    ("orange", Level.II),
    ("橙色", Level.II),
    ("橙色预警", Level.II),
    ("I", Level.I),
    ("一级预警（重大危机）", Level.I),
    ("red", Level.I),
    ("三级", Level.III),
    ("level III warning (general crisis)", Level.III),
    ("一般", Level.III),
    ("4", Level.IV),
    ("四级预警（轻微危机）", Level.IV),
    ("蓝色", Level.IV),
]


@pytest.mark.parametrize(("text", "level"), LEVEL_FORMS)
def test_level_parse_reads_every_form(text, level):
    assert Level.parse(text) is level


@pytest.mark.parametrize(
    "text",
    [
        "V",
        "5",
        "0",
        "五级",
        "level",
        "",
        "   ",
        "二级预警（重大危机）",  # the number and the description disagree
        "level II warning (major crisis)",
        "purple",
    ],
)
def test_level_parse_refuses_what_names_no_level(text):
    with pytest.raises(UnknownValueError, match=r"Allowed: 'I', 'II', 'III', 'IV'"):
        Level.parse(text)


@pytest.mark.parametrize("value", [2, None, True, Colour.ORANGE, CrisisType.OTHER])
def test_level_parse_refuses_what_is_not_text_or_a_level(value):
    with pytest.raises(UnknownValueError, match="is not a Level"):
        Level.parse(value)


def _printed(level, lang):
    """Every way crisiskit itself writes ``level`` in ``lang``."""
    event = LevelChanged(
        crisis_id="CR-1", sequence=2, occurred_at=T0, actor="a", old_level=None, new_level=level
    )
    described = describe(event, lang, label=False).split(" → ")[1]
    titled = level_title(level, CrisisType.COMPLAINT, lang)
    return {
        level.value,
        level.label(lang),
        level.warning_label(lang),
        level.colour.label(lang),
        level_text(level, lang),
        described,
        titled.split(" · ")[-1] if lang == "zh" else titled.split(", ")[-1],
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("level", list(Level))
def test_every_level_string_crisiskit_prints_parses_back(level, lang):
    printed = _printed(level, lang)
    assert len(printed) >= 6
    for text in printed:
        assert Level.parse(text) is level, text


@pytest.mark.parametrize("enum_class", ENUMS, ids=lambda e: e.__name__)
def test_each_enum_takes_code_name_and_both_labels(enum_class):
    for member in enum_class:
        for text in (member.value, member.name, member.label("en"), member.label("zh")):
            assert enum_class.parse(text) is member
            assert enum_class.parse(f"  {text}\t") is member
            assert _checks.member("value", text, enum_class) is member
        assert enum_class.parse(member.name.lower()) is member
        assert enum_class.parse(member.label("en").upper()) is member


@given(st.sampled_from(MEMBERS), st.data())
def test_parse_gives_the_member_for_each_of_its_forms(member, data):
    enum_class = type(member)
    text = data.draw(
        st.sampled_from([member, member.value, member.name, member.label("en"), member.label("zh")])
    )
    assert enum_class.parse(text) is member
    assert _checks.member("x", text, enum_class) is member


@pytest.mark.parametrize("enum_class", ENUMS, ids=lambda e: e.__name__)
def test_no_spelling_names_two_members(enum_class):
    for member in enum_class:
        for text in (member.value, member.name, member.label("en"), member.label("zh")):
            assert enum_class.lookup(text) is member


def test_a_label_shared_by_two_members_is_refused_when_the_enum_is_made():
    class Clash(LabelledEnum):
        A = "a"
        B = "b"

    with pytest.raises(TypeError, match="'same' would name both A and B"):
        Clash._register_labels({Clash.A: ("same", "甲"), Clash.B: ("same", "乙")})
    with pytest.raises(TypeError, match="would name both A and B"):
        Clash._register_labels({Clash.A: ("b", "甲"), Clash.B: ("bee", "乙")})


def test_a_refusal_names_the_parameter_what_was_given_and_the_codes():
    with pytest.raises(UnknownValueError) as caught:
        _checks.member("release_statement(audience)", "press", Role)
    message = str(caught.value)
    assert message.startswith("release_statement(audience) must be a Role; got 'press'.")
    assert "Allowed: 'leadership_group', 'general_manager'" in message
    assert "labels" in message
    assert len(message) < 400


def test_member_returns_the_parsed_member():
    assert _checks.member("level", "二级", Level) is Level.II
    assert _checks.member("channel", "客服热线", Channel) is Channel.HOTLINE
    assert _checks.member("level", Level.III, Level) is Level.III


def test_member_of_a_plain_enum_reads_only_members_and_codes():
    class Plain(enum.Enum):
        A = "a"

    assert _checks.member("p", "a", Plain) is Plain.A
    with pytest.raises(UnknownValueError, match=r"p must be a Plain; got 'A'\. Allowed: 'a'"):
        _checks.member("p", "A", Plain)


def test_value_objects_convert_text_and_hold_the_member():
    signal = Signal("客服热线", T0, "complaint")
    assert signal.channel is Channel.HOTLINE
    assert Signal(" Customer Hotline ", T0, "complaint") == signal
    assert Escalation(inform=["legal", "总经理"]).inform == (Role.LEGAL, Role.GENERAL_MANAGER)
    notice = WarningNotice(level="二级预警", crisis_type="客户投诉", recipients=["office"])
    assert (notice.level, notice.crisis_type, notice.recipients) == (
        Level.II,
        CrisisType.COMPLAINT,
        (Role.OFFICE,),
    )


def test_value_objects_refuse_text_that_names_no_member_with_the_field_name():
    with pytest.raises(UnknownValueError, match=r"Signal\.channel must be a Channel; got 'tv'"):
        Signal("tv", T0, "complaint")
    with pytest.raises(UnknownValueError, match=r"Escalation\.inform\[1\] must be a Role; got 'x'"):
        Escalation(inform=["legal", "x"])


def test_serialisation_still_writes_codes_and_round_trips():
    signal = Signal("社交媒体（微博、微信）", T0, "Weibo post")
    data = to_dict(signal)
    assert data["channel"] == "social_media"
    assert from_dict(data) == signal
    notice = WarningNotice(level="level I warning", crisis_type="complaint", recipients=["总经理"])
    data = to_dict(notice)
    assert (data["level"], data["crisis_type"], data["recipients"]) == (
        "I",
        "complaint",
        ["general_manager"],
    )
    assert from_dict(data) == notice


def test_labels_are_not_read_back_from_stored_data():
    data = to_dict(Signal(Channel.HOTLINE, T0, "complaint"))
    data["channel"] = "客服热线"
    with pytest.raises(Exception, match="is not a Channel"):
        from_dict(data)


def test_operators_read_their_ascii_forms_with_or_without_spaces():
    assert Operator.parse("M(*, +)") is Operator.WEIGHTED_AVERAGE
    assert Operator.parse("m ( min , max )") is Operator.MIN_MAX
    assert Operator.parse("加权平均型") is Operator.WEIGHTED_AVERAGE


def test_lookups_by_text_in_other_layers():
    assert Phase.of_state("应对") is Phase.RESPONSE
    assert BudgetCategory.parse("公关") is BudgetCategory.PR
    assert SlaMetric.parse(SlaMetric.ACKNOWLEDGE.label("zh")) is SlaMetric.ACKNOWLEDGE


def test_a_crisis_command_takes_the_level_as_the_host_has_it():
    crisis = new_crisis()
    crisis.set_level("二级预警（较大危机）", actor="analyst", reason="spreading on Weibo")
    assert crisis.level is Level.II
    with pytest.raises(UnknownValueError, match=r"set_level\(level\) must be a Level; got 'V'"):
        crisis.set_level("V", actor="analyst", reason="typo")
