"""The emergency plan (应急预案) as versioned data.

An :class:`EmergencyPlan` says, per crisis type and level, which roles are required and
what they do (:class:`RoleDuty`), which actions are due in each :class:`Phase` with an owner
and a time target (:class:`PlannedAction`), who must be told, how often and with whose
approval (:class:`CommunicationRule`), and whom to inform beyond the team
(:class:`Escalation`), and whom each SLA alert is for (:class:`AlertRule`); it also holds the :class:`Resources` set aside — budgets per
:class:`BudgetCategory`, the standing team, emergency stock — and its own revision history
(:class:`Revision`). Start from :meth:`EmergencyPlan.default`, save and load it as JSON, and
:meth:`~EmergencyPlan.revise` it after drills and reviews.

Examples:
    >>> from crisiskit import CrisisType, Level, Role
    >>> plan = EmergencyPlan.default()
    >>> sorted(r.value for r in plan.required_roles(CrisisType.COMPLAINT, Level.III))
    ['customer_service', 'office']
    >>> [a.action_id for a in plan.actions_for(CrisisType.PRODUCT_QUALITY, Level.II, Phase.WARNING)]
    ['warning-notice', 'monitor-opinion']
"""

from crisiskit.plan._fields import MAX_DURATION, ROUND_THE_CLOCK, WORKING
from crisiskit.plan.alerting import AlertRule
from crisiskit.plan.emergency_plan import EmergencyPlan, Revision
from crisiskit.plan.level_plan import (
    CommunicationRule,
    Escalation,
    LevelPlan,
    PlannedAction,
    RoleDuty,
)
from crisiskit.plan.resources import Budgets, Resources, StandingMember
from crisiskit.plan.vocabulary import BudgetCategory, Phase

__all__ = [
    "MAX_DURATION",
    "ROUND_THE_CLOCK",
    "WORKING",
    "AlertRule",
    "BudgetCategory",
    "Budgets",
    "CommunicationRule",
    "EmergencyPlan",
    "Escalation",
    "LevelPlan",
    "Phase",
    "PlannedAction",
    "Resources",
    "Revision",
    "RoleDuty",
    "StandingMember",
]
