"""Which country a body named in the text belongs to: the qualifier written with it, its
seat, or the country the surrounding text is about. Shared by the agency, ministry and
institution resolvers."""

from __future__ import annotations

import re
from collections import Counter

from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME, PREFIX, ArticleContext, CountryMention, OrgMention
from streams.enrichment.events import EventExtractor

_QUALIFIER_GAP = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?(?:(?:du|de la|de l'|de l’|de|d'|d’|des|of the|of)\s+)?")
_POSSESSIVE_END = re.compile(r"['’]s?\s+$")
_PARTNER = re.compile(r"(?:^|\W)(?:with|avec|con|aupres de|along with|alongside)\s+(?:(?:the|la|le|les|el|los|las|l')\s*)?(?:(?:authorities|autorites|autoridades)\s+(?:of|de|d')\s*)?$")
_SEAT = re.compile(r"^\s*(?:,\s*)?(?:in|at|of|en|a|à|de|du|d'|di)\s+(?:(?:the|la|le|l')\s*)?$")


def qualifier_country(mention: OrgMention, countries: list[CountryMention], text: str) -> str | None:
    """A country written right after ('Garde nationale tunisienne', 'DGSN de Mauritanie',
    '(DGPN) du Sénégal'), inside ('ministère espagnol de l'Intérieur') or right before
    ('Spain's', 'Tunisian National Guard') the mention."""
    gap = _QUALIFIER_GAP.match(text[mention.end:mention.end + 40])
    position = mention.end + (gap.end() if gap else 0)
    direct = mention.end + len(text[mention.end:]) - len(text[mention.end:].lstrip())
    for country in countries:
        if country.kind in (CAPITAL, CITY, PREFIX):
            continue
        if country.start == position and (country.kind == NAME or country.start == direct or text[mention.end:country.start].strip().startswith("(")):
            return country.code
        if country.kind == DEMONYM and country.start == direct:
            return country.code
        if mention.start <= country.start and country.end <= mention.end and country.kind == DEMONYM:
            return country.code
        if country.end <= mention.start and mention.start - country.end <= 4:
            between = text[country.end:mention.start]
            if country.kind == NAME and _POSSESSIVE_END.match(between):
                return country.code
            if country.kind == DEMONYM and between.strip() == "" and country.text[:1].isupper():
                return country.code
    return None


def is_partner(folded: str, start: int) -> bool:
    """'cooperation with Rabat', 'avec les autorités de Tunis': the partner, not the home country."""
    return bool(_PARTNER.search(folded[max(0, start - 40):start]))


def context_country(mention: OrgMention, countries: list[CountryMention], context: ArticleContext) -> str | None:
    """The country of a body its name does not qualify: a place it is in within its sentence,
    else the nearest country of that sentence that is not a partner, else the last one named
    before it, else the article's main country."""
    folded, weights = context.folded, context.country_weights
    sentence = context.sentence_at(mention.start)
    sentence_start, sentence_end = (sentence.start, sentence.end) if sentence else (mention.start, mention.end)
    countries = sorted(countries, key=lambda c: c.start)
    in_sentence = [c for c in countries if sentence_start <= c.start < sentence_end and c.kind != PREFIX
                   and not is_partner(folded, c.start)]
    locative = [c for c in in_sentence if EventExtractor.place_flags(folded, sentence_start, c.start)[0]]
    if locative:
        return locative[0].code
    if in_sentence:
        return min(in_sentence, key=lambda c: abs(c.start - mention.start)).code
    before = [c for c in countries if c.end <= mention.start and mention.start - c.end < 300]
    if before:
        return before[-1].code
    return weights.most_common(1)[0][0] if weights else None


def seat_or_preceding_country(start: int, end: int, countries: list[CountryMention], folded: str, weights: Counter) -> str | None:
    """The country of an unqualified national body: its seat written right after it ('... Court in
    Lagos', '... de Sfax'), else the nearest country named before it (within 600 characters,
    the text so far being about that country), else the article's main country."""
    for country in countries:
        if 0 <= country.start - end <= 12 and country.kind != PREFIX and _SEAT.match(folded[end:country.start]):
            return country.code
    before = [c for c in countries if c.end <= start and start - c.end < 600 and c.kind != PREFIX]
    if before:
        return before[-1].code
    return weights.most_common(1)[0][0] if weights else None


def as_country_mentions(bodies: list[OrgMention]) -> list[CountryMention]:
    """Bodies with a country, as country evidence for the context of another body."""
    return [CountryMention(m.start, m.end, m.country, NAME, m.text) for m in bodies if m.country]
