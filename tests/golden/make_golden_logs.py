"""Write the golden event logs of crisiskit 0.1 — once. Never run it again to make a test pass.

The logs under ``tests/golden/0.1/`` are what this release stores: every later release must
read, verify and replay them to the same state (``tests/test_golden_logs.py``). A change
that breaks them is a breaking change of the audit log, not a reason to regenerate them.
This script is kept to show how they were made; it refuses to overwrite a file.

Two flavours of the same story: ``sha256`` (no key) and ``hmac`` (sealed under ``k2025``,
then under ``k2026`` after a rotation midway). Each has three crises: ``CR-A`` (every kind
of command, SLA alerts, a merge and its undoing, a relapse, a close and a reopen, an
erasure), ``CR-B`` (merged into CR-A, unmerged, dismissed) and ``CR-C`` (a duplicate of A).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pendulum

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    Facts,
    KeyRing,
    Level,
    Money,
    Role,
    SealingKey,
    Signal,
    to_json,
)
from crisiskit.calendar import china_working_calendar
from crisiskit.events import erase, stored
from crisiskit.grading import policy_by_name
from crisiskit.operations.quality import QualityRemedy
from crisiskit.operations.recovery import ImpactAssessment, ImpactFigures, Milestone, RecoveryPlan
from crisiskit.operations.review import Review
from crisiskit.plan import EmergencyPlan
from crisiskit.sla import SlaPolicy
from crisiskit.testing import ManualClock, SeededEntropy
from crisiskit.values.attributes import AttributeSchema, Tags, Text

HERE = Path(__file__).parent / "0.1"
ZONE = "Asia/Shanghai"
# Test secrets, committed on purpose: these logs prove that keyed logs stay verifiable.
SECRETS = {
    "k2025": "6b32303235a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607",
    "k2026": "6b323032360f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69",
}
K2025 = SealingKey("k2025", bytes.fromhex(SECRETS["k2025"]))
K2026 = SealingKey("k2026", bytes.fromhex(SECRETS["k2026"]))
FACTORS = {
    "severity": 3,
    "scope": 3,
    "trend": 4,
    "brand_damage": 4,
    "customer_loss": 3,
    "economic_loss": 2,
    "legal_risk": 3,
}


def story(keys: list[KeyRing | None]) -> dict[str, list]:
    """The three crises of the story; ``keys`` are the rings before and after the rotation."""
    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, tz=ZONE))
    plan = EmergencyPlan.default()
    common = {
        "plan": plan,
        "sla": SlaPolicy.default(china_working_calendar([2025, 2026])),
        "attributes": AttributeSchema(
            Text("crm_ticket", "CRM ticket", "CRM 工单"), Tags("tags", "tags", "标签")
        ),
        "entropy": SeededEntropy(2025),
        "personal": frozenset({"ProgressReported.summary"}),
    }
    before = Context(clock, keys=keys[0], **common)
    after = Context(clock, keys=keys[1], **common)

    def shanghai(**kwargs: int) -> pendulum.DateTime:
        return clock.now().add(**kwargs)

    a = Crisis.detect(
        before,
        crisis_id="CR-A",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="酸奶杯中发现异物（批次 0925）",
        actor="monitor",
        signals=[
            Signal(
                Channel.SOCIAL_MEDIA,
                clock.now(),
                "微博：酸奶杯中发现异物，8千转发",
                customers=[
                    CustomerRef("C-1", name="张伟", tier="VIP", value=Money("250000", "CNY"))
                ],
                metrics={"heat": 8200, "negative_ratio": 0.41},
                source_ref="weibo:4960123",
            )
        ],
        facts=Facts(place="上海浦东", customers_affected=1),
    )
    clock.advance(minutes=5)
    a.attach_signal(
        Signal(
            Channel.HOTLINE,
            clock.now(),
            "Two more callers report batch 0925",
            customers=[CustomerRef("C-2", name="李娜"), CustomerRef("C-3", name="Wang Fang")],
        ),
        actor="hotline",
    )
    a.add_customers([CustomerRef("C-4", name="赵敏", tier="gold")], actor="cs")
    a.update_facts(actor="li.office", customers_affected=4, scope="East China", cause="seal")
    clock.advance(minutes=5)
    a.grade(policy_by_name("risk-matrix@1"), factors=FACTORS, actor="li.analyst")
    a.grade(policy_by_name("risk-matrix@1"), factors=FACTORS, actor="li.analyst", reason="recheck")
    a.set_level(Level.I, actor="gm.wang", reason="national media picked it up")
    a.acknowledge(actor="li.office")
    a.warn(actor="li.office")
    level_plan = plan.for_crisis(a.crisis_type, Level.I)
    people = {}
    for n, role in enumerate(dict.fromkeys(r.role for r in level_plan.required_roles)):
        people[role] = f"person.{n}"
        a.assign(role, people[role], actor="li.office")
    a.assign(Role.CUSTOMER_SERVICE, "zhao.cs", actor="li.office")
    a.hold_meeting("首次会议", attendees=["gm.wang", "li.office"], decisions=["召回"], actor="li")
    a.respond(actor="gm.wang")
    b = Crisis.detect(
        before,
        crisis_id="CR-B",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Foreign object, batch 0925 (Douyin)",
        actor="monitor",
        signals=[
            Signal(
                Channel.SOCIAL_MEDIA,
                clock.now(),
                "Douyin video of the same cup",
                customers=[CustomerRef("C-5", name="Chen Jie")],
            )
        ],
    )
    c = Crisis.detect(
        before,
        crisis_id="CR-C",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Same report, by the complaint mailbox",
        actor="monitor",
        signals=[
            Signal(Channel.COMPLAINT_MAILBOX, clock.now(), "Mailbox: yoghurt with a foreign object")
        ],
    )
    clock.advance(minutes=10)
    c.mark_duplicate_of(a, actor="li.office", reason="same batch")
    a.merge(b, actor="li.office", reason="same cup")
    clock.advance(hours=1)
    a.check_sla()
    # The rotation: from here on events are sealed under k2026; k2025 stays in the ring.
    for crisis in (a, b, c):
        crisis.attach(after)
    a.unmerge(b, actor="li.office", reason="a different batch after all")
    b.dismiss(actor="li.office", reason="a different batch, already handled")
    a.handle_customer("C-1", "acknowledged", actor="zhao.cs")
    a.handle_customer("C-2", "demand_recorded", note="李娜要求全额退款并书面道歉", actor="zhao.cs")
    a.handle_customer(
        "C-2", "promised", note="三个工作日内退款", due_at=shanghai(days=3), actor="zhao.cs"
    )
    rule = level_plan.rule_for("customers")
    approver_role = rule.approver if rule is not None else None
    a.release_statement(
        "customers",
        "我们深表歉意，已召回批次 0925。",
        medium="sms",
        approved_by=people.get(approver_role, "gm.wang"),
        approver_role=approver_role,
        actor="li.office",
    )
    a.compensate(
        "refund", Money("39.90", "CNY"), customer_id="C-2", note="李娜：全额退款", actor="zhao"
    )
    a.compensate("gift", Money("200", "CNY"), customer_id="C-1", actor="zhao")
    a.record_expense("pr", Money("150000", "CNY"), note="press briefing", actor="li.office")
    a.record_quality_remedy(
        QualityRemedy(
            root_cause="a cracked seal on filling line 3",
            responsible_party="line 3 maintenance",
            remedies=("recall", "repair"),
        ),
        actor="qa",
    )
    a.set_attributes({"crm_ticket": "TK-20250927", "tags": ["recall", "weibo"]}, actor="cs")
    a.report_progress("已联系 C-2 李娜，退款处理中", actor="li.office")
    a.pause_sla(actor="li.office", reason="waiting for the lab")
    clock.advance(hours=2)
    a.resume_sla(actor="li.office", reason="lab results in")
    clock.advance(hours=30)
    a.check_sla()
    a.unassign(Role.CUSTOMER_SERVICE, "zhao.cs", actor="li.office", reason="shift ended")
    a.recover(actor="gm.wang")
    a.relapse(actor="gm.wang", reason="a second batch")
    clock.advance(hours=4)
    a.recover(actor="gm.wang")
    a.set_recovery_plan(
        RecoveryPlan(
            goals=("win back the buyers of batch 0925",),
            measures=("a discount for every buyer",),
            milestones=(Milestone("shelves restocked", shanghai(days=2)),),
        ),
        actor="li.office",
    )
    clock.advance(days=2)
    a.reach_milestone("shelves restocked", actor="li.office")
    a.assess_impact(
        ImpactAssessment(
            before=ImpactFigures(satisfaction=4.5, sales=Money("1000000", "CNY")),
            after=ImpactFigures(satisfaction=3.9, sales=Money("820000", "CNY")),
        ),
        actor="li.office",
    )
    a.record_callback("C-2", 4, comments="李娜：满意退款速度", actor="zhao")
    a.record_callback("C-1", 5, actor="zhao")
    a.record_review(
        Review(
            root_cause="a cracked seal on filling line 3",
            lessons=("inspect seals daily",),
            improvements=("add seal checks to the quality plan",),
            reviewed_at=clock.now(),
        ),
        actor="gm.wang",
    )
    a.close("refunded; line fixed", actor="gm.wang")
    clock.advance(days=1)
    a.reopen(actor="zhao", reason="C-1 called back")
    clock.advance(hours=3)
    a.recover(actor="gm.wang")
    a.close("C-1 satisfied", actor="gm.wang")
    clock.advance(days=30)
    a.erase_personal_data("C-2", actor="dpo.sun", reason="PIPL deletion request 2025-11-03")
    logs = {}
    for crisis in (a, b, c):
        records = [stored(e) for e in crisis.pull_events()]
        if crisis is a:
            erasure = records[-1].sequence
            records = erase(records, "C-2", erasure=erasure)
        logs[crisis.id] = (records, crisis)
    return logs


def main() -> None:
    flavours = {"sha256": [None, None], "hmac": [KeyRing(K2025), KeyRing(K2026, K2025)]}
    for flavour, keys in flavours.items():
        folder = HERE / flavour
        folder.mkdir(parents=True, exist_ok=True)
        for crisis_id, (records, crisis) in story(keys).items():
            log, snapshot = folder / f"{crisis_id}.jsonl", folder / f"{crisis_id}.snapshot.json"
            for path in (log, snapshot):
                if path.exists():
                    sys.exit(f"{path} exists: golden logs are never regenerated")
            log.write_text("".join(r.to_json() + "\n" for r in records), encoding="utf-8")
            snapshot.write_text(to_json(crisis, indent=1) + "\n", encoding="utf-8")
    (HERE / "keys.json").write_text(json.dumps(SECRETS, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
