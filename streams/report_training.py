"""``coopwatch train-report-types``: build the report-type model (see
streams/enrichment/report_types.py) from gold sets, write it, or check that the file the
package carries is what its training sets make.

Only development sets train it. A held-out set must stay unseen for its figures to say how the
enrichment does on news nobody looked at, so the command refuses a file named as one."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from schemas.articles import NormalisedArticle
from streams.enrichment.report_types import MODEL_FILE, TRIGGER, Example, ReportTypeModel, examples_from_gold, train
from streams.evaluate import EvalInputError, read_lines
from streams.normalise import NormaliseError, normalise_payload
from streams.settings import Settings

REPOSITORY = Path(__file__).resolve().parents[1]
# The sets the shipped model is trained on: every incident development set, the negatives (two
# countries, no cooperation) and the enrichment development sets kept in the repository.
TRAINING_SETS = ("tests/data/incidents-dev*.jsonl", "tests/data/incidents-negatives*.jsonl",
                 "tests/data/dev2.jsonl", "tests/data/dev-press.jsonl")
_RECEIVED = datetime(2030, 1, 1, tzinfo=timezone.utc)   # fixed, so training is reproducible


class TrainingInputError(ValueError):
    pass


def default_training_files() -> list[Path]:
    return sorted({path for pattern in TRAINING_SETS for path in REPOSITORY.glob(pattern)})


def gold_lines(path: Path) -> list[dict]:
    if "heldout" in path.name:
        raise TrainingInputError(f"{path}: a held-out set trains nothing (its figures would no longer be held out)")
    try:
        return read_lines(path)
    except EvalInputError as error:
        raise TrainingInputError(str(error)) from None


def normalised(line: dict, settings: Settings, where: str) -> NormalisedArticle:
    try:
        return normalise_payload(json.dumps(line["raw"]).encode("utf-8"), received_at=_RECEIVED, max_body_chars=settings.max_body_chars)
    except NormaliseError as error:
        raise TrainingInputError(f"{where}: its article cannot be read ({error})") from error


def examples_of(path: Path, settings: Settings) -> list[Example]:
    return [examples_from_gold(line, normalised(line, settings, f"{path}:{number}").text)
            for number, line in enumerate(gold_lines(path), start=1)]


def model_of(paths: list[Path], settings: Settings) -> dict:
    return train(example for path in paths for example in examples_of(path, settings))


def cross_validated(paths: list[Path], settings: Settings) -> dict[str, dict[str, int]]:
    """Per set, what the fallback does on reports the event rules find no event in, with a model
    trained on every other set (the way it meets reports it never saw): how many of those
    reports' incidents it finds (type and countries right), how many events it makes on reports
    that tell no incident, and how many it makes in all."""
    from streams.enrich import Enricher
    from streams.incidents import countries_agree

    enricher = Enricher(settings)
    resolver = enricher.report_types
    examples = {path: examples_of(path, settings) for path in paths}
    results = {}
    for path in paths:
        resolver.model = ReportTypeModel(train(e for other, items in examples.items() if other != path for e in items))
        counts = {"reports": 0, "rules_missed": 0, "made": 0, "found": 0, "made_on_no_incident": 0}
        for number, line in enumerate(gold_lines(path), start=1):
            article = normalised(line, settings, f"{path}:{number}")
            nlp = enricher.pipeline(article.language)
            context = enricher.context(article, nlp(enricher.article_text(article)) if nlp is not None else None)
            gold = line["gold"].get("incidents", line["gold"].get("events")) or []
            counts["reports"] += 1
            made = [e for e in context.events if e.trigger == TRIGGER]
            if not any(len(set(e.countries)) > 1 for e in context.events if e.trigger != TRIGGER):
                counts["rules_missed"] += len(gold)
            counts["made"] += len(made)
            counts["made_on_no_incident"] += len(made) * (not gold)
            counts["found"] += sum(any(g["type"] == e.type and countries_agree(e.countries, g["countries"]) for g in gold) for e in made)
        results[path.name] = counts
    resolver.model = ReportTypeModel.load()
    return results


def serialised(table: dict) -> str:
    # one word per line, so that a retrained model diffs word by word
    rows = ",\n".join(f"    {json.dumps(word, ensure_ascii=False)}: {json.dumps(counts)}" for word, counts in table["counts"].items())
    head = {key: value for key, value in table.items() if key != "counts"}
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "counts": {\n' + rows + "\n}}\n"


def print_cross_validation(results: dict[str, dict[str, int]]) -> int:
    print(f"{'set':36} {'reports':>7} {'missed':>6} {'made':>5} {'found':>5} {'on none':>7}")
    totals = dict.fromkeys(next(iter(results.values())), 0)
    for name, counts in results.items():
        print(f"{name:36} {counts['reports']:>7} {counts['rules_missed']:>6} {counts['made']:>5} {counts['found']:>5} {counts['made_on_no_incident']:>7}")
        totals = {key: totals[key] + counts[key] for key in totals}
    print(f"{'all':36} {totals['reports']:>7} {totals['rules_missed']:>6} {totals['made']:>5} {totals['found']:>5} {totals['made_on_no_incident']:>7}")
    print("missed: incidents of reports the event rules find no event in; made: events the report-type model adds;"
          " found: of them, an incident's type and countries; on none: made on a report that tells no incident")
    return 0


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path,
                        help="gold JSONL sets (gold.incidents or gold.events); default: the development sets in tests/data")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help=f"where to write the model (default: {MODEL_FILE.name} in the package)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the model file differs from what the sets make")
    parser.add_argument("--cross-validate", action="store_true",
                        help="write nothing; per set, what the fallback finds and makes with a model trained on the other sets")


def run(args: argparse.Namespace, settings: Settings) -> int:
    paths = args.files or default_training_files()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing or not paths:
        print(f"error: no such gold set: {', '.join(missing) or 'none given and none found in tests/data'}", file=sys.stderr)
        return 2
    try:
        if args.cross_validate:
            return print_cross_validation(cross_validated(paths, settings))
        text = serialised(model_of(paths, settings))
    except TrainingInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    table = json.loads(text)
    summary = f"{len(paths)} sets, {sum(table['documents'])} labelled reports, {len(table['counts'])} words"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is not what the sets make ({summary}); run coopwatch train-report-types", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({summary})")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({summary})")
    return 0
