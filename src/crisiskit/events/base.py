"""The base of every domain event, the hash chain, and :func:`verify`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import ClassVar, TypeVar

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.serialization import to_dict
from crisiskit.values.labels import normalize_lang
from crisiskit.values.vocabulary import CrisisState, to_crisis_state

E = TypeVar("E", bound="Event")

__all__ = ["GENESIS", "ChainCheck", "Event", "StateChanged", "compute_hash", "seal", "verify"]

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
    """SHA-256 (or HMAC-SHA-256 with a key) of this event's content and ``prev_hash``."""
    event_id: str = field(default="", validator=_checks.is_str)
    """A UUID derived from ``hash``: the same fact always has the same id."""

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


# --- hashing ----------------------------------------------------------------------------

# What json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds on
# every call; built once, it writes the same bytes.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _content(event: Event) -> bytes:
    body = to_dict(event)  # a fresh dict: the two derived fields are not hashed
    del body["hash"], body["event_id"]
    return _CANONICAL_JSON.encode(body).encode()


def compute_hash(event: Event, key: bytes | None = None) -> str:
    """The hash an event should carry: over its content (all but ``hash`` and ``event_id``)."""
    payload = _content(event)
    if key:
        return hmac.new(key, payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def id_for_hash(digest: str) -> str:
    """The event id derived from a hash: a UUID built from its first 128 bits.

    ``digest`` is a SHA-256 hex digest (lower case), so this is ``str(uuid.UUID(hex=digest[:32]))``
    written out, without building the UUID object.
    """
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def seal(event: E, key: bytes | None = None) -> E:
    """Fill in ``hash`` and ``event_id`` of a freshly built event (crisiskit-internal)."""
    digest = compute_hash(event, key)
    # The event has not left the factory yet: set the two derived fields in place rather
    # than building it a second time.
    object.__setattr__(event, "hash", digest)
    object.__setattr__(event, "event_id", id_for_hash(digest))
    return event


@frozen
class ChainCheck:
    """The result of :func:`verify`: whether an event log is intact, and if not, where not."""

    ok: bool
    """True when every event matches its hash and links to the one before."""
    checked: int
    """How many events were checked."""
    first_invalid: int | None = None
    """The sequence number the first bad event carries (None when ok)."""
    position: int | None = None
    """Where that event stands in the log given, counting from 1."""
    event_id: str | None = None
    """That event's id as stored."""
    problem: str | None = None
    """What is wrong with it."""

    def __bool__(self) -> bool:
        return self.ok


def verify(
    events: Iterable[Event],
    *,
    key: bytes | None = None,
    after: tuple[int, str] | None = None,
) -> ChainCheck:
    """Check an event log: hashes, links, sequence and crisis id. Names the first bad event.

    Args:
        events: the log, from the crisis's first event — or, with ``after``, from the event
            after a point already trusted.
        key: the ``hash_key`` of the crisis's :class:`~crisiskit.crisis.Context`, if any.
        after: ``(version, last_hash)`` of a trusted point, e.g. a snapshot's
            ``(crisis.version, crisis.last_hash)``: the log must continue from it.
    """
    sequence, prev_hash = after if after is not None else (0, GENESIS)
    crisis_id: str | None = None
    count = 0
    for event in events:
        count += 1
        problem = _problem(event, sequence + 1, prev_hash, crisis_id, key)
        if problem is not None:
            return ChainCheck(False, count, event.sequence, count, event.event_id, problem)
        sequence, prev_hash, crisis_id = event.sequence, event.hash, event.crisis_id
    return ChainCheck(True, count)


def _problem(
    event: Event, sequence: int, prev_hash: str, crisis_id: str | None, key: bytes | None
) -> str | None:
    if event.sequence != sequence:
        return f"sequence {event.sequence} where {sequence} was expected"
    if crisis_id is not None and event.crisis_id != crisis_id:
        return f"belongs to crisis {event.crisis_id!r}, not {crisis_id!r}"
    if event.prev_hash != prev_hash:
        return "prev_hash does not match the previous event's hash (an event before it was altered, removed or reordered)"
    if event.hash != compute_hash(event, key):
        return "its content does not match its hash (the event was altered)"
    if event.event_id != id_for_hash(event.hash):
        return "its event_id does not match its hash"
    return None
