"""Policies made of policies: the most severe wins, or a weighted combination.

Each part grades the same inputs on its own (its own adjustments included); the composite
records every part's level and explanation, then decides. Both composites are monotone
whenever their parts are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from crisiskit.errors import PolicyError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Bilingual, level_said
from crisiskit.grading.indicators import IndicatorPolicy
from crisiskit.grading.inputs import GradingInput
from crisiskit.grading.matrix import RiskMatrixPolicy
from crisiskit.grading.policy import Grade, GradingPolicy, _pairs_form, configuration_form
from crisiskit.messages import _
from crisiskit.values.levels import Level

__all__ = ["DEFAULT_COMBINATION_BANDS", "StandardPolicy", "WeightedPolicy", "WorstOfPolicy"]


def _parts(policies: Iterable[GradingPolicy]) -> tuple[GradingPolicy, ...]:
    parts = tuple(policies)
    if not parts:
        raise PolicyError(_("a composite policy needs at least one part"))
    for i, part in enumerate(parts):
        if not isinstance(part, GradingPolicy):
            raise PolicyError(
                _("part {i} must be a GradingPolicy; got {kind}", i=i, kind=type(part).__name__)
            )
    return parts


@frozen(slots=False, repr=False, init=False)
class WorstOfPolicy(GradingPolicy, name="worst-of", version="1"):
    """The most severe level any part gives (ties: the first part listed decides).

    The score is the severity of that level (4 for I … 1 for IV).
    For example ``WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy())`` — the parts of
    :class:`StandardPolicy`, which :func:`crisiskit.grading.policy_by_name` builds for
    ``"standard"``.
    """

    parts: tuple[GradingPolicy, ...] = field(default=(), converter=_parts)
    """The parts, in order."""

    def __init__(
        self, *policies: GradingPolicy, parts: Iterable[GradingPolicy] | None = None
    ) -> None:
        # The parts come one by one, or as parts= (which attrs.evolve passes); with neither,
        # a subclass's default parts apply.
        if policies and parts is not None:
            raise PolicyError(
                _(
                    "{kind} takes its parts one by one or as parts=, not both; got {policies_count} part(s) and parts={parts!r}",
                    kind=type(self).__name__,
                    policies_count=len(policies),
                    parts=parts,
                )
            )
        if policies:
            self.__attrs_init__(policies)
        elif parts is not None:
            self.__attrs_init__(parts)
        else:
            self.__attrs_init__()

    def grade(self, inputs: GradingInput) -> Grade:
        """Grade with every part; the most severe level wins."""
        grades = [part.evaluate(inputs) for part in self.parts]
        level = max(grade.level for grade in grades)
        index = next(i for i, grade in enumerate(grades) if grade.level is level)
        decider = self.parts[index]
        levels = ", ".join(
            f"{part.id} {grade.level.value}" for part, grade in zip(self.parts, grades, strict=True)
        )
        decision = Bilingual.of(
            _(
                "the most severe of the parts ({levels}): {decider} → {level}",
                levels=levels,
                decider=decider.id,
                level=level_said(level),
            )
        )
        return Grade.decided(
            level,
            score=level.severity,
            rule="worst-of",
            decision=decision,
            parts=[g.as_part(p.id) for p, g in zip(self.parts, grades, strict=True)],
            likelihood=grades[index].likelihood,
            impact=grades[index].impact,
        )


def _standard_parts() -> tuple[GradingPolicy, ...]:
    return (RiskMatrixPolicy(), IndicatorPolicy())


@frozen(slots=False, repr=False, init=False)
class StandardPolicy(WorstOfPolicy, name="standard", version="1"):
    """The shipped default: the most severe of the default risk matrix and the default indicators.

    ``StandardPolicy()`` is ``WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy())`` under
    its own name, ``standard``, which is what :func:`crisiskit.grading.policy_by_name`
    looks it up by and what its assessments record.
    """

    parts: tuple[GradingPolicy, ...] = field(factory=_standard_parts, converter=_parts)
    """The parts, in order (default: the risk matrix, then the indicators)."""


DEFAULT_COMBINATION_BANDS: Mapping[Level | str, float] = {
    Level.I: 3.5,
    Level.II: 2.5,
    Level.III: 1.5,
}
"""The lowest weighted severity of levels I, II and III: the nearest level, halves going up."""


def _weighted_parts(
    pairs: Iterable[tuple[GradingPolicy, float]],
) -> tuple[tuple[GradingPolicy, float], ...]:
    listed = list(pairs)
    parts = _parts(policy for policy, _unused in listed)
    weights = tuple(
        _util.real(_("weight of part {i}", i=i), w) for i, (_unused, w) in enumerate(listed)
    )
    for i, weight in enumerate(weights):
        if weight <= 0:
            raise PolicyError(
                _("the weight of part {i} must be > 0; got {weight}", i=i, weight=_util.fmt(weight))
            )
    return tuple(zip(parts, weights, strict=True))


def _weighted_parts_form(parts: tuple[tuple[GradingPolicy, float], ...]) -> list[list[Any]]:
    return [[part.id, part.fingerprint, _util.canonical_number(w)] for part, w in parts]


_Bands = tuple[tuple[Level, float], ...]


def _bands(value: Mapping[Level | str, float] | Iterable[tuple[Level, float]]) -> _Bands:
    # The policy keeps (level, score) pairs; accepting them lets attrs.evolve() pass them back.
    bands = value if isinstance(value, Mapping) else dict(value)
    return _util.score_bands("bands", bands)


@frozen(slots=False, repr=False)
class WeightedPolicy(GradingPolicy, name="weighted", version="1"):
    """A weighted mean of the parts' severities (I = 4 … IV = 1), read off bands.

    The score is *Σ w_i · severity_i / Σ w_i*; by default ≥ 3.5 → I, ≥ 2.5 → II,
    ≥ 1.5 → III, else IV (the nearest level, a tie going to the more severe).

    Args:
        parts: (policy, weight) pairs, weights > 0.
        bands: the lowest score of levels I, II and III.
    """

    parts: tuple[tuple[GradingPolicy, float], ...] = field(
        converter=_weighted_parts, metadata=configuration_form(_weighted_parts_form)
    )
    """The parts and their weights."""
    bands: _Bands = field(
        default=DEFAULT_COMBINATION_BANDS,
        converter=_bands,
        kw_only=True,
        metadata=configuration_form(_pairs_form),
    )
    """The lowest score of levels I, II and III, most severe first."""

    def grade(self, inputs: GradingInput) -> Grade:
        """Grade with every part, then weigh their severities."""
        policies = [policy for policy, _unused in self.parts]
        weights = [weight for _unused, weight in self.parts]
        grades = [part.evaluate(inputs) for part in policies]
        total = math.fsum(weights)
        score = (
            math.fsum(w * g.level.severity for w, g in zip(weights, grades, strict=True)) / total
        )
        level, test = _util.band_of(score, self.bands)
        terms = " + ".join(
            f"{_util.fmt(w / total, 3)}×{g.level.severity}"
            for w, g in zip(weights, grades, strict=True)
        )
        decision = Bilingual.of(
            _(
                "weighted severity {terms} = {score} {test} → {level}",
                terms=terms,
                score=_util.fmt(score),
                test=test,
                level=level_said(level),
            )
        )
        return Grade.decided(
            level,
            score=score,
            rule="weighted",
            decision=decision,
            parts=[
                g.as_part(p.id, weight=w / total)
                for p, g, w in zip(policies, grades, weights, strict=True)
            ],
        )
