"""Elasticsearch going away must not lose articles: the worker waits, commits nothing, and indexes them once it is back."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest

from streams.deadletters import read_dead_letters
from streams.publish import expected_article_id, wait_until_accounted

from .conftest import REPO, publish, raw_message, settings_env


class SwitchableProxy:
    """A loopback TCP forwarder to Elasticsearch that the test can cut and restore."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.connections: list[socket.socket] = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut(self) -> None:
        self.open.clear()
        for sock in self.connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connections.clear()

    def restore(self) -> None:
        self.open.set()

    def close(self) -> None:
        self.stopped = True
        self.cut()
        self.listener.close()


@pytest.fixture
def worker_behind_proxy(settings, es, producer):
    target = urlsplit(settings.elasticsearch_url)
    proxy = SwitchableProxy(target.hostname or "127.0.0.1", target.port or 9200)
    outage_settings = settings.model_copy(update={
        "app_id": f"{settings.app_id}-outage",
        "elasticsearch_url": f"http://127.0.0.1:{proxy.port}",
    })
    # Its own consumer group: reads the same raw topic as the session worker, so
    # the test looks only at what this worker does with its own copy.
    log_path = REPO / ".local" / "logs" / f"{outage_settings.app_id}-worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker", "--stages", "index"],
                                   cwd=REPO, env=settings_env(outage_settings), stdout=log, stderr=subprocess.STDOUT)
    yield proxy, outage_settings, process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    proxy.close()


def test_articles_published_during_an_outage_are_indexed_when_elasticsearch_returns(settings, es, producer, worker, worker_behind_proxy):
    proxy, outage_settings, process = worker_behind_proxy
    warm = raw_message(id=f"outage-warm-{uuid.uuid4().hex}")
    since = publish(producer, settings, warm)
    # The session worker indexes it too (same aliases); wait until the index-only worker has joined and written.
    assert wait_until_accounted(settings, [warm], since=since, timeout_seconds=120).done
    time.sleep(5)

    proxy.cut()
    marker = uuid.uuid4().hex
    payloads = [raw_message(id=f"outage-{marker}-{n}", body=f"Spanish and Moroccan police met in Rabat, round {n}.") for n in range(5)]
    ids = [expected_article_id(p) for p in payloads]
    publish(producer, settings, *payloads)
    # The session worker indexes them through the real port; remove its copies so
    # that only the index-only worker behind the cut proxy can bring them back.
    wait_until_accounted(settings, payloads, since=since, timeout_seconds=60)
    time.sleep(3)
    for article_id in ids:
        es.delete(index=settings.articles_alias, id=article_id, refresh=True)
    time.sleep(5)
    assert process.poll() is None, "the worker must wait for Elasticsearch, not die"
    assert es.count(index=settings.articles_alias, query={"ids": {"values": ids}})["count"] == 0

    proxy.restore()
    deadline = time.monotonic() + 90
    count = 0
    while time.monotonic() < deadline and count < len(ids):
        es.indices.refresh(index=settings.articles_alias)
        count = es.count(index=settings.articles_alias, query={"ids": {"values": ids}})["count"]
        time.sleep(1)
    assert count == len(ids), "articles written during the outage were lost"
    outage_letters = [l for l in read_dead_letters(settings) if l.key in ids and l.stage == "index"]
    assert outage_letters == []
