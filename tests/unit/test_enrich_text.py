from streams.enrichment.language import detect_language
from streams.enrichment.text import CaseBlind, compile_patterns, fold, fold_key, leading_words, split_sentences


def test_fold_keeps_length_and_removes_accents():
    text = "Sûreté de l’État – Garde-côtes"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "surete de l'etat - garde-cotes"
    assert fold_key("Sûreté de l'État") == "surete de l etat"


def test_patterns_match_stems_and_gaps():
    regex = compile_patterns(["trafi* _ d'armes", "reseau* criminel*"])
    assert regex.search(fold("un trafic international d'armes"))
    assert regex.search(fold("des Réseaux Criminels"))
    assert not regex.search(fold("un réseau social"))


def test_sentences_do_not_split_after_abbreviations():
    sentences = split_sentences("Titre\n\nM. Dupont est venu. Gen. John Smith a parlé. Fin.")
    assert [s.text for s in sentences] == ["Titre", "M. Dupont est venu.", "Gen. John Smith a parlé.", "Fin."]


def test_language_detection():
    assert detect_language("Coopération", "La police a arrêté trois suspects à Lyon hier soir.") == "fr"
    assert detect_language("Cooperation", "The police arrested three suspects in Leeds last night.") == "en"
    assert detect_language("Cooperación", "La Guardia Civil detuvo ayer a tres sospechosos en Sevilla.") == "es"


def test_compiled_patterns_find_what_each_pattern_finds_alone():
    import re

    from streams.enrichment.text import compile_patterns, pattern_regex

    patterns = ["trafic* d'armes", "arms traffick*", "drogue*", "reseau* _ demantele*", "cartel*"]
    text = fold("Le réseau a été démantelé ; un trafic d'armes et de drogues, deux cartels, narcotrafic (pas un mot).")
    union = sorted(m.span() for p in patterns for m in re.finditer(pattern_regex(p), text))
    assert sorted(m.span() for m in compile_patterns(patterns).finditer(text)) == union
    assert not compile_patterns(["trafic*"]).search(fold("le narcotrafic"))      # a pattern starts a word


def test_whole_words_are_found_as_the_regex_of_their_alternatives_finds_them():
    import re

    from streams.enrichment.agencies import AgencyGazetteer
    from streams.enrichment.text import WholeWords

    def regex_matches(words, text):
        ordered = sorted(words, key=len, reverse=True)
        regex = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, ordered)) + r")(?![\w])")
        return [(m.start(), m.end(), m.group(1)) for m in regex.finditer(text)]

    words = ["AB", "ABC", "BC", "C D", "MAOC (N)", "GSG 9", "R&AW", "é"]
    text = "AB ABC ABCD xAB AB_ BC-AB C D D MAOC (N) GSG 9 R&AW é éa AB"
    assert WholeWords(words).finditer(text) == regex_matches(words, text)
    assert [w for _, _, w in WholeWords(words).finditer(text)] == ["AB", "ABC", "BC", "AB", "C D", "MAOC (N)", "GSG 9", "R&AW", "é", "AB"]
    acronyms = list(AgencyGazetteer()._acronyms)
    press = "The DEA, FBI and the Guardia Civil (GC) met MAOC-N, EU INTCEN and the DGSN/DGST; FC-G5S and the CNI-ES. " * 3
    assert WholeWords(acronyms).finditer(press) == regex_matches(acronyms, press)


def test_a_regex_s_leading_words_are_those_every_match_starts_with():
    assert leading_words(r"secretari[oa]s?\s+de") == ("secretari",)
    assert leading_words(r"vice-?ministr") == ("vice",)
    assert leading_words(r"titulars?") == ("titular",)                        # the optional 's' is not required
    assert leading_words(r"(?i)\b(?:tribunal(?:\s+x)?|cour\s+d['’]appel|fiscal[ií]a)\s+de") == ("tribunal", "cour", "fiscal")
    assert leading_words(r"(?:state\s+secretary|secretary\s+of\s+state)\s+for") == ("state", "secretary")
    assert leading_words(r"(?:a\(|b)x") == ("a", "b")                          # an escaped bracket closes nothing
    assert leading_words(r"(?:ab|cd)?x") == ()                                # an optional group: matches may start with x
    assert leading_words(r"(?:ab|\d+)x") == ()                                # an alternative without letters first
    assert leading_words(r"[Mm]inist") == ()
    assert leading_words(r"(?:a[)|]b|c)x") == ("a", "c")                      # brackets and bars of a class are members
    assert leading_words(r"abc|def") == ("abc", "def")                        # alternatives outside any group
    assert leading_words(r"(?:ab)|cd") == ("ab", "cd")
    assert leading_words(r"abc|\d") == ()


def test_a_case_blind_regex_tried_at_its_words_finds_what_a_whole_scan_finds():
    court = CaseBlind(r"\b(?:tribunal|parquet(?:\s+g[ée]n[ée]ral)?|cour\s+d['’]appel)\s+(?:de|d['’])\s*(?=[A-ZÀ-Ý])")
    minist = CaseBlind(r"minist")
    texts = ["Le Parquet général de Rennes et le TRIBUNAL de Brest; la cour d'appel d'Aix.",
             "Le parquet de parquet de Lyon, le sous-tribunal de Nice",     # overlapping and inside a word
             "The MINISTRY, the Ministère, a vice-ministro, administration",
             "Letters that match ASCII ones case-blind: the K and ſ of \u212aatherine's mini\u017ftry, the İnterior ministry"]
    for regex in (court, minist):
        for text in texts:
            assert [m.span() for m in regex.finditer(text)] == [m.span() for m in regex.regex.finditer(text)], text
    assert len(list(court.finditer(texts[0]))) == 3
    assert [m.group(0) for m in minist.finditer(texts[3])] == ["mini\u017ft", "minist"]


def test_every_gazetteer_reads_the_same_with_the_fast_yaml_parser():
    import yaml

    from streams.enrichment.text import GAZETTEER_DIR, load_yaml

    names = sorted(path.name for path in GAZETTEER_DIR.glob("*.yaml"))
    assert {"agencies.yaml", "countries.yaml", "events.yaml"} <= set(names)
    for name in names:
        assert load_yaml(name) == yaml.safe_load((GAZETTEER_DIR / name).read_text(encoding="utf-8")), name
