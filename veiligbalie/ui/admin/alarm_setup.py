"""Beheer, Alarmering: the alarm set-up of one site. Escalation levels (delay, who is
alerted, whether the webhook is called) as an editable list, the outgoing webhook (address,
write-only signing secret, "Send test" with the receiver's answer), and the LAN beacon port,
group and switch the site's workstations take over.

Everything goes through :class:`~veiligbalie.services.admin_alarm.AdminAlarmService` to the
server, which checks it; its message is shown next to the button that sent it.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.services.admin_alarm import (
    COLLEAGUES,
    TARGETS,
    AdminAlarmService,
    EscalationOut,
    LevelDraft,
    SiteLanOut,
    SiteOut,
    WebhookTestOut,
)
from veiligbalie.services.context import AppContext
from veiligbalie.ui.supervision_settings import SiteScheduleEditor

MAX_LEVELS = 10


def target_label(target: str) -> str:
    """The page's name for an escalation target (a role, or every colleague)."""
    labels = {
        COLLEAGUES: QCoreApplication.translate("AlarmSetupPage", "All colleagues of the site"),
        "security": QCoreApplication.translate("AlarmSetupPage", "Security"),
        "team_lead": QCoreApplication.translate("AlarmSetupPage", "Team leads"),
        "coordinator": QCoreApplication.translate(
            "AlarmSetupPage", "Coordinator aggression and violence"
        ),
        "peer_support": QCoreApplication.translate("AlarmSetupPage", "Peer-support team"),
        "employee": QCoreApplication.translate("AlarmSetupPage", "Employees"),
        "administrator": QCoreApplication.translate("AlarmSetupPage", "Administrators"),
    }
    return labels.get(target, target)


class LevelRow(QWidget):
    """One escalation level: after how many seconds, who is alerted, and the webhook."""

    moved = Signal(object, int)  # (row, -1 up / +1 down)
    removed = Signal(object)

    def __init__(self, level: LevelDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.number = QLabel(self)
        self.number.setObjectName("escalationLevelNumber")
        self.number.setMinimumWidth(70)
        row.addWidget(self.number)
        self.delay = QDoubleSpinBox(self)
        self.delay.setObjectName("escalationLevelDelay")
        self.delay.setAccessibleName(self.tr("Delay in seconds"))
        self.delay.setDecimals(1)
        self.delay.setRange(0, 24 * 3600)
        self.delay.setSuffix(self.tr(" s"))
        self.delay.setValue(level.delay_seconds)
        self.delay.setToolTip(self.tr("Seconds after the alarm without anyone answering"))
        row.addWidget(self.delay)
        self.targets = QToolButton(self)
        self.targets.setObjectName("escalationLevelTargets")
        self.targets.setAccessibleName(self.tr("Who is alerted"))
        self.targets.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.targets.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.targets.setMinimumWidth(200)
        menu = QMenu(self.targets)
        self.target_actions: dict[str, QAction] = {}
        for target in (*TARGETS, *[t for t in level.targets if t not in TARGETS]):
            action = menu.addAction(target_label(target))
            action.setCheckable(True)
            action.setChecked(target in level.targets)
            action.toggled.connect(lambda _on, t=target: self._target_toggled(t))
            self.target_actions[target] = action
        self.targets.setMenu(menu)
        row.addWidget(self.targets, 1)
        self.webhook = QCheckBox(self.tr("Webhook"), self)
        self.webhook.setObjectName("escalationLevelWebhook")
        self.webhook.setAccessibleName(self.tr("Call the webhook at this level"))
        self.webhook.setChecked(level.webhook)
        row.addWidget(self.webhook)
        self.up = QToolButton(self)
        self.up.setObjectName("escalationLevelUp")
        self.up.setArrowType(Qt.ArrowType.UpArrow)
        self.up.setAccessibleName(self.tr("Move level up"))
        self.up.clicked.connect(lambda: self.moved.emit(self, -1))
        row.addWidget(self.up)
        self.down = QToolButton(self)
        self.down.setObjectName("escalationLevelDown")
        self.down.setArrowType(Qt.ArrowType.DownArrow)
        self.down.setAccessibleName(self.tr("Move level down"))
        self.down.clicked.connect(lambda: self.moved.emit(self, 1))
        row.addWidget(self.down)
        self.remove = QPushButton(self.tr("Remove"), self)
        self.remove.setObjectName("escalationLevelRemove")
        self.remove.setAccessibleName(self.tr("Remove level"))
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        row.addWidget(self.remove)
        self._show_targets()

    def _target_toggled(self, target: str) -> None:
        # "All colleagues" already includes every role: choosing one clears the other kind
        # (the server refuses the mix, with its own message, if it gets one anyway).
        actions = self.target_actions
        if actions[target].isChecked():
            others = [t for t in actions if (t == COLLEAGUES) != (target == COLLEAGUES)]
            for other in others:
                actions[other].blockSignals(True)
                actions[other].setChecked(False)
                actions[other].blockSignals(False)
        self._show_targets()

    def set_targets(self, targets: list[str]) -> None:
        for target, action in self.target_actions.items():
            action.blockSignals(True)
            action.setChecked(target in targets)
            action.blockSignals(False)
        self._show_targets()

    def _show_targets(self) -> None:
        chosen = self.chosen_targets()
        text = ", ".join(target_label(t) for t in chosen) or self.tr("Nobody (choose)")
        self.targets.setText(text)
        self.targets.setToolTip(text)

    def chosen_targets(self) -> list[str]:
        return [t for t, action in self.target_actions.items() if action.isChecked()]

    def draft(self) -> LevelDraft:
        return LevelDraft(
            self.delay.value(), tuple(self.chosen_targets()), self.webhook.isChecked()
        )

    def set_number(self, number: int, count: int) -> None:
        self.number.setText(fill(self.tr("Level %1"), str(number + 1)))
        self.up.setEnabled(number > 0)
        self.down.setEnabled(number < count - 1)


class AlarmSetupPage(QWidget):
    """Beheer section "Alarmering". ``add_group(widget)`` places one more group box (the
    test-alarm schedule and opening hours) in the free cell of the page;
    ``site_changed(site_id)`` tells it which site is shown."""

    site_changed = Signal(uuid.UUID)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminAlarmSetup")
        self.setAccessibleName(self.tr("Alarm set-up"))
        self.context = context
        self.service = AdminAlarmService.from_context(context, self)
        self.rows: list[LevelRow] = []
        self._site: uuid.UUID | None = None
        #: Requests sent from a button whose success the page says in words.
        self._saving: set[str] = set()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        column = QVBoxLayout(body)
        self.grid = QGridLayout()
        column.addLayout(self.grid)
        column.addStretch(1)

        # -- site ---------------------------------------------------------------------------
        top = QHBoxLayout()
        title = QLabel(self.tr("Alarm set-up per site"), body)
        title.setObjectName("adminAlarmTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addStretch(1)
        site_label = QLabel(self.tr("Site"), body)
        top.addWidget(site_label)
        self.site = QComboBox(body)
        self.site.setObjectName("alarmSiteChoice")
        self.site.setAccessibleName(self.tr("Site"))
        self.site.setMinimumWidth(220)
        site_label.setBuddy(self.site)
        self.site.currentIndexChanged.connect(self._site_chosen)
        top.addWidget(self.site)
        self.reload_button = QPushButton(self.tr("Reload"), body)
        self.reload_button.setObjectName("alarmSetupReload")
        self.reload_button.clicked.connect(self.reload)
        top.addWidget(self.reload_button)
        self.grid.addLayout(top, 0, 0, 1, 2)
        self.site_message = QLabel(body)
        self.site_message.setObjectName("alarmSiteMessage")
        self.site_message.setWordWrap(True)
        self.site_message.setVisible(False)
        self.grid.addWidget(self.site_message, 1, 0)

        # -- escalation ---------------------------------------------------------------------
        escalation = QGroupBox(self.tr("Escalation"), body)
        escalation.setObjectName("escalationGroup")
        levels_box = QVBoxLayout(escalation)
        explain = QLabel(
            self.tr(
                "When nobody answers an alarm, the server alerts the next level after its "
                "delay (counted from the alarm)."
            ),
            escalation,
        )
        explain.setWordWrap(True)
        levels_box.addWidget(explain)
        self.source = QLabel(escalation)
        self.source.setObjectName("escalationSource")
        self.source.setWordWrap(True)
        levels_box.addWidget(self.source)
        self.levels_layout = QVBoxLayout()
        levels_box.addLayout(self.levels_layout)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add level"), escalation)
        self.add_button.setObjectName("escalationAddLevel")
        self.add_button.clicked.connect(self.add_level)
        buttons.addWidget(self.add_button)
        self.reset_button = QPushButton(self.tr("Reset to default"), escalation)
        self.reset_button.setObjectName("escalationReset")
        self.reset_button.setToolTip(
            self.tr("Back to the built-in levels; the webhook address and secret are removed")
        )
        self.reset_button.clicked.connect(self.reset_to_default)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("Save escalation"), escalation)
        self.save_button.setObjectName("escalationSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_escalation)
        buttons.addWidget(self.save_button)
        levels_box.addLayout(buttons)
        self.escalation_message = QLabel(escalation)
        self.escalation_message.setObjectName("escalationMessage")
        self.escalation_message.setWordWrap(True)
        self.escalation_message.setVisible(False)
        levels_box.addWidget(self.escalation_message)
        levels_box.addStretch(1)
        self.grid.addWidget(escalation, 2, 0)

        # -- webhook ------------------------------------------------------------------------
        webhook = QGroupBox(self.tr("Webhook (alarm centre, security desk)"), body)
        webhook.setObjectName("webhookGroup")
        form = QFormLayout(webhook)
        self.webhook_url = QLineEdit(webhook)
        self.webhook_url.setObjectName("webhookUrl")
        self.webhook_url.setAccessibleName(self.tr("Webhook address"))
        self.webhook_url.setPlaceholderText("https://meldkamer.example.nl/veiligbalie")
        form.addRow(self.tr("Address"), self.webhook_url)
        self.secret_state = QLabel(webhook)
        self.secret_state.setObjectName("webhookSecretState")
        form.addRow(self.tr("Signing secret"), self.secret_state)
        self.secret = QLineEdit(webhook)
        self.secret.setObjectName("webhookSecret")
        self.secret.setAccessibleName(self.tr("New signing secret"))
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("Leave empty to keep the current secret"))
        form.addRow(self.tr("New secret"), self.secret)
        note = QLabel(
            self.tr("Saved with the escalation. The secret is never shown again."), webhook
        )
        note.setWordWrap(True)
        form.addRow("", note)
        test_row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Send test"), webhook)
        self.test_button.setObjectName("webhookTestButton")
        self.test_button.setToolTip(
            self.tr("Sends a signed test message, marked as a test, to the saved address")
        )
        self.test_button.clicked.connect(self.send_test)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        self.test_result = QLabel(webhook)
        self.test_result.setObjectName("webhookTestResult")
        self.test_result.setAccessibleName(self.tr("Answer of the webhook test"))
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Answer"), self.test_result)
        self.grid.addWidget(webhook, 3, 0)

        # -- LAN beacon ---------------------------------------------------------------------
        lan = QGroupBox(self.tr("Alarm between workstations (network)"), body)
        lan.setObjectName("lanGroup")
        lan_column = QVBoxLayout(lan)
        lan_form = QFormLayout()
        lan_column.addLayout(lan_form)
        lan_column.addStretch(1)  # a wrapped label's height hint leaves room: at the bottom
        self.lan_enabled = QCheckBox(self.tr("Workstations of this site alarm each other"), lan)
        self.lan_enabled.setObjectName("lanEnabled")
        self.lan_enabled.setToolTip(
            self.tr("Also without the server, over the local network (signed UDP)")
        )
        lan_form.addRow("", self.lan_enabled)
        self.lan_port = QSpinBox(lan)
        self.lan_port.setObjectName("lanPort")
        self.lan_port.setAccessibleName(self.tr("UDP port"))
        self.lan_port.setRange(0, 65535)
        self.lan_port.setSpecialValueText(self.tr("Each workstation's own"))
        self.lan_port.setMaximumWidth(260)
        lan_form.addRow(self.tr("UDP port"), self.lan_port)
        self.lan_group = QLineEdit(lan)
        self.lan_group.setObjectName("lanGroupAddress")
        self.lan_group.setAccessibleName(self.tr("Multicast group"))
        self.lan_group.setPlaceholderText(self.tr("Each workstation's own, e.g. 239.255.47.47"))
        self.lan_group.setMaximumWidth(360)
        lan_form.addRow(self.tr("Multicast group"), self.lan_group)
        lan_note = QLabel(
            self.tr(
                "Linked workstations take these over at once, or when they next connect. "
                "Empty: each workstation keeps its own setting (Instellingen)."
            ),
            lan,
        )
        lan_note.setWordWrap(True)
        # Wrapped labels below the form, not in it: a form row sizes them for a narrow width.
        lan_column.insertWidget(1, lan_note)
        lan_buttons = QHBoxLayout()
        lan_buttons.addStretch(1)
        self.lan_save = QPushButton(self.tr("Save network settings"), lan)
        self.lan_save.setObjectName("lanSaveButton")
        self.lan_save.clicked.connect(self.save_lan)
        lan_buttons.addWidget(self.lan_save)
        lan_column.insertLayout(2, lan_buttons)
        self.lan_message = QLabel(lan)
        self.lan_message.setObjectName("lanMessage")
        self.lan_message.setWordWrap(True)
        self.lan_message.setVisible(False)
        lan_column.insertWidget(3, self.lan_message)
        self.grid.addWidget(lan, 4, 0)

        s = self.service
        s.sites_loaded.connect(self._show_sites)
        s.escalation_loaded.connect(self._show_escalation)
        s.lan_loaded.connect(self._show_lan)
        s.webhook_tested.connect(self._show_test)
        s.failed.connect(self._show_failure)
        #: Opening hours and the test-alarm schedule of the chosen site (Toezicht reads them).
        self.schedule: SiteScheduleEditor | None = None
        self.site_changed.connect(self._show_schedule)
        self._enable(False)
        self.reload()

    def current_site(self) -> uuid.UUID | None:
        return self._site

    def _show_schedule(self, site_id: uuid.UUID) -> None:
        if self.schedule is None:
            self.schedule = SiteScheduleEditor(self.context, site_id, self)
            self.grid.addWidget(self.schedule, 5, 0)
        else:
            self.schedule.set_site(site_id)

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._tell(self.site_message, "")
        self.service.load_sites()

    def _show_sites(self, sites: list[SiteOut]) -> None:
        previous = self._site
        self.site.blockSignals(True)
        self.site.clear()
        for site in sites:
            self.site.addItem(site.name, site.id)
        self.site.blockSignals(False)
        if not sites:
            self._tell(self.site_message, self.tr("No sites yet. Create a site first."))
            self._enable(False)
            return
        index = self.site.findData(previous) if previous is not None else -1
        self.site.setCurrentIndex(max(index, 0))
        self._site_chosen()

    def _site_chosen(self) -> None:
        site = self.site.currentData()
        if site is None:
            return
        self._site = uuid.UUID(str(site))
        self.test_result.setText("")
        for label in (self.escalation_message, self.lan_message):
            self._tell(label, "")
        self.service.load_escalation(self._site)
        self.service.load_lan(self._site)
        self.site_changed.emit(self._site)

    def _enable(self, on: bool) -> None:
        for widget in (
            self.add_button,
            self.reset_button,
            self.save_button,
            self.test_button,
            self.lan_save,
        ):
            widget.setEnabled(on)

    # -- escalation -------------------------------------------------------------------------
    def _show_escalation(self, config: EscalationOut) -> None:
        if config.site_id != self._site:
            return
        self._enable(True)
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        for level in config.levels:
            self._add_row(LevelDraft.of(level))
        self._renumber()
        self.source.setText(
            self.tr("The built-in default applies: this site has no escalation of its own.")
            if config.default
            else self.tr("Set for this site.")
        )
        self.webhook_url.setText(config.webhook_url or "")
        self.secret.clear()
        self.secret_state.setText(
            self.tr("Set") if config.webhook_secret_set else self.tr("Not set")
        )
        if "save" in self._saving or "reset" in self._saving:
            saved = "save" in self._saving
            self._saving -= {"save", "reset"}
            self._tell(
                self.escalation_message,
                self.tr("Saved.") if saved else self.tr("Back to the built-in default."),
            )

    def _add_row(self, level: LevelDraft) -> LevelRow:
        row = LevelRow(level, self)
        row.moved.connect(self._move)
        row.removed.connect(self._remove)
        self.rows.append(row)
        self.levels_layout.addWidget(row)
        return row

    def add_level(self) -> LevelRow | None:
        if len(self.rows) >= MAX_LEVELS:
            self._tell(self.escalation_message, self.tr("At most 10 levels."))
            return None
        last = self.rows[-1].delay.value() if self.rows else 0.0
        row = self._add_row(LevelDraft(last + 60 if self.rows else 0.0, ("security",), False))
        self._renumber()
        return row

    def _remove(self, row: LevelRow) -> None:
        self.rows.remove(row)
        self.levels_layout.removeWidget(row)
        row.setParent(None)
        row.deleteLater()
        self._renumber()

    def _move(self, row: LevelRow, step: int) -> None:
        index = self.rows.index(row)
        target = index + step
        if not 0 <= target < len(self.rows):
            return
        self.rows[index], self.rows[target] = self.rows[target], self.rows[index]
        self.levels_layout.removeWidget(row)
        self.levels_layout.insertWidget(target, row)
        self._renumber()

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows):
            row.set_number(number, len(self.rows))

    def save_escalation(self) -> None:
        if self._site is None:
            return
        self._tell(self.escalation_message, "")
        secret = self.secret.text()
        if self.service.save_escalation(
            self._site,
            [row.draft() for row in self.rows],
            self.webhook_url.text(),
            secret if secret else None,
        ):
            self._saving.add("save")

    def reset_to_default(self) -> None:
        if self._site is None:
            return
        self._tell(self.escalation_message, "")
        if self.service.reset_escalation(self._site):
            self._saving.add("reset")

    # -- webhook test -----------------------------------------------------------------------
    def send_test(self) -> None:
        if self._site is None:
            return
        self.test_result.setText(self.tr("Sending…"))
        self.test_button.setEnabled(False)
        self.service.test_webhook(self._site)

    def _show_test(self, result: WebhookTestOut) -> None:
        self.test_button.setEnabled(True)
        ms = f"{result.elapsed_ms:.0f}"
        if result.status is None:
            text = fill(
                self.tr("No answer from %1 after %2 ms: %3"),
                result.url_host,
                ms,
                result.error or "",
            )
        else:
            verdict = self.tr("OK") if result.ok else self.tr("Not OK")
            text = fill(
                self.tr("%1: %2 answered HTTP %3 in %4 ms."),
                verdict,
                result.url_host,
                str(result.status),
                ms,
            )
            if result.body:
                text += "\n" + fill(self.tr("Answer: %1"), result.body[:200])
        self.test_result.setText(text)

    # -- LAN --------------------------------------------------------------------------------
    def _show_lan(self, lan: SiteLanOut) -> None:
        if lan.site_id != self._site:
            return
        self.lan_enabled.setChecked(lan.enabled)
        self.lan_port.setValue(lan.port or 0)
        self.lan_group.setText(lan.group or "")
        if "lan_save" in self._saving:
            self._saving.discard("lan_save")
            self._tell(self.lan_message, self.tr("Saved. Linked workstations take it over."))

    def save_lan(self) -> None:
        if self._site is None:
            return
        self._tell(self.lan_message, "")
        port = self.lan_port.value() or None
        if self.service.save_lan(
            self._site, port, self.lan_group.text().strip(), self.lan_enabled.isChecked()
        ):
            self._saving.add("lan_save")

    # -- messages ---------------------------------------------------------------------------
    def _show_failure(self, what: str, message: str) -> None:
        self._saving.discard(what)
        if what == "sites":
            self._tell(self.site_message, message)
        elif what in ("escalation", "save", "reset"):
            self._tell(self.escalation_message, message)
        elif what == "test":
            self.test_button.setEnabled(True)
            self.test_result.setText(message)
        else:
            self._tell(self.lan_message, message)

    @staticmethod
    def _tell(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
