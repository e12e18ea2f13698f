"""Beheer → Privacy: the retention periods (Bewaartermijnen) with a preview of what the next
purge removes and when it runs, and the audit log filtered by person, user and period (the
same audit view as in Instellingen)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.services import admin_org as pp
from veiligbalie.services.admin_org import AdminOrgService
from veiligbalie.services.audit import AuditService
from veiligbalie.services.context import AppContext
from veiligbalie.ui.audit_view import AuditView
from veiligbalie.ui.widgets import FieldMessage

__all__ = ["PrivacyPage"]

KINDS = ("reports", "perpetrator", "attachments")
MAX_MONTHS = 1200


class RetentionBox(QGroupBox):
    """The three periods in months; a period not set keeps the data."""

    def __init__(self, service: AdminOrgService, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Retention periods"), parent)
        self.setObjectName("retentionBox")
        self.service = service
        self._loaded: dict[str, int | None] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "How long data is kept, in months from the day of the incident. After that, "
                "the daily purge removes it: a report becomes an anonymous count, perpetrator "
                "details and files are removed."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        labels = {
            "reports": self.tr("&Reports"),
            "perpetrator": self.tr("&Perpetrator details and dossier"),
            "attachments": self.tr("&Files (photos, screenshots)"),
        }
        names = {
            "reports": "retentionReports",
            "perpetrator": "retentionPerpetrator",
            "attachments": "retentionAttachments",
        }
        self.fields: dict[str, QSpinBox] = {}
        self.messages: dict[str, FieldMessage] = {}
        grid = QVBoxLayout()
        for kind in KINDS:
            row = QHBoxLayout()
            label = QLabel(labels[kind], self)
            spin = QSpinBox(self)
            spin.setObjectName(names[kind])
            spin.setAccessibleName(label.text().replace("&", ""))
            spin.setRange(0, MAX_MONTHS + 1)  # above the limit: the server says why
            spin.setSpecialValueText(self.tr("kept (no period set)"))
            spin.setSuffix(self.tr(" months"))
            spin.setMinimumWidth(220)
            label.setBuddy(spin)
            row.addWidget(label, 1)
            row.addWidget(spin)
            grid.addLayout(row)
            message = FieldMessage(names[kind] + "Message", self)
            grid.addWidget(message)
            self.fields[kind] = spin
            self.messages[kind] = message
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        self.save = QPushButton(self.tr("&Save periods"), self)
        self.save.setObjectName("retentionSave")
        self.save.setAccessibleName(self.tr("Save the retention periods"))
        self.status = QLabel(self)
        self.status.setObjectName("retentionStatus")
        self.status.setWordWrap(True)
        buttons.addWidget(self.save)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        self.save.clicked.connect(self.submit)
        service.retention_loaded.connect(self.show_periods)
        service.retention_saved.connect(self._saved)
        service.failed.connect(self._failed)

    def show_periods(self, out: pp.RetentionOut) -> None:
        self._loaded = {kind: getattr(out, f"{kind}_months") for kind in KINDS}
        for kind, value in self._loaded.items():
            self.fields[kind].setValue(value or 0)

    def changed(self) -> dict[str, int]:
        """The periods that differ from what the server has (0 is "kept": sent as 0, the
        server refuses it with its message when a period was set before)."""
        out: dict[str, int] = {}
        for kind, spin in self.fields.items():
            value = spin.value()
            if value != (self._loaded.get(kind) or 0):
                out[f"{kind}_months"] = value
        return out

    def submit(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        months = self.changed()
        if not months:
            self.status.setText(self.tr("Nothing changed."))
            return
        self.save.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        self._sent = months
        if not self.service.save_retention(months):
            self.save.setEnabled(True)

    def _saved(self, out: pp.RetentionOut) -> None:
        self.save.setEnabled(True)
        self.show_periods(out)
        self.status.setText(self.tr("Retention periods saved."))

    def _failed(self, what: str, message: str) -> None:
        if what != "retention":
            return
        self.save.setEnabled(True)
        self.status.setText(self.tr("Not saved."))
        sent = [k.removesuffix("_months") for k in getattr(self, "_sent", {})]
        for kind in sent or KINDS[:1]:
            self.messages[kind].show_message(message)


class PurgePreviewBox(QGroupBox):
    """What the next purge removes, counted for the moment it runs."""

    def __init__(self, service: AdminOrgService, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Next purge"), parent)
        self.setObjectName("purgePreviewBox")
        self.service = service
        layout = QVBoxLayout(self)
        self.when = QLabel(self)
        self.when.setObjectName("purgeNextRun")
        self.when.setWordWrap(True)
        layout.addWidget(self.when)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("purgePreviewTable")
        self.table.setAccessibleName(self.tr("What the next purge removes"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("What"), self.tr("How many"), self.tr("Oldest")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        layout.addWidget(self.table)
        self.refresh = QPushButton(self.tr("&Count again"), self)
        self.refresh.setObjectName("purgePreviewRefresh")
        self.refresh.setAccessibleName(self.tr("Count what the next purge removes"))
        self.refresh.clicked.connect(service.load_preview)
        row = QHBoxLayout()
        row.addWidget(self.refresh)
        row.addStretch(1)
        layout.addLayout(row)
        service.preview_loaded.connect(self.show_preview)
        service.failed.connect(self._failed)

    def kind_name(self, kind: str) -> str:
        return {
            "reports": self.tr("Reports (made anonymous)"),
            "perpetrator": self.tr("Reports with perpetrator details"),
            "attachments": self.tr("Reports with files"),
            "persons": self.tr("Dossier persons"),
            "signaleringen": self.tr("Signaleringen"),
        }.get(kind, kind)

    def counts(self) -> dict[str, int]:
        """Kind → how many, as shown."""
        out: dict[str, int] = {}
        for row in range(self.table.rowCount()):
            name, count = self.table.item(row, 0), self.table.item(row, 1)
            if name is not None and count is not None:
                out[str(name.data(256))] = int(count.text())
        return out

    def show_preview(self, preview: pp.PurgePreview) -> None:
        if preview.next_run is not None:
            moment = preview.next_run.astimezone(OFFICE_TZ).strftime("%d-%m-%Y %H:%M")
            self.when.setText(fill(self.tr("The purge runs next on %1."), moment))
        else:
            self.when.setText(self.tr("The purge runs daily; counted for now."))
        self.table.setRowCount(0)
        if not preview.counts:
            self.when.setText(
                self.when.text() + " " + self.tr("No retention period set: nothing is removed.")
            )
        for count in preview.counts:
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QTableWidgetItem(self.kind_name(count.kind))
            name.setData(256, count.kind)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(str(count.count)))
            oldest = "–"
            if count.oldest is not None:
                oldest = count.oldest.astimezone(OFFICE_TZ).strftime("%d-%m-%Y")
            self.table.setItem(row, 2, QTableWidgetItem(oldest))

    def _failed(self, what: str, message: str) -> None:
        if what == "preview":
            self.when.setText(message)


class PrivacyPage(QScrollArea):
    """The Privacy section of Beheer."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminPrivacy")
        self.setAccessibleName(self.tr("Privacy"))
        self.setWidgetResizable(True)
        self.context = context
        self.service = AdminOrgService.from_context(context, self)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        top = QHBoxLayout()
        self.retention = RetentionBox(self.service, body)
        self.preview = PurgePreviewBox(self.service, body)
        top.addWidget(self.retention, 1)
        top.addWidget(self.preview, 1)
        layout.addLayout(top)
        self.load_error = FieldMessage("adminPrivacyError", body)
        layout.addWidget(self.load_error)
        self.audit = AuditView(AuditService.from_context(context, self), body)
        layout.addWidget(self.audit, 1)
        self.setWidget(body)
        self.service.failed.connect(self._failed)
        self.reload()

    def reload(self) -> None:
        self.load_error.clear_message()
        if self.service.load_retention():
            self.service.load_preview()

    def _failed(self, what: str, message: str) -> None:
        if what == "load":
            self.load_error.show_message(message)
