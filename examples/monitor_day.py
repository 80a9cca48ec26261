"""A day of signals through the monitor: a crisis opened at the right moment, then fed.

Reads ``examples/data/signals-day.jsonl`` — a generated but realistic Saturday of hotline
calls, Weibo posts, 12315 complaints, a news report and hourly sales about twenty stores and
a yoghurt batch — and feeds it to a :class:`~crisiskit.monitor.Monitor` watching for
product-quality crises. When the monitor says *open*, the host opens a crisis with the
signals that justify it; *attach* and *raise* go to that crisis. The evening's celebrity
promotion draws friendly heat and a warning, which the host dismisses (and tells the
monitor). At the end the same stream is backtested against the crisis the company really
opened, by hand, at 16:30.

Run it with ``python examples/monitor_day.py`` (``--lang zh`` for Chinese).
"""

import sys
from pathlib import Path

from crisiskit import Context, Crisis
from crisiskit.app.describe import duration_text
from crisiskit.app.monitoring import read_real_crises, read_signal_stream
from crisiskit.monitor import DecisionKind, Monitor, MonitorConfig, backtest_monitor
from crisiskit.testing import ManualClock

DATA = Path(__file__).resolve().parent / "data"
ZONE = "Asia/Shanghai"


def main(lang: str = "en") -> None:
    stream = read_signal_stream((DATA / "signals-day.jsonl").read_text(encoding="utf-8"))
    config = MonitorConfig(crisis_type="product_quality")
    clock = ManualClock(stream.signals[0].observed_at)
    monitor = Monitor(config, clock=clock, key=stream.key_function())
    crises: dict[str, Crisis] = {}
    counts = dict.fromkeys(DecisionKind, 0)

    for signal in stream.signals:
        clock.set(max(clock.now(), signal.observed_at))
        decision = monitor.feed(signal)
        counts[decision.kind] += 1
        when = decision.at.in_timezone(ZONE).format("HH:mm")
        if decision.kind is DecisionKind.OPEN:
            assert decision.crisis_id is not None
            crisis = Crisis.detect(
                Context(clock),
                crisis_id=decision.crisis_id,
                crisis_type=decision.crisis_type,
                title=f"Warning on {decision.key}",
                actor="monitor",
                signals=decision.signals,
                reason=decision.reason.text(lang),
            )
            assert decision.level is not None
            crisis.set_level(decision.level, actor="monitor", reason=decision.reason.text(lang))
            crises[decision.crisis_id] = crisis
            print(f"{when}  {decision.explain(lang)}")
            if decision.key == "coffee-promo":  # the marketing team knows this one
                crisis.dismiss(actor="marketing", reason="our own promotion: friendly heat")
                monitor.closed(decision.crisis_id)
                print(f"{when}  ↳ dismissed by marketing; the monitor is told")
        elif decision.kind is DecisionKind.RAISE:
            assert decision.crisis_id is not None
            assert decision.level is not None
            crisis = crises[decision.crisis_id]
            crisis.attach_signal(signal, actor="monitor")
            crisis.set_level(decision.level, actor="monitor", reason=decision.reason.text(lang))
            print(f"{when}  {decision.explain(lang)}")
        elif decision.kind is DecisionKind.ATTACH:
            assert decision.crisis_id is not None
            crises[decision.crisis_id].attach_signal(signal, actor="monitor")

    yoghurt = crises["MON-000001"]
    print()
    print(
        f"{yoghurt.id}: level {yoghurt.level.value if yoghurt.level else '—'}, "
        f"{len(yoghurt.signals)} signals, state {yoghurt.state.value}"
    )
    print(
        f"decisions: {counts[DecisionKind.OPEN]} open, {counts[DecisionKind.RAISE]} raise, "
        f"{counts[DecisionKind.ATTACH]} attach, {counts[DecisionKind.WATCH]} watch, "
        f"{counts[DecisionKind.DUPLICATE]} duplicate, {counts[DecisionKind.NONE]} none"
    )

    real = read_real_crises((DATA / "real-crises.jsonl").read_text(encoding="utf-8"))
    result = backtest_monitor(stream.signals, real, key=stream.key_function(), config=config)
    for match in result.matches:
        lead = (
            "missed" if match.lead_time is None else f"lead time {duration_text(match.lead_time)}"
        )
        print(f"backtest: {match.crisis.crisis_id} really detected 16:30 — {lead}")
    print(
        f"backtest: {len(result.warnings)} warnings, {len(result.false_alarms)} false alarm(s) "
        f"({', '.join(w.key for w in result.false_alarms)}), {len(result.misses)} miss(es)"
    )


if __name__ == "__main__":
    main("zh" if "--lang" in sys.argv and sys.argv[-1] == "zh" else "en")
