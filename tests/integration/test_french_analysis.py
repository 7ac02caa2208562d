"""Analysts search French text: accents, elided articles and inflection must not matter."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def french_index(es, settings):
    """An index whose text field uses the project's French analyzer, as the templates define it."""
    from streams.index import load_template

    name = f"{settings.articles_alias}-analysis-check"
    analysis = load_template("coopwatch-analysis")["template"]["settings"]
    es.indices.create(index=name, settings=analysis, mappings={"properties": {"text": {"type": "text", "analyzer": "coopwatch_french"}}})
    documents = {
        "securite": "Renforcer la sécurité intérieure du pays",
        "immigration": "La lutte contre l’immigration illégale",
        "cooperation": "Une coopération exemplaire entre services",
        "unrelated": "Le match de football a été reporté",
    }
    for doc_id, text in documents.items():
        es.index(index=name, id=doc_id, document={"text": text})
    es.indices.refresh(index=name)
    yield name
    es.indices.delete(index=name)


def matching_ids(es, index: str, query: str) -> set[str]:
    hits = es.search(index=index, query={"match": {"text": {"query": query, "operator": "and"}}})["hits"]["hits"]
    return {hit["_id"] for hit in hits}


def test_unaccented_query_finds_accented_text(es, french_index) -> None:
    assert matching_ids(es, french_index, "securite interieure") == {"securite"}


def test_elided_article_with_typographic_apostrophe_is_ignored(es, french_index) -> None:
    assert matching_ids(es, french_index, "immigration") == {"immigration"}


def test_plural_finds_singular(es, french_index) -> None:
    assert matching_ids(es, french_index, "coopérations") == {"cooperation"}


def test_analyzer_folds_elisions_case_accents_and_plurals(es, french_index) -> None:
    def tokens(text: str) -> list[str]:
        return [t["token"] for t in es.indices.analyze(index=french_index, analyzer="coopwatch_french", text=text)["tokens"]]

    assert tokens("l’Immigration et la Sécurité") == tokens("immigration et la securite")
    assert tokens("d'intérêt commun") == tokens("interets communs")
