"""Where a cooperation event took place.

A country mention is a place ('in Morocco', 'dans la capitale mauritanienne'), a
destination ('to Rabat', 'visited Kabul') or an actor ('police in France', 'Moroccan
authorities'). An event takes place where its sentence puts it when it names one place,
nowhere in particular when it names several ('in France and Spain'); an extradition where
the suspect is handed over; a gathering at its host's, where the visitor went, or at the
dateline of a report of the day.
"""

from __future__ import annotations

import re

from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME, ArticleContext, CountryMention
from streams.enrichment.event_model import HOSTED_TYPES, Actor, Event, SentenceView

_ARTICLE = r"(?:(?:la|le|les|the|l'|el|los|las)\s*)?"
_LOCATIVE = re.compile(
    r"(?:^|\W)(?:a|au|aux|en|dans|in|at|near|across|throughout|a travers|pres de|sur|en el|en la)\s+" + _ARTICLE
    + r"(?:(?:[a-z]+\s+)?(?:province|provinces|region|regions|ville|city|port|capitale|capital|district|districts|coast|cote|cotes|large"
    r"|waters|eaux|sud|nord|south|north|royaume|kingdom|reino|republique|republic|republica|emirat|emirate|sultanat|sultanate)"
    r"\s+(?:de|of|du|d'|del)\s*" + _ARTICLE + r")?$"
)
# 'dans la capitale mauritanienne', 'in the Moroccan capital', 'en la capital marroqui': a demonym naming a place
_CAPITAL_BEFORE = re.compile(r"(?:^|\W)(?:a|dans|en|in|at)\s+" + _ARTICLE + r"capitale?\s+$")
_CAPITAL_AFTER = re.compile(r"^\s+capital\b")
_IN_THE = re.compile(r"(?:^|\W)(?:in|at)\s+the\s+$")
# ', cote tchadien', 'on the Kenyan side', 'en el lado colombiano': one side of a border, a place
# (not 'the Moroccan side said', 'du cote marocain, la delegation': a party)
_SIDE_BEFORE = re.compile(r"(?:^|,)\s*cote\s+$|(?:^|\W)(?:en el|en|sur le|on the) (?:lado|cote)\s+$")
_SIDE_AFTER = re.compile(r"^\s+side\b")
_ON_THE = re.compile(r"(?:^|\W)on\s+the\s+$")
# a country coordinated with a place before it is a place too: 'in Morocco and Spain', 'en France et en Espagne'
_COORDINATED = re.compile(r"^\s*(,|;)?\s*((?:and|et|y|e|or|ou|o)\s+)?(?:(?:a|au|aux|en|in|dans|at)\s+)?" + _ARTICLE + r"$")
# 'police in France', 'las autoridades de Espana': the services of a country, not a place
_SERVICES_IN = re.compile(r"(?:police|polices|policia|authorities|autorites|autoridades|forces|fuerzas|services|servicios|officers"
                          r"|agents|agentes|law enforcement|investigators|enqueteurs|investigadores)\s+(?:in|en|from)\s+" + _ARTICLE + r"$")
_OWNS_A_BODY = re.compile(r"['’]s\s+[A-Z]")
_DESTINATION = re.compile(r"(?:^|\W)(?:to|vers|towards|for|pour|hacia)\s+" + _ARTICLE + r"$")
# the place a visit verb takes as its object: 'visited Kabul', 'a visite Rabat', 'visito Madrid'
_VISITED = re.compile(r"(?:^|\W)(?:visited|visiting|visits|visit|visite|visites|visita|visito|visitara|visitado)\s+" + _ARTICLE + r"$")

_HOST_VERB = re.compile(r"(?<!\w)(?:accueill\w*|hosts|hosted|hosting|acoge|acogio|acogera|alberga|albergo|a recu|recoit|received|receives|recibio|recibe)(?!\w)")
_INVITATION = re.compile(r"(?<!\w)(?:invitation|invitacion)\s+(?:de|of|du|del)\s+")

_AUTHORITIES = r"(?:(?:authorities|autorites|autoridades|justice|justicia|police|policia|policiers|agents|agentes)\s+(?:(?:de|of|d')\s*" + _ARTICLE + r")?)?"
_HANDED_FROM = re.compile(r"(?:^|\W)(?:from|depuis|desde|par|by|por)\s+" + _ARTICLE + r"$")
_HANDED_FROM_NEAR = re.compile(r"^\W*(?:[\w-]+\W+){0,2}?(?:de|du|des|d'|del)\s*" + _ARTICLE + r"$")
_HANDED_TO = re.compile(r"(?:^|\W)(?:to|vers|hacia|towards)\s+" + _ARTICLE + _AUTHORITIES + r"$")
# 'a'/'au' name a destination only right after the verb ('extraditado a Estados Unidos', 'remis aux
# autorites francaises'): further on, 'arrete a Marrakech' is a place
_HANDED_TO_NEAR = re.compile(r"^\W*(?:[\w-]+\W+){0,2}?(?:a|au|aux|al|a las|a los)\s+" + _ARTICLE + _AUTHORITIES + r"$")

_HANDED_TO_TAIL = re.compile(r"(?:^|\W)(?:a|au|aux|al|a las|a los|to)\s+" + _ARTICLE
                             + r"(?:authorities|autorites|autoridades|justice|justicia|police|policia|policiers|agents|agentes)\s+(?:(?:de|of|d')\s*" + _ARTICLE + r")?$")
_TO_AT_END = re.compile(r"\W(?:a|au|aux|al|to)\s+" + _ARTICLE + r"$")
_DATELINE = re.compile(r"^\s*([A-ZÉ][A-Za-zÀ-ÿ'’ .-]{1,40}?)(?:,[^\n–—-]{0,40})?\s*(?:\([^)]{1,20}\))?\s*(?:\.?[–—-]|\.-)")
_DATELINE_COMMA = re.compile(r"^\s*([A-ZÉ][\w'’.-]+(?:[ -][A-ZÉ][\w'’.-]+){0,2}),\s")
_DATELINE_COLON = re.compile(r"^\s*([A-ZÉ][A-ZÉ'’ .-]{1,30}[A-ZÉ])\s*:\s")   # 'DOHA: ...'


# ---------------------------------------------------------------- which mentions are places
def place_flags(folded: str, sentence_start: int, start: int) -> tuple[bool, bool]:
    """(a place where something happens, a destination) for a country named at ``start``."""
    before = folded[max(sentence_start, start - 40):start]
    return bool(_LOCATIVE.search(before)), bool(_DESTINATION.search(before) or _VISITED.search(before))


def mention_place_flags(text: str, folded: str, sentence_start: int, mention: CountryMention) -> tuple[bool, bool]:
    """``place_flags`` for a mention: the services of a country are no place ('police in
    France'), nor a country owning a body ('at Morocco's Ministry of the Interior'), and a
    demonym is a place only as 'the Moroccan capital'."""
    before = folded[max(sentence_start, mention.start - 40):mention.start]
    if mention.kind != DEMONYM:
        if _SERVICES_IN.search(before) or _OWNS_A_BODY.match(text, mention.end):
            return False, False
        return place_flags(folded, sentence_start, mention.start)
    after = folded[mention.end:mention.end + 12]
    if _SIDE_BEFORE.search(before) or (_SIDE_AFTER.match(after) and _ON_THE.search(before)):
        return True, False
    return bool(_CAPITAL_BEFORE.search(before) or (_CAPITAL_AFTER.match(after) and _IN_THE.search(before))), False


def coordinate_places(actors: list[Actor], folded: str) -> None:
    """A country listed after a place is a place too: 'in Morocco and Spain', 'in A, B and C'
    (and after a scene of crime, one too: 'borders with Algeria and Libya'). A comma alone does not make a list ('in Tangier, Spain handed over'): the list must
    close with a conjunction."""
    chain: list[Actor] = []
    closed = False

    def settle() -> None:
        if closed:
            for actor in chain[1:]:
                actor.locative = actor.locative or chain[0].locative
                actor.crime_place = actor.crime_place or chain[0].crime_place

    for actor in actors:
        link = _COORDINATED.match(folded[chain[-1].end:actor.start]) if chain else None
        if link and not actor.locative:
            chain.append(actor)
            closed = closed or bool(link.group(2))
            continue
        settle()
        # a demonym place ('dans la capitale mauritanienne') ends its phrase: it starts no list
        starts = (actor.locative or actor.crime_place) and actor.kind != DEMONYM
        chain, closed = ([actor], False) if starts else ([], False)
    settle()


# ---------------------------------------------------------------- where an event took place
def sentence_location(event_type: str, actors: list[Actor]) -> tuple[str | None, bool]:
    """The one place the sentence names (fixed), None when it names several (fixed too:
    'in France and Spain' leaves the place open), None unfixed when it names none."""
    places = {a.code for a in actors if a.source == "country" and (a.locative or (event_type == "visit" and a.destination))}
    if len(places) == 1:
        return next(iter(places)), True
    if len(places) > 1:
        return None, True
    return None, False


def handing_over_country(actors: list[Actor], parties: set[str], folded: str, trigger: tuple[int, int], subject_of=None) -> str | None:
    """The country that hands a suspect over (where an extradition takes place): the one it
    comes from ('extradited from X', 'remis ... par X', 'extrade du Maroc'), else the only
    party that is not its destination ('extradited to Belgium', 'a Estados Unidos'), else
    whoever does the extraditing ('Rabat avait egalement extrade')."""
    sources, destinations = set(), set()
    for actor in actors:
        if actor.source != "country" or actor.start < trigger[1]:
            continue
        before = folded[max(trigger[1], actor.start - 50):actor.start]
        if _HANDED_FROM.search(before) or (actor.kind != DEMONYM and _HANDED_FROM_NEAR.match(folded[trigger[1]:actor.start])):
            sources.add(actor.code)
        elif _HANDED_TO.search(before) or (actor.kind in (NAME, DEMONYM) and (
                _HANDED_TO_NEAR.match(folded[trigger[1]:actor.start]) or _received_by_trigger(folded[trigger[0]:actor.start]))):
            destinations.add(actor.code)
    if len(sources) == 1:
        return next(iter(sources))
    others = parties - destinations
    if destinations and len(others) == 1:
        return next(iter(others))
    span = subject_of(*trigger) if subject_of else None
    doers = {a.code for a in actors if span and span[0] <= a.start < span[1]} & parties
    return next(iter(doers)) if len(doers) == 1 else None


def _received_by_trigger(text: str) -> bool:
    """The trigger itself names who receives ('remis aux autorites | francaises'), or ends with
    the destination's preposition ('entrego este jueves a | Espana')."""
    return len(text.split()) <= 8 and bool(_HANDED_TO_TAIL.search(text) or _TO_AT_END.search(text))


def host_country(sentence: SentenceView, folded: str, actors: list[Actor], subject_of) -> str | None:
    """Where a gathering is held when no place is named: the country of the counterpart who
    invited ('a l'invitation de son homologue tunisien'), or of whoever hosts it ('Alger
    accueille une reunion', 'the ministry, which hosted the talks')."""
    fs = folded[sentence.start:sentence.end]
    invitation = _INVITATION.search(fs)
    if invitation:
        start = sentence.start + invitation.end()
        hosts = {a.code for a in actors if a.source == "country" and start <= a.start < start + 50}
        if len(hosts) == 1:
            return next(iter(hosts))
    for match in _HOST_VERB.finditer(fs):
        span = subject_of(sentence.start + match.start(), sentence.start + match.end()) if subject_of else None
        if span is None:   # no parse, or none that helps: the words before the verb in its clause
            clause_start = max(fs.rfind(",", 0, match.start()), fs.rfind(";", 0, match.start())) + 1
            span = (sentence.start + clause_start, sentence.start + match.start())
        hosts = {a.code for a in actors if span[0] <= a.start < span[1] and not a.destination}
        if len(hosts) == 1:
            return next(iter(hosts))
    return None


def share_visit_places(events: list[Event]) -> None:
    """A visit and the talks or signing held during it (same countries) happen in one place:
    whichever of them names it places the others."""
    for event in events:
        if event.location or event.location_fixed:
            continue
        if event.type == "visit":
            places = {e.location for e in events if e.type != "visit" and e.countries == event.countries and e.location_fixed and e.location}
        elif event.type in HOSTED_TYPES:
            places = {e.location for e in events if e.type == "visit" and e.countries == event.countries and e.location}
        else:
            continue
        if len(places) == 1:
            event.location = next(iter(places))


def place_at_dateline(events: list[Event], dateline: str | None) -> None:
    """A gathering the text places nowhere took place at the dateline, when it is one of its
    parties and the sentence does not date it to another year (the dateline is where the
    report was filed today)."""
    if not dateline:
        return
    for event in events:
        if event.location is None and not event.location_fixed and event.type in HOSTED_TYPES \
                and dateline in event.countries and not event.dated_elsewhere:
            event.location = dateline


def dateline(context: ArticleContext) -> str | None:
    """The country of the place the body opens with ('RABAT - ...', 'DOHA: ...', 'Abidjan, ...')."""
    mention = dateline_mention(context)
    return mention.code if mention is not None else None


def dateline_mention(context: ArticleContext):
    """The country mention of the place the body opens with, if any."""
    body = context.article.text[:80]
    match = _DATELINE.match(body) or _DATELINE_COLON.match(body)
    kinds = (NAME, CAPITAL, CITY)
    if not match:
        # 'Abidjan, L'ambassadeur...': a comma alone makes a dateline only of a city
        match, kinds = _DATELINE_COMMA.match(body), (CAPITAL, CITY)
    if not match:
        return None
    start, end = context.body_start + match.start(1), context.body_start + match.end(1)
    for mention in context.countries:
        if start <= mention.start < end and mention.kind in kinds:
            return mention
    return None


def visits_by_convention(events: list[Event], summits) -> list[Event]:
    """Talks or a signing held in one party's country are also a visit by the other party's
    officials, when its sentences name an official (a minister, a body) of that party, who
    travelled there (SPEC); a summit held in one member's country, a visit by all the others."""
    visits = []
    for event in events:
        if event.type not in ("meeting", "agreement") or event.location not in event.countries:
            continue
        travelled = event.officials & event.countries - {event.location}
        if len(event.countries) > 2 and not summits.search(event.trigger.lower()):
            continue
        if len(event.countries) == 2 and not travelled:
            continue
        if any(e.type == "visit" and e.countries == event.countries for e in events + visits):
            continue
        visits.append(Event(type="visit", countries=set(event.countries), location=event.location, location_fixed=event.location_fixed,
                            evidence=event.evidence, trigger=event.trigger, persons=list(event.persons),
                            organizations=list(event.organizations), officials=set(event.officials)))
    return events + visits
