"""Each affected customer's case, in the shape of ISO 10002 complaint handling."""

from __future__ import annotations

import warnings

import pendulum

from crisiskit._internal import checks as _checks
from crisiskit.crisis._base import CrisisBase, Evolver, Obliger
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CustomerCaseUpdated,
    Event,
)
from crisiskit.messages import _, coded
from crisiskit.operations.customer_cases import CaseStep, CustomerCase, Promise
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.sla.policy import Change

__all__ = ["CustomerCases"]

_NEEDS_NOTE = frozenset({CaseStep.DEMAND_RECORDED, CaseStep.PROMISED, CaseStep.SOLUTION_AGREED})


class CustomerCases(CrisisBase):
    """The commands of handling each affected customer."""

    __slots__ = ()

    @command(offered=lambda crisis: bool(crisis.customers))
    def handle_customer(
        self,
        customer_id: str,
        step: CaseStep | str,
        *,
        note: str | None = None,
        due_at: pendulum.DateTime | None = None,
        due: pendulum.DateTime | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CustomerCaseUpdated:
        """Record a step in handling one affected customer.

        ``note`` holds the demand (``DEMAND_RECORDED``), the promise (``PROMISED``, with
        ``due_at``), the solution (``SOLUTION_AGREED``) or the update sent. ``due`` is the
        deprecated name of ``due_at``.
        """
        if due is not None:
            warnings.warn(
                "handle_customer(due=) is now handle_customer(due_at=); due goes in crisiskit 0.3",
                DeprecationWarning,
                stacklevel=3,
            )
            if due_at is not None:
                raise ValidationError(_("handle_customer() takes due_at or due, not both"))
            due_at = due
        step = _checks.member("handle_customer(step)", step, CaseStep)
        if not self.has_customer(customer_id):
            raise ValidationError(
                _(
                    "customer {customer_id!r} is not affected by crisis {crisis_id!r}; add them "
                    "with add_customers() first",
                    customer_id=customer_id,
                    crisis_id=self.id,
                )
            )
        case = self.case(customer_id)
        now = self._now(self._require_context())
        if case is not None and case.is_resolved:
            raise ValidationError(
                _(
                    "the case of customer {customer_id!r} is resolved already",
                    customer_id=customer_id,
                )
            )
        if step is CaseStep.RECEIVED and case is not None:
            raise ValidationError(
                _(
                    "the case of customer {customer_id!r} was received already",
                    customer_id=customer_id,
                )
            )
        if step in _NEEDS_NOTE and note is None:
            raise ValidationError(
                _(
                    "handle_customer(step={step!r}) needs a note saying what",
                    step=coded(step),
                )
            )
        if step is CaseStep.PROMISED:
            if due_at is None:
                raise ValidationError(
                    _("a promise needs a due time: handle_customer(..., due_at=...)")
                )
            due_at = _checks.instant("handle_customer(due_at)", due_at)
            if due_at <= now:
                raise ValidationError(
                    _(
                        "a promise must be due in the future; got {due_at}",
                        due_at=due_at.isoformat(),
                    )
                )
        elif due_at is not None:
            raise ValidationError(
                _(
                    "only a promise has a due time; handle_customer(step={step!r}) takes no due_at",
                    step=coded(step),
                )
            )
        if step is CaseStep.PROMISE_KEPT and not any(
            p.kept_at is None for p in (case.promises if case else ())
        ):
            raise ValidationError(
                _("customer {customer_id!r} has no open promise to keep", customer_id=customer_id)
            )
        return self._record(
            CustomerCaseUpdated,
            actor,
            reason,
            customer_id=customer_id,
            step=step,
            note=note,
            due_at=due_at,
        )

    def overdue_promises(self, at: pendulum.DateTime) -> tuple[tuple[str, Promise], ...]:
        """(customer id, promise) for every open promise past its due time at ``at``."""
        return tuple((c.customer_id, p) for c in self.cases for p in c.overdue_promises(at))


def _case(r: Record, event: CustomerCaseUpdated) -> None:
    case = r.cases.get(event.customer_id) or CustomerCase(event.customer_id, event.occurred_at)
    r.cases[event.customer_id] = case.with_step(
        event.step, event.occurred_at, event.note, event.due_at
    )


EVOLVE: dict[type[Event], Evolver] = {
    CustomerCaseUpdated: _case,
}
"""How each event of this slice changes the crisis's state record."""


def _promise_subject(customer_id: str, number: int) -> str:
    """Whom promise ``number`` (1-based, in the order made) of a customer's case is owed to."""
    return f"{customer_id}/{number}"


def _promises(crisis: CrisisBase, event: CustomerCaseUpdated, policy: SlaPolicy) -> list[Change]:
    # Worked out on the case before the step: a promise made is the next one of the case; a
    # promise kept is the oldest one open (as the case keeps it), a resolution keeps them all.
    case = crisis.case(event.customer_id)
    promises = () if case is None else case.promises
    if event.step is CaseStep.PROMISED:
        assert event.due_at is not None
        subject = _promise_subject(event.customer_id, len(promises) + 1)
        owed = policy._owing(
            SlaMetric.PROMISE,
            subject,
            due=event.due_at,
            owner=crisis.id,
        )
        return [owed]
    if event.step is CaseStep.PROMISE_KEPT:
        kept = [n for n, p in enumerate(promises, 1) if p.kept_at is None][:1]
    elif event.step is CaseStep.RESOLVED:
        kept = [n for n, p in enumerate(promises, 1) if p.kept_at is None]
    else:
        return []
    return [
        policy._recording(SlaMetric.PROMISE, _promise_subject(event.customer_id, n)) for n in kept
    ]


OBLIGATIONS: dict[type[Event], Obliger] = {
    CustomerCaseUpdated: _promises,
}
"""What each event of this slice owes or fulfils, as steps on the crisis's timers."""
