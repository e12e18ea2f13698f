"""An ASSIGNED timeline event sets the report's assignee in the same transaction, whether it
was made here or pulled: the latest by time wins, and applying it again changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.support.pulled import pulled_event
from veiligbalie.core.incident import Incident
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import Category
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository, TimelineEvent
from veiligbalie.store.pulled import PulledData, PulledEvent, take_news
from veiligbalie.store.types import utc_text

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _saved(db: Database) -> Incident:
    return IncidentRepository(db).save_new(
        Incident(
            description="Bezoeker schold en gooide een folderrek om.",
            categories=frozenset({Category.VERBAL_AGGRESSION}),
            occurred_at=T0 - timedelta(hours=1),
            location="Publiekshal",
            reporter="Sanne de Vries",
        )
    )


def _assigned(incident_id: uuid.UUID, name: str, at: datetime) -> PulledEvent:
    event = pulled_event(
        incident_id,
        TimelineKind.ASSIGNED,
        data={"assignee_user_id": str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), "assignee_name": name},
    )
    row = dict(event.row, created_at=utc_text(at))
    return PulledEvent(row, own=False)  # type: ignore[arg-type]


def test_pulled_assignment_latest_wins_in_any_order_and_twice(db: Database) -> None:
    saved = _saved(db)
    repo = IncidentRepository(db)
    assert repo.assignee(saved.id) is None
    later = _assigned(saved.id, "Els Jansen", T0 + timedelta(minutes=5))
    earlier = _assigned(saved.id, "Mark de Graaf", T0)
    page = PulledData(db).apply(events=[later, earlier])
    assert repo.assignee(saved.id).name == "Els Jansen"
    assert repo.assignee(saved.id).user_id == uuid.uuid5(uuid.NAMESPACE_DNS, "Els Jansen")
    assert page.news == {saved.id}
    # The earlier one again, alone, on a later page: still the latest wins.
    PulledData(db).apply(events=[earlier])
    assert repo.assignee(saved.id).name == "Els Jansen"
    # The queue of news holds the report once, and is empty once taken.
    assert take_news(db) == [saved.id]
    assert take_news(db) == []


def test_local_assignment_sets_the_assignee_with_its_event(db: Database) -> None:
    saved = _saved(db)
    repo = IncidentRepository(db)
    for name, minutes in (("Mark de Graaf", 0), ("Els Jansen", 3)):
        event = TimelineEvent(
            id=uuid.uuid4(),
            incident_id=saved.id,
            kind=TimelineKind.ASSIGNED.value,
            author="Els Jansen",
            text="",
            data={"assignee_user_id": None, "assignee_name": name},
            created_at=T0 + timedelta(minutes=minutes),
        )
        repo.add_event(
            event,
            "incident.assigned",
            {"event_id": str(event.id), "assignee_user_id": None, "assignee_name": name},
        )
    assignee = repo.assignee(saved.id)
    assert assignee is not None and assignee.name == "Els Jansen" and assignee.user_id is None
