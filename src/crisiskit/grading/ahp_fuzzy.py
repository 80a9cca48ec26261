"""AHP weights plus fuzzy comprehensive evaluation → a level: the method the source documents recommend.

:class:`AhpFuzzyPolicy` weighs the analysts' factors with the analytic hierarchy process
(:mod:`crisiskit.grading.models.ahp`), turns each factor into memberships of the four
levels, evaluates them level by level up the hierarchy
(:mod:`crisiskit.grading.models.fuzzy`), and reads a level off the result.

**Default hierarchy and judgements** (defaults, to be replaced by your own panel's):

* goal: ``likelihood`` vs ``impact`` = 1 (equal);
* likelihood: ``severity`` vs ``scope`` = 2, ``severity`` vs ``trend`` = 3,
  ``scope`` vs ``trend`` = 2;
* impact: ``brand_damage`` vs ``customer_loss`` = 1, vs ``economic_loss`` = 2,
  vs ``legal_risk`` = 1; ``customer_loss`` vs ``economic_loss`` = 2, vs ``legal_risk`` = 1;
  ``economic_loss`` vs ``legal_risk`` = 1/2.

Every matrix must pass the consistency check (CR < 0.1) or the policy is refused.

**Memberships.** A factor given as an expert panel's memberships (``brand_damage.I`` …
``brand_damage.IV``, normalised to sum 1) is used as given. A factor given as a rating *x*
on 1–5 is fuzzified by triangular membership functions centred on the levels
(IV at 1, III at 7/3, II at 11/3, I at 5): the two neighbouring levels share the rating in
proportion to its distance from their centres, so the memberships sum to 1 and a uniform
rating *x* scores exactly 1 + 3(x − 1)/4.

**Level.** By default the weighted score *s = Σ_k b_k s_k* (I = 4, II = 3, III = 2,
IV = 1) is compared with bands: *s ≥ 3.15* → I, *≥ 2.62* → II, *≥ 1.93* → III, else IV.
With the default operator ``M(·,⊕)`` this is monotone: a worse rating never lowers the
level. The other operators are offered for comparison but are not monotone in general —
with ``M(∧,⊕)``, say, a worse rating can add membership to a middle grade and the
normalisation then dilutes the severe ones.
The bands are calibrated so that uniform ratings give the same level as the default risk
matrix (1 + 3(√t − 1)/4 for its thresholds t = 15, 10, 5, rounded down). Maximum
membership is available (``defuzzification="max_membership"``) but is not monotone; the
weighted score is.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from attrs import field, frozen

from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Bilingual, Contribution, level_said
from crisiskit.grading.inputs import FACTORS, GradingInput
from crisiskit.grading.models import ahp, fuzzy
from crisiskit.grading.policy import Grade, GradingPolicy, _pairs_form, configuration_form
from crisiskit.messages import Message, _
from crisiskit.values.labels import LabelledEnum
from crisiskit.values.levels import Level

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_HIERARCHY",
    "GRADES",
    "AhpFuzzyPolicy",
    "Defuzzification",
    "fuzzify",
]

GRADES: tuple[Level, ...] = (Level.I, Level.II, Level.III, Level.IV)
"""The grades of the evaluation, most severe first (the order of membership vectors)."""

DEFAULT_HIERARCHY = ahp.Node(
    {("likelihood", "impact"): 1},
    children={
        "likelihood": ahp.Node(
            {("severity", "scope"): 2, ("severity", "trend"): 3, ("scope", "trend"): 2}
        ),
        "impact": ahp.Node(
            {
                ("brand_damage", "customer_loss"): 1,
                ("brand_damage", "economic_loss"): 2,
                ("brand_damage", "legal_risk"): 1,
                ("customer_loss", "economic_loss"): 2,
                ("customer_loss", "legal_risk"): 1,
                ("economic_loss", "legal_risk"): Fraction(1, 2),
            }
        ),
    },
)
"""The default hierarchy: likelihood (severity, scope, trend) and impact (brand, customers, money, law)."""

DEFAULT_BANDS: Mapping[Level | str, float] = {Level.I: 3.15, Level.II: 2.62, Level.III: 1.93}
"""The lowest weighted score of each level (IV below III's band); calibrated defaults."""


class Defuzzification(LabelledEnum):
    """How a level is read off the evaluation vector."""

    WEIGHTED_SCORE = "weighted_score"
    """The memberships' weighted mean of the level scores, compared with bands (monotone)."""
    MAX_MEMBERSHIP = "max_membership"
    """The level with the largest membership (not monotone)."""


Defuzzification._register_labels(
    {
        Defuzzification.WEIGHTED_SCORE: ("weighted score", "加权平均原则"),
        Defuzzification.MAX_MEMBERSHIP: ("maximum membership", "最大隶属度原则"),
    }
)


def fuzzify(rating: float, low: float = 1, high: float = 5) -> tuple[float, float, float, float]:
    """Memberships of a rating in (I, II, III, IV), by triangular functions centred on the levels.

    Examples:
        >>> [round(m, 4) for m in fuzzify(4)]
        [0.25, 0.75, 0.0, 0.0]
    """
    x = _util.real("rating", rating)
    if not low <= x <= high:
        raise ValidationError(
            _(
                "a rating must lie in [{low}, {high}]; got {x}",
                low=_util.fmt(low),
                high=_util.fmt(high),
                x=_util.fmt(x),
            )
        )
    step = (high - low) / 3
    centres = {Level.IV: low, Level.III: low + step, Level.II: low + 2 * step, Level.I: high}
    values = [max(0.0, 1 - abs(x - centres[grade]) / step) for grade in GRADES]
    total = math.fsum(values)
    return tuple(v / total for v in values)  # type: ignore[return-value]


_SCORES = tuple(float(grade.severity) for grade in GRADES)


def _hierarchy(value: ahp.Node) -> ahp.Node:
    if not isinstance(value, ahp.Node):
        raise ValidationError(
            _("hierarchy must be an ahp.Node; got {kind}", kind=type(value).__name__)
        )
    return value


def _operator(value: fuzzy.Operator | str) -> fuzzy.Operator:
    return value if isinstance(value, fuzzy.Operator) else fuzzy.Operator.parse(value)


def _defuzzification(value: Defuzzification | str) -> Defuzzification:
    return value if isinstance(value, Defuzzification) else Defuzzification.parse(value)


def _tie_break(value: fuzzy.TieBreak | str) -> fuzzy.TieBreak:
    return value if isinstance(value, fuzzy.TieBreak) else fuzzy.TieBreak.parse(value)


def _bands(
    value: Mapping[Level | str, float] | Iterable[tuple[Level, float]],
) -> tuple[tuple[Level, float], ...]:
    # The policy keeps (level, score) pairs; accepting them lets attrs.evolve() pass them back.
    return _util.score_bands("bands", value if isinstance(value, Mapping) else dict(value))


def _method(value: ahp.Method | str) -> ahp.Method:
    return value if isinstance(value, ahp.Method) else ahp.Method.parse(value)


def _threshold(value: float) -> float:
    return _util.real("threshold", value)


def _rating_scale(value: tuple[float, float]) -> tuple[float, float]:
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise PolicyError(_("rating_scale must be (lowest, highest); got {value!r}", value=value))
    low, high = (_util.real("rating_scale", v) for v in value)
    if not low < high:
        raise PolicyError(_("rating_scale must be (lowest, highest); got {value!r}", value=value))
    return low, high


@frozen(slots=False, repr=False)
class AhpFuzzyPolicy(GradingPolicy, name="ahp-fuzzy", version="1"):
    """AHP-weighted fuzzy comprehensive evaluation of the analysts' factors.

    Args:
        hierarchy: the AHP hierarchy whose leaves are factor names (default
            :data:`DEFAULT_HIERARCHY`).
        operator: the fuzzy composition operator at every level (default ``M(·,⊕)``).
        defuzzification: ``"weighted_score"`` (default) or ``"max_membership"``.
        tie_break: for maximum membership, which grade wins a tie (default ``"first"``: the
            more severe).
        bands: the lowest weighted score of levels I, II and III (default
            :data:`DEFAULT_BANDS`).
        method: the AHP weighting method.
        ri_table: the AHP random-index table.
        threshold: the CR every AHP matrix must stay below.
        rating_scale: the (lowest, highest) rating the factors use (default (1, 5)).

    Raises:
        PolicyError: an AHP matrix is inconsistent (CR ≥ threshold), the bands are not
            ordered, or the configuration is otherwise unusable.

    Override :meth:`memberships` to obtain memberships another way (e.g. from a survey).
    The score is the weighted score (1 … 4) whatever the defuzzification.
    """

    hierarchy: ahp.Node = field(
        default=DEFAULT_HIERARCHY,
        converter=_hierarchy,
        metadata=configuration_form(ahp.configuration),
    )
    """The AHP hierarchy; its leaves are factor names."""
    operator: fuzzy.Operator = field(
        default=fuzzy.Operator.WEIGHTED_AVERAGE, converter=_operator, kw_only=True
    )
    """The fuzzy composition operator at every level."""
    defuzzification: Defuzzification = field(
        default=Defuzzification.WEIGHTED_SCORE, converter=_defuzzification, kw_only=True
    )
    """How the level is read off the evaluation."""
    tie_break: fuzzy.TieBreak = field(
        default=fuzzy.TieBreak.FIRST, converter=_tie_break, kw_only=True
    )
    """Which grade wins a tie of maximum membership."""
    bands: tuple[tuple[Level, float], ...] = field(
        default=DEFAULT_BANDS,
        converter=_bands,
        kw_only=True,
        metadata=configuration_form(_pairs_form),
    )
    """The lowest weighted score of levels I, II and III, most severe first."""
    method: ahp.Method = field(
        default=ahp.Method.EIGENVECTOR,
        converter=_method,
        kw_only=True,
        metadata=configuration_form(group="ahp"),
    )
    """The AHP weighting method."""
    ri_table: str = field(
        default="saaty1980", kw_only=True, metadata=configuration_form(group="ahp")
    )
    """The AHP random-index table."""
    threshold: float = field(
        default=0.1, converter=_threshold, kw_only=True, metadata=configuration_form(group="ahp")
    )
    """The consistency ratio every AHP matrix must stay below."""
    rating_scale: tuple[float, float] = field(default=(1, 5), converter=_rating_scale, kw_only=True)
    """The (lowest, highest) rating the factors use."""

    def __attrs_post_init__(self) -> None:
        bad = [
            f"{path} (CR {_util.fmt(result.consistency_ratio)})"
            for path, result in self.synthesis.local
            if not result.is_consistent
        ]
        if bad:
            raise PolicyError(
                _(
                    "the AHP judgements are not consistent enough (CR must be < {threshold}): {bad}; revise those judgements",
                    threshold=_util.fmt(self.threshold),
                    bad=tuple(bad),
                )
            )

    @functools.cached_property
    def synthesis(self) -> ahp.Synthesis:
        """The AHP result for the whole hierarchy."""
        return ahp.synthesize(
            self.hierarchy, method=self.method, ri_table=self.ri_table, threshold=self.threshold
        )

    @property
    def weights(self) -> dict[str, float]:
        """Each factor's global AHP weight."""
        return self.synthesis.as_dict()

    @functools.cached_property
    def _local(self) -> dict[str, ahp.AhpResult]:
        return dict(self.synthesis.local)

    @functools.cached_property
    def _parents(self) -> dict[str, str]:
        """Each factor's group: the item of the hierarchy it sits under."""
        parents: dict[str, str] = {}

        def collect(node: ahp.Node, path: str) -> None:
            children = dict(node.children)
            for item in node.comparisons.names:
                if item in children:
                    collect(children[item], f"{path}/{item}")
                else:
                    parents[item] = path.rsplit("/", 1)[-1]

        collect(self.hierarchy, "goal")
        return parents

    def memberships(self, inputs: GradingInput) -> dict[str, tuple[float, ...]]:
        """Each factor's memberships of (I, II, III, IV): a panel's, or a fuzzified rating."""
        result: dict[str, tuple[float, ...]] = {}
        missing = []
        low, high = self.rating_scale
        for factor in self._parents:
            panel = {
                grade: inputs.factors[f"{factor}.{grade.value}"]
                for grade in GRADES
                if f"{factor}.{grade.value}" in inputs.factors
            }
            if panel:
                row = [panel.get(grade, 0.0) for grade in GRADES]
                for grade, value in zip(GRADES, row, strict=True):
                    if not 0 <= value <= 1:
                        raise ValidationError(
                            _(
                                "membership {factor}.{grade} must lie in [0, 1]; got {value}",
                                factor=factor,
                                grade=grade.value,
                                value=_util.fmt(value),
                            )
                        )
                total = math.fsum(row)
                if total <= 0:
                    raise ValidationError(
                        _(
                            "the memberships of {factor!r} are all 0; at least one must be > 0",
                            factor=factor,
                        )
                    )
                result[factor] = tuple(v / total for v in row)
            elif factor in inputs.factors:
                value = inputs.factors[factor]
                if not low <= value <= high:
                    raise ValidationError(
                        _(
                            "factor {factor!r} must be a rating from {low} to {high}; got {value}",
                            factor=factor,
                            low=_util.fmt(low),
                            high=_util.fmt(high),
                            value=_util.fmt(value),
                        )
                    )
                result[factor] = fuzzify(value, low, high)
            else:
                missing.append(factor)
        if missing:
            hints = _util.closest(missing, inputs.factors)
            raise PolicyError(
                _(
                    "cannot evaluate: the factor(s) {missing} are missing from GradingInput.factors{hints}; give each as a rating from {low} to {high} or as memberships name.I … name.IV; given: {given}",
                    missing=tuple(missing),
                    hints=hints,
                    low=_util.fmt(low),
                    high=_util.fmt(high),
                    given=sorted(inputs.factors) or _("none"),
                )
            )
        return result

    def grade(self, inputs: GradingInput) -> Grade:
        """Evaluate the hierarchy bottom-up, then read the level off the top vector."""
        rows = self.memberships(inputs)
        groups: dict[str, tuple[float, ...]] = {}
        vector = self._evaluate(self.hierarchy, "goal", rows, groups)
        score = math.fsum(b * s for b, s in zip(vector, _SCORES, strict=True)) / math.fsum(vector)
        if self.defuzzification is Defuzzification.WEIGHTED_SCORE:
            level, test = _util.band_of(score, self.bands)
            rule = "ahp-fuzzy.weighted-score"
            how = _(
                "weighted score {score} {test} → {level}",
                score=_util.fmt(score),
                test=test,
                level=level_said(level),
            )
        else:
            result = fuzzy.FuzzyResult(self.operator, vector, vector, True)
            index = result.max_membership(self.tie_break)
            level = GRADES[index]
            rule = "ahp-fuzzy.max-membership"
            how = _(
                "largest membership {membership} is {grade} (ties: {tie_break}) → {level}",
                membership=_util.fmt(vector[index]),
                grade=level.value,
                tie_break=self.tie_break,
                level=level_said(level),
            )
        b_text = ", ".join(
            f"{g.value} {_util.fmt(b, 3)}" for g, b in zip(GRADES, vector, strict=True)
        )
        scores = (
            Bilingual(
                *(
                    "".join(
                        f"{_group_name(k, lang)} {_util.fmt(_score(v), 3)}{sep}"
                        for k, v in groups.items()
                    )
                    for lang, sep in (("en", ", "), ("zh", "，"))
                )
            )
            if groups
            else ""
        )
        decision = Bilingual.of(
            _(
                "fuzzy evaluation {operator} with AHP weights: {groups}B = ({memberships}); {how}",
                operator=self.operator.value,
                groups=scores,
                memberships=b_text,
                how=how,
            )
        )
        return Grade.decided(
            level,
            score=score,
            rule=rule,
            decision=decision,
            contributions=self._contributions(inputs, rows),
            likelihood=_score(groups["likelihood"]) if "likelihood" in groups else None,
            impact=_score(groups["impact"]) if "impact" in groups else None,
        )

    def _evaluate(
        self,
        node: ahp.Node,
        path: str,
        rows: Mapping[str, tuple[float, ...]],
        groups: dict[str, tuple[float, ...]],
    ) -> tuple[float, ...]:
        result = self._local[path]
        children = dict(node.children)
        membership = []
        for item in result.names:
            if item in children:
                vector = self._evaluate(children[item], f"{path}/{item}", rows, groups)
                groups[item] = vector
                membership.append(vector)
            else:
                membership.append(rows[item])
        return fuzzy.evaluate(
            _renormalised(result.weights), membership, operator=self.operator
        ).vector

    def _contributions(
        self, inputs: GradingInput, rows: Mapping[str, tuple[float, ...]]
    ) -> list[Contribution]:
        weights = self.synthesis.as_dict()
        additive = self.operator is fuzzy.Operator.WEIGHTED_AVERAGE
        out = []
        for factor, row in rows.items():
            memberships = ", ".join(
                f"{g.value} {_util.fmt(r, 3)}" for g, r in zip(GRADES, row, strict=True) if r > 0
            )
            rated = factor in inputs.factors and not any(
                f"{factor}.{g.value}" in inputs.factors for g in GRADES
            )
            spec = FACTORS.get(factor)
            source = (
                _("rating {rating}", rating=_util.fmt(inputs.factors[factor]))
                if rated
                else _("panel")
            )
            out.append(
                Contribution(
                    factor=factor,
                    value=_score(row),
                    label=spec.label if spec is not None else None,
                    group=self._parents[factor],
                    weight=weights[factor],
                    contribution=weights[factor] * _score(row) if additive else None,
                    note=Bilingual.of(
                        _(
                            "{source}; memberships {memberships}",
                            source=source,
                            memberships=memberships,
                        )
                    ),
                )
            )
        return out


def _group_name(group: str, lang: str) -> str:
    said = _util.group_said(group)
    return said.text(lang) if isinstance(said, Message) else said


def _score(vector: tuple[float, ...]) -> float:
    return math.fsum(b * s for b, s in zip(vector, _SCORES, strict=True)) / math.fsum(vector)


def _renormalised(weights: tuple[float, ...]) -> list[float]:
    total = math.fsum(weights)
    return [w / total for w in weights]
