"""The Logboek: each filter and the search narrow the table and the count line says so;
sorting by a header; a saved filter comes back in a new view; Enter and a double click
open a report; and who sees which areas, by role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QPushButton, QStyle

from tests.e2e.drivers.sync_kit import PASSWORD
from tests.gui.conftest import site_server
from tests.support.log_data import clear_tasks, pull, task_row, write_tasks
from tests.support.server import RunningServer
from veiligbalie import secrets, settings
from veiligbalie.core.incident import Incident
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, FollowUpKind, IncidentStatus, Role, Severity
from veiligbalie.services.log import LogService
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.ui import labels, log_view
from veiligbalie.ui.log_view import LogModel, LogView, SortKey
from veiligbalie.ui.main_window import MainWindow

NOW = datetime.now(UTC).replace(microsecond=0)
ME = uuid.UUID("00000000-0000-4000-8000-00000000e151")


def report(description: str, days_ago: float, **changes: Any) -> Incident:
    values: dict[str, Any] = {
        "description": description,
        "categories": frozenset({Category.VERBAL_AGGRESSION}),
        "occurred_at": NOW - timedelta(days=days_ago),
        "location": "Publiekshal, balie 2",
        "reporter": "anna",
    }
    values.update(changes)
    return Incident(**values)


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database.open()
    yield database
    database.close()


@pytest.fixture
def ids(db: Database) -> dict[str, uuid.UUID]:
    found = {
        "shout": pull(
            db,
            report("Bezoeker schreeuwde over de wachttijd.", 1, severity=Severity.HIGH),
            status=IncidentStatus.IN_PROGRESS,
            site="Stadhuis",
            assignee=(ME, "Els de Vries"),
            notes=["Camerabeelden zijn veiliggesteld."],
        ),
        "threat": pull(
            db,
            report(
                "Beller dreigde de medewerker op te wachten.",
                2,
                categories=frozenset({Category.THREAT}),
                location="Telefoonteam",
                severity=Severity.CRITICAL,
                alarm_id=uuid.uuid4(),
            ),
            site="Stadswinkel Noord",
        ),
        "old": pull(
            db,
            report(
                "Stoel omgegooid in de wachtruimte.",
                400,
                categories=frozenset({Category.PROPERTY_DAMAGE}),
                location="Wachtruimte",
                severity=Severity.LOW,
            ),
            status=IncidentStatus.CLOSED,
            site="Stadhuis",
        ),
    }
    found["here"] = (
        IncidentRepository(db).save_new(report("Klant gooide zijn koffie over de balie.", 0.2)).id
    )
    clear_tasks(db)
    write_tasks(
        db,
        [
            task_row(
                found["shout"], FollowUpKind.AFTERCARE_TALK, NOW - timedelta(hours=2), None, NOW
            )
        ],  # noqa: E501
    )
    return found


@pytest.fixture
def view(qtbot: Any, db: Database, ids: dict[str, uuid.UUID]) -> LogView:
    service = LogService(db, clock=lambda: NOW)
    widget = LogView(service)
    qtbot.addWidget(widget)
    widget.resize(1126, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(view: LogView) -> set[uuid.UUID]:
    model = view.model
    return {model.row(r).id for r in range(model.rowCount())}


def test_everything_shows_with_its_columns(view: LogView, ids: dict[str, uuid.UUID]) -> None:
    assert shown(view) == set(ids.values())
    assert view.scope.text() == everything(4)
    model = view.model
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[0].startswith("VB-")  # newest first: the report made here
    shout = next(r for r in range(model.rowCount()) if model.row(r).id == ids["shout"])
    column = {key: LogModel.COLUMNS.index(key) for key in LogModel.COLUMNS}
    assert model.index(shout, column[SortKey.ASSIGNEE]).data() == "Els de Vries"
    assert model.index(shout, column[SortKey.FOLLOWUP]).data() == "1 open · 1 late"
    assert "Bezoeker schreeuwde" in model.index(shout, column[SortKey.CATEGORIES]).data()
    # Several sites: the site filter and column show.
    assert view.site.isVisibleTo(view) and not view.table.isColumnHidden(column[SortKey.SITE])


def test_status_and_severity_cells_show_whole_labels(
    view: LogView, ids: dict[str, uuid.UUID]
) -> None:
    """A table cell shows the status short enough to fit and the full one as its tooltip;
    the Status and Severity columns are as wide as their longest label."""
    model = view.model
    column = {key: LogModel.COLUMNS.index(key) for key in LogModel.COLUMNS}
    here = next(r for r in range(model.rowCount()) if model.row(r).id == ids["here"])
    cell = model.index(here, column[SortKey.STATUS])
    assert cell.data() == "On this workstation"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "Saved on this workstation"
    metrics = view.table.fontMetrics()
    header = view.table.horizontalHeader()
    for key, texts in (
        (SortKey.STATUS, [labels.status_short_label(s) for s in IncidentStatus]),
        (SortKey.SEVERITY, [labels.severity_label(s) for s in Severity]),
    ):
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        assert header.sectionSize(column[key]) >= widest + 8, key


def test_site_names_show_whole_as_far_as_the_table_allows_and_arrows_clear_their_text(
    view: LogView, db: Database
) -> None:
    """Two sites that differ at their end ("Stadswinkel Noord", "Stadswinkel Noordoost")
    must not both read "Stadswinkel N...": the Vestiging column fits the longest site name,
    up to FITTED_MAX and only while "what happened" keeps STRETCH_MIN (a name cut is whole
    in its tooltip). The filter buttons of several choices leave room for their arrow."""
    metrics = view.table.fontMetrics()
    header = view.table.horizontalHeader()
    site = LogModel.COLUMNS.index(SortKey.SITE)
    what = LogModel.COLUMNS.index(SortKey.CATEGORIES)
    assert header.sectionSize(site) >= metrics.horizontalAdvance("Stadswinkel Noord") + 8
    long_name = "Klantcontactcentrum en Stadswinkel Zuidoost, locatie Amstelveen"
    pull(db, report("Bezoeker weigerde te vertrekken.", 3), site=long_name)
    view.refresh()
    view.resize(1500, 700)  # a wide screen: the long name gets the most it may have
    QCoreApplication.processEvents()
    assert header.sectionSize(site) == log_view.FITTED_MAX
    assert header.sectionSize(what) >= log_view.STRETCH_MIN
    model = view.model
    row = next(r for r in range(model.rowCount()) if model.row(r).site_name == long_name)
    assert model.index(row, site).data(Qt.ItemDataRole.ToolTipRole) == long_name
    # A narrower window: "what happened" keeps its least, the site names give way.
    view.resize(900, 700)
    QCoreApplication.processEvents()
    assert header.sectionSize(what) >= log_view.STRETCH_MIN
    assert log_view.SITE_WIDTH <= header.sectionSize(site) < log_view.FITTED_MAX
    for button in (view.category, view.severity, view.status):
        room = button.sizeHint().width() - button.fontMetrics().horizontalAdvance(button.text())
        assert room >= button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator)


def everything(total: int) -> str:
    return QCoreApplication.translate("LogView", "%n report(s) on this workstation.", "", total)


def narrowed(qtbot: Any, view: LogView, expected: set[uuid.UUID]) -> None:
    """The table shows ``expected``, and the count line says "n of 4 … on this
    workstation" (in whatever language is loaded)."""
    qtbot.waitUntil(lambda: shown(view) == expected, timeout=2000)
    line = QCoreApplication.translate(
        "LogView", "%n of %1 reports on this workstation.", "", len(expected)
    )
    assert view.scope.text() == fill(line, 4)


def test_each_filter_narrows_the_table_and_the_count_line_says_so(
    qtbot: Any, view: LogView, ids: dict[str, uuid.UUID]
) -> None:
    view.period.setCurrentIndex(view.period.findData("30d"))
    narrowed(qtbot, view, {ids["shout"], ids["threat"], ids["here"]})
    view.period.setCurrentIndex(0)
    view.site.setCurrentIndex(view.site.findData("Stadhuis"))
    narrowed(qtbot, view, {ids["shout"], ids["old"]})
    view.site.setCurrentIndex(0)
    view.location.setCurrentIndex(view.location.findData("Telefoonteam"))
    narrowed(qtbot, view, {ids["threat"]})
    view.location.setCurrentIndex(0)
    view.category.actions_by_value[Category.PROPERTY_DAMAGE].setChecked(True)
    narrowed(qtbot, view, {ids["old"]})
    view.category.actions_by_value[Category.THREAT].setChecked(True)  # any of the chosen
    narrowed(qtbot, view, {ids["old"], ids["threat"]})
    assert view.category.text().endswith("+1")
    view.category.set_chosen(())
    view.apply_filters()
    view.severity.actions_by_value[Severity.CRITICAL].setChecked(True)
    narrowed(qtbot, view, {ids["threat"]})
    view.severity.actions_by_value[Severity.CRITICAL].setChecked(False)
    view.status.actions_by_value[IncidentStatus.CLOSED].setChecked(True)
    narrowed(qtbot, view, {ids["old"]})
    view.status.actions_by_value[IncidentStatus.CLOSED].setChecked(False)
    view.overdue.setChecked(True)
    narrowed(qtbot, view, {ids["shout"]})
    view.overdue.setChecked(False)
    view.alarm.setCurrentIndex(view.alarm.findData(True))
    narrowed(qtbot, view, {ids["threat"]})
    view.alarm.setCurrentIndex(view.alarm.findData(False))
    narrowed(qtbot, view, {ids["shout"], ids["old"], ids["here"]})
    view.clear_filters()
    qtbot.waitUntil(lambda: view.scope.text() == everything(4), timeout=2000)


def test_assigned_to_me_follows_the_signed_in_person(
    qtbot: Any, db: Database, ids: dict[str, uuid.UUID]
) -> None:
    class Me:
        enrolled = True
        logged_in = True
        role = Role.TEAM_LEAD
        user_id = ME
        site_shares_log = False

    service = LogService(db, clock=lambda: NOW)
    service.session = Me()  # type: ignore[assignment]
    widget = LogView(service)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.mine.isVisibleTo(widget)
    widget.mine.setChecked(True)
    qtbot.waitUntil(lambda: shown(widget) == {ids["shout"]}, timeout=2000)


def test_search_narrows_with_a_short_pause_and_esc_clears_it(
    qtbot: Any, view: LogView, ids: dict[str, uuid.UUID]
) -> None:
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()
    qtbot.keyClicks(view.search, "camerabeelden")  # in a note, not the description
    assert len(shown(view)) == 4  # typing does not search on every key
    narrowed(qtbot, view, {ids["shout"]})
    view.search.setText("WACHT")  # case does not matter; description or note
    narrowed(qtbot, view, {ids["shout"], ids["threat"], ids["old"]})
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.search.text() == ""
    assert len(shown(view)) == 4


def test_every_filter_is_reachable_by_tab(qtbot: Any, view: LogView) -> None:
    names = [
        "logSearch",
        "logFilterPeriod",
        "logFilterSite",
        "logFilterLocation",
        "logFilterCategory",
        "logFilterSeverity",
        "logFilterStatus",
        "logFilterAlarm",
        "logFilterOverdue",
    ]
    view.search.setFocus()
    seen = [view.focusWidget().objectName()]
    for _ in range(len(names) - 1):
        qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
        seen.append(view.focusWidget().objectName())
    assert seen == names
    for widget in view.filter_bar.findChildren(QPushButton):
        assert widget.objectName() and widget.accessibleName()


def test_sorting_on_a_column_header(qtbot: Any, view: LogView, ids: dict[str, uuid.UUID]) -> None:
    header = view.table.horizontalHeader()
    column = LogModel.COLUMNS.index(SortKey.SEVERITY)
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    order = [view.model.row(r).id for r in range(view.model.rowCount())]
    assert view.model.sort_key is SortKey.SEVERITY
    first_order = order
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    order = [view.model.row(r).id for r in range(view.model.rowCount())]
    assert order == list(reversed(first_order))
    # Ascending or descending: critical at one end, low at the other.
    ends = {first_order[0], first_order[-1]}
    assert ends == {ids["threat"], ids["old"]}


def test_a_saved_filter_comes_back_in_a_new_view(
    qtbot: Any, db: Database, view: LogView, ids: dict[str, uuid.UUID]
) -> None:
    view.severity.actions_by_value[Severity.CRITICAL].setChecked(True)
    view.period.setCurrentIndex(view.period.findData("30d"))
    view.save_current_filter("Ernstig deze maand")
    assert view.saved.currentText() == "Ernstig deze maand"
    view.close()

    again = LogView(LogService(db, clock=lambda: NOW))
    qtbot.addWidget(again)
    again.show()
    assert len(shown(again)) == 4
    index = again.saved.findData("Ernstig deze maand")
    assert index > 0
    again.saved.setCurrentIndex(index)
    again.saved.activated.emit(index)
    assert shown(again) == {ids["threat"]}
    assert again.period.currentData() == "30d"
    assert again.severity.chosen() == {Severity.CRITICAL}
    again._delete_saved()
    assert again.saved.findData("Ernstig deze maand") < 0


def test_enter_and_double_click_open_the_report(
    qtbot: Any, view: LogView, ids: dict[str, uuid.UUID]
) -> None:
    view.table.setFocus()
    view.table.selectRow(1)
    wanted = view.model.row(1).id
    with qtbot.waitSignal(view.openRequested, timeout=1000) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [wanted]
    index = view.model.index(2, 0)
    rect = view.table.visualRect(index)
    # QTest's double click needs the press of a first click on the same cell.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.openRequested, timeout=1000) as opened:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [view.model.row(2).id]


# -- Who sees which areas ------------------------------------------------------------------------


def _link(role: str | None, shares: bool = False) -> None:
    """This workstation linked (to a closed loopback port: sync stays offline), and
    ``role`` signed in (None: nobody)."""
    settings.SERVER_URL.set("http://127.0.0.1:9")
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "station-token")
    if role is not None:
        secrets.set_secret(secrets.USER_TOKEN, "user-token")
        settings.LOGGED_IN_USER.set("Els de Vries")
        settings.LOGGED_IN_USERNAME.set("els")
        settings.LOGGED_IN_ROLE.set(role)
        settings.LOGGED_IN_USER_ID.set(str(ME))
        settings.SITE_SHARES_LOG.set(shares)


@pytest.fixture
def linked(request: pytest.FixtureRequest) -> tuple[str | None, bool]:
    """Who sits behind the workstation, set before the window is built (indirect)."""
    role, shares = request.param
    if role != "local":
        _link(role, shares)
    return role, shares


def visible(window: MainWindow) -> list[str]:
    return [key for key in window.AREAS if window._nav_buttons[key].isVisibleTo(window)]


BASE = ["report", "my_reports", "help"]


@pytest.mark.parametrize(
    ("linked", "review"),
    [
        (("local", False), ["log", "followup", "overview"]),
        ((Role.TEAM_LEAD.value, False), ["log", "followup", "overview"]),
        ((Role.COORDINATOR.value, False), ["log", "followup", "overview"]),
        ((Role.SECURITY.value, True), ["log"]),
        ((Role.SECURITY.value, False), []),
        ((Role.EMPLOYEE.value, True), ["log"]),
        ((Role.EMPLOYEE.value, False), []),
        ((None, False), []),  # a linked workstation with nobody signed in
    ],
    indirect=["linked"],
)
def test_navigation_follows_the_role(
    qtbot: Any, linked: tuple[str | None, bool], main_window: MainWindow, review: list[str]
) -> None:
    window = main_window
    role = linked[0]
    # Toezicht: security, team leads and coördinators.
    supervision = ["supervision"] if role in ("security", "team_lead", "coordinator") else []
    expected = [*BASE, *(k for k in review if k in window.AREAS), *supervision, "settings"]
    assert visible(window) == expected
    # Ctrl+number follows what is shown.
    for number, key in enumerate(expected, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_area() == key


@pytest.mark.parametrize("linked", [(Role.TEAM_LEAD.value, False)], indirect=True)
def test_signing_out_takes_the_log_away(
    qtbot: Any, linked: tuple[str | None, bool], main_window: MainWindow
) -> None:
    window = main_window
    window.show_area("log")
    assert window.current_area() == "log"
    assert window.log_service.viewer().sees_team_lead_only
    window.context.session.logout()
    qtbot.waitUntil(lambda: "log" not in visible(window), timeout=3000)
    assert window.current_area() == "report"
    assert "overview" not in visible(window)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    """A real server whose site shares its log with employees."""
    users = (("mdewit", "Marieke de Wit", "employee"),)
    with site_server(tmp_path_factory, 1, users) as started:
        yield started


@pytest.mark.timeout(120)
def test_an_employee_sees_the_log_where_the_server_says_the_site_shares_it(
    qtbot: Any, server: tuple[RunningServer, list[str]], main_window: MainWindow
) -> None:
    running, codes = server
    window = main_window
    session = window.context.session
    with qtbot.waitSignal(session.enrol_finished, timeout=15000) as enrolled:
        session.enrol(running.base_url, codes[0])
    assert enrolled.args[0] is None
    assert "log" not in visible(window)  # linked, nobody signed in
    with qtbot.waitSignal(session.login_finished, timeout=15000) as signed_in:
        session.login("mdewit", PASSWORD)
    assert signed_in.args[0] is None
    assert session.role is Role.EMPLOYEE and session.user_id is not None
    # The sharing comes from /me, asked right after signing in.
    qtbot.waitUntil(lambda: "log" in visible(window), timeout=15000)
    assert session.site_shares_log
    assert "overview" not in visible(window)
    assert not window.log_service.viewer().sees_team_lead_only


def test_an_employee_reading_a_shared_log_sees_no_follow_up(
    qtbot: Any, db: Database, ids: dict[str, uuid.UUID]
) -> None:
    class Employee:
        enrolled = True
        logged_in = True
        role = Role.EMPLOYEE
        user_id = ME
        site_shares_log = True

    private = pull(db, report("Collega werd geïntimideerd.", 1, team_lead_only=True))
    service = LogService(db, clock=lambda: NOW)
    service.session = Employee()  # type: ignore[assignment]
    widget = LogView(service)
    qtbot.addWidget(widget)
    widget.show()
    for key in (SortKey.FOLLOWUP, SortKey.ASSIGNEE):
        assert widget.table.isColumnHidden(LogModel.COLUMNS.index(key))
    assert not widget.overdue.isVisibleTo(widget) and not widget.mine.isVisibleTo(widget)
    assert shown(widget) == set(ids.values())  # the team lead's own report left out
    assert private not in shown(widget)
