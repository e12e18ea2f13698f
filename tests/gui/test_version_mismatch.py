"""A server newer or older than the workstation: every answer carries the server's API
version; a client whose version differs uses no answer, drops nothing, and Instellingen says
plainly whether the server or the workstation needs the update (never a crash). A server that
says nothing about its version (from before the header) is used as before."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol.sync import (
    API_VERSION,
    API_VERSION_HEADER,
    SERVER_VERSION_HEADER,
    HealthResponse,
)
from veiligbalie.services.context import AppContext
from veiligbalie.services.session import Problem, classify
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.ui.server_settings import ServerSettings

pytestmark = pytest.mark.timeout(120)


class _Handler(BaseHTTPRequestHandler):
    #: The API version the fake server claims (None: no header, like an old server).
    api: int | None = None
    requests: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        type(self).requests.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path == "/healthz":
            body: dict[str, Any] = {"status": "ok", "epoch": "e1", "database": "sqlite"}
        elif self.path.startswith("/api/v1/sync/push"):
            # What a server of another version might answer: well-formed, but not to be used.
            body = {"epoch": "e1", "accepted": [1], "rejected": [], "conflicts": []}
        else:
            body = {"epoch": "e1", "cursor": 0, "has_more": False, "changes": []}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if type(self).api is not None:
            self.send_header(API_VERSION_HEADER, str(type(self).api))
            self.send_header(SERVER_VERSION_HEADER, "9.9.9" if type(self).api else "0.0.1")
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer  # noqa: N815
    do_POST = _answer  # noqa: N815


@pytest.fixture
def fake_server() -> Iterator[str]:
    _Handler.api = None
    _Handler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _health(qtbot: Any, base: str) -> tuple[HealthResponse | None, ApiError | None]:
    api = ServerApi()
    api.configure(base)
    box: list[tuple[Any, ApiError | None]] = []
    api.health(lambda result, error: box.append((result, error)))
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    api.deleteLater()
    return box[0]


@pytest.mark.parametrize(
    ("api", "problem", "words"),
    [(API_VERSION + 1, Problem.SERVER_NEWER, "newer"), (0, Problem.SERVER_OLDER, "older")],
)
def test_another_api_version_is_a_version_error(
    qtbot: Any, fake_server: str, api: int, problem: Problem, words: str
) -> None:
    _Handler.api = api
    result, error = _health(qtbot, fake_server)
    assert result is None
    assert error is not None and error.kind == "version" and error.server_api == api
    assert words in error.message and not error.transient
    assert classify(error) is problem
    assert classify(error, "enrol") is problem  # linking says the same, not "bad code"


@pytest.mark.parametrize("api", [API_VERSION, None])
def test_the_same_version_or_none_said_is_used(
    qtbot: Any, fake_server: str, api: int | None
) -> None:
    _Handler.api = api
    result, error = _health(qtbot, fake_server)
    assert error is None and result is not None and result.epoch == "e1"


def test_the_real_server_says_its_versions(tmp_path: Any) -> None:
    import veiligbalie
    from veiligbalie.server.app import create_app
    from veiligbalie.server.store import ServerStore

    store = ServerStore(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        with TestClient(create_app(store=store, files_dir=tmp_path / "files")) as client:
            for path in ("/healthz", "/api/v1/me", "/api/v1/nowhere"):
                answer = client.get(path)
                assert answer.headers[API_VERSION_HEADER] == str(API_VERSION), path
                assert answer.headers[SERVER_VERSION_HEADER] == veiligbalie.__version__
            health = client.get("/healthz").json()
            assert health["api"] == API_VERSION and health["version"] == veiligbalie.__version__
    finally:
        store.close()


def test_sync_against_a_newer_server_keeps_everything_and_says_so(
    qtbot: Any, fake_server: str
) -> None:
    _Handler.api = API_VERSION + 1
    context = AppContext.open(Database.open())
    try:
        engine = context.sync
        assert engine is not None
        IncidentRepository(context.db).save_new(
            Incident(
                description="Bezoeker sloeg met de vuist op de balie",
                categories=frozenset({Category.INTIMIDATION}),
                occurred_at=datetime.now(UTC) - timedelta(minutes=5),
                location="Balie 2",
                reporter="Marieke de Wit",
            ),
            [],
        )
        page = ServerSettings(context)
        qtbot.addWidget(page)
        page.resize(900, 700)
        engine.configure(fake_server, "a-token", identity="user:mdewit")
        engine.start()
        engine.notify_local_change()
        qtbot.waitUntil(lambda: engine.last_error is not None and not engine.busy, timeout=15000)
        assert engine.last_error is not None and engine.last_error.kind == "version"
        # The push was answered "accepted", but by a server of another version: not believed.
        assert engine.pending == 1
        assert engine.dead_letters() == []
        page.refresh_sync()
        text = page.sync_state.text()
        assert "newer version of VeiligBalie" in text and "update VeiligBalie here" in text
        page.show()
        page.grab().save("/tmp/pkg-server-version.png")
        engine.stop()
    finally:
        context.close()
