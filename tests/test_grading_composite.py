import attrs
import pytest
from grading_support import AT, TYPICAL, grading_input

from crisiskit import Level
from crisiskit.errors import PolicyError
from crisiskit.grading import (
    AhpFuzzyPolicy,
    Bilingual,
    IndicatorPolicy,
    RiskMatrixPolicy,
    StandardPolicy,
    WeightedPolicy,
    WorstOfPolicy,
    policy_by_name,
)


def test_worst_of_takes_the_most_severe_part_and_records_every_part():
    policy = WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy())
    calm = policy.assess(grading_input(metrics={"heat": 600}), at=AT)
    assert calm.level is Level.II  # matrix II, indicators IV
    stormy = policy.assess(grading_input(metrics={"heat": 60_000}), at=AT)
    assert stormy.level is Level.I  # indicators I
    assert [p.policy for p in stormy.explanation.parts] == ["risk-matrix@1", "indicators@1"]
    assert [p.level for p in stormy.explanation.parts] == [Level.II, Level.I]
    assert stormy.score == 4
    assert "indicators@1 → I (major)" in stormy.explain()
    assert "risk-matrix@1: II (significant), score 12" in stormy.explain()
    assert "组成部分" in stormy.explain("zh")


def test_worst_of_ties_go_to_the_first_part_listed():
    policy = WorstOfPolicy(IndicatorPolicy(), RiskMatrixPolicy())
    tied = policy.assess(grading_input(metrics={"heat": 12_000}), at=AT)  # both II
    assert tied.level is Level.II
    assert "indicators@1 → II" in tied.explanation.decision.en
    assert tied.likelihood is None  # from the deciding part, which has none


def test_standard_is_matrix_and_indicators():
    standard = policy_by_name("standard")
    assert standard.id == "standard@1"
    assert [p.id for p in standard.parts] == ["risk-matrix@1", "indicators@1"]


def test_parts_keep_their_own_adjustments_and_the_composite_may_add_more():
    class Floor(RiskMatrixPolicy, name="floored", version="1"):
        def adjust(self, grade, inputs):
            return grade.at_least(Level.I, rule="floor", reason=Bilingual("floor", "底线"))

    class Capped(WorstOfPolicy, name="capped", version="1"):
        def adjust(self, grade, inputs):
            return grade.at_most(Level.II, rule="cap", reason=Bilingual("cap", "上限"))

    assessment = Capped(Floor(), IndicatorPolicy()).assess(grading_input(), at=AT)
    assert assessment.explanation.parts[0].explanation.adjustments[0].rule == "floor"
    assert assessment.decided_level is Level.I
    assert assessment.level is Level.II


def test_weighted_combination_by_hand():
    policy = WeightedPolicy([(RiskMatrixPolicy(), 2), (IndicatorPolicy(), 1)])
    # matrix II (severity 3), indicators IV (1): (2·3 + 1·1)/3 = 2.333 → III (≥ 1.5, < 2.5)
    assessment = policy.assess(grading_input(metrics={"heat": 600}), at=AT)
    assert assessment.score == pytest.approx(7 / 3)
    assert assessment.level is Level.III
    assert [p.weight for p in assessment.explanation.parts] == pytest.approx([2 / 3, 1 / 3])
    # matrix II, indicators I: (2·3 + 4)/3 = 3.333 → II
    assert policy.assess(grading_input(metrics={"heat": 60_000}), at=AT).level is Level.II
    # ties go up: equal weights of II and III → 2.5 → II
    even = WeightedPolicy([(RiskMatrixPolicy(), 1), (IndicatorPolicy(), 1)])
    assert even.assess(grading_input(metrics={"heat": 2_000}), at=AT).level is Level.II


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (WorstOfPolicy, "at least one part"),
        (lambda: WorstOfPolicy("risk-matrix"), "must be a GradingPolicy"),
        (lambda: WeightedPolicy([(RiskMatrixPolicy(), 0)]), "must be > 0"),
        (
            lambda: WeightedPolicy([(RiskMatrixPolicy(), 1)], bands={"I": 3, "II": 3, "III": 2}),
            "must fall",
        ),
        (lambda: WeightedPolicy([(RiskMatrixPolicy(), 1)], bands={"I": 3.5}), "I, II and III"),
    ],
)
def test_bad_composites_are_refused(build, match):
    with pytest.raises(PolicyError, match=match):
        build()


def test_a_composite_fingerprint_follows_its_parts():
    a = WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy())
    b = WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy(hysteresis=0.1))
    assert a.fingerprint != b.fingerprint
    c = WeightedPolicy([(RiskMatrixPolicy(), 1), (AhpFuzzyPolicy(), 1)])
    d = WeightedPolicy([(RiskMatrixPolicy(), 1), (AhpFuzzyPolicy(), 2)])
    assert c.fingerprint != d.fingerprint
    assert len(c.parts) == 2


def test_composites_nest():
    class Outer(WeightedPolicy, name="outer", version="1"):
        pass

    outer = Outer([(StandardPolicy(), 1), (AhpFuzzyPolicy(), 1)])
    assessment = outer.assess(grading_input(TYPICAL, metrics={"heat": 60_000}), at=AT)
    assert assessment.explanation.parts[0].policy == "standard@1"
    assert assessment.explanation.parts[0].explanation.parts[1].level is Level.I
    assert assessment.policy == "outer@1"


def test_the_standard_policy_is_a_worst_of_under_its_own_name():
    standard = StandardPolicy()
    plain = WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy())
    assert (standard.name, plain.name) == ("standard", "worst-of")
    assert standard.parts == plain.parts
    assert standard.configuration() == plain.configuration()
    assert standard.fingerprint != plain.fingerprint  # the id is part of it
    inputs = grading_input(TYPICAL, metrics={"heat": 60_000})
    assert standard.evaluate(inputs) == plain.evaluate(inputs)
    assert StandardPolicy(IndicatorPolicy()).parts == (IndicatorPolicy(),)
    assert attrs.evolve(plain, parts=(IndicatorPolicy(),)) == WorstOfPolicy(IndicatorPolicy())
