"""Checking a stored event log: :func:`verify`, and the :class:`ChainCheck` it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from attrs import frozen

from crisiskit.errors import CrisisKitError
from crisiskit.events.base import GENESIS, Event
from crisiskit.events.keys import KeyRing, SealingKey, as_ring
from crisiskit.events.sealing import StoredEvent, as_stored, seal_problem, subjects_of
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum

__all__ = ["ChainCheck", "ChainProblem", "verify"]


class ChainProblem(LabelledEnum):
    """What :func:`verify` found wrong with the first bad event of a log."""

    ALTERED = "altered"
    WRONG_KEY = "wrong_key"
    MISSING_KEY = "missing_key"
    UNKEYED = "unkeyed"
    PERSONAL = "personal"
    NOT_DETECTION = "not_detection"
    SEQUENCE = "sequence"
    LINK = "link"
    OTHER_CRISIS = "other_crisis"
    TIME = "time"
    MALFORMED = "malformed"
    TRUNCATED = "truncated"


ChainProblem._register_labels(
    {
        ChainProblem.ALTERED: ("altered", "内容被改动"),
        ChainProblem.WRONG_KEY: ("wrong key", "密钥不符"),
        ChainProblem.MISSING_KEY: ("key not supplied", "缺少密钥"),
        ChainProblem.UNKEYED: ("sealed without a key", "未用密钥封存"),
        ChainProblem.PERSONAL: ("personal data altered", "个人信息被改动"),
        ChainProblem.NOT_DETECTION: ("does not start with the detection", "首个事件不是发现危机"),
        ChainProblem.SEQUENCE: ("out of sequence", "序号不连续"),
        ChainProblem.LINK: ("broken link", "哈希链断开"),
        ChainProblem.OTHER_CRISIS: ("belongs to another crisis", "属于其他危机"),
        ChainProblem.TIME: ("goes back in time", "时间倒退"),
        ChainProblem.MALFORMED: ("malformed", "格式错误"),
        ChainProblem.TRUNCATED: ("log cut short", "日志被截断"),
    }
)


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
    kind: ChainProblem | None = None
    """The kind of problem, for code to act on."""
    erased: int = 0
    """How many of the events checked carry personal data that was erased."""

    def __bool__(self) -> bool:
        return self.ok


def verify(
    events: Iterable[StoredEvent | Event],
    *,
    keys: KeyRing | SealingKey | None = None,
    head: tuple[int, str] | None = None,
    after: tuple[int, str] | None = None,
) -> ChainCheck:
    """Check an event log and name its first bad event.

    Each event's hash is recomputed over its bytes as stored, in the encoding it was sealed
    in, and compared in constant time; each must link to the one before, follow it in
    sequence and in time, and belong to the same crisis; the first must be the detection.

    What the chain proves without a head: nothing was altered, inserted or reordered *up to
    the last event given*. That events were dropped from the end shows only against the
    head — the last ``(version, hash)`` the host (or the store) keeps apart from the events.

    Args:
        events: the stored events, from the crisis's first — or, with ``after``, from the
            event after a point already trusted. Events recorded by a crisis (or read with
            :func:`~crisiskit.events.read`) are checked through the stored form they carry.
        keys: the key ring (or the one key) the log was sealed with. With keys, an event
            sealed without one is refused as forged.
        head: ``(version, last_hash)`` kept apart from the log: the log must end there.
        after: ``(version, last_hash)`` of a trusted point, e.g. a snapshot's.
    """
    ring = as_ring(keys)
    sequence, prev_hash = after if after is not None else (0, GENESIS)
    crisis_id: str | None = None
    last_time: dt.datetime | None = None
    count = erased = 0
    erasures: dict[int, object] = {}  # sequence of a PersonalDataErased -> its customer
    tombstones: list[tuple[int, StoredEvent, str, int]] = []  # position, record, value, erasure
    for item in events:
        count += 1
        try:
            record = item if isinstance(item, StoredEvent) else _stored(item, ring)
        except CrisisKitError as exc:
            return ChainCheck(
                False, count, getattr(item, "sequence", None), count, None, exc.args[0] if exc.args else str(exc),
                ChainProblem.MALFORMED, erased,
            )  # fmt: skip
        found = _problem(
            record,
            sequence=sequence + 1,
            prev_hash=prev_hash,
            crisis_id=crisis_id,
            keys=ring,
            last_time=last_time,
        )
        if isinstance(found, tuple):
            kind, message = found
            return ChainCheck(
                False, count, record.sequence, count, record.event_id, message,
                ChainProblem(kind), erased,
            )  # fmt: skip
        last_time = found
        if record.type == "PersonalDataErased":
            erasures[record.sequence] = record.data.get("customer_id")
        if record.erased:
            erased += 1
            tombstones += [
                (count, record, commitment, entry["erased"])
                for commitment, entry in record.personal.items()
                if "erased" in entry
            ]
        sequence, prev_hash, crisis_id = record.sequence, record.hash, record.crisis_id
    for position, record, commitment, erasure in tombstones:
        problem = _tombstone_problem(record, commitment, erasure, erasures, last=sequence)
        if problem is not None:
            return ChainCheck(
                False, count, record.sequence, position, record.event_id, problem,
                ChainProblem.PERSONAL, erased,
            )  # fmt: skip
    if head is not None:
        version, head_hash = head
        if (sequence, prev_hash) != (version, head_hash):
            if sequence < version:
                problem = _(
                    "the log ends at event {sequence} but the head says {version}: "
                    "{missing} event(s) at the end are missing",
                    sequence=sequence,
                    version=version,
                    missing=version - sequence,
                )
            else:
                problem = _(
                    "the log ends at event {sequence}, which does not match the head "
                    "(version {version})",
                    sequence=sequence,
                    version=version,
                )
            return ChainCheck(
                False, count, sequence + 1 if sequence < version else sequence, None, None,
                problem, ChainProblem.TRUNCATED, erased,
            )  # fmt: skip
    return ChainCheck(True, count, erased=erased)


def _tombstone_problem(
    record: StoredEvent, commitment: str, erasure: int, erasures: dict[int, object], *, last: int
) -> str | None:
    # Personal values are beside the hash, so a tombstone must answer for itself: it points
    # to the erasure event, which is hashed, and that event must be about a customer the
    # value is about (read from the hashed data too).
    if erasure <= record.sequence:
        return _(
            "a personal value was erased by event {erasure}, which is not after it",
            erasure=erasure,
        )
    if erasure not in erasures:
        if erasure > last:
            return _(
                "a personal value was erased by event {erasure}, which is not in the log given",
                erasure=erasure,
            )
        return _(
            "a personal value was erased by event {erasure}, which is not a PersonalDataErased "
            "event",
            erasure=erasure,
        )
    about = subjects_of(record).get(commitment, ())
    if erasures[erasure] not in about:
        return (
            _(
                "a personal value was erased by event {erasure}, which erased customer "
                "{customer!r}'s data; the value is about {about}",
                erasure=erasure,
                customer=erasures[erasure],
                about=tuple(map(repr, about)),
            )
            if about
            else _(
                "a personal value was erased by event {erasure}, which erased customer "
                "{customer!r}'s data; the value is about no one",
                erasure=erasure,
                customer=erasures[erasure],
            )
        )
    return None


def _stored(event: object, ring: KeyRing | None) -> StoredEvent:
    if not isinstance(event, Event):
        raise CrisisKitError(
            _("verify() takes stored events; got {type}", type=type(event).__name__)
        )
    return as_stored(event, ring)


def _problem(
    record: StoredEvent,
    *,
    sequence: int,
    prev_hash: str,
    crisis_id: str | None,
    keys: KeyRing | None,
    last_time: dt.datetime | None,
) -> tuple[str, str] | dt.datetime:
    if record.sequence != sequence:
        return "sequence", _(
            "sequence {found} where {sequence} was expected",
            found=record.sequence,
            sequence=sequence,
        )
    if sequence == 1 and record.type != "CrisisDetected":
        return (
            "not_detection",
            _(
                "a crisis's log starts with CrisisDetected; this one starts with {event}",
                event=record.type,
            ),
        )
    if crisis_id is not None and record.crisis_id != crisis_id:
        return "other_crisis", _(
            "belongs to crisis {other!r}, not {crisis_id!r}",
            other=record.crisis_id,
            crisis_id=crisis_id,
        )
    if record.prev_hash != prev_hash:
        return (
            "link",
            _(
                "prev_hash does not match the previous event's hash (an event before it was "
                "altered, removed or reordered)"
            ),
        )
    problem = seal_problem(record, keys)
    if problem is not None:
        return problem
    try:
        when = dt.datetime.fromisoformat(record.occurred_at)
    except ValueError:
        when = None
    if when is None or when.utcoffset() is None:
        return "malformed", _("occurred_at {value!r} is not an instant", value=record.occurred_at)
    if last_time is not None and when < last_time:
        return (
            "time",
            _(
                "it occurred at {occurred_at}, before the event preceding it ({last_time}): "
                "a log never goes back in time",
                occurred_at=record.occurred_at,
                last_time=last_time.isoformat(),
            ),
        )
    return when
