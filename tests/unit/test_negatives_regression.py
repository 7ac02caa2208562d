"""False cooperation must not grow: on the negatives (security and foreign news that names two
countries and tells no cooperation between them — quarrels, one side's police acting alone,
talks postponed, extraditions refused, cooperation only called for), how many reports the
enrichment gives a cooperation event. Both sets were written for the project to trick the event
rules and train the report-type model: development sets, looked at and tuned on."""

from datetime import datetime, timezone
import json
from pathlib import Path

import pytest

from streams.enrichment.report_types import TRIGGER
from streams.normalise import normalise_payload
from streams.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"
# reports given an event, just above the figures reached (13 and 24 by the rules, none by the
# report-type model, on sets it is trained on; 24 and 30 before the rules these sets taught)
CEILINGS = {"incidents-negatives": 14, "incidents-negatives2": 25}


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_few_negatives_get_a_cooperation_event(enricher, name):
    path = DATA / f"{name}.jsonl"
    assert path.is_file(), f"negatives not found: {path}"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines and all(line["gold"]["incidents"] == [] for line in lines)
    received = datetime(2030, 1, 1, tzinfo=timezone.utc)
    articles = enricher.enrich_many([normalise_payload(json.dumps(line["raw"]).encode("utf-8"), received_at=received,
                                                       max_body_chars=Settings().max_body_chars) for line in lines])
    with_events = [a.article_id for a in articles if any(len(set(e.countries)) > 1 for e in a.events)]
    assert len(with_events) <= CEILINGS[name], f"{name}: {len(with_events)} of {len(lines)} negatives get an event"
    assert not [a.article_id for a in articles if any(e.trigger == TRIGGER for e in a.events)]
