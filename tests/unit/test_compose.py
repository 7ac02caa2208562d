"""deploy/docker-compose.yml and deploy/Dockerfile, checked without a Docker engine.

`docker compose config` runs when a compose CLI is there; the structural check
below always runs: services, start order, healthchecks, versions (against
deploy/local/versions.env and the Python client), Kafka listeners, the
worker's COOPWATCH_* variables (against streams.settings.Settings) and the
Kibana import service. The checks are pure functions of the parsed file, so the
drift tests feed them broken copies and prove they fail.
"""

from __future__ import annotations

import copy
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from streams.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
KIBANA_DIR = DEPLOY / "kibana"
VERSIONS_ENV = DEPLOY / "local" / "versions.env"

REQUIRED_SERVICES = {"kafka", "elasticsearch", "kibana", "worker"}
ES_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch"
KIBANA_IMAGE = "docker.elastic.co/kibana/kibana"
KAFKA_IMAGE = "apache/kafka"
SECURITY_NOTES = ["xpack.security.enabled=true", "ELASTIC_PASSWORD", "kibana_system",
                  "COOPWATCH_ELASTICSEARCH_USERNAME", "COOPWATCH_ELASTICSEARCH_PASSWORD"]
HEALTHCHECK_MUST_MENTION = {"kafka": "kafka-broker-api-versions", "elasticsearch": "_cluster/health",
                            "kibana": "/api/status"}


# --------------------------------------------------------------------------- parsing helpers

def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in env.items()}


def depends_of(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def as_argv(value) -> list[str]:
    if value is None:
        return []
    return list(map(str, value)) if isinstance(value, list) else shlex.split(str(value))


def published_ports(service: dict) -> list[tuple[str | None, int | None, int]]:
    """(host ip, host port, container port) of each published port."""
    result = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            published = port.get("published")
            result.append((port.get("host_ip"), int(published) if published else None, int(port["target"])))
            continue
        spec = str(port).split("/")[0]
        parts = spec.rsplit(":", 2) if spec.count(":") >= 2 else spec.split(":")
        if len(parts) == 3:
            result.append((parts[0], int(parts[1]), int(parts[2])))
        elif len(parts) == 2:
            result.append((None, int(parts[0]), int(parts[1])))
        else:
            result.append((None, None, int(parts[0])))
    return result


def mounts(service: dict, compose_dir: Path) -> list[tuple[str, Path | None, str]]:
    """(source as written, resolved bind source or None for a named volume, target)."""
    result = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            source, target = str(volume.get("source", "")), str(volume["target"])
        else:
            parts = str(volume).split(":")
            source, target = (parts[0], parts[1]) if len(parts) >= 2 else ("", parts[0])
        bind = source.startswith((".", "/", "~"))
        result.append((source, (compose_dir / source).resolve() if bind else None, target))
    return result


def split_image(image: str) -> tuple[str, str]:
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return image, "latest"
    return name, tag


def parse_listeners(value: str) -> dict[str, tuple[str, int]]:
    listeners = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        match = re.fullmatch(r"([A-Za-z_][\w-]*)://([^:]*):(\d+)", item)
        if not match:
            raise ValueError(f"unreadable listener {item!r}")
        listeners[match.group(1)] = (match.group(2), int(match.group(3)))
    return listeners


def read_versions_env(path: Path) -> dict[str, str]:
    versions = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            versions[key.strip()] = value.strip().strip("'\"")
    return versions


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def exec_form(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("["):
        return [str(v) for v in yaml.safe_load(value)]
    return ["/bin/sh", "-c", value]


# --------------------------------------------------------------------------- checks

def dockerfile_problems(text: str, context: Path, scripts: set[str]) -> list[str]:
    problems = []
    instructions = dockerfile_instructions(text)
    bases = [rest for kw, rest in instructions if kw == "FROM"]
    if not bases or bases[-1].split()[0] != "python:3.11-slim":
        problems.append(f"Dockerfile: final stage must be FROM python:3.11-slim, is {bases[-1:] or None}")
    for kw, rest in instructions:
        if kw in {"COPY", "ADD"} and not rest.startswith("--from"):
            args = [a for a in (exec_form(rest) if rest.startswith("[") else shlex.split(rest))
                    if not a.startswith("--")]
            for source in args[:-1]:
                if not (context / source).exists():
                    problems.append(f"Dockerfile: {kw} {source} does not exist in the build context {context}")
    copied = " ".join(rest for kw, rest in instructions if kw == "COPY")
    for needed in ("pyproject.toml", "README.md", "streams", "schemas"):
        if needed not in copied:
            problems.append(f"Dockerfile: does not copy {needed}")
    if not any(kw == "RUN" and re.search(r"pip install[^&;]*\s\.(\s|$)", rest + " ") for kw, rest in instructions):
        problems.append("Dockerfile: no `pip install .`")
    users = [rest for kw, rest in instructions if kw == "USER"]
    if not users or users[-1].split(":")[0] in {"root", "0"}:
        problems.append(f"Dockerfile: must end as a non-root USER, has {users[-1:] or None}")
    entrypoints = [exec_form(rest) for kw, rest in instructions if kw == "ENTRYPOINT"]
    cmds = [exec_form(rest) for kw, rest in instructions if kw == "CMD"]
    if entrypoints[-1:] != [["coopwatch"]]:
        problems.append(f"Dockerfile: ENTRYPOINT must be [\"coopwatch\"], is {entrypoints[-1:] or None}")
    if cmds[-1:] != [["worker"]]:
        problems.append(f"Dockerfile: default CMD must be [\"worker\"], is {cmds[-1:] or None}")
    if "coopwatch" not in scripts:
        problems.append("pyproject.toml: no `coopwatch` console script for the ENTRYPOINT")
    return problems


def compose_problems(compose: dict, compose_dir: Path, raw_text: str, *, settings_fields: set[str],
                     versions: dict[str, str], client_requirement: Requirement,
                     max_message_bytes: int) -> list[str]:
    problems: list[str] = []
    services: dict = compose.get("services") or {}

    missing = REQUIRED_SERVICES - services.keys()
    if missing:
        problems.append(f"services missing: {sorted(missing)}")

    # Start order: targets exist; healthy/completed conditions are satisfiable.
    for name, service in services.items():
        for target, condition in depends_of(service).items():
            if target not in services:
                problems.append(f"{name}: depends_on {target!r}, which is not a service")
                continue
            if condition == "service_healthy":
                test = (services[target].get("healthcheck") or {}).get("test")
                if not test or as_argv(test)[:1] == ["NONE"] or services[target]["healthcheck"].get("disable"):
                    problems.append(f"{name}: waits for {target} to be healthy, but {target} has no healthcheck")
            elif condition == "service_completed_successfully":
                if services[target].get("restart") in {"always", "unless-stopped"}:
                    problems.append(f"{name}: waits for {target} to complete, but {target} restarts forever")
            elif condition != "service_started":
                problems.append(f"{name}: unknown depends_on condition {condition!r}")
    for name, needle in HEALTHCHECK_MUST_MENTION.items():
        if name in services:
            test = " ".join(as_argv((services[name].get("healthcheck") or {}).get("test")))
            if needle not in test:
                problems.append(f"{name}: healthcheck should use {needle}, is {test!r}")
    for name in ("kafka", "elasticsearch", "kibana"):
        if name in services and not published_ports(services[name]):
            problems.append(f"{name}: publishes no port to the host")

    # Named volumes are declared.
    declared = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        for source, bind, _target in mounts(service, compose_dir):
            if bind is None and source and source not in declared:
                problems.append(f"{name}: volume {source!r} is not declared under top-level volumes")

    # Elasticsearch and Kibana: same 9.x version, the one deploy/local runs, one the client supports.
    es = services.get("elasticsearch", {})
    kibana = services.get("kibana", {})
    es_name, es_tag = split_image(str(es.get("image", "")))
    kb_name, kb_tag = split_image(str(kibana.get("image", "")))
    if es_name != ES_IMAGE:
        problems.append(f"elasticsearch: image should be {ES_IMAGE}, is {es_name}")
    if kb_name != KIBANA_IMAGE:
        problems.append(f"kibana: image should be {KIBANA_IMAGE}, is {kb_name}")
    if es_tag != kb_tag:
        problems.append(f"Elasticsearch and Kibana versions differ: {es_tag} vs {kb_tag}")
    if not es_tag.startswith("9."):
        problems.append(f"Elasticsearch must be 9.x, is {es_tag}")
    if versions.get("ELASTICSEARCH_VERSION") and es_tag != versions["ELASTICSEARCH_VERSION"]:
        problems.append(f"Elasticsearch {es_tag} differs from deploy/local/versions.env "
                        f"ELASTICSEARCH_VERSION={versions['ELASTICSEARCH_VERSION']}")
    if es_tag and not client_requirement.specifier.contains(es_tag, prereleases=True):
        problems.append(f"the Python client requirement {client_requirement} does not cover Elasticsearch {es_tag}")
    es_env = env_of(es)
    if "xpack.security.enabled" not in es_env:
        problems.append("elasticsearch: xpack.security.enabled must be set explicitly")
    if es_env.get("discovery.type") != "single-node":
        problems.append("elasticsearch: discovery.type should be single-node")
    for note in SECURITY_NOTES:
        if note not in raw_text:
            problems.append(f"the compose file does not explain how to turn security on ({note} missing)")
    if "elasticsearch:9200" not in env_of(kibana).get("ELASTICSEARCH_HOSTS", ""):
        problems.append("kibana: ELASTICSEARCH_HOSTS does not point to elasticsearch:9200")

    # Kafka: KRaft combined, big messages, listeners that work in the network and from the host.
    kafka = services.get("kafka", {})
    kafka_env = env_of(kafka)
    kafka_name, kafka_tag = split_image(str(kafka.get("image", "")))
    if kafka_name != KAFKA_IMAGE or not kafka_tag.startswith("4."):
        problems.append(f"kafka: image should be {KAFKA_IMAGE}:4.x, is {kafka.get('image')}")
    if versions.get("KAFKA_VERSION") and kafka_tag != versions["KAFKA_VERSION"]:
        problems.append(f"Kafka {kafka_tag} differs from deploy/local/versions.env KAFKA_VERSION={versions['KAFKA_VERSION']}")
    roles = {r.strip() for r in kafka_env.get("KAFKA_PROCESS_ROLES", "").split(",")}
    if roles != {"broker", "controller"}:
        problems.append(f"kafka: KAFKA_PROCESS_ROLES should be broker,controller (KRaft combined), is {roles}")
    if "KAFKA_ZOOKEEPER_CONNECT" in kafka_env:
        problems.append("kafka: ZooKeeper is gone in Kafka 4; remove KAFKA_ZOOKEEPER_CONNECT")
    try:
        message_max = int(kafka_env.get("KAFKA_MESSAGE_MAX_BYTES", "0"))
    except ValueError:
        message_max = 0
    if message_max < max_message_bytes:
        problems.append(f"kafka: KAFKA_MESSAGE_MAX_BYTES={message_max} is below coopwatch's "
                        f"max_message_bytes={max_message_bytes}")
    try:
        listeners = parse_listeners(kafka_env.get("KAFKA_LISTENERS", ""))
        advertised = parse_listeners(kafka_env.get("KAFKA_ADVERTISED_LISTENERS", ""))
    except ValueError as exc:
        problems.append(f"kafka: {exc}")
        listeners, advertised = {}, {}
    protocol_names = {item.split(":")[0] for item in kafka_env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").split(",")
                      if item} or {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}
    for listener in set(listeners) | set(advertised):
        if listener not in protocol_names:
            problems.append(f"kafka: listener {listener} has no security protocol")
    for listener in advertised:
        if listener not in listeners:
            problems.append(f"kafka: advertised listener {listener} is not in KAFKA_LISTENERS")
    controller = kafka_env.get("KAFKA_CONTROLLER_LISTENER_NAMES", "")
    if controller not in listeners:
        problems.append(f"kafka: controller listener {controller!r} is not in KAFKA_LISTENERS")
    kafka_hosts = {"kafka", kafka.get("hostname"), kafka.get("container_name")} - {None}
    host_listeners = [(name, port) for name, (host, port) in advertised.items() if host in {"localhost", "127.0.0.1"}]
    if not any(published == adv_port and target == listeners.get(name, ("", -1))[1]
               for name, adv_port in host_listeners
               for _ip, published, target in published_ports(kafka)):
        problems.append("kafka: no advertised localhost listener whose port is published to its listening port "
                        "(host clients would be sent to an unreachable address)")

    # Worker: built from deploy/Dockerfile, runs `coopwatch worker`, real settings, right addresses.
    worker = services.get("worker", {})
    build = worker.get("build") or {}
    if isinstance(build, str):
        build = {"context": build}
    context = (compose_dir / str(build.get("context", "."))).resolve()
    dockerfile = context / str(build.get("dockerfile", "Dockerfile"))
    if not (context / "pyproject.toml").is_file():
        problems.append(f"worker: build context {context} is not the repository root")
    if not dockerfile.is_file():
        problems.append(f"worker: Dockerfile {dockerfile} does not exist")
    elif dockerfile.resolve() != (DEPLOY / "Dockerfile").resolve():
        problems.append(f"worker: should build deploy/Dockerfile, builds {dockerfile}")
    entrypoint = as_argv(worker.get("entrypoint")) or ["coopwatch"]
    command = as_argv(worker.get("command")) or ["worker"]
    if entrypoint + command != ["coopwatch", "worker"]:
        problems.append(f"worker: runs {entrypoint + command}, not coopwatch worker")
    worker_env = env_of(worker)
    for key in worker_env:
        if key.startswith("COOPWATCH_") and key[len("COOPWATCH_"):].lower() not in settings_fields:
            problems.append(f"worker: {key} is not a field of streams.settings.Settings")
    bootstrap = worker_env.get("COOPWATCH_KAFKA_BOOTSTRAP_SERVERS", "")
    internal = {f"{host}:{port}" for host, port in advertised.values() if host in kafka_hosts}
    if not bootstrap or not set(bootstrap.split(",")) <= internal:
        problems.append(f"worker: COOPWATCH_KAFKA_BOOTSTRAP_SERVERS={bootstrap!r} is not an advertised in-network "
                        f"listener of kafka ({sorted(internal)})")
    if worker_env.get("COOPWATCH_ELASTICSEARCH_URL", "").rstrip("/") != "http://elasticsearch:9200":
        problems.append("worker: COOPWATCH_ELASTICSEARCH_URL should be http://elasticsearch:9200")
    worker_deps = depends_of(worker)
    for target in ("kafka", "elasticsearch"):
        if worker_deps.get(target) != "service_healthy":
            problems.append(f"worker: should wait for {target} to be healthy")

    # The Kibana import: a one-shot that runs deploy/kibana/import.sh against the kibana service.
    importers = [name for name, s in services.items()
                 if any("import.sh" in arg for arg in as_argv(s.get("entrypoint")) + as_argv(s.get("command")))]
    if not importers:
        problems.append("no service runs deploy/kibana/import.sh")
    for name in importers:
        service = services[name]
        argv = as_argv(service.get("entrypoint")) + as_argv(service.get("command"))
        script = next(arg for arg in argv if "import.sh" in arg)
        host_path = None
        for _source, bind, target in mounts(service, compose_dir):
            if bind is not None and script.startswith(target.rstrip("/") + "/"):
                host_path = bind / script[len(target.rstrip("/")) + 1:]
        if host_path is None:
            problems.append(f"{name}: {script} is not inside a bind mount")
        elif host_path.resolve() != (KIBANA_DIR / "import.sh").resolve() or not host_path.is_file():
            problems.append(f"{name}: {script} maps to {host_path}, not deploy/kibana/import.sh")
        if not any(re.fullmatch(r"https?://kibana:5601/?", arg) for arg in argv):
            problems.append(f"{name}: does not pass http://kibana:5601 to import.sh")
        if depends_of(service).get("kibana") != "service_healthy":
            problems.append(f"{name}: should wait for kibana to be healthy")
        if service.get("restart") in {"always", "unless-stopped", "on-failure"}:
            problems.append(f"{name}: a one-shot service must not restart")
    return problems


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def raw_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(raw_text) -> dict:
    return yaml.safe_load(raw_text)


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def context(pyproject) -> dict:
    client = next(Requirement(dep) for dep in pyproject["project"]["dependencies"]
                  if Requirement(dep).name == "elasticsearch")
    return {
        "settings_fields": set(Settings.model_fields),
        "versions": read_versions_env(VERSIONS_ENV) if VERSIONS_ENV.exists() else {},
        "client_requirement": client,
        "max_message_bytes": Settings.model_fields["max_message_bytes"].default,
    }


def check(compose: dict, raw_text: str, context: dict) -> list[str]:
    return compose_problems(compose, DEPLOY, raw_text, **context)


# --------------------------------------------------------------------------- tests

def _compose_cli() -> list[str] | None:
    for argv in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(argv[0]) is None:
            continue
        probe = subprocess.run([*argv, "version"], capture_output=True, text=True, timeout=60)
        if probe.returncode == 0:
            return argv
    return None


def test_docker_compose_config_accepts_the_file():
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no working `docker compose` / `docker-compose` here; the structural tests still run")
    result = subprocess.run([*cli, "-f", str(COMPOSE_FILE), "config", "-q"], capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr


def test_compose_file_structure(compose, raw_text, context):
    assert check(compose, raw_text, context) == []


def test_dockerfile(pyproject):
    scripts = set(pyproject["project"].get("scripts", {}))
    assert dockerfile_problems((DEPLOY / "Dockerfile").read_text(encoding="utf-8"), REPO, scripts) == []


def test_worker_settings_names_are_checked_against_settings(compose):
    # The names the worker sets are exactly what Settings reads (env_prefix COOPWATCH_).
    names = {k for k in env_of(compose["services"]["worker"]) if k.startswith("COOPWATCH_")}
    assert {"COOPWATCH_KAFKA_BOOTSTRAP_SERVERS", "COOPWATCH_ELASTICSEARCH_URL"} <= names
    settings = Settings(**{k[len("COOPWATCH_"):].lower(): v for k, v in env_of(compose["services"]["worker"]).items()
                           if k.startswith("COOPWATCH_")})
    assert settings.kafka_servers == ["kafka:9092"]


def test_parsers():
    assert published_ports({"ports": ["127.0.0.1:9092:9094", "9200:9200", "5601",
                                      {"target": 80, "published": "8080"}]}) == [
        ("127.0.0.1", 9092, 9094), (None, 9200, 9200), (None, None, 5601), (None, 8080, 80)]
    assert parse_listeners("INTERNAL://kafka:9092,EXTERNAL://:9094") == {
        "INTERNAL": ("kafka", 9092), "EXTERNAL": ("", 9094)}
    assert split_image("docker.elastic.co/kibana/kibana:9.5.4") == ("docker.elastic.co/kibana/kibana", "9.5.4")
    assert split_image("localhost:5000/x") == ("localhost:5000/x", "latest")
    assert env_of({"environment": ["A=1", "B=x=y"]}) == {"A": "1", "B": "x=y"}
    assert depends_of({"depends_on": ["a"]}) == {"a": "service_started"}


def _set(path, value):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return mutate


_DELETE = object()
S = "services"

COMPOSE_DRIFTS = [
    (_set([S, "kibana", "healthcheck"], _DELETE), "kibana has no healthcheck"),
    (_set([S, "kibana", "image"], "docker.elastic.co/kibana/kibana:9.5.3"), "versions differ"),
    (_set([S, "elasticsearch", "image"], "docker.elastic.co/elasticsearch/elasticsearch:8.19.0"), "must be 9.x"),
    (_set([S, "worker", "environment", "COOPWATCH_ELASTICSEARCH_HOST"], "x"), "COOPWATCH_ELASTICSEARCH_HOST is not a field"),
    (_set([S, "worker", "environment", "COOPWATCH_KAFKA_BOOTSTRAP_SERVERS"], "localhost:9092"), "not an advertised in-network"),
    (_set([S, "kafka", "environment", "KAFKA_ADVERTISED_LISTENERS"], "INTERNAL://kafka:9092"), "no advertised localhost listener"),
    (_set([S, "kafka", "ports"], ["127.0.0.1:9092:9092"]), "no advertised localhost listener"),
    (_set([S, "kafka", "environment", "KAFKA_MESSAGE_MAX_BYTES"], 1048588), "below coopwatch's max_message_bytes"),
    (_set([S, "kafka", "environment", "KAFKA_PROCESS_ROLES"], "broker"), "KRaft combined"),
    (_set([S, "worker", "depends_on", "kafka", "condition"], "service_started"), "wait for kafka"),
    (_set([S, "worker", "depends_on", "schema-registry"], {"condition": "service_healthy"}), "not a service"),
    (_set([S, "worker", "build", "dockerfile"], "deploy/worker.Dockerfile"), "does not exist"),
    (_set([S, "worker", "command"], ["serve"]), "not coopwatch worker"),
    (_set([S, "elasticsearch", "environment", "xpack.security.enabled"], _DELETE), "xpack.security.enabled must be set"),
    (_set([S, "kibana-setup", "volumes"], []), "not inside a bind mount"),
    (_set([S, "kibana-setup", "volumes"], ["./sample:/kibana:ro"]), "not deploy/kibana/import.sh"),
    (_set([S, "kibana-setup", "command"], ["http://localhost:5601"]), "does not pass http://kibana:5601"),
    (_set([S, "kibana", "ports"], _DELETE), "kibana: publishes no port"),
    (_set(["volumes"], {}), "not declared"),
]


@pytest.mark.parametrize("mutate,expected", COMPOSE_DRIFTS, ids=[d[1] for d in COMPOSE_DRIFTS])
def test_the_structural_check_reports_drift(compose, raw_text, context, mutate, expected):
    drifted = copy.deepcopy(compose)
    mutate(drifted)
    problems = check(drifted, raw_text, context)
    assert any(expected in p for p in problems), problems


def test_the_structural_check_needs_the_security_notes(compose, raw_text, context):
    stripped = raw_text.replace("kibana_system", "kibana-user")
    assert any("kibana_system missing" in p for p in check(compose, stripped, context))


def test_the_structural_check_follows_versions_env(compose, raw_text, context):
    pinned = {**context, "versions": {**context["versions"], "ELASTICSEARCH_VERSION": "9.6.0", "KAFKA_VERSION": "4.5.0"}}
    problems = check(compose, raw_text, pinned)
    assert any("ELASTICSEARCH_VERSION=9.6.0" in p for p in problems)
    assert any("KAFKA_VERSION=4.5.0" in p for p in problems)
    narrow = {**context, "client_requirement": Requirement("elasticsearch>=8,<9")}
    assert any("does not cover Elasticsearch" in p for p in check(compose, raw_text, narrow))


def test_the_dockerfile_check_reports_drift(pyproject):
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    scripts = set(pyproject["project"]["scripts"])
    assert any("non-root" in p for p in dockerfile_problems(text.replace("USER coopwatch", "USER root"), REPO, scripts))
    assert any("python:3.11-slim" in p for p in dockerfile_problems(text.replace("3.11-slim", "3.12"), REPO, scripts))
    assert any("does not exist" in p
               for p in dockerfile_problems(text.replace("COPY schemas/", "COPY schema/"), REPO, scripts))
    assert any("ENTRYPOINT" in p for p in dockerfile_problems(text.replace('["coopwatch"]', '["python"]'), REPO, scripts))
    assert any("console script" in p for p in dockerfile_problems(text, REPO, set()))
