"""Drills (演练): run an emergency plan against a scripted scenario and see how it held.

A drill plays a :class:`~crisiskit.app.scenario.Scenario` on the manual clock under a plan (and
an SLA policy), like :func:`~crisiskit.app.scenario.simulate`, but a refusal is a finding, not
a failure: the drill goes on and the report says what went wrong. The report answers the
questions a drill is held for:

* which SLA targets would have been met, and which breached;
* which of the plan's actions were done within their targets, late, or not at all
  (an action completed with ``complete_action`` is done then; without that, actions are
  recognised by the events that show them done, see :data:`ACTION_EVIDENCE`);
* which roles the plan requires were filled late — after the response was first attempted
  or the level that needs them was reached — or never;
* which commands the plan's rules refused, and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pendulum
from attrs import frozen

from crisiskit.app.describe import duration_text
from crisiskit.app.scenario import Outcome, Scenario, SimulationResult, simulate
from crisiskit.calendar import TWENTY_FOUR_SEVEN
from crisiskit.crisis.lifecycle import command_name
from crisiskit.events import (
    ActionCompleted,
    CallbackRecorded,
    CompensationGranted,
    CustomerCaseUpdated,
    Event,
    FactsUpdated,
    ImpactAssessed,
    QualityRemedyRecorded,
    RecoveryPlanSet,
    ResponseStarted,
    ReviewRecorded,
    StateChanged,
    StatementReleased,
    TeamMemberAssigned,
    WarningIssued,
)
from crisiskit.grading import GradingPolicy
from crisiskit.messages import Message, _
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.plan import EmergencyPlan, Phase, PlannedAction
from crisiskit.sla import SlaMetric, SlaPolicy, SlaStatus
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import PUBLIC_AUDIENCES, CrisisState, Role

__all__ = ["ACTION_EVIDENCE", "ActionCheck", "DrillReport", "RoleGap", "run_drill"]

Evidence = Callable[[Event], bool]

ACTION_EVIDENCE: Mapping[str, Evidence] = {
    "warning-notice": lambda e: isinstance(e, WarningIssued),
    "collect-facts": lambda e: isinstance(e, FactsUpdated),
    "contact-customers": lambda e: isinstance(e, CustomerCaseUpdated) and e.step.is_contact,
    "root-cause": lambda e: isinstance(e, QualityRemedyRecorded),
    "remedy": lambda e: isinstance(e, QualityRemedyRecorded) and bool(e.new.remedies),
    "public-statement": lambda e: (
        isinstance(e, StatementReleased) and e.statement.audience in PUBLIC_AUDIENCES
    ),
    "agree-solution": lambda e: (
        isinstance(e, CustomerCaseUpdated) and e.step is CaseStep.SOLUTION_AGREED
    ),
    "callback-customers": lambda e: isinstance(e, CallbackRecorded),
    "value-added-remedy": lambda e: (
        isinstance(e, CompensationGranted)
        and e.compensation.kind
        in {CompensationKind.COUPON, CompensationKind.GIFT, CompensationKind.FREE_TRAINING}
    ),
    "recovery-plan": lambda e: isinstance(e, RecoveryPlanSet),
    "impact-assessment": lambda e: isinstance(e, ImpactAssessed),
    "review": lambda e: isinstance(e, ReviewRecorded),
}
"""How a drill recognises that a planned action was done: action id -> the event that shows it.

The ids are those of :meth:`EmergencyPlan.default`; a plan with other ids passes its own
mapping to :func:`run_drill` (``evidence=``). Actions without evidence are reported as not
tracked.
"""

_STATUS = {
    "on time": _("on time"),
    "late": _("late"),
    "not done": _("not done"),
    "not reached": _("not reached"),
    "not tracked": _("not tracked"),
}

_PHASE_STATE = {
    Phase.WARNING: CrisisState.WARNED,
    Phase.RESPONSE: CrisisState.RESPONDING,
    Phase.RECOVERY: CrisisState.RECOVERING,
}


@frozen
class ActionCheck:
    """How one planned action went in the drill."""

    action: PlannedAction
    """The plan's action."""
    phase_started: pendulum.DateTime | None
    """When its phase started (None: the phase was never reached)."""
    done_at: pendulum.DateTime | None
    """When the first event showing it done occurred (None: not done, or not tracked)."""
    took: dt.timedelta | None
    """Business time from the phase's start to done, on the action's calendar."""
    status: str
    """``"on time"``, ``"late"``, ``"not done"``, ``"not reached"`` or ``"not tracked"``."""


@frozen
class RoleGap:
    """A role the plan required that was not filled in time."""

    role: Role
    """The role."""
    needed_from: pendulum.DateTime
    """From when the plan needed it: the first response attempt, or reaching the level that needs it."""
    filled_at: pendulum.DateTime | None
    """When someone was first assigned to it (None: never)."""


@frozen
class DrillReport:
    """What a drill found."""

    scenario: str
    """The scenario's name."""
    plan: str
    """The plan, ``id@version``."""
    level: Level | None
    """The crisis's level at the end."""
    sla: tuple[tuple[SlaMetric, SlaStatus], ...]
    """Each SLA target's outcome."""
    actions: tuple[ActionCheck, ...]
    """The plan's actions for the crisis's type and final level."""
    role_gaps: tuple[RoleGap, ...]
    """Roles the plan required that were filled late or never."""
    refusals: tuple[Outcome, ...]
    """Commands that were refused (expected by the scenario or not)."""
    result: SimulationResult
    """The simulation itself: crisis, events, timeline, figures."""

    @property
    def passed(self) -> bool:
        """True when no SLA target was breached, every tracked action was on time and no role was missing."""
        return (
            all(status is not SlaStatus.BREACHED for _, status in self.sla)
            and all(check.status in {"on time", "not tracked"} for check in self.actions)
            and not self.role_gaps
            and not [r for r in self.refusals if not r.expected]
        )

    def render(self, lang: str = "en") -> str:
        """The report as text, in ``lang``."""
        language = "zh" if normalize_lang(lang) == "zh" else "en"
        lines: list[Message] = [
            _("Drill report: {scenario} — {plan}", scenario=self.scenario, plan=self.plan),
            _("Result: passed") if self.passed else _("Result: findings"),
            _("SLA targets:"),
        ]
        lines += [
            _("  {metric}: {status}", metric=metric, status=status) for metric, status in self.sla
        ]
        lines.append(_("Planned actions:"))
        for check in self.actions:
            status = _STATUS.get(check.status, check.status)
            lines.append(
                _("  {action}: {status}", action=check.action, status=status)
                if check.took is None
                else _(
                    "  {action}: {status} ({took})",
                    action=check.action,
                    status=status,
                    took=duration_text(check.took, language),
                )
            )
        for gap in self.role_gaps:
            if gap.filled_at is None:
                lines.append(_("Role {role}: never filled", role=gap.role))
            else:
                delay = duration_text(gap.filled_at - gap.needed_from, language)
                lines.append(_("Role {role}: filled {delay} late", role=gap.role, delay=delay))
        for refusal in self.refusals:
            lines.append(
                _(
                    "Refused: {command} — {error}",
                    command=command_name(refusal.command),
                    error=refusal.error,
                )
            )
        return "\n".join(line.text(language) for line in lines)


def run_drill(
    scenario: Scenario,
    plan: EmergencyPlan,
    *,
    sla: SlaPolicy | None = None,
    grading: GradingPolicy | None = None,
    evidence: Mapping[str, Evidence] = ACTION_EVIDENCE,
) -> DrillReport:
    """Play ``scenario`` under ``plan`` (and ``sla``) and report how the plan held."""
    result = simulate(scenario, plan=plan, sla=sla, grading=grading, strict=False)
    crisis = result.crisis
    level = crisis.level
    level_plan = None if level is None else plan.for_crisis(crisis.crisis_type, level)
    phase_start = _phase_starts(result.events)
    actions = (
        ()
        if level_plan is None
        else tuple(
            _check(
                action, phase_start.get(_PHASE_STATE[action.phase]), result.events, evidence, sla
            )
            for action in level_plan.actions
        )
    )
    gaps = _role_gaps(plan, result)
    return DrillReport(
        scenario=scenario.name,
        plan=f"{plan.plan_id}@{plan.version}",
        level=level,
        sla=result.metrics.sla,
        actions=actions,
        role_gaps=gaps,
        refusals=result.refusals,
        result=result,
    )


def _phase_starts(events: tuple[Event, ...]) -> dict[CrisisState, pendulum.DateTime]:
    starts: dict[CrisisState, pendulum.DateTime] = {}
    for event in events:
        if isinstance(event, StateChanged):
            starts.setdefault(event.to_state, event.occurred_at)
    # A sudden crisis skips the warning phase: its warning actions count from the response.
    if CrisisState.WARNED not in starts and CrisisState.RESPONDING in starts:
        starts[CrisisState.WARNED] = starts[CrisisState.RESPONDING]
    return starts


def _assignments(events: tuple[Event, ...]) -> dict[Role, pendulum.DateTime]:
    first: dict[Role, pendulum.DateTime] = {}
    for event in events:
        if isinstance(event, TeamMemberAssigned):
            first.setdefault(event.assignment.role, event.occurred_at)
    return first


def _role_gaps(plan: EmergencyPlan, result: SimulationResult) -> tuple[RoleGap, ...]:
    attempts = [r.at for r in result.refusals if r.command == "respond"]
    attempts += [e.occurred_at for e in result.events if isinstance(e, ResponseStarted)]
    if not attempts:
        return ()
    first_attempt = min(attempts)
    crisis_type = result.crisis.crisis_type
    needed: dict[Role, pendulum.DateTime] = {}
    for entry in result.timeline:
        if entry.level is None:
            continue
        for role in plan.required_roles(crisis_type, entry.level):
            needed.setdefault(role, max(entry.at, first_attempt))
    filled = _assignments(result.events)
    gaps = [
        RoleGap(role, since, filled.get(role))
        for role, since in needed.items()
        if filled.get(role) is None or filled[role] > since
    ]
    return tuple(sorted(gaps, key=lambda gap: (gap.needed_from, gap.role.value)))


def _check(
    action: PlannedAction,
    started: pendulum.DateTime | None,
    events: tuple[Event, ...],
    evidence: Mapping[str, Evidence],
    sla: SlaPolicy | None,
) -> ActionCheck:
    # Completing the action is the plain word for it; the evidence is for crises run without.
    completed = next(
        (
            e.occurred_at
            for e in events
            if isinstance(e, ActionCompleted) and e.action_id == action.action_id
        ),
        None,
    )
    shows = evidence.get(action.action_id)
    if shows is None and completed is None:
        return ActionCheck(action, started, None, None, "not tracked")
    if started is None:
        return ActionCheck(action, None, None, None, "not reached")
    if completed is not None:
        done: pendulum.DateTime | None = max(completed, started)
    else:
        assert shows is not None
        done = next((e.occurred_at for e in events if e.occurred_at >= started and shows(e)), None)
    if done is None:
        return ActionCheck(action, started, None, None, "not done")
    calendar = (
        TWENTY_FOUR_SEVEN
        if sla is None or action.calendar == TWENTY_FOUR_SEVEN.name
        else sla.calendar(action.calendar)
    )
    took = calendar.working_time(started, done)
    on_time = action.target is None or took <= action.target
    return ActionCheck(action, started, done, took, "on time" if on_time else "late")
