"""The contracts between stages: one pydantic model per Kafka topic.

news.raw         -> RawArticle         (what feeds send, validated leniently)
news.normalised  -> NormalisedArticle  (clean text, UTC time, language, stable id)
news.enriched    -> EnrichedArticle    (entities, countries, topics, events)
news.mentions    -> ArticleMentions    (an article's events of one type, keyed for consolidation)
news.deadletter  -> DeadLetter         (anything a stage could not process)
coop-incidents   <- Incident           (one real-world event, consolidated from its reports)
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.dates import parse_publication_date

# Where a tag came from, so an analyst can tell a model's guess from a gazetteer hit.
TagSource = Literal["model", "gazetteer", "lexicon", "inferred", "feed", "detected"]

EventType = Literal[
    "meeting",
    "visit",
    "agreement",
    "intelligence_sharing",
    "joint_operation",
    "training",
    "extradition",
]

Topic = Literal[
    "terrorism",
    "drug_trafficking",
    "illegal_immigration",
    "human_trafficking",
    "cybercrime",
    "organized_crime",
    "arms_trafficking",
    "money_laundering",
    "radicalisation",
    "border_security",
    "espionage",
]

Stage = Literal["normalise", "enrich", "index", "incidents", "unknown"]


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class RawArticle(BaseModel):
    """A news message as a feed publishes it to ``news.raw``.

    Lenient on form (ids may be numbers, dates come in many formats, ``lang``
    and ``url`` may be missing) but strict on substance: a message without a
    title and a body, or with a date nobody can read, is rejected with a
    validation error that names the field.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    published_at: datetime | None = None
    lang: str | None = None

    @field_validator("id", "url", "source", "lang", mode="before")
    @classmethod
    def _optional_text(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return _blank_to_none(value)

    @field_validator("lang")
    @classmethod
    def _language_code(cls, value: str | None) -> str | None:
        # Feeds send "fr", "FR", "fr-FR" or "fr_CA"; the pipeline speaks ISO 639-1.
        if value is None:
            return None
        return value.replace("_", "-").split("-")[0].lower()

    @field_validator("published_at", mode="before")
    @classmethod
    def _publication_date(cls, value: object) -> object:
        value = _blank_to_none(value)
        if value is None or isinstance(value, datetime):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a date string, got {type(value).__name__}")
        return parse_publication_date(value)


class NormalisedArticle(BaseModel):
    """An article with clean text, a UTC publication time, a language and a stable id."""

    article_id: str = Field(description="Deterministic id: feed id, else canonical URL, else content hash")
    id_basis: Literal["feed_id", "url", "content"]
    feed_id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str
    text: str = Field(description="Body as plain text, paragraphs separated by newlines")
    published_at: datetime = Field(description="UTC publication time (reception time if the feed gave none)")
    published_at_from_feed: bool = True
    language: str
    language_source: Literal["feed", "detected"]
    received_at: datetime


class Person(BaseModel):
    name: str = Field(description="Canonical full name, without titles")
    mentions: list[str] = Field(default_factory=list, description="How the article wrote it")
    source: TagSource = "model"


class Organization(BaseModel):
    acronym: str | None = None
    name: str
    aliases: list[str] = Field(default_factory=list)
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2; null for international bodies")
    kind: str | None = Field(default=None, description="police, intelligence, justice, military, ministry, international")
    mentions: list[str] = Field(default_factory=list)
    source: TagSource = "gazetteer"

    @property
    def label(self) -> str:
        """What analysts filter on: the acronym when there is one, else the name."""
        return self.acronym or self.name


class CountryTag(BaseModel):
    code: str = Field(description="ISO 3166-1 alpha-2")
    name: str
    evidence: list[str] = Field(default_factory=list, description="Names, capitals, demonyms, agencies that point to it")
    source: TagSource = "lexicon"


class TopicTag(BaseModel):
    topic: Topic
    terms: list[str] = Field(default_factory=list, description="Words of the article that triggered it")
    source: TagSource = "lexicon"


class CooperationEvent(BaseModel):
    event_id: str = Field(description="Deterministic: article id + type + countries + location")
    article_id: str
    type: EventType
    countries: list[str] = Field(description="ISO codes of the cooperating countries, sorted")
    location: str | None = Field(default=None, description="ISO code of where it happened, null when unknown")
    evidence: str = Field(description="The sentence that reports it")
    trigger: str = Field(default="", description="The expression that signalled the event")
    persons: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    published_at: datetime

    @property
    def country_pair(self) -> str:
        return "-".join(sorted(self.countries))


class EnrichedArticle(NormalisedArticle):
    persons: list[Person] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    countries: list[CountryTag] = Field(default_factory=list)
    topics: list[TopicTag] = Field(default_factory=list)
    events: list[CooperationEvent] = Field(default_factory=list)
    enriched_at: datetime
    enricher_version: str = Field(description="Gazetteer and lexicon version that produced the tags")


class IncidentMention(BaseModel):
    """One cooperation event as one article reports it: what the consolidation stage merges.

    It carries what two reports of one event are compared on (persons, agencies,
    topics, place, the names and figures of its sentence), so merging needs no NLP.
    """

    mention_id: str = Field(description="The event's id (deterministic: article + type + countries + place)")
    article_id: str
    type: EventType
    countries: list[str] = Field(description="ISO codes of the cooperating countries, sorted")
    location: str | None = None
    evidence: str
    published_at: datetime
    source: str | None = None
    title: str
    url: str | None = None
    language: str
    persons: list[str] = Field(default_factory=list, description="Persons the article names")
    organizations: list[str] = Field(default_factory=list, description="Agencies the article names (acronym, else name)")
    agency_keys: list[list[str]] = Field(
        default_factory=list, description="Per agency, COUNTRY:name for each of its names and aliases, to match across languages")
    topics: list[str] = Field(default_factory=list)
    anchors: list[str] = Field(default_factory=list, description="Folded proper names and figures of the title, lede and sentence")


class ArticleMentions(BaseModel):
    """news.mentions: every mention of one event type that one article reports now.

    An empty list says the article reports no such event any more (it was
    re-enriched): its earlier mentions leave their incidents.
    """

    article_id: str
    type: EventType
    mentions: list[IncidentMention] = Field(default_factory=list)


class Incident(BaseModel):
    """One real-world cooperation event, with everything its reports said about it."""

    incident_id: str = Field(description="Deterministic: type + the mention that opened it")
    type: EventType
    countries: list[str]
    country_pairs: list[str] = Field(description="Every pair of its countries, e.g. FR-MA")
    location: str | None = Field(default=None, description="Where most reports place it")
    first_reported_at: datetime
    last_reported_at: datetime
    article_count: int
    source_count: int
    sources: list[str]
    article_ids: list[str]
    titles: list[str]
    urls: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list, description="Most-named first")
    organizations: list[str] = Field(default_factory=list, description="Most-named first")
    topics: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(description="The sentences that report it best, most representative first")
    mention_ids: list[str]


class DeadLetter(BaseModel):
    """A message a stage could not process, kept whole so it can be replayed."""

    stage: Stage
    error_kind: str = Field(description="Exception class or validation category")
    error_message: str
    failed_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    payload_base64: str = Field(description="The original message bytes, base64-encoded")
    payload_size: int
    payload_preview: str = Field(description="The first characters of the payload, decoded leniently")

    @classmethod
    def for_payload(cls, payload: bytes, **fields: object) -> DeadLetter:
        return cls(
            payload_base64=base64.b64encode(payload).decode("ascii"),
            payload_size=len(payload),
            payload_preview=payload[:300].decode("utf-8", errors="replace"),
            **fields,
        )

    def payload(self) -> bytes:
        return base64.b64decode(self.payload_base64)
