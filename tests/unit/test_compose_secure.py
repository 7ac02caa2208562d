"""deploy/docker-compose.secure.yml, checked without a Docker engine: merged over the base file
as `docker compose -f docker-compose.yml -f docker-compose.secure.yml` does, every listener is
secured, the worker runs on its own identity, and no password is written in the files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from streams.settings import Settings

from .test_compose import COMPOSE_FILE, DEPLOY, env_of

SECURE_FILE = DEPLOY / "docker-compose.secure.yml"
ENV_EXAMPLE = DEPLOY / "secure.env.example"
INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(?::?[?-][^}]*)?\}")


def merge(base: dict, overlay: dict) -> dict:
    """Compose's merge for what these files use: mappings merge key by key, other values are replaced."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge(base[key], value)
        else:
            merged[key] = value
    return merged


@pytest.fixture(scope="module")
def secure_text() -> str:
    return SECURE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def merged(secure_text) -> dict:
    return merge(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")), yaml.safe_load(secure_text))


def secure_problems(merged: dict, text: str, example: str) -> list[str]:
    problems: list[str] = []
    services = merged["services"]
    kafka = env_of(services["kafka"])
    protocols = dict(item.split(":") for item in kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").split(","))
    listeners = {item.split("://")[0] for item in kafka.get("KAFKA_LISTENERS", "").split(",")}
    for listener in listeners:
        if protocols.get(listener) != "SASL_SSL":
            problems.append(f"kafka: listener {listener} is {protocols.get(listener)}, not SASL_SSL")
    if kafka.get("KAFKA_AUTHORIZER_CLASS_NAME") != "org.apache.kafka.metadata.authorizer.StandardAuthorizer":
        problems.append("kafka: no StandardAuthorizer")
    if kafka.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND") != "false":
        problems.append("kafka: everyone is allowed when no ACL is found")
    es = env_of(services["elasticsearch"])
    for key in ("xpack.security.enabled", "xpack.security.http.ssl.enabled", "xpack.security.transport.ssl.enabled"):
        if es.get(key) != "true":
            problems.append(f"elasticsearch: {key} is not true")
    if not env_of(services["kibana"]).get("ELASTICSEARCH_HOSTS", "").startswith('["https://'):
        problems.append("kibana: does not reach Elasticsearch over https")
    worker = env_of(services["worker"])
    if not worker.get("COOPWATCH_ENV_FILE"):
        problems.append("worker: does not read the identity the credentials service makes (COOPWATCH_ENV_FILE)")
    if any(key.endswith(("PASSWORD", "API_KEY", "USERNAME")) for key in worker):
        problems.append("worker: the operator's credentials must not reach the worker")
    if not worker.get("COOPWATCH_ELASTICSEARCH_URL", "").startswith("https://"):
        problems.append("worker: COOPWATCH_ELASTICSEARCH_URL is not https")
    if services["worker"]["depends_on"].get("credentials", {}).get("condition") != "service_completed_successfully":
        problems.append("worker: does not wait for its credentials")
    for name in ("worker", "credentials"):
        for key in env_of(services[name]):
            if key.startswith("COOPWATCH_") and key.removeprefix("COOPWATCH_").lower() not in Settings.model_fields | {"env_file": None}:
                problems.append(f"{name}: {key} is not a setting")
    # Secrets only by interpolation from the git-ignored .env, each one listed in the example.
    for name, service in services.items():
        for key, value in env_of(service).items():
            if re.search(r"PASSWORD|SECRET|ENCRYPTIONKEY", key) and not INTERPOLATION.fullmatch(value.strip()):
                problems.append(f"{name}: {key} is written in the file, not taken from .env")
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.M))
    for variable in set(INTERPOLATION.findall(text)) - listed:
        problems.append(f"{variable} is used but not in secure.env.example")
    return problems


def test_the_secured_overlay_secures_every_listener_and_identity(merged, secure_text):
    assert secure_problems(merged, secure_text, ENV_EXAMPLE.read_text(encoding="utf-8")) == []


def test_the_operators_identity_builds_valid_settings(merged):
    env = {k.removeprefix("COOPWATCH_").lower(): v for k, v in env_of(merged["services"]["credentials"]).items()}
    env.pop("kafka_ca_file"), env.pop("elasticsearch_ca_file")  # files inside the containers
    settings = Settings(**{k: "x" if INTERPOLATION.fullmatch(v) else v for k, v in env.items()})
    assert (settings.kafka_security_protocol, settings.elasticsearch_url) == ("SASL_SSL", "https://elasticsearch:9200")


@pytest.mark.parametrize("service, key, value, expected", [
    ("kafka", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT",
     "listener CONTROLLER is PLAINTEXT"),
    ("elasticsearch", "xpack.security.http.ssl.enabled", "false", "http.ssl.enabled is not true"),
    ("worker", "COOPWATCH_KAFKA_PASSWORD", "${KAFKA_ADMIN_PASSWORD}", "operator's credentials must not reach the worker"),
    ("credentials", "COOPWATCH_ELASTICSEARCH_PASSWORD", "changeme", "is written in the file"),
])
def test_the_check_finds_an_unsecured_overlay(merged, secure_text, service, key, value, expected):
    import copy

    drifted = copy.deepcopy(merged)
    drifted["services"][service]["environment"][key] = value
    problems = secure_problems(drifted, secure_text, ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert any(expected in p for p in problems), problems


def test_env_example_holds_no_value():
    assert all(line.endswith("=") for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#"))
    assert "deploy/.env" in (Path(__file__).resolve().parents[2] / ".gitignore").read_text().splitlines()
