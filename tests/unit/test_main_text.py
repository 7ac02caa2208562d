"""Whole web pages in the body: only the article's own text is analysed and indexed.

The pages in tests/data/pages were written for the project: a French and an
English news page with a cookie banner, navigation, breadcrumb, image caption,
share buttons, a table, a related-articles list, a newsletter form and a footer.
"""

import json
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest

from streams.normalise import body_text, html_to_text, is_whole_page, normalise_payload

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)

FRENCH = {
    "file": "fr-article-page.html",
    "title": "Trafic de cocaïne : Belges et Espagnols démantèlent un réseau à Anvers",
    "paragraphs": [
        "La police judiciaire fédérale belge et la Policía Nacional espagnole ont démantelé mardi un réseau de trafic de cocaïne",
        "Dix-sept personnes ont été interpellées lors de perquisitions menées simultanément à Anvers, à Algésiras et à Malaga.",
        "Les deux polices avaient mis en place une équipe commune d'enquête dès l'automne dernier",
        "Le ministre belge de la Justice a salué « une coopération exemplaire » avec Madrid",
    ],
    "table": ["2022 110", "2023 116"],
    "boilerplate": [
        "cookies", "Tout accepter",                       # cookie banner
        "Accueil", "Politique", "Météo", "S'abonner",     # navigation and breadcrumb
        "Photo d'illustration", "Photopresse",            # image caption and credit
        "Par Claire Vandamme",                            # byline
        "Partager sur Facebook",                          # share buttons
        "À lire aussi", "Football", "Portugal",           # related articles
        "lettre d'information",                           # newsletter form
        "Mentions légales", "Tous droits réservés",       # footer
        "dataLayer", "Le Quotidien du Littoral",          # script, site name in <title>
    ],
}
ENGLISH = {
    "file": "en-article-page.html",
    "title": "Kenyan and British police seize weapons bound for Somalia",
    "paragraphs": [
        "Kenyan police and Britain's National Crime Agency have seized a shipment of assault rifles",
        "Officers from the Directorate of Criminal Investigations arrested four men",
        "This seizure is the result of months of intelligence sharing between our two countries",
        "The National Crime Agency said the operation formed part of a wider effort with East African partners",
    ],
    "table": ["Assault rifles 240", "Rounds of ammunition 60,000"],
    "boilerplate": [
        "privacy", "cookies", "I accept",                 # consent banner
        "Home", "Business", "Weather", "Sign in",         # navigation
        "File picture", "Coastline Images",               # image caption and credit
        "Related stories", "Marathon", "Tea prices",      # related articles
        "Most read", "Traffic jam",                       # most-read list
        "Terms of use", "All rights reserved",            # footer
        "Harbour Herald",                                 # site name
    ],
}


@pytest.mark.parametrize("page", [FRENCH, ENGLISH], ids=["fr", "en"])
def test_a_whole_page_gives_the_article_text_without_the_boilerplate(page):
    html = (PAGES / page["file"]).read_text(encoding="utf-8")
    assert is_whole_page(html)
    text, warnings = body_text(html, title=page["title"])
    assert warnings == []
    for paragraph in page["paragraphs"]:
        assert paragraph in text
    for row in page["table"]:
        assert row in text.splitlines()
    for word in page["boilerplate"]:
        assert word.casefold() not in text.casefold(), word
    assert page["title"] not in text  # the page's headline is the article's title, analysed once


def test_a_page_in_a_raw_message_is_indexed_as_its_main_text():
    html = (PAGES / FRENCH["file"]).read_text(encoding="utf-8")
    payload = json.dumps({"id": "p1", "source": "web", "title": FRENCH["title"], "body": html}).encode("utf-8")
    article = normalise_payload(payload, received_at=NOW, max_body_chars=1_000_000)
    assert article.text.startswith(FRENCH["paragraphs"][0])
    assert "Mentions légales" not in article.text and article.language == "fr" and article.warnings == []


def test_short_fragments_and_plain_text_come_through_unchanged():
    fragment = "<p>La DGSI et la DGST ont tenu une réunion à Rabat.</p><p>Les deux services ont évoqué le terrorisme.</p>"
    assert not is_whole_page(fragment)
    assert body_text(fragment, title="t") == (
        "La DGSI et la DGST ont tenu une réunion à Rabat.\nLes deux services ont évoqué le terrorisme.", [])
    plain = "Spanish and Moroccan police met in Rabat.\nThey agreed to share intelligence."
    assert body_text(plain, title="t") == (plain, [])
    article = "<article><p>L&rsquo;Institut royal de police accueille des enquêteurs.</p><figure><figcaption>Photo: archives</figcaption></figure></article>"
    assert not is_whole_page(article)
    assert body_text(article, title="t") == (html_to_text(article), [])


def test_a_long_body_full_of_links_is_a_page_even_without_page_tags():
    links = "".join(f'<div><a href="/rubrique/{n}">Rubrique {n}</a></div>' for n in range(20))
    body = links + "<div>" + "<p>Un paragraphe de l'article sur la coopération policière. </p>" * 60 + "</div>"
    assert len(body) > 3000 and is_whole_page(body)
    assert not is_whole_page("<p>" + "Un long texte sans liens. " * 200 + "</p>")


def test_a_page_the_extractor_cannot_read_logs_no_error(caplog):
    # Plain text that names a page tag is taken for a page; the extractor finds no tree in it.
    with caplog.at_level(logging.WARNING):
        text, warnings = body_text("Une dépêche qui cite la balise <footer> sans en être une.", title="t")
    assert warnings == ["main_text_not_found"] and "dépêche" in text
    assert [r.getMessage() for r in caplog.records] == []


def test_a_page_whose_main_text_cannot_be_found_keeps_its_text_and_says_so():
    # The extractor sets side columns aside; a page that is nothing else has no main text.
    text, warnings = body_text("<html><body><aside><p>Texte de la colonne</p></aside></body></html>", title="t")
    assert warnings == ["main_text_not_found"] and text == "Texte de la colonne"
