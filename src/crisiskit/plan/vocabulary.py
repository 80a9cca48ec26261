"""The words of the emergency plan: response phases and budget categories."""

from __future__ import annotations

from crisiskit.values.labels import LabelledEnum, converted
from crisiskit.values.vocabulary import CrisisState

__all__ = ["BudgetCategory", "Phase"]


class Phase(LabelledEnum):
    """A phase of the response that a plan sets actions for.

    Each phase is the time a crisis spends in one lifecycle state: :attr:`state` and
    :meth:`of_state` map between the two. A planned action's target runs from the start of
    its phase.
    """

    WARNING = "warning"
    RESPONSE = "response"
    RECOVERY = "recovery"

    @property
    def state(self) -> CrisisState:
        """The lifecycle state the phase runs in: warning → warned, and so on."""
        return _STATES[self]

    @classmethod
    def of_state(cls, state: CrisisState | str) -> Phase | None:
        """The phase a crisis in ``state`` is in; None for ``detected`` and ``closed``."""
        return _PHASES.get(CrisisState.parse(state, what="Phase.of_state(state)"))


_STATES = {
    Phase.WARNING: CrisisState.WARNED,
    Phase.RESPONSE: CrisisState.RESPONDING,
    Phase.RECOVERY: CrisisState.RECOVERING,
}
_PHASES = {state: phase for phase, state in _STATES.items()}

Phase._register_labels(
    {
        Phase.WARNING: ("warning", "预警"),
        Phase.RESPONSE: ("response", "应对"),
        Phase.RECOVERY: ("recovery", "恢复"),
    }
)


def to_phase(value: Phase | str) -> Phase:
    """Attrs converter: the Phase that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Phase)


class BudgetCategory(LabelledEnum):
    """What crisis money is set aside for (资金资源保障)."""

    COMPENSATION = "compensation"
    PR = "pr"
    SUPPLIES = "supplies"


BudgetCategory._register_labels(
    {
        BudgetCategory.COMPENSATION: ("customer compensation", "赔偿"),
        BudgetCategory.PR: ("public relations", "公关"),
        BudgetCategory.SUPPLIES: ("emergency supplies", "应急物资"),
    }
)


def to_budget_category(value: BudgetCategory | str) -> BudgetCategory:
    """Attrs converter: the BudgetCategory that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, BudgetCategory)
