"""Facts: what is known about what happened. Gathered piece by piece while a crisis runs."""

from __future__ import annotations

import pendulum
from attrs import evolve, field, fields, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import UnknownValueError
from crisiskit.messages import _

__all__ = ["Facts"]


@serializable()
@frozen
class Facts:
    """The facts of a crisis: time, place, cause, course, scope, customers affected.

    Every field starts unknown (``None``); :meth:`updated` returns a copy with some filled in.

    >>> Facts().updated(place="Shanghai, Pudong store", customers_affected=37).customers_affected
    37
    """

    time: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the incident happened (发生时间), which may be before it was detected."""
    place: str | None = field(default=None, validator=_checks.is_optional_text)
    """Where it happened (地点)."""
    cause: str | None = field(default=None, validator=_checks.is_optional_text)
    """Why it happened, as far as known (原因)."""
    course: str | None = field(default=None, validator=_checks.is_optional_text)
    """How it unfolded (经过)."""
    scope: str | None = field(default=None, validator=_checks.is_optional_text)
    """How far it reaches: products, batches, regions, channels (影响范围)."""
    customers_affected: int | None = field(default=None, validator=_checks.is_optional_count)
    """How many customers are affected (涉及客户数量), a whole number >= 0."""

    def updated(self, **changes: object) -> Facts:
        """A copy with the given fields replaced; unknown field names are refused."""
        known = {f.name for f in fields(Facts)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise UnknownValueError(
                _(
                    "Facts has no field {unknown}; fields: {known}",
                    unknown=tuple(map(repr, unknown)),
                    known=tuple(sorted(known)),
                )
            )
        return evolve(self, **changes)  # type: ignore[arg-type]

    def changes_from(self, before: Facts) -> dict[str, tuple[object, object]]:
        """The fields that differ from ``before``: name -> (old, new)."""
        return {
            f.name: (getattr(before, f.name), getattr(self, f.name))
            for f in fields(Facts)
            if getattr(before, f.name) != getattr(self, f.name)
        }
