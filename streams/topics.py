"""The Kafka topics between stages, created with the partitions and limits the settings ask for."""

from __future__ import annotations

from dataclasses import dataclass

from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from streams.clients import kafka_admin
from streams.incidents import incidents_changelog_topic
from streams.settings import Settings


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replicas: int
    config: dict[str, str]


# A dead letter is its message plus a few KiB of context headers.
DEADLETTER_HEADROOM_BYTES = 64 * 1024


def deadletter_max_bytes(settings: Settings) -> int:
    return settings.max_message_bytes + DEADLETTER_HEADROOM_BYTES


def faust_leader_topic(settings: Settings) -> str:
    """The topic Faust's assignor elects its leader with (one partition, named after the group)."""
    return f"{settings.app_id}-__assignor-__leader"


def topic_specs(settings: Settings) -> list[TopicSpec]:
    # Every topic takes messages as large as the raw topic does, and the dead-letter
    # topic a little more: an oversize article must reach it whole, not be refused.
    config = {"max.message.bytes": str(settings.max_message_bytes)}
    names = [settings.topic_raw, settings.topic_normalised, settings.topic_enriched, settings.topic_mentions, settings.topic_alerts]
    specs = [TopicSpec(name, settings.topic_partitions, settings.topic_replicas, config) for name in names]
    # The incidents table's changelog: co-partitioned with the mentions it is built from,
    # compacted so that a recovering worker reads each key's last state only.
    specs.append(TopicSpec(incidents_changelog_topic(settings), settings.topic_partitions, settings.topic_replicas,
                           {**config, "cleanup.policy": "compact"}))
    # Watches are a table, not a stream: compaction keeps the last version of
    # each name (a tombstone removes it); one partition keeps them in one order.
    specs.append(TopicSpec(settings.topic_watches, 1, settings.topic_replicas, {**config, "cleanup.policy": "compact"}))
    # Faust subscribes to its leader topic but, topics being ours to declare, never creates
    # it. A broker that creates topics on first use did, after the workers had joined, and
    # the workers' next metadata refresh (five minutes later) saw a new topic among their
    # subscriptions and made the group rebalance: every table partition was recovered anew.
    specs.append(TopicSpec(faust_leader_topic(settings), 1, settings.topic_replicas, config))
    deadletter_config = {"max.message.bytes": str(deadletter_max_bytes(settings))}
    return specs + [TopicSpec(settings.topic_deadletter, settings.topic_partitions, settings.topic_replicas, deadletter_config)]


def ensure_topics(settings: Settings) -> list[str]:
    """Create the missing topics; return the names created. Existing topics are left as they are."""
    admin = kafka_admin(settings)
    try:
        existing = set(admin.list_topics())
        missing = [spec for spec in topic_specs(settings) if spec.name not in existing]
        if missing:
            try:
                admin.create_topics(
                    [NewTopic(s.name, s.partitions, s.replicas, topic_configs=s.config) for s in missing],
                    validate_only=False,
                )
            except TopicAlreadyExistsError:
                pass  # another worker created it first
        return [spec.name for spec in missing]
    finally:
        admin.close()
