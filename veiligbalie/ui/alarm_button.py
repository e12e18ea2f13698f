"""The alarm button: large, red, always in sight, reachable by keyboard.

One press raises a silent aggression alarm at once, with no confirmation dialog or chooser
in the way (the type can be corrected afterwards in the indicator). The face shows how many
colleagues an alarm would reach now; when no delivery path reaches anyone it says "Alarm niet
verbonden", and a press still stores the alarm and tells the user plainly nobody was reached.

The button is on screen before the services have started (see MainWindow.attach); a press in
that moment is kept and raised the instant the alarm service is attached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QIcon, QPaintEvent
from PySide6.QtWidgets import (
    QMessageBox,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.ui.resources import icon

if TYPE_CHECKING:
    from veiligbalie.services.alarms import Alarm, AlarmService

STYLE = """
QPushButton#alarmButton {
    background: #c62828; color: white; border: 3px solid #8e0000; border-radius: 14px;
    font-size: 22px; font-weight: bold; padding: 8px; text-align: center;
}
QPushButton#alarmButton:hover { background: #d32f2f; }
QPushButton#alarmButton:pressed { background: #8e0000; }
QPushButton#alarmButton:focus { border: 4px solid #ffd54f; }
QPushButton#alarmButton[connected="false"] { border: 4px dashed #ffd54f; }
"""


class AlarmButton(QPushButton):
    def __init__(self, service: AlarmService | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service: AlarmService | None = None
        self.pending_press = False
        self.setObjectName("alarmButton")
        self.setAccessibleName(self.tr("Alarm"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(QSize(200, 120))
        self.setIcon(icon("alarm"))
        self.setIconSize(QSize(36, 36))
        self.setStyleSheet(STYLE)
        self.setAutoDefault(False)
        self.clicked.connect(self._raise)
        if service is not None:
            self.attach(service)
        else:
            self.update_face()

    def attach(self, service: AlarmService) -> None:
        """The alarm service is up: follow it, and raise a press made while it started."""
        self.service = service
        service.connectivity_changed.connect(lambda _c: self.update_face())
        service.responders_changed.connect(lambda _n: self.update_face())
        service.delivery_failed.connect(self._tell_not_delivered)
        self.update_face()
        if self.pending_press:
            self.pending_press = False
            service.raise_alarm()

    def update_face(self) -> None:
        hotkey = settings.ALARM_HOTKEY.get()
        if self.service is None:
            detail = self.tr("Sending…") if self.pending_press else self.tr("Starting…")
            self.setText(self.tr("ALARM") + "\n" + detail)
            self.setAccessibleDescription(
                fill(self.tr("Raises a silent alarm at once. Key: %1"), hotkey)
            )
            self.setToolTip(self.accessibleDescription())
            return
        connected = self.service.connected
        if connected:
            reachable = self.service.reachable_responders()
            detail = self.tr("Press for help") + "\n" + self.tr("%n reachable", "", reachable)
        else:
            detail = self.tr("Alarm not connected")
        self.setText(self.tr("ALARM") + "\n" + detail)
        self.setProperty("connected", "true" if connected else "false")
        self.setAccessibleDescription(
            fill(self.tr("Raises a silent alarm at once. Key: %1"), hotkey)
            + ("" if connected else " " + self.tr("Alarm not connected"))
        )
        self.setToolTip(self.accessibleDescription())
        self.style().unpolish(self)
        self.style().polish(self)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        """The styled face, then "ALARM" large and the detail lines smaller, so the state
        fits a narrow column (the full text stays in text() for screen readers and tests)."""
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""
        option.icon = QIcon()  # drawn below, beside the headline
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)
        lines = self.text().split("\n")
        area = self.rect().adjusted(10, 8, -10, -8)
        icon_size = self.iconSize()
        self.icon().paint(
            painter,
            QRect(area.left(), area.top(), icon_size.width(), icon_size.height()),
        )
        painter.setPen(Qt.GlobalColor.white)  # on the red face in every state
        headline = QFont(self.font())
        headline.setPixelSize(26)
        headline.setBold(True)
        painter.setFont(headline)
        top = QRect(area.left(), area.top(), area.width(), icon_size.height())
        painter.drawText(top, Qt.AlignmentFlag.AlignCenter, lines[0])
        detail = QFont(self.font())
        detail.setPixelSize(15)
        detail.setBold(True)
        painter.setFont(detail)
        rest = QRect(area.left(), top.bottom() + 4, area.width(), area.bottom() - top.bottom() - 4)
        painter.drawText(
            rest,
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            "\n".join(lines[1:]),
        )

    def _raise(self) -> None:
        if self.service is None:
            self.pending_press = True
            self.update_face()
            return
        self.service.raise_alarm()

    def _tell_not_delivered(self, _alarm: Alarm) -> None:
        box = QMessageBox(self.window())
        box.setObjectName("alarmNotDeliveredBox")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("Alarm not connected"))
        box.setText(
            self.tr(
                "This alarm reached nobody: this workstation has no connection to the server "
                "or to colleagues' workstations."
            )
        )
        box.setInformativeText(
            self.tr(
                "Call for help another way: call a colleague or security. "
                "In immediate danger call 112. The alarm has been recorded."
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()
        self._box = box
