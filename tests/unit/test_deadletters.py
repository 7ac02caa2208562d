"""The dead-letter record format (Kafka Connect's convention) and the replay selection."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from schemas.articles import DeadLetter
from streams.deadletters import format_dead_letter, parse_dead_letter, parse_since, replayable, select_letters

T = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def record(value: bytes, headers=(), key: bytes | None = None, offset: int = 7):
    return SimpleNamespace(value=value, key=key, headers=list(headers), topic="news.deadletter", partition=1,
                           offset=offset, timestamp=int(T.timestamp() * 1000))


def letter(**fields) -> DeadLetter:
    base = dict(stage="normalise", error_kind="invalid_json", error_message="message is not JSON", failed_at=T,
                topic="news.raw", partition=2, offset=41, key=b"feed-1", payload=b"\xff\x00 not json")
    base.update(fields)
    return DeadLetter(**base)


def test_a_dead_letter_is_the_original_record_with_its_context_in_headers():
    original = letter()
    parsed = parse_dead_letter(record(original.payload, original.headers(), key=original.key))
    assert parsed.payload == b"\xff\x00 not json" and parsed.key == b"feed-1"
    assert (parsed.stage, parsed.error_kind, parsed.error_message) == ("normalise", "invalid_json", "message is not JSON")
    assert (parsed.topic, parsed.partition, parsed.offset, parsed.failed_at) == ("news.raw", 2, 41, T)
    assert parsed.format == "coopwatch" and parsed.position == "news.deadletter/1@7"


@pytest.mark.parametrize("stage", ["normalise", "enrich", "index", "incidents"])
def test_every_stage_is_read_back_as_the_stage_that_wrote_it(stage):
    original = letter(stage=stage)
    assert parse_dead_letter(record(original.payload, original.headers(), key=original.key)).stage == stage


def test_kafka_connect_header_names_are_written_too():
    headers = dict(letter().headers())
    assert headers["__connect.errors.topic"] == b"news.raw"
    assert headers["__connect.errors.offset"] == b"41"
    assert headers["__connect.errors.exception.message"] == b"message is not JSON"


def test_a_dead_letter_is_never_much_larger_than_its_message():
    huge = letter(payload=b"x" * 14 * 1024 * 1024, error_message="why " * 100_000)
    context = sum(len(name) + len(value) for name, value in huge.headers())
    assert context < 8 * 1024  # the dead-letter topic allows its messages' limit plus 64 KiB


def test_kafka_connect_dead_letters_are_read():
    headers = [("__connect.errors.topic", b"orders"), ("__connect.errors.partition", b"0"), ("__connect.errors.offset", b"12"),
               ("__connect.errors.stage", b"VALUE_CONVERTER"),
               ("__connect.errors.exception.class.name", b"org.apache.kafka.connect.errors.DataException"),
               ("__connect.errors.exception.message", b"Converting byte[] to Kafka Connect data failed")]
    parsed = parse_dead_letter(record(b"{bad", headers))
    assert parsed.format == "kafka-connect" and parsed.stage == "unknown"
    assert (parsed.topic, parsed.partition, parsed.offset) == ("orders", 0, 12)
    assert parsed.error_kind.endswith("DataException") and parsed.failed_at == T
    assert "(Kafka Connect dead letter)" in format_dead_letter(parsed)


def test_dead_letters_of_the_older_json_format_are_read_and_replayable():
    old = (b'{"stage": "index", "error_kind": "elasticsearch_403", "error_message": "blocked", '
           b'"failed_at": "2024-03-05T09:30:00Z", "topic": "news.enriched", "partition": 0, "offset": 3, '
           b'"key": "abc", "payload_base64": "eyJhIjogMX0=", "payload_size": 8, "payload_preview": "{\\"a\\": 1}"}')
    parsed = parse_dead_letter(record(old))
    assert parsed.format == "legacy-json" and parsed.payload == b'{"a": 1}' and parsed.key_text == "abc"
    assert (parsed.stage, parsed.error_kind, parsed.topic, parsed.offset) == ("index", "elasticsearch_403", "news.enriched", 3)
    assert "older coopwatch format" in format_dead_letter(parsed)


def test_foreign_record_on_the_dead_letter_topic_is_shown_not_fatal():
    parsed = parse_dead_letter(record(b"hello"))
    assert parsed.format == "foreign" and parsed.error_kind == "not_a_dead_letter" and parsed.payload == b"hello"
    text = format_dead_letter(parsed)
    assert "unknown position" in text and "not a dead letter" in text
    assert replayable([parsed]) == ([], [parsed])  # nowhere to send it back to


def test_since_takes_iso_times_and_ages():
    now = datetime(2024, 3, 5, 12, 0, tzinfo=timezone.utc)
    assert parse_since("2024-03-05", now=now) == datetime(2024, 3, 5, tzinfo=timezone.utc)
    assert parse_since("2024-03-05T10:00+02:00", now=now) == datetime(2024, 3, 5, 8, tzinfo=timezone.utc)
    assert parse_since("90m", now=now) == now - timedelta(minutes=90)
    assert parse_since("2d", now=now) == now - timedelta(days=2)
    with pytest.raises(ValueError, match="not a time"):
        parse_since("yesterday-ish", now=now)


def test_replay_selection_by_stage_kind_and_time():
    letters = [letter(), letter(stage="index", error_kind="elasticsearch_403_cluster_block_exception", failed_at=T + timedelta(hours=1))]
    assert select_letters(letters, stage="index") == letters[1:]
    assert select_letters(letters, kind="invalid_json") == letters[:1]
    assert select_letters(letters, since=T + timedelta(minutes=30)) == letters[1:]
    assert select_letters(letters) == letters
