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

import contextlib
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import strategies as st

from crisiskit import _registry
from crisiskit.communications import Medium, Statement
from crisiskit.compensation import Compensation, CompensationKind
from crisiskit.crisis import Context, Crisis, MergeRecord
from crisiskit.customer_cases import CaseStep, CustomerCase, Promise
from crisiskit.customers import CustomerRef
from crisiskit.errors import CrisisKitError
from crisiskit.events import Event
from crisiskit.facts import Facts
from crisiskit.levels import Level
from crisiskit.money import CURRENCIES, Money
from crisiskit.notices import WarningNotice
from crisiskit.recovery import (
    Callback,
    ImpactAssessment,
    ImpactFigures,
    Milestone,
    RecoveryPlan,
    Term,
)
from crisiskit.remedies import QualityRemedy, RemedyKind
from crisiskit.review import Review
from crisiskit.signals import Signal
from crisiskit.team import Assignment
from crisiskit.testing import ManualClock
from crisiskit.vocabulary import Audience, Channel, CrisisState, CrisisType, Role

__all__ = [
    "attrs_builds",
    "audiences",
    "callbacks",
    "channels",
    "compensations",
    "crises",
    "crisis_states",
    "crisis_types",
    "currencies",
    "customer_refs",
    "events",
    "facts",
    "for_type",
    "impact_assessments",
    "impact_figures",
    "instants",
    "levels",
    "metrics",
    "money",
    "recovery_plans",
    "reviews",
    "roles",
    "signals",
    "texts",
    "zone_names",
    "zoned_datetimes",
]

T = TypeVar("T")
E = TypeVar("E", bound=Event)

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


def _hashes() -> st.SearchStrategy[str]:
    return st.from_regex(r"[0-9a-f]{64}", fullmatch=True)


def _enum(cls: type[Enum]) -> Callable[[], st.SearchStrategy[Any]]:
    return lambda: st.sampled_from(list(cls))


def callbacks() -> st.SearchStrategy[Callback]:
    """Callbacks with satisfaction scores on the 1–5 scale."""
    return attrs_builds(Callback, satisfaction=st.integers(min_value=1, max_value=5))


def compensations() -> st.SearchStrategy[Compensation]:
    """Compensation of any kind, for a positive amount."""
    return attrs_builds(Compensation, amount=money("CNY", min_value=1, max_value=10**6))


def impact_figures() -> st.SearchStrategy[ImpactFigures]:
    """Business figures with any subset known."""
    return st.builds(
        ImpactFigures,
        sales=st.one_of(st.none(), money("CNY", min_value=0)),
        market_share=st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=4)),
        satisfaction=st.one_of(st.none(), st.floats(min_value=1, max_value=5)),
    )


def impact_assessments() -> st.SearchStrategy[ImpactAssessment]:
    """Impact assessments (sales in one currency)."""
    return st.builds(
        ImpactAssessment, impact_figures(), impact_figures(), st.one_of(st.none(), texts())
    )


def recovery_plans() -> st.SearchStrategy[RecoveryPlan]:
    """Recovery plans with at least one goal and distinctly named milestones."""
    milestones = st.lists(attrs_builds(Milestone), max_size=3, unique_by=lambda m: m.name)
    return st.builds(
        RecoveryPlan,
        goals=st.lists(texts(), min_size=1, max_size=3).map(tuple),
        measures=st.lists(texts(), max_size=3).map(tuple),
        milestones=milestones.map(tuple),
    )


def reviews() -> st.SearchStrategy[Review]:
    """Reviews with at least one lesson."""
    return attrs_builds(Review, lessons=st.lists(texts(), min_size=1, max_size=3).map(tuple))


_BY_ANNOTATION: dict[Any, Callable[[], st.SearchStrategy[Any]]] = {
    str: texts,
    int: lambda: st.integers(min_value=0, max_value=10**6),
    float: lambda: st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    bool: st.booleans,
    pendulum.DateTime: instants,
    Level: levels,
    CrisisType: crisis_types,
    CrisisState: crisis_states,
    Channel: channels,
    Role: roles,
    Audience: audiences,
    Money: money,
    CustomerRef: customer_refs,
    Signal: signals,
    Facts: facts,
    Decimal: lambda: st.decimals(allow_nan=False, allow_infinity=False, places=4),
    CaseStep: _enum(CaseStep),
    Medium: _enum(Medium),
    RemedyKind: _enum(RemedyKind),
    CompensationKind: _enum(CompensationKind),
    Term: _enum(Term),
    Callback: callbacks,
    Compensation: compensations,
    ImpactFigures: impact_figures,
    ImpactAssessment: impact_assessments,
    RecoveryPlan: recovery_plans,
    Review: reviews,
}


def _for_annotation(annotation: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else _for_annotation(a) for a in args))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(_for_annotation(args[0]), max_size=3).map(tuple)
    if annotation in _BY_ANNOTATION:
        return _BY_ANNOTATION[annotation]()
    if annotation in _FOR_TYPE:
        return _FOR_TYPE[annotation]()
    raise LookupError(f"no strategy for fields of type {annotation!r}")


def attrs_builds(cls: type[T], **overrides: st.SearchStrategy[Any]) -> st.SearchStrategy[T]:
    """Build any crisiskit attrs class field by field, from the fields' annotations.

    Fields named in ``overrides`` use the strategy given there.
    """
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.alias: overrides[f.name] if f.name in overrides else _for_annotation(hints[f.name])
        for f in attrs.fields(cls)  # type: ignore[arg-type]
        if f.init
    }
    return st.builds(cls, **kwargs)


def events(cls: type[E]) -> st.SearchStrategy[E]:
    """Events of type ``cls``, field by field (not chained: for serialisation tests).

    For realistic, hash-chained histories drive a crisis with commands instead.
    """
    return attrs_builds(
        cls,
        crisis_id=st.from_regex(r"CR-[0-9]{1,5}", fullmatch=True),
        sequence=st.integers(min_value=1, max_value=10**6),
        actor=st.sampled_from(["monitor", "li.wei", "office", "system"]),
        prev_hash=st.one_of(st.just(""), _hashes()),
        hash=_hashes(),
        event_id=st.uuids().map(str),
    )


_COMMANDS = (
    "warn",
    "respond",
    "recover",
    "close",
    "dismiss",
    "relapse",
    "reopen",
    "regrade",
    "signal",
    "facts",
)


@st.composite
def crises(draw: st.DrawFn, max_commands: int = 12) -> Crisis:
    """Crises with realistic histories: detected, then driven by random commands.

    Commands a state does not allow are skipped, so every crisis drawn is one a host could
    really have. Its events are still pending (``crisis.pull_events()`` returns them).
    """
    start = draw(instants(max_value=dt.datetime(2030, 1, 1)))
    clock = ManualClock(start)
    context = Context(clock)
    crisis = Crisis.detect(
        context,
        crisis_id=draw(st.from_regex(r"CR-[0-9]{1,6}", fullmatch=True)),
        crisis_type=draw(crisis_types()),
        title=draw(texts()),
        actor="monitor",
        signals=draw(st.lists(signals(), max_size=2)),
        facts=draw(facts()),
    )
    for command in draw(st.lists(st.sampled_from(_COMMANDS), max_size=max_commands)):
        clock.advance(minutes=draw(st.integers(min_value=0, max_value=3000)))
        with contextlib.suppress(CrisisKitError):
            if command == "regrade":
                crisis.regrade(draw(levels()), actor="analyst", reason="reassessed")
            elif command == "signal":
                crisis.attach_signal(draw(signals()), actor="monitor")
            elif command == "facts":
                crisis.update_facts(actor="office", customers_affected=draw(st.integers(0, 10**5)))
            elif command == "close":
                crisis.record_review(
                    Review("root cause found", lessons=["lesson learnt"]), actor="office"
                )
                crisis.close("resolved", actor="gm")
            elif command in {"dismiss", "relapse", "reopen"}:
                getattr(crisis, command)(actor="gm", reason="as observed")
            else:
                getattr(crisis, command)(actor="gm")
    return crisis


_FOR_TYPE: dict[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
    Crisis: crises,
    MergeRecord: lambda: attrs_builds(MergeRecord),
    Callback: callbacks,
    Compensation: compensations,
    ImpactFigures: impact_figures,
    ImpactAssessment: impact_assessments,
    RecoveryPlan: recovery_plans,
    Review: reviews,
    **{
        cls: functools.partial(attrs_builds, cls)
        for cls in (
            Assignment,
            WarningNotice,
            Statement,
            Promise,
            CustomerCase,
            QualityRemedy,
            Milestone,
        )
    },
    Money: money,
    CustomerRef: customer_refs,
    Signal: signals,
    Facts: facts,
    **{
        cls: functools.partial(events, cls)
        for cls in _registry.TYPES.values()
        if issubclass(cls, Event)
    },
}


def for_type(cls: type[T]) -> st.SearchStrategy[T]:
    """The strategy for a serialisable crisiskit type."""
    try:
        return _FOR_TYPE[cls]()
    except KeyError:
        raise LookupError(f"no strategy for {cls.__qualname__}; register one") from None
