"""Making a document from a screen: ask where to save it, make it off the GUI thread
(services.documents), show progress when it takes longer than a blink, open the result in
the system viewer. Also the texts of the overview document (the labels live in the UI).

Tests replace the two seams: :data:`ask_path` (the save dialog) and :data:`open_in_viewer`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QProgressBar, QStatusBar, QWidget

from veiligbalie.core.followup import TaskState
from veiligbalie.core.incident import Incident
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Channel
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.guidance import Card
from veiligbalie.services.documents import Builder, DocumentService
from veiligbalie.services.log import CsvColumns, ExportRow
from veiligbalie.services.overview import Compliance, Overview, PeriodKind
from veiligbalie.services.review import ReportDetail
from veiligbalie.ui.labels import (
    CATEGORY_ORDER,
    category_label,
    channel_label,
    follow_up_label,
    severity_label,
    status_label,
)
from veiligbalie.ui.timeline_text import event_heading, event_line, field_label, field_value

if TYPE_CHECKING:
    from veiligbalie.reports.incident_report import IncidentReportDocument
    from veiligbalie.reports.overview_report import OverviewDocument
    from veiligbalie.reports.poster import PosterDocument

# The report modules import reportlab (~0.2 s): loaded when a document is first made, not
# at start (app.py warms reportlab on a worker thread once the alarm path is live).


def datetime_text(moment: datetime) -> str:
    """reports.layout.datetime_text, imported on first use (reports.layout loads reportlab)."""
    from veiligbalie.reports.layout import datetime_text as text

    return text(moment)


#: How long a document may take before a progress indication shows (ms).
BLINK_MS = 250


def _ask_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    path, _chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


def _open_in_viewer(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


#: Seams: (parent, title, suggested file name, filters) -> chosen path or None; and path -> None.
ask_path: Callable[[QWidget | None, str, str, str], str | None] = _ask_path
open_in_viewer: Callable[[str], None] = _open_in_viewer


class DocumentRunner(QObject):
    """One screen's document making: save dialog, worker, progress, viewer.

    ``progress`` (a small label and busy bar) is shown on ``parent`` after :data:`BLINK_MS`
    while the document is being made."""

    made = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget, service: DocumentService | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self.service = service or DocumentService(parent=self)
        self.service.finished.connect(self._finished)
        self.service.failed.connect(self._failed)
        self.progress = QWidget(parent)
        self.progress.setObjectName("documentProgress")
        self.progress.setAccessibleName(
            QCoreApplication.translate("Documents", "Making the document")
        )
        bar = QStatusBar(self.progress)
        bar.setSizeGripEnabled(False)
        self.progress_label = QLabel(
            QCoreApplication.translate("Documents", "Making the document…"), bar
        )
        busy = QProgressBar(bar)
        busy.setRange(0, 0)
        busy.setMaximumWidth(120)
        bar.addWidget(self.progress_label)
        bar.addWidget(busy)
        bar.adjustSize()
        self.progress.resize(bar.sizeHint())
        self.progress.hide()
        self._show_later = QTimer(self)
        self._show_later.setSingleShot(True)
        self._show_later.setInterval(BLINK_MS)
        self._show_later.timeout.connect(self._show_progress)
        self.last_error = ""

    def start(self, kind: str, builder: Builder, title: str, suggested: str, filters: str) -> bool:
        """Ask where to save, then make the document there; False when the user cancelled."""
        path = ask_path(self._parent, title, suggested, filters)
        if not path:
            return False
        self._show_later.start()
        self.service.make(kind, builder, path)
        return True

    def _show_progress(self) -> None:
        if self.service.busy:
            self.progress.move(8, max(0, self._parent.height() - self.progress.height() - 8))
            self.progress.show()
            self.progress.raise_()

    def _settle(self) -> None:
        if not self.service.busy:
            self._show_later.stop()
            self.progress.hide()

    def _finished(self, path: str) -> None:
        self._settle()
        self.made.emit(path)
        open_in_viewer(path)

    def _failed(self, message: str) -> None:
        self._settle()
        self.last_error = message
        self.failed.emit(message)


# -- The overview's texts --------------------------------------------------------------------


def _qdate(day: object) -> QDate:
    return QDate(day.year, day.month, day.day)  # type: ignore[attr-defined]


def period_name(overview: Overview) -> str:
    period = overview.period
    if period.kind is PeriodKind.YEAR:
        return str(period.start.year)
    if period.kind is PeriodKind.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        return fill(QCoreApplication.translate("Documents", "Q%1 %2"), quarter, period.start.year)
    return str(QLocale().toString(_qdate(period.start), "MMMM yyyy"))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return fill(QCoreApplication.translate("Documents", "%1 s"), round(seconds))
    return fill(
        QCoreApplication.translate("Documents", "%1 min"), QLocale().toString(seconds / 60, "f", 1)
    )


def _compliance_row(item: Compliance) -> list[str]:
    deadline = {
        "aftercare_talk": QCoreApplication.translate("Documents", "within 72 hours"),
        "perpetrator_response": QCoreApplication.translate("Documents", "within 24 hours"),
        "police_report": QCoreApplication.translate("Documents", "within 2 working days"),
    }[item.kind.value]
    share = "–" if item.share is None else f"{round(item.share * 100)}%"
    return [
        f"{follow_up_label(item.kind)} {deadline}",
        str(item.on_time),
        str(item.late),
        str(item.pending),
        share,
    ]


def overview_document(overview: Overview, now: datetime, page: str = "A4") -> OverviewDocument:
    from veiligbalie.reports.overview_report import OverviewDocument

    """The overview in words: labels in the UI language, figures only, never a name."""
    locale = QLocale()
    name = period_name(overview)
    site = overview.site or QCoreApplication.translate("Documents", "every site")
    months_format = "MMMM" if overview.period.kind is PeriodKind.MONTH else "MMM"
    per_month = [(locale.toString(_qdate(m), months_format), n) for m, n in overview.per_month]
    categories = [(category_label(c).split(" (")[0], n) for c, n in overview.per_category if n]
    locations = list(overview.per_location)
    if overview.other_locations:
        locations.append(
            (QCoreApplication.translate("Documents", "Other locations"), overview.other_locations)
        )
    severities = [(severity_label(s), n) for s, n in overview.per_severity]
    answered = overview.alarms_answered
    return OverviewDocument(
        title=QCoreApplication.translate("Documents", "Management overview"),
        subtitle=fill(QCoreApplication.translate("Documents", "%1 · %2"), name, site),
        made=fill(
            QCoreApplication.translate(
                "Documents", "Made on %1 by VeiligBalie. Figures only: no names, no descriptions."
            ),
            datetime_text(now),
        ),
        key_figures=[
            (QCoreApplication.translate("Documents", "Reports"), str(overview.total)),
            (
                QCoreApplication.translate(
                    "Documents", "Alarms raised (this workstation's alarm log, no tests)"
                ),
                str(overview.alarms_raised),
            ),
            (
                QCoreApplication.translate("Documents", "Alarms resolved without a report"),
                str(overview.alarms_without_report),
            ),
        ],
        charts=[
            (QCoreApplication.translate("Documents", "Reports per month"), per_month),
            (QCoreApplication.translate("Documents", "Per category"), categories),
            (QCoreApplication.translate("Documents", "Per location"), locations),
            (QCoreApplication.translate("Documents", "Per severity"), severities),
        ],
        compliance_heading=QCoreApplication.translate("Documents", "Follow-up on time"),
        compliance_columns=[
            QCoreApplication.translate("Documents", "Deadline"),
            QCoreApplication.translate("Documents", "On time"),
            QCoreApplication.translate("Documents", "Late"),
            QCoreApplication.translate("Documents", "Still open"),
            QCoreApplication.translate("Documents", "Share on time"),
        ],
        compliance_rows=[_compliance_row(item) for item in overview.compliance],
        alarms_heading=QCoreApplication.translate("Documents", "Alarms and response times"),
        alarm_rows=[
            (QCoreApplication.translate("Documents", "Alarms raised"), str(overview.alarms_raised)),
            (QCoreApplication.translate("Documents", 'Answered with "I\'m coming"'), str(answered)),
            (
                QCoreApplication.translate("Documents", "Not answered"),
                str(overview.alarms_raised - answered),
            ),
            (
                QCoreApplication.translate("Documents", 'Median time to the first "I\'m coming"'),
                _duration(overview.response_median_s),
            ),
            (
                QCoreApplication.translate("Documents", "90% answered within"),
                _duration(overview.response_p90_s),
            ),
            (
                QCoreApplication.translate("Documents", "Longest time to an answer"),
                _duration(overview.response_max_s),
            ),
            (
                QCoreApplication.translate("Documents", "Alarms resolved without a report"),
                str(overview.alarms_without_report),
            ),
            (
                QCoreApplication.translate("Documents", "Cancelled alarms not followed up"),
                str(overview.alarms_cancelled),
            ),
        ],
        footnotes=[
            QCoreApplication.translate(
                "Documents",
                "On time: the follow-up task was done at or before its due date. Late: done "
                "after it, or still open past it. Still open: not due yet, not counted.",
            ),
        ]
        + (
            [
                QCoreApplication.translate(
                    "Documents",
                    "The alarm figures come from this workstation's alarm log and cover "
                    "every site.",
                )
            ]
            if overview.site
            else []
        ),
        footer=fill(
            QCoreApplication.translate("Documents", "VeiligBalie · management overview · %1"), name
        ),
        page=page,
    )


def suggested_name(stem: str, suffix: str) -> str:
    return str(Path.home() / f"{stem}{suffix}")


# -- The log's CSV export ----------------------------------------------------------------------


def _yes(value: bool) -> str:
    return (
        QCoreApplication.translate("Documents", "yes")
        if value
        else QCoreApplication.translate("Documents", "no")
    )


def csv_columns() -> CsvColumns:
    """Dutch (UI-language) headers and values for the Logboek's export."""
    headers = [
        QCoreApplication.translate("Documents", "Number"),
        QCoreApplication.translate("Documents", "Date and time"),
        QCoreApplication.translate("Documents", "Categories"),
        QCoreApplication.translate("Documents", "Severity"),
        QCoreApplication.translate("Documents", "Location"),
        QCoreApplication.translate("Documents", "Channel"),
        QCoreApplication.translate("Documents", "Status"),
        QCoreApplication.translate("Documents", "Site"),
        QCoreApplication.translate("Documents", "Assigned to"),
        QCoreApplication.translate("Documents", "Description"),
        QCoreApplication.translate("Documents", "Injury"),
        QCoreApplication.translate("Documents", "Damage"),
        QCoreApplication.translate("Documents", "Police called"),
        QCoreApplication.translate("Documents", "Police report intended"),
        QCoreApplication.translate("Documents", "Alarm"),
        QCoreApplication.translate("Documents", "Follow-up open"),
        QCoreApplication.translate("Documents", "Follow-up overdue"),
        QCoreApplication.translate("Documents", "Follow-up done"),
        QCoreApplication.translate("Documents", "Perpetrator"),
        QCoreApplication.translate("Documents", "Client or case number"),
    ]

    def values(row: ExportRow, restricted: bool) -> list[str]:
        try:
            channel = channel_label(Channel(row.channel))
        except ValueError:
            channel = row.channel
        line = [
            row.reference,
            row.occurred_at.astimezone(OFFICE_TZ).strftime("%d-%m-%Y %H:%M"),
            ", ".join(category_label(c) for c in row.categories),
            severity_label(row.severity),
            row.location,
            channel,
            status_label(row.status),
            row.site_name,
            row.assignee_name,
            row.description,
            _yes(row.injury),
            _yes(row.damage),
            _yes(row.police_called),
            _yes(row.police_report_intended),
            _yes(row.has_alarm),
            str(row.followup.open),
            str(row.followup.overdue),
            str(row.followup.done),
        ]
        if restricted:
            line += [row.perpetrator_description, row.perpetrator_reference]
        return line

    return CsvColumns(headers=headers, values=values)


# -- The incident report -------------------------------------------------------------------------


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return fill(QCoreApplication.translate("Documents", "%1 kB"), max(1, round(size / 1024)))
    return fill(
        QCoreApplication.translate("Documents", "%1 MB"),
        QLocale().toString(size / 1024 / 1024, "f", 1),
    )


def _details(details: Mapping[str, Any]) -> str:
    parts = []
    for key, value in details.items():
        if value in (None, "", [], {}):
            continue
        shown = field_value(key, value) if key in ("occurred_at",) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def incident_report_document(
    detail: ReportDetail, tasks: Sequence[TaskState], now: datetime
) -> IncidentReportDocument:
    """The incident report in words: every field with its label, the perpetrator fields only
    when the reader may see them, notes, evidence, timeline and follow-up tasks."""
    from veiligbalie.reports.incident_report import IncidentReportDocument, Section

    incident = detail.incident
    restricted = detail.show_restricted
    names = [
        "occurred_at",
        "location",
        "channel",
        "categories",
        "severity",
    ]
    fields = [(field_label(n), field_value(n, _value(incident, n))) for n in names]
    fields.append((QCoreApplication.translate("Documents", "Reporter"), incident.reporter))
    fields.append((field_label("on_behalf_of"), field_value("on_behalf_of", incident.on_behalf_of)))
    fields.append(
        (QCoreApplication.translate("Documents", "Status"), status_label(incident.status))
    )
    fields.append(
        (
            QCoreApplication.translate("Documents", "Assigned to"),
            detail.assignee_name or QCoreApplication.translate("Documents", "not assigned"),
        )
    )
    names = ["perpetrator_known"]
    if restricted:
        names += ["perpetrator_description", "perpetrator_reference"]
    names += [
        "witnesses",
        "injury",
        "damage",
        "damage_amount_cents",
        "absence",
        "police_called",
        "arrest",
        "police_report_intended",
        "aftercare_wanted",
        "team_lead_only",
    ]
    fields += [(field_label(n), field_value(n, _value(incident, n))) for n in names]
    if not restricted and (incident.perpetrator_description or incident.perpetrator_reference):
        fields.append(
            (
                field_label("perpetrator_description"),
                QCoreApplication.translate("Documents", "recorded (only visible to team leads)"),
            )
        )
    notes = [[event_heading(note), note.text] for note in detail.notes]
    evidence = [
        [
            QCoreApplication.translate("Documents", "File"),
            QCoreApplication.translate("Documents", "Size"),
            QCoreApplication.translate("Documents", "SHA-256 checksum"),
        ]
    ] + [[info.original_name, _size(info.size), info.sha256] for info in detail.attachments]
    timeline = [
        [
            QCoreApplication.translate("Documents", "When and who"),
            QCoreApplication.translate("Documents", "What"),
        ]
    ] + [
        [event_heading(e), event_line(e, restricted=restricted)]
        for e in detail.timeline
        if e.kind != "note"
    ]
    task_rows = [
        [
            QCoreApplication.translate("Documents", "Task"),
            QCoreApplication.translate("Documents", "Due"),
            QCoreApplication.translate("Documents", "Done"),
            QCoreApplication.translate("Documents", "Assigned to"),
            QCoreApplication.translate("Documents", "Details"),
        ]
    ]
    for task in tasks:
        details = "; ".join(p for p in (task.note.strip(), _details(task.details)) if p)
        task_rows.append(
            [
                follow_up_label(task.kind),
                datetime_text(task.due),
                datetime_text(task.done_at)
                if task.done_at
                else QCoreApplication.translate("Documents", "open"),
                task.assignee_name or "–",
                details,
            ]
        )
    reference = incident.reference or QCoreApplication.translate("Documents", "(no number yet)")
    return IncidentReportDocument(
        title=fill(QCoreApplication.translate("Documents", "Incident report %1"), reference),
        subtitle=", ".join(category_label(c) for c in CATEGORY_ORDER if c in incident.categories),
        made=fill(
            QCoreApplication.translate(
                "Documents", "Made on %1 by VeiligBalie. Confidential: for the file."
            ),
            datetime_text(now),
        ),
        fields=fields,
        description_heading=QCoreApplication.translate("Documents", "What happened"),
        description=incident.description,
        sections=[
            Section(
                QCoreApplication.translate("Documents", "Information added"),
                notes,
                (0.3, 0.7),
                empty=QCoreApplication.translate("Documents", "None."),
            ),
            Section(
                QCoreApplication.translate("Documents", "Evidence"),
                evidence,
                (0.34, 0.12, 0.54),
                header=True,
                empty=QCoreApplication.translate("Documents", "No files attached."),
            ),
            Section(
                QCoreApplication.translate("Documents", "Timeline"),
                timeline,
                (0.3, 0.7),
                header=True,
                empty=QCoreApplication.translate("Documents", "Nothing yet."),
            ),
            Section(
                QCoreApplication.translate("Documents", "Follow-up tasks"),
                task_rows,
                (0.26, 0.16, 0.16, 0.16, 0.26),
                header=True,
                empty=QCoreApplication.translate("Documents", "No follow-up tasks."),
            ),
        ],
        footer=fill(
            QCoreApplication.translate(
                "Documents", "VeiligBalie · incident report %1 · confidential"
            ),
            reference,
        ),
    )


def _value(incident: Incident, name: str) -> Any:
    value = getattr(incident, name)
    if name == "categories":
        return [c.value for c in CATEGORY_ORDER if c in value]
    if name == "witnesses":
        return list(value)
    if name == "occurred_at":
        return value
    return value.value if hasattr(value, "value") and not isinstance(value, bool) else value


# -- The house-rules poster ------------------------------------------------------------------

#: The guidance card holding the organisation's house rules.
HOUSE_RULES_CARD = "huisregels"


def poster_document(card: Card, shipped: bool, page: str) -> PosterDocument:
    from veiligbalie.reports.poster import PosterDocument

    """The card as a poster; the shipped card's first paragraph (a note to the
    organisation that it may replace the text) is left off."""
    body = card.body
    if shipped:
        parts = body.strip().split("\n\n", 1)
        if len(parts) == 2 and not parts[0].lstrip().startswith(("**", "-", "1.")):
            body = parts[1]
    return PosterDocument(title=card.title, body=body, footer="", page=page)
