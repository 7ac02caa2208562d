import json

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
    letter = DeadLetter(payload=bad, stage="normalise", error_kind="invalid_json", error_message="x")
    accounting = account_for([good, bad, late], indexed_ids={expected_article_id(good)}, dead_letters=[letter])
    assert (accounting.indexed, accounting.dead_lettered, accounting.pending) == (1, 1, 1)
    assert not accounting.done
