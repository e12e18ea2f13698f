"""The police-report sheet and the letters, built from realistic data and read back with
pypdf: what must be on them is there, and the employee's private details are nowhere."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support.pdf import dutch_with_pending
from veiligbalie.core.incident import DESCRIPTION_MAX, Incident
from veiligbalie.core.letters import LetterKind, TemplateError, check_template, fill_template
from veiligbalie.core.vocabulary import Category, Channel
from veiligbalie.reports.common import Letterhead, format_date
from veiligbalie.reports.letters import build_letter, shipped_template, standard_values
from veiligbalie.reports.police_sheet import EvidenceItem, PoliceSheet, build_police_sheet

HEAD = Letterhead(
    "Gemeente Ĳsselmonde",
    "Postbus 1234\n3000 AB Rotterdam",
    "Marieke de Vries",
    "coördinator agressie en geweld",
    "010 123 45 67",
    "veiligheid@ijsselmonde.nl",
)
#: The employee's own details: they exist (in HR, in the reporter's head) but must never
#: reach a document for the police or the perpetrator.
PRIVATE = ("Lindelaan 7", "3011 XY", "06 12345678", "eline.brouwer@gmail.com")

INCIDENT = Incident(
    description='De klant schreeuwde "ik weet waar je woont" en gooide een stoel tegen de '
    "balie. Schade € 250, de stoel is kapot.",
    categories=frozenset({Category.THREAT, Category.PROPERTY_DAMAGE}),
    occurred_at=datetime(2026, 11, 30, 9, 15, tzinfo=UTC),
    location="Stadswinkel Noord, balie 3",
    reporter="Eline Brouwer",
    channel=Channel.COUNTER,
    witnesses=("Jan Jansen", "Noor El Amrani"),
    damage=True,
)
SHA = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def police_sheet(language: str = "nl") -> bytes:
    out = io.BytesIO()
    build_police_sheet(
        PoliceSheet(
            INCIDENT,
            HEAD,
            "VB-2026-000012",
            evidence=[EvidenceItem("foto-balie.jpg", SHA, 123_456)],
            notes=[(datetime(2026, 11, 30, 10, 0, tzinfo=UTC), "Camerabeelden opgevraagd.")],
            made_at=datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
        ),
        language,
        out,
    )
    return out.getvalue()


def ban_values(language: str = "nl") -> dict[str, str]:
    values = standard_values(
        HEAD,
        "VB-2026-000012",
        INCIDENT.occurred_at,
        datetime(2026, 12, 2, 10, tzinfo=UTC),
        language,
    )
    values.update(
        recipient="de heer P. de Boer",
        behaviour="u bedreigde onze medewerker en gooide een stoel tegen de balie.",
        house_rule="Wie medewerkers bedreigt, kan de toegang worden ontzegd (artikel 4).",
        ban_start="3 december 2026",
        ban_end="2 juni 2027",
        locations="Stadswinkel Noord en Stadhuis",
        channels="alleen per brief",
    )
    return values


def test_police_sheet_has_the_organisation_vpt_and_checksums_not_the_employee() -> None:
    text = flat(text_of(police_sheet()))
    assert "Postbus 1234" in text and "3000 AB Rotterdam" in text
    assert "Gemeente Ĳsselmonde" in text or "Gemeente IJsselmonde" in text
    assert "VPT" in text and "hogere straf" in text
    assert SHA in text.replace(" ", "") and "foto-balie.jpg" in text
    assert "Marieke de Vries" in text and "010 123 45 67" in text
    assert "Registratienummer aangifte" in text
    assert "30 november 2026, 10:15" in text  # local time, Dutch date
    assert "ik weet waar je woont" in text and "Camerabeelden opgevraagd" in text
    assert "Jan Jansen" in text and "bedreiging" in text
    assert "€ 250" in text
    assert "pagina 1 van" in text
    for private in PRIVATE:
        assert private not in text


def test_a_description_longer_than_a_page_flows_onto_the_next() -> None:
    """The longest description the form takes, in short lines, and a long note: every
    word is on the sheet (the row splits over pages; it used to fail with LayoutError)."""
    lines = [f"Regel {n}: de klant bleef roepen en sloeg op de balie." for n in range(1, 200)]
    description = "\n".join(lines)[:DESCRIPTION_MAX]
    assert len(description) == DESCRIPTION_MAX
    kept = description.splitlines()[-1]
    long_note = " ".join(["Camerabeelden opgevraagd en bekeken met de teamleider."] * 60)
    out = io.BytesIO()
    incident = dataclasses.replace(INCIDENT, description=description)
    build_police_sheet(
        PoliceSheet(
            incident,
            HEAD,
            "VB-2026-000013",
            notes=[(datetime(2026, 11, 30, 10, 0, tzinfo=UTC), long_note + " Einde notitie.")],
        ),
        "nl",
        out,
    )
    reader = PdfReader(io.BytesIO(out.getvalue()))
    text = flat(text_of(out.getvalue()))
    assert len(reader.pages) >= 3
    assert "Regel 1: de klant" in text and flat(kept) in text and "Einde notitie." in text


def test_police_sheet_without_address_says_so_in_english() -> None:
    out = io.BytesIO()
    build_police_sheet(PoliceSheet(INCIDENT, Letterhead("Waterschap Delta"), "VB-1"), "en", out)
    text = flat(text_of(out.getvalue()))
    assert "has not filled in its postal address yet" in text
    assert "VPT" in text and "page 1 of 1" in text


def test_ban_letter_states_period_scope_rule_and_objection() -> None:
    out = io.BytesIO()
    build_letter(
        LetterKind.ACCESS_BAN,
        shipped_template(LetterKind.ACCESS_BAN, "nl"),
        ban_values(),
        HEAD,
        "nl",
        out,
    )
    text = flat(text_of(out.getvalue()))
    assert "3 december 2026 tot en met 2 juni 2027" in text
    assert "Stadswinkel Noord en Stadhuis" in text and "alleen per brief" in text
    assert "artikel 4" in text and "bezwaar" in text and "zes weken" in text
    assert "13 januari 2027" in text  # six weeks after 2 December 2026
    assert "Postbus 1234" in text
    for private in PRIVATE:
        assert private not in text


@pytest.mark.parametrize("kind", list(LetterKind))
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_shipped_template_is_valid_and_fills(kind: LetterKind, language: str) -> None:
    template = shipped_template(kind, language)
    check_template(kind, template)
    values = ban_values(language) | {
        "talk_date": "8 december 2026, 10:00",
        "talk_place": "Stadhuis",
    }
    assert "{" not in fill_template(kind, template, values)


def test_a_bad_template_is_refused_naming_the_field() -> None:
    good = shipped_template(LetterKind.ACCESS_BAN, "nl")
    with pytest.raises(TemplateError) as unknown:
        check_template(LetterKind.ACCESS_BAN, good + "\n{ban_eind}")
    assert unknown.value.field == "ban_eind" and "ban_eind" in str(unknown.value)
    with pytest.raises(TemplateError) as missing:
        check_template(LetterKind.ACCESS_BAN, good.replace("{ban_end}", "later"))
    assert missing.value.problem == "missing_field" and "ban_end" in str(missing.value)
    with pytest.raises(TemplateError) as empty:
        fill_template(LetterKind.ACCESS_BAN, good, ban_values() | {"locations": " "})
    assert empty.value.field == "locations"


def test_a_letter_numbers_its_pages_in_its_own_language_not_the_uis(qapp: Any) -> None:
    # The footer is the reports' one, which numbers pages in the UI language: a letter in
    # English made while the UI speaks Dutch must still say "page 1 of 1".
    out = io.BytesIO()
    with dutch_with_pending(qapp):
        template = shipped_template(LetterKind.WARNING, "en")
        build_letter(LetterKind.WARNING, template, ban_values("en"), HEAD, "en", out)
    text = flat(text_of(out.getvalue()))
    assert "page 1 of 1" in text and "pagina" not in text


def test_dates_in_dutch_and_english() -> None:
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March 00:30 in Amsterdam
    assert format_date(moment, "nl_NL", True) == "2 maart 2026, 00:30"
    assert format_date(moment, "en") == "2 March 2026"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_documents_render_to_png(tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(police_sheet())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    pngs = list(tmp_path.glob("p*.png"))
    assert pngs and pngs[0].stat().st_size > 5_000


def test_a_letter_on_the_response_task_travels_with_its_details() -> None:
    from veiligbalie.protocol.sync import FollowUpPayload

    payload = FollowUpPayload.model_validate(
        {
            "event_id": "0190f0f0-0000-7000-8000-000000000001",
            "kind": "perpetrator_response",
            "action": "done",
            "done_at": "2026-12-02T10:00:00Z",
            "details": {
                "measure": "access_ban",
                "letter_kind": "access_ban",
                "letter_made_at": "2026-12-02T10:00:00Z",
                "letter_made_by": "Els Bakker",
            },
        }
    )
    assert payload.details["letter_kind"] == "access_ban"
    assert payload.details["letter_made_by"] == "Els Bakker"
    assert payload.details["letter_made_at"].startswith("2026-12-02T10:00:00")
