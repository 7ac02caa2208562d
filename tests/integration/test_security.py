"""The pipeline on secured services: Kafka over SASL_SSL, Elasticsearch over HTTPS with an API key.

Runs against a private pair started with `services.sh up --secure` (see conftest):
the whole pipeline end to end with the worker's least-privilege identity; each
kind of misconfiguration refused with a message that names it, within seconds;
that identity unable to write anywhere else; and no secret in any output or log.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from streams.publish import expected_article_id

from .conftest import changed, publish, raw_message, secure_coopwatch, wait_for_document

pytestmark = pytest.mark.integration
SAMPLE_FEED = Path(__file__).resolve().parents[2] / "deploy" / "sample" / "feed.jsonl"
# kafka-python alone would take its whole bootstrap timeout (30 s) and then say only
# "Unable to bootstrap"; a refusal must be named well before that.
REFUSED_WITHIN_SECONDS = 15


def test_the_secured_services_accept_only_tls_and_authentication(secure_services, secure_settings) -> None:
    assert secure_settings.kafka_security_protocol == "SASL_SSL"
    assert secure_settings.kafka_sasl_mechanism == "SCRAM-SHA-512"
    assert secure_settings.elasticsearch_url.startswith("https://")
    assert secure_settings.elasticsearch_api_key is not None and secure_settings.elasticsearch_username is None
    for key in ("admin_env", "worker_env", "passwords"):
        assert oct(secure_services[key].stat().st_mode & 0o777) == "0o600", key
    assert "worker identity: Kafka user coopwatch-worker authenticates" in secure_services["status"]


def test_pipeline_end_to_end_over_sasl_ssl_and_https_with_the_api_key(secure_settings, secure_es, secure_worker, transcript, tmp_path) -> None:
    marker = uuid.uuid4().hex
    lines = [json.loads(line) for line in SAMPLE_FEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, line in enumerate(lines):
        line.update(id=f"secure-{marker}-{n}", url=None)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")

    result = secure_coopwatch(secure_settings, transcript, "publish", str(feed), "--wait", "120")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"sent {len(lines)} messages" in result.stdout
    # Every message of the sample feed accounted for (its bad lines dead-lettered), none pending.
    indexed, dead = map(int, re.search(r"(\d+) indexed, (\d+) dead-lettered, 0 still pending", result.stdout).groups())
    assert indexed + dead == len(lines) and indexed >= 1, result.stdout

    seed_id = expected_article_id(json.dumps(lines[0], ensure_ascii=False).encode("utf-8"))
    document = wait_for_document(secure_es, secure_settings.articles_alias, seed_id, timeout=30)
    assert {"Abdellatif Hammouchi", "Nicolas Lerner"} <= set(document["persons"])
    assert document["countries"] == ["FR", "MA"]

    result = secure_coopwatch(secure_settings, transcript, "search", "securite interieure", "--country", "MA")
    assert result.returncode == 0, result.stderr
    assert "Hammouchi reçoit le patron de la DGSI" in result.stdout
    result = secure_coopwatch(secure_settings, transcript, "deadletters")
    assert result.returncode == 0, result.stderr
    assert (f"{dead} dead letter" in result.stdout) if dead else ("No dead letters" in result.stdout), result.stdout

    worker_log = next(path for path in transcript.files if path.name.endswith("-worker.log")).read_text()
    # Faust would fall back to SASL_PLAINTEXT without an SSL context; that listener does not exist here.
    assert f"Authenticated as {secure_settings.kafka_username} via SCRAM-SHA-512" in worker_log
    assert secure_worker.poll() is None


def refused(settings, transcript, command: str, **changes):
    broken = changed(settings, **changes)
    started = time.monotonic()
    result = secure_coopwatch(broken, transcript, *command.split(), timeout=120)
    elapsed = time.monotonic() - started
    print(f"{command} with {sorted(changes)}: exit {result.returncode} after {elapsed:.1f} s: {result.stderr.strip()}")
    return result, elapsed


def another_ca(tmp_path: Path) -> Path:
    ca = tmp_path / "other-ca.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=not coopwatch's CA",
                    "-keyout", str(tmp_path / "other-ca.key"), "-out", str(ca)], check=True, capture_output=True)
    return ca


KAFKA_REFUSALS = {
    "wrong password": (dict(kafka_password="not-the-password"),
                       "refused the credentials of user"),
    "missing CA": (dict(kafka_ca_file=None),
                   "TLS certificate is not trusted (self-signed certificate in certificate chain); no COOPWATCH_KAFKA_CA_FILE is set"),
    "plaintext client": (dict(kafka_security_protocol="PLAINTEXT", kafka_username=None, kafka_password=None, kafka_ca_file=None),
                         "closed the connection of a PLAINTEXT client: the listener requires TLS"),
}


@pytest.mark.parametrize("case", sorted(KAFKA_REFUSALS))
@pytest.mark.parametrize("command", ["deadletters", "setup", "worker"])
def test_kafka_refusals_are_named_within_seconds(secure_settings, transcript, case: str, command: str) -> None:
    changes, expected = KAFKA_REFUSALS[case]
    result, elapsed = refused(secure_settings, transcript, command, **changes)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"error: Kafka at 127.0.0.1:{secure_settings.kafka_servers[0].rsplit(':', 1)[1]}" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < REFUSED_WITHIN_SECONDS


def test_kafka_refuses_a_certificate_signed_by_another_ca(secure_settings, transcript, tmp_path) -> None:
    ca = another_ca(tmp_path)
    result, elapsed = refused(secure_settings, transcript, "deadletters", kafka_ca_file=ca)
    assert result.returncode == 3
    assert f"TLS certificate is not trusted (self-signed certificate in certificate chain); COOPWATCH_KAFKA_CA_FILE={ca} did not sign it" in result.stderr
    assert elapsed < REFUSED_WITHIN_SECONDS


def test_elasticsearch_refusals_are_named_within_seconds(secure_settings, secure_admin_settings, transcript, tmp_path) -> None:
    key_id = base64.b64decode(secure_settings.elasticsearch_api_key.get_secret_value()).decode().split(":")[0]
    cases = [
        (dict(elasticsearch_api_key=base64.b64encode(f"{key_id}:wrong".encode()).decode()),
         "refused the credentials of the API key of COOPWATCH_ELASTICSEARCH_API_KEY (401)"),
        (dict(elasticsearch_api_key=None, elasticsearch_username="elastic", elasticsearch_password="not-the-password"),
         "refused the credentials of user 'elastic' (401)"),
        (dict(elasticsearch_ca_file=None), "its TLS certificate is not trusted; no COOPWATCH_ELASTICSEARCH_CA_FILE is set"),
        (dict(elasticsearch_ca_file=another_ca(tmp_path)), "its TLS certificate is not trusted; COOPWATCH_ELASTICSEARCH_CA_FILE="),
        (dict(elasticsearch_url=secure_settings.elasticsearch_url.replace("https://", "http://"), elasticsearch_ca_file=None),
         "closed the connection of a plain-HTTP client: it probably serves HTTPS"),
    ]
    for changes, expected in cases:
        result, elapsed = refused(secure_settings, transcript, "search x", **changes)
        assert result.returncode == 3, (changes.keys(), result.stdout + result.stderr)
        assert expected in result.stderr, result.stderr
        assert elapsed < REFUSED_WITHIN_SECONDS


def test_the_worker_identity_cannot_write_to_another_topic_or_index(secure_settings, secure_admin_settings, secure_producer,
                                                                     secure_es, transcript) -> None:
    from elasticsearch import AuthorizationException
    from kafka.errors import TopicAuthorizationFailedError

    from streams.clients import elasticsearch_client
    from streams.topics import ensure_topics

    other = f"other-{uuid.uuid4().hex[:8]}"
    # Another application's topic, created by the operator: the worker may neither write nor read it.
    ensure_topics(changed(secure_admin_settings, topic_raw=f"{other}.raw", topic_normalised=f"{other}.n",
                          topic_enriched=f"{other}.e", topic_deadletter=f"{other}.d"))
    with pytest.raises(TopicAuthorizationFailedError):
        secure_producer.send(f"{other}.raw", value=b"intrusion").get(timeout=30)
    result = secure_coopwatch(secure_settings, transcript, "publish", str(SAMPLE_FEED), "--topic", f"{other}.raw")
    assert result.returncode == 3 and "TopicAuthorizationFailed" in result.stderr, result.stdout + result.stderr
    # Nor create topics outside its names.
    result = secure_coopwatch(changed(secure_settings, topic_raw=f"{other}.new"), transcript, "setup")
    assert result.returncode == 3 and "TopicAuthorizationFailed" in result.stderr, result.stdout + result.stderr

    # Elasticsearch: the operator's index exists; the worker's key may not write, read or delete it, nor make new ones.
    admin = elasticsearch_client(secure_admin_settings)
    admin.index(index=f"{other}-index", id="1", document={"note": "not coopwatch's"}, refresh=True)
    try:
        for attempt in (lambda: secure_es.index(index=f"{other}-index", id="2", document={"x": 1}),
                        lambda: secure_es.search(index=f"{other}-index"),
                        lambda: secure_es.indices.delete(index=f"{other}-index"),
                        lambda: secure_es.indices.create(index=f"{other}-new")):
            with pytest.raises(AuthorizationException):
                attempt()
        result = secure_coopwatch(changed(secure_settings, articles_alias=f"{other}-index"), transcript, "search", "x")
        assert result.returncode == 3 and "does not allow the API key" in result.stderr and "(403)" in result.stderr
        assert admin.count(index=f"{other}-index")["count"] == 1
    finally:
        admin.indices.delete(index=f"{other}-index", ignore_unavailable=True)
        admin.close()


def test_a_message_reaches_the_index_through_the_python_clients_too(secure_settings, secure_es, secure_producer, secure_worker) -> None:
    payload = raw_message(id=f"secure-direct-{uuid.uuid4().hex}", body="Belgian and Moroccan police met in Rabat.")
    publish(secure_producer, secure_settings, payload)
    assert wait_for_document(secure_es, secure_settings.articles_alias, expected_article_id(payload), timeout=60)


def secrets_of(secure_services, secure_settings, secure_admin_settings) -> dict[str, str]:
    from dotenv import dotenv_values

    found = {f"passwords.env {key}": value for key, value in dotenv_values(secure_services["passwords"]).items()}
    for label, settings in (("worker", secure_settings), ("admin", secure_admin_settings)):
        for field in ("kafka_password", "elasticsearch_password", "elasticsearch_api_key"):
            value = getattr(settings, field)
            if value is not None:
                found[f"{label} {field}"] = value.get_secret_value()
    for label, path in (("default worker", secure_services["worker_env"]),):
        for key, value in dotenv_values(path).items():
            if key.endswith(("PASSWORD", "API_KEY")):
                found[f"{label} {key}"] = value
    for label, value in list(found.items()):
        if label.endswith("API_KEY") or label.endswith("api_key"):
            found[f"{label} (its secret part)"] = base64.b64decode(value).decode().split(":", 1)[1]
    return found


def test_no_secret_appears_in_any_output_or_log(secure_services, secure_settings, secure_admin_settings, secure_worker, transcript) -> None:
    """Runs last in this module: every output captured above and every log of the secured pair."""
    secure_coopwatch(secure_settings, transcript, "setup")
    secrets = secrets_of(secure_services, secure_settings, secure_admin_settings)
    assert len(secrets) >= 8
    texts = list(transcript.texts) + [(str(path), path.read_text(errors="replace")) for path in transcript.files if path.exists()]
    assert any("services.sh up --secure" == label for label, _ in texts)
    assert any(label.endswith("-worker.log") for label, _ in texts)
    leaks = [(secret_label, text_label) for secret_label, secret in secrets.items() for text_label, text in texts if secret in text]
    assert not leaks, f"secrets found in outputs: {leaks}"
    # The salted keys that `--add-scram` prints at format time are never shown either.
    assert not any("salt" in text.lower() and "scram" in text.lower() for _, text in transcript.texts)
