"""The everyday default: a likelihood × impact risk matrix, checked before it is used.

:class:`RiskMatrix` holds the cells; :class:`RiskMatrixPolicy` rates likelihood and impact
from the analysts' factors and reads the level from the matrix.

The default matrix is 5 × 5 with bands on the product *L × I*:

| product | level |
|---|---|
| ≥ 15 | I |
| 10–14 (10, 12 occur) | II |
| 5–9 | III |
| 1–4 | IV |

These bands are a default, not a standard: tune them with :meth:`RiskMatrix.from_bands`
or give every cell with :meth:`RiskMatrix.from_cells`. Either way the matrix is checked
when it is built:

* **monotone** — a higher likelihood or a higher impact never lowers the level;
* **weakly consistent** in the sense of Cox (2008, *What's wrong with risk matrices?*,
  Risk Analysis 28(2)) — reading each category as an interval of a quantitative scale
  (uniform by default, or the scale's ``edges``) and risk as likelihood × impact, every
  point of a cell at the most severe level carries at least as much risk as every point
  of a cell at the least severe level.

A matrix that fails either check is refused with a
:class:`~crisiskit.errors.PolicyError` naming the offending cells.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.wording import joined
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Bilingual, Contribution, level_said
from crisiskit.grading.inputs import FACTORS, IMPACT_FACTORS, LIKELIHOOD_FACTORS, GradingInput
from crisiskit.grading.policy import (
    Grade,
    LikelihoodImpactPolicy,
    Rating,
    _pairs_form,
    configuration_form,
)
from crisiskit.messages import Message, _
from crisiskit.values.labels import LabelledEnum, normalize_lang
from crisiskit.values.levels import Level

__all__ = [
    "DEFAULT_MATRIX",
    "IMPACT_SCALE",
    "LIKELIHOOD_SCALE",
    "Aggregation",
    "RiskMatrix",
    "RiskMatrixPolicy",
    "Scale",
]


def _optional_tuple(value: Iterable[float] | None) -> tuple[float, ...] | None:
    return None if value is None else _checks.to_tuple(value)


@frozen
class Scale:
    """An ordered scale of categories 1..n with labels, e.g. likelihood *rare* to *almost certain*.

    ``edges`` (optional) are the n + 1 increasing bounds of the categories on a quantitative
    scale — say probabilities ``(0, 0.01, 0.1, 0.3, 0.7, 1)``. They are used only for Cox's
    consistency check; without them category *k* of *n* covers ``[(k-1)/n, k/n]``.
    """

    name: Bilingual
    """What the scale measures, e.g. *likelihood* / 可能性."""
    labels: tuple[Bilingual, ...] = field(converter=_checks.to_tuple)
    """The categories' labels, lowest first."""
    edges: tuple[float, ...] | None = field(default=None, converter=_optional_tuple)
    """The categories' bounds on a quantitative scale, or None for uniform."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, Bilingual):
            raise ValidationError(
                _("Scale.name must be a Bilingual text; got {name!r}", name=self.name)
            )
        if len(self.labels) < 2:
            raise ValidationError(
                _(
                    "a scale needs at least 2 categories; got {labels_count} for {name}",
                    labels_count=len(self.labels),
                    name=self.name.en,
                )
            )
        for i, label in enumerate(self.labels):
            if not isinstance(label, Bilingual):
                raise ValidationError(
                    _(
                        "Scale.labels[{i}] must be a Bilingual text; got {kind}",
                        i=i,
                        kind=type(label).__name__,
                    )
                )
        if self.edges is not None:
            edges = [_util.real(f"Scale.edges[{i}]", e) for i, e in enumerate(self.edges)]
            if len(edges) != len(self.labels) + 1:
                raise ValidationError(
                    _(
                        "a scale of {labels_count} categories needs {needed} edges; got {edges_count}",
                        labels_count=len(self.labels),
                        needed=len(self.labels) + 1,
                        edges_count=len(edges),
                    )
                )
            if edges[0] < 0 or any(b <= a for a, b in itertools.pairwise(edges)):
                raise ValidationError(
                    _(
                        "Scale.edges must start at 0 or above and strictly increase; got {edges}",
                        edges=edges,
                    )
                )
            object.__setattr__(self, "edges", tuple(edges))

    @property
    def size(self) -> int:
        """The number of categories."""
        return len(self.labels)

    def label(self, value: int, lang: str = "en") -> str:
        """The label of category ``value`` (1..n)."""
        return self.labels[self.category(value) - 1].text(lang)

    def category(self, value: object) -> int:
        """Check that ``value`` is a whole category 1..n and return it as an int."""
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise PolicyError(
                _(
                    "a {name} category must be a whole number 1..{size}; got {value!r}",
                    name=self.name.en,
                    size=self.size,
                    value=value,
                )
            )
        if not 1 <= int(value) <= self.size:
            raise PolicyError(
                _(
                    "a {name} category must be 1..{size}; got {value}",
                    name=self.name.en,
                    size=self.size,
                    value=int(value),
                )
            )
        return int(value)

    def bounds(self, value: int) -> tuple[float, float]:
        """The interval category ``value`` covers on the quantitative scale."""
        k = self.category(value)
        if self.edges is None:
            return (k - 1) / self.size, k / self.size
        return self.edges[k - 1], self.edges[k]

    def describe(self, value: int, lang: str = "en") -> str:
        """``4 (likely)`` or ``4（很可能）``."""
        return self.said(value).text(normalize_lang(lang))

    def said(self, value: int) -> Message:
        """:meth:`describe` as a message, to be said in either language."""
        return _scale_said(self, self.category(value))


@functools.lru_cache(maxsize=1024)
def _scale_said(scale: Scale, category: int) -> Message:
    # one message per category, made once: every grade names two categories
    return _("{category} ({label})", category=category, label=scale.labels[category - 1])


LIKELIHOOD_SCALE = Scale(
    Bilingual("likelihood", "可能性"),
    (
        Bilingual("rare", "极少发生"),
        Bilingual("unlikely", "不太可能"),
        Bilingual("possible", "可能"),
        Bilingual("likely", "很可能"),
        Bilingual("almost certain", "几乎肯定"),
    ),
)
"""The default likelihood scale, 1 (rare) to 5 (almost certain)."""

IMPACT_SCALE = Scale(
    Bilingual("impact", "影响程度"),
    (
        Bilingual("negligible", "可忽略"),
        Bilingual("minor", "较小"),
        Bilingual("moderate", "中等"),
        Bilingual("major", "重大"),
        Bilingual("severe", "严重"),
    ),
)
"""The default impact scale, 1 (negligible) to 5 (severe)."""


@frozen
class RiskMatrix:
    """Which level each (likelihood, impact) cell gets; monotone and Cox-consistent by construction.

    Build one with :meth:`from_bands` (a threshold on the product per level) or
    :meth:`from_cells` (every cell spelt out). ``cells[l - 1][i - 1]`` is the level of
    likelihood *l* and impact *i*.
    """

    likelihood: Scale
    """The likelihood scale (rows)."""
    impact: Scale
    """The impact scale (columns)."""
    cells: tuple[tuple[Level, ...], ...]
    """The levels, indexed ``[likelihood - 1][impact - 1]``."""
    bands: tuple[tuple[Level, float], ...] | None = None
    """When built from bands: (level, lowest product), most severe first."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.likelihood, Scale) or not isinstance(self.impact, Scale):
            raise ValidationError(_("RiskMatrix.likelihood and RiskMatrix.impact must be Scales"))
        if len(self.cells) != self.likelihood.size or any(
            len(row) != self.impact.size for row in self.cells
        ):
            raise PolicyError(
                _(
                    "the matrix must have {size} rows (one per likelihood) of {cells} cells (one per impact); got rows of {lengths}",
                    size=self.likelihood.size,
                    cells=self.impact.size,
                    lengths=[len(row) for row in self.cells],
                )
            )
        for row in self.cells:
            for cell in row:
                if not isinstance(cell, Level):
                    raise ValidationError(
                        _("a matrix cell must be a Level; got {cell!r}", cell=cell)
                    )
        self._check_monotone()
        self._check_weakly_consistent()

    @classmethod
    def from_bands(
        cls,
        bands: Mapping[Level | str, float],
        *,
        likelihood: Scale = LIKELIHOOD_SCALE,
        impact: Scale = IMPACT_SCALE,
    ) -> RiskMatrix:
        """A matrix whose level is set by the product *L × I*: each level from its lowest product.

        ``bands`` maps levels to the lowest product that reaches them, e.g. the default
        ``{Level.I: 15, Level.II: 10, Level.III: 5, Level.IV: 1}``. A more severe level needs
        a strictly higher product, and the least severe level must start at 1 or below so
        every cell has a level.
        """
        if not isinstance(bands, Mapping) or not bands:
            raise PolicyError(
                _(
                    "bands must map levels to products, e.g. {{'I': 15, ...}}; got {bands!r}",
                    bands=bands,
                )
            )
        parsed = sorted(
            ((_util.level(k), _util.real(_("band {band!r}", band=k), v)) for k, v in bands.items()),
            key=lambda pair: pair[0],
            reverse=True,
        )
        for (more, high), (less, low) in itertools.pairwise(parsed):
            if high <= low:
                raise PolicyError(
                    _(
                        "a more severe level needs a higher product: {more} starts at {high}, {less} at {low}",
                        more=more.value,
                        high=_util.fmt(high),
                        less=less.value,
                        low=_util.fmt(low),
                    )
                )
        if parsed[-1][1] > 1:
            raise PolicyError(
                _(
                    "the least severe band ({value}) must start at 1 or below so that every cell has a level; it starts at {parsed}",
                    value=parsed[-1][0].value,
                    parsed=_util.fmt(parsed[-1][1]),
                )
            )
        cells = tuple(
            tuple(
                next(level for level, low in parsed if lk * ik >= low)
                for ik in range(1, impact.size + 1)
            )
            for lk in range(1, likelihood.size + 1)
        )
        return cls(likelihood, impact, cells, tuple(parsed))

    @classmethod
    def from_cells(
        cls,
        rows: Mapping[int, Sequence[Level | str]],
        *,
        likelihood: Scale = LIKELIHOOD_SCALE,
        impact: Scale = IMPACT_SCALE,
    ) -> RiskMatrix:
        """A matrix spelt out cell by cell: ``{likelihood: [level at impact 1, 2, ...]}``.

        Keying rows by likelihood makes the orientation explicit, however the matrix is drawn::

            RiskMatrix.from_cells({
                5: ["III", "II", "I",   "I",   "I"],
                4: ["III", "II", "II",  "I",   "I"],
                3: ["IV",  "III", "II", "II",  "I"],
                2: ["IV",  "IV",  "III", "III", "II"],
                1: ["IV",  "IV",  "IV",  "III", "III"],
            })
        """
        expected = set(range(1, likelihood.size + 1))
        if not isinstance(rows, Mapping) or set(rows) != expected:
            got = sorted(rows) if isinstance(rows, Mapping) else rows
            raise PolicyError(
                _(
                    "from_cells needs one row per likelihood {expected}, keyed by likelihood; got {got!r}",
                    expected=sorted(expected),
                    got=got,
                )
            )
        cells = tuple(
            tuple(_util.level(cell) for cell in rows[lk]) for lk in range(1, likelihood.size + 1)
        )
        return cls(likelihood, impact, cells)

    def level(self, likelihood: int, impact: int) -> Level:
        """The level of the cell (``likelihood``, ``impact``)."""
        return self.cells[self.likelihood.category(likelihood) - 1][
            self.impact.category(impact) - 1
        ]

    def cell_name(self, likelihood: int, impact: int, lang: str = "en") -> str:
        """``likelihood 4 (likely), impact 3 (moderate)`` (or in Chinese)."""
        return self.cell_said(likelihood, impact).text(normalize_lang(lang))

    def cell_said(self, likelihood: int, impact: int) -> Message:
        """:meth:`cell_name` as a message, to be said in either language."""
        return _(
            "likelihood {likelihood}, impact {impact}",
            likelihood=self.likelihood.said(likelihood),
            impact=self.impact.said(impact),
        )

    def band_text(self, level: Level, lang: str = "en") -> str:
        """The products that give ``level`` in a banded matrix, e.g. ``10 ≤ L×I < 15``."""
        if self.bands is None:
            raise PolicyError(_("this matrix was given cell by cell; it has no bands"))
        lows = dict(self.bands)
        more = [low for lvl, low in self.bands if lvl > level]
        low = _util.fmt(lows[level])
        if not more:
            return f"L×I ≥ {low}"
        return f"{low} ≤ L×I < {_util.fmt(min(more))}"

    def render(self, lang: str = "en") -> str:
        """The matrix as a Markdown table, highest likelihood on top."""
        corner = _("likelihood \\ impact").text(normalize_lang(lang))
        head = [corner] + [self.impact.describe(i, lang) for i in range(1, self.impact.size + 1)]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for lk in range(self.likelihood.size, 0, -1):
            row = [self.likelihood.describe(lk, lang)] + [
                self.cells[lk - 1][ik - 1].value for ik in range(1, self.impact.size + 1)
            ]
            lines.append("| " + " | ".join(row) + " |")
        return "\n".join(lines)

    def configuration(self) -> dict[str, Any]:
        """The matrix as JSON-ready data."""
        return {
            "likelihood": _scale_config(self.likelihood),
            "impact": _scale_config(self.impact),
            "cells": [[cell.value for cell in row] for row in self.cells],
        }

    def _check_monotone(self) -> None:
        problems = []
        nl, ni = self.likelihood.size, self.impact.size
        for lk in range(1, nl + 1):
            for ik in range(1, ni + 1):
                here = self.cells[lk - 1][ik - 1]
                for dl, di, what in ((1, 0, _("likelihood")), (0, 1, _("impact"))):
                    if lk + dl > nl or ik + di > ni:
                        continue
                    there = self.cells[lk + dl - 1][ik + di - 1]
                    if there < here:
                        problems.append(
                            _(
                                "cell ({cell}) is {level} but cell ({next_cell}) is {next_level}: "
                                "a higher {what} must not lower the level",
                                cell=self.cell_said(lk, ik),
                                level=here.value,
                                next_cell=self.cell_said(lk + dl, ik + di),
                                next_level=there.value,
                                what=what,
                            )
                        )
        if problems:
            raise PolicyError(
                _("the risk matrix is not monotone: {problems}", problems=_summarise(problems))
            )

    def _check_weakly_consistent(self) -> None:
        levels = [cell for row in self.cells for cell in row]
        top, bottom = max(levels), min(levels)
        if top is bottom:
            return
        problems = []
        for tl, ti in self._cells_at(top):
            t_low = self.likelihood.bounds(tl)[0] * self.impact.bounds(ti)[0]
            above = [
                (bl, bi, self.likelihood.bounds(bl)[1] * self.impact.bounds(bi)[1])
                for bl, bi in self._cells_at(bottom)
            ]
            above = [(bl, bi, high) for bl, bi, high in above if t_low < high]
            if above:
                cells = tuple(
                    _("{cell} up to {high}", cell=self._short(bl, bi), high=_util.fmt(high))
                    for bl, bi, high in above[:3]
                )
                facts = {
                    "top": top.value,
                    "cell": self._short(tl, ti),
                    "low": _util.fmt(t_low),
                    "bottom": bottom.value,
                    "cells": cells,
                    "more": len(above) - 3,
                }
                problems.append(
                    _(
                        "the {top} cell {cell} holds risks down to {low}, below the {bottom} "
                        "cells {cells} and {more} more",
                        **facts,
                    )
                    if len(above) > 3
                    else _(
                        "the {top} cell {cell} holds risks down to {low}, below the {bottom} "
                        "cells {cells}",
                        **facts,
                    )
                )
        if problems:
            raise PolicyError(
                _(
                    "the risk matrix is not weakly consistent (Cox 2008): every point of a "
                    "level-{top} cell must carry at least the risk (likelihood × impact) of "
                    "every point of a level-{bottom} cell, but {problems}",
                    top=top.value,
                    bottom=bottom.value,
                    problems=_summarise(problems),
                )
            )

    def _short(self, likelihood: int, impact: int) -> Message:
        return _("({cell})", cell=self.cell_said(likelihood, impact))

    def _cells_at(self, level: Level) -> Iterable[tuple[int, int]]:
        for lk, row in enumerate(self.cells, start=1):
            for ik, cell in enumerate(row, start=1):
                if cell is level:
                    yield lk, ik


def _summarise(problems: list[Message], limit: int = 6) -> Message:
    shown = joined(problems[:limit])
    if len(problems) > limit:
        return _("{problems}; and {more} more", problems=shown, more=len(problems) - limit)
    return shown


def _scale_config(scale: Scale) -> dict[str, Any]:
    return {
        "labels": [label.en for label in scale.labels],
        "edges": None if scale.edges is None else [_util.canonical_number(e) for e in scale.edges],
    }


DEFAULT_MATRIX = RiskMatrix.from_bands({Level.I: 15, Level.II: 10, Level.III: 5, Level.IV: 1})
"""The default 5 × 5 matrix: L×I ≥ 15 → I, 10–14 → II, 5–9 → III, 1–4 → IV (a default, not a standard)."""


class Aggregation(LabelledEnum):
    """How several factor ratings become one likelihood or impact category."""

    MEAN = "mean"
    """The weighted mean, rounded half up (四舍五入) to a whole category."""
    MAX = "max"
    """The largest rating: the worst dimension decides."""


Aggregation._register_labels(
    {
        Aggregation.MEAN: ("weighted mean, rounded half up", "加权平均（四舍五入）"),
        Aggregation.MAX: ("largest rating", "取最大值"),
    }
)


def _matrix(value: RiskMatrix | None) -> RiskMatrix:
    if value is None:
        return DEFAULT_MATRIX
    if not isinstance(value, RiskMatrix):
        raise ValidationError(
            _("matrix must be a RiskMatrix; got {kind}", kind=type(value).__name__)
        )
    return value


def _aggregation(value: Aggregation | str) -> Aggregation:
    if isinstance(value, Aggregation):
        return value
    return Aggregation.parse(value)


# Factors and their weights: names (equal weights), a mapping name -> weight, or pairs.
_Factors = Mapping[str, float] | Sequence[str] | Sequence[tuple[str, float]]


def _likelihood_factors(value: _Factors) -> tuple[tuple[str, float], ...]:
    return _weights("likelihood_factors", value)


def _impact_factors(value: _Factors) -> tuple[tuple[str, float], ...]:
    return _weights("impact_factors", value)


@frozen(slots=False, repr=False)
class RiskMatrixPolicy(LikelihoodImpactPolicy, name="risk-matrix", version="1"):
    """Likelihood × impact on a :class:`RiskMatrix`, from the analysts' factor ratings.

    By default the likelihood is the mean of ``severity``, ``scope`` and ``trend`` (rounded
    half up), and the impact is the largest of ``brand_damage``, ``customer_loss``,
    ``economic_loss`` and ``legal_risk`` — the worst consequence decides, as consequence
    tables usually do. Every rating is on the matrix's scale (1–5 by default). The score is
    the product *L × I*.

    Args:
        matrix: the matrix (default :data:`DEFAULT_MATRIX`).
        likelihood_factors: the factors rated for likelihood — names (equal weights), a
            mapping of name to positive weight, or (name, weight) pairs.
        impact_factors: the same for impact.
        likelihood_aggregation: ``"mean"`` (default) or ``"max"``.
        impact_aggregation: ``"max"`` (default) or ``"mean"``.

    Raises:
        PolicyError: the configuration is inconsistent (no factors, weights with ``"max"``,
            a non-positive weight).
    """

    matrix: RiskMatrix = field(default=DEFAULT_MATRIX, converter=_matrix)
    """The risk matrix."""
    likelihood_factors: tuple[tuple[str, float], ...] = field(
        default=LIKELIHOOD_FACTORS,
        converter=_likelihood_factors,
        kw_only=True,
        metadata=configuration_form(_pairs_form),
    )
    """The likelihood factors and their weights, as (name, weight) pairs."""
    impact_factors: tuple[tuple[str, float], ...] = field(
        default=IMPACT_FACTORS,
        converter=_impact_factors,
        kw_only=True,
        metadata=configuration_form(_pairs_form),
    )
    """The impact factors and their weights, as (name, weight) pairs."""
    likelihood_aggregation: Aggregation = field(
        default=Aggregation.MEAN, converter=_aggregation, kw_only=True
    )
    """How the likelihood factors become one category."""
    impact_aggregation: Aggregation = field(
        default=Aggregation.MAX, converter=_aggregation, kw_only=True
    )
    """How the impact factors become one category."""

    def __attrs_post_init__(self) -> None:
        for what, factors, aggregation in (
            ("likelihood_factors", self.likelihood_factors, self.likelihood_aggregation),
            ("impact_factors", self.impact_factors, self.impact_aggregation),
        ):
            if aggregation is Aggregation.MAX and len({w for _unused, w in factors}) > 1:
                given = {k: _util.canonical_number(w) for k, w in factors}
                raise PolicyError(
                    _(
                        "{what}: aggregation 'max' takes the largest rating, so weights do not apply; give the factor names as a list, or use aggregation 'mean'; got {given}",
                        what=what,
                        given=given,
                    )
                )

    def likelihood(self, inputs: GradingInput) -> Rating:
        """The likelihood category, from the likelihood factors."""
        return _rate(
            inputs,
            "likelihood",
            self.likelihood_factors,
            self.likelihood_aggregation,
            self.matrix.likelihood,
        )

    def impact(self, inputs: GradingInput) -> Rating:
        """The impact category, from the impact factors."""
        return _rate(
            inputs, "impact", self.impact_factors, self.impact_aggregation, self.matrix.impact
        )

    def level_for(self, likelihood: Rating, impact: Rating, inputs: GradingInput) -> Grade:
        """The matrix's cell for (likelihood, impact); the score is their product."""
        matrix = self.matrix
        lk = matrix.likelihood.category(likelihood.value)
        ik = matrix.impact.category(impact.value)
        level = matrix.level(lk, ik)
        product = lk * ik
        if matrix.bands is not None:
            rule = "risk-matrix.band"
            said = _(
                "likelihood {likelihood} × impact {impact} = {product}; {band} → {level}",
                likelihood=matrix.likelihood.said(lk),
                impact=matrix.impact.said(ik),
                product=product,
                band=matrix.band_text(level),
                level=level_said(level),
            )
        else:
            rule = "risk-matrix.cell"
            said = _(
                "matrix cell ({cell}) → {level}",
                cell=matrix.cell_said(lk, ik),
                level=level_said(level),
            )
        for what, rating in ((_("impact"), impact), (_("likelihood"), likelihood)):
            if rating.summary is not None:
                said = _(
                    "{what}: {summary}; {decision}",
                    what=what,
                    summary=rating.summary,
                    decision=said,
                )
        decision = Bilingual.of(said)
        return Grade.decided(
            level,
            score=product,
            rule=rule,
            decision=decision,
            contributions=(*likelihood.contributions, *impact.contributions),
            likelihood=lk,
            impact=ik,
        )


def _weights(what: str, factors: _Factors) -> tuple[tuple[str, float], ...]:
    pairs: list[tuple[Any, float]]
    if isinstance(factors, Mapping):
        pairs = [(k, _util.real(f"{what}[{k!r}]", v)) for k, v in factors.items()]
    elif isinstance(factors, Sequence) and not isinstance(factors, str):
        # (name, weight) pairs are what the policy keeps, so attrs.evolve() can pass them back.
        pairs = [
            (item[0], _util.real(f"{what}[{item[0]!r}]", item[1]))
            if isinstance(item, tuple) and len(item) == 2
            else (item, 1.0)
            for item in factors
        ]
    else:
        raise PolicyError(
            _(
                "{what} must be factor names, a mapping name -> weight or (name, weight) pairs; got {factors!r}",
                what=what,
                factors=factors,
            )
        )
    if not pairs:
        raise PolicyError(_("{what} must name at least one factor", what=what))
    for key, weight in pairs:
        if not isinstance(key, str) or not key:
            raise PolicyError(
                _(
                    "{what}: a factor name must be a non-empty string; got {key!r}",
                    what=what,
                    key=key,
                )
            )
        if weight <= 0:
            raise PolicyError(
                _(
                    "{what}: the weight of {key!r} must be > 0; got {weight}",
                    what=what,
                    key=key,
                    weight=_util.fmt(weight),
                )
            )
    if len({k for k, _unused in pairs}) != len(pairs):
        raise PolicyError(
            _("{what} names a factor twice: {names}", what=what, names=[k for k, _unused in pairs])
        )
    return tuple(pairs)


def _read_factors(
    inputs: GradingInput, group: str, names: Iterable[str], low: float, high: float
) -> dict[str, float]:
    """The ratings of ``names`` from ``inputs.factors``, each checked to lie in [low, high].

    Raises :class:`~crisiskit.errors.PolicyError` naming every missing factor (with a
    "did you mean" for near misses) and :class:`~crisiskit.errors.ValidationError` for a
    rating off the scale.
    """
    names = list(names)
    missing = [n for n in names if n not in inputs.factors]
    if missing:
        hints = _util.closest(missing, [k for k in inputs.factors if k not in names])
        raise PolicyError(
            _(
                "cannot rate {group}: the factor(s) {missing} are missing from GradingInput.factors{hints}; {group} needs {names}, each a rating from {low} to {high}; given: {given}",
                group=_util.group_said(group),
                missing=tuple(missing),
                hints=hints,
                names=tuple(names),
                low=_util.fmt(low),
                high=_util.fmt(high),
                given=sorted(inputs.factors) or _("none"),
            )
        )
    ratings = {}
    for n in names:
        value = inputs.factors[n]
        if not low <= value <= high:
            raise ValidationError(
                _(
                    "factor {n!r} must be a rating from {low} to {high}; got {value}",
                    n=n,
                    low=_util.fmt(low),
                    high=_util.fmt(high),
                    value=_util.fmt(value),
                )
            )
        ratings[n] = value
    return ratings


def _label(name: str) -> Bilingual | None:
    spec = FACTORS.get(name)
    return spec.label if spec is not None else None


def _rate(
    inputs: GradingInput,
    group: str,
    factors: tuple[tuple[str, float], ...],
    aggregation: Aggregation,
    scale: Scale,
) -> Rating:
    ratings = _read_factors(inputs, group, (k for k, _unused in factors), 1, scale.size)
    total = sum(w for _unused, w in factors)
    if aggregation is Aggregation.MEAN:
        mean = sum(w * ratings[k] for k, w in factors) / total
        category = min(scale.size, max(1, _util.round_half_up(mean)))
        contributions = [
            Contribution(
                factor=k,
                value=ratings[k],
                label=_label(k),
                group=group,
                weight=w / total,
                contribution=w * ratings[k] / total,
            )
            for k, w in factors
        ]
        summary = Bilingual.of(
            _(
                "weighted mean {mean} → {category}",
                mean=_util.fmt(mean),
                category=scale.said(category),
            )
        )
    else:
        top = max(ratings[k] for k, _unused in factors)
        category = min(scale.size, max(1, _util.round_half_up(top)))
        decider = next(k for k, _unused in factors if ratings[k] == top)
        contributions = [
            Contribution(
                factor=k,
                value=ratings[k],
                label=_label(k),
                group=group,
                note=Bilingual.of(_("the largest: it decides")) if k == decider else None,
            )
            for k, _unused in factors
        ]
        summary = Bilingual.of(
            _(
                "largest rating {top} → {category}",
                top=_util.fmt(top),
                category=scale.said(category),
            )
        )
    return Rating(category, tuple(contributions), summary)
