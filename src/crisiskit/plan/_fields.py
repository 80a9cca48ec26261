"""Validators and text helpers shared by the plan's value objects (private)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from crisiskit._internal import checks as _checks
from crisiskit.errors import ValidationError
from crisiskit.messages import _
from crisiskit.serialization import format_duration
from crisiskit.values.labels import normalize_lang

ROUND_THE_CLOCK = "24x7"
"""The calendar name of targets that run around the clock."""

WORKING = "working"
"""The calendar name of targets that run on the company's working calendar."""

MAX_DURATION = dt.timedelta(days=366)
"""The longest target or cadence a plan may set: anything longer is surely a typo."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+\-]{0,63}$")


def where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """``Class.field``, for messages."""
    return f"{type(instance).__name__}.{attribute.name}"


def name(what: str, value: object, example: str) -> str:
    """Check that ``value`` is an identifier-like name: letters, digits, ``._:/+-``, 1-64 long."""
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValidationError(
            _(
                "{what} must be 1-64 letters, digits or '._:/+-', starting with a letter or a digit (e.g. {example!r}); got {value!r}",
                what=what,
                example=example,
                value=value,
            )
        )
    return value


def is_action_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: an action id such as ``"contact-customers"``."""
    name(where(instance, attribute), value, "contact-customers")


def is_calendar_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: the name of a business calendar (``"24x7"``, ``"working"``, …)."""
    name(where(instance, attribute), value, WORKING)


def is_optional_duration(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: None, or a positive timedelta of at most :data:`MAX_DURATION`."""
    if value is None:
        return
    what = where(instance, attribute)
    if not isinstance(value, dt.timedelta):
        raise ValidationError(
            _(
                "{what} must be a datetime.timedelta or None; got {kind} {value!r}",
                what=what,
                kind=type(value).__name__,
                value=value,
            )
        )
    if value <= dt.timedelta(0):
        raise ValidationError(
            _(
                "{what} must be a positive duration; got {duration} (use None for none)",
                what=what,
                duration=format_duration(value),
            )
        )
    if value > MAX_DURATION:
        raise ValidationError(
            _(
                "{what} must be at most {days} days; got {duration}",
                what=what,
                days=MAX_DURATION.days,
                duration=format_duration(value),
            )
        )


def is_texts(*, at_least: int = 0) -> _checks.Validator:
    """Attrs validator factory: a tuple of non-blank strings, with at least ``at_least`` items."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        what = where(instance, attribute)
        if not isinstance(value, tuple):
            raise ValidationError(
                _(
                    "{what} must be a sequence of strings (a list or tuple, not a single string); got {value!r}",
                    what=what,
                    value=value,
                )
            )
        if len(value) < at_least:
            raise ValidationError(
                _(
                    "{what} must hold at least {at_least} non-blank string(s); got {count}",
                    what=what,
                    at_least=at_least,
                    count=len(value),
                )
            )
        for index, item in enumerate(value):
            _checks.text(f"{what}[{index}]", item)

    return check


def pick(lang: str, en: str, zh: str | None) -> str:
    """``zh`` when asked for Chinese and there is a Chinese text, else ``en``."""
    return zh if normalize_lang(lang) == "zh" and zh is not None else en


def duration_text(value: dt.timedelta, calendar: str, lang: str = "en") -> str:
    """A duration for people: ``"15 min"``, ``"24 h"``, ``"3 days"``, ``"8 h of working time"``.

    Targets on the working calendar count working time, so they are never shown in days
    (how long a working day is, is the host calendar's business).
    """
    seconds = value.total_seconds()
    if seconds % 86_400 == 0 and seconds > 86_400 and calendar != WORKING:
        text = _("{days} days", days=int(seconds // 86_400))
    elif seconds % 3600 == 0:
        text = _("{hours} h", hours=int(seconds // 3600))
    elif seconds % 60 == 0:
        text = _("{minutes} min", minutes=int(seconds // 60))
    else:
        text = _("{seconds} s", seconds=f"{seconds:g}")
    if calendar == WORKING:
        text = _("{span} of working time", span=text)
    elif calendar != ROUND_THE_CLOCK:
        text = _("{span} on calendar {calendar!r}", span=text, calendar=calendar)
    return text.text(normalize_lang(lang))
