"""What a report groups crises by, and the periods it counts in."""

from __future__ import annotations

import pendulum

from crisiskit.values.labels import LabelledEnum

__all__ = ["GroupKey", "period_of"]


class GroupKey(LabelledEnum):
    """What the crises of a report can be grouped by.

    A crisis falls in one group of its type, level, week and month (by the time it was
    detected, in the report's zone). By department and by person a crisis counts once in
    every group it belongs to: each role, and each person, ever assigned to its team; a
    crisis without a team is ``unassigned``.
    """

    TYPE = "type"
    LEVEL = "level"
    DEPARTMENT = "department"
    PERSON = "person"
    WEEK = "week"
    MONTH = "month"


GroupKey._register_labels(
    {
        GroupKey.TYPE: ("crisis type", "危机类型"),
        GroupKey.LEVEL: ("level", "级别"),
        GroupKey.DEPARTMENT: ("department", "部门"),
        GroupKey.PERSON: ("person", "人员"),
        GroupKey.WEEK: ("week", "周"),
        GroupKey.MONTH: ("month", "月份"),
    },
    aliases={GroupKey.TYPE: ("crisis_type",), GroupKey.DEPARTMENT: ("role",)},
)


def period_of(at: pendulum.DateTime, per: GroupKey | None, zone: str) -> str:
    """The period ``at`` falls in, in ``zone``: ``2025-W39`` (ISO week), ``2025-09``, or ``all``.

    >>> period_of(pendulum.datetime(2025, 9, 30, 17, tz="UTC"), GroupKey.MONTH, "Asia/Shanghai")
    '2025-10'
    >>> period_of(pendulum.datetime(2025, 9, 28, tz="UTC"), GroupKey.WEEK, "UTC")
    '2025-W39'
    """
    local = at.in_timezone(zone)
    if per is GroupKey.WEEK:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    if per is GroupKey.MONTH:
        return f"{local.year}-{local.month:02d}"
    return "all"
