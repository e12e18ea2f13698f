"""Alarms on a real ``veiligbalie-server serve`` process (SQLite and PostgreSQL) with real
WebSocket clients: fan-out to the site and not beyond, "delivered" back to the sender and in
the log, open alarms after hello, escalation levels in order until someone acknowledges, and
the signed webhook (with retries) received by a small HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.server.conftest import World, seed_world
from tests.support.server import RunningServer, running_server
from tests.support.waiting import wait_until
from veiligbalie.server import admin, auth
from veiligbalie.server.store import ServerStore

SECRET = "test-signing-secret"


@dataclass
class Site:
    server: RunningServer
    world: World
    ws2: str  # token of a second workstation of site A

    @property
    def url(self) -> str:
        return self.server.base_url

    def token(self, who: str) -> str:
        return self.ws2 if who == "ws2" else self.world.tokens[who]

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(who)}"}


@pytest.fixture
def site(store: ServerStore, db_url: str) -> Iterator[Site]:
    world = seed_world(store)
    created = admin.create_workstation(store, world.site_a, "balie2", "Balie 2")
    ws2 = auth.enroll(store, created.enrolment.code).token
    env = {"VEILIGBALIE_SERVER_PING_SECONDS": "5", "VEILIGBALIE_SERVER_WEBHOOK_BACKOFF": "0.1"}
    with running_server(db_url, env=env) as server:
        yield Site(server, world, ws2)


class Stream:
    """A stream client that keeps every event it received."""

    def __init__(self, site: Site, who: str, stack: ExitStack) -> None:
        url = f"{site.server.ws_url}/api/v1/stream"
        bearer = {"Authorization": f"Bearer {site.token(who)}"}
        self.ws: ClientConnection = stack.enter_context(
            connect(url, open_timeout=10, additional_headers=bearer)
        )
        self.seen: list[dict[str, Any]] = []
        hello = self.next()
        assert hello["type"] == "hello"
        self.seen.clear()

    def next(self, timeout: float = 10) -> dict[str, Any]:
        event = json.loads(self.ws.recv(timeout=timeout))
        self.seen.append(event)
        return event

    def wait(self, kind: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for event in self.seen:
            if event["type"] == kind and _matches(event, match):
                self.seen.remove(event)
                return event
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.next(left)
            except TimeoutError:
                break
            if event["type"] == kind and _matches(event, match):
                self.seen.remove(event)
                return event
        raise AssertionError(f"no {kind} {match} within {timeout}s; got {self.seen}")

    def drain(self, seconds: float) -> list[dict[str, Any]]:
        """Everything but pings and the online list within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.next(left)
            except TimeoutError:
                break
        return [e for e in self.seen if e["type"] not in ("ping", "stations.online")]


def _matches(event: dict[str, Any], match: dict[str, Any]) -> bool:
    alarm = event.get("alarm") or {}
    return all(event.get(k, alarm.get(k)) == v for k, v in match.items())


def post(site: Site, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(f"{site.url}/api/v1{path}", json=body, headers=site.h(who), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def log_of(site: Site, alarm_id: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{site.url}/api/v1/alarms/{alarm_id}", headers=site.h("lead"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["log"]


def test_fan_out_to_the_site_only_and_delivered_to_the_sender(site: Site) -> None:
    with ExitStack() as stack:
        streams = {w: Stream(site, w, stack) for w in ("ws", "ws2", "emp", "sec", "emp_b")}
        # The sender learns its station id by raising; ws2 tells its own by heartbeat.
        ws2_station = str(uuid.uuid4())
        post(site, "ws2", "/stations/heartbeat", {"station_id": ws2_station})
        alarm = post(site, "ws", "/alarms", {"id": str(uuid.uuid4()), "station_name": "Balie 1"})
        for who in ("ws2", "emp", "sec"):
            got = streams[who].wait("alarm.raised", id=alarm["id"])
            assert got["alarm"]["location"] == "Balie 1" and got["alarm"]["state"] == "raised"
        delivered = streams["ws"].wait("alarm.delivered", alarm_id=alarm["id"])
        assert delivered["station_id"] == ws2_station and delivered["station_name"] == "balie2"
        assert streams["emp_b"].drain(0.5) == []  # another site hears nothing

        ack = {"alarm_id": alarm["id"], "responder": "Piet", "at": datetime.now(UTC).isoformat()}
        post(site, "ws2", f"/alarms/{alarm['id']}/acknowledge", ack)
        got = streams["ws"].wait("alarm.acknowledged")
        assert got["ack"]["responder"] == "Piet" and got["alarm"]["state"] == "acknowledged"
        close = {"alarm_id": alarm["id"], "by": "Piet", "at": datetime.now(UTC).isoformat()}
        post(site, "emp", f"/alarms/{alarm['id']}/resolve", close)
        for who in ("ws", "ws2", "sec"):
            assert streams[who].wait("alarm.resolved")["by"]["by"] == "Piet"
        assert streams["emp_b"].drain(0.2) == []

    def delivered_to() -> set[str]:
        log = log_of(site, alarm["id"])
        sent = [s for e in log if e["kind"] == "delivered" for s in e["data"]["stations"]]
        raised = datetime.fromisoformat(alarm["raised_at"])
        assert all(datetime.fromisoformat(s["at"]) >= raised for s in sent)
        return {s["name"] for s in sent}

    assert wait_until(lambda: delivered_to() == {"balie2"})  # users are not stations


def test_open_alarms_and_online_stations_follow_hello(site: Site) -> None:
    first = post(site, "ws", "/alarms", {})
    second = post(site, "emp", "/alarms", {"type": "medical"})
    closed = post(site, "ws", "/alarms", {})
    close = {"alarm_id": closed["id"], "at": datetime.now(UTC).isoformat()}
    post(site, "emp", f"/alarms/{closed['id']}/resolve", close)
    with ExitStack() as stack:
        station = Stream(site, "ws", stack)
        late = Stream(site, "ws2", stack)  # connects after the raise
        raised = [late.next(), late.next()]
        assert [e["type"] for e in raised] == ["alarm.raised", "alarm.raised"]
        assert {e["alarm"]["id"] for e in raised} == {first["id"], second["id"]}
        online = late.wait("stations.online")
        names = {s["station_name"] for s in online["stations"]}
        assert names == {"balie1", "balie2"}
        # The first station hears that the second came online (a debounced list).
        assert wait_until(lambda: len(station.wait("stations.online", timeout=3)["stations"]) == 2)
        assert wait_until(lambda: online_now(site) == {"balie1", "balie2"})
    assert wait_until(lambda: online_now(site) == set())  # both streams closed


def online_now(site: Site) -> set[str]:
    r = httpx.get(f"{site.url}/api/v1/admin/stations", headers=site.h("admin"), timeout=10)
    return {s["name"] for s in r.json() if s["online"]}


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that answers ``statuses`` in turn (then 200)."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def valid(self, headers: dict[str, str], body: bytes) -> bool:
        stamp = headers["x-veiligbalie-timestamp"]
        mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        fresh = abs(time.time() - int(stamp)) < 60
        return fresh and hmac.compare_digest(
            headers["x-veiligbalie-signature"], f"sha256={mac.hexdigest()}"
        )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            rec.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            code = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    rec.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=rec.server.serve_forever, daemon=True)
    thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


def configure(site: Site, receiver: Receiver) -> None:
    body = {
        "levels": [
            {"delay_seconds": 0, "targets": ["colleagues"]},
            {"delay_seconds": 0.3, "targets": ["security", "team_lead"]},
            {"delay_seconds": 0.6, "webhook": True},
        ],
        "webhook_url": receiver.url,
        "webhook_secret": SECRET,
    }
    r = httpx.put(
        f"{site.url}/api/v1/admin/sites/{site.world.site_a}/escalation",
        json=body,
        headers=site.h("admin"),
        timeout=10,
    )
    assert r.status_code == 200, r.text


def test_unanswered_alarm_escalates_in_order_with_a_signed_webhook(
    site: Site, receiver: Receiver
) -> None:
    configure(site, receiver)
    receiver.statuses = [500, 500]  # the receiving centre hiccups twice
    with ExitStack() as stack:
        streams = {w: Stream(site, w, stack) for w in ("sec", "lead", "emp", "lead_b", "ws")}
        alarm = post(site, "ws", "/alarms", {})
        for who in ("sec", "lead", "ws"):  # the raising station hears who was told, too
            got = streams[who].wait("alarm.escalated", id=alarm["id"])
            assert got["level"] == 1 and got["alarm"]["state"] == "escalated"
            assert sorted(got["targets"]) == ["security", "team_lead"]
        wait_until(lambda: len(receiver.received) == 3)
        assert [e["type"] for e in streams["emp"].drain(0.3)] == ["alarm.raised"]
        assert streams["lead_b"].drain(0.1) == []
    for headers, body in receiver.received:
        assert receiver.valid(headers, body)
        sent = json.loads(body)
        assert sent["type"] == "alarm.escalated" and sent["level"] == 2
        assert sent["alarm"]["id"] == alarm["id"] and sent["site_name"] == "Centrum"
    assert not receiver.valid(receiver.received[0][0], receiver.received[0][1] + b" ")

    def steps() -> list[tuple[str, Any]]:
        log = log_of(site, alarm["id"])
        return [(e["kind"], e["data"].get("level")) for e in log if e["kind"] != "delivered"]

    wait_until(lambda: ("webhook_sent", 2) in steps())
    assert steps() == [
        ("raised", None),
        ("escalated", 0),
        ("escalated", 1),
        ("escalated", 2),
        ("webhook_failed", 2),
        ("webhook_failed", 2),
        ("webhook_sent", 2),
    ]
    log = log_of(site, alarm["id"])
    assert "secret" not in json.dumps(log) and SECRET not in site.server.log()


def test_acknowledgement_stops_escalation(site: Site, receiver: Receiver) -> None:
    configure(site, receiver)
    with ExitStack() as stack:
        sec = Stream(site, "sec", stack)
        alarm = post(site, "ws", "/alarms", {})
        ack = {"alarm_id": alarm["id"], "at": datetime.now(UTC).isoformat()}
        post(site, "ws2", f"/alarms/{alarm['id']}/acknowledge", ack)
        events = sec.drain(1.2)  # past both delays
    assert [e["type"] for e in events] == ["alarm.raised", "alarm.acknowledged"]
    assert receiver.received == []
    kinds = [(e["kind"], e["data"].get("level")) for e in log_of(site, alarm["id"])]
    assert ("escalated", 1) not in kinds and ("escalated", 2) not in kinds


@pytest.mark.postgres
def test_an_alarm_goes_round_while_every_shared_worker_waits_on_a_push(
    site: Site, db_url: str
) -> None:
    """Every station pushing at once (the server was away) holds all of the shared thread
    pool's workers: the alarm's reads, writes and threads are its own, so it is fanned out,
    answered and acknowledged while forty-five pushes wait (here: for the change-log lock,
    held by the test), and a station whose stream opens then is on the alarm path at once.
    Before, the raise waited for a free worker until the pushes ended."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the change-log lock a test can hold from outside is PostgreSQL's")
    import sqlalchemy as sa

    from tests.server.conftest import change
    from veiligbalie.server.store import CHANGE_LOG_LOCK_KEY

    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    pushes = 45
    answered: list[int] = []

    def push() -> None:
        device = str(uuid.uuid4())
        body = {"device_id": device, "changes": [change(i + 1) for i in range(3)]}
        r = httpx.post(f"{site.url}/api/v1/sync/push", json=body, headers=site.h("emp"), timeout=60)
        answered.append(r.status_code)

    threads = [threading.Thread(target=push) for _ in range(pushes)]
    try:
        with ExitStack() as stack, engine.connect() as holder:
            holder.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})
            sec = Stream(site, "sec", stack)
            for thread in threads:
                thread.start()

            def waiting_at_the_lock() -> int:
                with engine.connect() as conn:
                    return int(
                        conn.execute(
                            sa.text(
                                "SELECT count(*) FROM pg_locks "
                                "WHERE locktype = 'advisory' AND NOT granted"
                            )
                        ).scalar_one()
                    )

            assert wait_until(lambda: waiting_at_the_lock() >= 1, 30)
            time.sleep(1.0)  # the other pushes take the remaining workers
            assert answered == []  # every push still waits
            late = Stream(site, "ws2", stack)  # a station whose stream opens in the storm
            alarm = post(site, "ws", "/alarms", {"id": str(uuid.uuid4())})
            assert sec.wait("alarm.raised", id=alarm["id"])["alarm"]["state"] == "raised"
            assert late.wait("alarm.raised", id=alarm["id"])["alarm"]["state"] == "raised"
            ack = {"alarm_id": alarm["id"], "at": datetime.now(UTC).isoformat()}
            post(site, "ws2", f"/alarms/{alarm['id']}/acknowledge", ack)
            assert sec.wait("alarm.acknowledged")["alarm"]["id"] == alarm["id"]
            assert answered == []  # the pushes were waiting all along
            holder.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})
        for thread in threads:
            thread.join(60)
        assert answered == [200] * pushes
    finally:
        engine.dispose()
