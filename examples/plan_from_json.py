"""The emergency plan (应急预案) as data: customise, save, load, validate, revise after a drill.

Run it with ``python examples/plan_from_json.py``. It writes its files to a temporary
directory and prints what the plan requires for a product-quality crisis at levels I and III.
"""

import datetime as dt
import json
import tempfile
from pathlib import Path

import attrs
import pendulum

from crisiskit import Audience, CrisisKitError, CrisisType, Level, Money, Role
from crisiskit.plan import BudgetCategory, EmergencyPlan, Phase, PlannedAction

SHANGHAI = "Asia/Shanghai"
INFOSEC = CrisisType.INFORMATION_SECURITY


def customised() -> EmergencyPlan:
    """The default plan with the company's budgets and data-leak reporting to the regulator."""
    plan = EmergencyPlan.default(
        plan_id="ACME-CS-PLAN", effective_from=pendulum.datetime(2025, 3, 1, tz=SHANGHAI)
    )
    budgets = {
        BudgetCategory.COMPENSATION: Money("500000", "CNY"),
        BudgetCategory.PR: Money("150000", "CNY"),
        BudgetCategory.SUPPLIES: Money("30000", "CNY"),
    }
    # An information-security incident gets entries of its own: the default ones, with the
    # regulator told as a must at levels I and II.
    infosec = []
    for level in Level:
        entry = attrs.evolve(plan.for_crisis(CrisisType.OTHER, level), crisis_type=INFOSEC)
        rule = entry.rule_for(Audience.REGULATORS)
        if rule is not None:
            entry = entry.with_communication(attrs.evolve(rule, required=True))
        infosec.append(entry)
    return plan.revise(
        version="1.1",
        effective_from=pendulum.datetime(2025, 4, 1, tz=SHANGHAI),
        reasons=[
            "ACME budgets for 2025",
            "information-security incidents are reported to the regulator at levels I and II",
        ],
        resources=attrs.evolve(plan.resources, budgets=budgets),
        levels=plan.levels_with(*infosec),
    )


def after_the_drill(plan: EmergencyPlan) -> EmergencyPlan:
    """Revise the plan with what the June product-recall drill taught."""
    entry = plan.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I)
    legal = entry.action("legal-review")
    entry = entry.with_action(attrs.evolve(legal, target=dt.timedelta(hours=2)))
    entry = entry.with_action(
        PlannedAction(
            "holding-statement",
            Phase.RESPONSE,
            "Publish a short holding statement: what is known, what is being done, when more follows",
            Role.MARKETING,
            dt.timedelta(hours=1),
            description_zh="发布简短的初步声明：已知情况、正在采取的措施、下次通报时间",
        )
    )
    return plan.revise(
        version="1.2",
        effective_from=pendulum.datetime(2025, 7, 1, tz=SHANGHAI),
        reasons=[
            "legal review must finish two hours in, before the statement",
            "a holding statement goes out within the first hour",
        ],
        lessons=[
            "DRILL-2025-06/L1: the statement waited 3 h for legal review",
            "DRILL-2025-06/L2: silence for the first 3 h fed rumours on Weibo",
        ],
        levels=plan.levels_with(entry),
    )


def main() -> None:
    plan = customised()
    folder = Path(tempfile.mkdtemp(prefix="crisiskit-plan-"))

    # Save and load.
    path = folder / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    loaded = EmergencyPlan.from_json(path.read_text(encoding="utf-8"))
    size = path.stat().st_size
    print(f"saved {plan.plan_id} v{plan.version} to {path.name} ({size:,} bytes)")
    print(f"read back: equal = {loaded == plan}; {len(loaded.levels)} entries")
    print(f"types with entries of their own: {', '.join(t.value for t in loaded.crisis_types)}")
    print(
        f"budgets: compensation {loaded.budget(BudgetCategory.COMPENSATION)}, "
        f"PR {loaded.budget(BudgetCategory.PR)}, supplies {loaded.budget(BudgetCategory.SUPPLIES)}"
    )
    print()

    # A hand-edited file with mistakes: every error names the path of the bad field.
    data = json.loads(path.read_text(encoding="utf-8"))
    data["levels"][2]["actions"][0]["owner"] = "legal"  # level III does not staff legal
    broken = folder / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        EmergencyPlan.from_json(broken.read_text(encoding="utf-8"))
    except CrisisKitError as error:
        print(f"broken.json refused ({type(error).__name__}):\n  {error}")
    del data["levels"][2]["actions"][0]["owner"]
    data["levels"][0]["communications"][0]["cadence"] = "PT0S"
    try:
        EmergencyPlan.from_json(json.dumps(data))
    except CrisisKitError as error:
        print(f"and after another edit:\n  {error}")
    print()

    # Revise after a drill: the new version links the review's lessons.
    revised = after_the_drill(loaded)
    print("revision history:")
    for revision in revised.revisions:
        print(f"  - {revision.describe()}")
    pq_i = revised.for_crisis(CrisisType.PRODUCT_QUALITY, Level.I)
    print(f"now: {pq_i.action('legal-review').describe()}")
    print()

    for level in (Level.I, Level.III):
        entry = revised.for_crisis(CrisisType.PRODUCT_QUALITY, level)
        print(entry.describe("en"))
        print()
        print(entry.describe("zh"))
        print()
    roles = sorted(r.value for r in revised.required_roles(CrisisType.PRODUCT_QUALITY, Level.III))
    print(f"product_quality level III needs: {', '.join(roles)}")


if __name__ == "__main__":
    main()
