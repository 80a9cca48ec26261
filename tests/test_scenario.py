import inspect
import typing

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
    alerts = [e for e in result.events if e.name == "SlaAlertsRaised"]
    assert alerts
    # Each sweep is recorded at the instant its alert fell due.
    for event in alerts:
        assert event.occurred_at == max(a.due_at for a in event.alerts)
    assert result.crisis.state is CrisisState.CLOSED
    assert len(result.refusals) == 2


def test_the_chinese_demo_tells_the_same_story():
    en, zh = load("food_safety"), load("food_safety_zh")
    assert [(s.do, s.actor, s.at, s.after, s.expect) for s in en.steps] == [
        (s.do, s.actor, s.at, s.after, s.expect) for s in zh.steps
    ]
    assert (en.start, en.crisis_type, en.crisis_id) == (zh.start, zh.crisis_type, zh.crisis_id)
    assert zh.title == "0925批次酸奶异物事件"


# Arguments a step cannot give: the simulator supplies them, or reads them another way.
_NOT_FROM_ARGS = {"self", "cls", "actor", "expected_version", "other_expected_version"}
_NOT_FROM_ARGS_OF = {
    "detect": {"context", "crisis_id", "crisis_type", "title"},  # from the scenario itself
    "grade": {"policy"},  # a policy's name, looked up in the registry
}


def _unreadable_arguments(name, function, skip=frozenset()):
    """The arguments of ``function`` a scenario step could not give, with why."""
    from cattrs.errors import StructureHandlerNotFoundError

    from crisiskit.app.scenario import _concrete
    from crisiskit.serialization import _converter

    try:
        hints = typing.get_type_hints(function)
    except NameError as error:
        return [f"{name}: {error}"]
    problems = []
    for argument, parameter in inspect.signature(function).parameters.items():
        if argument in _NOT_FROM_ARGS or argument in skip:
            continue
        if argument not in hints:
            problems.append(f"{name}({argument}): no type")
            continue
        # update_facts takes **changes, typed per fact by Facts (checked below).
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        try:
            _converter().get_structure_hook(_concrete(hints[argument]))
        except StructureHandlerNotFoundError as error:
            problems.append(f"{name}({argument}): {error}")
    return problems


def test_every_step_command_has_resolvable_argument_types():
    from crisiskit import Crisis, Facts
    from crisiskit.app.scenario import STEP_COMMANDS

    problems = []
    for command in sorted(STEP_COMMANDS):
        function = getattr(Crisis, command)
        problems += _unreadable_arguments(command, function, _NOT_FROM_ARGS_OF.get(command, ()))
    problems += _unreadable_arguments("update_facts", Facts)
    assert problems == []


def test_the_argument_check_finds_unreadable_arguments():
    def unresolved(self, known: int, later: "NotDefinedAnywhere", *, actor: str):  # noqa: F821
        raise NotImplementedError

    def untyped(self, known: int, loose, *, actor: str):
        raise NotImplementedError

    def opaque(self, thing: object, *, actor: str):
        raise NotImplementedError

    def fine(self, known: int, *, actor: str):
        raise NotImplementedError

    assert _unreadable_arguments("unresolved", unresolved) == [
        "unresolved: name 'NotDefinedAnywhere' is not defined"
    ]
    assert _unreadable_arguments("untyped", untyped) == ["untyped(loose): no type"]
    assert [p.split(":")[0] for p in _unreadable_arguments("opaque", opaque)] == ["opaque(thing)"]
    assert _unreadable_arguments("fine", fine) == []


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
