import inspect
import re
import typing

import attrs
import pendulum
import pytest

from crisiskit import CrisisState, Level
from crisiskit.app.scenario import Scenario, ScenarioError, Step, simulate
from crisiskit.app.scenarios import load
from crisiskit.errors import SerializationError, ValidationError
from crisiskit.serialization import from_dict

START = pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai")


def scenario(*steps, **kwargs):
    data = {
        "type": "Scenario",
        "schema_version": 1,
        "name": "test",
        "start": "2025-09-27T20:00:00+08:00[Asia/Shanghai]",
        "crisis_id": "CR-T",
        "crisis_type": "complaint",
        "title": "late deliveries",
        "steps": [
            {
                "do": "detect",
                "actor": "cs",
                "args": {"signals": [{"channel": "hotline", "description": "caller"}]},
            },
            *steps,
        ],
        **kwargs,
    }
    return from_dict(data, Scenario)


def test_steps_run_at_their_times_and_signals_default_to_the_step_time():
    result = simulate(
        scenario(
            {
                "after": "PT10M",
                "do": "set_level",
                "actor": "a",
                "args": {"level": "III", "reason": "three callers"},
            },
            {"after": "PT5M", "do": "warn", "actor": "office"},
            {"at": "2025-09-28T09:00:00+08:00[Asia/Shanghai]", "do": "respond", "actor": "gm"},
        )
    )
    assert result.crisis.signals[0].observed_at == START
    assert [e.occurred_at for e in result.events] == [
        START,
        START.add(minutes=10),
        START.add(minutes=15),
        START.add(hours=13),
    ]
    assert result.crisis.state is CrisisState.RESPONDING
    assert result.crisis.level is Level.III


def test_unexpected_refusal_names_the_step():
    with pytest.raises(
        ScenarioError, match=r"step 1 \(recover by gm\) was refused: InvalidTransition"
    ):
        simulate(scenario({"do": "recover", "actor": "gm"}))


def test_expected_refusal_is_recorded_and_an_unrefused_one_fails():
    result = simulate(scenario({"do": "recover", "actor": "gm", "expect": "refused"}))
    assert [(r.step, r.command, r.expected) for r in result.refusals] == [(1, "recover", True)]
    with pytest.raises(ScenarioError, match="expected to be refused"):
        simulate(scenario({"do": "warn", "actor": "gm", "expect": "refused"}))


@pytest.mark.parametrize(
    ("step", "match"),
    [
        ({"do": "fly"}, "Step.do must be a crisis command"),
        ({"do": "warn", "after": "PT-5M"}, "duration"),
        (
            {"do": "set_level", "args": {"level": "V", "reason": "x"}},
            r"'V' is not a Level.* @ \$\.steps\[1\]\.args\.level",
        ),
        ({"do": "set_level", "args": {"level": "II"}}, r"set_level needs reason"),
        ({"do": "warn", "args": {"colour": "red"}}, r"warn has no argument 'colour'"),
        (
            {
                "do": "compensate",
                "args": {"kind": "refund", "amount": {"amount": "1.5", "currency": "XYZ"}},
            },
            r"ISO 4217.* @ \$\.steps\[1\]\.args\.amount",
        ),
        (
            {
                "do": "compensate",
                "args": {"kind": "refund", "amount": {"amount": 1.5, "currency": "CNY"}},
            },
            r"exact amount.* @ \$\.steps\[1\]\.args\.amount\.amount",
        ),
        ({"do": "update_facts", "args": {"colour": "red"}}, "no fact 'colour'"),
    ],
)
def test_bad_steps_are_named_by_path(step, match):
    with pytest.raises((SerializationError, ValidationError), match=match):
        simulate(scenario(step))


def test_a_scenario_must_start_with_detect():
    with pytest.raises(SerializationError, match="first step must be 'detect'"):
        from_dict(
            {
                "type": "Scenario",
                "schema_version": 1,
                "name": "x",
                "start": "2025-01-01T00:00:00Z",
                "crisis_id": "C",
                "crisis_type": "other",
                "title": "t",
                "steps": [{"do": "warn"}],
            }
        )
    with pytest.raises(ValidationError, match="not both"):
        Step(do="warn", at=START, after=pendulum.duration(minutes=1))


def test_until_stops_before_later_steps():
    result = simulate(
        scenario(
            {"after": "PT1H", "do": "warn", "actor": "o"},
            {"after": "PT1H", "do": "respond", "actor": "gm"},
        ),
        until=START.add(minutes=90),
    )
    assert result.crisis.state is CrisisState.WARNED
    assert result.ended_at == START.add(minutes=90)


def test_the_built_in_scenario_replays_and_sweeps_at_due_instants():
    from crisiskit.calendar import china_working_calendar
    from crisiskit.plan import EmergencyPlan
    from crisiskit.sla import SlaPolicy

    story = load("food_safety")
    result = simulate(
        story,
        plan=EmergencyPlan.default(),
        sla=SlaPolicy.default(china_working_calendar([2025, 2026])),
    )
    events = list(result.events)
    alerts = [(events[i - 1], e) for i, e in enumerate(events) if e.name == "SlaAlertsRaised"]
    assert alerts
    # No alert is recorded before it fell due; a sweep (not the follow-up of a command at
    # the same instant) is recorded at the instant its alert fell due.
    for before, event in alerts:
        assert event.occurred_at >= max(a.due_at for a in event.alerts)
        if before.occurred_at < event.occurred_at:
            assert event.occurred_at == max(a.due_at for a in event.alerts)
    assert any(before.occurred_at < event.occurred_at for before, event in alerts)
    assert result.crisis.state is CrisisState.CLOSED
    assert len(result.refusals) == 2


def test_the_chinese_demo_tells_the_same_story():
    en, zh = load("food_safety"), load("food_safety_zh")
    assert [(s.do, s.actor, s.at, s.after, s.expect) for s in en.steps] == [
        (s.do, s.actor, s.at, s.after, s.expect) for s in zh.steps
    ]
    assert (en.start, en.crisis_type, en.crisis_id) == (zh.start, zh.crisis_type, zh.crisis_id)
    assert zh.title == "0925批次酸奶异物事件"


def _unreadable_fields(cls, skip=frozenset()):
    """The fields of command class ``cls`` a scenario step could not give, with why."""
    import attrs
    from cattrs.errors import StructureHandlerNotFoundError

    from crisiskit.serialization import _converter

    try:
        hints = typing.get_type_hints(cls)
    except NameError as error:
        return [f"{cls.__name__}: {error}"]
    problems = []
    for field in attrs.fields(cls):
        if field.name in skip:
            continue
        if field.name not in hints:
            problems.append(f"{cls.__name__}.{field.name}: no type")
            continue
        try:
            _converter().get_structure_hook(hints[field.name])
        except StructureHandlerNotFoundError as error:
            problems.append(f"{cls.__name__}.{field.name}: {error}")
    return problems


def test_every_step_command_has_readable_argument_types():
    from crisiskit import Facts
    from crisiskit.app.scenario import STEP_COMMANDS, _command_type
    from crisiskit.crisis.commands import UpdateFacts

    problems = []
    for command in sorted(STEP_COMMANDS):
        cls = _command_type(command)
        # update_facts reads its facts as Facts does (checked below).
        skip = set(inspect.signature(Facts).parameters) if cls is UpdateFacts else ()
        problems += _unreadable_fields(cls, skip)
    problems += _unreadable_fields(Facts)
    assert problems == []


def test_the_argument_check_finds_unreadable_arguments():
    import attrs

    @attrs.frozen
    class Unresolved:
        known: int
        later: "NotDefinedAnywhere"  # noqa: F821

    @attrs.frozen
    class Opaque:
        thing: object

    @attrs.frozen
    class Fine:
        known: int

    untyped = attrs.make_class("Untyped", {"known": attrs.field(type=int), "loose": attrs.field()})

    assert _unreadable_fields(Unresolved) == [
        "Unresolved: name 'NotDefinedAnywhere' is not defined"
    ]
    assert _unreadable_fields(untyped) == ["Untyped.loose: no type"]
    assert [p.split(":")[0] for p in _unreadable_fields(Opaque)] == ["Opaque.thing"]
    assert _unreadable_fields(Fine) == []


def test_a_step_may_name_a_host_policy_when_the_registry_has_it():
    from crisiskit.grading import POLICIES, Bilingual, GradingPolicy
    from crisiskit.grading.policy import Grade

    class Acme(GradingPolicy, name="acme", version="2"):
        def grade(self, inputs):
            return Grade.decided(
                Level.II, score=2.0, rule="acme", decision=Bilingual("acme", "acme")
            )

    story = scenario({"do": "grade", "actor": "a", "args": {"policy": "acme@2"}})
    with pytest.raises(ScenarioError, match="no grading policy called 'acme'"):
        simulate(story)
    result = simulate(story, policies={**POLICIES, "acme": Acme})
    assert result.crisis.level is Level.II
    assert result.crisis.assessment.policy == "acme@2"


def test_steps_are_command_objects():
    from crisiskit import Role
    from crisiskit.crisis.commands import (
        Assign,
        Detect,
        Grade,
        HandleCustomer,
        SetLevel,
        Warn,
    )

    story = scenario(
        {"after": "PT10M", "do": "grade", "actor": "a", "args": {"factors": {"severity": 3}}},
        {"do": "set_level", "actor": "a", "args": {"level": "II", "reason": "three callers"}},
        {"after": "PT5M", "do": "warn", "actor": "office"},
        {"do": "assign", "actor": "office", "args": {"role": "office", "person": "li"}},
        {
            "do": "handle_customer",
            "actor": "cs",
            "args": {"customer_id": "C-1", "step": "promised", "note": "refund", "due_at": "PT24H"},
        },
    )
    detect, grade, set_level, warn, assign, promise = story.commands()
    assert detect == Detect(
        crisis_id="CR-T",
        crisis_type="complaint",
        title="late deliveries",
        actor="cs",
        signals=[_signal_at(START)],
    )
    assert grade == Grade("risk-matrix", factors={"severity": 3}, actor="a")
    assert story.commands(grading="acme@2")[1].policy == "acme@2"
    assert set_level == SetLevel("II", actor="a", reason="three callers")
    assert warn == Warn(actor="office")
    assert assign == Assign(Role.OFFICE, "li", actor="office")
    assert promise == HandleCustomer(
        "C-1", "promised", note="refund", due_at=START.add(minutes=15, hours=24), actor="cs"
    )
    assert story.times()[-1] == START.add(minutes=15)


def _signal_at(at):
    from crisiskit import Signal

    return Signal("hotline", at, "caller")


def test_a_step_may_give_an_expected_version():
    result = simulate(
        scenario(
            {"do": "warn", "actor": "office", "args": {"expected_version": 7}, "expect": "refused"},
            {"do": "warn", "actor": "office", "args": {"expected_version": 1}},
        )
    )
    assert [(r.step, r.error.split(":")[0]) for r in result.refusals] == [(1, "ConcurrencyError")]
    assert result.crisis.state is CrisisState.WARNED


@pytest.mark.parametrize(
    ("step", "match"),
    [
        (
            {"do": "fly"},
            r"Step.do must be a crisis command a scenario can run; got 'fly'\. "
            r"Allowed: acknowledge, add_customers, .*, warn @ \$\.steps\[1\]\.do$",
        ),
        ({"do": "merge", "args": {"other_id": "CR-2"}}, "needs a second crisis"),
        ({"do": "warn", "args": {"actor": "gm"}}, r"warn takes 'actor' from the step"),
        (
            {
                "do": "handle_customer",
                "args": {"customer_id": "C-1", "step": "received", "due": "PT1H"},
            },
            r"\$\.steps\[1\]\.args: 'due' is the name before 0\.2 of handle_customer's 'due_at'; "
            r"a file of scenario format 2 takes today's names",
        ),
    ],
)
def test_bad_commands_are_refused_with_what_is_allowed(step, match):
    with pytest.raises((SerializationError, ValidationError), match=match):
        simulate(scenario(step, format=2))


def test_format_2_refuses_the_names_of_before_0_2_with_a_hint():
    with pytest.raises(
        SerializationError,
        match=r"\$\.steps\[1\]\.do: 'regrade' is the name before 0\.2 of 'set_level'; a file "
        r"of scenario format 2 takes today's names \(a file without \"format\" is read",
    ):
        scenario({"do": "regrade", "args": {"level": "II", "reason": "x"}}, format=2)


def test_a_step_built_in_python_warns_of_the_names_of_before_0_2():
    with pytest.warns(
        DeprecationWarning, match=r"Step\(do='regrade'\) is now Step\(do='set_level'\)"
    ):
        step = Step(do="regrade", actor="li", args={"level": "II", "reason": "risk matrix"})
    assert step.do == "set_level"
    promise = Step(
        do="handle_customer",
        actor="cs",
        args={"customer_id": "C-1", "step": "promised", "note": "refund", "due": "PT2H"},
    )
    story = scenario({"do": "add_customers", "args": {"customers": [{"customer_id": "C-1"}]}})
    story = attrs.evolve(story, steps=(*story.steps, step, promise))
    with pytest.warns(
        DeprecationWarning, match="Step args 'due' of handle_customer is now 'due_at'"
    ):
        result = simulate(story)
    assert result.crisis.level is Level.II
    assert result.crisis.case("C-1").promises[0].due_at == START.add(hours=2)
    both = attrs.evolve(promise, args={**promise.args, "due_at": "PT1H"})
    with pytest.raises(SerializationError, match=r"takes 'due_at' or 'due' .*, not both"):
        attrs.evolve(story, steps=(*story.steps[:-1], both)).commands()


def test_a_format_1_file_is_read_with_the_old_names():
    # Written before 0.2: regrade, release and handle_customer(due=).
    old = scenario(
        {"do": "regrade", "actor": "li", "args": {"level": "II", "reason": "risk matrix"}},
        {"do": "assign", "actor": "o", "args": {"role": "customer_service", "person": "zhao"}},
        {
            "do": "release",
            "actor": "o",
            "args": {"role": "customer_service", "person": "zhao", "reason": "shift ended"},
        },
        {"do": "add_customers", "actor": "cs", "args": {"customers": [{"customer_id": "C-1"}]}},
        {
            "do": "handle_customer",
            "actor": "cs",
            "args": {"customer_id": "C-1", "step": "promised", "note": "refund", "due": "PT2H"},
        },
    )
    assert [s.do for s in old.steps] == [
        "detect",
        "set_level",
        "assign",
        "unassign",
        "add_customers",
        "handle_customer",
    ]
    assert old.steps[5].args == {
        "customer_id": "C-1",
        "step": "promised",
        "note": "refund",
        "due_at": "PT2H",
    }
    result = simulate(old)
    assert result.crisis.level is Level.II
    assert result.crisis.team == ()
    assert result.crisis.case("C-1").promises[0].due_at == START.add(hours=2)
    # Written again, it is a file of the current format, with the new names.
    from crisiskit.serialization import from_json, to_dict, to_json

    data = to_dict(old)
    assert data["format"] == 2
    assert [s["do"] for s in data["steps"]][1] == "set_level"
    assert from_json(to_json(old)) == old


def test_what_a_format_1_file_cannot_say_today_is_refused_with_why():
    with pytest.raises(
        SerializationError,
        match=r"\$\.steps\[1\]\.args: a step of scenario format 1 that gives both 'due' .* and 'due_at' cannot be read",
    ):
        scenario(
            {
                "do": "handle_customer",
                "args": {"customer_id": "C-1", "step": "promised", "due": "PT1H", "due_at": "PT2H"},
            }
        )
    for version in (3, 0, "2", True):
        with pytest.raises(SerializationError, match=r"reads scenario formats 1 and 2; got"):
            scenario(format=version)


def test_the_built_in_scenarios_are_of_the_current_format():
    import json

    from crisiskit.app.scenarios import NAMES, text

    for name in NAMES:
        assert json.loads(text(name))["format"] == 2


def step_command_table():
    """The table of step commands in docs/scenarios.md, as the command classes give it."""
    from crisiskit.app.scenario import STEP_COMMANDS, _command_type, step_arguments
    from crisiskit.crisis.commands import COMMAND_TYPES

    def names(found):
        return ", ".join(f"`{name}`" for name in found) or "—"

    rows = [
        "| `do` | command object | required `args` | optional `args` |",
        "|---|---|---|---|",
    ]
    for do in ["detect", *(name for name in COMMAND_TYPES if name in STEP_COMMANDS)]:
        required, optional = step_arguments(do)
        # reason and expected_version, which every command takes, are said once under it.
        optional = [name for name in optional if name not in {"reason", "expected_version"}]
        rows.append(
            f"| `{do}` | `{_command_type(do).__name__}` | {names(required)} | {names(optional)} |"
        )
    return "\n".join(rows)


def test_the_docs_table_of_step_commands_is_the_command_classes():
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- step-commands:[^>]*-->\n(?P<table>.*?)\n<!-- /step-commands -->", page, re.S
    )
    assert found, "docs/scenarios.md has lost its table of step commands"
    expected = step_command_table()
    assert found["table"] == expected, "regenerate the table in docs/scenarios.md:\n" + expected
