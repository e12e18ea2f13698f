"""AuditService: the audit log for an administrator or privacy officer (Instellingen).

Asks the server (net/api.py) for one page at a time; the UI never talks to the network."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from veiligbalie.core.vocabulary import Role
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol.privacy import AuditEntryOut, AuditPage
from veiligbalie.services.session import refusal_text

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

READERS = frozenset({Role.ADMINISTRATOR, Role.PRIVACY_OFFICER})
PAGE = 200


@dataclass(frozen=True)
class AuditEntry:
    """One audit row as the Audit page shows it."""

    at: datetime
    actor: str
    action: str
    station: str
    about: str  # the report's or the dossier person's id, or ""
    detail: str

    @classmethod
    def of(cls, e: AuditEntryOut) -> AuditEntry:
        about = e.incident_id or e.person_id
        return cls(e.at, e.actor, e.action, e.station, str(about) if about else "", e.detail)


@dataclass(frozen=True)
class AuditQuery:
    user: str = ""
    person: uuid.UUID | None = None
    since: date | None = None  # first day, office time
    until: date | None = None  # last day (inclusive), office time
    offset: int = 0


def _instant(day: date) -> str:
    return datetime.combine(day, time(), OFFICE_TZ).astimezone(UTC).isoformat()


class AuditService(QObject):
    """``loaded(entries, total)`` once a page arrived; ``failed(message)`` otherwise, in
    plain words (:func:`refusal_text`)."""

    loaded = Signal(list, int)
    failed = Signal(str)

    def __init__(
        self,
        api: Callable[[], ServerApi | None],
        role: Callable[[], Role | None],
        parent: QObject | None = None,
        bearer: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._api = api
        self._role = role
        # The signed-in person's token: sync (and so ``api``) speaks as the station for an
        # administrator or privacy officer signed in at a counter.
        self._bearer = bearer or (lambda: None)
        self.busy = False

    @classmethod
    def from_context(cls, context: AppContext, parent: QObject | None = None) -> AuditService:
        session = context.session

        def role() -> Role | None:
            return session.role if session is not None else None

        return cls(context.own_api, role, parent, context.own_token)

    def may_read(self) -> bool:
        return self._role() in READERS and self._api() is not None

    def load(self, query: AuditQuery) -> None:
        api = self._api()
        if api is None:
            self.failed.emit(refusal_text(ApiError("offline")))
            return
        if query.since and query.until and query.since > query.until:
            self.failed.emit(self.tr("The period ends before it starts."))
            return
        self.busy = True
        api.audit(
            self._answered,
            user=query.user.strip(),
            person=query.person,
            since=_instant(query.since) if query.since else "",
            until=_instant(query.until + timedelta(days=1)) if query.until else "",
            limit=PAGE,
            offset=query.offset,
            bearer=self._bearer(),
        )

    def _answered(self, page: AuditPage | None, error: ApiError | None) -> None:
        self.busy = False
        if error is not None or page is None:
            forbidden = self.tr("Only an administrator or a privacy officer reads the audit log.")
            self.failed.emit(refusal_text(error, forbidden))
            return
        entries = [AuditEntry.of(e) for e in page.entries]
        self.loaded.emit(entries, page.total)
