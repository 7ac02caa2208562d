"""Throughput and latency of a running pipeline, measured end to end on real services."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


from streams.publish import expected_article_id, read_feed, wait_until_accounted
from streams.clients import kafka_producer
from streams.settings import Settings


def benchmark_payloads(feed: Path, count: int, run_id: str) -> list[bytes]:
    """``count`` valid raw messages cycled from a feed file, each with an id of its own."""
    templates = []
    for line in read_feed(feed):
        if line.error is None:
            document = json.loads(line.payload)
            if isinstance(document, dict) and document.get("title") and document.get("body") and expected_article_id(line.payload):
                templates.append(document)
    if not templates:
        raise ValueError(f"{feed} has no valid article to benchmark with")
    payloads = []
    for n in range(count):
        document = dict(templates[n % len(templates)], id=f"bench-{run_id}-{n}", source="benchmark")
        document.pop("url", None)
        payloads.append(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    return payloads


@dataclass
class BenchmarkResult:
    messages: int
    indexed: int
    dead_lettered: int
    seconds: float
    latencies: list[float]

    def report(self) -> str:
        rate = self.indexed / self.seconds if self.seconds else 0.0
        lines = [
            f"messages: {self.messages}, indexed: {self.indexed}, dead-lettered: {self.dead_lettered}",
            f"all accounted for after {self.seconds:.1f} s: {rate:.1f} articles/s end to end",
        ]
        if self.latencies:
            ordered = sorted(self.latencies)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            lines.append(f"publish-to-indexed latency: median {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s")
        return "\n".join(lines)


def run_benchmark(settings: Settings, feed: Path, count: int, *, timeout_seconds: float) -> BenchmarkResult:
    payloads = benchmark_payloads(feed, count, uuid.uuid4().hex[:8])
    producer = kafka_producer(settings, linger_ms=5)
    started = datetime.now(timezone.utc)
    clock = time.monotonic()
    try:
        for payload in payloads:
            producer.send(settings.topic_raw, value=payload)
        producer.flush()
    finally:
        producer.close()
    accounting = wait_until_accounted(settings, payloads, since=started, timeout_seconds=timeout_seconds, poll_seconds=0.2)
    seconds = time.monotonic() - clock
    result = BenchmarkResult(count, accounting.indexed, accounting.dead_lettered, seconds, indexed_latencies(settings, payloads, started))
    remove_benchmark_documents(settings, payloads)
    return result


def indexed_latencies(settings: Settings, payloads: list[bytes], published_at: datetime) -> list[float]:
    from streams.clients import elasticsearch_client

    ids = [article_id for article_id in map(expected_article_id, payloads) if article_id]
    response = elasticsearch_client(settings).search(
        index=settings.articles_alias, query={"ids": {"values": ids}}, size=len(ids), source=["indexed_at"]
    )
    return [
        (datetime.fromisoformat(hit["_source"]["indexed_at"]) - published_at).total_seconds()
        for hit in response["hits"]["hits"]
    ]


def remove_benchmark_documents(settings: Settings, payloads: list[bytes]) -> None:
    """Benchmark articles are not news: take them and their events out of analysts' indices again."""
    from elasticsearch.helpers import bulk

    from streams.clients import elasticsearch_client

    client = elasticsearch_client(settings)
    ids = [article_id for article_id in map(expected_article_id, payloads) if article_id]
    client.indices.refresh(index=[settings.articles_alias, settings.events_alias])
    events = client.search(index=settings.events_alias, query={"terms": {"article_id": ids}}, size=10_000, source=False)
    actions = [{"_op_type": "delete", "_index": settings.articles_alias, "_id": article_id} for article_id in ids]
    actions += [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]} for hit in events["hits"]["hits"]]
    bulk(client, actions, raise_on_error=False, refresh=True)
