"""`coopwatch eval-incidents FILE.jsonl`: normalise and enrich every report, consolidate them as
the worker does (in order of publication, as a feed delivers them), and score "same incident"
pairwise against gold clusters.

Each line is ``{"raw": {...}, "gold": {"incidents": [{"id", "type", "countries"}]}}``: the
incidents the report tells of. A (report, gold incident) pair is placed in the predicted
incident that holds the report's mention of that type with agreeing countries; a report whose
event enrichment did not find stands alone, so the end-to-end figures count enrichment's misses
too, and the "found" figures show consolidation alone.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from schemas.articles import EnrichedArticle, IncidentMention
from streams.evaluate import Counts, EvalInputError, read_lines
from streams.incidents import consolidate, countries_agree, mentions_of
from streams.settings import Settings


@dataclass(frozen=True)
class Item:
    """One report of one gold incident, and the incident the pipeline put it in (None: not found)."""

    line: int
    report: str
    gold: str
    predicted: str | None


def pairwise(items: list[Item], *, found_only: bool = False) -> Counts:
    """Over every two items: same gold incident vs. same predicted incident."""
    if found_only:
        items = [i for i in items if i.predicted is not None]
    counts = Counts()
    for a, b in itertools.combinations(items, 2):
        same_gold = a.gold == b.gold
        same_predicted = a.predicted is not None and a.predicted == b.predicted
        if same_gold and same_predicted:
            counts.tp += 1
        elif same_predicted:
            counts.fp += 1
        elif same_gold:
            counts.fn += 1
    return counts


def place(mentions: list[IncidentMention], gold: dict, placement: dict[str, str]) -> str | None:
    """The predicted incident of the article's mention of the gold type; equal countries first."""
    mentions = [m for m in mentions if m.type == gold["type"] and m.mention_id in placement]
    equal = [e for e in mentions if sorted(e.countries) == sorted(gold["countries"])]
    agreeing = [e for e in mentions if countries_agree(e.countries, gold["countries"])]
    chosen = (equal or agreeing or [None])[0]
    return placement[chosen.mention_id] if chosen else None


def _published(line: dict) -> datetime | None:
    """A gold line's publication time, if it gives one with its offset."""
    try:
        published = datetime.fromisoformat(str(line["raw"]["published_at"]))
    except (KeyError, TypeError, ValueError):
        return None
    return published if published.tzinfo else None


def reception_time(lines: list[dict]) -> datetime:
    """When the evaluation receives a set: now, or when its last report was published if that
    is later (a set may tell events still to come on the day it is scored). A report dated
    after its reception would be re-dated to it, and all of them would fall on one day."""
    return max([datetime.now(timezone.utc), *filter(None, (_published(line) for line in lines))])


def evaluate_incidents(lines: list[dict], settings: Settings, enricher=None) -> tuple[list[Item], dict[str, Any]]:
    from streams.enrich import Enricher
    from streams.normalise import normalise_payload

    enricher = enricher or Enricher(settings)
    received = reception_time(lines)
    normalised = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line["gold"].get("incidents"), list):
            raise EvalInputError(f"line {number}: gold has no 'incidents' list")
        normalised.append(normalise_payload(json.dumps(line["raw"]).encode("utf-8"), received_at=received,
                                            max_body_chars=settings.max_body_chars))
    enriched = enricher.enrich_many(normalised)
    order = sorted(range(len(lines)), key=lambda i: (enriched[i].published_at, i))
    words = enricher.report_types.model
    store, placement = consolidate([enriched[i] for i in order], settings, words)
    mentions = [[m for message in mentions_of(article, words) for m in message.mentions] for article in enriched]
    items = [
        Item(number, lines[number - 1]["raw"].get("id") or enriched[number - 1].article_id, gold["id"],
             place(mentions[number - 1], gold, placement))
        for number in range(1, len(lines) + 1)
        for gold in lines[number - 1]["gold"]["incidents"]
    ]
    info = {
        "reports": len(lines),
        "items": len(items),
        "gold_incidents": len({i.gold for i in items}),
        "predicted_incidents": len({i.predicted for i in items if i.predicted}),
        "items_not_found": sum(i.predicted is None for i in items),
    }
    return items, info


def errors_of(items: list[Item]) -> list[dict[str, Any]]:
    """Predicted incidents that mix gold ones, and gold incidents split over several."""
    found = [i for i in items if i.predicted]
    problems = []
    for predicted, group in itertools.groupby(sorted(found, key=lambda i: i.predicted), key=lambda i: i.predicted):
        group = list(group)
        if len({i.gold for i in group}) > 1:
            problems.append({"merged": sorted({i.gold for i in group}), "reports": [i.report for i in group]})
    for gold, group in itertools.groupby(sorted(items, key=lambda i: i.gold), key=lambda i: i.gold):
        group = list(group)
        if len({i.predicted for i in group}) > 1:
            problems.append({"split": gold, "reports": {i.report: i.predicted for i in group}})
    return problems


def report(items: list[Item], info: dict[str, Any]) -> dict[str, Any]:
    return {"same_incident": pairwise(items).as_dict(), "found_only": pairwise(items, found_only=True).as_dict(), **info}


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="JSON lines, each {raw, gold: {incidents: [{id, type, countries}]}}")
    parser.add_argument("--json", action="store_true", help="print one JSON object of scores")
    parser.add_argument("--errors", action="store_true", help="list merged and split incidents")


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        lines = read_lines(args.file)
        items, info = evaluate_incidents(lines, settings)
    except (EvalInputError, ValueError) as error:
        print(f"coopwatch eval-incidents: {error}", file=sys.stderr)
        return 2
    data = report(items, info)
    if args.errors:
        data["errors"] = errors_of(items)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(f"{'pairs':<28}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}")
    for label, key in (("same incident (end to end)", "same_incident"), ("same incident (found only)", "found_only")):
        c = data[key]
        print(f"{label:<28}{c['p']:>8.3f}{c['r']:>8.3f}{c['f1']:>8.3f}{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}")
    print(f"reports: {info['reports']}, report-incident items: {info['items']}, gold incidents: {info['gold_incidents']}, "
          f"predicted incidents: {info['predicted_incidents']}, items whose event enrichment missed: {info['items_not_found']}")
    for problem in data.get("errors", []):
        print(json.dumps(problem, ensure_ascii=False))
    return 0
