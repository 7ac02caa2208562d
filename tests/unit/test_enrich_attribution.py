"""Country attribution shared by the agency, ministry and institution resolvers."""

from collections import Counter

from tests.unit.conftest import context_before

from streams.enrichment.attribution import context_country, qualifier_country, seat_or_preceding_country
from streams.enrichment.context import OrgMention


def mention_of(context, surface):
    start = context.text.index(surface)
    return OrgMention(start, start + len(surface), "a-body", surface)


def qualifier(enricher, text, surface, language="en"):
    context = context_before(enricher, "agency countries", text, language)
    return qualifier_country(mention_of(context, surface), context.countries, context.text)


def test_qualifier_after_inside_or_before_the_name(enricher):
    assert qualifier(enricher, "Des cadres de la DGSN de Mauritanie.", "DGSN", "fr") == "MR"
    assert qualifier(enricher, "La Garde nationale tunisienne patrouille.", "Garde nationale", "fr") == "TN"
    assert qualifier(enricher, "Le ministère espagnol de l'Intérieur a réagi.", "ministère espagnol de l'Intérieur", "fr") == "ES"
    assert qualifier(enricher, "Spain's Guardia Civil seized hashish.", "Guardia Civil") == "ES"
    assert qualifier(enricher, "The Guardia Civil met officers in Spain.", "Guardia Civil") is None


def test_context_country_prefers_the_place_of_the_sentence_over_a_partner(enricher):
    context = context_before(enricher, "agency countries", "In Rabat, the National Guard worked with Spain on the case.")
    assert context_country(mention_of(context, "National Guard"), context.countries, context) == "MA"
    context = context_before(enricher, "agency countries", "Morocco hosted the talks. The National Guard worked with Spain on the case.")
    assert context_country(mention_of(context, "National Guard"), context.countries, context) == "MA"


def test_seat_written_after_the_body_else_the_country_named_before(enricher):
    context = context_before(enricher, "institutions", "The High Court in Lagos sat. Ghana was not mentioned before.")
    court = mention_of(context, "High Court")
    assert seat_or_preceding_country(court.start, court.end, context.countries, context.folded, Counter()) == "NG"
    context = context_before(enricher, "institutions", "Two men were tried in Ghana. The High Court sat.")
    court = mention_of(context, "High Court")
    assert seat_or_preceding_country(court.start, court.end, context.countries, context.folded, Counter()) == "GH"
