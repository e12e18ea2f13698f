"""The stream on a real uvicorn process: hello on connect, "changes" nudges only to clients of
the site that may see the change, ping/pong both ways, and token checks. And the direct frame
writer: it engages with the installed uvicorn, sends the very bytes the framework's path
sends, and the installed uvicorn is one it was verified with."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.bench import ws_stations
from tests.server.conftest import Live, World, change, incident_payload, seed_world, user_token
from tests.support.net import free_tcp_port
from tests.support.waiting import wait_until
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin, stream
from veiligbalie.server.app import create_app
from veiligbalie.server.store import ServerStore


def open_stream(live: Live, who: str, stack: ExitStack) -> ClientConnection:
    url = f"{live.server.ws_url}/api/v1/stream"
    bearer = {"Authorization": f"Bearer {live.world.tokens[who]}"}
    ws = stack.enter_context(connect(url, open_timeout=10, additional_headers=bearer))
    hello = json.loads(ws.recv(timeout=10))
    assert hello["type"] == "hello" and hello["epoch"] == live.world.store.epoch
    return ws


def messages(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    """Everything but pings and the online-stations list received within ``seconds``."""
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = json.loads(ws.recv(timeout=left))
        except TimeoutError:
            break
        if event["type"] not in ("ping", "stations.online"):
            out.append(event)
    return out


def wait_for(ws: ClientConnection, kind: str, seconds: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        event = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


def push_as(live: Live, who: str, **incident: Any) -> None:
    body = {
        "device_id": str(uuid.uuid4()),
        "epoch": None,
        "changes": [change(1, payload=incident_payload(id=uuid7(), **incident))],
    }
    r = httpx.post(f"{live.url}/api/v1/sync/push", json=body, headers=live.world.h(who), timeout=10)
    assert r.status_code == 200 and r.json()["accepted"] == [1], r.text


def test_hello_and_ping_pong(live: Live) -> None:
    with ExitStack() as stack:
        ws = open_stream(live, "emp", stack)
        ws.send(json.dumps({"type": "ping"}))
        assert wait_for(ws, "pong")["type"] == "pong"
        # The server pings on its own too (every 0.5 s in this test, 15 s by default).
        assert wait_for(ws, "ping", seconds=5) == {"type": "ping"}


def test_auth_by_first_message(live: Live) -> None:
    with connect(f"{live.server.ws_url}/api/v1/stream", open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": live.world.tokens["lead"]}))
        hello = json.loads(ws.recv(timeout=10))
        assert hello["type"] == "hello" and hello["cursor"] == 0


@pytest.mark.parametrize("how", ["header", "message"])
def test_bad_token_closes_with_4401(live: Live, how: str) -> None:
    url = f"{live.server.ws_url}/api/v1/stream"
    bearer = {"Authorization": "Bearer wrong"} if how == "header" else None
    with connect(url, open_timeout=10, additional_headers=bearer) as ws:
        if how == "message":
            ws.send(json.dumps({"type": "auth", "token": "wrong"}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def test_changes_nudge_reaches_those_who_may_see(live: Live) -> None:
    with ExitStack() as stack:
        streams = {
            w: open_stream(live, w, stack) for w in ("lead", "emp2", "sec", "lead_b", "admin")
        }
        push_as(live, "emp")
        cursors = set()
        for who in ("lead", "emp2", "sec"):
            nudge = wait_for(streams[who], "changes")
            # The report and the follow-up tasks the server planned for it.
            assert nudge["type"] == "changes" and nudge["cursor"] >= 1
            cursors.add(nudge["cursor"])
        (first,) = cursors
        assert messages(streams["lead_b"], 1.0) == []
        assert messages(streams["admin"], 0.1) == []
        # Only for the team lead's eyes: colleagues and security get no nudge.
        push_as(live, "emp", team_lead_only=True)
        assert wait_for(streams["lead"], "changes")["cursor"] > first
        assert messages(streams["emp2"], 1.0) == []
        assert messages(streams["sec"], 0.1) == []


def test_revoked_token_is_disconnected(live: Live) -> None:
    token = user_token(live.world.store, live.world.users["emp"])
    bearer = {"Authorization": f"Bearer {token}"}
    with connect(
        f"{live.server.ws_url}/api/v1/stream", open_timeout=10, additional_headers=bearer
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        admin.revoke_tokens(live.world.store, user="emp")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


# --- the direct frame writer ------------------------------------------------------------------


@dataclass
class InProcess:
    """The app under a real uvicorn server in a thread of this process (configured as
    ``serve`` configures it), so a test can look at the hub's counters."""

    world: World
    hub: stream.StreamHub
    port: int


@contextmanager
def uvicorn_thread(app: Any) -> Iterator[int]:
    port = free_tcp_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws=stream.UVICORN_WS, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), 30, what="uvicorn to start")
        assert server.started, "uvicorn did not start"
        yield port
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture
def in_process(tmp_path: Path) -> Iterator[InProcess]:
    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    world = seed_world(store)
    app = create_app(store=store, ping_interval=300)
    try:
        with uvicorn_thread(app) as port:
            yield InProcess(world, app.state.hub, port)
    finally:
        store.close()


class RawClient:
    """A stream client on a plain socket (no extension offered), reading whole frames as the
    bytes that came over the wire."""

    def __init__(self, port: int, token: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        handshake = ws_stations.Station(self.sock, token)
        self.sock.sendall(handshake.upgrade_request("127.0.0.1", port))
        while not handshake.finish_handshake():
            handshake.buf += self._recv()
        self.buf = bytes(handshake.buf)
        auth = json.dumps({"type": "auth", "token": token}).encode()
        self.sock.sendall(ws_stations.client_frame(ws_stations.OP_TEXT, auth))
        assert self.next_event("hello")

    def _recv(self) -> bytes:
        data = self.sock.recv(1 << 16)
        assert data, "the server closed the connection"
        return data

    def frame(self) -> bytes:
        """The next whole frame, header included."""
        while (size := _frame_size(self.buf)) is None:
            self.buf += self._recv()
        whole, self.buf = self.buf[:size], self.buf[size:]
        return whole

    def next_event(self, kind: str) -> bytes:
        """The raw frame of the next text message of type ``kind`` (others are skipped)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            raw = self.frame()
            if raw[0] == 0x81 and json.loads(_payload(raw)).get("type") == kind:
                return raw
        raise AssertionError(f"no {kind} within 10 s")

    def close(self) -> None:
        self.sock.close()


def _header(data: bytes) -> tuple[int, int] | None:
    """(header size, payload length) of the frame ``data`` starts with, once it is complete."""
    if len(data) < 2:
        return None
    short = data[1] & 0x7F
    if short < 126:
        return 2, short
    head, fmt = (4, "!H") if short == 126 else (10, "!Q")
    return (head, struct.unpack_from(fmt, data, 2)[0]) if len(data) >= head else None


def _frame_size(data: bytes) -> int | None:
    found = _header(data)
    if found is None or len(data) < sum(found):
        return None
    return sum(found)


def _payload(frame: bytes) -> bytes:
    found = _header(frame)
    assert found is not None
    return frame[found[0] :]


def live_subscribers(hub: stream.StreamHub, count: int) -> list[stream.Subscriber]:
    subs: list[stream.Subscriber] = []

    def ready() -> bool:
        subs[:] = [s for site in hub.sites() for s in hub.subscribers(site) if s.live]
        return len(subs) == count

    wait_until(ready, 10, what=f"{count} live stream subscriber(s)")
    return subs


def test_the_installed_uvicorn_is_one_the_direct_writer_was_verified_with() -> None:
    (a, b), (c, d) = stream.UVICORN_VERIFIED
    assert stream.uvicorn_verified(uvicorn.__version__), (
        f"uvicorn {uvicorn.__version__} is installed, but the direct frame writer in "
        f"veiligbalie/server/stream.py was verified with uvicorn {a}.{b} to {c}.{d} only: it "
        "uses the internals of uvicorn's sans-I/O WebSocket protocol. Check DirectWriter "
        "against this version (these tests and tests/bench/bench_alarm_fanout.py), then widen "
        "UVICORN_VERIFIED; or install the pinned uvicorn (`make setup`)."
    )
    assert not stream.uvicorn_verified(f"{a}.{b - 1}.9")
    assert not stream.uvicorn_verified(f"{c}.{d + 1}.0")
    assert not stream.uvicorn_verified("not a version")


def test_no_direct_writer_for_other_servers_or_unverified_versions(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def other_servers_send(message: Any) -> None:
        raise AssertionError("not called")

    assert stream.verified_protocol() is not None
    assert stream.direct_writer(other_servers_send) is None
    assert stream.direct_writer(None) is None
    monkeypatch.setattr(stream, "UVICORN_VERIFIED", ((0, 35), (0, 53)))
    stream.verified_protocol.cache_clear()
    try:
        assert stream.verified_protocol() is None
        assert f"uvicorn {uvicorn.__version__} is not a version" in caplog.text
        assert "verified with (0.35 to 0.53)" in caplog.text
    finally:
        stream.verified_protocol.cache_clear()


def test_the_direct_writer_engages_with_the_installed_uvicorn(in_process: InProcess) -> None:
    client = RawClient(in_process.port, in_process.world.tokens["ws"])
    try:
        (sub,) = live_subscribers(in_process.hub, 1)
        assert isinstance(sub.direct, stream.DirectWriter)
        alarm_id = str(uuid7())
        r = httpx.post(
            f"http://127.0.0.1:{in_process.port}/api/v1/alarms",
            json={"id": alarm_id},
            headers=in_process.world.h("emp"),
            timeout=10,
        )
        assert r.status_code == 200, r.text
        raised = json.loads(_payload(client.next_event("alarm.raised")))
        assert raised["alarm"]["id"] == alarm_id
        # Every published frame (the alarm, the online lists) went straight to the socket.
        assert in_process.hub.frames_direct >= 1
        assert in_process.hub.frames_queued == 0
    finally:
        client.close()


def test_the_writer_task_sends_the_bytes_the_direct_writer_sends(in_process: InProcess) -> None:
    """Administrators belong to no site: the events published to "no site" reach only these
    two connections, one written directly, the other through its writer task."""
    world, hub = in_process.world, in_process.hub
    with ExitStack() as stack:
        direct_client = RawClient(in_process.port, world.tokens["admin"])
        stack.callback(direct_client.close)
        (first,) = live_subscribers(hub, 1)
        queued_client = RawClient(in_process.port, user_token(world.store, world.users["admin"]))
        stack.callback(queued_client.close)
        (second,) = [sub for sub in live_subscribers(hub, 2) if sub is not first]
        assert isinstance(second.direct, stream.DirectWriter)
        second.direct = None  # as with a server the direct writer does not know
        for n, pad in enumerate([0, 200, 70_000, 10]):  # 7-, 16- and 64-bit lengths
            event = {"type": "test.frame", "n": n, "pad": "é" * pad}
            before = (hub.frames_direct, hub.frames_queued)
            hub.publish(None, event, wait=5)
            assert (hub.frames_direct - before[0], hub.frames_queued - before[1]) == (1, 1)
            direct = direct_client.next_event("test.frame")
            queued = queued_client.next_event("test.frame")
            assert direct == queued
            text = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
            assert direct == stream.text_frame(text)
