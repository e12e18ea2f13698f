"""Two real server processes on ONE PostgreSQL database (LISTEN/NOTIFY carrying ids): an
alarm raised through process A reaches the stations on process B and back, an escalation
level fires once although both processes watch it, and after process A is killed with
SIGKILL a station that was on A moves to B and still receives the open alarm on hello.

The administrative events travel the same way: a site's LAN set-up changed through A
reaches the site's station on B (``site.lan``), a station on B moved by an administrator on
A learns its new location and one revoked on A has its stream closed by B at once, and a
drop-out that both processes' watches see is written once and told once to the viewers on
either process."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.server.conftest import World, seed_world
from tests.support.postgres import MISSING_REASON, create_database, pg_bin_dir, postgres_cluster
from tests.support.server import RunningServer, running_server
from veiligbalie.server import admin, auth
from veiligbalie.server import schema as t
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

    def until(
        self, match: Callable[[dict[str, Any]], bool], what: str, timeout: float = 10
    ) -> dict[str, Any]:
        """The first event (seen or still to come) that ``match`` admits."""
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            for event in self.seen[checked:]:
                if match(event):
                    return event
            checked = len(self.seen)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {what}; got {self.seen}")
            try:
                self._next(left)
            except TimeoutError:
                continue

    def closed_within(self, seconds: float) -> bool:
        """Whether the server closes this stream within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._next(left)
            except TimeoutError:
                return False
            except ConnectionClosed:
                return True
        return False

    def count(self, kind: str, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._next(left)
            except TimeoutError:
                break
        return sum(1 for e in self.seen if e["type"] == kind)


def post(
    server: RunningServer, token: str, path: str, body: dict[str, Any], method: str = "POST"
) -> dict[str, Any]:
    r = httpx.request(
        method,
        f"{server.base_url}/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()


@dataclass
class Office:
    """A fresh database on the cluster: the seeded world and its tokens, with the extra
    workstations of site A enrolled (their ids by name)."""

    url: str
    world: World
    tokens: dict[str, str]
    ids: dict[str, uuid.UUID]


def office(cluster: str, *stations: tuple[str, str]) -> Office:
    """``stations``: (name, location) of each extra workstation."""
    url = create_database(cluster)
    store = ServerStore(url)
    world: World = seed_world(store)
    tokens = dict(world.tokens)
    ids: dict[str, uuid.UUID] = {}
    for name, location in stations:
        created = admin.create_workstation(store, world.site_a, name, location)
        tokens[name] = auth.enroll(store, created.enrolment.code).token
        ids[name] = created.workstation.id
    store.close()
    return Office(url, world, tokens, ids)


def test_two_server_processes_share_alarms(cluster: str) -> None:
    made = office(cluster, ("balie2", "Balie2"), ("balie3", "Balie3"))
    url, world, tokens = made.url, made.world, made.tokens
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


def test_administrative_changes_reach_the_stations_and_viewers_on_the_other_process(
    cluster: str,
) -> None:
    made = office(cluster, ("balie2", "Balie 2"), ("balie3", "Balie 3"))
    url, world, tokens = made.url, made.world, made.tokens
    assert world.workstation is not None
    # The token check on ping would close a revoked station's stream too: not within this test.
    env = {
        "VEILIGBALIE_SERVER_PING_SECONDS": "60",
        "VEILIGBALIE_SUPERVISION_INTERVAL_SECONDS": "0.2",
        "VEILIGBALIE_DROPOUT_GRACE_SECONDS": "1",
    }
    admin_token = tokens["admin"]
    site = world.site_a

    with ExitStack() as stack:
        a = stack.enter_context(running_server(url, env=env))
        b = stack.enter_context(running_server(url, env=env))
        hours = [{"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(7)]
        post(a, admin_token, f"/admin/sites/{site}/supervision", {"opening_hours": hours}, "PUT")
        station = Station(b, tokens["ws"], stack)  # balie1 on B
        moving = Station(b, tokens["balie3"], stack)
        leaving = stack.enter_context(ExitStack())
        Station(b, tokens["balie2"], leaving)  # balie2 on B, until it leaves
        security = Station(a, tokens["sec"], stack)
        lead = Station(b, tokens["lead"], stack)

        # The LAN set-up, changed through A: the station on B is told at once.
        lan = {"port": 47123, "group": "239.255.47.99", "enabled": True}
        post(a, admin_token, f"/admin/sites/{site}/lan", lan, "PUT")
        told = station.until(lambda e: e["type"] == "site.lan", "site.lan")
        assert told["lan"] == {"site_id": str(site), **lan}

        # Moved within its site through A: the station on B hears its new location.
        path = f"/admin/workstations/{world.workstation}"
        post(a, admin_token, path, {"location": "Balie 9 (achter)"}, "PATCH")

        def relocated(event: dict[str, Any]) -> bool:
            return event["type"] == "stations.online" and any(
                s["location"] == "Balie 9 (achter)" for s in event["stations"]
            )

        station.until(relocated, "the new location in stations.online")

        # balie2 leaves B during opening hours: both processes' watches see it; one writes
        # the drop-out and each process tells its own viewers, once.
        leaving.close()
        for viewer in (security, lead):
            got = viewer.until(lambda e: e["type"] == "station.dropout", "station.dropout")
            assert got["dropout"]["name"] == "balie2" and got["dropout"]["back_at"] is None
        assert security.count("station.dropout", 2.0) == 1
        assert lead.count("station.dropout", 0.1) == 1
        with ServerStore(url).read() as conn:
            rows = conn.execute(sa.select(t.station_dropouts)).all()
        assert len(rows) == 1 and rows[0].workstation_id == made.ids["balie2"]

        # Revoked through A: B closes the station's stream now, not at its next token check;
        # moved to another site through A: its link ended, B closes its stream too.
        post(a, admin_token, f"/admin/workstations/{world.workstation}/revoke", {})
        assert station.closed_within(5)
        to_b = {"location": "Balie 1", "site_id": str(world.site_b)}
        moved = post(a, admin_token, f"/admin/workstations/{made.ids['balie3']}", to_b, "PATCH")
        assert moved["enrolment"] is not None
        assert moving.closed_within(5)


def test_a_new_alarm_crosses_before_its_commit_once_with_its_delivered_log(cluster: str) -> None:
    """A raise through A reaches B's stations by the note sent before A's commit (with the
    frame in it): once, although the note after the commit follows; B writes their
    "delivered" log once A's commit is known; a raise repeated through B notifies nobody."""
    made = office(cluster, ("balie2", "Balie2"), ("balie3", "Balie3"))
    url, tokens = made.url, made.tokens
    ids = {name: str(made.ids[name]) for name in ("balie2", "balie3")}
    env = {"VEILIGBALIE_SERVER_PING_SECONDS": "5"}

    with ExitStack() as stack:
        a = stack.enter_context(running_server(url, env=env))
        b = stack.enter_context(running_server(url, env=env))
        balie2 = Station(b, tokens["balie2"], stack)
        balie3 = Station(b, tokens["balie3"], stack)
        alarm_id = str(uuid.uuid4())
        alarm = post(a, tokens["ws"], "/alarms", {"id": alarm_id, "test": True})
        assert alarm["id"] == alarm_id
        got = balie2.wait("alarm.raised", alarm_id)
        assert got["alarm"]["location"] == "Balie 1"
        balie3.wait("alarm.raised", alarm_id)
        # The same id again, through B: stored already, nobody is told again.
        again = post(b, tokens["ws"], "/alarms", {"id": alarm_id, "test": True})
        assert again["id"] == alarm_id
        assert balie2.count("alarm.raised", 1.5) == 1
        assert balie3.count("alarm.raised", 0.1) == 1

        def delivered() -> set[str]:
            r = httpx.get(
                f"{a.base_url}/api/v1/alarms/{alarm_id}",
                headers={"Authorization": f"Bearer {tokens['lead']}"},
            )
            assert r.status_code == 200, r.text
            return {
                station["workstation_id"]
                for entry in r.json()["log"]
                if entry["kind"] == "delivered"
                for station in entry["data"]["stations"]
            }

        deadline = time.monotonic() + 10
        while delivered() != {ids["balie2"], ids["balie3"]} and time.monotonic() < deadline:
            time.sleep(0.1)
        assert delivered() == {ids["balie2"], ids["balie3"]}


def test_alarms_of_a_gap_in_the_listen_connection_reach_the_other_process_afterwards(
    cluster: str,
) -> None:
    """The database drops the processes' LISTEN connections (a restart of PostgreSQL, a
    network blip); an alarm raised through A meanwhile, and answered there, never crossed
    as a note. B, listening again, sends its station what changed since it last heard:
    the alarm and its answer."""
    made = office(cluster, ("balie2", "Balie 2"))
    url, tokens = made.url, made.tokens
    env = {"VEILIGBALIE_SERVER_PING_SECONDS": "5"}
    engine = sa.create_engine(url)

    with ExitStack() as stack:
        a = stack.enter_context(running_server(url, env=env))
        b = stack.enter_context(running_server(url, env=env))
        balie2 = Station(b, tokens["balie2"], stack)
        with engine.connect() as conn:
            dropped = conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
                )
            ).all()
        assert len(dropped) == 2  # A's and B's; each waits a second before listening again
        alarm = post(a, tokens["ws"], "/alarms", {"id": str(uuid.uuid4())})
        ack = {"alarm_id": alarm["id"], "responder": "Sam", "at": datetime.now(UTC).isoformat()}
        post(a, tokens["sec"], f"/alarms/{alarm['id']}/acknowledge", ack)
        assert balie2.wait("alarm.raised", alarm["id"], timeout=15)["alarm"]["location"]
        assert balie2.wait("alarm.acknowledged", alarm["id"])["ack"]["responder"] == "Sam"
        # It came by the catch-up, not by a note (none could arrive while B was deaf).
        assert "LISTEN connection lost" in b.log()
        assert "2 alarm event(s) since" in b.log()
    engine.dispose()
