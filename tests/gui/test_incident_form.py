"""The incident form by keyboard: the trained user's fast path, Tab order, mnemonics,
Ctrl+Enter, Esc, and a plain message next to every field that is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from tests.gui.drivers.incident_support import focused, mnemonic, press
from veiligbalie import settings
from veiligbalie.core.incident import DESCRIPTION_MAX
from veiligbalie.core.vocabulary import Category, Channel, IncidentStatus
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.outbox import Outbox
from veiligbalie.ui.incident_form import IncidentForm

Key = Qt.Key
Mod = Qt.KeyboardModifier


def test_keyboard_only_registration_takes_at_most_six_keystrokes(qtbot, env):
    """Ctrl+N (counted: the main window opens the form), then 1, Tab, Tab, the
    description, Ctrl+Enter: 5 keystrokes besides the description."""
    db, service, form = env
    keystrokes = 1  # Ctrl+N in the main window brought us here
    assert focused().objectName() == "toggle_verbal_aggression"

    press(Key.Key_1)  # verbal aggression
    press(Key.Key_Tab)  # -> severity (default: serious)
    press(Key.Key_Tab)  # -> description
    keystrokes += 3
    assert focused() is form.description
    qtbot.keyClicks(focused(), "Bezoeker schold mij uit en sloeg op de balie")
    with qtbot.waitSignal(form.saved) as saved:
        press(Key.Key_Return, Mod.ControlModifier)
        keystrokes += 1
    assert keystrokes <= 6

    incident = IncidentRepository(db).get(saved.args[0].id)
    assert incident is not None
    assert incident.categories == frozenset({Category.VERBAL_AGGRESSION})
    assert incident.channel is Channel.COUNTER
    assert incident.location == "Balie 3"
    assert incident.description == "Bezoeker schold mij uit en sloeg op de balie"
    assert incident.status is IncidentStatus.SAVED_LOCALLY
    assert Outbox(db).count_pending() == 1
    assert form.confirmation_reference.text() == incident.reference
    assert form.confirmation_reference.text().startswith("VB-")
    # The draft is gone once the report is saved.
    assert service.recoverable_drafts() == []


def test_tab_walks_the_essentials_in_order(env):
    _db, _service, form = env
    form.when_now.setFocus()
    order = [focused().objectName()]
    for _ in range(11):
        press(Key.Key_Tab)
        order.append(focused().objectName())
    assert order == [
        "whenNow",
        "location",
        "channel",
        "toggle_verbal_aggression",
        "severity",
        "description",
        "sectionHeader_people",
        "sectionHeader_consequences",
        "sectionHeader_aftercare",
        "sectionHeader_evidence",
        "incidentCancelButton",
        "incidentSaveButton",
    ]


def test_category_group_is_one_tab_stop_with_arrows_and_number_keys(env):
    _db, _service, form = env
    press(Key.Key_3)
    press(Key.Key_5)
    assert set(form.categories.values()) == {"intimidation", "physical_violence"}
    assert focused().objectName() == "toggle_physical_violence"
    press(Key.Key_5)  # a second press takes it off again
    assert form.categories.values() == ["intimidation"]
    press(Key.Key_Right)
    assert focused().objectName() == "toggle_property_damage"
    press(Key.Key_Space)
    assert "property_damage" in form.categories.values()
    press(Key.Key_Tab)
    assert focused() is form.severity
    press(Key.Key_Tab, Mod.ShiftModifier)
    assert focused().objectName() == "toggle_property_damage"


def test_mnemonics_open_the_sections_and_reach_the_fields(qtbot, env):
    _db, _service, form = env
    for key, section in form.sections.items():
        assert not section.is_expanded()
        letter = mnemonic(section.header.text())
        press(Qt.Key(ord(letter.upper())), Mod.AltModifier)
        qtbot.waitUntil(section.is_expanded)  # a mnemonic "animates" the click (~100 ms)
        assert section.body.isAncestorOf(focused()), key
    press(Qt.Key(ord(mnemonic(form.when_label.text()).upper())), Mod.AltModifier)
    assert focused() is form.when_now
    label = form.findChild(QWidget, "locationLabel")
    press(Qt.Key(ord(mnemonic(label.text()).upper())), Mod.AltModifier)
    assert focused() is form.location
    label = form.findChild(QWidget, "descriptionLabel")
    press(Qt.Key(ord(mnemonic(label.text()).upper())), Mod.AltModifier)
    assert focused() is form.description


def test_mnemonics_are_unique(env):
    _db, _service, form = env
    letters = [
        mnemonic(w.text())
        for w in form.findChildren(QWidget)
        if hasattr(w, "text")
        and callable(w.text)
        and "&" in str(w.text()).replace("&&", "")
        and w.isVisibleTo(form)
    ]
    assert len(letters) >= 10
    assert len(letters) == len(set(letters)), letters


@pytest.mark.parametrize(
    "key, modifier",
    [
        (Key.Key_Return, Mod.ControlModifier),
        (Key.Key_Enter, Mod.ControlModifier | Mod.KeypadModifier),
    ],
)
def test_ctrl_enter_saves_from_any_field(qtbot, env, key, modifier):
    db, _service, form = env
    press(Key.Key_1)
    form.location.setFocus()
    form.description.setPlainText("Een bezoeker werd boos aan de telefoon.")
    with qtbot.waitSignal(form.saved):
        press(key, modifier)
    assert IncidentRepository(db).count() == 1


def test_escape_on_an_empty_form_leaves_without_asking(qtbot, env):
    _db, _service, form = env
    with qtbot.waitSignal(form.cancelled):
        press(Key.Key_Escape)
    assert form.findChild(QMessageBox, "discardConfirmBox") is None


def test_escape_asks_before_discarding_and_keeps_by_default(qtbot, env):
    db, service, form = env
    qtbot.keyClicks(form.description, "Iets wat ik niet kwijt wil")
    form.flush_draft()
    press(Key.Key_Escape)
    box = form.findChild(QMessageBox, "discardConfirmBox")
    qtbot.waitUntil(box.isVisible)
    box.findChild(QPushButton, "discardKeepButton").click()
    assert form.description.toPlainText() == "Iets wat ik niet kwijt wil"
    assert form.has_content()

    form.description.setFocus()
    press(Key.Key_Escape)
    box = form.findChild(QMessageBox, "discardConfirmBox")
    qtbot.waitUntil(box.isVisible)
    with qtbot.waitSignal(form.cancelled):
        box.findChild(QPushButton, "discardConfirmButton").click()
    assert form.description.toPlainText() == ""
    assert service.recoverable_drafts() == []
    assert IncidentRepository(db).count() == 0


def _set_description(form: IncidentForm, text: str) -> None:
    form.description.setPlainText(text)


CASES = {
    "description_empty": ("error_description", "description", lambda f: _set_description(f, "")),
    "description_short": (
        "error_description",
        "description",
        lambda f: _set_description(f, "Te kort"),
    ),
    "description_long": (
        "error_description",
        "description",
        lambda f: _set_description(f, "x" * (DESCRIPTION_MAX + 1)),
    ),
    "no_category": ("error_categories", "toggle_verbal_aggression", None),
    "empty_location": ("error_location", "location", lambda f: f.location.setText("   ")),
    "future_time": ("error_occurred_at", "otherDateTime", None),
    "perpetrator_without_detail": ("error_perpetrator_description", "perpetratorDescription", None),
    "negative_damage": ("error_damage_amount_cents", "damageAmount", None),
    "damage_too_large": ("error_damage_amount_cents", "damageAmount", None),
    "damage_not_an_amount": ("error_damage_amount_cents", "damageAmount", None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_validation_message_next_to_the_field_and_nothing_lost(qtbot, env, case):
    db, _service, form = env
    message_name, focus_name, change = CASES[case]
    if case != "no_category":
        form.categories.set_values(["verbal_aggression"])
    form.description.setPlainText("De bezoeker dreigde mij iets aan te doen.")
    if change is not None:
        change(form)
    if case == "future_time":
        form.when_other.setChecked(True)
        form.other_datetime.setDateTime(QDateTime.currentDateTime().addDays(1))
    if case == "perpetrator_without_detail":
        form.perpetrator_known.setChecked(True)
    if case in ("negative_damage", "damage_too_large", "damage_not_an_amount"):
        form.damage.setChecked(True)
        form.damage_amount.setText(
            {
                "negative_damage": "-50",
                "damage_too_large": "2.000.000",
                "damage_not_an_amount": "veel",
            }[case]
        )
    before = form.state()

    assert form.save() is None

    message = form.findChild(QWidget, message_name)
    assert message.isVisible(), message_name
    assert len(message.text()) > 10
    assert message.accessibleName() == message.text()
    assert focused().objectName() == focus_name
    # The message sits right under its field (same column, just below).
    field = form.findChild(QWidget, focus_name)

    def gap() -> int:
        bottom = field.mapTo(form, field.rect().bottomLeft()).y()
        return message.mapTo(form, message.rect().topLeft()).y() - bottom

    qtbot.waitUntil(lambda: 0 <= gap() < 200)  # once the opened section is laid out
    after = form.state()
    assert after.pop("open_sections") is not None  # the section with the problem opened
    before.pop("open_sections")
    assert after == before
    assert IncidentRepository(db).count() == 0
    assert Outbox(db).count_pending() == 0


def test_message_goes_when_the_field_is_corrected_and_then_saves(qtbot, env):
    db, _service, form = env
    form.description.setPlainText("kort")
    assert form.save() is None
    message = form.findChild(QWidget, "error_description")
    assert message.isVisible()
    qtbot.keyClicks(form.description, " maar nu lang genoeg")
    assert not message.isVisible()
    press(Key.Key_Return, Mod.ControlModifier)  # still no category
    assert form.findChild(QWidget, "error_categories").isVisible()
    form.categories.set_values(["threat"])
    with qtbot.waitSignal(form.saved):
        form.save_button.click()
    assert IncidentRepository(db).count() == 1


def test_every_field_reaches_the_store(qtbot, env):
    db, service, form = env
    form.categories.set_values(["threat", "discrimination"])
    form.channel.setCurrentIndex(form.channel.findData("phone"))
    form.severity.setCurrentIndex(form.severity.findData("high"))
    form.when_other.setChecked(True)
    moment = QDateTime.currentDateTime().addSecs(-3600)
    form.other_datetime.setDateTime(moment)
    form.location.setText("Spreekkamer 2")
    form.description.setPlainText("Beller dreigde mijn gezin iets aan te doen.")
    form.on_behalf.setChecked(True)
    form.on_behalf_of.setText("Fatima")
    form.perpetrator_known.setChecked(True)
    form.perpetrator_description.setPlainText("Man, ongeveer 40")
    form.perpetrator_reference.setText("Z-1234")
    form.witnesses.setPlainText("Jan\n\nBezoeker met kinderwagen\n")
    form.damage.setChecked(True)
    form.damage_amount.setText("1.234,50")
    for box in (form.injury, form.absence, form.police_called, form.arrest):
        box.setChecked(True)
    form.police_report_intended.setChecked(True)
    form.aftercare_wanted.setChecked(True)
    form.team_lead_only.setChecked(True)
    saved = form.save()
    assert saved is not None
    stored = IncidentRepository(db).get(saved.id)
    assert stored.categories == {Category.THREAT, Category.DISCRIMINATION}
    assert stored.channel is Channel.PHONE
    assert stored.severity.value == "high"
    assert abs(stored.occurred_at - datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)) < (
        timedelta(minutes=1)
    )
    assert stored.location == "Spreekkamer 2"
    assert stored.on_behalf_of == "Fatima"
    assert stored.perpetrator_known and stored.perpetrator_reference == "Z-1234"
    assert stored.perpetrator_description == "Man, ongeveer 40"
    assert stored.witnesses == ("Jan", "Bezoeker met kinderwagen")
    assert stored.damage_amount_cents == 123450
    assert stored.injury and stored.absence and stored.police_called and stored.arrest
    assert stored.police_report_intended and stored.aftercare_wanted and stored.team_lead_only
    assert stored.reporter == service.reporter_name()
    steps = form.confirmation_steps.text()
    assert "aangifte" in steps and "VPT" in steps  # threat: police report advice with date
    assert form.confirmation_steps.text().count("•") >= 4
    # Deadlines read in Dutch office time (a police report: end of the working day, 23:59),
    # also on a machine whose clock runs in another time zone.
    assert "23:59" in steps


def test_perpetrator_details_are_dropped_when_unknown(env):
    db, _service, form = env
    form.categories.set_values(["verbal_aggression"])
    form.description.setPlainText("Bezoeker werd boos bij de balie.")
    form.perpetrator_known.setChecked(True)
    form.perpetrator_reference.setText("Z-99")
    form.perpetrator_unknown.setChecked(True)
    saved = form.save()
    assert saved is not None
    assert IncidentRepository(db).get(saved.id).perpetrator_reference == ""


def test_new_report_button_starts_an_empty_form(qtbot, env):
    _db, _service, form = env
    form.categories.set_values(["other"])
    form.description.setPlainText("Er lag een dreigbrief in de bus.")
    assert form.save() is not None
    form.findChild(QPushButton, "incidentNewButton").click()
    assert form.description.toPlainText() == ""
    assert form.categories.values() == []
    assert QApplication.focusWidget() is form.categories.focus_target()
    assert not form.has_content()


def test_start_new_keeps_a_report_in_progress(env):
    _db, service, form = env
    form.description.setPlainText("Half getypt verhaal")
    form.start_new()
    assert form.description.toPlainText() == "Half getypt verhaal"
    # From an alarm (prefill), the unfinished one becomes a recoverable draft.
    form.start_new({"location": "Hal", "categories": ["physical_violence"]})
    assert form.location.text() == "Hal"
    assert form.categories.values() == ["physical_violence"]
    drafts = service.recoverable_drafts()
    assert [d.state["description"] for d in drafts] == ["Half getypt verhaal"]


def test_signed_in_user_is_the_reporter_even_with_a_name_set(qtbot, tmp_path) -> None:
    from veiligbalie.services.incidents import IncidentService
    from veiligbalie.store.database import Database

    settings.REPORTER_NAME.set("Balie drie")
    service = IncidentService(Database.open(tmp_path / "r.sqlite3"))
    assert service.reporter_name() == "Balie drie"
    service.set_user("Marieke de Wit")
    assert service.reporter_name() == "Marieke de Wit"
    service.set_user(None)
    assert service.reporter_name() == "Balie drie"


def test_the_field_table_covers_every_part_of_a_report(env) -> None:
    """Each report attribute a user enters comes from exactly one row of the field table,
    and every row's widget is on the form and in the draft's state."""
    import dataclasses

    from veiligbalie.core.incident import Incident
    from veiligbalie.ui.incident_form.fields import FIELDS

    _db, _service, form = env
    system = {"id", "reference", "alarm_id", "status", "created_at"}
    attributes = [f.attribute for f in FIELDS if f.attribute is not None]
    assert len(attributes) == len(set(attributes))
    assert set(attributes) == {f.name for f in dataclasses.fields(Incident)} - system
    state = form.state()
    for field in FIELDS:
        assert field.key in state, field.key
        if field.requires:
            assert field.requires in {f.key for f in FIELDS}, field.key
