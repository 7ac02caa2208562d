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
