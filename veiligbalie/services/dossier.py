"""DossierService: the perpetrator dossier for reviewers (team lead, coördinator) and the
counter's measure lookup for everyone.

Reviewers link a report to a known person (found by name or identifier, or created from the
report's perpetrator fields), see the person's other linked reports, and propose
signaleringen that become active only when complete (the server decides; the dialog says
what is still missing through :func:`core.dossier.missing_for_activation`). The dossier of
the reports a reviewer opened is kept on this station for offline reading and forgotten with
the pulled reports when the identity changes.

At the counter only the counter text of active measures is asked for and shown: never a
name, a description or history.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from PySide6.QtCore import QObject, Signal

from veiligbalie.core.dossier import SignaleringState
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Role
from veiligbalie.net.api import ApiCall, ApiError, ServerApi
from veiligbalie.protocol import dossier as pd
from veiligbalie.protocol.dossier import (
    NAME_MAX,
    LinkedReport,
    MeasureOut,
    PersonIn,
    PersonOut,
    PersonUpdate,
    SignaleringIn,
    SignaleringOut,
)
from veiligbalie.store.database import Database
from veiligbalie.store.dossier import DossierCache

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext
    from veiligbalie.services.session import Session

log = logging.getLogger(__name__)

__all__ = [
    "CLIENT_NUMBER",
    "DossierError",
    "DossierService",
    "LinkedReport",
    "MeasureOut",
    "NAME_MAX",
    "PeopleOfReport",
    "PersonIn",
    "PersonOut",
    "PersonUpdate",
    "SignaleringIn",
    "SignaleringOut",
]

T = TypeVar("T")
#: The identifier a report's perpetrator reference is kept under.
CLIENT_NUMBER = "klantnummer"
_PERSONS = TypeAdapter(list[pd.PersonOut])


@dataclass(frozen=True)
class DossierError:
    """Why a dossier call failed: ``offline`` (no server now), ``not_allowed`` (not a
    reviewer, 403), ``not_found`` (404), ``refused`` (the server's words, e.g. what a
    signalering still misses), ``other``."""

    kind: str
    message: str = ""


@dataclass(frozen=True)
class PeopleOfReport:
    """The known persons linked to a report; ``cached_at`` is set when the server could not
    be asked and this station's copy is shown."""

    persons: list[pd.PersonOut]
    cached_at: datetime | None = None


Done = Callable[[T | None, DossierError | None], None]


def _error(error: ApiError) -> DossierError:
    if error.kind in ("offline", "server", "certificate"):
        return DossierError("offline", error.message)
    if error.status == 403:
        return DossierError("not_allowed", error.message)
    if error.status == 404:
        return DossierError("not_found", error.message)
    if error.kind == "auth":
        return DossierError("not_allowed", error.message)
    return DossierError("refused", error.message)


class DossierService(QObject):
    #: A person's dossier changed here (link, new person, signalering): views refresh.
    changed = Signal(uuid.UUID)  # the report whose people changed, or a nil UUID

    def __init__(
        self,
        db: Database,
        session: Session | None = None,
        api: Callable[[], ServerApi | None] | None = None,
        parent: QObject | None = None,
        *,
        role: Callable[[], Role | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._cache = DossierCache(db)
        self._session = session
        self._role = role
        self._api = api or (lambda: None)
        self._calls: list[ApiCall] = []

    @classmethod
    def from_context(cls, context: AppContext) -> DossierService:
        engine = context.sync

        def api() -> ServerApi | None:
            return engine.api if engine is not None and engine.configured else None

        return cls(context.db, session=context.session, api=api)

    # -- Who may use it ----------------------------------------------------------------------
    def role(self) -> Role | None:
        """The signed-in user's role (None: nobody signed in, a workstation)."""
        if self._role is not None:
            return self._role()
        session = self._session
        if session is not None and session.logged_in:
            return session.role
        return None

    def reviewer(self) -> bool:
        """Whether the dossier may be shown: a signed-in team lead or coördinator with a
        server (the dossier lives on the server only)."""
        role = self.role()
        return role is not None and role.reviews and self._api() is not None

    def counter_lookup_available(self) -> bool:
        return self._api() is not None

    # -- Calls -------------------------------------------------------------------------------
    def _send(
        self,
        start: Callable[[ServerApi, Callable[[Any, ApiError | None], None]], ApiCall],
        done: Done[Any],
        after: Callable[[Any], None] | None = None,
    ) -> None:
        api = self._api()
        if api is None:
            done(None, DossierError("offline", "no server"))
            return
        holder: list[ApiCall] = []

        def answered(result: Any, error: ApiError | None) -> None:
            for call in holder:
                if call in self._calls:
                    self._calls.remove(call)
            if error is not None:
                done(None, _error(error))
                return
            if after is not None:
                after(result)
            done(result, None)

        call = start(api, answered)
        holder.append(call)
        self._calls.append(call)

    def people_of(self, incident_id: uuid.UUID, done: Done[PeopleOfReport]) -> None:
        """The persons linked to a report; from this station's copy when the server cannot
        be reached (``cached_at`` set), else fresh (and kept for offline reading)."""

        def answered(persons: list[pd.PersonOut] | None, error: DossierError | None) -> None:
            if error is not None and error.kind == "offline":
                cached = self.cached(incident_id)
                if cached is not None:
                    done(cached, None)
                    return
            if error is not None or persons is None:
                done(None, error)
                return
            self._cache.put(incident_id, [p.model_dump(mode="json") for p in persons])
            done(PeopleOfReport(persons), None)

        self._send(
            lambda api, cb: api.dossier_persons(cb, incident_id=incident_id),
            answered,
        )

    def cached(self, incident_id: uuid.UUID) -> PeopleOfReport | None:
        """This station's copy of a report's people (None when it was never read here)."""
        got = self._cache.get(incident_id)
        if got is None:
            return None
        raw, at = got
        try:
            persons = _PERSONS.validate_python(raw)
        except ValidationError:
            log.warning("unreadable cached dossier of %s dropped", incident_id)
            return None
        return PeopleOfReport(persons, at)

    def earlier_reports(self, incident_id: uuid.UUID) -> list[pd.LinkedReport]:
        """From this station's copy: the other reports of the persons linked to this one,
        newest first (for the Opvolging dialogs; no server call)."""
        cached = self.cached(incident_id)
        if cached is None:
            return []
        seen: dict[uuid.UUID, pd.LinkedReport] = {}
        for person in cached.persons:
            for link in person.links:
                if link.incident_id != incident_id:
                    seen.setdefault(link.incident_id, link)
        return sorted(seen.values(), key=lambda r: r.occurred_at, reverse=True)

    def search(self, text: str, done: Done[list[pd.PersonOut]]) -> None:
        text = text.strip()
        if not text:
            done([], None)
            return
        self._send(lambda api, cb: api.dossier_persons(cb, query=text[:200]), done)

    @staticmethod
    def person_from_report(incident: Incident, name: str) -> pd.PersonIn:
        """A new person from the report's perpetrator fields (the client number becomes an
        identifier); raises pydantic's ValidationError when the name is empty."""
        identifiers = {}
        if incident.perpetrator_reference.strip():
            identifiers[CLIENT_NUMBER] = incident.perpetrator_reference.strip()
        return pd.PersonIn(
            display_name=name,
            description=incident.perpetrator_description,
            identifiers=identifiers,
            incident_id=incident.id,
        )

    def create(self, body: pd.PersonIn, done: Done[pd.PersonOut]) -> None:
        self._send(
            lambda api, cb: api.create_person(body, cb),
            done,
            lambda _p: self._refresh(body.incident_id),
        )

    def correct(
        self,
        person: PersonOut,
        name: str,
        description: str,
        identifiers: dict[str, str],
        done: Done[PersonOut],
        incident_id: uuid.UUID | None = None,
    ) -> None:
        """Correct what is recorded of a person: only the fields that differ are sent (the
        server's audit log names them). Raises pydantic's ValidationError for an empty name,
        text too long, or an identifier without a name or a value; nothing is sent then."""
        changes: dict[str, Any] = {}
        if name.strip() != person.display_name:
            changes["display_name"] = name.strip()
        if description.strip() != person.description:
            changes["description"] = description.strip()
        if identifiers != person.identifiers:
            changes["identifiers"] = identifiers
        if not changes:
            done(person, None)
            return
        body = PersonUpdate.model_validate(changes)
        self._send(
            lambda api, cb: api.update_person(person.id, body, cb),
            done,
            lambda _p: self._refresh(incident_id),
        )

    def link(
        self,
        person_id: uuid.UUID,
        incident_id: uuid.UUID,
        done: Done[pd.PersonOut],
        *,
        unlink: bool = False,
    ) -> None:
        self._send(
            lambda api, cb: api.link_person(person_id, incident_id, cb, unlink=unlink),
            done,
            lambda _p: self._refresh(incident_id),
        )

    def save_signalering(
        self,
        person_id: uuid.UUID,
        body: pd.SignaleringIn,
        done: Done[pd.SignaleringOut],
        signalering_id: uuid.UUID | None = None,
        incident_id: uuid.UUID | None = None,
    ) -> None:
        self._send(
            lambda api, cb: api.save_signalering(person_id, body, cb, signalering_id),
            done,
            lambda _s: self._refresh(incident_id),
        )

    def set_state(
        self,
        person_id: uuid.UUID,
        signalering_id: uuid.UUID,
        state: SignaleringState,
        done: Done[pd.SignaleringOut],
        incident_id: uuid.UUID | None = None,
    ) -> None:
        self._send(
            lambda api, cb: api.set_signalering_state(person_id, signalering_id, state, cb),
            done,
            lambda _s: self._refresh(incident_id),
        )

    def lookup_measures(self, identifier: str, done: Done[list[pd.MeasureOut]]) -> None:
        """The counter's question: only the counter texts of active measures."""
        identifier = identifier.strip()
        if not identifier:
            done([], None)
            return

        def answered(result: pd.MeasuresOut | None, error: DossierError | None) -> None:
            done(result.measures if result is not None else None, error)

        self._send(lambda api, cb: api.measures(identifier[:100], cb), answered)

    def _refresh(self, incident_id: uuid.UUID | None) -> None:
        self.changed.emit(incident_id or uuid.UUID(int=0))

    def forget(self) -> None:
        """Drop this station's copy of the dossier (identity changed)."""
        self._cache.forget()
