"""Events of the response and recovery work: team, statements, customers, money, review."""

from __future__ import annotations

from typing import Any, ClassVar

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.events.base import Event
from crisiskit.events.sealing import upcaster
from crisiskit.operations.compensation import Compensation
from crisiskit.operations.customer_cases import CaseStep, to_case_step
from crisiskit.operations.expenses import Expense
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import Callback, ImpactAssessment, RecoveryPlan
from crisiskit.operations.review import ImprovementStatus, Review, to_improvement_status
from crisiskit.operations.statements import Statement
from crisiskit.operations.team import Assignment
from crisiskit.plan import BudgetCategory
from crisiskit.plan.vocabulary import to_budget_category
from crisiskit.values.attributes import AttributeValues, to_values
from crisiskit.values.money import Money
from crisiskit.values.vocabulary import Role, to_role

__all__ = [
    "ActionCompleted",
    "ActionStarted",
    "AttributesSet",
    "BudgetExceeded",
    "CallbackRecorded",
    "CompensationGranted",
    "CrisisAcknowledged",
    "CustomerCaseUpdated",
    "ExpenseRecorded",
    "ImpactAssessed",
    "ImprovementUpdated",
    "MeetingHeld",
    "MilestoneReached",
    "PersonalDataErased",
    "ProgressReported",
    "QualityRemedyRecorded",
    "RecoveryPlanSet",
    "ReviewRecorded",
    "StatementReleased",
    "TeamMemberAssigned",
    "TeamMemberReleased",
]


@serializable()
@frozen(kw_only=True)
class CrisisAcknowledged(Event):
    """The crisis office took the crisis on (受理): the clock of "time to acknowledge" stops."""

    label_en: ClassVar[str] = "acknowledged"
    label_zh: ClassVar[str] = "受理"


@serializable()
@frozen(kw_only=True)
class TeamMemberAssigned(Event):
    """Someone was assigned to a role on the crisis team."""

    assignment: Assignment
    """Who, in which role, since when."""

    label_en: ClassVar[str] = "team member assigned"
    label_zh: ClassVar[str] = "人员到位"


@serializable()
@frozen(kw_only=True)
class TeamMemberReleased(Event):
    """Someone left a role on the crisis team."""

    role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """The role they left."""
    person: str = field(validator=_checks.is_text)
    """Who."""

    label_en: ClassVar[str] = "team member released"
    label_zh: ClassVar[str] = "人员撤出"


@serializable()
@frozen(kw_only=True)
class ProgressReported(Event):
    """An internal progress report went round (进展通报)."""

    summary: str = field(validator=_checks.is_text)
    """What was reported."""

    label_en: ClassVar[str] = "progress reported"
    label_zh: ClassVar[str] = "通报进展"


@serializable()
@frozen(kw_only=True)
class MeetingHeld(Event):
    """A coordination meeting was held (协调会议)."""

    topic: str = field(validator=_checks.is_text)
    """What it was about."""
    attendees: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """Who attended."""
    decisions: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """What was decided."""

    label_en: ClassVar[str] = "meeting held"
    label_zh: ClassVar[str] = "召开会议"


@serializable()
@frozen(kw_only=True)
class StatementReleased(Event):
    """A statement went out to an audience; it supersedes that audience's previous one."""

    statement: Statement
    """The statement as released."""

    label_en: ClassVar[str] = "statement released"
    label_zh: ClassVar[str] = "对外发布"


@serializable()
@frozen(kw_only=True)
class CustomerCaseUpdated(Event):
    """A step in handling one affected customer's case."""

    customer_id: str = field(validator=_checks.is_text)
    """The customer."""
    step: CaseStep = field(converter=to_case_step, validator=_checks.is_member(CaseStep))
    """What was done."""
    note: str | None = field(
        default=None, validator=_checks.is_optional_text, metadata={"personal": True}
    )
    """The demand, the promise, the solution, the update — in words."""
    due_at: pendulum.DateTime | None = field(
        default=None, converter=_checks.as_optional_instant, validator=_checks.is_optional_instant
    )
    """For a promise: when it is due."""

    label_en: ClassVar[str] = "customer case updated"
    label_zh: ClassVar[str] = "客户处理进展"


@serializable()
@frozen(kw_only=True)
class QualityRemedyRecorded(Event):
    """The quality remedy was recorded or revised."""

    old: QualityRemedy | None = None
    """The remedy before, if one was recorded."""
    new: QualityRemedy
    """The remedy now."""

    label_en: ClassVar[str] = "quality remedy recorded"
    label_zh: ClassVar[str] = "质量整改"


@serializable()
@frozen(kw_only=True)
class CompensationGranted(Event):
    """A customer (or all customers) received compensation or a value-added remedy."""

    compensation: Compensation
    """What was given, at what cost."""

    label_en: ClassVar[str] = "compensation granted"
    label_zh: ClassVar[str] = "给予补偿"


@serializable()
@frozen(kw_only=True)
class ExpenseRecorded(Event):
    """Money was spent on the crisis in a budget category (PR, supplies)."""

    expense: Expense
    """What was spent, on what."""

    label_en: ClassVar[str] = "expense recorded"
    label_zh: ClassVar[str] = "记录支出"


@serializable()
@frozen(kw_only=True)
class BudgetExceeded(Event):
    """Spending in a budget category went over the plan's budget: a warning, recorded by the system."""

    category: BudgetCategory = field(
        converter=to_budget_category, validator=_checks.is_member(BudgetCategory)
    )
    """The budget category."""
    budget: Money
    """The plan's budget for it."""
    spent: Money
    """What has been spent, now over the budget."""

    label_en: ClassVar[str] = "budget exceeded"
    label_zh: ClassVar[str] = "预算超支"


@serializable()
@frozen(kw_only=True)
class CallbackRecorded(Event):
    """An affected customer was called back (回访)."""

    callback: Callback
    """The call and its satisfaction score."""

    label_en: ClassVar[str] = "callback recorded"
    label_zh: ClassVar[str] = "客户回访"


@serializable()
@frozen(kw_only=True)
class RecoveryPlanSet(Event):
    """The recovery plan was set or revised."""

    old: RecoveryPlan | None = None
    """The plan before, if there was one."""
    new: RecoveryPlan
    """The plan now."""

    label_en: ClassVar[str] = "recovery plan set"
    label_zh: ClassVar[str] = "制定恢复计划"


@serializable()
@frozen(kw_only=True)
class MilestoneReached(Event):
    """A milestone of the recovery plan was reached."""

    milestone: str = field(validator=_checks.is_text)
    """Its name."""

    label_en: ClassVar[str] = "milestone reached"
    label_zh: ClassVar[str] = "里程碑达成"


@serializable()
@frozen(kw_only=True)
class ImpactAssessed(Event):
    """The business impact was assessed: figures before and after."""

    assessment: ImpactAssessment
    """The figures."""

    label_en: ClassVar[str] = "impact assessed"
    label_zh: ClassVar[str] = "影响评估"


@serializable()
@frozen(kw_only=True)
class ReviewRecorded(Event):
    """The review was recorded: root cause, lessons, improvements."""

    review: Review
    """The review."""

    event_version: ClassVar[int] = 2
    # Version 2: each improvement is a value (text, owner, due date, status), not a text.

    label_en: ClassVar[str] = "review recorded"
    label_zh: ClassVar[str] = "总结复盘"


@upcaster("ReviewRecorded", 1)
def _review_v1(data: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    """Version 1 held each improvement as its text: an open one, with no owner or due date."""
    review = data.get("review")
    if isinstance(review, dict) and isinstance(review.get("improvements"), list):
        improvements = [
            {"text": item} if isinstance(item, str) else item for item in review["improvements"]
        ]
        data["review"] = {**review, "improvements": improvements}
    return "ReviewRecorded", 2, data


@serializable()
@frozen(kw_only=True)
class ImprovementUpdated(Event):
    """An improvement the review decided was done or dropped (it may be after closing)."""

    number: int = field(validator=_checks.is_count)
    """Which improvement of the review, counted from 1."""
    status: ImprovementStatus = field(
        converter=to_improvement_status, validator=_checks.is_member(ImprovementStatus)
    )
    """Its status now."""

    label_en: ClassVar[str] = "improvement updated"
    label_zh: ClassVar[str] = "改进措施更新"


@serializable()
@frozen(kw_only=True)
class ActionStarted(Event):
    """Someone (the event's actor) took on an action of the emergency plan."""

    action_id: str = field(validator=_checks.is_text)
    """The plan's id of the action."""

    label_en: ClassVar[str] = "planned action started"
    label_zh: ClassVar[str] = "预案行动开始"


@serializable()
@frozen(kw_only=True)
class ActionCompleted(Event):
    """An action of the emergency plan was done: its obligation is fulfilled, on time or late."""

    action_id: str = field(validator=_checks.is_text)
    """The plan's id of the action."""
    note: str | None = field(default=None, validator=_checks.is_optional_text)
    """What was done, in a few words."""

    label_en: ClassVar[str] = "planned action completed"
    label_zh: ClassVar[str] = "预案行动完成"


@serializable()
@frozen(kw_only=True)
class AttributesSet(Event):
    """The host's own attributes on the crisis changed (a ticket link, a region, tags)."""

    new: AttributeValues = field(converter=to_values)
    """The attributes set, with their new values."""
    old: AttributeValues = field(factory=lambda: AttributeValues({}), converter=to_values)
    """The values they had before, for those that had one."""
    removed: tuple[str, ...] = field(default=(), converter=_checks.to_tuple)
    """The attributes taken off."""

    label_en: ClassVar[str] = "attributes set"
    label_zh: ClassVar[str] = "属性更新"


@serializable()
@frozen(kw_only=True)
class PersonalDataErased(Event):
    """A customer's personal data was erased from the crisis, at their request or by law.

    It records who erased it, when and why — never the values. Every stored event's values
    about the customer are replaced by tombstones that point to this event; hashes hold.
    """

    customer_id: str = field(validator=_checks.is_text)
    """The customer whose data was erased (the host's id, which identifies no one once the
    host's own customer record is gone)."""
    fields: tuple[str, ...] = field(default=(), converter=_checks.to_tuple)
    """The fields the host marked personal when it was erased (``"Type.field"``), besides
    crisiskit's own."""

    label_en: ClassVar[str] = "personal data erased"
    label_zh: ClassVar[str] = "个人信息已删除"
