"""Recorded signal streams for the monitor: JSON Lines in, keyed signals and real crises out.

A stream is one JSON object per line: a serialised :class:`~crisiskit.values.Signal`
(``"type"`` and ``"schema_version"`` may be left out) with one more member, ``"key"``, what
the signal is about::

    {"key": "yoghurt-0927", "channel": "social_media", "observed_at": "2025-09-27T09:12:00+08:00",
     "description": "Weibo: foreign object in yoghurt", "metrics": {"heat": 320, "sentiment": -0.8},
     "source_ref": "weibo:5211"}

The real crises of a backtest are JSON Lines too: ``{"key": ..., "detected_at": ...,
"crisis_id": ...}``. Blank lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from attrs import frozen

from crisiskit.errors import CrisisKitError, LimitError, SerializationError
from crisiskit.messages import _
from crisiskit.monitor import RealCrisis
from crisiskit.serialization import SCHEMA_VERSION, from_dict, parse_datetime
from crisiskit.values.signals import Signal

__all__ = ["MAX_LINES", "KeyedSignals", "read_real_crises", "read_signal_stream"]

MAX_LINES = 1_000_000
"""The most lines a stream may have."""


@frozen
class KeyedSignals:
    """A recorded stream: the signals in order, and the key of each."""

    signals: tuple[Signal, ...]
    """The signals, in the order they were recorded."""
    keys: tuple[str, ...]
    """The key of each signal."""

    def key_function(self) -> _ByIdentity:
        """A monitor key function giving each of these signals its recorded key."""
        return _ByIdentity(self)


class _ByIdentity:
    __slots__ = ("_keys",)

    def __init__(self, stream: KeyedSignals) -> None:
        self._keys = {id(s): k for s, k in zip(stream.signals, stream.keys, strict=True)}

    def __call__(self, signal: Signal) -> str:
        return self._keys[id(signal)]


def _lines(text: str, where: str) -> Iterator[tuple[int, dict[str, object]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if number > MAX_LINES:
            raise LimitError(
                _(
                    "{where}: more than {limit} lines; split the stream",
                    where=where,
                    limit=MAX_LINES,
                ),
                limit=MAX_LINES,
                found=number,
            )
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            data = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise SerializationError(
                _("{where}:{number}: not JSON: {detail}", where=where, number=number, detail=exc)
            ) from None
        if not isinstance(data, dict):
            raise SerializationError(
                _(
                    "{where}:{number}: each line is a JSON object; got {type}",
                    where=where,
                    number=number,
                    type=type(data).__name__,
                )
            )
        yield number, data


def _key(data: dict[str, object], where: str, number: int) -> str:
    key = data.pop("key", None)
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        raise SerializationError(
            _(
                '{where}:{number}: "key" must be a non-blank string of at most 200 characters '
                "(what the signal is about); got {key!r}",
                where=where,
                number=number,
                key=key,
            )
        )
    return key


def read_signal_stream(text: str, *, where: str = "stream") -> KeyedSignals:
    """Read a JSON Lines stream of keyed signals; errors name the line."""
    signals: list[Signal] = []
    keys: list[str] = []
    for number, data in _lines(text, where):
        key = _key(data, where, number)
        data.setdefault("type", "Signal")
        data.setdefault("schema_version", SCHEMA_VERSION)
        try:
            signal = from_dict(data, Signal)
        except CrisisKitError as exc:
            raise SerializationError(
                _("{where}:{number}: {error}", where=where, number=number, error=exc)
            ) from None
        signals.append(signal)
        keys.append(key)
    return KeyedSignals(tuple(signals), tuple(keys))


def read_real_crises(text: str, *, where: str = "crises") -> list[RealCrisis]:
    """Read the real crises of a backtest: JSON Lines of ``key``, ``detected_at``, ``crisis_id``."""
    crises = []
    for number, data in _lines(text, where):
        key = _key(data, where, number)
        unknown = set(data) - {"detected_at", "crisis_id"}
        if unknown:
            raise SerializationError(
                _(
                    "{where}:{number}: unknown member(s) {unknown}; a real crisis has key, "
                    "detected_at and crisis_id",
                    where=where,
                    number=number,
                    unknown=sorted(unknown),
                )
            )
        stamp, crisis_id = data.get("detected_at"), data.get("crisis_id")
        try:
            if not isinstance(stamp, str):
                raise SerializationError(
                    _("detected_at must be an ISO 8601 time; got {value!r}", value=stamp)
                )
            crises.append(
                RealCrisis(key=key, detected_at=parse_datetime(stamp), crisis_id=crisis_id)  # type: ignore[arg-type]
            )
        except CrisisKitError as exc:
            raise SerializationError(
                _("{where}:{number}: {error}", where=where, number=number, error=exc)
            ) from None
    return crises
