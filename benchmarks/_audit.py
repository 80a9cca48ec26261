"""The audit log: loading a crisis from its stored events, sealing one, and their size."""

from __future__ import annotations

import hashlib
import json
import statistics

import attrs
from _common import Row, Settings, per_call

from crisiskit import Crisis, StoredEvent, to_json, verify
from crisiskit.app.scenario import simulate
from crisiskit.app.scenarios import load
from crisiskit.calendar import china_working_calendar
from crisiskit.events import Event, SlaAlertsRaised, stored
from crisiskit.events.sealing import seal
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import SlaPolicy
from crisiskit.testing import SeededEntropy

LOADED = 26
"""A crisis of 26 events: the food-safety scenario up to its response and first statements."""


def _history() -> list[Event]:
    run = simulate(
        load("food_safety"),
        plan=EmergencyPlan.default(),
        sla=SlaPolicy.default(china_working_calendar([2025, 2026])),
    )
    return list(run.events)


def audit_rows(settings: Settings) -> list[Row]:
    """Load (parse + verify + replay) a 26-event crisis; seal an event; bytes per event."""
    history = _history()
    lines = [stored(event).to_json() for event in history[:LOADED]]

    def load_crisis() -> Crisis:
        records = [StoredEvent.from_json(line) for line in lines]
        if not verify(records):
            raise AssertionError("the stored log does not verify")
        return Crisis.replay(records)

    def parse_only() -> object:
        return [json.loads(line) for line in lines]

    entropy = SeededEntropy(1)
    copies = [attrs.evolve(event) for event in history]  # sealed again and again

    def seal_all() -> None:
        for event in copies:
            seal(event, entropy=entropy)

    def hash_plain() -> None:  # what sealing did before the stored form: to_json + SHA-256
        for event in history:
            hashlib.sha256(to_json(event).encode()).hexdigest()

    found = per_call(
        {"load": load_crisis, "json": parse_only, "seal": seal_all, "plain": hash_plain},
        settings,
    )
    load_ms, json_ms = found["load"] * 1e3, found["json"] * 1e3
    seal_us = found["seal"] / len(history) * 1e6
    plain_us = found["plain"] / len(history) * 1e6
    stored_sizes = [len(stored(event).to_json().encode()) for event in history]
    plain_sizes = [len(to_json(event).encode()) for event in history]
    alerts = [
        len(stored(event).to_json().encode())
        for event in history
        if isinstance(event, SlaAlertsRaised)
    ]
    return [
        Row(
            f"load a {LOADED}-event crisis (parse + verify + replay)",
            "ms",
            load_ms,
            "json.loads of its lines",
            json_ms,
            json_ms / load_ms,
            "≤ 1 ms",
            load_ms <= 1.0,
        ),
        Row(
            "seal an event (stored form + SHA-256)",
            "µs",
            seal_us,
            "to_json + SHA-256",
            plain_us,
            plain_us / seal_us,
        ),
        Row(
            "stored event, mean size",
            "B",
            statistics.mean(stored_sizes),
            "to_json of the event",
            statistics.mean(plain_sizes),
            statistics.mean(plain_sizes) / statistics.mean(stored_sizes),
        ),
        Row(
            "SLA alert event, largest stored size",
            "B",
            max(alerts),
            target="≤ 800 B",
            met=max(alerts) <= 800,
        ),
    ]
