"""Wire schemas of the administrator's REST routes (sites, workstations, users, tokens)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field, model_validator

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.auth import PASSWORD_MAX, PASSWORD_MIN, UserOut, WorkstationOut
from veiligbalie.protocol.base import CheckedModel

__all__ = [
    "OrganisationIn",
    "OrganisationOut",
    "SiteIn",
    "SiteOut",
    "SiteUpdate",
    "WorkstationIn",
    "WorkstationCreated",
    "EnrolmentCodeOut",
    "UserIn",
    "UserOut",
    "WorkstationOut",
    "PasswordResetRequest",
    "TokenRevokeRequest",
    "TokenRevokeResponse",
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
    share_log_with_employees: bool = False


class SiteUpdate(CheckedModel):
    share_log_with_employees: bool


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


class UserIn(CheckedModel):
    username: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._@-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    site_id: uuid.UUID | None = None
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class PasswordResetRequest(CheckedModel):
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class UserRoleUpdate(CheckedModel):
    """A new role (and, when the role works at one site, the site); the user's tokens end."""

    role: Role
    site_id: uuid.UUID | None = None


class UserActiveUpdate(CheckedModel):
    """False deactivates (no sign-in, tokens end; the user stays for the history)."""

    active: bool


class UnlockRequest(CheckedModel):
    """The username whose sign-in lockout to lift (known or not: the lock is on the name)."""

    username: str = Field(min_length=1, max_length=200)


class UnlockResponse(CheckedModel):
    was_locked: bool


class TokenRevokeRequest(CheckedModel):
    """Exactly one of the three."""

    user_id: uuid.UUID | None = None
    workstation_id: uuid.UUID | None = None
    all: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> TokenRevokeRequest:
        chosen = sum([self.user_id is not None, self.workstation_id is not None, self.all])
        if chosen != 1:
            raise ValueError("give exactly one of user_id, workstation_id or all=true")
        return self


class TokenRevokeResponse(CheckedModel):
    revoked: int
