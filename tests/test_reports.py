"""Period reports over the twelve committed crises, figure by figure, worked out by hand.

The crises (examples/data/reports; times Asia/Shanghai, minutes and hours after detection):

    id      type                 level detected           ack   contact  statement   recover  close
    RPT-01  product_quality      I     Mon 09-15 10:00    10m   40m      3h cust.    30h      50h
    RPT-02  product_quality      II    Tue 09-16 14:00    45m   90m      10h cust.   11h      30h
    RPT-03  negative_publicity   I     Wed 09-17 09:00    5m    -        5h media    10h      20h
    RPT-04  complaint            III   Thu 09-18 16:00    60m   20h      -           25h      40h
    RPT-05  complaint            IV    Mon 09-22 11:00    3h    30h      -           48h      60h
    RPT-06  service_dispute      III   Tue 09-23 10:00    3h    25h      -           30h      48h, reopened 72h, closed 90h
    RPT-07  negative_publicity   II    Wed 09-24 20:00    20m   -        8h media    40h      60h
    RPT-08  product_quality      III   Mon 09-29 09:00    60m   5h       -           -        open (last event 6h)
    RPT-09  information_security I     Wed 10-01 00:30    12m   50m      2h cust.    3h30m    24h
    RPT-10  complaint            IV    Thu 10-09 10:00    -     -        -           -        open (only detected)
    RPT-11  service_dispute      II    Fri 10-10 15:00    25m   2h30m    11h cust.   72h      80h
    RPT-12  management_failure   IV    Mon 10-13 09:00    30m   -        -           10h      20h

The SLA timers run from detection on the 24x7 calendar with the default targets:
acknowledge I 15m, II 30m, III 2h, IV 24h; first contact I 1h, II 2h, III 24h, IV 48h (it
runs whether or not the crisis has customers); progress update every I 4h, II 12h, III 24h
(a statement counts as one), stopped at recovery; resolution (to recovery) I 72h, II 120h,
III 168h, IV 360h; the public statement (I 4h, II 12h) only for crises that went public
(RPT-03 and RPT-07, detected on social media). Closing cancels what is still running.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reports_support import OFFICE, histories

from crisiskit.errors import (
    MissingExtraError,
    SerializationError,
    UnknownValueError,
    ValidationError,
)
from crisiskit.messages import say
from crisiskit.plan import BudgetCategory
from crisiskit.reports import (
    GroupKey,
    PeriodMetrics,
    ledger_rows,
    period_metrics,
    period_report,
    read_csv,
    rows,
    to_dataframe,
    write_csv,
)
from crisiskit.serialization import from_dict, from_json, to_dict, to_json
from crisiskit.sla import SlaMetric
from crisiskit.values.money import Money

MIN = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
SHANGHAI = "Asia/Shanghai"

# Monthly budgets for the ledger tests.
BUDGETS = {
    BudgetCategory.COMPENSATION: Money("1000", "CNY"),
    BudgetCategory.PR: Money("20000", "CNY"),
    BudgetCategory.SUPPLIES: Money("2500", "CNY"),
}


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


@pytest.fixture(scope="module")
def total() -> PeriodMetrics:
    return period_report(histories(), zone=SHANGHAI, calendar=OFFICE).total


def test_counts_open_and_reopened(total):
    assert total.crises == 12
    # RPT-08 is responding, RPT-10 only detected.
    assert total.still_open == 2
    # RPT-06 alone was reopened: 1 of 12.
    assert total.reopened == 1
    assert total.reopen_rate == 1 / 12
    assert total.by_level == (("I", 3), ("II", 3), ("III", 3), ("IV", 3))


def test_time_to_acknowledge(total):
    # Minutes, RPT-10 never acknowledged: 5, 10, 12, 20, 25, 30, 45, 60, 60, 180, 180.
    # Sum 627 over 11 crises: mean 57 min. Median: the 6th, 30 min. p90 by nearest rank:
    # ceil(0.9 * 11) = 10th, 180 min.
    stats = total.time_to_acknowledge
    assert stats.count == 11
    assert stats.mean == 57 * MIN
    assert stats.median == 30 * MIN
    assert stats.p90 == 180 * MIN
    assert stats.worst == 180 * MIN


def test_time_to_first_contact_and_statement(total):
    # Contact (minutes): 40, 90, 1200 (20h), 1800 (30h), 1500 (25h), 300 (5h), 50, 150.
    # Sorted 40, 50, 90, 150, 300, 1200, 1500, 1800: sum 5130 / 8 = 641.25 min; median
    # (150 + 300) / 2 = 225 min; p90 rank ceil(7.2) = 8th, 1800 min.
    contact = total.time_to_first_contact
    assert contact.count == 8
    assert contact.mean == dt.timedelta(minutes=641.25)
    assert contact.median == 225 * MIN
    assert contact.p90 == 30 * H
    # Statements: 3h, 10h, 5h, 8h, 2h, 11h: sum 39h / 6 = 6h30m; median (5 + 8) / 2 = 6h30m;
    # p90 rank ceil(5.4) = 6th, 11h.
    statement = total.time_to_first_statement
    assert statement.count == 6
    assert statement.mean == dt.timedelta(hours=6.5)
    assert statement.median == dt.timedelta(hours=6.5)
    assert statement.p90 == 11 * H


def test_time_to_close(total):
    # Closed: 50, 30, 20, 40, 60, 90 (RPT-06's last close), 60, 24, 80, 20 hours.
    # Sorted 20, 20, 24, 30, 40, 50, 60, 60, 80, 90: sum 474 / 10 = 47.4 h = 47h24m; median
    # (40 + 50) / 2 = 45h; p90 rank 9th, 80h.
    stats = total.time_to_close
    assert stats.count == 10
    assert stats.mean == 47 * H + 24 * MIN
    assert stats.median == 45 * H
    assert stats.p90 == 80 * H
    assert stats.worst == 90 * H


def test_working_time_to_acknowledge_on_the_office_calendar(total):
    # Office hours Mon–Fri 09–12, 13–18:
    # RPT-01 Mon 10:00–10:10 10m; RPT-02 Tue 14:00–14:45 45m; RPT-03 Wed 09:00–09:05 5m;
    # RPT-04 Thu 16:00–17:00 60m; RPT-05 Mon 11:00–14:00 = 11–12 + 13–14 = 120m;
    # RPT-06 Tue 10:00–13:00 = 10–12 = 120m; RPT-07 Wed 20:00–20:20 0m (evening);
    # RPT-08 Mon 09:00–10:00 60m; RPT-09 Wed 00:30–00:42 0m (night); RPT-11 Fri 15:00–15:25
    # 25m; RPT-12 Mon 09:00–09:30 30m.
    # Sorted 0, 0, 5, 10, 25, 30, 45, 60, 60, 120, 120: sum 475 / 11; median 30m; p90 120m.
    working = total.working
    assert working is not None
    assert working.calendar == "office"
    stats = working.time_to_acknowledge
    assert stats.count == 11
    assert stats.mean == 475 * MIN / 11
    assert stats.median == 30 * MIN
    assert stats.p90 == 120 * MIN
    assert OFFICE.duration_text(stats.p90) == "2 working hours"


def test_sla_attainment(total):
    figures = {f.metric: (f.met, f.breached, f.running) for f in total.sla}
    # Acknowledge: late RPT-02 (45m > 30m) and RPT-06 (3h > 2h); RPT-10 still running; the
    # other 9 in time: 9 / 11.
    assert figures[SlaMetric.ACKNOWLEDGE] == (9, 2, 1)
    # First contact: in time RPT-01, 02, 04, 05, 08, 09; late RPT-06 (25h > 24h) and RPT-11
    # (2h30m > 2h); never made, past target, RPT-03 (I, 1h) and RPT-07 (II, 2h); RPT-10
    # running; RPT-12 closed at 20h, before its 48h: cancelled. 6 / 10.
    assert figures[SlaMetric.FIRST_CONTACT] == (6, 4, 1)
    # Public statement, only the two public crises: RPT-03 5h > 4h, RPT-07 8h <= 12h.
    assert figures[SlaMetric.PUBLIC_STATEMENT] == (1, 1, 0)
    # Progress update: RPT-02 (statement at 10h, recovered at 11h < 22h) and RPT-09
    # (statement at 2h, recovered at 3h30m < 6h) met; RPT-08 running (6h < 24h); the other
    # six I–III crises recovered after a whole cadence without an update. 2 / 8.
    assert figures[SlaMetric.PROGRESS_UPDATE] == (2, 6, 1)
    # Resolution: every recovery in time; RPT-08 and RPT-10 running.
    assert figures[SlaMetric.RESOLUTION] == (10, 0, 2)
    # Owed to each affected customer: a first contact per customer. In time C-101 (40m, I),
    # C-201 (90m, II), C-401 (20h, III), C-501 (30h, IV), C-801 (5h, III), C-901 (50m, I);
    # late C-601 (25h > 24h); RPT-11's C-111 reached after 2h30m > 2h and C-112 never. 6 / 9.
    owed, promised = total.obligations
    assert (owed.metric, owed.met, owed.breached, owed.running) == (
        SlaMetric.FIRST_CONTACT,
        6,
        3,
        0,
    )
    assert owed.attainment == 2 / 3
    # Each promise is timed too, and counted apart from the contacts: the same outcomes as
    # the promise figures below (on time met; late and overdue breached; open running).
    assert (promised.metric, promised.met, promised.breached, promised.running) == (
        SlaMetric.PROMISE,
        1,
        2,
        1,
    )
    # Grading: every run sets its level at the instant it detects the crisis: 12 / 12.
    assert figures[SlaMetric.GRADE] == (12, 0, 0)
    assert dict(total.sla_attainment) == {
        SlaMetric.ACKNOWLEDGE: 9 / 11,
        SlaMetric.GRADE: 1.0,
        SlaMetric.FIRST_CONTACT: 0.6,
        SlaMetric.PUBLIC_STATEMENT: 0.5,
        SlaMetric.PROGRESS_UPDATE: 0.25,
        SlaMetric.RESOLUTION: 1.0,
    }


def test_promises_satisfaction_and_money(total):
    # RPT-01 kept at 20h, due 24h: on time; RPT-04 due 30h, kept 35h: late; RPT-05 due 40h,
    # never kept, last event 60h: overdue; RPT-08 due 48h, last event 6h: open. 1 / 3.
    assert (total.promises.on_time, total.promises.late) == (1, 1)
    assert (total.promises.overdue, total.promises.open) == (1, 1)
    assert total.promises.attainment == 1 / 3
    # Callback averages 4 (RPT-01), 3 (RPT-02), 5 (RPT-04), (4 + 2) / 2 = 3 (RPT-11):
    # mean 15 / 4 = 3.75. Against baselines 5, 4, 4, 4: 0.8, 0.75, 1.25, 0.75, mean 0.8875.
    assert total.average_satisfaction == 3.75
    assert total.satisfaction_recovery == pytest.approx(0.8875)
    # Compensation in CNY: 500 + 200 + 50 + 300 + 1000 = 2050; RPT-11 paid 120 USD apart.
    assert total.compensation_totals == (cny("2050"), Money("120", "USD"))
    # PR: 3000 + 8000 + 5000 + 2000 = 18000; supplies: 1500 + 800 + 600 = 2900.
    assert total.spending == (
        (BudgetCategory.COMPENSATION, cny("2050")),
        (BudgetCategory.COMPENSATION, Money("120", "USD")),
        (BudgetCategory.PR, cny("18000")),
        (BudgetCategory.SUPPLIES, cny("2900")),
    )


def test_grouped_by_type():
    report = period_report(histories(), by="type", zone=SHANGHAI)
    counts = {g.key: g.metrics.crises for g in report.groups}
    assert counts == {
        ("complaint",): 3,  # RPT-04, 05, 10
        ("information_security",): 1,  # RPT-09
        ("management_failure",): 1,  # RPT-12
        ("negative_publicity",): 2,  # RPT-03, 07
        ("product_quality",): 3,  # RPT-01, 02, 08
        ("service_dispute",): 2,  # RPT-06, 11
    }
    complaint = report.group("complaint")
    assert complaint is not None
    assert complaint.crisis_ids == ("RPT-04", "RPT-05", "RPT-10")
    # Acknowledged after 60m and 180m: mean 120m.
    assert complaint.metrics.time_to_acknowledge.mean == 120 * MIN


def test_sla_attainment_by_level():
    report = period_report(histories(), by=GroupKey.LEVEL)
    assert [g.key for g in report.groups] == [("I",), ("II",), ("III",), ("IV",)]
    acknowledge = {
        g.key[0]: dict(g.metrics.sla_attainment).get(SlaMetric.ACKNOWLEDGE) for g in report.groups
    }
    # I: 01, 03, 09 all in time. II: 02 late, 07 and 11 in time. III: 06 late, 04 and 08 in
    # time. IV: 05 and 12 in time, 10 running (not counted).
    assert acknowledge == {"I": 1.0, "II": 2 / 3, "III": 2 / 3, "IV": 1.0}


def test_grouped_by_department_and_person_counts_each_team():
    report = period_report(histories(), by="department")
    counts = {g.key[0]: g.metrics.crises for g in report.groups}
    assert counts == {
        "customer_service": 5,  # RPT-01, 04, 05, 06, 11
        "general_manager": 3,  # RPT-03, 09, 12
        "legal": 2,  # RPT-06, 09
        "marketing": 4,  # RPT-01, 03, 07, 11
        "office": 4,  # RPT-01, 02, 07, 09
        "production_quality": 2,  # RPT-02, 08
        "unassigned": 1,  # RPT-10
    }
    assert report.groups[-1].key == ("unassigned",)
    people = period_report(histories(), by="person")
    zhao = people.group("zhao.cs")
    assert zhao is not None
    assert zhao.crisis_ids == ("RPT-01", "RPT-04", "RPT-05", "RPT-11")
    # zhao.cs's crises acknowledged after 10m, 60m, 180m, 25m: mean 275 / 4 = 68m45s.
    assert zhao.metrics.time_to_acknowledge.mean == dt.timedelta(minutes=68, seconds=45)


def test_weeks_and_months_are_read_in_the_zone():
    weeks = period_report(histories(), by="week", zone=SHANGHAI)
    assert {g.key[0]: g.metrics.crises for g in weeks.groups} == {
        "2025-W38": 4,  # RPT-01..04
        "2025-W39": 3,  # RPT-05..07
        "2025-W40": 2,  # RPT-08, 09
        "2025-W41": 2,  # RPT-10, 11
        "2025-W42": 1,  # RPT-12
    }
    # RPT-09 was detected at 00:30 on 1 October in Shanghai: 30 September, 16:30, in UTC.
    shanghai = period_report(histories(), by="month", zone=SHANGHAI)
    utc = period_report(histories(), by="month", zone="UTC")
    assert {g.key[0]: g.metrics.crises for g in shanghai.groups} == {"2025-09": 8, "2025-10": 4}
    assert {g.key[0]: g.metrics.crises for g in utc.groups} == {"2025-09": 9, "2025-10": 3}


def test_two_keys_give_a_group_per_combination():
    report = period_report(histories(), by=["month", "level"], zone=SHANGHAI)
    counts = {g.key: g.metrics.crises for g in report.groups}
    # September: I 01, 03; II 02, 07; III 04, 06, 08; IV 05. October: I 09; II 11; IV 10, 12.
    assert counts == {
        ("2025-09", "I"): 2,
        ("2025-09", "II"): 2,
        ("2025-09", "III"): 3,
        ("2025-09", "IV"): 1,
        ("2025-10", "I"): 1,
        ("2025-10", "II"): 1,
        ("2025-10", "IV"): 2,
    }


def test_the_window_keeps_crises_detected_inside_it():
    report = period_report(
        histories(),
        start=pendulum.datetime(2025, 9, 22, tz=SHANGHAI),
        end=pendulum.datetime(2025, 10, 1, tz=SHANGHAI),
        zone=SHANGHAI,
    )
    # From Monday 22 September to the end of the month: RPT-05..08 (RPT-09 is at 00:30 on
    # 1 October, outside).
    assert [m.crisis_id for m in report.crises] == ["RPT-05", "RPT-06", "RPT-07", "RPT-08"]
    assert report.total.crises == 4


def test_the_ledger_per_month_warns_over_budget():
    report = period_report(histories(), zone=SHANGHAI, budgets=BUDGETS)
    ledger = report.ledger
    assert ledger is not None
    lines = {(line.period, line.category, line.spent.currency): line for line in ledger.lines}
    # September (spent in Shanghai): compensation 500 + 200 + 50 + 300 = 1050 > 1000;
    # PR 3000 + 8000 + 5000 = 16000; supplies 1500 + 800 = 2300.
    september = lines["2025-09", BudgetCategory.COMPENSATION, "CNY"]
    assert september.spent == cny("1050")
    assert september.over_budget
    assert september.remaining == cny("-50")
    assert lines["2025-09", BudgetCategory.PR, "CNY"].spent == cny("16000")
    assert lines["2025-09", BudgetCategory.SUPPLIES, "CNY"].spent == cny("2300")
    # October: compensation 1000 (RPT-09's gift at 01:30 on 1 October), exactly the budget,
    # not over; RPT-11's 120 USD has no budget in USD; PR 2000; supplies 600.
    october = lines["2025-10", BudgetCategory.COMPENSATION, "CNY"]
    assert october.spent == cny("1000")
    assert not october.over_budget
    usd = lines["2025-10", BudgetCategory.COMPENSATION, "USD"]
    assert usd.budget is None
    assert not usd.over_budget
    assert ledger.over_budget == (september,)
    (warning,) = ledger.warnings()
    assert warning == (
        "customer compensation spending in 2025-09 is 1050 CNY, over the budget of 1000 CNY"
    )
    assert say(warning, "zh") == "2025-09 赔偿支出 1050 CNY，超出预算 1000 CNY"
    assert dict(ledger.totals())[BudgetCategory.PR] == cny("18000")


def test_a_ledger_over_the_whole_report():
    report = period_report(histories(), budgets=BUDGETS, ledger_per=None)
    assert report.ledger is not None
    # 2050 CNY of compensation against 1000 for the whole report.
    lines = {(line.category, line.spent.currency): line for line in report.ledger.lines}
    assert {line.period for line in report.ledger.lines} == {"all"}
    assert lines[BudgetCategory.COMPENSATION, "CNY"].spent == cny("2050")
    assert lines[BudgetCategory.COMPENSATION, "CNY"].over_budget
    assert lines[BudgetCategory.PR, "CNY"].spent == cny("18000")
    assert not lines[BudgetCategory.PR, "CNY"].over_budget


def test_period_metrics_is_the_reports_total():
    assert period_metrics(histories()) == period_report(histories()).total


def test_a_report_serialises_and_reads_back():
    report = period_report(
        histories(), by=["type", "level"], zone=SHANGHAI, calendar=OFFICE, budgets=BUDGETS
    )
    data = to_dict(report.total)
    assert data["type"] == "PeriodMetrics"
    assert from_dict(data) == report.total
    assert from_json(to_json(report)) == report


def test_csv_round_trip():
    report = period_report(histories(), by="level", calendar=OFFICE, budgets=BUDGETS)
    table = rows(report)
    out = io.StringIO()
    write_csv(table, out)
    text = out.getvalue()
    assert text.splitlines()[0].startswith("scope,level,crises,still_open,reopened,reopen_rate,")
    back = read_csv(io.StringIO(text))
    assert back == table
    total, level_i = back[0], back[1]
    assert (total["scope"], total["level"], total["crises"]) == ("total", "", 12)
    assert total["acknowledge_mean"] == 57 * MIN
    assert total["spent_compensation_USD"] == Decimal("120")
    assert (level_i["level"], level_i["crises"]) == ("I", 3)
    ledger = ledger_rows(report.ledger)
    out = io.StringIO()
    write_csv(ledger, out)
    assert read_csv(io.StringIO(out.getvalue())) == ledger


def test_csv_to_a_path(tmp_path):
    report = period_report(histories(), by="month", zone=SHANGHAI)
    path = tmp_path / "report.csv"
    write_csv(rows(report), path)
    assert read_csv(path) == rows(report)


def test_a_bad_cell_names_its_line_and_column():
    with pytest.raises(SerializationError, match=r"line 2, column 'crises'"):
        read_csv(io.StringIO("scope,crises\ntotal,many\n"))


def test_a_dataframe():
    pandas = pytest.importorskip("pandas")
    frame = to_dataframe(period_report(histories(), by="level"))
    assert list(frame["crises"]) == [12, 3, 3, 3, 3]
    assert frame.loc[0, "acknowledge_mean"] == pandas.Timedelta(minutes=57)
    assert frame.loc[0, "spent_pr_CNY"] == Decimal("18000")


def test_a_dataframe_without_pandas_says_which_extra(monkeypatch):
    import importlib

    real = importlib.import_module

    def without_pandas(name, *args):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_pandas)
    with pytest.raises(MissingExtraError, match=r"pip install 'crisiskit\[pandas\]'"):
        to_dataframe(period_report(histories()))


def test_bad_arguments_are_refused():
    with pytest.raises(UnknownValueError):
        period_report(histories(), by="colour")
    with pytest.raises(ValidationError, match="each key once"):
        period_report(histories(), by=["level", "level"])
    with pytest.raises(ValidationError, match="before its end"):
        period_report(
            histories(),
            start=pendulum.datetime(2025, 10, 1, tz="UTC"),
            end=pendulum.datetime(2025, 9, 1, tz="UTC"),
        )
    with pytest.raises(UnknownValueError):
        period_report(histories(), zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="naive"):
        period_report(histories(), start=dt.datetime(2025, 9, 1))
    with pytest.raises(ValidationError, match="per month, per week"):
        period_report(histories(), budgets=BUDGETS, ledger_per="level")


# ---- properties over any subset and any grouping of the committed crises

_KEYS = st.lists(st.sampled_from(list(GroupKey)), max_size=2, unique=True)
_SUBSETS = st.lists(st.sampled_from(range(12)), unique=True)
_SINGLE = [GroupKey.TYPE, GroupKey.LEVEL, GroupKey.WEEK, GroupKey.MONTH]


@settings(max_examples=40)
@given(_SUBSETS, st.lists(st.sampled_from(_SINGLE), min_size=1, max_size=2, unique=True))
def test_grouped_counts_sum_to_the_total(subset, keys):
    report = period_report([histories()[i] for i in subset], by=keys, zone=SHANGHAI)
    assert sum(g.metrics.crises for g in report.groups) == report.total.crises == len(subset)
    assert sum(g.metrics.still_open for g in report.groups) == report.total.still_open
    assert sum(g.metrics.reopened for g in report.groups) == report.total.reopened


@settings(max_examples=40)
@given(_SUBSETS, _KEYS)
def test_every_share_is_between_zero_and_one(subset, keys):
    report = period_report([histories()[i] for i in subset], by=keys, zone=SHANGHAI)
    for metrics in [report.total, *(g.metrics for g in report.groups)]:
        shares = [a for _, a in metrics.sla_attainment]
        shares += [metrics.promises.attainment, metrics.reopen_rate]
        assert all(0 <= s <= 1 for s in shares if s is not None)
        assert all(f.met + f.breached + f.running <= metrics.crises for f in metrics.sla)


@settings(max_examples=40)
@given(_SUBSETS)
def test_regrouping_by_month_then_summing_equals_no_grouping(subset):
    chosen = [histories()[i] for i in subset]
    total = period_report(chosen).total
    months = period_report(chosen, by="month", zone=SHANGHAI).groups
    assert sum(g.metrics.time_to_acknowledge.count for g in months) == (
        total.time_to_acknowledge.count
    )
    for metric in SlaMetric:
        met = sum(f.met for g in months for f in g.metrics.sla if f.metric is metric)
        breached = sum(f.breached for g in months for f in g.metrics.sla if f.metric is metric)
        whole = next((f for f in total.sla if f.metric is metric), None)
        assert (met, breached) == ((whole.met, whole.breached) if whole else (0, 0))
    spent: dict[tuple[BudgetCategory, str], Money] = {}
    for g in months:
        for category, money in g.metrics.spending:
            key = (category, money.currency)
            spent[key] = spent[key] + money if key in spent else money
    assert spent == {(c, m.currency): m for c, m in total.spending}


@settings(max_examples=20)
@given(_SUBSETS)
def test_the_ledger_adds_up_to_the_spending(subset):
    chosen = [histories()[i] for i in subset]
    report = period_report(chosen, budgets=BUDGETS, zone=SHANGHAI)
    assert report.ledger is not None
    totals = {(c, m.currency): m for c, m in report.ledger.totals() if not m.is_zero()}
    assert totals == {(c, m.currency): m for c, m in report.total.spending}
