"""The analytic hierarchy process (AHP, 层次分析法; Saaty 1977, 1980), in pure Python.

:func:`analyze` turns a positive reciprocal matrix of pairwise judgements into weights and
a consistency check; :func:`synthesize` combines a hierarchy of such matrices (criteria →
sub-criteria → alternatives) into global priorities.

**Weights.** Three methods, for an *n* × *n* matrix *A*:

* ``"eigenvector"`` (Saaty's principal eigenvector, 特征向量法): *A w = λ_max w*, found by
  power iteration;
* ``"geometric_mean"`` (row geometric mean, 几何平均法/方根法):
  *w_i ∝ (∏_j a_ij)^{1/n}*;
* ``"column_normalisation"`` (和积法): normalise each column to sum 1, then average the rows.

Weights are normalised to sum 1.

**Consistency.** *λ_max = (1/n) Σ_i (A w)_i / w_i* — the principal eigenvalue for the
eigenvector method, and the estimate textbooks use with the other two.
*CI = (λ_max − n)/(n − 1)*, *CR = CI / RI(n)*, and the judgements are accepted when
*CR < 0.1* (the ``threshold``). Matrices of order 1 and 2 are always consistent (CR = 0).

**Random index tables** (:data:`RANDOM_INDEX_TABLES`, for n = 1 … 15; ``"dd1991"`` to 20):

| n | ``saaty1980`` | ``saaty2005`` | ``cn`` | ``dd1991`` |
|---|---|---|---|---|
| 3 | 0.58 | 0.52 | 0.52 | 0.4914 |
| 4 | 0.90 | 0.89 | 0.89 | 0.8286 |
| 5 | 1.12 | 1.11 | 1.12 | 1.0591 |
| … | see the table data | | | |

**Incomplete judgements** (:meth:`PairwiseMatrix.from_judgements`) are completed by the
logarithmic least-squares method for incomplete matrices (Kwiesielewicz 1996; Bozóki,
Fülöp & Rónyai 2010): weights *w* minimise *Σ_{judged (i,j)} (ln a_ij − ln w_i + ln w_j)²*
and each missing *a_ij* becomes *w_i / w_j*; judged entries are kept. The minimiser exists
and is unique exactly when the judged pairs connect every item, so a disconnected set of
judgements is refused.

**Size.** A matrix compares at most :data:`MAX_ITEMS` (50) items by default — more
judgements than a person gives consistently, and the completion and eigenvector work grow
with the cube of the order. ``max_items=`` on :meth:`PairwiseMatrix.from_rows`,
:meth:`PairwiseMatrix.from_judgements` and :func:`analyze` raises the bound; a larger matrix
is refused with :class:`~crisiskit.errors.LimitError`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from operator import mul, sub, truediv
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from crisiskit.errors import LimitError, PolicyError, UnknownValueError, ValidationError
from crisiskit.grading import _util
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum

__all__ = [
    "MAX_ITEMS",
    "MAX_NODES",
    "RANDOM_INDEX_TABLES",
    "AhpResult",
    "Method",
    "Node",
    "PairwiseMatrix",
    "RandomIndexTable",
    "Synthesis",
    "analyze",
    "synthesize",
]


class Method(LabelledEnum):
    """How weights are derived from a pairwise comparison matrix."""

    EIGENVECTOR = "eigenvector"
    """Saaty's principal right eigenvector, by power iteration."""
    GEOMETRIC_MEAN = "geometric_mean"
    """The normalised geometric mean of each row."""
    COLUMN_NORMALISATION = "column_normalisation"
    """The mean of each row after normalising every column to sum 1."""


Method._register_labels(
    {
        Method.EIGENVECTOR: ("eigenvector", "特征向量法"),
        Method.GEOMETRIC_MEAN: ("geometric mean", "几何平均法"),
        Method.COLUMN_NORMALISATION: ("column normalisation", "和积法"),
    }
)


@frozen
class RandomIndexTable:
    """Saaty's random consistency index RI(n): the mean CI of random reciprocal matrices."""

    name: str
    """The table's name in :data:`RANDOM_INDEX_TABLES`."""
    values: tuple[float, ...]
    """RI for n = 1, 2, …, len(values)."""
    source: str
    """Where the values come from."""

    def __call__(self, n: int) -> float:
        """RI for a matrix of order ``n``."""
        if not 1 <= n <= len(self.values):
            raise PolicyError(
                _(
                    "the random-index table {name!r} covers matrices of order 1 to {top}; got "
                    "order {n}. Use a table that covers it (e.g. 'dd1991' goes to 20) or split "
                    "the comparisons into a hierarchy",
                    name=self.name,
                    top=len(self.values),
                    n=n,
                )
            )
        return self.values[n - 1]


RANDOM_INDEX_TABLES: Mapping[str, RandomIndexTable] = MappingProxyType(
    {
        table.name: table
        for table in (
            RandomIndexTable(
                "saaty1980",
                (
                    0,
                    0,
                    0.58,
                    0.90,
                    1.12,
                    1.24,
                    1.32,
                    1.41,
                    1.45,
                    1.49,
                    1.51,
                    1.48,
                    1.56,
                    1.57,
                    1.59,
                ),
                "T. L. Saaty, The Analytic Hierarchy Process, McGraw-Hill, 1980 "
                "(orders 11-15 as usually reproduced from it)",
            ),
            RandomIndexTable(
                "saaty2005",
                (
                    0,
                    0,
                    0.52,
                    0.89,
                    1.11,
                    1.25,
                    1.35,
                    1.40,
                    1.45,
                    1.49,
                    1.52,
                    1.54,
                    1.56,
                    1.58,
                    1.59,
                ),
                "T. L. Saaty, Theory and Applications of the Analytic Network Process, "
                "RWS Publications, 2005, p. 31",
            ),
            RandomIndexTable(
                "cn",
                (
                    0,
                    0,
                    0.52,
                    0.89,
                    1.12,
                    1.26,
                    1.36,
                    1.41,
                    1.46,
                    1.49,
                    1.52,
                    1.54,
                    1.56,
                    1.58,
                    1.59,
                ),
                "the table of Chinese AHP textbooks (1 000 random matrices per order; "
                "龚木森、许树柏 1986, as in 许树柏《实用决策方法：层次分析法原理》, 1988)",
            ),
            RandomIndexTable(
                "dd1991",
                (
                    0,
                    0,
                    0.4914,
                    0.8286,
                    1.0591,
                    1.1797,
                    1.2519,
                    1.3171,
                    1.3733,
                    1.4055,
                    1.4213,
                    1.4497,
                    1.4643,
                    1.4822,
                    1.4969,
                    1.5078,
                    1.5153,
                    1.5262,
                    1.5313,
                    1.5371,
                ),
                "H. A. Donegan and F. J. Dodd, A note on Saaty's random indexes, Mathematical "
                "and Computer Modelling 15(10), 1991, 135-137",
            ),
        )
    }
)
"""The named random-index tables; ``"saaty1980"`` is the default."""


def _ri_table(name: str | RandomIndexTable) -> RandomIndexTable:
    if isinstance(name, RandomIndexTable):
        return name
    table = RANDOM_INDEX_TABLES.get(name) if isinstance(name, str) else None
    if table is None:
        raise UnknownValueError(
            _(
                "unknown random-index table {name!r}; known: {known}",
                name=name,
                known=list(RANDOM_INDEX_TABLES),
            )
        )
    return table


def _method(value: Method | str) -> Method:
    return value if isinstance(value, Method) else Method.parse(value)


_PLAIN_NUMBERS = frozenset({int, float, Fraction})
_TOLERANCE = 5e-3  # lets 0.333 stand for 1/3, refuses 0.33 (1 %) as a typo


MAX_ITEMS = 50
"""The default largest number of items one pairwise matrix compares (``max_items=``)."""


def _check_size(n: int, max_items: int) -> None:
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        raise ValidationError(
            _("{option} must be a positive int; got {value!r}", option="max_items", value=max_items)
        )
    if n > max_items:
        raise LimitError(
            _(
                "an AHP matrix compares at most {limit} items (max_items={limit}); got {n}: "
                "split the criteria into a hierarchy, or pass a larger max_items=",
                limit=max_items,
                n=n,
            ),
            limit=max_items,
            found=n,
            option="max_items",
        )


@frozen
class PairwiseMatrix:
    """A positive reciprocal matrix of pairwise judgements, with names for its items.

    Build one with :meth:`from_rows` or :meth:`from_judgements`; :func:`analyze` accepts it
    (or plain rows). Entries are exactly reciprocal: when ``a_ij`` and ``a_ji`` are given
    and agree within the tolerance, both are replaced by ``√(a_ij / a_ji)`` and its inverse.
    """

    names: tuple[str, ...]
    """The items compared, in row order."""
    values: tuple[tuple[float, ...], ...]
    """The entries; ``values[i][j]`` is how strongly item *i* is preferred to item *j*."""
    completed: frozenset[tuple[int, int]] = frozenset()
    """The (i, j) pairs, i < j, that were missing and completed (not judged)."""

    @property
    def n(self) -> int:
        """The number of items."""
        return len(self.names)

    def __getitem__(self, pair: tuple[str, str]) -> float:
        """The entry for (row name, column name)."""
        a, b = pair
        return self.values[self.names.index(a)][self.names.index(b)]

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[Sequence[_util.Real]],
        *,
        names: Sequence[str] | None = None,
        max_judgement: float | None = 9,
        tolerance: float = _TOLERANCE,
        max_items: int = MAX_ITEMS,
    ) -> PairwiseMatrix:
        """A matrix from its rows; refused unless square, positive, reciprocal and on the scale.

        Args:
            rows: the entries, row by row (ints, floats, Fractions or Decimals; write 1/3 as
                ``Fraction(1, 3)``, ``1/3`` or at least ``0.333``).
            names: the items' names (default ``"1"``, ``"2"``, …).
            max_judgement: the top of the judgement scale (Saaty's 9); entries must lie in
                ``[1/max, max]``. None accepts any positive entry.
            tolerance: how far ``a_ij × a_ji`` may be from 1 (and a diagonal entry from 1).
            max_items: the largest order accepted (default :data:`MAX_ITEMS`, 50).

        Raises:
            LimitError: the matrix has more than ``max_items`` rows.
        """
        if isinstance(rows, Sequence):
            _check_size(len(rows), max_items)
        data = _util.check_matrix_rows("the matrix", rows)
        n = len(data)
        if any(len(row) != n for row in data):
            raise ValidationError(
                _(
                    "an AHP matrix must be square; got {n} rows of {width} entries",
                    n=n,
                    width=len(data[0]),
                )
            )
        item_names = _names(names, n)
        for i in range(n):
            for j in range(n):
                if data[i][j] <= 0:
                    raise ValidationError(
                        _(
                            "entry [{i}][{j}] ({a} vs {b}) is {value}: judgements must be positive",
                            i=i,
                            j=j,
                            a=item_names[i],
                            b=item_names[j],
                            value=_util.fmt(data[i][j]),
                        )
                    )
        values = [[1.0] * n for _ in range(n)]
        for i in range(n):
            if abs(data[i][i] - 1) > tolerance:
                raise ValidationError(
                    _(
                        "diagonal entry [{i}][{i}] ({name}) must be 1; got {value}",
                        i=i,
                        name=item_names[i],
                        value=_util.fmt(data[i][i]),
                    )
                )
            for j in range(i + 1, n):
                a, b = data[i][j], data[j][i]
                if abs(a * b - 1) > tolerance:
                    raise ValidationError(
                        _(
                            "entries [{i}][{j}] = {a} and [{j}][{i}] = {b} ({row} vs {column}) "
                            "are not reciprocal: their product is {product}, it must be 1 "
                            "(write 1/3 as Fraction(1, 3) or 1/3, not 0.33)",
                            i=i,
                            j=j,
                            a=_util.fmt(a),
                            b=_util.fmt(b),
                            row=item_names[i],
                            column=item_names[j],
                            product=_util.fmt(a * b),
                        )
                    )
                _check_scale(_("entry [{i}][{j}]", i=i, j=j), a, max_judgement, tolerance)
                value = math.sqrt(a / b)
                values[i][j], values[j][i] = value, 1 / value
        return cls(item_names, tuple(tuple(row) for row in values))

    @classmethod
    def from_judgements(
        cls,
        judgements: Mapping[tuple[str, str], _util.Real],
        *,
        names: Sequence[str] | None = None,
        max_judgement: float | None = 9,
        tolerance: float = _TOLERANCE,
        max_items: int = MAX_ITEMS,
    ) -> PairwiseMatrix:
        """A matrix from a dict of judgements ``{("price", "quality"): 3, ...}``.

        ``(a, b): x`` means *a* is *x* times as important as *b*. Each pair needs to be given
        once (both orders must agree). Missing pairs are completed by logarithmic least
        squares (see the module documentation); judgements that leave some items unconnected
        are refused.

        Args:
            judgements: the judgements.
            names: the items in the order wanted (default: order of first appearance);
                every judged item must be listed.
            max_judgement: the top of the judgement scale; None accepts any positive value.
            tolerance: how far two reciprocal judgements may disagree.
            max_items: the most items the judgements may compare (default :data:`MAX_ITEMS`).

        Raises:
            LimitError: the judgements (or ``names``) compare more than ``max_items`` items.
        """
        _check_size(0, max_items)
        if names is not None and isinstance(names, Sequence):
            _check_size(len(names), max_items)
        if not isinstance(judgements, Mapping) or not judgements:
            raise ValidationError(
                _(
                    "judgements must be a non-empty mapping (a, b) -> how much a is preferred "
                    "to b; got {judgements!r}",
                    judgements=judgements,
                )
            )
        # Items are numbered in order of first appearance; judgements are kept by number.
        index: dict[str, int] = {}
        given: dict[tuple[int, int], float] = {}
        low, high = _scale_bounds(max_judgement, tolerance)
        for key, raw in judgements.items():
            # The common case — a pair of distinct names and an int, float or Fraction on the
            # scale — is checked inline; anything else goes through _judgement, which refuses
            # it with the reason or returns what it stands for.
            if (
                type(key) is tuple
                and len(key) == 2
                and type(raw) in _PLAIN_NUMBERS
                and low <= float(raw) <= high
                and type(key[0]) is str
                and type(key[1]) is str
                and key[0] != key[1]
                and "" not in key
            ):
                a, b = key
                value = float(raw)
            else:
                judged = _judgement(key, raw, max_judgement, tolerance)
                if judged is None:
                    continue
                a, b, value = judged
            i = index.setdefault(a, len(index))
            j = index.setdefault(b, len(index))
            if j >= max_items:
                _check_size(len(index | dict.fromkeys(_judged_items(judgements))), max_items)
            other = given.pop((j, i), None)
            if other is not None:
                if abs(value * other - 1) > tolerance:
                    raise ValidationError(
                        _(
                            "judgements {key!r} = {value} and {reverse!r} = {other} are not "
                            "reciprocal (product {product})",
                            key=key,
                            value=_util.fmt(value),
                            reverse=(b, a),
                            other=_util.fmt(other),
                            product=_util.fmt(value * other),
                        )
                    )
                value = math.sqrt(value / other)
            given[(i, j)] = value
        if names is None:
            item_names = tuple(index)
        else:
            item_names = _names(names, len(names))
            unknown = [item for item in index if item not in item_names]
            if unknown:
                raise ValidationError(
                    _(
                        "judged item(s) {unknown} are not among the names given: {names}",
                        unknown=unknown,
                        names=list(item_names),
                    )
                )
            position = {item: k for k, item in enumerate(item_names)}
            order = [position[item] for item in index]
            given = {(order[i], order[j]): value for (i, j), value in given.items()}
        if len(item_names) < 1:
            raise ValidationError(_("judgements must compare at least two items"))
        n = len(item_names)
        values = [[1.0] * n for _ in range(n)]
        for (i, j), value in given.items():
            values[i][j] = value
            values[j][i] = 1 / value
        completed: frozenset[tuple[int, int]] = frozenset()
        if len(given) < n * (n - 1) // 2:
            logs = {
                (min(i, j), max(i, j)): math.log(value) if i < j else -math.log(value)
                for (i, j), value in given.items()
            }
            _check_connected(item_names, logs)
            missing = [(i, j) for i in range(n) for j in range(i + 1, n) if (i, j) not in logs]
            y = _llsm(n, logs)
            for i, j in missing:
                values[i][j], values[j][i] = math.exp(y[i] - y[j]), math.exp(y[j] - y[i])
            completed = frozenset(missing)
        return cls(item_names, tuple(map(tuple, values)), completed)


def _judged_items(judgements: Mapping[Any, Any]) -> Iterable[str]:
    for key in judgements:
        if isinstance(key, tuple) and len(key) == 2:
            yield from (item for item in key if isinstance(item, str))


def _names(names: Sequence[str] | None, n: int) -> tuple[str, ...]:
    if names is None:
        return tuple(str(i + 1) for i in range(n))
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise ValidationError(_("names must be a sequence of strings; got {names!r}", names=names))
    result = tuple(names)
    if len(result) != n:
        raise ValidationError(
            _("{count} names for {n} items: {names}", count=len(result), n=n, names=list(result))
        )
    for item in result:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(
                _("an item's name must be a non-blank string; got {item!r}", item=item)
            )
    if len(set(result)) != n:
        raise ValidationError(_("names must be distinct; got {names}", names=list(result)))
    return result


def _scale_bounds(top: float | None, tolerance: float) -> tuple[float, float]:
    """The smallest and largest judgement accepted: the scale, or any positive finite number."""
    if top is None:
        return math.ulp(0.0), sys.float_info.max
    return (1 / top) * (1 - tolerance), top * (1 + tolerance)


def _judgement(
    key: object, raw: object, top: float | None, tolerance: float
) -> tuple[str, str, float] | None:
    """Check one judgement: (a, b, value), or None for an item compared with itself."""
    if not (
        isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) and k for k in key)
    ):
        raise ValidationError(
            _(
                "a judgement's key must be a pair of names such as ('price', 'quality'); "
                "got {key!r}",
                key=key,
            )
        )
    a, b = key
    what = _("judgement {key!r}", key=key)
    value = _util.real(what, raw)
    if value <= 0:
        raise ValidationError(
            _(
                "judgement {key!r} is {value}: judgements must be positive",
                key=key,
                value=_util.fmt(value),
            )
        )
    if a == b:
        if abs(value - 1) > tolerance:
            raise ValidationError(
                _(
                    "{name!r} compared with itself must be 1; got {value}",
                    name=a,
                    value=_util.fmt(value),
                )
            )
        return None
    _check_scale(what, value, top, tolerance)
    return a, b, value


def _check_scale(what: str, value: float, top: float | None, tolerance: float) -> None:
    if top is None:
        return
    if not (1 / top) * (1 - tolerance) <= value <= top * (1 + tolerance):
        raise ValidationError(
            _(
                "{what} = {value} is off the 1–{top} judgement scale: allowed 1/{top} … {top} "
                "(pass max_judgement=None to lift it)",
                what=what,
                value=_util.fmt(value),
                top=_util.fmt(top),
            )
        )


def _check_connected(names: tuple[str, ...], pairs: Iterable[tuple[int, int]]) -> None:
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    groups: dict[int, list[str]] = {}
    for i, item in enumerate(names):
        groups.setdefault(root(i), []).append(item)
    if len(groups) > 1:
        raise PolicyError(
            _(
                "the judgements fall into {count} unconnected groups: {groups}; no judgement "
                "links them, so their relative weights cannot be derived. Add at least one "
                "judgement between each pair of groups",
                count=len(groups),
                groups=[_("({items})", items=g) for g in groups.values()],
            )
        )


def _llsm(n: int, logs: Mapping[tuple[int, int], float]) -> list[float]:
    """Log-weights minimising Σ (ln a_ij − y_i + y_j)² over the judged pairs, with y_0 = 0."""
    laplacian = [[0.0] * n for _ in range(n)]
    rhs = [0.0] * n
    for (i, j), r in logs.items():
        laplacian[i][i] += 1
        laplacian[j][j] += 1
        laplacian[i][j] -= 1
        laplacian[j][i] -= 1
        rhs[i] += r
        rhs[j] -= r
    reduced = [row[1:] for row in laplacian[1:]]
    solution = _solve(reduced, rhs[1:])
    return [0.0, *solution]


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a small dense linear system by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [[*row, rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-300:
            raise PolicyError(_("the judgements do not determine the weights (singular system)"))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            if factor:
                for c in range(col, n + 1):
                    m[r][c] -= factor * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


@frozen
class AhpResult:
    """Weights and consistency of one pairwise comparison matrix."""

    names: tuple[str, ...]
    """The items, in matrix order."""
    weights: tuple[float, ...]
    """The items' weights (positive, summing to 1)."""
    lambda_max: float
    """λ_max: the principal eigenvalue (or the method's estimate of it)."""
    consistency_index: float
    """CI = (λ_max − n) / (n − 1); 0 for n ≤ 2."""
    random_index: float
    """RI(n) from the table."""
    consistency_ratio: float
    """CR = CI / RI (0 when RI is 0, i.e. n ≤ 2)."""
    ri_table: str
    """The random-index table used."""
    threshold: float
    """The CR below which the judgements are accepted."""
    method: Method
    """The weighting method used."""
    iterations: int = 0
    """Power iterations used (eigenvector method only)."""

    @property
    def n(self) -> int:
        """The order of the matrix."""
        return len(self.weights)

    @property
    def is_consistent(self) -> bool:
        """True when CR < threshold (Saaty's rule: CR < 0.1)."""
        return self.consistency_ratio < self.threshold

    def weight_of(self, name: str) -> float:
        """The weight of the item called ``name``."""
        try:
            return self.weights[self.names.index(name)]
        except ValueError:
            raise UnknownValueError(
                _("no item {name!r}; items: {items}", name=name, items=list(self.names))
            ) from None

    def as_dict(self) -> dict[str, float]:
        """The weights by name."""
        return dict(zip(self.names, self.weights, strict=True))

    def ranking(self) -> list[str]:
        """The names from the heaviest to the lightest (ties in matrix order)."""
        order = sorted(range(self.n), key=lambda i: (-self.weights[i], i))
        return [self.names[i] for i in order]


def analyze(
    matrix: PairwiseMatrix | Sequence[Sequence[_util.Real]],
    *,
    method: Method | str = "eigenvector",
    ri_table: str | RandomIndexTable = "saaty1980",
    threshold: float = 0.1,
    names: Sequence[str] | None = None,
    max_judgement: float | None = 9,
    max_items: int = MAX_ITEMS,
) -> AhpResult:
    """Weights and consistency of a pairwise comparison matrix.

    Args:
        matrix: a :class:`PairwiseMatrix`, or the rows of one (checked by
            :meth:`PairwiseMatrix.from_rows`).
        method: ``"eigenvector"`` (default), ``"geometric_mean"`` or ``"column_normalisation"``.
        ri_table: the random-index table: ``"saaty1980"`` (default), ``"saaty2005"``,
            ``"cn"`` or ``"dd1991"`` (see :data:`RANDOM_INDEX_TABLES`).
        threshold: the CR below which the judgements are accepted (default 0.1).
        names: names of the items, when ``matrix`` is plain rows.
        max_judgement: the top of the judgement scale, when ``matrix`` is plain rows.
        max_items: the largest order accepted (default :data:`MAX_ITEMS`, 50).

    Raises:
        LimitError: the matrix compares more than ``max_items`` items.
        ValidationError: the matrix is not square, not positive, not reciprocal or off the
            scale; the message names the entry.
        PolicyError: the table does not cover the matrix's order.

    >>> from fractions import Fraction
    >>> result = analyze([[1, 3], [Fraction(1, 3), 1]])
    >>> [round(w, 4) for w in result.weights], result.consistency_ratio
    ([0.75, 0.25], 0.0)
    """
    if not isinstance(matrix, PairwiseMatrix):
        matrix = PairwiseMatrix.from_rows(
            matrix, names=names, max_judgement=max_judgement, max_items=max_items
        )
    elif names is not None:
        raise ValidationError(_("names are taken from the PairwiseMatrix; do not pass names too"))
    else:
        _check_size(matrix.n, max_items)
    how = _method(method)
    table = _ri_table(ri_table)
    limit = _util.real("threshold", threshold)
    if limit <= 0:
        raise ValidationError(_("threshold must be > 0; got {value}", value=_util.fmt(limit)))
    a = matrix.values
    n = len(a)
    ri = table(n)
    iterations = 0
    if how is Method.EIGENVECTOR:
        weights, iterations, lambda_max = _eigenvector(a)
    else:
        weights = _geometric_mean(a) if how is Method.GEOMETRIC_MEAN else _column_normalisation(a)
        aw = [sum(map(mul, row, weights)) for row in a]
        lambda_max = math.fsum(map(truediv, aw, weights)) / n
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 2 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(
        names=matrix.names,
        weights=tuple(weights),
        lambda_max=lambda_max if n > 2 else float(n),
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=cr,
        ri_table=table.name,
        threshold=limit,
        method=how,
        iterations=iterations,
    )


def _normalised(values: list[float]) -> list[float]:
    total = math.fsum(values)
    return [v / total for v in values]


def _geometric_mean(a: Sequence[Sequence[float]]) -> list[float]:
    n = len(a)
    return _normalised([math.exp(math.fsum(math.log(x) for x in row) / n) for row in a])


def _column_normalisation(a: Sequence[Sequence[float]]) -> list[float]:
    n = len(a)
    sums = [math.fsum(a[i][j] for i in range(n)) for j in range(n)]
    return _normalised([math.fsum(a[i][j] / sums[j] for j in range(n)) / n for i in range(n)])


_ACCURACY = 1e-14
"""How close the eigenvector weights are to the exact ones when the power iteration stops."""


def _eigenvector(
    a: Sequence[Sequence[float]], *, limit: int = 10_000
) -> tuple[list[float], int, float]:
    """The principal eigenvector (summing to 1), the matrix products taken, and λ_max.

    Power iteration from the geometric mean, which is exact for consistent matrices and for
    n <= 3, and within about 1e-2 of the eigenvector for the near-consistent matrices AHP
    users write; a positive matrix always converges (Perron). Each round multiplies by the
    matrix twice and then checks. A round shrinks the error by a ratio ρ ≈ (|λ₂| / λ_max)²
    that the rounds reveal: the change a round makes is about the error before it, so the
    error after it is about change · ρ / (1 − ρ). The iteration stops when that is below
    :data:`_ACCURACY` (or the change is at rounding level), a round or two before the change
    itself would reach rounding level.
    """
    n = len(a)
    w = _start(a, n)
    before = last = 0.0  # the changes made by the two rounds before this one
    for round_ in range(1, limit + 1):
        once = [sum(map(mul, row, w)) for row in a]
        twice = [sum(map(mul, row, once)) for row in a]
        # Σ (A²w)_i / Σ (Aw)_i is λ_max once w is the eigenvector.
        total = sum(twice)
        scale = 1 / total
        nxt = [x * scale for x in twice]
        change = max(map(abs, map(sub, nxt, w)))
        converged = change <= 1e-15
        if not converged and round_ > 2:  # ρ from the last three changes (none was zero)
            ratio = max(change / last, last / before)
            converged = ratio < 1 and change * ratio <= _ACCURACY * (1 - ratio)
        if converged:
            return nxt, 2 * round_, total / sum(once)
        before, last = last, change
        w = nxt
    raise PolicyError(  # pragma: no cover
        _("the power iteration did not converge in {steps} steps", steps=2 * limit)
    )


def _start(a: Sequence[Sequence[float]], n: int) -> list[float]:
    """The normalised row geometric means, cheaply: one product and one root per row."""
    root = 1 / n
    means = [math.prod(row) ** root for row in a]
    if not 0 < min(means) <= max(means) < math.inf:
        return _geometric_mean(a)  # a product over- or underflowed (extreme judgements): take logs
    return _normalised(means)


def _to_matrix(value: object) -> PairwiseMatrix:
    if isinstance(value, PairwiseMatrix):
        return value
    if isinstance(value, Mapping):
        return PairwiseMatrix.from_judgements(value)
    raise ValidationError(
        _(
            "a hierarchy node's comparisons must be a PairwiseMatrix or a dict of judgements; "
            "got {kind}",
            kind=type(value).__name__,
        )
    )


def _to_children(
    value: Mapping[str, Node] | Iterable[tuple[str, Node]],
) -> tuple[tuple[str, Node], ...]:
    items = list(value.items()) if isinstance(value, Mapping) else list(value)
    for key, child in items:
        if not isinstance(child, Node):
            raise ValidationError(
                _("child {key!r} must be a Node; got {kind}", key=key, kind=type(child).__name__)
            )
    return tuple(items)


@frozen
class Node:
    """One matrix of a hierarchy: comparisons of its items, and sub-nodes for some of them.

    Items without a sub-node are leaves — sub-criteria, factors, or alternatives. An
    alternative compared under several criteria appears as a leaf under each, and its
    global priority is the sum over all of them.

    >>> from fractions import Fraction
    >>> goal = Node({("cost", "safety"): 2}, children={
    ...     "cost": Node({("car", "bike"): Fraction(1, 3)}),
    ...     "safety": Node({("car", "bike"): 5}),
    ... })
    >>> synthesize(goal).rounded(3)
    {'car': 0.444, 'bike': 0.556}
    """

    comparisons: PairwiseMatrix = field(converter=_to_matrix)
    """The pairwise comparisons of this node's items (a matrix or a dict of judgements)."""
    children: tuple[tuple[str, Node], ...] = field(default=(), converter=_to_children)
    """Sub-nodes by item name (give a mapping)."""

    def __attrs_post_init__(self) -> None:
        for key, _child in self.children:
            if key not in self.comparisons.names:
                raise ValidationError(
                    _(
                        "sub-node {key!r} is not one of the items compared here: {items}",
                        key=key,
                        items=list(self.comparisons.names),
                    )
                )


@frozen
class Synthesis:
    """Global priorities of a hierarchy, with every node's own result."""

    priorities: tuple[tuple[str, float], ...]
    """Each leaf's global priority (summing to 1), in order of first appearance."""
    local: tuple[tuple[str, AhpResult], ...]
    """Each node's result, by path (``"goal"``, ``"goal/cost"``, …)."""
    consistency_ratio: float
    """The hierarchy's overall CR: Σ g·CI / Σ g·RI over all nodes, g a node's global weight."""
    level_consistency_ratios: tuple[float, ...]
    """The same, level by level (层次总排序一致性比率), from the top."""
    threshold: float
    """The CR below which judgements are accepted."""

    @property
    def is_consistent(self) -> bool:
        """True when every node and the hierarchy as a whole have CR < threshold."""
        return self.consistency_ratio < self.threshold and all(
            result.is_consistent for _, result in self.local
        )

    def priority(self, name: str) -> float:
        """The global priority of the leaf ``name``."""
        for key, value in self.priorities:
            if key == name:
                return value
        raise UnknownValueError(
            _(
                "no leaf {name!r}; leaves: {leaves}",
                name=name,
                leaves=[k for k, _v in self.priorities],
            )
        )

    def as_dict(self) -> dict[str, float]:
        """The global priorities by leaf name, unrounded."""
        return dict(self.priorities)

    def rounded(self, digits: int = 4) -> dict[str, float]:
        """The global priorities rounded to ``digits`` places — rounding happens only here."""
        return {k: round(v, digits) for k, v in self.priorities}

    def node(self, path: str) -> AhpResult:
        """The result of the node at ``path`` (e.g. ``"goal/cost"``)."""
        for key, value in self.local:
            if key == path:
                return value
        raise UnknownValueError(
            _("no node {path!r}; nodes: {nodes}", path=path, nodes=[k for k, _v in self.local])
        )


def _check_limit(option: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            _("{option} must be a positive int; got {value!r}", option=option, value=value)
        )


def _distinct_nodes(root: Node, max_nodes: int) -> list[Node]:
    """Every node object of the hierarchy once, children before parents.

    Refuses a hierarchy whose synthesis would analyse more than ``max_nodes`` matrices: a
    node object may sit under several items (a shared sub-hierarchy) and is then analysed
    once per path to it, so that count can grow exponentially with the depth. It is worked
    out per distinct node, so refusing costs no more than the hierarchy's own size.
    """
    paths: dict[int, int] = {}  # id(node) -> the number of matrices analysed at and below it
    order: list[Node] = []
    todo: list[tuple[Node, bool]] = [(root, False)]
    while todo:
        node, expanded = todo.pop()
        if id(node) in paths:
            continue
        if not expanded:
            todo.append((node, True))
            todo.extend((child, False) for _key, child in node.children if id(child) not in paths)
            continue
        count = 1 + sum(paths[id(child)] for _key, child in node.children)
        if count > max_nodes:
            raise LimitError(
                _(
                    "an AHP hierarchy's synthesis analyses at most {limit} matrices "
                    "(max_nodes={limit}); this one needs {count} or more, counting a shared "
                    "sub-node once per path to it: pass a larger max_nodes= to allow it",
                    limit=max_nodes,
                    count=count,
                ),
                limit=max_nodes,
                found=count,
                option="max_nodes",
            )
        paths[id(node)] = count
        order.append(node)
    return order


MAX_NODES = 10_000
"""The default largest number of matrices one hierarchy's synthesis analyses (``max_nodes=``)."""


def synthesize(
    root: Node,
    *,
    method: Method | str = "eigenvector",
    ri_table: str | RandomIndexTable = "saaty1980",
    threshold: float = 0.1,
    name: str = "goal",
    max_nodes: int = MAX_NODES,
) -> Synthesis:
    """Global priorities of a hierarchy: each leaf's local weight times its ancestors', summed.

    Nothing is rounded on the way; use :meth:`Synthesis.rounded` at the end. The hierarchy
    is walked with a loop, so any depth is fine.

    Args:
        root: the top node (the goal).
        method: the weighting method for every node.
        ri_table: the random-index table for every node.
        threshold: the CR below which judgements are accepted.
        name: the root's name in :attr:`Synthesis.local` paths.
        max_nodes: the most matrices analysed (default :data:`MAX_NODES`); a sub-node shared
            by several items counts once per path to it.

    Raises:
        ValidationError: a name is used both for a node with its own comparisons and for a
            leaf elsewhere, which would make its priority ambiguous.
        LimitError: the synthesis would analyse more than ``max_nodes`` matrices.
    """
    if not isinstance(root, Node):
        raise ValidationError(_("synthesize() needs a Node; got {kind}", kind=type(root).__name__))
    _check_limit("max_nodes", max_nodes)
    inner: set[str] = set()
    leaf_names: set[str] = set()
    for distinct in _distinct_nodes(root, max_nodes):
        children = dict(distinct.children)
        for item in distinct.comparisons.names:
            (inner if item in children else leaf_names).add(item)
    clash = sorted(inner & leaf_names)
    if clash:
        raise ValidationError(
            _(
                "{names} name(s) both a node with its own comparisons and a leaf elsewhere; "
                "give them distinct names",
                names=clash,
            )
        )
    priorities: dict[str, float] = {}
    local: list[tuple[str, AhpResult]] = []
    numerators: list[float] = []
    denominators: list[float] = []
    results: dict[int, AhpResult] = {}  # a shared node's matrix is analysed once
    # Depth first, items in matrix order, as a recursion would: a node to analyse, or a
    # leaf (node None) whose share of the weight to add.
    todo: list[tuple[Node | None, str, float, int]] = [(root, name, 1.0, 0)]
    while todo:
        node, path, weight, depth = todo.pop()
        if node is None:
            priorities[path] = priorities.get(path, 0.0) + weight
            continue
        result = results.get(id(node))
        if result is None:
            result = analyze(
                node.comparisons, method=method, ri_table=ri_table, threshold=threshold
            )
            results[id(node)] = result
        local.append((path, result))
        while len(numerators) <= depth:
            numerators.append(0.0)
            denominators.append(0.0)
        numerators[depth] += weight * result.consistency_index
        denominators[depth] += weight * result.random_index
        children = dict(node.children)
        below = [
            (children[item], f"{path}/{item}", weight * local_weight, depth + 1)
            if item in children
            else (None, item, weight * local_weight, depth + 1)
            for item, local_weight in zip(result.names, result.weights, strict=True)
        ]
        todo.extend(reversed(below))
    total_den = math.fsum(denominators)
    overall = math.fsum(numerators) / total_den if total_den > 0 else 0.0
    levels = tuple(
        num / den if den > 0 else 0.0 for num, den in zip(numerators, denominators, strict=True)
    )
    return Synthesis(
        priorities=tuple(priorities.items()),
        local=tuple(local),
        consistency_ratio=overall,
        level_consistency_ratios=levels,
        threshold=_util.real("threshold", threshold),
    )


def configuration(node: Node, *, max_nodes: int = MAX_NODES) -> dict[str, Any]:
    """A node (and its sub-nodes) as JSON-ready data, for a policy's fingerprint.

    Raises:
        LimitError: the hierarchy has more than ``max_nodes`` nodes (a shared sub-node
            counted once per path to it, as it is written out once per path).
    """
    _check_limit("max_nodes", max_nodes)
    _distinct_nodes(node, max_nodes)

    def shell(matrix: PairwiseMatrix) -> dict[str, Any]:
        return {
            "names": list(matrix.names),
            "values": [[float(x) for x in row] for row in matrix.values],
            "children": {},
        }

    root = shell(node.comparisons)
    todo: list[tuple[Node, dict[str, Any]]] = [(node, root)]
    while todo:
        parent, data = todo.pop()
        for key, child in parent.children:
            data["children"][key] = child_data = shell(child.comparisons)
            todo.append((child, child_data))
    return root
