"""Toezicht against a REAL server and REAL client processes: the viewer is this process's
client (AppContext.open, enrolled as balie-1, security signed in) with SupervisionView
inside a real MainWindow; balie-2 and balie-3 are alarm_station.py --app processes on the
server and on the loopback LAN.

- the board lists every workstation online, reachable over the server and the LAN;
- balie-3 is SIGKILLed during opening hours: the board shows it offline and flagged, the
  notification came once, and a fresh view (as after a restart) does not tell it again;
- the alarm log tells each alarm's story (received by, answered by whom how fast, the
  escalation step, no report) and the test alarms tab the last test per station;
- an employee gets 403 from the board route, and the view tells a non-watcher why it is
  empty; a coördinator chooses the site.
"""

from __future__ import annotations

import re
import signal
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt, QTime

from tests.e2e.drivers.sync_kit import PASSWORD, admin, login, setup_site
from tests.e2e.test_alarm_server_clients import AppStation
from tests.support.net import LOOPBACK, free_udp_port, random_group
from tests.support.server import RunningServer, running_server
from veiligbalie import settings
from veiligbalie.core.vocabulary import Role
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.main_window import MainWindow
from veiligbalie.ui.supervision import StationBoard, SupervisionView

pytestmark = [pytest.mark.timeout(240)]

USERS = (
    ("bveilig", "Bea Veilig", "security"),
    ("tleider", "Tom Leider", "team_lead"),
    ("mdewit", "Marieke de Wit", "employee"),
    ("cagg", "Cor Coördinator", "coordinator"),
    ("beheer", "Ben Beheer", "administrator"),
)
#: Drop-outs seen fast: 1 s of grace, a look every 0.3 s.
FAST = {
    "VEILIGBALIE_DROPOUT_GRACE_SECONDS": "1",
    "VEILIGBALIE_SUPERVISION_INTERVAL_SECONDS": "0.3",
    "VEILIGBALIE_SERVER_PING_SECONDS": "2",
}


class Office:
    def __init__(self, server: RunningServer, codes: list[str], folder: Path) -> None:
        self.server = server
        self.codes = codes
        self.folder = folder
        self.network = (free_udp_port(), random_group())
        self.stations: dict[str, AppStation] = {}

    def api(self, method: str, path: str, who: str, **kw: Any) -> httpx.Response:
        token = login(self.server, who)
        return httpx.request(
            method,
            f"{self.server.base_url}/api/v1{path}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
            **kw,
        )

    def acknowledge(self, alarm_id: str, who: str) -> None:
        """ "Ik kom eraan" from a signed-in person (the team lead's phone or desk)."""
        body = {"alarm_id": alarm_id, "at": datetime.now(UTC).isoformat()}
        answer = self.api("POST", f"/alarms/{alarm_id}/acknowledge", who, json=body)
        assert answer.status_code == 200, answer.text

    def site_id(self) -> str:
        sites = self.api("GET", "/admin/sites", "beheer").json()
        return str(next(s["id"] for s in sites if s["name"] == "Stadhuis"))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    folder = tmp_path_factory.mktemp("supervision")
    with running_server(f"sqlite:///{folder / 'server.sqlite3'}", env=FAST) as server:
        site = setup_site(server, workstations=4, users=USERS)
        admin(server, "site", "create", "--name", "Stadswinkel Noord")
        made = Office(server, site.codes, folder)
        # Open all week, so a drop-out now is one; tests weekly on Monday.
        hours = [{"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(7)]
        answer = made.api(
            "PUT",
            f"/admin/sites/{made.site_id()}/supervision",
            "beheer",
            json={"opening_hours": hours, "test_weekday": 0},
        )
        assert answer.status_code == 200, answer.text
        ladder = {
            "levels": [
                {"delay_seconds": 0, "targets": ["colleagues"]},
                {"delay_seconds": 1, "targets": ["security", "team_lead"]},
            ]
        }
        answer = made.api("PUT", f"/admin/sites/{made.site_id()}/escalation", "beheer", json=ladder)
        assert answer.status_code == 200, answer.text
        for name, code in (("balie-2", site.codes[1]), ("balie-3", site.codes[2])):
            station = AppStation(name, folder / name, made.network)
            made.stations[name] = station
            station.wait("ready", 60)
            enrolled = station.ask(f"enrol {server.base_url} {code}", "enrolled", 30)
            assert enrolled["ok"], enrolled
            station.station_id = enrolled["station_id"]
        try:
            yield made
        finally:
            for station in made.stations.values():
                station.stop()


@pytest.fixture
def opened(qtbot: Any) -> Iterator[list[tuple[AppContext, MainWindow]]]:
    """The viewers a test opened, closed at its end (before qtbot's own teardown)."""
    made: list[tuple[AppContext, MainWindow]] = []
    yield made
    for context, window in made:
        close(context, window)


def viewer(
    qtbot: Any,
    office: Office,
    username: str,
    code: str,
    opened: list[tuple[AppContext, MainWindow]],
) -> tuple[AppContext, MainWindow]:
    """This process's client, on the same loopback LAN, enrolled and signed in."""
    settings.STATION_NAME.set("balie-1")
    settings.STATION_LOCATION.set("Publiekshal, balie 1")
    settings.ALARM_SOUND.set(False)
    settings.ALARM_LAN_INTERFACE.set(LOOPBACK)
    settings.ALARM_LAN_PORT.set(office.network[0])
    settings.ALARM_LAN_GROUP.set(office.network[1])
    context = AppContext.open(Database.open())
    window = MainWindow(context)
    opened.append((context, window))
    session = context.session
    assert session is not None
    with qtbot.waitSignal(session.enrol_finished, timeout=30000) as enrolled:
        session.enrol(office.server.base_url, code)
    assert enrolled.args[0] is None
    with qtbot.waitSignal(session.login_finished, timeout=30000) as signed_in:
        session.login(username, PASSWORD)
    assert signed_in.args[0] is None
    return context, window


def board_rows(view: SupervisionView) -> dict[str, dict[str, str]]:
    table = view.board.table
    headers = StationBoard.COLUMNS
    return {
        table.item(r, 0).text(): {
            key: table.item(r, c).text() for c, key in enumerate(headers) if table.item(r, c)
        }
        for r in range(table.rowCount())
    }


_CLOSED: list[MainWindow] = []


def dropped(texts: list[str], name: str) -> list[str]:
    """The drop-out notices of one station."""
    return [text for text in texts if name in text and "went offline" in text]


def close(context: AppContext, window: MainWindow) -> None:
    if window.context is None:
        return
    window._quitting = True
    window.close()
    window.alarm_popup.close()
    context.close()
    window.context = None
    # Kept, not deleted: a closed engine may still finish a request and tell the window's
    # settings page, which must still be there.
    _CLOSED.append(window)


def test_board_flags_a_killed_station_once_and_the_logs_tell_the_story(
    qtbot: Any, office: Office, opened: list[tuple[AppContext, MainWindow]]
) -> None:
    context, window = viewer(qtbot, office, "bveilig", office.codes[0], opened)
    notified: list[str] = []
    window.notified.connect(notified.append)
    view = SupervisionView(context, window)
    view.resize(1200, 700)
    board = view.board
    assert view.objectName() == "supervisionView" and board.objectName() == "stationBoard"
    assert view.alarm_log.objectName() == "alarmLog"
    assert view.test_alarms.objectName() == "testAlarms"
    assert view.tabs.count() == 3

    # Every workstation; the two processes online over the server and over the LAN.
    def everyone_on_both() -> bool:
        rows = board_rows(view)
        return all(
            rows.get(name, {}).get("reach") == board.reach_text("both")
            for name in ("balie-2", "balie-3")
        )

    qtbot.waitUntil(everyone_on_both, timeout=40000)
    rows = board_rows(view)
    assert set(rows) == {"balie-1", "balie-2", "balie-3", "balie-4"}
    assert rows["balie-1"]["status"] == board.tr("Online")
    # balie-4 was added but never linked: waiting, as Beheer says it, and no drop-out.
    assert rows["balie-4"]["status"] == "Waiting for linking"
    assert rows["balie-4"]["reach"] == board.reach_text("none")
    waiting = next(r for r in view.service.rows if r.station.name == "balie-4")
    assert not waiting.station.enrolled and not waiting.flagged
    assert not dropped(notified, "balie-4")
    assert not dropped(notified, "balie-3")
    # Never tested under a weekly schedule: a reminder, once per linked station; balie-4
    # cannot send a test alarm before it is linked, so it is not late with one.
    assert len([t for t in notified if "balie-2" in t and "not tested" in t]) == 1
    assert not [t for t in notified if "balie-4" in t and "not tested" in t]
    assert rows["balie-2"]["test"] == board.tr("Test overdue")
    assert rows["balie-4"]["test"] == ""
    assert "3 not tested within the schedule" in board.summary.text()

    # balie-3 dies (SIGKILL: no goodbye) during opening hours. No asking on a timer from
    # here on: what the board shows next comes from the stream's events.
    view.service.set_slow_refresh(0)
    killed = office.stations["balie-3"]
    killed.proc.send_signal(signal.SIGKILL)
    killed.proc.wait(10)
    qtbot.waitUntil(
        lambda: board_rows(view)["balie-3"]["status"] == board.tr("Dropped out"), timeout=40000
    )
    row = board_rows(view)["balie-3"]
    assert row["since"]
    assert len(dropped(notified, "balie-3")) == 1, notified
    # Asked again (and the slow refresh, and every stream nudge): not told again.
    for _ in range(3):
        with qtbot.waitSignal(view.service.board_loaded, timeout=15000):
            view.service.refresh_board()
    assert len(dropped(notified, "balie-3")) == 1
    assert "1" in view.tabs.tabText(0)
    # A fresh view (what a restart of the viewer builds): the drop-out is still flagged but
    # not told again; what was told is kept in the station's settings.
    again = SupervisionView(context, window)
    with qtbot.waitSignal(again.service.board_loaded, timeout=15000):
        pass
    qtbot.waitUntil(lambda: "balie-3" in board_rows(again), timeout=15000)
    assert board_rows(again)["balie-3"]["status"] == board.tr("Dropped out")
    assert not dropped([text for _, text in again.notices], "balie-3")
    assert len(dropped(notified, "balie-3")) == 1
    again.service.stop()

    # Alarms: one answered after an escalation, one answered at once, one test.
    sender = office.stations["balie-2"]
    slow = sender.ask("raise silent aggression", "sent")["alarm_id"]
    qtbot.waitUntil(lambda: context.alarms.get(uuid.UUID(slow)) is not None, timeout=15000)
    qtbot.waitUntil(
        lambda: any(s.alarm.id == uuid.UUID(slow) and s.escalations for s in view.service.stories),
        timeout=20000,
    )
    office.acknowledge(slow, "tleider")
    quick = sender.ask("raise silent medical", "sent")["alarm_id"]
    qtbot.waitUntil(lambda: context.alarms.get(uuid.UUID(quick)) is not None, timeout=15000)
    office.acknowledge(quick, "tleider")
    test = sender.ask("raise silent aggression test", "sent")["alarm_id"]

    def answered(alarm_id: str) -> bool:
        story = next((s for s in view.service.stories if str(s.alarm.id) == alarm_id), None)
        return story is not None and bool(story.answers)

    qtbot.waitUntil(lambda: answered(slow) and answered(quick), timeout=20000)
    log = view.alarm_log
    table = log.table
    assert table.rowCount() >= 3
    by_id = {table.item(r, 0).data(0x0100): r for r in range(table.rowCount())}
    slow_row = by_id[slow]
    assert table.item(slow_row, 3).text() == "Collega balie-2"
    assert table.item(slow_row, 3).toolTip() == "Collega balie-2 (balie-2)"
    assert "Tom Leider" in table.item(slow_row, 5).text()
    assert table.item(slow_row, 6).text()  # an escalation step
    assert table.item(slow_row, 7).text() == log.tr("no report")
    table.selectRow(slow_row)
    # The full story, with the log as the server keeps it.
    # The log (as the server keeps it, one row per level): level 0 went to the colleagues
    # with the alarm, level 1 to security and the team leads together: one row each.
    level_1 = "escalated (level 1: security, team leads)"
    qtbot.waitUntil(lambda: level_1 in log.story.toPlainText(), timeout=10000)
    story = log.story.toPlainText()
    assert story.count(level_1) == 1
    assert story.count("alerted (level 0: colleagues)") == 1
    assert story.count(log.kind_text("escalated")) == 1
    assert "Tom Leider" in story and log.target_text("security") in story and "balie-1" in story
    assert log.kind_text("raised") in story and log.kind_text("acknowledged") in story

    # The test alarm: heard at balie-1 (balie-3 is dead), on the test tab. Its delivered log
    # is written a moment after the alarm (batched), and the tab may have been read in
    # between (the slow refresh is off): asked again until the server has it.
    def tested() -> bool:
        overview = view.service.tests
        mine = {s.name: s for s in overview.stations}["balie-2"] if overview else None
        if mine is not None and mine.last_test is not None and str(mine.last_test.alarm_id) == test:
            if mine.last_test.result != "missed":
                return True
        if time.monotonic() - asked[0] > 0.5:
            asked[0] = time.monotonic()
            view.service.refresh_tests()
        return False

    asked = [time.monotonic()]

    qtbot.waitUntil(tested, timeout=20000)
    tests = view.test_alarms.table
    rows_t = {tests.item(r, 0).text(): r for r in range(tests.rowCount())}
    result = tests.item(rows_t["balie-2"], 2).text()
    assert result in (
        view.test_alarms.result_text("heard"),
        view.test_alarms.result_text("answered"),
    )
    assert "balie-1" in tests.item(rows_t["balie-2"], 3).text()
    assert tests.item(rows_t["balie-4"], 1).text() == view.test_alarms.tr("never")
    assert tests.item(rows_t["balie-4"], 5).text() == ""  # not linked: no reminder
    assert tests.item(rows_t["balie-1"], 5).text()  # linked, never tested: the reminder
    # Signing out takes the site's picture away.
    assert context.session is not None
    with qtbot.waitSignal(context.session.logout_finished, timeout=15000):
        context.session.logout()
    qtbot.waitUntil(lambda: view.board.table.rowCount() == 0, timeout=5000)
    assert view.alarm_log.table.rowCount() == 0 and not view.message.isHidden()


def test_who_may_see_the_board(
    qtbot: Any, office: Office, opened: list[tuple[AppContext, MainWindow]]
) -> None:
    for who, status in (("mdewit", 403), ("beheer", 403), ("tleider", 200), ("bveilig", 200)):
        answer = office.api("GET", "/supervision/board", who)
        assert answer.status_code == status, (who, answer.text)
    # An employee signed in: the view says why it stays empty, and asks nothing.
    context, window = viewer(qtbot, office, "mdewit", office.codes[3], opened)
    assert context.session is not None and context.session.role is Role.EMPLOYEE
    view = SupervisionView(context, window)
    assert not view.message.isHidden() and "security" in view.message.text()
    assert view.board.table.rowCount() == 0


def test_a_coordinator_chooses_the_site(
    qtbot: Any, office: Office, opened: list[tuple[AppContext, MainWindow]]
) -> None:
    code = fresh_code(office, "Stadswinkel Noord", "noord-1")
    context, window = viewer(qtbot, office, "cagg", code, opened)
    view = SupervisionView(context, window)
    qtbot.waitUntil(lambda: view.site.count() == 2, timeout=20000)
    assert view.site.isVisibleTo(view)
    assert view.site.currentText() == "Stadhuis"  # a coördinator of no site: the first
    qtbot.waitUntil(lambda: view.board.table.rowCount() == 4, timeout=20000)
    with qtbot.waitSignal(view.service.board_loaded, timeout=15000):
        view.site.setCurrentIndex(view.site.findText("Stadswinkel Noord"))
    qtbot.waitUntil(lambda: set(board_rows(view)) == {"noord-1"}, timeout=15000)
    assert "Stadswinkel Noord" in view.board.summary.text()


def fresh_code(office: Office, site: str, name: str) -> str:
    out = admin(
        office.server, "workstation", "create", "--site", site,
        "--name", name, "--location", f"{name}, publiekshal",
    )  # fmt: skip
    code = re.search(r"enrolment code: (\S+)", out)
    assert code, out
    return code.group(1)


def test_the_administrator_sets_opening_hours_and_the_test_schedule(
    qtbot: Any, office: Office, opened: list[tuple[AppContext, MainWindow]]
) -> None:
    from veiligbalie.ui.supervision_settings import SiteScheduleEditor

    sites = office.api("GET", "/admin/sites", "beheer").json()
    north = uuid.UUID(next(s["id"] for s in sites if s["name"] == "Stadswinkel Noord"))
    context, window = viewer(
        qtbot, office, "beheer", fresh_code(office, "Stadhuis", "beheer-1"), opened
    )
    editor = SiteScheduleEditor(context, north, window)
    assert editor.objectName() == "siteScheduleEditor"
    qtbot.waitUntil(lambda: editor.current is not None, timeout=15000)
    assert editor.current is not None and editor.current.default
    assert [box.isChecked() for box in editor.open_boxes] == [True] * 5 + [False] * 2
    # Saturday morning too, Friday until midnight; tested weekly on Wednesday.
    editor.open_boxes[5].setChecked(True)
    editor.opens[5].setTime(QTime(9, 0))
    editor.closes[5].setTime(QTime(12, 30))
    editor.closes[4].setTime(QTime(0, 0))
    editor.mode.setCurrentIndex(editor.MODES.index("weekly"))
    editor.weekday.setCurrentIndex(2)
    with qtbot.waitSignal(editor.service.saved, timeout=15000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.status.text() == editor.tr("Saved.")
    stored = office.api("GET", f"/admin/sites/{north}/supervision", "beheer").json()
    assert {"weekday": 5, "opens": "09:00", "closes": "12:30"} in stored["opening_hours"]
    assert {"weekday": 4, "opens": "08:00", "closes": "24:00"} in stored["opening_hours"]
    assert stored["test_weekday"] == 2 and stored["updated_by"] == "beheer"
    audit = office.api("GET", "/audit", "beheer", params={"limit": 50})
    assert "site_supervision_set" in audit.text
    # A closing time before the opening time: the server's message, nothing stored.
    editor.opens[0].setTime(QTime(17, 0))
    editor.closes[0].setTime(QTime(9, 0))
    with qtbot.waitSignal(editor.service.failed, timeout=15000):
        editor.save()
    assert "is not after opening time" in editor.status.text()
    # Alarmering's site chooser: another site's settings.
    town = uuid.UUID(next(s["id"] for s in sites if s["name"] == "Stadhuis"))
    editor.set_site(town)
    qtbot.waitUntil(lambda: editor.current is not None, timeout=15000)
    assert editor.current is not None and editor.current.site_name == "Stadhuis"
    assert all(box.isChecked() for box in editor.open_boxes)  # open all week (the fixture)
    # A team lead is refused by the server (403), and the editor says so.
    lead, lead_window = viewer(
        qtbot, office, "tleider", fresh_code(office, "Stadhuis", "lead-1"), opened
    )
    refused = SiteScheduleEditor(lead, north, lead_window)
    qtbot.waitUntil(lambda: bool(refused.status.text()), timeout=15000)
    assert "may not" in refused.status.text()
    answer = office.api("PUT", f"/admin/sites/{north}/supervision", "tleider", json={})
    assert answer.status_code == 403


def test_the_story_stays_readable_in_a_narrow_pane(qtbot) -> None:  # noqa: ANN001
    """The story's log is two columns (time; what, with who and the path under it), the
    pane keeps room to read, and what the server did itself says "server" once."""
    from veiligbalie.protocol import supervision as sv
    from veiligbalie.services.supervision import SupervisionService
    from veiligbalie.ui.supervision import AlarmLog

    at = datetime(2026, 12, 3, 9, 30, tzinfo=UTC).isoformat()
    alarm_id = str(uuid.uuid4())
    story = sv.AlarmStory.model_validate(
        {
            "alarm": {"id": alarm_id, "station_name": "balie-2", "raised_at": at},
            "log": [
                {"kind": "raised", "actor": "Sanne de Vries", "at": at, "recorded_at": at},
                {
                    "kind": "escalated",
                    "actor": "server",
                    "data": {"level": 1},
                    "at": at,
                    "recorded_at": at,
                },
                {
                    "kind": "acknowledged",
                    "actor": "Tom Leider",
                    "path": "lan",
                    "at": at,
                    "recorded_at": at,
                },
            ],
        }
    )
    view = AlarmLog(SupervisionService(api=lambda: None, role=lambda: Role.TEAM_LEAD))
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show_alarms([story])
    view.table.selectRow(0)
    assert view.story.minimumWidth() >= 260
    text = view.story_html(story)
    rows = re.findall(r"<tr>(.*?)</tr>", text)
    assert len(rows) == 3 and all(row.count("<td") == 2 for row in rows)
    lines = view.story.toPlainText()
    assert "Sanne de Vries · server" in lines
    assert "Tom Leider · LAN" in lines
    assert "server · server" not in lines
