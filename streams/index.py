"""Index stage: EnrichedArticle -> bulk actions -> Elasticsearch.

Building the actions (pure, testable without a cluster) is kept apart from
sending them. ``IndexSink`` sends a batch and gives every outcome a class
(``classify``): a transient fault is retried with bounded backoff until it
passes, a document Elasticsearch refuses for good is reported so its message
is dead-lettered, and a fault no document can get past (a rejected credential)
stops the stage with ``IndexingHalted``. Nothing is reported written that
Elasticsearch did not acknowledge.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from importlib import resources
from typing import Any, Awaitable, Callable, Iterable, Literal, Sequence

from elastic_transport import SerializationError, TlsError, TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch
from elasticsearch.helpers import async_streaming_bulk
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from schemas.articles import CooperationEvent, EnrichedArticle
from streams.clients import async_elasticsearch_client
from streams.settings import Settings

log = logging.getLogger(__name__)

TEMPLATE_NAMES = ("news-articles", "coop-events", "coop-incidents")
COMPONENT_NAMES = ("coopwatch-analysis",)


def index_name(alias: str, version: int) -> str:
    return f"{alias}-v{version}"


def article_document(article: EnrichedArticle, *, indexed_at: datetime) -> dict[str, Any]:
    """The news-articles document: flat keyword facets for Kibana, provenance kept in ``tags``."""
    return {
        "@timestamp": article.published_at.isoformat(),
        "article_id": article.article_id,
        "feed_id": article.feed_id,
        "url": article.url,
        "source": article.source,
        "language": article.language,
        "language_source": article.language_source,
        "published_at_source": article.published_at_source,
        "published_at_precision": article.published_at_precision,
        "published_at_raw": article.published_at_raw,
        "warnings": article.warnings,
        "unreadable_fields": article.unreadable_fields,
        "title": article.title,
        "body": article.text,
        "persons": sorted({p.name for p in article.persons}),
        "organizations": sorted({o.label for o in article.organizations}),
        "organization_names": sorted({o.name for o in article.organizations}),
        "countries": sorted({c.code for c in article.countries}),
        "country_pairs": sorted({e.country_pair for e in article.events if len(e.countries) > 1}),
        "topics": sorted({t.topic for t in article.topics}),
        "event_types": sorted({e.type for e in article.events}),
        "events": [
            {
                "event_id": e.event_id,
                "type": e.type,
                "countries": e.countries,
                "country_pair": e.country_pair,
                "location": e.location,
                "evidence": e.evidence,
            }
            for e in article.events
        ],
        # one serialisation of the four lists, not one per tag
        "tags": article.model_dump(include={"persons", "organizations", "countries", "topics"}),
        "received_at": article.received_at.isoformat(),
        "enriched_at": article.enriched_at.isoformat(),
        "indexed_at": indexed_at.isoformat(),
        "enricher_version": article.enricher_version,
    }


def event_document(event: CooperationEvent, article: EnrichedArticle, *, indexed_at: datetime) -> dict[str, Any]:
    return {
        "@timestamp": event.published_at.isoformat(),
        "event_id": event.event_id,
        "article_id": article.article_id,
        "type": event.type,
        "countries": event.countries,
        "country_pair": event.country_pair,
        "location": event.location,
        "evidence": event.evidence,
        "trigger": event.trigger,
        "persons": event.persons,
        "organizations": event.organizations,
        "article_title": article.title,
        "article_url": article.url,
        "source": article.source,
        "language": article.language,
        "indexed_at": indexed_at.isoformat(),
        "enricher_version": article.enricher_version,
    }


def bulk_actions(article: EnrichedArticle, settings: Settings, *, indexed_at: datetime | None = None) -> list[dict[str, Any]]:
    """Index actions with deterministic ids: a redelivered article overwrites itself and its events."""
    indexed_at = indexed_at or datetime.now(timezone.utc)
    actions = [
        {
            "_op_type": "index",
            "_index": settings.articles_alias,
            "_id": article.article_id,
            "_source": article_document(article, indexed_at=indexed_at),
        }
    ]
    actions += [
        {
            "_op_type": "index",
            "_index": settings.events_alias,
            "_id": event.event_id,
            "_source": event_document(event, article, indexed_at=indexed_at),
        }
        for event in article.events
    ]
    return actions


def stale_events_query(articles: Iterable[EnrichedArticle]) -> dict[str, Any]:
    """Events that an earlier enrichment of these articles produced and this one did not.

    Re-enriching history after a gazetteer change must not leave yesterday's events behind.
    """
    articles = list(articles)
    return {
        "bool": {
            "filter": [{"terms": {"article_id": [a.article_id for a in articles]}}],
            "must_not": [{"ids": {"values": [e.event_id for a in articles for e in a.events]}}],
        }
    }


def listed_event_ids(document: dict[str, Any]) -> set[str] | None:
    """The event ids an article's indexed document lists, or None when its list cannot be trusted.

    Every document this release writes lists all its events with their ids, and its events
    are written in the same request. A document without that list (or an entry without an
    id) may come from elsewhere: its events are searched for instead.
    """
    events = (document.get("_source") or {}).get("events")
    if not isinstance(events, list) or not all(isinstance(e, dict) and e.get("event_id") for e in events):
        return None
    return {e["event_id"] for e in events}


@dataclass
class PreviousEvents:
    """What the articles' current documents say of their events, read before a batch overwrites them."""

    listed: dict[str, set[str]] = field(default_factory=dict)  # article id -> the event ids its document lists
    unknown: list[str] = field(default_factory=list)           # no document, or one whose list is not to be trusted

    @classmethod
    def from_mget(cls, response: dict[str, Any]) -> "PreviousEvents":
        previous = cls()
        for document in response["docs"]:
            ids = listed_event_ids(document) if document.get("found") else None
            if ids is None:
                previous.unknown.append(document["_id"])
            else:
                previous.listed[document["_id"]] = ids
        return previous

    def stale(self, article: EnrichedArticle) -> set[str]:
        """The events the article's document listed that this enrichment no longer produces."""
        return self.listed.get(article.article_id, set()) - {e.event_id for e in article.events}

    def orphaned(self, article: EnrichedArticle) -> set[str]:
        """Events of this enrichment that its document, refused, does not list: none may stay in coop-events."""
        return {e.event_id for e in article.events} - self.listed.get(article.article_id, set())


def load_template(name: str) -> dict[str, Any]:
    """A template file as keyword arguments of the client (its ``_meta`` is the client's ``meta``)."""
    text = resources.files("schemas").joinpath("index_templates", f"{name}.json").read_text(encoding="utf-8")
    return {("meta" if key == "_meta" else key): value for key, value in json.loads(text).items()}


def index_template(name: str, alias: str, settings: Settings) -> dict[str, Any]:
    """A template file made for this deployment: its aliases' indices, its shard and replica counts."""
    template = load_template(name)
    # The templates follow the configured aliases, so a second deployment
    # (or a test run) can live beside the first in one cluster.
    template["index_patterns"] = [f"{alias}-v*"]
    template["template"].setdefault("settings", {}).update(
        number_of_shards=settings.index_shards, number_of_replicas=settings.index_replicas,
        refresh_interval=refresh_interval(name, settings))
    return template


def managed_aliases(settings: Settings) -> tuple[str, ...]:
    """The aliases this deployment writes, in the order of TEMPLATE_NAMES."""
    return (settings.articles_alias, settings.events_alias, settings.incidents_alias)


def put_templates(client: Elasticsearch, settings: Settings) -> None:
    for name in COMPONENT_NAMES:
        client.cluster.put_component_template(name=name, **load_template(name))
    for name, alias in zip(TEMPLATE_NAMES, managed_aliases(settings)):
        client.indices.put_index_template(name=alias, **index_template(name, alias, settings))


def refresh_interval(template_name: str, settings: Settings) -> str:
    """The articles' interval, or the events' and incidents' (longer: see the settings). An
    explicit interval also keeps an index refreshing while nobody searches it (no search-idle
    shard), so an analyst's first search after a quiet spell does not wait for a refresh."""
    seconds = settings.index_refresh_seconds if template_name == "news-articles" else settings.event_indices_refresh_seconds
    return interval_text(seconds)


def interval_text(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def refresh_step(backlogged: bool, slowed_at: float | None, now: float, *, reassert_seconds: float) -> Literal["slow", "back", None]:
    """What a worker does to the articles' refresh interval: slow it, bring it back, or nothing.

    ``slowed_at`` is when this worker last slowed it (None: it has not, or brought it
    back since). The interval belongs to the index, shared by every worker: a worker
    says "slow" again every ``reassert_seconds`` while its backlog lasts, so one that
    caught up first and brought the interval back does not keep it fast under the
    others' backlog for long."""
    if backlogged:
        return "slow" if slowed_at is None or now - slowed_at >= reassert_seconds else None
    return "back" if slowed_at is not None else None


class RefreshPace:
    """The articles and coop-events indices refresh less often while a backlog waits for the NLP.

    Each refresh of an index that received writes makes a segment, written at once and
    merged later, on the cores the NLP needs. An article of a backlog waits seconds for
    the enrich stage anyway, so a slower refresh adds little to that, and gives the NLP
    the CPU. Once the backlog is gone each index has its usual interval again, and one
    refresh shows the backlog's last articles and events at once. A fault here is logged
    and tried again on the next call; it never touches an article: the interval only
    says how soon written documents show.
    """

    REASSERT_SECONDS = 5.0

    def __init__(self, settings: Settings, client: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        backlogged = settings.index_refresh_seconds_backlogged
        # alias -> (its usual interval, its interval in a backlog): never faster than usual
        self.intervals = {
            alias: (interval_text(usual), interval_text(max(usual, backlogged)))
            for alias, usual in ((settings.articles_alias, settings.index_refresh_seconds),
                                 (settings.events_alias, settings.event_indices_refresh_seconds))
        }
        self._clock = clock
        self._slowed_at: float | None = None
        self._failing = False

    @property
    def enabled(self) -> bool:
        return any(usual != backlog for usual, backlog in self.intervals.values())

    @property
    def slowed(self) -> bool:
        return self._slowed_at is not None

    async def follow(self, backlogged: bool) -> None:
        """Slow the refreshes for a backlog, or bring them back once the backlog is gone."""
        if not self.enabled:
            return
        now = self._clock()
        step = refresh_step(backlogged, self._slowed_at, now, reassert_seconds=self.REASSERT_SECONDS)
        if step is None:
            return
        paced = {alias: backlog if step == "slow" else usual for alias, (usual, backlog) in self.intervals.items() if usual != backlog}
        try:
            for alias, interval in paced.items():
                await self.client.indices.put_settings(index=alias, settings={"index": {"refresh_interval": interval}})
            if step == "back":
                await self.client.indices.refresh(index=list(paced))
        except (TransportError, ApiError) as error:
            if not self._failing:   # once per streak: the index stage's own retries say the rest
                log.warning("could not %s the refresh of %s: %s; trying again", "slow" if step == "slow" else "speed up",
                            ", ".join(paced), str(error)[:200])
            self._failing = True
            return
        self._failing = False
        if step == "back" or self._slowed_at is None:   # said again while a backlog lasts: not news
            log.info("%s %s", ", ".join(f"{alias} refreshes every {interval}" for alias, interval in paced.items()),
                     "while a backlog waits for the NLP" if step == "slow" else "again: the backlog is gone")
        self._slowed_at = now if step == "slow" else None


def alias_targets(client: Elasticsearch, alias: str) -> list[str]:
    """The concrete indices behind an alias (none if it does not exist)."""
    response = client.options(ignore_status=404).indices.get_alias(name=alias)
    return [] if response.meta.status == 404 else sorted(response.body)


def ensure_indices(client: Elasticsearch, settings: Settings) -> dict[str, list[str]]:
    """Install templates; create the first versioned indices behind the aliases if the aliases do not exist.

    An existing alias is left where it points: moving it to another version is
    ``coopwatch reindex``'s job (it builds the next version, then swaps the
    aliases in one request). Returns the indices behind each alias.
    """
    put_templates(client, settings)
    targets: dict[str, list[str]] = {}
    for name, alias in zip(TEMPLATE_NAMES, managed_aliases(settings)):
        current = alias_targets(client, alias)
        if not current:
            concrete = index_name(alias, settings.index_version)
            try:
                if client.indices.exists(index=concrete):
                    client.indices.put_alias(index=concrete, name=alias, is_write_index=True)
                else:
                    client.indices.create(index=concrete, aliases={alias: {"is_write_index": True}})
            except BadRequestError as error:
                if error.error != "resource_already_exists_exception":  # another worker created it first
                    raise
            current = [concrete]
        else:
            # An index made by an earlier release lacks the fields added since (its
            # mapping is strict): add them, or its new documents would be refused.
            client.indices.put_mapping(index=current, properties=load_template(name)["template"]["mappings"]["properties"])
            # and a changed refresh setting reaches it too
            client.indices.put_settings(index=current, settings={"index": {"refresh_interval": refresh_interval(name, settings)}})
            if index_name(alias, settings.index_version) not in current:
                log.warning("%s points to %s, not version %d: `coopwatch reindex` builds the next version and moves the alias",
                            alias, ", ".join(current), settings.index_version)
        targets[alias] = current
    return targets


# ---------------------------------------------------------------- outcomes


class Outcome(str, Enum):
    TRANSIENT = "transient"                    # wait and retry: nothing is acknowledged meanwhile
    PERMANENT_DOCUMENT = "permanent_document"  # this document never goes in: dead-letter its message
    PERMANENT_ALL = "permanent_all"            # no document can go in: stop, an operator must act


@dataclass(frozen=True)
class Fault:
    outcome: Outcome
    status: int | None  # HTTP status, None when Elasticsearch gave no answer
    error_type: str     # Elasticsearch's error type, or the client's exception class
    reason: str

    @property
    def kind(self) -> str:
        """What a dead letter records, e.g. ``elasticsearch_400_document_parsing_exception``."""
        return f"elasticsearch_{self.status or 'unreachable'}_{self.error_type}"


def classify(status: int | None, error_type: str | None, reason: str = "") -> Fault:
    """An Elasticsearch answer (a whole request's or one bulk item's) -> what to do about it."""
    error_type = error_type or "unknown"
    if status is None or status == 408 or status == 429 or status >= 500:
        outcome = Outcome.TRANSIENT  # unreachable, timed out, overloaded, shards unavailable
    elif error_type == "cluster_block_exception":
        # Index or cluster write blocks, including the read-only block Elasticsearch
        # puts on indices at the disk flood-stage watermark: lifted, they pass.
        outcome = Outcome.TRANSIENT
    elif status in (401, 403):
        outcome = Outcome.PERMANENT_ALL  # credentials rejected or not allowed to write
    elif status == 404 and error_type == "index_not_found_exception":
        outcome = Outcome.PERMANENT_ALL  # the alias is gone and the cluster may not create indices
    else:
        outcome = Outcome.PERMANENT_DOCUMENT  # mapping or parse errors, a document too large...
    return Fault(outcome, status, error_type, reason)


def classify_exception(error: BaseException) -> Fault:
    """An exception of elasticsearch-py 9 (an error answer, or no answer at all) -> its fault."""
    if isinstance(error, ApiError):
        if not isinstance(error.body, dict):  # not Elasticsearch's JSON: a proxy or load balancer answered
            return classify(error.meta.status, type(error).__name__, str(error.body)[:500])
        details = error.body.get("error")
        if isinstance(details, dict):
            return classify(error.meta.status, details.get("type"), str(details.get("reason") or details))
        return classify(error.meta.status, type(error).__name__, str(details or error.body))
    if isinstance(error, (TlsError, SerializationError)):
        # A certificate the client does not trust stays untrusted until someone changes
        # it; a document the client cannot encode is a bug. Retrying fixes neither.
        return Fault(Outcome.PERMANENT_ALL, None, type(error).__name__, str(error))
    if isinstance(error, TransportError):  # connection refused or reset, timeout
        return classify(None, type(error).__name__, str(error))
    raise TypeError(f"not an Elasticsearch error: {error!r}")


def classify_item(operation: str, item: dict[str, Any]) -> Fault | None:
    """One bulk item's result -> None when Elasticsearch acknowledged it, else its fault."""
    status = int(item.get("status", 500))
    if 200 <= status < 300 or (operation == "delete" and status == 404 and item.get("result") == "not_found"):
        return None
    if isinstance(item.get("exception"), BaseException):
        # The helper reports a failed bulk request as a failure of each of its items.
        return classify_exception(item["exception"])
    error = item.get("error")
    if isinstance(error, dict):
        return classify(status, error.get("type"), str(error.get("reason") or error))
    return classify(status, None, str(error))


class IndexingHalted(Exception):
    """Elasticsearch refuses every document for a reason only an operator can fix."""

    def __init__(self, fault: Fault, url: str) -> None:
        self.fault = fault
        what = {401: "rejected the credentials", 403: "does not allow this client to write",
                None: "cannot be written to"}.get(fault.status, "refused the write")
        super().__init__(
            f"Elasticsearch at {url} {what} ({fault.status or 'no answer'} {fault.error_type}: {fault.reason[:300]}). "
            "The index stage stopped; nothing was acknowledged, so every pending article is indexed once this is fixed "
            "and the worker restarted."
        )


# ---------------------------------------------------------------- the sink


@dataclass
class BatchResult:
    written: list[EnrichedArticle] = field(default_factory=list)  # Elasticsearch acknowledged them (latest version of each)
    refused: dict[str, Fault] = field(default_factory=dict)        # article id -> why, for good


AfterWrite = Callable[[list[EnrichedArticle]], Awaitable[None]]


class _StillTransient(Exception):
    def __init__(self, fault: Fault, waiting: int) -> None:
        super().__init__(fault.reason)
        self.fault, self.waiting = fault, waiting


def latest_versions(articles: Iterable[EnrichedArticle]) -> list[EnrichedArticle]:
    """One article per id, the last one of the batch (the newest enrichment), in first-seen order."""
    latest: dict[str, EnrichedArticle] = {}
    for article in articles:
        latest.pop(article.article_id, None)
        latest[article.article_id] = article
    return list(latest.values())


class IndexSink:
    """Writes batches of enriched articles and their events so that coop-events mirrors the latest enrichment.

    ``after_write`` hooks run once Elasticsearch has acknowledged a batch, with
    the articles written (their ids are what a watch list matches); the batch
    is not acknowledged until every hook has run. A hook that raises an
    Elasticsearch error is retried like the write; any other error stops the stage.
    """

    def __init__(self, settings: Settings, *, after_write: Sequence[AfterWrite] = (),
                 max_backoff_seconds: float = 10.0, initial_backoff_seconds: float = 0.5) -> None:
        self.settings = settings
        self.client = async_elasticsearch_client(settings)
        self.after_write = list(after_write)
        self.wait = wait_exponential_jitter(multiplier=initial_backoff_seconds, max=max_backoff_seconds, jitter=initial_backoff_seconds)

    async def write(self, articles: Sequence[EnrichedArticle]) -> BatchResult:
        """Write a batch; returns once every article is written or refused for good. Raises IndexingHalted.

        coop-events holds exactly the events of each article's latest enrichment. The
        articles' current documents are read first (one real-time ``mget``: it sees every
        acknowledged write, refreshed or not), and each lists its events, so the events
        no longer produced are deleted by id once the new document is acknowledged: no
        refresh, no search. An article without a document (new, or whose events were
        written otherwise) or with a list that cannot be trusted has its events searched
        for instead, beside the write.
        """
        batch = latest_versions(articles)
        indexed_at = datetime.now(timezone.utc)
        owners: list[str] = []
        actions: list[dict[str, Any]] = []
        for article in batch:
            article_actions = bulk_actions(article, self.settings, indexed_at=indexed_at)
            actions += article_actions
            owners += [article.article_id] * len(article_actions)
        previous = await self._retrying(self._previous_events, batch)
        unknown = [article for article in batch if article.article_id in set(previous.unknown)]
        faults, searched = await asyncio.gather(self.send(actions), self._retrying(self._search_stale_events, unknown))
        result = BatchResult()
        documents_refused: set[str] = set()   # articles whose own document Elasticsearch refused
        for owner, action, fault in zip(owners, actions, faults):
            if fault is not None:
                result.refused.setdefault(owner, fault)
                if action["_index"] == self.settings.articles_alias:
                    documents_refused.add(owner)
        result.written = [article for article in batch if article.article_id not in result.refused]
        # coop-events follows the article's document as it now stands: the new one drops the
        # events it no longer lists; an old one, kept, loses the events written beside it.
        stale = {event_id for article in batch if article.article_id not in documents_refused for event_id in previous.stale(article)}
        stale |= {event_id for event_id, article_id in searched if article_id not in documents_refused}
        stale |= {event_id for article in batch if article.article_id in documents_refused for event_id in previous.orphaned(article)}
        await self._delete_events(stale)
        if result.written:
            for hook in self.after_write:
                await self._retrying(hook, result.written)
        return result

    async def send(self, actions: Sequence[dict[str, Any]]) -> list[Fault | None]:
        """Bulk-send until every action is acknowledged or refused for good (its fault); transient faults are waited out."""
        faults: list[Fault | None] = [None] * len(actions)
        pending = list(range(len(actions)))
        alone: set[int] = set()  # sent in a request of their own (413 says nothing about one document otherwise)

        async def attempt() -> None:
            nonlocal pending
            retry: list[int] = []
            transient: Fault | None = None
            for group, chunk_size in (([i for i in pending if i not in alone], self.settings.index_batch_size),
                                      ([i for i in pending if i in alone], 1)):
                if not group:
                    continue
                results, error = await self._bulk([actions[i] for i in group], chunk_size)
                for position, i in enumerate(group):
                    if position >= len(results):  # the request failed before Elasticsearch answered for it
                        fault = classify_exception(error)
                    else:
                        fault = classify_item(*results[position])
                    if fault is None:
                        continue
                    if fault.outcome is Outcome.PERMANENT_ALL:
                        raise IndexingHalted(fault, self.settings.elasticsearch_url)
                    if fault.outcome is Outcome.TRANSIENT:
                        retry.append(i)
                        transient = fault
                    elif fault.status == 413 and i not in alone:
                        alone.add(i)
                        retry.append(i)
                        transient = fault
                    else:
                        faults[i] = fault
            pending = retry
            if pending:
                raise _StillTransient(transient, len(pending))

        await self._retrying(attempt)
        return faults

    async def _bulk(self, actions: list[dict[str, Any]], chunk_size: int) -> tuple[list[tuple[str, dict]], BaseException | None]:
        """(one (operation, item) per action answered, in order; the transport error that cut the rest short)."""
        results: list[tuple[str, dict]] = []
        try:
            async for _, item in async_streaming_bulk(
                self.client, actions, chunk_size=chunk_size, max_retries=0,  # retries are ours: one policy for every fault
                raise_on_error=False, raise_on_exception=False, yield_ok=True,
            ):
                results.append(next(iter(item.items())))
        except TransportError as error:
            return results, error
        return results, None

    async def _retrying(self, step: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Run a step until it passes; transient faults back off (bounded), IndexingHalted stops."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((_StillTransient, TransportError, ApiError)),
            wait=self.wait, before_sleep=self._log_retry, reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                try:
                    return await step(*args)
                except ApiError as error:
                    fault = classify_exception(error)
                    if fault.outcome is Outcome.PERMANENT_ALL:
                        raise IndexingHalted(fault, self.settings.elasticsearch_url) from None
                    raise

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _StillTransient):
            what = f"{error.waiting} document(s) wait: {error.fault.status or 'no answer'} {error.fault.error_type}: {error.fault.reason[:200]}"
        else:
            what = f"{type(error).__name__}: {str(error)[:200]}"
        log.warning("Elasticsearch: %s; retry %d in %.1fs (nothing is acknowledged meanwhile)",
                    what, state.attempt_number, state.next_action.sleep if state.next_action else 0)

    async def _previous_events(self, articles: list[EnrichedArticle]) -> PreviousEvents:
        if not articles:
            return PreviousEvents()
        response = await self.client.mget(index=self.settings.articles_alias, ids=[a.article_id for a in articles],
                                          source_includes=["events"], realtime=True)
        return PreviousEvents.from_mget(response.body)

    async def _search_stale_events(self, articles: list[EnrichedArticle]) -> list[tuple[str, str]]:
        """(event id, article id) of the events of these articles this enrichment does not produce.

        Only for articles whose document does not list their events: events written by
        anything but a successful write of this stage, long visible to searches, so no
        refresh is forced. Search then delete by id rather than _delete_by_query, which
        needs the reindex module that minimal Elasticsearch distributions leave out.
        """
        if not articles:
            return []
        stale: list[tuple[str, str]] = []
        after: list[Any] | None = None
        while True:
            response = await self.client.search(
                index=self.settings.events_alias, query=stale_events_query(articles), size=1000, source=["article_id"],
                sort=[{"event_id": "asc"}], search_after=after,
            )
            hits = response["hits"]["hits"]
            stale += [(hit["_id"], hit["_source"].get("article_id", "")) for hit in hits]
            if len(hits) < 1000:
                return stale
            after = hits[-1]["sort"]

    async def _delete_events(self, event_ids: set[str]) -> None:
        if not event_ids:
            return
        actions = [{"_op_type": "delete", "_index": self.settings.events_alias, "_id": event_id} for event_id in sorted(event_ids)]
        refused = [fault for fault in await self.send(actions) if fault is not None]
        if refused:
            log.warning("could not delete %d stale events: %s", len(refused), refused[0].reason)

    async def close(self) -> None:
        await self.client.close()

