"""Institutions outside the gazetteer, ministry names, generic bodies and their countries."""


import pytest

from tests.unit.conftest import context_before
from tests.unit.conftest import make_article as article

from schemas.articles import Organization
from streams.enrichment.attribution import is_partner
from streams.enrichment.institutions import (
    acronym_after,
    clean_institution,
    extend_name,
    looks_like_institution,
    strip_qualifier,
)
from streams.enrichment.organizations import merge_generic
from streams.enrichment.text import fold


def orgs(result):
    return {(o.name, o.country) for o in result.organizations}


def names_of(result, country):
    return {n for o in result.organizations if o.country == country for n in [o.name, *o.aliases]}


def test_clean_institution_strips_articles_possessives_and_trailing_words():
    assert clean_institution("the Peruvian Border Police's") == "Peruvian Border Police"
    assert clean_institution("Tribunal Superior por") == "Tribunal Superior"
    assert clean_institution("the Maritime Security Unit (") == "Maritime Security Unit"


def test_looks_like_institution_needs_a_head_word_and_capitals():
    assert looks_like_institution("Maritime Security Unit")
    assert looks_like_institution("Corte Superior de Justicia")
    assert not looks_like_institution("Golden Gate")
    assert not looks_like_institution("Unit")
    assert not looks_like_institution("the unit of the regional police")


def test_extend_name_and_acronym_after():
    text = "la Corte Superior de Justicia decidió"
    assert text[3:extend_name(text, len("la Corte Superior"))] == "Corte Superior de Justicia"
    assert acronym_after("Border Police (BPU) said", len("Border Police")) == ("BPU", len("Border Police (BPU)"))
    assert acronym_after("Border Police (see below)", len("Border Police"))[0] is None


def test_strip_qualifier_both_sides():
    words = {"peruvian", "espanola", "peru"}
    assert strip_qualifier("Peruvian Border Police", words) == "Border Police"
    assert strip_qualifier("Guardia Fronteriza espanola", {fold("española")}) == "Guardia Fronteriza"
    assert strip_qualifier("Policía Fronteriza de Peru", words) == "Policía Fronteriza"


def test_partner_after_with_is_not_the_home_country():
    folded = fold("the minister praised cooperation with Lisbon")
    assert is_partner(folded, folded.index("lisbon"))
    assert not is_partner(folded, folded.index("cooperation"))


def test_merge_generic_folds_into_specific():
    specific = Organization(acronym=None, name="Peruvian Federal Police", aliases=[], country="PE", kind="police", mentions=["a"], source="gazetteer")
    generic = Organization(acronym=None, name="Federal Police", aliases=["Police fédérale"], country="PE", kind="police", mentions=["b"], source="gazetteer")
    other = Organization(acronym=None, name="Federal Police", aliases=[], country="AR", kind="police", mentions=["c"], source="gazetteer")
    merged = merge_generic([specific, generic, other])
    assert len(merged) == 2 and "Federal Police" in merged[0].aliases


def institutions(enricher, text, language="en"):
    context = context_before(enricher, "institutions", text, language)
    enricher.institutions.resolve(context)
    return [(m.text, m.country, m.country_source, m.aliases) for m in context.organization_mentions]


def test_resolver_adds_a_model_organisation_with_a_head_word_and_its_qualifier(enricher):
    assert institutions(enricher, "Officers of the Peruvian Maritime Security Directorate worked with Chilean investigators.") == [
        ("Peruvian Maritime Security Directorate", "PE", "qualifier", ["Maritime Security Directorate"]),
    ]


def test_resolver_adds_a_court_named_after_its_seat(enricher):
    assert institutions(enricher, "Le tribunal correctionnel de Lyon a condamné trois hommes.", "fr") == [
        ("Tribunal correctionnel de Lyon", "FR", "qualifier", []),
    ]


def test_resolver_gives_a_generic_body_the_forms_of_the_name_around_it(enricher):
    assert institutions(enricher, "Officers of the Albanian State Police arrested two suspects in Tirana.") == [
        ("State Police", "AL", "qualifier", ["Albanian State Police", "State Police"]),
    ]


def test_model_institution_gets_country_of_its_qualifier(enricher):
    result = enricher.enrich(article(
        "Peru and Chile step up drug cooperation",
        "Officers of the Peruvian Maritime Security Directorate worked with Chilean investigators on the case. "
        "Police said the smugglers used fishing boats.",
        "en",
    ))
    found = {o.country for o in result.organizations if "Maritime Security Directorate" in [o.name, *o.aliases]}
    assert found == {"PE"}
    assert any(o.source == "model" for o in result.organizations)


def test_court_named_after_its_seat(enricher):
    result = enricher.enrich(article(
        "Procès à Lyon",
        "Le tribunal correctionnel de Lyon a condamné trois hommes pour trafic de stupéfiants.",
        "fr",
    ))
    assert ("Tribunal correctionnel de Lyon", "FR") in orgs(result)


def test_generic_body_takes_adjacent_demonym(enricher):
    result = enricher.enrich(article(
        "Border talks",
        "The Bulgarian Border Police and the Romanian Border Police held talks on smuggling in Sofia.",
        "en",
    ))
    assert "Border Police" in names_of(result, "BG") and "Border Police" in names_of(result, "RO")


def test_joint_portfolio_ministry_keeps_its_full_name(enricher):
    result = enricher.enrich(article(
        "Portuguese minister visits Rabat",
        "Portugal's Ministry of Internal Administration and Security was represented in Rabat. "
        "The Ministry of Migration and Integration of Portugal also attended the talks on terrorism.",
        "en",
    ))
    assert "Ministry of Migration and Integration" in names_of(result, "PT")


def test_spanish_ministry_literal_name_and_counterpart(enricher):
    result = enricher.enrich(article(
        "Reunión en Lisboa",
        "El ministro de Asuntos Internos de Chipre se reunió en Lisboa con su homólogo portugués para hablar de terrorismo.",
        "es",
    ))
    assert "Ministerio de Asuntos Internos" in names_of(result, "CY")
    assert any(o.country == "PT" for o in result.organizations if o.kind == "ministry")


def test_ministry_country_from_acronym_in_brackets(enricher):
    result = enricher.enrich(article(
        "Training in Dakar",
        "Senegalese officers are taking part in a course in Dakar funded by the Federal Interior Ministry (BMI) on terrorism.",
        "en",
    ))
    assert any(o.acronym == "BMI" and o.country == "DE" for o in result.organizations)


def test_shared_acronym_resolved_by_article_context(enricher):
    result = enricher.enrich(article(
        "Alger : la police démantèle une cellule terroriste",
        "La DGSN a annoncé l'arrestation de quatre suspects à Oran, en Algérie.",
        "fr",
    ))
    assert ("DGSN", "DZ") in {(o.acronym, o.country) for o in result.organizations}


def test_colon_dateline_places_the_event(enricher):
    result = enricher.enrich(article(
        "Oman, UK sign security memorandum",
        "MUSCAT: Oman and the United Kingdom signed a memorandum of understanding on countering terrorism on Monday.",
        "en",
    ))
    assert ("agreement", "OM") in {(e.type, e.location) for e in result.events}


@pytest.mark.parametrize("text,topic", [
    ("Police broke up a gang that ran the port.", "organized_crime"),
    ("Officers seized rifles, munitions and hand grenades.", "arms_trafficking"),
    ("The victims were held in debt bondage.", "human_trafficking"),
    ("Las víctimas fueron obligadas a trabajar en granjas.", "human_trafficking"),
])
def test_topic_lexicon_additions(enricher, text, topic):
    assert topic in enricher.topics.lexicon.find(fold(text))


# ---------------------------------------------------------------- name shapes
def institution_names(enricher, text, language="en", title="Note"):
    context = context_before(enricher, "institutions", text, language, title)
    enricher.institutions.resolve(context)
    return [(m.text, m.country) for m in context.organization_mentions if m.key.startswith("institution:")]


def test_french_and_spanish_names_in_sentence_case():
    assert looks_like_institution("Centre de recherche sur la criminalité organisée")
    assert looks_like_institution("Cellule nationale de traitement des informations")
    assert not looks_like_institution("Rapport annuel de la police")


def test_bodies_written_in_lower_case_with_an_institutional_adjective(enricher):
    text = ("En France, les stagiaires de l'école nationale de police ont reçu des ordinateurs, "
            "a indiqué la préfecture maritime de la Manche dans un communiqué.")
    assert institution_names(enricher, text, "fr") == [("École nationale de police", "FR"), ("Préfecture maritime de la Manche", "FR")]
    assert institution_names(enricher, "Au Maroc, le comité conjoint de sécurité s'est réuni lundi.", "fr") == []


def test_a_body_in_sentence_case_is_looked_for_at_each_head_word_whatever_its_accents_and_capitals():
    from streams.enrichment.context import ArticleContext
    from streams.enrichment.institutions import shaped_names
    from tests.unit.conftest import make_article

    text = ("Le Centre national de secours et l'École supérieure de guerre ont formé "
            "les stagiaires de la police judiciaire de Lyon; unité spéciale d'intervention.")
    context = ArticleContext.build(make_article("Note", text, "fr"), None, [])
    assert [context.text[start:end] for start, end in shaped_names(context)] == [
        "Centre national de secours", "École supérieure de guerre", "police judiciaire de Lyon", "unité spéciale d'intervention"]


def test_courts_and_police_named_after_a_town_the_lexicon_does_not_know(enricher):
    assert ("Parquet de Lorient", "FR") in institution_names(
        enricher, "En France, le navire a été dérouté sur décision du parquet de Lorient, en Bretagne.", "fr")
    assert institution_names(enricher, "Eight suspects face charges in the United States. The order came from the Tampa district court.") == [
        ("Tampa district court", "US")]


def test_countries_posts_people_and_headlines_are_not_bodies(enricher):
    assert institution_names(enricher, "He lost his appeal in the UK Court on Monday.") == []
    assert institution_names(enricher, "He met the Inspector-General of Police of Malaysia and the ASEAN Police Chiefs in Kuala Lumpur.") == []
    assert institution_names(enricher, "Five smugglers were arrested near the border.", title="Greek Border Police Arrest Five Smugglers") == []


def test_a_unit_of_a_named_body(enricher):
    context = context_before(enricher, "institutions", "The State Department's Bureau of Counterterrorism funds the course.")
    enricher.institutions.resolve(context)
    assert [(m.text, m.country) for m in context.organization_mentions] == [("State Department", "US"), ("Bureau of Counterterrorism", "US")]


def test_spanish_bodies_the_model_tags_as_places(enricher):
    assert ("Fiscalía de Panamá", "PA") in institution_names(enricher, "Según un comunicado de la Fiscalía de Panamá, los detenidos serán extraditados.", "es")


def test_a_name_in_sentence_case_keeps_its_lower_case_words_not_the_verb_after_it():
    assert clean_institution("Cellule régionale de coordination") == "Cellule régionale de coordination"
    assert clean_institution("Centre de recherche sur la piraterie de l'Union africaine") == "Centre de recherche sur la piraterie de l'Union africaine"
    assert clean_institution("Corte de Lima también ordenó") == "Corte de Lima"


def test_a_unit_of_an_international_body_has_its_country(enricher):
    text = "Des chercheurs du Centre de recherche sur la piraterie de l'Union africaine étaient à Alger."
    context = context_before(enricher, "institutions", text, "fr")
    enricher.institutions.resolve(context)
    units = [(m.text, m.country) for m in context.organization_mentions if m.key.startswith("institution:")]
    assert units == [("Centre de recherche sur la piraterie de l'Union africaine", None)]


def _country_of(enricher, text, source, name_part, language="es"):
    """The country given to the body whose name holds ``name_part``, in ``text`` published by ``source``."""
    result = enricher.enrich(article("Frontera", text, language).model_copy(update={"source": source}))
    return next(o.country for o in result.organizations if name_part in o.name.lower())


def test_a_body_calling_itself_national_without_saying_whose_is_the_outlet_s_country_s(enricher):
    text = ("Tropas del Ejército Nacional y de las Fuerzas Armadas del Ecuador desarrollaron una ofensiva coordinada contra el "
            "narcotráfico en la frontera.")
    assert _country_of(enricher, text, "bogota-hoy", "ejército nacional") == "CO"
    # a country named before it places it, whatever the outlet; an outlet of no known country guesses nothing new
    before = ("Ecuador y Colombia reforzaron la frontera contra el narcotráfico. Tropas del Ejército Nacional patrullaron "
              "la zona.")
    assert _country_of(enricher, before, "bogota-hoy", "ejército nacional") == "CO"
    assert _country_of(enricher, text, "frontier-wire", "ejército nacional") == "EC"
