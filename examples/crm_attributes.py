"""A CRM's own fields on its crises: a ticket link, a region, tags — declared once, checked, audited.

The host declares the attributes it keeps in the context; `set_attributes` checks every
value and records the change as an event, so the audit log says who linked which ticket
and when. A bad value is refused with a message naming what is allowed, and changes nothing.
"""

import pendulum

from crisiskit import Channel, Context, Crisis, CrisisType, CustomerRef, Signal, ValidationError
from crisiskit.app.describe import describe
from crisiskit.testing import ManualClock
from crisiskit.values.attributes import AttributeSchema, Choice, Flag, Tags, Text

SCHEMA = AttributeSchema(
    Text("crm_ticket", "CRM ticket", "CRM 工单", pattern=r"TK-[0-9]{4,8}"),
    Choice("region", "region", "大区", choices=("east", "north", "south", "west")),
    Flag("regulator_informed", "regulator informed", "已报监管"),
    Tags("tags", "tags", "标签"),
)

clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai"))
context = Context(clock, attributes=SCHEMA)
crises = [
    Crisis.detect(
        context,
        crisis_id=f"CR-{n}",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title=title,
        actor="hotline",
        signals=[Signal(Channel.HOTLINE, clock.now(), title, customers=[CustomerRef(f"C-{n}")])],
    )
    for n, title in enumerate(["Swollen yoghurt cups", "Late refunds in Hangzhou"], start=1)
]
clock.advance(minutes=5)
crises[0].set_attributes(
    {"crm_ticket": "TK-20250927", "region": "east", "tags": ["recall", "media"]}, actor="li.cs"
)
crises[1].set_attributes({"crm_ticket": "TK-20250928", "region": "east"}, actor="li.cs")
clock.advance(hours=2)
crises[0].set_attributes({"regulator_informed": True, "tags": None}, actor="gm.wang")

try:
    crises[1].set_attributes({"region": "central"}, actor="li.cs")
except ValidationError as refused:
    print("refused:", refused)

for crisis in crises:
    fields = ", ".join(f"{SCHEMA.get(n).label('en')}={v}" for n, v in crisis.attributes.items())
    print(f"{crisis.id}: {fields}")

east = [c.id for c in crises if c.attributes.get("region") == "east"]
print("east region:", ", ".join(east))
for event in crises[0].pull_events()[1:]:
    print(" ", describe(event, "en"), "/", describe(event, "zh"))
