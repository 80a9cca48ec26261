"""The Crisis aggregate: a command and a replayed event beside a raw state-machine transition,
and the memory an open crisis holds."""

from __future__ import annotations

import gc
import time
import tracemalloc

import pendulum
from _common import Row, Settings, grouped, per_call

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    Event,
    Level,
    Role,
    Signal,
)
from crisiskit.calendar import china_working_calendar
from crisiskit.crisis.lifecycle import CrisisLifecycle
from crisiskit.sla import SlaPolicy, TimerState
from crisiskit.testing import ManualClock

T0 = pendulum.datetime(2025, 9, 29, 10, tz="Asia/Shanghai")  # a Monday morning


def _responding(context: Context, crisis_id: str) -> Crisis:
    crisis = Crisis.detect(
        context,
        crisis_id=crisis_id,
        crisis_type=CrisisType.COMPLAINT,
        title="Parcels lost in the Hangzhou depot",
        actor="monitor",
    )
    crisis.respond(actor="duty-manager")
    return crisis


def lifecycle_rows(settings: Settings) -> list[Row]:
    """µs per command and per replayed event, beside one raw python-statemachine transition.

    Both sides run the same moves: recover (responding → recovering) then relapse back. A
    command checks its input, runs the lifecycle machine, builds and hashes its event and
    applies it; replay applies stored events without the machine.
    """
    # crisiskit's own machine class, used bare: a plain python-statemachine transition.
    raw = CrisisLifecycle()
    raw.send("respond")
    context = Context(ManualClock(T0))
    crisis = _responding(context, "CR-BENCH")

    def transitions() -> None:
        raw.send("recover")
        raw.send("relapse")

    def commands() -> None:
        crisis.recover(actor="duty-manager")
        crisis.relapse(actor="duty-manager", reason="new complaints")
        crisis.pull_events()  # as a host does once it has stored them

    history_crisis = _responding(context, "CR-HISTORY")
    for _ in range(500):
        history_crisis.recover(actor="duty-manager")
        history_crisis.relapse(actor="duty-manager", reason="new complaints")
    history = history_crisis.pull_events()

    found = per_call(
        {"raw": transitions, "command": commands, "replay": lambda: Crisis.replay(history)},
        settings,
    )
    raw_us = found["raw"] / 2 * 1e6
    command_us = found["command"] / 2 * 1e6
    event_us = found["replay"] / len(history) * 1e6
    machine = "python-statemachine transition"
    return [
        Row(
            "lifecycle command (event built, hashed, applied)",
            "µs",
            command_us,
            machine,
            raw_us,
            raw_us / command_us,
            "≥ 5× cheaper than the transition",
            raw_us / command_us >= 5,
        ),
        Row(
            "replayed event",
            "µs",
            event_us,
            machine,
            raw_us,
            raw_us / event_us,
            "≥ 10× cheaper",
            raw_us / event_us >= 10,
        ),
    ]


def size_rows(settings: Settings) -> list[Row]:
    """A command's cost as the crisis grows: the 40 000th signal beside the 100th, and replay.

    A viral crisis collects tens of thousands of complaints; attaching one more, and replaying
    the whole log, must not slow down as the log grows.
    """
    size = 40_000
    sample = 200
    context = Context(ManualClock(T0))
    crisis = Crisis.detect(
        context,
        crisis_id="CR-VIRAL",
        crisis_type=CrisisType.NEGATIVE_PUBLICITY,
        title="A viral video of a rude courier",
        actor="monitor",
    )
    signals = [
        Signal(Channel.HOTLINE, T0, f"complaint {i}", customers=[CustomerRef(f"C-{i}")])
        for i in range(size + sample)
    ]
    early = _attach(crisis, signals[:sample])
    crisis.pull_events()
    for start in range(sample, size, 5_000):
        _attach(crisis, signals[start : min(start + 5_000, size)])
        crisis.pull_events()
    late = _attach(crisis, signals[size : size + sample])
    log = _log_of(context, signals[:size])
    started = time.perf_counter()
    replayed = Crisis.replay(log)
    rate = len(log) / (time.perf_counter() - started)
    if replayed.version != len(log):
        raise AssertionError("the replay did not apply every event")
    return [
        Row(
            f"attach the {grouped(size)}th signal (beside the 100th)",
            "µs",
            late,
            "the 100th signal",
            early,
            late / early,
            "≤ 1.5× the 100th",
            late / early <= 1.5,
        ),
        Row(
            f"replay a {grouped(len(log))}-event crisis",
            "events/s",
            rate,
            target="≥ 50 000 events/s",
            met=rate >= 50_000,
        ),
    ]


def _attach(crisis: Crisis, signals: list[Signal]) -> float:
    """µs per attach_signal over ``signals``."""
    started = time.perf_counter()
    for signal in signals:
        crisis.attach_signal(signal, actor="hotline")
    return (time.perf_counter() - started) / len(signals) * 1e6


def _log_of(context: Context, signals: list[Signal]) -> list[Event]:
    crisis = Crisis.detect(
        context,
        crisis_id="CR-LOG",
        crisis_type=CrisisType.NEGATIVE_PUBLICITY,
        title="A viral video of a rude courier",
        actor="monitor",
    )
    for signal in signals:
        crisis.attach_signal(signal, actor="hotline")
    return crisis.pull_events()


def _open_crisis(context: Context, number: int) -> Crisis:
    """An open crisis built by real commands: 5 running SLA timers (and grading met), 13 events."""
    crisis = Crisis.detect(  # 1, and 2: an ungraded crisis is timed (acknowledge, grade)
        context,
        crisis_id=f"CR-2025-{number:06d}",
        crisis_type=CrisisType.COMPLAINT,
        title="Late deliveries in East China",
        actor="hotline",
    )
    # 3, and 4: grading met; the timers of level IV (acknowledge re-targeted, first contact,
    # resolution).
    crisis.set_level(Level.IV, actor="duty-manager", reason="a handful of complaints")
    crisis.respond(actor="duty-manager")  # 5
    crisis.update_facts(actor="duty-manager", place="Hangzhou depot", customers_affected=12)  # 6
    # 7 and 8: each customer is owed a first contact of their own, a timer each.
    crisis.add_customers([CustomerRef(f"C-{number}-1", tier="VIP")], actor="hotline")
    crisis.attach_signal(  # 9 and 10
        Signal(Channel.HOTLINE, T0, "second complaint", customers=[CustomerRef(f"C-{number}-2")]),
        actor="hotline",
    )
    crisis.assign(Role.CUSTOMER_SERVICE, "li.na", actor="duty-manager")  # 11
    crisis.hold_meeting("daily stand-up", attendees=["li.na"], actor="duty-manager")  # 12
    crisis.report_progress("depot backlog halved", actor="li.na")  # 13
    crisis.pull_events()  # the host has stored them
    return crisis


def memory_rows(settings: Settings) -> list[Row]:
    """Bytes per open crisis, measured with tracemalloc over many crises held at once."""
    policy = SlaPolicy.default(china_working_calendar([2025, 2026]))
    context = Context(ManualClock(T0), sla=policy)
    sample = _open_crisis(context, 0)  # warm: compiled calendar years, caches, interned text
    running = [t for t in sample.timers if t.state is TimerState.RUNNING]
    if (sample.version, len(sample.timers), len(running)) != (13, 6, 5):
        raise AssertionError(
            f"the sample crisis has {sample.version} events and {len(running)} of "
            f"{len(sample.timers)} timers running, not 13 and 5 of 6"
        )
    count = 200 if settings.quick else 2000
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    crises = [_open_crisis(context, number) for number in range(1, count + 1)]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_crisis = (after - before) / len(crises)
    return [
        Row(
            f"memory per open crisis (5 SLA timers, 2 of them owed to customers; 13 events; "
            f"{grouped(count)} held)",
            "B",
            per_crisis,
            target="≤ 4 096 B",
            met=per_crisis <= 4096,
        )
    ]
