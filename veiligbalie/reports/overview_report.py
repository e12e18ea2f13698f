"""The management overview as a PDF: counts and trends for a month, quarter or year (and
optionally one site), with bar charts, follow-up compliance and the alarms' response times.

It holds figures only: no reporter, assignee or perpetrator, no description. The caller
passes every text already in the UI language (:class:`OverviewDocument`), so this module
knows no vocabulary labels and no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from veiligbalie.reports.layout import (
    ACCENT,
    FONT,
    FONT_BOLD,
    MUTED,
    Footer,
    build_document,
    escape,
    styles,
    text_width,
    title_block,
)


@dataclass(frozen=True)
class OverviewDocument:
    """Everything the overview prints, already in words: labels and figures, never names."""

    title: str
    subtitle: str  # the period and the site
    made: str  # "Gemaakt op 02-12-2026 14:05"
    key_figures: Sequence[tuple[str, str]]
    #: (heading, [(label, count)]) per chart: per month, category, location, severity.
    charts: Sequence[tuple[str, Sequence[tuple[str, int]]]]
    compliance_heading: str
    compliance_columns: Sequence[str]
    compliance_rows: Sequence[Sequence[str]]
    alarms_heading: str
    alarm_rows: Sequence[tuple[str, str]]
    footnotes: Sequence[str] = field(default_factory=tuple)
    footer: str = ""
    page: str = "A4"


BAR = colors.HexColor(ACCENT)


def _chart(heading: str, values: Sequence[tuple[str, int]], width: float) -> Drawing:
    """A bar chart: vertical for a time series (up to 12 months), horizontal for a list of
    labels (categories, locations, severities)."""
    labels = [label for label, _n in values]
    numbers = [n for _label, n in values]
    top = max(numbers, default=0)
    horizontal = len(values) > 12 or any(len(label) > 8 for label in labels)
    if horizontal:
        height = 22 + 15 * max(1, len(values))
        drawing = Drawing(width, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = 62 * mm, 6
        chart.width, chart.height = width - 62 * mm - 24, height - 14
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.reverseDirection = True
        chart.barLabelFormat = "%d"
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
    else:
        height = 120
        drawing = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 30, 18
        chart.width, chart.height = width - 40, height - 30
        chart.barLabelFormat = "%d"
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 2
        chart.categoryAxis.labels.boxAnchor = "n"
    chart.data = [numbers or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1, int(top * 1.15) + 1)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d9e2ec")
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.HexColor("#1f2933")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d9e2ec")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor(MUTED)),
        ]
    table.setStyle(TableStyle(style))
    return table


def build_overview(path: str | Path, doc: OverviewDocument) -> None:
    """Write the overview to ``path``."""
    style = styles()
    width = text_width(doc.page)
    story: list[object] = [
        *title_block(doc.title, doc.subtitle, doc.made, subtitle_style="h2"),
        _table(doc.key_figures, [width * 0.7, width * 0.3], header=False),
    ]
    for heading, values in doc.charts:
        story.append(
            KeepTogether([Paragraph(escape(heading), style["h2"]), _chart(heading, values, width)])
        )
    compliance = [list(doc.compliance_columns), *[list(r) for r in doc.compliance_rows]]
    first = width * 0.44
    rest = (width - first) / max(1, len(doc.compliance_columns) - 1)
    story.append(
        KeepTogether(
            [
                Paragraph(escape(doc.compliance_heading), style["h2"]),
                _table(compliance, [first] + [rest] * (len(doc.compliance_columns) - 1), True),
            ]
        )
    )
    story.append(
        KeepTogether(
            [
                Paragraph(escape(doc.alarms_heading), style["h2"]),
                _table(doc.alarm_rows, [width * 0.7, width * 0.3], header=False),
            ]
        )
    )
    if doc.footnotes:
        story.append(Spacer(1, 4 * mm))
        story += [Paragraph(escape(note), style["muted"]) for note in doc.footnotes]
    build_document(path, story, doc.title, Footer(doc.footer), page=doc.page)
