"""Session fixtures: the real Kafka and Elasticsearch, started once; a real worker per session.

A missing service fails the run: these tests never skip themselves.
Each session uses its own topics, consumer group and index aliases, so runs
do not see each other's messages or documents.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from streams.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SERVICES = REPO / "deploy" / "local" / "services.sh"


@pytest.fixture(scope="session")
def services() -> None:
    """Use the running services or start them; fail with the script's output if they do not come up."""
    result = subprocess.run([str(SERVICES), "up"], cwd=REPO, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"deploy/local/services.sh up failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def settings(services: None) -> Settings:
    run = f"it{uuid.uuid4().hex[:8]}"
    return Settings(
        app_id=f"coopwatch-{run}",
        topic_raw=f"{run}.news.raw",
        topic_normalised=f"{run}.news.normalised",
        topic_enriched=f"{run}.news.enriched",
        topic_deadletter=f"{run}.news.deadletter",
        topic_mentions=f"{run}.news.mentions",
        topic_watches=f"{run}.news.watches",
        topic_alerts=f"{run}.news.alerts",
        topic_partitions=2,
        articles_alias=f"{run}-news-articles",
        events_alias=f"{run}-coop-events",
        incidents_alias=f"{run}-coop-incidents",
        alerts_alias=f"{run}-watch-alerts",
        state_dir=str(REPO / ".local" / "state" / run),
        index_batch_seconds=0.3,
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a coopwatch process use these settings."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json", exclude_none=True).items():
        # pydantic-settings reads lists and objects as JSON
        env[f"COOPWATCH_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def coopwatch(settings: Settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args], cwd=REPO, env=settings_env(settings),
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="session")
def es(settings: Settings):
    from streams.clients import elasticsearch_client
    from streams.index import ensure_indices

    client = elasticsearch_client(settings)
    ensure_indices(client, settings)
    yield client
    delete_indices(client, settings)
    client.close()


def delete_indices(es, settings: Settings) -> None:
    """Every version of the indices behind these settings' aliases, and their templates."""
    for alias in (settings.articles_alias, settings.events_alias, settings.incidents_alias, settings.alerts_alias):
        names = list(es.options(ignore_status=404).indices.get(index=f"{alias}-v*", expand_wildcards="all").body)
        if names:
            es.indices.delete(index=names, ignore_unavailable=True)
        es.options(ignore_status=404).indices.delete_index_template(name=alias)


@pytest.fixture(scope="session")
def producer(settings: Settings):
    from streams.clients import kafka_producer
    from streams.topics import ensure_topics

    ensure_topics(settings)
    client = kafka_producer(settings)
    yield client
    client.close()


def publish(producer, settings: Settings, *payloads: bytes) -> datetime:
    started = datetime.now(timezone.utc)
    for payload in payloads:
        producer.send(settings.topic_raw, value=payload).get(timeout=30)
    return started


def raw_message(**fields: object) -> bytes:
    base = {"id": f"test-{uuid.uuid4().hex}", "source": "integration-test", "lang": "en",
            "title": "Warm-up", "body": "Spanish and Moroccan police met in Rabat.", "published_at": "2024-03-05T09:30:00Z"}
    base.update(fields)
    return json.dumps(base, ensure_ascii=False).encode("utf-8")


def start_worker(settings: Settings, name: str, *args: str) -> subprocess.Popen:
    """A real `coopwatch worker` process; its output goes to .local/logs/<app id>-<name>.log (``process.log_path``)."""
    log_path = REPO / ".local" / "logs" / f"{settings.app_id}-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "info", *args],
            cwd=REPO, env=settings_env(settings), stdout=log, stderr=subprocess.STDOUT,
        )
    process.log_path = log_path
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def worker(settings: Settings, es, producer) -> Iterator[subprocess.Popen]:
    """One real `coopwatch worker` process, warmed up: it has indexed a first message before tests start."""
    process = start_worker(settings, "worker")
    log_path = process.log_path
    try:
        warm_up = raw_message()
        from streams.publish import wait_until_accounted

        since = publish(producer, settings, warm_up)
        deadline = time.monotonic() + 180
        while not wait_until_accounted(settings, [warm_up], since=since, timeout_seconds=5).done:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"worker did not index a first message:\n{log_path.read_text()[-4000:]}", pytrace=False)
        yield process
    finally:
        stop_worker(process)
        shutil.rmtree(settings.state_dir, ignore_errors=True)


def wait_for_document(es, index: str, doc_id: str, *, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = es.options(ignore_status=404).get(index=index, id=doc_id)
        if response.get("found"):
            return response["_source"]
        time.sleep(0.2)
    return None


@pytest.fixture
def own(settings, es, producer):
    """Isolated settings for one test, with their topics and indices; removed afterwards."""
    from streams.index import ensure_indices
    from streams.topics import ensure_topics

    from .faults import isolated

    made = []

    def make(name: str, **overrides):
        own_settings = isolated(settings, name, **overrides)
        ensure_topics(own_settings)
        ensure_indices(es, own_settings)
        made.append(own_settings)
        return own_settings

    yield make
    for own_settings in made:
        delete_indices(es, own_settings)
