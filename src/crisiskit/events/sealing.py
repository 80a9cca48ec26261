"""The stored form of an event: what a host keeps, what is hashed, and how it is read back.

An event is sealed once, when it is recorded, into a :class:`StoredEvent`: its fields as
JSON values, its type and the version of that type, the number of the canonical encoding
its bytes were hashed in, the key that sealed it, the previous event's hash, and its own.
The hash covers those bytes as stored, not whatever the live classes would write today: a
later crisiskit that adds a field to an event, renames one or retires an event type still
verifies the stored bytes first, then upcasts the data to its own classes.

Personal data (a customer's name, case notes, callback comments, and the fields a host
marks) is kept out of the hashed bytes: they hold a salted commitment to each value, and the
value travels beside, in :attr:`StoredEvent.personal`. Erasing a customer's data replaces
their values with tombstones; the chain still verifies.

See the Audit log page of the docs for encoding 1, byte by byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs
from attrs import field, frozen

from crisiskit._internal import registry as _registry
from crisiskit._internal.personal import ERASED, marking, subjects, whom
from crisiskit.errors import CrisisKitError, SealError, SerializationError
from crisiskit.events.base import Event, id_for_hash
from crisiskit.events.keys import KeyRing, SealingKey, as_ring
from crisiskit.messages import Message, _
from crisiskit.serialization import _fields_of, _loads, _structure

__all__ = [
    "ENCODING",
    "ERASED",
    "StoredEvent",
    "Upcaster",
    "erase",
    "read",
    "stored",
    "upcaster",
]

E = TypeVar("E", bound=Event)

ENCODING = 1
"""The canonical encoding new events are sealed in. A released encoding is never changed."""


_PERSONAL = "$personal"  # the key of a commitment in place of a personal value
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_HEX8 = re.compile(r"^[0-9a-f]{8}$")
_MAX_SEQUENCE = 10**12
_MAX_LINE = 1_000_000  # characters in one stored event


# --- encoding 1 -----------------------------------------------------------------------
# JSON with object keys sorted by code point, no whitespace, text as UTF-8 (not \u-escaped),
# integers in decimal, floats in their shortest round-trip form, no NaN or infinity.
_V1 = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _encode_v1(value: object) -> bytes:
    return _V1.encode(value).encode("utf-8")


_ENCODINGS: dict[int, Callable[[object], bytes]] = {1: _encode_v1}


def _encoder(number: int) -> Callable[[object], bytes]:
    found = _ENCODINGS.get(number)
    if found is None:
        raise SerializationError(
            _(
                "the event is sealed in encoding {number}, which this crisiskit does not know "
                "(it knows {known}); it was written by a newer release",
                number=number,
                known=tuple(map(str, _ENCODINGS)),
            )
        )
    return found


# --- the stored form -------------------------------------------------------------------


def _is_personal_map(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise SerializationError(
            _("$.personal must be an object; got {type}", type=type(value).__name__)
        )
    for commitment, entry in value.items():
        where = f"$.personal[{commitment!r}]"
        if not isinstance(commitment, str) or not _HEX64.match(commitment):
            raise SerializationError(
                _("{where}: a commitment is 64 lower-case hex digits", where=where)
            )
        if not isinstance(entry, Mapping):
            raise SerializationError(_("{where} must be an object", where=where))
        if set(entry) == {"salt", "value"}:
            if not isinstance(entry["salt"], str) or not _HEX32.match(entry["salt"]):
                raise SerializationError(
                    _("{where}.salt must be 32 lower-case hex digits", where=where)
                )
            if not isinstance(entry["value"], str):
                raise SerializationError(_("{where}.value must be text", where=where))
            if not _encodable(entry["value"]):
                raise SerializationError(
                    _(
                        "{where}.value holds text that cannot be encoded (a lone surrogate)",
                        where=where,
                    )
                )
        elif set(entry) == {"erased"}:
            erased = entry["erased"]
            if isinstance(erased, bool) or not isinstance(erased, int) or erased < 1:
                raise SerializationError(
                    _(
                        "{where}.erased must be the sequence of the erasure event (>= 1)",
                        where=where,
                    )
                )
        else:
            raise SerializationError(
                _(
                    "{where} holds either 'salt' and 'value', or 'erased'; got {keys}",
                    where=where,
                    keys=tuple(sorted(map(repr, entry))),
                )
            )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_key_stamp(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if (
        not isinstance(value, Mapping)
        or set(value) != {"id", "check"}
        or not isinstance(value["id"], str)
        or not isinstance(value["check"], str)
        or not _HEX8.match(value["check"])
    ):
        raise SerializationError(
            _(
                '$.key must be null or {{"id": "<key id>", "check": "<8 hex digits>"}}; '
                "got {value}",
                value=_short(value),
            )
        )


def _is_int(low: int, high: int) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SerializationError(
                _(
                    "$.{field} must be a whole number from {low} to {high}; got {value}",
                    field=attribute.name,
                    low=low,
                    high=high,
                    value=_short(value),
                )
            )

    return check


def _is_text(limit: int) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or not 0 < len(value) <= limit:
            raise SerializationError(
                _(
                    "$.{field} must be text of 1 to {limit} characters; got {value}",
                    field=attribute.name,
                    limit=limit,
                    value=_short(value),
                )
            )

    return check


def _is_hash(*, empty: bool) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, str) and (_HEX64.match(value) or (empty and value == "")):
            return
        raise SerializationError(
            _(
                "$.{field} must be 64 lower-case hex digits (or empty for the first event); "
                "got {value}",
                field=attribute.name,
                value=_short(value),
            )
            if empty
            else _(
                "$.{field} must be 64 lower-case hex digits; got {value}",
                field=attribute.name,
                value=_short(value),
            )
        )

    return check


def _is_data(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise SerializationError(
            _("$.data must be an object; got {type}", type=type(value).__name__)
        )


@frozen(kw_only=True)
class StoredEvent:
    """One event as stored: the exact data its hash covers, and personal data beside it.

    A host persists these (``to_json()`` is one line of canonical JSON) and reads them back
    with :meth:`from_json`; :func:`~crisiskit.events.verify` checks a log of them and
    :func:`read` turns one into the live event.
    """

    crisis_id: str = field(validator=_is_text(200))
    """The crisis the event belongs to."""
    sequence: int = field(validator=_is_int(1, _MAX_SEQUENCE))
    """Its position in the crisis's history, from 1."""
    type: str = field(validator=_is_text(100))
    """The event type's stable name, e.g. ``"LevelChanged"``."""
    version: int = field(validator=_is_int(1, 1000))
    """The version of that event type the data was written in."""
    encoding: int = field(validator=_is_int(1, 1000))
    """The canonical encoding the hashed bytes were written in."""
    key: Mapping[str, str] | None = field(validator=_is_key_stamp)
    """``{"id": ..., "check": ...}`` of the key that sealed it, or None (plain SHA-256)."""
    prev_hash: str = field(validator=_is_hash(empty=True))
    """The previous event's hash (empty for the first)."""
    data: Mapping[str, Any] = field(validator=_is_data)
    """The event's own fields as JSON values; personal values are commitments."""
    hash: str = field(validator=_is_hash(empty=False))
    """SHA-256, or HMAC-SHA-256 under the key, of :meth:`sealed_bytes`."""
    personal: Mapping[str, Mapping[str, Any]] = field(factory=dict, validator=_is_personal_map)
    """Personal values by commitment, beside the hashed data; erased ones are tombstones."""
    _checked_with: object = field(default=None, init=False, eq=False, repr=False)
    # The key ring (or _NO_KEYS) its seal last checked out under: a stored event cannot
    # change, so verify-then-replay checks each seal once.

    @property
    def event_id(self) -> str:
        """The event's id, derived from its hash."""
        return id_for_hash(self.hash)

    @property
    def key_id(self) -> str | None:
        """The id of the key that sealed the event (None for plain SHA-256)."""
        return None if self.key is None else self.key["id"]

    @property
    def occurred_at(self) -> str:
        """When the event occurred, as stored (RFC 9557, UTC), e.g. for an indexed column."""
        value = self.data.get("occurred_at")
        return value if isinstance(value, str) else ""

    @property
    def erased(self) -> int:
        """How many of its personal values were erased."""
        return sum(1 for entry in self.personal.values() if "erased" in entry)

    def sealed_bytes(self) -> bytes:
        """The bytes the hash covers, in the encoding the event was sealed in.

        Raises :class:`~crisiskit.errors.SerializationError` for an unknown encoding or text
        that cannot be encoded (a lone surrogate).
        """
        try:
            return _encoder(self.encoding)(self._hashed())
        except (UnicodeEncodeError, ValueError) as exc:
            if isinstance(exc, CrisisKitError):
                raise
            raise SerializationError(
                _(
                    "event {sequence} holds text or a number that cannot be encoded: {detail}",
                    sequence=self.sequence,
                    detail=exc,
                )
            ) from None

    def _hashed(self) -> dict[str, Any]:
        return {
            "crisis_id": self.crisis_id,
            "data": self.data,
            "encoding": self.encoding,
            "key": self.key,
            "prev_hash": self.prev_hash,
            "sequence": self.sequence,
            "type": self.type,
            "version": self.version,
        }

    def to_dict(self) -> dict[str, Any]:
        """The stored event as JSON-ready data (personal data included, if not erased)."""
        result = self._hashed()
        result["hash"] = self.hash
        if self.personal:
            result["personal"] = self.personal
        return result

    def to_json(self) -> str:
        """One line of canonical JSON: what a host writes to its event table or file."""
        try:
            return _encoder(ENCODING)(self.to_dict()).decode("utf-8")
        except UnicodeEncodeError as exc:
            raise SerializationError(
                _(
                    "event {sequence} holds text that cannot be encoded: {detail}",
                    sequence=self.sequence,
                    detail=exc,
                )
            ) from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredEvent:
        """Read a stored event from what :meth:`to_dict` wrote, checking its shape only.

        Its hash is checked by :func:`~crisiskit.events.verify` and :func:`read`.
        """
        if not isinstance(data, Mapping):
            raise SerializationError(
                _("a stored event is a JSON object; got {value}", value=_short(data))
            )
        missing = _FIELDS - {"personal"} - set(data)
        extra = set(data) - _FIELDS
        if missing or extra:
            fields = tuple(sorted(_FIELDS))
            missed, unknown = tuple(sorted(map(repr, missing))), tuple(sorted(map(repr, extra)))
            raise SerializationError(
                _(
                    "a stored event has the keys {fields}; missing {missing}; unknown {unknown}",
                    fields=fields,
                    missing=missed,
                    unknown=unknown,
                )
                if missing and extra
                else _(
                    "a stored event has the keys {fields}; missing {missing}",
                    fields=fields,
                    missing=missed,
                )
                if missing
                else _(
                    "a stored event has the keys {fields}; unknown {unknown}",
                    fields=fields,
                    unknown=unknown,
                )
            )
        return cls(**data)

    @classmethod
    def from_json(cls, text: str | bytes) -> StoredEvent:
        """Read one stored event from a line :meth:`to_json` wrote (untrusted input is safe)."""
        if isinstance(text, str | bytes | bytearray) and len(text) > _MAX_LINE:
            raise SerializationError(
                _(
                    "a stored event is at most {limit} characters; got {length}",
                    limit=_MAX_LINE,
                    length=len(text),
                )
            )
        return cls.from_dict(_loads(text, floats="float"))


_FIELDS = frozenset(a.name for a in attrs.fields(StoredEvent) if a.init)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- sealing ---------------------------------------------------------------------------

_CHAIN = frozenset({"crisis_id", "sequence", "prev_hash", "hash", "event_id", "key_id"})


Entropy = Callable[[int], bytes]
"""Where salts come from: ``n`` → ``n`` unpredictable bytes (``os.urandom`` in production)."""


Subjects = Callable[[], tuple[str, ...]]
"""Whom a value is about, worked out only when a personal value needs it."""


def seal(
    event: E,
    key: SealingKey | None = None,
    *,
    entropy: Entropy | None = None,
    personal: frozenset[str] = frozenset(),
    about: Subjects = tuple,
) -> E:
    """Seal a freshly built event: fill in ``hash``, ``event_id`` and ``key_id`` (crisiskit-internal).

    Args:
        event: the event, just built, with its ``prev_hash``.
        key: the key to seal with (HMAC-SHA-256), or None for plain SHA-256.
        entropy: the source of salts for personal values; without one, an event holding
            personal data is refused.
        personal: fields the host marks personal, as ``"Class.field"``, besides crisiskit's own.
        about: the customers a personal value is about when the object holding it names
            none (a host-marked note): the crisis's affected customers when it is recorded,
            so that any one of them asking for erasure erases it.
    """
    data = _fields_of(event)
    for name in _CHAIN:
        data.pop(name, None)
    people: dict[str, dict[str, Any]] = {}
    _extract(
        event, data, owners=(), everyone=about, people=people, entropy=entropy, marked=personal
    )
    stamp = None if key is None else {"id": key.key_id, "check": key.check}
    hashed = {
        "crisis_id": event.crisis_id,
        "data": data,
        "encoding": ENCODING,
        "key": stamp,
        "prev_hash": event.prev_hash,
        "sequence": event.sequence,
        "type": _registry.NAMES[type(event)],
        "version": type(event).event_version,
    }
    try:
        payload = _encoder(ENCODING)(hashed)
    except (UnicodeEncodeError, ValueError) as exc:
        raise SerializationError(
            _("{event} cannot be sealed: {detail}", event=event.name, detail=exc)
        ) from None
    digest = hashlib.sha256(payload).hexdigest() if key is None else key.digest(payload)
    # The event has not left the factory yet: set the derived fields in place rather than
    # building it a second time.
    object.__setattr__(event, "hash", digest)
    object.__setattr__(event, "event_id", id_for_hash(digest))
    object.__setattr__(event, "key_id", None if key is None else key.key_id)
    # The stored form is built when first asked for (most events of a command are stored
    # once, by the host, and some never: a simulation's).
    object.__setattr__(event, "_stored", (hashed, digest, people))
    return event


def _record_of(event: Event) -> StoredEvent | None:
    found = event._stored
    if isinstance(found, tuple):
        found = _built(*found)
        object.__setattr__(event, "_stored", found)
    return found if isinstance(found, StoredEvent) else None


def _built(hashed: dict[str, Any], digest: str, people: dict[str, Any]) -> StoredEvent:
    # Built from a live event just checked by its own class: the field checks StoredEvent
    # makes on what a host hands it would only repeat them (a third of a command's cost).
    record: StoredEvent = object.__new__(StoredEvent)
    for name, value in hashed.items():
        object.__setattr__(record, name, value)
    object.__setattr__(record, "hash", digest)
    object.__setattr__(record, "personal", people)
    object.__setattr__(record, "_checked_with", None)
    return record


_LEAVES = (int, float, bool, Decimal, dt.datetime, dt.date, dt.timedelta, Enum)


_FIELD_PLANS: dict[tuple[type[Any], frozenset[str]], tuple[tuple[str, int, bool], ...]] = {}


def _fields(cls: type[Any], marked: frozenset[str]) -> tuple[tuple[str, int, bool], ...]:
    """Per field of ``cls``: its name, how it is marked personal, whether its default is None."""
    plan = _FIELD_PLANS.get((cls, marked))
    if plan is None:
        plan = _FIELD_PLANS[cls, marked] = tuple(
            (a.name, marking(cls, a.name, marked), a.default is None) for a in attrs.fields(cls)
        )
    return plan


def _extract(
    obj: object,
    data: dict[str, Any],
    *,
    owners: tuple[str, ...],
    everyone: Subjects,
    people: dict[str, dict[str, Any]],
    entropy: Entropy | None,
    marked: frozenset[str],
) -> None:
    """Replace personal values in ``data`` (the unstructured ``obj``) with commitments.

    ``owners`` are the customers the values around ``obj`` name; ``everyone``, worked out
    only if needed, the customers a host-marked text naming none is about. Fields whose
    value is None and whose default is None are left out on the way: they read back the
    same, and an optional field added later needs no upcaster.
    """
    about = subjects(obj, owners)
    cls: type[Any] = type(obj)
    children: list[tuple[object, dict[str, Any]]] = []
    for name, mark, none_default in _fields(cls, marked):
        if name not in data:
            continue
        value = getattr(obj, name)
        if value is None:
            if none_default:
                del data[name]
        elif isinstance(value, str):
            if mark and value and value != ERASED:  # an erased value protects no one
                ids = whom(mark, about, everyone() if not about else ())
                if ids:
                    data[name] = {
                        _PERSONAL: _commitment(value, people, entropy),
                        "about": list(ids),
                    }
        elif isinstance(value, _LEAVES):
            continue
        elif isinstance(value, tuple):
            items = data[name]
            if not value or not isinstance(items, list | tuple):
                continue
            items = data[name] = list(items)
            children += [
                (item, items[index])
                for index, item in enumerate(value)
                if attrs.has(type(item)) and isinstance(items[index], dict)
            ]
        elif attrs.has(type(value)) and isinstance(data[name], dict):
            children.append((value, data[name]))
    for child, part in children:
        _extract(
            child,
            part,
            owners=about,
            everyone=everyone,
            people=people,
            entropy=entropy,
            marked=marked,
        )


def _commitment(value: str, people: dict[str, dict[str, Any]], entropy: Entropy | None) -> str:
    if entropy is None:
        raise CrisisKitError(
            _("an event holding personal data needs a source of salts to be sealed")
        )
    salt = entropy(16)
    if not isinstance(salt, bytes) or len(salt) != 16:
        raise CrisisKitError(_("the entropy source must return the number of bytes asked for"))
    commitment = _commit(salt, value)
    people[commitment] = {"salt": salt.hex(), "value": value}
    return commitment


def _commit(salt: bytes, value: str) -> str:
    try:
        encoded = value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SerializationError(
            _("a personal value holds text that cannot be encoded: {detail}", detail=exc)
        ) from None
    return hashlib.sha256(salt + encoded).hexdigest()


def stored(event: Event) -> StoredEvent:
    """The stored form of an event: the one it was sealed into, or was read from.

    Raises :class:`~crisiskit.errors.SerializationError` for an event built some other way
    (e.g. with ``attrs.evolve``): only a sealed or read event has a stored form.
    """
    record = _record_of(event)
    if record is None:
        raise SerializationError(
            _(
                "event {sequence} ({event}) was neither sealed by crisiskit nor read from its "
                "stored form, so it has none; store the events a crisis records",
                sequence=event.sequence,
                event=event.name,
            )
        )
    return record


# --- checking and reading --------------------------------------------------------------


_NO_KEYS = object()
_MARKER = re.compile(rb'\{"\$personal":"([0-9a-f]{64})","about":\[')


def seal_problem(record: StoredEvent, keys: KeyRing | None) -> tuple[str, Message] | None:
    """What is wrong with one record's seal, as ``(kind, message)``, or None (crisiskit-internal)."""
    token = _NO_KEYS if keys is None else keys
    if record._checked_with is token:
        return None
    problem = _seal_problem(record, keys)
    if problem is None:
        object.__setattr__(record, "_checked_with", token)
    return problem


def _seal_problem(record: StoredEvent, keys: KeyRing | None) -> tuple[str, Message] | None:
    stamp = record.key
    key: SealingKey | None = None
    if stamp is not None:
        if keys is None:
            return "missing_key", _(
                "cannot check it: key {key_id!r} not supplied", key_id=stamp["id"]
            )
        key = keys.get(stamp["id"])
        if key is None:
            return (
                "missing_key",
                _(
                    "cannot check it: key {key_id!r} not supplied (the ring holds {ring})",
                    key_id=stamp["id"],
                    ring=tuple(map(repr, keys)),
                ),
            )
        if not hmac.compare_digest(key.check, stamp["check"]):
            return (
                "wrong_key",
                _(
                    "the key supplied as {key_id!r} is not the key that sealed it (wrong key)",
                    key_id=stamp["id"],
                ),
            )
    elif keys is not None:
        return (
            "unkeyed",
            _(
                "it is sealed without a key in a keyed log: anyone could have written it "
                "(a re-hashed or forged event)"
            ),
        )
    try:
        payload = record.sealed_bytes()
    except SerializationError as exc:
        problem = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else None
        return "malformed", problem or _(
            "the stored event cannot be encoded: {detail}", detail=str(exc)
        )
    digest = hashlib.sha256(payload).hexdigest() if key is None else key.digest(payload)
    if not hmac.compare_digest(digest, record.hash):
        return "altered", _("its content does not match its hash (the event was altered)")
    return _personal_problem(record, payload)


def _personal_problem(record: StoredEvent, payload: bytes) -> tuple[str, Message] | None:
    # In canonical JSON a commitment is written exactly so; a string holding these
    # characters would have its quotes escaped, so the search finds commitments only.
    referenced = (
        {m.decode() for m in _MARKER.findall(payload)} if b"$personal" in payload else set()
    )
    if referenced != set(record.personal):
        return (
            "personal",
            _(
                "its personal data does not match the commitments in its hashed data "
                "(values missing or added)"
            ),
        )
    for commitment, entry in record.personal.items():
        if "erased" in entry:
            continue
        if not hmac.compare_digest(
            _commit(bytes.fromhex(entry["salt"]), entry["value"]), commitment
        ):
            return (
                "personal",
                _("its personal data was altered (a value no longer matches its commitment)"),
            )
    return None


Upcaster = Callable[[dict[str, Any]], tuple[str, int, dict[str, Any]]]
"""Old data → ``(type, version, data)``: the same type one version up, or another type."""

_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(type_name: str, version: int) -> Callable[[Upcaster], Upcaster]:
    """Register how data of ``type_name`` at ``version`` becomes newer data.

    Write one beside an event class whenever its stored form changes, and never edit or
    remove it afterwards: logs written before the change are read through it, after their
    hashes are checked against the bytes as stored. An upcaster may also turn a retired
    type into another (splitting one event into two kinds).
    """

    def register(function: Upcaster) -> Upcaster:
        if (type_name, version) in _UPCASTERS:
            raise CrisisKitError(
                _(
                    "an upcaster for {type_name} version {version} exists already",
                    type_name=type_name,
                    version=version,
                )
            )
        _UPCASTERS[(type_name, version)] = function
        return function

    return register


def _upcast(
    type_name: str, version: int, data: dict[str, Any]
) -> tuple[type[Event], dict[str, Any]]:
    for _attempt in range(1000):
        cls = _registry.lookup(type_name)
        current = getattr(cls, "event_version", None) if cls is not None else None
        if current == version and cls is not None and issubclass(cls, Event):
            return cls, data
        if current is not None and version > current:
            raise SerializationError(
                _(
                    "{type_name} version {version} was written by a newer crisiskit; this one "
                    "reads versions up to {current}",
                    type_name=type_name,
                    version=version,
                    current=current,
                )
            )
        step = _UPCASTERS.get((type_name, version))
        if step is None:
            if cls is None:
                raise SerializationError(
                    _("unknown event type {type_name}", type_name=_short(type_name))
                )
            raise SerializationError(
                _(
                    "no upcaster reads {type_name} version {version} (current: {current})",
                    type_name=type_name,
                    version=version,
                    current=current,
                )
            )
        type_name, version, data = step(dict(data))
    raise SerializationError(  # pragma: no cover
        _("the upcasters of {type_name} do not end", type_name=type_name)
    )


def read(record: StoredEvent, keys: KeyRing | SealingKey | None = None) -> Event:
    """The live event of a stored one, after checking its seal.

    The hash is checked against the bytes as stored (with ``keys`` when it was sealed under
    a key), then the data is upcast to the current version of its type and the event built.
    Personal values are put back in place; erased ones read as :data:`ERASED`.

    Raises:
        SealError: the seal does not check out (altered, wrong or missing key).
        SerializationError: the data is not a valid event.
    """
    if not isinstance(record, StoredEvent):
        raise SerializationError(
            _("read() takes a StoredEvent; got {type}", type=type(record).__name__)
        )
    problem = seal_problem(record, as_ring(keys))
    if problem is not None:
        raise SealError(
            _(
                "event {sequence} ({event}): {problem}",
                sequence=record.sequence,
                event=record.type,
                problem=problem[1],
            ),
            kind=problem[0],
        )
    cls, data = _upcast(record.type, record.version, dict(record.data))
    if record.personal:
        data = _restore(data, record.personal)
    data["crisis_id"] = record.crisis_id
    data["sequence"] = record.sequence
    data["prev_hash"] = record.prev_hash
    data["hash"] = record.hash
    data["event_id"] = id_for_hash(record.hash)
    data["key_id"] = record.key_id
    event = _structure(cls, data)
    object.__setattr__(event, "_stored", record)
    return event


def as_stored(event: Event, keys: KeyRing | None) -> StoredEvent:
    """The stored form to check a live event by (crisiskit-internal).

    An event sealed by this process, or read from its stored form, carries that form. Any
    other (built with ``attrs.evolve``, or read back with ``from_json``) is sealed again as
    a copy under the key it names, keeping the hash it claims, so that checking that form
    checks the event. That is possible only for an event without personal data: the salts
    of its commitments are not in it.
    """
    record = _record_of(event)
    if record is not None:
        return record
    key = None if event.key_id is None or keys is None else keys.get(event.key_id)
    copy = attrs.evolve(event)
    try:
        seal(copy, key)
    except CrisisKitError:
        raise SealError(
            _(
                "event {sequence} ({event}) holds personal data and was not read from its "
                "stored form, so its seal cannot be checked; check the StoredEvents the "
                "crisis recorded",
                sequence=event.sequence,
                event=event.name,
            ),
            kind="malformed",
        ) from None
    found = stored(copy)
    if event.key_id is not None and key is None:
        # The key is not in the ring: stamp the id the event names, for the message.
        found = attrs.evolve(found, key={"id": event.key_id, "check": "0" * 8})
    return attrs.evolve(found, hash=event.hash)


def check_event(event: Event, keys: KeyRing | None) -> None:
    """Check the seal of a live event (crisiskit-internal); raise SealError if it fails."""
    if event._stored is not None:
        return  # sealed here, or checked when it was read
    problem = seal_problem(as_stored(event, keys), keys)
    if problem is not None:
        raise SealError(
            _(
                "event {sequence} ({event}): {problem}",
                sequence=event.sequence,
                event=event.name,
                problem=problem[1],
            ),
            kind=problem[0],
        )


def _is_marker(value: Mapping[str, Any]) -> bool:
    return len(value) == 2 and _PERSONAL in value and "about" in value


def subjects_of(record: StoredEvent) -> dict[str, tuple[str, ...]]:
    """Whom each personal value of a stored event is about, by commitment (crisiskit-internal).

    Read from the hashed data: a tombstone cannot be moved onto another customer's value.
    """
    found: dict[str, tuple[str, ...]] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            if _is_marker(value):
                about = value["about"]
                found[str(value[_PERSONAL])] = (
                    tuple(str(i) for i in about) if isinstance(about, list) else ()
                )
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    if record.personal:
        walk(record.data)
    return found


def _restore(value: Any, personal: Mapping[str, Mapping[str, Any]]) -> Any:
    """``value`` with each commitment replaced by its value, or by :data:`ERASED`.

    Only the containers on the way to a commitment are copied: ``value`` itself comes back
    where it holds none.
    """
    if isinstance(value, dict):
        if _is_marker(value):
            entry = personal.get(value[_PERSONAL])
            return ERASED if entry is None or "erased" in entry else entry["value"]
        changed = None
        for key, item in value.items():
            if isinstance(item, dict | list):
                new = _restore(item, personal)
                if new is not item:
                    if changed is None:
                        changed = dict(value)
                    changed[key] = new
        return value if changed is None else changed
    if isinstance(value, list):
        items = None
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                new = _restore(item, personal)
                if new is not item:
                    if items is None:
                        items = list(value)
                    items[index] = new
        return value if items is None else items
    return value


def erase(records: Iterable[StoredEvent], customer_id: str, *, erasure: int) -> list[StoredEvent]:
    """The records with every personal value about ``customer_id`` replaced by a tombstone.

    ``erasure`` is the sequence of the crisis's ``PersonalDataErased`` event that records
    who erased what, when and why; the tombstones point to it. Hashes are untouched: the
    log still verifies, and says how many events carry erased data.
    """
    result = []
    for record in records:
        about = subjects_of(record)
        touched = {
            commitment: {"erased": erasure}
            for commitment, entry in record.personal.items()
            if customer_id in about.get(commitment, ()) and "erased" not in entry
        }
        result.append(
            attrs.evolve(record, personal={**record.personal, **touched}) if touched else record
        )
    return result
