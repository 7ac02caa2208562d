"""Elasticsearch misbehaving mid-stream loses nothing: every article indexed once, bad messages dead-lettered, no other dead letter.

Each test has its own topics, consumer group and aliases, publishes 100
articles with 10 malformed messages mixed in, half before the fault and half
during it, and prints its tally (published, indexed, dead-lettered, duplicated).
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from streams.deadletters import read_dead_letters
from streams.index import alias_targets
from streams.publish import wait_until_accounted

from .conftest import REPO, publish, raw_message, start_worker, stop_worker
from .faults import (FAULT_ARTICLES, FaultProxy, assert_nothing_lost, es_error_body, feed, halves, indexed_count,
                     publish_all, tally, wait_until)



def test_a_30s_write_block_on_the_indices_mid_stream_loses_nothing(own, es, producer):
    settings = own("index-block", stall_seconds=10)
    first, second = halves("index-block")
    worker = start_worker(settings, "worker")
    concrete = [name for alias in (settings.articles_alias, settings.events_alias) for name in alias_targets(es, alias)]
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, first)
        assert wait_until(lambda: indexed_count(es, settings) > 0, timeout=180), worker.log_path.read_text()[-3000:]
        # What Elasticsearch does itself at the disk flood-stage watermark, on this test's indices only.
        es.indices.put_settings(index=concrete, settings={"index.blocks.write": True})
        try:
            publish_all(producer, settings.topic_raw, second)
            time.sleep(30)
            assert worker.poll() is None, "the worker must wait the block out"
        finally:
            es.indices.put_settings(index=concrete, settings={"index.blocks.write": None})
        assert_nothing_lost(tally(settings, es, first + second, since=since, timeout=240), "index write block 30 s", [worker])
        # An operator sees which partition waits, and where: the index stage waiting the block out.
        stalls = [line for line in worker.log_path.read_text().splitlines() if "without a commit" in line]
        assert any(f"{settings.topic_enriched}[" in line and "agents hold" in line and "index at write (index.py:" in line
                   for line in stalls), stalls
        assert not any("no agent holds any" in line for line in stalls), "messages an agent holds were read again"
    finally:
        stop_worker(worker)


def enriched_count(settings) -> int:
    """Messages written to the run's enriched topic so far."""
    from streams.stats import topic_offsets

    return sum(end for _, end in topic_offsets(settings, [settings.topic_enriched])[settings.topic_enriched].values())


def test_a_stage_with_a_full_buffer_holds_back_no_other_stage(own, es, producer):
    # A batch of 8 makes every stage's stream buffer small (64 messages).
    settings = own("stages-apart", index_batch_size=8)
    backlog = feed(f"backlog-{uuid.uuid4().hex[:6]}", 400, 0)
    fresh = feed(f"fresh-{uuid.uuid4().hex[:6]}", 20, 0)
    since = datetime.now(timezone.utc)
    # A backlog of enriched articles waiting for the index stage, as a worker restarted after
    # an outage finds it: one fetch hands over far more than the stage's buffer holds.
    upstream = start_worker(settings, "upstream", "--stages", "normalise,enrich")
    try:
        publish_all(producer, settings.topic_raw, backlog)
        assert wait_until(lambda: enriched_count(settings) >= len(backlog), timeout=180), upstream.log_path.read_text()[-3000:]
    finally:
        stop_worker(upstream)
    concrete = [name for alias in (settings.articles_alias, settings.events_alias) for name in alias_targets(es, alias)]
    es.indices.put_settings(index=concrete, settings={"index.blocks.write": True})
    worker = start_worker(settings, "worker")
    try:
        try:
            assert wait_until(lambda: "Elasticsearch: " in worker.log_path.read_text(), timeout=180)  # waiting the block out
            # The index stage's buffer is full and stays so: new articles must still be normalised and enriched.
            publish_all(producer, settings.topic_raw, fresh)
            went_on = wait_until(lambda: enriched_count(settings) >= len(backlog) + len(fresh), timeout=120)
            print(f"while the index stage waited: {enriched_count(settings) - len(backlog)} of {len(fresh)} new articles "
                  f"enriched, {indexed_count(es, settings)} indexed")
            assert went_on, worker.log_path.read_text()[-3000:]
            assert indexed_count(es, settings) == 0 and worker.poll() is None
        finally:
            es.indices.put_settings(index=concrete, settings={"index.blocks.write": None})
        result = tally(settings, es, backlog + fresh, since=since, timeout=240)
        print(result.line("index write block with a backlog, new articles enriched meanwhile"))
        assert (result.indexed, result.dead_lettered, result.pending, result.duplicated) == (len(backlog) + len(fresh), 0, 0, 0)
    finally:
        stop_worker(worker)


def test_429_and_503_answers_lose_nothing(own, es, producer):
    settings = own("overload")
    proxy = FaultProxy(settings.elasticsearch_url)
    overloaded = {"on": False, "n": 0}

    def answer(method: str, path: str):
        if not overloaded["on"]:
            return None
        overloaded["n"] += 1
        if overloaded["n"] % 2:
            return 429, "application/json", es_error_body(429, "es_rejected_execution_exception",
                                                          "rejected execution of coordinating operation")
        return 503, "text/html", "<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>"

    proxy.answer = answer
    worker = start_worker(settings.model_copy(update={"elasticsearch_url": proxy.url}), "worker")
    first, second = halves("overload")
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, first)
        assert wait_until(lambda: indexed_count(es, settings) > 0, timeout=180), worker.log_path.read_text()[-3000:]
        overloaded["on"] = True
        try:
            publish_all(producer, settings.topic_raw, second)
            time.sleep(20)
            assert worker.poll() is None
        finally:
            overloaded["on"] = False
        assert proxy.answered > 0
        assert_nothing_lost(tally(settings, es, first + second, since=since, timeout=240), "429 and 503 for 20 s", [worker])
    finally:
        stop_worker(worker)
        proxy.close()


def test_a_rejected_credential_stops_the_worker_with_one_clear_error_then_everything_is_indexed(own, es, producer):
    settings = own("credential")
    proxy = FaultProxy(settings.elasticsearch_url, status=401,
                       body=es_error_body(401, "security_exception", "unable to authenticate with provided credentials"))
    behind_proxy = settings.model_copy(update={"elasticsearch_url": proxy.url})
    first, second = halves("credential")
    worker = start_worker(behind_proxy, "worker")
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, first)
        assert wait_until(lambda: indexed_count(es, settings) > 0, timeout=180), worker.log_path.read_text()[-3000:]
        proxy.on = True  # the credential is rejected, e.g. the API key expired
        publish_all(producer, settings.topic_raw, second)
        try:
            worker.wait(timeout=120)
        except Exception:
            pytest.fail(f"the worker kept running on a rejected credential:\n{worker.log_path.read_text()[-3000:]}")
        log = worker.log_path.read_text()
        assert worker.returncode == 4
        errors = [line for line in log.splitlines() if "[CRITICAL]" in line or "Traceback" in line]
        assert len(errors) == 1 and "rejected the credentials" in errors[0] and "unable to authenticate" in errors[0], log[-3000:]
        stopped_at = indexed_count(es, settings)
        assert stopped_at < FAULT_ARTICLES, "the credential was rejected after everything was indexed: the test proves nothing"
        assert [l for l in read_dead_letters(settings) if l.stage != "normalise"] == []

        proxy.on = False  # fixed
        worker = start_worker(behind_proxy, "worker-after-fix")
        assert_nothing_lost(tally(settings, es, first + second, since=since, timeout=240), "credential rejected (401)", [worker])
    finally:
        stop_worker(worker)
        proxy.close()


def test_a_worker_asked_to_stop_while_elasticsearch_is_down_stops_and_loses_nothing(own, es, producer):
    settings = own("stop-in-outage")
    proxy = FaultProxy(settings.elasticsearch_url, status=503,
                       body=es_error_body(503, "master_not_discovered_exception", "no master"))
    behind_proxy = settings.model_copy(update={"elasticsearch_url": proxy.url})
    payloads = feed(f"stop-{uuid.uuid4().hex[:6]}", 20, 2)
    worker = start_worker(behind_proxy, "worker")
    try:
        since = datetime.now(timezone.utc)
        assert wait_until(lambda: "Worker]: Ready" in worker.log_path.read_text(), timeout=180)
        proxy.on = True
        publish_all(producer, settings.topic_raw, payloads)
        assert wait_until(lambda: "Elasticsearch: " in worker.log_path.read_text(), timeout=120)  # waiting it out
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        worker.wait(timeout=60)
        print(f"stopped {time.monotonic() - started:.1f} s after SIGTERM while Elasticsearch was down")
        assert indexed_count(es, settings) == 0
        proxy.on = False
        worker = start_worker(behind_proxy, "worker-after")
        result = tally(settings, es, payloads, since=since, timeout=240)
        print(result.line("SIGTERM while Elasticsearch answers 503"))
        assert (result.indexed, result.dead_lettered, result.pending, result.duplicated) == (20, 2, 0, 0), \
            worker.log_path.read_text()[-6000:]
    finally:
        stop_worker(worker)
        proxy.close()


def test_kill_9_of_one_of_two_workers_loses_nothing(own, es, producer):
    settings = own("kill", kafka_session_timeout_seconds=10)
    workers = [start_worker(settings, "worker-1"), start_worker(settings, "worker-2")]
    first, second = halves("kill")
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, first)
        assert wait_until(lambda: indexed_count(es, settings) > 0, timeout=180), workers[0].log_path.read_text()[-3000:]
        publish_all(producer, settings.topic_raw, second)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        assert indexed_count(es, settings) < FAULT_ARTICLES, "killed after everything was indexed: the test proves nothing"
        assert_nothing_lost(tally(settings, es, first + second, since=since, timeout=300), "kill -9 of one of two workers", workers)
        assert workers[1].poll() is None
    finally:
        for worker in workers:
            stop_worker(worker)


def test_a_worker_joining_then_leaving_mid_stream_loses_nothing(own, es, producer):
    """Two rebalances with messages in flight: the group grows to three workers, then shrinks back to two."""
    from streams.bench import group_is_stable
    from streams.clients import kafka_admin

    settings = own("join-leave")
    marker = f"join-leave-{uuid.uuid4().hex[:6]}"
    sent: list[bytes] = []

    def group_is(members: int) -> bool:
        admin = kafka_admin(settings)
        try:
            return group_is_stable(admin, settings.app_id, members)
        finally:
            admin.close()

    def trickle_until(condition, *, timeout: float) -> bool:
        """Publish one message every 0.2 s (every tenth malformed) until ``condition`` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            n = len(sent)
            payload = (f"not json {marker}-{n}".encode() if n % 10 == 9 else
                       raw_message(id=f"{marker}-{n}", title=f"Police cooperation {n}",
                                   body=f"Spanish and Moroccan police met in Rabat on day {n} to discuss drug trafficking."))
            publish_all(producer, settings.topic_raw, [payload])
            sent.append(payload)
            time.sleep(0.2)
        return True

    def for_seconds(seconds: float):
        until = time.monotonic() + seconds
        return lambda: time.monotonic() >= until

    workers = [start_worker(settings, "worker-1"), start_worker(settings, "worker-2")]
    extra = None
    try:
        since = datetime.now(timezone.utc)
        assert trickle_until(lambda: indexed_count(es, settings) > 0, timeout=180), workers[0].log_path.read_text()[-3000:]
        extra = start_worker(settings, "worker-3")
        assert trickle_until(lambda: group_is(3), timeout=180), extra.log_path.read_text()[-3000:]
        trickle_until(for_seconds(3), timeout=10)
        extra.send_signal(signal.SIGTERM)   # a clean stop: the worker leaves the group
        assert trickle_until(lambda: extra.poll() is not None and group_is(2), timeout=120), extra.log_path.read_text()[-3000:]
        trickle_until(for_seconds(3), timeout=10)
        result = tally(settings, es, sent, since=since, timeout=300)
        print(result.line("a worker joining, then leaving, mid-stream"))
        malformed = sum(1 for payload in sent if payload.startswith(b"not json"))
        assert (result.indexed, result.dead_lettered, result.pending) == (len(sent) - malformed, malformed, 0)
        assert result.duplicated == 0 and result.index_dead_letters == 0
        assert all(worker.poll() is None for worker in workers)
    finally:
        for worker in [*workers, *([extra] if extra else [])]:
            stop_worker(worker)


def test_a_14_mib_message_is_dead_lettered_whole(settings, es, producer, worker):
    body = "Spanish and Moroccan police met in Rabat. " * (14 * 1024 * 1024 // 42)
    huge = raw_message(id=f"huge-{uuid.uuid4().hex}", body=body)
    after = raw_message(id=f"after-huge-{uuid.uuid4().hex}")
    assert len(huge) >= 14 * 1024 * 1024
    since = publish(producer, settings, huge, after)
    accounting = wait_until_accounted(settings, [huge, after], since=since, timeout_seconds=120)
    print(f"FAULT 14 MiB message: published 2, indexed {accounting.indexed}, dead-lettered {accounting.dead_lettered}")
    assert (accounting.indexed, accounting.dead_lettered, accounting.pending) == (1, 1, 0)
    (letter,) = [l for l in read_dead_letters(settings) if l.failed_at >= since and l.payload_size == len(huge)]
    assert letter.payload == huge and letter.error_kind == "body_too_large" and letter.format == "coopwatch"
    assert json.loads(letter.payload)["id"] == json.loads(huge)["id"]


DROPPING_CONSUMER = Path(__file__).parent / "dropping_consumer"


def test_messages_the_consumer_dropped_at_the_end_of_a_partition_are_read_again(own, es, producer):
    """Records fetched and never handed to their agent, with no later message to show the hole
    (the last of a burst): the stall watch finds them waiting with no agent holding them."""
    settings = own("dropped-tail", stall_seconds=10)
    payloads = feed(f"dropped-tail-{uuid.uuid4().hex[:6]}", 20, 2)
    worker = start_worker(settings, "worker", env={
        "PYTHONPATH": os.pathsep.join([str(DROPPING_CONSUMER), str(REPO)]),
        "COOPWATCH_TEST_DROP_TOPIC": settings.topic_enriched, "COOPWATCH_TEST_DROP_SECONDS": "3"})
    try:
        since = datetime.now(timezone.utc)
        publish_all(producer, settings.topic_raw, payloads)
        result = tally(settings, es, payloads, since=since, timeout=180)
        log = worker.log_path.read_text()
        assert "test: dropped" in log, "the consumer dropped nothing: the test proves nothing"
        assert (result.indexed, result.dead_lettered, result.pending, result.duplicated) == (20, 2, 0, 0), \
            result.line("dropped tail") + "\n" + log[-3000:]
        assert any("without a commit, and no agent holds any; reading the partition again" in line
                   for line in log.splitlines()), log[-3000:]
    finally:
        stop_worker(worker)
