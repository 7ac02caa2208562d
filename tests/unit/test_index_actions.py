from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from schemas.articles import CooperationEvent, CountryTag, EnrichedArticle, Organization, Person, TopicTag
from streams.index import RefreshPace, article_document, bulk_actions, load_template, refresh_step, stale_events_query
from streams.settings import Settings

T = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def enriched(**overrides) -> EnrichedArticle:
    fields = dict(
        article_id="abc", id_basis="feed_id", feed_id="1", url="https://x.example/a", source="wire", title="Titre",
        text="Texte", published_at=T, language="fr", language_source="feed", received_at=T, enriched_at=T,
        enricher_version="test",
        persons=[Person(name="Nicolas Lerner", mentions=["M. Lerner"])],
        organizations=[Organization(acronym="DGSI", name="Direction générale de la sécurité intérieure", country="FR"),
                       Organization(name="Interpol", country=None)],
        countries=[CountryTag(code="MA", name="Morocco"), CountryTag(code="FR", name="France")],
        topics=[TopicTag(topic="terrorism", terms=["terroriste"])],
        events=[CooperationEvent(event_id="abc-meeting", article_id="abc", type="meeting", countries=["FR", "MA"],
                                 location="MA", evidence="Ils se sont réunis au Maroc.", published_at=T)],
    )
    fields.update(overrides)
    return EnrichedArticle(**fields)


def test_article_document_has_flat_facets_for_kibana():
    doc = article_document(enriched(), indexed_at=T)
    assert doc["persons"] == ["Nicolas Lerner"]
    assert doc["organizations"] == ["DGSI", "Interpol"]
    assert doc["countries"] == ["FR", "MA"]
    assert doc["country_pairs"] == ["FR-MA"]
    assert doc["event_types"] == ["meeting"]
    assert doc["@timestamp"] == T.isoformat()


def test_article_document_fits_the_strict_mapping():
    mapped = set(load_template("news-articles")["template"]["mappings"]["properties"])
    assert set(article_document(enriched(), indexed_at=T)) <= mapped


def test_actions_have_deterministic_ids_so_redelivery_overwrites():
    settings = Settings()
    first, second = bulk_actions(enriched(), settings, indexed_at=T), bulk_actions(enriched(), settings, indexed_at=T)
    assert [a["_id"] for a in first] == [a["_id"] for a in second] == ["abc", "abc-meeting"]
    assert [a["_index"] for a in first] == ["news-articles", "coop-events"]
    event_fields = set(load_template("coop-events")["template"]["mappings"]["properties"])
    assert set(first[1]["_source"]) <= event_fields


def test_actions_reach_elasticsearch_as_the_standard_library_would_write_them():
    """The client serialises with orjson, which is stricter than the json module (no keys but strings)."""
    import json

    from elasticsearch.helpers import expand_action

    from streams.clients import async_elasticsearch_client

    serializer = async_elasticsearch_client(Settings()).transport.serializers.get_serializer("application/json")
    article = enriched(title="Réunion « Europol » — 東京", unreadable_fields={"lang": "7"}, warnings=["unreadable_lang"])
    for action in bulk_actions(article, Settings(), indexed_at=T):
        meta, source = expand_action(dict(action))
        assert json.loads(serializer.dumps(meta)) == meta
        assert json.loads(serializer.dumps(source)) == json.loads(json.dumps(source))


def test_stale_events_query_keeps_the_new_events():
    query = stale_events_query([enriched()])
    assert query["bool"]["filter"] == [{"terms": {"article_id": ["abc"]}}]
    assert query["bool"]["must_not"] == [{"ids": {"values": ["abc-meeting"]}}]


def test_article_document_says_what_could_not_be_read_and_how_precise_the_time_is():
    doc = article_document(enriched(published_at_source="received", published_at_precision="second", published_at_raw="someday",
                                    warnings=["unreadable_date", "unreadable_lang"],
                                    unreadable_fields={"published_at": "someday", "lang": "7"}), indexed_at=T)
    assert doc["warnings"] == ["unreadable_date", "unreadable_lang"]
    assert (doc["published_at_source"], doc["published_at_precision"], doc["published_at_raw"]) == ("received", "second", "someday")
    assert doc["unreadable_fields"] == {"published_at": "someday", "lang": "7"}
    mapping = load_template("news-articles")["template"]["mappings"]["properties"]
    assert mapping["warnings"]["type"] == "keyword" and mapping["published_at_raw"]["type"] == "keyword"


def test_the_previous_document_lists_the_events_to_delete_and_an_unlisted_one_is_searched():
    from streams.index import PreviousEvents

    listed = {"_id": "abc", "found": True, "_source": {"events": [{"event_id": "abc-meeting"}, {"event_id": "abc-visit"}]}}
    no_events = {"_id": "quiet", "found": True, "_source": {"events": []}}
    older = {"_id": "old", "found": True, "_source": {}}          # a document without the list: not to be trusted
    new = {"_id": "new", "found": False}
    previous = PreviousEvents.from_mget({"docs": [listed, no_events, older, new]})
    assert previous.listed == {"abc": {"abc-meeting", "abc-visit"}, "quiet": set()}
    assert previous.unknown == ["old", "new"]
    # re-enriched, abc no longer reports the visit: that event goes, the meeting stays
    assert previous.stale(enriched()) == {"abc-visit"}
    # refused, its document still lists the meeting and the visit: an event written beside it goes
    extra = CooperationEvent(event_id="abc-training", article_id="abc", type="training", countries=["FR", "MA"],
                             evidence="Ils ont été formés.", published_at=T)
    assert previous.orphaned(enriched(events=[*enriched().events, extra])) == {"abc-training"}


def test_a_backlog_slows_the_refresh_once_then_again_only_to_say_it_still_lasts():
    step = lambda backlogged, slowed_at, now: refresh_step(backlogged, slowed_at, now, reassert_seconds=5.0)
    assert step(False, None, 10.0) is None           # no backlog, never slowed: the usual pace stands
    assert step(True, None, 10.0) == "slow"
    assert step(True, 10.0, 12.0) is None            # slowed already
    assert step(True, 10.0, 15.0) == "slow"          # another worker may have brought it back meanwhile
    assert step(False, 10.0, 12.0) == "back"         # caught up: the usual pace, and the backlog shown at once


def test_a_backlog_slows_articles_and_events_but_never_makes_an_index_refresh_faster():
    # alias -> (usual interval, interval in a backlog)
    assert RefreshPace(Settings(), client=None).intervals == {"news-articles": ("500ms", "5000ms"), "coop-events": ("2000ms", "5000ms")}
    shorter = RefreshPace(Settings(index_refresh_seconds_backlogged=1, event_indices_refresh_seconds=3), client=None)
    assert shorter.enabled and shorter.intervals == {"news-articles": ("500ms", "1000ms"), "coop-events": ("3000ms", "3000ms")}
    assert not RefreshPace(Settings(index_refresh_seconds=2, index_refresh_seconds_backlogged=2), client=None).enabled


def test_a_backlog_refresh_faster_than_the_usual_one_is_refused_by_name():
    with pytest.raises(ValidationError, match="COOPWATCH_INDEX_REFRESH_SECONDS_BACKLOGGED"):
        Settings(index_refresh_seconds=1, index_refresh_seconds_backlogged=0.5)
