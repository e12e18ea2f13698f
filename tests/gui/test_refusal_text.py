"""refusal_text, the one sentence every Beheer and Toezicht service shows when a request in
the signed-in person's name fails, on answers from a REAL server (and a refused connection):
a 403 in the caller's own words, a 400 in the server's, no server at all, an ended session;
in Dutch through the compiled catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from tests.e2e.drivers.sync_kit import PASSWORD, admin, login, setup_site
from tests.support.net import free_tcp_port
from tests.support.server import RunningServer, running_server
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.services.session import refusal_text

pytestmark = [pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = "Only an administrator may do this."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("refusal")
    with running_server(f"sqlite:///{folder / 'server.sqlite3'}") as running:
        setup_site(running, users=(("mdewit", "Marieke de Wit", "employee"),))
        admin(
            running, "user", "create", "--username", "beheer", "--display-name", "Ben Beheer",
            "--role", "administrator", "--password", PASSWORD,
        )  # fmt: skip
        yield running


def ask(
    qtbot: Any, base_url: str, token: str | None, method: str, path: str, body: Any = None
) -> ApiError:
    """The error of one request through the client's own ServerApi."""
    api = ServerApi()
    api.configure(base_url)
    errors: list[ApiError | None] = []
    api.call(method, path, body, None, lambda _answer, error: errors.append(error), bearer=token)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    api.deleteLater()
    assert errors[0] is not None, "the server took it"
    return errors[0]


def test_a_403_is_told_in_the_callers_words(qtbot: Any, server: RunningServer) -> None:
    error = ask(qtbot, server.base_url, login(server, "mdewit"), "GET", "/admin/users")
    assert error.status == 403
    assert refusal_text(error, FORBIDDEN) == FORBIDDEN
    # Without a sentence of its own, the caller shows the server's.
    assert refusal_text(error) == error.message and error.message


def test_a_400_is_told_in_the_servers_words(qtbot: Any, server: RunningServer) -> None:
    token = login(server, "beheer")
    sites = httpx.get(
        f"{server.base_url}/api/v1/admin/sites",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    site = sites.json()[0]["id"]
    hours = {"opening_hours": [{"weekday": 1, "opens": "17:00", "closes": "09:00"}]}
    error = ask(qtbot, server.base_url, token, "PUT", f"/admin/sites/{site}/supervision", hours)
    assert error.status == 400 and error.kind == "rejected"
    text = refusal_text(error, FORBIDDEN)
    assert "is not after opening time" in text and text == error.message


def test_no_server_and_an_ended_session_in_plain_words(
    qtbot: Any, qapp: Any, server: RunningServer
) -> None:
    refused = ask(qtbot, f"http://127.0.0.1:{free_tcp_port()}", "x", "GET", "/admin/users")
    assert refused.kind == "offline"
    assert refusal_text(refused, FORBIDDEN) == "The server cannot be reached; try again later."
    # The caller may say more about what the screen still shows.
    assert refusal_text(refused, offline="Shown: what was last known.") == (
        "Shown: what was last known."
    )
    ended = ask(qtbot, server.base_url, "not-a-token", "GET", "/admin/users")
    assert ended.kind == "auth"
    assert refusal_text(ended, FORBIDDEN) == "Your session has ended: sign in again."
    assert refusal_text(None) == "The server gave no answer."
    # The Dutch moved with the sentences.
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "veiligbalie_nl.qm")), "run 'make setup'"
    assert QCoreApplication.installTranslator(translator)
    try:
        assert refusal_text(refused) == "De server is niet bereikbaar; probeer het later opnieuw."
        assert refusal_text(ended) == "Uw sessie is beëindigd: meld u opnieuw aan."
    finally:
        QCoreApplication.removeTranslator(translator)
