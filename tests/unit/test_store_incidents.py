"""Incident reports in the local store: one-transaction save with reference number and
outbox change, listing, and the append-only timeline."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.pulled import pull_report, pulled_event
from veiligbalie.core.incident import Field, Incident, Problem
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import Category, Channel, IncidentStatus, Severity
from veiligbalie.store import incidents as incidents_module
from veiligbalie.store.attachments import AttachmentError, import_attachment
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import (
    IncidentExistsError,
    IncidentNotFoundError,
    IncidentRepository,
    IncidentValidationError,
)
from veiligbalie.store.outbox import Outbox
from veiligbalie.store.pulled import AppliedPage, FieldEdit, PulledData, PulledEvent


def make_incident(**changes: Any) -> Incident:
    values: dict[str, Any] = {
        "description": "Bezoeker schreeuwde en sloeg met de vuist op de balie.",
        "categories": frozenset({Category.VERBAL_AGGRESSION}),
        "occurred_at": datetime.now(UTC) - timedelta(minutes=10),
        "location": "Publiekshal, balie 2",
        "reporter": "anna",
    }
    values.update(changes)
    return Incident(**values)


@pytest.fixture
def repo(db: Database) -> IncidentRepository:
    return IncidentRepository(db)


def table_counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            name: session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("incidents", "outbox", "attachments", "incident_events")
        }


def meta_value(db: Database, key: str) -> str | None:
    with db.session() as session:
        return session.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()


def test_save_new_sets_reference_and_round_trips_every_field(repo: IncidentRepository) -> None:
    alarm = uuid.uuid4()
    incident = make_incident(
        channel=Channel.PHONE,
        severity=Severity.HIGH,
        categories=frozenset({Category.THREAT, Category.DOXING}),
        on_behalf_of="Bram",
        perpetrator_known=True,
        perpetrator_description="Man, ongeveer 40, rode jas",
        perpetrator_reference="klantnummer 123",
        witnesses=("Cor", "Dina"),
        injury=True,
        damage=True,
        damage_amount_cents=12_50,
        absence=True,
        police_called=True,
        arrest=True,
        police_report_intended=True,
        aftercare_wanted=True,
        team_lead_only=True,
        alarm_id=alarm,
    )
    saved = repo.save_new(incident)
    year = datetime.now(UTC).year
    assert saved.reference in (f"VB-{year}-000001", f"VB-{year + 1}-000001")
    assert saved.status is IncidentStatus.SAVED_LOCALLY
    loaded = repo.get(saved.id)
    assert loaded == saved
    assert loaded is not None
    assert loaded.occurred_at.tzinfo is not None
    assert loaded.occurred_at.utcoffset() == timedelta(0)
    assert repo.count() == 1


def test_references_count_up_per_year_in_amsterdam_time(
    repo: IncidentRepository, db: Database
) -> None:
    # 23:30 UTC on 31 December is already New Year in Amsterdam.
    late = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    first = repo.save_new(make_incident(created_at=late - timedelta(hours=2)))
    second = repo.save_new(make_incident(created_at=late))
    third = repo.save_new(make_incident(created_at=late + timedelta(hours=1)))
    assert first.reference == "VB-2025-000001"
    assert second.reference == "VB-2026-000001"
    assert third.reference == "VB-2026-000002"
    assert meta_value(db, "reference.2026") == "2"


def test_save_new_writes_the_outbox_change(repo: IncidentRepository, db: Database) -> None:
    saved = repo.save_new(make_incident())
    (item,) = Outbox(db).pending()
    assert item.kind == "incident.created"
    assert item.entity_id == saved.id
    assert item.device_seq == 1
    assert item.payload["reference"] == saved.reference
    assert item.payload["id"] == str(saved.id)
    assert item.payload["attachments"] == []


def test_validation_error_raises_value_error_and_writes_nothing(
    repo: IncidentRepository, db: Database
) -> None:
    with pytest.raises(ValueError) as caught:
        repo.save_new(make_incident(description="kort", location=" "))
    assert isinstance(caught.value, IncidentValidationError)
    problems = {(e.field, e.problem) for e in caught.value.errors}
    assert (Field.DESCRIPTION, Problem.TOO_SHORT) in problems
    assert (Field.LOCATION, Problem.REQUIRED) in problems
    assert table_counts(db) == {"incidents": 0, "outbox": 0, "attachments": 0, "incident_events": 0}
    assert meta_value(db, f"reference.{datetime.now(UTC).year}") is None


def test_failure_in_the_middle_rolls_back_everything(
    repo: IncidentRepository, db: Database
) -> None:
    repo.save_new(make_incident())
    year = datetime.now(UTC).year
    counter = meta_value(db, f"reference.{year}")
    # A real failure inside SQLite after the incident row went in: the outbox refuses.
    with db.write() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox "
                "BEGIN SELECT RAISE(ABORT, 'outbox refused for the test'); END"
            )
        )
    with pytest.raises(IntegrityError, match="outbox refused"):
        repo.save_new(make_incident())
    assert table_counts(db)["incidents"] == 1
    assert table_counts(db)["outbox"] == 1
    assert meta_value(db, f"reference.{year}") == counter


def test_payload_that_cannot_be_encoded_rolls_back_everything(
    repo: IncidentRepository, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = incidents_module.incident_to_dict

    def with_unencodable(incident: Incident) -> dict[str, object]:
        return {**real(incident), "broken": object()}

    monkeypatch.setattr(incidents_module, "incident_to_dict", with_unencodable)
    with pytest.raises(TypeError):
        repo.save_new(make_incident())
    assert table_counts(db) == {"incidents": 0, "outbox": 0, "attachments": 0, "incident_events": 0}
    assert meta_value(db, f"reference.{datetime.now(UTC).year}") is None


def test_saving_the_same_report_twice_is_refused(repo: IncidentRepository, db: Database) -> None:
    incident = make_incident()
    repo.save_new(incident)
    with pytest.raises(IncidentExistsError):
        repo.save_new(incident)
    assert table_counts(db)["incidents"] == 1
    assert table_counts(db)["outbox"] == 1


def test_naive_timestamps_are_refused(repo: IncidentRepository, db: Database) -> None:
    with pytest.raises(ValueError):
        repo.save_new(make_incident(occurred_at=datetime.now() - timedelta(minutes=5)))
    with pytest.raises(ValueError):
        repo.save_new(make_incident(created_at=datetime.now()))
    assert table_counts(db)["incidents"] == 0


def test_attachments_are_saved_with_the_report(
    repo: IncidentRepository, db: Database, tmp_path: Path
) -> None:
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg but bytes")
    mail = tmp_path / "dreigmail.eml"
    mail.write_text("Subject: je weet waar ik woon\n\n...", encoding="utf-8")
    infos = [import_attachment(photo), import_attachment(mail)]
    saved = repo.save_new(make_incident(), [*infos, infos[0]])  # the photo twice
    stored = repo.attachments(saved.id)
    assert [a.sha256 for a in stored] == [infos[0].sha256, infos[1].sha256]
    assert stored[0].stored_path == infos[0].stored_path
    assert stored[0].stored_path.read_bytes() == photo.read_bytes()
    (item,) = Outbox(db).pending()
    assert item.payload["attachments"] == [infos[0].to_dict(), infos[1].to_dict()]
    assert "stored_path" not in item.payload["attachments"][0]


def test_too_many_attachments_write_nothing(
    repo: IncidentRepository, db: Database, tmp_path: Path
) -> None:
    infos = []
    for i in range(11):
        source = tmp_path / f"scherm{i}.png"
        source.write_bytes(f"screenshot {i}".encode())
        infos.append(import_attachment(source))
    with pytest.raises(AttachmentError) as caught:
        repo.save_new(make_incident(), infos)
    assert caught.value.reason == "too_many"
    assert table_counts(db)["incidents"] == 0


def test_list_by_reporter_newest_first_with_excerpt(repo: IncidentRepository) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    long_text = "Bezoeker   werd\nboos " + "en bleef schreeuwen " * 20
    for i in range(3):
        repo.save_new(make_incident(created_at=start + timedelta(minutes=i), description=long_text))
    repo.save_new(make_incident(reporter="bram", created_at=start + timedelta(minutes=10)))

    mine = repo.list_by_reporter("anna")
    assert [s.created_at for s in mine] == [start + timedelta(minutes=m) for m in (2, 1, 0)]
    assert all(s.reference.startswith("VB-") for s in mine)
    excerpt = mine[0].description_excerpt
    assert 100 < len(excerpt) <= 120
    assert excerpt.endswith("…")
    assert excerpt.startswith("Bezoeker werd boos en bleef")
    assert "\n" not in excerpt
    assert mine[0].categories == frozenset({Category.VERBAL_AGGRESSION})
    assert mine[0].status is IncidentStatus.SAVED_LOCALLY
    assert mine[0].has_unread is False

    page = repo.list_by_reporter("anna", limit=2, offset=1)
    assert [s.id for s in page] == [s.id for s in mine[1:3]]
    assert [s.reference for s in repo.list_by_reporter("bram")] != []
    assert repo.list_by_reporter("nobody") == []


def test_short_description_excerpt_is_whole(repo: IncidentRepository) -> None:
    repo.save_new(make_incident(description="Scheldwoorden aan de telefoon."))
    (summary,) = repo.list_by_reporter("anna")
    assert summary.description_excerpt == "Scheldwoorden aan de telefoon."


def test_excerpt_marks_text_cut_after_much_whitespace(repo: IncidentRepository) -> None:
    description = "Begin" + " " * 400 + "einde van het verhaal"
    repo.save_new(make_incident(description=description))
    (summary,) = repo.list_by_reporter("anna")
    assert summary.description_excerpt == "Begin…"


def test_list_all_can_leave_out_team_lead_only(repo: IncidentRepository) -> None:
    repo.save_new(make_incident())
    secret = repo.save_new(make_incident(team_lead_only=True, reporter="bram"))
    assert {s.id for s in repo.list_all()} >= {secret.id}
    assert len(repo.list_all()) == 2
    assert secret.id not in {s.id for s in repo.list_all(include_team_lead_only=False)}
    assert len(repo.list_all(include_team_lead_only=False)) == 1
    assert repo.count() == 2


def test_add_note_appends_to_timeline_and_outbox(repo: IncidentRepository, db: Database) -> None:
    saved = repo.save_new(make_incident())
    first = repo.add_note(saved.id, "anna", "Hij kwam later terug met een vriend.")
    second = repo.add_note(saved.id, "anna", "Camera 3 heeft het opgenomen.")
    assert [e.id for e in repo.timeline(saved.id)] == [first.id, second.id]
    assert repo.timeline(saved.id)[0] == first
    assert first.kind == "note"
    assert first.origin == "local"
    items = Outbox(db).pending()
    assert [i.kind for i in items] == [
        "incident.created",
        "incident.note_added",
        "incident.note_added",
    ]
    assert [i.device_seq for i in items] == [1, 2, 3]
    assert items[1].payload == {
        "event_id": str(first.id),
        "author": "anna",
        "text": "Hij kwam later terug met een vriend.",
        "created_at": first.created_at.isoformat(),
    }


def test_add_note_refuses_bad_input_and_unknown_reports(
    repo: IncidentRepository, db: Database
) -> None:
    saved = repo.save_new(make_incident())
    with pytest.raises(ValueError):
        repo.add_note(saved.id, "anna", "   ")
    with pytest.raises(ValueError):
        repo.add_note(saved.id, "", "tekst")
    with pytest.raises(ValueError):
        repo.add_note(saved.id, "anna", "x" * 4001)
    with pytest.raises(IncidentNotFoundError):
        repo.add_note(uuid.uuid4(), "anna", "Bestaat niet")
    assert repo.timeline(saved.id) == []
    assert Outbox(db).count_pending() == 1


def test_timeline_is_append_only(repo: IncidentRepository, db: Database) -> None:
    saved = repo.save_new(make_incident())
    note = repo.add_note(saved.id, "anna", "Eerste versie")
    with pytest.raises(IntegrityError, match="append-only"), db.write() as session:
        session.execute(
            text("UPDATE incident_events SET text = 'herschreven' WHERE id = :id"),
            {"id": str(note.id)},
        )
    assert repo.timeline(saved.id)[0].text == "Eerste versie"


def test_set_status_only_moves_forward(repo: IncidentRepository, db: Database) -> None:
    saved = repo.save_new(make_incident())
    repo.set_status(saved.id, IncidentStatus.RECEIVED)
    assert repo.get(saved.id).status is IncidentStatus.RECEIVED  # type: ignore[union-attr]
    repo.set_status(saved.id, IncidentStatus.SENT)
    assert repo.get(saved.id).status is IncidentStatus.RECEIVED  # type: ignore[union-attr]
    repo.set_status(saved.id, IncidentStatus.CLOSED)
    assert repo.get(saved.id).status is IncidentStatus.CLOSED  # type: ignore[union-attr]
    with pytest.raises(IncidentNotFoundError):
        repo.set_status(uuid.uuid4(), IncidentStatus.SENT)
    assert Outbox(db).count_pending() == 1  # local bookkeeping, nothing to send


def _events(db: Database, *events: PulledEvent) -> AppliedPage:
    return PulledData(db).apply(events=events)


def test_pulled_event_is_applied_once(repo: IncidentRepository, db: Database) -> None:
    saved = repo.save_new(make_incident())
    message = pulled_event(saved.id, TimelineKind.MESSAGE, "Dank voor je melding, ik bel je.")
    assert _events(db, message).changed == {saved.id}
    assert _events(db, message).changed == set()  # a re-pull adds nothing
    (event,) = repo.timeline(saved.id)
    assert (str(event.id), event.kind, event.text) == (
        message.row["id"],
        "message",
        "Dank voor je melding, ik bel je.",
    )
    assert event.origin == "server"
    assert Outbox(db).count_pending() == 1  # nothing pulled goes back out
    (summary,) = repo.list_by_reporter("anna")
    assert summary.has_unread is True
    repo.mark_read(saved.id)
    assert repo.list_by_reporter("anna")[0].has_unread is False


@pytest.mark.parametrize(
    ("kind", "news"),
    [
        (TimelineKind.STATUS, True),
        (TimelineKind.MESSAGE, True),
        (TimelineKind.FOLLOWUP, True),
        (TimelineKind.NOTE, False),
        (TimelineKind.FIELD_EDITED, False),
    ],
)
def test_news_for_the_reporter_is_one_table(
    repo: IncidentRepository, db: Database, kind: TimelineKind, news: bool
) -> None:
    """What marks a report unread is core.timeline.NEWS_KINDS, whoever applies the event."""
    saved = repo.save_new(make_incident())
    data = {"status": "received"} if kind is TimelineKind.STATUS else {}
    _events(db, pulled_event(saved.id, kind, "x", data))
    assert repo.list_by_reporter("anna")[0].has_unread is news
    _events(db, pulled_event(saved.id, kind, "y", data, own=True))
    repo.mark_read(saved.id)
    _events(db, pulled_event(saved.id, kind, "z", data, own=True))
    assert repo.list_by_reporter("anna")[0].has_unread is False  # our own change is no news


def test_remote_status_event_moves_status_forward_only(
    repo: IncidentRepository, db: Database
) -> None:
    saved = repo.save_new(make_incident())

    def status_event(status: IncidentStatus) -> PulledEvent:
        return pulled_event(saved.id, TimelineKind.STATUS, data={"status": status.value})

    _events(db, status_event(IncidentStatus.IN_PROGRESS), status_event(IncidentStatus.RECEIVED))
    assert repo.get(saved.id).status is IncidentStatus.IN_PROGRESS  # type: ignore[union-attr]
    _events(db, status_event(IncidentStatus.RECEIVED))
    assert repo.get(saved.id).status is IncidentStatus.IN_PROGRESS  # type: ignore[union-attr]
    assert len(repo.timeline(saved.id)) == 3


def test_pulled_event_for_unknown_report_is_left_out(
    repo: IncidentRepository, db: Database
) -> None:
    applied = _events(db, pulled_event(uuid.uuid4(), TimelineKind.MESSAGE, "Hallo"))
    assert applied.skipped_events == 1 and applied.changed == set()
    with db.session() as session:
        assert session.execute(text("SELECT count(*) FROM incident_events")).scalar_one() == 0


def test_pulled_report_is_applied_once(repo: IncidentRepository, db: Database) -> None:
    theirs = make_incident(reporter="bram", reference="VB-2026-000001")
    mine = repo.save_new(make_incident())  # the same reference number on another device
    assert pull_report(db, theirs, revision=3).new_incidents == 1
    received = replace(theirs, status=IncidentStatus.RECEIVED, description="Anders verteld")
    again = pull_report(db, received, revision=4)
    assert again.new_incidents == 0 and again.changed == {theirs.id}
    assert repo.count() == 2
    stored = repo.get(theirs.id)
    assert stored is not None and stored.status is IncidentStatus.RECEIVED
    assert stored.description == theirs.description  # a report keeps its content
    assert repo.revision(theirs.id) == 4
    pull_report(db, theirs, revision=2)  # late news never moves back
    assert repo.get(theirs.id).status is IncidentStatus.RECEIVED  # type: ignore[union-attr]
    assert repo.revision(theirs.id) == 4
    assert repo.get(mine.id).reference == mine.reference  # type: ignore[union-attr]
    assert Outbox(db).count_pending() == 1


def test_pulled_field_edit_changes_the_report(repo: IncidentRepository, db: Database) -> None:
    saved = repo.save_new(make_incident())
    edit = pulled_event(saved.id, TimelineKind.FIELD_EDITED, revision=5)
    edit = PulledEvent(edit.row, edit.revision, edit=FieldEdit("witnesses", ["Ali", "Bo"], 5))
    _events(db, edit)
    stored = repo.get(saved.id)
    assert stored is not None and stored.witnesses == ("Ali", "Bo")
    assert repo.revision(saved.id) == 5


def test_pulled_page_moves_the_cursor_in_the_same_transaction(db: Database) -> None:
    PulledData(db).apply(cursor=41)
    assert meta_value(db, "sync.cursor") == "41"
    PulledData(db).apply(cursor=42)
    assert meta_value(db, "sync.cursor") == "42"


def test_advance_status_moves_many_reports_forward_only(repo: IncidentRepository) -> None:
    first = repo.save_new(make_incident())
    second = repo.save_new(make_incident())
    repo.set_status(second.id, IncidentStatus.RECEIVED)
    repo.advance_status([first.id, second.id], IncidentStatus.SENT)
    assert repo.get(first.id).status is IncidentStatus.SENT  # type: ignore[union-attr]
    assert repo.get(second.id).status is IncidentStatus.RECEIVED  # type: ignore[union-attr]


def test_forget_pulled_keeps_our_own_reports(tmp_path) -> None:
    """A team lead signs out: what was pulled for them goes, what was written here stays."""
    from datetime import UTC, datetime

    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category
    from veiligbalie.store.database import Database
    from veiligbalie.store.incidents import IncidentRepository

    pulled_db = Database.open(tmp_path / "f.sqlite3")
    repo = IncidentRepository(pulled_db)

    def report(text: str, **extra) -> Incident:
        return Incident(
            description=text,
            categories=frozenset({Category.THREAT}),
            occurred_at=datetime.now(UTC),
            location="Balie 2",
            reporter="anna",
            **extra,
        )

    own = repo.save_new(report("Bezoeker dreigde met geweld aan de balie"))
    pulled = report(
        "Beller noemde het adres van een collega",
        reference="VB-2026-000777",
        perpetrator_description="man, ongeveer 40",
    )
    assert pull_report(pulled_db, pulled).new_incidents == 1
    assert repo.count() == 2
    assert repo.forget_pulled() == 1
    assert repo.get(pulled.id) is None
    assert repo.get(own.id) is not None
    assert repo.forget_pulled() == 0
