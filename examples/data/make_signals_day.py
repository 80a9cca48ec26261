"""Generate signals-day.jsonl: one made-up but realistic day of signals (seeded, reproducible).

Saturday 27 September 2025, Asia/Shanghai. A yoghurt batch (key ``yoghurt-batch-0927``)
goes wrong: a few hotline calls about an odd taste in the morning, a Weibo post about a
foreign object at 11:05 that spreads through the afternoon (a big account reposts it at
15:40), complaints to the 12315 market-regulation hotline from 13:00, a news report at
16:20. Around it, the ordinary noise of a consumer brand: hotline calls and Weibo chatter
about twenty stores and products, hourly sales figures, and an evening promotion by a
celebrity that draws a lot of (friendly) attention. Some Weibo posts are crawled twice.

    python examples/data/make_signals_day.py > examples/data/signals-day.jsonl
"""

from __future__ import annotations

import json
import random
import sys

import pendulum

DAY = pendulum.datetime(2025, 9, 27, tz="Asia/Shanghai")
YOGHURT = "yoghurt-batch-0927"
rng = random.Random(20250927)
lines: list[tuple[pendulum.DateTime, dict[str, object]]] = []
counter = iter(range(1, 10**6))


def add(
    key: str, at: pendulum.DateTime, channel: str, text: str, ref: str, **metrics: float
) -> None:
    record: dict[str, object] = {
        "key": key,
        "channel": channel,
        "observed_at": at.to_iso8601_string(),
        "description": text,
        "source_ref": ref,
    }
    if metrics:
        record["metrics"] = {k: round(v, 2) for k, v in metrics.items()}
    lines.append((at, record))


def minute(start: float, end: float) -> pendulum.DateTime:
    return DAY.add(seconds=round(rng.uniform(start, end) * 3600))


# --- the yoghurt batch ---------------------------------------------------------------
for hour in (8.6, 9.4, 10.2):
    add(
        YOGHURT,
        minute(hour, hour + 0.5),
        "hotline",
        "Caller: the yoghurt from batch 0927 tastes sour and odd",
        f"call-{next(counter)}",
    )
posts = []
for _ in range(40):  # 11:05-15:40: the story spreads
    posts.append(minute(11.08, 15.6))
for _ in range(70):  # after the big repost
    posts.append(minute(15.67, 23.9))
posts.sort()
for i, at in enumerate(posts):
    hour = at.hour + at.minute / 60
    heat = (
        rng.randint(10, 60)
        if hour < 13
        else rng.randint(40, 160)
        if hour < 15.6
        else rng.randint(60, 200)
    )
    negative = rng.random() < (0.3 if hour < 15.6 else 0.38)
    sentiment = -rng.uniform(0.4, 1) if negative else rng.uniform(-0.1, 0.6)
    ref = f"weibo:{YOGHURT}:{i}"
    add(
        YOGHURT,
        at,
        "social_media",
        "Weibo: foreign object found in a cup of batch 0927 yoghurt",
        ref,
        heat=heat,
        sentiment=sentiment,
    )
    if rng.random() < 0.08:  # crawled again a little later
        add(
            YOGHURT,
            at.add(minutes=rng.randint(2, 20)),
            "social_media",
            "Weibo: foreign object found in a cup of batch 0927 yoghurt",
            ref,
            heat=heat,
            sentiment=sentiment,
        )
add(
    YOGHURT,
    DAY.add(hours=15, minutes=40),
    "social_media",
    "Weibo: a food blogger with 3 million followers reposts the foreign-object photo",
    "weibo:bigv-repost",
    heat=6500,
    sentiment=-0.9,
)
for _ in range(9):
    add(
        YOGHURT,
        minute(13, 21),
        "hotline",
        "12315 market-regulation hotline: complaint about batch 0927 forwarded",
        f"12315-{next(counter)}",
    )
for _ in range(14):
    add(
        YOGHURT,
        minute(12, 22),
        "hotline",
        "Caller asks for a refund for batch 0927 yoghurt",
        f"call-{next(counter)}",
        satisfaction=rng.uniform(40, 70),
    )
add(
    YOGHURT,
    DAY.add(hours=16, minutes=20),
    "news_media",
    "Local news: shoppers report foreign objects in yoghurt",
    "news:local-1627",
    heat=300,
    sentiment=-0.6,
)
for hour in range(7, 23):
    add(
        YOGHURT,
        DAY.add(hours=hour, minutes=59),
        "sales_data",
        "Hourly sales of batch 0927",
        f"sales-{YOGHURT}-{hour}",
        orders=rng.randint(2500, 3500),
    )

# --- the ordinary noise -----------------------------------------------------------------
stores = [f"store-{n:02d}" for n in range(1, 21)]
for key in stores:
    for _ in range(rng.randint(4, 9)):
        text, complaint = rng.choice(
            [
                ("Caller asks about opening hours", 0),
                ("Caller: delivery arrived late", 1),
                ("Caller: wrong item in the bag", 1),
                ("Caller asks how to use a coupon", 0),
            ]
        )
        add(
            key,
            minute(8, 22),
            "hotline",
            text,
            f"call-{next(counter)}",
            satisfaction=rng.uniform(70, 95),
            complaint=complaint,
        )
    for _ in range(rng.randint(2, 8)):
        add(
            key,
            minute(8, 23.5),
            "social_media",
            "Weibo: a post mentioning the store",
            f"weibo:{key}:{next(counter)}",
            heat=rng.randint(1, 25),
            sentiment=rng.uniform(-0.5, 0.9),
        )
    for hour in range(8, 22):
        add(
            key,
            DAY.add(hours=hour, minutes=59),
            "sales_data",
            "Hourly sales",
            f"sales-{key}-{hour}",
            orders=rng.randint(900, 1600),
        )
for _ in range(18):  # the evening promotion: a lot of friendly heat
    add(
        "coffee-promo",
        minute(19, 21),
        "social_media",
        "Weibo: a singer shares the new coffee promotion",
        f"weibo:promo:{next(counter)}",
        heat=rng.randint(20, 90),
        sentiment=rng.uniform(0.3, 1),
    )

lines.sort(key=lambda item: (item[0], str(item[1]["source_ref"])))
for _, record in lines:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
