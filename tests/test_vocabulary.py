import pytest

from crisiskit import Audience, Channel, ChannelGroup, CrisisState, CrisisType, Level, Role
from crisiskit.errors import UnknownValueError, ValidationError
from crisiskit.values.labels import LabelledEnum, normalize_lang
from crisiskit.values.levels import Colour

ENUMS: list[type[LabelledEnum]] = [
    Audience,
    Channel,
    ChannelGroup,
    CrisisState,
    CrisisType,
    Level,
    Role,
    Colour,
]


def test_level_order_reads_as_severity():
    assert Level.I > Level.II > Level.III > Level.IV
    assert max([Level.III, Level.I, Level.IV]) is Level.I
    assert sorted(Level) == [Level.IV, Level.III, Level.II, Level.I]
    assert Level.most_severe([Level.IV, Level.II]) is Level.II
    assert Level.II.is_more_severe_than(Level.III)
    assert not Level.III.is_more_severe_than(Level.III)


def test_level_colours_and_labels_follow_the_brief():
    expected = {
        Level.I: ("red", "major", "重大"),
        Level.II: ("orange", "significant", "较大"),
        Level.III: ("yellow", "general", "一般"),
        Level.IV: ("blue", "minor", "轻微"),
    }
    for level, (colour, en, zh) in expected.items():
        assert level.colour.value == colour
        assert level.label("en") == en
        assert level.label("zh") == zh


def test_level_raise_and_lower_stop_at_the_ends():
    assert Level.III.raised() is Level.II
    assert Level.II.raised(5) is Level.I
    assert Level.II.lowered(2) is Level.IV
    assert Level.IV.lowered() is Level.IV
    with pytest.raises(ValidationError):
        Level.II.raised(-1)


def test_level_parse_accepts_codes_digits_and_labels():
    assert Level.parse("II") is Level.II
    assert Level.parse(" 3 ") is Level.III
    assert Level.parse("major") is Level.I
    assert Level.parse("轻微") is Level.IV
    with pytest.raises(UnknownValueError, match="Allowed: 'I', 'II', 'III', 'IV'"):
        Level.parse("V")


def test_level_rank_and_severity_are_inverse():
    for level in Level:
        assert Level.from_rank(level.rank) is level
        assert Level.from_severity(level.severity) is level
    with pytest.raises(UnknownValueError):
        Level.from_rank(0)
    with pytest.raises(UnknownValueError):
        Level.from_severity(True)


@pytest.mark.parametrize("enum", ENUMS)
def test_every_member_has_distinct_labels_in_both_languages(enum):
    for lang in ("en", "zh"):
        labels = [m.label(lang) for m in enum]
        assert all(labels), f"{enum.__name__} has an empty {lang} label"
        assert len(set(labels)) == len(labels), f"{enum.__name__} repeats a {lang} label"
    for member in enum:
        assert enum.parse(member.label("zh")) is member
        assert enum.parse(member.label("en").upper()) is member
        assert enum.parse(member.value) is member


def test_language_tags_are_normalised_and_unknown_ones_refused():
    assert normalize_lang("zh-CN") == "zh"
    assert normalize_lang("zh_Hans") == "zh"
    assert normalize_lang("EN-gb") == "en"
    assert CrisisType.PRODUCT_QUALITY.label("zh-Hans") == "产品质量问题"
    with pytest.raises(UnknownValueError, match="'fr'"):
        Level.I.label("fr")


def test_crisis_types_are_those_of_the_brief():
    assert {t.value for t in CrisisType} == {
        "complaint",
        "product_quality",
        "service_dispute",
        "negative_publicity",
        "natural_disaster",
        "management_failure",
        "malicious_attack",
        "information_security",
        "other",
    }


def test_channels_are_grouped_by_source():
    assert Channel.HOTLINE.group is ChannelGroup.CUSTOMER
    assert Channel.QUALITY_INSPECTION.group is ChannelGroup.INTERNAL
    assert Channel.SOCIAL_MEDIA.group is ChannelGroup.PUBLIC_OPINION
    assert Channel.HOTLINE.label("zh") == "客服热线"


def test_roles_carry_their_duties():
    assert Role.CUSTOMER_SERVICE.duty_label("zh") == "负责客户安抚和投诉处理"
    assert Role.GENERAL_MANAGER.duty == "decides and commands"


def test_audiences_and_states():
    assert [a.value for a in Audience] == [
        "customers",
        "media",
        "partners",
        "regulators",
        "internal",
    ]
    assert [s.value for s in CrisisState] == [
        "detected",
        "warned",
        "responding",
        "recovering",
        "closed",
    ]
    assert CrisisState.RESPONDING.is_open
    assert not CrisisState.CLOSED.is_open


def test_warning_labels_follow_the_regulation():
    assert Level.I.warning_label("zh") == "一级预警（重大危机）"
    assert Level.IV.warning_label("zh") == "四级预警（轻微危机）"
    assert Level.II.warning_label("en") == "level II warning (significant crisis)"
