"""Bilingual labels: every enum crisiskit shows to people reads in English and Chinese.

Labels come in English (``"en"``) and Simplified Chinese (``"zh"``). Regional tags such as
``"en-US"``, ``"zh-CN"``, ``"zh-Hans"`` or ``"zh_CN"`` are accepted and mean the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import Enum, StrEnum
from typing import Literal, Self, TypeVar, cast

from crisiskit.errors import UnknownValueError
from crisiskit.messages import Message, _, language_of

__all__ = ["LANGUAGES", "LabelledEnum", "Lang", "normalize_lang"]

Lang = Literal["en", "zh"]
"""A language crisiskit has labels in."""

LANGUAGES: tuple[Lang, ...] = ("en", "zh")
"""Every language crisiskit has labels in."""


def normalize_lang(lang: str) -> Lang:
    """Map a language tag (``"en"``, ``"en-GB"``, ``"zh"``, ``"zh-CN"``, ``"zh_Hans"``) to ``en`` or ``zh``."""
    found = language_of(lang)
    if found is not None:
        return found
    raise UnknownValueError(
        _(
            "no labels in language {lang!r}; crisiskit has labels in 'en' and 'zh' (regional tags such as 'zh-CN' or 'en-US' are accepted)",
            lang=lang,
        )
    )


class LabelledEnum(StrEnum):
    """A string enum whose members have an English and a Chinese label.

    The value is a stable lower-case code used in JSON and events; labels are for people.
    Subclasses register their labels with :meth:`_register_labels` right after the class.

    Wherever crisiskit takes one of these enums it also takes what a host has at hand: the
    member's code, its name, or its English or Chinese label (see :meth:`parse`).
    """

    @classmethod
    def _register_labels(
        cls,
        labels: Mapping[Self, tuple[str, str]],
        *,
        aliases: Mapping[Self, Iterable[str]] | None = None,
    ) -> None:
        """Give every member its labels, and build the lookup table :meth:`parse` reads.

        ``aliases`` are further spellings a member is known by. A spelling that would name
        two members is refused here, when the enum is created, not when a host meets it.
        """
        missing = [m.value for m in cls if m not in labels]
        if missing:
            raise TypeError(f"{cls.__name__}: no labels for {missing}")
        table: dict[str, Self] = {}
        for m in cls:
            en, zh = labels[m]
            for spelling in (m.value, m.name, en, zh, *(aliases or {}).get(m, ())):
                known = table.setdefault(_key(spelling), m)
                if known is not m:
                    raise TypeError(
                        f"{cls.__name__}: {spelling!r} would name both {known.name} and {m.name}"
                    )
        cls._labels = dict(labels)  # type: ignore[attr-defined]
        cls._lookup = table  # type: ignore[attr-defined]

    def label(self, lang: str = "en") -> str:
        """This member's label in ``lang`` (``"en"`` or ``"zh"``)."""
        en, zh = type(self)._labels[self]  # type: ignore[attr-defined]
        return en if normalize_lang(lang) == "en" else str(zh)

    @classmethod
    def lookup(cls, value: object) -> Self | None:
        """The member ``value`` names (as :meth:`parse` reads it), or None when it names none."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str) or isinstance(value, Enum):
            return None  # a member of another enum is a mistake, even if its code matches
        return cls._lookup.get(_key(value))  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def parse(cls, value: Self | str, *, what: str | None = None) -> Self:
        """The member ``value`` names: the member itself, its code, its name, or a label.

        Latin text matches whatever its case; spaces around it do not count. ``what`` names
        the parameter in the message of a refusal. ``Channel.parse("客服热线")``,
        ``Channel.parse(" Customer Hotline ")`` and ``Channel.parse("HOTLINE")`` are all
        ``Channel.HOTLINE``.

        Raises:
            UnknownValueError: ``value`` names no member; the message gives the codes.
        """
        found = cls.lookup(value)
        if found is None:
            raise UnknownValueError(cls._refusal(value, what))
        return found

    @classmethod
    def _refusal(cls, value: object, what: str | None) -> Message:
        first = next(iter(cls))
        hint = _(
            "Allowed: {codes} (names and English or Chinese labels such as {label_en!r} or "
            "{label_zh!r} are accepted too)",
            codes=tuple(repr(m.value) for m in cls),
            label_en=first.label("en"),
            label_zh=first.label("zh"),
        )
        if what:
            return _(
                "{what} must be a {enum}; got {value!r}. {hint}",
                what=what,
                enum=cls.__name__,
                value=value,
                hint=hint,
            )
        return _("{value!r} is not a {enum}. {hint}", value=value, enum=cls.__name__, hint=hint)


L = TypeVar("L", bound=LabelledEnum)


def converted(value: L | str, enum: type[L]) -> L:
    """The member of ``enum`` that ``value`` names, or ``value`` unchanged when it names none.

    The body of an attrs converter: the field's validator, which knows the field's name,
    then refuses what is left.
    """
    if type(value) is enum:
        return value
    found = enum.lookup(value)
    return cast(L, value) if found is None else found


def converted_all(value: Iterable[L | str], enum: type[L]) -> tuple[L, ...]:
    """A sequence as a tuple, each item that names a member of ``enum`` as that member.

    The body of an attrs converter for a tuple of members; a string or anything that is not
    a sequence is left as it is, for the field's validator to refuse.
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        return cast(tuple[L, ...], value)
    return tuple(converted(item, enum) for item in value)


_AROUND_PUNCTUATION = re.compile(r"\s*([(),])\s*")


def _key(text: str) -> str:
    """How a spelling is looked up: in its compatibility form, spaces trimmed, case folded.

    The compatibility form reads full-width brackets and letters and ``Ⅱ`` as ASCII; runs of
    spaces count as one, and spaces around brackets and commas not at all.
    """
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    return _AROUND_PUNCTUATION.sub(r"\1", folded).casefold()
