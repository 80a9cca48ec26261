"""Messages in English and Chinese: the catalog mechanism and the catalog's completeness."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

from crisiskit.errors import CrisisKitError, ValidationError
from crisiskit.messages import Message, _, _catalog, _parse_po, say

SRC = Path(__file__).resolve().parents[1] / "src" / "crisiskit"
PO = SRC / "locale" / "zh.po"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:![rs])?(?::[^{}]*)?\}")


def templates_in_code() -> dict[str, list[str]]:
    """Every template marked with ``_("...")`` in the library, with where it is written."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
            ):
                arg = node.args[0]
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    raise AssertionError(f"{where}: _() takes a literal template")
                found.setdefault(arg.value, []).append(where)
    return found


def test_a_message_reads_as_its_english_text() -> None:
    m = _(
        "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
        command="warn",
        crisis_id="CR-1",
        condition="c",
    )
    assert isinstance(m, str)
    assert m == "cannot warn crisis 'CR-1': the condition 'c' is not met"
    assert m.text("en") == m.text("en-GB") == str(m)
    assert m.text("zh-CN") == "无法对危机“CR-1”执行“warn”：条件“c”未满足"


def test_a_message_survives_pickling_with_its_template() -> None:
    m = _(
        "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
        command="warn",
        crisis_id="CR-1",
        condition="c",
    )
    back = pickle.loads(pickle.dumps(m))
    assert isinstance(back, Message)
    assert back.text("zh") == m.text("zh")


def test_an_error_says_its_message_in_either_language() -> None:
    error = ValidationError(
        _(
            "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
            command="x",
            crisis_id="C",
            condition="c",
        )
    )
    assert str(error) == "cannot x crisis 'C': the condition 'c' is not met"
    assert error.text("zh") == say(error, "zh") == "无法对危机“C”执行“x”：条件“c”未满足"
    assert CrisisKitError("plain").text("zh") == "plain"


def test_values_are_said_in_the_language_too() -> None:
    inner = _(
        "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
        command="y",
        crisis_id="B",
        condition="c",
    )
    # the outer template is in no catalog, so it reads in English, its values in Chinese
    outer = Message("{a} / {b}", {"a": inner, "b": ("x", "y")})
    assert outer.text("zh") == "无法对危机“B”执行“y”：条件“c”未满足 / x、y"
    assert outer == "cannot y crisis 'B': the condition 'c' is not met / x, y"


def test_a_template_missing_from_the_catalog_reads_in_english() -> None:
    assert _("no such template {x}", x=1).text("zh") == "no such template 1"


def test_the_po_reader_joins_continued_strings_and_unescapes() -> None:
    text = 'msgid ""\nmsgstr ""\n"Language: zh\\n"\n\nmsgid "a \\"{x}\\""\nmsgstr "甲"\n"乙 {x}"\n'
    assert _parse_po(text) == {"": "Language: zh\n", 'a "{x}"': "甲乙 {x}"}


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    catalog = _parse_po(PO.read_text("utf-8"))
    missing = {t: w for t, w in templates_in_code().items() if not catalog.get(t)}
    assert not missing, "no Chinese translation in locale/zh.po for:\n" + "\n".join(
        f"  {w[0]}: {t!r}" for t, w in sorted(missing.items(), key=lambda i: i[1][0])
    )


def test_every_translation_uses_the_placeholders_of_its_template() -> None:
    wrong = {
        msgid: msgstr
        for msgid, msgstr in _catalog("zh").items()
        if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr))
    }
    assert not wrong


def test_the_catalog_holds_no_template_the_code_no_longer_uses() -> None:
    used = templates_in_code()
    stale = [t for t in _catalog("zh") if t not in used]
    assert not stale


@pytest.mark.parametrize("msgid", sorted(_catalog("zh")))
def test_chinese_translations_use_chinese_punctuation(msgid: str) -> None:
    msgstr = _catalog("zh")[msgid]
    outside = PLACEHOLDER.sub("", msgstr)
    assert not re.search(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]", outside), msgstr
