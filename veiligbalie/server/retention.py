"""Retention: the periods the organisation chose, and the purge that removes what expired.

Three periods, in calendar months counted back from the server's clock (``None``: kept):

- ``reports``: a report older than this (by when it happened) becomes an anonymous count:
  its personal fields (``protocol.sync.ANONYMISED_FIELDS``), timeline, files, follow-up
  notes and names go; date, site, location, categories, severity, status and the follow-up
  deadlines stay, so the overview counts the same.
- ``perpetrator``: the restricted fields of older reports are emptied, and every registered
  dossier hook (:func:`register_hook`; persons and signaleringen) purges its own tables.
- ``attachments``: the files of older reports are removed from disk.

Every purged report gets an ``incident.purged`` change in the change log, seen by whoever
saw the report, so workstation replicas forget the same; the change log's older payloads of
that report are rewritten or removed so a station pulling from the start never receives the
removed data. The audit log gets one row per kind with the count and the oldest date, never
content. The purge runs daily inside the server (:class:`DailyPurge`) and on demand with
``admin retention purge --now``; ``admin retention preview`` answers :func:`preview`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.protocol import sync as p
from veiligbalie.server import audit
from veiligbalie.server import dossier_tables as dt
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.store import ServerStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
KINDS = ("reports", "perpetrator", "attachments")
_META = {kind: f"retention.{kind}_months" for kind in KINDS}
MAX_MONTHS = 1200
_BATCH = 200


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RetentionSettings:
    reports_months: int | None = None
    perpetrator_months: int | None = None
    attachments_months: int | None = None

    def months(self, kind: str) -> int | None:
        value: int | None = getattr(self, f"{kind}_months")
        return value


@dataclass(frozen=True, slots=True)
class Count:
    """How many of one kind a purge removes (or removed), and the oldest one's date."""

    count: int
    oldest: datetime | None = None

    def text(self) -> str:
        oldest = f" (oldest {self.oldest.date().isoformat()})" if self.oldest else ""
        return f"{self.count}{oldest}"


class PurgeHook(Protocol):
    """A purge of perpetrator data kept elsewhere (the dossier's persons and signaleringen).

    Called inside the purge's transaction with the cut-off (what is older is expired) and
    ``dry_run`` (count only, for the preview). Answers a Count per kind it handles, e.g.
    ``{"persons": Count(2, oldest), "signaleringen": Count(1, oldest)}``. It must write no
    audit row itself: the purge writes one per kind from what it answers."""

    def __call__(
        self, conn: Connection, cutoff: datetime, *, dry_run: bool
    ) -> dict[str, Count]: ...


_HOOKS: dict[str, PurgeHook] = {}


def register_hook(name: str, hook: PurgeHook) -> None:
    """Add (or replace, by ``name``) a purge of perpetrator data for the perpetrator period."""
    _HOOKS[name] = hook


def dossier_tables(conn: Connection, cutoff: datetime, *, dry_run: bool) -> dict[str, Count]:
    """The default purge of the dossier, by its table names (``persons``, ``person_links``,
    ``signaleringen``), when the database has them: a signalering whose period ended before
    the cut-off, or that is not active and was last changed before it, goes; a person last
    changed before the cut-off with no signalering left and no report since the cut-off
    goes with their links. The dossier may replace this with its own
    (``register_hook("dossier", ...)``)."""
    if not dt.present(conn):
        return {}
    persons, links, signals = dt.persons, dt.person_links, dt.signaleringen
    s, pc, lc = signals.c, persons.c, links.c
    expired_signal = sa.or_(
        sa.and_(s.period_end.is_not(None), s.period_end < cutoff.date()),
        sa.and_(s.state != "active", s.updated_at < cutoff),
    )
    gone_signals = conn.execute(
        sa.select(s.id, s.person_id, s.updated_at).where(expired_signal)
    ).all()
    gone_ids = {r.id for r in gone_signals}
    remaining = (
        sa.select(s.person_id).where(s.id.notin_(gone_ids)) if gone_ids else sa.select(s.person_id)
    )
    recent = (
        sa.select(lc.person_id)
        .join(t.incidents, t.incidents.c.id == lc.incident_id)
        .where(t.incidents.c.occurred_at >= cutoff)
    )
    gone_persons = conn.execute(
        sa.select(pc.id, pc.updated_at).where(
            pc.updated_at < cutoff, pc.id.notin_(remaining), pc.id.notin_(recent)
        )
    ).all()

    def oldest(rows: Sequence[Any]) -> datetime | None:
        found: datetime | None = min((r.updated_at for r in rows), default=None)
        return found

    counts = {
        "signaleringen": Count(len(gone_signals), oldest(gone_signals)),
        "persons": Count(len(gone_persons), oldest(gone_persons)),
    }
    if not dry_run:
        if gone_ids:
            conn.execute(sa.delete(signals).where(s.id.in_(gone_ids)))
        person_ids = [r.id for r in gone_persons]
        if person_ids:
            conn.execute(sa.delete(links).where(lc.person_id.in_(person_ids)))
            conn.execute(sa.delete(persons).where(pc.id.in_(person_ids)))
    return counts


register_hook("dossier", dossier_tables)


def months_before(now: datetime, months: int) -> datetime:
    """``now`` moved back ``months`` calendar months (the day clipped to the month's end)."""
    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


# --- settings -----------------------------------------------------------------------------


def get_settings(conn: Connection) -> RetentionSettings:
    m = t.server_meta.c
    rows = dict(
        conn.execute(sa.select(m.key, m.value).where(m.key.in_(list(_META.values())))).all()
    )
    values: dict[str, int | None] = {}
    for kind, key in _META.items():
        raw = rows.get(key)
        values[f"{kind}_months"] = int(raw) if raw not in (None, "") else None
    return RetentionSettings(**values)


def set_settings(
    conn: Connection,
    *,
    actor: Principal | None = None,
    station: str | None = None,
    actor_name: str | None = None,
    **months: int | None,
) -> RetentionSettings:
    """Set the periods given (``reports_months=…``; others stay); audited. ValueError on a
    period outside 1..1200 months."""
    m = t.server_meta.c
    for name, value in months.items():
        kind = name.removesuffix("_months")
        if kind not in _META or not name.endswith("_months"):
            raise ValueError(f"unknown retention period {name!r}")
        if value is None:
            continue
        if not 1 <= value <= MAX_MONTHS:
            raise ValueError(f"a retention period is 1 to {MAX_MONTHS} months")
        key = _META[kind]
        if conn.execute(sa.select(m.key).where(m.key == key)).first() is None:
            conn.execute(sa.insert(t.server_meta).values(key=key, value=str(value)))
        else:
            conn.execute(sa.update(t.server_meta).where(m.key == key).values(value=str(value)))
    settings = get_settings(conn)
    audit.record(
        conn,
        actor=actor,
        action="retention.set",
        subject=audit.SUBJECT_RETENTION,
        detail="retention periods: "
        + ", ".join(f"{k} {n} months" if (n := settings.months(k)) else f"{k} kept" for k in KINDS),
        station=station,
        actor_name=actor_name,
    )
    return settings


# --- what expired ---------------------------------------------------------------------------


def _expired(kind: str, cutoff: datetime) -> sa.Select[Any]:
    i = t.incidents.c
    if kind == "reports":
        where = sa.and_(i.purged_at.is_(None), i.occurred_at < cutoff)
    elif kind == "perpetrator":
        where = sa.and_(i.purged_at.is_(None), i.restricted.is_(True), i.occurred_at < cutoff)
    else:
        uploaded = sa.exists().where(t.attachment_uploads.c.incident_id == i.id)
        where = sa.and_(
            i.purged_at.is_(None),
            i.attachments_purged_at.is_(None),
            i.occurred_at < cutoff,
            uploaded,
        )
    return sa.select(t.incidents).where(where)


def _count(conn: Connection, query: sa.Select[Any]) -> Count:
    sub = query.subquery()
    n, oldest = conn.execute(sa.select(sa.func.count(), sa.func.min(sub.c.occurred_at))).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return Count(int(n or 0), oldest)


def _cutoffs(settings: RetentionSettings, now: datetime) -> dict[str, datetime]:
    return {
        kind: months_before(now, months)
        for kind in KINDS
        if (months := settings.months(kind)) is not None
    }


def preview(conn: Connection, now: datetime) -> dict[str, Count]:
    """What a purge at ``now`` would remove: a Count per kind (hooks' kinds included).

    A report that expires as a whole is counted under ``reports`` only."""
    cutoffs = _cutoffs(get_settings(conn), now)
    out: dict[str, Count] = {}
    for kind in KINDS:
        if kind not in cutoffs:
            continue
        query = _expired(kind, cutoffs[kind])
        if kind != "reports" and "reports" in cutoffs:
            query = query.where(t.incidents.c.occurred_at >= cutoffs["reports"])
        out[kind] = _count(conn, query)
    if "perpetrator" in cutoffs:
        for hook in _HOOKS.values():
            out.update(hook(conn, cutoffs["perpetrator"], dry_run=True))
    return out


# --- the purge ------------------------------------------------------------------------------


@dataclass
class _Purge:
    conn: Connection
    now: datetime
    files_dir: Path | None
    unlink: set[str]

    def purged_change(self, r: Any, scope: str) -> None:
        payload = p.IncidentPurgedPayload(scope=scope, purged_at=self.now)  # type: ignore[arg-type]
        self.conn.execute(
            sa.insert(t.changes).values(
                entity_id=r.id,
                kind=p.INCIDENT_PURGED,
                payload=payload.model_dump_json(),
                site_id=r.site_id,
                reporter_user_id=r.reporter_user_id,
                workstation_id=r.workstation_id,
                team_lead_only=r.team_lead_only,
                restricted=False,
                audience="summary",
                origin_device=None,
                created_at=self.now,
                assignee_user_id=None,
                team_id=r.team_id,
            )
        )

    def created_payload(self, r: Any, data: dict[str, Any]) -> None:
        c = t.changes.c
        self.conn.execute(
            sa.update(t.changes)
            .where(c.entity_id == r.id, c.kind == p.INCIDENT_CREATED)
            .values(
                payload=json.dumps(data, separators=(",", ":"), ensure_ascii=False),
                restricted=False,
            )
        )

    def drop_files(self, incident_ids: list[uuid.UUID]) -> None:
        u = t.attachment_uploads.c
        shas = set(
            self.conn.execute(sa.select(u.sha256).where(u.incident_id.in_(incident_ids))).scalars()
        )
        self.conn.execute(sa.delete(t.attachment_uploads).where(u.incident_id.in_(incident_ids)))
        if shas:
            still = set(
                self.conn.execute(sa.select(u.sha256).where(u.sha256.in_(sorted(shas)))).scalars()
            )
            self.unlink |= shas - still

    def report(self, r: Any) -> None:
        data = dict(r.data)
        data.update(p.ANONYMISED_FIELDS)
        data["attachments"] = []
        data.pop("assignee_name", None)
        self.drop_files([r.id])
        self.conn.execute(
            sa.delete(t.incident_events).where(t.incident_events.c.incident_id == r.id)
        )
        f = t.followup_tasks.c
        self.conn.execute(
            sa.update(t.followup_tasks)
            .where(f.incident_id == r.id)
            .values(note="", assignee_name="", assignee_user_id=None, context=None)
        )
        c = t.changes.c
        # The timeline's changes go; follow-up changes stay (they carry the deadlines the
        # overview counts) without their notes and names.
        self.conn.execute(
            sa.delete(t.changes).where(
                c.entity_id == r.id,
                c.kind.notin_([p.INCIDENT_CREATED, p.INCIDENT_FOLLOWUP, p.INCIDENT_PURGED]),
            )
        )
        followups = self.conn.execute(
            sa.select(c.seq, c.payload).where(c.entity_id == r.id, c.kind == p.INCIDENT_FOLLOWUP)
        ).all()
        for seq, text in followups:
            body = json.loads(text)
            for key in ("note", "assignee_name", "author"):
                if key in body:
                    body[key] = ""
            body.pop("context", None)
            body["assignee_user_id"] = None
            self.conn.execute(
                sa.update(t.changes)
                .where(c.seq == seq)
                .values(payload=json.dumps(body, separators=(",", ":"), ensure_ascii=False))
            )
        self.created_payload(r, data)
        self.conn.execute(
            sa.update(t.incidents)
            .where(t.incidents.c.id == r.id)
            .values(
                data=data,
                reporter="",
                restricted=False,
                assignee_user_id=None,
                assignee_name="",
                purged_at=self.now,
                attachments_purged_at=self.now,
            )
        )
        self.purged_change(r, p.PURGE_REPORT)

    def perpetrator(self, r: Any) -> None:
        data = dict(r.data)
        data.update(p.PERPETRATOR_PURGED)
        c = t.changes.c
        for seq, kind, text in self.conn.execute(
            sa.select(c.seq, c.kind, c.payload).where(c.entity_id == r.id, c.restricted.is_(True))
        ).all():
            body = json.loads(text)
            if kind == p.INCIDENT_FIELD_EDITED:
                body["value"] = ""
            else:
                body.update(p.PERPETRATOR_PURGED)
            self.conn.execute(
                sa.update(t.changes)
                .where(c.seq == seq)
                .values(
                    payload=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                    restricted=False,
                )
            )
        e = t.incident_events.c
        for event_id, edata in self.conn.execute(
            sa.select(e.id, e.data).where(e.incident_id == r.id, e.restricted.is_(True))
        ).all():
            edata = dict(edata)
            if "value" in edata:
                edata["value"] = ""
            self.conn.execute(
                sa.update(t.incident_events)
                .where(e.id == event_id)
                .values(data=edata, text="", restricted=False)
            )
        self.created_payload(r, data)
        self.conn.execute(
            sa.update(t.incidents)
            .where(t.incidents.c.id == r.id)
            .values(data=data, restricted=False)
        )
        self.purged_change(r, p.PURGE_PERPETRATOR)

    def attachments(self, r: Any) -> None:
        data = dict(r.data)
        data["attachments"] = []
        self.drop_files([r.id])
        self.created_payload(r, data)
        self.conn.execute(
            sa.update(t.incidents)
            .where(t.incidents.c.id == r.id)
            .values(data=data, attachments_purged_at=self.now)
        )
        self.purged_change(r, p.PURGE_ATTACHMENTS)


def _remove_files(files_dir: Path | None, shas: Iterable[str]) -> int:
    removed = 0
    if files_dir is None:
        return 0
    for sha in shas:
        path = files_dir / sha[:2] / sha
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed


def purge_incidents(
    conn: Connection,
    rows: Iterable[Any],
    scope: str,
    now: datetime,
    unlink: set[str],
) -> int:
    """Purge ``rows`` (incident rows) in ``scope`` (protocol.sync.PURGE_*) in ``conn``'s
    transaction; the sha256s of files nobody references any more are added to ``unlink``
    (remove them after the commit). Answers how many were purged. Writes no audit row."""
    job = _Purge(conn, now, None, unlink)
    n = 0
    for r in rows:
        getattr(job, scope)(r)
        n += 1
    return n


def purge(
    store: ServerStore,
    files_dir: Path | None,
    now: datetime,
    *,
    actor: Principal | None = None,
    station: str | None = None,
    actor_name: str | None = None,
) -> dict[str, Count]:
    """Remove what expired at ``now`` (one transaction); then the files. Answers the counts
    (as :func:`preview` would have), each written to the audit log."""
    unlink: set[str] = set()
    with store.write(log=True) as conn:
        settings = get_settings(conn)
        cutoffs = _cutoffs(settings, now)
        counts = preview(conn, now)
        for kind, scope in (
            ("reports", p.PURGE_REPORT),
            ("perpetrator", p.PURGE_PERPETRATOR),
            ("attachments", p.PURGE_ATTACHMENTS),
        ):
            if kind not in cutoffs:
                continue
            while True:
                rows = conn.execute(
                    _expired(kind, cutoffs[kind]).order_by(t.incidents.c.occurred_at).limit(_BATCH)
                ).all()
                if not rows:
                    break
                purge_incidents(conn, rows, scope, now, unlink)
        if "perpetrator" in cutoffs:
            for hook in _HOOKS.values():
                hook(conn, cutoffs["perpetrator"], dry_run=False)
        for kind, count in counts.items():
            if count.count:
                audit.record(
                    conn,
                    actor=actor,
                    action="retention.purge",
                    subject=audit.SUBJECT_RETENTION,
                    detail=f"{kind}: {count.text()}",
                    station=station,
                    at=now,
                    actor_name=actor_name,
                )
    files = _remove_files(files_dir, unlink)
    if any(c.count for c in counts.values()):
        log.info(
            "retention purge: %s; %d files removed",
            ", ".join(f"{k} {c.count}" for k, c in counts.items()),
            files,
        )
    return counts


class DailyPurge:
    """The purge once a day inside the server (first run a minute after start)."""

    def __init__(
        self,
        store: ServerStore,
        files_dir: Path,
        clock: Clock = system_clock,
        interval: timedelta = timedelta(days=1),
        first_delay: float = 60.0,
    ) -> None:
        self.store = store
        self.files_dir = files_dir
        self.clock = clock
        self.interval = interval
        self.first_delay = first_delay
        self._task: asyncio.Task[None] | None = None
        self.runs = 0
        #: When the purge runs next (in the purge clock's time); None when not started.
        self.next_run: datetime | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="retention-purge")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.next_run = None

    async def _loop(self) -> None:
        self.next_run = self.clock() + timedelta(seconds=self.first_delay)
        await asyncio.sleep(self.first_delay)
        while True:
            try:
                await asyncio.to_thread(purge, self.store, self.files_dir, self.clock())
                self.runs += 1
            except Exception:  # keep the server up; try again tomorrow
                log.exception("retention purge failed")
            self.next_run = self.clock() + self.interval
            await asyncio.sleep(self.interval.total_seconds())
