"""Grading benchmark: assessments per second, and AHP time for 7 × 7 and 15 × 15 matrices.

Run from the repository root:

    python benchmarks/bench_grading.py            # a few seconds
    python benchmarks/bench_grading.py --quick    # well under a second per figure

If ``ahpy`` is installed (it needs numpy and scipy; it is never a crisiskit dependency), the
AHP table gains a comparison: the largest difference between ahpy's weights and crisiskit's
eigenvector weights, and how many times faster crisiskit is for the same dict of judgements.
Figures are printed, not asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pendulum

from crisiskit import Channel, CrisisType, CustomerRef, Facts, Signal
from crisiskit.grading import GradingInput, ahp, policy_by_name

try:  # optional comparison
    import ahpy  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    ahpy = None

SAATY = [Fraction(1, 9), Fraction(1, 7), Fraction(1, 5), Fraction(1, 3), 1, 3, 5, 7, 9]


def per_call(fn: Callable[[], object], seconds: float) -> float:
    """Seconds per call: the best of 5 rounds, each long enough to time reliably."""
    fn()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 5:
            break
        n *= 2
    best = elapsed / n
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best


def typical_input() -> GradingInput:
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


def judgements(n: int, rng: random.Random) -> dict[tuple[str, str], Fraction | int]:
    """A realistic matrix: judgements near a hidden consistent one, snapped to Saaty's scale."""
    hidden = [rng.uniform(1, 9) for _ in range(n)]
    names = [f"c{i:02d}" for i in range(n)]
    found: dict[tuple[str, str], Fraction | int] = {}
    for i in range(n):
        for j in range(i + 1, n):
            ratio = hidden[i] / hidden[j] * rng.uniform(0.7, 1.4)
            found[(names[i], names[j])] = min(
                SAATY, key=lambda s: abs(math.log(float(s)) - math.log(ratio))
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time briefly (rougher figures)")
    args = parser.parse_args()
    budget = 0.2 if args.quick else 1.5

    print(
        f"crisiskit grading benchmark — Python {platform.python_version()} on {platform.machine()}"
    )
    print()
    inputs = typical_input()
    at = pendulum.datetime(2025, 9, 27, 23, tz="UTC")
    print("assessments (policy.assess(inputs, at=...), a typical product-quality crisis)")
    for name in ("risk-matrix", "indicators", "ahp-fuzzy", "standard"):
        policy = policy_by_name(name)
        seconds = per_call(lambda policy=policy: policy.assess(inputs, at=at), budget)
        print(f"  {name:<12} {1 / seconds:>10,.0f} assessments/s   ({seconds * 1e6:,.1f} µs each)")
    print()

    rng = random.Random(20250927)
    header = f"  {'n':>3} {'method':<22} {'µs/analyze':>11} {'µs (rows)':>10} {'CR':>7}"
    if ahpy is not None:
        header += f" {'ahpy µs':>9} {'max |Δw|':>9} {'speed-up':>9}"
    print(
        "AHP (ahp.analyze; µs/analyze on a checked PairwiseMatrix, µs (rows) including the checks)"
    )
    print(header)
    for n in (7, 15):
        given = judgements(n, rng)
        matrix = ahp.PairwiseMatrix.from_judgements(given)
        rows = [list(row) for row in matrix.values]
        for method in ("eigenvector", "geometric_mean", "column_normalisation"):
            result = ahp.analyze(matrix, method=method)
            core = per_call(lambda m=method, x=matrix: ahp.analyze(x, method=m), budget)
            full = per_call(
                lambda m=method, r=rows: ahp.analyze(r, method=m, max_judgement=None), budget
            )
            line = f"  {n:>3} {method:<22} {core * 1e6:>11,.1f} {full * 1e6:>10,.1f} {result.consistency_ratio:>7.4f}"
            if ahpy is not None and method == "eigenvector":
                floats = {k: float(v) for k, v in given.items()}
                theirs = ahpy.Compare("bench", floats, precision=10, random_index="saaty")
                ours = ahp.analyze(matrix).as_dict()
                delta = max(abs(theirs.local_weights[k] - ours[k]) for k in ours)
                theirs_s = per_call(
                    lambda f=floats: ahpy.Compare("bench", f, precision=10, random_index="saaty"),
                    budget,
                )
                ours_s = per_call(
                    lambda g=given: ahp.analyze(ahp.PairwiseMatrix.from_judgements(g)), budget
                )
                agree = "✓" if delta <= 1e-4 else "✗"
                line += f" {theirs_s * 1e6:>9,.0f} {delta:>8.1e}{agree} {theirs_s / ours_s:>8.1f}×"
            print(line)
    if ahpy is None:
        print("  (install ahpy to compare: pip install ahpy)")
    else:
        print("  ahpy: ahpy.Compare from the same dict of judgements (precision=10);")
        print(
            "  speed-up = ahpy time / crisiskit time for dict → weights (from_judgements + analyze)"
        )


if __name__ == "__main__":
    main()
