"""The Faust app: thin agents around the stage functions, bound to a dead-letter topic.

Faust marks a message done even when an agent raises, so every agent catches
its own errors and dead-letters the message explicitly: nothing is dropped.
Offsets are committed by Faust only for acknowledged messages, after the
producer has flushed; the index agent acknowledges a batch only once
Elasticsearch has answered for every document in it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Callable, Iterable, Sequence

import faust
from faust.types import EventT
from pydantic import ValidationError

from schemas.articles import ArticleMentions, DeadLetter, EnrichedArticle, NormalisedArticle, Stage
from streams.alerts import AlertRaiser
from streams.clients import faust_broker_options
from streams.incidents import TABLE_NAME, IncidentStore, apply_mentions, incident_actions, mentions_of, routing_key
from streams.index import DocumentFailure, Indexer, bulk_actions
from streams.normalise import NormaliseError, normalise_payload, receive_time
from streams.settings import Settings

log = logging.getLogger(__name__)

STAGES: tuple[Stage, ...] = ("normalise", "enrich", "index", "incidents")
ENRICH_BATCH = 16


def dead_letter_for(event: EventT, stage: Stage, error: BaseException, *, kind: str | None = None) -> DeadLetter:
    message = event.message
    payload = message.value if isinstance(message.value, bytes) else str(message.value).encode("utf-8")
    key = message.key.decode("utf-8", errors="replace") if isinstance(message.key, bytes) else message.key
    return DeadLetter.for_payload(
        payload,
        stage=stage,
        error_kind=kind or getattr(error, "kind", None) or type(error).__name__,
        error_message=str(error) or repr(error),
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=key,
    )


def parse_stage_input(model: type[NormalisedArticle], payload: bytes) -> NormalisedArticle:
    """Messages between stages are JSON of the upstream model; anything else is a contract breach."""
    try:
        return model.model_validate_json(payload)
    except ValidationError as error:
        raise NormaliseError("contract_violation", f"not a valid {model.__name__}: {error.errors()[0]['msg']}") from None


def create_app(
    settings: Settings,
    *,
    stages: Iterable[Stage] = STAGES,
    enricher_factory: Callable[[Settings], object] | None = None,
) -> faust.App:
    stages = set(stages)
    app = faust.App(
        settings.app_id,
        **faust_broker_options(settings),
        store="memory://",
        datadir=settings.state_dir,
        web_enabled=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replicas,
        topic_allow_declare=False,  # topics are created by ensure_topics with their size limits
        consumer_auto_offset_reset="earliest",
        producer_max_request_size=settings.max_message_bytes,
        consumer_max_fetch_size=settings.max_message_bytes,
        broker_commit_interval=1.0,
    )

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

    raw_topic = topic(settings.topic_raw)
    normalised_topic = topic(settings.topic_normalised)
    enriched_topic = topic(settings.topic_enriched)
    deadletter_topic = topic(settings.topic_deadletter)
    mentions_topic = topic(settings.topic_mentions)

    async def dead_letter(letter: DeadLetter) -> None:
        log.warning("dead-lettered %s message %s/%s@%s: %s: %s", letter.stage, letter.topic, letter.partition,
                    letter.offset, letter.error_kind, letter.error_message[:200])
        await deadletter_topic.send(key=(letter.key or "").encode("utf-8") or None, value=letter.model_dump_json().encode("utf-8"))

    if "normalise" in stages:

        @app.agent(raw_topic, name="normalise")
        async def normalise_agent(stream: faust.StreamT) -> None:
            async for event in stream.events():
                try:
                    article = normalise_payload(
                        event.message.value, received_at=receive_time(event.message.timestamp), max_body_chars=settings.max_body_chars
                    )
                except Exception as error:  # noqa: BLE001 - every failure is dead-lettered with its reason
                    await dead_letter(dead_letter_for(event, "normalise", error))
                    continue
                await normalised_topic.send(key=article.article_id.encode(), value=article.model_dump_json().encode("utf-8"))

    if "enrich" in stages:
        if enricher_factory is None:
            from streams.enrich import Enricher

            enricher_factory = Enricher
        enricher = enricher_factory(settings)

        @app.agent(normalised_topic, name="enrich")
        async def enrich_agent(stream: faust.StreamT) -> None:
            loop = asyncio.get_running_loop()
            async for events in stream.take_events(ENRICH_BATCH, within=0.2):
                articles: list[tuple[EventT, NormalisedArticle]] = []
                for event in events:
                    try:
                        articles.append((event, parse_stage_input(NormalisedArticle, event.message.value)))
                    except Exception as error:  # noqa: BLE001
                        await dead_letter(dead_letter_for(event, "enrich", error))
                # NLP is CPU-bound: run it off the event loop so Kafka heartbeats go on.
                for event, result in await loop.run_in_executor(None, enrich_each, enricher, articles):
                    if isinstance(result, BaseException):
                        await dead_letter(dead_letter_for(event, "enrich", result))
                    else:
                        await enriched_topic.send(key=result.article_id.encode(), value=result.model_dump_json().encode("utf-8"))
                        # Keyed for consolidation; sent for every type, so a re-enriched article's
                        # vanished events leave their incidents.
                        for message in mentions_of(result):
                            await mentions_topic.send(key=routing_key(message.type), value=message.model_dump_json().encode("utf-8"))

    if "index" in stages:

        @app.agent(enriched_topic, name="index")
        async def index_agent(stream: faust.StreamT) -> None:
            indexer = Indexer(settings)
            alerts = AlertRaiser(settings)
            try:
                await index_batches(stream, indexer, alerts)
            finally:
                await indexer.close()
                await alerts.close()

        async def index_batches(stream: faust.StreamT, indexer: Indexer, alerts: AlertRaiser) -> None:
            async for events in stream.take_events(settings.index_batch_size, within=settings.index_batch_seconds):
                batch: list[tuple[EventT, EnrichedArticle]] = []
                for event in events:
                    try:
                        batch.append((event, EnrichedArticle.model_validate_json(event.message.value)))
                    except Exception as error:  # noqa: BLE001
                        await dead_letter(dead_letter_for(event, "index", error, kind="contract_violation"))
                if not batch:
                    continue
                actions_by_event = {id(event): bulk_actions(article, settings) for event, article in batch}
                # Returns only when Elasticsearch has answered for every document;
                # take_events acknowledges the batch after this loop body.
                failures = await indexer.write([a for actions in actions_by_event.values() for a in actions])
                refused = failures_by_event(batch, actions_by_event, failures)
                for event, failure in refused:
                    await dead_letter(dead_letter_for(event, "index", RuntimeError(failure.reason), kind=f"elasticsearch_{failure.status}"))
                # Elasticsearch acknowledged these: check them against the watch lists before the batch is acknowledged.
                refused_events = {id(event) for event, _ in refused}
                await alerts.after_indexed(sorted({article.article_id for event, article in batch if id(event) not in refused_events}))
                try:
                    await indexer.delete_stale_events([article for _, article in batch])
                except Exception as error:  # noqa: BLE001 - housekeeping; the articles themselves are written
                    log.warning("could not remove stale events of %d articles: %s", len(batch), error)

    if "incidents" in stages:
        add_incidents_agent(app, settings, mentions_topic, dead_letter)

    return app


def add_incidents_agent(app: faust.App, settings: Settings, mentions_topic: faust.TopicT, dead_letter) -> None:
    """Mentions -> the incidents table -> coop-incidents.

    The table lives in the partition of the mentions it was built from (keys are
    event types), is backed by a compacted changelog and kept locally in
    ``settings.state_store``. One message at a time: table writes go to the
    changelog partition of the event being processed, and a message is
    acknowledged only once Elasticsearch has answered for the incidents it
    changed. Applying a message is idempotent, so one processed again after a
    crash or a rebalance changes nothing.
    """
    table = app.Table(
        TABLE_NAME, default=None, partitions=settings.topic_partitions,
        # "rocksdb:incidents", not "rocksdb://": Faust ignores a table store URL without a path.
        store=f"{settings.state_store}:{TABLE_NAME}",
        key_type=bytes, value_type=bytes,   # raw: IncidentStore encodes its own JSON
    )
    store = IncidentStore(table)

    @app.agent(mentions_topic, name="incidents")
    async def incidents_agent(stream: faust.StreamT) -> None:
        indexer = Indexer(settings)
        try:
            async for event in stream.events():
                try:
                    message = ArticleMentions.model_validate_json(event.message.value)
                except ValidationError as error:
                    await dead_letter(dead_letter_for(event, "incidents", error, kind="contract_violation"))
                    continue
                try:
                    changes = apply_mentions(store, message, settings)
                except Exception as error:  # noqa: BLE001 - dead-lettered with its reason, the worker goes on
                    await dead_letter(dead_letter_for(event, "incidents", error))
                    continue
                actions = incident_actions(changes, settings, indexed_at=datetime.now(timezone.utc))
                failures = [f for f in await indexer.write(actions) if not (f.action["_op_type"] == "delete" and f.status == 404)]
                if failures:
                    await dead_letter(dead_letter_for(event, "incidents", RuntimeError(failures[0].reason),
                                                      kind=f"elasticsearch_{failures[0].status}"))
        finally:
            await indexer.close()


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


def failures_by_event(
    batch: Sequence[tuple[EventT, EnrichedArticle]],
    actions_by_event: dict[int, list[dict]],
    failures: Sequence[DocumentFailure],
) -> list[tuple[EventT, DocumentFailure]]:
    """Which message each refused document came from (an article is dead-lettered once)."""
    found: list[tuple[EventT, DocumentFailure]] = []
    seen: set[int] = set()
    for failure in failures:
        for event, _ in batch:
            key = id(event)
            if key not in seen and any(a["_id"] == failure.action.get("_id") for a in actions_by_event[key]):
                found.append((event, failure))
                seen.add(key)
                break
    return found
