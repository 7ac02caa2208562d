"""`coopwatch eval FILE.jsonl`: normalise + enrich each line's `raw`, score against `gold`
exactly as /shared/eval/SPEC.md says, and print per-field precision, recall and F1."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from streams.settings import Settings

FIELDS = ("persons", "organizations", "countries", "topics", "events")


# ---------------------------------------------------------------- scoring (pure)
def norm_text(value: str | None) -> str:
    """Case, accents and punctuation ignored."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def score_set(gold: Iterable[str], predicted: Iterable[str], key=lambda x: x) -> tuple[Counts, list, list]:
    """Exact match on codes (or on ``key`` of strings). Returns counts, missed gold, wrong predictions."""
    gold_map = {key(g): g for g in gold}
    pred_map = {key(p): p for p in predicted}
    tp = len(gold_map.keys() & pred_map.keys())
    missed = [gold_map[k] for k in gold_map.keys() - pred_map.keys()]
    wrong = [pred_map[k] for k in pred_map.keys() - gold_map.keys()]
    return Counts(tp, len(pred_map) - tp, len(gold_map) - tp), sorted(missed, key=str), sorted(wrong, key=str)


def score_persons(gold: list[str], predicted: list[str]):
    """Accent- and case-insensitive exact match of full names."""
    return score_set(gold, predicted, key=norm_text)


def org_matches(gold: dict, predicted: dict) -> bool:
    """Acronym equal, or name / one of the aliases equal to the gold name; and same country."""
    if (gold.get("country") or None) != (predicted.get("country") or None):
        return False
    if gold.get("acronym") and predicted.get("acronym") and norm_text(gold["acronym"]) == norm_text(predicted["acronym"]):
        return True
    gold_name = norm_text(gold.get("name"))
    names = [predicted.get("name")] + list(predicted.get("aliases") or [])
    return bool(gold_name) and any(norm_text(n) == gold_name for n in names)


def _greedy(gold: list, predicted: list, match) -> tuple[Counts, list, list]:
    used: set[int] = set()
    missed = []
    for g in gold:
        for index, p in enumerate(predicted):
            if index not in used and match(g, p):
                used.add(index)
                break
        else:
            missed.append(g)
    wrong = [p for index, p in enumerate(predicted) if index not in used]
    tp = len(used)
    return Counts(tp, len(predicted) - tp, len(gold) - tp), missed, wrong


def score_organizations(gold: list[dict], predicted: list[dict]):
    """Each gold organisation matches at most one prediction (and vice versa)."""
    return _greedy(gold, predicted, org_matches)


def event_matches(gold: dict, predicted: dict) -> bool:
    return gold.get("type") == predicted.get("type") and set(gold.get("countries") or []) == set(predicted.get("countries") or [])


def score_events(gold: list[dict], predicted: list[dict]) -> tuple[Counts, list, list, list[tuple[dict, dict]]]:
    """Same type and equal country set; each gold event matches at most one prediction.
    Also returns the matched pairs, for location accuracy. Gold events whose location
    matches the prediction's are matched first, so that location is scored fairly."""
    pairs: list[tuple[dict, dict]] = []
    used: set[int] = set()
    unmatched_gold = []
    for g in gold:
        candidates = [i for i, p in enumerate(predicted) if i not in used and event_matches(g, p)]
        if not candidates:
            unmatched_gold.append(g)
            continue
        same_place = [i for i in candidates if predicted[i].get("location") == g.get("location")]
        chosen = (same_place or candidates)[0]
        used.add(chosen)
        pairs.append((g, predicted[chosen]))
    wrong = [p for i, p in enumerate(predicted) if i not in used]
    counts = Counts(len(pairs), len(predicted) - len(pairs), len(gold) - len(pairs))
    return counts, unmatched_gold, wrong, pairs


@dataclass
class Report:
    counts: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    lang_total: int = 0
    lang_correct: int = 0
    location_total: int = 0
    location_correct: int = 0
    articles: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f: self.counts[f].as_dict() for f in FIELDS}
        out["language"] = {"accuracy": round(self.lang_correct / self.lang_total, 4) if self.lang_total else 1.0, "correct": self.lang_correct, "total": self.lang_total}
        out["event_location"] = {"accuracy": round(self.location_correct / self.location_total, 4) if self.location_total else 1.0, "correct": self.location_correct, "total": self.location_total}
        out["articles"] = self.articles
        out["failed"] = len(self.failures)
        return out


def score_article(gold: dict, predicted: dict, report: Report, index: int) -> None:
    """Add one article's counts to ``report`` (and its misses to ``report.errors``)."""
    report.articles += 1
    detail: dict[str, Any] = {"line": index}
    results = {
        "persons": score_persons(gold.get("persons") or [], predicted.get("persons") or []),
        "organizations": score_organizations(gold.get("organizations") or [], predicted.get("organizations") or []),
        "countries": score_set(gold.get("countries") or [], predicted.get("countries") or []),
        "topics": score_set(gold.get("topics") or [], predicted.get("topics") or []),
    }
    event_counts, missed, wrong, pairs = score_events(gold.get("events") or [], predicted.get("events") or [])
    for name, (counts, missed_items, wrong_items) in results.items():
        report.counts[name].add(counts)
        if missed_items or wrong_items:
            detail[name] = {"missed": missed_items, "wrong": wrong_items}
    report.counts["events"].add(event_counts)
    if missed or wrong:
        detail["events"] = {"missed": missed, "wrong": wrong}
    for g, p in pairs:
        report.location_total += 1
        if (g.get("location") or None) == (p.get("location") or None):
            report.location_correct += 1
        else:
            detail.setdefault("event_location", []).append({"type": g["type"], "countries": g["countries"], "gold": g.get("location"), "predicted": p.get("location")})
    if "lang" in gold:
        report.lang_total += 1
        if gold["lang"] == predicted.get("lang"):
            report.lang_correct += 1
        else:
            detail["lang"] = {"gold": gold["lang"], "predicted": predicted.get("lang")}
    if len(detail) > 1:
        report.errors.append(detail)


# ---------------------------------------------------------------- prediction
def prediction_of(enriched) -> dict[str, Any]:
    """An EnrichedArticle in the shape of a gold annotation."""
    return {
        "lang": enriched.language,
        "persons": [p.name for p in enriched.persons],
        "organizations": [
            {"acronym": o.acronym, "name": o.name, "aliases": o.aliases, "country": o.country} for o in enriched.organizations
        ],
        "countries": sorted({c.code for c in enriched.countries}),
        "topics": [t.topic for t in enriched.topics],
        "events": [{"type": e.type, "countries": sorted(e.countries), "location": e.location} for e in enriched.events],
    }


EMPTY_PREDICTION: dict[str, Any] = {"lang": None, "persons": [], "organizations": [], "countries": [], "topics": [], "events": []}


def read_lines(path: Path) -> list[dict]:
    if not path.is_file():
        raise EvalInputError(f"no such file: {path}")
    lines = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as error:
                raise EvalInputError(f"{path}:{number}: not valid JSON ({error.msg} at column {error.colno})") from None
            if not isinstance(item, dict) or "raw" not in item or "gold" not in item:
                raise EvalInputError(f"{path}:{number}: expected an object with 'raw' and 'gold'")
            lines.append(item)
    return lines


class EvalInputError(ValueError):
    pass


def evaluate(lines: list[dict], settings: Settings, enricher=None, timing: bool = False):
    """Run normalise + enrich on every line; returns (report, predictions, timing info)."""
    from streams.enrich import Enricher
    from streams.normalise import normalise_payload

    enricher = enricher or Enricher(settings)
    # Articles are scored as if they arrived now: recent real dates must not read as "in the future".
    received = datetime.now(timezone.utc)
    report = Report()
    predictions: list[dict] = []
    articles = []
    started = time.perf_counter()
    for index, line in enumerate(lines):
        try:
            articles.append(normalise_payload(json.dumps(line["raw"]).encode("utf-8"), received_at=received, max_body_chars=settings.max_body_chars))
        except ValueError as error:
            articles.append(None)
            report.failures.append((index + 1, f"{type(error).__name__}: {error}"))
    if timing:
        for language in {a.language for a in articles if a is not None}:
            enricher.pipeline(language)  # model loading is not part of the throughput
        started = time.perf_counter()
        for index, line in enumerate(lines):  # normalise again inside the timed section
            try:
                normalise_payload(json.dumps(line["raw"]).encode("utf-8"), received_at=received, max_body_chars=settings.max_body_chars)
            except ValueError:
                pass
    valid = [a for a in articles if a is not None]
    enriched = iter(enricher.enrich_many(valid))
    elapsed = time.perf_counter() - started
    for index, (line, article) in enumerate(zip(lines, articles)):
        prediction = prediction_of(next(enriched)) if article is not None else dict(EMPTY_PREDICTION)
        predictions.append(prediction)
        score_article(line["gold"], prediction, report, index + 1)
    info = None
    if timing:
        info = _timing(enricher, valid, elapsed)
    return report, predictions, info


def _timing(enricher, articles, elapsed: float) -> dict[str, float]:
    """Articles per second for normalise+enrich, next to spaCy's own nlp.pipe on the same texts."""
    by_language: dict[str, list[str]] = {}
    for article in articles:
        by_language.setdefault(article.language, []).append(enricher.article_text(article))
    spacy_seconds = 0.0
    spacy_articles = 0
    for language, texts in by_language.items():
        nlp = enricher.pipeline(language)
        if nlp is None:
            continue
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        spacy_seconds += time.perf_counter() - start
        spacy_articles += len(texts)
    ours = len(articles) / elapsed if elapsed else 0.0
    theirs = spacy_articles / spacy_seconds if spacy_seconds else 0.0
    return {"articles": len(articles), "pipeline_articles_per_s": round(ours, 1), "spacy_pipe_articles_per_s": round(theirs, 1), "ratio": round(ours / theirs, 3) if theirs else 0.0}


# ---------------------------------------------------------------- CLI
def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="JSON lines, each {raw, gold}")
    parser.add_argument("--json", action="store_true", help="print one JSON object of scores")
    parser.add_argument("--errors", action="store_true", help="list what each article missed or got wrong")
    parser.add_argument("--predictions", type=Path, metavar="OUT.jsonl", help="write the predictions, one line per input line")
    parser.add_argument("--timing", action="store_true", help="report articles/second next to spaCy's nlp.pipe")


def format_table(report: Report) -> str:
    rows = [f"{'field':<16}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name in FIELDS:
        c = report.counts[name]
        rows.append(f"{name:<16}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.tp:>6}{c.fp:>6}{c.fn:>6}")
    data = report.as_dict()
    rows.append(f"{'language acc':<16}{data['language']['accuracy']:>8.3f}   ({report.lang_correct}/{report.lang_total})")
    rows.append(f"{'location acc':<16}{data['event_location']['accuracy']:>8.3f}   ({report.location_correct}/{report.location_total} matched events)")
    rows.append(f"articles: {report.articles}, failed normalisation: {len(report.failures)}")
    return "\n".join(rows)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        lines = read_lines(args.file)
    except EvalInputError as error:
        print(f"coopwatch eval: {error}", file=sys.stderr)
        return 2
    report, predictions, info = evaluate(lines, settings, timing=args.timing)
    for line, reason in report.failures:
        print(f"line {line}: normalisation failed, scored as an empty prediction: {reason}", file=sys.stderr)
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as handle:
            for prediction in predictions:
                handle.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    if args.json:
        data = report.as_dict()
        if info:
            data["timing"] = info
        if args.errors:
            data["errors"] = report.errors
        print(json.dumps(data, ensure_ascii=False, indent=None))
        return 0
    print(format_table(report))
    if info:
        print(
            f"timing: {info['articles']} articles, normalise+enrich {info['pipeline_articles_per_s']} art/s, "
            f"spaCy nlp.pipe alone {info['spacy_pipe_articles_per_s']} art/s, ratio {info['ratio']}"
        )
    if args.errors:
        for detail in report.errors:
            print(f"\n-- line {detail['line']}")
            for key, value in detail.items():
                if key != "line":
                    print(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.evaluate", description=__doc__)
    configure_parser(parser)
    return run(parser.parse_args(argv), Settings())


if __name__ == "__main__":
    sys.exit(main())
