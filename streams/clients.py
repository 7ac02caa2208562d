"""Every Kafka and Elasticsearch client the project creates, built in one place from Settings.

Connection details (servers, credentials, TLS) live here only, so a setting
added for one client reaches them all: the Faust app, the kafka-python admin,
publisher and readers, and the Elasticsearch sync and async clients.
"""

from __future__ import annotations

from typing import Any

from streams.settings import Settings


def kafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments every kafka-python client takes to reach the brokers."""
    return {"bootstrap_servers": settings.kafka_servers}


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
    """The part of faust.App's configuration that says how to reach the brokers."""
    return {"broker": [f"kafka://{server}" for server in settings.kafka_servers]}


def elasticsearch_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {"hosts": [settings.elasticsearch_url], "request_timeout": 30}
    if settings.elasticsearch_api_key:
        options["api_key"] = settings.elasticsearch_api_key.get_secret_value()
    elif settings.elasticsearch_username:
        password = settings.elasticsearch_password.get_secret_value() if settings.elasticsearch_password else ""
        options["basic_auth"] = (settings.elasticsearch_username, password)
    return options


def elasticsearch_client(settings: Settings, **options: Any):
    from elasticsearch import Elasticsearch

    return Elasticsearch(**{**elasticsearch_options(settings), **options})


def async_elasticsearch_client(settings: Settings, **options: Any):
    from elasticsearch import AsyncElasticsearch

    return AsyncElasticsearch(**{**elasticsearch_options(settings), **options})
