"""SyncLogic against the real server app in-process: a stale field edit becomes a visible
conflict (never an overwrite), own edits never conflict with themselves, pulled edits land
in the local report, and a 409 epoch answer re-queues what was sent."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.pulled import pull_report
from tests.unit.test_sync_property import Replica, _new_server
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.protocol import sync as p
from veiligbalie.server.app import create_app
from veiligbalie.services.sync_logic import SyncLogic

AppClient = pytest.importorskip("fastapi.testclient").TestClient


class World:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="vb-sync-logic-"))
        self.server_path = self.folder / "server.sqlite3"
        tokens = _new_server(self.server_path)
        self.client = AppClient(create_app(f"sqlite:///{self.server_path}"))
        self.client.__enter__()
        self.replicas = [Replica(self.folder, i) for i in range(3)]
        for replica in self.replicas:
            replica.token = tokens[replica.username]

    def push(self, replica: Replica) -> Any:
        batch = replica.logic.next_push()
        assert batch is not None
        answer = self.client.post(
            "/api/v1/sync/push",
            content=batch.request.model_dump_json(),
            headers={**replica.headers(), "Content-Type": "application/json"},
        )
        if answer.status_code == 409:
            return answer
        assert answer.status_code == 200, answer.text
        return replica.logic.apply_push(batch, p.PushResponse.model_validate_json(answer.text))

    def pull(self, replica: Replica) -> None:
        while True:
            answer = self.client.get(
                "/api/v1/sync/pull",
                params={"cursor": replica.logic.cursor, "limit": 100},
                headers=replica.headers(),
            )
            assert answer.status_code == 200, answer.text
            if not replica.logic.apply_pull(
                p.PullResponse.model_validate_json(answer.text)
            ).has_more:
                return

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.client.app.state.store.close()
        for replica in self.replicas:
            replica.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def world() -> Iterator[World]:
    made = World()
    yield made
    made.close()


def _report(replica: Replica) -> uuid.UUID:
    return replica.repo.save_new(
        Incident(
            description="Klant gooide een stoel om bij de balie",
            categories=frozenset({Category.PROPERTY_DAMAGE}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=3),
            location="Balie 1",
            reporter=replica.display,
        )
    ).id


def _edit(replica: Replica, incident: uuid.UUID, location: str) -> None:
    replica.incidents.record_followup(
        incident,
        p.INCIDENT_FIELD_EDITED,
        {"field": "location", "value": location},
        replica.display,
        base_revision=replica.repo.revision(incident),
    )


def test_stale_edit_is_a_visible_conflict_not_an_overwrite(world: World) -> None:
    lead_a, lead_b, emp = world.replicas
    incident = _report(emp)
    world.push(emp)
    world.pull(lead_a)
    world.pull(lead_b)
    assert lead_b.repo.revision(incident) == 1

    _edit(lead_a, incident, "Balie 7")
    _edit(lead_b, incident, "Spreekkamer 2")  # made on the same revision, unaware of A
    assert lead_b.repo.get(incident).location == "Spreekkamer 2"  # shown locally at once
    assert world.push(lead_a).accepted == 1
    result = world.push(lead_b)
    assert result.accepted == 0 and len(result.conflicts) == 1
    conflict = lead_b.logic.conflicts()[0]
    assert conflict["field"] == "location"
    assert conflict["server_value"] == "Balie 7"
    assert conflict["your_value"] == "Spreekkamer 2"
    assert lead_b.logic.pending_count() == 0  # settled for the queue, kept in the list

    # The server's value wins everywhere once pulled; A's own edit does not conflict later.
    for replica in (lead_a, lead_b, emp):
        world.pull(replica)
        assert replica.repo.get(incident).location == "Balie 7", replica.username
    assert lead_a.repo.revision(incident) == 2
    _edit(lead_a, incident, "Balie 8")
    assert world.push(lead_a).accepted == 1
    world.pull(emp)
    assert emp.repo.get(incident).location == "Balie 8"

    lead_b.logic.dismiss_conflict(conflict["device_seq"])
    assert lead_b.logic.conflicts() == []


def test_epoch_answer_requeues_everything_sent(world: World) -> None:
    _lead, _other, emp = world.replicas
    first = _report(emp)
    world.push(emp)
    world.pull(emp)
    old_epoch = emp.logic.epoch
    assert old_epoch and emp.logic.cursor > 0

    # The server's database is replaced: our next push carries the old epoch.
    world.client.__exit__(None, None, None)
    world.client.app.state.store.close()
    _new_server(world.server_path)
    world.client = AppClient(create_app(f"sqlite:///{world.server_path}"))
    world.client.__enter__()
    second = _report(emp)
    answer = world.push(emp)
    assert answer.status_code == 409
    assert emp.logic.adopt_epoch(answer.json()["epoch"])
    assert emp.logic.cursor == 0 and emp.logic.pending_count() == 2
    while emp.logic.next_push() is not None:
        world.push(emp)
    world.pull(emp)
    answer = world.client.get("/api/v1/incidents", headers=emp.headers())
    assert {item["id"] for item in answer.json()["items"]} == {str(first), str(second)}


def test_bad_pulled_change_is_skipped_not_fatal(world: World) -> None:
    emp = world.replicas[2]
    logic = SyncLogic(emp.db)
    page = p.PullResponse(
        epoch="e1",
        cursor=2,
        has_more=False,
        changes=[
            p.ServerChange(
                seq=1,
                kind=p.INCIDENT_CREATED,
                entity_id=uuid.uuid4(),
                payload={"occurred_at": "not a date"},
                created_at=datetime.now(UTC),
            ),
            p.ServerChange(
                seq=2,
                kind="incident.unknown_future_kind",
                entity_id=uuid.uuid4(),
                payload={},
                created_at=datetime.now(UTC),
            ),
        ],
    )
    result = logic.apply_pull(page)
    assert result.skipped == 2 and result.applied == 0
    assert logic.cursor == 2  # the cursor moves on: sync is never stuck on one change


def test_another_identity_does_not_inherit_pulled_reports(qapp, tmp_path: Path) -> None:
    """Signing a team lead out removes what was pulled for them; the next pull refills."""
    from veiligbalie.services.sync import SyncEngine
    from veiligbalie.store.database import Database
    from veiligbalie.store.incidents import IncidentRepository

    db = Database.open(tmp_path / "id.sqlite3")
    engine = SyncEngine(db)
    repo = IncidentRepository(db)
    engine.configure("http://127.0.0.1:9", "user-token", identity="user:mdewit")
    pulled = Incident(
        description="Beller noemde het adres van een collega",
        categories=frozenset({Category.DOXING}),
        occurred_at=datetime.now(UTC),
        location="Balie 2",
        reporter="piet",
        reference="VB-2026-000900",
        perpetrator_reference="dossier 123",
    )
    pull_report(db, pulled)
    engine.configure("http://127.0.0.1:9", "user-token", identity="user:mdewit")  # same person
    assert repo.get(pulled.id) is not None
    engine.configure("http://127.0.0.1:9", "station-token", identity="workstation")
    assert repo.get(pulled.id) is None
    engine.stop()
    db.close()
