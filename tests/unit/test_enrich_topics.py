"""TopicResolver: threat topics from the lexicon, organisation names masked."""

from tests.unit.conftest import context_before


def topics(enricher, text, language="en"):
    context = context_before(enricher, "topics", text, language)
    enricher.topics.resolve(context)
    return {t.topic: t.terms for t in context.topics}


def test_topics_with_the_terms_that_show_them(enricher):
    assert topics(enricher, "Police seized two tonnes of cocaine in Bogota.") == {"drug_trafficking": ["cocaine"]}


def test_an_agency_name_is_no_topic(enricher):
    text = "The Drug Enforcement Administration opened an office in Bogota."
    assert "drug_trafficking" in enricher.topics.lexicon.find(text.lower())   # the words alone would count
    assert topics(enricher, text) == {}


# ---------------------------------------------------------------- compositions and vocabulary
from streams.enrichment.text import fold
from streams.enrichment.topics import TopicLexicon

LEXICON = TopicLexicon()


def found(text):
    return set(LEXICON.find(fold(text)))


def test_a_trafficking_word_and_what_is_trafficked_make_the_topic():
    assert found("Le réseau vivait du trafic de cigarettes, d'êtres humains et d'armes.") >= {"human_trafficking", "arms_trafficking"}
    assert found("Detenidos por tráfico internacional de inmigrantes en Ceuta.") == {"illegal_immigration"}
    assert found("He was convicted for the smuggling of weapons into Albania.") == {"arms_trafficking"}
    assert found("Il a été arrêté pour trafic de cigarettes. Les armes du club ont été rangées.") == set()   # not over a sentence end


def test_security_words_and_borders_groups_and_crimes():
    assert found("La sécurisation des frontières et la vigilancia de las costas.") == {"border_security"}
    assert found("Across our borders, protect the children.") == set()         # a border then a verb is no border security
    assert "organized_crime" in found("Cayó una banda de narcotraficantes en Rosario.")
    assert "organized_crime" in found("Police broke a drug ring in Leeds.")


def test_objects_alone_and_look_alike_phrases_are_no_topic():
    assert found("Les enquêteurs ont saisi des armes blanches et deux armes à feu.") == set()
    assert found("Both spy agencies will share data.") == set()
    assert found("Descubrieron laboratorios clandestinos en la selva.") == set()


def test_vocabulary_of_radicalisation_and_cybercrime():
    assert "radicalisation" in found("Il est poursuivi pour apologie du terrorisme.")
    assert found("Detenido por adoctrinamiento de menores.") == {"radicalisation"}
    assert found("The cyber criminals were arrested.") == {"cybercrime"}


def test_the_composition_heads_the_one_scan_finds_are_those_their_own_regex_finds():
    from streams.enrichment.text import fold
    from streams.enrichment.topics import TopicLexicon, _head_lexicon

    lexicon = TopicLexicon()
    text = fold("Le trafic de migrants et d'armes, la sécurisation des frontières; una banda de narcotraficantes "
                "y el tráfico internacional de armas; a drug ring, human smuggling networks and arms trafficking.")
    found = lexicon._lexicons.finditer(text)
    assert any(found.get(_head_lexicon(index)) for index in range(len(lexicon._compositions)))
    for index, composition in enumerate(lexicon._compositions):
        assert [m.span() for m in found.get(_head_lexicon(index), [])] == [m.span() for m in composition.heads.finditer(text)]
    assert set(lexicon.find(text)) <= set(lexicon._patterns)   # heads are no topic


def test_armed_groups_under_their_usual_spellings_are_terrorism(enricher):
    for text in ("Kenyan and Somali officials discussed the al-Shabaab threat along the border.",
                 "The army said ISWAP fighters attacked a base near the lake.",
                 "Le JNIM a revendiqué l'attaque contre un poste de gendarmerie."):
        assert "terrorism" in topics(enricher, text, "fr" if text.startswith("Le ") else "en"), text


def test_laundering_told_by_its_verb_is_money_laundering(enricher):
    assert "money_laundering" in topics(enricher, "Les enquêteurs estiment que les fonds détournés étaient ensuite "
                                                  "blanchis au moyen de cryptomonnaies par le réseau de trafiquants.", "fr")
    assert "money_laundering" in topics(enricher, "La red de narcotraficantes blanqueaba parte de los beneficios de la "
                                                  "cocaína con la compra de inmuebles.", "es")
    # cleared of a charge is no laundering
    assert "money_laundering" not in topics(enricher, "Le policier, soupçonné de trafic de drogue, a finalement été "
                                                      "blanchi par la justice.", "fr")
