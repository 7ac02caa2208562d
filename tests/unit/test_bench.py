import json
from pathlib import Path

import pytest

from streams.bench import BenchmarkResult, benchmark_payloads

SAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "sample" / "feed.jsonl"


def test_benchmark_messages_are_valid_and_distinct_articles():
    payloads = benchmark_payloads(SAMPLE, 12, "run1")
    documents = [json.loads(p) for p in payloads]
    assert len({d["id"] for d in documents}) == 12
    assert all(d["title"] and d["body"] and "url" not in d for d in documents)
    assert not any(d["id"].startswith("coopwatch-sample") for d in documents)


def test_a_feed_without_valid_articles_is_refused(tmp_path):
    feed = tmp_path / "bad.jsonl"
    feed.write_text('{"title": "no body"}\nnot json\n')
    with pytest.raises(ValueError, match="no valid article"):
        benchmark_payloads(feed, 3, "x")


def test_report_gives_rate_and_latency_percentiles():
    text = BenchmarkResult(messages=4, indexed=4, dead_lettered=0, seconds=2.0, latencies=[0.5, 1.0, 1.5, 2.0]).report()
    assert "2.0 articles/s" in text and "median 1.25 s" in text and "max 2.00 s" in text
