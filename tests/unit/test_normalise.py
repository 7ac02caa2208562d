import json
from datetime import datetime, timezone

import pytest

from streams.normalise import NormaliseError, canonical_url, html_to_text, normalise_payload

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def normalise(**fields):
    return normalise_payload(json.dumps(fields).encode("utf-8"), received_at=NOW, max_body_chars=10_000)


def test_html_body_becomes_paragraphs_of_plain_text():
    text = html_to_text("<p>La Sûreté de l&rsquo;&Eacute;tat</p><p>a publi&eacute; <b>son</b> rapport.</p><script>x()</script>")
    assert text == "La Sûreté de l’État\na publié son rapport."


def test_plain_text_keeps_its_lines_and_loses_entities():
    assert html_to_text("Tom &amp; Jerry\n\n\n  second   line ") == "Tom & Jerry\nsecond line"


def test_french_human_date_and_zone_become_utc():
    article = normalise(title="t", body="b", published_at="12 mars 2024 à 10h15", lang="fr")
    assert article.published_at == datetime(2024, 3, 12, 10, 15, tzinfo=timezone.utc)
    assert normalise(title="t", body="b", published_at="Wed, 17 Apr 2024 14:20:00 +0200", lang="en").published_at.hour == 12


def test_missing_date_falls_back_to_reception_time_and_says_so():
    article = normalise(title="t", body="b", lang="en")
    assert article.published_at == NOW and not article.published_at_from_feed


def test_identity_prefers_feed_id_then_url_then_content():
    by_id = normalise(id="42", source="wire", url="https://a.example/x", title="t", body="b", lang="en")
    assert by_id.id_basis == "feed_id"
    by_url = normalise(url="https://A.example/x/?utm_source=rss", title="t", body="b", lang="en")
    assert by_url.id_basis == "url" and by_url.article_id == normalise(url="https://a.example/x", title="t", body="b", lang="en").article_id
    by_content = normalise(title="Same", body="Same   text", lang="en")
    assert by_content.id_basis == "content" and by_content.article_id == normalise(title="same", body="same text", lang="en").article_id


def test_same_feed_id_in_two_feeds_is_two_articles():
    assert normalise(id="1", source="a", title="t", body="b", lang="en").article_id != normalise(id="1", source="b", title="t", body="b", lang="en").article_id


def test_canonical_url_drops_tracking_and_fragment():
    assert canonical_url("HTTPS://News.Example/a/b/?utm_medium=x&page=2#top") == "https://news.example/a/b?page=2"


def test_language_from_feed_is_normalised_to_iso_639_1():
    article = normalise(title="t", body="b", lang="FR-fr")
    assert article.language == "fr" and article.language_source == "feed"


@pytest.mark.parametrize(
    "payload, kind",
    [
        (b"\xff\xfe not utf8", "invalid_utf8"),
        (b"{broken", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (json.dumps({"title": "only a title"}).encode(), "invalid_article"),
        (json.dumps({"title": "t", "body": "b", "published_at": "someday soon"}).encode(), "unreadable_date"),
        (json.dumps({"title": "t", "body": "x" * 20_000}).encode(), "body_too_large"),
        (json.dumps({"title": "t", "body": "<p> </p>"}).encode(), "empty_body"),
    ],
)
def test_bad_messages_are_rejected_with_a_named_reason(payload, kind):
    with pytest.raises(NormaliseError) as error:
        normalise_payload(payload, received_at=NOW, max_body_chars=10_000)
    assert error.value.kind == kind
    assert str(error.value)


def test_missing_body_error_names_the_field():
    with pytest.raises(NormaliseError, match="body"):
        normalise(title="t")
