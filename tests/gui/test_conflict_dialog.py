"""Two team leads edit the same field: the stale edit becomes a conflict (real server app, two
real replicas), Instellingen lists it by its readable field name and report number and says so
once, and the dialog shows both versions; "keep mine" records the edit again on the server's
revision (it then pushes cleanly), "take that version" sets the server's value here and the
conflict is gone. Nothing is overwritten without that choice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QStatusBar

from tests.unit.test_sync_logic import World, _edit, _report
from veiligbalie.protocol import sync as p
from veiligbalie.services.context import AppContext
from veiligbalie.services.sync import SyncEngine
from veiligbalie.store.outbox import Outbox
from veiligbalie.ui.conflict_dialog import ConflictDialog, ConflictNotifier, value_text
from veiligbalie.ui.server_settings import ServerSettings

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def world(qapp: Any) -> Iterator[World]:
    made = World()
    yield made
    made.close()


def _conflicted(world: World, engine: SyncEngine | None = None) -> tuple[Any, Any, Any]:
    """Lead A moves the report to "Balie 3"; lead B, unaware, to "Balie 2": B's is stale."""
    lead_a, lead_b, emp = world.replicas
    incident = _report(emp)
    world.push(emp)
    world.pull(lead_a)
    world.pull(lead_b)
    _edit(lead_a, incident, "Balie 3")
    _edit(lead_b, incident, "Balie 2")
    assert world.push(lead_a).accepted == 1
    batch = lead_b.logic.next_push()
    result = world.push(lead_b)
    assert len(result.conflicts) == 1
    if engine is not None:  # what the engine does with the answer: tell whoever listens
        for entry in result.conflicts:
            engine.conflict.emit(entry)
        engine.conflicts_changed.emit()
    assert batch is not None
    world.pull(lead_b)  # A's edit arrives (with A's name on it)
    return lead_b, incident, lead_b.logic.conflicts()[0]


def test_keep_mine_records_the_edit_on_the_servers_revision(qtbot: Any, world: World) -> None:
    lead_b, incident, conflict = _conflicted(world)
    engine = SyncEngine(lead_b.db)
    dialog = ConflictDialog(conflict, lead_b.incidents, engine)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.mine[1].text() == "Balie 2"
    assert dialog.theirs[1].text() == "Balie 3"
    # Who made the other version, from the pulled edit.
    heading = dialog.findChild(type(dialog.mine[1]), "conflictServerValueHeading")
    assert heading is not None and heading.text() == "Version of Teamleider Een"

    with qtbot.waitSignal(dialog.resolved, timeout=1000):
        dialog.keep_button.click()
    assert lead_b.logic.conflicts() == []
    pending = Outbox(lead_b.db).pending()
    assert len(pending) == 1
    item = pending[0]
    assert item.kind == p.INCIDENT_FIELD_EDITED
    assert item.payload["field"] == "location" and item.payload["value"] == "Balie 2"
    assert item.base_revision == conflict["server_revision"]
    assert lead_b.repo.get(incident).location == "Balie 2"
    # It goes out as an ordinary change now, and wins everywhere.
    assert world.push(lead_b).accepted == 1
    world.pull(world.replicas[0])
    assert world.replicas[0].repo.get(incident).location == "Balie 2"


def test_take_theirs_sets_the_servers_value_and_sends_nothing(qtbot: Any, world: World) -> None:
    lead_b, incident, conflict = _conflicted(world)
    # As if the pull had not brought A's edit yet: ours is still shown here.
    lead_b.repo.adopt_server_value(incident, "location", "Balie 2", None)
    assert lead_b.repo.get(incident).location == "Balie 2"
    engine = SyncEngine(lead_b.db)
    dialog = ConflictDialog(conflict, lead_b.incidents, engine)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(lead_b.incidents.changed, timeout=1000):
        dialog.take_button.click()
    assert lead_b.repo.get(incident).location == "Balie 3"
    assert lead_b.logic.conflicts() == []
    assert Outbox(lead_b.db).pending() == []
    assert lead_b.repo.revision(incident) >= conflict["server_revision"]


def test_instellingen_lists_it_readably_says_it_once_and_opens_the_dialog(
    qtbot: Any, world: World
) -> None:
    lead_b = world.replicas[1]
    context = AppContext.open(lead_b.db)
    try:
        assert context.sync is not None
        bar = QStatusBar()
        qtbot.addWidget(bar)
        notifier = ConflictNotifier(context.sync, bar)
        page = ServerSettings(context)
        qtbot.addWidget(page)
        page.show()
        _b, incident, _conflict = _conflicted(world, context.sync)
        qtbot.waitUntil(lambda: bool(notifier.last_message), timeout=2000)
        assert "1 report field" in bar.currentMessage()
        page.refresh_sync()
        assert page.conflicts.count() == 1
        reference = lead_b.repo.get(incident).reference
        text = page.conflicts.item(0).text()
        assert text.startswith(f"Location in report {reference}")
        assert "location" not in text  # the field's name, not the column's
        assert "Balie 2" in page.conflicts.item(0).toolTip()
        dialog = page.open_conflict(modal=False)
        assert isinstance(dialog, ConflictDialog)
        qtbot.addWidget(dialog)
        dialog.take_button.click()
        qtbot.waitUntil(lambda: page.conflicts.count() == 0, timeout=2000)
        assert not page.resolve_button.isVisibleTo(page)
    finally:
        context.close()  # World.close closes the database again: harmless


def test_values_read_as_a_person_reads_them(qapp: Any) -> None:
    assert value_text("injury", True) == "yes" and value_text("arrest", False) == "no"
    assert value_text("categories", ["threat", "verbal_aggression"]) == (
        "Verbal aggression, Threat (to you or your family)"
    )
    assert "150" in value_text("damage_amount_cents", 15000)
    assert value_text("damage_amount_cents", None) == "(empty)"
    assert value_text("severity", "high") == "Very serious"
    assert value_text("witnesses", ["Jan", "Piet"]) == "Jan\nPiet"
    assert "2026" in value_text("occurred_at", "2026-03-04T09:15:00+00:00")
    assert json.dumps(value_text("location", "Balie 2")) == '"Balie 2"'
