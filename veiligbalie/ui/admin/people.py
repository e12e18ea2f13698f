"""Beheer > Mensen: the users with their role, site, team and state; adding a person, another
role or team, a one-time password, deactivating and unlocking; the teams of each site and
which team lead reviews which team.

Everything goes through :class:`AdminPeopleService` (the server decides and audits); a
refusal shows the server's own message. Dialogs open window-modal without blocking.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Role
from veiligbalie.services.admin_people import (
    PASSWORD_MIN,
    ROLES,
    SITE_ROLES,
    AdminPeopleService,
    Directory,
    PasswordResetOut,
    TeamOut,
    UserOut,
)
from veiligbalie.ui.widgets import buddy_label, line_edit

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

_Index = QModelIndex | QPersistentModelIndex
_ERROR_STYLE = "color: #b00020;"
_OK_STYLE = "color: #1b5e20;"
_FIELD_MAX = 200


def role_label(role: Role) -> str:
    """The role as the administrator reads it (context PeoplePage)."""
    texts = {
        Role.EMPLOYEE: QCoreApplication.translate("PeoplePage", "Employee"),
        Role.TEAM_LEAD: QCoreApplication.translate("PeoplePage", "Team lead"),
        Role.COORDINATOR: QCoreApplication.translate(
            "PeoplePage", "Coordinator aggression and violence"
        ),
        Role.PEER_SUPPORT: QCoreApplication.translate("PeoplePage", "Peer-support member"),
        Role.SECURITY: QCoreApplication.translate("PeoplePage", "Security"),
        Role.ADMINISTRATOR: QCoreApplication.translate("PeoplePage", "Administrator"),
        Role.PRIVACY_OFFICER: QCoreApplication.translate("PeoplePage", "Privacy officer"),
    }
    return texts[role]


def _yes(value: bool) -> str:
    return (
        QCoreApplication.translate("PeoplePage", "yes")
        if value
        else QCoreApplication.translate("PeoplePage", "no")
    )


class PeopleTableModel(QAbstractTableModel):
    """One row per user: name, username, role, site, team, active, locked."""

    COLUMNS = ("name", "username", "role", "site", "team", "active", "locked")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = Directory()

    def set_directory(self, directory: Directory) -> None:
        self.beginResetModel()
        self._directory = directory
        self.endResetModel()

    def user(self, row: int) -> UserOut:
        return self._directory.users[row]

    def row_of(self, user_id: uuid.UUID) -> int:
        return next((i for i, u in enumerate(self._directory.users) if u.id == user_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._directory.users)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Name"),
            self.tr("Username"),
            self.tr("Role"),
            self.tr("Site"),
            self.tr("Team"),
            self.tr("Active"),
            self.tr("Locked"),
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self._directory.users[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and not u.active:
            return Qt.GlobalColor.gray
        if role == Qt.ItemDataRole.ToolTipRole and column == "name" and u.must_change_password:
            return self.tr("Must choose a new password at the next sign-in")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        d = self._directory
        values = {
            "name": u.display_name,
            "username": u.username,
            "role": role_label(u.role),
            "site": d.site_name(u.site_id) or "—",
            "team": d.team_name(u.team_id) or "—",
            "active": _yes(u.active),
            "locked": _yes(u.locked),
        }
        return values[column]


class TeamsTableModel(QAbstractTableModel):
    """One row per team: name, site, its team leads, how many members."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._teams: tuple[TeamOut, ...] = ()

    def set_teams(self, teams: tuple[TeamOut, ...]) -> None:
        self.beginResetModel()
        self._teams = teams
        self.endResetModel()

    def team(self, row: int) -> TeamOut:
        return self._teams[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._teams)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Team"), self.tr("Site"), self.tr("Team leads"), self.tr("Members"))[
            section
        ]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        team = self._teams[index.row()]
        leads = ", ".join(lead.display_name for lead in team.leads)
        return (
            team.name,
            team.site_name,
            leads or self.tr("every team lead of the site"),
            str(team.members),
        )[index.column()]


# --- dialogs ------------------------------------------------------------------------------


class _Dialog(QDialog):
    """A small form with OK/Cancel and a message line; ``check`` decides whether OK closes."""

    def __init__(self, name: str, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.form = QFormLayout(self)
        self.message = QLabel(self)
        self.message.setObjectName(f"{name}Message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName(f"{name}Buttons")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)

    def finish_form(self) -> None:
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def check(self) -> str:
        """ "" when the form may be sent, else what to correct."""
        return ""

    def _ok(self) -> None:
        problem = self.check()
        self.message.setText(problem)
        if not problem:
            self.accept()


def _combo(parent: QWidget, name: str, accessible: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    return combo


def _id(combo: QComboBox) -> uuid.UUID | None:
    """The id chosen (items carry ids as text: Qt compares Python objects by identity)."""
    data = combo.currentData()
    return uuid.UUID(str(data)) if data else None


def _choose(combo: QComboBox, value: object) -> None:
    index = combo.findData(str(value) if isinstance(value, uuid.UUID) else value)
    if index >= 0:
        combo.setCurrentIndex(index)


class _SiteRoleMixin:
    """Keeps a site and team choice in step with the role and with each other."""

    directory: Directory
    role: QComboBox
    site: QComboBox
    team: QComboBox | None = None

    def _fill_sites(self, parent: QWidget) -> None:
        self.site.addItem(QCoreApplication.translate("PeoplePage", "No site"), None)
        for s in self.directory.sites:
            self.site.addItem(s.name, str(s.id))

    def _fill_teams(self) -> None:
        if self.team is None:
            return
        self.team.clear()
        self.team.addItem(QCoreApplication.translate("PeoplePage", "No team"), None)
        for team in self.directory.teams_of(_id(self.site)):
            self.team.addItem(team.name, str(team.id))

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def _site_problem(self) -> str:
        if self.chosen_role() in SITE_ROLES and self.site.currentData() is None:
            return QCoreApplication.translate(
                "PeoplePage", "An employee, a team lead and security work at one site: choose it."
            )
        return ""


class PersonDialog(_Dialog, _SiteRoleMixin):
    """*Persoon toevoegen*: username, name, role, site, team and a first password."""

    def __init__(self, directory: Directory, parent: QWidget | None = None) -> None:
        super().__init__(
            "personDialog", QCoreApplication.translate("PersonDialog", "Add person"), parent
        )
        self.directory = directory
        self.username = line_edit(
            self, "personUsername", self.tr("Username"), max_length=_FIELD_MAX
        )
        self.name = line_edit(self, "personName", self.tr("Name"), max_length=_FIELD_MAX)
        self.role = _combo(self, "personRole", self.tr("Role"))
        for role in ROLES:
            self.role.addItem(role_label(role), role.value)
        self.site = _combo(self, "personSite", self.tr("Site"))
        self._fill_sites(self)
        if directory.sites:  # most people work at a site: the first one, not "no site"
            self.site.setCurrentIndex(1)
        self.team = _combo(self, "personTeam", self.tr("Team"))
        self.password = line_edit(
            self, "personPassword", self.tr("First password"), max_length=1024
        )
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.must_change = QCheckBox(self.tr("Must be changed at the first sign-in"), self)
        self.must_change.setObjectName("personMustChange")
        self.must_change.setAccessibleName(self.must_change.text())
        self.must_change.setChecked(True)
        self.form.addRow(*buddy_label(self.tr("&Username"), self.username))
        self.form.addRow(*buddy_label(self.tr("&Name"), self.name))
        self.form.addRow(*buddy_label(self.tr("&Role"), self.role))
        self.form.addRow(*buddy_label(self.tr("&Site"), self.site))
        self.form.addRow(*buddy_label(self.tr("&Team"), self.team))
        self.form.addRow(*buddy_label(self.tr("First &password"), self.password))
        self.form.addRow(self.must_change)
        self.finish_form()
        self.site.currentIndexChanged.connect(lambda _i: self._fill_teams())
        self._fill_teams()

    def check(self) -> str:
        if not self.username.text().strip():
            return self.tr("Enter a username.")
        if not self.name.text().strip():
            return self.tr("Enter the person's name.")
        if len(self.password.text()) < PASSWORD_MIN:
            return fill(self.tr("The password needs at least %1 characters."), str(PASSWORD_MIN))
        return self._site_problem()


class RoleDialog(_Dialog, _SiteRoleMixin):
    """*Rol wijzigen*: another role and site; the person is signed out."""

    def __init__(self, directory: Directory, user: UserOut, parent: QWidget | None = None) -> None:
        super().__init__(
            "roleDialog", QCoreApplication.translate("RoleDialog", "Change role"), parent
        )
        self.directory = directory
        intro = QLabel(
            fill(
                self.tr("%1 is signed out everywhere when the role or site changes."),
                user.display_name,
            ),
            self,
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.role = _combo(self, "roleChoice", self.tr("Role"))
        for role in ROLES:
            self.role.addItem(role_label(role), role.value)
        _choose(self.role, user.role.value)
        self.site = _combo(self, "roleSite", self.tr("Site"))
        self._fill_sites(self)
        _choose(self.site, user.site_id)
        self.form.addRow(*buddy_label(self.tr("&Role"), self.role))
        self.form.addRow(*buddy_label(self.tr("&Site"), self.site))
        self.finish_form()

    def check(self) -> str:
        return self._site_problem()


class TeamChoiceDialog(_Dialog):
    """*Team*: a team of the person's site, or none."""

    def __init__(self, directory: Directory, user: UserOut, parent: QWidget | None = None) -> None:
        super().__init__(
            "teamDialog", QCoreApplication.translate("TeamChoiceDialog", "Team"), parent
        )
        self.team = _combo(self, "teamChoice", self.tr("Team"))
        self.team.addItem(self.tr("No team"), None)
        for team in directory.teams_of(user.site_id):
            self.team.addItem(team.name, str(team.id))
        _choose(self.team, user.team_id)
        self.form.addRow(QLabel(fill(self.tr("The team of %1:"), user.display_name), self))
        self.form.addRow(*buddy_label(self.tr("&Team"), self.team))
        self.finish_form()


class ResetPasswordDialog(_Dialog):
    """*Wachtwoord opnieuw instellen*: a one-time password, made up by the server or typed."""

    def __init__(self, user: UserOut, parent: QWidget | None = None) -> None:
        super().__init__(
            "resetPasswordDialog",
            QCoreApplication.translate("ResetPasswordDialog", "Reset password"),
            parent,
        )
        intro = QLabel(
            fill(
                self.tr(
                    "%1 gets a one-time password and is signed out everywhere. At the next "
                    "sign-in they must choose their own password before anything else."
                ),
                user.display_name,
            ),
            self,
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.generate = QRadioButton(self.tr("Let the server make one up"), self)
        self.generate.setObjectName("resetGenerate")
        self.generate.setAccessibleName(self.generate.text())
        self.typed = QRadioButton(self.tr("Type one"), self)
        self.typed.setObjectName("resetTyped")
        self.typed.setAccessibleName(self.typed.text())
        self.generate.setChecked(True)
        self.password = line_edit(
            self, "resetPassword", self.tr("One-time password"), max_length=1024
        )
        self.password.setEnabled(False)
        self.typed.toggled.connect(self.password.setEnabled)
        self.form.addRow(self.generate)
        self.form.addRow(self.typed)
        self.form.addRow(*buddy_label(self.tr("&One-time password"), self.password))
        self.finish_form()

    def check(self) -> str:
        if self.typed.isChecked() and len(self.password.text()) < PASSWORD_MIN:
            return fill(self.tr("The password needs at least %1 characters."), str(PASSWORD_MIN))
        return ""

    def chosen_password(self) -> str | None:
        return self.password.text() if self.typed.isChecked() else None


class TeamDialog(_Dialog):
    """*Nieuw team* (site and name) or *Team hernoemen* (name only)."""

    def __init__(
        self, directory: Directory, team: TeamOut | None = None, parent: QWidget | None = None
    ) -> None:
        title = (
            QCoreApplication.translate("TeamDialog", "Rename team")
            if team
            else QCoreApplication.translate("TeamDialog", "New team")
        )
        super().__init__("teamNameDialog", title, parent)
        self.site = _combo(self, "teamSite", self.tr("Site"))
        for s in directory.sites:
            self.site.addItem(s.name, str(s.id))
        self.name = line_edit(self, "teamName", self.tr("Team name"), max_length=_FIELD_MAX)
        if team is not None:
            _choose(self.site, team.site_id)
            self.site.setEnabled(False)
            self.name.setText(team.name)
        self.form.addRow(*buddy_label(self.tr("&Site"), self.site))
        self.form.addRow(*buddy_label(self.tr("Team &name"), self.name))
        self.finish_form()

    def check(self) -> str:
        if self.site.currentData() is None:
            return self.tr("Add a site first (Organisation).")
        if not self.name.text().strip():
            return self.tr("Enter the team's name.")
        return ""


class LeadDialog(_Dialog):
    """Choose a team lead to add to (or remove from) a team."""

    def __init__(
        self, candidates: list[tuple[str, uuid.UUID]], title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__("leadDialog", title, parent)
        self.lead = _combo(self, "leadChoice", self.tr("Team lead"))
        for name, user_id in candidates:
            self.lead.addItem(name, str(user_id))
        self.form.addRow(*buddy_label(self.tr("&Team lead"), self.lead))
        self.finish_form()

    def check(self) -> str:
        if self.lead.currentData() is None:
            return self.tr("There is no team lead to choose.")
        return ""


# --- the page ---------------------------------------------------------------------------


class PeoplePage(QWidget):
    """*Mensen* (objectName ``peoplePage``)."""

    def __init__(
        self,
        context: AppContext | None,
        parent: QWidget | None = None,
        service: AdminPeopleService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("peoplePage")
        self.setAccessibleName(self.tr("People"))
        if service is None:
            assert context is not None
            service = AdminPeopleService.from_context(context, self)
        self.service = service
        self.dialog: QDialog | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)

        title = QLabel(self.tr("People"), self)
        title.setObjectName("peopleTitle")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        column.addWidget(title)
        self.message = QLabel(self)
        self.message.setObjectName("peopleMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        column.addWidget(self.message)

        # The one-time password of a reset, shown once to hand over.
        self.one_time = QWidget(self)
        self.one_time.setObjectName("oneTimePanel")
        one_row = QHBoxLayout(self.one_time)
        one_row.setContentsMargins(0, 0, 0, 0)
        self.one_time_label = QLabel(self.one_time)
        self.one_time_label.setWordWrap(True)
        self.one_time_password = QLineEdit(self.one_time)
        self.one_time_password.setObjectName("oneTimePassword")
        self.one_time_password.setAccessibleName(self.tr("One-time password"))
        self.one_time_password.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(font.pointSizeF())
        self.one_time_password.setFont(mono)
        one_row.addWidget(self.one_time_label, 1)
        one_row.addWidget(self.one_time_password)
        self.one_time.hide()
        column.addWidget(self.one_time)

        self.model = PeopleTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("peopleTable")
        self.table.setAccessibleName(self.tr("People"))
        self.table.setModel(self.model)
        self._table_look(self.table, 0)
        column.addWidget(self.table, 3)

        person_row = QHBoxLayout()
        self.add_button = self._button("addPersonButton", self.tr("Add person…"), self.open_add)
        self.role_button = self._button("changeRoleButton", self.tr("Change role…"), self.open_role)
        self.team_button = self._button("setTeamButton", self.tr("Team…"), self.open_team)
        self.reset_button = self._button(
            "resetPasswordButton", self.tr("Reset password…"), self.open_reset
        )
        self.active_button = self._button(
            "deactivateButton", self.tr("Deactivate"), self.toggle_active
        )
        self.unlock_button = self._button("unlockButton", self.tr("Unlock"), self.unlock)
        for button in (
            self.add_button,
            self.role_button,
            self.team_button,
            self.reset_button,
            self.active_button,
            self.unlock_button,
        ):
            person_row.addWidget(button)
        person_row.addStretch(1)
        column.addLayout(person_row)

        teams = QGroupBox(self.tr("Teams and their team leads"), self)
        teams.setObjectName("teamsGroup")
        teams_column = QVBoxLayout(teams)
        explain = QLabel(
            self.tr(
                'A report marked "only my team lead" goes to the team leads of the reporter\'s '
                "team. A team without a team lead, or a person without a team: every team "
                "lead of the site."
            ),
            teams,
        )
        explain.setObjectName("teamsExplanation")
        explain.setWordWrap(True)
        teams_column.addWidget(explain)
        self.teams_model = TeamsTableModel(self)
        self.teams_table = QTableView(teams)
        self.teams_table.setObjectName("teamsTable")
        self.teams_table.setAccessibleName(self.tr("Teams"))
        self.teams_table.setModel(self.teams_model)
        self._table_look(self.teams_table, 2)
        teams_column.addWidget(self.teams_table, 1)
        team_row = QHBoxLayout()
        self.add_team_button = self._button(
            "addTeamButton", self.tr("New team…"), self.open_new_team
        )
        self.rename_team_button = self._button(
            "renameTeamButton", self.tr("Rename…"), self.open_rename_team
        )
        self.delete_team_button = self._button(
            "deleteTeamButton", self.tr("Remove team"), self.delete_team
        )
        self.add_lead_button = self._button(
            "addLeadButton", self.tr("Add team lead…"), self.open_add_lead
        )
        self.remove_lead_button = self._button(
            "removeLeadButton", self.tr("Remove team lead…"), self.open_remove_lead
        )
        for button in (
            self.add_team_button,
            self.rename_team_button,
            self.delete_team_button,
            self.add_lead_button,
            self.remove_lead_button,
        ):
            team_row.addWidget(button)
        team_row.addStretch(1)
        teams_column.addLayout(team_row)
        column.addWidget(teams, 2)

        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.teams_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        self.service.loaded.connect(self._on_loaded)
        self.service.done.connect(self._on_done)
        self.service.failed.connect(self._on_failed)
        self._update_buttons()

    # -- building blocks -------------------------------------------------------------------
    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda _=False: slot())
        return button

    @staticmethod
    def _table_look(table: QTableView, stretch: int) -> None:
        """Rows selected whole; every column as wide as its content, ``stretch`` takes the
        rest (a name, not a yes/no column)."""
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)

    def _say(self, text: str, ok: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_OK_STYLE if ok else _ERROR_STYLE)
        self.message.setVisible(bool(text))

    # -- state -----------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.service.available():
            self._say(self.tr("Sign in as administrator on a linked workstation to manage people."))
            return
        self.service.refresh()

    def selected_user(self) -> UserOut | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.user(rows[0].row()) if rows else None

    def selected_team(self) -> TeamOut | None:
        rows = self.teams_table.selectionModel().selectedRows()
        return self.teams_model.team(rows[0].row()) if rows else None

    def select_user(self, username: str) -> None:
        for row, u in enumerate(self.service.directory.users):
            if u.username == username:
                self.table.selectRow(row)
                return
        raise KeyError(username)

    def select_team(self, name: str) -> None:
        for row, team in enumerate(self.service.directory.teams):
            if team.name == name:
                self.teams_table.selectRow(row)
                return
        raise KeyError(name)

    def _on_loaded(self, directory: Directory) -> None:
        user, team = self.selected_user(), self.selected_team()
        self.model.set_directory(directory)
        self.teams_model.set_teams(directory.teams)
        if user is not None and (row := self.model.row_of(user.id)) >= 0:
            self.table.selectRow(row)
        if team is not None:
            for row, t in enumerate(directory.teams):
                if t.id == team.id:
                    self.teams_table.selectRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        user, team = self.selected_user(), self.selected_team()
        for button in (self.role_button, self.team_button, self.reset_button):
            button.setEnabled(user is not None)
        self.active_button.setEnabled(user is not None)
        self.active_button.setText(
            self.tr("Activate") if user is not None and not user.active else self.tr("Deactivate")
        )
        self.active_button.setAccessibleName(self.active_button.text())
        self.unlock_button.setEnabled(user is not None and user.locked)
        for button in (
            self.rename_team_button,
            self.delete_team_button,
            self.add_lead_button,
            self.remove_lead_button,
        ):
            button.setEnabled(team is not None)

    def _open(self, dialog: QDialog, on_ok: Any) -> QDialog:
        """Window-modal without blocking: ``on_ok(dialog)`` when accepted."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_ok(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- people ----------------------------------------------------------------------------
    def open_add(self) -> QDialog:
        def send(d: PersonDialog) -> None:
            assert d.team is not None
            self.service.add_user(
                d.username.text(),
                d.name.text(),
                d.chosen_role(),
                _id(d.site),
                _id(d.team),
                d.password.text(),
                d.must_change.isChecked(),
            )

        return self._open(PersonDialog(self.service.directory, self), send)

    def open_role(self) -> QDialog | None:
        user = self.selected_user()
        if user is None:
            return None

        def send(d: RoleDialog) -> None:
            self.service.set_role(user.id, d.chosen_role(), _id(d.site))

        return self._open(RoleDialog(self.service.directory, user, self), send)

    def open_team(self) -> QDialog | None:
        user = self.selected_user()
        if user is None:
            return None

        def send(d: TeamChoiceDialog) -> None:
            self.service.set_team(user.id, _id(d.team))

        return self._open(TeamChoiceDialog(self.service.directory, user, self), send)

    def open_reset(self) -> QDialog | None:
        user = self.selected_user()
        if user is None:
            return None

        def send(d: ResetPasswordDialog) -> None:
            self.service.reset_password(user.id, d.chosen_password())

        return self._open(ResetPasswordDialog(user, self), send)

    def toggle_active(self) -> QDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        if not user.active:
            self.service.set_active(user.id, True)
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Deactivate"),
            fill(
                self.tr(
                    "Deactivate %1? They can no longer sign in and are signed out everywhere. "
                    "Their reports and history stay."
                ),
                user.display_name,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmDeactivate")
        return self._open(box, lambda _d: self.service.set_active(user.id, False))

    def unlock(self) -> None:
        user = self.selected_user()
        if user is not None:
            self.service.unlock(user.username)

    # -- teams -----------------------------------------------------------------------------
    def open_new_team(self) -> QDialog:
        def send(d: TeamDialog) -> None:
            site = _id(d.site)
            assert site is not None  # the dialog's check
            self.service.create_team(site, d.name.text())

        return self._open(TeamDialog(self.service.directory, None, self), send)

    def open_rename_team(self) -> QDialog | None:
        team = self.selected_team()
        if team is None:
            return None

        def send(d: TeamDialog) -> None:
            self.service.rename_team(team.id, d.name.text())

        return self._open(TeamDialog(self.service.directory, team, self), send)

    def delete_team(self) -> QDialog | None:
        team = self.selected_team()
        if team is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Remove team"),
            fill(
                self.tr("Remove team %1? Its members stay, without a team."),
                team.name,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmDeleteTeam")
        return self._open(box, lambda _d: self.service.delete_team(team.id))

    def open_add_lead(self) -> QDialog | None:
        team = self.selected_team()
        if team is None:
            return None
        current = {lead.user_id for lead in team.leads}
        candidates = [
            (u.display_name, u.id)
            for u in self.service.directory.leads_for(team)
            if u.id not in current
        ]

        def send(d: LeadDialog) -> None:
            lead = _id(d.lead)
            assert lead is not None  # the dialog's check
            self.service.set_lead(team.id, lead, True)

        title = fill(self.tr("Add a team lead to %1"), team.name)
        return self._open(LeadDialog(candidates, title, self), send)

    def open_remove_lead(self) -> QDialog | None:
        team = self.selected_team()
        if team is None:
            return None
        candidates = [(lead.display_name, lead.user_id) for lead in team.leads]

        def send(d: LeadDialog) -> None:
            lead = _id(d.lead)
            assert lead is not None  # the dialog's check
            self.service.set_lead(team.id, lead, False)

        title = fill(self.tr("Remove a team lead from %1"), team.name)
        return self._open(LeadDialog(candidates, title, self), send)

    # -- answers ---------------------------------------------------------------------------
    def _on_done(self, action: str, result: object) -> None:
        if action != "reset_password":
            self.one_time.hide()
        if isinstance(result, UserOut):
            name = result.display_name
            texts = {
                "add_user": fill(self.tr("%1 was added."), name),
                "set_role": fill(
                    self.tr("%1 is now %2 and was signed out everywhere."),
                    name,
                    role_label(result.role),
                ),
                "set_team": fill(self.tr("The team of %1 was changed."), name),
                "deactivate": fill(
                    self.tr("%1 was deactivated and signed out everywhere; the history stays."),
                    name,
                ),
                "activate": fill(self.tr("%1 can sign in again."), name),
                "reset_password": fill(
                    self.tr(
                        "The password of %1 was reset; they must choose their own at the next "
                        "sign-in."
                    ),
                    name,
                ),
            }
            self._say(texts.get(action, ""), ok=True)
            if isinstance(result, PasswordResetOut) and result.one_time_password:
                self.one_time_label.setText(
                    fill(
                        self.tr("One-time password for %1 (shown once; hand it over in person):"),
                        name,
                    )
                )
                self.one_time_password.setText(result.one_time_password)
                metrics = self.one_time_password.fontMetrics()
                self.one_time_password.setMinimumWidth(
                    metrics.horizontalAdvance(result.one_time_password) + 24
                )
                self.one_time.show()
            elif action == "reset_password":
                self.one_time.hide()
        elif isinstance(result, TeamOut):
            texts = {
                "create_team": fill(self.tr("Team %1 was created."), result.name),
                "rename_team": fill(self.tr("The team is now called %1."), result.name),
                "add_lead": fill(self.tr("The team leads of %1 were changed."), result.name),
                "remove_lead": fill(self.tr("The team leads of %1 were changed."), result.name),
            }
            self._say(texts.get(action, ""), ok=True)
        elif action == "delete_team":
            self._say(self.tr("The team was removed; its members have no team now."), ok=True)
        elif action == "unlock":
            self._say(self.tr("The account was unlocked."), ok=True)

    def _on_failed(self, _action: str, message: str) -> None:
        self._say(message)  # the server's own words, or the service's plain ones
