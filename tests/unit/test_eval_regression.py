"""Enrichment quality must not regress.

Ten sets are scored, each with floors slightly below the figures reached:
- ``dev``: the project's development set beside the repository
  (``../shared/eval/dev.jsonl``, or COOPWATCH_EVAL_FILE), held to the project's
  targets and above;
- ``real-dev``: real published articles with gold answers (``../shared/eval/real-dev.jsonl``),
  read from there only: their text belongs to their publishers;
- ``dev2``: a second development set written for the project;
- ``dev-press``: a development set written for the project in the style of real press;
- ``heldout`` and ``heldout-press``: written for the project and never used to tune
  anything (the second in the style of real press, by an author who never saw the
  code), so their floors say how the pipeline does on articles it has never seen;
- ``dev-press2`` and ``heldout-press2``, ``dev-press3`` and ``heldout-press3``: two more
  such pairs, each written together; the first of each tuned the rules, the second was never read.
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
            {"persons": 0.99, "organizations": 0.99, "countries": 0.99, "topics": 0.99, "events": 0.97,
             "language": 1.0, "event_location": 0.92}),
    "real-dev": (lambda: shared_file("eval/real-dev.jsonl"),
                 {"persons": 0.95, "organizations": 0.92, "countries": 0.99, "topics": 0.97, "events": 0.97,
                  "language": 1.0, "event_location": 0.87}),
    "dev2": (lambda: DATA / "dev2.jsonl",
             {"persons": 0.99, "organizations": 0.97, "countries": 0.99, "topics": 0.95, "events": 0.97,
              "language": 1.0, "event_location": 0.84}),
    "dev-press": (lambda: DATA / "dev-press.jsonl",
                  {"persons": 0.92, "organizations": 0.87, "countries": 0.99, "topics": 0.89, "events": 0.90,
                   "language": 1.0, "event_location": 0.88}),
    "heldout": (lambda: DATA / "heldout.jsonl",
                {"persons": 0.91, "organizations": 0.80, "countries": 0.97, "topics": 0.89, "events": 0.86,
                 "language": 1.0, "event_location": 0.88}),
    "heldout-press": (lambda: DATA / "heldout-press.jsonl",
                      # events 0.756 until the rules tuned on incidents-dev15 (an activity an adjective tells joint,
                      # navies and narcotics as security words), 0.732 then, 0.756 again after incidents-dev19, 0.780
                      # with the countries an article counts then lists: the development sets decide, this one reports
                      {"persons": 0.86, "organizations": 0.88, "countries": 0.98, "topics": 0.88, "events": 0.76,
                       "language": 1.0, "event_location": 0.92}),
    # A second pair in the style of real press, written together by an author who never saw the code:
    # the first tuned the rules (events 0.825 before), the second scored before and after and never read.
    "dev-press2": (lambda: DATA / "dev-press2.jsonl",
                   {"persons": 0.91, "organizations": 0.82, "countries": 0.98, "topics": 0.85, "events": 0.90,
                    "language": 1.0, "event_location": 0.86}),
    "heldout-press2": (lambda: DATA / "heldout-press2.jsonl",
                       {"persons": 0.92, "organizations": 0.79, "countries": 0.99, "topics": 0.85, "events": 0.74,
                        "language": 1.0, "event_location": 0.82}),
    # A third pair (West Africa and the Maghreb, Latin America, Southeast Asia, Eastern Europe, the Gulf,
    # Western Europe): the first tuned the rules (events 0.679 before), the second was only scored (0.608 before).
    "dev-press3": (lambda: DATA / "dev-press3.jsonl",
                   {"persons": 0.94, "organizations": 0.85, "countries": 0.97, "topics": 0.89, "events": 0.80,
                    "language": 1.0, "event_location": 0.90}),
    "heldout-press3": (lambda: DATA / "heldout-press3.jsonl",
                       {"persons": 0.92, "organizations": 0.85, "countries": 0.97, "topics": 0.89, "events": 0.63,
                        "language": 1.0, "event_location": 0.89}),
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
