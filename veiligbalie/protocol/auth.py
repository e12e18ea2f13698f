"""Wire schemas of enrolment (a workstation joins a site) and of user sign-in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.base import CheckedModel

PASSWORD_MIN = 10
PASSWORD_MAX = 1024


class EnrollRequest(CheckedModel):
    code: str = Field(min_length=1, max_length=64)
    device_name: str | None = Field(default=None, max_length=200)
    #: The client's local database id (its X-VB-Device): ties user-token pushes to the station.
    device_id: uuid.UUID | None = None


class EnrollResponse(CheckedModel):
    workstation_id: uuid.UUID
    workstation_name: str = ""  # as the administrator named it; older servers leave it out
    token: str
    site_id: uuid.UUID
    site_name: str
    location: str
    org_name: str
    lan_key: str  # base64 of 32 bytes: the site's LAN alarm key
    server_epoch: str
    #: The device id this client must push under: the one it sent, or a fresh one when that
    #: id already belongs to another workstation (a cloned disk image). None if none was sent.
    device_id: uuid.UUID | None = None


class LoginRequest(CheckedModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class UserOut(CheckedModel):
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    site_id: uuid.UUID | None
    active: bool = True  # False: deactivated (cannot sign in; kept for the history)
    team_id: uuid.UUID | None = None  # the user's team (teams of a site; see admin teams)
    #: An administrator reset the password to a one-time one: the user must change it
    #: before anything else (the server refuses every other route until then).
    must_change_password: bool = False
    #: Sign-in locked after repeated failures (only the administrator's list says so).
    locked: bool = False


class LoginResponse(CheckedModel):
    token: str
    expires_at: datetime
    user: UserOut


class PasswordChangeRequest(CheckedModel):
    old_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class WorkstationOut(CheckedModel):
    id: uuid.UUID
    name: str
    location: str
    site_id: uuid.UUID
    enrolled: bool
    device_name: str | None = None
    last_seen_at: datetime | None = None
    revoked: bool = False  # revoked by an administrator: no token, old codes refused


class MeResponse(CheckedModel):
    """Who the token belongs to: a user (``user`` set) or a workstation (``workstation`` set)."""

    kind: Literal["user", "workstation"]
    user: UserOut | None = None
    workstation: WorkstationOut | None = None
    site_id: uuid.UUID | None
    site_name: str | None
    share_log_with_employees: bool
    expires_at: datetime | None
    server_epoch: str


class Message(CheckedModel):
    """A plain answer without data (logout, password change)."""

    detail: str
