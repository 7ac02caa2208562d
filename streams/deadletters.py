"""Read news.deadletter: what was rejected, at which stage, and why."""

from __future__ import annotations

from datetime import datetime, timezone

from kafka import TopicPartition

from schemas.articles import DeadLetter
from streams.clients import kafka_consumer
from streams.settings import Settings


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
                for record in records:
                    letters.append(parse_dead_letter(record))
                if consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
        letters.sort(key=lambda letter: letter.failed_at)
        return letters[-limit:] if limit else letters
    finally:
        consumer.close()


def parse_dead_letter(record) -> DeadLetter:
    """A record of the dead-letter topic; one that some other producer wrote there is shown as it is."""
    try:
        return DeadLetter.model_validate_json(record.value)
    except ValueError as error:
        return DeadLetter.for_payload(
            record.value or b"", stage="unknown", error_kind="not_a_dead_letter",
            error_message=f"this record of the dead-letter topic is not a coopwatch dead letter: {error.errors()[0]['msg'] if hasattr(error, 'errors') else error}",
            topic=record.topic, partition=record.partition, offset=record.offset,
            failed_at=datetime.fromtimestamp(record.timestamp / 1000, tz=timezone.utc),
        )


def format_dead_letter(letter: DeadLetter) -> str:
    where = f"{letter.topic}/{letter.partition}@{letter.offset}" if letter.topic else "unknown position"
    preview = " ".join(letter.payload_preview.split())[:160]
    return (
        f"{letter.failed_at:%Y-%m-%d %H:%M:%S} UTC  stage={letter.stage}  {letter.error_kind}\n"
        f"    from {where}, {letter.payload_size:,} bytes\n"
        f"    why: {letter.error_message[:500]}\n"
        f"    payload: {preview}"
    )
