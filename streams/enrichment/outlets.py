"""Where an article comes from: the country of its outlet (its domain, the place its name
carries) and the country CLDR takes as its language's likely one. Evidence of the side a report
takes for granted when it never names it."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pycountry
from babel.core import get_global

from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME
from streams.enrichment.countries import shared_lexicon

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


def source_name_country(source: str | None) -> str | None:
    """The country of the one place an outlet's name carries ('buenos-aires-diario' -> AR,
    'dakar-wire' -> SN, 'dutch-news-digest' -> NL): outlets are often named after their city;
    else the country code its id ends with ('le-soleil-sn' -> SN)."""
    if not source:
        return None
    name = re.sub(r"[-_.]+", " ", source).title()   # the lexicon wants capitals: 'Paris', not 'paris'
    codes = {m.code for m in shared_lexicon().find(name) if m.kind in (NAME, DEMONYM, CAPITAL, CITY)}
    if len(codes) == 1:
        return codes.pop()
    suffix = _COUNTRY_SUFFIX.search(source)
    if codes or not suffix or suffix.group(1) in _EDITION_SUFFIXES:
        return None
    return _country_of_code(suffix.group(1))


def outlet_home(article) -> str | None:
    """The outlet's country: its country-code domain, else the place its name carries."""
    return outlet_country(article.url) or source_name_country(article.source)


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
