import itertools

import pytest
from grading_support import AT, TYPICAL, grading_input
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit import Level
from crisiskit.errors import PolicyError, UnknownValueError, ValidationError
from crisiskit.grading import (
    DEFAULT_MATRIX,
    IMPACT_SCALE,
    LIKELIHOOD_SCALE,
    Bilingual,
    RiskMatrix,
    RiskMatrixPolicy,
    Scale,
)

LEVELS = [Level.IV, Level.III, Level.II, Level.I]


def issue_band(product):
    # The issue's default: >= 15 → I, 10–12 → II, 5–9 → III, 1–4 → IV
    if product >= 15:
        return Level.I
    if 10 <= product <= 12:
        return Level.II
    if 5 <= product <= 9:
        return Level.III
    assert 1 <= product <= 4
    return Level.IV


@pytest.mark.parametrize(("lk", "ik"), list(itertools.product(range(1, 6), repeat=2)))
def test_default_matrix_cells(lk, ik):
    assert DEFAULT_MATRIX.level(lk, ik) is issue_band(lk * ik)


def test_default_matrix_renders_highest_likelihood_on_top():
    table = DEFAULT_MATRIX.render()
    assert table.splitlines()[2] == "| 5 (almost certain) | III | II | I | I | I |"
    assert "可能性" in DEFAULT_MATRIX.render("zh")


def test_band_text():
    assert DEFAULT_MATRIX.band_text(Level.I) == "L×I ≥ 15"
    assert DEFAULT_MATRIX.band_text(Level.III) == "5 ≤ L×I < 10"
    cells = RiskMatrix.from_cells({k: DEFAULT_MATRIX.cells[k - 1] for k in range(1, 6)})
    assert cells.cells == DEFAULT_MATRIX.cells
    with pytest.raises(PolicyError, match="no bands"):
        cells.band_text(Level.I)


@pytest.mark.parametrize(
    ("bands", "match"),
    [
        (
            {"I": 10, "II": 15, "III": 5, "IV": 1},
            "a more severe level needs a higher product: I starts at 10, II at 15",
        ),
        ({"I": 15, "II": 10, "III": 5}, "least severe band .III. must start at 1 or below"),
        ({}, "bands must map levels"),
        ({"V": 1}, "is not a Level"),
    ],
)
def test_bad_bands_are_refused(bands, match):
    with pytest.raises((PolicyError, UnknownValueError), match=match):
        RiskMatrix.from_bands(bands)


def test_three_level_bands_are_allowed():
    matrix = RiskMatrix.from_bands({"I": 15, "II": 6, "III": 1})
    assert {cell for row in matrix.cells for cell in row} == {Level.I, Level.II, Level.III}


def test_custom_cells_keyed_by_likelihood():
    matrix = RiskMatrix.from_cells(
        {
            5: ["III", "II", "I", "I", "I"],
            4: ["III", "II", "II", "I", "I"],
            3: ["IV", "III", "II", "II", "I"],
            2: ["IV", "IV", "III", "III", "II"],
            1: ["IV", "IV", "IV", "III", "III"],
        }
    )
    assert matrix.level(5, 1) is Level.III
    assert matrix.level(1, 5) is Level.III
    assert matrix.level(3, 2) is Level.III
    assert matrix.bands is None
    policy = RiskMatrixPolicy(matrix)
    assessment = policy.assess(grading_input(), at=AT)
    assert assessment.explanation.rule == "risk-matrix.cell"
    assert assessment.level is matrix.level(4, 3)


def test_non_monotone_matrix_is_refused_naming_the_cells():
    rows = {k: ["IV", "III", "II", "I", "I"] for k in range(1, 6)}
    rows[4] = ["IV", "III", "III", "I", "I"]  # cell (4, 3) is below (3, 3)
    with pytest.raises(
        PolicyError,
        match=r"not monotone: cell \(likelihood 3 \(possible\), impact 3 \(moderate\)\) is II but cell \(likelihood 4 \(likely\), impact 3 \(moderate\)\) is III: a higher likelihood must not lower the level",
    ):
        RiskMatrix.from_cells(rows)
    rows = {k: ["IV", "III", "II", "III", "I"] for k in range(1, 6)}
    with pytest.raises(PolicyError, match="a higher impact must not lower the level"):
        RiskMatrix.from_cells(rows)


def test_a_matrix_that_is_not_weakly_consistent_is_refused():
    # level I in the bottom row: its points carry risk down to 0, below the IV cells
    rows = {k: ["IV", "IV", "IV", "IV", "I"] for k in range(1, 6)}
    with pytest.raises(
        PolicyError,
        match=r"not weakly consistent \(Cox 2008\).*the I cell \(likelihood 1 \(rare\), impact 5 \(severe\)\) holds risks down to 0",
    ):
        RiskMatrix.from_cells(rows)


def test_consistency_uses_the_scales_edges():
    # Likelihood as probability bands: the top category spans 0.5–1, the others are tiny.
    edges = (0, 0.001, 0.01, 0.05, 0.5, 1)
    log_likelihood = Scale(LIKELIHOOD_SCALE.name, LIKELIHOOD_SCALE.labels, edges)
    rows = {
        5: ["III", "II", "I", "I", "I"],
        4: ["IV", "III", "II", "I", "I"],
        3: ["IV", "III", "III", "II", "I"],
        2: ["IV", "IV", "III", "III", "II"],
        1: ["IV", "IV", "IV", "IV", "III"],
    }
    RiskMatrix.from_cells(rows)  # fine on uniform edges
    with pytest.raises(PolicyError, match="not weakly consistent"):
        RiskMatrix.from_cells(rows, likelihood=log_likelihood)


def test_scales_are_checked():
    with pytest.raises(ValidationError, match="at least 2 categories"):
        Scale(Bilingual("x", "x"), (Bilingual("a", "a"),))
    with pytest.raises(ValidationError, match="needs 6 edges"):
        Scale(LIKELIHOOD_SCALE.name, LIKELIHOOD_SCALE.labels, (0, 1))
    with pytest.raises(ValidationError, match="strictly increase"):
        Scale(LIKELIHOOD_SCALE.name, LIKELIHOOD_SCALE.labels, (0, 1, 1, 2, 3, 4))
    with pytest.raises(PolicyError, match="one row per likelihood"):
        RiskMatrix.from_cells({1: ["IV"] * 5})
    with pytest.raises(PolicyError, match="rows of"):
        RiskMatrix(LIKELIHOOD_SCALE, IMPACT_SCALE, ((Level.IV,),) * 5)


@st.composite
def cell_grids(draw, n=4):
    return {lk: [draw(st.sampled_from(LEVELS)) for _ in range(n)] for lk in range(1, n + 1)}


SMALL = Scale(Bilingual("s", "s"), tuple(Bilingual(str(k), str(k)) for k in range(1, 5)))


def _reference_ok(rows, n=4):
    cell = {(lk, ik): rows[lk][ik - 1] for lk in rows for ik in range(1, n + 1)}
    for (lk, ik), level in cell.items():
        if lk < n and cell[(lk + 1, ik)] < level:
            return False
        if ik < n and cell[(lk, ik + 1)] < level:
            return False
    top, bottom = max(cell.values()), min(cell.values())
    if top is bottom:
        return True
    for (tl, ti), t in cell.items():
        for (bl, bi), b in cell.items():
            if t is top and b is bottom and (tl - 1) * (ti - 1) < bl * bi:
                return False
    return True


@settings(max_examples=200)
@given(cell_grids())
def test_a_matrix_is_accepted_exactly_when_monotone_and_weakly_consistent(rows):
    expected = _reference_ok(rows)
    try:
        RiskMatrix.from_cells(rows, likelihood=SMALL, impact=SMALL)
    except PolicyError:
        assert not expected
    else:
        assert expected


# --- the policy ------------------------------------------------------------------------------------


def test_missing_factors_are_named_with_a_hint():
    factors = {**TYPICAL, "scop": 3}
    del factors["scope"]
    with pytest.raises(
        PolicyError,
        match=r"factor\(s\) scope are missing .*did you mean 'scop'.* each a rating from 1 to 5",
    ):
        RiskMatrixPolicy().assess(grading_input(factors), at=AT)


def test_ratings_off_the_scale_are_refused():
    with pytest.raises(
        ValidationError, match="factor 'legal_risk' must be a rating from 1 to 5; got 6"
    ):
        RiskMatrixPolicy().assess(grading_input({**TYPICAL, "legal_risk": 6}), at=AT)


def test_the_mean_rounds_half_up_and_the_impact_takes_the_largest():
    # severity 4, scope 3, trend 3.5 → 3.5 → 4 (四舍五入); impact largest 5 → 4 × 5 = 20 → I
    factors = {**TYPICAL, "trend": 3.5, "severity": 4, "scope": 3, "legal_risk": 5}
    assessment = RiskMatrixPolicy().assess(grading_input(factors), at=AT)
    assert (assessment.likelihood, assessment.impact, assessment.level) == (4, 5, Level.I)
    decided = [c for c in assessment.explanation.contributions if c.note is not None]
    assert [c.factor for c in decided] == ["legal_risk"]
    assert "weighted mean 3.5 → 4 (likely)" in assessment.explain()


def test_weights_and_aggregations_are_configurable():
    policy = RiskMatrixPolicy(
        likelihood_factors={"severity": 3, "scope": 1},
        impact_factors=["brand_damage", "legal_risk"],
        impact_aggregation="mean",
    )
    # likelihood (3·4 + 1·3)/4 = 3.75 → 4; impact (3 + 2)/2 = 2.5 → 3
    assessment = policy.assess(grading_input(), at=AT)
    assert (assessment.likelihood, assessment.impact) == (4, 3)
    severity = next(c for c in assessment.explanation.contributions if c.factor == "severity")
    assert (severity.weight, severity.contribution) == (0.75, 3.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"impact_factors": {"brand_damage": 2, "legal_risk": 1}}, "weights do not apply"),
        ({"likelihood_factors": {"severity": 0}}, "must be > 0"),
        ({"likelihood_factors": []}, "at least one factor"),
        ({"likelihood_factors": ["severity", "severity"]}, "names a factor twice"),
        ({"likelihood_factors": "severity"}, "must be factor names"),
        ({"matrix": "5x5"}, "must be a RiskMatrix"),
        ({"impact_aggregation": "median"}, "is not a Aggregation"),
    ],
)
def test_bad_configuration_is_refused(kwargs, match):
    with pytest.raises((PolicyError, ValidationError), match=match):
        RiskMatrixPolicy(**kwargs)


def test_the_explanation_names_the_band_in_both_languages():
    assessment = RiskMatrixPolicy().assess(grading_input(), at=AT)
    assert assessment.explanation.rule == "risk-matrix.band"
    assert (
        "likelihood 4 (likely) × impact 3 (moderate) = 12; 10 ≤ L×I < 15 → II (significant)"
        in assessment.explain()
    )
    assert (
        "可能性 4（很可能） × 影响程度 3（中等） = 12；10 ≤ L×I < 15 → II级（较大）"
        in assessment.explain("zh")
    )
