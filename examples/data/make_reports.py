"""Generate reports/rpt-NN.json: twelve scenario runs for period reports (deterministic).

Twelve crises of September and October 2025 (Asia/Shanghai) across crisis types, levels I–IV
and departments, each a scenario of the scenario runner with every step at an absolute time:
acknowledgement, team, first contact, statements, promises, compensation and expenses,
recovery, callbacks and impact, review and close (RPT-06 is reopened; RPT-08 and RPT-10 stay
open). The report tests work their figures out by hand from the times written here.

    python examples/data/make_reports.py examples/data/reports
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
TZ = dt.timezone(dt.timedelta(hours=8))


def at(base, minutes):
    t = base + dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00[Asia/Shanghai]")


H = 60


def money(a, c="CNY"):
    return {"amount": a, "currency": c}


CRISES = [
    # id, type, level, detected, customers, plan of steps: list of (minute, do, actor, args)
    {
        "id": "RPT-01",
        "type": "product_quality",
        "level": "I",
        "start": (2025, 9, 15, 10, 0),
        "customers": ["C-101"],
        "title": "Swollen milk cartons",
        "ack": 10,
        "team": [
            ("office", "li.office"),
            ("customer_service", "zhao.cs"),
            ("marketing", "chen.pr"),
        ],
        "contact": 40,
        "statement": (3 * H, "customers"),
        "respond": 20,
        "recover": 30 * H,
        "close": 50 * H,
        "money": [
            (
                2 * H,
                "compensate",
                {"kind": "refund", "amount": money("500"), "customer_id": "C-101"},
            ),
            (4 * H, "record_expense", {"category": "pr", "amount": money("3000")}),
        ],
        "promise": (60, 24 * H, 20 * H),
        "callbacks": [4],
        "baseline": 5.0,
    },
    {
        "id": "RPT-02",
        "type": "product_quality",
        "level": "II",
        "start": (2025, 9, 16, 14, 0),
        "customers": ["C-201"],
        "title": "Mislabelled allergen",
        "ack": 45,
        "team": [("office", "li.office"), ("production_quality", "sun.qa")],
        "contact": 90,
        "statement": (10 * H, "customers"),
        "respond": 60,
        "recover": 11 * H,
        "close": 30 * H,
        "money": [
            (
                3 * H,
                "compensate",
                {"kind": "refund", "amount": money("200"), "customer_id": "C-201"},
            )
        ],
        "callbacks": [3],
        "baseline": 4.0,
    },
    {
        "id": "RPT-03",
        "type": "negative_publicity",
        "level": "I",
        "start": (2025, 9, 17, 9, 0),
        "customers": [],
        "title": "Viral video of a rude courier",
        "ack": 5,
        "team": [("marketing", "chen.pr"), ("general_manager", "wang.gm")],
        "statement": (5 * H, "media"),
        "respond": 30,
        "recover": 10 * H,
        "close": 20 * H,
        "money": [(6 * H, "record_expense", {"category": "pr", "amount": money("8000")})],
    },
    {
        "id": "RPT-04",
        "type": "complaint",
        "level": "III",
        "start": (2025, 9, 18, 16, 0),
        "customers": ["C-401"],
        "title": "Refund promised twice, paid late",
        "ack": 60,
        "team": [("customer_service", "zhao.cs")],
        "contact": 20 * H,
        "respond": 2 * H,
        "recover": 25 * H,
        "close": 40 * H,
        "money": [
            (
                21 * H,
                "compensate",
                {"kind": "coupon", "amount": money("50"), "customer_id": "C-401"},
            )
        ],
        "promise": (20 * H, 30 * H, 35 * H),
        "callbacks": [5],
        "baseline": 4.0,
    },
    {
        "id": "RPT-05",
        "type": "complaint",
        "level": "IV",
        "start": (2025, 9, 22, 11, 0),
        "customers": ["C-501"],
        "title": "Delivery two days late",
        "ack": 3 * H,
        "team": [("customer_service", "zhao.cs")],
        "contact": 30 * H,
        "respond": 4 * H,
        "recover": 48 * H,
        "close": 60 * H,
        "promise": (30 * H, 40 * H, None),
    },
    {
        "id": "RPT-06",
        "type": "service_dispute",
        "level": "III",
        "start": (2025, 9, 23, 10, 0),
        "customers": ["C-601"],
        "title": "Installation fee dispute",
        "ack": 3 * H,
        "team": [("customer_service", "zhou.cs"), ("legal", "qian.legal")],
        "contact": 25 * H,
        "respond": 4 * H,
        "recover": 30 * H,
        "close": 48 * H,
        "reopen": (72 * H, 80 * H, 90 * H),
        "money": [
            (
                26 * H,
                "compensate",
                {"kind": "refund", "amount": money("300"), "customer_id": "C-601"},
            )
        ],
    },
    {
        "id": "RPT-07",
        "type": "negative_publicity",
        "level": "II",
        "start": (2025, 9, 24, 20, 0),
        "customers": [],
        "title": "Forum thread on hidden fees",
        "ack": 20,
        "team": [("marketing", "chen.pr"), ("office", "li.office")],
        "statement": (8 * H, "media"),
        "respond": 60,
        "recover": 40 * H,
        "close": 60 * H,
        "money": [
            (2 * H, "record_expense", {"category": "pr", "amount": money("5000")}),
            (3 * H, "record_expense", {"category": "supplies", "amount": money("1500")}),
        ],
    },
    {
        "id": "RPT-08",
        "type": "product_quality",
        "level": "III",
        "start": (2025, 9, 29, 9, 0),
        "customers": ["C-801"],
        "title": "Loose screws in a chair batch",
        "ack": 60,
        "team": [("production_quality", "sun.qa")],
        "contact": 5 * H,
        "respond": 2 * H,
        "money": [(6 * H, "record_expense", {"category": "supplies", "amount": money("800")})],
        "promise": (5 * H, 48 * H, None),
    },
    {
        "id": "RPT-09",
        "type": "information_security",
        "level": "I",
        "start": (2025, 10, 1, 0, 30),
        "customers": ["C-901"],
        "title": "Customer addresses exposed",
        "ack": 12,
        "team": [("office", "li.office"), ("legal", "qian.legal"), ("general_manager", "wang.gm")],
        "contact": 50,
        "statement": (2 * H, "customers"),
        "respond": 15,
        "recover": 210,
        "close": 24 * H,
        "money": [
            (60, "compensate", {"kind": "gift", "amount": money("1000"), "customer_id": "C-901"}),
            (3 * H, "record_expense", {"category": "pr", "amount": money("2000")}),
        ],
    },
    {
        "id": "RPT-10",
        "type": "complaint",
        "level": "IV",
        "start": (2025, 10, 9, 10, 0),
        "customers": [],
        "title": "Rude reply on the hotline",
        "ack": None,
        "team": [],
    },
    {
        "id": "RPT-11",
        "type": "service_dispute",
        "level": "II",
        "start": (2025, 10, 10, 15, 0),
        "customers": ["C-111", "C-112"],
        "title": "Overseas order charged twice",
        "ack": 25,
        "team": [("customer_service", "zhao.cs"), ("marketing", "chen.pr")],
        "contact": 150,
        "statement": (11 * H, "customers"),
        "respond": 60,
        "recover": 72 * H,
        "close": 80 * H,
        "money": [
            (
                3 * H,
                "compensate",
                {"kind": "refund", "amount": money("120", "USD"), "customer_id": "C-111"},
            )
        ],
        "callbacks": [4, 2],
        "baseline": 4.0,
    },
    {
        "id": "RPT-12",
        "type": "management_failure",
        "level": "IV",
        "start": (2025, 10, 13, 9, 0),
        "customers": [],
        "title": "Store opened two hours late",
        "ack": 30,
        "team": [("general_manager", "wang.gm")],
        "respond": 60,
        "recover": 10 * H,
        "close": 20 * H,
        "money": [(2 * H, "record_expense", {"category": "supplies", "amount": money("600")})],
    },
]

for c in CRISES:
    base = dt.datetime(*c["start"], tzinfo=TZ)
    steps = []  # (minute, order, step)

    def add(minute, do, actor, args=None, order=5, *, base=base, steps=steps):
        step = {"at": at(base, minute), "do": do, "actor": actor}
        if args:
            step["args"] = args
        steps.append((minute, order, step))

    signal = {
        "channel": "hotline" if c["customers"] else "social_media",
        "description": c["title"],
        "customers": [{"customer_id": x} for x in c["customers"]],
    }
    add(0, "detect", "monitor", {"signals": [signal]}, order=0)
    add(0, "set_level", "analyst", {"level": c["level"], "reason": "graded at intake"}, order=1)
    if c.get("ack") is not None:
        add(c["ack"], "acknowledge", "crisis-office", order=2)
        add(c["ack"], "warn", "crisis-office", order=3)
        for role, person in c["team"]:
            add(c["ack"], "assign", "crisis-office", {"role": role, "person": person}, order=4)
    if c.get("contact") is not None:
        add(
            c["contact"],
            "handle_customer",
            "cs",
            {"customer_id": c["customers"][0], "step": "acknowledged"},
            order=6,
        )
    if "promise" in c:
        made, due, kept = c["promise"]
        add(
            made,
            "handle_customer",
            "cs",
            {
                "customer_id": c["customers"][0],
                "step": "promised",
                "note": "a call back with the outcome",
                "due_at": at(base, due),
            },
            order=7,
        )
        if kept is not None:
            add(
                kept,
                "handle_customer",
                "cs",
                {"customer_id": c["customers"][0], "step": "promise_kept"},
                order=7,
            )
    if "statement" in c:
        minute, audience = c["statement"]
        add(
            minute,
            "release_statement",
            "pr",
            {
                "audience": audience,
                "medium": "sms" if audience == "customers" else "press_release",
                "approved_by": c["team"][0][1],
                "approver_role": c["team"][0][0],
                "wording": "We are sorry and are putting it right.",
            },
        )
    if "respond" in c:
        add(c["respond"], "respond", "gm")
    for minute, do, args in c.get("money", []):
        add(minute, do, "finance", args)
    if "recover" in c:
        add(c["recover"], "recover", "gm", order=8)
        for i, score in enumerate(c.get("callbacks", [])):
            add(
                c["recover"] + 60,
                "record_callback",
                "cs",
                {"customer_id": c["customers"][i], "satisfaction": score},
                order=8,
            )
        if "baseline" in c:
            add(
                c["recover"] + 120,
                "assess_impact",
                "office",
                {
                    "assessment": {
                        "before": {"satisfaction": c["baseline"]},
                        "after": {"satisfaction": 3.0},
                        "period": "the week before and after",
                    }
                },
                order=8,
            )
    if "close" in c:
        add(
            c["close"] - 60,
            "record_review",
            "office",
            {
                "review": {
                    "root_cause": "see the case file",
                    "lessons": ["act sooner"],
                    "improvements": ["a checklist"],
                }
            },
            order=8,
        )
        add(c["close"], "close", "gm", {"summary": "handled"}, order=9)
    if "reopen" in c:
        again, recover, close = c["reopen"]
        add(again, "reopen", "cs", {"reason": "the customer called again"}, order=9)
        add(recover, "recover", "gm", order=9)
        add(close, "close", "gm", {"summary": "handled again"}, order=9)
    steps.sort(key=lambda s: (s[0], s[1]))
    scenario = {
        "type": "Scenario",
        "schema_version": 1,
        "format": 2,
        "name": f"{c['id']}: {c['title']}",
        "zone": "Asia/Shanghai",
        "start": at(base, 0),
        "crisis_id": c["id"],
        "crisis_type": c["type"],
        "title": c["title"],
        "steps": [s[2] for s in steps],
    }
    (OUT / f"{c['id'].lower()}.json").write_text(
        json.dumps(scenario, indent=1, ensure_ascii=False) + "\n"
    )
print("written", len(CRISES))
