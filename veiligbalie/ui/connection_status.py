"""The connection status in the status bar (objectName ``connectionStatus``).

"Lokaal" when no server is configured: everything is kept on this workstation.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from veiligbalie import settings
from veiligbalie.services.context import AppContext


class ConnectionStatus(QLabel):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("connectionStatus")
        self.setAccessibleName(self.tr("Connection status"))
        self.setMargin(4)
        context.alarms.connectivity_changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        parts: list[str] = []
        if not settings.SERVER_URL.get():
            parts.append(self.tr("Local"))
            tip = self.tr("No server configured: everything is kept on this workstation.")
        else:
            parts.append(self.tr("Not connected"))
            tip = self.tr("A server is configured but not reachable.")
        if not self.context.alarms.connected:
            parts.append(self.tr("Alarm not connected"))
            tip += " " + self.tr("Alarms from this workstation reach nobody.")
        self.setText(" · ".join(parts))
        self.setToolTip(tip)
        self.setAccessibleDescription(tip)
