"""The contracts between stages: one pydantic model per Kafka topic.

news.raw         -> RawArticle         (what feeds send, validated leniently)
news.normalised  -> NormalisedArticle  (clean text, UTC time, language, stable id)
news.enriched    -> EnrichedArticle    (entities, countries, topics, events)
news.mentions    -> MentionsMessage    (an article's events of the types sharing a partition, keyed for consolidation)
news.deadletter  -> DeadLetter         (anything a stage could not process)
coop-incidents   <- Incident           (one real-world event, consolidated from its reports)
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.dates import Precision


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


# What the normalise stage could not read in a message it still indexed, as
# stable codes an analyst filters on (README, "Warnings").
WarningCode = Literal[
    "unreadable_date",      # published_at could not be read: kept in published_at_raw, time is the receive time
    "future_date",          # published_at more than a day after the message was received: receive time used
    "unreadable_lang",      # lang is not a language code: the language was detected from the text
    "unreadable_url",       # url is not an http(s) URL: identity falls back to the content
    "unreadable_id",        # id is not text or a number: identity falls back to the URL, else the content
    "unreadable_source",    # source is not text
    "unreadable_title",     # title is not text: the article has no title
    "unreadable_body",      # body is not text: the article is its title alone
    "missing_title",        # no title, or no text in it once HTML is removed
    "missing_body",         # no body, or no text in it once HTML is removed
    "main_text_not_found",  # the body is a whole web page whose main text could not be told apart: all its text kept
]

def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class RawArticle(BaseModel):
    """A news message as a feed publishes it to ``news.raw``.

    Lenient on purpose: every field may be missing, ids and dates may be
    numbers. The contents (dates, URLs, language codes, HTML) are read by the
    normalise stage, which keeps what it cannot read and names it in the
    article's ``warnings`` rather than losing the article. A field of a type
    that cannot be text (a list, an object, a boolean) fails validation here,
    and the stage reads it as unreadable.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    body: str | None = None
    published_at: str | None = Field(default=None, description="As the feed wrote it; numbers are Unix time")
    lang: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _optional_text(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return _blank_to_none(value)


class NormalisedArticle(BaseModel):
    """An article with clean text, a UTC publication time, a language, a stable id, and what could not be read."""

    article_id: str = Field(description="Deterministic: feed id within its source, else canonical URL, else content hash")
    id_basis: Literal["feed_id", "url", "content"]
    feed_id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str = Field(description="Plain text; empty when the feed sent none (see warnings)")
    text: str = Field(description="Body as plain text, paragraphs separated by newlines; the main text of a web page")
    published_at: datetime = Field(description="UTC publication time (the receive time if the feed gave none that can be used)")
    published_at_source: Literal["feed", "received"] = Field(
        default="feed", description="feed: the feed's date; received: the receive time, the feed's date being absent, unreadable or in the future"
    )
    published_at_precision: Precision = Field(
        default="second", description="How precisely the time is known; a month-precise date is stored as its first instant"
    )
    published_at_raw: str | None = Field(default=None, description="The feed's published_at as it came")
    language: str
    language_source: Literal["feed", "detected"]
    received_at: datetime = Field(description="When the message reached news.raw (the Kafka record's timestamp)")
    warnings: list[WarningCode] = Field(default_factory=list, description="What could not be read; sorted codes")
    unreadable_fields: dict[str, str] = Field(
        default_factory=dict, description="Each unreadable field as the feed sent it (JSON text when not a string)"
    )


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
    event_day: date | None = Field(
        default=None, description="The day the report says the event took place ('on Tuesday', 'mardi'), on or before publication")
    event_week: date | None = Field(
        default=None, description="The Monday of the week a report without a day places the event in ('cette semaine', 'last week')")
    sideline: bool = Field(
        default=False, description="Its sentence places it on the sidelines of a larger meeting ('en marge du sommet')")
    home: str | None = Field(
        default=None, description="The outlet's country (its domain, else its name), when known: the side the report is written from")
    hosts_side_talks: bool = Field(
        default=False, description="The article also tells talks held on the sidelines of this event: it is the larger meeting")
    inferred: bool = Field(
        default=False, description="Told by the report's words as a whole, not by a sentence the event rules read: "
                                   "it joins an incident other reports opened and agrees with them, never opens one")


class ArticleMentions(BaseModel):
    """Every mention of one event type that one article reports now (a part of a ``MentionsMessage``).

    An empty list says the article reports no such event any more (it was
    re-enriched): its earlier mentions leave their incidents.
    """

    article_id: str
    type: EventType
    mentions: list[IncidentMention] = Field(default_factory=list)


class MentionsMessage(BaseModel):
    """news.mentions: an article's mentions of every event type whose key lands on one
    partition, one ``ArticleMentions`` per type (an empty one still says the article
    reports no such event any more).

    A message of one type alone, as earlier versions sent, reads as a message of that type.
    """

    article_id: str
    by_type: list[ArticleMentions]

    @model_validator(mode="before")
    @classmethod
    def _one_type_alone(cls, data: object) -> object:
        if isinstance(data, dict) and "type" in data and "by_type" not in data:
            return {"article_id": data.get("article_id"), "by_type": [data]}
        return data

    @model_validator(mode="after")
    def _one_article(self) -> "MentionsMessage":
        others = {m.article_id for m in self.by_type} - {self.article_id}
        if others:
            raise ValueError(f"mentions of article(s) {sorted(others)} in a message of article {self.article_id}")
        if len({m.type for m in self.by_type}) != len(self.by_type):
            raise ValueError("an event type twice in one message")
        return self


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


DeadLetterFormat = Literal["coopwatch", "kafka-connect", "legacy-json", "foreign"]

# news.deadletter follows Kafka Connect's dead-letter convention: the record's key and
# value are the original message's, untouched (so a dead letter is never larger than its
# message and replays byte for byte); the context travels in headers. Connect's own
# header names are written too, so tools that read Connect's dead letters read ours.
DEADLETTER_HEADERS = {
    "stage": "coopwatch.stage",
    "error_kind": "coopwatch.error.kind",
    "error_message": "coopwatch.error.message",
    "topic": "coopwatch.source.topic",
    "partition": "coopwatch.source.partition",
    "offset": "coopwatch.source.offset",
    "failed_at": "coopwatch.failed_at",
}
CONNECT_HEADERS = {
    "topic": "__connect.errors.topic",
    "partition": "__connect.errors.partition",
    "offset": "__connect.errors.offset",
    "stage": "__connect.errors.stage",
    "error_kind": "__connect.errors.exception.class.name",
    "error_message": "__connect.errors.exception.message",
}
MAX_ERROR_MESSAGE_CHARS = 2000  # headers stay small: a dead letter fits wherever its message did


class DeadLetter(BaseModel):
    """A message a stage could not process: its original bytes and why, so it can be replayed."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    stage: Stage
    error_kind: str = Field(description="Exception class or validation category")
    error_message: str
    failed_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    topic: str | None = Field(default=None, description="Where the message was read: the topic a replay sends it back to")
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = Field(default=None, description="The original message key")
    payload: bytes = Field(description="The original message bytes")
    format: DeadLetterFormat = "coopwatch"
    position: str | None = Field(default=None, description="Where this dead letter itself is: topic/partition@offset")

    @property
    def key_text(self) -> str | None:
        return self.key.decode("utf-8", errors="replace") if self.key is not None else None

    @property
    def payload_size(self) -> int:
        return len(self.payload)

    @property
    def payload_preview(self) -> str:
        return self.payload[:300].decode("utf-8", errors="replace")

    def headers(self) -> list[tuple[str, bytes]]:
        """The Kafka headers that carry this dead letter's context (coopwatch's, then Kafka Connect's names)."""
        fields = {
            "stage": self.stage,
            "error_kind": self.error_kind[:200],
            "error_message": self.error_message[:MAX_ERROR_MESSAGE_CHARS],
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "failed_at": self.failed_at.astimezone(timezone.utc).isoformat(),
        }
        headers = [(DEADLETTER_HEADERS[name], str(value).encode("utf-8")) for name, value in fields.items() if value is not None]
        headers += [(CONNECT_HEADERS[name], str(fields[name]).encode("utf-8")) for name in CONNECT_HEADERS if fields[name] is not None]
        return headers

    @classmethod
    def from_headers(cls, headers: dict[str, bytes], *, key: bytes | None, payload: bytes, failed_at: datetime,
                     position: str | None = None) -> DeadLetter | None:
        """A dead letter from a record's headers (coopwatch's, else Kafka Connect's); None if it carries neither."""
        for names, format in ((DEADLETTER_HEADERS, "coopwatch"), (CONNECT_HEADERS, "kafka-connect")):
            if names["error_kind"] not in headers and names["stage"] not in headers:
                continue
            text = {name: headers[header].decode("utf-8", errors="replace") for name, header in names.items() if header in headers}
            stage = text.get("stage", "unknown")
            return cls(
                stage=stage if stage in get_args(Stage) else "unknown",
                error_kind=text.get("error_kind", "unknown"),
                error_message=text.get("error_message", ""),
                failed_at=_timestamp(text.get("failed_at")) or failed_at,
                topic=text.get("topic"),
                partition=_integer(text.get("partition")),
                offset=_integer(text.get("offset")),
                key=key,
                payload=payload,
                format=format,
                position=position,
            )
        return None


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _timestamp(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
