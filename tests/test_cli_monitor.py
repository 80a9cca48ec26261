"""The ``crisiskit monitor`` command on the example day of signals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisiskit.app.cli import main

DATA = Path(__file__).parent.parent / "examples" / "data"
STREAM = str(DATA / "signals-day.jsonl")
CRISES = str(DATA / "real-crises.jsonl")


def test_the_example_day_opens_the_yoghurt_crisis_and_backtests_it(capsys) -> None:
    args = ["monitor", STREAM, "--crises", CRISES, "--type", "product_quality", "--color", "never"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "704 signals, 22 keys" in out
    assert "13:03  yoghurt-batch-0927   open a crisis IV (minor) MON-000001" in out
    assert "raise the level II (significant) MON-000001" in out
    assert "CR-2025-0927: 3 h 26 min" in out
    assert "MON-000002 (coffee-promo)" in out  # the friendly promotion: a false alarm
    assert "5 duplicate(s)" in out


def test_in_chinese(capsys) -> None:
    args = ["monitor", STREAM, "--crises", CRISES, "--type", "product_quality", "--lang", "zh"]
    assert main([*args, "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert max(map(len, out.splitlines())) <= 80

    def squeezed(text):  # wrapped lines joined again, and spaces dropped where lines broke
        return "".join(text.split())

    assert squeezed("立案 IV级（轻微） MON-000001：舆情热度 585 ≥ IV级阈值 500") in squeezed(out)
    assert "早于实际发现的时间" in out
    assert "CR-2025-0927: 3小时26分钟" in out


def test_as_json(capsys) -> None:
    args = ["monitor", STREAM, "--crises", CRISES, "--type", "product_quality", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backtest"]["matches"][0]["lead_time_seconds"] == 3 * 3600 + 26 * 60 + 18
    assert [a["key"] for a in data["backtest"]["false_alarms"]] == ["coffee-promo"]
    assert data["counts"]["duplicate"] == 5
    first = next(d for d in data["decisions"] if d["kind"] == "open")
    assert first["reason"]["zh"].startswith("舆情热度 585")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "stream.jsonl:1: not JSON"),
        ('{"channel": "hotline"}', 'stream.jsonl:1: "key" must be a non-blank string'),
        (
            '{"key": "a", "channel": "pigeon", "observed_at": "2025-09-27T08:00:00Z", "description": "x"}',
            "stream.jsonl:1:",
        ),
        ("[1, 2]", "each line is a JSON object"),
    ],
)
def test_a_bad_stream_is_one_line_on_stderr_and_exit_2(tmp_path, capsys, line, message) -> None:
    path = tmp_path / "stream.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    assert main(["monitor", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_options_exit_2(capsys) -> None:
    assert main(["monitor", STREAM, "--buckets", "0"]) == 2
    assert "buckets must be a whole number" in capsys.readouterr().err
    assert main(["monitor", STREAM, "--open-at", "V"]) == 2
    assert "open_at" in capsys.readouterr().err


def test_on_business_time(capsys) -> None:
    assert main(["monitor", STREAM, "--calendar", "china", "--window", "8h", "--buckets", "8"]) == 0
    out = capsys.readouterr().out
    assert "business time on the China working calendar" in out
