"""SLA sweeps over many crises, each with its own timers and those owed to its customers.

A host runs one job that sweeps every open crisis. Here each crisis is graded at level I or
II, which times five targets (acknowledge, first contact, first public statement, progress
updates, resolution), and has three affected customers, each owed a first contact of their
own: eight timers a crisis. The crises were graded at random instants over one day; the job
then ran for the first time a day after the last of them (a catch-up, e.g. after an outage of
the sweeping job), so most timers have one to three alerts due at once.

The figures:

* ``crisiskit.sla.sweep`` over every timer of 100 000 crises (800 000 timers) at once,
  beside a plain Python loop that only picks the timers due (``next_due <= now``) — the
  least any sweep must do;
* the same over 100 000 crises with their five obligations and no customers, routine (a
  minute after the last sweep: nothing due) and catch-up (every timer due);
* ``crisis.sla_next_due`` — when a host next needs to look at a crisis — beside a sweep of
  the crisis's timers that finds nothing due;
* ``crisis.check_sla()`` on each of 1 000 crises (the alerts addressed to the plan's roles
  and recorded as a sealed ``SlaAlertsRaised`` event), beside a bare ``sweep`` of the same
  crisis's timers — what recording the alerts as events adds.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import time
from collections.abc import Callable

import pendulum
from _common import Row, Settings, grouped, median_run, per_call

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
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import SlaPolicy, SlaTimer, sweep
from crisiskit.testing import ManualClock

T0 = pendulum.datetime(2025, 6, 16, 0, tz="Asia/Shanghai")  # a Monday
DAY = dt.timedelta(days=1)
NOW = (T0 + 2 * DAY).in_timezone("UTC")  # a day after the last crisis was graded
CUSTOMERS = 3
TIMERS = 5 + CUSTOMERS


def _policy() -> SlaPolicy:
    return SlaPolicy.default(china_working_calendar([2025, 2026]))


def _graded(
    policy: SlaPolicy, number: int, at: pendulum.DateTime, customers: int = CUSTOMERS
) -> tuple[SlaTimer, ...]:
    """The timers grading starts for crisis ``number`` at ``at`` (what ``set_level`` does)."""
    return policy.start(
        Level.I if number % 2 else Level.II,
        at,
        owner=f"CR-{number:06d}",
        customers=[f"C-{number}-{k}" for k in range(customers)],
    ).timers


def _moved(timer: SlaTimer, by: dt.timedelta, number: int) -> SlaTimer:
    """``timer`` as started ``by`` later for crisis ``number``.

    Levels I and II run around the clock, where business time is elapsed time: moving every
    instant of a timer by the same amount gives the timer started that much later, exactly
    (the fleet checks this on a sample). It is what makes 800 000 timers quick to build;
    each gets instants of its own, as timers loaded from a store have.
    """
    subject = None if timer.subject is None else f"C-{number}-{timer.subject.rsplit('-', 1)[1]}"
    return timer._with(
        timer_id=SlaPolicy.timer_id(f"CR-{number:06d}", timer.metric, subject),
        subject=subject,
        started_at=timer.started_at + by,
        running_since=None if timer.running_since is None else timer.running_since + by,
        deadline=None if timer.deadline is None else timer.deadline + by,
        next_due=None if timer.next_due is None else timer.next_due + by,
    )


def fleet(policy: SlaPolicy, crises: int, customers: int = CUSTOMERS) -> list[SlaTimer]:
    """The timers of ``crises`` crises graded at random instants over the day from T0."""
    pick = random.Random(20250616)
    templates = {level: _graded(policy, level, T0, customers) for level in (0, 1)}
    per_crisis = len(templates[0])
    timers: list[SlaTimer] = []
    for number in range(crises):
        by = dt.timedelta(seconds=pick.randrange(86_400))
        timers += (_moved(t, by, number) for t in templates[number % 2])
        if number % 997 == 0:
            built = timers[-per_crisis:]
            expected = _graded(policy, number, T0 + by, customers)
            if tuple(built) != expected:
                raise AssertionError(f"the moved timers of crisis {number} are not graded ones")
    return timers


def fleet_rows(settings: Settings) -> list[Row]:
    return _sweep_rows(settings) + _crises_rows(settings) + _check_rows(settings)


def _sweep_rows(settings: Settings) -> list[Row]:
    policy = _policy()
    crises = 2_000 if settings.quick else 100_000
    timers = fleet(policy, crises)
    count = len(timers)
    repeats = settings.repeats if settings.quick else 3  # a sweep of 800 000 timers is seconds

    def due() -> list[SlaTimer]:
        now = NOW
        return [t for t in timers if t.next_due is not None and t.next_due <= now]

    # Taking turns, so that a burst of load on a shared machine falls on both.
    ours: list[float] = []
    theirs: list[float] = []
    paused: list[float] = []
    for _ in range(repeats):
        ours.append(median_run(lambda: sweep(timers, NOW, policy), 1))
        paused.append(median_run(lambda: sweep(timers, NOW, policy), 1, collector=False))
        theirs.append(median_run(due, 1))
    swept = sweep(timers, NOW, policy)
    alerts = len(swept.alerts) / count
    picked = len(due()) / count
    del swept
    mine, loop = statistics.median(ours), statistics.median(theirs)
    figure = f"SLA catch-up sweep, {grouped(crises)} crises × {TIMERS} timers ({CUSTOMERS} owed to customers)"
    per = 1e6 / count
    return [
        Row(
            f"{figure}, {alerts:.1f} alerts/timer",
            "µs/timer",
            mine * per,
            comparator=f"loop picking the {picked:.0%} due",
            theirs=loop * per,
            ratio=loop / mine,
            target="≤ 10 µs/timer",
            met=mine * per <= 10,
        ),
        Row(
            f"{figure}, garbage collector paused",
            "µs/timer",
            statistics.median(paused) * per,
        ),
    ]


def _crises_rows(settings: Settings) -> list[Row]:
    """A sweep over every open crisis, each with its five obligations and no customers.

    The job's two cases: *routine*, a minute after the last sweep brought every timer up to
    date, when (nearly) nothing is due; *catch-up*, the first sweep four days after the
    crises were graded, when every timer has one or more alerts due (the 50 % of the longest
    target, five days for level II resolution, has passed for the last graded). Both are per
    timer, to read beside the per-timer rows above, and beside the loop that only picks the
    due timers.
    """
    policy = _policy()
    crises = 2_000 if settings.quick else 100_000
    timers = fleet(policy, crises, customers=0)
    count = len(timers)
    catch_up = (T0 + 4 * DAY).in_timezone("UTC")
    routine = catch_up + dt.timedelta(minutes=1)
    repeats = settings.repeats if settings.quick else 3
    swept = sweep(timers, catch_up, policy)
    alerts = len(swept.alerts) / count
    current = list(swept.timers)
    del swept

    def due(among: list[SlaTimer], now: pendulum.DateTime) -> list[SlaTimer]:
        return [t for t in among if t.next_due is not None and t.next_due <= now]

    if len(due(timers, catch_up)) != count:
        raise AssertionError("the catch-up sweep does not find every timer due")
    ours: dict[str, list[float]] = {"catch-up": [], "routine": [], "paused": []}
    theirs: dict[str, list[float]] = {"catch-up": [], "routine": []}
    for _ in range(repeats):  # taking turns, so that a burst of load falls on each
        ours["catch-up"].append(median_run(lambda: sweep(timers, catch_up, policy), 1))
        ours["paused"].append(
            median_run(lambda: sweep(timers, catch_up, policy), 1, collector=False)
        )
        theirs["catch-up"].append(median_run(lambda: due(timers, catch_up), 1))
        ours["routine"].append(median_run(lambda: sweep(current, routine, policy), 1))
        theirs["routine"].append(median_run(lambda: due(current, routine), 1))
    still_due = len(due(current, routine))
    per = 1e6 / count
    figure = f"SLA sweep over {grouped(crises)} open crises × 5 obligations"
    rows = []
    for case, what in (
        ("routine", f"routine: a minute after the last, {still_due} of {grouped(count)} due"),
        ("catch-up", f"catch-up: every timer due, {alerts:.1f} alerts/timer"),
    ):
        mine, loop = statistics.median(ours[case]), statistics.median(theirs[case])
        rows.append(
            Row(
                f"{figure}, {what}",
                "µs/timer",
                mine * per,
                comparator="loop picking the due",
                theirs=loop * per,
                ratio=loop / mine,
                target="≤ 10 µs/timer",
                met=mine * per <= 10,
            )
        )
    rows.append(
        Row(
            f"{figure}, catch-up, garbage collector paused",
            "µs/timer",
            statistics.median(ours["paused"]) * per,
        )
    )
    return rows


def _crisis(
    context: Context, clock: ManualClock, number: int, at: pendulum.DateTime
) -> list[Event]:
    """A public complaint graded at ``at``, with 3 customers and a team: its events."""
    clock.set(at)
    customers = [CustomerRef(f"C-{number}-{k}") for k in range(CUSTOMERS)]
    crisis = Crisis.detect(
        context,
        crisis_id=f"CR-{number:06d}",
        crisis_type=CrisisType.COMPLAINT,
        title="A viral video of parcels thrown over a fence",
        actor="monitor",
        signals=[Signal(Channel.SOCIAL_MEDIA, at, "viral video", customers=customers)],
    )
    crisis.assign(Role.GENERAL_MANAGER, "gm.wang", actor="office")
    crisis.assign(Role.LEADERSHIP_GROUP, "chair.zhou", actor="office")
    crisis.set_level(Level.I if number % 2 else Level.II, actor="analyst", reason="viral")
    running = [t for t in crisis.timers if t.is_open]  # grading is met: its timer stopped
    if len(running) != TIMERS:
        raise AssertionError(f"crisis {number} has {len(running)} open timers, not {TIMERS}")
    return crisis.pull_events()


def _check_rows(settings: Settings) -> list[Row]:
    clock = ManualClock(T0)
    context = Context(clock, sla=_policy(), plan=EmergencyPlan.default())
    policy = context.sla_for(CrisisType.COMPLAINT)  # the SLA policy with the plan's cadences
    if policy is None:
        raise AssertionError("the context has no SLA policy")
    pick = random.Random(20250617)
    crises = 100 if settings.quick else 1_000
    graded = sorted(T0 + dt.timedelta(seconds=pick.randrange(86_400)) for _ in range(crises))
    logs = [_crisis(context, clock, number, at) for number, at in enumerate(graded)]
    clock.set(NOW)

    def fresh() -> list[Crisis]:
        return [Crisis.replay(log, context) for log in logs]

    def timed(run: Callable[[Crisis], object]) -> float:
        loaded = fresh()  # each round sweeps crises never swept
        gc.collect()
        began = time.perf_counter()
        for crisis in loaded:
            run(crisis)
        return (time.perf_counter() - began) / crises

    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(settings.repeats):
        ours.append(timed(lambda crisis: crisis.check_sla()))
        theirs.append(timed(lambda crisis: sweep(crisis.timers, NOW, policy)))
    sample = fresh()[1]
    one = fresh()[:50]  # crises swept by their host: up to date, their next alert ahead
    for crisis in one:
        crisis.check_sla()
    later = NOW + dt.timedelta(minutes=1)
    calls = {
        "next_due": lambda: [crisis.sla_next_due for crisis in one],
        "sweep": lambda: [sweep(crisis.timers, later, policy) for crisis in one],
    }
    found = per_call(calls, settings)
    if any(sweep(c.timers, later, policy).alerts for c in one):
        raise AssertionError("a crisis swept a minute ago has an alert due again")
    event = sample.check_sla()
    if event is None or all(alert.recipients is None for alert in event.alerts):
        raise AssertionError("a catch-up check_sla() found no alerts, or addressed none")
    mine, bare = statistics.median(ours), statistics.median(theirs)
    return [
        Row(
            f"check_sla() catch-up, {grouped(crises)} crises × {TIMERS} timers "
            f"({len(event.alerts)} alerts in one sealed event, addressed by the plan)",
            "µs/crisis",
            mine * 1e6,
            comparator=f"sweep() of its {TIMERS} timers",
            theirs=bare * 1e6,
            ratio=bare / mine,
        ),
        Row(
            f"crisis.sla_next_due, one crisis × {len(one[0].timers)} timers "
            f"({TIMERS} open) swept up to date",
            "µs",
            found["next_due"] / len(one) * 1e6,
            comparator=f"a sweep() of its {TIMERS} timers finding nothing due",
            theirs=found["sweep"] / len(one) * 1e6,
            ratio=found["sweep"] / found["next_due"],
        ),
    ]
