"""Crosswalks: the company's four levels mapped to other scales, as pure, configurable mappings.

| level | company wording | national grade (by rank) | warning colour | ITIL priority |
|---|---|---|---|---|
| I | 重大 major | 特别重大 (Ⅰ级) | red 红色 | P1 critical |
| II | 较大 significant | 重大 (Ⅱ级) | orange 橙色 | P2 high |
| III | 一般 general | 较大 (Ⅲ级) | yellow 黄色 | P3 medium |
| IV | 轻微 minor | 一般 (Ⅳ级) | blue 蓝色 | P4 low |

**Mind the words.** China's national emergency grades (《国家突发公共事件总体应急预案》, 2006:
特别重大 Ⅰ、重大 Ⅱ、较大 Ⅲ、一般 Ⅳ) and the company's own levels (重大、较大、一般、轻微) use the
same words for different ranks: the company's level I is called 重大, which is the *national*
level II. :data:`TO_NATIONAL_GRADE` maps by rank (I → Ⅰ, as the warning colours do);
:data:`TO_NATIONAL_GRADE_BY_WORDING` maps by wording (I 重大 → 重大, …, IV 轻微 → 一般) for
companies that report that way. Neither is a legal classification — a company crisis is a
national public emergency only if the authorities say so.

ITIL priority P5 (planning) is not used by the default crosswalk. Build your own with
:class:`Crosswalk`; a crosswalk must map all four levels and never map a more severe level
to a less severe target.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Generic, TypeVar

from attrs import frozen

from crisiskit.errors import PolicyError
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum
from crisiskit.values.levels import Colour, Level

__all__ = [
    "TO_ITIL_PRIORITY",
    "TO_NATIONAL_GRADE",
    "TO_NATIONAL_GRADE_BY_WORDING",
    "TO_WARNING_COLOUR",
    "Crosswalk",
    "ItilPriority",
    "NationalGrade",
]


class NationalGrade(LabelledEnum):
    """China's four grades of public emergencies (突发事件分级), most severe first."""

    ESPECIALLY_MAJOR = "especially_major"
    MAJOR = "major"
    LARGE = "large"
    GENERAL = "general"


NationalGrade._register_labels(
    {
        NationalGrade.ESPECIALLY_MAJOR: ("especially major (grade I)", "特别重大（Ⅰ级）"),
        NationalGrade.MAJOR: ("major (grade II)", "重大（Ⅱ级）"),
        NationalGrade.LARGE: ("relatively large (grade III)", "较大（Ⅲ级）"),
        NationalGrade.GENERAL: ("general (grade IV)", "一般（Ⅳ级）"),
    }
)


class ItilPriority(LabelledEnum):
    """ITIL incident priorities, P1 (critical) to P5 (planning), most urgent first."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


ItilPriority._register_labels(
    {
        ItilPriority.P1: ("critical", "紧急"),
        ItilPriority.P2: ("high", "高"),
        ItilPriority.P3: ("medium", "中"),
        ItilPriority.P4: ("low", "低"),
        ItilPriority.P5: ("planning", "计划"),
    }
)

T = TypeVar("T", bound=LabelledEnum)


@frozen
class Crosswalk(Generic[T]):
    """A total, order-preserving mapping from :class:`~crisiskit.Level` to another scale.

    The target enum's members must be declared most severe first (as :class:`Colour`,
    :class:`NationalGrade` and :class:`ItilPriority` are); a more severe level may not map
    to a less severe target.

    >>> TO_ITIL_PRIORITY(Level.II)
    <ItilPriority.P2: 'P2'>
    """

    name: str
    """What the crosswalk maps to, e.g. ``"ITIL priority"``."""
    pairs: tuple[tuple[Level, T], ...]
    """(level, target) for I, II, III and IV."""

    @classmethod
    def of(cls, name: str, mapping: Mapping[Level, T]) -> Crosswalk[T]:
        """A crosswalk from a mapping; refused unless total and order-preserving."""
        if not isinstance(mapping, Mapping) or set(mapping) != set(Level):
            given = sorted(k.value for k in mapping) if isinstance(mapping, Mapping) else mapping
            raise PolicyError(
                _(
                    "crosswalk {name!r} must map each of I, II, III, IV; got {given}",
                    name=name,
                    given=given,
                )
            )
        kinds = {type(target) for target in mapping.values()}
        if len(kinds) != 1 or not issubclass(next(iter(kinds)), LabelledEnum):
            raise PolicyError(
                _(
                    "crosswalk {name!r} must map to members of one labelled enum; got {map}",
                    name=name,
                    map=sorted(map(str, kinds)),
                )
            )
        pairs = tuple(sorted(mapping.items(), key=lambda pair: pair[0], reverse=True))
        order = list(next(iter(kinds)))
        for (more, a), (less, b) in itertools.pairwise(pairs):
            if order.index(a) > order.index(b):
                raise PolicyError(
                    _(
                        "crosswalk {name!r} maps the more severe level {more} to {a!r} but {less} to the more severe {b!r}",
                        name=name,
                        more=more.value,
                        a=a.value,
                        less=less.value,
                        b=b.value,
                    )
                )
        return cls(name, pairs)

    def __call__(self, level: Level | str) -> T:
        """The target of ``level`` (a member, or text such as ``"II"`` or ``"二级"``)."""
        found = Level.lookup(level)
        for key, target in self.pairs:
            if key is found:
                return target
        raise PolicyError(_("{level!r} is not a Level", level=level))

    def as_dict(self) -> dict[Level, T]:
        """The mapping, I first."""
        return dict(self.pairs)

    def table(self, lang: str = "en") -> list[tuple[str, str]]:
        """(level label, target label) rows, I first, in ``lang``."""
        return [(level.label(lang), target.label(lang)) for level, target in self.pairs]


TO_NATIONAL_GRADE: Crosswalk[NationalGrade] = Crosswalk.of(
    "national emergency grade (by rank)",
    {
        Level.I: NationalGrade.ESPECIALLY_MAJOR,
        Level.II: NationalGrade.MAJOR,
        Level.III: NationalGrade.LARGE,
        Level.IV: NationalGrade.GENERAL,
    },
)
"""Level I → 特别重大 (Ⅰ级), II → 重大, III → 较大, IV → 一般: rank for rank."""

TO_NATIONAL_GRADE_BY_WORDING: Crosswalk[NationalGrade] = Crosswalk.of(
    "national emergency grade (by wording)",
    {
        Level.I: NationalGrade.MAJOR,
        Level.II: NationalGrade.LARGE,
        Level.III: NationalGrade.GENERAL,
        Level.IV: NationalGrade.GENERAL,
    },
)
"""Level I (重大) → 重大, II (较大) → 较大, III (一般) → 一般, IV (轻微) → 一般: word for word."""

TO_WARNING_COLOUR: Crosswalk[Colour] = Crosswalk.of(
    "warning colour",
    {Level.I: Colour.RED, Level.II: Colour.ORANGE, Level.III: Colour.YELLOW, Level.IV: Colour.BLUE},
)
"""Level I → red, II → orange, III → yellow, IV → blue (the Chinese warning convention)."""

TO_ITIL_PRIORITY: Crosswalk[ItilPriority] = Crosswalk.of(
    "ITIL priority",
    {
        Level.I: ItilPriority.P1,
        Level.II: ItilPriority.P2,
        Level.III: ItilPriority.P3,
        Level.IV: ItilPriority.P4,
    },
)
"""Level I → P1, II → P2, III → P3, IV → P4 (P5, planning, is left for non-incidents)."""
