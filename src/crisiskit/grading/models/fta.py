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

**Limits.** Every walk over the tree is iterative, so wide gates (thousands of inputs) and
deep nesting (thousands of levels) are fine. Work that can grow exponentially is bounded:
a gate that would combine more than ``max_cut_sets`` candidate cut sets (default
:data:`MAX_CUT_SETS`), or a decision diagram of more than ``max_bdd_nodes`` nodes (default
:data:`MAX_BDD_NODES`), raises :class:`~crisiskit.errors.LimitError` naming the limit, the
size reached and the keyword of :class:`FaultTree` that raises it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import LimitError, UnknownValueError, ValidationError
from crisiskit.grading import _util
from crisiskit.messages import _

__all__ = [
    "MAX_BDD_NODES",
    "MAX_CUT_SETS",
    "AndGate",
    "BasicEvent",
    "FaultTree",
    "Importance",
    "KOfNGate",
    "OrGate",
]


MAX_CUT_SETS = 10_000
"""The default bound on the candidate cut sets one gate may combine (``max_cut_sets=``)."""

MAX_BDD_NODES = 1_000_000
"""The default bound on the nodes of a tree's decision diagram (``max_bdd_nodes=``)."""


def _probability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    p = _util.real("BasicEvent.probability", value)
    if not 0 <= p <= 1:
        raise ValidationError(
            _("BasicEvent.probability must lie in [0, 1]; got {p}", p=_util.fmt(p, 12))
        )


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
        raise ValidationError(
            _(
                "{gate} {name!r} needs at least one input",
                gate=gate,
                name=getattr(instance, "name", ""),
            )
        )
    for i, item in enumerate(value):
        if not isinstance(item, BasicEvent | AndGate | OrGate | KOfNGate):
            raise ValidationError(
                _(
                    "{gate} input {index} must be a BasicEvent or a gate; got {kind}",
                    gate=gate,
                    index=i,
                    kind=type(item).__name__,
                )
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
                _(
                    "KOfNGate {name!r}: k must be 1..{n} (the number of inputs); got {k}",
                    name=self.name,
                    n=len(self.inputs),
                    k=self.k,
                )
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
    """A reduced ordered binary decision diagram over the tree's basic events.

    Nodes are numbered in the order they are made, so a node's children always have
    smaller numbers than the node: every walk below is a loop, never a recursion.
    """

    def __init__(self, order: Sequence[str], max_nodes: int = MAX_BDD_NODES) -> None:
        self.order = list(order)
        self.rank = {name: i for i, name in enumerate(order)}
        self.nodes: list[tuple[int, int, int]] = [(len(order), 0, 0), (len(order), 1, 1)]
        self.unique: dict[tuple[int, int, int], int] = {}
        self.memo: dict[tuple[str, int, int], int] = {}
        self.max_nodes = max_nodes

    def var(self, name: str) -> int:
        return self.make(self.rank[name], _FALSE, _TRUE)

    def make(self, var: int, low: int, high: int) -> int:
        if low == high:
            return low
        key = (var, low, high)
        found = self.unique.get(key)
        if found is None:
            found = len(self.nodes)
            if found >= self.max_nodes:
                raise LimitError(
                    _(
                        "the fault tree's decision diagram grew past {limit} nodes "
                        "(at most max_bdd_nodes={limit}); pass a larger max_bdd_nodes= "
                        "to FaultTree to allow it, or simplify the tree",
                        limit=self.max_nodes,
                    ),
                    limit=self.max_nodes,
                    found=found + 1,
                    option="max_bdd_nodes",
                )
            self.nodes.append(key)
            self.unique[key] = found
        return found

    @staticmethod
    def _terminal(op: str, f: int, g: int) -> int | None:
        absorbing, neutral = (_FALSE, _TRUE) if op == "and" else (_TRUE, _FALSE)
        if absorbing in {f, g}:
            return absorbing
        if f == neutral:
            return g
        if g in {neutral, f}:
            return f
        return None

    def apply(self, op: str, f: int, g: int) -> int:
        # An explicit stack: ("expand", f, g) splits a pair on its top variable;
        # ("join", f, g, var) makes the node from the two results computed below it.
        todo: list[tuple[bool, int, int, int]] = [(False, f, g, 0)]
        values: list[int] = []
        memo = self.memo
        while todo:
            join, a, b, var = todo.pop()
            if join:
                high = values.pop()
                low = values.pop()
                made = self.make(var, low, high)
                memo[(op, a, b)] = made
                values.append(made)
                continue
            terminal = self._terminal(op, a, b)
            if terminal is not None:
                values.append(terminal)
                continue
            if a > b:
                a, b = b, a
            found = memo.get((op, a, b))
            if found is not None:
                values.append(found)
                continue
            va, la, ha = self.nodes[a]
            vb, lb, hb = self.nodes[b]
            top = min(va, vb)
            a0, a1 = (la, ha) if va == top else (a, a)
            b0, b1 = (lb, hb) if vb == top else (b, b)
            todo.append((True, a, b, top))
            todo.append((False, a1, b1, 0))
            todo.append((False, a0, b0, 0))
        return values[0]

    def at_least(self, k: int, items: Sequence[int]) -> int:
        # row[m]: at least m of items[j:] occur, built from j = n down to 0
        n = len(items)
        row = [_TRUE] + [_FALSE] * k
        for j in range(n - 1, -1, -1):
            item = items[j]
            new = [_TRUE] * (k + 1)
            for m in range(1, k + 1):
                if n - j < m:
                    new[m] = _FALSE
                    continue
                both = self.apply("and", item, row[m - 1])
                new[m] = self.apply("or", both, row[m])
            row = new
        return row[k]

    def probability(self, root: int, p: Mapping[str, float]) -> float:
        probs = [p[name] for name in self.order]
        reachable: set[int] = set()
        todo = [root]
        while todo:
            node = todo.pop()
            if node <= _TRUE or node in reachable:
                continue
            reachable.add(node)
            _, low, high = self.nodes[node]
            todo.append(low)
            todo.append(high)
        values: dict[int, float] = {_FALSE: 0.0, _TRUE: 1.0}
        for node in sorted(reachable):  # children before parents
            var, low, high = self.nodes[node]
            q = probs[var]
            values[node] = q * values[high] + (1 - q) * values[low]
        return values[root]


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

    def __init__(
        self,
        top: Node,
        *,
        max_cut_sets: int = MAX_CUT_SETS,
        max_bdd_nodes: int = MAX_BDD_NODES,
    ) -> None:
        if not isinstance(top, BasicEvent | AndGate | OrGate | KOfNGate):
            raise ValidationError(
                _("a fault tree's top must be a gate or a BasicEvent; got {top!r}", top=top)
            )
        for option, value in (("max_cut_sets", max_cut_sets), ("max_bdd_nodes", max_bdd_nodes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValidationError(
                    _("{option} must be a positive int; got {value!r}", option=option, value=value)
                )
        self._top = top
        self._max_cut_sets = max_cut_sets
        self._max_bdd_nodes = max_bdd_nodes
        self._events: dict[str, BasicEvent] = {}
        self._gates: dict[str, Gate] = {}
        self._order: list[Gate] = []
        self._index(top)
        self._bdd = _Bdd(self._variable_order(), max_bdd_nodes)
        self._root = self._compile(top)
        self._cut_sets: tuple[frozenset[str], ...] | None = None

    def _index(self, top: Node) -> None:
        """Check names and collect events and gates; gates in ``_order`` children first."""
        # (node, expanded): a gate is pushed once to expand it and once more to finish it.
        todo: list[tuple[Node, bool]] = [(top, False)]
        while todo:
            node, expanded = todo.pop()
            if isinstance(node, BasicEvent):
                if node.name in self._gates:
                    raise ValidationError(
                        _("{name!r} names both a gate and a basic event", name=node.name)
                    )
                known = self._events.get(node.name)
                if known is not None and known.probability != node.probability:
                    raise ValidationError(
                        _(
                            "basic event {name!r} appears with two probabilities: {a} and {b}",
                            name=node.name,
                            a=_util.fmt(known.probability, 12),
                            b=_util.fmt(node.probability, 12),
                        )
                    )
                self._events.setdefault(node.name, node)
                continue
            if expanded:
                self._order.append(node)
                continue
            if node.name in self._events:
                raise ValidationError(
                    _("{name!r} names both a gate and a basic event", name=node.name)
                )
            known_gate = self._gates.get(node.name)
            if known_gate is not None:
                if known_gate is not node and not _same_gate(known_gate, node):
                    raise ValidationError(
                        _("two different gates are called {name!r}", name=node.name)
                    )
                continue
            self._gates[node.name] = node
            todo.append((node, True))
            todo.extend((child, False) for child in reversed(node.inputs))

    def _variable_order(self) -> list[str]:
        """The events as the decision diagram orders them: the last a gate brings in, first.

        Gates are compiled children first, so an event first used by a later gate sits
        above everything compiled before it; a gate then adds its own events at the top of
        the diagram instead of rebuilding it beneath them. In a chain of gates 1 000 deep
        that is one node per gate rather than a copy of the whole chain.
        """
        seen: dict[str, None] = {}
        for gate in self._order:
            for child in gate.inputs:
                if isinstance(child, BasicEvent):
                    seen.setdefault(child.name, None)
        return [*reversed(seen), *(name for name in self._events if name not in seen)]

    def _compile(self, top: Node) -> int:
        bdd = self._bdd
        if isinstance(top, BasicEvent):
            return bdd.var(top.name)
        compiled: dict[str, int] = {}

        def value(node: Node) -> int:
            if isinstance(node, BasicEvent):
                return bdd.var(node.name)
            return compiled[node.name]

        for gate in self._order:  # children before parents
            children = [value(child) for child in gate.inputs]
            if isinstance(gate, AndGate):
                result = _TRUE
                for child in children:
                    result = bdd.apply("and", result, child)
            elif isinstance(gate, OrGate):
                result = _FALSE
                for child in children:
                    result = bdd.apply("or", result, child)
            else:
                result = bdd.at_least(gate.k, children)
            compiled[gate.name] = result
        return compiled[top.name]

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
                _(
                    "no gate or event {name!r}; gates: {gates}; events: {events}",
                    name=name,
                    gates=sorted(self._gates),
                    events=sorted(self._events),
                )
            )
        return FaultTree(node, max_cut_sets=self._max_cut_sets, max_bdd_nodes=self._max_bdd_nodes)

    def _probabilities(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        p = {name: event.probability for name, event in self._events.items()}
        if overrides:
            for name, value in overrides.items():
                if name not in p:
                    raise UnknownValueError(
                        _("no basic event {name!r}; events: {events}", name=name, events=sorted(p))
                    )
                q = _util.real(_("probability of {name!r}", name=name), value)
                if not 0 <= q <= 1:
                    raise ValidationError(
                        _(
                            "probability of {name!r} must lie in [0, 1]; got {value}",
                            name=name,
                            value=_util.fmt(q, 12),
                        )
                    )
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
        """The minimal cut sets, smallest first (then by their sorted names).

        Raises:
            LimitError: a gate would combine more than ``max_cut_sets`` candidate cut sets
                (their number can grow exponentially, e.g. a 10-of-30 gate has 30 045 015).
        """
        if self._cut_sets is None:
            cuts = _cut_sets(self._top, self._order, self._max_cut_sets)
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
            raise UnknownValueError(
                _(
                    "no basic event {name!r}; events: {events}",
                    name=event,
                    events=sorted(self._events),
                )
            )
        top = self.probability()
        if top == 0:
            return 0.0
        bdd = self._bdd
        union = _FALSE
        for cut in self.minimal_cut_sets():
            if event in cut:
                term = _TRUE
                for name in sorted(cut, key=bdd.rank.__getitem__, reverse=True):
                    term = bdd.apply("and", term, bdd.var(name))
                union = bdd.apply("or", union, term)
        return bdd.probability(union, self._probabilities()) / top

    def importance(self) -> dict[str, Importance]:
        """Birnbaum and Fussell–Vesely importance of every basic event.

        Raises:
            LimitError: as :meth:`minimal_cut_sets` (Fussell–Vesely needs the cut sets).
        """
        self.minimal_cut_sets()  # refuse a tree with too many cut sets before any other work
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


def _same_gate(a: Gate, b: Gate) -> bool:
    """Whether two gates of one name are the same gate, compared without recursion."""
    todo: list[tuple[Node, Node]] = [(a, b)]
    seen: set[tuple[int, int]] = set()
    while todo:
        x, y = todo.pop()
        if x is y or (id(x), id(y)) in seen:
            continue
        seen.add((id(x), id(y)))
        if isinstance(x, BasicEvent) or isinstance(y, BasicEvent):
            if x != y:
                return False
            continue
        if (
            type(x) is not type(y)
            or x.name != y.name
            or len(x.inputs) != len(y.inputs)
            or getattr(x, "k", None) != getattr(y, "k", None)
        ):
            return False
        todo.extend(zip(x.inputs, y.inputs, strict=True))
    return True


def _node_configuration(top: Node) -> dict[str, Any]:
    def shell(node: Node) -> dict[str, Any]:
        if isinstance(node, BasicEvent):
            return {"event": node.name, "probability": _util.canonical_number(node.probability)}
        data: dict[str, Any] = {"gate": _GATES[type(node)], "name": node.name}
        if isinstance(node, KOfNGate):
            data["k"] = node.k
        data["inputs"] = []
        return data

    root = shell(top)
    todo: list[tuple[Node, dict[str, Any]]] = [(top, root)]
    while todo:
        node, data = todo.pop()
        if isinstance(node, BasicEvent):
            continue
        for child in node.inputs:
            child_data = shell(child)
            data["inputs"].append(child_data)
            todo.append((child, child_data))
    return root


def _minimise(cuts: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    kept: list[frozenset[str]] = []
    # Each kept set is filed under one of its members, so a kept subset of ``cut`` is in
    # the bucket of a member of ``cut``. Sets are taken smallest first and filed only once
    # the size grows: a set of the same size can never be a proper subset (nor a repeat,
    # after ``set``), so a family of equal-sized sets costs one pass.
    buckets: dict[str, list[frozenset[str]]] = {}
    pending: list[frozenset[str]] = []
    size = -1
    for cut in sorted(set(cuts), key=len):
        if len(cut) != size:
            for item in pending:
                if item:
                    buckets.setdefault(min(item), []).append(item)
            pending = []
            size = len(cut)
        keys = (key for key in buckets if key in cut) if len(buckets) < len(cut) else cut
        if any(other <= cut for key in keys for other in buckets.get(key, ())):
            continue
        kept.append(cut)
        pending.append(cut)
    return kept


class _CutSets:
    """Cut-set algebra with the bound on how many candidates one gate may combine."""

    def __init__(self, limit: int, gate: str) -> None:
        self.limit = limit
        self.gate = gate

    def check(self, count: int) -> None:
        if count > self.limit:
            raise LimitError(
                _(
                    "fault tree gate {gate!r} would combine {count} candidate cut sets "
                    "(at most max_cut_sets={limit}); the number of cut sets grows "
                    "exponentially with the tree: pass a larger max_cut_sets= to FaultTree to "
                    "allow it, or use probability() and birnbaum(), which do not need them",
                    gate=self.gate,
                    count=count,
                    limit=self.limit,
                ),
                limit=self.limit,
                found=count,
                option="max_cut_sets",
            )

    # Every family handed to these is minimal already (an event's, or one they made).

    def union(self, families: Iterable[list[frozenset[str]]]) -> list[frozenset[str]]:
        families = sorted((family for family in families if family), key=len)
        self.check(sum(map(len, families)))
        if len(families) <= 1:
            return families[0] if families else []
        base = families[-1]
        rest = _minimise(cut for family in families[:-1] for cut in family)
        if len(rest) > _FEW:
            return _minimise([*base, *rest])
        # A few newcomers to a large family (a gate in a long chain): check just them, so a
        # chain of n gates costs n², not n² times the minimisation's constant.
        members = set(base)
        added = [cut for cut in rest if not _has_subset_in(cut, members, base)]
        if len(rest) == 1:
            (new,) = rest
            kept = [cut for cut in base if not new < cut]
        else:
            kept = [cut for cut in base if not any(new < cut for new in rest)]
        return kept + added

    def product(self, a: list[frozenset[str]], b: list[frozenset[str]]) -> list[frozenset[str]]:
        self.check(len(a) * len(b))
        if a == _EMPTY_CUT:
            return b
        if b == _EMPTY_CUT:
            return a
        return _minimise(x | y for x in a for y in b)


_FEW = 8
_EMPTY_CUT: list[frozenset[str]] = [frozenset()]


def _has_subset_in(
    cut: frozenset[str], members: set[frozenset[str]], family: list[frozenset[str]]
) -> bool:
    """Whether some set of ``family`` (``members`` is the same, as a set) is within ``cut``."""
    if len(cut) > 4:
        return any(other <= cut for other in family)
    items = sorted(cut)
    return any(
        frozenset(subset) in members
        for size in range(len(items) + 1)
        for subset in itertools.combinations(items, size)
    )


def _cut_sets(top: Node, order: Sequence[Gate], limit: int) -> list[frozenset[str]]:
    if isinstance(top, BasicEvent):
        return [frozenset({top.name})]
    memo: dict[str, list[frozenset[str]]] = {}

    def value(node: Node) -> list[frozenset[str]]:
        if isinstance(node, BasicEvent):
            return [frozenset({node.name})]
        return memo[node.name]

    for gate in order:  # children before parents
        algebra = _CutSets(limit, gate.name)
        children = [value(child) for child in gate.inputs]
        if isinstance(gate, OrGate):
            result = algebra.union(children)
        elif isinstance(gate, AndGate):
            result = [frozenset[str]()]
            for family in children:
                result = algebra.product(result, family)
        else:
            # row[m]: the cut sets of "at least m of children[j:]", for j = n down to 0
            n, k = len(children), gate.k
            row: list[list[frozenset[str]]] = [[frozenset[str]()]] + [[] for _ in range(k)]
            for j in range(n - 1, -1, -1):
                new: list[list[frozenset[str]]] = [[frozenset[str]()]]
                for m in range(1, k + 1):
                    if n - j < m:
                        new.append([])
                        continue
                    with_j = algebra.product(children[j], row[m - 1])
                    new.append(algebra.union([with_j, row[m]]))
                row = new
            result = row[k]
        memo[gate.name] = result
    return memo[top.name]
