"""The names under which crisiskit's types are serialised (private).

Each serialisable class is registered once, under a stable name that never changes even if
the class moves between modules; that name is the ``"type"`` tag in serialised data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type[Any])

RESERVED = frozenset({"type", "schema_version"})
"""Keys of the serialised envelope, which no field may use."""

TYPES: dict[str, type[Any]] = {}
NAMES: dict[type[Any], str] = {}


def serializable(name: str | None = None) -> Callable[[T], T]:
    """Class decorator: register ``cls`` for :mod:`crisiskit.serialization` under ``name``."""

    def register(cls: T) -> T:
        tag = name or cls.__name__
        clash = RESERVED & {a.name for a in getattr(cls, "__attrs_attrs__", ())}
        if clash:
            raise TypeError(
                f"{cls.__qualname__} may not have a field named {sorted(clash)}: reserved for the envelope"
            )
        existing = TYPES.get(tag)
        if existing is not None and existing is not cls:
            raise TypeError(f"serialisation name {tag!r} is taken by {existing.__qualname__}")
        TYPES[tag] = cls
        NAMES[cls] = tag
        return cls

    return register
