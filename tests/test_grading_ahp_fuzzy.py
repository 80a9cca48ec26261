import math

import pytest
from grading_support import AT, FACTOR_NAMES, TYPICAL, grading_input
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit import Level
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import AhpFuzzyPolicy, RiskMatrixPolicy
from crisiskit.grading.ahp_fuzzy import DEFAULT_HIERARCHY, fuzzify
from crisiskit.grading.models import ahp


def test_default_weights_come_from_consistent_judgements():
    policy = AhpFuzzyPolicy()
    weights = policy.weights
    assert set(weights) == set(FACTOR_NAMES)
    assert math.fsum(weights.values()) == pytest.approx(1)
    assert policy.synthesis.is_consistent
    # likelihood and impact weigh half each; within impact: 2 : 2 : 1 : 2 (a consistent matrix)
    assert sum(weights[f] for f in ("severity", "scope", "trend")) == pytest.approx(0.5)
    assert weights["brand_damage"] == pytest.approx(1 / 7)
    assert weights["economic_loss"] == pytest.approx(1 / 14)
    assert weights["severity"] > weights["scope"] > weights["trend"]


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        (1, (0, 0, 0, 1)),
        (5, (1, 0, 0, 0)),
        (3, (0, 0.5, 0.5, 0)),
        (4, (0.25, 0.75, 0, 0)),
        (2, (0, 0, 0.75, 0.25)),
        (7 / 3, (0, 0, 1, 0)),
    ],
)
def test_fuzzify_by_hand(rating, expected):
    assert fuzzify(rating) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=100)
@given(st.floats(1, 5))
def test_fuzzify_is_a_partition_of_unity_with_a_linear_score(x):
    memberships = fuzzify(x)
    assert math.fsum(memberships) == pytest.approx(1)
    assert all(0 <= m <= 1 for m in memberships)
    score = sum(m * s for m, s in zip(memberships, (4, 3, 2, 1), strict=True))
    assert score == pytest.approx(1 + 3 * (x - 1) / 4)


def test_fuzzify_refuses_off_scale_ratings():
    with pytest.raises(ValidationError, match=r"must lie in \[1, 5\]; got 0"):
        fuzzify(0)


@pytest.mark.parametrize("x", [1, 2, 3, 4, 5])
def test_uniform_ratings_agree_with_the_default_matrix(x):
    factors = dict.fromkeys(FACTOR_NAMES, x)
    fuzzy_level = AhpFuzzyPolicy().assess(grading_input(factors), at=AT).level
    matrix_level = RiskMatrixPolicy().assess(grading_input(factors), at=AT).level
    assert fuzzy_level is matrix_level


def test_a_typical_assessment_explains_weights_memberships_and_the_band():
    assessment = AhpFuzzyPolicy().assess(grading_input(), at=AT)
    # likelihood mostly 4s, impact 2-3: the weighted score lands in III's band (1.93 – 2.62);
    # the default matrix, which takes the worst impact, says II — the methods differ on purpose
    assert assessment.level is Level.III
    assert 1.93 <= assessment.score < 2.62
    text = assessment.explain()
    assert "fuzzy evaluation M(·,⊕) with AHP weights" in text
    assert "≥ 1.93 → III (general)" in text
    assert "rating 4; memberships I 0.25, II 0.75" in text
    assert "模糊综合评价" in assessment.explain("zh")
    # with M(·,⊕) the contributions add up to the score
    total = math.fsum(c.contribution for c in assessment.explanation.contributions)
    assert total == pytest.approx(assessment.score)
    assert assessment.likelihood is not None
    assert assessment.impact is not None


def test_a_panels_memberships_replace_the_rating():
    panel = {**TYPICAL, "legal_risk.I": 0.6, "legal_risk.II": 0.4}
    with_panel = AhpFuzzyPolicy().assess(grading_input(panel), at=AT)
    contribution = next(c for c in with_panel.explanation.contributions if c.factor == "legal_risk")
    assert contribution.value == pytest.approx(0.6 * 4 + 0.4 * 3)
    assert "panel" in contribution.note.en
    without_rating = {k: v for k, v in panel.items() if k != "legal_risk"}
    assert AhpFuzzyPolicy().assess(grading_input(without_rating), at=AT).score == with_panel.score


@pytest.mark.parametrize(
    ("factors", "error", "match"),
    [
        (
            {k: v for k, v in TYPICAL.items() if k != "trend"},
            PolicyError,
            r"factor\(s\) trend are missing",
        ),
        ({**TYPICAL, "scope": 9}, ValidationError, "factor 'scope' must be a rating from 1 to 5"),
        ({**TYPICAL, "scope.I": 1.5}, ValidationError, r"membership scope.I must lie in \[0, 1\]"),
        ({**TYPICAL, "scope.I": 0, "scope.II": 0}, ValidationError, "all 0"),
    ],
)
def test_bad_factors_are_refused(factors, error, match):
    with pytest.raises(error, match=match):
        AhpFuzzyPolicy().assess(grading_input(factors), at=AT)


def test_inconsistent_judgements_are_refused_at_construction():
    bad = ahp.Node(
        {("likelihood", "impact"): 1},
        children={
            "likelihood": ahp.Node(
                {("severity", "scope"): 9, ("scope", "trend"): 9, ("trend", "severity"): 9}
            ),
            "impact": DEFAULT_HIERARCHY.children[1][1],
        },
    )
    with pytest.raises(PolicyError, match=r"not consistent enough .*goal/likelihood \(CR"):
        AhpFuzzyPolicy(bad)


def test_a_custom_hierarchy_and_scale():
    flat = ahp.Node({("brand_damage", "legal_risk"): 3})
    policy = AhpFuzzyPolicy(flat, rating_scale=(0, 10))
    assessment = policy.assess(grading_input({"brand_damage": 10, "legal_risk": 0}), at=AT)
    # weights 0.75 / 0.25; scores 4 and 1 → 3.25 → I
    assert assessment.score == pytest.approx(3.25)
    assert assessment.level is Level.I
    assert assessment.likelihood is None


def test_maximum_membership_with_an_explicit_tie_break():
    flat = ahp.Node({("severity", "scope"): 1})
    tie = {"severity.I": 1.0, "scope.III": 1.0}  # memberships I 0.5, III 0.5
    severe = AhpFuzzyPolicy(flat, defuzzification="max_membership")
    lenient = AhpFuzzyPolicy(flat, defuzzification="max_membership", tie_break="last")
    assert severe.assess(grading_input(tie), at=AT).level is Level.I
    assert lenient.assess(grading_input(tie), at=AT).level is Level.III
    refusing = AhpFuzzyPolicy(flat, defuzzification="max_membership", tie_break="refuse")
    with pytest.raises(PolicyError, match="tie"):
        refusing.assess(grading_input(tie), at=AT)
    assert "largest membership" in severe.assess(grading_input(tie), at=AT).explain()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bands": {"I": 2, "II": 3, "III": 1.5}}, "must fall from I to III"),
        ({"bands": {"I": 3.5, "II": 2.5}}, "levels I, II and III"),
        ({"rating_scale": (5, 1)}, "rating_scale"),
        ({"hierarchy": {("a", "b"): 2}}, "must be an ahp.Node"),
        ({"operator": "M(max,min)"}, "is not a Operator"),
    ],
)
def test_bad_configuration_is_refused(kwargs, match):
    with pytest.raises((PolicyError, ValidationError), match=match):
        AhpFuzzyPolicy(**kwargs)


def test_only_the_weighted_average_operator_keeps_the_policy_monotone():
    # With M(∧,⊕) a worse rating can raise the total membership of a middle grade, and the
    # normalisation then dilutes the severe grades: scope 1 → 2 lowers the level. That is why
    # M(·,⊕) is the default (its rows' totals never change, so nothing is diluted).
    factors = dict.fromkeys(FACTOR_NAMES, 1.0) | {
        "severity": 5,
        "customer_loss": 5,
        "economic_loss": 2,
        "legal_risk": 4.5,
    }
    worse = factors | {"scope": 2}
    bounded = AhpFuzzyPolicy(operator="M(∧,⊕)")
    assert (
        bounded.assess(grading_input(worse), at=AT).level
        < bounded.assess(grading_input(factors), at=AT).level
    )
    default = AhpFuzzyPolicy()
    assert (
        default.assess(grading_input(worse), at=AT).score
        > default.assess(grading_input(factors), at=AT).score
    )


def test_other_operators_and_methods_work_and_change_the_fingerprint():
    base = AhpFuzzyPolicy()
    for operator in ("M(∧,∨)", "M(·,∨)", "M(∧,⊕)"):
        other = AhpFuzzyPolicy(operator=operator)
        assessment = other.assess(grading_input(), at=AT)
        assert 1 <= assessment.score <= 4
        assert all(c.contribution is None for c in assessment.explanation.contributions)
        assert other.fingerprint != base.fingerprint
    geometric = AhpFuzzyPolicy(method="geometric_mean", ri_table="cn")
    assert geometric.fingerprint != base.fingerprint
    assert geometric.configuration()["ahp"] == {
        "method": "geometric_mean",
        "ri_table": "cn",
        "threshold": 0.1,
    }
