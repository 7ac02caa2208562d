"""Dead letters replayed once their cause is fixed end indexed, once, however often they are replayed; `coopwatch stats` shows it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from streams.publish import wait_until_accounted

from .conftest import coopwatch, raw_message, start_worker, stop_worker
from .faults import indexed_count, publish_all, wait_until


def stats(settings) -> dict:
    result = coopwatch(settings, "stats", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_replayed_dead_letters_are_indexed_once(own, es, producer):
    settings = own("replay", max_body_chars=1000)
    marker = uuid.uuid4().hex[:8]
    long_ones = [raw_message(id=f"{marker}-long-{n}", body="Moroccan and Spanish police met in Rabat. " * 60) for n in range(5)]
    junk = [f"not json {marker}-{n}".encode() for n in range(3)]
    worker = start_worker(settings, "strict")
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, long_ones + junk)
        accounting = wait_until_accounted(settings, long_ones + junk, since=since, timeout_seconds=180)
        assert (accounting.indexed, accounting.dead_lettered) == (0, 8), worker.log_path.read_text()[-3000:]
    finally:
        stop_worker(worker)

    fixed = settings.model_copy(update={"max_body_chars": 1_000_000})  # the cause, fixed
    worker = start_worker(fixed, "fixed")
    try:
        dry = coopwatch(fixed, "deadletters", "replay", "--kind", "body_too_large", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert f"would replay 5 dead letters: 5 to {settings.topic_raw}" in dry.stdout
        assert next(t for t in stats(fixed)["topics"] if t["topic"] == settings.topic_raw)["messages_in"] == 8

        for attempt in (1, 2):  # replaying twice creates no duplicate
            result = coopwatch(fixed, "deadletters", "replay", "--stage", "normalise", "--kind", "body_too_large", "--since", "1h")
            assert result.returncode == 0, result.stderr
            assert f"replayed 5 dead letters: 5 to {settings.topic_raw}" in result.stdout
            assert wait_until(lambda: indexed_count(es, settings) == 5, timeout=180), worker.log_path.read_text()[-3000:]
        assert wait_until(lambda: all(row["lag"] == 0 for row in stats(fixed)["lag"]), timeout=120)
        feed_ids = [json.loads(p)["id"] for p in long_ones]
        documents = es.count(index=settings.articles_alias, query={"terms": {"feed_id": feed_ids}})["count"]
        print(f"FAULT replay: published 8, dead-lettered 8 (5 body_too_large, 3 invalid_json), replayed 5 twice, "
              f"indexed {documents}, duplicated {documents - 5}")
        assert documents == 5

        figures = stats(fixed)
        assert {(row["kind"], row["count"]) for row in figures["dead_letters"]} == {("body_too_large", 5), ("invalid_json", 3)}
        assert next(t for t in figures["topics"] if t["topic"] == settings.topic_raw)["messages_in"] == 18
        (articles,) = [row for row in figures["indices"] if row["alias"] == settings.articles_alias]
        assert articles["behind_alias"] and articles["documents"] == 5
        text = coopwatch(fixed, "stats").stdout
        assert "dead letters: 8" in text and f"<- {settings.articles_alias}" in text
    finally:
        stop_worker(worker)
