"""Publication dates as feeds write them, read into aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

# dateparser copes with "12 mars 2024 à 10h15" or "March 12, 2024 10:15 am" but
# wants hints: the languages our feeds write in, and UTC for dates without a zone.
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "DMY",
    "STRICT_PARSING": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_LANGUAGES = ["fr", "en", "es"]
# French writes times as "10h15"; dateparser reads "10:15" more reliably.
_FRENCH_HOUR = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})\b")
_FRENCH_AT = re.compile(r"\s+(à|a|at)\s+", re.IGNORECASE)


class UnreadableDate(ValueError):
    pass


def to_utc(moment: datetime) -> datetime:
    """Dates without a zone are taken as UTC, the convention of news wires."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@lru_cache(maxsize=4096)
def parse_publication_date(text: str) -> datetime:
    """Read an ISO 8601, RFC 2822 or French/English/Spanish human date; raise UnreadableDate otherwise."""
    cleaned = text.strip()
    if not cleaned:
        raise UnreadableDate("empty date")
    try:
        return to_utc(datetime.fromisoformat(cleaned.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return to_utc(parsedate_to_datetime(cleaned))
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # slow to import; most feeds send ISO dates and never need it

    human = _FRENCH_AT.sub(" ", _FRENCH_HOUR.sub(r"\1:\2", cleaned))
    parsed = dateparser.parse(human, languages=_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        raise UnreadableDate(f"unreadable date {text[:80]!r}: expected ISO 8601, RFC 2822 or a date such as '12 mars 2024 à 10h15'")
    return to_utc(parsed)
