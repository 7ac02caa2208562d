import pytest

from streams.enrichment.agencies import AgencyGazetteer
from streams.enrichment.countries import CountryLexicon
from streams.enrichment.ministries import MinistryFinder
from streams.enrichment.persons import PersonCandidate, clean_name, resolve_persons
from streams.enrichment.text import fold
from streams.enrichment.topics import TopicLexicon


@pytest.fixture(scope="module")
def countries():
    return CountryLexicon()


def codes(lexicon, text):
    return [m.code for m in lexicon.find(text)]


def test_country_names_in_three_languages(countries):
    assert codes(countries, "Le Royaume-Uni, les États-Unis et le Maroc") == ["GB", "US", "MA"]
    assert codes(countries, "Marruecos y Alemania") == ["MA", "DE"]


def test_demonyms_with_inflections_and_prefixes(countries):
    assert codes(countries, "des enquêteurs marocaines et algériens") == ["MA", "DZ"]
    assert codes(countries, "une patrouille franco-tunisienne") == ["FR", "TN"]
    assert codes(countries, "Dutch and Portuguese officers") == ["NL", "PT"]


def test_capitals_and_case_sensitive_short_names(countries):
    assert codes(countries, "talks in Ankara with US envoys") == ["TR", "US"]
    assert codes(countries, "let us meet") == []
    assert codes(countries, "a polish on the shoes") == []


def test_agency_acronyms_names_and_compounds():
    gazetteer = AgencyGazetteer()
    text = "Le pôle DGSN-DGST et la Guardia Civil ; le directeur général de la gendarmerie nationale."
    keys = [m.key for m in gazetteer.find(text, fold(text))]
    assert keys == ["ma-dgsn", "ma-dgst", "es-gc", "fr-dggn"]
    assert gazetteer.version


def test_acronyms_are_case_sensitive():
    gazetteer = AgencyGazetteer()
    text = "Au cours de la réunion, un membre de l'UA"
    assert [m.key for m in gazetteer.find(text, fold(text))] == ["int-au"]


def test_ministries_by_portfolio():
    finder = MinistryFinder()
    found = finder.find("le ministère belge de la Justice et the Greek Interior Minister, ministerio del Interior")
    assert [m.key for m in found] == ["ministry:justice", "ministry:interior", "ministry:interior"]
    acronym, name, aliases = finder.describe("interior", "GB", "en", None)
    assert name == "Home Office"


def test_topics_on_stems():
    topics = TopicLexicon()
    found = topics.find(fold("Ils s'étaient radicalisés ; trafic de cocaïne ; human trafficking ; ciberataques"))
    assert {"radicalisation", "drug_trafficking", "human_trafficking", "cybercrime"} <= set(found)


def test_person_names_are_cleaned_and_merged():
    assert clean_name("M. Jean Dupuis") == "Jean Dupuis"
    assert clean_name("d'Ahmed Benali") == "Ahmed Benali"
    assert clean_name("Gen. Paul Martin's") == "Paul Martin"
    people = resolve_persons(
        [PersonCandidate("Karim Alaoui", 0, 12), PersonCandidate("M. Alaoui", 50, 59), PersonCandidate("Lions de l'Atlas", 70, 86), PersonCandidate("Dupont", 90, 96)],
        set(),
    )
    assert [(p.name, len(p.mentions)) for p in people] == [("Karim Alaoui", 2)]
