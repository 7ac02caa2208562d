import pytest

from streams.search import SearchFilters, build_search, format_results


def test_free_text_uses_french_and_english_fields_with_and():
    body = build_search("coopération sécuritaire", SearchFilters(), limit=5)
    query = body["query"]["bool"]["must"][0]["query_string"]
    assert query["default_operator"] == "AND" and "body" in query["fields"] and "body.en" in query["fields"]
    assert body["size"] == 5


def test_filters_become_exact_facet_clauses():
    body = build_search("*", SearchFilters(country="ma", topic="terrorism", event_type="meeting", since="1 mars 2024"), limit=10)
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"countries": "MA"}} in filters
    assert {"term": {"topics": "terrorism"}} in filters
    assert {"term": {"event_types": "meeting"}} in filters
    assert filters[-1]["range"]["@timestamp"]["gte"].startswith("2024-03-01")
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]


def test_unreadable_since_is_a_clear_error():
    with pytest.raises(ValueError, match="unreadable date"):
        build_search("x", SearchFilters(since="whenever"), limit=1)


def test_results_show_entities_and_highlights():
    response = {"hits": {"total": {"value": 1}, "hits": [{
        "_source": {"@timestamp": "2023-05-24T09:00:00+00:00", "title": "T", "source": "seed", "language": "fr", "article_id": "a",
                    "persons": ["Nicolas Lerner"], "organizations": ["DGSI"], "countries": ["FR", "MA"], "topics": ["terrorism"],
                    "events": [{"type": "meeting", "country_pair": "FR-MA", "location": "MA"}]},
        "highlight": {"body": ["la **coopération** **sécuritaire**"]}}]}}
    text = format_results(response)
    assert "Nicolas Lerner" in text and "meeting FR-MA in MA" in text and "**coopération**" in text
    assert format_results({"hits": {"total": {"value": 0}, "hits": []}}) == "No article matches."


def test_warnings_filter_on_a_code_or_on_any():
    filters = build_search("*", SearchFilters(warning="unreadable_date"), limit=5)["query"]["bool"]["filter"]
    assert filters == [{"term": {"warnings": "unreadable_date"}}]
    filters = build_search("*", SearchFilters(has_warnings=True), limit=5)["query"]["bool"]["filter"]
    assert filters == [{"exists": {"field": "warnings"}}]
    with pytest.raises(ValueError, match="unknown warning 'bad_date'.*unreadable_date"):
        build_search("*", SearchFilters(warning="bad_date"), limit=5)


def test_results_show_warnings_and_the_feeds_date_at_its_precision():
    hit = {"_source": {"@timestamp": "2024-06-01T00:00:00+00:00", "title": "", "article_id": "a", "language": "fr",
                       "published_at_precision": "month", "published_at_source": "feed", "warnings": ["missing_title"]}}
    text = format_results({"hits": {"total": {"value": 1}, "hits": [hit]}})
    assert "1. (no title)" in text and "   2024-06 | unknown source" in text and "warnings: missing_title" in text
    hit["_source"].update({"@timestamp": "2024-06-01T12:00:00+00:00", "published_at_precision": "second", "published_at_source": "received",
                           "published_at_raw": "the day after the summit", "warnings": ["unreadable_date"]})
    text = format_results({"hits": {"total": {"value": 1}, "hits": [hit]}})
    assert "2024-06-01 12:00 UTC" in text and "warnings: unreadable_date (feed's date: the day after the summit)" in text
