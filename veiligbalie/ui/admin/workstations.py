"""Beheer > Werkplekken (objectName ``adminWorkstations``): every workstation with its site,
location, online or offline, last heartbeat and client version; add one (its one-time
Koppelcode shown large, copyable and as a QR code), a new code, move, revoke.

Everything goes through :class:`~veiligbalie.services.admin_stations.AdminStations` with
the administrator's token; the server decides and its message is shown as it is.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.services.admin_stations import (
    AdminStations,
    EnrolmentCode,
    SiteOut,
    StationRow,
    qr_matrix,
)
from veiligbalie.ui.labels import workstation_state_label

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

#: How often the list asks again while it is shown (online/offline follows within this).
REFRESH_MS = 10_000
COLUMNS = ("site", "name", "location", "state", "seen", "version")


def _when(at: datetime | None) -> str:
    if at is None:
        return QCoreApplication.translate("WorkstationsPage", "never")
    return at.astimezone(OFFICE_TZ).strftime("%d-%m-%Y %H:%M:%S")


def state_text(row: StationRow) -> str:
    return workstation_state_label(row.online, row.enrolled, row.revoked)


def qr_pixmap(text: str, size: int) -> QPixmap:
    """The QR code of ``text``, black on white, about ``size`` pixels square."""
    matrix = qr_matrix(text)
    modules = len(matrix)
    scale = max(1, size // modules)
    pixmap = QPixmap(modules * scale, modules * scale)
    pixmap.fill(QColor("white"))
    painter = QPainter(pixmap)
    for y, line in enumerate(matrix):
        for x, dark in enumerate(line):
            if dark:
                painter.fillRect(QRect(x * scale, y * scale, scale, scale), QColor("black"))
    painter.end()
    return pixmap


class EnrolmentCodeDialog(QDialog):
    """The one-time Koppelcode of a workstation: large, copyable, and as a QR code that a
    scanner at the counter types into Instellingen > Koppelen met server."""

    def __init__(self, code: EnrolmentCode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setObjectName("enrolmentCodeDialog")
        self.setWindowTitle(fill(self.tr("Link code for %1"), code.workstation_name))
        self.setAccessibleName(self.tr("Link code"))
        intro = QLabel(
            fill(
                self.tr(
                    "Enter this one-time code on workstation %1 under Settings > Link with "
                    "server, or scan the QR code there. It is shown only now."
                ),
                code.workstation_name,
            ),
            self,
        )
        intro.setWordWrap(True)
        self.code_text = QLabel(code.code, self)
        self.code_text.setObjectName("enrolmentCodeText")
        self.code_text.setAccessibleName(self.tr("Link code"))
        self.code_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont("monospace")
        big.setStyleHint(QFont.StyleHint.Monospace)
        big.setPixelSize(34)
        big.setBold(True)
        self.code_text.setFont(big)
        self.code_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expiry = QLabel(
            fill(self.tr("Valid once, until %1"), _when(code.expires_at)),
            self,
        )
        self.expiry.setObjectName("enrolmentCodeExpiry")
        self.expiry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QLabel(self)
        self.qr.setObjectName("enrolmentCodeQr")
        self.qr.setAccessibleName(self.tr("Link code as QR code"))
        self.qr.setPixmap(qr_pixmap(code.code, 220))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.copy_button = QPushButton(self.tr("Copy code"), self)
        self.copy_button.setObjectName("enrolmentCodeCopy")
        self.copy_button.setAccessibleName(self.tr("Copy the link code"))
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code_text)
        layout.addWidget(self.expiry)
        layout.addWidget(self.qr)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        row.addWidget(buttons)
        layout.addLayout(row)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code.code)
        self.copy_button.setText(self.tr("Copied"))


class WorkstationDialog(QDialog):
    """Add a workstation (site, name, location) or move one (location, site)."""

    def __init__(
        self,
        sites: list[SiteOut],
        parent: QWidget | None = None,
        *,
        row: StationRow | None = None,
    ) -> None:
        super().__init__(parent)
        moving = row is not None
        self.setObjectName("adminWorkstationMoveDialog" if moving else "adminWorkstationAddDialog")
        self.setWindowTitle(
            fill(self.tr("Move %1"), row.name) if row is not None else self.tr("Add workstation")
        )
        self.site = QComboBox(self)
        self.site.setObjectName("adminWorkstationSite")
        self.site.setAccessibleName(self.tr("Site"))
        for site in sites:
            self.site.addItem(site.name, str(site.id))
        if row is not None:
            self.site.setCurrentIndex(max(0, self.site.findData(str(row.site_id))))
        self.name = QLineEdit(row.name if row is not None else "", self)
        self.name.setObjectName("adminWorkstationName")
        self.name.setAccessibleName(self.tr("Workstation name"))
        self.name.setPlaceholderText(self.tr("e.g. balie-3"))
        self.name.setMaxLength(200)
        self.name.setReadOnly(moving)
        self.location = QLineEdit(row.location if row is not None else "", self)
        self.location.setObjectName("adminWorkstationLocation")
        self.location.setAccessibleName(self.tr("Location"))
        self.location.setPlaceholderText(self.tr("e.g. Balie 3, ground floor"))
        self.location.setMaxLength(200)
        form = QFormLayout()
        form.addRow(self.tr("Site"), self.site)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Location"), self.location)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("adminWorkstationNote")
        if moving:
            self.note.setText(
                self.tr(
                    "A workstation moved to another site must be linked again: you get a new "
                    "link code for it."
                )
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("adminWorkstationDialogOk")
        ok.setText(self.tr("Move") if moving else self.tr("Add"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def site_id(self) -> uuid.UUID | None:
        data = self.site.currentData()
        return uuid.UUID(str(data)) if data else None


class WorkstationsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("adminWorkstations")
        self.setAccessibleName(self.tr("Workstations"))
        assert context.session is not None, "Beheer needs the server link"
        self.service = AdminStations.from_context(context, self)
        self.code_dialog: EnrolmentCodeDialog | None = None
        self.dialog: WorkstationDialog | None = None
        self.confirm: QMessageBox | None = None

        title = QLabel(self.tr("Workstations"), self)
        title.setObjectName("adminWorkstationsTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("adminWorkstationsTable")
        self.table.setAccessibleName(self.tr("Workstations"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Site"),
                self.tr("Name"),
                self.tr("Location"),
                self.tr("State"),
                self.tr("Last heartbeat"),
                self.tr("Version"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        def button(text: str, name: str, accessible: str) -> QPushButton:
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.setAccessibleName(accessible)
            return b

        self.add_button = button(
            self.tr("Add workstation…"), "adminWorkstationAdd", self.tr("Add workstation")
        )
        self.code_button = button(
            self.tr("New link code"), "adminWorkstationNewCode", self.tr("New link code")
        )
        self.move_button = button(self.tr("Move…"), "adminWorkstationMove", self.tr("Move"))
        self.revoke_button = button(self.tr("Revoke…"), "adminWorkstationRevoke", self.tr("Revoke"))
        self.refresh_button = button(
            self.tr("Refresh"), "adminWorkstationsRefresh", self.tr("Refresh the list")
        )
        self.add_button.clicked.connect(self.open_add)
        self.code_button.clicked.connect(self._new_code)
        self.move_button.clicked.connect(self.open_move)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.refresh_button.clicked.connect(self.service.refresh)
        self.message = QLabel(self)
        self.message.setObjectName("adminWorkstationsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.add_button)
        actions = QHBoxLayout()
        actions.addWidget(self.code_button)
        actions.addWidget(self.move_button)
        actions.addWidget(self.revoke_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)

        self.service.loaded.connect(self._show_rows)
        self.service.failed.connect(self._show_error)
        self.service.changed.connect(self._show_info)
        self.service.code_ready.connect(self.show_code)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._update_buttons()

    # -- life ------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.service.refresh()
        self._timer.start()

    def _tick(self) -> None:
        if self.isVisible():
            self.service.refresh()
        else:
            self._timer.stop()

    # -- the list --------------------------------------------------------------------------
    def selected(self) -> StationRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        if item is None:
            return None
        return self.service.row(uuid.UUID(str(item.data(Qt.ItemDataRole.UserRole))))

    def select(self, workstation_id: uuid.UUID) -> None:
        for index in range(self.table.rowCount()):
            item = self.table.item(index, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == str(workstation_id):
                self.table.selectRow(index)
                return

    def _show_rows(self, rows: list[StationRow], _sites: list[SiteOut]) -> None:
        chosen = self.selected()
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (
                row.site_name,
                row.name,
                row.location,
                state_text(row),
                _when(row.last_seen_at),
                row.client_version or "–",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, str(row.workstation_id))
                if column == 3:
                    if row.revoked:
                        item.setForeground(QColor("#6d4c41"))
                    elif row.online:
                        item.setForeground(QColor("#1b5e20"))
                    elif row.enrolled:
                        item.setForeground(QColor("#b71c1c"))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(index, column, item)
        if chosen is not None:
            self.select(chosen.workstation_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.code_button.setEnabled(row is not None)
        self.move_button.setEnabled(row is not None and not row.revoked)
        self.revoke_button.setEnabled(row is not None and not row.revoked)

    def _show_error(self, message: str) -> None:
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.message.setText(message)

    def _show_info(self, message: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(message)

    # -- actions ---------------------------------------------------------------------------
    def open_add(self) -> WorkstationDialog:
        dialog = WorkstationDialog(self.service.sites, self)
        dialog.accepted.connect(
            lambda: self._add(dialog.site_id(), dialog.name.text(), dialog.location.text())
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add(self, site_id: uuid.UUID | None, name: str, location: str) -> None:
        if site_id is None:
            self._show_error(self.tr("Create a site first (Beheer > Organisation)."))
            return
        self.service.add(site_id, name, location)

    def open_move(self) -> WorkstationDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = WorkstationDialog(self.service.sites, self, row=row)

        def accepted() -> None:
            site = dialog.site_id()
            other = site if site is not None and site != row.site_id else None
            self.service.move(row.workstation_id, dialog.location.text(), other)

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _new_code(self) -> None:
        row = self.selected()
        if row is not None:
            self.service.new_code(row.workstation_id)

    def ask_revoke(self) -> QMessageBox | None:
        row = self.selected()
        if row is None:
            return None
        box = QMessageBox(self)
        box.setObjectName("adminWorkstationRevokeConfirm")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Revoke workstation"))
        box.setText(
            fill(
                self.tr(
                    "Revoke %1? It can then no longer reach the server or receive alarms "
                    "through it, and its old link codes stop working."
                ),
                row.name,
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Revoke"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished(_result: int) -> None:
            if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
                self.service.revoke(row.workstation_id)

        box.finished.connect(finished)
        self.confirm = box
        box.open()
        return box

    def show_code(self, code: EnrolmentCode) -> None:
        if self.code_dialog is not None:
            self.code_dialog.close()
        self.code_dialog = EnrolmentCodeDialog(code, self)
        self.code_dialog.open()
