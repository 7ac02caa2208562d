"""PersonResolver: persons from the model and honorifics, and the countries they are not."""

import re

import pytest

from tests.unit.conftest import context_before


def test_a_name_like_a_country_is_no_country(enricher):
    context = context_before(enricher, "persons", "Deputy Director Paul Jordan of the NCA visited Rabat. Jordan said the talks went well.")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Paul Jordan"]
    assert [m.code for m in context.countries] == ["MA"]   # both 'Jordan's are the person, not JO


def test_an_agency_name_is_not_a_person(enricher):
    context = context_before(enricher, "persons", "Le directeur de la Sûreté de l'État, Jan Peeters, était à Rabat.", "fr")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Jan Peeters"]


def test_a_list_of_countries_is_not_a_person(enricher):
    context = context_before(enricher, "persons", "Los jefes de policía de Argelia y Marruecos se reunieron con sus colegas de Libia y Túnez en Argel.", "es")
    enricher.persons.resolve(context)
    assert not any("Libia" in p.name or "Argelia" in p.name for p in context.persons)
    assert {"DZ", "MA", "LY", "TN"} <= {m.code for m in context.countries}


def test_honorific_surname_joins_its_full_name(enricher):
    context = context_before(enricher, "persons", "Le commissaire Karim Alaoui dirige l'enquête à Lyon. Selon M. Alaoui, les suspects ont fui.", "fr")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Karim Alaoui"]
    assert "M. Alaoui" in context.persons[0].mentions


def test_a_surname_nobody_names_in_full_is_dropped(enricher):
    context = context_before(enricher, "persons", "Le juge Jean Dupuis a entendu les suspects. Mme Callewaert, leur avocate, a protesté.", "fr")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Jean Dupuis"]


# ---------------------------------------------------------------- name shapes (pure functions)
from streams.enrichment.context import ResolvedPerson
from streams.enrichment.persons import (
    PersonCandidate, clean_name, listed_with_persons, looks_like_name, names_by_context, not_a_person,
    other_occurrences, resolve_persons, split_coordinated, whole_word_occurrences,
)
from streams.enrichment.text import fold


def test_particles_do_not_count_towards_the_length_of_a_name():
    assert looks_like_name("Hamad bin Nasser bin Jassim Al Kuwari")
    assert looks_like_name("Sidi Mohamed Ahmed Ould Cheikh Sidiya")
    assert not looks_like_name("One Two Three Four Five Six")


def test_titles_honorifics_and_leading_function_words_are_not_part_of_a_name():
    assert clean_name("Tan Sri Ahmad Zaki Hassan") == "Ahmad Zaki Hassan"
    assert clean_name("Vicealmirante Rosa María Quintana") == "Rosa María Quintana"
    assert clean_name("Según Juan Carlos Pérez") == "Juan Carlos Pérez"
    assert clean_name("Revista el Contralmirante") == "Revista"          # a title after 'el' ends the name
    assert clean_name("Milton Reina") == "Milton Reina"                  # a surname that is also a title stays


def test_a_shorter_full_name_that_begins_a_longer_one_is_that_person():
    text = "M. Karim Bennani a reçu la délégation. Karim Bennani El Idrissi dirige la police."
    full = text.index("Karim Bennani El")
    persons = resolve_persons([PersonCandidate("M. Karim Bennani", 0, 16), PersonCandidate(text[full:full + 24], full, full + 24)], set())
    assert [p.name for p in persons] == ["Karim Bennani El Idrissi"]
    assert sorted(persons[0].spans) == [(0, 16), (full, full + 24)]


def test_two_coordinated_names_are_two_persons_and_two_places_are_none():
    pieces = split_coordinated(PersonCandidate("Lucía Ferrer y Tomás Ibarra", 10, 37))
    assert [(p.text, p.start, p.end) for p in pieces] == [("Lucía Ferrer", 10, 22), ("Tomás Ibarra", 25, 37)]
    places = PersonCandidate("Portugal e Irlanda", 0, 18)
    assert split_coordinated(places) == [places]
    assert resolve_persons([places], set(), {"irlanda", "portugal"}) == []


def test_nicknames_operations_and_newspapers_are_not_persons():
    text = 'alias « Gran Jefe », la operación bautizada "Lobo Blanco" y el diario El Heraldo.'
    for name in ("Gran Jefe", "Lobo Blanco", "El Heraldo"):
        start = text.index(name)
        assert not_a_person(text, PersonCandidate(name, start, start + len(name))), name
    text = "Selon Karim Haddad, le réseau opérait depuis Anvers."
    assert not not_a_person(text, PersonCandidate("Karim Haddad", 6, 18))


def test_a_name_after_the_people_or_the_kind_of_a_place_is_the_place(enricher):
    def persons(text, language="en"):
        context = context_before(enricher, "persons", text, language)
        enricher.persons.resolve(context)
        return [p.name for p in context.persons]

    assert persons("Residents of Foni Bintang and Foni Kansala complained, said Ebrima Badjie, a village elder.") == ["Ebrima Badjie"]
    assert persons("Les habitants de Diouloulou Ndiaye ont salué l'opération, selon Moussa Diallo.", "fr") == ["Moussa Diallo"]
    assert persons("Los vecinos de San Isidro Labrador denunciaron los hechos ante Juan Pérez Gómez.", "es") == ["Juan Pérez Gómez"]
    # a person named after a place's people is still a person
    assert persons("Residents of Foni met Lamin Sanneh and Ebrima Badjie on Monday.") == ["Lamin Sanneh", "Ebrima Badjie"]


def test_a_state_named_by_its_form_is_no_person_and_names_its_country(enricher):
    context = context_before(enricher, "persons", "La FGR detuvo a Rodolfo Garza luego de que el Reino de España concediera su extradición.", "es")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Rodolfo Garza"]
    assert "ES" in {m.code for m in context.countries}
    context = context_before(enricher, "persons", "The Kingdom of Morocco and Ahmed Benali of the Republic of Mali met.")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Ahmed Benali"]


def test_a_name_in_a_list_with_persons_is_a_person():
    text = "Fueron detenidos Ana Gil Soto, Luis Mora y Pedro Sanz en Cali."
    persons = [ResolvedPerson("Ana Gil Soto", spans=[(17, 29)]), ResolvedPerson("Pedro Sanz", spans=[(43, 53)])]
    listed = listed_with_persons(text, persons, blocked=[(57, 61)])
    assert [(c.text, c.start) for c in listed] == [("Luis Mora", 31)]


def test_context_shows_a_person_the_model_tagged_otherwise():
    text = "Police General Budi Santoso Wibowo met the agency's spokesman Tunde Okafor Bello."
    entities = [(0, 34, "ORG"), (text.index("Tunde"), text.index("."), "ORG")]
    assert [c.text for c in names_by_context(text, entities, [])] == ["Budi Santoso Wibowo", "Tunde Okafor Bello"]
    text = "« Nous devons agir », a dit Lien Claes, porte-parole du parquet."
    start = text.index("Lien")
    assert [c.text for c in names_by_context(text, [(start, start + 10, "MISC")], [])] == ["Lien Claes"]


def test_an_age_or_a_nationality_shows_a_person_the_model_missed():
    text = "Karim Haddad, 38 ans, a été remis à la France. El italiano Marco Ferretti llegó ayer."
    demonym = text.index("italiano")
    found = [c.text for c in names_by_context(text, [], [(demonym, demonym + len("italiano"))])]
    assert found == ["Karim Haddad", "Marco Ferretti"]
    assert names_by_context("El italiano Servicio de Aduanas", [], [(3, 11)]) == []


def test_every_place_a_full_name_is_written_is_that_person():
    text = "La ministre Florence Dubois est arrivée. Florence Dubois a salué l'accord."
    person = ResolvedPerson("Florence Dubois", ["Florence Dubois"], [(41, 56)])
    other_occurrences(fold(text), [person])
    assert sorted(person.spans) == [(12, 27), (41, 56)]


# ---------------------------------------------------------------- the resolver on sentences
def test_a_long_name_with_particles_is_one_person(enricher):
    context = context_before(enricher, "persons", "Sheikh Hamad bin Nasser bin Jassim Al Kuwari, the Interior Minister, received the delegation in Doha.")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Hamad bin Nasser bin Jassim Al Kuwari"]


def test_a_first_name_that_is_a_city_is_no_country_when_the_person_is_named(enricher):
    text = ("Étaient présents à Niamey le président nigérien et la ministre des Armées Florence Roussel. "
            "A la clôture, Florence Roussel a salué la force.")
    context = context_before(enricher, "persons", text, "fr")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Florence Roussel"]
    assert "IT" not in {m.code for m in context.countries}
    assert {m.code for m in context.countries} == {"NE"}


def test_a_criminal_group_is_not_a_person(enricher):
    context = context_before(enricher, "persons", "La droga pertenecía al grupo armado colombiano Clan del Golfo, según la Armada.", "es")
    enricher.persons.resolve(context)
    assert context.persons == []


def test_a_group_after_a_nationality_is_not_a_person(enricher):
    context = context_before(enricher, "persons", "Police arrested three Montenegrin Mafia Members near Sarajevo.")
    enricher.persons.resolve(context)
    assert context.persons == []


@pytest.mark.parametrize("text, language", [
    ("El detenido ha quedado a disposición judicial tras aterrizar en el aeropuerto Adolfo Suárez Madrid-Barajas.", "es"),
    ("Le suspect a été remis aux policiers français à l'aéroport Félix-Houphouët-Boigny d'Abidjan.", "fr"),
    ("The suspect was handed over at Jomo Kenyatta International Airport on Tuesday.", "en"),
])
def test_an_airport_named_after_a_person_is_not_a_person(enricher, text, language):
    context = context_before(enricher, "persons", text, language)
    enricher.persons.resolve(context)
    assert context.persons == []


def test_an_outlet_s_masthead_is_not_a_person(enricher):
    # the model reads 'told Addis Standard' as a person told
    context = context_before(enricher, "persons", "The commissioner, Zelalem Mengistu, told Addis Standard that the hotline would start soon.")
    enricher.persons.resolve(context)
    assert [p.name for p in context.persons] == ["Zelalem Mengistu"]


def test_a_country_s_navy_is_not_a_person(enricher):
    # the model reads 'la Armada Argentina' as a person; its country stays a country
    text = "El ejercicio reunió a personal de la Armada Argentina y de la Armada de Chile en el canal Beagle."
    context = context_before(enricher, "persons", text, "es")
    enricher.persons.resolve(context)
    assert context.persons == []
    assert [m.code for m in context.countries] == ["AR", "CL"]


def persons_of(enricher, text, language="en"):
    context = context_before(enricher, "persons", text, language)
    enricher.persons.resolve(context)
    return [p.name for p in context.persons]


def test_towns_listed_as_one_name_are_no_person(enricher):
    assert persons_of(enricher, "Los agentes detuvieron a catorce personas en Ayamonte, Isla Cristina y Lepe, según la "
                                "Guardia Civil.", "es") == []
    assert persons_of(enricher, "Los militares patrullan las provincias de Carchi y Sucumbíos, en la frontera con "
                                "Colombia.", "es") == []


def test_an_operation_s_name_is_no_person():
    from streams.enrichment.persons import PersonCandidate, not_a_person
    text = "Operation Kalahari saw coordinated raids in five countries."
    assert not_a_person(text, PersonCandidate("Operation Kalahari", 0, 18))
    assert not not_a_person("Inspector Kalahari Smith led the raids.", PersonCandidate("Kalahari Smith", 10, 24))


def test_a_name_listed_beside_a_person_passes_the_same_filters(enricher):
    names = persons_of(enricher, "« Nous suivons une piste sérieuse », a indiqué le procureur de la République de "
                                 "Quimper, Martine Lebrun.", "fr")
    assert names == ["Martine Lebrun"]


def test_a_full_name_is_found_again_as_a_whole_word_only():
    text = fold("Ana Gil, Ana Gilbert et ana gil_x; MAna Gil. Ana Gil")
    for word in ("ana gil", "gil", "ana", "a", "x"):
        expected = [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)]
        assert whole_word_occurrences(text, word) == expected, word
    assert whole_word_occurrences(text, "ana gil") == [(0, 7), (45, 52)]
