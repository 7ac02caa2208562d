"""Who took part in a cooperation event beyond the countries its trigger sentence names.

A multilateral event is one event carrying every participating country (SPEC). Its
participants are often named apart from the sentence that reports it:
- a regional body acting for its members ('Aseanapol signed...'): the members the text
  gives ('the FMM brings together troops from Chad, Cameroon...') or, for a body whose
  membership is fixed by treaty, the members the lexicon lists;
- a participation sentence after it ('Poland, Hungary... also took part in the action',
  'Los paises firmantes son...');
- the places of the searches and arrests of an operation ('37 searches in Spain,
  Germany, Belgium...'): the countries whose services acted in it;
- the list of countries just given, for a gathering whose sentence names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from streams.enrichment.event_model import Actor, Event, SentenceView

if TYPE_CHECKING:
    from streams.enrichment.events import EventLexicon

# what may separate the items of a list of countries: 'A, B et C', 'du Tchad, du Cameroun', 'A, the B and C'
_LIST_GAP = re.compile(r"^\s*(?:,|;|\s)\s*(?:(?:and|et|y|e|as well as|ainsi que|as|also)\s+)?(?:(?:de|du|des|d'|of|from|en|in|a|au|aux)\s*)?"
                       r"(?:(?:la|le|les|the|l'|el|los|las)\s*)?$")
MULTILATERAL_TYPES = ("joint_operation", "meeting", "agreement", "training")

# 'police in five European countries', 'dans sept pays d'Afrique', 'en 12 paises': how many took part
_NUMBERS = {word: n for n, words in enumerate([(), (), (), ("three", "trois", "tres"), ("four", "quatre", "cuatro"),
                                                ("five", "cinq", "cinco"), ("six", "seis"), ("seven", "sept", "siete"),
                                                ("eight", "huit", "ocho"), ("nine", "neuf", "nueve"), ("ten", "dix", "diez"),
                                                ("eleven", "onze", "once"), ("twelve", "douze", "doce")]) for word in words}
_COUNTED_COUNTRIES = re.compile(r"(?<![\w.,])(\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(?:[\w'-]+\s+){0,3}?"
                                r"(?:countries|nations|pays|paises|member states|etats membres|estados miembros)(?!\w)")


@dataclass
class Participants:
    """The participants an article gives for its bodies and lists."""
    by_body: dict[str, set[str]] = field(default_factory=dict)      # body key -> its member countries
    lists: list[tuple[int, set[str]]] = field(default_factory=list)  # sentence index -> countries listed together

    def of_bodies(self, view: SentenceView) -> set[str]:
        """The members of the bodies the sentence names."""
        return set().union(*(self.by_body.get(key, set()) for key in view.bodies)) if view.bodies else set()

    def last_list(self, index: int, reach: int = 2) -> set[str]:
        """The countries most recently listed together (three or more) up to ``reach`` sentences back."""
        for at, countries in reversed(self.lists):
            if index - reach <= at <= index and len(countries) >= 3:
                return countries
        return set()


def country_lists(actors: list[Actor], folded: str) -> list[set[str]]:
    """The groups of countries a sentence names as lists ('A, B and C'), crime scenes aside."""
    groups: list[list[Actor]] = []
    for actor in sorted((a for a in actors if a.source == "country" and not a.crime_place), key=lambda a: a.start):
        if groups and _LIST_GAP.match(folded[groups[-1][-1].end:actor.start]):
            groups[-1].append(actor)
        else:
            groups.append([actor])
    return [codes for group in groups if len(codes := {a.code for a in group}) >= 2]


def find_participants(views: list[SentenceView], folded: str, members: dict[str, set[str]], composition) -> Participants:
    """Members of the bodies the article names (the lexicon's fixed memberships first, else
    what the text says a body brings together), and the lists of countries it gives."""
    found = Participants()
    for index, view in enumerate(views):
        lists = country_lists(view.actors, folded)
        found.lists.extend((index, codes) for codes in lists)
        if view.bodies and lists and composition.search(folded[view.start:view.end]):
            for key in view.bodies:
                found.by_body.setdefault(key, set().union(*lists))
    for key in {key for view in views for key in view.bodies} & members.keys():
        found.by_body[key] = set(members[key])
    return found


def join_participants(events: list[Event], views: list[SentenceView], folded: str, lexicon: EventLexicon,
                      scans: list[dict] | None = None) -> None:
    """Add to an event the countries that later sentences say took part in it: a participation
    sentence that refers to it ('X, Y and Z also took part in the action', 'participaron de
    la operacion', 'les pays signataires sont'), or, for an operation, the places its searches
    and arrests were made in ('37 registros simultaneos en A, B, C'). Countries an event only
    inherited from the discourse give way to the ones named. ``scans``: each sentence's
    ``lexicon.trigger_scan`` when already made."""
    for index, view in enumerate(views):
        fs = folded[view.start:view.end]
        wanted, named = _participation(view, fs, lexicon, lexicon.trigger_scan.finditer(fs) if scans is None else scans[index])
        if not named:
            continue
        target = next((e for e in reversed(events) if e.type in wanted and any(m <= index <= m + 6 for m in e.mentions)), None)
        if target is None or named <= target.countries:
            continue
        target.countries = target.named | named | (set() if target.inherited else target.countries)
        target.named |= named
        target.inherited = False


def _participation(view: SentenceView, fs: str, lexicon: EventLexicon, matches: dict) -> tuple[tuple[str, ...], set[str]]:
    """The event types a sentence adds participants to, and the participants (``matches``: the
    sentence's ``lexicon.trigger_scan``)."""
    named = {a.code for a in view.actors if not a.crime_place}
    if matches.get("participation:signed"):
        return ("agreement",), named
    for match in matches.get("participation:took_part", ()):
        after = " ".join(fs[match.end():].split()[:6])
        wanted = tuple(t for t, regex in lexicon.refers_to.items() if regex.search(after))
        if wanted:
            return wanted, named
    for match in matches.get("weak:joint_operation", ()):
        # the places right after the searches or arrests: 'registros simultaneos en Espana, Alemania...'
        after, near = view.start + match.end(), view.start + match.end() + len(" ".join(fs[match.end():].split()[:8]))
        places = [a for a in view.actors if a.locative and not a.crime_place and a.start >= after]
        if places and places[0].start <= near and len({a.code for a in places}) >= 2:
            return ("joint_operation",), {a.code for a in places}
    return (), set()


def counted_participants(views: list[SentenceView], folded: str) -> set[str]:
    """The countries of an operation an article first counts, then lists: 'police in five
    European countries arrested eight suspects' ... 'searches in Germany, the Netherlands,
    France, Spain and Italy'. The first sentence naming exactly as many countries (by name,
    demonym or body, crime scenes aside) as the article counted, three or more; else none."""
    counts = {int(n) if n.isdigit() else _NUMBERS[n] for n in _COUNTED_COUNTRIES.findall(folded)} - {0, 1, 2}
    if not counts:
        return set()
    for view in views:
        named = {a.code for a in view.actors if not a.crime_place}
        if len(named) in counts:
            return named
    return set()


def join_counted_participants(events: list[Event], views: list[SentenceView], folded: str) -> None:
    """An operation told with some of the countries the article counted and listed is the
    operation of all of them, held in several places: 'Thai and Malaysian authorities
    reported the seizure of...' in a report of a crackdown in five countries."""
    if not any(event.type == "joint_operation" for event in events):
        return   # most articles: no scan of their text for a count
    listed = counted_participants(views, folded)
    if not listed:
        return
    for event in events:
        if event.type == "joint_operation" and event.countries <= listed and event.countries != listed:
            event.countries, event.named, event.inherited = set(listed), event.named | listed, False
            event.location, event.location_fixed = None, True
