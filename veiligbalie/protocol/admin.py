"""Wire schemas of the administrator's REST routes (sites, workstations, users, tokens)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, StrictBool, model_validator

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.auth import PASSWORD_MAX, PASSWORD_MIN, UserOut, WorkstationOut
from veiligbalie.protocol.base import CheckedModel, no_nul_in_schema

__all__ = [
    "OrganisationIn",
    "OrganisationOut",
    "SiteIn",
    "SiteOut",
    "SiteUpdate",
    "WorkstationIn",
    "WorkstationCreated",
    "WorkstationMove",
    "WorkstationMoved",
    "WorkstationRevoked",
    "EnrolmentCodeOut",
    "UserIn",
    "UserOut",
    "WorkstationOut",
    "PasswordResetRequest",
    "TokenRevokeRequest",
    "TokenRevokeResponse",
    "PasswordResetOut",
    "TeamIn",
    "TeamRename",
    "TeamLeadOut",
    "TeamOut",
    "TeamLeadRequest",
    "UserTeamUpdate",
]


class OrganisationIn(CheckedModel):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=1000)  # on letters and police reports


class OrganisationOut(CheckedModel):
    id: uuid.UUID
    name: str
    address: str


class SiteIn(CheckedModel):
    name: str = Field(min_length=1, max_length=200)
    share_log_with_employees: StrictBool = False


class SiteUpdate(CheckedModel):
    share_log_with_employees: StrictBool


class SiteOut(CheckedModel):
    id: uuid.UUID
    name: str
    share_log_with_employees: bool


class WorkstationIn(CheckedModel):
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    location: str = Field(min_length=1, max_length=200)
    expires_hours: int = Field(default=24, ge=1, le=24 * 30)


class EnrolmentCodeOut(CheckedModel):
    workstation_id: uuid.UUID
    code: str  # shown once; the server keeps only its hash
    expires_at: datetime


class WorkstationCreated(CheckedModel):
    workstation: WorkstationOut
    enrolment: EnrolmentCodeOut


class WorkstationMove(CheckedModel):
    """Move a workstation to another location, and optionally to another site. A move to
    another site ends the workstation's link (the other site's LAN key is handed out only
    at enrolment): the answer then carries a new enrolment code."""

    location: str = Field(min_length=1, max_length=200)
    site_id: uuid.UUID | None = None
    expires_hours: int = Field(default=24, ge=1, le=24 * 30)


class WorkstationMoved(CheckedModel):
    workstation: WorkstationOut
    #: Set when the move was to another site: the code to link the workstation again.
    enrolment: EnrolmentCodeOut | None = None


class WorkstationRevoked(CheckedModel):
    workstation: WorkstationOut
    tokens_revoked: int


#: Roles that work at one site and so need one (the others work across the organisation).
SITE_ROLES = (Role.EMPLOYEE, Role.TEAM_LEAD, Role.SECURITY)


def _site_rule_in_schema(schema: dict[str, Any]) -> None:
    no_nul_in_schema(schema)
    schema["if"] = {
        "required": ["role"],
        "properties": {"role": {"enum": [r.value for r in SITE_ROLES]}},
    }
    schema["then"] = {"required": ["site_id"], "properties": {"site_id": {"type": "string"}}}


class UserIn(CheckedModel):
    """A new user. An employee, a team lead and security work at one site: ``site_id`` is
    required for them (said in the schema too)."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _site_rule_in_schema(schema))

    username: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._@-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    site_id: uuid.UUID | None = None
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    team_id: uuid.UUID | None = None  # a team of the user's site
    #: The password is a first, one-time one: changed at the first sign-in.
    must_change_password: StrictBool = False

    @model_validator(mode="after")
    def _site_for_site_roles(self) -> UserIn:
        if self.role in SITE_ROLES and self.site_id is None:
            raise ValueError(f"a user with role {self.role.value} needs a site_id")
        return self


class PasswordResetRequest(CheckedModel):
    """A one-time password the user must change at the next sign-in; left out, the server
    makes one up and answers it once (``PasswordResetOut.one_time_password``)."""

    password: str | None = Field(default=None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class PasswordResetOut(UserOut):
    """The user after a reset; ``one_time_password`` only when the server made it up."""

    one_time_password: str | None = None


class UserRoleUpdate(CheckedModel):
    """A new role (and, when the role works at one site, the site); the user's tokens end."""

    role: Role
    site_id: uuid.UUID | None = None


class UserActiveUpdate(CheckedModel):
    """False deactivates (no sign-in, tokens end; the user stays for the history)."""

    active: StrictBool


class UnlockRequest(CheckedModel):
    """The username whose sign-in lockout to lift (known or not: the lock is on the name)."""

    username: str = Field(min_length=1, max_length=200)


class UnlockResponse(CheckedModel):
    was_locked: bool


class TokenRevokeRequest(CheckedModel):
    """Exactly one of the three."""

    user_id: uuid.UUID | None = None
    workstation_id: uuid.UUID | None = None
    all: StrictBool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> TokenRevokeRequest:
        chosen = sum([self.user_id is not None, self.workstation_id is not None, self.all])
        if chosen != 1:
            raise ValueError("give exactly one of user_id, workstation_id or all=true")
        return self


class TokenRevokeResponse(CheckedModel):
    revoked: int


class UserTeamUpdate(CheckedModel):
    """The user's team (a team of the user's own site), or null for none."""

    team_id: uuid.UUID | None = None


class TeamIn(CheckedModel):
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)


class TeamRename(CheckedModel):
    name: str = Field(min_length=1, max_length=200)


class TeamLeadRequest(CheckedModel):
    """A team lead of the team's site who reviews the team's reports."""

    user_id: uuid.UUID


class TeamLeadOut(CheckedModel):
    user_id: uuid.UUID
    username: str
    display_name: str


class TeamOut(CheckedModel):
    id: uuid.UUID
    site_id: uuid.UUID
    site_name: str
    name: str
    #: Who reviews the team's reports; none: every team lead of the site (as without teams).
    leads: list[TeamLeadOut] = Field(default_factory=list)
    members: int = 0
