"""The lexicons are found in one pass; the answers are those of one regex scan per lexicon."""

import json
import random
from pathlib import Path

import pytest

from streams.enrichment.events import EventLexicon, first_words, last_words
from streams.enrichment.text import Lexicons, fold, lexicon_anchor, load_yaml

DATA = Path(__file__).resolve().parents[1] / "data"


def project_texts() -> list[str]:
    texts = []
    for name in ("dev2.jsonl", "heldout.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)["raw"]
            texts.append(fold(f"{raw['title']}\n\n{raw['body']}"))
    rng = random.Random(7)
    cuts = []
    for text in texts:  # pieces that start and end anywhere, mid-word included
        for _ in range(4):
            start = rng.randrange(len(text))
            cuts.append(text[start:start + rng.randrange(1, 300)])
    return texts + cuts


def every_lexicon() -> dict[str, list[str]]:
    events = load_yaml("events.yaml")
    lexicons = {f"topic:{name}": patterns for name, patterns in load_yaml("topics.yaml")["topics"].items()}
    for event_type, spec in events["events"].items():
        for kind, patterns in spec.items():
            lexicons[f"{event_type}:{kind}"] = patterns
    return lexicons | {name: events[name] for name in ("negation", "modality", "non_actor")}


def test_one_pass_finds_exactly_what_one_scan_per_lexicon_finds():
    lexicons = Lexicons(every_lexicon())
    for text in project_texts():
        one_pass = {name: [(m.start(), m.end()) for m in matches] for name, matches in lexicons.finditer(text).items()}
        per_lexicon = {name: [(m.start(), m.end()) for m in regex.finditer(text)] for name, regex in lexicons.regexes.items()}
        assert one_pass == {name: spans for name, spans in per_lexicon.items() if spans}, text[:80]


def test_the_trigger_scan_finds_its_constructions_exactly_where_their_own_regexes_do():
    """Each sentence is scanned once for every trigger lexicon and for the constructions that
    start with one ('a verb of passing, a few words, a noun of information')."""
    scan = EventLexicon().trigger_scan
    constructions = {"meeting:review", "intelligence_sharing:passed_on", "joint_operation:done_with", "joint_operation:joint_activity"}
    assert constructions <= scan.regexes.keys()
    seen: set[str] = set()
    for text in project_texts():
        found = scan.finditer(text)
        seen |= found.keys()
        for name, regex in scan.regexes.items():
            assert [m.span() for m in found.get(name, [])] == [m.span() for m in regex.finditer(text)], (name, text[:80])
    assert constructions & seen, "the texts hold some of the constructions"


def test_a_term_of_two_lexicons_counts_for_both_and_words_are_whole():
    lexicons = Lexicons({"arms": ["trafic* d'armes", "armes"], "trafficking": ["trafic*"], "drugs": ["drogue*"]})
    found = lexicons.finditer(fold("Le trafic d'armes et de drogues ; désarmement."))
    assert [m.group(0) for m in found["arms"]] == ["trafic d'armes"]
    assert [m.group(0) for m in found["trafficking"]] == ["trafic"]
    assert [m.group(0) for m in found["drugs"]] == ["drogues"]
    assert "armes" not in [m.group(0) for m in found["arms"]][1:], "'désarmement' is no 'armes'"


def test_a_whole_first_word_is_looked_for_as_a_whole_word_and_a_stem_as_a_word_start():
    assert lexicon_anchor("la formation _ policiers") == " la "
    assert lexicon_anchor("trafic* d'armes") == " trafic"
    assert lexicon_anchor("d'armes") == " d armes "
    assert lexicon_anchor("Échange* de renseignement*") == " echange"
    lexicons = Lexicons({"a": ["a _ remis"], "la": ["la"], "arrest": ["arrest*"]})
    found = lexicons.finditer(fold("Arrested after a raid, la suspecte a ete remis a la"))
    assert [m.group(0) for m in found["a"]] == ["a ete remis"]
    assert [m.start() for m in found["la"]] == [23, 49]   # the last word of the text too
    assert [m.group(0) for m in found["arrest"]] == ["arrested"]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_words_around_a_position_read_only_what_they_need(count):
    text = fold("Le ressortissant marocain, interpellé à Algeciras, a été remis aux autorités espagnoles. " * 40)
    rng = random.Random(count)
    for position in [0, 1, len(text) - 1, len(text)] + [rng.randrange(len(text)) for _ in range(200)]:
        assert last_words(text, position, count) == text[:position].split()[-count:]
        assert first_words(text, position, count) == text[position:].split()[:count]
    long_word = "x" * 1000
    assert last_words(f"a {long_word}", 1002, 2) == ["a", long_word]
    assert first_words(f"{long_word} b", 0, 2) == [long_word, "b"]


def test_the_pipelines_run_only_what_the_enrichment_reads(enricher):
    for language in ("fr", "en"):
        assert set(enricher.pipeline(language).pipe_names) <= {"tok2vec", "parser", "ner", "coopwatch_sentences"}


def test_the_event_triggers_scan_each_sentence_once_with_the_event_lexicons_own_patterns():
    from streams.enrichment.events import EventLexicon

    lexicon = EventLexicon()
    scan = lexicon.trigger_scan.regexes
    for kind, regexes in lexicon.by_kind.items():
        for event_type, regex in regexes.items():
            assert scan[f"{kind}:{event_type}"].pattern == regex.pattern
    assert scan["agreement:verbs"].pattern == lexicon.agreement_verbs.pattern
    assert scan["excluded"].pattern == lexicon.excluded[None].pattern
    assert scan["excluded:extradition"].pattern == lexicon.excluded["extradition"].pattern
    # what retained() and join_participants() read of a sentence comes from the same scan
    assert scan["modality"].pattern == lexicon.modality.pattern
    assert scan["participation:took_part"].pattern == lexicon.took_part.pattern
    assert scan["participation:signed"].pattern == lexicon.signed.pattern
    for text in project_texts()[:40]:
        found = lexicon.trigger_scan.finditer(text)
        assert [m.span() for m in found.get("strong:meeting", ())] == [m.span() for m in lexicon.by_kind["strong"]["meeting"].finditer(text)]
