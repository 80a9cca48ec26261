"""Every error crisiskit raises in the covered packages says its message from the catalog.

The check reads the source (it imports nothing): each call that makes a crisiskit error must
be given a message marked with ``_()`` — directly, or through a local variable every one of
whose assignments is one, a parameter annotated ``Message``, a conditional whose branches
both are, or a call to a function of the same module annotated ``-> Message``. Anything
else (an f-string, a plain literal, text glued together) is reported with where it is.

``COVERED`` lists the packages held to this; extend it as more of the library is converted.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

import crisiskit.errors
from crisiskit.errors import (
    CrisisKitError,
    NaiveDatetimeError,
    PolicyError,
    SerializationError,
    ValidationError,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "crisiskit"

COVERED: tuple[str, ...] = (
    "_internal",
    "calendar",
    "grading",
    "monitor",
    "plan",
    "serialization.py",
    "store",
    "testing",
    "values",
)
"""Files and packages (relative to ``src/crisiskit``) whose errors must speak from the catalog."""

NOT_YET: tuple[str, ...] = ()
"""Parts of the covered packages not converted yet (none now); a place to name one while it is."""


def python_files(covered: Iterable[str], skipped: Iterable[str] = ()) -> list[Path]:
    """The ``.py`` files under each entry of ``covered`` (a file or a package), minus ``skipped``."""
    skip = [SRC / s for s in skipped]
    found: set[Path] = set()
    for entry in covered:
        path = SRC / entry
        found.update([path] if path.is_file() else path.rglob("*.py"))
    return sorted(p for p in found if not any(p == s or s in p.parents for s in skip))


def error_names(trees: Iterable[ast.Module]) -> set[str]:
    """The names of crisiskit's errors: those of crisiskit.errors and the subclasses of them."""
    names = set(crisiskit.errors.__all__)
    classes = [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for cls in classes:
            if cls.name not in names and any(_name(b) in names for b in cls.bases):
                names.add(cls.name)
                grew = True
    return names


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_message_annotation(node: ast.expr | None) -> bool:
    return (node is not None and _name(node) == "Message") or (
        isinstance(node, ast.Constant) and node.value == "Message"
    )


class _Module:
    """One source file: its functions by name and, for each node, the function around it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text("utf-8"))
        self.functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.enclosing: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None] = {}
        self._index(self.tree, None)
        # name -> the crisiskit module it comes from, and the name there ("" for a module)
        self.imported: dict[str, tuple[str, str]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crisiskit"):
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = (node.module or "", alias.name)

    def _index(
        self, node: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef | None
    ) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(child.name, []).append(child)
                self.enclosing[child] = function
                self._index(child, child)
            else:
                self.enclosing[child] = function
                self._index(child, function)

    def returns_message(self, call: ast.Call) -> bool:
        """Whether ``call`` calls a function annotated ``-> Message``, here or imported."""
        func = call.func
        name = _name(func) or ""
        found = self.functions.get(name, [])
        if isinstance(func, ast.Name) and func.id in self.imported:
            module, original = self.imported[func.id]
            found = _functions_of(module).get(original, [])
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module, original = self.imported.get(func.value.id, ("", ""))
            if module:  # a function of an imported module: ``_util.closest(...)``
                found = _functions_of(f"{module}.{original}").get(name, [])
        return bool(found) and all(_is_message_annotation(f.returns) for f in found)

    def is_message(
        self, node: ast.expr, where: ast.AST, seen: frozenset[str] = frozenset()
    ) -> bool:
        if isinstance(node, ast.Call):
            return (
                isinstance(node.func, ast.Name) and node.func.id == "_"
            ) or self.returns_message(node)
        if isinstance(node, ast.IfExp):
            return self.is_message(node.body, where, seen) and self.is_message(
                node.orelse, where, seen
            )
        if isinstance(node, ast.Name) and node.id not in seen:
            return self._variable_is_message(node.id, where, seen | {node.id})
        return False

    def _variable_is_message(self, name: str, where: ast.AST, seen: frozenset[str]) -> bool:
        function = self.enclosing.get(where)
        if function is None:
            return False
        arguments = function.args
        for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            if arg.arg == name:
                return _is_message_annotation(arg.annotation)
        values: list[ast.expr] = []
        for node in ast.walk(function):
            if self.enclosing.get(node) is not function:
                continue
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                values.append(node.value)
            elif isinstance(node, ast.AnnAssign) and _name(node.target) == name:
                if _is_message_annotation(node.annotation):
                    return True
                if node.value is not None:
                    values.append(node.value)
        return bool(values) and all(self.is_message(v, where, seen) for v in values)


def _functions_of(module: str) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    """The functions of a crisiskit module, by name (none for a module not found)."""
    parts = module.split(".")[1:]
    for path in (SRC.joinpath(*parts).with_suffix(".py"), SRC.joinpath(*parts, "__init__.py")):
        if parts and path.is_file():
            return _Module(path).functions
    return {}


def unmarked_messages(covered: Iterable[str], skipped: Iterable[str] = ()) -> list[str]:
    """Where a crisiskit error is made with a message not marked with ``_()``, as ``file:line``."""
    modules = [_Module(p) for p in python_files(covered, skipped)]
    errors = error_names(m.tree for m in modules)
    found: list[str] = []
    for module in modules:
        for node in ast.walk(module.tree):
            where = f"{module.path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Raise) and node.exc is not None and _name(node.exc) in errors:
                found.append(f"{where}: {_name(node.exc)} raised without a message")
            if not (isinstance(node, ast.Call) and _name(node.func) in errors):
                continue
            message = next(
                (k.value for k in node.keywords if k.arg == "message"),
                node.args[0] if node.args else None,
            )
            if message is None:
                found.append(f"{where}: {_name(node.func)}() made without a message")
            elif not module.is_message(message, node):
                found.append(f"{where}: {ast.unparse(message)[:70]}")
    return found


def shadowed_markers(covered: Iterable[str], skipped: Iterable[str] = ()) -> list[str]:
    """Where a module that imports ``_`` from crisiskit.messages binds the name to something else.

    ``for level, _ in pairs`` there makes a later ``_("...")`` in the same scope call a value.
    """
    found: list[str] = []
    for path in python_files(covered, skipped):
        tree = ast.parse(path.read_text("utf-8"))
        if not any(
            isinstance(n, ast.ImportFrom)
            and n.module == "crisiskit.messages"
            and any(a.name == "_" and a.asname is None for a in n.names)
            for n in tree.body
        ):
            continue
        for node in ast.walk(tree):
            bound = (
                (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == "_")
                or (isinstance(node, ast.arg) and node.arg == "_")
                or (isinstance(node, ast.ExceptHandler) and node.name == "_")
            )
            if bound:
                found.append(f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}")
    return found


def _messages(lines: Iterator[str] | list[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


def test_every_error_in_the_covered_packages_speaks_from_the_catalog() -> None:
    found = unmarked_messages(COVERED, NOT_YET)
    assert not found, "errors whose message is not marked with _():\n" + _messages(found)


REBINDS_NOT_YET: tuple[str, ...] = ("calendar/business.py", "grading/models")
"""Modules of another change that still name a throwaway ``_`` (harmless today: no ``_()`` in
the same scope); drop each entry once its ``_`` loops are renamed."""


def test_no_covered_module_binds_the_message_marker_to_anything_else() -> None:
    found = shadowed_markers(COVERED, (*NOT_YET, *REBINDS_NOT_YET))
    assert not found, "_ rebound where _() marks messages:\n" + _messages(found)


SAMPLE = """
from crisiskit.errors import ValidationError
from crisiskit.messages import Message, _

class OddError(ValidationError):
    pass

def helper(x) -> Message:
    return _("x {x}", x=x)

def ok(x, given: Message):
    m = _("a {x}", x=x) if x else helper(x)
    raise ValidationError(m) from None

def ok_param(given: Message):
    raise OddError(given)

def bad(x, m):
    raise OddError(f"x is {x}")

def bad_literal():
    raise ValidationError("no")

def bad_variable(x):
    m = _("a")
    if x:
        m = "plain"
    raise ValidationError(m)

def bad_param(m: str):
    raise ValidationError(m)

def bad_bare():
    raise ValidationError
"""


def test_the_check_finds_what_is_unmarked_and_accepts_what_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sample.py").write_text(SAMPLE, "utf-8")
    monkeypatch.setattr(f"{__name__}.SRC", tmp_path)
    found = unmarked_messages(["sample.py"])
    lines = sorted(int(f.split(":")[1]) for f in found)
    source = SAMPLE.splitlines()
    assert [source[n - 1].strip() for n in lines] == [
        'raise OddError(f"x is {x}")',
        'raise ValidationError("no")',
        "raise ValidationError(m)",
        "raise ValidationError(m)",
        "raise ValidationError",
    ]


# ---- what a Chinese-speaking operator reads -----------------------------------------------


def _naive_clock() -> object:
    from crisiskit.values.clock import ManualClock

    return ManualClock(dt.datetime(2025, 9, 27, 20, 0))


def _customers_out_of_range() -> object:
    from crisiskit.values.attributes import Integer

    return Integer(
        "customers", "customers affected", "受影响客户数", minimum=1, maximum=50_000
    ).check(-3)


def _missing_factor() -> object:
    from grading_support import AT, TYPICAL, grading_input

    from crisiskit.grading import RiskMatrixPolicy

    factors = {**TYPICAL, "scop": 3}
    del factors["scope"]
    return RiskMatrixPolicy().assess(grading_input(factors), at=AT)


def _bad_signal_json() -> object:
    from crisiskit import from_json

    return from_json(
        '{"type": "Signal", "schema_version": 1, "channel": "传真", '
        '"observed_at": "2025-09-27T20:00:00", "description": "foreign object in yoghurt"}'
    )


def _immediate_target() -> object:
    from crisiskit import Role
    from crisiskit.plan import Phase, PlannedAction

    return PlannedAction(
        "contact", Phase.RESPONSE, "Contact the customer", Role.CUSTOMER_SERVICE, dt.timedelta(0)
    )


def _duration_of_centuries() -> object:
    from crisiskit.serialization import parse_duration

    return parse_duration("P900Y")


@pytest.mark.parametrize(
    ("make", "error", "chinese"),
    [
        (
            _naive_clock,
            NaiveDatetimeError,
            "ManualClock 的起始时间 必须带时区；实际为不带时区的 datetime 2025-09-27T20:00:00。"
            "请为它指定时区，例如 pendulum.datetime(2025, 9, 27, 20, 0, tz='Asia/Shanghai')",
        ),
        (
            _customers_out_of_range,
            ValidationError,
            "属性“customers”必须是介于 1 和 50000 之间的整数；实际为 -3",
        ),
        (
            _missing_factor,
            PolicyError,
            "无法评定可能性：GradingInput.factors 中缺少因素 scope（是否想写“scop”？）；"
            "可能性需要 severity、scope、trend，每项为 1 到 5 的评分；已给出：brand_damage、"
            "customer_loss、economic_loss、legal_risk、scop、severity、trend",
        ),
        (
            _bad_signal_json,
            SerializationError,
            "“传真”不是 Channel；可用值：'hotline'、'online_service'、'complaint_mailbox'、"
            "'suggestion_box'、'sales_data'、'production_monitoring'、'quality_inspection'、"
            "'internet'、'social_media'、'news_media'、'other'。宿主系统可在启动时、任何地方用到"
            "之前，用 Channel.register(...) 添加自己的取值（位置 $.channel）；datetime "
            "“2025-09-27T20:00:00”没有时差；请带上时差书写，例如 "
            "'2025-09-27T20:00:00+08:00[Asia/Shanghai]' 或 '2025-09-27T12:00:00Z'"
            "（位置 $.observed_at）",
        ),
        (
            _immediate_target,
            ValidationError,
            "PlannedAction.target 必须是正的时长；实际为 PT0S（没有时限请用 None）",
        ),
        (
            _duration_of_centuries,
            SerializationError,
            "时长“P900Y”过大（至多 36525 天，即 PT876600H）",
        ),
    ],
    ids=["naive-clock", "attribute-range", "missing-factor", "bad-json", "zero-target", "P900Y"],
)
def test_errors_read_in_chinese(
    make: Callable[[], object], error: type[CrisisKitError], chinese: str
) -> None:
    with pytest.raises(error) as raised:
        make()
    assert raised.value.text("zh") == chinese
    assert raised.value.text("zh-CN") == chinese
    english = str(raised.value)
    assert raised.value.text("en") == english
    assert not re.search(r"[\u4e00-\u9fff]", english.replace("传真", "")), english
