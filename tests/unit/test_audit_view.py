"""Audit in Instellingen against a REAL server: an administrator (or privacy officer) sees
the rows with their filters through AuditService and net/api.py; anyone else is told the
log is not theirs; a dossier person that is not an id is refused before asking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.e2e.drivers.sync_kit import PASSWORD, admin, login, setup_site
from tests.support.server import RunningServer, running_server
from veiligbalie.core.vocabulary import Role
from veiligbalie.net.api import ServerApi
from veiligbalie.services.audit import AuditService
from veiligbalie.ui.audit_view import AuditView

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("server")
    with running_server(f"sqlite:///{folder / 'server.sqlite3'}") as running:
        setup_site(running, workstations=1, users=(("mdewit", "Marieke de Wit", "employee"),))
        for username, role in (("beheer", "administrator"), ("fg", "privacy_officer")):
            admin(
                running, "user", "create", "--username", username, "--display-name",
                username.title(), "--role", role, "--password", PASSWORD,
            )  # fmt: skip
        admin(running, "retention", "set", "--reports-months", "60")
        yield running


def _view(qapp: Any, server: RunningServer, username: str, role: Role) -> AuditView:
    holder: list[ServerApi] = []
    view = AuditView(AuditService(lambda: holder[0], lambda: role))
    api = ServerApi(view)  # owned by the view: gone with it, before the application
    api.configure(server.base_url)
    api.set_token(login(server, username))
    holder.append(api)
    view.resize(900, 520)
    view.show()
    return view


def test_an_administrator_reads_and_filters_the_audit_log(
    qtbot: Any, qapp: Any, server: RunningServer, tmp_path: Path
) -> None:
    view = _view(qapp, server, "beheer", Role.ADMINISTRATOR)
    qtbot.addWidget(view)
    assert view.service.may_read()
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.search.isEnabled() and view.model.rowCount() > 0, timeout=20000)
    actions = [view.model.entry(r).action for r in range(view.model.rowCount())]
    assert "retention.set" in actions
    assert view.table.model().columnCount() == 6
    view.grab().save(str(tmp_path / "audit.png"))
    # By user: the administrator's own reads of the log are rows too.
    view.user.setText("beheer")
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.search.isEnabled() and view.model.rowCount() > 0, timeout=20000)
    assert {view.model.entry(r).actor for r in range(view.model.rowCount())} == {"beheer"}
    assert view.model.entry(0).action == "audit.read"
    view.user.setText("niemand")
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.search.isEnabled() and "No rows" in view.status.text())
    assert view.model.rowCount() == 0
    view.person.setText("Jansen")
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    assert "id" in view.status.text() and view.search.isEnabled()


def test_someone_else_is_told_the_log_is_not_theirs(
    qtbot: Any, qapp: Any, server: RunningServer
) -> None:
    view = _view(qapp, server, "mdewit", Role.EMPLOYEE)
    qtbot.addWidget(view)
    assert not view.service.may_read()
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.search.isEnabled() and "privacy officer" in view.status.text())
    assert view.model.rowCount() == 0


def test_a_privacy_officer_reads_it_too(qtbot: Any, qapp: Any, server: RunningServer) -> None:
    view = _view(qapp, server, "fg", Role.PRIVACY_OFFICER)
    qtbot.addWidget(view)
    view.use_period.setChecked(True)
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.search.isEnabled() and view.model.rowCount() > 0, timeout=20000)


def test_the_period_ends_today_as_the_office_counts_it(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half past eleven at night in UTC is already tomorrow in Amsterdam: the default period
    ends on the office's today, so what was just logged is inside it whatever zone the
    machine is set to (a server or a test machine on UTC missed the last hours)."""
    from datetime import UTC, datetime

    from PySide6.QtCore import QDate

    from veiligbalie.ui import widgets

    class LateEvening(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> LateEvening:  # type: ignore[override]
            moment = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(widgets, "datetime", LateEvening)
    view = AuditView(AuditService(lambda: None, lambda: Role.ADMINISTRATOR))
    qtbot.addWidget(view)
    assert view.until.date() == QDate(2026, 12, 4)
    assert view.since.date() == QDate(2026, 11, 4)
