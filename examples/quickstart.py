"""The README's 30-second tour: a product-quality crisis from first signal to close.

Run it with ``python examples/quickstart.py``. Everything runs on a manual clock, so the
output is the same every time.
"""

import pendulum

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    Level,
    Money,
    Signal,
    StoredEvent,
    verify,
)
from crisiskit.events import stored
from crisiskit.operations.review import Review
from crisiskit.testing import ManualClock

SHANGHAI = "Asia/Shanghai"


def main() -> None:
    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, 0, tz=SHANGHAI))
    context = Context(clock)

    first = Signal(
        channel=Channel.SOCIAL_MEDIA,
        observed_at=clock.now(),
        description="Weibo post: foreign object found in a yoghurt cup, 8k reposts",
        customers=[CustomerRef("C-10086", name="Zhang Wei", tier="VIP")],
        metrics={"heat": 8200, "negative_ratio": 0.41},
    )
    crisis = Crisis.detect(
        context,
        crisis_id="CR-2025-0927",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Foreign object in yoghurt, batch 0925",
        actor="opinion-monitor",
        signals=[first],
    )

    clock.advance(minutes=12)
    crisis.set_level(Level.II, actor="li.na", reason="risk matrix: likelihood 3 x impact 4 = 12")
    clock.advance(minutes=3)
    crisis.warn(actor="crisis-office")
    clock.advance(minutes=10)
    crisis.attach_signal(
        Signal(
            Channel.HOTLINE,
            clock.now(),
            "Three more callers report the same batch",
            customers=[CustomerRef("C-20011"), CustomerRef("C-20012"), CustomerRef("C-20013")],
        ),
        actor="hotline",
    )
    crisis.respond(actor="gm.wang")
    crisis.update_facts(actor="crisis-office", place="Shanghai, Pudong plant", customers_affected=4)
    clock.advance(hours=30)
    crisis.recover(actor="gm.wang", reason="batch recalled, all four customers compensated")
    clock.advance(days=5)
    crisis.record_review(
        Review(
            root_cause="a supplier's cup seals cracked under cold-chain vibration",
            lessons=["seal strength was never part of incoming inspection"],
            improvements=["add a seal test to incoming quality inspection"],
        ),
        actor="crisis-office",
    )
    crisis.close("Batch 0925 recalled; seal supplier changed", actor="gm.wang")

    events = crisis.pull_events()
    print(f"{crisis.title} — {crisis.crisis_type.label('en')} / {crisis.crisis_type.label('zh')}")
    for event in events:
        local = event.occurred_at.in_timezone(SHANGHAI).format("MM-DD HH:mm")
        print(
            f"  {local}  v{event.sequence}  {event.name:<16} {event.label('zh')}  by {event.actor}"
        )
    level = crisis.level
    assert level is not None
    print(
        f"level {level.value}: {level.label('en')} / {level.label('zh')}, {level.colour.label('zh')}"
    )
    print(f"{len(crisis.customers)} customers affected; state {crisis.state.label('zh')}")

    # The events are the record: store each one's sealed form as a line of JSON, load them,
    # verify the chain, rebuild.
    lines = [stored(event).to_json() for event in events]
    loaded = [StoredEvent.from_json(line) for line in lines]
    assert Crisis.replay(loaded) == crisis
    print(
        f"replayed {len(loaded)} events: equal to the live crisis; hash chain ok = {verify(loaded).ok}"
    )

    budget = Money("50000", "CNY")
    spent = Money("1200.50", "CNY") + Money("300", "CNY")
    print(f"compensation so far {spent} of {budget}; left {budget - spent}")


if __name__ == "__main__":
    main()
