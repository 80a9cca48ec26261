"""The monitor, worked by hand: thresholds, flat streams, hysteresis, deduplication,
attaching, snoozing, business-time windows, saved state and refused input."""

from __future__ import annotations

import datetime as dt
import pickle

import pendulum
import pytest

from crisiskit import Channel, Signal
from crisiskit.calendar import china_working_calendar
from crisiskit.errors import CalendarError, CrisisKitError, ValidationError
from crisiskit.grading import DEFAULT_RULES
from crisiskit.grading.explanation import Bilingual
from crisiskit.grading.indicators import IndicatorRule
from crisiskit.messages import Message, _
from crisiskit.monitor import (
    DecisionKind,
    Monitor,
    MonitorConfig,
    MonitorState,
    Window,
    decide,
    default_rules,
)
from crisiskit.serialization import from_json, to_json
from crisiskit.values.clock import ManualClock
from crisiskit.values.levels import Level

T0 = pendulum.datetime(2025, 9, 27, 8, tz="Asia/Shanghai")
N = DecisionKind


def post(
    minutes: float,
    heat: float,
    *,
    ref: str | None = None,
    sentiment: float | None = None,
    topic: str = "yoghurt",
    channel: Channel = Channel.SOCIAL_MEDIA,
) -> Signal:
    metrics: dict[str, float] = {"heat": heat}
    if sentiment is not None:
        metrics["sentiment"] = sentiment
    return Signal(
        channel,
        T0.add(seconds=round(minutes * 60)),
        f"{topic}: Weibo post",
        metrics=metrics,
        source_ref=ref,
    )


def by_topic(signal: Signal) -> str:
    return signal.description.split(":", 1)[0]


def monitor(**settings: object) -> Monitor:
    return Monitor(MonitorConfig(**settings), clock=ManualClock(T0), key=by_topic)  # type: ignore[arg-type]


def kinds(decisions: list) -> list[str]:
    return [d.kind.value for d in decisions]


def test_rising_weibo_heat_opens_at_level_ii_at_the_signal_that_crosses_10000() -> None:
    m = monitor(open_at="II")
    # cumulative heat in the 24-hour window: 3 000 (III), 6 000, 9 000, 11 000 (II)
    decisions = m.feed_many([post(i * 30, h) for i, h in enumerate([3000, 3000, 3000, 2000])])
    assert kinds(decisions) == ["watch", "watch", "watch", "open"]
    opened = decisions[3]
    assert opened.level is Level.II
    assert opened.crisis_id == "MON-000001"
    assert opened.reading["heat"] == 11_000
    assert opened.reason.en.startswith("public-opinion heat 11000 ≥ 10000, the II threshold")
    assert "舆情热度 11000 ≥ II级阈值 10000" in opened.explain("zh")
    assert len(opened.signals) == 4  # the evidence, ready for Crisis.detect(signals=...)


def test_an_open_decision_is_ready_for_crisis_detect() -> None:
    from crisiskit.crisis import Context, Crisis

    m = monitor()
    opened = m.feed(post(0, 600, ref="w1"))
    assert opened.kind is N.OPEN
    crisis = Crisis.detect(
        Context(ManualClock(opened.at)),
        crisis_id=opened.crisis_id,
        crisis_type=opened.crisis_type,
        title="Weibo heat on yoghurt",
        actor="monitor",
        signals=opened.signals,
        reason=opened.reason.en,
    )
    assert crisis.id == "MON-000001"


def test_a_flat_stream_never_warns() -> None:
    m = monitor(crisis_type="product_quality")
    stream = []
    for hour in range(72):
        stream.append(post(hour * 60, 10, sentiment=0.2))  # 240 heat a day, half the IV mark is 250
        stream.append(
            Signal(Channel.HOTLINE, T0.add(hours=hour, minutes=30), "yoghurt: where is my order")
        )
    assert set(kinds(m.feed_many(stream))) == {"none"}


def test_a_spike_then_decay_does_not_flap() -> None:
    m = monitor(window=dt.timedelta(hours=1), buckets=60)  # one-minute buckets, hysteresis 10 %
    first = m.feed(post(0, 600))
    assert (first.kind, first.level) == (N.OPEN, Level.IV)
    assert m.closed("MON-000001")  # the host dismissed it
    # an hour later the spike has left the window: 480 is below the IV mark 500, but above
    # its release point 450, so the key is not re-armed …
    assert m.feed(post(61, 480)).kind is N.NONE
    # … and climbing back over 500 does not open a second crisis
    held = m.feed(post(62, 30))
    assert (held.kind, held.level) == (N.WATCH, Level.IV)
    assert "hysteresis" in held.reason.en
    assert "滞后" in held.reason.zh
    # only once the readings fell below 450 does a new rise open again
    assert m.feed(post(180, 100)).kind is N.NONE
    again = m.feed(post(181, 450))
    assert (again.kind, again.crisis_id) == (N.OPEN, "MON-000002")


def test_without_hysteresis_the_same_stream_flaps() -> None:
    m = monitor(window=dt.timedelta(hours=1), buckets=60, hysteresis=0)
    m.feed(post(0, 600))
    m.closed("MON-000001")
    m.feed(post(61, 480))
    assert m.feed(post(62, 30)).kind is N.OPEN


def test_a_repeated_signal_id_counts_once() -> None:
    m = monitor()
    assert m.feed(post(0, 300, ref="weibo:4711")).kind is N.WATCH
    again = m.feed(post(5, 300, ref="weibo:4711"))
    assert again.kind is N.DUPLICATE
    assert again.readings == ()
    window = m.window("yoghurt")
    assert window is not None
    assert (window.count(), window.heat()) == (1, 300)
    assert m.feed(post(6, 300, ref="weibo:4712")).kind is N.OPEN  # a new post does count


def test_a_signal_for_an_open_crisis_attaches_instead_of_opening_a_second() -> None:
    m = monitor()
    opened = m.feed(post(0, 800))
    later = m.feed_many([post(60, 50), post(120, 900), post(130, 20, topic="milk")])
    assert [(d.kind, d.crisis_id) for d in later[:2]] == [
        (N.ATTACH, opened.crisis_id),
        (N.ATTACH, opened.crisis_id),
    ]
    assert later[2].kind is N.NONE  # another key
    assert later[0].signals == (post(60, 50),)
    assert m.open_crises() == {"yoghurt": ("MON-000001", Level.IV)}


def test_worse_readings_raise_the_open_crisis() -> None:
    m = monitor()
    m.feed(post(0, 600))
    raised = m.feed(post(10, 2000))
    assert (raised.kind, raised.level, raised.crisis_id) == (N.RAISE, Level.III, "MON-000001")
    assert "raise from IV to III" in raised.reason.en
    assert m.open_crises()["yoghurt"] == ("MON-000001", Level.III)


def test_after_the_merge_window_a_quiet_key_must_calm_down_before_opening_again() -> None:
    m = monitor(merge_window=dt.timedelta(hours=2))
    m.feed(post(0, 600))
    assert m.feed(post(60, 10)).kind is N.ATTACH
    # four hours of silence: the crisis is forgotten; heat 610 is still above 450
    assert m.feed(post(300, 0)).kind is N.WATCH
    assert m.open_crises() == {}


def test_the_host_tells_the_monitor_about_a_crisis_it_opened() -> None:
    m = monitor()
    m.opened("yoghurt", "CR-2025-0927", "III", at=T0)
    assert (m.feed(post(1, 600)).kind, m.feed(post(2, 2000)).kind) == (N.ATTACH, N.ATTACH)
    assert m.feed(post(3, 8000)).kind is N.RAISE  # 10 600 reaches II
    assert m.closed("CR-2025-0927")
    assert not m.closed("CR-2025-0927")


def test_snoozing_a_key_suppresses_warnings_until_it_ends() -> None:
    clock = ManualClock(T0)
    m = Monitor(MonitorConfig(), clock=clock, key=by_topic)
    end = m.snooze("yoghurt", duration=dt.timedelta(hours=2))
    assert end == T0.add(hours=2)
    quiet = m.feed(post(0, 900))
    assert (quiet.kind, quiet.level) == (N.SNOOZED, Level.IV)
    assert "snoozed" in quiet.reason.en
    assert "暂停" in quiet.reason.zh
    clock.advance(hours=3)
    assert m.feed(post(180, 10)).kind is N.OPEN


def test_growth_and_decline_over_business_time_windows_on_the_china_calendar() -> None:
    """Tuesday 30 September 2025, then eight days of National Day holiday, then Thursday 9 October.

    On the working calendar the window before Thursday is Tuesday; in wall time it is the
    empty Wednesday of the holiday.
    """
    tuesday = pendulum.datetime(2025, 9, 30, 10, tz="Asia/Shanghai")
    thursday = pendulum.datetime(2025, 10, 9, 17, tz="Asia/Shanghai")

    def signals(at: pendulum.DateTime, negatives: int, satisfaction: float) -> list[Signal]:
        out = [
            Signal(
                Channel.SOCIAL_MEDIA,
                at.add(seconds=i),
                "yoghurt: post",
                metrics={"heat": 1, "sentiment": -0.7},
            )
            for i in range(negatives)
        ]
        out += [
            Signal(
                Channel.HOTLINE,
                at.add(minutes=30, seconds=i),
                "yoghurt: callback",
                metrics={"satisfaction": satisfaction},
            )
            for i in range(4)
        ]
        return out

    stream = signals(tuesday, 20, 90) + signals(thursday, 30, 80)
    common = {"crisis_type": "product_quality", "min_sample": 1000}
    business = monitor(
        calendar=china_working_calendar([2025]), window=dt.timedelta(hours=8), buckets=8, **common
    )
    business.feed_many(stream)
    window = business.window("yoghurt")
    assert window is not None
    readings = business.readings(window)
    assert readings["negative_report_growth"] == pytest.approx(0.5)  # (30 - 20) / 20
    assert readings["satisfaction_decline"] == pytest.approx(10)  # 90 → 80
    assert business.open_crises()["yoghurt"][1] is Level.II  # a 10-point decline is II

    wall = monitor(window=dt.timedelta(hours=8), buckets=8, **common)
    wall.feed_many(stream)
    window = wall.window("yoghurt")
    assert window is not None
    readings = wall.readings(window)
    assert "negative_report_growth" not in readings  # nothing to compare with
    assert "satisfaction_decline" not in readings


def test_a_host_indicator_by_subclassing() -> None:
    refunds = IndicatorRule(
        indicator="refund_requests",
        label=Bilingual("refund requests", "退款申请"),
        thresholds={"IV": 5, "III": 20},
    )

    class RefundMonitor(Monitor):
        def readings(self, window: Window) -> dict[str, float]:
            return {**super().readings(window), "refund_requests": window.total("refunds")}

    m = RefundMonitor(
        MonitorConfig(rules=(*DEFAULT_RULES, refunds), track=("refunds",)),
        clock=ManualClock(T0),
        key=lambda s: "store-12",
    )
    decisions = m.feed_many(
        Signal(Channel.ONLINE_SERVICE, T0.add(minutes=i), "refund", metrics={"refunds": 3})
        for i in range(3)
    )
    assert kinds(decisions) == ["watch", "open", "attach"]
    assert (
        decisions[1].reason.en
        == "refund requests 6 ≥ 5, the IV threshold; 2 recent signal(s) as evidence"
    )
    with pytest.raises(ValidationError, match="only tracked metrics"):
        m.window("store-12").total("orders")  # type: ignore[union-attr]


def test_default_rules_per_crisis_type_are_data() -> None:
    assert [r.indicator for r in default_rules("complaint")] == [
        "complaint_rate",
        "satisfaction_decline",
    ]
    assert default_rules("natural_disaster") == DEFAULT_RULES
    assert decide(DEFAULT_RULES, {"heat": 400, "count_growth": 0.5})[0] is N.WATCH
    assert decide(DEFAULT_RULES, {"heat": 400})[0] is N.NONE  # not rising


def test_the_complaint_rate_needs_orders() -> None:
    m = monitor(crisis_type="complaint")
    m.feed(Signal(Channel.SALES_DATA, T0, "yoghurt: orders", metrics={"orders": 6000}))
    decisions = m.feed_many(
        Signal(Channel.HOTLINE, T0.add(minutes=i + 1), "yoghurt: complaint") for i in range(6)
    )
    assert decisions[5].reading["complaint_rate"] == 1  # 6 per 6 000 orders
    assert kinds(decisions) == ["none", "none", "watch", "watch", "watch", "open"]


def test_state_round_trips_through_json_and_continues() -> None:
    m = monitor()
    m.feed_many([post(0, 300, ref="a"), post(1, 300, ref="b"), post(2, 50)])
    m.snooze("milk", until=T0.add(days=1))
    text = to_json(m.state())
    restored = Monitor(
        MonitorConfig(), clock=ManualClock(T0), key=by_topic, state=from_json(text, MonitorState)
    )
    assert restored.state() == m.state()
    assert restored.feed(post(3, 1, ref="a")).kind is N.DUPLICATE
    assert restored.feed(post(4, 10)) == m.feed(post(4, 10))


def test_a_state_made_under_other_settings_is_refused() -> None:
    state = monitor().state()
    with pytest.raises(ValidationError, match="other settings"):
        Monitor(MonitorConfig(buckets=48), clock=ManualClock(T0), key=by_topic, state=state)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"window": dt.timedelta(0)}, "window must be a positive timedelta"),
        ({"buckets": 0}, "buckets must be a whole number from 1 to 1440"),
        ({"window": dt.timedelta(seconds=1), "buckets": 7}, "equal"),
        ({"hysteresis": 1}, r"hysteresis is a fraction in \[0, 1\)"),
        ({"watch_at": -0.1}, r"watch_at is a fraction in \[0, 1\]"),
        ({"satisfaction_baseline": 120}, "score from 0 to 100"),
        ({"rules": ()}, "at least one IndicatorRule"),
        ({"open_at": "V"}, "open_at"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(CrisisKitError, match=message):
        MonitorConfig(**settings)  # type: ignore[arg-type]


def test_refused_input_changes_nothing() -> None:
    m = Monitor(MonitorConfig(), clock=ManualClock(T0), key=lambda s: s.source_ref)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValidationError, match="key function must return a non-blank string"):
        m.feed(post(0, 600))  # no source_ref: the key function returns None
    with pytest.raises(ValidationError, match="takes a Signal"):
        m.feed({"heat": 600})  # type: ignore[arg-type]
    assert len(m) == 0
    with pytest.raises(ValidationError, match="either until= or duration="):
        m.snooze("x")
    on_calendar = monitor(calendar=china_working_calendar([2025]), window=dt.timedelta(hours=8))
    with pytest.raises(CalendarError):
        on_calendar.feed(
            post(0, 600).__class__(
                Channel.SOCIAL_MEDIA, pendulum.datetime(2031, 1, 1, tz="UTC"), "yoghurt: x"
            )
        )
    assert len(on_calendar) == 0
    assert on_calendar.state().keys == ()


def test_a_signal_older_than_both_windows_is_late() -> None:
    m = monitor()
    m.feed(post(3 * 24 * 60, 10))
    late = m.feed(post(0, 10_000))
    assert late.kind is N.LATE
    assert m.window("yoghurt").heat() == 10  # type: ignore[union-attr]


def test_a_reason_said_later_is_the_reason_said_now() -> None:
    """``Bilingual._later`` makes its message on the first read, once, and is then ``of``'s."""
    made: list[int] = []

    def message() -> Message:
        made.append(1)
        return _("{head}: {reason}", head="open II", reason="heat 12000")

    now = Bilingual.of(message())
    made.clear()
    later = Bilingual._later(message)
    assert made == []  # nothing said before it is read
    assert (later.zh, later.en) == ("open II：heat 12000", "open II: heat 12000")
    assert made == [1]  # said once, for both languages
    assert later == now
    assert now == later
    assert hash(later) == hash(now)
    assert repr(later) == "Bilingual(en='open II: heat 12000', zh='open II：heat 12000')"
    assert pickle.loads(pickle.dumps(Bilingual._later(message))) == now
    assert to_json(Bilingual._later(message)) == to_json(now)
    with pytest.raises(AttributeError):
        getattr(now, "missing")  # noqa: B009 - the attribute is looked up by name on purpose
