"""Helpers of the fault tests: isolated settings, a feed with bad messages mixed in, a proxy that misbehaves, the tally."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

from streams.deadletters import read_dead_letters
from streams.publish import wait_until_accounted
from streams.settings import Settings

from .conftest import raw_message


def isolated(settings: Settings, name: str, **overrides) -> Settings:
    """Settings with topics, consumer group and aliases of their own, so one fault's figures are its own."""
    run = f"{settings.app_id.removeprefix('coopwatch-')}-{name}-{uuid.uuid4().hex[:4]}"
    return settings.model_copy(update=dict(
        app_id=f"coopwatch-{run}", topic_raw=f"{run}.news.raw", topic_normalised=f"{run}.news.normalised",
        topic_enriched=f"{run}.news.enriched", topic_deadletter=f"{run}.news.deadletter",
        articles_alias=f"{run}-news-articles", events_alias=f"{run}-coop-events",
        topic_mentions=f"{run}.news.mentions", incidents_alias=f"{run}-coop-incidents",
        topic_watches=f"{run}.news.watches", topic_alerts=f"{run}.news.alerts", alerts_alias=f"{run}-watch-alerts",
        state_dir=str(Path(settings.state_dir).parent / run), **overrides))


# Each fault test publishes this many articles with this many malformed messages mixed in.
FAULT_ARTICLES, FAULT_MALFORMED = 100, 10


def halves(name: str) -> tuple[list[bytes], list[bytes]]:
    """A fault test's feed: the first half published before the fault, the second during it."""
    payloads = feed(f"{name}-{uuid.uuid4().hex[:6]}", FAULT_ARTICLES, FAULT_MALFORMED)
    return payloads[: len(payloads) // 2], payloads[len(payloads) // 2:]


def assert_nothing_lost(result: "Tally", fault: str, workers: Iterable[subprocess.Popen] = ()) -> None:
    """Every article indexed once and every malformed message dead-lettered; a failure shows the
    workers' last log lines (a message left pending is a worker's story, not the tally's)."""
    print(result.line(fault))
    evidence = result.line(fault) + "".join(f"\n--- {worker.log_path.name}:\n{log_tail(worker.log_path)}" for worker in workers)
    assert (result.indexed, result.dead_lettered, result.pending) == (FAULT_ARTICLES, FAULT_MALFORMED, 0), evidence
    assert result.duplicated == 0 and result.index_dead_letters == 0, evidence


def log_tail(path: Path, lines: int = 25) -> str:
    """A worker log's last lines, without the HTTP requests it logs for every batch."""
    kept = [line for line in path.read_text(errors="replace").splitlines() if "[status:" not in line]
    return "\n".join(kept[-lines:])


def feed(marker: str, articles: int, malformed: int) -> list[bytes]:
    """Articles with bad messages mixed in: every one must end indexed or dead-lettered."""
    step = max(articles // malformed, 1) if malformed else 0
    payloads = []
    for n in range(articles):
        payloads.append(raw_message(id=f"{marker}-{n}", title=f"Police cooperation {n}",
                                    body=f"Spanish and Moroccan police met in Rabat on day {n} to discuss drug trafficking."))
        if malformed and n % step == 0 and n // step < malformed:
            payloads.append(f"not json {marker}-{n}".encode())
    return payloads


@dataclass
class Tally:
    published: int
    indexed: int
    dead_lettered: int
    pending: int
    duplicated: int
    index_dead_letters: int

    def line(self, fault: str) -> str:
        return (f"FAULT {fault}: published {self.published}, indexed {self.indexed}, dead-lettered {self.dead_lettered}, "
                f"duplicated {self.duplicated}, still pending {self.pending}, dead-lettered at the index stage {self.index_dead_letters}")


def tally(settings: Settings, es, payloads: list[bytes], *, since: datetime, timeout: float) -> Tally:
    accounting = wait_until_accounted(settings, payloads, since=since, timeout_seconds=timeout)
    feed_ids = [json.loads(p)["id"] for p in payloads if not p.startswith(b"not")]
    es.indices.refresh(index=settings.articles_alias)
    hits = es.search(index=settings.articles_alias, query={"terms": {"feed_id": feed_ids}}, size=2 * len(feed_ids) + 10,
                     source=["feed_id"])["hits"]["hits"]
    found = [hit["_source"]["feed_id"] for hit in hits]
    index_letters = [letter for letter in read_dead_letters(settings, timeout_seconds=3) if letter.stage == "index"]
    return Tally(len(payloads), accounting.indexed, accounting.dead_lettered, accounting.pending,
                 len(found) - len(set(found)), len(index_letters))


def publish_all(producer, topic: str, payloads: list[bytes]) -> None:
    futures = [producer.send(topic, value=payload) for payload in payloads]
    producer.flush()
    for future in futures:
        future.get(timeout=60)


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def indexed_count(es, settings: Settings) -> int:
    es.indices.refresh(index=settings.articles_alias)
    return es.count(index=settings.articles_alias)["count"]


class FaultProxy:
    """An HTTP proxy in front of Elasticsearch that answers some requests itself, as an overloaded cluster,
    a gateway or a security layer would; everything else goes through unchanged."""

    def __init__(self, target_url: str, *, status: int | None = None, body: str = "", paths: tuple[str, ...] = ()) -> None:
        """With ``status``: while ``on`` is set, requests whose path contains one of ``paths`` (all when
        none are given) get that answer, a JSON ``body``; ``answer`` may be replaced by any other rule."""
        target = urlsplit(target_url)
        self.target = (target.hostname or "127.0.0.1", target.port or 9200)
        self.on = False
        self.answer: Callable[[str, str], tuple[int, str, str] | None] = lambda method, path: (
            (status, "application/json", body)
            if status and self.on and (not paths or any(part in path for part in paths)) else None)
        self.answered = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                canned = proxy.answer(self.command, self.path)
                if canned is not None:
                    proxy.answered += 1
                    status, content_type, text = canned
                    self._reply(status, [("Content-Type", content_type)], text.encode())
                    return
                upstream = HTTPConnection(*proxy.target, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    upstream.request(self.command, self.path, body=body or None, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                    passed = [(k, v) for k, v in response.getheaders() if k.lower() not in ("content-length", "connection", "transfer-encoding")]
                    self._reply(response.status, passed, data)
                finally:
                    upstream.close()

            def _reply(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def es_error_body(status: int, error_type: str, reason: str) -> str:
    return json.dumps({"error": {"root_cause": [{"type": error_type, "reason": reason}], "type": error_type, "reason": reason},
                       "status": status})
