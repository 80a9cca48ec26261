"""The host's own attributes on a crisis: set, changed and taken off by one command.

The attributes a host keeps (a CRM ticket link, a region, tags) are declared once in the
context (:class:`~crisiskit.values.attributes.AttributeSchema`); ``set_attributes`` checks
each value against its declaration and records the change.
"""

from __future__ import annotations

from collections.abc import Mapping

from crisiskit.crisis._base import CrisisBase, Evolver
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import AttributesSet, Event
from crisiskit.messages import _
from crisiskit.values.attributes import AttributeValue, AttributeValues

__all__ = ["HostAttributes"]


class HostAttributes(CrisisBase):
    """The command of the host's own attributes."""

    __slots__ = ()

    @command(
        offered=lambda crisis: crisis.context is not None and crisis.context.attributes is not None
    )
    def set_attributes(
        self,
        values: Mapping[str, AttributeValue | None],
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> AttributesSet:
        """Set, change or (with ``None``) take off the host's own attributes.

        Every name must be declared in the context's ``attributes`` schema and every value
        must be what its declaration allows; a change that changes nothing is refused.
        """
        schema = self._require_context().attributes
        if schema is None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} has no attribute schema: give its Context one "
                    "(attributes=AttributeSchema(...))",
                    crisis_id=self.id,
                )
            )
        checked = schema.check(values)
        current = self.attributes
        new = {n: v for n, v in checked.items() if v is not None and current.get(n) != v}
        removed = tuple(n for n, v in checked.items() if v is None and n in current)
        if not new and not removed:
            raise ValidationError(
                _(
                    "set_attributes() changes nothing: crisis {crisis_id!r} already has these "
                    "values",
                    crisis_id=self.id,
                )
            )
        old = {n: current[n] for n in (*new, *removed) if n in current}
        return self._record(
            AttributesSet,
            actor,
            reason,
            new=AttributeValues(new),
            old=AttributeValues(old),
            removed=removed,
        )


def _attributes_set(r: Record, event: AttributesSet) -> None:
    values = {n: v for n, v in r.attributes.items() if n not in event.removed}
    values.update(event.new)
    r.attributes = AttributeValues(values)


EVOLVE: dict[type[Event], Evolver] = {AttributesSet: _attributes_set}
"""How each event of this slice changes the crisis's state record."""
