"""Numbers, names and validators shared by the grading modules (private)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import attrs

from crisiskit._internal import checks as _checks
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.messages import Message, _
from crisiskit.values.levels import Level

Real = int | float | Decimal | Fraction
"""What crisiskit accepts where a real number is expected (a bool is not a number here)."""


def real(what: str, value: object) -> float:
    """Check that ``value`` is a finite real number (Fraction allowed) and return a float."""
    if isinstance(value, Fraction):
        return float(value)
    return _checks.number(what, value)


def to_float(value: object) -> float:
    """Attrs converter: an int, Decimal or Fraction to a float; anything else unchanged."""
    if isinstance(value, bool):
        return cast(float, value)
    if isinstance(value, int | Decimal | Fraction):
        return float(value)
    return cast(float, value)


def to_optional_float(value: object) -> float | None:
    """:func:`to_float` for optional fields."""
    return None if value is None else to_float(value)


def _where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def is_finite(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a finite float."""
    if not isinstance(value, float) or not math.isfinite(value):
        _checks.number(_where(instance, attribute), value)


def is_optional_finite(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: None or a finite float."""
    if value is not None:
        is_finite(instance, attribute, value)


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-+]{0,31}$")
_POLICY_ID = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.\-]{0,63})@(?P<version>[A-Za-z0-9][A-Za-z0-9_.\-+]{0,31})$"
)


def policy_name(what: str, value: object) -> str:
    """Check a policy name: 1-64 letters, digits, ``_``, ``.`` or ``-`` (no ``@``)."""
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValidationError(
            _(
                "{what} must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit, such as 'risk-matrix'; got {value!r}",
                what=what,
                value=value,
            )
        )
    return value


def policy_version(what: str, value: object) -> str:
    """Check a policy version: 1-32 letters, digits, ``_``, ``.``, ``-`` or ``+``."""
    if not isinstance(value, str) or not _VERSION.match(value):
        raise ValidationError(
            _(
                "{what} must be 1-32 letters, digits, '_', '.', '-' or '+', such as '1' or '2025.09'; got {value!r}",
                what=what,
                value=value,
            )
        )
    return value


def split_policy_id(what: str, value: object) -> tuple[str, str]:
    """Split ``"name@version"`` into its parts, refusing anything else."""
    match = _POLICY_ID.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValidationError(
            _(
                "{what} must read 'name@version', such as 'risk-matrix@1'; got {value!r}",
                what=what,
                value=value,
            )
        )
    return match["name"], match["version"]


def is_policy_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: ``"name@version"``."""
    split_policy_id(_where(instance, attribute), value)


def fmt(value: float, digits: int = 4) -> str:
    """A number for people: whole numbers without a decimal point, others without trailing zeros."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in {"-0", ""} else "0"


def round_half_up(value: float) -> int:
    """Round to the nearest whole number, halves away from zero for positives (四舍五入)."""
    return math.floor(value + 0.5)


def closest(names: Iterable[str], known: Iterable[str]) -> Message | str:
    """A "did you mean" hint for misspelt names, or an empty string."""
    import difflib  # noqa: PLC0415 - only for an error message; not on every import crisiskit

    candidates = list(known)
    found = [
        match
        for name in names
        for match in difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    ]
    if not found:
        return ""
    if len(found) == 1:
        return _(" (did you mean {name!r}?)", name=found[0])
    return _(" (did you mean {names}?)", names=tuple(map(repr, found)))


def check_matrix_rows(what: str, rows: object) -> list[list[float]]:
    """Check a non-empty rectangular sequence of sequences of finite reals; return floats."""
    if isinstance(rows, str | bytes) or not isinstance(rows, Sequence) or not rows:
        raise ValidationError(
            _("{what} must be a non-empty sequence of rows; got {rows!r}", what=what, rows=rows)
        )
    result: list[list[float]] = []
    width: int | None = None
    for i, row in enumerate(rows):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence):
            raise ValidationError(
                _("{what}[{i}] must be a sequence of numbers; got {row!r}", what=what, i=i, row=row)
            )
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValidationError(
                _(
                    "{what} must be rectangular: row 0 has {width} entries, row {i} has {row_count}",
                    what=what,
                    width=width,
                    i=i,
                    row_count=len(row),
                )
            )
        result.append([real(f"{what}[{i}][{j}]", v) for j, v in enumerate(row)])
    if not width:
        raise ValidationError(_("{what} rows must not be empty", what=what))
    return result


def frozen_mapping(value: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A mapping as a tuple of (key, value) pairs in the mapping's order (hashable, immutable)."""
    return tuple(value.items())


def canonical_number(value: float) -> float | int:
    """A number for a configuration digest: whole floats as ints, so 2 and 2.0 agree."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def level(value: object) -> Level:
    """A Level from a Level or from text such as ``"II"``, ``"2"`` or ``"较大"``."""
    if isinstance(value, Level):
        return value
    if isinstance(value, str):
        return Level.parse(value)
    raise ValidationError(
        _("expected a Level such as Level.II or 'II'; got {value!r}", value=value)
    )


def score_bands(what: str, bands: object) -> tuple[tuple[Level, float], ...]:
    """Check the lowest score of levels I, II and III on a 1–4 scale (IV lies below III's)."""
    if not isinstance(bands, Mapping):
        raise PolicyError(
            _(
                "{what} must map levels I, II and III to scores; got {bands!r}",
                what=what,
                bands=bands,
            )
        )
    parsed = {level(k): real(f"{what}[{k!r}]", v) for k, v in bands.items()}
    if set(parsed) != {Level.I, Level.II, Level.III}:
        raise PolicyError(
            _(
                "{what} must give the lowest score of levels I, II and III (IV is below III); got {given}",
                what=what,
                given=sorted(lvl.value for lvl in parsed),
            )
        )
    ordered = tuple(sorted(parsed.items(), key=lambda pair: pair[0], reverse=True))
    values = [v for _unused, v in ordered]
    if not 4 >= values[0] > values[1] > values[2] > 1:
        shown = ", ".join(f"{k.value} {fmt(v)}" for k, v in ordered)
        raise PolicyError(
            _("{what} must fall from I to III within (1, 4]; got {shown}", what=what, shown=shown)
        )
    return ordered


def band_of(score: float, bands: tuple[tuple[Level, float], ...]) -> tuple[Level, str]:
    """The level whose band ``score`` falls in, and the comparison that put it there."""
    for lvl, low in bands:
        if score >= low:
            return lvl, f"≥ {fmt(low)}"
    return Level.IV, f"< {fmt(bands[-1][1])}"


def group_said(group: str) -> Message | str:
    """A group of factors for people: the two usual ones by name, any other by its id."""
    if group == "likelihood":
        return _("likelihood")
    if group == "impact":
        return _("impact")
    return group
