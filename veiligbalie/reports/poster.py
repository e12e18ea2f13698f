"""The house-rules poster for the counter and the waiting room, A4 or A3: the
organisation's house-rules card (guidance) in big, plain type on one page.

The card's text is its Markdown body: ``**heading**`` lines, ``-`` bullets, ``1.`` numbered
items and plain paragraphs; ``**bold**`` inside a line stays bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepInFrame, ListFlowable, ListItem, Paragraph, Spacer

from veiligbalie.reports.layout import (
    FONT,
    FONT_BOLD,
    PAGE_SIZES,
    Footer,
    build_document,
    escape,
    styles,
)

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_NUMBERED = re.compile(r"^\d+[.)]\s+")


@dataclass(frozen=True)
class PosterDocument:
    title: str
    body: str  # the card's Markdown
    footer: str = ""
    page: str = "A4"


def _inline(text: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", escape(text))


def blocks(body: str) -> list[tuple[str, list[str]]]:
    """The card's body as (kind, lines): "heading", "bullets", "numbers" or "text"; lines
    of one kind that follow each other form one block, an empty line ends a block."""
    found: list[tuple[str, list[str]]] = []
    previous = ""
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            previous = ""
            continue
        if line.startswith("**") and line.endswith("**") and line.count("**") == 2:
            kind, text = "heading", line[2:-2].strip()
        elif line.startswith(("- ", "* ")):
            kind, text = "bullets", line[2:].strip()
        elif _NUMBERED.match(line):
            kind, text = "numbers", _NUMBERED.sub("", line)
        else:
            kind, text = "text", line
        if kind == previous and kind != "heading":
            found[-1][1].append(text)
        else:
            found.append((kind, [text]))
        previous = kind
    return found


def build_poster(path: str | Path, doc: PosterDocument) -> None:
    """One page in the chosen size; the text shrinks only if a long card would not fit."""
    size = PAGE_SIZES[doc.page]
    scale = 2.0 if doc.page == "A4" else 2.0 * 1.414
    style = styles(scale)
    margin = 16 * mm * (1 if doc.page == "A4" else 1.414)
    title = style["title"]
    title.fontSize, title.leading = 24 * scale, 29 * scale
    body = style["body"]
    heading = style["h2"]
    story: list[object] = [Paragraph(escape(doc.title), title), Spacer(1, 4 * scale)]
    for kind, lines in blocks(doc.body):
        if kind == "heading":
            story.append(Paragraph(_inline(lines[0]), heading))
        elif kind == "text":
            story.append(Paragraph(_inline(" ".join(lines)), body))
            story.append(Spacer(1, 4 * scale))
        else:
            items = [
                ListItem(Paragraph(_inline(text), body), spaceAfter=3 * scale) for text in lines
            ]
            numbers = kind == "numbers"
            # The marker starts 2 points in; after the widest one ("12.") a gap of almost
            # half the letter size, so "1." never touches its text.
            marker = f"{len(lines)}." if numbers else "•"
            font = FONT_BOLD if numbers else FONT
            room = 2 * scale + stringWidth(marker, font, body.fontSize) + 0.45 * body.fontSize
            indent = max(10 * scale, room)
            story.append(
                ListFlowable(
                    items,
                    bulletType="1" if numbers else "bullet",
                    start="1" if numbers else "•",
                    bulletFormat="%s." if numbers else None,
                    bulletFontName=font,
                    bulletFontSize=body.fontSize,
                    leftIndent=indent,
                    bulletDedent=indent - 2 * scale,
                )
            )
    width = size[0] - 2 * margin
    height = size[1] - 2 * margin - 8 * mm
    frame = KeepInFrame(width, height, story, mode="shrink")

    # One page: the footer line, but no page number.
    footer = Footer(doc.footer, numbered=False, baseline=margin * 0.6, font_size=8 * scale)
    build_document(
        path,
        [frame],
        doc.title,
        footer,
        page=doc.page,
        side=margin,
        top=margin,
        bottom=margin + 8 * mm,
    )
