"""Alerts: raised once Elasticsearch has acknowledged a batch, recorded once, published to news.alerts.

An article alerts a watch at most once, however often it is redelivered,
replayed or re-indexed. The guard is the ``watch-alerts`` index: each alert is
first *claimed* there under its deterministic id with ``op_type=create``,
which Elasticsearch refuses atomically when the id exists, and only the
claims that succeed are published. Elasticsearch rather than a compacted
topic because the claim must be a check-and-set shared by every index
worker (a topic can only be read and appended to), and because the same
record then carries the webhook delivery state that `coopwatch alerts
--status` reports.

A claim is marked ``sent`` once the broker acknowledged the alert. A claim
left unsent (the worker stopped between the two) is published by the next
attempt, so an alert is never lost; the only repeat possible is a crash in
the instant between the broker's acknowledgement and that mark, and it then
carries the same alert id.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Sequence

from kafka import TopicPartition
from pydantic import BaseModel
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from schemas.alerts import Alert
from streams.clients import async_elasticsearch_client, kafka_consumer, kafka_producer, records_to_end
from streams.settings import Settings
from streams.watches import Matcher, WatchBook

log = logging.getLogger(__name__)

TEMPLATE_NAME = "watch-alerts"
# The one version of the alerts index: a ledger of what was sent, never rebuilt (see ensure_alerts_index).
ALERTS_INDEX_VERSION = 1


def webhook_group(settings: Settings) -> str:
    """The consumer group of webhook delivery: its own, so a slow webhook never holds the index stage."""
    return f"{settings.app_id}-webhooks"


def ensure_alerts_index(client, settings: Settings) -> None:
    """The alerts template, and the index behind the alias if there is none (idempotent).

    The records do not follow ``index_version``: they are a ledger, not a
    projection of the articles, and a new empty version would forget which
    alerts were sent.
    """
    from elasticsearch import BadRequestError

    from streams.index import alias_targets, index_name, load_template

    template = load_template(TEMPLATE_NAME)
    template["index_patterns"] = [f"{settings.alerts_alias}-v*"]
    client.indices.put_index_template(name=settings.alerts_alias, **template)
    if alias_targets(client, settings.alerts_alias):
        # The records outlive template versions: fields added since the index was made are added to it.
        client.indices.put_mapping(index=settings.alerts_alias, properties=template["template"]["mappings"]["properties"])
        return
    try:
        client.indices.create(index=index_name(settings.alerts_alias, ALERTS_INDEX_VERSION), aliases={settings.alerts_alias: {"is_write_index": True}})
    except BadRequestError as error:
        if error.error != "resource_already_exists_exception":  # another worker created it first
            raise


# --- the record: pure builders ----------------------------------------------------------------


def alert_document(alert: Alert) -> dict[str, Any]:
    return {"@timestamp": alert.matched_at.isoformat(), **alert.model_dump(mode="json"), "state": "claimed"}


def alert_from_document(document: dict[str, Any]) -> Alert:
    return Alert.model_validate({name: document[name] for name in Alert.model_fields if name in document})


def claim_operations(alerts: Sequence[Alert], index: str) -> list[dict[str, Any]]:
    """Bulk ``create`` of each alert under its id: Elasticsearch refuses (409) the ids already claimed."""
    operations: list[dict[str, Any]] = []
    for alert in alerts:
        operations += [{"create": {"_index": index, "_id": alert.alert_id}}, alert_document(alert)]
    return operations


def sent_operations(alerts: Sequence[Alert], index: str, *, sent_at: datetime) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for alert in alerts:
        operations += [{"update": {"_index": index, "_id": alert.alert_id}}, {"doc": {"state": "sent", "sent_at": sent_at.isoformat()}}]
    return operations


@dataclass
class ClaimOutcome:
    created: list[str] = field(default_factory=list)
    already_claimed: list[str] = field(default_factory=list)
    failed: list[tuple[str, int, str]] = field(default_factory=list)  # (alert id, status, reason)


def claim_outcome(response: dict[str, Any]) -> ClaimOutcome:
    outcome = ClaimOutcome()
    for item in response["items"]:
        result = next(iter(item.values()))
        status = int(result.get("status", 0))
        if status in (200, 201):
            outcome.created.append(result["_id"])
        elif status == 409:
            outcome.already_claimed.append(result["_id"])
        else:
            error = result.get("error", {})
            outcome.failed.append((result["_id"], status, error.get("reason", str(error)) if isinstance(error, dict) else str(error)))
    return outcome


class AlertRecordError(RuntimeError):
    """Elasticsearch did not take an alert's record: the batch's alerts are tried again."""


# --- publishing -------------------------------------------------------------------------------


class KafkaAlertPublisher:
    """Sends alerts to news.alerts, keyed by watch so one watch's alerts stay in order; returns once all are acknowledged."""

    def __init__(self, settings: Settings) -> None:
        self.topic = settings.topic_alerts
        self._producer = kafka_producer(settings, client_id=f"{settings.app_id}-alerts", linger_ms=2)

    def publish(self, alerts: Sequence[Alert]) -> None:
        futures = [
            self._producer.send(self.topic, key=alert.watch.encode("utf-8"), value=alert.model_dump_json().encode("utf-8"))
            for alert in alerts
        ]
        self._producer.flush(timeout=30)
        for future in futures:
            future.get(timeout=30)  # raises if the broker refused it: the claim stays unsent and is retried

    def close(self) -> None:
        self._producer.close(timeout=5)


class AlertRaiser:
    """What the index stage calls once Elasticsearch acknowledged a batch: every watch checked, each new match published once.

    ``after_indexed`` retries until the alerts are published: a fault here is
    waited out like any other transient fault, and never touches the
    articles, which are written already.
    """

    def __init__(self, settings: Settings, *, retry_seconds: float = 1.0, max_retry_seconds: float = 30.0) -> None:
        self.settings = settings
        self.client = async_elasticsearch_client(settings)
        self.matcher = Matcher(self.client, settings.articles_alias)
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        # kafka-python clients are blocking: one thread of their own keeps them off the event loop.
        self._kafka_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alerts-kafka")
        self._book: WatchBook | None = None
        self._publisher: KafkaAlertPublisher | None = None

    async def _in_kafka_thread(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._kafka_thread, function, *args)

    async def after_indexed(self, article_ids: Sequence[str]) -> list[Alert]:
        """The alerts newly published for these articles; waits out every fault until that is done."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(Exception),  # the articles are safe; only their alerts wait
            wait=wait_exponential_jitter(initial=self.retry_seconds, max=self.max_retry_seconds),
            before_sleep=lambda state: log.warning(
                "alerts of %d indexed articles not raised yet (%r); try %d failed, retrying",
                len(article_ids), state.outcome.exception(), state.attempt_number),
        )
        async for attempt in retrying:
            with attempt:
                return await self.raise_alerts(article_ids)
        raise AssertionError("unreachable: retried until it succeeds")

    async def after_articles_written(self, articles: Sequence[Any]) -> None:
        """The index sink's after-write hook: the articles Elasticsearch acknowledged."""
        await self.after_indexed([article.article_id for article in articles])

    async def raise_alerts(self, article_ids: Sequence[str]) -> list[Alert]:
        if not article_ids:
            return []
        if self._book is None:
            await asyncio.get_running_loop().run_in_executor(None, self._ensure_index)
            self._book = await self._in_kafka_thread(WatchBook, self.settings)
        watches = await self._in_kafka_thread(self._book.refresh)
        if not watches:
            return []
        # Acknowledged documents are searchable only after a refresh; waiting for
        # the periodic one would delay every alert by up to its interval.
        await self.client.indices.refresh(index=self.settings.articles_alias)
        result = await self.matcher.match(list(watches.values()), article_ids)
        unsent = await self.claim(result.alerts)
        if unsent:
            if self._publisher is None:
                self._publisher = await self._in_kafka_thread(KafkaAlertPublisher, self.settings)
            await self._in_kafka_thread(self._publisher.publish, unsent)
            await self._mark_sent(unsent)
            log.info("%d alert%s sent to %s", len(unsent), "s" if len(unsent) != 1 else "", self.settings.topic_alerts)
        return unsent

    def _ensure_index(self) -> None:
        from streams.clients import elasticsearch_client

        client = elasticsearch_client(self.settings)
        try:
            ensure_alerts_index(client, self.settings)
        finally:
            client.close()

    async def claim(self, alerts: Sequence[Alert]) -> list[Alert]:
        """The alerts to publish: those claimed now, and earlier claims whose publication was interrupted."""
        if not alerts:
            return []
        index = self.settings.alerts_alias
        outcome = claim_outcome(await self.client.bulk(operations=claim_operations(alerts, index)))
        if outcome.failed:
            alert_id, status, reason = outcome.failed[0]
            raise AlertRecordError(f"{len(outcome.failed)} alert record(s) not written, e.g. {alert_id} ({status}): {reason}")
        created = set(outcome.created)
        unsent = [alert for alert in alerts if alert.alert_id in created]
        if outcome.already_claimed:
            response = await self.client.mget(index=index, ids=outcome.already_claimed)
            unsent += [alert_from_document(doc["_source"]) for doc in response["docs"]
                       if doc.get("found") and doc["_source"].get("state") == "claimed"]
        return unsent

    async def _mark_sent(self, alerts: Sequence[Alert]) -> None:
        # Never raises: the alerts are on the topic, and retrying the batch would
        # send them again. A record left "claimed" only means that a redelivery
        # of these articles would send them once more.
        try:
            response = await self.client.bulk(operations=sent_operations(alerts, self.settings.alerts_alias, sent_at=datetime.now(timezone.utc)))
        except Exception as error:  # noqa: BLE001
            log.warning("%d alerts sent, but their records not marked sent: %s", len(alerts), error)
            return
        if response.get("errors"):
            log.warning("alerts sent, but %d record(s) not marked sent", sum(1 for i in response["items"] if next(iter(i.values())).get("error")))

    async def close(self) -> None:
        # The HTTP client first: a stopping worker may cancel this coroutine at its next await.
        try:
            await self.client.close()
        finally:
            if self._book is not None:
                self._book.close()
            if self._publisher is not None:
                self._publisher.close()
            self._kafka_thread.shutdown(wait=False)


# --- reading news.alerts ----------------------------------------------------------------------


def read_alerts(settings: Settings, *, watch: str | None = None, follow: bool = False, poll_seconds: float = 1.0) -> Iterator[Alert]:
    """The alerts on the topic, oldest first; with ``follow``, then each new one as it comes (until interrupted).

    Reads without a consumer group, so looking moves no one's offsets. An
    alert repeated on the topic (see the module's note) is shown once.
    """
    consumer = kafka_consumer(settings, enable_auto_commit=False, group_id=None)
    seen: set[str] = set()

    def wanted(alerts: list[Alert]) -> Iterator[Alert]:
        for alert in sorted(alerts, key=lambda a: a.matched_at):
            if (watch is None or alert.watch == watch) and alert.alert_id not in seen:
                seen.add(alert.alert_id)
                yield alert

    try:
        partitions = [TopicPartition(settings.topic_alerts, p) for p in sorted(consumer.partitions_for_topic(settings.topic_alerts) or [])]
        if not partitions:
            return
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        yield from wanted([alert for alert in map(parse_alert_record, records_to_end(consumer, partitions)) if alert])
        while follow:
            fresh = [alert for records in consumer.poll(timeout_ms=int(poll_seconds * 1000)).values()
                     for alert in map(parse_alert_record, records) if alert]
            yield from wanted(fresh)
    finally:
        consumer.close()


def parse_alert_record(record) -> Alert | None:
    try:
        return Alert.model_validate_json(record.value)
    except ValueError as error:
        log.warning("record %s/%s@%s of the alerts topic is not an alert: %s", record.topic, record.partition, record.offset, error)
        return None


def format_alert(alert: Alert) -> str:
    lines = [
        f"[{alert.watch}] {alert.title or '(no title)'}",
        f"   {alert.published_at:%Y-%m-%d %H:%M UTC} | {alert.source or 'unknown source'} | {alert.url or alert.article_id}",
    ]
    lines += [f"   … {fragment} …" for fragment in alert.highlights]
    waited = f", {(alert.matched_at - alert.received_at).total_seconds():.1f} s after the article arrived" if alert.received_at else ""
    lines.append(f"   alerted {alert.matched_at:%Y-%m-%d %H:%M:%S UTC}{waited}  (alert {alert.alert_id})")
    return "\n".join(lines)


# --- status -----------------------------------------------------------------------------------


class WatchStatus(BaseModel):
    watch: str
    webhook: str | None = None
    alerts: int = 0
    last_alert_at: datetime | None = None
    delivered: int = 0
    waiting: int = 0  # taken by webhook delivery, not delivered yet
    last_error: str | None = None  # of the alert being retried, if one is
    last_error_attempts: int = 0
    last_error_at: datetime | None = None


class AlertStatus(BaseModel):
    watches: list[WatchStatus]
    behind: int | None = None  # alerts of the topic webhook delivery has not committed past; None if unknown
    group: str = ""


def status_search(size: int = 1000) -> dict[str, Any]:
    """Per watch: alerts, the newest, webhook deliveries done and failing, and the last failure."""
    return {
        "size": 0,
        "aggs": {
            "watches": {
                "terms": {"field": "watch", "size": size},
                "aggs": {
                    "last_alert": {"max": {"field": "@timestamp"}},
                    "delivered": {"filter": {"term": {"delivery.state": "delivered"}}},
                    "waiting": {"filter": {"terms": {"delivery.state": ["queued", "retrying"]}}},
                    "failing": {
                        "filter": {"term": {"delivery.state": "retrying"}},
                        "aggs": {"last": {"top_hits": {"size": 1, "sort": [{"delivery.last_attempt_at": "desc"}], "_source": ["delivery"]}}},
                    },
                },
            }
        },
    }


def watch_statuses(watches: dict[str, Any], response: dict[str, Any]) -> list[WatchStatus]:
    """Every watch (and every watch that raised alerts and was removed since), with its figures."""
    statuses = {name: WatchStatus(watch=name, webhook=str(w.webhook) if w.webhook else None) for name, w in watches.items()}
    for bucket in response["aggregations"]["watches"]["buckets"]:
        status = statuses.setdefault(bucket["key"], WatchStatus(watch=bucket["key"]))
        status.alerts = bucket["doc_count"]
        if bucket["last_alert"].get("value_as_string"):
            status.last_alert_at = datetime.fromisoformat(bucket["last_alert"]["value_as_string"].replace("Z", "+00:00"))
        status.delivered = bucket["delivered"]["doc_count"]
        status.waiting = bucket["waiting"]["doc_count"]
        last = bucket["failing"]["last"]["hits"]["hits"]
        if last:
            delivery = last[0]["_source"]["delivery"]
            status.last_error = delivery.get("last_error")
            status.last_error_attempts = delivery.get("attempts", 0)
            if delivery.get("last_attempt_at"):
                status.last_error_at = datetime.fromisoformat(delivery["last_attempt_at"])
    return sorted(statuses.values(), key=lambda s: s.watch)


def delivery_lag(settings: Settings) -> int | None:
    """Alerts of the topic that webhook delivery has not committed past (None before the topic exists)."""
    from streams.stats import committed_offsets, consumer_lag, topic_offsets

    offsets = topic_offsets(settings, [settings.topic_alerts])[settings.topic_alerts]
    if not offsets:
        return None
    committed = committed_offsets(settings, webhook_group(settings))
    return consumer_lag(offsets, {p: o for (t, p), o in committed.items() if t == settings.topic_alerts})


def alert_status(settings: Settings) -> AlertStatus:
    from streams.clients import elasticsearch_client
    from streams.watches import read_watches

    client = elasticsearch_client(settings)
    try:
        response = client.options(ignore_status=404).search(index=settings.alerts_alias, **status_search()).body
    finally:
        client.close()
    if "aggregations" not in response:  # no alert index yet: no alert yet
        response = {"aggregations": {"watches": {"buckets": []}}}
    return AlertStatus(watches=watch_statuses(read_watches(settings), response), behind=delivery_lag(settings), group=webhook_group(settings))


def format_alert_status(status: AlertStatus) -> list[str]:
    """One line per watch, then one for webhook delivery: what `coopwatch alerts --status` and `coopwatch stats` print."""
    if not status.watches:
        return ["no watch and no alert yet"]
    lines = []
    for s in status.watches:
        line = f"watch {s.watch}: {s.alerts} alert{'s' if s.alerts != 1 else ''}"
        if s.last_alert_at:
            line += f", last {s.last_alert_at:%Y-%m-%d %H:%M UTC}"
        if s.webhook:
            line += f"; webhook {s.webhook}: {s.delivered} delivered, {s.waiting} waiting"
            if s.last_error:
                line += f", FAILING: {s.last_error} ({s.last_error_attempts} tries"
                line += f", last at {s.last_error_at:%H:%M:%S UTC})" if s.last_error_at else ")"
        lines.append(line)
    if status.behind is not None and any(s.webhook for s in status.watches):
        if status.behind == 0:
            lines.append(f"webhook delivery (consumer group {status.group}): up to date")
        else:
            lines.append(f"webhook delivery (consumer group {status.group}): {status.behind} alert{'s' if status.behind != 1 else ''} "
                         "not yet past: held by a failing webhook, or `coopwatch deliver` is not running")
    return lines


def alert_status_lines(settings: Settings) -> list[str]:
    """For `coopwatch stats`: the watch lists' alerts and webhook health, one line each."""
    return format_alert_status(alert_status(settings))
