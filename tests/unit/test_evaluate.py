import argparse
import json


from streams import evaluate as ev
from streams.settings import Settings


def test_norm_text_ignores_case_accents_punctuation():
    assert ev.norm_text("Sûreté de l'État") == ev.norm_text("surete de l etat")


def test_persons_scoring():
    counts, missed, wrong = ev.score_persons(["Frédéric Veaux", "Ana Ruiz"], ["frederic veaux", "Lerner"])
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 1)
    assert missed == ["Ana Ruiz"] and wrong == ["Lerner"]


def test_organisation_matching_rule():
    gold = {"acronym": "DGSN", "name": "Direction générale de la sûreté nationale", "country": "MA"}
    assert ev.org_matches(gold, {"acronym": "DGSN", "name": "x", "country": "MA"})
    assert ev.org_matches(gold, {"acronym": None, "name": "y", "aliases": ["Direction generale de la surete nationale"], "country": "MA"})
    assert not ev.org_matches(gold, {"acronym": "DGSN", "name": "x", "country": "MR"})
    interior = [{"acronym": None, "name": "Ministry of the Interior", "country": "MA"}, {"acronym": None, "name": "Ministry of the Interior", "country": "ES"}]
    predicted = [{"acronym": None, "name": "Ministry of the Interior", "aliases": [], "country": "ES"}]
    counts, missed, wrong = ev.score_organizations(interior, predicted)
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 1)
    # one prediction cannot match two gold organisations
    counts, _, _ = ev.score_organizations([gold, dict(gold)], [{"acronym": "DGSN", "name": "", "country": "MA"}])
    assert (counts.tp, counts.fn) == (1, 1)


def test_events_scoring_and_location_pairs():
    gold = [{"type": "meeting", "countries": ["FR", "MA"], "location": "MA"}, {"type": "visit", "countries": ["FR", "MA"], "location": "MA"},
            {"type": "visit", "countries": ["MA", "FR"], "location": "MA"}]
    predicted = [{"type": "visit", "countries": ["MA", "FR"], "location": None}, {"type": "meeting", "countries": ["FR", "MA", "ES"], "location": "MA"}]
    counts, missed, wrong, pairs = ev.score_events(gold, predicted)
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 2)
    assert len(pairs) == 1 and pairs[0][1]["location"] is None


def test_micro_average_and_report():
    report = ev.Report()
    ev.score_article({"lang": "fr", "persons": ["A B"], "countries": ["FR"], "topics": [], "events": [], "organizations": []},
                     {"lang": "fr", "persons": ["A B"], "countries": ["FR", "MA"], "topics": [], "events": [], "organizations": []}, report, 1)
    ev.score_article({"lang": "en", "countries": ["GB"]}, dict(ev.EMPTY_PREDICTION), report, 2)
    data = report.as_dict()
    assert data["countries"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert data["language"]["accuracy"] == 0.5
    assert [e["line"] for e in report.errors] == [1, 2]


def test_bad_inputs_give_clear_errors(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    ev.configure_parser(parser)
    assert ev.run(parser.parse_args([str(tmp_path / "missing.jsonl")]), Settings()) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"raw": {}, "gold": {}}\n{not json\n')
    assert ev.run(parser.parse_args([str(bad)]), Settings()) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err


def test_failed_normalisation_is_an_empty_prediction(tmp_path, capsys):
    data = tmp_path / "one.jsonl"
    lines = [
        {"raw": {"title": "", "body": ""}, "gold": {"lang": "fr", "countries": ["FR"]}},
        {"raw": {"title": "Rabat et Madrid", "body": "Le Maroc et l'Espagne ont signé à Rabat un accord de lutte contre le terrorisme.", "lang": "fr"},
         "gold": {"lang": "fr", "countries": ["ES", "MA"], "events": [{"type": "agreement", "countries": ["ES", "MA"], "location": "MA"}]}},
    ]
    data.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "pred.jsonl"
    parser = argparse.ArgumentParser()
    ev.configure_parser(parser)
    assert ev.run(parser.parse_args([str(data), "--json", "--predictions", str(out)]), Settings()) == 0
    captured = capsys.readouterr()
    scores = json.loads(captured.out)
    assert scores["failed"] == 1 and "line 1" in captured.err
    assert scores["countries"]["tp"] == 2 and scores["countries"]["fn"] == 1
    predictions = [json.loads(line) for line in out.read_text().splitlines()]
    assert predictions[0] == ev.EMPTY_PREDICTION
    assert predictions[1]["events"] == [{"type": "agreement", "countries": ["ES", "MA"], "location": "MA"}]
    assert set(predictions[1]) == {"lang", "persons", "organizations", "countries", "topics", "events"}
