"""Pieces of wording shared by the messages of several layers (private)."""

from __future__ import annotations

from collections.abc import Sequence

from crisiskit.messages import Message, _

__all__ = ["joined"]


def joined(items: Sequence[Message]) -> Message:
    """``items`` as one message, separated by ``"; "`` (``"；"`` in Chinese); at least one item.

    Nested by halves, so that a message of thousands of problems is only a few levels deep.
    """
    if len(items) == 1:
        return items[0]
    middle = len(items) // 2
    return _("{first}; {then}", first=joined(items[:middle]), then=joined(items[middle:]))
