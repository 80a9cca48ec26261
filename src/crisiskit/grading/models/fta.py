"""Fault-tree analysis (FTA, 故障树分析; Vesely et al., *Fault Tree Handbook*, NUREG-0492, 1981).

Build a tree from :class:`BasicEvent` leaves and :class:`AndGate`, :class:`OrGate` and
:class:`KOfNGate` gates, then ask a :class:`FaultTree` for:

* :meth:`~FaultTree.probability` — the **exact** probability of the top event, for
  independent basic events. A basic event may appear under several gates (a *repeated*
  event); the tree is compiled into a reduced ordered binary decision diagram (Bryant
  1986; Rauzy 1993), so the shared event is counted once. Multiplying gate by gate, as if
  the inputs of every gate were independent, would be wrong for such trees.
* :meth:`~FaultTree.rare_event_approximation` — *Σ_C P(C)* over the minimal cut sets;
* :meth:`~FaultTree.min_cut_upper_bound` — *1 − ∏_C (1 − P(C))*. For a coherent tree (AND,
  OR and k-of-n gates only, as here): exact ≤ min-cut upper bound ≤ rare-event sum.
* :meth:`~FaultTree.minimal_cut_sets` — the minimal sets of basic events whose joint
  occurrence causes the top event (computed bottom-up with absorption at every gate, which
  gives the same sets as MOCUS followed by minimisation);
* :meth:`~FaultTree.importance` — Birnbaum's measure *P(top | e) − P(top | not e)* and the
  Fussell–Vesely measure *P(∪ cut sets containing e) / P(top)*, both exact.

A basic event is identified by its name: the same name must always carry the same
probability. Gate names must be unique, and a name may not be both a gate and an event.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import UnknownValueError, ValidationError
from crisiskit.grading import _util

__all__ = [
    "AndGate",
    "BasicEvent",
    "FaultTree",
    "Importance",
    "KOfNGate",
    "OrGate",
]


def _probability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    p = _util.real("BasicEvent.probability", value)
    if not 0 <= p <= 1:
        raise ValidationError(f"BasicEvent.probability must lie in [0, 1]; got {_util.fmt(p, 12)}")


@frozen
class BasicEvent:
    """A basic event (a leaf): a failure with a probability of occurring."""

    name: str = field(validator=_checks.is_text)
    """The event's name; the same name anywhere in a tree is the same event."""
    probability: float = field(converter=_util.to_float, validator=_probability)
    """The probability that it occurs, in [0, 1]."""
    description: str = field(default="", validator=_checks.is_str, eq=False)
    """What the event is, for people."""


def _inputs(value: Iterable[Node]) -> tuple[Node, ...]:
    return tuple(value) if not isinstance(value, tuple) else value


def _check_inputs(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[Node, ...]
) -> None:
    gate = type(instance).__name__
    if not value:
        raise ValidationError(f"{gate} {getattr(instance, 'name', '')!r} needs at least one input")
    for i, item in enumerate(value):
        if not isinstance(item, BasicEvent | AndGate | OrGate | KOfNGate):
            raise ValidationError(
                f"{gate} input {i} must be a BasicEvent or a gate; got {type(item).__name__}"
            )


@frozen
class AndGate:
    """Occurs when every input occurs."""

    name: str = field(validator=_checks.is_text)
    """The gate's name (unique in a tree)."""
    inputs: tuple[Node, ...] = field(converter=_inputs, validator=_check_inputs)
    """The gate's inputs: basic events or gates."""


@frozen
class OrGate:
    """Occurs when at least one input occurs."""

    name: str = field(validator=_checks.is_text)
    """The gate's name (unique in a tree)."""
    inputs: tuple[Node, ...] = field(converter=_inputs, validator=_check_inputs)
    """The gate's inputs: basic events or gates."""


@frozen
class KOfNGate:
    """Occurs when at least ``k`` of its ``n`` inputs occur (a voting gate, e.g. 2-out-of-3)."""

    name: str = field(validator=_checks.is_text)
    """The gate's name (unique in a tree)."""
    k: int = field(validator=_checks.is_count)
    """How many inputs must occur, 1 ≤ k ≤ n."""
    inputs: tuple[Node, ...] = field(converter=_inputs, validator=_check_inputs)
    """The gate's inputs: basic events or gates."""

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.k <= len(self.inputs):
            raise ValidationError(
                f"KOfNGate {self.name!r}: k must be 1..{len(self.inputs)} (the number of inputs); "
                f"got {self.k}"
            )


Node = Union[BasicEvent, AndGate, OrGate, KOfNGate]  # noqa: UP007 - a runtime alias
"""Anything that can sit in a fault tree."""

Gate = Union[AndGate, OrGate, KOfNGate]  # noqa: UP007 - a runtime alias


@frozen
class Importance:
    """The importance of one basic event to the top event."""

    birnbaum: float
    """P(top | event occurs) − P(top | event does not occur)."""
    fussell_vesely: float
    """P(some minimal cut set containing the event occurs) / P(top); 0 when P(top) is 0."""


_FALSE, _TRUE = 0, 1


class _Bdd:
    """A reduced ordered binary decision diagram over the tree's basic events."""

    def __init__(self, order: Sequence[str]) -> None:
        self.order = list(order)
        self.rank = {name: i for i, name in enumerate(order)}
        self.nodes: list[tuple[int, int, int]] = [(len(order), 0, 0), (len(order), 1, 1)]
        self.unique: dict[tuple[int, int, int], int] = {}
        self.memo: dict[tuple[str, int, int], int] = {}

    def var(self, name: str) -> int:
        return self.make(self.rank[name], _FALSE, _TRUE)

    def make(self, var: int, low: int, high: int) -> int:
        if low == high:
            return low
        key = (var, low, high)
        found = self.unique.get(key)
        if found is None:
            found = len(self.nodes)
            self.nodes.append(key)
            self.unique[key] = found
        return found

    def apply(self, op: str, f: int, g: int) -> int:
        absorbing, neutral = (_FALSE, _TRUE) if op == "and" else (_TRUE, _FALSE)
        if absorbing in {f, g}:
            return absorbing
        if f == neutral:
            return g
        if g in {neutral, f}:
            return f
        if f > g:
            f, g = g, f
        key = (op, f, g)
        found = self.memo.get(key)
        if found is not None:
            return found
        vf, lf, hf = self.nodes[f]
        vg, lg, hg = self.nodes[g]
        var = min(vf, vg)
        f0, f1 = (lf, hf) if vf == var else (f, f)
        g0, g1 = (lg, hg) if vg == var else (g, g)
        result = self.make(var, self.apply(op, f0, g0), self.apply(op, f1, g1))
        self.memo[key] = result
        return result

    def at_least(self, k: int, items: Sequence[int]) -> int:
        # table[j][m]: at least m of items[j:] occur
        n = len(items)
        table: dict[tuple[int, int], int] = {}

        def go(j: int, m: int) -> int:
            if m <= 0:
                return _TRUE
            if n - j < m:
                return _FALSE
            key = (j, m)
            if key not in table:
                item = items[j]
                both = self.apply("and", item, go(j + 1, m - 1))
                table[key] = self.apply("or", both, go(j + 1, m))
            return table[key]

        return go(0, k)

    def probability(self, root: int, p: Mapping[str, float]) -> float:
        memo: dict[int, float] = {_FALSE: 0.0, _TRUE: 1.0}
        probs = [p[name] for name in self.order]

        def go(node: int) -> float:
            found = memo.get(node)
            if found is not None:
                return found
            var, low, high = self.nodes[node]
            q = probs[var]
            value = q * go(high) + (1 - q) * go(low)
            memo[node] = value
            return value

        return go(root)


class FaultTree:
    """A fault tree with independent basic events, and what can be computed from it.

    >>> pump = BasicEvent("pump", 0.1)
    >>> tree = FaultTree(AndGate("top", [OrGate("g1", [pump, BasicEvent("valve", 0.2)]),
    ...                                  OrGate("g2", [pump, BasicEvent("power", 0.3)])]))
    >>> sorted(sorted(c) for c in tree.minimal_cut_sets())
    [['power', 'valve'], ['pump']]
    >>> round(tree.probability(), 6)  # 0.1 + 0.2·0.3 − 0.1·0.2·0.3, not (0.28)(0.37)
    0.154
    """

    def __init__(self, top: Node) -> None:
        if not isinstance(top, BasicEvent | AndGate | OrGate | KOfNGate):
            raise ValidationError(f"a fault tree's top must be a gate or a BasicEvent; got {top!r}")
        self._top = top
        self._events: dict[str, BasicEvent] = {}
        self._gates: dict[str, Gate] = {}
        self._index(top)
        self._bdd = _Bdd(list(self._events))
        self._compiled: dict[int, int] = {}
        self._root = self._compile(top)
        self._cut_sets: tuple[frozenset[str], ...] | None = None

    def _index(self, node: Node) -> None:
        if isinstance(node, BasicEvent):
            if node.name in self._gates:
                raise ValidationError(f"{node.name!r} names both a gate and a basic event")
            known = self._events.get(node.name)
            if known is not None and known.probability != node.probability:
                raise ValidationError(
                    f"basic event {node.name!r} appears with two probabilities: "
                    f"{_util.fmt(known.probability, 12)} and {_util.fmt(node.probability, 12)}"
                )
            self._events.setdefault(node.name, node)
            return
        if node.name in self._events:
            raise ValidationError(f"{node.name!r} names both a gate and a basic event")
        known_gate = self._gates.get(node.name)
        if known_gate is not None:
            if known_gate != node:
                raise ValidationError(f"two different gates are called {node.name!r}")
            return
        self._gates[node.name] = node
        for child in node.inputs:
            self._index(child)

    def _compile(self, node: Node) -> int:
        key = id(node)
        found = self._compiled.get(key)
        if found is not None:
            return found
        bdd = self._bdd
        if isinstance(node, BasicEvent):
            result = bdd.var(node.name)
        else:
            children = [self._compile(child) for child in node.inputs]
            if isinstance(node, AndGate):
                result = _TRUE
                for child in children:
                    result = bdd.apply("and", result, child)
            elif isinstance(node, OrGate):
                result = _FALSE
                for child in children:
                    result = bdd.apply("or", result, child)
            else:
                result = bdd.at_least(node.k, children)
        self._compiled[key] = result
        return result

    @property
    def top(self) -> Node:
        """The top event."""
        return self._top

    @property
    def events(self) -> Mapping[str, BasicEvent]:
        """The basic events by name, in order of first appearance."""
        return dict(self._events)

    def subtree(self, name: str) -> FaultTree:
        """The tree below the gate or event called ``name``."""
        node: Node | None = self._gates.get(name) or self._events.get(name)
        if node is None:
            raise UnknownValueError(
                f"no gate or event {name!r}; gates: {sorted(self._gates)}, events: {sorted(self._events)}"
            )
        return FaultTree(node)

    def _probabilities(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        p = {name: event.probability for name, event in self._events.items()}
        if overrides:
            for name, value in overrides.items():
                if name not in p:
                    raise UnknownValueError(f"no basic event {name!r}; events: {sorted(p)}")
                q = _util.real(f"probability of {name!r}", value)
                if not 0 <= q <= 1:
                    raise ValidationError(f"probability of {name!r} must lie in [0, 1]; got {q}")
                p[name] = q
        return p

    def probability(self, overrides: Mapping[str, float] | None = None) -> float:
        """The exact probability of the top event (repeated events counted once).

        Args:
            overrides: probabilities to use instead of the events' own, by event name (for
                what-if questions and conditioning: ``{"pump": 1.0}``).
        """
        return min(1.0, max(0.0, self._bdd.probability(self._root, self._probabilities(overrides))))

    def minimal_cut_sets(self) -> tuple[frozenset[str], ...]:
        """The minimal cut sets, smallest first (then by their sorted names)."""
        if self._cut_sets is None:
            memo: dict[str, list[frozenset[str]]] = {}
            cuts = _cut_sets(self._top, memo)
            self._cut_sets = tuple(sorted(cuts, key=lambda c: (len(c), sorted(c))))
        return self._cut_sets

    def _cut_probability(self, cut: frozenset[str]) -> float:
        return math.prod(self._events[name].probability for name in cut)

    def rare_event_approximation(self) -> float:
        """Σ over the minimal cut sets of P(cut set) — may exceed 1 for likely events."""
        return math.fsum(self._cut_probability(cut) for cut in self.minimal_cut_sets())

    def min_cut_upper_bound(self) -> float:
        """1 − ∏ over the minimal cut sets of (1 − P(cut set))."""
        return 1 - math.prod(1 - self._cut_probability(cut) for cut in self.minimal_cut_sets())

    def birnbaum(self, event: str) -> float:
        """Birnbaum's importance of ``event``: P(top | occurs) − P(top | does not occur)."""
        return self.probability({event: 1.0}) - self.probability({event: 0.0})

    def fussell_vesely(self, event: str) -> float:
        """Fussell–Vesely importance: P(∪ cut sets containing ``event``) / P(top)."""
        if event not in self._events:
            raise UnknownValueError(f"no basic event {event!r}; events: {sorted(self._events)}")
        top = self.probability()
        if top == 0:
            return 0.0
        bdd = self._bdd
        union = _FALSE
        for cut in self.minimal_cut_sets():
            if event in cut:
                term = _TRUE
                for name in cut:
                    term = bdd.apply("and", term, bdd.var(name))
                union = bdd.apply("or", union, term)
        return bdd.probability(union, self._probabilities()) / top

    def importance(self) -> dict[str, Importance]:
        """Birnbaum and Fussell–Vesely importance of every basic event."""
        return {
            name: Importance(self.birnbaum(name), self.fussell_vesely(name))
            for name in self._events
        }

    def configuration(self) -> dict[str, Any]:
        """The tree as JSON-ready data — gates, events, probabilities — for a policy's fingerprint.

        A policy with a fault tree among its settings gets it in its configuration, so a
        changed probability or gate changes the policy's fingerprint.

        >>> FaultTree(OrGate("top", [BasicEvent("pump", 0.1)])).configuration()
        {'gate': 'or', 'name': 'top', 'inputs': [{'event': 'pump', 'probability': 0.1}]}
        """
        return _node_configuration(self._top)

    def __repr__(self) -> str:
        return f"<FaultTree top={self._top.name!r} events={len(self._events)} gates={len(self._gates)}>"


_GATES = {AndGate: "and", OrGate: "or", KOfNGate: "k-of-n"}


def _node_configuration(node: Node) -> dict[str, Any]:
    if isinstance(node, BasicEvent):
        return {"event": node.name, "probability": _util.canonical_number(node.probability)}
    data: dict[str, Any] = {"gate": _GATES[type(node)], "name": node.name}
    if isinstance(node, KOfNGate):
        data["k"] = node.k
    data["inputs"] = [_node_configuration(child) for child in node.inputs]
    return data


def _minimise(cuts: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    kept: list[frozenset[str]] = []
    for cut in sorted(set(cuts), key=len):
        if not any(other <= cut for other in kept):
            kept.append(cut)
    return kept


def _cut_sets(node: Node, memo: dict[str, list[frozenset[str]]]) -> list[frozenset[str]]:
    if isinstance(node, BasicEvent):
        return [frozenset({node.name})]
    found = memo.get(node.name)
    if found is not None:
        return found
    children = [_cut_sets(child, memo) for child in node.inputs]
    if isinstance(node, OrGate):
        result = _minimise(cut for family in children for cut in family)
    elif isinstance(node, AndGate):
        result = _product(children)
    else:
        result = _minimise(
            cut
            for chosen in itertools.combinations(children, node.k)
            for cut in _product(list(chosen))
        )
    memo[node.name] = result
    return result


def _product(families: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    result = [frozenset[str]()]
    for family in families:
        result = _minimise(a | b for a in result for b in family)
    return result
