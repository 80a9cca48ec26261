"""Grading: matrix assessments per second, and AHP beside ahpy (the ``bench`` extra)."""

from __future__ import annotations

import math
import random
from typing import Any

import pendulum
from _common import Row, Settings, per_call, unavailable

from crisiskit import Channel, CrisisType, CustomerRef, Facts, Signal
from crisiskit.grading import GradingInput, policy_by_name
from crisiskit.grading.models import ahp

try:
    import ahpy
except ImportError:  # the bench extra is not installed
    ahpy = None

SAATY = (1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9)
POOL = 10
"""Different matrices per size, so neither side times one lucky matrix."""


def typical_input() -> GradingInput:
    """A product-quality crisis: a VIP's complaint and a spreading social-media post."""
    at = pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai")
    return GradingInput(
        crisis_type=CrisisType.PRODUCT_QUALITY,
        signals=(
            Signal(Channel.HOTLINE, at, "complaint", customers=[CustomerRef("C-1", tier="VIP")]),
            Signal(
                Channel.SOCIAL_MEDIA,
                at.add(hours=2),
                "post",
                metrics={"heat": 8200, "negative_ratio": 0.41},
            ),
        ),
        customers=(CustomerRef("C-1", tier="VIP"),),
        facts=Facts(customers_affected=37),
        factors={
            "severity": 4,
            "scope": 3,
            "trend": 4,
            "brand_damage": 3,
            "customer_loss": 2,
            "economic_loss": 3,
            "legal_risk": 2,
        },
    )


def judgements(n: int, rng: random.Random) -> dict[tuple[str, str], float]:
    """A realistic matrix: judgements near a hidden consistent one, snapped to Saaty's scale."""
    hidden = [rng.uniform(1, 9) for _ in range(n)]
    names = [f"c{i:02d}" for i in range(n)]
    found = {}
    for i in range(n):
        for j in range(i + 1, n):
            ratio = hidden[i] / hidden[j] * rng.uniform(0.7, 1.4)
            found[(names[i], names[j])] = min(SAATY, key=lambda s: abs(math.log(s / ratio)))
    return found


def assessment_rows(settings: Settings) -> list[Row]:
    inputs = typical_input()
    at = pendulum.datetime(2025, 9, 27, 23, tz="UTC")
    policy = policy_by_name("risk-matrix")
    seconds = per_call({"assess": lambda: policy.assess(inputs, at=at)}, settings)["assess"]
    return [Row("risk-matrix assessments (a typical crisis)", "/s", 1 / seconds)]


def ahp_rows(settings: Settings) -> list[Row]:
    """The same dicts of judgements → weights and consistency ratio, by crisiskit and by ahpy.

    ahpy takes a dict of judgements; so does ``PairwiseMatrix.from_judgements``, whose
    checks (positive, on the 1–9 scale, reciprocal pairs agreeing) are part of the time.
    """
    rng = random.Random(20250927)
    rows = []
    for n in (7, 15):
        pool = [judgements(n, rng) for _ in range(POOL)]
        size = f"AHP {n}×{n}"

        def ours(pool: list[dict[tuple[str, str], float]] = pool) -> list[ahp.AhpResult]:
            return [ahp.analyze(ahp.PairwiseMatrix.from_judgements(g)) for g in pool]

        if ahpy is None:
            us = per_call({"ours": ours}, settings)["ours"] / POOL * 1e6
            rows.append(
                Row(f"{size}, judgements → weights + CR", "µs", us, "ahpy", unavailable("no ahpy"))
            )
            continue

        def theirs(pool: list[dict[tuple[str, str], float]] = pool) -> list[Any]:
            return [ahpy.Compare("bench", g, precision=10, random_index="saaty") for g in pool]

        found = per_call({"ours": ours, "theirs": theirs}, settings)
        us, their_us = (found[k] / POOL * 1e6 for k in ("ours", "theirs"))
        delta = max(  # ahpy's weights are numpy floats
            float(abs(compared.local_weights[name] - weight))
            for result, compared in zip(ours(), theirs(), strict=True)
            for name, weight in result.as_dict().items()
        )
        rows += [
            Row(
                f"{size}, judgements → weights + CR",
                "µs",
                us,
                "ahpy",
                their_us,
                their_us / us,
                "faster than ahpy",  # pure Python beside numpy: staying ahead is the target
                their_us / us > 1,
            ),
            Row(
                f"{size}, weights: largest difference",
                "Δw",
                delta,
                "ahpy",
                "—",
                None,
                "≤ 1e-4",
                delta <= 1e-4,
            ),
        ]
    return rows
