"""The README's 30-second tour, as a script: values, labels, money, and a lossless round trip."""

import pendulum

from crisiskit import Channel, CrisisType, CustomerRef, Level, Money, Signal, from_json, to_json


def main() -> None:
    signal = Signal(
        channel=Channel.SOCIAL_MEDIA,
        observed_at=pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai"),
        description="Weibo post: foreign object found in a yoghurt cup",
        customers=[CustomerRef("C-10086", name="Zhang Wei", tier="VIP")],
        metrics={"heat": 8200, "negative_ratio": 0.41},
    )
    assert from_json(to_json(signal)) == signal

    print(f"signal from {signal.channel.label('en')} / {signal.channel.label('zh')}")
    print(
        f"  observed at {signal.observed_at.in_timezone('Asia/Shanghai').to_datetime_string()} (Asia/Shanghai)"
    )
    print(f"  metrics: {dict(signal.metrics)}")
    print(
        f"crisis type: {CrisisType.PRODUCT_QUALITY.label('en')} / {CrisisType.PRODUCT_QUALITY.label('zh')}"
    )
    for level in sorted(Level, reverse=True):
        print(
            f"  level {level.value:<3} {level.label('en'):<12} {level.label('zh')}  {level.colour.label('zh')}"
        )
    budget = Money("50000", "CNY")
    spent = Money("1200.50", "CNY") + Money("300", "CNY")
    print(f"compensation so far {spent} of {budget}; left {budget - spent}")


if __name__ == "__main__":
    main()
