"""Every error the upper layers raise says itself in Chinese too, from the catalog.

The upper layers are :mod:`crisiskit.crisis`, :mod:`crisiskit.sla`, :mod:`crisiskit.events`,
:mod:`crisiskit.operations` and the drill, monitoring and back-test services of
:mod:`crisiskit.app`. The walk below finds every place one of them makes a crisiskit error,
whether right in a ``raise`` or in a helper that returns it for a caller to raise, and asks
that its message is a ``_()`` template (or an expression that can only be one). The table
tests after it make realistic refusals and check that their Chinese reads as Chinese.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lifecycle_support import T0, new_crisis, signal, snapshot

import crisiskit.errors
from crisiskit import Context, CrisisType, Level, Money, Role
from crisiskit.calendar import china_working_calendar
from crisiskit.crisis.commands import REGISTRY
from crisiskit.crisis.lifecycle import COMMAND_NAMES, COMMANDS, CONDITIONS
from crisiskit.errors import (
    ConcurrencyError,
    CrisisKitError,
    CurrencyMismatchError,
    InvalidTransition,
    PolicyError,
    ValidationError,
)
from crisiskit.events import BudgetExceeded
from crisiskit.messages import Message, _, _catalog, coded
from crisiskit.operations.compensation import CompensationKind
from crisiskit.plan import BudgetCategory, EmergencyPlan
from crisiskit.sla import SlaPolicy
from crisiskit.testing import ManualClock

SRC = Path(__file__).resolve().parents[1] / "src" / "crisiskit"
UPPER = (
    *sorted((SRC / "crisis").glob("*.py")),
    *sorted((SRC / "sla").glob("*.py")),
    *sorted((SRC / "events").glob("*.py")),
    *sorted((SRC / "operations").glob("*.py")),
    SRC / "app" / "drills.py",
    SRC / "app" / "monitoring.py",
    SRC / "app" / "backtest.py",
)
ERRORS = frozenset(
    name
    for name in crisiskit.errors.__all__
    if isinstance(getattr(crisiskit.errors, name), type)
    and issubclass(getattr(crisiskit.errors, name), CrisisKitError)
)


def _error_name(call: ast.Call) -> str | None:
    func = call.func
    name = (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else None
    )
    return name if name in ERRORS else None


def _is_message(
    node: ast.expr, assigned: dict[str, list[ast.expr]], seen: frozenset[str] = frozenset()
) -> bool:
    """True when ``node`` can only be a ``_()`` message."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "_"
    if isinstance(node, ast.IfExp):
        return _is_message(node.body, assigned, seen) and _is_message(node.orelse, assigned, seen)
    if isinstance(node, ast.Name) and node.id in assigned and node.id not in seen:
        # a local variable: every value the function gives it must be a message
        return all(_is_message(v, assigned, seen | {node.id}) for v in assigned[node.id])
    return False


def _functions(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield node


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def errors_without_a_message() -> list[str]:
    """Where an upper-layer file makes a crisiskit error whose message is not a ``_()`` call."""
    bad: list[str] = []
    for path in UPPER:
        tree = ast.parse(path.read_text("utf-8"))
        # each error is judged in the innermost function that makes it, with that function's locals
        owner: dict[int, ast.AST] = {}
        for scope in _functions(tree):
            for node in ast.walk(scope):
                owner[id(node)] = scope
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _error_name(node) is None:
                continue
            message = (
                node.args[0]
                if node.args
                else next((k.value for k in node.keywords if k.arg == "message"), None)
            )
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if message is None or not _is_message(message, _assignments(owner[id(node)])):
                bad.append(where)
    return bad


def errors_raised_bare() -> list[str]:
    """Where an upper-layer file raises a crisiskit error class with no message at all."""
    bad: list[str] = []
    for path in UPPER:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Name)
                and node.exc.id in ERRORS
            ):
                bad.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return bad


def test_the_walk_finds_the_errors_it_should() -> None:
    # the walk must see errors made in a helper and judged by its locals, or it proves nothing
    code = (
        "def f(x):\n"
        "    m = _('a {x}', x=x)\n"
        "    raise ValidationError(m)\n"
        "def g(x):\n"
        "    return InvalidTransition(f'cannot {x}', state='s', command='c')\n"
        "def h(x):\n"
        "    raise errors.PolicyError(_('a') if x else 'b')\n"
    )
    tree = ast.parse(code)
    verdicts = []
    for scope in list(_functions(tree))[1:]:
        assigned = _assignments(scope)
        for node in ast.walk(scope):
            if isinstance(node, ast.Call) and _error_name(node):
                verdicts.append(_is_message(node.args[0], assigned))
    assert verdicts == [True, False, False]


def test_every_upper_layer_error_is_a_catalog_message() -> None:
    bad = errors_without_a_message() + errors_raised_bare()
    assert not bad, "errors whose message is not a _() template:\n  " + "\n  ".join(bad)


# --- the refusals, alerts and notices read as Chinese -----------------------------------------

PLAN = EmergencyPlan.default()
SLA = SlaPolicy.default(china_working_calendar([2025, 2026]))
WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


def english_words(text: str, codes: set[str]) -> list[str]:
    """The runs of ASCII letters in ``text`` that are not one of the ``codes`` and ids given."""
    return [w for w in WORD.findall(text) if w not in codes]


def planned(clock: ManualClock) -> object:
    crisis = new_crisis(
        clock,
        context=Context(clock, plan=PLAN, sla=SLA),
        crisis_type=CrisisType.PRODUCT_QUALITY,
        signals=[signal("Weibo post", customer="C-1")],
    )
    crisis.update_facts(actor="office", scope="yoghurt batch 0925")
    return crisis


def nothing(crisis):
    pass


def level_ii_with_an_office(crisis):
    crisis.set_level(Level.II, actor="analyst", reason="spreading")
    crisis.assign(Role.OFFICE, "li.office", actor="office")


def level_iii(crisis):
    crisis.set_level(Level.III, actor="analyst", reason="contained")


def paused(crisis):
    crisis.pause_sla(actor="cs", reason="waiting for the customer")


def recovering_at_level_iv(crisis):
    crisis.set_level(Level.IV, actor="analyst", reason="one customer")
    for role in PLAN.required_roles(crisis.crisis_type, Level.IV):
        crisis.assign(role, f"{role.value}.lead", actor="office")
    crisis.respond(actor="office")
    crisis.recover(actor="office")


REFUSALS = {
    # name: (the crisis before, the refused command, the error, the codes and ids its Chinese
    # may name, words it must say)
    "respond without the roles": (
        level_ii_with_an_office,
        lambda c: c.respond(actor="gm"),
        InvalidTransition,
        {"CR", "II"},
        ["启动应急响应", "必需角色已到位", "客服部门"],
    ),
    "recover from detected": (
        nothing,
        lambda c: c.recover(actor="office"),
        InvalidTransition,
        {"CR"},
        ["进入恢复", "监测发现", "发布预警"],
    ),
    "compensate in dollars": (
        nothing,
        lambda c: c.compensate(
            CompensationKind.REFUND, Money("5.99", "USD"), customer_id="C-1", actor="cs"
        ),
        CurrencyMismatchError,
        {"CR", "CNY", "USD"},
        ["应急预案预算币种"],
    ),
    "pause with no timer running": (
        paused,
        lambda c: c.pause_sla(actor="cs", reason="waiting for the lab"),
        ValidationError,
        {"CR"},
        ["没有可暂停的计时"],
    ),
    "a statement to the media at level III": (
        level_iii,
        lambda c: c.release_statement(
            "media", "We apologise.", medium="press_release", approved_by="x", actor="pr"
        ),
        PolicyError,
        {"III"},
        ["媒体", "产品质量问题"],
    ),
    "a stale version": (
        nothing,
        lambda c: c.assign(Role.OFFICE, "li.office", actor="office", expected_version=1),
        ConcurrencyError,
        {"CR"},
        ["请重新加载后再试"],
    ),
    "close without a review": (
        recovering_at_level_iv,
        lambda c: c.close("recalled and refunded", actor="office"),
        InvalidTransition,
        {"CR", "record_review"},
        ["关闭", "复盘已记录"],
    ),
    "a customer the crisis does not have": (
        nothing,
        lambda c: c.handle_customer("C-9", "received", actor="cs"),
        ValidationError,
        {"C", "CR", "add_customers"},
        ["受影响客户"],
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refusal_reads_as_chinese_and_changes_nothing(case: str) -> None:
    setup, command, error, codes, says = REFUSALS[case]
    crisis = planned(ManualClock(T0))
    setup(crisis)
    before = snapshot(crisis)
    with pytest.raises(error) as refused:
        command(crisis)
    assert snapshot(crisis) == before
    zh = refused.value.text("zh")
    assert english_words(zh, codes) == [], zh
    assert all(word in zh for word in says), zh
    assert "'" not in zh  # values are quoted “so” in Chinese
    assert str(refused.value) == refused.value.text("en") != zh


def test_the_english_refusals_keep_their_codes() -> None:
    crisis = planned(ManualClock(T0))
    level_ii_with_an_office(crisis)
    with pytest.raises(InvalidTransition) as refused:
        crisis.respond(actor="gm")
    english = str(refused.value)
    assert english.startswith("cannot respond crisis 'CR-1': the condition 'required roles filled'")
    assert "customer_service, marketing, production_quality on the team at level II" in english
    assert refused.value.condition == "required roles filled"
    assert "客服部门、市场部门、生产/质量部门" in refused.value.text("zh")


def test_a_budget_alert_reads_as_chinese_and_keeps_its_english_log_text() -> None:
    crisis = planned(ManualClock(T0))
    crisis.compensate(CompensationKind.CASH, Money("210000", "CNY"), actor="cs")
    warning = crisis.pull_events()[-1]
    assert isinstance(warning, BudgetExceeded)
    # the English is what golden logs hold, byte for byte
    assert (
        warning.reason == "compensation spending 210000 CNY is over the plan's budget of 200000 CNY"
    )
    zh = warning.reason.text("zh")
    assert zh == "赔偿支出 210000 CNY 超出预案预算 200000 CNY"


def test_an_sla_timer_refusal_and_its_reasons_read_as_chinese() -> None:
    timer = SLA.start(Level.II, T0, owner="CR-1").timers[0]
    stopped = timer.stopped(T0.add(minutes=5), SLA)
    with pytest.raises(InvalidTransition) as refused:
        stopped.paused(T0.add(minutes=6), "waiting", SLA)
    zh = refused.value.text("zh")
    assert english_words(zh, {"CR", timer.metric.value, "restarted"}) == [], zh
    assert "“暂停计时”" in zh
    assert "“已停止”" in zh
    assert str(refused.value).startswith(f"cannot pause the timer 'CR-1/{timer.metric.value}'")


def test_the_warning_notice_reads_in_chinese_from_the_catalog() -> None:
    crisis = planned(ManualClock(T0))
    crisis.set_level(Level.I, actor="analyst", reason="national media")
    crisis.warn(actor="office")
    notice = crisis.notice
    zh = notice.render("zh")
    assert zh.splitlines()[:3] == [
        "预警通知：一级预警（重大危机），红色",
        "危机类型：产品质量问题",
        "影响范围：yoghurt batch 0925",
    ]
    assert english_words("\n".join(zh.splitlines()[3:]), set()) == [], zh
    english = notice.render("en")
    assert english.splitlines()[:2] == [
        "Warning notice: level I warning (major crisis), red",
        "Crisis type: product quality problem",
    ]
    assert english.splitlines()[-1].startswith("To: ")


def test_every_command_and_condition_has_a_chinese_name() -> None:
    catalog = _catalog("zh")
    assert set(REGISTRY) | COMMANDS <= set(COMMAND_NAMES)
    for name in COMMAND_NAMES.values():
        assert catalog.get(name.template), name
        assert not WORD.search(name.text("zh")), name
    for conditions in CONDITIONS.values():
        for condition in conditions:
            assert isinstance(condition.name, Message)
            assert not WORD.search(condition.name.text("zh")), condition.name


# --- what the upper layers needed of the mechanism --------------------------------------------


def test_a_coded_member_keeps_its_code_in_english_and_its_label_in_chinese() -> None:
    m = _("{category} spending {spent} is over the plan's budget of {budget}",
          category=coded(BudgetCategory.PR), spent="1 CNY", budget="0 CNY")  # fmt: skip
    assert m == "pr spending 1 CNY is over the plan's budget of 0 CNY"
    assert m.text("zh").startswith("公关支出")
    assert repr(coded(Level.I)) == "'I'"


def test_a_quoted_message_value_is_said_in_chinese() -> None:
    m = _(
        "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
        command=COMMAND_NAMES["respond"],
        crisis_id="CR-1",
        condition=CONDITIONS["respond"][1].name,
    )
    assert m == "cannot respond crisis 'CR-1': the condition 'required roles filled' is not met"
    assert m.text("zh") == "无法对危机“CR-1”执行“启动应急响应”：条件“必需角色已到位”未满足"


def test_a_number_keeps_its_format_spec_and_an_error_value_says_itself() -> None:
    m = _(
        "SlaTimer {timer_id!r} already emitted the alert at {fraction:g} of its target "
        "(it has emitted up to {emitted:g})",
        timer_id="T",
        fraction=0.50,
        emitted=0.75,
    )
    assert (
        m
        == "SlaTimer 'T' already emitted the alert at 0.5 of its target (it has emitted up to 0.75)"
    )
    error = ValidationError(_("Review.lessons needs at least one lesson"))
    wrapped = _("{where}:{number}: {error}", where="stream", number=3, error=error)
    assert wrapped == "stream:3: Review.lessons needs at least one lesson"
    assert wrapped.text("zh") == "stream 第 3 行：Review.lessons 至少需要一条经验教训"
