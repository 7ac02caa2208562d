import base64
import json
from datetime import datetime, timezone

from schemas.articles import DeadLetter
from streams.publish import account_for, expected_article_id, read_feed


def test_read_feed_flags_bad_lines_and_skips_blank_ones(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"id": "a", "title": "t", "body": "b"}\n\nnot json\n\xff\n')
    lines = list(read_feed(feed))
    assert [line.number for line in lines] == [1, 3, 4]
    assert lines[0].error is None and lines[0].key == b"a"
    assert "not JSON" in lines[1].error and "UTF-8" in lines[2].error


def test_every_payload_is_indexed_dead_lettered_or_pending():
    good = json.dumps({"id": "1", "title": "t", "body": "b", "lang": "en"}).encode()
    bad = b"not json"
    late = json.dumps({"id": "2", "title": "t", "body": "b", "lang": "en"}).encode()
    letter = DeadLetter.for_payload(bad, stage="normalise", error_kind="invalid_json", error_message="x")
    accounting = account_for([good, bad, late], indexed_ids={expected_article_id(good)}, dead_letters=[letter])
    assert (accounting.indexed, accounting.dead_lettered, accounting.pending) == (1, 1, 1)
    assert not accounting.done


def test_dead_letter_keeps_the_original_bytes():
    payload = b"\xff\x00 binary"
    letter = DeadLetter.for_payload(payload, stage="normalise", error_kind="invalid_utf8", error_message="x",
                                    failed_at=datetime.now(timezone.utc))
    assert letter.payload() == payload and letter.payload_size == len(payload)
    assert base64.b64decode(json.loads(letter.model_dump_json())["payload_base64"]) == payload


def test_foreign_record_on_the_dead_letter_topic_is_shown_not_fatal():
    from types import SimpleNamespace

    from streams.deadletters import format_dead_letter, parse_dead_letter

    record = SimpleNamespace(value=b"hello", topic="news.deadletter", partition=0, offset=7, timestamp=1_700_000_000_000)
    letter = parse_dead_letter(record)
    assert letter.error_kind == "not_a_dead_letter" and letter.payload() == b"hello"
    assert "news.deadletter/0@7" in format_dead_letter(letter)
