"""Publication dates as feeds write them: full, partial, human, relative, unreadable."""

from datetime import datetime, timedelta, timezone

import pytest

from schemas.dates import UnreadableDate, read_date

RECEIVED = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, moment, precision",
    [
        ("2024-06", utc(2024, 6, 1), "month"),
        ("2024", utc(2024, 1, 1), "year"),
        ("2024-W23", utc(2024, 6, 3), "week"),
        ("2024-W23-2", utc(2024, 6, 4), "day"),
        ("2024-03-05", utc(2024, 3, 5), "day"),
        ("2024-03-05T09", utc(2024, 3, 5, 9), "hour"),
        ("2024-03-05T09:30", utc(2024, 3, 5, 9, 30), "minute"),
        ("2024-03-05T09:30:15+01:00", utc(2024, 3, 5, 8, 30, 15), "second"),
        ("Tue, 05 Mar 2024 09:30:00 +0100", utc(2024, 3, 5, 8, 30), "second"),
        ("juin 2024", utc(2024, 6, 1), "month"),
        ("June 2024", utc(2024, 6, 1), "month"),
        ("marzo de 2024", utc(2024, 3, 1), "month"),
        ("12 mars 2024 à 10h15", utc(2024, 3, 12, 10, 15), "minute"),
        ("lundi 4 mars 2024, 7h05", utc(2024, 3, 4, 7, 5), "minute"),
        ("Tuesday, March 5, 2024", utc(2024, 3, 5), "day"),
        ("March 5, 2024 7:15 PM", utc(2024, 3, 5, 19, 15), "minute"),
        ("3 de marzo de 2024", utc(2024, 3, 3), "day"),
        ("05-03-2024", utc(2024, 3, 5), "day"),
        ("1709631000", utc(2024, 3, 5, 9, 30), "second"),
        ("1709631000000", utc(2024, 3, 5, 9, 30), "second"),
    ],
)
def test_dates_are_read_at_the_precision_they_were_given(text, moment, precision):
    reading = read_date(text, received_at=RECEIVED)
    assert (reading.moment, reading.precision) == (moment, precision)


@pytest.mark.parametrize(
    "text, moment, precision",
    [
        ("hier", utc(2024, 5, 31), "day"),
        ("ayer", utc(2024, 5, 31), "day"),
        ("yesterday", utc(2024, 5, 31), "day"),
        ("il y a 2 heures", utc(2024, 6, 1, 10), "minute"),
        ("2 hours ago", utc(2024, 6, 1, 10), "minute"),
        ("hace 3 días", utc(2024, 5, 29), "day"),
        ("12 mars", utc(2024, 3, 12), "day"),  # no year: the last 12 March before the message came
    ],
)
def test_relative_dates_resolve_against_the_receive_time(text, moment, precision):
    reading = read_date(text, received_at=RECEIVED)
    assert (reading.moment, reading.precision) == (moment, precision)


def test_a_relative_date_is_never_resolved_against_another_messages_clock():
    first = read_date("il y a 2 heures", received_at=RECEIVED).moment
    a_week_later = read_date("il y a 2 heures", received_at=RECEIVED + timedelta(days=7)).moment
    again = read_date("il y a 2 heures", received_at=RECEIVED).moment
    assert a_week_later - first == timedelta(days=7)
    assert again == first


@pytest.mark.parametrize("text", ["the day after the summit", "someday soon", "2", "2024-13", "2024-02-30", "", "   "])
def test_unreadable_dates_raise(text):
    with pytest.raises(UnreadableDate):
        read_date(text, received_at=RECEIVED)
