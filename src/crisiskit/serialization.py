"""Lossless (de)serialisation of every crisiskit entity and event, to dicts and JSON.

``to_dict(obj)`` gives plain JSON-ready data with two envelope keys, ``"type"`` (a stable
name such as ``"Signal"``) and ``"schema_version"``; ``from_dict(data)`` reads it back.
The round trip is exact:

* datetimes keep their instant and zone, written in RFC 9557 form
  (``2025-09-27T20:00:00+08:00[Asia/Shanghai]``; UTC as ``...Z``) and read back as pendulum
  DateTimes;
* Decimals are written as strings and come back digit for digit;
* enums are written by value (``"product_quality"``, ``"II"``); a role, crisis type,
  channel or audience the host registered is read back once it is registered again (see
  :class:`~crisiskit.values.open_enum.OpenLabelledEnum`).

Reading is strict and safe for untrusted input: nothing is executed, nothing is imported but
the crisiskit module that defines a known type not loaded yet, unknown keys and unknown
types are refused, and every failure is a
:class:`~crisiskit.errors.SerializationError` (or another
:class:`~crisiskit.errors.CrisisKitError`) whose message names the path of the bad field.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar, overload

import attrs
import cattrs
import pendulum
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from crisiskit._internal import registry as _registry
from crisiskit._internal.wording import joined
from crisiskit.errors import (
    CrisisKitError,
    NaiveDatetimeError,
    SerializationError,
    UnknownValueError,
)
from crisiskit.messages import Message, _
from crisiskit.values.attributes import AttributeValue, AttributeValues
from crisiskit.values.labels import LabelledEnum
from crisiskit.values.open_enum import OpenLabelledEnum

__all__ = [
    "MAX_DURATION",
    "SCHEMA_VERSION",
    "format_datetime",
    "format_duration",
    "from_dict",
    "from_json",
    "parse_datetime",
    "parse_duration",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The version of the serialised form this crisiskit writes. Older data is migrated on read."""

# Migrations from an older schema version to the next: version -> function(data) -> data.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<years>\d{1,20})Y)?(?:(?P<months>\d{1,20})M)?(?:(?P<weeks>\d{1,20})W)?"
    r"(?:(?P<days>\d{1,20})D)?"
    r"(?:T(?:(?P<hours>\d{1,20})H)?(?:(?P<minutes>\d{1,20})M)?"
    r"(?:(?P<seconds>\d{1,20})(?:\.(?P<fraction>\d{1,6}))?S)?)?$"
)

MAX_DURATION = dt.timedelta(days=36_525)
"""The longest duration :func:`parse_duration` reads: 36 525 days (100 years of 365.25 days)."""
_ZONED = re.compile(r"^(?P<stamp>[^\[\]]+)\[(?P<zone>[A-Za-z0-9_+\-/]{1,64})\]$")


def format_datetime(value: dt.datetime) -> str:
    """Write an aware datetime in RFC 9557 form: ISO 8601 plus the IANA zone in brackets.

    >>> format_datetime(pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai"))
    '2025-09-27T20:00:00+08:00[Asia/Shanghai]'
    >>> format_datetime(pendulum.datetime(2025, 9, 27, 12, tz="UTC"))
    '2025-09-27T12:00:00Z'
    """
    if value.tzinfo is pendulum.UTC:
        # Every stored instant: written from its fields, the bytes isoformat() would give,
        # without the zone look-ups isoformat() makes (this is on every event's hash path).
        stamp = "%04d-%02d-%02dT%02d:%02d:%02d" % (  # noqa: UP031
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
        )
        return f"{stamp}.{value.microsecond:06d}Z" if value.microsecond else f"{stamp}Z"
    if value.utcoffset() is None:
        raise NaiveDatetimeError(
            _("cannot write the naive datetime {value}: give it a zone", value=value.isoformat())
        )
    stamp = value.isoformat()
    zone = getattr(value.tzinfo, "name", None) or getattr(value.tzinfo, "key", None)
    if zone in {"UTC", "Etc/UTC"} or (zone is None and value.utcoffset() == dt.timedelta(0)):
        return stamp.removesuffix("+00:00") + "Z"
    if zone and "/" in zone:
        return f"{stamp}[{zone}]"
    return stamp


def parse_datetime(text: str) -> pendulum.DateTime:
    """Read a datetime written by :func:`format_datetime` (or any ISO 8601 with an offset).

    A bracketed zone must agree with the offset; a string without an offset is refused.
    """
    if not isinstance(text, str) or len(text) > 100:
        raise SerializationError(
            _("a datetime must be an ISO 8601 string; got {text!r}", text=text)
        )
    if text[-1:] == "Z":
        # Every stored instant: built in UTC from its fields, the DateTime the general path
        # below gives, without its conversions. Anything unusual takes the general path.
        try:
            utc = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if utc.tzinfo is dt.UTC:
                return pendulum.DateTime(
                    utc.year,
                    utc.month,
                    utc.day,
                    utc.hour,
                    utc.minute,
                    utc.second,
                    utc.microsecond,
                    tzinfo=pendulum.UTC,
                )
    zone = None
    match = _ZONED.match(text)
    stamp = text
    if match:
        stamp, zone = match["stamp"], match["zone"]
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except ValueError as exc:
        raise SerializationError(_("not an ISO 8601 datetime: {text!r}", text=text)) from exc
    if parsed.utcoffset() is None:
        raise NaiveDatetimeError(
            _(
                "the datetime {text!r} has no offset; write it with one, e.g. '2025-09-27T20:00:00+08:00[Asia/Shanghai]' or '2025-09-27T12:00:00Z'",
                text=text,
            )
        )
    instant = pendulum.instance(parsed)
    if zone is None:
        if parsed.utcoffset() == dt.timedelta(0):
            return instant.in_timezone(pendulum.UTC)
        return instant
    try:
        zoned = instant.in_timezone(pendulum.timezone(zone))
    except Exception as exc:
        raise UnknownValueError(
            _("unknown time zone {zone!r} in {text!r}", zone=zone, text=text)
        ) from exc
    if zoned.utcoffset() != parsed.utcoffset():
        raise SerializationError(
            _(
                "{text!r}: the offset {offset} does not match {zone} at that instant ({zone_offset})",
                text=text,
                offset=parsed.strftime("%z"),
                zone=zone,
                zone_offset=zoned.strftime("%z"),
            )
        )
    return zoned


def format_duration(value: dt.timedelta) -> str:
    """Write an exact duration in ISO 8601 form, in hours, minutes and seconds.

    Days are not used: a duration is elapsed time, and "a day" of business time is not 24 h.

    >>> format_duration(dt.timedelta(hours=8, minutes=30))
    'PT8H30M'
    >>> format_duration(dt.timedelta(days=5, microseconds=1))
    'PT120H0.000001S'
    >>> format_duration(dt.timedelta(0))
    'PT0S'
    """
    total = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if total < 0 else ""
    seconds, micros = divmod(abs(total), 1_000_000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{hours}H" if hours else ""
    text += f"{minutes}M" if minutes else ""
    if seconds or micros or not text:
        text += f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    return f"{sign}PT{text}"


def parse_duration(text: str) -> dt.timedelta:
    """Read an ISO 8601 duration such as ``PT8H30M`` or ``P5D`` (a day is 24 hours here).

    Years, months and weeks are refused: their length is not fixed. Durations longer than
    :data:`MAX_DURATION` (100 years) are refused as too large, with
    :class:`~crisiskit.errors.SerializationError`.
    """
    match = _DURATION.match(text) if isinstance(text, str) and len(text) <= 80 else None
    if match is None or text in {"P", "-P"} or text.endswith("T"):
        shown = (
            repr(text) if not isinstance(text, str) or len(text) <= 80 else repr(text[:77] + "…")
        )
        raise SerializationError(
            _("a duration must be ISO 8601 such as 'PT8H30M' or 'PT0.5S'; got {shown}", shown=shown)
        )
    # Years, months and weeks at their longest, to tell "too large" from "not fixed".
    longest = (
        (
            int(match["years"] or 0) * 366
            + int(match["months"] or 0) * 31
            + int(match["weeks"] or 0) * 7
            + int(match["days"] or 0)
        )
        * 86_400_000_000
        + (
            int(match["hours"] or 0) * 3600
            + int(match["minutes"] or 0) * 60
            + int(match["seconds"] or 0)
        )
        * 1_000_000
        + int((match["fraction"] or "").ljust(6, "0") or 0)
    )
    limit = MAX_DURATION.days * 86_400_000_000
    if longest > limit:
        raise SerializationError(
            _(
                "the duration {text!r} is too large (at most {days} days, PT{hours}H)",
                text=text,
                days=MAX_DURATION.days,
                hours=MAX_DURATION.days * 24,
            )
        )
    if match["years"] or match["months"] or match["weeks"]:
        raise SerializationError(
            _(
                "the duration {text!r} uses years, months or weeks, whose length is not fixed; write days and hours instead, e.g. 'P30D' or 'PT720H'",
                text=text,
            )
        )
    value = dt.timedelta(microseconds=longest)
    return -value if match["sign"] else value


def _structure_duration(value: object, _cls: object) -> dt.timedelta:
    if not isinstance(value, str):
        raise SerializationError(
            _("a duration must be an ISO 8601 string; got {value!r}", value=value)
        )
    return _read_duration(value)


# Stored durations are few and repeat (every timer's target, "PT0S"): each is read once.
# A refused one raises again each time (functools does not keep exceptions).
_read_duration = functools.lru_cache(maxsize=1024)(parse_duration)


def _structure_date(value: object, _cls: object) -> dt.date:
    if not isinstance(value, str) or len(value) != 10:
        raise SerializationError(
            _("a date must be written 'YYYY-MM-DD'; got {value!r}", value=value)
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise SerializationError(_("not a date 'YYYY-MM-DD': {value!r}", value=value)) from exc


def _structure_datetime(value: object, _cls: object) -> pendulum.DateTime:
    if not isinstance(value, str):
        raise SerializationError(
            _("a datetime must be an ISO 8601 string; got {value!r}", value=value)
        )
    return parse_datetime(value)


def _structure_decimal(value: object, _cls: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise SerializationError(
            _(
                'an exact amount must be written as a string such as "12.30"; got {value!r}',
                value=value,
            )
        )
    try:
        result = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise SerializationError(_("not a decimal number: {value!r}", value=value)) from exc
    return result


def _structure_enum(value: object, cls: type[Enum]) -> Enum:
    try:
        found = cls._value2member_map_.get(value)  # the declared members, by code
    except TypeError:  # unhashable: no member's code
        found = None
    if found is not None:
        return found
    for item in cls:  # the members a host registered too
        if item.value == value:
            return item
    allowed = tuple(repr(m.value) for m in cls)
    refusal = _(
        "{value!r} is not a {cls_name}; allowed: {allowed}",
        value=value,
        cls_name=cls.__name__,
        allowed=allowed,
    )
    if issubclass(cls, OpenLabelledEnum):
        refusal = _("{refusal}. {hint}", refusal=refusal, hint=cls._register_hint())
    raise UnknownValueError(refusal)


def _structure_bool(value: object, _cls: object) -> bool:
    # cattrs would call bool() on anything, reading "no" as True.
    if not isinstance(value, bool):
        raise SerializationError(_("expected true or false; got {kind}", kind=_kind(value)))
    return value


def _structure_float(value: object, _cls: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SerializationError(_("expected a number; got {short}", short=_short(repr(value))))
    try:
        result = float(value)
    except OverflowError:
        result = math.inf
    # math.isfinite() would read a huge Decimal as inf, a huge int raises OverflowError.
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not math.isfinite(result) and finite:
        digits = _digits(value)
        raise SerializationError(
            _(
                "the number is too large: a number here must be finite and at most about 1.8e308; got one of {digits} digits",
                digits=digits,
            )
        ) from None
    return result


_MAX_INT_DIGITS = 30
"""The most digits a whole number read from untrusted data may have."""
_INT_LIMIT = 10**_MAX_INT_DIGITS


def _digits(value: float | Decimal) -> int:
    """The digits of the whole part of a finite number, without writing a huge one out."""
    if isinstance(value, Decimal):
        return max(value.adjusted() + 1, 1)
    magnitude = abs(int(value))
    if magnitude.bit_length() <= 10_000:  # well within what str() writes
        return len(str(magnitude))
    return int(math.log10(magnitude)) + 1


def _structure_int(value: object, _cls: object) -> int:
    # What cattrs does (int(value)), but a huge number is refused before it is built: turning
    # 1e9999999 into an integer would take minutes, and a 5000-digit one cannot be printed.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SerializationError(
            _("expected a whole number; got {short}", short=_short(repr(value)))
        )
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() >= _MAX_INT_DIGITS:
        raise _too_many_digits(_digits(value))
    if not isinstance(value, int) and (not math.isfinite(value) or value != int(value)):
        # int() would cut 7.5 to 7: a count or a sequence is a whole number, or wrong.
        raise SerializationError(
            _("expected a whole number; got {short}", short=_short(repr(value)))
        )
    result = int(value)
    if -_INT_LIMIT < result < _INT_LIMIT:
        return result
    raise _too_many_digits(_digits(result))


def _too_many_digits(digits: int) -> SerializationError:
    return SerializationError(
        _(
            "the number is too large: a whole number here has at most {limit} digits; got one of {digits} digits",
            limit=_MAX_INT_DIGITS,
            digits=digits,
        )
    )


def _structure_attribute_values(value: object, _cls: object) -> AttributeValues:
    if not isinstance(value, dict):
        raise SerializationError(
            _("expected an object of attribute values; got {value!r}", value=value)
        )
    items: dict[str, AttributeValue] = {}
    for name, given in value.items():
        if isinstance(given, list) and all(isinstance(tag, str) for tag in given):
            items[name] = tuple(given)
        elif isinstance(given, str | int):  # a bool is an int
            items[name] = given
        else:
            raise SerializationError(
                _(
                    "attribute {name!r} holds text, a whole number, true/false or a list of tags; got {given!r}",
                    name=name,
                    given=given,
                )
            )
    return AttributeValues(items)


def _structure_attribute_value(value: object, _cls: object) -> AttributeValue | None:
    if value is None or isinstance(value, str | int):  # a bool is an int
        return value
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return tuple(value)
    raise SerializationError(
        _(
            "an attribute holds text, a whole number, true/false or a list of tags; got {value!r}",
            value=value,
        )
    )


def _unstructure_attribute_values(values: AttributeValues) -> dict[str, object]:
    return {name: list(v) if isinstance(v, tuple) else v for name, v in values.items()}


def _make_converter(*, detailed: bool = True) -> cattrs.Converter:
    """The converter: the detailed one, or with ``detailed=False`` the fast one.

    The fast one reads the same data into the same objects, but stops at the first error
    without saying where (see :func:`_structure_body`).
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    conv.register_unstructure_hook(pendulum.DateTime, format_datetime)
    conv.register_unstructure_hook(dt.datetime, format_datetime)
    conv.register_structure_hook(pendulum.DateTime, _structure_datetime)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.timedelta, format_duration)
    conv.register_structure_hook(dt.timedelta, _structure_duration)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(AttributeValues, _structure_attribute_values)
    conv.register_unstructure_hook(AttributeValues, _unstructure_attribute_values)
    conv.register_structure_hook_func(
        lambda t: t in (AttributeValue, AttributeValue | None), _structure_attribute_value
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), lambda e: e.value
    )
    # By class, not by predicate: a StrEnum is also a str, and cattrs would call str() on it.
    conv.register_structure_hook(LabelledEnum, _structure_enum)
    conv.register_structure_hook(Enum, _structure_enum)
    conv.register_structure_hook_factory(_is_plain_attrs, _strict_attrs_hook)
    if detailed:
        conv.register_structure_hook_func(_is_variadic_tuple, _structure_tuple)
    else:
        conv.register_structure_hook_factory(_is_variadic_tuple, _fast_tuple_hook)
    # A field annotated with a registered base class holds any registered subclass (events,
    # policies): it is written with its "type" tag and read back by it.
    conv.register_unstructure_hook_func(_is_polymorphic, _unstructure_tagged)
    conv.register_structure_hook_func(
        _is_polymorphic, _structure_tagged if detailed else _fast_structure_tagged
    )
    return conv


def _is_plain_attrs(cls: object) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and not _is_polymorphic(cls)


def _strict_attrs_hook(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    generated = make_dict_structure_fn(cls, conv)
    # A value whose older stored form was a plain text (a review's improvement) reads from it.
    from_text = getattr(cls, "_from_stored_text", None)

    def structure(data: object, target: Any) -> Any:
        if from_text is not None and isinstance(data, str):
            return from_text(data)
        if type(data) is not dict and not isinstance(data, Mapping):
            raise SerializationError(
                _(
                    "expected an object (a {expected}); got {kind}",
                    expected=_registry.NAMES.get(cls, cls.__name__),
                    kind=_kind(data),
                )
            )
        return generated(data, target)

    return structure


def _is_variadic_tuple(cls: object) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _structure_tuple(data: object, cls: Any) -> tuple[Any, ...]:
    if not isinstance(data, list | tuple):
        raise SerializationError(_("expected a list; got {kind}", kind=_kind(data)))
    item = typing.get_args(cls)[0]
    result, errors = [], []
    structure = _converter().structure
    for index, value in enumerate(data):
        try:
            result.append(structure(value, item))
        except Exception as exc:
            note = IterableValidationNote(f"Structuring {cls} @ index {index}", index, item)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            errors.append(exc)
    if errors:
        raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
    return tuple(result)


def _fast_tuple_hook(cls: Any, conv: cattrs.Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    """:func:`_structure_tuple` for the fast converter: the first error is enough."""
    item = typing.get_args(cls)[0]
    hooks: list[Callable[[Any, Any], Any]] = []  # found on first use: the item may be cls's owner

    def structure(data: object, _cls: object) -> tuple[Any, ...]:
        if not isinstance(data, list | tuple):
            raise SerializationError(_("expected a list; got {kind}", kind=_kind(data)))
        if not hooks:
            hooks.append(conv.get_structure_hook(item))
        hook = hooks[0]
        return tuple([hook(value, item) for value in data])

    return structure


def _kind(data: object) -> str:
    if isinstance(data, Mapping):
        return "an object"
    if isinstance(data, list):
        return "a list"
    text = repr(data)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_polymorphic(cls: object) -> bool:
    return (
        isinstance(cls, type)
        and cls in _registry.NAMES
        and any(sub in _registry.NAMES for sub in _all_subclasses(cls))
    )


def _all_subclasses(cls: type[Any]) -> list[type[Any]]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def _unstructure_tagged(obj: Any) -> dict[str, Any]:
    cls = type(obj)
    name = _registry.NAMES.get(cls)
    if name is None:
        raise SerializationError(
            _("{type_name} is not a serialisable crisiskit type", type_name=cls.__qualname__)
        )
    return {"type": name, **_plain_unstructure(cls)(obj)}


def _structure_tagged(data: object, base: type[T]) -> T:
    if not isinstance(data, Mapping):
        raise SerializationError(_('expected an object with a "type" key; got {data!r}', data=data))
    cls = _lookup(data.get("type"), base)
    if not (cls is base or issubclass(cls, base)):
        raise SerializationError(
            _(
                "expected a {expected}; got a {got!r}",
                expected=_registry.NAMES[base],
                got=data.get("type"),
            )
        )
    body = {k: v for k, v in data.items() if k != "type"}
    return _plain_structure(cls)(body, cls)  # type: ignore[no-any-return]


def _fast_structure_tagged(data: object, base: type[T]) -> T:
    if not isinstance(data, Mapping):
        raise SerializationError(_("expected an object"))  # the detailed path says it in full
    cls = _lookup(data.get("type"), base)
    if not (cls is base or issubclass(cls, base)):
        raise SerializationError(_("not the expected type"))
    body = {k: v for k, v in data.items() if k != "type"}
    return _plain_structure(cls, fast=True)(body, cls)  # type: ignore[no-any-return]


_UNSTRUCTURE: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}
_STRUCTURE: dict[type[Any], Callable[[Any, Any], Any]] = {}
_FAST_STRUCTURE: dict[type[Any], Callable[[Any, Any], Any]] = {}


def _plain_unstructure(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """The field-by-field unstructure function of one concrete class, ignoring subclasses."""
    fn = _UNSTRUCTURE.get(cls)
    if fn is None:
        fn = _UNSTRUCTURE[cls] = make_dict_unstructure_fn(cls, _converter())
    return fn


def _plain_structure(cls: type[Any], *, fast: bool = False) -> Callable[[Any, Any], Any]:
    """The field-by-field structure function of one concrete class, ignoring subclasses.

    ``fast=True``: the fast converter's, which gives the same object or raises some error.
    """
    cache = _FAST_STRUCTURE if fast else _STRUCTURE
    fn = cache.get(cls)
    if fn is None:
        fn = cache[cls] = _strict_attrs_hook(cls, _fast_converter() if fast else _converter())
    return fn


def _lookup(name: object, base: type[Any] | None = None) -> type[Any]:
    cls = _registry.lookup(name) if isinstance(name, str) else None
    if cls is None:
        # Name the types that fit here: a few of them when a class was asked for; every
        # known type when anything would do.
        known = (
            sorted(
                type_name
                for type_name, candidate in _registry.TYPES.items()
                if candidate is base or issubclass(candidate, base)
            )
            if base is not None
            else []
        ) or _registry.known()
        limit = _SHOWN_TYPES if base is not None else len(known)
        shown = ", ".join(repr(item) for item in known[:limit])
        if len(known) > limit:
            shown = _("{shown}, … ({count} in all)", shown=shown, count=len(known))
        raise SerializationError(
            _('a "type" key is missing; expected here: {shown}', shown=shown)
            if name is None
            else _("unknown type {name}; expected here: {shown}", name=_short(name), shown=shown)
        )
    return cls


_SHOWN_TYPES = 8


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fields_of(obj: object) -> dict[str, Any]:
    """The fields of a registered attrs object as JSON-ready data, without the envelope."""
    return _plain_unstructure(type(obj))(obj)


def to_dict(obj: object) -> dict[str, Any]:
    """Serialise a crisiskit entity, value object or event to JSON-ready data.

    The result carries ``"type"`` and ``"schema_version"`` so :func:`from_dict` can read it
    back without being told what it is.
    """
    name = _registry.NAMES.get(type(obj))
    if name is None:
        raise SerializationError(
            _(
                "{type_name} is not a serialisable crisiskit type; known types: {known}",
                type_name=type(obj).__qualname__,
                known=tuple(_registry.known()),
            )
        )
    custom = getattr(obj, "__crisiskit_unstructure__", None)
    data = custom(_converter()) if custom is not None else _plain_unstructure(type(obj))(obj)
    return {"type": name, "schema_version": SCHEMA_VERSION, **data}


@overload
def from_dict(data: Mapping[str, Any], cls: type[T]) -> T: ...
@overload
def from_dict(data: Mapping[str, Any], cls: None = None) -> Any: ...
def from_dict(data: Mapping[str, Any], cls: type[T] | None = None) -> T | Any:
    """Read back what :func:`to_dict` wrote.

    Args:
        data: the serialised object, with its ``"type"`` and ``"schema_version"``.
        cls: the class expected; when given, data of any other type is refused (a subclass
            is accepted: ``from_dict(data, Event)`` reads any event).

    Raises:
        SerializationError: the data is not a valid serialised crisiskit object; the message
            names the path of the bad field (e.g. ``$.customers[0].value.currency``).
    """
    return _reading(_from_dict, data, cls)


def _structure(cls: type[T], payload: dict[str, Any]) -> T:
    """Read the fields of a ``cls`` (``payload`` without "type" and "schema_version").

    What :func:`from_dict` does once it knows the class and has migrated the data: the same
    object, or the same :class:`~crisiskit.errors.SerializationError` naming the bad field.
    """
    return _reading(_structure_body, cls, payload)


_A = TypeVar("_A")
_B = TypeVar("_B")


def _reading(read: Callable[[_A, _B], T], first: _A, second: _B) -> T:
    """``read(first, second)``, any failure raised as a :class:`CrisisKitError` saying where."""
    try:
        return read(first, second)
    except CrisisKitError:
        raise
    except cattrs.BaseValidationError as exc:
        raise SerializationError(joined(_problems(exc, "$"))) from None
    except (Exception, RecursionError) as exc:  # untrusted input must never escape as anything else
        raise SerializationError(
            _("cannot read the data: {kind}: {exc}", kind=type(exc).__name__, exc=exc)
        ) from None


def _structure_body(cls: type[T], payload: dict[str, Any]) -> T:
    """Structure ``payload`` as a ``cls``, by the fast converter first.

    When that fails in any way, ``payload`` is read again by the detailed converter, whose
    error names the path of the bad field. Both read valid data into equal objects; only the
    detailed one collects every error with its path, which costs time on every field.
    """
    custom = getattr(cls, "__crisiskit_structure__", None)
    try:
        if custom is not None:
            return custom(payload, _fast_converter())  # type: ignore[no-any-return]
        return _plain_structure(cls, fast=True)(payload, cls)  # type: ignore[no-any-return]
    except Exception:  # the detailed path below says what is wrong, and where
        pass
    if custom is not None:
        return custom(payload, _converter())  # type: ignore[no-any-return]
    return _plain_structure(cls)(payload, cls)  # type: ignore[no-any-return]


_FIELD_MESSAGE = re.compile(
    r"^(?P<cls>[A-Z][A-Za-z0-9_]*)\.(?P<field>[a-z_][a-z0-9_]*)"
    r"(?P<rest>(?:\[\d+\]|\['[^'\]]*'\]|\.[a-z_][a-z0-9_]*)*)"
)


def _problems(exc: BaseException, path: str) -> list[Message]:
    """Each problem a detailed cattrs error holds, as ``"<problem> @ <path>"``.

    The walk of ``cattrs.transform_error``, keeping each message a :class:`Message` so that
    the whole can be said in Chinese too.
    """
    if not isinstance(exc, cattrs.ClassValidationError | cattrs.IterableValidationError):
        return [_at(exc, None, path)]
    found: list[Message] = []
    with_notes, without = exc.group_exceptions()
    for inner, note in with_notes:
        where = (
            f"{path}[{note.index!r}]"
            if isinstance(note, IterableValidationNote)
            else f"{path}.{note.name}"
        )
        if isinstance(inner, cattrs.ClassValidationError | cattrs.IterableValidationError):
            found.extend(_problems(inner, where))
        else:
            found.append(_at(inner, note.type, where))
    found.extend(_at(inner, None, path) for inner in without)
    return found


def _at(exc: BaseException, type_: Any, path: str) -> Message:
    problem = _describe(exc, type_)
    return _("{problem} @ {path}", problem=problem, path=_complete_path(str(problem), path))


def _complete_path(text: str, path: str) -> str:
    """Append the field to the path of a message a class's own validator raised.

    cattrs knows the path of the object whose constructor refused, not which field the
    constructor's validator refused; crisiskit's validators start their messages with
    ``Class.field``, so ``"Signal.description must not be empty"`` at ``$.signals[0]`` is
    at ``$.signals[0].description``.
    """
    match = _FIELD_MESSAGE.match(text)
    if not path.startswith("$") or match is None:
        return path
    cls = _registry.TYPES.get(match["cls"])
    if cls is None or match["field"] not in {a.name for a in attrs.fields(cls)}:
        return path
    return f"{path}.{match['field']}{match['rest']}"


def _describe(exc: BaseException, type_: Any) -> Message | str:
    """What ``exc`` says went wrong (cattrs's own wording for Python's errors)."""
    if isinstance(exc, CrisisKitError):
        return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    expected = getattr(type_, "__name__", repr(type_))
    if isinstance(exc, KeyError):
        return _("required field missing ({field})", field=exc)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return _("unknown field(s) {fields}", fields=tuple(sorted(map(repr, exc.extra_fields))))
    if isinstance(exc, OverflowError):
        return _("the number is too large: a number here must be finite and at most about 1.8e308")
    if isinstance(exc, ValueError | TypeError) and type_ is not None:
        return _("invalid value for type, expected {expected}", expected=expected)
    if isinstance(exc, ValueError):
        return _("invalid value")
    if isinstance(exc, TypeError):
        if str(exc).endswith("object is not iterable"):
            return _("invalid value for type, expected an iterable")
        return _("invalid type ({error})", error=exc)
    if isinstance(exc, AttributeError) and str(exc).endswith("object has no attribute 'items'"):
        return _("expected a mapping")
    return _("unknown error ({error})", error=exc)


def _from_dict(data: Mapping[str, Any], cls: type[T] | None) -> T | Any:
    if not isinstance(data, Mapping):
        raise SerializationError(_("expected a JSON object; got {kind}", kind=type(data).__name__))
    payload = dict(data)
    name = payload.pop("type", None)
    version = payload.pop("schema_version", None)
    target = _lookup(name, cls)
    # A subclass is what was asked for (a LevelChanged is an Event), as in nested fields.
    if cls is not None and not issubclass(target, cls):
        raise SerializationError(
            _(
                "expected a {expected}; got a {name!r}",
                expected=_registry.NAMES.get(cls, cls.__name__),
                name=name,
            )
        )
    if isinstance(version, bool) or not isinstance(version, int):
        raise SerializationError(
            _("$.schema_version must be a whole number; got {version!r}", version=version)
        )
    if version > SCHEMA_VERSION:
        raise SerializationError(
            _(
                "this data has schema_version {version}, written by a newer crisiskit; this one reads schema versions up to {newest}",
                version=version,
                newest=SCHEMA_VERSION,
            )
        )
    if version < 1:
        raise SerializationError(_("$.schema_version must be >= 1; got {version}", version=version))
    while version < SCHEMA_VERSION:
        payload = _MIGRATIONS[version](payload)
        version += 1
    return _structure_body(target, payload)


def to_json(obj: object, *, indent: int | None = None) -> str:
    """:func:`to_dict`, as a JSON string (UTF-8 text, Chinese kept readable)."""
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent, sort_keys=True)


@overload
def from_json(text: str | bytes, cls: type[T]) -> T: ...
@overload
def from_json(text: str | bytes, cls: None = None) -> Any: ...
def from_json(text: str | bytes, cls: type[T] | None = None) -> T | Any:
    """Read back what :func:`to_json` wrote. Numbers with a fraction are read as exact Decimals."""
    if not isinstance(text, str | bytes | bytearray):
        raise SerializationError(
            _("from_json() reads a str or bytes; got {kind}", kind=type(text).__name__)
        )
    return from_dict(_loads(text), cls)


_MAX_NUMBER_DIGITS = 60
"""The most digits a JSON number with a fraction or an exponent may have before its exponent."""
_MAX_EXPONENT = 400
"""The largest exponent (in size) a JSON number may have: 1e400 and 1e-400, not 1e401."""


def _loads(text: str | bytes, *, floats: str = "decimal") -> Any:
    """Parse untrusted JSON text, refusing any number too large to convert safely.

    A whole number may have at most 30 digits; any other number at most 60 digits before its
    exponent, and an exponent of at most 400 in size. Each is refused from its text, before
    anything is converted: ``1e9999999`` would otherwise become a Decimal whose conversion to
    an integer takes minutes. NaN and Infinity are refused too.

    Args:
        text: the JSON text.
        floats: ``"decimal"`` reads a number with a fraction or an exponent as an exact
            :class:`~decimal.Decimal`; ``"float"`` as a finite Python float.

    Raises:
        SerializationError: the text is not JSON, or holds a number out of these bounds; the
            message says which number and what is allowed.
        UnknownValueError: ``floats`` is neither ``"decimal"`` nor ``"float"``.
    """
    if floats == "decimal":
        parse_float: Callable[[str], Any] = _decimal_number
    elif floats == "float":
        parse_float = _float_number
    else:
        raise UnknownValueError(
            _('floats must be "decimal" or "float"; got {floats!r}', floats=floats)
        )
    if not isinstance(text, str | bytes | bytearray):
        raise SerializationError(
            _("JSON text is a str or bytes; got {kind}", kind=type(text).__name__)
        )
    try:
        return json.loads(
            text,
            parse_float=parse_float,
            parse_int=_whole_number,
            parse_constant=_refuse_constant,
        )
    except CrisisKitError:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise SerializationError(_("not valid JSON: {exc}", exc=exc)) from None


def _whole_number(token: str) -> int:
    digits = len(token) - token.startswith("-")
    if digits > _MAX_INT_DIGITS:
        raise SerializationError(
            _(
                "the JSON number {number} has {digits} digits; a whole number may have at most {limit}",
                number=_number_text(token),
                digits=digits,
                limit=_MAX_INT_DIGITS,
            )
        )
    return int(token)


def _checked_number(token: str) -> str:
    """``token``, a JSON number with a fraction or an exponent, if it is within bounds."""
    mantissa, _e, exponent = token.lower().partition("e")
    digits = len(mantissa) - mantissa.startswith("-") - ("." in mantissa)
    if digits > _MAX_NUMBER_DIGITS:
        raise SerializationError(
            _(
                "the JSON number {number} has {digits} digits; a number may have at most {limit} before its exponent",
                number=_number_text(token),
                digits=digits,
                limit=_MAX_NUMBER_DIGITS,
            )
        )
    size = exponent.lstrip("+-").lstrip("0")
    if len(size) > len(str(_MAX_EXPONENT)) or int(size or 0) > _MAX_EXPONENT:
        raise SerializationError(
            _(
                "the JSON number {number} has an exponent of {exponent}; an exponent may be at most {limit} in size (from 1e-{limit} to 1e{limit})",
                number=_number_text(token),
                exponent=_number_text(exponent),
                limit=_MAX_EXPONENT,
            )
        )
    return token


def _decimal_number(token: str) -> Decimal:
    return Decimal(_checked_number(token))


def _float_number(token: str) -> float:
    value = float(_checked_number(token))
    if not math.isfinite(value):
        raise SerializationError(
            _(
                "the JSON number {number} is too large: a number here must be finite and at most about 1.8e308",
                number=_number_text(token),
            )
        )
    return value


def _number_text(token: str) -> str:
    return token if len(token) <= 30 else f"{token[:15]}…{token[-10:]}"


def _refuse_constant(name: str) -> object:
    raise SerializationError(_("JSON may not contain {name}: write finite numbers only", name=name))


@functools.cache
def _converter() -> cattrs.Converter:
    """The cattrs converter crisiskit uses (for crisiskit's own modules), built on first use."""
    return _make_converter()


@functools.cache
def _fast_converter() -> cattrs.Converter:
    """The converter reading takes first; on any failure it reads again with :func:`_converter`."""
    return _make_converter(detailed=False)
