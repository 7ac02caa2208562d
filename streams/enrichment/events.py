"""Cooperation events: trigger expressions, the actors of their sentence (or of the
discourse), a location, and one event per real-world event."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas.articles import CooperationEvent
from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME, PREFIX, ArticleContext, CountryMention
from streams.enrichment.text import compile_patterns, load_yaml, mask

if TYPE_CHECKING:
    from streams.enrichment.agencies import AgencyGazetteer

EVENT_TYPES = ("meeting", "visit", "agreement", "intelligence_sharing", "joint_operation", "training", "extradition")
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
# a country coordinated with a place before it is a place too: 'in Morocco and Spain', 'en France et en Espagne'
_COORDINATED = re.compile(r"^\s*(,|;)?\s*((?:and|et|y|e|or|ou|o)\s+)?(?:(?:a|au|aux|en|in|dans|at)\s+)?" + _ARTICLE + r"$")
# 'police in France', 'las autoridades de Espana': the services of a country, not a place
_SERVICES_IN = re.compile(r"(?:police|polices|policia|authorities|autorites|autoridades|forces|fuerzas|services|servicios|officers"
                          r"|agents|agentes|law enforcement|investigators|enqueteurs|investigadores)\s+(?:in|en|from)\s+" + _ARTICLE + r"$")
_DESTINATION = re.compile(r"(?:^|\W)(?:to|vers|towards|for|pour|hacia)\s+" + _ARTICLE + r"$")
# the place a visit verb takes as its object: 'visited Kabul', 'a visite Rabat', 'visito Madrid'
_VISITED = re.compile(r"(?:^|\W)(?:visited|visiting|visits|visit|visite|visites|visita|visito|visitara|visitado)\s+" + _ARTICLE + r"$")
_VISITOR_BEFORE = re.compile(r"(?:visite|visit|celle|that|venue|trip)\s+(?:officielle\s+)?(?:de|d'|of|du)\s*$")
_VISITOR_AFTER = re.compile(r"^['’]s\s+(?:\w+[- ])?(?:visit|trip)")


@dataclass
class Actor:
    start: int
    end: int
    code: str
    source: str          # country | agency | ministry | person
    locative: bool = False
    destination: bool = False
    label: str = ""
    kind: str = ""       # the country mention's kind (name, demonym...), empty for a body
    crime_place: bool = False   # where criminals operate or goods travel ('groups operating in Syria')


@dataclass
class SentenceView:
    start: int
    end: int
    text: str
    actors: list[Actor]
    persons: list[tuple[int, int, str]]   # span, canonical name


@dataclass
class Event:
    type: str
    countries: set[str]
    location: str | None
    location_fixed: bool
    evidence: str
    trigger: str
    visitor: str | None = None
    persons: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    inherited: bool = False
    from_title: bool = False


class EventLexicon:
    def __init__(self) -> None:
        data = load_yaml("events.yaml")
        self.version = str(data["version"])
        spec = data["events"]
        self.strong = {t: compile_patterns(spec[t]["strong"]) for t in EVENT_TYPES if spec.get(t, {}).get("strong")}
        self.weak = {t: compile_patterns(spec[t]["weak"]) for t in EVENT_TYPES if spec.get(t, {}).get("weak")}
        self.agreement_nouns = compile_patterns(spec["agreement"]["nouns"])
        self.agreement_verbs = compile_patterns(spec["agreement"]["verbs"])
        self.negation = compile_patterns(data["negation"])
        self.modality = compile_patterns(data["modality"])
        self.non_actor = compile_patterns(data["non_actor"])
        self.crime_place = compile_patterns(data["crime_place"])
        self.two_parties = compile_patterns(data["two_parties"])
        self.extradition_pending = compile_patterns(spec["extradition"]["pending"])
        self.extradition_decided = compile_patterns(spec["extradition"]["decided"])
        self.preparing = compile_patterns(spec["meeting"]["preparing"])


def _words_window(folded: str, start: int, end: int, words: int) -> str:
    left = folded[:start].split()[-words:]
    right = folded[end:].split()[:words]
    return " ".join(left) + " " + folded[start:end] + " " + " ".join(right)


class EventExtractor:
    def __init__(self, lexicon: EventLexicon) -> None:
        self.lex = lexicon

    # ---------------------------------------------------------------- actors
    def is_non_actor(self, folded: str, start: int, end: int, kind: str = DEMONYM) -> bool:
        """'ressortissant marocain', 'a Spanish national', 'Moroccan hashish'."""
        before = " ".join(re.split(r"[,;:()]", folded[max(0, start - 60):start])[-1].split()[-2:])
        if kind == NAME:   # a name does not qualify the noun after it ('vers la France un trafiquant')
            return bool(self.lex.non_actor.search(before))
        window_after = folded[end:].split()[:3]
        if window_after and window_after[0] in ("and", "et") and len(window_after) > 2:
            after = " ".join(window_after[2:3])  # "British and Moroccan citizens"
        else:
            after = " ".join(window_after[:2])  # "Russian ransomware suspect"
        return bool(self.lex.non_actor.search(before + " | " + after))

    def is_crime_place(self, folded: str, sentence_start: int, start: int) -> bool:
        """'groups operating in Syria', 'hashish from Morocco to Spain': where crime happens."""
        before = folded[max(sentence_start, start - 30):start]
        return bool(self.lex.crime_place.search(" ".join(before.split()[-3:])))

    @staticmethod
    def place_flags(folded: str, sentence_start: int, start: int) -> tuple[bool, bool]:
        """(a place where something happens, a destination) for a country named at ``start``."""
        before = folded[max(sentence_start, start - 40):start]
        return bool(_LOCATIVE.search(before)), bool(_DESTINATION.search(before) or _VISITED.search(before))

    @classmethod
    def mention_place_flags(cls, folded: str, sentence_start: int, mention: CountryMention) -> tuple[bool, bool]:
        """``place_flags``, where a demonym is a place only as 'the Moroccan capital'."""
        if mention.kind != DEMONYM:
            if _SERVICES_IN.search(folded[max(sentence_start, mention.start - 40):mention.start]):
                return False, False
            return cls.place_flags(folded, sentence_start, mention.start)
        before = folded[max(sentence_start, mention.start - 40):mention.start]
        after = folded[mention.end:mention.end + 12]
        return bool(_CAPITAL_BEFORE.search(before) or (_CAPITAL_AFTER.match(after) and _IN_THE.search(before))), False

    @staticmethod
    def coordinate_places(actors: list[Actor], folded: str) -> None:
        """A country listed after a place is a place too: 'in Morocco and Spain', 'in A, B and C'.
        A comma alone does not make a list ('in Tangier, Spain handed over'): the list must
        close with a conjunction."""
        chain: list[Actor] = []
        closed = False

        def settle() -> None:
            if closed:
                for actor in chain[1:]:
                    actor.locative = True
                    actor.crime_place = actor.crime_place or chain[0].crime_place

        for actor in actors:
            link = _COORDINATED.match(folded[chain[-1].end:actor.start]) if chain else None
            if link and not actor.locative:
                chain.append(actor)
                closed = closed or bool(link.group(2))
                continue
            settle()
            # a demonym place ('dans la capitale mauritanienne') ends its phrase: it starts no list
            chain, closed = ([actor], False) if actor.locative and actor.kind != DEMONYM else ([], False)
        settle()

    # ---------------------------------------------------------------- triggers
    def triggers(self, folded_sentence: str) -> list[tuple[str, int, int, bool]]:
        found: list[tuple[str, int, int, bool]] = []
        for event_type, regex in self.lex.strong.items():
            for match in regex.finditer(folded_sentence):
                found.append((event_type, match.start(), match.end(), True))
        nouns = list(self.lex.agreement_nouns.finditer(folded_sentence))
        if nouns and self.lex.agreement_verbs.search(folded_sentence):
            found.append(("agreement", nouns[0].start(), nouns[0].end(), True))
        for event_type, regex in self.lex.weak.items():
            for match in regex.finditer(folded_sentence):
                after = folded_sentence[match.end():match.end() + 10]
                before = folded_sentence[max(0, match.start() - 10):match.start()]
                if after.lstrip().startswith("warrant") or before.rstrip().endswith(("mandat d'", "mandat d")):
                    continue  # "arrest warrant", "mandat d'arrêt": not an arrest
                found.append((event_type, match.start(), match.end(), False))
        return found

    def extract(
        self,
        sentences: list[SentenceView],
        folded: str,
        top_actors: list[str],
        dateline: str | None,
        relcl_filter=None,
        year: int | None = None,
        subject_of=None,
    ) -> list[Event]:
        events: list[Event] = []
        previous: Event | None = None
        for position, sentence in enumerate(sentences):
            fs = folded[sentence.start:sentence.end]
            found = self.triggers(fs)
            if not found:
                continue
            has_agreement_noun = bool(self.lex.agreement_nouns.search(fs))
            modal = bool(self.lex.modality.search(fs)) or has_agreement_noun
            strong_types = {t for t, _, _, strong in found if strong}
            seen_types: set[str] = set()
            found_types = {t for t, _, _, _ in found}
            for event_type, t_start, t_end, strong in sorted(found, key=lambda f: (not f[3], f[1])):
                if event_type in seen_types and event_type != "visit":
                    continue
                if not strong and (strong_types - {event_type} or event_type in strong_types):
                    continue
                if event_type in ("joint_operation", "training", "intelligence_sharing") and modal:
                    continue
                if not self.happened(event_type, fs, t_start, t_end, found_types):
                    continue
                abs_trigger = sentence.start + t_start
                actors = [
                    a for a in sentence.actors
                    if not (event_type == "intelligence_sharing" and a.locative and a.source == "country")
                    and not (a.crime_place and event_type not in ("extradition", "visit"))
                    and (relcl_filter is None or relcl_filter(a, abs_trigger))
                ]
                countries = {a.code for a in actors}
                if self.lex.two_parties.search(fs):
                    pair = set(previous.countries) if previous is not None and len(previous.countries) == 2 else set(top_actors[:2])
                    if len(pair) == 2:
                        countries = pair
                if event_type == "intelligence_sharing" and top_actors and _GIVEN_BY.match(fs[t_end:]) \
                        and all(a.start >= sentence.start + t_end for a in actors) \
                        and not any(_RECEIVER.search(folded[max(sentence.start, a.start - 12):a.start]) for a in actors):
                    # 'information provided by the DEA': the givers are named; the receiver is the article's own side
                    countries = countries | {next((c for c in top_actors if c not in countries), top_actors[0])}
                if not strong and len({a.code for a in actors if not a.locative}) < 2:
                    continue  # arrests/seizures: two countries' actors must be named, not just places
                inherited = False
                location, fixed = self._location(event_type, actors)
                if len(countries) < 2:
                    if not strong:
                        continue
                    candidates = set(previous.countries) if previous else set(top_actors[:2])
                    if len(candidates) < 2:
                        continue
                    if countries <= candidates:
                        countries = set(candidates)
                    else:
                        others = [c for c in top_actors if c not in countries]
                        if not others:
                            continue
                        countries = countries | {others[0]}
                    inherited = True
                    if location is None and not fixed and previous is not None and previous.countries == countries and event_type in HOSTED_TYPES:
                        location, fixed = previous.location, previous.location_fixed
                if event_type == "extradition":
                    handing = handing_over_country(actors, countries, folded, (abs_trigger, sentence.start + t_end))
                    if handing:
                        location, fixed = handing, True
                if location is None and not fixed and event_type in HOSTED_TYPES:
                    location = self._host(sentence, fs, actors, t_start, subject_of)
                if location is None and not fixed and dateline and dateline in countries and event_type in HOSTED_TYPES \
                        and not _other_year(fs, year):
                    location = dateline
                visitors = self._visitors(sentence, fs) if event_type == "visit" else [None]
                for visitor in visitors:
                    event = Event(
                        type=event_type,
                        countries=set(countries),
                        location=location,
                        location_fixed=fixed,
                        evidence=sentence.text,
                        trigger=sentence.text[t_start:t_end],
                        visitor=visitor,
                        persons=[name for _, _, name in sentence.persons],
                        organizations=[a.label for a in actors if a.source in ("agency", "ministry") and a.label],
                        inherited=inherited,
                        from_title=position == 0,
                    )
                    previous = self._merge(events, event)
                seen_types.add(event_type)
        share_visit_places(events)
        return events

    def happened(self, event_type: str, fs: str, t_start: int, t_end: int, found_types: set[str]) -> bool:
        """The trigger reports a cooperation that took place: not denied, not an extradition only
        requested or awaited, not a meeting held to prepare an operation, not an operation that
        is only the frame of an extradition told in the same sentence."""
        if event_type == "extradition":
            decided = list(self.lex.extradition_decided.finditer(fs))
            if self.lex.extradition_pending.search(fs) and not decided:
                return False
            window = mask(fs, [m.span() for m in decided])   # 'rejected his appeal' denies nothing
        elif event_type == "agreement":
            window = fs
        else:
            window = _words_window(fs, t_start, t_end, 6)
        if self.lex.negation.search(window):
            return False
        if event_type == "meeting" and self.lex.preparing.search(_words_window(fs, t_end, t_end, 8)):
            return False
        if event_type == "joint_operation" and "extradition" in found_types and not any(r.search(fs) for r in self.lex.weak.values()):
            return False
        return True

    @staticmethod
    def _location(event_type: str, actors: list[Actor]) -> tuple[str | None, bool]:
        """The one place the sentence names (fixed), None when it names several (fixed too:
        'in France and Spain' leaves the place open), None unfixed when it names none."""
        places = {a.code for a in actors if a.source == "country" and (a.locative or (event_type == "visit" and a.destination))}
        if len(places) == 1:
            return next(iter(places)), True
        if len(places) > 1:
            return None, True
        return None, False

    @staticmethod
    def _host(sentence: SentenceView, fs: str, actors: list[Actor], t_start: int, subject_of) -> str | None:
        """Where a gathering is held when no place is named: the country of whoever hosts it
        ('Alger accueille une reunion', 'the ministry, which hosted the talks'), or of the
        counterpart who invited ('a l'invitation de son homologue tunisien')."""
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

    @staticmethod
    def _visitors(sentence: SentenceView, fs: str) -> list[str | None]:
        visitors: list[str | None] = []
        for start, end, name in sentence.persons:
            before = fs[max(0, start - sentence.start - 30):start - sentence.start]
            after = fs[end - sentence.start:end - sentence.start + 20]
            if _VISITOR_BEFORE.search(before) or _VISITOR_AFTER.search(after):
                if name not in visitors:
                    visitors.append(name)
        return visitors or [None]

    @staticmethod
    def _merge(events: list[Event], new: Event) -> Event:
        for existing in events:
            if existing.type != new.type:
                continue
            if not (existing.countries <= new.countries or new.countries <= existing.countries):
                continue
            if existing.location_fixed and new.location_fixed and existing.location and new.location and existing.location != new.location:
                continue
            if existing.visitor and new.visitor and existing.visitor != new.visitor:
                continue
            if len(new.countries) > len(existing.countries):
                existing.countries = set(new.countries)
                if new.location_fixed:
                    existing.location, existing.location_fixed = new.location, True
            elif new.location_fixed and existing.from_title and not new.from_title and new.countries >= existing.countries:
                # a headline's place is a summary: the body's own account of the places wins
                existing.location, existing.location_fixed = new.location, True
            # a sentence about some of the participants ('the BKA arrested one in Hamburg')
            # does not place the whole event
            if existing.location is None and not existing.location_fixed and new.location and new.countries >= existing.countries:
                existing.location, existing.location_fixed = new.location, new.location_fixed
            existing.visitor = existing.visitor or new.visitor
            # the evidence is the first body sentence that names the actors itself
            if (existing.inherited or existing.from_title) and not (new.inherited or new.from_title):
                existing.evidence, existing.trigger = new.evidence, new.trigger
                existing.inherited = existing.from_title = False
            for person in new.persons:
                if person not in existing.persons:
                    existing.persons.append(person)
            for org in new.organizations:
                if org not in existing.organizations:
                    existing.organizations.append(org)
            return existing
        events.append(new)
        return new


_RECEIVER = re.compile(r"(?:^|\W)(?:to|au|aux|a|al|a las|a los)\s+" + _ARTICLE + r"$")
_GIVEN_BY = re.compile(r"^\W*(?:[\w-]+\W+){0,3}?(?:by|par|por|from|de la part)\W")
HOSTED_TYPES = ("meeting", "visit", "agreement", "training")   # gatherings: their place is the host's
_HOST_VERB = re.compile(r"(?<!\w)(?:accueill\w*|hosts|hosted|hosting|acoge|acogio|acogera|alberga|albergo|a recu|recoit|received|receives|recibio|recibe)(?!\w)")
_INVITATION = re.compile(r"(?<!\w)(?:invitation|invitacion)\s+(?:de|of|du|del)\s+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _other_year(folded_sentence: str, year: int | None) -> bool:
    """The sentence dates what it tells to another year than the article's ('signed in 2021')."""
    return year is not None and any(int(y) != year for y in _YEAR.findall(folded_sentence))


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


# 'a'/'au' name a destination only right after the verb ('extraditado a Estados Unidos', 'remis aux
# autorites francaises'): further on, 'arrete a Marrakech' is a place
_HANDED_TO_NEAR = re.compile(r"^\W*(?:[\w-]+\W+){0,2}?(?:a|au|aux|al|a las|a los)\s+" + _ARTICLE
                             + r"(?:(?:authorities|autorites|autoridades|justice|justicia|police|policia|policiers|agents|agentes)\s+(?:(?:de|of|d')\s*" + _ARTICLE + r")?)?$")
_HANDED_FROM = re.compile(r"(?:^|\W)(?:from|depuis|desde|par|by|por)\s+" + _ARTICLE + r"$")
_HANDED_FROM_NEAR = re.compile(r"^\W*(?:[\w-]+\W+){0,2}?(?:de|du|des|d'|del)\s*" + _ARTICLE + r"$")
_HANDED_TO = re.compile(r"(?:^|\W)(?:to|vers|hacia|towards)\s+" + _ARTICLE
                        + r"(?:(?:authorities|autorites|autoridades|justice|justicia|police|policia|policiers|agents|agentes)\s+(?:(?:de|of|d')\s*" + _ARTICLE + r")?)?$")


def handing_over_country(actors: list[Actor], parties: set[str], folded: str, trigger: tuple[int, int]) -> str | None:
    """The country that hands a suspect over (where an extradition takes place): the one it
    comes from ('extradited from X', 'remis ... par X', 'extrade du Maroc'), else the only
    party that is not its destination ('extradited to Belgium', 'a Estados Unidos')."""
    countries = [a for a in actors if a.source == "country"]
    sources, destinations = set(), set()
    for actor in countries:
        if actor.start < trigger[1]:
            continue
        before = folded[max(trigger[1], actor.start - 50):actor.start]
        if _HANDED_FROM.search(before) or (actor.kind != DEMONYM and _HANDED_FROM_NEAR.match(folded[trigger[1]:actor.start])):
            sources.add(actor.code)
        elif _HANDED_TO.search(before) or (actor.kind in (NAME, DEMONYM, "") and _HANDED_TO_NEAR.match(folded[trigger[1]:actor.start])):
            destinations.add(actor.code)
    if len(sources) == 1:
        return next(iter(sources))
    others = parties - destinations
    if destinations and len(others) == 1:
        return next(iter(others))
    return None


# ---------------------------------------------------------------- the resolver
SECURITY_KINDS = {"police", "intelligence", "justice", "military", "customs"}
SECURITY_PORTFOLIOS = {"interior", "justice", "defence", "foreign", "migration"}
INTERNATIONAL_SECURITY = {"int-europol", "int-interpol", "int-eurojust", "int-frontex", "int-afripol", "int-unodc", "int-maocn", "int-ameripol"}
_DATELINE = re.compile(r"^\s*([A-ZÉ][A-Za-zÀ-ÿ'’ .-]{1,40}?)(?:,[^\n–—-]{0,40})?\s*(?:\([^)]{1,20}\))?\s*(?:\.?[–—-]|\.-)")
_DATELINE_COMMA = re.compile(r"^\s*([A-ZÉ][\w'’.-]+(?:[ -][A-ZÉ][\w'’.-]+){0,2}),\s")
_DATELINE_COLON = re.compile(r"^\s*([A-ZÉ][A-ZÉ'’ .-]{1,30}[A-ZÉ])\s*:\s")   # 'DOHA: ...'


class EventResolver:
    def __init__(self, lexicon: EventLexicon, agencies: AgencyGazetteer) -> None:
        self.lexicon = lexicon
        self.extractor = EventExtractor(lexicon)
        self.agencies = agencies

    def resolve(self, context: ArticleContext) -> None:
        """Reads sentences, folded, countries, organization_mentions, persons, country_weights,
        topics, the dateline and the parse. Adds events, only in a security article (a threat
        topic, or a police, justice, intelligence... body or ministry named)."""
        if not self.security_relevant(context):
            context.events = []
            return
        top_actors = [code for code, _ in context.country_weights.most_common()]
        for mention in context.organization_mentions:
            if mention.country and mention.country not in top_actors:
                top_actors.append(mention.country)
        published = context.article.published_at
        extracted = self.extractor.extract(
            self.sentence_views(context), context.folded, top_actors, self.dateline(context), relcl_filter(context.doc),
            year=published.year if published else None, subject_of=subject_finder(context.doc),
        )
        article = context.article
        context.events = []
        for event in extracted:
            countries = sorted(event.countries)
            basis = f"{article.article_id}|{event.type}|{'-'.join(countries)}|{event.location or ''}|{event.visitor or ''}"
            context.events.append(
                CooperationEvent(
                    event_id=hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20],
                    article_id=article.article_id,
                    type=event.type,
                    countries=countries,
                    location=event.location,
                    evidence=event.evidence,
                    trigger=event.trigger,
                    persons=event.persons,
                    organizations=event.organizations,
                    published_at=article.published_at,
                )
            )

    def security_relevant(self, context: ArticleContext) -> bool:
        if context.topics:
            return True
        for mention in context.organization_mentions:
            if mention.key.startswith("institution:"):
                continue
            if mention.key.startswith("ministry:"):
                if mention.key.split(":")[1] in SECURITY_PORTFOLIOS:
                    return True
            elif self.agencies.agencies[mention.key].kind in SECURITY_KINDS or mention.key in INTERNATIONAL_SECURITY:
                return True
        return False

    def sentence_views(self, context: ArticleContext) -> list[SentenceView]:
        """Each sentence with its actors: the countries it names as actors or places, the bodies
        it names (as their country) and its persons."""
        folded = context.folded
        views: list[SentenceView] = []
        for sentence in context.sentences:
            actors: list[Actor] = []
            for mention in context.countries:
                if not (sentence.start <= mention.start < sentence.end):
                    continue
                if mention.kind in (DEMONYM, PREFIX, NAME) and self.extractor.is_non_actor(folded, mention.start, mention.end, mention.kind):
                    continue
                locative, destination = self.extractor.mention_place_flags(folded, sentence.start, mention)
                actors.append(Actor(mention.start, mention.end, mention.code, "country", locative, destination, mention.text, mention.kind,
                                    self.extractor.is_crime_place(folded, sentence.start, mention.start)))
            self.extractor.coordinate_places(actors, folded)
            for mention in context.organization_mentions:
                if mention.country and sentence.start <= mention.start < sentence.end:
                    source = "ministry" if mention.key.startswith("ministry:") else "agency"
                    actors.append(Actor(mention.start, mention.end, mention.country, source, label=mention.acronym or mention.text))
            people = [(s, e, p.name) for p in context.persons for s, e in p.spans if sentence.start <= s < sentence.end]
            people.sort()
            views.append(SentenceView(sentence.start, sentence.end, sentence.text, actors, people))
        return views

    @staticmethod
    def dateline(context: ArticleContext) -> str | None:
        """The country of the place the body opens with ('RABAT - ...', 'DOHA: ...')."""
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
                return mention.code
        return None


def relcl_filter(doc):
    """Drop actors inside a relative clause that does not contain the trigger
    ('..., where jihadist groups active in neighbouring Mali ...')."""
    if doc is None:
        return None

    def keep(actor: Actor, trigger_char: int) -> bool:
        span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
        trigger = doc.char_span(trigger_char, trigger_char + 1, alignment_mode="expand")
        if span is None or trigger is None or len(span) == 0 or len(trigger) == 0:
            return True
        token, trigger_token = span.root, trigger[0]
        for ancestor in [token, *token.ancestors]:
            if ancestor.dep_ in ("relcl", "acl:relcl"):
                subtree = range(ancestor.left_edge.i, ancestor.right_edge.i + 1)
                return trigger_token.i in subtree
        return True

    return keep


def subject_finder(doc):
    """The character span of whoever does what the verb written at [start, end) says, by the
    parse: its subject, the agent of its passive ('hosted by X'), or the noun a relative
    clause hangs on ('the ministry, which hosted the talks')."""
    if doc is None:
        return None

    def chars(token) -> tuple[int, int]:
        last = doc[token.right_edge.i]
        return doc[token.left_edge.i].idx, last.idx + len(last)

    def subject(start: int, end: int) -> tuple[int, int] | None:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        verb = span.root
        for child in verb.children:
            if child.dep_ in ("agent", "obl:agent"):
                return chars(child)
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubj:pass", "nsubjpass"):
                if child.tag_ in ("WDT", "WP") or child.lower_ in ("qui", "which", "who", "que"):
                    break
                return chars(child)
        if verb.dep_ in ("relcl", "acl:relcl") and verb.head.i < verb.i:
            head = verb.head
            return doc[head.left_edge.i].idx, head.idx + len(head)
        return None

    return subject
