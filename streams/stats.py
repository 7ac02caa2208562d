"""`coopwatch stats`: what an operator checks first -- messages per topic, lag per stage, dead letters, documents."""

from __future__ import annotations

from typing import Any

from kafka import TopicPartition

from streams.alerts import AlertStatus, alert_status, format_alert_status
from streams.clients import elasticsearch_client, kafka_admin, kafka_consumer
from streams.deadletters import count_by_kind, read_dead_letters
from streams.index import managed_aliases
from streams.settings import Settings


def stage_topics(settings: Settings) -> dict[str, str]:
    """Each stage and the topic it consumes."""
    return {"normalise": settings.topic_raw, "enrich": settings.topic_normalised, "index": settings.topic_enriched,
            "incidents": settings.topic_mentions}


def topic_offsets(settings: Settings, topics: list[str]) -> dict[str, dict[int, tuple[int, int]]]:
    """topic -> partition -> (first retained offset, end offset)."""
    consumer = kafka_consumer(settings, group_id=None, enable_auto_commit=False)
    try:
        offsets: dict[str, dict[int, tuple[int, int]]] = {}
        for topic in topics:
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            starts, ends = consumer.beginning_offsets(partitions), consumer.end_offsets(partitions)
            offsets[topic] = {tp.partition: (starts[tp], ends[tp]) for tp in partitions}
        return offsets
    finally:
        consumer.close()


def committed_offsets(settings: Settings, group: str | None = None) -> dict[tuple[str, int], int]:
    """(topic, partition) -> committed offset of a consumer group (the workers' by default)."""
    group = group or settings.app_id
    admin = kafka_admin(settings)
    try:
        committed = admin.list_group_offsets({group: None}).get(group, {})
        return {(tp.topic, tp.partition): meta.offset for tp, meta in committed.items() if meta.offset >= 0}
    finally:
        admin.close()


def consumer_lag(offsets: dict[int, tuple[int, int]], committed: dict[int, int]) -> int:
    """Messages of a topic its consumer group has not committed yet (from the first retained one if it never did)."""
    return sum(end - max(committed.get(partition, start), start) for partition, (start, end) in offsets.items())


def index_counts(settings: Settings) -> list[dict[str, Any]]:
    """Every version of each index: its documents, and whether the alias points to it."""
    client = elasticsearch_client(settings)
    rows = []
    for alias in (*managed_aliases(settings), settings.alerts_alias):
        behind = set(client.options(ignore_status=404).indices.get_alias(name=alias).body) - {"error", "status"}
        for name in sorted(client.options(ignore_status=404).indices.get(index=f"{alias}-v*", expand_wildcards="open").body):
            rows.append({"alias": alias, "index": name, "behind_alias": name in behind,
                         "documents": client.count(index=name)["count"]})
    return rows


def collect_stats(settings: Settings) -> dict[str, Any]:
    stages = stage_topics(settings)
    topics = [*stages.values(), settings.topic_deadletter]
    offsets = topic_offsets(settings, topics)
    committed = committed_offsets(settings)
    letters = read_dead_letters(settings, timeout_seconds=5)
    return {
        "topics": [
            {"topic": topic, "messages_in": sum(end for _, end in offsets[topic].values()),
             "retained": sum(end - start for start, end in offsets[topic].values())}
            for topic in topics
        ],
        "consumer_group": settings.app_id,
        "lag": [
            {"stage": stage, "topic": topic,
             "lag": consumer_lag(offsets[topic], {p: o for (t, p), o in committed.items() if t == topic})}
            for stage, topic in stages.items()
        ],
        "dead_letters": [{"stage": stage, "kind": kind, "count": count}
                         for (stage, kind), count in sorted(count_by_kind(letters).items())],
        "indices": index_counts(settings),
        "watch_lists": alert_status(settings).model_dump(mode="json"),
    }


def format_stats(stats: dict[str, Any]) -> str:
    lines = ["messages in (end offsets, all partitions)"]
    lines += [f"  {row['topic']:<40} {row['messages_in']:>10,}" for row in stats["topics"]]
    lines += ["", f"lag per stage (consumer group {stats['consumer_group']})"]
    lines += [f"  {row['stage']:<10} {row['topic']:<29} {row['lag']:>10,}" for row in stats["lag"]]
    total = sum(row["count"] for row in stats["dead_letters"])
    lines += ["", f"dead letters: {total:,}"]
    lines += [f"  {row['stage']:<10} {row['kind']:<50} {row['count']:>6,}" for row in stats["dead_letters"]]
    lines += ["", "documents per index"]
    lines += [f"  {row['index']:<40} {row['documents']:>10,}  {'<- ' + row['alias'] if row['behind_alias'] else '(not behind ' + row['alias'] + ')'}"
              for row in stats["indices"]]
    lines += ["", "watch lists"] + [f"  {line}" for line in format_alert_status(AlertStatus.model_validate(stats["watch_lists"]))]
    return "\n".join(lines)
