"""OrganizationBuilder: one record per body and country, with the names an analyst searches for."""

from tests.unit.conftest import context_before


def organizations(enricher, text, language="en"):
    context = context_before(enricher, "organizations", text, language)
    enricher.organizations.build(context)
    return context.organizations


def test_a_name_and_its_acronym_are_one_agency_named_in_the_article_language(enricher):
    found = organizations(enricher, "La Direction générale de la sûreté nationale (DGSN) marocaine coopère avec la DGSI.", "fr")
    assert [(o.acronym, o.name, o.country, o.kind) for o in found] == [
        ("DGSN", "Direction générale de la sûreté nationale", "MA", "police"),
        ("DGSI", "Direction générale de la sécurité intérieure", "FR", "intelligence"),
    ]
    assert "General Directorate for National Security" in found[0].aliases


def test_the_same_portfolio_in_two_countries_is_two_ministries(enricher):
    found = organizations(enricher, "Greek Interior Minister Nikos Papadakis met his Bulgarian counterpart in Athens.")
    assert [(o.name, o.country, o.kind) for o in found] == [("Ministry of the Interior", "GR", "ministry"), ("Ministry of the Interior", "BG", "ministry")]
    assert "Ministère de l'Intérieur" in found[0].aliases


def test_the_form_without_its_national_qualifier_is_an_alias(enricher):
    found = organizations(enricher, "The Bulgarian Border Police and the Romanian Border Police held talks in Sofia.")
    romanian = next(o for o in found if o.country == "RO")
    assert "Romanian Border Police" in romanian.mentions and "Border Police" in romanian.aliases


def test_an_institution_keeps_the_name_it_is_written_with(enricher):
    found = organizations(enricher, "Le tribunal correctionnel de Lyon a condamné trois hommes.", "fr")
    assert [(o.name, o.country, o.kind, o.source) for o in found] == [("Tribunal correctionnel de Lyon", "FR", "institution", "model")]
