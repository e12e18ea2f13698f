"""Two versions of one field of a report: someone changed it on the server while this
workstation changed it too. Both are shown side by side, readably, and a person chooses;
nothing is overwritten without that choice.

"Keep my version" records the edit again on top of the server's revision, so it goes out
as an ordinary change; "Take that version" sets the server's value here and nothing is sent.
"""

from __future__ import annotations

import html
import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStatusBar,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, Channel, Severity
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.sync import SyncEngine
from veiligbalie.ui import labels
from veiligbalie.ui.labels import CATEGORY_ORDER
from veiligbalie.ui.widgets import vbox

_BOOLEAN_FIELDS = frozenset(
    {
        "perpetrator_known",
        "injury",
        "damage",
        "absence",
        "police_called",
        "arrest",
        "police_report_intended",
        "aftercare_wanted",
        "team_lead_only",
    }
)


def _moment(value: Any) -> str | None:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return QLocale().toString(
        QDateTime.fromSecsSinceEpoch(int(moment.timestamp())), "dddd d MMMM yyyy HH:mm"
    )


def value_text(field: str, value: Any) -> str:
    """A field's value as a person reads it: yes/no, labels, euros, a local date."""
    if value is None or value == "" or value == []:
        return QCoreApplication.translate("ConflictDialog", "(empty)")
    if field in _BOOLEAN_FIELDS:
        if value:
            return QCoreApplication.translate("ConflictDialog", "yes")
        return QCoreApplication.translate("ConflictDialog", "no")
    try:
        if field == "categories":
            chosen = {Category(str(c)) for c in value}
            return ", ".join(labels.category_label(c) for c in CATEGORY_ORDER if c in chosen)
        if field == "channel":
            return labels.channel_label(Channel(str(value)))
        if field == "severity":
            return labels.severity_label(Severity(str(value)))
        if field == "damage_amount_cents":
            return QLocale().toCurrencyString(int(value) / 100, "€")
    except (ValueError, TypeError):
        return str(value)
    if field == "occurred_at":
        return _moment(value) or str(value)
    if field == "witnesses" and isinstance(value, list):
        return "\n".join(str(w) for w in value)
    return str(value)


class ConflictDialog(QDialog):
    """One conflict (an entry of ``SyncEngine.conflicts()``); ``resolved`` once chosen."""

    resolved = Signal(int)  # the conflict's device_seq

    def __init__(
        self,
        conflict: dict[str, Any],
        incidents: IncidentService,
        engine: SyncEngine,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self._incidents = incidents
        self._engine = engine
        self.incident_id = uuid.UUID(str(conflict["entity_id"]))
        self.field = str(conflict.get("field", ""))
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("Two versions of a report"))
        self.setAccessibleName(self.tr("Two versions of a report"))
        self.setMinimumWidth(620)

        numbers = incidents.reference_info(self.incident_id)
        reference = numbers.reference if numbers is not None else ""
        field_name = labels.field_label(self.field)
        layout = vbox(self, (20, 18, 20, 16), 12)
        title = QLabel(
            fill(
                self.tr("Two versions of “%1” in report %2"),
                field_name,
                reference or self.tr("(unknown)"),
            ),
            self,
        )
        title.setObjectName("conflictTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        layout.addWidget(title)
        who = self._server_author()
        intro = QLabel(
            fill(
                self.tr(
                    "%1 changed this field while you changed it too. Both versions are kept "
                    "until you choose which one stays."
                ),
                who or self.tr("Someone else"),
            ),
            self,
        )
        intro.setObjectName("conflictIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        row = QHBoxLayout()
        row.setSpacing(12)
        self.mine = self._version(
            "conflictYourValue",
            self.tr("Your version"),
            value_text(self.field, conflict.get("your_value")),
        )
        theirs_title = (
            fill(self.tr("Version of %1"), who) if who else self.tr("Version on the server")
        )
        self.theirs = self._version(
            "conflictServerValue",
            theirs_title,
            value_text(self.field, conflict.get("server_value")),
        )
        row.addWidget(self.mine[0], 1)
        row.addWidget(self.theirs[0], 1)
        layout.addLayout(row)

        self.message = QLabel(self)
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setVisible(False)
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.keep_button = QPushButton(self.tr("&Keep my version"), self)
        self.keep_button.setObjectName("conflictKeepMine")
        self.keep_button.setAccessibleName(self.tr("Keep my version"))
        self.keep_button.clicked.connect(self.keep_mine)
        self.take_button = QPushButton(self.tr("&Take that version"), self)
        self.take_button.setObjectName("conflictTakeTheirs")
        self.take_button.setAccessibleName(self.tr("Take that version"))
        self.take_button.clicked.connect(self.take_theirs)
        self.later_button = QPushButton(self.tr("Decide &later"), self)
        self.later_button.setObjectName("conflictLater")
        self.later_button.setAccessibleName(self.tr("Decide later"))
        self.later_button.clicked.connect(self.reject)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        layout.addLayout(buttons)
        self.keep_button.setDefault(False)
        self.later_button.setFocus()

    # -- Building ----------------------------------------------------------------------------
    def _version(self, name: str, heading: str, value: str) -> tuple[QFrame, QLabel]:
        box = QFrame(self)
        box.setObjectName(name + "Box")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(box)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(6)
        head = QLabel(heading, box)
        head.setObjectName(name + "Heading")
        font = head.font()
        font.setBold(True)
        head.setFont(font)
        head.setWordWrap(True)
        column.addWidget(head)
        shown = QLabel(box)
        shown.setObjectName(name)
        shown.setAccessibleName(heading)
        shown.setTextFormat(Qt.TextFormat.RichText)
        shown.setText(html.escape(value).replace("\n", "<br>"))
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = shown.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        shown.setFont(font)
        column.addWidget(shown)
        column.addStretch(1)
        return box, shown

    def _server_author(self) -> str:
        """Who made the server's version, when its edit reached this workstation."""
        server_value = self.conflict.get("server_value")
        for event in reversed(self._incidents.timeline(self.incident_id)):
            if (
                event.kind == "field_edited"
                and event.origin == "server"
                and event.data.get("field") == self.field
                and event.data.get("value") == server_value
            ):
                return event.author
        return ""

    # -- Choosing ----------------------------------------------------------------------------
    def keep_mine(self) -> None:
        """Record the edit again on the server's current revision: it then goes out cleanly."""
        try:
            self._incidents.record_field_edit(
                self.incident_id,
                self.field,
                self.conflict.get("your_value"),
                self._incidents.reporter_name(),
                base_revision=int(self.conflict["server_revision"]),
            )
        except (LookupError, ValueError):
            self._fail()
            return
        self._done()

    def take_theirs(self) -> None:
        """Set the server's value here; the server already has it, so nothing is sent."""
        try:
            self._incidents.adopt_server_value(
                self.incident_id,
                self.field,
                self.conflict.get("server_value"),
                int(self.conflict["server_revision"]),
            )
        except LookupError:
            self._fail()
            return
        self._done()

    def _done(self) -> None:
        seq = int(self.conflict["device_seq"])
        self._engine.dismiss_conflict(seq)
        self.resolved.emit(seq)
        self.accept()

    def _fail(self) -> None:
        self.message.setText(
            self.tr("This report is no longer on this workstation; the choice cannot be made.")
        )
        self.message.setVisible(True)


class ConflictNotifier(QObject):
    """Says once, in the status bar and the tray, that an edit conflict arrived (several in
    one answer: one message). Instellingen lists them; the dialog settles each."""

    def __init__(
        self,
        engine: SyncEngine,
        status_bar: QStatusBar,
        tray: QSystemTrayIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._status_bar = status_bar
        self._tray = tray
        self._new: list[dict[str, Any]] = []
        self.last_message = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._announce)
        engine.conflict.connect(self._on_conflict)

    def _on_conflict(self, conflict: dict[str, Any]) -> None:
        self._new.append(conflict)
        self._timer.start()

    def _announce(self) -> None:
        count, self._new = len(self._new), []
        if not count:
            return
        self.last_message = self.tr(
            "%n report field(s) were changed by someone else at the same time as by you. "
            "Choose which version stays under Settings → Synchronisation.",
            "",
            count,
        )
        self._status_bar.showMessage(self.last_message, 30_000)
        if self._tray is not None and self._tray.isVisible():
            self._tray.showMessage(
                "VeiligBalie", self.last_message, QSystemTrayIcon.MessageIcon.Warning, 8000
            )
