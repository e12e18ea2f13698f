"""The connection status in the status bar (objectName ``connectionStatus``).

"Lokaal" when no server is configured (everything is kept on this workstation), "Verbonden"
while the stream is up or the last sync succeeded, "Geen verbinding sinds HH:MM" otherwise;
then how many changes wait to be sent, and "Alarm niet verbonden" when an alarm would reach
nobody.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from veiligbalie.core.text import fill
from veiligbalie.services.context import AppContext
from veiligbalie.services.sync import CONNECTED, LOCAL
from veiligbalie.ui.alarm_button import not_connected_help


class ConnectionStatus(QLabel):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("connectionStatus")
        self.setAccessibleName(self.tr("Connection status"))
        self.setMargin(4)
        context.alarms.connectivity_changed.connect(lambda _c: self.refresh())
        engine = context.sync
        if engine is not None:
            engine.state_changed.connect(lambda _s: self.refresh())
            engine.pending_changed.connect(lambda _n: self.refresh())
            engine.synced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        parts: list[str] = []
        engine = self.context.sync
        state = engine.state if engine is not None else LOCAL
        if state == LOCAL:
            parts.append(self.tr("Local"))
            tip = self.tr("No server configured: everything is kept on this workstation.")
        elif state == CONNECTED:
            parts.append(self.tr("Connected"))
            tip = self.tr("Connected with the server: reports are shared.")
        else:
            since = engine.last_contact if engine is not None else None
            if since is not None:
                text = fill(self.tr("No connection since %1"), since.astimezone().strftime("%H:%M"))
            else:
                text = self.tr("No connection")
            parts.append(text)
            tip = self.tr(
                "The server cannot be reached. Everything is kept here and sent as soon as "
                "it can be reached again."
            )
        # Without a server nothing waits to be sent: a count would promise a sending.
        pending = engine.pending if engine is not None and state != LOCAL else 0
        if pending == 1:
            parts.append(self.tr("1 change waiting"))
        elif pending > 1:
            parts.append(fill(self.tr("%1 changes waiting"), str(pending)))
        if not self.context.alarms.connected:
            parts.append(self.tr("Alarm not connected"))
            tip += " " + self.tr("Alarms from this workstation reach nobody.")
            tip += " " + not_connected_help()
        self.setText(" · ".join(parts))
        self.setToolTip(tip)
        self.setAccessibleDescription(tip)
