"""The alarm inside the real main window: indicator under the button, the incident form
offered after our alarm is resolved, "Alarm niet verbonden" in the status bar, and the
alarm settings turning the LAN on (loopback only) and listing the peers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.e2e.drivers.alarm_station import build_station
from tests.support.net import free_udp_port, random_group
from veiligbalie import settings
from veiligbalie.protocol import lan as lan_protocol
from veiligbalie.services.alarm_paths import load_site_key
from veiligbalie.ui.main_window import MainWindow


@pytest.fixture
def located() -> None:
    settings.STATION_LOCATION.set("Stadhuis, balie 3")


@pytest.fixture
def window(located: None, main_window: MainWindow) -> MainWindow:
    return main_window


def test_press_shows_the_indicator_under_the_button(qtbot, window: MainWindow) -> None:
    status = window.findChild(QLabel, "connectionStatus")
    assert "Alarm not connected" in status.text()
    assert not window.alarm_indicator.isVisible()
    qtbot.mouseClick(window.alarm_button, Qt.MouseButton.LeftButton)
    assert window.alarm_indicator.isVisible()
    assert window.alarm_indicator.status_text().startswith("Alarm NOT delivered")
    window.findChild(object, "alarmNotDeliveredBox").close()


def test_resolved_alarm_offers_the_prefilled_report(qtbot, window: MainWindow) -> None:
    window.show_area("help")
    alarm = window.context.alarms.raise_alarm()
    window.findChild(object, "alarmNotDeliveredBox").close()
    window.context.alarms.resolve(alarm.id)
    assert window.current_area() == "report"
    assert window.incident_form.location.text() == "Stadhuis, balie 3"
    assert window.incident_form._alarm_id == alarm.id


def test_settings_turn_the_lan_on_and_list_peers(qtbot, window: MainWindow, tmp_path: Path) -> None:
    group = random_group()
    port = free_udp_port()
    panel = window.settings_view.alarm_settings
    assert panel.lan_status.text() == "Not set up: no site key on this workstation"

    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    assert not panel.set_key_from_file(str(bad))
    assert panel.message.text().startswith("Key not set:")
    assert load_site_key() is None

    panel.site_id.setText("stadhuis")
    panel.group.setText(group)
    panel.port.setValue(port)
    panel.interface.addItem("lo", "127.0.0.1")  # the loopback interface only, by address
    panel.interface.setCurrentIndex(panel.interface.count() - 1)
    with qtbot.waitSignal(panel.key_derivation.finished, timeout=10000):
        assert panel.set_key_from_passphrase("een lange zin voor de balie")
    key = load_site_key()
    assert key == lan_protocol.key_from_passphrase("een lange zin voor de balie", "stadhuis")
    assert window.context.lan_alarms.is_active()
    assert panel.message.text() == "Alarms between workstations are on."

    colleague = build_station(tmp_path / "b2", "Balie 2", key, port, group, site="stadhuis")
    try:
        qtbot.waitUntil(lambda: "Balie 2 (127.0.0.1)" in panel.peers.text(), timeout=3000)
        assert panel.lan_status.text().startswith("Active: 1 colleague")
        assert window.context.alarms.connected
        qtbot.waitUntil(lambda: "1 reachable" in window.alarm_button.text(), timeout=2000)
        status = window.findChild(QLabel, "connectionStatus")
        assert "Alarm not connected" not in status.text()
        # The test alarm button runs the whole path, marked TEST at the colleague.
        qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(colleague.service.open_alarms()), timeout=2000)
        assert colleague.service.open_alarms()[0].test
    finally:
        colleague.close()
