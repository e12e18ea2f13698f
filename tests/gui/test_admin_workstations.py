"""Beheer > Werkplekken against a real server: an administrator signed in at a linked
workstation adds a workstation (the Koppelcode large, copyable and as a QR code that decodes
to the code), gives a new code, moves one, revokes one; every change is in the server's
audit log; an employee signed in gets the server's refusal, shown plainly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from tests.e2e.drivers.sync_kit import PASSWORD, admin, login
from tests.gui.conftest import site_server
from tests.support.server import RunningServer
from veiligbalie.services.admin_stations import qr_matrix
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.admin.workstations import EnrolmentCodeDialog, WorkstationsPage

USERS = (("medewerker", "Mia Medewerker", "employee"),)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 3, USERS) as started:
        running = started[0]
        admin(running, "user", "create", "--username", "beheer", "--display-name", "Bea Beheer",
              "--role", "administrator", "--password", PASSWORD)  # fmt: skip
        admin(running, "site", "create", "--name", "Wijkkantoor")
        yield started


@pytest.fixture
def signed_in(qtbot: Any, server: tuple[RunningServer, list[str]]) -> Iterator[Any]:
    """A linked workstation; sign someone in with ``signed_in(username)``."""
    running, codes = server
    context = AppContext.open(Database.open())

    def sign_in(username: str) -> AppContext:
        with qtbot.waitSignal(context.session.enrol_finished, timeout=15000):
            context.session.enrol(running.base_url, codes.pop(0))
        with qtbot.waitSignal(context.session.login_finished, timeout=15000):
            context.session.login(username, PASSWORD)
        return context

    yield sign_in
    context.close()


def table_rows(page: WorkstationsPage) -> list[list[str]]:
    table = page.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def row_of(page: WorkstationsPage, name: str) -> list[str] | None:
    return next((r for r in table_rows(page) if r[1] == name), None)


def audit_actions(running: RunningServer) -> list[str]:
    token = login(running, "beheer")
    answer = httpx.get(
        f"{running.base_url}/api/v1/audit",
        headers={"Authorization": f"Bearer {token}"},
        params={"user": "beheer"},
        timeout=10,
    )
    answer.raise_for_status()
    return [e["action"] for e in answer.json()["entries"]]


def test_add_move_revoke_through_the_page(
    qtbot: Any, server: tuple[RunningServer, list[str]], signed_in: Any
) -> None:
    running, _codes = server
    context = signed_in("beheer")
    page = WorkstationsPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    # The list: every workstation with site, location and state; ours is online.
    qtbot.waitUntil(lambda: row_of(page, "balie-1") is not None, timeout=15000)
    qtbot.waitUntil(lambda: (row_of(page, "balie-1") or [""] * 4)[3] == "Online", timeout=20000)
    mine = row_of(page, "balie-1")
    assert mine is not None and mine[0] == "Stadhuis" and mine[2] == "Balie 1"
    assert mine[5] != "–"  # its client version, from the heartbeat
    assert row_of(page, "balie-3") is not None and row_of(page, "balie-3")[3] == (
        "Waiting for linking"
    )

    # Add one: the dialog, then the code dialog with the code large, the expiry and the QR.
    dialog = page.open_add()
    dialog.site.setCurrentIndex(dialog.site.findText("Wijkkantoor"))
    dialog.name.setText("loket-7")
    dialog.location.setText("Loket 7, eerste verdieping")
    with qtbot.waitSignal(page.service.code_ready, timeout=15000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    shown = page.code_dialog
    assert isinstance(shown, EnrolmentCodeDialog)
    code = shown.code.code
    assert shown.code_text.text() == code and len(code) >= 8
    assert shown.code_text.font().pixelSize() >= 30
    assert "Valid once, until" in shown.expiry.text()
    pixmap = shown.qr.pixmap()
    assert not pixmap.isNull() and pixmap.width() >= 150
    # The QR holds the code itself (a scanner types it into the link field): every module
    # of the code's QR matrix is painted dark or light where it belongs.
    matrix = qr_matrix(code)
    image = pixmap.toImage()
    scale = image.width() // len(matrix)
    assert image.width() == scale * len(matrix) and scale >= 3
    painted = [
        [image.pixelColor(x * scale + scale // 2, y * scale + scale // 2).name() == "#000000"
         for x in range(len(matrix))]
        for y in range(len(matrix))
    ]  # fmt: skip
    assert painted == matrix
    assert image.pixelColor(0, 0).name() == "#ffffff"  # the quiet zone is light
    shown.copy_button.click()
    assert QApplication.clipboard().text() == code
    shown.close()
    qtbot.waitUntil(lambda: row_of(page, "loket-7") is not None, timeout=15000)
    assert row_of(page, "loket-7")[:4] == [
        "Wijkkantoor",
        "loket-7",
        "Loket 7, eerste verdieping",
        "Waiting for linking",
    ]

    # A mistake: the server's message, as the CLI says it.
    dialog = page.open_add()
    dialog.site.setCurrentIndex(dialog.site.findText("Wijkkantoor"))
    dialog.name.setText("loket-7")
    dialog.location.setText("Elders")
    with qtbot.waitSignal(page.service.failed, timeout=15000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert page.message.text() == "site 'Wijkkantoor' already has a workstation named 'loket-7'"

    # A new code for it.
    page.select(next(r.workstation_id for r in page.service.rows if r.name == "loket-7"))
    with qtbot.waitSignal(page.service.code_ready, timeout=15000):
        page.code_button.click()
    assert page.code_dialog is not None and page.code_dialog.code.code != code

    # Move the linked one within its site: the station itself hears the new location.
    page.select(next(r.workstation_id for r in page.service.rows if r.name == "balie-1"))
    move = page.open_move()
    assert move is not None and move.name.isReadOnly()
    move.location.setText("Balie 1, achter het glas")
    with qtbot.waitSignal(page.service.changed, timeout=15000):
        move.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(
        lambda: (row_of(page, "balie-1") or ["", "", ""])[2] == "Balie 1, achter het glas",
        timeout=15000,
    )
    qtbot.waitUntil(
        lambda: context.alarms.identity.location == "Balie 1, achter het glas", timeout=15000
    )

    # Revoke the new one: confirmed, then shown as revoked.
    page.select(next(r.workstation_id for r in page.service.rows if r.name == "loket-7"))
    box = page.ask_revoke()
    assert box is not None and "loket-7" in box.text()
    with qtbot.waitSignal(page.service.changed, timeout=15000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: (row_of(page, "loket-7") or [""] * 4)[3] == "Revoked", timeout=15000)
    page.select(next(r.workstation_id for r in page.service.rows if r.name == "loket-7"))
    assert not page.revoke_button.isEnabled() and not page.move_button.isEnabled()
    assert page.code_button.isEnabled()  # the deliberate way back

    actions = audit_actions(running)
    for action in (
        "workstation_created",
        "workstation_code_issued",
        "workstation_moved",
        "workstation_revoked",
    ):
        assert action in actions, actions


def test_an_employee_gets_the_refusal(
    qtbot: Any, server: tuple[RunningServer, list[str]], signed_in: Any
) -> None:
    context = signed_in("medewerker")
    page = WorkstationsPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.service.failed, timeout=15000):
        page.show()
    assert page.message.text() == "Only an administrator may manage workstations."
    assert page.table.rowCount() == 0
