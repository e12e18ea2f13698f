"""AdminPeopleService: Beheer > Mensen. Users, their roles, sites and teams, one-time
passwords, deactivation and unlocking, and which team lead reviews which team.

Every change goes to the server's administrator routes with the signed-in administrator's
own token (sync may run in the station's name); the server decides and audits. This service
refuses nothing itself: a 400/403/404/409 arrives as ``failed(action, message)`` with the
server's own one-line message.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from PySide6.QtCore import QObject, Signal

from veiligbalie.core.vocabulary import Role
from veiligbalie.net.api import ServerApi
from veiligbalie.protocol.admin import PasswordResetOut, SiteOut, TeamOut
from veiligbalie.protocol.auth import PASSWORD_MIN, Message, UserOut
from veiligbalie.services.session import OwnNameService

#: What the screens read (the server's answers as they come).
__all__ = [
    "PASSWORD_MIN",
    "ROLES",
    "SITE_ROLES",
    "AdminPeopleService",
    "Directory",
    "PasswordResetOut",
    "TeamOut",
    "UserOut",
]

USERS = TypeAdapter(list[UserOut])
TEAMS = TypeAdapter(list[TeamOut])
SITES = TypeAdapter(list[SiteOut])

#: The roles an administrator gives, in the order the form offers them.
ROLES: tuple[Role, ...] = (
    Role.EMPLOYEE,
    Role.TEAM_LEAD,
    Role.COORDINATOR,
    Role.PEER_SUPPORT,
    Role.SECURITY,
    Role.ADMINISTRATOR,
    Role.PRIVACY_OFFICER,
)
#: Roles that work at one site (the server says so too).
SITE_ROLES = frozenset({Role.EMPLOYEE, Role.TEAM_LEAD, Role.SECURITY})


@dataclass(frozen=True)
class Directory:
    """What Mensen shows: every user, team and site, as the server last answered."""

    users: tuple[UserOut, ...] = ()
    teams: tuple[TeamOut, ...] = ()
    sites: tuple[SiteOut, ...] = ()

    def site_name(self, site_id: uuid.UUID | None) -> str:
        return next((s.name for s in self.sites if s.id == site_id), "")

    def team_name(self, team_id: uuid.UUID | None) -> str:
        return next((t.name for t in self.teams if t.id == team_id), "")

    def teams_of(self, site_id: uuid.UUID | None) -> list[TeamOut]:
        return [t for t in self.teams if t.site_id == site_id]

    def user(self, user_id: uuid.UUID) -> UserOut | None:
        return next((u for u in self.users if u.id == user_id), None)

    def team(self, team_id: uuid.UUID) -> TeamOut | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def leads_for(self, team: TeamOut) -> list[UserOut]:
        """Who may lead ``team``: active team leads of its site."""
        return [
            u
            for u in self.users
            if u.role is Role.TEAM_LEAD and u.site_id == team.site_id and u.active
        ]


class AdminPeopleService(OwnNameService):
    """``loaded(Directory)`` after :meth:`refresh`; ``done(action, result)`` after a change
    the server took (then a refresh follows); ``failed(action, message)`` otherwise, with
    the server's message, or plain words where it gave none (:func:`refusal_text`)."""

    loaded = Signal(object)
    done = Signal(str, object)
    failed = Signal(str, str)

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        token: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(api, token, parent)
        self.directory = Directory()
        self._generation = 0

    # -- Reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask for users, teams and sites; ``loaded`` once all three arrived."""
        parts: dict[str, Any] = {}  # this refresh's own answers (another may overlap)
        self._generation += 1
        generation = self._generation

        def part(key: str, answer: Any) -> None:
            parts[key] = answer
            if len(parts) == 3 and generation == self._generation:  # only the newest
                self.directory = Directory(
                    tuple(parts["users"]), tuple(parts["teams"]), tuple(parts["sites"])
                )
                self.loaded.emit(self.directory)

        for key, path, model in (
            ("users", "/admin/users", USERS),
            ("teams", "/admin/teams", TEAMS),
            ("sites", "/admin/sites", SITES),
        ):
            self._send("GET", path, None, model, functools.partial(part, key), "load")

    # -- People ----------------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role,
        site_id: uuid.UUID | None,
        team_id: uuid.UUID | None,
        password: str,
        must_change_password: bool = True,
    ) -> None:
        body = {
            "username": username.strip(),
            "display_name": display_name.strip(),
            "role": role.value,
            "site_id": str(site_id) if site_id else None,
            "team_id": str(team_id) if team_id else None,
            "password": password,
            "must_change_password": must_change_password,
        }
        self._change("add_user", "POST", "/admin/users", body, UserOut)

    def set_role(self, user_id: uuid.UUID, role: Role, site_id: uuid.UUID | None) -> None:
        body = {"role": role.value, "site_id": str(site_id) if site_id else None}
        self._change("set_role", "PUT", f"/admin/users/{user_id}/role", body, UserOut)

    def set_team(self, user_id: uuid.UUID, team_id: uuid.UUID | None) -> None:
        body = {"team_id": str(team_id) if team_id else None}
        self._change("set_team", "PUT", f"/admin/users/{user_id}/team", body, UserOut)

    def reset_password(self, user_id: uuid.UUID, password: str | None = None) -> None:
        """A one-time password; without ``password`` the server makes one up and ``done``
        carries it (``PasswordResetOut.one_time_password``), to be handed over once."""
        body = {"password": password} if password else {}
        self._change(
            "reset_password", "POST", f"/admin/users/{user_id}/password", body, PasswordResetOut
        )

    def set_active(self, user_id: uuid.UUID, active: bool) -> None:
        action = "activate" if active else "deactivate"
        body = {"active": active}
        self._change(action, "PUT", f"/admin/users/{user_id}/active", body, UserOut)

    def unlock(self, username: str) -> None:
        self._change("unlock", "POST", "/admin/users/unlock", {"username": username}, None)

    # -- Teams -----------------------------------------------------------------------------
    def create_team(self, site_id: uuid.UUID, name: str) -> None:
        body = {"site_id": str(site_id), "name": name}
        self._change("create_team", "POST", "/admin/teams", body, TeamOut)

    def rename_team(self, team_id: uuid.UUID, name: str) -> None:
        self._change("rename_team", "PATCH", f"/admin/teams/{team_id}", {"name": name}, TeamOut)

    def delete_team(self, team_id: uuid.UUID) -> None:
        self._change("delete_team", "DELETE", f"/admin/teams/{team_id}", None, Message)

    def set_lead(self, team_id: uuid.UUID, user_id: uuid.UUID, lead: bool) -> None:
        action, method = ("add_lead", "PUT") if lead else ("remove_lead", "DELETE")
        self._change(action, method, f"/admin/teams/{team_id}/leads/{user_id}", None, TeamOut)

    # -- Plumbing --------------------------------------------------------------------------
    def _change(
        self, action: str, method: str, path: str, body: dict[str, Any] | None, model: Any
    ) -> None:
        def answered(result: Any) -> None:
            self.done.emit(action, result)
            self.refresh()

        self._send(method, path, body, model, answered, action)

    def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        model: Any,
        on_answer: Callable[[Any], None],
        action: str,
    ) -> None:
        self._ask(
            method,
            path,
            body,
            model,
            on_answer,
            lambda message: self.failed.emit(action, message),
            forbidden=self.tr("Only an administrator may do this."),
            signed_out=self.tr(
                "The server cannot be reached, or you are not signed in as administrator."
            ),
        )
