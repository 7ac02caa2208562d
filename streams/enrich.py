"""The enrich stage: persons, organisations, countries, threat topics and cooperation
events for a normalised article. Pure with respect to its inputs; the gazetteers and
lexicons and the spaCy pipeline of every language are loaded once, at init.

Each article becomes one ``ArticleContext`` (streams/enrichment/context.py) that the
resolvers of ``streams.enrichment`` fill in turn; each resolver says what it reads and adds."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from schemas.articles import EnrichedArticle, NormalisedArticle, Person
from streams.enrichment.agencies import AgencyGazetteer, AgencyResolver
from streams.enrichment.context import ArticleContext, article_text
from streams.enrichment.countries import CountryResolver, shared_lexicon
from streams.enrichment.definitions import DefinitionResolver
from streams.enrichment.events import EventLexicon, EventResolver
from streams.enrichment.institutions import InstitutionResolver
from streams.enrichment.ministries import MinistryFinder, MinistryResolver
from streams.enrichment.organizations import OrganizationBuilder
from streams.enrichment.persons import PersonResolver
from streams.enrichment.outlets import outlet_gazetteer
from streams.enrichment.places import places_version, towns_of_countries
from streams.enrichment.pipelines import Pipelines, model_entities
from streams.enrichment.report_types import ReportTypeModel, ReportTypeResolver
from streams.enrichment.topic_tags import TopicResolver
from streams.enrichment.topics import TopicLexicon
from streams.settings import Settings


class Enricher:
    def __init__(self, settings: Settings) -> None:
        self.pipelines = Pipelines(settings)
        self.pipelines.load_all()
        self.nlp_max_chars = settings.nlp_max_chars
        countries, agencies, ministries = shared_lexicon(), AgencyGazetteer(), MinistryFinder()
        topics, events = TopicLexicon(), EventLexicon()
        self.countries = CountryResolver(countries)
        self.agencies = AgencyResolver(agencies)
        self.definitions = DefinitionResolver(agencies.names_of)
        self.ministries = MinistryResolver(ministries)
        self.persons = PersonResolver(topics.names_a_topic)
        self.institutions = InstitutionResolver(agencies)
        self.organizations = OrganizationBuilder(agencies, ministries, countries.demonym_forms)
        self.topics = TopicResolver(topics)
        self.events = EventResolver(events, agencies)
        report_types = ReportTypeModel.load()
        self.report_types = ReportTypeResolver(report_types, self.events.security_relevant, self.events.acting_countries)
        # The resolvers in the order they run: each reads what the ones before it added.
        self.steps = [
            ("countries", self.countries.find),
            ("agencies", self.agencies.find),
            ("definitions", self.definitions.find),
            ("ministries", self.ministries.find),
            ("persons", self.persons.resolve),           # before any country is weighed: 'Paul Jordan' is no Jordan
            ("country weights", self.countries.weigh),
            ("agency countries", self.agencies.resolve),
            ("ministry countries", self.ministries.resolve),
            ("institutions", self.institutions.resolve),
            ("organizations", self.organizations.build),
            ("country tags", self.countries.tag),
            ("topics", self.topics.resolve),
            ("events", self.events.resolve),
            ("report types", self.report_types.resolve),   # only where the event rules found none
        ]
        towns_of_countries()   # read now, not while the first article waits
        self.version = (
            f"agencies:{agencies.version};countries:{countries.version};"
            f"ministries:{ministries.version};topics:{topics.version};events:{events.version};places:{places_version()};"
            f"outlets:{outlet_gazetteer().version};report-types:{report_types.version}"
        )

    def pipeline(self, language: str):
        """The spaCy pipeline for ``language`` (loaded once), or None when there is none."""
        return self.pipelines.get(language)

    def article_text(self, article: NormalisedArticle) -> str:
        """What the NLP and the resolvers read: a bounded prefix, so that one huge article neither
        holds its partition for long nor grows the worker (its whole body is still indexed)."""
        return article_text(article, self.nlp_max_chars)

    def enrich(self, article: NormalisedArticle, *, now: datetime | None = None) -> EnrichedArticle:
        nlp = self.pipeline(article.language)
        doc = nlp(self.article_text(article)) if nlp is not None else None
        return self._enrich(article, doc, now)

    def enrich_many(self, articles: Sequence[NormalisedArticle]) -> list[EnrichedArticle]:
        results: list[EnrichedArticle | None] = [None] * len(articles)
        by_language: dict[str, list[int]] = {}
        for index, article in enumerate(articles):
            by_language.setdefault(article.language, []).append(index)
        now = datetime.now(timezone.utc)
        for language, indices in by_language.items():
            texts = [self.article_text(articles[i]) for i in indices]
            nlp = self.pipeline(language)
            docs = nlp.pipe(texts, batch_size=32) if nlp is not None else [None] * len(texts)
            for index, doc in zip(indices, docs):
                results[index] = self._enrich(articles[index], doc, now)
        return [r for r in results if r is not None]

    def context(self, article: NormalisedArticle, doc) -> ArticleContext:
        """The article with all resolvers run over it."""
        context = ArticleContext.build(article, doc, model_entities(doc), max_chars=self.nlp_max_chars)
        for _, resolve in self.steps:
            resolve(context)
        return context

    def _enrich(self, article: NormalisedArticle, doc, now: datetime | None) -> EnrichedArticle:
        context = self.context(article, doc)
        return EnrichedArticle(
            **article.model_dump(),
            persons=[Person(name=p.name, mentions=list(dict.fromkeys(p.mentions)), source="model") for p in context.persons],
            organizations=context.organizations,
            countries=context.country_tags,
            topics=context.topics,
            events=context.events,
            enriched_at=now or datetime.now(timezone.utc),
            enricher_version=self.version,
        )
