"""Random command sequences on a crisis with SLA timers: the audit log stays exact.

Invariants: a refused command changes nothing; the log replays to the live crisis (timers
included) and its hash chain verifies; every SLA alert is recorded once, and never before
it fell due.
"""

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from lifecycle_support import REVIEW, T0, new_crisis, run_recorded

from crisiskit import Audience, Context, Crisis, Level, Role, verify
from crisiskit.calendar import china_working_calendar
from crisiskit.events import SlaAlertsRaised, SlaTimersChanged
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.statements import Medium
from crisiskit.sla import SlaPolicy
from crisiskit.testing import ManualClock

SLA = SlaPolicy.default(china_working_calendar([2025, 2026]))


class SlaCrisisMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.clock = ManualClock(T0)
        self.crisis = new_crisis(self.clock, context=Context(self.clock, sla=SLA))
        self.crisis.assign(Role.OFFICE, "li", actor="office")
        self.log = self.crisis.pull_events()

    def run(self, command):
        run_recorded(self.crisis, self.log, command)

    @rule(level=st.sampled_from(list(Level)))
    def regrade(self, level):
        self.run(lambda: self.crisis.set_level(level, actor="analyst", reason="reassessed"))

    @rule()
    def acknowledge(self):
        self.run(lambda: self.crisis.acknowledge(actor="office"))

    @rule(
        step=st.sampled_from(
            [CaseStep.ACKNOWLEDGED, CaseStep.PROGRESS_REPORTED, CaseStep.APOLOGISED]
        )
    )
    def contact(self, step):
        self.run(lambda: self.crisis.handle_customer("C-1", step, note="call", actor="cs"))

    @rule(audience=st.sampled_from([Audience.CUSTOMERS, Audience.MEDIA, Audience.INTERNAL]))
    def statement(self, audience):
        self.run(
            lambda: self.crisis.release_statement(
                audience,
                "update",
                medium=Medium.WEBSITE,
                approved_by="li",
                approver_role=Role.OFFICE,
                actor="pr",
            )
        )

    @rule()
    def review(self):
        self.run(lambda: self.crisis.record_review(REVIEW, actor="office"))

    @rule(move=st.sampled_from(["warn", "respond", "recover", "close", "relapse", "reopen"]))
    def move(self, move):
        def go():
            if move == "close":
                self.crisis.close("done", actor="gm")
            elif move in {"relapse", "reopen"}:
                getattr(self.crisis, move)(actor="gm", reason="again")
            else:
                getattr(self.crisis, move)(actor="gm")

        self.run(go)

    @rule()
    def pause(self):
        self.run(lambda: self.crisis.pause_sla(actor="cs", reason="waiting on the customer"))

    @rule()
    def resume(self):
        self.run(lambda: self.crisis.resume_sla(actor="cs"))

    @rule()
    def sweep(self):
        self.run(self.crisis.check_sla)

    @rule(minutes=st.integers(min_value=1, max_value=4 * 24 * 60))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    @invariant()
    def replay_equals_live(self):
        assert Crisis.replay(self.log) == self.crisis

    @invariant()
    def chain_verifies(self):
        assert verify(self.log).ok

    @invariant()
    def one_alert_stream_in_instant_order(self):
        # Every alert is its own alert event, whoever found it (a sweep or a command), and a
        # batch reads oldest first.
        for event in self.log:
            if isinstance(event, SlaTimersChanged):
                assert event.alerts == ()
            if isinstance(event, SlaAlertsRaised):
                dues = [alert.due_at for alert in event.alerts]
                assert dues == sorted(dues)

    @invariant()
    def no_milestone_after_its_breach_until_the_target_changes(self):
        breached = {}  # timer id -> instant of its last breach, until its target changes
        for event in self.log:
            if isinstance(event, SlaTimersChanged):
                for change in event.changes:
                    if change.action.value in {"retarget", "restart", "start"}:
                        breached.pop(change.timer_id, None)
            if isinstance(event, SlaAlertsRaised):
                for alert in event.alerts:
                    if alert.fraction == 1.0:
                        breached[alert.timer_id] = alert.due_at
                    elif alert.fraction < 1.0 and alert.timer_id in breached:
                        raise AssertionError(f"a milestone after its breach: {alert}")

    @invariant()
    def alerts_once_and_never_early(self):
        seen = set()
        for event in self.log:
            if isinstance(event, SlaTimersChanged | SlaAlertsRaised):
                for alert in event.alerts:
                    key = (alert.timer_id, alert.fraction, alert.due_at)
                    assert key not in seen, f"alert recorded twice: {key}"
                    seen.add(key)
                    assert alert.due_at <= event.occurred_at + dt.timedelta(0)


TestSlaCrisis = SlaCrisisMachine.TestCase
TestSlaCrisis.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
