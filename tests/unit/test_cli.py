import subprocess
import sys

import pytest

from streams.cli import build_parser
from streams.topics import topic_specs
from streams.settings import Settings


def test_help_lists_every_command():
    result = subprocess.run([sys.executable, "-m", "streams.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("worker", "publish", "search", "deadletters", "eval", "setup", "stats", "reindex"):
        assert command in result.stdout


def test_replay_options_are_checked():
    args = build_parser().parse_args(["deadletters", "replay", "--stage", "index", "--kind", "k", "--since", "2h", "--dry-run"])
    assert (args.action, args.stage, args.kind, args.since, args.dry_run) == ("replay", "index", "k", "2h", True)
    assert build_parser().parse_args(["deadletters", "--limit", "3"]).action is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["deadletters", "replay", "--stage", "translate"])


def test_worker_stages_are_checked():
    assert build_parser().parse_args(["worker", "--stages", "enrich"]).stages == ["enrich"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["worker", "--stages", "enrich,translate"])


def test_publish_of_a_missing_file_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "streams.cli", "publish", str(tmp_path / "nope.jsonl")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_settings_come_from_coopwatch_variables(monkeypatch):
    monkeypatch.setenv("COOPWATCH_KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9092")
    monkeypatch.setenv("COOPWATCH_TOPIC_PARTITIONS", "6")
    settings = Settings()
    assert settings.kafka_servers == ["k1:9092", "k2:9092"]
    assert {spec.partitions for spec in topic_specs(settings)} == {6}
    limits = {spec.name: int(spec.config["max.message.bytes"]) for spec in topic_specs(settings)}
    deadletter_limit = limits.pop(settings.topic_deadletter)
    assert set(limits.values()) == {settings.max_message_bytes}
    assert deadletter_limit > settings.max_message_bytes  # a dead letter is its message plus context headers
