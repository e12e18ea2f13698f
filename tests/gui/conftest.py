"""Fixtures shared by the GUI tests: the real main window over a fresh local store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest
from PySide6.QtWidgets import QApplication

from tests.e2e.drivers.sync_kit import setup_site
from tests.gui.drivers.incident_support import open_service, show_form
from tests.support.server import RunningServer, running_server
from veiligbalie import settings
from veiligbalie.app import install_translations
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.main_window import MainWindow


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    """The interface in Dutch, as users see it by default."""
    translators = install_translations(qapp, "nl")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


@pytest.fixture
def main_window(qtbot) -> Iterator[MainWindow]:  # noqa: ANN001
    """The main window, shown, over its own database; closed the way quitting closes it.

    Fixtures that must act before the window exists (settings, translations) are requested
    before this one."""
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


@pytest.fixture
def env(qtbot):  # noqa: ANN001
    """The incident form, shown and active, over the real IncidentService on a fresh store:
    ``(db, service, form)``. The workstation has a location and the user a name, as set in
    Instellingen (without them the form asks for both)."""
    settings.STATION_LOCATION.set("Balie 3")
    settings.REPORTER_NAME.set("Sanne de Vries")
    with open_service() as (db, service):
        form = show_form(service)
        qtbot.addWidget(form)
        qtbot.waitUntil(form.isActiveWindow)
        yield db, service, form


@contextmanager
def site_server(
    tmp_path_factory: pytest.TempPathFactory,
    workstations: int,
    users: Sequence[tuple[str, str, str]] = (),
) -> Iterator[tuple[RunningServer, list[str]]]:
    """A real server on a throwaway SQLite file with one site, ``workstations`` enrolment
    codes and ``users``: what the module-scoped ``server`` fixtures of the GUI tests share."""
    folder = tmp_path_factory.mktemp("server")
    with running_server(f"sqlite:///{folder / 'server.sqlite3'}") as running:
        site = setup_site(running, workstations=workstations, users=users)
        yield running, site.codes
