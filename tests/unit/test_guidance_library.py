"""GuidanceLibrary on a real local store: search, organisation cards replacing the shipped
ones, the refresher reminder (once, by a controllable clock) and prevention checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.clock import Clock
from veiligbalie import settings
from veiligbalie.services.guidance import GuidanceLibrary, add_months
from veiligbalie.store.database import Database

ORG_CARD = """---
id: huisregels
title: Onze huisregels
situation: tijdens
related: [grenzen-stellen]
---
Bij ons geldt: geen geweld, geen bedreiging. Wie de regel breekt, krijgt een brief.
"""

NEW_CARD = ORG_CARD.replace("id: huisregels", "id: parkeren").replace(
    "Onze huisregels", "Parkeerplaats"
)


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database.open()
    yield database
    database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))


@pytest.fixture
def library(qapp, db: Database, clock: Clock) -> GuidanceLibrary:  # noqa: ANN001
    return GuidanceLibrary(db, clock=clock)


def test_search_matches_every_word_in_title_tags_or_text(library: GuidanceLibrary) -> None:
    assert [c.id for c in library.search("doxing", "nl")][0] == "online-agressie"
    assert [c.id for c in library.search("armlengte", "nl")] == ["de-escaleren"]
    assert library.search("armlengte doxing", "nl") == []
    assert len(library.search("", "en")) == 9
    # A title hit ranks above a hit in the text only.
    assert library.search("aangifte", "nl")[0].id == "aangifte-doen"


def test_organisation_cards_replace_and_add_and_survive_a_restart(
    library: GuidanceLibrary, db: Database, clock: Clock
) -> None:
    changes: list[None] = []
    library.changed.connect(lambda: changes.append(None))
    assert library.store_organisation_cards(
        [("huisregels", "nl", 1, ORG_CARD), ("parkeren", "nl", 1, NEW_CARD)]
    )
    assert not library.store_organisation_cards(
        [("huisregels", "nl", 1, ORG_CARD), ("parkeren", "nl", 1, NEW_CARD)]
    )
    assert len(changes) == 1
    nl = {c.id: c for c in library.cards("nl")}
    assert nl["huisregels"].title == "Onze huisregels" and len(nl) == 10
    assert library.is_organisation_card(nl["huisregels"])
    # English has no organisation text: the shipped English card stays; a Dutch-only new
    # card is still found for an English reader.
    assert library.card("huisregels", "en").title == "House rules"
    assert library.card("parkeren", "en").title == "Parkeerplaats"
    again = GuidanceLibrary(db, clock=clock)
    assert again.card("huisregels", "nl").title == "Onze huisregels"
    # The server withdrew its cards: the shipped default is back.
    assert library.store_organisation_cards([])
    assert library.card("huisregels", "nl").title == "Huisregels"


def test_a_broken_stored_card_is_skipped_not_fatal(library: GuidanceLibrary) -> None:
    library.store_organisation_cards([("huisregels", "nl", 1, "geen front-matter")])
    assert library.card("huisregels", "nl").title == "Huisregels"


def test_add_months_keeps_the_end_of_the_month() -> None:
    assert add_months(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2027, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2027, 1, 15, tzinfo=UTC)


def test_reminder_once_when_never_done_and_once_per_due_date(
    library: GuidanceLibrary, clock: Clock
) -> None:
    assert library.take_reminder("an")  # never done: remind, once
    assert not library.take_reminder("an")
    library.record_refresher("an")
    assert library.last_refresher("an") == clock.now
    clock.now = add_months(clock.now, 6) - timedelta(seconds=1)
    assert not library.take_reminder("an")
    clock.now += timedelta(seconds=2)
    assert library.take_reminder("an")
    assert not library.take_reminder("an")
    assert library.take_reminder("bo")  # per user


def test_an_older_date_never_replaces_a_newer_one(library: GuidanceLibrary) -> None:
    newer = datetime(2026, 3, 1, tzinfo=UTC)
    library.record_refresher("an", newer)
    library.record_refresher("an", newer - timedelta(days=10), synced=True)
    assert library.last_refresher("an") == newer
    assert library.refresher_unsynced("an") == newer
    library.mark_refresher_synced("an", newer)
    assert library.refresher_unsynced("an") is None


def test_refresh_interval_setting(library: GuidanceLibrary, clock: Clock) -> None:
    library.record_refresher("an", clock.now)
    settings.GUIDANCE_REFRESH_MONTHS.set(2)
    assert library.next_refresher("an") == add_months(clock.now, 2)


def test_prevention_checks_keep_open_points_per_place(library: GuidanceLibrary) -> None:
    with pytest.raises(ValueError, match="site or counter"):
        library.save_prevention_check("  ", {})
    with pytest.raises(ValueError, match="unknown prevention items: laser"):
        library.save_prevention_check("Balie 1", {"laser": True})
    library.save_prevention_check("Balie 1", {"escape_route": True}, checked_on=date(2026, 1, 5))
    newest = library.save_prevention_check(
        "balie 1", dict.fromkeys(("escape_route", "alarm_in_reach"), True)
    )
    library.save_prevention_check("Balie 2", {}, checked_on=date(2026, 2, 1))
    latest = library.latest_per_place()
    assert [(c.place, c.checked_on) for c in latest] == [
        ("balie 1", date(2026, 3, 31)),
        ("Balie 2", date(2026, 2, 1)),
    ]
    assert latest[0].open_points == [
        "counter_visible",
        "waiting_area_calm",
        "house_rules_visible",
        "staff_trained",
    ]
    assert len(library.prevention_checks(unsynced=True)) == 3
    library.mark_prevention_synced(newest.id)
    assert len(library.prevention_checks(unsynced=True)) == 2
