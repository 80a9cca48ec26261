"""Domain events: the immutable, hash-chained record of everything that happened to a crisis.

Every successful command on a :class:`~crisiskit.crisis.Crisis` appends exactly one event,
named in the past tense. Events are facts: a host persists them (``crisis.pull_events()``),
audits them, and rebuilds the crisis from them (``Crisis.replay(events)``).

Each event carries the crisis id, a sequence number (1, 2, 3, … per crisis), the instant it
occurred, the actor, an optional reason, and — where something changed — the old and the
new value. Each event's ``hash`` covers its whole content and the previous event's hash,
so :func:`verify` finds the first event that was altered, dropped, inserted or reordered.
``event_id`` is derived from the hash: the same fact always has the same id, which is what
makes re-delivery idempotent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import pendulum
from attrs import field, frozen

from crisiskit import _checks
from crisiskit._registry import serializable
from crisiskit.customers import CustomerRef
from crisiskit.facts import Facts
from crisiskit.labels import normalize_lang
from crisiskit.levels import Level
from crisiskit.serialization import to_dict
from crisiskit.signals import Signal
from crisiskit.vocabulary import CrisisState, CrisisType

__all__ = [
    "ChainCheck",
    "CrisisClosed",
    "CrisisDetected",
    "CrisisDismissed",
    "CrisisMerged",
    "CrisisRelapsed",
    "CrisisReopened",
    "CrisisUnmerged",
    "CustomersAdded",
    "Event",
    "FactsUpdated",
    "LevelChanged",
    "MarkedDuplicate",
    "MergeUndone",
    "MergedInto",
    "RecoveryStarted",
    "ResponseStarted",
    "SignalAttached",
    "StateChanged",
    "WarningIssued",
    "verify",
]

GENESIS = ""
"""The ``prev_hash`` of a crisis's first event."""


def _optional_level(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _checks.member(f"{type(instance).__name__}.{attribute.name}", value, Level)


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

    from_state: CrisisState = field(validator=_checks.is_member(CrisisState))
    """The state before."""
    to_state: CrisisState = field(validator=_checks.is_member(CrisisState))
    """The state after."""


@serializable()
@frozen(kw_only=True)
class CrisisDetected(Event):
    """A crisis was detected (监测发现): the first event of every crisis."""

    crisis_type: CrisisType = field(validator=_checks.is_member(CrisisType))
    """What kind of crisis it is."""
    title: str = field(validator=_checks.is_text)
    """A short title."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals that revealed it."""
    facts: Facts = field(factory=Facts)
    """The facts known at detection."""

    label_en: ClassVar[str] = "crisis detected"
    label_zh: ClassVar[str] = "发现危机"


@serializable()
@frozen(kw_only=True)
class SignalAttached(Event):
    """Another signal was attached to the crisis."""

    signal: Signal
    """The signal."""

    label_en: ClassVar[str] = "signal attached"
    label_zh: ClassVar[str] = "新增预警信息"


@serializable()
@frozen(kw_only=True)
class CustomersAdded(Event):
    """Customers were found to be affected (beyond those named by signals)."""

    customers: tuple[CustomerRef, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(CustomerRef, "CustomerRef")
    )
    """The customers newly recorded as affected."""

    label_en: ClassVar[str] = "customers added"
    label_zh: ClassVar[str] = "新增受影响客户"


@serializable()
@frozen(kw_only=True)
class FactsUpdated(Event):
    """The facts of the crisis (D17) changed."""

    old: Facts
    """The facts before."""
    new: Facts
    """The facts after."""

    label_en: ClassVar[str] = "facts updated"
    label_zh: ClassVar[str] = "事实更新"


@serializable()
@frozen(kw_only=True)
class LevelChanged(Event):
    """The crisis's level changed (or was set for the first time)."""

    old_level: Level | None = field(validator=_optional_level)
    """The level before (None when the crisis was not graded yet)."""
    new_level: Level = field(validator=_checks.is_member(Level))
    """The level after."""

    label_en: ClassVar[str] = "level changed"
    label_zh: ClassVar[str] = "级别调整"


@serializable()
@frozen(kw_only=True)
class WarningIssued(StateChanged):
    """A warning was issued (预警发布): detected → warned."""

    label_en: ClassVar[str] = "warning issued"
    label_zh: ClassVar[str] = "发布预警"


@serializable()
@frozen(kw_only=True)
class ResponseStarted(StateChanged):
    """The response started (启动应急响应): warned → responding, or detected → responding for a sudden crisis."""

    label_en: ClassVar[str] = "response started"
    label_zh: ClassVar[str] = "启动应急响应"


@serializable()
@frozen(kw_only=True)
class RecoveryStarted(StateChanged):
    """Recovery started (危机恢复): responding → recovering."""

    label_en: ClassVar[str] = "recovery started"
    label_zh: ClassVar[str] = "进入恢复"


@serializable()
@frozen(kw_only=True)
class CrisisClosed(StateChanged):
    """The crisis was closed after recovery, with a closing summary."""

    summary: str = field(validator=_checks.is_text)
    """The closing summary."""

    label_en: ClassVar[str] = "crisis closed"
    label_zh: ClassVar[str] = "危机关闭"


@serializable()
@frozen(kw_only=True)
class CrisisDismissed(StateChanged):
    """A false alarm was dismissed (误报): detected or warned → closed. The reason is required."""

    label_en: ClassVar[str] = "dismissed as a false alarm"
    label_zh: ClassVar[str] = "误报撤销"


@serializable()
@frozen(kw_only=True)
class CrisisRelapsed(StateChanged):
    """The crisis flared up again during recovery: recovering → responding."""

    label_en: ClassVar[str] = "relapsed"
    label_zh: ClassVar[str] = "危机反复"


@serializable()
@frozen(kw_only=True)
class CrisisReopened(StateChanged):
    """A closed crisis was reopened: closed → responding, within the reopen window."""

    reopen_count: int = field(validator=_checks.is_count)
    """How many times the crisis has been reopened, this time included."""

    label_en: ClassVar[str] = "reopened"
    label_zh: ClassVar[str] = "重新打开"


@serializable()
@frozen(kw_only=True)
class MarkedDuplicate(StateChanged):
    """The crisis was closed as a duplicate of a canonical one."""

    canonical_id: str = field(validator=_checks.is_text)
    """The id of the canonical crisis (never itself a duplicate: chains collapse)."""

    label_en: ClassVar[str] = "marked duplicate"
    label_zh: ClassVar[str] = "标记为重复"


@serializable()
@frozen(kw_only=True)
class MergedInto(StateChanged):
    """The crisis was merged into a canonical one: its signals and customers moved there."""

    canonical_id: str = field(validator=_checks.is_text)
    """The id of the canonical crisis."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals that moved out."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers that moved out (those not named by a moved signal)."""

    label_en: ClassVar[str] = "merged into another crisis"
    label_zh: ClassVar[str] = "并入其他危机"


@serializable()
@frozen(kw_only=True)
class CrisisMerged(Event):
    """Another crisis was merged into this one; its signals and customers arrived here."""

    source_id: str = field(validator=_checks.is_text)
    """The id of the crisis merged in."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals added here (those this crisis did not already have)."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers added here (those this crisis did not already have)."""

    label_en: ClassVar[str] = "crisis merged in"
    label_zh: ClassVar[str] = "合并危机"


@serializable()
@frozen(kw_only=True)
class CrisisUnmerged(Event):
    """A merge was undone: what the merge added here was taken out again."""

    source_id: str = field(validator=_checks.is_text)
    """The id of the crisis that was merged in."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals removed."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers removed."""

    label_en: ClassVar[str] = "merge undone"
    label_zh: ClassVar[str] = "撤销合并"


@serializable()
@frozen(kw_only=True)
class MergeUndone(StateChanged):
    """This crisis was taken back out of the crisis it had been merged into."""

    canonical_id: str = field(validator=_checks.is_text)
    """The crisis it had been merged into."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals restored."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers restored."""

    label_en: ClassVar[str] = "taken out of a merge"
    label_zh: ClassVar[str] = "从合并中恢复"


# --- hashing ----------------------------------------------------------------------------

_SKIP = frozenset({"hash", "event_id"})


def _content(event: Event) -> bytes:
    body = {k: v for k, v in to_dict(event).items() if k not in _SKIP}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: Event, key: bytes | None = None) -> str:
    """The hash an event should carry: over its content (all but ``hash`` and ``event_id``)."""
    payload = _content(event)
    if key:
        return hmac.new(key, payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def id_for_hash(digest: str) -> str:
    """The event id derived from a hash: a UUID built from its first 128 bits."""
    return str(uuid.UUID(hex=digest[:32]))


def seal(event: Event, key: bytes | None = None) -> Event:
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


def verify(events: Iterable[Event], *, key: bytes | None = None) -> ChainCheck:
    """Check an event log: hashes, links, sequence and crisis id. Names the first bad event.

    Pass the same ``key`` the crisis's :class:`~crisiskit.crisis.Context` used, if any.
    """
    previous: Event | None = None
    count = 0
    for event in events:
        count += 1
        problem = _problem(event, previous, key)
        if problem is not None:
            return ChainCheck(False, count, event.sequence, count, event.event_id, problem)
        previous = event
    return ChainCheck(True, count)


def _problem(event: Event, previous: Event | None, key: bytes | None) -> str | None:
    expected_sequence = 1 if previous is None else previous.sequence + 1
    if event.sequence != expected_sequence:
        return f"sequence {event.sequence} where {expected_sequence} was expected"
    if previous is not None and event.crisis_id != previous.crisis_id:
        return f"belongs to crisis {event.crisis_id!r}, not {previous.crisis_id!r}"
    expected_prev = GENESIS if previous is None else previous.hash
    if event.prev_hash != expected_prev:
        return "prev_hash does not match the previous event's hash (an event before it was altered, removed or reordered)"
    if event.hash != compute_hash(event, key):
        return "its content does not match its hash (the event was altered)"
    if event.event_id != id_for_hash(event.hash):
        return "its event_id does not match its hash"
    return None
