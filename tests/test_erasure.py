"""A customer's right to erasure, end to end: the crisis, its stored log and its snapshots.

A realistic crisis (four customers, their names, case notes, promises, compensation notes,
callback comments, and progress reports the host marks personal) has customer C-2's data
erased: the crisis records who erased it and why, its state forgets the values, and the
host's rewritten log still verifies, replays to the same crisis, and holds none of them.
"""

import attrs
import pendulum
import pytest
from lifecycle_support import REVIEW

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisState,
    CrisisType,
    CustomerRef,
    Level,
    Money,
    Role,
    Signal,
    ValidationError,
    to_dict,
    to_json,
    verify,
)
from crisiskit.errors import SealError
from crisiskit.events import (
    ERASED,
    ChainProblem,
    KeyRing,
    PersonalDataErased,
    SealingKey,
    StoredEvent,
    erase,
    read,
    stored,
)
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.testing import ManualClock, SeededEntropy

T0 = pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai")
KEYS = KeyRing(SealingKey("k2025", bytes(range(1, 33))))
MARKED = frozenset({"ProgressReported.summary"})

# Everything about C-2 that must go (each string appears nowhere else).
C2_NAME = "王芳 Wang Fang"
C2_VALUES = (
    C2_NAME,
    "wants her money back to card 6222-0202-8841",
    "a refund to card 6222 within 24 hours",
    "full refund plus a hamper, to 18 Lane 4 Wuding Road",
    "order 88812 refunded to card 6222",
    "the replacement tastes fine; still nervous about batch 0925",
)
# The other customers' data, which must stay.
KEPT = {
    "C-1": ("张伟 Zhang Wei", "asks for a lab report"),
    "C-3": ("Li Na", "coupon code LN-0925"),
    "C-4": ("Chen Jie", "very happy with the call"),
}


def _context(clock, seed=1):
    return Context(clock, keys=KEYS, entropy=SeededEntropy(seed), personal=MARKED)


def _build(clock):
    """About forty events of a food-safety complaint, from the first post to the close."""
    crisis = Crisis.detect(
        _context(clock),
        crisis_id="CR-2025-0927",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Foreign object in yoghurt batch 0925",
        actor="monitor",
        signals=[
            Signal(
                Channel.SOCIAL_MEDIA,
                T0,
                "Weibo post: foreign object in yoghurt",
                customers=[CustomerRef("C-1", name=KEPT["C-1"][0], tier="VIP")],
                metrics={"heat": 8200},
            )
        ],
    )
    step = clock.advance
    step(minutes=10)
    crisis.add_customers(
        [
            CustomerRef("C-2", name=C2_NAME),
            CustomerRef("C-3", name=KEPT["C-3"][0]),
            CustomerRef("C-4", name=KEPT["C-4"][0]),
        ],
        actor="cs",
    )
    crisis.update_facts(actor="li", place="Pudong", customers_affected=4)
    step(minutes=5)
    crisis.set_level(Level.II, actor="li", reason="risk matrix 3x4")
    crisis.acknowledge(actor="office")
    step(minutes=5)
    crisis.warn(actor="office")
    crisis.assign(Role.OFFICE, "li", actor="office")
    crisis.assign("customer_service", "zhao", actor="office")
    crisis.hold_meeting("first response", attendees=["li", "zhao"], actor="li")
    step(minutes=5)
    crisis.attach_signal(
        Signal(
            Channel.HOTLINE,
            clock.now(),
            "Hotline: second complaint about batch 0925",
            customers=[CustomerRef("C-2", name=C2_NAME)],
        ),
        actor="cs",
    )
    step(minutes=10)
    crisis.respond(actor="gm")
    for customer in ("C-1", "C-2", "C-3", "C-4"):
        step(minutes=3)
        crisis.handle_customer(customer, CaseStep.RECEIVED, actor="zhao")
    step(minutes=20)
    crisis.handle_customer("C-1", CaseStep.DEMAND_RECORDED, note=KEPT["C-1"][1], actor="zhao")
    crisis.handle_customer("C-2", CaseStep.DEMAND_RECORDED, note=C2_VALUES[1], actor="zhao")
    crisis.handle_customer("C-2", CaseStep.APOLOGISED, actor="zhao")
    crisis.handle_customer(
        "C-2", CaseStep.PROMISED, note=C2_VALUES[2], due_at=T0.add(days=1), actor="zhao"
    )
    crisis.report_progress(
        "Called C-2 back about her refund; lab report for C-1 requested", actor="li"
    )
    step(hours=2)
    crisis.release_statement(
        "customers",
        "We are recalling batch 0925 and refunding every buyer.",
        medium="social_media",
        approved_by="li",
        approver_role="office",
        actor="zhao",
    )
    crisis.compensate(
        "refund", Money("39.90", "CNY"), customer_id="C-2", note=C2_VALUES[4], actor="zhao"
    )
    crisis.compensate(
        "coupon", Money("20.00", "CNY"), customer_id="C-3", note=KEPT["C-3"][1], actor="zhao"
    )
    crisis.compensate("refund", Money("39.90", "CNY"), customer_id="C-1", actor="zhao")
    crisis.compensate("coupon", Money("5.00", "CNY"), note="a coupon for every buyer", actor="li")
    step(hours=3)
    crisis.handle_customer("C-2", CaseStep.PROMISE_KEPT, actor="zhao")
    crisis.handle_customer("C-2", CaseStep.SOLUTION_AGREED, note=C2_VALUES[3], actor="zhao")
    crisis.handle_customer("C-2", CaseStep.RESOLVED, actor="zhao")
    crisis.handle_customer("C-3", CaseStep.RESOLVED, actor="zhao")
    crisis.handle_customer("C-4", CaseStep.APOLOGISED, actor="zhao")
    crisis.handle_customer("C-4", CaseStep.RESOLVED, actor="zhao")
    crisis.report_progress("refunds under way for three buyers", actor="li")
    crisis.record_expense("pr", Money("1200", "CNY"), note="press briefing", actor="li")
    step(hours=30)
    crisis.recover(actor="gm")
    step(days=1)
    crisis.record_callback("C-2", 4, comments=C2_VALUES[5], actor="cs")
    crisis.record_callback("C-4", 5, comments=KEPT["C-4"][1], actor="cs")
    crisis.record_callback("C-1", 3, actor="cs")
    crisis.unassign("customer_service", "zhao", actor="office", reason="shift ended")
    step(days=2)
    crisis.record_review(REVIEW, actor="office")
    crisis.close("Batch 0925 recalled; buyers refunded", actor="gm")
    return crisis


def _figures(crisis):
    """What erasure must not change: counts, times, money, level, state, the team."""
    return {
        "state": crisis.state,
        "level": crisis.level,
        "closed_at": crisis.closed_at,
        "customers": [c.customer_id for c in crisis.customers],
        "tiers": [c.tier for c in crisis.customers],
        "cases": [
            (c.customer_id, c.received_at, c.first_contact_at, c.apologised_at, c.resolved_at)
            for c in crisis.cases
        ],
        "promises": [(p.made_at, p.due_at, p.kept_at) for c in crisis.cases for p in c.promises],
        "compensations": [
            (c.customer_id, c.kind, c.amount, c.granted_at) for c in crisis.compensations
        ],
        "compensation_total": crisis.compensation_total(),
        "callbacks": [(c.customer_id, c.called_at, c.satisfaction) for c in crisis.callbacks],
        "facts": crisis.facts,
        "team": to_dict(crisis)["team"],
        "expenses": to_dict(crisis)["expenses"],
        "statements": to_dict(crisis)["statements"],
    }


@pytest.fixture(scope="module")
def story():
    clock = ManualClock(T0)
    crisis = _build(clock)
    before = crisis.pull_events()
    records = [StoredEvent.from_json(stored(e).to_json()) for e in before]
    figures = _figures(crisis)
    snapshot_before = to_json(crisis)
    clock.advance(days=40)
    erasure = crisis.erase_personal_data("C-2", actor="dpo", reason="the customer asked (PIPL 47)")
    logged = [StoredEvent.from_json(stored(e).to_json()) for e in crisis.pull_events()]
    assert [r.type for r in logged] == ["PersonalDataErased"]
    # The host rewrites its stored events, and keeps the erasure event with them.
    rewritten = erase([*records, *logged], "C-2", erasure=erasure.sequence)
    lines = [r.to_json() for r in rewritten]
    return {
        "crisis": crisis,
        "records": records,
        "erasure": erasure,
        "rewritten": rewritten,
        "lines": lines,
        "figures": figures,
        "snapshot_before": snapshot_before,
    }


def _reread(lines):
    return [StoredEvent.from_json(line) for line in lines]


def test_the_story_is_realistic(story):
    records = story["records"]
    assert 38 <= len(records) <= 45
    assert {"CustomersAdded", "CompensationGranted", "CallbackRecorded"} <= {
        r.type for r in records
    }
    assert sum(1 for r in records if r.personal) >= 12
    blob = "\n".join(r.to_json() for r in records).encode()
    for value in C2_VALUES:
        assert value.encode() in blob  # before erasure, every value is there
    assert story["crisis"].state is CrisisState.CLOSED  # erasure on a closed crisis


def test_the_rewritten_log_verifies_and_counts_the_erased_events(story):
    check = verify(_reread(story["lines"]), keys=KEYS)
    assert check.ok, check
    assert check.checked == len(story["records"]) + 1
    # The add, 5 notes, the promise's note, the solution, the compensation and the callback;
    # and the two host-marked progress reports, about every customer affected then.
    assert check.erased == 9
    assert [r.hash for r in story["rewritten"]][:-1] == [r.hash for r in story["records"]]
    head = (story["crisis"].version, story["crisis"].last_hash)
    assert verify(_reread(story["lines"]), keys=KEYS, head=head).ok


def test_no_stored_line_or_snapshot_holds_an_erased_value(story):
    replayed = Crisis.replay(_reread(story["lines"]), keys=KEYS)
    for text in [*story["lines"], to_json(replayed), to_json(story["crisis"])]:
        data = text.encode("utf-8")
        for value in C2_VALUES:
            assert value.encode("utf-8") not in data, (value, text[:200])
        assert "王芳".encode() not in data
        assert b"Wang Fang" not in data


def test_replay_of_the_erased_log_is_the_live_crisis_after_its_erasure(story):
    crisis = story["crisis"]
    replayed = Crisis.replay(_reread(story["lines"]), keys=KEYS)
    assert replayed == crisis
    assert to_json(replayed) == to_json(crisis)
    customer = next(c for c in replayed.customers if c.customer_id == "C-2")
    assert customer.name == ERASED
    case = next(c for c in replayed.cases if c.customer_id == "C-2")
    assert (case.demand, case.solution) == (ERASED, ERASED)
    assert [p.text for p in case.promises] == [ERASED]
    assert [c.note for c in replayed.compensations if c.customer_id == "C-2"] == [ERASED]
    assert [c.comments for c in replayed.callbacks if c.customer_id == "C-2"] == [ERASED]
    notes = [
        read(r, KEYS).note
        for r in _reread(story["lines"])
        if r.type == "CustomerCaseUpdated" and r.data["customer_id"] == "C-2"
    ]
    assert {n for n in notes if n is not None} == {ERASED}


def test_other_customers_keep_their_data(story):
    replayed = Crisis.replay(_reread(story["lines"]), keys=KEYS)
    names = {c.customer_id: c.name for c in replayed.customers}
    assert names == {
        "C-1": KEPT["C-1"][0],
        "C-2": ERASED,
        "C-3": KEPT["C-3"][0],
        "C-4": KEPT["C-4"][0],
    }
    cases = {c.customer_id: c for c in replayed.cases}
    assert cases["C-1"].demand == KEPT["C-1"][1]
    assert [c.note for c in replayed.compensations if c.customer_id == "C-3"] == [KEPT["C-3"][1]]
    assert [c.note for c in replayed.compensations if c.customer_id is None] == [
        "a coupon for every buyer"
    ]
    assert [c.comments for c in replayed.callbacks if c.customer_id == "C-4"] == [KEPT["C-4"][1]]
    blob = "\n".join(story["lines"]).encode("utf-8")
    for name, note in KEPT.values():
        assert name.encode("utf-8") in blob
        assert note.encode("utf-8") in blob


def test_the_figures_do_not_change(story):
    crisis = story["crisis"]
    assert _figures(crisis) == story["figures"]
    assert _figures(Crisis.replay(_reread(story["lines"]), keys=KEYS)) == story["figures"]
    assert crisis.compensation_total() == Money("104.80", "CNY")
    assert (crisis.state, crisis.level) == (CrisisState.CLOSED, Level.II)
    assert to_json(crisis) != story["snapshot_before"]  # the texts did change


def test_the_erasure_event_records_who_when_why_and_no_value(story):
    erasure = story["erasure"]
    assert isinstance(erasure, PersonalDataErased)
    assert (erasure.customer_id, erasure.actor, erasure.reason) == (
        "C-2",
        "dpo",
        "the customer asked (PIPL 47)",
    )
    assert erasure.fields == ("ProgressReported.summary",)
    record = story["rewritten"][-1]
    assert record.type == "PersonalDataErased"
    assert record.personal == {}
    for value in C2_VALUES:
        assert value.encode() not in record.to_json().encode()
    tombstones = [
        entry for r in story["rewritten"] for entry in r.personal.values() if "erased" in entry
    ]
    assert tombstones
    assert all(t == {"erased": erasure.sequence} for t in tombstones)


def test_erasing_an_unknown_customer_is_refused_and_changes_nothing():
    clock = ManualClock(T0)
    crisis = _build(clock)
    crisis.pull_events()
    before = (to_json(crisis), crisis.version)
    with pytest.raises(ValidationError, match="holds nothing about customer 'C-99'"):
        crisis.erase_personal_data("C-99", actor="dpo", reason="asked")
    with pytest.raises(ValidationError):
        crisis.erase_personal_data("C-2", actor="dpo")  # a reason is required
    assert (to_json(crisis), crisis.version) == before
    assert crisis.pending_events == ()


def test_erasing_twice_changes_no_value_again(story):
    rewritten = story["rewritten"]
    again = erase(rewritten, "C-2", erasure=story["erasure"].sequence + 5)
    assert again == rewritten  # tombstones keep the first erasure's sequence
    assert erase(rewritten, "C-99", erasure=1) == rewritten


def test_the_erased_crisis_goes_on_recording(story):
    crisis = Crisis.replay(_reread(story["lines"]), keys=KEYS)
    clock = ManualClock(T0.add(days=41))
    crisis.attach(_context(clock, seed=9))
    event = crisis.erase_personal_data("C-3", actor="dpo", reason="the customer asked")
    rewritten = erase([*_reread(story["lines"]), stored(event)], "C-3", erasure=event.sequence)
    check = verify(rewritten, keys=KEYS)
    # One more event carries erased data: C-3's compensation note (their name is in the
    # CustomersAdded event, the progress reports already counted for C-2).
    assert check.ok
    assert check.erased == 10
    assert Crisis.replay(rewritten, keys=KEYS) == crisis


# --- reading a log whose personal data was tampered with -------------------------------


def _personal_record(story, customer="C-2"):
    records = [StoredEvent.from_json(r.to_json()) for r in story["records"]]
    index = next(
        i
        for i, r in enumerate(records)
        if r.type == "CompensationGranted" and r.data["compensation"]["customer_id"] == customer
    )
    return records, index


def test_a_silently_deleted_personal_value_is_reported(story):
    records, index = _personal_record(story)
    deleted = attrs.evolve(records[index], personal={})
    check = verify([*records[:index], deleted, *records[index + 1 :]], keys=KEYS)
    assert (check.ok, check.kind, check.first_invalid) == (
        False,
        ChainProblem.PERSONAL,
        records[index].sequence,
    )
    assert "values missing or added" in check.problem
    with pytest.raises(SealError, match="values missing or added") as caught:
        read(deleted, KEYS)
    assert caught.value.kind == "personal"


def test_an_altered_personal_value_is_reported(story):
    records, index = _personal_record(story, "C-3")
    ((commitment, entry),) = records[index].personal.items()
    altered = attrs.evolve(
        records[index], personal={commitment: {**entry, "value": "coupon code LN-0926"}}
    )
    check = verify([*records[:index], altered, *records[index + 1 :]], keys=KEYS)
    assert (check.ok, check.kind, check.first_invalid) == (
        False,
        ChainProblem.PERSONAL,
        records[index].sequence,
    )
    assert "no longer matches its commitment" in check.problem
    with pytest.raises(SealError, match="no longer matches its commitment"):
        Crisis.replay([*records[:index], altered, *records[index + 1 :]], keys=KEYS)


def test_a_personal_value_steered_to_another_customer_is_reported(story):
    # Whom a value is about is hashed with its commitment: pointing it elsewhere, so that an
    # erasure would miss it, alters the event.
    records, index = _personal_record(story)
    line = records[index].to_json()
    assert '"about":["C-2"]' in line
    steered = StoredEvent.from_json(line.replace('"about":["C-2"]', '"about":["C-3"]', 1))
    check = verify([*records[:index], steered, *records[index + 1 :]], keys=KEYS)
    assert (check.ok, check.kind, check.first_invalid) == (
        False,
        ChainProblem.ALTERED,
        records[index].sequence,
    )


def test_a_host_marked_summary_naming_the_customer_is_erased_too(story):
    # A marked note naming no customer is about every customer affected when it was recorded.
    summaries = [
        read(r, KEYS).summary for r in _reread(story["lines"]) if r.type == "ProgressReported"
    ]
    assert summaries[0] == ERASED


def test_a_made_up_tombstone_is_reported(story):
    records, index = _personal_record(story, "C-3")
    ((commitment, _entry),) = records[index].personal.items()
    forged = attrs.evolve(records[index], personal={commitment: {"erased": 5}})
    check = verify([*records[:index], forged, *records[index + 1 :]], keys=KEYS)
    assert (check.ok, check.kind) == (False, ChainProblem.PERSONAL)
