"""The client's transports against small real servers on 127.0.0.1: ServerApi's headers and
error mapping (stdlib HTTP server), the Stream's auth message, watchdog and reconnect
(a `websockets` server that goes silent)."""

from __future__ import annotations

import json
import random
import socket
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from websockets.sync.server import ServerConnection, serve

from veiligbalie.net.api import ApiError, ServerApi, load_ca_certificates, normalise_base_url
from veiligbalie.net.stream import Stream, backoff_delay
from veiligbalie.protocol.sync import PullResponse


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        type(self).seen.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "device": self.headers.get("X-VB-Device"),
            }
        )
        if self.path.startswith("/api/v1/sync/pull"):
            self._answer(200, {"epoch": "e1", "cursor": 7, "has_more": False, "changes": []})
        elif self.path == "/api/v1/me":
            self._answer(401, {"detail": "token expired"})
        elif self.path == "/api/v1/boom":
            self._answer(500, {"detail": "oops"})
        elif self.path == "/api/v1/bad":
            self._answer(200, {"unexpected": True})
        else:
            self._answer(404, {"detail": "not here"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        type(self).seen.append({"path": self.path, "body": body})
        if self.path == "/api/v1/sync/push":
            self._answer(409, {"detail": "other database", "epoch": "e2"})
        else:
            self._answer(422, {"detail": [{"msg": "field required"}]})


@pytest.fixture
def http_server() -> Iterator[str]:
    _Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _call(qtbot: Any, start: Any) -> tuple[Any, ApiError | None]:
    box: list[tuple[Any, ApiError | None]] = []
    start(lambda result, error: box.append((result, error)))
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def test_pull_sends_token_and_device_and_parses_the_model(qtbot: Any, http_server: str) -> None:
    api = ServerApi()
    device = uuid.uuid4()
    api.configure(http_server, device_id=device)
    api.set_token("secret-token")
    result, error = _call(qtbot, lambda cb: api.pull(5, cb, limit=100))
    assert error is None
    assert isinstance(result, PullResponse) and result.cursor == 7
    seen = _Handler.seen[-1]
    assert seen["path"] == "/api/v1/sync/pull?cursor=5&limit=100"
    assert seen["auth"] == "Bearer secret-token"
    assert seen["device"] == str(device)


@pytest.mark.parametrize(
    ("path", "kind", "status"),
    [("/me", "auth", 401), ("/boom", "server", 500), ("/nowhere", "rejected", 404)],
)
def test_http_errors_are_mapped(
    qtbot: Any, http_server: str, path: str, kind: str, status: int
) -> None:
    api = ServerApi()
    api.configure(http_server)
    _, error = _call(qtbot, lambda cb: api.call("GET", path, None, None, cb))
    assert error is not None and error.kind == kind and error.status == status


def test_a_nonsense_answer_is_a_server_error(qtbot: Any, http_server: str) -> None:
    api = ServerApi()
    api.configure(http_server)
    _, error = _call(qtbot, lambda cb: api.call("GET", "/bad", None, PullResponse, cb))
    assert error is not None and error.kind == "server"


def test_epoch_mismatch_carries_the_servers_epoch(qtbot: Any, http_server: str) -> None:
    from datetime import UTC, datetime

    from veiligbalie.protocol.sync import Change, PushRequest

    api = ServerApi()
    api.configure(http_server)
    request = PushRequest(
        device_id=uuid.uuid4(),
        epoch="e1",
        changes=[
            Change(
                change_id=uuid.uuid4(),
                device_seq=1,
                kind="incident.note_added",
                entity_id=uuid.uuid4(),
                payload={"x": 1},
                created_at=datetime.now(UTC),
            )
        ],
    )
    _, error = _call(qtbot, lambda cb: api.push(request, cb))
    assert error is not None and error.kind == "epoch" and error.epoch == "e2"
    assert _Handler.seen[-1]["body"]["changes"][0]["device_seq"] == 1


def test_validation_detail_list_becomes_a_message(qtbot: Any, http_server: str) -> None:
    api = ServerApi()
    api.configure(http_server)
    _, error = _call(qtbot, lambda cb: api.call("POST", "/x", {"a": 1}, None, cb))
    assert error is not None and error.kind == "rejected" and "field required" in error.message


def test_closed_port_is_offline(qtbot: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    api = ServerApi()
    api.configure(f"http://127.0.0.1:{port}")
    _, error = _call(qtbot, lambda cb: api.health(cb))
    assert error is not None and error.kind == "offline" and error.transient


def test_addresses_and_ca_files_are_checked(tmp_path: Any) -> None:
    assert normalise_base_url("server.example.nl/") == "https://server.example.nl"
    assert normalise_base_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    with pytest.raises(ValueError):
        normalise_base_url("ftp://x")
    with pytest.raises(ValueError):
        load_ca_certificates(tmp_path / "missing.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ValueError):
        load_ca_certificates(junk)
    api = ServerApi()
    with pytest.raises(ValueError):
        api.configure("http://127.0.0.1:1", ca_file=junk)
    assert api.base_url == ""  # nothing changed


def test_backoff_grows_to_the_cap_with_jitter() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, 1000, 60_000, rng) for n in range(12)]
    assert 500 <= delays[0] <= 1000
    assert all(30_000 <= d <= 60_000 for d in delays[7:])
    assert len({backoff_delay(3, 1000, 60_000, rng) for _ in range(20)}) > 1


class _WsServer:
    """Greets a handshake's bearer token with hello; goes silent when told (half-open)."""

    def __init__(self) -> None:
        self.silent = threading.Event()
        self.auth_tokens: list[str] = []
        self.connections = 0
        self.pings = 0
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _handle(self, ws: ServerConnection) -> None:
        self.connections += 1
        try:
            assert ws.request is not None
            scheme, _, token = ws.request.headers.get("Authorization", "").partition(" ")
            if scheme == "Bearer" and token:
                self.auth_tokens.append(token)
                ws.send(json.dumps({"type": "hello", "epoch": "e1", "cursor": 3}))
                if not self.silent.is_set():
                    ws.send(json.dumps({"type": "changes", "cursor": 4}))
            for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    self.pings += 1
                    if not self.silent.is_set():
                        ws.send(json.dumps({"type": "pong"}))
        except Exception:
            pass

    def close(self) -> None:
        self._server.shutdown()


def test_stream_authenticates_pings_and_reconnects_after_silence(qtbot: Any) -> None:
    server = _WsServer()
    try:
        stream = Stream(
            ping_interval_ms=100, silence_limit_ms=600, backoff_min_ms=50, backoff_max_ms=200
        )
        events: list[dict] = []
        stream.received.connect(events.append)
        stream.configure(f"http://127.0.0.1:{server.port}", "tok-1")
        with qtbot.waitSignal(stream.connected, timeout=5000):
            stream.start()
        qtbot.waitUntil(lambda: any(e.get("type") == "changes" for e in events), timeout=5000)
        assert server.auth_tokens[0] == "tok-1"
        assert events[0] == {"type": "hello", "epoch": "e1", "cursor": 3}
        qtbot.waitUntil(lambda: server.pings >= 2, timeout=5000)
        assert stream.is_connected
        # The server stops answering: the watchdog must notice and reconnect on its own.
        server.silent.set()
        with qtbot.waitSignal(stream.disconnected, timeout=5000):
            pass
        qtbot.waitUntil(lambda: server.connections >= 2, timeout=5000)
        qtbot.waitUntil(lambda: stream.is_connected, timeout=5000)
        stream.stop()
        assert not stream.is_connected
    finally:
        server.close()


def test_stream_retries_while_the_server_is_away(qtbot: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    stream = Stream(backoff_min_ms=50, backoff_max_ms=100)
    errors: list[str] = []
    stream.error.connect(errors.append)
    stream.configure(f"http://127.0.0.1:{port}", "tok")
    stream.start()
    qtbot.waitUntil(lambda: len(errors) >= 3, timeout=5000)
    assert not stream.is_connected and stream.running
    stream.stop()
