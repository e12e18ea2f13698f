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

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
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
QPushButton#alarmButton[lonely="true"] { background: #b23c17; border: 4px solid #ffb300; }
"""


def not_connected_help() -> str:
    """How to get the alarm working, not only what to do now: who links the workstation and
    what to check. A linked workstation lost its paths; an unlinked one never had the server."""
    if settings.SERVER_URL.get():
        return QCoreApplication.translate(
            "AlarmButton",
            "To get the alarm working again: check that this workstation has a network "
            "connection (cable or Wi-Fi) and that the server address under Settings is right. "
            "If it stays like this, tell the administrator: the server may be down, or the "
            "site's LAN key may be missing on this workstation.",
        )
    return QCoreApplication.translate(
        "AlarmButton",
        "To get the alarm working: the administrator links this workstation to the server "
        "with a one-time code (Settings > Link with server). Check with them the server "
        "address, that the network reaches it, and the site's LAN key, so that colleagues "
        "nearby are reached even when the server is down.",
    )


def show_not_connected_box(
    parent: QWidget, name: str, icon: QMessageBox.Icon, text: str, now: str
) -> QMessageBox:
    """A box that stays out of the way (non-modal) about an alarm that reaches nobody: what
    happened, what to do now, then how to get the alarm working."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(icon)
    box.setWindowTitle(QCoreApplication.translate("AlarmButton", "Alarm not connected"))
    box.setText(text)
    box.setInformativeText(now + "\n\n" + not_connected_help())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    return box


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
        reachable = self.service.reachable_responders() if connected else 0
        # The server is up but no colleague's station is: say so before the press, never
        # "0 reachable" (a count that reads like a working alarm).
        lonely = connected and reachable == 0
        if lonely:
            detail = self.tr("Press for help") + "\n" + self.tr("No colleague reachable")
        elif connected:
            detail = self.tr("Press for help") + "\n" + self.tr("%n reachable", "", reachable)
        else:
            detail = self.tr("Alarm not connected")
        self.setText(self.tr("ALARM") + "\n" + detail)
        self.setProperty("connected", "true" if connected else "false")
        self.setProperty("lonely", "true" if lonely else "false")
        description = fill(self.tr("Raises a silent alarm at once. Key: %1"), hotkey)
        if lonely:
            description += " " + self.tr(
                "No colleague reachable: no other workstation of this site is online now, so "
                "an alarm would be recorded but nobody would receive it. In danger, call for "
                "help another way (a colleague, security, 112)."
            )
        elif not connected:
            description += " " + self.tr("Alarm not connected") + ". " + not_connected_help()
        self.setAccessibleDescription(description)
        self.setToolTip(self.accessibleDescription())
        self.style().unpolish(self)
        self.style().polish(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        # The face is painted below (headline, then wrapped detail lines), not laid out as
        # one line of text: its minimum is the size the painting is made for.
        return self.minimumSize()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return self.minimumSize()

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
        self._box = show_not_connected_box(
            self.window(),
            "alarmNotDeliveredBox",
            QMessageBox.Icon.Critical,
            self.tr(
                "This alarm reached nobody: this workstation has no connection to the server "
                "or to colleagues' workstations."
            ),
            self.tr(
                "Call for help another way: call a colleague or security. "
                "In immediate danger call 112. The alarm has been recorded."
            ),
        )
