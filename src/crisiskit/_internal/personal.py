"""Which values are personal data, whom they are about, and how they are erased in place."""

from __future__ import annotations

from typing import Any

import attrs

from crisiskit._internal import registry as _registry

ERASED = "[erased]"
"""What an erased personal value reads as."""


NOT_PERSONAL, OURS, HOSTS = 0, 1, 2
"""How a field is marked personal: not at all, by crisiskit, or by the host."""


def marking(cls: type[Any], name: str, marked: frozenset[str]) -> int:
    """How field ``name`` of ``cls`` is marked personal (the host's mark counts first)."""
    if f"{_registry.NAMES.get(cls, cls.__name__)}.{name}" in marked:
        return HOSTS
    return OURS if attrs.fields_dict(cls)[name].metadata.get("personal") else NOT_PERSONAL


def whom(mark: int, owners: tuple[str, ...], everyone: tuple[str, ...]) -> tuple[str, ...]:
    """Whom a personal text is about; ``()`` when it is not personal data at all.

    A text is about the customers of the value holding it (or of the values around it). One
    naming no customer is personal data only where the host marked it — a progress report,
    a signal's description — and then about every customer affected, any of whom it may
    name; crisiskit's own marks (a compensation's note) name no one when no customer is named.
    """
    if owners:
        return owners
    return everyone if mark == HOSTS else ()


def subjects(obj: object, inherited: tuple[str, ...]) -> tuple[str, ...]:
    """The customers a value is about: its own customer id, its customers', or its parent's."""
    customer = getattr(obj, "customer_id", None)
    if isinstance(customer, str):
        return (customer,)
    customers = getattr(obj, "customers", None)
    if isinstance(customers, tuple) and customers:
        ids = tuple(
            c.customer_id for c in customers if isinstance(getattr(c, "customer_id", None), str)
        )
        return ids or inherited
    return inherited


def scrub(
    value: Any,
    customer_id: str,
    marked: frozenset[str],
    everyone: tuple[str, ...] = (),
    owners: tuple[str, ...] = (),
) -> Any:
    """``value`` with every personal text about ``customer_id`` replaced by :data:`ERASED`.

    Walks attrs values, tuples, lists and dict values; returns ``value`` itself when nothing
    in it changes. ``everyone`` is whom a host-marked text naming no customer is about.
    """
    cls = type(value)
    if attrs.has(cls):
        about = subjects(value, owners)
        changes: dict[str, Any] = {}
        for attribute in attrs.fields(cls):
            if not attribute.init:
                continue
            item = getattr(value, attribute.name)
            if isinstance(item, str):
                if item and item != ERASED:
                    mark = marking(cls, attribute.name, marked)
                    if mark and customer_id in whom(mark, about, everyone):
                        changes[attribute.name.lstrip("_")] = ERASED
                continue
            new = scrub(item, customer_id, marked, everyone, about)
            if new is not item:
                changes[attribute.name.lstrip("_")] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, tuple | list):
        items = [scrub(item, customer_id, marked, everyone, owners) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        scrubbed = {k: scrub(v, customer_id, marked, everyone, owners) for k, v in value.items()}
        if all(scrubbed[k] is v for k, v in value.items()):
            return value
        return scrubbed
    return value
