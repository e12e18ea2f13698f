"""The Logboek's query over the local store: every filter, the search over descriptions and
notes (kept in step by triggers), sort, paging and count, and the Overzicht's figures."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.support.log_data import clear_tasks, pull, task_row, write_tasks
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, FollowUpKind, IncidentStatus, Severity
from veiligbalie.services.overview import OverviewService, Period, PeriodKind
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.log_query import LogFilter, LogQueries, LogQuery, SortKey, search_terms
from veiligbalie.store.schema import alarm_followups

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ELS = (uuid.UUID("00000000-0000-4000-8000-00000000e151"), "Els de Vries")


def report(description: str, days_ago: float = 1, **changes: Any) -> Incident:
    values: dict[str, Any] = {
        "description": description,
        "categories": frozenset({Category.VERBAL_AGGRESSION}),
        "occurred_at": NOW - timedelta(days=days_ago),
        "location": "Publiekshal, balie 2",
        "reporter": "anna",
        "severity": Severity.MEDIUM,
    }
    values.update(changes)
    return Incident(**values)


@pytest.fixture
def log(db: Database) -> dict[str, uuid.UUID]:
    """Six reports with known facts; names are their role in the tests."""
    ids = {
        "shout": pull(
            db,
            report(
                "Bezoeker schreeuwde bij de balie over de wachttijd.", 1, severity=Severity.HIGH
            ),
            status=IncidentStatus.IN_PROGRESS,
            site="Stadhuis",
            assignee=ELS,
            notes=["Camerabeelden zijn veiliggesteld."],
        ),
        "threat": pull(
            db,
            report(
                "Beller dreigde de medewerker op te wachten na het werk.",
                3,
                categories=frozenset({Category.THREAT, Category.ONLINE_ABUSE}),
                location="Telefoonteam",
                severity=Severity.CRITICAL,
                alarm_id=uuid.uuid4(),
            ),
            status=IncidentStatus.RECEIVED,
            site="Stadswinkel Noord",
        ),
        "doxing": pull(
            db,
            report(
                "Man noemde het woonadres van de collega en lachte.",
                40,
                categories=frozenset({Category.DOXING}),
                location="Spreekkamer 1",
                severity=Severity.LOW,
            ),
            status=IncidentStatus.CLOSED,
            site="Stadhuis",
        ),
        "private": pull(
            db,
            report(
                "Collega werd seksueel geïntimideerd door een vaste bezoeker.",
                2,
                categories=frozenset({Category.INTIMIDATION}),
                team_lead_only=True,
            ),
            status=IncidentStatus.SENT,
            site="Stadhuis",
        ),
        "ground": pull(
            db,
            report(
                "Stoel omgegooid in de wachtruimte.",
                5,
                categories=frozenset({Category.PROPERTY_DAMAGE}),
                location="Wachtruimte",
            ),
            status=IncidentStatus.SENT,
            site="Sociaal Domein",
        ),
    }
    saved = IncidentRepository(db).save_new(
        report("Klant was boos over de afgewezen vergunning, ÉÉN keer geduwd.", 0.5)
    )
    ids["local"] = saved.id
    clear_tasks(db)
    write_tasks(
        db,
        [
            # Overdue: an aftercare talk that was due yesterday, still open.
            task_row(ids["shout"], FollowUpKind.AFTERCARE_TALK, NOW - timedelta(days=1), None, NOW),
            # Done on time, and one due tomorrow (open, not late).
            task_row(
                ids["threat"],
                FollowUpKind.PERPETRATOR_RESPONSE,
                NOW - timedelta(days=2),
                NOW - timedelta(days=2, hours=3),
                NOW,
            ),
            task_row(ids["threat"], FollowUpKind.POLICE_REPORT, NOW + timedelta(days=1), None, NOW),
            # Done late.
            task_row(
                ids["doxing"],
                FollowUpKind.AFTERCARE_TALK,
                NOW - timedelta(days=37),
                NOW - timedelta(days=30),
                NOW,
            ),
        ],
    )
    return ids


def found(db: Database, f: LogFilter = LogFilter(), **query: Any) -> list[uuid.UUID]:  # noqa: B008
    q = LogQuery(filter=f, **query)
    rows, count = LogQueries(db).first_page(q, NOW, 100)
    assert count == len(rows) == LogQueries(db).count(q, NOW)
    return [row.id for row in rows]


def test_everything_newest_first(db: Database, log: dict[str, uuid.UUID]) -> None:
    assert found(db) == [
        log["local"],
        log["shout"],
        log["private"],
        log["threat"],
        log["ground"],
        log["doxing"],
    ]


def test_team_lead_only_reports_are_left_out_for_other_readers(
    db: Database, log: dict[str, uuid.UUID]
) -> None:
    assert log["private"] not in found(db, include_team_lead_only=False)
    assert LogQueries(db).total(include_team_lead_only=False) == 5
    assert LogQueries(db).total() == 6


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (LogFilter(since=NOW - timedelta(days=2.5)), {"local", "shout", "private"}),
        (LogFilter(until=NOW - timedelta(days=4)), {"ground", "doxing"}),
        (LogFilter(site="Stadhuis"), {"shout", "doxing", "private"}),
        (LogFilter(location="Telefoonteam"), {"threat"}),
        (LogFilter(categories=frozenset({Category.ONLINE_ABUSE})), {"threat"}),
        (
            LogFilter(categories=frozenset({Category.DOXING, Category.PROPERTY_DAMAGE})),
            {"doxing", "ground"},
        ),
        (LogFilter(severities=frozenset({Severity.HIGH, Severity.CRITICAL})), {"shout", "threat"}),
        (LogFilter(statuses=frozenset({IncidentStatus.SENT})), {"private", "ground"}),
        (LogFilter(overdue=True), {"shout"}),
        (LogFilter(alarm=True), {"threat"}),
        (LogFilter(alarm=False), {"local", "shout", "private", "ground", "doxing"}),
        (LogFilter(assignee_user_id=ELS[0]), {"shout"}),
        (LogFilter(site="Stadhuis", severities=frozenset({Severity.LOW})), {"doxing"}),
    ],
)
def test_each_filter_narrows(
    db: Database, log: dict[str, uuid.UUID], f: LogFilter, expected: set[str]
) -> None:
    assert set(found(db, f)) == {log[name] for name in expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schreeuwde", {"shout"}),
        ("SCHREEUW", {"shout"}),  # case does not matter
        ("camerabeelden", {"shout"}),  # a note, not the description
        ("geïntimideerd", {"private"}),  # Dutch letters
        ("één keer", {"local"}),  # Unicode case folding, two terms
        ("bezoeker", {"shout", "private"}),
        ("bezoeker wachttijd", {"shout"}),  # every term must be in the report
        ('"op te wachten"', {"threat"}),  # a phrase
        ("balie wa", {"shout"}),  # a short term narrows the long one's matches
        ("fiets", set()),
    ],
)
def test_search_over_descriptions_and_notes(
    db: Database, log: dict[str, uuid.UUID], text: str, expected: set[str]
) -> None:
    assert set(found(db, LogFilter(text=text))) == {log[name] for name in expected}


def test_a_report_number_finds_its_report_also_the_provisional_one(
    db: Database, log: dict[str, uuid.UUID]
) -> None:
    repo = IncidentRepository(db)
    local = repo.get(log["local"])
    assert local is not None and local.reference
    provisional = local.reference
    assert set(found(db, LogFilter(text=provisional.lower()))) == {log["local"]}
    # The server gave it the organisation-wide number: both numbers find it.
    repo.adopt_references({log["local"]: "VB-2026-004711"})
    assert set(found(db, LogFilter(text="VB-2026-004711"))) == {log["local"]}
    assert set(found(db, LogFilter(text=provisional))) == {log["local"]}
    assert found(db, LogFilter(text="VB-2026-999999")) == []


def test_search_plans_agree(db: Database, log: dict[str, uuid.UUID], monkeypatch) -> None:
    """Many matches are probed in date order, few are looked up: the answer is the same."""
    from veiligbalie.store import log_query

    f = LogFilter(text="de", site="Stadhuis")
    few = found(db, LogFilter(text="bezoeker"))
    monkeypatch.setattr(log_query, "DRIVE_LIMIT", 0)
    assert found(db, LogFilter(text="bezoeker")) == few
    assert found(db, LogFilter(overdue=True)) == [log["shout"]]
    assert found(db, f) == found(db, LogFilter(site="Stadhuis"))  # "de" alone: no search


def test_only_short_terms_do_not_search() -> None:
    assert search_terms("ab c") == []
    assert search_terms('bal "op te" x') == ["bal", "op te", "x"]


def test_a_note_added_later_and_a_forgotten_report_follow_the_index(
    db: Database, log: dict[str, uuid.UUID]
) -> None:
    repo = IncidentRepository(db)
    repo.add_note(log["local"], "anna", "Later bleek de klant een mes bij zich te hebben.")
    assert found(db, LogFilter(text="mes bij zich")) == [log["local"]]
    assert found(db, LogFilter(text="vergunning")) == [log["local"]]  # the description too
    repo.forget_pulled()
    assert found(db, LogFilter(text="schreeuwde")) == []
    with db.engine.connect() as conn:  # nothing of the forgotten reports stays searchable
        left = conn.exec_driver_sql("SELECT count(*) FROM incident_search").scalar_one()
    assert left == 1


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_both_ways_with_a_stable_tie_break(
    db: Database, log: dict[str, uuid.UUID], key: SortKey, descending: bool
) -> None:
    ids = found(db, sort=key, descending=descending)
    assert sorted(ids) == sorted(log.values())
    reverse = found(db, sort=key, descending=not descending)
    assert ids == list(reversed(reverse))  # ties broken on id, the same way reversed


def test_sort_by_severity_and_follow_up(db: Database, log: dict[str, uuid.UUID]) -> None:
    by_severity = found(db, sort=SortKey.SEVERITY, descending=True)
    assert by_severity[0] == log["threat"] and by_severity[-1] == log["doxing"]
    urgent = found(db, sort=SortKey.FOLLOWUP, descending=False)
    assert urgent[:2] == [log["shout"], log["threat"]]  # earliest open deadline first


def test_paging_and_follow_up_state(db: Database, log: dict[str, uuid.UUID]) -> None:
    queries = LogQueries(db)
    q = LogQuery()
    pages = [queries.page(q, NOW, 2, offset) for offset in (0, 2, 4, 6)]
    assert [len(p) for p in pages] == [2, 2, 2, 0]
    assert [r.id for p in pages for r in p] == found(db)
    rows = {r.id: r for p in pages for r in p}
    assert (rows[log["shout"]].followup.open, rows[log["shout"]].followup.overdue) == (1, 1)
    threat = rows[log["threat"]].followup
    assert (threat.open, threat.overdue, threat.done) == (1, 0, 1)
    assert rows[log["shout"]].assignee_name == "Els de Vries"
    assert rows[log["shout"]].site_name == "Stadhuis"
    assert rows[log["threat"]].has_alarm


def test_overview_counts_a_small_known_set(db: Database, log: dict[str, uuid.UUID]) -> None:
    with db.write() as session:
        for state, handled in (("resolved", None), ("cancelled", None), ("resolved", NOW)):
            session.execute(
                alarm_followups.insert().values(
                    id=uuid.uuid4(),
                    station="balie-2",
                    location="Publiekshal",
                    raised_by="balie-2",
                    raised_at=NOW - timedelta(days=3),
                    state=state,
                    handled_at=handled,
                    updated_at=NOW,
                )
            )
    service = OverviewService(db, clock=lambda: NOW)
    month = service.overview(Period.containing(PeriodKind.MONTH, date(2026, 11, 1)))
    assert month.total == 5  # the doxing report happened in October
    assert month.per_month == [(date(2026, 11, 1), 5)]
    categories = dict(month.per_category)
    assert categories[Category.VERBAL_AGGRESSION] == 2
    assert categories[Category.THREAT] == categories[Category.ONLINE_ABUSE] == 1
    assert dict(month.per_severity) == {
        Severity.LOW: 0,
        Severity.MEDIUM: 3,
        Severity.HIGH: 1,
        Severity.CRITICAL: 1,
    }
    assert dict(month.per_location)["Publiekshal, balie 2"] == 3
    kept = {c.kind: c for c in month.compliance}
    assert (kept[FollowUpKind.AFTERCARE_TALK].on_time, kept[FollowUpKind.AFTERCARE_TALK].late) == (
        0,
        1,
    )
    assert kept[FollowUpKind.PERPETRATOR_RESPONSE].share == 1.0
    assert kept[FollowUpKind.POLICE_REPORT].pending == 1
    assert kept[FollowUpKind.POLICE_REPORT].share is None
    assert (month.alarms_without_report, month.alarms_cancelled) == (1, 1)

    year = service.overview(Period.containing(PeriodKind.YEAR, date(2026, 5, 5)), "Stadhuis")
    assert year.total == 3
    assert [n for _, n in year.per_month][9:11] == [1, 2]  # October, November
    late = {c.kind: c for c in year.compliance}[FollowUpKind.AFTERCARE_TALK]
    assert (late.on_time, late.late, late.share) == (0, 2, 0.0)
