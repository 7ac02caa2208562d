"""Index stage: EnrichedArticle -> bulk actions -> Elasticsearch.

Building the actions (pure, testable without a cluster) is kept apart from
sending them (``Indexer``), which reports a result per document so that a
refused document is dead-lettered instead of lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from typing import Any, Iterable

from elasticsearch import Elasticsearch
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import ConnectionTimeout
from elasticsearch.helpers import async_streaming_bulk

from schemas.articles import CooperationEvent, EnrichedArticle
from streams.clients import async_elasticsearch_client
from streams.settings import Settings

log = logging.getLogger(__name__)

TEMPLATE_NAMES = ("news-articles", "coop-events", "coop-incidents")
COMPONENT_NAMES = ("coopwatch-analysis",)


def index_name(alias: str, version: int) -> str:
    return f"{alias}-v{version}"


def article_document(article: EnrichedArticle, *, indexed_at: datetime) -> dict[str, Any]:
    """The news-articles document: flat keyword facets for Kibana, provenance kept in ``tags``."""
    return {
        "@timestamp": article.published_at.isoformat(),
        "article_id": article.article_id,
        "feed_id": article.feed_id,
        "url": article.url,
        "source": article.source,
        "language": article.language,
        "language_source": article.language_source,
        "published_at_source": article.published_at_source,
        "published_at_precision": article.published_at_precision,
        "published_at_raw": article.published_at_raw,
        "warnings": article.warnings,
        "unreadable_fields": article.unreadable_fields,
        "title": article.title,
        "body": article.text,
        "persons": sorted({p.name for p in article.persons}),
        "organizations": sorted({o.label for o in article.organizations}),
        "organization_names": sorted({o.name for o in article.organizations}),
        "countries": sorted({c.code for c in article.countries}),
        "country_pairs": sorted({e.country_pair for e in article.events if len(e.countries) > 1}),
        "topics": sorted({t.topic for t in article.topics}),
        "event_types": sorted({e.type for e in article.events}),
        "events": [
            {
                "event_id": e.event_id,
                "type": e.type,
                "countries": e.countries,
                "country_pair": e.country_pair,
                "location": e.location,
                "evidence": e.evidence,
            }
            for e in article.events
        ],
        "tags": {
            "persons": [p.model_dump() for p in article.persons],
            "organizations": [o.model_dump() for o in article.organizations],
            "countries": [c.model_dump() for c in article.countries],
            "topics": [t.model_dump() for t in article.topics],
        },
        "received_at": article.received_at.isoformat(),
        "enriched_at": article.enriched_at.isoformat(),
        "indexed_at": indexed_at.isoformat(),
        "enricher_version": article.enricher_version,
    }


def event_document(event: CooperationEvent, article: EnrichedArticle, *, indexed_at: datetime) -> dict[str, Any]:
    return {
        "@timestamp": event.published_at.isoformat(),
        "event_id": event.event_id,
        "article_id": article.article_id,
        "type": event.type,
        "countries": event.countries,
        "country_pair": event.country_pair,
        "location": event.location,
        "evidence": event.evidence,
        "trigger": event.trigger,
        "persons": event.persons,
        "organizations": event.organizations,
        "article_title": article.title,
        "article_url": article.url,
        "source": article.source,
        "language": article.language,
        "indexed_at": indexed_at.isoformat(),
        "enricher_version": article.enricher_version,
    }


def bulk_actions(article: EnrichedArticle, settings: Settings, *, indexed_at: datetime | None = None) -> list[dict[str, Any]]:
    """Index actions with deterministic ids: a redelivered article overwrites itself and its events."""
    indexed_at = indexed_at or datetime.now(timezone.utc)
    actions = [
        {
            "_op_type": "index",
            "_index": settings.articles_alias,
            "_id": article.article_id,
            "_source": article_document(article, indexed_at=indexed_at),
        }
    ]
    actions += [
        {
            "_op_type": "index",
            "_index": settings.events_alias,
            "_id": event.event_id,
            "_source": event_document(event, article, indexed_at=indexed_at),
        }
        for event in article.events
    ]
    return actions


def stale_events_query(articles: Iterable[EnrichedArticle]) -> dict[str, Any]:
    """Events that an earlier enrichment of these articles produced and this one did not.

    Re-enriching history after a gazetteer change must not leave yesterday's events behind.
    """
    articles = list(articles)
    return {
        "bool": {
            "filter": [{"terms": {"article_id": [a.article_id for a in articles]}}],
            "must_not": [{"ids": {"values": [e.event_id for a in articles for e in a.events]}}],
        }
    }


def load_template(name: str) -> dict[str, Any]:
    """A template file as keyword arguments of the client (its ``_meta`` is the client's ``meta``)."""
    text = resources.files("schemas").joinpath("index_templates", f"{name}.json").read_text(encoding="utf-8")
    return {("meta" if key == "_meta" else key): value for key, value in json.loads(text).items()}


def ensure_indices(client: Elasticsearch, settings: Settings) -> None:
    """Install templates and create the versioned indices behind the aliases (idempotent)."""
    for name in COMPONENT_NAMES:
        client.cluster.put_component_template(name=name, **load_template(name))
    aliases = (settings.articles_alias, settings.events_alias, settings.incidents_alias)
    for name, alias in zip(TEMPLATE_NAMES, aliases):
        template = load_template(name)
        # The templates follow the configured aliases, so a second deployment
        # (or a test run) can live beside the first in one cluster.
        template["index_patterns"] = [f"{alias}-v*"]
        client.indices.put_index_template(name=alias, **template)
    for name, alias in zip(TEMPLATE_NAMES, aliases):
        concrete = index_name(alias, settings.index_version)
        if not client.indices.exists(index=concrete):
            client.indices.create(index=concrete, aliases={alias: {"is_write_index": True}})
        else:
            # An index made by an earlier release lacks the fields added since (its
            # mapping is strict): add them, or its new documents would be refused.
            client.indices.put_mapping(index=concrete, properties=load_template(name)["template"]["mappings"]["properties"])


@dataclass
class DocumentFailure:
    """A document Elasticsearch refused for good (mapping error, too large...), not a passing outage."""

    action: dict[str, Any]
    status: int
    reason: str


class Indexer:
    """Sends bulk actions; retries while Elasticsearch is unreachable or overloaded, reports refused documents."""

    def __init__(self, settings: Settings, *, retry_seconds: float = 2.0) -> None:
        self.settings = settings
        self.client = async_elasticsearch_client(settings)
        self.retry_seconds = retry_seconds

    async def write(self, actions: list[dict[str, Any]]) -> list[DocumentFailure]:
        attempt = 0
        while True:
            try:
                return await self._write_once(actions)
            except (ESConnectionError, ConnectionTimeout) as error:
                # Never acknowledge the batch while the cluster is away: offsets stay
                # uncommitted and the batch is written once Elasticsearch is back.
                attempt += 1
                delay = min(self.retry_seconds * attempt, 30.0)
                log.warning("Elasticsearch unreachable (%s); retrying batch of %d in %.0fs", error, len(actions), delay)
                await asyncio.sleep(delay)

    async def _write_once(self, actions: list[dict[str, Any]]) -> list[DocumentFailure]:
        failures: list[DocumentFailure] = []
        async for ok, item in async_streaming_bulk(
            self.client,
            actions,
            chunk_size=self.settings.index_batch_size,
            max_retries=5,  # 429 "too many requests" is retried with backoff by the helper
            initial_backoff=1,
            raise_on_error=False,
            raise_on_exception=True,
            yield_ok=False,
        ):
            if not ok:
                result = next(iter(item.values()))
                error = result.get("error", {})
                reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
                original = next(
                    (a for a in actions if a["_id"] == result.get("_id") and a["_index"] in (result.get("_index"), self._alias_of(result.get("_index")))),
                    {"_id": result.get("_id"), "_index": result.get("_index")},
                )
                failures.append(DocumentFailure(action=original, status=int(result.get("status", 0)), reason=reason))
        return failures

    def _alias_of(self, concrete: str | None) -> str | None:
        if concrete and "-v" in concrete:
            return concrete.rsplit("-v", 1)[0]
        return concrete

    async def delete_stale_events(self, articles: list[EnrichedArticle]) -> None:
        # Search then delete by id rather than _delete_by_query, which needs the
        # reindex module that minimal Elasticsearch distributions leave out.
        if not articles:
            return
        response = await self.client.search(
            index=self.settings.events_alias, query=stale_events_query(articles), size=1000, source=False
        )
        stale = [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]} for hit in response["hits"]["hits"]]
        if stale:
            await self._write_once(stale)

    async def close(self) -> None:
        await self.client.close()
