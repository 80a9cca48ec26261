"""Random command sequences over a crisis's obligations: the alert stream stays exact.

A crisis with affected customers, on a context with the default emergency plan (so every
alert is addressed to the roles its alert rules name) and a team, is graded and regraded,
gains customers (added, by a signal, by merging another crisis in), loses them (the merge
undone), contacts them, pauses and resumes, releases statements, moves through its
lifecycle and is swept, while time passes by minutes or days. It runs once on the China
working calendar (levels III–IV count working hours, holidays and make-up days) and once
around the clock.

Invariants, on the crisis and on each crisis merged into it:

* a refused command changes nothing (on either crisis of a merge);
* the log replays to the live crisis and its hash chain verifies;
* once graded, each affected customer has exactly one first-contact timer, never one
  cancelled because they had left (unless a lifecycle rule cancelled it since), and no
  timer owed to a customer no longer affected is open;
* each alert (timer, fraction, due instant) is recorded once, never before it fell due,
  in due order within its event, and only in ``SlaAlertsRaised``;
* no milestone of a timer comes after its breach until the timer's target changes;
* every alert names the roles the plan's alert rules give at the level in force, and the
  team members holding them then;
* ``sla_next_due`` is the earliest ``next_due`` of the open timers.
"""

import datetime as dt
from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from lifecycle_support import REVIEW, T0, snapshot

from crisiskit import (
    Audience,
    Channel,
    Context,
    Crisis,
    CrisisKitError,
    CrisisType,
    CustomerRef,
    Level,
    Role,
    Signal,
    verify,
)
from crisiskit.calendar import BusinessCalendar, china_working_calendar
from crisiskit.events import (
    CrisisClosed,
    CrisisDismissed,
    LevelChanged,
    MergedInto,
    SlaAlertsRaised,
    SlaTimersChanged,
    TeamMemberAssigned,
    TeamMemberReleased,
)
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.statements import Medium
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import Recipients, SlaMetric, SlaPolicy, TimerAction, TimerState
from crisiskit.testing import ManualClock

PLAN = EmergencyPlan.default()
CHINA = SlaPolicy.default(china_working_calendar([2025, 2026]))
# Around the clock at every level; the plan's cadences name the working calendar, so the
# around-the-clock one stands in under that name.
AROUND_THE_CLOCK = SlaPolicy.default(BusinessCalendar.always_open("working", "Asia/Shanghai"))

CUSTOMERS = [f"C-{i}" for i in range(1, 7)]
OTHERS = ("CR-B", "CR-C")
# The roles alert rules name come and go (a role nobody holds is still named); the others
# the plan requires for a response stay filled.
PEOPLE = {
    Role.OFFICE: ("xu",),
    Role.GENERAL_MANAGER: ("wang",),
    Role.LEADERSHIP_GROUP: ("zhou", "wang"),
}
ROLES = sorted(PEOPLE, key=lambda role: role.value)
STAFF = {Role.CUSTOMER_SERVICE: "liu", Role.MARKETING: "he", Role.LEGAL: "sun", Role.OFFICE: "li"}
STEPS = [
    CaseStep.RECEIVED,
    CaseStep.ACKNOWLEDGED,
    CaseStep.APOLOGISED,
    CaseStep.PROGRESS_REPORTED,
    CaseStep.RESOLVED,
]
MOVES = ["warn", "respond", "recover", "close", "dismiss", "relapse", "reopen"]
# A lifecycle move that closes a crisis: what cancels the obligations still open.
CLOSING = (CrisisClosed, CrisisDismissed, MergedInto)

customers = st.lists(st.sampled_from(CUSTOMERS), max_size=3, unique=True)
duration = st.one_of(
    st.integers(1, 120).map(lambda m: dt.timedelta(minutes=m)),
    st.integers(2, 30).map(lambda h: dt.timedelta(hours=h)),
    st.integers(1, 4).map(lambda d: dt.timedelta(days=d)),
)


def refs(ids):
    return [CustomerRef(c) for c in ids]


def alerts_of(event):
    return event.alerts if isinstance(event, SlaTimersChanged | SlaAlertsRaised) else ()


class ObligationsMachine(RuleBasedStateMachine):
    """Subclasses pick the SLA policy (the calendar levels III–IV run on)."""

    POLICY = AROUND_THE_CLOCK

    def __init__(self):
        super().__init__()
        self.clock = ManualClock(T0)
        self.context = Context(self.clock, sla=self.POLICY, plan=PLAN)
        self.crises = {}
        self.logs = {}
        self.signals = 0
        self.grown = set()

    # ------------------------------------------------------------------ setup

    @initialize(
        main=customers,
        b=customers,
        c=customers,
        team=st.sets(st.sampled_from(ROLES)),
        level=st.none() | st.sampled_from(list(Level)),
    )
    def detect(self, main, b, c, team, level):
        for crisis_id, ids in (("CR-A", main), ("CR-B", b), ("CR-C", c)):
            self.crises[crisis_id] = Crisis.detect(
                self.context,
                crisis_id=crisis_id,
                crisis_type=CrisisType.COMPLAINT,
                title="Parcels three days late",
                actor="hotline",
                signals=[self._signal(Channel.HOTLINE, ids)],
            )
        for role, person in STAFF.items():
            self.main.assign(role, person, actor="office")
        for role in sorted(team, key=lambda r: r.value):
            for person in PEOPLE[role]:
                self.main.assign(role, person, actor="office")
        if level is not None:
            self.main.set_level(level, actor="analyst", reason="triage")
        self.pull()

    @property
    def main(self):
        return self.crises["CR-A"]

    def _signal(self, channel, ids):
        self.signals += 1
        return Signal(channel, self.clock.now(), f"report {self.signals}", customers=refs(ids))

    def pull(self):
        # The invariants read the logs that grew in the last step: the others were checked.
        self.grown = set()
        for crisis_id, crisis in self.crises.items():
            new = crisis.pull_events()
            self.logs.setdefault(crisis_id, []).extend(new)
            if new:
                self.grown.add(crisis_id)

    def grown_logs(self):
        for crisis_id in sorted(self.grown):
            yield crisis_id, self.crises[crisis_id], self.logs[crisis_id]

    def run(self, command):
        self.grown = set()
        before = {i: snapshot(c) for i, c in self.crises.items()}
        try:
            command()
        except CrisisKitError:
            assert {i: snapshot(c) for i, c in self.crises.items()} == before
            return
        self.pull()

    # ------------------------------------------------------------------ rules

    @rule(level=st.sampled_from(list(Level)), which=st.sampled_from(["CR-A", *OTHERS]))
    def grade(self, level, which):
        crisis = self.crises[which]
        self.run(lambda: crisis.set_level(level, actor="analyst", reason="reassessed"))

    @rule(ids=customers.filter(bool))
    def add_customers(self, ids):
        self.run(lambda: self.main.add_customers(refs(ids), actor="cs"))

    @rule(ids=customers, public=st.booleans())
    def attach_signal(self, ids, public):
        channel = Channel.SOCIAL_MEDIA if public else Channel.HOTLINE
        signal = self._signal(channel, ids)
        self.run(lambda: self.main.attach_signal(signal, actor="monitor"))

    @rule(customer=st.sampled_from(CUSTOMERS), step=st.sampled_from(STEPS))
    def contact(self, customer, step):
        self.run(lambda: self.main.handle_customer(customer, step, note="call", actor="cs"))

    @rule(which=st.sampled_from(OTHERS))
    def merge(self, which):
        other = self.crises[which]
        self.run(lambda: self.main.merge(other, actor="office", reason="same parcels"))

    @rule(which=st.sampled_from(OTHERS))
    def unmerge(self, which):
        other = self.crises[which]
        self.run(lambda: self.main.unmerge(other, actor="office", reason="another depot"))

    @rule(only_contacts=st.booleans())
    def pause(self, only_contacts):
        metrics = [SlaMetric.FIRST_CONTACT] if only_contacts else None
        self.run(lambda: self.main.pause_sla(metrics=metrics, actor="cs", reason="waiting on them"))

    @rule()
    def resume(self):
        self.run(lambda: self.main.resume_sla(actor="cs"))

    @rule()
    def acknowledge(self):
        self.run(lambda: self.main.acknowledge(actor="office"))

    @rule()
    def report_progress(self):
        self.run(lambda: self.main.report_progress("still on it", actor="office"))

    @rule(audience=st.sampled_from([Audience.CUSTOMERS, Audience.MEDIA, Audience.INTERNAL]))
    def statement(self, audience):
        # Approved by whom the plan names for the audience at the level, when someone is.
        rules = (
            []
            if self.main.level is None
            else PLAN.for_crisis(self.main.crisis_type, self.main.level).communications
        )
        role = next((r.approver for r in rules if r.audience is audience), Role.OFFICE)
        approver = next(iter(self.main.members(role)), "li")
        self.run(
            lambda: self.main.release_statement(
                audience,
                "update",
                medium=Medium.WEBSITE,
                approved_by=approver,
                approver_role=role,
                actor="pr",
            )
        )

    @rule()
    def review(self):
        self.run(lambda: self.main.record_review(REVIEW, actor="office"))

    @rule(move=st.sampled_from(MOVES))
    def move(self, move):
        def go():
            if move == "close":
                self.main.close("done", actor="gm")
            elif move in {"dismiss", "relapse", "reopen"}:
                getattr(self.main, move)(actor="gm", reason="as it turned out")
            else:
                getattr(self.main, move)(actor="gm")

        self.run(go)

    @rule()
    def next_phase(self):
        # The usual way through the lifecycle, so that closing and reopening happen often.
        crisis = self.main
        state = crisis.state.value
        if state == "recovering" and crisis.review is None:
            self.run(lambda: crisis.record_review(REVIEW, actor="office"))
        elif state == "closed":
            self.run(lambda: crisis.reopen(actor="gm", reason="it came back"))
        elif state == "recovering":
            self.run(lambda: crisis.close("done", actor="gm"))
        else:
            move = {"detected": "warn", "warned": "respond", "responding": "recover"}[state]
            self.run(lambda: getattr(crisis, move)(actor="gm"))

    @rule(role=st.sampled_from(ROLES), data=st.data())
    def staff(self, role, data):
        person = data.draw(st.sampled_from(PEOPLE[role]))
        if person in self.main.members(role):
            self.run(lambda: self.main.unassign(role, person, actor="office", reason="rota"))
        else:
            self.run(lambda: self.main.assign(role, person, actor="office"))

    @rule(which=st.sampled_from(["CR-A", "CR-A", *OTHERS]), by=st.none() | duration)
    def sweep(self, which, by):
        # The sweeping job's round, often some time after the last thing that happened.
        if by is not None:
            self.clock.advance(seconds=by.total_seconds())
        self.run(self.crises[which].check_sla)

    @rule(by=duration)
    def time_passes(self, by):
        self.grown = set()
        self.clock.advance(seconds=by.total_seconds())

    # ------------------------------------------------------------------ invariants

    @invariant()
    def replays_and_verifies(self):
        for _, crisis, log in self.grown_logs():
            assert Crisis.replay(log) == crisis
            assert verify(log).ok

    @invariant()
    def each_affected_customer_is_owed_one_first_contact(self):
        for crisis_id, crisis, log in self.grown_logs():
            if crisis.level is None:
                continue
            owed = [t for t in crisis.timers if t.metric is SlaMetric.FIRST_CONTACT and t.subject]
            count = Counter(t.subject for t in owed)
            affected = {c.customer_id for c in crisis.customers}
            contacted = {c for c in affected if (case := crisis.case(c)) and case.first_contact_at}
            for customer in affected:
                assert count[customer] <= 1, (crisis_id, customer, owed)
                # Owed one, unless contacted before they would have been owed it (before
                # the crisis was graded).
                if customer not in contacted:
                    assert count[customer] == 1, (crisis_id, customer, owed)
            for timer in owed:
                if timer.subject not in affected:
                    assert not timer.is_open, (crisis_id, timer)
            # A customer who is affected is owed a contact until it is made, unless a
            # lifecycle rule (a close) ended the obligation since.
            closed_cancels = self._cancelled_by_closing(log)
            for timer in owed:
                if timer.subject in affected and timer.state is TimerState.CANCELLED:
                    assert closed_cancels.get(timer.timer_id), (crisis_id, timer)

    @staticmethod
    def _cancelled_by_closing(log):
        """Timer id -> whether its latest cancellation was entailed by closing the crisis."""
        found = {}
        cause = None
        for event in log:
            if not isinstance(event, SlaTimersChanged | SlaAlertsRaised):
                cause = event
            if isinstance(event, SlaTimersChanged):
                for change in event.changes:
                    if change.action is TimerAction.CANCEL:
                        found[change.timer_id] = isinstance(cause, CLOSING)
                    elif change.action in {TimerAction.START, TimerAction.RESTART}:
                        found.pop(change.timer_id, None)
        return found

    @invariant()
    def one_alert_stream(self):
        for _, _, log in self.grown_logs():
            seen = set()
            for event in log:
                if isinstance(event, SlaTimersChanged):
                    assert event.alerts == ()
                dues = [alert.due_at for alert in alerts_of(event)]
                assert dues == sorted(dues), event
                for alert in alerts_of(event):
                    key = (alert.timer_id, alert.fraction, alert.due_at)
                    assert key not in seen, f"alert recorded twice: {key}"
                    seen.add(key)
                    assert alert.due_at <= event.occurred_at, f"alert before it fell due: {alert}"

    @invariant()
    def no_milestone_after_its_breach_until_the_target_changes(self):
        for _, _, log in self.grown_logs():
            breached = {}
            for event in log:
                if isinstance(event, SlaTimersChanged):
                    for change in event.changes:
                        if change.action in {
                            TimerAction.RETARGET,
                            TimerAction.RESTART,
                            TimerAction.START,
                        }:
                            breached.pop(change.timer_id, None)
                for alert in alerts_of(event):
                    if alert.fraction == 1.0:
                        breached[alert.timer_id] = alert.due_at
                    elif alert.fraction < 1.0:
                        assert alert.timer_id not in breached, (
                            f"a milestone after its breach: {alert}"
                        )

    @invariant()
    def alerts_name_whom_the_plan_says(self):
        for _, crisis, log in self.grown_logs():
            crisis_type = crisis.crisis_type
            level = None
            team = []  # (role, person), in the order assigned
            for event in log:
                if isinstance(event, LevelChanged):
                    level = event.new_level
                elif isinstance(event, TeamMemberAssigned):
                    team.append((event.assignment.role, event.assignment.person))
                elif isinstance(event, TeamMemberReleased):
                    team.remove((event.role, event.person))
                for alert in alerts_of(event):
                    # Ungraded, the plan's rules for a crisis not graded yet apply.
                    roles = PLAN.alert_roles(crisis_type, level, alert.metric.value, alert.fraction)
                    people = tuple(dict.fromkeys(p for role in roles for r, p in team if r is role))
                    expected = Recipients(roles, people) if roles else None
                    assert alert.recipients == expected, (level, alert)

    @invariant()
    def next_due_is_the_earliest_of_the_open_timers(self):
        for crisis in self.crises.values():
            dues = [t.next_due for t in crisis.timers if t.is_open and t.next_due is not None]
            assert crisis.sla_next_due == min(dues, default=None)


class AroundTheClock(ObligationsMachine):
    POLICY = AROUND_THE_CLOCK


class OnTheChinaCalendar(ObligationsMachine):
    POLICY = CHINA


STEPS_SETTINGS = settings(max_examples=120, stateful_step_count=50, deadline=None)
TestObligationsAroundTheClock = AroundTheClock.TestCase
TestObligationsAroundTheClock.settings = STEPS_SETTINGS
TestObligationsOnTheChinaCalendar = OnTheChinaCalendar.TestCase
TestObligationsOnTheChinaCalendar.settings = STEPS_SETTINGS
