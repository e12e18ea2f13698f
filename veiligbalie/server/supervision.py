"""Supervision (Toezicht) for security, team leads and coördinators: the station board, the
alarm log with each alarm's story, the test-alarm results per station, and the site's
opening hours and test schedule the administrator sets.

Drop-outs: :class:`DropoutWatch` looks at the presence rows every few seconds (it changes
nothing in how presence is written). A station that went offline during the site's opening
hours and stayed away longer than the grace period is written to ``station_dropouts`` once
(unique per workstation and the moment it was last seen, so several server processes write
it once) and a ``station.dropout`` event goes to security, team leads and coördinators of
the site; its return closes the row and is told the same way. With several server processes
each runs the watch: only the one whose write took effect tells, its own stream clients
directly and the others' through the NOTIFY bridge (the drop-out's id; they read the row).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

import sqlalchemy as sa
import sqlalchemy.exc
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from veiligbalie.core import supervision as rules
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol import supervision as sv
from veiligbalie.protocol.alarm_server import AlarmLogEntry
from veiligbalie.server import alarms, audit, presence
from veiligbalie.server import schema as t
from veiligbalie.server.admin import AdminError, find_site
from veiligbalie.server.auth import Principal, get_store, require
from veiligbalie.server.pg_bridge import DROPOUT
from veiligbalie.server.store import ServerStore
from veiligbalie.server.stream import StreamHub

if TYPE_CHECKING:
    from veiligbalie.server.alarm_runtime import AlarmRuntime

log = logging.getLogger(__name__)

#: Who reads supervision: security, team leads (their own site), coördinators (any site).
WATCHERS = (Role.SECURITY, Role.TEAM_LEAD, Role.COORDINATOR)
#: Opening hours when the administrator set none: weekdays 08:00–17:00.
DEFAULT_HOURS = tuple(rules.period(day, "08:00", "17:00") for day in range(5))
#: A station offline this long (seconds) during opening hours has dropped out: a restart
#: or a reconnect of the stream is not one.
DROPOUT_GRACE = float(os.environ.get("VEILIGBALIE_DROPOUT_GRACE_SECONDS", "20"))
#: How often the watch looks at presence (seconds).
WATCH_INTERVAL = float(os.environ.get("VEILIGBALIE_SUPERVISION_INTERVAL_SECONDS", "5"))
#: A station last seen longer ago than this when the watch first sees it offline is not
#: reported as a fresh drop-out (a server that was down for days).
DROPOUT_LOOKBACK = timedelta(hours=24)
ALARM_LOG_MAX = 500


def _now() -> datetime:
    return datetime.now(UTC)


# --- the site's settings -----------------------------------------------------------------


@dataclass(frozen=True)
class SiteRules:
    site_id: uuid.UUID
    site_name: str
    timezone: str
    hours: tuple[rules.OpeningPeriod, ...]
    schedule: rules.TestSchedule
    stored: bool
    updated_at: datetime | None = None
    updated_by: str = ""

    def is_open(self, at: datetime) -> bool:
        return rules.is_open(self.hours, at, rules.zone(self.timezone))

    def due_since(self, last_test: datetime | None, now: datetime) -> date | None:
        return self.schedule.due_since(last_test, now, rules.zone(self.timezone))

    def test_due(
        self, last_test: datetime | None, now: datetime, *, enrolled: bool, revoked: bool
    ) -> date | None:
        """Since when a workstation is not tested within the schedule (None: in time, no
        schedule, or it cannot be tested: never linked, or its link ended)."""
        if not self.schedule.active or not enrolled or revoked:
            return None
        return self.due_since(last_test, now)

    def out(self) -> sv.SupervisionSettingsOut:
        return sv.SupervisionSettingsOut(
            site_id=self.site_id,
            site_name=self.site_name,
            timezone=self.timezone,
            opening_hours=[
                sv.OpeningPeriodBody(
                    weekday=p.weekday,
                    opens=rules.clock_text(p.opens),
                    closes=rules.clock_text(p.closes),
                )
                for p in self.hours
            ],
            test_every_days=self.schedule.every_days,
            test_weekday=self.schedule.weekday,
            default=not self.stored,
            updated_at=self.updated_at,
            updated_by=self.updated_by,
        )


def _hours(raw: Iterable[dict[str, Any]]) -> tuple[rules.OpeningPeriod, ...]:
    found = [rules.period(int(p["weekday"]), str(p["opens"]), str(p["closes"])) for p in raw]
    return tuple(sorted(found, key=lambda p: (p.weekday, p.opens)))


def site_rules(conn: Connection, site_id: uuid.UUID, site_name: str = "") -> SiteRules:
    row = conn.execute(
        sa.select(t.site_supervision).where(t.site_supervision.c.site_id == site_id)
    ).first()
    if row is None:
        return SiteRules(
            site_id, site_name, rules.DEFAULT_TIMEZONE, DEFAULT_HOURS, rules.TestSchedule(), False
        )
    try:
        hours = _hours(row.opening_hours or [])
        schedule = rules.TestSchedule(row.test_every_days, row.test_weekday)
    except (rules.RuleError, KeyError, TypeError, ValueError):
        log.warning("stored supervision settings of site %s unusable; defaults apply", site_id)
        hours, schedule = DEFAULT_HOURS, rules.TestSchedule()
    return SiteRules(
        site_id, site_name, row.timezone, hours, schedule, True, row.updated_at, row.updated_by
    )


def get_settings(store: ServerStore, site_ref: str | uuid.UUID) -> sv.SupervisionSettingsOut:
    with store.read() as conn:
        site = find_site(conn, site_ref)
        return site_rules(conn, site.id, site.name).out()


def check_settings(
    body: sv.SupervisionSettingsIn,
) -> tuple[tuple[rules.OpeningPeriod, ...], rules.TestSchedule]:
    """The checks the CLI and the REST share; an AdminError (400) says what is wrong."""
    try:
        rules.zone(body.timezone)
        hours = _hours(p.model_dump() for p in body.opening_hours)
        schedule = rules.TestSchedule(body.test_every_days, body.test_weekday)
    except rules.RuleError as exc:
        raise AdminError(str(exc)) from None
    for first, second in zip(hours, hours[1:], strict=False):
        if first.weekday == second.weekday and (
            first.closes is None or second.opens < first.closes
        ):
            raise AdminError(
                f"opening periods overlap on weekday {first.weekday}: "
                f"{rules.clock_text(first.opens)}–{rules.clock_text(first.closes)} and "
                f"{rules.clock_text(second.opens)}–{rules.clock_text(second.closes)}"
            )
    return hours, schedule


def describe_settings(out: sv.SupervisionSettingsOut) -> str:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    hours = ", ".join(f"{days[p.weekday]} {p.opens}-{p.closes}" for p in out.opening_hours)
    if out.test_every_days is not None:
        schedule = f"test every {out.test_every_days} day(s)"
    elif out.test_weekday is not None:
        schedule = f"test weekly on {days[out.test_weekday]}"
    else:
        schedule = "no test schedule"
    return f"opening hours ({out.timezone}): {hours or 'none'}; {schedule}"


def set_settings(
    store: ServerStore,
    site_ref: str | uuid.UUID,
    body: sv.SupervisionSettingsIn,
    *,
    actor: Principal | None,
    actor_name: str | None = None,
    station: str | None = None,
) -> sv.SupervisionSettingsOut:
    """Store a site's opening hours and test schedule, audited with who and when."""
    hours, schedule = check_settings(body)
    now = _now()
    who = actor_name or (actor.username if actor is not None else None) or ""
    values = {
        "timezone": body.timezone or rules.DEFAULT_TIMEZONE,
        "opening_hours": [
            {
                "weekday": p.weekday,
                "opens": rules.clock_text(p.opens),
                "closes": rules.clock_text(p.closes),
            }
            for p in hours
        ],
        "test_every_days": schedule.every_days,
        "test_weekday": schedule.weekday,
        "updated_at": now,
        "updated_by": who[:200],
    }
    with store.write() as conn:
        site = find_site(conn, site_ref)
        updated = conn.execute(
            sa.update(t.site_supervision)
            .where(t.site_supervision.c.site_id == site.id)
            .values(**values)
        ).rowcount
        if not updated:
            conn.execute(sa.insert(t.site_supervision).values(site_id=site.id, **values))
        out = site_rules(conn, site.id, site.name).out()
        audit.record(
            conn,
            actor=actor,
            action="site_supervision_set",
            subject=audit.SUBJECT_ALARM,
            detail=f"site {site.name}: {describe_settings(out)}",
            actor_name=actor_name,
            station=station,
            at=now,
        )
    return out


# --- who sees which site -----------------------------------------------------------------


def _sites(conn: Connection) -> dict[uuid.UUID, str]:
    rows = conn.execute(sa.select(t.sites.c.id, t.sites.c.name).order_by(t.sites.c.name)).all()
    return {r.id: r.name for r in rows}


def viewer_sites(store: ServerStore, principal: Principal) -> sv.SupervisionSites:
    with store.read() as conn:
        sites = _sites(conn)
    if principal.role is not Role.COORDINATOR:
        sites = {k: v for k, v in sites.items() if k == principal.site_id}
    default = principal.site_id if principal.site_id in sites else next(iter(sites), None)
    return sv.SupervisionSites(
        sites=[sv.SiteChoice(site_id=k, name=v) for k, v in sites.items()],
        default_site_id=default,
    )


def _site_for(
    conn: Connection, principal: Principal, site_id: uuid.UUID | None
) -> tuple[uuid.UUID, str]:
    """The site a viewer asks about: a coördinator any (by default their own or the first),
    security and team leads only their own."""
    sites = _sites(conn)
    if principal.role is Role.COORDINATOR:
        chosen = site_id or principal.site_id or next(iter(sites), None)
    else:
        if principal.site_id is None:
            raise AdminError("your account belongs to no site", 403)
        if site_id is not None and site_id != principal.site_id:
            raise AdminError("you may supervise your own site only", 403)
        chosen = principal.site_id
    if chosen is None or chosen not in sites:
        raise AdminError("no such site", 404)
    return chosen, sites[chosen]


# --- the station board -------------------------------------------------------------------


def _dropout_body(row: Any, name: str = "", location: str = "") -> sv.DropoutBody:
    return sv.DropoutBody(
        id=row.id,
        site_id=row.site_id,
        workstation_id=row.workstation_id,
        name=name,
        location=location,
        since=row.since,
        back_at=row.back_at,
    )


def _open_dropouts(conn: Connection, site_id: uuid.UUID | None = None) -> dict[uuid.UUID, Any]:
    query = sa.select(t.station_dropouts).where(t.station_dropouts.c.back_at.is_(None))
    if site_id is not None:
        query = query.where(t.station_dropouts.c.site_id == site_id)
    return {r.workstation_id: r for r in conn.execute(query.order_by(t.station_dropouts.c.since))}


def board(
    store: ServerStore, principal: Principal, site_id: uuid.UUID | None, now: datetime | None = None
) -> sv.StationBoard:
    now = now or _now()
    with store.read() as conn:
        site, name = _site_for(conn, principal, site_id)
        config = site_rules(conn, site, name)
        statuses = presence.statuses(conn, t.workstations.c.site_id == site)
        uptime = {
            r.workstation_id: r
            for r in conn.execute(
                sa.select(t.station_uptime).where(
                    t.station_uptime.c.workstation_id.in_([s.workstation_id for s in statuses])
                )
            )
        }
        dropouts = _open_dropouts(conn, site)
        tests = _last_tests(conn, site)
    stations = []
    for s in statuses:
        up = uptime.get(s.workstation_id)
        since = s.last_seen_at
        if s.online and up is not None and up.online:
            since = up.since
        dropout = dropouts.get(s.workstation_id)
        last = tests.get(s.workstation_id)
        stations.append(
            sv.BoardStation(
                workstation_id=s.workstation_id,
                name=s.name,
                location=s.location,
                station_id=s.station_id,
                online=s.online,
                enrolled=s.enrolled,
                revoked=s.revoked,
                via=s.via,
                since=since,
                client_version=s.client_version or None,
                dropout=_dropout_body(dropout, s.name, s.location) if dropout is not None else None,
                last_test=last,
                test_due_since=config.test_due(
                    last.at if last else None, now, enrolled=s.enrolled, revoked=s.revoked
                ),
            )
        )
    return sv.StationBoard(
        site_id=site,
        site_name=name,
        open_now=config.is_open(now),
        settings=config.out(),
        stations=stations,
        checked_at=now,
    )


# --- alarms: the story of each, and the tests --------------------------------------------


def _stories(conn: Connection, rows: list[Any], with_log: bool = False) -> list[sv.AlarmStory]:
    ids = [r.id for r in rows]
    if not ids:
        return []
    events: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
    for e in conn.execute(
        sa.select(t.alarm_events)
        .where(t.alarm_events.c.alarm_id.in_(ids))
        .order_by(t.alarm_events.c.recorded_at, t.alarm_events.c.id)
    ):
        events[e.alarm_id].append(e)
    reports: dict[uuid.UUID, sv.ReportLink] = {}
    for r in conn.execute(
        sa.select(t.incidents.c.id, t.incidents.c.reference, t.incidents.c.alarm_id)
        .where(t.incidents.c.alarm_id.in_(ids))
        .order_by(t.incidents.c.created_at)
    ):
        reports.setdefault(r.alarm_id, sv.ReportLink(incident_id=r.id, reference=r.reference))
    responders = alarms._responders(conn, ids)
    stories = []
    for row in rows:
        deliveries: list[sv.Delivery] = []
        answers: list[sv.Answer] = []
        steps: list[sv.EscalationStep] = []
        closed_at, closed_by = None, ""
        for e in events[row.id]:
            data = dict(e.data or {})
            if e.kind == "delivered":
                for s in data.get("stations", []):
                    with contextlib.suppress(KeyError, ValueError, TypeError):
                        deliveries.append(
                            sv.Delivery(
                                station_name=str(s.get("name") or ""),
                                path=e.path,
                                at=datetime.fromisoformat(s["at"]),
                            )
                        )
            elif e.kind == "acknowledged":
                answers.append(
                    sv.Answer(
                        responder=e.actor,
                        station_name=str(data.get("station_name") or ""),
                        path=e.path,
                        at=e.at,
                        seconds=max(0.0, (e.at - row.raised_at).total_seconds()),
                    )
                )
            elif e.kind == "escalated" and not data.get("with_raise"):
                steps.append(
                    sv.EscalationStep(
                        level=int(data.get("level", 0)),
                        targets=[str(x) for x in data.get("targets", [])],
                        webhook=bool(data.get("webhook")),
                        at=e.at,
                    )
                )
            elif e.kind in ("resolved", "cancelled"):
                closed_at, closed_by = e.at, e.actor
        log_lines = (
            [
                AlarmLogEntry(
                    kind=e.kind,
                    actor=e.actor,
                    workstation_id=e.workstation_id,
                    station_id=e.station_id,
                    path=e.path,
                    data=dict(e.data or {}),
                    at=e.at,
                    recorded_at=e.recorded_at,
                    claimed_at=e.claimed_at,
                )
                for e in events[row.id]
            ]
            if with_log
            else []
        )
        stories.append(
            sv.AlarmStory(
                alarm=alarms._body(row, responders[row.id]),
                escalation_level=row.escalation_level,
                deliveries=deliveries,
                answers=answers,
                escalations=steps,
                closed_at=closed_at,
                closed_by=closed_by,
                report=reports.get(row.id),
                log=log_lines,
            )
        )
    return stories


def alarm_log(
    store: ServerStore, principal: Principal, site_id: uuid.UUID | None, limit: int
) -> sv.AlarmLog:
    with store.read() as conn:
        site, _ = _site_for(conn, principal, site_id)
        rows = conn.execute(
            sa.select(t.alarms)
            .where(t.alarms.c.site_id == site)
            .order_by(t.alarms.c.raised_at.desc())
            .limit(limit)
        ).all()
        return sv.AlarmLog(site_id=site, alarms=_stories(conn, list(rows)))


def alarm_story(store: ServerStore, principal: Principal, alarm_id: uuid.UUID) -> sv.AlarmStory:
    with store.read() as conn:
        row = conn.execute(sa.select(t.alarms).where(t.alarms.c.id == alarm_id)).first()
        if row is None:
            raise AdminError("no such alarm", 404)
        try:
            _site_for(conn, principal, row.site_id)
        except AdminError:
            raise AdminError("no such alarm", 404) from None
        return _stories(conn, [row], with_log=True)[0]


def _result(story: sv.AlarmStory) -> sv.TestResult:
    heard = sorted({d.station_name for d in story.deliveries if d.station_name})
    answered = sorted({a.responder or a.station_name for a in story.answers})
    outcome: Literal["answered", "heard", "missed"] = (
        "answered" if answered else "heard" if heard else "missed"
    )
    return sv.TestResult(
        alarm_id=story.alarm.id,
        at=story.alarm.raised_at,
        heard_by=heard,
        answered_by=answered,
        result=outcome,
    )


def _last_tests(conn: Connection, site_id: uuid.UUID) -> dict[uuid.UUID, sv.TestResult]:
    """Each workstation's newest test alarm of the site, with its result."""
    newest = (
        sa.select(t.alarms.c.workstation_id, sa.func.max(t.alarms.c.raised_at).label("at"))
        .where(
            t.alarms.c.site_id == site_id,
            t.alarms.c.test.is_(True),
            t.alarms.c.workstation_id.is_not(None),
        )
        .group_by(t.alarms.c.workstation_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(t.alarms)
        .join(
            newest,
            sa.and_(
                t.alarms.c.workstation_id == newest.c.workstation_id,
                t.alarms.c.raised_at == newest.c.at,
            ),
        )
        .where(t.alarms.c.site_id == site_id, t.alarms.c.test.is_(True))
    ).all()
    found: dict[uuid.UUID, sv.TestResult] = {}
    for story, row in zip(_stories(conn, list(rows)), rows, strict=True):
        found[row.workstation_id] = _result(story)
    return found


def test_overview(
    store: ServerStore, principal: Principal, site_id: uuid.UUID | None, now: datetime | None = None
) -> sv.TestOverview:
    now = now or _now()
    with store.read() as conn:
        site, name = _site_for(conn, principal, site_id)
        config = site_rules(conn, site, name)
        stations = conn.execute(
            sa.select(
                t.workstations.c.id,
                t.workstations.c.name,
                t.workstations.c.location,
                t.workstations.c.enrolled_at.is_not(None).label("enrolled"),
                t.workstations.c.revoked_at.is_not(None).label("revoked"),
            )
            .where(t.workstations.c.site_id == site)
            .order_by(t.workstations.c.name)
        ).all()
        tests = _last_tests(conn, site)
    return sv.TestOverview(
        site_id=site,
        settings=config.out(),
        stations=[
            sv.TestStation(
                workstation_id=s.id,
                name=s.name,
                location=s.location,
                last_test=tests.get(s.id),
                test_due_since=config.test_due(
                    tests[s.id].at if s.id in tests else None,
                    now,
                    enrolled=bool(s.enrolled),
                    revoked=bool(s.revoked),
                ),
            )
            for s in stations
        ],
    )


# --- the drop-out watch ------------------------------------------------------------------


@dataclass(frozen=True)
class Told:
    site_id: uuid.UUID
    event: dict[str, Any]
    dropout_id: uuid.UUID


def sweep(
    store: ServerStore, now: datetime | None = None, grace: float = DROPOUT_GRACE
) -> list[Told]:
    """One look at every workstation's presence: keep each one's "since" up to date, write a
    drop-out for a station offline since opening hours longer than ``grace`` seconds, close
    the drop-out of one that is back. Answers the events to tell.

    Decided in a read transaction; a write transaction only when something changed (most
    looks change nothing, and must not take SQLite's write lock from the alarm path). Each
    write is conditional (a drop-out inserted unless there is one, closed only while open),
    and only those that took effect are told: another server process sweeping at the same
    moment writes and tells nothing twice."""
    now = now or _now()
    fresh = now - presence.PRESENCE_TIMEOUT
    #: Each write, and what to tell when it took effect.
    changes: list[tuple[Any, Told | None]] = []
    with store.read() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        # Linked workstations the server has seen (a never-linked one cannot drop out, nor
        # one whose link the administrator ended: it went offline on purpose).
        rows = presence.presence_rows(
            conn,
            t.station_presence.c.workstation_id.is_not(None),
            t.workstations.c.enrolled_at.is_not(None),
            t.workstations.c.revoked_at.is_(None),
        )
        uptime = {r.workstation_id: r for r in conn.execute(sa.select(t.station_uptime))}
        dropouts = _open_dropouts(conn)
        configs: dict[uuid.UUID, SiteRules] = {}
        for r in rows:
            online = presence.counts_online(r, fresh)
            up = uptime.get(r.id)
            if up is None:
                insert = dialect.insert(t.station_uptime).values(
                    workstation_id=r.id, online=online, since=now if online else r.last_seen_at
                )
                changes.append((insert.on_conflict_do_nothing(), None))
            elif bool(up.online) != online:
                changes.append(
                    (
                        sa.update(t.station_uptime)
                        .where(t.station_uptime.c.workstation_id == r.id)
                        .values(online=online, since=now if online else r.last_seen_at),
                        None,
                    )
                )
            open_one = dropouts.get(r.id)
            if online:
                if open_one is not None:
                    close = (
                        sa.update(t.station_dropouts)
                        .where(
                            t.station_dropouts.c.id == open_one.id,
                            t.station_dropouts.c.back_at.is_(None),
                        )
                        .values(back_at=now)
                        .returning(t.station_dropouts.c.id)
                    )
                    body = _dropout_body(open_one, r.name, r.location).model_copy(
                        update={"back_at": now}
                    )
                    changes.append((close, Told(r.site_id, _event(body), open_one.id)))
                continue
            last_seen = r.last_seen_at
            if open_one is not None or (now - last_seen).total_seconds() < grace:
                continue
            if now - last_seen > DROPOUT_LOOKBACK:
                continue
            config = configs.get(r.site_id)
            if config is None:
                config = configs[r.site_id] = site_rules(conn, r.site_id)
            if not config.is_open(last_seen):
                continue
            exists = conn.execute(
                sa.select(t.station_dropouts.c.id).where(
                    t.station_dropouts.c.workstation_id == r.id,
                    t.station_dropouts.c.since == last_seen,
                )
            ).first()
            if exists is not None:
                continue
            dropout_id = uuid7()
            insert = dialect.insert(t.station_dropouts).values(
                id=dropout_id,
                site_id=r.site_id,
                workstation_id=r.id,
                since=last_seen,
                back_at=None,
                recorded_at=now,
            )
            body = sv.DropoutBody(
                id=dropout_id,
                site_id=r.site_id,
                workstation_id=r.id,
                name=r.name,
                location=r.location,
                since=last_seen,
            )
            # Unique per workstation and "since": a second process's insert does nothing.
            tells = Told(r.site_id, _event(body), dropout_id)
            changes.append(
                (insert.on_conflict_do_nothing().returning(t.station_dropouts.c.id), tells)
            )
    told: list[Told] = []
    if changes:
        with store.write() as conn:
            for statement, telling in changes:
                result = conn.execute(statement)
                # The row's id when the write took effect (RETURNING: rowcount is no
                # measure on every driver).
                if telling is not None and result.first() is not None:
                    told.append(telling)
    return told


def told_again(store: ServerStore, dropout_id: uuid.UUID) -> Told | None:
    """What another server process told of drop-out ``dropout_id`` (written, or closed on
    the station's return), read from its row."""
    with store.read() as conn:
        row = conn.execute(
            sa.select(
                t.station_dropouts,
                t.workstations.c.name.label("ws_name"),
                t.workstations.c.location.label("ws_location"),
            )
            .select_from(
                t.station_dropouts.join(
                    t.workstations, t.workstations.c.id == t.station_dropouts.c.workstation_id
                )
            )
            .where(t.station_dropouts.c.id == dropout_id)
        ).first()
    if row is None:
        return None
    body = _dropout_body(row, row.ws_name, row.ws_location)
    return Told(row.site_id, _event(body), row.id)


def _event(body: sv.DropoutBody) -> dict[str, Any]:
    return sv.StationDropoutEvent(site_id=str(body.site_id), dropout=body).model_dump(mode="json")


def watches(site_id: uuid.UUID) -> Callable[[Principal], bool]:
    """Who of the stream is told a drop-out: security and team leads of the site, and
    every coördinator."""

    def admit(principal: Principal) -> bool:
        if principal.is_workstation or principal.role not in WATCHERS:
            return False
        return principal.role is Role.COORDINATOR or principal.site_id == site_id

    return admit


def tell(hub: StreamHub, told: Iterable[Told]) -> None:
    for item in told:
        admit = watches(item.site_id)
        hub.publish(item.site_id, item.event, admit)
        # Coördinators of another site (or none) hear it too.
        coordinators = _coordinators_of(admit)
        for other in hub.sites():
            if other != item.site_id:
                hub.publish(other, item.event, coordinators)


def _coordinators_of(admit: Callable[[Principal], bool]) -> Callable[[Principal], bool]:
    return lambda p: p.role is Role.COORDINATOR and admit(p)


class DropoutWatch:
    """The sweep on a timer, off the event loop. With ``runtime`` (the process's
    AlarmRuntime) what it tells reaches the other server processes' clients too, and what
    theirs tell reaches ours."""

    def __init__(
        self,
        store: ServerStore,
        hub: StreamHub,
        *,
        interval: float = WATCH_INTERVAL,
        grace: float = DROPOUT_GRACE,
        runtime: AlarmRuntime | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.interval = interval
        self.grace = grace
        self.runtime = runtime
        self._task: asyncio.Task[None] | None = None
        if runtime is not None:
            runtime.on_change(DROPOUT, self._told_elsewhere)

    def _sweep(self) -> list[Told]:
        """A sweep, and the other processes told of what it wrote (in its thread)."""
        told = sweep(self.store, None, self.grace)
        if self.runtime is not None:
            for item in told:
                self.runtime.changed(DROPOUT, item.dropout_id)
        return told

    async def _told_elsewhere(self, dropout_id: uuid.UUID) -> None:
        item = await run_in_threadpool(told_again, self.store, dropout_id)
        if item is not None:
            tell(self.hub, [item])

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="supervision-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                told = await run_in_threadpool(self._sweep)
            except sqlalchemy.exc.IntegrityError:
                continue  # another server process wrote the same drop-out first
            except Exception as exc:
                log.warning("supervision sweep failed: %s", type(exc).__name__)
                continue
            tell(self.hub, told)


# --- routes ------------------------------------------------------------------------------

Store = Annotated[ServerStore, Depends(get_store)]
Watcher = Annotated[Principal, Depends(require(*WATCHERS))]
Administrator = Annotated[Principal, Depends(require(Role.ADMINISTRATOR))]
_answers: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"},
    403: {"description": "not security, a team lead or a coördinator; or another site"},
    404: {"description": "no such site"},
}
router = APIRouter(prefix="/api/v1", tags=["supervision"], responses=_answers)
SiteQuery = Annotated[uuid.UUID | None, Query(description="a coördinator's choice of site")]


@router.get(f"{sv.SUPERVISION_PATH}/sites", response_model=sv.SupervisionSites)
def supervision_sites(principal: Watcher, store: Store) -> sv.SupervisionSites:
    """The sites the viewer may supervise."""
    return viewer_sites(store, principal)


@router.get(f"{sv.SUPERVISION_PATH}/board", response_model=sv.StationBoard)
def station_board(principal: Watcher, store: Store, site_id: SiteQuery = None) -> sv.StationBoard:
    """Every workstation of the site: online or not and since when, open drop-outs, last
    test alarm."""
    return board(store, principal, site_id)


@router.get(f"{sv.SUPERVISION_PATH}/alarms", response_model=sv.AlarmLog)
def supervision_alarms(
    principal: Watcher,
    store: Store,
    site_id: SiteQuery = None,
    limit: Annotated[int, Query(ge=1, le=ALARM_LOG_MAX)] = 100,
) -> sv.AlarmLog:
    """The site's newest alarms, each with deliveries, answers, escalation and report."""
    return alarm_log(store, principal, site_id, limit)


@router.get(f"{sv.SUPERVISION_PATH}/alarms/{{alarm_id}}", response_model=sv.AlarmStory)
def supervision_alarm(alarm_id: uuid.UUID, principal: Watcher, store: Store) -> sv.AlarmStory:
    """One alarm's story with its full log."""
    return alarm_story(store, principal, alarm_id)


@router.get(f"{sv.SUPERVISION_PATH}/tests", response_model=sv.TestOverview)
def supervision_tests(
    principal: Watcher, store: Store, site_id: SiteQuery = None
) -> sv.TestOverview:
    """Each station's last test alarm and whether it is due for one."""
    return test_overview(store, principal, site_id)


adm = APIRouter(
    prefix="/api/v1",
    tags=["admin"],
    responses={**_answers, 400: {"description": "invalid hours or schedule"}},
)


@adm.get("/admin/sites/{site_id}/supervision", response_model=sv.SupervisionSettingsOut)
def get_site_supervision(
    site_id: uuid.UUID, _: Administrator, store: Store
) -> sv.SupervisionSettingsOut:
    """The site's opening hours and test-alarm schedule."""
    return get_settings(store, site_id)


@adm.put("/admin/sites/{site_id}/supervision", response_model=sv.SupervisionSettingsOut)
def put_site_supervision(
    site_id: uuid.UUID,
    body: sv.SupervisionSettingsIn,
    principal: Administrator,
    store: Store,
    request: Request,
) -> sv.SupervisionSettingsOut:
    """Set the site's opening hours and test-alarm schedule (audited)."""
    device = request.headers.get("X-VB-Device")
    station = None
    with contextlib.suppress(ValueError, TypeError):
        with store.read() as conn:
            station = audit.station_of(conn, principal, uuid.UUID(device) if device else None)
    return set_settings(store, site_id, body, actor=principal, station=station)


# --- the command line --------------------------------------------------------------------

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAYS_NL = {"ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6}


def parse_day(text: str) -> int:
    key = text.strip().lower()[:3]
    if key in _DAYS:
        return _DAYS[key]
    if key[:2] in _DAYS_NL:
        return _DAYS_NL[key[:2]]
    raise AdminError(f"{text!r} is not a weekday (mon … sun)")


def parse_hours(items: Iterable[str]) -> list[sv.OpeningPeriodBody]:
    """``mon-fri=08:30-17:00`` or ``sat=09:00-12:00`` into periods."""
    found = []
    for item in items:
        days, _, span = item.partition("=")
        opens, _, closes = span.partition("-")
        if not days or not opens or not closes:
            raise AdminError(f"{item!r}: give hours as mon-fri=08:30-17:00")
        first, _, last = days.partition("-")
        start = parse_day(first)
        end = parse_day(last) if last else start
        if end < start:
            raise AdminError(f"{item!r}: the days run backwards")
        for day in range(start, end + 1):
            try:
                found.append(
                    sv.OpeningPeriodBody(weekday=day, opens=opens.strip(), closes=closes.strip())
                )
            except ValueError:
                raise AdminError(f"{item!r}: {opens}-{closes} are not times like 08:30") from None
    return found


def _print(out: sv.SupervisionSettingsOut) -> None:
    source = "default" if out.default else f"set by {out.updated_by or '?'}"
    print(f"site {out.site_name} ({source}): {describe_settings(out)}")


def add_cli(site: Any, leaf: Callable[..., argparse.ArgumentParser]) -> None:
    """``admin site hours`` and ``admin site test-schedule``."""

    def hours(store: ServerStore, args: argparse.Namespace) -> None:
        current = get_settings(store, args.site)
        if args.show or (not args.hours and not args.closed):
            _print(current)
            return
        periods = [] if args.closed else parse_hours(args.hours)
        body = sv.SupervisionSettingsIn(
            timezone=args.timezone or current.timezone,
            opening_hours=periods,
            test_every_days=current.test_every_days,
            test_weekday=current.test_weekday,
        )
        _print(
            set_settings(
                store,
                args.site,
                body,
                actor=None,
                actor_name=audit.CLI_ACTOR,
                station=audit.CLI_STATION,
            )
        )

    def schedule(store: ServerStore, args: argparse.Namespace) -> None:
        current = get_settings(store, args.site)
        every, weekday = None, None
        if args.weekly is not None:
            weekday = parse_day(args.weekly)
        elif args.every_days is not None:
            every = args.every_days
        elif not args.off:
            _print(current)
            return
        body = sv.SupervisionSettingsIn(
            timezone=current.timezone,
            opening_hours=current.opening_hours,
            test_every_days=every,
            test_weekday=weekday,
        )
        _print(
            set_settings(
                store,
                args.site,
                body,
                actor=None,
                actor_name=audit.CLI_ACTOR,
                station=audit.CLI_STATION,
            )
        )

    p = leaf(
        site, "hours", hours, "opening hours of a site (a station offline inside them is flagged)"
    )
    p.add_argument("--site", required=True, help="site name or id")
    p.add_argument("hours", nargs="*", help="periods such as mon-fri=08:30-17:00 sat=09:00-12:00")
    p.add_argument("--timezone", help="time zone of the hours (default Europe/Amsterdam)")
    p.add_argument("--closed", action="store_true", help="no opening hours at all")
    p.add_argument("--show", action="store_true", help="show the hours, change nothing")
    p = leaf(site, "test-schedule", schedule, "how often each station must send a test alarm")
    p.add_argument("--site", required=True, help="site name or id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--every-days", type=int, help="at most this many days between tests")
    group.add_argument("--weekly", metavar="DAY", help="weekly on this weekday (mon … sun)")
    group.add_argument("--off", action="store_true", help="no schedule")
