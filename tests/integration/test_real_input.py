"""Real-world input through the real worker: partial, relative, unreadable and future dates, whole web pages,
headlines without a body and links with trackers are indexed (with warnings where something could not be read);
only a message that is not an article is dead-lettered."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from streams.deadletters import read_dead_letters
from streams.publish import expected_article_id, wait_until_accounted

from .conftest import coopwatch, raw_message

PAGE = Path(__file__).resolve().parents[1] / "data" / "pages" / "fr-article-page.html"
PAGE_TITLE = "Trafic de cocaïne : Belges et Espagnols démantèlent un réseau à Anvers"


def send(producer, settings, payload: bytes) -> datetime:
    """Publish one message; returns the Kafka record's timestamp, the article's receive time."""
    metadata = producer.send(settings.topic_raw, value=payload).get(timeout=30)
    return datetime.fromtimestamp(metadata.timestamp / 1000, tz=timezone.utc)


def test_articles_with_unusual_metadata_are_indexed_with_their_precision_and_warnings(settings, es, producer, worker) -> None:
    marker = uuid.uuid4().hex
    body = "Belgian and Moroccan police exchanged intelligence on a smuggling network."
    messages = {
        "month": raw_message(id=f"month-{marker}", body=body, published_at="2024-06"),
        "french_month": raw_message(id=f"juin-{marker}", body=body, published_at="juin 2024", lang="fr"),
        "unreadable": raw_message(id=f"unreadable-{marker}", body=body, published_at="the day after the summit"),
        "future": raw_message(id=f"future-{marker}", body=body, published_at="2999-01-01T00:00:00Z"),
        "relative": raw_message(id=f"relative-{marker}", body=body, published_at="il y a 2 heures", lang="fr"),
        "page": raw_message(id=f"page-{marker}", title=PAGE_TITLE, body=PAGE.read_text(encoding="utf-8"), lang="fr"),
        "headline_only": json.dumps({"id": f"headline-{marker}", "source": "integration-test", "lang": "en",
                                     "title": "Interpol and Afripol sign a cooperation agreement"}).encode(),
    }
    not_an_article = json.dumps({"id": f"empty-{marker}", "source": "integration-test", "published_at": "2024-06-01"}).encode()
    since = datetime.now(timezone.utc)
    received = {name: send(producer, settings, payload) for name, payload in messages.items()}
    send(producer, settings, not_an_article)

    payloads = list(messages.values()) + [not_an_article]
    accounting = wait_until_accounted(settings, payloads, since=since, timeout_seconds=120)
    assert (accounting.indexed, accounting.dead_lettered, accounting.pending) == (7, 1, 0)

    docs = {name: es.get(index=settings.articles_alias, id=expected_article_id(payload))["_source"]
            for name, payload in messages.items()}

    def when(name: str) -> datetime:
        return datetime.fromisoformat(docs[name]["@timestamp"])

    for name in ("month", "french_month"):
        assert when(name) == datetime(2024, 6, 1, tzinfo=timezone.utc), docs[name]
        assert docs[name]["published_at_precision"] == "month" and docs[name]["published_at_source"] == "feed"
        assert docs[name]["warnings"] == []
    assert docs["french_month"]["published_at_raw"] == "juin 2024"

    # The receive time is the Kafka record's timestamp: what the analyst sees does not depend on when a worker ran.
    for name in ("unreadable", "future"):
        assert when(name) == received[name] and docs[name]["published_at_source"] == "received"
        assert datetime.fromisoformat(docs[name]["received_at"]) == received[name]
    assert docs["unreadable"]["warnings"] == ["unreadable_date"]
    assert docs["unreadable"]["published_at_raw"] == "the day after the summit"
    assert docs["future"]["warnings"] == ["future_date"] and docs["future"]["published_at_raw"] == "2999-01-01T00:00:00Z"

    two_hours_before = (received["relative"] - timedelta(hours=2)).replace(second=0, microsecond=0)
    assert when("relative") == two_hours_before and docs["relative"]["published_at_precision"] == "minute"

    page = docs["page"]
    assert page["title"] == PAGE_TITLE and page["warnings"] == []
    assert page["body"].startswith("La police judiciaire fédérale belge et la Policía Nacional espagnole")
    for boilerplate in ("cookies", "Accueil", "À lire aussi", "Football", "Mentions légales", "Photo d'illustration"):
        assert boilerplate not in page["body"], boilerplate
    assert {"BE", "ES"} <= set(page["countries"])
    assert "drug_trafficking" in page["topics"]
    assert "PT" not in page["countries"]  # the related-articles list names Portugal: not analysed either

    assert docs["headline_only"]["warnings"] == ["missing_body"] and docs["headline_only"]["body"] == ""

    letters = [letter for letter in read_dead_letters(settings) if letter.failed_at >= since and letter.payload == not_an_article]
    assert len(letters) == 1 and letters[0].stage == "normalise" and letters[0].error_kind == "no_text"
    assert "no title" in letters[0].error_message and "no body" in letters[0].error_message

    # Analysts filter on the warnings, from the terminal as in Kibana.
    result = coopwatch(settings, "search", "*", "--warning", "unreadable_date", "--json")
    assert result.returncode == 0, result.stderr
    ids = {hit["_id"] for hit in json.loads(result.stdout)["hits"]}
    assert expected_article_id(messages["unreadable"]) in ids and expected_article_id(messages["future"]) not in ids
    result = coopwatch(settings, "search", "*", "--has-warnings", "--limit", "100")
    assert result.returncode == 0, result.stderr
    assert "warnings: unreadable_date (feed's date: the day after the summit)" in result.stdout
    assert "warnings: future_date" in result.stdout and "warnings: missing_body" in result.stdout


def test_one_story_reached_through_two_links_is_one_document(settings, es, producer, worker) -> None:
    path = f"/securite/{uuid.uuid4().hex}"
    first = raw_message(id=None, url=f"http://www.example.org:80{path}?utm_source=rss&amp;page=1#top", title="Police cooperation",
                        body="French and Spanish police met in Madrid on Monday.")
    second = raw_message(id=None, url=f"https://example.org{path}/?page=1&fbclid=abc", title="Police cooperation",
                         body="French and Spanish police met in Madrid on Monday.")
    assert expected_article_id(first) == expected_article_id(second)
    since = datetime.now(timezone.utc)
    send(producer, settings, first)
    send(producer, settings, second)
    accounting = wait_until_accounted(settings, [first, second], since=since, timeout_seconds=60)
    assert accounting.indexed == 2 and accounting.done
    es.indices.refresh(index=settings.articles_alias)
    hits = es.search(index=settings.articles_alias, query={"prefix": {"url": "http"}}, size=100)["hits"]["hits"]
    same_story = [hit for hit in hits if path in hit["_source"]["url"]]
    assert len(same_story) == 1, [hit["_source"]["url"] for hit in same_story]


def test_an_index_made_by_an_earlier_release_takes_the_new_fields_at_setup(settings, es) -> None:
    """Upgrading must not make the strict mapping of yesterday's index refuse today's documents."""
    from streams.index import ensure_indices, index_name, load_template

    run = uuid.uuid4().hex[:8]
    upgraded = settings.model_copy(update={"articles_alias": f"{settings.articles_alias}-{run}",
                                           "events_alias": f"{settings.events_alias}-{run}"})
    mappings = load_template("news-articles")["template"]["mappings"]
    earlier = {name: field for name, field in mappings["properties"].items()
               if name not in {"warnings", "published_at_raw", "published_at_source", "published_at_precision", "unreadable_fields"}}
    concrete = index_name(upgraded.articles_alias, upgraded.index_version)
    es.indices.create(index=concrete, settings=load_template("coopwatch-analysis")["template"]["settings"],
                      mappings={"dynamic": "strict", "properties": earlier}, aliases={upgraded.articles_alias: {"is_write_index": True}})
    try:
        refused = es.options(ignore_status=400).index(index=upgraded.articles_alias, document={"warnings": ["future_date"]})
        assert refused.meta.status == 400
        ensure_indices(es, upgraded)
        accepted = es.index(index=upgraded.articles_alias, document={"warnings": ["future_date"], "published_at_raw": "2999-01-01"})
        assert accepted["result"] == "created"
    finally:
        for alias in (upgraded.articles_alias, upgraded.events_alias):
            es.indices.delete(index=index_name(alias, upgraded.index_version), ignore_unavailable=True)
            es.options(ignore_status=404).indices.delete_index_template(name=alias)
