"""Webhook delivery: each alert of a watch with a webhook is POSTed to it as JSON, with retries and exponential backoff.

It is a consumer group of its own on news.alerts (`coopwatch deliver`), not
part of the index stage: a webhook that fails only delays its own alerts,
which wait on the topic. Each watch has its own lane, delivered in order and
retried with exponential backoff for as long as it takes (the watch's current
webhook is read again at each try, so fixing the URL with `watch add`
delivers the waiting alerts). Other watches' lanes go on meanwhile. The
group's offset advances only past alerts that are delivered or need no
delivery, so a restart resumes at the oldest one still waiting; alerts the
record shows as delivered already are not sent again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential
from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata

from schemas.alerts import Alert, Watch
from streams.alerts import parse_alert_record, webhook_group
from streams.clients import async_elasticsearch_client, kafka_consumer
from streams.settings import Settings
from streams.watches import WatchBook

log = logging.getLogger(__name__)

MAX_WAITING = 10_000  # alerts held in lanes before reading of the topic pauses


class WebhookFailed(Exception):
    """The webhook did not take the alert this time; it is tried again after a longer wait."""


def webhook_request(alert: Alert) -> dict[str, Any]:
    """What a webhook receives: the alert as JSON; its id in a header too, for receivers that deduplicate."""
    return {"json": alert.model_dump(mode="json"), "headers": {"X-Coopwatch-Alert-Id": alert.alert_id, "User-Agent": "coopwatch"}}


@dataclass
class OffsetBook:
    """Which offsets of each partition may be committed: up to, not including, the oldest alert not finished."""

    pending: dict[TopicPartition, set[int]] = field(default_factory=dict)
    next_offset: dict[TopicPartition, int] = field(default_factory=dict)
    committed: dict[TopicPartition, int] = field(default_factory=dict)

    def taken(self, tp: TopicPartition, offset: int) -> None:
        self.pending.setdefault(tp, set()).add(offset)
        self.next_offset[tp] = max(self.next_offset.get(tp, 0), offset + 1)

    def finished(self, tp: TopicPartition, offset: int) -> None:
        self.pending.get(tp, set()).discard(offset)

    @property
    def waiting(self) -> int:
        return sum(len(offsets) for offsets in self.pending.values())

    def to_commit(self) -> dict[TopicPartition, int]:
        """Positions that moved since the last commit."""
        positions = {}
        for tp, end in self.next_offset.items():
            position = min(self.pending[tp]) if self.pending.get(tp) else end
            if position != self.committed.get(tp):
                positions[tp] = position
        return positions

    def forget(self, partitions: set[TopicPartition]) -> None:
        for tp in partitions:
            self.pending.pop(tp, None)
            self.next_offset.pop(tp, None)
            self.committed.pop(tp, None)


class Deliverer:
    def __init__(self, settings: Settings, *, poll_seconds: float = 0.5, first_backoff_seconds: float = 0.5) -> None:
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.first_backoff = first_backoff_seconds
        self.watches: dict[str, Watch] = {}
        self.offsets = OffsetBook()
        self.lanes: dict[str, asyncio.Queue] = {}
        self.lane_tasks: list[asyncio.Task] = []
        self._kafka = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhooks-kafka")
        self.es = async_elasticsearch_client(settings)
        self.http = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds)

    async def _kafka_call(self, function, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(self._kafka, lambda: function(*args, **kwargs))

    async def run(self, stop: asyncio.Event) -> None:
        self.consumer = await self._kafka_call(
            kafka_consumer, self.settings, self.settings.topic_alerts, group_id=webhook_group(self.settings),
            enable_auto_commit=False, auto_offset_reset="earliest",
        )
        self.book = await self._kafka_call(WatchBook, self.settings)
        log.info("delivering alerts of %s to webhooks (consumer group %s)", self.settings.topic_alerts, webhook_group(self.settings))
        try:
            while not stop.is_set():
                try:
                    await self._step()
                except Exception as error:  # noqa: BLE001 - Kafka away: the alerts wait on the topic meanwhile
                    log.warning("webhook delivery paused (%s: %s); trying again", type(error).__name__, error)
                    await asyncio.sleep(2)
        finally:
            for task in self.lane_tasks:
                task.cancel()
            await asyncio.gather(*self.lane_tasks, return_exceptions=True)
            await self._commit()
            await self._kafka_call(self.consumer.close)
            await self._kafka_call(self.book.close)
            self._kafka.shutdown(wait=False)
            await self.http.aclose()
            await self.es.close()

    async def _step(self) -> None:
        self.watches = await self._kafka_call(self.book.refresh)
        batches = await self._kafka_call(self.consumer.poll, timeout_ms=int(self.poll_seconds * 1000), max_records=500)
        for tp, records in batches.items():
            for record in records:
                self.offsets.taken(tp, record.offset)
                await self._dispatch(tp, record)
        await self._flow_control()
        await self._commit()

    async def _dispatch(self, tp: TopicPartition, record) -> None:
        alert = parse_alert_record(record)
        if alert is not None and alert.watch not in self.watches:
            # The worker raised it from a watch it had read: one this book has not read
            # yet was added a moment ago, not removed. Read the watches to their end again.
            self.watches = await self._kafka_call(self.book.refresh)
        watch = self.watches.get(alert.watch) if alert else None
        if alert is None or watch is None or watch.webhook is None or await self._already_delivered(alert):
            self.offsets.finished(tp, record.offset)
            return
        if alert.watch not in self.lanes:
            self.lanes[alert.watch] = asyncio.Queue()
            self.lane_tasks.append(asyncio.create_task(self._lane(self.lanes[alert.watch]), name=f"webhook {alert.watch}"))
        await self._record(alert, {"state": "queued", "webhook": str(watch.webhook)})
        self.lanes[alert.watch].put_nowait((tp, record.offset, alert))

    async def _lane(self, queue: asyncio.Queue) -> None:
        while True:
            tp, offset, alert = await queue.get()
            await self.deliver(alert)
            self.offsets.finished(tp, offset)

    async def deliver(self, alert: Alert) -> None:
        """POST until the webhook answers 2xx (or the watch no longer has one): never gives up on its own."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(WebhookFailed),
            wait=wait_exponential(multiplier=self.first_backoff, max=self.settings.webhook_max_backoff_seconds),
        )
        async for attempt in retrying:
            with attempt:
                await self._try_once(alert, attempt.retry_state.attempt_number)

    async def _try_once(self, alert: Alert, attempt: int) -> None:
        # The watch's current webhook, read at each try: a corrected URL takes effect for the waiting alerts.
        watch = self.watches.get(alert.watch)
        if watch is None or watch.webhook is None:
            await self._record(alert, {"state": "dropped", "last_error": "watch removed or its webhook unset before delivery"})
            return
        url = str(watch.webhook)
        now = datetime.now(timezone.utc).isoformat()
        try:
            response = await self.http.post(url, **webhook_request(alert))
            error = None if response.is_success else f"HTTP {response.status_code}"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
        if error is None:
            await self._record(alert, {"state": "delivered", "webhook": url, "attempts": attempt, "delivered_at": now, "last_attempt_at": now})
            log.info("alert %s of %r delivered to %s (try %d)", alert.alert_id, alert.watch, url, attempt)
            return
        log.warning("webhook %s of %r failed (%s), try %d; retrying with backoff", url, alert.watch, error, attempt)
        await self._record(alert, {"state": "retrying", "webhook": url, "attempts": attempt, "last_error": error, "last_attempt_at": now})
        raise WebhookFailed(error)

    async def _already_delivered(self, alert: Alert) -> bool:
        try:
            response = await self.es.options(ignore_status=404).get(index=self.settings.alerts_alias, id=alert.alert_id, source=["delivery.state"])
        except Exception as error:  # noqa: BLE001 - without the record, deliver: a repeat beats a loss
            log.warning("could not read the record of alert %s (%s); delivering it", alert.alert_id, error)
            return False
        return bool(response.get("found")) and response["_source"].get("delivery", {}).get("state") == "delivered"

    async def _record(self, alert: Alert, delivery: dict[str, Any]) -> None:
        """The delivery state on the alert's record, for `coopwatch alerts --status`; best effort, delivery goes on without it."""
        try:
            await self.es.options(ignore_status=404).update(index=self.settings.alerts_alias, id=alert.alert_id, doc={"delivery": delivery})
        except Exception as error:  # noqa: BLE001
            log.warning("could not record the delivery state of alert %s: %s", alert.alert_id, error)

    async def _flow_control(self) -> None:
        if self.offsets.waiting > MAX_WAITING:
            await self._kafka_call(lambda: self.consumer.pause(*self.consumer.assignment()))
        else:
            await self._kafka_call(lambda: self.consumer.resume(*self.consumer.paused()))

    async def _commit(self) -> None:
        assigned = await self._kafka_call(self.consumer.assignment)
        self.offsets.forget(set(self.offsets.next_offset) - assigned)
        positions = {tp: offset for tp, offset in self.offsets.to_commit().items() if tp in assigned}
        if not positions:
            return
        try:
            await self._kafka_call(self.consumer.commit, {tp: OffsetAndMetadata(offset, "", -1) for tp, offset in positions.items()})
            self.offsets.committed.update(positions)
        except Exception as error:  # noqa: BLE001 - a rebalance: the next owner resumes from the last commit
            log.warning("could not commit webhook delivery offsets: %s", error)


def run_deliverer(settings: Settings) -> None:
    """`coopwatch deliver`: until SIGINT or SIGTERM."""
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await Deliverer(settings).run(stop)

    asyncio.run(main())
