"""The incident report for the file: one report's whole registration, its notes, evidence
with checksums, the timeline (who did what, when) and the follow-up tasks.

The caller passes every text already in the UI language (:class:`IncidentReportDocument`)
and has already left out what the reader may not see (the perpetrator fields).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from veiligbalie.reports.layout import (
    FONT,
    Footer,
    build_document,
    escape,
    styles,
    text_width,
    title_block,
)


@dataclass(frozen=True)
class Section:
    heading: str
    #: Rows of cells (plain text); the first row is a header when ``header``.
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # shares of the text width, adding up to 1
    header: bool = False
    empty: str = ""  # said when there are no rows


@dataclass(frozen=True)
class IncidentReportDocument:
    title: str
    subtitle: str
    made: str
    fields: Sequence[tuple[str, str]]  # (label, value) of the registration
    description_heading: str
    description: str
    sections: Sequence[Section] = field(default_factory=tuple)
    footer: str = ""
    page: str = "A4"


def _grid(section: Section, width: float) -> Table:
    style = styles()
    cell = style["small"] if len(section.widths) > 2 else style["body"]
    head = style["label"]
    data = [
        [Paragraph(escape(text), head if (section.header and r == 0) else cell) for text in row]
        for r, row in enumerate(section.rows)
    ]
    table = Table(
        data,
        colWidths=[width * share for share in section.widths],
        hAlign="LEFT",
        repeatRows=1 if section.header else 0,
        splitInRow=1,  # a note longer than a page flows on, as in the police sheet
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d9e2ec")),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def build_incident_report(path: str | Path, doc: IncidentReportDocument) -> None:
    style = styles()
    width = text_width(doc.page)
    story: list[object] = [
        *title_block(doc.title, doc.subtitle, doc.made),
        _grid(Section("", doc.fields, (0.3, 0.7)), width),
        Paragraph(escape(doc.description_heading), style["h2"]),
        Paragraph(escape(doc.description), style["body"]),
    ]
    for section in doc.sections:
        story.append(Paragraph(escape(section.heading), style["h2"]))
        has_rows = len(section.rows) > (1 if section.header else 0)
        if has_rows:
            story.append(_grid(section, width))
        else:
            story.append(Paragraph(escape(section.empty), style["muted"]))
    build_document(path, story, doc.title, Footer(doc.footer), page=doc.page)
