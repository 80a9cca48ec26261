"""The picture of one crisis: what it holds, where, at what local time, in both languages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timeline_support import ROUND_THE_CLOCK, demo, reopened

from crisiskit.app.cli import main
from crisiskit.errors import (
    ChartError,
    MissingExtraError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.events import StatementReleased, stored
from crisiskit.reports import _fonts
from crisiskit.reports.timeline import draw_timeline, timeline_of, write_timeline
from crisiskit.sla import SlaMetric
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisState

pytest.importorskip("matplotlib")

LONDON = "Europe/London"
IDS = re.compile(r'<g id="([a-z_]+)\.([^"]*)"')


def ids(svg: str, kind: str) -> list[str]:
    """The ids of the drawn elements of ``kind``, without the kind."""
    return [rest for found, rest in IDS.findall(svg) if found == kind]


def glyph_fonts(svg: str) -> set[str]:
    """The fonts whose glyphs the SVG draws its text with."""
    return set(re.findall(r'<path id="([^"]+)-[0-9a-f]+"', svg))


def marker_xy(svg: str, element_id: str) -> tuple[float, float]:
    """Where the marker of ``element_id`` is drawn: the <use> inside its group."""
    group = svg[svg.index(f'<g id="{element_id}">') :]
    use = re.search(r'<use xlink:href="#[^"]+" x="([-0-9.]+)" y="([-0-9.]+)"', group)
    assert use is not None, element_id
    return float(use.group(1)), float(use.group(2))


@pytest.fixture(scope="module")
def short():
    return timeline_of(reopened().events, zone=LONDON)


@pytest.fixture(scope="module")
def short_svg(short):
    return draw_timeline(short).decode()


# --- what the timeline holds -----------------------------------------------------------------


def test_phases_follow_the_lifecycle_with_the_reopen(short):
    local = [(p.state, p.start.in_timezone(LONDON).strftime("%m-%d %H:%M")) for p in short.phases]
    assert local == [
        (CrisisState.DETECTED, "03-29 09:00"),
        (CrisisState.WARNED, "03-29 09:20"),
        (CrisisState.RESPONDING, "03-29 10:00"),
        (CrisisState.RECOVERING, "03-29 13:00"),
        # 20 h + 4 h later, across the switch to summer time at 01:00 UTC: 13:00 UTC is 14:00 BST
        (CrisisState.CLOSED, "03-30 14:00"),
        (CrisisState.RESPONDING, "03-30 17:00"),
    ]
    assert [p.end for p in short.phases[:-1]] == [p.start for p in short.phases[1:]]
    assert short.phases[-1].end == short.end == reopened().events[-1].occurred_at


def test_levels_escalations_statements_and_reopen(short):
    assert [(s.level, s.start.in_timezone(LONDON).strftime("%H:%M")) for s in short.levels] == [
        (Level.III, "09:10"),
        (Level.II, "09:50"),
    ]
    # The first grading sets a level, it raises none: III → II is the only escalation.
    escalations = [m for m in short.marks if m.kind == "escalation"]
    assert [(m.level, m.at.in_timezone(LONDON).strftime("%H:%M")) for m in escalations] == [
        (Level.II, "09:50")
    ]
    statements = [e for e in reopened().events if isinstance(e, StatementReleased)]
    assert [m.at for m in short.marks if m.kind == "statement"] == [
        e.occurred_at for e in statements
    ]
    assert [
        m.at.in_timezone(LONDON).strftime("%m-%d %H:%M") for m in short.marks if m.kind == "reopen"
    ] == ["03-30 17:00"]


def test_deadlines_milestones_and_breach_of_first_contact(short):
    detected = short.start
    target = ROUND_THE_CLOCK.target(Level.II, SlaMetric.FIRST_CONTACT)
    assert target is not None
    contact = [m for m in short.marks if m.metric is SlaMetric.FIRST_CONTACT]
    # Re-targeted to level II's target from detection; never met, so 50 %, 75 % and the breach.
    assert [(m.kind, m.at) for m in contact] == [
        ("milestone", detected + target.duration * 0.5),
        ("milestone", detected + target.duration * 0.75),
        ("breach", detected + target.duration),
        ("deadline", detected + target.duration),
    ]
    acknowledge = ROUND_THE_CLOCK.target(Level.III, SlaMetric.ACKNOWLEDGE)
    assert acknowledge is not None
    assert [
        m.at for m in short.marks if m.kind == "deadline" and m.metric is SlaMetric.ACKNOWLEDGE
    ] == [detected + acknowledge.duration]


def test_a_timer_cancelled_before_its_deadline_shows_none():
    # Closing cancels the timers still running; a resolution run stopped by recovery keeps its
    # deadline, and the reopen starts new runs whose deadlines lie ahead.
    timeline = timeline_of(reopened().events, zone=LONDON)
    for run in timeline.runs:
        assert run.start <= run.end
        if run.deadline is not None:
            assert any(m.kind == "deadline" and m.at == run.deadline for m in timeline.marks)
    assert timeline.count("deadline") == sum(run.deadline is not None for run in timeline.runs)


@settings(max_examples=25)
@given(data=st.data())
def test_any_prefix_of_a_history_gives_a_contiguous_timeline(data):
    events = demo().events
    prefix = events[: data.draw(st.integers(1, len(events)), label="events")]
    later = data.draw(st.integers(0, 10_000), label="minutes after the last event")
    until = prefix[-1].occurred_at + dt.timedelta(minutes=later)
    timeline = timeline_of(reversed(prefix), zone="Asia/Shanghai", until=until)
    assert timeline.phases[0].start == prefix[0].occurred_at
    assert timeline.phases[-1].end == timeline.end == until
    for a, b in zip(timeline.phases, timeline.phases[1:], strict=False):
        assert a.end == b.start
    for a, b in zip(timeline.levels, timeline.levels[1:], strict=False):
        assert a.end == b.start
    assert [m.at for m in timeline.marks] == sorted(m.at for m in timeline.marks)
    assert timeline.count("statement") == sum(isinstance(e, StatementReleased) for e in prefix)


def test_refusals_of_timeline_of():
    events = reopened().events
    with pytest.raises(ValidationError, match="got none"):
        timeline_of([], zone=LONDON)
    with pytest.raises(ValidationError, match="CrisisDetected"):
        timeline_of(events[1:], zone=LONDON)
    with pytest.raises(ValidationError, match="one crisis"):
        timeline_of([*events, *demo().events[1:3]], zone=LONDON)
    with pytest.raises(ValidationError, match="until must not lie before"):
        timeline_of(events, zone=LONDON, until=events[-1].occurred_at - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        timeline_of(events, zone=LONDON, until=dt.datetime(2025, 4, 1, 12, 0))  # naive
    with pytest.raises(ValidationError, match="IANA"):
        timeline_of(events, zone="Mars/Olympus")


# --- the drawing -----------------------------------------------------------------------------


def test_the_svg_holds_every_element_at_its_local_minute(short, short_svg):
    svg = short_svg
    assert ids(svg, "phase") == [
        "detected.2025-03-29T09:00",
        "warned.2025-03-29T09:20",
        "responding.2025-03-29T10:00",
        "recovering.2025-03-29T13:00",
        "closed.2025-03-30T14:00",
        "responding.2025-03-30T17:00",
    ]
    assert ids(svg, "level") == ["III.2025-03-29T09:10", "II.2025-03-29T09:50"]
    assert ids(svg, "escalation") == ["II.2025-03-29T09:50"]
    assert ids(svg, "reopen") == ["responding.2025-03-30T17:00"]
    assert ids(svg, "statement") == ["2025-03-29T11:00"]
    assert ids(svg, "breach") == ["first_contact.2025-03-29T11:00"]
    assert ids(svg, "milestone") == [
        "first_contact.2025-03-29T10:00",
        "first_contact.2025-03-29T10:30",
    ]
    assert sorted(ids(svg, "deadline")) == sorted(
        [
            "acknowledge.2025-03-29T11:00",
            "grade.2025-03-29T10:00",  # an hour from the detection to grade it
            "first_contact.2025-03-29T11:00",
            "progress_update.2025-03-29T21:00",
            "progress_update.2025-03-29T23:00",
            "progress_update.2025-03-31T05:00",  # BST from here on
            "resolution.2025-04-03T10:00",
            "resolution.2025-04-04T17:00",
        ]
    )
    assert len(ids(svg, "run")) == len(short.runs)
    for kind in ("deadline", "milestone", "breach", "statement", "escalation", "reopen"):
        assert len(ids(svg, kind)) == short.count(kind)


def test_markers_sit_at_their_times_on_their_rows(short, short_svg):
    svg = short_svg
    points = {}
    for kind in ("deadline", "milestone", "breach", "statement"):
        for rest in ids(svg, kind):
            points[f"{kind}.{rest}"] = marker_xy(svg, f"{kind}.{rest}")
    # x is linear in time: fit on the first and last deadline, check every other marker.
    first, last = "deadline.acknowledge.2025-03-29T11:00", "deadline.resolution.2025-04-04T17:00"
    t0 = pendulum.parse("2025-03-29T11:00", tz=LONDON)
    t1 = pendulum.parse("2025-04-04T17:00", tz=LONDON)
    scale = (points[last][0] - points[first][0]) / (t1 - t0).total_seconds()
    for name, (x, _y) in points.items():
        at = pendulum.parse(name.rsplit(".", 1)[-1], tz=LONDON)
        assert x == pytest.approx(points[first][0] + scale * (at - t0).total_seconds(), abs=0.05)
    # Same metric, same row; the breach and the deadline of first contact coincide exactly.
    assert points["breach.first_contact.2025-03-29T11:00"] == pytest.approx(
        points["deadline.first_contact.2025-03-29T11:00"]
    )
    rows = {
        name.split(".")[1]: y for name, (_x, y) in points.items() if name.startswith("deadline")
    }
    assert len(set(rows.values())) == len(rows)


def test_the_zone_changes_the_labels_not_the_instants():
    shanghai = timeline_of(reopened().events, zone="Asia/Shanghai")
    svg = draw_timeline(shanghai).decode()
    assert ids(svg, "phase")[0] == "detected.2025-03-29T17:00"
    assert ids(svg, "reopen") == ["responding.2025-03-31T00:00"]
    assert "<!-- time in Beijing (Asia/Shanghai) -->" in svg


def test_title_and_labels_in_english_and_chinese(short, short_svg):
    assert "<!-- crisis CR-T-1: Parcels lost in transit -->" in short_svg
    assert "<!-- time in Europe/London -->" in short_svg
    assert "<!-- SLA deadline -->" in short_svg
    assert "<!-- recovering -->" in short_svg
    zh = draw_timeline(short, lang="zh").decode()
    assert "<!-- 危机 CR-T-1：Parcels lost in transit -->" in zh
    assert "<!-- 时间（Europe/London） -->" in zh
    for label in (
        "时限截止",
        "时限提醒",
        "超时",
        "对外发布",
        "级别升级",
        "重新打开",
        "II级",
        "恢复",
        "首次联系客户",
    ):
        assert f"<!-- {label} -->" in zh, label
    assert ids(zh, "phase") == ids(short_svg, "phase")
    # Text is drawn as glyph outlines named font-glyph: the Chinese picture's come from a
    # CJK font, not from DejaVu Sans (which has no Chinese, only empty boxes).
    assert glyph_fonts(short_svg) == {"DejaVuSans"}
    assert glyph_fonts(zh) - {"DejaVuSans"}


def test_the_demo_in_chinese_reads_beijing_time():
    result = demo("food_safety_zh")
    svg = draw_timeline(timeline_of(result.events, zone="Asia/Shanghai"), lang="zh").decode()
    assert "<!-- 北京时间 -->" in svg
    assert "deadline.acknowledge.2025-09-27T20:30" in svg
    assert "breach.progress_update.2025-09-28T02:00" in svg


def test_timers_owed_to_customers_get_rows_of_their_own():
    # The demo's three affected customers are each owed a first contact: C-10086 was called
    # at 21:15, in time; C-20011 and C-20012 were reached only the next day, so their timers
    # breached at the level-II deadline, 22:00 (two working hours after 20:00).
    timeline = timeline_of(demo().events, zone="Asia/Shanghai")
    subjects = {m.subject for m in timeline.marks if m.metric is SlaMetric.FIRST_CONTACT}
    assert subjects == {None, "C-10086", "C-20011", "C-20012"}
    svg = draw_timeline(timeline).decode()
    assert sorted(
        name
        for name in ids(svg, "breach")
        if not name.startswith(("audience_update", "planned_action"))
    ) == [
        "first_contact.C-20011.2025-09-27T22:00",
        "first_contact.C-20012.2025-09-27T22:00",
        "progress_update.2025-09-28T02:00",
    ]
    for customer in ("C-10086", "C-20011", "C-20012"):
        assert f"<!-- first customer contact: {customer} -->" in svg
    rows = {
        name.rsplit(".", 1)[0]: marker_xy(svg, f"deadline.{name}")[1]
        for name in ids(svg, "deadline")
        if name.startswith("first_contact")
    }
    assert len(set(rows.values())) == len(rows) == 4


def test_many_customers_share_one_row(monkeypatch):
    from crisiskit.reports import timeline as module

    monkeypatch.setattr(module, "MAX_SUBJECT_ROWS", 2)
    svg = draw_timeline(timeline_of(demo().events, zone="Asia/Shanghai"), lang="zh").decode()
    assert "<!-- 首次联系客户（各客户） -->" in svg
    assert "C-20011 -->" not in svg
    ys = {
        marker_xy(svg, f"breach.{name}")[1]
        for name in ids(svg, "breach")
        if not name.startswith("planned_action")
    }
    # The customers' breaches on one row, the audiences' on another, progress update on its own.
    assert len(ys) == 3


def test_png_is_a_picture(short, tmp_path):
    from PIL import Image

    path = write_timeline(short, tmp_path / "t.png", lang="zh")
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width > 800
        low_high = image.convert("RGB").getextrema()
    assert any(low != high for low, high in low_high)


def test_unknown_formats_are_refused(short, tmp_path):
    with pytest.raises(UnknownValueError, match="svg, png"):
        draw_timeline(short, format="pdf")
    with pytest.raises(UnknownValueError):
        write_timeline(short, tmp_path / "t.gif")
    assert not (tmp_path / "t.gif").exists()
    with pytest.raises(UnknownValueError):
        draw_timeline(short, lang="fr")


# --- without matplotlib, or without a CJK font -------------------------------------------------


@pytest.fixture
def no_cjk_font(monkeypatch):
    from matplotlib import font_manager

    _fonts.cjk_family.cache_clear()
    monkeypatch.setattr(_fonts, "_known", lambda _manager: None)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    yield
    _fonts.cjk_family.cache_clear()


def test_chinese_without_a_cjk_font_is_refused_not_drawn_as_boxes(short, no_cjk_font, tmp_path):
    with pytest.raises(ChartError, match="fonts-noto-cjk") as refused:
        write_timeline(short, tmp_path / "t.svg", lang="zh")
    assert "请安装" in refused.value.text("zh")
    assert not (tmp_path / "t.svg").exists()
    # English text needs no CJK font, but a Chinese title does, whatever the language.
    assert draw_timeline(short, lang="en").startswith(b"<?xml")
    chinese_title = timeline_of(demo("food_safety_zh").events, zone="Asia/Shanghai")
    with pytest.raises(ChartError):
        draw_timeline(chinese_title, lang="en")


def test_without_matplotlib_the_error_names_the_extra(short, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=re.escape("crisiskit[charts]")):
        draw_timeline(short)
    assert isinstance(timeline_of(reopened().events, zone=LONDON).phases, tuple)  # no drawing


# --- the command ---------------------------------------------------------------------------------


def test_the_command_draws_a_scenario_and_a_log(tmp_path, capsys):
    scenario = tmp_path / "crisis.json"
    from timeline_support import REOPENED

    scenario.write_text(json.dumps(REOPENED), encoding="utf-8")
    out = tmp_path / "crisis.svg"
    assert main(["timeline", str(scenario), "--out", str(out), "--lang", "zh"]) == 0
    said = capsys.readouterr()
    assert said.out.strip().startswith(f"已写入 {out}：危机 CR-T-1 的时间线")
    assert said.err == ""
    svg = out.read_text(encoding="utf-8")
    assert "<!-- 时间（Europe/London） -->" in svg  # the scenario's own zone

    log = tmp_path / "crisis.jsonl"
    log.write_text("".join(stored(e).to_json() + "\n" for e in reopened().events), "utf-8")
    picture = tmp_path / "crisis.png"
    assert main(["timeline", str(log), "--out", str(picture), "--zone", "Asia/Shanghai"]) == 0
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert (
        f"wrote {picture}: the timeline of crisis CR-T-1, {len(reopened().events)} events"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("content", "out", "message"),
    [
        ("{}", "t.gif", "--out must name a .svg or .png file; got '"),
        ('{"x": 1}\n', "t.svg", "line 1: not a stored event of crisiskit"),
        ("\n\n", "t.svg", "holds no stored events and is not a scenario"),
        ("not json", "t.png", "line 1: not a stored event"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(tmp_path, capsys, content, out, message):
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    assert main(["timeline", str(source), "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / out).exists()


def test_the_command_without_a_cjk_font_fails_in_one_line(tmp_path, capsys, no_cjk_font):
    log = tmp_path / "crisis.jsonl"
    log.write_text("".join(stored(e).to_json() + "\n" for e in reopened().events), "utf-8")
    assert main(["timeline", str(log), "--out", str(tmp_path / "t.svg"), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "中日韩（CJK）字体" in err
    assert err.count("\n") == 1


def test_svg_output_is_the_same_every_time(short):
    assert draw_timeline(short) == draw_timeline(short)
    assert io.BytesIO(draw_timeline(short, format="png")).read(4) == b"\x89PNG"
