"""``coopwatch bench``: what an analyst waits for and what the hardware allows, measured in one run.

One run, in a namespace of its own (topics, consumer group and index aliases
named after the run, removed afterwards), so a benchmark never writes into
analysts' indices and never depends on a worker that happens to be running:

1. starts ``--workers`` real ``coopwatch worker`` processes and warms them up
   (models loaded, partitions assigned), then sends a burst of ``--warm-up``
   articles of its own through the whole pipeline, so that Kafka and
   Elasticsearch have compiled their hot paths before anything is measured;
2. publishes varied articles, all at once (``--messages``) or at a steady rate
   (``--rate`` for ``--duration`` seconds), and records when each one first
   becomes visible to a search — the moment an analyst could find it;
3. meanwhile samples the consumer group's lag per stage and the workers' RSS;
4. then measures the bounds on the same texts: spaCy's ``nlp.pipe`` with the
   pipeline the enrichment uses (in one process and in as many processes as
   workers), the enrichment and normalisation functions alone, the index stage
   alone (enriched articles published straight to its topic, read by workers
   running only that stage) and a bare ``async_streaming_bulk`` of the same
   documents, in interleaved rounds; and prints the ratios.

Visibility is observed, not inferred: a watcher thread searches the articles
alias every ``--poll`` seconds for the ids still pending (an ``ids`` query, no
``_source``, never forcing a refresh, so it sees exactly what a search by an
analyst would). An id's visibility time is when the first search that returned
it answered: an upper bound, late by at most one poll interval plus a round
trip. A ``get``/``mget`` would not do: they are real-time and find documents
that no search can see yet.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from streams.settings import Settings, settings_environment

REPO = Path(__file__).resolve().parents[1]
# Articles written for the project (never the real articles of the shared eval set).
DEFAULT_FEEDS = (REPO / "deploy" / "sample" / "feed.jsonl", REPO / "tests" / "data" / "dev2.jsonl", REPO / "tests" / "data" / "heldout.jsonl")
STAGE_TOPICS = ("normalise", "enrich", "index", "incidents")
SEARCHABLE_THROUGH = ("normalise", "enrich", "index")   # the stages an article passes before a search finds it
# The incidents stage run apart (``--incidents-apart``) yields the CPU to the search path:
# at niceness 19 it gets a few percent of a core the others want, and every idle moment.
APART_NICENESS = 19
# Producer batches of the bench's publisher (kafka-python's default, 16 KiB, sends a few
# articles per request: publishing a burst then took as long as indexing it).
PUBLISH_BATCH_BYTES = 1 << 20
# The warm-up burst's default size. Just after the services started, Elasticsearch took 19 CPU
# seconds for a burst of 800 and 4 to 8 once warm; after a warm-up of 400 it took 15, after
# one of 800, 11 and 13: larger ones cost more time than they save distortion.
DEFAULT_WARM_UP = 800
# The configuration the latency depends on, printed with the figures.
LATENCY_SETTINGS = ("enrich_batch_size", "enrich_batch_seconds", "index_batch_size", "index_batch_seconds",
                    "index_refresh_seconds", "index_refresh_seconds_backlogged", "commit_interval_seconds", "producer_linger_seconds",
                    "kafka_fetch_wait_seconds")


# ---------------------------------------------------------------- pure parts
def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating between the closest ranks, as numpy does by default."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(values: Sequence[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "count": len(values),
        "p50": round(percentile(values, 50), 3),
        "p95": round(percentile(values, 95), 3),
        "p99": round(percentile(values, 99), 3),
        "max": round(max(values), 3),
        "mean": round(statistics.fmean(values), 3),
    }


def send_schedule(rate: float, duration: float) -> list[float]:
    """Seconds after the start at which each message of a steady ``rate`` over ``duration`` is sent."""
    if rate <= 0 or duration <= 0:
        raise ValueError("rate and duration must be positive")
    return [n / rate for n in range(max(1, round(rate * duration)))]


def rate_over(times: Iterable[float]) -> float | None:
    """Events per second across the span of their timestamps (None when fewer than two)."""
    times = sorted(times)
    if len(times) < 2 or times[-1] <= times[0]:
        return None
    return (len(times) - 1) / (times[-1] - times[0])


def slope_per_hour(samples: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, value) samples, in value per hour (memory growth of a soak)."""
    if len(samples) < 3 or samples[-1][0] - samples[0][0] < 60:  # shorter says nothing about growth
        return None
    xs, ys = zip(*samples)
    return statistics.linear_regression(xs, ys).slope * 3600


def mean_of(*values: float | None) -> float | None:
    """The mean of the values measured (None when none was)."""
    measured = [value for value in values if value is not None]
    return statistics.fmean(measured) if measured else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 3)


def per_process_to_alone(bounds: dict[str, Any]) -> float | None:
    """What each of the K spaCy processes of the NLP bound got done, against one process alone:
    near 1 when the machine's CPUs are independent, near 1/K when K got no more done than one."""
    parallel, processes = bounds.get("spacy_pipe_parallel_per_s"), bounds.get("spacy_processes")
    return ratio(parallel / processes if parallel and processes else None, bounds.get("spacy_pipe_per_s"))


def read_articles(path: Path) -> list[dict]:
    """Raw articles of a JSONL file: lines that are a raw article or an eval line ``{"raw": ..., "gold": ...}``."""
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError:
            continue
        raw = document.get("raw", document) if isinstance(document, dict) else None
        if isinstance(raw, dict) and isinstance(raw.get("title"), str) and isinstance(raw.get("body"), str) and raw["title"].strip() and raw["body"].strip():
            articles.append(raw)
    return articles


def bench_articles(sources: Sequence[dict], count: int, run_id: str, *, seed: int = 0, prefix: str = "bench",
                   weeks_before: int = 0, partitions: int | None = None) -> list[dict]:
    """``count`` distinct raw articles varied from ``sources``: each takes one article and weaves in
    one to three paragraphs of other articles of the same language, so lengths and wording vary
    from message to message instead of a handful of texts coming round again. Each round through
    the sources is dated a week before the previous one, the first ``weeks_before`` weeks before
    the sources' own dates. With ``partitions``, the n-th article's id (the key of its messages
    in every topic) falls on partition n modulo ``partitions``."""
    if not sources:
        raise ValueError("no valid article to benchmark with")
    from streams.enrichment.language import detect_language

    rng = random.Random(seed)
    languages = [source.get("lang") or detect_language(source["title"], source["body"]) for source in sources]
    by_language: dict[str, list[list[str]]] = {}
    for source, language in zip(sources, languages):
        by_language.setdefault(language, []).append([p for p in source["body"].split("\n") if p.strip()])
    order = list(range(len(sources)))
    articles = []
    for n in range(count):
        if n % len(order) == 0:
            rng.shuffle(order)
        base = sources[order[n % len(order)]]
        paragraphs = [p for p in base["body"].split("\n") if p.strip()]
        others = by_language[languages[order[n % len(order)]]]
        for _ in range(rng.randint(1, 3)):
            donor = rng.choice(others)
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(donor))
        article = {key: value for key, value in base.items() if key not in ("url", "id", "source")}
        article.update(id=f"{prefix}-{run_id}-{n}", source="benchmark", body="\n".join(paragraphs))
        if partitions:
            article["id"] = feed_id_on_partition(article["id"], n % partitions, partitions)
        weeks = n // len(order) + weeks_before
        if weeks and isinstance(base.get("published_at"), str):
            article["published_at"] = earlier_date(base["published_at"], weeks=weeks)
        articles.append(article)
    return articles


def key_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner (the Java client's, kafka-python's, aiokafka's
    and so Faust's) gives a message with this key."""
    from aiokafka.partitioner import murmur2

    return (murmur2(key) & 0x7FFFFFFF) % partitions


def feed_id_on_partition(feed_id: str, partition: int, partitions: int) -> str:
    """``feed_id``, or it with the first suffix that makes its article id fall on ``partition``.

    The NLP bound splits its texts evenly among its processes; hashed at random, the two workers'
    shares of a burst of 400 differed by 4 points on average (52% against 48%; 10.5 points at
    worst over 30 draws of ids), and the idle end of the one with fewer counted against the pipeline."""
    candidate, suffix = feed_id, 0
    while key_partition(article_id_of({"id": candidate, "source": "benchmark"}).encode(), partitions) != partition:
        suffix += 1
        candidate = f"{feed_id}.{suffix}"
    return candidate


def earlier_date(published_at: str, *, weeks: int) -> str:
    """The same date ``weeks`` earlier (ISO 8601), or as it is when unreadable: each round through
    the sources tells other events, as a feed does, instead of adding reports to the same incidents
    without end (their merge window is days, a round is a week apart). Earlier, not later: the
    normalise stage takes a date in the future for the time of receipt, which would put every
    later round on one day."""
    from datetime import datetime, timedelta, timezone

    from schemas.dates import UnreadableDate, read_date

    try:
        moment = read_date(published_at, received_at=datetime.now(timezone.utc)).moment
    except UnreadableDate:
        return published_at
    return (moment - timedelta(weeks=weeks)).isoformat()


def article_id_of(article: dict) -> str:
    """The document id the pipeline gives a raw article with a feed id (see normalise.article_identity)."""
    from streams.normalise import article_identity

    return article_identity(feed_id=article["id"], source=article.get("source"), url=None, title="", text="")[0]


def normalises(article: dict) -> bool:
    """Whether the normalise stage accepts the article (the test sets hold some it must refuse)."""
    from datetime import datetime, timezone

    from streams.normalise import NormaliseError, normalise_payload

    try:
        normalise_payload(json.dumps(article).encode("utf-8"), received_at=datetime.now(timezone.utc), max_body_chars=sys.maxsize)
    except NormaliseError:
        return False
    return True


def partitions_for(workers: int, configured: int) -> int:
    """Enough partitions that every worker gets the same share of every topic."""
    return workers * math.ceil(max(configured, workers) / workers)


def isolated_settings(settings: Settings, run_id: str, *, workers: int) -> Settings:
    """The same configuration, with topics, consumer group and aliases of the run's own."""
    name = f"bench{run_id}"
    return settings.model_copy(update={
        "app_id": f"coopwatch-{name}",
        "topic_raw": f"{name}.news.raw",
        "topic_normalised": f"{name}.news.normalised",
        "topic_enriched": f"{name}.news.enriched",
        "topic_deadletter": f"{name}.news.deadletter",
        "topic_mentions": f"{name}.news.mentions",
        # the analysts' watches would otherwise match the run's articles and alert them
        "topic_watches": f"{name}.news.watches",
        "topic_alerts": f"{name}.news.alerts",
        "topic_partitions": partitions_for(workers, settings.topic_partitions),
        "articles_alias": f"{name}-news-articles",
        "events_alias": f"{name}-coop-events",
        "incidents_alias": f"{name}-coop-incidents",
        "alerts_alias": f"{name}-watch-alerts",
    })


# ---------------------------------------------------------------- report
def format_report(report: dict[str, Any]) -> str:
    """The human-readable report (``--json`` prints ``report`` itself)."""
    def num(value: Any, unit: str = "", digits: int = 1) -> str:
        return "n/a" if value is None else f"{value:.{digits}f}{unit}"

    def lat(summary: dict | None) -> str:
        if not summary:
            return "n/a"
        return f"p50 {summary['p50']:.2f} s, p95 {summary['p95']:.2f} s, p99 {summary['p99']:.2f} s, max {summary['max']:.2f} s"

    run, acc, tp, bounds, ratios = report["run"], report["accounting"], report["throughput"], report["bounds"], report["ratios"]
    mode = f"steady {run['rate']:g}/s for {run['duration']:g} s" if run["mode"] == "rate" else "burst (all at once)"
    only = f" running only {', '.join(run['stages'])}" if run.get("stages") else ""
    if run.get("incidents_apart"):
        only += f", and one running the incidents stage apart at niceness {run['incidents_apart']['niceness']}"
    lines = [
        f"run {run['run_id']}: {run['messages']} articles, {mode}, {run['workers']} worker(s){only}, {run['partitions']} partitions, "
        f"{run['cpus']} CPUs, load {' '.join(f'{x:.2f}' for x in run['load_before'])} before / "
        f"{' '.join(f'{x:.2f}' for x in run['load_after'])} after",
        f"accounted for: {acc['indexed']} searchable + {acc['dead_lettered']} dead-lettered of {acc['published']} published"
        + ("" if acc["all_accounted"] else f" -- {acc['missing']} MISSING"),
        f"publish -> searchable: {lat(report['latency_s']['publish_to_searchable'])} "
        f"(visibility polled every {run['poll_interval_s']:g} s{visibility_searches(run.get('visibility_searches'))}, "
        f"search round trip {num(run['poll_round_trip_s'], ' s', 3)})",
        "  with " + ", ".join(f"{name}={value:g}" for name, value in run["settings"].items()),
        f"  first articles of the freshly started workers (published as they joined their group): {lat(run.get('first_articles_s'))}",
        *warm_up_line(run.get("warm_up")),
        "  by hop: " + "; ".join(f"{hop.replace('_', ' ')} p50 {s['p50']:.2f} s p99 {s['p99']:.2f} s"
                                 for hop, s in report["latency_s"].items() if hop != "publish_to_searchable" and s),
        f"throughput: published {num(tp['published_per_s'])}/s, searchable {num(tp['searchable_per_s'])}/s "
        f"({num(tp['searchable_per_worker_cpu_s'], digits=2)} per second of worker CPU); "
        "stages in the pipeline: " + ", ".join(f"{stage} {num(rate)}/s" for stage, rate in tp["stages_per_s"].items()),
        machine_line(tp),
        *busiest_thread_line(tp.get("busiest_thread_core_share"), tp.get("busiest_thread_cpu_wait_share")),
        *incidents_line(tp, ratios),
        "consumer lag (messages): max " + ", ".join(f"{stage} {lag}" for stage, lag in report["lag"]["max"].items())
        + (f"; over time (total): {' '.join(str(total) for total in report['lag']['total_series'])}" if report["lag"]["total_series"] else ""),
        "worker RSS: " + "; ".join(
            f"pid {w['pid']} peak {num(w['peak_mib'], ' MiB', 0)}, last {num(w['last_mib'], ' MiB', 0)}, slope {num(w['slope_mib_per_hour'], ' MiB/h')}"
            for w in report["rss"]["workers"]
        ),
        f"bounds on {bounds['texts']} of the same texts: spaCy nlp.pipe {num(bounds['spacy_pipe_per_s'])}/s in one process "
        f"({num(bounds['spacy_pipe_per_cpu_s'])} per CPU second), {num(bounds['spacy_pipe_parallel_per_s'])}/s in "
        f"{bounds['spacy_processes']} ({num(bounds.get('spacy_pipe_parallel_per_cpu_s'))} per CPU second; the mean of "
        f"{num(bounds.get('spacy_pipe_parallel_before_per_s'))}/s right before the run and {num(bounds.get('spacy_pipe_parallel_after_per_s'))}/s right after it"
        f"{quiet_note(bounds.get('services_quiet_after_s'))}); enrich {num(bounds['enrich_per_s'])}/s ({num(bounds['enrich_per_cpu_s'])} per CPU second), "
        f"normalise {num(bounds['normalise_per_s'])}/s; on {bounds['index_documents']} documents: index stage alone (workers running only it) "
        f"{num(bounds['index_stage_per_s'])}/s, bare async_streaming_bulk {num(bounds['bare_bulk_per_s'])}/s"
        + index_cpu_note(bounds.get("index_cpu_ms_per_document")),
        f"ratios: enrich / spaCy {num(ratios['enrich_to_spacy'], digits=3)} in CPU time ({num(ratios['enrich_to_spacy_wall'], digits=3)} wall); "
        f"end to end / NLP bound ({process_count(bounds['spacy_processes'])}) {num(ratios['end_to_end_to_nlp_bound'], digits=3)} wall "
        f"(per CPU second: {num(ratios['end_to_end_to_nlp_bound_cpu'], digits=3)} against spaCy alone in one process, "
        f"{num(ratios.get('end_to_end_to_parallel_nlp_bound_cpu'), digits=3)} against the {process_count(bounds['spacy_processes'])} side by side); "
        f"index stage / bare bulk {num(ratios['index_stage_to_bare_bulk'], digits=3)}",
    ]
    if bounds.get("incidents_stage"):
        cost = bounds["incidents_stage"]
        lines.append(f"incidents stage alone (workers running only it) on the run's {cost['messages']} mentions messages of {cost['articles']} articles: "
                     f"{cost['machine_cpu_ms_per_article']:.2f} ms of machine CPU per article (workers {cost['worker_cpu_ms_per_article']:.2f} ms), "
                     f"{num(ratios.get('incidents_stage_to_nlp_cpu'), digits=3)} of spaCy's CPU per article")
    if bounds.get("long_article"):
        long = bounds["long_article"]
        lines.append(f"one article of {long['chars']:,} characters ({long['language']}; the NLP reads its first {long['nlp_chars']:,}): "
                     f"enriched in {long['enrich_s']:.2f} s ({long['enrich_cpu_s']:.2f} s CPU)")
    drift = ratios.get("nlp_bound_after_to_before")
    if drift is not None and not 1 / NLP_BOUND_DRIFT <= drift <= NLP_BOUND_DRIFT:
        lines.append(f"note: the NLP bound was {num(bounds['spacy_pipe_parallel_before_per_s'])}/s before the run and "
                     f"{num(bounds['spacy_pipe_parallel_after_per_s'])}/s after it: the machine's speed changed meanwhile "
                     "(other load on its CPUs), so this run's ratios to the NLP bound compare poorly with other runs'")
    share = ratios.get("nlp_bound_per_process_to_alone")
    if share is not None and bounds.get("spacy_processes", 1) > 1:
        lines.append(f"each of the {bounds['spacy_processes']} spaCy processes of the NLP bound did {share:.3f} of what one does alone")
        if share < NLP_PROCESS_SHARE_LOW:
            lines[-1] += (": this machine's CPUs were not independent while the bound ran (shared cores, a busy host), so the NLP "
                          "bound is low and end to end / NLP bound overstates what the pipeline reaches on independent CPUs")
    if not bounds["texts"]:
        lines[-2:] = ["bounds: not measured (--bound-texts 0)"]
    if report.get("problems"):
        lines += [f"problem: {problem}" for problem in report["problems"]]
    return "\n".join(lines)


# ---------------------------------------------------------------- watching
class VisibilityWatcher(threading.Thread):
    """Records when each expected article first comes back from a plain search of the alias.

    Each poll counts the alias's documents, which Elasticsearch reads from each segment's
    number of documents; only when that count moved (a refresh made documents visible) does
    it search for the ids still pending. Searching for up to 2,000 ids at every poll searched
    the system it measured about 470 times in a burst of 1,600 that takes 50 s (6 to 10 ms
    each), where the count moves about 80 times. Nothing in a bench run deletes an article,
    so a count that did not move means nothing new is visible; the ids are searched at least
    every ``full_poll_seconds`` all the same, so that a count kept level by a deletion delays
    a visibility by that at most.
    """

    def __init__(self, client, alias: str, *, interval: float, batch: int = 2000, full_poll_seconds: float = 2.0) -> None:
        super().__init__(name="bench-visibility", daemon=True)
        self.client, self.alias, self.interval, self.batch = client, alias, interval, batch
        self.full_poll_seconds = full_poll_seconds
        self.pending: dict[str, float] = {}     # article id -> when it was published
        self.visible: dict[str, float] = {}     # article id -> when a search first returned it
        self.round_trips: list[float] = []      # of the searches for ids
        self.counts = 0                         # polls, each of which counts the alias first
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def expect(self, article_id: str, published_at: float) -> None:
        with self.lock:
            self.pending[article_id] = published_at

    def forget(self, article_ids: Iterable[str]) -> None:
        """Ids that will never be visible (dead-lettered)."""
        with self.lock:
            for article_id in article_ids:
                self.pending.pop(article_id, None)

    def outstanding(self) -> int:
        with self.lock:
            return len(self.pending)

    def run(self) -> None:
        counted: int | None = None     # the count when the ids were last searched
        searched = 0.0                 # and when (monotonic)
        while not self.stopping.is_set():
            with self.lock:
                ids = list(self.pending)
            if ids:
                try:
                    count = self.client.count(index=self.alias)["count"]
                    self.counts += 1
                    if count != counted or time.monotonic() - searched >= self.full_poll_seconds:
                        for start in range(0, len(ids), self.batch):
                            self._search(ids[start:start + self.batch])
                        counted, searched = count, time.monotonic()
                except Exception as error:  # noqa: BLE001 - a failed poll is retried; it only costs resolution
                    self.errors.append(str(error)[:200])
            self.stopping.wait(self.interval)

    def _search(self, ids: list[str]) -> None:
        asked = time.time()
        response = self.client.search(
            index=self.alias, query={"ids": {"values": ids}}, size=len(ids), source=False, track_total_hits=False
        )
        answered = time.time()
        self.round_trips.append(answered - asked)
        with self.lock:
            for hit in response["hits"]["hits"]:
                if self.pending.pop(hit["_id"], None) is not None:
                    self.visible[hit["_id"]] = answered


class CountWatcher(threading.Thread):
    """Records when an index first counts ``total`` documents visible to searches.

    The index bound's probe. A plain count is read from each segment's number of
    documents, so it costs Elasticsearch next to nothing; the visibility watcher's
    search for up to 2,000 ids every poll added 0.1 to 0.3 ms of the machine per
    document to a bare bulk that takes about 1 ms, and it watched only the index
    stage's side, so that side carried a load the other did not. Both sides of the
    bound are watched by this probe from before their clock starts.
    """

    def __init__(self, client, index: str, total: int, *, interval: float) -> None:
        super().__init__(name="bench-count", daemon=True)
        self.client, self.index, self.total, self.interval = client, index, total, interval
        self.reached_at: float | None = None
        self.errors: list[str] = []
        self.stopping = threading.Event()

    @classmethod
    def started_for(cls, client, index: str, documents: int, *, interval: float) -> "CountWatcher":
        """Watching for ``documents`` more than the index counts now (they must be new ids)."""
        watcher = cls(client, index, client.count(index=index)["count"] + documents, interval=interval)
        watcher.start()
        return watcher

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                count = self.client.count(index=self.index)["count"]
            except Exception as error:  # noqa: BLE001 - a failed poll is retried; it only costs resolution
                self.errors.append(str(error)[:200])
            else:
                if count >= self.total:
                    self.reached_at = time.time()
                    return
            self.stopping.wait(self.interval)

    def wait(self, timeout: float) -> float | None:
        """When the index reached the count, or None when it did not within ``timeout`` seconds."""
        self.join(timeout)
        self.stopping.set()
        self.join()
        return self.reached_at


class Sampler(threading.Thread):
    """Once a second: the consumer group's lag on each stage's input topic, and each worker's RSS."""

    def __init__(self, settings: Settings, pids: Sequence[int], *, interval: float = 1.0) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self.settings, self.pids, self.interval = settings, list(pids), interval
        self.lag: list[tuple[float, dict[str, int]]] = []
        self.rss: list[tuple[float, list[float | None]]] = []
        self.processes: list = []
        self.stopping = threading.Event()

    def run(self) -> None:
        import psutil
        from kafka import TopicPartition

        from streams.clients import kafka_admin, kafka_consumer

        processes = self.processes = [psutil.Process(pid) for pid in self.pids]
        inputs = (self.settings.topic_raw, self.settings.topic_normalised, self.settings.topic_enriched, self.settings.topic_mentions)
        topics = dict(zip(STAGE_TOPICS, inputs))   # each stage's input topic
        partitions = [TopicPartition(topic, p) for topic in topics.values() for p in range(self.settings.topic_partitions)]
        admin = kafka_admin(self.settings)
        consumer = kafka_consumer(self.settings, group_id=None, enable_auto_commit=False)
        try:
            while not self.stopping.is_set():
                now = time.time()
                self.rss.append((now, [rss_mib(process) for process in processes]))
                try:
                    committed = admin.list_group_offsets(self.settings.app_id)[self.settings.app_id]
                    ends = consumer.end_offsets(partitions)
                    self.lag.append((now, {
                        stage: sum(ends[tp] - max(0, committed[tp].offset if tp in committed else 0) for tp in partitions if tp.topic == topic)
                        for stage, topic in topics.items()
                    }))
                except Exception:  # noqa: BLE001 - a missed sample, not a failed run
                    pass
                self.stopping.wait(self.interval)
        finally:
            admin.close()
            consumer.close()


def visibility_searches(polls: dict | None) -> str:
    """How many of the polls searched for ids: only those after which the count had moved."""
    return f": {polls['searches_for_ids']} searches for ids after {polls['counts']} counts" if polls else ""


def quiet_note(waits: dict | None) -> str:
    if not waits:
        return ""
    return (f", each once Kafka and Elasticsearch had gone quiet: after {waits['before_the_run']:.1f} and "
            f"{waits['after_it']:.1f} s")


def warm_up_line(warmed: dict | None) -> list[str]:
    if not warmed:
        return ["  no warm-up burst (--warm-up 0): Kafka and Elasticsearch may still be compiling their hot paths during the run"]
    services = warmed["services_cpu_seconds"]
    names = {"kafka": "Kafka", "elasticsearch": "Elasticsearch"}
    spent = ", ".join(f"{names.get(name, name)} {value:.1f}" for name, value in services.items() if value is not None)
    return [f"  before the run: a warm-up burst of {warmed['articles']} articles, all searchable and placed in {warmed['seconds']:.1f} s"
            + (f" (CPU seconds meanwhile: {spent})" if spent else "")]


def incidents_line(throughput: dict, ratios: dict) -> list[str]:
    if throughput.get("incidents_placed_per_s") is None:
        return []
    bound = ratios.get("incidents_placed_to_nlp_bound")
    return [f"incidents: every mention placed {throughput['incidents_placed_after_searchable_s']:.1f} s after the last article was searchable "
            f"({throughput['incidents_placed_per_s']:.1f} articles/s" + (f", {bound:.3f} of the NLP bound)" if bound is not None else ")")]


def machine_line(throughput: dict) -> str:
    """How the machine's CPU time went over the run: the workers' share, and the rest."""
    machine, window, workers = (throughput.get(k) for k in ("machine_cpu_seconds", "window_cpu_seconds", "worker_cpu_seconds"))
    if not machine or not window or workers is None:
        return "machine CPU: not measured"
    rest = max(machine - workers, 0.0)
    services, bench = throughput.get("services_cpu_seconds") or {}, throughput.get("bench_cpu_seconds")
    known = {"Kafka": services.get("kafka"), "Elasticsearch": services.get("elasticsearch"), "the bench": bench}
    split = ", ".join(f"{name} {seconds:.1f}" if seconds is not None else f"{name} not seen here" for name, seconds in known.items())
    other = rest - sum(seconds for seconds in known.values() if seconds is not None)
    return (f"machine CPU: busy {machine:.1f} of {window:.1f} CPU seconds ({100 * machine / window:.0f}%): workers {workers:.1f} "
            f"({100 * workers / window:.0f}% of the machine), everything else {rest:.1f} "
            + (f"({split}, other load {max(other, 0.0):.1f})" if services or bench is not None
               else "(Kafka, Elasticsearch, the bench, other load)"))


def index_cpu_note(cpu: Mapping[str, float | None] | None) -> str:
    if not cpu:
        return ""

    def ms(name: str) -> str:
        return "n/a" if cpu.get(name) is None else f"{cpu[name]:.3f} ms"

    return (f" (CPU per document, the whole machine's: index stage {ms('index_stage_machine')}, of which its workers "
            f"{ms('index_stage_workers')}; bare bulk {ms('bare_bulk_machine')})")


def busiest_thread_line(shares: Sequence[float | None] | None, cpu_waits: Sequence[float | None] | None = None) -> list[str]:
    if not shares or all(share is None for share in shares):
        return []

    def listed(values: Sequence[float | None]) -> str:
        return ", ".join("n/a" if value is None else f"{value:.2f}" for value in values)

    line = ("busiest thread of each worker (its NLP thread while articles wait), from the first publish to the last article enriched: "
            + listed(shares) + " of a core")
    if cpu_waits and any(wait is not None for wait in cpu_waits):
        line += f"; ready to run but waiting for a CPU {listed(cpu_waits)} of that time (the rest it slept: no articles, or the GIL)"
    return [line]


def process_count(count: int) -> str:
    return f"{count} process" if count == 1 else f"{count} processes"


def cpu_seconds(processes) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except Exception:  # noqa: BLE001 - the process has gone
            pass
    return total


def thread_cpu_seconds(processes) -> dict[tuple[int, int], float]:
    """User and system CPU time each thread of the processes has used so far, by (process id, thread id)."""
    times: dict[tuple[int, int], float] = {}
    for process in processes:
        try:
            for thread in process.threads():
                times[(process.pid, thread.id)] = thread.user_time + thread.system_time
        except Exception:  # noqa: BLE001 - the process has gone
            pass
    return times


def run_queue_seconds(schedstat: str) -> float:
    """How long a thread has waited for a CPU while it could run, from its
    ``/proc/PID/task/TID/schedstat`` ("time on a CPU, time in the run queue, time slices", in ns)."""
    return int(schedstat.split()[1]) / 1e9


def thread_run_queue_seconds(processes) -> dict[tuple[int, int], float]:
    """How long each thread of the processes has waited for a CPU so far, by (process id,
    thread id); empty where the kernel does not tell (no Linux ``schedstat``)."""
    waits: dict[tuple[int, int], float] = {}
    for process in processes:
        tasks = Path(f"/proc/{process.pid}/task")
        try:
            threads = os.listdir(tasks)
        except OSError:  # the process has gone, or this is not Linux
            continue
        for thread in threads:
            try:
                waits[(process.pid, int(thread))] = run_queue_seconds((tasks / thread / "schedstat").read_text())
            except (OSError, ValueError, IndexError):  # the thread has gone, or no scheduler statistics
                pass
    return waits


def busiest_threads(before: Mapping[tuple[int, int], float], after: Mapping[tuple[int, int], float],
                    pids: Sequence[int]) -> list[tuple[tuple[int, int], float] | None]:
    """Of each process, its thread that used the most CPU between the two readings, and how much."""
    found: list[tuple[tuple[int, int], float] | None] = []
    for pid in pids:
        used = {key: after[key] - before.get(key, 0.0) for key in after if key[0] == pid}
        found.append(max(used.items(), key=lambda item: item[1]) if used else None)
    return found


def busiest_thread_shares(before: Mapping[tuple[int, int], float], after: Mapping[tuple[int, int], float],
                          pids: Sequence[int], seconds: float) -> list[float | None]:
    """Of each process, the share of one core its busiest thread used over ``seconds``.

    In a burst that is a worker's NLP thread: near a whole core, the NLP waited for nothing
    but the CPU; well under it, for the rest of the pipeline (or the machine's other load)."""
    return [round(busiest[1] / seconds, 3) if busiest and seconds > 0 else None
            for busiest in busiest_threads(before, after, pids)]


def busiest_thread_cpu_waits(cpu_before: Mapping[tuple[int, int], float], cpu_after: Mapping[tuple[int, int], float],
                             waits_before: Mapping[tuple[int, int], float], waits_after: Mapping[tuple[int, int], float],
                             pids: Sequence[int], seconds: float) -> list[float | None]:
    """Of each process's busiest thread, the share of ``seconds`` it could run but waited for a CPU.

    What the NLP thread did not use of a core is either this wait (the machine's CPUs were
    taken: by the other worker, Elasticsearch, the broker) or sleep (no articles to read, or
    the GIL held by the event loop): only the second can be won back inside the worker."""
    shares: list[float | None] = []
    for busiest in busiest_threads(cpu_before, cpu_after, pids):
        key = busiest[0] if busiest else None
        if key is None or key not in waits_after or seconds <= 0:
            shares.append(None)
            continue
        shares.append(round((waits_after[key] - waits_before.get(key, 0.0)) / seconds, 3))
    return shares


def machine_busy_seconds() -> float:
    """CPU time every CPU of the machine has spent busy so far (all but idle and I/O wait)."""
    import psutil

    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def endpoint(address: str, default_port: int) -> tuple[str, int]:
    """Host and port of ``host:port`` or of a URL (``http://host:port``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(address if "//" in address else f"//{address}")
    return parts.hostname or "", parts.port or default_port


def listening_pid(connections: Iterable[Any], port: int, addresses: set[str]) -> int | None:
    """The process listening on ``port`` at one of ``addresses`` (or on every address), among psutil's connections."""
    for connection in connections:
        local = connection.laddr
        if connection.status != "LISTEN" or not local or local.port != port or not connection.pid:
            continue
        # a Java server on an IPv6 socket shows its IPv4 address mapped (::ffff:127.0.0.1)
        ip = local.ip.removeprefix("::ffff:")
        if ip in addresses or ip in ("0.0.0.0", "::"):
            return connection.pid
    return None


def service_processes(settings: Settings) -> dict[str, Any]:
    """The processes of this machine serving the configured Kafka broker and Elasticsearch, by name (None for
    a service elsewhere, or one whose process this user may not see): they share the workers' CPUs."""
    import socket

    import psutil

    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError):
        return {"kafka": None, "elasticsearch": None}
    local = {address.address for addresses in psutil.net_if_addrs().values() for address in addresses}
    found: dict[str, Any] = {}
    for name, (host, port) in (("kafka", endpoint(settings.kafka_servers[0], 9092)),
                               ("elasticsearch", endpoint(settings.elasticsearch_url, 9200))):
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
        except OSError:
            addresses = set()
        pid = listening_pid(connections, port, addresses) if addresses & local else None
        try:
            found[name] = psutil.Process(pid) if pid else None
        except psutil.Error:
            found[name] = None
    return found


def services_cpu_since(services: dict[str, Any], before: dict[str, float]) -> dict[str, float | None]:
    """CPU seconds each of ``service_processes`` used since ``before`` (their ``cpu_seconds`` then);
    None for a service not seen on this machine."""
    return {name: round(cpu_seconds([process]) - before[name], 1) if process else None for name, process in services.items()}


def rss_mib(process) -> float | None:
    try:
        return process.memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - the process has gone
        return None


# ---------------------------------------------------------------- workers and namespace
@dataclass
class WorkerPool:
    """``coopwatch worker`` processes of the run's namespace, as an operator would start them."""

    settings: Settings
    count: int
    stages: Sequence[str] = ()   # all of them when empty
    # one more worker running these stages at the lowest CPU priority, after the ``count`` others
    apart: Sequence[str] = ()
    processes: list[subprocess.Popen] = field(default_factory=list)
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="coopwatch-bench-")))

    @property
    def runs_incidents(self) -> bool:
        return bool(self.apart) or "incidents" in (self.stages or STAGE_TOPICS)

    @property
    def members(self) -> int:
        """The consumer group members the pool starts."""
        return self.count + (1 if self.apart else 0)

    def start(self) -> None:
        commands = [["--stages", ",".join(self.stages)] if self.stages else []] * self.count
        if self.apart:
            commands.append(["--stages", ",".join(self.apart), "--niceness", str(APART_NICENESS)])
        for n, options in enumerate(commands):
            # each worker its own table store, as on separate machines
            state = self.settings.model_copy(update={"state_dir": str(self.log_dir / f"state-{n}")})
            with (self.log_dir / f"worker-{n}.log").open("w") as log:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning", *options],
                    env=settings_environment(state), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                ))

    def check_alive(self) -> None:
        for n, process in enumerate(self.processes):
            if process.poll() is not None:
                tail = (self.log_dir / f"worker-{n}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"worker {n} exited with {process.returncode}:\n{tail}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for n in range(len(self.processes)):
            shutil.rmtree(self.log_dir / f"state-{n}", ignore_errors=True)


def group_is_stable(admin, group_id: str, members: int) -> bool:
    """Whether the consumer group is stable with exactly ``members`` members (False while it does not exist yet)."""
    try:
        group = admin.describe_groups([group_id])[group_id]
    except Exception:  # noqa: BLE001 - the group does not exist yet
        return False
    return group["group_state"] == "Stable" and len(group["members"]) == members


def wait_for_group(settings: Settings, members: int, *, timeout: float, pool: WorkerPool) -> None:
    """Until the workers have all joined the consumer group and it is stable."""
    from streams.clients import kafka_admin

    admin = kafka_admin(settings)
    deadline = time.monotonic() + timeout
    try:
        while True:
            pool.check_alive()
            if group_is_stable(admin, settings.app_id, members):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {members} worker(s) did not form a stable consumer group within {timeout:.0f} s (logs in {pool.log_dir})")
            time.sleep(0.5)
    finally:
        admin.close()


def remove_namespace(settings: Settings) -> list[str]:
    """Delete the run's topics (Faust's own included), consumer group, indices and templates."""
    from streams.alerts import ALERTS_INDEX_VERSION
    from streams.clients import elasticsearch_client, kafka_admin
    from streams.index import index_name

    problems = []
    admin = kafka_admin(settings)
    try:
        prefix = settings.topic_raw.split(".", 1)[0]
        ours = [t for t in admin.list_topics() if t.startswith(prefix + ".") or t.startswith(settings.app_id)]
        if ours:
            admin.delete_topics(ours)
        admin.delete_groups([settings.app_id])
    except Exception as error:  # noqa: BLE001 - report what is left, do not hide the figures
        problems.append(f"could not remove all Kafka topics/group of {settings.app_id}: {error}")
    finally:
        admin.close()
    client = elasticsearch_client(settings)
    try:
        for alias, version in ((settings.articles_alias, settings.index_version), (settings.events_alias, settings.index_version),
                               (settings.incidents_alias, settings.index_version), (settings.alerts_alias, ALERTS_INDEX_VERSION)):
            client.options(ignore_status=404).indices.delete(index=index_name(alias, version))
            client.options(ignore_status=404).indices.delete_index_template(name=alias)
    except Exception as error:  # noqa: BLE001
        problems.append(f"could not remove the indices of {settings.articles_alias}: {error}")
    finally:
        client.close()
    return problems


# ---------------------------------------------------------------- the run
@dataclass
class BenchOptions:
    messages: int | None = None
    rate: float | None = None
    duration: float | None = None
    workers: int = 1
    feeds: Sequence[Path] = DEFAULT_FEEDS
    poll_interval: float = 0.1
    bound_texts: int = 150
    index_documents: int = 3000
    long_article_chars: int = 900_000
    timeout: float = 300.0
    seed: int = 0
    warm_up: int = 0   # articles sent through the whole pipeline before the run (see warm_services)
    stages: Sequence[str] = ()   # the stages the workers run; all of them when empty
    # the workers run the search path, and one more the incidents stage at the lowest priority
    incidents_apart: bool = False


def run_bench(settings: Settings, options: BenchOptions, *, progress=None) -> dict[str, Any]:
    """Run the whole benchmark in its own namespace and return its report (see format_report)."""
    import psutil

    from streams.clients import elasticsearch_client
    from streams.index import ensure_indices
    from streams.topics import ensure_topics

    say = progress or (lambda message: None)
    sources = [article for feed in options.feeds for article in read_articles(Path(feed)) if normalises(article)]
    if options.rate:
        schedule = send_schedule(options.rate, options.duration or 60)
    else:
        schedule = [0.0] * (options.messages or 200)
    run_id = uuid.uuid4().hex[:8]
    bench = isolated_settings(settings, run_id, workers=options.workers)
    # each worker gets as many of the run's articles as each process of the NLP bound gets texts
    articles = bench_articles(sources, len(schedule), run_id, seed=options.seed, partitions=bench.topic_partitions)
    load_before = list(os.getloadavg())

    if options.incidents_apart:
        pool = WorkerPool(bench, options.workers, stages=SEARCHABLE_THROUGH, apart=("incidents",))
    else:
        pool = WorkerPool(bench, options.workers, stages=tuple(options.stages))
    problems: list[str] = []
    finished = False
    client = elasticsearch_client(bench)
    try:
        ensure_topics(bench)
        ensure_indices(client, bench)
        nlp_before = (None, None)
        if options.bound_texts:
            # before the workers start: loading their models would take CPU from spaCy
            say("measuring the NLP bound on the same texts before the run")
            quiet_before = wait_for_quiet_services(bench)
            nlp_before = parallel_nlp_rate(bench, raw_language_texts(bench, articles[: options.bound_texts]), max(1, options.workers))
        apart = f" and one running the incidents stage at niceness {APART_NICENESS}" if pool.apart else ""
        say(f"starting {options.workers} worker(s){apart} in namespace {bench.app_id}")
        pool.start()
        wait_for_group(bench, pool.members, timeout=300, pool=pool)
        niceness = [psutil.Process(process.pid).nice() for process in pool.processes]
        first_articles = warm_up(bench, sources, run_id, pool, client, options)
        warmed = None
        if options.warm_up:
            say(f"warming Kafka and Elasticsearch up with {options.warm_up} articles of their own")
            # dated before every round of the run, so that the run's reports join no incident of the warm-up
            warmed = warm_services(bench, sources, run_id, pool, client, options, weeks_before=math.ceil(len(schedule) / len(sources)) + 2)
        say(f"workers ready; publishing {len(articles)} articles")
        result = measure_pipeline(bench, articles, schedule, pool, client, options)
        # The bounds are measured with the pipeline's workers gone: they would take CPU from
        # spaCy, and their incidents stage would share Elasticsearch with the bulk bound.
        pool.stop()
        if options.bound_texts:
            say("measuring the bounds on the same texts")
            bounds = measure_bounds(bench, articles[: options.bound_texts], client, options, run_id, nlp_before, quiet_before)
            say("measuring the incidents stage alone on the run's mentions")
            bounds["incidents_stage"] = incidents_stage_cost(bench, options)
        else:
            bounds = dict.fromkeys(BOUNDS, None) | {"texts": 0, "index_documents": 0, "spacy_processes": options.workers,
                                                     "index_cpu_ms_per_document": None, "long_article": None, "incidents_stage": None}
        problems += result.pop("problems")
        finished = True
    finally:
        pool.stop()
        if finished:  # worker logs are kept only when something went wrong
            shutil.rmtree(pool.log_dir, ignore_errors=True)
        client.close()
        problems += remove_namespace(bench)

    throughput = result["throughput"]
    report = {
        "run": {
            "run_id": run_id, "mode": "rate" if options.rate else "burst", "rate": options.rate, "duration": options.duration,
            "messages": len(articles), "workers": options.workers, "stages": list(pool.stages) or None,
            "incidents_apart": {"niceness": APART_NICENESS} if pool.apart else None, "worker_niceness": niceness,
            "partitions": bench.topic_partitions,
            "cpus": os.cpu_count(), "load_before": load_before, "load_after": list(os.getloadavg()),
            "poll_interval_s": options.poll_interval, "poll_round_trip_s": result.pop("poll_round_trip_s"),
            "visibility_searches": result.pop("visibility_searches"),
            # the warm-up articles, published as soon as the freshly started workers had joined their group
            "first_articles_s": latency_summary(first_articles),
            "warm_up": warmed,
            "settings": {name: getattr(bench, name) for name in LATENCY_SETTINGS},
        },
        **result,
        "bounds": bounds,
        "ratios": {
            "enrich_to_spacy": ratio(bounds["enrich_per_cpu_s"], bounds["spacy_pipe_per_cpu_s"]),
            "enrich_to_spacy_wall": ratio(bounds["enrich_per_s"], bounds["spacy_pipe_per_s"]),
            "end_to_end_to_nlp_bound": ratio(throughput["searchable_per_s"], bounds["spacy_pipe_parallel_per_s"]),
            # how far the machine's speed moved between the NLP bound before the run and the one after it
            "nlp_bound_after_to_before": ratio(bounds["spacy_pipe_parallel_after_per_s"], bounds["spacy_pipe_parallel_before_per_s"]),
            "end_to_end_to_nlp_bound_cpu": ratio(throughput["searchable_per_worker_cpu_s"], bounds["spacy_pipe_per_cpu_s"]),
            "end_to_end_to_parallel_nlp_bound_cpu": ratio(throughput["searchable_per_worker_cpu_s"], bounds["spacy_pipe_parallel_per_cpu_s"]),
            "nlp_bound_per_process_to_alone": per_process_to_alone(bounds),
            # every stage done, incidents included: the rate at which the run's articles were all placed in incidents
            "incidents_placed_to_nlp_bound": ratio(throughput["incidents_placed_per_s"], bounds["spacy_pipe_parallel_per_s"]),
            "index_stage_to_bare_bulk": ratio(bounds["index_stage_per_s"], bounds["bare_bulk_per_s"]),
            # what the incidents stage adds to each article's CPU, against what spaCy takes for it
            "incidents_stage_to_nlp_cpu": ratio((bounds.get("incidents_stage") or {}).get("machine_cpu_ms_per_article"),
                                                1000 / bounds["spacy_pipe_per_cpu_s"] if bounds["spacy_pipe_per_cpu_s"] else None),
        },
        "problems": problems,
    }
    return report


def warm_up(settings: Settings, sources: Sequence[dict], run_id: str, pool: WorkerPool, client, options: BenchOptions) -> list[float]:
    """Articles in every language through every partition, so that nothing a worker does only once
    is measured; returns how long after publication each became searchable (what the first
    articles of freshly started workers wait)."""
    languages = {source.get("lang") for source in sources}
    per_language = [next(s for s in sources if s.get("lang") == language) for language in languages]
    warm = bench_articles(per_language, len(per_language) * settings.topic_partitions, run_id, prefix="warmup")
    return publish_until_searchable(settings, warm, pool, client, options, what="warm-up articles")


def warm_services(settings: Settings, sources: Sequence[dict], run_id: str, pool: WorkerPool, client, options: BenchOptions,
                  *, weeks_before: int = 0) -> dict[str, Any]:
    """A burst of ``options.warm_up`` articles of their own through the whole pipeline, waited out
    to their last mention placed in an incident. A broker and an Elasticsearch just started
    compile their hot paths during their first thousands of requests: the first burst of 800
    after the services started cost Elasticsearch two to three times the CPU of later ones, and
    took that CPU from the workers. The run measures the pipeline, not that; what the warm-up
    cost them is reported beside it."""
    articles = bench_articles(sources, options.warm_up, run_id, seed=options.seed + 1, prefix="warm", weeks_before=weeks_before)
    services = service_processes(settings)
    before = {name: cpu_seconds([process]) for name, process in services.items() if process}
    start = time.time()
    publish_until_searchable(settings, articles, pool, client, options, what="articles of the warm-up burst")
    if pool.runs_incidents:
        # its incidents backlog would otherwise be written during the run
        if not wait_consumed(settings, placed_topics(settings), timeout=options.timeout, pool=pool):
            raise RuntimeError(f"the warm-up's mentions not all placed within {options.timeout:.0f} s (worker logs in {pool.log_dir})")
    return {"articles": len(articles), "seconds": round(time.time() - start, 1), "services_cpu_seconds": services_cpu_since(services, before)}


def publish_until_searchable(settings: Settings, articles: Sequence[dict], pool: WorkerPool, client, options: BenchOptions,
                             *, what: str) -> list[float]:
    """Publish ``articles`` at once and wait until a search finds each; how long each took."""
    from streams.clients import kafka_producer

    watcher = VisibilityWatcher(client, settings.articles_alias, interval=options.poll_interval)
    producer = kafka_producer(settings, batch_size=PUBLISH_BATCH_BYTES)
    published: dict[str, float] = {}
    try:
        for article in articles:
            article_id = article_id_of(article)
            published[article_id] = time.time()
            watcher.expect(article_id, published[article_id])
            producer.send(settings.topic_raw, key=article_id.encode(), value=json.dumps(article, ensure_ascii=False).encode("utf-8"))
        producer.flush()
    finally:
        producer.close()
    watcher.start()
    deadline = time.monotonic() + options.timeout
    try:
        while watcher.outstanding():
            pool.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"{watcher.outstanding()} {what} not searchable within {options.timeout:.0f} s (worker logs in {pool.log_dir})")
            time.sleep(0.2)
    finally:
        watcher.stopping.set()
        watcher.join()
    return [watcher.visible[article_id] - published[article_id] for article_id in published]


def dead_lettered_ids(letters: Iterable[Any]) -> list[str]:
    """The article ids of dead letters: every message is keyed by its article id, so its dead
    letter carries that key (bytes, as Kafka gives it) at any stage."""
    return [letter.key_text for letter in letters if letter.key_text]


def measure_pipeline(settings: Settings, articles: list[dict], schedule: list[float], pool: WorkerPool, client, options: BenchOptions) -> dict[str, Any]:
    from streams.clients import kafka_producer
    from streams.deadletters import DeadLetterFollower, read_dead_letters
    from streams.publish import account_for

    payloads = [json.dumps(article, ensure_ascii=False).encode("utf-8") for article in articles]
    ids = [article_id_of(article) for article in articles]
    watcher = VisibilityWatcher(client, settings.articles_alias, interval=options.poll_interval)
    sampler = Sampler(settings, [p.pid for p in pool.processes])
    published: dict[str, float] = {}
    # Steady publishing sends each message as it comes; a burst lets the client batch.
    producer = kafka_producer(settings, linger_ms=0 if options.rate else 5, batch_size=PUBLISH_BATCH_BYTES)
    dead_letters = DeadLetterFollower(settings)
    watcher.start()
    sampler.start()
    problems: list[str] = []
    import psutil

    workers = [psutil.Process(p.pid) for p in pool.processes]
    services, bench_process = service_processes(settings), psutil.Process()
    try:
        cpu_before, machine_before = cpu_seconds(workers), machine_busy_seconds()
        threads_before, waits_before = thread_cpu_seconds(workers), thread_run_queue_seconds(workers)
        services_before = {name: cpu_seconds([process]) for name, process in services.items() if process}
        bench_before = cpu_seconds([bench_process])
        start = time.time()
        for article_id, payload, offset in zip(ids, payloads, schedule):
            delay = start + offset - time.time()
            if delay > 0:
                time.sleep(delay)
            now = time.time()
            published[article_id] = now
            watcher.expect(article_id, now)
            producer.send(settings.topic_raw, key=article_id.encode(), value=payload)
        producer.flush()
        finished_publishing = time.time()
        deadline = time.monotonic() + options.timeout
        next_dead_letter_check = 0.0
        while watcher.outstanding() and time.monotonic() < deadline:
            pool.check_alive()
            if time.monotonic() > next_dead_letter_check:
                watcher.forget(dead_lettered_ids(dead_letters.new_letters(timeout_seconds=0.2)))
                next_dead_letter_check = time.monotonic() + 2
            time.sleep(0.2)
        worker_cpu, machine_cpu = cpu_seconds(workers) - cpu_before, machine_busy_seconds() - machine_before
        threads_after, waits_after = thread_cpu_seconds(workers), thread_run_queue_seconds(workers)
        services_cpu = services_cpu_since(services, services_before)
        bench_cpu = cpu_seconds([bench_process]) - bench_before
        window = time.time() - start
        if watcher.outstanding():
            problems.append(f"{watcher.outstanding()} articles neither searchable nor dead-lettered {options.timeout:.0f} s after publishing ended")
        placed = None   # when the incidents stage had taken every mention the run's articles gave
        if pool.runs_incidents:
            if wait_consumed(settings, placed_topics(settings), timeout=max(1.0, deadline - time.monotonic()), pool=pool):
                placed = time.time()
            else:
                problems.append(f"the incidents stage had not taken every mention {options.timeout:.0f} s after publishing ended")
    finally:
        producer.close()
        dead_letters.close()
        watcher.stopping.set()
        sampler.stopping.set()
        watcher.join()
        sampler.join()
    letters = read_dead_letters(settings, timeout_seconds=2)
    accounting = account_for(payloads, indexed_ids=set(watcher.visible), dead_letters=letters, article_ids=ids)
    stamps = stage_stamps(client, settings, ids)
    # until the last article was enriched: the NLP threads have nothing to do after it
    nlp_window = max((s["enriched_at"] for s in stamps.values()), default=start) - start
    visible = watcher.visible
    latencies = [visible[i] - published[i] for i in ids if i in visible]
    hops = {
        # normalise stamps no time of its own (received_at is the broker's timestamp): its hop is in the first
        "publish_to_enriched": [stamps[i]["enriched_at"] - published[i] for i in ids if i in stamps],
        "enriched_to_indexed": [stamps[i]["indexed_at"] - stamps[i]["enriched_at"] for i in ids if i in stamps],
        "indexed_to_searchable": [visible[i] - stamps[i]["indexed_at"] for i in ids if i in stamps and i in visible],
    }
    if watcher.errors:
        problems.append(f"{len(watcher.errors)} visibility polls failed, e.g. {watcher.errors[0]}")
    return {
        "accounting": {
            "published": len(payloads), "indexed": accounting.indexed, "dead_lettered": accounting.dead_lettered,
            "missing": accounting.pending, "all_accounted": accounting.done,
        },
        "latency_s": {"publish_to_searchable": latency_summary(latencies), **{hop: latency_summary(v) for hop, v in hops.items()}},
        "throughput": {
            "published_per_s": rate_over(published.values()) if options.rate else len(published) / max(finished_publishing - start, 1e-6),
            "searchable_per_s": rate_over([start, *visible.values()]),
            # articles whose mentions the incidents stage had all placed, per second (None when it did not run or finish)
            "incidents_placed_per_s": len(articles) / (placed - start) if placed else None,
            "incidents_placed_after_searchable_s": round(placed - max([start, *visible.values()]), 2) if placed else None,
            # robust to other load on the machine: articles per second of CPU the workers used
            "searchable_per_worker_cpu_s": len(visible) / worker_cpu if worker_cpu else None,
            "worker_cpu_seconds": round(worker_cpu, 1),
            # the whole machine over the same window: what the workers did not use went to Kafka,
            # Elasticsearch, the bench and any other load, none of which the NLP bound shares its CPUs with
            "machine_cpu_seconds": round(machine_cpu, 1),
            "window_cpu_seconds": round(window * (os.cpu_count() or 1), 1),
            # of that rest: the broker's and Elasticsearch's processes when they run here (None when not
            # seen), and the bench's own (publishing, and polling a search for visibility)
            "services_cpu_seconds": services_cpu,
            "bench_cpu_seconds": round(bench_cpu, 1),
            "busiest_thread_core_share": busiest_thread_shares(threads_before, threads_after, [w.pid for w in workers], nlp_window),
            # of the same window, how long that thread could have run but found every CPU taken
            "busiest_thread_cpu_wait_share": busiest_thread_cpu_waits(
                threads_before, threads_after, waits_before, waits_after, [w.pid for w in workers], nlp_window),
            "stages_per_s": {
                "enrich": rate_over(s["enriched_at"] for s in stamps.values()),
                "index": rate_over(s["indexed_at"] for s in stamps.values()),
            },
        },
        "lag": lag_report(sampler.lag),
        "rss": rss_report(sampler.rss, [p.pid for p in pool.processes]),
        "poll_round_trip_s": round(statistics.fmean(watcher.round_trips), 4) if watcher.round_trips else None,
        "visibility_searches": {"counts": watcher.counts, "searches_for_ids": len(watcher.round_trips)},
        "problems": problems,
    }


def stage_stamps(client, settings: Settings, ids: Sequence[str]) -> dict[str, dict[str, float]]:
    """When each article left each stage, as the workers stamped it on the indexed document."""
    from datetime import datetime

    from elasticsearch.helpers import scan

    wanted = set(ids)
    client.indices.refresh(index=settings.articles_alias)
    stamps = {}
    for hit in scan(client, index=settings.articles_alias, query={"query": {"match_all": {}}},
                    _source=["enriched_at", "indexed_at"], size=1000):
        if hit["_id"] in wanted:
            stamps[hit["_id"]] = {k: datetime.fromisoformat(v).timestamp() for k, v in hit["_source"].items()}
    return stamps


def lag_report(samples: list[tuple[float, dict[str, int]]], points: int = 20) -> dict[str, Any]:
    if not samples:
        return {"max": {stage: None for stage in STAGE_TOPICS}, "total_series": [], "samples": []}
    start = samples[0][0]
    step = max(1, len(samples) // points)
    return {
        "max": {stage: max(lag[stage] for _, lag in samples) for stage in samples[0][1]},
        "total_series": [sum(lag.values()) for _, lag in samples[::step]],
        "samples": [{"t": round(t - start, 1), **lag} for t, lag in samples],
    }


def rss_report(samples: list[tuple[float, list[float | None]]], pids: Sequence[int]) -> dict[str, Any]:
    workers = []
    start = samples[0][0] if samples else 0.0
    for n, pid in enumerate(pids):
        series = [(t - start, values[n]) for t, values in samples if values[n] is not None]
        # The first minute is model loading and allocator warm-up, not growth.
        settled = [point for point in series if point[0] >= 60] if series and series[-1][0] >= 180 else series
        workers.append({
            "pid": pid,
            "peak_mib": round(max(v for _, v in series), 1) if series else None,
            "last_mib": round(series[-1][1], 1) if series else None,
            "slope_mib_per_hour": round(slope, 1) if (slope := slope_per_hour(settled)) is not None else None,
        })
    step = max(1, len(samples) // 20)
    return {"workers": workers, "samples": [{"t": round(t - start, 1), "mib": [round(v, 1) if v else None for v in values]} for t, values in samples[::step]]}


# ---------------------------------------------------------------- bounds
def measure_bounds(settings: Settings, articles: list[dict], client, options: BenchOptions, run_id: str,
                   nlp_before: tuple[float | None, float | None] = (None, None), quiet_before: float | None = None) -> dict[str, Any]:
    """The bounds on the same texts; ``nlp_before`` is the NLP bound (articles/s, per CPU second)
    measured on them before the run (after waiting ``quiet_before`` seconds for the services to
    go quiet), which is measured again first thing here."""
    from datetime import datetime, timezone

    from streams.enrich import Enricher
    from streams.normalise import normalise_payload

    payloads = [json.dumps(article, ensure_ascii=False).encode("utf-8") for article in articles]
    received = datetime.now(timezone.utc)
    started = time.perf_counter()
    normalised = [normalise_payload(p, received_at=received, max_body_chars=settings.max_body_chars) for p in payloads]
    normalise_seconds = time.perf_counter() - started
    texts_by_language = nlp_texts(settings, normalised)
    processes = max(1, options.workers)
    # Right after the run, as the one before it was right before: two moments as close to the
    # run as can be, so that a machine whose speed changed meanwhile shows it.
    quiet_after = wait_for_quiet_services(settings)
    nlp_after = parallel_nlp_rate(settings, texts_by_language, processes)

    enricher = Enricher(settings)
    for language, texts in texts_by_language.items():  # the first batch pays for allocations, not for the texts
        for _ in enricher.pipeline(language).pipe(texts[:8]):
            pass
    # Both sides timed piece by piece, one right after the other, in interleaved rounds, the
    # best time of each piece kept, CPU time beside wall time: a burst of load from other
    # processes on the machine then weighs on neither side of the ratio.
    pieces = [normalised[start:start + BOUND_PIECE] for start in range(0, len(normalised), BOUND_PIECE)]
    piece_texts = [language_texts(enricher, piece) for piece in pieces]
    spacy, enrich = PiecewiseTiming(len(pieces)), PiecewiseTiming(len(pieces))
    enriched: list = []
    for round_number in range(BOUND_ROUNDS):
        for number, piece in enumerate(pieces):
            spacy.measure(number, lambda: [list(enricher.pipeline(language).pipe(texts, batch_size=BOUND_PIECE))
                                           for language, texts in piece_texts[number].items()])
            result = enrich.measure(number, lambda: enricher.enrich_many(piece))
            if round_number == 0:
                enriched += result
    spacy, enrich = spacy.total(), enrich.total()
    spacy_texts = sum(len(texts) for texts in texts_by_language.values())


    long_article = long_article_timing(enricher, articles, options.long_article_chars, settings) if options.long_article_chars else None

    # Indexing is fast next to the NLP: enough copies that one refresh interval is not the measure
    # (1,000 documents took about 2 s, a refresh 0.5 s of it, and the ratio moved by a fifth between runs).
    copies = [renamed(article, f"-{n}") for n in range(math.ceil(options.index_documents / max(1, len(enriched)))) for article in enriched]
    index_stage, bare, index_cpu = index_bounds(settings, copies, client, options, run_id)
    return {
        "texts": len(articles),
        "index_documents": len(copies),
        "spacy_pipe_per_s": spacy.rate(spacy_texts),
        "spacy_pipe_per_cpu_s": spacy.rate(spacy_texts, cpu=True),
        "spacy_pipe_parallel_per_s": mean_of(nlp_before[0], nlp_after[0]),
        "spacy_pipe_parallel_per_cpu_s": mean_of(nlp_before[1], nlp_after[1]),
        "spacy_pipe_parallel_before_per_s": nlp_before[0],
        "spacy_pipe_parallel_after_per_s": nlp_after[0],
        "services_quiet_after_s": {"before_the_run": quiet_before, "after_it": quiet_after},
        "spacy_processes": processes,
        "enrich_per_s": enrich.rate(len(enriched)),
        "enrich_per_cpu_s": enrich.rate(len(enriched), cpu=True),
        "normalise_per_s": len(normalised) / normalise_seconds if normalise_seconds else None,
        "index_stage_per_s": index_stage,
        "bare_bulk_per_s": bare,
        "index_cpu_ms_per_document": index_cpu,
        "long_article": long_article,
    }


def language_texts(enricher, articles: list) -> dict[str, list[str]]:
    """The texts the NLP reads of ``articles``, by language, for the languages with a pipeline."""
    texts: dict[str, list[str]] = {}
    for article in articles:
        if enricher.pipeline(article.language) is not None:
            texts.setdefault(article.language, []).append(enricher.article_text(article))
    return texts


def nlp_texts(settings: Settings, articles: list) -> dict[str, list[str]]:
    """``language_texts`` of normalised articles, without loading a model in this process."""
    from streams.enrichment.context import article_text
    from streams.enrichment.pipelines import Pipelines

    with_pipeline = Pipelines(settings).models
    texts: dict[str, list[str]] = {}
    for article in articles:
        if with_pipeline.get(article.language):
            texts.setdefault(article.language, []).append(article_text(article, settings.nlp_max_chars))
    return texts


def raw_language_texts(settings: Settings, articles: list[dict]) -> dict[str, list[str]]:
    """``language_texts`` of raw articles, without loading a model in this process."""
    from datetime import datetime, timezone

    from streams.normalise import normalise_payload

    received = datetime.now(timezone.utc)
    return nlp_texts(settings, [normalise_payload(json.dumps(raw, ensure_ascii=False).encode("utf-8"), received_at=received,
                                                  max_body_chars=settings.max_body_chars) for raw in articles])


def long_article_timing(enricher, articles: list[dict], chars: int, settings: Settings) -> dict[str, Any]:
    """One article of ``chars`` characters, made of the bench's texts of one language, normalised and
    enriched once: how long a huge article holds its partition (the NLP reads a bounded prefix)."""
    from datetime import datetime, timezone

    from streams.normalise import normalise_payload

    language = articles[0].get("lang")
    bodies = [a["body"] for a in articles if a.get("lang") == language] or [articles[0]["body"]]
    paragraphs: list[str] = []
    while sum(len(p) + 1 for p in paragraphs) < chars:
        paragraphs.append(bodies[len(paragraphs) % len(bodies)])
    raw = dict(articles[0], id="long-article", body="\n".join(paragraphs)[:chars])
    article = normalise_payload(json.dumps(raw, ensure_ascii=False).encode("utf-8"), received_at=datetime.now(timezone.utc),
                                max_body_chars=max(settings.max_body_chars, chars + 1))
    timing = Timing()
    timing.measure(lambda: enricher.enrich(article))
    return {"chars": len(raw["body"]), "nlp_chars": len(enricher.article_text(article)), "language": article.language,
            "enrich_s": round(timing.wall, 2), "enrich_cpu_s": round(timing.cpu, 2)}


BOUNDS = ("spacy_pipe_per_s", "spacy_pipe_per_cpu_s", "spacy_pipe_parallel_per_s", "spacy_pipe_parallel_per_cpu_s",
          "spacy_pipe_parallel_before_per_s", "spacy_pipe_parallel_after_per_s", "enrich_per_s", "enrich_per_cpu_s",
          "normalise_per_s", "index_stage_per_s", "bare_bulk_per_s")
# The NLP bound before and after the run farther apart than this: the machine's speed changed meanwhile.
NLP_BOUND_DRIFT = 1.15
# Each of K spaCy processes side by side doing less than this share of what one does alone: the
# machine's CPUs were not K independent ones while the bound ran (hyperthreads of one core, a busy
# host). On the 2-core development machine the share ranged from 0.53 to 0.85 between runs, and
# end to end / NLP bound reached 0.85 to 1.06 in runs at 0.53 to 0.65 but 0.62 to 0.87 in runs above.
NLP_PROCESS_SHARE_LOW = 0.66
BOUND_ROUNDS = 3  # best of three: a moment of load from other work on the machine is not the figure
BOUND_PIECE = 32  # texts timed together: spaCy's own batch size, so neither side pipes differently
INDEX_BOUND_ROUNDS = 3


@dataclass
class Timing:
    """The shortest wall and CPU time of several runs of the same work."""

    wall: float = math.inf
    cpu: float = math.inf

    def measure(self, work):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.wall = min(self.wall, time.perf_counter() - wall)
        self.cpu = min(self.cpu, time.process_time() - cpu)
        return result

    def rate(self, count: int, *, cpu: bool = False) -> float | None:
        seconds = self.cpu if cpu else self.wall
        return count / seconds if 0 < seconds < math.inf else None


class PiecewiseTiming:
    """The best time of each piece of a work over several runs, summed: on a shared machine,
    each piece then counts its least disturbed run, where one disturbed moment in every
    run of the whole would spoil the best of the whole."""

    def __init__(self, pieces: int) -> None:
        self.pieces = [Timing() for _ in range(pieces)]

    def measure(self, piece: int, work):
        return self.pieces[piece].measure(work)

    def total(self) -> Timing:
        return Timing(sum(p.wall for p in self.pieces), sum(p.cpu for p in self.pieces))


def _nlp_share(settings_json: str, texts_by_language: dict[str, list[str]], barrier, results) -> None:
    """One process of the parallel NLP bound: load the pipelines, wait for the others, run nlp.pipe."""
    from streams.enrich import Enricher

    enricher = Enricher(Settings.model_validate_json(settings_json))
    pipelines = {language: enricher.pipeline(language) for language in texts_by_language}
    for language, texts in texts_by_language.items():
        for _ in pipelines[language].pipe(texts[:8]):  # as in nlp_pipe_seconds
            pass
    barrier.wait()
    started, cpu = time.time(), time.process_time()
    for language, texts in texts_by_language.items():
        for _ in pipelines[language].pipe(texts, batch_size=32):
            pass
    results.put((started, time.time(), sum(len(t) for t in texts_by_language.values()), time.process_time() - cpu))


def wait_for_quiet_services(settings: Settings, *, cores: float = 0.15, timeout: float = 30.0) -> float:
    """Until the broker's and Elasticsearch's processes on this machine use less than ``cores``
    of a CPU over a second (at most ``timeout`` seconds); how long that took. After a burst they
    go on working for a while (merges, flushes, compiling what the burst made hot), and the NLP
    bound, spaCy with the machine to itself, would share the CPUs with them."""
    processes = [process for process in service_processes(settings).values() if process]
    started = time.monotonic()
    while processes and time.monotonic() - started < timeout:
        before = cpu_seconds(processes)
        time.sleep(1.0)
        if cpu_seconds(processes) - before < cores:
            break
    return round(time.monotonic() - started, 1)


def parallel_nlp_rate(settings: Settings, texts_by_language: dict[str, list[str]], processes: int) -> tuple[float | None, float | None]:
    """spaCy alone in ``processes`` processes started together, the NLP bound for that many workers:
    (articles/s, articles per second of the processes' CPU).

    The second is spaCy's rate per CPU second with every core busy, as the workers' is: two
    processes side by side each get less done per CPU second than one alone (24 to 26 articles
    against about 30 on the 2-core development machine), so the workers' CPU compares with it too."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # this process has threads: never fork it
    barrier, results = context.Barrier(processes), context.Queue()
    shares = [{language: texts[n::processes] for language, texts in texts_by_language.items()} for n in range(processes)]
    children = [context.Process(target=_nlp_share, args=(settings.model_dump_json(), share, barrier, results)) for share in shares]
    for child in children:
        child.start()
    try:
        outcomes = [results.get(timeout=600) for _ in children]
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
    started, ended, count = min(o[0] for o in outcomes), max(o[1] for o in outcomes), sum(o[2] for o in outcomes)
    cpu = sum(o[3] for o in outcomes)
    return (count / (ended - started) if ended > started else None), (count / cpu if cpu > 0 else None)


def renamed(article, suffix: str):
    """The same enriched article under new ids, so writing it again adds documents instead of overwriting."""
    article_id = article.article_id + suffix
    events = [event.model_copy(update={"event_id": event.event_id + suffix, "article_id": article_id}) for event in article.events]
    return article.model_copy(update={"article_id": article_id, "events": events})


def counted_rate(watcher: CountWatcher, documents: int, started: float, options: BenchOptions) -> float | None:
    """Documents/s from ``started`` until the watcher's index counted them all (None on timeout)."""
    reached = watcher.wait(options.timeout)
    return None if reached is None else documents / (reached - started)


def index_bounds(settings: Settings, enriched: list, client, options: BenchOptions,
                 run_id: str) -> tuple[float | None, float | None, dict[str, float | None]]:
    """(index stage, bare bulk) in articles/s: the best of interleaved rounds, so that a moment
    of load on the machine weighs on neither side of the ratio; and the CPU each side took per
    document (median of the rounds): on a machine of few cores the index stage shares them with
    Elasticsearch, so what it takes beside it slows it down.

    The index stage runs in workers of its own that run nothing else (``--stages index``, as
    when the stages are scaled apart): the bare bulk has no incidents stage beside it either.
    Both sides are timed until the articles index counts every document, by the same cheap
    probe (``CountWatcher``), started before their clock.
    """
    import psutil

    pool = WorkerPool(settings, max(1, options.workers), stages=("index",))
    stage_rates, bare_rates = [], []
    stage_machine, stage_workers, bare_machine = [], [], []   # CPU seconds of each round
    try:
        pool.start()
        wait_for_group(settings, pool.count, timeout=300, pool=pool)
        workers = [psutil.Process(process.pid) for process in pool.processes]
        for n in range(INDEX_BOUND_ROUNDS):
            started, worker = machine_busy_seconds(), cpu_seconds(workers)
            stage_rates.append(index_stage_rate(settings, enriched, client, f"-i{n}{run_id}", options))
            between = machine_busy_seconds()
            stage_machine.append(between - started)
            stage_workers.append(cpu_seconds(workers) - worker)
            bare_rates.append(bare_bulk_rate(settings, enriched, client, f"-b{n}{run_id}", options))
            bare_machine.append(machine_busy_seconds() - between)
    finally:
        pool.stop()
        shutil.rmtree(pool.log_dir, ignore_errors=True)
    cpu = {"index_stage_machine": cpu_ms_per_document(stage_machine, len(enriched)),
           "index_stage_workers": cpu_ms_per_document(stage_workers, len(enriched)),
           "bare_bulk_machine": cpu_ms_per_document(bare_machine, len(enriched))}
    return best(stage_rates), best(bare_rates), cpu


def cpu_ms_per_document(round_seconds: Sequence[float], documents: int) -> float | None:
    """Milliseconds of CPU per document in the median round (None when nothing was measured)."""
    if not round_seconds or not documents:
        return None
    return round(1000 * statistics.median(round_seconds) / documents, 3)


def incidents_stage_cost(settings: Settings, options: BenchOptions) -> dict[str, Any] | None:
    """The incidents stage alone, on the mentions the run's enrich stage wrote (it writes them
    whichever stages its workers run): copied to a topic of their own, then published at once
    to workers that run only that stage, with a consumer group and a table of their own. The
    CPU it takes per article (the run's and the warm-up's), in those workers and on the whole
    machine (their table's changelog in Kafka, their documents in Elasticsearch), until the
    workers have committed the last message. None when they did not within the timeout."""
    import psutil

    from streams.clients import kafka_admin
    from streams.topics import ensure_topics

    messages = read_topic(settings, settings.topic_mentions)
    if not messages:
        return None
    articles = len({json.loads(value)["article_id"] for _, value in messages})
    replay = settings.model_copy(update={"app_id": f"{settings.app_id}-incidents", "topic_mentions": f"{settings.topic_mentions}-again"})
    ensure_topics(replay)   # the copy's topic and the table's changelog (removed with the run's namespace)
    pool = WorkerPool(replay, max(1, options.workers), stages=("incidents",))
    try:
        pool.start()
        wait_for_group(replay, pool.count, timeout=300, pool=pool)
        workers = [psutil.Process(process.pid) for process in pool.processes]
        worker_cpu, machine_cpu = cpu_seconds(workers), machine_busy_seconds()
        publish_at_once(replay, replay.topic_mentions, messages)
        if not wait_consumed(replay, [replay.topic_mentions], timeout=options.timeout, pool=pool):
            return None
        worker_cpu, machine_cpu = cpu_seconds(workers) - worker_cpu, machine_busy_seconds() - machine_cpu
    finally:
        pool.stop()
        shutil.rmtree(pool.log_dir, ignore_errors=True)
        admin = kafka_admin(replay)
        try:
            admin.delete_groups([replay.app_id])
        except Exception:  # noqa: BLE001 - a group left behind holds no data
            pass
        finally:
            admin.close()
    return {"articles": articles, "messages": len(messages),
            "worker_cpu_ms_per_article": 1000 * worker_cpu / articles,
            "machine_cpu_ms_per_article": 1000 * machine_cpu / articles}


def publish_at_once(settings: Settings, topic: str, messages: list[tuple[bytes | None, bytes]]) -> float:
    """Publish (key, value) messages all at once; returns when publishing started.

    aiokafka and large batches: the publisher must not be what a bound measures
    (kafka-python took 0.3 s for 1,000 documents, a fifth of the bare bulk's time)."""
    from streams.clients import async_kafka_producer

    async def publish() -> float:
        producer = async_kafka_producer(settings, linger_ms=5, max_batch_size=PUBLISH_BATCH_BYTES)
        await producer.start()
        try:
            started = time.time()
            await asyncio.gather(*[await producer.send(topic, key=key, value=value) for key, value in messages])
            return started
        finally:
            await producer.stop()

    return asyncio.run(publish())


def read_topic(settings: Settings, topic: str) -> list[tuple[bytes | None, bytes]]:
    """Every message of a topic, (key, value), partition by partition."""
    from kafka import TopicPartition

    from streams.clients import kafka_consumer, records_to_end

    consumer = kafka_consumer(settings, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        return [(record.key, record.value) for record in records_to_end(consumer, partitions)]
    finally:
        consumer.close()


def wait_consumed(settings: Settings, topics: Sequence[str], *, timeout: float, pool: WorkerPool) -> bool:
    """Until the consumer group has committed every message of each of ``topics``, in turn (False on timeout)."""
    from kafka import TopicPartition

    from streams.clients import kafka_admin, kafka_consumer

    admin = kafka_admin(settings)
    consumer = kafka_consumer(settings, group_id=None, enable_auto_commit=False)
    deadline = time.monotonic() + timeout
    try:
        for topic in topics:
            partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
            while True:
                if time.monotonic() >= deadline:
                    return False
                pool.check_alive()
                committed = admin.list_group_offsets(settings.app_id)[settings.app_id]
                ends = consumer.end_offsets(partitions)
                if all(tp in committed and committed[tp].offset >= ends[tp] for tp in partitions if ends[tp]):
                    break
                time.sleep(0.2)
        return True
    finally:
        admin.close()
        consumer.close()


def placed_topics(settings: Settings) -> tuple[str, str]:
    """What must be committed for every mention of the articles published so far to be placed: the
    enrich stage's input first (in a burst it holds an article's input until its mentions are sent),
    then the mentions."""
    return settings.topic_normalised, settings.topic_mentions


def best(rates: Sequence[float | None]) -> float | None:
    """The highest rate, or None when a round did not finish (its figure would mean nothing)."""
    return None if not rates or any(rate is None for rate in rates) else max(rates)


def index_stage_rate(settings: Settings, enriched: list, client, suffix: str, options: BenchOptions) -> float | None:
    """The workers' index stage alone: enriched articles published at once to its input topic."""
    articles = [renamed(article, suffix) for article in enriched]
    messages = [(article.article_id.encode(), article.model_dump_json().encode("utf-8")) for article in articles]
    watcher = CountWatcher.started_for(client, settings.articles_alias, len(articles), interval=options.poll_interval)
    started = publish_at_once(settings, settings.topic_enriched, messages)
    return counted_rate(watcher, len(articles), started, options)


def bare_bulk_rate(settings: Settings, enriched: list, client, suffix: str, options: BenchOptions) -> float | None:
    """The same documents sent with nothing but ``async_streaming_bulk`` (batches of the index stage's size)."""
    from elasticsearch.helpers import async_streaming_bulk

    from streams.clients import async_elasticsearch_client
    from streams.index import bulk_actions

    articles = [renamed(article, suffix) for article in enriched]

    async def send() -> None:
        async_client = async_elasticsearch_client(settings)
        try:
            actions = (action for article in articles for action in bulk_actions(article, settings))
            async for _ in async_streaming_bulk(async_client, actions, chunk_size=settings.index_batch_size, raise_on_error=False, yield_ok=False):
                pass
        finally:
            await async_client.close()

    watcher = CountWatcher.started_for(client, settings.articles_alias, len(articles), interval=options.poll_interval)
    started = time.time()
    asyncio.run(send())
    return counted_rate(watcher, len(articles), started, options)
