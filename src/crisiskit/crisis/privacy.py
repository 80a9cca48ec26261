"""A customer's right to erasure: their personal data taken out of the crisis and its log.

China's PIPL (art. 47) and the GDPR (art. 17) give a customer the right to have their
personal data deleted. The audit log is hash-chained, so crisiskit keeps personal data out
of the hashed bytes (see :mod:`crisiskit.events.sealing`): erasing it leaves every hash as it
was. ``erase_personal_data`` records the erasure — who, when, why, about whom; never the
values — and erases the values from the crisis's state; the host then replaces the values
in its stored events with tombstones (:func:`crisiskit.events.erase`).
"""

from __future__ import annotations

from crisiskit._internal import checks as _checks
from crisiskit._internal.personal import scrub
from crisiskit.crisis._base import CrisisBase, Evolver
from crisiskit.crisis._record import _STORED, Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import Event, PersonalDataErased
from crisiskit.messages import _

__all__ = ["Privacy"]


class Privacy(CrisisBase):
    """The command of a customer's right to erasure."""

    __slots__ = ()

    @command(reason="required", anywhere=True, offered=lambda crisis: bool(crisis.customers))
    def erase_personal_data(
        self,
        customer_id: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> PersonalDataErased:
        """Erase a customer's personal data from the crisis: names, case notes, comments.

        Allowed in every state, closed included. The crisis keeps the customer's id, the
        times and the money — the figures do not change — and its personal texts read
        ``"[erased]"``. The event records who erased, when and why (``reason`` is required),
        never the values. Afterwards, rewrite the crisis's stored events with
        :func:`crisiskit.events.erase` and drop its old snapshots.
        """
        _checks.text("customer_id", customer_id, max_length=200)
        record = self._r
        known = (
            customer_id in record.customers
            or customer_id in record.cases
            or any(c.customer_id == customer_id for c in record.callbacks)
            or any(c.customer_id == customer_id for c in record.compensations)
        )
        if not known:
            shown = tuple(list(record.customers)[:10])
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} holds nothing about customer {customer_id!r}; its "
                    "customers: {customers}",
                    crisis_id=self.id,
                    customer_id=customer_id,
                    customers=shown,
                )
                if shown
                else _(
                    "crisis {crisis_id!r} holds nothing about customer {customer_id!r}; it has "
                    "no customers",
                    crisis_id=self.id,
                    customer_id=customer_id,
                )
            )
        context = self._require_context()
        return self._record(
            PersonalDataErased,
            actor,
            reason,
            customer_id=customer_id,
            fields=tuple(sorted(context.personal)),
        )


def _erased(r: Record, event: PersonalDataErased) -> None:
    marked = frozenset(event.fields)
    everyone = tuple(r.customers)  # whom a host-marked note naming no customer is about
    for name in _STORED:
        value = getattr(r, name)
        new = scrub(value, event.customer_id, marked, everyone)
        if new is not value:
            if name == "signals":
                r.set_signals(tuple(new), tuple(r.customers.values()))
            else:
                setattr(r, name, new)


EVOLVE: dict[type[Event], Evolver] = {PersonalDataErased: _erased}
"""How each event of this slice changes the crisis's state record."""
