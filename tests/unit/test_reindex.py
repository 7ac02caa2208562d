from datetime import datetime, timezone

from streams.index import article_document
from streams.reindex import next_version, normalised_from_document, version_of

from .test_index_actions import enriched


def test_an_article_document_gives_back_the_normalised_article_it_was_made_from():
    article = enriched()
    rebuilt = normalised_from_document(article_document(article, indexed_at=datetime.now(timezone.utc)))
    assert {name: getattr(rebuilt, name) for name in type(rebuilt).model_fields} == \
        {name: getattr(article, name) for name in type(rebuilt).model_fields}


def test_the_next_version_follows_the_highest_of_either_index():
    assert version_of("news-articles-v12") == 12 and version_of("news-articles") is None
    assert next_version(["news-articles-v1", "coop-events-v3", "news-articles-v2"]) == 4
    assert next_version([]) == 1
