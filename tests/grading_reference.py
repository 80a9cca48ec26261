"""Independent reference computations for the grading tests.

Nothing here shares code with crisiskit.grading: the AHP reference works in exact rational
arithmetic (characteristic polynomial by Faddeev–LeVerrier, its largest root by bisection,
the eigenvector by Gaussian elimination), and the fault-tree reference enumerates every
combination of basic events.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction


def _matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    n = len(a)
    return [
        [sum((a[i][k] * b[k][j] for k in range(n)), Fraction(0)) for j in range(n)]
        for i in range(n)
    ]


def characteristic_polynomial(a: Sequence[Sequence[Fraction]]) -> list[Fraction]:
    """Coefficients c_0 = 1, c_1 … c_n of det(xI − A) = x^n + c_1 x^{n−1} + … + c_n."""
    n = len(a)
    m = [[Fraction(x) for x in row] for row in a]
    identity = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    coefficients = [Fraction(1)]
    mk = [[Fraction(0)] * n for _ in range(n)]
    c = Fraction(1)
    for k in range(1, n + 1):
        mk = [
            [mk_ij + c * id_ij for mk_ij, id_ij in zip(r1, r2, strict=True)]
            for r1, r2 in zip(mk, identity, strict=True)
        ]
        am = _matmul(m, mk)
        c = -sum((am[i][i] for i in range(n)), Fraction(0)) / k
        coefficients.append(c)
        mk = am
    return coefficients


def _poly(coefficients: list[Fraction], x: Fraction) -> Fraction:
    value = Fraction(0)
    for c in coefficients:
        value = value * x + c
    return value


def largest_real_root(coefficients: list[Fraction], upper: Fraction, steps: int = 80) -> Fraction:
    """The largest real root below ``upper`` of a monic polynomial, by scanning and bisection."""
    hi = upper
    assert _poly(coefficients, hi) > 0
    step = Fraction(1, 64)
    lo = hi - step
    while _poly(coefficients, lo) > 0:
        hi, lo = lo, lo - step
    for _ in range(steps):
        mid = (lo + hi) / 2
        if _poly(coefficients, mid) > 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def principal_eigen(a: Sequence[Sequence[Fraction]]) -> tuple[float, list[float]]:
    """λ_max and the normalised principal eigenvector, computed exactly from the rationals."""
    n = len(a)
    m = [[Fraction(x) for x in row] for row in a]
    upper = max(sum(row, Fraction(0)) for row in m) + 1
    lam = largest_real_root(characteristic_polynomial(m), upper)
    # Solve (A − λI) v = 0 with v_n = 1 from the first n − 1 rows.
    rows = [[m[i][j] - (lam if i == j else 0) for j in range(n)] for i in range(n - 1)]
    system = [[*row[:-1], -row[-1]] for row in rows]
    size = n - 1
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(system[r][col]))
        system[col], system[pivot] = system[pivot], system[col]
        for r in range(size):
            if r != col and system[r][col]:
                f = system[r][col] / system[col][col]
                system[r] = [x - f * y for x, y in zip(system[r], system[col], strict=True)]
    v = [system[i][size] / system[i][i] for i in range(size)] + [Fraction(1)]
    total = sum(v, Fraction(0))
    return float(lam), [float(x / total) for x in v]


def column_normalisation(a: Sequence[Sequence[Fraction]]) -> list[Fraction]:
    """和积法 in exact arithmetic."""
    n = len(a)
    sums = [sum((Fraction(a[i][j]) for i in range(n)), Fraction(0)) for j in range(n)]
    return [sum((Fraction(a[i][j]) / sums[j] for j in range(n)), Fraction(0)) / n for i in range(n)]


def enumerate_probability(
    events: dict[str, float], occurs: Callable[[frozenset[str]], bool]
) -> float:
    """P(top) by summing over all 2^n combinations of independent basic events."""
    names = list(events)
    total = 0.0
    for bits in itertools.product((False, True), repeat=len(names)):
        happened = frozenset(n for n, b in zip(names, bits, strict=True) if b)
        if occurs(happened):
            p = 1.0
            for n, b in zip(names, bits, strict=True):
                p *= events[n] if b else 1 - events[n]
            total += p
    return total


def minimal_cut_sets_by_enumeration(
    names: Sequence[str], occurs: Callable[[frozenset[str]], bool]
) -> set[frozenset[str]]:
    """Every minimal set of events that makes the top event occur, by brute force."""
    cuts = [
        frozenset(c)
        for size in range(len(names) + 1)
        for c in itertools.combinations(names, size)
        if occurs(frozenset(c))
    ]
    return {c for c in cuts if not any(other < c for other in cuts)}
