"""Mijn meldingen: an empty state that says what to do, the reporter's reports with their
status as they travel, and information added as a note that never changes the report."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.gui.drivers.incident_support import open_service
from veiligbalie import settings
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.ui import labels
from veiligbalie.ui.incident_form import IncidentForm
from veiligbalie.ui.my_reports import MyReportsView


@pytest.fixture
def env(qtbot):
    settings.STATION_LOCATION.set("Balie 3")  # the form asks for where and who without them
    settings.REPORTER_NAME.set("Sanne de Vries")
    with open_service() as (db, service):
        view = MyReportsView(service)
        view.resize(1000, 700)
        view.show()
        qtbot.addWidget(view)
        form = IncidentForm(service)
        qtbot.addWidget(form)
        yield db, service, view, form


def _report(form: IncidentForm, category: str, text: str):
    form.start_new()
    form.categories.set_values([category])
    form.description.setPlainText(text)
    saved = form.save()
    assert saved is not None
    return saved


def _cell(view: MyReportsView, row: int, column: int) -> str:
    return view.model.data(view.model.index(row, column), Qt.ItemDataRole.DisplayRole)


def test_empty_state_says_what_to_do(env):
    _db, _service, view, _form = env
    view.refresh()
    empty = view.findChild(QWidget, "myReportsEmpty")
    assert empty.isVisible()
    assert "Ctrl+N" in view.empty_label.text()
    assert not view.table.isVisible()


def test_lists_own_reports_newest_first_with_status(qtbot, env):
    _db, service, view, form = env
    first = _report(form, "verbal_aggression", "Eerste melding over geschreeuw.")
    second = _report(form, "threat", "Tweede melding over een dreiging.")
    view.refresh()
    assert view.table.isVisible()
    assert view.model.rowCount() == 2
    assert _cell(view, 0, 0) == second.reference
    assert _cell(view, 1, 0) == first.reference
    saved_label = labels.status_label(IncidentStatus.SAVED_LOCALLY)
    assert _cell(view, 0, 3) == saved_label
    assert _cell(view, 0, 2) == labels.category_label(Category.THREAT)
    # The newest report is shown in the detail pane.
    assert view.current_id() == second.id
    assert second.reference in view.detail_title.text()
    assert f"<b>{saved_label}</b>" in view.status_track.text()

    # A report of another reporter on this workstation is not "mine".
    form.start_new()
    form.reporter.setText("Iemand anders")
    form.categories.set_values(["other"])
    form.description.setPlainText("Niet van mij, wel op deze werkplek.")
    assert form.save() is not None
    view.refresh()
    assert view.model.rowCount() == 2


def test_status_travels_and_the_view_follows(qtbot, env):
    _db, service, view, form = env
    saved = _report(form, "intimidation", "Bezoeker bleef bij mijn auto wachten.")
    view.refresh()
    for status in (IncidentStatus.SENT, IncidentStatus.RECEIVED, IncidentStatus.IN_PROGRESS):
        service.set_status(saved.id, status)
        assert _cell(view, 0, 3).startswith(labels.status_label(status))
        assert f"<b>{labels.status_label(status)}</b>" in view.status_track.text()
        assert view.status_text.text() == labels.status_explanation(status)


def test_add_information_appends_a_note_and_keeps_the_report(qtbot, env):
    db, service, view, form = env
    saved = _report(form, "physical_violence", "Bezoeker duwde mij tegen de muur.")
    view.refresh()
    assert view.timeline.count() == 1  # "nothing yet"
    assert service.timeline(saved.id) == []

    view.add_note_button.click()  # nothing typed: refused with a message
    assert view.findChild(QWidget, "noteMessage").isVisible()
    assert service.timeline(saved.id) == []

    qtbot.keyClicks(view.note_edit, "Ik heb later pijn in mijn schouder gekregen.")
    view.add_note_button.click()
    events = service.timeline(saved.id)
    assert [(e.kind, e.text) for e in events] == [
        ("note", "Ik heb later pijn in mijn schouder gekregen.")
    ]
    assert view.timeline.count() == 1
    assert "pijn in mijn schouder" in view.timeline.item(0).text()
    assert view.note_edit.toPlainText() == ""
    assert not view.findChild(QWidget, "noteMessage").isVisible()

    qtbot.keyClicks(view.note_edit, "De politie heeft gebeld.")
    view.add_note_button.click()
    assert view.timeline.count() == 2
    assert len(service.timeline(saved.id)) == 2
    # The original report is unchanged.
    assert service.get(saved.id).description == "Bezoeker duwde mij tegen de muur."
    assert "Bezoeker duwde mij tegen de muur." in view.report_text.text()


def test_perpetrator_details_are_not_shown_on_the_counter_screen(env):
    _db, _service, view, form = env
    form.start_new()
    form.categories.set_values(["threat"])
    form.description.setPlainText("Dreigde met een mes te komen.")
    form.perpetrator_known.setChecked(True)
    form.perpetrator_reference.setText("BSN-GEHEIM-123")
    assert form.save() is not None
    view.refresh()
    assert "BSN-GEHEIM-123" not in view.report_text.text()
    assert "Dreigde met een mes" in view.report_text.text()
