"""Every shipped policy is monotone: a worse factor or reading never lowers the level."""

import doctest
import importlib

import pytest
from grading_support import AT, FACTOR_NAMES
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit import Channel, CrisisType, Level, Signal
from crisiskit.grading import (
    DEFAULT_RULES,
    AhpFuzzyPolicy,
    GradingInput,
    IndicatorPolicy,
    RiskMatrixPolicy,
    WeightedPolicy,
    WorstOfPolicy,
    policy_by_name,
)

ratings = st.floats(1, 5)
factor_sets = st.fixed_dictionaries(dict.fromkeys(FACTOR_NAMES, ratings))
INDICATORS = [rule.indicator for rule in DEFAULT_RULES]
readings = st.dictionaries(
    st.sampled_from(INDICATORS), st.floats(0, 100_000), max_size=len(INDICATORS)
)


def make(factors, metrics, previous=None):
    signals = [Signal(Channel.SOCIAL_MEDIA, AT, "post", metrics=metrics)] if metrics else []
    return GradingInput(
        crisis_type=CrisisType.NEGATIVE_PUBLICITY,
        signals=signals,
        factors=factors,
        previous_level=previous,
    )


POLICIES = {
    "risk-matrix": RiskMatrixPolicy,
    "indicators": IndicatorPolicy,
    "indicators-hysteresis": lambda: IndicatorPolicy(hysteresis=0.15),
    "ahp-fuzzy": AhpFuzzyPolicy,
    "ahp-fuzzy-geometric-cn": lambda: AhpFuzzyPolicy(method="geometric_mean", ri_table="cn"),
    "standard": lambda: policy_by_name("standard"),
    "weighted": lambda: WeightedPolicy(
        [(RiskMatrixPolicy(), 2), (IndicatorPolicy(), 1), (AhpFuzzyPolicy(), 1)]
    ),
    "worst-of-three": lambda: WorstOfPolicy(
        RiskMatrixPolicy(), IndicatorPolicy(), AhpFuzzyPolicy()
    ),
}
BUILT = {name: build() for name, build in POLICIES.items()}


@pytest.mark.parametrize("name", sorted(BUILT))
@settings(max_examples=60)
@given(
    factors=factor_sets,
    metrics=readings,
    previous=st.none() | st.sampled_from(list(Level)),
    which=st.sampled_from(FACTOR_NAMES),
    to=ratings,
)
def test_a_worse_factor_never_lowers_the_level(name, factors, metrics, previous, which, to):
    policy = BUILT[name]
    worse = {**factors, which: max(factors[which], to)}
    before = policy.assess(make(factors, metrics, previous), at=AT).level
    after = policy.assess(make(worse, metrics, previous), at=AT).level
    assert after >= before


@pytest.mark.parametrize("name", sorted(BUILT))
@settings(max_examples=60)
@given(
    factors=factor_sets,
    metrics=readings,
    previous=st.none() | st.sampled_from(list(Level)),
    which=st.sampled_from(INDICATORS),
    to=st.floats(0, 100_000),
)
def test_a_worse_reading_never_lowers_the_level(name, factors, metrics, previous, which, to):
    policy = BUILT[name]
    worse = {**metrics, which: max(metrics.get(which, 0.0), to)}
    before = policy.assess(make(factors, metrics, previous), at=AT).level
    after = policy.assess(make(factors, worse, previous), at=AT).level
    assert after >= before


@settings(max_examples=60)
@given(
    factors=factor_sets,
    metrics=readings,
    previous=st.sampled_from(list(Level)),
    lower=st.sampled_from(list(Level)),
)
def test_hysteresis_holds_at_most_the_previous_level(factors, metrics, previous, lower):
    policy = BUILT["indicators-hysteresis"]
    plain = BUILT["indicators"].assess(make(factors, metrics), at=AT).level
    held = policy.assess(make(factors, metrics, previous), at=AT).level
    assert held >= plain
    assert held <= max(plain, previous)


@pytest.mark.parametrize(
    "module",
    [
        "crisiskit.grading",
        "crisiskit.grading.ahp_fuzzy",
        "crisiskit.grading.crosswalk",
        "crisiskit.grading.explanation",
        "crisiskit.grading.indicators",
        "crisiskit.grading.composite",
        "crisiskit.grading.matrix",
        "crisiskit.grading.models.ahp",
        "crisiskit.grading.models.fta",
        "crisiskit.grading.models.fuzzy",
        "crisiskit.grading.policy",
    ],
)
def test_docstring_examples_run(module):
    found = doctest.testmod(
        importlib.import_module(module), extraglobs={}, optionflags=doctest.ELLIPSIS
    )
    assert found.failed == 0
