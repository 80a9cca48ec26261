"""Quality remedies: root cause, responsible party, remedy, process fix."""

from __future__ import annotations

from collections.abc import Iterable

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.values.labels import LabelledEnum, converted, converted_all

__all__ = ["QualityRemedy", "RemedyKind"]


class RemedyKind(LabelledEnum):
    """What is done to the product."""

    RECALL = "recall"
    REWORK = "rework"
    REPAIR = "repair"
    REPLACE = "replace"


RemedyKind._register_labels(
    {
        RemedyKind.RECALL: ("recall", "召回"),
        RemedyKind.REWORK: ("rework", "返工"),
        RemedyKind.REPAIR: ("repair", "维修"),
        RemedyKind.REPLACE: ("replacement", "更换"),
    }
)


def to_remedy_kind(value: RemedyKind | str) -> RemedyKind:
    """Attrs converter: the RemedyKind that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, RemedyKind)


def _to_remedies(value: Iterable[RemedyKind | str]) -> tuple[RemedyKind, ...]:
    return converted_all(value, RemedyKind)


@serializable()
@frozen
class QualityRemedy:
    """How a product-quality problem is fixed and explained."""

    root_cause: str = field(validator=_checks.is_text)
    """Why it happened (问题原因)."""
    responsible_party: str = field(validator=_checks.is_text)
    """Who is responsible: a department, a supplier, a line (责任主体)."""
    remedies: tuple[RemedyKind, ...] = field(
        converter=_to_remedies, validator=_checks.is_members(RemedyKind)
    )
    """What is done to the product: recall, rework, repair, replace."""
    process_fix: str | None = field(default=None, validator=_checks.is_optional_text)
    """How the process changes so it does not happen again (流程优化)."""
    expected_resolution: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When customers are told it will be resolved (预计解决时间)."""
    explanation: str | None = field(default=None, validator=_checks.is_optional_text)
    """What affected customers are told."""
