"""Every error crisiskit raises, under one base class.

Catch :class:`CrisisKitError` to handle anything crisiskit refuses; catch a subclass to
handle one kind of refusal. A refused command never changes anything: the crisis, its
level, its version and its event log are exactly as they were before the call.

Messages say what was given and what is allowed, so they can be shown to an operator as
they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from crisiskit.messages import say

__all__ = [
    "CalendarError",
    "ChartError",
    "ConcurrencyError",
    "CrisisKitError",
    "CrisisNotFoundError",
    "CurrencyMismatchError",
    "EventSequenceError",
    "HorizonError",
    "InvalidTransition",
    "LimitError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "PolicyError",
    "SealError",
    "SerializationError",
    "StoreError",
    "UnknownValueError",
    "ValidationError",
    "VocabularyError",
]


class CrisisKitError(Exception):
    """The base class of every error crisiskit raises.

    ``str(error)`` is the message in English; :meth:`text` says it in another language.
    """

    def text(self, lang: str = "en") -> str:
        """This error's message in ``lang`` (``"en"`` or ``"zh"``), from the message catalogs."""
        return say(self, lang)


class ValidationError(CrisisKitError, ValueError):
    """A value was refused: wrong type, out of range, empty, or inconsistent.

    Also a :class:`ValueError`, so code that already catches ``ValueError`` around input
    handling keeps working.
    """


class LimitError(ValidationError):
    """An input is larger than crisiskit will work on (too many items, digits or years).

    The message names the limit, the size found and, where the limit can be raised, the
    keyword argument that raises it.

    Attributes:
        limit: the largest size allowed.
        found: the size that was found (or reached before the work stopped).
        option: the keyword argument that raises the limit, or ``""`` when it is fixed.
    """

    def __init__(self, message: str, *, limit: int, found: int, option: str = "") -> None:
        super().__init__(message)
        self.limit = limit
        self.found = found
        self.option = option


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone was given where an instant is needed."""


class UnknownValueError(ValidationError):
    """A value is not one of the allowed choices (an enum value, a language, a name)."""


class VocabularyError(ValidationError):
    """A host's registration of a role, crisis type, channel or audience was refused.

    The code is not lower_snake_case ASCII, a label is blank, a code or label already names
    another member, or the code is registered already with a different definition.
    """


class CurrencyMismatchError(ValidationError):
    """Two amounts of money in different currencies were combined or compared."""


class InvalidTransition(CrisisKitError):  # noqa: N818 - the name is part of the public contract
    """A lifecycle command does not apply to the crisis in its current state.

    Attributes:
        state: the state the crisis is in (its id, e.g. ``"detected"``).
        command: the command that was refused (e.g. ``"recover"``).
        allowed: the commands that the crisis accepts in that state.
        condition: the name of the guard that refused, when a guard refused.
    """

    def __init__(
        self,
        message: str,
        *,
        state: str,
        command: str,
        allowed: Iterable[str] = (),
        condition: str | None = None,
    ) -> None:
        super().__init__(message)
        self.state = state
        self.command = command
        self.allowed = tuple(allowed)
        self.condition = condition


class PolicyError(CrisisKitError, ValueError):
    """A policy (grading, SLA, reopen, plan) is misconfigured or cannot decide."""


class CalendarError(CrisisKitError, ValueError):
    """A business calendar is misconfigured or cannot answer a query."""


class HorizonError(CalendarError):
    """A calendar query needs a date outside the calendar's authoritative horizon."""


class SerializationError(CrisisKitError, ValueError):
    """Data could not be read back into crisiskit objects (bad JSON, bad field, bad schema)."""


class ConcurrencyError(CrisisKitError):
    """The crisis changed since the caller read it (an ``expected_version`` mismatch)."""


class EventSequenceError(CrisisKitError):
    """An event stream has a gap, is out of order, or belongs to another crisis."""


class SealError(CrisisKitError):
    """A stored event's seal does not check out: it was altered, or its key is wrong or missing.

    Attributes:
        kind: what was found, as a :class:`~crisiskit.events.ChainProblem` code
            (``"altered"``, ``"wrong_key"``, ``"missing_key"``, ``"unkeyed"``, ``"personal"``, …).
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class StoreError(CrisisKitError):
    """A crisis store refused a read or a write, or found its tables inconsistent.

    Raised by the stores of :mod:`crisiskit.store`: a log that no longer reaches the head the
    store keeps (events deleted from its end), a store schema written by a newer release, a
    duplicate event id. Nothing was written.
    """


class CrisisNotFoundError(StoreError, LookupError):
    """The store holds no crisis with the id given.

    Also a :class:`LookupError`, so a host can map it to "404 Not Found" with the rest.
    """


class MissingExtraError(CrisisKitError, ImportError):
    """A feature needs an optional extra that is not installed.

    The message names the extra to install, e.g. ``pip install 'crisiskit[charts]'``. Also an
    :class:`ImportError`, as a missing package is.
    """


class ChartError(CrisisKitError):
    """A chart could not be drawn as asked: no font for its text, or an unknown format.

    Chinese text needs a CJK font that the plotting library can find; crisiskit refuses
    rather than draw empty boxes in place of the characters.
    """
