"""Security settings reach every client; refusals are named; secrets never leak into messages."""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
from pathlib import Path

import faust
import pytest
from pydantic import ValidationError

from streams.cli import settings_error_text
from streams.clients import (elasticsearch_options, elasticsearch_refusal, faust_broker_options, kafka_options,
                             kafka_refusal)
from streams.credentials import worker_acls, worker_env_lines, worker_role_descriptors, write_secret_file
from streams.index import index_template
from streams.settings import Settings, SettingsFileError, load_settings

SECRET = "s3cr3t-Pa55word"


@pytest.fixture
def ca_file():
    import certifi  # a real PEM bundle (the Elasticsearch client's dependency); no connection is made with it

    return Path(certifi.where())


@pytest.fixture
def secured(ca_file) -> Settings:
    return Settings(kafka_bootstrap_servers="127.0.0.1:9093", kafka_security_protocol="SASL_SSL", kafka_username="worker",
                    kafka_password=SECRET, kafka_ca_file=ca_file, elasticsearch_url="https://127.0.0.1:9201",
                    elasticsearch_api_key="aWQ6a2V5", elasticsearch_ca_file=ca_file)


def test_plain_settings_give_plain_clients():
    settings = Settings(kafka_bootstrap_servers="127.0.0.1:9092")
    assert kafka_options(settings) == {"bootstrap_servers": ["127.0.0.1:9092"], "security_protocol": "PLAINTEXT"}
    assert "broker_credentials" not in faust_broker_options(settings)
    assert set(elasticsearch_options(settings)) == {"hosts", "request_timeout", "serializer"}


def test_kafka_python_clients_get_sasl_ssl_with_the_ca(secured):
    options = kafka_options(secured)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("worker", SECRET)
    context = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_faust_gets_sasl_ssl_never_a_silent_sasl_plaintext(secured):
    credentials = faust_broker_options(secured)["broker_credentials"]
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_SSL"  # without an ssl_context Faust would pick SASL_PLAINTEXT
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.ssl_context is not None and credentials.ssl_context.check_hostname
    assert SECRET not in repr(credentials)


def test_elasticsearch_clients_get_the_ca_and_the_api_key(secured):
    options = elasticsearch_options(secured)
    assert options["ca_certs"] == str(secured.kafka_ca_file)
    assert options["api_key"] == "aWQ6a2V5" and "basic_auth" not in options
    fingerprint = Settings(elasticsearch_url="https://es:9200", elasticsearch_ca_fingerprint="AB:CD")
    assert elasticsearch_options(fingerprint)["ssl_assert_fingerprint"] == "AB:CD"


@pytest.mark.parametrize("fields, says", [
    (dict(kafka_security_protocol="SASL_SSL"), "needs COOPWATCH_KAFKA_USERNAME and COOPWATCH_KAFKA_PASSWORD"),
    (dict(kafka_username="worker", kafka_password=SECRET), "COOPWATCH_KAFKA_SECURITY_PROTOCOL is PLAINTEXT: set it to SASL_SSL"),
    (dict(kafka_security_protocol="SASL_SSL", kafka_username="w", kafka_password=SECRET, kafka_ca_file="/nonexistent/ca.crt"),
     "COOPWATCH_KAFKA_CA_FILE: no such file"),
    (dict(elasticsearch_url="http://es:9200", elasticsearch_ca_fingerprint="AB"), "is not https://"),
])
def test_inconsistent_security_settings_are_refused_without_echoing_secrets(fields, says):
    with pytest.raises(ValidationError) as raised:
        Settings(**fields)
    text = settings_error_text(raised.value)
    assert says in text
    assert SECRET not in text


def test_an_empty_variable_unsets_what_the_env_file_set(tmp_path, monkeypatch):
    env_file = tmp_path / "coopwatch.env"
    write_secret_file(env_file, ["COOPWATCH_ELASTICSEARCH_URL=https://es:9200", "COOPWATCH_ELASTICSEARCH_CA_FINGERPRINT=AB"])
    monkeypatch.setenv("COOPWATCH_ENV_FILE", str(env_file))
    monkeypatch.delenv("COOPWATCH_ELASTICSEARCH_URL", raising=False)
    assert load_settings().elasticsearch_ca_fingerprint == "AB"
    monkeypatch.setenv("COOPWATCH_ELASTICSEARCH_CA_FINGERPRINT", "")
    assert load_settings().elasticsearch_ca_fingerprint is None


def test_the_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / "coopwatch.env"
    write_secret_file(env_file, ["COOPWATCH_KAFKA_BOOTSTRAP_SERVERS=from-file:9093", "COOPWATCH_APP_ID=from-file"])
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("COOPWATCH_ENV_FILE", str(env_file))
    monkeypatch.delenv("COOPWATCH_KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("COOPWATCH_APP_ID", "from-env")
    settings = load_settings()
    assert (settings.kafka_bootstrap_servers, settings.app_id) == ("from-file:9093", "from-env")


def test_an_env_file_others_can_read_is_refused(tmp_path, monkeypatch):
    env_file = tmp_path / "coopwatch.env"
    env_file.write_text(f"COOPWATCH_KAFKA_PASSWORD={SECRET}\n")
    env_file.chmod(0o644)
    monkeypatch.setenv("COOPWATCH_ENV_FILE", str(env_file))
    with pytest.raises(SettingsFileError, match="readable by other users .mode 0644.: chmod 600"):
        load_settings()
    monkeypatch.setenv("COOPWATCH_ENV_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(SettingsFileError, match="no such file"):
        load_settings()


def test_the_cli_says_what_is_wrong_with_the_configuration_not_a_traceback(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")},
           "COOPWATCH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "COOPWATCH_KAFKA_USERNAME": "worker"}
    result = subprocess.run([sys.executable, "-m", "streams.cli", "deadletters"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: configuration: COOPWATCH_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs")
    assert "Traceback" not in result.stderr


def test_kafka_refusals_are_told_apart(secured):
    from aiokafka.errors import KafkaConnectionError, SaslAuthenticationFailed

    untrusted = ssl.SSLCertVerificationError(1, "certificate verify failed")
    untrusted.verify_message = "self-signed certificate in certificate chain"
    assert "certificate is not trusted (self-signed certificate in certificate chain); COOPWATCH_KAFKA_CA_FILE=" in \
        kafka_refusal(secured, "h:1", untrusted)
    assert "refused the credentials of user 'worker'" in kafka_refusal(secured, "h:1", SaslAuthenticationFailed("bad"))
    plain = Settings(kafka_bootstrap_servers="h:1")
    assert "closed the connection of a PLAINTEXT client: the listener requires TLS" in \
        kafka_refusal(plain, "h:1", KafkaConnectionError("Connection at h:1 closed"))
    assert "does not answer TLS" in kafka_refusal(secured, "h:1", ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER]"))
    # A broker that is merely down is not a refusal: kafka-python waits for it as before.
    assert kafka_refusal(plain, "h:1", ConnectionRefusedError(111, "Connection refused")) is None
    assert kafka_refusal(plain, "h:1", asyncio.TimeoutError()) is None


def test_elasticsearch_refusals_are_told_apart(secured):
    from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, TlsError
    from elasticsearch import AuthenticationException, AuthorizationException
    from elasticsearch import ConnectionError as ESConnectionError

    meta = lambda status: ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0,  # noqa: E731
                                          node=NodeConfig("https", "h", 1))
    assert "refused the credentials of the API key" in elasticsearch_refusal(secured, AuthenticationException("x", meta(401), {}))
    forbidden = AuthorizationException("x", meta(403), {"error": {"reason": "action [indices:data/write] is unauthorized"}})
    assert "does not allow the API key of COOPWATCH_ELASTICSEARCH_API_KEY to do this (403): action [indices:data/write]" in \
        elasticsearch_refusal(secured, forbidden)
    untrusted = TlsError("TLS error caused by: SSLError([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed)",
                         errors=(ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),))
    assert "its TLS certificate is not trusted" in elasticsearch_refusal(secured, untrusted)
    assert elasticsearch_refusal(secured, ESConnectionError("Connection refused")) is None


def test_worker_acls_cover_only_the_configured_topics_and_group():
    settings = Settings(app_id="cw", topic_raw="a.raw", topic_normalised="a.n", topic_enriched="a.e", topic_deadletter="a.d",
                        topic_mentions="a.m")
    acls = worker_acls(settings)
    assert {(a.resource_type, a.name, a.pattern) for a in acls} == {
        ("TOPIC", "a.raw", "LITERAL"), ("TOPIC", "a.n", "LITERAL"), ("TOPIC", "a.e", "LITERAL"), ("TOPIC", "a.d", "LITERAL"),
        ("TOPIC", "a.m", "LITERAL"), ("TOPIC", "cw-incidents-changelog", "LITERAL"), ("TOPIC", "cw-__assignor-__leader", "LITERAL"),
        ("TOPIC", "news.alerts", "LITERAL"), ("TOPIC", "news.watches", "LITERAL"),
        ("TOPIC", "cw-", "PREFIXED"), ("GROUP", "cw", "LITERAL")}
    assert not {a.operation for a in acls} & {"ALL", "DELETE", "ALTER", "ALTER_CONFIGS", "CLUSTER_ACTION"}
    assert "*" not in {a.name for a in acls}


def test_worker_api_key_covers_only_the_aliases_and_their_indices():
    (role,) = worker_role_descriptors(Settings(articles_alias="arts", events_alias="evs", incidents_alias="incs",
                                                         alerts_alias="alts")).values()
    (indices,) = role["indices"]
    assert indices["names"] == ["arts", "arts-v*", "evs", "evs-v*", "incs", "incs-v*", "alts", "alts-v*"]
    assert not indices["allow_restricted_indices"] and "all" not in indices["privileges"]
    assert role["cluster"] == ["manage_index_templates"]


def test_worker_env_file_carries_the_connection_and_the_workers_own_credentials(secured):
    lines = worker_env_lines(secured, username="coopwatch-worker", password="pw", api_key="key")
    values = dict(line.split("=", 1) for line in lines if not line.startswith("#"))
    assert values["COOPWATCH_KAFKA_USERNAME"] == "coopwatch-worker" and values["COOPWATCH_KAFKA_PASSWORD"] == "pw"
    assert values["COOPWATCH_ELASTICSEARCH_API_KEY"] == "key"
    assert values["COOPWATCH_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert values["COOPWATCH_ELASTICSEARCH_URL"] == "https://127.0.0.1:9201"
    assert "COOPWATCH_ELASTICSEARCH_USERNAME" not in values  # the operator's user never goes to the worker


def test_index_templates_take_shards_and_replicas_from_settings():
    template = index_template("news-articles", "arts", Settings(index_shards=3, index_replicas=1))
    assert template["index_patterns"] == ["arts-v*"]
    assert template["template"]["settings"] == {"number_of_shards": 3, "number_of_replicas": 1, "refresh_interval": "500ms"}
    assert index_template("coop-events", "evs", Settings())["template"]["settings"] == {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "2000ms"}


def test_events_and_incidents_refresh_less_often_than_articles():
    # an analyst waits for articles; each refresh of a written index makes a segment to merge later
    settings = Settings(index_refresh_seconds=0.5, event_indices_refresh_seconds=5)
    intervals = {name: index_template(name, "x", settings)["template"]["settings"]["refresh_interval"]
                 for name in ("news-articles", "coop-events", "coop-incidents")}
    assert intervals == {"news-articles": "500ms", "coop-events": "5000ms", "coop-incidents": "5000ms"}
