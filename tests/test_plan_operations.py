"""The emergency plan driving the work on a crisis: notice, team, statements, budgets."""

import pytest
from lifecycle_support import T0, new_crisis, signal, snapshot

from crisiskit import Audience, Context, CrisisType, Level, Money, PolicyError, Role
from crisiskit.errors import CurrencyMismatchError, InvalidTransition
from crisiskit.events import BudgetExceeded, CompensationGranted
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.statements import Medium
from crisiskit.plan import BudgetCategory, EmergencyPlan, Phase
from crisiskit.testing import ManualClock

PLAN = EmergencyPlan.default()


@pytest.fixture
def clock():
    return ManualClock(T0)


@pytest.fixture
def crisis(clock):
    c = new_crisis(
        clock,
        context=Context(clock, plan=PLAN),
        crisis_type=CrisisType.PRODUCT_QUALITY,
        signals=[signal("Weibo post", customer="C-1")],
    )
    c.update_facts(actor="office", scope="yoghurt batch 0925, Shanghai and Suzhou")
    return c


def staff(crisis, level):
    for role in sorted(PLAN.required_roles(crisis.crisis_type, level), key=lambda r: r.value):
        crisis.assign(role, f"{role.value}.lead", actor="office")


def test_with_a_plan_a_warning_needs_a_level(crisis):
    before = snapshot(crisis)
    with pytest.raises(InvalidTransition, match="grade the crisis or set its level") as refused:
        crisis.warn(actor="office")
    assert refused.value.condition == "graded"
    assert snapshot(crisis) == before


def test_the_warning_notice_comes_from_the_plan(crisis):
    crisis.set_level(Level.I, actor="analyst", reason="national media picked it up")
    event = crisis.warn(actor="office")
    notice = event.notice
    assert notice is not None
    assert crisis.notice == notice
    assert notice.level is Level.I
    assert notice.scope == "yoghurt batch 0925, Shanghai and Suzhou"
    plan_roles = PLAN.required_roles(CrisisType.PRODUCT_QUALITY, Level.I)
    assert set(notice.recipients) == plan_roles | {Role.LEADERSHIP_GROUP}
    warning_actions = PLAN.actions_for(CrisisType.PRODUCT_QUALITY, Level.I, Phase.WARNING)
    assert notice.measures == tuple(a.description for a in warning_actions)
    assert notice.measures_zh == tuple(a.label("zh") for a in warning_actions)
    zh = notice.render("zh")
    assert zh.startswith("预警通知：一级预警（重大危机），红色")
    assert "发送至：" in zh
    assert notice.render("en").startswith("Warning notice: level I warning (major crisis), red")


def test_the_response_needs_the_plans_roles_filled(crisis):
    crisis.set_level(Level.II, actor="analyst", reason="spreading")
    crisis.assign(Role.OFFICE, "li.office", actor="office")
    before = snapshot(crisis)
    with pytest.raises(InvalidTransition, match="required roles filled") as refused:
        crisis.respond(actor="gm")
    assert refused.value.condition == "required roles filled"
    assert "customer_service" in str(refused.value)
    assert snapshot(crisis) == before
    staff(crisis, Level.II)
    crisis.respond(actor="gm")


def test_statements_go_only_to_audiences_the_plan_allows(crisis):
    crisis.set_level(Level.III, actor="analyst", reason="contained")
    staff(crisis, Level.III)
    allowed = PLAN.allowed_audiences(CrisisType.PRODUCT_QUALITY, Level.III)
    assert Audience.MEDIA not in allowed
    before = snapshot(crisis)
    with pytest.raises(PolicyError, match="no communication with media") as refused:
        crisis.release_statement(
            Audience.MEDIA,
            "We are looking into it.",
            medium=Medium.PRESS_RELEASE,
            approved_by="office.lead",
            actor="pr",
        )
    assert "allows: customers" in str(refused.value)
    assert snapshot(crisis) == before
    rule = PLAN.for_crisis(CrisisType.PRODUCT_QUALITY, Level.III).rule_for(Audience.CUSTOMERS)
    event = crisis.release_statement(
        Audience.CUSTOMERS,
        "We are sorry; refunds are on their way.",
        medium=Medium.SMS,
        approved_by=f"{rule.approver.value}.lead",
        actor="cs",
    )
    assert event.statement.approver_role is rule.approver


def test_compensation_must_be_in_the_budget_currency(crisis):
    before = snapshot(crisis)
    with pytest.raises(CurrencyMismatchError, match="budget currency"):
        crisis.compensate(
            CompensationKind.REFUND, Money("5.99", "USD"), customer_id="C-1", actor="cs"
        )
    assert snapshot(crisis) == before


def test_crossing_the_budget_records_a_warning_once(crisis):
    budget = PLAN.budget(BudgetCategory.COMPENSATION)
    assert budget == Money("200000", "CNY")
    crisis.compensate(CompensationKind.CASH, Money("150000", "CNY"), actor="cs")
    assert [e.name for e in crisis.pull_events()][-1] == "CompensationGranted"
    crisis.compensate(CompensationKind.CASH, Money("60000", "CNY"), actor="cs")
    granted, warning = crisis.pull_events()
    assert isinstance(granted, CompensationGranted)
    assert isinstance(warning, BudgetExceeded)
    assert warning.actor == "system"
    assert warning.spent == Money("210000", "CNY")
    assert warning.budget == budget
    assert warning.sequence == granted.sequence + 1
    assert crisis.version == warning.sequence
    crisis.compensate(CompensationKind.COUPON, Money("100", "CNY"), actor="cs")
    assert [e.name for e in crisis.pull_events()] == ["CompensationGranted"]


def test_pr_spending_is_tracked_against_its_own_budget(crisis):
    crisis.record_expense(
        BudgetCategory.PR, Money("80000", "CNY"), note="press conference", actor="pr"
    )
    crisis.record_expense(
        BudgetCategory.PR, Money("30000", "CNY"), note="media monitoring", actor="pr"
    )
    names = [e.name for e in crisis.pull_events()]
    assert names[-2:] == ["ExpenseRecorded", "BudgetExceeded"]
    assert crisis.spent(BudgetCategory.PR) == Money("110000", "CNY")
    assert crisis.spent(BudgetCategory.SUPPLIES) is None


def test_review_lessons_become_a_plan_revision():
    from crisiskit.operations.review import Review

    review = Review(
        root_cause="seal supplier changed material without notice",
        lessons=["L1: supplier changes must trigger incoming inspection"],
        improvements=["add supplier-change notice to the quality plan"],
    )
    revised = PLAN.revise(
        version="1.1",
        effective_from=T0.add(days=30),
        reasons=[improvement.text for improvement in review.improvements],
        lessons=list(review.lessons),
    )
    assert revised.current_revision.lessons == review.lessons
    assert len(revised.revisions) == len(PLAN.revisions) + 1


def test_the_plans_cadence_drives_the_update_timers(clock):
    import datetime as dt

    import attrs

    from crisiskit.calendar import china_working_calendar
    from crisiskit.sla import SlaMetric, SlaPolicy

    entry = PLAN.for_crisis(CrisisType.PRODUCT_QUALITY, Level.II)
    customers = entry.rule_for(Audience.CUSTOMERS)
    faster = entry.with_communication(
        attrs.evolve(customers, cadence=dt.timedelta(hours=6), first_within=dt.timedelta(hours=3))
    )
    plan = PLAN.revise(
        version="1.1",
        effective_from=T0,
        reasons=["customers asked for updates every 6 hours"],
        levels=PLAN.levels_with(faster),
    )
    sla = SlaPolicy.default(china_working_calendar([2025, 2026]))
    context = Context(clock, plan=plan, sla=sla)
    crisis = new_crisis(clock, context=context, crisis_type=CrisisType.PRODUCT_QUALITY)
    crisis.set_level(Level.II, actor="analyst", reason="spreading")
    targets = {t.metric: t.target for t in crisis.timers}
    assert targets[SlaMetric.PROGRESS_UPDATE] == dt.timedelta(hours=6)
    assert targets[SlaMetric.PUBLIC_STATEMENT] == dt.timedelta(hours=3)
    assert targets[SlaMetric.ACKNOWLEDGE] == dt.timedelta(minutes=30)  # the SLA policy's own
    # A complaint keeps the plan's default cadence (12 h at level II).
    assert context.sla_for(CrisisType.COMPLAINT).target(
        Level.II, SlaMetric.PROGRESS_UPDATE
    ).duration == dt.timedelta(hours=12)


def test_raising_the_level_of_a_warned_crisis_upgrades_the_warning_and_names_missing_roles(
    crisis,
):
    from crisiskit import Crisis
    from crisiskit.events import WarningUpgraded

    crisis.set_level(Level.III, actor="analyst", reason="a few callers")
    crisis.warn(actor="office")
    staff(crisis, Level.III)
    assert crisis.missing_roles() == ()
    crisis.set_level(Level.I, actor="gm", reason="national media picked it up")
    upgraded = crisis.pending_events[-1]
    assert isinstance(upgraded, WarningUpgraded)
    assert (upgraded.actor, upgraded.notice.level) == ("system", Level.I)
    assert upgraded.notice == crisis.notice
    level_one = PLAN.required_roles(CrisisType.PRODUCT_QUALITY, Level.I)
    assert set(upgraded.notice.recipients) == level_one | {Role.LEADERSHIP_GROUP}
    missing = level_one - PLAN.required_roles(CrisisType.PRODUCT_QUALITY, Level.III)
    assert missing  # level I needs more people than level III
    assert set(upgraded.missing_roles) == missing
    assert set(crisis.missing_roles()) == missing
    assert Crisis.replay(crisis.pull_events()) == crisis
    # A lowering, or a raise before any warning, re-applies nothing.
    crisis.set_level(Level.II, actor="gm", reason="contained")
    assert not any(isinstance(e, WarningUpgraded) for e in crisis.pull_events())


def test_raising_the_level_before_a_warning_issues_no_upgrade(crisis):
    from crisiskit.events import WarningUpgraded

    crisis.set_level(Level.III, actor="analyst", reason="a few callers")
    crisis.set_level(Level.I, actor="gm", reason="national media")
    assert not any(isinstance(e, WarningUpgraded) for e in crisis.pull_events())
    assert set(crisis.missing_roles()) == PLAN.required_roles(CrisisType.PRODUCT_QUALITY, Level.I)
