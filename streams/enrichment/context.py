"""The article context: the one object every resolver reads and fills.

``streams.enrich.Enricher`` builds one ``ArticleContext`` per article and runs the
resolvers of ``streams.enrichment`` over it in a fixed order. The fields below are
that data flow: the input first, then what each resolver adds, in the order they run.
All offsets point into ``text`` (``folded`` has the same length).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Callable, Iterable, NamedTuple, TypeVar

from schemas.articles import CooperationEvent, CountryTag, NormalisedArticle, Organization, TopicTag
from streams.enrichment.text import Sentence, bounded_prefix, fold, split_sentences

# kinds of country mention, from strongest evidence to weakest
NAME, DEMONYM, PREFIX, CAPITAL, CITY = "name", "demonym", "prefix", "capital", "city"
T = TypeVar("T")
PERSON_LABELS = ("PER", "PERSON")   # the French and English pipelines name persons differently


class Entity(NamedTuple):
    """A named entity of the spaCy model: PER/PERSON, ORG, MISC, LOC..."""
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class CountryMention:
    start: int
    end: int
    code: str
    kind: str          # NAME, DEMONYM, PREFIX ('franco-'), CAPITAL or CITY
    text: str
    nationality: bool = False   # a person's ('ciudadano peruano', 'an Albanian trafficker'), not a body's or a place
    counted: bool = False       # persons counted by it ('trois Ghanéens', 'cinco colombianos'): never a side


@dataclass
class OrgMention:
    """An agency, ministry or institution named in the text, and the country it belongs to."""
    start: int
    end: int
    key: str                      # agency id, "ministry:<portfolio>" or "institution:<folded name>"
    text: str
    country: str | None = None
    country_source: str = "default"   # default | qualifier | context | counterpart | plural
    acronym: str | None = None
    plural: bool = False
    extra_names: list[str] = field(default_factory=list)   # other agencies sharing the acronym
    canonical: str | None = None
    aliases: list[str] = field(default_factory=list)   # surface forms seen in the text


@dataclass
class ResolvedPerson:
    name: str
    mentions: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def article_text(article: NormalisedArticle, max_chars: int | None = None) -> str:
    """What the resolvers read: the title, a blank line, the body; at most ``max_chars`` of it."""
    text = f"{article.title.strip()}\n\n{article.text}"
    return bounded_prefix(text, max_chars) if max_chars else text


SENTENCES_KEY = "coopwatch_sentences"   # Doc.user_data: (the text, its split_sentences), set by the pipeline


@dataclass
class ArticleContext:
    # ------------------------------------------------------------ the input
    article: NormalisedArticle
    text: str                         # article_text(article, max_chars): a bounded prefix
    folded: str                       # fold(text): same length, so offsets carry over
    sentences: list[Sentence]         # text.split_sentences: the one segmentation (see pipelines.py)
    doc: object | None                # the spaCy Doc, None for a language without a pipeline
    entities: list[Entity]            # the model's entities (pipelines.model_entities)
    # ------------------------------------------------------------ added by the resolvers, in order
    countries: list[CountryMention] = field(default_factory=list)      # CountryResolver.find (PersonResolver drops names' parts)
    agency_mentions: list[OrgMention] = field(default_factory=list)    # AgencyResolver.find: gazetteer hits, no country yet
    definitions: list = field(default_factory=list)                    # DefinitionResolver: 'Long Name (ACRONYM)' (definitions.Definition)
    ministry_mentions: list[OrgMention] = field(default_factory=list)  # MinistryResolver.find: portfolio hits, no country yet
    persons: list[ResolvedPerson] = field(default_factory=list)        # PersonResolver
    country_weights: Counter = field(default_factory=Counter)          # CountryResolver.weigh: how central each country is
    organization_mentions: list[OrgMention] = field(default_factory=list)  # agencies, ministries, institutions with a country
    organizations: list[Organization] = field(default_factory=list)    # OrganizationBuilder: one record per body and country
    country_tags: list[CountryTag] = field(default_factory=list)       # CountryResolver.tag
    topics: list[TopicTag] = field(default_factory=list)               # TopicResolver
    events: list[CooperationEvent] = field(default_factory=list)       # EventResolver
    # ------------------------------------------------------------ lookup cache (sentence_index)
    _starts_of: list[Sentence] | None = field(default=None, init=False, repr=False, compare=False)
    _sentence_starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, article: NormalisedArticle, doc, entities: list[Entity], *, max_chars: int | None = None) -> ArticleContext:
        text = article_text(article, max_chars)
        # the pipeline's sentence component has split this very text already (pipelines.py)
        split = doc.user_data.get(SENTENCES_KEY) if doc is not None else None
        sentences = split[1] if split is not None and split[0] == text else split_sentences(text)
        return cls(article, text, fold(text), sentences, doc, entities)

    @property
    def body_start(self) -> int:
        """Offset of the body in ``text`` (after the title and the blank line)."""
        return len(self.article.title.strip()) + 2

    @property
    def person_spans(self) -> list[tuple[int, int]]:
        return [span for person in self.persons for span in person.spans]

    @property
    def qualifier_words(self) -> set[str]:
        """Folded country names and demonyms of the article ('tunisienne', 'peru'): the words a
        body's name may carry as its national qualifier."""
        return {fold(c.text) for c in self.countries if c.kind in (NAME, DEMONYM)}

    def sentence_at(self, position: int) -> Sentence | None:
        """The sentence holding ``position``, None between sentences."""
        index = self.sentence_index(position)
        return None if index is None else self.sentences[index]

    def sentence_index(self, position: int) -> int | None:
        """The number of the sentence holding ``position``, None between sentences."""
        if self._starts_of is not self.sentences or len(self._sentence_starts) != len(self.sentences):
            # kept: rebuilt per lookup, it made every lookup read all the sentences
            self._starts_of, self._sentence_starts = self.sentences, [s.start for s in self.sentences]
        index = bisect_right(self._sentence_starts, position) - 1
        if index >= 0 and position < self.sentences[index].end:
            return index
        return None

    def by_sentence(self, items: Iterable[T], start: Callable[[T], int] = attrgetter("start")) -> list[list[T]]:
        """Per sentence, the items that start inside it, in their own order (sentences follow one
        another without overlap, so each item belongs to one at most)."""
        groups: list[list[T]] = [[] for _ in self.sentences]
        for item in items:
            index = self.sentence_index(start(item))
            if index is not None:
                groups[index].append(item)
        return groups

    def add_organization_mentions(self, mentions: list[OrgMention]) -> None:
        """Add resolved bodies; the list stays in text order (events read their actors in that order)."""
        self.organization_mentions.extend(mentions)
        self.organization_mentions.sort(key=lambda m: m.start)
