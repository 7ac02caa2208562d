"""CountryResolver: country mentions, their weights and the article's country tags."""

from tests.unit.conftest import context_before


def test_find_names_demonyms_and_capitals(enricher):
    context = context_before(enricher, "countries", "Spain's Guardia Civil met French officers in Rabat.")
    enricher.countries.find(context)
    assert [(m.code, m.kind, m.text) for m in context.countries] == [
        ("ES", "name", "Spain"), ("FR", "demonym", "French"), ("MA", "capital", "Rabat"),
    ]


def test_title_counts_twice(enricher):
    context = context_before(enricher, "country weights", "Spain and Morocco signed a memorandum.", title="Rabat talks")
    enricher.countries.weigh(context)
    assert context.country_weights == {"MA": 3.0, "ES": 1.0}


def test_a_city_weighs_half_a_name(enricher):
    context = context_before(enricher, "country weights", "Police in Marseille questioned a Spanish suspect.")
    enricher.countries.weigh(context)
    assert context.country_weights["FR"] == 0.5 and context.country_weights["ES"] == 1.0


def test_tags_carry_countries_of_bodies_with_their_evidence(enricher):
    context = context_before(enricher, "country tags", "The Guardia Civil arrested two men in Morocco.")
    enricher.countries.tag(context)
    assert {(t.code, tuple(t.evidence)) for t in context.country_tags} == {("ES", ("Guardia Civil",)), ("MA", ("Morocco",))}
