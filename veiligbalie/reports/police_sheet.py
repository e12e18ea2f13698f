"""The police-report sheet ("Aangifte voorbereiden"): what the employee or the team lead takes
to the police. The organisation is the address for the report (domicile at the employer): the
sheet never carries the employee's own address, phone or e-mail. Written in our own words.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from veiligbalie.core.incident import Incident
from veiligbalie.reports.common import (
    Letterhead,
    Styles,
    build_pdf,
    format_date,
    key_value_table,
    language_of,
    letterhead_block,
)
from veiligbalie.reports.layout import FONT, escape

__all__ = ["EvidenceItem", "PoliceSheet", "build_police_sheet"]

CATEGORY = {
    "nl": {
        "verbal_aggression": "verbale agressie",
        "threat": "bedreiging",
        "intimidation": "intimidatie",
        "discrimination": "discriminatie",
        "physical_violence": "fysiek geweld",
        "property_damage": "vernieling / schade",
        "online_abuse": "online agressie",
        "doxing": "doxing",
        "other": "anders",
    },
    "en": {
        "verbal_aggression": "verbal aggression",
        "threat": "threat",
        "intimidation": "intimidation",
        "discrimination": "discrimination",
        "physical_violence": "physical violence",
        "property_damage": "property damage",
        "online_abuse": "online abuse",
        "doxing": "doxing",
        "other": "other",
    },
}
CHANNEL = {
    "nl": {
        "counter": "aan de balie",
        "phone": "telefonisch",
        "email_letter": "per e-mail of brief",
        "online": "online / sociale media",
        "home_visit": "bij een huisbezoek",
        "outdoors": "buiten",
    },
    "en": {
        "counter": "at the counter",
        "phone": "by phone",
        "email_letter": "by e-mail or letter",
        "online": "online / social media",
        "home_visit": "on a home visit",
        "outdoors": "outdoors",
    },
}

TEXT = {
    "nl": {
        "title": "Aangifte voorbereiden",
        "intro": "Overzicht voor de politie bij de aangifte van melding {ref}, opgesteld op "
        "{made}. Neem dit blad en de bewijsstukken mee naar het politiebureau.",
        "vpt_head": "Geweld tegen een werknemer met een publieke taak (VPT)",
        "vpt": "Dit incident trof een medewerker tijdens het uitvoeren van een publieke taak. "
        "Vermeld bij de aangifte uitdrukkelijk de code <b>VPT</b>. Politie, Openbaar "
        "Ministerie en werkgevers hebben afgesproken dat deze zaken met voorrang worden "
        "behandeld; het Openbaar Ministerie eist in deze zaken een hogere straf.",
        "domicile_head": "Adres voor de aangifte (domicilie bij de werkgever)",
        "domicile": "Gebruik bij de aangifte het adres van de organisatie hieronder, niet het "
        "privéadres, het privételefoonnummer of het privé-e-mailadres van de medewerker.",
        "org": "Organisatie",
        "address": "Postadres",
        "contact": "Contactpersoon werkgever",
        "facts": "Wat er gebeurde",
        "when": "Datum en tijd",
        "where": "Plaats",
        "how": "Hoe",
        "categories": "Soort incident",
        "description": "Wat er is gezegd en gedaan",
        "notes": "Aanvullingen",
        "consequences": "Gevolgen",
        "perpetrator": "Dader",
        "witnesses": "Getuigen",
        "none": "geen",
        "unknown": "onbekend",
        "evidence": "Bewijsstukken",
        "file": "Bestand",
        "checksum": "SHA-256-controlegetal",
        "no_evidence": "Er zijn geen bestanden bij deze melding.",
        "police_number": "Registratienummer aangifte (politie)",
        "police_date": "Datum aangifte",
        "injury": "letsel",
        "damage": "schade",
        "absence": "verzuim",
        "police_called": "politie ter plaatse",
        "arrest": "aanhouding",
        "reference": "Melding",
    },
    "en": {
        "title": "Preparing the police report",
        "intro": "Summary for the police for the report of incident {ref}, made on {made}. "
        "Take this sheet and the evidence with you to the police station.",
        "vpt_head": "Violence against a worker with a public task (VPT)",
        "vpt": "This incident hit an employee while carrying out a public task. State the "
        "code <b>VPT</b> explicitly in the police report. Police, the Public Prosecution "
        "Service and employers agreed to handle these cases with priority; the Public "
        "Prosecution Service asks for a higher sentence in these cases.",
        "domicile_head": "Address for the report (domicile at the employer)",
        "domicile": "Use the organisation's address below in the report, not the employee's "
        "home address, private phone number or private e-mail address.",
        "org": "Organisation",
        "address": "Postal address",
        "contact": "Employer's contact person",
        "facts": "What happened",
        "when": "Date and time",
        "where": "Place",
        "how": "How",
        "categories": "Kind of incident",
        "description": "What was said and done",
        "notes": "Additions",
        "consequences": "Consequences",
        "perpetrator": "Perpetrator",
        "witnesses": "Witnesses",
        "none": "none",
        "unknown": "unknown",
        "evidence": "Evidence",
        "file": "File",
        "checksum": "SHA-256 checksum",
        "no_evidence": "There are no files with this report.",
        "police_number": "Police report number",
        "police_date": "Date of the report",
        "injury": "injury",
        "damage": "damage",
        "absence": "absence from work",
        "police_called": "police on the scene",
        "arrest": "arrest",
        "reference": "Report",
    },
}


@dataclass(frozen=True)
class EvidenceItem:
    name: str
    sha256: str
    size: int = 0


@dataclass(frozen=True)
class PoliceSheet:
    """Everything the sheet shows. ``notes`` are the additions in order (time, text)."""

    incident: Incident
    letterhead: Letterhead
    reference: str
    evidence: Sequence[EvidenceItem] = ()
    notes: Sequence[tuple[datetime, str]] = ()
    show_perpetrator: bool = False
    made_at: datetime = field(default_factory=lambda: datetime.now().astimezone())


def build_police_sheet(
    sheet: PoliceSheet,
    language: str,
    target: Path | io.BytesIO,
    progress: Callable[[int], None] | None = None,
) -> None:
    lang = language_of(language)
    t = TEXT[lang]
    s = Styles()
    inc = sheet.incident
    head = sheet.letterhead
    story: list[Flowable] = [letterhead_block(head, s, lang), Spacer(1, 6 * mm)]
    story.append(Paragraph(f"{t['title']} — {escape(sheet.reference)}", s.title))
    story.append(
        Paragraph(
            t["intro"].format(
                ref=escape(sheet.reference), made=format_date(sheet.made_at, lang, True)
            ),
            s.body,
        )
    )
    story.append(Paragraph(t["vpt_head"], s.heading))
    story.append(Paragraph(t["vpt"], s.body))

    story.append(Paragraph(t["domicile_head"], s.heading))
    story.append(Paragraph(t["domicile"], s.body))
    story.append(Spacer(1, 2 * mm))
    story.append(
        key_value_table(
            [
                (t["org"], escape(head.name)),
                (t["address"], "<br/>".join(escape(x) for x in head.address_lines(lang))),
                (t["contact"], escape(head.contact_line() or t["unknown"])),
            ],
            s,
        )
    )

    story.append(Paragraph(t["facts"], s.heading))
    categories = ", ".join(CATEGORY[lang].get(c.value, c.value) for c in sorted(inc.categories))
    consequences = [
        t[name]
        for name in ("injury", "damage", "absence", "police_called", "arrest")
        if getattr(inc, name)
    ]
    rows: list[tuple[str, str]] = [
        (t["reference"], escape(sheet.reference)),
        (t["when"], format_date(inc.occurred_at, lang, True)),
        (t["where"], escape(inc.location or t["unknown"])),
        (t["how"], CHANNEL[lang].get(inc.channel.value, inc.channel.value)),
        (t["categories"], escape(categories)),
        (t["description"], escape(inc.description)),
    ]
    for moment, text in sheet.notes:
        rows.append((t["notes"], f"{format_date(moment, lang, True)}: {escape(text)}"))
    rows.append((t["consequences"], escape(", ".join(consequences) or t["none"])))
    if sheet.show_perpetrator and inc.perpetrator_known:
        who = " — ".join(x for x in (inc.perpetrator_description, inc.perpetrator_reference) if x)
        rows.append((t["perpetrator"], escape(who or t["unknown"])))
    rows.append((t["witnesses"], escape("\n".join(inc.witnesses) or t["none"])))
    story.append(key_value_table(rows, s))

    story.append(Paragraph(t["evidence"], s.heading))
    if sheet.evidence:
        data = [[Paragraph(t["file"], s.label), Paragraph(t["checksum"], s.label)]]
        for item in sheet.evidence:
            data.append([Paragraph(escape(item.name), s.small), Paragraph(item.sha256, s.tiny)])
        table = Table(data, colWidths=[50 * mm, 114 * mm], repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(table)
    else:
        story.append(Paragraph(t["no_evidence"], s.body))

    story.append(Spacer(1, 6 * mm))
    box = Table(
        [
            [Paragraph(t["police_number"], s.label), ""],
            [Paragraph(t["police_date"], s.label), ""],
        ],
        colWidths=[64 * mm, 100 * mm],
        rowHeights=[12 * mm, 12 * mm],
        hAlign="LEFT",
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(box)
    build_pdf(story, lang, f"{t['title']} {sheet.reference}", target, progress)
