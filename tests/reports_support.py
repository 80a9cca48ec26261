"""The committed crises of the report tests: twelve scenario runs, played once per session.

examples/data/reports/rpt-NN.json are scenarios of the scenario runner; they are played with
the default SLA targets on the 24x7 calendar (so every target is wall-clock time: I 15 min
to acknowledge, II 30 min, III 2 h, IV 24 h; see test_reports.py for the arithmetic).
"""

from __future__ import annotations

import functools
from pathlib import Path

from crisiskit.app.scenario import Scenario, simulate
from crisiskit.calendar import TWENTY_FOUR_SEVEN, BusinessCalendar
from crisiskit.events import Event
from crisiskit.serialization import from_json
from crisiskit.sla import SlaPolicy

DATA = Path(__file__).parent.parent / "examples" / "data" / "reports"
FILES = sorted(DATA.glob("rpt-*.json"))

# Mon–Fri 09:00–12:00 and 13:00–18:00 in Shanghai, no holidays: the working units of the tests.
OFFICE = BusinessCalendar(
    name="office",
    zone="Asia/Shanghai",
    week={"mon-fri": ["09:00-12:00", "13:00-18:00"]},
    horizon_start="2025-01-01",
    horizon_end="2025-12-31",
)


@functools.cache
def histories() -> tuple[tuple[Event, ...], ...]:
    """Each committed crisis's events, in the order of the files."""
    sla = SlaPolicy.default(TWENTY_FOUR_SEVEN)
    return tuple(
        simulate(from_json(path.read_text(encoding="utf-8"), Scenario), sla=sla).events
        for path in FILES
    )
