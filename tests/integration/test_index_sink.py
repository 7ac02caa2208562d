"""The index sink against the real Elasticsearch: stale events beyond one page of hits, hooks after the acknowledgement,
the articles' refresh slowed for a backlog."""

from __future__ import annotations

import asyncio
import uuid

from elasticsearch.helpers import bulk

from streams.index import IndexSink, RefreshPace

from .test_coop_events import events_of, version


def test_more_stale_events_than_one_page_are_all_removed(own, es):
    settings = own("many-stale")
    article_id = f"many-{uuid.uuid4().hex[:8]}"
    template = version(article_id, "v0", "meeting")
    ghosts = [{"_index": settings.events_alias, "_id": f"{article_id}-ghost-{n:05d}",
               "_source": {"event_id": f"{article_id}-ghost-{n:05d}", "article_id": article_id, "type": "meeting",
                           "evidence": "yesterday's reading", "@timestamp": template.published_at.isoformat()}}
              for n in range(2500)]
    bulk(es, ghosts, refresh=True)
    assert es.count(index=settings.events_alias, query={"term": {"article_id": article_id}})["count"] == 2500

    async def write():
        sink = IndexSink(settings)
        try:
            return await sink.write([template])
        finally:
            await sink.close()

    result = asyncio.run(write())
    assert [a.article_id for a in result.written] == [article_id] and result.refused == {}
    assert events_of(es, settings, article_id) == {f"{article_id}-meeting"}


def test_after_write_hooks_get_the_articles_once_elasticsearch_has_them(own, es):
    settings = own("hooks")
    articles = [version(f"hook-{uuid.uuid4().hex[:8]}", "v1", "visit") for _ in range(3)]
    seen: list[tuple[str, bool]] = []

    async def watch_list(written):
        # What a watch-list stage does: look the articles up by id, as written.
        seen.extend((a.article_id, es.get(index=settings.articles_alias, id=a.article_id)["found"]) for a in written)

    async def write():
        sink = IndexSink(settings, after_write=[watch_list])
        try:
            await sink.write(articles + articles[:1])  # an article twice in one batch is written, and seen, once
        finally:
            await sink.close()

    asyncio.run(write())
    assert seen == [(a.article_id, True) for a in articles[1:] + articles[:1]]


def refresh_interval_of(es, alias: str) -> str:
    found = es.indices.get_settings(index=alias, name="index.refresh_interval")
    return next(iter(found.body.values()))["settings"]["index"]["refresh_interval"]


def visible(es, settings, article_id: str) -> tuple[int, int]:
    """How many of the article's document and events a search sees."""
    query = {"bool": {"should": [{"ids": {"values": [article_id]}}, {"term": {"article_id": article_id}}]}}
    return tuple(es.count(index=alias, query=query)["count"] for alias in (settings.articles_alias, settings.events_alias))


def test_a_backlog_slows_the_refreshes_and_its_end_shows_articles_and_events_at_once(own, es):
    # a backlog's pace long enough that only the pace's own refresh can show what was written
    settings = own("pace", index_refresh_seconds=0.5, event_indices_refresh_seconds=1, index_refresh_seconds_backlogged=60)
    article = version(f"pace-{uuid.uuid4().hex[:8]}", "v1", "visit")
    aliases = (settings.articles_alias, settings.events_alias)

    async def backlog_then_caught_up() -> tuple[list[str], tuple[int, int], list[str], tuple[int, int]]:
        sink = IndexSink(settings)
        pace = RefreshPace(settings, sink.client)
        try:
            await pace.follow(True)
            await sink.write([article])
            await asyncio.sleep(2.0)     # four of the articles' usual refreshes, two of the events'
            during = ([refresh_interval_of(es, alias) for alias in aliases], visible(es, settings, article.article_id))
            await pace.follow(False)
            return (*during, [refresh_interval_of(es, alias) for alias in aliases], visible(es, settings, article.article_id))
        finally:
            await sink.close()

    slowed, seen_during, back, seen_after = asyncio.run(backlog_then_caught_up())
    assert (slowed, seen_during) == (["60000ms", "60000ms"], (0, 0))
    assert (back, seen_after) == (["500ms", "1000ms"], (1, 1))     # no wait for the next refresh
