"""Publication dates as feeds write them, read into aware UTC datetimes at the precision they were given.

Feeds send ISO 8601 (sometimes at reduced precision: ``2024-06``, ``2024``,
``2024-W23``), RFC 2822, Unix timestamps, human dates in French, English or
Spanish (``12 mars 2024 à 10h15``, ``juin 2024``) and relative ones (``hier``,
``2 hours ago``). A relative date only means something against the moment the
message was received, so every reading takes that moment and nothing is cached
across messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

Precision = Literal["year", "month", "week", "day", "hour", "minute", "second"]

# Hints for dateparser: the languages our feeds write in, UTC for dates without a
# zone, the first of the month for "juin 2024", and the past for a year-less
# "12 mars" (a publication date is behind us).
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_DATES_FROM": "past",
    "DATE_ORDER": "DMY",
    "RETURN_TIME_AS_PERIOD": True,
}
_LANGUAGES = ["fr", "en", "es"]
# dateparser's periods, and how precise each reading is.
_PERIOD_PRECISION: dict[str, Precision] = {"year": "year", "month": "month", "week": "week", "day": "day", "time": "minute"}

# ISO 8601 shapes, only to tell the precision a feed gave; dateutil does the reading.
_ISO = re.compile(
    r"""^\d{4}
        (?:-?(?:W(?P<week>\d{2})(?:-?(?P<weekday>\d))?|(?P<month>\d{2})(?:-?(?P<day>\d{2}))?|(?P<ordinal>\d{3})))?
        (?:[T\s](?P<hour>\d{2})(?::?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,]\d+)?)?)?
           (?:Z|[+-]\d{2}(?::?\d{2})?)?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
# email.utils reads "October 5, 2023 7:15 PM" as 07:15: keep it to the RFC 2822 shape, "[Wed, ]17 Apr 2024 14:20".
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_SECONDS = re.compile(r"\d:\d{2}:\d{2}")
# Unix time in seconds or milliseconds (with an optional fraction).
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
# French writes times as "10h15"; dateparser reads "10:15" more reliably.
_FRENCH_HOUR = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})\b")
# "12 mars 2024 à 10:15" -> "12 mars 2024 10:15", but "il y a 2 heures" keeps its "a".
_FRENCH_AT = re.compile(r"(?<=\d)\s+(?:à|a|at)\s+(?=\d)", re.IGNORECASE)


class UnreadableDate(ValueError):
    pass


@dataclass(frozen=True)
class DateReading:
    """A publication time and how precisely the feed gave it (a month is stored as its first instant)."""

    moment: datetime
    precision: Precision


def to_utc(moment: datetime) -> datetime:
    """Dates without a zone are taken as UTC, the convention of news wires."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def start_of(moment: datetime, precision: Precision) -> datetime:
    """The first instant (UTC) of the period a date names: ``2024-06`` is 2024-06-01T00:00Z."""
    moment = to_utc(moment)
    if precision == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if precision == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if precision == "week":
        monday = moment - timedelta(days=moment.weekday())
        return monday.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if precision == "minute":
        return moment.replace(second=0, microsecond=0)
    return moment


def _iso_precision(match: re.Match[str]) -> Precision:
    for group, precision in (("second", "second"), ("minute", "minute"), ("hour", "hour"), ("day", "day"),
                             ("weekday", "day"), ("ordinal", "day"), ("week", "week"), ("month", "month")):
        if match.group(group):
            return precision  # type: ignore[return-value]
    return "year"


def _read_iso(text: str) -> DateReading | None:
    match = _ISO.match(text)
    if not match:
        return None
    from dateutil.parser import isoparse  # reads reduced precision (2024-06) and week dates, unlike fromisoformat

    try:
        moment = isoparse(text)
    except (ValueError, OverflowError) as error:
        # ISO-shaped but impossible ("2024-13"): no other reading would be more right.
        raise UnreadableDate(f"unreadable date {text[:80]!r}: {error}") from None
    precision = _iso_precision(match)
    return DateReading(start_of(moment, precision), precision)


def _read_rfc2822(text: str) -> DateReading | None:
    if not _RFC2822.match(text):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    precision: Precision = "second" if _SECONDS.search(text) else "minute"
    return DateReading(start_of(moment, precision), precision)


def _read_epoch(text: str) -> DateReading | None:
    if not _EPOCH.match(text):
        return None
    seconds = float(text)
    if seconds >= 1e11:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    return DateReading(datetime.fromtimestamp(seconds, tz=timezone.utc), "second")


def _read_human(text: str, received_at: datetime) -> DateReading | None:
    from dateparser.date import DateDataParser  # slow to import; most feeds send ISO dates and never need it

    human = _FRENCH_AT.sub(" ", _FRENCH_HOUR.sub(r"\1:\2", text))
    # A parser per message: its base is this message's receive time, so "hier"
    # never resolves against another message's clock.
    settings = {**_DATEPARSER_SETTINGS, "RELATIVE_BASE": to_utc(received_at).replace(tzinfo=None)}
    data = DateDataParser(languages=_LANGUAGES, settings=settings).get_date_data(human)
    if data.date_obj is None:
        return None
    precision = _PERIOD_PRECISION.get(data.period or "day", "day")
    if precision == "minute" and _SECONDS.search(human):
        precision = "second"
    return DateReading(start_of(data.date_obj, precision), precision)


def read_date(text: str, *, received_at: datetime) -> DateReading:
    """Read an ISO 8601, RFC 2822, Unix-time or human date (relative ones against ``received_at``).

    Raises UnreadableDate when nothing can be read.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UnreadableDate("empty date")
    reading = _read_iso(cleaned) or _read_rfc2822(cleaned) or _read_epoch(cleaned)
    # A bare small number ("2", "17") is not a date, though dateparser would make it a day of this month.
    if reading is None and not cleaned.isdigit():
        reading = _read_human(cleaned, received_at)
    if reading is None:
        raise UnreadableDate(
            f"unreadable date {text[:80]!r}: expected ISO 8601, RFC 2822, Unix time or a date such as '12 mars 2024 à 10h15'"
        )
    return reading


def parse_publication_date(text: str, *, now: datetime | None = None) -> datetime:
    """The instant a date names (its first instant for a month or a year); raise UnreadableDate otherwise."""
    return read_date(text, received_at=now or datetime.now(timezone.utc)).moment
