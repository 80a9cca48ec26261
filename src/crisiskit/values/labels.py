"""Bilingual labels: every enum crisiskit shows to people reads in English and Chinese.

Labels come in English (``"en"``) and Simplified Chinese (``"zh"``). Regional tags such as
``"en-US"``, ``"zh-CN"``, ``"zh-Hans"`` or ``"zh_CN"`` are accepted and mean the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal, Self

from crisiskit.errors import UnknownValueError

__all__ = ["LANGUAGES", "LabelledEnum", "Lang", "normalize_lang"]

Lang = Literal["en", "zh"]
"""A language crisiskit has labels in."""

LANGUAGES: tuple[Lang, ...] = ("en", "zh")
"""Every language crisiskit has labels in."""


def normalize_lang(lang: str) -> Lang:
    """Map a language tag (``"en"``, ``"en-GB"``, ``"zh"``, ``"zh-CN"``, ``"zh_Hans"``) to ``en`` or ``zh``."""
    if isinstance(lang, str):
        base = lang.replace("_", "-").split("-", 1)[0].lower()
        if base == "en":
            return "en"
        if base == "zh":
            return "zh"
    raise UnknownValueError(
        f"no labels in language {lang!r}; crisiskit has labels in 'en' and 'zh' "
        "(regional tags such as 'zh-CN' or 'en-US' are accepted)"
    )


class LabelledEnum(StrEnum):
    """A string enum whose members have an English and a Chinese label.

    The value is a stable lower-case code used in JSON and events; labels are for people.
    Subclasses register their labels with :meth:`_register_labels` right after the class.
    """

    @classmethod
    def _register_labels(cls, labels: Mapping[Self, tuple[str, str]]) -> None:
        missing = [m.value for m in cls if m not in labels]
        if missing:
            raise TypeError(f"{cls.__name__}: no labels for {missing}")
        cls._labels = dict(labels)  # type: ignore[attr-defined]
        cls._lookup = {  # type: ignore[attr-defined]
            key.casefold(): m for m, (en, zh) in labels.items() for key in (m.value, m.name, en, zh)
        }

    def label(self, lang: str = "en") -> str:
        """This member's label in ``lang`` (``"en"`` or ``"zh"``)."""
        en, zh = type(self)._labels[self]  # type: ignore[attr-defined]
        return en if normalize_lang(lang) == "en" else str(zh)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Find a member by its code, its name, or its English or Chinese label.

        Matching ignores case and surrounding spaces: ``Channel.parse("客服热线")`` and
        ``Channel.parse("hotline")`` are both ``Channel.HOTLINE``.
        """
        if isinstance(text, str):
            found = cls._lookup.get(text.strip().casefold())  # type: ignore[attr-defined]
            if found is not None:
                return found  # type: ignore[no-any-return]
        allowed = ", ".join(m.value for m in cls)
        raise UnknownValueError(f"{text!r} is not a {cls.__name__}; allowed: {allowed}")
