"""The Logboek's CSV export: the rows the view shows (same filter, same order), UTF-8 with a
byte-order mark, semicolons, Dutch headers and dates, restricted fields only for reviewers."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.log_data import pull
from tests.support.pdf import dutch_with_pending
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, IncidentStatus, Role, Severity
from veiligbalie.services.log import LogService
from veiligbalie.store.database import Database
from veiligbalie.ui import documents
from veiligbalie.ui.log_view import LogView

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ME = uuid.UUID("00000000-0000-4000-8000-00000000e151")


def report(description: str, hours_ago: float, **changes: Any) -> Incident:
    values: dict[str, Any] = {
        "description": description,
        "categories": frozenset({Category.VERBAL_AGGRESSION}),
        "occurred_at": NOW - timedelta(hours=hours_ago),
        "location": "Publiekshal, balie 2",
        "reporter": "anna",
    }
    values.update(changes)
    return Incident(**values)


class Person:
    enrolled = True
    logged_in = True
    user_id = ME
    site_shares_log = True

    def __init__(self, role: Role) -> None:
        self.role = role


@pytest.fixture
def db(qapp: Any) -> Iterator[Database]:
    database = Database.open()
    pull(
        database,
        report(
            'Bezoeker schreeuwde; zei "ik kom terug".',
            2,
            severity=Severity.HIGH,
            perpetrator_known=True,
            perpetrator_description="Man met rode jas, ± 40 jaar",
            perpetrator_reference="CL-4711",
        ),
        status=IncidentStatus.IN_PROGRESS,
        site="Stadhuis",
        assignee=(ME, "Els de Vries"),
    )
    pull(
        database,
        report(
            "Beller dreigde de medewerker.",
            30,
            categories=frozenset({Category.THREAT}),
            location="Telefoonteam",
        ),
        site="Stadswinkel Noord",
    )
    pull(
        database,
        report(
            "Collega werd geïntimideerd.",
            5,
            team_lead_only=True,
            categories=frozenset({Category.INTIMIDATION}),
        ),
        site="Stadhuis",
    )
    with dutch_with_pending(qapp):
        yield database
    database.close()


def export(
    qtbot: Any,
    db: Database,
    role: Role,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    narrow: bool = False,
) -> list[list[str]]:
    service = LogService(db, clock=lambda: NOW)
    service.session = Person(role)  # type: ignore[assignment]
    view = LogView(service)
    qtbot.addWidget(view)
    if narrow:
        view.site.setCurrentIndex(view.site.findData("Stadhuis"))
    target = tmp_path / f"log-{role.value}.csv"
    opened: list[str] = []
    monkeypatch.setattr(documents, "ask_path", lambda *_args: str(target))
    monkeypatch.setattr(documents, "open_in_viewer", opened.append)
    with qtbot.waitSignal(view.documents.made, timeout=10000):
        view.findChild(type(view.export_button), "logExportCsv").click()
    assert opened == [str(target)]
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_a_team_lead_exports_the_filtered_rows_with_the_restricted_fields(
    qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = export(qtbot, db, Role.TEAM_LEAD, tmp_path, monkeypatch, narrow=True)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Nummer", "Datum en tijd", "Categorieën"]
    assert header[-2:] == ["Dader", "Klant- of zaaknummer"]
    assert len(body) == 2  # Stadhuis only, newest first, the team-lead-only one included
    assert body[0][9] == 'Bezoeker schreeuwde; zei "ik kom terug".'
    assert body[0][-2:] == ["Man met rode jas, ± 40 jaar", "CL-4711"]
    local = (NOW - timedelta(hours=2)).astimezone(documents.OFFICE_TZ)
    assert body[0][1] == local.strftime("%d-%m-%Y %H:%M")
    assert "Collega werd geïntimideerd." in body[1]


def test_an_employee_reading_the_shared_log_gets_no_restricted_data(
    qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = export(qtbot, db, Role.EMPLOYEE, tmp_path, monkeypatch)
    header, body = rows[0], rows[1:]
    assert "Dader" not in header and len(header) == 18
    assert len(body) == 2  # never the team-lead-only report
    text = "\n".join(";".join(r) for r in rows)
    assert "CL-4711" not in text and "rode jas" not in text and "geïntimideerd" not in text


def test_the_export_keeps_the_views_order(
    qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import Qt

    from veiligbalie.ui.log_view import LogModel, SortKey

    service = LogService(db, clock=lambda: NOW)
    service.session = Person(Role.TEAM_LEAD)  # type: ignore[assignment]
    view = LogView(service)
    qtbot.addWidget(view)
    view.table.sortByColumn(LogModel.COLUMNS.index(SortKey.LOCATION), Qt.SortOrder.DescendingOrder)
    shown = [view.model.row(r).reference for r in range(view.model.rowCount())]
    target = tmp_path / "gesorteerd.csv"
    monkeypatch.setattr(documents, "ask_path", lambda *_args: str(target))
    monkeypatch.setattr(documents, "open_in_viewer", lambda _path: None)
    with qtbot.waitSignal(view.documents.made, timeout=10000):
        view.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        exported = [row[0] for row in list(csv.reader(handle, delimiter=";"))[1:]]
    assert exported == shown and len(shown) == 3
    assert view.model.row(0).location == "Telefoonteam"
