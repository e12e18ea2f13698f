"""The review loop through the real server app (in-process): an employee's report with
evidence reaches the team lead, whose first open records "received", then "in progress", a
message and the close with its conclusion; the employee's next pull brings every step, the
news is told once, and the evidence is listed on the lead's side as a file on the server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.unit.test_sync_logic import World
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.services.review import AttachmentState, ReviewService


@pytest.fixture
def world() -> Iterator[World]:
    made = World()
    yield made
    made.close()


def test_team_lead_steps_reach_the_reporter_through_the_server(
    qapp, world: World, tmp_path: Path
) -> None:
    lead, _other, emp = world.replicas
    lead.incidents.set_user(lead.display)
    emp.incidents.set_user(emp.display)
    photo = tmp_path / "kapotte-balie.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 1500)
    info = emp.incidents.import_attachment(photo)
    report = emp.incidents.save(
        Incident(
            description="Klant trapte tegen de balie en dreigde terug te komen.",
            categories=frozenset({Category.THREAT, Category.PROPERTY_DAMAGE}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=30),
            location="Publiekshal, balie 1",
            reporter=emp.display,
        ),
        [info],
    )
    world.push(emp)
    world.pull(lead)

    review = ReviewService(lead.incidents, lead.db)
    files = lead.incidents.attachments(report.id)
    assert [(f.sha256, f.original_name, f.size) for f in files] == [
        (info.sha256, "kapotte-balie.png", info.size)
    ]
    assert review.attachment_state(report.id, files[0]) is AttachmentState.ON_SERVER

    detail = review.open(report.id)
    assert detail is not None and detail.received_now and detail.pulled
    review.set_status(report.id, IncidentStatus.IN_PROGRESS)
    review.message(report.id, "Ik bel je vanmiddag even.")
    review.close(report.id, "Toegangsverbod van drie maanden opgelegd.")
    world.push(lead)

    world.pull(emp)
    assert emp.incidents.get(report.id).status is IncidentStatus.CLOSED
    timeline = emp.incidents.timeline(report.id)
    steps = [(e.kind, e.author, e.data.get("status")) for e in timeline]
    assert steps == [
        ("status", lead.display, "received"),
        ("status", lead.display, "in_progress"),
        ("message", lead.display, None),
        ("status", lead.display, "closed"),
    ]
    assert timeline[2].text == "Ik bel je vanmiddag even."
    closing = timeline[3].text
    assert emp.incidents.my_reports()[0].has_unread
    assert emp.incidents.announce_news() == [report.id]
    world.pull(emp)
    assert emp.incidents.announce_news() == []
    # The reporter's own file, back through the pull, is not listed twice.
    assert len(emp.incidents.attachments(report.id)) == 1
    assert closing == "Toegangsverbod van drie maanden opgelegd."
