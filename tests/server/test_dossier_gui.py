"""The dossier in the client against a real server process: the detail view's "Betrokkene"
section links a report to a known person found by client number, lists the person's other
reports and opens one; the signalering dialog offers activation only when complete and the
server makes it active; the counter hears only the measure (in Mijn meldingen and under the
form's client number), never the name; the offline copy is forgotten with the pulled
reports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from tests.server.conftest import Live, change
from tests.support.pulled import pull_report
from veiligbalie import settings
from veiligbalie.app import install_translations
from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category, Role, Severity
from veiligbalie.net.api import ServerApi
from veiligbalie.server import schema as t
from veiligbalie.services.dossier import DossierService
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.review import ReviewService
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.ui.dossier import MeasureLookup
from veiligbalie.ui.incident_detail import IncidentDetailView
from veiligbalie.ui.incident_form.form import IncidentForm
from veiligbalie.ui.my_reports import MyReportsView

API = "/api/v1"
NAME = "Piet Pietersen"
CLIENT = "K-4711"
COUNTER = "alleen op afspraak, met twee collega's"


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    translators = install_translations(qapp, "nl")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def _report(days_ago: int, categories: set[Category], **more: Any) -> Incident:
    return Incident(
        description="Bezoeker schreeuwde en sloeg met de vuist op de balie.",
        categories=frozenset(categories),
        occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
        location="Publiekshal, balie 3",
        reporter="Sanne de Vries",
        severity=Severity.HIGH,
        perpetrator_known=True,
        perpetrator_description="Man, ca. 40 jaar, grijze jas",
        perpetrator_reference=CLIENT,
        **more,
    )


def _api(live: Live, who: str) -> ServerApi:
    api = ServerApi()
    api.configure(live.url)
    api.set_token(live.world.tokens[who])
    return api


def _texts(widget: Any) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_betrokkene_signalering_and_counter(qtbot: Any, live: Live, dutch: None) -> None:
    w = live.world
    settings.REPORTER_NAME.set("Els Jansen")
    reports = [
        _report(40, {Category.VERBAL_AGGRESSION}),
        _report(12, {Category.THREAT}),
        _report(0, {Category.VERBAL_AGGRESSION, Category.INTIMIDATION}),
    ]
    changes = [change(n + 1, payload=incident_to_dict(r)) for n, r in enumerate(reports)]
    with httpx.Client(base_url=live.url, timeout=30) as http:
        pushed = http.post(
            f"{API}/sync/push",
            json={"device_id": str(w.device), "changes": changes},
            headers=w.h("ws"),
        ).json()
        assert pushed["accepted"] == [1, 2, 3]
        numbers = {
            r.id: http.get(f"{API}/incidents/{r.id}", headers=w.h("lead")).json()["incident"][
                "reference"
            ]
            for r in reports
        }
        # The person was known already from the two earlier reports.
        made = http.post(
            f"{API}/persons",
            json={
                "display_name": NAME,
                "description": "Lange man, grijze jas",
                "identifiers": {"klantnummer": CLIENT},
                "incident_id": str(reports[0].id),
            },
            headers=w.h("lead"),
        ).json()
        http.put(f"{API}/persons/{made['id']}/links/{reports[1].id}", headers=w.h("lead"))

    db = Database.open()
    incidents = IncidentService(db)
    for r in reports:
        pull_report(db, Incident(**{**r.__dict__, "reference": numbers[r.id]}))
    lead_api, emp_api = _api(live, "lead"), _api(live, "emp")
    dossier = DossierService(db, api=lambda: lead_api, role=lambda: Role.TEAM_LEAD)
    view = IncidentDetailView(ReviewService(incidents, db), dossier=dossier)
    qtbot.addWidget(view)
    view.resize(1280, 1000)
    view.show()
    assert view.show_incident(reports[2].id)
    section = view.dossier
    assert section is not None and section.isVisible()
    status = section.findChild(QLabel, "dossierStatus")
    qtbot.waitUntil(lambda: "niet gekoppeld" in status.text(), timeout=15_000)

    # Link: the report's client number is in the search field already.
    search = section.findChild(QLineEdit, "dossierSearch")
    assert search.text() == CLIENT
    section.search_button.click()
    qtbot.waitUntil(lambda: section.results.count() == 1 and NAME in _texts(section.results)[0])
    section.link_button.click()
    qtbot.waitUntil(lambda: NAME in section.person.text(), timeout=15_000)
    others = _texts(section.others)
    assert len(others) == 2
    assert numbers[reports[1].id] in others[0] and "Bedreiging" in others[0]
    assert numbers[reports[0].id] in others[1]
    assert numbers[reports[2].id] not in " ".join(others)
    opened: list[uuid.UUID] = []
    view.openRequested.connect(opened.append)
    section.others.itemActivated.emit(section.others.item(1))
    assert opened == [reports[0].id]

    # Propose a signalering: activation only once complete.
    section.propose_button.click()
    dialog = section.dialog
    assert dialog is not None
    dialog.counter_text.setText(COUNTER)
    assert not dialog.activate_button.isEnabled()
    missing = dialog.missing.text()
    for words in ("de reden", "begin van de periode", "wie besloot", "hoe de persoon"):
        assert words in missing, missing
    dialog.reason.setPlainText("Drie keer verbaal agressief in twee maanden")
    today = QDate.currentDate()
    dialog.start.setDate(today)
    dialog.end.setDate(today.addMonths(6))
    dialog.decided_by.setText("M. de Boer, afdelingshoofd")
    dialog.decided_on.setDate(today)
    assert not dialog.activate_button.isEnabled()
    assert "geïnformeerd" in dialog.missing.text()
    dialog.informed_on.setDate(today)
    dialog.informed_how.setCurrentIndex(dialog.informed_how.findData("letter"))
    assert dialog.activate_button.isEnabled()
    assert dialog.missing.text().startswith("Compleet")
    dialog.activate_button.click()
    qtbot.waitUntil(
        lambda: any("actief" in t for t in _texts(section.signaleringen)), timeout=15_000
    )

    # A second person, made from the report's perpetrator fields (client number kept).
    section.new_name.setText("Begeleider van Piet")
    section.create_button.click()
    qtbot.waitUntil(lambda: "Begeleider van Piet" in section.person.text(), timeout=15_000)
    assert "Begeleider van Piet (klantnummer: K-4711) — Man, ca. 40 jaar" in section.person.text()
    assert len(section.persons()) == 2

    # The counter: only the measure, never the name or history.
    employee = DossierService(db, api=lambda: emp_api, role=lambda: Role.EMPLOYEE)
    assert not employee.reviewer()
    lookup = MeasureLookup(employee)
    qtbot.addWidget(lookup)
    lookup.show()
    lookup.field.setText("k 4711")
    lookup.button.click()
    qtbot.waitUntil(lambda: lookup.notice.isVisible(), timeout=15_000)
    assert lookup.notice.text() == f"Let op: {COUNTER}"
    shown = " ".join(label.text() for label in lookup.findChildren(QLabel))
    assert NAME not in shown and "Drie keer" not in shown and "Begeleider" not in shown
    lookup.field.setText("K-9999")
    lookup.button.click()
    none = lookup.findChild(QLabel, "measureNone")
    qtbot.waitUntil(lambda: none.isVisible(), timeout=15_000)
    assert not lookup.notice.isVisible()

    # Under the form's client number, as it is typed; and in Mijn meldingen.
    form = IncidentForm(incidents)
    qtbot.addWidget(form)
    form.attach_measures(employee)
    form.start_new()
    field = form.findChild(QLineEdit, "perpetratorReference")
    field.setText(CLIENT)
    notice = form.measure_notice
    assert notice is not None
    qtbot.waitUntil(lambda: notice.text() == f"Let op: {COUNTER}", timeout=15_000)
    mine = MyReportsView(incidents)
    qtbot.addWidget(mine)
    mine.attach_measures(employee)
    mine.show()
    assert mine.measure_lookup is not None and mine.measure_lookup.isVisible()
    assert mine.findChild(QLineEdit, "measureLookupField") is not None

    # An employee's detail never shows the section.
    colleague = IncidentDetailView(ReviewService(incidents, db), dossier=employee)
    qtbot.addWidget(colleague)
    colleague.show_incident(reports[2].id)
    assert colleague.dossier is not None and not colleague.dossier.isVisible()

    # Screenshot: the detail with its Betrokkene section beside the counter's notice.
    shot = QWidget()
    qtbot.addWidget(shot)
    row = QHBoxLayout(shot)
    view.setParent(shot)
    row.addWidget(view, 3)
    lookup.field.setText(CLIENT)
    lookup.button.click()
    qtbot.waitUntil(lambda: lookup.notice.isVisible(), timeout=15_000)
    lookup.setParent(shot)
    row.addWidget(lookup, 1, Qt.AlignmentFlag.AlignTop)
    shot.resize(1600, 1000)
    shot.show()
    qtbot.waitExposed(shot)
    assert shot.grab().save("/tmp/shot-dossier.png")
    for part in (view, lookup):  # back to their own windows (qtbot closes each once)
        row.removeWidget(part)
        part.setParent(None)

    # Offline: this station's copy; gone with the pulled reports when the identity changes.
    offline = DossierService(db, api=lambda: None, role=lambda: Role.TEAM_LEAD)
    got: list[Any] = []
    offline.people_of(reports[2].id, lambda people, error: got.append((people, error)))
    people, error = got[0]
    assert error is None and people.cached_at is not None
    assert {p.display_name for p in people.persons} == {NAME, "Begeleider van Piet"}
    earlier = offline.earlier_reports(reports[2].id)
    assert [e.incident_id for e in earlier] == [reports[1].id, reports[0].id]
    assert IncidentRepository(db).forget_pulled() == 3
    assert offline.cached(reports[2].id) is None
    assert offline.earlier_reports(reports[2].id) == []
    db.close()


def test_dialog_explains_missing_items(qtbot: Any, dutch: None) -> None:
    from veiligbalie.ui.dossier import SignaleringDialog

    dialog = SignaleringDialog()
    qtbot.addWidget(dialog)
    assert not dialog.activate_button.isEnabled()
    assert "de tekst voor de balie" in dialog.missing.text()
    dialog.measure.setCurrentIndex(dialog.measure.findData("other"))
    assert "welke andere maatregel" in dialog.missing.text()
    today = date.today()
    dialog.start.setDate(QDate(today.year, today.month, today.day))
    dialog.end.setDate(QDate(today.year, today.month, today.day).addDays(-3))
    assert "einddatum na de begindatum" in dialog.missing.text()


def test_a_reviewer_corrects_a_person_and_undoes_a_wrong_link(
    qtbot: Any, live: Live, dutch: None
) -> None:
    """A person recorded with a misspelt name and a wrong client number is corrected from
    the report's Betrokkene section (only what changed is sent; the server's log names it);
    a half-filled identifier or an empty name is refused in the dialog and nothing is sent;
    a report linked to the wrong person is unlinked and says so."""
    w = live.world
    report = _report(2, {Category.THREAT})
    with httpx.Client(base_url=live.url, timeout=30) as http:
        pushed = http.post(
            f"{API}/sync/push",
            json={
                "device_id": str(w.device),
                "changes": [change(1, payload=incident_to_dict(report))],
            },
            headers=w.h("ws"),
        ).json()
        assert pushed["accepted"] == [1]
        made = http.post(
            f"{API}/persons",
            json={
                "display_name": "Piet Pietresen",
                "description": "Lange man",
                "identifiers": {"klantnummer": "K-4717"},
                "incident_id": str(report.id),
            },
            headers=w.h("lead"),
        ).json()

    db = Database.open()
    pull_report(db, report)
    lead_api = _api(live, "lead")
    dossier = DossierService(db, api=lambda: lead_api, role=lambda: Role.TEAM_LEAD)
    view = IncidentDetailView(ReviewService(IncidentService(db), db), dossier=dossier)
    qtbot.addWidget(view)
    view.resize(1280, 1000)
    view.show()
    assert view.show_incident(report.id)
    section = view.dossier
    assert section is not None
    qtbot.waitUntil(lambda: "Piet Pietresen" in section.person.text(), timeout=15_000)
    assert section.correct_button.isVisible() and section.unlink_button.isVisible()

    section.correct_button.click()
    dialog = section.person_dialog
    assert dialog is not None and dialog.name.text() == "Piet Pietresen"
    table = dialog.identifiers
    assert (table.item(0, 0).text(), table.item(0, 1).text()) == ("klantnummer", "K-4717")
    # Refused in the dialog: an empty name, an identifier without its value.
    dialog.name.setText("  ")
    dialog.save_button.click()
    assert dialog.isVisible() and "naam" in dialog.error.text()
    dialog.name.setText(NAME)
    table.setItem(1, 0, QTableWidgetItem("dossiernummer"))
    dialog.save_button.click()
    assert dialog.isVisible() and "soort en een waarde" in dialog.error.text()
    table.setItem(1, 1, QTableWidgetItem("D-12"))
    table.item(0, 1).setText(CLIENT)
    dialog.save_button.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: NAME in section.person.text(), timeout=15_000)
    assert "dossiernummer: D-12, klantnummer: K-4711" in section.person.text()
    assert "Lange man" in section.person.text()
    assert "gecorrigeerd" in section.message.text() and NAME in section.message.text()
    with httpx.Client(base_url=live.url, timeout=30) as http:
        stored = http.get(f"{API}/persons/{made['id']}", headers=w.h("lead")).json()
    assert stored["display_name"] == NAME
    assert stored["identifiers"] == {"klantnummer": CLIENT, "dossiernummer": "D-12"}
    assert stored["description"] == "Lange man"
    with live.world.store.read() as conn:
        details = (
            conn.execute(
                sa.select(t.audit_log.c.detail).where(
                    t.audit_log.c.action == "dossier.person_changed"
                )
            )
            .scalars()
            .all()
        )
    assert details == ["changed: name, identifiers"]  # the description was left as it was

    # Linked by mistake: unlinked, and the section says the report has no known person.
    section.unlink_button.click()
    status = section.findChild(QLabel, "dossierStatus")
    qtbot.waitUntil(lambda: "niet gekoppeld" in status.text(), timeout=15_000)
    assert NAME in section.message.text() and "niet meer gekoppeld" in section.message.text()
    assert not section.correct_button.isVisible()
    with httpx.Client(base_url=live.url, timeout=30) as http:
        stored = http.get(f"{API}/persons/{made['id']}", headers=w.h("lead")).json()
    assert stored["links"] == []
    db.close()
