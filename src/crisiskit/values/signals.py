"""Signals (预警信息): what was observed, where, when, about whom, with which indicators."""

from __future__ import annotations

from collections.abc import Mapping

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.values.customers import CustomerRef
from crisiskit.values.vocabulary import Channel, to_channel

__all__ = ["Signal"]


@serializable()
@frozen
class Signal:
    """One observation that may indicate a crisis.

    Metrics are indicator readings such as ``{"heat": 8200, "negative_ratio": 0.41}``;
    names are identifiers, values finite numbers (NaN and infinities are refused).

    >>> import pendulum
    >>> s = Signal(Channel.SOCIAL_MEDIA, pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai"),
    ...            "Weibo post: foreign object found in yoghurt", metrics={"heat": 8200})
    >>> s.observed_at.to_iso8601_string(), s.metrics["heat"]
    ('2025-09-27T12:00:00Z', 8200.0)
    """

    channel: Channel = field(converter=to_channel, validator=_checks.is_member(Channel))
    """Where the signal came from."""
    observed_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When it was observed (stored in UTC)."""
    description: str = field(validator=_checks.is_text)
    """What was observed, in the reporter's words."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers it concerns, if any."""
    metrics: Mapping[str, float] = field(
        factory=dict, converter=_checks.to_metrics, validator=_checks.is_metrics
    )
    """Indicator readings: name -> finite number."""
    source_ref: str | None = field(default=None, validator=_checks.is_optional_text)
    """The host's reference for the source (ticket id, post URL), if any."""
