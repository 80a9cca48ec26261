"""Crisis levels I–IV (I is the most severe) and their warning colours."""

from __future__ import annotations

from collections.abc import Iterable

from crisiskit.errors import UnknownValueError, ValidationError
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum, converted, normalize_lang

__all__ = ["DEFAULT_TIME_TARGETS", "Colour", "Level"]


class Colour(LabelledEnum):
    """The warning colours of the Chinese emergency convention (预警颜色)."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"


Colour._register_labels(
    {
        Colour.RED: ("red", "红色"),
        Colour.ORANGE: ("orange", "橙色"),
        Colour.YELLOW: ("yellow", "黄色"),
        Colour.BLUE: ("blue", "蓝色"),
    }
)


class Level(LabelledEnum):
    """A crisis level, I (major, 重大) to IV (minor, 轻微).

    :meth:`parse` reads every way crisiskit writes a level: ``"II"``, ``"2"``, ``"level II"``,
    ``"二级"``, ``"II级"``, ``"二级预警（较大危机）"``, ``"level II warning (significant crisis)"``,
    the labels (``"significant"``, ``"较大"``) and the colour (``"orange"``, ``"橙色"``).

    Comparison reads as severity: ``Level.I > Level.II`` is true (I is more severe), so
    ``max(levels)`` is the most severe level and ``sorted(levels)`` runs from IV up to I.

    >>> Level.I > Level.III, max([Level.III, Level.II]), Level.II.colour.value
    (True, <Level.II: 'II'>, 'orange')
    """

    I = "I"  # noqa: E741 - the level's name
    II = "II"
    III = "III"
    IV = "IV"

    @property
    def severity(self) -> int:
        """4 for I down to 1 for IV: larger is more severe."""
        return _SEVERITY[self]

    @property
    def rank(self) -> int:
        """1 for I up to 4 for IV: the number in the level's name."""
        return 5 - _SEVERITY[self]

    @property
    def colour(self) -> Colour:
        """The warning colour: I red, II orange, III yellow, IV blue."""
        return _COLOURS[self]

    @classmethod
    def from_severity(cls, severity: int) -> Level:
        """The level with this severity (4 is I, 1 is IV)."""
        for level, value in _SEVERITY.items():
            if value == severity and not isinstance(severity, bool):
                return level
        raise UnknownValueError(
            _("a severity is 1 (IV) to 4 (I); got {severity!r}", severity=severity)
        )

    @classmethod
    def from_rank(cls, rank: int) -> Level:
        """The level with this rank (1 is I, 4 is IV)."""
        if isinstance(rank, int) and not isinstance(rank, bool) and 1 <= rank <= 4:
            return cls.from_severity(5 - rank)
        raise UnknownValueError(_("a rank is 1 (I) to 4 (IV); got {rank!r}", rank=rank))

    def warning_label(self, lang: str = "en") -> str:
        """The warning's full name, as a crisis plan writes it: ``一级预警（重大危机）`` / ``level I warning (major crisis)``."""
        if normalize_lang(lang) == "zh":
            return f"{_ZH_NUMERALS[self]}级预警（{self.label('zh')}危机）"
        return f"level {self.value} warning ({self.label('en')} crisis)"

    def raised(self, steps: int = 1) -> Level:
        """The level ``steps`` more severe, stopping at I."""
        if steps < 0:
            raise ValidationError(
                _("raised() takes steps >= 0; got {steps} (use lowered())", steps=steps)
            )
        return Level.from_severity(min(4, self.severity + steps))

    def lowered(self, steps: int = 1) -> Level:
        """The level ``steps`` less severe, stopping at IV."""
        if steps < 0:
            raise ValidationError(
                _("lowered() takes steps >= 0; got {steps} (use raised())", steps=steps)
            )
        return Level.from_severity(max(1, self.severity - steps))

    def is_more_severe_than(self, other: Level) -> bool:
        """True when this level is more severe than ``other``."""
        return self.severity > other.severity

    @classmethod
    def most_severe(cls, levels: Iterable[Level]) -> Level:
        """The most severe of ``levels`` (at least one is needed)."""
        found = list(levels)
        if not found:
            raise ValidationError(_("most_severe() needs at least one level; got none"))
        return max(found)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Level):
            return _SEVERITY[self] < _SEVERITY[other]
        return NotImplemented

    # str's ordering would compare the codes alphabetically; severity is what reads naturally.
    def __le__(self, other: object) -> bool:
        if isinstance(other, Level):
            return _SEVERITY[self] <= _SEVERITY[other]
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Level):
            return _SEVERITY[self] > _SEVERITY[other]
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Level):
            return _SEVERITY[self] >= _SEVERITY[other]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)


_ZH_NUMERALS = {Level.I: "一", Level.II: "二", Level.III: "三", Level.IV: "四"}

# Here, below both, because the default SLA policy and the default emergency plan are built
# from this one table and neither of those packages may import the other.
DEFAULT_TIME_TARGETS: dict[str, tuple[tuple[str, float] | None, ...]] = {
    "acknowledge": (("h", 0.25), ("h", 0.5), ("wh", 2), ("wd", 1)),
    "first_contact": (("h", 1), ("h", 2), ("wd", 1), ("wd", 2)),
    "public_statement": (("h", 4), ("h", 12), None, None),
    "progress_update": (("h", 4), ("h", 12), ("wd", 1), None),
    "resolution": (("h", 72), ("d", 5), ("wd", 7), ("wd", 15)),
}
"""The domain's default time targets, by SLA metric code and level I–IV: ``(unit, amount)``,
or None where the level has no such target.

Units: ``"h"`` hours and ``"d"`` days (24 h) around the clock, ``"wh"`` working hours and
``"wd"`` working days (a working calendar's normal day). Used by
:meth:`crisiskit.sla.SlaPolicy.default` and :meth:`crisiskit.plan.EmergencyPlan.default`.
"""
_SEVERITY = {Level.I: 4, Level.II: 3, Level.III: 2, Level.IV: 1}
_COLOURS = {
    Level.I: Colour.RED,
    Level.II: Colour.ORANGE,
    Level.III: Colour.YELLOW,
    Level.IV: Colour.BLUE,
}

_LABELS = {
    Level.I: ("major", "重大"),
    Level.II: ("significant", "较大"),
    Level.III: ("general", "一般"),
    Level.IV: ("minor", "轻微"),
}


def _spellings(level: Level) -> list[str]:
    """Every way crisiskit writes ``level`` (and the usual variants), for :meth:`Level.parse`.

    ``II``, ``2``, ``level II``, ``II级``, ``二级``, ``二级预警``, ``level II warning``, the
    labels with or without "crisis"/"危机", the colour (``orange``, ``橙色``, ``橙色预警``),
    and any of the numbered forms followed by its description in brackets:
    ``II (significant)``, ``II级（较大）``, ``二级预警（较大危机）``,
    ``level II warning (significant crisis)``.
    """
    en, zh = _LABELS[level]
    colour_en, colour_zh = level.colour.label("en"), level.colour.label("zh")
    latin = (level.value, str(level.rank))
    numbered = [
        *latin,
        *(f"level {c}" for c in latin),
        *(f"level {c} warning" for c in latin),
        *(f"{c}级" for c in (*latin, _ZH_NUMERALS[level])),
        *(f"{c}级预警" for c in (*latin, _ZH_NUMERALS[level])),
    ]
    descriptions = (en, f"{en} crisis", zh, f"{zh}危机")
    return [
        *numbered,
        *(f"{n} ({d})" for n in numbered for d in descriptions),
        f"{en} crisis",
        f"{zh}危机",
        colour_en,
        f"{colour_en} warning",
        colour_zh,
        f"{colour_zh}预警",
    ]


Level._register_labels(_LABELS, aliases={level: _spellings(level) for level in Level})


def to_level(value: Level | str) -> Level:
    """Attrs converter: the Level that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Level)
