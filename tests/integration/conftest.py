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
from streams.settings import settings_environment as settings_env

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
    from streams.index import managed_aliases

    for alias in (*managed_aliases(settings), settings.alerts_alias):
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


def start_worker(settings: Settings, name: str, *args: str, log_dir: Path | None = None,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """A real `coopwatch worker` process (``env`` added to its environment); its output goes to
    <log_dir>/<app id>-<name>.log (``process.log_path``)."""
    log_path = (log_dir or REPO / ".local" / "logs") / f"{settings.app_id}-{name}.log"
    # Each worker process keeps its table store in a directory of its own, as on a real
    # machine: two processes never share one RocksDB (a restarted worker finds its own again).
    settings = settings.model_copy(update={"state_dir": str(Path(settings.state_dir) / name)})
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "info", *args],
            cwd=REPO, env={**settings_env(settings), **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
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


def warmed_up_worker(settings: Settings, producer, name: str, *, log_dir: Path | None = None) -> Iterator[subprocess.Popen]:
    """A worker that has indexed a first message; stopped (and its local state removed) afterwards."""
    process = start_worker(settings, name, log_dir=log_dir)
    try:
        warm_up = raw_message()
        from streams.publish import wait_until_accounted

        since = publish(producer, settings, warm_up)
        deadline = time.monotonic() + 180
        while not wait_until_accounted(settings, [warm_up], since=since, timeout_seconds=5).done:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"worker did not index a first message:\n{process.log_path.read_text()[-4000:]}", pytrace=False)
        yield process
    finally:
        stop_worker(process)
        shutil.rmtree(settings.state_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def worker(settings: Settings, es, producer) -> Iterator[subprocess.Popen]:
    """One real `coopwatch worker` process, warmed up: it has indexed a first message before tests start."""
    yield from warmed_up_worker(settings, producer, "worker")


def wait_for_document(es, index: str, doc_id: str, *, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = es.options(ignore_status=404).get(index=index, id=doc_id)
        if response.get("found"):
            return response["_source"]
        time.sleep(0.2)
    return None


def wait_for_events(es, alias: str, article_id: str, *, until, timeout: float = 30.0) -> list[dict]:
    """The article's events (sources) once ``until`` holds of them, or as they are at the timeout.

    An article a real-time get finds may be ahead of its events: one bulk writes both, but
    each index's shard applies it on its own, and a refresh may come between the two.
    """
    deadline = time.monotonic() + timeout
    while True:
        es.indices.refresh(index=alias)
        events = [hit["_source"] for hit in es.search(index=alias, query={"term": {"article_id": article_id}}, size=100)["hits"]["hits"]]
        if until(events) or time.monotonic() > deadline:
            return events
        time.sleep(0.2)


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
        shutil.rmtree(own_settings.state_dir, ignore_errors=True)


# ---------------------------------------------------------------- the secured pair
#
# A private Kafka + Elasticsearch started with `services.sh up --secure` in a state
# directory of their own (.local/secure-test) on free ports, beside the plain pair,
# and stopped at the end of the session. The session's worker identity is made by
# the real `coopwatch credentials` with the operator's identity of that pair.

SECURE_STATE = REPO / ".local" / "secure-test"


def free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class Transcript:
    """Everything the secured session printed or logged, to prove no secret ever shows."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.files: list[Path] = []

    def add(self, label: str, text: str) -> None:
        self.texts.append((label, text))


def changed(settings: Settings, **changes: object) -> Settings:
    """These settings with some changed, validated again (model_copy would take a str for a secret)."""
    return Settings(**{**dict(settings), **changes})


def settings_from_env_file(path: Path, **overrides: object) -> Settings:
    """Settings as a process given COOPWATCH_ENV_FILE=path would read them, whatever this shell exports."""
    from dotenv import dotenv_values

    values = {key.removeprefix("COOPWATCH_").lower(): value for key, value in dotenv_values(path).items()}
    return Settings(**{**values, **overrides})


@pytest.fixture(scope="session")
def transcript() -> Transcript:
    return Transcript()


@pytest.fixture(scope="session")
def secure_services(transcript: Transcript) -> Iterator[dict[str, Path]]:
    kafka, controller, es_http, es_transport = free_ports(4)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")},
           "COOPWATCH_LOCAL_DIR": str(SECURE_STATE), "COOPWATCH_KAFKA_PORT": str(kafka),
           "COOPWATCH_KAFKA_CONTROLLER_PORT": str(controller), "COOPWATCH_ES_PORT": str(es_http),
           "COOPWATCH_ES_TRANSPORT_PORT": str(es_transport), "COOPWATCH_PYTHON": sys.executable}

    def services(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(SERVICES), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
        transcript.add(f"services.sh {' '.join(args)}", result.stdout + result.stderr)
        return result

    services("down")  # a pair left behind by an interrupted session, on other ports
    started = time.monotonic()
    result = services("up", "--secure")
    if result.returncode != 0:
        pytest.fail(f"services.sh up --secure failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    print(f"secured services up in {time.monotonic() - started:.1f} s")
    status = services("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "SASL_SSL" in status.stdout and "(TLS, authentication on)" in status.stdout, status.stdout
    secure = SECURE_STATE / "secure"
    transcript.files += [SECURE_STATE / "logs" / "kafka.log", SECURE_STATE / "logs" / "kafka.out",
                         SECURE_STATE / "logs" / "elasticsearch.out", SECURE_STATE / "logs" / "elasticsearch" / "coopwatch.log"]
    try:
        yield {"admin_env": secure / "admin.env", "worker_env": secure / "coopwatch.env", "ca": secure / "ca" / "ca.crt",
               "passwords": secure / "passwords.env", "status": status.stdout}
    finally:
        services("down")


@pytest.fixture(scope="session")
def secure_admin_settings(secure_services) -> Settings:
    return settings_from_env_file(secure_services["admin_env"])


@pytest.fixture(scope="session")
def secure_settings(secure_services, secure_admin_settings: Settings, transcript: Transcript, tmp_path_factory) -> Settings:
    """The session's worker identity, made and scoped to the session's names by `coopwatch credentials`."""
    run = f"sec{uuid.uuid4().hex[:8]}"
    names = dict(
        app_id=f"coopwatch-{run}", topic_raw=f"{run}.news.raw", topic_normalised=f"{run}.news.normalised",
        topic_enriched=f"{run}.news.enriched", topic_deadletter=f"{run}.news.deadletter", topic_partitions=2,
        articles_alias=f"{run}-news-articles", events_alias=f"{run}-coop-events", index_batch_seconds=0.3,
        topic_mentions=f"{run}.news.mentions", incidents_alias=f"{run}-coop-incidents",
        topic_watches=f"{run}.news.watches", topic_alerts=f"{run}.news.alerts", alerts_alias=f"{run}-watch-alerts",
        state_dir=str(REPO / ".local" / "state" / run),
    )
    worker_env = tmp_path_factory.mktemp("secure") / "worker.env"
    admin = changed(secure_admin_settings, **names)
    result = coopwatch(admin, "credentials", "--write", str(worker_env), "--user", f"coopwatch-{run}")
    transcript.add("coopwatch credentials", result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert oct(worker_env.stat().st_mode & 0o777) == "0o600"
    return settings_from_env_file(worker_env, **names)


def secure_coopwatch(settings: Settings, transcript: Transcript, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = coopwatch(settings, *args, timeout=timeout)
    transcript.add(f"coopwatch {' '.join(args)}", result.stdout + result.stderr)
    return result


@pytest.fixture(scope="session")
def secure_es(secure_settings: Settings):
    from streams.clients import elasticsearch_client
    from streams.index import ensure_indices

    client = elasticsearch_client(secure_settings)
    ensure_indices(client, secure_settings)
    yield client
    client.close()


@pytest.fixture(scope="session")
def secure_producer(secure_settings: Settings):
    from streams.clients import kafka_producer
    from streams.topics import ensure_topics

    ensure_topics(secure_settings)
    client = kafka_producer(secure_settings)
    yield client
    client.close()


@pytest.fixture(scope="session")
def secure_worker(secure_settings: Settings, secure_es, secure_producer, transcript: Transcript) -> Iterator[subprocess.Popen]:
    log_path = SECURE_STATE / "logs" / f"{secure_settings.app_id}-worker.log"
    transcript.files.append(log_path)
    yield from warmed_up_worker(secure_settings, secure_producer, "worker", log_dir=log_path.parent)
