import datetime as dt

from lifecycle_support import REVIEW, T0, new_crisis, signal

from crisiskit import Context, Money
from crisiskit.app.metrics import DurationStats, crisis_metrics, period_metrics
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.recovery import ImpactAssessment, ImpactFigures
from crisiskit.testing import ManualClock


def reopened_crisis():
    clock = ManualClock(T0)
    crisis = new_crisis(
        clock,
        context=Context(clock),
        signals=[signal(customer="C-1"), signal("call", customer="C-2")],
    )
    clock.advance(minutes=25)
    crisis.acknowledge(actor="office")  # 25 min
    clock.advance(minutes=35)
    crisis.respond(actor="gm")
    crisis.handle_customer("C-2", CaseStep.ACKNOWLEDGED, actor="cs")  # 60 min
    clock.advance(hours=3)
    crisis.compensate(CompensationKind.REFUND, Money("39.90", "CNY"), customer_id="C-1", actor="cs")
    crisis.compensate(CompensationKind.COUPON, Money("20", "CNY"), customer_id="C-2", actor="cs")
    crisis.compensate(CompensationKind.REFUND, Money("39.90", "CNY"), customer_id="C-2", actor="cs")
    clock.advance(hours=20)
    crisis.recover(actor="gm")
    crisis.record_callback("C-1", 4, actor="cs")
    crisis.record_callback("C-2", 3, actor="cs")
    crisis.assess_impact(
        ImpactAssessment(ImpactFigures(satisfaction=4.0), ImpactFigures(satisfaction=3.5)),
        actor="office",
    )
    crisis.record_review(REVIEW, actor="office")
    crisis.close("done", actor="gm")  # first close at 24 h
    clock.advance(days=2)  # closed for 48 h: not open time
    crisis.reopen(actor="cs", reason="same fault again")
    clock.advance(hours=6)
    crisis.recover(actor="gm")
    crisis.close("done again", actor="gm")  # second close, 6 h later
    return crisis.pull_events()


def test_one_crisis_hand_worked():
    m = crisis_metrics(reopened_crisis())
    assert m.time_to_acknowledge == dt.timedelta(minutes=25)
    assert m.time_to_first_contact == dt.timedelta(minutes=60)
    assert m.time_to_first_statement is None
    # open 24 h, closed 48 h, open 6 h: open time 30 h, closed at 78 h after detection.
    assert m.open_time == dt.timedelta(hours=30)
    assert m.time_to_close == dt.timedelta(hours=78)
    assert m.reopens == 1
    assert m.average_satisfaction == 3.5
    assert m.baseline_satisfaction == 4.0
    assert m.satisfaction_recovery == 0.875
    assert m.compensation_total == Money("99.80", "CNY")
    assert dict(m.compensation_by_kind) == {
        CompensationKind.COUPON: Money("20", "CNY"),
        CompensationKind.REFUND: Money("79.80", "CNY"),
    }


def test_open_crisis_counts_open_time_to_as_of():
    clock = ManualClock(T0)
    crisis = new_crisis(clock)
    clock.advance(hours=5)
    crisis.warn(actor="office")
    events = crisis.pull_events()
    m = crisis_metrics(events, as_of=T0.add(hours=9))
    assert m.open_time == dt.timedelta(hours=9)
    assert m.time_to_close is None


def test_period_metrics_summarise_several_crises():
    histories = [reopened_crisis(), reopened_crisis()]
    clock = ManualClock(T0)
    other = new_crisis(clock, crisis_id="CR-2")
    clock.advance(hours=2)
    other.acknowledge(actor="office")
    histories.append(other.pull_events())
    p = period_metrics(histories)
    assert p.crises == 3
    assert p.still_open == 1
    assert p.reopened == 2
    assert p.time_to_acknowledge.count == 3
    assert p.time_to_acknowledge.worst == dt.timedelta(hours=2)
    assert p.time_to_acknowledge.median == dt.timedelta(minutes=25)
    assert p.time_to_close.count == 2
    assert p.compensation_totals == (Money("199.60", "CNY"),)
    assert p.by_level == (("ungraded", 3),)


def test_duration_stats_nearest_rank_p90():
    stats = DurationStats.of([dt.timedelta(minutes=m) for m in range(1, 11)] + [None])
    assert stats.count == 10
    assert stats.p90 == dt.timedelta(minutes=9)
    assert stats.mean == dt.timedelta(minutes=5.5)
    assert DurationStats.of([]).mean is None
