"""Grading: from warning information to a level I–IV — explainable, versioned, extensible.

The extension point is :class:`GradingPolicy`: subclass a shipped policy and override the
step you change (:meth:`~LikelihoodImpactPolicy.likelihood`,
:meth:`~LikelihoodImpactPolicy.impact`, :meth:`~LikelihoodImpactPolicy.level_for`, or
:meth:`~GradingPolicy.adjust`). Every policy's :meth:`~GradingPolicy.assess` is pure and
returns a frozen, serialisable :class:`Assessment` that says why.

Shipped policies (see :data:`POLICIES` and :func:`policy_by_name`):

* ``risk-matrix`` — :class:`RiskMatrixPolicy`, likelihood × impact on a checked matrix;
* ``indicators`` — :class:`IndicatorPolicy`, warning-indicator thresholds with hysteresis;
* ``ahp-fuzzy`` — :class:`AhpFuzzyPolicy`, AHP weights and fuzzy comprehensive evaluation;
* ``standard`` — :class:`StandardPolicy`, the most severe of ``risk-matrix`` and
  ``indicators``.

A registry's key is the policy's :attr:`~GradingPolicy.name`, so a name recorded in an
assessment finds its policy again.

The general decision models (AHP, fuzzy evaluation, fault trees) live in
:mod:`crisiskit.grading.models`; crosswalks to other scales in
:mod:`crisiskit.grading.crosswalk`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from crisiskit.errors import PolicyError, UnknownValueError
from crisiskit.grading import _util
from crisiskit.grading.assessment import Assessment
from crisiskit.grading.explanation import Adjustment, Bilingual, Contribution, Explanation, Part
from crisiskit.grading.inputs import (
    FACTORS,
    IMPACT_FACTORS,
    LIKELIHOOD_FACTORS,
    FactorSpec,
    GradingInput,
    Reading,
)
from crisiskit.grading.policy import (
    Grade,
    GradingPolicy,
    LikelihoodImpactPolicy,
    Rating,
    configuration_form,
)
from crisiskit.messages import _

if TYPE_CHECKING:
    from crisiskit.grading import models as models
    from crisiskit.grading.ahp_fuzzy import AhpFuzzyPolicy, Defuzzification
    from crisiskit.grading.composite import StandardPolicy, WeightedPolicy, WorstOfPolicy
    from crisiskit.grading.crosswalk import (
        TO_ITIL_PRIORITY,
        TO_NATIONAL_GRADE,
        TO_NATIONAL_GRADE_BY_WORDING,
        TO_WARNING_COLOUR,
        Crosswalk,
        ItilPriority,
        NationalGrade,
    )
    from crisiskit.grading.indicators import (
        DEFAULT_RULES,
        Direction,
        IndicatorPolicy,
        IndicatorRule,
    )
    from crisiskit.grading.matrix import (
        DEFAULT_MATRIX,
        IMPACT_SCALE,
        LIKELIHOOD_SCALE,
        Aggregation,
        RiskMatrix,
        RiskMatrixPolicy,
        Scale,
    )

# What a crisis needs — the policy interface, inputs, assessments — loads with the package;
# the shipped policies, the crosswalks and the decision models load on first use (PEP 562).
_LAZY: dict[str, str] = {
    **dict.fromkeys(("AhpFuzzyPolicy", "Defuzzification"), "ahp_fuzzy"),
    **dict.fromkeys(("StandardPolicy", "WeightedPolicy", "WorstOfPolicy"), "composite"),
    **dict.fromkeys(
        (
            "TO_ITIL_PRIORITY",
            "TO_NATIONAL_GRADE",
            "TO_NATIONAL_GRADE_BY_WORDING",
            "TO_WARNING_COLOUR",
            "Crosswalk",
            "ItilPriority",
            "NationalGrade",
        ),
        "crosswalk",
    ),
    **dict.fromkeys(
        ("DEFAULT_RULES", "Direction", "IndicatorPolicy", "IndicatorRule"), "indicators"
    ),
    **dict.fromkeys(
        (
            "DEFAULT_MATRIX",
            "IMPACT_SCALE",
            "LIKELIHOOD_SCALE",
            "Aggregation",
            "RiskMatrix",
            "RiskMatrixPolicy",
            "Scale",
        ),
        "matrix",
    ),
}
_SUBMODULES = frozenset({"ahp_fuzzy", "composite", "crosswalk", "indicators", "matrix", "models"})

__all__ = [
    "DEFAULT_MATRIX",
    "DEFAULT_RULES",
    "FACTORS",
    "IMPACT_FACTORS",
    "IMPACT_SCALE",
    "LIKELIHOOD_FACTORS",
    "LIKELIHOOD_SCALE",
    "POLICIES",
    "TO_ITIL_PRIORITY",
    "TO_NATIONAL_GRADE",
    "TO_NATIONAL_GRADE_BY_WORDING",
    "TO_WARNING_COLOUR",
    "Adjustment",
    "Aggregation",
    "AhpFuzzyPolicy",
    "Assessment",
    "Bilingual",
    "Contribution",
    "Crosswalk",
    "Defuzzification",
    "Direction",
    "Explanation",
    "FactorSpec",
    "Grade",
    "GradingInput",
    "GradingPolicy",
    "IndicatorPolicy",
    "IndicatorRule",
    "ItilPriority",
    "LikelihoodImpactPolicy",
    "NationalGrade",
    "Part",
    "Rating",
    "Reading",
    "RiskMatrix",
    "RiskMatrixPolicy",
    "Scale",
    "StandardPolicy",
    "WeightedPolicy",
    "WorstOfPolicy",
    "configuration_form",
    "policy_by_name",
]


# The shipped policies import on first use, so the imports below are local.


@functools.cache
def _shipped() -> Mapping[str, Callable[[], GradingPolicy]]:
    from crisiskit.grading.ahp_fuzzy import AhpFuzzyPolicy  # noqa: PLC0415
    from crisiskit.grading.composite import StandardPolicy  # noqa: PLC0415
    from crisiskit.grading.indicators import IndicatorPolicy  # noqa: PLC0415
    from crisiskit.grading.matrix import RiskMatrixPolicy  # noqa: PLC0415

    return MappingProxyType(
        {
            "risk-matrix": RiskMatrixPolicy,
            "indicators": IndicatorPolicy,
            "ahp-fuzzy": AhpFuzzyPolicy,
            "standard": StandardPolicy,
        }
    )


if TYPE_CHECKING:
    POLICIES: Mapping[str, Callable[[], GradingPolicy]]
    """The shipped policies by name: each value builds the policy with its defaults.

    Each key is the :attr:`~GradingPolicy.name` of the policy it builds. A read-only mapping;
    to add your own, make a new one — ``{**POLICIES, AcmePolicy.name: AcmePolicy}`` — and pass
    it to :func:`policy_by_name` as ``registry``.
    """
else:  # type checkers see the imports above, and flag names that do not exist

    def __getattr__(name: str) -> Any:
        if name == "POLICIES":
            value: Any = _shipped()
        elif name in _LAZY:
            value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        elif name in _SUBMODULES:
            return importlib.import_module(f"{__name__}.{name}")
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value  # the next lookup finds it without coming here
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), "POLICIES", *_LAZY, *_SUBMODULES})


def policy_by_name(
    name: str, *, registry: Mapping[str, Callable[[], GradingPolicy]] | None = None
) -> GradingPolicy:
    """The policy called ``name`` (``"risk-matrix"``) or ``"name@version"`` (``"risk-matrix@1"``).

    With a version, the policy built must have exactly that version — so a backtest that
    replays an assessment made by ``risk-matrix@1`` fails loudly rather than silently
    grading with other rules.

    Raises:
        UnknownValueError: no policy has that name.
        PolicyError: the registry's entry builds a policy of another name (a registry's key
            must be the name of the policy it builds), or the policy's version is not the
            one asked for.

    >>> policy_by_name("risk-matrix@1").id
    'risk-matrix@1'
    """
    if not isinstance(name, str):
        raise UnknownValueError(_("a policy name must be a string; got {name!r}", name=name))
    if registry is None:
        registry = _shipped()
    wanted_version = None
    if "@" in name:
        base, wanted_version = _util.split_policy_id("policy_by_name(name)", name)
    else:
        base = name
    factory = registry.get(base)
    if factory is None:
        raise UnknownValueError(
            _(
                "no grading policy called {base!r}{closest}; known: {registry}",
                base=base,
                closest=_util.closest([base], registry),
                registry=tuple(sorted(registry)),
            )
        )
    policy = factory()
    if not isinstance(policy, GradingPolicy):
        raise PolicyError(
            _(
                "the registry's entry {base!r} built a {kind}, not a GradingPolicy",
                base=base,
                kind=type(policy).__name__,
            )
        )
    if policy.name != base:
        raise PolicyError(
            _(
                "the registry's entry {base!r} builds {id}; a registry files each policy under its name, so that an assessment's 'name@version' finds it again: use {policy!r} as the key, or give the policy the name {base!r}",
                base=base,
                id=policy.id,
                policy=policy.name,
            )
        )
    if wanted_version is not None and policy.version != wanted_version:
        raise PolicyError(
            _(
                "{name!r} was asked for, but this registry builds {id}; the rules of version {wanted_version!r} are not available here",
                name=name,
                id=policy.id,
                wanted_version=wanted_version,
            )
        )
    return policy
