"""Threat topics of an article: the topic lexicon run over its text with the names of
organisations masked, so that 'Drug Enforcement Administration' alone is no drug trafficking.
(The lexicon itself is ``streams.enrichment.topics.TopicLexicon``.)"""

from __future__ import annotations

from schemas.articles import TopicTag
from streams.enrichment.context import ArticleContext
from streams.enrichment.text import mask
from streams.enrichment.topics import TopicLexicon


class TopicResolver:
    def __init__(self, lexicon: TopicLexicon) -> None:
        self.lexicon = lexicon

    def resolve(self, context: ArticleContext) -> None:
        """Reads folded, organization_mentions. Adds topics, each with the terms that showed it."""
        masked = mask(context.folded, [(m.start, m.end) for m in context.organization_mentions])
        context.topics = [
            TopicTag(topic=topic, terms=terms[:10], source="lexicon")
            for topic, terms in self.lexicon.find(masked).items()
        ]
