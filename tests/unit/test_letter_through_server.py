"""A letter made on one team lead's workstation travels through the real server app
(in-process) to the other team lead's: the timeline says which letter, when and by whom,
and the response task is ticked there too with the matching measure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_sync_logic import World
from veiligbalie.core.followup import task_id_for
from veiligbalie.core.incident import Incident
from veiligbalie.core.letters import LetterKind
from veiligbalie.core.vocabulary import Category, FollowUpKind
from veiligbalie.services.followup import FollowUpService
from veiligbalie.services.letterhead import LetterheadService
from veiligbalie.services.organisation import OrganisationProfile


@pytest.fixture
def world() -> Iterator[World]:
    made = World()
    yield made
    made.close()


def test_a_letter_reaches_the_other_team_lead(qapp: Any, world: World, tmp_path: Path) -> None:
    lead, other, emp = world.replicas
    emp.incidents.set_user(emp.display)
    report = emp.incidents.save(
        Incident(
            description="Klant dreigde de medewerker op te wachten na werktijd.",
            categories=frozenset({Category.THREAT}),
            occurred_at=datetime.now(UTC) - timedelta(hours=3),
            location="Publiekshal, balie 1",
            reporter=emp.display,
        )
    )
    world.push(emp)
    world.pull(lead)
    followup = FollowUpService(
        lead.db, lead.incidents, lead.incidents, user_name=lambda: lead.display
    )
    documents = LetterheadService(
        lead.incidents,
        OrganisationProfile(folder=tmp_path / "org"),
        followup=followup,
        author=lambda: lead.display,
    )
    made = documents.record_letter(report.id, LetterKind.ACCESS_BAN)
    assert made.task_ticked
    world.push(lead)
    world.pull(other)

    letters = [
        e
        for e in other.incidents.timeline(report.id)
        if e.kind == "followup" and e.data.get("details", {}).get("letter_kind")
    ]
    assert len(letters) == 1 and letters[0].author == lead.display
    details = letters[0].data["details"]
    assert details["letter_kind"] == "access_ban" and details["measure"] == "access_ban"
    assert details["letter_made_by"] == lead.display
    theirs = FollowUpService(other.db, other.incidents, other.incidents)
    task = theirs.task(task_id_for(report.id, FollowUpKind.PERPETRATOR_RESPONSE))
    assert task is not None and task.done and task.details["letter_kind"] == "access_ban"
