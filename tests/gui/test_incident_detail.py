"""The team lead's detail of one report: the report as written, later notes, evidence, the
linked alarm's log and the follow-up timeline with authors and times; the first open by a
reviewer tells the reporter "Ontvangen", and each action (assign, in progress, close with a
conclusion, message) lands on the timeline and in the outbox. A colleague's view of the
shared log is read-only, without perpetrator data or follow-up."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from tests.support.pulled import pull_report
from veiligbalie import settings
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import (
    AlarmKind,
    AlarmState,
    AlarmType,
    Category,
    IncidentStatus,
    Severity,
)
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.review import ReviewError, ReviewProblem, ReviewService
from veiligbalie.store.alarms import AlarmRepository
from veiligbalie.store.database import Database
from veiligbalie.store.outbox import Outbox
from veiligbalie.ui.incident_detail import IncidentDetailView

PRESS = datetime(2026, 12, 1, 9, 41, 5, tzinfo=UTC)


def _report(**changes: object) -> Incident:
    values: dict[str, object] = {
        "description": (
            "Bezoeker werd boos toen zijn uitkering niet direct kon worden uitbetaald, "
            "schreeuwde en sloeg met zijn vuist op de balie."
        ),
        "categories": frozenset({Category.VERBAL_AGGRESSION, Category.THREAT}),
        "occurred_at": PRESS - timedelta(minutes=2),
        "location": "Publiekshal, balie 3",
        "reporter": "Sanne de Vries",
        "severity": Severity.HIGH,
        "perpetrator_known": True,
        "perpetrator_description": "Man, ca. 40 jaar, grijze jas",
        "perpetrator_reference": "Klantnummer 448812",
        "witnesses": ("Piet Bakker",),
        "police_called": True,
        "aftercare_wanted": True,
    }
    values.update(changes)
    return Incident(**values)  # type: ignore[arg-type]


def _seed_alarm(db: Database) -> uuid.UUID:
    """An alarm with its log, written as AlarmService writes it."""
    repo = AlarmRepository(db)
    alarm_id = uuid.uuid4()
    repo.record_alarm(
        alarm_id,
        AlarmKind.SILENT,
        AlarmType.AGGRESSION,
        "balie-3",
        "Publiekshal, balie 3",
        PRESS,
        AlarmState.RAISED,
        False,
    )
    repo.add_event(alarm_id, "raised", "Sanne de Vries", "local", PRESS, {"kind": "silent"})
    repo.add_event(
        alarm_id,
        "sent",
        "balie-3",
        "lan,server",
        PRESS + timedelta(milliseconds=40),
        {"paths": ["lan", "server"]},
    )
    repo.add_event(
        alarm_id,
        "delivered",
        "balie-5",
        "lan",
        PRESS + timedelta(milliseconds=310),
        {"station_name": "balie-5", "after_ms": 310},
    )
    repo.add_event(
        alarm_id,
        "acknowledged",
        "Jan de Boer",
        "server",
        PRESS + timedelta(seconds=8, milliseconds=200),
        {"station_name": "balie-5", "after_ms": 8200},
    )
    repo.add_event(
        alarm_id,
        "resolved",
        "Jan de Boer",
        "local",
        PRESS + timedelta(minutes=4),
        {"station_name": "balie-5"},
    )
    repo.set_state(alarm_id, AlarmState.RESOLVED)
    return alarm_id


Env = tuple[Database, IncidentService, ReviewService, IncidentDetailView]


@pytest.fixture
def env(qtbot, dutch) -> Iterator[Env]:  # noqa: ANN001
    # No server: the person at this workstation is its one local reviewer.
    settings.REPORTER_NAME.set("Els Jansen")
    db = Database.open()
    service = IncidentService(db)
    review = ReviewService(service, db)
    view = IncidentDetailView(review)
    opened: list[QUrl] = []
    view.open_url = lambda url: opened.append(url) or True
    view.opened = opened  # type: ignore[attr-defined]
    view.resize(1100, 900)
    view.show()
    qtbot.addWidget(view)
    try:
        yield db, service, review, view
    finally:
        view.close()
        service.deleteLater()
        db.close()


def _texts(widget: QWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]  # type: ignore[attr-defined]


def _outbox_kinds(db: Database) -> list[tuple[str, dict]]:
    return [(item.kind, item.payload) for item in Outbox(db).pending()]


def test_detail_shows_report_notes_evidence_alarm_log_and_timeline(env, tmp_path: Path) -> None:
    db, service, review, view = env
    alarm_id = _seed_alarm(db)
    evidence = tmp_path / "foto-balie.jpg"
    evidence.write_bytes(b"\xff\xd8\xff" + b"0" * 2048)
    info = service.import_attachment(evidence)
    saved = service.save(_report(alarm_id=alarm_id), [info])
    service.add_note(saved.id, "Sanne de Vries", "Hij kwam later terug en keek door het raam.")

    assert view.show_incident(saved.id)
    report = view.findChild(QLabel, "detailReport").text()
    assert "uitkering niet direct" in report
    assert "Publiekshal, balie 3" in report
    assert "Klantnummer 448812" in report  # a reviewer sees the restricted fields
    assert "Piet Bakker" in report
    assert "door het raam" in view.findChild(QLabel, "detailNotes").text()
    assert saved.reference in view.findChild(QLabel, "detailTitle").text()

    # Evidence: name, size and an "Open" button that opens the file stored here.
    assert view.findChild(QLabel, "detailAttachmentName_0").text() == "foto-balie.jpg"
    view.findChild(QPushButton, "detailOpenAttachment_0").click()
    assert [Path(u.toLocalFile()).name for u in view.opened] == [info.stored_path.name]

    # The alarm's log: who got it over which path, who answered and how fast.
    log = _texts(view.findChild(QWidget, "detailAlarmLog"))
    assert len(log) == 5
    assert any("balie-5" in line and "0,3" in line for line in log), log
    assert any("Jan de Boer" in line and "8,2" in line for line in log), log
    summary = view.findChild(QLabel, "detailAlarmSummary").text()
    assert "8,2" in summary and "balie-3" in summary

    # Timeline: the "received" the first open recorded, with author and time.
    timeline = _texts(view.findChild(QWidget, "detailTimeline"))
    assert len(timeline) == 1
    assert "Els Jansen" in timeline[0]
    assert "Ontvangen door teamleider" in timeline[0] or "Received by team lead" in timeline[0]
    when = service.timeline(saved.id)[-1].created_at.astimezone().strftime("%d-%m-%Y %H:%M")
    assert timeline[0].startswith(when)


def test_first_open_by_a_reviewer_records_received_exactly_once(env) -> None:
    db, service, review, view = env
    saved = service.save(_report())
    assert service.get(saved.id).status is IncidentStatus.SAVED_LOCALLY

    assert view.show_incident(saved.id)
    assert view.detail().received_now
    assert service.get(saved.id).status is IncidentStatus.RECEIVED
    view.show_incident(saved.id)
    review.open(saved.id)
    assert not view.detail().received_now
    statuses = [e for e in service.timeline(saved.id) if e.kind == "status"]
    assert [(e.data["status"], e.author) for e in statuses] == [("received", "Els Jansen")]
    changes = [p for k, p in _outbox_kinds(db) if k == "incident.status_changed"]
    assert [p["status"] for p in changes] == ["received"]


def test_assign_in_progress_close_and_message_each_land_on_timeline_and_outbox(qtbot, env) -> None:
    db, service, review, view = env
    saved = service.save(_report())
    view.show_incident(saved.id)
    qtbot.waitUntil(lambda: view.findChild(QWidget, "detailAssignee").count() == 1)
    combo = view.findChild(QWidget, "detailAssignee")
    assert "Els Jansen" in combo.currentText()  # local-only: "Ikzelf (Els Jansen)"

    view.findChild(QPushButton, "detailAssignButton").click()
    assert service.assignee(saved.id).name == "Els Jansen"
    view.findChild(QPushButton, "detailInProgressButton").click()
    assert service.get(saved.id).status is IncidentStatus.IN_PROGRESS
    assert not view.findChild(QPushButton, "detailInProgressButton").isEnabled()

    view.findChild(QPushButton, "detailMessageButton").click()
    dialog = view.dialog
    assert dialog is not None and dialog.objectName() == "messageDialog"
    qtbot.keyClicks(dialog.text, "Ik bel je morgen om 10 uur voor een nazorggesprek.")
    dialog.ok_button.click()
    assert not dialog.isVisible()

    # Closing without a conclusion is refused in the dialog, with a reason.
    view.findChild(QPushButton, "detailCloseButton").click()
    dialog = view.dialog
    assert dialog is not None and dialog.objectName() == "closeDialog"
    dialog.ok_button.click()
    assert dialog.isVisible()
    message = dialog.findChild(QLabel, "closeDialogMessage")
    assert message.isVisible() and message.text()
    assert service.get(saved.id).status is IncidentStatus.IN_PROGRESS
    qtbot.keyClicks(dialog.text, "Waarschuwingsbrief verstuurd; aangifte gedaan.")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert service.get(saved.id).status is IncidentStatus.CLOSED

    kinds = [(e.kind, e.author) for e in service.timeline(saved.id)]
    assert kinds == [
        ("status", "Els Jansen"),
        ("assigned", "Els Jansen"),
        ("status", "Els Jansen"),
        ("message", "Els Jansen"),
        ("status", "Els Jansen"),
    ]
    closing = service.timeline(saved.id)[-1]
    assert closing.data == {"status": "closed"}
    assert closing.text == "Waarschuwingsbrief verstuurd; aangifte gedaan."
    changes = [(k, p) for k, p in _outbox_kinds(db) if k != "incident.created"]
    assert [k for k, _ in changes] == [
        "incident.status_changed",
        "incident.assigned",
        "incident.status_changed",
        "incident.message",
        "incident.status_changed",
    ]
    assert changes[1][1]["assignee_name"] == "Els Jansen"
    assert changes[3][1]["author"] == "Els Jansen"
    assert changes[4][1]["conclusion"] == "Waarschuwingsbrief verstuurd; aangifte gedaan."

    timeline = _texts(view.findChild(QWidget, "detailTimeline"))
    assert len(timeline) == 5
    assert all("Els Jansen" in line for line in timeline)
    assert "nazorggesprek" in timeline[3]
    assert "Waarschuwingsbrief verstuurd" in timeline[4]
    # A closed report: no more status changes, the buttons say so.
    assert not view.findChild(QPushButton, "detailCloseButton").isEnabled()


def test_close_without_conclusion_is_refused_by_the_service(env) -> None:
    _db, service, review, _view = env
    saved = service.save(_report())
    with pytest.raises(ReviewError) as refused:
        review.close(saved.id, "   ")
    assert refused.value.problem is ReviewProblem.NEEDS_CONCLUSION
    assert service.get(saved.id).status is IncidentStatus.SAVED_LOCALLY
    assert service.timeline(saved.id) == []


def test_escape_and_back_ask_to_return(qtbot, env) -> None:
    _db, service, _review, view = env
    saved = service.save(_report())
    view.show_incident(saved.id)
    view.activateWindow()
    view.focus_first()
    with qtbot.waitSignal(view.backRequested, timeout=1000):
        QTest.keyClick(view.findChild(QWidget, "detailAssignee"), Qt.Key.Key_Escape)
    with qtbot.waitSignal(view.backRequested, timeout=1000):
        view.findChild(QPushButton, "detailBackButton").click()
    # Esc in a dialog closes the dialog only, the detail stays.
    dialog = view.ask_message()
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    with qtbot.assertNotEmitted(view.backRequested):
        QTest.keyClick(dialog.text, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert [e.kind for e in service.timeline(saved.id)] == ["status"]


def test_colleague_view_of_the_shared_log_is_read_only_without_restricted_fields(
    env,
) -> None:
    db, service, review, view = env
    # A linked workstation nobody signed in on: a colleague looking at the shared log.
    settings.SERVER_URL.set("https://veiligbalie.gemeente.example")
    settings.REPORTER_NAME.set("Karin Smit")
    incident = _report(status=IncidentStatus.SENT, reference="VB-2026-000042")
    pull_report(db, incident)
    assert not review.can_act()

    assert view.show_incident(incident.id)
    report = view.findChild(QLabel, "detailReport").text()
    assert "uitkering" in report
    assert "Klantnummer 448812" not in report
    assert "grijze jas" not in report
    assert not view.findChild(QWidget, "detailActions").isVisible()
    # Opening did not mark it received: only a reviewer's open does.
    assert service.get(incident.id).status is IncidentStatus.SENT
    assert service.timeline(incident.id) == []
    with pytest.raises(ReviewError) as refused:
        review.assign(incident.id, None, "Karin Smit")
    assert refused.value.problem is ReviewProblem.NOT_ALLOWED


def test_log_opens_the_detail_with_enter_and_esc_goes_back(qtbot, dutch, main_window) -> None:
    window = main_window
    context = window.context
    saved = context.incidents.save(_report(reporter="Sanne de Vries"))
    window.show_area("log")
    table = window.findChild(QWidget, "logTable")
    table.setFocus()
    table.selectRow(0)
    table.setCurrentIndex(table.model().index(0, 0))
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.current_area() == "detail"
    detail = window.findChild(QWidget, "incidentDetail")
    assert detail.isVisible() and detail.incident_id() == saved.id
    # Local only: the person at this workstation reviews; the open told the reporter.
    assert context.incidents.get(saved.id).status is IncidentStatus.RECEIVED
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.current_area() == "log"
    # A double click opens it too.
    rect = table.visualRect(table.model().index(0, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_area() == "detail"


def test_news_from_a_pull_is_notified_once(qtbot, dutch, main_window) -> None:
    from tests.support.pulled import pulled_event
    from veiligbalie.core.timeline import TimelineKind
    from veiligbalie.store.pulled import PulledData

    window = main_window
    context = window.context
    settings.REPORTER_NAME.set("Sanne de Vries")
    saved = context.incidents.save(_report(reporter="Sanne de Vries"))
    told: list[str] = []
    window.notified.connect(told.append)
    event = pulled_event(saved.id, TimelineKind.STATUS, data={"status": "received"})
    page = PulledData(context.db).apply(events=[event])
    context._on_pulled(sorted(page.changed))
    assert len(told) == 1
    assert saved.reference in told[0] and "Ontvangen door teamleider" in told[0]
    # The same page again (a re-pull, or after a restart): nothing new to tell.
    page = PulledData(context.db).apply(events=[event])
    context._on_pulled(sorted(page.changed))
    context._on_pulled([])
    assert len(told) == 1
    window.show_area("my_reports")
    assert window.my_reports.model.summary(0).has_unread
    assert window.findChild(QLabel, "myReportsNews").isVisible()


def test_pulled_reports_evidence_is_on_the_server_and_fetched_by_the_download_service(
    qtbot, dutch
) -> None:
    from PySide6.QtCore import QObject, Signal

    from veiligbalie.store.pulled import PulledData, attachment_rows, incident_row
    from veiligbalie.store.types import utc_text

    class Downloads(QObject):
        failed = Signal(str, str)

        def __init__(self) -> None:
            super().__init__()
            self.asked: list[tuple[uuid.UUID, str, str]] = []

        def open(self, incident_id: uuid.UUID, sha256: str, name: str = "") -> None:
            self.asked.append((incident_id, sha256, name))
            self.failed.emit(sha256, "De server is niet bereikbaar.")

    settings.REPORTER_NAME.set("Els Jansen")
    db = Database.open()
    service = IncidentService(db)
    incident = _report(status=IncidentStatus.SENT, reference="VB-2026-000077")
    from veiligbalie.core.incident import incident_to_dict

    now = datetime.now(UTC)
    payload = {
        **incident_to_dict(incident),
        "revision": 1,
        "attachments": [
            {"sha256": "ab" * 32, "original_name": "screenshot-chat.png", "size": 48213}
        ],
    }
    PulledData(db).apply(
        [incident_row(payload, now, utc_text(now))],
        attachments=attachment_rows(payload, incident.id, now),
    )
    try:
        for downloads in (None, Downloads()):
            view = IncidentDetailView(ReviewService(service, db, attachments=downloads))
            qtbot.addWidget(view)
            view.show()
            assert view.show_incident(incident.id)
            assert view.findChild(QLabel, "detailAttachmentName_0").text() == "screenshot-chat.png"
            assert view.findChild(QLabel, "detailAttachmentWhere_0").text() == view.tr(
                "on the server"
            )
            view.findChild(QPushButton, "detailOpenAttachment_0").click()
            message = view.findChild(QLabel, "detailActionMessage")
            assert message.isVisible()
            if downloads is None:
                assert "screenshot-chat.png" in message.text()
            else:
                assert downloads.asked == [(incident.id, "ab" * 32, "screenshot-chat.png")]
                assert message.text() == "De server is niet bereikbaar."
            view.close()
    finally:
        service.deleteLater()
        db.close()


class _FakeApi:
    """The two ServerApi calls the review service asks (same signatures as net/api.py's),
    answering at once with wire models or an error."""

    def __init__(self, people=None, detail=None, error=None) -> None:  # noqa: ANN001
        self._people, self._detail, self._error = people, detail, error
        self.asked: list[str] = []

    def people(self, callback, incident_id=None) -> None:  # noqa: ANN001
        self.asked.append("people")
        callback(None if self._error else self._people, self._error)

    def alarm_detail(self, alarm_id: uuid.UUID, callback) -> None:  # noqa: ANN001
        self.asked.append(f"alarm {alarm_id}")
        callback(None if self._error else self._detail, self._error)


def test_people_and_alarm_log_come_from_the_server_when_linked(qtbot, dutch) -> None:
    from types import SimpleNamespace

    from veiligbalie.core.vocabulary import Role
    from veiligbalie.net.api import ApiError
    from veiligbalie.protocol.alarm_server import AlarmDetail, AlarmLogEntry
    from veiligbalie.protocol.alarms import AlarmBody

    settings.REPORTER_NAME.set("Els Jansen")
    db = Database.open()
    service = IncidentService(db)
    alarm_id = uuid.uuid4()
    saved = service.save(_report(alarm_id=alarm_id))
    people = [
        SimpleNamespace(id=uuid.uuid4(), display_name="Mark de Graaf", role=Role.TEAM_LEAD),
        SimpleNamespace(id=uuid.uuid4(), display_name="Anouk Visser", role=Role.PEER_SUPPORT),
    ]
    body = AlarmBody(
        id=alarm_id,
        station_name="balie-3",
        location="Publiekshal, balie 3",
        raised_by="Sanne de Vries",
        raised_at=PRESS,
        state=AlarmState.RESOLVED,
    )

    def entry(kind: str, actor: str, seconds: float, station: str = "") -> AlarmLogEntry:
        at = PRESS + timedelta(seconds=seconds)
        data = {"station_name": station} if station else {}
        return AlarmLogEntry(kind=kind, actor=actor, data=data, at=at, recorded_at=at)

    detail = AlarmDetail(
        alarm=body,
        log=[
            entry("raised", "Sanne de Vries", 0, "balie-3"),
            entry("delivered", "beveiliging-1", 0.4, "beveiliging-1"),
            entry("acknowledged", "Jan de Boer", 6.5, "beveiliging-1"),
            entry("resolved", "Jan de Boer", 190, "beveiliging-1"),
        ],
    )
    try:
        api = _FakeApi(people=people, detail=detail)
        view = IncidentDetailView(ReviewService(service, db, api=lambda: api))
        qtbot.addWidget(view)
        view.show()
        view.show_incident(saved.id)
        names = [view.assignee.itemText(i) for i in range(view.assignee.count())]
        assert names[0].endswith("(Els Jansen)")  # the signed-in reviewer first: "Ikzelf"
        assert names[1:] == ["Anouk Visser", "Mark de Graaf"]
        view.assignee.setCurrentIndex(2)
        view.findChild(QPushButton, "detailAssignButton").click()
        assignee = service.assignee(saved.id)
        assert (assignee.user_id, assignee.name) == (people[0].id, "Mark de Graaf")
        log = _texts(view.findChild(QWidget, "detailAlarmLog"))
        assert len(log) == 4
        assert "Jan de Boer" in log[2] and "6,5 s" in log[2]
        assert "3 min 10 s" in log[3]
        assert "6,5 s" in view.findChild(QLabel, "detailAlarmSummary").text()
        view.close()

        # The server cannot be reached: the local reviewer and this workstation's log.
        down = _FakeApi(error=ApiError("offline"))
        view = IncidentDetailView(ReviewService(service, db, api=lambda: down))
        qtbot.addWidget(view)
        view.show()
        view.show_incident(saved.id)
        assert view.assignee.count() == 1
        assert sorted(down.asked) == [f"alarm {alarm_id}", "people"]
        assert _texts(view.findChild(QWidget, "detailAlarmLog")) == []
        summary = view.findChild(QLabel, "detailAlarmSummary").text()
        assert summary == view.tr(
            "An alarm was pressed for this report; its log is not on this workstation."
        )
        view.close()
    finally:
        service.deleteLater()
        db.close()


def test_alarm_log_names_each_escalation_level_once(env) -> None:
    """The colleagues alerted with the press (level 0) and a later level read as two
    different steps, not as "escalated" twice."""
    db, service, review, view = env
    alarm_id = _seed_alarm(db)
    repo = AlarmRepository(db)
    repo.add_event(
        alarm_id,
        "escalated",
        "server",
        "server",
        PRESS + timedelta(milliseconds=50),
        {"level": 0, "targets": ["colleagues"], "with_raise": True},
    )
    repo.add_event(
        alarm_id,
        "escalated",
        "server",
        "server",
        PRESS + timedelta(seconds=30),
        {"level": 1, "targets": ["security", "team_lead"]},
    )
    saved = service.save(_report(alarm_id=alarm_id))
    assert view.show_incident(saved.id)
    log = _texts(view.findChild(QWidget, "detailAlarmLog"))
    escalations = [line for line in log if "niveau" in line]
    assert len(escalations) == 2, log
    assert "Direct bij het indrukken" in escalations[0] and "niveau 0" in escalations[0]
    assert "niveau 0: collega's" in escalations[0]
    assert "Geëscaleerd naar niveau 1: beveiliging, teamleiders" in escalations[1]
    assert "30,0" in escalations[1]


def test_alarm_log_says_the_server_heard_of_it_afterwards_or_refused_it(env) -> None:
    """The workstation's own notes of what the server did with its alarm: reported
    afterwards (the server was away) reads as such, the close's bookkeeping is not shown,
    and a refusal gives the server's reason."""
    db, service, review, view = env
    alarm_id = _seed_alarm(db)
    repo = AlarmRepository(db)
    later = PRESS + timedelta(minutes=40)
    repo.add_event(alarm_id, "stored", "server", "server", later, {"late": True})
    repo.add_event(alarm_id, "close_stored", "server", "server", later, {"late": True})
    saved = service.save(_report(alarm_id=alarm_id))
    assert view.show_incident(saved.id)
    log = _texts(view.findChild(QWidget, "detailAlarmLog"))
    assert len(log) == 6, log  # the five of the story and the report afterwards
    assert any("Achteraf aan de server gemeld" in line for line in log), log
    assert not any("close_stored" in line for line in log), log

    other = _seed_alarm(db)
    reason = "the alarm id belongs to another site"
    refusal = {"what": "raised", "reason": reason}
    repo.add_event(other, "refused", "server", "server", later, refusal)
    again = service.save(_report(alarm_id=other))
    assert view.show_incident(again.id)
    log = _texts(view.findChild(QWidget, "detailAlarmLog"))
    assert any(f"De server weigerde het: {reason}" in line for line in log), log
