"""A body of any accepted size is indexed whole, and the articles behind it are not held up for long."""

from __future__ import annotations

import uuid

from streams.publish import expected_article_id, wait_until_accounted

from .conftest import publish, raw_message, wait_for_document

PARAGRAPH = ("Spanish and Moroccan police officers met in Rabat on Tuesday to review their joint work against "
             "drug trafficking networks operating across the Strait of Gibraltar.\n")


def test_a_900000_character_body_is_indexed_whole_and_the_next_article_follows(settings, es, producer, worker) -> None:
    marker = uuid.uuid4().hex
    body = PARAGRAPH * (900_000 // len(PARAGRAPH)) + "Closing line of the very long report."
    huge = raw_message(id=f"huge-ok-{marker}", title="A very long report on police cooperation", body=body)
    after = raw_message(id=f"after-huge-{marker}", title="Next article", body="French and Belgian police met in Lille.")
    since = publish(producer, settings, huge, after)

    accounting = wait_until_accounted(settings, [huge, after], since=since, timeout_seconds=180)
    assert (accounting.indexed, accounting.dead_lettered) == (2, 0)
    document = wait_for_document(es, settings.articles_alias, expected_article_id(huge), timeout=10)
    assert len(document["body"]) == len(body.strip()) and document["body"].endswith("Closing line of the very long report.")
    assert {"ES", "MA"} <= set(document["countries"])
    # the whole body is searchable, its last words included
    es.indices.refresh(index=settings.articles_alias)
    hits = es.search(index=settings.articles_alias, query={"match_phrase": {"body": "closing line of the very long report"}})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == [expected_article_id(huge)]
