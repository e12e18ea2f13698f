"""The stream on a real uvicorn process: hello on connect, "changes" nudges only to clients of
the site that may see the change, ping/pong both ways, and token checks."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.server.conftest import Live, change, incident_payload, user_token
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin


def open_stream(live: Live, who: str, stack: ExitStack) -> ClientConnection:
    url = f"{live.server.ws_url}/api/v1/stream?token={live.world.tokens[who]}"
    ws = stack.enter_context(connect(url, open_timeout=10))
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


@pytest.mark.parametrize("how", ["query", "message"])
def test_bad_token_closes_with_4401(live: Live, how: str) -> None:
    url = f"{live.server.ws_url}/api/v1/stream"
    with connect(url + ("?token=wrong" if how == "query" else ""), open_timeout=10) as ws:
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
        for who in ("lead", "emp2", "sec"):
            nudge = wait_for(streams[who], "changes")
            assert nudge == {"type": "changes", "cursor": 1}
        assert messages(streams["lead_b"], 1.0) == []
        assert messages(streams["admin"], 0.1) == []
        # Only for the team lead's eyes: colleagues and security get no nudge.
        push_as(live, "emp", team_lead_only=True)
        assert wait_for(streams["lead"], "changes")["cursor"] == 2
        assert messages(streams["emp2"], 1.0) == []
        assert messages(streams["sec"], 0.1) == []


def test_revoked_token_is_disconnected(live: Live) -> None:
    token = user_token(live.world.store, live.world.users["emp"])
    with connect(f"{live.server.ws_url}/api/v1/stream?token={token}", open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        admin.revoke_tokens(live.world.store, user="emp")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
