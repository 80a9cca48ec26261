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
import itertools
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import strategies as st

from crisiskit._internal import registry as _registry
from crisiskit.app.scenario import RENAMED_ARGS, STEP_COMMANDS, Scenario, Step
from crisiskit.calendar import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSet,
    DateOverride,
    DayKind,
    WorkingInterval,
)
from crisiskit.crisis import Context, Crisis, MergeRecord
from crisiskit.crisis.commands import (
    COMMAND_TYPES,
    Command,
    Detect,
    Grade,
    SetAttributes,
    UpdateFacts,
)
from crisiskit.errors import CrisisKitError
from crisiskit.events import Event
from crisiskit.grading import (
    Adjustment,
    Assessment,
    Bilingual,
    Contribution,
    Explanation,
    GradingInput,
    Part,
)
from crisiskit.monitor import Decision, DecisionKind, KeyState, MonitorState
from crisiskit.operations.actions import ActionProgress, PhaseStart
from crisiskit.operations.compensation import Compensation, CompensationKind
from crisiskit.operations.customer_cases import CaseStep, CustomerCase, Promise
from crisiskit.operations.expenses import Expense
from crisiskit.operations.notices import WarningNotice
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.operations.recovery import (
    Callback,
    ImpactAssessment,
    ImpactFigures,
    Milestone,
    RecoveryPlan,
    Term,
)
from crisiskit.operations.review import Improvement, ImprovementStatus, Review
from crisiskit.operations.statements import Medium, Statement
from crisiskit.operations.team import Assignment
from crisiskit.plan import (
    MAX_DURATION,
    AlertRule,
    BudgetCategory,
    CommunicationRule,
    EmergencyPlan,
    Escalation,
    LevelPlan,
    Phase,
    PlannedAction,
    Resources,
    Revision,
    RoleDuty,
    StandingMember,
)
from crisiskit.reports import (
    CrisisMetrics,
    DurationStats,
    GroupKey,
    ImprovementFigures,
    Ledger,
    LedgerLine,
    PeriodMetrics,
    PeriodReport,
    PromiseFigures,
    ReportGroup,
    SlaFigure,
    Spend,
    WorkingTimes,
)
from crisiskit.sla import (
    DEFAULT_LIFECYCLE,
    EventRule,
    LifecycleRule,
    Recipients,
    RetargetMode,
    RunSegment,
    SlaAlert,
    SlaMetric,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    SlaTimer,
    TimerAction,
    TimerChange,
)
from crisiskit.testing import ManualClock
from crisiskit.values.attributes import AttributeValues
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level
from crisiskit.values.money import CURRENCIES, Money
from crisiskit.values.open_enum import OpenLabelledEnum
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import Audience, Channel, CrisisState, CrisisType, Role

__all__ = [
    "action_ids",
    "adjustments",
    "assessments",
    "attribute_values",
    "attrs_builds",
    "audiences",
    "bilinguals",
    "budget_categories",
    "business_calendars",
    "calendar_sets",
    "callbacks",
    "channels",
    "command_objects",
    "communication_rules",
    "compensations",
    "contributions",
    "crises",
    "crisis_states",
    "crisis_types",
    "currencies",
    "customer_refs",
    "date_overrides",
    "durations",
    "emergency_plans",
    "escalations",
    "event_rules",
    "events",
    "expenses",
    "explanations",
    "facts",
    "for_type",
    "grading_inputs",
    "impact_assessments",
    "impact_figures",
    "instants",
    "level_plans",
    "levels",
    "lifecycle_rules",
    "metrics",
    "money",
    "monitor_decisions",
    "monitor_key_states",
    "monitor_states",
    "parts",
    "phases",
    "plan_resources",
    "planned_actions",
    "policy_ids",
    "recovery_plans",
    "reviews",
    "revisions",
    "role_duties",
    "roles",
    "run_segments",
    "scenarios",
    "signals",
    "sla_alerts",
    "sla_metrics",
    "sla_policies",
    "sla_targets",
    "sla_timers",
    "standing_members",
    "steps",
    "texts",
    "timer_changes",
    "working_intervals",
    "zone_names",
    "zoned_datetimes",
]

T = TypeVar("T")
E = TypeVar("E", bound=Event)
OE = TypeVar("OE", bound=OpenLabelledEnum)

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


def _open(cls: type[OE], registered: bool) -> st.SearchStrategy[OE]:
    return st.sampled_from(list(cls) if registered else cls.builtin_members())


def crisis_types(*, registered: bool = False) -> st.SearchStrategy[CrisisType]:
    """Crisis types: the built-in ones, and with ``registered=True`` the host's too.

    The host's are those registered when the strategy is made (register first).
    """
    return _open(CrisisType, registered)


def crisis_states() -> st.SearchStrategy[CrisisState]:
    """Lifecycle states."""
    return st.sampled_from(list(CrisisState))


def channels(*, registered: bool = False) -> st.SearchStrategy[Channel]:
    """Signal channels: the built-in ones, and with ``registered=True`` the host's too."""
    return _open(Channel, registered)


def roles(*, registered: bool = False) -> st.SearchStrategy[Role]:
    """Roles of the crisis organisation: the built-in ones, and with ``registered=True`` the host's too."""
    return _open(Role, registered)


def audiences(*, registered: bool = False) -> st.SearchStrategy[Audience]:
    """Audiences of outward communication: the built-in ones, and with ``registered=True`` the host's too."""
    return _open(Audience, registered)


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


def attribute_values() -> st.SearchStrategy[AttributeValues]:
    """A host's attribute values: text, whole numbers, flags and tags."""
    value = st.one_of(
        texts(max_size=40),
        st.integers(-(10**18), 10**18),
        st.booleans(),
        st.lists(texts(max_size=20), max_size=4).map(lambda tags: tuple(sorted(set(tags)))),
    )
    names = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
    return st.dictionaries(names, value, max_size=4).map(AttributeValues)


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


def command_objects(
    cls: type[Command[Any]] | None = None,
) -> st.SearchStrategy[Command[Any]]:
    """Command objects of type ``cls`` (of any type when None), field by field.

    Their arguments are well-formed values, not ones a crisis would accept: for
    serialisation tests. Drive a crisis with :func:`crises` for realistic histories.
    """
    if cls is None:
        return st.sampled_from(list(COMMAND_TYPES.values())).flatmap(command_objects)
    if cls is UpdateFacts:
        return st.builds(
            lambda known, names, actor, reason, version: UpdateFacts(
                actor=actor,
                reason=reason,
                expected_version=version,
                **{name: getattr(known, name) for name in names},
            ),
            facts(),
            st.sets(st.sampled_from([a.name for a in attrs.fields(Facts)])),
            texts(20),
            st.one_of(st.none(), texts()),
            st.one_of(st.none(), st.integers(min_value=1, max_value=10**6)),
        )
    if cls is Grade:
        return attrs_builds(
            Grade,
            policy=policy_ids(),
            factors=st.one_of(st.none(), st.dictionaries(texts(20), _finite_floats(), max_size=4)),
        )
    if cls is SetAttributes:
        values = attribute_values().map(dict)
        cleared = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True), max_size=2)
        return attrs_builds(
            SetAttributes,
            values=st.builds(lambda v, gone: {**v, **dict.fromkeys(gone)}, values, cleared),
        )
    return attrs_builds(cls)


def _finite_floats() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@functools.cache  # one strategy object, validated once, drawn from many times
def bilinguals() -> st.SearchStrategy[Bilingual]:
    """Texts in English and Chinese."""
    return st.builds(Bilingual, texts(16), texts(16))


def monitor_decisions() -> st.SearchStrategy[Decision]:
    """Decisions of a monitor, of every kind."""
    readings = st.lists(
        st.tuples(
            st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True),
            st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
        ),
        max_size=4,
    ).map(tuple)
    return st.builds(
        Decision,
        kind=st.sampled_from(list(DecisionKind)),
        key=texts(20),
        at=instants(),
        level=st.none() | levels(),
        crisis_id=st.none() | texts(20),
        crisis_type=crisis_types(),
        readings=readings,
        signals=st.lists(signals(), max_size=2).map(tuple),
        reason=bilinguals(),
    )


def monitor_key_states() -> st.SearchStrategy[KeyState]:
    """The saved state of one monitored key."""
    counters = st.lists(st.integers(0, 10**9), min_size=9, max_size=9).map(tuple)
    return st.builds(
        KeyState,
        key=texts(20),
        latest=st.none() | st.integers(0, 10**7),
        buckets=st.lists(st.tuples(st.integers(0, 10**7), counters), max_size=3).map(tuple),
        seen=st.lists(st.tuples(texts(10), st.integers(0, 10**7)), max_size=3).map(tuple),
        evidence=st.lists(signals(), max_size=2).map(tuple),
        crisis_id=st.none() | texts(20),
        crisis_level=st.none() | levels(),
        crisis_last=st.none() | st.floats(0, 1e10),
        armed=st.booleans(),
        snoozed_until=st.none() | instants(),
    )


def monitor_states() -> st.SearchStrategy[MonitorState]:
    """What a monitor remembers."""
    return st.builds(
        MonitorState,
        settings=texts(40),
        next_id=st.integers(1, 10**6),
        keys=st.lists(monitor_key_states(), max_size=2).map(tuple),
    )


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


def expenses() -> st.SearchStrategy[Expense]:
    """Spending in any budget category, for a positive amount."""
    return attrs_builds(Expense, amount=money("CNY", min_value=1, max_value=10**6))


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


def durations(
    max_value: dt.timedelta = MAX_DURATION,
    *,
    min_value: dt.timedelta = dt.timedelta(microseconds=1),
) -> st.SearchStrategy[dt.timedelta]:
    """Durations from ``min_value`` (positive by default) to ``max_value``, to the microsecond.

    For plan targets and cadences, SLA targets and business time.
    """
    return st.timedeltas(min_value=min_value, max_value=max_value)


# ----------------------------------------------------------------- calendars and SLA timers

_QUARTER_HOURS = st.integers(min_value=0, max_value=96).map(lambda q: q * 900)


def working_intervals() -> st.SearchStrategy[WorkingInterval]:
    """Working intervals, overnight ones included."""
    times = st.integers(min_value=0, max_value=86_399).map(
        lambda s: f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    )
    return st.tuples(times, times).filter(lambda p: p[0] != p[1]).map(lambda p: WorkingInterval(*p))


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"


@st.composite
def _day_hours(draw: st.DrawFn) -> tuple[str, ...]:
    """0-3 intervals inside one day, on quarter hours, not overlapping, in order."""
    bounds = sorted(draw(st.sets(_QUARTER_HOURS, max_size=6)))
    if len(bounds) % 2:
        bounds = bounds[:-1]
    return tuple(f"{_clock(a)}-{_clock(b)}" for a, b in zip(bounds[::2], bounds[1::2], strict=True))


@st.composite
def _night_hours(draw: st.DrawFn) -> tuple[str, ...]:
    """Nothing, or one night shift starting from noon and ending by noon the next day."""
    if draw(st.booleans()):
        return ()
    start = draw(st.integers(min_value=49, max_value=95)) * 900
    end = draw(st.integers(min_value=0, max_value=48)) * 900
    return (f"{_clock(start)}-{_clock(end)}",)


@st.composite
def business_calendars(
    draw: st.DrawFn,
    *,
    zones: st.SearchStrategy[str] | None = None,
    first_year: int = 2020,
    last_year: int = 2030,
) -> BusinessCalendar:
    """Valid business calendars: office hours, night shifts or 24×7, with holidays and working days.

    The horizon lies within ``first_year``..``last_year``; every calendar has working time.
    """
    zone = draw(zones if zones is not None else zone_names())
    shape = draw(st.sampled_from(["day", "night", "always"]))
    if shape == "always":
        week: list[tuple[str, ...]] = [("00:00-24:00",)] * 7
    else:
        hours = _day_hours() if shape == "day" else _night_hours()
        week = [draw(hours) for _ in range(7)]
        if not any(week):
            week[0] = ("09:00-17:00",) if shape == "day" else ("22:00-06:00",)
    makeup = draw(st.sampled_from([i for i, day in enumerate(week) if day]))
    start_year = draw(st.integers(min_value=first_year, max_value=last_year))
    end_year = draw(st.integers(min_value=start_year, max_value=min(last_year, start_year + 2)))
    first, last = dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)
    days = draw(
        st.sets(st.dates(min_value=first, max_value=last), max_size=12 if shape != "always" else 4)
    )
    overrides = []
    for day in sorted(days):
        if draw(st.booleans()):
            overrides.append(
                DateOverride.holiday(day, draw(st.sampled_from(["", "节假日", "closed"])))
            )
        elif shape == "day" and draw(st.booleans()):
            overrides.append(DateOverride.workday(day, "special hours", ["10:00-12:00"]))
        else:
            overrides.append(DateOverride.workday(day, "调休"))
    return BusinessCalendar(
        name=draw(st.sampled_from(["office", "cn-working", "night-shift", "support"])),
        zone=zone,
        week=week,
        horizon_start=first,
        horizon_end=last,
        overrides=overrides,
        makeup_weekday=makeup,
    )


def date_overrides() -> st.SearchStrategy[DateOverride]:
    """Holidays and working days (with the normal hours or their own)."""
    days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2037, 12, 31))
    return st.one_of(
        st.builds(DateOverride, days, st.just(DayKind.HOLIDAY), st.one_of(st.just(""), texts())),
        st.builds(
            DateOverride,
            days,
            st.just(DayKind.WORKDAY),
            st.one_of(st.just(""), texts()),
            st.one_of(st.none(), st.lists(working_intervals(), min_size=1, max_size=1).map(tuple)),
        ),
    )


def calendar_sets() -> st.SearchStrategy[CalendarSet]:
    """Sets of one or two calendars with different names."""
    return st.lists(business_calendars(), min_size=1, max_size=2, unique_by=lambda c: c.name).map(
        lambda calendars: CalendarSet(tuple(calendars))
    )


def sla_metrics() -> st.SearchStrategy[SlaMetric]:
    """The SLA metrics."""
    return st.sampled_from(list(SlaMetric))


def _fractions() -> st.SearchStrategy[tuple[float, ...]]:
    return st.sets(st.sampled_from([0.25, 0.5, 0.75, 0.9, 1.0, 1.5, 2.0]), min_size=1).map(
        lambda found: tuple(sorted(found))
    )


@st.composite
def sla_timers(draw: st.DrawFn) -> SlaTimer:
    """Timers on the 24×7 calendar after a random history of pauses, resumes and retargets."""
    at = draw(instants(max_value=dt.datetime(2030, 1, 1)))
    timer = SlaTimer.start(
        draw(st.from_regex(r"CR-[0-9]{1,4}/[a-z_]{1,12}", fullmatch=True)),
        draw(sla_metrics()),
        draw(durations(dt.timedelta(days=10), min_value=dt.timedelta(seconds=1))),
        TWENTY_FOUR_SEVEN,
        at,
        milestones=draw(_fractions()),
        at_risk=draw(st.sampled_from([0.5, 0.75, 1.0])),
    )
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["pause", "resume", "stop", "cancel", "retarget", "restart", "sweep"]
                ),
                durations(dt.timedelta(days=3), min_value=dt.timedelta(0)),
            ),
            max_size=6,
        )
    )
    for step, gap in steps:
        at = at + gap
        if step == "sweep":
            timer = timer._emit(at, TWENTY_FOUR_SEVEN)[0]
        elif step == "restart":
            timer = timer.restarted(at, TWENTY_FOUR_SEVEN)
        elif not timer.is_open:
            continue
        elif step == "pause":
            timer = timer.paused(
                at,
                draw(st.sampled_from(["waiting on customer", "等待客户回复"])),
                TWENTY_FOUR_SEVEN,
            )
        elif step == "resume":
            timer = timer.resumed(at, TWENTY_FOUR_SEVEN)
        elif step == "stop":
            timer = timer.stopped(at, TWENTY_FOUR_SEVEN)
        elif step == "cancel":
            timer = timer.cancelled(at, "crisis dismissed", TWENTY_FOUR_SEVEN)
        else:
            timer = timer.retargeted(gap + dt.timedelta(minutes=1), at, TWENTY_FOUR_SEVEN)
    return timer


def run_segments() -> st.SearchStrategy[RunSegment]:
    """Closed running segments on the 24×7 calendar."""
    return st.builds(
        lambda start, length: RunSegment(start, start + length, length, TWENTY_FOUR_SEVEN.name),
        instants(),
        durations(dt.timedelta(days=5), min_value=dt.timedelta(0)),
    )


def sla_alerts() -> st.SearchStrategy[SlaAlert]:
    """Milestone and breach alerts."""
    return st.builds(
        SlaAlert,
        st.from_regex(r"CR-[0-9]{1,4}/[a-z_]{1,12}", fullmatch=True),
        sla_metrics(),
        st.sampled_from([0.5, 0.75, 1.0, 1.5]),
        instants(),
        durations(),
        st.one_of(st.none(), instants()),
        subject=st.one_of(st.none(), st.from_regex(r"C-[0-9]{1,5}", fullmatch=True)),
        recipients=st.one_of(st.none(), recipients()),
    )


def sla_targets() -> st.SearchStrategy[SlaTarget]:
    """Targets on the 24×7 calendar."""
    return st.builds(
        SlaTarget,
        levels(),
        sla_metrics(),
        durations(min_value=dt.timedelta(minutes=1)),
        st.just(TWENTY_FOUR_SEVEN.name),
    )


def lifecycle_rules() -> st.SearchStrategy[LifecycleRule]:
    """Lifecycle rules."""
    return st.builds(
        LifecycleRule,
        crisis_states(),
        sla_metrics(),
        st.sampled_from([a for a in TimerAction if a is not TimerAction.RETARGET]),
    )


def event_rules() -> st.SearchStrategy[EventRule]:
    """Event rules: what an event, by name, does to a metric's timer."""
    return st.builds(
        EventRule,
        st.sampled_from(["CrisisAcknowledged", "QualityRemedyRecorded", "StatementReleased"]),
        sla_metrics(),
        st.sampled_from([a for a in TimerAction if a is not TimerAction.RETARGET]),
    )


def timer_changes() -> st.SearchStrategy[TimerChange]:
    """Records of timer changes."""
    return st.builds(
        TimerChange,
        timer_id=st.from_regex(r"CR-[0-9]{1,4}/[a-z_]{1,12}", fullmatch=True),
        metric=sla_metrics(),
        action=st.sampled_from(list(TimerAction)),
        at=instants(),
        target=durations(),
        calendar=st.just("24x7"),
        deadline=st.one_of(st.none(), instants()),
        reason=st.one_of(st.none(), texts()),
    )


@st.composite
def sla_policies(draw: st.DrawFn) -> SlaPolicy:
    """The default policy over a random working calendar, with random alert settings."""
    working = draw(business_calendars().filter(lambda c: c.name != TWENTY_FOUR_SEVEN.name))
    return SlaPolicy.default(
        working,
        lifecycle=draw(st.sampled_from([DEFAULT_LIFECYCLE, DEFAULT_LIFECYCLE[:4], ()])),
        milestones=draw(_fractions()),
        at_risk=draw(st.sampled_from([0.5, 0.75, 0.9])),
        retarget_mode=draw(st.sampled_from(list(RetargetMode))),
    )


# Strategies by annotation for what is not a serialisable type (primitives, enums, Decimal);
# serialisable types are looked up in _FOR_TYPE, so each has exactly one strategy.
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
    Decimal: lambda: st.decimals(allow_nan=False, allow_infinity=False, places=4),
    CaseStep: _enum(CaseStep),
    Medium: _enum(Medium),
    RemedyKind: _enum(RemedyKind),
    CompensationKind: _enum(CompensationKind),
    Term: _enum(Term),
    BudgetCategory: _enum(BudgetCategory),
    dt.timedelta: durations,
    SlaMetric: sla_metrics,
    SlaStatus: _enum(SlaStatus),
    GroupKey: _enum(GroupKey),
    ImprovementStatus: _enum(ImprovementStatus),
    Phase: _enum(Phase),
    AttributeValues: attribute_values,
}


def _for_annotation(annotation: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else _for_annotation(a) for a in args))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(_for_annotation(args[0]), max_size=3).map(tuple)
    if origin is tuple and args:
        return st.tuples(*(_for_annotation(a) for a in args))
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
    "set_level",
    "signal",
    "facts",
    "assign",
    "acknowledge",
    "case",
    "callback",
    "progress",
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
            if command == "set_level":
                crisis.set_level(draw(levels()), actor="analyst", reason="reassessed")
            elif command == "signal":
                crisis.attach_signal(draw(signals()), actor="monitor")
            elif command == "facts":
                crisis.update_facts(actor="office", customers_affected=draw(st.integers(0, 10**5)))
            elif command == "assign":
                crisis.assign(draw(roles()), draw(texts()), actor="office")
            elif command == "acknowledge":
                crisis.acknowledge(actor="office")
            elif command in {"case", "callback"}:
                if not crisis.customers:
                    continue
                customer = draw(st.sampled_from(crisis.customers)).customer_id
                if command == "case":
                    crisis.handle_customer(customer, CaseStep.RECEIVED, actor="cs")
                else:
                    crisis.record_callback(customer, draw(st.integers(1, 5)), actor="cs")
            elif command == "progress":
                crisis.report_progress(draw(texts()), actor="office")
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


# ---- the emergency plan


def phases() -> st.SearchStrategy[Phase]:
    """Response phases."""
    return st.sampled_from(list(Phase))


def budget_categories() -> st.SearchStrategy[BudgetCategory]:
    """Budget categories."""
    return st.sampled_from(list(BudgetCategory))


def _calendar_names() -> st.SearchStrategy[str]:
    return st.sampled_from(["24x7", "working", "cn-office", "hk/retail"])


def action_ids() -> st.SearchStrategy[str]:
    """Action ids such as ``"contact-customers"``."""
    # Built from characters rather than a regex: from_regex is ten times slower to draw.
    return st.builds(
        str.__add__,
        st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=11),
    )


def role_duties(role: Role | None = None) -> st.SearchStrategy[RoleDuty]:
    """A role (``role`` when given) with a duty, in English and sometimes Chinese."""
    return st.builds(
        RoleDuty,
        st.just(role) if role is not None else roles(),
        texts(),
        st.one_of(st.none(), texts()),
    )


def planned_actions(
    action_id: str | None = None, phase: Phase | None = None, owner: Role | None = None
) -> st.SearchStrategy[PlannedAction]:
    """Planned actions; the arguments given are fixed, the others drawn."""
    return st.builds(
        PlannedAction,
        st.just(action_id) if action_id is not None else action_ids(),
        st.just(phase) if phase is not None else phases(),
        texts(),
        st.just(owner) if owner is not None else roles(),
        st.one_of(st.none(), durations()),
        _calendar_names(),
        st.one_of(st.none(), texts()),
    )


def communication_rules(
    audience: Audience | None = None, approver: Role | None = None
) -> st.SearchStrategy[CommunicationRule]:
    """Communication rules; the arguments given are fixed, the others drawn."""
    return st.builds(
        CommunicationRule,
        st.just(audience) if audience is not None else audiences(),
        st.booleans(),
        st.one_of(st.none(), durations()),
        st.just(approver) if approver is not None else roles(),
        st.one_of(st.none(), durations()),
        _calendar_names(),
    )


def alert_rules() -> st.SearchStrategy[AlertRule]:
    """Alert rules: one to three roles to notify, of one metric or all, from a fraction on."""
    return st.builds(
        AlertRule,
        st.lists(roles(), min_size=1, max_size=3, unique=True).map(tuple),
        metric=st.one_of(st.none(), sla_metrics().map(lambda m: m.value)),
        at=st.sampled_from([0.5, 0.75, 1.0, 1.5]),
    )


def recipients() -> st.SearchStrategy[Recipients]:
    """Whom an alert is for: roles, and some of the people holding them."""
    return st.builds(
        Recipients,
        st.lists(roles(), min_size=1, max_size=3, unique=True).map(tuple),
        st.lists(texts(20), max_size=3, unique=True).map(tuple),
    )


def escalations() -> st.SearchStrategy[Escalation]:
    """Escalations: one to three roles to inform, with a note."""
    return st.builds(
        Escalation,
        st.lists(roles(), min_size=1, max_size=3, unique=True).map(tuple),
        st.one_of(st.just(""), texts()),
        st.one_of(st.none(), texts()),
    )


@functools.cache
def _parts() -> dict[str, st.SearchStrategy[Any]]:
    # Built once: constructing (and validating) fresh strategies for every draw inside a
    # composite costs far more than drawing from them.
    optional_text = st.one_of(st.none(), texts())
    optional_duration = st.one_of(st.none(), durations())
    return {
        "staffed": st.lists(roles(), min_size=1, max_size=4, unique=True),
        "ids": st.lists(action_ids(), max_size=4, unique=True),
        "audiences": st.lists(audiences(), max_size=3, unique=True),
        "text": texts(),
        "optional_text": optional_text,
        "duration": optional_duration,
        "calendar": _calendar_names(),
        "phase": phases(),
        "bool": st.booleans(),
        "escalation": st.one_of(st.none(), escalations()),
        "alert_rules": st.lists(alert_rules(), max_size=3).map(tuple),
        "index": st.integers(min_value=0, max_value=3),
    }


@st.composite
def _level_plan(
    draw: st.DrawFn,
    level: Level,
    crisis_type: CrisisType | None,
    phase_of: dict[str, Phase] | None = None,
) -> LevelPlan:
    part = _parts()
    staffed: list[Role] = draw(part["staffed"])

    def someone() -> Role:
        index: int = draw(part["index"])
        return staffed[index % len(staffed)]

    if phase_of:
        pool = sorted(phase_of)
        ids = [a for a in pool if draw(part["bool"])][:4]
    else:
        ids = draw(part["ids"])
    actions = [
        PlannedAction(
            action_id,
            phase_of[action_id] if phase_of else draw(part["phase"]),
            draw(part["text"]),
            someone(),
            draw(part["duration"]),
            draw(part["calendar"]),
            draw(part["optional_text"]),
        )
        for action_id in ids
    ]
    rules = [
        CommunicationRule(
            audience,
            draw(part["bool"]),
            draw(part["duration"]),
            someone(),
            draw(part["duration"]),
            draw(part["calendar"]),
        )
        for audience in draw(part["audiences"])
    ]
    return LevelPlan(
        level,
        crisis_type,
        required_roles=[
            RoleDuty(role, draw(part["text"]), draw(part["optional_text"])) for role in staffed
        ],
        actions=actions,
        communications=rules,
        escalation=draw(part["escalation"]),
        alert_rules=draw(part["alert_rules"]),
    )


def level_plans(
    level: Level | None = None, crisis_type: CrisisType | None = None
) -> st.SearchStrategy[LevelPlan]:
    """Consistent level plans: owners and approvers are among the required roles.

    ``level`` and ``crisis_type`` are drawn when not given (``crisis_type`` may then be None,
    the default entry).
    """
    return st.tuples(
        st.just(level) if level is not None else levels(),
        st.just(crisis_type) if crisis_type is not None else st.one_of(st.none(), crisis_types()),
    ).flatmap(lambda pair: _level_plan(*pair))


def standing_members() -> st.SearchStrategy[StandingMember]:
    """Members of a standing crisis team."""
    return st.builds(StandingMember, roles(), texts())


def plan_resources(currency: str | None = None) -> st.SearchStrategy[Resources]:
    """Resources with budgets for every category in one currency (``currency`` when given)."""
    return (st.just(currency) if currency is not None else currencies()).flatmap(
        lambda code: st.builds(
            Resources,
            st.fixed_dictionaries(
                {category: money(code, min_value=0) for category in BudgetCategory}
            ),
            st.lists(standing_members(), max_size=4, unique=True).map(tuple),
            st.lists(texts(20), max_size=4, unique=True).map(tuple),
        )
    )


def _versions() -> st.SearchStrategy[str]:
    numbers = st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=3)
    return st.one_of(
        numbers.map(lambda parts: ".".join(map(str, parts))),
        numbers.map(lambda parts: "v" + "-".join(map(str, parts))),
    )


def revisions() -> st.SearchStrategy[Revision]:
    """Single revisions (for serialisation tests; plans draw consistent histories)."""
    return st.builds(
        Revision,
        _versions(),
        zoned_datetimes(),
        st.lists(texts(), min_size=1, max_size=3).map(tuple),
        st.lists(texts(20), max_size=3).map(tuple),
    )


@st.composite
def emergency_plans(draw: st.DrawFn, max_types: int = 1) -> EmergencyPlan:
    """Valid emergency plans: a default entry and up to ``max_types`` crisis types, levels I–IV.

    Action ids keep one phase across the plan and versions rise, as the plan requires.
    """
    pool = draw(st.lists(action_ids(), min_size=1, max_size=6, unique=True))
    phase_of = {action_id: draw(phases()) for action_id in pool}
    own = draw(st.lists(crisis_types(), max_size=max_types, unique=True))
    entries = [
        draw(_level_plan(level, crisis_type, phase_of))
        for crisis_type in (None, *own)
        for level in Level
    ]
    count = draw(st.integers(min_value=1, max_value=3))
    major = draw(st.integers(min_value=0, max_value=99))
    start = draw(instants(max_value=dt.datetime(2030, 1, 1)))
    history = []
    for number in range(count):
        start = start + draw(
            st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400))
        )
        history.append(
            Revision(
                f"{major}.{number}",
                start,
                tuple(draw(st.lists(texts(), min_size=1, max_size=2))),
                tuple(draw(st.lists(texts(20), max_size=2))),
            )
        )
    return EmergencyPlan(
        f"P-{draw(st.integers(min_value=1, max_value=9999))}",
        history[-1].version,
        history[-1].effective_from,
        draw(texts()),
        draw(st.permutations(entries)),
        draw(plan_resources()),
        tuple(history),
        draw(st.one_of(st.none(), texts())),
    )


def _json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=12),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=8), children, max_size=3)
        ),
        max_leaves=6,
    )


def steps() -> st.SearchStrategy[Step]:
    """Scenario steps (their arguments are arbitrary JSON: for serialisation tests)."""
    timing: st.SearchStrategy[dict[str, Any]] = st.one_of(
        st.fixed_dictionaries({}),
        st.fixed_dictionaries({"at": instants()}),
        st.fixed_dictionaries({"after": durations(dt.timedelta(hours=72))}),
    )
    return st.builds(
        lambda command, actor, when, args, expect, note: Step(
            do=command, actor=actor, args=args, expect=expect, note=note, **when
        ),
        st.sampled_from(sorted(STEP_COMMANDS - {"detect"})),
        st.sampled_from(["office", "gm", "cs"]),
        timing,
        st.dictionaries(
            # Not a name of before 0.2, which a file of today's format may not use.
            st.from_regex(r"[a-z_]{1,10}", fullmatch=True).filter(
                lambda key: all(key not in old for old in RENAMED_ARGS.values())
            ),
            _json_values(),
            max_size=3,
        ),
        st.sampled_from(["done", "refused"]),
        st.one_of(st.none(), texts()),
    )


def scenarios() -> st.SearchStrategy[Scenario]:
    """Scenarios: a detect step, then any steps."""
    detect = st.builds(
        lambda actor: Step(do="detect", actor=actor), st.sampled_from(["monitor", "cs"])
    )
    return st.builds(
        lambda name, start, zone, crisis_id, kind, title, first, rest: Scenario(
            name=name,
            start=start,
            zone=zone,
            crisis_id=crisis_id,
            crisis_type=kind,
            title=title,
            steps=(first, *rest),
        ),
        texts(),
        instants(),
        zone_names(),
        st.from_regex(r"CR-[0-9]{1,5}", fullmatch=True),
        crisis_types(),
        texts(),
        detect,
        st.lists(steps(), max_size=4),
    )


_FOR_TYPE: dict[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
    Crisis: crises,
    Step: steps,
    Scenario: scenarios,
    MergeRecord: lambda: attrs_builds(MergeRecord),
    Callback: callbacks,
    Compensation: compensations,
    Expense: expenses,
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
            Improvement,
            ActionProgress,
            PhaseStart,
        )
    },
    Money: money,
    CustomerRef: customer_refs,
    Signal: signals,
    Facts: facts,
    WorkingInterval: working_intervals,
    DateOverride: date_overrides,
    BusinessCalendar: business_calendars,
    CalendarSet: calendar_sets,
    RunSegment: run_segments,
    SlaAlert: sla_alerts,
    SlaTimer: sla_timers,
    SlaTarget: sla_targets,
    LifecycleRule: lifecycle_rules,
    EventRule: event_rules,
    TimerChange: timer_changes,
    SlaPolicy: sla_policies,
    RoleDuty: role_duties,
    PlannedAction: planned_actions,
    CommunicationRule: communication_rules,
    Escalation: escalations,
    AlertRule: alert_rules,
    Recipients: recipients,
    LevelPlan: level_plans,
    StandingMember: standing_members,
    Resources: plan_resources,
    Revision: revisions,
    EmergencyPlan: emergency_plans,
    Bilingual: bilinguals,
    Contribution: contributions,
    Adjustment: adjustments,
    Explanation: explanations,
    Part: parts,
    GradingInput: grading_inputs,
    Assessment: assessments,
    Detect: lambda: attrs_builds(Detect),
    Decision: monitor_decisions,
    KeyState: monitor_key_states,
    MonitorState: monitor_states,
    **{
        cls: functools.partial(attrs_builds, cls)
        for cls in (
            Spend,
            PromiseFigures,
            ImprovementFigures,
            CrisisMetrics,
            DurationStats,
            SlaFigure,
            WorkingTimes,
            PeriodMetrics,
            ReportGroup,
            PeriodReport,
            LedgerLine,
            Ledger,
        )
    },
    **{cls: functools.partial(command_objects, cls) for cls in COMMAND_TYPES.values()},
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
