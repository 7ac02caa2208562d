"""Enrichment quality on the development set must not regress.

Thresholds sit slightly below the figures reached (see the lead's report), at or
above the project's targets. The file is found beside the repository
(``../shared/eval/dev.jsonl``) or through COOPWATCH_EVAL_FILE; a missing file is a
failure, not a skip."""

import os
from pathlib import Path

import pytest

from streams.evaluate import evaluate, read_lines
from streams.settings import Settings

EVAL_FILE = Path(os.environ.get("COOPWATCH_EVAL_FILE") or Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl")

MIN_F1 = {"persons": 0.97, "organizations": 0.97, "countries": 0.98, "topics": 0.97, "events": 0.93}
MIN_LANGUAGE_ACCURACY = 1.0
MIN_LOCATION_ACCURACY = 0.80


@pytest.fixture(scope="module")
def scores():
    assert EVAL_FILE.is_file(), f"evaluation file not found: {EVAL_FILE} (set COOPWATCH_EVAL_FILE)"
    report, predictions, _ = evaluate(read_lines(EVAL_FILE), Settings())
    assert not report.failures, report.failures
    return report.as_dict()


@pytest.mark.parametrize("field", sorted(MIN_F1))
def test_field_f1_does_not_regress(scores, field):
    assert scores[field]["f1"] >= MIN_F1[field], scores[field]


def test_language_accuracy(scores):
    assert scores["language"]["accuracy"] >= MIN_LANGUAGE_ACCURACY


def test_event_location_accuracy(scores):
    assert scores["event_location"]["accuracy"] >= MIN_LOCATION_ACCURACY
