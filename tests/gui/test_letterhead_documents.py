"""Documents from the screens: "Aangifte voorbereiden" from Mijn meldingen, the detail view
and the police-report task, and "Brief maken…" from the detail view and the response task.
Each makes a real PDF (read back with pypdf) at a path given through the runner's seam
instead of a file dialog; a letter lands on the timeline and ticks the response task."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QPushButton

from tests.support.clock import Clock
from veiligbalie import settings
from veiligbalie.core.followup import task_id_for
from veiligbalie.core.incident import Incident
from veiligbalie.core.letters import LetterKind
from veiligbalie.core.vocabulary import Category, FollowUpKind
from veiligbalie.services.followup import FollowUpService
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.letterhead import LetterheadService
from veiligbalie.services.organisation import OrganisationProfile
from veiligbalie.services.review import ReviewService
from veiligbalie.store.database import Database
from veiligbalie.ui.followup_dialogs import FollowUpDialog, PoliceReportDialog, ResponseDialog
from veiligbalie.ui.incident_detail import IncidentDetailView
from veiligbalie.ui.letterhead import LetterDialog, LetterheadRunner
from veiligbalie.ui.my_reports import MyReportsView
from veiligbalie.ui.worklist import WorklistView

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
#: The employee's own details: known on this workstation's settings, never on a document.
PRIVATE = ("Lindelaan 7", "06 12345678", "sanne.devries@gmail.com")


class Env:
    def __init__(self, tmp_path: Path) -> None:
        settings.ORGANISATION_NAME.set("Gemeente Ĳsselmonde")
        settings.ORGANISATION_ADDRESS.set("Postbus 1234\n3000 AB Rotterdam")
        settings.REPORTER_NAME.set("Sanne de Vries")
        # Where an employee's own details might sit: they must never reach a document.
        settings.STATION_LOCATION.set("Lindelaan 7 (thuiswerkplek), 06 12345678")
        self.tmp = tmp_path
        self.db = Database.open()
        self.clock = Clock(T0)
        self.incidents = IncidentService(self.db)
        self.followup = FollowUpService(
            self.db, self.incidents, now=self.clock, user_name=lambda: "Els Bakker"
        )
        self.profile = OrganisationProfile(folder=tmp_path / "org")
        self.documents = LetterheadService(
            self.incidents,
            self.profile,
            followup=self.followup,
            author=lambda: "Els Bakker",
            language=lambda: "nl",
            clock=self.clock,
        )
        self.opened: list[Path] = []

    def report(self) -> Incident:
        incident = self.incidents.save(
            Incident(
                description="Bezoeker riep 'ik weet waar je woont' en sloeg op de balie.",
                categories=frozenset({Category.THREAT}),
                occurred_at=T0 - timedelta(hours=1),
                created_at=T0 - timedelta(minutes=30),
                location="Publiekshal, balie 2",
                reporter="Sanne de Vries",
                witnesses=("Jan Jansen",),
            )
        )
        self.incidents.add_note(incident.id, "Sanne de Vries", "Camerabeelden opgevraagd.")
        return incident

    def runner(self, runner: LetterheadRunner | None, name: str) -> Path:
        assert runner is not None
        target = self.tmp / name
        runner.choose_path = lambda _parent, _title, _name: target
        runner.open_file = self.opened.append
        return target


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def env(qtbot: Any, tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    yield e
    e.db.close()


def wait_for(qtbot: Any, runner: LetterheadRunner | None) -> None:
    assert runner is not None and runner.job is not None
    with qtbot.waitSignal(runner.finished, timeout=20_000):
        pass


def test_my_reports_prepares_the_police_sheet(qtbot: Any, env: Env) -> None:
    env.report()
    view = MyReportsView(env.incidents, documents=env.documents)
    qtbot.addWidget(view)
    view.resize(1100, 800)
    view.show()
    view.refresh()
    view.table.selectRow(0)
    button = view.findChild(QPushButton, "myReportPoliceSheetButton")
    assert button is not None and button.isVisible()
    target = env.runner(view.documents, "aangifte.pdf")
    with qtbot.waitSignal(view.documents.finished, timeout=20_000):  # type: ignore[union-attr]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    text = pdf_text(target)
    assert "Postbus 1234" in text and "VPT" in text and "ik weet waar je woont" in text
    assert "Camerabeelden opgevraagd" in text
    for private in PRIVATE:
        assert private not in text
    assert env.opened == [target]


def test_detail_view_police_sheet_and_letter(qtbot: Any, env: Env) -> None:
    incident = env.report()
    review = ReviewService(env.incidents, env.db)
    view = IncidentDetailView(review, documents=env.documents)
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.show()
    assert view.show_incident(incident.id)
    sheet_button = view.findChild(QPushButton, "detailPoliceSheetButton")
    assert sheet_button is not None and sheet_button.isVisible()
    target = env.runner(view.documents, "aangifte-detail.pdf")
    with qtbot.waitSignal(view.documents.finished, timeout=20_000):  # type: ignore[union-attr]
        qtbot.mouseClick(sheet_button, Qt.MouseButton.LeftButton)
    assert "Postbus 1234" in pdf_text(target)

    letter_button = view.findChild(QPushButton, "detailLetterButton")
    assert letter_button is not None and letter_button.isVisible()
    qtbot.mouseClick(letter_button, Qt.MouseButton.LeftButton)
    dialog = view.letter_dialog
    assert isinstance(dialog, LetterDialog) and dialog.isVisible()
    kind = dialog.findChild(QComboBox, "letterKind")
    kind.setCurrentIndex(kind.findData(LetterKind.WARNING.value))
    make = dialog.findChild(QPushButton, "letterMakeButton")
    assert not make.isEnabled()  # no addressee yet
    qtbot.keyClicks(dialog.findChild(QLineEdit, "letterRecipient"), "de heer P. de Boer")
    qtbot.keyClicks(
        dialog.findChild(QPlainTextEdit, "letterBehaviour"), "u bedreigde onze medewerker."
    )
    qtbot.keyClicks(dialog.findChild(QLineEdit, "letterHouseRule"), "Wij schelden niet.")
    assert "de heer P. de Boer" in dialog.preview.toPlainText()
    letter = env.runner(view.documents, "brief.pdf")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        qtbot.mouseClick(make, Qt.MouseButton.LeftButton)
    assert "Met deze brief waarschuwen wij u" in pdf_text(letter)
    task = env.followup.task(task_id_for(incident.id, FollowUpKind.PERPETRATOR_RESPONSE))
    assert task is not None and task.done
    assert task.details["measure"] == "warning_letter"
    assert task.details["letter_kind"] == "warning"
    assert task.details["letter_made_by"] == "Els Bakker"
    letters = [
        e
        for e in env.incidents.timeline(incident.id)
        if e.kind == "followup" and e.data.get("details", {}).get("letter_kind")
    ]
    assert [e.data["details"]["letter_kind"] for e in letters] == ["warning"]
    assert letters[0].author == "Els Bakker"
    assert "timeline" in view.feedback.text() or "tijdlijn" in view.feedback.text()
    shown = [view.timeline.item(i).text() for i in range(view.timeline.count())]
    assert any("warning letter" in line or "waarschuwingsbrief" in line for line in shown), shown


def worklist(qtbot: Any, env: Env) -> WorklistView:
    view = WorklistView(env.followup, documents=env.documents)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    return view


def open_task(qtbot: Any, view: WorklistView, incident: Incident, kind: FollowUpKind) -> Any:
    view.set_filter("open")
    assert view.select_task(task_id_for(incident.id, kind))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.last_dialog
    assert isinstance(dialog, FollowUpDialog) and dialog.isVisible()
    return dialog


def test_police_task_prepares_the_sheet(qtbot: Any, env: Env) -> None:
    incident = env.report()
    view = worklist(qtbot, env)
    dialog = open_task(qtbot, view, incident, FollowUpKind.POLICE_REPORT)
    assert isinstance(dialog, PoliceReportDialog)
    target = env.runner(view.documents, "aangifte-taak.pdf")
    with qtbot.waitSignal(view.documents.finished, timeout=20_000):  # type: ignore[union-attr]
        qtbot.mouseClick(dialog.sheet_button, Qt.MouseButton.LeftButton)
    text = pdf_text(target)
    assert "Gemeente" in text and "3000 AB Rotterdam" in text
    assert "Registratienummer aangifte" in text
    assert dialog.isVisible()  # the number is filled in once the police gave it


def test_response_task_makes_a_ban_letter_and_is_ticked(qtbot: Any, env: Env) -> None:
    incident = env.report()
    view = worklist(qtbot, env)
    dialog = open_task(qtbot, view, incident, FollowUpKind.PERPETRATOR_RESPONSE)
    assert isinstance(dialog, ResponseDialog)
    dialog.measure.setCurrentIndex(dialog.measure.findData("access_ban"))
    qtbot.mouseClick(dialog.letter_button, Qt.MouseButton.LeftButton)
    letter = dialog.letter_dialog
    assert isinstance(letter, LetterDialog) and letter.letter_kind() is LetterKind.ACCESS_BAN
    qtbot.keyClicks(letter.recipient, "mevrouw K. Jansen")
    qtbot.keyClicks(letter.behaviour, "u sloeg met de vuist op de balie en schreeuwde.")
    qtbot.keyClicks(letter.house_rule, "Geweld leidt tot een toegangsverbod (art. 4).")
    letter.ban_start.setDate(QDate(2026, 12, 1))
    letter.ban_end.setDate(QDate(2027, 5, 31))
    qtbot.keyClicks(letter.locations, "Stadswinkel Noord en Stadhuis")
    qtbot.keyClicks(letter.channels, "alleen per brief")
    assert letter.make_button.isEnabled(), letter.message.text()
    target = env.runner(view.documents, "verbod.pdf")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        qtbot.mouseClick(letter.make_button, Qt.MouseButton.LeftButton)
    text = pdf_text(target)
    assert "1 december 2026 tot en met 31 mei 2027" in text
    assert "Stadswinkel Noord en Stadhuis" in text and "alleen per brief" in text
    assert "bezwaar" in text and "Postbus 1234" in text
    for private in PRIVATE:
        assert private not in text
    task = env.followup.task(task_id_for(incident.id, FollowUpKind.PERPETRATOR_RESPONSE))
    assert task is not None and task.done and task.details["measure"] == "access_ban"
    assert task.details["letter_kind"] == "access_ban"
    kinds = [k for (k,) in env.db.engine.connect().exec_driver_sql("select kind from outbox")]
    assert "incident.followup" in kinds


def test_a_bad_organisation_template_is_refused_naming_its_field(qtbot: Any, env: Env) -> None:
    incident = env.report()
    folder = env.profile.folder / "letters" / "nl"
    folder.mkdir(parents=True)
    (folder / "warning.txt").write_text("Onderwerp\n\n{org_name}: {gedrag} {behaviour}", "utf-8")
    review = ReviewService(env.incidents, env.db)
    view = IncidentDetailView(review, documents=env.documents)
    qtbot.addWidget(view)
    view.show()
    assert view.show_incident(incident.id)
    dialog = view.ask_letter()
    assert dialog is not None
    qtbot.keyClicks(dialog.recipient, "de heer P. de Boer")
    assert "gedrag" in dialog.message.text() and not dialog.make_button.isEnabled()
    assert dialog.preview.toPlainText() == ""
    assert not env.tmp.joinpath("waarschuwing.pdf").exists()
    assert uuid.UUID(str(incident.id))


def test_a_slow_document_shows_progress_and_the_gui_stays_free(
    qtbot: Any, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    # The service imports the PDF module where the worker builds (not at start).
    from veiligbalie.reports import police_sheet as documents_module

    incident = env.report()
    release = threading.Event()
    real = documents_module.build_police_sheet

    def slow(*args: Any, **kwargs: Any) -> None:
        assert release.wait(20), "the test never released the worker"
        real(*args, **kwargs)

    monkeypatch.setattr(documents_module, "build_police_sheet", slow)
    view = MyReportsView(env.incidents, documents=env.documents)
    qtbot.addWidget(view)
    view.resize(1100, 800)
    view.show()
    view.refresh()
    view.table.selectRow(0)
    runner = view.documents
    assert runner is not None
    asked: list[str] = []
    target = env.tmp / "traag.pdf"

    def choose(_parent: Any, _title: str, name: str) -> Path:
        asked.append(name)
        return target

    runner.choose_path = choose
    runner.open_file = env.opened.append
    view.prepare_police_report()
    assert asked == [f"aangifte-{incident.reference}.pdf"]
    # The worker is still busy: the GUI thread runs on and shows a progress dialog.
    qtbot.waitUntil(lambda: runner.progress is not None and runner.progress.isVisible())
    assert runner.busy() and not target.exists()
    with qtbot.waitSignal(runner.finished, timeout=20_000):
        release.set()
    assert runner.progress is None and target.exists() and env.opened == [target]


def test_a_document_that_cannot_be_saved_is_said_plainly(qtbot: Any, env: Env) -> None:
    incident = env.report()
    view = MyReportsView(env.incidents, documents=env.documents)
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    view.table.selectRow(0)
    runner = view.documents
    assert runner is not None
    runner.choose_path = lambda *_args: env.tmp / "no-such-folder" / "aangifte.pdf"
    runner.open_file = env.opened.append
    with qtbot.waitSignal(runner.failed, timeout=20_000):
        view.prepare_police_report()
    box = runner.failure_box
    assert box is not None and box.isVisible() and "no-such-folder" in box.text()
    assert env.opened == [] and not runner.busy()
    assert env.incidents.get(incident.id) is not None
    box.close()


def test_a_letter_the_timeline_refuses_is_said_and_the_file_kept(
    qtbot: Any, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from veiligbalie.services.followup import FollowUpError

    incident = env.report()

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise FollowUpError("This task is no longer on this workstation.")

    monkeypatch.setattr(env.followup, "complete", refuse)
    view = IncidentDetailView(ReviewService(env.incidents, env.db), documents=env.documents)
    qtbot.addWidget(view)
    view.show()
    assert view.show_incident(incident.id)
    target = env.runner(view.documents, "brief-geweigerd.pdf")
    runner = view.documents
    assert runner is not None
    with qtbot.waitSignal(runner.finished, timeout=20_000):
        runner.letter(
            incident.id,
            LetterKind.WARNING,
            {"recipient": "de heer P. de Boer", "behaviour": "u schold.", "house_rule": "Art. 2."},
        )
    assert target.exists()
    box = runner.failure_box
    assert box is not None and box.isVisible() and "no longer" in box.text()
    box.close()
