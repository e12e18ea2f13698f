"""The sender's own view of an alarm just raised (objectName ``alarmIndicator``).

For a silent alarm it is one discreet line near the button, with no colour, flashing or
sound that could inflame the person at the counter: "Alarm verzonden · 2 collega's
onderweg". For 10 seconds it offers "Vergissing", then "Afgehandeld". An open alarm is
shown plainly. The type can be corrected here afterwards, so the one press stays one press.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QMargins, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.alarm import CANCEL_WINDOW, InvalidTransition
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import AlarmKind, AlarmType
from veiligbalie.services.alarms import Alarm, AlarmService
from veiligbalie.ui.alarm_popup import escalation_text, responder_names, type_label

log = logging.getLogger(__name__)

STYLE = """
QFrame#alarmIndicator { background: transparent; }
QFrame#alarmIndicator[open="true"] {
    background: #ffebee; border: 2px solid #c62828; border-radius: 6px;
}
QLabel#alarmIndicatorText { color: #37474f; font-size: 12px; }
QFrame#alarmIndicator[open="true"] QLabel#alarmIndicatorText {
    color: #b71c1c; font-size: 14px; font-weight: bold;
}
QFrame#alarmIndicator[failed="true"] QLabel#alarmIndicatorText {
    color: #b71c1c; font-size: 13px; font-weight: bold;
}
QPushButton { font-size: 12px; padding: 3px 8px; }
QComboBox { font-size: 12px; }
"""


class AlarmIndicator(QFrame):
    """Shows the newest open alarm of this workstation; hidden when there is none."""

    def __init__(self, service: AlarmService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.alarm: Alarm | None = None
        self.setObjectName("alarmIndicator")
        self.setAccessibleName(self.tr("Your alarm"))
        self.setStyleSheet(STYLE)
        self.setProperty("open", "false")
        self.setProperty("failed", "false")

        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # carries colleagues' names
        self.text.setObjectName("alarmIndicatorText")
        self.text.setWordWrap(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("alarmCancelButton")
        self.cancel_button.setAccessibleName(self.tr("Mistake: cancel the alarm"))
        self.cancel_button.clicked.connect(self.cancel)
        self.resolve_button = QPushButton(self.tr("Resolved"), self)
        self.resolve_button.setObjectName("alarmResolveOwnButton")
        self.resolve_button.setAccessibleName(self.tr("Resolved: close the alarm"))
        self.resolve_button.clicked.connect(self.resolve)
        self.type_choice = QComboBox(self)
        self.type_choice.setObjectName("alarmTypeChoice")
        self.type_choice.setAccessibleName(self.tr("Type of alarm"))
        for alarm_type in AlarmType:
            self.type_choice.addItem(type_label(alarm_type), alarm_type.value)
        self.type_choice.activated.connect(self._type_chosen)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(6)
        # One control per row: the column beside the window is narrow, and a cut-off
        # "Vergissing" would be worse than a slightly taller indicator.
        rows = QVBoxLayout()
        rows.setSpacing(3)
        rows.addWidget(self.text)
        rows.addWidget(self.cancel_button)
        rows.addWidget(self.resolve_button)
        rows.addWidget(self.type_choice)
        layout.addLayout(rows)

        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self._refresh_buttons)

        service.raised.connect(self._on_alarm)
        service.updated.connect(self._on_alarm)
        service.closed.connect(self._on_closed)
        service.delivery_failed.connect(self._on_failed)
        service.responders_changed.connect(lambda _n: self._show())
        own = service.own_open_alarms()
        self.alarm = own[0] if own else None
        self._failed = False
        self._show()

    # -- Actions -----------------------------------------------------------------------------
    def cancel(self) -> None:
        if self.alarm is None:
            return
        try:
            self.service.cancel(self.alarm.id)
        except (LookupError, InvalidTransition) as error:
            log.info("Cancel refused: %s", error)
            self._show()

    def resolve(self) -> None:
        if self.alarm is None:
            return
        try:
            self.service.resolve(self.alarm.id)
        except (LookupError, InvalidTransition) as error:
            log.info("Resolve refused: %s", error)

    def _type_chosen(self, index: int) -> None:
        if self.alarm is None:
            return
        chosen = AlarmType(self.type_choice.itemData(index))
        try:
            self.service.set_type(self.alarm.id, chosen)
        except (LookupError, InvalidTransition) as error:
            log.info("Type not changed: %s", error)

    # -- Following the service ---------------------------------------------------------------
    def _on_alarm(self, alarm: Alarm) -> None:
        if not alarm.mine:
            return
        if (
            self.alarm is None
            or alarm.id == self.alarm.id
            or alarm.raised_at >= self.alarm.raised_at
        ):
            if self.alarm is None or alarm.id != self.alarm.id:
                self._failed = False
            self.alarm = alarm
            self._show()

    def _on_failed(self, alarm: Alarm) -> None:
        if self.alarm is not None and alarm.id == self.alarm.id:
            self._failed = True
            self._show()

    def _on_closed(self, alarm: Alarm) -> None:
        if self.alarm is not None and alarm.id == self.alarm.id:
            own = self.service.own_open_alarms()
            self.alarm = own[0] if own else None
            self._failed = False
            self._show()

    def status_text(self) -> str:
        """The one line the sender sees."""
        alarm = self.alarm
        if alarm is None:
            return ""
        if self._failed and not alarm.responding:
            text = self.tr("Alarm NOT delivered: call for help another way")
        elif self.service.nobody_received(alarm.id):
            # Sent, but no colleague's station was there to take it: not "0 on the way".
            text = self.tr("Nobody has received the alarm: call for help another way")
        else:
            count = alarm.responding
            if count == 0:
                help_text = self.tr("waiting for a colleague")
            else:
                # Names, not just a count: the sender knows who to expect at the counter.
                help_text = fill(
                    self.tr("%n colleague(s) on the way: %1", "", count), responder_names(alarm)
                )
            if alarm.kind == AlarmKind.OPEN:
                text = self.tr("ALARM ACTIVE") + " · " + help_text
            else:
                text = self.tr("Alarm sent") + " · " + help_text
        escalated = escalation_text(alarm)
        if escalated:
            text += " · " + escalated
        if alarm.test:
            text = self.tr("TEST") + " · " + text
        return text

    def _show(self) -> None:
        alarm = self.alarm
        if alarm is None:
            self._countdown.stop()
            self.hide()
            return
        self.text.setText(self.status_text())
        self.setToolTip(self.text.text())
        self.setProperty("open", "true" if alarm.kind == AlarmKind.OPEN else "false")
        warn = (self._failed and not alarm.responding) or self.service.nobody_received(alarm.id)
        self.setProperty("failed", "true" if warn else "false")
        index = self.type_choice.findData(alarm.type.value)
        self.type_choice.setCurrentIndex(max(index, 0))
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.style().unpolish(self.text)
        self.text.style().polish(self.text)
        self.text.ensurePolished()
        self._reserve_text_height()  # after polishing: the style decides the font
        self._refresh_buttons()
        self.show()

    def _reserve_text_height(self) -> None:
        # Word-wrapped text in the narrow column beside the window: reserve the height it
        # needs for the width it really gets, or the box layout cuts off the last line.
        parent = self.parentWidget()
        width = parent.width() if parent is not None else self.width()
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        usable = max(120, width - margins.left() - margins.right() - 24)
        # heightForWidth is -1 while the label is still empty.
        self.text.setMinimumHeight(max(0, self.text.heightForWidth(usable)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._reserve_text_height()

    def _refresh_buttons(self) -> None:
        alarm = self.alarm
        if alarm is None:
            self._countdown.stop()
            return
        if self.service.can_cancel(alarm.id):
            left = CANCEL_WINDOW - (datetime.now(UTC) - alarm.raised_at)
            seconds = max(0, int(left.total_seconds() + 0.999))
            self.cancel_button.setText(fill(self.tr("Mistake (%1)"), str(seconds)))
            self.cancel_button.show()
            self.resolve_button.hide()
            self._countdown.start()
        else:
            self.cancel_button.hide()
            self.resolve_button.show()
            self._countdown.stop()
