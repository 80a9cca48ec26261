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

Policies are frozen attrs classes whose fields are their settings. Every policy class has
a ``name`` and a ``version``, given as class keywords
(``class Acme(RiskMatrixPolicy, name="acme-risk", version="1")``); an assessment records
both as ``"name@version"`` plus a fingerprint of the policy's configuration — derived from
its fields — so a backtest can tell exactly which rules graded a crisis. A subclass that
overrides a step changes the rules, so it must declare its own ``name`` and ``version`` —
crisiskit refuses the class otherwise.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
import types
import typing
import warnings
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, ClassVar

import attrs
from attrs import evolve, field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import _util
from crisiskit.grading.assessment import Assessment
from crisiskit.grading.explanation import Adjustment, Bilingual, Contribution, Explanation, Part
from crisiskit.grading.inputs import GradingInput
from crisiskit.messages import _
from crisiskit.values.levels import Level

__all__ = ["Grade", "GradingPolicy", "LikelihoodImpactPolicy", "Rating", "configuration_form"]


# What the checks of a grade call its fields; made once, not at every grade.
_GRADE_LEVEL = _("Grade level")
_GRADE_SCORE = _("Grade score")
_GRADE_LIKELIHOOD = _("Grade likelihood")
_GRADE_IMPACT = _("Grade impact")
_ADJUSTED_LEVEL = _("the adjusted level")


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
        level = _checks.member(_GRADE_LEVEL, level, Level)
        explanation = Explanation(
            rule=rule,
            decision=decision,
            decided_level=level,
            contributions=tuple(contributions),
            parts=tuple(parts),
        )
        return cls(
            level=level,
            score=_util.real(_GRADE_SCORE, score),
            explanation=explanation,
            likelihood=None if likelihood is None else _util.real(_GRADE_LIKELIHOOD, likelihood),
            impact=None if impact is None else _util.real(_GRADE_IMPACT, impact),
        )

    def adjusted(self, level: Level | str, *, rule: str, reason: Bilingual) -> Grade:
        """This grade moved to ``level``, recording ``rule`` and ``reason`` (nothing if unchanged)."""
        level = _checks.member(_ADJUSTED_LEVEL, level, Level)
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


_DERIVED = ("configuration", "fingerprint", "id")
_NOT_STEPS = frozenset({*_DERIVED, "policy_name", "policy_version"})
_METHODS = (types.FunctionType, staticmethod, classmethod, property, functools.cached_property)
_CLASS_VAR = ("ClassVar", "typing.ClassVar", "t.ClassVar", "typing_extensions.ClassVar")
_FORM = "crisiskit.grading.form"
_GROUP = "crisiskit.grading.group"


def configuration_form(
    form: Callable[[Any], Any] | None = None, *, group: str | None = None
) -> dict[str, Any]:
    """Field metadata: how one setting of a policy appears in its configuration.

    Pass it to a field, ``attrs.field(default=..., metadata=configuration_form(form))``, when
    the setting's value is not plain data: ``form(value)`` must return JSON-ready data, which
    is used as it is. ``group`` nests the setting under that key of the configuration,
    beside the other settings of the same group.

    Without it a setting is converted as :meth:`GradingPolicy.configuration` describes.
    """
    metadata: dict[str, Any] = {}
    if form is not None:
        if not callable(form):
            raise PolicyError(
                _(
                    "configuration_form(form) takes a function of the setting's value; got {form!r}",
                    form=form,
                )
            )
        metadata[_FORM] = form
    if group is not None:
        metadata[_GROUP] = _util.policy_name("configuration_form(group=...)", group)
    return metadata


@frozen(slots=False)
class GradingPolicy(ABC):
    """The base of every grading policy: subclass it and override the steps you change.

    A policy is a frozen attrs class whose **fields are its settings**: its
    :meth:`configuration` and :attr:`fingerprint` are derived from them, so a setting added
    by a subclass is covered without further ado. Its **name and version are class
    keywords**, declared once per class::

        @attrs.frozen
        class QualityFloor(RiskMatrixPolicy, name="acme-risk-matrix", version="1"):
            floor: Level = Level.III
            \"\"\"No product-quality crisis grades below this.\"\"\"

            def adjust(self, grade, inputs):
                grade = super().adjust(grade, inputs)
                if inputs.crisis_type is CrisisType.PRODUCT_QUALITY:
                    grade = grade.at_least(
                        self.floor,
                        rule="quality-floor",
                        reason=Bilingual("product quality has a floor", "产品质量问题设有最低级别"),
                    )
                return grade

    A subclass that overrides a step (:meth:`grade`, :meth:`adjust`, ...) follows other
    rules than its parent, so it must declare its own name and version: crisiskit refuses
    the class otherwise. A subclass that only adds or changes settings may keep its
    parent's name; its fingerprint tells it apart. A subclass that adds a setting must be
    an attrs class itself (``@attrs.frozen``) — crisiskit refuses to build one whose
    annotated settings attrs never saw, since they would be missing from the fingerprint.
    """

    name: ClassVar[str] = ""
    """The policy's name, e.g. ``"risk-matrix"``: letters, digits, ``_``, ``.``, ``-``.

    The one name of the policy: what assessments record (``"name@version"``) and what a
    registry (:data:`~crisiskit.grading.POLICIES`) files it under.
    """
    version: ClassVar[str] = ""
    """The policy's version, e.g. ``"1"``; change it whenever the rules change."""
    _declared: ClassVar[tuple[str, str] | None] = None

    def __init_subclass__(
        cls, *, name: str | None = None, version: str | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        _declare(cls, name, version)

    def __attrs_pre_init__(self) -> None:
        _check_buildable(type(self))

    @property
    def id(self) -> str:
        """``"name@version"``, as recorded in assessments."""
        return f"{self.name}@{self.version}"

    @property
    def policy_name(self) -> str:
        """Deprecated: the same as :attr:`name`."""
        warnings.warn(
            _("GradingPolicy.policy_name is deprecated: use policy.name (they are the same)"),
            DeprecationWarning,
            stacklevel=2,
        )
        return self.name

    @property
    def policy_version(self) -> str:
        """Deprecated: the same as :attr:`version`."""
        warnings.warn(
            _("GradingPolicy.policy_version is deprecated: use policy.version (they are the same)"),
            DeprecationWarning,
            stacklevel=2,
        )
        return self.version

    @functools.cached_property
    def fingerprint(self) -> str:
        """16 hex digits of SHA-256 over the id and :meth:`configuration`.

        Two policies with the same fingerprint grade alike; a changed threshold, weight or
        matrix cell changes it, even when the version was not bumped.
        """
        configuration = self.configuration()
        try:
            canonical = json.dumps(
                {"policy": self.id, "configuration": configuration},
                sort_keys=True,
                ensure_ascii=False,
                separators=(",", ":"),
                allow_nan=False,
            )
        except (TypeError, ValueError) as exc:
            raise PolicyError(
                _(
                    "the configuration of {kind} must be JSON-ready data (dicts, lists, strings, finite numbers, booleans, None); a configuration_form() returned something else: {exc}",
                    kind=type(self).__name__,
                    exc=exc,
                )
            ) from exc
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def configuration(self) -> Mapping[str, Any]:
        """The policy's settings as JSON-ready data, one entry per field (for the fingerprint and audits).

        Derived from the fields, never written by hand. A field's value becomes: itself for
        None, booleans and strings; a whole number for a whole float (so 2 and 2.0 agree);
        its value for an enum or a :class:`~crisiskit.values.levels.Level`; a list for a tuple or
        list, a sorted list for a set; an object for a mapping; ``[id, fingerprint]`` for
        another policy; ``value.configuration()`` for an object that has one (a
        :class:`~crisiskit.grading.RiskMatrix`, a fault tree); the fields of an attrs value
        object. A field with :func:`configuration_form` metadata uses its own form instead.

        Raises:
            PolicyError: a setting has no JSON form (give its field a
                :func:`configuration_form`).
        """
        result: dict[str, Any] = {}
        for attribute in attrs.fields(type(self)):
            value = getattr(self, attribute.name)
            form = attribute.metadata.get(_FORM)
            where = f"{type(self).__name__}.{attribute.name}"
            data = form(value) if form is not None else _canonical(where, value)
            group = attribute.metadata.get(_GROUP)
            target = result if group is None else result.setdefault(group, {})
            target[attribute.name] = data
        return result

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
                _(
                    "{kind} grades a GradingInput; got {got} {inputs!r}",
                    kind=type(self).__name__,
                    got=type(inputs).__name__,
                    inputs=inputs,
                )
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


def _declare(cls: type[GradingPolicy], name: str | None, version: str | None) -> None:
    """Take a new policy class's name and version, and refuse a class that breaks the rules."""
    where = cls.__qualname__
    own = vars(cls)
    annotated = sorted({"name", "version"} & set(_own_annotations(cls)))
    if annotated:
        raise PolicyError(
            _(
                "{where} annotates {annotated}, which would make a setting of it; a policy's name and version are class keywords:  class {cls_name}(..., name='acme-risk', version='1')",
                where=where,
                annotated=" and ".join(annotated),
                cls_name=cls.__name__,
            )
        )
    inherited = {
        (base.name, base.version)
        for base in cls.__mro__[1:]
        if issubclass(base, GradingPolicy) and base.name
    }
    if name is not None or version is not None:
        if name is None or version is None:
            given = f"name={name!r}" if name is not None else f"version={version!r}"
            raise PolicyError(
                _(
                    "{where} gives only {given}; give both class keywords, name= and version=, or neither",
                    where=where,
                    given=given,
                )
            )
        cls.name = _util.policy_name(_("{where} name", where=where), name)
        cls.version = _util.policy_version(_("{where} version", where=where), version)
        # attrs rebuilds a slotted class from the original's namespace, without the class
        # keywords: this mark tells the copy's name from one set in a class body.
        cls._declared = (cls.name, cls.version)
    elif "name" in own or "version" in own:
        if own.get("_declared") != (own.get("name"), own.get("version")):
            warnings.warn(
                _(
                    "{where} sets name and version in the class body, which is deprecated; give "
                    "them as class keywords:  class {cls_name}(..., name={name}, version={version})",
                    where=where,
                    cls_name=cls.__name__,
                    name=repr(own.get("name", "...")),
                    version=repr(own.get("version", "...")),
                ),
                DeprecationWarning,
                stacklevel=4,  # past __init_subclass__ and ABCMeta.__new__
            )
        cls.name = _util.policy_name(_("{where} name", where=where), cls.name)
        cls.version = _util.policy_version(_("{where} version", where=where), cls.version)
    declared = "name" in own and "version" in own

    hand_written = [attr for attr in _DERIVED if attr in own]
    if hand_written:
        raise PolicyError(
            _(
                "{where} defines {hand_written}, which every policy derives from its fields; declare each setting as an attrs field instead (a value that is not plain data takes  attrs.field(metadata=configuration_form(...)) ), so the fingerprint cannot miss one",
                where=where,
                hand_written=tuple(hand_written),
            )
        )
    changed = sorted(
        attr
        for attr, value in own.items()
        if not attr.startswith("_")
        and attr not in _NOT_STEPS
        and isinstance(value, _METHODS)
        and _overrides(cls, attr)
    )
    if not changed:
        return
    steps = ", ".join(f"{attr}()" for attr in changed)
    if not declared:
        raise PolicyError(
            _(
                "{where} overrides {steps} and so changes the grading rules, but keeps the name and version {name}@{version} of its base class; give it its own as class keywords, e.g.  class {cls_name}(..., name='acme-risk', version='1'):  so assessments say which rules made them",
                where=where,
                steps=steps,
                name=cls.name or "?",
                version=cls.version or "?",
                cls_name=cls.__name__,
            )
        )
    if (cls.name, cls.version) in inherited:
        raise PolicyError(
            _(
                "{where} overrides {steps} and so changes the grading rules, but declares {name}@{version}, which a base class already is; give it a name or a version of its own, so assessments say which rules made them",
                where=where,
                steps=steps,
                name=cls.name,
                version=cls.version,
            )
        )


_BUILDABLE: weakref.WeakSet[type] = weakref.WeakSet()


def _check_buildable(cls: type[GradingPolicy]) -> None:
    """Refuse to build a policy without a name, or with settings that attrs never saw."""
    if cls in _BUILDABLE:
        return
    if not cls.name or not cls.version:
        raise PolicyError(
            _(
                "{type_name} has no name or version: declare them as class keywords, class {cls_name}(..., name='acme-risk', version='1'), so assessments say which rules made them",
                type_name=cls.__qualname__,
                cls_name=cls.__name__,
            )
        )
    for klass in cls.__mro__:
        if not (isinstance(klass, type) and issubclass(klass, GradingPolicy)):
            continue
        if "__attrs_attrs__" in vars(klass):
            continue
        unseen = [
            key
            for key, annotation in _own_annotations(klass).items()
            if not _is_class_var(annotation)
        ]
        if unseen:
            raise PolicyError(
                _(
                    "{type_name} declares the setting(s) {unseen} but is not an attrs class, so they would be missing from its configuration and fingerprint; decorate it:  @attrs.frozen  class {cls_name}(...)",
                    type_name=klass.__qualname__,
                    unseen=tuple(unseen),
                    cls_name=klass.__name__,
                )
            )
    _BUILDABLE.add(cls)


def _own_annotations(cls: type) -> dict[str, Any]:
    return dict(inspect.get_annotations(cls))


def _is_class_var(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(_CLASS_VAR)
    return typing.get_origin(annotation) is ClassVar or annotation is ClassVar


def _canonical(where: str, value: object) -> Any:
    """A setting's value as JSON-ready data (see :meth:`GradingPolicy.configuration`)."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | Fraction):
        return _util.canonical_number(_util.real(where, value))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, GradingPolicy):
        return [value.id, value.fingerprint]
    configuration = getattr(value, "configuration", None)
    if callable(configuration):
        return configuration()
    if isinstance(value, Mapping):
        return {
            _canonical_key(f"{where}[{key!r}]", key): _canonical(f"{where}[{key!r}]", item)
            for key, item in value.items()
        }
    if isinstance(value, set | frozenset):
        items = [_canonical(f"{where} item", item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, tuple | list):
        return [_canonical(f"{where}[{i}]", item) for i, item in enumerate(value)]
    kind = type(value)
    if attrs.has(kind):
        return {
            kind.__qualname__: {
                a.name: _canonical(f"{where}.{a.name}", getattr(value, a.name))
                for a in attrs.fields(kind)
                if a.eq
            }
        }
    raise PolicyError(
        _(
            "{where} is a {kind} ({value!r}), which has no place in a policy's configuration; a setting may be None, a boolean, a number, a string, an enum, a sequence, set or mapping of these, an attrs value object, an object with a configuration() method or another policy — or give its field a form:  attrs.field(metadata=configuration_form(...))",
            where=where,
            kind=type(value).__name__,
            value=value,
        )
    )


def _canonical_key(where: str, key: object) -> str:
    if isinstance(key, Enum):
        key = key.value
    if isinstance(key, str):
        return key
    if isinstance(key, int | float) and not isinstance(key, bool):
        return str(_util.canonical_number(_util.real(where, key)))
    raise PolicyError(
        _(
            "{where}: a mapping in a setting needs text or number keys; got {key!r}",
            where=where,
            key=key,
        )
    )


def _pairs_form(pairs: Iterable[tuple[object, float]]) -> dict[str, Any]:
    """Settings kept as (key, number) pairs — weights, bands — as an object (private use)."""
    return {_canonical_key("a setting", key): _util.canonical_number(v) for key, v in pairs}


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
            _(
                "{kind}.{step}() must return a Grade; got {got} {value!r}",
                kind=type(policy).__name__,
                step=step,
                got=type(value).__name__,
                value=value,
            )
        )
    return value


@frozen(slots=False, repr=False)
class LikelihoodImpactPolicy(GradingPolicy):
    """A policy that rates likelihood and impact, then maps the pair to a level.

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
                    _(
                        "{kind}.{step}() must return a Rating; got {got} {rating!r}",
                        kind=type(self).__name__,
                        step=step,
                        got=type(rating).__name__,
                        rating=rating,
                    )
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
