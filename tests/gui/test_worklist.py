"""Opvolging: each follow-up step moves from due to done through its dialog, overdue appears
when the (test) clock passes the deadline, "due soon" is announced once, and an alarm that
ended without a report is listed until it is closed with a reason or a report links it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
)

from tests.support.clock import Clock
from tests.support.pulled import pull_report
from veiligbalie.core.followup import task_id_for
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import (
    AlarmKind,
    AlarmState,
    AlarmType,
    Category,
    Channel,
    FollowUpKind,
    RecoveryRoute,
    RecoveryStatus,
    ResponseMeasure,
)
from veiligbalie.services.context import AppContext
from veiligbalie.services.followup import FollowUpService
from veiligbalie.services.incidents import IncidentService
from veiligbalie.store.alarms import AlarmRepository
from veiligbalie.store.database import Database
from veiligbalie.ui.followup_dialogs import (
    AftercareDialog,
    DamageDialog,
    EvaluationDialog,
    FollowUpDialog,
    PoliceReportDialog,
    ResponseDialog,
)
from veiligbalie.ui.worklist import WorklistView

#: Monday 30 November 2026, 10:00 in Amsterdam.
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Env:
    def __init__(self, db: Database, clock: Clock, view: WorklistView) -> None:
        self.db = db
        self.clock = clock
        self.view = view
        self.service = view.service
        self.incidents: IncidentService = view.service._incidents

    def report(self, **changes: Any) -> Incident:
        values: dict[str, Any] = {
            "description": "Bezoeker werd boos over de uitkering en gaf een duw.",
            "categories": frozenset({Category.PHYSICAL_VIOLENCE}),
            "occurred_at": T0 - timedelta(hours=1),
            "created_at": T0 - timedelta(minutes=30),
            "location": "Publiekshal, balie 2",
            "reporter": "Sanne de Vries",
        }
        values.update(changes)
        return self.incidents.save(Incident(**values))

    def open_dialog(self, qtbot: Any, incident: Incident, kind: FollowUpKind) -> FollowUpDialog:
        self.view.set_filter("open")
        assert self.view.select_task(task_id_for(incident.id, kind))
        self.view.table.setFocus()
        qtbot.keyClick(self.view.table, Qt.Key.Key_Return)
        dialog = self.view.last_dialog
        assert isinstance(dialog, FollowUpDialog) and dialog.isVisible()
        return dialog

    def state_of(self, incident: Incident, kind: FollowUpKind) -> str:
        self.view.set_filter("all")
        assert self.view.select_task(task_id_for(incident.id, kind))
        item = self.view.selected()
        assert item is not None
        return item.status


@pytest.fixture
def env(qtbot: Any) -> Iterator[Env]:
    db = Database.open()
    clock = Clock(T0)
    incidents = IncidentService(db)
    service = FollowUpService(db, incidents, now=clock, user_name=lambda: "Els Bakker")
    view = WorklistView(service)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    yield Env(db, clock, view)
    view.close()
    db.close()


def child(dialog: FollowUpDialog, kind: type, name: str) -> Any:
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def save(dialog: FollowUpDialog, qtbot: Any) -> None:
    qtbot.mouseClick(child(dialog, QPushButton, "followupSave"), Qt.MouseButton.LeftButton)


def test_police_report_ticked_off_with_its_number(env: Env, qtbot: Any) -> None:
    incident = env.report()
    assert env.state_of(incident, FollowUpKind.POLICE_REPORT) == "open"
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.POLICE_REPORT)
    assert isinstance(dialog, PoliceReportDialog)
    save(dialog, qtbot)  # neither number nor reason: refused, said plainly
    error = child(dialog, type(dialog.error), "followupError")
    assert dialog.isVisible() and "number" in error.text()
    qtbot.keyClicks(child(dialog, QLineEdit, "policeNumber"), "PL0900-2026123456")
    qtbot.keyClicks(child(dialog, QLineEdit, "followupNote"), "Aangifte met VPT-vermelding")
    save(dialog, qtbot)
    assert not dialog.isVisible()
    task = env.service.task(task_id_for(incident.id, FollowUpKind.POLICE_REPORT))
    assert task is not None and task.done_at == T0
    assert task.details["report_number"] == "PL0900-2026123456"
    assert env.state_of(incident, FollowUpKind.POLICE_REPORT) == "done"
    timeline = env.incidents.timeline(incident.id)
    assert timeline[-1].author == "Els Bakker" and timeline[-1].data["action"] == "done"


def test_police_report_ticked_off_with_why_not(env: Env, qtbot: Any) -> None:
    incident = env.report()
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.POLICE_REPORT)
    qtbot.keyClicks(child(dialog, QLineEdit, "policeNotReason"), "Medewerker ziet af van aangifte")
    save(dialog, qtbot)
    assert not dialog.isVisible()
    assert env.state_of(incident, FollowUpKind.POLICE_REPORT) == "done"


def test_response_with_a_measure_and_the_earlier_incidents_in_view(env: Env, qtbot: Any) -> None:
    person = {"perpetrator_known": True, "perpetrator_reference": "KL-4471"}
    earlier = env.report(
        occurred_at=T0 - timedelta(days=40),
        created_at=T0 - timedelta(days=40),
        categories=frozenset({Category.THREAT}),
        **person,
    )
    env.report(perpetrator_reference="someone else", perpetrator_known=True)
    incident = env.report(**person)
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.PERPETRATOR_RESPONSE)
    assert isinstance(dialog, ResponseDialog)
    listed = child(dialog, QListWidget, "earlierIncidents")
    assert listed.count() == 1
    assert earlier.reference is not None and earlier.reference in listed.item(0).text()
    save(dialog, qtbot)
    assert dialog.isVisible() and "measure" in dialog.error.text()
    measure = child(dialog, QComboBox, "responseMeasure")
    measure.setCurrentIndex(measure.findData(ResponseMeasure.CONDUCT_TALK.value))
    save(dialog, qtbot)
    assert not dialog.isVisible()
    task = env.service.task(task_id_for(incident.id, FollowUpKind.PERPETRATOR_RESPONSE))
    assert task is not None and task.details == {"measure": "conduct_talk"}


def test_aftercare_talk_assigned_and_done(env: Env, qtbot: Any) -> None:
    incident = env.report()
    env.clock.now = T0 + timedelta(hours=30)
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.AFTERCARE_TALK)
    assert isinstance(dialog, AftercareDialog)
    qtbot.keyClicks(child(dialog, QLineEdit, "aftercareWith"), "Sanne en collega Ahmed")
    assignee = child(dialog, QComboBox, "aftercareAssignee")
    names = [assignee.itemText(i) for i in range(assignee.count())]
    assignee.setCurrentIndex(names.index("Els Bakker"))
    # The talk was yesterday afternoon: the date is editable.
    dialog.done_at.setDateTime(dialog.done_at.dateTime().addSecs(-20 * 3600))
    save(dialog, qtbot)
    assert not dialog.isVisible()
    task = env.service.task(task_id_for(incident.id, FollowUpKind.AFTERCARE_TALK))
    assert task is not None and task.assignee_name == "Els Bakker"
    assert task.done_at == T0 + timedelta(hours=10)
    assert task.details == {"with_whom": "Sanne en collega Ahmed"}
    env.view.set_filter("mine")
    assert env.view.model.rowCount() == 0  # done: no longer open for me


def test_damage_recovery_figures(env: Env, qtbot: Any) -> None:
    incident = env.report(damage=True, damage_amount_cents=125_000)
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.DAMAGE_RECOVERY)
    assert isinstance(dialog, DamageDialog)
    assert child(dialog, QLineEdit, "damageAmount").text() == "1250,00"  # the estimate
    child(dialog, QLineEdit, "damageAmount").clear()
    qtbot.keyClicks(child(dialog, QLineEdit, "damageAmount"), "twaalf")
    save(dialog, qtbot)
    assert dialog.isVisible() and "euros" in dialog.error.text()
    amount = child(dialog, QLineEdit, "damageAmount")
    amount.clear()
    qtbot.keyClicks(amount, "1.250,00")
    route = child(dialog, QComboBox, "damageRoute")
    route.setCurrentIndex(route.findData(RecoveryRoute.CRIMINAL_CASE.value))
    state = child(dialog, QComboBox, "damageStatus")
    state.setCurrentIndex(state.findData(RecoveryStatus.PARTLY_RECOVERED.value))
    qtbot.keyClicks(child(dialog, QLineEdit, "damageRecovered"), "300")
    save(dialog, qtbot)
    assert not dialog.isVisible()
    task = env.service.task(task_id_for(incident.id, FollowUpKind.DAMAGE_RECOVERY))
    assert task is not None and task.done
    assert task.details == {
        "amount_cents": 125_000,
        "route": "criminal_case",
        "status": "partly_recovered",
        "recovered_cents": 30_000,
    }


def test_evaluation_with_measures_ticked_one_by_one(env: Env, qtbot: Any) -> None:
    incident = env.report()
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.EVALUATION)
    assert isinstance(dialog, EvaluationDialog)
    for key, text in (
        ("risk", "Herhaling bij volgende afspraak"),
        ("cause", "Lange wachttijd, besluit niet uitgelegd"),
        ("trend", "Derde incident dit kwartaal aan balie 2"),
        ("improvement", "Uitleg besluit vooraf, tweede medewerker bij afspraak"),
    ):
        qtbot.keyClicks(child(dialog, QPlainTextEdit, f"eval_{key}"), text)
    for text, owner in (("Wachtrij-scherm plaatsen", "Facilitair"), ("Training", "Els")):
        qtbot.keyClicks(child(dialog, QLineEdit, "evalMeasureText"), text)
        qtbot.keyClicks(child(dialog, QLineEdit, "evalMeasureOwner"), owner)
        qtbot.keyClick(child(dialog, QLineEdit, "evalMeasureOwner"), Qt.Key.Key_Return)
    measures = child(dialog, QListWidget, "evalMeasures")
    assert measures.count() == 2 and dialog.isVisible()
    measures.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(child(dialog, QPushButton, "followupSaveOnly"), Qt.MouseButton.LeftButton)
    task_id = task_id_for(incident.id, FollowUpKind.EVALUATION)
    task = env.service.task(task_id)
    assert task is not None and not task.done
    first, second = task.details["measures"]
    assert first["done_at"] and not second.get("done_at") and second["owner"] == "Els"
    assert task.details["cause"] == "Lange wachttijd, besluit niet uitgelegd"
    # A week later the second measure is done too, and the evaluation is ticked off.
    env.clock.now = T0 + timedelta(days=7)
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.EVALUATION)
    again = child(dialog, QListWidget, "evalMeasures")
    assert again.item(0).checkState() == Qt.CheckState.Checked
    again.item(1).setCheckState(Qt.CheckState.Checked)
    save(dialog, qtbot)
    task = env.service.task(task_id)
    assert task is not None and task.done_at == T0 + timedelta(days=7)
    assert all(m["done_at"] for m in task.details["measures"])


def test_overdue_appears_when_the_clock_passes_the_deadline(env: Env, qtbot: Any) -> None:
    incident = env.report(perpetrator_known=True, perpetrator_description="man, 40")
    kind = FollowUpKind.PERPETRATOR_RESPONSE  # within 24 hours of the incident
    assert env.state_of(incident, kind) == "due_soon"
    env.view.set_filter("overdue")
    assert env.view.model.rowCount() == 0
    env.clock.now = T0 + timedelta(hours=23, minutes=30)  # 24 h after it happened
    env.service.check()  # what the minute timer does
    qtbot.waitUntil(lambda: env.view.model.rowCount() == 1)
    item = env.view.model.item(0)
    assert item.task.kind is kind and item.status == "overdue"
    assert env.view.model.data(env.view.model.index(0, 0)) == "Overdue"
    assert "1 overdue" in env.view.count.text()


def test_due_soon_is_announced_once_also_after_a_restart(env: Env, qtbot: Any) -> None:
    incident = env.report(occurred_at=T0 - timedelta(days=3), created_at=T0 - timedelta(days=3))
    announced: list[Any] = []
    env.service.due_soon.connect(announced.append)
    env.clock.now = T0 - timedelta(days=3)
    env.service.check()
    # At once: the response to the perpetrator (24 h) is due within a day.
    assert [i.task.kind for i in announced] == [FollowUpKind.PERPETRATOR_RESPONSE]
    env.clock.now = T0 + timedelta(hours=-12)
    env.service.check()
    env.service.check()
    kinds = [item.task.kind for item in announced]
    assert kinds == [FollowUpKind.PERPETRATOR_RESPONSE, FollowUpKind.AFTERCARE_TALK]
    notice = env.view.notice
    assert notice.isVisible() and "Aftercare talk" in notice.text()
    assert incident.reference is not None and incident.reference in notice.text()
    assert all(item.task.incident_id == incident.id for item in announced)
    again = FollowUpService(env.db, env.incidents, now=env.clock)
    repeated: list[Any] = []
    again.due_soon.connect(repeated.append)
    again.check()
    assert repeated == []


def test_a_pulled_report_is_announced_to_the_reviewer(env: Env, qtbot: Any) -> None:
    arrived: list[uuid.UUID] = []
    env.service.new_report.connect(arrived.append)
    incident = Incident(
        description="Beller dreigde langs te komen.",
        categories=frozenset({Category.THREAT}),
        occurred_at=T0 - timedelta(hours=2),
        created_at=T0 - timedelta(hours=1),
        location="Telefoon, KCC",
        reporter="Ahmed Yilmaz",
        channel=Channel.PHONE,
        reference="VB-2026-000377",
    )
    pull_report(env.db, incident)
    env.incidents.notify_changed(None)
    qtbot.waitUntil(lambda: arrived == [incident.id])
    assert "VB-2026-000377" in env.view.notice.text()
    # Pulled from a server that does not plan: the plan is made here.
    assert env.service.tasks_of(incident.id)


def test_an_alarm_without_a_report_is_listed_until_closed_or_linked(env: Env, qtbot: Any) -> None:
    alarms = AlarmRepository(env.db)
    first, second, tested = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for alarm_id, state, test in (
        (first, AlarmState.RESOLVED, False),
        (second, AlarmState.CANCELLED, False),
        (tested, AlarmState.RESOLVED, True),
    ):
        alarms.record_alarm(
            alarm_id,
            AlarmKind.SILENT,
            AlarmType.AGGRESSION,
            "balie-2",
            "Publiekshal, balie 2",
            T0 - timedelta(hours=3),
            state,
            test,
        )
    env.service.refresh_alarms()
    qtbot.waitUntil(lambda: env.view.alarm_list.count() == 2)
    assert env.view.alarm_box.isVisible()
    texts = [env.view.alarm_list.item(i).text() for i in range(2)]
    assert any("Cancelled alarm" in t for t in texts)
    assert any("Alarm without a report" in t for t in texts)
    # Closing asks for a reason.
    row = next(i for i, t in enumerate(texts) if "Cancelled" in t)
    env.view.alarm_list.setCurrentRow(row)
    qtbot.mouseClick(env.view.alarm_close, Qt.MouseButton.LeftButton)
    dialog = env.view.last_dialog
    assert dialog is not None and dialog.isVisible()
    reason = dialog.findChild(QLineEdit, "alarmCloseReason")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    assert dialog.isVisible()  # no reason given
    qtbot.keyClicks(reason, "Per ongeluk ingedrukt bij schoonmaken")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: env.view.alarm_list.count() == 1)
    # A report that links the other alarm takes it off the list.
    env.report(alarm_id=first)
    qtbot.waitUntil(lambda: not env.view.alarm_box.isVisible())
    assert env.service.alarm_items() == []


def test_an_alarm_the_station_reported_afterwards_says_so_on_the_list(env: Env, qtbot: Any) -> None:
    """The server's list (its wire form) marks an alarm reported after the fact; the list
    keeps the mark in the station's copy and shows it beside the time."""
    from veiligbalie.protocol.review import AlarmFollowUpOut

    site = str(uuid.uuid4())
    late, live = uuid.uuid4(), uuid.uuid4()
    answer = [
        AlarmFollowUpOut.model_validate_json(
            json.dumps(
                {
                    "id": str(alarm_id),
                    "site_id": site,
                    "station_name": "balie-4",
                    "location": "Balie 4",
                    "raised_by": "Joost Bakker",
                    "raised_at": (T0 - timedelta(hours=hours)).isoformat(),
                    "state": "resolved",
                    "closed_at": (T0 - timedelta(hours=hours - 1)).isoformat(),
                    **extra,
                }
            )
        )
        for alarm_id, hours, extra in ((late, 5, {"late": True}), (live, 3, {}))
    ]
    env.service._on_alarm_list(answer, None)
    qtbot.waitUntil(lambda: env.view.alarm_list.count() == 2)
    items = {
        env.view.alarm_list.item(i).data(Qt.ItemDataRole.UserRole).id: env.view.alarm_list.item(i)
        for i in range(2)
    }
    assert "(reported afterwards)" in items[late].text()
    assert "reported it afterwards" in items[late].toolTip()
    assert "afterwards" not in items[live].text() and not items[live].toolTip()
    # Kept with the station's copy (read again from the store, as after a restart).
    assert {a.id: a.late for a in env.service.alarm_items()} == {late: True, live: False}


def test_make_a_report_from_an_alarm_opens_the_form_filled_in(qtbot: Any, env: Env) -> None:
    alarm_id = uuid.uuid4()
    AlarmRepository(env.db).record_alarm(
        alarm_id,
        AlarmKind.SILENT,
        AlarmType.AGGRESSION,
        "balie-4",
        "Spreekkamer 1",
        T0 - timedelta(hours=1),
        AlarmState.RESOLVED,
        False,
    )
    shown: list[dict[str, Any]] = []
    env.view.show_new_incident = shown.append  # type: ignore[attr-defined]
    env.service.refresh_alarms()
    qtbot.waitUntil(lambda: env.view.alarm_list.count() == 1)
    qtbot.mouseClick(env.view.alarm_report, Qt.MouseButton.LeftButton)
    assert shown and shown[0]["alarm_id"] == str(alarm_id)
    assert shown[0]["location"] == "Spreekkamer 1"


def test_the_view_takes_its_service_from_the_app_context(qtbot: Any) -> None:
    context = AppContext.open(Database.open())
    try:
        assert isinstance(context.followup, FollowUpService)
        view = WorklistView(context, None)
        qtbot.addWidget(view)
        assert view.objectName() == "worklistView"
        assert view.findChild(QTableView, "worklistTable") is view.table
        saved = context.incidents.save(
            Incident(
                description="Bezoeker schold de medewerker uit en sloeg op de balie.",
                categories=frozenset({Category.PHYSICAL_VIOLENCE}),
                occurred_at=datetime.now(UTC) - timedelta(minutes=15),
                location="Balie 1",
                reporter="Sanne de Vries",
            )
        )
        qtbot.waitUntil(lambda: view.model.rowCount() > 0)
        assert {i.reference for i in view.model.items()} == {saved.reference}
    finally:
        context.close()
