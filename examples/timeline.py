"""Draw one crisis: the demo's food-safety crisis as a timeline picture, in English and Chinese.

Run it with ``python examples/timeline.py`` (needs ``pip install 'crisiskit[charts]'``; the
Chinese picture also needs a CJK font, e.g. Debian's ``fonts-noto-cjk``). It plays the
built-in scenario on the China working calendar, reads the crisis's events into a timeline,
and writes an SVG and a PNG to the temporary directory, so running it leaves nothing behind
in the working tree.
"""

import tempfile
from pathlib import Path

from crisiskit.app.scenario import simulate
from crisiskit.app.scenarios import load
from crisiskit.calendar import china_working_calendar
from crisiskit.plan import EmergencyPlan
from crisiskit.reports.timeline import timeline_of, write_timeline
from crisiskit.sla import SlaPolicy

ZONE = "Asia/Shanghai"
OUT = Path(tempfile.gettempdir())

scenario = load("food_safety")
sla = SlaPolicy.default(china_working_calendar([2025, 2026]))
result = simulate(scenario, plan=EmergencyPlan.default(), sla=sla)
timeline = timeline_of(result.events, zone=ZONE)

print(f"{timeline.crisis_id}: {timeline.title}")
for phase in timeline.phases:
    start = phase.start.in_timezone(ZONE).format("MM-DD HH:mm")
    print(f"  {phase.state.label('en'):<11} from {start}  {phase.state.label('zh')}")
for span in timeline.levels:
    print(
        f"  level {span.level.value:<3} from {span.start.in_timezone(ZONE).format('MM-DD HH:mm')}"
    )
breaches = [m for m in timeline.marks if m.kind == "breach"]
for mark in breaches:
    assert mark.metric is not None
    when = mark.at.in_timezone(ZONE).format("MM-DD HH:mm")
    print(f"  breach: {mark.metric.label('en')} at {when}")

english = write_timeline(timeline, OUT / f"{timeline.crisis_id}.svg")
chinese = write_timeline(timeline, OUT / f"{timeline.crisis_id}-zh.png", lang="zh")
print(f"wrote {english} ({english.stat().st_size // 1024} KiB) and {chinese}")
