import json
import time
from types import SimpleNamespace

import pytest

from streams.bench import (
    DEFAULT_FEEDS,
    article_id_of,
    bench_articles,
    busiest_thread_cpu_waits,
    busiest_thread_shares,
    dead_lettered_ids,
    endpoint,
    format_report,
    isolated_settings,
    language_texts,
    latency_summary,
    lag_report,
    listening_pid,
    mean_of,
    partitions_for,
    per_process_to_alone,
    percentile,
    rate_over,
    raw_language_texts,
    read_articles,
    rss_report,
    run_queue_seconds,
    send_schedule,
    slope_per_hour,
)
from streams.normalise import normalise_payload
from streams.settings import Settings, settings_environment


def test_percentiles_interpolate_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_summary_gives_the_figures_the_issue_asks_for():
    summary = latency_summary([0.2] * 98 + [2.0, 5.0])
    assert summary["p50"] == 0.2 and summary["max"] == 5.0 and summary["count"] == 100
    assert summary["p95"] == 0.2 and 2.0 <= summary["p99"] <= 5.0
    assert latency_summary([]) is None


def test_steady_rate_schedule_spaces_messages_evenly():
    schedule = send_schedule(4, 2.5)
    assert schedule == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25]
    assert len(send_schedule(0.5, 1)) == 1  # at least one message
    with pytest.raises(ValueError):
        send_schedule(0, 10)


def test_rate_over_a_span_and_slope_of_a_soak():
    assert rate_over([10.0, 10.5, 11.0, 12.0]) == pytest.approx(1.5)
    assert rate_over([3.0]) is None
    growing = [(t, 500 + t / 60) for t in range(0, 1800, 10)]   # 1 MiB a minute
    assert slope_per_hour(growing) == pytest.approx(60)
    assert slope_per_hour([(0, 1), (1, 2), (2, 3)]) is None      # too short to say


def test_bench_articles_are_varied_distinct_and_valid():
    sources = [a for feed in DEFAULT_FEEDS for a in read_articles(feed)]
    articles = bench_articles(sources, 200, "r1", seed=3)
    assert len({a["id"] for a in articles}) == 200
    assert len({a["body"] for a in articles}) >= 190, "texts come round again instead of varying"
    assert len({len(a["body"]) // 200 for a in articles}) >= 5, "lengths do not vary"
    assert all(a["source"] == "benchmark" and "url" not in a for a in articles)
    # same seed, same run: the same feed
    assert bench_articles(sources, 20, "r1", seed=3) == articles[:20]
    for article in articles[:5]:
        payload = json.dumps(article).encode()
        assert normalise_payload(payload, received_at=__import__("datetime").datetime.now(__import__("datetime").timezone.utc),
                                 max_body_chars=10**7).article_id == article_id_of(article)


def test_bench_articles_fall_evenly_on_the_partitions_as_every_producer_places_them():
    from aiokafka.partitioner import DefaultPartitioner
    from kafka.partitioner.default import murmur2 as kafka_python_murmur2

    sources = [a for feed in DEFAULT_FEEDS for a in read_articles(feed)]
    articles = bench_articles(sources, 400, "r1", seed=3, partitions=4)
    keys = [article_id_of(article).encode() for article in articles]
    # the bench publishes with kafka-python, the workers forward with aiokafka (through Faust)
    placed = [DefaultPartitioner()(key, [0, 1, 2, 3], [0, 1, 2, 3]) for key in keys]
    assert placed == [(kafka_python_murmur2(key) & 0x7FFFFFFF) % 4 for key in keys]   # its default partitioner's hash
    assert placed == [n % 4 for n in range(400)]
    # the same texts as without partitions, under other ids
    assert [a["body"] for a in articles] == [a["body"] for a in bench_articles(sources, 400, "r1", seed=3)]
    assert len({a["id"] for a in articles}) == 400


def test_eval_lines_and_raw_lines_are_both_read_and_bad_lines_skipped(tmp_path):
    feed = tmp_path / "mixed.jsonl"
    feed.write_text(
        json.dumps({"raw": {"title": "T1", "body": "B1"}, "gold": {}}) + "\n"
        + json.dumps({"title": "T2", "body": "B2", "lang": "fr"}) + "\nnot json\n" + json.dumps({"title": "no body"}) + "\n"
    )
    assert [a["title"] for a in read_articles(feed)] == ["T1", "T2"]
    with pytest.raises(ValueError, match="no valid article"):
        bench_articles([], 3, "x")


def test_a_run_gets_a_namespace_of_its_own():
    settings = Settings()
    bench = isolated_settings(settings, "abc123", workers=2)
    # every topic and index the workers write or read: none of the analysts' (their watches included)
    names = {field: getattr(bench, field) for field in Settings.model_fields
             if (field.startswith("topic_") and isinstance(getattr(bench, field), str)) or field.endswith("_alias")}
    assert {"topic_watches", "topic_alerts", "alerts_alias", "topic_mentions", "incidents_alias"} <= names.keys()
    assert all("abc123" in name for name in names.values()), names
    assert bench.app_id != settings.app_id
    assert bench.articles_alias != settings.articles_alias and bench.topic_raw != settings.topic_raw
    assert bench.incidents_alias != settings.incidents_alias and bench.topic_mentions != settings.topic_mentions
    assert bench.topic_partitions % 2 == 0
    assert partitions_for(1, 3) == 3 and partitions_for(2, 3) == 4 and partitions_for(4, 3) == 4
    env = settings_environment(bench, base={})
    assert env["COOPWATCH_TOPIC_RAW"] == bench.topic_raw and json.loads(env["COOPWATCH_ROMANCE_LANGUAGES_VIA_FRENCH"])


def test_secrets_reach_child_processes_unmasked():
    env = settings_environment(Settings(elasticsearch_username="analyst", elasticsearch_password="s3cret"), base={})
    assert env["COOPWATCH_ELASTICSEARCH_PASSWORD"] == "s3cret"


def test_timing_keeps_the_best_of_its_runs():
    from streams.bench import Timing

    timing = Timing()
    assert timing.rate(10) is None
    assert timing.measure(lambda: sum(range(1000))) == 499500
    first = timing.wall
    timing.measure(lambda: sum(range(10**6)))
    assert timing.wall == first and timing.rate(10) == 10 / first and timing.rate(10, cpu=True) > 0


def test_the_index_bounds_keep_their_best_round_and_no_figure_from_an_unfinished_one():
    from streams.bench import best

    assert best([120.0, 180.5, 150.0]) == 180.5
    assert best([120.0, None, 150.0]) is None, "a round whose articles never became visible leaves no figure"
    assert best([]) is None


def test_the_index_bounds_give_the_cpu_of_their_median_round_per_document():
    from streams.bench import cpu_ms_per_document

    assert cpu_ms_per_document([3.9, 3.3, 4.8], 3000) == 1.3
    assert cpu_ms_per_document([], 3000) is None and cpu_ms_per_document([1.0], 0) is None


def test_report_gives_the_cpu_each_side_of_the_index_bound_took_per_document():
    report = sample_report()
    report["bounds"]["index_cpu_ms_per_document"] = {"index_stage_machine": 1.3, "index_stage_workers": 0.52, "bare_bulk_machine": 0.85}
    assert ("bare async_streaming_bulk 500.0/s (CPU per document, the whole machine's: index stage 1.300 ms, of which its workers "
            "0.520 ms; bare bulk 0.850 ms)") in format_report(report)
    report["bounds"]["index_cpu_ms_per_document"] = None   # --bound-texts 0: nothing measured, nothing said
    assert "CPU per document" not in format_report(report)


def test_lag_and_rss_reports():
    lag = lag_report([(100.0, {"normalise": 5, "enrich": 9, "index": 0}), (101.0, {"normalise": 0, "enrich": 3, "index": 2})])
    assert lag["max"] == {"normalise": 5, "enrich": 9, "index": 2}
    assert lag["total_series"] == [14, 5] and lag["samples"][1]["t"] == 1.0
    rss = rss_report([(0.0, [300.0, None]), (1.0, [320.0, None])], [11, 12])
    assert rss["workers"][0]["peak_mib"] == 320.0 and rss["workers"][0]["last_mib"] == 320.0
    assert rss["workers"][1]["peak_mib"] is None


def test_busiest_thread_share_is_per_worker_and_counts_threads_that_started_during_the_run():
    before = {(11, 1): 10.0, (11, 2): 3.0, (12, 7): 1.0}
    after = {(11, 1): 18.0, (11, 2): 4.0, (12, 7): 2.0, (12, 9): 6.0}   # thread 9 of worker 12 started meanwhile
    assert busiest_thread_shares(before, after, [11, 12, 13], 10.0) == [0.8, 0.6, None]   # 13: gone, no threads read
    assert busiest_thread_shares(before, after, [11], 0.0) == [None]


def test_the_busiest_thread_s_wait_for_a_cpu_is_read_from_the_kernel_s_run_queue_time():
    # /proc/PID/task/TID/schedstat: nanoseconds on a CPU, nanoseconds waiting in the run queue, time slices
    assert run_queue_seconds("81000000000 23500000000 4211\n") == 23.5
    cpu_before = {(11, 1): 10.0, (11, 2): 3.0, (12, 7): 1.0}
    cpu_after = {(11, 1): 18.0, (11, 2): 4.0, (12, 7): 2.0, (12, 9): 6.0}
    waits_before = {(11, 1): 5.0, (11, 2): 1.0, (12, 9): 0.5}
    waits_after = {(11, 1): 7.5, (11, 2): 9.0, (12, 7): 3.0, (12, 9): 2.0}
    # the busiest thread's wait, not the longest wait: thread 2 of worker 11 waited more but ran less
    assert busiest_thread_cpu_waits(cpu_before, cpu_after, waits_before, waits_after, [11, 12, 13], 10.0) == [0.25, 0.15, None]
    # no scheduler statistics (not Linux): no figure rather than a wrong one
    assert busiest_thread_cpu_waits(cpu_before, cpu_after, {}, {}, [11], 10.0) == [None]


def test_report_names_the_busiest_thread_of_each_worker():
    report = sample_report()
    report["throughput"]["busiest_thread_core_share"] = [0.83, None]
    assert "busiest thread of each worker (its NLP thread while articles wait), from the first publish to the last article enriched: 0.83, n/a of a core" in format_report(report)
    assert "waiting for a CPU" not in format_report(report)
    report["throughput"]["busiest_thread_cpu_wait_share"] = [0.12, None]
    assert ("0.83, n/a of a core; ready to run but waiting for a CPU 0.12, n/a of that time (the rest it slept: no articles, or the GIL)"
            in format_report(report))
    assert "busiest thread" not in format_report(sample_report())


def sample_report(**changes):
    report = {
        "run": {"run_id": "r1", "mode": "rate", "rate": 8.0, "duration": 60.0, "messages": 480, "workers": 2, "partitions": 4,
                "cpus": 2, "load_before": [1.0, 1.5, 2.0], "load_after": [1.2, 1.4, 2.0], "poll_interval_s": 0.1,
                "poll_round_trip_s": 0.012, "settings": {"index_batch_seconds": 0.1, "index_refresh_seconds": 0.5},
                "first_articles_s": latency_summary([0.7, 0.9])},
        "accounting": {"published": 480, "indexed": 479, "dead_lettered": 1, "missing": 0, "all_accounted": True},
        "latency_s": {"publish_to_searchable": latency_summary([0.5, 0.8, 1.0, 2.5]), "publish_to_enriched": latency_summary([0.1]), "enriched_to_indexed": None, "indexed_to_searchable": None},
        "throughput": {"published_per_s": 8.0, "searchable_per_s": 7.9, "searchable_per_worker_cpu_s": 4.0, "worker_cpu_seconds": 120.0,
                       "machine_cpu_seconds": 150.0, "window_cpu_seconds": 200.0,
                       "stages_per_s": {"enrich": 8.0, "index": None}},
        "lag": lag_report([(0.0, {"normalise": 1, "enrich": 4, "index": 0})]),
        "rss": rss_report([(0.0, [612.0, 640.0])], [11, 12]),
        "bounds": {"texts": 300, "index_documents": 1000, "spacy_pipe_per_s": 30.0, "spacy_pipe_per_cpu_s": 32.0, "spacy_pipe_parallel_per_s": 50.0, "spacy_pipe_parallel_per_cpu_s": 25.0,
                   "spacy_pipe_parallel_before_per_s": 48.0, "spacy_pipe_parallel_after_per_s": 52.0, "spacy_processes": 2, "enrich_per_s": 27.0, "enrich_per_cpu_s": 28.8, "normalise_per_s": 400.0, "index_stage_per_s": 450.0,
                   "bare_bulk_per_s": 500.0},
        "ratios": {"enrich_to_spacy": 0.9, "enrich_to_spacy_wall": 0.9, "end_to_end_to_nlp_bound": 0.158, "end_to_end_to_nlp_bound_cpu": 0.125, "end_to_end_to_parallel_nlp_bound_cpu": 0.16,
                   "nlp_bound_after_to_before": 52.0 / 48.0, "nlp_bound_per_process_to_alone": 0.833, "index_stage_to_bare_bulk": 0.9},
        "problems": [],
    }
    report.update(changes)
    return report


def test_report_text_names_each_figure():
    text = format_report(sample_report())
    for expected in ("steady 8/s for 60 s", "479 searchable + 1 dead-lettered of 480 published", "p50 0.90 s", "p99",
                     "load 1.00 1.50 2.00 before", "enrich / spaCy 0.900 in CPU time", "(4.00 per second of worker CPU)", "index stage / bare bulk 0.900", "peak 640 MiB",
                     "spaCy nlp.pipe 30.0/s in one process (32.0 per CPU second), 50.0/s in 2", "max normalise 1, enrich 4, index 0", "index_refresh_seconds=0.5",
                     "first articles of the freshly started workers (published as they joined their group): p50 0.80 s"):
        assert expected in text, expected
    assert "MISSING" not in text


def test_report_says_how_few_of_the_visibility_polls_searched_for_ids():
    report = sample_report()
    report["run"]["visibility_searches"] = {"counts": 466, "searches_for_ids": 80}
    assert "visibility polled every 0.1 s: 80 searches for ids after 466 counts, search round trip 0.012 s" in format_report(report)


def test_report_text_splits_the_machine_cpu_and_compares_with_spacy_side_by_side():
    text = format_report(sample_report())
    # an operator sees how much of the machine the workers had, and what the rest took
    assert "machine CPU: busy 150.0 of 200.0 CPU seconds (75%): workers 120.0 (60% of the machine), everything else 30.0" in text
    assert "50.0/s in 2 (25.0 per CPU second;" in text
    assert "per CPU second: 0.125 against spaCy alone in one process, 0.160 against the 2 processes side by side" in text
    report = sample_report()
    report["throughput"] = {k: v for k, v in report["throughput"].items() if k != "machine_cpu_seconds"}
    assert "machine CPU: not measured" in format_report(report)


def test_report_text_says_what_the_warm_up_burst_cost_the_services_or_that_there_was_none():
    report = sample_report()
    report["run"]["warm_up"] = {"articles": 800, "seconds": 31.46, "services_cpu_seconds": {"kafka": 4.3, "elasticsearch": 15.0}}
    assert ("before the run: a warm-up burst of 800 articles, all searchable and placed in 31.5 s "
            "(CPU seconds meanwhile: Kafka 4.3, Elasticsearch 15.0)") in format_report(report)
    report["run"]["warm_up"] = None
    assert "no warm-up burst (--warm-up 0)" in format_report(report)


def test_report_text_says_the_nlp_bound_waited_for_the_services_to_go_quiet():
    report = sample_report()
    report["bounds"]["services_quiet_after_s"] = {"before_the_run": 1.0, "after_it": 6.0}
    assert "right after it, each once Kafka and Elasticsearch had gone quiet: after 1.0 and 6.0 s)" in format_report(report)


def test_report_text_names_what_took_the_rest_of_the_machine():
    report = sample_report()
    report["throughput"].update(services_cpu_seconds={"kafka": 7.5, "elasticsearch": 12.0}, bench_cpu_seconds=1.5)
    # the 30 CPU seconds the workers did not use: the broker, Elasticsearch, the bench, and the rest
    assert ("everything else 30.0 (Kafka 7.5, Elasticsearch 12.0, the bench 1.5, other load 9.0)"
            in format_report(report))
    report["throughput"].update(services_cpu_seconds={"kafka": None, "elasticsearch": 12.0})
    assert "(Kafka not seen here, Elasticsearch 12.0, the bench 1.5, other load 16.5)" in format_report(report)


def test_the_services_are_found_by_the_port_they_listen_on_here():
    def connection(ip, port, pid, status="LISTEN"):
        return SimpleNamespace(laddr=SimpleNamespace(ip=ip, port=port), status=status, pid=pid)

    connections = [connection("127.0.0.1", 9200, 11, status="ESTABLISHED"), connection("127.0.0.1", 9300, 12),
                   connection("::", 9200, 13), connection("127.0.0.1", 9092, 14)]
    assert listening_pid(connections, 9200, {"127.0.0.1"}) == 13           # listening on every address
    assert listening_pid(connections, 9092, {"127.0.0.1"}) == 14
    assert listening_pid([connection("::ffff:127.0.0.1", 9092, 15)], 9092, {"127.0.0.1"}) == 15   # the JVM's IPv6 socket
    assert listening_pid(connections, 9092, {"10.0.0.5"}) is None           # another address: not this service
    assert listening_pid([connection("127.0.0.1", 9092, None)], 9092, {"127.0.0.1"}) is None   # a process we may not see
    assert endpoint("127.0.0.1:9092", 9092) == ("127.0.0.1", 9092)
    assert endpoint("https://search.example.org", 9200) == ("search.example.org", 9200)
    assert endpoint("http://localhost:9201", 9200) == ("localhost", 9201)


def test_report_text_gives_the_incidents_stage_cost_against_the_nlp():
    report = sample_report()
    report["bounds"]["incidents_stage"] = {"articles": 1200, "messages": 3600, "worker_cpu_ms_per_article": 4.4,
                                           "machine_cpu_ms_per_article": 5.6}
    report["ratios"]["incidents_stage_to_nlp_cpu"] = 0.179
    text = format_report(report)
    assert ("incidents stage alone (workers running only it) on the run's 3600 mentions messages of 1200 articles: 5.60 ms of machine CPU "
            "per article (workers 4.40 ms), 0.179 of spaCy's CPU per article") in text
    assert "incidents stage alone" not in format_report(sample_report())   # workers without it: no such line


def test_report_text_says_when_incidents_were_all_placed():
    report = sample_report()
    report["throughput"] |= {"incidents_placed_per_s": 14.2, "incidents_placed_after_searchable_s": 12.34}
    report["ratios"]["incidents_placed_to_nlp_bound"] = 0.611
    text = format_report(report)
    assert "incidents: every mention placed 12.3 s after the last article was searchable (14.2 articles/s, 0.611 of the NLP bound)" in text
    assert "incidents: every mention placed" not in format_report(sample_report())   # the stage did not run


def test_report_text_says_the_incidents_stage_ran_apart():
    report = sample_report()
    report["run"] |= {"stages": ["normalise", "enrich", "index"], "incidents_apart": {"niceness": 19}}
    assert ("2 worker(s) running only normalise, enrich, index, and one running the incidents stage apart at niceness 19, 4 partitions"
            in format_report(report))


def test_a_pool_with_a_stage_apart_starts_one_more_member(tmp_path):
    from streams.bench import WorkerPool

    assert WorkerPool(Settings(), 2, stages=("normalise", "enrich", "index"), apart=("incidents",), log_dir=tmp_path).members == 3
    assert WorkerPool(Settings(), 2, log_dir=tmp_path).members == 2


def test_busy_machine_time_only_grows():
    from streams.bench import machine_busy_seconds

    first = machine_busy_seconds()
    started = time.process_time()
    while time.process_time() - started < 0.1:   # a tenth of a second of this very process's work
        pass
    assert machine_busy_seconds() > first > 0


def test_report_text_says_which_stages_ran_when_not_all():
    assert "worker(s) running only" not in format_report(sample_report())
    report = sample_report()
    report["run"]["stages"] = ["normalise", "enrich", "index"]
    assert "2 worker(s) running only normalise, enrich, index, 4 partitions" in format_report(report)


def test_report_text_says_what_is_missing():
    report = sample_report(accounting={"published": 10, "indexed": 7, "dead_lettered": 0, "missing": 3, "all_accounted": False},
                           problems=["3 articles neither searchable nor dead-lettered"])
    text = format_report(report)
    assert "3 MISSING" in text and "problem: 3 articles" in text
    assert json.loads(json.dumps(report)) == report  # --json prints it as it is


def test_each_round_through_the_sources_tells_events_a_week_earlier():
    from datetime import datetime, timedelta, timezone

    from schemas.dates import read_date

    sources = [{"title": "T", "body": "Police met.\nThey agreed.", "published_at": "2024-03-05T09:30:00Z", "lang": "en"},
               {"title": "U", "body": "Agents met.\nThey talked.", "published_at": "the day after the summit", "lang": "en"}]
    articles = bench_articles(sources, 6, "r2")
    now = datetime.now(timezone.utc)
    dated = [read_date(a["published_at"], received_at=now).moment for a in articles if a["title"] == "T"]
    assert dated == [datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc) - timedelta(weeks=n) for n in range(3)]
    assert {a["published_at"] for a in articles if a["title"] == "U"} == {"the day after the summit"}   # kept as it came
    # a warm-up's articles dated before every round of the run: the run's reports join none of their incidents
    warm = bench_articles(sources, 4, "r2", prefix="warm", weeks_before=5)
    assert [read_date(a["published_at"], received_at=now).moment for a in warm if a["title"] == "T"] == [
        datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc) - timedelta(weeks=n) for n in (5, 6)]


def test_a_piecewise_timing_sums_the_best_run_of_each_piece():
    from streams.bench import PiecewiseTiming, Timing

    timing = PiecewiseTiming(2)
    assert timing.total().rate(10) is None, "no figure before every piece ran"
    timing.pieces[0] = Timing(wall=3.0, cpu=2.0)
    timing.pieces[1] = Timing(wall=0.001, cpu=0.001)
    assert timing.measure(0, lambda: "result") == "result"
    assert timing.pieces[0].wall < 3.0, "a quicker run of a piece replaces its slower one"
    timing.pieces[0] = Timing(wall=1.5, cpu=1.0)
    timing.measure(1, lambda: sum(range(10**6)))   # a slower run of piece 1 is not kept
    total = timing.total()
    assert (total.wall, total.cpu) == (1.501, 1.001) and round(total.rate(10, cpu=True), 6) == round(10 / 1.001, 6)


def test_the_nlp_bound_is_the_mean_of_the_one_before_the_run_and_the_one_after():
    assert mean_of(48.0, 52.0) == 50.0
    assert mean_of(None, 52.0) == 52.0 and mean_of(None, None) is None
    text = format_report(sample_report())
    assert "50.0/s in 2 (25.0 per CPU second; the mean of 48.0/s right before the run and 52.0/s right after it)" in text
    assert "speed changed" not in text   # 8% apart: nothing to say


def test_each_process_of_the_nlp_bound_is_set_against_one_process_alone():
    # two processes at 50/s together, one alone at 30/s: each did 25 of its 30
    assert per_process_to_alone({"spacy_pipe_parallel_per_s": 50.0, "spacy_processes": 2, "spacy_pipe_per_s": 30.0}) == 0.833
    assert per_process_to_alone({"spacy_pipe_parallel_per_s": None, "spacy_processes": 2, "spacy_pipe_per_s": 30.0}) is None
    assert per_process_to_alone({"spacy_pipe_parallel_per_s": 50.0, "spacy_processes": 2, "spacy_pipe_per_s": None}) is None
    text = format_report(sample_report())
    assert "each of the 2 spaCy processes of the NLP bound did 0.833 of what one does alone" in text
    assert "not independent" not in text


def test_the_report_says_when_the_machine_s_cpus_were_not_independent_during_the_nlp_bound():
    # two processes side by side getting hardly more done than one: the bound is low, the ratio to it flattering
    report = sample_report()
    report["ratios"]["nlp_bound_per_process_to_alone"] = 0.55
    text = format_report(report)
    assert ("each of the 2 spaCy processes of the NLP bound did 0.550 of what one does alone: this machine's CPUs were not "
            "independent while the bound ran") in text
    assert "end to end / NLP bound overstates what the pipeline reaches on independent CPUs" in text
    assert report["problems"] == [] and "problem:" not in text
    report["bounds"]["spacy_processes"] = 1   # one process: nothing to set it against
    assert "spaCy processes of the NLP bound did" not in format_report(report)


@pytest.mark.parametrize("before, after", [(40.0, 60.0), (60.0, 40.0)])
def test_the_report_says_when_the_machine_changed_speed_during_the_run(before, after):
    report = sample_report()
    report["bounds"].update(spacy_pipe_parallel_before_per_s=before, spacy_pipe_parallel_after_per_s=after)
    report["ratios"]["nlp_bound_after_to_before"] = after / before
    text = format_report(report)
    assert (f"note: the NLP bound was {before:.1f}/s before the run and {after:.1f}/s after it: the machine's speed changed meanwhile"
            in text)
    assert report["problems"] == [] and "problem:" not in text   # a noisy machine is no fault of the pipeline


def test_the_bound_before_the_run_reads_the_texts_the_enrichment_reads(enricher):
    from datetime import datetime, timezone

    raw = bench_articles(read_articles(DEFAULT_FEEDS[0]), 12, "t")
    received = datetime.now(timezone.utc)
    settings = Settings()
    normalised = [normalise_payload(json.dumps(a, ensure_ascii=False).encode("utf-8"), received_at=received,
                                    max_body_chars=settings.max_body_chars) for a in raw]
    texts = raw_language_texts(settings, raw)
    assert texts and texts == language_texts(enricher, normalised)


def test_a_dead_lettered_article_is_no_longer_waited_for_by_its_id():
    from schemas.articles import DeadLetter

    def letter(key: bytes | None) -> DeadLetter:
        return DeadLetter(stage="normalise", error_kind="invalid_article", error_message="no body", payload=b"{}", key=key)

    # the key comes as bytes; the articles waited for are known by their id as text
    assert dead_lettered_ids([letter(b"feed-1:abc"), letter(None), letter(b"")]) == ["feed-1:abc"]
