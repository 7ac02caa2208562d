"""Enrichment quality must not regress.

Four sets are scored, each with floors slightly below the figures reached:
- ``dev``: the project's development set beside the repository
  (``../shared/eval/dev.jsonl``, or COOPWATCH_EVAL_FILE), held to the project's
  targets and above;
- ``real-dev``: real published articles with gold answers (``../shared/eval/real-dev.jsonl``),
  read from there only: their text belongs to their publishers;
- ``dev2``: a second development set written for the project;
- ``heldout``: written for the project and never used to tune anything, so its
  floors say how the pipeline does on articles it has never seen.
A missing set of the repository is a failure; a missing ``../shared`` set fails in CI
(CI=true) and is skipped elsewhere (tests/shared_files.py).
"""

from pathlib import Path

import pytest

from streams.evaluate import evaluate, read_lines
from streams.settings import Settings
from tests.shared_files import shared_file

DATA = Path(__file__).resolve().parents[1] / "data"

FLOORS = {
    "dev": (lambda: shared_file("eval/dev.jsonl", override="COOPWATCH_EVAL_FILE"),
            {"persons": 0.99, "organizations": 0.99, "countries": 0.99, "topics": 0.99, "events": 0.93,
             "language": 1.0, "event_location": 0.80}),
    "real-dev": (lambda: shared_file("eval/real-dev.jsonl"),
                 {"persons": 0.96, "organizations": 0.93, "countries": 0.99, "topics": 0.98, "events": 0.57,
                  "language": 1.0, "event_location": 0.60}),
    "dev2": (lambda: DATA / "dev2.jsonl",
             {"persons": 0.99, "organizations": 0.975, "countries": 0.99, "topics": 0.955, "events": 0.80,
              "language": 1.0, "event_location": 0.55}),
    "heldout": (lambda: DATA / "heldout.jsonl",
                {"persons": 0.92, "organizations": 0.81, "countries": 0.975, "topics": 0.895, "events": 0.70,
                 "language": 1.0, "event_location": 0.70}),
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request):
    locate, floors = FLOORS[request.param]
    path = locate()
    assert path.is_file(), f"evaluation file not found: {path}"
    report, _, _ = evaluate(read_lines(path), Settings())
    assert not report.failures, report.failures
    return request.param, report.as_dict(), floors


def test_no_field_drops_below_its_floor(scored):
    name, scores, floors = scored
    below = {}
    for field, floor in floors.items():
        value = scores[field]["accuracy"] if field in ("language", "event_location") else scores[field]["f1"]
        if value < floor:
            below[field] = (round(value, 3), floor)
    assert not below, f"{name}: below floor {below}"
