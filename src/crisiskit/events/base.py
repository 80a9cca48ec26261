"""The base of every domain event."""

from __future__ import annotations

from typing import ClassVar

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.values.labels import normalize_lang
from crisiskit.values.vocabulary import CrisisState, to_crisis_state

__all__ = ["GENESIS", "Event", "StateChanged"]

GENESIS = ""
"""The ``prev_hash`` of a crisis's first event."""


@serializable()
@frozen(kw_only=True)
class Event:
    """What every event carries. Subclasses add what changed."""

    crisis_id: str = field(validator=_checks.is_text)
    """The crisis the event belongs to."""
    sequence: int = field(validator=_checks.is_count)
    """Its position in the crisis's history: 1 for the first event, then 2, 3, …"""
    occurred_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When it happened (UTC), read from the crisis's clock."""
    actor: str = field(validator=_checks.is_text)
    """Who did it: a user id, a service name, ``"system"`` for timers and sweeps."""
    reason: str | None = field(default=None, validator=_checks.is_optional_text)
    """Why, in the actor's words, when the command takes a reason."""
    prev_hash: str = field(default=GENESIS, validator=_checks.is_str)
    """The hash of the previous event (empty for the first)."""
    hash: str = field(default="", validator=_checks.is_str)
    """SHA-256 (or HMAC-SHA-256 with a key) of its stored form (``prev_hash`` included,
    personal data beside it excepted)."""
    event_id: str = field(default="", validator=_checks.is_str)
    """A UUID derived from ``hash``: the same fact always has the same id."""
    key_id: str | None = field(default=None, validator=_checks.is_optional_text)
    """The id of the :class:`~crisiskit.events.SealingKey` that sealed it (None: plain SHA-256)."""
    _stored: object = field(default=None, init=False, eq=False, repr=False)
    # The StoredEvent it was sealed into or read from (its hash covers those bytes). Typed
    # object: attrs resolves the annotations of event classes, and the stored form is
    # defined on top of them.

    event_version: ClassVar[int] = 1
    """The version of this event type's stored form; raised, with an upcaster, when it changes."""

    label_en: ClassVar[str] = "event"
    label_zh: ClassVar[str] = "事件"

    @property
    def name(self) -> str:
        """The event's type name, e.g. ``"WarningIssued"``."""
        return type(self).__name__

    def label(self, lang: str = "en") -> str:
        """A short human description of the kind of event, in ``lang``."""
        return self.label_en if normalize_lang(lang) == "en" else self.label_zh


@serializable()
@frozen(kw_only=True)
class StateChanged(Event):
    """An event that moved the crisis from one lifecycle state to another."""

    from_state: CrisisState = field(
        converter=to_crisis_state, validator=_checks.is_member(CrisisState)
    )
    """The state before."""
    to_state: CrisisState = field(
        converter=to_crisis_state, validator=_checks.is_member(CrisisState)
    )
    """The state after."""


# --- ids ---------------------------------------------------------------------------------


def id_for_hash(digest: str) -> str:
    """The event id derived from a hash: a UUID built from its first 128 bits.

    ``digest`` is a SHA-256 hex digest (lower case), so this is ``str(uuid.UUID(hex=digest[:32]))``
    written out, without building the UUID object.
    """
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
