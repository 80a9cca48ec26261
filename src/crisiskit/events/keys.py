"""The keys that seal an event log: a named secret, and a ring of them for rotation.

A keyed log is sealed with HMAC-SHA-256, so nobody without the key can rewrite it and
recompute the chain. Each event names the key that sealed it (its id) and carries a short
check value of it, so that :func:`~crisiskit.events.verify` can tell "this key was not
supplied" and "this is not the key that sealed it" apart from "the event was altered".

Secrets never appear in a repr, an error, ``attrs.asdict`` of a context, or any serialised
output, and are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping

from crisiskit.errors import ValidationError
from crisiskit.messages import _

__all__ = ["KeyRing", "SealingKey"]

_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CHECK_INPUT = b"crisiskit key check"


class SealingKey:
    """A secret that seals events, and the id events name it by (e.g. ``"k2026"``).

    >>> key = SealingKey("k2026", bytes(range(1, 33)))
    >>> key
    SealingKey('k2026', <secret>)
    >>> key.check
    '54290636'

    Args:
        key_id: how events name the key: 1 to 64 letters, digits, ``.``, ``_`` or ``-``.
            Choose a new id for every new secret (rotation), and never reuse one.
        secret: at least 16 random bytes (32 recommended), from the host's secret store.
    """

    # Not an attrs class on purpose: attrs.asdict() and cattrs would recurse into it and
    # copy the secret out; as an opaque value it shows only its repr.
    __slots__ = ("_check", "_id", "_ring", "_secret")

    def __init__(self, key_id: str, secret: bytes) -> None:
        if not isinstance(key_id, str) or not _KEY_ID.match(key_id):
            raise ValidationError(
                _(
                    "SealingKey.key_id must be 1 to 64 letters, digits, '.', '_' or '-', "
                    "starting with a letter or digit; got {key_id!r}",
                    key_id=key_id,
                )
            )
        if not isinstance(secret, bytes) or len(secret) < 16:
            raise ValidationError(
                _(
                    "SealingKey secret {key_id!r} must be at least 16 bytes (32 random bytes "
                    "recommended); got {size} bytes",
                    key_id=key_id,
                    size=len(secret),
                )
                if isinstance(secret, bytes)
                else _(
                    "SealingKey secret {key_id!r} must be at least 16 bytes (32 random bytes "
                    "recommended); got {type}",
                    key_id=key_id,
                    type=type(secret).__name__,
                )
            )
        if len(set(secret)) < 4:
            raise ValidationError(
                _(
                    "SealingKey secret {key_id!r} is not random (it repeats a few byte values, "
                    "like an all-zero key); use 32 bytes from a secure random source, e.g. "
                    "secrets.token_bytes(32)",
                    key_id=key_id,
                )
            )
        self._id = key_id
        self._secret = secret
        self._check = hmac.new(secret, _CHECK_INPUT, hashlib.sha256).hexdigest()[:8]
        self._ring: KeyRing | None = None  # the ring of this key alone, made once

    @property
    def key_id(self) -> str:
        """The id events name this key by."""
        return self._id

    @property
    def check(self) -> str:
        """A short check value of the secret (8 hex digits), stored with each event it seals.

        It tells a wrong key from an altered event; it does not reveal the secret.
        """
        return self._check

    def digest(self, payload: bytes) -> str:
        """HMAC-SHA-256 of ``payload`` under this key, in hex (crisiskit-internal)."""
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"SealingKey({self._id!r}, <secret>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SealingKey):
            return NotImplemented
        return self._id == other._id and hmac.compare_digest(self._secret, other._secret)

    def __hash__(self) -> int:
        return hash((SealingKey, self._id))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError(_("a SealingKey is not pickled: keep secrets in the host's secret store"))


class KeyRing(Mapping[str, SealingKey]):
    """The keys a log may be sealed with, by id; the first one seals new events.

    Rotate by putting the new key first and keeping the old ones for checking:

    >>> old = SealingKey("k2025", bytes(range(1, 33)))
    >>> new = SealingKey("k2026", bytes(range(2, 34)))
    >>> ring = KeyRing(new, old)
    >>> ring.current.key_id, sorted(ring)
    ('k2026', ['k2025', 'k2026'])
    """

    __slots__ = ("_keys",)

    def __init__(self, current: SealingKey, *older: SealingKey) -> None:
        keys: dict[str, SealingKey] = {}
        for key in (current, *older):
            if not isinstance(key, SealingKey):
                raise ValidationError(
                    _("a KeyRing holds SealingKeys; got {type}", type=type(key).__name__)
                )
            if key.key_id in keys:
                raise ValidationError(
                    _(
                        "the KeyRing holds two keys with the id {key_id!r}; every key needs "
                        "its own id",
                        key_id=key.key_id,
                    )
                )
            keys[key.key_id] = key
        self._keys = keys

    @property
    def current(self) -> SealingKey:
        """The key that seals new events."""
        return next(iter(self._keys.values()))

    def __getitem__(self, key_id: str) -> SealingKey:
        return self._keys[key_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"KeyRing({', '.join(map(repr, self._keys.values()))})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyRing):
            return NotImplemented
        return list(self._keys.items()) == list(other._keys.items())

    def __hash__(self) -> int:
        return hash(tuple(self._keys))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError(_("a KeyRing is not pickled: keep secrets in the host's secret store"))


def as_ring(keys: KeyRing | SealingKey | None) -> KeyRing | None:
    """``keys`` as a ring (crisiskit-internal): a single key is a ring of one."""
    if keys is None or isinstance(keys, KeyRing):
        return keys
    if isinstance(keys, SealingKey):
        # The same ring each time: a stored event remembers the ring its seal checked out
        # under, so verify() then replay() with one key checks each seal once.
        if keys._ring is None:
            keys._ring = KeyRing(keys)
        return keys._ring
    raise ValidationError(
        _("keys must be a KeyRing, a SealingKey or None; got {type}", type=type(keys).__name__)
    )
