"""coopwatch bench, briefly, on the real services: every message accounted for, every figure reported.

No timing is asserted here: the figures are for people to read (README), the
machine under a test run is too noisy for thresholds to mean anything.
"""

from __future__ import annotations

import json
import os
import time
import uuid

from streams.bench import CountWatcher, VisibilityWatcher

from .conftest import coopwatch


def test_a_short_steady_bench_accounts_for_every_message_and_leaves_nothing_behind(settings, es) -> None:
    # an analyst's watch that most of the run's articles match: they must raise none of its alerts
    watch = coopwatch(settings, "watch", "add", "everything", "police OR policía OR polizia OR ministre OR minister OR ministro")
    assert watch.returncode == 0, watch.stderr
    result = coopwatch(settings, "bench", "--rate", "3", "--duration", "4", "--workers", "1", "--bound-texts", "12", "--index-documents", "60",
                       "--long-article-chars", "20000", "--warm-up", "6", "--json", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)

    accounting = report["accounting"]
    assert accounting["published"] == 12
    assert accounting["indexed"] + accounting["dead_lettered"] == 12 and accounting["missing"] == 0 and accounting["all_accounted"]
    latency = report["latency_s"]["publish_to_searchable"]
    assert latency["count"] == accounting["indexed"] and latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]
    # the warm-up: one article per language and partition, as soon as the fresh worker joined its group
    first = report["run"]["first_articles_s"]
    assert first["count"] >= report["run"]["partitions"] and 0 < first["p50"] <= first["max"]
    # then a burst of articles of its own, all searchable and their mentions placed, before anything is measured
    warm_up = report["run"]["warm_up"]
    assert warm_up["articles"] == 6 and warm_up["seconds"] > 0
    # both services found and read (six articles can cost Elasticsearch less than the 0.05 s the figure rounds to)
    assert all(warm_up["services_cpu_seconds"][name] is not None and warm_up["services_cpu_seconds"][name] >= 0
               for name in ("kafka", "elasticsearch")), warm_up
    for hop in ("publish_to_enriched", "enriched_to_indexed", "indexed_to_searchable"):
        assert report["latency_s"][hop]["count"] == accounting["indexed"], hop
    assert report["throughput"]["published_per_s"] > 0 and report["throughput"]["searchable_per_s"] > 0
    assert set(report["throughput"]["stages_per_s"]) == {"enrich", "index"} and report["throughput"]["searchable_per_worker_cpu_s"] > 0
    throughput = report["throughput"]   # the machine's busy time holds the workers' (to the clock tick)
    assert throughput["window_cpu_seconds"] + 0.2 >= throughput["machine_cpu_seconds"] >= throughput["worker_cpu_seconds"] - 0.1 > 0
    # the broker and Elasticsearch run on this machine here: the rest of its CPU is split between them, the bench and other load
    services = throughput["services_cpu_seconds"]
    assert services["kafka"] is not None and services["elasticsearch"] is not None, services
    assert (throughput["worker_cpu_seconds"] + services["kafka"] + services["elasticsearch"] + throughput["bench_cpu_seconds"]
            <= throughput["machine_cpu_seconds"] + 0.5)
    # the busiest thread's time, read from the kernel: on a CPU, waiting for one, asleep; the first two fit in the window
    (share,), (cpu_wait,) = throughput["busiest_thread_core_share"], throughput["busiest_thread_cpu_wait_share"]
    assert share > 0 and cpu_wait is not None and 0 <= cpu_wait and share + cpu_wait <= 1.05, (share, cpu_wait)
    assert report["lag"]["samples"] and set(report["lag"]["max"]) == {"normalise", "enrich", "index", "incidents"}
    assert len(report["rss"]["workers"]) == 1 and report["rss"]["workers"][0]["peak_mib"] > 50
    bounds = report["bounds"]
    from streams.bench import BOUNDS

    for name in BOUNDS:
        assert bounds[name] and bounds[name] > 0, name
    # the CPU each side of the index bound took per document: the stage's workers are part of the whole machine's
    index_cpu = bounds["index_cpu_ms_per_document"]
    tick = 1000 * 0.02 / bounds["index_documents"]   # both are read in clock ticks
    assert 0 < index_cpu["index_stage_workers"] <= index_cpu["index_stage_machine"] + tick and index_cpu["bare_bulk_machine"] > 0, index_cpu
    # the NLP bound, measured right before the run and right after it: the run is compared with their mean
    before, after = bounds["spacy_pipe_parallel_before_per_s"], bounds["spacy_pipe_parallel_after_per_s"]
    assert abs(bounds["spacy_pipe_parallel_per_s"] - (before + after) / 2) < 1e-9
    assert report["ratios"]["nlp_bound_after_to_before"] == round(after / before, 3)
    # each process of the NLP bound set against one process alone (one process here: about as fast as alone)
    assert report["ratios"]["nlp_bound_per_process_to_alone"] == round(
        bounds["spacy_pipe_parallel_per_s"] / bounds["spacy_processes"] / bounds["spacy_pipe_per_s"], 3) > 0
    # each measured once the broker and Elasticsearch had stopped working (at most 30 s of waiting)
    quiet = bounds["services_quiet_after_s"]
    assert set(quiet) == {"before_the_run", "after_it"} and all(1.0 <= seconds <= 32 for seconds in quiet.values()), quiet
    assert all(value is not None for value in report["ratios"].values())
    # the worker runs the incidents stage too: the run waited until it had placed every mention
    assert throughput["incidents_placed_per_s"] > 0 and throughput["incidents_placed_after_searchable_s"] >= 0
    assert report["run"]["incidents_apart"] is None and report["run"]["worker_niceness"] == [os.nice(0)]   # this test's own priority
    incidents = bounds["incidents_stage"]   # what the incidents stage costs, in workers running only it
    # the run's own mentions (and the warm-up's), read again
    assert incidents["articles"] >= accounting["indexed"] and incidents["messages"] >= incidents["articles"]
    assert incidents["machine_cpu_ms_per_article"] + 2 >= incidents["worker_cpu_ms_per_article"] > 0   # to the clock tick
    long = bounds["long_article"]   # a huge article's enrichment, from the prefix the NLP reads
    assert long["chars"] == 20000 and long["nlp_chars"] > 0 and long["enrich_s"] > 0 and long["enrich_cpu_s"] > 0
    assert report["problems"] == []
    assert report["run"]["load_before"] and report["run"]["cpus"]

    # Its own namespace, removed afterwards; the configured indices never saw a benchmark article.
    run_id = report["run"]["run_id"]
    assert not es.indices.get(index=f"*{run_id}*", ignore_unavailable=True, allow_no_indices=True)
    from streams.clients import kafka_admin

    admin = kafka_admin(settings)
    try:
        assert not [topic for topic in admin.list_topics() if run_id in topic]
    finally:
        admin.close()
    es.indices.refresh(index=settings.articles_alias)
    assert es.count(index=settings.articles_alias, query={"term": {"source": "benchmark"}})["count"] == 0
    alerts = coopwatch(settings, "alerts", "--watch", "everything", "--json")
    assert alerts.returncode == 0 and '"benchmark"' not in alerts.stdout, alerts.stdout[-2000:]


def test_a_bench_with_the_incidents_stage_apart_runs_it_in_a_low_priority_worker_until_every_mention_is_placed(settings) -> None:
    result = coopwatch(settings, "bench", "--messages", "6", "--workers", "1", "--incidents-apart", "--bound-texts", "0",
                       "--long-article-chars", "0", "--json", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["accounting"]["all_accounted"] and report["problems"] == []
    run = report["run"]
    # the search path at the usual priority, the incidents stage in one more worker that yields the CPU to it
    assert run["stages"] == ["normalise", "enrich", "index"] and run["incidents_apart"] == {"niceness": 19}
    assert run["worker_niceness"] == [os.nice(0), 19] and len(report["rss"]["workers"]) == 2
    throughput = report["throughput"]
    assert throughput["incidents_placed_per_s"] > 0 and throughput["incidents_placed_after_searchable_s"] >= 0
    assert report["ratios"]["incidents_placed_to_nlp_bound"] is None   # no bounds in this run


def test_bench_refuses_half_a_steady_rate(settings) -> None:
    result = coopwatch(settings, "bench", "--rate", "3")
    assert result.returncode == 2 and "--rate and --duration go together" in result.stderr


def test_the_index_bound_s_probe_gives_the_moment_the_new_documents_are_visible_to_searches(es) -> None:
    index = f"coopwatch-probe-{uuid.uuid4().hex[:8]}"
    es.indices.create(index=index, settings={"number_of_replicas": 0, "refresh_interval": "-1"})  # visible only once refreshed
    try:
        for n in range(3):   # more than the new ones: counted from what is there already
            es.index(index=index, id=f"there-before-{n}", document={"n": -n}, refresh=True)
        watcher = CountWatcher.started_for(es, index, 2, interval=0.05)
        es.index(index=index, id="a", document={"n": 1})
        es.index(index=index, id="b", document={"n": 2})
        time.sleep(0.5)
        assert watcher.reached_at is None, "written but not yet visible to a search: not counted"
        refreshed = time.time()
        es.indices.refresh(index=index)
        reached = watcher.wait(timeout=10)
        assert reached is not None and reached >= refreshed
        assert not watcher.errors

        one_more = CountWatcher.started_for(es, index, 1, interval=0.05)
        assert one_more.wait(timeout=0.5) is None, "a document never written is never counted"
    finally:
        es.indices.delete(index=index)


def test_the_visibility_probe_searches_for_ids_only_when_a_refresh_made_documents_visible(es) -> None:
    index = f"coopwatch-probe-{uuid.uuid4().hex[:8]}"
    es.indices.create(index=index, settings={"number_of_replicas": 0, "refresh_interval": "-1"})  # visible only once refreshed
    watcher = VisibilityWatcher(es, index, interval=0.05, batch=2, full_poll_seconds=60)
    try:
        es.index(index=index, id="there-before", document={"n": 0}, refresh=True)
        published = time.time()
        for article_id in ("a", "b", "c"):   # more than one search's batch of ids
            watcher.expect(article_id, published)
            es.index(index=index, id=article_id, document={"n": 1})
        watcher.start()
        time.sleep(1)
        assert watcher.visible == {}, "written but not yet visible to a search"
        assert watcher.counts >= 10
        searched = len(watcher.round_trips)
        assert searched == 2, "the ids were searched once (in two batches), then not again while the count stood still"

        refreshed = time.time()
        es.indices.refresh(index=index)
        deadline = time.monotonic() + 10
        while watcher.outstanding() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(watcher.visible) == {"a", "b", "c"}, "every batch of ids searched once the count moved"
        assert all(refreshed <= seen <= refreshed + 2 for seen in watcher.visible.values())
        assert not watcher.errors
    finally:
        watcher.stopping.set()
        watcher.join()
        es.indices.delete(index=index)
