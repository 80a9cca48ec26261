"""The FastAPI example's service, through FastAPI's test client: HTTP semantics over a store."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from store_support import context

from crisiskit.testing.store import MemoryStore

PATH = Path(__file__).parent.parent / "examples" / "fastapi_service.py"
spec = importlib.util.spec_from_file_location("fastapi_service", PATH)
assert spec is not None
assert spec.loader is not None
service = importlib.util.module_from_spec(spec)
spec.loader.exec_module(service)

OFFICE = {"X-User": "li.office"}


@pytest.fixture
def client():
    store = MemoryStore()
    client = TestClient(service.create_app(store, context()))
    client.store = store
    return client


def open_crisis(client, crisis_id="CR-1", title="Refund refused"):
    return client.post(
        "/crises",
        json={"crisis_id": crisis_id, "crisis_type": "complaint", "title": title},
        headers={"X-User": "hotline"},
    )


def test_create_gives_201_with_the_version_as_etag_and_a_taken_id_409(client):
    made = open_crisis(client)
    assert made.status_code == 201
    assert made.headers["ETag"] == '"1"'
    assert made.json()["state"] == "detected"
    assert open_crisis(client).status_code == 409
    assert len(client.store.events("CR-1")) == 1


def test_if_match_becomes_the_expected_version(client):
    open_crisis(client)
    warned = client.post(
        "/crises/CR-1/commands", json={"type": "Warn"}, headers={**OFFICE, "If-Match": '"1"'}
    )
    assert warned.status_code == 200
    assert warned.headers["ETag"] == '"2"'
    before = client.store.events("CR-1")
    stale = client.post(
        "/crises/CR-1/commands",
        json={"type": "Acknowledge"},
        headers={**OFFICE, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert client.store.events("CR-1") == before
    bad = client.post(
        "/crises/CR-1/commands", json={"type": "Warn"}, headers={**OFFICE, "If-Match": "x"}
    )
    assert bad.status_code == 412


def test_refusals_map_to_409_and_422_and_write_nothing(client):
    open_crisis(client)
    before = client.store.events("CR-1")
    wrong = client.post("/crises/CR-1/commands", json={"type": "Recover"}, headers=OFFICE)
    assert wrong.status_code == 409
    assert "respond" in wrong.json()["allowed"]
    for body in ({"type": "SetLevel", "level": "V", "reason": "r"}, {"type": "Nothing"}, {}):
        assert client.post("/crises/CR-1/commands", json=body, headers=OFFICE).status_code == 422
    assert client.store.events("CR-1") == before
    assert client.get("/crises/CR-404").status_code == 404
    assert (
        client.post("/crises/CR-404/commands", json={"type": "Warn"}, headers=OFFICE).status_code
        == 404
    )


def test_the_list_filters_and_pages(client):
    for n in range(1, 5):
        open_crisis(client, f"CR-{n}", f"Case {n}")
    client.post(
        "/crises/CR-2/commands",
        json={"type": "SetLevel", "level": "II", "reason": "two stores"},
        headers=OFFICE,
    )
    first = client.get("/crises", params={"limit": 3}).json()
    rest = client.get("/crises", params={"limit": 3, "after": first["next"]}).json()
    ids = [r["id"] for r in first["rows"] + rest["rows"]]
    assert sorted(ids) == ["CR-1", "CR-2", "CR-3", "CR-4"]
    assert rest["next"] is None
    assert [r["id"] for r in client.get("/crises?level=II").json()["rows"]] == ["CR-2"]
    assert client.get("/crises?state=exploded").status_code == 422
    assert client.get("/crises?after=nonsense").status_code == 422
