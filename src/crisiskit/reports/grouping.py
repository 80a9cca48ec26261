"""A period report: the figures of a set of crises, in all and grouped by what the reader asks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pendulum
from attrs import frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.calendar import BusinessCalendar
from crisiskit.errors import ValidationError
from crisiskit.events import Event
from crisiskit.messages import _
from crisiskit.plan import BudgetCategory
from crisiskit.reports.figures import CrisisMetrics, PeriodMetrics, crisis_metrics, summarise
from crisiskit.reports.keys import GroupKey, period_of
from crisiskit.reports.ledger import Ledger, ledger
from crisiskit.values.money import Money

__all__ = ["UNASSIGNED", "UNGRADED", "PeriodReport", "ReportGroup", "group_key", "period_report"]


UNGRADED = "ungraded"
"""The level group of crises never graded."""
UNASSIGNED = "unassigned"
"""The department and person group of crises without a team."""


def group_key(metrics: CrisisMetrics, key: GroupKey, zone: str = "UTC") -> tuple[str, ...]:
    """The groups ``metrics``'s crisis falls in by ``key``: one code, or several (department, person).

    Weeks are ISO weeks (``2025-W39``), months ``2025-09``, both of the detection time in
    ``zone``.
    """
    if key is GroupKey.TYPE:
        return (metrics.crisis_type.value,)
    if key is GroupKey.LEVEL:
        return (metrics.level.value if metrics.level is not None else UNGRADED,)
    if key in (GroupKey.WEEK, GroupKey.MONTH):
        return (period_of(metrics.detected_at, key, zone),)
    if key is GroupKey.DEPARTMENT:
        return tuple(role.value for role in metrics.departments) or (UNASSIGNED,)
    return metrics.people or (UNASSIGNED,)


@serializable()
@frozen
class ReportGroup:
    """The figures of the crises that share a value of each grouping key."""

    key: tuple[str, ...]
    """The group's value of each key of the report's ``by``, in that order (codes)."""
    crisis_ids: tuple[str, ...]
    """The crises in it."""
    metrics: PeriodMetrics
    """Their figures."""


@serializable()
@frozen
class PeriodReport:
    """The figures of a set of crises over a period: in all, per group, and the ledger."""

    by: tuple[GroupKey, ...]
    """What the groups are keyed by (none: only the total)."""
    zone: str
    """The zone weeks and months are read in."""
    start: pendulum.DateTime | None
    """Crises detected from this instant on (None: from the first)."""
    end: pendulum.DateTime | None
    """Crises detected before this instant (None: up to the last)."""
    total: PeriodMetrics
    """The figures of every crisis of the report."""
    groups: tuple[ReportGroup, ...]
    """The figures per group, sorted by key."""
    crises: tuple[CrisisMetrics, ...]
    """Each crisis's own figures, by detection time."""
    ledger: Ledger | None = None
    """Spending against the budget, per period, when budgets were given."""

    def group(self, *key: str) -> ReportGroup | None:
        """The group with this key (codes, in the order of ``by``), or None."""
        return next((g for g in self.groups if g.key == key), None)


def period_report(
    histories: Iterable[Sequence[Event]],
    *,
    by: GroupKey | str | Iterable[GroupKey | str] = (),
    start: pendulum.DateTime | None = None,
    end: pendulum.DateTime | None = None,
    zone: str = "UTC",
    calendar: BusinessCalendar | None = None,
    budgets: Mapping[BudgetCategory, Money] | None = None,
    ledger_per: GroupKey | str | None = GroupKey.MONTH,
    as_of: pendulum.DateTime | None = None,
) -> PeriodReport:
    """The figures of a set of crises over a period, grouped by ``by``.

    Args:
        histories: each crisis's events, in order (a crisis detected outside
            ``[start, end)`` is left out).
        by: what to group by: a :class:`GroupKey` or its code (``"type"``, ``"level"``,
            ``"department"``, ``"person"``, ``"week"``, ``"month"``), or several, for a
            group per combination.
        start: crises detected from this instant on.
        end: crises detected before this instant.
        zone: the zone weeks and months are read in (an IANA name).
        calendar: a working calendar: durations are also given in its working time.
        budgets: the budget of each category for each period of the ledger (the plan's
            ``resources.budgets``, for instance): the report then has a :class:`Ledger`.
        ledger_per: the ledger's period: ``"month"``, ``"week"``, or None for the whole
            report at once.
        as_of: the instant open crises are measured to (default: each one's last event).

    Raises:
        ValidationError: ``start`` is not before ``end``, or a key is given twice.
        UnknownValueError: a key or the zone names none.
    """
    keys = _keys(by)
    zone = _checks.zone_name("period_report(zone)", zone)
    lo = None if start is None else _checks.instant("period_report(start)", start)
    hi = None if end is None else _checks.instant("period_report(end)", end)
    if lo is not None and hi is not None and not lo < hi:
        raise ValidationError(
            _(
                "a report's start must be before its end; got {start} and {end}",
                start=lo.isoformat(),
                end=hi.isoformat(),
            )
        )
    crises = sorted(
        (
            m
            for m in (crisis_metrics(events, as_of=as_of) for events in histories)
            if (lo is None or m.detected_at >= lo) and (hi is None or m.detected_at < hi)
        ),
        key=lambda m: (m.detected_at, m.crisis_id),
    )
    members: dict[tuple[str, ...], list[CrisisMetrics]] = {}
    for m in crises:
        for key in _combinations([group_key(m, k, zone) for k in keys]):
            members.setdefault(key, []).append(m)
    groups = (
        tuple(
            ReportGroup(key, tuple(m.crisis_id for m in found), summarise(found, calendar=calendar))
            for key, found in sorted(members.items(), key=lambda kv: _order(keys, kv[0]))
        )
        if keys
        else ()
    )
    per = None if ledger_per is None else GroupKey.parse(ledger_per, what="ledger_per")
    if per not in (None, GroupKey.MONTH, GroupKey.WEEK):
        raise ValidationError(
            _("a ledger runs per month, per week or over the whole report; got {per}", per=per)
        )
    return PeriodReport(
        by=keys,
        zone=zone,
        start=lo,
        end=hi,
        total=summarise(crises, calendar=calendar),
        groups=groups,
        crises=tuple(crises),
        ledger=None if budgets is None else ledger(crises, budgets, per=per, zone=zone),
    )


def _keys(by: GroupKey | str | Iterable[GroupKey | str]) -> tuple[GroupKey, ...]:
    given = (by,) if isinstance(by, str) else tuple(by)
    keys = tuple(GroupKey.parse(k, what="period_report(by)") for k in given)
    if len(set(keys)) != len(keys):
        raise ValidationError(
            _("a report groups by each key once; got {keys}", keys=[k.value for k in keys])
        )
    return keys


def _combinations(values: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [()]
    for options in values:
        found = [(*prefix, option) for prefix in found for option in options]
    return found


_LEVELS = {"I": 0, "II": 1, "III": 2, "IV": 3, UNGRADED: 4}


def _order(keys: Sequence[GroupKey], key: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """Levels in severity order, the rest alphabetically; ``unassigned`` last."""
    return tuple(
        (_LEVELS.get(value, 5), value) if k is GroupKey.LEVEL else (int(value == UNASSIGNED), value)
        for k, value in zip(keys, key, strict=True)
    )
