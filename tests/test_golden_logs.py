"""The golden logs: what crisiskit 0.1 stored, every later release reads, verifies and replays.

The logs under ``tests/golden/0.1`` were written once by ``tests/golden/make_golden_logs.py``
and are never regenerated: if a change makes these tests fail, the change breaks the audit
log. The tests here also show how the stored form survives change — an event class that
gains a field, renames one, or is split in two; a new canonical encoding; a new
serialisation schema version — each time by reading these very logs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from attrs import field, frozen

from crisiskit import (
    Context,
    Crisis,
    KeyRing,
    SealingKey,
    StoredEvent,
    from_json,
    serialization,
    verify,
)
from crisiskit._internal import checks as _checks
from crisiskit._internal import registry
from crisiskit.crisis import aggregate
from crisiskit.crisis._base import recorded_only
from crisiskit.events import (
    ChainProblem,
    CompensationGranted,
    Event,
    ProgressReported,
    read,
    stored,
)
from crisiskit.events import sealing as stored_module
from crisiskit.testing import ManualClock

GOLDEN = Path(__file__).parent / "golden" / "0.1"
SECRETS = json.loads((GOLDEN / "keys.json").read_text(encoding="utf-8"))
K2025 = SealingKey("k2025", bytes.fromhex(SECRETS["k2025"]))
K2026 = SealingKey("k2026", bytes.fromhex(SECRETS["k2026"]))
RING = KeyRing(K2026, K2025)
FLAVOURS = {"sha256": None, "hmac": RING}
CRISES = ("CR-A", "CR-B", "CR-C")
CASES = [(flavour, crisis_id) for flavour in FLAVOURS for crisis_id in CRISES]

# The event types of 0.1, every one of which the golden logs hold.
TYPES_0_1 = {
    "AssessmentRecorded", "AttributesSet", "BudgetExceeded", "CallbackRecorded",
    "CompensationGranted", "CrisisAcknowledged", "CrisisClosed", "CrisisDetected",
    "CrisisDismissed", "CrisisMerged", "CrisisRelapsed", "CrisisReopened", "CrisisUnmerged",
    "CustomerCaseUpdated", "CustomersAdded", "ExpenseRecorded", "FactsUpdated",
    "ImpactAssessed", "LevelChanged", "MarkedDuplicate", "MeetingHeld", "MergeUndone",
    "MergedInto", "MilestoneReached", "PersonalDataErased", "ProgressReported",
    "QualityRemedyRecorded", "RecoveryPlanSet", "RecoveryStarted", "ResponseStarted",
    "ReviewRecorded", "SignalAttached", "SlaAlertsRaised", "SlaTimersChanged",
    "StatementReleased", "TeamMemberAssigned", "TeamMemberReleased", "WarningIssued",
}  # fmt: skip


# The bytes of every golden file as committed: regenerating one (to make a test pass) fails here.
GOLDEN_SHA256 = {
    "hmac/CR-A.jsonl": "81ac7cf38d8523ca81913a7ed059c0e2ebd68b149e00c024adac30d40462a6dc",
    "hmac/CR-A.snapshot.json": "61006606cb31439e808c4e2d3cff32b55a8de60cfb5bbf3d7fcc505898f1b7a0",
    "hmac/CR-B.jsonl": "1919d2c9897f5c427b21a19f0cd10839650ce4b85e561cc58edafb95cff7be70",
    "hmac/CR-B.snapshot.json": "ac83a40ed6fa70eba7a8a7470a59ac83776e556e5c75f080fd07c414538cd460",
    "hmac/CR-C.jsonl": "2a16eed14ad4ed6098001daa5744b1fbb8d7a9ed2e707eb4ed783e1c4c1fe3d3",
    "hmac/CR-C.snapshot.json": "f3ce98ff5e2078e24b60a7fe0ac8f3bb0dec5a6b40a48c9f21d7bd9ea9e5d2dd",
    "keys.json": "5f5f7fc35dd3ec5b83c6a04e75645f795c902d1a6c1f5e03bfdace82ca15f321",
    "sha256/CR-A.jsonl": "ea0fb04203dc39ee3e1c24c9044d532d53a4ff2187c71eff6e0e8d9740e6f172",
    "sha256/CR-A.snapshot.json": "edf1024c2e628ce097e460a418d1eaeb085978720da8b04d78cdf06d59a01dda",
    "sha256/CR-B.jsonl": "563dfddf0e5443534c40ff7e3b78f043a0182269bb7c118bb84faa19208dd19f",
    "sha256/CR-B.snapshot.json": "ea4de3f56e7393dac15caedb8ca46d3d09f2d142478da861ea0701745ebd7d3e",
    "sha256/CR-C.jsonl": "ce6593752a4b9ee43b87bb99cb6c1dc97582097babc4f8b3b325df01c3aaa923",
    "sha256/CR-C.snapshot.json": "71fa76767554edf29546e6ae30f4cb2babfcd03f59dd722f52e6eca8428d1d74",
}


def test_the_golden_files_are_the_bytes_committed_with_0_1():
    found = {
        str(path.relative_to(GOLDEN)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in GOLDEN.rglob("*")
        if path.is_file()
    }
    assert found == GOLDEN_SHA256


def lines(flavour: str, crisis_id: str) -> list[str]:
    return (GOLDEN / flavour / f"{crisis_id}.jsonl").read_text(encoding="utf-8").splitlines()


def records(flavour: str, crisis_id: str) -> list[StoredEvent]:
    return [StoredEvent.from_json(line) for line in lines(flavour, crisis_id)]


def snapshot(flavour: str, crisis_id: str) -> Crisis:
    text = (GOLDEN / flavour / f"{crisis_id}.snapshot.json").read_text(encoding="utf-8")
    return from_json(text, Crisis)


@pytest.mark.parametrize(("flavour", "crisis_id"), CASES)
def test_a_golden_log_verifies_and_replays_to_the_state_it_was_written_with(flavour, crisis_id):
    log = records(flavour, crisis_id)
    keys = FLAVOURS[flavour]
    last = log[-1]
    check = verify(log, keys=keys, head=(last.sequence, last.hash))
    assert check.ok, check
    assert check.checked == len(log)
    assert (check.erased > 0) == (crisis_id == "CR-A")  # C-2's data was erased there
    crisis = Crisis.replay(log, keys=keys)
    assert crisis == snapshot(flavour, crisis_id)
    assert [read(r, keys).event_id for r in log] == [r.event_id for r in log]


def test_the_golden_logs_hold_every_event_type_of_their_release_in_both_flavours():
    for flavour in FLAVOURS:
        found = {r.type for crisis_id in CRISES for r in records(flavour, crisis_id)}
        assert found == TYPES_0_1


def test_the_hmac_logs_were_sealed_under_two_keys_and_need_both():
    log = records("hmac", "CR-A")
    assert {r.key_id for r in log} == {"k2025", "k2026"}
    first_new = next(r for r in log if r.key_id == "k2026")
    only_new = verify(log, keys=K2026)
    assert (only_new.kind, only_new.first_invalid) == (ChainProblem.MISSING_KEY, 1)
    assert "key 'k2025' not supplied" in only_new.problem
    only_old = verify(log, keys=K2025)
    assert (only_old.kind, only_old.first_invalid) == (ChainProblem.MISSING_KEY, first_new.sequence)
    forged = SealingKey("k2025", bytes(range(40, 72)))
    wrong = verify(log, keys=KeyRing(K2026, forged))
    assert (wrong.kind, wrong.first_invalid) == (ChainProblem.WRONG_KEY, 1)


def test_the_golden_logs_are_stored_in_canonical_form_and_keep_no_erased_value():
    for flavour in FLAVOURS:
        for crisis_id in CRISES:
            for line, record in zip(
                lines(flavour, crisis_id), records(flavour, crisis_id), strict=True
            ):
                assert record.to_json() == line
        text = (GOLDEN / flavour / "CR-A.jsonl").read_text(encoding="utf-8")
        for erased in ("李娜", "李娜要求全额退款并书面道歉", "满意退款速度"):
            assert erased not in text
        assert "张伟" in text  # C-1 did not ask


# --- change, shown on the golden logs -----------------------------------------------


@pytest.fixture
def swap(monkeypatch):
    """Put a new class in place of (or beside) a registered event type, for one test."""

    def put(name: str, cls: type[Event] | None, evolver: Any = None) -> None:
        if cls is None:
            monkeypatch.delitem(registry.TYPES, name)
            return
        monkeypatch.setitem(registry.TYPES, name, cls)
        monkeypatch.setitem(registry.NAMES, cls, name)
        monkeypatch.setitem(aggregate.EVOLVE_ALL, cls, evolver or recorded_only)

    return put


def upcaster(monkeypatch, type_name, version, function):
    monkeypatch.setitem(stored_module._UPCASTERS, (type_name, version), function)


@frozen(kw_only=True)
class ProgressReportedV2(ProgressReported):
    """ProgressReported as a later release might have it: one optional field more."""

    audience: str | None = field(default=None, validator=_checks.is_optional_text)
    event_version: ClassVar[int] = 2


@frozen(kw_only=True)
class MeetingHeldV2(Event):
    """MeetingHeld with ``topic`` renamed ``subject``."""

    subject: str = field(validator=_checks.is_text)
    attendees: tuple[str, ...] = field(default=(), converter=_checks.to_tuple)
    decisions: tuple[str, ...] = field(default=(), converter=_checks.to_tuple)
    event_version: ClassVar[int] = 2


@frozen(kw_only=True)
class RefundIssued(CompensationGranted):
    """CompensationGranted split in two: refunds…"""


@frozen(kw_only=True)
class GoodwillGiven(CompensationGranted):
    """…and everything else."""


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_event_class_that_gains_an_optional_field_reads_the_golden_log(
    flavour, swap, monkeypatch
):
    swap("ProgressReported", ProgressReportedV2)
    upcaster(
        monkeypatch,
        "ProgressReported",
        1,
        lambda data: ("ProgressReported", 2, {**data, "audience": None}),
    )
    log = records(flavour, "CR-A")
    assert verify(log, keys=FLAVOURS[flavour]).ok
    crisis = Crisis.replay(log, keys=FLAVOURS[flavour])
    assert crisis == snapshot(flavour, "CR-A")
    (progress,) = [read(r, FLAVOURS[flavour]) for r in log if r.type == "ProgressReported"]
    assert type(progress) is ProgressReportedV2
    assert progress.audience is None
    assert progress.summary == "[erased]"  # it named C-2, whose data was erased


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_renamed_field_reads_the_golden_log_through_its_upcaster(flavour, swap, monkeypatch):
    swap("MeetingHeld", MeetingHeldV2)

    def rename(data: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
        data["subject"] = data.pop("topic")
        return "MeetingHeld", 2, data

    upcaster(monkeypatch, "MeetingHeld", 1, rename)
    log = records(flavour, "CR-A")
    (meeting,) = [read(r, FLAVOURS[flavour]) for r in log if r.type == "MeetingHeld"]
    assert type(meeting) is MeetingHeldV2
    assert meeting.subject == "首次会议"
    assert Crisis.replay(log, keys=FLAVOURS[flavour]) == snapshot(flavour, "CR-A")
    # Without the upcaster the old data is refused, clearly — never misread.
    monkeypatch.delitem(stored_module._UPCASTERS, ("MeetingHeld", 1))
    with pytest.raises(serialization.SerializationError, match="no upcaster reads MeetingHeld"):
        Crisis.replay(log, keys=FLAVOURS[flavour])


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_event_split_in_two_reads_the_golden_log_as_the_two_kinds(flavour, swap, monkeypatch):
    swap("CompensationGranted", None)  # retired: only its upcaster reads it now
    swap("RefundIssued", RefundIssued, aggregate.EVOLVE_ALL[CompensationGranted])
    swap("GoodwillGiven", GoodwillGiven, aggregate.EVOLVE_ALL[CompensationGranted])

    def split(data: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
        kind = data["compensation"]["kind"]
        return ("RefundIssued" if kind == "refund" else "GoodwillGiven"), 1, data

    upcaster(monkeypatch, "CompensationGranted", 1, split)
    log = records(flavour, "CR-A")
    assert verify(log, keys=FLAVOURS[flavour]).ok  # the stored bytes are what they were
    kinds = [type(read(r, FLAVOURS[flavour])) for r in log if r.type == "CompensationGranted"]
    assert kinds == [RefundIssued, GoodwillGiven]
    assert Crisis.replay(log, keys=FLAVOURS[flavour]) == snapshot(flavour, "CR-A")


def test_a_new_canonical_encoding_seals_new_events_and_the_old_ones_still_verify(monkeypatch):
    def encode_v2(value: object) -> bytes:  # e.g. ASCII-only, for a picky database
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")

    monkeypatch.setitem(stored_module._ENCODINGS, 2, encode_v2)
    monkeypatch.setattr(stored_module, "ENCODING", 2)
    log = records("hmac", "CR-A")
    clock = ManualClock(snapshot("hmac", "CR-A").updated_at.add(days=1))
    crisis = Crisis.replay(log, Context(clock, keys=RING))
    crisis.erase_personal_data("C-1", actor="dpo.sun", reason="PIPL deletion request")
    newer = [stored(event) for event in crisis.pull_events()]
    assert {r.encoding for r in newer} == {2}
    assert {r.encoding for r in log} == {1}
    mixed = [*log, *newer]
    assert verify(mixed, keys=RING).ok
    again = [StoredEvent.from_json(r.to_json()) for r in mixed]
    assert verify(again, keys=RING).ok
    assert Crisis.replay(again, keys=RING) == crisis
    # A release that does not know encoding 2 says so instead of calling it tampering.
    text = [r.to_json() for r in mixed]
    monkeypatch.delitem(stored_module._ENCODINGS, 2)
    monkeypatch.setattr(stored_module, "ENCODING", 1)
    check = verify([StoredEvent.from_json(line) for line in text], keys=RING)
    assert check.first_invalid == newer[0].sequence
    assert "encoding 2" in check.problem


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_new_serialisation_schema_version_reads_the_golden_logs_and_snapshots_the_same(
    flavour, monkeypatch
):
    monkeypatch.setattr(serialization, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(serialization._MIGRATIONS, 1, lambda data: data)
    for crisis_id in CRISES:
        log = records(flavour, crisis_id)
        assert verify(log, keys=FLAVOURS[flavour]).ok
        assert Crisis.replay(log, keys=FLAVOURS[flavour]) == snapshot(flavour, crisis_id)
        assert attrs.has(type(snapshot(flavour, crisis_id)._r))
