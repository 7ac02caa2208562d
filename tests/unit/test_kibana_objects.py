"""The Kibana saved objects in deploy/kibana/ against the index templates in schemas/.

Every field a saved object uses (data view time field, saved search columns,
sort and queries, filter keys, Lens source fields) must exist in the mappings
of the index template behind the data view, with a type that can do what the
object asks of it (aggregate, sort, search, be a time field), and every
reference must point to an object shipped in the same file. The checker is a
set of pure functions so the drift tests below can feed it modified copies and
prove that it notices.
"""

from __future__ import annotations

import copy
import fnmatch
import http.server
import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO / "schemas" / "index_templates"
KIBANA_DIR = REPO / "deploy" / "kibana"
NDJSON = KIBANA_DIR / "saved-objects.ndjson"
IMPORT_SH = KIBANA_DIR / "import.sh"

# Field types Elasticsearch can aggregate and sort on (doc values); text cannot.
AGGREGATABLE_TYPES = {
    "keyword", "constant_keyword", "wildcard", "version", "boolean", "ip",
    "date", "date_nanos",
    "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long",
}
NUMERIC_TYPES = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
DATE_TYPES = {"date", "date_nanos"}
META_FIELDS = {"_id", "_index", "_score", "_source", "_type"}
# Lens operations and what they need from their source field.
LENS_DATE_OPERATIONS = {"date_histogram"}
LENS_NUMERIC_OPERATIONS = {"sum", "average", "median", "min", "max", "percentile", "percentile_rank",
                           "standard_deviation", "range"}
LENS_RECORDS_FIELD = "___records___"


# --------------------------------------------------------------------------- loading

def parse_ndjson(text: str) -> list[dict]:
    """Saved objects of an export file; the trailing export summary line (if any) is skipped."""
    objects = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        if "exportedCount" in obj and "type" not in obj:
            continue
        if not isinstance(obj, dict) or not {"id", "type", "attributes"} <= obj.keys():
            raise ValueError(f"line {number}: not a saved object (needs id, type, attributes)")
        objects.append(obj)
    return objects


def load_templates(directory: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))}


def template_properties(name: str, templates: dict[str, dict]) -> dict:
    """Mapping properties of an index template, merged with those of its component templates."""
    template = templates[name]
    properties: dict = {}
    for component in template.get("composed_of", []):
        if component in templates:
            properties.update(templates[component].get("template", {}).get("mappings", {}).get("properties", {}))
    properties.update(template.get("template", {}).get("mappings", {}).get("properties", {}))
    return properties


def templates_for_title(title: str, templates: dict[str, dict]) -> list[str]:
    """Index templates that apply to what a data view title names.

    A title is an index name, an alias over the versioned indices `<alias>-v<N>`
    (how coopwatch names them), or a wildcard pattern.
    """
    matches = []
    for name, template in templates.items():
        for pattern in template.get("index_patterns", []):
            if "*" in title:
                hit = fnmatch.fnmatchcase(pattern.replace("*", "x"), title) or fnmatch.fnmatchcase(
                    title.replace("*", "x"), pattern)
            else:
                hit = fnmatch.fnmatchcase(title, pattern) or fnmatch.fnmatchcase(f"{title}-v1", pattern)
            if hit:
                matches.append(name)
                break
    return matches


def resolve_field(properties: dict, path: str) -> dict | None:
    """The mapping of a (possibly dotted) field: object sub-properties and multi-fields (`title.raw`)."""
    if path in properties:
        return properties[path]
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head, rest = ".".join(parts[:cut]), ".".join(parts[cut:])
        node = properties.get(head)
        if node is None:
            continue
        if "properties" in node:
            found = resolve_field(node["properties"], rest)
            if found is not None:
                return found
        if rest in node.get("fields", {}):
            return node["fields"][rest]
    return None


def is_leaf(node: dict) -> bool:
    return "type" in node and node["type"] not in {"object", "nested"}


def is_searchable(node: dict) -> bool:
    return is_leaf(node) and node.get("index", True) is not False and node.get("enabled", True) is not False


def is_aggregatable(node: dict) -> bool:
    return is_leaf(node) and node["type"] in AGGREGATABLE_TYPES and node.get("doc_values", True) is not False


# --------------------------------------------------------------------------- queries

_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"')
_FIELD_BEFORE_OPERATOR = re.compile(r"(?<![\w.@*\\-])([A-Za-z_@][\w.@-]*)\s*(?::|<=|>=|<|>)")
_EXISTS = re.compile(r"_exists_\s*:\s*([A-Za-z_@][\w.@-]*)")


def query_fields(query: str) -> set[str]:
    """Field names a KQL or Lucene query string names (`field : value`, `field:[a TO b]`, `field >= x`)."""
    if not query:
        return set()
    without_phrases = _QUOTED.sub('""', query)
    fields = {m.group(1) for m in _FIELD_BEFORE_OPERATOR.finditer(without_phrases)}
    fields |= {m.group(1) for m in _EXISTS.finditer(without_phrases)}
    fields.discard("_exists_")
    return {f for f in fields if f.lower() not in {"and", "or", "not", "to"}}


def filter_fields(flt: dict) -> set[str]:
    """Fields a Kibana filter pill uses: meta.key and the fields of its ES query."""
    fields = set()
    meta = flt.get("meta", {})
    if meta.get("key"):
        fields.add(meta["key"])
    query = flt.get("query", {})
    for clause in ("match_phrase", "match", "term", "terms", "range", "prefix", "wildcard"):
        if isinstance(query.get(clause), dict):
            fields |= {k for k in query[clause] if k != "boost"}
    if isinstance(query.get("exists"), dict) and "field" in query["exists"]:
        fields.add(query["exists"]["field"])
    return fields


# --------------------------------------------------------------------------- collection

@dataclass(frozen=True)
class FieldUse:
    obj: str          # "type/id" of the saved object
    data_view: str    # id of the data view whose index the field must be in
    field: str
    need: str         # "time", "aggregate", "date", "numeric", "sort", "search", "column"
    where: str        # human-readable location


def _refs_by_name(obj: dict) -> dict[str, dict]:
    return {ref["name"]: ref for ref in obj.get("references", [])}


def _filter_data_view(flt: dict, obj: dict, default: str | None) -> str | None:
    meta = flt.get("meta", {})
    if meta.get("indexRefName"):
        ref = _refs_by_name(obj).get(meta["indexRefName"])
        return ref["id"] if ref else None
    return meta.get("index") or default


def collect_field_uses(objects: list[dict]) -> tuple[list[FieldUse], list[str]]:
    """Every field use in the saved objects, plus problems met while finding them."""
    uses: list[FieldUse] = []
    problems: list[str] = []
    for obj in objects:
        key = f"{obj['type']}/{obj['id']}"
        attrs = obj["attributes"]
        refs = _refs_by_name(obj)
        if obj["type"] == "index-pattern":
            time_field = attrs.get("timeFieldName")
            if not time_field:
                problems.append(f"{key}: data view has no timeFieldName")
            else:
                uses.append(FieldUse(key, obj["id"], time_field, "time", "timeFieldName"))
        elif obj["type"] == "search":
            source = json.loads(attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON") or "{}")
            ref_name = source.get("indexRefName")
            ref = refs.get(ref_name) if ref_name else None
            data_view = ref["id"] if ref else source.get("index")
            if not data_view:
                problems.append(f"{key}: searchSourceJSON names no data view (indexRefName {ref_name!r} unresolved)")
                continue
            for column in attrs.get("columns", []):
                uses.append(FieldUse(key, data_view, column, "column", "columns"))
            for sort in attrs.get("sort", []):
                field = sort[0] if isinstance(sort, list) else sort
                uses.append(FieldUse(key, data_view, field, "sort", "sort"))
            for field in query_fields(source.get("query", {}).get("query", "")):
                uses.append(FieldUse(key, data_view, field, "search", "query"))
            for i, flt in enumerate(source.get("filter", [])):
                fdv = _filter_data_view(flt, obj, data_view)
                if fdv is None:
                    problems.append(f"{key}: filter[{i}] points to no data view")
                    continue
                for field in filter_fields(flt):
                    uses.append(FieldUse(key, fdv, field, "search", f"filter[{i}]"))
        elif obj["type"] == "lens":
            state = attrs.get("state", {})
            layers = state.get("datasourceStates", {}).get("formBased", {}).get("layers", {})
            if not layers:
                problems.append(f"{key}: Lens visualization has no formBased layer")
            layer_views = {}
            for layer_id, layer in layers.items():
                ref = refs.get(f"indexpattern-datasource-layer-{layer_id}")
                if ref is None:
                    problems.append(f"{key}: layer {layer_id} has no indexpattern-datasource-layer reference")
                    continue
                layer_views[layer_id] = ref["id"]
                for column_id, column in layer.get("columns", {}).items():
                    field = column.get("sourceField")
                    operation = column.get("operationType", "")
                    where = f"layer {layer_id} column {column_id} ({operation})"
                    if field and field != LENS_RECORDS_FIELD:
                        need = ("date" if operation in LENS_DATE_OPERATIONS
                                else "numeric" if operation in LENS_NUMERIC_OPERATIONS else "aggregate")
                        uses.append(FieldUse(key, ref["id"], field, need, where))
                    column_filter = column.get("filter") or {}
                    for qf in query_fields(column_filter.get("query", "")):
                        uses.append(FieldUse(key, ref["id"], qf, "search", where + " filter"))
            for view in set(layer_views.values()):
                for field in query_fields(state.get("query", {}).get("query", "")):
                    uses.append(FieldUse(key, view, field, "search", "state.query"))
            for i, flt in enumerate(state.get("filters", [])):
                fdv = _filter_data_view(flt, obj, next(iter(layer_views.values()), None))
                if fdv is None:
                    problems.append(f"{key}: state.filters[{i}] points to no data view")
                    continue
                for field in filter_fields(flt):
                    uses.append(FieldUse(key, fdv, field, "search", f"state.filters[{i}]"))
        elif obj["type"] == "dashboard":
            source = json.loads(attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON") or "{}")
            for i, flt in enumerate(source.get("filter", [])):
                fdv = _filter_data_view(flt, obj, None)
                if fdv is None:
                    problems.append(f"{key}: dashboard filter[{i}] points to no data view")
                    continue
                for field in filter_fields(flt):
                    uses.append(FieldUse(key, fdv, field, "search", f"filter[{i}]"))
    return uses, problems


# --------------------------------------------------------------------------- checks

def check_references(objects: list[dict]) -> list[str]:
    """Ids unique; every reference names a shipped object of its type; dashboards' panels resolve."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for obj in objects:
        ident = (obj["type"], obj["id"])
        if ident in seen:
            problems.append(f"{obj['type']}/{obj['id']}: id appears twice")
        seen.add(ident)
    for obj in objects:
        key = f"{obj['type']}/{obj['id']}"
        for ref in obj.get("references", []):
            if (ref.get("type"), ref.get("id")) not in seen:
                problems.append(f"{key}: reference {ref.get('name')!r} -> {ref.get('type')}/{ref.get('id')} "
                                "is not in the file")
        if obj["type"] == "search":
            source = json.loads(obj["attributes"].get("kibanaSavedObjectMeta", {}).get("searchSourceJSON") or "{}")
            names = [source.get("indexRefName")] + [f.get("meta", {}).get("indexRefName")
                                                   for f in source.get("filter", [])]
            for name in filter(None, names):
                if name not in _refs_by_name(obj):
                    problems.append(f"{key}: searchSourceJSON uses {name!r} but no reference has that name")
        if obj["type"] == "dashboard":
            panels = json.loads(obj["attributes"].get("panelsJSON") or "[]")
            refs = _refs_by_name(obj)
            indexes = [p.get("panelIndex") for p in panels]
            if len(indexes) != len(set(indexes)):
                problems.append(f"{key}: duplicate panelIndex")
            for panel in panels:
                if "panelRefName" in panel:
                    name = f"{panel['panelIndex']}:{panel['panelRefName']}"
                    ref = refs.get(name)
                    if ref is None:
                        problems.append(f"{key}: panel {panel['panelIndex']} has no reference {name!r}")
                    elif ref["type"] != panel["type"]:
                        problems.append(f"{key}: panel {panel['panelIndex']} is a {panel['type']} "
                                        f"but its reference is a {ref['type']}")
                elif "attributes" not in panel.get("embeddableConfig", {}):
                    problems.append(f"{key}: panel {panel.get('panelIndex')} is neither by reference nor by value")
    return problems


def check_field_uses(uses: list[FieldUse], objects: list[dict], templates: dict[str, dict]) -> list[str]:
    problems = []
    views = {o["id"]: o for o in objects if o["type"] == "index-pattern"}
    for use in uses:
        prefix = f"{use.obj} {use.where}: field {use.field!r}"
        view = views.get(use.data_view)
        if view is None:
            problems.append(f"{prefix}: data view {use.data_view!r} is not in the file")
            continue
        title = view["attributes"].get("title", "")
        names = templates_for_title(title, templates)
        if len(names) != 1:
            problems.append(f"{prefix}: data view title {title!r} matches {len(names)} index templates ({names})")
            continue
        if use.field in META_FIELDS and use.need in {"column", "search", "sort"}:
            continue
        node = resolve_field(template_properties(names[0], templates), use.field)
        context = f"{prefix} (index template {names[0]!r}, data view {title!r})"
        if node is None:
            problems.append(f"{context}: not in the mappings")
            continue
        kind = node.get("type", "object")
        if use.need == "time" and kind not in DATE_TYPES:
            problems.append(f"{context}: time field must be a date, is {kind}")
        elif use.need == "date" and kind not in DATE_TYPES:
            problems.append(f"{context}: date_histogram needs a date, is {kind}")
        elif use.need == "numeric" and (kind not in NUMERIC_TYPES or not is_aggregatable(node)):
            problems.append(f"{context}: numeric aggregation needs a numeric field, is {kind}")
        elif use.need in {"aggregate", "sort", "time", "date"} and not is_aggregatable(node):
            problems.append(f"{context}: {use.need} needs an aggregatable field "
                            f"(keyword, date, numeric, boolean, ip), is {kind}")
        elif use.need == "search" and not is_searchable(node):
            problems.append(f"{context}: not searchable ({kind})")
        elif use.need == "column" and not is_leaf(node):
            problems.append(f"{context}: an object, not a field")
    return problems


def check_saved_objects(objects: list[dict], templates: dict[str, dict]) -> list[str]:
    uses, problems = collect_field_uses(objects)
    return problems + check_references(objects) + check_field_uses(uses, objects, templates)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def templates() -> dict[str, dict]:
    found = load_templates(TEMPLATES_DIR)
    assert {"news-articles", "coop-events", "coop-incidents"} <= found.keys()
    return found


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return parse_ndjson(NDJSON.read_text(encoding="utf-8"))


def by_id(objects: list[dict], ident: str) -> dict:
    return next(o for o in objects if o["id"] == ident)


def lens_columns(obj: dict) -> list[dict]:
    layers = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
    return [c for layer in layers.values() for c in layer["columns"].values()]


# --------------------------------------------------------------------------- the shipped file

def test_ndjson_is_one_saved_object_per_line():
    lines = NDJSON.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.strip() for line in lines)
    for line in lines:
        obj = json.loads(line)
        assert {"id", "type", "attributes", "references"} <= obj.keys()
        assert obj["id"].startswith("coopwatch-"), obj["id"]
        assert obj.get("coreMigrationVersion") and obj.get("typeMigrationVersion"), obj["id"]


def test_the_saved_objects_match_the_index_templates(objects, templates):
    assert check_saved_objects(objects, templates) == []


def test_the_checker_actually_sees_the_fields(objects):
    uses, problems = collect_field_uses(objects)
    assert problems == []
    seen = {(u.data_view, u.field, u.need) for u in uses}
    articles, events = "coopwatch-news-articles", "coopwatch-coop-events"
    assert {
        (articles, "@timestamp", "time"), (events, "@timestamp", "time"),
        (events, "@timestamp", "date"), (events, "type", "aggregate"), (events, "country_pair", "aggregate"),
        (articles, "organizations", "aggregate"), (articles, "persons", "aggregate"),
        (articles, "countries", "search"), (articles, "topics", "search"), (events, "country_pair", "search"),
        (articles, "@timestamp", "sort"), (events, "evidence", "column"),
        (articles, "warnings", "search"), (articles, "warnings", "column"), (articles, "published_at_raw", "column"),
    } <= seen
    incidents = "coopwatch-coop-incidents"
    assert {
        (incidents, "@timestamp", "time"), (incidents, "@timestamp", "date"), (incidents, "type", "aggregate"),
        (incidents, "country_pairs", "aggregate"), (incidents, "@timestamp", "sort"),
        (incidents, "source_count", "column"), (incidents, "article_count", "column"), (incidents, "evidence", "column"),
    } <= seen


def test_the_expected_objects_are_shipped(objects):
    titles = {(o["type"], o["attributes"]["title"]): o for o in objects}
    for data_view, title in [("coopwatch-news-articles", "news-articles"), ("coopwatch-coop-events", "coop-events")]:
        view = by_id(objects, data_view)
        assert view["type"] == "index-pattern"
        assert view["attributes"]["title"] == title
        assert view["attributes"]["timeFieldName"] == "@timestamp"

    maroc = json.loads(titles[("search", "Coopération sécuritaire — Maroc")]
                       ["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    assert "coopération sécuritaire" in maroc["query"]["query"]
    assert [f["meta"]["key"] for f in maroc["filter"]] == ["countries"]
    assert maroc["filter"][0]["meta"]["params"]["query"] == "MA"
    terrorism = json.loads(titles[("search", "Terrorism")]["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    assert query_fields(terrorism["query"]["query"]) == {"topics"} and "terrorism" in terrorism["query"]["query"]
    warned = titles[("search", "Articles with warnings")]
    assert warned["references"][0]["id"] == "coopwatch-news-articles"
    warned_query = json.loads(warned["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"]
    assert query_fields(warned_query) == {"warnings"}
    assert {"warnings", "published_at_raw", "published_at_source"} <= set(warned["attributes"]["columns"])
    fr_ma = titles[("search", "Events FR–MA")]
    assert fr_ma["references"][0]["id"] == "coopwatch-coop-events"
    assert '"FR-MA"' in json.loads(fr_ma["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"]

    dashboard = titles[("dashboard", "Cooperation events")]
    panel_targets = {ref["id"]: ref["type"] for ref in dashboard["references"]}
    fields_by_panel = {}
    for ident, kind in panel_targets.items():
        target = by_id(objects, ident)
        assert target["type"] == kind
        if kind == "lens":
            fields_by_panel[ident] = {(c["operationType"], c.get("sourceField")) for c in lens_columns(target)}
    charted = set().union(*fields_by_panel.values())
    assert {("date_histogram", "@timestamp"), ("terms", "type"), ("terms", "country_pair"),
            ("terms", "organizations"), ("terms", "persons")} <= charted
    assert "search" in panel_targets.values()
    incidents_view = by_id(objects, "coopwatch-coop-incidents")
    assert incidents_view["attributes"]["title"] == "coop-incidents"
    assert incidents_view["attributes"]["timeFieldName"] == "@timestamp"
    incidents_dashboard = titles[("dashboard", "Cooperation incidents")]
    panels = {ref["id"]: ref["type"] for ref in incidents_dashboard["references"]}
    assert panels == {"coopwatch-lens-incidents-over-time": "lens", "coopwatch-lens-incident-country-pairs": "lens",
                      "coopwatch-search-incidents": "search"}
    over_time = by_id(objects, "coopwatch-lens-incidents-over-time")
    assert over_time["attributes"]["title"] == "Incidents over time, by type"
    assert {("date_histogram", "@timestamp"), ("terms", "type")} <= {(c["operationType"], c.get("sourceField")) for c in lens_columns(over_time)}
    pairs = by_id(objects, "coopwatch-lens-incident-country-pairs")
    assert pairs["attributes"]["title"] == "Country pairs by number of incidents"
    assert ("terms", "country_pairs") in {(c["operationType"], c.get("sourceField")) for c in lens_columns(pairs)}
    assert all(ref["id"] == "coopwatch-coop-incidents" for o in (over_time, pairs) for ref in o["references"])
    assert titles[("search", "Cooperation incidents")]["references"][0]["id"] == "coopwatch-coop-incidents"
    alerts_view = by_id(objects, "coopwatch-watch-alerts")
    assert alerts_view["attributes"]["title"] == "watch-alerts" and alerts_view["attributes"]["timeFieldName"] == "@timestamp"
    alerts_search = titles[("search", "Watch alerts")]
    assert alerts_search["references"][0]["id"] == "coopwatch-watch-alerts"
    assert {"watch", "title", "delivery.state", "delivery.last_error"} <= set(alerts_search["attributes"]["columns"])

    events_over_time = by_id(objects, "coopwatch-lens-events-over-time")
    assert events_over_time["references"][0]["id"] == "coopwatch-coop-events"
    layer = events_over_time["attributes"]["state"]["visualization"]["layers"][0]
    assert layer["splitAccessor"] and layer["xAccessor"] and layer["accessors"]


# --------------------------------------------------------------------------- unit tests of the checker

def test_query_fields():
    assert query_fields('"coopération sécuritaire" or "security cooperation"') == set()
    assert query_fields('countries : "MA" and not topics:terrorism') == {"countries", "topics"}
    assert query_fields('country_pair : "FR-MA"') == {"country_pair"}
    assert query_fields('title:"a: b" AND @timestamp:[now-7d TO now] OR events.type : visit') == {
        "title", "@timestamp", "events.type"}
    assert query_fields("indexed_at >= now-1d and _exists_:location") == {"indexed_at", "location"}
    assert query_fields("Hammouchi Lerner") == set()


def test_resolve_field_dotted_paths(templates):
    articles = template_properties("news-articles", templates)
    assert resolve_field(articles, "title.raw")["type"] == "keyword"
    assert resolve_field(articles, "events.type")["type"] == "keyword"
    assert resolve_field(articles, "persons.text")["type"] == "text"
    assert resolve_field(articles, "title.nope") is None
    assert not is_aggregatable(resolve_field(articles, "title"))
    assert is_aggregatable(resolve_field(articles, "title.raw"))
    assert not is_leaf(resolve_field(articles, "events"))
    assert not is_searchable(resolve_field(articles, "tags"))


def test_templates_for_titles(templates):
    assert templates_for_title("news-articles", templates) == ["news-articles"]
    assert templates_for_title("coop-events", templates) == ["coop-events"]
    assert templates_for_title("coop-events-v3", templates) == ["coop-events"]
    assert templates_for_title("coop-incidents", templates) == ["coop-incidents"]
    assert templates_for_title("news-*", templates) == ["news-articles"]
    assert templates_for_title("logs-*", templates) == []


# --------------------------------------------------------------------------- drift: the checker must fail

def _mutated(objects: list[dict], ident: str, mutate) -> list[dict]:
    copied = copy.deepcopy(objects)
    mutate(by_id(copied, ident))
    return copied


def _rename_source_field(old: str, new: str):
    def mutate(obj):
        for column in lens_columns(obj):
            if column.get("sourceField") == old:
                column["sourceField"] = new
    return mutate


def _edit_search_source(edit):
    def mutate(obj):
        meta = obj["attributes"]["kibanaSavedObjectMeta"]
        source = json.loads(meta["searchSourceJSON"])
        edit(source)
        meta["searchSourceJSON"] = json.dumps(source)
    return mutate


def _set_query(text):
    return _edit_search_source(lambda s: s["query"].update(query=text))


def _set_filter_key(field):
    def edit(source):
        flt = source["filter"][0]
        old = flt["meta"]["key"]
        flt["meta"]["key"] = field
        flt["query"]["match_phrase"] = {field: flt["query"]["match_phrase"].pop(old)}
    return _edit_search_source(edit)


DRIFTS = [
    # (object id, mutation, text the problem report must contain)
    ("coopwatch-lens-top-country-pairs", _rename_source_field("country_pair", "country_pairs"),
     "'country_pairs'"),                                      # a news-articles field, not a coop-events one
    ("coopwatch-lens-top-persons", _rename_source_field("persons", "persons.text"),
     "needs an aggregatable field"),                          # text multi-field
    ("coopwatch-lens-events-over-time", _rename_source_field("@timestamp", "event_id"),
     "date_histogram needs a date"),
    ("coopwatch-lens-top-agencies", _rename_source_field("organizations", "agencies"),
     "'agencies'"),
    ("coopwatch-lens-top-agencies", lambda o: o["references"].clear(),
     "no indexpattern-datasource-layer reference"),
    ("coopwatch-news-articles", lambda o: o["attributes"].update(timeFieldName="published_at"),
     "'published_at'"),
    ("coopwatch-coop-events", lambda o: o["attributes"].update(timeFieldName="evidence"),
     "time field must be a date"),
    ("coopwatch-coop-events", lambda o: o["attributes"].update(title="coop-event"),
     "matches 0 index templates"),
    ("coopwatch-search-terrorism", _set_query("topic : terrorism"), "'topic'"),
    ("coopwatch-search-articles-with-warnings", _set_query("warning : *"), "'warning'"),
    ("coopwatch-search-articles-with-warnings", lambda o: o["attributes"].update(columns=["title", "unreadable_fields"]),
     "an object, not a field"),                               # kept for reading, not a column
    ("coopwatch-search-articles-with-warnings", lambda o: o["attributes"].update(sort=[["published_at_raw.text", "desc"]]),
     "'published_at_raw.text'"),
    ("coopwatch-search-events-fr-ma", lambda o: o["attributes"].update(columns=["type", "country_pairs"]),
     "'country_pairs'"),
    ("coopwatch-search-events-fr-ma", lambda o: o["attributes"].update(sort=[["evidence", "desc"]]),
     "sort needs an aggregatable field"),
    ("coopwatch-search-coop-securitaire-maroc", _set_filter_key("country"), "'country'"),
    ("coopwatch-search-coop-securitaire-maroc",
     lambda o: o["references"][0].update(id="coopwatch-missing-view"), "is not in the file"),
    ("coopwatch-dashboard-cooperation-events", lambda o: o["references"].pop(), "has no reference"),
    ("coopwatch-lens-incident-country-pairs", _rename_source_field("country_pairs", "country_pair"),
     "'country_pair'"),                                       # a coop-events field, not a coop-incidents one
    ("coopwatch-lens-incidents-over-time", _rename_source_field("@timestamp", "titles"),
     "date_histogram needs a date"),
    ("coopwatch-search-incidents", lambda o: o["attributes"].update(sort=[["evidence", "desc"]]),
     "sort needs an aggregatable field"),
    ("coopwatch-coop-incidents", lambda o: o["attributes"].update(title="coop-incident"),
     "matches 0 index templates"),
    ("coopwatch-dashboard-cooperation-incidents", lambda o: o["references"].pop(), "has no reference"),
]


@pytest.mark.parametrize("ident,mutate,expected", DRIFTS, ids=[f"{d[0]}:{d[2]}" for d in DRIFTS])
def test_the_checker_reports_drift_in_the_saved_objects(objects, templates, ident, mutate, expected):
    problems = check_saved_objects(_mutated(objects, ident, mutate), templates)
    assert any(expected in p for p in problems), problems


def test_the_checker_reports_drift_in_the_index_templates(objects, templates):
    drifted = copy.deepcopy(templates)
    properties = drifted["coop-events"]["template"]["mappings"]["properties"]
    properties["country_pair"] = {"type": "text"}           # someone makes it full-text
    del properties["type"]                                    # and renames `type`
    problems = check_saved_objects(objects, drifted)
    assert any("'country_pair'" in p and "aggregatable" in p for p in problems), problems
    assert any("'type'" in p and "not in the mappings" in p for p in problems), problems


# --------------------------------------------------------------------------- import.sh

class _FakeKibana(http.server.BaseHTTPRequestHandler):
    answer: tuple[int, dict] = (200, {"success": True, "successCount": 11})
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).requests.append({"path": self.path, "xsrf": self.headers.get("kbn-xsrf"),
                                    "auth": self.headers.get("Authorization"),
                                    "content_type": self.headers.get("Content-Type", ""), "body": body})
        status, payload = type(self).answer
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_kibana():
    _FakeKibana.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _FakeKibana
    server.shutdown()
    server.server_close()


needs_curl = pytest.mark.skipif(shutil.which("curl") is None or shutil.which("sh") is None,
                                reason="import.sh needs sh and curl")


def _run_import(*args, env=None):
    base = {"PATH": "/usr/local/bin:/usr/bin:/bin", "IMPORT_RETRIES": "1", "IMPORT_RETRY_DELAY": "0"}
    return subprocess.run(["sh", str(IMPORT_SH), *args], capture_output=True, text=True, timeout=60,
                          env={**base, **(env or {})})


def test_import_sh_help():
    result = _run_import("--help")
    assert result.returncode == 0
    assert "KIBANA_URL" in result.stdout and "overwrite=true" in result.stdout


@needs_curl
def test_import_sh_posts_the_ndjson_and_reports_success(fake_kibana):
    url, handler = fake_kibana
    result = _run_import(url + "/", "--space", "analysts", env={"KIBANA_USERNAME": "u", "KIBANA_PASSWORD": 'p"w'})
    assert result.returncode == 0, result.stderr
    assert "imported 11 saved objects" in result.stdout
    (request,) = handler.requests
    assert request["path"] == "/s/analysts/api/saved_objects/_import?overwrite=true"
    assert request["xsrf"] == "true"
    assert request["auth"] and request["auth"].startswith("Basic ")
    assert request["content_type"].startswith("multipart/form-data")
    assert NDJSON.read_bytes() in request["body"]


@needs_curl
def test_import_sh_fails_loudly_when_kibana_rejects_objects(fake_kibana):
    url, handler = fake_kibana
    handler.answer = (200, {"success": False, "successCount": 10,
                            "errors": [{"id": "coopwatch-lens-top-persons", "error": {"type": "unknown"}}]})
    try:
        result = _run_import(url)
    finally:
        handler.answer = (200, {"success": True, "successCount": 11})
    assert result.returncode != 0
    assert "coopwatch-lens-top-persons" in result.stderr and "failed" in result.stderr


@needs_curl
def test_import_sh_fails_on_http_errors_and_bad_usage(fake_kibana):
    url, handler = fake_kibana
    handler.answer = (401, {"statusCode": 401, "error": "Unauthorized"})
    try:
        result = _run_import(url)
    finally:
        handler.answer = (200, {"success": True, "successCount": 11})
    assert result.returncode == 1 and "HTTP 401" in result.stderr and "Unauthorized" in result.stderr
    assert _run_import("--bogus").returncode == 2
    assert _run_import("--file", "/nonexistent.ndjson", url).returncode == 2
    unreachable = _run_import("http://127.0.0.1:9")
    assert unreachable.returncode == 1 and "could not reach Kibana" in unreachable.stderr
