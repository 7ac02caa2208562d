"""The consolidation stage on the real Kafka and Elasticsearch: reports become one incident
document, and the stage keeps its state through kill -9 and a rebalance."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from schemas.articles import ArticleMentions, IncidentMention, MentionsMessage
from streams.incidents import routing_key
from streams.publish import expected_article_id
from streams.settings import Settings

from .conftest import REPO, publish, settings_env

DEV = Path(__file__).resolve().parents[1] / "data" / "incidents-dev.jsonl"


def incidents_in(es, settings: Settings, **term) -> list[dict]:
    es.indices.refresh(index=settings.incidents_alias)
    query = {"term": term} if term else {"match_all": {}}
    return [h["_source"] for h in es.search(index=settings.incidents_alias, query=query, size=100)["hits"]["hits"]]


def wait_for(predicate, *, timeout: float, what: str, log: Path | None = None, seen=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}; last seen: {seen() if seen else '-'}\n{tail}", pytrace=False)


def test_reports_of_one_meeting_become_one_incident_with_their_sources(settings, es, producer, worker) -> None:
    marker = uuid.uuid4().hex[:8]
    reports = []
    for line in DEV.read_text(encoding="utf-8").splitlines()[:4]:   # four reports of one meeting, four outlets
        raw = json.loads(line)["raw"]
        raw["id"] = f"{raw['id']}-{marker}"
        reports.append(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    article_ids = [expected_article_id(r) for r in reports]
    publish(producer, settings, *reports)

    def the_incident():
        found = [i for i in incidents_in(es, settings, article_ids=article_ids[0]) if i["type"] == "meeting"]
        return found if found and found[0]["article_count"] == 4 else None

    (incident,) = wait_for(the_incident, timeout=120, what="one meeting incident of four reports")
    assert sorted(incident["article_ids"]) == sorted(article_ids)
    assert incident["source_count"] == 4 and len(incident["sources"]) == 4
    assert incident["countries"] == ["FR", "MA"] and incident["country_pairs"] == ["FR-MA"] and incident["location"] == "MA"
    assert "Youssef Alaoui" in incident["persons"] and incident["evidence"]
    assert incident["languages"] == ["en", "fr"]

    # What an analyst types finds it, with its sources count.
    from .conftest import coopwatch

    listed = coopwatch(settings, "incidents", "--country", "MA", "--type", "meeting", "--min-sources", "4", "--json")
    assert listed.returncode == 0, listed.stderr
    assert incident["incident_id"] in {h["_source"]["incident_id"] for h in json.loads(listed.stdout)["hits"]}
    text = coopwatch(settings, "incidents", "--country", "MA", "--min-sources", "4").stdout
    assert "meeting FR-MA in MA: 4 articles from 4 sources" in text

    # The same report delivered again is not a fifth report.
    publish(producer, settings, reports[0])
    time.sleep(5)
    (again,) = [i for i in incidents_in(es, settings, article_ids=article_ids[0]) if i["type"] == "meeting"]
    assert again["article_count"] == 4 and again["incident_id"] == incident["incident_id"]

    # Corrected by its feed, the last report no longer tells of the meeting: it leaves the incident.
    # (Title and body: a title that still says the two services close ranks tells cooperation.)
    corrected = json.loads(reports[3])
    corrected["title"] = "Délinquance routière : le rapport annuel de la police est publié"
    corrected["body"] = "Le rapport annuel de la police sur la délinquance routière a été publié mercredi."
    publish(producer, settings, json.dumps(corrected, ensure_ascii=False).encode("utf-8"))

    def three_reports():
        found = [i for i in incidents_in(es, settings, article_ids=article_ids[0]) if i["type"] == "meeting"]
        return found if found and found[0]["article_count"] == 3 else None

    (moved,) = wait_for(three_reports, timeout=60, what="the corrected report to leave the incident")
    assert article_ids[3] not in moved["article_ids"] and moved["incident_id"] == incident["incident_id"]


def meeting_reports(marker: str) -> list[bytes]:
    """Four reports of one meeting, four outlets, their ids made unique by ``marker``."""
    reports = []
    for line in DEV.read_text(encoding="utf-8").splitlines()[:4]:
        raw = json.loads(line)["raw"]
        raw["id"] = f"{raw['id']}-{marker}"
        reports.append(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    return reports


def test_in_a_burst_mentions_wait_for_the_search_path_and_a_worker_killed_meanwhile_loses_none(own, es, producer) -> None:
    from .conftest import raw_message, start_worker, stop_worker, wait_for_document

    # Batches of one article are always full: as long as articles keep coming, the search path is busy.
    settings = own("deferred", enrich_batch_size=1, incidents_give_way_seconds=600)
    reports = meeting_reports(uuid.uuid4().hex[:8])
    article_ids = [expected_article_id(r) for r in reports]
    feeding = threading.Event()

    def feed() -> None:   # a burst that goes on: articles that tell of nothing
        while not feeding.wait(0.2):
            publish(producer, settings, raw_message(title="Weather", body="The weather was mild all week."))

    feeder = threading.Thread(target=feed, daemon=True)
    first = start_worker(settings, "deferred-a")
    second = None
    try:
        publish(producer, settings, *reports)
        feeder.start()
        for article_id in article_ids:
            assert wait_for_document(es, settings.articles_alias, article_id, timeout=180), first.log_path.read_text()[-3000:]
        time.sleep(3)
        # Searchable, and their mentions still wait: no incident yet, their input not committed.
        assert incidents_in(es, settings, article_ids=article_ids[0]) == []
        from streams.stats import committed_offsets

        held = {tp: offset for tp, offset in committed_offsets(settings).items() if tp[0] == settings.topic_normalised}
        assert sum(held.values()) == 0, f"committed past messages whose mentions were not sent: {held}"

        first.kill()   # kill -9: the mentions it held were never sent
        first.wait(timeout=30)
        feeding.set()
        feeder.join(timeout=30)
        second = start_worker(settings, "deferred-b")

        def the_incident():
            found = [i for i in incidents_in(es, settings, article_ids=article_ids[0]) if i["type"] == "meeting"]
            return found if found and found[0]["article_count"] == 4 else None

        (incident,) = wait_for(the_incident, timeout=240, what="the meeting of four reports after kill -9", log=second.log_path)
        assert sorted(incident["article_ids"]) == sorted(article_ids)
        # Once sent, the inputs are released: everything the enrich stage read is committed.
        ends = {tp: offset for tp, offset in committed_offsets(settings).items() if tp[0] == settings.topic_normalised}
        wait_for(lambda: sum(o for tp, o in committed_offsets(settings).items() if tp[0] == settings.topic_normalised)
                 >= normalised_messages(settings), timeout=60, what=f"the enrich stage's input committed (was {ends})", log=second.log_path)
    finally:
        feeding.set()
        stop_worker(first)
        if second is not None:
            stop_worker(second)


def normalised_messages(settings: Settings) -> int:
    from streams.stats import topic_offsets

    return sum(end for _, end in topic_offsets(settings, [settings.topic_normalised])[settings.topic_normalised].values())


# ---------------------------------------------------------------- durability
INCIDENTS = {   # type -> (countries, a person every report names)
    "meeting": (["FR", "MA"], "Youssef Alaoui"),
    "joint_operation": (["ES", "MA"], "Javier Molina"),
    "extradition": (["CO", "ES"], "Jairo Mendoza"),
}
START = datetime(2024, 5, 7, 9, 0, tzinfo=timezone.utc)


def mention_message(run: str, event_type: str, number: int) -> tuple[bytes, bytes]:
    countries, person = INCIDENTS[event_type]
    article_id = f"{run}-{event_type}-{number}"
    mention = IncidentMention(
        mention_id=f"{article_id}-m", article_id=article_id, type=event_type, countries=countries,
        location=countries[0], evidence=f"Report {number} of the {event_type}.", published_at=START + timedelta(hours=number),
        source=f"outlet-{number % 4}", title=f"Report {number}", language="en", persons=[person], topics=["terrorism"],
    )
    message = MentionsMessage(article_id=article_id, by_type=[ArticleMentions(article_id=article_id, type=event_type, mentions=[mention])])
    return routing_key(event_type), message.model_dump_json().encode("utf-8")


def send(producer, settings: Settings, messages) -> None:
    for key, value in messages:
        producer.send(settings.topic_mentions, key=key, value=value)
    producer.flush(timeout=30)


@pytest.fixture
def durability(settings: Settings, es, producer):
    """A pipeline of its own (group, topics, index), run by incidents-only workers that the test kills."""
    from streams.index import ensure_indices, index_name
    from streams.topics import ensure_topics

    run = f"dur{uuid.uuid4().hex[:8]}"
    own = settings.model_copy(update={
        "app_id": f"coopwatch-{run}", "topic_mentions": f"{run}.news.mentions", "topic_deadletter": f"{run}.news.deadletter",
        "incidents_alias": f"{run}-coop-incidents", "topic_partitions": 3,
    })
    ensure_topics(own)
    ensure_indices(es, own)
    workers: list[subprocess.Popen] = []

    def start(name: str) -> tuple[subprocess.Popen, Path]:
        state = REPO / ".local" / "state" / run / name
        log = REPO / ".local" / "logs" / f"{run}-{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        env = settings_env(own.model_copy(update={"state_dir": str(state)}))
        with log.open("a") as handle:
            process = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker", "--stages", "incidents", "--loglevel", "info"],
                                       cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)
        workers.append(process)
        return process, log

    yield run, own, start
    for process in workers:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    import shutil

    shutil.rmtree(REPO / ".local" / "state" / run, ignore_errors=True)
    es.indices.delete(index=index_name(own.incidents_alias, own.index_version), ignore_unavailable=True)
    es.options(ignore_status=404).indices.delete_index_template(name=own.incidents_alias)


def group_members(settings: Settings) -> int:
    from streams.clients import kafka_admin

    admin = kafka_admin(settings)
    try:
        group = admin.describe_groups([settings.app_id])[settings.app_id]
        return len(group["members"]) if group["group_state"] == "Stable" else 0
    finally:
        admin.close()


def test_the_stage_keeps_its_state_through_kill_9_and_a_rebalance(durability, es, producer) -> None:
    run, settings, start = durability

    def counts():
        found = incidents_in(es, settings)
        return {i["type"]: (i["article_count"], len(set(i["mention_ids"])), len(i["mention_ids"])) for i in found}, len(found)

    def seen():
        return [(i["type"], i["incident_id"], sorted(i["article_ids"])) for i in incidents_in(es, settings)]

    def reached(n: int):
        by_type, documents = counts()
        return documents == len(INCIDENTS) and all(by_type.get(t) == (n, n, n) for t in INCIDENTS)

    first, first_log = start("a")
    garbage = f"not mentions {run}".encode()
    send(producer, settings, [(b"meeting", garbage)] + [mention_message(run, t, n) for n in range(3) for t in INCIDENTS])
    wait_for(lambda: reached(3), timeout=120, what="3 reports per incident on the first worker", log=first_log, seen=seen)
    from streams.deadletters import read_dead_letters

    (letter,) = [letter for letter in read_dead_letters(settings) if letter.payload == garbage]
    assert (letter.stage, letter.error_kind, letter.topic) == ("incidents", "contract_violation", settings.topic_mentions)

    # A burst, then kill -9 while it is being consumed: some of it processed, little or none committed.
    send(producer, settings, [mention_message(run, t, n) for n in range(3, 9) for t in INCIDENTS])
    time.sleep(0.3)
    first.kill()
    first.wait(timeout=30)

    # A worker with an empty local store rebuilds the table from the changelog and goes on.
    second, second_log = start("b")
    wait_for(lambda: reached(9), timeout=180, what="9 reports per incident after kill -9", log=second_log, seen=seen)

    # The killed worker comes back on its stale local store: the group rebalances over two workers.
    start("a")
    wait_for(lambda: group_members(settings) == 2, timeout=120, what="two workers in the group", log=first_log)
    send(producer, settings, [mention_message(run, t, n) for n in range(9, 12) for t in INCIDENTS])
    send(producer, settings, [mention_message(run, t, n) for n in range(0, 3) for t in INCIDENTS])   # replayed
    wait_for(lambda: reached(12), timeout=180, what="12 reports per incident after the rebalance", log=second_log, seen=seen)
    time.sleep(5)   # the replayed reports have been processed by now; they must not count twice
    by_type, documents = counts()
    assert documents == 3 and by_type == {t: (12, 12, 12) for t in INCIDENTS}
    (meeting,) = incidents_in(es, settings, type="meeting")
    assert sorted(meeting["article_ids"]) == sorted(f"{run}-meeting-{n}" for n in range(12))
    assert meeting["source_count"] == 4
