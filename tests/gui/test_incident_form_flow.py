"""The form within the day's flow: Ctrl+N from the confirmation starts the next report with
no keystroke lost, a report prefilled from one's own alarm says so, the computer's host name
is never offered as "Waar" or "Melder", a form follows sign-in, and the form asks for the
guidance that fits a police report or online abuse."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from tests.gui.drivers.incident_support import focused, open_service, press, show_form
from veiligbalie import settings
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.ui.main_window import MainWindow

Key = Qt.Key
Mod = Qt.KeyboardModifier


@pytest.fixture
def window(qtbot, main_window: MainWindow) -> MainWindow:
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)
    return main_window


@pytest.fixture
def named() -> None:
    settings.STATION_LOCATION.set("Stadhuis, balie 3")
    settings.REPORTER_NAME.set("Sanne de Vries")


def _type_report(qtbot, text: str) -> None:
    """1, Tab, Tab, the description: the trained user's way."""
    press(Key.Key_1)
    press(Key.Key_Tab)
    press(Key.Key_Tab)
    qtbot.keyClicks(focused(), text)


def test_ctrl_n_on_the_confirmation_starts_the_next_report(qtbot, named, window) -> None:
    form = window.incident_form
    assert window.current_area() == "report"
    form.focus_first_field()
    _type_report(qtbot, "Eerste bezoeker schreeuwde bij de balie.")
    with qtbot.waitSignal(form.saved):
        press(Key.Key_Return, Mod.ControlModifier)
    assert form.confirmation_reference.isVisible()

    press(Key.Key_N, Mod.ControlModifier)
    assert focused() is form.categories.focus_target()
    assert form.description.toPlainText() == ""
    _type_report(qtbot, "Tweede bezoeker dreigde terug te komen.")
    assert form.description.toPlainText() == "Tweede bezoeker dreigde terug te komen."
    with qtbot.waitSignal(form.saved) as second:
        press(Key.Key_Return, Mod.ControlModifier)
    assert not any(
        m.isVisible() for m in form.findChildren(QLabel) if m.objectName().startswith("error_")
    )
    stored = IncidentRepository(window.context.db).get(second.args[0].id)
    assert stored.description == "Tweede bezoeker dreigde terug te komen."
    assert IncidentRepository(window.context.db).count() == 2


def test_ctrl_n_keeps_a_report_in_progress(qtbot, named, window) -> None:
    form = window.incident_form
    form.focus_first_field()
    _type_report(qtbot, "Half getypt")
    window.show_area("help")
    press(Key.Key_N, Mod.ControlModifier)
    assert window.current_area() == "report"
    assert form.description.toPlainText() == "Half getypt"


def test_report_after_ones_own_alarm_says_why_it_is_filled_in(qtbot, dutch, named, window) -> None:
    window.show_area("help")
    alarm = window.context.alarms.raise_alarm()
    window.findChild(QWidget, "alarmNotDeliveredBox").close()
    window.context.alarms.resolve(alarm.id)
    form = window.incident_form
    assert window.current_area() == "report"
    notice = form.findChild(QWidget, "prefillNotice")
    assert notice.isVisible()
    at = alarm.raised_at.astimezone().strftime("%H:%M")
    text = form.findChild(QLabel, "prefillNoticeText").text()
    assert text == f"Ingevuld vanuit je alarm van {at} — vul aan en sla op."
    assert form.location.text() == "Stadhuis, balie 3"
    assert focused() is form.categories.focus_target()

    notice.findChild(QPushButton, "prefillNoticeClose").click()
    assert not notice.isVisible()
    assert form.location.text() == "Stadhuis, balie 3"  # only the line goes
    assert form._alarm_id == alarm.id
    assert not form.has_content()
    # A report not from an alarm carries no such line.
    press(Key.Key_Escape)
    window.show_new_incident()
    assert not notice.isVisible()


def test_alarm_without_a_location_set_does_not_offer_the_host_name(qtbot, window) -> None:
    host = settings.STATION_NAME.get()
    alarm = window.context.alarms.raise_alarm()
    window.findChild(QWidget, "alarmNotDeliveredBox").close()
    assert alarm.location == host  # the colleagues' pop-up names the workstation
    window.context.alarms.resolve(alarm.id)
    form = window.incident_form
    assert form.findChild(QWidget, "prefillNotice").isVisible()
    assert form.location.text() == ""
    assert form.reporter.text() == ""


def test_prefill_line_only_with_an_alarm_time(qtbot, env) -> None:
    _db, _service, form = env
    notice = form.findChild(QWidget, "prefillNotice")
    form.start_new({"location": "Hal", "categories": ["physical_violence"]})
    assert not notice.isVisible()
    moment = datetime.now(UTC) - timedelta(minutes=3)
    form.start_new({"occurred_at": moment, "alarm_id": str(uuid.uuid4())})
    assert notice.isVisible()
    assert moment.astimezone().strftime("%H:%M") in form.prefill_text.text()
    assert moment.astimezone().strftime("%H:%M") in form.when_now.text()


def test_where_and_reporter_never_offer_the_host_name(qtbot) -> None:
    host = settings.STATION_NAME.get()
    assert host  # the workstation has a name (the host's): it must not show up as a person
    with open_service() as (_db, service):
        form = show_form(service)
        qtbot.addWidget(form)
        qtbot.waitUntil(form.isActiveWindow)
        assert form.location.text() == "" and form.location.placeholderText()
        assert form.reporter.text() == "" and form.reporter.placeholderText()
        form.categories.set_values(["threat"])
        form.description.setPlainText("Beller dreigde mij iets aan te doen.")
        before = form.state()
        assert form.save() is None  # it asks where, and who reports
        assert form.findChild(QWidget, "error_location").isVisible()
        assert focused() is form.location
        assert form.findChild(QLabel, "error_reporter").text()
        assert form.state()["description"] == before["description"]

        # Signing in (here: the service told who it is) fills the untouched fields.
        settings.STATION_LOCATION.set("Publiekshal")
        service.set_user("Marieke de Wit")
        assert form.location.text() == "Publiekshal"
        assert form.reporter.text() == "Marieke de Wit"
        assert form.save() is not None


def test_sign_in_does_not_overwrite_what_was_typed(qtbot, env) -> None:
    _db, service, form = env
    form.location.setText("Spreekkamer 2")
    settings.STATION_LOCATION.set("Balie 7")
    service.set_user("Marieke de Wit")
    assert form.location.text() == "Spreekkamer 2"
    assert form.reporter.text() == "Marieke de Wit"  # untouched: it follows
    service.set_user(None)
    assert form.reporter.text() == "Sanne de Vries"  # back to the name set in Instellingen


def test_guidance_is_asked_for_a_police_report_and_online_abuse(qtbot, env) -> None:
    _db, _service, form = env
    with qtbot.waitSignal(form.guidanceRequested, timeout=1000) as police:
        form.police_report_intended.setChecked(True)
    assert police.args == ["aangifte-doen"]
    online = form.findChild(QPushButton, "toggle_online_abuse")
    with qtbot.waitSignal(form.guidanceRequested, timeout=1000) as abuse:
        online.click()
    assert abuse.args == ["online-agressie"]
    with qtbot.assertNotEmitted(form.guidanceRequested):
        form.findChild(QPushButton, "toggle_doxing").click()  # online already chosen
        form.police_report_intended.setChecked(False)
        online.click()
    form.categories.set_values([])  # no online category left: the next one asks again
    with qtbot.waitSignal(form.guidanceRequested, timeout=1000) as doxing:
        form.findChild(QPushButton, "toggle_doxing").click()
    assert doxing.args == ["online-agressie"]


def test_restoring_a_draft_asks_for_no_guidance(qtbot, env) -> None:
    _db, service, form = env
    form.police_report_intended.setChecked(True)
    form.categories.set_values(["doxing"])
    form.description.setPlainText("Mijn adres stond op internet.")
    form.flush_draft()
    state = form.state()
    form.start_new({"location": "Hal"})  # the draft is set aside, recoverable
    [draft] = service.recoverable_drafts()
    assert draft.state == state
    with qtbot.assertNotEmitted(form.guidanceRequested):
        form.restore_draft(draft)
    assert form.police_report_intended.isChecked()
