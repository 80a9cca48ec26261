"""A small FastAPI service on crisiskit's SQL store: create, command, list — with HTTP semantics.

Needs ``pip install 'crisiskit[sql]' fastapi`` (and ``httpx`` for the demo's test client).

* ``POST /crises`` opens a crisis (201, ``ETag`` = its version); an id taken is 409.
* ``POST /crises/{id}/commands`` runs a command object (``{"type": "Warn"}``, see the
  Commands as data page) as the signed-in user, in a unit of work. ``If-Match: "6"`` becomes
  ``expected_version``: a crisis that moved on answers 412. Without it, a lost race is run
  again (``retry``); a command the state does not allow is 409, a bad body or value 422.
* ``GET /crises?state=&level=&type=&tag=&breached=&due_before=&after=&limit=`` is the list
  page, from the read model, with a cursor for the next page.
* ``GET /crises/{id}`` shows one crisis (404 when unknown).

Run ``python examples/fastapi_service.py`` for a demo through FastAPI's test client, or
serve ``create_app(...)`` with any ASGI server.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import pendulum
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from crisiskit import Context, Crisis, SealingKey, SlaPolicy, from_dict
from crisiskit.calendar import china_working_calendar
from crisiskit.crisis.commands import Command
from crisiskit.errors import (
    ConcurrencyError,
    CrisisKitError,
    CrisisNotFoundError,
    InvalidTransition,
)
from crisiskit.serialization import SCHEMA_VERSION
from crisiskit.store import CrisisStore, retry
from crisiskit.store.sql import SqlStore
from crisiskit.testing import ManualClock


class NewCrisis(BaseModel):
    crisis_id: str
    crisis_type: str
    title: str


class StaleVersionError(Exception):
    """The If-Match version is not the crisis's version any more (412)."""


def _version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise StaleVersionError(
            f"If-Match must be a version the service sent as ETag; got {if_match!r}"
        )
    return int(text)


def create_app(store: CrisisStore, context: Context) -> FastAPI:
    """The service; ``store`` and ``context`` are made once, at start-up."""
    app = FastAPI(title="crises")

    @app.exception_handler(CrisisNotFoundError)
    def not_found(request: Request, error: CrisisNotFoundError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=404)

    @app.exception_handler(StaleVersionError)
    def stale(request: Request, error: StaleVersionError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=412)

    @app.exception_handler(ConcurrencyError)
    def conflict(request: Request, error: ConcurrencyError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=409)

    @app.exception_handler(InvalidTransition)
    def not_now(request: Request, error: InvalidTransition) -> JSONResponse:
        return JSONResponse({"error": str(error), "allowed": list(error.allowed)}, status_code=409)

    @app.exception_handler(CrisisKitError)
    def refused(request: Request, error: CrisisKitError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=422)

    def shown(crisis: Crisis) -> JSONResponse:
        body = {
            "id": crisis.id,
            "state": crisis.state.value,
            "level": None if crisis.level is None else crisis.level.value,
            "title": crisis.title,
            "version": crisis.version,
            "allowed": list(crisis.allowed_commands()),
        }
        return JSONResponse(body, headers={"ETag": f'"{crisis.version}"'})

    @app.post("/crises", status_code=201)
    def create(body: NewCrisis, x_user: Annotated[str, Header()]) -> JSONResponse:
        crisis = Crisis.detect(
            context,
            crisis_id=body.crisis_id,
            crisis_type=body.crisis_type,
            title=body.title,
            actor=x_user,
        )
        store.create(crisis)  # an id taken: ConcurrencyError, 409
        response = shown(crisis)
        response.status_code = 201
        return response

    @app.get("/crises/{crisis_id}")
    def read(crisis_id: str) -> JSONResponse:
        return shown(store.load(crisis_id, context))

    @app.post("/crises/{crisis_id}/commands")
    def command(
        crisis_id: str,
        body: dict[str, Any],
        x_user: Annotated[str, Header()],
        if_match: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        expected = _version(if_match)
        data = {**body, "schema_version": SCHEMA_VERSION, "actor": x_user}
        order = from_dict(data, Command)  # a bad body: SerializationError, 422

        def work() -> Crisis:
            with store.transaction(crisis_id, context) as crisis:
                if expected is not None and crisis.version != expected:
                    raise StaleVersionError(
                        f"crisis {crisis_id!r} is at version {crisis.version}, not {expected}: "
                        "reload it"
                    )
                crisis.execute(order)
            return crisis

        # With If-Match the client decides (a lost race shows as a stale version, 412);
        # without it, a lost race is run again on the fresh state.
        return shown(retry(work, attempts=1 if expected is not None else 5))

    @app.get("/crises")
    def listing(  # noqa: PLR0917 - one argument per query parameter
        state: str | None = None,
        level: str | None = None,
        type: str | None = None,
        tag: str | None = None,
        breached: bool | None = None,
        due_before: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> dict[str, Any]:
        due = None if due_before is None else pendulum.parse(due_before)
        page = store.find(
            state=state,
            level=level,
            crisis_type=type,
            tag=tag,
            breached=breached,
            due_before=due,  # type: ignore[arg-type]
            after=after,
            limit=limit,
        )
        rows = [
            {"id": r.crisis_id, "state": r.state, "level": r.level, "title": r.title}
            for r in page.rows
        ]
        return {"rows": rows, "next": page.next}

    return app


def main() -> None:
    from fastapi.testclient import TestClient  # noqa: PLC0415 - the demo's client only

    clock = ManualClock(pendulum.datetime(2025, 9, 27, 20, tz="Asia/Shanghai"))
    context = Context(
        clock,
        sla=SlaPolicy.default(china_working_calendar([2025, 2026])),
        keys=SealingKey("crm-2025", b"host-secret-from-the-vault-0123456789"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlStore(f"sqlite:///{Path(tmp) / 'crm.sqlite3'}")
        store.create_schema()
        client = TestClient(create_app(store, context))
        office = {"X-User": "li.office"}

        made = client.post(
            "/crises",
            json={"crisis_id": "CR-1", "crisis_type": "complaint", "title": "Refund refused"},
            headers={"X-User": "hotline"},
        )
        print("POST /crises", made.status_code, made.headers["ETag"], made.json()["state"])
        again = client.post(
            "/crises",
            json={"crisis_id": "CR-1", "crisis_type": "complaint", "title": "Refund refused"},
            headers={"X-User": "hotline"},
        )
        print("POST /crises (same id)", again.status_code)

        etag = made.headers["ETag"]
        warned = client.post(
            "/crises/CR-1/commands", json={"type": "Warn"}, headers={**office, "If-Match": etag}
        )
        print("Warn, If-Match", etag, "->", warned.status_code, warned.headers["ETag"])
        stale = client.post(
            "/crises/CR-1/commands",
            json={"type": "Acknowledge"},
            headers={**office, "If-Match": etag},
        )
        print("Acknowledge, If-Match", etag, "->", stale.status_code)
        wrong = client.post("/crises/CR-1/commands", json={"type": "Recover"}, headers=office)
        print("Recover ->", wrong.status_code, wrong.json()["allowed"][:3], "...")
        bad = client.post(
            "/crises/CR-1/commands", json={"type": "SetLevel", "level": "V"}, headers=office
        )
        print("SetLevel V ->", bad.status_code)
        graded = client.post(
            "/crises/CR-1/commands",
            json={"type": "SetLevel", "level": "II", "reason": "two stores"},
            headers=office,
        )
        print("SetLevel II ->", graded.status_code, graded.json()["level"])
        print("GET /crises/CR-404 ->", client.get("/crises/CR-404").status_code)

        for n in range(2, 5):
            client.post(
                "/crises",
                json={"crisis_id": f"CR-{n}", "crisis_type": "complaint", "title": f"Case {n}"},
                headers={"X-User": "hotline"},
            )
        first = client.get("/crises", params={"limit": 2}).json()
        second = client.get("/crises", params={"limit": 2, "after": first["next"]}).json()
        print(
            "GET /crises pages:",
            [r["id"] for r in first["rows"]],
            [r["id"] for r in second["rows"]],
        )
        level_two = client.get("/crises", params={"level": "II"}).json()
        print("GET /crises?level=II:", [(r["id"], r["state"]) for r in level_two["rows"]])
        print("GET /crises?state=exploded ->", client.get("/crises?state=exploded").status_code)
        store.engine.dispose()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
