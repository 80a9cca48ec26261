"""Two crises to draw: the demo's food-safety crisis, and a short one that is closed and reopened.

The short one runs on the round-the-clock calendar in Europe/London across the switch to
summer time (2025-03-30 01:00 UTC), so its local times change offset half way.
"""

from __future__ import annotations

import functools
import json

from crisiskit.app.scenario import Scenario, SimulationResult, simulate
from crisiskit.app.scenarios import load
from crisiskit.calendar import TWENTY_FOUR_SEVEN, china_working_calendar
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import from_json
from crisiskit.sla import SlaPolicy

REOPENED = {
    "type": "Scenario",
    "schema_version": 1,
    "format": 2,
    "name": "A delivery complaint that comes back",
    "zone": "Europe/London",
    "start": "2025-03-29T09:00:00+00:00",
    "crisis_id": "CR-T-1",
    "crisis_type": "service_dispute",
    "title": "Parcels lost in transit",
    "steps": [
        {"do": "detect", "actor": "hotline"},
        {
            "after": "PT10M",
            "do": "set_level",
            "actor": "duty",
            "args": {"level": "III", "reason": "a few customers"},
        },
        {"after": "PT5M", "do": "acknowledge", "actor": "duty"},
        {"after": "PT5M", "do": "warn", "actor": "duty"},
        {
            "after": "PT30M",
            "do": "set_level",
            "actor": "duty",
            "args": {"level": "II", "reason": "spreading"},
        },
        {"do": "assign", "actor": "duty", "args": {"role": "office", "person": "duty"}},
        {"do": "assign", "actor": "duty", "args": {"role": "customer_service", "person": "cs"}},
        {"do": "assign", "actor": "duty", "args": {"role": "marketing", "person": "pr"}},
        {"after": "PT10M", "do": "respond", "actor": "duty"},
        {
            "after": "PT1H",
            "do": "release_statement",
            "actor": "duty",
            "args": {
                "audience": "customers",
                "medium": "sms",
                "approved_by": "duty",
                "approver_role": "office",
                "wording": "We are on it.",
            },
        },
        {"after": "PT2H", "do": "recover", "actor": "duty"},
        {
            "after": "PT20H",
            "do": "record_review",
            "actor": "duty",
            "args": {
                "review": {
                    "root_cause": "a sorting fault",
                    "lessons": ["scan twice"],
                    "improvements": ["a second scanner"],
                }
            },
        },
        {"after": "PT4H", "do": "close", "actor": "duty", "args": {"summary": "all parcels found"}},
        {
            "after": "PT3H",
            "do": "reopen",
            "actor": "duty",
            "args": {"reason": "more parcels missing"},
        },
    ],
}

ROUND_THE_CLOCK = SlaPolicy.default(TWENTY_FOUR_SEVEN)


def reopened_scenario() -> Scenario:
    return from_json(json.dumps(REOPENED), Scenario)


@functools.cache
def reopened() -> SimulationResult:
    """The short crisis, played on the round-the-clock SLA policy."""
    return simulate(reopened_scenario(), sla=ROUND_THE_CLOCK)


@functools.cache
def demo(name: str = "food_safety") -> SimulationResult:
    """The demo's crisis, played as ``crisiskit demo`` plays it."""
    scenario = load(name)
    sla = SlaPolicy.default(china_working_calendar([2025, 2026]))
    return simulate(scenario, plan=EmergencyPlan.default(), sla=sla)
