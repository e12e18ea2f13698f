"""The look of the alarm: the sender's silent indicator and the pop-up are rendered to PNG
(offscreen; set VEILIGBALIE_SHOTS=<folder> to keep them) and checked for cut-off text and
squeezed cards, the faults the first screenshots showed."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from tests.e2e.drivers.alarm_station import build_station
from tests.support.net import free_udp_port, random_group
from veiligbalie import settings
from veiligbalie.core.vocabulary import AlarmKind, AlarmType
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.alarm_popup import AlarmPopup
from veiligbalie.ui.main_window import MainWindow

KEY = bytes(range(5, 37))


def save(widget: QWidget, name: str, folder: Path) -> Path:
    QApplication.processEvents()
    image = widget.grab()
    assert not image.isNull() and image.width() > 100 and image.height() > 50
    target = Path(os.environ.get("VEILIGBALIE_SHOTS", folder)) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(target))
    return target


def test_sender_indicator_and_popup_render_without_cut_text(
    qtbot, tmp_path: Path, dutch: None
) -> None:
    settings.STATION_NAME.set("Balie 3")
    settings.STATION_LOCATION.set("Stadhuis, publiekshal, balie 3")
    port, group = free_udp_port(), random_group()
    context = AppContext.open(Database.open())
    assert context.lan_alarms.configure(KEY, context.alarms.identity, "127.0.0.1", port, group)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1180, 780)
    window.show()
    qtbot.waitExposed(window)
    first = build_station(tmp_path / "b1", "Balie 1", KEY, port, group, site="default")
    second = build_station(tmp_path / "b5", "Balie 5", KEY, port, group, site="default")
    popup = AlarmPopup(first.service)
    qtbot.addWidget(popup)
    try:
        qtbot.waitUntil(lambda: context.alarms.reachable_responders() == 2, timeout=3000)
        alarm = context.alarms.raise_alarm()
        qtbot.waitUntil(lambda: second.service.get(alarm.id) is not None, timeout=2000)
        qtbot.waitUntil(lambda: popup.card(alarm.id) is not None, timeout=2000)
        first.service.acknowledge(alarm.id)
        second.service.acknowledge(alarm.id)
        qtbot.waitUntil(lambda: context.alarms.get(alarm.id).responding == 2, timeout=2000)
        indicator = window.alarm_indicator
        qtbot.waitUntil(lambda: indicator.text.height() >= indicator.text.minimumHeight())
        label = indicator.text
        assert label.height() >= label.heightForWidth(label.width())  # nothing cut off
        assert indicator.property("open") == "false"
        save(window.findChild(QWidget, "navigation"), "alarm-indicator-silent.png", tmp_path)

        other = second.service.raise_alarm(AlarmKind.OPEN, AlarmType.MEDICAL)
        qtbot.waitUntil(lambda: len(popup.cards()) == 2, timeout=2000)
        assert popup.cards()[0].alarm_id == other.id
        QApplication.processEvents()
        for card in popup.cards():
            assert card.height() >= card.minimumSizeHint().height()
        assert popup.height() > sum(c.minimumSizeHint().height() for c in popup.cards()) * 0.9
        save(popup, "alarm-popup.png", tmp_path)

        # "Vergissing" by the second sender, the first alarm resolved: only the cancelled
        # card is left, and the headline no longer calls for help.
        second.service.cancel(other.id)
        qtbot.waitUntil(lambda: not popup.card(other.id).alarm.is_open, timeout=2000)
        context.alarms.resolve(alarm.id)
        qtbot.waitUntil(lambda: popup.card(alarm.id) is None, timeout=2000)
        assert popup.heading.text() == "Geen hulp nodig: het alarm is ingetrokken"
        assert popup.card(other.id).title.text() == "Ingetrokken door de melder (vergissing)"
        save(popup, "alarm-popup-cancelled.png", tmp_path)
    finally:
        popup._cards.clear()
        window._quitting = True
        window.close()
        window.alarm_popup.close()
        first.close()
        second.close()
        context.close()
