"""A day at the counter: the window fits a 1366x768 screen at 100, 125 and 150 % scaling,
the navigation shows where you are, Qt's own dialogs speak Dutch, the log says where its
reports come from, and "Alarm niet verbonden" says how to get the alarm working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QLocale, QRect, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton, QScrollArea

from tests.e2e.drivers.sync_kit import PASSWORD
from tests.gui.conftest import site_server
from tests.support.server import RunningServer
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "gui" / "drivers" / "fit_probe.py"


@pytest.fixture
def window(dutch: None, main_window: MainWindow) -> MainWindow:
    return main_window


@pytest.mark.timeout(180)
@pytest.mark.parametrize("scale", [1.0, 1.25, 1.5])
def test_every_area_fits_1366x768_with_a_taskbar(scale: float) -> None:
    """In a process of its own per scaling: QT_SCALE_FACTOR is read when Qt starts."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_SCALE_FACTOR",)}
    result = subprocess.run(
        [sys.executable, str(PROBE), str(scale)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    free_w, free_h = report["free"]
    assert (free_w, free_h) == (int(1366 / scale), int(728 / scale))
    # The window opens inside what the screen leaves free, whatever the scaling.
    frame_w, frame_h = report["frame"]
    assert frame_w <= free_w and frame_h <= free_h, report
    assert report["fits"] is True
    assert report["alarm_button_visible"] is True
    assert report["problems"] == [], "\n".join(report["problems"])
    assert report["horizontal_scroll"] == [], report["horizontal_scroll"]


def test_default_size_comes_from_the_screen(qtbot: Any, window: MainWindow) -> None:
    free = QRect(0, 0, 1366, 728)  # 1366x768 less a 40-pixel taskbar
    window._available = lambda: QRect(free)  # type: ignore[method-assign]
    size = window.default_size()
    assert size.width() <= 1366 - 16 and size.height() <= 728 - 40
    assert size.width() >= window.minimumWidth() and size.height() >= window.minimumHeight()
    large = QRect(0, 0, 2560, 1400)
    window._available = lambda: QRect(large)  # type: ignore[method-assign]
    assert window.default_size().width() < 2560  # a calm window, not a wall of white


def test_navigation_shows_where_you_are(qtbot: Any, window: MainWindow) -> None:
    buttons = {key: window.findChild(QPushButton, f"nav_{key}") for key in window.visible_areas()}
    for key, button in buttons.items():
        assert not button.icon().isNull(), key  # icon and text
        assert button.text() and button.accessibleName() == button.text()
    for key in window.visible_areas():
        window.show_area(key)
        checked = [k for k, b in buttons.items() if b.isChecked()]
        assert checked == [key]
        assert window.alarm_button.isVisible()  # the alarm button is always in sight
    # The scroll areas that keep small screens usable are no extra Tab stops.
    holders = [window.findChild(QScrollArea, f"area_{key}") for key in window.visible_areas()]
    for holder in [*holders, window.findChild(QScrollArea, "navigationScroll")]:
        assert holder is not None and holder.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert window.alarm_button.objectName() == "alarmButton"
    assert window.alarm_button.width() >= 200 and window.alarm_button.height() >= 120


def test_qt_dialogs_speak_dutch(qtbot: Any, window: MainWindow) -> None:
    dialog = QFileDialog(window, "Bijlage kiezen")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    buttons = [button.text() for button in dialog.findChildren(QPushButton)]
    assert any(text.startswith("Zoeken in") for text in labels), labels
    assert any("type" in text and "Bestand" in text for text in labels), labels
    assert not any("Look in" in text or "Files of" in text for text in labels), labels
    assert "Annuleren" in buttons and "&Openen" in buttons, buttons
    # Dates in the file list and elsewhere read Dutch.
    assert QLocale().toString(QDate(2026, 12, 2), QLocale.FormatType.LongFormat) == (
        "woensdag 2 december 2026"
    )


def test_alarm_not_connected_says_how_to_get_it_working(qtbot: Any, window: MainWindow) -> None:
    assert "Alarm niet verbonden" in window.alarm_button.text()
    assert "beheerder" in window.alarm_button.toolTip()
    status = window.connection_status
    assert "Alarm niet verbonden" in status.text() and "beheerder" in status.toolTip()
    link = window.alarm_help_link
    assert link.isVisible() and "Hoe krijg ik het alarm werkend?" in link.text()
    link.linkActivated.emit("#alarm")
    box = window.findChild(QMessageBox, "alarmConnectionHelp")
    assert box is not None and box.isVisible()
    assert "niemand" in box.text() and "112" in box.informativeText()
    assert "beheerder" in box.informativeText() and "LAN-sleutel" in box.informativeText()
    assert "serveradres" in box.informativeText()


def _report(text: str, reporter: str = "anna") -> Incident:
    return Incident(
        description=text,
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=datetime.now(UTC),
        location="Balie 1",
        reporter=reporter,
    )


def test_log_without_server_says_this_workstation(qtbot: Any, window: MainWindow) -> None:
    window.show_area("log")
    view = window.log_view
    assert view.pages.currentWidget() is view.empty
    assert view.empty.text().startswith("Nog geen meldingen op deze werkplek")
    window.context.incidents.save(_report("Bezoeker schreeuwde bij de balie"))
    qtbot.waitUntil(lambda: view.scope.text() == "1 melding op deze werkplek.", timeout=3000)
    # Nothing "waits" to be sent where no server is set up.
    assert window.connection_status.text() == "Lokaal · Alarm niet verbonden"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 2, (("mdewit", "Marieke de Wit", "employee"),)) as started:
        yield started


@pytest.mark.timeout(120)
def test_log_when_linked_says_shared_log(
    qtbot: Any, server: tuple[RunningServer, list[str]], window: MainWindow
) -> None:
    running, codes = server
    context = window.context
    window.show_area("log")
    view = window.log_view
    with qtbot.waitSignal(context.session.enrol_finished, timeout=15000) as enrolled:
        context.session.enrol(running.base_url, codes[0])
    assert enrolled.args[0] is None
    qtbot.waitUntil(lambda: context.sync.state == "connected", timeout=15000)
    # Linked, nothing reported yet: the empty state says so of the shared log.
    qtbot.waitUntil(
        lambda: view.empty.text().startswith("Nog geen meldingen in de gedeelde log"),
        timeout=15000,
    )
    assert "zodra de werkplek" not in view.empty.text()
    context.incidents.save(_report("Beller dreigde de medewerker op te wachten"))
    qtbot.waitUntil(lambda: context.sync.pending == 0, timeout=15000)
    qtbot.waitUntil(lambda: view.scope.text() == "1 melding van de gedeelde log.", timeout=15000)
    assert "op deze werkplek" not in view.scope.text()
    assert view.pages.currentWidget() is view.table


def test_my_report_without_a_server_promises_no_sending(qtbot: Any, window: MainWindow) -> None:
    service = window.context.incidents
    service.save(_report("Bezoeker gooide een folderrek om", service.reporter_name()))
    window.show_area("my_reports")
    view = window.my_reports
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=3000)
    view.select_row(0)
    text = view.status_text.text()
    assert text.startswith("Alleen opgeslagen op deze werkplek")
    assert "zodra de server bereikbaar is" not in text
    assert "beheerder" in text


def test_settings_say_what_unsent_changes_wait_for_without_a_server(
    qtbot: Any, window: MainWindow
) -> None:
    service = window.context.incidents
    service.save(_report("Bezoeker schold de medewerker uit", service.reporter_name()))
    window.show_area("settings")
    pending = window.findChild(QLabel, "syncPending")
    assert pending is not None
    qtbot.waitUntil(lambda: pending.text().startswith("1"), timeout=3000)
    assert pending.text() == "1, verzonden zodra deze werkplek aan een server is gekoppeld"


@pytest.mark.timeout(120)
def test_responders_are_named_by_the_signed_in_person(
    qtbot: Any, server: tuple[RunningServer, list[str]], window: MainWindow
) -> None:
    running, codes = server
    session = window.context.session
    with qtbot.waitSignal(session.enrol_finished, timeout=15000) as enrolled:
        session.enrol(running.base_url, codes[1])
    assert enrolled.args[0] is None
    # Linked, nobody signed in: "Ik kom eraan" carries the workstation's name.
    assert window.context.alarms.responder_name() == "balie-2"
    with qtbot.waitSignal(session.login_finished, timeout=15000) as signed_in:
        session.login("mdewit", PASSWORD)
    assert signed_in.args[0] is None
    assert window.context.alarms.responder_name() == "Marieke de Wit"
