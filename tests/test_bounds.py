"""Bounded work on any input: an answer or a named error, never a hang or a bare Python error.

Each input that used to recurse too deep, run for minutes or raise a bare ``decimal`` /
``OverflowError`` gets a case here; the work is bounded by construction (a count checked as
the work proceeds), so no test measures time. Cases covered next to their module's other
tests are not repeated: fault trees with 1 000-event OR and AND gates, 1 000-deep nesting, a
10-of-30 gate and importance over 32 768 cut sets (``test_grading_fta.py``); AHP matrices
past ``max_items`` (``test_grading_ahp.py``); amounts of ``1e26``, 30 digits, ``1e400``,
NaN and Infinity (``test_values.py``); ``P900Y`` and ``99999999999h`` at the command line
and a scenario starting 9999-12-31 (``test_cli.py``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit.calendar import BusinessCalendar, china_working_calendar
from crisiskit.errors import (
    CalendarError,
    CrisisKitError,
    HorizonError,
    LimitError,
    ValidationError,
)
from crisiskit.grading.models import ahp
from crisiskit.grading.models.fta import AndGate, BasicEvent, FaultTree, KOfNGate, OrGate
from crisiskit.values.money import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS, Money

CST = dt.timezone(dt.timedelta(hours=8))
ASCII_WORDS = re.compile(r"\b[a-z]{4,}\b")


def _chinese(error: CrisisKitError) -> str:
    """The error in Chinese; it must be a translation, not the English text."""
    text = error.text("zh")
    assert text != str(error)
    assert re.search(r"[\u4e00-\u9fff]", text)
    return text


# --- fault trees -----------------------------------------------------------------------------


def test_the_cut_set_limit_names_its_option_in_both_languages():
    tree = FaultTree(KOfNGate("vote", 10, [BasicEvent(f"e{i}", 0.1) for i in range(30)]))
    with pytest.raises(LimitError) as info:
        tree.importance()
    error = info.value
    assert (error.limit, error.option) == (10_000, "max_cut_sets")
    assert error.found > error.limit
    assert "max_cut_sets=10000" in _chinese(error)
    assert "割集" in error.text("zh")


def test_the_decision_diagram_limit_names_its_option_in_both_languages():
    with pytest.raises(LimitError) as info:
        FaultTree(
            KOfNGate("vote", 3, [BasicEvent(f"e{i}", 0.1) for i in range(10)]), max_bdd_nodes=5
        )
    assert (info.value.limit, info.value.option) == (5, "max_bdd_nodes")
    assert "max_bdd_nodes=5" in _chinese(info.value)


def test_k_of_n_gates_nested_1000_deep_are_evaluated():
    node: BasicEvent | KOfNGate = BasicEvent("e0", 0.5)
    for i in range(1, 1001):
        node = KOfNGate(f"g{i}", 1, [node, BasicEvent(f"e{i}", 0.5)])
    tree = FaultTree(node)  # 1-of-n is OR: the top occurs unless all 1 001 events fail to
    assert tree.probability() == pytest.approx(1 - 0.5**1001)
    assert len(tree.minimal_cut_sets()) == 1001


def test_a_huge_tree_still_answers_probability_and_birnbaum_without_cut_sets():
    pairs = [
        OrGate(f"g{i}", [BasicEvent(f"a{i}", 0.1), BasicEvent(f"b{i}", 0.2)]) for i in range(20)
    ]
    tree = FaultTree(AndGate("top", pairs))  # 2**20 minimal cut sets
    # P(one pair) = 1 − 0.9·0.8 = 0.28; Birnbaum of a0 = P(other 19 pairs) · P(b0 fails)
    assert tree.probability() == pytest.approx(0.28**20)
    assert tree.birnbaum("a0") == pytest.approx(0.28**19 * 0.8)
    with pytest.raises(LimitError, match="max_cut_sets"):
        tree.fussell_vesely("a0")


# --- AHP -------------------------------------------------------------------------------------


def test_the_matrix_size_limit_says_itself_in_chinese():
    rows = [[1] * 51 for _ in range(51)]
    with pytest.raises(LimitError) as info:
        ahp.analyze(rows)
    assert "max_items=50" in _chinese(info.value)


def _chain(depth: int) -> ahp.Node:
    """A hierarchy ``depth`` + 1 matrices deep: each level's leaf weighs as much as the rest."""
    node = ahp.Node({("a", "b"): 1})
    for level in range(depth):
        node = ahp.Node({("next", f"leaf{level}"): 1}, children={"next": node})
    return node


def test_a_hierarchy_1000_levels_deep_is_synthesised():
    synthesis = ahp.synthesize(_chain(1000))
    assert len(synthesis.local) == 1001
    assert synthesis.local[-1][0].count("/") == 1000
    assert synthesis.priority("leaf999") == pytest.approx(0.5)  # the top level's leaf
    assert synthesis.priority("leaf0") == pytest.approx(0.5**1000)
    assert synthesis.priority("a") == pytest.approx(0.5**1001)
    assert sum(synthesis.as_dict().values()) == pytest.approx(1)
    config = ahp.configuration(_chain(1000))
    depth = 0
    while config["children"]:
        config = config["children"]["next"]
        depth += 1
    assert depth == 1000


def _shared(depth: int) -> ahp.Node:
    """``depth`` levels whose two items share one sub-node: 2**depth paths to the bottom."""
    node = ahp.Node({("p", "q"): 2})
    for _level in range(depth):
        node = ahp.Node({("x", "y"): 2}, children={"x": node, "y": node})
    return node


def test_a_hierarchy_of_shared_sub_nodes_is_bounded_by_its_paths():
    with pytest.raises(LimitError) as info:
        ahp.synthesize(_shared(60))  # 2**61 − 1 matrices to analyse, refused at once
    error = info.value
    assert (error.limit, error.option) == (ahp.MAX_NODES, "max_nodes")
    assert error.found > error.limit
    assert "max_nodes=10000" in str(error)
    assert "max_nodes=10000" in _chinese(error)
    with pytest.raises(LimitError, match="max_nodes"):
        ahp.configuration(_shared(60))
    # within the limit it answers: every path ends at the same bottom node, so the leaves
    # weigh what that node gives them
    synthesis = ahp.synthesize(_shared(10), max_nodes=2**11)
    assert len(synthesis.local) == 2**11 - 1
    assert synthesis.priority("p") == pytest.approx(2 / 3)
    with pytest.raises(LimitError, match=r"needs 2047 or more"):
        ahp.synthesize(_shared(10), max_nodes=2**11 - 2)


@pytest.mark.parametrize("bad", [0, -1, True, 2.0, "10"])
def test_max_nodes_must_be_a_positive_int(bad):
    with pytest.raises(ValidationError, match="max_nodes must be a positive int"):
        ahp.synthesize(_chain(1), max_nodes=bad)


def _synthesize_recursively(root: ahp.Node) -> tuple[dict[str, float], list[str], float]:
    """The textbook recursion, for small hierarchies: priorities, paths and overall CR."""
    priorities: dict[str, float] = {}
    paths: list[str] = []
    sums: dict[int, list[float]] = {}

    def visit(node: ahp.Node, path: str, weight: float, depth: int) -> None:
        result = ahp.analyze(node.comparisons)
        paths.append(path)
        level = sums.setdefault(depth, [0.0, 0.0])
        level[0] += weight * result.consistency_index
        level[1] += weight * result.random_index
        children = dict(node.children)
        for item, local in zip(result.names, result.weights, strict=True):
            if item in children:
                visit(children[item], f"{path}/{item}", weight * local, depth + 1)
            else:
                priorities[item] = priorities.get(item, 0.0) + weight * local

    visit(root, "goal", 1.0, 0)
    num = sum(level[0] for level in sums.values())
    den = sum(level[1] for level in sums.values())
    return priorities, paths, num / den if den > 0 else 0.0


@st.composite
def hierarchies(draw: st.DrawFn) -> ahp.Node:
    """Small random hierarchies; sub-nodes are sometimes shared by several items."""
    scale = st.sampled_from([1, 2, 3, 5, 9, 1 / 2, 1 / 3, 1 / 9])
    counter = iter(range(10_000))
    made: list[ahp.Node] = []

    def node(depth: int) -> ahp.Node:
        items = [f"n{next(counter)}" for _item in range(draw(st.integers(2, 4)))]
        judgements = {(a, b): draw(scale) for i, a in enumerate(items) for b in items[i + 1 :]}
        children = {}
        for item in items:
            if depth > 0 and draw(st.booleans()):
                reuse = made and draw(st.booleans())
                children[item] = draw(st.sampled_from(made)) if reuse else node(depth - 1)
        made.append(result := ahp.Node(judgements, children=children))
        return result

    return node(draw(st.integers(0, 3)))


@settings(max_examples=80)
@given(hierarchies())
def test_the_iterative_synthesis_agrees_with_the_recursion(root):
    try:
        expected, paths, overall = _synthesize_recursively(root)
    except CrisisKitError:
        with pytest.raises(CrisisKitError):
            ahp.synthesize(root)
        return
    synthesis = ahp.synthesize(root)
    assert list(synthesis.as_dict()) == list(expected)
    assert synthesis.as_dict() == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert [path for path, _result in synthesis.local] == paths
    assert synthesis.consistency_ratio == pytest.approx(overall, rel=1e-9, abs=1e-12)


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "limit"),
    [
        ("1e999999999999999999", MAX_INTEGER_DIGITS),  # was a bare decimal.Overflow
        (Decimal("-1E+999999999999999999"), MAX_INTEGER_DIGITS),
        ("1e-999999999999999999", MAX_DECIMAL_PLACES),
    ],
)
def test_amounts_with_huge_exponents_are_refused_by_name(amount, limit):
    with pytest.raises(LimitError) as info:
        Money(amount, "CNY")
    assert info.value.limit == limit
    assert "位" in _chinese(info.value)


def test_a_zero_with_an_extreme_exponent_is_an_ordinary_zero():
    for text in ["0e-999999999999999999", "0E+400", "-0e-50"]:
        zero = Money(text, "CNY")
        assert zero.is_zero()
        assert str(zero + Money("1.5", "CNY")).startswith("1.5")
        assert len(str((zero + Money("1.5", "CNY")).amount)) <= 2 + MAX_DECIMAL_PLACES


def test_arithmetic_ignores_the_callers_decimal_context():
    a, b = Money("123456789012345678.12", "CNY"), Money("0.0000000001", "CNY")
    with decimal.localcontext() as context:
        context.prec = 5
        context.traps[decimal.Inexact] = True
        assert (a + b).amount == Decimal("123456789012345678.1200000001")
        assert (a - b).amount == Decimal("123456789012345678.1199999999")
        assert (a * 2).amount == Decimal("246913578024691356.24")
        assert (a / 4).amount == Decimal("30864197253086419.53")
        assert a.rounded() == a


def test_a_result_out_of_bounds_names_the_limit_in_both_languages():
    big = Money("900000000000000000", "CNY")
    with pytest.raises(LimitError) as info:
        big + big
    assert "18" in _chinese(info.value)
    assert "和过大" in info.value.text("zh")


bounded_amounts = st.decimals(
    min_value=-(Decimal(10) ** MAX_INTEGER_DIGITS) + Decimal("1e-10"),
    max_value=Decimal(10) ** MAX_INTEGER_DIGITS - Decimal("1e-10"),
    places=MAX_DECIMAL_PLACES,
    allow_nan=False,
    allow_infinity=False,
)
scalars = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.decimals(allow_nan=True, allow_infinity=True),  # any exponent, NaN and ±Infinity too
    st.integers(-30, 30).map(lambda e: Decimal(1).scaleb(e)),
)
WIDE = decimal.Context(prec=200, Emax=10**6, Emin=-(10**6))


@settings(max_examples=300)
@given(bounded_amounts, bounded_amounts, scalars)
def test_money_arithmetic_never_raises_a_bare_decimal_error(x, y, k):
    a, b = Money(x, "CNY"), Money(y, "CNY")
    for op, exact in (
        (lambda: a + b, WIDE.add(x, y)),
        (lambda: a - b, WIDE.subtract(x, y)),
    ):
        if abs(exact) < Decimal(10) ** MAX_INTEGER_DIGITS:
            assert op().amount == exact  # within bounds: exact, never refused
        else:
            with pytest.raises(LimitError):
                op()
    for op in (lambda: a * k, lambda: a / k, lambda: -a, lambda: abs(a), a.rounded):
        try:
            result = op()
        except CrisisKitError:
            continue  # a named refusal: too large, not finite, or a division by zero
        assert isinstance(result, Money)
        assert abs(result.amount) < Decimal(10) ** MAX_INTEGER_DIGITS


# --- calendars -------------------------------------------------------------------------------

OFFICE = BusinessCalendar(
    name="office",
    zone="Asia/Shanghai",
    week={"mon-fri": ["09:00-12:00", "13:00-18:00"]},
    horizon_start=dt.date(1900, 1, 1),
    horizon_end=dt.date(2999, 12, 31),
)
START = dt.datetime(2025, 9, 27, 20, tzinfo=CST)


@pytest.mark.parametrize("duration", [dt.timedelta.max, dt.timedelta(days=999_999_999)])
def test_a_target_far_past_the_horizon_is_a_horizon_error(duration):
    with pytest.raises(HorizonError, match="run past the last date it answers for") as info:
        OFFICE.add(START, duration)
    assert "2999-12-31" in _chinese(info.value)
    assert "个工作小时" in info.value.text("zh")


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
        dt.datetime(9999, 12, 31, 20, tzinfo=dt.UTC),  # already year 10000 in Shanghai
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        dt.datetime.max.replace(tzinfo=dt.UTC),
    ],
)
def test_instants_at_the_ends_of_the_year_range_are_horizon_errors(at):
    # each of these once raised "OverflowError: date value out of range" or
    # "ValueError: year 10000 is out of range" while the message was being written
    for query in (
        lambda: OFFICE.is_working(at),
        lambda: OFFICE.next_working(at),
        lambda: OFFICE.add(at, dt.timedelta(hours=5)),
        lambda: OFFICE.working_time(START, at) if at > START else OFFICE.working_time(at, START),
    ):
        with pytest.raises(
            HorizonError, match=r"authoritative for 1900-01-01\.\.2999-12-31"
        ) as info:
            query()
        _chinese(info.value)
    assert OFFICE.is_provisional(at) is (at.year > 1)


@pytest.mark.parametrize("until", ["9999-12-31", dt.date.max, dt.date(3000, 1, 1)])
def test_a_horizon_past_the_year_range_is_refused(until):
    calendar = china_working_calendar([2025, 2026])  # with a provisional year after it
    with pytest.raises(CalendarError, match="calendars cover the years 1900 to 2999") as info:
        calendar.extended([], until=until)
    assert "年" in _chinese(info.value)
    with pytest.raises(ValidationError, match=r"horizon_end must lie between"):
        BusinessCalendar(
            name="x",
            zone="UTC",
            week={"mon": ["09:00-10:00"]},
            horizon_start=dt.date(2025, 1, 1),
            horizon_end=until,
        )


def test_a_duration_of_any_size_is_said_in_working_units():
    assert OFFICE.duration_text(dt.timedelta.max, "zh").endswith("个工作小时")
    assert OFFICE.duration_text(dt.timedelta(hours=16)) == "2 working days"
    assert OFFICE.duration_text(dt.timedelta(hours=8), "zh-CN") == "1个工作日"
    always = BusinessCalendar.always_open()
    assert always.duration_text(dt.timedelta(days=1)) == "1 day"
    assert (
        always.duration_text(dt.timedelta.min)
        == f"{dt.timedelta.min.total_seconds() / 3600:g} hours"
    )


def test_calendar_messages_say_weekdays_and_dates_in_chinese():
    with pytest.raises(CalendarError) as info:
        BusinessCalendar(
            name="x",
            zone="UTC",
            week={"mon": ["22:00-08:00"], "tue": ["07:00-09:00"]},
            horizon_start=dt.date(2025, 1, 1),
            horizon_end=dt.date(2025, 12, 31),
        )
    assert "Monday 22:00-08:00 runs into Tuesday 07:00-09:00" in str(info.value)
    text = _chinese(info.value)
    assert "星期一 22:00-08:00 延伸到了 星期二 07:00-09:00" in text
    assert not ASCII_WORDS.search(re.sub(r"BusinessCalendar\.week", "", text))


@pytest.mark.parametrize("value", [1e308, -1e16, 10**20])
def test_an_indicator_value_past_its_bound_is_refused_where_the_signal_is_made(value):
    # The monitor keeps exact sums in micro-units: 1e308 of them overflowed to infinity.
    import pendulum

    from crisiskit import Channel, Signal

    at = pendulum.datetime(2025, 9, 27, 9, tz="Asia/Shanghai")
    with pytest.raises(ValidationError, match=r"metric 'heat' is .*at most 1e\+15"):
        Signal(Channel.SOCIAL_MEDIA, at, "a post", metrics={"heat": value})
    assert (
        Signal(Channel.SOCIAL_MEDIA, at, "a post", metrics={"heat": 1e15}).metrics["heat"] == 1e15
    )
