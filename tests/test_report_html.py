"""The HTML report: self-contained, bilingual, its charts drawn; the command; a real browser."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
from pathlib import Path

import pytest
from _browser import chromium, open_page
from hypothesis import given, settings
from hypothesis import strategies as st
from reports_support import FILES, OFFICE, histories

from crisiskit.app.cli import main
from crisiskit.app.report_html import render_html, write_html
from crisiskit.errors import MissingExtraError
from crisiskit.events import stored
from crisiskit.plan import BudgetCategory
from crisiskit.reports import charts, period_report, read_csv
from crisiskit.values.money import Money

pytest.importorskip("matplotlib")  # the charts extra, installed by crisiskit[test]

BUDGETS = {
    BudgetCategory.COMPENSATION: Money("1000", "CNY"),
    BudgetCategory.PR: Money("20000", "CNY"),
    BudgetCategory.SUPPLIES: Money("2500", "CNY"),
}
CHARTS = ("sla-by-level", "weekly-volume", "acknowledge", "spending")


@pytest.fixture(scope="module")
def report():
    return period_report(
        histories(), by="level", zone="Asia/Shanghai", calendar=OFFICE, budgets=BUDGETS
    )


@pytest.fixture(scope="module")
def pages(report):
    return {lang: render_html(report, lang=lang, calendar=OFFICE) for lang in ("en", "zh")}


def test_the_page_is_self_contained(pages):
    for page in pages.values():
        assert page.startswith("<!DOCTYPE html>")
        # Nothing is loaded from anywhere: no script, style sheet, image, frame or font.
        assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
        # The SVGs refer only to their own parts (glyphs, clip paths): "#id".
        assert all(ref.startswith("#") for ref in re.findall(r'href="([^"]*)"', page))
        assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", page))
        assert " src=" not in page
        assert "@import" not in page
        # Four charts, inline, their text drawn as paths (no font needed to show them).
        assert page.count("<svg") == 4
        assert all(f'<figure id="{name}"><svg' in page for name in CHARTS)
        assert "<text" not in page


def test_the_page_speaks_its_language(pages):
    en, zh = pages["en"], pages["zh"]
    assert '<html lang="en">' in en
    assert '<html lang="zh-CN">' in zh
    assert "<h1>Crisis report</h1>" in en
    assert "<h1>危机管理报表</h1>" in zh
    assert "SLA attainment by level" in en
    assert "各级别时限达成率" in zh
    # The over-budget warning of September's compensation (1050 CNY against 1000).
    assert "customer compensation spending in 2025-09 is 1050 CNY" in en
    assert "2025-09 赔偿支出 1050 CNY，超出预算 1000 CNY" in zh
    assert "工作时间：" in zh  # Chinese punctuation
    assert "工作时间:" not in zh
    # The level groups, in the page's language.
    assert "I major" in en
    assert "I 重大" in zh


def test_charts_draw_from_the_report(report):
    # The weekly chart has a bar stack per ISO week of the twelve crises (W38..W42), the
    # level chart a bar group per level; each is a complete SVG document element.
    weekly = charts.weekly_volume_by_type(report)
    assert weekly.startswith("<svg")
    assert weekly.rstrip().endswith("</svg>")
    assert charts.sla_by_level(report) != charts.sla_by_level(report, "zh")
    # The same report draws the same SVG: ids are stable and no date is written.
    assert charts.acknowledge_distribution(report) == charts.acknowledge_distribution(report)


def test_an_empty_report_still_draws(report):
    empty = period_report([])
    page = render_html(empty)
    assert page.count("<svg") == 4
    assert "no data" in page


def test_without_matplotlib_the_error_names_the_extra(report, monkeypatch):
    real = importlib.import_module

    def without(name, *args):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without)
    with pytest.raises(MissingExtraError, match=r"pip install 'crisiskit\[charts\]'"):
        render_html(report)


def test_chinese_without_a_cjk_font_says_what_to_install(report, monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with pytest.raises(MissingExtraError, match="fonts-noto-cjk") as refused:
        charts.sla_by_level(report, "zh")
    assert "apt-get install fonts-noto-cjk" in refused.value.text("zh")
    assert charts.sla_by_level(report, "en").startswith("<svg")  # English needs no CJK font


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_the_report_command_writes_the_page_and_the_csv(tmp_path):
    page, table = tmp_path / "report.html", tmp_path / "figures.csv"
    code, out, err = run(
        "report",
        *map(str, FILES),
        "--no-plan",
        "--out",
        str(page),
        "--group",
        "month,level",
        "--lang",
        "zh",
        "--csv",
        str(table),
        "--from",
        "2025-09-01 00:00",
        "--to",
        "2025-10-01 00:00",
    )
    assert (code, err) == (0, "")
    # September in Shanghai: RPT-01..08; by month and level, four groups (I, II, III, IV).
    assert out == f"已写入 {page}：危机 8 起，分组 4 个，超预算警告 0 条\n"
    assert page.read_text(encoding="utf-8").count("<svg") == 4
    rows = read_csv(table)
    assert [(r["month"], r["level"], r["crises"]) for r in rows] == [
        ("", "", 8),
        ("2025-09", "I", 2),
        ("2025-09", "II", 2),
        ("2025-09", "III", 3),
        ("2025-09", "IV", 1),
    ]
    assert read_csv(tmp_path / "figures.ledger.csv")[0]["period"] == "2025-09"


def test_the_report_command_reads_a_stored_event_log(tmp_path):
    log = tmp_path / "RPT-09.jsonl"
    log.write_text("".join(stored(e).to_json() + "\n" for e in histories()[8]), encoding="utf-8")
    page = tmp_path / "one.html"
    code, out, err = run("report", str(log), "--out", str(page), "--group", "type")
    assert (code, err) == (0, "")
    assert out == f"wrote {page}; crises: 1, groups: 1, over-budget warnings: 0\n"
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text(
        log.read_text(encoding="utf-8").replace("RPT-09", "RPT-99"), encoding="utf-8"
    )
    code, out, err = run("report", str(tampered), "--out", str(page))
    assert code == 2
    assert "line 1" in err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--group", "colour"], 2, "--group"),
        (["--from", "yesterday"], 2, "yesterday"),
        ([], 1, "was refused"),  # under the default plan the crisis office's steps are refused
    ],
)
def test_the_report_command_fails_in_one_line(tmp_path, args, code, message):
    status, out, err = run("report", str(FILES[0]), "--out", str(tmp_path / "r.html"), *args)
    assert status == code
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_the_report_command_refuses_a_missing_file(tmp_path):
    status, _, err = run("report", str(tmp_path / "nope.json"), "--out", str(tmp_path / "r.html"))
    assert status == 2
    assert "nope.json" in err


# ---- the page in a real browser

needs_browser = pytest.mark.skipif(
    chromium() is None and os.environ.get("CI") != "true",
    reason="Chromium is not installed (apt-get install chromium); CI installs it",
)


@needs_browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_in_headless_chromium(report, tmp_path, lang):
    # Under CI=true a missing Chromium fails here (open_page raises), never skips.
    page = write_html(report, tmp_path / f"report-{lang}.html", lang=lang, calendar=OFFICE)
    check = open_page(page, tmp_path / f"report-{lang}.png")
    assert check.console_errors == []
    assert check.total_svgs == 4
    assert check.visible_svgs == 4
    assert not check.screenshot_blank
    assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000


@needs_browser
def test_the_browser_check_sees_errors_hidden_charts_and_blank_pages(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html><body><svg width="10" height="10" style="display:none"></svg>'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    check = open_page(broken, tmp_path / "broken.png")
    assert [error.removeprefix("console.error: ") for error in check.console_errors] == ["boom"]
    assert (check.visible_svgs, check.total_svgs) == (0, 1)
    assert check.screenshot_blank


def test_nothing_generated_is_committed():
    root = Path(__file__).parent.parent
    assert not list(root.glob("**/report*.html")), "generated reports are not committed"


_ODD = st.sampled_from(
    [
        "2025-09-01 00:00",
        "2025-10-01T00:00+08:00",
        "9999-12-31 20:00",
        "yesterday",
        "",
        "2025-02-30 10:00",
        "1899-12-31 23:59",
    ]
)
_GROUPS = st.sampled_from(["level", "type,week", "month,person", "department", "colour", ",", ""])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("--group"), _GROUPS),
            st.tuples(st.just("--from"), _ODD),
            st.tuples(st.just("--to"), _ODD),
            st.tuples(st.just("--zone"), st.sampled_from(["UTC", "Mars/Olympus", ""])),
            st.tuples(st.just("--ledger"), st.sampled_from(["month", "all", "year"])),
            st.tuples(st.just("--lang"), st.sampled_from(["en", "zh", "fr"])),
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_no_report_arguments_give_a_traceback(tmp_path_factory, options, plan):
    where = tmp_path_factory.mktemp("fuzz")
    args = [str(FILES[1]), "--out", str(where / "r.html"), *(["--no-plan"] if plan else [])]
    args += [item for pair in options for item in pair]
    code, _, err = run("report", *args)
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    assert "internal error" not in err
    assert code == 0 or err.count("\n") == 1
