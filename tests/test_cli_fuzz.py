"""The command line never prints a traceback, whatever it is given.

Generated argument lists (every subcommand, options, odd values, either language) and
generated scenario, plan, grading, signal-stream and stored-log files are run in-process;
every run must end with exit code 0, 1 or 2, and a failure must be one line on stderr that
is neither a traceback nor an internal error (the catch-all in ``main`` would say
"internal error"; the check below makes any such case fail, so none hides).

About 3 500 cases in all (2 500 argument lists, 1 000 files), derandomised on CI's profile
(``HYPOTHESIS_PROFILE=ci``).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisiskit.app.cli import main
from crisiskit.app.scenarios import text as scenario_text
from crisiskit.plan import EmergencyPlan

ODD_TIMES = [
    "2025-09-27 20:00",
    "2025-09-27T20:00",
    "2025-09-27T20:00+08:00",
    "2025-09-27T12:00Z",
    "2025-10-01 10:00",
    "9999-12-31 20:00",
    "9999-12-31T23:59+00:00",
    "0001-01-01T00:00+14:00",
    "10000-01-01 00:00",
    "1899-12-31 23:59",
    "2999-12-31 23:59",
    "2025-02-30 10:00",
    "yesterday",
    "2025-09-27T20:00:00+08:00[Mars/Olympus]",
    "2025-09-27T20:00:00+09:00[Asia/Shanghai]",
    "",
    "２０２５-09-27 20:00",
]
ODD_SPANS = [
    "26h",
    "-5h",
    "-PT5H",
    "0h",
    "99999999999h",
    "1e400h",
    "P900Y",
    "P1Y",
    "PT99999999999H",
    "P36525D",
    "1.5d",
    ".5m",
    "²h",
    "٣h",
    "h",
    "forever",
    "9" * 40 + "s",
]
ODD_ZONES = ["Asia/Shanghai", "UTC", "Europe/London", "Mars/Olympus", "", "上海", "../etc/passwd"]
ODD_TEXT = st.text(max_size=12)

ODD_VALUES = [
    None,
    True,
    -1,
    0,
    10**400,
    -(10**30),
    1e308,
    "1e400",
    "-PT5H",
    "P900Y",
    "PT99999999999H",
    "9999-12-31T20:00:00+08:00[Asia/Shanghai]",
    "10000-01-01T00:00:00Z",
    "2025-09-27T20:00:00+08:00[Mars/Olympus]",
    "Mars/Olympus",
    "",
    "危机",
    [],
    {},
    [1, 2],
    {"type": "Nope"},
]


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # --help and --version exit through argparse
            code = exc.code if isinstance(exc.code, int) else 0
    return code, out.getvalue(), err.getvalue()


def _check(argv, code, err, out=""):
    assert code in {0, 1, 2}, (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    assert "Traceback" not in out, (argv, out)
    assert "internal error" not in err, (argv, err)
    assert "内部错误" not in err, (argv, err)
    if code == 1 and argv[0] == "verify":  # not intact: the finding is the output
        assert out.startswith(("event ", "第 ", "{")), (argv, out)
    elif code:
        lines = err.strip().splitlines()
        assert lines, (argv, "a failure says what was wrong")
        assert lines[-1].startswith("crisiskit"), (argv, err)
        if code == 2:
            assert len(lines) <= 2, (argv, err)  # the failure, after a note at most


def _option(name, values):
    return st.tuples(st.just(name), st.one_of(st.sampled_from(values), ODD_TEXT)).map(list)


@st.composite
def argument_lists(draw):
    command = draw(
        st.sampled_from(
            ["calendar", "grade", "diagram", "demo", "simulate", "monitor", "verify", "nope", ""]
        )
    )
    args = [command] if command else []
    if command == "calendar":
        args.append(draw(st.one_of(st.sampled_from(ODD_TIMES), ODD_TEXT)))
        options = [
            _option("--add", ODD_SPANS),
            _option("--until", ODD_TIMES),
            _option("--zone", ODD_ZONES),
            _option("--calendar", ["china", "24x7", "mars"]),
            _option("--lang", ["en", "zh", "fr"]),
        ]
    elif command == "grade":
        args.append(draw(st.sampled_from(["{grade}", "{missing}", "{scenario}", "{plan}"])))
        options = [
            _option("--at", ODD_TIMES),
            _option("--zone", ODD_ZONES),
            _option("--policy", ["standard", "risk-matrix", "nope", "standard@9"]),
            st.just(["--json"]),
        ]
    elif command == "simulate":
        # only refusals before playing: playing a whole scenario is for the file test below
        args.append(draw(st.sampled_from(["{missing}", "{grade}"])))
        options = [_option("--until", ODD_TIMES), _option("--zone", ODD_ZONES)]
    elif command == "demo":
        options = [_option("--lang", ["en", "zh", "jp"]), _option("--color", ["never", "x"])]
        if draw(st.booleans()):
            args.append("--version")
    elif command == "monitor":
        args.append(draw(st.sampled_from(["{signals}", "{missing}", "{grade}", "{scenario}"])))
        options = [
            _option("--crises", ["{crises}", "{missing}", "{signals}"]),
            _option("--window", ODD_SPANS),
            _option("--horizon", ODD_SPANS),
            _option("--buckets", ["24", "0", "-1", "1000000", "x"]),
            _option("--open-at", ["IV", "I", "V", "", "二级"]),
            _option("--type", ["product_quality", "nope", ""]),
            _option("--calendar", ["wall", "china", "x"]),
            _option("--zone", ODD_ZONES),
            st.just(["--json"]),
        ]
    elif command == "verify":
        args.append(draw(st.sampled_from(["{log}", "{missing}", "{grade}", "{signals}"])))
        options = [
            _option("--head", ["1:" + "0" * 64, "x", "99999999999999:" + "f" * 64]),
            _option("--keys", ["{grade}", "{missing}", "{keys}"]),
            st.just(["--json"]),
        ]
    else:
        options = [_option("--format", ["mermaid", "dot", "png"]), st.just(["--help"])]
    if command and command != "diagram":
        options.append(_option("--lang", ["en", "zh", "zh-CN", "fr"]))
    for chosen in draw(st.lists(st.sampled_from(options), max_size=3)):
        args.extend(draw(chosen))
    if command == "demo" and "--version" not in args and draw(st.integers(0, 3)):
        args.append("--bogus")  # keep the slow full demo rare
    return args


@settings(max_examples=2500, suppress_health_check=[HealthCheck.too_slow])
@given(argument_lists())
def test_no_argument_list_gives_a_traceback(tmp_path_factory, argv):
    folder = tmp_path_factory.getbasetemp()
    grade = folder / "grade.json"
    if not grade.exists():
        grade.write_text(json.dumps({"crisis_type": "complaint"}), encoding="utf-8")
        (folder / "scenario.json").write_text(scenario_text("food_safety"), encoding="utf-8")
        (folder / "plan.json").write_text(EmergencyPlan.default().to_json(), encoding="utf-8")
    paths = {
        "{grade}": str(grade),
        "{missing}": str(folder / "missing.json"),
        "{scenario}": str(folder / "scenario.json"),
        "{plan}": str(folder / "plan.json"),
        "{signals}": str(folder / "signals.jsonl"),
        "{crises}": str(_DATA / "real-crises.jsonl"),
        "{log}": str(_GOLDEN / "CR-B.jsonl"),
        "{keys}": str(folder / "keys.json"),
    }
    if not (folder / "signals.jsonl").exists():  # a short stream: the monitor's case is its options
        lines = (_DATA / "signals-day.jsonl").read_text(encoding="utf-8").splitlines()[:60]
        (folder / "signals.jsonl").write_text("\n".join(lines), encoding="utf-8")
    if not (folder / "keys.json").exists():
        (folder / "keys.json").write_text('{"k2025": "' + "ab" * 32 + '"}', encoding="utf-8")
    argv = [paths.get(a, a) for a in argv]
    code, out, err = _run(argv)
    _check(argv, code, err, out)


# --- generated files ------------------------------------------------------------------------

_DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
_GOLDEN = Path(__file__).parent / "golden" / "0.1" / "sha256"
_SIGNALS = [
    json.loads(line)
    for line in (_DATA / "signals-day.jsonl").read_text(encoding="utf-8").splitlines()[:40]
]
_LOG = [
    json.loads(line) for line in (_GOLDEN / "CR-B.jsonl").read_text(encoding="utf-8").splitlines()
]

_SCENARIO = json.loads(scenario_text("food_safety"))
_PLAN = json.loads(EmergencyPlan.default().to_json())
_GRADE = {
    "crisis_type": "product_quality",
    "factors": {"severity": 3, "scope": 3, "trend": 4},
    "signals": [
        {
            "channel": "social_media",
            "description": "posts",
            "observed_at": "2025-09-27T12:00:00Z",
            "metrics": {"reach": 1000},
        }
    ],
}


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated(draw, base):
    data = copy.deepcopy(base)
    paths = [p for p in _paths(base) if p]
    paths += [(key,) for key in base] * 5  # the top-level fields (start, zone) more often
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        # A copy: the odd values are shared, and a later mutation must not reach them.
        value = copy.deepcopy(draw(st.one_of(st.sampled_from(ODD_VALUES), ODD_TEXT)))
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            if draw(st.integers(0, 5)) == 0 and isinstance(target, dict):
                del target[path[-1]]
            else:
                target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["scenario", "plan", "grade", "signals", "log"]),
    lang=st.sampled_from(["en", "zh"]),
    data=st.data(),
)
def test_no_generated_file_gives_a_traceback(tmp_path_factory, kind, lang, data):
    folder = tmp_path_factory.getbasetemp()
    path = folder / f"fuzz-{kind}.json"
    lines = None
    if kind == "scenario":
        content = data.draw(mutated(_SCENARIO))
        argv = ["simulate", str(path), "--json"]
    elif kind == "plan":
        content = data.draw(mutated(_PLAN))
        scenario = folder / "scenario-ok.json"
        scenario.write_text(scenario_text("food_safety"), encoding="utf-8")
        argv = ["simulate", str(scenario), "--plan", str(path), "--json"]
    elif kind == "grade":
        content = data.draw(mutated(_GRADE))
        argv = ["grade", str(path), "--at", "2025-09-27 21:00"]
    elif kind == "signals":
        lines = data.draw(mutated(_SIGNALS))
        argv = ["monitor", str(path), "--window", "2h", "--calendar", "china"]
    else:
        lines = data.draw(mutated(_LOG))
        argv = ["verify", str(path)]
    if lines is None:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    else:  # JSON Lines: one object a line, whatever each became
        text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
        path.write_text(text if isinstance(lines, list) else json.dumps(lines), encoding="utf-8")
    argv = [*argv, "--lang", lang]
    code, out, err = _run(argv)
    _check(argv, code, err, out)
