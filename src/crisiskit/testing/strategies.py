"""Hypothesis strategies for every crisiskit entity, for property-testing host integrations.

Needs the ``test`` extra (``pip install 'crisiskit[test]'``).

>>> from hypothesis import given
>>> from crisiskit.testing import strategies as cks
>>> @given(cks.signals())
... def test_my_mapping(signal): ...

:func:`for_type` returns the strategy for any serialisable crisiskit type, so a host can
round-trip everything it persists.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pendulum
from hypothesis import strategies as st

from crisiskit.customers import CustomerRef
from crisiskit.facts import Facts
from crisiskit.grading import (
    Adjustment,
    Assessment,
    Bilingual,
    Contribution,
    Explanation,
    GradingInput,
    Part,
)
from crisiskit.levels import Level
from crisiskit.money import CURRENCIES, Money
from crisiskit.signals import Signal
from crisiskit.vocabulary import Audience, Channel, CrisisState, CrisisType, Role

__all__ = [
    "adjustments",
    "assessments",
    "audiences",
    "bilinguals",
    "channels",
    "contributions",
    "crisis_states",
    "crisis_types",
    "currencies",
    "customer_refs",
    "explanations",
    "facts",
    "for_type",
    "grading_inputs",
    "instants",
    "levels",
    "metrics",
    "money",
    "parts",
    "policy_ids",
    "roles",
    "signals",
    "texts",
    "zone_names",
    "zoned_datetimes",
]

T = TypeVar("T")

ZONES = (
    "UTC",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
)

_MIN = dt.datetime(2000, 1, 1)
_MAX = dt.datetime(2037, 12, 31)


def zone_names() -> st.SearchStrategy[str]:
    """IANA zone names, including half-hour, 45-minute and DST zones."""
    return st.sampled_from(ZONES)


def zoned_datetimes(
    min_value: dt.datetime = _MIN, max_value: dt.datetime = _MAX
) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware pendulum DateTimes in assorted zones (wall-clock bounds are naive)."""
    return st.builds(
        lambda naive, zone: pendulum.instance(naive.replace(tzinfo=pendulum.UTC)).in_timezone(zone),
        st.datetimes(min_value=min_value, max_value=max_value),
        zone_names(),
    )


def instants(
    min_value: dt.datetime = _MIN, max_value: dt.datetime = _MAX
) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware pendulum DateTimes in UTC, the form crisiskit stores instants in."""
    return st.datetimes(min_value=min_value, max_value=max_value).map(
        lambda naive: pendulum.instance(naive.replace(tzinfo=pendulum.UTC))
    )


def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Non-blank text, Chinese included."""
    return st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            st.sampled_from("客户危机投诉质量舆情预警应对恢复关闭"),
        ),
        min_size=1,
        max_size=max_size,
    ).filter(lambda s: s.strip() != "")


def levels() -> st.SearchStrategy[Level]:
    """Levels I–IV."""
    return st.sampled_from(list(Level))


def crisis_types() -> st.SearchStrategy[CrisisType]:
    """Crisis types."""
    return st.sampled_from(list(CrisisType))


def crisis_states() -> st.SearchStrategy[CrisisState]:
    """Lifecycle states."""
    return st.sampled_from(list(CrisisState))


def channels() -> st.SearchStrategy[Channel]:
    """Signal channels."""
    return st.sampled_from(list(Channel))


def roles() -> st.SearchStrategy[Role]:
    """Roles of the crisis organisation."""
    return st.sampled_from(list(Role))


def audiences() -> st.SearchStrategy[Audience]:
    """Audiences of outward communication."""
    return st.sampled_from(list(Audience))


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes crisiskit accepts."""
    return st.sampled_from(sorted(CURRENCIES))


def money(
    currency: str | None = None, *, min_value: int = -(10**9), max_value: int = 10**9
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` (any currency when None), with up to 4 decimal places."""
    amounts = st.decimals(
        min_value=Decimal(min_value),
        max_value=Decimal(max_value),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
    codes = st.just(currency) if currency is not None else currencies()
    return st.builds(Money, amounts, codes)


def customer_refs() -> st.SearchStrategy[CustomerRef]:
    """References to host CRM customers."""
    return st.builds(
        CustomerRef,
        customer_id=st.from_regex(r"C-[0-9]{1,6}", fullmatch=True),
        name=st.one_of(st.just(""), texts()),
        segment=st.one_of(st.none(), st.sampled_from(["enterprise", "retail", "government"])),
        tier=st.one_of(st.none(), st.sampled_from(["VIP", "gold", "standard"])),
        value=st.one_of(st.none(), money("CNY", min_value=0)),
    )


def metrics() -> st.SearchStrategy[dict[str, float]]:
    """Indicator readings: name -> finite number."""
    return st.dictionaries(
        st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
        max_size=5,
    )


def signals() -> st.SearchStrategy[Signal]:
    """Signals from any channel."""
    return st.builds(
        Signal,
        channel=channels(),
        observed_at=zoned_datetimes(),
        description=texts(),
        customers=st.lists(customer_refs(), max_size=3).map(tuple),
        metrics=metrics(),
        source_ref=st.one_of(st.none(), texts(20)),
    )


def facts() -> st.SearchStrategy[Facts]:
    """Facts, with any subset known."""
    return st.builds(
        Facts,
        time=st.one_of(st.none(), zoned_datetimes()),
        place=st.one_of(st.none(), texts()),
        cause=st.one_of(st.none(), texts()),
        course=st.one_of(st.none(), texts()),
        scope=st.one_of(st.none(), texts()),
        customers_affected=st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
    )


def _finite_floats() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@functools.cache  # one strategy object, validated once, drawn from many times
def bilinguals() -> st.SearchStrategy[Bilingual]:
    """Texts in English and Chinese."""
    return st.builds(Bilingual, texts(16), texts(16))


_LEVEL_CHOICES = st.sampled_from(list(Level))
_POLICY_NAMES = ("risk-matrix", "indicators", "ahp-fuzzy", "standard", "acme-risk", "vip.2")
_RULES = ("risk-matrix.band", "indicators.threshold", "worst-of", "vip-bump", "regulated-floor")


@functools.cache  # one strategy object, validated once, drawn from many times
def policy_ids() -> st.SearchStrategy[str]:
    """Policy identities of the form ``name@version``."""
    return st.builds(
        "{}@{}".format,
        st.sampled_from(_POLICY_NAMES),
        st.sampled_from(["1", "2", "2025.09", "1.0+acme"]),
    )


@functools.cache  # one strategy object, validated once, drawn from many times
def contributions() -> st.SearchStrategy[Contribution]:
    """A factor's contribution to a grade, with any subset of the optional fields."""
    return st.builds(
        Contribution,
        factor=st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True),
        value=_finite_floats(),
        label=st.none() | bilinguals(),
        group=st.none() | st.sampled_from(["likelihood", "impact"]),
        weight=st.none() | st.floats(min_value=0, max_value=1),
        contribution=st.none() | _finite_floats(),
        level=st.none() | levels(),
        note=st.none() | bilinguals(),
    )


@functools.cache  # one strategy object, validated once, drawn from many times
def adjustments() -> st.SearchStrategy[Adjustment]:
    """One adjustment of a level, anywhere to anywhere."""
    return st.builds(
        Adjustment,
        rule=st.sampled_from(_RULES),
        before=levels(),
        after=levels(),
        reason=bilinguals(),
    )


@st.composite
def _explanation(draw: st.DrawFn, depth: int) -> Explanation:
    chain = draw(st.lists(_LEVEL_CHOICES, min_size=1, max_size=4))
    reasons = draw(st.lists(bilinguals(), min_size=len(chain) - 1, max_size=len(chain) - 1))
    rules = draw(st.lists(st.sampled_from(_RULES), min_size=len(chain), max_size=len(chain)))
    steps = [
        Adjustment(rule=rule, before=before, after=after, reason=reason)
        for rule, (before, after), reason in zip(
            rules[1:], itertools.pairwise(chain), reasons, strict=True
        )
    ]
    children = draw(st.lists(parts(depth - 1), max_size=2)) if depth > 0 else []
    return Explanation(
        rule=rules[0],
        decision=draw(bilinguals()),
        decided_level=chain[0],
        contributions=draw(st.lists(contributions(), max_size=2)),
        adjustments=steps,
        parts=children,
    )


@functools.cache  # one strategy object, validated once, drawn from many times
def explanations(depth: int = 1) -> st.SearchStrategy[Explanation]:
    """Explanations whose adjustments chain correctly, nesting parts ``depth`` levels deep."""
    return _explanation(depth)


@st.composite
def _part(draw: st.DrawFn, depth: int) -> Part:
    explanation = draw(explanations(depth))
    return Part(
        policy=draw(policy_ids()),
        level=explanation.level,
        score=draw(_finite_floats()),
        explanation=explanation,
        weight=draw(st.none() | st.floats(min_value=0, max_value=1)),
        likelihood=draw(st.none() | st.floats(min_value=1, max_value=5)),
        impact=draw(st.none() | st.floats(min_value=1, max_value=5)),
    )


@functools.cache  # one strategy object, validated once, drawn from many times
def parts(depth: int = 0) -> st.SearchStrategy[Part]:
    """A part's result inside a composite policy's explanation."""
    return _part(depth)


@functools.cache  # one strategy object, validated once, drawn from many times
def grading_inputs() -> st.SearchStrategy[GradingInput]:
    """What a grading policy reads: type, signals, customers, facts, factors, previous level."""
    return st.builds(
        GradingInput,
        crisis_type=crisis_types(),
        signals=st.lists(signals(), max_size=3).map(tuple),
        customers=st.lists(customer_refs(), max_size=3).map(tuple),
        facts=facts(),
        factors=metrics(),
        previous_level=st.none() | levels(),
    )


@st.composite
def _assessment(draw: st.DrawFn) -> Assessment:
    explanation = draw(explanations())
    return Assessment(
        level=explanation.level,
        likelihood=draw(st.none() | st.floats(min_value=1, max_value=5)),
        impact=draw(st.none() | st.floats(min_value=1, max_value=5)),
        score=draw(_finite_floats()),
        inputs=draw(grading_inputs()),
        explanation=explanation,
        policy=draw(policy_ids()),
        assessed_at=draw(instants()),
        fingerprint=draw(st.text(alphabet="0123456789abcdef", min_size=16, max_size=16)),
    )


@functools.cache  # one strategy object, validated once, drawn from many times
def assessments() -> st.SearchStrategy[Assessment]:
    """Assessments with consistent explanations (their policies are not run)."""
    return _assessment()


_FOR_TYPE: dict[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
    Money: money,
    CustomerRef: customer_refs,
    Signal: signals,
    Facts: facts,
    Bilingual: bilinguals,
    Contribution: contributions,
    Adjustment: adjustments,
    Explanation: explanations,
    Part: parts,
    GradingInput: grading_inputs,
    Assessment: assessments,
}


def for_type(cls: type[T]) -> st.SearchStrategy[T]:
    """The strategy for a serialisable crisiskit type."""
    try:
        return _FOR_TYPE[cls]()
    except KeyError:
        raise LookupError(f"no strategy for {cls.__qualname__}; register one") from None
