"""Commands as data: one frozen class per command, executed through the very method.

The classes are written by hand, so mypy sees their fields; the first tests keep them in
step with the methods — every registered command has exactly one class, with the method's
arguments under the same names, kinds, defaults and types — so they cannot drift.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import typing

import pytest
from hypothesis import given, settings
from lifecycle_support import REVIEW, T0, new_crisis, signal, snapshot

from crisiskit import Context, Crisis, CustomerRef, Facts, Level, Money, Role, SealingKey
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.crisis import commands
from crisiskit.crisis.commands import (
    COMMAND_TYPES,
    REGISTRY,
    UNSET,
    AddCustomers,
    AssessImpact,
    Assign,
    AttachSignal,
    CheckSla,
    Close,
    Command,
    Compensate,
    Detect,
    Dismiss,
    ErasePersonalData,
    Grade,
    HandleCustomer,
    HoldMeeting,
    MarkDuplicateOf,
    Merge,
    PauseSla,
    ReachMilestone,
    RecordCallback,
    RecordExpense,
    RecordQualityRemedy,
    RecordReview,
    Recover,
    Relapse,
    ReleaseStatement,
    Reopen,
    ReportProgress,
    Respond,
    ResumeSla,
    SetAttributes,
    SetLevel,
    SetRecoveryPlan,
    Unassign,
    Unmerge,
    Unset,
    UpdateFacts,
    UpdateImprovement,
    Warn,
)
from crisiskit.errors import (
    ConcurrencyError,
    InvalidTransition,
    SerializationError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.grading import POLICIES, policy_by_name
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import ImpactAssessment, ImpactFigures, Milestone, RecoveryPlan
from crisiskit.serialization import from_dict, from_json, to_dict, to_json
from crisiskit.sla import SlaPolicy
from crisiskit.testing import ManualClock, SeededEntropy
from crisiskit.testing import strategies as cks
from crisiskit.values.attributes import AttributeSchema, Tags, Text

# Where a command object differs from its method, and why. A method argument that is a live
# object is held as data: the other crisis by its id, the grading policy by its name.
HELD_AS_DATA = {
    ("mark_duplicate_of", "canonical"): ("canonical_id", str),
    ("merge", "other"): ("other_id", str),
    ("unmerge", "other"): ("other_id", str),
    ("grade", "policy"): ("policy", str),
}
# Deprecated argument names have no field: a new format does not start with old names.
DEPRECATED = {("handle_customer", "due")}

FACTS = inspect.signature(Facts).parameters
# Facts.__init__ takes what its converters take (time: any aware datetime).
FACT_TYPES = typing.get_type_hints(
    Facts.__init__, globalns={**vars(inspect.getmodule(Facts)), "dt": dt}
)


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def types_of(annotation: object) -> frozenset[object]:
    """A union as the set of its members (``X | None`` and ``None | X`` are one type)."""
    if typing.get_origin(annotation) in (typing.Union, type(int | None)):
        return frozenset(typing.get_args(annotation))
    return frozenset({annotation})


def expected_parameters(name: str, function: object, skip: set[str]) -> list[tuple]:
    """What the command object of ``name`` must take: the method's parameters, as data."""
    hints = typing.get_type_hints(function)
    expected = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in skip or (name, parameter.name) in DEPRECATED:
            continue
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            # update_facts(**changes): one keyword-only field per fact, UNSET until given.
            assert name == "update_facts", name
            expected += [
                (
                    fact,
                    inspect.Parameter.KEYWORD_ONLY,
                    UNSET,
                    types_of(FACT_TYPES[fact]) | {Unset},
                )
                for fact in FACTS
            ]
            continue
        field, annotation = HELD_AS_DATA.get((name, parameter.name), (parameter.name, None))
        expected.append(
            (
                field,
                parameter.kind,
                parameter.default,
                types_of(hints[parameter.name] if annotation is None else annotation),
            )
        )
    return expected


def actual_parameters(cls: type) -> list[tuple]:
    hints = typing.get_type_hints(cls.__init__)
    return [
        (p.name, p.kind, p.default, types_of(hints[p.name]))
        for p in inspect.signature(cls).parameters.values()
    ]


def sort_keyword_only(parameters: list[tuple]) -> list[tuple]:
    """Positional parameters in order, then the keyword-only ones by name (their order is free)."""
    positional = [p for p in parameters if p[1] is not inspect.Parameter.KEYWORD_ONLY]
    keyword = sorted((p for p in parameters if p[1] is inspect.Parameter.KEYWORD_ONLY), key=str)
    return positional + keyword


def test_every_registered_command_and_detect_has_exactly_one_class():
    assert set(COMMAND_TYPES) == set(REGISTRY)
    for name, cls in COMMAND_TYPES.items():
        assert cls.command == name
        assert cls.__name__ == camel(name)
        assert issubclass(cls, Command)
        assert getattr(commands, cls.__name__) is cls
        assert cls.__name__ in commands.__all__
    assert Detect.command == "detect"
    assert not issubclass(Detect, Command)
    classes = [
        value
        for value in vars(commands).values()
        if isinstance(value, type) and (issubclass(value, Command) or value is Detect)
    ]
    assert sorted(c.__name__ for c in classes if c is not Command) == sorted(
        [c.__name__ for c in COMMAND_TYPES.values()] + ["Detect"]
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_class_takes_what_its_method_takes(name):
    cls = COMMAND_TYPES[name]
    method = getattr(Crisis, name)
    expected = expected_parameters(name, method, skip={"self"})
    assert sort_keyword_only(actual_parameters(cls)) == sort_keyword_only(expected)
    # The domain arguments come first, in the method's order; then the shape's three.
    assert [p[0] for p in actual_parameters(cls)] == [p[0] for p in expected]


def test_detect_takes_what_crisis_detect_takes_but_the_context():
    expected = expected_parameters("detect", Crisis.detect, skip={"context"})
    assert actual_parameters(Detect) == expected


def test_the_check_finds_a_drifted_class():
    # A method that gained an argument, or changed a default: the comparison sees it.
    def assign(
        self,
        role: Role | str,
        person: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        note: str = "",
    ):
        raise NotImplementedError

    def set_level(
        self,
        level: Level | str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ):
        raise NotImplementedError

    assert sort_keyword_only(actual_parameters(Assign)) != sort_keyword_only(
        expected_parameters("assign", assign, skip={"self"})
    )
    assert sort_keyword_only(actual_parameters(SetLevel)) != sort_keyword_only(
        expected_parameters("set_level", set_level, skip={"self"})
    )


@pytest.mark.parametrize("cls", [*COMMAND_TYPES.values(), Detect], ids=lambda c: c.__name__)
def test_each_class_round_trips_through_json(cls):
    @settings(max_examples=40)
    @given(cks.for_type(cls))
    def round_trip(command):
        text = to_json(command)
        back = from_json(text, cls)
        assert type(back) is cls
        assert back == command
        assert to_json(back) == text
        assert from_dict(to_dict(command)) == command

    round_trip()


def test_the_serialised_form_names_the_class_and_holds_the_fields():
    command = Assign(Role.LEGAL, "wang", actor="office")
    assert to_dict(command) == {
        "type": "Assign",
        "schema_version": 1,
        "role": Role.LEGAL,
        "person": "wang",
        "actor": "office",
        "reason": None,
        "expected_version": None,
    }
    assert json_of(command)["role"] == "legal"
    # update_facts writes only the facts given; None makes a fact unknown again.
    facts = UpdateFacts(actor="li", place="Pudong store", customers_affected=None)
    assert {k: v for k, v in json_of(facts).items() if k not in {"type", "schema_version"}} == {
        "actor": "li",
        "reason": None,
        "expected_version": None,
        "place": "Pudong store",
        "customers_affected": None,
    }
    assert from_json(to_json(facts)).changes == {
        "place": "Pudong store",
        "customers_affected": None,
    }


def json_of(command):
    return json.loads(to_json(command))


def test_fields_read_codes_and_labels_as_the_methods_do():
    assert Assign("法务部门", "wang", actor="office").role is Role.LEGAL
    assert SetLevel("二级", actor="li", reason="risk matrix").level is Level.II
    assert PauseSla(metrics=["acknowledge"], actor="cs", reason="waiting").metrics[0].value == (
        "acknowledge"
    )
    with pytest.raises(UnknownValueError, match=r"Assign\.role"):
        Assign("boss", "wang", actor="office")
    with pytest.raises(SerializationError, match=r"'boss' is not a Role.* @ \$\.role"):
        from_dict(
            {"type": "Assign", "schema_version": 1, "role": "boss", "person": "w", "actor": "o"}
        )
    with pytest.raises(SerializationError, match=r"unknown field\(s\) 'colour'"):
        from_dict({"type": "UpdateFacts", "schema_version": 1, "actor": "o", "colour": "red"})


def _run_of_commands():
    """A crisis from detection to close: each command as a call and as a command object."""
    return [
        (
            lambda c: c.attach_signal(signal("Douyin video", "C-2"), actor="monitor"),
            AttachSignal(signal("Douyin video", "C-2"), actor="monitor"),
        ),
        (
            lambda c: c.add_customers([CustomerRef("C-3")], actor="cs"),
            AddCustomers([CustomerRef("C-3")], actor="cs"),
        ),
        (
            lambda c: c.update_facts(actor="li", place="Pudong", customers_affected=3),
            UpdateFacts(actor="li", place="Pudong", customers_affected=3),
        ),
        (
            lambda c: c.grade(policy_by_name("risk-matrix@1"), factors=FACTORS, actor="li"),
            Grade("risk-matrix@1", factors=FACTORS, actor="li"),
        ),
        (
            lambda c: c.set_level("I", actor="li", reason="national media"),
            SetLevel("I", actor="li", reason="national media"),
        ),
        (lambda c: c.warn(actor="office"), Warn(actor="office")),
        (lambda c: c.acknowledge(actor="office"), commands.Acknowledge(actor="office")),
        (
            lambda c: c.assign(Role.OFFICE, "li", actor="office"),
            Assign(Role.OFFICE, "li", actor="office"),
        ),
        (
            lambda c: c.assign("customer_service", "zhao", actor="office"),
            Assign("customer_service", "zhao", actor="office"),
        ),
        (
            lambda c: c.hold_meeting("status", attendees=["li", "zhao"], actor="li"),
            HoldMeeting("status", attendees=("li", "zhao"), actor="li"),
        ),
        (
            lambda c: c.respond(actor="gm", expected_version=c.version),
            lambda c: Respond(actor="gm", expected_version=c.version),
        ),
        (
            lambda c: c.handle_customer(
                "C-1", "promised", note="refund", due_at=T0.add(days=1), actor="zhao"
            ),
            HandleCustomer("C-1", "promised", note="refund", due_at=T0.add(days=1), actor="zhao"),
        ),
        (
            lambda c: c.release_statement(
                "customers",
                "We are sorry.",
                medium="sms",
                approved_by="li",
                approver_role="office",
                actor="zhao",
            ),
            ReleaseStatement(
                "customers",
                "We are sorry.",
                medium="sms",
                approved_by="li",
                approver_role="office",
                actor="zhao",
            ),
        ),
        (
            lambda c: c.compensate(
                "refund", Money("39.90", "CNY"), customer_id="C-1", actor="zhao"
            ),
            Compensate("refund", Money("39.90", "CNY"), customer_id="C-1", actor="zhao"),
        ),
        (
            lambda c: c.record_expense(
                "pr", Money("1200", "CNY"), note="press briefing", actor="li"
            ),
            RecordExpense("pr", Money("1200", "CNY"), note="press briefing", actor="li"),
        ),
        (
            lambda c: c.record_quality_remedy(REMEDY, actor="qa"),
            RecordQualityRemedy(REMEDY, actor="qa"),
        ),
        (
            lambda c: c.set_attributes(
                {"crm_ticket": "TK-20250927", "tags": ["recall"]}, actor="cs"
            ),
            SetAttributes({"crm_ticket": "TK-20250927", "tags": ["recall"]}, actor="cs"),
        ),
        (
            lambda c: c.report_progress("refunds under way", actor="li"),
            ReportProgress("refunds under way", actor="li"),
        ),
        (
            lambda c: c.erase_personal_data("C-3", actor="dpo", reason="the customer asked"),
            ErasePersonalData("C-3", actor="dpo", reason="the customer asked"),
        ),
        (
            lambda c: c.unassign("customer_service", "zhao", actor="office", reason="shift ended"),
            Unassign("customer_service", "zhao", actor="office", reason="shift ended"),
        ),
        (lambda c: c.recover(actor="gm"), Recover(actor="gm")),
        (
            lambda c: c.relapse(actor="gm", reason="a second batch"),
            Relapse(actor="gm", reason="a second batch"),
        ),
        (lambda c: c.recover(actor="gm"), Recover(actor="gm")),
        (lambda c: c.set_recovery_plan(PLAN, actor="li"), SetRecoveryPlan(PLAN, actor="li")),
        (
            lambda c: c.reach_milestone("shelves restocked", actor="li"),
            ReachMilestone("shelves restocked", actor="li"),
        ),
        (lambda c: c.assess_impact(IMPACT, actor="li"), AssessImpact(IMPACT, actor="li")),
        (
            lambda c: c.record_callback("C-1", 4, comments="fine now", actor="cs"),
            RecordCallback("C-1", 4, comments="fine now", actor="cs"),
        ),
        (lambda c: c.record_review(REVIEW, actor="li"), RecordReview(REVIEW, actor="li")),
        (
            lambda c: c.close("refunded; line fixed", actor="gm"),
            Close("refunded; line fixed", actor="gm"),
        ),
        (
            lambda c: c.update_improvement(1, status="done", actor="li"),
            UpdateImprovement("improvement-1", status="done", actor="li"),
        ),
        (
            lambda c: c.reopen(actor="cs", reason="the customer called back"),
            Reopen(actor="cs", reason="the customer called back"),
        ),
    ]


REMEDY = QualityRemedy(
    root_cause="a cracked seal on filling line 3",
    responsible_party="line 3 maintenance",
    remedies=("recall",),
)
PLAN = RecoveryPlan(
    goals=("win back the buyers of batch 0925",),
    measures=("a discount for every buyer",),
    milestones=(Milestone("shelves restocked", T0.add(days=3)),),
)
IMPACT = ImpactAssessment(
    ImpactFigures(sales=Money("100000", "CNY")), ImpactFigures(sales=Money("80000", "CNY"))
)


FACTORS = {
    "severity": 3,
    "scope": 3,
    "trend": 4,
    "brand_damage": 4,
    "customer_loss": 3,
    "economic_loss": 2,
    "legal_risk": 3,
}


def _twin_crises():
    """Two identical crises on identical clocks, one per way of commanding."""
    made = []
    for _ in range(2):
        clock = ManualClock(T0)
        context = Context(
            clock,
            sla=SlaPolicy.default(TWENTY_FOUR_SEVEN),
            keys=SealingKey("test", bytes(range(100, 132))),
            entropy=SeededEntropy(7),
            attributes=AttributeSchema(
                Text("crm_ticket", "CRM ticket", "CRM 工单"), Tags("tags", "tags", "标签")
            ),
        )
        made.append((new_crisis(clock=clock, context=context), clock))
    return made


def test_execute_records_the_very_events_the_methods_record():
    (by_method, clock_a), (by_command, clock_b) = _twin_crises()
    for call, as_data in _run_of_commands():
        clock_a.advance(minutes=7)
        clock_b.advance(minutes=7)
        command = as_data(by_command) if callable(as_data) else as_data
        expected = call(by_method)
        got = by_command.execute(command)
        assert type(got) is type(expected)
        assert to_dict(got) == to_dict(expected)  # every field, the hash and the event id too
        assert by_command.pull_events() == by_method.pull_events()  # the follow-ups too
    assert by_command == by_method
    assert by_command.state.value == "responding"
    assert {type(c).__name__ for _, c in _run_of_commands() if not callable(c)} | {"Respond"} >= {
        cls.__name__ for cls in COMMAND_TYPES.values()
    } - {
        "Dismiss",
        "PauseSla",
        "ResumeSla",
        "CheckSla",
        "Merge",
        "Unmerge",
        "MarkDuplicateOf",
        # The plan's actions need a plan; tests/test_planned_actions.py runs them both ways.
        "StartAction",
        "CompleteAction",
    }
    # check_sla applies in every state, and has a default actor.
    assert by_command.execute(CheckSla()) == by_method.check_sla()


def test_execute_returns_the_event_typed_as_the_command_says():
    crisis = new_crisis()
    event = crisis.execute(SetLevel(Level.III, actor="li", reason="three callers"))
    assert event.new_level is Level.III
    assert crisis.pending_events[-1] is event


def test_a_refused_execute_changes_nothing():
    crisis = new_crisis()
    before = snapshot(crisis)
    with pytest.raises(InvalidTransition, match=r"cannot recover .* allowed now: warn"):
        crisis.execute(Recover(actor="gm"))
    with pytest.raises(ConcurrencyError, match="not 7"):
        crisis.execute(Warn(actor="office", expected_version=7))
    with pytest.raises(ValidationError, match=r"dismiss\(reason\)"):
        crisis.execute(Dismiss(actor="office", reason="  "))
    with pytest.raises(UnknownValueError, match="no grading policy called 'acme'"):
        crisis.execute(Grade("acme@1", actor="li"))
    with pytest.raises(ValidationError, match=r"names crisis 'CR-9': pass it to execute\(\)"):
        crisis.execute(Merge("CR-9", actor="office"))
    assert snapshot(crisis) == before


def test_an_unknown_command_type_is_refused_with_the_command_objects():
    crisis = new_crisis()
    before = snapshot(crisis)
    for wrong, named in [
        ("warn", "str"),
        (Facts(), "Facts"),
        (Detect(crisis_id="CR-2", crisis_type="complaint", title="t", actor="cs"), "Detect"),
    ]:
        with pytest.raises(UnknownValueError) as raised:
            crisis.execute(wrong)
        message = str(raised.value)
        assert f"got {named}" in message
        assert re.search(r"Command objects: Acknowledge, AddCustomers, .*, Warn$", message)
    assert "Detect.run(context)" in message
    assert snapshot(crisis) == before


def test_detect_run_opens_the_crisis_detect_opens():
    by_method = new_crisis(clock=ManualClock(T0), crisis_id="CR-7")
    command = Detect(
        crisis_id="CR-7",
        crisis_type="product_quality",
        title="Foreign object in yoghurt",
        actor="monitor",
        signals=[signal()],
    )
    by_command = command.run(Context(ManualClock(T0)))
    assert by_command.pull_events() == by_method.pull_events()
    assert from_json(to_json(command)) == command


def test_merges_find_the_other_crisis_in_the_crises_given():
    context = Context(ManualClock(T0))
    a, b, c = (new_crisis(context=context, crisis_id=f"CR-{n}") for n in (1, 2, 3))
    before = snapshot(a), snapshot(b)
    with pytest.raises(ConcurrencyError, match="not 7"):
        a.execute(Merge("CR-2", actor="office", other_expected_version=7), crises={"CR-2": b})
    assert (snapshot(a), snapshot(b)) == before
    merged = a.execute(Merge("CR-2", actor="office", other_expected_version=1), crises={"CR-2": b})
    assert merged.source_id == "CR-2"
    assert b.merged_into is not None
    with pytest.raises(ValidationError, match=r"crises\['CR-3'\] is crisis 'CR-2'"):
        a.execute(Unmerge("CR-3", actor="office", reason="x"), crises={"CR-3": b})
    undone = a.execute(Unmerge("CR-2", actor="office", reason="another batch"), crises={"CR-2": b})
    assert undone.source_id == "CR-2"
    marked = c.execute(MarkDuplicateOf("CR-1", actor="office"), crises={"CR-1": a})
    assert marked.canonical_id == "CR-1"


def test_grade_builds_its_policy_from_the_registry_given():
    from crisiskit.grading import Bilingual, GradingPolicy
    from crisiskit.grading.policy import Grade as Decided

    class Acme(GradingPolicy, name="acme", version="2"):
        def grade(self, inputs):
            return Decided.decided(
                Level.II, score=2.0, rule="acme", decision=Bilingual("acme", "acme")
            )

    crisis = new_crisis()
    event = crisis.execute(Grade("acme@2", actor="li"), policies={**POLICIES, "acme": Acme})
    assert event.assessment.policy == "acme@2"


def test_resume_sla_and_pause_sla_as_data():
    (crisis, _), _ = _twin_crises()
    crisis.execute(SetLevel(Level.III, actor="li", reason="first look"))
    crisis.execute(PauseSla(metrics=["acknowledge"], actor="cs", reason="waiting"))
    assert crisis.execute(ResumeSla(actor="cs")).changes


def test_command_objects_take_a_hosts_own_vocabulary():
    from crisiskit import CrisisType
    from crisiskit.testing import vocabulary_scope

    with vocabulary_scope():
        finance = Role.register(
            "finance", en="finance", zh="财务部门", duties_en="funds", duties_zh="资金"
        )
        CrisisType.register("financial_risk", en="financial risk", zh="金融风险")
        detect = Detect(
            crisis_id="CR-8", crisis_type="金融风险", title="A bank run rumour", actor="monitor"
        )
        assign = Assign("财务部门", "qian", actor="office")
        assert assign.role is finance
        assert from_json(to_json(assign)) == assign
        assert from_json(to_json(detect)) == detect
        crisis = detect.run(Context(ManualClock(T0)))
        assert crisis.crisis_type.value == "financial_risk"
        assert crisis.execute(assign).assignment.role is finance
