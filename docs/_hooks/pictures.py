"""MkDocs hook: the pictures the docs show, drawn at build time, never committed.

``assets/timeline-demo.svg`` is the demo's crisis (``crisiskit demo``) drawn by
``crisiskit.reports.timeline``, in English: the docs build needs matplotlib (the ``docs``
extra has it) and no CJK font.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from crisiskit.app.scenario import simulate
from crisiskit.app.scenarios import load
from crisiskit.calendar import china_working_calendar
from crisiskit.plan import EmergencyPlan
from crisiskit.reports.timeline import draw_timeline, timeline_of
from crisiskit.sla import SlaPolicy


def on_files(files: Files, config: Any) -> Files:
    scenario = load("food_safety")
    sla = SlaPolicy.default(china_working_calendar([2025, 2026]))
    result = simulate(scenario, plan=EmergencyPlan.default(), sla=sla)
    svg = draw_timeline(timeline_of(result.events, zone=scenario.zone))
    files.append(File.generated(config, "assets/timeline-demo.svg", content=svg))
    return files
