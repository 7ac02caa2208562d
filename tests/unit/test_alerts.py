"""Alert records, status and printing: the pure parts."""

from datetime import datetime, timezone

from schemas.alerts import Alert, Watch, alert_id_for
from streams.alerts import (
    AlertStatus,
    alert_document,
    alert_from_document,
    claim_operations,
    claim_outcome,
    format_alert,
    format_alert_status,
    sent_operations,
    watch_statuses,
)
from streams.webhooks import OffsetBook, webhook_request
from kafka import TopicPartition


def make_alert(watch: str = "w", article_id: str = "a1", **fields) -> Alert:
    base = dict(alert_id=alert_id_for(watch, article_id), watch=watch, article_id=article_id, title="Police met",
                url="https://example.org/a", source="s", published_at=datetime(2024, 3, 5, 8, 30, tzinfo=timezone.utc),
                highlights=["**Police** met"], matched_at=datetime(2024, 3, 5, 9, 0, 1, tzinfo=timezone.utc))
    return Alert(**{**base, **fields})


def test_claims_are_creates_under_the_alert_id():
    alert = make_alert()
    operations = claim_operations([alert], "watch-alerts")
    assert operations[0] == {"create": {"_index": "watch-alerts", "_id": alert.alert_id}}
    assert operations[1]["state"] == "claimed" and operations[1]["@timestamp"] == "2024-03-05T09:00:01+00:00"
    assert alert_from_document(operations[1]) == alert


def test_claim_outcome_tells_new_from_already_claimed_from_failed():
    response = {"items": [
        {"create": {"_id": "n", "status": 201}},
        {"create": {"_id": "o", "status": 409, "error": {"type": "version_conflict_engine_exception"}}},
        {"create": {"_id": "f", "status": 429, "error": {"reason": "rejected execution"}}},
    ]}
    outcome = claim_outcome(response)
    assert outcome.created == ["n"] and outcome.already_claimed == ["o"] and outcome.failed == [("f", 429, "rejected execution")]


def test_published_claims_are_marked_sent():
    alert = make_alert()
    when = datetime(2024, 3, 5, 9, 0, 2, tzinfo=timezone.utc)
    assert sent_operations([alert], "idx", sent_at=when) == [
        {"update": {"_index": "idx", "_id": alert.alert_id}}, {"doc": {"state": "sent", "sent_at": when.isoformat()}}]
    assert alert_document(alert)["state"] == "claimed"


def test_an_alert_prints_watch_title_date_source_link_and_highlights():
    text = format_alert(make_alert())
    assert text.splitlines()[0] == "[w] Police met"
    assert "2024-03-05 08:30 UTC | s | https://example.org/a" in text and "… **Police** met …" in text
    assert "after the article arrived" not in text   # raised before arrival times were recorded: nothing made up


def test_an_alert_says_how_long_after_the_article_arrived_it_was_raised():
    text = format_alert(make_alert(received_at=datetime(2024, 3, 5, 8, 59, 59, 600000, tzinfo=timezone.utc)))
    assert "alerted 2024-03-05 09:00:01 UTC, 1.4 s after the article arrived" in text


def status_response(*buckets):
    return {"aggregations": {"watches": {"buckets": list(buckets)}}}


def bucket(name, alerts, delivered=0, waiting=0, failing=None):
    return {"key": name, "doc_count": alerts, "last_alert": {"value_as_string": "2024-03-05T09:00:01.000Z"},
            "delivered": {"doc_count": delivered}, "waiting": {"doc_count": waiting},
            "failing": {"doc_count": 1 if failing else 0, "last": {"hits": {"hits": [{"_source": {"delivery": failing}}] if failing else []}}}}


def test_status_names_a_failing_webhook_with_its_error_and_tries():
    watches = {"hook": Watch(name="hook", query="x", webhook="http://127.0.0.1:1/h"), "quiet": Watch(name="quiet", query="y")}
    failing = {"state": "retrying", "attempts": 7, "last_error": "HTTP 500", "last_attempt_at": "2024-03-05T09:05:00+00:00"}
    statuses = watch_statuses(watches, status_response(bucket("hook", 3, delivered=1, waiting=2, failing=failing), bucket("gone", 1)))
    assert [s.watch for s in statuses] == ["gone", "hook", "quiet"]
    lines = format_alert_status(AlertStatus(watches=statuses, behind=2, group="coopwatch-webhooks"))
    assert lines[1] == ("watch hook: 3 alerts, last 2024-03-05 09:00 UTC; webhook http://127.0.0.1:1/h: 1 delivered, 2 waiting, "
                        "FAILING: HTTP 500 (7 tries, last at 09:05:00 UTC)")
    assert lines[2] == "watch quiet: 0 alerts"
    assert lines[3] == ("webhook delivery (consumer group coopwatch-webhooks): 2 alerts not yet past: held by a failing webhook, "
                        "or `coopwatch deliver` is not running")
    assert format_alert_status(AlertStatus(watches=statuses, behind=0, group="g"))[3] == "webhook delivery (consumer group g): up to date"


def test_status_without_webhooks_says_nothing_of_delivery():
    statuses = watch_statuses({"quiet": Watch(name="quiet", query="y")}, status_response())
    assert format_alert_status(AlertStatus(watches=statuses, behind=5)) == ["watch quiet: 0 alerts"]
    assert format_alert_status(AlertStatus(watches=[])) == ["no watch and no alert yet"]


def test_webhooks_receive_the_alert_as_json_with_its_id_in_a_header():
    alert = make_alert()
    request = webhook_request(alert)
    assert request["json"]["alert_id"] == alert.alert_id and request["json"]["title"] == "Police met"
    assert request["json"]["published_at"] == "2024-03-05T08:30:00Z"
    assert request["headers"]["X-Coopwatch-Alert-Id"] == alert.alert_id


def test_delivery_commits_only_up_to_the_oldest_alert_not_delivered():
    book, tp = OffsetBook(), TopicPartition("news.alerts", 0)
    for offset in (10, 11, 12):
        book.taken(tp, offset)
    book.finished(tp, 11)
    book.finished(tp, 12)
    assert book.to_commit() == {tp: 10} and book.waiting == 1  # 10 waits for its webhook: a restart resumes there
    book.committed[tp] = 10
    assert book.to_commit() == {}
    book.finished(tp, 10)
    assert book.to_commit() == {tp: 13} and book.waiting == 0
    book.forget({tp})
    assert book.to_commit() == {}
