"""End to end: raw messages on Kafka become searchable documents, or dead letters with a reason."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from streams.deadletters import read_dead_letters
from streams.publish import expected_article_id, wait_until_accounted

from tests.shared_files import shared_file

from .conftest import coopwatch, publish, raw_message, wait_for_document, wait_for_events

SAMPLE_FEED = Path(__file__).resolve().parents[2] / "deploy" / "sample" / "feed.jsonl"


def seed_message(feed_id: str) -> bytes:
    sample = json.loads(SAMPLE_FEED.read_text(encoding="utf-8").splitlines()[0])
    sample.update(id=feed_id, url=None)
    return json.dumps(sample, ensure_ascii=False).encode("utf-8")


def test_sample_feed_carries_the_seed_article() -> None:
    first = json.loads(SAMPLE_FEED.read_text(encoding="utf-8").splitlines()[0])
    seed = shared_file("seed-article.txt")
    assert first["body"].strip() == seed.read_text(encoding="utf-8").strip()


def test_seed_is_searchable_within_30_seconds_with_its_entities_and_event(settings, es, producer, worker) -> None:
    payload = seed_message(f"seed-{uuid.uuid4().hex}")
    article_id = expected_article_id(payload)
    started = time.monotonic()
    publish(producer, settings, payload)
    document = wait_for_document(es, settings.articles_alias, article_id, timeout=30)
    latency = time.monotonic() - started
    assert document is not None, "seed not indexed within 30 s"
    print(f"seed publish-to-searchable latency: {latency:.2f} s")

    assert {"Abdellatif Hammouchi", "Nicolas Lerner", "Frédéric Veaux"} <= set(document["persons"])
    assert {"DGSN", "DGST", "DGSI"} <= set(document["organizations"])
    assert document["countries"] == ["FR", "MA"]
    assert document["language"] == "fr"

    def fr_ma_in(events: list[dict]) -> list[dict]:
        return [e for e in events if e["country_pair"] == "FR-MA" and e["location"] == "MA"]

    events = wait_for_events(es, settings.events_alias, article_id, until=fr_ma_in)
    fr_ma_in_morocco = fr_ma_in(events)
    assert fr_ma_in_morocco, f"no FR-MA event located in MA among {events}"
    assert all(len(e["evidence"]) > 20 for e in fr_ma_in_morocco)
    assert any("Maroc" in e["evidence"] for e in fr_ma_in_morocco)


def test_a_message_delivered_twice_is_one_document(settings, es, producer, worker) -> None:
    feed_id = f"twice-{uuid.uuid4().hex}"
    payload = raw_message(id=feed_id, title="Police cooperation", body="French and Spanish police met in Madrid on Monday.")
    since = publish(producer, settings, payload, payload)
    accounting = wait_until_accounted(settings, [payload, payload], since=since, timeout_seconds=60)
    assert accounting.indexed == 2 and accounting.done
    es.indices.refresh(index=settings.articles_alias)
    count = es.count(index=settings.articles_alias, query={"term": {"feed_id": feed_id}})["count"]
    assert count == 1


def test_malformed_messages_are_dead_lettered_with_a_reason_and_the_next_good_one_is_indexed(settings, es, producer, worker) -> None:
    marker = uuid.uuid4().hex
    bad = {
        "invalid_json": b"{not json " + marker.encode(),
        "no_text": json.dumps({"id": f"no-title-{marker}", "source": "x"}).encode(),
        "invalid_utf8": b'{"id": "bad-utf8-' + marker.encode() + b'", "title": "caf\xe9", "body": "x"}',
        "body_too_large": raw_message(id=f"huge-{marker}", body="x" * 5_000_000),
    }
    good = raw_message(id=f"good-{marker}", title="After the bad ones", body="Moroccan and Belgian police exchanged intelligence.")
    payloads = list(bad.values()) + [good]
    since = publish(producer, settings, *payloads)

    accounting = wait_until_accounted(settings, payloads, since=since, timeout_seconds=90)
    assert (accounting.indexed, accounting.dead_lettered, accounting.pending) == (1, 4, 0)

    letters = {letter.payload: letter for letter in read_dead_letters(settings) if letter.failed_at >= since}
    for expected_kind, payload in bad.items():
        letter = letters[payload]
        assert letter.stage == "normalise"
        assert letter.error_kind == expected_kind, (expected_kind, letter.error_message)
        assert letter.error_message
        assert letter.topic == settings.topic_raw and letter.offset is not None
    assert "title" in letters[bad["no_text"]].error_message
    assert worker.poll() is None, "the worker must survive bad input"


def test_published_equals_indexed_plus_dead_lettered(settings, producer, worker, tmp_path) -> None:
    """The count check an operator runs: a feed file with bad lines mixed in, every message accounted for."""
    marker = uuid.uuid4().hex
    lines = []
    for n in range(12):
        lines.append(raw_message(id=f"mix-{marker}-{n}", body=f"Spanish and Moroccan police arrested {n} suspects in Tangier."))
        if n % 4 == 0:
            lines.append(b"not json at all " + str(n).encode())
        if n % 5 == 0:
            lines.append(json.dumps({"id": f"mix-{marker}-notext-{n}", "source": "no title, no body"}).encode())
    feed = tmp_path / "mixed.jsonl"
    feed.write_bytes(b"\n".join(lines) + b"\n")

    result = coopwatch(settings, "publish", str(feed), "--send-invalid", "--wait", "120")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"sent {len(lines)} messages" in result.stdout
    assert "12 indexed, 6 dead-lettered, 0 still pending" in result.stdout
    print(result.stdout)


def test_search_command_finds_the_seed_without_accents(settings, es, producer, worker) -> None:
    payload = seed_message(f"seed-search-{uuid.uuid4().hex}")
    since = publish(producer, settings, payload)
    assert wait_until_accounted(settings, [payload], since=since, timeout_seconds=60).indexed == 1

    result = coopwatch(settings, "search", "securite interieure")
    assert result.returncode == 0, result.stderr
    assert "Hammouchi reçoit le patron de la DGSI" in result.stdout
    assert "**" in result.stdout  # the matching words are highlighted

    result = coopwatch(settings, "search", 'persons:"Nicolas Lerner"', "--country", "MA", "--json")
    hits = json.loads(result.stdout)["hits"]
    assert hits and all("MA" in hit["_source"]["countries"] for hit in hits)


def test_deadletters_command_says_what_was_rejected_and_why(settings, producer, worker) -> None:
    payload = json.dumps({"id": f"cli-notext-{uuid.uuid4().hex}", "source": "x", "title": "<p> </p>"}).encode()
    since = publish(producer, settings, payload)
    assert wait_until_accounted(settings, [payload], since=since, timeout_seconds=60).dead_lettered == 1
    result = coopwatch(settings, "deadletters")
    assert result.returncode == 0, result.stderr
    assert "stage=normalise" in result.stdout and "not an article: title has no text once HTML is removed and no body" in result.stdout


def test_re_enriched_article_replaces_its_events(settings, es, producer, worker) -> None:
    """After a gazetteer change, re-enriching history must not leave yesterday's events behind."""
    from datetime import datetime, timezone

    from schemas.articles import CooperationEvent, EnrichedArticle

    payload = seed_message(f"seed-reenrich-{uuid.uuid4().hex}")
    since = publish(producer, settings, payload)
    assert wait_until_accounted(settings, [payload], since=since, timeout_seconds=60).indexed == 1
    article_id = expected_article_id(payload)
    document = es.get(index=settings.articles_alias, id=article_id)["_source"]
    assert len(document["events"]) >= 2

    kept = document["events"][0]
    now = datetime.now(timezone.utc)
    re_enriched = EnrichedArticle(
        article_id=article_id, id_basis="feed_id", title=document["title"], text=document["body"],
        published_at=document["@timestamp"], language="fr", language_source="feed", received_at=now, enriched_at=now,
        enricher_version="next",
        events=[CooperationEvent(event_id=kept["event_id"], article_id=article_id, type=kept["type"], countries=kept["countries"],
                                 location=kept["location"], evidence=kept["evidence"], published_at=document["@timestamp"])],
    )
    producer.send(settings.topic_enriched, key=article_id.encode(), value=re_enriched.model_dump_json().encode()).get(timeout=30)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        es.indices.refresh(index=settings.events_alias)
        events = es.search(index=settings.events_alias, query={"term": {"article_id": article_id}}, size=50)["hits"]["hits"]
        if [e["_id"] for e in events] == [kept["event_id"]]:
            break
        time.sleep(0.5)
    assert [e["_id"] for e in events] == [kept["event_id"]]
