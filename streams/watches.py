"""Watch lists: kept in a compacted Kafka topic, matched against each indexed batch.

A watch's query is built by the same functions as ``coopwatch search``, so a
watch matches exactly the articles that search would show. Matching a batch
takes one Elasticsearch round trip for every watch at once: an ``_msearch``
of a few screening searches, in each of which the batch's ids are the query
and each watch a bucket of a ``filters`` aggregation, whose buckets say which
articles each watch matched; a second, small request fetches the title, URL
and highlights of the pairs that matched, watch by watch. The local
Elasticsearch has no percolator, and this needs none.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from kafka import TopicPartition
from pydantic import ValidationError

from schemas.alerts import Alert, Watch, alert_id_for
from streams.clients import kafka_consumer, kafka_producer
from streams.search import facet_clauses, highlight_request, text_query
from streams.settings import Settings

log = logging.getLogger(__name__)

# Watches per screening search: an _msearch runs its searches side by side, so a
# long watch list is split over the search threads instead of queueing on one.
WATCHES_PER_SEARCH = 250
ALERT_SOURCE_FIELDS = ["title", "url", "source", "@timestamp", "received_at"]


def watch_query(watch: Watch) -> dict[str, Any]:
    """The watch as a query: its Lucene text and every filter it names, as the search command builds them."""
    return {
        "bool": {
            "must": [text_query(watch.query)],
            "filter": facet_clauses(
                persons=watch.persons, organizations=watch.agencies, countries=watch.countries,
                topics=watch.topics, event_types=watch.event_types,
            ),
        }
    }


# --- storage: the compacted topic -----------------------------------------------------------


def save_watch(settings: Settings, watch: Watch) -> None:
    """Write the watch under its name; returns once the broker has it."""
    _write(settings, watch.name, watch.model_dump_json().encode("utf-8"))


def remove_watch(settings: Settings, name: str) -> None:
    """A tombstone: compaction drops the watch, and every reader forgets it."""
    _write(settings, name, None)


def _write(settings: Settings, name: str, value: bytes | None) -> None:
    producer = kafka_producer(settings, client_id=f"{settings.app_id}-watches")
    try:
        producer.send(settings.topic_watches, key=name.encode("utf-8"), value=value).get(timeout=30)
    finally:
        producer.close()


class WatchBook:
    """The current watches, read from the compacted topic and caught up on demand.

    ``refresh`` reads up to the topic's end as it is when called, so a watch
    saved before a batch is matched is always seen by that batch. It reads
    without a consumer group: every reader needs every watch.
    """

    def __init__(self, settings: Settings, *, timeout_seconds: float = 10.0) -> None:
        self.settings = settings
        self.timeout_seconds = timeout_seconds
        self.watches: dict[str, Watch] = {}
        self._consumer = kafka_consumer(settings, enable_auto_commit=False, group_id=None)
        self._partitions: list[TopicPartition] = []

    def refresh(self) -> dict[str, Watch]:
        if not self._partitions:
            numbers = self._consumer.partitions_for_topic(self.settings.topic_watches) or set()
            self._partitions = [TopicPartition(self.settings.topic_watches, n) for n in sorted(numbers)]
            if not self._partitions:
                return dict(self.watches)  # no topic yet: no watch yet
            self._consumer.assign(self._partitions)
            self._consumer.seek_to_beginning(*self._partitions)
        end_offsets = self._consumer.end_offsets(self._partitions)
        deadline = time.monotonic() + self.timeout_seconds
        while any(self._consumer.position(tp) < end_offsets[tp] for tp in self._partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.settings.topic_watches} gave nothing for {self.timeout_seconds:.0f}s before its end")
            for records in self._consumer.poll(timeout_ms=500).values():
                deadline = time.monotonic() + self.timeout_seconds  # a long list takes long: only a stall is a fault
                for record in records:
                    self._apply(record.key, record.value)
        return dict(self.watches)

    def _apply(self, key: bytes | None, value: bytes | None) -> None:
        name = (key or b"").decode("utf-8", errors="replace")
        if value is None:
            self.watches.pop(name, None)
            return
        try:
            watch = Watch.model_validate_json(value)
        except ValidationError as error:
            log.warning("ignoring record %r of %s: not a watch: %s", name, self.settings.topic_watches, error.errors()[0]["msg"])
            return
        self.watches[watch.name] = watch

    def close(self) -> None:
        self._consumer.close()


def read_watches(settings: Settings) -> dict[str, Watch]:
    book = WatchBook(settings)
    try:
        return book.refresh()
    finally:
        book.close()


def query_error(client, settings: Settings, watch: Watch) -> str | None:
    """Elasticsearch's own reason why the watch's query cannot run, or None when it is valid."""
    response = client.indices.validate_query(index=settings.articles_alias, query=watch_query(watch), explain=True).body
    if response.get("valid"):
        return None
    reasons = [e.get("error") for e in response.get("explanations", []) if e.get("error")]
    return readable_refusal(reasons[0] if reasons else response.get("error", "invalid query"))


def readable_refusal(reason: str) -> str:
    """Elasticsearch's explanation without the shard prefix, Java class names and the parser's list of expected tokens."""
    reason = re.sub(r"^\[[^\]]*\]\s*", "", reason)
    reason = re.sub(r"\b(?:[a-z_]+\.)+[A-Z]\w*(?:Exception|Error): ", "", reason)
    return reason.split("\nWas expecting")[0].strip()


def count_matches(client, settings: Settings, watch: Watch) -> int:
    """How many already indexed articles the watch matches: what `coopwatch search` shows for it."""
    return client.count(index=settings.articles_alias, query=watch_query(watch))["count"]


# --- matching: pure request builders and readers -------------------------------------------


def watch_search(watch: Watch, article_ids: Sequence[str]) -> dict[str, Any]:
    """One watch's search over the given articles, with highlights and what an alert shows."""
    return {
        "query": {"bool": {"must": [watch_query(watch)], "filter": [{"ids": {"values": list(article_ids)}}]}},
        "size": len(article_ids),
        "track_total_hits": False,
        "_source": ALERT_SOURCE_FIELDS,
        "highlight": highlight_request(),
    }


def msearch_body(index: str, searches: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    for search in searches:
        body += [{"index": index}, search]
    return body


def screening_search(watches: Sequence[Watch], article_ids: Sequence[str]) -> dict[str, Any]:
    """Which of the batch's articles each of these watches matches, in one search: a ``filters`` bucket per watch.

    The batch's ids are sent once, and each watch is one filter: nothing is
    scored or fetched, and each watch's query is its own query for
    Elasticsearch's clause limit.
    """
    return {
        "size": 0,
        "query": {"ids": {"values": list(article_ids)}},
        "aggs": {
            "watches": {
                "filters": {"filters": {watch.name: watch_query(watch) for watch in watches}},
                "aggs": {"articles": {"terms": {"field": "article_id", "size": len(article_ids)}}},
            }
        },
    }


def matched_articles(response: dict[str, Any]) -> dict[str, list[str]]:
    """Watch name -> ids of the batch's articles it matched, from a screening search's response."""
    buckets = response["aggregations"]["watches"]["buckets"]
    return {name: [b["key"] for b in bucket["articles"]["buckets"]] for name, bucket in buckets.items() if bucket["doc_count"]}


def search_error(response: dict[str, Any]) -> tuple[int, str] | None:
    """(status, Elasticsearch's reason) of a failed search of an _msearch, or None if it succeeded."""
    if "error" not in response:
        return None
    error = response["error"]
    reason = error.get("root_cause", [{}])[0].get("reason") if isinstance(error, dict) else None
    return int(response.get("status", 500)), reason or str(error)


def is_transient(status: int) -> bool:
    """Overload or a node away: wait and retry. Any other refusal is the query's own fault."""
    return status == 429 or status >= 500


class MatchingError(RuntimeError):
    """Elasticsearch could not run the watches for now (overloaded, a shard away): retry the batch's alerts."""


def alerts_from_responses(
    watches: Sequence[Watch], responses: Sequence[dict[str, Any]], *, matched_at: datetime | None = None
) -> list[Alert]:
    """One alert per hit of each watch's search (``responses`` in the order of ``watches``)."""
    matched_at = matched_at or datetime.now(timezone.utc)
    alerts = []
    for watch, response in zip(watches, responses, strict=True):
        if "error" in response:
            continue  # the caller reads the errors
        for hit in response["hits"]["hits"]:
            document = hit["_source"]
            highlight = hit.get("highlight", {})
            alerts.append(Alert(
                alert_id=alert_id_for(watch.name, hit["_id"]),
                watch=watch.name,
                article_id=hit["_id"],
                title=document.get("title", ""),
                url=document.get("url"),
                source=document.get("source"),
                published_at=document["@timestamp"],
                received_at=document.get("received_at"),
                highlights=[" ".join(fragment.split()) for field in ("title", "body") for fragment in highlight.get(field, [])],
                matched_at=matched_at,
            ))
    return alerts


@dataclass
class MatchResult:
    alerts: list[Alert]
    broken: dict[str, str] = field(default_factory=dict)  # watch name -> why Elasticsearch refused its query


@dataclass
class Matcher:
    """Every watch against a batch of indexed article ids.

    One round trip screens every watch; a second, for the watches that
    matched, fetches what the alerts show and their highlights. A watch whose
    query Elasticsearch refuses is set aside, never silencing the others: a
    refused group of watches is split in halves until the culprit is alone.
    """

    client: Any  # AsyncElasticsearch
    index: str
    per_search: int = WATCHES_PER_SEARCH

    async def match(self, watches: Sequence[Watch], article_ids: Sequence[str]) -> MatchResult:
        result = MatchResult(alerts=[])
        if not watches or not article_ids:
            return result
        groups = [list(watches[start:start + self.per_search]) for start in range(0, len(watches), self.per_search)]
        matches: dict[str, list[str]] = {}
        while groups:
            responses = await self._msearch(screening_search(group, article_ids) for group in groups)
            refused = []
            for group, response in zip(groups, responses):
                error = search_error(response)
                if error is None:
                    matches.update(matched_articles(response))
                elif is_transient(error[0]):
                    raise MatchingError(f"Elasticsearch could not screen the watches ({error[0]}): {error[1]}")
                elif len(group) == 1:
                    result.broken[group[0].name] = error[1]
                else:
                    refused += [group[: len(group) // 2], group[len(group) // 2:]]
            groups = refused
        matched = [watch for watch in watches if watch.name in matches]
        if not matched:
            return result
        responses = await self._msearch(watch_search(watch, matches[watch.name]) for watch in matched)
        for watch, response in zip(matched, responses):
            error = search_error(response)
            if error is not None:
                if is_transient(error[0]):
                    raise MatchingError(f"Elasticsearch could not fetch the alerts of {watch.name!r} ({error[0]}): {error[1]}")
                result.broken[watch.name] = error[1]
        result.alerts = alerts_from_responses(matched, responses)
        for name, reason in result.broken.items():
            log.warning("watch %r skipped for this batch: Elasticsearch refused its query: %s", name, reason)
        return result

    async def _msearch(self, searches: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        response = await self.client.msearch(index=self.index, searches=msearch_body(self.index, searches))
        return response["responses"]
