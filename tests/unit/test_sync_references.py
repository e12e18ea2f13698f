"""One reference per report across the organisation, client side: the server's final number
replaces the provisional one (from the push answer, and from our own report pulled back),
applying it again changes nothing, and both numbers keep finding the report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.services.sync_logic import SyncLogic
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository

FINAL = "VB-2026-000412"


def _save(db: Database, location: str = "Balie 2") -> Incident:
    return IncidentRepository(db).save_new(
        Incident(
            description="Klant schold de medewerker uit bij de balie",
            categories=frozenset({Category.VERBAL_AGGRESSION}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=5),
            location=location,
            reporter="Marieke de Wit",
        )
    )


def _accept(logic: SyncLogic, numbers: dict[uuid.UUID, str]) -> tuple[p.PushResponse, object]:
    batch = logic.next_push()
    assert batch is not None
    answer = p.PushResponse(
        epoch="e1",
        accepted=[item.device_seq for item in batch.items],
        references=[
            p.AssignedReference(entity_id=entity, reference=number)
            for entity, number in numbers.items()
        ],
    )
    return answer, logic.apply_push(batch, answer)


def test_push_answer_gives_the_final_number_and_keeps_ours(db: Database) -> None:
    logic, repo = SyncLogic(db), IncidentRepository(db)
    saved = _save(db)
    provisional = saved.reference
    assert provisional is not None
    info = repo.reference_info(saved.id)
    assert info is not None and info.provisional and info.earlier_reference is None

    _answer, result = _accept(logic, {saved.id: FINAL})
    assert result.renumbered == {saved.id}  # type: ignore[attr-defined]
    stored = repo.get(saved.id)
    assert stored is not None and stored.reference == FINAL
    assert stored.status is IncidentStatus.SENT
    info = repo.reference_info(saved.id)
    assert info is not None
    assert (info.reference, info.provisional_reference) == (FINAL, provisional)
    assert not info.provisional and info.earlier_reference == provisional
    summary = repo.list_by_reporter("Marieke de Wit")[0]
    assert summary.reference == FINAL and summary.earlier_reference == provisional

    # Both numbers find it; the final one is shown, the old one still resolves.
    assert repo.find_by_reference(FINAL).id == saved.id  # type: ignore[union-attr]
    assert repo.find_by_reference(f" {provisional.lower()} ").id == saved.id  # type: ignore[union-attr]
    assert repo.find_by_reference("VB-2026-999999") is None
    assert repo.find_by_reference("  ") is None


def test_the_same_answer_twice_changes_nothing(db: Database) -> None:
    logic, repo = SyncLogic(db), IncidentRepository(db)
    saved = _save(db)
    answer, _result = _accept(logic, {saved.id: FINAL})
    # The answer comes again (a retry after a lost answer): nothing is renamed twice.
    assert repo.adopt_references({saved.id: FINAL}) == set()
    assert repo.adopt_references({saved.id: ""}) == set()
    info = repo.reference_info(saved.id)
    assert info is not None and info.provisional_reference == saved.reference
    assert answer.references[0].reference == FINAL


def test_an_answer_never_renames_a_report_it_was_not_about(db: Database) -> None:
    logic, repo = SyncLogic(db), IncidentRepository(db)
    first = _save(db)
    _accept(logic, {first.id: FINAL})
    second = _save(db, "Balie 3")
    _answer, result = _accept(logic, {first.id: "VB-2026-000999", second.id: "VB-2026-000413"})
    assert result.renumbered == {second.id}  # type: ignore[attr-defined]
    assert repo.get(first.id).reference == FINAL  # type: ignore[union-attr]


def test_final_number_equal_to_ours_is_final_once_accepted(db: Database) -> None:
    logic, repo = SyncLogic(db), IncidentRepository(db)
    saved = _save(db)
    assert saved.reference is not None
    _answer, result = _accept(logic, {saved.id: saved.reference})
    assert result.renumbered == set()  # type: ignore[attr-defined]
    info = repo.reference_info(saved.id)
    assert info is not None and not info.provisional and info.earlier_reference is None


def _pull_created(logic: SyncLogic, incident: Incident, reference: str, seq: int) -> set[uuid.UUID]:
    payload = {
        **incident_to_dict(incident),
        "reference": reference,
        "provisional_reference": incident.reference,
        "status": "sent",
        "revision": 1,
    }
    page = p.PullResponse(
        epoch="e1",
        cursor=seq,
        has_more=False,
        changes=[
            p.ServerChange(
                seq=seq,
                kind=p.INCIDENT_CREATED,
                entity_id=incident.id,
                payload=payload,
                created_at=datetime.now(UTC),
                origin_device=logic.device_id,
            )
        ],
    )
    return logic.apply_pull(page).changed


def test_our_report_pulled_back_takes_the_final_number_only(db: Database) -> None:
    logic, repo = SyncLogic(db), IncidentRepository(db)
    saved = _save(db)
    logic.adopt_epoch("e1")
    # The push answer was lost; the pull brings the report back with its final number, and
    # with content that must not replace ours (a report already here keeps its content).
    pulled = Incident(**{**saved.__dict__, "location": "elders"})
    assert _pull_created(logic, pulled, FINAL, 1) == {saved.id}
    stored = repo.get(saved.id)
    assert stored is not None
    assert stored.reference == FINAL and stored.location == "Balie 2"
    info = repo.reference_info(saved.id)
    assert info is not None and info.provisional_reference == saved.reference
    # Pulled again (a re-pull from cursor 0): nothing more changes.
    assert _pull_created(logic, pulled, FINAL, 2) == {saved.id}
    info_again = repo.reference_info(saved.id)
    assert info_again == info
    assert repo.find_by_reference(saved.reference or "").id == saved.id  # type: ignore[union-attr]


def test_a_report_pulled_from_elsewhere_carries_the_final_number(db: Database) -> None:
    logic, repo = SyncLogic(db), IncidentRepository(db)
    logic.adopt_epoch("e1")
    other = Incident(
        id=uuid.uuid4(),
        reference="VB-2026-000007",
        description="Dreigende taal aan de telefoon",
        categories=frozenset({Category.THREAT}),
        occurred_at=datetime.now(UTC) - timedelta(hours=1),
        location="Telefoon",
        reporter="Jan Bakker",
    )
    _pull_created(logic, other, FINAL, 1)
    info = repo.reference_info(other.id)
    assert info is not None
    assert info.reference == FINAL and not info.provisional
    assert info.earlier_reference == "VB-2026-000007"
    assert repo.find_by_reference("VB-2026-000007").id == other.id  # type: ignore[union-attr]
