"""Watch lists and their alerts: the contracts of news.watches and news.alerts.

news.watches  -> Watch  (compacted: key = watch name, a tombstone removes it)
news.alerts   -> Alert  (one per article that matched a watch, at most once)
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pycountry
from pydantic import AnyHttpUrl, BaseModel, Field, field_validator, model_validator

from schemas.articles import EventType, Topic

WATCH_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _clean_names(values: list[str]) -> list[str]:
    cleaned = [" ".join(value.split()) for value in values]
    if any(not value for value in cleaned):
        raise ValueError("names may not be blank")
    return cleaned


class Watch(BaseModel):
    """A standing search: every newly indexed article it matches raises one alert.

    ``query`` is Lucene syntax, exactly as typed in ``coopwatch search`` or
    Kibana; each filter list narrows it further and every value must hold
    (two countries mean articles tagged with both).
    """

    name: str = Field(pattern=WATCH_NAME_PATTERN, description="Letters, digits, '.', '_' or '-'; the watch's key")
    query: str = Field(default="*", description="Lucene query; '*' when only the filters select")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes, all required")
    persons: list[str] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list, description="Acronyms or full names, as `search --org` takes them")
    topics: list[Topic] = Field(default_factory=list)
    event_types: list[EventType] = Field(default_factory=list)
    webhook: AnyHttpUrl | None = Field(default=None, description="Receives each alert as a JSON POST")
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @field_validator("query")
    @classmethod
    def _query(cls, value: str) -> str:
        return value.strip() or "*"

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        codes = [value.strip().upper() for value in values]
        unknown = [code for code in codes if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None]
        if unknown:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)} (e.g. MA, ES, FR)")
        return codes

    @field_validator("persons", "agencies")
    @classmethod
    def _names(cls, values: list[str]) -> list[str]:
        return _clean_names(values)

    @model_validator(mode="after")
    def _selects_something(self) -> Watch:
        if self.query == "*" and not (self.countries or self.persons or self.agencies or self.topics or self.event_types):
            raise ValueError("a watch needs a query or a filter: '*' alone would alert on every article")
        return self


def alert_id_for(watch_name: str, article_id: str) -> str:
    """The same watch and article always give the same id, however often the article is indexed."""
    return hashlib.sha256(f"{watch_name}\n{article_id}".encode("utf-8")).hexdigest()[:32]


class Alert(BaseModel):
    """An indexed article that matched a watch."""

    alert_id: str = Field(description="Deterministic: watch name + article id")
    watch: str
    article_id: str
    title: str
    url: str | None = None
    source: str | None = None
    published_at: datetime
    received_at: datetime | None = Field(default=None, description="When the article reached news.raw (absent from alerts raised before it was recorded)")
    highlights: list[str] = Field(default_factory=list, description="Title and body fragments, matching words between **")
    matched_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
