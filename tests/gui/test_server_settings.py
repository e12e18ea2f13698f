"""Instellingen > server against a REAL server process: enrolment (and its errors), sign in
and out with the token only in the keyring (never in settings.ini), password change, the
dead-letter list, and the connectionStatus texts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from tests.e2e.drivers.sync_kit import PASSWORD, admin, setup_site
from tests.gui.conftest import site_server
from tests.support.server import RunningServer, running_server
from veiligbalie import paths, secrets, settings
from veiligbalie.services.context import AppContext
from veiligbalie.services.session import LAN_KEY, USER_TOKEN, WORKSTATION_TOKEN
from veiligbalie.store.database import Database
from veiligbalie.ui.connection_status import ConnectionStatus
from veiligbalie.ui.server_settings import ServerSettings

pytestmark = pytest.mark.timeout(120)

USERS = (("mdewit", "Marieke de Wit", "employee"), ("gvisser", "Gert Visser", "employee"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 10, USERS) as started:
        yield started


@pytest.fixture
def context(qtbot: Any) -> Iterator[AppContext]:
    ctx = AppContext.open(Database.open())
    yield ctx
    ctx.close()


@pytest.fixture
def page(qtbot: Any, context: AppContext) -> ServerSettings:
    widget = ServerSettings(context)
    qtbot.addWidget(widget)
    return widget


def _settings_text() -> str:
    settings.sync()
    return (paths.data_dir() / "settings.ini").read_text(encoding="utf-8")


def _enrol(qtbot: Any, page: ServerSettings, url: str, code: str) -> None:
    page.server_url.setText(url)
    page.enrol_code.setText(code)
    with qtbot.waitSignal(page.session.enrol_finished, timeout=15000):
        qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)


def test_enrol_login_logout_keeps_secrets_out_of_settings(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings, context: AppContext
) -> None:
    running, codes = server
    _enrol(qtbot, page, running.base_url, codes[0])
    assert page.enrol_message.text() == "Linked with the server."
    token = secrets.get_secret(WORKSTATION_TOKEN)
    lan_key = secrets.get_secret(LAN_KEY)
    assert token and lan_key
    assert "Stadhuis" in page.link_state.text() and "Balie 1" in page.link_state.text()
    # The station takes the name and location the administrator gave it.
    assert settings.STATION_NAME.get() == "balie-1"
    assert settings.STATION_LOCATION.get() == "Balie 1"
    text = _settings_text()
    assert running.base_url in text
    assert token not in text and lan_key not in text
    qtbot.waitUntil(lambda: context.sync.state == "connected", timeout=15000)

    page.username.setText("mdewit")
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.session.login_finished, timeout=15000):
        qtbot.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
    assert page.login_message.text() == "Signed in."
    assert page.password.text() == ""
    user_token = secrets.get_secret(USER_TOKEN)
    assert user_token
    assert page.login_state.text() == "Signed in as Marieke de Wit."
    assert context.incidents.reporter_name() == "Marieke de Wit"
    text = _settings_text()
    assert user_token not in text and PASSWORD not in text
    assert "Marieke de Wit" in text
    assert page.logout_button.isEnabled() and not page.login_button.isEnabled()

    with qtbot.waitSignal(page.session.logout_finished, timeout=15000):
        qtbot.mouseClick(page.logout_button, Qt.MouseButton.LeftButton)
    assert secrets.get_secret(USER_TOKEN) is None
    assert "Marieke de Wit" not in _settings_text()
    assert page.login_button.isEnabled()
    # The token was revoked on the server too: it no longer opens anything.
    answer = httpx.get(
        f"{running.base_url}/api/v1/me", headers={"Authorization": f"Bearer {user_token}"}
    )
    assert answer.status_code == 401


def test_wrong_password_and_password_change(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings
) -> None:
    running, codes = server
    _enrol(qtbot, page, running.base_url, codes[1])
    page.username.setText("mdewit")
    page.password.setText("not the password")
    with qtbot.waitSignal(page.session.login_finished, timeout=15000):
        page.login()
    assert page.login_message.text() == "The username or the password is wrong."
    assert secrets.get_secret(USER_TOKEN) is None

    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.session.login_finished, timeout=15000):
        page.login()
    with qtbot.waitSignal(page.session.password_finished, timeout=15000):
        page.submit_password_change("wrong current password", "a brand new password")
    assert page.login_message.text() == "The current password is wrong."
    with qtbot.waitSignal(page.session.password_finished, timeout=15000):
        page.submit_password_change(PASSWORD, "a brand new password")
    assert page.login_message.text() == "The password was changed."
    with qtbot.waitSignal(page.session.password_finished, timeout=15000):
        page.submit_password_change("a brand new password", PASSWORD)  # others use it too
    assert page.login_message.text() == "The password was changed."


def test_guessing_is_slowed_then_locked_and_said_so(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings
) -> None:
    running, codes = server
    _enrol(qtbot, page, running.base_url, codes[9])
    texts = []
    for attempt in range(10):
        page.username.setText("gvisser")
        page.password.setText(f"guess number {attempt}")
        with qtbot.waitSignal(page.session.login_finished, timeout=15000):
            page.login()
        texts.append(page.login_message.text())
    assert texts[:3] == ["The username or the password is wrong."] * 3
    assert texts[3] == "Too many failed sign-ins. Wait a moment before you try again."
    assert texts[-1] == (
        "This account is locked after repeated failed sign-ins. Ask the administrator to unlock it."
    )
    # The right password now: still locked, and no token was handed out.
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.session.login_finished, timeout=15000):
        page.login()
    assert page.login_message.text() == texts[-1]
    assert secrets.get_secret(USER_TOKEN) is None


def test_enrolment_errors_are_explained(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings, tmp_path: Path
) -> None:
    running, _codes = server
    _enrol(qtbot, page, running.base_url, "NOT-A-CODE")
    assert "enrolment code is unknown" in page.enrol_message.text()
    assert secrets.get_secret(WORKSTATION_TOKEN) is None
    assert settings.SERVER_URL.get() == ""

    from tests.support.net import free_tcp_port

    _enrol(qtbot, page, f"http://127.0.0.1:{free_tcp_port()}", "ABC")
    assert page.enrol_message.text().startswith("The server cannot be reached")

    junk = tmp_path / "ca.pem"
    junk.write_text("no certificate here")
    page.ca_file.setText(str(junk))
    page.enrol_code.setText("ABC")
    page.enrol()
    assert "holds no certificate" in page.enrol_message.text()


def test_used_code_is_refused(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings
) -> None:
    running, codes = server
    _enrol(qtbot, page, running.base_url, codes[2])
    assert secrets.get_secret(WORKSTATION_TOKEN)
    page.session.unlink()
    assert secrets.get_secret(WORKSTATION_TOKEN) is None
    _enrol(qtbot, page, running.base_url, codes[2])
    assert "already used" in page.enrol_message.text()


def test_refused_change_lands_in_dead_letters_with_the_servers_reason(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings, context: AppContext
) -> None:
    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category, IncidentStatus
    from veiligbalie.protocol import sync as p

    running, codes = server
    _enrol(qtbot, page, running.base_url, codes[3])
    page.username.setText("mdewit")
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.session.login_finished, timeout=15000):
        page.login()
    saved = context.incidents.save(
        Incident(
            description="Klant sloeg op de balie",
            categories=frozenset({Category.PROPERTY_DAMAGE}),
            occurred_at=datetime.now(UTC),
            location="Balie 2",
            reporter="Marieke de Wit",
        )
    )
    qtbot.waitUntil(lambda: context.sync.pending == 0, timeout=15000)
    # An employee may not change the status: the server refuses it for good.
    context.incidents.record_followup(
        saved.id, p.INCIDENT_STATUS_CHANGED, {"status": IncidentStatus.IN_PROGRESS}, "M"
    )
    with qtbot.waitSignal(context.sync.dead_letters_changed, timeout=15000):
        context.sync.notify_local_change()
    qtbot.waitUntil(lambda: page.dead_letters.count() == 1, timeout=5000)
    assert "forbidden" in page.dead_letters.item(0).text()
    assert "incident.status_changed" in page.dead_letters.item(0).text()
    assert context.sync.pending == 0  # a dead letter never blocks the queue


def test_revoked_user_token_signs_out_here_and_sync_goes_on(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings, context: AppContext
) -> None:
    running, codes = server
    _enrol(qtbot, page, running.base_url, codes[4])
    page.username.setText("mdewit")
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(page.session.login_finished, timeout=15000):
        page.login()
    qtbot.waitUntil(lambda: context.sync.state == "connected", timeout=15000)
    admin(running, "token", "revoke", "--user", "mdewit")
    context.sync.sync_now()
    qtbot.waitUntil(lambda: secrets.get_secret(USER_TOKEN) is None, timeout=15000)
    assert page.login_state.text().startswith("Nobody is signed in")
    assert secrets.get_secret(WORKSTATION_TOKEN)
    # The workstation's own token carries on.
    qtbot.waitUntil(lambda: context.sync.state == "connected", timeout=15000)


def _save_report(context: AppContext, description: str) -> Any:
    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category

    return context.incidents.save(
        Incident(
            description=description,
            categories=frozenset({Category.THREAT}),
            occurred_at=datetime.now(UTC),
            location="Balie 7",
            reporter="Balie 7",
        )
    )


def _stations_reports(running: RunningServer) -> list[str]:
    """The ids of the reports the server holds from this workstation."""
    listed = httpx.get(
        f"{running.base_url}/api/v1/incidents",
        headers={"Authorization": f"Bearer {secrets.get_secret(WORKSTATION_TOKEN)}"},
        timeout=15,
    ).json()
    return [item["id"] for item in listed["items"]]


def test_a_cloned_device_id_is_replaced_at_enrolment_and_said_so(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings, context: AppContext
) -> None:
    running, codes = server
    cloned = context.db.device_id
    # The original of this disk image enrolled first, under the same device id.
    httpx.post(
        f"{running.base_url}/api/v1/enroll",
        json={"code": codes[5], "device_id": str(cloned)},
        timeout=15,
    ).raise_for_status()
    assert not page.sync_notice.isVisible()
    _enrol(qtbot, page, running.base_url, codes[6])
    assert context.db.device_id != cloned
    assert "new sync identity" in page.sync_notice.text()
    assert page.sync_notice.isVisibleTo(page)
    saved = _save_report(context, "Klant dreigde de medewerker")
    qtbot.waitUntil(lambda: context.sync.pending == 0, timeout=15000)
    assert context.sync.dead_letters() == []
    assert _stations_reports(running) == [str(saved.id)]


def test_a_push_refused_for_a_taken_device_id_re_keys_and_arrives(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: ServerSettings, context: AppContext
) -> None:
    running, codes = server
    elsewhere = uuid.uuid4()
    httpx.post(
        f"{running.base_url}/api/v1/enroll",
        json={"code": codes[7], "device_id": str(elsewhere)},
        timeout=15,
    ).raise_for_status()
    _enrol(qtbot, page, running.base_url, codes[8])
    qtbot.waitUntil(lambda: context.sync.state == "connected", timeout=15000)
    # An undetectable clone of that other station: this store carries its device id.
    context.db.rekey("test: a clone of the other station", elsewhere)
    saved = _save_report(context, "Klant gooide een stoel om")
    with qtbot.waitSignal(context.sync.notice, timeout=15000):
        context.sync.notify_local_change()
    qtbot.waitUntil(lambda: context.sync.pending == 0, timeout=15000)
    assert context.db.device_id != elsewhere
    assert context.sync.dead_letters() == []
    assert "new sync identity" in page.sync_notice.text()
    assert _stations_reports(running) == [str(saved.id)]


def test_connection_status_texts(qtbot: Any, context: AppContext, tmp_path: Path) -> None:
    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category

    label = ConnectionStatus(context)
    qtbot.addWidget(label)
    assert label.objectName() == "connectionStatus"
    assert label.text().startswith("Local")
    assert ("Alarm not connected" in label.text()) != context.alarms.connected

    with running_server(f"sqlite:///{tmp_path / 'own.sqlite3'}") as running:
        code = setup_site(running, workstations=1).codes[0]
        with qtbot.waitSignal(context.session.enrol_finished, timeout=15000):
            context.session.enrol(running.base_url, code)
        qtbot.waitUntil(lambda: label.text().startswith("Connected"), timeout=15000)
        running.stop()
        qtbot.waitUntil(lambda: label.text().startswith("No connection since"), timeout=15000)
        since = context.sync.last_contact.astimezone().strftime("%H:%M")
        assert label.text().startswith(f"No connection since {since}")
        for _ in range(2):
            context.incidents.save(
                Incident(
                    description="Klant schold de medewerker uit",
                    categories=frozenset({Category.VERBAL_AGGRESSION}),
                    occurred_at=datetime.now(UTC),
                    location="Balie 2",
                    reporter="Jan",
                )
            )
        qtbot.waitUntil(lambda: "· 2 changes waiting" in label.text(), timeout=5000)
        running.start()
        qtbot.waitUntil(lambda: label.text().startswith("Connected"), timeout=30000)
        qtbot.waitUntil(lambda: "waiting" not in label.text(), timeout=30000)
