"""The alarm as people see it: the sender's button and discreet indicator, the colleague's
pop-up. Two real AlarmServices (own SQLite files) over a real LanBeacon on loopback
multicast, real widgets offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.e2e.drivers.alarm_station import Station, build_station
from tests.support.net import free_udp_port, random_group
from veiligbalie import settings
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.ui.alarm_button import AlarmButton
from veiligbalie.ui.alarm_indicator import AlarmIndicator
from veiligbalie.ui.alarm_popup import AlarmPopup, elapsed_text

KEY = bytes(range(1, 33))


class Pair:
    """Balie 1 (the sender, with button and indicator) and Balie 2 (with the pop-up)."""

    def __init__(self, qtbot, root: Path, key: bytes | None = KEY) -> None:  # noqa: ANN001
        port = free_udp_port()
        group = random_group()
        self.desk: Station = build_station(root / "b1", "Balie 1", key, port, group)
        self.colleague: Station = build_station(root / "b2", "Balie 2", key, port, group)
        self.button = AlarmButton(self.desk.service)
        self.indicator = AlarmIndicator(self.desk.service)
        self.popup = AlarmPopup(self.colleague.service)
        for widget in (self.button, self.indicator, self.popup):
            qtbot.addWidget(widget)
        self.button.show()

    def third_station(self) -> Station:
        """Balie 3 on the same LAN: a second sender (close it in the test)."""
        return build_station(
            self.desk.db.path.parent.parent / "b3",
            "Balie 3",
            KEY,
            self.desk.lan.beacon.port,
            self.desk.lan.beacon._group.toString(),
        )

    def close(self) -> None:
        self.popup._cards.clear()  # let the pop-up close with the test
        self.desk.close()
        self.colleague.close()


@pytest.fixture
def pair(qtbot, tmp_path: Path) -> Iterator[Pair]:  # noqa: ANN001
    both = Pair(qtbot, tmp_path)
    qtbot.waitUntil(lambda: both.desk.service.reachable_responders() == 1, timeout=3000)
    qtbot.waitUntil(lambda: both.colleague.service.reachable_responders() == 1, timeout=3000)
    yield both
    both.close()


def press(qtbot, pair: Pair):  # noqa: ANN001, ANN201
    with qtbot.waitSignal(pair.desk.service.raised, timeout=2000) as blocker:
        qtbot.mouseClick(pair.button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_press_stores_and_shows_the_discreet_indicator(qtbot, pair: Pair) -> None:
    assert "1 reachable" in pair.button.text()
    assert not pair.indicator.isVisible()
    alarm = press(qtbot, pair)
    assert alarm.kind == AlarmKind.SILENT and alarm.type == AlarmType.AGGRESSION
    assert pair.desk.service.log_of(alarm.id)[0].kind == "raised"
    assert pair.indicator.isVisible()
    assert pair.indicator.status_text() == "Alarm sent · waiting for a colleague"
    assert pair.indicator.property("open") == "false"  # silent: nothing loud on screen
    assert pair.indicator.cancel_button.isVisibleTo(pair.indicator)
    assert pair.indicator.cancel_button.text().startswith("Mistake (")
    assert not pair.indicator.resolve_button.isVisibleTo(pair.indicator)


def test_popup_ack_travels_back_and_resolve_clears_both(qtbot, pair: Pair) -> None:
    alarm = press(qtbot, pair)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    assert pair.popup.isVisible() and pair.popup.objectName() == "alarmPopup"
    assert pair.popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    card = pair.popup.card(alarm.id)
    assert card.location.text() == "Balie 1, publiekshal"
    assert "AGGRESSION" in card.title.text() and "From workstation Balie 1" in card.station.text()
    assert card.elapsed.text().endswith("s ago")
    assert pair.popup.sound_wanted()

    ack_button = pair.popup.findChild(QWidget, "alarmAcknowledgeButton")
    assert ack_button is card.acknowledge_button
    qtbot.mouseClick(ack_button, Qt.MouseButton.LeftButton)
    assert not card.acknowledge_button.isEnabled()
    assert not pair.popup.sound_wanted()  # answered: the sound stops
    qtbot.waitUntil(lambda: pair.desk.service.get(alarm.id).responding == 1, timeout=2000)
    # The sender sees who is coming, by name, not only how many.
    assert pair.indicator.status_text() == (
        "Alarm sent · 1 colleague(s) on the way: Collega Balie 2 (Balie 2)"
    )
    assert card.responders.text() == "On the way: Collega Balie 2 (Balie 2)"

    qtbot.mouseClick(card.resolve_button, Qt.MouseButton.LeftButton)
    assert pair.popup.cards() == [] and not pair.popup.isVisible()
    qtbot.waitUntil(lambda: not pair.desk.service.open_alarms(), timeout=2000)
    assert not pair.indicator.isVisible()
    kinds = [e.kind for e in pair.desk.service.log_of(alarm.id)]
    assert kinds[:2] == ["raised", "sent"] and "acknowledged" in kinds and "resolved" in kinds


def test_sender_resolves_after_the_cancel_window(qtbot, pair: Pair) -> None:
    alarm = press(qtbot, pair)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    service = pair.desk.service
    # The window has passed: only "Afgehandeld" is offered, and a cancel is refused.
    service._alarms[alarm.id] = service.get(alarm.id).__class__(
        **{**service.get(alarm.id).__dict__, "raised_at": datetime.now(UTC) - timedelta(seconds=11)}
    )
    pair.indicator._refresh_buttons()
    assert not pair.indicator.cancel_button.isVisibleTo(pair.indicator)
    assert pair.indicator.resolve_button.isVisibleTo(pair.indicator)
    pair.indicator.cancel()
    assert service.get(alarm.id).is_open
    qtbot.mouseClick(pair.indicator.resolve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pair.popup.cards() == [], timeout=2000)


def test_mistake_within_ten_seconds_is_shown_to_the_colleague(qtbot, pair: Pair) -> None:
    alarm = press(qtbot, pair)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    qtbot.mouseClick(pair.indicator.cancel_button, Qt.MouseButton.LeftButton)
    assert pair.desk.service.get(alarm.id).state == AlarmState.CANCELLED
    assert not pair.indicator.isVisible()
    card = pair.popup.card(alarm.id)
    qtbot.waitUntil(lambda: card.alarm.state == AlarmState.CANCELLED, timeout=2000)
    assert card.title.text() == "Cancelled by the sender (a mistake)"
    # The headline above the card no longer calls for help.
    assert pair.popup.heading.text() == "No help needed: the alarm was cancelled"
    assert pair.popup.heading.property("closed") == "true"
    assert "needs help" not in pair.popup.windowTitle()
    assert not pair.popup.sound_wanted()
    qtbot.mouseClick(card.dismiss_button, Qt.MouseButton.LeftButton)
    assert pair.popup.cards() == []


def test_cancel_of_one_of_two_alarms_keeps_the_call_for_help(qtbot, pair: Pair) -> None:
    third = pair.third_station()
    try:
        first = press(qtbot, pair)
        second = third.service.raise_alarm()
        qtbot.waitUntil(lambda: len(pair.popup.cards()) == 2, timeout=2000)
        qtbot.mouseClick(pair.indicator.cancel_button, Qt.MouseButton.LeftButton)
        card = pair.popup.card(first.id)
        qtbot.waitUntil(lambda: card.alarm.state == AlarmState.CANCELLED, timeout=2000)
        # One colleague still needs help: the headline says so, not "no help needed".
        assert pair.popup.heading.text() == "A colleague needs help"
        assert pair.popup.card(second.id).alarm.is_open
    finally:
        third.close()


def test_after_a_cancel_the_popup_reads_dutch_and_true(qtbot, dutch, pair: Pair) -> None:
    alarm = press(qtbot, pair)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    assert pair.popup.heading.text() == "Een collega heeft hulp nodig"
    qtbot.mouseClick(pair.indicator.cancel_button, Qt.MouseButton.LeftButton)
    card = pair.popup.card(alarm.id)
    qtbot.waitUntil(lambda: card.alarm.state == AlarmState.CANCELLED, timeout=2000)
    assert pair.popup.heading.text() == "Geen hulp nodig: het alarm is ingetrokken"
    assert card.responders.text().startswith("Geen hulp nodig. Ingetrokken door")
    assert "hulp nodig" in pair.popup.windowTitle() and "collega heeft" not in (
        pair.popup.windowTitle()
    )


def test_responder_without_a_persons_name_is_shown_by_workstation(qtbot, tmp_path: Path) -> None:
    port, group = free_udp_port(), random_group()
    desk = build_station(tmp_path / "d1", "Balie 1", KEY, port, group)
    helper = build_station(tmp_path / "d2", "Balie 4", KEY, port, group)
    helper.service._responder_name = lambda: ""  # no one signed in, no name set
    settings.REPORTER_NAME.set("")
    try:
        indicator = AlarmIndicator(desk.service)
        popup = AlarmPopup(helper.service)
        qtbot.addWidget(indicator)
        qtbot.addWidget(popup)
        qtbot.waitUntil(lambda: desk.service.reachable_responders() == 1, timeout=3000)
        alarm = desk.service.raise_alarm()
        qtbot.waitUntil(lambda: popup.card(alarm.id) is not None, timeout=2000)
        popup.card(alarm.id).acknowledge()
        qtbot.waitUntil(lambda: desk.service.get(alarm.id).responding == 1, timeout=2000)
        # The workstation's name once, not "Balie 4 (Balie 4)".
        assert indicator.status_text() == "Alarm sent · 1 colleague(s) on the way: Balie 4"
    finally:
        popup._cards.clear()
        desk.close()
        helper.close()


def test_test_alarm_is_marked_and_silent(qtbot, pair: Pair) -> None:
    alarm = pair.desk.service.raise_alarm(test=True)
    assert pair.indicator.status_text().startswith("TEST · ")
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    card = pair.popup.card(alarm.id)
    assert card.title.text().startswith("TEST · ") and card.property("test") == "true"
    assert pair.popup.heading.text() == "TEST ALARM"
    assert not pair.popup.sound_wanted()
    log = pair.colleague.service.log_of(alarm.id)
    assert log[0].kind == "received" and log[0].data["test"] is True
    assert log[0].data["after_ms"] >= 0
    # Seen and answered: the sender's log says who and how fast.
    qtbot.mouseClick(card.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pair.desk.service.get(alarm.id).responding == 1, timeout=2000)
    ack = [e for e in pair.desk.service.log_of(alarm.id) if e.kind == "acknowledged"][0]
    assert ack.actor == "Collega Balie 2" and ack.data["after_ms"] >= 0


def test_test_alarm_sound_when_chosen(qtbot, pair: Pair) -> None:
    settings.ALARM_TEST_SOUND.set(True)
    alarm = pair.desk.service.raise_alarm(test=True)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    assert pair.popup.sound_wanted()


def test_quiet_station_shows_without_sound(qtbot, pair: Pair) -> None:
    settings.ALARM_SOUND.set(False)
    alarm = press(qtbot, pair)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    assert pair.popup.isVisible() and not pair.popup.sound_wanted()


def test_several_alarms_newest_on_top(qtbot, pair: Pair) -> None:
    third = pair.third_station()
    try:
        first = press(qtbot, pair)
        qtbot.waitUntil(lambda: pair.popup.card(first.id) is not None, timeout=2000)
        second = third.service.raise_alarm(AlarmKind.OPEN, AlarmType.MEDICAL)
        qtbot.waitUntil(lambda: len(pair.popup.cards()) == 2, timeout=2000)
        assert [c.alarm_id for c in pair.popup.cards()] == [second.id, first.id]
        assert pair.popup.heading.text() == "2 colleagues need help"
        assert "MEDICAL · open alarm" in pair.popup.cards()[0].title.text()
    finally:
        third.close()


def test_type_corrected_afterwards_reaches_the_popup(qtbot, pair: Pair) -> None:
    alarm = press(qtbot, pair)
    qtbot.waitUntil(lambda: pair.popup.card(alarm.id) is not None, timeout=2000)
    index = pair.indicator.type_choice.findData(AlarmType.MEDICAL.value)
    pair.indicator.type_choice.setCurrentIndex(index)
    pair.indicator.type_choice.activated.emit(index)
    card = pair.popup.card(alarm.id)
    qtbot.waitUntil(lambda: "MEDICAL" in card.title.text(), timeout=2000)


def test_open_alarm_is_shown_plainly_to_the_sender(pair: Pair) -> None:
    pair.desk.service.raise_alarm(AlarmKind.OPEN)
    assert pair.indicator.property("open") == "true"
    assert pair.indicator.status_text().startswith("ALARM ACTIVE")


def test_not_connected_says_so_on_the_button(qtbot, tmp_path: Path) -> None:
    lonely = build_station(tmp_path / "b9", "Balie 9", None, free_udp_port(), "239.255.1.1")
    try:
        button = AlarmButton(lonely.service)
        indicator = AlarmIndicator(lonely.service)
        qtbot.addWidget(button)
        qtbot.addWidget(indicator)
        assert "Alarm not connected" in button.text()
        assert button.property("connected") == "false"
        alarm = lonely.service.raise_alarm()
        assert indicator.status_text().startswith("Alarm NOT delivered")
        assert [e.kind for e in lonely.service.log_of(alarm.id)] == ["raised", "undelivered"]
    finally:
        lonely.close()


def test_elapsed_text_counts_minutes() -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert elapsed_text(start, start + timedelta(seconds=42)) == "42 s ago"
    assert elapsed_text(start, start + timedelta(seconds=125)) == "2 min 5 s ago"


def test_colleague_texts_are_shown_as_plain_text(qtbot, pair: Pair) -> None:
    """A location or name from another station is never interpreted as HTML."""
    press(qtbot, pair)
    qtbot.waitUntil(lambda: bool(pair.popup._cards), timeout=3000)
    card = next(iter(pair.popup._cards.values()))
    assert card.location.textFormat() == Qt.TextFormat.PlainText
    assert card.title.textFormat() == Qt.TextFormat.PlainText
    assert card.station.textFormat() == Qt.TextFormat.PlainText
    assert card.responders.textFormat() == Qt.TextFormat.PlainText
