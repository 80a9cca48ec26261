"""The response and recovery work on a crisis: each command, its event, and its refusals."""

from decimal import Decimal

import pytest
from lifecycle_support import REVIEW, T0, new_crisis, signal, snapshot

from crisiskit import Audience, Crisis, CrisisState, CustomerRef, Money, Role, ValidationError
from crisiskit.errors import CurrencyMismatchError, InvalidTransition
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.quality import QualityRemedy, RemedyKind
from crisiskit.operations.recovery import (
    Callback,
    ImpactAssessment,
    ImpactFigures,
    Milestone,
    RecoveryPlan,
)
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Medium
from crisiskit.testing import ManualClock


@pytest.fixture
def clock():
    return ManualClock(T0)


@pytest.fixture
def crisis(clock):
    c = new_crisis(
        clock, signals=[signal("Weibo post", customer="C-1"), signal("Hotline", customer="C-2")]
    )
    c.respond(actor="gm")
    return c


def refused(crisis, error, call, match=None):
    before = snapshot(crisis)
    with pytest.raises(error, match=match):
        call()
    assert snapshot(crisis) == before


def test_acknowledge_once(crisis, clock):
    clock.advance(minutes=12)
    crisis.acknowledge(actor="office")
    assert crisis.acknowledged_at == T0.add(minutes=12)
    refused(crisis, ValidationError, lambda: crisis.acknowledge(actor="office"), "already")


def test_team_assignment_and_release(crisis):
    crisis.assign(Role.GENERAL_MANAGER, "wang.gm", actor="office")
    crisis.assign(Role.CUSTOMER_SERVICE, "zhao.cs", actor="office")
    crisis.assign(Role.CUSTOMER_SERVICE, "qian.cs", actor="office")
    assert crisis.members(Role.CUSTOMER_SERVICE) == ("zhao.cs", "qian.cs")
    refused(
        crisis,
        ValidationError,
        lambda: crisis.assign(Role.CUSTOMER_SERVICE, "zhao.cs", actor="office"),
        "already assigned",
    )
    crisis.unassign(Role.CUSTOMER_SERVICE, "zhao.cs", actor="office", reason="shift ended")
    assert crisis.members(Role.CUSTOMER_SERVICE) == ("qian.cs",)
    refused(
        crisis,
        ValidationError,
        lambda: crisis.unassign(Role.LEGAL, "nobody", actor="office", reason="x"),
        "not assigned",
    )


def test_statements_supersede_per_audience_and_need_an_approver_on_the_team(crisis, clock):
    refused(
        crisis,
        ValidationError,
        lambda: crisis.release_statement(
            Audience.MEDIA,
            "We are investigating.",
            medium=Medium.PRESS_RELEASE,
            approved_by="wang.gm",
            approver_role=Role.GENERAL_MANAGER,
            actor="pr",
        ),
        "cannot approve",
    )
    crisis.assign(Role.GENERAL_MANAGER, "wang.gm", actor="office")
    first = crisis.release_statement(
        Audience.MEDIA,
        "We are investigating batch 0925.",
        medium=Medium.PRESS_RELEASE,
        approved_by="wang.gm",
        approver_role=Role.GENERAL_MANAGER,
        actor="pr",
    ).statement
    clock.advance(hours=4)
    second = crisis.release_statement(
        Audience.MEDIA,
        "Batch 0925 is recalled; refunds for all buyers.",
        medium=Medium.PRESS_CONFERENCE,
        approved_by="wang.gm",
        approver_role=Role.GENERAL_MANAGER,
        actor="pr",
    ).statement
    crisis.release_statement(
        Audience.CUSTOMERS,
        "We are sorry: refunds are on their way.",
        medium=Medium.SMS,
        approved_by="wang.gm",
        approver_role=Role.GENERAL_MANAGER,
        actor="cs",
    )
    assert (first.version, second.version) == (1, 2)
    assert crisis.current_statement(Audience.MEDIA) == second
    assert crisis.current_statement(Audience.CUSTOMERS).version == 1
    assert crisis.current_statement(Audience.REGULATORS) is None
    assert len(crisis.statements) == 3


def test_customer_case_follows_the_complaint_handling_steps(crisis, clock):
    clock.advance(minutes=20)
    crisis.handle_customer("C-1", CaseStep.ACKNOWLEDGED, actor="zhao.cs")
    crisis.handle_customer(
        "C-1", CaseStep.DEMAND_RECORDED, note="full refund and an apology", actor="zhao.cs"
    )
    crisis.handle_customer("C-1", CaseStep.APOLOGISED, actor="zhao.cs")
    crisis.handle_customer(
        "C-1",
        CaseStep.PROMISED,
        note="refund within 48 hours",
        due_at=clock.now().add(hours=48),
        actor="zhao.cs",
    )
    case = crisis.case("C-1")
    assert case.received_at == case.first_contact_at == T0.add(minutes=20)
    assert case.demand == "full refund and an apology"
    assert crisis.overdue_promises(clock.now().add(hours=47)) == ()
    overdue = crisis.overdue_promises(clock.now().add(hours=49))
    assert [(cid, p.text) for cid, p in overdue] == [("C-1", "refund within 48 hours")]
    clock.advance(hours=30)
    crisis.handle_customer("C-1", CaseStep.PROMISE_KEPT, actor="zhao.cs")
    assert crisis.overdue_promises(clock.now().add(days=9)) == ()
    crisis.handle_customer("C-1", CaseStep.PROGRESS_REPORTED, note="refund paid", actor="zhao.cs")
    crisis.handle_customer("C-1", CaseStep.RESOLVED, actor="zhao.cs")
    assert crisis.case("C-1").is_resolved
    assert crisis.case("C-1").updates == 1
    refused(
        crisis,
        ValidationError,
        lambda: crisis.handle_customer("C-1", CaseStep.APOLOGISED, actor="x"),
        "resolved already",
    )


@pytest.mark.parametrize(
    ("customer", "step", "kwargs", "match"),
    [
        ("C-9", CaseStep.ACKNOWLEDGED, {}, "not affected"),
        ("C-1", CaseStep.PROMISED, {"note": "refund"}, "due time"),
        (
            "C-1",
            CaseStep.PROMISED,
            {"note": "refund", "due_at": T0.subtract(hours=1)},
            "in the future",
        ),
        ("C-1", CaseStep.DEMAND_RECORDED, {}, "needs a note"),
        ("C-1", CaseStep.PROMISE_KEPT, {}, "no open promise"),
        ("C-1", "sorry", {}, "CaseStep"),
    ],
)
def test_customer_case_refusals(crisis, customer, step, kwargs, match):
    refused(
        crisis,
        ValidationError,
        lambda: crisis.handle_customer(customer, step, actor="cs", **kwargs),
        match,
    )


def test_quality_remedy_is_recorded_and_revised(crisis):
    first = QualityRemedy("seal cracked", "supplier Huaxin Packaging", [RemedyKind.RECALL])
    crisis.record_quality_remedy(first, actor="qa")
    better = QualityRemedy(
        "seal cracked under vibration",
        "supplier Huaxin Packaging",
        [RemedyKind.RECALL, RemedyKind.REPLACE],
        process_fix="seal test at incoming inspection",
        expected_resolution=T0.add(days=7),
    )
    event = crisis.record_quality_remedy(better, actor="qa")
    assert (event.old, event.new) == (first, better)
    assert crisis.quality_remedy == better


def test_compensation_in_one_currency(crisis):
    crisis.compensate(CompensationKind.REFUND, Money("39.90", "CNY"), customer_id="C-1", actor="cs")
    crisis.compensate(
        CompensationKind.COUPON,
        Money("20", "CNY"),
        customer_id="C-2",
        note="code YG-20",
        actor="cs",
    )
    assert crisis.compensation_total() == Money("59.90", "CNY")
    refused(
        crisis,
        CurrencyMismatchError,
        lambda: crisis.compensate(CompensationKind.CASH, Money(5, "USD"), actor="cs"),
        "spends in CNY",
    )
    refused(
        crisis,
        ValidationError,
        lambda: crisis.compensate(CompensationKind.GIFT, Money(0, "CNY"), actor="cs"),
        "more than zero",
    )
    refused(
        crisis,
        ValidationError,
        lambda: crisis.compensate(
            CompensationKind.GIFT, Money(5, "CNY"), customer_id="C-404", actor="cs"
        ),
        "not affected",
    )


def test_callbacks_recovery_plan_impact_and_review(crisis, clock):
    crisis.recover(actor="gm")
    crisis.record_callback("C-1", 4, comments="refund was quick", actor="cs")
    refused(crisis, ValidationError, lambda: crisis.record_callback("C-2", 6, actor="cs"), "1 to 5")
    plan = RecoveryPlan(
        goals=["satisfaction back to 4.2"],
        measures=["quality open day", "coupons for loyal buyers"],
        milestones=[
            Milestone("open day held", T0.add(days=14)),
            Milestone("satisfaction survey", T0.add(days=60)),
        ],
    )
    crisis.set_recovery_plan(plan, actor="office")
    clock.advance(days=10)
    crisis.reach_milestone("open day held", actor="office")
    assert crisis.recovery_plan.milestone("open day held").done_at == clock.now()
    assert crisis.recovery_plan.overdue(T0.add(days=61))[0].name == "satisfaction survey"
    refused(
        crisis,
        ValidationError,
        lambda: crisis.reach_milestone("open day held", actor="office"),
        "already",
    )
    refused(
        crisis,
        ValidationError,
        lambda: crisis.reach_milestone("party", actor="office"),
        "no milestone 'party'",
    )
    impact = ImpactAssessment(
        before=ImpactFigures(
            sales=Money("1200000", "CNY"), market_share=Decimal("0.18"), satisfaction=4.3
        ),
        after=ImpactFigures(
            sales=Money("950000", "CNY"), market_share=Decimal("0.16"), satisfaction=3.6
        ),
        period="Aug vs Oct 2025",
    )
    crisis.assess_impact(impact, actor="office")
    assert crisis.impact.sales_change == Money("-250000", "CNY")
    assert crisis.impact.satisfaction_change == pytest.approx(-0.7)
    crisis.record_review(REVIEW, actor="office")
    assert crisis.review.reviewed_at == clock.now()
    crisis.close("recovered", actor="gm")
    assert crisis.state is CrisisState.CLOSED
    assert Crisis.replay(crisis.pull_events()) == crisis


def test_value_objects_refuse_bad_values():
    with pytest.raises(ValidationError, match="at least one lesson"):
        Review("cause", lessons=[])
    with pytest.raises(ValidationError, match="at least one goal"):
        RecoveryPlan(goals=[], measures=[])
    with pytest.raises(ValidationError, match="distinct names"):
        RecoveryPlan(goals=["g"], measures=[], milestones=[Milestone("a", T0), Milestone("a", T0)])
    with pytest.raises(ValidationError, match="share from 0 to 1"):
        ImpactFigures(market_share=Decimal("1.5"))
    with pytest.raises(ValidationError, match="between 1 and 5"):
        ImpactFigures(satisfaction=0.5)
    with pytest.raises(ValidationError, match="one currency"):
        ImpactAssessment(ImpactFigures(sales=Money(1, "CNY")), ImpactFigures(sales=Money(1, "USD")))
    with pytest.raises(ValidationError, match="1 to 5"):
        Callback("C-1", T0, 0)


def test_operations_are_refused_on_a_closed_crisis(crisis):
    crisis.recover(actor="gm")
    crisis.record_review(REVIEW, actor="office")
    crisis.close("done", actor="gm")
    for call in [
        lambda: crisis.acknowledge(actor="x"),
        lambda: crisis.assign(Role.LEGAL, "li", actor="x"),
        lambda: crisis.compensate(CompensationKind.GIFT, Money(1, "CNY"), actor="x"),
        lambda: crisis.record_callback("C-1", 5, actor="x"),
        lambda: crisis.add_customers([CustomerRef("C-7")], actor="x"),
    ]:
        refused(crisis, InvalidTransition, call, "it is closed")
