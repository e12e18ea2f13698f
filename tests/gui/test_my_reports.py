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


# --- what the team lead did, as the reporter sees it after a pull ---------------------------


def _pull(db, *events):
    from veiligbalie.store.pulled import PulledData

    return PulledData(db).apply(events=list(events))


def _news_counter(service):
    told: list[list] = []
    service.news.connect(lambda ids: told.append(list(ids)))
    return told


def test_each_team_lead_step_shows_in_my_reports_and_is_told_once(qtbot, env):
    from tests.support.pulled import pulled_event
    from veiligbalie.core.timeline import TimelineKind

    db, service, view, form = env
    saved = _report(form, "threat", "Bezoeker dreigde mij op te wachten na werktijd.")
    view.refresh()
    told = _news_counter(service)
    lead = "Els Jansen"

    steps = [
        (
            pulled_event(saved.id, TimelineKind.STATUS, data={"status": "received"}, author=lead),
            labels.status_label(IncidentStatus.RECEIVED),
        ),
        (
            pulled_event(
                saved.id,
                TimelineKind.ASSIGNED,
                data={"assignee_user_id": str(saved.id), "assignee_name": lead},
                author=lead,
            ),
            lead,
        ),
        (
            pulled_event(
                saved.id, TimelineKind.STATUS, data={"status": "in_progress"}, author=lead
            ),
            labels.status_label(IncidentStatus.IN_PROGRESS),
        ),
        (
            pulled_event(
                saved.id, TimelineKind.MESSAGE, "Ik bel je morgen om 10 uur.", author=lead
            ),
            "Ik bel je morgen om 10 uur.",
        ),
        (
            pulled_event(
                saved.id,
                TimelineKind.STATUS,
                "Waarschuwingsbrief verstuurd.",
                data={"status": "closed"},
                author=lead,
            ),
            "Waarschuwingsbrief verstuurd.",
        ),
    ]
    for number, (event, shown) in enumerate(steps, start=1):
        page = _pull(db, event)
        assert page.news == {saved.id}
        assert service.announce_news() == [saved.id]
        service.notify_changed(saved.id)
        assert view.timeline.count() == number
        line = view.timeline.item(number - 1).text()
        assert shown in line and lead in line, line
        # Told once: the same page again (a re-pull) and another look tell nothing new.
        assert _pull(db, event).news == set()
        assert service.announce_news() == []
    assert len(told) == len(steps)

    assert service.get(saved.id).status is IncidentStatus.CLOSED
    assert f"<b>{labels.status_label(IncidentStatus.CLOSED)}</b>" in view.status_track.text()
    assert "Waarschuwingsbrief verstuurd." in view.conclusion_text.text()
    assert view.conclusion_text.isVisible()
    assert lead in view.assignee_text.text()


def test_unread_marker_until_the_reporter_looks(qtbot, env):
    from tests.support.pulled import pulled_event
    from veiligbalie.core.timeline import TimelineKind

    db, service, view, form = env
    saved = _report(form, "verbal_aggression", "Klant schold mij uit aan de telefoon.")
    view.hide()
    _pull(db, pulled_event(saved.id, TimelineKind.MESSAGE, "Gaat het?", author="Els Jansen"))
    service.notify_changed(saved.id)  # a hidden view does not mark it read
    assert service.my_reports()[0].has_unread
    view.show()
    view.refresh()
    assert view.news_label.isVisible()
    assert not service.my_reports()[0].has_unread  # shown and selected: now seen


def test_own_and_other_peoples_news_is_not_told(qtbot, env):
    from tests.support.pulled import pulled_event
    from veiligbalie.core.timeline import TimelineKind

    db, service, view, form = env
    saved = _report(form, "threat", "Dreiging bij de uitgang.")
    told = _news_counter(service)
    # Made on this workstation itself (it comes back through the pull): not news.
    own = pulled_event(saved.id, TimelineKind.STATUS, data={"status": "received"}, own=True)
    assert _pull(db, own).news == set()
    # A colleague's report on this workstation: news for them, not for me.
    form.start_new()
    form.reporter.setText("Iemand anders")
    form.categories.set_values(["other"])
    form.description.setPlainText("Melding van een collega op deze werkplek.")
    other = form.save()
    assert other is not None
    assert _pull(db, pulled_event(other.id, TimelineKind.MESSAGE, "Dank je.")).news == {other.id}
    assert service.announce_news() == []
    assert told == []
