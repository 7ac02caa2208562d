"""Watch lists end to end on the real services: watch added, article published, one alert on news.alerts, webhooks served.

Every test names its watches and articles with a marker of its own: the
session's watches all look at every article the session publishes.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
from kafka import TopicPartition

from schemas.alerts import Alert, Watch, alert_id_for
from streams.alerts import alert_document
from streams.clients import kafka_consumer
from streams.publish import expected_article_id, wait_until_accounted

from .conftest import REPO, coopwatch, publish, raw_message, settings_env, wait_for_document


class AlertListener:
    """Reads news.alerts from where it stood when the test began, and notes when each alert arrived."""

    def __init__(self, settings) -> None:
        self.consumer = kafka_consumer(settings, enable_auto_commit=False, group_id=None)
        partitions = [TopicPartition(settings.topic_alerts, p) for p in sorted(self.consumer.partitions_for_topic(settings.topic_alerts))]
        self.consumer.assign(partitions)
        self.consumer.seek_to_end(*partitions)
        for tp in partitions:
            self.consumer.position(tp)  # resolve "end" now, before anything is published
        self.received: list[tuple[float, Alert]] = []

    def poll(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for records in self.consumer.poll(timeout_ms=100).values():
                self.received += [(time.monotonic(), Alert.model_validate_json(r.value)) for r in records]

    def of(self, watch: str) -> list[Alert]:
        return [alert for _, alert in self.received if alert.watch == watch]

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            self.poll(0.1)
        return condition()

    def arrival(self, watch: str) -> float:
        return next(when for when, alert in self.received if alert.watch == watch)

    def close(self) -> None:
        self.consumer.close()


@pytest.fixture
def alerts(settings, worker) -> Iterator[AlertListener]:
    listener = AlertListener(settings)
    yield listener
    listener.close()


def add_watch(settings, name: str, query: str, *options: str) -> None:
    result = coopwatch(settings, "watch", "add", name, query, *options)
    assert result.returncode == 0, result.stderr
    print(result.stdout.strip())


def hashish_story(marker: str, **fields) -> bytes:
    return raw_message(
        id=f"alert-{marker}-{uuid.uuid4().hex[:6]}", lang="en",
        title=f"Spanish and Moroccan police dismantle hashish network {marker}",
        body=f"Spain's Guardia Civil and Morocco's DGSN dismantled a hashish trafficking network in operation {marker}. "
             "Eight tonnes of cannabis resin were seized in Algeciras and Tangier.",
        **fields,
    )


def plain_story(marker: str) -> bytes:
    return raw_message(id=f"plain-{marker}-{uuid.uuid4().hex[:6]}", lang="en", title=f"Police chiefs meet {marker}",
                       body=f"French and Belgian police chiefs met in Brussels ({marker}) to discuss training.")


# --- watches -------------------------------------------------------------------------------


def test_watch_add_list_remove_and_an_invalid_query_refused_with_elasticsearch_s_reason(settings, es) -> None:
    name = f"cmd-{uuid.uuid4().hex[:8]}"
    refused = coopwatch(settings, "watch", "add", name, "hashish AND (cannabis")
    assert refused.returncode == 2
    assert "Elasticsearch refuses the query" in refused.stderr and "Cannot parse 'hashish AND (cannabis'" in refused.stderr
    print(refused.stderr)
    assert name not in coopwatch(settings, "watch", "list").stdout

    add_watch(settings, name, "hashish OR cannabis", "--country", "ES", "--country", "MA", "--topic", "drug_trafficking",
              "--webhook", "http://127.0.0.1:9/hook")
    listed = coopwatch(settings, "watch", "list", "--json").stdout.splitlines()
    watch = next(Watch.model_validate_json(line) for line in listed if json.loads(line)["name"] == name)
    assert watch.query == "hashish OR cannabis" and watch.countries == ["ES", "MA"] and watch.topics == ["drug_trafficking"]
    assert str(watch.webhook) == "http://127.0.0.1:9/hook"

    replaced = coopwatch(settings, "watch", "add", name, "hashish")
    assert replaced.returncode == 0 and f"watch {name} replaced" in replaced.stdout
    assert json.loads(next(line for line in coopwatch(settings, "watch", "list", "--json").stdout.splitlines()
                           if json.loads(line)["name"] == name))["query"] == "hashish"

    removed = coopwatch(settings, "watch", "remove", name)
    assert removed.returncode == 0 and name not in coopwatch(settings, "watch", "list").stdout
    assert coopwatch(settings, "watch", "remove", name).returncode == 1


# --- alerts --------------------------------------------------------------------------------


def test_a_matching_article_raises_exactly_one_alert_within_seconds(settings, es, producer, alerts) -> None:
    marker = f"op{uuid.uuid4().hex[:8]}"
    watch = f"es-ma-{marker}"
    add_watch(settings, watch, f"{marker} AND (hashish OR cannabis)", "--country", "ES", "--country", "MA")
    matching, other = hashish_story(marker), plain_story(marker)

    started = time.monotonic()
    since = publish(producer, settings, matching, other)
    assert alerts.wait_for(lambda: alerts.of(watch), timeout=30), "no alert within 30 s"
    latency = alerts.arrival(watch) - started
    print(f"publish -> alert latency: {latency:.2f} s")

    assert wait_until_accounted(settings, [matching, other], since=since, timeout_seconds=60).indexed == 2
    alerts.poll(3)  # time for a second alert, if one were coming
    [alert] = alerts.of(watch)
    assert alert.article_id == expected_article_id(matching) and alert.alert_id == alert_id_for(watch, alert.article_id)
    assert marker in alert.title and alert.source == "integration-test"
    assert any("**hashish**" in fragment for fragment in alert.highlights)
    assert alert.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)
    # when the article reached news.raw (published in 2024, received now): what the wait is counted from
    assert alert.received_at is not None and alert.received_at <= alert.matched_at
    assert abs((alert.received_at - since).total_seconds()) < 60

    shown = coopwatch(settings, "alerts", "--watch", watch)
    assert shown.returncode == 0 and shown.stdout.count(f"[{watch}]") == 1 and "**hashish**" in shown.stdout
    assert "after the article arrived" in shown.stdout
    print(shown.stdout)


def test_redelivery_replay_and_reindex_raise_no_second_alert(settings, es, producer, alerts) -> None:
    from schemas.articles import EnrichedArticle

    marker = f"op{uuid.uuid4().hex[:8]}"
    watch = f"once-{marker}"
    add_watch(settings, watch, f"{marker} AND hashish")
    payload = hashish_story(marker)
    article_id = expected_article_id(payload)

    publish(producer, settings, payload, payload)  # delivered twice
    assert alerts.wait_for(lambda: alerts.of(watch), timeout=30)
    first_indexed = wait_for_document(es, settings.articles_alias, article_id, timeout=30)["indexed_at"]

    publish(producer, settings, payload)  # the feed replayed
    document = es.get(index=settings.articles_alias, id=article_id)["_source"]
    re_enriched = EnrichedArticle(  # a re-index, as after a gazetteer change
        article_id=article_id, id_basis="feed_id", title=document["title"], text=document["body"], published_at=document["@timestamp"],
        language="en", language_source="feed", received_at=datetime.now(timezone.utc), enriched_at=datetime.now(timezone.utc),
        enricher_version="next",
    )
    producer.send(settings.topic_enriched, key=article_id.encode(), value=re_enriched.model_dump_json().encode()).get(timeout=30)

    deadline = time.monotonic() + 60
    while es.get(index=settings.articles_alias, id=article_id)["_source"]["enricher_version"] != "next" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert es.get(index=settings.articles_alias, id=article_id)["_source"]["indexed_at"] != first_indexed, "not re-indexed"
    alerts.poll(5)
    assert len(alerts.of(watch)) == 1


def test_an_alerts_index_made_by_an_earlier_version_gets_the_fields_added_since(settings, es) -> None:
    """Alert records are kept across versions (they remember what was sent): new fields join the existing index."""
    from streams.alerts import ensure_alerts_index
    from streams.index import index_name, load_template

    settings = settings.model_copy(update={"alerts_alias": f"{settings.alerts_alias}-upgraded"})   # an index of its own
    earlier = load_template("watch-alerts")["template"]["mappings"]
    del earlier["properties"]["received_at"]
    alert = Alert(alert_id="x", watch="w", article_id="a", title="t", published_at=datetime(2024, 3, 5, tzinfo=timezone.utc),
                  received_at=datetime(2024, 3, 5, 9, tzinfo=timezone.utc))
    es.indices.create(index=index_name(settings.alerts_alias, 1), mappings=earlier,
                      aliases={settings.alerts_alias: {"is_write_index": True}})
    try:
        with pytest.raises(Exception, match="strict_dynamic_mapping_exception"):
            es.create(index=settings.alerts_alias, id="before", document=alert_document(alert))

        ensure_alerts_index(es, settings)
        es.create(index=settings.alerts_alias, id=alert.alert_id, document=alert_document(alert), refresh=True)
        assert es.get(index=settings.alerts_alias, id=alert.alert_id)["_source"]["received_at"] == "2024-03-05T09:00:00Z"
    finally:
        es.indices.delete(index=index_name(settings.alerts_alias, 1), ignore_unavailable=True)
        es.options(ignore_status=404).indices.delete_index_template(name=settings.alerts_alias)


def test_an_alert_claimed_but_never_sent_is_sent_once_when_the_article_comes_again(settings, es, producer, alerts) -> None:
    """A worker that stopped between recording an alert and publishing it: the next delivery of the article publishes it."""
    from streams.alerts import ensure_alerts_index

    marker = f"op{uuid.uuid4().hex[:8]}"
    watch = f"resume-{marker}"
    add_watch(settings, watch, f"{marker} AND hashish")
    payload = hashish_story(marker)
    article_id = expected_article_id(payload)
    interrupted = Alert(alert_id=alert_id_for(watch, article_id), watch=watch, article_id=article_id, title="as first matched",
                        published_at=datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc))
    ensure_alerts_index(es, settings)
    es.create(index=settings.alerts_alias, id=interrupted.alert_id, document=alert_document(interrupted), refresh=True)

    publish(producer, settings, payload)
    assert alerts.wait_for(lambda: alerts.of(watch), timeout=30)
    alerts.poll(3)
    [alert] = alerts.of(watch)
    assert alert.title == "as first matched"  # the alert as it was first recorded, not a new one
    assert es.get(index=settings.alerts_alias, id=interrupted.alert_id)["_source"]["state"] == "sent"


def test_a_watch_elasticsearch_refuses_at_matching_time_does_not_silence_the_others(settings, es, producer, alerts) -> None:
    """A watch stored without the command's check (or broken by a mapping change) is set aside; the rest still alert."""
    from streams.watches import save_watch

    marker = f"op{uuid.uuid4().hex[:8]}"
    save_watch(settings, Watch(name=f"broken-{marker}", query=f"{marker} AND (unclosed"))
    watch = f"sound-{marker}"
    add_watch(settings, watch, f"{marker} AND hashish")
    publish(producer, settings, hashish_story(marker))
    assert alerts.wait_for(lambda: alerts.of(watch), timeout=30)
    assert not alerts.of(f"broken-{marker}")
    coopwatch(settings, "watch", "remove", f"broken-{marker}")


def test_a_fault_while_raising_alerts_is_waited_out_and_the_article_is_neither_lost_nor_indexed_again(
        settings, es, producer, alerts) -> None:
    """The alerts' records refused for a while (a write block on their index): the alert comes once the fault is gone."""
    from streams.alerts import ensure_alerts_index
    from streams.deadletters import read_dead_letters
    from streams.index import alias_targets

    marker = f"op{uuid.uuid4().hex[:8]}"
    watch = f"blocked-{marker}"
    add_watch(settings, watch, f"{marker} AND hashish")
    ensure_alerts_index(es, settings)
    [records] = alias_targets(es, settings.alerts_alias)
    payload = hashish_story(marker)
    article_id = expected_article_id(payload)
    es.indices.put_settings(index=records, settings={"index.blocks.write": True})
    try:
        since = publish(producer, settings, payload)
        document = wait_for_document(es, settings.articles_alias, article_id, timeout=60)
        assert document is not None, "the article must be indexed whatever happens to its alerts"
        alerts.poll(5)
        assert not alerts.of(watch), "no alert while its record cannot be written"
    finally:
        es.indices.put_settings(index=records, settings={"index.blocks.write": False})
    assert alerts.wait_for(lambda: alerts.of(watch), timeout=90), "the alert must come once the fault is gone"
    alerts.poll(3)
    assert len(alerts.of(watch)) == 1
    assert es.get(index=settings.articles_alias, id=article_id)["_source"]["indexed_at"] == document["indexed_at"], "indexed again"
    assert not [letter for letter in read_dead_letters(settings)
                if letter.failed_at >= since and (letter.key_text == article_id or letter.payload == payload)], "dead-lettered"


# --- webhooks ------------------------------------------------------------------------------


class Webhook:
    """A local HTTP endpoint that answers 500 to its first ``failures`` calls, then 200, and keeps what it got."""

    def __init__(self, failures: int = 0) -> None:
        self.failures, self.calls, self.received = failures, 0, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                hook.calls += 1
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ok = hook.calls > hook.failures
                if ok:
                    hook.received.append((time.monotonic(), self.headers["X-Coopwatch-Alert-Id"], body))
                self.send_response(200 if ok else 500)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return len(self.received) >= count

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def deliverer(settings, worker) -> Iterator[subprocess.Popen]:
    """A real `coopwatch deliver` process, beside the worker."""
    log_path = REPO / ".local" / "logs" / f"{settings.app_id}-deliver.log"
    env = {**settings_env(settings), "COOPWATCH_WEBHOOK_MAX_BACKOFF_SECONDS": "2"}
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "streams.cli", "deliver"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def webhooks() -> Iterator[Callable[[int], Webhook]]:
    made: list[Webhook] = []

    def make(failures: int = 0) -> Webhook:
        made.append(Webhook(failures))
        return made[-1]

    yield make
    for hook in made:
        hook.close()


def test_webhooks_receive_the_alert_even_one_that_fails_for_a_while(settings, es, producer, alerts, deliverer, webhooks) -> None:
    marker = f"op{uuid.uuid4().hex[:8]}"
    steady, flaky = webhooks(0), webhooks(3)
    add_watch(settings, f"steady-{marker}", f"{marker} AND hashish", "--webhook", steady.url)
    add_watch(settings, f"flaky-{marker}", f"{marker} AND cannabis", "--webhook", flaky.url)
    publish(producer, settings, hashish_story(marker))

    assert steady.wait_for(1, timeout=30), "the steady webhook got nothing"
    assert alerts.wait_for(lambda: alerts.of(f"steady-{marker}"), timeout=10)
    [on_topic] = alerts.of(f"steady-{marker}")
    _, header_id, body = steady.received[0]
    assert header_id == on_topic.alert_id and Alert.model_validate(body) == on_topic

    assert flaky.wait_for(1, timeout=30), f"the flaky webhook got nothing after {flaky.calls} calls"
    assert flaky.calls == 4 and flaky.received[0][2]["watch"] == f"flaky-{marker}"
    time.sleep(1)  # the delivery state is recorded just after the webhook answers
    status = coopwatch(settings, "alerts", "--status").stdout
    print(status)
    assert f"watch flaky-{marker}: 1 alert" in status and f"webhook {flaky.url}: 1 delivered, 0 waiting" in status


def test_a_webhook_that_keeps_failing_holds_only_its_own_alerts(settings, es, producer, alerts, deliverer, webhooks) -> None:
    marker = f"op{uuid.uuid4().hex[:8]}"
    dead, steady = webhooks(10**6), webhooks(0)
    add_watch(settings, f"dead-{marker}", f"{marker} AND hashish", "--webhook", dead.url)
    first = hashish_story(marker)
    publish(producer, settings, first)
    assert alerts.wait_for(lambda: alerts.of(f"dead-{marker}"), timeout=30)

    add_watch(settings, f"later-{marker}", f"{marker} AND Brussels", "--webhook", steady.url)
    later = plain_story(marker)
    since = publish(producer, settings, later)
    assert wait_until_accounted(settings, [later], since=since, timeout_seconds=60).indexed == 1, "the pipeline must not wait for a webhook"
    assert steady.wait_for(1, timeout=30), "another watch's webhook must not wait behind a failing one"
    assert dead.calls >= 2 and not dead.received

    time.sleep(1)
    status = coopwatch(settings, "alerts", "--status").stdout
    print(status)
    line = next(line for line in status.splitlines() if line.startswith(f"watch dead-{marker}:"))
    assert f"webhook {dead.url}: 0 delivered, 1 waiting, FAILING: HTTP 500" in line
    operator_view = coopwatch(settings, "stats").stdout
    assert f"  watch dead-{marker}: 1 alert" in operator_view and "FAILING: HTTP 500" in operator_view
    coopwatch(settings, "watch", "remove", f"dead-{marker}")  # its waiting alert is dropped, not retried for ever


def test_alerts_follow_prints_each_alert_as_it_comes(settings, es, producer, worker) -> None:
    marker = f"op{uuid.uuid4().hex[:8]}"
    watch = f"follow-{marker}"
    add_watch(settings, watch, f"{marker} AND hashish")
    follower = subprocess.Popen([sys.executable, "-m", "streams.cli", "alerts", "--follow", "--watch", watch], cwd=REPO,
                                env=settings_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)  # the follower has read the topic's backlog (none for this watch) and waits
        publish(producer, settings, hashish_story(marker))
        reader = ThreadPoolExecutor(max_workers=1).submit(lambda: next(line for line in follower.stdout if line.strip()))
        first_line = reader.result(timeout=30)  # the alert, printed as it came
        assert first_line.strip() == f"[{watch}] Spanish and Moroccan police dismantle hashish network {marker}"
        assert follower.poll() is None, "--follow keeps waiting for more"
    finally:
        follower.terminate()
        follower.wait(timeout=30)
