"""Enrichment quality must not regress.

Three sets are scored, each with floors slightly below the figures reached:
- ``dev``: the project's development set beside the repository
  (``../shared/eval/dev.jsonl``, or COOPWATCH_EVAL_FILE), held to the project's
  targets and above;
- ``dev2``: a second development set written for the project;
- ``heldout``: written for the project and never used to tune anything, so its
  floors say how the pipeline does on articles it has never seen.
A missing file is a failure, not a skip.
"""

import os
from pathlib import Path

import pytest

from streams.evaluate import evaluate, read_lines
from streams.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"
DEV_FILE = Path(os.environ.get("COOPWATCH_EVAL_FILE") or Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl")

FLOORS = {
    "dev": (DEV_FILE, {"persons": 0.97, "organizations": 0.97, "countries": 0.98, "topics": 0.97, "events": 0.93,
                       "language": 1.0, "event_location": 0.80}),
    "dev2": (DATA / "dev2.jsonl", {"persons": 0.86, "organizations": 0.87, "countries": 0.96, "topics": 0.89, "events": 0.80,
                                   "language": 1.0, "event_location": 0.55}),
    "heldout": (DATA / "heldout.jsonl", {"persons": 0.80, "organizations": 0.72, "countries": 0.93, "topics": 0.88, "events": 0.70,
                                         "language": 1.0, "event_location": 0.70}),
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request):
    path, floors = FLOORS[request.param]
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
