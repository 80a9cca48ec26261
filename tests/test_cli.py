import json
import subprocess
import sys

import pytest

import crisiskit
from crisiskit.app.cli import main
from crisiskit.app.scenarios import text as scenario_text
from crisiskit.crisis.lifecycle import to_dot, to_mermaid


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "crisiskit", *args], capture_output=True, text=True, check=False
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"crisiskit {crisiskit.__version__}"


def test_console_entry_point_runs_as_a_module():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"crisiskit {crisiskit.__version__}"


def flat(text):
    """Output with its wrapped lines joined again (by one space, like the wrap split them)."""
    return " ".join(text.split())


def test_demo_plays_the_crisis_to_close_with_figures(capsys):
    assert main(["demo", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "crisis detected" in out
    assert "level changed: ungraded → II" in out
    assert "⚠ progress update BREACHED at 09-28 02:00" in flat(out)
    assert "✗ respond refused: cannot respond" in out
    assert "respond (step 9), close (step 39)" in out  # steps are counted from 1
    assert "crisis closed" in out
    assert "time to acknowledge                    22 min" in out
    assert "progress update breached" in out
    assert "319.70 CNY" in out
    assert "\033[" not in out


def test_demo_in_chinese_with_colour(capsys):
    assert main(["demo", "--lang", "zh", "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "考核指标" in out
    assert "二级预警（较大危机）" in out
    assert "\033[1;31mI" in out  # level I in red


def test_demo_json_is_machine_readable(capsys):
    assert main(["demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["crisis"]["state"] == "closed"
    assert data["events"][0]["type"] == "CrisisDetected"
    assert data["metrics"]["time_to_acknowledge"] == "PT22M"


def test_simulate_a_scenario_file_until_a_time(tmp_path, capsys):
    path = tmp_path / "scenario.json"
    path.write_text(scenario_text("food_safety"), encoding="utf-8")
    assert main(["simulate", str(path), "--until", "2025-09-27 21:00", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["crisis"]["state"] == "responding"
    assert data["ended_at"] == "2025-09-27T13:00:00Z"
    assert all(e["occurred_at"] <= "2025-09-27T13:00:00Z" for e in data["events"])


def test_grade_explains_the_level(tmp_path, capsys):
    path = tmp_path / "input.json"
    path.write_text(
        json.dumps(
            {
                "crisis_type": "product_quality",
                "factors": {
                    "severity": 3,
                    "scope": 3,
                    "trend": 4,
                    "brand_damage": 4,
                    "customer_loss": 3,
                    "economic_loss": 2,
                    "legal_risk": 3,
                },
            }
        ),
        encoding="utf-8",
    )
    assert main(["grade", str(path), "--policy", "risk-matrix", "--at", "2025-09-27T12:10Z"]) == 0
    assert capsys.readouterr().out.startswith(
        "Level II (significant), orange: risk-matrix@1, score 12"
    )
    assert (
        main(["grade", str(path), "--policy", "risk-matrix", "--at", "2025-09-27T12:10Z", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["level"] == "II"


def test_calendar_queries_on_the_china_calendar(capsys):
    # Sat 27 Sep 20:00: Sunday 28th is a make-up working day (8 h), Mon 29th and Tue 30th
    # 8 h each = 24 h; National Day closes 1-8 Oct; the last 2 h fall on Thu 9 Oct 09:00-11:00.
    assert main(["calendar", "2025-09-27 20:00", "--add", "26h"]) == 0
    assert "26 working hours from 2025-09-27 20:00 ends at 2025-10-09 11:00 Thursday" in (
        flat(capsys.readouterr().out)
    )
    assert main(["calendar", "2025-09-30 17:00", "--until", "2025-10-09 10:00"]) == 0
    assert capsys.readouterr().out.startswith("2 working hours from 2025-09-30 17:00 to")
    assert main(["calendar", "2025-10-01 10:00"]) == 0
    assert "work resumes at 2025-10-09 09:00 Thursday" in flat(capsys.readouterr().out)
    assert main(["calendar", "2025-09-30 17:00", "--add", "16h", "--lang", "zh"]) == 0
    assert capsys.readouterr().out == (
        "自 2025-09-30 17:00 起 2个工作日，截止于 2025-10-10 17:00 星期五（北京时间）\n"
    )


def test_diagram_prints_mermaid_and_dot(capsys):
    assert main(["diagram"]) == 0
    assert capsys.readouterr().out.strip() == to_mermaid()
    assert main(["diagram", "--format", "dot"]) == 0
    assert capsys.readouterr().out.strip() == to_dot()


@pytest.mark.parametrize(
    ("args", "content", "fragment"),
    [
        (["diagram", "--format", "png"], None, "invalid choice"),
        (["frobnicate"], None, "invalid choice"),
        (["simulate", "missing.json"], None, "missing.json: no such file"),
        (
            ["simulate", "{file}"],
            '{"type": "Scenario", "schema_version": 1, "name": "x"}',
            "required field missing",
        ),
        (["simulate", "{file}"], "not json", "not valid JSON"),
        (
            ["grade", "{file}", "--policy", "nope"],
            '{"crisis_type": "complaint"}',
            "no grading policy called 'nope'",
        ),
        (["grade", "{file}"], '{"crisis_type": "x"}', "$.crisis_type"),
        (["calendar", "yesterday"], None, "not a time"),
        (["calendar", "2025-09-27 20:00", "--add", "forever"], None, "duration"),
        (["calendar", "2030-06-01 10:00", "--add", "8h"], None, "holidays"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, args, content, fragment):
    path = tmp_path / "input.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_cli(*[a.replace("{file}", str(path)) for a in args])
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("crisiskit")
    assert fragment in lines[0]


# --- every failure is one line with a reason; exit codes 1 and 2 ------------------------------

FACTORS = [
    "severity",
    "scope",
    "trend",
    "brand_damage",
    "customer_loss",
    "economic_loss",
    "legal_risk",
]

GRADE_HUGE_METRIC = {
    "crisis_type": "complaint",
    "signals": [
        {
            "channel": "social_media",
            "description": "posts",
            "observed_at": "2025-09-27T12:00:00Z",
            "metrics": {"reach": 10**400},
        }
    ],
}


def _run_in_process(capsys, args):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (
            ["calendar", "2025-09-27 20:00", "--add", "99999999999h"],
            None,
            "crisiskit: the duration '99999999999h' is too large (at most 36525 days, 876600h)",
        ),
        (
            ["calendar", "2025-09-27 20:00", "--zone", "Mars/Olympus"],
            None,
            "--zone must be an IANA time-zone name such as 'Asia/Shanghai' or 'Europe/London'; "
            "got 'Mars/Olympus'",
        ),
        (
            ["calendar", "2025-09-27 20:00", "--add", "-5h"],
            None,
            "crisiskit: a duration must not be negative; got '-5h'",
        ),
        (
            ["calendar", "2025-09-27 20:00", "--add", "P900Y"],
            None,
            "crisiskit: the duration 'P900Y' is too large (at most 36525 days, PT876600H)",
        ),
        (
            ["calendar", "9999-12-31 20:00", "--add", "5h"],
            None,
            "must lie in the years 1900 to 2999; got 9999-12-31T20:00:00",
        ),
        (
            ["simulate", "{file}"],
            "scenario-9999",
            "crisiskit: the scenario's start must lie in the years 1900 to 2999; got 9999-12-31",
        ),
        (
            ["grade", "{file}", "--at", "2025-09-27 21:00"],
            json.dumps(GRADE_HUGE_METRIC),
            "crisiskit: the JSON number 100000000000000…0000000000 has 401 digits; "
            "a whole number may have at most 30",
        ),
        (
            ["simulate", "{file}"],
            '{"schema_version": 1, "name": "x"}',
            "crisiskit: a \"type\" key is missing; expected here: 'Scenario'",
        ),
    ],
)
def test_each_bad_input_gets_its_message(tmp_path, capsys, args, content, message):
    path = tmp_path / "input.json"
    if content == "scenario-9999":
        content = scenario_text("food_safety").replace(
            "2025-09-27T20:00:00+08:00", "9999-12-31T20:00:00+08:00"
        )
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run_in_process(capsys, [a.replace("{file}", str(path)) for a in args])
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err
    assert len(err) < 400


def test_a_refused_step_in_a_scenario_exits_1(tmp_path, capsys):
    data = json.loads(scenario_text("food_safety"))
    # take away the expectation of the scenario's planned refusal: the step is refused unexpectedly
    for step in data["steps"]:
        step.pop("expect", None)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = _run_in_process(capsys, ["simulate", str(path)])
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "was refused" in err


def test_naive_times_are_read_in_the_zone_option_by_every_subcommand(tmp_path, capsys):
    path = tmp_path / "input.json"
    path.write_text(
        json.dumps({"crisis_type": "complaint", "factors": dict.fromkeys(FACTORS, 2)}),
        encoding="utf-8",
    )

    def assessed_at(*args):
        assert main(["grade", str(path), "--json", "--policy", "risk-matrix", *args]) == 0
        return json.loads(capsys.readouterr().out)["assessed_at"]

    # the default zone is Asia/Shanghai, as for calendar and simulate
    assert assessed_at("--at", "2025-09-27T21:00") == assessed_at("--at", "2025-09-27T21:00+08:00")
    assert assessed_at("--at", "2025-09-27T21:00", "--zone", "UTC") == assessed_at(
        "--at", "2025-09-27T21:00Z"
    )
    assert main(["calendar", "2025-09-27T20:00", "--calendar", "24x7", "--add", "1h"]) == 0
    assert "ends at 2025-09-27 21:00 Saturday (Asia/Shanghai)" in capsys.readouterr().out
    assert (
        main(["calendar", "2025-09-27 20:00", "--zone", "UTC", "--calendar", "24x7", "--add", "1h"])
        == 0
    )
    assert "ends at 2025-09-27 21:00 Saturday (UTC)" in capsys.readouterr().out


def test_calendar_without_holiday_data_says_so_on_stderr(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "holidays", None)  # as on a plain install
    assert main(["calendar", "2025-09-30 17:00", "--add", "2h"]) == 0
    captured = capsys.readouterr()
    assert "running without holiday data" in captured.err
    assert "crisiskit[holidays]" in captured.err
    assert "2025-10-01 10:00" in captured.out  # National Day is a working day without the data


# --- verify: an auditor's check of a stored log -------------------------------------------

GOLDEN = __import__("pathlib").Path(__file__).parent / "golden" / "0.1"


def test_verify_checks_a_stored_log_with_its_keys_and_head(capsys, tmp_path):
    log = GOLDEN / "hmac" / "CR-A.jsonl"
    keys = str(GOLDEN / "keys.json")
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    head = f"{last['sequence']}:{last['hash']}"
    assert main(["verify", str(log), "--keys", keys, "--head", head]) == 0
    assert capsys.readouterr().out == "intact: 60 events, 8 with erased personal data\n"
    assert main(["verify", str(log), "--lang", "zh", "--keys", keys, "--head", head]) == 0
    assert capsys.readouterr().out == "完好：60 个事件，其中 8 个含已删除的个人信息\n"
    # Without its keys the log cannot be checked; without the head a dropped tail passes.
    assert main(["verify", str(log)]) == 1
    assert "event 1: key not supplied" in capsys.readouterr().out
    other = (GOLDEN / "hmac" / "CR-B.jsonl").read_text(encoding="utf-8").splitlines(True)
    other_head = f"{len(other)}:{json.loads(other[-1])['hash']}"
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(other[:-2]), "utf-8")
    assert main(["verify", str(cut), "--keys", keys]) == 0
    assert "without --head a dropped tail would not show" in flat(capsys.readouterr().out)
    assert main(["verify", str(cut), "--keys", keys, "--head", other_head, "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert (found["ok"], found["kind"], found["first_invalid"]) == (False, "truncated", 3)


def test_verify_names_an_altered_line_and_refuses_bad_input_in_one_line(capsys, tmp_path):
    lines = (GOLDEN / "sha256" / "CR-B.jsonl").read_text(encoding="utf-8").splitlines(True)
    edited = tmp_path / "edited.jsonl"
    edited.write_text(lines[0] + lines[1].replace('"li.office"', '"mallory"', 1), "utf-8")
    assert main(["verify", str(edited)]) == 1
    assert capsys.readouterr().out.startswith("event 2: altered (its content does not match")
    for args, message in [
        (["verify", str(tmp_path / "missing.jsonl")], "missing.jsonl: no such file"),
        (["verify", str(edited), "--head", "x"], "--head is VERSION:HASH"),
        (
            ["verify", str(edited), "--keys", str(edited)],
            "is not valid JSON: the error is at line 2",
        ),
    ]:
        assert main(args) == 2
        err = capsys.readouterr().err
        assert message in err
        assert "Traceback" not in err
        assert err.count("\n") == 1
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"type": "CrisisDetected"}\n', "utf-8")
    assert main(["verify", str(garbage)]) == 2
    assert "line 1: a stored event has the keys" in capsys.readouterr().err
    keys = tmp_path / "keys.json"
    keys.write_text('{"k1": "00"}', "utf-8")
    assert main(["verify", str(edited), "--keys", str(keys)]) == 2
    assert "at least 16 bytes" in capsys.readouterr().err
