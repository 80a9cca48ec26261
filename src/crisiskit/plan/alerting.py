"""Whom an SLA alert is for: the plan's alert rules, per level.

A rule names a metric (or every metric), a fraction of the target (1.0: the breach) and the
roles to notify from that fraction on. An alert goes to the roles of every rule it has
reached, so escalation is cumulative: with rules at 0.75 and at the breach, the breach
reaches both groups of roles. The crisis resolves the roles to the people in its team.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.values.vocabulary import Role, to_roles

__all__ = ["AlertRule"]

_CODE = re.compile(r"[a-z][a-z0-9_]*")


def _is_metric(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # A code rather than an SLA metric: plans sit beside the SLA layer, not above it, and a
    # host's own metrics are named by code too.
    if value is not None and not (isinstance(value, str) and _CODE.fullmatch(value)):
        raise ValidationError(
            _(
                "AlertRule.metric is the code of a metric, such as 'acknowledge', or None for "
                "every metric; got {value!r}",
                value=value,
            )
        )


def _is_fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number = _checks.number("AlertRule.at", value)
    if not 0 < number <= 100:
        raise ValidationError(
            _(
                "AlertRule.at is a fraction of the target > 0 (1.0 is the breach); got {value!r}",
                value=value,
            )
        )


@serializable()
@frozen
class AlertRule:
    """Notify ``notify`` when a timer of ``metric`` has used ``at`` of its target.

    >>> AlertRule((Role.LEADERSHIP_GROUP,), metric="acknowledge").applies("acknowledge", 1.0)
    True
    """

    notify: tuple[Role, ...] = field(converter=to_roles, validator=_checks.is_members(Role))
    """The roles to notify (at least one, each once)."""
    metric: str | None = field(default=None, kw_only=True, validator=_is_metric)
    """The code of the metric, or None for every metric."""
    at: float = field(default=1.0, kw_only=True, converter=_checks.to_float, validator=_is_fraction)
    """The fraction of the target from which the rule applies; 1.0 is the breach."""

    def __attrs_post_init__(self) -> None:
        if not self.notify or len(set(self.notify)) != len(self.notify):
            raise ValidationError(
                _(
                    "AlertRule.notify must name at least one role, each once; got {roles}",
                    roles=[r.value for r in self.notify],
                )
            )

    def applies(self, metric: str, fraction: float) -> bool:
        """Whether an alert of ``metric`` at ``fraction`` of its target reaches this rule."""
        return (self.metric is None or self.metric == metric) and fraction >= self.at
