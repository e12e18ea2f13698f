"""Length limits of free text that travels between stations and the server, declared once:
the wire schemas enforce them, and whoever builds a message cuts to them."""

from __future__ import annotations

#: A person's or station's name on an alarm (responder, raised by, station name).
NAME_MAX = 80
#: Where an alarm was raised ("Balie 3, begane grond").
LOCATION_MAX = 120
#: The site a LAN alarm belongs to.
SITE_ID_MAX = 64
#: The author of a timeline event (a display name).
AUTHOR_MAX = 200
#: A note, message or follow-up remark on a report's timeline.
TEXT_MAX = 4000

#: The largest evidence file a report may carry (the form, the sync engine and the server).
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
#: The file types a report may carry, as lower-case suffixes.
ALLOWED_SUFFIXES = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".heic",
        ".pdf",
        ".txt",
        ".eml",
        ".msg",
        ".mp4",
        ".m4a",
        ".mp3",
        ".wav",
        ".docx",
    }
)
