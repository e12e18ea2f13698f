"""A workstation created in Beheer > Werkplekken enrols with its code on a SECOND client
process and shows online in the list and on security's station board (Toezicht); when that
process is killed its row turns offline on both.

The administrator's side is the real page (WorkstationsPage over AdminStations) in this
process, signed in at a linked workstation of a real server (SQLite); the new workstation is
tests/e2e/drivers/alarm_station.py --app: the client as app.py builds it (AppContext.open),
which links with the code, keeps its stream and sends its heartbeat with its version.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QDialogButtonBox

from tests.e2e.drivers.sync_kit import PASSWORD, login, setup_site
from tests.support.processes import JsonLinesProcess
from tests.support.server import RunningServer
from veiligbalie import __version__
from veiligbalie.core.vocabulary import Role
from veiligbalie.services.context import AppContext
from veiligbalie.services.supervision import SupervisionService
from veiligbalie.store.database import Database
from veiligbalie.ui.admin.workstations import WorkstationsPage

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

DRIVER = Path(__file__).resolve().parent / "drivers" / "alarm_station.py"
ADMIN = ("beheer", "Bea Beheer", "administrator")
SECURITY = ("veilig", "Vera Veilig", "security")


@pytest.fixture
def page(qtbot: Any, server: RunningServer) -> Iterator[WorkstationsPage]:
    """Beheer > Werkplekken, signed in as the administrator at a linked workstation."""
    site = setup_site(server, workstations=1, users=(ADMIN, SECURITY))
    context = AppContext.open(Database.open())
    with qtbot.waitSignal(context.session.enrol_finished, timeout=15000):
        context.session.enrol(server.base_url, site.codes[0])
    with qtbot.waitSignal(context.session.login_finished, timeout=15000):
        context.session.login(ADMIN[0], PASSWORD)
    shown = WorkstationsPage(context)
    qtbot.addWidget(shown)
    shown.resize(1000, 600)
    shown.show()
    yield shown
    shown.close()
    context.close()


def state_of(page: WorkstationsPage, name: str) -> str:
    table = page.table
    for row in range(table.rowCount()):
        if table.item(row, 1).text() == name:
            return table.item(row, 3).text()
    return ""


def board_state(board: SupervisionService, name: str) -> bool | None:
    """Whether the station board shows ``name`` online (None: not on the board)."""
    row = next((r for r in board.rows if r.station.name == name), None)
    return None if row is None else row.station.online


def api_row(server: RunningServer, token: str, name: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{server.base_url}/api/v1/admin/stations",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return next((r for r in answer.json() if r["name"] == name), {})


def test_created_in_beheer_enrols_on_a_second_process_and_goes_online_then_offline(
    qtbot: Any, server: RunningServer, page: WorkstationsPage, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: state_of(page, "balie-1") == "Online", timeout=20000)
    dialog = page.open_add()
    dialog.name.setText("balie-9")
    dialog.location.setText("Balie 9, publiekshal")
    with qtbot.waitSignal(page.service.code_ready, timeout=15000) as shown:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    code = shown.args[0].code
    assert page.code_dialog is not None and page.code_dialog.code_text.text() == code
    qtbot.waitUntil(lambda: state_of(page, "balie-9") == "Waiting for linking", timeout=15000)

    folder = tmp_path / "balie-9"
    folder.mkdir()
    with open(folder / "driver.err", "wb") as err:
        station = JsonLinesProcess(
            "balie-9",
            DRIVER,
            ["--app", "--data-dir", str(folder), "--name", "pc-loket"],
            stderr=err,
        )
        try:
            qtbot.waitUntil(lambda: station.find("ready") != [], timeout=60000)
            station.command(f"enrol {server.base_url} {code}")
            qtbot.waitUntil(lambda: station.find("enrolled") != [], timeout=30000)
            assert station.find("enrolled")[0]["ok"], station.find("enrolled")

            # Online in the page (it asks again every few seconds) and through the API.
            page.service.refresh()
            qtbot.waitUntil(lambda: state_of(page, "balie-9") == "Online", timeout=30000)
            token = login(server, ADMIN[0])
            row = api_row(server, token, "balie-9")
            assert row["online"] is True and row["enrolled"] is True
            assert row["location"] == "Balie 9, publiekshal"

            # Security's station board (Toezicht) has it online too, over the server.
            security = login(server, SECURITY[0])
            board = SupervisionService(
                lambda: page.context.sync.api,
                lambda: Role.SECURITY,
                bearer=lambda: security,
                parent=page,
            )
            board.refresh_board()
            qtbot.waitUntil(lambda: board_state(board, "balie-9") is True, timeout=15000)
            qtbot.waitUntil(
                lambda: api_row(server, token, "balie-9")["client_version"] == __version__,
                timeout=15000,
            )

            # The process dies without a goodbye: its stream drops, the row turns offline.
            station.proc.send_signal(signal.SIGKILL)
            station.proc.wait(timeout=10)
            page.service.refresh()
            qtbot.waitUntil(lambda: state_of(page, "balie-9") == "Offline", timeout=30000)
            assert api_row(server, token, "balie-9")["online"] is False

            def board_offline() -> bool:
                board.refresh_board()
                return board_state(board, "balie-9") is False

            qtbot.waitUntil(board_offline, timeout=30000)
        finally:
            station.stop()
