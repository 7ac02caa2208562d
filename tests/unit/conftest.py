"""Shared unit-test helpers: one Enricher per session (spaCy pipelines load once)."""

from datetime import datetime, timezone

import pytest

from schemas.articles import NormalisedArticle
from streams.enrich import Enricher
from streams.settings import Settings


@pytest.fixture(scope="session")
def enricher():
    return Enricher(Settings())


def make_article(title: str, text: str, language: str, article_id: str = "t-1") -> NormalisedArticle:
    now = datetime(2024, 5, 1, tzinfo=timezone.utc)
    return NormalisedArticle(
        article_id=article_id, id_basis="feed_id", feed_id=article_id, title=title, text=text,
        published_at=now, language=language, language_source="feed", received_at=now,
    )


def context_before(enricher, step: str, text: str, language: str = "en", title: str = "Note"):
    """An ArticleContext for an article ``title`` + ``text`` with every resolver before ``step``
    (a name of ``Enricher.steps``) run: what that step reads, ready for it to run."""
    from streams.enrichment.context import ArticleContext
    from streams.enrichment.pipelines import model_entities

    names = [name for name, _ in enricher.steps]
    assert step in names, f"no step {step!r}: {names}"
    article = make_article(title, text, language)
    nlp = enricher.pipeline(language)
    doc = nlp(enricher.article_text(article)) if nlp is not None else None
    context = ArticleContext.build(article, doc, model_entities(doc))
    for name, resolve in enricher.steps:
        if name == step:
            break
        resolve(context)
    return context
