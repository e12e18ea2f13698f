"""Beheer > Werkplekken: the administrator's workstations through the server's API.

Lists every workstation with its site, location, presence, last heartbeat and client
version; adds one (the answer carries its one-time enrolment code), issues a new code,
moves one to another location or site, and revokes one. Nothing is refused here: the
server decides (403 for a non-administrator, 4xx with a one-line message for a mistake)
and :attr:`AdminStations.failed` carries its message as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from pydantic import TypeAdapter
from PySide6.QtCore import QObject, Signal

from veiligbalie.core.text import fill
from veiligbalie.net.api import ServerApi
from veiligbalie.protocol import admin as pa
from veiligbalie.protocol.alarm_server import StationStatus
from veiligbalie.services.session import OwnNameService

#: A site as the server lists it (re-exported: widgets depend on the service only).
SiteOut = pa.SiteOut

STATIONS = TypeAdapter(list[StationStatus])
SITES = TypeAdapter(list[pa.SiteOut])

STATIONS_PATH = "/admin/stations"
SITES_PATH = "/admin/sites"
WORKSTATIONS_PATH = "/admin/workstations"


@dataclass(frozen=True)
class StationRow:
    """One line of the workstations table."""

    workstation_id: uuid.UUID
    site_id: uuid.UUID
    site_name: str
    name: str
    location: str
    online: bool
    enrolled: bool
    revoked: bool
    last_seen_at: datetime | None
    client_version: str

    @classmethod
    def of(cls, status: StationStatus, sites: dict[uuid.UUID, str]) -> StationRow:
        return cls(
            workstation_id=status.workstation_id,
            site_id=status.site_id,
            site_name=sites.get(status.site_id, ""),
            name=status.name,
            location=status.location,
            online=status.online,
            enrolled=status.enrolled,
            revoked=status.revoked,
            last_seen_at=status.last_seen_at,
            client_version=status.client_version,
        )


@dataclass(frozen=True)
class EnrolmentCode:
    """A one-time code to show: for which workstation, until when."""

    workstation_id: uuid.UUID
    workstation_name: str
    code: str
    expires_at: datetime


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark (True) and light modules, quiet zone
    included (4 modules), for the screen to paint."""
    qr = segno.make(text, error="m", micro=False)
    return [[bool(module) for module in row] for row in qr.matrix_iter(scale=1, border=4)]


class AdminStations(OwnNameService):
    """``loaded(rows, sites)`` after :meth:`refresh`; ``code_ready(EnrolmentCode)`` after a
    workstation was added, given a new code or moved to another site; ``changed(message)``
    after a move or revocation; ``failed(message)`` with the server's own words."""

    loaded = Signal(list, list)  # list[StationRow], list[SiteOut]
    code_ready = Signal(EnrolmentCode)
    changed = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        token: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(api, token, parent)
        self.rows: list[StationRow] = []
        self.sites: list[pa.SiteOut] = []
        self._names: dict[uuid.UUID, str] = {}

    def _send(
        self, method: str, path: str, body: Any, model: Any, done: Callable[[Any], None]
    ) -> None:
        self._ask(
            method,
            path,
            body,
            model,
            done,
            self.failed.emit,
            forbidden=self.tr("Only an administrator may manage workstations."),
            signed_out=self.tr("Sign in as administrator to manage workstations."),
        )

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the sites, then the workstations with their presence."""

        def got_sites(sites: list[pa.SiteOut]) -> None:
            self.sites = list(sites)
            self._send("GET", STATIONS_PATH, None, STATIONS, got_stations)

        def got_stations(stations: list[StationStatus]) -> None:
            names = {s.id: s.name for s in self.sites}
            self.rows = [StationRow.of(s, names) for s in stations]
            self.rows.sort(key=lambda r: (r.site_name.lower(), r.name.lower()))
            self._names = {r.workstation_id: r.name for r in self.rows}
            self.loaded.emit(self.rows, self.sites)

        self._send("GET", SITES_PATH, None, SITES, got_sites)

    def row(self, workstation_id: uuid.UUID) -> StationRow | None:
        return next((r for r in self.rows if r.workstation_id == workstation_id), None)

    # -- changing --------------------------------------------------------------------------
    def add(self, site_id: uuid.UUID, name: str, location: str) -> None:
        """Add a workstation; its code comes with ``code_ready``."""
        body = {"site_id": str(site_id), "name": name.strip(), "location": location.strip()}

        def done(created: pa.WorkstationCreated) -> None:
            self._code(created.enrolment, created.workstation.name)
            self.refresh()

        self._send("POST", WORKSTATIONS_PATH, body, pa.WorkstationCreated, done)

    def new_code(self, workstation_id: uuid.UUID) -> None:
        """A new one-time code for a workstation (earlier unused ones stop working)."""
        name = self._names.get(workstation_id, "")

        def done(code: pa.EnrolmentCodeOut) -> None:
            self._code(code, name)
            self.refresh()

        path = f"{WORKSTATIONS_PATH}/{workstation_id}/enrolment-code"
        self._send("POST", path, None, pa.EnrolmentCodeOut, done)

    def move(
        self, workstation_id: uuid.UUID, location: str, site_id: uuid.UUID | None = None
    ) -> None:
        """Move a workstation; to another site it needs a new code (``code_ready``)."""
        body: dict[str, Any] = {"location": location.strip()}
        if site_id is not None:
            body["site_id"] = str(site_id)

        def done(moved: pa.WorkstationMoved) -> None:
            ws = moved.workstation
            self.changed.emit(fill(self.tr("%1 moved to %2."), ws.name, ws.location))
            if moved.enrolment is not None:
                self._code(moved.enrolment, ws.name)
            self.refresh()

        path = f"{WORKSTATIONS_PATH}/{workstation_id}"
        self._send("PATCH", path, body, pa.WorkstationMoved, done)

    def revoke(self, workstation_id: uuid.UUID) -> None:
        """Revoke a workstation: its link ends and its old codes stop working."""

        def done(revoked: pa.WorkstationRevoked) -> None:
            self.changed.emit(
                fill(
                    self.tr("%1 revoked: it can no longer reach the server."),
                    revoked.workstation.name,
                )
            )
            self.refresh()

        path = f"{WORKSTATIONS_PATH}/{workstation_id}/revoke"
        self._send("POST", path, None, pa.WorkstationRevoked, done)

    def _code(self, code: pa.EnrolmentCodeOut, name: str) -> None:
        self.code_ready.emit(EnrolmentCode(code.workstation_id, name, code.code, code.expires_at))
