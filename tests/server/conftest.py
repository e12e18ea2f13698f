"""Fixtures of the server suite: every test runs on SQLite and on PostgreSQL (a throwaway
cluster), against the real app and a real database; ``world`` seeds an organisation with two
sites, users of every role and an enrolled workstation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.support.postgres import create_database, pg_url  # noqa: F401 (fixture)
from tests.support.server import RunningServer, running_server
from veiligbalie.core.ids import uuid7
from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category, Role
from veiligbalie.server import admin, auth
from veiligbalie.server import schema as t
from veiligbalie.server.app import create_app
from veiligbalie.server.security import hash_password
from veiligbalie.server.store import ServerStore

PASSWORD = "correct horse battery"
_HASH: list[str] = []  # argon2 costs ~0.1 s: hash the shared test password once


def password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    return create_database(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[ServerStore]:
    s = ServerStore(db_url)
    yield s
    s.close()


@pytest.fixture
def client(store: ServerStore) -> Iterator[TestClient]:
    with TestClient(create_app(store=store)) as c:
        yield c


@dataclass
class World:
    store: ServerStore
    site_a: uuid.UUID
    site_b: uuid.UUID
    users: dict[str, uuid.UUID] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    workstation: uuid.UUID | None = None
    device: uuid.UUID = field(default_factory=uuid.uuid4)

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def add_user(store: ServerStore, username: str, role: Role, site: uuid.UUID | None) -> uuid.UUID:
    user_id = uuid7()
    now = datetime.now(UTC)
    with store.write() as conn:
        conn.execute(
            sa.insert(t.users).values(
                id=user_id,
                username=username,
                display_name=username.title(),
                role=role.value,
                site_id=site,
                password_hash=password_hash(),
                created_at=now,
                password_changed_at=now,
            )
        )
    return user_id


def user_token(store: ServerStore, user_id: uuid.UUID) -> str:
    with store.write() as conn:
        token, _ = auth.issue_token(conn, "user", timedelta(hours=1), user_id=user_id)
    return token


def seed_world(store: ServerStore, share_a: bool = True) -> World:
    admin.create_organisation(store, "Gemeente Testdorp", "Postbus 1, 1234 AB Testdorp")
    a = admin.create_site(store, "Centrum", share_log_with_employees=share_a)
    b = admin.create_site(store, "Noord")
    world = World(store, a.id, b.id)
    for name, role, site in [
        ("emp", Role.EMPLOYEE, a.id),
        ("emp2", Role.EMPLOYEE, a.id),
        ("lead", Role.TEAM_LEAD, a.id),
        ("sec", Role.SECURITY, a.id),
        ("admin", Role.ADMINISTRATOR, None),
        ("emp_b", Role.EMPLOYEE, b.id),
        ("lead_b", Role.TEAM_LEAD, b.id),
    ]:
        world.users[name] = add_user(store, name, role, site)
        world.tokens[name] = user_token(store, world.users[name])
    created = admin.create_workstation(store, a.id, "balie1", "Balie 1")
    enrolled = auth.enroll(store, created.enrolment.code, "pc-1", world.device)
    world.workstation = enrolled.workstation_id
    world.tokens["ws"] = enrolled.token
    return world


@pytest.fixture
def world(store: ServerStore) -> World:
    return seed_world(store)


def incident_payload(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "description": "Bezoeker schreeuwde en sloeg met de vuist op de balie",
        "categories": frozenset({Category.VERBAL_AGGRESSION, Category.INTIMIDATION}),
        "occurred_at": datetime.now(UTC) - timedelta(minutes=10),
        "location": "Balie 1",
        "reporter": "Jan de Vries",
    }
    fields.update(changes)
    return incident_to_dict(Incident(**fields))


def change(
    seq: int,
    kind: str = "incident.created",
    entity_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
    base_revision: int | None = None,
) -> dict[str, Any]:
    if payload is None:
        payload = incident_payload(id=entity_id or uuid7())
    if entity_id is None:
        entity_id = uuid.UUID(str(payload["id"]))
    return {
        "change_id": str(uuid.uuid4()),
        "device_seq": seq,
        "kind": kind,
        "entity_id": str(entity_id),
        "payload": payload,
        "base_revision": base_revision,
        "created_at": datetime.now(UTC).isoformat(),
    }


def push(
    client: Any,
    headers: dict[str, str],
    device: uuid.UUID,
    changes: list[dict[str, Any]],
    epoch: str | None = None,
) -> Any:
    return client.post(
        "/api/v1/sync/push",
        json={"device_id": str(device), "epoch": epoch, "changes": changes},
        headers=headers,
    )


def pull_all(client: Any, headers: dict[str, str], limit: int = 1000) -> list[dict[str, Any]]:
    cursor, out = 0, []
    while True:
        r = client.get(f"/api/v1/sync/pull?cursor={cursor}&limit={limit}", headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["changes"])
        assert body["cursor"] >= cursor
        cursor = body["cursor"]
        if not body["has_more"]:
            return out


@dataclass
class Live:
    """A real ``veiligbalie-server serve`` process on a seeded database."""

    server: RunningServer
    world: World

    @property
    def url(self) -> str:
        return self.server.base_url


@pytest.fixture
def live(store: ServerStore, db_url: str) -> Iterator[Live]:
    world = seed_world(store)
    with running_server(db_url, env={"VEILIGBALIE_SERVER_PING_SECONDS": "0.5"}) as server:
        yield Live(server, world)
