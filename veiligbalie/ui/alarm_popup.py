"""The alarm pop-up at a colleague's workstation (objectName ``alarmPopup``).

A top-level window that stays on top of every other window until the alarm is acted on:
where, what, from which workstation, how long ago, and who is already on the way, with
"Ik kom eraan" (``alarmAcknowledgeButton``) and "Afgehandeld". Several alarms at once are
listed newest on top. A sound loops until someone answers, unless the workstation must
stay quiet or the alarm is a test (then only when chosen).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import paths, settings
from veiligbalie.core.alarm import InvalidTransition
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.services.alarms import Alarm, AlarmService
from veiligbalie.ui.widgets import vbox

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect  # imported lazily at run time: see _effect

log = logging.getLogger(__name__)

#: The pop-up is raised again this often, in case another window covered it.
RAISE_INTERVAL_MS = 2_000
#: A cancelled alarm stays visible this long, so responders see it was a mistake.
CANCELLED_VISIBLE_MS = 15_000

STYLE = """
QWidget#alarmPopup { background: #fff8f8; }
QScrollArea#alarmPopupList, QWidget#alarmPopupCards { background: transparent; }
QFrame#alarmCard { background: white; border: 3px solid #c62828; border-radius: 10px; }
QFrame#alarmCard[test="true"] { border: 3px dashed #6a1b9a; }
QFrame#alarmCard[closed="true"] { border: 3px solid #9e9e9e; }
QLabel#alarmPopupHeading { font-size: 22px; font-weight: bold; color: #b71c1c; }
QLabel#alarmPopupHeading[closed="true"] { color: #455a64; }
QLabel#alarmCardTitle { font-size: 20px; font-weight: bold; color: #b71c1c; }
QFrame#alarmCard[test="true"] QLabel#alarmCardTitle { color: #6a1b9a; }
QFrame#alarmCard[closed="true"] QLabel#alarmCardTitle { color: #455a64; }
QLabel#alarmCardLocation { font-size: 17px; font-weight: bold; }
QLabel#alarmCardElapsed { font-size: 15px; }
QLabel#alarmCardResponders { font-size: 14px; color: #1b5e20; }
QLabel#alarmCardEscalation { font-size: 14px; font-weight: bold; color: #e65100; }
QPushButton#alarmAcknowledgeButton {
    background: #2e7d32; color: white; font-size: 16px; font-weight: bold;
    padding: 10px 18px; border-radius: 6px;
}
QPushButton#alarmAcknowledgeButton:disabled { background: #a5d6a7; color: #1b5e20; }
QPushButton#alarmResolveButton { font-size: 14px; padding: 10px 14px; }
"""


def type_label(alarm_type: AlarmType) -> str:
    names = {
        AlarmType.AGGRESSION: QCoreApplication.translate("AlarmTexts", "Aggression"),
        AlarmType.MEDICAL: QCoreApplication.translate("AlarmTexts", "Medical"),
        AlarmType.OTHER: QCoreApplication.translate("AlarmTexts", "Other emergency"),
    }
    return names[AlarmType(alarm_type)]


#: The escalation target meaning every station of the site (as in protocol.alarm_server).
_COLLEAGUES = "colleagues"


def escalation_text(alarm: Alarm) -> str:
    """Whom the server alerted because nobody answered in time; empty when nobody yet."""
    targets = set(alarm.escalated_to)
    if alarm.escalation_level < 0 or not targets:
        return ""
    parts = []
    if _COLLEAGUES in targets:
        parts.append(QCoreApplication.translate("AlarmTexts", "All colleagues of the site alerted"))
    elif {"security", "team_lead"} <= targets:
        parts.append(QCoreApplication.translate("AlarmTexts", "Security and team leads alerted"))
    elif "security" in targets:
        parts.append(QCoreApplication.translate("AlarmTexts", "Security alerted"))
    elif "team_lead" in targets:
        parts.append(QCoreApplication.translate("AlarmTexts", "Team leads alerted"))
    elif targets - {"webhook"}:
        parts.append(
            fill(
                QCoreApplication.translate("AlarmTexts", "Escalated (level %1)"),
                str(alarm.escalation_level),
            )
        )
    if "webhook" in targets:
        parts.append(QCoreApplication.translate("AlarmTexts", "Alarm centre notified"))
    return " · ".join(parts)


def responder_names(alarm: Alarm) -> str:
    """Who is on the way, by person where the name is known: "Marieke de Wit (balie-4)";
    a station that sent no person's name is shown by its workstation name alone."""
    names = []
    for responder in alarm.responders:
        name, station = responder.name.strip(), responder.station_name.strip()
        if name and station and name != station:
            names.append(f"{name} ({station})")
        else:
            names.append(name or station)
    return ", ".join(n for n in names if n)


def elapsed_text(since: datetime, now: datetime | None = None) -> str:
    seconds = max(0, int(((now or datetime.now(UTC)) - since).total_seconds()))
    if seconds < 60:
        return fill(QCoreApplication.translate("AlarmTexts", "%1 s ago"), str(seconds))
    minutes, rest = divmod(seconds, 60)
    return fill(
        QCoreApplication.translate("AlarmTexts", "%1 min %2 s ago"), str(minutes), str(rest)
    )


class AlarmCard(QFrame):
    """One colleague's alarm in the pop-up."""

    def __init__(self, service: AlarmService, alarm: Alarm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.alarm = alarm
        self.setObjectName("alarmCard")
        # Never squeezed below what it needs to show: the list scrolls instead.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setProperty("test", "true" if alarm.test else "false")
        self.setProperty("closed", "false")
        layout = vbox(self, (14, 12, 14, 12), 6)

        self.title = QLabel(self)
        self.title.setObjectName("alarmCardTitle")
        self.title.setWordWrap(True)
        self.location = QLabel(self)
        self.location.setObjectName("alarmCardLocation")
        self.location.setWordWrap(True)
        self.station = QLabel(self)
        self.station.setObjectName("alarmCardStation")
        self.station.setWordWrap(True)
        self.elapsed = QLabel(self)
        self.elapsed.setObjectName("alarmCardElapsed")
        self.responders = QLabel(self)
        self.responders.setObjectName("alarmCardResponders")
        self.responders.setWordWrap(True)
        self.escalation = QLabel(self)
        self.escalation.setObjectName("alarmCardEscalation")
        self.escalation.setWordWrap(True)
        self.escalation.hide()
        for label in (
            self.title,
            self.location,
            self.station,
            self.elapsed,
            self.responders,
            self.escalation,
        ):
            # Names and locations come from other stations: never interpret them as HTML.
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)

        buttons = QHBoxLayout()
        self.acknowledge_button = QPushButton(self.tr("I'm on my way"), self)
        self.acknowledge_button.setObjectName("alarmAcknowledgeButton")
        self.acknowledge_button.setAccessibleName(self.tr("I'm on my way"))
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.resolve_button = QPushButton(self.tr("Resolved"), self)
        self.resolve_button.setObjectName("alarmResolveButton")
        self.resolve_button.setAccessibleName(self.tr("Resolved: close this alarm for everyone"))
        self.resolve_button.clicked.connect(self.resolve)
        self.dismiss_button = QPushButton(self.tr("Close"), self)
        self.dismiss_button.setObjectName("alarmDismissButton")
        self.dismiss_button.hide()
        buttons.addWidget(self.acknowledge_button, 2)
        buttons.addWidget(self.resolve_button, 1)
        buttons.addWidget(self.dismiss_button, 1)
        layout.addLayout(buttons)
        self.show_alarm(alarm)

    @property
    def alarm_id(self) -> uuid.UUID:
        return self.alarm.id

    def acknowledged_here(self) -> bool:
        me = self.service.identity.station_id
        return any(r.station_id == me for r in self.alarm.responders)

    def show_alarm(self, alarm: Alarm) -> None:
        self.alarm = alarm
        kind = self.tr("open alarm") if alarm.kind == AlarmKind.OPEN else self.tr("silent alarm")
        title = f"{type_label(alarm.type).upper()} · {kind}"
        if alarm.test:
            title = self.tr("TEST") + " · " + title + " · " + self.tr("no action needed")
        self.title.setText(title)
        self.location.setText(alarm.location or alarm.station)
        station = fill(self.tr("From workstation %1"), alarm.station)
        if alarm.raised_by and alarm.raised_by != alarm.station:
            station += f" ({alarm.raised_by})"
        station += " · " + alarm.raised_at.astimezone().strftime("%H:%M:%S")
        self.station.setText(station)
        names = responder_names(alarm)
        if names:
            self.responders.setText(fill(self.tr("On the way: %1"), names))
        else:
            self.responders.setText(self.tr("Nobody is on the way yet"))
        escalation = escalation_text(alarm) if alarm.is_open else ""
        self.escalation.setText(escalation)
        self.escalation.setVisible(bool(escalation))
        if self.acknowledged_here():
            self.acknowledge_button.setEnabled(False)
            self.acknowledge_button.setText(self.tr("You are on your way"))
        if alarm.state == AlarmState.CANCELLED:
            self.setProperty("closed", "true")
            self.title.setText(self.tr("Cancelled by the sender (a mistake)"))
            self.responders.setText(
                fill(self.tr("No help needed. Cancelled by %1."), alarm.closed_by or alarm.station)
            )
            self.elapsed.hide()  # the clock stopped; "0 s geleden" would stand still
            self.acknowledge_button.hide()
            self.resolve_button.hide()
            self.dismiss_button.show()
        for widget in (self, self.title):  # the title's colour follows the card's state
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.tick()

    def tick(self) -> None:
        if self.alarm.is_open:
            self.elapsed.setText(elapsed_text(self.alarm.raised_at))

    def acknowledge(self) -> None:
        try:
            self.show_alarm(self.service.acknowledge(self.alarm.id))
        except (LookupError, InvalidTransition) as error:
            log.warning("Acknowledge not possible: %s", error)

    def resolve(self) -> None:
        try:
            self.service.resolve(self.alarm.id)
        except (LookupError, InvalidTransition) as error:
            log.warning("Resolve not possible: %s", error)


class AlarmPopup(QWidget):
    """The list of colleagues' open alarms, on top of everything while there is one."""

    guidanceRequested = Signal(str)  # a card id to open (named like the form's signal)

    def __init__(self, service: AlarmService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("alarmPopup")
        self.setAccessibleName(self.tr("Alarm from a colleague"))
        self.setWindowTitle(self.tr("ALARM: a colleague needs help"))
        self.setWindowFlags(
            Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
        )
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(460)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.heading = QLabel(self)
        self.heading.setObjectName("alarmPopupHeading")
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        self.guidance_link = QLabel(
            '<a href="alarm-slaan">'
            + self.tr("Raising the alarm — what to do when you go to help")
            + "</a>",
            self,
        )
        self.guidance_link.setObjectName("alarmGuidanceLink")
        self.guidance_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.guidance_link.linkActivated.connect(self.guidanceRequested)
        outer.addWidget(self.guidance_link)
        scroll = QScrollArea(self)
        scroll.setObjectName("alarmPopupList")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget(scroll)
        holder.setObjectName("alarmPopupCards")
        self._list = vbox(holder, (0, 0, 0, 0), 10)
        self._list.addStretch(1)
        scroll.setWidget(holder)
        outer.addWidget(scroll, 1)
        self._scroll = scroll
        self._holder = holder
        self._cards: dict[uuid.UUID, AlarmCard] = {}

        self._sound: QSoundEffect | None = None  # created with the first alarm
        self._sound_wanted = False

        self._clock = QTimer(self)
        self._clock.setInterval(1_000)
        self._clock.timeout.connect(self._tick)
        self._keep_on_top = QTimer(self)
        self._keep_on_top.setInterval(RAISE_INTERVAL_MS)
        self._keep_on_top.timeout.connect(self._raise_again)

        service.raised.connect(self._on_alarm)
        service.updated.connect(self._on_update)
        service.closed.connect(self._on_closed)
        for alarm in reversed(service.colleague_open_alarms()):
            self._on_alarm(alarm)

    # -- For the window and tests ------------------------------------------------------------
    def cards(self) -> list[AlarmCard]:
        """The cards as shown, top (newest) first."""
        cards = []
        for index in range(self._list.count()):
            item = self._list.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, AlarmCard):
                cards.append(widget)
        return cards

    def card(self, alarm_id: uuid.UUID) -> AlarmCard | None:
        return self._cards.get(alarm_id)

    def sound_wanted(self) -> bool:
        """Whether the alarm sound should be playing now."""
        return self._sound_wanted

    # -- Alarms ------------------------------------------------------------------------------
    def _on_alarm(self, alarm: Alarm) -> None:
        if alarm.mine or not alarm.is_open or alarm.id in self._cards:
            return
        card = AlarmCard(self.service, alarm, self)
        self._cards[alarm.id] = card
        # Newest on top, by the moment of the press: an older alarm that reaches us late
        # (re-announced to a station that just started) goes below newer ones.
        position = sum(1 for other in self.cards() if other.alarm.raised_at > alarm.raised_at)
        self._list.insertWidget(position, card)
        card.show()  # now, not queued: the size below must count it
        self._refresh()
        self.show()
        self.raise_()
        self.activateWindow()

    def _on_update(self, alarm: Alarm) -> None:
        card = self._cards.get(alarm.id)
        if card is not None:
            card.show_alarm(alarm)
            self._refresh()

    def _on_closed(self, alarm: Alarm) -> None:
        card = self._cards.get(alarm.id)
        if card is None:
            return
        if alarm.state == AlarmState.CANCELLED:
            card.show_alarm(alarm)
            card.dismiss_button.clicked.connect(lambda: self._remove(alarm.id))
            QTimer.singleShot(CANCELLED_VISIBLE_MS, self, lambda: self._remove(alarm.id))
            self._refresh()
        else:
            self._remove(alarm.id)

    def _remove(self, alarm_id: uuid.UUID) -> None:
        card = self._cards.pop(alarm_id, None)
        if card is None:
            return
        self._list.removeWidget(card)
        card.hide()
        card.deleteLater()
        self._refresh()

    def _refresh(self) -> None:
        open_cards = [c for c in self._cards.values() if c.alarm.is_open]
        count = len(open_cards)
        if count > 1:
            self.heading.setText(fill(self.tr("%1 colleagues need help"), str(count)))
        elif count == 1:
            self.heading.setText(self.tr("A colleague needs help"))
        else:
            # Only cancelled alarms are left on screen: the headline must not still call
            # for help above "Geen hulp nodig".
            self.heading.setText(self.tr("No help needed: the alarm was cancelled"))
        self.heading.setProperty("closed", "false" if open_cards else "true")
        self.setWindowTitle(
            self.tr("ALARM: a colleague needs help")
            if open_cards
            else self.tr("Alarm cancelled: no help needed")
        )
        self.heading.style().unpolish(self.heading)
        self.heading.style().polish(self.heading)
        if (
            open_cards
            and any(c.alarm.test for c in open_cards)
            and all(c.alarm.test for c in open_cards)
        ):
            self.heading.setText(self.tr("TEST ALARM"))
        self._update_sound(open_cards)
        if self._cards:
            self._clock.start()
            self._keep_on_top.start()
            self._fit()
        else:
            self._clock.stop()
            self._keep_on_top.stop()
            self.hide()

    def _fit(self) -> None:
        """As tall as the cards need, up to most of the screen (then the list scrolls)."""
        self._holder.adjustSize()
        wanted = self._holder.sizeHint().height() + 4
        screen = self.screen().availableGeometry().height() if self.screen() else 800
        self._scroll.setMinimumHeight(min(wanted, int(screen * 0.75)))
        self.adjustSize()

    # -- Sound -------------------------------------------------------------------------------
    def _update_sound(self, open_cards: list[AlarmCard]) -> None:
        wanted = settings.ALARM_SOUND.get() and any(
            c.alarm.state == AlarmState.RAISED
            and not c.acknowledged_here()
            and (not c.alarm.test or settings.ALARM_TEST_SOUND.get())
            for c in open_cards
        )
        if wanted == self._sound_wanted:
            return
        self._sound_wanted = wanted
        effect = self._effect() if wanted or self._sound is not None else None
        if effect is None:
            return
        if wanted:
            effect.play()
        else:
            effect.stop()

    def _effect(self) -> QSoundEffect | None:
        """The looping alarm sound; QtMultimedia is loaded only when an alarm arrives."""
        if self._sound is None:
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError:
                log.error("QtMultimedia is not available: alarms are shown without sound")
                return None
            effect = QSoundEffect(self)
            effect.setSource(
                QUrl.fromLocalFile(str(paths.resources_dir() / "sounds" / "alarm.wav"))
            )
            effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
            effect.setVolume(1.0)
            self._sound = effect
        return self._sound

    # -- Window ------------------------------------------------------------------------------
    def _tick(self) -> None:
        for card in self._cards.values():
            card.tick()

    def _raise_again(self) -> None:
        if self._cards and self.isVisible():
            self.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        # Until acted on, the pop-up does not go away; closing it only lowers nothing.
        if any(c.alarm.is_open for c in self._cards.values()):
            event.ignore()
            return
        event.accept()
