"""Policies made of policies: the most severe wins, or a weighted combination.

Each part grades the same inputs on its own (its own adjustments included); the composite
records every part's level and explanation, then decides. Both composites are monotone
whenever their parts are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from crisiskit.errors import PolicyError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Bilingual, level_text
from crisiskit.grading.inputs import GradingInput
from crisiskit.grading.policy import Grade, GradingPolicy
from crisiskit.values.levels import Level

__all__ = ["DEFAULT_COMBINATION_BANDS", "WeightedPolicy", "WorstOfPolicy"]


def _parts(policies: Iterable[GradingPolicy]) -> tuple[GradingPolicy, ...]:
    parts = tuple(policies)
    if not parts:
        raise PolicyError("a composite policy needs at least one part")
    for i, part in enumerate(parts):
        if not isinstance(part, GradingPolicy):
            raise PolicyError(f"part {i} must be a GradingPolicy; got {type(part).__name__}")
    return parts


class WorstOfPolicy(GradingPolicy):
    """The most severe level any part gives (ties: the first part listed decides).

    The score is the severity of that level (4 for I … 1 for IV).
    For example ``WorstOfPolicy(RiskMatrixPolicy(), IndicatorPolicy())`` — which is what
    :func:`crisiskit.grading.policy_by_name` builds for ``"standard"``.
    """

    name = "worst-of"
    version = "1"

    def __init__(
        self, *policies: GradingPolicy, name: str | None = None, version: str | None = None
    ) -> None:
        super().__init__(name=name, version=version)
        self._parts = _parts(policies)

    @property
    def parts(self) -> tuple[GradingPolicy, ...]:
        """The parts, in order."""
        return self._parts

    def configuration(self) -> Mapping[str, Any]:
        """Each part's id and fingerprint."""
        return {"parts": [[part.id, part.fingerprint] for part in self._parts]}

    def grade(self, inputs: GradingInput) -> Grade:
        """Grade with every part; the most severe level wins."""
        grades = [part.evaluate(inputs) for part in self._parts]
        level = max(grade.level for grade in grades)
        index = next(i for i, grade in enumerate(grades) if grade.level is level)
        decider = self._parts[index]
        levels = ", ".join(
            f"{part.id} {grade.level.value}"
            for part, grade in zip(self._parts, grades, strict=True)
        )
        decision = Bilingual(
            f"the most severe of the parts ({levels}): {decider.id} → {level_text(level, 'en')}",
            f"取各组成部分中最严重者（{levels}）：{decider.id} → {level_text(level, 'zh')}",
        )
        return Grade.decided(
            level,
            score=level.severity,
            rule="worst-of",
            decision=decision,
            parts=[g.as_part(p.id) for p, g in zip(self._parts, grades, strict=True)],
            likelihood=grades[index].likelihood,
            impact=grades[index].impact,
        )


DEFAULT_COMBINATION_BANDS: Mapping[Level | str, float] = {
    Level.I: 3.5,
    Level.II: 2.5,
    Level.III: 1.5,
}
"""The lowest weighted severity of levels I, II and III: the nearest level, halves going up."""


class WeightedPolicy(GradingPolicy):
    """A weighted mean of the parts' severities (I = 4 … IV = 1), read off bands.

    The score is *Σ w_i · severity_i / Σ w_i*; by default ≥ 3.5 → I, ≥ 2.5 → II,
    ≥ 1.5 → III, else IV (the nearest level, a tie going to the more severe).

    Args:
        parts: (policy, weight) pairs, weights > 0.
        bands: the lowest score of levels I, II and III.
        name: overrides the class's name for this instance.
        version: overrides the class's version for this instance.
    """

    name = "weighted"
    version = "1"

    def __init__(
        self,
        parts: Iterable[tuple[GradingPolicy, float]],
        *,
        bands: Mapping[Level | str, float] = DEFAULT_COMBINATION_BANDS,
        name: str | None = None,
        version: str | None = None,
    ) -> None:
        super().__init__(name=name, version=version)
        pairs = list(parts)
        self._parts = _parts(policy for policy, _ in pairs)
        self._weights = tuple(
            _util.real(f"weight of part {i}", w) for i, (_, w) in enumerate(pairs)
        )
        for i, weight in enumerate(self._weights):
            if weight <= 0:
                raise PolicyError(f"the weight of part {i} must be > 0; got {_util.fmt(weight)}")
        self._bands = _util.score_bands("bands", bands)

    @property
    def parts(self) -> tuple[tuple[GradingPolicy, float], ...]:
        """The parts and their weights."""
        return tuple(zip(self._parts, self._weights, strict=True))

    def configuration(self) -> Mapping[str, Any]:
        """Each part's id, fingerprint and weight, and the bands."""
        return {
            "parts": [
                [part.id, part.fingerprint, _util.canonical_number(w)]
                for part, w in zip(self._parts, self._weights, strict=True)
            ],
            "bands": {lvl.value: _util.canonical_number(v) for lvl, v in self._bands},
        }

    def grade(self, inputs: GradingInput) -> Grade:
        """Grade with every part, then weigh their severities."""
        grades = [part.evaluate(inputs) for part in self._parts]
        total = math.fsum(self._weights)
        score = (
            math.fsum(w * g.level.severity for w, g in zip(self._weights, grades, strict=True))
            / total
        )
        level, test = _util.band_of(score, self._bands)
        terms = " + ".join(
            f"{_util.fmt(w / total, 3)}×{g.level.severity}"
            for w, g in zip(self._weights, grades, strict=True)
        )
        decision = Bilingual(
            f"weighted severity {terms} = {_util.fmt(score)} {test} → {level_text(level, 'en')}",
            f"加权严重度 {terms} = {_util.fmt(score)} {test} → {level_text(level, 'zh')}",
        )
        return Grade.decided(
            level,
            score=score,
            rule="weighted",
            decision=decision,
            parts=[
                g.as_part(p.id, weight=w / total)
                for p, g, w in zip(self._parts, grades, self._weights, strict=True)
            ],
        )
