"""The incident report for the file, made from the detail view's "Rapport (PDF)" button:
the whole registration, notes, evidence with checksums, the timeline with author and time
(status with the conclusion, assignment, message) and the follow-up tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from tests.gui.test_incident_detail import _report
from tests.support.pdf import dutch_with_pending, pdf_text, render_png
from tests.support.pulled import pull_report
from veiligbalie import settings
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.review import ReviewService
from veiligbalie.store.database import Database
from veiligbalie.ui import documents
from veiligbalie.ui.incident_detail import IncidentDetailView

CONCLUSION = "Waarschuwingsbrief verstuurd; aangifte gedaan. Geen € schade."


@pytest.fixture
def env(qtbot: Any, qapp: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    settings.REPORTER_NAME.set("Els Jansen")
    db = Database.open()
    service = IncidentService(db)
    review = ReviewService(service, db)
    opened: list[str] = []
    target = tmp_path / "rapport.pdf"
    monkeypatch.setattr(documents, "ask_path", lambda *_args: str(target))
    monkeypatch.setattr(documents, "open_in_viewer", opened.append)
    with dutch_with_pending(qapp):
        view = IncidentDetailView(review)
        qtbot.addWidget(view)
        view.show()
        yield db, service, review, view, target, opened
        view.close()
        service.deleteLater()
        db.close()


def make(qtbot: Any, view: IncidentDetailView) -> None:
    with qtbot.waitSignal(view.report_documents.made, timeout=15000):
        view.findChild(QPushButton, "detailReportPdf").click()


def test_the_report_holds_registration_evidence_timeline_and_conclusion(
    qtbot: Any, env: Any, tmp_path: Path
) -> None:
    db, service, review, view, target, opened = env
    evidence = tmp_path / "foto-balie.jpg"
    evidence.write_bytes(b"\xff\xd8\xff" + b"0" * 2048)
    info = service.import_attachment(evidence)
    saved = service.save(_report(), [info])
    service.add_note(saved.id, "Sanne de Vries", "Hij kwam later terug en keek door het raam.")
    assert view.show_incident(saved.id)
    review.assign(saved.id, None, "Els Jansen")
    review.set_status(saved.id, IncidentStatus.IN_PROGRESS)
    review.message(saved.id, "Ik bel je morgen voor een nazorggesprek.")
    review.close(saved.id, CONCLUSION)
    view.reload()

    make(qtbot, view)
    assert opened == [str(target)]
    text = pdf_text(target)
    assert f"Incidentrapport {saved.reference}" in text
    assert "uitkering niet direct" in text and "Publiekshal, balie 3" in text
    assert "Klantnummer 448812" in text  # the local reviewer may read the restricted fields
    assert "Piet Bakker" in text and "door het raam" in text
    assert info.sha256 in text.replace(" ", "").replace("\n", "")
    assert "Toegewezen aan Els Jansen" in text
    assert "nazorggesprek" in text
    assert "Waarschuwingsbrief verstuurd" in text and "€" in text
    assert "Els Jansen" in text
    assert "Nazorggesprek" in text  # a follow-up task with its due date
    assert "pagina 1 van" in text
    pngs = render_png(target, tmp_path / "rapport")
    assert pngs


def test_a_colleague_reading_the_shared_log_gets_no_perpetrator_data(qtbot: Any, env: Any) -> None:
    db, service, review, view, target, opened = env
    settings.SERVER_URL.set("https://veiligbalie.gemeente.example")
    settings.REPORTER_NAME.set("Karin Smit")
    incident = _report(status=IncidentStatus.SENT, reference="VB-2026-000042")
    pull_report(db, incident)
    assert view.show_incident(incident.id)
    make(qtbot, view)
    text = pdf_text(target)
    assert "VB-2026-000042" in text and "uitkering" in text
    assert "Klantnummer 448812" not in text and "grijze jas" not in text


def test_a_note_longer_than_a_page_flows_onto_the_next(qtbot: Any, env: Any) -> None:
    """The longest note the timeline takes, in short lines: its row splits over pages
    (it used to fail the whole report with reportlab's LayoutError)."""
    from veiligbalie.core.limits import TEXT_MAX

    db, service, review, view, target, opened = env
    lines = [f"Regel {n}: hij stond weer bij de ingang te roepen." for n in range(1, 200)]
    note = "\n".join(lines)[:TEXT_MAX].rsplit("\n", 1)[0]
    saved = service.save(_report())
    service.add_note(saved.id, "Sanne de Vries", note)
    assert view.show_incident(saved.id)
    make(qtbot, view)
    assert opened == [str(target)]
    text = pdf_text(target)
    assert "Regel 1: hij stond" in text and note.splitlines()[-1] in text
