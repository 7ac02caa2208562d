"""Where an article comes from: the country of its outlet (its domain, the place its name
carries) and the country CLDR takes as its language's likely one. Evidence of the side a report
takes for granted when it never names it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable
from urllib.parse import urlparse

import pycountry
from babel.core import get_global

from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME
from streams.enrichment.countries import shared_lexicon
from streams.enrichment.text import fold, load_yaml

# Country-code domains used as generic ones: they say where the outlet is only under a
# second-level domain ('eltiempo.com.co', not 'news.co').
_GENERIC_TLDS = {"co", "io", "me", "tv", "fm", "ai", "ly", "cc", "ws", "to", "nu", "gg", "sh", "ac", "la", "am", "gl",
                 "im", "so", "st", "vc", "md", "tk", "ag", "sc", "cx", "mu"}
_SECOND_LEVEL = {"com", "gov", "gob", "gouv", "org", "net", "edu", "ac", "co", "mil", "int", "info", "news"}


def outlet_country(url: str | None) -> str | None:
    """The country of the outlet's country-code domain ('rtbf.be' -> BE, 'bbc.co.uk' -> GB)."""
    labels = (urlparse(url).hostname or "").split(".") if url else []
    if len(labels) < 2 or len(labels[-1]) != 2:
        return None
    tld = labels[-1]
    if tld in _GENERIC_TLDS and not (len(labels) >= 3 and labels[-2] in _SECOND_LEVEL):
        return None
    return _country_of_code(tld)


def _country_of_code(two_letters: str) -> str | None:
    """The country a lower-case two-letter code stands for ('uk' is GB's), if any."""
    code = "GB" if two_letters == "uk" else two_letters.upper()
    return code if pycountry.countries.get(alpha_2=code) else None


# A feed's id ending in a country code says where the outlet is ('aps-sn', 'el-universal-mx'),
# unless the code is also a widely published language's: 'hespress-fr' is the French edition of
# a Moroccan paper, 'aljazeera-ar' the Arabic one.
_COUNTRY_SUFFIX = re.compile(r"[-_]([a-z]{2})$")
_EDITION_SUFFIXES = frozenset({"ar", "fr", "es", "pt", "de", "it", "ru", "tr"})


_ASIDE = re.compile(r"\s*\([^()]*\)")
_DOMAIN = re.compile(r"^(?:www\.)?|(?:\.[a-z]{2,6})+$")


def _outlet_key(name: str) -> str:
    """An outlet's name as its feed id or masthead may write it, reduced to letters and digits:
    'L'Essor', 'l-essor' and 'lessor' meet."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


@dataclass(frozen=True)
class OutletGazetteer:
    version: str
    homes: dict[str, str]        # outlet key -> its country, for names of one country's outlets only
    unplaced: frozenset[str]     # worldwide outlets, and names outlets of several countries share
    shared: dict[str, frozenset[str]] = field(default_factory=dict)   # such a shared name -> its countries


def names_an_outlet(name: str, source: str | None = None) -> bool:
    """Whether a name of two words or more is a listed outlet's or the report's own ('told Addis
    Standard', 'selon Le Quotidien'): the models read some mastheads as persons."""
    if len(name.split()) < 2:
        return False
    key = _outlet_key(name)
    listed = outlet_gazetteer()
    return key in listed.homes or key in listed.unplaced or (source is not None and key == _outlet_key(source))


@lru_cache(maxsize=1)
def outlet_gazetteer() -> OutletGazetteer:
    """schemas/gazetteer/outlets.yaml: a name listed under two countries ('La Nación') or as
    international ('AFP') places no report."""
    data = load_yaml("outlets.yaml")
    countries_of: dict[str, set[str]] = {}
    for code, names in data["outlets"].items():
        for name in names:
            countries_of.setdefault(_outlet_key(name), set()).add(code)
    international = {_outlet_key(name) for name in data.get("international") or ()}
    homes = {key: codes.pop() for key, codes in countries_of.items() if len(codes) == 1 and key not in international}
    shared = {key: frozenset(codes) for key, codes in countries_of.items() if len(codes) > 1 and key not in international}
    unplaced = international | set(shared)
    return OutletGazetteer(str(data["version"]), homes, frozenset(unplaced - {""}), shared)


def gazetteer_outlet_country(source: str) -> tuple[bool, str | None]:
    """(known, country) of an outlet the gazetteer lists, its feed id with or without an
    edition's or a country's suffix ('new-vision', 'le-soleil-sn', 'hespress-fr'); a name several
    countries' outlets share is placed only by such a country code."""
    gazetteer = outlet_gazetteer()
    suffix = _COUNTRY_SUFFIX.search(source)
    unsuffixed = _outlet_key(source[:suffix.start()]) if suffix else None
    # what a feed writes around the name: its city or the wire it carries ('El País (Cali)',
    # 'maliweb.net (AFP)'), its domain ('lematin.ma', 'www.infobae.com')
    bare = _ASIDE.sub("", source).strip()
    for key in (_outlet_key(source), unsuffixed, _outlet_key(bare), _outlet_key(_DOMAIN.sub("", bare))):
        if key in gazetteer.homes:
            return True, gazetteer.homes[key]
        if key in gazetteer.unplaced:
            # a shared name placed by the country code its feed id ends with ('la-nacion-cr')
            coded = key == unsuffixed and suffix.group(1) not in _EDITION_SUFFIXES
            return True, _country_of_code(suffix.group(1)) if coded else None
    return False, None


def source_name_country(source: str | None, *, listed: bool = True) -> str | None:
    """The country of an outlet the gazetteer lists ('new-vision' -> UG; none for a wire or a name
    several countries' outlets share); else of the one place an outlet's name carries
    ('buenos-aires-diario' -> AR, 'dakar-wire' -> SN, 'dutch-news-digest' -> NL): outlets are
    often named after their city; else the country code its id ends with ('le-soleil-sn' -> SN)."""
    if not source:
        return None
    known, country = gazetteer_outlet_country(source) if listed else (False, None)
    if known:
        return country
    name = re.sub(r"[-_.]+", " ", source).title()   # the lexicon wants capitals: 'Paris', not 'paris'
    codes = {m.code for m in shared_lexicon().find(name) if m.kind in (NAME, DEMONYM, CAPITAL, CITY)}
    if len(codes) == 1:
        return codes.pop()
    suffix = _COUNTRY_SUFFIX.search(source)
    if codes or not suffix or suffix.group(1) in _EDITION_SUFFIXES:
        return None
    return _country_of_code(suffix.group(1))


def outlet_home(article, *, listed: bool = True) -> str | None:
    """The outlet's country: its country-code domain, else its name (``listed``: looked up in the
    outlet gazetteer first, see ``source_name_country``)."""
    return outlet_country(article.url) or source_name_country(article.source, listed=listed)


def shared_name_home(source: str | None, named: Iterable[str]) -> str | None:
    """For a feed named like outlets of several countries ('la-nation': Benin's and Djibouti's),
    the one of those countries the article names, if it names exactly one: a national paper
    writes of its own country ('l'hospitalité de Djibouti'), rarely of its namesake's."""
    if not source:
        return None
    shared = outlet_gazetteer().shared
    countries = shared.get(_outlet_key(source)) or shared.get(_outlet_key(_ASIDE.sub("", source)))
    if not countries:
        return None
    candidates = countries.intersection(named)
    return next(iter(candidates)) if len(candidates) == 1 else None


def report_home(context) -> str | None:
    """``outlet_home``, else the country a shared outlet name takes in this article (see
    ``shared_name_home``)."""
    return outlet_home(context.article) or shared_name_home(
        context.article.source, [code for code, weight in context.country_weights.items() if weight > 0])


# English is the wires' and many countries' language: it tells nothing of its reader's country.
_NO_READER_COUNTRY = frozenset({"en"})


def language_country(language: str | None) -> str | None:
    """The country CLDR's likely subtags give a language (its usual default, not where most speakers live)
    ('es' -> ES, 'fr' -> FR); None for English."""
    if not language or language in _NO_READER_COUNTRY:
        return None
    likely = get_global("likely_subtags").get(language, "")
    territory = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    return territory if len(territory) == 2 and territory.isalpha() else None
