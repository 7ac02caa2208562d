"""The Faust app: thin agents around the stage functions, bound to a dead-letter topic.

Faust marks a message done when its agent moves past it, raises or is
cancelled, so each agent *holds* every message it takes (a reference that
keeps its offset from being committed) and releases it only once its outcome
is safe: forwarded and confirmed by the broker, written and acknowledged by
Elasticsearch, or dead-lettered and confirmed. A message whose outcome is not
settled -- the worker was killed, a send keeps failing, Elasticsearch refuses
every write -- is never committed, so it is processed again.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import os
import sys
import threading
import time
import traceback
import weakref
from collections import Counter, deque
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence

import faust
from aiokafka.errors import MessageSizeTooLargeError
from faust.streams import _current_event
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.drivers.aiokafka import Consumer as FaustKafkaConsumer
from faust.transport.drivers.aiokafka import ensure_aiokafka_TP
from faust.types import TP
from faust.types import EventT
from mode import Service
from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

from schemas.articles import DeadLetter, EnrichedArticle, MentionsMessage, NormalisedArticle, Stage
from streams.alerts import AlertRaiser
from streams.clients import faust_broker_options
from streams.incidents import (
    TABLE_NAME, Changes, IncidentStore, changes_for, held_incidents, incident_actions, mentions_messages, place_mentions, reach,
)
from streams.index import AfterWrite, IndexingHalted, IndexSink, RefreshPace
from streams.normalise import NormaliseError, load_parsers, normalise_payload, receive_time
from streams.settings import Settings
from streams.topics import deadletter_max_bytes

log = logging.getLogger(__name__)

STAGES: tuple[Stage, ...] = ("normalise", "enrich", "index", "incidents")
EXIT_HALTED = 4  # the worker's exit status when a stage stopped for a cause only an operator can fix


class SearchPathFirst:
    """Lets the incidents stage give way to the search path (enrich and index) of the same worker.

    An analyst waits for an article to become searchable; the incidents built from
    its mentions are a view beside it that can come a little later. In a burst the
    two compete for the worker's CPU, and the incidents stage's writes for the
    broker's and Elasticsearch's. So while the enrich stage takes full batches
    (more articles wait behind them), the incidents stage holds the batch it took
    until the search path has drained: the enrich stage caught up (a batch short of
    full) and neither it nor the index stage has had a batch for a batch window,
    or ``DRAIN_SECONDS`` after the last full batch if a feed goes on meanwhile.
    And never beyond the batch's oldest mention being ``give_way_seconds`` old:
    under a load that never ends, incidents lag by about that much, never without bound.
    """

    # A backlog's last articles take a short enrich batch, an index window and a refresh to
    # become searchable (about a second on two cores); a feed that goes on after a backlog keeps
    # both stages taking batches, so the incidents wait for a drain at most this long.
    DRAIN_SECONDS = 3.0

    def __init__(self, *, batch_size: int, batch_seconds: float, give_way_seconds: float, index_batch_seconds: float,
                 clock: Callable[[], float] = time.monotonic, wall_clock: Callable[[], float] = time.time) -> None:
        self.batch_size = batch_size
        self.give_way_seconds = give_way_seconds
        # Faust's take yields nothing while no article arrives, so a burst that ended on a
        # full batch shows as no take at all: one batch window and some slack after it.
        self.idle_after_seconds = batch_seconds + 0.5
        self.index_idle_after_seconds = index_batch_seconds + 0.5
        self._clock, self._wall_clock = clock, wall_clock
        self._full = False
        self._enriching = False
        self._finished_at = 0.0
        self._last_full_at = -math.inf
        self._indexing = False
        self._indexed_at = -math.inf

    def took(self, count: int) -> None:
        """The enrich stage took a batch of ``count`` articles."""
        self._full = count >= self.batch_size
        self._enriching = True

    def finished(self) -> None:
        """The enrich stage is done with its batch."""
        self._enriching = False
        self._finished_at = self._clock()
        if self._full:
            self._last_full_at = self._finished_at

    def index_took(self) -> None:
        """The index stage took a batch."""
        self._indexing = True

    def index_finished(self) -> None:
        """The index stage is done with its batch."""
        self._indexing = False
        self._indexed_at = self._clock()

    def _enriching_lately(self, now: float) -> bool:
        return self._enriching or now - self._finished_at < self.idle_after_seconds

    def backlogged(self) -> bool:
        """Whether articles wait for the enrich stage: it is on a full batch, or took one a moment ago."""
        return self._full and self._enriching_lately(self._clock())

    def busy(self) -> bool:
        """Whether articles wait for the enrich stage, or the last of a backlog are still on their way to the index."""
        now = self._clock()
        enriching = self._enriching_lately(now)
        if self._full and enriching:
            return True
        if now - self._last_full_at >= self.DRAIN_SECONDS:   # no backlog lately: nothing to drain
            return False
        return enriching or self._indexing or now - self._indexed_at < self.index_idle_after_seconds

    async def give_way(self, oldest_timestamp: float, *, interrupted: Callable[[], bool] = lambda: False,
                       poll_seconds: float = 0.1) -> float:
        """Wait while the search path is busy, the oldest mention (its Kafka timestamp, in
        seconds) is younger than ``give_way_seconds`` and nothing ``interrupted`` the wait;
        the seconds waited."""
        started = self._clock()
        while (self.busy() and not interrupted()
               and self._wall_clock() - oldest_timestamp < self.give_way_seconds):
            await asyncio.sleep(poll_seconds)
        return self._clock() - started


async def follow_backlog(pace: RefreshPace, backlogged: Callable[[], bool], *, every_seconds: float = 0.1) -> None:
    """Keep the articles' and events' refresh pace in step with the enrich stage's backlog, until cancelled."""
    while True:
        await pace.follow(backlogged())
        await asyncio.sleep(every_seconds)


async def leave_refresh_usual(pace: RefreshPace, *, timeout_seconds: float = 5.0) -> None:
    """A worker that stops mid-backlog brings the refreshes back to their usual pace: a worker
    still in a backlog slows them again, and with none left the indices keep the usual pace."""
    if pace.slowed:
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(pace.follow(False), timeout_seconds)


def oldest_timestamp(events: Sequence[EventT]) -> float:
    """The earliest Kafka timestamp of these messages, in seconds (0 when none has one: no wait)."""
    return min((event.message.timestamp for event in events if event.message.timestamp), default=0.0)


class StageHalted(Exception):
    """A stage cannot go on without an operator; its pending messages stay unacknowledged."""


# ---------------------------------------------------------------- holding messages


def hold(events: Iterable[EventT]) -> None:
    """Keep these messages' offsets from being committed until ``release``, whatever Faust does meanwhile."""
    for event in events:
        event.message.incref()


# Messages whose outcome a stage made safe. Faust also acknowledges, by itself, messages
# it skipped (taken while a worker starts or rebalances), counting on a seek back to the
# committed offset that does not come for a partition never committed; the worker's
# consumer takes only these acknowledgements (InFlightSafeConsumer.ack).
SETTLED: "weakref.WeakSet[Any]" = weakref.WeakSet()


def release(events: Iterable[EventT]) -> None:
    """Their outcome is safe: Faust may commit their offsets."""
    for event in events:
        SETTLED.add(event.message)
        event.ack()


class MentionsBacklog:
    """Enriched articles whose mentions (news.mentions, the incidents stage's input) wait for the
    search path of their worker to drain.

    Working out an article's mentions costs its enrich stage about 4% of the NLP, and
    sending them three messages that the broker and the incidents stage's consumer handle at
    once. Incidents are a view beside the search path that may come a little later (see
    ``SearchPathFirst``): so while articles wait for the enrich stage, it sends each enriched
    article on and leaves its mentions here, its input message held (never committed) with the
    enriched article's JSON. They are worked out and sent, oldest first, once the search path
    has drained, or once the oldest has waited ``give_way_seconds``. A worker stopped
    meanwhile loses nothing: the held messages are read, enriched and indexed again, and their
    mentions sent then. At most ``limit`` articles wait, and at most ``max_bytes`` of their
    JSON (a burst of the largest articles must not grow the worker): beyond that, each batch
    first sends as many of the oldest.
    """

    MAX_BYTES = 64 << 20

    def __init__(self, limit: int, *, give_way_seconds: float, max_bytes: int = MAX_BYTES,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.give_way_seconds = give_way_seconds
        self.max_bytes = max_bytes
        self._wall_clock = wall_clock
        self._waiting: deque[tuple[EventT, bytes, float]] = deque()   # held input, enriched JSON, when it came to wait
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def defers(self, search_path_busy: bool) -> bool:
        """Whether a batch's mentions wait: while the search path is busy, and behind any already waiting."""
        return self.limit > 0 and (search_path_busy or bool(self._waiting))

    def full(self) -> bool:
        return bool(self._waiting) and (len(self._waiting) >= self.limit or self._bytes >= self.max_bytes)

    def overdue(self) -> bool:
        """Whether the oldest has waited ``give_way_seconds``: under a load that never ends, mentions lag by about that much."""
        return bool(self._waiting) and self._wall_clock() - self._waiting[0][2] >= self.give_way_seconds

    def add(self, event: EventT, enriched: bytes) -> None:
        hold([event])
        self._waiting.append((event, enriched, self._wall_clock()))
        self._bytes += len(enriched)

    def take(self, count: int) -> list[tuple[EventT, bytes]]:
        """The ``count`` oldest (still held: release them once their mentions are sent)."""
        taken = [self._waiting.popleft() for _ in range(min(count, len(self._waiting)))]
        self._bytes -= sum(len(enriched) for _, enriched, _ in taken)
        return [(event, enriched) for event, enriched, _ in taken]


class InFlightSafeConsumer(FaustKafkaConsumer):
    """Faust's Kafka consumer, never committing past a message without an outcome, and
    reading again a message Faust fetched but never handed to its agent.

    Faust commits the first run of acknowledged offsets, and lets that run start
    one past the committed offset even when the message there is still held or
    was never handed to an agent (faust-streaming issue 606): committed 10,
    acknowledged 11..40 and 10 still being written, it commits 41 and 10 is lost.
    Our input topics are neither compacted nor transactional, so a hole at the
    head of the run is always a message without an outcome yet, and Faust's
    filling of such "gaps" (a jump in the offsets it reads) is switched off.

    Faust also drops records it has fetched, or acknowledges messages without
    handing them over, while a partition is not flowing (a worker starting, a
    rebalance), counting on a seek back to the committed offset, which aiokafka
    skips for a partition never committed. So this consumer takes only the
    acknowledgements of messages a stage released (``SETTLED``), fetches again
    what a fetch did not hand over, sends a partition never committed back to
    its start, and recognises any other hole because an agent takes a
    partition's messages in order: once a later message is acknowledged, an
    earlier one neither acknowledged, nor in an agent's hands, nor in its stream
    buffer on the way there, was dropped. The
    partition is then read again from its commit point, before the next fetch
    (the messages after it are processed twice, which every stage tolerates).

    One agent's full stream buffer holds back only its own partitions: Faust would
    wait for room before handing over any other record of the fetch, so one stage
    busy or waiting out a fault stalled the others in the same worker. A record that
    would wait is not handed over, nor the rest of its partition's fetch, and the
    partition is read on from there once the agent has made room.

    And it watches for stalls (``StallWatch``): a partition whose messages wait
    ``stall_seconds`` without a commit is logged with where they are and where the
    agents wait, and read again from its commit point when no agent holds any of
    them: a consumer that stopped handing a partition over would otherwise sit on
    its messages, silent, until restarted.

    A rebalance ends all of that: the partitions are sought to their committed
    offsets when they are assigned again, and what was noted about them before
    (where a partition never committed began, seeks not yet made, a fetch under
    way) no longer holds. Kept, it sent a partition that had been committed
    meanwhile back to its very first message, and the whole topic was processed
    again after every rebalance.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_offsets: dict[TP, int] = {}       # where a partition never committed begins
        self._fetched: dict[TP, list[int]] = {}        # offsets of the last fetch, by partition
        self._read_again_from: dict[TP, int] = {}     # seeks waiting for the next fetch
        self._last_read_again: dict[TP, tuple[int, float]] = {}
        self._buffer_drained = asyncio.Event()
        self._rebalances = 0                          # fetches that span one hand nothing back to read again

    async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
        # Faust takes a jump in the offsets it reads for a gap of a compacted or
        # transactional topic and later commits across it; our input topics are
        # neither, so a jump is a seek or a drop, and what it passes over has no outcome.
        return None

    async def _wait_next_records(self, timeout: float) -> Any:
        if self.flow_active and not self._get_active_partitions() and self._buffered_partitions:
            # Every partition is held back for a full stream buffer, and Faust would sleep a
            # whole second before fetching again; resume as soon as the agent drains the buffer.
            self._buffer_drained.clear()
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._buffer_drained.wait(), timeout)
        records, active_partitions = await super()._wait_next_records(timeout)
        self._fetched = {tp: [record.offset for record in batch] for tp, batch in (records or {}).items()}
        return records, active_partitions

    def _new_consumer_thread(self) -> "PromptFetchConsumerThread":
        return PromptFetchConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def on_buffer_drop(self, tp: TP) -> None:
        super().on_buffer_drop(tp)
        self._buffer_drained.set()
        wake_waiting_fetch(self._thread)

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        """Faust's getmany, after the seeks asked for since the last fetch (never while a
        fetch is being handed over); records fetched and not handed over are read again."""
        pending, self._read_again_from = self._read_again_from, {}
        for tp, offset in pending.items():
            await self._seek_if_assigned(tp, offset)
        rebalances = self._rebalances
        handed: dict[TP, int] = {}
        held_back: set[TP] = set()
        async for tp, message in super().getmany(timeout):
            if tp in held_back or self._must_wait(tp):
                # Faust would wait here for that agent to make room, and every other
                # partition's records (other stages too) would wait behind it: in a burst the
                # index stage sat idle for seconds while the enrich stage's buffer was full.
                held_back.add(tp)
                continue
            handed[tp] = message.offset
            yield tp, message
        if rebalances != self._rebalances:
            self._fetched = {}   # the partitions were sought to their commits since
            return
        for tp, offsets in self._fetched.items():
            undelivered = undelivered_from(offsets, handed.get(tp))
            if undelivered is None or not self.app.topics.acks_enabled_for(tp.topic):
                continue
            if tp in held_back:
                self._resume_at(tp, undelivered)
            else:
                self._read_again(tp, undelivered, "was fetched and not handed over")
        self._fetched = {}

    def _must_wait(self, tp: TP) -> bool:
        """Whether a record of ``tp`` would wait for room in its agent's stream buffer. Only
        the stages' topics are held back: a record held back is read again, which a topic
        read without acknowledgements (a table's changelog) does not do, so Faust's wait stays."""
        return self.app.topics.acks_enabled_for(tp.topic) and any(
            channel.queue.full() for channel in self.app.topics._tp_index.get(tp, ()))

    def _resume_at(self, tp: TP, offset: int) -> None:
        """Read the partition on from ``offset``, the first record held back for a full buffer,
        at the next fetch: the records before it are in an agent's hands, so unlike
        ``_read_again`` nothing is read twice. Faust fetches the partition again once the
        agent has drained its buffer."""
        self._read_again_from[tp] = min(offset, self._read_again_from.get(tp, offset))
        log.debug("Kafka: %s[%d] held back from offset %d until its stream buffer has room", tp.topic, tp.partition, offset)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self.forget_positions(revoked)
        await super().on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self.forget_positions(set(self._read_again_from) | set(self._start_offsets))
        await super().on_partitions_assigned(assigned, generation_id=generation_id)

    @property
    def rebalances(self) -> int:
        """How many times partitions were revoked or assigned: a wait holding messages ends when it changes."""
        return self._rebalances

    def forget_positions(self, partitions: Iterable[TP]) -> None:
        """What this consumer noted about where to read these partitions from: void after a rebalance."""
        self._rebalances += 1
        for tp in partitions:
            for positions in (self._start_offsets, self._read_again_from, self._last_read_again, self._fetched):
                positions.pop(tp, None)

    async def seek_to_committed(self) -> Mapping[TP, int]:
        # every partition goes to its commit point now: earlier seeks asked for are moot
        self._read_again_from.clear()
        committed = await super().seek_to_committed()
        for tp, offset in committed.items():
            if offset:
                self._start_offsets.pop(tp, None)
        never_committed = [ensure_aiokafka_TP(tp) for tp, offset in committed.items()
                           if not offset and self.app.topics.acks_enabled_for(tp.topic)]
        if never_committed:
            await self._thread.seek_to_beginning(*never_committed)
            self._start_offsets.update(await self._thread.earliest_offsets(*never_committed))
        return committed

    def ack(self, message: Any) -> bool:
        if self.app.topics.acks_enabled_for(message.topic) and message not in SETTLED:
            # Skipped by Faust, not processed: left without an outcome, and read again.
            message.acked = True
            self._unacked_messages.discard(message)
            self._read_again(message.tp, message.offset, "was skipped")
            return False
        return super().ack(message)

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        if not acked:
            return super()._new_offset(tp)
        head = min(acked)
        committed = self._commit_point(tp)
        # In an agent's hands, or in its stream buffer on the way there: after a rebalance the
        # records read again from the commit point wait there while a batch taken before it is done.
        in_flight = [message.offset for message in list(self._unacked_messages) if message.tp == tp] + self._buffered_offsets(tp)
        if not commit_would_skip(head=head, committed=committed, in_flight=in_flight):
            return super()._new_offset(tp)
        dropped = first_dropped(head=head, committed=committed, in_flight=in_flight)
        if dropped is not None:
            self._read_again(tp, dropped, "has no outcome and is neither in an agent's hands nor in its stream buffer")
        return None

    def _read_again(self, tp: TP, offset: int, why: str) -> None:
        """Ask for the partition to be read again from its commit point (duplicates are
        harmless, a message passed over is not); applied before the next fetch."""
        committed = self._commit_point(tp)
        target = offset if committed is None else min(offset, committed)
        now = time.monotonic()
        last = self._last_read_again.get(tp)
        if tp not in self._read_again_from and last is not None and last[0] == target and now - last[1] < READ_AGAIN_AFTER_SECONDS:
            return  # sent back there a moment ago; give the fetch time to come back
        self._last_read_again[tp] = (target, now)
        self._read_again_from[tp] = min(target, self._read_again_from.get(tp, target))
        log.info("Kafka: %s[%d] offset %d %s; reading the partition again from %d", tp.topic, tp.partition, offset, why, target)

    def _commit_point(self, tp: TP) -> int | None:
        """Where the partition's next commit starts: its committed offset, or the start of a partition never committed."""
        committed = self._committed_offset[tp]
        return self._start_offsets.get(tp) if committed is None else committed

    @Service.task
    async def _watch_for_stalls(self) -> None:
        watch = StallWatch(self.app.stall_seconds)
        async for _ in self.itertimer(max(self.app.stall_seconds / 4, 1.0), name="stall watch"):
            if not self.flow_active:
                continue
            try:
                for tp, (look, remedy, waited) in watch.stalled(self._looks()).items():
                    self._remedy_stall(tp, look, remedy, waited)
            except Exception as error:  # noqa: BLE001 - a task that raised would stop the consumer, and the worker with it
                log.warning("Kafka: could not look for stalled partitions: %r", error)

    def _looks(self) -> dict[TP, PartitionLook]:
        """How far each assigned partition of a stage's input is, and where its waiting messages are."""
        held = Counter(message.tp for message in list(self._unacked_messages))
        looks: dict[TP, PartitionLook] = {}
        for tp in self.assignment():
            if not self.app.topics.acks_enabled_for(tp.topic) or not position_known(self._thread, tp):
                continue
            looks[tp] = PartitionLook(commit_point=self._commit_point(tp), end=self.highwater(tp),
                                      held=held[tp], buffered=len(self._buffered_offsets(tp)),
                                      resting=self.app.is_resting(tp.topic))
        return looks

    def _buffered_offsets(self, tp: TP) -> list[int]:
        return buffered_offsets(self.app.topics._tp_index.get(tp, ()), tp)

    def _remedy_stall(self, tp: TP, look: PartitionLook, remedy: str, waited: float) -> None:
        waiting = f"{look.end - look.commit_point} message(s) from offset {look.commit_point} have waited {waited:.0f} s without a commit"
        if remedy == READ_AGAIN:
            log.warning("Kafka: %s[%d]: %s, and no agent holds any; reading the partition again", tp.topic, tp.partition, waiting)
            self._read_again(tp, look.commit_point, "is where the partition stalled")
        else:
            log.warning("Kafka: %s[%d]: %s; agents hold %d and %d wait in the stream buffer. The agents wait in: %s",
                        tp.topic, tp.partition, waiting, look.held, look.buffered, where_agents_wait(self.app))

    def verify_event_path(self, now: float, tp: TP) -> None:
        # Faust's check for a stalled partition only logs, but it reads aiokafka's position,
        # which asserts while the partition waits for its offset to be reset: a partition
        # never committed is sent back to its start when assigned, and a rebalance lands
        # while another worker joins. The worker crashed over it; there is nothing to check yet.
        if not position_known(self._thread, tp):
            return None
        try:
            super().verify_event_path(now, tp)
        except (AssertionError, AttributeError) as error:
            # the consumer's own thread reset or revoked the partition between the two reads
            log.debug("Kafka: %s[%d] changed while checked for a stall: %r", tp.topic, tp.partition, error)

    async def _seek_if_assigned(self, tp: TP, offset: int) -> None:
        try:
            if tp in self.assignment():  # a partition revoked meanwhile is read again by its new owner
                await self.seek(tp, offset)
        except Exception as error:  # noqa: BLE001 - the next commit round asks again
            log.warning("Kafka: could not seek %s[%d] back to %d: %r", tp.topic, tp.partition, offset, error)


READ_AGAIN_AFTER_SECONDS = 10.0
READ_AGAIN, REPORT = "read again", "report"


@dataclass(frozen=True)
class PartitionLook:
    """One look at a partition of a stage's input."""

    commit_point: int | None   # the next offset a commit would start from
    end: int | None            # one past its last message, as the last fetch saw it
    held: int = 0              # its messages an agent has taken and not settled
    buffered: int = 0          # its messages waiting in its agent's stream buffer
    resting: bool = False      # its agent holds them on purpose now (the incidents stage giving way)


def stall_remedy(look: PartitionLook) -> str | None:
    """What a partition needs once its commit point has not moved for the stall time: nothing
    (no message waits), READ_AGAIN (messages wait and no agent has any: the consumer stopped
    handing them over, and reading again from the commit point loses nothing), or REPORT (an
    agent holds them: it waits out a fault, or hangs, and only its own outcome may release them)."""
    if look.commit_point is None or look.end is None or look.end <= look.commit_point:
        return None
    return REPORT if look.held or look.buffered else READ_AGAIN


class StallWatch:
    """Partitions whose messages have waited ``stall_seconds`` without their commit point moving.

    A stalled partition is reported once per ``stall_seconds``; a worker whose consumer
    stopped handing one partition over would otherwise sit on its messages, silent, until
    it is restarted. A partition whose agent holds its messages on purpose is not stalled:
    its stall time starts when that wait ends.
    """

    def __init__(self, stall_seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.stall_seconds = stall_seconds
        self._clock = clock
        self._still_since: dict[Any, tuple[int | None, float]] = {}   # partition -> (commit point, waiting since)

    def stalled(self, looks: Mapping[Any, PartitionLook]) -> dict[Any, tuple[PartitionLook, str, float]]:
        """The partitions stalled at this look, with their remedy and how long they waited."""
        now = self._clock()
        stalled: dict[Any, tuple[PartitionLook, str, float]] = {}
        for tp, look in looks.items():
            if look.resting:   # a wait chosen, and bounded, by the stage: not a stall
                self._still_since[tp] = (look.commit_point, now)
                continue
            remedy = stall_remedy(look)
            if remedy is None:   # nothing waits: the stall time starts when messages are first seen waiting
                self._still_since.pop(tp, None)
                continue
            point, since = self._still_since.setdefault(tp, (look.commit_point, now))
            if point != look.commit_point:
                self._still_since[tp] = (look.commit_point, now)
            elif now - since >= self.stall_seconds:
                stalled[tp] = (look, remedy, now - since)
                self._still_since[tp] = (look.commit_point, now)
        for gone in set(self._still_since) - set(looks):   # revoked
            del self._still_since[gone]
        return stalled


def where_agents_wait(app: faust.App) -> str:
    """Where each agent's task and each other thread of the worker is now (its innermost frame of
    coopwatch's own code, then its innermost frame)."""
    places = []
    for agent in app.agents.values():
        for actor in list(agent._actors):
            task = actor.actor_task   # running ``actor.it``, the agent's coroutine, which it awaits through a wrapper
            frames = awaited_frames(getattr(actor, "it", None)) if task is not None and not task.done() else []
            if frames:
                places.append(f"{agent.name.rsplit('.', 1)[-1]} at {stack_place(frames)}")
    current = sys._current_frames()
    for thread in threading.enumerate():
        frame = current.get(thread.ident)
        if frame is not None and thread is not threading.main_thread():
            places.append(f"thread {thread.name} at {stack_place([f for f, _ in reversed(list(traceback.walk_stack(frame)))])}")
    return "; ".join(places) or "(no agent running)"


def awaited_frames(awaitable: Any) -> list[Any]:
    """The frames of a suspended coroutine and of what it awaits, down the chain (outermost
    first); a task's own stack holds only its outermost coroutine."""
    frames = []
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "ag_frame", None)
        if frame is None:
            break
        frames.append(frame)
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "ag_await", None)
    return frames


def stack_place(frames: Sequence[Any]) -> str:
    """A stack (outermost frame first) in a few words: its innermost frame of coopwatch's own code, then its innermost frame."""
    ours = next((frame for frame in reversed(frames) if Path(frame.f_code.co_filename).parent.name in OUR_PACKAGES), None)
    shown = [frames[-1]] if ours is None or ours is frames[-1] else [ours, frames[-1]]
    return " > ".join(f"{frame.f_code.co_name} ({Path(frame.f_code.co_filename).name}:{frame.f_lineno})" for frame in shown)


OUR_PACKAGES = {"streams", "schemas"}


def position_known(consumer_thread: Any, tp: TP) -> bool:
    """Whether aiokafka knows where the consumer reads this partition next (not so while it is
    being reset to its start or its commit, or once it is no longer assigned)."""
    consumer = getattr(consumer_thread, "_consumer", None)
    subscription = getattr(getattr(getattr(consumer, "_fetcher", None), "_subscriptions", None), "subscription", None)
    assignment = getattr(subscription, "assignment", None)
    if assignment is None:
        return False
    state = assignment.state_value(ensure_aiokafka_TP(tp))
    return state is not None and state.has_valid_position


def wake_waiting_fetch(consumer_thread: Any) -> None:
    """Have a fetch waiting in the consumer's thread look again at the records it already holds.

    A fetch waits for new data or its one-second timeout, and aiokafka fetches nothing
    new for a partition whose records it holds. When Faust holds a partition back for a
    full stream buffer, its records keep arriving meanwhile; once the buffer drains and
    the partition is let through again, the waiting fetch would sit out its second with
    them in hand, and the agent would wait with it (a quarter of the index stage's time
    in a burst).
    """
    consumer = getattr(consumer_thread, "_consumer", None)
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is None:
        return

    def wake() -> None:
        for waiter in list(fetcher._fetch_waiters):
            if not waiter.done():
                waiter.set_result(None)

    consumer_thread.thread_loop.call_soon_threadsafe(wake)


def buffered_offsets(channels: Iterable[Any], tp: TP) -> list[int]:
    """The offsets of ``tp``'s messages waiting in these channels' stream buffers (handed over, not yet taken by their agent)."""
    return [event.message.offset for channel in channels for event in list(channel.queue._queue) if event.message.tp == tp]


def undelivered_from(fetched: Sequence[int], last_handed: int | None) -> int | None:
    """The first fetched offset after the last one handed over, if any."""
    rest = [offset for offset in fetched if last_handed is None or offset > last_handed]
    return min(rest) if rest else None


def commit_would_skip(*, head: int, committed: int | None, in_flight: Sequence[int]) -> bool:
    """Would committing the run of acknowledged offsets that starts at ``head`` pass over an unsettled message?"""
    if in_flight and min(in_flight) < head:
        return True
    # ``committed`` is the next offset to read: anything between it and the head has no outcome.
    return committed is not None and head > committed


def first_dropped(*, head: int, committed: int | None, in_flight: Sequence[int]) -> int | None:
    """The first offset before ``head`` that is neither acknowledged nor ``in_flight`` (in an
    agent's hands or its stream buffer), if any.

    Agents take a partition's messages in order, so such an offset, with a later
    one acknowledged, was dropped before it reached its agent.
    """
    if committed is None or head <= committed or committed in set(in_flight):
        return None
    return committed


class PromptFetchConsumerThread(AIOKafkaConsumerThread):
    """Faust's consumer thread, its fetches waiting at the broker for at most the app's
    ``fetch_wait_seconds`` (Faust fixes 1.5 s; see Settings.kafka_fetch_wait_seconds)."""

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # read when the consumer starts and builds its fetcher; Faust passes no such option
        consumer._fetch_max_wait_ms = round(1000 * self.app.fetch_wait_seconds)
        return consumer


class CoopwatchApp(faust.App):
    """faust.App whose consumer never commits past an unacknowledged message and reports
    (or reads again) a partition stalled for ``stall_seconds``, and whose fetches wait at
    the broker for at most ``fetch_wait_seconds``."""

    def __init__(self, *args: Any, fetch_wait_seconds: float = Settings.model_fields["kafka_fetch_wait_seconds"].default,
                 stall_seconds: float = Settings.model_fields["stall_seconds"].default, **options: Any) -> None:
        self.fetch_wait_seconds = fetch_wait_seconds
        self.stall_seconds = stall_seconds
        self.resting_topics: Counter[str] = Counter()
        self._rests_while: dict[str, list[Callable[[], bool]]] = {}
        super().__init__(*args, **options)

    @contextmanager
    def resting(self, topic: str) -> Iterator[None]:
        """An agent holds this topic's messages on purpose meanwhile, so the stall watch does not count the time."""
        self.resting_topics[topic] += 1
        try:
            yield
        finally:
            self.resting_topics[topic] -= 1
            if not self.resting_topics[topic]:
                del self.resting_topics[topic]

    def rests_while(self, topic: str, holding: Callable[[], bool]) -> None:
        """An agent holds this topic's messages on purpose whenever ``holding()`` is true."""
        self._rests_while.setdefault(topic, []).append(holding)

    def is_resting(self, topic: str) -> bool:
        return topic in self.resting_topics or any(holding() for holding in self._rests_while.get(topic, ()))

    def _new_transport(self) -> Any:
        transport = super()._new_transport()
        transport.Consumer = InFlightSafeConsumer
        return transport


# ---------------------------------------------------------------- confirmed sends


def message_too_large(error: BaseException) -> bool:
    while error is not None:
        if isinstance(error, MessageSizeTooLargeError):
            return True
        error = error.__cause__ or error.__context__
    return False


def dead_letter_for(event: EventT, stage: Stage, error: BaseException, *, kind: str | None = None) -> DeadLetter:
    message = event.message
    payload = message.value if isinstance(message.value, bytes) else str(message.value).encode("utf-8")
    key = message.key if isinstance(message.key, bytes) or message.key is None else str(message.key).encode("utf-8")
    return DeadLetter(
        stage=stage,
        error_kind=kind or getattr(error, "kind", None) or type(error).__name__,
        error_message=str(error) or repr(error),
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=key,
        payload=payload,
    )


class Outbox:
    """Sends that return only once the broker has the message; a failed send is retried, never dropped."""

    def __init__(self, deadletter_topic: faust.TopicT, *, initial_backoff_seconds: float = 0.5, max_backoff_seconds: float = 10.0) -> None:
        self.deadletter_topic = deadletter_topic
        self.wait = wait_exponential_jitter(multiplier=initial_backoff_seconds, max=max_backoff_seconds, jitter=initial_backoff_seconds)

    async def deliver(self, topic: faust.TopicT, *, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]] | None = None) -> None:
        """Send and wait for the broker's acknowledgement. Raises MessageSizeTooLargeError-caused errors, retries the rest."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda error: not message_too_large(error)),
            wait=self.wait, before_sleep=self._log_retry, reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                # force: send now, not attached to the message being processed
                # (Faust would publish attachments only when that message is acknowledged).
                delivery = await topic.send(key=key, value=value, headers=headers, force=True)
                await delivery

    async def dead_letter(self, letter: DeadLetter) -> None:
        log.warning("dead-lettered %s message %s/%s@%s: %s: %s", letter.stage, letter.topic, letter.partition,
                    letter.offset, letter.error_kind, letter.error_message[:200])
        try:
            await self.deliver(self.deadletter_topic, key=letter.key, value=letter.payload, headers=letter.headers())
        except Exception as error:  # only a message too large is not retried
            raise StageHalted(
                f"the dead-letter topic refuses a dead letter of {letter.payload_size:,} bytes ({error}); "
                "raise its max.message.bytes to COOPWATCH_MAX_MESSAGE_BYTES plus 64 KiB"
            ) from error

    async def forward(self, event: EventT, stage: Stage, topic: faust.TopicT, *, key: bytes, value: bytes) -> None:
        """Pass a stage's result on; a result too large for the next topic dead-letters its input instead."""
        try:
            await self.deliver(topic, key=key, value=value)
        except Exception as error:  # only a message too large is not retried
            await self.dead_letter(dead_letter_for(event, stage, error, kind="message_too_large"))

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning("send to Kafka failed (%r); retry %d in %.1fs (nothing is acknowledged meanwhile)",
                    error, state.attempt_number, state.next_action.sleep if state.next_action else 0)


# ---------------------------------------------------------------- one step of each stage


def parse_stage_input(model: type[NormalisedArticle], payload: bytes) -> NormalisedArticle:
    """Messages between stages are JSON of the upstream model; anything else is a contract breach."""
    try:
        return model.model_validate_json(payload)
    except ValidationError as error:
        raise NormaliseError("contract_violation", f"not a valid {model.__name__}: {error.errors()[0]['msg']}") from None


async def normalise_event(event: EventT, outbox: Outbox, normalised_topic: faust.TopicT, settings: Settings) -> None:
    try:
        article = normalise_payload(event.message.value, received_at=receive_time(event.message.timestamp), max_body_chars=settings.max_body_chars)
    except Exception as error:  # noqa: BLE001 - every failure is dead-lettered with its reason
        await outbox.dead_letter(dead_letter_for(event, "normalise", error))
        return
    await outbox.forward(event, "normalise", normalised_topic, key=article.article_id.encode(), value=article.model_dump_json().encode("utf-8"))


async def normalise_events(events: Sequence[EventT], outbox: Outbox, normalised_topic: faust.TopicT, settings: Settings) -> None:
    """A batch, its sends in flight together: the producer packs them into few requests."""
    await asyncio.gather(*(normalise_event(event, outbox, normalised_topic, settings) for event in events))


@dataclass
class EnrichedOutput:
    """An enriched article as it leaves the stage: its message, and its mentions messages (key, value)."""

    article_id: str
    value: bytes
    mentions: list[tuple[bytes, bytes]] = field(default_factory=list)


def mentions_output(enricher: object, article: EnrichedArticle, partitions: int) -> list[tuple[bytes, bytes]]:
    """An enriched article's mentions messages, serialised: (key, value) for news.mentions."""
    return [(key, message.model_dump_json().encode("utf-8"))
            for key, message in mentions_messages(article, partitions, enricher.report_types.model)]  # type: ignore[attr-defined]


def enrich_outputs(enricher: object, articles: Sequence[tuple[EventT, NormalisedArticle]], *,
                   mentions_partitions: int | None) -> list[tuple[EventT, EnrichedOutput | BaseException]]:
    """Enrich a batch and serialise what leaves the stage, all off the event loop (no mentions
    when ``mentions_partitions`` is None)."""
    outputs: list[tuple[EventT, EnrichedOutput | BaseException]] = []
    for event, result in enrich_each(enricher, articles):
        if isinstance(result, BaseException):
            outputs.append((event, result))
            continue
        try:
            mentions = mentions_output(enricher, result, mentions_partitions) if mentions_partitions else []
        except Exception as error:  # noqa: BLE001 - dead-lettered with its reason, like an enrichment error
            outputs.append((event, error))
            continue
        outputs.append((event, EnrichedOutput(result.article_id, result.model_dump_json().encode("utf-8"), mentions)))
    return outputs


def waiting_mentions_outputs(enricher: object, waiting: Sequence[tuple[EventT, bytes]],
                             partitions: int) -> list[tuple[EventT, list[tuple[bytes, bytes]] | BaseException]]:
    """The mentions messages of articles that waited in a ``MentionsBacklog``, off the event loop."""
    outputs: list[tuple[EventT, list[tuple[bytes, bytes]] | BaseException]] = []
    for event, enriched in waiting:
        try:
            outputs.append((event, mentions_output(enricher, EnrichedArticle.model_validate_json(enriched), partitions)))
        except Exception as error:  # noqa: BLE001 - dead-lettered with its reason
            outputs.append((event, error))
    return outputs


async def enrich_events(events: Sequence[EventT], outbox: Outbox, enriched_topic: faust.TopicT, enricher: object,
                        mentions_topic: faust.TopicT | None = None, *, mentions_partitions: int = 1,
                        nlp_thread: Executor | None = None, mentions_backlog: MentionsBacklog | None = None) -> None:
    """Enrich a batch and send it on; its mentions with it, or, given ``mentions_backlog``, later (see MentionsBacklog)."""
    articles: list[tuple[EventT, NormalisedArticle]] = []
    for event in events:
        try:
            articles.append((event, parse_stage_input(NormalisedArticle, event.message.value)))
        except Exception as error:  # noqa: BLE001
            await outbox.dead_letter(dead_letter_for(event, "enrich", error))
    mentions_now = mentions_topic is not None and mentions_backlog is None
    # NLP is CPU-bound: run it off the event loop so Kafka heartbeats go on.
    results = await asyncio.get_running_loop().run_in_executor(
        nlp_thread, lambda: enrich_outputs(enricher, articles, mentions_partitions=mentions_partitions if mentions_now else None))
    sends: list[Awaitable[None]] = []
    for event, result in results:
        if isinstance(result, BaseException):
            sends.append(outbox.dead_letter(dead_letter_for(event, "enrich", result)))
            continue
        sends.append(outbox.forward(event, "enrich", enriched_topic, key=result.article_id.encode(), value=result.value))
        sends += [outbox.forward(event, "enrich", mentions_topic, key=key, value=value) for key, value in result.mentions]
    await asyncio.gather(*sends)
    if mentions_backlog is not None and mentions_topic is not None:
        # only once the enriched article is sent: a message released before its outcome is safe could be lost
        for event, result in results:
            if not isinstance(result, BaseException):
                mentions_backlog.add(event, result.value)


async def send_waiting_mentions(waiting: Sequence[tuple[EventT, bytes]], outbox: Outbox, mentions_topic: faust.TopicT,
                                enricher: object, *, mentions_partitions: int, nlp_thread: Executor | None = None) -> None:
    """Send the mentions of articles taken from a ``MentionsBacklog``, then release their input messages."""
    results = await asyncio.get_running_loop().run_in_executor(
        nlp_thread, lambda: waiting_mentions_outputs(enricher, waiting, mentions_partitions))
    sends: list[Awaitable[None]] = []
    for event, result in results:
        if isinstance(result, BaseException):
            # the article is indexed already; its input is dead-lettered so that a replay sends its mentions
            why = RuntimeError(f"its mentions for the incidents stage could not be worked out (the article is indexed): {result!r}")
            sends.append(outbox.dead_letter(dead_letter_for(event, "enrich", why, kind="mentions_error")))
            continue
        sends += [outbox.forward(event, "enrich", mentions_topic, key=key, value=value) for key, value in result]
    await asyncio.gather(*sends)
    release([event for event, _ in waiting])


async def index_events(events: Sequence[EventT], outbox: Outbox, sink: IndexSink) -> None:
    """Write a batch; refused articles are dead-lettered. Raises IndexingHalted when nothing can be written."""
    batch: list[tuple[EventT, EnrichedArticle]] = []
    for event in events:
        try:
            batch.append((event, EnrichedArticle.model_validate_json(event.message.value)))
        except Exception as error:  # noqa: BLE001
            await outbox.dead_letter(dead_letter_for(event, "index", error, kind="contract_violation"))
    if not batch:
        return
    result = await sink.write([article for _, article in batch])
    for event, article in batch:
        fault = result.refused.get(article.article_id)
        if fault is not None:
            await outbox.dead_letter(dead_letter_for(event, "index", RuntimeError(fault.reason), kind=fault.kind))


@contextmanager
def acting_for(event: EventT):
    """Table reads and writes in this block belong to ``event``'s partition and changelog.

    Faust finds a table's partition through the current event, which a batch
    taken with ``take_events`` does not set message by message.
    """
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


async def incidents_events(events: Sequence[EventT], outbox: Outbox, store: IncidentStore, sink: IndexSink, settings: Settings) -> None:
    """A batch of mentions messages -> the incidents table, message by message and type by type
    in order -> one bulk of the incidents they changed (refused documents dead-letter the
    messages that changed them).

    Before a message changes the table, the incidents that hold its article's mentions are
    recorded as unindexed (``unindexed|TYPE``), and the record is dropped only once
    Elasticsearch has acknowledged the batch's documents. A worker killed in between leaves
    the record, so the batch's redelivery rewrites those documents too: a mention moved
    out of an incident is removed from its document even when the replay no longer
    finds it there.
    """
    window = reach(settings)
    changed_by: dict[str, list[EventT]] = {}   # incident id -> the messages that changed it, in order
    partition_of: dict[str, EventT] = {}       # incident id -> a message of the partition that holds it
    types: dict[str, EventT] = {}              # event type -> its last message in the batch
    for event in events:
        try:
            bundle = MentionsMessage.model_validate_json(event.message.value)
        except ValidationError as error:
            await outbox.dead_letter(dead_letter_for(event, "incidents", error, kind="contract_violation"))
            continue
        touched: set[str] = set()
        try:
            with acting_for(event):
                for message in bundle.by_type:
                    if message.type not in types:   # left by a batch that did not finish
                        partition_of.update(dict.fromkeys(store.unindexed(message.type), event))
                    types[message.type] = event
                    store.mark_unindexed(message.type, held_incidents(store, message, window))
                    touched |= place_mentions(store, message, settings)
        except Exception as error:  # noqa: BLE001 - dead-lettered with its reason, the worker goes on
            await outbox.dead_letter(dead_letter_for(event, "incidents", error))
            # The types placed before the failure changed the table: their documents are written too.
            partition_of.update(dict.fromkeys(sorted(touched), event))
            continue
        for incident_id in sorted(touched):
            changed_by.setdefault(incident_id, []).append(event)
            partition_of[incident_id] = event
        # Let the other agents run, and the producer send this message's changelog writes:
        # a whole batch applied in one go held the event loop for seconds under load.
        await asyncio.sleep(0)
    if not partition_of:
        return
    changes = Changes()
    for incident_id, event in partition_of.items():
        with acting_for(event):
            found = changes_for(store, [incident_id])
        changes.upserted += found.upserted
        changes.deleted += found.deleted
        await asyncio.sleep(0)
    actions = incident_actions(changes, settings, indexed_at=datetime.now(timezone.utc))
    faults = await sink.send(actions)
    refused: dict[int, tuple[EventT, Any]] = {}   # by message: its first refused document's fault
    for action, fault in zip(actions, faults):
        if fault is not None:
            for event in changed_by.get(action["_id"], []):
                refused.setdefault(id(event), (event, fault))
    for event, fault in refused.values():
        await outbox.dead_letter(dead_letter_for(event, "incidents", RuntimeError(fault.reason), kind=fault.kind))
    for event_type, event in types.items():
        with acting_for(event):
            store.clear_unindexed(event_type)


def enrich_each(enricher: object, articles: Sequence[tuple[EventT, NormalisedArticle]]) -> list[tuple[EventT, object]]:
    """Enrich a batch; if the batch fails, retry one by one so only the culprit is dead-lettered."""
    if not articles:
        return []
    try:
        enriched = enricher.enrich_many([article for _, article in articles])  # type: ignore[attr-defined]
        return [(event, result) for (event, _), result in zip(articles, enriched)]
    except Exception:  # noqa: BLE001
        results: list[tuple[EventT, object]] = []
        for event, article in articles:
            try:
                results.append((event, enricher.enrich(article)))  # type: ignore[attr-defined]
            except Exception as error:  # noqa: BLE001
                results.append((event, error))
        return results


async def settle(events: Sequence[EventT], step: Callable[[], Awaitable[None]]) -> None:
    """Run one step on held messages; release them only if it completed."""
    hold(events)
    await step()
    release(events)


# ---------------------------------------------------------------- the app


def faust_options(settings: Settings) -> dict[str, Any]:
    """faust.App's configuration, from Settings only."""
    return dict(
        **faust_broker_options(settings),
        # Faust reads unprefixed variables (PRODUCER_ACKS, BROKER_URL, ...) and lets them
        # override what the code says; an empty environment makes Settings the only source.
        env={},
        store="memory://",
        datadir=settings.state_dir,
        web_enabled=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replicas,
        topic_allow_declare=False,  # topics are created by ensure_topics with their size limits
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,  # a send counts as delivered once every in-sync replica has it
        producer_max_request_size=deadletter_max_bytes(settings),
        consumer_max_fetch_size=deadletter_max_bytes(settings),
        broker_commit_interval=settings.commit_interval_seconds,
        producer_linger=settings.producer_linger_seconds,
        broker_session_timeout=settings.kafka_session_timeout_seconds,
        # Messages read ahead of the agents stay few, so memory stays bounded while a stage waits out a fault.
        stream_buffer_maxsize=max(2 * settings.index_batch_size, 64),
        # Faust would wait for every message in process before each rebalance and before
        # stopping: a stage waiting out a fault would stall the whole group, and SIGTERM,
        # until the fault ends. Not waiting loses nothing: held messages are not committed,
        # and Faust drops commits for partitions revoked meanwhile, so their new owner reads them again.
        stream_wait_empty=False,
        table_standby_replicas=settings.table_standby_replicas,
    )


def freeze_start_up_objects() -> int:
    """Leave what the worker built to start (its modules, spaCy's pipelines, the gazetteers)
    out of every later garbage collection; returns how many objects that is.

    None of it ever becomes garbage, yet each full collection went through all of it while
    holding the GIL, the NLP thread and the event loop waiting: in an index-only worker about
    130,000 objects, some 90 ms a time, nine times from its start to the end of three rounds
    of the index bound (a fifth of its CPU); with the enrich stage 243,000 objects, about
    150 ms a time. What start-up left as garbage is collected first.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def create_app(
    settings: Settings,
    *,
    stages: Iterable[Stage] = STAGES,
    enricher_factory: Callable[[Settings], object] | None = None,
    after_write: Sequence[AfterWrite] = (),
) -> faust.App:
    """The app; ``after_write`` hooks run on each batch of articles once Elasticsearch has acknowledged it."""
    stages = set(stages)
    app = CoopwatchApp(settings.app_id, fetch_wait_seconds=settings.kafka_fetch_wait_seconds,
                       stall_seconds=settings.stall_seconds, **faust_options(settings))
    search_path_first = SearchPathFirst(batch_size=settings.enrich_batch_size, batch_seconds=settings.enrich_batch_seconds,
                                        give_way_seconds=settings.incidents_give_way_seconds,
                                        index_batch_seconds=settings.index_batch_seconds)

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

    raw_topic = topic(settings.topic_raw)
    normalised_topic = topic(settings.topic_normalised)
    enriched_topic = topic(settings.topic_enriched)
    mentions_topic = topic(settings.topic_mentions)
    outbox = Outbox(topic(settings.topic_deadletter))

    async def halting_on_failure(stage: str, run: Callable[[], Awaitable[None]]) -> None:
        """A stage that cannot go on stops the worker with one operator error, acknowledging nothing more.

        The process exits at once, as a killed worker would: what is not committed
        is read again by the next worker, never lost. (A graceful stop would hang:
        Faust waits for every held message before it leaves the consumer group.)
        """
        try:
            await run()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001
            if not isinstance(error, (StageHalted, IndexingHalted)):
                error = StageHalted(f"the {stage} stage stopped on an unexpected error: {error!r}")
            log.critical("%s", error)
            logging.shutdown()  # flush it: nothing else runs after this
            os._exit(EXIT_HALTED)

    if "normalise" in stages:
        load_parsers()

        @app.agent(raw_topic, name="normalise")
        async def normalise_agent(stream: faust.StreamT) -> None:
            async def run() -> None:
                async for events in stream.take_events(settings.enrich_batch_size, within=settings.enrich_batch_seconds):
                    await settle(events, lambda: normalise_events(events, outbox, normalised_topic, settings))

            await halting_on_failure("normalise", run)

    if "enrich" in stages:
        if enricher_factory is None:
            from streams.enrich import Enricher

            enricher_factory = Enricher
        enricher = enricher_factory(settings)
        # Always the same thread: in the loop's default pool each batch could land on another of
        # its threads, each with a malloc arena of its own that keeps its peak (a soak's worker
        # held 112 MiB in ten arenas). Batches are taken one at a time, so one thread loses nothing.
        nlp_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")
        backlog = MentionsBacklog(settings.mentions_backlog_limit, give_way_seconds=settings.incidents_give_way_seconds)
        sending_waiting = asyncio.Lock()

        async def send_oldest_mentions(count: int) -> None:
            async with sending_waiting:   # one sender at a time: oldest first
                await send_waiting_mentions(backlog.take(count), outbox, mentions_topic, enricher,
                                            mentions_partitions=settings.topic_partitions, nlp_thread=nlp_thread)

        @app.agent(normalised_topic, name="enrich")
        async def enrich_agent(stream: faust.StreamT) -> None:
            async def run() -> None:
                async for events in stream.take_events(settings.enrich_batch_size, within=settings.enrich_batch_seconds):
                    search_path_first.took(len(events))
                    try:
                        while backlog.full():
                            await send_oldest_mentions(len(events))
                        deferred = backlog if backlog.defers(search_path_first.busy()) else None
                        await settle(events, lambda: enrich_events(events, outbox, enriched_topic, enricher, mentions_topic,
                                                                   mentions_partitions=settings.topic_partitions,
                                                                   nlp_thread=nlp_thread, mentions_backlog=deferred))
                    finally:
                        search_path_first.finished()

            try:
                await halting_on_failure("enrich", run)
            finally:
                nlp_thread.shutdown(wait=False)

        # The enrich stage's inputs held for their mentions wait on purpose, and for a bounded time.
        app.rests_while(settings.topic_normalised, lambda: bool(backlog))

        @app.timer(0.1, name="waiting mentions", traced=False)
        async def send_waiting_mentions_when_drained() -> None:
            async def run() -> None:
                while backlog and (not search_path_first.busy() or backlog.overdue()):
                    await send_oldest_mentions(settings.enrich_batch_size)

            if backlog:
                await halting_on_failure("enrich", run)

    if "index" in stages:

        @app.agent(enriched_topic, name="index")
        async def index_agent(stream: faust.StreamT) -> None:
            # Watch lists: every batch Elasticsearch acknowledged is matched, and its
            # alerts published, before the batch is; a fault there is waited out.
            alerts = AlertRaiser(settings)
            sink = IndexSink(settings, after_write=[*after_write, alerts.after_articles_written])
            # Only a worker that enriches too knows when a backlog waits for its NLP.
            pace = RefreshPace(settings, sink.client) if "enrich" in stages else None
            pacing = asyncio.create_task(follow_backlog(pace, search_path_first.backlogged)) if pace and pace.enabled else None

            async def run() -> None:
                async for events in stream.take_events(settings.index_batch_size, within=settings.index_batch_seconds):
                    search_path_first.index_took()
                    try:
                        await settle(events, lambda: index_events(events, outbox, sink))
                    finally:
                        search_path_first.index_finished()

            try:
                await halting_on_failure("index", run)
            finally:
                if pacing is not None:
                    pacing.cancel()
                    await leave_refresh_usual(pace)
                await sink.close()
                await alerts.close()

    if "incidents" in stages:
        # A worker without the enrich stage never reports it busy: its incidents stage never waits.
        add_incidents_agent(app, settings, mentions_topic, outbox, halting_on_failure, search_path_first)

    return app


# RocksDB as Faust opens it by default keeps up to three 64 MiB write buffers and a 2 GiB
# block cache for each partition: a worker writing incidents for half an hour grew by
# hundreds of MiB. The table is small, and a batch reads what it wrote from its own cache.
TABLE_STORE_OPTIONS = {"write_buffer_size": 4 << 20, "max_write_buffer_number": 2, "block_cache_size": 16 << 20}


def add_incidents_agent(app: CoopwatchApp, settings: Settings, mentions_topic: faust.TopicT, outbox: Outbox,
                        halting_on_failure: Callable[[str, Callable[[], Awaitable[None]]], Awaitable[None]],
                        search_path_first: SearchPathFirst) -> None:
    """Mentions -> the incidents table -> coop-incidents.

    The table lives in the partition of the mentions it was built from (keys are
    event types), is backed by a compacted changelog and kept locally in
    ``settings.state_store``. In batches (the index stage's size and window):
    each message is applied to the table in order, its writes going to the
    changelog partition of that message; then one bulk writes every incident
    the batch changed, and the batch is released only once Elasticsearch has
    answered for them. A batch first gives way to the worker's search path
    while articles wait for it and until a backlog's last articles are indexed
    (``SearchPathFirst``). Applying a message is
    idempotent, so one processed again after a crash or a rebalance changes
    nothing.
    """
    table = app.Table(
        TABLE_NAME, default=None, partitions=settings.topic_partitions,
        # "rocksdb:incidents", not "rocksdb://": Faust ignores a table store URL without a path.
        store=f"{settings.state_store}:{TABLE_NAME}",
        key_type=bytes, value_type=bytes,   # raw: IncidentStore encodes its own JSON
        options=dict(TABLE_STORE_OPTIONS),  # a copy: the store takes keys out of it
    )

    @app.agent(mentions_topic, name="incidents")
    async def incidents_agent(stream: faust.StreamT) -> None:
        sink = IndexSink(settings)

        async def run() -> None:
            async for events in stream.take_events(settings.index_batch_size, within=settings.index_batch_seconds):
                await settle(events, lambda: place_after_search_path(events))

        async def place_after_search_path(events: Sequence[EventT]) -> None:
            # Ends at a rebalance too: the table's partitions may have moved, and the batch
            # is placed at once, as one in progress would have been.
            rebalances = app.consumer.rebalances
            with app.resting(settings.topic_mentions):
                await search_path_first.give_way(oldest_timestamp(events),
                                                 interrupted=lambda: app.consumer.rebalances != rebalances)
            # A store per batch: what it keeps parsed is never older than the batch.
            await incidents_events(events, outbox, IncidentStore(table), sink, settings)

        try:
            await halting_on_failure("incidents", run)
        finally:
            await sink.close()
