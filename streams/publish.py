"""Publish a JSONL feed file to news.raw with kafka-python."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from streams.clients import kafka_producer
from streams.settings import Settings


@dataclass
class FeedLine:
    number: int
    payload: bytes
    key: bytes | None
    error: str | None = None


@dataclass
class PublishReport:
    sent: int = 0
    payloads: list[bytes] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)
    skipped_blank: int = 0


def read_feed(path: Path) -> Iterator[FeedLine]:
    """Each non-blank line of a JSONL file, with its JSON error if it has one (bytes kept as they are)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            payload = line.rstrip(b"\r\n")
            if not payload.strip():
                continue
            try:
                document = json.loads(payload.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield FeedLine(number, payload, None, f"not UTF-8 (byte {error.start})")
                continue
            except json.JSONDecodeError as error:
                yield FeedLine(number, payload, None, f"not JSON: {error.msg} at column {error.colno}")
                continue
            key = document.get("id") if isinstance(document, dict) else None
            yield FeedLine(number, payload, str(key).encode("utf-8") if key is not None else None)


def publish_feed(settings: Settings, path: Path, *, topic: str, send_invalid: bool = False) -> PublishReport:
    report = PublishReport()
    lines = list(read_feed(path))
    producer = kafka_producer(settings, client_id=f"{settings.app_id}-publish")
    try:
        futures = []
        for line in tqdm(lines, desc="publishing", unit="msg", disable=None):
            if line.error:
                report.invalid.append((line.number, line.error))
                if not send_invalid:
                    continue
            futures.append((line.payload, producer.send(topic, key=line.key, value=line.payload)))
        producer.flush()
        for payload, future in futures:
            future.get(timeout=30)  # raises if the broker refused the message
            report.sent += 1
            report.payloads.append(payload)
    finally:
        producer.close()
    return report


@dataclass
class Accounting:
    """Where each published message ended: every one must end indexed or dead-lettered."""

    indexed: int = 0
    dead_lettered: int = 0
    pending: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


def expected_article_id(payload: bytes) -> str | None:
    """The document id a raw message will be indexed under, or None if normalisation will reject it."""
    from streams.normalise import NormaliseError, normalise_payload

    try:
        return normalise_payload(payload, received_at=datetime.now(timezone.utc), max_body_chars=sys.maxsize).article_id
    except NormaliseError:
        return None


def account_for(
    payloads: list[bytes], *, indexed_ids: set[str], dead_letters: list, article_ids: list[str | None] | None = None
) -> Accounting:
    """Match published payloads with indexed article ids and dead letters (raw bytes, or article id as key).

    ``article_ids`` are the payloads' expected ids, when the caller has them already.
    """
    if article_ids is None:
        article_ids = [expected_article_id(payload) for payload in payloads]
    dead_payloads = {letter.payload for letter in dead_letters if letter.stage == "normalise"}
    dead_keys = {letter.key_text for letter in dead_letters if letter.stage != "normalise"}
    accounting = Accounting()
    for payload, article_id in zip(payloads, article_ids):
        if payload in dead_payloads or (article_id is not None and article_id in dead_keys):
            accounting.dead_lettered += 1
        elif article_id is not None and article_id in indexed_ids:
            accounting.indexed += 1
        else:
            accounting.pending += 1
    return accounting


def wait_until_accounted(
    settings: Settings, payloads: list[bytes], *, since: datetime, timeout_seconds: float, poll_seconds: float = 0.5
) -> Accounting:
    """Poll Elasticsearch and the dead-letter topic until every payload is indexed or dead-lettered (or time runs out)."""
    from streams.deadletters import read_dead_letters
    from streams.clients import elasticsearch_client

    client = elasticsearch_client(settings)
    # Normalising each payload is the costly part: do it once, not at every poll.
    article_ids = [expected_article_id(payload) for payload in payloads]
    expected = {article_id for article_id in article_ids if article_id}
    # An article's receive time is its Kafka record's timestamp, in whole milliseconds: one
    # published in the same millisecond as ``since`` reads as received a little before it.
    received_since = since.replace(microsecond=since.microsecond // 1000 * 1000)
    deadline = time.monotonic() + timeout_seconds
    while True:
        indexed_ids: set[str] = set()
        if expected:
            client.indices.refresh(index=settings.articles_alias)
            response = client.search(
                index=settings.articles_alias,
                query={"bool": {"filter": [{"ids": {"values": sorted(expected)}}, {"range": {"received_at": {"gte": received_since.isoformat()}}}]}},
                size=len(expected),
                _source=False,
            )
            indexed_ids = {hit["_id"] for hit in response["hits"]["hits"]}
        letters = [letter for letter in read_dead_letters(settings, timeout_seconds=2) if letter.failed_at >= since]
        accounting = account_for(payloads, indexed_ids=indexed_ids, dead_letters=letters, article_ids=article_ids)
        if accounting.done or time.monotonic() >= deadline:
            return accounting
        time.sleep(poll_seconds)
