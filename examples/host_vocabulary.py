"""A host's own vocabulary: a finance role, a financial-risk crisis type, the 12315 hotline.

Run it with ``python examples/host_vocabulary.py``. It registers the host's members (as an
application does once at start-up), puts them in the emergency plan, runs a crisis on them,
stores its events as JSON lines in a temporary file, reads them back, replays and verifies
the log, and prints what happened in English and Chinese.
"""

import datetime as dt
import tempfile
from pathlib import Path

import attrs
import pendulum

from crisiskit import (
    Audience,
    Channel,
    ChannelGroup,
    Context,
    Crisis,
    CrisisType,
    Level,
    Role,
    SealingKey,
    Signal,
    verify,
)
from crisiskit.errors import VocabularyError
from crisiskit.events import StoredEvent, stored
from crisiskit.operations.statements import Medium
from crisiskit.plan import CommunicationRule, EmergencyPlan
from crisiskit.testing import ManualClock

# ---- at start-up, in every process that reads or writes crisiskit data -------------------

FINANCE = Role.register(
    "finance",
    en="finance department",
    zh="财务部门",
    duties_en="funds the response and accounts for its costs",
    duties_zh="负责应急资金保障和费用核算",
)
FINANCIAL_RISK = CrisisType.register("financial_risk", en="financial risk", zh="金融风险")
REGULATOR_12315 = Channel.register(
    "regulator_12315",
    en="12315 regulator hotline",
    zh="12315 监管热线",
    group=ChannelGroup.CUSTOMER,
)
SHAREHOLDERS = Audience.register("shareholders", en="shareholders", zh="股东")

KEY = SealingKey("acme-2026", b"acme-event-log-key-0123456789abcdef")


def plan_with_financial_risk() -> EmergencyPlan:
    """The default plan, with entries for financial risk: finance required at level I."""
    default = EmergencyPlan.default(plan_id="ACME-PLAN")
    entries = []
    for level in Level:
        entry = attrs.evolve(default.for_crisis("other", level), crisis_type=FINANCIAL_RISK)
        if level is Level.I:
            entry = entry.with_role(FINANCE).with_communication(
                CommunicationRule(SHAREHOLDERS, True, dt.timedelta(hours=24), FINANCE, None)
            )
        entries.append(entry)
    return default.revise(
        version="1.1",
        effective_from=default.effective_from,
        reasons=["financial risk has entries of its own, with the finance department at level I"],
        levels=default.levels_with(*entries),
    )


def run(plan: EmergencyPlan, clock: ManualClock) -> Crisis:
    crisis = Crisis.detect(
        Context(clock, plan=plan, keys=KEY),
        crisis_id="CR-2025-0927-FIN",
        crisis_type="金融风险",  # a label works wherever a code does
        title="Complaints about early-redemption fees",
        actor="monitor",
        signals=[Signal("regulator_12315", clock.now(), "12315 relays 40 complaints")],
    )
    clock.advance(minutes=20)
    crisis.set_level(Level.I, actor="analyst", reason="the regulator is involved")
    crisis.warn(actor="office")
    for role in plan.required_roles(crisis.crisis_type, Level.I):
        crisis.assign(role, f"{role.value}.lead", actor="office")
    crisis.respond(actor="gm")
    clock.advance(hours=2)
    crisis.release_statement(
        "股东",
        "No customer will lose money; we are reviewing the fees with the regulator.",
        medium=Medium.EMAIL,
        approved_by="finance.lead",
        actor="ir",
    )
    return crisis


def main() -> None:
    # Registering the same definition again (a re-import, a reload) is a no-op ...
    assert Audience.register("shareholders", en="shareholders", zh="股东") is SHAREHOLDERS
    # ... a clash is refused.
    try:
        CrisisType.register("fraud", en="financial risk", zh="欺诈")
    except VocabularyError as refused:
        print("refused:", refused)

    plan = plan_with_financial_risk()
    clock = ManualClock(pendulum.datetime(2025, 9, 27, 9, tz="Asia/Shanghai"))
    crisis = run(plan, clock)

    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "events.jsonl"
        log.write_text(
            "".join(stored(event).to_json() + "\n" for event in crisis.pull_events()),
            encoding="utf-8",
        )
        lines = log.read_text(encoding="utf-8").splitlines()
        events = [StoredEvent.from_json(line) for line in lines]
    check = verify(events, keys=KEY)
    replayed = Crisis.replay(events, keys=KEY)
    assert check
    assert replayed == crisis

    for lang in ("en", "zh"):
        entry = plan.for_crisis(crisis.crisis_type, Level.I)
        statement = crisis.current_statement(SHAREHOLDERS)
        assert statement is not None
        print(f"{crisis.crisis_type.label(lang)} — {crisis.signals[0].channel.label(lang)}")
        print(f"  {FINANCE.label(lang)}: {entry.duty_of(FINANCE).label(lang)}")
        print(f"  {entry.rule_for(SHAREHOLDERS).describe(lang)}")
        print(f"  {statement.audience.label(lang)}: {statement.wording}")
    print(f"{len(events)} events stored and read back; hash chain intact: {bool(check)}")


if __name__ == "__main__":
    main()
