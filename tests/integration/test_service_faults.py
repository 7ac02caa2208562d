"""Faults of the services themselves -- a Kafka broker killed and restarted, a cluster-wide write block -- lose nothing.

They run on a private Kafka and Elasticsearch of their own (deploy/local/services.sh
with another state directory and free ports), so the services the rest of the
suite, or anyone else, uses are never disturbed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from streams.clients import elasticsearch_client, kafka_producer
from streams.index import ensure_indices
from streams.topics import ensure_topics

from .conftest import REPO, SERVICES, start_worker, stop_worker
from .faults import assert_nothing_lost, halves, indexed_count, isolated, publish_all, tally, wait_until



@dataclass
class PrivateServices:
    env: dict[str, str]
    state: Path
    kafka: str
    elasticsearch: str

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(SERVICES), *args], cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout)

    def kafka_pid(self) -> int:
        return int((self.state / "run" / "kafka.pid").read_text().strip())


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture(scope="module")
def private_services(services) -> PrivateServices:
    kafka, controller, es, transport = free_ports(4)
    state = REPO / ".local" / "private-services"
    env = {**os.environ, "COOPWATCH_LOCAL_DIR": str(state),
           "COOPWATCH_KAFKA_PORT": str(kafka), "COOPWATCH_KAFKA_CONTROLLER_PORT": str(controller),
           "COOPWATCH_ES_PORT": str(es), "COOPWATCH_ES_TRANSPORT_PORT": str(transport),
           "COOPWATCH_KAFKA_HEAP": "-Xms256m -Xmx256m", "COOPWATCH_ES_HEAP": "-Xms256m -Xmx512m"}
    private = PrivateServices(env, state, f"127.0.0.1:{kafka}", f"http://127.0.0.1:{es}")
    private.run("down")  # what an interrupted run may have left
    try:
        started = private.run("up")
        if started.returncode != 0:
            pytest.fail(f"private services did not start:\n{started.stdout}\n{started.stderr}")
        yield private
    finally:
        private.run("down")


@pytest.fixture
def private(settings, private_services):
    def make(name: str) -> object:
        own = isolated(settings, name, kafka_bootstrap_servers=private_services.kafka,
                       elasticsearch_url=private_services.elasticsearch, kafka_session_timeout_seconds=10)
        ensure_topics(own)
        ensure_indices(elasticsearch_client(own), own)
        return own

    return make


def test_a_broker_killed_and_restarted_mid_stream_loses_nothing(private, private_services):
    settings = private("broker")
    es = elasticsearch_client(settings)
    first, second = halves("broker")
    worker = start_worker(settings, "worker")
    try:
        since = datetime.now(timezone.utc)
        producer = kafka_producer(settings)
        publish_all(producer, settings.topic_raw, first)
        producer.close()
        assert wait_until(lambda: indexed_count(es, settings) > 0, timeout=180), worker.log_path.read_text()[-3000:]
        os.kill(private_services.kafka_pid(), signal.SIGKILL)
        time.sleep(5)
        restarted = private_services.run("up")
        assert restarted.returncode == 0, restarted.stderr
        assert worker.poll() is None, "the worker must wait for the broker, not die"
        producer = kafka_producer(settings)
        publish_all(producer, settings.topic_raw, second)
        producer.close()
        assert_nothing_lost(tally(settings, es, first + second, since=since, timeout=300), "Kafka broker kill -9 and restart", [worker])
    finally:
        stop_worker(worker)


def test_a_30s_cluster_wide_write_block_mid_stream_loses_nothing(private):
    settings = private("cluster-block")
    es = elasticsearch_client(settings)
    first, second = halves("cluster-block")
    worker = start_worker(settings, "worker")
    producer = kafka_producer(settings)
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, first)
        assert wait_until(lambda: indexed_count(es, settings) > 0, timeout=180), worker.log_path.read_text()[-3000:]
        es.cluster.put_settings(persistent={"cluster.blocks.read_only": True})
        try:
            publish_all(producer, settings.topic_raw, second)
            time.sleep(30)
            assert worker.poll() is None, "the worker must wait the block out"
        finally:
            es.cluster.put_settings(persistent={"cluster.blocks.read_only": None})
        assert_nothing_lost(tally(settings, es, first + second, since=since, timeout=240), "cluster-wide read-only block 30 s", [worker])
    finally:
        producer.close()
        stop_worker(worker)
