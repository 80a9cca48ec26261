"""The default emergency plan says what the source documents and the domain summary say."""

import datetime as dt
from pathlib import Path

import pendulum
import pytest

from crisiskit import Audience, CrisisType, Level, Money, Role
from crisiskit.plan import (
    ROUND_THE_CLOCK,
    WORKING,
    BudgetCategory,
    EmergencyPlan,
    Phase,
)

PLAN = EmergencyPlan.default()
DOCS = Path(__file__).parent.parent / "docs" / "plans.md"
H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
PQ, NP = CrisisType.PRODUCT_QUALITY, CrisisType.NEGATIVE_PUBLICITY
EVERY = [(t, lv) for t in CrisisType for lv in Level]

BASE_ROLES = {
    Level.I: {
        Role.GENERAL_MANAGER,
        Role.OFFICE,
        Role.MARKETING,
        Role.CUSTOMER_SERVICE,
        Role.LEGAL,
    },
    Level.II: {Role.OFFICE, Role.MARKETING, Role.CUSTOMER_SERVICE},
    Level.III: {Role.OFFICE, Role.CUSTOMER_SERVICE},
    Level.IV: {Role.CUSTOMER_SERVICE},
}


@pytest.mark.parametrize(("crisis_type", "level"), EVERY)
def test_the_default_plan_covers_every_type_and_level(crisis_type, level):
    entry = PLAN.for_crisis(crisis_type, level)
    assert entry.level is level
    assert entry.crisis_type in (crisis_type, None)
    assert entry.actions_in(Phase.RESPONSE)
    assert Audience.CUSTOMERS in entry.audiences


@pytest.mark.parametrize(("crisis_type", "level"), EVERY)
def test_required_roles_follow_the_regulation(crisis_type, level):
    expected = set(BASE_ROLES[level])
    if crisis_type is PQ and level in (Level.I, Level.II):
        expected.add(Role.PRODUCTION_QUALITY)
    assert PLAN.required_roles(crisis_type, level) == expected


def test_only_product_quality_and_negative_publicity_have_entries_of_their_own():
    assert PLAN.crisis_types == (PQ, NP)
    assert PLAN.for_crisis(CrisisType.COMPLAINT, Level.II).crisis_type is None


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_level_i_informs_the_leadership_group(crisis_type):
    escalation = PLAN.for_crisis(crisis_type, Level.I).escalation
    assert escalation is not None
    assert Role.LEADERSHIP_GROUP in escalation.inform


@pytest.mark.parametrize(("crisis_type", "level"), EVERY)
def test_who_must_be_told(crisis_type, level):
    allowed = PLAN.allowed_audiences(crisis_type, level)
    required = PLAN.required_audiences(crisis_type, level)
    assert Audience.CUSTOMERS in required
    assert (Audience.MEDIA in required) == (level in (Level.I, Level.II))
    assert (Audience.REGULATORS in allowed) == (level in (Level.I, Level.II))
    assert (Audience.REGULATORS in required) == (
        level in (Level.I, Level.II) and crisis_type in (PQ, NP)
    )
    assert (Audience.PARTNERS in required) == (level is Level.I)


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_statements_follow_the_time_target_table(crisis_type):
    one = PLAN.for_crisis(crisis_type, Level.I)
    two = PLAN.for_crisis(crisis_type, Level.II)
    three = PLAN.for_crisis(crisis_type, Level.III)
    four = PLAN.for_crisis(crisis_type, Level.IV)
    for audience in (Audience.CUSTOMERS, Audience.MEDIA):
        assert one.rule_for(audience).first_within == 4 * H
        assert one.rule_for(audience).cadence == 4 * H
        assert two.rule_for(audience).first_within == 12 * H
        assert two.rule_for(audience).cadence == 12 * H
    customers_iii = three.rule_for(Audience.CUSTOMERS)
    assert (customers_iii.cadence, customers_iii.calendar) == (8 * H, WORKING)
    assert four.rule_for(Audience.CUSTOMERS).cadence is None
    assert one.action("public-statement").target == 4 * H
    assert two.action("public-statement").target == 12 * H


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_approvals(crisis_type):
    def approvers(level):
        return {r.audience: r.approver for r in PLAN.for_crisis(crisis_type, level).communications}

    assert set(approvers(Level.I).values()) == {Role.GENERAL_MANAGER}
    assert approvers(Level.II)[Audience.CUSTOMERS] is Role.OFFICE
    assert approvers(Level.II)[Audience.MEDIA] is Role.MARKETING
    assert approvers(Level.III)[Audience.CUSTOMERS] is Role.OFFICE
    assert approvers(Level.IV)[Audience.CUSTOMERS] is Role.CUSTOMER_SERVICE


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_actions_per_phase(crisis_type):
    notice = {lv: PLAN.for_crisis(crisis_type, lv).action("warning-notice") for lv in Level}
    assert (notice[Level.I].owner, notice[Level.I].target) == (Role.OFFICE, 15 * MIN)
    assert (notice[Level.II].owner, notice[Level.II].target) == (Role.OFFICE, 30 * MIN)
    for level in Level:
        entry = PLAN.for_crisis(crisis_type, level)
        assert entry.action("warning-notice").phase is Phase.WARNING
        contact = entry.action("contact-customers")
        assert (contact.phase, contact.owner) == (Phase.RESPONSE, Role.CUSTOMER_SERVICE)
        callback = entry.action("callback-customers")
        assert (callback.phase, callback.owner) == (Phase.RECOVERY, Role.CUSTOMER_SERVICE)
        assert entry.action("review").phase is Phase.RECOVERY
        ids = {a.action_id for a in entry.actions}
        assert ("public-statement" in ids) == (level in (Level.I, Level.II))
        assert ("legal-review" in ids) == (level is Level.I)
        assert ("root-cause" in ids) == (crisis_type is PQ and level in (Level.I, Level.II))
        assert ("impact-assessment" in ids) == (level is not Level.IV)
    first_contact = [PLAN.for_crisis(crisis_type, lv).action("contact-customers") for lv in Level]
    assert [a.target for a in first_contact] == [1 * H, 2 * H, 8 * H, 16 * H]


def test_quality_problems_are_owned_by_production_and_quality_at_levels_i_and_ii():
    for level in (Level.I, Level.II):
        entry = PLAN.for_crisis(PQ, level)
        assert entry.action("root-cause").owner is Role.PRODUCTION_QUALITY
        assert entry.action("remedy").owner is Role.PRODUCTION_QUALITY
    assert PLAN.for_crisis(PQ, Level.III).action("remedy").owner is Role.OFFICE


@pytest.mark.parametrize(("crisis_type", "level"), EVERY)
def test_levels_i_and_ii_run_around_the_clock_iii_and_iv_in_working_time(crisis_type, level):
    entry = PLAN.for_crisis(crisis_type, level)
    expected = ROUND_THE_CLOCK if level in (Level.I, Level.II) else WORKING
    assert {a.calendar for a in entry.actions} == {expected}
    assert {r.calendar for r in entry.communications} == {expected}


def test_every_text_users_see_is_in_english_and_chinese():
    for entry in PLAN.levels:
        for duty in entry.required_roles:
            assert duty.duty_zh
        for action in entry.actions:
            assert action.description_zh
            assert action.label("zh") != action.label("en")
        if entry.escalation is not None:
            assert entry.escalation.note_zh
    assert PLAN.label("zh") == "客户危机管理应急预案"


def test_budgets_are_example_defaults_in_one_currency():
    assert PLAN.currency == "CNY"
    assert PLAN.budget(BudgetCategory.COMPENSATION) == Money(200000, "CNY")
    assert PLAN.budget(BudgetCategory.PR) == Money(100000, "CNY")
    assert PLAN.budget(BudgetCategory.SUPPLIES) == Money(50000, "CNY")
    euros = EmergencyPlan.default(currency="EUR")
    assert euros.currency == "EUR"
    assert euros.resources.total == Money(350000, "EUR")


def test_the_standing_team_fills_every_role():
    assert {m.role for m in PLAN.resources.standing_team} == set(Role)
    assert PLAN.resources.supplies


def test_the_default_plan_is_the_same_every_time_and_can_be_dated():
    assert EmergencyPlan.default() == PLAN
    start = pendulum.datetime(2026, 3, 1, 9, tz="Asia/Shanghai")
    dated = EmergencyPlan.default(plan_id="ACME-1", effective_from=start)
    assert (dated.plan_id, dated.effective_from, dated.revisions[0].effective_from) == (
        "ACME-1",
        start,
        start,
    )


def test_describe_summarises_an_entry_in_both_languages():
    entry = PLAN.for_crisis(PQ, Level.I)
    en, zh = entry.describe("en"), entry.describe("zh")
    assert en.startswith("product quality problem, level I (major)")
    assert "[root-cause] Find the cause of the quality problem" in en
    assert "production and quality, within 24 h" in en
    assert zh.startswith("产品质量问题 · I级（重大）")
    assert "查明产品质量问题的原因" in zh
    assert "上报危机管理领导小组" in zh
    assert "口径由总经理审批" in zh


# ---- the docs show the default plan as it is


def _span(duration, calendar):
    if duration is None:
        return "—"
    if calendar == WORKING:
        return f"{duration / H:g} wh"
    if duration < H:
        return f"{duration / MIN:g} min"
    days = duration / dt.timedelta(days=1)
    return f"{days:g} d" if days >= 5 and days == int(days) else f"{duration / H:g} h"


def _action_rows(entries, ids=None):
    order = []
    for phase in Phase:
        for entry in entries.values():
            for action in entry.actions_in(phase):
                if action.action_id not in order and (ids is None or action.action_id in ids):
                    order.append(action.action_id)
    rows = []
    for action_id in order:
        found = {
            lv: e.action(action_id)
            for lv, e in entries.items()
            if any(a.action_id == action_id for a in e.actions)
        }
        first = next(iter(found.values()))
        cells = [
            f"{found[lv].owner.value}, {_span(found[lv].target, found[lv].calendar)}"
            if lv in found
            else ""
            for lv in Level
        ]
        rows.append(
            f"| {first.phase.value} | `{action_id}` {first.label('en')} ({first.label('zh')}) | "
            + " | ".join(cells)
            + " |"
        )
    return rows


def _rule_cell(rule):
    if rule is None:
        return ""
    need = "required" if rule.required else "optional"
    timing = f"{_span(rule.first_within, rule.calendar)} / {_span(rule.cadence, rule.calendar)}"
    return f"{need}, {timing}, {rule.approver.value}"


def default_plan_tables():
    """The tables docs/plans.md shows, by section; paste them again when the default plan changes."""
    head = "| | I | II | III | IV |\n|---|---|---|---|---|"
    base = {lv: PLAN.for_crisis(CrisisType.OTHER, lv) for lv in Level}
    roles = [head.replace("| |", "| role |", 1)]
    for role in Role:
        cells = []
        for lv in Level:
            if base[lv].duty_of(role):
                cells.append("✓")
            elif PLAN.for_crisis(PQ, lv).duty_of(role):
                cells.append("✓ product_quality")
            else:
                cells.append("")
        roles.append(f"| {role.label('en')} ({role.label('zh')}) | " + " | ".join(cells) + " |")
    actions = ["| phase | action | I | II | III | IV |", "|---|---|---|---|---|---|"]
    actions += _action_rows(base)
    extras = []
    for crisis_type in PLAN.crisis_types:
        own = {lv: PLAN.for_crisis(crisis_type, lv) for lv in Level}
        changed = {
            a.action_id for lv in Level for a in own[lv].actions if a not in base[lv].actions
        }
        extras.append(f"**{crisis_type.value}** ({crisis_type.label('zh')})\n")
        extras.append("| phase | action | I | II | III | IV |\n|---|---|---|---|---|---|")
        extras += _action_rows(own, changed)
        extras.append("")
    comms = []
    for crisis_type in (CrisisType.OTHER, *PLAN.crisis_types):
        name = "default" if crisis_type is CrisisType.OTHER else crisis_type.value
        comms.append(f"**{name}**\n")
        comms.append(head.replace("| |", "| audience |", 1))
        for audience in Audience:
            cells = [
                _rule_cell(PLAN.for_crisis(crisis_type, lv).rule_for(audience)) for lv in Level
            ]
            if any(cells):
                comms.append(
                    f"| {audience.value} ({audience.label('zh')}) | " + " | ".join(cells) + " |"
                )
        comms.append("")
    return {
        "roles": "\n".join(roles),
        "actions": "\n".join(actions),
        "extras": "\n".join(extras).strip(),
        "communications": "\n".join(comms).strip(),
    }


@pytest.mark.parametrize("section", ["roles", "actions", "extras", "communications"])
def test_the_docs_show_the_default_plan_as_it_is(section):
    table = default_plan_tables()[section]
    assert table in DOCS.read_text(encoding="utf-8"), (
        f"docs/plans.md is out of date; paste this {section} table:\n{table}"
    )
