"""What a grading policy reads: the crisis's type, signals, customers, facts and analyst ratings.

The factor names below are the ones the shipped policies read (the company's grading rules). Each is an
analyst's rating on the scale **1 (lowest) to 5 (highest)**; fractional ratings such as
3.5 (the mean of several analysts) are fine.

| group | factor | 中文 | what 5 means |
|---|---|---|---|
| likelihood | ``severity`` | 问题的严重程度 | the problem itself is grave (injury, fraud, data exposed) |
| likelihood | ``scope`` | 影响范围 | many customers, regions or channels are touched |
| likelihood | ``trend`` | 发展趋势 | it is spreading fast and gathering attention |
| impact | ``brand_damage`` | 品牌形象受损 | lasting, national damage to the brand |
| impact | ``customer_loss`` | 客户流失 | key accounts or a large share of customers may leave |
| impact | ``economic_loss`` | 经济损失 | losses that hurt the year's results |
| impact | ``legal_risk`` | 法律风险 | regulatory action, litigation or criminal liability likely |

The AHP–fuzzy policy also accepts, instead of a rating, an expert panel's memberships of a
factor in each level: ``brand_damage.I``, ``brand_damage.II``, ``brand_damage.III`` and
``brand_damage.IV`` (each 0–1, e.g. the share of experts who chose that level).

Indicator readings (heat, negative-review ratio, …) come from the signals' metrics, not
from the factors; :meth:`GradingInput.latest_indicators` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.grading.explanation import Bilingual
from crisiskit.messages import _
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level, to_level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import Channel, CrisisType, to_crisis_type

__all__ = [
    "FACTORS",
    "IMPACT_FACTORS",
    "LIKELIHOOD_FACTORS",
    "FactorSpec",
    "GradingInput",
    "Reading",
]


@frozen
class FactorSpec:
    """A factor the shipped policies read: its name, group, labels and what its scale means."""

    name: str
    """The key in :attr:`GradingInput.factors`, e.g. ``"brand_damage"``."""
    group: str
    """``"likelihood"`` or ``"impact"``."""
    label: Bilingual
    """The factor's name for people."""
    high: Bilingual
    """What a rating of 5 means."""


def _spec(name: str, group: str, label: tuple[str, str], high: tuple[str, str]) -> FactorSpec:
    return FactorSpec(name, group, Bilingual(*label), Bilingual(*high))


LIKELIHOOD_FACTORS: tuple[str, ...] = ("severity", "scope", "trend")
"""The likelihood factors (严重程度、影响范围、发展趋势)."""

IMPACT_FACTORS: tuple[str, ...] = ("brand_damage", "customer_loss", "economic_loss", "legal_risk")
"""The impact factors (品牌形象受损、客户流失、经济损失、法律风险)."""

FACTORS: Mapping[str, FactorSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "severity",
            "likelihood",
            ("severity", "严重程度"),
            (
                "the problem itself is grave (injury, fraud, data exposed)",
                "问题本身严重（人身伤害、欺诈、数据泄露）",
            ),
        ),
        _spec(
            "scope",
            "likelihood",
            ("scope", "影响范围"),
            ("many customers, regions or channels are touched", "涉及大量客户、地区或渠道"),
        ),
        _spec(
            "trend",
            "likelihood",
            ("trend", "发展趋势"),
            ("it is spreading fast and gathering attention", "迅速扩散、关注度快速上升"),
        ),
        _spec(
            "brand_damage",
            "impact",
            ("brand damage", "品牌形象受损"),
            ("lasting, national damage to the brand", "品牌形象受到长期、全国性的损害"),
        ),
        _spec(
            "customer_loss",
            "impact",
            ("customer loss", "客户流失"),
            ("key accounts or a large share of customers may leave", "重要客户或大量客户可能流失"),
        ),
        _spec(
            "economic_loss",
            "impact",
            ("economic loss", "经济损失"),
            ("losses that hurt the year's results", "损失足以影响全年业绩"),
        ),
        _spec(
            "legal_risk",
            "impact",
            ("legal risk", "法律风险"),
            (
                "regulatory action, litigation or criminal liability likely",
                "很可能面临监管处罚、诉讼或刑事责任",
            ),
        ),
    )
}
"""Every factor the shipped policies read, by name."""


@frozen
class Reading:
    """The latest reading of one indicator, and which signal it came from."""

    indicator: str
    """The metric's name, e.g. ``"heat"``."""
    value: float
    """The reading."""
    observed_at: pendulum.DateTime
    """When the signal carrying it was observed (UTC)."""
    channel: Channel
    """The channel of that signal."""


@serializable()
@frozen(kw_only=True)
class GradingInput:
    """Everything a grading policy may read about a crisis, frozen at the moment of grading.

    Build one from a crisis and the analysts' ratings, then hand it to
    :meth:`GradingPolicy.assess <crisiskit.grading.GradingPolicy.assess>`::

        inputs = GradingInput(
            crisis_type=crisis.crisis_type,
            signals=crisis.signals,
            customers=crisis.customers,
            facts=crisis.facts,
            factors={"severity": 4, "scope": 3, "trend": 4, "brand_damage": 4, ...},
            previous_level=crisis.level,
        )

    The factor names and their 1–5 scales are listed in :data:`FACTORS` and in the module
    documentation; names are identifiers (letters, digits, ``_``, ``.``, ``-``) and values
    finite numbers.
    """

    crisis_type: CrisisType = field(
        converter=to_crisis_type, validator=_checks.is_member(CrisisType)
    )
    """What kind of crisis this is."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals seen so far; their metrics are the indicator readings."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers the crisis touches."""
    facts: Facts = field(factory=Facts)
    """What is known about what happened."""
    factors: Mapping[str, float] = field(
        factory=dict, converter=_checks.to_metrics, validator=_checks.is_metrics
    )
    """Analysts' ratings by factor name (see :data:`FACTORS`)."""
    previous_level: Level | None = field(
        default=None,
        converter=attrs.converters.optional(to_level),
        validator=_checks.is_optional_member(Level),
    )
    """The crisis's level before this grading, if it has one (used by hysteresis)."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.facts, Facts):
            raise ValidationError(
                _(
                    "GradingInput.facts must be a Facts; got {kind} {facts!r}",
                    kind=type(self.facts).__name__,
                    facts=self.facts,
                )
            )

    def latest_readings(self) -> dict[str, Reading]:
        """The latest reading of every indicator in the signals' metrics, by indicator name.

        "Latest" is by ``observed_at``; of two signals observed at the same instant, the one
        later in :attr:`signals` wins.
        """
        found: dict[str, Reading] = {}
        ordered = sorted(enumerate(self.signals), key=lambda pair: (pair[1].observed_at, pair[0]))
        for _position, signal in ordered:
            for name, value in signal.metrics.items():
                found[name] = Reading(name, value, signal.observed_at, signal.channel)
        return dict(sorted(found.items()))

    def latest_indicators(self) -> dict[str, float]:
        """The latest value of every indicator in the signals' metrics (see :meth:`latest_readings`)."""
        return {name: reading.value for name, reading in self.latest_readings().items()}

    @property
    def vip_customers(self) -> tuple[CustomerRef, ...]:
        """The VIP customers among :attr:`customers` and the signals' customers, once each."""
        seen: dict[str, CustomerRef] = {}
        for ref in (*self.customers, *(c for s in self.signals for c in s.customers)):
            if ref.is_vip and ref.customer_id not in seen:
                seen[ref.customer_id] = ref
        return tuple(seen.values())
