"""Watches and matching: the pure parts (request bodies, reading responses), no cluster needed."""

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from schemas.alerts import Watch, alert_id_for
from streams.search import SearchFilters, build_search
from streams.watches import (
    alerts_from_responses,
    is_transient,
    matched_articles,
    msearch_body,
    readable_refusal,
    screening_search,
    search_error,
    watch_query,
    watch_search,
)


def test_a_watch_is_the_query_the_search_command_runs():
    """Same text, same filters: the watch matches exactly what `coopwatch search` shows."""
    watch = Watch(name="es-ma", query="hashish OR cannabis", countries=["ma"], persons=["Nicolas Lerner"], agencies=["DGSN"],
                  topics=["drug_trafficking"], event_types=["joint_operation"])
    search = build_search("hashish OR cannabis", SearchFilters(country="MA", person="Nicolas Lerner", organization="DGSN",
                                                                topic="drug_trafficking", event_type="joint_operation"), limit=10)
    assert watch_query(watch) == search["query"]


def test_several_values_of_a_filter_must_all_hold():
    query = watch_query(Watch(name="pair", query="*", countries=["ES", "MA"]))
    assert query["bool"]["must"] == [{"match_all": {}}]
    assert {"term": {"countries": "ES"}} in query["bool"]["filter"] and {"term": {"countries": "MA"}} in query["bool"]["filter"]


@pytest.mark.parametrize("fields, message", [
    ({"name": "has space", "query": "x"}, "name"),
    ({"name": "ok", "query": "*"}, "would alert on every article"),
    ({"name": "ok", "query": "  "}, "would alert on every article"),
    ({"name": "ok", "query": "x", "countries": ["XX"]}, "not ISO 3166-1"),
    ({"name": "ok", "query": "x", "topics": ["drugs"]}, "drug_trafficking"),
    ({"name": "ok", "query": "x", "event_types": ["party"]}, "meeting"),
    ({"name": "ok", "query": "x", "webhook": "not a url"}, "URL"),
    ({"name": "ok", "query": "x", "persons": ["  "]}, "blank"),
])
def test_a_watch_that_cannot_work_is_refused_with_the_reason(fields, message):
    with pytest.raises(ValidationError, match=message):
        Watch(**fields)


def test_filters_alone_make_a_watch():
    assert Watch(name="ma-terror", query="*", countries=["MA"], topics=["terrorism"]).query == "*"


def test_alert_ids_are_one_per_watch_and_article():
    assert alert_id_for("w", "a1") == alert_id_for("w", "a1")
    assert len({alert_id_for("w", "a1"), alert_id_for("w", "a2"), alert_id_for("v", "a1")}) == 3


def test_screening_sends_the_ids_once_and_one_bucket_per_watch():
    watches = [Watch(name=f"w{n}", query=f"word{n}") for n in range(3)]
    search = screening_search(watches, ["a1", "a2"])
    assert search["query"] == {"ids": {"values": ["a1", "a2"]}}
    assert search["size"] == 0
    filters = search["aggs"]["watches"]["filters"]["filters"]
    assert list(filters) == ["w0", "w1", "w2"] and filters["w1"] == watch_query(watches[1])
    assert search["aggs"]["watches"]["aggs"]["articles"]["terms"]["size"] == 2


def test_matched_articles_keeps_only_watches_that_matched():
    response = {"aggregations": {"watches": {"buckets": {
        "w0": {"doc_count": 0, "articles": {"buckets": []}},
        "w1": {"doc_count": 2, "articles": {"buckets": [{"key": "a1", "doc_count": 1}, {"key": "a2", "doc_count": 1}]}},
    }}}}
    assert matched_articles(response) == {"w1": ["a1", "a2"]}


def test_a_watch_search_is_restricted_to_the_batch_and_highlights():
    watch = Watch(name="w", query="DGSI")
    search = watch_search(watch, ["a1"])
    assert search["query"]["bool"]["filter"] == [{"ids": {"values": ["a1"]}}]
    assert search["query"]["bool"]["must"] == [watch_query(watch)]
    assert "body" in search["highlight"]["fields"] and search["size"] == 1
    assert msearch_body("idx", [search, search]) == [{"index": "idx"}, search, {"index": "idx"}, search]


def test_responses_become_alerts_with_highlights_title_first():
    watch = Watch(name="w", query="DGSI")
    responses = [{"hits": {"hits": [{
        "_id": "a1",
        "_source": {"title": "T", "url": "https://example.org/a", "source": "s", "@timestamp": "2024-03-05T08:30:00+00:00"},
        "highlight": {"body": ["the   **DGSI**\nsaid"], "title": ["**T**"]},
    }]}}]
    when = datetime(2024, 3, 5, 9, tzinfo=timezone.utc)
    [alert] = alerts_from_responses([watch], responses, matched_at=when)
    assert alert.alert_id == alert_id_for("w", "a1") and alert.watch == "w" and alert.article_id == "a1"
    assert alert.highlights == ["**T**", "the **DGSI** said"]
    assert alert.url == "https://example.org/a" and alert.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=timezone.utc)
    assert alert.matched_at == when


def test_search_errors_are_read_and_sorted_into_transient_or_the_query_s_fault():
    refused = {"status": 400, "error": {"root_cause": [{"reason": "Cannot parse 'x:('"}], "type": "search_phase_execution_exception"}}
    assert search_error(refused) == (400, "Cannot parse 'x:('")
    assert search_error({"hits": {"hits": []}}) is None
    assert not is_transient(400) and is_transient(429) and is_transient(503)


def test_elasticsearch_explanations_are_kept_without_java_noise():
    raw = ("[idx-v1/uuid] org.elasticsearch.index.query.QueryShardException: Failed to parse query [a AND]; "
           "org.apache.lucene.queryparser.classic.ParseException: Cannot parse 'a AND': Encountered \"<EOF>\" at line 1, column 5.\n"
           "Was expecting one of:\n    <NOT> ...")
    assert readable_refusal(raw) == "Failed to parse query [a AND]; Cannot parse 'a AND': Encountered \"<EOF>\" at line 1, column 5."
