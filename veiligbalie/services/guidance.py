"""GuidanceLibrary: the shipped cards, the organisation's own cards (kept locally for offline
use), search, the refresher scenarios and reminder, and the team lead's prevention checks.

GuidanceSync fetches the organisation's cards from the server on connect and on the stream's
"changes" / "guidance.changed" nudges, and sends prevention checks and refresher dates on its
own small routes (never through the incident sync).
"""

from __future__ import annotations

import calendar
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from veiligbalie import paths, settings
from veiligbalie.core.ids import uuid7
from veiligbalie.guidance import (
    LANGUAGES,
    SITUATIONS,
    Card,
    Content,
    GuidanceError,
    Scenario,
    parse_card,
    read_folder,
)
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.net.stream import Stream
from veiligbalie.protocol.guidance import (
    PREVENTION_ITEMS as PREVENTION_ITEMS,  # the screens list the same points
)
from veiligbalie.protocol.guidance import (
    GuidanceCardList,
    PreventionCheckBody,
    PreventionCheckList,
    RefresherBody,
)
from veiligbalie.store.database import Database
from veiligbalie.store.schema import guidance_cards, guidance_refresher, prevention_checks

log = logging.getLogger(__name__)

TEAM_LEAD_ROLES = ("team_lead", "administrator")
#: How often the organisation's cards are fetched again without a nudge.
REFETCH_MS = 30 * 60 * 1000

Clock = Callable[[], datetime]


def shipped_dir() -> Path:
    return paths.resources_dir() / "guidance"


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class PreventionCheck:
    id: uuid.UUID
    place: str
    checked_on: date
    items: dict[str, bool]
    notes: str
    checked_by: str
    synced: bool

    @property
    def open_points(self) -> list[str]:
        return [key for key in PREVENTION_ITEMS if not self.items.get(key, False)]


class GuidanceLibrary(QObject):
    """What the Hulp area shows. The organisation's card with the same id replaces the
    shipped one; new ids are added. Everything is read from disk and the local store, so it
    works without a server."""

    changed = Signal()  # the set of cards changed (organisation cards arrived)
    prevention_changed = Signal()
    refresher_changed = Signal()

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        content_dir: Path | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self._shipped: Content = read_folder(content_dir or shipped_dir())
        self._merged: dict[str, dict[str, Card]] = {}
        self._rebuild()

    # -- Cards -----------------------------------------------------------------------------
    def _organisation_cards(self) -> list[Card]:
        with self._db.engine.connect() as conn:
            rows = conn.execute(select(guidance_cards)).all()
        cards = []
        for row in rows:
            try:
                cards.append(parse_card(row.markdown, row.language, f"server:{row.id}"))
            except GuidanceError as exc:  # the server validated it; a newer format, maybe
                log.warning("organisation card not shown: %s", exc)
        return cards

    def _rebuild(self) -> None:
        merged = {lang: dict(self._shipped.cards.get(lang, {})) for lang in LANGUAGES}
        for card in self._organisation_cards():
            merged[card.language][card.id] = card
        self._merged = merged

    def cards(self, language: str) -> list[Card]:
        """Every card of a language, by situation then order."""
        cards = self._merged.get(language) or self._merged["nl"]
        rank = {situation: index for index, situation in enumerate(SITUATIONS)}
        return sorted(cards.values(), key=lambda c: (rank[c.situation], c.order, c.title))

    def card(self, card_id: str, language: str) -> Card | None:
        """The card in ``language``, else in the other language (an organisation card may
        exist in Dutch only)."""
        for lang in (language, *LANGUAGES):
            found = self._merged.get(lang, {}).get(card_id)
            if found is not None:
                return found
        return None

    def search(self, text: str, language: str) -> list[Card]:
        """Cards holding every word of ``text`` in title, tags or body; title hits first."""
        words = text.casefold().split()
        cards = self.cards(language)
        if not words:
            return cards
        found = [c for c in cards if all(w in c.search_text() for w in words)]

        def score(card: Card) -> int:
            title = card.title.casefold()
            tags = " ".join(card.tags).casefold()
            return -sum(3 * (w in title) + 2 * (w in tags) for w in words)

        return sorted(found, key=score)

    def store_organisation_cards(self, cards: list[tuple[str, str, int, str]]) -> bool:
        """Replace the kept organisation cards with the server's set of
        ``(id, language, version, markdown)``; returns whether anything changed."""
        wanted = {(cid, lang): (version, text) for cid, lang, version, text in cards}
        with self._db.engine.connect() as conn:
            have = {
                (row.id, row.language): (row.version, row.markdown)
                for row in conn.execute(select(guidance_cards))
            }
        if have == wanted:
            return False
        now = self.clock()
        with self._db.write() as session:
            conn = session.connection()
            conn.execute(guidance_cards.delete())
            if wanted:
                conn.execute(
                    guidance_cards.insert(),
                    [
                        {
                            "id": cid,
                            "language": lang,
                            "version": v,
                            "markdown": text,
                            "updated_at": now,
                        }
                        for (cid, lang), (v, text) in wanted.items()
                    ],
                )
        self._rebuild()
        self.changed.emit()
        return True

    def is_organisation_card(self, card: Card) -> bool:
        return card.source.startswith("server:")

    # -- Refresher --------------------------------------------------------------------------
    def scenarios(self, language: str, card_id: str | None = None) -> list[Scenario]:
        scenarios = self._shipped.scenarios.get(language) or self._shipped.scenarios["nl"]
        return [s for s in scenarios if card_id is None or s.card == card_id]

    def _refresher_row(self, user: str) -> Any:
        with self._db.engine.connect() as conn:
            return conn.execute(
                select(guidance_refresher).where(guidance_refresher.c.user == user)
            ).first()

    def last_refresher(self, user: str) -> datetime | None:
        row = self._refresher_row(user)
        return row.last_done if row is not None else None

    def next_refresher(self, user: str) -> datetime | None:
        last = self.last_refresher(user)
        return add_months(last, settings.GUIDANCE_REFRESH_MONTHS.get()) if last else None

    def record_refresher(
        self, user: str, when: datetime | None = None, *, synced: bool = False
    ) -> None:
        """A refresher was finished (here, or on another station: ``synced``). A newer date
        never gets overwritten by an older one."""
        when = when or self.clock()
        last = self.last_refresher(user)
        if last is not None and last >= when:
            return
        stmt = sqlite_insert(guidance_refresher).values(
            user=user, last_done=when, reminded_for=None, synced=synced
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[guidance_refresher.c.user],
            set_={"last_done": when, "synced": synced},
        )
        with self._db.write() as session:
            session.connection().execute(stmt)
        self.refresher_changed.emit()

    def refresher_unsynced(self, user: str) -> datetime | None:
        row = self._refresher_row(user)
        return row.last_done if row is not None and not row.synced else None

    def mark_refresher_synced(self, user: str, when: datetime) -> None:
        with self._db.write() as session:
            session.connection().execute(
                update(guidance_refresher)
                .where(guidance_refresher.c.user == user, guidance_refresher.c.last_done == when)
                .values(synced=True)
            )

    def take_reminder(self, user: str) -> bool:
        """True once when the refresher is due (never done, or the interval has passed):
        the reminder for that due date is then recorded as given, so it is not repeated."""
        row = self._refresher_row(user)
        last = row.last_done if row is not None else None
        now = self.clock()
        due = add_months(last, settings.GUIDANCE_REFRESH_MONTHS.get()) if last else None
        if due is not None and now < due:
            return False
        marker = due or datetime(1970, 1, 1, tzinfo=UTC)
        if row is not None and row.reminded_for is not None and row.reminded_for >= marker:
            return False
        stmt = sqlite_insert(guidance_refresher).values(
            user=user, last_done=last, reminded_for=marker, synced=True
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[guidance_refresher.c.user], set_={"reminded_for": marker}
        )
        with self._db.write() as session:
            session.connection().execute(stmt)
        return True

    # -- Prevention ------------------------------------------------------------------------
    def save_prevention_check(
        self,
        place: str,
        items: dict[str, bool],
        notes: str = "",
        checked_by: str = "",
        checked_on: date | None = None,
        check_id: uuid.UUID | None = None,
        *,
        synced: bool = False,
    ) -> PreventionCheck:
        """Keep one self-check; raises ValueError for a missing place or unknown items."""
        place = place.strip()
        if not place:
            raise ValueError("a prevention check needs a site or counter")
        unknown = set(items) - set(PREVENTION_ITEMS)
        if unknown:
            raise ValueError(f"unknown prevention items: {', '.join(sorted(unknown))}")
        check = PreventionCheck(
            id=check_id or uuid7(),
            place=place,
            checked_on=checked_on or self.clock().date(),
            items={key: bool(items.get(key, False)) for key in PREVENTION_ITEMS},
            notes=notes.strip(),
            checked_by=checked_by,
            synced=synced,
        )
        stmt = sqlite_insert(prevention_checks).values(
            id=check.id,
            place=check.place,
            checked_on=check.checked_on.isoformat(),
            items=check.items,
            notes=check.notes,
            checked_by=check.checked_by,
            synced=synced,
            created_at=self.clock(),
        )
        stmt = stmt.on_conflict_do_nothing(index_elements=[prevention_checks.c.id])
        with self._db.write() as session:
            inserted = session.connection().execute(stmt).rowcount
        if inserted:  # a check we had already (from the server) changes nothing
            self.prevention_changed.emit()
        return check

    def prevention_checks(self, *, unsynced: bool = False) -> list[PreventionCheck]:
        """Newest first."""
        query = select(prevention_checks).order_by(
            prevention_checks.c.checked_on.desc(), prevention_checks.c.created_at.desc()
        )
        if unsynced:
            query = query.where(prevention_checks.c.synced.is_(False))
        with self._db.engine.connect() as conn:
            return [
                PreventionCheck(
                    row.id,
                    row.place,
                    date.fromisoformat(row.checked_on),
                    dict(row.items),
                    row.notes,
                    row.checked_by,
                    row.synced,
                )
                for row in conn.execute(query)
            ]

    def latest_per_place(self) -> list[PreventionCheck]:
        """The newest check of every place: its open points are the ones still open."""
        seen: dict[str, PreventionCheck] = {}
        for check in self.prevention_checks():
            seen.setdefault(check.place.casefold(), check)
        return sorted(seen.values(), key=lambda c: c.place.casefold())

    def mark_prevention_synced(self, check_id: uuid.UUID) -> None:
        with self._db.write() as session:
            session.connection().execute(
                update(prevention_checks)
                .where(prevention_checks.c.id == check_id)
                .values(synced=True)
            )


class GuidanceSync(QObject):
    """Keeps the organisation's cards, prevention checks and refresher dates in step with
    the server, on their own routes. Failures are retried at the next nudge or timer."""

    fetched = Signal()  # the organisation's cards were fetched (changed or not)
    failed = Signal(str)

    def __init__(
        self, library: GuidanceLibrary, stream: Stream | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent or library)
        self.library = library
        self.api = ServerApi(self)
        self.user = ""
        self._busy = False
        self._again = False
        self._pulled_checks = False
        self._timer = QTimer(self)
        self._timer.setInterval(REFETCH_MS)
        self._timer.timeout.connect(self.sync_now)
        library.prevention_changed.connect(self.sync_now)
        library.refresher_changed.connect(self.sync_now)
        if stream is not None:
            stream.connected.connect(self.sync_now)
            stream.received.connect(self._on_event)

    def configure(
        self,
        base_url: str,
        token: str | None,
        ca_file: str | None = None,
        user: str = "",
    ) -> None:
        """Raises ValueError for an unusable address or CA file."""
        self.api.configure(base_url, ca_file)
        self.api.set_token(token)
        self.user = user
        if base_url and token:
            self._timer.start()
            self.sync_now()
        else:
            self._timer.stop()

    @property
    def configured(self) -> bool:
        return bool(self.api.base_url) and self.api.has_token

    def _on_event(self, event: dict[str, object]) -> None:
        if event.get("type") in ("changes", "guidance.changed"):
            self.sync_now()

    def sync_now(self) -> None:
        if not self.configured:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        self._pulled_checks = False
        self.api.call("GET", "/guidance/cards", None, GuidanceCardList, self._on_cards)

    def _on_cards(self, answer: GuidanceCardList | None, error: ApiError | None) -> None:
        if error is not None or answer is None:
            self._finish(error)
            return
        self.library.store_organisation_cards(
            [(c.id, c.language, c.version, c.markdown) for c in answer.cards]
        )
        self.fetched.emit()
        self._send_next()

    def _send_next(self) -> None:
        """Unsent prevention checks one by one, then the refresher date."""
        pending = self.library.prevention_checks(unsynced=True)
        if pending:
            check = pending[-1]
            body = PreventionCheckBody(
                id=check.id,
                place=check.place,
                checked_on=check.checked_on,
                items=check.items,
                notes=check.notes,
            )

            def sent(_answer: object, error: ApiError | None) -> None:
                if error is not None:
                    self._finish(error)
                    return
                self.library.mark_prevention_synced(check.id)
                self._send_next()

            self.api.call("PUT", f"/guidance/prevention/{check.id}", body, None, sent)
            return
        if not self.user:
            self._finish(None)
            return
        if settings.LOGGED_IN_ROLE.get() in TEAM_LEAD_ROLES and not self._pulled_checks:
            # A team lead sees the checks of the whole site, made on any station.
            self._pulled_checks = True
            self.api.call("GET", "/guidance/prevention", None, PreventionCheckList, self._on_checks)
            return
        local = self.library.refresher_unsynced(self.user)
        if local is not None:
            self.api.call(
                "PUT", "/guidance/refresher", RefresherBody(done_at=local), RefresherBody,
                lambda answer, error: self._on_refresher(answer, error, local),
            )  # fmt: skip
        else:
            self.api.call("GET", "/guidance/refresher", None, RefresherBody, self._on_refresher)

    def _on_checks(self, answer: PreventionCheckList | None, error: ApiError | None) -> None:
        if error is not None or answer is None:
            self._finish(error)
            return
        for check in answer.checks:
            self.library.save_prevention_check(
                check.place,
                check.items,
                check.notes,
                check.checked_by,
                check.checked_on,
                check.id,
                synced=True,
            )
        self._send_next()

    def _on_refresher(
        self, answer: RefresherBody | None, error: ApiError | None, sent: datetime | None = None
    ) -> None:
        if error is None and answer is not None:
            if sent is not None:
                self.library.mark_refresher_synced(self.user, sent)
            if answer.done_at is not None:
                self.library.record_refresher(self.user, answer.done_at, synced=True)
        self._finish(error)

    def _finish(self, error: ApiError | None) -> None:
        self._busy = False
        if error is not None:
            log.info("guidance sync: %s", error)
            self.failed.emit(str(error))
        if self._again:
            self._again = False
            self.sync_now()
