"""Which values are personal data, whom they are about, and how they are erased in place."""

from __future__ import annotations

from typing import Any

import attrs

from crisiskit._internal import registry as _registry

ERASED = "[erased]"
"""What an erased personal value reads as."""


def is_personal(cls: type[Any], name: str, marked: frozenset[str]) -> bool:
    """True when field ``name`` of ``cls`` holds personal data (crisiskit's mark or the host's)."""
    return bool(attrs.fields_dict(cls)[name].metadata.get("personal")) or (
        f"{_registry.NAMES.get(cls, cls.__name__)}.{name}" in marked
    )


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
    value: Any, customer_id: str, marked: frozenset[str], inherited: tuple[str, ...] = ()
) -> Any:
    """``value`` with every personal text about ``customer_id`` replaced by :data:`ERASED`.

    Walks attrs values, tuples, lists and dict values; returns ``value`` itself when nothing
    in it changes.
    """
    cls = type(value)
    if attrs.has(cls):
        about = subjects(value, inherited)
        changes: dict[str, Any] = {}
        for attribute in attrs.fields(cls):
            if not attribute.init:
                continue
            item = getattr(value, attribute.name)
            if isinstance(item, str):
                if (
                    item
                    and item != ERASED
                    and customer_id in about
                    and is_personal(cls, attribute.name, marked)
                ):
                    changes[attribute.name.lstrip("_")] = ERASED
                continue
            new = scrub(item, customer_id, marked, about)
            if new is not item:
                changes[attribute.name.lstrip("_")] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, tuple | list):
        items = [scrub(item, customer_id, marked, inherited) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        scrubbed = {k: scrub(v, customer_id, marked, inherited) for k, v in value.items()}
        if all(scrubbed[k] is v for k, v in value.items()):
            return value
        return scrubbed
    return value
