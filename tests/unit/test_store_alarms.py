"""The local alarm log: one record per alarm id, however many ways it arrives."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.store.alarms import AlarmRepository
from veiligbalie.store.database import Database


@pytest.fixture
def alarms(db: Database) -> AlarmRepository:
    return AlarmRepository(db)


def record(alarms: AlarmRepository, alarm_id: uuid.UUID, at: datetime) -> bool:
    return alarms.record_alarm(
        alarm_id,
        AlarmKind.SILENT,
        AlarmType.AGGRESSION,
        "balie-2",
        "Publiekshal",
        at,
        AlarmState.RAISED,
        test=False,
    )


def test_same_alarm_by_two_paths_is_kept_once(alarms: AlarmRepository) -> None:
    alarm_id = uuid.uuid4()
    now = datetime.now(UTC)
    assert record(alarms, alarm_id, now) is True
    assert record(alarms, alarm_id, now) is False
    stored = alarms.get(alarm_id)
    assert stored is not None
    assert stored.kind is AlarmKind.SILENT
    assert stored.state is AlarmState.RAISED
    assert stored.raised_at == now
    assert alarms.get(uuid.uuid4()) is None


def test_open_alarms_leave_out_closed_ones(alarms: AlarmRepository) -> None:
    now = datetime.now(UTC)
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    record(alarms, second, now)
    record(alarms, first, now - timedelta(minutes=1))
    record(alarms, third, now + timedelta(seconds=1))
    alarms.set_state(third, AlarmState.CANCELLED)
    alarms.set_state(second, AlarmState.ACKNOWLEDGED)
    assert [a.id for a in alarms.open_alarms()] == [first, second]
    with pytest.raises(LookupError):
        alarms.set_state(uuid.uuid4(), AlarmState.RESOLVED)


def test_events_in_order(alarms: AlarmRepository) -> None:
    alarm_id = uuid.uuid4()
    now = datetime.now(UTC)
    record(alarms, alarm_id, now)
    later = alarms.add_event(alarm_id, "resolved", "beveiliging", "server", now + timedelta(2))
    earlier = alarms.add_event(
        alarm_id, "acknowledged", "Cor", "lan", now + timedelta(1), {"eta_s": 30}
    )
    assert alarms.events(alarm_id) == [earlier, later]
    assert alarms.events(alarm_id)[0].data == {"eta_s": 30}
    with pytest.raises(LookupError):
        alarms.add_event(uuid.uuid4(), "acknowledged", "Cor", "lan", now)
