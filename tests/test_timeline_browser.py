"""The timeline opened in a real headless browser: no errors, the picture shown, not blank.

Chromium is the distribution's (``.ci/run`` installs it when missing). Locally the test is
skipped when there is none; under CI it fails.
"""

from __future__ import annotations

import pytest
from _browser import open_page
from timeline_support import reopened

from crisiskit.reports.timeline import draw_timeline, timeline_of

pytest.importorskip("matplotlib")

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="margin: 16px; background: white">
<h1 style="font: 16px sans-serif">{title}</h1>
{svg}
</body></html>
"""


def page_with(svg: bytes, title: str, lang: str) -> str:
    # The SVG inline, as a report embeds it: without its XML prolog and doctype.
    text = svg.decode()
    return PAGE.format(lang=lang, title=title, svg=text[text.index("<svg") :])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_timeline_shows_in_a_browser(tmp_path, lang):
    timeline = timeline_of(reopened().events, zone="Europe/London")
    page = tmp_path / "timeline.html"
    page.write_text(page_with(draw_timeline(timeline, lang=lang), "CR-T-1", lang), "utf-8")
    check = open_page(page, tmp_path / "timeline.png")
    assert check.console_errors == []
    assert check.total_svgs == 1
    assert check.visible_svgs == 1
    assert not check.screenshot_blank


def test_the_harness_sees_errors_hidden_charts_and_blank_pages(tmp_path):
    # The checks above can fail: a page with an error, a hidden chart and a missing image...
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!doctype html><body><svg style='display:none' width='10' height='10'></svg>"
        "<svg width='40' height='40'><rect width='40' height='40'/></svg>"
        "<script>console.error('drawn wrong'); missing();</script>"
        "<img src='nowhere.png'></body>",
        "utf-8",
    )
    check = open_page(broken, tmp_path / "broken.png")
    assert (check.total_svgs, check.visible_svgs) == (2, 1)
    assert any("drawn wrong" in e for e in check.console_errors)
    assert any("missing is not defined" in e for e in check.console_errors)
    assert any("nowhere.png" in e for e in check.console_errors)
    assert not check.screenshot_blank
    # ... and an empty page, whose screenshot is one colour.
    empty = tmp_path / "empty.html"
    empty.write_text("<!doctype html><body></body>", "utf-8")
    check = open_page(empty, tmp_path / "empty.png")
    assert (check.console_errors, check.total_svgs, check.screenshot_blank) == ([], 0, True)
