"""Handling each affected customer, in the shape of ISO 10002 complaint handling.

A case moves through steps — received, acknowledged, demand recorded, apologised, promised,
solution agreed, progress reported, resolved — each recorded with its time. Promises carry
a due time, so overdue promises are visible.
"""

from __future__ import annotations

import pendulum
from attrs import evolve, field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.values.labels import LabelledEnum, converted

__all__ = ["CaseStep", "CustomerCase", "Promise"]


class CaseStep(LabelledEnum):
    """A step in handling one customer's case."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    DEMAND_RECORDED = "demand_recorded"
    APOLOGISED = "apologised"
    PROMISED = "promised"
    PROMISE_KEPT = "promise_kept"
    SOLUTION_AGREED = "solution_agreed"
    PROGRESS_REPORTED = "progress_reported"
    RESOLVED = "resolved"

    @property
    def is_contact(self) -> bool:
        """True for steps that mean someone spoke to the customer (all but received)."""
        return self is not CaseStep.RECEIVED


CaseStep._register_labels(
    {
        CaseStep.RECEIVED: ("received", "受理"),
        CaseStep.ACKNOWLEDGED: ("contacted and acknowledged", "联系客户并确认"),
        CaseStep.DEMAND_RECORDED: ("demand recorded", "了解诉求"),
        CaseStep.APOLOGISED: ("apologised", "表达歉意"),
        CaseStep.PROMISED: ("promise made", "作出承诺"),
        CaseStep.PROMISE_KEPT: ("promise kept", "兑现承诺"),
        CaseStep.SOLUTION_AGREED: ("solution agreed", "确定解决方案"),
        CaseStep.PROGRESS_REPORTED: ("progress reported back", "反馈处理进度"),
        CaseStep.RESOLVED: ("resolved", "处理完毕"),
    }
)


def to_case_step(value: CaseStep | str) -> CaseStep:
    """Attrs converter: the CaseStep that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, CaseStep)


@serializable()
@frozen
class Promise:
    """Something promised to a customer, by when."""

    text: str = field(metadata={"personal": True}, validator=_checks.is_text)
    """What was promised."""
    made_at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When it was promised."""
    due_at: pendulum.DateTime = field(converter=_checks.as_instant, validator=_checks.is_instant)
    """When it is due."""
    kept_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When it was kept; None while open."""

    def is_overdue(self, at: pendulum.DateTime) -> bool:
        """True when the promise is open and its due time has passed at ``at``."""
        return self.kept_at is None and _checks.instant("at", at) > self.due_at


@serializable()
@frozen
class CustomerCase:
    """One affected customer's case: what they asked for, what they were told and promised."""

    customer_id: str = field(validator=_checks.is_text)
    """The customer (their CRM id)."""
    received_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When the case was opened."""
    first_contact_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When someone first got back to the customer."""
    demand: str | None = field(
        default=None, metadata={"personal": True}, validator=_checks.is_optional_text
    )
    """What the customer asks for (the remedy sought)."""
    apologised_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the company apologised."""
    promises: tuple[Promise, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Promise, "Promise")
    )
    """What was promised, with due times."""
    solution: str | None = field(
        default=None, metadata={"personal": True}, validator=_checks.is_optional_text
    )
    """The agreed solution."""
    updates: int = field(default=0, validator=_checks.is_count)
    """How many progress reports went back to the customer."""
    last_update_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the customer last heard about progress."""
    resolved_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """When the case was resolved."""

    @property
    def is_resolved(self) -> bool:
        """True once the case is resolved."""
        return self.resolved_at is not None

    def overdue_promises(self, at: pendulum.DateTime) -> tuple[Promise, ...]:
        """The promises still open whose due time has passed at ``at``."""
        return tuple(p for p in self.promises if p.is_overdue(at))

    def with_step(
        self,
        step: CaseStep | str,
        at: pendulum.DateTime,
        note: str | None,
        due: pendulum.DateTime | None,
    ) -> CustomerCase:
        """The case after ``step`` (crisiskit-internal: the crisis validates before calling)."""
        step = _checks.member("step", step, CaseStep)
        case = self
        if step.is_contact and case.first_contact_at is None:
            case = evolve(case, first_contact_at=at)
        if step is CaseStep.DEMAND_RECORDED:
            return evolve(case, demand=note)
        if step is CaseStep.APOLOGISED:
            return evolve(case, apologised_at=at)
        if step is CaseStep.PROMISED:
            assert note is not None
            assert due is not None
            return evolve(case, promises=(*case.promises, Promise(note, at, due)))
        if step is CaseStep.PROMISE_KEPT:
            return evolve(case, promises=_keep_oldest(case.promises, at))
        if step is CaseStep.SOLUTION_AGREED:
            return evolve(case, solution=note)
        if step is CaseStep.PROGRESS_REPORTED:
            return evolve(case, updates=case.updates + 1, last_update_at=at)
        if step is CaseStep.RESOLVED:
            kept = tuple(p if p.kept_at else evolve(p, kept_at=at) for p in case.promises)
            return evolve(case, promises=kept, resolved_at=at)
        return case


def _keep_oldest(promises: tuple[Promise, ...], at: pendulum.DateTime) -> tuple[Promise, ...]:
    result = list(promises)
    for i, promise in enumerate(result):
        if promise.kept_at is None:
            result[i] = evolve(promise, kept_at=at)
            break
    return tuple(result)
