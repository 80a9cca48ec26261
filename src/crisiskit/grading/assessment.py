"""The result of grading: a frozen, serialisable, explainable :class:`Assessment`."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Explanation, level_said
from crisiskit.grading.inputs import GradingInput
from crisiskit.messages import _
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level, to_level

__all__ = ["Assessment"]


def _is_fingerprint(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (
        isinstance(value, str) and len(value) == 16 and all(c in "0123456789abcdef" for c in value)
    ):
        raise ValidationError(
            _("Assessment.fingerprint must be 16 lower-case hex digits; got {value!r}", value=value)
        )


@serializable()
@frozen(kw_only=True)
class Assessment:
    """A crisis graded by one policy at one instant: the level, the numbers, and why.

    Assessments are values: frozen, comparable, and serialisable with
    :func:`crisiskit.to_json`. They are made by
    :meth:`GradingPolicy.assess <crisiskit.grading.GradingPolicy.assess>`, which is pure:
    the same policy, inputs and instant always give an equal assessment.
    """

    level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level, after every adjustment the policy made."""
    likelihood: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """The likelihood, on the policy's likelihood scale, if the policy has one."""
    impact: float | None = field(
        default=None, converter=_util.to_optional_float, validator=_util.is_optional_finite
    )
    """The impact, on the policy's impact scale, if the policy has one."""
    score: float = field(converter=_util.to_float, validator=_util.is_finite)
    """The policy's score (a matrix's likelihood × impact, a fuzzy score, …); see the policy."""
    inputs: GradingInput = field()
    """What the policy read."""
    explanation: Explanation = field()
    """Why the level is what it is."""
    policy: str = field(validator=_util.is_policy_id)
    """The policy that graded, as ``"name@version"``."""
    assessed_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When the assessment was made (UTC)."""
    fingerprint: str = field(validator=_is_fingerprint)
    """A digest of the policy's name, version and configuration: equal fingerprints, equal rules."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.inputs, GradingInput):
            raise ValidationError(
                _(
                    "Assessment.inputs must be a GradingInput; got {kind}",
                    kind=type(self.inputs).__name__,
                )
            )
        if not isinstance(self.explanation, Explanation):
            raise ValidationError(
                _(
                    "Assessment.explanation must be an Explanation; got {kind}",
                    kind=type(self.explanation).__name__,
                )
            )
        if self.explanation.level is not self.level:
            raise ValidationError(
                _(
                    "Assessment.level is {level} but its explanation ends at {end}",
                    level=self.level.value,
                    end=self.explanation.level.value,
                )
            )

    @property
    def policy_name(self) -> str:
        """The policy's name, e.g. ``"risk-matrix"``."""
        return _util.split_policy_id("Assessment.policy", self.policy)[0]

    @property
    def policy_version(self) -> str:
        """The policy's version, e.g. ``"1"``."""
        return _util.split_policy_id("Assessment.policy", self.policy)[1]

    @property
    def decided_level(self) -> Level:
        """The level the policy's rule gave, before any adjustment."""
        return self.explanation.decided_level

    def changes(self, previous: Level | None) -> bool:
        """True when this assessment's level differs from ``previous`` (None: no level yet)."""
        return previous is not self.level

    def reason(self, lang: str = "en") -> str:
        """One paragraph saying why: the policy, its decision and each adjustment.

        Suited as the reason of a level change, e.g. ``"risk-matrix@1: likelihood 4 (likely)
        × impact 3 (moderate) = 12; 10 ≤ L×I < 15 → II (significant)"``.
        """
        lang = normalize_lang(lang)
        text = f"{self.policy}: {self.explanation.decision.text(lang)}"
        for adjustment in self.explanation.adjustments:
            text += _("; then {adjustment}", adjustment=adjustment.describe(lang)).text(lang)
        return text

    def explain(self, lang: str = "en") -> str:
        """The assessment for people, in English (``"en"``) or Chinese (``"zh"``).

        The first line gives the level, colour, policy and instant; the rest the rule that
        decided, each factor's contribution, every adjustment and, for a composite policy,
        each part.
        """
        lang = normalize_lang(lang)
        head = _(
            "Level {level}, {colour}: {policy}, score {score}, assessed {when}",
            level=level_said(self.level),
            colour=self.level.colour,
            policy=self.policy,
            score=_util.fmt(self.score),
            when=self.assessed_at.to_iso8601_string(),
        ).text(lang)
        return "\n".join([head, *self.explanation.lines(lang)])
