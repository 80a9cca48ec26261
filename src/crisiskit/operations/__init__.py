"""The records of the work on a crisis: team, statements, customer cases, quality remedies, compensation, expenses, recovery, the review and the warning notice.

Frozen values that commands carry and events record; the rules that decide when they may be
recorded live with the aggregate in :mod:`crisiskit.crisis`.
"""

from crisiskit.operations.compensation import Compensation, CompensationKind
from crisiskit.operations.customer_cases import CaseStep, CustomerCase, Promise
from crisiskit.operations.expenses import Expense
from crisiskit.operations.notices import WarningNotice
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.operations.recovery import (
    SATISFACTION_SCALE,
    Callback,
    ImpactAssessment,
    ImpactFigures,
    Milestone,
    RecoveryPlan,
    Term,
)
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Medium, Statement
from crisiskit.operations.team import Assignment

__all__ = [
    "SATISFACTION_SCALE",
    "Assignment",
    "Callback",
    "CaseStep",
    "Compensation",
    "CompensationKind",
    "CustomerCase",
    "Expense",
    "ImpactAssessment",
    "ImpactFigures",
    "Medium",
    "Milestone",
    "Promise",
    "QualityRemedy",
    "RecoveryPlan",
    "RemedyKind",
    "Review",
    "Statement",
    "Term",
    "WarningNotice",
]
