"""The worker's least-privilege identity, created and rotated through the Admin APIs.

Run with the operator's identity (a Kafka super user, an Elasticsearch user who
may manage API keys); what the worker gets is built by pure functions from the
settings, so its scope follows the configured topic, group and alias names:

- Kafka: a SCRAM user whose ACLs (StandardAuthorizer) allow reading, writing,
  describing and creating the project's topics and the app's own internal
  topics (prefix ``<app_id>-``), and its consumer group -- nothing else.
- Elasticsearch: an API key that may create, read and write the project's aliases and
  their versioned indices (``<alias>``, ``<alias>-v*``), administer those
  indices only (creating one with its alias needs `manage`), and install index
  templates (Elasticsearch cannot narrow that privilege to names).

Running it again rotates both: a new Kafka password (the old one stops working
at once), a new API key (the previous keys of that name are invalidated).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.settings import Settings

WORKER_USER = "coopwatch-worker"
WORKER_MECHANISM = "SCRAM-SHA-512"
TOPIC_OPERATIONS = ("READ", "WRITE", "DESCRIBE", "CREATE", "DESCRIBE_CONFIGS")
GROUP_OPERATIONS = ("READ", "DESCRIBE")
INDEX_PRIVILEGES = ["manage", "read", "write"]  # manage: creating an index with its alias needs it
CLUSTER_PRIVILEGES = ["manage_index_templates"]


@dataclass(frozen=True)
class AclSpec:
    resource_type: str  # TOPIC or GROUP
    name: str
    pattern: str  # LITERAL or PREFIXED
    operation: str


def worker_acls(settings: Settings) -> list[AclSpec]:
    from streams.topics import topic_specs

    topics = [spec.name for spec in topic_specs(settings)]
    specs = [AclSpec("TOPIC", topic, "LITERAL", op) for topic in topics for op in TOPIC_OPERATIONS]
    # Faust names the topics it creates for itself (assignor, changelogs) after the app.
    specs += [AclSpec("TOPIC", f"{settings.app_id}-", "PREFIXED", op) for op in TOPIC_OPERATIONS]
    specs += [AclSpec("GROUP", settings.app_id, "LITERAL", op) for op in GROUP_OPERATIONS]
    return specs


def worker_role_descriptors(settings: Settings) -> dict[str, Any]:
    from streams.index import managed_aliases

    # The alerts index keeps its own version (it remembers which alerts were sent), outside managed_aliases.
    names = [name for alias in (*managed_aliases(settings), settings.alerts_alias) for name in (alias, f"{alias}-v*")]
    return {
        "coopwatch_worker": {
            "cluster": CLUSTER_PRIVILEGES,
            "indices": [{"names": names, "privileges": INDEX_PRIVILEGES, "allow_restricted_indices": False}],
        }
    }


def worker_env_lines(settings: Settings, *, username: str, password: str, api_key: str,
                     mechanism: str = WORKER_MECHANISM) -> list[str]:
    """The worker's env file: the operator's connection details, the worker's own credentials."""
    lines = [
        "# coopwatch: the WORKER's least-privilege identity. Made by `coopwatch credentials`;",
        "# running it again rotates the credentials. Mode 0600; never commit or share it.",
        f"COOPWATCH_KAFKA_BOOTSTRAP_SERVERS={settings.kafka_bootstrap_servers}",
        f"COOPWATCH_KAFKA_SECURITY_PROTOCOL={settings.kafka_security_protocol}",
        f"COOPWATCH_KAFKA_SASL_MECHANISM={mechanism}",
        f"COOPWATCH_KAFKA_USERNAME={username}",
        f"COOPWATCH_KAFKA_PASSWORD={password}",
    ]
    if settings.kafka_ca_file:
        lines.append(f"COOPWATCH_KAFKA_CA_FILE={settings.kafka_ca_file.resolve()}")
    lines.append(f"COOPWATCH_ELASTICSEARCH_URL={settings.elasticsearch_url}")
    if settings.elasticsearch_ca_file:
        lines.append(f"COOPWATCH_ELASTICSEARCH_CA_FILE={settings.elasticsearch_ca_file.resolve()}")
    if settings.elasticsearch_ca_fingerprint:
        lines.append(f"COOPWATCH_ELASTICSEARCH_CA_FINGERPRINT={settings.elasticsearch_ca_fingerprint}")
    lines.append(f"COOPWATCH_ELASTICSEARCH_API_KEY={api_key}")
    return lines


def write_secret_file(path: Path, lines: list[str]) -> None:
    """Atomically, created 0600 from the start (never readable by others, not even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class WorkerIdentity:
    username: str
    acls: int
    api_key_id: str
    invalidated_keys: int


def set_kafka_worker(admin_settings: Settings, username: str, password: str, mechanism: str = WORKER_MECHANISM) -> int:
    """Create or rotate the SCRAM credential and replace the user's ACLs; returns how many ACLs it has."""
    from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                             ResourcePattern, ResourcePatternFilter, ResourceType)
    from kafka.admin import UserScramCredentialUpsertion

    from streams.clients import kafka_admin

    principal = f"User:{username}"
    admin = kafka_admin(admin_settings)
    try:
        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(username, mechanism, password, iterations=8192)]
        )
        if errors.get(username):
            raise RuntimeError(f"Kafka refused the SCRAM credential of {username}: {errors[username]}")
        admin.delete_acls([ACLFilter(principal, "*", ACLOperation.ANY, ACLPermissionType.ANY,
                                     ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))])
        acls = [
            ACL(principal, "*", ACLOperation[spec.operation], ACLPermissionType.ALLOW,
                ResourcePattern(ResourceType[spec.resource_type], spec.name, ACLResourcePatternType[spec.pattern]))
            for spec in worker_acls(admin_settings)
        ]
        result = admin.create_acls(acls)
        if result.get("failed"):
            raise RuntimeError(f"Kafka refused {len(result['failed'])} ACLs of {username}: {result['failed'][0][1]}")
        return len(acls)
    finally:
        admin.close()


def new_worker_api_key(admin_settings: Settings, name: str) -> tuple[str, str, int]:
    """A new API key for the worker, the previous ones of that name invalidated: (id, encoded, invalidated)."""
    from streams.clients import elasticsearch_client

    client = elasticsearch_client(admin_settings)
    try:
        previous = client.security.get_api_key(name=name, active_only=True)["api_keys"]
        key = client.security.create_api_key(name=name, role_descriptors=worker_role_descriptors(admin_settings),
                                              metadata={"application": "coopwatch", "identity": "worker"})
        if previous:
            client.security.invalidate_api_key(ids=[k["id"] for k in previous])
        return key["id"], key["encoded"], len(previous)
    finally:
        client.close()


def provision_worker(admin_settings: Settings, path: Path, *, username: str = WORKER_USER,
                     mechanism: str = WORKER_MECHANISM) -> WorkerIdentity:
    """Create (or rotate) the worker's identity and write its env file, 0600. Prints no secret.

    The worker's SCRAM mechanism may differ from the operator's (who may sign in with PLAIN over TLS).
    """
    password = secrets.token_urlsafe(32)
    acls = set_kafka_worker(admin_settings, username, password, mechanism)
    key_id, encoded, invalidated = new_worker_api_key(admin_settings, username)
    write_secret_file(path, worker_env_lines(admin_settings, username=username, password=password, api_key=encoded,
                                             mechanism=mechanism))
    return WorkerIdentity(username, acls, key_id, invalidated)
