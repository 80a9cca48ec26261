"""The command line in the user's language, readable in 80 columns, with a message per bad input.

Every listed input of the issue that once gave a traceback or a misleading message gets one
line naming what was wrong and what is allowed, in English and in Chinese; every screen the
commands print fits 80 terminal columns (CJK characters take two); the Chinese demo holds no
English sentence.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisiskit.app.cli import _wrap, main
from crisiskit.app.scenarios import text as scenario_text

DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
GOLDEN = Path(__file__).parent / "golden" / "0.1" / "sha256"


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def run(capsys, args):
    try:
        code = main(args)
    except SystemExit as exc:  # --help exits through argparse
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scenario_with(change) -> str:
    data = json.loads(scenario_text("food_safety"))
    change(data)
    return json.dumps(data)


def _start_9999(data):
    data["start"] = "9999-12-31T20:00:00+08:00[Asia/Shanghai]"


def _refund_1e400(data):
    step = next(s for s in data["steps"] if s["do"] == "compensate")
    step["args"]["amount"]["amount"] = "1e400"


def _after_p900y(data):
    data["steps"][1]["after"] = "P900Y"


def _no_type(data):
    del data["type"]


def _bogus_argument(data):
    data["steps"][2]["args"]["bogus"] = 1  # a grade step


HUGE_METRIC = json.dumps(
    {
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
)

# (arguments, file content, exit code, the English line, the Chinese line or None when the
# message is the library's and its translation has not landed: then only the frame is
# checked, the "crisiskit：" prefix and the values quoted)
CASES = [
    (
        ["simulate", "{file}"],
        scenario_with(_start_9999),
        2,
        "crisiskit: the scenario's start must lie in the years 1900 to 2999; "
        "got 9999-12-31T12:00:00+00:00",
        "crisiskit：场景的开始时间须在 1900 年至 2999 年之间；收到的是 9999-12-31T12:00:00+00:00",
    ),
    (
        ["calendar", "2025-09-27 20:00", "--add", "99999999999h"],
        None,
        2,
        "crisiskit: the duration '99999999999h' is too large (at most 36525 days, 876600h)",
        "crisiskit：时长“99999999999h”过长（最多 36525 天，即 876600h）",
    ),
    (
        ["calendar", "2025-09-27 20:00", "--zone", "Mars/Olympus"],
        None,
        2,
        "crisiskit: --zone must be an IANA time-zone name such as 'Asia/Shanghai' or "
        "'Europe/London'; got 'Mars/Olympus'",
        "crisiskit：--zone 须为 IANA 时区名，如 Asia/Shanghai 或 Europe/London；"
        "收到的是“Mars/Olympus”",
    ),
    (
        ["calendar", "2025-09-27 20:00", "--add", "-5h"],
        None,
        2,
        "crisiskit: a duration must not be negative; got '-5h' (business time only runs "
        "forward: to go back, ask --until from an earlier start)",
        "crisiskit：时长不能为负数；收到的是“-5h”（工作时间只能向后推算：如需往前，请从更早的"
        "起点用 --until 查询）",
    ),
    (
        ["calendar", "2025-09-27 20:00", "--add", "-PT5H"],
        None,
        2,
        "crisiskit: a duration must not be negative; got '-PT5H' (business time only runs "
        "forward: to go back, ask --until from an earlier start)",
        "crisiskit：时长不能为负数；收到的是“-PT5H”（工作时间只能向后推算：如需往前，请从更早的"
        "起点用 --until 查询）",
    ),
    (
        ["calendar", "2025-09-27 20:00", "--add"],
        None,
        2,
        "crisiskit calendar: --add needs a value",
        "crisiskit calendar：--add 需要一个值",
    ),
    (
        ["demo", "--color", "purple"],
        None,
        2,
        "crisiskit demo: --color: invalid choice 'purple'; choose from auto, always, never",
        "crisiskit demo：--color：不接受“purple”；可选值：auto、always、never",
    ),
    (
        ["simulate", "{missing}"],
        None,
        2,
        "crisiskit: {missing}: no such file",
        "crisiskit：{missing}：文件不存在",
    ),
    (
        ["simulate", "{file}"],
        scenario_with(_bogus_argument),
        2,
        "crisiskit: $.steps[2].args: grade has no argument 'bogus'; it takes policy, factors, "
        "reason, expected_version",
        "crisiskit：$.steps[2].args：grade 没有参数 'bogus'；可用参数：policy、factors、reason、"
        "expected_version",
    ),
    (
        ["grade", "{file}", "--at", "2025-09-27 21:00"],
        HUGE_METRIC,
        2,
        "crisiskit: the JSON number 100000000000000…0000000000 has 401 digits; "
        "a whole number may have at most 30",
        "crisiskit：JSON 数字 100000000000000…0000000000 有 401 位；整数至多 30 位",
    ),
    (
        ["simulate", "{file}"],
        scenario_with(_refund_1e400),
        2,
        "crisiskit: Money.amount has at most 18 digits before the decimal point (less than "
        "10^18 in size); got 401 digits @ $.steps[24].args.amount.amount",
        "crisiskit：金额的整数部分最多 18 位（小于 10^18）；实为 401 位"
        "（位置 $.steps[24].args.amount.amount）",
    ),
    (
        ["calendar", "2025-09-27 20:00", "--add", "P900Y"],
        None,
        2,
        "crisiskit: the duration 'P900Y' is too large (at most 36525 days, PT876600H)",
        "crisiskit：时长“P900Y”过大（至多 36525 天，即 PT876600H）",
    ),
    (
        ["simulate", "{file}"],
        scenario_with(_after_p900y),
        2,
        "crisiskit: the duration 'P900Y' is too large (at most 36525 days, PT876600H) "
        "@ $.steps[1].after",
        "crisiskit：时长“P900Y”过大（至多 36525 天，即 PT876600H）（位置 $.steps[1].after）",
    ),
    (
        ["simulate", "{file}"],
        scenario_with(_no_type),
        2,
        "crisiskit: a \"type\" key is missing; expected here: 'Scenario'",
        "crisiskit：缺少 \"type\" 键；此处可用的类型：'Scenario'",
    ),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("args", "content", "code", "english", "chinese"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_each_listed_input_gets_one_line_in_the_chosen_language(
    tmp_path, capsys, lang, args, content, code, english, chinese
):
    path, missing = tmp_path / "input.json", str(tmp_path / "missing.json")
    if content is not None:
        path.write_text(content, encoding="utf-8")
    argv = [a.replace("{file}", str(path)).replace("{missing}", missing) for a in args]
    found, out, err = run(capsys, [*argv, "--lang", lang])
    assert (found, out) == (code, "")
    assert err.count("\n") == 1, err
    line = err.rstrip("\n")
    if lang == "en":
        assert line == english.replace("{missing}", missing)
    else:
        assert line == chinese.replace("{missing}", missing)


def test_a_scenario_refused_step_is_one_line_exit_1_in_chinese(tmp_path, capsys):
    data = json.loads(scenario_text("food_safety"))
    for step in data["steps"]:
        step.pop("expect", None)  # the planned refusal is now unexpected
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, ["simulate", str(path), "--lang", "zh"])
    assert (code, out, err.count("\n")) == (1, "", 1)
    assert err.startswith("crisiskit：第9步（gm.wang 执行启动应急响应）被拒绝：")


def test_the_calendar_says_in_chinese_when_it_runs_without_holiday_data(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "holidays", None)  # as on a plain install
    code, out, err = run(capsys, ["calendar", "2025-09-30 17:00", "--add", "2h", "--lang", "zh"])
    assert code == 0
    assert err.startswith("crisiskit：注意：未安装 holidays 包，没有节假日数据")
    # National Day counts as a working day without the data
    assert out == "自 2025-09-30 17:00 起 2个工作小时，截止于 2025-10-01 10:00 星期三（北京时间）\n"


def test_calendar_durations_are_in_the_calendars_working_units(capsys):
    code, out, _err = run(capsys, ["calendar", "2025-09-27 20:00", "--add", "3h", "--lang", "zh"])
    assert code == 0
    assert out == "自 2025-09-27 20:00 起 3个工作小时，截止于 2025-09-28 12:00 星期日（北京时间）\n"
    code, out, _err = run(
        capsys, ["calendar", "2025-09-27 20:00", "--add", "48h", "--calendar", "24x7"]
    )
    assert out.startswith("2 days from 2025-09-27 20:00 ends at 2025-09-29 20:00 Monday")


# --- 80 columns -------------------------------------------------------------------------------

SCREENS = [
    ["demo", "--color", "never"],
    ["demo", "--color", "always"],
    ["grade", "{grading}", "--policy", "risk-matrix", "--at", "2025-09-27 21:00"],
    ["grade", "{grading}", "--policy", "standard", "--at", "2025-09-27 21:00"],
    ["calendar", "2025-09-30 17:00", "--add", "26h"],
    ["calendar", "2025-09-30 17:00", "--until", "2025-10-09 10:00"],
    ["calendar", "2025-10-01 10:00"],
    ["monitor", str(DATA / "signals-day.jsonl"), "--crises", str(DATA / "real-crises.jsonl")],
    ["monitor", str(DATA / "signals-day.jsonl"), "--all", "--color", "never"],
    ["verify", str(GOLDEN / "CR-B.jsonl")],
    ["--help"],
    *[
        [command, "--help"]
        for command in ("demo", "simulate", "grade", "calendar", "monitor", "verify", "diagram")
    ],
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args", SCREENS, ids=" ".join)
def test_every_screen_fits_80_columns(tmp_path, capsys, lang, args):
    grading = tmp_path / "grading.json"
    grading.write_text(
        json.dumps(
            {
                "crisis_type": "product_quality",
                "signals": [
                    {
                        "channel": "social_media",
                        "observed_at": "2025-09-27T20:00:00+08:00",
                        "description": "Weibo post, 12k reposts",
                        "metrics": {"heat": 12000, "negative_ratio": 0.41},
                    }
                ],
                "factors": dict.fromkeys(
                    [
                        "severity",
                        "scope",
                        "trend",
                        "brand_damage",
                        "customer_loss",
                        "economic_loss",
                        "legal_risk",
                    ],
                    3,
                ),
            }
        ),
        encoding="utf-8",
    )
    argv = [a.replace("{grading}", str(grading)) for a in args]
    code, out, _err = run(capsys, [*argv, "--lang", lang] if "--help" not in args else argv)
    assert code in {0, 1}
    lines = re.sub(r"\033\[[0-9;]*m", "", out).splitlines()
    assert lines
    too_wide = [line for line in lines if columns(line) > 80]
    assert not too_wide


def test_help_shows_an_example_for_each_subcommand_in_either_language(capsys):
    for command in ("demo", "simulate", "grade", "calendar", "monitor", "verify", "diagram"):
        _code, out, _err = run(capsys, [command, "--help"])
        assert (
            f"example:\n  crisiskit {command}" in out or f"examples:\n  crisiskit {command}" in out
        )
        _code, out, _err = run(capsys, [command, "--help", "--lang", "zh"])
        assert f"示例：\n  crisiskit {command}" in out
        assert out.startswith("用法：crisiskit")
    _code, out, _err = run(capsys, ["demo", "--help"])
    assert "--color {auto,always,never}\n" in out
    assert "colour the output: auto (on a terminal, unless NO_COLOR is set)" in " ".join(
        out.split()
    )


def test_wide_text_wraps_under_its_column_and_keeps_every_word(capsys):
    code, out, _err = run(capsys, ["demo", "--color", "never"])
    assert code == 0
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "✗ respond refused:" in line)
    assert lines[at + 1].startswith(" " * 34)  # continued under the refusal's text
    assert "'CR-2025-0927': the condition 'required roles filled' is not met" in " ".join(
        out.split()
    )


# --- the Chinese demo holds no English sentence ------------------------------------------------

# What may be written in ASCII letters in the Chinese demo, and why: the program's name;
# ids (a crisis id CR-2025-0927, customer ids C-10086, the CRM's user ids such as
# li.office); the currency code CNY (ISO 4217, as a Chinese bank statement shows it); level
# numerals I-IV (二级 is also written II级); grading policy ids with their version
# (risk-matrix@1), which a user types back into --policy; and the name of the library call
# a refusal points the host's developer to, such as record_review().
ALLOWED = re.compile(
    r"crisiskit|CR-\d{4}-\d{4}|C-\d+|[a-z]+\.[a-z]+|CNY|[a-z-]+@\d+|[a-z_]+\(\)"
    r"|(?<![A-Za-z])(?:IV|III|II|I)(?![A-Za-z])"
)


def english_runs(text: str) -> list[str]:
    """The runs of ASCII letters left once the allowed codes and ids are taken out."""
    return re.findall(r"[A-Za-z]{2,}|\b[A-Za-z]\b", ALLOWED.sub(" ", text))


def test_the_chinese_demo_says_nothing_in_english_on_the_command_lines_side(capsys):
    code, out, _err = run(capsys, ["demo", "--lang", "zh", "--color", "never"])
    assert code == 0
    # The refusals' reasons are the library's messages, checked in the test below.
    own = re.sub(r"被拒绝：.*?(?=\n\d\d-\d\d |\n\n)", "被拒绝：", out, flags=re.S)
    assert own.count("被拒绝：") == 2
    assert english_runs(own) == []


def test_the_chinese_demo_says_nothing_in_english(capsys):
    code, out, _err = run(capsys, ["demo", "--lang", "zh", "--color", "never"])
    assert code == 0
    assert english_runs(out) == []


def test_the_allow_list_catches_english():
    assert english_runs("09-27 20:35  ✗ 关闭被拒绝：the condition is not met") == [
        "the",
        "condition",
        "is",
        "not",
        "met",
    ]
    assert english_runs("人员到位：li.office（危机管理领导小组办公室） 319.70 CNY 二级 II") == []
    assert english_runs("在II级，请先用 record_review() 记录") == []
    assert english_runs("在II级 the plan") == ["the", "plan"]


@given(
    text=st.lists(
        st.sampled_from([*"abc xyz 12 ，。（）“”：、中文字符测试", "very-long-word" * 9]),
        max_size=200,
    )
    .map("".join)
    .map(lambda t: re.sub(r" +(?=[，。）”：、])", "", t)),  # no space before a closing mark
    indent=st.integers(0, 40),
)
def test_wrapping_keeps_every_character_and_fits_80_columns(text, indent):
    lines = _wrap(" " * indent, text, indent)
    assert all(columns(line) <= 80 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing cut or added
    assert not any(
        line[indent : indent + 1] in set("，。）”：、") for line in lines[1:] if line.strip()
    )
