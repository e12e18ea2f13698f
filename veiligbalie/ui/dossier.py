"""The perpetrator dossier in the client: the detail view's "Betrokkene" section (reviewers),
the signalering dialog, and the counter's measure notice (everyone: only the measure).

The section links the open report to a known person (searched by name or identifier, or
created from the report's perpetrator fields), lists the person's OTHER linked reports
(double click opens one) and their signaleringen, and proposes or completes a signalering.
The dialog says what a signalering still needs before it may become active and offers
activation only when nothing is missing; the server checks the same again.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.dossier import (
    COUNTER_TEXT_MAX,
    IDENTIFIERS_MAX,
    InformedHow,
    Missing,
    SignaleringFacts,
    SignaleringMeasure,
    SignaleringState,
    missing_for_activation,
)
from veiligbalie.core.incident import Incident
from veiligbalie.core.limits import TEXT_MAX
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category
from veiligbalie.services import dossier as pd
from veiligbalie.services.dossier import DossierError, DossierService, PeopleOfReport
from veiligbalie.ui import labels
from veiligbalie.ui.timeline_text import local_time
from veiligbalie.ui.widgets import FieldMessage, line_edit, vbox

_NO_DATE = QDate(2000, 1, 1)


def measure_label(measure: SignaleringMeasure, other: str = "") -> str:
    if measure is SignaleringMeasure.APPOINTMENT_ONLY:
        return QCoreApplication.translate("Dossier", "Only by appointment")
    if measure is SignaleringMeasure.ACCESS_BAN:
        return QCoreApplication.translate("Dossier", "Access ban")
    return other or QCoreApplication.translate("Dossier", "Other measure")


def informed_label(how: InformedHow) -> str:
    return {
        InformedHow.LETTER: QCoreApplication.translate("Dossier", "By letter"),
        InformedHow.IN_PERSON: QCoreApplication.translate("Dossier", "In person"),
        InformedHow.PHONE: QCoreApplication.translate("Dossier", "By phone"),
    }[how]


def state_label(state: SignaleringState) -> str:
    return {
        SignaleringState.PROPOSED: QCoreApplication.translate("Dossier", "proposed"),
        SignaleringState.ACTIVE: QCoreApplication.translate("Dossier", "active"),
        SignaleringState.ENDED: QCoreApplication.translate("Dossier", "ended"),
    }[state]


def missing_label(item: Missing) -> str:
    return {
        Missing.COUNTER_TEXT: QCoreApplication.translate(
            "Dossier", "the text shown at the counter"
        ),
        Missing.REASON: QCoreApplication.translate("Dossier", "the reason"),
        Missing.PERIOD_START: QCoreApplication.translate("Dossier", "the start of the period"),
        Missing.PERIOD_END: QCoreApplication.translate("Dossier", "the end of the period"),
        Missing.PERIOD_ORDER: QCoreApplication.translate(
            "Dossier", "an end date after the start date"
        ),
        Missing.DECIDED_BY: QCoreApplication.translate("Dossier", "who decided"),
        Missing.DECIDED_ON: QCoreApplication.translate("Dossier", "the date of the decision"),
        Missing.INFORMED_ON: QCoreApplication.translate(
            "Dossier", "the date the person was informed"
        ),
        Missing.INFORMED_HOW: QCoreApplication.translate("Dossier", "how the person was informed"),
        Missing.OTHER_MEASURE: QCoreApplication.translate("Dossier", "which other measure"),
    }[item]


def error_text(error: DossierError) -> str:
    if error.kind == "offline":
        return QCoreApplication.translate(
            "Dossier", "The server cannot be reached now. Try again later."
        )
    if error.kind == "not_allowed":
        return QCoreApplication.translate(
            "Dossier", "Only team leads and coordinators use the dossier."
        )
    if error.kind == "not_found":
        return QCoreApplication.translate("Dossier", "Not found, or not visible to you.")
    return fill(QCoreApplication.translate("Dossier", "The server refused: %1"), error.message)


def _date_edit(parent: QWidget, name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(QCoreApplication.translate("Dossier", "not set"))
    edit.setDisplayFormat("dd-MM-yyyy")
    edit.setDate(_NO_DATE)
    return edit


def _date_of(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == _NO_DATE or not value.isValid():
        return None
    return date(value.year(), value.month(), value.day())


def _set_date(edit: QDateEdit, value: date | None) -> None:
    edit.setDate(QDate(value.year, value.month, value.day) if value else _NO_DATE)


# --- the signalering dialog -----------------------------------------------------------------


class SignaleringDialog(QDialog):
    """Propose or complete a signalering. "Save and make active" is offered only when
    nothing is missing; the list under the fields says what still is."""

    def __init__(
        self,
        existing: pd.SignaleringOut | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signaleringDialog")
        self.setWindowTitle(self.tr("Signalering"))
        self.setAccessibleName(self.tr("Signalering"))
        self.activate_requested = False
        outer = vbox(self, (12, 12, 12, 12), 8)
        intro = QLabel(
            self.tr(
                "A signalering is shown at the counter only as its measure, never with the "
                "history. It becomes active once the reason, the period, who decided and "
                "when and how the person was informed are filled in."
            ),
            self,
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        outer.addLayout(form)
        self.measure = QComboBox(self)
        self.measure.setObjectName("signaleringMeasure")
        self.measure.setAccessibleName(self.tr("Measure"))
        for m in SignaleringMeasure:
            self.measure.addItem(measure_label(m), m.value)
        form.addRow(self.tr("&Measure:"), self.measure)
        self.other = line_edit(self, "signaleringOther", self.tr("Other measure"), max_length=200)
        form.addRow(self.tr("&Other measure:"), self.other)
        self.counter_text = line_edit(
            self,
            "signaleringCounterText",
            self.tr("Text shown at the counter"),
            max_length=COUNTER_TEXT_MAX,
        )
        self.counter_text.setPlaceholderText(
            self.tr("e.g. only by appointment, with two colleagues")
        )
        form.addRow(self.tr("&Text at the counter:"), self.counter_text)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("signaleringReason")
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        form.addRow(self.tr("&Reason:"), self.reason)
        period = QHBoxLayout()
        self.start = _date_edit(self, "signaleringStart", self.tr("Period from"))
        self.end = _date_edit(self, "signaleringEnd", self.tr("Period until"))
        period.addWidget(self.start)
        period.addWidget(QLabel(self.tr("until"), self))
        period.addWidget(self.end)
        form.addRow(self.tr("&Period:"), period)
        self.decided_by = line_edit(
            self, "signaleringDecidedBy", self.tr("Decided by"), max_length=200
        )
        form.addRow(self.tr("&Decided by:"), self.decided_by)
        self.decided_on = _date_edit(self, "signaleringDecidedOn", self.tr("Decided on"))
        form.addRow(self.tr("Decided &on:"), self.decided_on)
        self.informed_on = _date_edit(self, "signaleringInformedOn", self.tr("Informed on"))
        form.addRow(self.tr("&Informed on:"), self.informed_on)
        self.informed_how = QComboBox(self)
        self.informed_how.setObjectName("signaleringInformedHow")
        self.informed_how.setAccessibleName(self.tr("Informed how"))
        self.informed_how.addItem(self.tr("(not yet)"), "")
        for how in InformedHow:
            self.informed_how.addItem(informed_label(how), how.value)
        form.addRow(self.tr("Informed &how:"), self.informed_how)
        self.missing = QLabel(self)
        self.missing.setObjectName("signaleringMissing")
        self.missing.setWordWrap(True)
        outer.addWidget(self.missing)
        self.error = FieldMessage("signaleringError", self)
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("signaleringCancelButton")
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.cancel_button)
        self.save_button = QPushButton(self.tr("Save as proposal"), self)
        self.save_button.setObjectName("signaleringSaveButton")
        self.save_button.setAccessibleName(self.tr("Save as proposal"))
        self.save_button.clicked.connect(self._save)
        buttons.addWidget(self.save_button)
        self.activate_button = QPushButton(self.tr("Save and make active"), self)
        self.activate_button.setObjectName("signaleringActivateButton")
        self.activate_button.setAccessibleName(self.tr("Save and make active"))
        self.activate_button.clicked.connect(self._activate)
        buttons.addWidget(self.activate_button)
        outer.addLayout(buttons)
        if existing is not None:
            self._fill(existing)
        for signal in (
            self.measure.currentIndexChanged,
            self.other.textChanged,
            self.counter_text.textChanged,
            self.reason.textChanged,
            self.start.dateChanged,
            self.end.dateChanged,
            self.decided_by.textChanged,
            self.decided_on.dateChanged,
            self.informed_on.dateChanged,
            self.informed_how.currentIndexChanged,
        ):
            signal.connect(self._update)
        self._update()

    def _fill(self, s: pd.SignaleringOut) -> None:
        self.measure.setCurrentIndex(max(0, self.measure.findData(s.measure.value)))
        self.other.setText(s.measure_other)
        self.counter_text.setText(s.counter_text)
        self.reason.setPlainText(s.reason)
        _set_date(self.start, s.period_start)
        _set_date(self.end, s.period_end)
        self.decided_by.setText(s.decided_by)
        _set_date(self.decided_on, s.decided_on)
        _set_date(self.informed_on, s.informed_on)
        how = s.informed_how.value if s.informed_how else ""
        self.informed_how.setCurrentIndex(max(0, self.informed_how.findData(how)))
        if s.state is SignaleringState.ACTIVE:
            self.save_button.hide()  # an active one stays active (and complete)

    def facts(self) -> SignaleringFacts:
        how = self.informed_how.currentData()
        return SignaleringFacts(
            measure=SignaleringMeasure(self.measure.currentData()),
            measure_other=self.other.text().strip(),
            counter_text=self.counter_text.text().strip(),
            reason=self.reason.toPlainText().strip(),
            period_start=_date_of(self.start),
            period_end=_date_of(self.end),
            decided_by=self.decided_by.text().strip(),
            decided_on=_date_of(self.decided_on),
            informed_on=_date_of(self.informed_on),
            informed_how=InformedHow(how) if how else None,
        )

    def body(self) -> pd.SignaleringIn:
        f = self.facts()
        return pd.SignaleringIn(
            measure=f.measure,
            measure_other=f.measure_other,
            counter_text=f.counter_text,
            reason=f.reason[:TEXT_MAX],
            period_start=f.period_start,
            period_end=f.period_end,
            decided_by=f.decided_by,
            decided_on=f.decided_on,
            informed_on=f.informed_on,
            informed_how=f.informed_how,
        )

    def missing_items(self) -> list[Missing]:
        return missing_for_activation(self.facts())

    def _update(self) -> None:
        self.other.setEnabled(self.measure.currentData() == SignaleringMeasure.OTHER.value)
        missing = self.missing_items()
        if missing:
            text = fill(
                self.tr("Before it can be made active, still needed: %1."),
                ", ".join(missing_label(m) for m in missing),
            )
        else:
            text = self.tr("Complete: it can be made active.")
        self.missing.setText(text)
        self.missing.setAccessibleName(text)
        self.activate_button.setEnabled(not missing)
        self.error.clear_message()

    def _save(self) -> None:
        self.activate_requested = False
        self.accept()

    def _activate(self) -> None:
        if self.missing_items():
            return
        self.activate_requested = True
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.show_message(text)


# --- the detail view's section ---------------------------------------------------------------


class PersonDialog(QDialog):
    """Correct what is recorded of a known person: the name, the description and the
    identifiers (a client number, a file number). What is recorded must be right: a wrong
    name or number makes a signalering reach the wrong visitor."""

    def __init__(self, person: pd.PersonOut, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personDialog")
        self.setWindowTitle(self.tr("Correct person"))
        self.setAccessibleName(self.tr("Correct person"))
        self.setMinimumWidth(520)
        self.person = person
        outer = vbox(self, (12, 12, 12, 12), 8)
        intro = QLabel(
            self.tr(
                "Correct what is recorded of this person. Every change is kept in the "
                "server's log with your name."
            ),
            self,
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        outer.addLayout(form)
        self.name = line_edit(self, "personName", self.tr("Name"), max_length=pd.NAME_MAX)
        self.name.setText(person.display_name)
        form.addRow(self.tr("&Name:"), self.name)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("personDescription")
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.description.setPlainText(person.description)
        form.addRow(self.tr("&Description:"), self.description)
        self.identifiers = QTableWidget(self)
        self.identifiers.setObjectName("personIdentifiers")
        self.identifiers.setAccessibleName(self.tr("Identifiers"))
        self.identifiers.setColumnCount(2)
        self.identifiers.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Value")])
        self.identifiers.horizontalHeader().setStretchLastSection(True)
        self.identifiers.verticalHeader().setVisible(False)
        self.identifiers.setTabKeyNavigation(False)  # Tab leaves the table: keyboard-first
        known = sorted(person.identifiers.items())
        self.identifiers.setRowCount(min(len(known) + 2, IDENTIFIERS_MAX))
        for row, (kind, value) in enumerate(known):
            self.identifiers.setItem(row, 0, QTableWidgetItem(kind))
            self.identifiers.setItem(row, 1, QTableWidgetItem(value))
        self.identifiers.setColumnWidth(0, self.fontMetrics().horizontalAdvance("klantnummer") * 2)
        rows = self.identifiers.rowCount() + 1
        self.identifiers.setFixedHeight(
            self.identifiers.verticalHeader().defaultSectionSize() * rows + 4
        )
        form.addRow(self.tr("&Identifiers:"), self.identifiers)
        hint = QLabel(self.tr("Empty a row to remove that identifier."), self)
        hint.setObjectName("personIdentifiersHint")
        form.addRow("", hint)
        self.error = FieldMessage("personError", self)
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("personCancelButton")
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.cancel_button)
        self.save_button = QPushButton(self.tr("Save correction"), self)
        self.save_button.setObjectName("personSaveButton")
        self.save_button.setAccessibleName(self.tr("Save correction"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

    def identifier_values(self) -> dict[str, str]:
        """The identifiers as filled in; raises ValueError for a row with only one half."""
        found: dict[str, str] = {}
        for row in range(self.identifiers.rowCount()):
            cells = [self.identifiers.item(row, c) for c in (0, 1)]
            kind, value = (cell.text().strip() if cell is not None else "" for cell in cells)
            if not kind and not value:
                continue
            if not kind or not value:
                raise ValueError(self.tr("Each identifier needs a kind and a value."))
            found[kind] = value
        return found

    def _save(self) -> None:
        if not self.name.text().strip():
            self.error.show_message(self.tr("A person needs a name."))
            self.name.setFocus()
            return
        try:
            self.identifier_values()
        except ValueError as exc:
            self.error.show_message(str(exc))
            self.identifiers.setFocus()
            return
        self.error.clear_message()
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.show_message(text)


class DossierSection(QFrame):
    """ "Betrokkene": the known person(s) a report concerns, for reviewers."""

    openRequested = Signal(uuid.UUID)

    def __init__(self, service: DossierService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("dossierSection")
        self.setAccessibleName(self.tr("Person involved"))
        self._incident: Incident | None = None
        self._persons: list[pd.PersonOut] = []
        self.dialog: SignaleringDialog | None = None
        self.person_dialog: PersonDialog | None = None
        column = vbox(self, (0, 0, 0, 0), 6)
        heading = QLabel(self.tr("Person involved"), self)
        heading.setProperty("heading", True)
        heading.setObjectName("dossierHeading")
        column.addWidget(heading)
        self.status = QLabel(self)
        self.status.setObjectName("dossierStatus")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.person = QLabel(self)
        self.person.setObjectName("dossierPerson")
        self.person.setAccessibleName(self.tr("Known person"))
        self.person.setWordWrap(True)
        self.person.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.person)
        person_row = QHBoxLayout()
        self.person_choice = QComboBox(self)
        self.person_choice.setObjectName("dossierPersonChoice")
        self.person_choice.setAccessibleName(self.tr("For which person"))
        person_row.addWidget(self.person_choice)
        self.correct_button = QPushButton(self.tr("Correct person…"), self)
        self.correct_button.setObjectName("dossierCorrectButton")
        self.correct_button.setAccessibleName(self.tr("Correct the chosen person"))
        self.correct_button.clicked.connect(self.correct_person)
        person_row.addWidget(self.correct_button)
        self.unlink_button = QPushButton(self.tr("Unlink from this report"), self)
        self.unlink_button.setObjectName("dossierUnlinkButton")
        self.unlink_button.setAccessibleName(self.tr("Unlink the chosen person from this report"))
        self.unlink_button.clicked.connect(self.unlink_person)
        person_row.addWidget(self.unlink_button)
        person_row.addStretch(1)
        column.addLayout(person_row)
        self.others_heading = QLabel(self.tr("Other reports about this person"), self)
        self.others_heading.setObjectName("dossierOthersHeading")
        column.addWidget(self.others_heading)
        self.others = QListWidget(self)
        self.others.setObjectName("dossierOtherReports")
        self.others.setAccessibleName(self.tr("Other reports about this person"))
        self.others.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.others.itemActivated.connect(self._open_other)
        column.addWidget(self.others)
        self.signals_heading = QLabel(self.tr("Signaleringen"), self)
        column.addWidget(self.signals_heading)
        self.signaleringen = QListWidget(self)
        self.signaleringen.setObjectName("dossierSignaleringen")
        self.signaleringen.setAccessibleName(self.tr("Signaleringen"))
        self.signaleringen.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.signaleringen.itemActivated.connect(lambda _i: self.edit_selected())
        column.addWidget(self.signaleringen)
        row = QHBoxLayout()
        self.propose_button = QPushButton(self.tr("Propose signalering…"), self)
        self.propose_button.setObjectName("dossierProposeButton")
        self.propose_button.setAccessibleName(self.tr("Propose signalering"))
        self.propose_button.clicked.connect(lambda: self.open_dialog(None))
        row.addWidget(self.propose_button)
        self.edit_button = QPushButton(self.tr("Complete or end…"), self)
        self.edit_button.setObjectName("dossierEditButton")
        self.edit_button.setAccessibleName(self.tr("Complete the chosen signalering"))
        self.edit_button.clicked.connect(self.edit_selected)
        row.addWidget(self.edit_button)
        self.end_button = QPushButton(self.tr("End"), self)
        self.end_button.setObjectName("dossierEndButton")
        self.end_button.setAccessibleName(self.tr("End the chosen signalering"))
        self.end_button.clicked.connect(self.end_selected)
        row.addWidget(self.end_button)
        row.addStretch(1)
        column.addLayout(row)
        # Linking: search a known person, or create one from the report.
        self.link_box = QFrame(self)
        self.link_box.setObjectName("dossierLinkBox")
        link = vbox(self.link_box, (0, 4, 0, 0), 4)
        link_label = QLabel(self.tr("Link this report to a known person:"), self.link_box)
        link_label.setObjectName("dossierLinkLabel")
        link.addWidget(link_label)
        search_row = QHBoxLayout()
        self.search_field = line_edit(
            self.link_box, "dossierSearch", self.tr("Name or client number"), max_length=200
        )
        self.search_field.setPlaceholderText(self.tr("Name or client number"))
        self.search_field.returnPressed.connect(self.search)
        search_row.addWidget(self.search_field, 1)
        self.search_button = QPushButton(self.tr("Search"), self.link_box)
        self.search_button.setObjectName("dossierSearchButton")
        self.search_button.setAccessibleName(self.tr("Search a known person"))
        self.search_button.clicked.connect(self.search)
        search_row.addWidget(self.search_button)
        link.addLayout(search_row)
        self.results = QListWidget(self.link_box)
        self.results.setObjectName("dossierResults")
        self.results.setAccessibleName(self.tr("Known persons found"))
        self.results.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.results.itemActivated.connect(lambda _i: self.link_selected())
        self.results.hide()  # until something is searched
        link.addWidget(self.results)
        buttons = QHBoxLayout()
        self.link_button = QPushButton(self.tr("Link to this report"), self.link_box)
        self.link_button.setObjectName("dossierLinkButton")
        self.link_button.setAccessibleName(self.tr("Link the chosen person to this report"))
        self.link_button.clicked.connect(self.link_selected)
        buttons.addWidget(self.link_button)
        self.new_name = line_edit(
            self.link_box, "dossierNewName", self.tr("Name of the new person"), max_length=200
        )
        self.new_name.setPlaceholderText(self.tr("Name of a new person"))
        buttons.addWidget(self.new_name, 1)
        self.create_button = QPushButton(self.tr("New person from this report"), self.link_box)
        self.create_button.setObjectName("dossierCreateButton")
        self.create_button.setAccessibleName(self.tr("New person from this report"))
        self.create_button.clicked.connect(self.create_from_report)
        buttons.addWidget(self.create_button)
        link.addLayout(buttons)
        column.addWidget(self.link_box)
        self.message = FieldMessage("dossierMessage", self)
        column.addWidget(self.message)
        service.changed.connect(self._on_changed)
        self._show_people([])

    # -- showing -----------------------------------------------------------------------------
    def show_for(self, incident: Incident) -> None:
        self._incident = incident
        self.message.clear_message()
        self.results.clear()
        self.results.hide()
        self.search_field.setText(incident.perpetrator_reference)
        self.status.setText(self.tr("Looking up the dossier…"))
        self.service.people_of(incident.id, self._loaded)

    def _on_changed(self, incident_id: uuid.UUID) -> None:
        if self._incident is not None and incident_id in (self._incident.id, uuid.UUID(int=0)):
            self.service.people_of(self._incident.id, self._loaded)

    def _loaded(self, people: PeopleOfReport | None, error: DossierError | None) -> None:
        if error is not None or people is None:
            self.status.setText(error_text(error) if error else "")
            self._show_people([])
            return
        self._show_people(people.persons)
        if people.cached_at is not None:
            self.status.setText(
                fill(
                    self.tr("Offline: as read on %1."),
                    local_time(people.cached_at),
                )
            )

    def persons(self) -> list[pd.PersonOut]:
        return list(self._persons)

    def _show_people(self, persons: list[pd.PersonOut]) -> None:
        self._persons = persons
        current = self._incident.id if self._incident else None
        self.others.clear()
        self.signaleringen.clear()
        if not persons:
            self.status.setText(self.tr("This report is not linked to a known person."))
            self.person.setText("")
            self.person.hide()
        else:
            self.status.setText(
                self.tr("This report concerns the known person below.")
                if len(persons) == 1
                else self.tr("This report concerns the known persons below.")
            )
            lines = []
            for p in persons:
                ids = ", ".join(f"{k}: {v}" for k, v in sorted(p.identifiers.items()))
                line = p.display_name + (f" ({ids})" if ids else "")
                if p.description:
                    line += " — " + p.description
                lines.append(line)
            self.person.setText("\n".join(lines))
            self.person.show()
        seen: set[uuid.UUID] = set()
        for p in persons:
            for link in p.links:
                if link.incident_id == current or link.incident_id in seen:
                    continue
                seen.add(link.incident_id)
                item = QListWidgetItem(self._link_text(link), self.others)
                item.setData(Qt.ItemDataRole.UserRole, str(link.incident_id))
            for s in p.signaleringen:
                item = QListWidgetItem(self._signalering_text(s), self.signaleringen)
                item.setData(Qt.ItemDataRole.UserRole, (str(p.id), str(s.id)))
        if persons and not seen:
            QListWidgetItem(self.tr("No other reports."), self.others).setFlags(
                Qt.ItemFlag.NoItemFlags
            )
        self.person_choice.clear()
        for p in persons:
            self.person_choice.addItem(p.display_name, str(p.id))
        self.person_choice.setVisible(len(persons) > 1)
        linked = bool(persons)
        for w in (self.others_heading, self.others, self.signals_heading, self.signaleringen):
            w.setVisible(linked)
        self.propose_button.setVisible(linked)
        self.correct_button.setVisible(linked)
        self.unlink_button.setVisible(linked)
        self.edit_button.setVisible(linked and bool(self.signaleringen.count()))
        self.end_button.setVisible(linked and bool(self.signaleringen.count()))

    def _link_text(self, link: pd.LinkedReport) -> str:
        names = []
        for value in link.categories:
            try:
                names.append(labels.category_label(Category(value)))
            except ValueError:
                names.append(value)
        return fill(
            self.tr("%1 · %2 · %3"),
            link.reference or self.tr("(no number yet)"),
            local_time(link.occurred_at),
            ", ".join(names),
        )

    def _signalering_text(self, s: pd.SignaleringOut) -> str:
        text = fill(
            self.tr("%1 (%2): %3"),
            measure_label(s.measure, s.measure_other),
            state_label(s.state),
            s.counter_text or "—",
        )
        if s.period_start and s.period_end:
            text += " · " + fill(
                self.tr("%1 until %2"),
                s.period_start.strftime("%d-%m-%Y"),
                s.period_end.strftime("%d-%m-%Y"),
            )
        if s.state is SignaleringState.PROPOSED and s.missing:
            text += " · " + fill(
                self.tr("still needed: %1"), ", ".join(missing_label(m) for m in s.missing)
            )
        return text

    def _open_other(self, item: QListWidgetItem) -> None:
        raw = item.data(Qt.ItemDataRole.UserRole)
        if raw:
            self.openRequested.emit(uuid.UUID(str(raw)))

    def _answer(self, _result: object, error: DossierError | None) -> None:
        if error is not None:
            self.message.show_message(error_text(error))
        else:
            self.message.clear_message()

    # -- linking -----------------------------------------------------------------------------
    def search(self) -> None:
        text = self.search_field.text().strip()
        self.results.clear()
        if not text:
            return

        def found(persons: list[pd.PersonOut] | None, error: DossierError | None) -> None:
            self.results.clear()
            self.results.show()
            if error is not None or persons is None:
                self._answer(None, error)
                return
            for p in persons:
                ids = ", ".join(f"{k}: {v}" for k, v in sorted(p.identifiers.items()))
                label = p.display_name + (f" ({ids})" if ids else "")
                label += " · " + self.tr("%n report(s)", "", len(p.links))
                item = QListWidgetItem(label, self.results)
                item.setData(Qt.ItemDataRole.UserRole, str(p.id))
            if not persons:
                QListWidgetItem(self.tr("Nobody found."), self.results).setFlags(
                    Qt.ItemFlag.NoItemFlags
                )
            else:
                self.results.setCurrentRow(0)

        self.service.search(text, found)

    def link_selected(self) -> None:
        item = self.results.currentItem()
        raw = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if self._incident is None or not raw:
            self.message.show_message(self.tr("Choose a person from the list first."))
            return

        def linked(person: pd.PersonOut | None, error: DossierError | None) -> None:
            if error is None:
                self.results.clear()
                self.results.hide()
            self._answer(person, error)

        self.service.link(uuid.UUID(str(raw)), self._incident.id, linked)

    def create_from_report(self) -> None:
        if self._incident is None:
            return
        try:
            body = self.service.person_from_report(self._incident, self.new_name.text())
        except ValidationError:
            self.message.show_message(self.tr("Give the new person a name first."))
            return
        self.new_name.clear()
        self.service.create(body, self._answer)

    # -- the person -------------------------------------------------------------------------
    def chosen_person(self) -> pd.PersonOut | None:
        """The person the buttons act on: the one chosen when there are several."""
        chosen = self.person_choice.currentData()
        for p in self._persons:
            if chosen is None or str(p.id) == chosen:
                return p
        return None

    def correct_person(self) -> None:
        person = self.chosen_person()
        if person is None:
            return
        dialog = PersonDialog(person, self)
        self.person_dialog = dialog
        dialog.accepted.connect(lambda: self._correct_done(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "person_dialog", None))
        dialog.open()

    def _correct_done(self, dialog: PersonDialog) -> None:
        def saved(person: pd.PersonOut | None, error: DossierError | None) -> None:
            if error is not None:
                self.message.show_message(error_text(error))
                return
            if person is dialog.person:  # nothing differed: nothing was sent
                self.message.show_message(self.tr("Nothing was changed."), done=True)
                return
            self.message.show_message(
                fill(self.tr("The record of %1 is corrected."), dialog.person.display_name)
                if person is None or person.display_name == dialog.person.display_name
                else fill(
                    self.tr("The record of %1 is corrected (now: %2)."),
                    dialog.person.display_name,
                    person.display_name,
                ),
                done=True,
            )

        try:
            self.service.correct(
                dialog.person,
                dialog.name.text(),
                dialog.description.toPlainText(),
                dialog.identifier_values(),
                saved,
                self._incident.id if self._incident else None,
            )
        except ValueError:  # pydantic's ValidationError too
            # The dialog checked name and identifiers; what is left is text too long.
            self.message.show_message(self.tr("The correction was not saved: a text is too long."))

    def unlink_person(self) -> None:
        """Take the chosen person off this report (linked by mistake); linking again is a
        search away, so no question is asked first."""
        person = self.chosen_person()
        if person is None or self._incident is None:
            return

        def unlinked(_result: pd.PersonOut | None, error: DossierError | None) -> None:
            if error is not None:
                self.message.show_message(error_text(error))
                return
            self.message.show_message(
                fill(
                    self.tr("%1 is no longer linked to this report; search to link again."),
                    person.display_name,
                ),
                done=True,
            )

        self.service.link(person.id, self._incident.id, unlinked, unlink=True)

    # -- signaleringen -----------------------------------------------------------------------
    def _selected(self) -> tuple[uuid.UUID, pd.SignaleringOut] | None:
        item = self.signaleringen.currentItem()
        if item is None:
            return None
        person_id, sid = item.data(Qt.ItemDataRole.UserRole)
        for p in self._persons:
            for s in p.signaleringen:
                if str(s.id) == sid:
                    return uuid.UUID(person_id), s
        return None

    def open_dialog(self, existing: tuple[uuid.UUID, pd.SignaleringOut] | None) -> None:
        if not self._persons:
            return
        chosen = self.person_choice.currentData()
        person_id = existing[0] if existing else uuid.UUID(str(chosen or self._persons[0].id))
        signalering = existing[1] if existing else None
        if signalering is not None and signalering.state is SignaleringState.ENDED:
            self.message.show_message(self.tr("An ended signalering is kept as it was."))
            return
        dialog = SignaleringDialog(signalering, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._dialog_done(dialog, person_id, signalering))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    def edit_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            self.message.show_message(self.tr("Choose a signalering from the list first."))
            return
        self.open_dialog(chosen)

    def end_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or self._incident is None:
            self.message.show_message(self.tr("Choose a signalering from the list first."))
            return
        person_id, s = chosen
        self.service.set_state(
            person_id, s.id, SignaleringState.ENDED, self._answer, incident_id=self._incident.id
        )

    def _dialog_done(
        self,
        dialog: SignaleringDialog,
        person_id: uuid.UUID,
        existing: pd.SignaleringOut | None,
    ) -> None:
        incident_id = self._incident.id if self._incident else None
        activate = dialog.activate_requested

        def saved(result: pd.SignaleringOut | None, error: DossierError | None) -> None:
            if error is not None or result is None:
                self._answer(None, error)
                return
            if activate and result.state is not SignaleringState.ACTIVE:
                self.service.set_state(
                    person_id, result.id, SignaleringState.ACTIVE, self._answer, incident_id
                )
            else:
                self._answer(result, None)

        self.service.save_signalering(
            person_id, dialog.body(), saved, existing.id if existing else None, incident_id
        )


# --- the counter -----------------------------------------------------------------------------


class MeasureNotice(QLabel):
    """ "Let op: alleen op afspraak, met twee collega's": only the measure, nothing else."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("measureNotice")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(
            "QLabel#measureNotice { background: #fff3cd; color: #5d4200; border: 1px solid "
            "#e0b000; border-radius: 4px; padding: 6px; font-weight: bold; }"
        )
        self.hide()

    def show_measures(self, measures: list[pd.MeasureOut]) -> None:
        if not measures:
            self.clear_notice()
            return
        text = "\n".join(
            fill(self.tr("Attention: %1"), m.counter_text or measure_label(m.measure))
            for m in measures
        )
        self.setText(text)
        self.setAccessibleName(text)
        self.show()

    def clear_notice(self) -> None:
        self.setText("")
        self.setAccessibleName("")
        self.hide()


class MeasureWatcher:
    """Looks up the measure for what is typed in ``field`` (after a short pause) and shows it
    in ``notice``. Answers for an older text are ignored."""

    DEBOUNCE_MS = 500

    def __init__(self, service: DossierService, field: QLineEdit, notice: MeasureNotice) -> None:
        self.service = service
        self.field = field
        self.notice = notice
        self.timer = QTimer(field)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DEBOUNCE_MS)
        self.timer.timeout.connect(self.lookup)
        field.textChanged.connect(self._typed)

    def _typed(self, _text: str) -> None:
        self.notice.clear_notice()
        self.timer.start()

    def lookup(self) -> None:
        asked = self.field.text().strip()
        if not asked or not self.service.counter_lookup_available():
            self.notice.clear_notice()
            return

        def answered(measures: list[pd.MeasureOut] | None, error: DossierError | None) -> None:
            if self.field.text().strip() != asked:
                return
            self.notice.show_measures(measures or [] if error is None else [])

        self.service.lookup_measures(asked, answered)


class MeasureLookup(QWidget):
    """ "Maatregel opzoeken": a client number in, the active measure (if any) out."""

    def __init__(self, service: DossierService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("measureLookup")
        self.setAccessibleName(self.tr("Look up a measure"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        label = QLabel(self.tr("Look up a &measure:"), self)
        self.field = line_edit(self, "measureLookupField", self.tr("Client number"), max_length=100)
        self.field.setPlaceholderText(self.tr("Client number"))
        label.setBuddy(self.field)
        row.addWidget(label)
        row.addWidget(self.field, 1)
        self.button = QPushButton(self.tr("Look up"), self)
        self.button.setObjectName("measureLookupButton")
        self.button.setAccessibleName(self.tr("Look up the measure"))
        row.addWidget(self.button)
        layout.addLayout(row)
        self.notice = MeasureNotice(self)
        layout.addWidget(self.notice)
        self.none_found = QLabel(self)
        self.none_found.setObjectName("measureNone")
        self.none_found.hide()
        layout.addWidget(self.none_found)
        self.service = service
        self.button.clicked.connect(self.lookup)
        self.field.returnPressed.connect(self.lookup)
        self.field.textChanged.connect(lambda _t: self._clear())

    def _clear(self) -> None:
        self.notice.clear_notice()
        self.none_found.hide()

    def lookup(self) -> None:
        asked = self.field.text().strip()
        self._clear()
        if not asked:
            return

        def answered(measures: list[pd.MeasureOut] | None, error: DossierError | None) -> None:
            if error is not None:
                self.none_found.setText(error_text(error))
                self.none_found.show()
            elif measures:
                self.notice.show_measures(measures)
            else:
                self.none_found.setText(self.tr("No measure applies to this number."))
                self.none_found.show()

        self.service.lookup_measures(asked, answered)


def insert_after(widget: QWidget, extra: QWidget) -> None:
    """Place ``extra`` right under ``widget`` in its parent's layout (at the end if the
    layout is not a box)."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if layout is None:
        return
    index = layout.indexOf(widget)
    extra.setParent(parent)
    if isinstance(layout, QBoxLayout) and index >= 0:
        layout.insertWidget(index + 1, extra)
    elif isinstance(layout, QFormLayout) and index >= 0:
        position: Any = layout.getItemPosition(index)
        layout.insertRow(int(position[0]) + 1, "", extra)
    else:
        layout.addWidget(extra)
