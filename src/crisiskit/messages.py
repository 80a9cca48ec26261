"""Messages people read, in English and Simplified Chinese, from gettext-style catalogs.

Every error, refusal, alert, notice and command-line message crisiskit shows is written in
the code as an English template marked with :func:`_`, the gettext convention::

    raise ValidationError(_("an amount needs a currency; got {amount!r}", amount=amount))

:func:`_` returns a :class:`Message`: a ``str`` that reads in English (so ``str(error)``,
logs and existing ``except`` code are unchanged) and remembers its template and values, so
the same message can be said in Chinese with :meth:`Message.text`::

    >>> from crisiskit.messages import _
    >>> m = _(
    ...     "cannot {command} crisis {crisis_id!r}: the condition {condition!r} is not met",
    ...     command="warn", crisis_id="CR-1", condition="plan chosen",
    ... )
    >>> m
    "cannot warn crisis 'CR-1': the condition 'plan chosen' is not met"
    >>> m.text("zh")
    '无法对危机“CR-1”执行“warn”：条件“plan chosen”未满足'

Catalogs ship with the package, one per language, as gettext ``.po`` files
(``crisiskit/locale/zh.po``): each ``msgid`` is an English template, each ``msgstr`` its
Chinese translation, with the same ``{placeholders}``. English is the source language and
needs no catalog; a language with no catalog, or a template the catalog lacks, reads in
English, as with gettext. A test fails when any template in the code lacks a translation.

Values are said in the language too: a value with a ``label(lang)`` method (every crisiskit
enum) shows its label, a nested :class:`Message` (or an error whose message is one) its text,
and a tuple, list or set its items joined with ``", "`` in English and ``"、"`` in Chinese.
:func:`coded` keeps a member's code in English and shows its label in Chinese.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any, Final, Literal

__all__ = ["LANGUAGES", "Lang", "Message", "_", "coded", "language_of", "say"]

Lang = Literal["en", "zh"]
"""A language crisiskit speaks: English or Simplified Chinese."""

LANGUAGES: Final[tuple[Lang, ...]] = ("en", "zh")
"""Every language crisiskit speaks."""


def language_of(lang: str) -> Lang | None:
    """``"en"`` or ``"zh"`` for a language tag (``"zh-CN"``, ``"zh_Hans"``, ``"en-GB"``), else None."""
    if not isinstance(lang, str):
        return None
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    return "en" if base == "en" else "zh" if base == "zh" else None


class Message(str):
    """An English text that can also be said in another language (see the module doc).

    Made by :func:`_`; compares, hashes and prints as its English text.
    """

    __slots__ = ("template", "values")
    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, values: Mapping[str, object]) -> Message:  # noqa: D102
        self = super().__new__(cls, _render(template, values, "en"))
        self.template = template
        self.values = values
        return self

    def text(self, lang: str = "en") -> str:
        """This message in ``lang`` (``"en"`` or ``"zh"``, regional tags accepted)."""
        language = language_of(lang) or "en"
        if language == "en":
            return str.__str__(self)
        return _render(_catalog(language).get(self.template, self.template), self.values, language)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, dict(self.values)))


def _(template: str, /, **values: object) -> Message:
    """Mark ``template`` as a message to translate, with the values its placeholders name."""
    return Message(template, values)


class _Coded:
    """A member said by its code in English and by its label in another language."""

    __slots__ = ("member",)

    def __init__(self, member: Any) -> None:
        self.member = member

    def label(self, lang: str = "en") -> str:
        return str(self.member.value) if lang == "en" else str(self.member.label(lang))

    def __str__(self) -> str:
        return str(self.member.value)

    def __repr__(self) -> str:
        return repr(self.member.value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Coded, (self.member,))


def coded(member: Any) -> Any:
    """An enum member as a message value that keeps its code in English, for a host's logs.

    A member given as it is reads as its label in every language; ``coded(member)`` reads as
    its code (``"pr"``, ``"I"``) in English and its label in Chinese (``"公关"``, ``"重大"``).
    A tuple of members is coded member by member.
    """
    if isinstance(member, tuple | list):
        return tuple(coded(m) for m in member)
    return _Coded(member)


def say(text: object, lang: str = "en") -> str:
    """``text`` in ``lang``: a :class:`Message`, or an error whose message is one, translated.

    Anything else is ``str(text)``: ``say(error, "zh")`` reads a crisiskit error in Chinese.
    """
    if isinstance(text, BaseException) and len(text.args) == 1:
        text = text.args[0]
    return text.text(lang) if isinstance(text, Message) else str(text)


_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(![rs])?(:[^{}]*)?\}")


def _render(template: str, values: Mapping[str, object], lang: Lang) -> str:
    out: list[str] = []
    for literal, name, conversion, spec, written in _pieces(template):
        out.append(literal)
        if name is None:
            continue
        if name not in values:  # a translation naming a value the code does not give
            out.append(written)
            continue
        value = values[name]
        if conversion == "!r":
            out.append(repr(value) if lang == "en" else f"“{_localised(value, lang)}”")
            continue
        shown = _localised(value, lang)
        if spec and shown == str(value):  # a number keeps its own format spec ({x:g}, {n:,})
            out.append(format(value, spec[1:]))
        else:
            out.append(format(shown, spec[1:]) if spec else shown)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str | None, str, str, str], ...]:
    """``template`` cut once into (text, field name, conversion, format spec, field as written).

    Every message is rendered at least once in English when it is made, and again in each
    language it is said in: parsing each template once keeps that cheap on hot paths.
    """
    pieces: list[tuple[str, str | None, str, str, str]] = []
    for part in re.split(r"(\{\{|\}\})", template):
        if part in ("{{", "}}"):
            pieces.append((part[0], None, "", "", ""))
            continue
        start = 0
        for match in _FIELD.finditer(part):
            text = part[start : match.start()]
            pieces.append(
                (text, match.group(1), match.group(2) or "", match.group(3) or "", match.group(0))
            )
            start = match.end()
        pieces.append((part[start:], None, "", "", ""))
    return tuple(pieces)


def _localised(value: object, lang: Lang) -> str:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, BaseException):  # an error given as a value says its own message
        return say(value, lang)
    label = getattr(value, "label", None)
    # crisiskit's enums are str enums: they show their label, as the module doc says
    if callable(label) and not isinstance(value, type):
        try:
            return str(label(lang))
        except TypeError:
            pass
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ("、" if lang == "zh" else ", ").join(_localised(v, lang) for v in items)
    return str(value)


@functools.cache
def _catalog(lang: Lang) -> Mapping[str, str]:
    """The catalog of ``lang``, read once from ``crisiskit/locale/<lang>.po``."""
    # Imported here: importlib.resources loads tempfile, shutil, random and the compression
    # modules, a few milliseconds ``import crisiskit`` need not pay before a catalog is read.
    from importlib import resources  # noqa: PLC0415

    try:
        text = resources.files("crisiskit").joinpath(f"locale/{lang}.po").read_text("utf-8")
    except FileNotFoundError:
        return {}
    return {k: v for k, v in _parse_po(text).items() if k and v}


_PO_LINE = re.compile(r'^(msgid|msgstr)?\s*"(.*)"\s*$')


def _parse_po(text: str) -> dict[str, str]:
    r"""The ``msgid → msgstr`` pairs of a gettext ``.po`` file (no plurals or contexts).

    >>> _parse_po('msgid "a {x}"\nmsgstr ""\n"甲 {x}"\n')
    {'a {x}': '甲 {x}'}
    """
    entries: dict[str, str] = {}
    key: str | None = None
    current: list[str] | None = None
    msgid: list[str] = []
    msgstr: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PO_LINE.match(line)
        if match is None:
            raise ValueError(f"not a line of a .po file: {raw!r}")
        keyword, body = match.groups()
        if keyword == "msgid":
            if key is not None:
                entries["".join(msgid)] = "".join(msgstr)
            msgid, msgstr, key = [], [], "msgid"
            current = msgid
        elif keyword == "msgstr":
            key, current = "msgstr", msgstr
        if current is None:
            raise ValueError(f"a continued string before any msgid: {raw!r}")
        current.append(_unescape(body))
    if key is not None:
        entries["".join(msgid)] = "".join(msgstr)
    return entries


def _unescape(body: str) -> str:
    return re.sub(
        r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body
    )
