"""coop-events equals the latest enrichment of each article: no ghost event after an article appears twice in one
batch, or after the stale-event step fails half-way."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

from schemas.articles import CooperationEvent
from streams.deadletters import read_dead_letters
from streams.stats import committed_offsets

from .conftest import start_worker, stop_worker
from .faults import FaultProxy, es_error_body, wait_until
from ..unit.test_index_actions import enriched

T = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def version(article_id: str, label: str, *event_types: str):
    events = [CooperationEvent(event_id=f"{article_id}-{kind}", article_id=article_id, type=kind, countries=["FR", "MA"],
                               evidence=f"They met ({kind}).", published_at=T) for kind in event_types]
    return enriched(article_id=article_id, enricher_version=label, events=events)


def send(producer, settings, *articles) -> None:
    futures = [producer.send(settings.topic_enriched, key=a.article_id.encode(), value=a.model_dump_json().encode()) for a in articles]
    producer.flush()
    for future in futures:
        future.get(timeout=30)


def events_of(es, settings, article_id: str) -> set[str]:
    es.indices.refresh(index=settings.events_alias)
    hits = es.search(index=settings.events_alias, query={"term": {"article_id": article_id}}, size=100, source=False)["hits"]["hits"]
    return {hit["_id"] for hit in hits}


def enricher_version(es, settings, article_id: str) -> str | None:
    found = es.options(ignore_status=404).get(index=settings.articles_alias, id=article_id)
    return found["_source"]["enricher_version"] if found.get("found") else None


def test_an_article_twice_in_one_batch_keeps_only_its_latest_events(own, es, producer):
    settings = own("twice", index_batch_seconds=1.0)
    article_id = f"twice-{uuid.uuid4().hex[:8]}"
    worker = start_worker(settings, "index", "--stages", "index")
    try:
        send(producer, settings, version(article_id, "v0", "meeting", "visit", "training"))
        assert wait_until(lambda: len(events_of(es, settings, article_id)) == 3, timeout=120), worker.log_path.read_text()[-3000:]
        # Two re-enrichments back to back: the same batch; the last one wins, its one event alone remains.
        send(producer, settings, version(article_id, "v1", "meeting", "agreement"), version(article_id, "v2", "extradition"))
        assert wait_until(lambda: enricher_version(es, settings, article_id) == "v2", timeout=60)
        time.sleep(2)
        assert events_of(es, settings, article_id) == {f"{article_id}-extradition"}
    finally:
        stop_worker(worker)


def test_a_stale_event_step_failing_half_way_is_retried_not_skipped(own, es, producer):
    settings = own("stale-fault")
    # The articles and events are written (the first bulk request); deleting the stale events fails.
    proxy = FaultProxy(settings.elasticsearch_url)
    bulks = []

    def after_the_first_bulk(method: str, path: str):
        if proxy.on and "_bulk" in path:
            bulks.append(path)
            if len(bulks) > 1:
                return 503, "application/json", es_error_body(503, "unavailable_shards_exception", "primary shard is not active")
        return None

    proxy.answer = after_the_first_bulk
    article_id = f"stale-{uuid.uuid4().hex[:8]}"
    worker = start_worker(settings.model_copy(update={"elasticsearch_url": proxy.url}), "index", "--stages", "index")
    try:
        send(producer, settings, version(article_id, "v0", "meeting", "visit"))
        assert wait_until(lambda: len(events_of(es, settings, article_id)) == 2, timeout=120), worker.log_path.read_text()[-3000:]
        # The worker is done with that first batch once it committed its offset (else the fault would hold it back).
        assert wait_until(lambda: sum(committed_offsets(settings).values()) == 1, timeout=60)
        proxy.on = True
        send(producer, settings, version(article_id, "v1", "meeting"))
        assert wait_until(lambda: enricher_version(es, settings, article_id) == "v1", timeout=60)
        time.sleep(8)
        assert proxy.answered > 0 and worker.poll() is None
        assert len(events_of(es, settings, article_id)) == 2  # not removed yet: the step waits, it is not skipped
        proxy.on = False
        assert wait_until(lambda: events_of(es, settings, article_id) == {f"{article_id}-meeting"}, timeout=60)
        assert read_dead_letters(settings, timeout_seconds=3) == []
    finally:
        stop_worker(worker)
        proxy.close()
