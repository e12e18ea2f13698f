"""Beheer > Mensen against a REAL server process: the area shows for an administrator only,
adding a person, a one-time password that the person must change at the next sign-in,
deactivating, and a team with its team lead. A non-administrator gets the server's 403."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QPushButton

from tests.e2e.drivers.sync_kit import PASSWORD
from tests.gui.conftest import site_server
from tests.support.server import RunningServer
from veiligbalie import secrets
from veiligbalie.core.vocabulary import Role
from veiligbalie.services.admin_people import AdminPeopleService
from veiligbalie.services.context import AppContext
from veiligbalie.services.session import USER_TOKEN, Problem
from veiligbalie.store.database import Database
from veiligbalie.ui.admin import AdminView
from veiligbalie.ui.admin.people import PeoplePage
from veiligbalie.ui.main_window import MainWindow
from veiligbalie.ui.server_settings import PasswordDialog, ServerSettings

pytestmark = pytest.mark.timeout(180)

USERS = (
    ("beheer", "Bea Heer", "administrator"),
    ("mdewit", "Marieke de Wit", "employee"),
    ("lleider", "Lotte Leider", "team_lead"),
)
API = "/api/v1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 4, USERS) as started:
        yield started


@pytest.fixture
def window(qtbot: Any) -> Iterator[MainWindow]:
    context = AppContext.open(Database.open())
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win._quitting = True
    win.close()
    win.alarm_popup.close()
    context.close()


def _enrol(qtbot: Any, context: AppContext, url: str, code: str) -> None:
    assert context.session is not None
    with qtbot.waitSignal(context.session.enrol_finished, timeout=15000) as signal:
        context.session.enrol(url, code)
    assert signal.args == [None]


def _sign_in(qtbot: Any, context: AppContext, username: str, password: str = PASSWORD) -> Any:
    session = context.session
    assert session is not None
    if session.logged_in:
        with qtbot.waitSignal(session.logout_finished, timeout=15000):
            session.logout()
    with qtbot.waitSignal(session.login_finished, timeout=15000) as signal:
        session.login(username, password)
    return signal.args[0]


def _ok(qtbot: Any, dialog: QDialog, service: AdminPeopleService, action: str) -> Any:
    """Press OK on a Beheer dialog and wait for the server's answer to ``action``."""
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    failed: list[str] = []
    service.failed.connect(lambda _a, message: failed.append(message))
    with qtbot.waitSignal(
        service.done, timeout=15000, check_params_cb=lambda a, _r: a == action
    ) as signal:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not failed, failed
    qtbot.waitUntil(lambda: service.busy == 0, timeout=15000)  # and the list asked anew
    return signal.args[1]


def _people(qtbot: Any, window: MainWindow) -> PeoplePage:
    window.show_area("admin")
    assert window.current_area() == "admin"
    view = window.findChild(AdminView, "adminView")
    assert view is not None and "people" in view.keys()
    page = view.pages["people"]
    assert isinstance(page, PeoplePage)
    view.show_section("people")
    page.refresh()
    qtbot.waitUntil(lambda: page.service.busy == 0 and page.model.rowCount() > 0, timeout=15000)
    return page


def _admin_token(running: RunningServer) -> dict[str, str]:
    r = httpx.post(
        f"{running.base_url}{API}/auth/login", json={"username": "beheer", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_beheer_is_for_the_administrator_only(
    qtbot: Any, server: tuple[RunningServer, list[str]], window: MainWindow
) -> None:
    running, codes = server
    context = window.context
    assert context is not None and context.session is not None
    assert "admin" not in window.visible_areas()  # not linked
    _enrol(qtbot, context, running.base_url, codes[0])
    assert "admin" not in window.visible_areas()  # nobody signed in
    assert _sign_in(qtbot, context, "mdewit") is None
    assert "admin" not in window.visible_areas()
    nav = window.findChild(QPushButton, "nav_admin")
    assert nav is not None and not nav.isVisible()
    window.show_area("admin")
    assert window.current_area() != "admin"
    # The server refuses its routes to an employee, and the service says so plainly.
    service = AdminPeopleService.from_context(context, window)
    with qtbot.waitSignal(service.failed, timeout=15000) as refused:
        service.refresh()
    assert refused.args[1] == service.tr("Only an administrator may do this.")

    assert _sign_in(qtbot, context, "beheer") is None
    assert context.session.role is Role.ADMINISTRATOR
    assert "admin" in window.visible_areas()
    assert nav.isVisible() and nav.accessibleName()
    page = _people(qtbot, window)
    view = window.findChild(AdminView, "adminView")
    assert view is not None and view.findChild(QPushButton, "addPersonButton") is not None
    assert view.sections.objectName() == "adminSections"
    usernames = {page.model.user(r).username for r in range(page.model.rowCount())}
    assert {"beheer", "mdewit", "lleider"} <= usernames
    # Signing out takes the area away again.
    with qtbot.waitSignal(context.session.logout_finished, timeout=15000):
        context.session.logout()
    assert "admin" not in window.visible_areas() and window.current_area() == "report"


def test_add_reset_forced_change_and_deactivate(
    qtbot: Any, server: tuple[RunningServer, list[str]], window: MainWindow
) -> None:
    running, codes = server
    context = window.context
    assert context is not None and context.session is not None
    _enrol(qtbot, context, running.base_url, codes[1])
    assert _sign_in(qtbot, context, "beheer") is None
    page = _people(qtbot, window)

    # Add a person: an employee of Stadhuis.
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.objectName() == "personDialog" and dialog.isVisible()
    dialog.username.setText("jjansen")
    dialog.name.setText("Jan Jansen")
    dialog.role.setCurrentIndex(dialog.role.findData("employee"))
    dialog.site.setCurrentIndex(dialog.site.findText("Stadhuis"))
    dialog.password.setText("eerste wachtwoord 1")
    # A mistake is said in the dialog; the dialog stays.
    dialog.name.setText("")
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.message.text()
    dialog.name.setText("Jan Jansen")
    added = _ok(qtbot, dialog, page.service, "add_user")
    assert added.username == "jjansen" and added.must_change_password
    assert "Jan Jansen" in page.message.text()
    page.select_user("jjansen")
    assert page.selected_user() is not None

    # Reset the password: the server makes up a one-time password, shown once.
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    reset = page.dialog
    assert reset is not None and reset.objectName() == "resetPasswordDialog"
    result = _ok(qtbot, reset, page.service, "reset_password")
    one_time = page.one_time_password.text()
    assert one_time and one_time == result.one_time_password and page.one_time.isVisible()

    # That person signs in at the counter and must choose their own password first.
    settings_page = ServerSettings(context)
    qtbot.addWidget(settings_page)
    session = context.session
    with qtbot.waitSignal(session.logout_finished, timeout=15000):
        session.logout()
    settings_page.username.setText("jjansen")
    settings_page.password.setText(one_time)
    with qtbot.waitSignal(session.login_finished, timeout=15000) as signal:
        qtbot.mouseClick(settings_page.login_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].problem is Problem.MUST_CHANGE_PASSWORD
    assert not session.logged_in and secrets.get_secret(USER_TOKEN) is None
    assert session.password_change_pending
    assert "Choose your own password" in settings_page.login_message.text()
    first = settings_page.first_password_dialog
    assert isinstance(first, PasswordDialog) and first.isVisible()
    assert first.objectName() == "firstPasswordDialog"
    first.old.setText(one_time)
    first.new.setText("mijn eigen wachtwoord")
    first.repeat.setText("mijn eigen wachtwoord")
    box = first.findChild(QDialogButtonBox)
    with qtbot.waitSignal(session.password_finished, timeout=15000) as changed:
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert changed.args == [None]
    assert session.logged_in and session.role is Role.EMPLOYEE
    assert session.user_display_name == "Jan Jansen"
    own = httpx.post(
        f"{running.base_url}{API}/auth/login",
        json={"username": "jjansen", "password": "mijn eigen wachtwoord"},
    )
    assert own.status_code == 200 and own.json()["user"]["must_change_password"] is False
    person_token = {"Authorization": f"Bearer {own.json()['token']}"}

    # Back to the administrator: deactivate Jan; his sessions end, his history stays.
    assert _sign_in(qtbot, context, "beheer") is None
    page = _people(qtbot, window)
    page.select_user("jjansen")
    assert page.active_button.text()
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    confirm = page.dialog
    assert isinstance(confirm, QMessageBox) and confirm.objectName() == "confirmDeactivate"
    with qtbot.waitSignal(page.service.done, timeout=15000):
        qtbot.mouseClick(confirm.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.service.busy == 0, timeout=15000)
    row = page.model.row_of(
        next(u.id for u in page.service.directory.users if u.username == "jjansen")
    )
    assert not page.model.user(row).active
    assert httpx.get(f"{running.base_url}{API}/me", headers=person_token).status_code == 401
    again = httpx.post(
        f"{running.base_url}{API}/auth/login",
        json={"username": "jjansen", "password": "mijn eigen wachtwoord"},
    )
    assert again.status_code == 401
    audit = httpx.get(
        f"{running.base_url}{API}/audit?user=beheer", headers=_admin_token(running)
    ).json()
    actions = {e["action"] for e in audit["entries"]}
    assert {"user_created", "user_password_reset", "user_deactivated"} <= actions


def test_create_a_team_and_assign_its_lead(
    qtbot: Any, server: tuple[RunningServer, list[str]], window: MainWindow
) -> None:
    running, codes = server
    context = window.context
    assert context is not None
    _enrol(qtbot, context, running.base_url, codes[2])
    assert _sign_in(qtbot, context, "beheer") is None
    page = _people(qtbot, window)

    qtbot.mouseClick(page.add_team_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.objectName() == "teamNameDialog"
    dialog.name.setText("Burgerzaken")
    team = _ok(qtbot, dialog, page.service, "create_team")
    assert team.name == "Burgerzaken" and team.site_name == "Stadhuis"
    page.select_team("Burgerzaken")

    qtbot.mouseClick(page.add_lead_button, Qt.MouseButton.LeftButton)
    lead = page.dialog
    assert lead is not None and lead.objectName() == "leadDialog"
    assert lead.lead.findText("Lotte Leider") >= 0
    assert lead.lead.findText("Marieke de Wit") < 0  # only team leads of the site
    lead.lead.setCurrentIndex(lead.lead.findText("Lotte Leider"))
    _ok(qtbot, lead, page.service, "add_lead")
    row = next(
        r
        for r in range(page.teams_model.rowCount())
        if page.teams_model.team(r).name == "Burgerzaken"
    )
    assert page.teams_model.index(row, 2).data() == "Lotte Leider"

    # Marieke joins the team.
    page.select_user("mdewit")
    qtbot.mouseClick(page.team_button, Qt.MouseButton.LeftButton)
    choice = page.dialog
    assert choice is not None and choice.objectName() == "teamDialog"
    choice.team.setCurrentIndex(choice.team.findText("Burgerzaken"))
    _ok(qtbot, choice, page.service, "set_team")
    user_row = page.model.row_of(page.selected_user().id)  # type: ignore[union-attr]
    assert page.model.index(user_row, 4).data() == "Burgerzaken"
    teams = httpx.get(f"{running.base_url}{API}/admin/teams", headers=_admin_token(running)).json()
    burgerzaken = next(t for t in teams if t["name"] == "Burgerzaken")
    assert [x["username"] for x in burgerzaken["leads"]] == ["lleider"]
    assert burgerzaken["members"] == 1

    # Another role: Marieke becomes security (the server signs her out everywhere).
    page.select_user("mdewit")
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    role = page.dialog
    assert role is not None and role.objectName() == "roleDialog"
    role.role.setCurrentIndex(role.role.findData("security"))
    changed = _ok(qtbot, role, page.service, "set_role")
    assert changed.role is Role.SECURITY
    row = page.model.row_of(changed.id)
    assert page.model.index(row, 2).data() == "Security"
    assert page.service.directory.user(changed.id).role is Role.SECURITY  # type: ignore[union-attr]

    # A mistake the server finds is shown with its own message.
    qtbot.mouseClick(page.add_team_button, Qt.MouseButton.LeftButton)
    again = page.dialog
    assert again is not None
    again.name.setText("Burgerzaken")
    box = again.findChild(QDialogButtonBox)
    with qtbot.waitSignal(page.service.failed, timeout=15000):
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "already has a team named 'Burgerzaken'" in page.message.text()


def test_the_shell_shows_every_section_in_order(qtbot: Any) -> None:
    """Beheer's section list: Werkplekken, Mensen, Alarmering, Organisatie, Privacy; each
    row shows its page."""
    from veiligbalie.ui import admin as shell

    keys = [key for key, _cls, _title in shell.SECTIONS]
    assert keys == ["workstations", "people", "alarm", "organisation", "privacy"]
    context = AppContext.open(Database.open())
    try:
        view = AdminView(context)
        qtbot.addWidget(view)
        assert view.keys() == keys
        assert view.sections.count() == len(keys)
        assert view.current_section() == "workstations"
        for key in keys:
            view.show_section(key)
            assert view.stack.currentWidget() is view.pages[key]
    finally:
        context.close()
