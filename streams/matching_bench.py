"""How long matching every watch against one indexed batch takes, on the real Elasticsearch.

The articles are the sample feed cycled to the batch size (enriched for real,
indexed into a throw-away index), each given a code name of its own, as real
articles each name their own operation, network or suspect. The watches take
every shape analysts write (words, phrases, OR lists, wildcards, fields,
filters), each narrowed by a code name: one watch in ten names an article of
the batch, the others name none, so that like real watch lists most watches
stay silent on a batch and a few fire.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from schemas.alerts import Watch
from schemas.articles import EnrichedArticle
from streams.settings import Settings
from streams.watches import Matcher, alerts_from_responses, msearch_body, watch_search


SYLLABLES = ["ka", "lo", "mir", "ven", "dra", "tus", "bel", "quor", "zan", "fi"]


def code_name(number: int) -> str:
    syllables = "".join(SYLLABLES[(number // 10**k) % 10] for k in range(3))
    return f"{syllables}{number}"


def bench_articles(settings: Settings, feed: Path, count: int, run_id: str) -> list[EnrichedArticle]:
    """``count`` enriched articles: each distinct article of the feed enriched once, then given an id and a code name."""
    from streams.bench import benchmark_payloads
    from streams.enrich import Enricher
    from streams.normalise import normalise_payload

    now = datetime.now(timezone.utc)
    normalised = [normalise_payload(p, received_at=now, max_body_chars=settings.max_body_chars)
                  for p in benchmark_payloads(feed, count, run_id)]
    distinct = {(a.title, a.text): a for a in normalised}
    enriched = dict(zip(distinct, Enricher(settings).enrich_many(list(distinct.values()))))
    return [
        enriched[(a.title, a.text)].model_copy(update={
            "article_id": a.article_id, "feed_id": a.feed_id, "text": f"{a.text}\nOperation {code_name(n)}.",
        })
        for n, a in enumerate(normalised)
    ]


def bench_watches(articles: Sequence[EnrichedArticle], count: int, *, seed: int = 13) -> list[Watch]:
    """Watches of every shape an analyst writes, one in ten naming an article of the batch."""
    rng = random.Random(seed)
    words = sorted({w.lower() for a in articles for w in f"{a.title} {a.text}".split() if w.isalpha() and len(w) >= 5})
    texts = [a.title.split() for a in articles]
    persons = sorted({p.name for a in articles for p in a.persons}) or ["Nobody Known"]
    agencies = sorted({o.label for a in articles for o in a.organizations}) or ["NONE"]
    countries = sorted({c.code for a in articles for c in a.countries}) or ["FR"]
    topics = sorted({t.topic for a in articles for t in a.topics}) or ["terrorism"]
    event_types = sorted({e.type for a in articles for e in a.events}) or ["meeting"]

    def gate() -> str:
        number = rng.randrange(len(articles)) if rng.random() < 0.1 else len(articles) + rng.randrange(10**5)
        return code_name(number)

    watches = []
    for n in range(count):
        kind = n % 8
        fields: dict[str, Any] = {}
        if kind in (0, 1):
            query = f"{rng.choice(words)} {gate()}"
        elif kind == 2:
            title = rng.choice(texts)
            start = rng.randrange(max(1, len(title) - 1))
            phrase = " ".join(w.strip('.,;:«»"()') for w in title[start:start + 2])
            query = f'"{phrase}" AND {gate()}'
        elif kind == 3:
            query, fields["topics"] = f"({rng.choice(words)} OR {rng.choice(words)} OR {gate()}) AND {gate()}", [rng.choice(topics)]
        elif kind == 4:
            query, fields["countries"] = gate(), rng.sample(countries, min(2, len(countries)))
        elif kind == 5:
            query = f'persons:"{rng.choice(persons)}" AND {gate()}'
        elif kind == 6:
            query, fields["agencies"] = f"{rng.choice(words)[:4]}* {gate()}", [rng.choice(agencies)]
        else:
            query, fields["event_types"] = f"{gate()} AND NOT {rng.choice(words)}", [rng.choice(event_types)]
        watches.append(Watch(name=f"bench-{n:04d}", query=query, **fields))
    return watches


@dataclass
class MatchingBenchmark:
    watches: int
    articles: int
    alerts: int
    screened_seconds: list[float]
    one_search_each_seconds: list[float]

    def report(self) -> str:
        def line(label: str, seconds: list[float]) -> str:
            return f"{label}: median {statistics.median(seconds):.3f} s, best {min(seconds):.3f} s over {len(seconds)} rounds"

        ratio = statistics.median(self.one_search_each_seconds) / statistics.median(self.screened_seconds)
        return "\n".join([
            f"{self.watches} watches against a batch of {self.articles} indexed articles: {self.alerts} alerts",
            line("screening every watch in one _msearch, then the matches' highlights (the pipeline's way)", self.screened_seconds),
            line("one _msearch with one search per watch (for comparison)", self.one_search_each_seconds),
            f"screening is {ratio:.1f}x faster; both found the same alerts",
        ])


async def _time_matching(client, index: str, watches: list[Watch], ids: list[str], rounds: int) -> MatchingBenchmark:
    matcher = Matcher(client, index)

    async def screened() -> set[tuple[str, str]]:
        return {(a.watch, a.article_id) for a in (await matcher.match(watches, ids)).alerts}

    async def one_search_each() -> set[tuple[str, str]]:
        response = await client.msearch(index=index, searches=msearch_body(index, (watch_search(w, ids) for w in watches)))
        return {(a.watch, a.article_id) for a in alerts_from_responses(watches, response["responses"])}

    timings: dict[str, list[float]] = {"screened": [], "each": []}
    found: dict[str, set[tuple[str, str]]] = {}
    for round_number in range(rounds + 1):  # the first round warms caches and is not counted
        for name, formulation in (("screened", screened), ("each", one_search_each)):
            started = time.perf_counter()
            found[name] = await formulation()
            if round_number:
                timings[name].append(time.perf_counter() - started)
    if found["screened"] != found["each"]:
        raise AssertionError(f"the two formulations disagree: {len(found['screened'])} vs {len(found['each'])} alerts")
    return MatchingBenchmark(len(watches), len(ids), len(found["screened"]), timings["screened"], timings["each"])


def run_matching_benchmark(settings: Settings, feed: Path, *, watches: int, articles: int, rounds: int) -> MatchingBenchmark:
    from elasticsearch.helpers import bulk

    from streams.clients import async_elasticsearch_client, elasticsearch_client
    from streams.index import article_document, ensure_indices, index_name

    run_id = uuid.uuid4().hex[:8]
    aliases = ("articles_alias", "events_alias", "incidents_alias")  # every index ensure_indices makes: none of the real ones
    scratch = settings.model_copy(update={name: f"bench-{run_id}-{getattr(settings, name)}" for name in aliases})
    batch = bench_articles(settings, feed, articles, run_id)
    watch_list = bench_watches(batch, watches)
    client = elasticsearch_client(scratch)
    try:
        ensure_indices(client, scratch)
        now = datetime.now(timezone.utc)
        bulk(client, ({"_index": scratch.articles_alias, "_id": a.article_id, "_source": article_document(a, indexed_at=now)} for a in batch),
             refresh=True)

        async def measure() -> MatchingBenchmark:
            async_client = async_elasticsearch_client(scratch)
            try:
                return await _time_matching(async_client, scratch.articles_alias, watch_list, [a.article_id for a in batch], rounds)
            finally:
                await async_client.close()

        return asyncio.run(measure())
    finally:
        for alias in (getattr(scratch, name) for name in aliases):
            client.indices.delete(index=index_name(alias, scratch.index_version), ignore_unavailable=True)
            client.options(ignore_status=404).indices.delete_index_template(name=alias)
        client.close()
