"""Instellingen when linking, against REAL server processes: an address without a scheme
(https assumed, said so; a plain-http server named as such), TLS errors in plain words with
no OpenSSL text, the site by its name, the LAN fallback on by default on the interface that
reaches the server, where the workstation's credential is kept (with and without a keyring),
and the administrator's settings folded away under Geavanceerd."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QNetworkInterface

from tests.e2e.drivers.sync_kit import setup_site
from tests.gui.conftest import site_server
from tests.support.net import free_udp_port, random_group
from tests.support.server import RunningServer, running_server
from tests.support.tls import self_signed
from veiligbalie import secrets, settings
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.settings_view import SettingsView

pytestmark = pytest.mark.timeout(120)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TECHNICAL = ("SSL", "ssl", "OpenSSL", "error:", "handshake", "certificate verify")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 6) as started:
        yield started


@pytest.fixture
def lan_on_own_port() -> None:
    """The test's own UDP port and group; the interface is left for linking to choose."""
    settings.ALARM_LAN_PORT.set(free_udp_port())
    settings.ALARM_LAN_GROUP.set(random_group())


@pytest.fixture
def view(qtbot: Any, lan_on_own_port: None) -> Iterator[SettingsView]:
    context = AppContext.open(Database.open())
    widget = SettingsView(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    yield widget
    context.close()


def _enrol(qtbot: Any, view: SettingsView, url: str, code: str) -> str:
    page = view.server_settings
    page.server_url.setText(url)
    page.enrol_code.setText(code)
    with qtbot.waitSignal(page.session.enrol_finished, timeout=20000):
        qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    return page.enrol_message.text()


def _loopback_name() -> str:
    flags = QNetworkInterface.InterfaceFlag
    return next(i.name() for i in QNetworkInterface.allInterfaces() if i.flags() & flags.IsLoopBack)


def test_linking_names_the_site_and_turns_the_lan_on_where_the_server_is(
    qtbot: Any, server: tuple[RunningServer, list[str]], view: SettingsView
) -> None:
    running, codes = server
    alarm = view.alarm_settings
    assert alarm.site_name.text() == "Not linked with a server"
    assert "default" not in alarm.site_name.text()
    assert _enrol(qtbot, view, running.base_url, codes[0]) == "Linked with the server."

    assert alarm.site_name.text() == "Stadhuis"
    # Linked: no second link is offered in plain sight (unlinking is under Geavanceerd).
    page = view.server_settings
    assert not any(w.isVisible() for w in (page.server_url, page.enrol_code, page.enrol_button))
    link_state = view.server_settings.link_state.text()
    assert "Stadhuis" in link_state and not UUID.search(link_state)
    # A server on 127.0.0.1 is reached over the loopback interface: the LAN runs there.
    assert settings.ALARM_LAN_INTERFACE.get() == _loopback_name()
    qtbot.waitUntil(view.context.lan_alarms.is_active, timeout=5000)
    assert alarm.lan_status.text().startswith("Active")
    assert alarm.interface.currentData() == _loopback_name()


def test_a_network_switched_off_on_purpose_stays_off(
    qtbot: Any, server: tuple[RunningServer, list[str]], view: SettingsView
) -> None:
    running, codes = server
    view.alarm_settings.interface.setCurrentIndex(0)  # "Off: no alarms over the network"
    view.alarm_settings.apply()
    assert _enrol(qtbot, view, running.base_url, codes[1]) == "Linked with the server."
    assert settings.ALARM_LAN_INTERFACE.get() == ""
    assert not view.context.lan_alarms.is_active()
    # Unlinking forgets the choice made for that link; the next link chooses anew.
    view.server_settings.unlink()
    assert not settings.ALARM_LAN_INTERFACE.is_set()
    assert view.server_settings.enrol_button.isVisible()


def test_an_address_without_scheme_assumes_https_and_names_a_plain_http_server(
    qtbot: Any, server: tuple[RunningServer, list[str]], view: SettingsView
) -> None:
    running, codes = server
    bare = running.base_url.removeprefix("http://")
    page = view.server_settings
    page.server_url.setText(bare)
    assert page.address_note.text() == (
        f"No http:// or https:// given: the secure https://{bare} will be used."
    )
    message = _enrol(qtbot, view, bare, codes[2])
    assert message.startswith("This server does not use a secure connection (https), only http.")
    assert "CA" not in message and not any(word in message for word in TECHNICAL)
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) is None
    page.server_url.setText(running.base_url)
    assert page.address_note.text() == ""


def test_an_untrusted_certificate_is_explained_without_openssl_text(
    qtbot: Any, view: SettingsView, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    with running_server(f"sqlite:///{tmp_path / 'tls.sqlite3'}", tls=(cert, key)) as running:
        code = setup_site(running, workstations=1).codes[0]
        message = _enrol(qtbot, view, running.base_url, code)
    assert running.base_url.startswith("https://")
    assert message.startswith("No secure connection could be made with the server")
    assert not any(word in message for word in TECHNICAL), message
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) is None


def test_without_a_keyring_the_page_names_the_private_file(
    qtbot: Any, server: tuple[RunningServer, list[str]], view: SettingsView, data_dir: Path
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # a PC without a Secret Service
    view.refresh()
    assert not view.server_settings.storage_note.isVisible()  # nothing to warn about
    assert _enrol(qtbot, view, server[0].base_url, server[1][3]) == "Linked with the server."
    path = data_dir / secrets.CREDENTIAL_FILE
    assert path.exists()
    assert view.keyring_state.text() == (
        "This system has no keyring: the link of this workstation is kept in a file that "
        f"only your user can read: {path}. Passwords are never stored; whoever signs in "
        "does so again after a restart."
    )
    assert "keyring" not in view.alarm_settings.key_state.text()


def test_a_credential_file_others_can_read_is_not_used_and_said_so(
    view: SettingsView, data_dir: Path
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    settings.SERVER_URL.set("https://veiligbalie.example")
    path = data_dir / secrets.CREDENTIAL_FILE
    path.write_text('{"workstation-token": "planted"}', encoding="utf-8")
    path.chmod(0o644)
    view.refresh()
    assert not view.context.session.enrolled
    assert view.keyring_state.text().startswith(
        "The file with this workstation's link could not be used safely"
    )
    assert str(path) in view.keyring_state.text()
    assert view.server_settings.storage_note.isVisible()


def test_where_nothing_can_be_kept_linking_warns_first(qtbot: Any, view: SettingsView) -> None:
    # conftest's in-memory backend: the link lasts for this session only, said before linking.
    note = view.server_settings.storage_note
    assert note.isVisible()
    assert note.text().startswith("Nothing is kept on disk here: the link lasts for this session")
    assert view.keyring_state.text() == note.text()


def test_the_administrators_settings_are_folded_away(qtbot: Any, view: SettingsView) -> None:
    alarm, server = view.alarm_settings, view.server_settings
    admin_only = (alarm.port, alarm.group, alarm.interface, alarm.passphrase_button)
    admin_only += (alarm.site_id, server.ca_file, server.unlink_button, view.station_name)
    assert not view.advanced.is_expanded()
    assert not any(widget.isVisible() for widget in admin_only)
    # What a counter employee needs stays in sight.
    for widget in (
        server.link_state,
        server.login_state,
        server.login_button,
        server.logout_button,
        view.language,
        alarm.hotkey_edit,
        alarm.lan_status,
    ):
        assert widget.isVisible(), widget.objectName()
    assert view.advanced.header.text() == "&Advanced (administrator)"
    qtbot.mouseClick(view.advanced.header, Qt.MouseButton.LeftButton)
    assert all(widget.isVisible() for widget in admin_only)


def test_settings_pages_keep_to_the_dependency_rule() -> None:
    """ui imports services, never net or protocol (issue 8): these pages least of all."""
    root = Path(__file__).resolve().parents[2] / "veiligbalie" / "ui"
    for name in ("server_settings.py", "alarm_settings.py", "settings_view.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        imported = {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        bad = {
            m
            for m in imported
            if m.startswith(("veiligbalie.net", "veiligbalie.protocol", "veiligbalie.store"))
        }
        assert not bad, f"{name} imports {bad}"
