"""Warning indicators with thresholds per level (from the company's warning rules and the warning-indicator scheme), with optional hysteresis.

:class:`IndicatorPolicy` reads the latest value of each indicator from the signals' metrics
and gives the most severe level any indicator reaches. No national standard sets these
thresholds; :data:`DEFAULT_RULES` are **defaults** to tune per company, product and market:

| indicator | meaning | IV | III | II | I |
|---|---|---|---|---|---|
| ``heat`` 舆情热度 | related posts, reposts and comments in 24 h | 500 | 2 000 | 10 000 | 50 000 |
| ``negative_ratio`` 负面评价比例 | share of negative comments (0–1) | 0.10 | 0.20 | 0.35 | 0.50 |
| ``media_attention`` 媒体关注度 | news reports in 24 h | 1 | 5 | 20 | 50 |
| ``satisfaction_decline`` 满意度下降 | drop in satisfaction, percentage points | 2 | 5 | 10 | 20 |
| ``negative_report_growth`` 负面报道增长率 | growth of negative reports over the previous period (1.0 = doubled) | 0.2 | 0.5 | 1.0 | 3.0 |
| ``complaint_rate`` 投诉率 | complaints per 1 000 orders | 1 | 3 | 10 | 30 |

**Hysteresis.** With ``hysteresis=h`` (a fraction such as 0.1) and a previous level, the
level is not lowered until the readings fall clearly below the thresholds that set it: an
indicator holds a level *L* (no higher than the previous level) while its reading stays at
or above the release point ``threshold × (1 − h)`` (``× (1 + h)`` for a falling
indicator), or ``threshold − deadband`` when the rule has an absolute ``deadband``. Raising
is never delayed. The policy is monotone either way: a worse reading never lowers the level.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Bilingual, Contribution, level_said
from crisiskit.grading.inputs import GradingInput
from crisiskit.grading.policy import Grade, GradingPolicy, configuration_form
from crisiskit.messages import Message, _
from crisiskit.values.labels import LabelledEnum, converted
from crisiskit.values.levels import Level

__all__ = ["DEFAULT_RULES", "Direction", "IndicatorPolicy", "IndicatorRule"]


class Direction(LabelledEnum):
    """Which way an indicator gets worse."""

    RISING = "rising"
    """Higher readings are worse (heat, complaint rate)."""
    FALLING = "falling"
    """Lower readings are worse (a satisfaction score, an on-time rate)."""


Direction._register_labels(
    {
        Direction.RISING: ("higher is worse", "越高越严重"),
        Direction.FALLING: ("lower is worse", "越低越严重"),
    }
)


def to_direction(value: Direction | str) -> Direction:
    """Attrs converter: the Direction that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Direction)


def _to_thresholds(value: Mapping[Level | str, float]) -> tuple[tuple[Level, float], ...]:
    if not isinstance(value, Mapping):
        return value
    pairs = []
    for key, threshold in value.items():
        level = _util.level(key)
        pairs.append((level, _util.real(_("threshold for {level}", level=level.value), threshold)))
    return tuple(sorted(pairs, key=lambda pair: pair[0], reverse=True))


@frozen(kw_only=True)
class IndicatorRule:
    """The thresholds of one indicator: the reading at which each level is reached.

    >>> rule = IndicatorRule(indicator="heat", label=Bilingual("heat", "舆情热度"),
    ...                      thresholds={"I": 50000, "II": 10000, "III": 2000, "IV": 500})
    >>> rule.reached(12000)
    <Level.II: 'II'>
    """

    indicator: str = field(validator=_checks.is_text)
    """The metric's name in the signals, e.g. ``"heat"``."""
    thresholds: tuple[tuple[Level, float], ...] = field(converter=_to_thresholds)
    """The reading that reaches each level, most severe first (give a mapping level -> reading)."""
    label: Bilingual = field()
    """The indicator's name for people."""
    meaning: Bilingual | None = field(default=None)
    """What the reading measures, and in which unit."""
    direction: Direction = field(
        default=Direction.RISING, converter=to_direction, validator=_checks.is_member(Direction)
    )
    """Which way the indicator gets worse."""
    deadband: float | None = field(default=None, converter=_util.to_optional_float)
    """An absolute hysteresis band for this indicator, overriding the policy's relative one."""

    def __attrs_post_init__(self) -> None:
        where = f"IndicatorRule {self.indicator!r}"
        if not isinstance(self.label, Bilingual):
            raise ValidationError(
                _(
                    "{where}: label must be a Bilingual text; got {label!r}",
                    where=where,
                    label=self.label,
                )
            )
        if not self.thresholds:
            raise PolicyError(_("{where}: give a threshold for at least one level", where=where))
        if len({lvl for lvl, _unused in self.thresholds}) != len(self.thresholds):
            raise PolicyError(_("{where}: a level has two thresholds", where=where))
        for (more, high), (less, low) in itertools.pairwise(self.thresholds):
            worse = high > low if self.direction is Direction.RISING else high < low
            if not worse:
                word = _("higher") if self.direction is Direction.RISING else _("lower")
                raise PolicyError(
                    _(
                        "{where}: a more severe level needs a {word} threshold ({label}), but {more} is at {high} and {less} at {low}",
                        where=where,
                        word=word,
                        label=self.direction,
                        more=more.value,
                        high=_util.fmt(high),
                        less=less.value,
                        low=_util.fmt(low),
                    )
                )
        if self.deadband is not None:
            band = _util.real(f"{where}: deadband", self.deadband)
            if band < 0:
                raise PolicyError(
                    _(
                        "{where}: deadband must be >= 0; got {band}",
                        where=where,
                        band=_util.fmt(band),
                    )
                )

    def threshold(self, level: Level | str) -> float | None:
        """The reading that reaches ``level``, or None if the rule has no threshold for it."""
        return dict(self.thresholds).get(_checks.member("threshold(level)", level, Level))

    def reached(self, value: float) -> Level | None:
        """The most severe level ``value`` reaches, or None if it reaches none."""
        for level, threshold in self.thresholds:
            if self._beyond(value, threshold):
                return level
        return None

    def release_point(self, level: Level | str, hysteresis: float) -> float | None:
        """The reading below which (above, if falling) ``level`` is released."""
        threshold = self.threshold(level)
        if threshold is None:
            return None
        band = self.deadband if self.deadband is not None else abs(threshold) * hysteresis
        return threshold - band if self.direction is Direction.RISING else threshold + band

    def held(self, value: float, hysteresis: float) -> Level | None:
        """The most severe level whose release point ``value`` still reaches."""
        for level, _threshold in self.thresholds:
            point = self.release_point(level, hysteresis)
            if point is not None and self._beyond(value, point):
                return level
        return None

    def _beyond(self, value: float, point: float) -> bool:
        return value >= point if self.direction is Direction.RISING else value <= point

    @property
    def comparison(self) -> str:
        """``≥`` for a rising indicator, ``≤`` for a falling one."""
        return "≥" if self.direction is Direction.RISING else "≤"

    def configuration(self) -> dict[str, Any]:
        """The rule as JSON-ready data."""
        return {
            "thresholds": {lvl.value: _util.canonical_number(t) for lvl, t in self.thresholds},
            "direction": self.direction.value,
            "deadband": None if self.deadband is None else _util.canonical_number(self.deadband),
        }


def _rule(
    name: str, label: tuple[str, str], meaning: tuple[str, str], thresholds: tuple[float, ...]
) -> IndicatorRule:
    iv, iii, ii, i = thresholds
    return IndicatorRule(
        indicator=name,
        label=Bilingual(*label),
        meaning=Bilingual(*meaning),
        thresholds={Level.IV: iv, Level.III: iii, Level.II: ii, Level.I: i},
    )


DEFAULT_RULES: tuple[IndicatorRule, ...] = (
    _rule(
        "heat",
        ("public-opinion heat", "舆情热度"),
        ("related posts, reposts and comments in 24 h", "24小时内相关发帖、转发和评论数"),
        (500, 2_000, 10_000, 50_000),
    ),
    _rule(
        "negative_ratio",
        ("negative-review ratio", "负面评价比例"),
        ("share of negative comments, 0–1", "负面评论所占比例（0–1）"),
        (0.10, 0.20, 0.35, 0.50),
    ),
    _rule(
        "media_attention",
        ("media attention", "媒体关注度"),
        ("news reports in 24 h", "24小时内新闻报道数"),
        (1, 5, 20, 50),
    ),
    _rule(
        "satisfaction_decline",
        ("satisfaction decline", "满意度下降"),
        ("drop in customer satisfaction, percentage points", "客户满意度下降的百分点"),
        (2, 5, 10, 20),
    ),
    _rule(
        "negative_report_growth",
        ("growth of negative reports", "负面报道增长率"),
        ("growth over the previous period, 1.0 = doubled", "较上一周期的增长率（1.0即翻倍）"),
        (0.2, 0.5, 1.0, 3.0),
    ),
    _rule(
        "complaint_rate",
        ("complaint rate", "投诉率"),
        ("complaints per 1 000 orders", "每千笔订单的投诉数"),
        (1, 3, 10, 30),
    ),
)
"""The shipped indicator thresholds — defaults, not a standard (no national standard exists)."""


def _rules(value: Iterable[IndicatorRule]) -> tuple[IndicatorRule, ...]:
    rules = tuple(value)
    if not rules:
        raise PolicyError(_("an IndicatorPolicy needs at least one IndicatorRule"))
    for i, rule in enumerate(rules):
        if not isinstance(rule, IndicatorRule):
            raise PolicyError(
                _("rules[{i}] must be an IndicatorRule; got {kind}", i=i, kind=type(rule).__name__)
            )
    names = [rule.indicator for rule in rules]
    if len(set(names)) != len(names):
        raise PolicyError(_("two rules for the same indicator: {names}", names=names))
    return rules


def _rules_form(rules: tuple[IndicatorRule, ...]) -> dict[str, Any]:
    return {rule.indicator: rule.configuration() for rule in rules}


def _hysteresis(value: float) -> float:
    hysteresis = _util.real("hysteresis", value)
    if not 0 <= hysteresis < 1:
        raise PolicyError(
            _(
                "hysteresis is a fraction in [0, 1), e.g. 0.1 for 10 %; got {hysteresis}",
                hysteresis=_util.fmt(hysteresis),
            )
        )
    return hysteresis


@frozen(slots=False, repr=False)
class IndicatorPolicy(GradingPolicy, name="indicators", version="1"):
    """The most severe level any warning indicator reaches, with optional hysteresis.

    The score is the severity (4 for I … 1 for IV) of the level the indicators give, or 0
    when no indicator reaches even its lowest threshold (the level is then IV).

    Args:
        rules: the indicators and their thresholds (default :data:`DEFAULT_RULES`).
        hysteresis: a fraction in [0, 1): how far below a threshold a reading must fall
            before the level it set is released (see the module documentation); 0 (the
            default) turns hysteresis off unless a rule has a ``deadband``.

    Override :meth:`readings` to derive readings differently (say, growth rates from a
    history of signals).
    """

    rules: tuple[IndicatorRule, ...] = field(
        default=DEFAULT_RULES, converter=_rules, metadata=configuration_form(_rules_form)
    )
    """The indicators and their thresholds."""
    hysteresis: float = field(default=0.0, converter=_hysteresis, kw_only=True)
    """The relative hysteresis band."""

    def readings(self, inputs: GradingInput) -> Mapping[str, float]:
        """The readings to grade: by default the latest value of each indicator in the signals."""
        return inputs.latest_indicators()

    def grade(self, inputs: GradingInput) -> Grade:
        """The most severe level reached; hysteresis may hold the previous level."""
        readings = self.readings(inputs)
        if not isinstance(readings, Mapping):
            raise PolicyError(
                _(
                    "{kind}.readings() must return a mapping name -> number; got {got}",
                    kind=type(self).__name__,
                    got=type(readings).__name__,
                )
            )
        present = [
            (
                rule,
                _reading(rule.indicator, readings[rule.indicator]),
            )
            for rule in self.rules
            if rule.indicator in readings
        ]
        absent = [rule for rule in self.rules if rule.indicator not in readings]
        reached = {rule.indicator: rule.reached(value) for rule, value in present}
        levels = [lvl for lvl in reached.values() if lvl is not None]
        raw = max(levels) if levels else None

        previous = inputs.previous_level
        held: Level | None = None
        holder: tuple[IndicatorRule, float, Level] | None = None
        if previous is not None and (raw is None or raw < previous):
            for rule, value in present:
                matched = rule.held(value, self.hysteresis)
                if matched is None:
                    continue
                capped = min(matched, previous)
                if (held is None or capped > held) and (raw is None or capped > raw):
                    held, holder = capped, (rule, value, matched)
        contributions = [
            self._contribution(rule, value, reached[rule.indicator]) for rule, value in present
        ]
        if held is not None and holder is not None:
            rule, value, matched = holder
            point = rule.release_point(matched, self.hysteresis)
            threshold = rule.threshold(matched)
            assert point is not None
            assert threshold is not None
            decision = _with_missing(
                _(
                    "the readings alone give {alone}, but {indicator} {value} has not crossed "
                    "back over {point}, the release point of the {level} threshold {threshold}, "
                    "so hysteresis holds {held}",
                    alone=_alone(raw),
                    indicator=rule.label,
                    value=_util.fmt(value),
                    point=_util.fmt(point),
                    level=matched.value,
                    threshold=_util.fmt(threshold),
                    held=level_said(held),
                ),
                absent,
            )
            return Grade.decided(
                held,
                score=held.severity,
                rule="indicators.hysteresis",
                decision=decision,
                contributions=contributions,
            )
        if raw is None:
            decision = _with_missing(
                _(
                    "no indicator reached its lowest threshold → {level}",
                    level=level_said(Level.IV),
                ),
                absent,
            )
            return Grade.decided(
                Level.IV,
                score=0,
                rule="indicators.none",
                decision=decision,
                contributions=contributions,
            )
        decider, value = next((r, v) for r, v in present if reached[r.indicator] is raw)
        threshold = decider.threshold(raw)
        assert threshold is not None
        others = sum(1 for lvl in levels if lvl is raw) - 1
        facts = {
            "indicator": decider.label,
            "value": _util.fmt(value),
            "comparison": decider.comparison,
            "threshold": _util.fmt(threshold),
            "level": level_said(raw),
            "others": others,
            "raw": raw.value,
        }
        decision = _with_missing(
            _(
                "{indicator} {value} {comparison} {threshold} → {level}; the most severe "
                "indicator decides ({others} other indicator(s) also reach {raw})",
                **facts,
            )
            if others
            else _(
                "{indicator} {value} {comparison} {threshold} → {level}; the most severe "
                "indicator decides",
                **facts,
            ),
            absent,
        )
        return Grade.decided(
            raw,
            score=raw.severity,
            rule="indicators.threshold",
            decision=decision,
            contributions=contributions,
        )

    def _contribution(self, rule: IndicatorRule, value: float, level: Level | None) -> Contribution:
        if level is None:
            lowest_level, lowest = rule.thresholds[-1]
            note = Bilingual.of(
                _(
                    "below the {level} threshold {threshold}",
                    level=lowest_level.value,
                    threshold=_util.fmt(lowest),
                )
            )
        else:
            threshold = rule.threshold(level)
            assert threshold is not None
            note = Bilingual.of(
                _(
                    "{comparison} {threshold}, the {level} threshold",
                    comparison=rule.comparison,
                    threshold=_util.fmt(threshold),
                    level=level.value,
                )
            )
        return Contribution(
            factor=rule.indicator, value=value, label=rule.label, level=level, note=note
        )


def _reading(indicator: str, value: object) -> float:
    """A reading as a float; the message naming it is made only for a value that is refused."""
    if type(value) in (int, float) and math.isfinite(value):  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    return _util.real(_("reading {indicator!r}", indicator=indicator), value)


def _alone(level: Level | None) -> Message:
    return _("no level") if level is None else level_said(level)


def _with_missing(decision: Message, absent: list[IndicatorRule]) -> Bilingual:
    """The decision, naming the indicators without a reading (by code, or in Chinese by label)."""
    if not absent:
        return Bilingual.of(decision)
    names = Bilingual(
        ", ".join(rule.indicator for rule in absent), "、".join(rule.label.zh for rule in absent)
    )
    return Bilingual.of(_("{decision} (no reading of {names})", decision=decision, names=names))
