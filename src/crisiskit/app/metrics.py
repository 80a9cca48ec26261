"""The figures of one crisis and of a set of crises: :mod:`crisiskit.reports` now holds them.

Kept so that ``from crisiskit.app.metrics import crisis_metrics`` goes on working; the names
are the same objects as in :mod:`crisiskit.reports.figures`.
"""

from __future__ import annotations

from crisiskit.reports.figures import (
    CrisisMetrics,
    DurationStats,
    PeriodMetrics,
    crisis_metrics,
    period_metrics,
    sla_attainment,
)

__all__ = [
    "CrisisMetrics",
    "DurationStats",
    "PeriodMetrics",
    "crisis_metrics",
    "period_metrics",
    "sla_attainment",
]
