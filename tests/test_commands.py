"""One shape for every command: the registry, what it offers, and the renamed commands."""

from __future__ import annotations

import inspect

import pytest
from lifecycle_support import T0, new_crisis, signal

from crisiskit import Context, Level, Role
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.crisis import OPEN_COMMANDS, Crisis
from crisiskit.crisis.commands import REGISTRY, command
from crisiskit.crisis.lifecycle import COMMANDS as MOVES
from crisiskit.errors import ConcurrencyError, InvalidTransition, ValidationError
from crisiskit.sla import SlaPolicy
from crisiskit.testing import ManualClock


def test_every_public_command_is_registered_with_the_one_shape():
    for name, spec in REGISTRY.items():
        method = getattr(Crisis, name)
        params = inspect.signature(method).parameters
        keyword_only = [p for p in params if params[p].kind is inspect.Parameter.KEYWORD_ONLY]
        at = keyword_only.index("actor")
        assert keyword_only[at : at + 3] == ["actor", "reason", "expected_version"], name
        assert spec.move == (name in MOVES), name
    # Every lifecycle move a crisis's own command makes is a registered command.
    assert {"warn", "respond", "recover", "close", "dismiss", "relapse", "reopen"} <= set(REGISTRY)
    assert set(OPEN_COMMANDS) == {n for n, s in REGISTRY.items() if not s.move}


def test_a_command_without_the_shape_is_refused_at_definition():
    with pytest.raises(TypeError, match="must take keyword-only actor, reason, expected_version"):

        @command()
        def report(self, summary: str, *, actor: str) -> None: ...

    with pytest.raises(TypeError, match="domain arguments first"):

        @command()
        def note(
            self, *, actor: str, reason: str | None = None, expected_version: int | None = None, x=1
        ) -> None: ...


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.report_progress("all hands", actor="gm", reason="daily"),
        lambda c: c.hold_meeting("status", actor="gm", reason="daily"),
        lambda c: c.acknowledge(actor="office", reason="hotline escalation"),
    ],
)
def test_every_command_accepts_a_reason_and_records_it(call):
    crisis = new_crisis()
    event = call(crisis)
    assert event.reason


def test_a_required_reason_is_checked_before_anything_changes():
    crisis = new_crisis()
    before = crisis.version
    with pytest.raises(ValidationError, match=r"set_level\(reason\)"):
        crisis.set_level(Level.II, actor="li", reason="  ")
    assert crisis.version == before


def test_allowed_commands_offers_only_what_makes_sense_now():
    crisis = new_crisis()
    offered = crisis.allowed_commands()
    assert offered[:3] == ("warn", "respond", "dismiss")  # moves first, in the machine's order
    assert "acknowledge" in offered
    assert "pause_sla" not in offered  # no SLA policy, no timers
    assert "unassign" not in offered
    assert "unmerge" not in offered
    crisis.acknowledge(actor="office")
    assert "acknowledge" not in crisis.allowed_commands()


def test_allowed_commands_offers_pause_and_resume_as_the_timers_allow():
    context = Context(ManualClock(T0), sla=SlaPolicy.default(TWENTY_FOUR_SEVEN))
    crisis = new_crisis(context=context)
    crisis.set_level(Level.III, actor="li", reason="first look")
    assert "pause_sla" in crisis.allowed_commands()
    assert "resume_sla" not in crisis.allowed_commands()
    crisis.pause_sla(actor="cs", reason="waiting on the customer")
    assert "resume_sla" in crisis.allowed_commands()
    assert "pause_sla" not in crisis.allowed_commands()


def test_a_closed_crisis_offers_only_reopen_erasure_and_check_sla():
    context = Context(ManualClock(T0), sla=SlaPolicy.default(TWENTY_FOUR_SEVEN))
    crisis = new_crisis(context=context)
    crisis.set_level(Level.IV, actor="li", reason="first look")
    crisis.dismiss(actor="office", reason="false alarm")
    assert crisis.allowed_commands() == ("reopen", "erase_personal_data", "check_sla")
    with pytest.raises(
        InvalidTransition, match="allowed now: reopen, erase_personal_data, check_sla"
    ):
        crisis.attach_signal(signal("another post"), actor="monitor")


def test_renamed_commands_keep_their_old_names_for_one_release():
    crisis = new_crisis()
    with pytest.warns(DeprecationWarning, match="set_level"):
        crisis.regrade(Level.II, actor="li", reason="risk matrix")
    assert crisis.level is Level.II
    crisis.assign(Role.CUSTOMER_SERVICE, "zhao", actor="office")
    with pytest.warns(DeprecationWarning, match="unassign"):
        crisis.release(Role.CUSTOMER_SERVICE, "zhao", actor="office", reason="shift ended")
    assert crisis.team == ()
    assert "regrade" not in REGISTRY
    assert "release" not in REGISTRY


def test_check_sla_takes_an_expected_version():
    context = Context(ManualClock(T0), sla=SlaPolicy.default(TWENTY_FOUR_SEVEN))
    crisis = new_crisis(context=context)
    crisis.set_level(Level.I, actor="li", reason="national media")
    with pytest.raises(ConcurrencyError, match="not 1"):
        crisis.check_sla(expected_version=1)


def test_commands_take_enum_arguments_as_codes_and_labels():
    context = Context(ManualClock(T0), sla=SlaPolicy.default(TWENTY_FOUR_SEVEN))
    crisis = new_crisis(context=context)
    crisis.set_level("二级", actor="li", reason="risk matrix")
    assert crisis.level is Level.II
    crisis.assign("customer_service", "zhao", actor="office")
    assert crisis.members("客服部门") == ("zhao",)
    crisis.pause_sla(metrics=["acknowledge"], actor="cs", reason="waiting on the customer")
    paused = [t for t in crisis.timers if t.state.value == "paused"]
    assert [t.metric.value for t in paused] == ["acknowledge"]
    crisis.unassign("客服部门", "zhao", actor="office", reason="shift ended")
    assert crisis.team == ()
