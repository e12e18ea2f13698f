"""The main window as a user meets it: alarm button, areas, status, tray, shortcuts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from tests.e2e.drivers.alarm_station import build_station
from tests.support.net import LOOPBACK, free_udp_port, random_group
from tests.support.pulled import pull_report
from veiligbalie import settings
from veiligbalie.net.alarm_paths import store_site_key
from veiligbalie.services.context import AppContext
from veiligbalie.store.alarms import AlarmRepository
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(dutch: None, main_window: MainWindow) -> MainWindow:
    return main_window


def test_alarm_button_is_large_red_and_reachable_by_keyboard(window: MainWindow) -> None:
    button = window.findChild(QPushButton, "alarmButton")
    assert button is not None and button.isVisible()
    assert button.accessibleName()
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert button.width() >= 200 and button.height() >= 100
    assert "#c62828" in button.styleSheet()
    for area in window.visible_areas():  # always in sight, whatever the area
        window.show_area(area)
        assert button.isVisible()


def test_window_speaks_dutch_and_says_local(window: MainWindow) -> None:
    status = window.findChild(QLabel, "connectionStatus")
    assert status is not None
    assert status.text().startswith("Lokaal")
    assert "Alarm niet verbonden" in status.text()
    titles = [window.findChild(QPushButton, f"nav_{k}").text() for k in window.visible_areas()]
    # No server: the workstation is its own log, so every area shows (Opvolging only where
    # this build has its module).
    review = [QCoreApplication.translate("MainWindow", "Overview")]
    if "followup" in window.AREAS:
        review.insert(0, QCoreApplication.translate("MainWindow", "Follow-up"))
    assert titles == ["Melden", "Mijn meldingen", "Hulp", "Logboek", *review, "Instellingen"]
    assert "Alarm niet verbonden" in window.alarm_button.text()


def test_areas_by_keyboard(qtbot, window: MainWindow) -> None:
    for index, area in enumerate(window.visible_areas(), start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + index), Qt.KeyboardModifier.ControlModifier)
        assert window.current_area() == area
    assert window.findChild(QWidget, "guidancePanel") is not None
    assert window.findChild(QWidget, "logTable") is not None


def test_ctrl_n_opens_the_incident_form(qtbot, window: MainWindow) -> None:
    window.show_area("help")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "report"
    form = window.findChild(QWidget, "incidentForm")
    assert form is not None and form.isVisible()


def test_tray_offers_alarm_and_new_report(qtbot, window: MainWindow) -> None:
    actions = window.tray.contextMenu().actions()
    names = [a.objectName() for a in actions]
    assert "trayAlarmAction" in names and "trayNewIncidentAction" in names
    window.show_area("settings")
    window.tray_new_action.trigger()
    assert window.current_area() == "report"


def test_alarm_without_any_path_is_recorded_and_says_so(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.context.alarms.delivery_failed, timeout=2000) as blocker:
        qtbot.mouseClick(window.alarm_button, Qt.MouseButton.LeftButton)
    alarm = blocker.args[0]
    box = window.findChild(QWidget, "alarmNotDeliveredBox")
    assert box is not None and box.isVisible()
    from veiligbalie.store.alarms import AlarmRepository

    stored = AlarmRepository(window.context.db).get(alarm.id)
    assert stored is not None


def test_log_lists_saved_reports(qtbot, window: MainWindow) -> None:
    from datetime import UTC, datetime

    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category

    repo = IncidentRepository(window.context.db)
    for n in range(3):
        repo.save_new(
            Incident(
                description=f"Bezoeker werd boos bij balie, poging {n}",
                categories=frozenset({Category.VERBAL_AGGRESSION}),
                occurred_at=datetime.now(UTC),
                location="Balie 1",
                reporter="anna",
            )
        )
    window.show_area("log")
    table = window.log_view.table
    assert table.model().rowCount() == 3
    assert table.model().index(0, 0).data().startswith("VB-")


def test_settings_are_saved_and_geometry_remembered(qtbot, window: MainWindow) -> None:
    view = window.settings_view
    view.station_location.setText("Stadskantoor, balie 3")
    view.save()
    assert settings.STATION_LOCATION.get() == "Stadskantoor, balie 3"
    # Tests run on the in-memory keyring: the screen must say secrets last this session only.
    assert "deze sessie" in view.keyring_state.text()

    window.resize(780, 580)
    window.save_geometry()
    context2 = AppContext.open(window.context.db)
    second = MainWindow(context2)
    qtbot.addWidget(second)
    assert (second.size().width(), second.size().height()) == (780, 580)
    second._quitting = True
    second.close()


def test_second_launch_brings_the_first_forward(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VEILIGBALIE_DATA_DIR=str(tmp_path / "s"))
    first = subprocess.Popen(
        [sys.executable, "-m", "veiligbalie.app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        log = tmp_path / "s" / "logs" / "veiligbalie.log"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log.exists() and "Main window shown" in log.read_text():
                break
            time.sleep(0.1)
        else:
            pytest.fail("first instance did not start")
        second = subprocess.run(
            [sys.executable, "-m", "veiligbalie.app"],
            cwd=ROOT,
            env=env,
            timeout=30,
            capture_output=True,
            text=True,
        )
        assert second.returncode == 0
        assert "asked it to come forward" in log.read_text()
        assert first.poll() is None  # the first one still runs
    finally:
        first.kill()
        first.wait()


def test_no_display_is_said_plainly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["VEILIGBALIE_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "veiligbalie.app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "xvfb-run" in result.stderr


def test_alarm_pressed_while_starting_is_raised_once_services_are_up(qtbot, dutch) -> None:
    shell = MainWindow()  # step one of start-up: no services yet
    qtbot.addWidget(shell)
    shell.show()
    assert shell.findChild(QLabel, "connectionStatus") is None
    qtbot.mouseClick(shell.alarm_button, Qt.MouseButton.LeftButton)
    assert shell.alarm_button.pending_press
    assert "Wordt verzonden" in shell.alarm_button.text()
    shell.show_area("log")  # chosen while starting: shown once the areas exist

    context = AppContext.open(Database.open())
    with qtbot.waitSignal(context.alarms.raised, timeout=2000) as raised:
        shell.attach(context)
    assert raised.args[0].station
    assert not shell.alarm_button.pending_press
    assert shell.current_area() == "log"
    assert shell.findChild(QLabel, "connectionStatus") is not None
    shell._quitting = True
    shell.close()
    context.close()


def test_alarm_pressed_right_after_shown_is_stored_and_sent_before_the_rest(
    qtbot, dutch, tmp_path: Path
) -> None:
    """Start-up as app.py runs it: the shell on screen, a press, then only what the first
    alarm needs (``open_alarm_path``). The alarm is stored and reaches a colleague over the
    LAN while no area and none of the services the alarm does not need exist; they follow
    on the next turn, and the form is then usable."""
    key = os.urandom(32)
    port, group = free_udp_port(), random_group()
    store_site_key(key)
    settings.SITE_ID.set("test-site")
    settings.STATION_NAME.set("Balie 7")
    settings.ALARM_LAN_INTERFACE.set(LOOPBACK)
    settings.ALARM_LAN_PORT.set(port)
    settings.ALARM_LAN_GROUP.set(group)
    settings.ALARM_SOUND.set(False)
    colleague = build_station(tmp_path / "colleague", "Balie 2", key, port, group)
    shell = MainWindow()
    qtbot.addWidget(shell)
    shell.show()
    qtbot.mouseClick(shell.alarm_button, Qt.MouseButton.LeftButton)
    assert shell.alarm_button.pending_press

    context = AppContext.open_alarm_path(Database.open())
    try:
        with qtbot.waitSignal(context.alarms.raised, timeout=2000) as raised:
            shell.attach(context)
        alarm = raised.args[0]
        # Nothing the alarm does not need has run yet: no area, no follow-up, no Hulp.
        assert not context.completed and context.guidance is None
        assert shell._pages == {}
        assert AlarmRepository(context.db).get(alarm.id) is not None
        assert "lan" in [e.path for e in context.alarms.log_of(alarm.id) if e.kind == "sent"]
        qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=5000)
        assert colleague.service.get(alarm.id).station == "Balie 7"
        # The next turn: the rest of the services, then the form on screen, usable.
        qtbot.waitUntil(lambda: shell.current_area() == "report", timeout=5000)
        assert context.completed and context.followup is not None
        form = shell.incident_form
        assert shell.stack.currentWidget().widget() is form
        assert form.isVisible() and form.isEnabled()
    finally:
        shell._quitting = True
        shell.close()
        shell.alarm_popup.close()
        context.close()
        colleague.close()


def test_areas_are_built_on_their_first_visit(qtbot, window: MainWindow) -> None:
    """Only the area on screen is built at start; another is built (with its objectName)
    when first shown, and the properties that reach into an area build it too."""
    qtbot.waitUntil(lambda: window.current_area() == "report", timeout=2000)
    assert set(window._pages) == {"report"}
    assert window.findChild(QWidget, "area_log") is None
    window.show_area("log")
    assert window.findChild(QWidget, "area_log") is not None
    assert window.current_area() == "log"
    assert window.settings_view.objectName()  # built on access, not shown
    assert window.current_area() == "log"
    assert set(window._pages) == {"report", "log", "settings"}


def test_log_follows_new_and_pulled_reports_without_switching(qtbot, window: MainWindow) -> None:
    from datetime import UTC, datetime

    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category

    window.show_area("log")
    model = window.log_view.table.model()
    assert model.rowCount() == 0
    pulled = Incident(
        description="Beller noemde het adres van een collega",
        categories=frozenset({Category.DOXING}),
        occurred_at=datetime.now(UTC),
        location="Balie 2",
        reporter="piet",
        reference="VB-2026-000900",
    )
    pull_report(window.context.db, pulled)
    window.context.incidents.notify_changed(pulled.id)  # what sync does after a pull
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=2000)
