"""Each affected customer is owed a first contact of their own.

Contacting one customer of three used to fulfil "first contact" for the crisis. Now each
affected customer has a first-contact timer (an obligation whose subject is the customer):
grading starts one per known customer, from the detection; a customer added later starts
theirs when added; contacting a customer fulfils theirs (and the crisis's first contact);
closing cancels those still open; a merge undone releases the customers it takes away.
"""

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit import Channel, Context, Crisis, CrisisType, CustomerRef, Signal
from crisiskit.app.metrics import crisis_metrics
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.events import SlaAlertsRaised
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus, TimerState
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
T0 = pendulum.datetime(2025, 9, 27, 9, tz=ZONE)


def complaint(clock, customers=("C-1", "C-2", "C-3"), crisis_id="CR-OWED"):
    return Crisis.detect(
        Context(clock, sla=SlaPolicy.default(TWENTY_FOUR_SEVEN)),
        crisis_id=crisis_id,
        crisis_type=CrisisType.COMPLAINT,
        title="Parcels three days late",
        actor="hotline",
        signals=[
            Signal(
                Channel.HOTLINE,
                clock.now(),
                "three callers",
                customers=[CustomerRef(c) for c in customers],
            )
        ],
    )


def owed(crisis):
    return {
        t.subject: t for t in crisis.timers if t.metric is SlaMetric.FIRST_CONTACT and t.subject
    }


def test_grading_owes_each_known_customer_a_first_contact_from_the_detection():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    clock.advance(minutes=20)
    crisis.set_level("II", actor="analyst", reason="three callers")  # first contact: 2 h
    timers = owed(crisis)
    assert sorted(timers) == ["C-1", "C-2", "C-3"]
    assert {t.timer_id for t in timers.values()} == {
        f"CR-OWED/first_contact/C-{i}" for i in (1, 2, 3)
    }
    assert {t.deadline for t in timers.values()} == {T0.add(hours=2)}


def test_contacting_one_customer_fulfils_theirs_and_not_the_others():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.set_level("II", actor="analyst", reason="three callers")
    clock.advance(minutes=30)
    crisis.handle_customer("C-2", CaseStep.ACKNOWLEDGED, note="called back", actor="cs")
    timers = owed(crisis)
    assert timers["C-2"].state is TimerState.STOPPED
    assert timers["C-1"].state is timers["C-3"].state is TimerState.RUNNING
    crisis_level = next(
        t for t in crisis.timers if t.metric is SlaMetric.FIRST_CONTACT and t.subject is None
    )
    assert crisis_level.state is TimerState.STOPPED  # the crisis's first contact was made
    clock.advance(hours=2)
    swept = crisis.check_sla()
    breached = [(a.subject, a.due_at) for a in swept.alerts if a.fraction == 1.0]
    assert breached == [("C-1", T0.add(hours=2)), ("C-3", T0.add(hours=2))]
    figures = crisis_metrics(crisis.pull_events())
    assert figures.sla_outcome(SlaMetric.FIRST_CONTACT) is SlaStatus.MET
    assert sorted(figures.owed) == [
        (SlaMetric.FIRST_CONTACT, "C-1", SlaStatus.BREACHED),
        (SlaMetric.FIRST_CONTACT, "C-2", SlaStatus.MET),
        (SlaMetric.FIRST_CONTACT, "C-3", SlaStatus.BREACHED),
    ]


def test_a_customer_added_later_is_owed_a_contact_from_then():
    clock = ManualClock(T0)
    crisis = complaint(clock, customers=("C-1",))
    crisis.set_level("II", actor="analyst", reason="one caller")
    clock.advance(hours=1)
    crisis.add_customers([CustomerRef("C-9")], actor="cs")
    assert owed(crisis)["C-9"].started_at == T0.add(hours=1)
    assert owed(crisis)["C-9"].deadline == T0.add(hours=3)
    assert owed(crisis)["C-1"].deadline == T0.add(hours=2)  # untouched


def test_dismissing_cancels_the_contacts_still_owed():
    clock = ManualClock(T0)
    crisis = complaint(clock)
    crisis.set_level("IV", actor="analyst", reason="minor")
    crisis.handle_customer("C-1", CaseStep.ACKNOWLEDGED, note="called", actor="cs")
    crisis.dismiss(actor="office", reason="resolved by phone")
    states = {s: t.state for s, t in owed(crisis).items()}
    assert states["C-1"] is TimerState.STOPPED
    assert states["C-2"] is states["C-3"] is TimerState.CANCELLED


def test_undoing_a_merge_releases_the_customers_it_takes_away():
    clock = ManualClock(T0)
    main = complaint(clock, customers=("C-1",), crisis_id="CR-MAIN")
    other = complaint(clock, customers=("C-7",), crisis_id="CR-OTHER")
    main.set_level("II", actor="analyst", reason="r")
    clock.advance(minutes=10)
    main.merge(other, actor="office", reason="same parcels")
    assert owed(main)["C-7"].state is TimerState.RUNNING
    clock.advance(minutes=10)
    main.unmerge(other, actor="office", reason="different depot")
    assert owed(main)["C-7"].state is TimerState.CANCELLED
    assert owed(main)["C-1"].state is TimerState.RUNNING


@settings(max_examples=40, deadline=None)
@given(
    customers=st.lists(
        st.sampled_from([f"C-{i}" for i in range(8)]), min_size=1, max_size=6, unique=True
    ),
    contacted=st.sets(st.integers(0, 5)),
    minutes=st.integers(1, 6 * 60),
)
def test_every_affected_customer_is_owed_exactly_one_first_contact(customers, contacted, minutes):
    clock = ManualClock(T0)
    crisis = complaint(clock, customers=tuple(customers))
    crisis.set_level("II", actor="analyst", reason="r")
    clock.advance(minutes=minutes)
    reached = {customers[i] for i in contacted if i < len(customers)}
    for customer in sorted(reached):
        crisis.handle_customer(customer, CaseStep.ACKNOWLEDGED, note="called", actor="cs")
    crisis.check_sla()
    timers = owed(crisis)
    assert sorted(timers) == sorted(customers)
    for customer, timer in timers.items():
        assert (timer.state is TimerState.STOPPED) == (customer in reached)
    # A breach is raised only for a customer not reached before their deadline, once.
    log = crisis.pull_events()
    breaches = [
        a.subject
        for e in log
        if isinstance(e, SlaAlertsRaised)
        for a in e.alerts
        if a.fraction == 1.0 and a.subject is not None
    ]
    assert len(breaches) == len(set(breaches))
    late = minutes >= 120
    assert set(breaches) == (set(customers) if late else set())
    assert Crisis.replay(log) == crisis


def test_a_customer_back_after_an_undone_merge_is_owed_a_contact_again():
    # The merge undone cancelled what was owed to C-7; merged in again (or added again), C-7
    # is affected once more and owed a first contact from then, under the same timer id.
    clock = ManualClock(T0)
    main = complaint(clock, customers=("C-1",), crisis_id="CR-MAIN")
    other = complaint(clock, customers=("C-7",), crisis_id="CR-OTHER")
    main.set_level("II", actor="analyst", reason="r")  # first contact: 2 h
    main.merge(other, actor="office", reason="same parcels")
    clock.advance(minutes=10)
    main.unmerge(other, actor="office", reason="different depot")
    clock.advance(minutes=50)
    main.merge(other, actor="office", reason="the same depot after all")
    timer = owed(main)["C-7"]
    assert timer.state is TimerState.RUNNING
    assert (timer.started_at, timer.deadline) == (T0.add(hours=1), T0.add(hours=3))
    assert sum(t.subject == "C-7" for t in main.timers) == 1
    assert Crisis.replay(main.pull_events()) == main


def test_a_regrade_after_reopening_does_not_owe_again_what_closing_cancelled():
    clock = ManualClock(T0)
    crisis = complaint(clock, customers=("C-1",))
    crisis.set_level("IV", actor="analyst", reason="minor")
    crisis.dismiss(actor="office", reason="a false alarm")
    crisis.reopen(actor="office", reason="it was not")
    crisis.set_level("II", actor="analyst", reason="worse than thought")
    assert owed(crisis)["C-1"].state is TimerState.CANCELLED


def test_customers_not_contacted_before_grading_are_still_owed_a_contact():
    # C-1 is called back before anyone grades the crisis; C-2 is not. Grading must still
    # owe C-2 a first contact (from the detection), and no later regrade may start again the
    # crisis's own first contact, which was made when C-1 was called.
    clock = ManualClock(T0)
    crisis = complaint(clock, customers=("C-1", "C-2"))
    clock.advance(minutes=10)
    crisis.handle_customer("C-1", CaseStep.ACKNOWLEDGED, note="called back", actor="cs")
    clock.advance(minutes=10)
    crisis.set_level("II", actor="analyst", reason="two callers")
    assert "C-2" in owed(crisis)
    assert owed(crisis)["C-2"].started_at == T0
    clock.advance(minutes=10)
    crisis.set_level("I", actor="analyst", reason="worse")
    (own,) = [t for t in crisis.timers if t.metric is SlaMetric.FIRST_CONTACT and t.subject is None]
    # The crisis's first contact is on record as made when C-1 was called: met, not running.
    assert (own.state, own.ended_at) == (TimerState.STOPPED, T0.add(minutes=10))
