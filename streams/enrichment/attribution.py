"""Which country a body named in the text belongs to: the qualifier written with it, its
seat, an earlier mention of the same body, or the country the surrounding text or the
article itself (its dateline, its outlet) is about. Shared by the agency, ministry and
institution resolvers."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter

from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME, PREFIX, ArticleContext, CountryMention, OrgMention
from streams.enrichment.events import EventExtractor, EventResolver
from streams.enrichment.outlets import language_country, outlet_country, outlet_home, report_home
from streams.enrichment.places import bare_places_country

_QUALIFIER_GAP = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?(?:(?:du|de la|de l'|de l’|de los|de las|del|de|d'|d’|des|of the|of)\s+)?")
_OF_A_PLACE = re.compile(r"^\s*(?:du|de|d'|d’|of)\s+$")
_POSSESSIVE_END = re.compile(r"['’]s?\s+$")
_PARTNER = re.compile(r"(?:^|\W)(?:with|avec|con|aupres de|along with|alongside)\s+(?:(?:the|la|le|les|el|los|las|l')\s*)?(?:(?:authorities|autorites|autoridades)\s+(?:of|de|d')\s*)?$")
_NOT_SPACE = re.compile(r"\S")
_SEAT = re.compile(r"^\s*(?:,\s*)?(?:in|at|of|en|a|à|de|du|d'|di)\s+(?:(?:the|la|le|l')\s*)?$")


class _ByStart:
    """The country mentions of one list by start offset, so a mention's neighbours are found by
    bisection instead of a scan of the article's every country (quadratic on long texts)."""

    def __init__(self, countries: list[CountryMention]) -> None:
        self.countries = list(countries)
        self.order = sorted(range(len(self.countries)), key=lambda i: self.countries[i].start)
        self.starts = [self.countries[i].start for i in self.order]
        self.longest = max((c.end - c.start for c in self.countries), default=0)

    def between(self, low: int, high: int) -> list[CountryMention]:
        """Those starting in [low, high], in the list's own order."""
        chosen = self.order[bisect_left(self.starts, low):bisect_right(self.starts, high)]
        return [self.countries[i] for i in sorted(chosen)]


_last_by_start: _ByStart | None = None


def _by_start(countries: list[CountryMention]) -> _ByStart:
    """The index of this list, kept while the resolvers of one article ask with the same list."""
    global _last_by_start
    if _last_by_start is None or _last_by_start.countries != countries:
        _last_by_start = _ByStart(countries)
    return _last_by_start


def qualifier_country(mention: OrgMention, countries: list[CountryMention], text: str) -> str | None:
    """A country written right after ('Garde nationale tunisienne', 'DGSN de Mauritanie',
    '(DGPN) du Sénégal'), inside ('ministère espagnol de l'Intérieur') or right before
    ('Spain's', 'Tunisian National Guard') the mention."""
    gap = _QUALIFIER_GAP.match(text[mention.end:mention.end + 40])
    position = mention.end + (gap.end() if gap else 0)
    following = _NOT_SPACE.search(text, mention.end)
    direct = following.start() if following else len(text)
    # Only countries from just before the mention to the qualifier's place can be it.
    index = _by_start(countries)
    for country in index.between(mention.start - 4 - index.longest, max(position, direct)):
        if country.kind in (CAPITAL, CITY) and country.start == position and _OF_A_PLACE.match(text[mention.end:position]):
            return country.code   # a body's branch in a city ('la police judiciaire de Nador') is that city's country's
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


# A country that stands for another party than the body being placed: 'les autorités
# marocaines', 'Moroccan authorities', 'the government of Spain', 'his Spanish counterpart'.
_OTHER_PARTY_BEFORE = re.compile(
    r"(?:autorites|authorities|autoridades|gouvernement|government|gobierno|homologues?|counterparts?|homolog[oa]s?)"
    r"\s+(?:(?:de|of|d'|del)\s*)?(?:(?:la|las|los|les|le|el|the|l')\s*)?$"
)
_OTHER_PARTY_AFTER = re.compile(r"^\s*(?:authorities|government|counterparts?)\b")
# The ends of a route are no one's home: 'desde Marruecos hasta España', 'en provenance du Brésil'.
_ROUTE_BEFORE = re.compile(
    r"(?:^|\W)(?:desde|hasta|hacia|from|towards|bound\s+for|vers|depuis|en\s+provenance\s+d[eu']?|a\s+destination\s+d[eu']?|"
    r"con\s+destino\s+a|procedentes?\s+de|via|en\s+route\s+to|"
    r"(?:extradit\w*|deport\w*|expel\w*|expuls\w*|transferr?\w*|sent|shipped|smuggled|flown|returned|handed\s+over|"
    r"travell?ed|flew|went|arrived|headed|s'est\s+rendue?|arrivee?s?|viajo|llego|se\s+desplazo)\s+(?:to|in|vers|a|au|aux|en|al|hacia)|"
    r"visit(?:ed|ing|s)?|en\s+visite\s+(?:a|au|aux|en)|visito)"
    r"\s+(?:(?:la|las|los|les|le|el|the|l')\s*)?$"
)


def home_evidence(context: ArticleContext) -> list[CountryMention]:
    """The country mentions that may show where an unqualified body belongs: not a person's
    nationality, not a route's end ('desde Mauritania y Senegal', 'extradited to Spain'), not
    another party ('les autorités marocaines')."""
    folded = context.folded
    kept = []
    previous: CountryMention | None = None
    previous_route = False
    for mention in sorted(context.countries, key=lambda m: m.start):
        before = folded[max(0, mention.start - 40):mention.start]
        route = bool(_ROUTE_BEFORE.search(before)) or (   # the places listed after a route's end
            previous_route and previous is not None and mention.kind in _PLACES
            and bool(_LIST_JOINT.match(folded[previous.end:mention.start]))
        )
        previous, previous_route = mention, route
        if (route or mention.nationality or _OTHER_PARTY_BEFORE.search(before)
                or _OTHER_PARTY_AFTER.match(folded[mention.end:mention.end + 20])):
            continue
        kept.append(mention)
    return kept


_PLACES = (NAME, CAPITAL, CITY)
_LIST_JOINT = re.compile(r"^\s*(?:,|y|et|and|e|o|ou|or)?\s*(?:(?:la|las|los|les|le|el|the|l'|a|au|aux|en)\s*)?$")


_DATELINE_LINE_MAX = 30   # a place alone on one of the body's first lines: 'Madrid'


def dateline_country(context: ArticleContext) -> str | None:
    """The country of the dateline: 'RABAT - ...', 'DOHA: ...', or a place alone on one of the
    body's first lines."""
    code = EventResolver.dateline(context)
    if code:
        return code
    offset = context.body_start
    for line in context.article.text.split("\n")[:3]:
        stripped = line.strip()
        if 0 < len(stripped) <= _DATELINE_LINE_MAX:
            start = offset + line.index(stripped)
            for mention in context.countries:
                if mention.start == start and mention.end == start + len(stripped) and mention.kind in (NAME, CAPITAL, CITY):
                    return mention.code
        offset += len(line) + 1
    return None


def own_side(context: ArticleContext, other: str) -> str | None:
    """The country of a body the report takes for granted, facing ``other`` ('the Interior
    Minister met his Moroccan counterpart'): where it is written (dateline, the outlet's
    country-code domain), else another country it names (an Argentine paper's Madrid desk
    writes of Spain's minister), else its outlet's country by name (see ``source_name_country``),
    the country of its bare towns, and, as a last guess, its language's main country."""
    def guesses():   # each made only when the ones before it gave nothing (the bare towns are a scan of the article)
        yield dateline_country(context)
        yield outlet_country(context.article.url)
        yield from (code for code, _ in context.country_weights.most_common())
        yield outlet_home(context.article)
        yield bare_places_country(context)
        yield language_country(context.article.language)

    return next((code for code in guesses() if code and code != other), None)


def article_home(context: ArticleContext) -> str | None:
    """The country the article is written from: its dateline, else its outlet's country (its
    domain, else its name, see ``report_home``) when the article names that country or one of
    its bodies ('la PNC', in a paper of Guatemala)."""
    code = dateline_country(context)
    if code:
        return code
    code = report_home(context)
    named = code and (context.country_weights.get(code, 0) > 0 or any(m.country == code for m in context.organization_mentions))
    return code if named else None


def context_country(mention: OrgMention, countries: list[CountryMention], context: ArticleContext, *, office: bool = False) -> str | None:
    """The country of a body its name does not qualify. For an ``office`` (a ministry, whose
    minister travels) the country the article is written from comes first, then the nearest
    country of its sentence that is not a partner, then that of a minister named with his
    nationality before it. For other bodies: a place it is in within its sentence, else the
    nearest country of that sentence that is not a partner, else the country the article is
    written from. Then the last one named before it, else the article's main country."""
    folded, weights = context.folded, context.country_weights
    home = article_home(context)
    if office and home:
        return home
    sentence = context.sentence_at(mention.start)
    sentence_start, sentence_end = (sentence.start, sentence.end) if sentence else (mention.start, mention.end)
    countries = sorted(countries, key=lambda c: c.start)
    in_sentence = [c for c in countries if sentence_start <= c.start < sentence_end and c.kind != PREFIX
                   and not is_partner(folded, c.start)]
    locative = [c for c in in_sentence if EventExtractor.place_flags(folded, sentence_start, c.start)[0]]
    if locative and not office:
        return locative[0].code
    named = [c for c in context.countries if sentence_start <= c.start < sentence_end and c.kind != PREFIX]
    if named:
        facing = [c for c in named if qualifies_another_body(c, mention, context)
                  or (office and faces_the_office(folded, sentence_start, c, mention))]
        if len(facing) == len(named) and len({c.code for c in facing}) == 1:
            # 'the Secretary of State travelled to Nouakchott, where he met the Mauritanian
            # minister', 'la Policia Nacional y la Gendarmeria francesa': the sentence names only
            # the other side (where he went, whom he met, the other body's nationality)
            side = own_side(context, facing[0].code)
            if side:
                return side
    if in_sentence:
        return min(in_sentence, key=lambda c: abs(c.start - mention.start)).code
    if home:
        return home
    if office and named:
        # its sentence names only the partner ('la acción coordinada con el Perú', in a paper of
        # La Paz that never names Bolivia): the office is the outlet's country's
        outlets = report_home(context)
        if outlets and outlets not in {c.code for c in named}:
            return outlets
    if office:
        ministers = [c for c in context.countries if c.start < mention.start and _qualifies_a_minister(context.folded, c)]
        if ministers:   # 'Greek minister in Ankara' (the title) ... 'the Deputy Minister of Migration'
            return ministers[-1].code
    before = [c for c in countries if c.end <= mention.start and mention.start - c.end < 300]
    if before:
        return before[-1].code
    return weights.most_common(1)[0][0] if weights else None


def qualifies_another_body(country: CountryMention, mention: OrgMention, context: ArticleContext) -> bool:
    """A demonym written right after another body's name ('la Gendarmeria francesa') or right
    before it ('the French Gendarmerie'): that body's nationality, not the mention's."""
    if country.kind != DEMONYM:
        return False
    for other in (*context.agency_mentions, *context.ministry_mentions):
        if (other.start, other.end) == (mention.start, mention.end) or other.start <= country.start < other.end:
            continue
        if 0 <= country.start - other.end <= 1 or 0 <= other.start - country.end <= 1:
            return True
    return False


def faces_the_office(folded: str, sentence_start: int, country: CountryMention, office: OrgMention) -> bool:
    """A country the sentence of an unqualified office names as that office's destination
    ('viajó a Nuakchot', 'arrived in Mauritania': a country or its capital), as another
    minister's nationality ('le ministre mauritanien') or as a counterpart's ('su homólogo de
    Senegal'), after the office: the other party, not the office's own."""
    if country.start < office.end:
        return False
    before = folded[max(sentence_start, country.start - 50):country.start]
    if country.kind != CITY and _COUNTERPART_OF.search(before):
        return True   # 'con su homologo de Senegal', 'avec son homologue espagnol': whom the minister faces
    if country.kind == DEMONYM:
        return bool(_QUALIFIED_MINISTER.search(before) or _qualifies_a_minister(folded, country)
                    or _A_CITY_BEFORE.search(before) or _A_CITY_AFTER.match(folded[country.end:country.end + 12]))
    # a country or its capital, not a city: a minister tours his own country's cities
    return country.kind in (NAME, CAPITAL) and bool(_TRAVELLED_TO.search(before))


# a travel verb, a few words (a day), then the place reached: 'viajo el martes a', 'travelled to', 's'est rendu a', 'visito'
_TRAVELLED_TO = re.compile(r"(?:^|\W)(?:(?:viaj\w*|lleg\w*|se desplaz\w*|travel\w*|arriv\w*|flew|rendu|rendue|se rend\w*)"
                           r"(?:\s+[\w']+){0,3}?\s+(?:a|al|en|to|in|au|aux|a la|en la)|visit\w*)\s+(?:(?:la|le|les|el|los|las|the|l')\s*)?$")
# a counterpart's country: 'his Moroccan counterpart', 'su homologo de Senegal', 'son homologue du Mali'
_COUNTERPART_OF = re.compile(r"(?:homologues?|counterparts?|homolog[oa]s?)\s+(?:(?:de|of|d'|del|du|from)\s*)?(?:(?:la|las|los|les|le|el|the|l')\s*)?$")
# a city of a country named by its adjective, where the office went: 'en la capital marroqui',
# 'dans la capitale mauritanienne', 'in the Moroccan capital', 'the Senegalese city of Ziguinchor'
_A_CITY_BEFORE = re.compile(r"\b(?:capital|capitale|ciudad|ville|localite|localidad)\s+$")
_A_CITY_AFTER = re.compile(r"^\s+(?:capital|city|town|port)\b")
# a minister and his portfolio, then his nationality: 'ministro del Interior mauritano', 'ministre de l'Interieur tunisien'
_QUALIFIED_MINISTER = re.compile(r"\bminist(?:re|ro|ra|er)s?\s+(?:(?:de|del|of|for|de la|de l'|du)\s*(?:the\s+)?[\w']+\s+)$")


_MINISTER_AFTER = re.compile(r"^\s+(?:deputy\s+|vice[- ]?)?minist(?:er|ers)\b")
_MINISTER_BEFORE = re.compile(r"\b(?:vice[- ]?)?minist(?:re|res|ro|ra|ros|ras)\s+$")


def _qualifies_a_minister(folded: str, country: CountryMention) -> bool:
    """'Greek minister', 'le ministre français', 'el ministro brasileño'."""
    if country.kind != DEMONYM:
        return False
    return bool(_MINISTER_AFTER.match(folded[country.end:country.end + 30]) or _MINISTER_BEFORE.search(folded[max(0, country.start - 30):country.start]))


def seat_or_preceding_country(start: int, end: int, countries: list[CountryMention], folded: str, weights: Counter,
                              home: str | None = None) -> str | None:
    """The country of an unqualified national body: its seat written right after it ('... Court in
    Lagos', '... de Sfax'), else the nearest country named before it (within 600 characters,
    the text so far being about that country), else the country the article is written from
    (``home``), else the article's main country."""
    for country in countries:
        if 0 <= country.start - end <= 12 and country.kind != PREFIX and _SEAT.match(folded[end:country.start]):
            return country.code
    before = [c for c in countries if c.end <= start and start - c.end < 600 and c.kind != PREFIX]
    if before:
        return before[-1].code
    if home:
        return home
    return weights.most_common(1)[0][0] if weights else None


def as_country_mentions(bodies: list[OrgMention]) -> list[CountryMention]:
    """Bodies with a country, as country evidence for the context of another body."""
    return [CountryMention(m.start, m.end, m.country, NAME, m.text) for m in bodies if m.country]
