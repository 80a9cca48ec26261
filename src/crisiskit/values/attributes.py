"""A host's own attributes on a crisis: a CRM ticket link, a region, tags, a case number.

The host declares them once, as an :class:`AttributeSchema` in the crisis's context; the
``set_attributes`` command checks each value against its declaration and records the
change as an event, so attributes replay and serialise like everything else.

>>> schema = AttributeSchema(
...     Text("crm_ticket", "CRM ticket", "CRM 工单", max_length=40),
...     Choice("region", "region", "大区", choices=("east", "north", "south")),
...     Tags("tags", "tags", "标签"),
... )
>>> dict(schema.check({"region": "east", "tags": ["vip", "media", "vip"]}))
{'region': 'east', 'tags': ('media', 'vip')}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.checks import FrozenMap
from crisiskit.errors import ValidationError
from crisiskit.messages import Message, _
from crisiskit.values.labels import normalize_lang

__all__ = [
    "Attribute",
    "AttributeSchema",
    "AttributeValue",
    "AttributeValues",
    "Choice",
    "Flag",
    "Integer",
    "Tags",
    "Text",
]

AttributeValue = str | int | bool | tuple[str, ...]
"""What an attribute holds: text, a whole number, a yes/no flag, or a set of tags."""

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")
_INT_LIMIT = 10**18  # beyond any ticket number, and safe in every database's BIGINT


def _is_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValidationError(
            _(
                "an attribute's name must be lower_snake_case ASCII, 1 to 40 characters, starting with a letter; got {value!r}",
                value=value,
            )
        )


@frozen
class Attribute:
    """One attribute a host declares: its name, its labels and what it may hold."""

    kind: ClassVar[str] = ""
    name: str = field(validator=_is_name)
    """The key it is set under (``"crm_ticket"``)."""
    label_en: str = field(validator=_checks.is_text)
    """Its English label."""
    label_zh: str = field(validator=_checks.is_text)
    """Its Chinese label."""

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.label_en if normalize_lang(lang) == "en" else self.label_zh

    def check(self, value: object) -> AttributeValue:
        """The value as stored, or :class:`~crisiskit.errors.ValidationError` saying what is allowed."""
        raise NotImplementedError

    def _refuse(self, value: object, allowed: Message) -> ValidationError:
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        return ValidationError(
            _(
                "attribute {name!r} must be {allowed}; got {shown}",
                name=self.name,
                allowed=allowed,
                shown=shown,
            )
        )


@frozen
class Text(Attribute):
    """Free text up to ``max_length`` characters, optionally matching ``pattern``."""

    kind: ClassVar[str] = "text"
    max_length: int = field(default=200, validator=_checks.is_count)
    """The longest text allowed."""
    pattern: str | None = None
    """A regular expression the whole text must match (``r"TK-[0-9]+"``), if any."""

    def check(self, value: object) -> AttributeValue:
        """Text, stripped of surrounding spaces, not blank, not too long, matching the pattern."""
        allowed = (
            _("text of 1 to {max_length} characters", max_length=self.max_length)
            if self.pattern is None
            else _(
                "text of 1 to {max_length} characters matching {pattern!r}",
                max_length=self.max_length,
                pattern=self.pattern,
            )
        )
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > self.max_length:
            raise self._refuse(value, allowed)
        text = value.strip()
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            raise self._refuse(value, allowed)
        return text


@frozen
class Integer(Attribute):
    """A whole number between ``minimum`` and ``maximum`` (both included)."""

    kind: ClassVar[str] = "integer"
    minimum: int = -_INT_LIMIT
    """The smallest number allowed."""
    maximum: int = _INT_LIMIT
    """The largest number allowed."""

    def check(self, value: object) -> AttributeValue:
        """A whole number in range (a bool is not a number here)."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.minimum <= value <= self.maximum
        ):
            raise self._refuse(
                value,
                _(
                    "a whole number from {minimum} to {maximum}",
                    minimum=self.minimum,
                    maximum=self.maximum,
                ),
            )
        return value


@frozen
class Flag(Attribute):
    """Yes or no."""

    kind: ClassVar[str] = "flag"

    def check(self, value: object) -> AttributeValue:
        """True or False."""
        if not isinstance(value, bool):
            raise self._refuse(value, _("true or false"))
        return value


@frozen
class Choice(Attribute):
    """One of a fixed list of codes."""

    kind: ClassVar[str] = "choice"
    choices: tuple[str, ...] = field(default=(), converter=_checks.to_tuple)
    """The codes allowed."""

    @choices.validator
    def _some(self, attribute: object, value: tuple[str, ...]) -> None:
        if not value or not all(isinstance(c, str) and c.strip() for c in value):
            raise ValidationError(
                _("Choice {name!r} needs one or more text choices", name=self.name)
            )

    def check(self, value: object) -> AttributeValue:
        """One of the choices."""
        if not isinstance(value, str) or value not in self.choices:
            raise self._refuse(value, _("one of {choices}", choices=tuple(map(repr, self.choices))))
        return value


@frozen
class Tags(Attribute):
    """A set of short tags, kept sorted and without repeats."""

    kind: ClassVar[str] = "tags"
    max_tags: int = field(default=20, validator=_checks.is_count)
    """The most tags allowed."""
    max_length: int = field(default=40, validator=_checks.is_count)
    """The longest tag allowed."""

    def check(self, value: object) -> AttributeValue:
        """A list of tags: each text without spaces around it, at most ``max_length`` long."""
        allowed = _(
            "a list of at most {max_tags} tags of 1 to {max_length} characters",
            max_tags=self.max_tags,
            max_length=self.max_length,
        )
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise self._refuse(value, allowed)
        tags = list(value)
        if not all(
            isinstance(t, str) and t.strip() and len(t.strip()) <= self.max_length for t in tags
        ):
            raise self._refuse(value, allowed)
        found = tuple(sorted({t.strip() for t in tags}))
        if len(found) > self.max_tags:
            raise self._refuse(value, allowed)
        return found


class AttributeValues(FrozenMap[str, AttributeValue]):
    """A read-only mapping of attribute name → value, sorted by name."""

    __slots__ = ()

    def __init__(self, values: Mapping[str, AttributeValue]) -> None:
        items: dict[str, AttributeValue] = {}
        for name in sorted(values, key=str):
            value = values[name]
            if isinstance(value, list):
                value = tuple(value)
            if not isinstance(name, str) or not isinstance(value, str | int | tuple):
                raise ValidationError(
                    _(
                        "attribute values map names to text, numbers, flags or tags; got {name!r}: {value!r}",
                        name=name,
                        value=value,
                    )
                )
            items[name] = value
        super().__init__(items)


def to_values(value: Mapping[str, AttributeValue]) -> AttributeValues:
    """Freeze a mapping of attribute values (converter)."""
    return value if isinstance(value, AttributeValues) else AttributeValues(value)


@frozen(init=False)
class AttributeSchema:
    """The attributes a host keeps on its crises, declared once (in the context)."""

    attributes: tuple[Attribute, ...] = field(converter=_checks.to_tuple)
    """Every attribute, by its name."""

    def __init__(self, *attributes: Attribute) -> None:
        self.__attrs_init__(attributes)

    @attributes.validator
    def _distinct(self, attribute: object, value: tuple[Attribute, ...]) -> None:
        for item in value:
            if not isinstance(item, Attribute):
                raise ValidationError(
                    _(
                        "an AttributeSchema holds Text, Integer, Flag, Choice or Tags; got {item!r}",
                        item=item,
                    )
                )
        names = [a.name for a in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValidationError(
                _("attributes declared twice: {repeated}", repeated=tuple(repeated))
            )

    def get(self, name: str) -> Attribute | None:
        """The attribute called ``name``, if declared."""
        return next((a for a in self.attributes if a.name == name), None)

    def check(self, values: Mapping[str, object]) -> dict[str, AttributeValue | None]:
        """Each value as stored (None removes an attribute), or the first error found."""
        if not isinstance(values, Mapping) or not values:
            raise ValidationError(
                _("set_attributes() takes a mapping of one or more attribute names to values")
            )
        checked: dict[str, AttributeValue | None] = {}
        for name in sorted(values, key=str):
            declared = self.get(name) if isinstance(name, str) else None
            if declared is None:
                names = ", ".join(a.name for a in self.attributes) or _("none")
                raise ValidationError(
                    _(
                        "no attribute {name!r} is declared; the context's schema has: {names}",
                        name=name,
                        names=names,
                    )
                )
            value = values[name]
            checked[name] = None if value is None else declared.check(value)
        return checked
