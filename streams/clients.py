"""Every Kafka and Elasticsearch client the project creates, built in one place from Settings.

Connection details (servers, credentials, TLS) live here only, so a setting
added for one client reaches them all: the Faust app, the kafka-python admin,
publisher and readers, and the Elasticsearch sync and async clients.
"""

from __future__ import annotations

import ssl
from typing import Any

from streams.settings import Settings


def kafka_ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context of every Kafka client: the configured CA (else the system's), hostnames checked."""
    if not settings.kafka_uses_tls:
        return None
    return ssl.create_default_context(cafile=str(settings.kafka_ca_file) if settings.kafka_ca_file else None)


def kafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments every kafka-python client takes to reach the brokers."""
    options: dict[str, Any] = {"bootstrap_servers": settings.kafka_servers,
                               "security_protocol": settings.kafka_security_protocol}
    if settings.kafka_uses_tls:
        options["ssl_context"] = kafka_ssl_context(settings)
    if settings.kafka_uses_sasl:
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_username,
            sasl_plain_password=settings.kafka_password.get_secret_value() if settings.kafka_password else None,
        )
    return options


def kafka_producer(settings: Settings, **options: Any):
    from kafka import KafkaProducer

    defaults = {"acks": "all", "max_request_size": settings.max_message_bytes}
    return KafkaProducer(**{**kafka_options(settings), **defaults, **options})


def kafka_consumer(settings: Settings, *topics: str, **options: Any):
    from kafka import KafkaConsumer

    defaults = {"fetch_max_bytes": settings.max_message_bytes * 2, "max_partition_fetch_bytes": settings.max_message_bytes}
    return KafkaConsumer(*topics, **{**kafka_options(settings), **defaults, **options})


def kafka_admin(settings: Settings, **options: Any):
    from kafka.admin import KafkaAdminClient

    return KafkaAdminClient(**{**kafka_options(settings), "client_id": f"{settings.app_id}-admin", **options})


def faust_broker_options(settings: Settings) -> dict[str, Any]:
    """The part of faust.App's configuration that says how to reach the brokers.

    Faust picks SASL_SSL only when its credentials carry an SSL context; without
    one it would quietly speak SASL_PLAINTEXT, so the context is always given.
    """
    import faust

    options: dict[str, Any] = {"broker": [f"kafka://{server}" for server in settings.kafka_servers]}
    if settings.kafka_uses_sasl:
        options["broker_credentials"] = faust.SASLCredentials(
            username=settings.kafka_username,
            password=settings.kafka_password.get_secret_value() if settings.kafka_password else None,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=kafka_ssl_context(settings),
        )
    elif settings.kafka_uses_tls:
        options["broker_credentials"] = faust.SSLCredentials(kafka_ssl_context(settings))
    return options


def elasticsearch_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {"hosts": [settings.elasticsearch_url], "request_timeout": 30}
    if settings.elasticsearch_api_key:
        options["api_key"] = settings.elasticsearch_api_key.get_secret_value()
    elif settings.elasticsearch_username:
        password = settings.elasticsearch_password.get_secret_value() if settings.elasticsearch_password else ""
        options["basic_auth"] = (settings.elasticsearch_username, password)
    if settings.elasticsearch_ca_file:
        options["ca_certs"] = str(settings.elasticsearch_ca_file)
    if settings.elasticsearch_ca_fingerprint:
        options["ssl_assert_fingerprint"] = settings.elasticsearch_ca_fingerprint
    return options


def elasticsearch_client(settings: Settings, **options: Any):
    from elasticsearch import Elasticsearch

    return Elasticsearch(**{**elasticsearch_options(settings), **options})


def async_elasticsearch_client(settings: Settings, **options: Any):
    from elasticsearch import AsyncElasticsearch

    return AsyncElasticsearch(**{**elasticsearch_options(settings), **options})


def explain_connection_error(error: BaseException, settings: Settings) -> str | None:
    return None
