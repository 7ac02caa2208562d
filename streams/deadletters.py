"""news.deadletter: write, read and replay the messages a stage could not process.

A dead letter is the original record (key and value byte for byte) with its
context in headers, as Kafka Connect does it; see ``schemas.articles.DeadLetter``.
Records written by older coopwatch versions (a JSON document with the payload in
base64) and by Kafka Connect are read too; anything else is shown as it is.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from kafka import TopicPartition
from pydantic import ValidationError
from tqdm import tqdm

from schemas.articles import DeadLetter
from streams.clients import kafka_consumer, kafka_producer
from streams.settings import Settings

REPLAY_HEADER = "coopwatch.replay.of"


def read_dead_letters(settings: Settings, *, limit: int | None = None, timeout_seconds: float = 10.0) -> list[DeadLetter]:
    """Every dead letter on the topic (the newest ``limit`` when given), oldest first.

    Reads without a consumer group, so looking does not move any worker's offsets.
    """
    consumer = kafka_consumer(
        settings, enable_auto_commit=False, group_id=None, consumer_timeout_ms=int(timeout_seconds * 1000)
    )
    try:
        partitions = consumer.partitions_for_topic(settings.topic_deadletter) or set()
        assigned = [TopicPartition(settings.topic_deadletter, p) for p in sorted(partitions)]
        if not assigned:
            return []
        consumer.assign(assigned)
        end_offsets = consumer.end_offsets(assigned)
        start_offsets = consumer.beginning_offsets(assigned)
        for tp in assigned:
            start = start_offsets[tp]
            if limit is not None:
                start = max(start, end_offsets[tp] - limit)
            consumer.seek(tp, start)
        remaining = {tp for tp in assigned if consumer.position(tp) < end_offsets[tp]}
        letters: list[DeadLetter] = []
        while remaining:
            batches = consumer.poll(timeout_ms=int(timeout_seconds * 1000))
            if not batches:
                break
            for tp, records in batches.items():
                letters += [parse_dead_letter(record) for record in records if record.offset < end_offsets[tp]]
                if consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
        letters.sort(key=lambda letter: letter.failed_at)
        return letters[-limit:] if limit else letters
    finally:
        consumer.close()


class DeadLetterFollower:
    """The dead letters, each once, as they arrive: one consumer kept open (without a group)
    from the start of the topic, for a caller that looks again and again while a run goes
    on. Opening a consumer for each look, as ``read_dead_letters`` does, cost about 30 ms of
    CPU here, and the broker's besides: for the bench, looking every 2 s, CPU taken from
    the pipeline it measures."""

    def __init__(self, settings: Settings) -> None:
        self.topic = settings.topic_deadletter
        self._consumer = kafka_consumer(settings, enable_auto_commit=False, group_id=None)
        self._assigned: list[TopicPartition] = []

    def new_letters(self, *, timeout_seconds: float = 0.5) -> list[DeadLetter]:
        """The letters written since the last call (all of them at the first), oldest first
        in each partition; at most ``timeout_seconds`` spent waiting for them."""
        if not self._assigned:
            partitions = self._consumer.partitions_for_topic(self.topic) or set()
            if not partitions:   # not created yet: nothing can have been dead-lettered
                return []
            self._assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            self._consumer.assign(self._assigned)
            self._consumer.seek_to_beginning(*self._assigned)
        batches = self._consumer.poll(timeout_ms=int(timeout_seconds * 1000))
        return [parse_dead_letter(record) for records in batches.values() for record in records]

    def close(self) -> None:
        self._consumer.close()

    def __enter__(self) -> "DeadLetterFollower":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def parse_dead_letter(record) -> DeadLetter:
    """A record of the dead-letter topic: coopwatch's or Kafka Connect's headers, an older JSON letter, or foreign."""
    position = f"{record.topic}/{record.partition}@{record.offset}"
    written_at = datetime.fromtimestamp(record.timestamp / 1000, tz=timezone.utc)
    payload = record.value or b""
    letter = DeadLetter.from_headers(
        dict(record.headers or []), key=record.key, payload=payload, failed_at=written_at, position=position
    )
    if letter is None:
        letter = legacy_dead_letter(payload, position=position)
    if letter is None:
        letter = DeadLetter(
            stage="unknown", error_kind="not_a_dead_letter", failed_at=written_at, key=record.key, payload=payload,
            error_message="this record of the dead-letter topic carries no coopwatch or Kafka Connect error headers",
            format="foreign", position=position,
        )
    return letter


def legacy_dead_letter(value: bytes, *, position: str | None = None) -> DeadLetter | None:
    """Dead letters of earlier coopwatch versions: a JSON document with the original bytes in base64."""
    try:
        document = json.loads(value)
        if not isinstance(document, dict) or "payload_base64" not in document:
            return None
        key = document.get("key")
        return DeadLetter(
            stage=document["stage"], error_kind=document["error_kind"], error_message=document["error_message"],
            failed_at=document["failed_at"], topic=document.get("topic"), partition=document.get("partition"),
            offset=document.get("offset"), key=key.encode("utf-8") if key is not None else None,
            payload=base64.b64decode(document["payload_base64"], validate=True), format="legacy-json", position=position,
        )
    except (ValueError, KeyError, TypeError, ValidationError, binascii.Error):
        return None


_FORMAT_NOTES = {
    "coopwatch": "",
    "kafka-connect": "  (Kafka Connect dead letter)",
    "legacy-json": "  (older coopwatch format)",
    "foreign": "  (not a dead letter)",
}


def format_dead_letter(letter: DeadLetter) -> str:
    where = f"{letter.topic}/{letter.partition}@{letter.offset}" if letter.topic else "unknown position"
    preview = " ".join(letter.payload_preview.split())[:160]
    return (
        f"{letter.failed_at:%Y-%m-%d %H:%M:%S} UTC  stage={letter.stage}  {letter.error_kind}{_FORMAT_NOTES[letter.format]}\n"
        f"    from {where}, {letter.payload_size:,} bytes\n"
        f"    why: {letter.error_message[:500]}\n"
        f"    payload: {preview}"
    )


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """An ISO date or time (UTC unless it says otherwise), or an age such as 90m, 6h, 2d."""
    now = now or datetime.now(timezone.utc)
    age = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if age:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[age.group(2)]
        return now - timedelta(**{unit: float(age.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a time: {text!r} (give an ISO date or time such as 2024-03-05T09:30, or an age such as 90m, 6h, 2d)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def select_letters(
    letters: Iterable[DeadLetter], *, stage: str | None = None, kind: str | None = None, since: datetime | None = None
) -> list[DeadLetter]:
    return [
        letter for letter in letters
        if (stage is None or letter.stage == stage)
        and (kind is None or letter.error_kind == kind)
        and (since is None or letter.failed_at >= since)
    ]


def count_by_kind(letters: Iterable[DeadLetter]) -> Counter[tuple[str, str]]:
    return Counter((letter.stage, letter.error_kind) for letter in letters)


@dataclass
class ReplayReport:
    sent: Counter[str] = field(default_factory=Counter)          # per destination topic
    skipped: list[DeadLetter] = field(default_factory=list)       # no topic to send back to

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def replayable(letters: Sequence[DeadLetter]) -> tuple[list[DeadLetter], list[DeadLetter]]:
    """(letters that name the topic they came from, the others)."""
    return [l for l in letters if l.topic], [l for l in letters if not l.topic]


def replay(settings: Settings, letters: Sequence[DeadLetter], *, dry_run: bool = False) -> ReplayReport:
    """Send each letter's original key and bytes back to the topic it came from; confirmed delivery, a progress bar.

    Documents have deterministic ids, so replaying a letter twice overwrites, never duplicates.
    """
    report = ReplayReport()
    to_send, report.skipped = replayable(letters)
    if dry_run:
        report.sent.update(letter.topic for letter in to_send)
        return report
    producer = kafka_producer(settings, client_id=f"{settings.app_id}-replay")
    try:
        futures = []
        for letter in tqdm(to_send, desc="replaying", unit="msg", disable=None):
            headers = [(REPLAY_HEADER, (letter.position or "").encode("utf-8"))]
            futures.append((letter.topic, producer.send(letter.topic, key=letter.key, value=letter.payload, headers=headers)))
        producer.flush()
        for topic, future in futures:
            future.get(timeout=60)  # raises if the broker refused it: a replay reports only what was delivered
            report.sent[topic] += 1
    finally:
        producer.close()
    return report
