"""Toezicht: for security, team leads and coördinators of a site (a coördinator chooses the
site). Three tabs: the Werkplekkenbord (every workstation, online or offline since when,
reachable over the server, the LAN or both, drop-outs during opening hours flagged), the
Alarmlogboek (each alarm's story: who got it over which path, who answered how fast,
escalation, report) and Testalarmen (each station's last test and the reminder when one is
overdue). Drop-outs and overdue tests are told once through the main window's notify."""

from __future__ import annotations

import html
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import AlarmType
from veiligbalie.services.supervision import BoardRow, SupervisionService
from veiligbalie.services.supervision import wire as sv
from veiligbalie.ui.alarm_popup import type_label
from veiligbalie.ui.labels import escalation_target_label, workstation_state_label

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

FLAG = QColor("#fde2e1")
FLAG_TEXT = QColor("#b71c1c")
OFFLINE_TEXT = QColor("#616161")
DUE = QColor("#fff4d6")
_ROLE_ID = Qt.ItemDataRole.UserRole


def _local(moment: datetime | None, with_date: bool = True) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    today = datetime.now().astimezone().date()
    if not with_date or local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%d-%m-%Y %H:%M")


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.0f} min"


def sender_text(person: str, station: str) -> str:
    """ "Marieke de Wit (balie-2)", or whichever of the two is known."""
    if person and station and person != station:
        return f"{person} ({station})"
    return person or station


def _table(parent: QWidget, name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


class StationBoard(QWidget):
    """Werkplekkenbord: one row per workstation of the site."""

    COLUMNS = ("name", "location", "status", "since", "reach", "version", "test")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationBoard")
        self.setAccessibleName(self.tr("Station board"))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        self.summary = QLabel(self)
        self.summary.setObjectName("stationBoardSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.summary)
        self.table = _table(
            self,
            "stationBoardTable",
            self.tr("Workstations of the site"),
            [
                self.tr("Workstation"),
                self.tr("Location"),
                self.tr("Status"),
                self.tr("Since"),
                self.tr("Reachable via"),
                self.tr("Client version"),
                self.tr("Last test"),
            ],
        )
        column.addWidget(self.table, 1)
        self.hours = QLabel(self)
        self.hours.setObjectName("stationBoardHours")
        self.hours.setWordWrap(True)
        column.addWidget(self.hours)

    def reach_text(self, reach: str) -> str:
        return {
            "both": self.tr("Server and LAN"),
            "server": self.tr("Server"),
            "lan": self.tr("LAN only"),
            "none": self.tr("Not reachable"),
        }[reach]

    def status_text(self, row: BoardRow) -> str:
        if row.flagged:
            return self.tr("Dropped out")
        # As Beheer → Werkplekken says it: a never-linked one is waiting, a revoked one
        # revoked, not offline.
        station = row.station
        return workstation_state_label(station.online, station.enrolled, station.revoked)

    def show_board(self, board: sv.StationBoard, rows: list[BoardRow]) -> None:
        self.table.setRowCount(len(rows))
        flagged = sum(1 for r in rows if r.flagged)
        online = sum(1 for r in rows if r.station.online)
        due = sum(1 for r in rows if r.station.test_due_since is not None)
        for number, row in enumerate(rows):
            s = row.station
            since = s.dropout.since if s.dropout is not None else s.since
            test = ""
            if s.test_due_since is not None:
                test = self.tr("Test overdue")
            elif s.last_test is not None:
                test = _local(s.last_test.at)
            cells = [
                _item(s.name),
                _item(s.location),
                _item(self.status_text(row)),
                _item(_local(since)),
                _item(self.reach_text(row.reach)),
                _item(s.client_version or ""),
                _item(test),
            ]
            if row.flagged:
                font = cells[2].font()
                font.setBold(True)
                cells[2].setFont(font)
            for col, cell in enumerate(cells):
                cell.setData(_ROLE_ID, str(s.workstation_id))
                if row.flagged:
                    cell.setBackground(QBrush(FLAG))
                    cell.setForeground(QBrush(FLAG_TEXT))
                elif not s.online:
                    cell.setForeground(QBrush(OFFLINE_TEXT))
                if col == 6 and s.test_due_since is not None and not row.flagged:
                    cell.setBackground(QBrush(DUE))
                self.table.setItem(number, col, cell)
        state = self.tr("open now") if board.open_now else self.tr("closed now")
        parts = [
            fill(self.tr("<b>%1</b> — %2"), html.escape(board.site_name), state),
            fill(self.tr("%1 of %2 workstations online"), str(online), str(len(rows))),
        ]
        if flagged:
            parts.append(
                '<span style="color:#b71c1c"><b>'
                + self.tr("%n dropped out during opening hours", "", flagged)
                + "</b></span>"
            )
        if due:
            parts.append(self.tr("%n not tested within the schedule", "", due))
        self.summary.setText(" · ".join(parts))
        self.hours.setText(opening_hours_text(board.settings))


def weekday_names() -> list[str]:
    from PySide6.QtCore import QCoreApplication

    return [
        QCoreApplication.translate("SupervisionView", "Mon"),
        QCoreApplication.translate("SupervisionView", "Tue"),
        QCoreApplication.translate("SupervisionView", "Wed"),
        QCoreApplication.translate("SupervisionView", "Thu"),
        QCoreApplication.translate("SupervisionView", "Fri"),
        QCoreApplication.translate("SupervisionView", "Sat"),
        QCoreApplication.translate("SupervisionView", "Sun"),
    ]


def opening_hours_text(settings: sv.SupervisionSettingsOut) -> str:
    from PySide6.QtCore import QCoreApplication

    days = weekday_names()
    hours = ", ".join(
        f"{days[p.weekday]} {p.opens}–{p.closes}" for p in settings.opening_hours
    ) or QCoreApplication.translate("SupervisionView", "none")
    return fill(QCoreApplication.translate("SupervisionView", "Opening hours: %1"), hours)


class AlarmLog(QWidget):
    """Alarmlogboek: the site's alarms; the chosen one's whole story beside it."""

    def __init__(self, service: SupervisionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("alarmLog")
        self.setAccessibleName(self.tr("Alarm log"))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("alarmLogSplit")
        self.table = _table(
            split,
            "alarmLogTable",
            self.tr("Alarms of the site"),
            [
                self.tr("When"),
                self.tr("Type"),
                self.tr("Place"),
                self.tr("Sender"),
                self.tr("Received by"),
                self.tr("First answer"),
                self.tr("Escalated"),
                self.tr("Report"),
            ],
        )
        self.table.itemSelectionChanged.connect(self._chosen)
        self.story = QTextBrowser(split)
        self.story.setObjectName("alarmStory")
        self.story.setAccessibleName(self.tr("The alarm's story"))
        self.story.setOpenLinks(False)
        # The table scrolls sideways; the story only wraps, so it keeps room to read.
        self.story.setMinimumWidth(260)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.story)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        split.setSizes([820, 300])
        column.addWidget(split, 1)
        self.empty = QLabel(self.tr("No alarms at this site yet."), self)
        self.empty.setObjectName("alarmLogEmpty")
        self.empty.hide()
        column.addWidget(self.empty)
        self._stories: dict[str, sv.AlarmStory] = {}
        service.story_loaded.connect(self._show_full)

    def show_alarms(self, stories: list[sv.AlarmStory]) -> None:
        chosen = self.chosen_id()
        self._stories = {str(s.alarm.id): s for s in stories}
        self.table.blockSignals(True)
        self.table.setRowCount(len(stories))
        for number, story in enumerate(stories):
            a = story.alarm
            first = min(story.answers, key=lambda x: x.seconds) if story.answers else None
            kind = type_label(AlarmType(a.type))
            if a.test:
                kind = fill(self.tr("%1 (test)"), kind)
            when = _local(a.raised_at)
            if a.late:
                when = fill(self.tr("%1 (reported afterwards)"), when)
            cells = [
                _item(when),
                _item(kind),
                _item(a.location),
                _item(a.raised_by or a.station_name, sender_text(a.raised_by, a.station_name)),
                _item(str(len({d.station_name for d in story.deliveries}))),
                _item(
                    fill(self.tr("%1, %2"), first.responder, _seconds(first.seconds))
                    if first
                    else self.tr("nobody")
                ),
                _item(
                    self.tr("%n step(s)", "", len(story.escalations)) if story.escalations else ""
                ),
                _item(self._report_text(story)),
            ]
            for col, cell in enumerate(cells):
                cell.setData(_ROLE_ID, str(a.id))
                if first is None and not a.test:
                    cell.setForeground(QBrush(FLAG_TEXT))
                self.table.setItem(number, col, cell)
            if str(a.id) == chosen:
                self.table.selectRow(number)
        self.table.blockSignals(False)
        self.empty.setVisible(not stories)
        if chosen is None and stories:
            self.table.selectRow(0)
        self._chosen()

    def _report_text(self, story: sv.AlarmStory) -> str:
        if story.report is None:
            return self.tr("no report")
        return story.report.reference or self.tr("report made")

    def chosen_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(_ROLE_ID)) if item is not None else None

    def _chosen(self) -> None:
        chosen = self.chosen_id()
        story = self._stories.get(chosen or "")
        if story is None:
            self.story.clear()
            return
        self.story.setHtml(self.story_html(story))
        self.service.load_story(story.alarm.id)

    def _show_full(self, story: sv.AlarmStory) -> None:
        if str(story.alarm.id) == self.chosen_id():
            self.story.setHtml(self.story_html(story))

    def path_text(self, path: str) -> str:
        return {
            "server": self.tr("server"),
            "lan": self.tr("LAN"),
            "webhook": self.tr("webhook"),
        }.get(path, path)

    def target_text(self, target: str) -> str:
        """Whom an escalation level alerted."""
        return escalation_target_label(target)

    def kind_text(self, kind: str) -> str:
        """A line of the alarm's log, named as the people reading it say it."""
        return {
            "raised": self.tr("raised"),
            "delivered": self.tr("received"),
            "acknowledged": self.tr("answered"),
            "escalated": self.tr("escalated"),
            "webhook_sent": self.tr("webhook sent"),
            "webhook_failed": self.tr("webhook failed"),
            "resolved": self.tr("resolved"),
            "cancelled": self.tr("cancelled (mistake)"),
        }.get(kind, kind)

    def line_text(self, kind: str, data: dict[str, Any]) -> str:
        """A line of the alarm's log; an escalation names its level and whom it went to (one
        line per level: a level with two targets is one step, not two)."""
        if kind != "escalated" and data.get("late"):
            return fill(self.tr("%1 (reported afterwards)"), self.kind_text(kind))
        if kind != "escalated":
            return self.kind_text(kind)
        level = str(data.get("level", "?"))
        names = [self.target_text(str(x)) for x in data.get("targets") or []]
        if data.get("webhook"):
            names.append(self.path_text("webhook"))
        if data.get("with_raise"):
            return fill(self.tr("alerted (level %1: %2)"), level, ", ".join(names))
        if names:
            return fill(self.tr("escalated (level %1: %2)"), level, ", ".join(names))
        return fill(self.tr("escalated (level %1)"), level)

    def story_html(self, story: sv.AlarmStory) -> str:
        a = story.alarm
        e = html.escape
        kind = type_label(AlarmType(a.type))
        if a.test:
            kind = fill(self.tr("%1 (test)"), kind)
        heading = {
            "received": self.tr("Received"),
            "answered": self.tr("Answered"),
            "escalation": self.tr("Escalation"),
            "report": self.tr("Report"),
            "log": self.tr("Log"),
        }
        nobody_received = self.tr("No other station received it over the server.")
        nobody_answered = self.tr("Nobody answered.")
        out = [
            f"<h3>{e(kind)} — {e(a.location or a.station_name)}</h3>",
            "<p>"
            + e(
                fill(
                    self.tr("Raised by %1 at %2 from %3."),
                    a.raised_by or a.station_name,
                    _local(a.raised_at),
                    a.station_name,
                )
            )
            + "</p>",
        ]
        if a.late:
            afterwards = self.tr(
                "The server could not be reached when it was raised: the station reported it "
                "afterwards, with the times it kept."
            )
            out.append(f"<p><i>{e(afterwards)}</i></p>")
        out.append(f"<p><b>{e(heading['received'])}</b></p><ul>")
        if story.deliveries:
            for d in story.deliveries:
                out.append(
                    "<li>"
                    + e(
                        fill(
                            self.tr("%1 over the %2 at %3"),
                            d.station_name,
                            self.path_text(d.path),
                            _local(d.at, False),
                        )
                    )
                    + "</li>"
                )
        else:
            out.append(f"<li>{e(nobody_received)}</li>")
        out.append(f"</ul><p><b>{e(heading['answered'])}</b></p><ul>")
        if story.answers:
            for answer in story.answers:
                who = answer.responder or answer.station_name
                if answer.station_name and answer.station_name != who:
                    who = f"{who} ({answer.station_name})"
                out.append(
                    "<li>"
                    + e(
                        fill(
                            self.tr("%1: \u201cI'm coming\u201d after %2"),
                            who,
                            _seconds(answer.seconds),
                        )
                    )
                    + "</li>"
                )
        else:
            out.append(f"<li>{e(nobody_answered)}</li>")
        out.append("</ul>")
        if story.escalations:
            out.append(f"<p><b>{e(heading['escalation'])}</b></p><ul>")
            for step in story.escalations:
                names = [self.target_text(x) for x in step.targets]
                targets = ", ".join(names + ([self.path_text("webhook")] if step.webhook else []))
                out.append(
                    "<li>"
                    + e(
                        fill(
                            self.tr("Level %1 at %2: %3"),
                            str(step.level),
                            _local(step.at, False),
                            targets,
                        )
                    )
                    + "</li>"
                )
            out.append("</ul>")
        if story.closed_at is not None:
            out.append(
                "<p>"
                + e(
                    fill(
                        self.tr("Closed by %1 at %2."),
                        story.closed_by or "?",
                        _local(story.closed_at, False),
                    )
                )
                + "</p>"
            )
        out.append(f"<p><b>{e(heading['report'])}:</b> {e(self._report_text(story))}</p>")
        if story.log:
            # Two columns, the time and what happened with who and over which path under
            # it: the pane is narrow (beside the table, and narrower still with Hulp docked),
            # and four columns broke words in the middle.
            out.append(f"<p><b>{e(heading['log'])}</b></p><table cellspacing='3'>")
            for line in story.log:
                over = self.path_text(line.path)
                # What the server did itself has "server" as its actor: said once.
                who = "" if line.actor in (line.path, over) else line.actor
                by = " · ".join(x for x in (who, over) if x)
                out.append(
                    f"<tr><td style='white-space:nowrap'>{e(_local(line.at, False))}</td>"
                    f"<td>{e(self.line_text(line.kind, line.data))}"
                    + (f"<br><span style='color:#546e7a'>{e(by)}</span>" if by else "")
                    + "</td></tr>"
                )
            out.append("</table>")
        return "".join(out)


class TestAlarms(QWidget):
    """Testalarmen: each station's last test and whether it is due."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("testAlarms")
        self.setAccessibleName(self.tr("Test alarms"))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        self.schedule = QLabel(self)
        self.schedule.setObjectName("testAlarmsSchedule")
        column.addWidget(self.schedule)
        self.table = _table(
            self,
            "testAlarmsTable",
            self.tr("Test results per workstation"),
            [
                self.tr("Workstation"),
                self.tr("Last test"),
                self.tr("Result"),
                self.tr("Heard by"),
                self.tr("Answered by"),
                self.tr("Reminder"),
            ],
        )
        column.addWidget(self.table, 1)

    def result_text(self, result: str) -> str:
        return {
            "answered": self.tr("Answered"),
            "heard": self.tr("Heard, not answered"),
            "missed": self.tr("Missed: nobody received it"),
        }[result]

    def schedule_text(self, settings: sv.SupervisionSettingsOut) -> str:
        if settings.test_every_days is not None:
            return self.tr("Test schedule: every %n day(s)", "", settings.test_every_days)
        if settings.test_weekday is not None:
            return fill(
                self.tr("Test schedule: weekly on %1"), weekday_names()[settings.test_weekday]
            )
        return self.tr("Test schedule: none set")

    def show_tests(self, overview: sv.TestOverview) -> None:
        self.schedule.setText(self.schedule_text(overview.settings))
        self.table.setRowCount(len(overview.stations))
        for number, station in enumerate(overview.stations):
            last = station.last_test
            reminder = ""
            if station.test_due_since is not None:
                reminder = fill(
                    self.tr("Not tested within the schedule (since %1)"),
                    station.test_due_since.strftime("%d-%m-%Y"),
                )
            cells = [
                _item(station.name, station.location),
                _item(_local(last.at) if last else self.tr("never")),
                _item(self.result_text(last.result) if last else ""),
                _item(", ".join(last.heard_by) if last else ""),
                _item(", ".join(last.answered_by) if last else ""),
                _item(reminder),
            ]
            for col, cell in enumerate(cells):
                cell.setData(_ROLE_ID, str(station.workstation_id))
                if station.test_due_since is not None:
                    cell.setBackground(QBrush(DUE))
                if last is not None and last.result == "missed" and col == 2:
                    cell.setForeground(QBrush(FLAG_TEXT))
                self.table.setItem(number, col, cell)


class SupervisionView(QWidget):
    """Toezicht: the site chooser (coördinators), the three tabs, and what went wrong."""

    def __init__(
        self,
        context: AppContext | None,
        parent: QWidget | None = None,
        *,
        service: SupervisionService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisionView")
        self.setAccessibleName(self.tr("Supervision"))
        if service is None:
            assert context is not None, "give a context or a service"
            service = SupervisionService.from_context(context, self)
        self.service = service
        column = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.tr("Supervision"), self)
        title.setObjectName("supervisionTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addStretch(1)
        self.site = QComboBox(self)
        self.site.setObjectName("supervisionSite")
        self.site.setAccessibleName(self.tr("Site"))
        self.site.currentIndexChanged.connect(self._site_chosen)
        self.site.hide()
        top.addWidget(self.site)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("supervisionRefresh")
        self.refresh_button.setAccessibleName(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.service.refresh)
        top.addWidget(self.refresh_button)
        column.addLayout(top)
        self.message = QLabel(self)
        self.message.setObjectName("supervisionMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.hide()
        column.addWidget(self.message)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("supervisionTabs")
        self.board = StationBoard(self.tabs)
        self.alarm_log = AlarmLog(service, self.tabs)
        self.test_alarms = TestAlarms(self.tabs)
        self.tabs.addTab(self.board, self.tr("Station board"))
        self.tabs.addTab(self.alarm_log, self.tr("Alarm log"))
        self.tabs.addTab(self.test_alarms, self.tr("Test alarms"))
        column.addWidget(self.tabs, 1)
        #: The notices given (title, text), also when no main window shows them.
        self.notices: list[tuple[str, str]] = []

        service.sites_loaded.connect(self._sites)
        service.board_loaded.connect(self._board)
        service.alarms_loaded.connect(self._alarms)
        service.tests_loaded.connect(self.test_alarms.show_tests)
        service.failed.connect(self._failed)
        service.notice.connect(self._notice)
        if context is not None and context.session is not None:
            context.session.changed.connect(self.start)
        self.start()

    def start(self) -> None:
        """Ask the server when the person may supervise; otherwise say why not."""
        if self.service.may_supervise():
            self.message.hide()
            self.service.start()
        else:
            self.service.stop()
            # Signed out (or another role): nothing of the site stays on screen.
            for table in (self.board.table, self.alarm_log.table, self.test_alarms.table):
                table.setRowCount(0)
            self.alarm_log.story.clear()
            self.board.summary.clear()
            self.site.clear()
            self.site.hide()
            self._failed(
                self.tr(
                    "Supervision is for security, team leads and coördinators who are signed in."
                )
            )

    def _sites(self, sites: list[sv.SiteChoice], chosen: Any) -> None:
        self.site.blockSignals(True)
        self.site.clear()
        for choice in sites:
            self.site.addItem(choice.name, str(choice.site_id))
        index = self.site.findData(str(chosen)) if chosen is not None else -1
        self.site.setCurrentIndex(max(index, 0))
        self.site.blockSignals(False)
        self.site.setVisible(len(sites) > 1)

    def _site_chosen(self, index: int) -> None:
        data = self.site.itemData(index)
        if data:
            self.service.choose_site(uuid.UUID(str(data)))

    def _board(self, board: sv.StationBoard, rows: list[BoardRow]) -> None:
        self.message.hide()
        self.board.show_board(board, rows)
        flagged = sum(1 for r in rows if r.flagged)
        label = self.tr("Station board")
        self.tabs.setTabText(0, f"{label} ({flagged})" if flagged else label)

    def _alarms(self, stories: list[sv.AlarmStory]) -> None:
        self.alarm_log.show_alarms(stories)

    def _failed(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()

    def _notice(self, title: str, text: str) -> None:
        self.notices.append((title, text))
        window = self.window()
        notify = getattr(window, "notify", None)
        if callable(notify) and window is not self:
            notify(title, text)
        else:
            self.message.setText(f"{title}: {text}")
            self.message.show()
