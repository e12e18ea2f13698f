"""The sender is never falsely reassured (issue 15), against a real server and a real second
client process (tests/e2e/drivers/alarm_station.py --app):

- a lone station with the server up says "No colleague reachable" on the alarm button (face
  and accessible description, in a warning look), not "0 reachable";
- pressed then, the indicator says nobody has received the alarm, and keeps saying so until
  a colleague's station does (here: one that comes online later and gets the open alarm);
- with a second station online the button shows the count again;
- when the colleague answers "Ik kom eraan" the sender's indicator names who is coming: the
  person signed in there and the workstation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.e2e.drivers.sync_kit import PASSWORD
from tests.gui.conftest import site_server
from tests.support.pdf import dutch_with_pending
from tests.support.processes import JsonLinesProcess
from tests.support.server import RunningServer
from veiligbalie import settings
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.alarm_button import AlarmButton
from veiligbalie.ui.alarm_indicator import AlarmIndicator

DRIVER = Path(__file__).resolve().parents[1] / "e2e" / "drivers" / "alarm_station.py"
SECURITY = ("mark", "Mark Veilig", "security")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 3, (SECURITY,)) as started:
        yield started


@pytest.fixture
def lone(qtbot: Any, server: tuple[RunningServer, list[str]]) -> Iterator[AppContext]:
    """This workstation, linked, on the server path only (no LAN network chosen)."""
    running, codes = server
    settings.ALARM_LAN_INTERFACE.set("")  # chosen: none, so enrolment leaves the LAN off
    settings.ALARM_SOUND.set(False)
    context = AppContext.open(Database.open())
    with qtbot.waitSignal(context.session.enrol_finished, timeout=15000):
        context.session.enrol(running.base_url, codes.pop(0))
    yield context
    context.close()


class Colleague(JsonLinesProcess):
    """A second client process: the real AppContext, server path only."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.err = open(folder / "driver.err", "wb")  # noqa: SIM115 - handed to the child
        args = ["--app", "--data-dir", str(folder), "--name", "collega"]
        super().__init__("collega", DRIVER, args, stderr=self.err)

    def stop(self, timeout: float = 10) -> int:
        try:
            return super().stop(timeout)
        finally:
            self.err.close()


def test_nobody_reachable_then_someone_comes(
    qtbot: Any, server: tuple[RunningServer, list[str]], lone: AppContext, tmp_path: Path
) -> None:
    running, codes = server
    button = AlarmButton(lone.alarms)
    indicator = AlarmIndicator(lone.alarms)
    qtbot.addWidget(button)
    qtbot.addWidget(indicator)

    # The server is up, nobody else is: said before the press, in a warning look.
    qtbot.waitUntil(lambda: lone.alarms.connected, timeout=15000)
    qtbot.waitUntil(lambda: "No colleague reachable" in button.text(), timeout=15000)
    assert "0 reachable" not in button.text()
    assert button.property("lonely") == "true" and button.property("connected") == "true"
    assert "No colleague reachable" in button.accessibleDescription()
    assert lone.alarms.nobody_reachable()
    with dutch_with_pending(QApplication.instance()):
        button.update_face()
        assert button.text().split("\n")[-1] == "Geen collega bereikbaar"
        assert "Geen collega bereikbaar" in button.accessibleDescription()
    button.update_face()

    # Pressed: sent to the server, received by nobody, and the indicator says so.
    button.click()
    (alarm,) = lone.alarms.own_open_alarms()
    assert lone.alarms.nobody_received(alarm.id)
    assert indicator.isVisible()
    assert "Nobody has received the alarm" in indicator.status_text()
    assert "colleague(s) on the way" not in indicator.status_text()
    assert indicator.property("failed") == "true"
    with dutch_with_pending(QApplication.instance()):
        assert "Niemand heeft het alarm ontvangen" in indicator.status_text()
    kinds = [e.kind for e in lone.alarms.log_of(alarm.id)]
    assert "unreached" in kinds and "undelivered" not in kinds

    # A colleague's station comes online: it gets the open alarm, the server tells the
    # sender it was delivered, and the indicator stops saying nobody has it.
    colleague = Colleague(tmp_path / "collega")
    try:
        qtbot.waitUntil(lambda: colleague.find("ready") != [], timeout=60000)
        colleague.command(f"enrol {running.base_url} {codes.pop(0)}")
        qtbot.waitUntil(lambda: colleague.find("enrolled", ok=True) != [], timeout=30000)
        qtbot.waitUntil(lambda: not lone.alarms.nobody_received(alarm.id), timeout=20000)
        assert "Nobody has received" not in indicator.status_text()
        assert "waiting for a colleague" in indicator.status_text()
        qtbot.waitUntil(lambda: "1 reachable" in button.text(), timeout=15000)
        assert button.property("lonely") == "false"
        assert "No colleague reachable" not in button.accessibleDescription()
        qtbot.waitUntil(
            lambda: colleague.find("raised", alarm_id=str(alarm.id)) != [], timeout=15000
        )

        # Security signs in there and answers: the sender reads who is coming, by name.
        colleague.command(f"login {SECURITY[0]} {PASSWORD}")
        qtbot.waitUntil(lambda: colleague.find("logged_in", ok=True) != [], timeout=15000)
        colleague.command(f"ack {alarm.id}")
        qtbot.waitUntil(lambda: "Mark Veilig" in indicator.status_text(), timeout=15000)
        text = indicator.status_text()
        assert "1 colleague(s) on the way: Mark Veilig (balie-2)" in text, text
    finally:
        colleague.stop()
