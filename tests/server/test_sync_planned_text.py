"""The follow-up events the server plans for a new report are written as JSON text built
directly (a push of 500 reports plans a few thousand): that text must be exactly what the
protocol's own timeline entry gives, encoded as the server encodes every other change, for
every task kind and reason, with and without a window."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from veiligbalie.core.followup import FollowUpReason, FollowUpTask, plan_event_id, task_id_for
from veiligbalie.core.vocabulary import FollowUpKind, TaskAction
from veiligbalie.core.workdays import AMSTERDAM
from veiligbalie.protocol import sync as p
from veiligbalie.server import sync
from veiligbalie.server.store import JSONText


@pytest.mark.parametrize("kind", list(FollowUpKind))
@pytest.mark.parametrize("window", [False, True])
def test_planned_texts_are_the_protocols_entry_compactly_encoded(
    kind: FollowUpKind, window: bool
) -> None:
    incident_id = uuid.uuid4()
    now = datetime(2026, 3, 29, 1, 30, 5, 123456, tzinfo=UTC)
    due = datetime(2026, 4, 2, 23, 59, 59, tzinfo=AMSTERDAM)
    due_from = datetime(2026, 3, 30, 0, 0, tzinfo=AMSTERDAM) if window else None
    for reason in FollowUpReason:
        task = FollowUpTask(kind, due, reason, due_from, incident_id)
        event_id = plan_event_id(incident_id, kind)
        task_id = task_id_for(incident_id, kind)
        for revision in (1, 7):
            data_text, payload_text = sync._planned_texts(
                str(incident_id), event_id, task_id, task, revision, now.isoformat()
            )
            model = p.FollowUpPayload(
                event_id=event_id,
                kind=kind,
                task_id=task_id,
                action=TaskAction.PLANNED,
                due=due,
                due_from=due_from,
                reason=reason.value,
            )
            entry = p.timeline_entry(p.INCIDENT_FOLLOWUP, model)
            body = {
                "incident_id": str(incident_id),
                "event_id": str(event_id),
                **entry.data,
                "note": entry.text,
                "author": sync.SYSTEM_AUTHOR,
                "revision": revision,
                "created_at": now.isoformat(),
            }
            assert isinstance(data_text, JSONText)
            assert data_text == sync._compact(entry.data)
            assert payload_text == sync._compact(body)
            assert json.loads(payload_text) == body
            # A plan on receipt (revision 1) is not sent back to the station that made it.
            assert sync._planned_on_save(p.INCIDENT_FOLLOWUP, payload_text) is (revision == 1)


def test_planned_texts_of_a_window_differ_from_one_without() -> None:
    """The window's opening is written (a mistake would drop it silently)."""
    incident_id = uuid.uuid4()
    due = datetime.now(AMSTERDAM) + timedelta(days=16)
    kind = FollowUpKind.AFTERCARE_FOLLOW_UP_2W
    reason = FollowUpReason.AFTERCARE_WANTED
    ids = (str(incident_id), plan_event_id(incident_id, kind), task_id_for(incident_id, kind))
    with_window = sync._planned_texts(
        *ids, FollowUpTask(kind, due, reason, due - timedelta(days=4)), 1, "now"
    )
    without = sync._planned_texts(*ids, FollowUpTask(kind, due, reason, None), 1, "now")
    assert json.loads(with_window[0])["due_from"] == (due - timedelta(days=4)).isoformat()
    assert json.loads(without[0])["due_from"] is None
