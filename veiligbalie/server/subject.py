"""Access, correction and deletion requests of one person (AVG articles 15 to 17).

A person is found by a dossier person's id, by the perpetrator reference of reports (exact,
ignoring case), or by a name or text in the perpetrator description or the dossier's name
(case-insensitive). What is held on them: the reports where they are the perpetrator (by
reference, description or a dossier link), the dossier record, its signaleringen, and the
audit rows of who read any of it. :func:`export` writes that as JSON and as a PDF;
:func:`correct` changes one restricted field of those reports (a field edit that travels
to workstations like a reviewer's); :func:`delete` empties the restricted fields of those
reports and removes the dossier record (an ``incident.purged`` change, as retention does).
Each is written to the audit log.

The dossier's tables (``persons``, ``person_links``, ``signaleringen``) are read by name
when the database has them, so this works before and after the dossier is installed.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.core.ids import uuid7
from veiligbalie.protocol import sync as p
from veiligbalie.server import audit, retention
from veiligbalie.server import dossier_tables as dt
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

CLI_STATION = audit.CLI_STATION
CORRECTABLE = ("perpetrator_description", "perpetrator_reference")
PERSON_TABLES = ("persons", "person_links", "signaleringen")


class SubjectError(ValueError):
    """A request that cannot be carried out (nothing found, an unknown field)."""


@dataclass
class Found:
    query: str
    person_ids: list[uuid.UUID] = field(default_factory=list)
    #: incident id -> how it matched ("reference", "description", "link")
    incidents: dict[uuid.UUID, set[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.person_ids and not self.incidents


def _table(conn: Connection, name: str) -> sa.TableClause | None:
    if not dt.present(conn):
        return None
    table: sa.TableClause = getattr(dt, name)
    return table


def find(conn: Connection, query: str) -> Found:
    query = query.strip()
    if not query:
        raise SubjectError("give a person: a dossier id, a perpetrator reference or a name")
    found = Found(query)
    needle = query.casefold()
    persons = _table(conn, "persons")
    if persons is not None:
        try:
            pid: uuid.UUID | None = uuid.UUID(query)
        except ValueError:
            pid = None
        rows = conn.execute(sa.select(persons.c.id, persons.c.display_name)).all()
        found.person_ids = [
            r.id
            for r in rows
            if r.id == pid or (pid is None and needle in r.display_name.casefold())
        ]
        links = _table(conn, "person_links")
        if links is not None and found.person_ids:
            for (incident_id,) in conn.execute(
                sa.select(links.c.incident_id).where(links.c.person_id.in_(found.person_ids))
            ).all():
                found.incidents.setdefault(incident_id, set()).add("link")
    i = t.incidents.c
    for r in conn.execute(sa.select(i.id, i.data).where(i.restricted.is_(True))).all():
        reference = str(r.data.get("perpetrator_reference") or "").strip().casefold()
        description = str(r.data.get("perpetrator_description") or "").casefold()
        if reference and reference == needle:
            found.incidents.setdefault(r.id, set()).add("reference")
        elif needle in description:
            found.incidents.setdefault(r.id, set()).add("description")
    return found


def _dates(value: Any) -> Any:
    if isinstance(value, datetime | uuid.UUID):
        return str(value.isoformat() if isinstance(value, datetime) else value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row_dict(row: Any) -> dict[str, Any]:
    return {k: _dates(v) for k, v in row._mapping.items()}


def gather(conn: Connection, found: Found) -> dict[str, Any]:
    """Everything held on the person, as plain JSON-able data."""
    i = t.incidents.c
    sites = dict(conn.execute(sa.select(t.sites.c.id, t.sites.c.name)).all())
    reports = []
    ids = sorted(found.incidents)
    for r in conn.execute(
        sa.select(t.incidents).where(i.id.in_(ids)).order_by(i.occurred_at, i.id)
    ).all():
        d = r.data
        reports.append(
            {
                "id": str(r.id),
                "reference": r.reference,
                "site": sites.get(r.site_id, str(r.site_id)),
                "occurred_at": r.occurred_at.isoformat(),
                "location": d.get("location", ""),
                "categories": sorted(d.get("categories", [])),
                "severity": d.get("severity", ""),
                "status": r.status,
                "description": d.get("description", ""),
                "perpetrator_description": d.get("perpetrator_description", ""),
                "perpetrator_reference": d.get("perpetrator_reference", ""),
                "matched_by": sorted(found.incidents[r.id]),
            }
        )
    persons: list[dict[str, Any]] = []
    signaleringen: list[dict[str, Any]] = []
    if found.person_ids:
        pt = _table(conn, "persons")
        st = _table(conn, "signaleringen")
        if pt is not None:
            persons = [
                _row_dict(r)
                for r in conn.execute(sa.select(pt).where(pt.c.id.in_(found.person_ids))).all()
            ]
        if st is not None:
            signaleringen = [
                _row_dict(r)
                for r in conn.execute(
                    sa.select(st).where(st.c.person_id.in_(found.person_ids))
                ).all()
            ]
    a = t.audit_log.c
    about = []
    if ids:
        about.append(a.incident_id.in_(ids))
    if found.person_ids:
        about.append(a.person_id.in_(found.person_ids))
    trail = []
    if about:
        for r in conn.execute(
            sa.select(t.audit_log).where(sa.or_(*about)).order_by(a.at, a.id)
        ).all():
            trail.append(
                {
                    "at": r.at.isoformat(),
                    "who": r.actor,
                    "action": r.action,
                    "station": r.station,
                    "incident_id": str(r.incident_id) if r.incident_id else None,
                    "person_id": str(r.person_id) if r.person_id else None,
                }
            )
    return {
        "subject": found.query,
        "persons": persons,
        "reports": reports,
        "signaleringen": signaleringen,
        "audit": trail,
    }


def export(
    store: ServerStore, query: str, folder: Path, *, now: datetime | None = None
) -> tuple[Path, Path, dict[str, Any]]:
    """Write ``subject-<stamp>.json`` and ``.pdf`` into ``folder``; audited (counts only)."""
    now = now or datetime.now(UTC)
    with store.write() as conn:
        found = find(conn, query)
        if found.empty:
            raise SubjectError(f"nothing is held on {query!r}")
        data = gather(conn, found)
        data["exported_at"] = now.isoformat()
        audit.record(
            conn,
            actor=None,
            action="subject.export",
            subject=audit.SUBJECT_PERSON,
            person_id=found.person_ids[0] if found.person_ids else None,
            detail=f"access request: {len(data['reports'])} reports, "
            f"{len(data['persons'])} dossier records, {len(data['signaleringen'])} "
            f"signaleringen, {len(data['audit'])} audit rows exported",
            station=CLI_STATION,
            actor_name=audit.CLI_ACTOR,
            at=now,
        )
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"subject-{now.strftime('%Y%m%dT%H%M%SZ')}"
    json_path = stem.with_suffix(".json")
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    pdf_path = stem.with_suffix(".pdf")
    write_pdf(pdf_path, data)
    return json_path, pdf_path, data


def write_pdf(path: Path, data: dict[str, Any]) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)

    def para(text: Any, style: Any = body) -> Paragraph:
        return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)

    def table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
        cells = [[para(h, small) for h in header]] + [[para(c, small) for c in r] for r in rows]
        tbl = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
        tbl.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return tbl

    story: list[Any] = [
        Paragraph("Overzicht persoonsgegevens (inzageverzoek)", styles["Title"]),
        para(f"Betrokkene: {data['subject']}"),
        para(f"Opgesteld: {data.get('exported_at', '')}"),
        Spacer(1, 4 * mm),
        Paragraph("Dossier", styles["Heading2"]),
    ]
    if data["persons"]:
        for person in data["persons"]:
            story.append(
                para(
                    f"{person.get('display_name', '')}: {person.get('description', '')}"
                    + "".join(
                        f"; {key}: {value}"
                        for key, value in dict(person.get("identifiers") or {}).items()
                    )
                )
            )
    else:
        story.append(para("Geen dossier."))
    story += [Spacer(1, 3 * mm), Paragraph("Meldingen", styles["Heading2"])]
    if data["reports"]:
        story.append(
            table(
                ["Nummer", "Datum", "Vestiging", "Locatie", "Omschrijving dader", "Kenmerk"],
                [
                    [
                        r["reference"],
                        r["occurred_at"][:10],
                        r["site"],
                        r["location"],
                        r["perpetrator_description"],
                        r["perpetrator_reference"],
                    ]
                    for r in data["reports"]
                ],
                [30, 20, 24, 22, 58, 26],
            )
        )
    else:
        story.append(para("Geen meldingen."))
    story += [Spacer(1, 3 * mm), Paragraph("Signaleringen", styles["Heading2"])]
    if data["signaleringen"]:
        story.append(
            table(
                ["Maatregel", "Reden", "Periode", "Besloten door", "Geïnformeerd"],
                [
                    [
                        s.get("counter_text") or s.get("measure", ""),
                        s.get("reason", ""),
                        f"{s.get('period_start') or ''} – {s.get('period_end') or ''}",
                        s.get("decided_by", ""),
                        f"{s.get('informed_on') or ''} {s.get('informed_how') or ''}",
                    ]
                    for s in data["signaleringen"]
                ],
                [36, 54, 34, 30, 26],
            )
        )
    else:
        story.append(para("Geen signaleringen."))
    story += [Spacer(1, 3 * mm), Paragraph("Wie heeft deze gegevens ingezien", styles["Heading2"])]
    if data["audit"]:
        story.append(
            table(
                ["Moment", "Wie", "Handeling", "Werkplek"],
                [
                    [a["at"][:19].replace("T", " "), a["who"], a["action"], a["station"]]
                    for a in data["audit"]
                ],
                [36, 40, 60, 44],
            )
        )
    else:
        story.append(para("Niemand."))
    SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title="Inzageverzoek",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    ).build(story)


def _field_edit(conn: Connection, r: Any, name: str, value: str, now: datetime) -> None:
    """Set one restricted field as a reviewer's edit would: a timeline event and a change
    every station that may read it applies."""
    data = dict(r.data)
    revision = int(r.revision) + 1
    data[name] = value
    data["revision"] = revision
    restricted = bool(data.get("perpetrator_description") or data.get("perpetrator_reference"))
    revisions = dict(r.field_revisions or {})
    revisions[name] = revision
    event_id = uuid7()
    payload = p.FieldEditedPayload(event_id=event_id, field=name, value=value)
    entry = p.timeline_entry(p.INCIDENT_FIELD_EDITED, payload)
    author = "Functionaris gegevensbescherming"
    conn.execute(
        sa.insert(t.incident_events).values(
            id=event_id,
            incident_id=r.id,
            kind=entry.kind.value,
            author=author,
            text=entry.text,
            data={**entry.data, "value": value, "revision": revision},
            audience="summary",
            restricted=True,
            user_id=None,
            device_id=None,
            created_at=now,
        )
    )
    body = {
        "incident_id": str(r.id),
        "event_id": str(event_id),
        "field": name,
        "value": value,
        "author": author,
        "revision": revision,
        "created_at": now.isoformat(),
    }
    conn.execute(
        sa.insert(t.changes).values(
            entity_id=r.id,
            kind=p.INCIDENT_FIELD_EDITED,
            payload=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
            site_id=r.site_id,
            reporter_user_id=r.reporter_user_id,
            workstation_id=r.workstation_id,
            team_lead_only=r.team_lead_only,
            restricted=True,
            audience="summary",
            origin_device=None,
            created_at=now,
            assignee_user_id=None,
            team_id=r.team_id,
        )
    )
    conn.execute(
        sa.update(t.incidents)
        .where(t.incidents.c.id == r.id)
        .values(data=data, revision=revision, field_revisions=revisions, restricted=restricted)
    )


def correct(
    store: ServerStore, query: str, name: str, value: str, *, now: datetime | None = None
) -> int:
    """Set ``name`` (a restricted field) to ``value`` in every report of the person, or the
    dossier's ``display_name``/``description``; answers how many records changed."""
    now = now or datetime.now(UTC)
    if "\x00" in value or len(value) > 4000:
        raise SubjectError("the value holds a NUL character or is longer than 4000 characters")
    with store.write(log=True) as conn:
        found = find(conn, query)
        if found.empty:
            raise SubjectError(f"nothing is held on {query!r}")
        changed = 0
        if name in CORRECTABLE:
            for r in conn.execute(
                sa.select(t.incidents).where(
                    t.incidents.c.id.in_(sorted(found.incidents)),
                    t.incidents.c.purged_at.is_(None),
                )
            ).all():
                _field_edit(conn, r, name, value, now)
                changed += 1
        elif name in ("display_name", "description"):
            persons = _table(conn, "persons")
            if persons is None or not found.person_ids:
                raise SubjectError("there is no dossier record of this person to correct")
            result = conn.execute(
                sa.update(persons)
                .where(persons.c.id.in_(found.person_ids))
                .values({name: value, "updated_at": now})
            )
            changed = int(result.rowcount or 0)
        else:
            raise SubjectError(
                "a correction changes perpetrator_description, perpetrator_reference, or the "
                "dossier's display_name or description"
            )
        audit.record(
            conn,
            actor=None,
            action="subject.correct",
            subject=audit.SUBJECT_PERSON,
            person_id=found.person_ids[0] if found.person_ids else None,
            detail=f"correction request: {name} changed in {changed} records",
            station=CLI_STATION,
            actor_name=audit.CLI_ACTOR,
            at=now,
        )
    return changed


def delete(store: ServerStore, query: str, *, now: datetime | None = None) -> dict[str, int]:
    """Empty the restricted fields of the person's reports (travelling to the stations as an
    ``incident.purged`` change) and remove their dossier record, links and signaleringen."""
    now = now or datetime.now(UTC)
    with store.write(log=True) as conn:
        found = find(conn, query)
        if found.empty:
            raise SubjectError(f"nothing is held on {query!r}")
        rows = conn.execute(
            sa.select(t.incidents).where(
                t.incidents.c.id.in_(sorted(found.incidents)),
                t.incidents.c.purged_at.is_(None),
            )
        ).all()
        counts = {"reports": retention.purge_incidents(conn, rows, p.PURGE_PERPETRATOR, now, set())}
        for name, column in (("signaleringen", "person_id"), ("person_links", "person_id")):
            table = _table(conn, name)
            if table is not None and found.person_ids:
                result = conn.execute(sa.delete(table).where(table.c[column].in_(found.person_ids)))
                counts[name] = int(result.rowcount or 0)
        persons = _table(conn, "persons")
        if persons is not None and found.person_ids:
            result = conn.execute(sa.delete(persons).where(persons.c.id.in_(found.person_ids)))
            counts["persons"] = int(result.rowcount or 0)
        audit.record(
            conn,
            actor=None,
            action="subject.delete",
            subject=audit.SUBJECT_PERSON,
            person_id=found.person_ids[0] if found.person_ids else None,
            detail="deletion request: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
            station=CLI_STATION,
            actor_name=audit.CLI_ACTOR,
            at=now,
        )
    return counts
