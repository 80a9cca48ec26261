"""How a host CRM embeds crisiskit with its SQL crisis store, on a SQLite file.

Needs the ``sql`` extra (``pip install 'crisiskit[sql]'``: SQLAlchemy; SQLite comes with
Python). The same code runs on PostgreSQL with a ``postgresql+psycopg://`` URL. It shows:

* ``create_schema()`` and the plain tables a DBA reads;
* requests as units of work — ``with store.transaction(...) as crisis:`` — and two writers
  racing: the loser is refused, nothing of it stored, and ``retry`` runs it again;
* snapshots, and a list page from the read model (``find``);
* an SLA sweep, and a fake webhook receiver fed from the store's feed, each event handed
  over once per consumer position, a re-run sending nothing twice;
* an edited event and a truncated log, both refused on load.

Run it with ``python examples/persistence_sqlite.py``; the database lives in a temporary
directory.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pendulum
import sqlalchemy as sa

from crisiskit import (
    Channel,
    ConcurrencyError,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    Role,
    Signal,
    SlaPolicy,
)
from crisiskit.calendar import china_working_calendar
from crisiskit.errors import CrisisKitError, StoreError
from crisiskit.events import SealingKey
from crisiskit.grading import RiskMatrixPolicy
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.store import retry, sweep_due
from crisiskit.store.sql import SqlStore
from crisiskit.testing import ManualClock

ZONE = "Asia/Shanghai"
RATINGS = {
    **{"severity": 3, "scope": 2, "trend": 3, "brand_damage": 4},
    **{"customer_loss": 3, "economic_loss": 2, "legal_risk": 3},
}


class FakeWebhookReceiver:
    """Stands for the host's notification service: it counts what it receives, by event id."""

    def __init__(self) -> None:
        self.received: dict[str, str] = {}

    def post(self, event_id: str, kind: str, crisis_id: str) -> None:
        if event_id in self.received:
            raise AssertionError(f"event {event_id} delivered twice")
        self.received[event_id] = f"{crisis_id} {kind}"


def deliver(store: SqlStore, receiver: FakeWebhookReceiver) -> int:
    """The outbox relay: alerts and warnings after the consumer's position, then acknowledge."""
    sent = 0
    for item in store.feed(after=store.position("webhooks"), limit=100):
        if item.record.type in ("SlaAlertsRaised", "WarningIssued"):
            receiver.post(item.record.event_id, item.record.type, item.record.crisis_id)
            sent += 1
        store.acknowledge("webhooks", item.position)
    return sent


def main() -> None:
    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, 0, tz=ZONE))
    # One context for the application: the clock, the SLA policy, and the sealing secret.
    context = Context(
        clock,
        sla=SlaPolicy.default(china_working_calendar([2025, 2026])),
        keys=SealingKey("crm-2025", b"host-secret-from-the-vault-0123456789"),
    )

    with tempfile.TemporaryDirectory() as tmp:
        store = SqlStore(f"sqlite:///{Path(tmp) / 'crm.sqlite3'}", snapshot_every=5)
        store.create_schema()

        # Request 1: the hotline opens a crisis and an analyst grades it.
        crisis = Crisis.detect(
            context,
            crisis_id="CR-2025-0927",
            crisis_type=CrisisType.PRODUCT_QUALITY,
            title="Foreign object in yoghurt, batch 0925",
            actor="hotline",
            signals=[
                Signal(
                    Channel.HOTLINE,
                    clock.now(),
                    "Caller found a foreign object in a yoghurt cup",
                    customers=[CustomerRef("C-10086", name="Zhang Wei", tier="VIP")],
                )
            ],
        )
        crisis.grade(RiskMatrixPolicy(), factors=RATINGS, actor="li.analyst")
        print(f"request 1: detected and graded, stored at version {store.create(crisis)}")

        # Request 2, later: a unit of work. The events, the head, the read-model row (and a
        # snapshot every 5 events) are written in one transaction when the block ends.
        clock.advance(minutes=20)
        with store.transaction("CR-2025-0927", context) as crisis:
            crisis.acknowledge(actor="li.office")
            crisis.warn(actor="li.office")
        print(f"request 2: acknowledged and warned, now {crisis!r}")

        # Two requests read the same version; the second to save is refused.
        clock.advance(minutes=10)
        office = store.load("CR-2025-0927", context)
        service = store.load("CR-2025-0927", context)
        office.assign(Role.OFFICE, "li.office", actor="li.office")
        service.handle_customer("C-10086", CaseStep.ACKNOWLEDGED, actor="zhao.cs")
        store.save(office)
        try:
            store.save(service)
        except ConcurrencyError:
            print(
                f"two writers read version {office.version - 1}: the office saved first; "
                f"customer service was refused, {len(service.pending_events)} events still pending"
            )

        def handle_customer() -> int:
            with store.transaction("CR-2025-0927", context) as crisis:
                crisis.handle_customer("C-10086", CaseStep.ACKNOWLEDGED, actor="zhao.cs")
            return crisis.version

        print(f"  retried as a new unit of work: version {retry(handle_customer)}")

        # More crises for the list page.
        for n, title in enumerate(["Courier lost a refund parcel", "App charged twice"], 1):
            clock.advance(minutes=1)
            store.create(
                Crisis.detect(
                    context,
                    crisis_id=f"CR-2025-09{27 + n}",
                    crisis_type=CrisisType.COMPLAINT,
                    title=title,
                    actor="hotline",
                )
            )
        page = store.find(limit=2)
        print("list page 1:", [(r.crisis_id, r.state, r.level, r.owner) for r in page.rows])
        page = store.find(limit=2, after=page.next)
        print("list page 2:", [(r.crisis_id, r.state, r.level, r.owner) for r in page.rows])
        print(
            "level II and open:", [r.crisis_id for r in store.find(level="II", state="warned").rows]
        )

        # The SLA sweep job: due crises only; each alert recorded once, however often it runs.
        clock.set(pendulum.datetime(2025, 9, 28, 12, tz=ZONE))
        recorded = sweep_due(store, context)
        print(
            f"sweep at {clock.now().in_timezone(ZONE).format('MM-DD HH:mm')}: {len(recorded)} alert event(s)"
        )
        print(f"  the sweep again: {len(sweep_due(store, context))} new")

        # The outbox relay: a webhook per alert and warning, once per consumer position.
        receiver = FakeWebhookReceiver()
        print(
            f"webhooks sent: {deliver(store, receiver)}, then on a re-run: {deliver(store, receiver)}"
        )
        for line in receiver.received.values():
            print(f"  received: {line}")

        head = store.head("CR-2025-0927")
        assert head is not None
        print(f"the crisis is at version {head.version}; snapshot every 5 events")

        with store.engine.connect() as db:
            rows = db.execute(
                sa.text(
                    "SELECT position, sequence, type, occurred_at FROM events"
                    " WHERE crisis_id = 'CR-2025-0927' ORDER BY sequence"
                )
            ).all()
        print(f"the events table holds {len(rows)} rows for it:")
        for position, sequence, kind, occurred_at in rows:
            print(f"  #{position:<3} {sequence:>2}  {kind:<20} {occurred_at}")

        # Someone edits an event in the table: loading refuses the log, naming the event.
        with store.engine.begin() as db:
            (body,) = db.execute(
                sa.text("SELECT body FROM events WHERE crisis_id = 'CR-2025-0928' AND sequence = 1")
            ).one()
            edited = json.loads(body)
            edited["data"]["title"] = "Courier delivered a refund parcel"
            db.execute(
                sa.text(
                    "UPDATE events SET body = :b WHERE crisis_id = 'CR-2025-0928' AND sequence = 1"
                ),
                {"b": json.dumps(edited, ensure_ascii=False)},
            )
        try:
            store.load("CR-2025-0928", context)
        except CrisisKitError as problem:
            print(f"after editing an event: {type(problem).__name__}: {problem}")

        # Someone deletes the newest event (and the snapshot): the head gives it away.
        with store.engine.begin() as db:
            db.execute(
                sa.text("DELETE FROM events WHERE crisis_id = 'CR-2025-0927' AND sequence = :v"),
                {"v": head.version},
            )
            db.execute(sa.text("DELETE FROM snapshots"))
        try:
            store.load("CR-2025-0927", context)
        except StoreError as problem:
            print(f"after deleting the last event: {problem}")
        store.engine.dispose()


if __name__ == "__main__":
    main()
