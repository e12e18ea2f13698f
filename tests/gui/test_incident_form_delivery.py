"""The confirmation tells the truth about where a report is, against a REAL server: kept on
this workstation without a server, being sent and then received when the server answers,
and waiting while it does not, changing by itself once the report is sent. A form opened
before linking and signing in takes the workstation's location and the person's name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.drivers.sync_kit import PASSWORD
from tests.gui.conftest import site_server
from tests.gui.drivers.incident_support import show_form
from tests.support.server import RunningServer
from veiligbalie import settings
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui import labels
from veiligbalie.ui.incident_form import IncidentForm

pytestmark = pytest.mark.timeout(120)

USERS = (("mdewit", "Marieke de Wit", "employee"),)
BEING_SENT = "Your report is saved on this workstation and is being sent now."
WAITING = (
    "Your report is saved on this workstation. The server cannot be reached now; it is sent "
    "as soon as the server can be reached."
)
INFORMED = "Your team lead is informed and reads your report."
INFORMED_LATER = "Your team lead is informed as soon as your report reaches the server."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 3, USERS) as started:
        yield started


@pytest.fixture
def context(qtbot: Any) -> Iterator[AppContext]:
    ctx = AppContext.open(Database.open())
    yield ctx
    ctx.close()


def _form(qtbot: Any, context: AppContext) -> IncidentForm:
    form = show_form(context.incidents)
    qtbot.addWidget(form)
    return form


def _report(form: IncidentForm) -> Incident:
    form.categories.set_values(["verbal_aggression"])
    form.description.setPlainText("Bezoeker schold mij uit en sloeg op de balie.")
    saved = form.save()
    assert saved is not None
    return saved


def _link(qtbot: Any, context: AppContext, url: str, code: str) -> None:
    with qtbot.waitSignal(context.session.enrol_finished, timeout=15000) as blocker:
        context.session.enrol(url, code)
    assert blocker.args == [None]
    qtbot.waitUntil(lambda: context.sync.state == "connected", timeout=15000)


def _wait_received(qtbot: Any, context: AppContext, form: IncidentForm, saved: Incident) -> None:
    """The confirmation changes by itself once the server has the report."""
    received = labels.status_explanation(IncidentStatus.SENT)
    qtbot.waitUntil(lambda: form.confirmation_status.text() == received, timeout=30000)
    assert INFORMED in form.confirmation_steps.text()
    assert context.incidents.get(saved.id).status is IncidentStatus.SENT


def test_without_a_server_the_report_stays_here_and_nobody_is_promised(
    qtbot: Any, dutch: None, context: AppContext
) -> None:
    settings.STATION_LOCATION.set("Balie 3")
    settings.REPORTER_NAME.set("Sanne de Vries")
    form = _form(qtbot, context)
    saved = _report(form)
    status = form.confirmation_status.text()
    steps = form.confirmation_steps.text()
    assert status.startswith("Je melding is bewaard op deze werkplek.")
    assert "geen server" in status
    assert "verzonden zodra" not in status
    assert "Je teamleider krijgt bericht" not in steps
    assert "Vertel het je teamleider zelf" in steps
    assert context.incidents.get(saved.id).status is IncidentStatus.SAVED_LOCALLY


def test_linked_and_reachable_the_text_follows_the_report_to_the_server(
    qtbot: Any, server: tuple[RunningServer, list[str]], context: AppContext
) -> None:
    running, codes = server
    settings.REPORTER_NAME.set("Sanne de Vries")
    _link(qtbot, context, running.base_url, codes[0])
    form = _form(qtbot, context)
    saved = _report(form)
    # Saved and handed to the sync engine; the push runs once the event loop turns.
    assert form.confirmation_status.text() == BEING_SENT
    assert INFORMED_LATER in form.confirmation_steps.text()
    _wait_received(qtbot, context, form, saved)


def test_a_form_opened_before_linking_takes_the_location_and_the_name(
    qtbot: Any, server: tuple[RunningServer, list[str]], context: AppContext
) -> None:
    running, codes = server
    host = settings.STATION_NAME.get()
    form = _form(qtbot, context)
    assert form.location.text() == "" and form.location.placeholderText()
    assert form.reporter.text() == "" and form.reporter.placeholderText()
    assert host not in (form.location.text(), form.reporter.text())

    _link(qtbot, context, running.base_url, codes[1])
    assert form.location.text() == "Balie 2"  # as the administrator named this workstation
    with qtbot.waitSignal(context.session.login_finished, timeout=15000) as blocker:
        context.session.login("mdewit", PASSWORD)
    assert blocker.args == [None]
    assert form.reporter.text() == "Marieke de Wit"
    assert not form.has_content()  # still untouched: Esc needs no question
    saved = _report(form)
    assert (saved.location, saved.reporter) == ("Balie 2", "Marieke de Wit")


def test_unreachable_then_reachable_the_text_changes_when_the_report_is_sent(
    qtbot: Any, server: tuple[RunningServer, list[str]], context: AppContext
) -> None:
    # Last in this module: it stops the shared server for a while (and always restarts it).
    running, codes = server
    settings.REPORTER_NAME.set("Sanne de Vries")
    _link(qtbot, context, running.base_url, codes[2])
    running.stop()
    try:
        qtbot.waitUntil(lambda: context.sync.state == "offline", timeout=15000)
        form = _form(qtbot, context)
        saved = _report(form)
        assert form.confirmation_status.text() == WAITING
        assert INFORMED_LATER in form.confirmation_steps.text()
        assert INFORMED not in form.confirmation_steps.text()
        qtbot.wait(500)  # nothing changes while the server is away
        assert form.confirmation_status.text() == WAITING
    finally:
        running.start()
    _wait_received(qtbot, context, form, saved)
