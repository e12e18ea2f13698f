"""HTTPS when the server is given a certificate, and cursor consistency of the change log
under concurrent pushes (no change may be skipped by a puller that follows the cursor)."""

from __future__ import annotations

import ssl
import threading
import uuid
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import World, incident_payload
from tests.support.server import running_server
from tests.support.tls import self_signed
from veiligbalie.core.ids import uuid7
from veiligbalie.protocol.sync import PullResponse, PushRequest
from veiligbalie.server import auth, sync


def test_serves_https_with_a_certificate(
    store: object, db_url: str, tmp_path: Path, backend: str
) -> None:
    cert, key = self_signed(tmp_path)
    with running_server(db_url, tls=(cert, key)) as server:
        assert server.base_url.startswith("https://")
        trusted = ssl.create_default_context(cafile=str(cert))
        r = httpx.get(f"{server.base_url}/healthz", verify=trusted)
        assert r.status_code == 200 and r.json()["database"] == backend
        # A client that does not trust the certificate refuses the connection.
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.base_url}/healthz", verify=ssl.create_default_context())


def test_concurrent_pushes_never_hide_a_change_from_a_cursor_puller(world: World) -> None:
    store = world.store
    with store.read() as conn:
        emp = auth.authenticate(conn, world.tokens["emp"])
        lead = auth.authenticate(conn, world.tokens["lead"])
    pushed: set[str] = set()
    lock = threading.Lock()
    done = threading.Event()
    errors: list[BaseException] = []

    def pusher() -> None:
        try:
            device = uuid.uuid4()
            for n in range(15):
                ids = [uuid7() for _ in range(4)]
                changes = [
                    {"change_id": uuid.uuid4(), "device_seq": n * 4 + i + 1,
                     "kind": "incident.created", "entity_id": x,
                     "payload": incident_payload(id=x), "created_at": "2026-01-01T00:00:00Z"}
                    for i, x in enumerate(ids)
                ]  # fmt: skip
                req = PushRequest.model_validate({"device_id": device, "changes": changes})
                assert len(sync.push(store, emp, req).response.accepted) == 4
                with lock:
                    pushed.update(str(x) for x in ids)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    seen: list[str] = []
    cursor = 0

    def pull_once() -> bool:
        nonlocal cursor
        page = PullResponse.model_validate_json(sync.pull(store, lead, cursor, 7))
        # The server's planned follow-up tasks ride along; each report is created once.
        seen.extend(str(c.entity_id) for c in page.changes if c.kind == "incident.created")
        assert page.cursor >= cursor
        cursor = page.cursor
        return page.has_more

    threads = [threading.Thread(target=pusher) for _ in range(4)]
    for th in threads:
        th.start()
    watcher = threading.Thread(target=lambda: ([th.join() for th in threads], done.set()))
    watcher.start()
    while not done.is_set():
        pull_once()
    while pull_once():
        pass
    watcher.join()
    assert not errors, errors
    assert len(pushed) == 4 * 15 * 4
    assert len(seen) == len(set(seen)), "a change was delivered twice"
    assert set(seen) == pushed, "a change was skipped by the cursor"
