"""Making a document from the UI: choose where it goes, make it off the GUI thread with a
progress indication when it takes longer than a blink, then open it in the system viewer.
The "Brief maken…" dialog picks the letter kind, fills its fields and previews the text.

``choose_path`` and ``open_file`` are seams: tests give a path and skip the viewer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.letters import LetterKind
from veiligbalie.core.text import fill
from veiligbalie.services import background
from veiligbalie.services.letterhead import (
    LetterheadService,
    TemplateError,
    default_file_name,
)
from veiligbalie.ui.widgets import office_today

__all__ = ["LetterheadRunner", "LetterDialog"]

ChoosePath = Callable[[QWidget, str, str], Path | None]
OpenFile = Callable[[Path], None]

#: Wait this long before showing a progress dialog (a blink: most documents are done).
PROGRESS_DELAY_MS = 400


def _ask_path(parent: QWidget, title: str, file_name: str) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path(folder or Path.home()) / file_name), "PDF (*.pdf)"
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def _open_in_viewer(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class LetterheadRunner(QObject):
    """Runs one document at a time for a view; says when it is done or why it failed."""

    finished = Signal(str)  # the file made
    failed = Signal(str)

    def __init__(
        self,
        documents: LetterheadService,
        parent: QWidget,
        choose_path: ChoosePath | None = None,
        open_file: OpenFile | None = None,
    ) -> None:
        super().__init__(parent)
        self.documents = documents
        self._widget = parent
        self.choose_path = choose_path or _ask_path
        self.open_file = open_file or _open_in_viewer
        self.job: background.Task | None = None
        self.progress: QProgressDialog | None = None
        self.failure_box: QMessageBox | None = None
        self._awaiting_letter = False
        documents.letter_not_recorded.connect(self._letter_not_recorded)

    def busy(self) -> bool:
        return self.job is not None

    def police_sheet(self, incident_id: uuid.UUID) -> background.Task | None:
        name = default_file_name("police_sheet", self.documents.reference(incident_id))
        target = self.choose_path(self._widget, self.tr("Save police-report sheet"), name)
        if target is None:
            return None
        return self._follow(self.documents.make_police_sheet(incident_id, target))

    def letter(
        self,
        incident_id: uuid.UUID,
        kind: LetterKind,
        fields: dict[str, str],
        recipient_address: str = "",
    ) -> background.Task | None:
        """Raises TemplateError (naming the field) before asking where to save."""
        self.documents.preview(incident_id, kind, fields)
        name = default_file_name(kind.value, self.documents.reference(incident_id))
        target = self.choose_path(self._widget, self.tr("Save letter"), name)
        if target is None:
            return None
        job = self.documents.make_letter(incident_id, kind, fields, target, recipient_address)
        self._awaiting_letter = True
        return self._follow(job)

    def _follow(self, job: background.Task) -> background.Task:
        self.job = job
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        QTimer.singleShot(PROGRESS_DELAY_MS, self._show_progress)
        return job

    def _show_progress(self) -> None:
        if self.job is None:
            return
        dialog = QProgressDialog(self.tr("Making the document…"), "", 0, 0, self._widget)
        dialog.setObjectName("documentProgress")
        dialog.setAccessibleName(self.tr("Making the document"))
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        self.progress = dialog
        dialog.show()

    def _done(self) -> None:
        self.job = None
        self._awaiting_letter = False
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_finished(self, path: str) -> None:
        self._done()
        self.open_file(Path(path))
        self.finished.emit(path)

    def _letter_not_recorded(self, message: str) -> None:
        if self._awaiting_letter:  # this view's letter (several views share the service)
            self._say(
                fill(
                    self.tr(
                        "The letter is saved, but it could not be recorded on the timeline: %1"
                    ),
                    message,
                )
            )

    def _on_failed(self, error: Exception) -> None:
        self._done()
        message = background.message(error)
        self._say(fill(self.tr("The document could not be saved: %1"), message))
        self.failed.emit(message)

    def _say(self, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Document not made"),
            text,
            QMessageBox.StandardButton.Ok,
            self._widget,
        )
        box.setObjectName("documentFailed")
        box.setAccessibleName(self.tr("Document not made"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.failure_box = box
        box.open()  # not blocking: the view stays usable


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class LetterDialog(QDialog):
    """Choose the letter, fill in its fields, see the text, make the PDF."""

    def __init__(
        self,
        runner: LetterheadRunner,
        incident_id: uuid.UUID,
        kind: LetterKind = LetterKind.WARNING,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.incident_id = incident_id
        self.setObjectName("letterDialog")
        self.setWindowTitle(self.tr("Make letter"))
        self.setAccessibleName(self.tr("Make letter"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.form = form
        layout.addLayout(form)

        self.kind = QComboBox(self)
        self.kind.setObjectName("letterKind")
        self.kind.setAccessibleName(self.tr("Kind of letter"))
        names = {
            LetterKind.WARNING: self.tr("Warning letter"),
            LetterKind.INVITATION: self.tr("Invitation to a conversation about conduct"),
            LetterKind.ACCESS_BAN: self.tr("Access ban"),
        }
        for item in LetterKind:
            self.kind.addItem(names[item], item.value)
        form.addRow(self.tr("Letter"), self.kind)

        def line(name: str, label: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setAccessibleName(label)
            edit.setPlaceholderText(placeholder)
            form.addRow(label, edit)
            edit.textChanged.connect(self.update_preview)
            return edit

        self.recipient = line("letterRecipient", self.tr("To"), self.tr("Name of the addressee"))
        self.recipient_address = QPlainTextEdit(self)
        self.recipient_address.setObjectName("letterRecipientAddress")
        self.recipient_address.setAccessibleName(self.tr("Address of the addressee"))
        self.recipient_address.setTabChangesFocus(True)
        self.recipient_address.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        form.addRow(self.tr("Address"), self.recipient_address)
        self.behaviour = QPlainTextEdit(self)
        self.behaviour.setObjectName("letterBehaviour")
        self.behaviour.setAccessibleName(self.tr("The behaviour the letter answers"))
        self.behaviour.setTabChangesFocus(True)
        self.behaviour.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.behaviour.textChanged.connect(self.update_preview)
        form.addRow(self.tr("Behaviour"), self.behaviour)
        self.house_rule = line("letterHouseRule", self.tr("House rule"))
        self.talk_date = line("letterTalkDate", self.tr("Date and time of the talk"))
        self.talk_place = line("letterTalkPlace", self.tr("Place of the talk"))

        today = office_today()
        self.ban_start = QDateEdit(today.addDays(1), self)
        self.ban_end = QDateEdit(today.addMonths(3), self)
        period = QHBoxLayout()
        for edit, name, label in (
            (self.ban_start, "letterBanStart", self.tr("Ban starts")),
            (self.ban_end, "letterBanEnd", self.tr("Ban ends")),
        ):
            edit.setObjectName(name)
            edit.setAccessibleName(label)
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self.update_preview)
            period.addWidget(QLabel(label, self))
            period.addWidget(edit)
        self.period_label = QLabel(self.tr("Period"), self)
        form.addRow(self.period_label, period)
        self.locations = line("letterLocations", self.tr("Locations"))
        self.channels = line(
            "letterChannels",
            self.tr("Contact allowed by"),
            self.tr("e.g. only by letter or by phone"),
        )

        self.message = QLabel(self)
        self.message.setObjectName("letterMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a40000")
        layout.addWidget(self.message)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("letterPreview")
        self.preview.setAccessibleName(self.tr("Preview of the letter"))
        self.preview.setReadOnly(True)
        layout.addWidget(self.preview, 1)

        buttons = QDialogButtonBox(self)
        self.make_button = buttons.addButton(
            self.tr("Make letter"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.make_button.setObjectName("letterMakeButton")
        self.make_button.setAccessibleName(self.tr("Make letter"))
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("letterCloseButton")
        buttons.rejected.connect(self.reject)
        self.make_button.clicked.connect(self.make)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setCurrentIndex(self.kind.findData(kind.value))
        runner.failed.connect(self._failed)
        self._kind_changed()

    def letter_kind(self) -> LetterKind:
        return LetterKind(self.kind.currentData())

    def fields(self) -> dict[str, str]:
        language = self.runner.documents.language()
        values = {
            "recipient": self.recipient.text(),
            "behaviour": self.behaviour.toPlainText(),
            "house_rule": self.house_rule.text(),
        }
        kind = self.letter_kind()
        if kind is LetterKind.INVITATION:
            values |= {"talk_date": self.talk_date.text(), "talk_place": self.talk_place.text()}
        if kind is LetterKind.ACCESS_BAN:
            from veiligbalie.reports.common import format_date  # reportlab: not at start

            values |= {
                "ban_start": format_date(_day(self.ban_start), language),
                "ban_end": format_date(_day(self.ban_end), language),
                "locations": self.locations.text(),
                "channels": self.channels.text(),
            }
        return values

    def _kind_changed(self) -> None:
        kind = self.letter_kind()
        form = self.form
        shown = {
            self.talk_date: kind is LetterKind.INVITATION,
            self.talk_place: kind is LetterKind.INVITATION,
            self.locations: kind is LetterKind.ACCESS_BAN,
            self.channels: kind is LetterKind.ACCESS_BAN,
            self.ban_start: kind is LetterKind.ACCESS_BAN,
            self.house_rule: kind is not LetterKind.INVITATION,
        }
        for widget, visible in shown.items():
            form.setRowVisible(
                widget if widget is not self.ban_start else self.period_label, visible
            )
        self.update_preview()

    def _problem(self) -> str:
        """The first thing the letter lacks, said plainly; "" when it can be made."""
        if not self.recipient.text().strip():
            return self.tr("Fill in to whom the letter goes.")
        if self.letter_kind() is LetterKind.ACCESS_BAN and (
            self.ban_end.date() < self.ban_start.date()
        ):
            return self.tr("The ban cannot end before it starts.")
        return ""

    def update_preview(self) -> None:
        problem = self._problem()
        try:
            text = self.runner.documents.preview(
                self.incident_id, self.letter_kind(), self.fields()
            )
        except TemplateError as exc:
            self.preview.setPlainText("")
            self.message.setText(problem or self._template_message(exc))
            self.make_button.setEnabled(False)
            return
        self.preview.setPlainText(text)
        self.message.setText(problem)
        self.make_button.setEnabled(not problem and not self.runner.busy())

    def _template_message(self, exc: TemplateError) -> str:
        if exc.problem == "empty_value":
            named = {
                "recipient": self.tr("To"),
                "behaviour": self.tr("Behaviour"),
                "house_rule": self.tr("House rule"),
                "talk_date": self.tr("Date and time of the talk"),
                "talk_place": self.tr("Place of the talk"),
                "locations": self.tr("Locations"),
                "channels": self.tr("Contact allowed by"),
            }
            return fill(self.tr("Fill in the field “%1”."), named.get(exc.field, exc.field))
        return fill(self.tr("The letter template cannot be used: %1"), str(exc))

    def make(self) -> None:
        if self._problem():
            return
        try:
            job = self.runner.letter(
                self.incident_id,
                self.letter_kind(),
                self.fields(),
                self.recipient_address.toPlainText(),
            )
        except TemplateError as exc:
            self.message.setText(self._template_message(exc))
            return
        if job is None:
            return  # the user cancelled choosing where to save
        self.make_button.setEnabled(False)
        job.finished.connect(lambda _path: self.accept())

    def _failed(self, message: str) -> None:
        self.make_button.setEnabled(True)
        self.message.setText(fill(self.tr("The letter could not be made: %1"), message))
