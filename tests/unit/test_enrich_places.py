"""Towns a report names without their country: which country they lie in."""

import pytest

from streams.enrichment.places import countries, place_country


@pytest.mark.parametrize("span, country", [
    ("Bignona", "SN"),
    ("la ville de Bignona", "SN"),       # the model's span often takes the words before the name
    ("Bavet city", "KH"),
    ("Ipiales", "CO"),
    ("Vienne", "AT"),                    # Vienna's French name: its people outnumber the French town's
    ("Paris", "FR"),                     # not Paris, Texas
])
def test_a_town_is_placed_in_the_country_most_of_its_namesakes_people_live_in(span, country):
    assert place_country(span) == country


@pytest.mark.parametrize("span", [
    "Los Lobos",     # a gang: a capitalised article is part of the name, not the Argentine town of Lobos
    "Victoria",      # towns of that name in many countries, none with nearly all of their people
    "Ain",           # names of three letters or fewer are mostly other words
    "Ministère",
])
def test_a_name_of_no_town_or_of_towns_in_several_countries_places_nothing(span):
    assert place_country(span) is None


def test_countries_know_their_continent_and_languages():
    assert countries()["SN"].continent == "AF" and "fr" in countries()["SN"].languages
    assert "es" in countries()["CO"].languages and "fr" not in countries()["CO"].languages
