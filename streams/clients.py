"""Every Kafka and Elasticsearch client the project creates, built in one place from Settings.

Connection details (servers, credentials, TLS) live here only, so a setting
added for one client reaches them all: the Faust app, the kafka-python admin,
publisher and readers, and the Elasticsearch sync and async clients.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
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

    check_kafka_accepts(settings)
    defaults = {"acks": "all", "max_request_size": settings.max_message_bytes}
    return KafkaProducer(**{**kafka_options(settings), **defaults, **options})


def async_kafka_producer(settings: Settings, **options: Any):
    """An aiokafka producer, to start in the loop that uses it: it builds record batches in C,
    several times as fast as kafka-python when one burst must not be what is measured."""
    from aiokafka import AIOKafkaProducer

    check_kafka_accepts(settings)
    defaults = {"acks": "all", "max_request_size": settings.max_message_bytes}
    return AIOKafkaProducer(**{**kafka_options(settings), **defaults, **options})


def kafka_consumer(settings: Settings, *topics: str, **options: Any):
    from kafka import KafkaConsumer

    check_kafka_accepts(settings)
    defaults = {"fetch_max_bytes": settings.max_message_bytes * 2, "max_partition_fetch_bytes": settings.max_message_bytes}
    return KafkaConsumer(*topics, **{**kafka_options(settings), **defaults, **options})


def records_to_end(consumer, partitions: list, *, stall_seconds: float = 30.0) -> list:
    """Every record of the assigned ``partitions`` from the consumer's positions to their ends
    as they are now (a TimeoutError if nothing comes for ``stall_seconds`` before them)."""
    ends = consumer.end_offsets(partitions)
    records: list = []
    deadline = time.monotonic() + stall_seconds
    while any(consumer.position(tp) < ends[tp] for tp in partitions):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{', '.join(sorted({tp.topic for tp in partitions}))} gave nothing for {stall_seconds:g}s before its end")
        for batch in consumer.poll(timeout_ms=500).values():
            deadline = time.monotonic() + stall_seconds
            records += batch
    return records


def kafka_admin(settings: Settings, **options: Any):
    from kafka.admin import KafkaAdminClient

    check_kafka_accepts(settings)
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
    from elastic_transport import OrjsonSerializer

    # orjson: the standard library's JSON took a sixth of the index stage's CPU (bulk bodies)
    options: dict[str, Any] = {"hosts": [settings.elasticsearch_url], "request_timeout": 30, "serializer": OrjsonSerializer()}
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


# ---------------------------------------------------------------- refusals, said clearly and at once


class ConnectionRefused(RuntimeError):
    """A service refused this client for good (credentials, certificate, protocol): retrying cannot help."""


_KAFKA_CHECKED: set[tuple] = set()


def check_kafka_accepts(settings: Settings, *, timeout_seconds: float = 10.0) -> None:
    """Fail at once, saying why, when a broker refuses this client's security settings.

    kafka-python retries a refused authentication, an untrusted certificate or a
    protocol mismatch until its bootstrap timeout (30 s), then reports only that it
    could not bootstrap. One connection with aiokafka, whose connection step raises
    the real cause, tells them apart. Once per process and configuration; a broker
    that is merely down is left to kafka-python's own waiting.
    """
    password = settings.kafka_password.get_secret_value() if settings.kafka_password else ""
    key = (settings.kafka_bootstrap_servers, settings.kafka_security_protocol, settings.kafka_sasl_mechanism,
           settings.kafka_username, hashlib.sha256(password.encode()).hexdigest(), str(settings.kafka_ca_file))
    if key in _KAFKA_CHECKED:
        return
    refusal = _run(_first_kafka_refusal(settings, timeout_seconds))
    if refusal:
        raise ConnectionRefused(refusal)
    _KAFKA_CHECKED.add(key)


def _run(coroutine):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as pool:  # called from async code: a loop of its own, in a thread
        return pool.submit(asyncio.run, coroutine).result()


async def _first_kafka_refusal(settings: Settings, timeout_seconds: float) -> str | None:
    from aiokafka.conn import create_conn
    from aiokafka.protocol.admin import ApiVersionRequest

    options = kafka_options(settings)
    for server in settings.kafka_servers:
        host, _, port = server.rpartition(":")
        try:
            connection = await asyncio.wait_for(create_conn(
                host, int(port), client_id=f"{settings.app_id}-check", request_timeout_ms=int(timeout_seconds * 1000),
                security_protocol=options["security_protocol"], ssl_context=options.get("ssl_context"),
                sasl_mechanism=options.get("sasl_mechanism", "PLAIN"), sasl_plain_username=options.get("sasl_plain_username"),
                sasl_plain_password=options.get("sasl_plain_password"),
            ), timeout_seconds)
        except Exception as error:  # noqa: BLE001 - classified below
            refusal = kafka_refusal(settings, server, error)
            if refusal:
                return refusal
            continue
        try:
            # A plaintext client on a TLS listener connects fine; its first request is what fails.
            # (ApiVersions v0: every broker answers it, whatever versions it dropped.)
            await asyncio.wait_for(connection.send(ApiVersionRequest[0]()), timeout_seconds)
            return None
        except Exception as error:  # noqa: BLE001
            refusal = kafka_refusal(settings, server, error)
            if refusal:
                return refusal
        finally:
            connection.close()
    return None


def kafka_refusal(settings: Settings, server: str, error: BaseException) -> str | None:
    """What an operator must fix, if ``error`` is a refusal of this client's security settings (else None)."""
    from aiokafka.errors import IllegalSaslStateError, KafkaConnectionError, SaslAuthenticationFailed, UnsupportedSaslMechanismError

    protocol = settings.kafka_security_protocol
    if isinstance(error, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(error):
        where = (f"COOPWATCH_KAFKA_CA_FILE={settings.kafka_ca_file} did not sign it" if settings.kafka_ca_file
                 else "no COOPWATCH_KAFKA_CA_FILE is set, so only the system's CAs were tried")
        reason = getattr(error, "verify_message", None) or str(error)
        return (f"Kafka at {server}: the broker's TLS certificate is not trusted ({reason}); {where}. "
                "Set COOPWATCH_KAFKA_CA_FILE to the CA that signed the broker's certificate.")
    if isinstance(error, ssl.SSLError):
        return (f"Kafka at {server} does not answer TLS ({getattr(error, 'reason', None) or error}): the listener is probably PLAINTEXT "
                f"while COOPWATCH_KAFKA_SECURITY_PROTOCOL={protocol}. Check the address and the protocol.")
    if isinstance(error, SaslAuthenticationFailed):
        return (f"Kafka at {server} refused the credentials of user {settings.kafka_username!r} "
                f"(SASL {settings.kafka_sasl_mechanism} authentication failed). "
                "Check COOPWATCH_KAFKA_USERNAME and COOPWATCH_KAFKA_PASSWORD.")
    if isinstance(error, (UnsupportedSaslMechanismError, IllegalSaslStateError)):
        return (f"Kafka at {server} does not accept SASL mechanism {settings.kafka_sasl_mechanism}: "
                "check COOPWATCH_KAFKA_SASL_MECHANISM.")
    closed = isinstance(error, (KafkaConnectionError, ConnectionResetError, asyncio.IncompleteReadError, EOFError))
    if closed and "closed" in str(error).lower() or isinstance(error, (ConnectionResetError, asyncio.IncompleteReadError)):
        if not settings.kafka_uses_tls:
            return (f"Kafka at {server} closed the connection of a {protocol} client: the listener requires TLS "
                    "(and, likely, authentication). Set COOPWATCH_KAFKA_SECURITY_PROTOCOL=SASL_SSL with "
                    "COOPWATCH_KAFKA_CA_FILE, COOPWATCH_KAFKA_USERNAME and COOPWATCH_KAFKA_PASSWORD.")
        return (f"Kafka at {server} closed the connection of a {protocol} client after the TLS handshake: "
                "its listener expects another security protocol or SASL mechanism. "
                "Check COOPWATCH_KAFKA_SECURITY_PROTOCOL and COOPWATCH_KAFKA_SASL_MECHANISM.")
    return None


def elasticsearch_refusal(settings: Settings, error: BaseException) -> str | None:
    """What an operator must fix, if ``error`` is Elasticsearch refusing this client's security settings."""
    from elasticsearch import AuthenticationException, AuthorizationException
    from elasticsearch import ConnectionError as ESConnectionError

    url = settings.elasticsearch_url
    identity = ("the API key of COOPWATCH_ELASTICSEARCH_API_KEY" if settings.elasticsearch_api_key
                else f"user {settings.elasticsearch_username!r}" if settings.elasticsearch_username else "an anonymous client")
    if isinstance(error, AuthenticationException):
        fix = ("Check COOPWATCH_ELASTICSEARCH_API_KEY (or USERNAME/PASSWORD)." if settings.elasticsearch_api_key or settings.elasticsearch_username
               else "Set COOPWATCH_ELASTICSEARCH_API_KEY (or USERNAME/PASSWORD), e.g. from COOPWATCH_ENV_FILE.")
        return f"Elasticsearch at {url} refused the credentials of {identity} (401). {fix}"
    if isinstance(error, AuthorizationException):
        reason = _es_reason(error)
        return f"Elasticsearch at {url} does not allow {identity} to do this (403): {reason}"
    if isinstance(error, ESConnectionError):
        text = " ".join([str(error), str(getattr(error, "message", "")), *map(repr, getattr(error, "errors", ()))])
        if "CERTIFICATE_VERIFY_FAILED" in text or "fingerprint" in text.lower():
            where = (f"COOPWATCH_ELASTICSEARCH_CA_FILE={settings.elasticsearch_ca_file} did not sign it" if settings.elasticsearch_ca_file
                     else "COOPWATCH_ELASTICSEARCH_CA_FINGERPRINT does not match it" if settings.elasticsearch_ca_fingerprint
                     else "no COOPWATCH_ELASTICSEARCH_CA_FILE is set, so only the system's CAs were tried")
            return (f"Elasticsearch at {url}: its TLS certificate is not trusted; {where}. "
                    "Set COOPWATCH_ELASTICSEARCH_CA_FILE to the CA that signed it (or its fingerprint).")
        if url.startswith("http://") and any(sign in text for sign in ("RemoteDisconnected", "closed connection", "Connection aborted", "reset by peer")):
            return (f"Elasticsearch at {url} closed the connection of a plain-HTTP client: it probably serves HTTPS. "
                    "Use an https:// COOPWATCH_ELASTICSEARCH_URL with COOPWATCH_ELASTICSEARCH_CA_FILE.")
        if url.startswith("https://") and ("WRONG_VERSION_NUMBER" in text or "wrong version number" in text):
            return f"Elasticsearch at {url} does not answer TLS: it probably serves plain HTTP (use http://)."
    return None


def _es_reason(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        return body.get("error", {}).get("reason") or str(body.get("error"))
    return str(error)


def explain_connection_error(error: BaseException, settings: Settings) -> str | None:
    """One line for an operator when a service refused this client's security settings, else None."""
    if isinstance(error, ConnectionRefused):
        return str(error)
    return elasticsearch_refusal(settings, error)
