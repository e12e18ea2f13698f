"""Realistic Dutch reports for the Logboek: the bench's 100,000 and the screenshots' 40.

Reports arrive the way a team lead's workstation gets them, through the store's pull path
(``PulledData.apply`` with ``IncidentRow`` and ``PulledEvent``, in pages); follow-up tasks
are written as the task fold leaves them (``core.followup.apply_task_event``), one row per
task in ``followup_tasks``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, delete, insert, type_coerce

from tests.support.pulled import pulled_event
from veiligbalie.core.followup import apply_task_event, task_id_for
from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import Category, FollowUpKind, IncidentStatus, Severity
from veiligbalie.store.database import Database
from veiligbalie.store.pulled import (
    SERVER,
    EventRow,
    IncidentRow,
    PulledData,
    PulledEvent,
    incident_row,
)
from veiligbalie.store.schema import followup_tasks
from veiligbalie.store.types import dumps, utc_text

SITES = ("Stadhuis", "Stadswinkel Noord", "Sociaal Domein")
LOCATIONS = (
    "Publiekshal, balie 1",
    "Publiekshal, balie 2",
    "Publiekshal, balie 3",
    "Spreekkamer 1",
    "Spreekkamer 2",
    "Telefoonteam",
    "Ingang",
    "Parkeerplaats",
    "Wachtruimte",
    "Huisbezoek",
)
OPENINGS = (
    "Bezoeker werd boos over de wachttijd",
    "Klant was het niet eens met de beslissing over de uitkering",
    "Man eiste direct een nieuw paspoort",
    "Vrouw kreeg geen afspraak voor vandaag",
    "Inwoner belde over de afgewezen vergunning",
    "Bezoeker wilde zonder afspraak naar de wethouder",
    "Klant kwam terug over de naheffing parkeerbelasting",
    "Jongeman weigerde zijn identiteitsbewijs te laten zien",
    "Bezoekster reageerde op een brief over terugvordering",
    "Twee bezoekers kregen ruzie in de wachtrij",
)
ACTS = (
    "schreeuwde en sloeg met de vuist op de balie",
    "maakte de collega uit voor rotte vis en dreigde terug te komen",
    "gooide een stoel om in de wachtruimte",
    "dreigde de collega op te wachten na het werk",
    "maakte seksueel getinte opmerkingen",
    "filmde de medewerker en zei het filmpje online te zetten",
    "noemde het woonadres van de medewerker",
    "duwde de beveiliger opzij",
    "spuugde naar de medewerker",
    "bleef na sluitingstijd in de hal staan en weigerde te vertrekken",
)
ENDINGS = (
    "Collega kwam erbij, de bezoeker vertrok daarna.",
    "De beveiliging heeft de man naar buiten begeleid.",
    "De politie is gebeld en kwam binnen tien minuten.",
    "Na een kort gesprek met de teamleider werd het rustig.",
    "De medewerker is even van de balie gegaan om bij te komen.",
    "De bezoeker kreeg een time-out en mocht later terugkomen.",
)
NOTES = (
    "Collega heeft later nog gebeld: het gaat goed, wil wel een nazorggesprek.",
    "Camerabeelden zijn veiliggesteld door de beveiliging.",
    "Bezoeker is vaker geweest, zie eerdere melding van vorige maand.",
    "Getuige Fatima heeft haar verklaring op papier gezet.",
    "Schade aan de balie: glasplaat gebarsten, offerte aangevraagd.",
    "Aangifte besproken met de wijkagent, volgt deze week.",
    "Medewerker was een dag ziek thuis na het voorval.",
    "Waarschuwingsbrief is verstuurd namens de gemeente.",
)
CATEGORIES = list(Category)
SEVERITY_WEIGHTS = (
    (Severity.LOW, 30),
    (Severity.MEDIUM, 45),
    (Severity.HIGH, 20),
    (Severity.CRITICAL, 5),
)
STATUS_WEIGHTS = (
    (IncidentStatus.SENT, 20),
    (IncidentStatus.RECEIVED, 20),
    (IncidentStatus.IN_PROGRESS, 25),
    (IncidentStatus.CLOSED, 35),
)
TASK_KINDS = (
    (FollowUpKind.PERPETRATOR_RESPONSE, timedelta(hours=24)),
    (FollowUpKind.POLICE_REPORT, timedelta(days=2)),
    (FollowUpKind.AFTERCARE_TALK, timedelta(hours=72)),
)
REPORTERS = (
    "Sanne de Vries",
    "Ahmed Yilmaz",
    "Fatima el Amrani",
    "Joris Smit",
    "Lotte Bakker",
    "Mohamed Bouzid",
    "Eva Visser",
    "Daan Mulder",
    "Priya Ramdin",
    "Kees van Dijk",
    "Noor Hendriks",
    "Tim de Boer",
)
TEAM_LEADS = (
    (uuid.UUID("00000000-0000-4000-8000-00000000e151"), "Els de Vries"),
    (uuid.UUID("00000000-0000-4000-8000-0000000000b2"), "Bram Jansen"),
)


def _pick(rng: random.Random, weights: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def reports(
    count: int, now: datetime, seed: int = 7, span_days: int = 3 * 365, first_number: int = 1
) -> Iterator[tuple[IncidentRow, list[PulledEvent], list[dict[str, Any]]]]:
    """``count`` reports spread over ``span_days`` before ``now``, each with its notes and
    the rows of its follow-up tasks; deterministic for a seed."""
    rng = random.Random(seed)
    stamp = utc_text(now)
    for i in range(count):
        incident_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        occurred = now - timedelta(minutes=rng.randrange(span_days * 24 * 60))
        categories = sorted({rng.choice(CATEGORIES).value for _ in range(rng.randint(1, 2))})
        description = f"{rng.choice(OPENINGS)} en {rng.choice(ACTS)}. {rng.choice(ENDINGS)}" + (
            f" Melding {i + 1}." if rng.random() < 0.3 else ""
        )
        age = now - occurred
        # Older reports are mostly handled: closed, their follow-up done.
        fresh = age < timedelta(days=90) or rng.random() < 0.1
        status = _pick(rng, STATUS_WEIGHTS) if fresh else IncidentStatus.CLOSED
        assignee = rng.choice(TEAM_LEADS) if status is not IncidentStatus.SENT else None
        row = IncidentRow(
            id=str(incident_id),
            reference=f"VB-{occurred.year}-{i + first_number:06d}",
            occurred_at=utc_text(occurred),
            location=rng.choice(LOCATIONS),
            channel="counter",
            categories=dumps(categories),
            severity=_pick(rng, SEVERITY_WEIGHTS).value,
            description=description,
            reporter=rng.choice(REPORTERS),
            on_behalf_of=None,
            perpetrator_known=False,
            perpetrator_description="",
            perpetrator_reference="",
            witnesses=dumps([]),
            injury=rng.random() < 0.05,
            damage=rng.random() < 0.1,
            damage_amount_cents=None,
            absence=False,
            police_called=rng.random() < 0.1,
            arrest=False,
            police_report_intended=rng.random() < 0.2,
            aftercare_wanted=rng.random() < 0.5,
            team_lead_only=rng.random() < 0.05,
            alarm_id=str(uuid.UUID(int=rng.getrandbits(128), version=4))
            if rng.random() < 0.15
            else None,
            status=status.value,
            revision=1,
            unread=False,
            origin=SERVER,
            created_at=utc_text(occurred + timedelta(minutes=5)),
            updated_at=stamp,
            provisional_reference=None,
            assignee_user_id=str(assignee[0]) if assignee else None,
            assignee_name=assignee[1] if assignee else None,
            site_name=rng.choice(SITES),
        )
        notes = [
            PulledEvent(
                EventRow(
                    id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    incident_id=str(incident_id),
                    kind=TimelineKind.NOTE.value,
                    author=row["reporter"],
                    text=rng.choice(NOTES),
                    data="{}",
                    created_at=utc_text(occurred + timedelta(hours=n + 1)),
                    origin=SERVER,
                )
            )
            for n in range(rng.choice((0, 0, 1, 1, 2)))
        ]
        tasks = []
        for kind, within in TASK_KINDS:
            if rng.random() < 0.4:
                continue
            due = occurred + within
            done_at = None
            recent = age < timedelta(days=60)
            if status is IncidentStatus.CLOSED or rng.random() < (0.6 if recent else 0.97):
                done_at = occurred + within * rng.uniform(0.2, 1.4)
                done_at = min(done_at, now)
            tasks.append(task_row(incident_id, kind, due, done_at, now))
        yield row, notes, tasks


def task_row(
    incident_id: uuid.UUID,
    kind: FollowUpKind,
    due: datetime,
    done_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """The ``followup_tasks`` row the fold leaves after "planned" (and "done")."""
    state = apply_task_event(
        None,
        incident_id,
        {"kind": kind.value, "action": "planned", "due": due.isoformat(), "reason": "always"},
    )
    if done_at is not None:
        state = apply_task_event(
            state,
            incident_id,
            {"kind": kind.value, "action": "done", "done_at": done_at.isoformat()},
            "Gedaan",
        )
    assert state is not None
    return {
        "id": task_id_for(incident_id, kind),
        "incident_id": incident_id,
        "kind": state.kind.value,
        "reason": state.reason,
        "due": state.due,
        "due_from": state.due_from,
        "done_at": state.done_at,
        "note": state.note,
        "assignee_user_id": state.assignee_user_id,
        "assignee_name": state.assignee_name or None,
        "details": dict(state.details),
        "context": None,
        "updated_at": now,
    }


def clear_tasks(db: Database) -> None:
    """No follow-up task at all (saving or pulling a report plans its default tasks): a
    data set that chooses every task itself starts here."""
    with db.write() as session:
        session.execute(delete(followup_tasks))


def write_tasks(db: Database, rows: Sequence[dict[str, Any]], reports: Sequence[str] = ()) -> None:
    """The tasks of these reports (those of ``rows``, and ``reports``: ids) become exactly
    ``rows`` (saving or pulling a report plans its default tasks; the data set chooses)."""
    if rows or reports:
        incident_ids = sorted({str(row["incident_id"]) for row in rows} | set(reports))
        with db.write() as session:
            for start in range(0, len(incident_ids), 500):
                chunk = incident_ids[start : start + 500]
                session.execute(
                    delete(followup_tasks).where(
                        type_coerce(followup_tasks.c.incident_id, String).in_(chunk)
                    )
                )
            if rows:
                session.execute(insert(followup_tasks), list(rows))


def fill(
    db: Database,
    count: int,
    now: datetime | None = None,
    seed: int = 7,
    page: int = 2000,
    span_days: int = 3 * 365,
    first_number: int = 1,
) -> None:
    """``count`` reports into ``db`` in pulled pages of ``page``, numbered from
    ``first_number``."""
    now = now or datetime.now(UTC)
    pulled = PulledData(db)
    batch_rows: list[IncidentRow] = []
    batch_notes: list[PulledEvent] = []
    batch_tasks: list[dict[str, Any]] = []
    for row, notes, tasks in reports(count, now, seed, span_days, first_number):
        batch_rows.append(row)
        batch_notes.extend(notes)
        batch_tasks.extend(tasks)
        if len(batch_rows) >= page:
            pulled.apply(batch_rows, batch_notes)
            write_tasks(db, batch_tasks, [r["id"] for r in batch_rows])
            batch_rows, batch_notes, batch_tasks = [], [], []
    if batch_rows:
        pulled.apply(batch_rows, batch_notes)
        write_tasks(db, batch_tasks, [r["id"] for r in batch_rows])


def pull(
    db: Database,
    incident: Incident,
    *,
    status: IncidentStatus = IncidentStatus.SENT,
    site: str | None = None,
    assignee: tuple[uuid.UUID, str] | None = None,
    notes: Sequence[str] = (),
) -> uuid.UUID:
    """One report as the server sends it (``site`` and ``assignee`` as the pulled row
    carries them), with its notes as pulled timeline events."""
    now = datetime.now(UTC)
    report = {**incident_to_dict(incident), "status": status.value, "revision": 1}
    if site is not None:
        report["site_name"] = site
    row = incident_row(report, now, utc_text(now))
    if assignee is not None:
        row["assignee_user_id"] = str(assignee[0])
        row["assignee_name"] = assignee[1]
    events = [pulled_event(incident.id, TimelineKind.NOTE, text) for text in notes]
    PulledData(db).apply([row], events)
    return incident.id
