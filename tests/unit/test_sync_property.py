"""Property test of sync: random local edits, pushes, pulls, lost answers, duplicated requests,
server restarts, a replaced server database and cloned devices (a copy of a replica's data
folder starting elsewhere, noticed by the store or not), between three client replicas and
their clones (each a real SQLite store driven by the transport-free SyncLogic) and the real
server app in-process.

At the end, after a full sync, every replica holds exactly what the server lets it see,
every change made anywhere is on the server, and nothing is there twice.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

fastapi_testclient = pytest.importorskip("fastapi.testclient")
AppClient = fastapi_testclient.TestClient

from veiligbalie.core.followup import plan_event_id  # noqa: E402
from veiligbalie.core.incident import Incident  # noqa: E402
from veiligbalie.core.vocabulary import Category, FollowUpKind, IncidentStatus  # noqa: E402
from veiligbalie.protocol import sync as p  # noqa: E402
from veiligbalie.server import admin  # noqa: E402
from veiligbalie.server.app import create_app  # noqa: E402
from veiligbalie.server.store import ServerStore  # noqa: E402
from veiligbalie.services.incidents import IncidentService  # noqa: E402
from veiligbalie.services.sync_logic import SyncLogic  # noqa: E402
from veiligbalie.store import device  # noqa: E402
from veiligbalie.store.database import Database  # noqa: E402
from veiligbalie.store.incidents import IncidentRepository  # noqa: E402

PASSWORD = "correct horse battery"
USERS = (
    ("lead1", "Teamleider Een", "team_lead"),
    ("lead2", "Teamleider Twee", "team_lead"),
    ("emp", "Medewerker Drie", "employee"),
)
_TEMPLATES: dict[str, Path] = {}
_TEMPLATE_TOKENS: dict[str, str] = {}


def _template_dir() -> Path:
    """Migrated databases made once per test run and copied per example (fast set-up)."""
    if "dir" not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="vb-sync-prop-"))
        client = folder / "client.sqlite3"
        Database.open(client).close()
        with sqlite3.connect(client) as conn:
            conn.execute("DELETE FROM meta WHERE key = 'device_id'")
        _TEMPLATES["dir"] = folder
        _TEMPLATES["client"] = client
    return _TEMPLATES["dir"]


def _new_client_db(path: Path) -> Database:
    _template_dir()
    shutil.copy(_TEMPLATES["client"], path)
    return Database.open(path)  # gives the copy its own device id


def _server_template() -> tuple[Path, dict[str, str]]:
    """One server database with the organisation, the users and a login token each, made
    once: argon2 is deliberately slow, and copies of this file keep the tokens valid."""
    if "server" not in _TEMPLATES:
        path = _template_dir() / "server.sqlite3"
        store = ServerStore(f"sqlite:///{path}")
        try:
            admin.create_organisation(store, "Gemeente Test", "Postbus 1, 1000 AA Test")
            site = admin.create_site(store, "Stadhuis", share_log_with_employees=True)
            for username, display, role in USERS:
                admin.create_user(store, username, display, role, site.id, PASSWORD)
        finally:
            store.close()
        tokens: dict[str, str] = {}
        with AppClient(create_app(f"sqlite:///{path}")) as client:
            for username, _display, _role in USERS:
                answer = client.post(
                    "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
                )
                assert answer.status_code == 200, answer.text
                tokens[username] = answer.json()["token"]
            client.app.state.store.close()
        _TEMPLATES["server"] = path
        _TEMPLATE_TOKENS.update(tokens)
    return _TEMPLATES["server"], _TEMPLATE_TOKENS


def _new_server(path: Path) -> dict[str, str]:
    """A fresh server database (empty change log, a new epoch of its own); returns the
    users' tokens."""
    template, tokens = _server_template()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copy(template, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE server_meta SET value = ? WHERE key = 'epoch'", (uuid.uuid4().hex,))
    return tokens


class Replica:
    def __init__(self, folder: Path, index: int, db: Database | None = None) -> None:
        """User ``index``'s replica: a fresh store in ``folder``, or ``db`` (a clone's)."""
        self.username, self.display, self.role = USERS[index]
        self.db = db or _new_client_db(folder / f"replica{index}.sqlite3")
        self.logic = SyncLogic(self.db)
        self.repo = IncidentRepository(self.db)
        self.incidents = IncidentService(self.db)
        self.token = ""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-VB-Device": str(self.db.device_id)}


class SyncMachine(RuleBasedStateMachine):
    incidents = Bundle("incidents")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="vb-sync-case-"))
        self.server_path = self.folder / "server.sqlite3"
        tokens = _new_server(self.server_path)
        self.client: Any = None
        self._start_server()
        self.replicas = [Replica(self.folder, i) for i in range(len(USERS))]
        for replica in self.replicas:
            replica.token = tokens[replica.username]
        # What was made anywhere: incident id -> reporter's username; event ids made locally.
        self.made_incidents: dict[uuid.UUID, str] = {}
        self.made_events: set[uuid.UUID] = set()
        self.planned_by_server: set[uuid.UUID] = set()
        self.epoch_resets = 0

    # -- Server plumbing -------------------------------------------------------------------
    def _start_server(self) -> None:
        if self.client is not None:
            self.client.__exit__(None, None, None)
            self.client.app.state.store.close()
        self.client = AppClient(create_app(f"sqlite:///{self.server_path}"))
        self.client.__enter__()

    def _post_push(self, replica: Replica, request: p.PushRequest) -> Any:
        return self.client.post(
            "/api/v1/sync/push",
            content=request.model_dump_json(),
            headers={**replica.headers(), "Content-Type": "application/json"},
        )

    def _push(self, replica: Replica, twice: bool = False, drop: bool = False) -> bool:
        """One batch; True when it made progress (something left the queue)."""
        batch = replica.logic.next_push(limit=4)
        if batch is None:
            return False
        answer = self._post_push(replica, batch.request)
        if twice:
            answer = self._post_push(replica, batch.request)
        if drop:
            return False  # the server applied it; the answer never reached the client
        if answer.status_code == 409:
            assert replica.logic.adopt_epoch(answer.json()["epoch"])
            return True
        assert answer.status_code == 200, answer.text
        result = replica.logic.apply_push(batch, p.PushResponse.model_validate_json(answer.text))
        assert not result.dead, result.dead
        assert not result.conflicts
        return result.progressed

    def _pull(self, replica: Replica, limit: int = 3) -> bool:
        answer = self.client.get(
            "/api/v1/sync/pull",
            params={"cursor": replica.logic.cursor, "limit": limit},
            headers=replica.headers(),
        )
        assert answer.status_code == 200, answer.text
        result = replica.logic.apply_pull(p.PullResponse.model_validate_json(answer.text))
        assert result.skipped == 0
        return result.has_more

    def teardown(self) -> None:
        try:
            self._final_check()
        finally:
            if self.client is not None:
                self.client.__exit__(None, None, None)
                self.client.app.state.store.close()
            for replica in self.replicas:
                replica.db.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _replica(self, who: int) -> Replica:
        """Replica ``who``, counting clones too (they join at the end of the list)."""
        return self.replicas[who % len(self.replicas)]

    # -- Rules -----------------------------------------------------------------------------
    @rule(target=incidents, who=st.integers(0, 4), text=st.sampled_from(["schelden", "dreigen"]))
    def save_incident(self, who: int, text: str) -> uuid.UUID:
        replica = self._replica(who)
        incident = Incident(
            description=f"Klant ging {text} aan de balie",
            categories=frozenset({Category.VERBAL_AGGRESSION}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=5),
            location="Balie 1",
            reporter=replica.display,
        )
        saved = replica.repo.save_new(incident)
        self.made_incidents[saved.id] = replica.username
        return saved.id

    @rule(who=st.integers(0, 4), incident=incidents)
    def add_note(self, who: int, incident: uuid.UUID) -> None:
        replica = self._replica(who)
        if replica.repo.get(incident) is None:
            return  # not arrived here (yet)
        if replica.role == "employee" and self.made_incidents[incident] != replica.username:
            return  # employees add information to their own reports
        event = replica.repo.add_note(incident, replica.display, "Aanvulling op de melding")
        self.made_events.add(event.id)

    @rule(
        who=st.integers(0, 1),
        incident=incidents,
        status=st.sampled_from([IncidentStatus.RECEIVED, IncidentStatus.IN_PROGRESS]),
        message=st.booleans(),
    )
    def team_lead_change(
        self, who: int, incident: uuid.UUID, status: IncidentStatus, message: bool
    ) -> None:
        replica = self.replicas[who]
        if replica.repo.get(incident) is None:
            return
        if message:
            event_id = replica.incidents.record_followup(
                incident,
                p.INCIDENT_MESSAGE,
                {"author": replica.display, "text": "Ik bel je morgen even"},
                replica.display,
            )
        else:
            event_id = replica.incidents.record_followup(
                incident, p.INCIDENT_STATUS_CHANGED, {"status": status}, replica.display
            )
        self.made_events.add(event_id)

    @rule(who=st.integers(0, 4))
    def push(self, who: int) -> None:
        self._push(self._replica(who))

    @rule(who=st.integers(0, 4))
    def push_answer_lost(self, who: int) -> None:
        self._push(self._replica(who), drop=True)

    @rule(who=st.integers(0, 4))
    def push_duplicated(self, who: int) -> None:
        self._push(self._replica(who), twice=True)

    @rule(who=st.integers(0, 4))
    def pull(self, who: int) -> None:
        self._pull(self._replica(who))

    @precondition(lambda self: len(self.replicas) < 5)
    @rule(who=st.integers(0, 2), noticed=st.booleans())
    def clone_device(self, who: int, noticed: bool) -> None:
        """A copy of a replica's data folder starts on another desktop of the same person
        (a non-persistent virtual desktop), with everything the original had: its device
        id, its outbox numbers, its unsent changes. Either the store notices the copy and
        re-keys when it opens, or (a clone it cannot tell apart) both push under one device
        id until the server answers a collision and one of them re-keys."""
        source = self.replicas[who]
        path = self.folder / f"clone{len(self.replicas)}.sqlite3"
        with sqlite3.connect(source.db.path) as live, sqlite3.connect(path) as copy:
            live.backup(copy)
        copy.close()
        if not noticed:
            with sqlite3.connect(path) as conn:
                conn.execute(
                    "UPDATE meta SET value = ? WHERE key = ?",
                    (device.home_of(path), device.HOME_KEY),
                )
            conn.close()
        clone = Replica(self.folder, who, Database.open(path))
        assert (clone.db.device_id == source.db.device_id) is not noticed
        clone.token = source.token
        self.replicas.append(clone)

    @rule()
    def restart_server(self) -> None:
        self._start_server()

    @precondition(lambda self: self.epoch_resets < 2)
    @rule()
    def replace_server_database(self) -> None:
        """The server's database is lost and replaced by a fresh one (a new epoch)."""
        self.client.__exit__(None, None, None)
        self.client.app.state.store.close()
        self.client = None
        _new_server(self.server_path)
        self._start_server()
        self.epoch_resets += 1

    @invariant()
    def nothing_is_dead(self) -> None:
        for replica in self.replicas:
            assert replica.logic.dead_letters() == []

    # -- The end ---------------------------------------------------------------------------
    def _full_sync(self) -> None:
        for _round in range(8):
            for replica in self.replicas:
                while self._push(replica):
                    pass
                while self._pull(replica, limit=50):
                    pass
            if all(r.logic.pending_count() == 0 for r in self.replicas):
                # One more pull each: changes pushed late in the round reach everyone.
                for replica in self.replicas:
                    while self._pull(replica, limit=50):
                        pass
                return
        raise AssertionError("sync did not settle")

    def _server_view(self, replica: Replica) -> dict[uuid.UUID, tuple[str, list[uuid.UUID]]]:
        answer = self.client.get(
            "/api/v1/incidents", params={"limit": 1000}, headers=replica.headers()
        )
        assert answer.status_code == 200, answer.text
        view: dict[uuid.UUID, tuple[str, list[uuid.UUID]]] = {}
        for item in answer.json()["items"]:
            detail = self.client.get(f"/api/v1/incidents/{item['id']}", headers=replica.headers())
            assert detail.status_code == 200, detail.text
            body = detail.json()
            events = [uuid.UUID(e["id"]) for e in body["timeline"]]
            # The follow-up tasks the server planned on receipt (no client made them).
            self.planned_by_server.update(
                uuid.UUID(e["id"]) for e in body["timeline"] if e["author"] == "VeiligBalie"
            )
            view[uuid.UUID(item["id"])] = (body["status"], events)
        return view

    def _final_check(self) -> None:
        self._full_sync()
        lead = self.replicas[0]
        everything = self._server_view(lead)
        # No change lost, none applied twice: a team lead sees the whole site.
        assert set(everything) == set(self.made_incidents)
        server_events = [e for _status, events in everything.values() for e in events]
        assert len(server_events) == len(set(server_events))
        # The follow-up plan of a report is made on both sides with the same ids.
        plans = {plan_event_id(i, kind) for i in everything for kind in FollowUpKind}
        assert set(server_events) - plans == self.made_events
        for replica in self.replicas:
            assert replica.logic.pending_count() == 0
            view = everything if replica is lead else self._server_view(replica)
            local = {s.id: s for s in replica.repo.list_all(limit=10_000)}
            assert set(local) == set(view), replica.username
            for incident_id, (status, events) in view.items():
                assert local[incident_id].status.value == status, (replica.username, incident_id)
                timeline = [e.id for e in replica.repo.timeline(incident_id)]
                assert len(timeline) == len(set(timeline))
                assert set(timeline) - plans == set(events) - plans, (
                    replica.username,
                    incident_id,
                )


SyncMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_sync_converges = SyncMachine.TestCase


def test_an_unnoticed_clone_collides_re_keys_and_converges() -> None:
    """The clone step played out by hand: original and clone push different reports under
    one device id and the same numbers; the collision makes the clone re-key; both arrive."""
    machine = SyncMachine()
    try:
        machine.save_incident(2, "schelden")
        machine.push(2)
        machine.clone_device(2, noticed=False)
        clone = machine.replicas[3]
        shared = clone.db.device_id
        machine.save_incident(2, "dreigen")  # the original's change 2
        machine.save_incident(3, "schelden")  # the clone's change 2: same number
        machine.push(2)
        batch = clone.logic.next_push()
        assert batch is not None and [c.device_seq for c in batch.request.changes] == [2]
        answer = machine._post_push(clone, batch.request)
        response = p.PushResponse.model_validate_json(answer.text)
        assert [c.device_seq for c in response.collisions] == [2]
        result = clone.logic.apply_push(batch, response)
        assert result.rekeyed and clone.db.device_id != shared
        assert [i.device_seq for i in clone.logic.outbox.pending()] == [2]
        # A late answer for the old id changes nothing; the next push names the old id.
        assert not clone.logic.apply_push(batch, response).progressed
        assert clone.logic.pending_count() == 1
        again = clone.logic.next_push()
        assert again is not None and again.request.previous_device_id == shared
        machine.push(3)
        assert clone.logic.pending_count() == 0
    finally:
        machine.teardown()  # a full sync, then: nothing lost, nothing twice
