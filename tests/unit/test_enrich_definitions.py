"""DefinitionResolver: 'Long Name (ACRONYM)' in the text, and what the agency and institution
resolvers make of it."""

from tests.unit.conftest import context_before

from streams.enrichment.context import Entity
from streams.enrichment.definitions import find_definitions, schwartz_hearst


def long_forms(text, entities=(), names=None):
    names = names or {}
    return [(text[d.start:d.end], d.short) for d in find_definitions(text, list(entities), lambda short: names.get(short.upper(), []))]


def test_the_letters_of_an_acronym_align_with_the_words_before_it():
    before = "officers trained for the first Joint Cyber Crime Unit"
    assert before[schwartz_hearst("JCCU", before):] == "Joint Cyber Crime Unit"
    assert schwartz_hearst("XYZ", before) is None


def test_definitions_of_unknown_acronyms_lowercase_names_included():
    assert long_forms("Raids by the joint anti-smuggling team (JAST) in Mombasa.") == [("joint anti-smuggling team", "JAST")]
    assert long_forms("la Commission régionale des pêches du lac Victoria (CRPLV), organisation") == [
        ("Commission régionale des pêches du lac Victoria", "CRPLV")]
    assert long_forms("He signed it (twice) yesterday.") == []


def test_a_known_body_is_found_under_a_name_written_a_little_differently():
    names = {"UNODC": ["Office des Nations unies contre la drogue et le crime"]}
    text = "coordonnée par l'Office des Nations unies contre les drogues et le crime (Onudc), l'opération"
    assert long_forms(text, names=names) == [("l'Office des Nations unies contre les drogues et le crime", "Onudc")]


def test_an_over_long_model_entity_gives_the_name_at_its_end():
    text = "detenidos por la Guardia Civil con ayuda de la Oficina Central de Investigación de Austria (BK) en Viena"
    start = text.index("Guardia")
    entity = Entity(start, text.index(" (BK)"), "ORG")
    assert long_forms(text, [entity], {"BK": ["Bundeskriminalamt"]}) == [("Oficina Central de Investigación de Austria", "BK")]


def organizations(enricher, text, language="en"):
    context = context_before(enricher, "organizations", text, language)
    enricher.organizations.build(context)
    return [(o.acronym, o.name, o.country, o.aliases) for o in context.organizations]


def test_a_gazetteer_body_defined_in_brackets_is_one_body_with_the_long_form_as_alias(enricher):
    orgs = organizations(enricher, "Le financement de l'Office des Nations unies contre les drogues et le crime (Onudc) a été renouvelé.", "fr")
    assert [(a, c) for a, _, c, _ in orgs] == [("ONUDC", None)]          # no "Nations unies" (UN) of its own
    assert "Office des Nations unies contre les drogues et le crime" in orgs[0][3]
    orgs = organizations(enricher, "The agreement links Aseanapol and the European Police (Europol).")
    assert [a for a, *_ in orgs if a] == ["ASEANAPOL", "Europol"] and len(orgs) == 2


def test_a_weak_acronym_counts_when_the_text_defines_it(enricher):
    orgs = organizations(enricher, "Les soldats de la Force mixte multinationale (FMM) ont repoussé une attaque près du lac.", "fr")
    assert [(a, c) for a, _, c, _ in orgs] == [("FMM", None)]
    assert "Force mixte multinationale" in orgs[0][3]


def test_an_unknown_acronym_with_its_long_form_is_an_institution(enricher):
    text = "Officers of the Regional Anti-Smuggling Task Force (RASTF) seized heroin in Mombasa, Kenya, on Monday."
    assert organizations(enricher, text)[0][:3] == ("RASTF", "Regional Anti-Smuggling Task Force", "KE")
    assert organizations(enricher, "The two sides signed a memorandum of understanding (MoU) in Nairobi, Kenya.") == []


def test_the_words_before_a_bracket_are_read_once_and_stop_at_its_clause():
    from streams.enrichment.definitions import _clause_words, _window

    text = "Hier, à Rabat, l'Office des Nations unies contre la drogue et le crime (ONUDC) a publié"
    bracket = text.index("(")
    clause, words = _clause_words(text, bracket)
    assert text[clause:bracket].strip().startswith("l'Office")
    assert [w.group(0) for w in words][-2:] == ["le", "crime"]
    for count in range(1, 15):
        assert _window(text, bracket, count, (clause, words)) == _window(text, bracket, count)
    assert _window(text, bracket, 3) == (text.index("et le crime"), "et le crime")
