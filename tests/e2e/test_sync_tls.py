"""The client verifies the server's certificate: a self-signed server is refused with a
"certificate" error (never silently accepted), and trusted once its CA file is configured,
for REST (ServerApi) and for the stream (wss)."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.drivers.sync_kit import PASSWORD, setup_site
from tests.support.server import running_server
from tests.support.tls import self_signed
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.net.stream import Stream
from veiligbalie.protocol.sync import HealthResponse

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def _health(qtbot: Any, api: ServerApi) -> tuple[HealthResponse | None, ApiError | None]:
    box: list[tuple[Any, ApiError | None]] = []
    api.health(lambda result, error: box.append((result, error)))
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    return box[0]


def test_untrusted_certificate_is_an_error_and_the_ca_file_fixes_it(
    qtbot: Any, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    with running_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", tls=(cert, key)) as server:
        api = ServerApi()
        api.configure(server.base_url)
        result, error = _health(qtbot, api)
        assert result is None
        assert error is not None and error.kind == "certificate"
        assert "self" in error.message.lower() or "certificate" in error.message.lower()

        api.configure(server.base_url, ca_file=cert)
        result, error = _health(qtbot, api)
        assert error is None and result is not None and result.status == "ok"

        setup_site(server, workstations=0, users=(("lead", "Lead", "team_lead"),))
        token = login_verified(server, cert)
        untrusted = Stream(backoff_min_ms=100, backoff_max_ms=200)
        reasons: list[str] = []
        untrusted.error.connect(reasons.append)
        untrusted.configure(server.base_url, token)
        untrusted.start()
        qtbot.waitUntil(lambda: bool(reasons), timeout=10000)
        assert not untrusted.is_connected
        untrusted.stop()

        trusted = Stream()
        trusted.configure(server.base_url, token, cert)
        with qtbot.waitSignal(trusted.connected, timeout=10000):
            trusted.start()
        trusted.stop()


def login_verified(server: Any, cert: Path) -> str:
    """A team lead's token, fetched with the certificate trusted (httpx, test side)."""
    answer = httpx.post(
        f"{server.base_url}/api/v1/auth/login",
        json={"username": "lead", "password": PASSWORD},
        verify=ssl.create_default_context(cafile=str(cert)),
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["token"])


def test_stream_with_a_refused_token_stops_and_says_so(qtbot: Any, tmp_path: Path) -> None:
    with running_server(f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        stream = Stream(backoff_min_ms=50, backoff_max_ms=100)
        stream.configure(server.base_url, "not-a-token")
        with qtbot.waitSignal(stream.auth_failed, timeout=10000):
            stream.start()
        assert not stream.running and not stream.is_connected
