"""SupervisionService: what Toezicht shows security, team leads and coördinators — the
station board, the alarm log with each alarm's story, and the test-alarm results — asked
from the server with the signed-in person's token (the server decides who may see what).

Live without polling every second: the signed-in person's stream brings ``stations.online``
(someone connected or left), ``station.dropout`` (a station dropped out during opening
hours, or came back) and ``alarm.*``; each makes the matching list ask again, at most once
a second. A slow timer catches what no event announces (a heartbeat-only station going
stale). The LAN side of "reachable" is this station's own beacon: the peers it hears.

A drop-out and a missed test are told once (``notice``): what was told is kept in the
settings, so a restart of the viewer does not tell it again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Role
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol import supervision as sv
from veiligbalie.services.session import refusal_text

#: The wire models the Toezicht widgets show (they import them from here, not from protocol).
wire = sv

if TYPE_CHECKING:
    from veiligbalie.net.lan import PeerInfo
    from veiligbalie.net.stream import Stream
    from veiligbalie.services.context import AppContext

WATCHERS = frozenset({Role.SECURITY, Role.TEAM_LEAD, Role.COORDINATOR})
#: Events that make a list ask again, and which.
_BOARD_EVENTS = frozenset({"stations.online", sv.DROPOUT_EVENT})
_ALARM_EVENTS = frozenset(
    {"alarm.raised", "alarm.acknowledged", "alarm.resolved", "alarm.cancelled", "alarm.escalated"}
)
REFRESH_DEBOUNCE_MS = 1_000
#: What no event announces (a station seen by heartbeat only going stale) shows this late.
SLOW_REFRESH_MS = 30_000
#: How many told drop-outs and reminders are remembered.
TOLD_MAX = 500


@dataclass(frozen=True)
class BoardRow:
    """One station as the board shows it: the server's view and this station's LAN."""

    station: sv.BoardStation
    lan: bool

    @property
    def reach(self) -> str:
        """both | server | lan | none"""
        server = self.station.online
        if server and self.lan:
            return "both"
        return "server" if server else "lan" if self.lan else "none"

    @property
    def flagged(self) -> bool:
        """Dropped out during opening hours (never so for one not linked yet or revoked)."""
        station = self.station
        return station.enrolled and not station.revoked and station.dropout is not None


class SupervisionService(QObject):
    sites_loaded = Signal(list, object)  # [SiteChoice], default site id (or None)
    board_loaded = Signal(object, list)  # StationBoard, [BoardRow]
    alarms_loaded = Signal(list)  # [AlarmStory], newest first
    story_loaded = Signal(object)  # AlarmStory with its full log
    tests_loaded = Signal(object)  # TestOverview
    failed = Signal(str)  # the server's message (403, 404, 400) or why it cannot ask
    notice = Signal(str, str)  # title, text: told once

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        role: Callable[[], Role | None],
        *,
        stream: Stream | None = None,
        peers: Callable[[], list[PeerInfo]] | None = None,
        bearer: Callable[[], str | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._api = api
        self._bearer = bearer or (lambda: None)
        self._role = role
        self._peers = peers or (lambda: [])
        self.site_id: uuid.UUID | None = None
        self.board: sv.StationBoard | None = None
        self.rows: list[BoardRow] = []
        self.stories: list[sv.AlarmStory] = []
        self.tests: sv.TestOverview | None = None
        self._wanted: set[str] = set()
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.setInterval(REFRESH_DEBOUNCE_MS)
        self._due.timeout.connect(self._refresh_wanted)
        self._slow = QTimer(self)
        self._slow.setInterval(SLOW_REFRESH_MS)
        self._slow.timeout.connect(self.refresh_board)
        if stream is not None:
            stream.received.connect(self._on_event)
            stream.connected.connect(lambda: self._want("board", "alarms", "tests"))

    @classmethod
    def from_context(cls, context: AppContext, parent: QObject | None = None) -> SupervisionService:
        engine, session, lan = context.sync, context.session, context.lan_alarms

        def role() -> Role | None:
            return session.role if session is not None else None

        def peers() -> list[PeerInfo]:
            return lan.peers() if lan is not None else []

        stream = engine.stream if engine is not None else None
        return cls(
            context.own_api,
            role,
            stream=stream,
            peers=peers,
            bearer=context.own_token,
            parent=parent,
        )

    # -- who ---------------------------------------------------------------------------------
    def may_supervise(self) -> bool:
        return self._role() in WATCHERS and self._api() is not None

    # -- asking ------------------------------------------------------------------------------
    def start(self) -> None:
        """Ask for the sites, then everything of the chosen one; keep the board fresh."""
        if self._slow.interval() > 0:
            self._slow.start()
        self._get(f"{sv.SUPERVISION_PATH}/sites", sv.SupervisionSites, self._on_sites)

    def stop(self) -> None:
        self._slow.stop()
        self._due.stop()

    def set_slow_refresh(self, ms: int) -> None:
        """How often the board is asked without an event (0: only on events)."""
        self._slow.setInterval(max(ms, 0))
        if ms <= 0:
            self._slow.stop()
        elif not self._slow.isActive():
            self._slow.start()

    def choose_site(self, site_id: uuid.UUID | None) -> None:
        self.site_id = site_id
        self.refresh()

    def refresh(self) -> None:
        self.refresh_board()
        self.refresh_alarms()
        self.refresh_tests()

    def _query(self) -> str:
        return f"?site_id={self.site_id}" if self.site_id is not None else ""

    def refresh_board(self) -> None:
        self._get(f"{sv.SUPERVISION_PATH}/board{self._query()}", sv.StationBoard, self._on_board)

    def refresh_alarms(self) -> None:
        query = self._query()
        path = f"{sv.SUPERVISION_PATH}/alarms{query}{'&' if query else '?'}limit=200"
        self._get(path, sv.AlarmLog, self._on_alarms)

    def refresh_tests(self) -> None:
        self._get(f"{sv.SUPERVISION_PATH}/tests{self._query()}", sv.TestOverview, self._on_tests)

    def load_story(self, alarm_id: uuid.UUID) -> None:
        self._get(f"{sv.SUPERVISION_PATH}/alarms/{alarm_id}", sv.AlarmStory, self._on_story)

    def _get(self, path: str, model: type[Any], done: Callable[[Any], None]) -> None:
        api = self._api()
        if api is None:
            self.failed.emit(
                QCoreApplication.translate(
                    "SupervisionService", "Sign in with a linked workstation to see supervision."
                )
            )
            return

        def answered(result: Any, error: ApiError | None) -> None:
            if error is not None or result is None:
                offline = QCoreApplication.translate(
                    "SupervisionService",
                    "The server cannot be reached; the lists show what was last known.",
                )
                forbidden = QCoreApplication.translate(
                    "SupervisionService", "Your role may not see supervision."
                )
                self.failed.emit(refusal_text(error, forbidden, offline))
                return
            done(result)

        api.call("GET", path, None, model, answered, bearer=self._bearer())

    # -- answers -----------------------------------------------------------------------------
    def _on_sites(self, sites: sv.SupervisionSites) -> None:
        if self.site_id is None or all(s.site_id != self.site_id for s in sites.sites):
            self.site_id = sites.default_site_id
        self.sites_loaded.emit(list(sites.sites), self.site_id)
        self.refresh()

    def _on_board(self, board: sv.StationBoard) -> None:
        if self.site_id is not None and board.site_id != self.site_id:
            return  # an answer for the site chosen before
        heard = {p.station_id for p in self._peers()}
        self.board = board
        self.rows = [
            BoardRow(s, s.station_id is not None and s.station_id in heard) for s in board.stations
        ]
        self.board_loaded.emit(board, self.rows)
        self._tell(board)

    def _on_alarms(self, log: sv.AlarmLog) -> None:
        if self.site_id is not None and log.site_id != self.site_id:
            return
        self.stories = list(log.alarms)
        self.alarms_loaded.emit(self.stories)

    def _on_story(self, story: sv.AlarmStory) -> None:
        self.story_loaded.emit(story)

    def _on_tests(self, tests: sv.TestOverview) -> None:
        if self.site_id is not None and tests.site_id != self.site_id:
            return
        self.tests = tests
        self.tests_loaded.emit(tests)

    # -- live --------------------------------------------------------------------------------
    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind in _BOARD_EVENTS:
            self._want("board")
        elif kind in _ALARM_EVENTS:
            self._want("alarms", "tests")

    def _want(self, *lists: str) -> None:
        if self._api() is None or self._role() not in WATCHERS:
            return
        self._wanted.update(lists)
        if not self._due.isActive():
            self._due.start()

    def _refresh_wanted(self) -> None:
        wanted, self._wanted = self._wanted, set()
        if "board" in wanted:
            self.refresh_board()
        if "alarms" in wanted:
            self.refresh_alarms()
        if "tests" in wanted:
            self.refresh_tests()

    # -- told once ---------------------------------------------------------------------------
    def _tell(self, board: sv.StationBoard) -> None:
        told = [str(k) for k in settings.SUPERVISION_TOLD.get()]
        known = set(told)
        fresh: list[str] = []
        for station in board.stations:
            dropout = station.dropout
            if dropout is not None and f"dropout:{dropout.id}" not in known:
                fresh.append(f"dropout:{dropout.id}")
                self.notice.emit(
                    QCoreApplication.translate("SupervisionService", "Workstation dropped out"),
                    fill(
                        QCoreApplication.translate(
                            "SupervisionService", "%1 (%2) went offline during opening hours at %3."
                        ),
                        station.name,
                        station.location or board.site_name,
                        dropout.since.astimezone().strftime("%H:%M"),
                    ),
                )
            due = station.test_due_since
            if due is not None and _due_key(station.workstation_id, due) not in known:
                fresh.append(_due_key(station.workstation_id, due))
                self.notice.emit(
                    QCoreApplication.translate("SupervisionService", "Test alarm due"),
                    fill(
                        QCoreApplication.translate(
                            "SupervisionService",
                            "%1 was not tested within the schedule: send a test alarm there.",
                        ),
                        station.name,
                    ),
                )
        if fresh:
            settings.SUPERVISION_TOLD.set((told + fresh)[-TOLD_MAX:])
            settings.sync()


def _due_key(workstation_id: uuid.UUID, due: date) -> str:
    return f"test:{workstation_id}:{due.isoformat()}"


class SiteScheduleService(QObject):
    """The administrator's side: a site's opening hours and test schedule, read and set
    through ``/admin/sites/{id}/supervision`` (the server checks, audits and refuses)."""

    loaded = Signal(object)  # SupervisionSettingsOut
    saved = Signal(object)  # SupervisionSettingsOut as stored
    failed = Signal(str)  # the server's message

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        parent: QObject | None = None,
        *,
        bearer: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._api = api
        self._bearer = bearer or (lambda: None)

    @classmethod
    def from_context(
        cls, context: AppContext, parent: QObject | None = None
    ) -> SiteScheduleService:
        # The administrator's own token: sync speaks as the station for them.
        return cls(context.own_api, parent, bearer=context.own_token)

    def load(self, site_id: uuid.UUID) -> None:
        self._send("GET", site_id, None, self.loaded)

    def save(self, site_id: uuid.UUID, body: sv.SupervisionSettingsIn) -> None:
        self._send("PUT", site_id, body, self.saved)

    def _send(
        self, method: str, site_id: uuid.UUID, body: sv.SupervisionSettingsIn | None, done: Any
    ) -> None:
        api = self._api()
        if api is None:
            self.failed.emit(
                QCoreApplication.translate(
                    "SupervisionService", "Sign in as administrator on a linked workstation."
                )
            )
            return

        def answered(result: Any, error: ApiError | None) -> None:
            if error is not None or result is None:
                self.failed.emit(refusal_text(error))  # a 403 in the server's words
                return
            done.emit(result)

        api.call(
            method,
            sv.admin_path(site_id),
            body,
            sv.SupervisionSettingsOut,
            answered,
            bearer=self._bearer(),
        )
