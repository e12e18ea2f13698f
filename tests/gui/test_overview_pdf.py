"""The management overview PDF: counts from the real store, charts, alarm response times and
no personal data at all (every name and description seeded here is looked for)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.log_data import fill, pull
from tests.support.pdf import dutch_with_pending, pdf_text, render_png
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType, Category, IncidentStatus
from veiligbalie.reports.overview_report import build_overview
from veiligbalie.services.overview import OverviewService, Period, PeriodKind
from veiligbalie.store.alarms import AlarmRepository
from veiligbalie.store.database import Database
from veiligbalie.ui.documents import overview_document

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
NAMES = ("Wilhelmina Zonneveld", "Hendrikje Quist", "Gerrit Stoffelsma", "Pietronella Bakker")
SECRET = "Bezoeker Gerrit Stoffelsma gooide koffie over de balie van Wilhelmina."


@pytest.fixture
def nl(qapp: Any) -> Iterator[None]:
    with dutch_with_pending(qapp):
        yield


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database.open()
    fill(database, 400, NOW, span_days=330)
    pull(
        database,
        Incident(
            description=SECRET,
            categories=frozenset({Category.THREAT}),
            occurred_at=NOW - timedelta(days=1),
            location="Spreekkamer 2",
            reporter=NAMES[0],
            perpetrator_known=True,
            perpetrator_description=NAMES[2],
            perpetrator_reference="CL-99881",
            witnesses=(NAMES[3],),
        ),
        status=IncidentStatus.IN_PROGRESS,
        site="Stadhuis",
        assignee=(uuid.uuid4(), NAMES[1]),
        notes=[f"{NAMES[3]} zag het gebeuren."],
    )
    alarms = AlarmRepository(database)
    for minutes, answer in ((5, 40.0), (60, 95.0), (600, None)):
        alarm = uuid.uuid4()
        raised = NOW - timedelta(days=2, minutes=minutes)
        alarms.record_alarm(
            alarm,
            AlarmKind.SILENT,
            AlarmType.AGGRESSION,
            "Balie 3",
            "Publiekshal",
            raised,
            AlarmState.RESOLVED,
            False,
        )
        if answer is not None:
            alarms.add_event(
                alarm, "acknowledged", NAMES[1], "server", raised + timedelta(seconds=answer)
            )
    yield database
    database.close()


def make(db: Database, tmp_path: Path, kind: PeriodKind, site: str | None = None) -> Any:
    service = OverviewService(db, clock=lambda: NOW)
    overview = service.overview(Period.containing(kind, date(2026, 12, 1)), site)
    path = tmp_path / f"overview-{kind.value}.pdf"
    build_overview(path, overview_document(overview, NOW))
    return overview, path


def test_the_year_overview_holds_the_counts_and_no_names(
    nl: None, db: Database, tmp_path: Path
) -> None:
    overview, path = make(db, tmp_path, PeriodKind.YEAR)
    text = pdf_text(path)
    assert overview.total > 300
    assert "Managementoverzicht" in text
    assert str(overview.total) in text
    assert "pagina 1 van" in text
    for name in (*NAMES, "Els de Vries", "Bram Jansen", "medewerker", "CL-99881"):
        assert name not in text
    assert "koffie" not in text and "Stoffelsma" not in text
    # alarm response: three raised, two answered (40 s and 95 s), one never
    assert overview.alarms_raised == 3 and overview.alarms_answered == 2
    assert overview.response_max_s == 95.0
    assert "1,6 min" in text  # the longest answer, in Dutch number format
    pngs = render_png(path, tmp_path / "overview")
    assert pngs and pngs[0].stat().st_size > 5000


def test_a_month_for_one_site(nl: None, db: Database, tmp_path: Path) -> None:
    overview, path = make(db, tmp_path, PeriodKind.MONTH, "Stadhuis")
    text = pdf_text(path)
    assert "december 2026" in text and "Stadhuis" in text
    assert overview.total >= 1
    assert all(name not in text for name in NAMES)


def test_the_overview_button_makes_the_pdf_off_the_gui_thread(
    qtbot: Any, nl: None, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QPushButton

    from veiligbalie.ui import documents
    from veiligbalie.ui.overview import OverviewView

    target = tmp_path / "overzicht.pdf"
    opened: list[str] = []
    asked: list[str] = []

    def ask(_parent: object, title: str, suggested: str, _filters: str) -> str:
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(documents, "ask_path", ask)
    monkeypatch.setattr(documents, "open_in_viewer", opened.append)
    view = OverviewView(OverviewService(db, clock=lambda: NOW))
    qtbot.addWidget(view)
    view.show()
    view.choose(PeriodKind.YEAR, date(2026, 6, 1))
    with qtbot.waitSignal(view.documents.made, timeout=15000):
        view.findChild(QPushButton, "overviewMakePdf").click()
    assert opened == [str(target)]
    assert asked[0].endswith("managementoverzicht 2026.pdf")
    text = pdf_text(target)
    assert "Managementoverzicht" in text and str(view.current.total) in text
    assert all(name not in text for name in NAMES)


def test_a_builder_that_fails_leaves_no_file_and_says_why(qtbot: Any, tmp_path: Path) -> None:
    from veiligbalie.services.documents import DocumentService

    service = DocumentService()
    target = tmp_path / "kapot.pdf"

    def broken(path: Path) -> None:
        path.write_bytes(b"%PDF half")
        raise OSError("schijf vol")

    with qtbot.waitSignal(service.failed, timeout=5000) as failed:
        service.make("overview", broken, target)
    assert failed.args == ["schijf vol"]
    assert not target.exists() and not list(tmp_path.glob("*.part"))
    assert not service.busy
