"""The local services of deploy/local/services.sh are real and usable by the project's clients.

Kafka 4.x removed old protocol versions (KIP-896), so these tests pin down that
both Kafka clients the project uses -- kafka-python and aiokafka (Faust's) --
can create topics, produce, consume in a consumer group and commit offsets, and
that a ~5 MB message (the size coopwatch dead-letters) gets through the broker.
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path

import pytest

# `services` (tests/integration/conftest.py) runs deploy/local/services.sh up once
# per session and fails the run if the services do not come up.
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("services")]

VERSIONS_ENV = Path(__file__).resolve().parents[2] / "deploy" / "local" / "versions.env"
BIG = 5 * 1024 * 1024 + 123  # a dead-lettered message can be this large
MAX_BYTES = 16 * 1024 * 1024
KAFKA = f"127.0.0.1:{os.environ.get('COOPWATCH_KAFKA_PORT', '9092')}"
ES_URL = f"http://127.0.0.1:{os.environ.get('COOPWATCH_ES_PORT', '9200')}"


def pinned_versions() -> dict[str, str]:
    out = {}
    for line in VERSIONS_ENV.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip().strip("\"'")
    return out


def unique(prefix: str) -> str:
    return f"it-{prefix}-{int(time.time())}-{uuid.uuid4().hex[:8]}"


def messages(n: int) -> list[tuple[bytes, bytes]]:
    msgs = [(f"k{i % 3}".encode(), f"message {i}".encode()) for i in range(n - 1)]
    msgs.append((b"big", b"x" * BIG))
    return msgs


# ---------------------------------------------------------------- kafka-python


def test_kafka_python_produce_consume_commit():
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import NewTopic

    bootstrap = KAFKA
    topic, group = unique("kp"), unique("kp-group")
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="it-services")
    try:
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        # The broker answers before the new topic is in the metadata it serves: wait for it.
        deadline = time.monotonic() + 30
        while topic not in admin.list_topics() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert topic in admin.list_topics()

        sent = messages(20)
        producer = KafkaProducer(bootstrap_servers=bootstrap, max_request_size=MAX_BYTES, acks="all")
        try:
            for key, value in sent:
                producer.send(topic, key=key, value=value)
            producer.flush(timeout=30)
        finally:
            producer.close()

        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_partition_fetch_bytes=MAX_BYTES,
            fetch_max_bytes=MAX_BYTES,
        )
        received = []
        try:
            deadline = time.monotonic() + 60
            while len(received) < len(sent) and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=1000).values():
                    received.extend((r.key, r.value) for r in records)
            consumer.commit()
            partitions = [TopicPartition(topic, p) for p in range(3)]
            committed = sum(consumer.committed(tp) or 0 for tp in partitions)
        finally:
            consumer.close()

        assert sorted(received) == sorted(sent)
        assert committed == len(sent)
        if hasattr(admin, "list_group_offsets"):  # kafka-python >= 3
            offsets = admin.list_group_offsets({group: None})[group]
        else:  # kafka-python 2.x
            offsets = admin.list_consumer_group_offsets(group)
        assert sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic) == len(sent)
    finally:
        admin.delete_topics([topic])
        admin.close()


# ---------------------------------------------------------------- aiokafka (Faust's client)


async def _aiokafka_roundtrip(bootstrap: str) -> None:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic, group = unique("aio"), unique("aio-group")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        # The broker answers before the new topic is in the metadata it serves: wait for it.
        deadline = time.monotonic() + 30
        while topic not in await admin.list_topics() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert topic in await admin.list_topics()

        sent = messages(20)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=MAX_BYTES, acks="all")
        await producer.start()
        try:
            for key, value in sent:
                await producer.send_and_wait(topic, key=key, value=value)
        finally:
            await producer.stop()

        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_partition_fetch_bytes=MAX_BYTES,
            fetch_max_bytes=MAX_BYTES,
        )
        await consumer.start()
        received = []
        try:
            deadline = time.monotonic() + 60
            while len(received) < len(sent) and time.monotonic() < deadline:
                batches = await consumer.getmany(timeout_ms=1000)
                for records in batches.values():
                    received.extend((r.key, r.value) for r in records)
            await consumer.commit()
            committed = 0
            for p in range(3):
                committed += await consumer.committed(TopicPartition(topic, p)) or 0
        finally:
            await consumer.stop()

        assert sorted(received) == sorted(sent)
        assert committed == len(sent)
        offsets = await admin.list_consumer_group_offsets(group)
        assert sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic) == len(sent)
    finally:
        await admin.delete_topics([topic])
        await admin.close()


def test_aiokafka_produce_consume_commit():
    asyncio.run(asyncio.wait_for(_aiokafka_roundtrip(KAFKA), timeout=120))


# ---------------------------------------------------------------- Elasticsearch


def test_elasticsearch_answers_with_pinned_major():
    from elasticsearch import Elasticsearch

    pinned = pinned_versions()["ELASTICSEARCH_VERSION"]
    es = Elasticsearch(ES_URL, request_timeout=30)
    try:
        # GET / (es.info()) is not served by the integ-test-zip distribution
        # (no rest-root module): ask the node itself for its version.
        nodes = es.nodes.info(node_id="_local")["nodes"]
        (node,) = nodes.values()
        assert node["version"] == pinned
        assert node["version"].split(".")[0] == pinned.split(".")[0] == "9"
        assert es.cluster.health(wait_for_status="yellow", timeout="30s")["status"] in ("green", "yellow")

        index = unique("es")
        try:
            es.index(index=index, id="1", document={"title": "hello"}, refresh="wait_for")
            hits = es.search(index=index, query={"match": {"title": "hello"}})["hits"]
            assert hits["total"]["value"] == 1
        finally:
            es.indices.delete(index=index, ignore_unavailable=True)
    finally:
        es.close()


def test_the_workers_kafka_fetches_wait_at_the_broker_only_as_long_as_the_setting():
    """Faust has every fetch wait up to 1.5 s at the broker; the worker's consumer, started
    against the real broker, builds its fetches with the configured wait instead."""
    from streams.app import create_app
    from streams.settings import Settings

    async def fetch_wait_ms(settings: Settings) -> int:
        app = create_app(settings, stages=("index",))
        consumer = app.consumer._thread._create_worker_consumer(app.transport)
        await consumer.start()
        try:
            return consumer._fetcher._fetch_max_wait_ms   # what every fetch request it sends carries
        finally:
            await consumer.stop()

    settings = Settings(_env_file=None, kafka_bootstrap_servers=KAFKA, app_id=unique("fetch-wait"), kafka_fetch_wait_seconds=0.25)
    assert asyncio.run(asyncio.wait_for(fetch_wait_ms(settings), timeout=60)) == 250
    assert asyncio.run(asyncio.wait_for(fetch_wait_ms(Settings(_env_file=None, kafka_bootstrap_servers=KAFKA)), timeout=60)) == 100
