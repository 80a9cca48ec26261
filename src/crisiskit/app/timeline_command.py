"""``crisiskit timeline``: draw one crisis, from a scenario or from its stored event log.

The input is read by its content: a scenario file (a JSON object of ``"type": "Scenario"``)
is played as ``crisiskit simulate`` plays it, and anything else is read as a JSON Lines log
of one crisis's stored events, as ``stored(event).to_json()`` wrote them (``crisiskit
verify`` reads the same). The picture is SVG or PNG by the suffix of ``--out``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from crisiskit.app.scenario import Scenario, simulate
from crisiskit.errors import CrisisKitError, ValidationError
from crisiskit.events import Event, KeyRing, StoredEvent, read
from crisiskit.messages import _, say
from crisiskit.plan import EmergencyPlan
from crisiskit.reports.timeline import FORMATS, timeline_of, write_timeline
from crisiskit.serialization import from_json
from crisiskit.sla import SlaPolicy

__all__ = ["draw_timeline_command"]

DEFAULT_ZONE = "Asia/Shanghai"
"""The zone a stored log is shown in when ``--zone`` is not given (a scenario names its own)."""

Rules = Callable[[Scenario, str | None], tuple[EmergencyPlan, SlaPolicy, str]]
"""What the command line plays a scenario under: its plan, SLA policy, calendar note."""


def draw_timeline_command(
    args: argparse.Namespace, *, text: str, rules: Rules, keys: Callable[[str], KeyRing]
) -> int:
    """Run ``crisiskit timeline`` on the parsed ``args`` and the input file's ``text``."""
    out = Path(args.out)
    if out.suffix.lower().lstrip(".") not in FORMATS:
        raise ValidationError(
            _(
                "--out must name a .svg or .png file; got {out!r}",
                out=str(out),
            )
        )
    source = Path(args.input)
    zone: str | None = args.zone
    if _is_scenario(text):
        scenario = from_json(text, Scenario)
        plan, sla, _about = rules(scenario, args.plan)
        events: list[Event] = list(simulate(scenario, plan=plan, sla=sla).events)
        zone = zone or scenario.zone
    else:
        ring = keys(args.keys) if args.keys else None
        events = _read_log(source, text, ring)
        zone = zone or DEFAULT_ZONE
    timeline = timeline_of(events, zone=zone)
    write_timeline(timeline, out, lang=args.lang)
    print(
        say(
            _(
                "wrote {path}: the timeline of crisis {crisis_id}, {count} events",
                path=str(out),
                crisis_id=timeline.crisis_id,
                count=len(events),
            ),
            args.lang,
        )
    )
    return 0


def _is_scenario(text: str) -> bool:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False  # JSON Lines, or not JSON at all: read as a log, which says what is wrong
    return isinstance(data, dict) and data.get("type") == "Scenario"


def _read_log(source: Path, text: str, ring: KeyRing | None) -> list[Event]:
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(read(StoredEvent.from_json(line), ring))
        except CrisisKitError as exc:
            raise ValidationError(
                _(
                    "{path}, line {line}: not a stored event of crisiskit ({problem}); the input "
                    "is a scenario JSON file or a JSON Lines log of stored events",
                    path=str(source),
                    line=number,
                    problem=exc.args[0] if exc.args else str(exc),
                )
            ) from None
    if not events:
        raise ValidationError(
            _("{path} holds no stored events and is not a scenario", path=str(source))
        )
    return events
