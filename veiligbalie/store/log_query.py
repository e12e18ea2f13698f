"""The Logboek's one query over the local replica: filters, free-text search, sort, paging
and the count, fast at 100,000 reports.

Filters narrow with SQL on indexed columns (migration 0004); the free text is looked up in
the FTS5 trigram index of descriptions and notes; the list reads the columns it shows
and never a restricted one (perpetrator, witnesses). ``now`` is always passed in, so the
"overdue" filter and the follow-up state follow a test's clock as well as the real one.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from veiligbalie.core.vocabulary import Category, IncidentStatus, Severity
from veiligbalie.store import search_index
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import excerpt
from veiligbalie.store.schema import SEARCH_TABLE
from veiligbalie.store.types import utc_text

#: Shortest term the trigram index can look up; shorter ones are matched with LIKE.
TRIGRAM = 3
#: Above this many matches a search or "overdue" is checked report by report in date
#: order; below it the matching reports are looked up by key.
DRIVE_LIMIT = 3000
#: Ids per query when reading the follow-up state of a page.
_CHUNK = 500
EXCERPT = 160


class SortKey(StrEnum):
    """The log's columns, each sortable both ways (ties broken on the report's id)."""

    REFERENCE = "reference"
    OCCURRED_AT = "occurred_at"
    CATEGORIES = "categories"
    SEVERITY = "severity"
    LOCATION = "location"
    STATUS = "status"
    ASSIGNEE = "assignee"
    FOLLOWUP = "followup"
    SITE = "site"


def _rank_case(column: str, values: Iterable[str]) -> str:
    arms = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {arms} ELSE 99 END"


#: Follow-up: the earliest deadline of the report's open tasks (most urgent first when
#: ascending); reports with nothing open come last.
_FOLLOWUP_SORT = (
    "coalesce((SELECT min(t.due) FROM followup_tasks t WHERE t.incident_id = incidents.id "
    "AND t.done_at IS NULL), '~')"
)
_SORT_SQL: dict[SortKey, str] = {
    SortKey.REFERENCE: "reference",
    SortKey.OCCURRED_AT: "occurred_at",
    SortKey.CATEGORIES: "categories",
    SortKey.SEVERITY: _rank_case("severity", [s.value for s in Severity]),
    SortKey.LOCATION: "location",
    SortKey.STATUS: _rank_case(
        "status", [s.value for s in sorted(IncidentStatus, key=lambda s: s.rank)]
    ),
    SortKey.ASSIGNEE: "coalesce(assignee_name, '')",
    SortKey.FOLLOWUP: _FOLLOWUP_SORT,
    SortKey.SITE: "coalesce(site_name, '')",
}


@dataclass(frozen=True)
class LogFilter:
    """What the reader narrowed the log to; the defaults show everything."""

    since: datetime | None = None  # occurred_at >= since
    until: datetime | None = None  # occurred_at < until
    site: str | None = None
    location: str | None = None
    categories: frozenset[Category] = frozenset()  # any of them
    severities: frozenset[Severity] = frozenset()
    statuses: frozenset[IncidentStatus] = frozenset()
    overdue: bool = False  # an open follow-up task past its due date
    alarm: bool | None = None  # True: with an alarm; False: without; None: either
    assignee_user_id: uuid.UUID | None = None  # "assigned to me"
    text: str = ""  # free text over the description and the notes

    @property
    def narrowed(self) -> bool:
        return self != LogFilter()


@dataclass(frozen=True)
class LogQuery:
    filter: LogFilter = field(default_factory=LogFilter)
    sort: SortKey = SortKey.OCCURRED_AT
    descending: bool = True
    #: False for a reader who may not see reports meant for the team lead only.
    include_team_lead_only: bool = True


@dataclass(frozen=True)
class FollowUpState:
    open: int = 0
    overdue: int = 0  # of the open ones, past their due date
    done: int = 0


@dataclass(frozen=True)
class LogRow:
    """One line of the log: what the list shows, no restricted field."""

    id: uuid.UUID
    reference: str
    occurred_at: datetime
    categories: frozenset[Category]
    severity: Severity
    location: str
    status: IncidentStatus
    assignee_name: str
    site_name: str
    excerpt: str
    has_alarm: bool
    followup: FollowUpState = FollowUpState()


@dataclass(frozen=True)
class ExportRow:
    """One line of the CSV export (the perpetrator fields empty for a reader who may not
    read them)."""

    reference: str
    occurred_at: datetime
    categories: tuple[Category, ...]
    severity: Severity
    location: str
    channel: str
    status: IncidentStatus
    site_name: str
    assignee_name: str
    description: str
    injury: bool
    damage: bool
    police_called: bool
    police_report_intended: bool
    perpetrator_description: str
    perpetrator_reference: str
    has_alarm: bool
    followup: FollowUpState


def _export_row(raw: Any) -> ExportRow:
    return ExportRow(
        reference=raw[0] or raw[1] or "",
        occurred_at=datetime.fromisoformat(raw[2]),
        categories=tuple(Category(c) for c in json.loads(raw[3])),
        severity=Severity(raw[4]),
        location=raw[5],
        channel=raw[6],
        status=IncidentStatus(raw[7]),
        site_name=raw[8] or "",
        assignee_name=raw[9] or "",
        description=raw[10],
        injury=bool(raw[11]),
        damage=bool(raw[12]),
        police_called=bool(raw[13]),
        police_report_intended=bool(raw[14]),
        perpetrator_description=raw[15] or "",
        perpetrator_reference=raw[16] or "",
        has_alarm=bool(raw[17]),
        followup=FollowUpState(int(raw[18]), int(raw[19]), int(raw[20])),
    )


_TERMS = re.compile(r'"([^"]+)"|(\S+)')
#: A report number as people type it ("VB-2026-000012", any case).
_NUMBER = re.compile(r"^VB-\d{4}-\d{6}$", re.IGNORECASE)


def search_terms(text: str) -> list[str]:
    """The words (or "quoted phrases") of a search, each to be found in the report.

    A search needs one term of at least three characters (what a trigram index can look
    up); shorter terms then narrow its matches. Only short terms: no search at all."""
    terms = [(quoted or word).strip() for quoted, word in _TERMS.findall(text)]
    terms = [t for t in terms if t]
    return terms if any(len(t) >= TRIGRAM for t in terms) else []


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def match_expression(terms: Sequence[str]) -> str:
    """An FTS5 query finding every term (each a quoted string: no operator syntax)."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _where(
    query: LogQuery,
    now: datetime,
    many: frozenset[str] = frozenset(),
    matched: bool = False,
    counting: bool = False,
) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (with its parameters) shared by the page and the count.

    Filter columns carry a unary ``+``: it keeps SQLite from picking a one-column index
    for a filter and then sorting the lot; the log's covering index (``ix_incidents_log``,
    in date order, holding every filter column) is read in order instead, and reading
    stops once a page is full.

    ``many`` names the subquery filters ("search", "overdue") that match many reports: those
    are probed for each report read in date order (``+rowid IN``), the others drive the
    query (the few matching reports are looked up by key, then sorted). ``counting``: no
    order to keep, so a severity or status filter may count in its own narrow index.
    """
    f = query.filter
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if not query.include_team_lead_only:
        clauses.append("+team_lead_only = 0")
    if f.since is not None:
        clauses.append("occurred_at >= :since")
        params["since"] = utc_text(f.since)
    if f.until is not None:
        clauses.append("occurred_at < :until")
        params["until"] = utc_text(f.until)
    if f.site is not None:
        clauses.append("+site_name = :site")
        params["site"] = f.site
    if f.location is not None:
        clauses.append("+location = :location")
        params["location"] = f.location
    if f.categories:
        # The column holds a sorted JSON list of values: '["threat","verbal_aggression"]'.
        arms = []
        for i, category in enumerate(sorted(f.categories)):
            params[f"cat{i}"] = f'%"{Category(category).value}"%'
            arms.append(f"categories LIKE :cat{i}")
        clauses.append("(" + " OR ".join(arms) + ")")
    for name, chosen in (("severity", f.severities), ("status", f.statuses)):
        if chosen:
            keys = []
            for i, value in enumerate(sorted(str(v) for v in chosen)):
                params[f"{name}{i}"] = value
                keys.append(f":{name}{i}")
            plus = "" if counting and _narrow_count(f) else "+"
            clauses.append(f"{plus}{name} IN ({', '.join(keys)})")
    if f.overdue:
        plus = "+" if "overdue" in many else ""
        clauses.append(
            f"{plus}id IN (SELECT incident_id FROM followup_tasks "
            "WHERE done_at IS NULL AND due < :now)"
        )
        params["now"] = utc_text(now)
    if f.alarm is not None:
        clauses.append("+alarm_id IS NOT NULL" if f.alarm else "+alarm_id IS NULL")
    if f.assignee_user_id is not None:
        clauses.append("+assignee_user_id = :me")
        params["me"] = str(f.assignee_user_id)
    if matched:  # the search's matches, collected by _collect_matches on this connection
        plus = "+" if "search" in many else ""
        clauses.append(f"{plus}rowid IN (SELECT id FROM temp.{MATCHES})")
    elif search_terms(f.text):
        inner, search = _search_clause(f.text)
        params.update(search)
        plus = "+" if "search" in many else ""
        clauses.append(f"{plus}rowid IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {inner})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


#: A connection's temporary table of the current search's matches (report rowids).
MATCHES = "log_matches"


def _search_clause(text: str) -> tuple[str, dict[str, Any]]:
    """The WHERE of a search in the index: every long term through the trigram index, a
    term too short for a trigram checked in the text of those matches only."""
    terms = search_terms(text)
    params: dict[str, Any] = {"q": match_expression([t for t in terms if len(t) >= TRIGRAM])}
    inner = f"{SEARCH_TABLE} MATCH :q"
    for i, term in enumerate(t for t in terms if len(t) < TRIGRAM):
        params[f"short{i}"] = _like_pattern(term)
        inner += f" AND body LIKE :short{i} ESCAPE '\\'"
    return inner, params


def _collect_matches(conn: Any, query: LogQuery) -> int | None:
    """Ask the index once: the search's matches into this connection's temporary table
    (gone with the transaction); returns how many, or None without a search."""
    if not search_terms(query.filter.text):
        return None
    inner, params = _search_clause(query.filter.text)
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {MATCHES} (id INTEGER PRIMARY KEY)")
    conn.exec_driver_sql(f"DELETE FROM temp.{MATCHES}")
    sql = f"INSERT INTO temp.{MATCHES} (id) SELECT rowid FROM {SEARCH_TABLE} WHERE {inner}"
    conn.exec_driver_sql(_positional(sql), _values(sql, params))
    # A report number finds its report: the organisation-wide one, or the provisional
    # number this workstation gave it before (the number on a note or in an e-mail).
    numbers = sorted({t.upper() for t in search_terms(query.filter.text) if _NUMBER.match(t)})
    if numbers:
        marks = ", ".join("?" for _ in numbers)
        conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO temp.{MATCHES} (id) SELECT rowid FROM incidents "
            f"WHERE reference IN ({marks}) OR provisional_reference IN ({marks})",
            (*numbers, *numbers),
        )
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM temp.{MATCHES}").scalar_one())


def _narrow_count(f: LogFilter) -> bool:
    """Only severity and status narrow: their own small index can count them. With any
    other filter, the wide index that holds every filter column counts (an index on one
    column would send SQLite to the reports themselves for the rest)."""
    return replace(f, severities=frozenset(), statuses=frozenset()) == LogFilter()


def _text_only(query: LogQuery) -> bool:
    """Only a search narrows the query: its matches are the count."""
    terms = search_terms(query.filter.text)
    return (
        query.include_team_lead_only
        and bool(terms)
        and replace(query.filter, text="") == LogFilter()
    )


class LogQueries:
    """Reads of the log over one local database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _connect(self, query: LogQuery) -> Any:
        """A read connection for ``query``; a search first has the search entries of
        reports saved a moment ago made (store/search_index.py)."""
        if search_terms(query.filter.text):
            search_index.catch_up(self._db)
        return self._db.engine.connect()

    def _many(self, conn: Any, query: LogQuery, now: datetime, found: int | None) -> frozenset[str]:
        """Which subquery filters match more reports than are worth looking up one by one
        (``found``: the search's matches; the plan only changes speed, never the answer)."""
        many = set()
        if found is not None and found > DRIVE_LIMIT:
            many.add("search")
        if query.filter.overdue:
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM followup_tasks WHERE done_at IS NULL AND due < ?",
                (utc_text(now),),
            ).scalar_one()
            if found > DRIVE_LIMIT:
                many.add("overdue")
        return frozenset(many)

    def first_page(self, query: LogQuery, now: datetime, limit: int) -> tuple[list[LogRow], int]:
        """The first ``limit`` rows and how many match in all: one connection, one plan,
        and a search asked of the index once (its matches kept in a temporary table that
        both the page and the count read)."""
        with self._connect(query) as conn:
            found = _collect_matches(conn, query)
            many = self._many(conn, query, now, found)
            rows = self._page(conn, query, now, limit, 0, many, found is not None)
            if len(rows) < limit:
                total = len(rows)  # the first page holds every match: nothing left to count
            elif found is not None and _text_only(query):
                total = found  # one index row per report
            else:
                total = self._count(conn, query, now, many, found is not None)
        return rows, total

    def page(
        self,
        query: LogQuery,
        now: datetime,
        limit: int,
        offset: int = 0,
    ) -> list[LogRow]:
        """``limit`` rows from ``offset`` in the query's order, with their follow-up state."""
        with self._connect(query) as conn:
            found = _collect_matches(conn, query)
            many = self._many(conn, query, now, found)
            return self._page(conn, query, now, limit, offset, many, found is not None)

    def count(self, query: LogQuery, now: datetime) -> int:
        with self._connect(query) as conn:
            found = _collect_matches(conn, query)
            if found is not None and _text_only(query):
                return found
            many = self._many(conn, query, now, found)
            return self._count(conn, query, now, many, found is not None)

    def _page(
        self,
        conn: Any,
        query: LogQuery,
        now: datetime,
        limit: int,
        offset: int,
        many: frozenset[str],
        matched: bool,
    ) -> list[LogRow]:
        where, params = _where(query, now, many, matched)
        direction = "DESC" if query.descending else "ASC"
        order = f"{_SORT_SQL[query.sort]} {direction}, id {direction}"
        sql = (
            "SELECT id, reference, occurred_at, categories, severity, location, status, "
            f"assignee_name, site_name, substr(description, 1, {EXCERPT + 1}) AS head, "
            "alarm_id IS NOT NULL AS has_alarm "
            f"FROM incidents{where} ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
        params.update(limit=int(limit), offset=int(offset))
        raw = conn.exec_driver_sql(_positional(sql), _values(sql, params)).all()
        states = _followup_states(conn, [r[0] for r in raw], now)
        return [_row(r, states.get(r[0], FollowUpState())) for r in raw]

    def _count(
        self, conn: Any, query: LogQuery, now: datetime, many: frozenset[str], matched: bool
    ) -> int:
        where, params = _where(query, now, many, matched, counting=True)
        sql = f"SELECT count(*) FROM incidents{where}"
        return int(conn.exec_driver_sql(_positional(sql), _values(sql, params)).scalar_one())

    def export(
        self, query: LogQuery, now: datetime, restricted: bool, batch: int = 1000
    ) -> Iterator[ExportRow]:
        """Every row under ``query`` in its order, streamed ``batch`` rows at a time (never
        the whole log in memory), with the columns a spreadsheet wants; the perpetrator
        fields only when ``restricted`` (the reader may read them), else empty."""
        with self._connect(query) as conn:
            found = _collect_matches(conn, query)
            many = self._many(conn, query, now, found)
            where, params = _where(query, now, many, found is not None)
            direction = "DESC" if query.descending else "ASC"
            order = f"{_SORT_SQL[query.sort]} {direction}, id {direction}"
            secret = "perpetrator_description, perpetrator_reference" if restricted else "'', ''"
            sql = (
                "SELECT reference, provisional_reference, occurred_at, categories, severity, "
                "location, channel, status, site_name, assignee_name, description, "
                f"injury, damage, police_called, police_report_intended, {secret}, "
                "alarm_id IS NOT NULL, "
                "(SELECT count(*) FROM followup_tasks t WHERE t.incident_id = incidents.id "
                "AND t.done_at IS NULL), "
                "(SELECT count(*) FROM followup_tasks t WHERE t.incident_id = incidents.id "
                "AND t.done_at IS NULL AND t.due < :now), "
                "(SELECT count(*) FROM followup_tasks t WHERE t.incident_id = incidents.id "
                "AND t.done_at IS NOT NULL) "
                f"FROM incidents{where} ORDER BY {order}"
            )
            params["now"] = utc_text(now)
            result = conn.exec_driver_sql(_positional(sql), _values(sql, params))
            while chunk := result.fetchmany(batch):
                for raw in chunk:
                    yield _export_row(raw)

    def total(self, include_team_lead_only: bool = True) -> int:
        """Every report the reader may see, unfiltered (the "of N" in the count line)."""
        sql = "SELECT count(*) FROM incidents"
        if not include_team_lead_only:
            sql += " WHERE team_lead_only = 0"
        with self._db.engine.connect() as conn:
            return int(conn.exec_driver_sql(sql).scalar_one())

    def locations(self) -> list[str]:
        return self._distinct("location")

    def sites(self) -> list[str]:
        return self._distinct("site_name")

    def _distinct(self, column: str) -> list[str]:
        sql = f"SELECT DISTINCT {column} FROM incidents WHERE {column} IS NOT NULL ORDER BY 1"
        with self._db.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql(sql).all() if r[0]]


_PARAM = re.compile(r":([a-z]+[0-9]*)\b")


def _positional(sql: str) -> str:
    """Named ``:name`` parameters as qmark placeholders (the driver's fastest form)."""
    return _PARAM.sub("?", sql)


def _values(sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(params[name] for name in _PARAM.findall(sql))


def _followup_states(conn: Any, ids: Sequence[str], now: datetime) -> dict[str, FollowUpState]:
    states: dict[str, FollowUpState] = {}
    stamp = utc_text(now)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = conn.exec_driver_sql(
            "SELECT incident_id, "
            "sum(done_at IS NULL), sum(done_at IS NULL AND due < ?), sum(done_at IS NOT NULL) "
            f"FROM followup_tasks WHERE incident_id IN ({marks}) GROUP BY incident_id",
            (stamp, *chunk),
        ).all()
        for incident_id, open_, overdue, done in rows:
            states[incident_id] = FollowUpState(int(open_), int(overdue), int(done))
    return states


def _row(raw: Any, followup: FollowUpState) -> LogRow:
    (incident_id, reference, occurred, categories, severity, location, status) = raw[:7]
    assignee, site, head, has_alarm = raw[7:]
    return LogRow(
        id=uuid.UUID(incident_id),
        reference=reference or "",
        occurred_at=datetime.fromisoformat(occurred),
        categories=frozenset(Category(c) for c in json.loads(categories)),
        severity=Severity(severity),
        location=location,
        status=IncidentStatus(status),
        assignee_name=assignee or "",
        site_name=site or "",
        excerpt=excerpt(head, EXCERPT, cut=len(head) > EXCERPT),
        has_alarm=bool(has_alarm),
        followup=followup,
    )


# --- the Overzicht: aggregates over a period -----------------------------------------------


@dataclass(frozen=True)
class OverviewCounts:
    total: int
    per_month: list[int]  # one per pair of edges
    per_category: dict[str, int]
    per_location: list[tuple[str, int]]  # most first
    per_severity: dict[str, int]
    #: kind -> (done on time, late or still open past due, open and not yet due)
    tasks: dict[str, tuple[int, int, int]]
    #: (resolved without a report, cancelled), neither followed up yet
    alarms: tuple[int, int]
    #: Real (not test) alarms raised in the period: seconds from the press to the first
    #: "Ik kom eraan", None for an alarm nobody answered (from this workstation's alarm log).
    responses: list[float | None] = field(default_factory=list)


def overview_counts(
    db: Database, edges: Sequence[str], site: str | None, now: str, kinds: Sequence[str]
) -> OverviewCounts:
    """Counts of the reports that happened between ``edges[0]`` and ``edges[-1]`` (stored
    UTC text; each pair of edges is one month), optionally of one site. Names are never
    read."""
    where = "occurred_at >= ? AND occurred_at < ?"
    params: list[Any] = [edges[0], edges[-1]]
    if site is not None:
        where += " AND +site_name = ?"
        params.append(site)
    pairs = list(zip(edges, edges[1:], strict=False))
    months = ", ".join("sum(occurred_at >= ? AND occurred_at < ?)" for _ in pairs)
    categories = [c.value for c in Category]
    arms = ", ".join("sum(categories LIKE ?)" for _ in categories)
    with db.engine.connect() as conn:

        def rows(sql: str, *extra: Any) -> list[Any]:
            return list(conn.exec_driver_sql(sql, (*extra, *params)).all())

        first = rows(
            f"SELECT count(*), {months}, {arms} FROM incidents WHERE {where}",
            *[edge for pair in pairs for edge in pair],
            *[f'%"{c}"%' for c in categories],
        )[0]
        locations = rows(
            f"SELECT location, count(*) FROM incidents WHERE {where} "
            "GROUP BY location ORDER BY 2 DESC, 1"
        )
        severities = rows(f"SELECT severity, count(*) FROM incidents WHERE {where} GROUP BY 1")
        marks = ", ".join("?" for _ in kinds)
        tasks = rows(
            "SELECT t.kind, sum(t.done_at IS NOT NULL AND t.done_at <= t.due), "
            "sum((t.done_at IS NOT NULL AND t.done_at > t.due) "
            "OR (t.done_at IS NULL AND t.due < ?)), "
            "sum(t.done_at IS NULL AND t.due >= ?) "
            "FROM followup_tasks t JOIN incidents ON incidents.id = t.incident_id "
            f"WHERE t.kind IN ({marks}) AND {where} GROUP BY t.kind",
            now,
            now,
            *kinds,
        )
        alarms = conn.exec_driver_sql(
            "SELECT sum(state != 'cancelled'), sum(state = 'cancelled') FROM alarm_followups "
            "WHERE handled_at IS NULL AND incident_id IS NULL "
            "AND raised_at >= ? AND raised_at < ?",
            (edges[0], edges[-1]),
        ).one()
        answered = conn.exec_driver_sql(
            "SELECT a.raised_at, (SELECT min(e.at) FROM alarm_events e "
            "WHERE e.alarm_id = a.id AND e.kind = 'acknowledged') "
            "FROM alarms a WHERE a.test = 0 AND a.raised_at >= ? AND a.raised_at < ?",
            (edges[0], edges[-1]),
        ).all()
    offset = 1 + len(pairs)
    return OverviewCounts(
        total=int(first[0] or 0),
        per_month=[int(first[1 + i] or 0) for i in range(len(pairs))],
        per_category={c: int(first[offset + i] or 0) for i, c in enumerate(categories)},
        per_location=[(str(name), int(n)) for name, n in locations],
        per_severity={str(s): int(n) for s, n in severities},
        tasks={str(k): (int(a or 0), int(b or 0), int(c or 0)) for k, a, b, c in tasks},
        alarms=(int(alarms[0] or 0), int(alarms[1] or 0)),
        responses=[_seconds_between(raised, first) for raised, first in answered],
    )


def _seconds_between(start: str, end: str | None) -> float | None:
    if end is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
