"""The main window: the alarm button always in sight, and the areas of the application.

Areas: Melden (new incident), Mijn meldingen, Hulp, Logboek (team lead), Toezicht (security,
team leads), Beheer (the administrator), Instellingen.
The window only listens to services and calls them; it never touches the store itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Role
from veiligbalie.ui.alarm_button import AlarmButton, show_not_connected_box
from veiligbalie.ui.resources import icon
from veiligbalie.ui.widgets import vbox

if TYPE_CHECKING:
    import uuid

    from veiligbalie.services.alarms import Alarm
    from veiligbalie.services.context import AppContext
    from veiligbalie.services.log import LogService
    from veiligbalie.ui.guidance_beside import GuidanceBeside
    from veiligbalie.ui.help_view import HelpView
    from veiligbalie.ui.incident_detail import IncidentDetailView
    from veiligbalie.ui.incident_form import IncidentForm
    from veiligbalie.ui.log_view import LogView
    from veiligbalie.ui.my_reports import MyReportsView
    from veiligbalie.ui.overview import OverviewView
    from veiligbalie.ui.settings_view import SettingsView
    from veiligbalie.ui.worklist import WorklistView

log = logging.getLogger(__name__)

#: The size the window opens at when the screen has room; smaller screens get what they have.
PREFERRED_SIZE = QSize(1280, 820)
#: Small enough for 1366x768 at 150 % scaling (about 910x485 logical pixels available).
MINIMUM_SIZE = QSize(640, 420)
#: What the window manager adds around the window (title bar, borders) before it is shown.
FRAME_ALLOWANCE = QSize(16, 40)

#: One calm look for the shell: a quiet navigation column, the selected area marked by a
#: tint and a bar at its left edge, the same type size everywhere in the column.
SHELL_STYLE = """
QFrame#navigation { background: #eef2f5; border-radius: 10px; }
QPushButton[nav="true"] {
    text-align: left; padding: 8px 12px; border: none; border-left: 4px solid transparent;
    border-radius: 6px; font-size: 14px; color: #263238; background: transparent;
}
QPushButton[nav="true"]:hover { background: #dfe7ed; }
QPushButton[nav="true"]:checked {
    background: #d6e4f5; border-left: 4px solid #1f5fa8; color: #0d3c75; font-weight: bold;
}
QPushButton[nav="true"]:focus { border: 2px solid #ffb300; border-left: 4px solid #ffb300; }
QLabel#alarmHelpLink { font-size: 13px; padding: 2px 4px; }
QScrollArea#navigationScroll, QWidget#navigationItems { background: transparent; }
"""


class MainWindow(QMainWindow):
    """The station's window. Closing it hides it to the tray when a tray exists, because an
    alarm must still reach this workstation; "Afsluiten" in the tray quits.

    The window is built in two steps so it is on screen as fast as a bare Qt window: the
    shell (alarm button, navigation, tray, shortcuts) needs only Qt, and :meth:`attach`
    adds the areas once the services (database, sync, alarm paths) are up. A press of the
    alarm button in between is kept and raised at attach.
    """

    area_changed = Signal(str)
    attached = Signal()
    #: The area on screen was built (on the turn after :meth:`attach`): the form is usable.
    first_area_shown = Signal()
    #: A notification was given (tray message, or the status bar without a tray): its text.
    notified = Signal(str)

    #: Every area, in navigation order; :meth:`visible_areas` is what the person behind the
    #: workstation may open now.
    AREAS: tuple[str, ...] = (
        "report",
        "my_reports",
        "help",
        "log",
        "followup",
        "overview",
        "supervision",
        "admin",
        "settings",
    )
    #: The areas of those who review reports (role-based; see :meth:`visible_areas`).
    REVIEW_AREAS = ("log", "followup", "overview")
    #: Areas only a linked workstation has, for some roles: Toezicht (security, team leads,
    #: coördinators) and Beheer (the administrator). Built when first shown.
    LINKED_AREAS = ("supervision", "admin")
    SUPERVISION_ROLES = frozenset({Role.SECURITY, Role.TEAM_LEAD, Role.COORDINATOR})

    def __init__(self, context: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context: AppContext | None = None
        self._quitting = False
        self._pages: dict[str, QWidget] = {}
        self._area_keys: tuple[str, ...] = ()
        self._pending_area = "report"
        self._first_area_open = False
        self._services_complete = False
        self._guidance_beside: GuidanceBeside | None = None
        self._incident_detail: IncidentDetailView | None = None
        self._log_service: LogService | None = None
        self._detail_holder: QScrollArea | None = None
        self._detail_return = "log"
        self._holders: dict[str, QScrollArea] = {}
        self.setObjectName("mainWindow")
        self.setWindowTitle("VeiligBalie")
        self.setWindowIcon(icon("veiligbalie"))
        self.setMinimumSize(MINIMUM_SIZE)

        self.alarm_button = AlarmButton(None, self)

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("areaStack")
        self._starting: QLabel | None = QLabel(self.tr("Starting…"), self.stack)
        self._starting.setObjectName("startingPage")
        self._starting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self._starting)

        # Under the button while no alarm path reaches anyone: how to get it working.
        # A link, not a button: it wraps in the narrow column at any scaling.
        self.alarm_help_link = QLabel(
            '<a href="#alarm">' + self.tr("How do I get the alarm working?") + "</a>", self
        )
        self.alarm_help_link.setObjectName("alarmHelpLink")
        self.alarm_help_link.setAccessibleName(self.tr("How do I get the alarm working?"))
        self.alarm_help_link.setWordWrap(True)
        self.alarm_help_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.alarm_help_link.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.alarm_help_link.linkActivated.connect(lambda _link: self.explain_alarm_connection())
        self.alarm_help_link.hide()

        self._nav = QButtonGroup(self)
        self._nav.setExclusive(True)
        self._nav_buttons: dict[str, QPushButton] = {}
        # The alarm button never scrolls away; below it the indicator and the areas scroll
        # only when a small or scaled screen leaves no room for them.
        nav_items = QWidget(self)
        nav_items.setObjectName("navigationItems")
        self._nav_column = nav_column = QVBoxLayout(nav_items)
        nav_column.setContentsMargins(0, 0, 0, 0)
        nav_column.setSpacing(4)
        nav_column.addSpacing(8)
        # No mnemonics here: Alt+letter belongs to the incident form's fields and sections;
        # the areas are reached with Ctrl+1 … Ctrl+5.
        titles = {
            "report": self.tr("Report"),
            "my_reports": self.tr("My reports"),
            "help": self.tr("Help"),
            "log": self.tr("Log"),
            "followup": self.tr("Follow-up"),
            "overview": self.tr("Overview"),
            "supervision": self.tr("Supervision"),
            "admin": self.tr("Administration"),
            "settings": self.tr("Settings"),
        }
        titles = {key: titles[key] for key in self.AREAS}
        for index, (key, title) in enumerate(titles.items(), start=1):
            button = QPushButton(icon(f"nav-{key}"), title, nav_items)
            button.setObjectName(f"nav_{key}")
            button.setAccessibleName(title)
            button.setToolTip(f"{title} (Ctrl+{index})")
            button.setCheckable(True)
            button.setIconSize(QSize(22, 22))
            button.setMinimumHeight(40)
            button.setProperty("nav", True)
            button.clicked.connect(lambda _=False, k=key: self.show_area(k))
            self._nav.addButton(button)
            self._nav_buttons[key] = button
            nav_column.addWidget(button)
        nav_column.addStretch(1)
        self._nav_buttons["report"].setChecked(True)

        nav_scroll = QScrollArea(self)
        nav_scroll.setObjectName("navigationScroll")
        nav_scroll.setWidgetResizable(True)
        nav_scroll.setFrameShape(QFrame.Shape.NoFrame)
        nav_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        nav_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        nav_scroll.setWidget(nav_items)
        self._nav_scroll = nav_scroll

        nav_frame = QFrame(self)
        nav_frame.setObjectName("navigation")
        # On the column only: a style sheet on the window would take the areas' fonts out of
        # the application font (Hulp's reader follows the font scale).
        nav_frame.setStyleSheet(SHELL_STYLE)
        frame_column = vbox(nav_frame, (8, 8, 8, 8), 4)
        frame_column.addWidget(self.alarm_button)
        frame_column.addWidget(self.alarm_help_link)
        frame_column.addWidget(nav_scroll, 1)
        nav_frame.setFixedWidth(224)

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(8, 8, 8, 4)
        row.setSpacing(12)
        row.addWidget(nav_frame)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(False)

        self._install_shortcuts()
        self.apply_roles()
        self._install_tray()
        self._restore_geometry()
        if context is not None:  # services already up (tests, tools): the area at once, too
            self.attach(context)
            self._open_first_area()

    def attach(self, context: AppContext) -> None:
        """The services are up: the alarm indicator, pop-up and status at once; the areas
        are built on their first visit (the one on screen on the next turn of the event
        loop), so nothing the first alarm does not need runs before its path is live."""
        from veiligbalie.ui.alarm_indicator import AlarmIndicator
        from veiligbalie.ui.alarm_popup import AlarmPopup
        from veiligbalie.ui.connection_status import ConnectionStatus

        self.context = context
        self.alarm_indicator = AlarmIndicator(context.alarms, self)
        self._nav_column.insertWidget(0, self.alarm_indicator)
        # Colleagues' alarms: a window of its own that stays on top of every program.
        self.alarm_popup = AlarmPopup(context.alarms)
        context.alarms.offer_registration.connect(self._offer_registration)
        self.alarm_popup.guidanceRequested.connect(self.show_card)
        context.incidents.news.connect(self._on_news)
        context.incidents.private_drafts_removed.connect(self._on_private_drafts_removed)

        self.connection_status = ConnectionStatus(context, self)
        self.statusBar().addPermanentWidget(self.connection_status)
        context.alarms.connectivity_changed.connect(self._show_alarm_help)
        self._show_alarm_help(context.alarms.connected)
        if context.sync is not None:  # an edit conflict is said once (Instellingen lists it)
            from veiligbalie.ui.conflict_dialog import ConflictNotifier

            self.conflict_notifier = ConflictNotifier(
                context.sync, self.statusBar(), self.tray, self
            )
        if context.session is not None:
            context.session.changed.connect(self.apply_roles)
        if context.completed:  # every service already there (tests, tools): wire them now
            self._complete_services()
        self.apply_roles()
        # Last: a press made while starting is raised now, with the indicator in place.
        self.alarm_button.attach(context.alarms)
        self.attached.emit()
        # The area on screen, the refresher reminder: on the next turn, the alarm path first.
        QTimer.singleShot(0, self._open_first_area)

    def _complete_services(self) -> None:
        """The services the first alarm does not need (Hulp, follow-up, documents, evidence,
        the dossier): built on the turn after attach, or at once when an area needs them."""
        context = self.context
        if context is None or self._services_complete:
            return
        self._services_complete = True
        context.complete()
        if context.followup is not None:
            from veiligbalie.ui.worklist_notes import connect_notifications

            # The team lead's notifications: a new report, a task turning due soon.
            connect_notifications(context.followup, self.notify)
        self.apply_roles()  # Opvolging shows once its service exists

    def _open_first_area(self) -> None:
        if self.context is None or self._first_area_open:
            return
        self._first_area_open = True
        self._complete_services()
        from veiligbalie.ui.guidance_refresher import RefresherReminder

        assert self.context.guidance is not None
        self.refresher_reminder = RefresherReminder(self.context.guidance, self)
        self.refresher_reminder.clicked.connect(self.show_refresher)
        self.statusBar().addWidget(self.refresher_reminder)
        self.show_area(self._pending_area)
        if self._starting is not None:
            self.stack.removeWidget(self._starting)
            self._starting.deleteLater()
            self._starting = None
        self.first_area_shown.emit()

    # -- Areas, built on their first visit -----------------------------------------------------
    def _build_page(self, key: str) -> QWidget:
        """The widget of one area (its UI modules imported now, not at start)."""
        context = self.context
        assert context is not None
        if key == "report":
            from veiligbalie.ui.incident_form import IncidentForm

            form = IncidentForm(context.incidents, self)
            if context.dossier is not None:  # the counter's measure notice (only the measure)
                form.attach_measures(context.dossier)
            form.guidanceRequested.connect(self.offer_card)
            form.cancelled.connect(lambda: self.show_area("my_reports"))
            form.start_new()
            return form
        if key == "my_reports":
            from veiligbalie.ui.my_reports import MyReportsView

            view = MyReportsView(context.incidents, self, documents=context.documents)
            if context.dossier is not None:
                view.attach_measures(context.dossier)
            return view
        if key == "help":
            from veiligbalie.ui.help_view import HelpView

            assert context.guidance is not None
            return HelpView(context.guidance, self)
        if key == "log":
            from veiligbalie.ui.log_view import LogView

            log_view = LogView(self.log_service, self)
            log_view.openRequested.connect(self.open_incident)
            return log_view
        if key == "overview":
            from veiligbalie.services.overview import OverviewService
            from veiligbalie.ui.overview import OverviewView

            self.overview_service = OverviewService(context.db, self.log_service, parent=self)
            return OverviewView(self.overview_service, self)
        if key == "settings":
            from veiligbalie.ui.settings_view import SettingsView

            return SettingsView(context, self)
        if key == "followup":
            from veiligbalie.ui.worklist import WorklistView

            return WorklistView(context, self)
        if key == "admin":
            from veiligbalie.ui.admin import AdminView

            return AdminView(context, self)
        from veiligbalie.ui.supervision import SupervisionView

        return SupervisionView(context, self)

    def _ensure_page(self, key: str) -> bool:
        """Build an area the first time it is shown; False when it cannot be (yet)."""
        if key in self._pages:
            return True
        if self.context is None or key not in self.AREAS:
            return False
        self._complete_services()
        if key == "followup" and self.context.followup is None:
            return False
        page = self._build_page(key)
        self._pages[key] = page
        # Each area in a scroll area of its own: on a small or scaled screen an area whose
        # content is taller or wider than the window scrolls instead of being cut off.
        holder = QScrollArea(self.stack)
        holder.setObjectName(f"area_{key}")
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop of its own: Tab goes to the controls, and the area scrolls to the
        # one that has focus.
        holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        holder.setWidget(page)
        self._holders[key] = holder
        self.stack.addWidget(holder)
        return True

    def page(self, key: str) -> QWidget:
        """The widget of an area, built now if it was not visited yet (tests and code that
        reach into an area use this, or the named properties below)."""
        if not self._ensure_page(key):
            raise KeyError(f"area {key!r} is not available")
        return self._pages[key]

    def build_all_areas(self) -> None:
        """Build every area the workstation has now (tests that look through all of them)."""
        self._open_first_area()
        for key in self.visible_areas():
            self._ensure_page(key)

    @property
    def log_service(self) -> LogService:
        """The Logboek's reads (built with the first area that reads the log)."""
        if self._log_service is None:
            from veiligbalie.services.log import LogService

            context = self.context
            assert context is not None
            self._log_service = LogService(
                context.db, context.incidents, context.session, context.sync, parent=self
            )
        return self._log_service

    @property
    def incident_form(self) -> IncidentForm:
        return cast("IncidentForm", self.page("report"))

    @property
    def my_reports(self) -> MyReportsView:
        return cast("MyReportsView", self.page("my_reports"))

    @property
    def help_view(self) -> HelpView:
        return cast("HelpView", self.page("help"))

    @property
    def log_view(self) -> LogView:
        return cast("LogView", self.page("log"))

    @property
    def overview(self) -> OverviewView:
        return cast("OverviewView", self.page("overview"))

    @property
    def settings_view(self) -> SettingsView:
        return cast("SettingsView", self.page("settings"))

    @property
    def worklist(self) -> WorklistView:
        return cast("WorklistView", self.page("followup"))

    @property
    def guidance_beside(self) -> GuidanceBeside:
        """Guidance beside the current area (built when first offered)."""
        if self._guidance_beside is None:
            from veiligbalie.ui.guidance_beside import GuidanceBeside

            self._complete_services()
            assert self.context is not None and self.context.guidance is not None
            beside = GuidanceBeside(self.context.guidance, self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, beside)
            beside.hide()
            beside.open_in_help.connect(self.show_card)
            self._guidance_beside = beside
        return self._guidance_beside

    @property
    def incident_detail(self) -> IncidentDetailView:
        """The detail of one report: a page of its own, opened from the log (Enter or a
        double click); Esc or "Terug" goes back where it was opened from."""
        if self._incident_detail is None:
            self._complete_services()
            from veiligbalie.services.review import ReviewService
            from veiligbalie.ui.incident_detail import IncidentDetailView

            context = self.context
            assert context is not None
            self.review = ReviewService.from_context(context)
            detail = IncidentDetailView(
                self.review, self, dossier=context.dossier, documents=context.documents
            )
            detail.openRequested.connect(self.open_incident)
            detail.backRequested.connect(self.close_incident)
            holder = QScrollArea(self.stack)
            holder.setObjectName("area_detail")
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            holder.setWidget(detail)
            self.stack.addWidget(holder)
            self._detail_holder = holder
            self._incident_detail = detail
        return self._incident_detail

    # -- Who sees what ------------------------------------------------------------------------
    def visible_areas(self) -> tuple[str, ...]:
        """The areas the person behind the workstation may open, in navigation order.

        No server: every area (the workstation is its own log). Linked: a team lead or
        coördinator sees every area; security the Logboek; an employee the Logboek only
        where the site shares its log with employees; nobody signed in: no Logboek."""
        if self.context is None:
            hidden = (*self.REVIEW_AREAS, *self.LINKED_AREAS)
            return tuple(k for k in self.AREAS if k not in hidden)
        from veiligbalie.services.viewer import viewer_of

        viewer = viewer_of(self.context.session)
        shown = []
        for key in self.AREAS:
            if key == "log" and not viewer.sees_log:
                continue
            if key in ("followup", "overview") and not viewer.sees_review:
                continue
            if key == "followup" and self.context.followup is None:
                continue
            if key in self.LINKED_AREAS and not self._linked_area_shown(key):
                continue
            shown.append(key)
        return tuple(shown)

    def _linked_area_shown(self, key: str) -> bool:
        """Beheer for a signed-in administrator, Toezicht for security, team leads and
        coördinators; only on a linked workstation."""
        session = self.context.session if self.context is not None else None
        if session is None or not session.enrolled or not session.logged_in:
            return False
        role = session.role
        if key == "admin":
            return role is Role.ADMINISTRATOR
        return role in self.SUPERVISION_ROLES

    def apply_roles(self) -> None:
        """Show the areas the current person may open; Ctrl+1 … follow what is shown."""
        visible = self.visible_areas()
        for key, button in self._nav_buttons.items():
            button.setVisible(key in visible)
        for index, key in enumerate(visible, start=1):
            self._nav_buttons[key].setToolTip(f"{self._nav_buttons[key].text()} (Ctrl+{index})")
        self._area_keys = visible
        if self.context is not None and self.current_area() not in visible:
            self.show_area("report")

    # -- Areas -----------------------------------------------------------------------------
    def show_area(self, key: str) -> None:
        if self.context is not None:
            if key in self.LINKED_AREAS and key not in self.visible_areas():
                return
            if not self._ensure_page(key):
                return
            self._pending_area = key  # where the first turn after attach goes, too
        if key not in self._pages:  # still starting: go there once the areas exist
            self._pending_area = key
            self._nav_buttons[key].setChecked(True)
            return
        page = self._pages[key]
        self.stack.setCurrentWidget(self._holders[key])
        self._nav_buttons[key].setChecked(True)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
        self.area_changed.emit(key)

    def _go_to_number(self, number: int) -> None:
        if 1 <= number <= len(self._area_keys):
            self.show_area(self._area_keys[number - 1])

    def current_area(self) -> str:
        current = self.stack.currentWidget()
        if self._detail_holder is not None and current is self._detail_holder:
            return "detail"
        return next(
            (k for k, holder in self._holders.items() if holder is current), self._pending_area
        )

    def open_incident(self, incident_id: uuid.UUID) -> bool:
        """Show one report's detail (from the log); False when it is not here."""
        if self.context is None:
            return False
        area = self.current_area()
        if area == "detail" and self.incident_detail.incident_id() == incident_id:
            return True  # asked twice for the report on screen (the log and its window)
        if area != "detail":
            self._detail_return = area if area in self._pages else "log"
        if not self.incident_detail.show_incident(incident_id):
            self.statusBar().showMessage(self.tr("This report is not on this workstation."), 5000)
            return False
        holder = self._detail_holder
        assert holder is not None  # built with the detail
        self.stack.setCurrentWidget(holder)
        holder.verticalScrollBar().setValue(0)
        self.incident_detail.focus_first()
        self.area_changed.emit("detail")
        return True

    def close_incident(self) -> None:
        """Back from the detail to where it was opened (the log), the report still selected."""
        self.show_area(self._detail_return)
        if self._detail_return == "log":
            self.log_view.table.setFocus()

    def _on_news(self, incident_ids: list[uuid.UUID]) -> None:
        """News on the reporter's own reports arrived from the server: tell them once."""
        assert self.context is not None
        incidents = self.context.incidents
        found = [i for i in (incidents.get(x) for x in incident_ids) if i is not None]
        if not found:
            return
        if len(found) == 1:
            from veiligbalie.ui.labels import status_label

            incident = found[0]
            text = fill(
                self.tr("News on your report %1: %2."),
                incident.reference or "",
                status_label(incident.status),
            )
        else:
            text = self.tr("News on %n of your reports.", "", len(found))
        text += " " + self.tr("See My reports.")
        if "my_reports" in self._pages:  # built: show the news now (else on its first visit)
            self.my_reports.refresh()
        self.notify("VeiligBalie", text)

    def _on_private_drafts_removed(self, count: int) -> None:
        self.notify(
            "VeiligBalie",
            fill(
                self.tr(
                    "Drafts with perpetrator details of the previous user were removed from "
                    "this workstation: %1."
                ),
                str(count),
            ),
        )

    def notify(self, title: str, text: str) -> None:
        """Tell the person something once: a tray message, or the status bar without a tray."""
        if self.tray.isVisible():
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            line = text if title == "VeiligBalie" else f"{title}: {text}"
            self.statusBar().showMessage(line, 15000)
        self.notified.emit(text)

    def show_new_incident(self, prefill: dict[str, Any] | None = None) -> None:
        """Open the form for a new report (Ctrl+N, tray, and later a resolved alarm)."""
        self.bring_to_front()
        if self.context is None:
            self.show_area("report")  # the form opens there as soon as it exists
            return
        if self.current_area() != "report" or prefill is not None:
            self.show_area("report")
        # A report in progress is kept (and focused); from the confirmation or an untouched
        # form a new one opens with the focus on its first field, so no keystroke is lost.
        self.incident_form.start_new(prefill)

    def _offer_registration(self, alarm: Alarm) -> None:
        """Our alarm was resolved: open the report form prefilled from it."""
        assert self.context is not None
        self.show_new_incident(self.context.alarms.registration_prefill(alarm))
        self.offer_card("direct-na-incident")

    # -- Guidance ----------------------------------------------------------------------------
    def show_card(self, card_id: str) -> None:
        """Open a card in Hulp (F1 opens Hulp itself; links in pop-up and cards come here)."""
        self.bring_to_front()
        self.show_area("help")
        if self.context is not None:
            self.help_view.show_card(card_id)

    def offer_card(self, card_id: str) -> None:
        """Show a card beside the current area, e.g. "Aangifte doen" beside the form."""
        if self.context is not None:
            self.guidance_beside.show_card(card_id)

    def show_help(self) -> None:
        self.show_area("help")
        if self.context is not None:
            self.help_view.focus_search()

    def show_refresher(self) -> None:
        self.show_area("help")
        self.help_view.show_refresher()

    # -- Alarm connection --------------------------------------------------------------------
    def _show_alarm_help(self, connected: bool) -> None:
        self.alarm_help_link.setVisible(not connected)

    def explain_alarm_connection(self) -> None:
        """Why the alarm reaches nobody now, what to do meanwhile and how to fix it."""
        self._alarm_help_box = show_not_connected_box(
            self,
            "alarmConnectionHelp",
            QMessageBox.Icon.Warning,
            self.tr(
                "The alarm of this workstation reaches nobody now: there is no connection to "
                "the server or to colleagues' workstations."
            ),
            self.tr("Until it works, call for help another way; in immediate danger call 112."),
        )

    # -- Start-up duties --------------------------------------------------------------------
    def offer_draft_recovery(self) -> bool:
        """After a crash or restart: offer the unsaved report back (called once attached)."""
        if self.context is None or not self.context.incidents.recoverable_drafts():
            return False
        from veiligbalie.ui.incident_form import offer_recovery

        self.show_area("report")
        return offer_recovery(self.incident_form, self)

    # -- Shortcuts and tray -----------------------------------------------------------------
    def _install_shortcuts(self) -> None:
        new = QShortcut(QKeySequence.StandardKey.New, self)
        new.setContext(Qt.ShortcutContext.ApplicationShortcut)
        new.activated.connect(self.show_new_incident)
        alarm = QShortcut(QKeySequence(settings.ALARM_HOTKEY.get()), self)
        alarm.setContext(Qt.ShortcutContext.ApplicationShortcut)
        alarm.activated.connect(self.alarm_button.click)
        self._alarm_shortcut = alarm
        help_key = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        help_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        help_key.activated.connect(self.show_help)
        # Ctrl+1 … go to the areas shown, in the order shown (they follow the person's role).
        self._area_keys = self.visible_areas()
        for index in range(1, len(self.AREAS) + 1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index}"), self)
            shortcut.activated.connect(lambda i=index: self._go_to_number(i))

    def _install_tray(self) -> None:
        self.tray = QSystemTrayIcon(icon("veiligbalie"), self)
        self.tray.setObjectName("trayIcon")
        self.tray.setToolTip("VeiligBalie")
        menu = QMenu(self)
        self.tray_alarm_action = QAction(icon("alarm"), self.tr("Alarm"), menu)
        self.tray_alarm_action.setObjectName("trayAlarmAction")
        self.tray_alarm_action.triggered.connect(self.alarm_button.click)
        self.tray_new_action = QAction(self.tr("New report"), menu)
        self.tray_new_action.setObjectName("trayNewIncidentAction")
        self.tray_new_action.triggered.connect(self.show_new_incident)
        show_action = QAction(self.tr("Show window"), menu)
        show_action.triggered.connect(self.bring_to_front)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(self.quit)
        menu.addAction(self.tray_alarm_action)
        menu.addAction(self.tray_new_action)
        menu.addSeparator()
        menu.addAction(show_action)
        menu.addAction(quit_action)
        self.tray.setContextMenu(menu)
        self.tray.activated.connect(self._on_tray_activated)
        self._tray_menu = menu
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.bring_to_front()

    def bring_to_front(self) -> None:
        """Show, un-minimise and raise the window (second launch, tray, shortcuts)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # -- Geometry and closing ---------------------------------------------------------------
    def _available(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)

    def default_size(self) -> QSize:
        """The preferred size, shrunk to the screen's free area (taskbar and frame off)."""
        room = self._available().size() - FRAME_ALLOWANCE
        return PREFERRED_SIZE.boundedTo(room).expandedTo(MINIMUM_SIZE)

    def _restore_geometry(self) -> None:
        geometry = settings.WINDOW_GEOMETRY.get()
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(self.default_size())
        else:
            # Saved on a larger screen (or before the scaling changed): never larger than
            # the screen it opens on now.
            room = (self._available().size() - FRAME_ALLOWANCE).expandedTo(MINIMUM_SIZE)
            if self.width() > room.width() or self.height() > room.height():
                self.resize(self.size().boundedTo(room))
        state = settings.WINDOW_STATE.get()
        if not state.isEmpty():
            self.restoreState(state)

    def save_geometry(self) -> None:
        settings.WINDOW_GEOMETRY.set(self.saveGeometry())
        settings.WINDOW_STATE.set(self.saveState())
        settings.sync()

    def quit(self) -> None:
        self._quitting = True
        self.close()
        QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        self.save_geometry()
        if "report" in self._pages:
            self.incident_form.flush_draft()
        if not self._quitting and self.tray.isVisible():
            # An alarm must still reach this station: keep running in the tray.
            event.ignore()
            self.hide()
            self.tray.showMessage(
                "VeiligBalie",
                self.tr("VeiligBalie keeps running in the tray so that alarms still reach you."),
                QSystemTrayIcon.MessageIcon.Information,
                4000,
            )
            return
        event.accept()
