"""The default emergency plan and the default SLA policy set the same time targets.

Both are built from the domain's one table of default targets; these tests catch a default
that drifts from it on either side — in a duration, a calendar, or a target one side has
and the other lacks.
"""

import pendulum
import pytest

from crisiskit.calendar import china_working_calendar
from crisiskit.crisis import Context
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import SlaMetric, SlaPolicy
from crisiskit.values import Audience, CrisisType, Level, ManualClock

PLAN = EmergencyPlan.default()
# A working calendar called as the plan calls it, whose normal day is the plan's 8 hours.
POLICY = SlaPolicy.default(china_working_calendar([2025]))

# Where the plan states each target: the action that meets it, or the customers' cadence.
ACTIONS = {
    SlaMetric.ACKNOWLEDGE: "warning-notice",
    SlaMetric.FIRST_CONTACT: "contact-customers",
    SlaMetric.PUBLIC_STATEMENT: "public-statement",
    SlaMetric.RESOLUTION: "agree-solution",
}


def policy_targets(policy):
    return {
        (level, metric): (None if target is None else (target.duration, target.calendar))
        for level in Level
        # Grading (no level yet) and the obligations that arise during a crisis (promises,
        # milestones, planned actions) are not targets of the table.
        for metric in (*ACTIONS, SlaMetric.PROGRESS_UPDATE)
        for target in [policy.target(level, metric)]
    }


def plan_targets(crisis_type):
    found = {}
    for level in Level:
        entry = PLAN.for_crisis(crisis_type, level)
        for metric, action_id in ACTIONS.items():
            action = next((a for a in entry.actions if a.action_id == action_id), None)
            found[level, metric] = None if action is None else (action.target, action.calendar)
        customers = entry.rule_for(Audience.CUSTOMERS)
        found[level, SlaMetric.PROGRESS_UPDATE] = (
            None if customers.cadence is None else (customers.cadence, customers.calendar)
        )
    return found


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_the_default_plan_states_the_default_policy_targets(crisis_type):
    assert plan_targets(crisis_type) == policy_targets(POLICY)


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_the_default_plan_derives_the_default_policy_targets(crisis_type):
    context = Context(
        ManualClock(pendulum.datetime(2025, 1, 2, tz="Asia/Shanghai")), plan=PLAN, sla=POLICY
    )
    assert policy_targets(context.sla_for(crisis_type)) == policy_targets(POLICY)
