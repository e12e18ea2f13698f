"""LetterheadService: the police-report sheet and the letters to the perpetrator for one report.

What a document shows is gathered on the GUI thread (it reads the local store); the PDF is
laid out on a worker (services.background) and the result comes back through its task.
Making a letter records it on the report's timeline as a follow-up step of the
perpetrator-response task (which letter, when, by whom; the task ticked with the matching
measure), through the same ``incident.followup`` change the worklist uses, so it syncs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QObject, QThreadPool, Signal

from veiligbalie import settings
from veiligbalie.core.letters import LetterKind, TemplateError
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import FollowUpKind
from veiligbalie.protocol import sync as p
from veiligbalie.services import background
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.organisation import OrganisationProfile

if TYPE_CHECKING:
    from veiligbalie.reports.police_sheet import PoliceSheet

# reports.letters and reports.police_sheet (reportlab, ~0.2 s to import) are imported where a
# document is made: the first alarm after start does not wait on them.

__all__ = [
    "LetterheadService",
    "LetterMade",
    "TemplateError",
    "default_file_name",
]

log = logging.getLogger(__name__)

LETTER_FILE = {
    "warning": "waarschuwing",
    "invitation": "uitnodiging",
    "access_ban": "toegangsverbod",
}


def default_file_name(kind: str, reference: str) -> str:
    """``aangifte-VB-2026-000012.pdf``, ``toegangsverbod-VB-2026-000012.pdf``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in reference) or "melding"
    prefix = "aangifte" if kind == "police_sheet" else LETTER_FILE.get(kind, kind)
    return f"{prefix}-{safe}.pdf"


def _ui_language() -> str:
    """The interface language: documents follow it ("system": the system's language)."""
    chosen = str(settings.LANGUAGE.get() or "nl")
    return QLocale.system().name() if chosen == "system" else chosen


@dataclass(frozen=True)
class LetterMade:
    incident_id: uuid.UUID
    kind: LetterKind
    made_at: datetime
    made_by: str
    task_ticked: bool


class LetterheadService(QObject):
    """Makes the documents of one report; the UI chooses where they go and opens them."""

    letter_recorded = Signal(object)  # LetterMade
    #: The letter was made but the timeline refused it (the message says why).
    letter_not_recorded = Signal(str)

    def __init__(
        self,
        incidents: IncidentService,
        profile: OrganisationProfile,
        followup: Any = None,
        author: Callable[[], str] | None = None,
        language: Callable[[], str] | None = None,
        clock: Callable[[], datetime] | None = None,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or incidents)
        self.incidents = incidents
        self.profile = profile
        self._followup = followup
        self._author = author or incidents.reporter_name
        self._language = language or _ui_language
        self._clock = clock or (lambda: datetime.now(UTC))
        self._pool = pool

    def language(self) -> str:
        return self._language()

    def reference(self, incident_id: uuid.UUID) -> str:
        info = self.incidents.reference_info(incident_id)
        return info.reference if info is not None and info.reference else str(incident_id)[:8]

    # -- What the documents show (GUI thread: reads the store) ---------------------------
    def police_sheet(self, incident_id: uuid.UUID) -> PoliceSheet:
        from veiligbalie.reports.police_sheet import EvidenceItem, PoliceSheet

        incident = self.incidents.get(incident_id)
        if incident is None:
            raise LookupError(f"report {incident_id} is not on this workstation")
        notes = [
            (event.created_at, event.text)
            for event in self.incidents.timeline(incident_id)
            if event.kind == TimelineKind.NOTE.value and event.text.strip()
        ]
        evidence = [
            EvidenceItem(a.original_name, a.sha256, a.size)
            for a in self.incidents.attachments(incident_id)
        ]
        return PoliceSheet(
            incident=incident,
            letterhead=self.profile.letterhead(),
            reference=self.reference(incident_id),
            evidence=evidence,
            notes=notes,
            made_at=self._clock(),
        )

    def letter_values(
        self, incident_id: uuid.UUID, fields: Mapping[str, str], language: str | None = None
    ) -> dict[str, str]:
        incident = self.incidents.get(incident_id)
        if incident is None:
            raise LookupError(f"report {incident_id} is not on this workstation")
        from veiligbalie.reports.letters import standard_values

        values = standard_values(
            self.profile.letterhead(),
            self.reference(incident_id),
            incident.occurred_at,
            self._clock(),
            language or self.language(),
        )
        values.update({k: v.strip() for k, v in fields.items()})
        return values

    def preview(self, incident_id: uuid.UUID, kind: LetterKind, fields: Mapping[str, str]) -> str:
        """The letter's text as it will be printed; raises TemplateError naming a field."""
        from veiligbalie.reports.letters import letter_text

        language = self.language()
        template = self.profile.template(kind, language)
        return letter_text(kind, template, self.letter_values(incident_id, fields, language))

    # -- Making them (worker thread) ------------------------------------------------------
    def make_police_sheet(self, incident_id: uuid.UUID, target: Path) -> background.Task:
        """Lay the sheet out at ``target`` on a worker; the task answers the path."""
        sheet = self.police_sheet(incident_id)
        language = self.language()

        # Imported here, on the GUI thread (reportlab is usually warm by now): a worker
        # never imports the project's modules beside the GUI thread's imports.
        from veiligbalie.reports.police_sheet import build_police_sheet

        def build(out: Path, progress: background.Progress) -> None:
            build_police_sheet(sheet, language, out, progress)

        return background.make_file(f"police-report sheet {target}", build, target, self._pool)

    def make_letter(
        self,
        incident_id: uuid.UUID,
        kind: LetterKind,
        fields: Mapping[str, str],
        target: Path,
        recipient_address: str = "",
    ) -> background.Task:
        """Check the letter (TemplateError names a bad field, before any thread starts),
        make it, and record it on the timeline once the file is written."""
        from veiligbalie.reports.letters import letter_text

        language = self.language()
        template = self.profile.template(kind, language)
        values = self.letter_values(incident_id, fields, language)
        letter_text(kind, template, values)  # refuse now, on this thread, with the field
        head = self.profile.letterhead()

        # Imported here, on the GUI thread (reportlab is usually warm by now): a worker
        # never imports the project's modules beside the GUI thread's imports.
        from veiligbalie.reports.letters import build_letter

        def build(out: Path, progress: background.Progress) -> None:
            build_letter(kind, template, values, head, language, out, recipient_address, progress)

        task = background.make_file(f"letter {kind.value} {target}", build, target, self._pool)
        task.finished.connect(lambda _path: self._record_safely(incident_id, kind))
        return task

    # -- The timeline ----------------------------------------------------------------------
    def _record_safely(self, incident_id: uuid.UUID, kind: LetterKind) -> None:
        """The file is made: record it; a step the store refuses is said, not lost in Qt."""
        try:
            self.record_letter(incident_id, kind)
        except (ValueError, LookupError) as exc:  # FollowUpError is a ValueError too
            log.error("letter %s for %s not recorded: %s", kind, incident_id, exc)
            self.letter_not_recorded.emit(str(exc))

    def record_letter(self, incident_id: uuid.UUID, kind: LetterKind) -> LetterMade:
        """Which letter, when, by whom, on the perpetrator-response task (ticked with the
        matching measure when still open; else the details are added to it)."""
        now = self._clock()
        who = self._author()
        details = {
            "measure": kind.measure.value,
            "letter_kind": kind.value,
            "letter_made_at": now,
            "letter_made_by": who,
        }
        ticked = False
        followup = self._followup
        task = None
        if followup is not None:
            task = next(
                (
                    t
                    for t in followup.tasks_of(incident_id)
                    if t.kind is FollowUpKind.PERPETRATOR_RESPONSE
                ),
                None,
            )
        if task is not None and not task.done:
            followup.complete(task.id, now, "", details)
            ticked = True
        elif task is not None:
            followup.update(task.id, "", details)
        else:
            # No task here (no follow-up service): the report's response task by kind.
            self.incidents.record_followup(
                incident_id,
                p.INCIDENT_FOLLOWUP,
                {
                    "kind": FollowUpKind.PERPETRATOR_RESPONSE.value,
                    "action": "done",
                    "done_at": now,
                    "details": details,
                },
                who,
                at=now,
            )
            ticked = True
        made = LetterMade(incident_id, kind, now, who, ticked)
        self.letter_recorded.emit(made)
        return made
