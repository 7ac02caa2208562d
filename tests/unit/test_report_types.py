"""The report-type fallback: a report the event rules find nothing in is typed by its words."""

import argparse
import json

import pytest

from tests.unit.conftest import context_before, make_article

from streams import report_training
from streams.enrichment.report_types import (
    NO_EVENT, TRIGGER, Example, ReportTypeModel, examples_from_gold, report_features, train)
from streams.settings import Settings


def test_names_say_nothing_of_what_a_report_tells():
    features = report_features("Rencontre à Dakar", "Le ministre Aly Ngouille Ndiaye a reçu son homologue malien Daniel Tessougué.")
    assert {"ministre", "recu", "homologue", "malien", "T:rencontre"} <= features
    assert not {"aly", "ngouille", "ndiaye", "daniel", "tessougue", "dakar"} & features
    # a sentence's first word is no name, whatever its case
    assert "ministre" in report_features("", "Ministre et préfet ont signé.")


def test_an_english_headline_in_title_case_keeps_its_words():
    assert {"T:police", "T:chiefs", "T:meet", "T:border"} <= report_features("Police Chiefs Meet Over Border Crime", "")


def test_only_the_lede_is_read():
    body = "Les deux polices ont coopéré. " + "x " * 400 + "extradition"
    assert "extradition" not in report_features("", body)


def _model(*examples):
    return ReportTypeModel(train(Example(frozenset(words), labels) for words, labels in examples))


def test_the_type_whose_words_the_report_shares_wins_with_a_margin():
    model = _model(({"extradited", "fugitive", "handed"}, ("extradition",)),
                   ({"extradited", "suspect", "flight"}, ("extradition",)),
                   ({"talks", "counterpart", "discussed"}, ("meeting",)),
                   ({"talks", "counterpart", "met"}, ("meeting",)),
                   ({"shelling", "border", "accused"}, (NO_EVENT,)),
                   ({"shelling", "accused", "troops"}, (NO_EVENT,)))
    assert model.judge({"fugitive", "extradited"}).type == "extradition"
    talks = model.judge({"counterpart", "talks"})
    assert talks.type == "meeting" and talks.over_none > 1
    assert model.judge({"shelling", "accused"}).over_none < -1
    assert model.judge({"counterpart", "talks", "accused"}).over_none < talks.over_none


def test_outside_security_news_only_an_overwhelming_type_makes_an_event():
    from streams.enrichment.report_types import Verdict
    assert Verdict("joint_operation", 25.0).makes_an_event(security_news=True)
    assert not Verdict("joint_operation", 25.0).makes_an_event(security_news=False)
    assert Verdict("joint_operation", 45.0).makes_an_event(security_news=False)
    assert not Verdict("meeting", 5.0).makes_an_event(security_news=True)


def test_a_word_seen_once_is_left_out_of_the_table():
    table = train([Example(frozenset({"rare", "talks"}), ("meeting",)), Example(frozenset({"talks"}), ("meeting",))])
    assert list(table["counts"]) == ["talks"]


def test_gold_lines_of_both_kinds_make_examples():
    incidents = {"raw": {"title": "t"}, "gold": {"incidents": [{"type": "visit"}, {"type": "agreement"}]}}
    events = {"raw": {"title": "t"}, "gold": {"events": [{"type": "training", "countries": ["FR", "SN"]}]}}
    empty = {"raw": {"title": "t"}, "gold": {"incidents": []}}
    assert examples_from_gold(incidents, "").labels == ("agreement", "visit")
    assert examples_from_gold(events, "").labels == ("training",)
    assert examples_from_gold(empty, "").labels == (NO_EVENT,)


def report_events(enricher, title, text, language="fr"):
    context = context_before(enricher, "report types", text, language, title)
    enricher.report_types.resolve(context)
    return [(e.type, e.countries, e.trigger) for e in context.events]


SWEEP = ("Les militaires togolais et béninois ont ratissé pendant trois jours la zone frontalière, où opèrent des bandes "
         "de trafiquants de bois. Quarante suspects ont été interpellés et douze camions saisis, selon l'état-major.")


def test_a_report_the_rules_miss_is_typed_by_its_words(enricher):
    assert report_events(enricher, "Trafic de bois : vaste ratissage à la frontière", SWEEP) == [
        ("joint_operation", ["BJ", "TG"], TRIGGER)]


def test_a_report_with_a_rule_event_gets_no_second_one(enricher):
    text = "Les polices française et espagnole ont mené une opération conjointe contre le trafic de cocaïne."
    assert [t for _, _, t in report_events(enricher, "Coup de filet", text)] == [
        e.trigger for e in context_before(enricher, "report types", text, "fr", "Coup de filet").events]
    assert TRIGGER not in [t for _, _, t in report_events(enricher, "Coup de filet", text)]


def test_three_countries_or_one_leave_the_parties_open(enricher):
    three = SWEEP.replace("togolais et béninois", "togolais, nigériens et béninois")
    assert report_events(enricher, "Trafic de bois : vaste ratissage à la frontière", three) == []
    one = SWEEP.replace("togolais et béninois", "togolais")
    assert report_events(enricher, "Trafic de bois : vaste ratissage à la frontière", one) == []


def test_a_paper_s_own_country_is_the_side_it_does_not_name(enricher):
    from streams.enrichment.context import ArticleContext
    from streams.enrichment.pipelines import model_entities

    one = SWEEP.replace("Les militaires togolais et béninois", "Nos militaires et les militaires togolais")
    article = make_article("Trafic de bois : vaste ratissage à la frontière", one, "fr").model_copy(
        update={"url": "https://www.lanouvelletribune.bj/2025/03/ratissage", "source": "la-nouvelle-tribune"})
    context = ArticleContext.build(article, enricher.pipeline("fr")(enricher.article_text(article)), [])
    context.entities = model_entities(context.doc)
    for name, resolve in enricher.steps:
        resolve(context)
    assert [(e.type, e.countries, e.trigger) for e in context.events] == [("joint_operation", ["BJ", "TG"], TRIGGER)]


def test_news_outside_security_gets_no_event(enricher):
    text = ("Les footballeurs togolais et béninois se sont affrontés samedi à Lomé. Les deux sélections ont livré un match "
            "serré devant quarante mille spectateurs.")
    assert report_events(enricher, "Match amical", text) == []


def test_the_shipped_model_is_what_its_training_sets_make(capsys):
    args = argparse.Namespace(files=[], out=report_training.MODEL_FILE, check=True, cross_validate=False)
    assert report_training.run(args, Settings()) == 0, capsys.readouterr().err


def test_a_held_out_set_trains_nothing(tmp_path, capsys):
    held_out = tmp_path / "incidents-heldout9.jsonl"
    held_out.write_text(json.dumps({"raw": {"title": "t", "body": "b"}, "gold": {"incidents": []}}) + "\n")
    args = argparse.Namespace(files=[held_out], out=tmp_path / "model.json", check=False, cross_validate=False)
    assert report_training.run(args, Settings()) == 2
    assert "held-out" in capsys.readouterr().err
    assert not (tmp_path / "model.json").exists()


def test_an_unreadable_gold_line_is_named(tmp_path, capsys):
    broken = tmp_path / "mine.jsonl"
    broken.write_text('{"raw": {"title": "t", "body": "b"}, "gold": {"incidents": []}}\n{"gold": {}}\n')
    args = argparse.Namespace(files=[broken], out=tmp_path / "model.json", check=False, cross_validate=False)
    assert report_training.run(args, Settings()) == 2
    assert "mine.jsonl:2" in capsys.readouterr().err


def test_training_writes_a_model_the_enricher_can_load(tmp_path):
    lines = [{"raw": {"title": "Extradition", "body": f"Le fugitif a été extradé vers le pays voisin, jour {n}."},
              "gold": {"incidents": [{"type": "extradition"}]}} for n in range(3)]
    gold = tmp_path / "mine.jsonl"
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "model.json"
    assert report_training.run(argparse.Namespace(files=[gold], out=out, check=False, cross_validate=False), Settings()) == 0
    model = ReportTypeModel(json.loads(out.read_text()))
    assert model.labels == ["extradition"] and model.log_odds["extrade"]
    assert model.judge({"extrade"}).type == "extradition"


def test_cross_validation_scores_each_set_with_a_model_trained_on_the_others(tmp_path, capsys):
    def gold_set(name, lines):
        path = tmp_path / name
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
        return path
    handover = {"raw": {"title": "Remise d'un fugitif", "lang": "fr",
                        "body": "Le fugitif a été extradé vers le Mali par les autorités sénégalaises."},
                "gold": {"incidents": [{"type": "extradition", "countries": ["ML", "SN"]}]}}
    match = {"raw": {"title": "Football", "lang": "fr", "body": "Le Mali a battu le Sénégal au football."}, "gold": {"incidents": []}}
    first, second = gold_set("a.jsonl", [handover, match]), gold_set("b.jsonl", [handover, handover, match])
    args = argparse.Namespace(files=[first, second], out=tmp_path / "model.json", check=False, cross_validate=True)
    assert report_training.run(args, Settings()) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[1:4]}
    assert rows["a.jsonl"][0] == "2" and rows["b.jsonl"][0] == "3" and rows["all"][0] == "5"
    assert not (tmp_path / "model.json").exists()
