"""`coopwatch reindex`: the next version is built re-enriched while the current one stays searchable, then the aliases swap."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timezone

from elasticsearch.helpers import bulk

from streams.index import alias_targets, bulk_actions, index_name
from streams.publish import expected_article_id, wait_until_accounted

from .conftest import coopwatch, raw_message, start_worker, stop_worker, wait_for_document, wait_for_events
from .faults import feed, publish_all
from ..unit.test_index_actions import enriched


class Watcher(threading.Thread):
    """Counts the articles behind the alias all along, as an analyst searching during the reindex would."""

    def __init__(self, es, alias: str) -> None:
        super().__init__(daemon=True)
        self.es, self.alias, self.counts, self.running = es, alias, [], True

    def run(self) -> None:
        while self.running:
            self.counts.append(self.es.count(index=self.alias)["count"])
            time.sleep(0.1)


def test_reindex_with_the_alias_swap(own, es, producer):
    settings = own("reindex")
    articles, events = settings.articles_alias, settings.events_alias
    payloads = feed(f"reindex-{uuid.uuid4().hex[:6]}", 9, 0)
    worker = start_worker(settings, "worker")
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, payloads)
        assert wait_until_accounted(settings, payloads, since=since, timeout_seconds=180).indexed == 9
        ids = [expected_article_id(p) for p in payloads]

        # Yesterday's enrichment: a stale tag and a ghost event that the current code no longer produces.
        es.update(index=articles, id=ids[0], doc={"enricher_version": "yesterday"}, refresh=True)
        ghost = {**wait_for_events(es, events, ids[0], until=bool)[0], "event_id": f"{ids[0]}-ghost"}
        es.index(index=events, id=ghost["event_id"], document=ghost, refresh=True)
        # An article the normalised topic no longer holds (retention): it must not vanish from the next version.
        gone = enriched(article_id=f"gone-{uuid.uuid4().hex[:8]}", events=[])
        bulk(es, bulk_actions(gone, settings), refresh=True)

        # Raising the index version alone no longer puts a second write index behind the alias.
        raised = coopwatch(settings.model_copy(update={"index_version": 2}), "setup")
        assert raised.returncode == 0, raised.stderr
        assert alias_targets(es, articles) == [index_name(articles, 1)]

        watcher = Watcher(es, articles)
        watcher.start()
        result = coopwatch(settings, "reindex", timeout=900)
        watcher.running = False
        watcher.join()
        print(result.stdout)
        assert result.returncode == 0, result.stderr
        assert "built version 2" in result.stdout
        assert min(watcher.counts) == 10, "searches during the reindex must see every article"

        assert alias_targets(es, articles) == [index_name(articles, 2)] and alias_targets(es, events) == [index_name(events, 2)]
        assert es.indices.exists(index=index_name(articles, 1)), "the old version is kept until the operator drops it"
        es.indices.refresh(index=[articles, events])
        assert es.count(index=articles)["count"] == 10 and es.get(index=articles, id=gone.article_id)["found"]
        assert es.get(index=articles, id=ids[0])["_source"]["enricher_version"] != "yesterday"
        old_events = {h["_id"] for h in es.search(index=index_name(events, 1), size=500, source=False)["hits"]["hits"]}
        new_events = {h["_id"] for h in es.search(index=events, size=500, source=False)["hits"]["hits"]}
        assert new_events == old_events - {ghost["event_id"]}

        # The workers now write to the new version.
        late = raw_message(id=f"after-swap-{uuid.uuid4().hex}")
        publish_all(producer, settings.topic_raw, [late])
        assert wait_for_document(es, index_name(articles, 2), expected_article_id(late), timeout=120) is not None

        # A build interrupted half-way is taken up again.
        for alias in (articles, events):
            es.indices.create(index=index_name(alias, 3))
        state = {"version": 3, "source": "normalised", "phase": "build", "from": {articles: [index_name(articles, 2)],
                 events: [index_name(events, 2)]}, "offsets": None, "ends": None, "after": None, "counts": {}}
        es.indices.put_mapping(index=index_name(articles, 3), meta={"coopwatch_reindex": state})
        resumed = coopwatch(settings, "reindex", timeout=900)
        print(resumed.stdout)
        assert resumed.returncode == 0, resumed.stderr
        assert "resumed version 3" in resumed.stdout
        assert alias_targets(es, articles) == [index_name(articles, 3)]
        es.indices.refresh(index=articles)
        assert es.count(index=articles)["count"] == 11
    finally:
        stop_worker(worker)
