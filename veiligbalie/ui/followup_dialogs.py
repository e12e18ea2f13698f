"""The dialogs of the follow-up worklist: ticking a task off (one per kind of step), assigning
it, and closing an alarm that needs no report. Keyboard first: every field is reached with
Tab, Enter saves, Escape cancels; every control has an objectName."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.followup import TaskState
from veiligbalie.core.ids import uuid7
from veiligbalie.core.letters import LetterKind
from veiligbalie.core.money import parse_euros
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import (
    Category,
    FollowUpKind,
    RecoveryRoute,
    RecoveryStatus,
    ResponseMeasure,
)
from veiligbalie.services.followup import FollowUpError, FollowUpService, Person
from veiligbalie.ui.labels import category_label, follow_up_label
from veiligbalie.ui.letterhead import LetterDialog, LetterheadRunner

AFTERCARE_KINDS = frozenset(
    {
        FollowUpKind.AFTERCARE_TALK,
        FollowUpKind.AFTERCARE_FOLLOW_UP_2W,
        FollowUpKind.AFTERCARE_FOLLOW_UP_6W,
    }
)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%d-%m-%Y %H:%M")


def _euros(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100},{cents % 100:02d}"


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, accessible: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class FollowUpDialog(QDialog):
    """Tick a task off: the date it was done (default now, editable) and a short note, and
    what the kind of step records. Subclasses add their fields in :meth:`build` and give
    them back in :meth:`details`. ``saveOnly`` records the details without ticking off."""

    can_save_only = False

    def __init__(
        self,
        task: TaskState,
        service: FollowUpService,
        parent: QWidget | None = None,
        documents: LetterheadRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.task = task
        self.service = service
        #: Makes the police-report sheet or a letter from this task (None: not here).
        self.documents = documents
        self.setObjectName("followupDialog")
        self.setWindowTitle(fill(self.tr("Tick off: %1"), follow_up_label(task.kind)))
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(520)
        column = QVBoxLayout(self)
        heading = QLabel(
            fill(self.tr("%1 · due %2"), follow_up_label(task.kind), _local(task.due)), self
        )
        heading.setObjectName("followupHeading")
        heading.setStyleSheet("font-weight: bold; font-size: 15px;")
        column.addWidget(heading)
        self.form = QFormLayout()
        column.addLayout(self.form)
        self.done_at = _named(QDateTimeEdit(self), "followupDoneAt", self.tr("Date done"))
        self.done_at.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.done_at.setCalendarPopup(True)
        self.done_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(service.now().timestamp())))
        self.form.addRow(self.tr("Date done"), self.done_at)
        self.note = _named(QLineEdit(self), "followupNote", self.tr("Short note"))
        self.note.setMaxLength(500)
        self.note.setText(task.note)
        self.form.addRow(self.tr("Short note"), self.note)
        self.build(column)
        self.error = _named(QLabel(self), "followupError", self.tr("Problem"))
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        column.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.save_button = _named(
            buttons.addButton(self.tr("Tick off"), QDialogButtonBox.ButtonRole.AcceptRole),
            "followupSave",
            self.tr("Tick off"),
        )
        self.save_button.setDefault(True)
        self.save_only = None
        if self.can_save_only:
            self.save_only = _named(
                buttons.addButton(
                    self.tr("Save without ticking off"), QDialogButtonBox.ButtonRole.ActionRole
                ),
                "followupSaveOnly",
                self.tr("Save without ticking off"),
            )
            self.save_only.setAutoDefault(False)
            self.save_only.clicked.connect(self._save_only)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        _named(cancel, "followupCancel", self.tr("Cancel"))
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.first_field().setFocus()

    # -- For subclasses ---------------------------------------------------------------------------
    def build(self, column: QVBoxLayout) -> None:
        """Add this kind's fields."""

    def details(self) -> dict[str, Any]:
        """This kind's details (raises FollowUpError for a field that cannot be read)."""
        return {}

    def first_field(self) -> QWidget:
        return self.note

    def before_save(self) -> None:
        """Steps recorded before ticking off (an assignment)."""

    # -- Saving ------------------------------------------------------------------------------------
    def done_moment(self) -> datetime:
        value = self.done_at.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(value, UTC)

    def _save(self) -> None:
        try:
            details = self.details()
            self.before_save()
            self.service.complete(self.task.id, self.done_moment(), self.note.text(), details)
        except FollowUpError as exc:
            self.show_error(str(exc))
            return
        self.accept()

    def _save_only(self) -> None:
        try:
            details = self.details()
            self.before_save()
            self.service.update(self.task.id, self.note.text(), details)
        except FollowUpError as exc:
            self.show_error(str(exc))
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class PoliceReportDialog(FollowUpDialog):
    def build(self, column: QVBoxLayout) -> None:
        self.number = _named(QLineEdit(self), "policeNumber", self.tr("Police report number"))
        self.number.setMaxLength(64)
        self.number.setPlaceholderText(self.tr("for example PL0900-2026123456"))
        self.number.setText(str(self.task.details.get("report_number") or ""))
        self.form.addRow(self.tr("Police report number"), self.number)
        self.why_not = _named(
            QLineEdit(self), "policeNotReason", self.tr("Or why no report was made")
        )
        self.why_not.setMaxLength(500)
        self.why_not.setText(str(self.task.details.get("not_reported_reason") or ""))
        self.form.addRow(self.tr("Or why not"), self.why_not)
        hint = QLabel(
            self.tr(
                "Report with the organisation's address, never the employee's, and mention VPT."
            ),
            self,
        )
        hint.setObjectName("policeHint")
        hint.setWordWrap(True)
        column.addWidget(hint)
        self.sheet_button = _named(
            QPushButton(self.tr("Prepare police report"), self),
            "policeSheetButton",
            self.tr("Prepare police report"),
        )
        self.sheet_button.setAutoDefault(False)
        self.sheet_button.setVisible(self.documents is not None)
        self.sheet_button.clicked.connect(self.prepare_police_report)
        column.addWidget(self.sheet_button)

    def prepare_police_report(self) -> None:
        if self.documents is not None and not self.documents.busy():
            self.documents.police_sheet(self.task.incident_id)

    def first_field(self) -> QWidget:
        return self.number

    def details(self) -> dict[str, Any]:
        return {
            "report_number": self.number.text().strip(),
            "not_reported_reason": self.why_not.text().strip(),
        }


def measure_label(measure: ResponseMeasure) -> str:
    labels = {
        ResponseMeasure.WARNING_LETTER: QCoreApplication.translate("Labels", "Warning letter"),
        ResponseMeasure.CONDUCT_TALK: QCoreApplication.translate(
            "Labels", "Conversation about conduct"
        ),
        ResponseMeasure.APPOINTMENT_ONLY: QCoreApplication.translate(
            "Labels", "Service by appointment only"
        ),
        ResponseMeasure.ACCESS_BAN: QCoreApplication.translate("Labels", "Access ban"),
        ResponseMeasure.NO_MEASURE: QCoreApplication.translate(
            "Labels", "No measure (say why in the note)"
        ),
    }
    return labels[measure]


class ResponseDialog(FollowUpDialog):
    def build(self, column: QVBoxLayout) -> None:
        self.measure = _named(QComboBox(self), "responseMeasure", self.tr("Measure"))
        self.measure.addItem(self.tr("Choose a measure…"), "")
        for measure in ResponseMeasure:
            self.measure.addItem(measure_label(measure), measure.value)
        current = self.task.details.get("measure")
        if current:
            self.measure.setCurrentIndex(max(0, self.measure.findData(current)))
        self.form.addRow(self.tr("Measure"), self.measure)
        box = QGroupBox(self.tr("Earlier incidents with this person"), self)
        box.setObjectName("earlierBox")
        inner = QVBoxLayout(box)
        self.earlier = _named(
            QListWidget(box), "earlierIncidents", self.tr("Earlier incidents with this person")
        )
        self.earlier.setMaximumHeight(140)
        earlier = self.service.earlier_incidents(self.task.incident_id)
        for incident in earlier:
            cats = ", ".join(
                category_label(Category(c)) for c in incident.categories if c in set(Category)
            )
            self.earlier.addItem(
                QListWidgetItem(f"{_local(incident.occurred_at)} · {incident.reference} · {cats}")
            )
        if not earlier:
            self.earlier.addItem(self.tr("No earlier incidents with this person are known."))
        inner.addWidget(self.earlier)
        column.addWidget(box)
        self.letter_button = _named(
            QPushButton(self.tr("Make letter…"), self),
            "responseLetterButton",
            self.tr("Make a letter to the perpetrator"),
        )
        self.letter_button.setAutoDefault(False)
        self.letter_button.setVisible(self.documents is not None)
        self.letter_button.clicked.connect(self.ask_letter)
        column.addWidget(self.letter_button)
        self.letter_dialog: LetterDialog | None = None

    def ask_letter(self) -> LetterDialog | None:
        """The letter dialog, its kind following the chosen measure; a letter made ticks
        this task off with that measure (recorded by the document service)."""
        if self.documents is None:
            return None
        kinds = {
            ResponseMeasure.CONDUCT_TALK.value: LetterKind.INVITATION,
            ResponseMeasure.ACCESS_BAN.value: LetterKind.ACCESS_BAN,
        }
        kind = kinds.get(str(self.measure.currentData() or ""), LetterKind.WARNING)
        dialog = LetterDialog(self.documents, self.task.incident_id, kind, self)
        dialog.accepted.connect(self.accept)  # the letter ticked the task: nothing left here
        self.letter_dialog = dialog
        dialog.open()
        return dialog

    def first_field(self) -> QWidget:
        return self.measure

    def details(self) -> dict[str, Any]:
        value = self.measure.currentData()
        return {"measure": value} if value else {}


class AftercareDialog(FollowUpDialog):
    def build(self, column: QVBoxLayout) -> None:
        self.with_whom = _named(QLineEdit(self), "aftercareWith", self.tr("With whom"))
        self.with_whom.setMaxLength(500)
        self.with_whom.setPlaceholderText(self.tr("the reporter, witnesses"))
        self.with_whom.setText(str(self.task.details.get("with_whom") or ""))
        self.form.addRow(self.tr("With whom"), self.with_whom)
        self.assignee = _named(QComboBox(self), "aftercareAssignee", self.tr("Assign to"))
        self.form.addRow(self.tr("Assign to"), self.assignee)
        fill_people(self.assignee, self.service.people(), self.task)
        self.service.people_changed.connect(self._people)
        self.service.load_people()

    def _people(self, people: list[Person]) -> None:
        fill_people(self.assignee, people, self.task)

    def first_field(self) -> QWidget:
        return self.with_whom

    def details(self) -> dict[str, Any]:
        text = self.with_whom.text().strip()
        return {"with_whom": text} if text else {}

    def before_save(self) -> None:
        person = self.assignee.currentData()
        if isinstance(person, Person) and person.name != self.task.assignee_name:
            self.service.assign(self.task.id, person.id, person.name)


def fill_people(combo: QComboBox, people: list[Person], task: TaskState) -> None:
    combo.clear()
    combo.addItem(
        QCoreApplication.translate("FollowUpDialog", "Nobody in particular")
        if not task.assignee_name
        else "",
        None,
    )
    if task.assignee_name:
        combo.setItemText(0, task.assignee_name)
        combo.setItemData(0, Person(task.assignee_user_id, task.assignee_name))
    for person in people:
        if person.name == task.assignee_name:
            continue
        label = person.name
        if person.role == "peer_support":
            label = fill(
                QCoreApplication.translate("FollowUpDialog", "%1 (peer support team)"), person.name
            )
        combo.addItem(label, person)


def route_label(route: RecoveryRoute) -> str:
    return {
        RecoveryRoute.CRIMINAL_CASE: QCoreApplication.translate(
            "Labels", "Joining the criminal case (voeging)"
        ),
        RecoveryRoute.CIVIL_CLAIM: QCoreApplication.translate("Labels", "Civil claim"),
        RecoveryRoute.INSURER: QCoreApplication.translate("Labels", "Insurer"),
    }[route]


def recovery_label(state: RecoveryStatus) -> str:
    return {
        RecoveryStatus.NOT_STARTED: QCoreApplication.translate("Labels", "Not started"),
        RecoveryStatus.CLAIMED: QCoreApplication.translate("Labels", "Claimed"),
        RecoveryStatus.PARTLY_RECOVERED: QCoreApplication.translate("Labels", "Partly recovered"),
        RecoveryStatus.RECOVERED: QCoreApplication.translate("Labels", "Recovered"),
        RecoveryStatus.NOT_RECOVERABLE: QCoreApplication.translate("Labels", "Not recoverable"),
    }[state]


class DamageDialog(FollowUpDialog):
    can_save_only = True

    def build(self, column: QVBoxLayout) -> None:
        d = self.task.details
        self.amount = _named(QLineEdit(self), "damageAmount", self.tr("Amount of the damage"))
        self.amount.setPlaceholderText(self.tr("in euros, for example 149,95"))
        estimated = d.get("amount_cents")
        if estimated is None:  # start from what the reporter estimated
            estimated = self.service.report_damage_cents(self.task.incident_id)
        self.amount.setText(_euros(estimated))
        self.form.addRow(self.tr("Amount of the damage"), self.amount)
        self.route = _named(QComboBox(self), "damageRoute", self.tr("Recovered through"))
        self.route.addItem(self.tr("Not chosen yet"), None)
        for route in RecoveryRoute:
            self.route.addItem(route_label(route), route.value)
        if d.get("route"):
            self.route.setCurrentIndex(max(0, self.route.findData(d["route"])))
        self.form.addRow(self.tr("Recovered through"), self.route)
        self.state = _named(QComboBox(self), "damageStatus", self.tr("Status"))
        for state in RecoveryStatus:
            self.state.addItem(recovery_label(state), state.value)
        if d.get("status"):
            self.state.setCurrentIndex(max(0, self.state.findData(d["status"])))
        self.form.addRow(self.tr("Status"), self.state)
        self.recovered = _named(QLineEdit(self), "damageRecovered", self.tr("Amount recovered"))
        self.recovered.setText(_euros(d.get("recovered_cents")))
        self.form.addRow(self.tr("Amount recovered"), self.recovered)

    def first_field(self) -> QWidget:
        return self.amount

    def details(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, field in (("amount_cents", self.amount), ("recovered_cents", self.recovered)):
            try:
                cents = parse_euros(field.text())
            except ValueError as exc:
                raise FollowUpError(
                    self.tr("Fill in an amount in euros, for example 150 or 149,95.")
                ) from exc
            if cents is not None and cents < 0:
                raise FollowUpError(self.tr("An amount cannot be negative."))
            if cents is not None:
                result[name] = cents
        if self.route.currentData():
            result["route"] = self.route.currentData()
        result["status"] = self.state.currentData()
        return result


class EvaluationDialog(FollowUpDialog):
    can_save_only = True

    def build(self, column: QVBoxLayout) -> None:
        d = self.task.details
        self.steps: dict[str, QPlainTextEdit] = {}
        for key, label in (
            ("risk", self.tr("1. Risk")),
            ("cause", self.tr("2. Cause")),
            ("trend", self.tr("3. Trend")),
            ("improvement", self.tr("4. Improvement measures")),
        ):
            edit = _named(QPlainTextEdit(self), f"eval_{key}", label)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
            edit.setPlainText(str(d.get(key) or ""))
            self.steps[key] = edit
            self.form.addRow(label, edit)
        box = QGroupBox(self.tr("Measures (tick each when done)"), self)
        box.setObjectName("measuresBox")
        inner = QVBoxLayout(box)
        self.measures = _named(QListWidget(box), "evalMeasures", self.tr("Measures"))
        self.measures.setMaximumHeight(120)
        for measure in d.get("measures") or []:
            self._add_item(measure)
        inner.addWidget(self.measures)
        row = QHBoxLayout()
        self.measure_text = _named(QLineEdit(box), "evalMeasureText", self.tr("New measure"))
        self.measure_text.setPlaceholderText(self.tr("New measure"))
        self.measure_owner = _named(QLineEdit(box), "evalMeasureOwner", self.tr("Owner"))
        self.measure_owner.setPlaceholderText(self.tr("Owner"))
        add = _named(QPushButton(self.tr("Add"), box), "evalMeasureAdd", self.tr("Add measure"))
        add.setAutoDefault(False)
        add.clicked.connect(self.add_measure)
        # Enter in the measure fields adds the measure; it does not tick the evaluation off.
        self.measure_text.installEventFilter(self)
        self.measure_owner.installEventFilter(self)
        row.addWidget(self.measure_text, 3)
        row.addWidget(self.measure_owner, 2)
        row.addWidget(add)
        inner.addLayout(row)
        column.addWidget(box)

    def first_field(self) -> QWidget:
        return self.steps["risk"]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched in (self.measure_text, self.measure_owner)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_measure()
            return True
        return super().eventFilter(watched, event)

    def add_measure(self) -> None:
        text = self.measure_text.text().strip()
        if not text:
            return
        self._add_item(
            {"id": str(uuid7()), "text": text, "owner": self.measure_owner.text().strip()}
        )
        self.measure_text.clear()
        self.measure_owner.clear()
        self.measure_text.setFocus()

    def _add_item(self, measure: dict[str, Any]) -> None:
        owner = measure.get("owner") or ""
        label = f"{measure['text']} — {owner}" if owner else str(measure["text"])
        item = QListWidgetItem(label)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(
            Qt.CheckState.Checked if measure.get("done_at") else Qt.CheckState.Unchecked
        )
        item.setData(Qt.ItemDataRole.UserRole, dict(measure))
        self.measures.addItem(item)

    def details(self) -> dict[str, Any]:
        result: dict[str, Any] = {k: e.toPlainText().strip() for k, e in self.steps.items()}
        measures = []
        now = self.service.now().isoformat()
        for index in range(self.measures.count()):
            item = self.measures.item(index)
            measure = dict(item.data(Qt.ItemDataRole.UserRole))
            if item.checkState() == Qt.CheckState.Checked:
                measure["done_at"] = measure.get("done_at") or now
            else:
                measure["done_at"] = None
            measures.append(measure)
        result["measures"] = measures
        return result


DIALOGS: dict[FollowUpKind, type[FollowUpDialog]] = {
    FollowUpKind.POLICE_REPORT: PoliceReportDialog,
    FollowUpKind.PERPETRATOR_RESPONSE: ResponseDialog,
    FollowUpKind.AFTERCARE_TALK: AftercareDialog,
    FollowUpKind.AFTERCARE_FOLLOW_UP_2W: AftercareDialog,
    FollowUpKind.AFTERCARE_FOLLOW_UP_6W: AftercareDialog,
    FollowUpKind.DAMAGE_RECOVERY: DamageDialog,
    FollowUpKind.EVALUATION: EvaluationDialog,
}


def dialog_for(
    task: TaskState,
    service: FollowUpService,
    parent: QWidget | None = None,
    documents: LetterheadRunner | None = None,
) -> FollowUpDialog:
    """The tick-off dialog for the task's kind of step."""
    return DIALOGS[task.kind](task, service, parent, documents)


class AssignDialog(QDialog):
    """Give a task to a team lead or a member of the peer-support team."""

    def __init__(
        self, task: TaskState, service: FollowUpService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.task = task
        self.service = service
        self.setObjectName("assignDialog")
        self.setWindowTitle(fill(self.tr("Assign: %1"), follow_up_label(task.kind)))
        form = QFormLayout(self)
        self.person = _named(QComboBox(self), "assignPerson", self.tr("Assign to"))
        form.addRow(self.tr("Assign to"), self.person)
        fill_people(self.person, service.people(), task)
        service.people_changed.connect(self._people)
        service.load_people()
        self.error = _named(QLabel(self), "assignError", self.tr("Problem"))
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        _named(buttons.button(QDialogButtonBox.StandardButton.Ok), "assignOk", self.tr("Assign"))
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _people(self, people: list[Person]) -> None:
        fill_people(self.person, people, self.task)

    def _save(self) -> None:
        person = self.person.currentData()
        try:
            if isinstance(person, Person):
                self.service.assign(self.task.id, person.id, person.name)
            else:
                self.service.assign(self.task.id, None, "")
        except FollowUpError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class AlarmCloseDialog(QDialog):
    """Close an alarm that needs follow-up, with the reason no report is made."""

    def __init__(
        self, alarm_id: uuid.UUID, title: str, service: FollowUpService, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.alarm_id = alarm_id
        self.service = service
        self.setObjectName("alarmCloseDialog")
        self.setWindowTitle(self.tr("Close alarm follow-up"))
        self.setMinimumWidth(460)
        column = QVBoxLayout(self)
        label = QLabel(title, self)
        label.setWordWrap(True)
        column.addWidget(label)
        self.reason = _named(QLineEdit(self), "alarmCloseReason", self.tr("Reason"))
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("Why no report is needed, e.g. a test or a mistake"))
        column.addWidget(self.reason)
        self.error = _named(QLabel(self), "alarmCloseError", self.tr("Problem"))
        self.error.setStyleSheet("color: #b00020;")
        column.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        _named(ok, "alarmCloseOk", self.tr("Close"))
        ok.setText(self.tr("Close"))
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.reason.setFocus()

    def _save(self) -> None:
        try:
            self.service.close_alarm(self.alarm_id, self.reason.text())
        except (FollowUpError, LookupError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()


__all__ = [
    "AlarmCloseDialog",
    "AssignDialog",
    "FollowUpDialog",
    "dialog_for",
]
