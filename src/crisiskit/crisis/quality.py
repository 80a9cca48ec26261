"""The quality remedy of a product-quality problem: root cause, responsible party, remedy, process fix."""

from __future__ import annotations

from crisiskit.crisis._base import CrisisBase, Evolver, Obliger
from crisiskit.crisis._record import Record
from crisiskit.crisis.commands import command
from crisiskit.errors import ValidationError
from crisiskit.events import (
    Event,
    QualityRemedyRecorded,
)
from crisiskit.messages import _
from crisiskit.operations.quality import QualityRemedy
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.sla.policy import Change
from crisiskit.values.vocabulary import CrisisState

__all__ = ["Quality"]


class Quality(CrisisBase):
    """The command of the quality remedy."""

    __slots__ = ()

    @command()
    def record_quality_remedy(
        self,
        remedy: QualityRemedy,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> QualityRemedyRecorded:
        """Record (or revise) the quality remedy: root cause, responsible party, remedy, process fix."""
        if not isinstance(remedy, QualityRemedy):
            raise ValidationError(
                _(
                    "record_quality_remedy() takes a QualityRemedy; got {type}",
                    type=type(remedy).__name__,
                )
            )
        return self._record(
            QualityRemedyRecorded, actor, reason, old=self.quality_remedy, new=remedy
        )


def _remedy(r: Record, event: QualityRemedyRecorded) -> None:
    r.quality_remedy = event.new


EVOLVE: dict[type[Event], Evolver] = {
    QualityRemedyRecorded: _remedy,
}
"""How each event of this slice changes the crisis's state record."""

REMEDY_SUBJECT = "expected_resolution"
"""The subject of a crisis's one remedy timer: the expected resolution customers were told."""

# The crisis resolved (recovering on) has met its expected resolution: a remedy recorded
# from then on owes none.
_UNRESOLVED = frozenset({CrisisState.DETECTED, CrisisState.WARNED, CrisisState.RESPONDING})


def _expected(crisis: CrisisBase, event: QualityRemedyRecorded, policy: SlaPolicy) -> list[Change]:
    due = event.new.expected_resolution
    if due is None:
        reason = _("the remedy no longer gives an expected resolution")
        return [policy._releasing((REMEDY_SUBJECT,), reason, metrics=(SlaMetric.REMEDY,))]
    if crisis.state not in _UNRESOLVED:
        return []
    owed = policy._owing(
        SlaMetric.REMEDY,
        REMEDY_SUBJECT,
        due=due,
        owner=crisis.id,
    )
    return [owed]


OBLIGATIONS: dict[type[Event], Obliger] = {
    QualityRemedyRecorded: _expected,
}
"""What each event of this slice owes or fulfils, as steps on the crisis's timers."""
