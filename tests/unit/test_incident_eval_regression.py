"""Consolidation quality must not regress: "same incident" pairwise F1 on every gold set.

- ``incidents-dev``: the set the merge rule was tuned on;
- ``incidents-dev2``: a second set, written to find where the event enrichment misses the
  events of press reports (one-sided reports, passive voice, agencies named by acronym, the
  event told in the second paragraph...) and tuned on for that;
- ``incidents-dev3``: a third set, written for the ways reports of one event fail to meet
  (city demonyms and office titles for a side, acronyms only, transliterated names, days
  relative to publication, briefs that name no one, a course reported at its opening and its
  close, outlets of a third country) and tuned on for that;
- ``incidents-dev4``: a fourth set, written before any change for it, for events told without
  the usual trigger words (indirect verbs, nominal headlines, the passive, agencies named by an
  acronym or a paraphrase, countries named through a capital, short briefs), then tuned on
  (0.650 end to end when it was written);
- ``incidents-dev5``: written before it was tuned on (0.928 end to end, 0.975 found only then), for
  how outlets disagree on one event (titles for names, acronyms and paraphrases for agencies,
  relative days and weekly round-ups, city, country or venue, side talks at a summit) beside
  look-alikes (the same persons meeting again weeks later, three pairs meeting the same day);
- ``incidents-dev6``: a development set written before any change for it (0.131 end to end then:
  most of its events were not found at all), for cooperation told in wordings the event rules
  did not know (a review of cooperation, a phone call, a suspect brought back or transferred, an
  operation or a drill done with a partner, an agreement sealed, information passed along),
  beside same-country look-alikes, then tuned on;
- ``incidents-dev7``: a development set written before any change for it (0.650 end to end then),
  for the many ways outlets tell one event (told late in a long report, briefs, a headline over
  background, nouns for the event, the passive, quotes, sides named by a capital or an acronym,
  all seven types) beside look-alikes (one pair twice weeks apart, a meeting and a handover of one
  pair the same day, one report telling two incidents), then tuned on;
- ``incidents-dev8``: written blind (by someone who had not read the event rules) to measure how
  they generalise (0.686 end to end then, 0.722 with the dev7 rules written without seeing it),
  then tuned on for consolidation only (sideline talks, neighbouring domains, initials);
- ``incidents-dev9``: written blind like dev8 (0.827 end to end then, with only 1 of 55 items not
  found: its reports were merged, not missed), then tuned on for consolidation (a one-day event
  dated two days apart is another event; days of reactions, court steps and days to come are no
  event's day; side talks told apart from their meeting; another event's persons);
- ``incidents-dev10``: written blind like dev8 and dev9, dated after the day it was written (the
  eval receives a set when its last report is published), scored on the code of the dev9 rules
  (0.758 end to end, the same as before them), then tuned on (coordinated operations and
  offensives, the armed forces minister, information provided to a receiver named between);
- ``incidents-dev11``: written blind like dev8 to dev10 (0.780 end to end then, 0.853 found
  only), then tuned on (seas and plants named with a country's adjective, an acronym the article
  defines as another country's body, a follow-up that dates the event to the incident's day,
  places read as persons, a feed id ending in a country code, a minister in a capital named by
  its country's adjective, a state named by its form read as a person);
- ``incidents-dev12``: written blind like dev8 to dev11 (0.894 end to end, 0.966 found only on
  the code of the dev11 rules: consolidation held, four reports' events were not found), then
  tuned on for the enrichment only (talks on security, defence or the seas named as such, the
  armed forces and their ranks, the side a report leaves implicit read from its bare towns);
- ``incidents-dev13``: written blind after the dev12 changes, for variety (subjects, regions and
  wordings the rules were not written for): 0.576 end to end, 18 of 59 items not found, on the
  code it was measured on; then tuned on for the enrichment (wildlife crime and fake medicines as
  security subjects, a commission that meets, strikes made at once by both sides, words of time
  between an arrival and its place, a town read as a person after a locative word, a text initialled,
  a minister named by name arriving in the other party's capital);
- ``incidents-dev14``: written blind after the dev13 changes had been made, and scored on them
  before any change for it: 0.842 end to end, 0.889 found only, 4 of 66 items not found (0.842
  and 5 on the code before the dev13 changes); then tuned on for consolidation (a place named after
  a person is no person, border security contradicts no trade, the day of the crime behind a
  tip-off is not the tip-off's; a course and its graduation, bandits and stolen cattle);
- ``incidents-dev15``: written blind after the dev14 changes had been made and scored on them
  before any change for it: 0.779 end to end, 0.984 found only, 10 of 68 items not found (the
  same figures as on the code before the dev13 changes: those changes found nothing more in it);
  then tuned on for the enrichment (an activity an adjective tells joint, 'en synergie avec', navies
  and narcotics as security words); 0.854 end to end with the outlet gazetteer (written blind, from
  general knowledge) placing the outlets that leave their own side implicit;
- ``incidents-dev16``: written blind after the outlet gazetteer, and scored on it before any
  change for it: 0.905 end to end, 0.989 found only, precision 1.0, 5 of 63 items not found; then
  tuned on (a listed outlet across a land border from the other side, an operation whose doers'
  clause names both sides, the rescued handed over to local authorities, meeting a cost);
- ``incidents-dev17``: written blind at the same time as dev16 and scored on the same code before
  any change: 0.870 end to end, 0.940 found only, precision 1.0, 4 of 69 items not found; then
  tuned on (a Spanish wire's dateline with its city in title case dates the report, not the event);
- ``incidents-dev18``: written blind after the dev16 and dev17 changes and scored on them before any
  change for it: 0.792 end to end, 0.923 found only, precision 1.0, 8 of 72 items not found (0.792
  on the code before the dev16 changes too); then tuned on (Norway's demonym and capital, which a
  bare NO in the lexicon's YAML had turned into false, Mauritius and other smaller countries'
  names, an extradition told from its two ends, joint surveillance, a case file passed on);
- ``incidents-dev19``: written blind at the same time and scored on the same code before any
  change: 0.865 end to end, 0.980 found only, precision 0.980, 8 of 70 items not found (the same
  on the code before the dev16 changes); then tuned on (the venue of a forum is no party to talks on
  its sidelines, separate talks are one meeting with each partner, exercises told joint, warnings sent);
- ``incidents-dev20``: written blind after the dev19 rules and scored on them before any change:
  0.720 end to end, 0.878 found only, precision 0.947, 13 of 77 items not found; then tuned on
  (information passed with words between the verb and what it passes, a shared outlet name placed by
  the one of its countries the article names, an outlet's country by its name as the side its
  unqualified minister is of, 'Salvador' only after its article, days spent in the other country);
- ``incidents-dev21``: written blind at the same time and scored on the same code: 0.862 end to
  end, 0.922 found only, precision 1.0, 5 of 72 items not found; then tuned on (an operation two
  countries' bodies own or carry out, a long acronym written as a name, a figure with its scale in
  words, sharing stepped up in the past is done);
- ``incidents-dev22``: written blind as a fourth held-out set after the dev20 and dev21 rules and
  scored on them: 0.800 end to end, 0.907 found only, precision 1.0, 7 of 73 items not found (0.821
  on the code before the dev20 rules); then looked at and tuned on (an office whose sentence names
  only its partner is the outlet's country's, 'su par' and 'su colega' as counterparts, a descriptive
  name several countries' forces bear placed by its context);
- ``incidents-dev23``: written blind with heldout5 and heldout6 (mostly Latin America), scored on the
  report-type model (0.832 end to end, 0.933 found only, precision 0.913, 10 of 75 items not found)
  and then with reports told by their words (0.887, 0.940, 0.922 and 6), then looked at, and so a
  development set: it trains the report-type model;
- ``incidents-dev24`` and ``incidents-dev25``: written blind with heldout7 after the rules of reports
  told by their words, scored on them before any change (dev24: 0.891 end to end, 0.930 found only,
  precision 1.0, 6 of 75 items not found; dev25: 0.939, 0.964, 0.964 and 2 of 77), then looked at
  and tuned on (a national body an outlet leaves unqualified is its own country's, 'both countries'
  after a sentence naming two, a force's command is no accord, information passed on with an
  adjective between, armed groups as terrorism, days of thanks and plural verbs of saying);
- ``incidents-dev26``: written blind with heldout8 after the dev24 and dev25 rules and scored on them
  before any change (0.898 end to end, 0.967 found only, precision 1.0, 7 of 75 items not found),
  then looked at and tuned on (Korea and Koreans, a person's origin is no side, 'inputs' and a tip
  received as intelligence, patrolling together, the receiver of information a foreign service
  passed on is the outlet's country when the article names it, 'Santa Elena' is no Saint Helena,
  Nepal's and India's border forces);
- ``incidents-heldout``: written before any tuning and never tuned on, so its floors say
  what to expect on reports nobody has seen (0.918 end to end with the report-type model, 1.0 with
  reports told by their words joining incidents);
- ``incidents-heldout2``: written blind after the dev11 rules and never tuned on either (the same
  0.725 end to end on the code before the dev10 and dev11 rules and with them; 0.739 after the
  dev12 changes, one more report found; 0.779 after the dev13 changes; 0.820 with the report-type
  model; 0.865 with reports told by their words joining incidents).
- ``incidents-heldout3``: written blind after the dev19 rules and only scored, never looked at
  (0.702 end to end, 0.868 found only, precision 1.0, 11 of 70 items not found, the same on the
  code before the dev16 rules; 0.755, 0.881 and 8 with the report-type model; 0.804, 0.882 and 5
  with reports told by their words joining incidents; 0.827, 0.887 and 4 with the dev26 rules).
- ``incidents-heldout4``: written blind after the dev22 rules and only scored, never looked at
  (0.755 end to end, 0.930 found only, precision 1.0, 12 of 77 items not found on the code
  before the report-type model; 0.755, 0.909 and 11 with it, and with reports told by their words).
- ``incidents-heldout5``: written blind after the report-type model and only scored, never looked
  at (0.913 end to end, 0.969 found only, precision 1.0, 4 of 75 items not found on the code before
  reports told by their words joined incidents; 0.923, 0.970 and 3 with them; 0.943, 0.971 and 2
  with those published first waiting for the incident).
- ``incidents-heldout6``: written blind at the same time and only scored, never looked at (0.887
  end to end, 0.950 found only, precision 0.940, 9 of 76 items not found on the code before reports
  told by their words joined incidents; 0.907, 0.952, 0.942 and 7 with them; 0.917, 0.952, 0.943
  and 6 with the dev26 rules).
- ``incidents-heldout7``: written blind with dev24 and dev25 and only scored, never looked at (0.901
  end to end, 1.000 found only, precision 1.0, 7 of 76 items not found before the dev24 and dev25
  rules; 0.911 and 6 with them; 0.939 and 4 with the dev26 rules).
- ``incidents-heldout8``: written blind with dev26 after the dev24 and dev25 rules and only scored,
  never looked at (0.958 end to end, 0.989 found only, precision 1.0, 2 of 75 items not found, on
  those rules and on the dev26 rules alike).
Floors sit just under the figures reached. "end to end" counts the reports whose event
enrichment missed as unplaced; "found only" scores consolidation on the rest.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from streams.evaluate import read_lines
from streams.incident_eval import evaluate_incidents, pairwise, reception_time
from streams.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"
FLOORS = {
    "incidents-dev": {"end_to_end": 0.98, "found_only": 0.98, "precision": 0.98},
    "incidents-dev2": {"end_to_end": 0.98, "found_only": 0.98, "precision": 0.98},
    "incidents-dev3": {"end_to_end": 0.98, "found_only": 0.98, "precision": 0.98},
    "incidents-dev4": {"end_to_end": 0.95, "found_only": 0.98, "precision": 0.98},
    "incidents-dev5": {"end_to_end": 0.98, "found_only": 0.98, "precision": 0.98},
    "incidents-dev6": {"end_to_end": 0.94, "found_only": 0.98, "precision": 0.98},
    "incidents-dev7": {"end_to_end": 0.95, "found_only": 0.98, "precision": 0.98},
    "incidents-dev8": {"end_to_end": 0.91, "found_only": 0.98, "precision": 0.98},
    "incidents-dev9": {"end_to_end": 0.97, "found_only": 0.98, "precision": 0.98},
    "incidents-dev10": {"end_to_end": 0.94, "found_only": 0.90, "precision": 0.91},
    "incidents-dev11": {"end_to_end": 0.89, "found_only": 0.89, "precision": 0.88},
    "incidents-dev12": {"end_to_end": 0.93, "found_only": 0.94, "precision": 0.93},
    "incidents-dev13": {"end_to_end": 0.90, "found_only": 0.89, "precision": 0.98},
    "incidents-dev14": {"end_to_end": 0.95, "found_only": 0.95, "precision": 0.98},
    "incidents-dev15": {"end_to_end": 0.87, "found_only": 0.88, "precision": 0.82},
    "incidents-dev16": {"end_to_end": 0.96, "found_only": 0.96, "precision": 0.98},
    "incidents-dev17": {"end_to_end": 0.87, "found_only": 0.92, "precision": 0.98},
    "incidents-dev18": {"end_to_end": 0.93, "found_only": 0.94, "precision": 0.98},
    "incidents-dev19": {"end_to_end": 0.96, "found_only": 0.97, "precision": 0.98},
    "incidents-dev20": {"end_to_end": 0.91, "found_only": 0.89, "precision": 0.94},
    "incidents-dev22": {"end_to_end": 0.92, "found_only": 0.91, "precision": 0.98},
    "incidents-dev23": {"end_to_end": 0.86, "found_only": 0.92, "precision": 0.90},
    "incidents-dev21": {"end_to_end": 0.95, "found_only": 0.89, "precision": 0.98},
    "incidents-dev24": {"end_to_end": 0.94, "found_only": 0.96, "precision": 0.98},
    "incidents-dev25": {"end_to_end": 0.93, "found_only": 0.94, "precision": 0.94},
    "incidents-dev26": {"end_to_end": 0.94, "found_only": 0.95, "precision": 0.98},
    "incidents-heldout": {"end_to_end": 0.98, "found_only": 0.98, "precision": 0.98},
    "incidents-heldout2": {"end_to_end": 0.84, "found_only": 0.84, "precision": 0.81},
    "incidents-heldout3": {"end_to_end": 0.81, "found_only": 0.87, "precision": 0.98},
    "incidents-heldout4": {"end_to_end": 0.73, "found_only": 0.89, "precision": 0.98},
    "incidents-heldout5": {"end_to_end": 0.92, "found_only": 0.95, "precision": 0.98},
    "incidents-heldout6": {"end_to_end": 0.90, "found_only": 0.93, "precision": 0.92},
    "incidents-heldout7": {"end_to_end": 0.92, "found_only": 0.98, "precision": 0.98},
    "incidents-heldout8": {"end_to_end": 0.94, "found_only": 0.97, "precision": 0.98},
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request, enricher):
    path = DATA / f"{request.param}.jsonl"
    assert path.is_file(), f"gold set not found: {path}"
    items, info = evaluate_incidents(read_lines(path), Settings(), enricher)
    return request.param, items, info


def test_same_incident_f1_stays_above_its_floor(scored):
    name, items, _ = scored
    floors = FLOORS[name]
    end_to_end, found_only = pairwise(items), pairwise(items, found_only=True)
    figures = {"end_to_end": end_to_end.f1, "found_only": found_only.f1, "precision": end_to_end.precision}
    below = {k: (round(v, 3), floors[k]) for k, v in figures.items() if v < floors[k]}
    assert not below, f"{name}: below floor {below}"


def test_every_gold_incident_has_several_reports_or_is_a_look_alike(scored):
    name, items, info = scored
    assert info["reports"] >= 30 and info["gold_incidents"] >= 12
    sizes = {}
    for item in items:
        sizes[item.gold] = sizes.get(item.gold, 0) + 1
    assert sum(size >= 2 for size in sizes.values()) >= 10


def test_eval_incidents_command_prints_json(tmp_path):
    four_reports_of_one_meeting = tmp_path / "four.jsonl"
    four_reports_of_one_meeting.write_text("\n".join((DATA / "incidents-dev.jsonl").read_text(encoding="utf-8").splitlines()[:4]))
    result = subprocess.run([sys.executable, "-m", "streams.cli", "eval-incidents", str(four_reports_of_one_meeting), "--json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reports"] == 4 and data["gold_incidents"] == 1
    assert data["same_incident"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 6, "fp": 0, "fn": 0}


def test_eval_incidents_rejects_a_file_without_incident_gold(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"raw": {"title": "t", "body": "b", "lang": "en"}, "gold": {"persons": []}}) + "\n")
    result = subprocess.run([sys.executable, "-m", "streams.cli", "eval-incidents", str(bad)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "incidents" in result.stderr


def test_a_set_of_events_still_to_come_is_received_when_its_last_report_is_published():
    from datetime import datetime, timedelta, timezone

    later = (datetime.now(timezone.utc) + timedelta(days=400)).replace(microsecond=0)
    lines = [{"raw": {"published_at": (later - timedelta(days=35)).isoformat()}}, {"raw": {"published_at": later.isoformat()}},
             {"raw": {"published_at": "not a date"}}, {"raw": {}}]
    assert reception_time(lines) == later
    # a set of the past is received now
    before = datetime.now(timezone.utc)
    assert before <= reception_time([{"raw": {"published_at": "2024-05-07T10:00:00+02:00"}}]) <= datetime.now(timezone.utc)
