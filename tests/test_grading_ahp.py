import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crisiskit.errors import LimitError, PolicyError, UnknownValueError, ValidationError
from crisiskit.grading.models import ahp

F = Fraction  # judgements read best as fractions: F(1, 3)

METHODS = ["eigenvector", "geometric_mean", "column_normalisation"]
SAATY = [F(1, 9), F(1, 7), F(1, 5), F(1, 3), F(1, 2), 1, 2, 3, 5, 7, 9]


@st.composite
def reciprocal_matrices(draw, min_n=1, max_n=8):
    n = draw(st.integers(min_n, max_n))
    rows = [[F(1)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            value = draw(st.sampled_from(SAATY))
            rows[i][j], rows[j][i] = value, 1 / value
    return rows


@st.composite
def consistent_matrices(draw, min_n=1, max_n=9):
    n = draw(st.integers(min_n, max_n))
    weights = draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n))
    total = sum(weights)
    weights = [w / total for w in weights]
    return [[wi / wj for wj in weights] for wi in weights], weights


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([[1, 2], [F(1, 2)]], "rectangular"),
        ([[1, 2, 3], [F(1, 2), 1, 2]], "square"),
        ([[1, -2], [-0.5, 1]], "must be positive"),
        ([[1, 0], [0, 1]], "must be positive"),
        ([[1, 3], [0.5, 1]], "not reciprocal"),
        ([[1, 12], [F(1, 12), 1]], "off the 1–9 judgement scale"),
        ([[2, 1], [1, 1]], "diagonal entry"),
        ([[1, float("nan")], [1, 1]], "finite"),
        ([[1, True], [1, 1]], "finite number"),
        ([], "non-empty"),
        ("matrix", "non-empty sequence of rows"),
    ],
)
def test_bad_matrices_are_refused_with_the_entry_named(rows, match):
    with pytest.raises(ValidationError, match=match):
        ahp.analyze(rows)


def test_reciprocals_may_be_written_to_three_places_but_not_two():
    third = ahp.analyze([[1, 3], [0.333, 1]])
    assert third.weights == pytest.approx((0.75, 0.25), abs=1e-3)
    with pytest.raises(ValidationError, match=r"product is 0\.99.*Fraction\(1, 3\)"):
        ahp.analyze([[1, 3], [0.33, 1]])


def test_near_reciprocal_entries_are_made_exactly_reciprocal():
    matrix = ahp.PairwiseMatrix.from_rows([[1, 3], [0.333, 1]])
    assert matrix.values[0][1] * matrix.values[1][0] == pytest.approx(1, abs=1e-15)
    assert matrix.values[0][1] == pytest.approx(math.sqrt(3 / 0.333))


def test_the_scale_can_be_lifted():
    result = ahp.analyze([[1, 20], [F(1, 20), 1]], max_judgement=None)
    assert result.weights == pytest.approx((20 / 21, 1 / 21))


def test_orders_one_and_two_are_always_consistent():
    one = ahp.analyze([[1]])
    assert one.weights == (1.0,)
    assert one.consistency_ratio == 0 == one.consistency_index
    two = ahp.analyze([[1, 4], [F(1, 4), 1]])
    assert two.weights == pytest.approx((0.8, 0.2))
    assert two.consistency_ratio == 0
    assert two.is_consistent


def test_random_index_tables():
    tables = ahp.RANDOM_INDEX_TABLES
    assert {"saaty1980", "saaty2005", "cn", "dd1991"} <= set(tables)
    assert tables["saaty1980"](3) == 0.58
    assert tables["saaty1980"](10) == 1.49
    assert tables["saaty1980"](15) == 1.59
    assert tables["saaty2005"](7) == 1.35
    assert tables["cn"](6) == 1.26
    assert tables["dd1991"](20) == 1.5371
    for table in tables.values():
        assert table(1) == table(2) == 0
        assert list(table.values[2:]) != sorted(table.values[2:]) or table.name != "saaty1980"
        assert table.source
    with pytest.raises(PolicyError, match="covers matrices of order 1 to 15; got order 16"):
        tables["saaty1980"](16)
    with pytest.raises(UnknownValueError, match="unknown random-index table 'saaty'"):
        ahp.analyze([[1]], ri_table="saaty")


def test_the_chosen_table_and_threshold_are_used():
    m = [[1, 2, 5], [F(1, 2), 1, 2], [F(1, 5), F(1, 2), 1]]
    a = ahp.analyze(m, ri_table="saaty1980")
    b = ahp.analyze(m, ri_table="cn")
    assert a.consistency_ratio == pytest.approx(a.consistency_index / 0.58)
    assert b.consistency_ratio == pytest.approx(b.consistency_index / 0.52)
    assert (a.ri_table, b.ri_table) == ("saaty1980", "cn")
    strict = ahp.analyze(m, threshold=a.consistency_ratio)
    assert not strict.is_consistent  # the rule is CR < threshold
    with pytest.raises(ValidationError, match="threshold must be > 0"):
        ahp.analyze(m, threshold=0)


def test_inconsistent_judgements_are_flagged():
    # a > b (9), b > c (9), yet c > a (9): as inconsistent as a 3 × 3 can be
    result = ahp.analyze([[1, 9, F(1, 9)], [F(1, 9), 1, 9], [9, F(1, 9), 1]])
    assert not result.is_consistent
    assert result.consistency_ratio > 1


def test_methods_are_named_and_parsed():
    m = [[1, 3], [F(1, 3), 1]]
    for name in METHODS:
        assert ahp.analyze(m, method=name).method.value == name
    assert ahp.analyze(m, method="几何平均法").method is ahp.Method.GEOMETRIC_MEAN
    with pytest.raises(UnknownValueError):
        ahp.analyze(m, method="least squares")


def test_geometric_mean_by_hand():
    # rows' geometric means: (1·2·6)^(1/3) = 12^(1/3), (½·1·3)^(1/3), (1/6·1/3·1)^(1/3)
    m = [[1, 2, 6], [F(1, 2), 1, 3], [F(1, 6), F(1, 3), 1]]
    g = [12 ** (1 / 3), 1.5 ** (1 / 3), (1 / 18) ** (1 / 3)]
    result = ahp.analyze(m, method="geometric_mean")
    assert result.weights == pytest.approx([x / sum(g) for x in g], abs=1e-12)


def test_extreme_judgements_whose_row_products_overflow():
    # Consistent, off any judgement scale: row 0's product is 1e450, which overflows a float,
    # so the eigenvector must start from logarithms.
    w = [1e150, 1.0, 1.0, 1.0]
    rows = [[wi / wj for wj in w] for wi in w]
    result = ahp.analyze(rows, max_judgement=None)
    assert result.weights == pytest.approx([x / sum(w) for x in w], rel=1e-12)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-9)


def test_result_accessors():
    matrix = ahp.PairwiseMatrix.from_judgements(
        {("price", "quality"): F(1, 3), ("price", "service"): 1, ("quality", "service"): 3}
    )
    result = ahp.analyze(matrix)
    assert result.names == ("price", "quality", "service")
    assert result.ranking()[0] == "quality"
    assert result.as_dict()["quality"] == result.weight_of("quality")
    with pytest.raises(UnknownValueError, match="no item 'speed'"):
        result.weight_of("speed")
    with pytest.raises(ValidationError, match="names are taken from the PairwiseMatrix"):
        ahp.analyze(matrix, names=["a", "b", "c"])


# --- judgements as a dict, incomplete judgements -----------------------------------------------


def test_judgements_in_either_order_must_agree():
    same = ahp.PairwiseMatrix.from_judgements({("a", "b"): 3, ("b", "a"): F(1, 3)})
    assert same["a", "b"] == pytest.approx(3)
    with pytest.raises(ValidationError, match="not reciprocal"):
        ahp.PairwiseMatrix.from_judgements({("a", "b"): 3, ("b", "a"): 3})


@pytest.mark.parametrize(
    ("judgements", "match"),
    [
        ({}, "non-empty mapping"),
        ({("a",): 2}, "pair of names"),
        ({("a", "b"): 0}, "must be positive"),
        ({("a", "a"): 2}, "compared with itself must be 1"),
        ({("a", "b"): 11}, "off the 1–9 judgement scale"),
    ],
)
def test_bad_judgements_are_refused(judgements, match):
    with pytest.raises(ValidationError, match=match):
        ahp.PairwiseMatrix.from_judgements(judgements)


def test_names_fix_the_order_and_must_cover_the_judgements():
    matrix = ahp.PairwiseMatrix.from_judgements({("a", "b"): 2}, names=["b", "a"])
    assert matrix.names == ("b", "a")
    assert matrix["a", "b"] == pytest.approx(2)
    with pytest.raises(
        ValidationError, match=r"judged item\(s\) c are not among the names given: a, b$"
    ):
        ahp.PairwiseMatrix.from_judgements({("a", "c"): 2}, names=["a", "b"])


def test_disconnected_judgements_are_refused_naming_the_groups():
    with pytest.raises(PolicyError, match=r"2 unconnected groups: \(a, b\), \(c, d\);"):
        ahp.PairwiseMatrix.from_judgements({("a", "b"): 2, ("c", "d"): 3})
    with pytest.raises(PolicyError, match="unconnected"):
        ahp.PairwiseMatrix.from_judgements({("a", "b"): 2}, names=["a", "b", "c"])


def test_a_consistent_spanning_tree_is_completed_exactly():
    # a = 2b, b = 3c, c = 4d  →  the complete matrix is consistent; weights ∝ 24 : 12 : 4 : 1
    matrix = ahp.PairwiseMatrix.from_judgements({("a", "b"): 2, ("b", "c"): 3, ("c", "d"): 4})
    assert matrix.completed == {(0, 2), (0, 3), (1, 3)}
    assert matrix["a", "d"] == pytest.approx(24)
    result = ahp.analyze(matrix)
    assert result.weights == pytest.approx([24 / 41, 12 / 41, 4 / 41, 1 / 41], abs=1e-12)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-12)


def test_completion_keeps_the_judged_entries_and_may_exceed_the_scale():
    matrix = ahp.PairwiseMatrix.from_judgements({("a", "b"): 9, ("b", "c"): 9})
    assert matrix["a", "b"] == pytest.approx(9)
    assert matrix["a", "c"] == pytest.approx(81)  # completed, not judged
    ahp.analyze(matrix)  # the scale applies to judgements only


def test_incomplete_completion_minimises_log_squares():
    # Four items, four judgements, two pairs missing (a-c, b-d). The reference minimises
    # Σ (ln a_ij − y_i + y_j)² by plain gradient descent, independently of crisiskit.
    judgements = {("a", "b"): 2, ("b", "c"): 2, ("c", "d"): 8, ("a", "d"): 4}
    matrix = ahp.PairwiseMatrix.from_judgements(judgements)
    index = {"a": 0, "b": 1, "c": 2, "d": 3}
    y = [0.0, 0.0, 0.0, 0.0]
    for _ in range(20_000):
        grad = [0.0] * 4
        for (i, j), v in judgements.items():
            residual = math.log(v) - y[index[i]] + y[index[j]]
            grad[index[i]] -= 2 * residual
            grad[index[j]] += 2 * residual
        y = [yk - 0.05 * g for yk, g in zip(y, grad, strict=True)]
    assert matrix["a", "c"] == pytest.approx(math.exp(y[0] - y[2]), rel=1e-9)
    assert matrix["b", "d"] == pytest.approx(math.exp(y[1] - y[3]), rel=1e-9)
    assert matrix["a", "d"] == pytest.approx(4)  # judged entries are kept


# --- hierarchy ------------------------------------------------------------------------------


def test_synthesis_multiplies_down_the_tree_and_sums_shared_leaves():
    goal = ahp.Node(
        {("cost", "safety"): 3},
        children={
            "cost": ahp.Node({("car", "bike"): F(1, 4)}),
            "safety": ahp.Node({("car", "bike"): 4}),
        },
    )
    synthesis = ahp.synthesize(goal)
    # cost 0.75, safety 0.25; car 0.2 under cost, 0.8 under safety
    assert synthesis.as_dict() == pytest.approx(
        {"car": 0.75 * 0.2 + 0.25 * 0.8, "bike": 0.75 * 0.8 + 0.25 * 0.2}
    )
    assert sum(synthesis.as_dict().values()) == pytest.approx(1)
    assert synthesis.node("goal/cost").weights == pytest.approx((0.2, 0.8))
    assert synthesis.consistency_ratio == 0
    assert synthesis.is_consistent
    with pytest.raises(UnknownValueError):
        synthesis.node("goal/speed")
    with pytest.raises(UnknownValueError):
        synthesis.priority("train")


def test_rounding_happens_only_at_the_end():
    # Three sub-criteria of weight 1/3 each, every leaf at 1/3 within its group: rounding the
    # local weights to 4 places first would give 3 × 0.3333 × 0.3333 = 0.3333 × ... ≠ 1/9.
    thirds = {("x", "y"): 1, ("y", "z"): 1, ("x", "z"): 1}
    goal = ahp.Node(
        thirds,
        children={
            name: ahp.Node(
                {
                    (f"{name}1", f"{name}2"): 1,
                    (f"{name}2", f"{name}3"): 1,
                    (f"{name}1", f"{name}3"): 1,
                }
            )
            for name in "xyz"
        },
    )
    synthesis = ahp.synthesize(goal)
    assert synthesis.priority("x1") == pytest.approx(1 / 9, abs=1e-15)
    assert synthesis.rounded(4)["x1"] == 0.1111
    assert round(0.3333 * 0.3333, 4) == 0.1111  # (and the unrounded sum is exactly 1)
    assert math.fsum(synthesis.as_dict().values()) == pytest.approx(1, abs=1e-15)


def test_hierarchical_consistency_ratio():
    # Σ g·CI / Σ g·RI, level by level and overall
    m3 = {("p", "q"): 2, ("q", "r"): 2, ("p", "r"): 5}
    goal = ahp.Node({("u", "v"): 3}, children={"u": ahp.Node(m3), "v": ahp.Node(m3)})
    synthesis = ahp.synthesize(goal)
    ci = ahp.analyze(ahp.PairwiseMatrix.from_judgements(m3)).consistency_index
    assert synthesis.level_consistency_ratios[0] == 0
    assert synthesis.level_consistency_ratios[1] == pytest.approx(ci / 0.58)
    assert synthesis.consistency_ratio == pytest.approx(ci / 0.58)


def test_hierarchy_mistakes_are_refused():
    with pytest.raises(ValidationError, match="sub-node 'speed' is not one of the items"):
        ahp.Node({("cost", "safety"): 2}, children={"speed": ahp.Node({("a", "b"): 2})})
    with pytest.raises(ValidationError, match="both a node with its own comparisons and a leaf"):
        ahp.synthesize(
            ahp.Node(
                {("cost", "safety"): 2},
                children={
                    "cost": ahp.Node({("safety", "price"): 2}),
                    "safety": ahp.Node({("x", "y"): 2}),
                },
            )
        )
    with pytest.raises(ValidationError, match="must be a Node"):
        ahp.Node({("a", "b"): 2}, children={"a": "nope"})
    with pytest.raises(ValidationError, match="synthesize"):
        ahp.synthesize("goal")


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=80)
@given(reciprocal_matrices(), st.sampled_from(METHODS))
def test_weights_are_positive_and_sum_to_one(matrix, method):
    result = ahp.analyze(matrix, method=method)
    assert all(w > 0 for w in result.weights)
    assert math.fsum(result.weights) == pytest.approx(1, abs=1e-12)
    assert result.lambda_max >= len(matrix) - 1e-9
    assert result.consistency_ratio >= 0


@settings(max_examples=60)
@given(consistent_matrices(), st.sampled_from(METHODS))
def test_a_consistent_matrix_gives_cr_zero_and_its_exact_weights(pair, method):
    matrix, weights = pair
    result = ahp.analyze(matrix, method=method, max_judgement=None)
    assert result.weights == pytest.approx(weights, abs=1e-9)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-9)
    assert result.lambda_max == pytest.approx(len(matrix), abs=1e-9)


@settings(max_examples=60)
@given(reciprocal_matrices(min_n=2), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_permuting_the_alternatives_permutes_the_weights(matrix, method, random):
    n = len(matrix)
    order = list(range(n))
    random.shuffle(order)
    permuted = [[matrix[order[i]][order[j]] for j in range(n)] for i in range(n)]
    a = ahp.analyze(matrix, method=method)
    b = ahp.analyze(permuted, method=method)
    assert b.weights == pytest.approx([a.weights[order[i]] for i in range(n)], abs=1e-10)
    assert b.lambda_max == pytest.approx(a.lambda_max, abs=1e-9)


@settings(max_examples=60)
@given(reciprocal_matrices(min_n=2))
def test_completing_a_complete_matrix_changes_nothing(matrix):
    n = len(matrix)
    names = [f"i{k}" for k in range(n)]
    judgements = {(names[i], names[j]): matrix[i][j] for i in range(n) for j in range(i + 1, n)}
    from_dict = ahp.PairwiseMatrix.from_judgements(judgements)
    assert from_dict.completed == frozenset()
    assert ahp.analyze(from_dict).weights == pytest.approx(ahp.analyze(matrix).weights, abs=1e-12)


@settings(max_examples=60)
@given(reciprocal_matrices(min_n=3, max_n=6), st.data())
def test_incomplete_judgements_are_completed_whenever_connected(matrix, data):
    n = len(matrix)
    names = [f"i{k}" for k in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    kept = data.draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1))
    judgements = {(names[i], names[j]): matrix[i][j] for i, j in kept}
    connected = _connected(n, kept)
    assume(all(any(k in p for p in kept) for k in range(n)) or not connected)
    if connected:
        completed = ahp.PairwiseMatrix.from_judgements(judgements, names=names)
        for i, j in kept:
            assert completed.values[i][j] == pytest.approx(float(matrix[i][j]))
        result = ahp.analyze(completed)
        assert math.fsum(result.weights) == pytest.approx(1)
    else:
        with pytest.raises(PolicyError, match="unconnected"):
            ahp.PairwiseMatrix.from_judgements(judgements, names=names)


def _connected(n, pairs):
    reach = {0}
    changed = True
    while changed:
        changed = False
        for i, j in pairs:
            if (i in reach) != (j in reach):
                reach |= {i, j}
                changed = True
    return len(reach) == n


# --- the matrix size is bounded -------------------------------------------------------------


def _identity(n):
    return [[1] * n for _ in range(n)]


def test_the_matrix_size_is_bounded_with_a_named_limit():
    _ahp = ahp
    assert _ahp.MAX_ITEMS == 50
    assert len(_ahp.PairwiseMatrix.from_rows(_identity(50)).names) == 50
    with pytest.raises(LimitError, match=r"at most 50 items \(max_items=50\); got 51") as info:
        _ahp.PairwiseMatrix.from_rows(_identity(51))
    assert (info.value.limit, info.value.found, info.value.option) == (50, 51, "max_items")
    with pytest.raises(LimitError, match="got 2000"):
        _ahp.analyze(_identity(2000))
    chain = {(f"c{i}", f"c{i + 1}"): 2 for i in range(2999)}
    with pytest.raises(LimitError, match="got 3000"):
        _ahp.PairwiseMatrix.from_judgements(chain)
    with pytest.raises(LimitError, match="max_items=3"):
        _ahp.PairwiseMatrix.from_judgements(
            {("a", "b"): 2}, names=["a", "b", "c", "d"], max_items=3
        )
    big = _ahp.PairwiseMatrix.from_rows(_identity(60), max_items=60)
    with pytest.raises(LimitError):
        _ahp.analyze(big)
    assert (
        _ahp.analyze(
            big,
            max_items=60,
            ri_table=_ahp.RandomIndexTable("flat", (0.0, 0.0) + (1.0,) * 58, "a test"),
        ).n
        == 60
    )


@pytest.mark.parametrize("bad", [0, -3, True, 2.5])
def test_max_items_must_be_a_positive_int(bad):
    _ahp = ahp
    with pytest.raises(ValidationError, match="max_items"):
        _ahp.PairwiseMatrix.from_rows(_identity(2), max_items=bad)
