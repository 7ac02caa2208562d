"""The contracts between stages: one pydantic model per Kafka topic.

news.raw         -> RawArticle         (what feeds send, validated leniently)
news.normalised  -> NormalisedArticle  (clean text, UTC time, language, stable id)
news.enriched    -> EnrichedArticle    (entities, countries, topics, events)
news.deadletter  -> DeadLetter         (anything a stage could not process)
"""

from __future__ import annotations

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

Stage = Literal["normalise", "enrich", "index", "unknown"]


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
                stage=stage if stage in ("normalise", "enrich", "index") else "unknown",
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
