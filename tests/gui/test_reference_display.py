"""The report's number as the reporter sees it: "(provisional)" while it is only this
workstation's number and a server will give the final one; plain without a server (it is the
only number there is); once the server's number arrives, only that one, with the old one as
"earlier: …" in Mijn meldingen."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.drivers.incident_support import open_service, show_form
from veiligbalie import settings
from veiligbalie.core.incident import Incident
from veiligbalie.protocol import sync as p
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.sync_logic import SyncLogic
from veiligbalie.store.database import Database
from veiligbalie.ui import labels
from veiligbalie.ui.incident_form import IncidentForm
from veiligbalie.ui.my_reports import MyReportsView

FINAL = "VB-2026-000412"


@pytest.fixture
def env(qtbot: Any) -> Iterator[tuple[Database, IncidentService, MyReportsView, IncidentForm]]:
    settings.STATION_LOCATION.set("Balie 2")
    settings.REPORTER_NAME.set("Sanne de Vries")
    with open_service() as (db, service):
        view = MyReportsView(service)
        view.resize(1000, 700)
        view.show()
        qtbot.addWidget(view)
        form = show_form(service)
        qtbot.addWidget(form)
        yield db, service, view, form


def _save(form: IncidentForm) -> Incident:
    form.categories.set_values(["verbal_aggression"])
    form.description.setPlainText("Bezoeker schold mij uit en sloeg op de balie.")
    saved = form.save()
    assert saved is not None and saved.reference
    return saved


def _cell(view: MyReportsView) -> str:
    return str(view.model.data(view.model.index(0, 0), Qt.ItemDataRole.DisplayRole))


def _server_numbers(db: Database, service: IncidentService, incident_id: uuid.UUID) -> None:
    """The server accepts the push and gives its number; the engine tells the views."""
    logic = SyncLogic(db)
    batch = logic.next_push()
    assert batch is not None
    answer = p.PushResponse(
        epoch="e1",
        accepted=[item.device_seq for item in batch.items],
        references=[p.AssignedReference(entity_id=incident_id, reference=FINAL)],
    )
    assert logic.apply_push(batch, answer).renumbered == {incident_id}
    service.notify_changed(incident_id)


def test_linked_the_number_is_provisional_until_the_servers_arrives(env: Any) -> None:
    db, service, view, form = env
    service.set_link("offline")  # linked, the server not reached yet
    saved = _save(form)
    provisional = labels.reference_text(saved.reference, True)
    assert provisional == f"{saved.reference} (provisional)"
    assert form.confirmation_reference.text() == provisional
    view.refresh()
    assert _cell(view) == provisional
    assert view.detail_title.text() == provisional
    assert not view.earlier_reference.isVisibleTo(view)

    _server_numbers(db, service, saved.id)
    # Only the final number shows; the old one is "earlier" in the detail.
    assert form.confirmation_reference.text() == FINAL
    assert _cell(view) == FINAL
    assert view.detail_title.text() == FINAL
    assert view.earlier_reference.isVisibleTo(view)
    assert view.earlier_reference.text() == f"earlier: {saved.reference}"
    # The old number still finds the report.
    assert service.find_by_reference(saved.reference).id == saved.id  # type: ignore[union-attr]


def test_local_only_the_number_is_shown_plain(env: Any) -> None:
    _db, service, view, form = env
    assert service.link().value == "local"
    saved = _save(form)
    assert form.confirmation_reference.text() == saved.reference
    view.refresh()
    assert _cell(view) == saved.reference
    assert view.detail_title.text() == saved.reference

    # Linking later: the same number becomes provisional where it is shown.
    service.set_link("connected")
    assert _cell(view) == f"{saved.reference} (provisional)"
    assert view.detail_title.text() == f"{saved.reference} (provisional)"
    assert form.confirmation_reference.text() == f"{saved.reference} (provisional)"
