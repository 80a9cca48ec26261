"""Random commands, sweeps and a calendar extension across the end of the holiday data.

A crisis opens in mid-December on a China working calendar whose official data ends on
31 December: deadlines past it are provisional. Commands (levels, contacts, promises and
their keeping, a quality remedy that fulfils a host's own metric, pauses, lifecycle moves),
sweeps, time passing, and once the host extending the calendar into the next year with its
New Year's Day holiday, run in any order. Invariants:

* every alert is recorded once, never before it fell due, and never after its obligation
  was fulfilled (until a new run starts);
* once the calendar is extended and the crisis swept, no open timer is provisional on data
  the calendar now has;
* the log replays to the live crisis, and a refused command changes nothing.
"""

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from lifecycle_support import REVIEW, run_recorded

from crisiskit import Channel, Context, Crisis, CrisisType, Level, Role, Signal
from crisiskit.calendar import china_working_calendar, schedule_overrides
from crisiskit.events import SlaAlertsRaised, SlaTimersChanged
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.sla import EventRule, LifecycleRule, SlaMetric, SlaPolicy, SlaTarget, TimerAction
from crisiskit.testing import ManualClock, vocabulary_scope
from crisiskit.values import CrisisState
from crisiskit.values.customers import CustomerRef

ZONE = "Asia/Shanghai"
T0 = pendulum.datetime(2026, 12, 14, 9, 30, tz=ZONE)
CHINA = china_working_calendar([2026])
EXTENDED = CHINA.extended(
    schedule_overrides({"holidays": {"2027-01-01": "元旦"}}), until="2027-12-31"
)
CUSTOMERS = ("C-1", "C-2", "C-3")
ENDING = {TimerAction.STOP, TimerAction.CANCEL}
BEGINNING = {TimerAction.START, TimerAction.RESTART, TimerAction.RETARGET}


def policy(calendar, lab):
    base = SlaPolicy.default(calendar)
    return attrs.evolve(
        base,
        targets=(
            *base.targets,
            *(SlaTarget(level, lab, dt.timedelta(hours=16), calendar.name) for level in Level),
        ),
        lifecycle=(
            *base.lifecycle,
            LifecycleRule(CrisisState.RESPONDING, lab, "start"),
            LifecycleRule(CrisisState.CLOSED, lab, "cancel"),
        ),
        event_rules=(EventRule("QualityRemedyRecorded", lab, "stop"),),
    )


class ObligationsAcrossTheYearEnd(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.lab = SlaMetric.register("lab_report", en="root-cause lab report", zh="质检原因报告")
        self.clock = ManualClock(T0)
        self.extended = False
        self.crisis = Crisis.detect(
            Context(self.clock, sla=policy(CHINA, self.lab)),
            crisis_id="CR-YE",
            crisis_type=CrisisType.PRODUCT_QUALITY,
            title="Heaters trip the breaker",
            actor="hotline",
            signals=[
                Signal(
                    Channel.HOTLINE,
                    T0,
                    "three callers",
                    customers=[CustomerRef(c) for c in CUSTOMERS],
                )
            ],
        )
        self.crisis.assign(Role.OFFICE, "li", actor="office")
        self.log = self.crisis.pull_events()

    def run(self, command):
        run_recorded(self.crisis, self.log, command)

    @rule(level=st.sampled_from(list(Level)))
    def set_level(self, level):
        self.run(lambda: self.crisis.set_level(level, actor="analyst", reason="reassessed"))

    @rule()
    def acknowledge(self):
        self.run(lambda: self.crisis.acknowledge(actor="li"))

    @rule(
        customer=st.sampled_from(CUSTOMERS),
        step=st.sampled_from([CaseStep.ACKNOWLEDGED, CaseStep.PROMISE_KEPT, CaseStep.RESOLVED]),
    )
    def handle(self, customer, step):
        self.run(lambda: self.crisis.handle_customer(customer, step, actor="li"))

    @rule(customer=st.sampled_from(CUSTOMERS), hours=st.integers(min_value=1, max_value=30 * 24))
    def promise(self, customer, hours):
        due = self.clock.now().add(hours=hours)
        self.run(
            lambda: self.crisis.handle_customer(
                customer, CaseStep.PROMISED, note="a replacement heater", due_at=due, actor="li"
            )
        )

    @rule()
    def lab_report(self):
        remedy = QualityRemedy("a thermal fuse rated too low", "supplier B", [RemedyKind.REPLACE])
        self.run(lambda: self.crisis.record_quality_remedy(remedy, actor="lab"))

    @rule()
    def pause(self):
        self.run(lambda: self.crisis.pause_sla(actor="li", reason="waiting on the customer"))

    @rule()
    def resume(self):
        self.run(lambda: self.crisis.resume_sla(actor="li"))

    @rule(move=st.sampled_from(["warn", "respond", "recover", "close", "relapse"]))
    def move(self, move):
        if move == "close":
            self.run(lambda: self.crisis.record_review(REVIEW, actor="li"))
            self.run(lambda: self.crisis.close("done", actor="li"))
        else:
            self.run(lambda: getattr(self.crisis, move)(actor="li"))

    @rule()
    def sweep(self):
        self.run(self.crisis.check_sla)

    @rule(minutes=st.integers(min_value=1, max_value=5 * 24 * 60))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    @precondition(lambda self: not self.extended)
    @rule()
    def extend_the_calendar(self):
        # The host adds next year's State Council schedule; the crisis is swept next.
        self.crisis.attach(Context(self.clock, sla=policy(EXTENDED, self.lab)))
        self.extended = True
        self.run(self.crisis.check_sla)

    @invariant()
    def replay_equals_live(self):
        assert Crisis.replay(self.log) == self.crisis

    @invariant()
    def alerts_once_never_early_never_after_fulfilment(self):
        seen = set()
        ended = {}  # timer id -> how and when it ended, until a new run
        for event in self.log:
            if isinstance(event, SlaTimersChanged):
                for change in event.changes:
                    if change.action in ENDING:
                        ended[change.timer_id] = (change.action, change.at)
                    elif change.action in BEGINNING:
                        ended.pop(change.timer_id, None)
            if isinstance(event, SlaAlertsRaised):
                for alert in event.alerts:
                    key = (alert.timer_id, alert.fraction, alert.due_at)
                    assert key not in seen, f"alert recorded twice: {key}"
                    seen.add(key)
                    assert alert.due_at <= event.occurred_at, f"alert early: {alert}"
                    # What fell due before a target was fulfilled may be found after (a
                    # contact made before grading); nothing due later, and no breach of a
                    # target fulfilled exactly at its deadline (it was met).
                    how, when = ended.get(alert.timer_id, (None, alert.due_at))
                    assert alert.due_at <= when, f"alert after the timer ended: {alert}"
                    if how is TimerAction.STOP and alert.fraction == 1.0:
                        assert alert.due_at < when, f"breach of a target met: {alert}"

    @invariant()
    def nothing_provisional_on_data_the_calendar_has(self):
        if not self.extended:
            return
        for timer in self.crisis.timers:
            if timer.is_open and timer.data_ends is not None:
                assert timer.data_ends >= EXTENDED.horizon_end, timer


@pytest.fixture(autouse=True)
def _scope():
    # Registering the same metric again returns it: each example registers it in this scope.
    with vocabulary_scope():
        yield


TestObligationsAcrossTheYearEnd = ObligationsAcrossTheYearEnd.TestCase
TestObligationsAcrossTheYearEnd.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
