import json

import pytest
from grading_reference import enumerate_probability, minimal_cut_sets_by_enumeration
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit.errors import LimitError, UnknownValueError, ValidationError
from crisiskit.grading.models.fta import AndGate, BasicEvent, FaultTree, KOfNGate, OrGate

NAMES = ["a", "b", "c", "d", "e", "f"]


@st.composite
def trees(draw, max_events=5):
    """Random coherent trees over a few events, which repeat freely across gates."""
    names = NAMES[: draw(st.integers(2, max_events))]
    probabilities = {n: draw(st.floats(0, 1)) for n in names}
    events = {n: BasicEvent(n, p) for n, p in probabilities.items()}
    counter = iter(range(10_000))

    def node(depth):
        if depth == 0 or draw(st.integers(0, 3)) == 0:
            return events[draw(st.sampled_from(names))]
        children = [node(depth - 1) for _ in range(draw(st.integers(1, 3)))]
        kind = draw(st.sampled_from(["and", "or", "kofn"]))
        name = f"g{next(counter)}"
        if kind == "and":
            return AndGate(name, children)
        if kind == "or":
            return OrGate(name, children)
        return KOfNGate(name, draw(st.integers(1, len(children))), children)

    top = node(3)
    return top, probabilities


def occurs(node, happened):
    if isinstance(node, BasicEvent):
        return node.name in happened
    hits = sum(occurs(child, happened) for child in node.inputs)
    if isinstance(node, AndGate):
        return hits == len(node.inputs)
    if isinstance(node, OrGate):
        return hits >= 1
    return hits >= node.k


@settings(max_examples=120)
@given(trees())
def test_exact_probability_equals_brute_force_enumeration(case):
    top, p = case
    tree = FaultTree(top)
    used = {n: p[n] for n in tree.events}
    assert tree.probability() == pytest.approx(
        enumerate_probability(used, lambda h: occurs(top, h)), abs=1e-12
    )


@settings(max_examples=120)
@given(trees())
def test_minimal_cut_sets_equal_brute_force(case):
    top, _ = case
    tree = FaultTree(top)
    expected = minimal_cut_sets_by_enumeration(list(tree.events), lambda h: occurs(top, h))
    found = tree.minimal_cut_sets()
    assert set(found) == expected
    assert len(found) == len(set(found))
    assert [len(c) for c in found] == sorted(len(c) for c in found)


@settings(max_examples=120)
@given(trees())
def test_exact_is_at_most_the_upper_bound_and_the_rare_event_sum(case):
    top, _ = case
    tree = FaultTree(top)
    exact = tree.probability()
    assert 0 <= exact <= 1
    assert exact <= tree.min_cut_upper_bound() + 1e-12
    assert tree.min_cut_upper_bound() <= tree.rare_event_approximation() + 1e-12


@settings(max_examples=120)
@given(trees())
def test_or_gate_is_at_least_its_largest_input_and_and_gate_at_most_its_smallest(case):
    top, _ = case
    tree = FaultTree(top)
    stack = [top]
    while stack:
        node = stack.pop()
        if isinstance(node, BasicEvent):
            continue
        stack.extend(node.inputs)
        whole = FaultTree(node).probability()
        inputs = [FaultTree(child).probability() for child in node.inputs]
        if isinstance(node, OrGate):
            assert whole >= max(inputs) - 1e-12
        elif isinstance(node, AndGate):
            assert whole <= min(inputs) + 1e-12
        else:  # k-of-n lies between "all of them" and "any of them"
            every = FaultTree(AndGate(f"{node.name}-all", node.inputs)).probability()
            some = FaultTree(OrGate(f"{node.name}-any", node.inputs)).probability()
            assert every - 1e-12 <= whole <= some + 1e-12
    assert tree.subtree(top.name).probability() == pytest.approx(tree.probability())


@settings(max_examples=80)
@given(trees())
def test_importance_measures_against_enumeration(case):
    top, p = case
    tree = FaultTree(top)
    used = {n: p[n] for n in tree.events}
    total = tree.probability()
    for name, importance in tree.importance().items():
        on = enumerate_probability({**used, name: 1.0}, lambda h: occurs(top, h))
        off = enumerate_probability({**used, name: 0.0}, lambda h: occurs(top, h))
        assert importance.birnbaum == pytest.approx(on - off, abs=1e-12)
        assert importance.birnbaum >= -1e-12  # coherent trees
        cuts = [c for c in tree.minimal_cut_sets() if name in c]
        union = enumerate_probability(used, lambda h, cuts=cuts: any(c <= h for c in cuts))
        expected = union / total if total else 0.0
        assert importance.fussell_vesely == pytest.approx(expected, abs=1e-9)


def test_overrides_answer_what_if_questions():
    tree = FaultTree(OrGate("top", [BasicEvent("a", 0.1), BasicEvent("b", 0.2)]))
    assert tree.probability({"a": 0.0}) == pytest.approx(0.2)
    with pytest.raises(UnknownValueError, match="no basic event 'z'"):
        tree.probability({"z": 1.0})
    with pytest.raises(ValidationError, match=r"must lie in \[0, 1\]"):
        tree.probability({"a": 2.0})


def test_construction_mistakes_are_refused():
    with pytest.raises(ValidationError, match=r"must lie in \[0, 1\]"):
        BasicEvent("a", 1.5)
    with pytest.raises(ValidationError, match="needs at least one input"):
        AndGate("g", [])
    with pytest.raises(ValidationError, match="must be a BasicEvent or a gate"):
        OrGate("g", ["a"])
    with pytest.raises(ValidationError, match=r"k must be 1\.\.2"):
        KOfNGate("g", 3, [BasicEvent("a", 0.1), BasicEvent("b", 0.1)])
    with pytest.raises(ValidationError, match="two probabilities"):
        FaultTree(OrGate("g", [BasicEvent("a", 0.1), BasicEvent("a", 0.2)]))
    with pytest.raises(ValidationError, match="names both a gate and a basic event"):
        FaultTree(OrGate("g", [BasicEvent("g", 0.1), BasicEvent("a", 0.2)]))
    with pytest.raises(ValidationError, match="two different gates"):
        FaultTree(
            OrGate(
                "top",
                [OrGate("g", [BasicEvent("a", 0.1)]), AndGate("g", [BasicEvent("b", 0.1)])],
            )
        )
    with pytest.raises(ValidationError, match="top must be a gate"):
        FaultTree("top")
    with pytest.raises(UnknownValueError):
        FaultTree(BasicEvent("a", 0.1)).subtree("b")
    with pytest.raises(UnknownValueError):
        FaultTree(BasicEvent("a", 0.1)).fussell_vesely("b")


def test_a_single_event_tree_and_a_certain_or_impossible_top():
    tree = FaultTree(BasicEvent("a", 0.25))
    assert tree.probability() == 0.25
    assert tree.minimal_cut_sets() == (frozenset({"a"}),)
    never = FaultTree(AndGate("top", [BasicEvent("a", 0.0), BasicEvent("b", 0.5)]))
    assert never.probability() == 0
    assert never.fussell_vesely("a") == 0


def test_the_configuration_tells_trees_apart():
    a, b = BasicEvent("a", 0.1), BasicEvent("b", 0.2)
    both = FaultTree(AndGate("top", [a, b]))
    assert both.configuration() == {
        "gate": "and",
        "name": "top",
        "inputs": [{"event": "a", "probability": 0.1}, {"event": "b", "probability": 0.2}],
    }
    assert FaultTree(AndGate("top", [a, b])).configuration() == both.configuration()
    others = [
        FaultTree(OrGate("top", [a, b])),
        FaultTree(KOfNGate("top", 1, [a, b])),
        FaultTree(KOfNGate("top", 2, [a, b])),
        FaultTree(AndGate("top", [a, BasicEvent("b", 0.3)])),
        FaultTree(AndGate("top", [b, a])),
    ]
    seen = [json.dumps(tree.configuration(), sort_keys=True) for tree in [both, *others]]
    assert len(set(seen)) == len(seen)


# --- bounded work: wide and deep trees, and exponential cut-set work -----------------------


def _events(n, p=0.01):
    return [BasicEvent(f"e{i}", p) for i in range(n)]


def test_a_wide_or_gate_of_1000_events_is_evaluated():
    tree = FaultTree(OrGate("top", _events(1000)))
    assert tree.probability() == pytest.approx(1 - 0.99**1000)
    assert len(tree.minimal_cut_sets()) == 1000
    assert tree.birnbaum("e0") == pytest.approx(0.99**999)
    assert len(json.dumps(tree.configuration())) > 1000


def test_a_wide_and_gate_of_1000_events_is_evaluated():
    tree = FaultTree(AndGate("top", _events(1000, 0.999)))
    assert tree.probability() == pytest.approx(0.999**1000)
    assert tree.minimal_cut_sets() == (frozenset(f"e{i}" for i in range(1000)),)


def _nested(depth, gates):
    node = BasicEvent("e0", 0.001)
    for i in range(1, depth + 1):
        gate = gates[i % len(gates)]
        node = gate(f"g{i}", [node, BasicEvent(f"e{i}", 0.5 if gate is OrGate else 0.999)])
    return node


def test_gates_nested_1000_deep_are_evaluated():
    tree = FaultTree(_nested(1000, [AndGate, OrGate]))
    assert 0 < tree.probability() < 1
    assert 0 < tree.birnbaum("e999") <= 1
    assert tree.subtree("g500").probability() > 0
    assert tree.configuration()["name"] == "g1000"
    assert len(FaultTree(_nested(1000, [OrGate])).minimal_cut_sets()) == 1001
    assert FaultTree(_nested(1000, [AndGate])).minimal_cut_sets() == (
        frozenset(f"e{i}" for i in range(1001)),
    )


def test_a_10_of_30_gate_names_the_cut_set_limit():
    tree = FaultTree(KOfNGate("vote", 10, _events(30)))
    assert 0 <= tree.probability() <= 1  # the exact probability needs no cut sets
    with pytest.raises(LimitError, match=r"max_cut_sets=10000") as info:
        tree.minimal_cut_sets()
    assert info.value.option == "max_cut_sets"
    assert info.value.found > info.value.limit == 10_000
    assert "'vote'" in str(info.value)
    assert isinstance(info.value, ValidationError)


def test_importance_over_32768_cut_sets_names_the_cut_set_limit():
    pairs = [
        OrGate(f"g{i}", [BasicEvent(f"a{i}", 0.1), BasicEvent(f"b{i}", 0.2)]) for i in range(15)
    ]
    tree = FaultTree(AndGate("top", pairs))
    with pytest.raises(LimitError, match="max_cut_sets"):
        tree.importance()
    with pytest.raises(LimitError, match="max_cut_sets"):
        tree.rare_event_approximation()


def test_the_cut_set_limit_can_be_raised():
    pairs = [
        OrGate(f"g{i}", [BasicEvent(f"a{i}", 0.1), BasicEvent(f"b{i}", 0.2)]) for i in range(8)
    ]
    top = AndGate("top", pairs)
    with pytest.raises(LimitError):
        FaultTree(top, max_cut_sets=100).minimal_cut_sets()
    assert len(FaultTree(top, max_cut_sets=1000).minimal_cut_sets()) == 256
    assert len(FaultTree(top, max_cut_sets=1000).subtree("top").minimal_cut_sets()) == 256


def test_the_decision_diagram_is_bounded_too():
    with pytest.raises(LimitError, match=r"max_bdd_nodes=5\b"):
        FaultTree(KOfNGate("vote", 3, _events(10)), max_bdd_nodes=5)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10"])
def test_limits_must_be_positive_ints(bad):
    with pytest.raises(ValidationError, match="positive int"):
        FaultTree(BasicEvent("a", 0.1), max_cut_sets=bad)
