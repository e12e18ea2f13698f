"""Beheer, Alarmering against a REAL server: an administrator signed in on a linked station
edits the escalation levels and saves them (the server has them after), a bad level shows
the server's own message, "Send test" reaches a real receiver on 127.0.0.1 and shows its
answer (and a refused port in plain words), and the LAN port and group saved for the site
reach this linked station's beacon at once and at its next heartbeat; Instellingen says
the server sets them. A non-administrator is refused by the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from tests.e2e.drivers.sync_kit import PASSWORD, admin, login
from tests.gui.conftest import site_server
from tests.support.net import free_tcp_port, free_udp_port, random_group
from tests.support.server import RunningServer
from tests.support.webhook import webhook_receiver
from veiligbalie import settings
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.admin.alarm_setup import AlarmSetupPage
from veiligbalie.ui.alarm_settings import AlarmSettings

pytestmark = pytest.mark.timeout(180)

USERS = (("beheer", "Bea Beheer", "administrator"), ("mdewit", "Marieke de Wit", "employee"))
SECRET = "meldkamer-geheim-42"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 4, USERS) as started:
        yield started


def _signed_in(qtbot: Any, running: RunningServer, code: str, user: str) -> AppContext:
    """A station linked with ``code`` (LAN on its own port and group) and ``user`` signed in."""
    settings.ALARM_LAN_PORT.set(free_udp_port())
    settings.ALARM_LAN_GROUP.set(random_group())
    context = AppContext.open(Database.open())
    session = context.session
    assert session is not None
    with qtbot.waitSignal(session.enrol_finished, timeout=20000) as enrolled:
        session.enrol(running.base_url, code)
    assert enrolled.args == [None]
    with qtbot.waitSignal(session.login_finished, timeout=20000) as signed_in:
        session.login(user, PASSWORD)
    assert signed_in.args == [None]
    return context


@pytest.fixture
def page(
    qtbot: Any, server: tuple[RunningServer, list[str]], request: pytest.FixtureRequest
) -> Iterator[AlarmSetupPage]:
    running, codes = server
    context = _signed_in(qtbot, running, codes[_STATION[request.node.name]], "beheer")
    widget = AlarmSetupPage(context)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitUntil(lambda: widget.site.count() == 1 and len(widget.rows) > 0, timeout=15000)
    yield widget
    context.close()


#: Each test links its own workstation (a code is used once).
_STATION = {
    "test_levels_edited_saved_and_refused_with_the_servers_message": 0,
    "test_send_test_shows_the_receivers_answer_and_a_refused_port": 1,
    "test_lan_port_and_group_reach_the_linked_stations_beacon": 2,
}


def _server_escalation(running: RunningServer) -> dict[str, Any]:
    token = login(running, "beheer")
    site = httpx.get(
        f"{running.base_url}/api/v1/admin/sites",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    ).json()[0]["id"]
    answer = httpx.get(
        f"{running.base_url}/api/v1/admin/sites/{site}/escalation",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    answer.raise_for_status()
    return dict(answer.json())


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _wait_text(qtbot: Any, label: Any, part: str) -> None:
    qtbot.waitUntil(lambda: part in label.text(), timeout=20000)


def test_levels_edited_saved_and_refused_with_the_servers_message(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: AlarmSetupPage
) -> None:
    running, _ = server
    assert "built-in default" in page.source.text()
    # The site's opening hours and test schedule sit on the same page, for the same site.
    assert page.schedule is not None and page.schedule.site_id == page.current_site()
    qtbot.waitUntil(lambda: page.schedule is not None and page.schedule.current is not None)
    assert page.secret_state.text() == "Not set"
    while len(page.rows) > 1:
        _click(qtbot, page.rows[-1].remove)
    first = page.rows[0]
    first.delay.setValue(0)
    first.set_targets(["colleagues"])
    second = page.add_level()
    assert second is not None
    second.delay.setValue(30)
    second.set_targets(["security", "team_lead"])
    third = page.add_level()
    assert third is not None
    third.delay.setValue(120)
    third.set_targets(["security"])
    third.webhook.setChecked(True)
    page.webhook_url.setText("https://meldkamer.example.nl/veiligbalie")
    page.secret.setText(SECRET)
    _click(qtbot, page.save_button)
    _wait_text(qtbot, page.escalation_message, "Saved.")
    assert page.source.text() == "Set for this site."
    assert page.secret_state.text() == "Set" and page.secret.text() == ""
    stored = _server_escalation(running)
    assert stored["default"] is False and stored["webhook_secret_set"] is True
    assert [(x["delay_seconds"], x["targets"], x["webhook"]) for x in stored["levels"]] == [
        (0, ["colleagues"], False),
        (30, ["security", "team_lead"], False),
        (120, ["security"], True),
    ]
    assert SECRET not in str(stored)

    # Reordered so that the delays no longer rise: the server refuses, in its own words.
    _click(qtbot, page.rows[2].up)
    assert [row.delay.value() for row in page.rows] == [0, 120, 30]
    assert page.rows[1].number.text() == "Level 2"
    _click(qtbot, page.save_button)
    _wait_text(qtbot, page.escalation_message, "levels must be in order of their delay")
    # A level that alerts nobody: the schema's rule, with its reason.
    _click(qtbot, page.rows[1].down)
    page.rows[2].set_targets([])
    page.rows[2].webhook.setChecked(False)
    _click(qtbot, page.save_button)
    _wait_text(qtbot, page.escalation_message, "alerts nobody")
    assert len(_server_escalation(running)["levels"]) == 3  # unchanged on the server

    _click(qtbot, page.reset_button)
    _wait_text(qtbot, page.escalation_message, "Back to the built-in default.")
    assert "built-in default" in page.source.text()
    assert _server_escalation(running)["default"] is True


def test_send_test_shows_the_receivers_answer_and_a_refused_port(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: AlarmSetupPage
) -> None:
    _click(qtbot, page.test_button)
    _wait_text(qtbot, page.test_result, "no webhook URL")
    with webhook_receiver(status=202, answer=b'{"ticket": "MK-2291", "queued": true}') as hook:
        page.rows[-1].webhook.setChecked(True)
        page.webhook_url.setText(hook.url)
        page.secret.setText(SECRET)
        _click(qtbot, page.save_button)
        _wait_text(qtbot, page.escalation_message, "Saved.")
        _click(qtbot, page.test_button)
        _wait_text(qtbot, page.test_result, "HTTP 202")
        assert page.test_result.text().startswith("OK: 127.0.0.1:")
        assert "MK-2291" in page.test_result.text()
        assert len(hook.requests) == 1
        assert hook.requests[0].headers["X-VeiligBalie-Event"] == "webhook.test"
    page.webhook_url.setText(f"http://127.0.0.1:{free_tcp_port()}/hook")
    _click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "Saved." in page.escalation_message.text(), timeout=20000)
    _click(qtbot, page.test_button)
    _wait_text(qtbot, page.test_result, "refused the connection")
    assert page.test_result.text().startswith("No answer from 127.0.0.1:")


def test_lan_port_and_group_reach_the_linked_stations_beacon(
    qtbot: Any, server: tuple[RunningServer, list[str]], page: AlarmSetupPage
) -> None:
    running, codes = server
    lan = page.context.lan_alarms
    assert lan is not None
    qtbot.waitUntil(lan.is_active, timeout=20000)
    own_port = settings.ALARM_LAN_PORT.get()
    assert lan.beacon.port == own_port
    assert not page.lan_port.value() and page.lan_group.text() == ""

    page.lan_port.setValue(80)
    _click(qtbot, page.lan_save)
    _wait_text(qtbot, page.lan_message, "between 1024 and 65535")
    page.lan_port.setValue(1500)
    page.lan_group.setText("10.0.0.7")
    _click(qtbot, page.lan_save)
    _wait_text(qtbot, page.lan_message, "no multicast group")

    port, group = free_udp_port(), random_group()
    page.lan_port.setValue(port)
    page.lan_group.setText(group)
    _click(qtbot, page.lan_save)
    _wait_text(qtbot, page.lan_message, "Saved.")
    # Told on the stream at once: the beacon runs on the site's port without a restart.
    qtbot.waitUntil(lambda: lan.beacon.port == port and lan.is_active(), timeout=20000)
    assert settings.ALARM_LAN_SITE_GROUP.get() == group
    assert settings.ALARM_LAN_PORT.get() == own_port  # the station's own setting stays

    # Instellingen says the server sets it, and shows the server's values read-only.
    shown = AlarmSettings(page.context)
    qtbot.addWidget(shown)
    assert shown.port.value() == port and not shown.port.isEnabled()
    assert shown.group.text() == group and not shown.group.isEnabled()
    assert "sets the port and group of this site on the server" in shown.server_note.text()

    # Switched off for the site: the beacon stops and the status says why.
    page.lan_enabled.setChecked(False)
    _click(qtbot, page.lan_save)
    qtbot.waitUntil(lambda: not lan.is_active(), timeout=20000)
    assert "switched off for this site by the administrator" in lan.status

    # Changed from the command line (no stream event): taken at the next sign of life.
    admin(running, "site", "lan", "set", "--site", "Stadhuis", "--port", "station",
          "--group", "station", "--enabled", "on")  # fmt: skip
    assert page.context.server_alarms is not None
    page.context.server_alarms.send_heartbeat()
    qtbot.waitUntil(lambda: lan.is_active() and lan.beacon.port == own_port, timeout=20000)
    assert shown.port.isEnabled() and not shown.server_note.isVisible()


def test_a_non_administrator_is_refused_by_the_server(
    qtbot: Any, server: tuple[RunningServer, list[str]]
) -> None:
    running, codes = server
    context = _signed_in(qtbot, running, codes[3], "mdewit")
    try:
        widget = AlarmSetupPage(context)
        qtbot.addWidget(widget)
        _wait_text(qtbot, widget.site_message, "Only an administrator may do this.")
        assert widget.site.count() == 0 and not widget.save_button.isEnabled()
    finally:
        context.close()
