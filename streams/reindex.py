"""`coopwatch reindex`: build the next index version, re-enriched by the current code, then swap the aliases.

The version behind the aliases stays searchable (and written by the workers)
while the next one is built from ``news.normalised`` -- and, for any article
the topic no longer holds, from its current document -- or from the current
documents only. The aliases then move in one ``_aliases`` request, so a search
sees one whole version or the other. A last pass after the swap picks up what
the workers wrote to the old version meanwhile. Progress is kept in the new
articles index's mapping ``_meta``, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from kafka import TopicPartition
from pydantic import ValidationError
from tqdm import tqdm

from schemas.articles import EnrichedArticle, NormalisedArticle
from streams.clients import elasticsearch_client, kafka_consumer
from streams.index import IndexSink, alias_targets, index_name, put_templates
from streams.settings import Settings

log = logging.getLogger(__name__)

STATE_KEY = "coopwatch_reindex"


def version_of(index: str) -> int | None:
    match = re.search(r"-v(\d+)$", index)
    return int(match.group(1)) if match else None


def next_version(existing: list[str]) -> int:
    return max((version_of(name) or 0 for name in existing), default=0) + 1


# The article document names two fields differently from the model.
_DOCUMENT_NAMES = {"text": "body", "published_at": "@timestamp"}


def normalised_from_document(document: dict[str, Any]) -> NormalisedArticle:
    """The normalised article an article document was made from (to re-enrich it when the topic no longer has it)."""
    fields = {name: document[_DOCUMENT_NAMES.get(name, name)] for name in NormalisedArticle.model_fields
              if document.get(_DOCUMENT_NAMES.get(name, name)) is not None}
    fields.setdefault("id_basis", "feed_id" if document.get("feed_id") else "url" if document.get("url") else "content")
    return NormalisedArticle(**fields)


@dataclass
class ReindexReport:
    version: int
    old: dict[str, list[str]]
    new: dict[str, str]
    from_topic: int = 0          # articles re-enriched from news.normalised
    from_documents: int = 0      # articles re-enriched from their current document
    copied: int = 0              # kept as they were: the current code could not re-enrich them
    invalid_messages: int = 0    # messages of news.normalised that are not a NormalisedArticle
    refused: dict[str, str] = field(default_factory=dict)  # article id -> why Elasticsearch refused it
    resumed: bool = False

    def __str__(self) -> str:
        lines = [f"{'resumed' if self.resumed else 'built'} version {self.version}: "
                 f"{self.from_topic:,} articles re-enriched from the normalised topic, "
                 f"{self.from_documents:,} from their documents, {self.copied:,} kept as they were"]
        if self.invalid_messages:
            lines.append(f"{self.invalid_messages:,} messages of the normalised topic are not normalised articles (skipped)")
        if self.refused:
            lines.append(f"{len(self.refused):,} articles refused by Elasticsearch, e.g. {next(iter(self.refused.items()))}")
        for alias, index in self.new.items():
            lines.append(f"{alias} -> {index} (was {', '.join(self.old[alias])}, kept: delete it once satisfied)")
        return "\n".join(lines)


class Reindexer:
    def __init__(self, settings: Settings, *, batch_size: int) -> None:
        from streams.enrich import Enricher

        self.settings = settings
        self.batch_size = batch_size
        self.client = elasticsearch_client(settings, request_timeout=120)
        self.aliases = (settings.articles_alias, settings.events_alias)
        self.enricher = Enricher(settings)

    # ---- state, in the new articles index's _meta

    def read_state(self, index: str) -> dict[str, Any] | None:
        mapping = self.client.indices.get_mapping(index=index)[index]["mappings"]
        return (mapping.get("_meta") or {}).get(STATE_KEY)

    def save_state(self, index: str, state: dict[str, Any]) -> None:
        meta = self.client.indices.get_mapping(index=index)[index]["mappings"].get("_meta") or {}
        self.client.indices.put_mapping(index=index, meta={**meta, STATE_KEY: state})

    # ---- the plan

    def plan(self, source: str) -> tuple[dict[str, Any], bool]:
        """The build to do: a new one, or the unfinished one found (resumed)."""
        current = {alias: alias_targets(self.client, alias) for alias in self.aliases}
        if not all(current.values()):
            raise RuntimeError(f"no index behind {' or '.join(a for a, t in current.items() if not t)}: run `coopwatch setup` first")
        existing = sorted(self.client.indices.get(index=[f"{alias}-v*" for alias in self.aliases], expand_wildcards="open").body)
        newest = max(existing, key=lambda name: version_of(name) or 0)
        version = version_of(newest) or 1
        candidate = index_name(self.settings.articles_alias, version)
        state = self.read_state(candidate) if candidate in existing else None
        if state and state.get("phase") != "done":
            return state, True
        if candidate not in current[self.settings.articles_alias] and state is None and candidate in existing:
            target = version  # an empty or partial next version left without a state: build it
        else:
            target = next_version(existing)
        state = {"version": target, "source": source, "phase": "build", "from": current,
                 "started_at": datetime.now(timezone.utc).isoformat(), "offsets": None, "ends": None,
                 "after": None, "counts": {}}
        return state, False

    def create_indices(self, version: int) -> dict[str, str]:
        targets = {alias: index_name(alias, version) for alias in self.aliases}
        for index in targets.values():
            if not self.client.indices.exists(index=index):
                self.client.indices.create(index=index)  # mappings and settings from the current templates
        return targets

    # ---- writing

    def sink(self, targets: dict[str, str]) -> IndexSink:
        return IndexSink(self.settings.model_copy(update={
            "articles_alias": targets[self.settings.articles_alias], "events_alias": targets[self.settings.events_alias]}))

    def enrich(self, articles: list[NormalisedArticle]) -> tuple[list[EnrichedArticle], list[NormalisedArticle]]:
        """(enriched, those the current code could not enrich)."""
        try:
            return self.enricher.enrich_many(articles), []
        except Exception:  # noqa: BLE001 - find the culprits one by one
            enriched, failed = [], []
            for article in articles:
                try:
                    enriched.append(self.enricher.enrich(article))
                except Exception as error:  # noqa: BLE001
                    log.warning("could not re-enrich %s: %r", article.article_id, error)
                    failed.append(article)
            return enriched, failed

    async def write(self, sink: IndexSink, articles: list[EnrichedArticle], report: ReindexReport) -> None:
        if articles:
            result = await sink.write(articles)
            report.refused.update({article_id: fault.reason for article_id, fault in result.refused.items()})

    # ---- sources

    def normalised_batches(self, state: dict[str, Any]) -> Iterator[tuple[list[bytes], dict[str, int]]]:
        """Message values of news.normalised up to the end offsets of the state, with the positions reached."""
        topic = self.settings.topic_normalised
        consumer = kafka_consumer(self.settings, group_id=None, enable_auto_commit=False)
        try:
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            if not partitions:
                return
            consumer.assign(partitions)
            if state["offsets"] is None:
                state["offsets"] = {str(tp.partition): offset for tp, offset in consumer.beginning_offsets(partitions).items()}
            if state["ends"] is None:
                state["ends"] = {str(tp.partition): offset for tp, offset in consumer.end_offsets(partitions).items()}
            positions = {int(p): offset for p, offset in state["offsets"].items()}
            ends = {int(p): offset for p, offset in state["ends"].items()}
            for tp in partitions:
                consumer.seek(tp, positions.get(tp.partition, 0))
            total = sum(max(ends.get(p, 0) - positions.get(p, 0), 0) for p in ends)
            with tqdm(total=total, desc=f"re-enriching {topic}", unit="msg", disable=None) as bar:
                while any(positions.get(p, 0) < end for p, end in ends.items()):
                    polled = consumer.poll(timeout_ms=5000, max_records=self.batch_size)
                    if not polled:
                        continue
                    values = []
                    for tp, records in polled.items():
                        for record in records:
                            if record.offset < ends.get(tp.partition, 0):
                                values.append(record.value)
                        positions[tp.partition] = max(positions.get(tp.partition, 0), min(consumer.position(tp), ends.get(tp.partition, 0)))
                        if positions[tp.partition] >= ends.get(tp.partition, 0):
                            consumer.pause(tp)
                    bar.update(len(values))
                    yield values, {str(p): offset for p, offset in positions.items()}
        finally:
            consumer.close()

    def document_pages(self, index: str, after: list[Any] | None) -> Iterator[list[dict[str, Any]]]:
        """Article documents of an index in article-id order, from ``after`` on."""
        total = self.client.count(index=index)["count"]
        with tqdm(total=total, desc=f"re-enriching {index}", unit="doc", disable=None) as bar:
            while True:
                hits = self.client.search(index=index, size=self.batch_size, sort=[{"article_id": "asc"}],
                                          search_after=after, query={"match_all": {}})["hits"]["hits"]
                if not hits:
                    return
                bar.update(len(hits))
                yield hits
                after = hits[-1]["sort"]

    async def from_normalised(self, state: dict[str, Any], sink: IndexSink, report: ReindexReport, target: str) -> None:
        for values, positions in self.normalised_batches(state):
            articles = []
            for value in values:
                try:
                    articles.append(NormalisedArticle.model_validate_json(value))
                except ValidationError:
                    report.invalid_messages += 1
            enriched, failed = self.enrich(articles)
            await self.write(sink, enriched, report)
            report.from_topic += len(enriched)
            # Those the current code cannot enrich keep their current document (the fill-in pass copies them).
            state["offsets"] = positions
            self.save_state(target, state)

    async def from_documents(self, state: dict[str, Any], sink: IndexSink, report: ReindexReport,
                             targets: dict[str, str], *, only_missing: bool) -> None:
        old_articles = state["from"][self.settings.articles_alias]
        old_events = state["from"][self.settings.events_alias]
        for old in old_articles:
            for hits in self.document_pages(old, state["after"]):
                last = hits[-1]["sort"]
                if only_missing:
                    new_articles = targets[self.settings.articles_alias]
                    self.client.indices.refresh(index=new_articles)
                    found = self.client.mget(index=new_articles, ids=[hit["_id"] for hit in hits], source=False)["docs"]
                    present = {doc["_id"] for doc in found if doc.get("found")}
                    hits = [hit for hit in hits if hit["_id"] not in present]
                articles, unreadable = [], []
                for hit in hits:
                    try:
                        articles.append(normalised_from_document(hit["_source"]))
                    except (KeyError, ValidationError):
                        unreadable.append(hit["_id"])
                enriched, failed = self.enrich(articles)
                await self.write(sink, enriched, report)
                report.from_documents += len(enriched)
                if failed or unreadable:
                    kept = [a.article_id for a in failed] + unreadable
                    report.copied += await self.copy_as_is(kept, old, old_events, targets, sink)
                state["after"] = last
                self.save_state(targets[self.settings.articles_alias], state)
            state["after"] = None

    async def copy_as_is(self, article_ids: list[str], old_articles: str, old_events: list[str],
                         targets: dict[str, str], sink: IndexSink) -> int:
        """Articles the current code cannot re-enrich keep their current documents and events in the new version."""
        actions = [{"_op_type": "index", "_index": targets[self.settings.articles_alias], "_id": doc["_id"], "_source": doc["_source"]}
                   for doc in self.client.mget(index=old_articles, ids=article_ids)["docs"] if doc.get("found")]
        for events_index in old_events:
            hits = self.client.search(index=events_index, query={"terms": {"article_id": article_ids}}, size=10000)["hits"]["hits"]
            actions += [{"_op_type": "index", "_index": targets[self.settings.events_alias], "_id": hit["_id"], "_source": hit["_source"]}
                        for hit in hits]
        await sink.send(actions)
        return len(article_ids)

    # ---- the whole run

    def swap(self, state: dict[str, Any], targets: dict[str, str]) -> None:
        """Both aliases move to the new version in one request: searches see one whole version or the other."""
        self.client.indices.refresh(index=list(targets.values()))  # searchable the moment the aliases point to it
        actions: list[dict[str, Any]] = []
        for alias in self.aliases:
            actions += [{"remove": {"index": old, "alias": alias}} for old in state["from"][alias]]
            actions.append({"add": {"index": targets[alias], "alias": alias, "is_write_index": True}})
        self.client.indices.update_aliases(actions=actions)

    async def run(self, source: str) -> ReindexReport:
        put_templates(self.client, self.settings)
        state, resumed = self.plan(source)
        targets = self.create_indices(state["version"])
        target = targets[self.settings.articles_alias]
        report = ReindexReport(version=state["version"], old=state["from"], new=targets, resumed=resumed)
        self.save_state(target, state)
        sink = self.sink(targets)
        try:
            if state["phase"] == "build":
                if state["source"] == "normalised":
                    await self.from_normalised(state, sink, report, target)
                # The topic may no longer hold every article (retention): the rest come from their documents.
                await self.from_documents(state, sink, report, targets, only_missing=state["source"] == "normalised")
                self.swap(state, targets)
                state.update(phase="swapped", ends=None)
                self.save_state(target, state)
            if state["phase"] == "swapped":
                # What the workers wrote to the old version between the passes and the swap.
                if state["source"] == "normalised":
                    await self.from_normalised(state, sink, report, target)
                await self.from_documents(state, sink, report, targets, only_missing=True)
                state.update(phase="done", finished_at=datetime.now(timezone.utc).isoformat())
                self.save_state(target, state)
        finally:
            await sink.close()
        return report


def reindex(settings: Settings, *, source: str = "normalised", batch_size: int = 64) -> ReindexReport:
    return asyncio.run(Reindexer(settings, batch_size=batch_size).run(source))
