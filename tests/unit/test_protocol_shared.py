"""What server and client share is declared once in protocol: the base model with its NUL
check, the text limits, the change-kind -> timeline-kind table and the payload -> timeline
mapping. And the store, which uses the limits and kinds, takes them from core."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import veiligbalie.protocol
from veiligbalie.core import limits
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import FollowUpKind, IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.protocol.admin import SiteIn
from veiligbalie.protocol.alarm_server import HeartbeatRequest
from veiligbalie.protocol.alarms import AckBody, RaiseAlarmRequest
from veiligbalie.protocol.base import WireModel
from veiligbalie.protocol.lan import HeartbeatBody

ROOT = Path(__file__).resolve().parents[2]


def _protocol_models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for info in pkgutil.iter_modules(veiligbalie.protocol.__path__):
        module = importlib.import_module(f"veiligbalie.protocol.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_wire_schema_has_the_one_base() -> None:
    models = _protocol_models()
    assert len(models) > 40
    strays = [m.__qualname__ for m in models if not issubclass(m, WireModel)]
    assert strays == []
    # Unknown fields from a newer peer are ignored everywhere.
    assert all(m.model_config.get("extra") == "ignore" for m in models)


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (SiteIn, {"name": "Stadhuis\x00"}),
        (
            p.Change,
            {
                "change_id": str(uuid.uuid4()),
                "device_seq": 1,
                "kind": "incident.x\x00",
                "entity_id": str(uuid.uuid4()),
                "payload": {},
                "created_at": "2026-01-01T00:00:00Z",
            },
        ),
        (HeartbeatRequest, {"station_name": "Balie\x00 1"}),
    ],
)
def test_nul_characters_are_refused_by_the_shared_check(
    model: type[BaseModel], body: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="NUL"):
        model.model_validate(body)


def test_alarm_names_follow_the_core_limits() -> None:
    at = datetime.now(UTC)
    AckBody(alarm_id=uuid.uuid4(), responder="x" * limits.NAME_MAX, at=at)
    with pytest.raises(ValidationError):
        AckBody(alarm_id=uuid.uuid4(), responder="x" * (limits.NAME_MAX + 1), at=at)
    with pytest.raises(ValidationError):
        RaiseAlarmRequest(id=uuid.uuid4(), location="x" * (limits.LOCATION_MAX + 1))
    with pytest.raises(ValidationError):
        RaiseAlarmRequest(id=uuid.uuid4(), site_id="x" * (limits.SITE_ID_MAX + 1))
    with pytest.raises(ValidationError):
        HeartbeatBody(station_name="x" * (limits.NAME_MAX + 1))
    with pytest.raises(ValidationError):
        p.MessagePayload(event_id=uuid.uuid4(), author="Els", text="x" * (limits.TEXT_MAX + 1))


def test_every_change_kind_but_creation_has_one_timeline_kind() -> None:
    assert set(p.TIMELINE_KINDS) == p.CHANGE_KINDS - {p.INCIDENT_CREATED, p.INCIDENT_PURGED}
    assert p.INCIDENT_PURGED in p.SERVER_ONLY_KINDS
    assert sorted(p.TIMELINE_KINDS.values()) == sorted(TimelineKind)


PAYLOADS: list[tuple[str, dict[str, Any], TimelineKind, str, dict[str, Any]]] = [
    (
        p.INCIDENT_NOTE_ADDED,
        {"author": "Anna", "text": "Hij kwam terug"},
        TimelineKind.NOTE,
        "Hij kwam terug",
        {},
    ),
    (
        p.INCIDENT_MESSAGE,
        {"author": "Els", "text": "Ik bel je morgen"},
        TimelineKind.MESSAGE,
        "Ik bel je morgen",
        {},
    ),
    (
        p.INCIDENT_STATUS_CHANGED,
        {"status": "in_progress"},
        TimelineKind.STATUS,
        "",
        {"status": "in_progress"},
    ),
    (
        p.INCIDENT_FOLLOWUP,
        {
            "kind": "aftercare_talk",
            "due": "2026-03-02T09:00:00+00:00",
            "done": True,
            "done_at": "2026-03-01T15:30:00+00:00",
            "note": "Gebeld",
            "details": {"with_whom": "Anna en een getuige"},
        },
        TimelineKind.FOLLOWUP,
        "Gebeld",
        {
            "kind": "aftercare_talk",
            "task_id": None,
            "action": "done",
            "due": "2026-03-02T09:00:00+00:00",
            "due_from": None,
            "reason": "",
            "done": True,
            "done_at": "2026-03-01T15:30:00+00:00",
            "assignee_user_id": None,
            "assignee_name": "",
            "details": {"with_whom": "Anna en een getuige"},
            "context": None,
        },
    ),
    (
        p.INCIDENT_STATUS_CHANGED,
        {"status": "closed", "conclusion": "Gesprek gevoerd, waarschuwing gestuurd"},
        TimelineKind.STATUS,
        "Gesprek gevoerd, waarschuwing gestuurd",
        {"status": "closed"},
    ),
    (
        p.INCIDENT_ASSIGNED,
        {"assignee_user_id": "0190f0f0-0000-7000-8000-000000000001", "assignee_name": "Els"},
        TimelineKind.ASSIGNED,
        "",
        {"assignee_user_id": "0190f0f0-0000-7000-8000-000000000001", "assignee_name": "Els"},
    ),
    (
        p.INCIDENT_FIELD_EDITED,
        {"field": "location", "value": "Balie 4"},
        TimelineKind.FIELD_EDITED,
        "",
        {"field": "location", "value": "Balie 4"},
    ),
]


@pytest.mark.parametrize(("change_kind", "payload", "kind", "text", "data"), PAYLOADS)
def test_server_and_client_map_a_payload_to_the_same_timeline_entry(
    change_kind: str, payload: dict[str, Any], kind: TimelineKind, text: str, data: dict[str, Any]
) -> None:
    """The server maps the validated model, a pulling client the JSON it receives."""
    body = {**payload, "event_id": str(uuid.uuid4())}
    validated = p.PAYLOAD_MODELS[change_kind].model_validate(body)
    from_model = p.timeline_entry(change_kind, validated)
    from_wire = p.timeline_entry(change_kind, body)
    assert from_model == from_wire == p.TimelineEntry(kind, text, data)


def test_timeline_entry_refuses_what_it_cannot_read() -> None:
    with pytest.raises(KeyError):
        p.timeline_entry(p.INCIDENT_CREATED, {})
    with pytest.raises(ValueError):
        p.timeline_entry(p.INCIDENT_STATUS_CHANGED, {"status": "lost"})
    with pytest.raises(KeyError):
        p.timeline_entry(p.INCIDENT_FOLLOWUP, {"done": True})
    entry = p.timeline_entry(
        p.INCIDENT_FOLLOWUP, {"kind": FollowUpKind.EVALUATION, "status": IncidentStatus.SENT}
    )
    assert entry.data["kind"] == "evaluation"
    assert entry.data["action"] == "planned"
    assert (entry.data["due"], entry.data["done"]) == (None, False)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_store_takes_kinds_and_limits_from_core_not_protocol() -> None:
    offending = {
        f"{path.name}: {name}"
        for path in (ROOT / "veiligbalie" / "store").glob("*.py")
        for name in _imports(path)
        if name.startswith(("veiligbalie.protocol", "veiligbalie.services", "veiligbalie.net"))
    }
    assert offending == set()
