"""The emergency plan as data: lookups, JSON, validation with paths, revisions."""

import datetime as dt
import json
import re
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiskit import Audience, CrisisState, CrisisType, Level, Money, Role, from_json, to_json
from crisiskit.errors import (
    CrisisKitError,
    CurrencyMismatchError,
    NaiveDatetimeError,
    PolicyError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.plan import (
    MAX_DURATION,
    BudgetCategory,
    Budgets,
    CommunicationRule,
    EmergencyPlan,
    Escalation,
    LevelPlan,
    Phase,
    PlannedAction,
    Resources,
    Revision,
    RoleDuty,
    StandingMember,
)
from crisiskit.plan._fields import duration_text
from crisiskit.testing import strategies as cks

H = dt.timedelta(hours=1)
PLAN = EmergencyPlan.default()
LATER = pendulum.datetime(2025, 6, 1, tz="Asia/Shanghai")


def _cny(pr=100):
    return Resources(
        {
            BudgetCategory.COMPENSATION: Money(1000, "CNY"),
            BudgetCategory.PR: Money(pr, "CNY"),
            BudgetCategory.SUPPLIES: Money(0, "CNY"),
        }
    )


def _entry(level, crisis_type=None, **changes):
    values = {
        "required_roles": (RoleDuty.standard(Role.CUSTOMER_SERVICE),),
        "actions": (
            PlannedAction(
                "contact", Phase.RESPONSE, "Contact the customer", Role.CUSTOMER_SERVICE, H
            ),
        ),
        "communications": (
            CommunicationRule(Audience.CUSTOMERS, True, None, Role.CUSTOMER_SERVICE, 2 * H),
        ),
    }
    values.update(changes)
    return LevelPlan(level, crisis_type, **values)


def _small_plan(*extra, levels=None):
    entries = levels if levels is not None else [_entry(lv) for lv in Level]
    return EmergencyPlan(
        "P-1",
        "1.0",
        pendulum.datetime(2025, 1, 1, tz="UTC"),
        "Small plan",
        (*entries, *extra),
        _cny(),
    )


# ---- phases and lookups


def test_phases_are_the_lifecycle_states_that_have_actions():
    assert [p.state for p in Phase] == [
        CrisisState.WARNED,
        CrisisState.RESPONDING,
        CrisisState.RECOVERING,
    ]
    assert all(Phase.of_state(p.state) is p for p in Phase)
    assert Phase.of_state(CrisisState.DETECTED) is None
    assert Phase.of_state(CrisisState.CLOSED) is None
    assert [p.label("zh") for p in Phase] == ["预警", "应对", "恢复"]
    assert Phase.parse("应对") is Phase.RESPONSE
    assert [c.label("zh") for c in BudgetCategory] == ["赔偿", "公关", "应急物资"]


def test_types_without_entries_of_their_own_use_the_default():
    own = _entry(Level.II, CrisisType.COMPLAINT, escalation=Escalation((Role.OFFICE,), "tell"))
    plan = _small_plan(*[_entry(lv, CrisisType.COMPLAINT) for lv in Level if lv != Level.II], own)
    assert plan.for_crisis(CrisisType.COMPLAINT, Level.II) is own
    assert plan.for_crisis(CrisisType.OTHER, Level.II).crisis_type is None
    assert plan.crisis_types == (CrisisType.COMPLAINT,)


@pytest.mark.parametrize(
    ("crisis_type", "level", "expected"),
    [
        ("product_quality", Level.I, (CrisisType.PRODUCT_QUALITY, Level.I)),
        (CrisisType.COMPLAINT, "II", (CrisisType.COMPLAINT, Level.II)),
        ("产品质量问题", "一级预警", (CrisisType.PRODUCT_QUALITY, Level.I)),
    ],
)
def test_lookups_take_codes_and_labels_as_well_as_members(crisis_type, level, expected):
    assert PLAN.for_crisis(crisis_type, level) is PLAN.for_crisis(*expected)


@pytest.mark.parametrize(
    ("crisis_type", "level", "match"),
    [
        (None, Level.I, r"crisis_type must be a CrisisType; got None\. Allowed: 'complaint'"),
        ("product_quality", "V", r"level must be a Level; got 'V'\. Allowed: 'I', 'II'"),
    ],
)
def test_lookups_refuse_what_names_no_member(crisis_type, level, match):
    with pytest.raises(UnknownValueError, match=match):
        PLAN.for_crisis(crisis_type, level)


@settings(max_examples=25)
@given(cks.emergency_plans(), cks.crisis_types(), cks.levels())
def test_lookups_agree_with_the_entry(plan, crisis_type, level):
    entry = plan.for_crisis(crisis_type, level)
    assert entry.level is level
    assert entry.crisis_type is (crisis_type if crisis_type in plan.crisis_types else None)
    assert plan.required_roles(crisis_type, level) == {d.role for d in entry.required_roles}
    assert plan.allowed_audiences(crisis_type, level) == {r.audience for r in entry.communications}
    assert plan.required_audiences(crisis_type, level) <= plan.allowed_audiences(crisis_type, level)
    by_phase = [plan.actions_for(crisis_type, level, phase) for phase in Phase]
    assert sorted(a.action_id for part in by_phase for a in part) == sorted(
        a.action_id for a in entry.actions
    )
    assert all(a.phase is phase for phase, part in zip(Phase, by_phase, strict=True) for a in part)
    assert all(a.owner in entry.roles for a in entry.actions)


def test_level_plan_helpers():
    entry = PLAN.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I)
    assert entry.duty_of(Role.LEGAL).label("zh") == "负责提供法律支持和风险防控"
    assert entry.duty_of(Role.LEADERSHIP_GROUP) is None
    assert entry.rule_for(Audience.INTERNAL) is None
    with pytest.raises(UnknownValueError, match="has no action 'fly'; actions: 'warning-notice'"):
        entry.action("fly")
    faster = attrs.evolve(entry.action("public-statement"), target=2 * H)
    changed = entry.with_action(faster)
    assert changed.action("public-statement").target == 2 * H
    assert [a.action_id for a in changed.actions] == [a.action_id for a in entry.actions]
    added = entry.with_action(
        PlannedAction("hold-line", Phase.RESPONSE, "Open a hotline", Role.CUSTOMER_SERVICE, H)
    )
    assert added.actions[-1].action_id == "hold-line"
    internal = CommunicationRule(Audience.INTERNAL, True, 2 * H, Role.OFFICE, None)
    assert entry.with_communication(internal).rule_for(Audience.INTERNAL) == internal
    stricter = attrs.evolve(entry.rule_for(Audience.MEDIA), cadence=2 * H)
    assert entry.with_communication(stricter).rule_for(Audience.MEDIA).cadence == 2 * H


def test_levels_with_replaces_entries_of_the_same_type_and_level():
    plan = _small_plan()
    other = _entry(Level.III, escalation=Escalation((Role.OFFICE,)))
    extra = _entry(Level.I, CrisisType.COMPLAINT)
    levels = plan.levels_with(other, extra)
    assert levels[2] is other
    assert levels[-1] is extra
    assert len(levels) == 5


@pytest.mark.parametrize(
    ("duration", "calendar", "en", "zh"),
    [
        (dt.timedelta(minutes=15), "24x7", "15 min", "15分钟"),
        (24 * H, "24x7", "24 h", "24小时"),
        (72 * H, "24x7", "3 days", "3天"),
        (8 * H, "working", "8 h of working time", "8小时（工作时间）"),
        (
            dt.timedelta(seconds=90),
            "cn-office",
            "90 s on calendar 'cn-office'",
            "90秒（cn-office 日历）",
        ),
    ],
)
def test_durations_read_naturally(duration, calendar, en, zh):
    assert duration_text(duration, calendar, "en") == en
    assert duration_text(duration, calendar, "zh-CN") == zh


# ---- construction refuses bad plans, naming the entry


def test_a_type_must_cover_every_level():
    partial = [_entry(lv, CrisisType.PRODUCT_QUALITY) for lv in (Level.I, Level.II, Level.IV)]
    with pytest.raises(
        PolicyError, match=r"^plan 'P-1' has no entry for level III of product_quality; "
    ):
        _small_plan(*partial)


def test_the_default_must_cover_every_level():
    levels = [_entry(lv, CrisisType.COMPLAINT) for lv in Level]
    with pytest.raises(PolicyError, match="has no entry for level I of the default"):
        _small_plan(levels=levels)


def test_an_entry_appears_once():
    with pytest.raises(PolicyError, match=r"\$\.levels\[4\] repeats the entry for level II"):
        _small_plan(_entry(Level.II))


def test_an_action_keeps_its_phase_at_every_level():
    moved = PlannedAction("contact", Phase.RECOVERY, "Call back", Role.CUSTOMER_SERVICE)
    levels = [_entry(lv) for lv in Level]
    levels[3] = _entry(Level.IV, actions=(moved,))
    with pytest.raises(
        PolicyError,
        match=r"\$\.levels\[3\]\.actions\[0\]\.phase: the action 'contact' is in phase recovery",
    ):
        _small_plan(levels=levels)


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"required_roles": ()}, PolicyError, r"required_roles must name at least one role"),
        (
            {
                "required_roles": (
                    RoleDuty.standard(Role.CUSTOMER_SERVICE),
                    RoleDuty(Role.CUSTOMER_SERVICE, "again"),
                )
            },
            PolicyError,
            r"required_roles\[1\]\.role repeats 'customer_service'",
        ),
        (
            {"actions": (PlannedAction("a", Phase.WARNING, "x", Role.LEGAL),)},
            PolicyError,
            r"actions\[0\]\.owner is 'legal', which level II of the default entry does not require",
        ),
        (
            {
                "actions": (
                    PlannedAction("a", Phase.WARNING, "x", Role.CUSTOMER_SERVICE),
                    PlannedAction("a", Phase.WARNING, "y", Role.CUSTOMER_SERVICE),
                )
            },
            PolicyError,
            r"actions\[1\]\.action_id repeats 'a'",
        ),
        (
            {"communications": (CommunicationRule(Audience.MEDIA, True, None, Role.LEGAL, None),)},
            PolicyError,
            r"communications\[0\]\.approver is 'legal'",
        ),
        (
            {
                "communications": (
                    CommunicationRule(Audience.MEDIA, True, None, Role.CUSTOMER_SERVICE, None),
                    CommunicationRule(Audience.MEDIA, False, H, Role.CUSTOMER_SERVICE, None),
                )
            },
            PolicyError,
            r"communications\[1\]\.audience repeats 'media'",
        ),
        ({"actions": "contact"}, ValidationError, r"LevelPlan\.actions must be a sequence"),
        ({"escalation": "GM"}, TypeError, "escalation"),
    ],
)
def test_a_level_plan_must_be_consistent(changes, error, match):
    with pytest.raises(error, match=match):
        _entry(Level.II, **changes)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: PlannedAction("", Phase.WARNING, "x", Role.OFFICE), "action_id must be 1-64"),
        (lambda: PlannedAction("a b", Phase.WARNING, "x", Role.OFFICE), "action_id must be 1-64"),
        (lambda: PlannedAction("a", "warnings", "x", Role.OFFICE), "phase must be a Phase"),
        (lambda: PlannedAction("a", Phase.WARNING, " ", Role.OFFICE), "description must not be"),
        (lambda: PlannedAction("a", Phase.WARNING, "x", None), "owner must be a Role"),
        (lambda: PlannedAction("a", Phase.WARNING, "x", Role.OFFICE, 0 * H), "positive"),
        (lambda: PlannedAction("a", Phase.WARNING, "x", Role.OFFICE, -H), "got -PT1H"),
        (lambda: PlannedAction("a", Phase.WARNING, "x", Role.OFFICE, 3600), "timedelta or None"),
        (
            lambda: PlannedAction("a", Phase.WARNING, "x", Role.OFFICE, MAX_DURATION + H),
            "at most 366 days",
        ),
        (
            lambda: PlannedAction("a", Phase.WARNING, "x", Role.OFFICE, H, "office hours"),
            "calendar must be 1-64",
        ),
        (
            lambda: CommunicationRule(Audience.MEDIA, "yes", None, Role.OFFICE, None),
            "required must be True or False",
        ),
        (
            lambda: CommunicationRule(Audience.MEDIA, True, dt.timedelta(0), Role.OFFICE, None),
            "cadence must be a positive duration",
        ),
        (
            lambda: CommunicationRule(Audience.MEDIA, True, None, Role.OFFICE, -H),
            "first_within must be a positive duration",
        ),
        (lambda: Escalation(()), "must name at least one role"),
        (lambda: Escalation((Role.OFFICE, Role.OFFICE)), "names a role twice"),
        (lambda: RoleDuty(Role.OFFICE, ""), "duty must not be empty"),
        (lambda: StandingMember(Role.OFFICE, ""), "name must not be empty"),
        (lambda: Revision("1.1", LATER, ()), "reasons must hold at least 1"),
        (lambda: Revision("1.1", LATER, "because"), "not a single string"),
        (lambda: Revision("1.1", LATER, ("ok",), ("",)), r"lessons\[0\] must not be empty"),
        (lambda: Revision("1.1", dt.datetime(2025, 6, 1), ("ok",)), "timezone-aware"),
    ],
)
def test_parts_refuse_bad_values(build, match):
    with pytest.raises(CrisisKitError, match=match):
        build()


def test_budgets_cover_every_category_in_one_currency():
    good = _cny().budgets
    with pytest.raises(CurrencyMismatchError, match="one currency"):
        Resources({**good, BudgetCategory.PR: Money(5, "USD")})
    with pytest.raises(ValidationError, match="missing: pr"):
        Resources({k: v for k, v in good.items() if k is not BudgetCategory.PR})
    with pytest.raises(ValidationError, match=r"budgets\['pr'\] must not be negative"):
        Resources({**good, BudgetCategory.PR: Money(-1, "CNY")})
    with pytest.raises(ValidationError, match=r"budgets\['pr'\] must be Money"):
        Resources({**good, BudgetCategory.PR: 100})
    with pytest.raises(UnknownValueError, match="key must be a BudgetCategory"):
        Resources({**good, "travel": Money(1, "CNY")})
    with pytest.raises(ValidationError, match="mapping of BudgetCategory"):
        Resources([Money(1, "CNY")])
    with pytest.raises(ValidationError, match=r"standing_team\[1\] repeats office"):
        Resources(good, standing_team=[StandingMember(Role.OFFICE, "Li")] * 2)
    with pytest.raises(ValidationError, match=r"supplies\[1\] repeats 'tools'"):
        Resources(good, supplies=["tools", "tools"])


def test_budgets_are_an_immutable_hashable_mapping_in_category_order():
    resources = Resources(
        {
            BudgetCategory.SUPPLIES: Money(1, "JPY"),
            BudgetCategory.COMPENSATION: Money(2, "JPY"),
            BudgetCategory.PR: Money(3, "JPY"),
        },
        standing_team=[StandingMember(Role.OFFICE, "Li"), StandingMember(Role.OFFICE, "Wang")],
    )
    assert isinstance(resources.budgets, Budgets)
    assert list(resources.budgets) == list(BudgetCategory)
    assert hash(resources) == hash(attrs.evolve(resources))
    assert resources.budgets == dict(resources.budgets)
    assert resources.total == Money(6, "JPY")
    assert resources.members(Role.OFFICE) == ("Li", "Wang")
    assert resources.members(Role.LEGAL) == ()
    with pytest.raises(TypeError):
        resources.budgets[BudgetCategory.PR] = Money(0, "JPY")


# ---- JSON


@settings(max_examples=30)
@given(cks.emergency_plans())
def test_plans_round_trip_through_json(plan):
    text = plan.to_json()
    back = EmergencyPlan.from_json(text)
    assert back == plan
    assert back.to_json() == text
    assert from_json(to_json(plan)) == plan


def test_a_saved_plan_file_reads_back(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(PLAN.to_json(), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert (data["type"], data["plan_id"], data["version"]) == (
        "EmergencyPlan",
        "CK-DEFAULT",
        "1.0",
    )
    assert data["resources"]["budgets"]["pr"] == {"amount": "100000", "currency": "CNY"}
    first = data["levels"][0]
    assert (first["crisis_type"], first["level"]) == (None, "I")
    assert first["actions"][0]["target"] == "PT15M"
    assert "发布预警通知" in text  # Chinese stays readable
    back = EmergencyPlan.from_json(path.read_bytes())
    assert back == PLAN
    assert back.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I) == PLAN.for_crisis(
        CrisisType.PRODUCT_QUALITY, Level.I
    )


def _broken(change):
    data = json.loads(PLAN.to_json())
    change(data)
    return json.dumps(data, ensure_ascii=False)


def _set(path, value):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


def _drop(path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return change


A0 = ("levels", 2, "actions", 0)
R0 = ("levels", 0, "communications", 0)


@pytest.mark.parametrize(
    ("change", "path", "match"),
    [
        (_drop((*A0, "owner")), "$.levels[2].actions[0].owner", "required field missing"),
        (_set((*A0, "owner"), "ceo"), "$.levels[2].actions[0].owner", "'ceo' is not a Role"),
        (_set((*A0, "owner"), None), "$.levels[2].actions[0].owner", "None is not a Role"),
        (_set((*A0, "owner"), "legal"), "$.levels[2].actions[0].owner", "does not require"),
        (_set((*A0, "target"), "PT0S"), "$.levels[2].actions[0].target", "positive"),
        (_set((*A0, "target"), "-PT1H"), "$.levels[2].actions[0].target", "got -PT1H"),
        (_set((*A0, "target"), "P400D"), "$.levels[2].actions[0].target", "at most 366 days"),
        (_set((*A0, "target"), "1 hour"), "$.levels[2].actions[0].target", "ISO 8601"),
        (_set((*A0, "target"), 3600), "$.levels[2].actions[0].target", "ISO 8601 string"),
        (_set((*A0, "phase"), "later"), "$.levels[2].actions[0].phase", "not a Phase"),
        (_set((*A0, "calendar"), ""), "$.levels[2].actions[0].calendar", "1-64"),
        (
            _set(("levels", 2, "actions", 1, "action_id"), "warning-notice"),
            "$.levels[2].actions[1].action_id",
            "repeats 'warning-notice'",
        ),
        (_set((*A0, "owner_role"), "office"), "$.levels[2].actions[0]", "unknown field"),
        (_set((*R0, "cadence"), "PT0S"), "$.levels[0].communications[0].cadence", "positive"),
        (
            _set((*R0, "first_within"), "-PT4H"),
            "$.levels[0].communications[0].first_within",
            "positive",
        ),
        (_set((*R0, "required"), "no"), "$.levels[0].communications[0].required", "true or false"),
        (
            _set((*R0, "approver"), "production_quality"),
            "$.levels[0].communications[0].approver",
            "does not require",
        ),
        (
            _set(("levels", 0, "communications", 1, "audience"), "customers"),
            "$.levels[0].communications[1].audience",
            "repeats 'customers'",
        ),
        (
            _set(("levels", 1, "required_roles", 1, "role"), "office"),
            "$.levels[1].required_roles[1].role",
            "repeats 'office'",
        ),
        (_set(("levels", 3, "required_roles"), []), "$.levels[3].required_roles", "at least one"),
        (
            _set(("levels", 0, "escalation", "inform"), []),
            "$.levels[0].escalation.inform",
            "at least one role",
        ),
        (_set(("levels", 0, "level"), "V"), "$.levels[0].level", "not a Level"),
        (
            _set(("resources", "budgets", "pr", "currency"), "USD"),
            "$.resources.budgets",
            "one currency",
        ),
        (_drop(("resources", "budgets", "pr")), "$.resources.budgets", "missing: pr"),
        (
            _set(("resources", "budgets", "pr", "amount"), "-1"),
            "$.resources.budgets['pr']",
            "must not be negative",
        ),
        (
            _set(("resources", "budgets", "travel"), {"amount": "1", "currency": "CNY"}),
            "$.resources.budgets['travel']",
            "not a BudgetCategory",
        ),
        (
            _set(("resources", "supplies"), ["tools", "tools"]),
            "$.resources.supplies[1]",
            "repeats 'tools'",
        ),
        (_set(("revisions", 0, "reasons"), []), "$.revisions[0].reasons", "at least 1"),
        (_set(("title",), " "), "$.title", "must not be empty"),
        (_set(("plan_id",), "my plan"), "$.plan_id", "1-64"),
        (_set(("effective_from",), "2025-01-01T00:00:00"), "$.effective_from", "no offset"),
    ],
)
def test_a_broken_file_names_the_path_of_the_bad_field(change, path, match):
    with pytest.raises(CrisisKitError) as caught:
        EmergencyPlan.from_json(_broken(change))
    message = str(caught.value)
    assert re.search(re.escape(path) + r"(?![\w.\[])", message), message
    assert match in message


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda d: d["levels"].pop(6),
            r"plan 'CK-DEFAULT' has no entry for level III of product_quality",
        ),
        (lambda d: d["levels"].pop(1), r"has no entry for level II of the default"),
        (
            _set(("levels", 5, "level"), "I"),
            r"\$\.levels\[5\] repeats the entry for level I of product_quality",
        ),
        (
            _set(("levels", 5, "actions", 0, "phase"), "recovery"),
            r"\$\.levels\[5\]\.actions\[0\]\.phase: the action 'warning-notice' is in phase recovery",
        ),
        (_set(("version",), "2.0"), r"\$\.version is '2\.0' but the last revision"),
        (
            _set(("effective_from",), "2025-02-01T00:00:00Z"),
            r"\$\.effective_from is .* but the last revision took effect",
        ),
        (_set(("revisions",), []), r"\$\.revisions must hold at least the current version"),
    ],
)
def test_an_inconsistent_file_names_the_entry(change, match):
    with pytest.raises(CrisisKitError, match=match):
        EmergencyPlan.from_json(_broken(change))


def test_a_file_of_another_type_is_refused():
    with pytest.raises(CrisisKitError, match="expected a EmergencyPlan; got a 'Money'"):
        EmergencyPlan.from_json(to_json(Money(1, "CNY")))


# ---- revisions


def test_a_new_plan_starts_with_its_first_issue():
    plan = _small_plan()
    assert plan.revisions == (Revision("1.0", plan.effective_from, ("first issue",)),)
    assert plan.current_revision is plan.revisions[-1]


def test_revising_after_a_review_links_the_lessons():
    entry = PLAN.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I)
    faster = entry.with_action(attrs.evolve(entry.action("legal-review"), target=2 * H))
    revised = PLAN.revise(
        version="1.1",
        effective_from=LATER,
        reasons=["legal review before the statement, not alongside it"],
        lessons=["CR-2025-0927/L1"],
        levels=PLAN.levels_with(faster),
    )
    assert (revised.version, revised.effective_from) == ("1.1", LATER)
    assert revised.revisions[:-1] == PLAN.revisions
    assert revised.current_revision == Revision(
        "1.1",
        LATER,
        ("legal review before the statement, not alongside it",),
        ("CR-2025-0927/L1",),
    )
    legal = revised.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I).action("legal-review")
    assert legal.target == 2 * H
    assert PLAN.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I).action("legal-review").target == (
        4 * H
    )
    assert EmergencyPlan.from_json(revised.to_json()) == revised
    assert "lessons: CR-2025-0927/L1" in revised.describe()


def test_a_revision_may_change_title_and_resources_and_take_effect_at_once():
    revised = PLAN.revise(
        version="2.0",
        effective_from=PLAN.effective_from,
        reasons=["annual review"],
        title="Plan 2026",
        resources=_cny(pr=5),
    )
    assert revised.label("en") == "Plan 2026"
    assert revised.budget(BudgetCategory.PR) == Money(5, "CNY")
    assert revised.plan_id == PLAN.plan_id


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"version": "1.0"}, PolicyError, "already had version '1.0'"),
        ({"version": "0.9"}, PolicyError, "does not come after the current version '1.0'"),
        ({"version": "1.0.0"}, PolicyError, "does not come after"),
        ({"version": "v 2"}, ValidationError, "version must be 1-64"),
        (
            {"effective_from": pendulum.datetime(2024, 12, 31, tz="UTC")},
            PolicyError,
            "cannot take effect",
        ),
        ({"effective_from": dt.datetime(2025, 6, 1)}, NaiveDatetimeError, "timezone-aware"),
        ({"reasons": []}, ValidationError, "reasons must hold at least 1"),
        ({"reasons": "drill"}, ValidationError, "not a single string"),
        ({"reasons": [" "]}, ValidationError, r"reasons\[0\] must not be empty"),
        ({"lessons": "L1"}, ValidationError, "not a single string"),
        ({"plan_id": "other"}, UnknownValueError, "cannot change 'plan_id'"),
        ({"revisions": ()}, UnknownValueError, "cannot change 'revisions'"),
        ({"levels": ()}, PolicyError, "has no entry for level I of the default"),
    ],
)
def test_revision_rules(kwargs, error, match):
    arguments = {"version": "1.1", "effective_from": LATER, "reasons": ["drill"], **kwargs}
    with pytest.raises(error, match=match):
        PLAN.revise(**arguments)
    assert EmergencyPlan.default() == PLAN


def test_versions_that_are_not_numbers_need_only_be_new():
    plan = PLAN.revise(version="2025-spring", effective_from=LATER, reasons=["drill"])
    plan = plan.revise(version="2025-autumn", effective_from=LATER, reasons=["drill"])
    assert [r.version for r in plan.revisions] == ["1.0", "2025-spring", "2025-autumn"]
    with pytest.raises(PolicyError, match="already had version '2025-spring'"):
        plan.revise(version="2025-spring", effective_from=LATER, reasons=["drill"])


def test_a_history_out_of_order_is_refused():
    first = Revision("1.0", LATER, ("first issue",))
    older = Revision("1.1", LATER.subtract(days=1), ("oops",))
    with pytest.raises(PolicyError, match=r"\$\.revisions\[1\]\.effective_from .* is earlier"):
        attrs.evolve(
            PLAN, version="1.1", effective_from=older.effective_from, revisions=(first, older)
        )
    again = Revision("1.0", LATER, ("again",))
    with pytest.raises(PolicyError, match=r"\$\.revisions\[1\] repeats the version '1\.0'"):
        attrs.evolve(PLAN, effective_from=LATER, revisions=(first, again))
    down = Revision("0.9", LATER, ("down",))
    with pytest.raises(PolicyError, match=r"\$\.revisions\[1\]\.version '0\.9' does not come"):
        attrs.evolve(PLAN, version="0.9", effective_from=LATER, revisions=(first, down))


@settings(max_examples=25)
@given(
    cks.emergency_plans(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=900)),
    st.lists(cks.texts(), min_size=1, max_size=3),
    st.lists(cks.texts(), max_size=3),
)
def test_every_revision_grows_the_history_by_one(plan, delay, reasons, lessons):
    major = int(plan.version.split(".")[0]) + 1
    revised = plan.revise(
        version=f"{major}.0",
        effective_from=plan.effective_from + delay,
        reasons=reasons,
        lessons=lessons,
    )
    assert revised.revisions == (*plan.revisions, revised.current_revision)
    assert revised.current_revision.reasons == tuple(reasons)
    assert revised.current_revision.lessons == tuple(lessons)
    assert (revised.levels, revised.resources) == (plan.levels, plan.resources)
    assert EmergencyPlan.from_json(revised.to_json()) == revised


def test_the_hand_written_example_file_reads():
    path = Path(__file__).parent.parent / "examples" / "minimal-plan.json"
    plan = EmergencyPlan.from_json(path.read_text(encoding="utf-8"))
    assert plan.plan_id == "MINI-1"
    assert plan.effective_from == pendulum.datetime(2024, 12, 31, 16, tz="UTC")
    assert plan.revisions == (Revision("1.0", plan.effective_from, ("first issue",)),)
    entry = plan.for_crisis(CrisisType.PRODUCT_QUALITY, Level.III)
    assert entry.action("contact-customers").calendar == "working"
    assert plan.for_crisis(CrisisType.COMPLAINT, Level.IV).actions == ()
    assert plan.for_crisis(CrisisType.COMPLAINT, Level.I).action("review").target == (
        dt.timedelta(days=14)
    )
    assert EmergencyPlan.from_json(plan.to_json()) == plan
