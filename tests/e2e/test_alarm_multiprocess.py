"""Two real server processes on ONE PostgreSQL database (LISTEN/NOTIFY carrying ids): an
alarm raised through process A reaches the stations on process B and back, an escalation
level fires once although both processes watch it, and after process A is killed with
SIGKILL a station that was on A moves to B and still receives the open alarm on hello."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.server.conftest import World, seed_world
from tests.support.postgres import MISSING_REASON, create_database, pg_bin_dir, postgres_cluster
from tests.support.server import RunningServer, running_server
from veiligbalie.server import admin, auth
from veiligbalie.server.store import ServerStore

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    if pg_bin_dir() is None:
        pytest.skip(MISSING_REASON)
    with postgres_cluster() as url:
        yield url


class Station:
    """A stream client (the websockets package) of one server process."""

    def __init__(self, server: RunningServer, token: str, stack: ExitStack) -> None:
        url = f"{server.ws_url}/api/v1/stream"
        bearer = {"Authorization": f"Bearer {token}"}
        self.ws: ClientConnection = stack.enter_context(
            connect(url, open_timeout=10, additional_headers=bearer)
        )
        self.seen: list[dict[str, Any]] = []
        assert self._next(10)["type"] == "hello"
        self.seen.clear()

    def _next(self, timeout: float) -> dict[str, Any]:
        event = json.loads(self.ws.recv(timeout=timeout))
        self.seen.append(event)
        return event

    def wait(self, kind: str, alarm_id: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.seen:
                if event["type"] == kind and (event.get("alarm") or {}).get("id") == alarm_id:
                    return event
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} of {alarm_id}; got {self.seen}")
            try:
                self._next(left)
            except TimeoutError:
                continue

    def count(self, kind: str, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._next(left)
            except TimeoutError:
                break
        return sum(1 for e in self.seen if e["type"] == kind)


def post(server: RunningServer, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(
        f"{server.base_url}/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_two_server_processes_share_alarms(cluster: str) -> None:
    url = create_database(cluster)
    store = ServerStore(url)
    world: World = seed_world(store)
    tokens = dict(world.tokens)
    for name in ("balie2", "balie3"):
        created = admin.create_workstation(store, world.site_a, name, name.title())
        tokens[name] = auth.enroll(store, created.enrolment.code).token
    store.close()
    env = {"VEILIGBALIE_SERVER_PING_SECONDS": "5"}

    with ExitStack() as stack:
        a = stack.enter_context(running_server(url, env=env))
        b = stack.enter_context(running_server(url, env=env))
        escalation = {
            "levels": [
                {"delay_seconds": 0, "targets": ["colleagues"]},
                {"delay_seconds": 0.5, "targets": ["security"]},
            ]
        }
        r = httpx.put(
            f"{b.base_url}/api/v1/admin/sites/{world.site_a}/escalation",
            json=escalation,
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
        assert r.status_code == 200, r.text

        on_a = stack.enter_context(ExitStack())
        sender = Station(a, tokens["ws"], on_a)  # balie1 on A
        balie2 = Station(b, tokens["balie2"], stack)
        security = Station(b, tokens["sec"], stack)
        balie3 = Station(a, tokens["balie3"], on_a)

        # Raised through A: the stations on B hear it, B's acknowledgement reaches A.
        alarm = post(a, tokens["ws"], "/alarms", {"id": str(uuid.uuid4())})
        assert balie2.wait("alarm.raised", alarm["id"])["alarm"]["location"] == "Balie 1"
        security.wait("alarm.raised", alarm["id"])
        balie3.wait("alarm.raised", alarm["id"])
        ack = {"alarm_id": alarm["id"], "responder": "Piet", "at": datetime.now(UTC).isoformat()}
        post(b, tokens["balie2"], f"/alarms/{alarm['id']}/acknowledge", ack)
        got = sender.wait("alarm.acknowledged", alarm["id"])
        assert got["ack"]["responder"] == "Piet"

        # Unanswered: both processes watch it, exactly one fires level 1.
        lonely = post(a, tokens["balie3"], "/alarms", {})
        escalated = security.wait("alarm.escalated", lonely["id"])
        assert escalated["level"] == 1
        assert security.count("alarm.escalated", 1.5) == 1
        r = httpx.get(
            f"{b.base_url}/api/v1/alarms/{lonely['id']}",
            headers={"Authorization": f"Bearer {tokens['lead']}"},
        )
        levels = [e["data"]["level"] for e in r.json()["log"] if e["kind"] == "escalated"]
        assert levels == [0, 1]

        # Process A dies without a goodbye; its stations move to B.
        a.kill()
        on_a.close()
        moved = Station(b, tokens["ws"], stack)
        # The open alarms are sent right after hello (already consumed into `seen`).
        moved.wait("alarm.raised", alarm["id"])
        moved.wait("alarm.raised", lonely["id"])
        close = {"alarm_id": alarm["id"], "by": "Piet", "at": datetime.now(UTC).isoformat()}
        post(b, tokens["balie2"], f"/alarms/{alarm['id']}/resolve", close)
        assert moved.wait("alarm.resolved", alarm["id"])["by"]["by"] == "Piet"
