"""The extension point: :class:`GradingPolicy`, a template built from small overridable steps.

:meth:`GradingPolicy.assess` is the template. It checks its arguments, asks
:meth:`~GradingPolicy.grade` for a :class:`Grade` (the policy's rule), lets
:meth:`~GradingPolicy.adjust` move it (final adjustments such as a VIP bump or a
regulatory floor), and wraps the result in a frozen
:class:`~crisiskit.grading.Assessment`. A subclass overrides only the step it changes:

* :class:`LikelihoodImpactPolicy` splits :meth:`~GradingPolicy.grade` further into
  :meth:`~LikelihoodImpactPolicy.likelihood`, :meth:`~LikelihoodImpactPolicy.impact` and
  :meth:`~LikelihoodImpactPolicy.level_for` (the mapping to a level);
* every policy has :meth:`~GradingPolicy.adjust`, which by default changes nothing.

Every policy has a ``name`` and a ``version``; an assessment records both as
``"name@version"`` plus a fingerprint of the policy's configuration, so a backtest can tell
exactly which rules graded a crisis. A subclass that overrides a step changes the rules, so
it must declare its own ``name`` and ``version`` — crisiskit refuses the class otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import types
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from attrs import evolve, field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import _util
from crisiskit.grading.assessment import Assessment
from crisiskit.grading.explanation import Adjustment, Bilingual, Contribution, Explanation, Part
from crisiskit.grading.inputs import GradingInput
from crisiskit.values.levels import Level

__all__ = ["Grade", "GradingPolicy", "LikelihoodImpactPolicy", "Rating"]


@frozen(kw_only=True)
class Grade:
    """A policy's working result: a level, a score and the explanation so far.

    :meth:`GradingPolicy.grade` returns one made by :meth:`decided`;
    :meth:`GradingPolicy.adjust` returns it moved by :meth:`raised`, :meth:`lowered`,
    :meth:`at_least`, :meth:`at_most` or :meth:`adjusted`, each of which records why.
    """

    level: Level
    """The level so far."""
    score: float
    """The policy's score."""
    explanation: Explanation
    """Why, so far."""
    likelihood: float | None = None
    """The likelihood, if the policy has one."""
    impact: float | None = None
    """The impact, if the policy has one."""

    @classmethod
    def decided(
        cls,
        level: Level,
        *,
        score: float,
        rule: str,
        decision: Bilingual,
        contributions: Iterable[Contribution] = (),
        parts: Iterable[Part] = (),
        likelihood: float | None = None,
        impact: float | None = None,
    ) -> Grade:
        """The grade a policy's rule gives, with the rule's id and the decision in words."""
        level = _checks.member("Grade level", level, Level)
        explanation = Explanation(
            rule=rule,
            decision=decision,
            decided_level=level,
            contributions=tuple(contributions),
            parts=tuple(parts),
        )
        return cls(
            level=level,
            score=_util.real("Grade score", score),
            explanation=explanation,
            likelihood=None if likelihood is None else _util.real("Grade likelihood", likelihood),
            impact=None if impact is None else _util.real("Grade impact", impact),
        )

    def adjusted(self, level: Level | str, *, rule: str, reason: Bilingual) -> Grade:
        """This grade moved to ``level``, recording ``rule`` and ``reason`` (nothing if unchanged)."""
        level = _checks.member("the adjusted level", level, Level)
        if level is self.level:
            return self
        adjustment = Adjustment(rule=rule, before=self.level, after=level, reason=reason)
        explanation = evolve(
            self.explanation, adjustments=(*self.explanation.adjustments, adjustment)
        )
        return evolve(self, level=level, explanation=explanation)

    def raised(self, steps: int = 1, *, rule: str, reason: Bilingual) -> Grade:
        """This grade made ``steps`` levels more severe (stopping at I)."""
        return self.adjusted(self.level.raised(steps), rule=rule, reason=reason)

    def lowered(self, steps: int = 1, *, rule: str, reason: Bilingual) -> Grade:
        """This grade made ``steps`` levels less severe (stopping at IV)."""
        return self.adjusted(self.level.lowered(steps), rule=rule, reason=reason)

    def at_least(self, level: Level | str, *, rule: str, reason: Bilingual) -> Grade:
        """This grade, but never less severe than ``level`` (a floor)."""
        floor = _checks.member("at_least(level)", level, Level)
        return self.adjusted(max(self.level, floor), rule=rule, reason=reason)

    def at_most(self, level: Level | str, *, rule: str, reason: Bilingual) -> Grade:
        """This grade, but never more severe than ``level`` (a cap)."""
        cap = _checks.member("at_most(level)", level, Level)
        return self.adjusted(min(self.level, cap), rule=rule, reason=reason)

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        """The adjustments made so far."""
        return self.explanation.adjustments

    def as_part(self, policy: str, *, weight: float | None = None) -> Part:
        """This grade as one part of a composite policy's explanation."""
        return Part(
            policy=policy,
            level=self.level,
            score=self.score,
            explanation=self.explanation,
            weight=weight,
            likelihood=self.likelihood,
            impact=self.impact,
        )


@frozen
class Rating:
    """A likelihood or an impact, with how it was reached."""

    value: float = field(converter=_util.to_float)
    """The value on the policy's scale (a risk matrix wants a whole category, e.g. 4)."""
    contributions: tuple[Contribution, ...] = field(default=(), converter=_checks.to_tuple)
    """Each factor's contribution to it."""
    summary: Bilingual | None = None
    """How it was reached, in words, e.g. *mean of 4, 3, 5 = 4*."""


_NOT_STEPS = frozenset({"configuration"})
_METHODS = (types.FunctionType, staticmethod, classmethod, property)


class GradingPolicy(ABC):
    """The base of every grading policy: subclass it and override the steps you change.

    Subclasses set the class attributes ``name`` and ``version``; an instance may override
    them with the ``name=`` and ``version=`` arguments (say, for a configured variant).
    Policies are immutable once built: configure them in ``__init__`` only.

    Example — a policy that grades every product-quality crisis at least III::

        class QualityFloor(RiskMatrixPolicy):
            name = "acme-risk-matrix"
            version = "1"

            def adjust(self, grade, inputs):
                grade = super().adjust(grade, inputs)
                if inputs.crisis_type is CrisisType.PRODUCT_QUALITY:
                    grade = grade.at_least(
                        Level.III,
                        rule="quality-floor",
                        reason=Bilingual("product quality is never below III", "产品质量问题不低于III级"),
                    )
                return grade
    """

    name: ClassVar[str] = ""
    """The policy's name, e.g. ``"risk-matrix"``: letters, digits, ``_``, ``.``, ``-``."""
    version: ClassVar[str] = ""
    """The policy's version, e.g. ``"1"``; change it whenever the rules change."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        changed = sorted(
            attr
            for attr, value in vars(cls).items()
            if not attr.startswith("_")
            and attr not in _NOT_STEPS
            and isinstance(value, _METHODS)
            and _overrides(cls, attr)
        )
        own = vars(cls)
        if changed and not ("name" in own and "version" in own):
            raise TypeError(
                f"{cls.__qualname__} overrides {', '.join(changed)}() and so changes the "
                f"grading rules, but keeps the name and version "
                f"{getattr(cls, 'name', '')!r}@{getattr(cls, 'version', '')!r} of its base "
                "class; give it its own, e.g.  name = 'acme-risk'  and  version = '1'  in the "
                "class body, so assessments say which rules made them"
            )

    def __init__(self, *, name: str | None = None, version: str | None = None) -> None:
        cls = type(self).__name__
        if not (name or type(self).name) or not (version or type(self).version):
            raise ValidationError(
                f"{cls} has no name or version: set  name = '...'  and  version = '...'  in the "
                "class body (or pass name= and version=), so assessments say which rules made them"
            )
        self._name = _util.policy_name(f"{cls} name", type(self).name if name is None else name)
        self._version = _util.policy_version(
            f"{cls} version", type(self).version if version is None else version
        )
        self._fingerprint: str | None = None

    @property
    def id(self) -> str:
        """``"name@version"``, as recorded in assessments."""
        return f"{self._name}@{self._version}"

    @property
    def policy_name(self) -> str:
        """This instance's name (the class's ``name`` unless overridden at construction)."""
        return self._name

    @property
    def policy_version(self) -> str:
        """This instance's version (the class's ``version`` unless overridden)."""
        return self._version

    @property
    def fingerprint(self) -> str:
        """16 hex digits of SHA-256 over the id and :meth:`configuration`.

        Two policies with the same fingerprint grade alike; a changed threshold, weight or
        matrix cell changes it, even when the version was not bumped.
        """
        if self._fingerprint is None:
            try:
                canonical = json.dumps(
                    {"policy": self.id, "configuration": self.configuration()},
                    sort_keys=True,
                    ensure_ascii=False,
                    separators=(",", ":"),
                    allow_nan=False,
                )
            except (TypeError, ValueError) as exc:
                raise PolicyError(
                    f"{type(self).__name__}.configuration() must return JSON-ready data "
                    f"(dicts, lists, strings, finite numbers, booleans, None): {exc}"
                ) from exc
            self._fingerprint = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        return self._fingerprint

    def configuration(self) -> Mapping[str, Any]:
        """The policy's settings as JSON-ready data (for the fingerprint and for audits)."""
        return {}

    def assess(self, inputs: GradingInput, *, at: dt.datetime) -> Assessment:
        """Grade ``inputs`` as of ``at``: pure and deterministic (the same call, the same result).

        Args:
            inputs: what to grade.
            at: when the assessment is made — a timezone-aware datetime (usually
                ``clock.now()``); a naive one raises
                :class:`~crisiskit.errors.NaiveDatetimeError`. The policy never reads a clock.

        Raises:
            PolicyError: the policy cannot decide from these inputs (say, a factor it needs
                is missing); the message names what is missing and what is allowed.
            ValidationError: ``inputs`` is not a :class:`GradingInput`, or a factor is off
                its scale.
        """
        when = _checks.instant(f"{type(self).__name__}.assess(at=...)", at)
        grade = self.evaluate(inputs)
        return Assessment(
            level=grade.level,
            likelihood=grade.likelihood,
            impact=grade.impact,
            score=grade.score,
            inputs=inputs,
            explanation=grade.explanation,
            policy=self.id,
            assessed_at=when,
            fingerprint=self.fingerprint,
        )

    def evaluate(self, inputs: GradingInput) -> Grade:
        """:meth:`grade`, then :meth:`adjust`: the level and its explanation without a timestamp.

        Composite policies call this on their parts.
        """
        if not isinstance(inputs, GradingInput):
            raise ValidationError(
                f"{type(self).__name__} grades a GradingInput; got {type(inputs).__name__} {inputs!r}"
            )
        grade = _expect_grade(self, "grade", self.grade(inputs))
        return _expect_grade(self, "adjust", self.adjust(grade, inputs))

    @abstractmethod
    def grade(self, inputs: GradingInput) -> Grade:
        """The policy's rule: decide a level from ``inputs`` (see :meth:`Grade.decided`)."""

    def adjust(self, grade: Grade, inputs: GradingInput) -> Grade:
        """Final adjustments after the rule decided; by default none. Call ``super()`` first."""
        return grade

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.fingerprint}>"


def _overrides(cls: type, attr: str) -> bool:
    """True when ``cls`` redefines a concrete (non-abstract) method of a base class."""
    for base in cls.__mro__[1:]:
        if attr in vars(base):
            inherited = vars(base)[attr]
            return not getattr(inherited, "__isabstractmethod__", False)
    return False


def _expect_grade(policy: GradingPolicy, step: str, value: object) -> Grade:
    if not isinstance(value, Grade):
        raise PolicyError(
            f"{type(policy).__name__}.{step}() must return a Grade; got {type(value).__name__} "
            f"{value!r}"
        )
    return value


class LikelihoodImpactPolicy(GradingPolicy):
    """A policy that rates likelihood and impact, then maps the pair to a level (D13).

    Override :meth:`likelihood` or :meth:`impact` to change where a rating comes from (say,
    a fault tree's probability), :meth:`level_for` to change the mapping.
    """

    def grade(self, inputs: GradingInput) -> Grade:
        """:meth:`likelihood` and :meth:`impact`, then :meth:`level_for`."""
        likelihood = self.likelihood(inputs)
        impact = self.impact(inputs)
        for step, rating in (("likelihood", likelihood), ("impact", impact)):
            if not isinstance(rating, Rating):
                raise PolicyError(
                    f"{type(self).__name__}.{step}() must return a Rating; got "
                    f"{type(rating).__name__} {rating!r}"
                )
        return self.level_for(likelihood, impact, inputs)

    @abstractmethod
    def likelihood(self, inputs: GradingInput) -> Rating:
        """How likely the crisis is to develop (severity, scope, trend)."""

    @abstractmethod
    def impact(self, inputs: GradingInput) -> Rating:
        """How much harm it would do (brand, customers, money, law)."""

    @abstractmethod
    def level_for(self, likelihood: Rating, impact: Rating, inputs: GradingInput) -> Grade:
        """The level for this likelihood and impact."""
