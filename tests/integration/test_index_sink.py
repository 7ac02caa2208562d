"""The index sink against the real Elasticsearch: stale events beyond one page of hits, hooks after the acknowledgement."""

from __future__ import annotations

import asyncio
import uuid

from elasticsearch.helpers import bulk

from streams.index import IndexSink

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
