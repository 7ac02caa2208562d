import subprocess
import sys

import pytest

from streams.cli import build_parser
from streams.topics import faust_leader_topic, topic_specs
from streams.settings import Settings


def test_help_lists_every_command():
    result = subprocess.run([sys.executable, "-m", "streams.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("worker", "publish", "search", "deadletters", "eval", "setup", "stats", "reindex", "watch", "alerts", "deliver"):
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


def test_the_bench_may_leave_out_only_the_incidents_stage():
    assert build_parser().parse_args(["bench", "--stages", "normalise,enrich,index"]).stages == ["normalise", "enrich", "index"]
    assert build_parser().parse_args(["bench"]).stages is None   # every stage
    # Without the index stage no article would ever become searchable: refused before anything starts.
    result = subprocess.run([sys.executable, "-m", "streams.cli", "bench", "--stages", "normalise,enrich", "--messages", "3"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--stages must include them" in result.stderr


def test_a_worker_priority_is_a_niceness_from_0_to_19():
    assert build_parser().parse_args(["worker"]).niceness == 0
    assert build_parser().parse_args(["worker", "--stages", "incidents", "--niceness", "19"]).niceness == 19
    for wrong in ("20", "-5", "low"):
        result = subprocess.run([sys.executable, "-m", "streams.cli", "worker", "--niceness", wrong],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and "a whole number from 0 to 19" in result.stderr, wrong


def test_the_bench_runs_incidents_apart_only_when_it_chooses_the_stages():
    assert build_parser().parse_args(["bench", "--incidents-apart"]).incidents_apart
    assert not build_parser().parse_args(["bench"]).incidents_apart
    result = subprocess.run([sys.executable, "-m", "streams.cli", "bench", "--incidents-apart", "--stages", "normalise,enrich,index",
                             "--messages", "3"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "leave out --stages" in result.stderr


def test_the_bench_warms_the_services_up_unless_told_not_to():
    from streams.bench import DEFAULT_WARM_UP

    assert build_parser().parse_args(["bench"]).warm_up == DEFAULT_WARM_UP > 0
    assert build_parser().parse_args(["bench", "--warm-up", "0"]).warm_up == 0
    result = subprocess.run([sys.executable, "-m", "streams.cli", "bench", "--warm-up", "-1", "--messages", "3"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--warm-up is 0 (no warm-up burst) or more" in result.stderr


def test_publish_of_a_missing_file_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "streams.cli", "publish", str(tmp_path / "nope.jsonl")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_settings_come_from_coopwatch_variables(monkeypatch):
    monkeypatch.setenv("COOPWATCH_KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9092")
    monkeypatch.setenv("COOPWATCH_TOPIC_PARTITIONS", "6")
    settings = Settings()
    assert settings.kafka_servers == ["k1:9092", "k2:9092"]
    single = {settings.topic_watches, faust_leader_topic(settings)}
    assert {spec.partitions for spec in topic_specs(settings) if spec.name not in single} == {6}
    limits = {spec.name: int(spec.config["max.message.bytes"]) for spec in topic_specs(settings)}
    deadletter_limit = limits.pop(settings.topic_deadletter)
    assert set(limits.values()) == {settings.max_message_bytes}
    assert deadletter_limit > settings.max_message_bytes  # a dead letter is its message plus context headers


def test_watches_are_a_compacted_topic_and_alerts_a_stream():
    specs = {spec.name: spec for spec in topic_specs(Settings())}
    assert specs["news.watches"].config["cleanup.policy"] == "compact" and specs["news.watches"].partitions == 1
    assert "cleanup.policy" not in specs["news.alerts"].config


def test_the_workers_leader_topic_exists_before_they_join():
    """Created on first use instead, it appeared among the workers' subscriptions after they had
    joined, and their next metadata refresh made the whole group rebalance."""
    settings = Settings(app_id="coopwatch-eu")
    specs = {spec.name: spec for spec in topic_specs(settings)}
    assert specs["coopwatch-eu-__assignor-__leader"].partitions == 1


def test_watch_filters_repeat():
    args = build_parser().parse_args(["watch", "add", "es-ma", "hashish", "--country", "ES", "--country", "MA", "--agency", "DGSN"])
    assert args.country == ["ES", "MA"] and args.org == ["DGSN"] and args.query == "hashish"


def test_an_impossible_watch_is_refused_before_any_service_is_asked(tmp_path):
    result = subprocess.run([sys.executable, "-m", "streams.cli", "watch", "add", "x", "*"],
                            capture_output=True, text=True, timeout=60, env={"COOPWATCH_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "PATH": ""})
    assert result.returncode == 2 and "would alert on every article" in result.stderr


@pytest.mark.parametrize("loglevel", ["warning", "error"])
def test_a_quiet_worker_keeps_debug_lines_off(loglevel):
    import logging

    import faust

    from streams.cli import faust_worker

    worker = faust_worker(faust.App("quiet-worker-test"), loglevel)
    root = logging.Logger("root-under-test")
    root.addHandler(logging.StreamHandler())
    level = logging.getLevelName(loglevel.upper())
    root.setLevel(level)
    worker.on_setup_root_logger(root, level)   # what the worker does when it configures logging
    assert root.getEffectiveLevel() == level, "debug records of every Kafka request would be built and dropped"
    assert not root.isEnabledFor(logging.DEBUG)


def test_an_argument_the_terminal_sent_in_another_encoding_is_refused_with_its_bytes(capsys):
    from streams.cli import main, undecodable_argument

    latin1 = b"Europol \xe9quipe".decode("utf-8", errors="surrogateescape")   # how Python hands over non-UTF-8 bytes
    assert undecodable_argument(["search", "Europol équipe"]) is None
    assert undecodable_argument(["search", latin1]) == "Europol \\xe9quipe"
    # no JSON request body can carry it: said clearly, not a traceback
    assert main(["search", latin1]) == 2
    assert 'argument "Europol \\xe9quipe" is not UTF-8 text' in capsys.readouterr().err
