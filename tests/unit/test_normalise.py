import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from streams.normalise import NormaliseError, clean_url, html_to_text, normalise_payload, receive_time

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def normalise(received_at=NOW, **fields):
    return normalise_payload(json.dumps(fields).encode("utf-8"), received_at=received_at, max_body_chars=10_000)


def test_html_body_becomes_paragraphs_of_plain_text():
    text = html_to_text("<p>La Sûreté de l&rsquo;&Eacute;tat</p><p>a publi&eacute; <b>son</b> rapport.</p><script>x()</script>")
    assert text == "La Sûreté de l’État\na publié son rapport."


def test_plain_text_keeps_its_lines_and_loses_entities():
    assert html_to_text("Tom &amp; Jerry\n\n\n  second   line ") == "Tom & Jerry\nsecond line"


def test_a_table_row_is_one_line():
    assert html_to_text("<table><tr><th>Year</th><th>Tonnes</th></tr>\n<tr><td>2023</td>\n<td>116</td></tr></table>") == "Year Tonnes\n2023 116"


def test_french_human_date_and_zone_become_utc():
    article = normalise(title="t", body="b", published_at="12 mars 2024 à 10h15", lang="fr")
    assert article.published_at == datetime(2024, 3, 12, 10, 15, tzinfo=timezone.utc)
    assert article.published_at_source == "feed" and article.published_at_precision == "minute"
    assert normalise(title="t", body="b", published_at="Wed, 17 Apr 2024 14:20:00 +0200", lang="en").published_at.hour == 12


def test_missing_date_falls_back_to_reception_time_and_says_so():
    article = normalise(title="t", body="b", lang="en")
    assert article.published_at == NOW and article.published_at_source == "received"
    assert article.published_at_raw is None and article.warnings == []


@pytest.mark.parametrize(
    "published_at, expected, precision",
    [
        ("2024-06", datetime(2024, 6, 1, tzinfo=timezone.utc), "month"),
        ("juin 2024", datetime(2024, 6, 1, tzinfo=timezone.utc), "month"),
        ("2023", datetime(2023, 1, 1, tzinfo=timezone.utc), "year"),
        (1709631000, datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc), "second"),
    ],
)
def test_partial_dates_are_kept_at_their_precision(published_at, expected, precision):
    article = normalise(title="t", body="b", lang="fr", published_at=published_at)
    assert (article.published_at, article.published_at_precision, article.published_at_source) == (expected, precision, "feed")
    assert article.published_at_raw == str(published_at) and article.warnings == []


def test_an_unreadable_date_keeps_the_article_with_its_raw_date_and_a_warning():
    article = normalise(title="t", body="b", lang="en", published_at="the day after the summit")
    assert article.published_at == NOW and article.published_at_source == "received"
    assert article.published_at_raw == "the day after the summit"
    assert article.warnings == ["unreadable_date"]
    assert article.unreadable_fields == {"published_at": "the day after the summit"}


def test_a_date_of_a_strange_type_is_kept_as_json():
    article = normalise(title="t", body="b", lang="en", published_at={"day": 5, "month": 3})
    assert article.warnings == ["unreadable_date"] and article.published_at_source == "received"
    assert json.loads(article.published_at_raw) == {"day": 5, "month": 3}


def test_a_date_more_than_a_day_ahead_is_a_warning_not_a_timestamp():
    article = normalise(title="t", body="b", lang="en", published_at="2031-01-01T00:00:00Z")
    assert article.published_at == NOW and article.published_at_source == "received"
    assert article.warnings == ["future_date"] and article.published_at_raw == "2031-01-01T00:00:00Z"
    # A feed whose clock runs some hours ahead is believed.
    ahead = (NOW + timedelta(hours=20)).isoformat()
    article = normalise(title="t", body="b", lang="en", published_at=ahead)
    assert article.published_at == NOW + timedelta(hours=20) and article.warnings == []


def test_relative_dates_resolve_against_each_messages_receive_time():
    first = normalise(title="t", body="b", lang="fr", published_at="hier")
    later = normalise(received_at=NOW + timedelta(days=10), title="t", body="b", lang="fr", published_at="hier")
    assert first.published_at == datetime(2024, 5, 31, tzinfo=timezone.utc) and first.published_at_precision == "day"
    assert later.published_at == datetime(2024, 6, 10, tzinfo=timezone.utc)
    assert normalise(title="t", body="b", lang="en", published_at="2 hours ago").published_at == NOW - timedelta(hours=2)


def test_receive_time_is_the_kafka_records_timestamp():
    assert receive_time(1717243200.0) == NOW
    assert abs(receive_time(None) - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_fields_of_strange_types_are_named_and_kept_as_they_came():
    article = normalise(id=True, url=["https://a.example/x"], source={"name": "wire"}, lang=7, title="Police", body="Cooperation.")
    assert article.warnings == ["unreadable_id", "unreadable_lang", "unreadable_source", "unreadable_url"]
    assert article.unreadable_fields == {"id": "true", "url": '["https://a.example/x"]', "source": '{"name": "wire"}', "lang": "7"}
    assert article.id_basis == "content" and article.feed_id is None and article.source is None
    assert article.language_source == "detected"


def test_unreadable_language_code_and_url_fall_back_to_detection_and_content():
    article = normalise(title="Spanish and Moroccan police met in Rabat", body="They agreed to share intelligence on terrorism.",
                        lang="anglais", url="not a link")
    assert article.warnings == ["unreadable_lang", "unreadable_url"]
    assert article.language == "en" and article.language_source == "detected"
    assert article.url is None and article.id_basis == "content"
    assert article.unreadable_fields == {"lang": "anglais", "url": "not a link"}


@pytest.mark.parametrize("lang, code", [("FR-fr", "fr"), ("fr_CA", "fr"), ("en-GB", "en"), ("spa", "es"), ("French", "fr")])
def test_language_from_feed_is_normalised_to_iso_639_1(lang, code):
    article = normalise(title="t", body="b", lang=lang)
    assert article.language == code and article.language_source == "feed" and article.warnings == []


def test_a_headline_without_body_is_kept_with_a_warning():
    article = normalise(id="h1", source="wire", title="Interpol and Europol sign a cooperation agreement", lang="en")
    assert article.text == "" and article.warnings == ["missing_body"]
    article = normalise(id="h2", source="wire", title="Headline", body="<p> </p>", lang="en")
    assert article.warnings == ["missing_body"]


def test_a_body_without_title_is_kept_with_a_warning():
    article = normalise(id="b1", source="wire", body="<p>French and Spanish police met in Madrid.</p>", lang="en")
    assert article.title == "" and article.text == "French and Spanish police met in Madrid."
    assert article.warnings == ["missing_title"]
    assert normalise(title=["not", "text"], body="Body.", lang="en").warnings == ["unreadable_title"]


def test_identity_prefers_feed_id_then_url_then_content():
    by_id = normalise(id="42", source="wire", url="https://a.example/x", title="t", body="b", lang="en")
    assert by_id.id_basis == "feed_id"
    by_url = normalise(url="https://A.example/x/?utm_source=rss", title="t", body="b", lang="en")
    assert by_url.id_basis == "url" and by_url.article_id == normalise(url="https://a.example/x", title="t", body="b", lang="en").article_id
    by_content = normalise(title="Same", body="Same   text", lang="en")
    assert by_content.id_basis == "content" and by_content.article_id == normalise(title="same", body="same text", lang="en").article_id


def test_same_feed_id_in_two_feeds_is_two_articles():
    assert normalise(id="1", source="a", title="t", body="b", lang="en").article_id != normalise(id="1", source="b", title="t", body="b", lang="en").article_id


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.org/a?b=1",
        "http://www.example.org:80/a?utm_source=x&amp;b=1#top",
        "HTTPS://WWW.Example.ORG:443/a/?b=1",
        "https://example.org/a?fbclid=IwAR0x&b=1&gclid=Cj0K&xtor=RSS-3",
        "https://example.org/a?utm_medium=social&utm_campaign=spring&b=1&at_medium=email",
        "http://example.org/a/?b=1#comments",
    ],
)
def test_one_story_reached_through_any_link_is_one_document(variant):
    reference = normalise(url="https://example.org/a?b=1", title="t", body="b", lang="en")
    article = normalise(url=variant, title="t", body="b", lang="en")
    assert article.id_basis == "url" and article.article_id == reference.article_id


def test_different_pages_of_one_site_stay_apart():
    ids = {normalise(url=url, title="t", body="b", lang="en").article_id
           for url in ["https://example.org/a?b=1", "https://example.org/a?b=2", "https://example.org/a", "https://example.org/b?b=1",
                       "https://news.example.org/a?b=1"]}
    assert len(ids) == 5


def test_canonical_url_is_a_working_link_without_trackers_and_fragment():
    assert clean_url("HTTPS://News.Example/a/b/?utm_medium=x&page=2#top") == "https://news.example/a/b/?page=2"
    assert clean_url("http://www.example.org:80/a?utm_source=x&amp;b=1#top") == "http://www.example.org/a?b=1"
    assert clean_url("https://example.org:8443/a") == "https://example.org:8443/a"
    assert clean_url("/relative/path") is None and clean_url("ftp://example.org/x") is None


@pytest.mark.parametrize(
    "payload, kind",
    [
        (b"\xff\xfe not utf8", "invalid_utf8"),
        (b"{broken", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (json.dumps({"id": "x", "source": "wire", "published_at": "2024-01-01"}).encode(), "no_text"),
        (json.dumps({"title": "<b> </b>", "body": "<p> </p>"}).encode(), "no_text"),
        (json.dumps({"title": {"text": "t"}, "body": None}).encode(), "no_text"),
        (json.dumps({"title": "t", "body": "x" * 20_000}).encode(), "body_too_large"),
    ],
)
def test_messages_that_are_not_articles_are_rejected_with_a_named_reason(payload, kind):
    with pytest.raises(NormaliseError) as error:
        normalise_payload(payload, received_at=NOW, max_body_chars=10_000)
    assert error.value.kind == kind
    assert str(error.value)


def test_no_text_error_says_what_was_missing():
    with pytest.raises(NormaliseError, match="no title and body has no text once HTML is removed"):
        normalise(body="<p> </p>")


def test_a_consent_banner_in_a_fragment_is_no_part_of_the_body():
    body = ("<p>Agentes detuvieron a un joven hacker.</p><div class='cookies'>Utilizamos cookies propias. "
            "<a href='#'>Configurar</a> <a href='#'>Aceptar</a></div><p>La investigación sigue abierta.</p>")
    assert html_to_text(body) == "Agentes detuvieron a un joven hacker.\nLa investigación sigue abierta."
    # the word in the article's own text stays
    assert html_to_text("<p>Les cookies du site ont été volés.</p>") == "Les cookies du site ont été volés."


def test_load_parsers_loads_at_start_what_the_first_articles_would_wait_for():
    # A fresh interpreter: in this one, earlier tests have loaded everything already.
    probe = (
        "import sys\n"
        "from streams.enrichment.language import _identifier\n"
        "from streams.normalise import load_parsers\n"
        "def loaded():\n"
        "    return ['dateparser.languages.loader' in sys.modules, 'trafilatura' in sys.modules, _identifier.cache_info().currsize == 1]\n"
        "before = loaded()\n"
        "load_parsers()\n"
        "print(before, loaded())\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "[False, False, False] [True, True, True]"
