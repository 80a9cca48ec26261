"""Fuzzy comprehensive evaluation (模糊综合评价; Wang Peizhuang 汪培庄, 1980s), in pure Python.

Given factor weights *A = (a_1 … a_n)* (summing to 1) and a membership matrix *R*, where
*r_jk* is how far factor *j* belongs to grade *k*, the evaluation is *B = A ∘ R* for one of
the four classical composition operators:

| operator | *b_k* | Chinese name |
|---|---|---|
| ``M(∧,∨)`` | max_j min(a_j, r_jk) | 主因素决定型 (main factor decides) |
| ``M(·,∨)`` | max_j a_j · r_jk | 主因素突出型 (main factor stands out) |
| ``M(∧,⊕)`` | min(1, Σ_j min(a_j, r_jk)) | 取小上界和型 (min and bounded sum) |
| ``M(·,⊕)`` | min(1, Σ_j a_j · r_jk) | 加权平均型 (weighted average) |

*B* is then normalised to sum 1 (unless ``normalise=False``). Two ways read a grade off it:

* **maximum membership** (最大隶属度原则): the grade with the largest *b_k*; ties are broken by
  an explicit rule — ``"first"`` (the earliest grade in the list wins; with grades listed
  most severe first this is the precautionary choice), ``"last"``, or ``"refuse"``;
* **weighted score** (加权平均原则): *Σ_k b_k s_k / Σ_k b_k* for grade scores *s_k*.

Maximum membership is not monotone: making one factor worse can move the largest
membership to a *less* severe grade. The grading policy built on this module therefore uses
the weighted score by default.

**Two-level evaluation** (多层次模糊综合评价): factors are grouped; each group is evaluated
on its own, the groups' vectors form the matrix of the upper level, and the group weights
combine them (:func:`evaluate_two_level`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from attrs import frozen

from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import _util
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum

__all__ = [
    "FuzzyResult",
    "Operator",
    "TieBreak",
    "TwoLevelResult",
    "evaluate",
    "evaluate_two_level",
    "normalise_weights",
]

_SUM_TOLERANCE = 1e-6


class Operator(LabelledEnum):
    """The four classical composition operators ``M(·, ·)`` of fuzzy comprehensive evaluation."""

    MIN_MAX = "M(∧,∨)"
    """b_k = max_j min(a_j, r_jk): the main factor decides."""
    PRODUCT_MAX = "M(·,∨)"
    """b_k = max_j a_j·r_jk: the main factor stands out."""
    MIN_BOUNDED_SUM = "M(∧,⊕)"
    """b_k = min(1, Σ_j min(a_j, r_jk))."""
    WEIGHTED_AVERAGE = "M(·,⊕)"
    """b_k = min(1, Σ_j a_j·r_jk): every factor counts in proportion to its weight."""


# ASCII spellings, for hosts that cannot type the symbols.
_ASCII = {
    Operator.MIN_MAX: {"m(min,max)", "m(^,v)", "min-max", "min_max"},
    Operator.PRODUCT_MAX: {"m(*,max)", "m(.,v)", "m(·,v)", "product-max", "product_max"},
    Operator.MIN_BOUNDED_SUM: {"m(min,+)", "m(^,+)", "min-bounded-sum", "min_bounded_sum"},
    Operator.WEIGHTED_AVERAGE: {
        "m(*,+)",
        "m(.,+)",
        "m(·,+)",
        "weighted-average",
        "weighted_average",
    },
}

Operator._register_labels(
    {
        Operator.MIN_MAX: ("main factor decides", "主因素决定型"),
        Operator.PRODUCT_MAX: ("main factor stands out", "主因素突出型"),
        Operator.MIN_BOUNDED_SUM: ("min and bounded sum", "取小上界和型"),
        Operator.WEIGHTED_AVERAGE: ("weighted average", "加权平均型"),
    },
    aliases=_ASCII,
)


class TieBreak(LabelledEnum):
    """What maximum-membership defuzzification does when grades tie for the largest membership."""

    FIRST = "first"
    """The earliest grade in the list wins (with grades most severe first: the precautionary choice)."""
    LAST = "last"
    """The latest grade in the list wins."""
    REFUSE = "refuse"
    """Raise :class:`~crisiskit.errors.PolicyError`: the evaluation does not decide."""


TieBreak._register_labels(
    {
        TieBreak.FIRST: ("earliest grade wins", "取靠前的等级"),
        TieBreak.LAST: ("latest grade wins", "取靠后的等级"),
        TieBreak.REFUSE: ("refuse to decide", "不作判定"),
    }
)


def _operator(value: Operator | str) -> Operator:
    return value if isinstance(value, Operator) else Operator.parse(value)


@frozen
class FuzzyResult:
    """The evaluation vector *B* of one fuzzy comprehensive evaluation."""

    operator: Operator
    """The composition operator used."""
    raw: tuple[float, ...]
    """*B = A ∘ R* before normalisation."""
    vector: tuple[float, ...]
    """*B* normalised to sum 1 (equal to :attr:`raw` when normalisation was off or B is all 0)."""
    normalised: bool
    """Whether :attr:`vector` was normalised."""

    def max_membership(self, tie_break: TieBreak | str = TieBreak.FIRST) -> int:
        """The index of the grade with the largest membership (最大隶属度原则).

        Memberships within 1e-12 of each other count as tied; ``tie_break`` decides between
        them (see :class:`TieBreak`).
        """
        rule = tie_break if isinstance(tie_break, TieBreak) else TieBreak.parse(tie_break)
        top = max(self.vector)
        tied = [k for k, b in enumerate(self.vector) if top - b <= 1e-12]
        if len(tied) > 1 and rule is TieBreak.REFUSE:
            raise PolicyError(
                _(
                    "grades {grades} tie for the largest membership {top}; no grade can be "
                    "chosen by maximum membership (tie_break='refuse')",
                    grades=tied,
                    top=_util.fmt(top),
                )
            )
        return tied[0] if rule is not TieBreak.LAST else tied[-1]

    def weighted_score(self, scores: Sequence[float]) -> float:
        """*Σ_k b_k s_k / Σ_k b_k*: the memberships' weighted mean of the grades' scores."""
        if len(scores) != len(self.vector):
            raise ValidationError(
                _(
                    "{n} grades need {n} scores; got {count}",
                    n=len(self.vector),
                    count=len(scores),
                )
            )
        values = [_util.real(f"scores[{k}]", s) for k, s in enumerate(scores)]
        total = math.fsum(self.vector)
        if total <= 0:
            raise PolicyError(_("every membership is 0: the evaluation gives no score"))
        return math.fsum(b * s for b, s in zip(self.vector, values, strict=True)) / total


def normalise_weights(weights: Sequence[_util.Real]) -> tuple[float, ...]:
    """Weights scaled to sum 1 (each must be >= 0 and at least one > 0)."""
    values = [_util.real(f"weights[{j}]", w) for j, w in enumerate(weights)]
    if any(w < 0 for w in values) or not any(w > 0 for w in values):
        raise ValidationError(
            _(
                "weights must be >= 0 with at least one > 0; got {weights}",
                weights=[_util.fmt(w) for w in values],
            )
        )
    total = math.fsum(values)
    return tuple(w / total for w in values)


def _check_weights(weights: Sequence[_util.Real]) -> list[float]:
    if isinstance(weights, str) or not isinstance(weights, Sequence) or not weights:
        raise ValidationError(
            _("weights must be a non-empty sequence of numbers; got {weights!r}", weights=weights)
        )
    values = [_util.real(f"weights[{j}]", w) for j, w in enumerate(weights)]
    for j, w in enumerate(values):
        if not 0 <= w <= 1:
            raise ValidationError(
                _("weights[{j}] must lie in [0, 1]; got {w}", j=j, w=_util.fmt(w))
            )
    total = math.fsum(values)
    if abs(total - 1) > _SUM_TOLERANCE:
        raise ValidationError(
            _(
                "weights must sum to 1; they sum to {total}. "
                "Scale them first with normalise_weights()",
                total=_util.fmt(total, 8),
            )
        )
    return values


def _check_membership(membership: Sequence[Sequence[_util.Real]], rows: int) -> list[list[float]]:
    matrix = _util.check_matrix_rows("membership", membership)
    if len(matrix) != rows:
        raise ValidationError(
            _(
                "membership needs one row per factor: {weights} weights, {rows} rows",
                weights=rows,
                rows=len(matrix),
            )
        )
    for j, row in enumerate(matrix):
        for k, r in enumerate(row):
            if not 0 <= r <= 1:
                raise ValidationError(
                    _(
                        "membership[{j}][{k}] must lie in [0, 1]; got {r}",
                        j=j,
                        k=k,
                        r=_util.fmt(r),
                    )
                )
    return matrix


def _compose(operator: Operator, a: list[float], r: list[list[float]]) -> list[float]:
    grades = range(len(r[0]))
    if operator is Operator.MIN_MAX:
        return [max(min(aj, rj[k]) for aj, rj in zip(a, r, strict=True)) for k in grades]
    if operator is Operator.PRODUCT_MAX:
        return [max(aj * rj[k] for aj, rj in zip(a, r, strict=True)) for k in grades]
    if operator is Operator.MIN_BOUNDED_SUM:
        return [
            min(1.0, math.fsum(min(aj, rj[k]) for aj, rj in zip(a, r, strict=True))) for k in grades
        ]
    return [min(1.0, math.fsum(aj * rj[k] for aj, rj in zip(a, r, strict=True))) for k in grades]


def evaluate(
    weights: Sequence[_util.Real],
    membership: Sequence[Sequence[_util.Real]],
    *,
    operator: Operator | str = Operator.WEIGHTED_AVERAGE,
    normalise: bool = True,
) -> FuzzyResult:
    """One-level fuzzy comprehensive evaluation *B = A ∘ R*.

    Args:
        weights: the factors' weights *A*, each in [0, 1], summing to 1.
        membership: *R*, one row per factor, one column per grade, each entry in [0, 1].
        operator: ``"M(∧,∨)"``, ``"M(·,∨)"``, ``"M(∧,⊕)"`` or ``"M(·,⊕)"`` (default), or an
            :class:`Operator`; ASCII forms such as ``"M(*,+)"`` are accepted.
        normalise: scale *B* to sum 1 (default True).

    Raises:
        ValidationError: weights off [0, 1] or not summing to 1, a membership off [0, 1], or
            a shape mismatch; the message names the entry.

    >>> evaluate([0.5, 0.5], [[1, 0], [0.5, 0.5]]).vector
    (0.75, 0.25)
    """
    a = _check_weights(weights)
    r = _check_membership(membership, len(a))
    how = _operator(operator)
    raw = _compose(how, a, r)
    total = math.fsum(raw)
    vector = [b / total for b in raw] if normalise and total > 0 else list(raw)
    return FuzzyResult(how, tuple(raw), tuple(vector), normalise and total > 0)


@frozen
class TwoLevelResult:
    """A two-level evaluation: each group's result and the overall one."""

    groups: tuple[FuzzyResult, ...]
    """Each group's evaluation, in order."""
    overall: FuzzyResult
    """The evaluation of the groups' vectors with the group weights."""


def evaluate_two_level(
    weights: Sequence[_util.Real],
    groups: Sequence[tuple[Sequence[_util.Real], Sequence[Sequence[_util.Real]]]],
    *,
    operator: Operator | str = Operator.WEIGHTED_AVERAGE,
    inner_operator: Operator | str | None = None,
    normalise: bool = True,
) -> TwoLevelResult:
    """Two-level (hierarchical) fuzzy comprehensive evaluation.

    Args:
        weights: the groups' weights, summing to 1.
        groups: for each group, its factors' weights and membership matrix; every group
            must use the same grades.
        operator: the operator of the upper level.
        inner_operator: the operator within groups (default: ``operator``).
        normalise: normalise each group's vector and the overall one.

    With ``M(·,⊕)`` at both levels and normalisation, the result equals a one-level
    evaluation with each factor weighted by its group's weight times its own.
    """
    if isinstance(groups, str) or not isinstance(groups, Sequence) or not groups:
        raise ValidationError(_("groups must be a non-empty sequence of (weights, membership)"))
    inner = operator if inner_operator is None else inner_operator
    results = []
    for g, group in enumerate(groups):
        if not (isinstance(group, tuple | list) and len(group) == 2):
            raise ValidationError(
                _(
                    "groups[{g}] must be a pair (weights, membership); got {group!r}",
                    g=g,
                    group=group,
                )
            )
        results.append(evaluate(group[0], group[1], operator=inner, normalise=normalise))
    widths = {len(result.vector) for result in results}
    if len(widths) > 1:
        raise ValidationError(
            _("every group must use the same grades; got widths {widths}", widths=sorted(widths))
        )
    overall = evaluate(
        weights, [result.vector for result in results], operator=operator, normalise=normalise
    )
    return TwoLevelResult(tuple(results), overall)
