"""PersonResolver: persons from the model and honorifics, and the countries they are not."""

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
