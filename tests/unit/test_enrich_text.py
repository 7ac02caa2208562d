from streams.enrichment.language import detect_language
from streams.enrichment.text import compile_patterns, fold, fold_key, split_sentences


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
