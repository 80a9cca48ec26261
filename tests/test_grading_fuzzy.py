import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit.errors import PolicyError, UnknownValueError, ValidationError
from crisiskit.grading.models import fuzzy

OPERATORS = list(fuzzy.Operator)


@st.composite
def problems(draw, min_factors=1, max_factors=6, grades=None):
    n = draw(st.integers(min_factors, max_factors))
    m = grades or draw(st.integers(1, 5))
    raw = draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n))
    weights = fuzzy.normalise_weights(raw)
    membership = draw(
        st.lists(st.lists(st.floats(0, 1), min_size=m, max_size=m), min_size=n, max_size=n)
    )
    return weights, membership


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("M(∧,∨)", fuzzy.Operator.MIN_MAX),
        ("M(·,∨)", fuzzy.Operator.PRODUCT_MAX),
        ("M(∧,⊕)", fuzzy.Operator.MIN_BOUNDED_SUM),
        ("M(·,⊕)", fuzzy.Operator.WEIGHTED_AVERAGE),
        ("M(*,+)", fuzzy.Operator.WEIGHTED_AVERAGE),
        ("m(min, max)", fuzzy.Operator.MIN_MAX),
        ("weighted_average", fuzzy.Operator.WEIGHTED_AVERAGE),
        ("加权平均型", fuzzy.Operator.WEIGHTED_AVERAGE),
        ("主因素决定型", fuzzy.Operator.MIN_MAX),
    ],
)
def test_operators_parse_from_symbols_ascii_and_labels(text, operator):
    assert fuzzy.Operator.parse(text) is operator


def test_unknown_operator():
    with pytest.raises(UnknownValueError):
        fuzzy.evaluate([1], [[1]], operator="M(max,min)")


@pytest.mark.parametrize(
    ("weights", "membership", "match"),
    [
        ([0.5, 0.6], [[1], [1]], "must sum to 1; they sum to 1.1.*normalise_weights"),
        ([1.2, -0.2], [[1], [1]], r"weights\[0\] must lie in \[0, 1\]"),
        ([], [[1]], "non-empty"),
        ([0.5, 0.5], [[1]], "one row per factor: 2 weights, 1 rows"),
        ([0.5, 0.5], [[1, 0], [0.5]], "rectangular"),
        ([1.0], [[1.5, 0]], r"membership\[0\]\[0\] must lie in \[0, 1\]"),
        ([1.0], [[float("inf")]], "finite"),
    ],
)
def test_bad_input_is_refused(weights, membership, match):
    with pytest.raises(ValidationError, match=match):
        fuzzy.evaluate(weights, membership)


def test_normalise_weights():
    assert fuzzy.normalise_weights([2, 1, 1]) == (0.5, 0.25, 0.25)
    with pytest.raises(ValidationError):
        fuzzy.normalise_weights([0, 0])
    with pytest.raises(ValidationError):
        fuzzy.normalise_weights([1, -1, 2])


def test_normalisation_can_be_turned_off_and_zero_vectors_stay_zero():
    raw = fuzzy.evaluate([0.5, 0.5], [[0.4, 0.2], [0.2, 0.2]], normalise=False)
    assert raw.vector == raw.raw == pytest.approx((0.3, 0.2))
    assert not raw.normalised
    zero = fuzzy.evaluate([1.0], [[0, 0]])
    assert zero.vector == (0, 0)
    assert not zero.normalised
    with pytest.raises(PolicyError, match="every membership is 0"):
        zero.weighted_score([1, 2])


def test_tie_break_rules():
    result = fuzzy.evaluate([1.0], [[0.4, 0.4, 0.2]])
    assert result.max_membership() == 0
    assert result.max_membership("first") == 0
    assert result.max_membership(fuzzy.TieBreak.LAST) == 1
    with pytest.raises(PolicyError, match=r"grades 0, 1 tie"):
        result.max_membership("refuse")
    clear = fuzzy.evaluate([1.0], [[0.1, 0.7, 0.2]])
    assert clear.max_membership("refuse") == 1


def test_weighted_score():
    result = fuzzy.evaluate([1.0], [[0.5, 0.5, 0]])
    assert result.weighted_score([4, 3, 2]) == pytest.approx(3.5)
    with pytest.raises(ValidationError, match="3 grades need 3 scores"):
        result.weighted_score([1, 2])


def test_two_level_evaluation_by_hand():
    # group 1: weights (0.6, 0.4), rows (1, 0) and (0, 1) → (0.6, 0.4)
    # group 2: weights (1,), row (0.2, 0.8) → (0.2, 0.8)
    # overall with (0.5, 0.5): (0.4, 0.6)
    result = fuzzy.evaluate_two_level(
        [0.5, 0.5], [([0.6, 0.4], [[1, 0], [0, 1]]), ([1.0], [[0.2, 0.8]])]
    )
    assert result.groups[0].vector == pytest.approx((0.6, 0.4))
    assert result.groups[1].vector == pytest.approx((0.2, 0.8))
    assert result.overall.vector == pytest.approx((0.4, 0.6))


def test_two_level_mistakes():
    with pytest.raises(ValidationError, match="same grades"):
        fuzzy.evaluate_two_level([0.5, 0.5], [([1.0], [[1, 0]]), ([1.0], [[1, 0, 0]])])
    with pytest.raises(ValidationError, match="pair"):
        fuzzy.evaluate_two_level([1.0], [[1.0]])
    with pytest.raises(ValidationError, match="non-empty"):
        fuzzy.evaluate_two_level([1.0], [])


def test_maximum_membership_is_not_monotone():
    # Why the grading policy defaults to the weighted score: grades (I, II, III, IV); one
    # factor's memberships move from III to II (it gets worse), and the largest membership
    # moves from I to II — a *less* severe grade.
    weights = [0.5, 0.5]
    before = [[0.82, 0.0, 0.0, 0.18], [0.0, 0.58, 0.42, 0.0]]
    after = [[0.82, 0.0, 0.0, 0.18], [0.0, 0.9, 0.1, 0.0]]
    b = fuzzy.evaluate(weights, before).max_membership()
    a = fuzzy.evaluate(weights, after).max_membership()
    assert (b, a) == (0, 1)


@settings(max_examples=100)
@given(problems(), st.sampled_from(OPERATORS), st.booleans())
def test_results_lie_in_zero_one(problem, operator, normalise):
    weights, membership = problem
    result = fuzzy.evaluate(weights, membership, operator=operator, normalise=normalise)
    for value in (*result.raw, *result.vector):
        assert 0 <= value <= 1
    if result.normalised:
        assert math.fsum(result.vector) == pytest.approx(1)


@settings(max_examples=60)
@given(st.data(), st.integers(1, 4))
def test_two_level_weighted_average_equals_one_level_with_product_weights(data, grades):
    groups = data.draw(st.lists(problems(grades=grades), min_size=1, max_size=4))
    # rows summing to 1 keep every group's vector un-normalised by construction
    groups = [
        (w, [[x / sum(row) if sum(row) else 1 / grades for x in row] for row in m])
        for w, m in groups
    ]
    top = fuzzy.normalise_weights(
        data.draw(st.lists(st.floats(0.01, 1), min_size=len(groups), max_size=len(groups)))
    )
    two = fuzzy.evaluate_two_level(top, groups)
    flat_weights = [t * w for t, (ws, _) in zip(top, groups, strict=True) for w in ws]
    flat_rows = [row for _, m in groups for row in m]
    one = fuzzy.evaluate(fuzzy.normalise_weights(flat_weights), flat_rows)
    assert two.overall.vector == pytest.approx(one.vector, abs=1e-9)


@settings(max_examples=60)
@given(problems(grades=4), st.integers(0, 5), st.integers(1, 3), st.floats(0, 1))
def test_weighted_average_score_never_falls_when_mass_moves_to_a_worse_grade(problem, j, k, share):
    # grades ordered worst first and scored 4, 3, 2, 1; rows are probability vectors
    weights, membership = problem
    rows = [[x / sum(r) if sum(r) else 0.25 for x in r] for r in membership]
    j %= len(rows)
    worse = [list(r) for r in rows]
    moved = worse[j][k] * share
    worse[j][k] -= moved
    worse[j][k - 1] += moved
    scores = (4, 3, 2, 1)
    before = fuzzy.evaluate(weights, rows).weighted_score(scores)
    after = fuzzy.evaluate(weights, worse).weighted_score(scores)
    assert after >= before - 1e-12
