import pytest

from crisiskit import Colour, Level
from crisiskit.errors import PolicyError
from crisiskit.grading import (
    TO_ITIL_PRIORITY,
    TO_NATIONAL_GRADE,
    TO_NATIONAL_GRADE_BY_WORDING,
    TO_WARNING_COLOUR,
    Crosswalk,
    ItilPriority,
    NationalGrade,
)


def test_default_crosswalks():
    assert [TO_NATIONAL_GRADE(lvl) for lvl in (Level.I, Level.II, Level.III, Level.IV)] == [
        NationalGrade.ESPECIALLY_MAJOR,
        NationalGrade.MAJOR,
        NationalGrade.LARGE,
        NationalGrade.GENERAL,
    ]
    assert [TO_ITIL_PRIORITY(lvl).value for lvl in (Level.I, Level.II, Level.III, Level.IV)] == [
        "P1",
        "P2",
        "P3",
        "P4",
    ]
    for level in Level:
        assert TO_WARNING_COLOUR(level) is level.colour


def test_the_wording_crosswalk_matches_the_words():
    for level in Level:
        grade = TO_NATIONAL_GRADE_BY_WORDING(level)
        if level is not Level.IV:
            assert level.label("zh") in grade.label("zh")  # 重大 → 重大（Ⅱ级）, …
    assert TO_NATIONAL_GRADE_BY_WORDING(Level.IV) is NationalGrade.GENERAL


def test_tables_read_in_both_languages():
    assert TO_NATIONAL_GRADE.table("zh")[0] == ("重大", "特别重大（Ⅰ级）")
    assert TO_ITIL_PRIORITY.table("en")[3] == ("minor", "low")
    assert TO_ITIL_PRIORITY.as_dict()[Level.I] is ItilPriority.P1
    assert ItilPriority.parse("紧急") is ItilPriority.P1


def test_custom_crosswalks_are_checked():
    shifted = Crosswalk.of(
        "ITIL, one notch down",
        {
            Level.I: ItilPriority.P2,
            Level.II: ItilPriority.P3,
            Level.III: ItilPriority.P4,
            Level.IV: ItilPriority.P5,
        },
    )
    assert shifted(Level.IV) is ItilPriority.P5
    with pytest.raises(PolicyError, match="must map each of I, II, III, IV"):
        Crosswalk.of("partial", {Level.I: ItilPriority.P1})
    with pytest.raises(
        PolicyError, match="maps the more severe level II to 'P3' but III to the more severe 'P2'"
    ):
        Crosswalk.of(
            "inverted",
            {
                Level.I: ItilPriority.P1,
                Level.II: ItilPriority.P3,
                Level.III: ItilPriority.P2,
                Level.IV: ItilPriority.P4,
            },
        )
    with pytest.raises(PolicyError, match="one labelled enum"):
        Crosswalk.of(
            "mixed",
            {
                Level.I: ItilPriority.P1,
                Level.II: Colour.ORANGE,
                Level.III: ItilPriority.P3,
                Level.IV: ItilPriority.P4,
            },
        )
