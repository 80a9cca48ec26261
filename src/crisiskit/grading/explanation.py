"""How a grade was reached, in words and numbers, in English and Chinese.

An :class:`Explanation` names the rule, cell or threshold that decided the level
(:attr:`~Explanation.decision`), lists each factor's contribution, records every
adjustment a policy made after deciding (a VIP bump, a regulatory floor), and — for a
composite policy — the result of each part. All of it is stored in both languages, so an
assessment read back years later says exactly what was shown when it was made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.grading import _util
from crisiskit.messages import Message, _
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level, to_level

__all__ = ["Adjustment", "Bilingual", "Contribution", "Explanation", "Part"]


class _SaidLater:
    # The slot where a Bilingual made by Bilingual._later() keeps its message until read.
    __slots__ = ("_message",)


@serializable()
@frozen
class Bilingual(_SaidLater):
    """A piece of text in English and Simplified Chinese.

    >>> Bilingual("a VIP customer is affected", "涉及VIP客户").text("zh")
    '涉及VIP客户'
    """

    en: str = field(validator=_checks.is_text)
    """The English text."""
    zh: str = field(validator=_checks.is_text)
    """The Simplified Chinese text."""

    def text(self, lang: str = "en") -> str:
        """The text in ``lang`` (``"en"`` or ``"zh"``; regional tags such as ``"zh-CN"`` accepted)."""
        return self.en if normalize_lang(lang) == "en" else self.zh

    def label(self, lang: str = "en") -> str:
        """The same as :meth:`text`: a Bilingual inside a message reads in the message's language."""
        return self.text(lang)

    @classmethod
    def of(cls, message: Message) -> Bilingual:
        """A message of the catalogs, said in English and in Chinese."""
        return cls(message.text("en"), message.text("zh"))

    @classmethod
    def _later(cls, message: Callable[[], Message]) -> Bilingual:
        """``Bilingual.of(message())``, with ``message()`` called when the text is first read.

        For hot paths whose texts are mostly never read: the monitor explains every decision
        it makes, and rendering each reason in two languages was a fifth of its time. The
        text, equality, hash, repr and stored form are those of ``Bilingual.of``; only the
        moment the message is made differs, so its values must not change in between.
        """
        said = object.__new__(cls)
        object.__setattr__(said, "_message", message)
        return said

    if not TYPE_CHECKING:  # for the type checker, en and zh are plain fields

        def __getattr__(self, name: str) -> str:
            # Reached only while a field is unset: a text made by _later() not yet read.
            if name in ("en", "zh"):
                try:
                    message = object.__getattribute__(self, "_message")
                except AttributeError:
                    pass
                else:
                    said = message()
                    object.__setattr__(self, "en", said.text("en"))
                    object.__setattr__(self, "zh", said.text("zh"))
                    object.__delattr__(self, "_message")
                    return object.__getattribute__(self, name)
            raise AttributeError(name)


@serializable()
@frozen(kw_only=True)
class Contribution:
    """One factor's part in a grade: its value, its weight, what it added, the level it reached.

    Which fields are filled depends on the policy: a risk matrix gives each factor's weight
    and share of the likelihood or impact; an indicator policy gives the level each reading
    reached; an AHP–fuzzy policy gives each factor's AHP weight and share of the score.
    """

    factor: str = field(validator=_checks.is_text)
    """The factor's or indicator's name, e.g. ``"brand_damage"`` or ``"heat"``."""
    value: float = field(converter=_util.to_float, validator=_util.is_finite)
    """The rating or reading that went in."""
    label: Bilingual | None = field(default=None)
    """The factor's name for people, e.g. *brand damage* / 品牌形象受损."""
    group: str | None = field(default=None, validator=_checks.is_optional_text)
    """The group the factor belongs to, e.g. ``"likelihood"`` or ``"impact"``."""
    weight: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """The factor's weight in its group or in the whole, if the policy weighs factors."""
    contribution: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """What the factor added to the score (or to its group's value), if it adds up."""
    level: Level | None = field(
        default=None,
        converter=attrs.converters.optional(to_level),
        validator=_checks.is_optional_member(Level),
    )
    """The level this factor alone reached, if the policy grades factor by factor."""
    note: Bilingual | None = field(default=None)
    """Anything else worth saying, e.g. the threshold the reading crossed."""

    def describe(self, lang: str = "en") -> str:
        """One line for people, e.g. ``severity = 4 × 0.3333 → 1.3333``."""
        lang = normalize_lang(lang)
        name = self.label.text(lang) if self.label is not None else self.factor
        text = f"{name} = {_util.fmt(self.value)}"
        if self.weight is not None and self.contribution is not None:
            text += f" × {_util.fmt(self.weight)} → {_util.fmt(self.contribution)}"
        elif self.weight is not None:
            text += _(" (weight {weight})", weight=_util.fmt(self.weight)).text(lang)
        if self.level is not None:
            text += f" → {_level_text(self.level, lang)}"
        if self.note is not None:
            text += _("  ({note})", note=self.note).text(lang)
        return text


@serializable()
@frozen(kw_only=True)
class Adjustment:
    """A change a policy made to the level after deciding it, and why."""

    rule: str = field(validator=_checks.is_text)
    """A stable id of the rule, e.g. ``"vip-bump"`` or ``"regulated-floor"``."""
    before: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level before the adjustment."""
    after: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level after it."""
    reason: Bilingual = field()
    """Why, in words, e.g. *a VIP customer is affected* / 涉及VIP客户."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.reason, Bilingual):
            raise ValidationError(
                _(
                    "Adjustment.reason must be a Bilingual text; got {kind}",
                    kind=type(self.reason).__name__,
                )
            )

    def describe(self, lang: str = "en") -> str:
        """One line for people, e.g. ``II → I: a VIP customer is affected [vip-bump]``."""
        return _(
            "{before} → {after}: {reason} [{rule}]",
            before=self.before.value,
            after=self.after.value,
            reason=self.reason,
            rule=self.rule,
        ).text(normalize_lang(lang))


@serializable()
@frozen(kw_only=True)
class Explanation:
    """Why an assessment came out at its level.

    ``decided_level`` is the level the policy's rule gave; ``adjustments`` then move it, in
    order, to the final level (:attr:`level`). Each adjustment starts where the previous one
    ended, so the chain can be audited step by step.
    """

    rule: str = field(validator=_checks.is_text)
    """A stable id of the rule that decided, e.g. ``"risk-matrix.band"``."""
    decision: Bilingual = field()
    """The rule, cell or threshold that decided, in words, with the numbers."""
    decided_level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level the rule gave, before any adjustment."""
    contributions: tuple[Contribution, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(Contribution, "Contribution"),
    )
    """Each factor's contribution."""
    adjustments: tuple[Adjustment, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(Adjustment, "Adjustment"),
    )
    """The adjustments made after deciding, in the order they were made."""
    parts: tuple[Part, ...] = field(default=(), converter=_checks.to_tuple)
    """For a composite policy, each part's result."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.decision, Bilingual):
            raise ValidationError(
                _(
                    "Explanation.decision must be a Bilingual text; got {kind}",
                    kind=type(self.decision).__name__,
                )
            )
        for i, part in enumerate(self.parts):
            if not isinstance(part, Part):
                raise ValidationError(
                    _(
                        "Explanation.parts[{i}] must be a Part; got {kind}",
                        i=i,
                        kind=type(part).__name__,
                    )
                )
        level = self.decided_level
        for i, adjustment in enumerate(self.adjustments):
            if adjustment.before is not level:
                raise ValidationError(
                    _(
                        "Explanation.adjustments[{i}] starts at level {before}, but the level was {level} at that point; each adjustment must start where the previous one ended",
                        i=i,
                        before=adjustment.before.value,
                        level=level.value,
                    )
                )
            level = adjustment.after

    @property
    def level(self) -> Level:
        """The level after every adjustment."""
        return self.adjustments[-1].after if self.adjustments else self.decided_level

    def lines(self, lang: str = "en", *, indent: str = "  ") -> list[str]:
        """The explanation as lines of text for people, in ``lang``."""
        lang = normalize_lang(lang)
        out = [indent + _("decided: {decision}", decision=self.decision).text(lang)]
        if self.contributions:
            out.append(indent + _("factors:").text(lang))
            out.extend(f"{indent}  - {c.describe(lang)}" for c in self.contributions)
        if self.adjustments:
            out.append(indent + _("adjustments:").text(lang))
            out.extend(f"{indent}  - {a.describe(lang)}" for a in self.adjustments)
        if self.parts:
            out.append(indent + _("parts:").text(lang))
            for part in self.parts:
                out.append(f"{indent}  - {part.headline(lang)}")
                out.extend(part.explanation.lines(lang, indent=indent + "    "))
        return out


@serializable()
@frozen(kw_only=True)
class Part:
    """One part's result inside a composite policy's explanation."""

    policy: str = field(validator=_util.is_policy_id)
    """The part's policy, as ``"name@version"``."""
    level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level the part gave."""
    score: float = field(converter=_util.to_float, validator=_util.is_finite)
    """The part's score, on the part's own scale."""
    explanation: Explanation = field()
    """Why the part gave its level."""
    weight: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """The part's weight in a weighted combination."""
    likelihood: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """The part's likelihood, if it has one."""
    impact: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """The part's impact, if it has one."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.explanation, Explanation):
            raise ValidationError(
                _(
                    "Part.explanation must be an Explanation; got {kind}",
                    kind=type(self.explanation).__name__,
                )
            )
        if self.explanation.level is not self.level:
            raise ValidationError(
                _(
                    "Part.level is {level} but its explanation ends at {end}",
                    level=self.level.value,
                    end=self.explanation.level.value,
                )
            )

    def headline(self, lang: str = "en") -> str:
        """``risk-matrix@1: II (significant), score 12`` (or in Chinese)."""
        lang = normalize_lang(lang)
        text = _(
            "{policy}: {level}, score {score}",
            policy=self.policy,
            level=level_said(self.level),
            score=_util.fmt(self.score),
        ).text(lang)
        if self.weight is not None:
            text += _(", weight {weight}", weight=_util.fmt(self.weight)).text(lang)
        return text


def _level_text(level: Level, lang: str) -> str:
    return level_said(level).text(normalize_lang(lang))


def level_text(level: Level, lang: str) -> str:
    """A level for people: ``II (significant)`` or ``II级（较大）``."""
    return _level_text(level, lang)


def level_said(level: Level) -> Message:
    """A level for people, as a message: ``II (significant)`` or ``II级（较大）``."""
    said = _LEVELS_SAID.get(level)
    if said is None:
        said = _LEVELS_SAID[level] = _("{level} ({severity})", level=level.value, severity=level)
    return said


_LEVELS_SAID: dict[Level, Message] = {}
