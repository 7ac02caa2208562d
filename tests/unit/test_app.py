"""Every error path of the agents' steps (streams/app.py), without Kafka: a stand-in topic records what the broker got.

The stand-in mimics Faust's Topic.send: it returns the delivery future the
agents must await, and fails as aiokafka does (timeouts, a message too large).
"""

import asyncio
import collections
import gc
import json
import logging
import threading
import time
import weakref
from types import SimpleNamespace

import faust
import pytest
from aiokafka.consumer.subscription_state import SubscriptionState
from aiokafka.consumer.fetcher import OffsetResetStrategy
from aiokafka.structs import TopicPartition as AIOKafkaTP
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError
from faust.exceptions import ProducerSendError
from faust.transport.drivers.aiokafka import Consumer as FaustKafkaConsumer
from faust.types import TP
from faust.types.tuples import Message

from schemas.articles import NormalisedArticle

from streams.app import (CoopwatchApp, MentionsBacklog, Outbox, SearchPathFirst, send_waiting_mentions, StageHalted, commit_would_skip, dead_letter_for, enrich_events,
                         SETTLED, faust_options, first_dropped, freeze_start_up_objects, index_events, normalise_event, settle,
                         oldest_timestamp, undelivered_from, wake_waiting_fetch, position_known,
                         PartitionLook, StallWatch, READ_AGAIN, REPORT, stack_place, stall_remedy, where_agents_wait)
from streams.deadletters import parse_dead_letter
from streams.index import BatchResult, Fault, IndexingHalted, Outcome
from streams.settings import Settings

from .test_index_actions import enriched


class StandInTopic:
    """Records delivered messages; fails the first sends as told (on send, as Faust does for client-side
    errors, or on delivery, as the broker does)."""

    def __init__(self, name: str, *, failures=(), failures_on_send=()) -> None:
        self.name, self.failures, self.failures_on_send = name, list(failures), list(failures_on_send)
        self.delivered: list[SimpleNamespace] = []

    async def send(self, *, key, value, headers=None, force=False):
        assert force, "a send attached to the message in process would go out only once it is acknowledged"
        if self.failures_on_send:
            raise self.failures_on_send.pop(0)
        delivery = asyncio.get_running_loop().create_future()
        if self.failures:
            delivery.set_exception(self.failures.pop(0))
        else:
            self.delivered.append(SimpleNamespace(key=key, value=value, headers=headers or [], topic="news.deadletter",
                                                  partition=0, offset=len(self.delivered), timestamp=0))
            delivery.set_result("record metadata")
        return delivery


def event(value: bytes, *, key: bytes | None = b"k", topic: str = "news.raw", offset: int = 5):
    message = Message(topic, 0, offset, 0.0, 0, [], key, value, None)
    message.incref()  # the reference of the stream that delivered it
    return SimpleNamespace(message=message, ack=lambda: message.ack(None))


def outbox(deadletters: StandInTopic) -> Outbox:
    return Outbox(deadletters, initial_backoff_seconds=0.001, max_backoff_seconds=0.002)


def run(coroutine):
    return asyncio.run(coroutine)


def letters(topic: StandInTopic):
    return [parse_dead_letter(record) for record in topic.delivered]


SETTINGS = Settings()
RAW = json.dumps({"id": "1", "title": "Police cooperation", "body": "French and Spanish police met.", "lang": "en"}).encode()


def test_an_unreadable_raw_message_is_dead_lettered_as_it_was():
    deadletters, normalised = StandInTopic("dl"), StandInTopic("normalised")
    run(normalise_event(event(b"{not json", key=b"feed-7"), outbox(deadletters), normalised, SETTINGS))
    (letter,) = letters(deadletters)
    assert letter.payload == b"{not json" and letter.key == b"feed-7"
    assert (letter.stage, letter.error_kind, letter.topic, letter.offset) == ("normalise", "invalid_json", "news.raw", 5)
    assert normalised.delivered == []


def test_a_good_message_is_forwarded_and_confirmed():
    deadletters, normalised = StandInTopic("dl"), StandInTopic("normalised")
    run(normalise_event(event(RAW), outbox(deadletters), normalised, SETTINGS))
    (sent,) = normalised.delivered
    assert NormalisedArticle.model_validate_json(sent.value).article_id == sent.key.decode()
    assert deadletters.delivered == []


def test_a_failed_send_is_retried_not_dropped():
    deadletters = StandInTopic("dl")
    normalised = StandInTopic("normalised", failures=[KafkaTimeoutError()],
                              failures_on_send=[ProducerSendError("Error while sending: KafkaConnectionError()")])
    run(normalise_event(event(RAW), outbox(deadletters), normalised, SETTINGS))
    assert len(normalised.delivered) == 1 and deadletters.delivered == []


def test_a_result_too_large_for_the_next_topic_dead_letters_its_input():
    deadletters = StandInTopic("dl")
    normalised = StandInTopic("normalised", failures=[MessageSizeTooLargeError()])
    run(normalise_event(event(RAW), outbox(deadletters), normalised, SETTINGS))
    (letter,) = letters(deadletters)
    assert letter.error_kind == "message_too_large" and letter.payload == RAW


def test_a_dead_letter_send_that_fails_is_retried():
    deadletters = StandInTopic("dl", failures=[KafkaTimeoutError(), KafkaTimeoutError()])
    run(normalise_event(event(b"nope"), outbox(deadletters), StandInTopic("normalised"), SETTINGS))
    assert [letter.error_kind for letter in letters(deadletters)] == ["invalid_json"]


def test_a_dead_letter_the_topic_refuses_stops_the_stage():
    too_large = ProducerSendError("Error while sending")
    too_large.__cause__ = MessageSizeTooLargeError()
    with pytest.raises(StageHalted, match="max.message.bytes"):
        run(normalise_event(event(b"nope"), outbox(StandInTopic("dl", failures_on_send=[too_large])), StandInTopic("n"), SETTINGS))


class StandInEnricher:
    def __init__(self, fails_on: str) -> None:
        self.fails_on = fails_on

    def enrich_many(self, articles):
        raise RuntimeError("batch failed")

    def enrich(self, article):
        if article.title == self.fails_on:
            raise ValueError("spaCy choked")
        return enriched(article_id=article.article_id, title=article.title)


def normalised(article_id: str, title: str) -> bytes:
    return NormalisedArticle(article_id=article_id, id_basis="feed_id", title=title, text="t", published_at="2024-03-05T09:30:00Z",
                             language="en", language_source="feed", received_at="2024-03-05T09:30:00Z").model_dump_json().encode()


def test_enrich_dead_letters_only_the_culprits():
    deadletters, enriched_topic = StandInTopic("dl"), StandInTopic("enriched")
    events = [event(normalised("a", "fine"), topic="news.normalised"), event(b'{"article_id": 1}', topic="news.normalised"),
              event(normalised("c", "poison"), topic="news.normalised")]
    run(enrich_events(events, outbox(deadletters), enriched_topic, StandInEnricher(fails_on="poison")))
    assert [sent.key for sent in enriched_topic.delivered] == [b"a"]
    assert sorted((l.stage, l.error_kind) for l in letters(deadletters)) == [("enrich", "ValueError"), ("enrich", "contract_violation")]


class MentionsEnricher:
    """Enriches every article as the one of test_index_actions (a meeting between France and Morocco)."""

    report_types = SimpleNamespace(model=None)

    def enrich_many(self, articles):
        return [enriched(article_id=article.article_id, title=article.title) for article in articles]


def enrich_with_mentions(events, deadletters, enriched_topic, mentions_topic, backlog=None) -> None:
    run(settle(events, lambda: enrich_events(events, outbox(deadletters), enriched_topic, MentionsEnricher(), mentions_topic,
                                             mentions_partitions=4, mentions_backlog=backlog)))
    for e in events:
        e.ack()   # Faust lets go of its reference once the agent took the next batch


def test_in_a_burst_articles_go_on_at_once_and_their_mentions_once_the_search_path_has_drained():
    deadletters, enriched_topic, mentions_topic = StandInTopic("dl"), StandInTopic("enriched"), StandInTopic("mentions")
    events = [event(normalised(article_id, "fine"), topic="news.normalised", offset=n) for n, article_id in enumerate("ab")]
    backlog = MentionsBacklog(100, give_way_seconds=120)
    enrich_with_mentions(events, deadletters, enriched_topic, mentions_topic, backlog)
    assert [sent.key for sent in enriched_topic.delivered] == [b"a", b"b"]
    assert mentions_topic.delivered == [] and len(backlog) == 2
    assert not any(e.message.acked for e in events), "their offsets must not be committed before their mentions are sent"

    run(send_waiting_mentions(backlog.take(1), outbox(deadletters), mentions_topic, MentionsEnricher(), mentions_partitions=4))
    assert events[0].message.acked and not events[1].message.acked, "oldest first"
    run(send_waiting_mentions(backlog.take(10), outbox(deadletters), mentions_topic, MentionsEnricher(), mentions_partitions=4))
    assert all(e.message.acked for e in events) and len(backlog) == 0 and deadletters.delivered == []

    # the same mentions, the same keys, as when they are sent with the article
    direct = StandInTopic("mentions")
    enrich_with_mentions([event(normalised("a", "fine"), topic="news.normalised"), event(normalised("b", "fine"), topic="news.normalised")],
                         StandInTopic("dl"), StandInTopic("enriched"), direct)
    assert [(m.key, m.value) for m in mentions_topic.delivered] == [(m.key, m.value) for m in direct.delivered]
    meeting = [json.loads(m.value) for m in direct.delivered if any(t["type"] == "meeting" and t["mentions"] for t in json.loads(m.value)["by_type"])]
    assert [m["article_id"] for m in meeting] == ["a", "b"]


def test_mentions_that_cannot_be_worked_out_dead_letter_the_input_with_the_reason_and_release_it():
    deadletters, mentions_topic = StandInTopic("dl"), StandInTopic("mentions")
    backlog = MentionsBacklog(100, give_way_seconds=120)
    held = event(normalised("a", "fine"), topic="news.normalised")
    backlog.add(held, b'{"article_id": "a"')
    held.ack()
    run(send_waiting_mentions(backlog.take(1), outbox(deadletters), mentions_topic, MentionsEnricher(), mentions_partitions=4))
    (letter,) = letters(deadletters)
    assert (letter.stage, letter.error_kind, letter.topic) == ("enrich", "mentions_error", "news.normalised")
    assert "the article is indexed" in letter.error_message
    assert mentions_topic.delivered == [] and held.message.acked


def test_mentions_wait_only_in_a_burst_behind_those_waiting_and_only_so_many_and_so_long():
    now = [1000.0]
    backlog = MentionsBacklog(2, give_way_seconds=120, wall_clock=lambda: now[0])
    assert not backlog.defers(search_path_busy=False), "a steady feed sends mentions with their article"
    assert backlog.defers(search_path_busy=True)
    backlog.add(event(b"x", offset=1), b"{}")
    assert backlog.defers(search_path_busy=False), "behind the ones waiting, not before them"
    assert not backlog.full() and not backlog.overdue()
    now[0] += 60
    backlog.add(event(b"y", offset=2), b"{}")
    assert backlog.full()
    now[0] += 60
    assert backlog.overdue(), "the oldest has waited its give-way budget"
    assert [e.message.offset for e, _ in backlog.take(5)] == [1, 2] and not backlog.overdue()
    assert not MentionsBacklog(0, give_way_seconds=120).defers(search_path_busy=True), "a limit of 0 never defers"


def test_a_burst_of_huge_articles_waits_for_its_mentions_only_up_to_a_memory_budget():
    backlog = MentionsBacklog(1000, give_way_seconds=120, max_bytes=3_000_000)
    backlog.add(event(b"x", offset=1), b"a" * 1_000_000)
    backlog.add(event(b"y", offset=2), b"b" * 1_000_000)
    assert not backlog.full()
    backlog.add(event(b"z", offset=3), b"c" * 1_000_000)
    assert backlog.full(), "three articles of a million characters reach the budget long before the count does"
    backlog.take(1)
    assert not backlog.full() and len(backlog) == 2


def test_the_enrich_stage_s_input_rests_while_mentions_wait_for_the_search_path():
    app = CoopwatchApp("coopwatch-test-resting-while")
    backlog = MentionsBacklog(10, give_way_seconds=120)
    app.rests_while("news.normalised", lambda: bool(backlog))
    assert not app.is_resting("news.normalised")
    backlog.add(event(b"x"), b"{}")
    assert app.is_resting("news.normalised") and not app.is_resting("news.raw")
    backlog.take(1)
    assert not app.is_resting("news.normalised")


class StandInSink:
    def __init__(self, result: BatchResult | None = None, halt: Fault | None = None) -> None:
        self.result, self.halt, self.batches = result, halt, []

    async def write(self, articles):
        self.batches.append(articles)
        if self.halt:
            raise IndexingHalted(self.halt, "http://es:9200")
        return self.result


def test_index_dead_letters_refused_articles_and_bad_contracts():
    refused = Fault(Outcome.PERMANENT_DOCUMENT, 400, "document_parsing_exception", "failed to parse field [title]")
    sink = StandInSink(BatchResult(written=[enriched(article_id="ok")], refused={"bad": refused}))
    deadletters = StandInTopic("dl")
    events = [event(enriched(article_id="ok").model_dump_json().encode(), key=b"ok", topic="news.enriched"),
              event(enriched(article_id="bad").model_dump_json().encode(), key=b"bad", topic="news.enriched"),
              event(b"[]", key=b"junk", topic="news.enriched")]
    run(index_events(events, outbox(deadletters), sink))
    assert [a.article_id for a in sink.batches[0]] == ["ok", "bad"]
    kinds = {l.key: l.error_kind for l in letters(deadletters)}
    assert kinds == {b"bad": "elasticsearch_400_document_parsing_exception", b"junk": "contract_violation"}


def test_when_elasticsearch_refuses_everything_nothing_is_dead_lettered_or_acknowledged():
    halt = Fault(Outcome.PERMANENT_ALL, 401, "security_exception", "unable to authenticate user")
    deadletters = StandInTopic("dl")
    events = [event(enriched(article_id=str(n)).model_dump_json().encode(), topic="news.enriched") for n in range(3)]
    with pytest.raises(IndexingHalted):
        run(settle(events, lambda: index_events(events, outbox(deadletters), StandInSink(halt=halt))))
    for e in events:
        e.ack()  # what Faust's take_events does to a batch whatever happened in the agent
    assert deadletters.delivered == []
    assert not any(e.message.acked for e in events)


def test_a_settled_step_lets_its_messages_be_acknowledged():
    events = [event(b"x"), event(b"y")]
    run(settle(events, lambda: asyncio.sleep(0)))
    assert not any(e.message.acked for e in events)  # Faust's own reference is still there...
    for e in events:
        e.ack()
    assert all(e.message.acked for e in events)       # ...and once it lets go, the offsets may be committed


def test_a_cancelled_step_keeps_its_messages():
    events = [event(b"x")]

    async def cancelled():
        task = asyncio.ensure_future(settle(events, lambda: asyncio.sleep(10)))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancelled())
    events[0].ack()
    assert not events[0].message.acked


def test_dead_letter_for_keeps_key_and_position():
    letter = dead_letter_for(event(b"payload", key=None, topic="news.enriched", offset=9), "index", RuntimeError("boom"))
    assert (letter.key, letter.payload, letter.topic, letter.offset, letter.error_kind) == (None, b"payload", "news.enriched", 9, "RuntimeError")


def test_faust_is_configured_from_settings_only(monkeypatch):
    for name, value in {"PRODUCER_ACKS": "0", "BROKER_URL": "kafka://elsewhere:1", "CONSUMER_AUTO_OFFSET_RESET": "latest",
                        "APP_ENV_PREFIX": "X_", "X_PRODUCER_ACKS": "1"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings(kafka_bootstrap_servers="127.0.0.1:19092")
    conf = faust.App("test-config", **faust_options(settings)).conf
    assert conf.producer_acks == -1  # every in-sync replica
    assert [str(url) for url in conf.broker] == ["kafka://127.0.0.1:19092"]
    assert conf.consumer_auto_offset_reset == "earliest"
    assert conf.producer_max_request_size > settings.max_message_bytes  # a dead letter of the largest message fits
    assert conf.stream_wait_empty is False  # a stage waiting out a fault stalls neither rebalances nor SIGTERM
    assert conf.table_standby_replicas == 1   # a worker taking over a partition finds its table ready
    monkeypatch.setenv("COOPWATCH_TABLE_STANDBY_REPLICAS", "0")
    assert faust.App("test-config-2", **faust_options(Settings(_env_file=None))).conf.table_standby_replicas == 0


def test_the_workers_kafka_fetches_wait_at_the_broker_as_long_as_the_setting_says(monkeypatch):
    """Faust fixes a 1.5 s wait; a partition held back for a full buffer sat it out (see Settings)."""
    from streams.app import create_app

    async def fetch_wait_ms(settings: Settings) -> int:
        app = create_app(settings, stages=("index",))
        consumer = app.consumer._thread._create_worker_consumer(app.transport)   # built, never started
        try:
            return consumer._fetch_max_wait_ms
        finally:
            await consumer.stop()

    assert asyncio.run(fetch_wait_ms(Settings(_env_file=None))) == 100
    monkeypatch.setenv("COOPWATCH_KAFKA_FETCH_WAIT_SECONDS", "0.25")
    assert asyncio.run(fetch_wait_ms(Settings(_env_file=None))) == 250
    monkeypatch.setenv("COOPWATCH_KAFKA_FETCH_WAIT_SECONDS", "0")
    with pytest.raises(ValueError, match="kafka_fetch_wait_seconds"):
        Settings(_env_file=None)


# ---------------------------------------------------------------- the incidents stage in batches
class TableEvent:
    """A stand-in event Faust's tables can take as the current one (they hold it by weak reference)."""

    def __init__(self, value: bytes, offset: int) -> None:
        self.message = Message("news.mentions", 0, offset, 0.0, 0, [], b"meeting", value, None)
        self.message.incref()

    def ack(self) -> None:
        self.message.ack(None)


class RecordingIncidentSink:
    def __init__(self, fail: bool = False) -> None:
        self.requests, self.fail = [], fail

    async def send(self, actions):
        if self.fail:
            raise ConnectionError("killed before Elasticsearch answered")
        self.requests.append(list(actions))
        return [None] * len(actions)


def mentions_message(article: str, countries=("FR", "MA"), person="Youssef Alaoui", offset: int = 0) -> TableEvent:
    from datetime import datetime, timezone

    from schemas.articles import ArticleMentions, IncidentMention

    mention = IncidentMention(
        mention_id=f"{article}-m", article_id=article, type="meeting", countries=list(countries), location=countries[0],
        evidence=f"Report {article}.", published_at=datetime(2024, 3, 11, 9, tzinfo=timezone.utc), source=f"outlet-{article}",
        title=article, language="en", persons=[person], topics=["terrorism"])
    return TableEvent(ArticleMentions(article_id=article, type="meeting", mentions=[mention]).model_dump_json().encode(), offset)


def test_a_batch_of_mentions_writes_each_changed_incident_once_as_it_ends():
    from streams.app import incidents_events
    from streams.incidents import IncidentStore

    store, sink = IncidentStore({}), RecordingIncidentSink()
    events = [mentions_message(a, offset=n) for n, a in enumerate("abc")]
    run(incidents_events(events, outbox(StandInTopic("dl")), store, sink, SETTINGS))
    (request,) = sink.requests
    (action,) = request
    assert action["_op_type"] == "index" and action["_source"]["article_count"] == 3
    assert not any(key.startswith("unindexed|") for key in store.table)


def test_a_message_of_several_types_places_each_type_and_writes_their_incidents_in_one_bulk():
    from schemas.articles import ArticleMentions, MentionsMessage
    from streams.app import incidents_events
    from streams.incidents import IncidentStore

    meeting = ArticleMentions.model_validate_json(mentions_message("a").message.value)
    handover = meeting.model_copy(update={"type": "extradition", "mentions": [
        meeting.mentions[0].model_copy(update={"mention_id": "a-x", "type": "extradition"})]})
    both = MentionsMessage(article_id="a", by_type=[meeting, handover, ArticleMentions(article_id="a", type="visit")])
    store, sink, deadletters = IncidentStore({}), RecordingIncidentSink(), StandInTopic("dl")
    run(incidents_events([TableEvent(both.model_dump_json().encode(), 0)], outbox(deadletters), store, sink, SETTINGS))
    (request,) = sink.requests
    assert sorted(action["_source"]["type"] for action in request) == ["extradition", "meeting"]
    assert not deadletters.delivered and not any(key.startswith("unindexed|") for key in store.table)


def test_a_batch_killed_before_elasticsearch_answered_rewrites_on_redelivery_the_incident_a_mention_left():
    from streams.app import incidents_events
    from streams.incidents import IncidentStore

    store, sink = IncidentStore({}), RecordingIncidentSink()
    run(incidents_events([mentions_message("a"), mentions_message("b", offset=1)], outbox(StandInTopic("dl")), store, sink, SETTINGS))
    (first,) = sink.requests[0]
    # b, re-enriched, now reports an ES-MA meeting: its table writes are done, then the worker dies.
    moved = mentions_message("b", countries=("ES", "MA"), person="Javier Molina", offset=2)
    with pytest.raises(ConnectionError):
        run(incidents_events([moved], outbox(StandInTopic("dl")), store, RecordingIncidentSink(fail=True), SETTINGS))
    # Redelivered, b's mention no longer sits in the FR-MA incident, yet its document is rewritten without it.
    run(incidents_events([mentions_message("b", countries=("ES", "MA"), person="Javier Molina", offset=2)],
                         outbox(StandInTopic("dl")), store, sink, SETTINGS))
    documents = {action["_id"]: action["_source"] for action in sink.requests[1]}
    assert documents[first["_id"]]["article_ids"] == ["a"]
    assert [d["article_ids"] for i, d in documents.items() if i != first["_id"]] == [["b"]]


# ---------------------------------------------------------------- commits never pass an unsettled message


def consumer_with(acked, *, committed, in_flight=()):
    """The worker's real Faust consumer (not started) with this bookkeeping for one partition."""
    app = CoopwatchApp("test-commits", **faust_options(Settings(_env_file=None)))
    consumer = app.consumer
    tp = TP("news.enriched", 0)
    consumer._acked[tp] = list(acked)
    consumer._acked_index[tp] = set(acked)
    consumer._committed_offset[tp] = committed
    held = [Message(tp.topic, tp.partition, offset, 0.0, None, None, b"k", b"v", None) for offset in in_flight]
    for message in held:
        consumer._unacked_messages.add(message)
    return consumer, tp, held


def test_the_worker_consumer_does_not_commit_past_the_message_at_the_committed_offset():
    # Offset 10 is still being written while 11..40 are done: Faust alone would commit 41.
    consumer, tp, held = consumer_with(range(11, 41), committed=10, in_flight=[10])
    assert consumer._new_offset(tp) is None
    consumer._acked[tp].append(10)
    held.clear()
    assert consumer._new_offset(tp) == 41


def test_a_message_never_handed_over_keeps_the_commit_before_it_and_is_read_again():
    consumer, tp, _ = consumer_with(range(11, 41), committed=10)
    assert consumer._new_offset(tp) is None
    assert consumer._read_again_from == {tp: 10}  # sought back before the next fetch


def test_a_message_waiting_in_its_agents_buffer_is_not_taken_for_dropped():
    # After a rebalance: 16..23, taken before it, are done; 8.., read again from the commit
    # point, wait in the stream buffer. Not committed past, and not read a third time.
    consumer, tp, _ = consumer_with(range(16, 24), committed=8)
    waiting = [SimpleNamespace(message=SimpleNamespace(tp=tp, offset=offset)) for offset in range(8, 30)]
    other_partition = SimpleNamespace(message=SimpleNamespace(tp=TP(tp.topic, 1), offset=3))
    buffer = SimpleNamespace(queue=SimpleNamespace(_queue=collections.deque([other_partition, *waiting])))
    consumer.app.topics._tp_index = {tp: [buffer]}
    assert consumer._new_offset(tp) is None
    assert consumer._read_again_from == {}
    buffer.queue._queue.clear()   # gone from the buffer without reaching the agent: dropped
    assert consumer._new_offset(tp) is None
    assert consumer._read_again_from == {tp: 8}


def test_a_message_faust_skipped_is_not_taken_for_done_and_is_read_again():
    consumer, tp, held = consumer_with([], committed=10, in_flight=[10])
    consumer.app.topics.acks_enabled_for = lambda topic: True
    assert consumer.ack(held[0]) is False  # acknowledged by Faust, never released by a stage
    assert consumer._acked[tp] == [] and consumer._read_again_from == {tp: 10}
    SETTLED.add(held[1] if len(held) > 1 else held[0])
    held[0].acked = False
    assert consumer.ack(held[0]) is True


def test_a_partition_never_committed_waits_for_its_oldest_message_in_flight():
    consumer, tp, held = consumer_with([1, 2, 3], committed=None, in_flight=[0])
    assert consumer._new_offset(tp) is None
    consumer2, tp2, _ = consumer_with([0, 1, 2, 3], committed=None, in_flight=[5])
    assert consumer2._new_offset(tp2) == 4


def test_after_a_rebalance_a_partition_is_not_sent_back_to_its_first_message():
    # Never committed when this worker first had it, the partition was revoked and
    # committed by another worker meanwhile: a fetch under way when it came back, or a
    # message found dropped, reads it again from there, never from offset 0.
    consumer, tp, _ = consumer_with([], committed=None)
    consumer._start_offsets[tp] = 0
    consumer._read_again_from[tp] = 0
    consumer.forget_positions({tp})
    assert consumer._read_again_from == {}
    consumer._read_again(tp, 1630, "was fetched and not handed over")
    assert consumer._read_again_from == {tp: 1630}


def subscription_with(tp: TP, *, fetched: bool, position: int | None):
    """aiokafka's real bookkeeping for one assigned partition: fetched before or not, and where it reads next."""
    async def build():  # aiokafka makes its futures on the running loop
        subscriptions = SubscriptionState()
        subscriptions.subscribe(topics={tp.topic})
        subscriptions.assign_from_subscribed({AIOKafkaTP(tp.topic, tp.partition)})
        state = subscriptions.subscription.assignment.state_value(AIOKafkaTP(tp.topic, tp.partition))
        if fetched:
            state.highwater, state.timestamp = 50, int(time.time() * 1000)   # as aiokafka's fetcher stamps it
            state.seek(40)
        if position is None:
            state.await_reset(OffsetResetStrategy.EARLIEST)
        else:
            state.seek(position)
        return subscriptions
    # a loop of its own that leaves the thread's current one (the Faust app's) in place
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(build())
    finally:
        loop.close()


def test_the_stall_check_leaves_a_partition_being_reset_to_its_start_alone_instead_of_crashing_the_worker():
    # A partition never committed is sent back to its start when assigned; Faust's periodic
    # check for stalled partitions read aiokafka's position meanwhile, which asserts, and the worker died.
    consumer, tp, _ = consumer_with([], committed=None)
    consumer._thread.time_started = time.monotonic() - 60
    consumer._thread._consumer = SimpleNamespace(_fetcher=SimpleNamespace(
        _subscriptions=subscription_with(tp, fetched=True, position=None)))
    with pytest.raises(AssertionError):
        FaustKafkaConsumer.verify_event_path(consumer, time.monotonic(), tp)  # Faust's own check
    assert consumer.verify_event_path(time.monotonic(), tp) is None
    assert not position_known(consumer._thread, tp)
    assert not position_known(consumer._thread, TP(tp.topic, 3))  # not assigned (revoked meanwhile)
    assert not position_known(SimpleNamespace(_consumer=None), tp)  # a consumer not started yet
    consumer._thread.thread_loop.close()   # never started: its loop would be left to the interpreter's exit


def test_the_stall_check_still_reports_a_partition_its_stream_never_took_from(caplog):
    consumer, tp, _ = consumer_with([], committed=None)
    consumer.app.topics.acks_enabled_for = lambda topic: True
    consumer._thread.time_started = time.monotonic() - 600
    consumer._thread._consumer = SimpleNamespace(_fetcher=SimpleNamespace(
        _subscriptions=subscription_with(tp, fetched=True, position=40)))   # 10 messages waiting since
    assert position_known(consumer._thread, tp)
    with caplog.at_level(logging.ERROR):
        consumer.verify_event_path(time.monotonic(), tp)
    assert "Stream has not started processing" in caplog.text
    consumer._thread.thread_loop.close()   # never started: its loop would be left to the interpreter's exit


def test_first_dropped():
    assert first_dropped(head=11, committed=10, in_flight=[]) == 10
    assert first_dropped(head=11, committed=10, in_flight=[10]) is None  # still being processed
    assert first_dropped(head=10, committed=10, in_flight=[]) is None
    assert first_dropped(head=11, committed=None, in_flight=[]) is None


def test_commit_would_skip():
    assert commit_would_skip(head=11, committed=10, in_flight=[])
    assert not commit_would_skip(head=10, committed=10, in_flight=[12])
    assert commit_would_skip(head=3, committed=None, in_flight=[2, 7])


def test_records_fetched_and_not_handed_over_are_fetched_again_from_the_first_of_them():
    assert undelivered_from([5, 6, 7], 5) == 6
    assert undelivered_from([5, 6, 7], None) == 5
    assert undelivered_from([5, 6, 7], 7) is None
    assert undelivered_from([], None) is None


def test_a_fetch_waiting_in_the_consumer_thread_looks_again_once_the_stream_buffer_drains():
    # The consumer's fetches run on a loop in a thread of their own; a waiting fetch that is
    # never woken sits out its whole timeout with the records of a resumed partition in hand.
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    waiters: set[asyncio.Future] = set()
    registered = threading.Event()

    async def waiting_fetch() -> bool:
        waiter = loop.create_future()
        waiters.add(waiter)
        registered.set()
        done, _ = await asyncio.wait([waiter], timeout=20)
        return bool(done)

    try:
        fetch = asyncio.run_coroutine_threadsafe(waiting_fetch(), loop)
        assert registered.wait(10)
        consumer_thread = SimpleNamespace(_consumer=SimpleNamespace(_fetcher=SimpleNamespace(_fetch_waiters=waiters)), thread_loop=loop)
        wake_waiting_fetch(consumer_thread)
        assert fetch.result(timeout=30) is True, "the waiting fetch ran out its timeout instead of looking again"
        wake_waiting_fetch(SimpleNamespace(_consumer=None, thread_loop=loop))  # a consumer not started yet: nothing to wake
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(10)
        loop.close()


class Clocks:
    """A monotonic clock and a wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now, self.wall = 100.0, 1_700_000_000.0

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall += seconds


def search_path_first(clocks: Clocks, *, give_way_seconds: float = 30.0) -> SearchPathFirst:
    return SearchPathFirst(batch_size=16, batch_seconds=0.05, give_way_seconds=give_way_seconds, index_batch_seconds=0.1,
                           clock=lambda: clocks.now, wall_clock=lambda: clocks.wall)


def after_a_backlog(clocks: Clocks) -> SearchPathFirst:
    """A search path whose enrich stage has just finished a full batch."""
    first = search_path_first(clocks)
    first.took(16)
    first.finished()
    return first


def test_the_search_path_is_busy_while_the_enrich_stage_takes_full_batches_and_until_a_batch_window_passes_without_one():
    clocks = Clocks()
    first = search_path_first(clocks)
    assert not first.busy()   # nothing taken yet
    first.took(16)
    assert first.busy()
    clocks.advance(5.0)       # a long batch: still busy
    assert first.busy()
    first.finished()
    clocks.advance(0.3)       # the next take may still be coming
    assert first.busy()
    clocks.advance(0.3)       # a batch window and its slack passed without a take: the burst is over
    assert not first.busy()
    first.took(16)
    first.finished()
    first.took(5)             # fewer articles than a batch were waiting: caught up, but these five
    assert first.busy()       # are still on their way to the index
    clocks.advance(0.2)
    first.finished()
    clocks.advance(0.6)       # no batch since, in either stage: drained
    assert not first.busy()


def test_after_a_backlog_the_search_path_is_busy_until_the_index_stage_has_written_its_last_articles():
    clocks = Clocks()
    first = after_a_backlog(clocks)
    first.took(4)             # the backlog's last articles
    clocks.advance(0.2)
    first.finished()
    first.index_took()
    clocks.advance(0.7)       # the enrich stage has been idle for its window; the index stage still writes
    assert first.busy()
    first.index_finished()
    clocks.advance(0.3)       # the index stage may yet take what the other worker enriched
    assert first.busy()
    clocks.advance(0.4)
    assert not first.busy()


def test_a_feed_that_goes_on_after_a_backlog_holds_the_incidents_for_a_drain_only_so_long():
    clocks = Clocks()
    first = after_a_backlog(clocks)
    for _ in range(5):        # 2.5 s of a steady feed: both stages take a small batch every half second
        first.took(2)
        first.index_took()
        assert first.busy()
        clocks.advance(0.5)
        first.finished()
        first.index_finished()
    clocks.advance(SearchPathFirst.DRAIN_SECONDS - 2.5)
    first.took(2)
    first.index_took()
    assert not first.busy()   # the drain's time is up: the feed's pace is no backlog


def test_a_steady_feed_without_a_backlog_never_holds_the_incidents():
    clocks = Clocks()
    first = search_path_first(clocks)
    for _ in range(10):
        first.took(3)
        first.index_took()
        assert not first.busy()
        clocks.advance(0.1)
        first.finished()
        first.index_finished()
        assert not first.busy()


def test_a_backlog_is_full_batches_taken_by_the_enrich_stage_not_the_drain_after_them():
    # what slows the articles' refresh: only while articles wait for the NLP
    clocks = Clocks()
    first = search_path_first(clocks)
    assert not first.backlogged()
    first.took(16)
    assert first.backlogged()
    first.finished()
    clocks.advance(0.3)           # the next full batch may still be coming
    assert first.backlogged()
    first.took(5)                 # caught up: the backlog's last articles
    assert not first.backlogged()
    assert first.busy()           # though they are still on their way to the index
    first.finished()
    first.took(16)
    first.finished()
    clocks.advance(0.6)           # a burst that ended on a full batch: no take since
    assert not first.backlogged()


def run_give_way(first: SearchPathFirst, oldest: float, during, **kwargs) -> tuple[float, bool]:
    """give_way while ``during`` runs beside it; (seconds waited, whether it returned within 5 s)."""
    async def both():
        waiting = asyncio.ensure_future(first.give_way(oldest, poll_seconds=0.01, **kwargs))
        await during()
        done, _ = await asyncio.wait([waiting], timeout=5)
        if not done:
            waiting.cancel()
            return 0.0, False
        return waiting.result(), True

    return run(both())


def test_incidents_wait_while_articles_wait_for_enrichment_and_go_on_once_the_search_path_has_drained():
    clocks = Clocks()
    first = search_path_first(clocks)
    first.took(16)
    states = []

    async def enrichment():
        for _ in range(3):
            await asyncio.sleep(0.02)
            clocks.advance(1.0)
            states.append(first.busy())
        first.finished()
        first.took(3)             # caught up: the last three articles
        await asyncio.sleep(0.02)
        clocks.advance(0.2)
        first.finished()
        await asyncio.sleep(0.02)
        clocks.advance(0.6)       # and a batch window without a batch: drained

    waited, returned = run_give_way(first, clocks.wall, enrichment)
    assert states == [True, True, True] and returned
    assert waited == pytest.approx(3.8)   # the seconds the enrichment took and drained in, by the test's clock


def test_incidents_wait_no_longer_than_their_budget_so_a_load_that_never_ends_delays_them_only_so_much():
    clocks = Clocks()
    first = search_path_first(clocks, give_way_seconds=30.0)
    first.took(16)   # and never finishes

    async def time_passes():
        for _ in range(40):
            await asyncio.sleep(0.005)
            clocks.advance(1.0)

    oldest = clocks.wall - 12.0   # the batch's oldest mention was written 12 s ago
    waited, returned = run_give_way(first, oldest, time_passes)
    assert returned and 18.0 <= waited <= 22.0   # until that mention was 30 s old (to a few of the test's ticks)
    waited, returned = run_give_way(first, clocks.wall - 31.0, time_passes)
    assert returned and waited == 0.0            # already older than the budget: no wait at all


def test_by_default_the_incidents_of_a_backlog_of_a_minute_and_a_half_wait_until_it_has_drained():
    # Two workers on two cores clear about 35 articles a second: a burst of 3,000 is
    # 90 s of enrichment, through which the incidents stage must not take the CPU.
    clocks = Clocks()
    first = search_path_first(clocks, give_way_seconds=Settings().incidents_give_way_seconds)

    async def a_backlog_of_90_seconds_then_drained():
        for _ in range(180):
            first.took(16)
            clocks.advance(0.5)
            first.finished()
            await asyncio.sleep(0.001)
        first.took(5)               # the last, short batch
        clocks.advance(0.2)
        first.finished()
        await asyncio.sleep(0.02)
        clocks.advance(0.6)         # and a batch window without a batch: drained

    waited, returned = run_give_way(first, clocks.wall, a_backlog_of_90_seconds_then_drained)
    assert returned and 90.0 <= waited <= 91.0   # through the whole backlog, and no longer (by the test's clock)


def test_incidents_never_wait_with_a_budget_of_zero_or_after_a_rebalance():
    clocks = Clocks()
    first = search_path_first(clocks, give_way_seconds=0.0)
    first.took(16)
    waited, returned = run_give_way(first, clocks.wall, lambda: asyncio.sleep(0))
    assert returned and waited == 0.0

    first = search_path_first(clocks)
    first.took(16)
    rebalanced = []

    async def rebalance():
        await asyncio.sleep(0.05)
        rebalanced.append(True)

    waited, returned = run_give_way(first, clocks.wall, rebalance, interrupted=lambda: bool(rebalanced))
    assert returned and first.busy()   # it stopped waiting though the enrich stage is still busy


def test_the_oldest_timestamp_of_a_batch_is_its_earliest_mention_and_a_batch_without_any_does_not_wait():
    def event(timestamp):
        return SimpleNamespace(message=SimpleNamespace(timestamp=timestamp))

    assert oldest_timestamp([event(1700000005.5), event(1700000001.25), event(1700000003.0)]) == 1700000001.25
    assert oldest_timestamp([event(None)]) == 0.0


def test_what_a_worker_built_to_start_is_left_out_of_later_collections_once_its_garbage_is_freed():
    class Node:
        pass

    kept, dropped = Node(), Node()
    kept.itself, dropped.itself = kept, dropped   # cycles: only a collection frees them
    dropped_ref = weakref.ref(dropped)
    del dropped
    try:
        frozen = freeze_start_up_objects()
        assert dropped_ref() is None, "start-up garbage is freed, not kept for the worker's life"
        assert frozen > 0 and not any(tracked is kept for tracked in gc.get_objects()), \
            "what start-up built is no longer gone through by each collection"
    finally:
        gc.unfreeze()


# ---------------------------------------------------------------- the stall watch


def test_a_partition_with_nothing_waiting_needs_nothing_however_long_it_sits():
    assert stall_remedy(PartitionLook(commit_point=40, end=40)) is None
    assert stall_remedy(PartitionLook(commit_point=None, end=40)) is None   # never read yet
    assert stall_remedy(PartitionLook(commit_point=40, end=None)) is None   # never fetched yet


def test_waiting_messages_no_agent_holds_are_read_again_and_those_an_agent_holds_are_only_reported():
    assert stall_remedy(PartitionLook(commit_point=8, end=38)) == READ_AGAIN
    assert stall_remedy(PartitionLook(commit_point=8, end=38, held=16)) == REPORT
    assert stall_remedy(PartitionLook(commit_point=8, end=38, buffered=3)) == REPORT


def test_a_partition_is_stalled_once_its_waiting_messages_have_gone_the_stall_time_without_a_commit():
    now = [0.0]
    watch = StallWatch(60, clock=lambda: now[0])
    stuck = PartitionLook(commit_point=8, end=38)
    assert watch.stalled({"p0": stuck}) == {}
    now[0] = 59.0
    assert watch.stalled({"p0": stuck}) == {}
    now[0] = 61.0
    assert watch.stalled({"p0": stuck}) == {"p0": (stuck, READ_AGAIN, 61.0)}
    now[0] = 62.0
    assert watch.stalled({"p0": stuck}) == {}, "reported once per stall time, not at every look"
    now[0] = 122.0
    assert watch.stalled({"p0": stuck}) == {"p0": (stuck, READ_AGAIN, 61.0)}


def test_a_partition_whose_commit_point_moves_is_never_stalled_however_long_its_backlog():
    now = [0.0]
    watch = StallWatch(60, clock=lambda: now[0])
    for step in range(10):
        now[0] = 50.0 * step
        assert watch.stalled({"p0": PartitionLook(commit_point=100 * step, end=10_000, held=16)}) == {}


def test_a_partition_that_caught_up_starts_its_stall_time_afresh_when_messages_come():
    now = [0.0]
    watch = StallWatch(60, clock=lambda: now[0])
    watch.stalled({"p0": PartitionLook(commit_point=40, end=40)})
    now[0] = 100.0
    assert watch.stalled({"p0": PartitionLook(commit_point=40, end=45)}) == {}, "the messages only just came"
    now[0] = 161.0
    assert watch.stalled({"p0": PartitionLook(commit_point=40, end=45, held=5)})["p0"][1:] == (REPORT, 61.0)


def test_a_partition_revoked_and_assigned_again_starts_its_stall_time_afresh():
    now = [0.0]
    watch = StallWatch(60, clock=lambda: now[0])
    stuck = PartitionLook(commit_point=8, end=38)
    watch.stalled({"p0": stuck, "p1": stuck})
    now[0] = 50.0
    watch.stalled({"p1": stuck})   # p0 revoked
    now[0] = 70.0
    assert set(watch.stalled({"p0": stuck, "p1": stuck})) == {"p1"}


def test_messages_the_incidents_stage_holds_while_it_gives_way_are_not_a_stall_until_that_wait_ends():
    now = [0.0]
    watch = StallWatch(60, clock=lambda: now[0])
    giving_way = PartitionLook(commit_point=8, end=3_000, held=200, buffered=64, resting=True)
    for second in range(0, 121, 15):   # a burst of two minutes, the budget of the wait
        now[0] = float(second)
        assert watch.stalled({"mentions0": giving_way}) == {}
    held = PartitionLook(commit_point=8, end=3_000, held=200, buffered=64)
    now[0] = 170.0
    assert watch.stalled({"mentions0": held}) == {}, "50 s after the wait ended"
    now[0] = 181.0
    assert watch.stalled({"mentions0": held})["mentions0"][1:] == (REPORT, 61.0)


def test_a_topic_rests_while_any_of_its_agents_holds_it_on_purpose():
    app = CoopwatchApp("coopwatch-test-resting")
    with app.resting("news.mentions"):
        with app.resting("news.mentions"):
            assert "news.mentions" in app.resting_topics
        assert "news.mentions" in app.resting_topics
    assert "news.mentions" not in app.resting_topics
    with pytest.raises(RuntimeError), app.resting("news.mentions"):
        raise RuntimeError("the wait was cancelled")
    assert "news.mentions" not in app.resting_topics


def test_where_agents_wait_names_each_agent_at_its_innermost_await_and_the_other_threads():
    async def scenario() -> str:
        blocker = asyncio.Event()

        async def waits_for_the_sink() -> None:
            await blocker.wait()

        agent_coroutine = waits_for_the_sink()
        task = asyncio.ensure_future(agent_coroutine)
        await asyncio.sleep(0)
        app = SimpleNamespace(agents={"streams.app.index": SimpleNamespace(
            name="streams.app.index", _actors=[SimpleNamespace(actor_task=task, it=agent_coroutine)])})
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait, name="nlp_0")
        thread.start()
        try:
            return where_agents_wait(app)
        finally:
            stop.set()
            thread.join()
            task.cancel()

    places = asyncio.run(scenario())
    # down the chain of awaits to the innermost (no frame of ours here: this test is not in streams/)
    assert "index at wait (locks.py:" in places
    assert "thread nlp_0 at wait (threading.py:" in places


def test_a_stack_is_told_by_its_innermost_frame_of_our_code_and_its_innermost_frame():
    def frame(name, path, line):
        return SimpleNamespace(f_code=SimpleNamespace(co_name=name, co_filename=path), f_lineno=line)

    run = frame("run", "/x/streams/app.py", 700)
    write = frame("write", "/x/streams/index.py", 120)
    sleep = frame("sleep", "/usr/lib/python3.11/asyncio/tasks.py", 639)
    assert stack_place([run, write, sleep]) == "write (index.py:120) > sleep (tasks.py:639)"
    assert stack_place([run, write]) == "write (index.py:120)"
    assert stack_place([sleep]) == "sleep (tasks.py:639)"
