"""The ``coopwatch`` command: run workers, publish feeds, search, read dead letters, score enrichment."""

from __future__ import annotations

import argparse
import json
import os
import sys

from pydantic import ValidationError
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from streams.bench import DEFAULT_WARM_UP, SEARCHABLE_THROUGH
from streams.incidents import EVENT_TYPES
from streams.settings import Settings, SettingsFileError, load_settings

STAGE_NAMES = ("normalise", "enrich", "index", "incidents")


def _stages(text: str) -> list[str]:
    stages = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGE_NAMES]
    if unknown or not stages:
        raise argparse.ArgumentTypeError(f"stages are a comma-separated subset of {','.join(STAGE_NAMES)}; got {text!r}")
    return stages


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from streams.clients import elasticsearch_client
    from streams.index import ensure_indices
    from streams.topics import ensure_topics

    from streams.alerts import ensure_alerts_index

    created = ensure_topics(settings)
    print(f"topics: created {', '.join(created)}" if created else "topics: all present")
    client = elasticsearch_client(settings)
    targets = ensure_indices(client, settings)
    ensure_alerts_index(client, settings)
    versions = sorted({name.rsplit("-v", 1)[-1] for names in targets.values() for name in names})
    print(f"indices: {settings.articles_alias}, {settings.events_alias}, {settings.incidents_alias} ready (version {', '.join(versions)}); "
          f"alert records: {settings.alerts_alias}")
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from streams.app import create_app, freeze_start_up_objects
    from streams.clients import elasticsearch_client
    from streams.index import ensure_indices
    from streams.topics import ensure_topics

    ensure_topics(settings)
    if {"index", "incidents"} & set(args.stages):
        ensure_indices(elasticsearch_client(settings), settings)
    Path(settings.state_dir).mkdir(parents=True, exist_ok=True)
    if args.niceness:
        os.nice(args.niceness)
    app = create_app(settings, stages=args.stages)
    freeze_start_up_objects()
    faust_worker(app, args.loglevel).execute_from_commandline()
    return 0


def faust_worker(app, loglevel: str):
    """The Faust worker of ``app``, without its start-up spinner.

    At ``--loglevel warning`` or ``error`` the spinner sets the root logger to DEBUG (to spin
    on every record) and never sets it back: every debug line of aiokafka and Faust, several
    per message, would be formatted and then dropped for as long as the worker runs.
    """
    import faust

    worker = faust.Worker(app, loglevel=loglevel)
    worker.spinner = None
    return worker


def cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    from streams.publish import publish_feed, wait_until_accounted
    from streams.topics import ensure_topics

    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return 2
    ensure_topics(settings)
    topic = args.topic or settings.topic_raw
    started = datetime.now(timezone.utc)
    report = publish_feed(settings, args.file, topic=topic, send_invalid=args.send_invalid)
    print(f"sent {report.sent} message{'s' if report.sent != 1 else ''} to {topic}")
    for number, error in report.invalid:
        action = "sent anyway" if args.send_invalid else "not sent"
        print(f"line {number}: {error} ({action})")
    if args.wait:
        accounting = wait_until_accounted(settings, report.payloads, since=started, timeout_seconds=args.wait)
        elapsed = (datetime.now(timezone.utc) - started).total_seconds()
        print(f"after {elapsed:.1f}s: {accounting.indexed} indexed, {accounting.dead_lettered} dead-lettered, "
              f"{accounting.pending} still pending")
        if not accounting.done:
            return 1
    return 1 if report.invalid and not args.send_invalid else 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from streams.search import SearchFilters, build_search, format_results

    filters = SearchFilters(
        person=args.person, organization=args.org, country=args.country, topic=args.topic,
        event_type=args.event_type, since=args.since, until=args.until,
        warning=args.warning, has_warnings=args.has_warnings,
    )
    return search_and_print(settings, settings.articles_alias, lambda: build_search(args.query, filters, limit=args.limit),
                            format_results, as_json=args.json)


def search_and_print(settings: Settings, index: str, build, format_response, *, as_json: bool) -> int:
    """Build the request (a bad date or query is a usage error), run it, print hits as text or JSON."""
    from streams.clients import elasticsearch_client

    try:
        body = build()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    response = elasticsearch_client(settings).search(index=index, **body).body
    if as_json:
        print(json.dumps(response["hits"], ensure_ascii=False, indent=2))
    else:
        print(format_response(response))
    return 0


def cmd_incidents(args: argparse.Namespace, settings: Settings) -> int:
    from streams.search import IncidentFilters, build_incident_search, format_incidents

    filters = IncidentFilters(country=args.country, event_type=args.type, since=args.since, min_sources=args.min_sources)
    return search_and_print(settings, settings.incidents_alias, lambda: build_incident_search(filters, limit=args.limit),
                            format_incidents, as_json=args.json)


def cmd_deadletters(args: argparse.Namespace, settings: Settings) -> int:
    from streams.deadletters import format_dead_letter, read_dead_letters

    if args.action == "replay":
        return cmd_replay(args, settings)
    letters = read_dead_letters(settings, limit=args.limit)
    if args.json:
        for letter in letters:
            print(letter.model_dump_json())
        return 0
    if not letters:
        print(f"No dead letters on {settings.topic_deadletter}.")
        return 0
    print(f"{len(letters)} dead letter{'s' if len(letters) != 1 else ''} on {settings.topic_deadletter} (oldest first):\n")
    print("\n\n".join(format_dead_letter(letter) for letter in letters))
    return 0


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from streams.deadletters import count_by_kind, parse_since, read_dead_letters, replay, select_letters

    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    letters = select_letters(read_dead_letters(settings), stage=args.stage, kind=args.kind, since=since)
    if not letters:
        print(f"No dead letters on {settings.topic_deadletter} match.")
        return 0
    for (stage, kind), count in sorted(count_by_kind(letters).items()):
        print(f"  {count:6d}  stage={stage}  {kind}")
    report = replay(settings, letters, dry_run=args.dry_run)
    verb = "would replay" if args.dry_run else "replayed"
    destinations = ", ".join(f"{count} to {topic}" for topic, count in sorted(report.sent.items()))
    print(f"{verb} {report.total} dead letter{'s' if report.total != 1 else ''}{': ' + destinations if destinations else ''}")
    if report.skipped:
        print(f"skipped {len(report.skipped)}: they name no topic to go back to (not written by a coopwatch stage)")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from streams.stats import collect_stats, format_stats

    stats = collect_stats(settings)
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from streams.reindex import reindex

    report = reindex(settings, source=args.source, batch_size=args.batch_size)
    print(report)
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from streams.bench import DEFAULT_FEEDS, BenchOptions, format_report, run_bench

    if (args.rate is None) != (args.duration is None):
        print("error: --rate and --duration go together", file=sys.stderr)
        return 2
    if args.rate is not None and args.messages is not None:
        print("error: either --messages (a burst) or --rate with --duration (steady), not both", file=sys.stderr)
        return 2
    if args.bound_texts < 0:
        print("error: --bound-texts is 0 (no bounds) or more", file=sys.stderr)
        return 2
    if args.warm_up < 0:
        print("error: --warm-up is 0 (no warm-up burst) or more", file=sys.stderr)
        return 2
    if args.stages is not None and not set(SEARCHABLE_THROUGH) <= set(args.stages):
        print(f"error: articles become searchable only through {', '.join(SEARCHABLE_THROUGH)}: --stages must include them", file=sys.stderr)
        return 2
    if args.incidents_apart and args.stages is not None:
        print("error: --incidents-apart chooses the workers' stages itself: leave out --stages", file=sys.stderr)
        return 2
    feeds = args.feed or list(DEFAULT_FEEDS)
    missing = [str(feed) for feed in feeds if not Path(feed).is_file()]
    if missing:
        print(f"error: no such feed file: {', '.join(missing)} (give articles with --feed FILE.jsonl)", file=sys.stderr)
        return 2
    options = BenchOptions(
        messages=args.messages, rate=args.rate, duration=args.duration, workers=args.workers, feeds=feeds,
        poll_interval=args.poll, bound_texts=args.bound_texts, index_documents=args.index_documents, timeout=args.timeout, seed=args.seed,
        long_article_chars=max(0, args.long_article_chars), stages=tuple(args.stages or ()),
        incidents_apart=args.incidents_apart, warm_up=args.warm_up,
    )
    report = run_bench(settings, options, progress=lambda message: print(message, file=sys.stderr, flush=True))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["accounting"]["all_accounted"] and not report["problems"] else 1


def _niceness(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number from 0 to 19, got {text!r}") from None
    if not 0 <= value <= 19:
        raise argparse.ArgumentTypeError(f"a whole number from 0 to 19 (19 is the lowest priority), got {value}")
    return value


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def cmd_credentials(args: argparse.Namespace, settings: Settings) -> int:
    from streams.credentials import provision_worker

    if not settings.kafka_uses_sasl or not (settings.elasticsearch_username or settings.elasticsearch_api_key):
        print("error: credentials runs with the operator's identity (a Kafka super user over SASL, an Elasticsearch "
              "user who may manage API keys), e.g. COOPWATCH_ENV_FILE=.local/secure/admin.env", file=sys.stderr)
        return 2
    identity = provision_worker(settings, args.write, username=args.user, mechanism=args.mechanism)
    print(f"Kafka: user {identity.username} (SCRAM credential set), {identity.acls} ACLs on topics "
          f"{settings.topic_raw}, {settings.topic_normalised}, {settings.topic_enriched}, {settings.topic_deadletter}, "
          f"{settings.app_id}-* and group {settings.app_id}")
    print(f"Elasticsearch: API key {identity.username} (id {identity.api_key_id}) on {settings.articles_alias}, "
          f"{settings.events_alias} and their indices"
          + (f"; {identity.invalidated_keys} previous key(s) invalidated" if identity.invalidated_keys else ""))
    print(f"written to {args.write} (mode 0600); restart the workers to use the new credentials")
    return 0


def _watch_from_args(args: argparse.Namespace):
    from pydantic import ValidationError

    from schemas.alerts import Watch

    try:
        return Watch(
            name=args.name, query=args.query, countries=args.country, persons=args.person, agencies=args.org,
            topics=args.topic, event_types=args.event_type, webhook=args.webhook,
        ), None
    except ValidationError as error:
        return None, "\n".join(f"error: {'.'.join(map(str, e['loc'])) or 'watch'}: {e['msg']}" for e in error.errors())


def cmd_watch_add(args: argparse.Namespace, settings: Settings) -> int:
    from streams.clients import elasticsearch_client
    from streams.index import ensure_indices
    from streams.topics import ensure_topics
    from streams.watches import count_matches, query_error, read_watches, save_watch

    watch, problems = _watch_from_args(args)
    if watch is None:
        print(problems, file=sys.stderr)
        return 2
    client = elasticsearch_client(settings)
    ensure_indices(client, settings)  # the query is checked against the articles' mapping
    reason = query_error(client, settings, watch)
    if reason:
        print(f"error: Elasticsearch refuses the query of watch {watch.name!r}, nothing saved:\n  {reason}", file=sys.stderr)
        return 2
    ensure_topics(settings)
    replaced = watch.name in read_watches(settings)
    save_watch(settings, watch)
    matching = count_matches(client, settings, watch)
    print(f"watch {watch.name} {'replaced' if replaced else 'added'}: {matching} article{'s' if matching != 1 else ''} "
          f"already indexed match{'es' if matching == 1 else ''} it; every new match raises an alert on {settings.topic_alerts}"
          + (f" and is POSTed to {watch.webhook}" if watch.webhook else ""))
    return 0


def format_watch(watch) -> str:
    filters = [f"{label}={','.join(values)}" for label, values in (
        ("countries", watch.countries), ("persons", watch.persons), ("agencies", watch.agencies),
        ("topics", watch.topics), ("event-types", watch.event_types)) if values]
    parts = [watch.name, f"query: {watch.query}"] + filters + ([f"webhook: {watch.webhook}"] if watch.webhook else [])
    return "  ".join(parts)


def cmd_watch_list(args: argparse.Namespace, settings: Settings) -> int:
    from streams.watches import read_watches

    watches = sorted(read_watches(settings).values(), key=lambda w: w.name)
    if args.json:
        for watch in watches:
            print(watch.model_dump_json())
    elif not watches:
        print(f"No watches on {settings.topic_watches}.")
    else:
        print("\n".join(format_watch(watch) for watch in watches))
    return 0


def cmd_watch_remove(args: argparse.Namespace, settings: Settings) -> int:
    from streams.watches import read_watches, remove_watch

    if args.name not in read_watches(settings):
        print(f"error: no watch named {args.name!r} (see `coopwatch watch list`)", file=sys.stderr)
        return 1
    remove_watch(settings, args.name)
    print(f"watch {args.name} removed; the alerts it raised stay on {settings.topic_alerts}")
    return 0


def cmd_watch_bench(args: argparse.Namespace, settings: Settings) -> int:
    from streams.matching_bench import run_matching_benchmark

    print(run_matching_benchmark(settings, args.feed, watches=args.watches, articles=args.articles, rounds=args.rounds).report())
    return 0


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    from streams.alerts import alert_status_lines, format_alert, read_alerts

    if args.status:
        print("\n".join(alert_status_lines(settings)))
        return 0
    shown = 0
    for alert in read_alerts(settings, watch=args.watch, follow=args.follow):
        print(alert.model_dump_json() if args.json else format_alert(alert) + "\n", flush=True)
        shown += 1
    if not shown and not args.json:
        print(f"No alerts{' of watch ' + args.watch if args.watch else ''} on {settings.topic_alerts}.")
    return 0


def cmd_deliver(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from streams.topics import ensure_topics
    from streams.webhooks import run_deliverer

    logging.basicConfig(level=args.loglevel.upper(), format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    for chatty in ("kafka", "httpx", "elastic_transport"):  # their per-request lines would drown the deliveries
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))
    ensure_topics(settings)
    run_deliverer(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopwatch",
        description="Security news from Kafka to searchable cooperation events in Elasticsearch. "
        "Configuration comes from COOPWATCH_* environment variables (e.g. COOPWATCH_KAFKA_BOOTSTRAP_SERVERS, "
        "COOPWATCH_ELASTICSEARCH_URL), and from the env file COOPWATCH_ENV_FILE names, if any.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    worker = commands.add_parser("worker", help="run the normalise, enrich, index and incidents agents (processes form one consumer group)")
    worker.add_argument("--stages", type=_stages, default=list(STAGE_NAMES),
                        help="comma-separated stages this process runs, to scale them apart (default: all)")
    worker.add_argument("--niceness", type=_niceness, default=0, metavar="N",
                        help="lower this process's CPU priority by N (0-19; default 0): a stage run apart at a low priority, "
                             "e.g. `--stages incidents --niceness 19`, takes only the CPU the search path leaves idle")
    worker.add_argument("--loglevel", default="info", choices=["debug", "info", "warning", "error"])
    worker.set_defaults(handler=cmd_worker)

    publish = commands.add_parser("publish", help="publish a JSONL file of raw articles to Kafka")
    publish.add_argument("file", type=Path, help="one raw article (JSON object) per line")
    publish.add_argument("--topic", help="topic to publish to (default: the raw topic)")
    publish.add_argument("--send-invalid", action="store_true",
                         help="also send lines that are not valid JSON (they end in the dead-letter topic)")
    publish.add_argument("--wait", type=float, metavar="SECONDS", default=0,
                         help="then wait up to SECONDS until every sent message is indexed or dead-lettered, and say which")
    publish.set_defaults(handler=cmd_publish)

    search = commands.add_parser("search", help="search indexed articles (Lucene syntax, accent-insensitive)")
    search.add_argument("query", nargs="?", default="*", help='e.g. "coopération sécuritaire" or \'persons:"Nicolas Lerner"\'')
    search.add_argument("--person", help="exact canonical person name")
    search.add_argument("--org", help="agency acronym or full name")
    search.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. MA")
    search.add_argument("--topic", help="threat domain, e.g. terrorism")
    search.add_argument("--event-type", help="meeting, visit, agreement, intelligence_sharing, joint_operation, training, extradition")
    search.add_argument("--since", help="published on or after (ISO date or e.g. '1 mars 2024')")
    search.add_argument("--until", help="published on or before")
    search.add_argument("--warning", metavar="CODE",
                        help="only articles with this warning, e.g. unreadable_date (README: Warnings)")
    search.add_argument("--has-warnings", action="store_true", help="only articles with at least one warning")
    search.add_argument("--limit", type=int, default=10, help="most results shown (default 10)")
    search.add_argument("--json", action="store_true", help="print the raw hits as JSON")
    search.set_defaults(handler=cmd_search)

    incidents = commands.add_parser(
        "incidents", help="list incidents: real-world cooperation events, each once, with how many articles and sources reported it")
    incidents.add_argument("--country", help="ISO 3166-1 alpha-2 code of a cooperating country, e.g. MA")
    incidents.add_argument("--type", choices=list(EVENT_TYPES), help="event type")
    incidents.add_argument("--since", help="still reported on or after (ISO date or e.g. '1 mars 2024')")
    incidents.add_argument("--min-sources", type=int, metavar="N", help="reported by at least N distinct sources")
    incidents.add_argument("--limit", type=int, default=10, help="most incidents shown (default 10)")
    incidents.add_argument("--json", action="store_true", help="print the raw hits as JSON")
    incidents.set_defaults(handler=cmd_incidents)

    dead = commands.add_parser("deadletters", help="list rejected messages: where, at which stage and why")
    dead.add_argument("--limit", type=int, default=None, help="only the newest N")
    dead.add_argument("--json", action="store_true", help="one JSON dead letter per line (payload and key in base64)")
    dead.set_defaults(handler=cmd_deadletters, action=None)
    dead_actions = dead.add_subparsers(dest="action", metavar="ACTION")
    replay = dead_actions.add_parser(
        "replay", help="send dead letters back to the topic they came from (once the cause is fixed); "
        "documents have deterministic ids, so replaying twice duplicates nothing")
    replay.add_argument("--stage", choices=[*STAGE_NAMES, "unknown"], help="only letters of this stage")
    replay.add_argument("--kind", help="only letters of this error kind, e.g. elasticsearch_403_cluster_block_exception")
    replay.add_argument("--since", help="only letters written since this time: ISO date or time (UTC), or an age such as 90m, 6h, 2d")
    replay.add_argument("--dry-run", action="store_true", help="say what would be replayed, send nothing")

    stats = commands.add_parser("stats", help="what an operator checks first: messages per topic, lag per stage, "
                                "dead letters by kind, documents per index")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=cmd_stats)

    reindex = commands.add_parser(
        "reindex", help="build the next index version, re-enriched by the current code, while the current one stays "
        "searchable; then move the aliases to it in one step (resumes an interrupted run)")
    reindex.add_argument("--source", choices=["normalised", "documents"], default="normalised",
                         help="re-enrich the normalised topic (then any article it no longer holds from its document), "
                         "or only the current documents (default: normalised)")
    reindex.add_argument("--batch-size", type=int, default=64, help="articles enriched and written at a time")
    reindex.set_defaults(handler=cmd_reindex)

    bench = commands.add_parser(
        "bench", help="measure publish-to-searchable latency, throughput, lag, RSS and their bounds, with workers of its own",
        description="Starts its own workers in a namespace of its own (topics, consumer group, indices: removed afterwards), "
        "publishes articles all at once (--messages) or at a steady rate (--rate, --duration), reports when each became "
        "visible to a search, measures spaCy's nlp.pipe and a bare bulk on the same texts, and the CPU the "
        "incidents stage alone takes on the run's mentions.",
    )
    bench.add_argument("--messages", type=_positive(int), help="publish this many articles at once (default 200 when no --rate)")
    bench.add_argument("--rate", type=_positive(float), metavar="R", help="publish R articles per second...")
    bench.add_argument("--duration", type=_positive(float), metavar="S", help="...for S seconds")
    bench.add_argument("--workers", type=_positive(int), default=1, help="worker processes to start (default 1)")
    bench.add_argument("--feed", type=Path, action="append",
                       help="JSONL of raw articles (or eval lines) to vary from; repeatable (default: the project's sample and test sets)")
    bench.add_argument("--poll", type=_positive(float), default=0.1, metavar="SECONDS", help="how often visibility is checked (default 0.1)")
    bench.add_argument("--bound-texts", type=int, default=150, metavar="N",
                       help="texts the bounds are measured on (default 150; 0 skips the bounds and the incidents stage alone, for quick latency runs)")
    bench.add_argument("--index-documents", type=_positive(int), default=3000, metavar="N",
                       help="documents the index stage and the bare bulk are measured on (default 3000)")
    bench.add_argument("--long-article-chars", type=int, default=900_000, metavar="N",
                       help="also time the enrichment of one article of N characters (default 900000; 0: not measured)")
    bench.add_argument("--seed", type=int, default=0, help="seed of the article variations")
    bench.add_argument("--warm-up", type=int, default=DEFAULT_WARM_UP, metavar="N",
                       help=f"articles sent through the whole pipeline before the run, so that a broker and an Elasticsearch "
                            f"just started are not compiling their hot paths while it is measured (default {DEFAULT_WARM_UP}; 0: none)")
    bench.add_argument("--timeout", type=_positive(float), default=300, help="give up this many seconds after publishing ended")
    bench.add_argument("--stages", type=_stages, metavar="STAGES",
                       help="comma-separated stages the workers run (default: all); normalise, enrich and index are needed, "
                            "so this can only leave out incidents, to see what that stage costs")
    bench.add_argument("--incidents-apart", action="store_true",
                       help="the workers run the search path (normalise, enrich, index) and one more worker the incidents stage "
                            "at niceness 19, so incidents take only the CPU the search path leaves (not with --stages)")
    bench.add_argument("--json", action="store_true", help="print the report as JSON")
    bench.set_defaults(handler=cmd_bench)

    credentials = commands.add_parser(
        "credentials", help="create or rotate the worker's least-privilege identity (run with the operator's identity)")
    credentials.add_argument("--write", type=Path, required=True, metavar="ENV_FILE",
                             help="where to write the worker's settings (mode 0600), e.g. .local/secure/coopwatch.env")
    credentials.add_argument("--user", default="coopwatch-worker", help="Kafka user and API key name (default coopwatch-worker)")
    credentials.add_argument("--mechanism", default="SCRAM-SHA-512", choices=["SCRAM-SHA-256", "SCRAM-SHA-512"],
                             help="the worker's SASL mechanism (default SCRAM-SHA-512)")
    credentials.set_defaults(handler=cmd_credentials)

    watch = commands.add_parser("watch", help="standing searches: each newly indexed article that matches one raises an alert")
    watch_commands = watch.add_subparsers(dest="watch_command", metavar="ACTION", required=True)
    add = watch_commands.add_parser("add", help="add or replace a watch (its query is checked by Elasticsearch first)")
    add.add_argument("name", help="letters, digits, '.', '_' or '-'")
    add.add_argument("query", help="Lucene syntax as in `coopwatch search`, e.g. 'hashish OR cannabis'; '*' for filters only")
    add.add_argument("--country", action="append", default=[], help="ISO code the article must be tagged with (repeatable: all required)")
    add.add_argument("--person", action="append", default=[], help="person named (repeatable)")
    add.add_argument("--org", "--agency", dest="org", action="append", default=[], help="agency acronym or full name (repeatable)")
    add.add_argument("--topic", action="append", default=[], help="threat domain, e.g. drug_trafficking (repeatable)")
    add.add_argument("--event-type", action="append", default=[], help="meeting, visit, agreement, ... (repeatable)")
    add.add_argument("--webhook", help="URL that receives each alert as a JSON POST (needs `coopwatch deliver` running)")
    add.set_defaults(handler=cmd_watch_add)
    listing = watch_commands.add_parser("list", help="the current watches")
    listing.add_argument("--json", action="store_true", help="one JSON watch per line")
    listing.set_defaults(handler=cmd_watch_list)
    remove = watch_commands.add_parser("remove", help="remove a watch")
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_watch_remove)
    watch_bench = watch_commands.add_parser("bench", help="time matching N watches against a batch of indexed articles (throw-away index)")
    watch_bench.add_argument("--watches", type=int, default=1000, help="default 1000")
    watch_bench.add_argument("--articles", type=int, default=200, help="batch size, default 200")
    watch_bench.add_argument("--rounds", type=int, default=5, help="timed rounds of each way of matching, default 5")
    watch_bench.add_argument("--feed", type=Path, default=Path("deploy/sample/feed.jsonl"), help="articles to cycle through")
    watch_bench.set_defaults(handler=cmd_watch_bench)

    alerts = commands.add_parser("alerts", help="print the alerts raised by watches (newest last)")
    alerts.add_argument("--watch", help="only this watch's alerts")
    alerts.add_argument("--follow", "-f", action="store_true", help="then keep printing new alerts as they come")
    alerts.add_argument("--json", action="store_true", help="one JSON alert per line")
    alerts.add_argument("--status", action="store_true", help="per watch: alerts raised, webhook deliveries done, waiting and failing")
    alerts.set_defaults(handler=cmd_alerts)

    deliver = commands.add_parser("deliver", help="POST alerts to the watches' webhooks, with retries (its own consumer group)")
    deliver.add_argument("--loglevel", default="info", choices=["debug", "info", "warning", "error"])
    deliver.set_defaults(handler=cmd_deliver)

    setup = commands.add_parser("setup", help="create the Kafka topics, index templates and indices (workers do it too)")
    setup.set_defaults(handler=cmd_setup)

    from streams import evaluate

    evaluation = commands.add_parser("eval", help="score enrichment against gold annotations (no Kafka or Elasticsearch needed)")
    evaluate.configure_parser(evaluation)
    evaluation.set_defaults(handler=evaluate.run)

    from streams import incident_eval

    incident_evaluation = commands.add_parser(
        "eval-incidents", help="score consolidation into incidents: pairwise precision, recall and F1 of 'same incident'")
    incident_eval.configure_parser(incident_evaluation)
    incident_evaluation.set_defaults(handler=incident_eval.run)

    from streams import report_training

    training = commands.add_parser(
        "train-report-types", help="build the model that types reports the event rules find nothing in, from development gold sets")
    report_training.configure_parser(training)
    training.set_defaults(handler=report_training.run)
    return parser


def undecodable_argument(argv: Sequence[str]) -> str | None:
    """The first argument that is not text: bytes the terminal sent that are not UTF-8
    reach Python as lone surrogates, which no JSON request body can carry."""
    for argument in argv:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            try:   # the bytes as the terminal sent them
                raw = argument.encode("utf-8", errors="surrogateescape")
            except UnicodeEncodeError:
                raw = argument.encode("utf-8", errors="backslashreplace")
            return raw.decode("ascii", errors="backslashreplace")
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except (SettingsFileError, ValidationError) as error:
        print(f"error: configuration: {settings_error_text(error)}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a clear one-line error for operators, not a traceback
        from streams.clients import explain_connection_error as explain

        explanation = explain(error, settings)
        if explanation:
            print(f"error: {explanation}", file=sys.stderr)
            return 3
        from elasticsearch import ConnectionError as ESConnectionError
        from elasticsearch import ApiError
        from kafka.errors import KafkaError

        if isinstance(error, KafkaError) and "bootstrap" in str(error).lower():
            print(f"error: no Kafka broker answers at {settings.kafka_bootstrap_servers} "
                  "(start it with deploy/local/services.sh up or set COOPWATCH_KAFKA_BOOTSTRAP_SERVERS)", file=sys.stderr)
            return 3
        if isinstance(error, ESConnectionError):
            print(f"error: Elasticsearch does not answer at {settings.elasticsearch_url} "
                  "(start it with deploy/local/services.sh up or set COOPWATCH_ELASTICSEARCH_URL)", file=sys.stderr)
            return 3
        if isinstance(error, KafkaError):
            print(f"error: Kafka: {error}", file=sys.stderr)
            return 3
        from elastic_transport import SerializationError

        if isinstance(error, SerializationError):
            # an argument made of bytes that are not UTF-8 (a file path may be, so none is refused up front)
            undecodable = undecodable_argument(sys.argv[1:] if argv is None else argv)
            print("error: " + (f"argument \"{undecodable}\" is not UTF-8 text (check the terminal's encoding)" if undecodable
                               else f"a request to Elasticsearch could not be written as JSON: {error}"), file=sys.stderr)
            return 2
        if isinstance(error, ApiError):
            # e.g. a query Lucene cannot parse: say what Elasticsearch said, not a traceback
            reason = error.body.get("error", {}).get("root_cause", [{}])[0].get("reason") if isinstance(error.body, dict) else None
            print(f"error: Elasticsearch refused the request ({error.meta.status}): {reason or error.message}", file=sys.stderr)
            return 2
        raise


def settings_error_text(error: Exception) -> str:
    """What is wrong with the configuration, without echoing any value (values may be secrets)."""
    if isinstance(error, ValidationError):
        return "; ".join(
            (f"COOPWATCH_{'_'.join(map(str, e['loc'])).upper()}: " if e["loc"] else "") + e["msg"].removeprefix("Value error, ")
            for e in error.errors(include_input=False, include_url=False)
        )
    return str(error)


if __name__ == "__main__":
    sys.exit(main())
