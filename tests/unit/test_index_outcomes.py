"""Every Elasticsearch outcome has a class, on the error shapes elasticsearch-py 9 really produces.

The bulk item shapes are those Elasticsearch 9.5 answered (index and cluster
write blocks, strict mapping, a missing index the cluster may not create).
"""

import pytest
from elastic_transport import (ApiResponseMeta, ConnectionError, ConnectionTimeout, HttpHeaders, NodeConfig,
                               SerializationError, TlsError)
from elasticsearch import ApiError
from elasticsearch.exceptions import HTTP_EXCEPTIONS

from streams.index import IndexingHalted, Outcome, classify_exception, classify_item, latest_versions

from .test_index_actions import enriched

T, D, A = Outcome.TRANSIENT, Outcome.PERMANENT_DOCUMENT, Outcome.PERMANENT_ALL


def api_error(status: int, body) -> ApiError:
    """The exception elasticsearch-py raises for an error answer (as its base client builds it)."""
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.01,
                           node=NodeConfig("http", "127.0.0.1", 9200))
    message = body["error"]["type"] if isinstance(body, dict) and isinstance(body.get("error"), dict) else str(body)
    return HTTP_EXCEPTIONS.get(status, ApiError)(message=message, meta=meta, body=body)


def es_error(status: int, error_type: str, reason: str) -> dict:
    return {"error": {"root_cause": [{"type": error_type, "reason": reason}], "type": error_type, "reason": reason}, "status": status}


ITEMS = {
    "mapping refused": ("index", {"_index": "news-articles-v1", "_id": "1", "status": 400, "error": {
        "type": "document_parsing_exception", "reason": "[1:6] failed to parse field [a] of type [integer]",
        "caused_by": {"type": "number_format_exception", "reason": 'For input string: "x"'}}}, D),
    "strict mapping": ("index", {"_index": "news-articles-v1", "_id": "2", "status": 400, "error": {
        "type": "strict_dynamic_mapping_exception", "reason": "mapping set to strict, dynamic introduction of [b]"}}, D),
    "index write block": ("index", {"_index": "news-articles", "_id": "4", "status": 403, "error": {
        "type": "cluster_block_exception", "reason": "index [news-articles-v1] blocked by: [FORBIDDEN/8/index write (api)];"}}, T),
    "flood-stage block": ("index", {"_index": "news-articles", "_id": "4", "status": 429, "error": {
        "type": "cluster_block_exception",
        "reason": "index [news-articles-v1] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, "
                  "index has read-only-allow-delete block];"}}, T),
    "rejected execution": ("index", {"_index": "news-articles-v1", "_id": "5", "status": 429, "error": {
        "type": "es_rejected_execution_exception", "reason": "rejected execution of coordinating operation"}}, T),
    "shards unavailable": ("index", {"_index": "news-articles-v1", "_id": "6", "status": 503, "error": {
        "type": "unavailable_shards_exception", "reason": "primary shard is not active"}}, T),
    "missing index, creation forbidden": ("index", {"_index": "news-articles", "_id": "5", "status": 404, "error": {
        "type": "index_not_found_exception", "reason": "no such index [news-articles] and [action.auto_create_index] is [false]",
        "index_uuid": "_na_", "index": "news-articles"}}, A),
    "document too large": ("index", {"_index": "news-articles-v1", "_id": "7", "status": 413, "error": {
        "type": "illegal_argument_exception", "reason": "too large"}}, D),
}


@pytest.mark.parametrize("name", ITEMS)
def test_bulk_item_outcomes(name):
    operation, item, expected = ITEMS[name]
    assert classify_item(operation, item).outcome is expected


def test_acknowledged_items_and_deletes_of_missing_documents_are_no_fault():
    assert classify_item("index", {"_index": "x", "_id": "3", "result": "created", "status": 201}) is None
    assert classify_item("delete", {"_index": "x", "_id": "9", "result": "not_found", "status": 404}) is None


REQUESTS = {
    "credential rejected": (401, es_error(401, "security_exception", "unable to authenticate user [coopwatch]"), A),
    "api key expired": (401, es_error(401, "security_exception", "api key is expired"), A),
    "not allowed to write": (403, es_error(403, "security_exception", "action [indices:data/write/bulk] is unauthorized"), A),
    "cluster read-only": (403, es_error(403, "cluster_block_exception", "blocked by: [FORBIDDEN/6/cluster read-only (api)];"), T),
    "too many requests": (429, es_error(429, "circuit_breaking_exception", "[parent] Data too large"), T),
    "unavailable": (503, es_error(503, "master_not_discovered_exception", "no master"), T),
    "proxy says unavailable": (503, "<html><body>503 Service Unavailable</body></html>", T),
    "proxy says unauthorised": (401, "Unauthorized", A),
    "gateway timeout": (504, "", T),
    "request too large": (413, "", D),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_request_outcomes(name):
    status, body, expected = REQUESTS[name]
    fault = classify_exception(api_error(status, body))
    assert fault.outcome is expected and fault.status == status


def test_a_failed_bulk_request_reported_per_item_is_classified_by_its_answer():
    # streaming_bulk(raise_on_exception=False) turns a failed request into one failure per item
    blocked = api_error(403, es_error(403, "cluster_block_exception", "blocked by: [FORBIDDEN/6/cluster read-only (api)];"))
    item = {"error": str(blocked), "status": 403, "exception": blocked, "_index": "news-articles", "_id": "1"}
    assert classify_item("index", item).outcome is T
    rejected = api_error(401, es_error(401, "security_exception", "unable to authenticate"))
    assert classify_item("index", {"error": str(rejected), "status": 401, "exception": rejected}).outcome is A


def test_no_answer_is_transient_but_an_untrusted_certificate_or_an_unencodable_document_is_not():
    assert classify_exception(ConnectionError("Connection refused")).outcome is T
    assert classify_exception(ConnectionTimeout("timed out")).outcome is T
    assert classify_exception(TlsError("certificate verify failed")).outcome is A
    assert classify_exception(SerializationError("Unable to serialize to JSON")).outcome is A


def test_the_operator_error_names_the_cause():
    fault = classify_exception(api_error(401, es_error(401, "security_exception", "unable to authenticate user [coopwatch]")))
    message = str(IndexingHalted(fault, "https://es.example:9200"))
    assert "rejected the credentials" in message and "unable to authenticate user [coopwatch]" in message
    assert "nothing was acknowledged" in message


def test_the_latest_version_of_an_article_wins_within_a_batch():
    first, other, second = enriched(enricher_version="old"), enriched(article_id="zzz"), enriched(enricher_version="new", events=[])
    latest = latest_versions([first, other, second])
    assert [(a.article_id, a.enricher_version) for a in latest] == [("zzz", "test"), ("abc", "new")]
