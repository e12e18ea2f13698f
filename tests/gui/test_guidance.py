"""Hulp in the real main window: search as you type and Enter, F1, related links, the
card beside the form after an alarm and for aangifte, the pop-up's link, the refresher with
its one-time reminder (a controllable clock, no sleeps), and the prevention check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.support.clock import Clock
from veiligbalie import settings
from veiligbalie.services.guidance import add_months
from veiligbalie.ui.main_window import MainWindow


@pytest.fixture
def window(dutch: None, main_window: MainWindow) -> MainWindow:
    return main_window


def test_f1_search_by_a_word_in_the_text_and_enter_opens_the_card(
    qtbot, window: MainWindow
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.current_area() == "help"
    view = window.help_view
    assert QApplication.focusWidget() is view.search
    # "armlengte" is neither in a title nor in a tag: only in the text of De-escaleren.
    qtbot.keyClicks(view.search, "armlengte")
    assert view.visible_titles() == ["De-escaleren bij emotie"]
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.current_card().id == "de-escaleren"
    assert "armlengte" in view.reader.toPlainText()
    assert QApplication.focusWidget() is view.reader


def test_the_list_is_grouped_by_situation_and_search_narrows_it(qtbot, window: MainWindow) -> None:
    window.show_area("help")
    view = window.help_view
    groups = [view.list.topLevelItem(i).text(0) for i in range(view.list.topLevelItemCount())]
    assert groups == ["Tijdens het gesprek", "Na een incident", "Voor teamleiders"]
    assert len(view.visible_titles()) == 9
    qtbot.keyClicks(view.search, "VPT")  # a tag
    assert view.visible_titles() == ["Aangifte doen"]
    view.search.clear()
    qtbot.keyClicks(view.search, "qwertyuiop")
    assert view.visible_titles() == [] and view.empty.isVisible()


def test_keyboard_down_from_search_then_enter_in_the_list(qtbot, window: MainWindow) -> None:
    window.show_help()
    view = window.help_view
    qtbot.keyClicks(view.search, "doxing")
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is view.list
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert view.current_card().id == "online-agressie"


def test_related_links_open_the_other_card(qtbot, window: MainWindow) -> None:
    window.show_card("de-escaleren")
    view = window.help_view
    assert "Zie ook" in view.reader.toPlainText()
    assert "Grenzen stellen bij agressie" in view.reader.toPlainText()
    view.reader.anchorClicked.emit(
        view.reader.document().baseUrl().fromUserInput("card:grenzen-stellen")
    )
    assert view.current_card().id == "grenzen-stellen"


def test_the_sender_is_offered_the_card_after_the_alarm_is_resolved(
    qtbot, window: MainWindow
) -> None:
    settings.STATION_LOCATION.set("Stadhuis, balie 3")
    assert not window.guidance_beside.isVisible()
    alarm = window.context.alarms.raise_alarm()
    window.findChild(object, "alarmNotDeliveredBox").close()
    window.context.alarms.resolve(alarm.id)
    assert window.current_area() == "report"  # the report form, with the card beside it
    assert window.guidance_beside.isVisible()
    assert window.guidance_beside.card_id() == "direct-na-incident"
    assert "Direct na een incident" in window.guidance_beside.reader.toPlainText()


def test_ticking_aangifte_shows_the_card_beside_the_form(qtbot, window: MainWindow) -> None:
    window.show_new_incident()
    signal = getattr(window.incident_form, "guidanceRequested", None)
    if signal is not None:  # the form's own signal (added by the form's engineer)
        signal.emit("aangifte-doen")
    else:  # until then: the window's slot the signal is connected to
        window.offer_card("aangifte-doen")
    assert window.current_area() == "report"
    assert window.guidance_beside.card_id() == "aangifte-doen"
    assert "VPT" in window.guidance_beside.reader.toPlainText()
    qtbot.mouseClick(window.guidance_beside.open_button, Qt.MouseButton.LeftButton)
    assert window.current_area() == "help"
    assert window.help_view.current_card().id == "aangifte-doen"


def test_the_colleagues_popup_links_to_alarm_slaan(qtbot, window: MainWindow) -> None:
    link = window.alarm_popup.guidance_link
    assert "Alarm slaan" in link.text()
    link.linkActivated.emit("alarm-slaan")
    assert window.current_area() == "help"
    assert window.help_view.current_card().id == "alarm-slaan"


def test_the_refresher_reminder_appears_once_after_the_interval(qtbot, window: MainWindow) -> None:
    library = window.context.guidance
    start = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    clock = Clock(start)
    library.clock = clock
    library.record_refresher("", start)
    reminder = window.refresher_reminder
    reminder.hide()
    clock.now = add_months(start, 6) - timedelta(minutes=1)
    assert not reminder.check() and not reminder.isVisible()
    clock.now = add_months(start, 6) + timedelta(hours=1)
    assert reminder.check()
    assert reminder.isVisible()
    assert "opfrisser" in reminder.text()
    qtbot.mouseClick(reminder, Qt.MouseButton.LeftButton)
    assert not reminder.isVisible()
    assert window.help_view.pages.currentWidget() is window.help_view.refresher
    clock.now += timedelta(days=3)
    assert not reminder.check() and not reminder.isVisible()  # once: no nagging


def test_the_interval_is_a_setting(window: MainWindow) -> None:
    library = window.context.guidance
    start = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    library.clock = Clock(add_months(start, 3) + timedelta(days=1))
    library.record_refresher("", start)
    settings.GUIDANCE_REFRESH_MONTHS.set(12)
    assert not window.refresher_reminder.check()
    settings.GUIDANCE_REFRESH_MONTHS.set(3)
    assert window.refresher_reminder.check()


def test_the_refresher_gives_feedback_on_every_choice_and_records_the_date(
    qtbot, window: MainWindow
) -> None:
    library = window.context.guidance
    clock = Clock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    library.clock = clock
    window.show_refresher()
    view = window.help_view.refresher
    total = len(view.scenarios)
    assert total >= 9 and view.progress.text() == f"Vraag 1 van {total}"
    for number in range(total):
        scenario = view.current()
        wrong = next(i for i, c in enumerate(scenario.choices) if not c.correct)
        right = next(i for i, c in enumerate(scenario.choices) if c.correct)
        pick = wrong if number == 0 else right
        qtbot.mouseClick(view.choice_texts[pick], Qt.MouseButton.LeftButton)  # the text
        assert view.buttons[pick].isChecked()
        assert view.check() is (pick == right)
        for note, choice in zip(view.feedback, scenario.choices, strict=True):
            assert note.isVisibleTo(view) and choice.feedback in note.text()
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.progress.text() == "Opfrisser klaar"
    assert f"{total - 1} van {total}" in view.question.text()
    assert library.last_refresher("") == clock.now


def test_the_prevention_check_keeps_open_points(qtbot, window: MainWindow) -> None:
    library = window.context.guidance
    library.clock = Clock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    window.show_area("help")
    qtbot.mouseClick(window.help_view.prevention_button, Qt.MouseButton.LeftButton)
    view = window.help_view.prevention
    view.place.clear()
    assert not view.save()
    assert "locatie of balie" in view.message.text()
    qtbot.keyClicks(view.place, "Stadskantoor balie 3")
    for key in ("escape_route", "alarm_in_reach", "counter_visible", "house_rules_visible"):
        view.boxes[key].setChecked(True)
    qtbot.keyClicks(view.notes, "Wachtruimte: stoelen vervangen")
    assert view.save()
    [check] = library.prevention_checks()
    assert check.checked_on.isoformat() == "2026-12-02" and not check.synced
    assert check.open_points == ["waiting_area_calm", "staff_trained"]
    assert "Stadskantoor balie 3 (02-12-2026)" in view.open_points.text()
    assert "wachtruimte is comfortabel" in view.open_points.text()


def test_help_follows_the_font_scale(qtbot, window: MainWindow) -> None:
    window.show_card("nazorg")
    reader = window.help_view.reader
    before = reader.document().defaultFont().pointSizeF()
    font = QApplication.font()
    original = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    QApplication.setFont(font)
    try:
        qtbot.waitUntil(lambda: reader.document().defaultFont().pointSizeF() >= before * 1.9)
    finally:
        QApplication.setFont(original)
