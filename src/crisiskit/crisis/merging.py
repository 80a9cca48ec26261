"""Duplicates and merges: the crisis commands that join and separate crises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from crisiskit.crisis._base import CrisisBase, Evolver
from crisiskit.crisis._record import MergeRecord, Record
from crisiskit.crisis.commands import command
from crisiskit.crisis.lifecycle import TRANSITIONS
from crisiskit.errors import ValidationError
from crisiskit.events import (
    CrisisMerged,
    CrisisUnmerged,
    Event,
    MarkedDuplicate,
    MergedInto,
    MergeUndone,
)
from crisiskit.messages import _
from crisiskit.values.customers import customers_of
from crisiskit.values.vocabulary import ClosedAs, CrisisState

__all__ = ["MergeRecord", "Merging", "canonical_id"]


def canonical_id(crisis_id: str, duplicate_of: Callable[[str], str | None]) -> str:
    """Follow "duplicate of" links from ``crisis_id`` to the canonical crisis.

    ``duplicate_of(id)`` returns the id a crisis is a duplicate of, or None. A cycle raises
    :class:`~crisiskit.errors.ValidationError` naming the crises in it.
    """
    seen = [crisis_id]
    current = crisis_id
    while (target := duplicate_of(current)) is not None:
        if target in seen:
            raise ValidationError(
                _("duplicate links form a cycle: {cycle}", cycle=" -> ".join([*seen, target]))
            )
        seen.append(target)
        current = target
    return current


class Merging(CrisisBase):
    """The crisis commands that mark duplicates, merge crises and undo merges."""

    __slots__ = ()

    @command()
    def mark_duplicate_of(
        self,
        canonical: Self,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> MarkedDuplicate:
        """Close this crisis as a duplicate of ``canonical`` (chains collapse to its canonical id)."""
        target = self._canonical_target(canonical)
        return self._move("mark_duplicate_of", MarkedDuplicate, actor, reason, canonical_id=target)

    @command()
    def merge(
        self,
        other: Self,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        other_expected_version: int | None = None,
    ) -> CrisisMerged:
        """Merge ``other`` into this crisis: its signals and customers move here, and it closes.

        Records :class:`~crisiskit.events.CrisisMerged` here and
        :class:`~crisiskit.events.MergedInto` on ``other``; both crises are checked before
        either changes. Undo with :meth:`unmerge`.
        """
        if not isinstance(other, type(self)):
            raise ValidationError(
                _("merge() takes a Crisis; got {type}", type=type(other).__name__)
            )
        other._admit_move("merge_into", other_expected_version)
        if self.duplicate_of is not None:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} is itself a duplicate of {canonical_id!r}: merge into "
                    "that one",
                    crisis_id=self.id,
                    canonical_id=self.duplicate_of,
                )
            )
        self._canonical_target(other, direction="merge")
        moved_signals = tuple(s for s in other.signals if not self.has_signal(s))
        arriving = tuple(c for c in other.customers if not self.has_customer(c.customer_id))
        merged = self._build(
            CrisisMerged,
            actor,
            reason,
            source_id=other.id,
            signals=moved_signals,
            customers=arriving,
        )
        away = other._build(
            MergedInto,
            actor,
            reason,
            from_state=other.state,
            to_state=TRANSITIONS[other.state, "merge_into"][0],
            canonical_id=self.id,
            signals=other.signals,
            customers=other.customers,
        )
        merged_follow_ups, away_follow_ups = self._follow_ups(merged), other._follow_ups(away)
        self._commit_all(merged, merged_follow_ups)
        other._commit_all(away, away_follow_ups)
        return merged

    @command(reason="required", offered=lambda crisis: bool(crisis.merges))
    def unmerge(
        self,
        other: Self,
        *,
        actor: str,
        reason: str,
        expected_version: int | None = None,
        other_expected_version: int | None = None,
    ) -> CrisisUnmerged:
        """Undo a :meth:`merge`: take back out what ``other`` brought, and restore ``other``.

        ``other`` returns to the state it was in before the merge, with its signals and
        customers. Records :class:`~crisiskit.events.CrisisUnmerged` here and
        :class:`~crisiskit.events.MergeUndone` on ``other``.
        """
        if not isinstance(other, type(self)):
            raise ValidationError(
                _("unmerge() takes a Crisis; got {type}", type=type(other).__name__)
            )
        record = next((m for m in self.merges if m.crisis_id == other.id), None)
        if record is None or other.merged_into is None or other.merged_into.crisis_id != self.id:
            raise ValidationError(
                _(
                    "crisis {other_id!r} is not merged into {crisis_id!r}",
                    other_id=other.id,
                    crisis_id=self.id,
                )
            )
        other._admit_move("undo_merge", other_expected_version)
        restored_state = other.merged_into.from_state or CrisisState.DETECTED
        removed_signals = tuple(s for s in record.signals if self.has_signal(s))
        keep = [s for s in self.signals if s not in removed_signals]
        still_named = {c.customer_id for c in customers_of(keep)}
        removed_customers = tuple(
            c for c in record.customers if c.customer_id not in still_named and c in self.customers
        )
        undone = self._build(
            CrisisUnmerged,
            actor,
            reason,
            source_id=other.id,
            signals=removed_signals,
            customers=removed_customers,
        )
        back = other._build(
            MergeUndone,
            actor,
            reason,
            from_state=other.state,
            to_state=restored_state,  # one of TRANSITIONS[closed, "undo_merge"]
            canonical_id=self.id,
            signals=other.merged_into.signals,
            customers=other.merged_into.customers,
        )
        undone_follow_ups, back_follow_ups = self._follow_ups(undone), other._follow_ups(back)
        self._commit_all(undone, undone_follow_ups)
        other._commit_all(back, back_follow_ups)
        return undone

    def _canonical_target(self, canonical: Self, direction: str = "duplicate") -> str:
        if not isinstance(canonical, type(self)):
            raise ValidationError(_("expected a Crisis; got {type}", type=type(canonical).__name__))
        if canonical.id == self.id:
            raise ValidationError(
                _("crisis {crisis_id!r} cannot be a duplicate of itself", crisis_id=self.id)
            )
        if direction == "merge":
            # ``canonical`` is the one merged away here; it must not be canonical for this one.
            if canonical.merges:
                raise ValidationError(
                    _(
                        "crisis {crisis_id!r} has crises merged into it; unmerge them first",
                        crisis_id=canonical.id,
                    )
                )
            if self.duplicate_of == canonical.id:
                raise ValidationError(
                    _(
                        "merging {other_id!r} into {crisis_id!r} would make a cycle: "
                        "{crisis_id!r} is a duplicate of {other_id!r}",
                        other_id=canonical.id,
                        crisis_id=self.id,
                    )
                )
            return self.id
        target = canonical.duplicate_of or canonical.id
        if target == self.id:
            raise ValidationError(
                _(
                    "marking {crisis_id!r} a duplicate of {other_id!r} would make a cycle: "
                    "{other_id!r} is a duplicate of {crisis_id!r}",
                    crisis_id=self.id,
                    other_id=canonical.id,
                )
            )
        return target


def _marked_duplicate(r: Record, event: MarkedDuplicate) -> None:
    r.closed_at, r.closed_as = event.occurred_at, ClosedAs.DUPLICATE
    r.duplicate_of = event.canonical_id


def _merged_into(r: Record, event: MergedInto) -> None:
    r.closed_at, r.closed_as = event.occurred_at, ClosedAs.MERGED
    r.duplicate_of = event.canonical_id
    r.merged_into = MergeRecord(
        event.canonical_id, event.signals, event.customers, event.from_state
    )
    r.set_signals((), ())


def _crisis_merged(r: Record, event: CrisisMerged) -> None:
    r.add_signals(event.signals)
    r.add_customers(event.customers)
    r.append("merges", MergeRecord(event.source_id, event.signals, event.customers))


def _crisis_unmerged(r: Record, event: CrisisUnmerged) -> None:
    gone = set(event.signals)
    gone_customers = {c.customer_id for c in event.customers}
    r.set_signals(
        tuple(s for s in r.signals if s not in gone),
        tuple(c for c in r.customers.values() if c.customer_id not in gone_customers),
    )
    r.merges = [m for m in r.merges if m.crisis_id != event.source_id]


def _merge_undone(r: Record, event: MergeUndone) -> None:
    r.closed_at = r.closed_as = r.duplicate_of = r.merged_into = None
    r.set_signals(event.signals, event.customers)


EVOLVE: dict[type[Event], Evolver] = {
    MarkedDuplicate: _marked_duplicate,
    MergedInto: _merged_into,
    CrisisMerged: _crisis_merged,
    CrisisUnmerged: _crisis_unmerged,
    MergeUndone: _merge_undone,
}
"""How each event of this slice changes the crisis's state record."""
