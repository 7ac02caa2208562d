"""Search the indexed articles the way analysts do in Kibana: Lucene syntax plus facet filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, get_args

from schemas.articles import WarningCode
from schemas.dates import parse_publication_date

# Fields a bare word searches: French-analysed text (accents, elisions and
# plurals ignored), its English twin, and the entity names.
DEFAULT_FIELDS = ["title^3", "title.en^2", "body", "body.en", "persons.text^2", "organizations.text^2", "organization_names.text"]
HIGHLIGHT_PRE, HIGHLIGHT_POST = "**", "**"
WARNING_CODES = get_args(WarningCode)
# A date known to the month is shown as a month, not as midnight on the first.
_DATE_FORMATS = {"year": "%Y", "month": "%Y-%m", "week": "%Y-%m-%d (week)", "day": "%Y-%m-%d", "hour": "%Y-%m-%d %H:00 UTC"}


@dataclass(frozen=True)
class SearchFilters:
    person: str | None = None
    organization: str | None = None
    country: str | None = None
    topic: str | None = None
    event_type: str | None = None
    since: str | None = None
    until: str | None = None
    warning: str | None = None
    has_warnings: bool = False


def _date(text: str) -> str:
    return parse_publication_date(text).isoformat()


def person_clause(name: str) -> dict[str, Any]:
    return {"bool": {"should": [{"term": {"persons": name}}, {"match_phrase": {"persons.text": name}}], "minimum_should_match": 1}}


def organization_clause(name: str) -> dict[str, Any]:
    return {"bool": {"should": [{"term": {"organizations": name}},
                                {"match_phrase": {"organization_names.text": name}}], "minimum_should_match": 1}}


def facet_clauses(
    *,
    persons: Iterable[str] = (),
    organizations: Iterable[str] = (),
    countries: Iterable[str] = (),
    topics: Iterable[str] = (),
    event_types: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Exact facet filters, every one of which must hold; shared by searches and watch lists."""
    clauses = [person_clause(name) for name in persons]
    clauses += [organization_clause(name) for name in organizations]
    clauses += [{"term": {"countries": code.upper()}} for code in countries]
    clauses += [{"term": {"topics": topic}} for topic in topics]
    clauses += [{"term": {"event_types": event_type}} for event_type in event_types]
    return clauses


def text_query(query: str) -> dict[str, Any]:
    """The analyst's Lucene query over the default fields; a blank query or ``*`` matches everything."""
    text = query.strip()
    if text and text != "*":
        return {"query_string": {"query": text, "fields": DEFAULT_FIELDS, "default_operator": "AND", "analyze_wildcard": True}}
    return {"match_all": {}}


def highlight_request() -> dict[str, Any]:
    """Whole title and up to two body fragments, matching words between ``**``."""
    return {
        "pre_tags": [HIGHLIGHT_PRE],
        "post_tags": [HIGHLIGHT_POST],
        "fields": {"title": {"number_of_fragments": 0}, "body": {"fragment_size": 160, "number_of_fragments": 2}},
        "require_field_match": False,
    }


def build_search(query: str, filters: SearchFilters, *, limit: int) -> dict[str, Any]:
    """The search request body; pure so that its shape is tested without a cluster."""
    clauses = facet_clauses(
        persons=[filters.person] if filters.person else (),
        organizations=[filters.organization] if filters.organization else (),
        countries=[filters.country] if filters.country else (),
        topics=[filters.topic] if filters.topic else (),
        event_types=[filters.event_type] if filters.event_type else (),
    )
    if filters.warning:
        if filters.warning not in WARNING_CODES:
            raise ValueError(f"unknown warning {filters.warning!r}; the codes are {', '.join(WARNING_CODES)}")
        clauses.append({"term": {"warnings": filters.warning}})
    if filters.has_warnings:
        clauses.append({"exists": {"field": "warnings"}})
    if filters.since or filters.until:
        bounds: dict[str, str] = {}
        if filters.since:
            bounds["gte"] = _date(filters.since)
        if filters.until:
            bounds["lte"] = _date(filters.until)
        clauses.append({"range": {"@timestamp": bounds}})

    must = text_query(query)
    sort: list[Any] = [{"@timestamp": "desc"}] if "match_all" in must else ["_score", {"@timestamp": "desc"}]
    return {
        "query": {"bool": {"must": [must], "filter": clauses}},
        "sort": sort,
        "size": limit,
        "track_total_hits": True,
        "_source": {"excludes": ["body", "tags"]},
        "highlight": highlight_request(),
    }


def format_hit(rank: int, hit: dict[str, Any]) -> str:
    doc = hit["_source"]
    highlight = hit.get("highlight", {})
    title = highlight.get("title", [doc.get("title", "")])[0] or "(no title)"
    when = datetime.fromisoformat(doc["@timestamp"]).strftime(_DATE_FORMATS.get(doc.get("published_at_precision"), "%Y-%m-%d %H:%M UTC"))
    events = ", ".join(
        f"{e['type']} {e['country_pair']}" + (f" in {e['location']}" if e.get("location") else "") for e in doc.get("events", [])
    )
    lines = [
        f"{rank}. {title}",
        f"   {when} | {doc.get('source') or 'unknown source'} | {doc.get('language')} | {doc.get('url') or doc['article_id']}",
        f"   persons: {', '.join(doc.get('persons', [])) or '-'}",
        f"   organizations: {', '.join(doc.get('organizations', [])) or '-'}",
        f"   countries: {', '.join(doc.get('countries', [])) or '-'} | topics: {', '.join(doc.get('topics', [])) or '-'}",
        f"   events: {events or '-'}",
    ]
    if doc.get("warnings"):
        lines.append(f"   warnings: {', '.join(doc['warnings'])}"
                     + (f" (feed's date: {doc['published_at_raw']})" if doc.get("published_at_raw") and doc.get("published_at_source") == "received" else ""))
    for fragment in highlight.get("body", []):
        lines.append(f"   … {' '.join(fragment.split())} …")
    return "\n".join(lines)


def format_listing(response: dict[str, Any], noun: str, format_one: Callable[[int, dict[str, Any]], str]) -> str:
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]["value"]
    if not hits:
        return f"No {noun} matches."
    header = f"{total} {noun}{'s' if total != 1 else ''} match; showing {len(hits)}."
    return "\n\n".join([header] + [format_one(rank, hit) for rank, hit in enumerate(hits, start=1)])


def format_results(response: dict[str, Any]) -> str:
    return format_listing(response, "article", format_hit)


# ---------------------------------------------------------------- incidents
@dataclass(frozen=True)
class IncidentFilters:
    country: str | None = None
    event_type: str | None = None
    since: str | None = None
    min_sources: int | None = None


def build_incident_search(filters: IncidentFilters, *, limit: int) -> dict[str, Any]:
    """The coop-incidents request body: newest first; ``since`` keeps incidents still reported on or after it."""
    clauses: list[dict[str, Any]] = []
    if filters.country:
        clauses.append({"term": {"countries": filters.country.upper()}})
    if filters.event_type:
        clauses.append({"term": {"type": filters.event_type}})
    if filters.since:
        clauses.append({"range": {"last_reported_at": {"gte": _date(filters.since)}}})
    if filters.min_sources:
        clauses.append({"range": {"source_count": {"gte": filters.min_sources}}})
    return {
        "query": {"bool": {"filter": clauses}},
        "sort": [{"@timestamp": "desc"}, {"incident_id": "asc"}],
        "size": limit,
        "track_total_hits": True,
        "_source": {"excludes": ["mention_ids", "article_ids"]},
    }


def _when(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")


def format_incident(rank: int, doc: dict[str, Any]) -> str:
    place = f" in {doc['location']}" if doc.get("location") else ""
    articles, sources = doc["article_count"], doc["source_count"]
    lines = [
        f"{rank}. {doc['type']} {', '.join(doc['country_pairs'])}{place}: "
        f"{articles} article{'s' if articles != 1 else ''} from {sources} source{'s' if sources != 1 else ''}",
        f"   reported {_when(doc['first_reported_at'])} to {_when(doc['last_reported_at'])} UTC | "
        f"languages: {', '.join(doc.get('languages', [])) or '-'} | id {doc['incident_id']}",
        f"   persons: {', '.join(doc.get('persons', [])) or '-'}",
        f"   organizations: {', '.join(doc.get('organizations', [])) or '-'}",
        f"   sources: {', '.join(doc.get('sources', []))}",
    ]
    lines += [f"   - {title}" for title in doc.get("titles", [])]
    lines += [f"   « {' '.join(sentence.split())} »" for sentence in doc.get("evidence", [])]
    return "\n".join(lines)


def format_incidents(response: dict[str, Any]) -> str:
    return format_listing(response, "incident", lambda rank, hit: format_incident(rank, hit["_source"]))
