"""Stored assessments stay readable: the shipped policies' ids and fingerprints are pinned.

An assessment records ``name@version`` and a fingerprint of the policy's configuration; a
backtest compares them with the policy it replays. The values below were computed before
policies became attrs classes, so a change in how the configuration is derived (a key
renamed, a number written differently) shows up here, not in a customer's backtest.
"""

import hashlib

import pytest
from grading_support import AT, grading_input

from crisiskit import to_json
from crisiskit.grading import (
    AhpFuzzyPolicy,
    IndicatorPolicy,
    RiskMatrix,
    RiskMatrixPolicy,
    WeightedPolicy,
    WorstOfPolicy,
    policy_by_name,
)

CELLS = {
    5: ["III", "II", "I", "I", "I"],
    4: ["III", "II", "II", "I", "I"],
    3: ["IV", "III", "II", "II", "I"],
    2: ["IV", "IV", "III", "III", "II"],
    1: ["IV", "IV", "IV", "III", "III"],
}

PINNED = {
    "risk-matrix": (lambda: policy_by_name("risk-matrix"), "risk-matrix@1", "0e38f651e693db76"),
    "indicators": (lambda: policy_by_name("indicators"), "indicators@1", "5768ac0f6dc0ded4"),
    "ahp-fuzzy": (lambda: policy_by_name("ahp-fuzzy"), "ahp-fuzzy@1", "d0b7523adf82faf1"),
    "standard": (lambda: policy_by_name("standard"), "standard@1", "cdd42c1314b65bbf"),
    "worst-of": (
        lambda: WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy()),
        "worst-of@1",
        "033ead4d9ff8a8d8",
    ),
    "weighted": (
        lambda: WeightedPolicy(
            [(RiskMatrixPolicy(), 2), (IndicatorPolicy(), 1), (AhpFuzzyPolicy(), 1)]
        ),
        "weighted@1",
        "ed425293d59c4737",
    ),
    "indicators-hysteresis": (
        lambda: IndicatorPolicy(hysteresis=0.15),
        "indicators@1",
        "ff6a7ad75c383449",
    ),
    "ahp-fuzzy-geometric-cn": (
        lambda: AhpFuzzyPolicy(method="geometric_mean", ri_table="cn"),
        "ahp-fuzzy@1",
        "9b42a5581c42e990",
    ),
    "risk-matrix-weighted": (
        lambda: RiskMatrixPolicy(
            likelihood_factors={"severity": 2, "scope": 1, "trend": 1}, impact_aggregation="mean"
        ),
        "risk-matrix@1",
        "a7639687d0a1ae46",
    ),
    "risk-matrix-cells": (
        lambda: RiskMatrixPolicy(RiskMatrix.from_cells(CELLS)),
        "risk-matrix@1",
        "aa291c366bbb671f",
    ),
}

# SHA-256 of to_json(assessment) for one input graded by each registered policy.
SERIALISED = {
    "risk-matrix": "a3349761678a6387e6c94b69f708312ac662af9eb63a4b28d6377a28f71d0be0",
    "indicators": "d38d9932aa1ef06ccb5f5d0802adc00f9efc482117a2900ba2713cc149ec2ddd",
    "ahp-fuzzy": "32c7ba4adad52c0756a6a72d87792243cbae24b28efd4cf1aa7b19297a2780ba",
    "standard": "f8e689bd67a0db6713d09e2b5f96becf6ab60fbc55f77b13023e650699b2af90",
}


@pytest.mark.parametrize("case", sorted(PINNED))
def test_shipped_policies_keep_their_id_and_fingerprint(case):
    build, policy_id, fingerprint = PINNED[case]
    policy = build()
    assert (policy.id, policy.fingerprint) == (policy_id, fingerprint)


@pytest.mark.parametrize("name", sorted(SERIALISED))
def test_assessments_of_shipped_policies_serialise_byte_for_byte_as_before(name):
    inputs = grading_input(metrics={"heat": 12_000, "negative_ratio": 0.3}, vip=True)
    stored = to_json(policy_by_name(name).assess(inputs, at=AT))
    assert hashlib.sha256(stored.encode()).hexdigest() == SERIALISED[name]
