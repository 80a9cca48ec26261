import subprocess
import sys

import pytest

import crisiskit
from crisiskit.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"crisiskit {crisiskit.__version__}"


def test_console_entry_point_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "crisiskit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"crisiskit {crisiskit.__version__}"


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "crisiskit", *args], capture_output=True, text=True, check=False
    )


def test_diagram_prints_mermaid_and_dot(capsys):
    from crisiskit.lifecycle import to_dot, to_mermaid

    assert main(["diagram"]) == 0
    assert capsys.readouterr().out.strip() == to_mermaid()
    assert main(["diagram", "--format", "dot"]) == 0
    assert capsys.readouterr().out.strip() == to_dot()


def test_bad_input_exits_2_with_one_line_and_no_traceback():
    for args in (["diagram", "--format", "png"], ["frobnicate"]):
        result = run_cli(*args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert lines[0].startswith("crisiskit")
