"""The Opvolging response dialog lists the earlier incidents the dossier links to the
person (this station's copy, as the team lead last read it), besides those with the same
client number here."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from PySide6.QtWidgets import QListWidget

from tests.gui.test_worklist import T0, Env, child, env  # noqa: F401 (fixture)
from veiligbalie.core.followup import FollowUpKind
from veiligbalie.core.vocabulary import Category
from veiligbalie.services.dossier import DossierService
from veiligbalie.store.dossier import DossierCache
from veiligbalie.ui.followup_dialogs import ResponseDialog


def test_response_dialog_shows_the_dossiers_earlier_reports(env: Env, qtbot: Any) -> None:  # noqa: F811
    incident = env.report(
        perpetrator_known=True,
        perpetrator_description="Man met rode jas",
        categories=frozenset({Category.THREAT}),
    )
    elsewhere = uuid.uuid4()  # a report of another station, linked on the server
    person = {
        "id": str(uuid.uuid4()),
        "site_id": str(uuid.uuid4()),
        "display_name": "Piet Pietersen",
        "description": "",
        "identifiers": {"klantnummer": "K-4711"},
        "created_by": "Els Bakker",
        "created_at": T0.isoformat(),
        "signaleringen": [],
        "links": [
            {
                "incident_id": str(link),
                "reference": ref,
                "occurred_at": (T0 - timedelta(days=days)).isoformat(),
                "categories": ["threat"],
                "linked_by": "Els Bakker",
                "linked_at": T0.isoformat(),
            }
            for link, ref, days in (
                (incident.id, incident.reference, 0),
                (elsewhere, "VB-2026-000077", 30),
            )
        ],
    }
    DossierCache(env.db).put(incident.id, [person])
    env.service.dossier = DossierService(env.db)
    dialog = env.open_dialog(qtbot, incident, FollowUpKind.PERPETRATOR_RESPONSE)
    assert isinstance(dialog, ResponseDialog)
    listed = child(dialog, QListWidget, "earlierIncidents")
    assert listed.count() == 1
    assert "VB-2026-000077" in listed.item(0).text()
    dialog.reject()
