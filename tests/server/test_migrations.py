"""The server's own Alembic migrations on SQLite and PostgreSQL: they build exactly the schema
the code declares, keep the epoch, and refuse a database from a newer server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from veiligbalie.server import schema
from veiligbalie.server.store import DatabaseError, ServerStore, current_revision, head_revision


def test_migrations_build_the_declared_schema(store: ServerStore) -> None:
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


def test_epoch_is_created_once_and_kept(db_url: str) -> None:
    first = ServerStore(db_url)
    epoch = first.epoch
    first.close()
    again = ServerStore(db_url)
    assert again.epoch == epoch and len(epoch) == 32
    again.close()


def test_change_log_seq_is_autoincrement_or_identity(store: ServerStore) -> None:
    with store.read() as conn:
        if store.backend == "sqlite":
            ddl = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'changes'"
            ).scalar()
            assert "AUTOINCREMENT" in ddl
        else:
            identity = conn.execute(
                sa.text(
                    "SELECT is_identity, data_type FROM information_schema.columns "
                    "WHERE table_name = 'changes' AND column_name = 'seq'"
                )
            ).one()
            assert identity == ("YES", "bigint")


def test_a_newer_schema_is_refused(db_url: str) -> None:
    store = ServerStore(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    with pytest.raises(DatabaseError, match="newer than this server"):
        ServerStore(db_url)


def test_0003_binds_the_device_ids_workstations_already_used(db_url: str) -> None:
    """Stations that pushed before bindings existed keep their device id; where two carried
    the same one (a copied data folder), the one enrolled first keeps it."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from alembic import command

    from veiligbalie.server.store import _alembic_config, create_db_engine

    engine = create_db_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0002")
        now = datetime.now(UTC)
        org, site = uuid.uuid4(), uuid.uuid4()
        first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        shared, own = uuid.uuid4(), uuid.uuid4()
        with engine.begin() as conn:
            conn.execute(
                sa.insert(schema.organisations).values(
                    id=org, name="Org", address="Postbus 1", created_at=now
                )
            )
            conn.execute(
                sa.insert(schema.sites).values(
                    id=site,
                    organisation_id=org,
                    name="Centrum",
                    share_log_with_employees=False,
                    lan_key=b"k" * 32,
                    created_at=now,
                )
            )
            for ws, device, enrolled in (
                (second, shared, now),
                (first, shared, now - timedelta(days=1)),
                (third, own, now),
            ):
                conn.execute(
                    sa.insert(schema.workstations).values(
                        id=ws,
                        site_id=site,
                        name=str(ws),
                        location="Balie",
                        device_id=device,
                        enrolled_at=enrolled,
                        created_at=now,
                    )
                )
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            bound = dict(
                conn.execute(
                    sa.select(
                        schema.device_bindings.c.device_id,
                        schema.device_bindings.c.workstation_id,
                    )
                ).all()
            )
        assert bound == {shared: first, own: third}
    finally:
        engine.dispose()


def test_0005_fills_alarm_links_number_counters_and_tasks(db_url: str) -> None:
    """Reports stored before review keep their numbers and the counter continues above
    them; the alarm a report belongs to and the follow-up tasks on its timeline are filled."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from alembic import command

    from veiligbalie.core.followup import task_id_for
    from veiligbalie.core.vocabulary import FollowUpKind
    from veiligbalie.server.store import _alembic_config, create_db_engine

    engine = create_db_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0004")
        now = datetime.now(UTC)
        org, site, incident, alarm = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        due = now + timedelta(hours=72)
        with engine.begin() as conn:
            conn.execute(
                sa.insert(schema.organisations).values(
                    id=org, name="Org", address="Postbus 1", created_at=now
                )
            )
            conn.execute(
                sa.insert(schema.sites).values(
                    id=site,
                    organisation_id=org,
                    name="Centrum",
                    share_log_with_employees=False,
                    lan_key=b"k" * 32,
                    created_at=now,
                )
            )
            conn.execute(
                sa.insert(schema.incidents).values(
                    id=incident,
                    site_id=site,
                    reference="VB-2026-000041",
                    reporter="Jan",
                    origin_device=uuid.uuid4(),
                    team_lead_only=False,
                    restricted=False,
                    status="sent",
                    revision=1,
                    field_revisions={},
                    data={"alarm_id": str(alarm), "reference": "VB-2026-000041"},
                    occurred_at=now,
                    created_at=now,
                    received_at=now,
                )
            )
            for action, extra in (("planned", {"due": due.isoformat()}), ("done", {})):
                conn.execute(
                    sa.insert(schema.incident_events).values(
                        id=uuid.uuid4(),
                        incident_id=incident,
                        kind="followup",
                        author="Lead",
                        text="Gesprek gehad" if action == "done" else "",
                        data={
                            "kind": "aftercare_talk",
                            "action": action,
                            "done_at": now.isoformat() if action == "done" else None,
                            **extra,
                        },
                        audience="owner",
                        restricted=False,
                        created_at=now + timedelta(seconds=1 if action == "done" else 0),
                    )
                )
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(schema.incidents.c.alarm_id, schema.incidents.c.assignee_name)
            ).one()
            assert row == (alarm, "")
            assert conn.execute(sa.select(schema.reference_counters)).all() == [(2026, 41)]
            task = conn.execute(sa.select(schema.followup_tasks)).one()
            assert task.id == task_id_for(incident, FollowUpKind.AFTERCARE_TALK)
            assert task.done_at is not None and task.note == "Gesprek gehad"
            assert abs((task.due - due).total_seconds()) < 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_with_a_reason(url: str) -> None:
    """Each pool and thread of the server would open its own empty in-memory database:
    reports pushed on one connection would be missing on the next."""
    with pytest.raises(DatabaseError, match="database file"):
        ServerStore(url)
