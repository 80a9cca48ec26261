"""Published worked examples, matched to 4 decimals.

Every expected value is derived independently of crisiskit: by hand (the computation is in
the comments), in exact rational arithmetic (tests/grading_reference.py), or by brute-force
enumeration. Where the source prints its own (rounded) figures, they are checked too, to the
precision printed.
"""

from fractions import Fraction

import pytest
from grading_reference import (
    column_normalisation,
    enumerate_probability,
    minimal_cut_sets_by_enumeration,
    principal_eigen,
)

from crisiskit.grading.models import ahp, fuzzy
from crisiskit.grading.models.fta import AndGate, BasicEvent, FaultTree, KOfNGate, OrGate

F = Fraction  # judgements read best as fractions: F(1, 3)

# --- AHP ------------------------------------------------------------------------------------

# Saaty & Khouja (1976), "A measure of world influence", Journal of Peace Science 2; worked
# in T. L. Saaty, The Analytic Hierarchy Process (1980) and in Saaty, "How to make a
# decision: the analytic hierarchy process", EJOR 48 (1990) 9-26: the relative wealth of
# seven nations (US, USSR, China, France, UK, Japan, West Germany). Published: λmax = 7.61,
# weights 0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094.
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [F(1, 4), 1, 7, 5, 5, 3, 4],
    [F(1, 9), F(1, 7), 1, F(1, 5), F(1, 5), F(1, 7), F(1, 5)],
    [F(1, 6), F(1, 5), 5, 1, 1, F(1, 3), F(1, 3)],
    [F(1, 6), F(1, 5), 5, 1, 1, F(1, 3), F(1, 3)],
    [F(1, 5), F(1, 3), 7, 3, 3, 1, 2],
    [F(1, 5), F(1, 4), 5, 3, 3, F(1, 2), 1],
]
WEALTH_PUBLISHED = (0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094)


def test_saaty_wealth_of_nations_eigenvector():
    result = ahp.analyze(WEALTH)
    lam, weights = principal_eigen(WEALTH)  # exact rational reference
    assert result.weights == pytest.approx(weights, abs=5e-5)
    assert [round(w, 4) for w in result.weights] == [round(w, 4) for w in weights]
    assert round(result.lambda_max, 4) == round(lam, 4)
    # CI = (λ − 7)/6, CR = CI / 1.32 (Saaty 1980, n = 7)
    assert result.consistency_index == pytest.approx((lam - 7) / 6, abs=5e-5)
    assert result.consistency_ratio == pytest.approx((lam - 7) / 6 / 1.32, abs=5e-5)
    assert result.is_consistent
    # The source's own figures, to the 3 decimals it prints.
    assert [round(w, 3) for w in result.weights] == list(WEALTH_PUBLISHED)
    assert round(result.lambda_max, 2) == 7.61


# 姜启源、谢金星、叶俊《数学模型》(第三版, 高等教育出版社 2003), 第八章 层次分析模型: choosing a
# holiday destination (旅游地选择) among P1 苏杭, P2 北戴河, P3 桂林 by scenery, cost,
# lodging, food and travel (景色、费用、居住、饮食、旅途). The book prints, to 3 decimals,
# w = (0.263, 0.475, 0.055, 0.099, 0.110), λ = 5.073, CI = 0.018, CR = 0.016 for the criteria,
# and the overall priorities (0.300, 0.246, 0.456). Its figures were obtained with a
# hand-calculation method, so they agree with the exact eigenvector only to about ±0.002;
# the 4-decimal check is against the exact rational reference.
CRITERIA = ["scenery", "cost", "lodging", "food", "travel"]
TRAVEL_A = [
    [1, F(1, 2), 4, 3, 3],
    [2, 1, 7, 5, 5],
    [F(1, 4), F(1, 7), 1, F(1, 2), F(1, 3)],
    [F(1, 3), F(1, 5), 2, 1, 1],
    [F(1, 3), F(1, 5), 3, 1, 1],
]
TRAVEL_B = {
    "scenery": [[1, 2, 5], [F(1, 2), 1, 2], [F(1, 5), F(1, 2), 1]],
    "cost": [[1, F(1, 3), F(1, 8)], [3, 1, F(1, 3)], [8, 3, 1]],
    "lodging": [[1, 1, 3], [1, 1, 3], [F(1, 3), F(1, 3), 1]],
    "food": [[1, 3, 4], [F(1, 3), 1, 1], [F(1, 4), 1, 1]],
    "travel": [[1, 1, F(1, 4)], [1, 1, F(1, 4)], [4, 4, 1]],
}
PLACES = ["P1", "P2", "P3"]


def _travel_hierarchy():
    return ahp.Node(
        ahp.PairwiseMatrix.from_rows(TRAVEL_A, names=CRITERIA),
        children={
            c: ahp.Node(ahp.PairwiseMatrix.from_rows(TRAVEL_B[c], names=PLACES)) for c in CRITERIA
        },
    )


def test_travel_destination_criteria():
    result = ahp.analyze(TRAVEL_A)
    lam, weights = principal_eigen(TRAVEL_A)
    assert [round(w, 4) for w in result.weights] == [round(w, 4) for w in weights]
    assert round(result.lambda_max, 4) == round(lam, 4)
    # the book's rounded figures
    assert result.weights == pytest.approx((0.263, 0.475, 0.055, 0.099, 0.110), abs=2e-3)
    assert result.lambda_max == pytest.approx(5.073, abs=2e-3)
    assert round(result.consistency_index, 3) == 0.018
    assert round(result.consistency_ratio, 3) == 0.016


@pytest.mark.parametrize("criterion", CRITERIA)
def test_travel_destination_three_by_three_matrices_in_closed_form(criterion):
    # For a 3 × 3 reciprocal matrix [[1, a, b], [1/a, 1, c], [1/b, 1/c, 1]],
    # λmax = 1 + (ac/b)^(1/3) + (b/(ac))^(1/3) and the eigenvector is the row geometric mean.
    m = TRAVEL_B[criterion]
    a, b, c = float(m[0][1]), float(m[0][2]), float(m[1][2])
    lam = 1 + (a * c / b) ** (1 / 3) + (b / (a * c)) ** (1 / 3)
    rows = [(a * b) ** (1 / 3), (c / a) ** (1 / 3), (1 / (b * c)) ** (1 / 3)]
    expected = [x / sum(rows) for x in rows]
    result = ahp.analyze(m)
    assert [round(w, 4) for w in result.weights] == [round(w, 4) for w in expected]
    assert round(result.lambda_max, 4) == round(lam, 4)


def test_travel_destination_overall_priorities():
    synthesis = ahp.synthesize(_travel_hierarchy())
    _, top = principal_eigen(TRAVEL_A)
    expected = [0.0, 0.0, 0.0]
    for weight, criterion in zip(top, CRITERIA, strict=True):
        _, local = principal_eigen(TRAVEL_B[criterion])
        for k in range(3):
            expected[k] += weight * local[k]
    assert synthesis.rounded(4) == {p: round(e, 4) for p, e in zip(PLACES, expected, strict=True)}
    # the book: P3 (桂林) first, then P1, then P2
    assert [synthesis.priority(p) for p in PLACES] == pytest.approx((0.300, 0.246, 0.456), abs=2e-3)


def test_travel_destination_column_normalisation_exactly():
    # 和积法, recomputed in exact rational arithmetic
    result = ahp.analyze(TRAVEL_A, method="column_normalisation")
    expected = column_normalisation(TRAVEL_A)
    assert [round(w, 4) for w in result.weights] == [round(float(e), 4) for e in expected]


# --- fuzzy comprehensive evaluation ----------------------------------------------------------

# The clothing evaluation (服装评判), the classic example of fuzzy comprehensive evaluation
# (汪培庄《模糊集合论及其应用》, 上海科学技术出版社, 1983), as reproduced in Chinese
# mathematical-modelling courseware: factors colour, style, durability, price (花色、式样、
# 耐穿程度、价格); grades very welcome … not welcome (很欢迎、较欢迎、不太欢迎、不欢迎). Two
# customer groups are evaluated with M(∧,∨); the published results are
# B1 = (0.2, 0.3, 0.4, 0.1) → 不太欢迎 and B2 = (0.35, 0.4, 0.2, 0.1) → 比较欢迎.
CLOTHING_R = [
    [0.2, 0.5, 0.2, 0.1],
    [0.7, 0.2, 0.1, 0.0],
    [0.0, 0.4, 0.5, 0.1],
    [0.2, 0.3, 0.5, 0.0],
]


def test_clothing_evaluation_first_group_all_four_operators():
    a = [0.1, 0.2, 0.3, 0.4]
    # By hand, column k of R against A:
    # M(∧,∨):  k1 max(.1∧.2, .2∧.7, .3∧0, .4∧.2) = .2; k2 max(.1, .2, .3, .3) = .3;
    #          k3 max(.1, .1, .3, .4) = .4;            k4 max(.1, 0, .1, 0) = .1
    # M(·,∨):  k1 max(.02, .14, 0, .08) = .14; k2 max(.05, .04, .12, .12) = .12;
    #          k3 max(.02, .02, .15, .20) = .20; k4 max(.01, 0, .03, 0) = .03
    # M(∧,⊕):  k1 .1+.2+0+.2 = .5; k2 .1+.2+.3+.3 = .9; k3 .1+.1+.3+.4 = .9; k4 .1+0+.1+0 = .2
    # M(·,⊕):  k1 .02+.14+0+.08 = .24; k2 .05+.04+.12+.12 = .33; k3 .02+.02+.15+.20 = .39;
    #          k4 .01+0+.03+0 = .04
    expected_raw = {
        "M(∧,∨)": (0.2, 0.3, 0.4, 0.1),
        "M(·,∨)": (0.14, 0.12, 0.20, 0.03),
        "M(∧,⊕)": (0.5, 0.9, 0.9, 0.2),
        "M(·,⊕)": (0.24, 0.33, 0.39, 0.04),
    }
    for operator, raw in expected_raw.items():
        result = fuzzy.evaluate(a, CLOTHING_R, operator=operator)
        assert [round(b, 4) for b in result.raw] == list(raw), operator
        total = sum(raw)
        assert [round(b, 4) for b in result.vector] == [round(b / total, 4) for b in raw]
    # the book's verdict under M(∧,∨): grade 3, "不太欢迎"
    assert fuzzy.evaluate(a, CLOTHING_R, operator="M(∧,∨)").max_membership() == 2
    # M(∧,⊕) ties grades 2 and 3 at 0.9: the tie-break rule decides, explicitly
    tied = fuzzy.evaluate(a, CLOTHING_R, operator="M(∧,⊕)")
    assert tied.max_membership("first") == 1
    assert tied.max_membership("last") == 2


def test_clothing_evaluation_second_group():
    # A2 = (0.4, 0.35, 0.15, 0.1), M(∧,∨), by hand:
    # k1 max(.4∧.2, .35∧.7, .15∧0, .1∧.2) = .35; k2 max(.4, .2, .15, .1) = .4;
    # k3 max(.2, .1, .15, .1) = .2; k4 max(.1, 0, .1, 0) = .1 → sum 1.05
    result = fuzzy.evaluate([0.4, 0.35, 0.15, 0.1], CLOTHING_R, operator="M(∧,∨)")
    assert [round(b, 4) for b in result.raw] == [0.35, 0.4, 0.2, 0.1]
    assert [round(b, 4) for b in result.vector] == [0.3333, 0.381, 0.1905, 0.0952]
    assert result.max_membership() == 1  # "比较欢迎"


def test_clothing_evaluation_three_factors_weighted_average():
    # The three-factor version of the same example in the same courseware (花色式样、耐穿程度、
    # 价格费用), a customer weighing them A = (0.5, 0.3, 0.2), evaluated with M(·,⊕); the
    # courseware prints B = (0.47, 0.27, 0.21, 0.05). By hand:
    # b1 = .5·.7 + .3·.2 + .2·.3 = .47;  b2 = .5·.2 + .3·.3 + .2·.4 = .27
    # b3 = .5·.1 + .3·.4 + .2·.2 = .21;  b4 = .5·0 + .3·.1 + .2·.1 = .05
    r = [[0.7, 0.2, 0.1, 0.0], [0.2, 0.3, 0.4, 0.1], [0.3, 0.4, 0.2, 0.1]]
    result = fuzzy.evaluate([0.5, 0.3, 0.2], r)
    assert [round(b, 4) for b in result.vector] == [0.47, 0.27, 0.21, 0.05]
    assert result.max_membership() == 0  # 很欢迎
    # weighted score with grades scored 4, 3, 2, 1: .47·4 + .27·3 + .21·2 + .05·1 = 3.16
    assert round(result.weighted_score([4, 3, 2, 1]), 4) == 3.16


# --- fault-tree analysis ----------------------------------------------------------------------


# A 2-out-of-3 (2oo3) voting system: the top event occurs when at least two of three
# components fail (M. Rausand & A. Høyland, System Reliability Theory, 2nd ed., Wiley 2004,
# koon structures). With independent failures p1, p2, p3:
# P = p1p2 + p1p3 + p2p3 − 2 p1p2p3; Birnbaum I(1) = p2 + p3 − 2 p2p3;
# minimal cut sets {1,2}, {1,3}, {2,3}.
def test_two_out_of_three_system():
    p1, p2, p3 = 0.1, 0.2, 0.3
    tree = FaultTree(
        KOfNGate("top", 2, [BasicEvent("c1", p1), BasicEvent("c2", p2), BasicEvent("c3", p3)])
    )
    exact = p1 * p2 + p1 * p3 + p2 * p3 - 2 * p1 * p2 * p3  # 0.098
    assert round(tree.probability(), 4) == round(exact, 4) == 0.098
    assert set(tree.minimal_cut_sets()) == {
        frozenset({"c1", "c2"}),
        frozenset({"c1", "c3"}),
        frozenset({"c2", "c3"}),
    }
    # rare-event sum .02 + .03 + .06 = .11; upper bound 1 − .98·.97·.94 = .106444
    assert round(tree.rare_event_approximation(), 4) == 0.11
    assert round(tree.min_cut_upper_bound(), 4) == round(1 - 0.98 * 0.97 * 0.94, 4)
    assert round(tree.birnbaum("c1"), 4) == round(p2 + p3 - 2 * p2 * p3, 4) == 0.38
    # Fussell–Vesely of c1: P(c1c2 ∪ c1c3) / P = (.02 + .03 − .006) / .098
    assert round(tree.fussell_vesely("c1"), 4) == round(0.044 / 0.098, 4)


# The pressure-tank system of the Fault Tree Handbook (W. E. Vesely et al., NUREG-0492,
# U.S. NRC 1981, ch. VIII): tank rupture E1 = T + E2; E2 = K2 + E3; E3 = S · E4;
# E4 = S1 + E5; E5 = K1 + R. The Handbook reduces it to the minimal cut sets
# {T}, {K2}, {S, S1}, {S, K1}, {S, R}. The probabilities below are ours (the chapter
# derives the cut sets only); the expected probability is computed by enumerating all
# 2^6 combinations of basic events.
TANK_P = {"T": 5e-6, "K2": 3e-5, "S": 1e-4, "S1": 3e-5, "K1": 3e-5, "R": 1e-4}


def _tank():
    e = {name: BasicEvent(name, p) for name, p in TANK_P.items()}
    e5 = OrGate("E5", [e["K1"], e["R"]])
    e4 = OrGate("E4", [e["S1"], e5])
    e3 = AndGate("E3", [e["S"], e4])
    e2 = OrGate("E2", [e["K2"], e3])
    return FaultTree(OrGate("E1", [e["T"], e2]))


def _tank_occurs(happened):
    return (
        "T" in happened
        or "K2" in happened
        or ("S" in happened and ({"S1", "K1", "R"} & happened) != set())
    )


def test_pressure_tank_minimal_cut_sets_and_probability():
    tree = _tank()
    published = {
        frozenset({"T"}),
        frozenset({"K2"}),
        frozenset({"S", "S1"}),
        frozenset({"S", "K1"}),
        frozenset({"S", "R"}),
    }
    assert set(tree.minimal_cut_sets()) == published
    assert minimal_cut_sets_by_enumeration(list(TANK_P), _tank_occurs) == published
    exact = enumerate_probability(TANK_P, _tank_occurs)
    assert tree.probability() == pytest.approx(exact, rel=1e-12)
    # rare-event sum, by hand: T + K2 + S·S1 + S·K1 + S·R
    rare = 5e-6 + 3e-5 + 1e-4 * 3e-5 + 1e-4 * 3e-5 + 1e-4 * 1e-4
    assert tree.rare_event_approximation() == pytest.approx(rare, rel=1e-12)
    assert exact <= tree.min_cut_upper_bound() <= tree.rare_event_approximation()
    # Birnbaum of S: P(top | S) − P(top | not S), both by enumeration
    with_s = enumerate_probability({**TANK_P, "S": 1.0}, _tank_occurs)
    without_s = enumerate_probability({**TANK_P, "S": 0.0}, _tank_occurs)
    assert tree.birnbaum("S") == pytest.approx(with_s - without_s, rel=1e-12)


# A repeated event: (A + B)·(A + C) = A + B·C (distributive law; Fault Tree Handbook,
# ch. VI, Boolean algebra). Exact: P = a + bc − abc. Multiplying gate by gate treats the two
# A's as independent and gives (a + b − ab)(a + c − ac) instead.
def test_repeated_event_is_counted_once():
    a, b, c = 0.1, 0.2, 0.3
    shared = BasicEvent("A", a)
    tree = FaultTree(
        AndGate(
            "top",
            [
                OrGate("g1", [shared, BasicEvent("B", b)]),
                OrGate("g2", [shared, BasicEvent("C", c)]),
            ],
        )
    )
    exact = a + b * c - a * b * c  # 0.154
    naive = (a + b - a * b) * (a + c - a * c)  # 0.1036
    assert round(tree.probability(), 4) == round(exact, 4) == 0.154
    assert round(naive, 4) != round(exact, 4)
    assert set(tree.minimal_cut_sets()) == {frozenset({"A"}), frozenset({"B", "C"})}
