"""Validators and converters shared by the entities (private).

Converters normalise values that are already valid (an aware datetime to a UTC pendulum
DateTime, an int or a string to a Decimal) and pass anything else through unchanged; the
validators, which know the field's name, then refuse what is left with a message that says
what was given and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar, cast

import attrs
import pendulum

from crisiskit.errors import NaiveDatetimeError, UnknownValueError, ValidationError
from crisiskit.messages import _

E = TypeVar("E", bound=Enum)
K = TypeVar("K")
V = TypeVar("V")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_UTC = pendulum.UTC


def _where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def as_instant(value: dt.datetime) -> pendulum.DateTime:
    """Convert an aware datetime to a UTC pendulum DateTime; leave anything else as it is."""
    if type(value) is pendulum.DateTime and value.tzinfo is _UTC:
        return value  # already what is kept (every stored instant read back)
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        if isinstance(value, pendulum.DateTime) and value.tzinfo is _UTC:
            return value
        return pendulum.instance(value).in_timezone(_UTC)
    return cast(pendulum.DateTime, value)


def as_optional_instant(value: dt.datetime | None) -> pendulum.DateTime | None:
    """:func:`as_instant` for optional fields."""
    return None if value is None else as_instant(value)


def instant(what: str, value: object) -> pendulum.DateTime:
    """Check that ``value`` is an aware datetime and return it as a UTC pendulum DateTime."""
    if not isinstance(value, dt.datetime):
        raise ValidationError(
            _(
                "{what} must be a timezone-aware datetime; got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    if value.utcoffset() is None:
        raise NaiveDatetimeError(
            _(
                "{what} must be timezone-aware; got the naive datetime {value}. Give it a zone, e.g. pendulum.datetime(2025, 9, 27, 20, 0, tz='Asia/Shanghai')",
                what=what,
                value=value.isoformat(),
            )
        )
    return as_instant(value)


def is_instant(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: an aware datetime (stored in UTC)."""
    if type(value) is pendulum.DateTime and value.tzinfo is _UTC:
        return  # what the converter made of any aware datetime
    instant(_where(instance, attribute), value)


def is_optional_instant(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: None or an aware datetime."""
    if value is not None and not (type(value) is pendulum.DateTime and value.tzinfo is _UTC):
        instant(_where(instance, attribute), value)


def text(what: str, value: object, *, max_length: int = 10_000) -> str:
    """Check that ``value`` is a non-blank string of at most ``max_length`` characters."""
    if not isinstance(value, str):
        raise ValidationError(
            _(
                "{what} must be a string; got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    if not value.strip():
        raise ValidationError(
            _("{what} must not be empty or blank; got {value!r}", what=what, value=value)
        )
    if len(value) > max_length:
        raise ValidationError(
            _(
                "{what} must be at most {max_length} characters; got {length} characters",
                what=what,
                max_length=max_length,
                length=len(value),
            )
        )
    return value


def is_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a non-blank string."""
    if type(value) is str and len(value) <= 10_000 and value.strip():
        return  # the field's name is spelled out only for a message
    text(_where(instance, attribute), value)


def is_optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: None or a non-blank string."""
    if value is not None:
        is_text(instance, attribute, value)


def is_str(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: any string, blank allowed."""
    if not isinstance(value, str):
        raise ValidationError(
            _(
                "{where} must be a string; got {kind} {value!r}",
                where=_where(instance, attribute),
                kind=type(value).__name__,
                value=value,
            )
        )


def count(what: str, value: object) -> int:
    """Check that ``value`` is a whole number >= 0 (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _(
                "{what} must be a whole number >= 0; got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    if value < 0:
        raise ValidationError(_("{what} must be >= 0; got {value}", what=what, value=value))
    return value


def is_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a whole number >= 0."""
    count(_where(instance, attribute), value)


def is_optional_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: None or a whole number >= 0."""
    if value is not None:
        count(_where(instance, attribute), value)


def number(what: str, value: object) -> float:
    """Check that ``value`` is a finite real number and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValidationError(
            _(
                "{what} must be a finite number; got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    result = float(value)
    if not math.isfinite(result):
        raise ValidationError(
            _(
                "{what} must be a finite number; got {value!r} (NaN and ±inf are refused)",
                what=what,
                value=value,
            )
        )
    return result


def member(what: str, value: object, enum: type[E]) -> E:
    """The member of ``enum`` that ``value`` names; refuse anything else.

    A labelled enum reads the member itself, its code, its name, or its English or Chinese
    label (its ``parse``); any other enum only the member or its code. Use the result: it
    is the member even when ``value`` was text.
    """
    if isinstance(value, enum):
        return value
    parse = getattr(enum, "parse", None)
    if parse is not None:
        return cast(E, parse(value, what=what))
    if not isinstance(value, Enum):
        for item in enum:
            if item.value == value:
                return item
    allowed = tuple(repr(m.value) for m in enum)
    raise UnknownValueError(
        _(
            "{what} must be a {type_name}; got {value!r}. Allowed: {allowed}",
            what=what,
            type_name=enum.__name__,
            value=value,
            allowed=allowed,
        )
    )


def _exact_member(what: str, value: object, enum: type[E]) -> None:
    if not isinstance(value, enum):
        member(what, value, enum)  # refuses what names no member, with the allowed values
        raise UnknownValueError(  # names one, but the field has no converter to store it
            _(
                "{what} must be a {type_name} member here; got {value!r}",
                what=what,
                type_name=enum.__name__,
                value=value,
            )
        )


def is_member(enum: type[E]) -> Validator:
    """Attrs validator factory: a member of ``enum``.

    Pair it with a converter (the enum module's ``to_...``) so that a field given text holds
    the member; the validator refuses what the converter could not read.
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is enum:
            return
        _exact_member(_where(instance, attribute), value, enum)

    return check


def is_optional_member(enum: type[E]) -> Validator:
    """Attrs validator factory: None or a member of ``enum``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            _exact_member(_where(instance, attribute), value, enum)

    return check


def is_members(enum: type[E]) -> Validator:
    """Attrs validator factory: a tuple of members of ``enum``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        where = _where(instance, attribute)
        if not isinstance(value, tuple):
            raise ValidationError(
                _(
                    "{where} must be a sequence of {type_name}; got {value!r}",
                    where=where,
                    type_name=enum.__name__,
                    value=value,
                )
            )
        for i, item in enumerate(value):
            _exact_member(f"{where}[{i}]", item, enum)

    return check


def is_tuple_of(kind: type[Any] | tuple[type[Any], ...], noun: str) -> Validator:
    """Attrs validator factory: a tuple whose items are all instances of ``kind``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        where = _where(instance, attribute)
        if not isinstance(value, tuple):
            raise ValidationError(
                _(
                    "{where} must be a sequence of {noun}; got {value!r}",
                    where=where,
                    noun=noun,
                    value=value,
                )
            )
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                raise ValidationError(
                    _(
                        "{where}[{i}] must be a {noun}; got {kind} {item!r}",
                        where=where,
                        i=i,
                        noun=noun,
                        kind=type(item).__name__,
                        item=item,
                    )
                )

    return check


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Freeze any iterable except a string into a tuple (strings are left for the validator)."""
    if isinstance(value, tuple | str | bytes) or not isinstance(value, Iterable):
        return cast(tuple[Any, ...], value)
    return tuple(value)


def to_float(value: float) -> float:
    """``float(value)``, as an attrs converter.

    A function of ours rather than the builtin: attrs reads each converter's signature, and
    reading a builtin's loads the tokenizer and compiles its patterns, at every
    ``import crisiskit``.
    """
    return float(value)


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert an int or a numeric string to a Decimal; leave anything else for the validator."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return cast(Decimal, value)
    return cast(Decimal, value)


def is_finite_decimal(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a finite Decimal (floats are refused: they are not exact)."""
    where = _where(instance, attribute)
    if isinstance(value, float):
        raise ValidationError(
            _(
                "{where} must be exact: pass a Decimal or a string such as '12.30', not the float {value!r}",
                where=where,
                value=value,
            )
        )
    if not isinstance(value, Decimal):
        raise ValidationError(
            _(
                "{where} must be a Decimal, an int or a numeric string; got {kind} {value!r}",
                where=where,
                kind=type(value).__name__,
                value=value,
            )
        )
    if not value.is_finite():
        raise ValidationError(
            _("{where} must be a finite amount; got {value}", where=where, value=value)
        )


_METRIC_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


def to_metrics(value: Mapping[str, float | int | Decimal]) -> Mapping[str, float]:
    """Copy a mapping of indicator values into a read-only mapping sorted by name."""
    if not isinstance(value, Mapping):
        return cast(Mapping[str, float], value)
    return FrozenMetrics(value)


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable mapping that keeps its keys in the order it was given them.

    Subclasses check and order the items, then hand them to ``super().__init__``.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"{self._items!r}"


MAX_METRIC = 1e15
"""The largest size of an indicator's value: larger is a mistake (a heat of a quadrillion),
and the monitor's exact sums would lose it."""


class FrozenMetrics(FrozenMap[str, float]):
    """A read-only, hashable mapping of indicator name -> finite number, sorted by name."""

    __slots__ = ()

    def __init__(self, values: Mapping[str, float | int | Decimal]) -> None:
        items: dict[str, float] = {}
        for name in sorted(values, key=str):
            if not isinstance(name, str) or not _METRIC_NAME.match(name):
                raise ValidationError(
                    _(
                        "a metric name must be 1-64 characters of letters, digits, '_', '.' or '-', starting with a letter or '_'; got {name!r}",
                        name=name,
                    )
                )
            value = values[name]
            # the message is made only for a value that needs one: this runs for every signal
            if type(value) in (int, float) and -MAX_METRIC <= value <= MAX_METRIC:
                items[name] = float(value)
                continue
            found = number(_("metric {name!r}", name=name), value)
            if not -MAX_METRIC <= found <= MAX_METRIC:
                raise ValidationError(
                    _(
                        "metric {name!r} is {value!r}; an indicator's value is at most {limit:g} "
                        "either side of zero",
                        name=name,
                        value=value,
                        limit=MAX_METRIC,
                    )
                )
            items[name] = found
        super().__init__(items)


def is_metrics(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a mapping of indicator names to finite numbers."""
    if not isinstance(value, FrozenMetrics):
        raise ValidationError(
            _(
                "{where} must be a mapping of indicator name -> number; got {kind} {value!r}",
                where=_where(instance, attribute),
                kind=type(value).__name__,
                value=value,
            )
        )


def zone_name(what: str, value: object) -> str:
    """Check that ``value`` is an IANA time-zone name known to this machine."""
    if not isinstance(value, str) or not value:
        raise ValidationError(
            _(
                "{what} must be an IANA time-zone name such as 'Asia/Shanghai'; got {value!r}",
                what=what,
                value=value,
            )
        )
    try:
        pendulum.timezone(value)
    except Exception as exc:  # pendulum raises its own InvalidTimezone / ValueError types
        raise UnknownValueError(
            _(
                "{what} must be an IANA time-zone name such as 'Asia/Shanghai' or 'Europe/London'; got {value!r}",
                what=what,
                value=value,
            )
        ) from exc
    return value


def is_zone_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: an IANA time-zone name."""
    zone_name(_where(instance, attribute), value)
