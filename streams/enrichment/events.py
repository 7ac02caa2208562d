"""Cooperation events: trigger expressions, the actors of their sentence (or of the
discourse), a location, and one event per real-world event.

The pieces: ``event_model`` (the data), ``event_places`` (where an event took place),
``event_parse`` (what the dependency parse tells), the trigger lexicon
``schemas/gazetteer/events.yaml``; this module finds the triggers, gives each its
countries and merges the mentions of one real-world event."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Callable, Mapping

from schemas.articles import CooperationEvent
from streams.enrichment import event_places
from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME, PREFIX, ArticleContext
from streams.enrichment.event_dates import MonthFinder, dated_elsewhere, same_time
from streams.enrichment.event_model import EVENT_TYPES, HOSTED_TYPES, ON_THE_SIDELINES, Actor, Event, SentenceView, Trigger
from streams.enrichment.event_parse import relcl_filter, subject_finder
from streams.enrichment.outlets import outlet_home, report_home, source_name_country
from streams.enrichment.places import bare_places_country, countries as country_facts
from streams.enrichment.participants import (
    MULTILATERAL_TYPES, Participants, find_participants, join_counted_participants, join_participants,
)
from streams.enrichment.text import Lexicons, compile_patterns, fold, load_yaml, mask

if TYPE_CHECKING:
    from streams.enrichment.agencies import AgencyGazetteer

__all__ = ["EventExtractor", "EventLexicon", "EventResolver", "relcl_filter"]

_VISITOR_BEFORE = re.compile(r"(?:visite|visit|celle|that|venue|trip)\s+(?:officielle\s+)?(?:de|d'|of|du)\s*$")
_VISITOR_AFTER = re.compile(r"^['’]s\s+(?:\w+[- ])?(?:visit|trip)")
# who is given the information: 'to the DGSI', 'aux services de la Policia Nacional', 'to the authorities of Spain'
_RECEIVER = re.compile(r"(?:^|\W)(?:to|au|aux|a|al|a las|a los)\s+(?:(?:la|le|les|the|l'|el|los|las)\s*)?"
                       r"(?:(?:services|autorites|authorities|autoridades|agents|agentes|officers|enqueteurs|investigators|investigadores|policiers)"
                       r"\s+(?:de|du|des|d'|of|del)?\s*(?:(?:la|le|les|the|l'|el|los|las)\s*)?)?$")
_GIVEN_BY = re.compile(r"^\W*(?:[\w-]+\W+){0,3}?(?:by|par|por|from|de la part)\W")
# a trigger that names the giver next ('information passed on by'), in a sentence naming no receiver
_ENDS_WITH_GIVER = re.compile(r"\b(?:by|par|por|from)$")
_ARTICLE_GAP = re.compile(r"\s*(?:(?:la|le|les|the|l'|el|los|las)\s*)?")
_GAP_ARTICLE = r"(?:(?:las|los|les|la|le|el|the|an|a|des|une|un|unos|unas)\s+|l'\s*)?"


def _body_gap(bodies: str) -> re.Pattern[str]:
    """What may stand between a verb and the side it names: an article, then perhaps one of
    ``bodies`` (an alternation) and 'de'/'of' with its article ('a las autoridades de', 'the')."""
    return re.compile(r"\s*" + _GAP_ARTICLE + rf"(?:(?:{bodies})\s+(?:(?:de|du|des|del|of)\s+|d'\s*)?" + _GAP_ARTICLE + ")?")


# what may stand between a handing-over verb and the side it hands to: 'a la France', 'to
# Italian police', 'a las autoridades francesas', 'aux policiers de la Belgique'
_RECEIVER_GAP = _body_gap(r"autorites|authorities|autoridades|police|policia|policias|policiers|agents|agentes|officers|"
                          r"enqueteurs|investigators|investigadores|justice|justicia|services|servicios")
# what may stand between a verb of warning and the side warned: 'a ses homologues italiens',
# 'the Italian police', 'a la Guardia Civil', 'aux autorites de la Belgique'
_WARNED_GAP = re.compile(r"\s*(?:(?:a|au|aux|al|to)\s+)?(?:(?:ses|leurs|leur|son|sa|sus|su|its|their|his|her|les|la|le|el|los|las|the)\s+|l'\s*)?"
                         r"(?:(?:homologues?|counterparts?|colleagues|collegues|colegas|homologos?|services|autorites|authorities|autoridades|"
                         r"police|policia|policiers|agents|agentes|officers|enqueteurs|investigators|investigadores)\s+"
                         r"(?:(?:de|du|des|del|of)\s+|d'\s*)?" + _GAP_ARTICLE + ")?")
# what may stand between a phrase of working in step and the partner: 'con el Ejercito de',
# 'avec l'armee', 'with Spanish' (the demonym is the side), 'con las Fuerzas Armadas del'
_PARTNER_GAP = _body_gap(r"autorites|authorities|autoridades|police|policia|policiers|services|servicios|agents|agentes|officers|"
                         r"ejercito|army|armee|armada|navy|marine|fuerzas armadas|forces armees|armed forces|military|militares|militaires|"
                         r"troops|tropas|troupes|soldiers|soldados|soldats|unidades|units|unites|gendarmerie|gendarmeria|guardia|garde")
# a country's possessive before its body ("Morocco's DGST", "Spain's Civil Guard")
_POSSESSIVE = re.compile(r"[\w-]+(?:\s[\w-]+)?'s\s+(?:(?:domestic|national|foreign|internal|external|own)\s+)?")
# Words that describe a noun, as opposed to those that start another phrase ('patrouille maritime
# commune', not 'patrouille dans la commune'): no article, preposition or auxiliary.
_NOT_DESCRIBING = (r"(?:(?:de|du|des|la|le|les|dans|en|a|au|aux|sur|par|pour|avec|contre|del|el|los|las|con|por|para|y|et|and|"
                   r"of|the|in|on|at|to|entre|between|que|qui|from|with|against|by|was|were|has|have|an|se|sont|est|ha|han)"
                   r"(?![\w'-])|[ld]')")


def _describing(most: int) -> str:
    """At most ``most`` describing words between two (see _NOT_DESCRIBING)."""
    return rf"(?:\s+(?!{_NOT_DESCRIBING})[\w'-]+){{0,{most}}}\s+"


# talks held one by one with several partners ('held separate talks with', 'entretiens séparés avec',
# 'reuniones por separado con'; folded)
_SEPARATE_TALKS = re.compile(r"\bseparate (?:talks|meetings|bilateral)|\bseparately\b|\bentretiens? separes?\b|\bseparement\b"
                             r"|\bpor separado\b|\breuniones (?:bilaterales )?separadas\b|\bseparadamente\b")
# the clause that says who did an operation: 'que', 'that', 'which', an adjective of the noun before it
_DOERS_CLAUSE = re.compile(r"(?:\s+[a-z]+)?,?\s+(?:que|qu'|that|which)\s*")
_DOERS_CHARS = 90
# the operation's owners just after its noun: 'la operacion de la Senad y la Policia Federal de
# Brasil', 'l'operation des armees malienne et nigerienne', 'the operation by Kenyan and Somali troops'
_OWNERS = re.compile(r"(?:\s+[a-z]+)?\s+(?:de|du|des|of|by|par|por)\b")
_OWNERS_END = re.compile(r"[,;:(]|\s(?:que|qui|which|that|en|in|au|a|dans|entre|between|con|with|avec|contra|contre|against|para|pour|to|ha|han|ont|has|have)\s")
_AND = re.compile(r"\s(?:y|e|et|and)\s")
# words of time between a verb and its object ('alerto este martes a', 'a alerte des lundi les services')
_TIME_GAP = re.compile(r"(?:\s*(?:ce|cet|cette|este|esta|on|des|this|last|el|le|por|la|in|the|hier|ayer|hoy|matin|soir|apres-midi|morning|"
                       r"afternoon|evening|manana|tarde|noche|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miercoles|"
                       r"jueves|viernes|sabado|domingo|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?!\w))*")
# an apposition between commas ('X, a 38-year-old man wanted in Marseille, to'): not counted in a distance
_APPOSITION = re.compile(r",[^,]*,")
_LIST_REST = re.compile(r"^\s*(?:,|;)?\s*(?:(?:and|et|y|e|or|ou|o)\s+)?(?:(?:de|du|des|d'|of)\s*)?(?:(?:la|le|les|the|l'|el|los|las)\s*)?$")
_AGENT_OR_BREAK = re.compile(r"[,;:()]|\b(?:by|par|por|with|avec|con|and the|et les|y los)\b")
_CLAUSE_BREAK = re.compile(r"[,;:()\n]|[.!?](?=\s)")
# prepositions after which a nationality names the side something goes to, not the noun before them
_HANDED_TO = frozenset({"to", "a", "au", "aux", "al"})
# where a suspect is brought: 'en Belgique', 'to the Netherlands', 'a Paises Bajos', 'vers Paris'; or, after
# a verb ending in its preposition ('puesto a disposicion de'), the receiver at once
_TOWARDS = re.compile(r"(?<!\w)(?:to|a|al|au|aux|en|vers|hacia)\s+")
_OF = frozenset({"de", "del", "du", "des", "of"})
_PURPOSE = re.compile(r"(?:^|\W)(?:to|pour|para|afin d'|afin de)\s+$")
WEAK_KINDS = ("weak", "anaphor", "force")   # ordinary police or military action: cooperation only as the text shows it
OPERATIONAL = ("joint_operation", "training", "intelligence_sharing")   # what a plan or a wish does not make


class EventLexicon:
    def __init__(self) -> None:
        data = load_yaml("events.yaml")
        self.version = str(data["version"])
        spec = data["events"]

        def patterns(event_type: str, key: str):
            entries = spec.get(event_type, {}).get(key)
            return compile_patterns(entries) if entries else None

        self.by_kind = {
            kind: {t: regex for t in EVENT_TYPES if (regex := patterns(t, kind)) is not None}
            for kind in ("strong", "weak", "talk", "counterpart", "travel", "anaphor", "force")
        }
        self.agreement_nouns = patterns("agreement", "nouns")
        self.agreement_verbs = patterns("agreement", "verbs")
        self.arrangements = patterns("agreement", "arrangements")
        agreement = spec["agreement"]
        self.instruments = compile_patterns(agreement["instruments"])
        self.signing = compile_patterns(agreement["signing"])
        # the text's noun, a comma or an auxiliary, then 'executed': 'the instrument, executed in Abuja'
        texts = compile_patterns(agreement["nouns"] + agreement["instruments"]).pattern
        auxiliaries = "|".join(re.escape(fold(word)) for word in agreement["executed_after"])
        self.executed = re.compile(rf"(?:{texts})\s*,?\s+(?:(?:{auxiliaries})\s+)*executed(?!\w)")
        self.extradition_pending = patterns("extradition", "pending")
        self.not_suspects = patterns("extradition", "not_suspects")
        self.suspects = patterns("extradition", "suspects")
        self.handed_to_country = patterns("extradition", "handed_to_country")
        self.extradition_noun = re.compile(r"extradi(?:tion|cion|ction)(?:s|es)?")
        self.extradition_decided = patterns("extradition", "decided")
        self.investigation_team = patterns("joint_operation", "investigation_team")
        self.handover = patterns("training", "handover")
        returned = spec["extradition"]["returned"]
        self.returned_suspect = compile_patterns(returned["suspect"])
        self.returned_goods = compile_patterns(returned["goods"])
        self.expelled = re.compile(compile_patterns(returned["expelled"]).pattern + "$")
        self.wanted = compile_patterns(returned["wanted"])
        review = spec["meeting"]["review"]
        # a verb of reviewing (the trigger), at most ten words within the clause, then what was reviewed
        self.review = re.compile(rf"(?:{compile_patterns(review['verbs']).pattern})(?=(?:[^\w.;:!?]+[\w'-]+){{0,10}}?[^\w.;:!?]+"
                                 rf"(?:{compile_patterns(review['objects']).pattern}))")
        # or the two officials, at most two words (an adverb, a day), then the verb
        self.pair_review = re.compile(rf"(?:{compile_patterns(review['pair_subjects']).pattern})(?:\W+[\w'-]+){{0,2}}?\W+"
                                      rf"(?:{compile_patterns(review['pair_verbs']).pattern})")
        came_from = spec["intelligence_sharing"]["warned"]["came_from"]
        # a noun of warning, at most four words, then a verb of origin: the giver follows (see triggers)
        self.came_from = re.compile(rf"(?:{compile_patterns(came_from['nouns']).pattern})(?:[^\w.;:!?]+[\w'-]+){{0,4}}?[^\w.;:!?]+"
                                    rf"(?:{compile_patterns(came_from['verbs']).pattern})")
        passed_on = spec["intelligence_sharing"]["passed_on"]
        self.information = compile_patterns(passed_on["information"])
        self.the_public = compile_patterns(passed_on["public"])
        # a verb of passing, at most six words of its clause, then a noun of information (see the lexicon)
        self.passed_on = re.compile(rf"(?:{compile_patterns(passed_on['verbs']).pattern})(?:[^\w.;:!?]+[\w'-]+){{0,6}}?[^\w.;:!?]+"
                                    rf"(?:{self.information.pattern})")
        coordinated = spec["joint_operation"]["coordinated_first"]
        self.coordinated_partners = compile_patterns(coordinated["partners"])
        self.coordinated_doing = compile_patterns(coordinated["doing"])
        self.operation_nouns = patterns("joint_operation", "compound_nouns")
        done_with = spec["joint_operation"]["done_with"]
        self.done_with = {
            event_type: self.done_with_construction(nouns, done_with)
            for event_type, nouns in (("joint_operation", spec["joint_operation"]["compound_nouns"]), ("training", done_with["training_nouns"]))
        }
        prefixes = sorted({fold(p) for words in load_yaml("countries.yaml")["prefixes"].values() for p in words}, key=len, reverse=True)
        compound = r"(?<![\w])(?:" + "|".join(map(re.escape, prefixes)) + r")-[\w]+(?![\w-])"
        noun = patterns("joint_operation", "compound_nouns").pattern
        # the noun, at most one word between ('police'), then the compound, or the compound first
        self.compound_operation = re.compile(rf"(?:{noun})(?:\s+[\w']+)?\s+{compound}|{compound}(?:\s+[\w']+)?\s+(?:{noun})")
        joint = spec["joint_operation"]
        activity = compile_patterns(joint["joint_nouns"]).pattern
        self.joint_activity = re.compile(
            rf"(?:{activity}){_describing(3)}(?:{compile_patterns(joint['joint_after']).pattern})"
            rf"|(?:{compile_patterns(joint['joint_before']).pattern}){_describing(1)}(?:{activity})")
        self.equipment = patterns("training", "equipment")
        self.preparing = patterns("meeting", "preparing")
        self.summit = patterns("meeting", "summit")
        self.virtual = patterns("meeting", "virtual")
        self.negation = compile_patterns(data["negation"])
        self.called_off = compile_patterns(data["called_off"])
        self.modality = compile_patterns(data["modality"])
        self.future = {part: compile_patterns(words) for part, words in data["future"].items()}
        self.recalled = {part: compile_patterns(words) for part, words in data["recalled"].items()}
        self.non_actor = compile_patterns(data["non_actor"])
        self.place_nouns = compile_patterns(data["place_nouns"])
        self.elaboration = re.compile(r"^\s*" + compile_patterns(data["elaboration"]).pattern)
        self.criminals = compile_patterns(data["criminals"])
        self.crime_place = compile_patterns(data["crime_place"])
        self.crime_target = compile_patterns(data["crime_target"])
        self.excluded = {None: compile_patterns(data["excluded"]), "extradition": patterns("extradition", "not_an_extradition")}
        # Every sentence is read by all the lexicons above that make or unmake a trigger: one
        # scan of it finds where any of them can match, instead of one regex pass each.
        self.trigger_scan = Lexicons({
            **{f"{kind}:{t}": spec[t][kind] for kind, regexes in self.by_kind.items() for t in regexes},
            **{f"agreement:{key}": spec["agreement"][key] for key in ("nouns", "arrangements", "verbs")},
            "extradition:handed_to_country": spec["extradition"]["handed_to_country"],
            "intelligence_sharing:warned_to": spec["intelligence_sharing"]["warned"]["to"],
            "intelligence_sharing:warned_by": spec["intelligence_sharing"]["warned"]["by"],
            "intelligence_sharing:thanks": spec["intelligence_sharing"]["warned"]["thanks"],
            "extradition:returned": spec["extradition"]["returned"]["verbs"],
            "meeting:met_party": spec["meeting"]["met_party"],
            "training:handover": spec["training"]["handover"],
            "excluded": data["excluded"],
            "excluded:extradition": spec["extradition"]["not_an_extradition"],
            # what retained() and join_participants() read of each sentence, in the same scan
            "modality": data["modality"],
            "modality_done": data["modality_done"],
            "participation:took_part": data["participation"]["took_part"],
            "participation:signed": data["participation"]["signed"],
            "joint_operation:coordinated_partners": coordinated["partners"],
            "joint_operation:nouns": spec["joint_operation"]["compound_nouns"],
            "agreement:instruments": agreement["instruments"],
            "agreement:signing": agreement["signing"],
            "called_off": data["called_off"],
        }, constructions={
            # the regexes above that start with a lexicon's pattern: each (those patterns, the regex)
            "meeting:review": (review["verbs"], self.review),
            "meeting:pair_review": (review["pair_subjects"], self.pair_review),
            "intelligence_sharing:came_from": (came_from["nouns"], self.came_from),
            "intelligence_sharing:passed_on": (passed_on["verbs"], self.passed_on),
            "joint_operation:done_with": (spec["joint_operation"]["compound_nouns"], self.done_with["joint_operation"]),
            "training:done_with": (done_with["training_nouns"], self.done_with["training"]),
            "joint_operation:joint_activity": (joint["joint_nouns"] + joint["joint_before"], self.joint_activity),
        })
        self.two_parties = compile_patterns(data["two_parties"])
        self.security_wordings = compile_patterns(data["security_wordings"])
        self.security_forces = compile_patterns(data["security_forces"])
        self.cooperation_between = compile_patterns(data["cooperation_between"])
        self.together = compile_patterns(data["together"])
        participation = data["participation"]
        self.took_part = compile_patterns(participation["took_part"])
        self.signed = compile_patterns(participation["signed"])
        self.composition = compile_patterns(participation["composition"])
        self.refers_to = {t: compile_patterns(words) for t, words in participation["refers_to"].items()}
        self.members = {key: set(codes) for key, codes in (data.get("members") or {}).items()}
        self.months = MonthFinder(data["months"])

    @staticmethod
    def done_with_construction(nouns: list[str], done_with: dict) -> re.Pattern[str]:
        """An activity noun, a few words, a participle of doing, at most one word, then a partner
        ('patrouille organisee avec', 'investigation was carried out hand in hand by')."""
        def body(patterns: list[str]) -> str:
            return compile_patterns(patterns).pattern
        return re.compile(rf"(?:{body(nouns)})(?:\W+[\w'-]+){{0,4}}?\W+(?:{body(done_with['participles'])})(?:\W+[\w'-]+)?\W+"
                          rf"(?:{body(done_with['partners'])})(?!\W+(?:{body(done_with['not_partners'])}))")

    @property
    def weak(self) -> dict:
        return self.by_kind["weak"]


def side_codes(sentence: SentenceView) -> dict[int, str]:
    """Where, in the sentence, a side is named (as the one something is handed to, or the one
    doing it), with its country: a country's name, its demonym ('to Italian police'), one of its
    bodies ('a la Policia Nacional')."""
    return {a.start - sentence.start: a.code for a in sentence.actors if a.kind in (NAME, DEMONYM) or a.source in ("agency", "ministry")}


def _words_window(folded: str, start: int, end: int, words: int) -> str:
    left = last_words(folded, start, words)
    right = first_words(folded, end, words)
    return " ".join(left) + " " + folded[start:end] + " " + " ".join(right)


def last_words(text: str, end: int, count: int) -> list[str]:
    """``text[:end].split()[-count:]``, reading back only as far as it takes (articles are long)."""
    reach = 32 * (count + 1)
    while True:
        start = max(0, end - reach)
        words = text[start:end].split()
        if start == 0 or len(words) > count:   # the window's first word may be cut: never among those returned
            return words[-count:]
        reach *= 4


def first_words(text: str, start: int, count: int) -> list[str]:
    """``text[start:].split()[:count]``, reading on only as far as it takes."""
    reach = 32 * (count + 1)
    while True:
        end = min(len(text), start + reach)
        words = text[start:end].split()
        if end == len(text) or len(words) > count:   # the window's last word may be cut: never among those returned
            return words[:count]
        reach *= 4


@dataclass
class Discourse:
    """What the whole article tells the events of each sentence."""
    top_actors: list[str]                 # countries by how central they are to the article
    main_pair: set[str]                   # its two main parties when two stand out, else empty
    dateline: str | None = None
    year: int | None = None               # its publication year
    keep_actor: Callable | None = None    # the parse's relative-clause filter
    subject_of: Callable | None = None    # the parse's subject finder
    participants: Participants | None = None
    outlets_country: str | None = None    # the outlet's country (see ``report_home``) when the article names it


class EventExtractor:
    def __init__(self, lexicon: EventLexicon) -> None:
        self.lex = lexicon

    # ---------------------------------------------------------------- actors
    def is_non_actor(self, folded: str, start: int, end: int, kind: str = DEMONYM) -> bool:
        """'ressortissant marocain', 'a Spanish national', 'Moroccan hashish', 'Montenegro's clans'."""
        # the words before, within the clause and never across a sentence end or the title's
        # ('Police seize cocaine' + 'Italian and Albanian police...': no 'Moroccan hashish')
        clauses = _CLAUSE_BREAK.split(folded[max(0, start - 120):start])
        before = " ".join(clauses[-1].split()[-2:])
        if before.split()[-1:] and before.split()[-1] in _HANDED_TO:
            before = ""   # 'handed the suspect to Italian officers': the nationality is the receiver's, not the suspect's
        if len(clauses) > 1 and self.lex.elaboration.match(clauses[-1]):
            # 'ressortissants de pays subsahariens, notamment de Cote d'Ivoire': the noun elaborated on qualifies them
            before = " ".join(clauses[-2].split()[-4:]) + " " + before
        possessive = folded[end:end + 2] in ("'s", "' ")
        if kind == NAME and not possessive:   # a name does not qualify the noun after it ('vers la France un trafiquant')
            return bool(self.lex.non_actor.search(before))
        if self.lex.place_nouns.search(" ".join(before.split()[-2:])):
            return True   # 'vers les cotes italiennes': a place the country's name qualifies
        window_after = first_words(folded, end + (2 if possessive else 0), 3)
        if window_after and window_after[0] in ("and", "et") and len(window_after) > 2:
            after = " ".join(window_after[2:3])  # "British and Moroccan citizens"
        else:
            after = " ".join(window_after[:2])  # "Russian ransomware suspect"
        # French and Spanish put the nationality after the criminals it qualifies ('carteles
        # mexicanos', 'des trafiquants marocains'); 'police criminelle' is no criminal
        noun_before = before.split()[-1:]
        criminals_before = kind == DEMONYM and bool(noun_before) and not noun_before[0].startswith("crimin") \
            and bool(self.lex.criminals.search(noun_before[0]))
        return bool(self.lex.non_actor.search(before + " | " + after) or self.lex.criminals.search(after) or criminals_before)

    def is_crime_place(self, folded: str, sentence_start: int, start: int) -> bool:
        """'groups operating in Syria', 'hashish from Morocco to Spain': where crime happens."""
        before = folded[max(sentence_start, start - 30):start]
        if self.lex.crime_place.search(" ".join(before.split()[-3:])):
            return True
        described = folded[max(sentence_start, start - 200):start]
        target = None
        for target in self.lex.crime_target.finditer(described):
            pass
        return target is not None and not _AGENT_OR_BREAK.search(described, target.end())

    place_flags = staticmethod(event_places.place_flags)

    # ---------------------------------------------------------------- triggers
    def triggers(self, folded_sentence: str, country_names: Mapping[int, str] | None = None, persons: tuple[int, ...] = (),
                 capitals: tuple[int, ...] = (), matches: dict | None = None, bodies: tuple[int, ...] = ()) -> list[Trigger]:
        """Every trigger of the sentence, strong, talk and travel ones first, then by position.
        ``country_names``: where the sentence names a country or a country's side (its name, its
        demonym, one of its bodies: offsets in it), with that country, see ``side_codes``; ``persons``: where it
        names a person; ``capitals``: where it names a capital; ``matches``: the sentence's
        ``trigger_scan`` when already made; ``bodies``: where it names a country's body (an agency, a ministry)."""
        country_names = country_names or {}
        if matches is None:
            matches = self.lex.trigger_scan.finditer(folded_sentence)
        found = [
            Trigger(event_type, match.start(), match.end(), kind)
            for kind, regexes in self.lex.by_kind.items() for event_type in regexes
            for match in matches.get(f"{kind}:{event_type}", ())
        ]
        for match in matches.get("extradition:handed_to_country", ()):
            gap = _RECEIVER_GAP.match(folded_sentence, match.end())
            # 'remis a la France', 'handed him to Italian Carabinieri', 'entregaron a la Policia
            # Nacional': a person handed over to a country or its police; equipment is no suspect
            if gap and gap.end() in country_names and not self.hands_over_equipment(folded_sentence, match.start(), match.end()) \
                    and not self.lex.equipment.search(match.group(0)) \
                    and not self.hands_over_information(folded_sentence, match.end()):   # 'entrego diez todoterrenos a', 'entrego informes a'
                found.append(Trigger("extradition", match.start(), match.end(), "strong"))
        for match in matches.get("extradition:returned", ()):
            if self.returned_to_country(folded_sentence, match.start(), match.end(), set(country_names) | set(capitals), persons):
                found.append(Trigger("extradition", match.start(), match.end(), "strong"))
        sides = set(country_names) | set(capitals)
        for match in matches.get("intelligence_sharing:warned_to", ()):
            # 'la DGST a signale a ses homologues italiens': the side warned just after the verb, the
            # side warning named before it (a citizen alerting the police is no cooperation)
            after_time = _TIME_GAP.match(folded_sentence, match.end()).end()
            warned_at = max(_WARNED_GAP.match(folded_sentence, at).end() for at in (match.end(), after_time))
            if (warned_at in sides or _WARNED_GAP.match(folded_sentence, match.end()).end() in sides) \
                    and any(at < match.start() for at in sides):
                found.append(Trigger("intelligence_sharing", match.start(), match.end(), "strong"))
        for match in matches.get("intelligence_sharing:warned_by", ()):
            # 'was alerted by the DEA', 'a warning from Morocco's intelligence service': the giver just after
            if _WARNED_GAP.match(folded_sentence, match.end()).end() in sides:
                found.append(Trigger("intelligence_sharing", match.start(), match.end(), "strong"))
        for match in matches.get("joint_operation:coordinated_partners", ()):
            # 'en coordinacion con el Ejercito de Colombia, se ejecuto una operacion': the partner
            # named first, then, within fourteen words, an operation done
            if _PARTNER_GAP.match(folded_sentence, match.end()).end() in country_names:
                after = " ".join(first_words(folded_sentence, match.end(), 16))
                # the verb may come first ('ont conduit, en synergie avec l'armee senegalaise, une operation')
                before = " ".join(last_words(folded_sentence, match.start(), 4))
                if (self.lex.coordinated_doing.search(after) or self.lex.coordinated_doing.search(before)) \
                        and self.lex.operation_nouns.search(after):
                    found.append(Trigger("joint_operation", match.start(), match.end(), "strong"))
        for match in matches.get("joint_operation:nouns", ()) if country_names else ():
            if self.done_by_both(folded_sentence, match.end(), country_names) or owned_by_both(folded_sentence, match.end(), country_names) \
                    or self.both_did(folded_sentence, match.start(), country_names):
                found.append(Trigger("joint_operation", match.start(), match.end(), "strong"))
        for match in matches.get("intelligence_sharing:came_from", ()):
            # 'the warning had come from Rabat', 'l'alerte provenait des services marocains': the giver just after
            if _WARNED_GAP.match(folded_sentence, match.end()).end() in sides:
                found.append(Trigger("intelligence_sharing", match.start(), match.end(), "strong"))
        for match in matches.get("intelligence_sharing:passed_on", ()):
            if not self.lex.the_public.search(" ".join(first_words(folded_sentence, match.start(), 10))):
                found.append(Trigger("intelligence_sharing", match.start(), match.end(), "strong"))
        for match in matches.get("intelligence_sharing:thanks", ()):
            # 'grace a la DGST marocaine', 'thanks to Morocco's DGST': a body just after, or its
            # country's possessive ('gracias a la colaboracion de la DGSN' is work together, not a tip)
            at = _WARNED_GAP.match(folded_sentence, match.end()).end()
            possessive = _POSSESSIVE.match(folded_sentence, at) if at in sides else None
            if at in bodies or (possessive and possessive.end() in bodies):
                found.append(Trigger("intelligence_sharing", match.start(), match.end(), "strong"))
        for match in [*matches.get("meeting:review", ()), *matches.get("meeting:pair_review", ())]:
            found.append(Trigger("meeting", match.start(), match.end(), "strong"))
        for event_type in self.lex.done_with:
            for match in matches.get(f"{event_type}:done_with", ()):
                found.append(Trigger(event_type, match.start(), match.end(), "strong"))
        for match in matches.get("meeting:met_party", ()):
            gap = _ARTICLE_GAP.match(folded_sentence, match.end())
            if gap.end() > match.end() and (gap.end() in country_names or gap.end() in persons):
                found.append(Trigger("meeting", match.start(), match.end(), "strong"))
        for match in matches.get("joint_operation:joint_activity", ()):
            found.append(Trigger("joint_operation", match.start(), match.end(), "weak"))
        # the compound ('operation franco-espagnole') has a hyphen, which most sentences lack
        for match in self.lex.compound_operation.finditer(folded_sentence) if "-" in folded_sentence else ():
            found.append(Trigger("joint_operation", match.start(), match.end(), "strong"))
        for match in matches.get("training:handover", ()):
            if self.hands_over_equipment(folded_sentence, match.start(), match.end()):
                found.append(Trigger("training", match.start(), match.end(), "strong"))
        nouns = sorted([*matches.get("agreement:nouns", ()), *matches.get("agreement:arrangements", ())], key=lambda m: m.start())
        if nouns and matches.get("agreement:verbs"):
            found.append(Trigger("agreement", nouns[0].start(), nouns[0].end(), "strong"))
        elif "agreement" not in {t.type for t in found}:
            found.extend(self.signed_text(folded_sentence, matches))
        excluded = [m.span() for m in matches.get("excluded", ())]
        excluded_by_type = {"extradition": [m.span() for m in matches.get("excluded:extradition", ())]}
        found = [
            t for t in found
            if not any(start < t.end and t.start < end for start, end in excluded + excluded_by_type.get(t.type, []))
        ]
        return sorted(found, key=lambda t: (t.kind in WEAK_KINDS, t.start))

    def done_by_both(self, fs: str, noun_end: int, country_names: Mapping[int, str]) -> bool:
        """An operation its doers' clause gives to both sides ('el operativo que militares
        ecuatorianos y colombianos realizaron', 'the raid that Kenyan and Somali troops carried
        out', 'l'operation que les armees malienne et nigerienne ont menee'): a relative pronoun
        just after the operation's noun (an adjective may come between), then two sides, then a
        verb of doing within a few words. One side doing it, the other complaining of it, is none."""
        relative = _DOERS_CLAUSE.match(fs, noun_end)
        if not relative:
            return False
        verb = self.lex.coordinated_doing.search(fs, relative.end(), min(len(fs), relative.end() + _DOERS_CHARS))
        return bool(verb) and sum(relative.end() <= at < verb.start() for at in country_names) >= 2

    def both_did(self, fs: str, noun_start: int, country_names: Mapping[int, str]) -> bool:
        """An operation whose subject is two sides joined by 'and', its verb of doing at most four
        words before the noun ('efectivos de la Felcn y de la Gendarmeria Nacional Argentina
        ejecutaron un operativo', 'Kenyan and Somali troops carried out a raid')."""
        before = " ".join(last_words(fs, noun_start, 4))
        verbs = list(self.lex.coordinated_doing.finditer(before))
        if not verbs:
            return False
        verb_at = fs.rfind(verbs[-1].group(0), 0, noun_start)
        # the subject: back to the clause's start, the last 'and' in it joining the two sides
        subject_from = max(fs.rfind(",", 0, verb_at) + 1, fs.rfind(";", 0, verb_at) + 1, verb_at - _DOERS_CHARS - 40, 0)
        joins = list(_AND.finditer(fs, subject_from, verb_at))
        return bool(joins) and two_sides(country_names, (subject_from, joins[-1].start()), (joins[-1].end(), verb_at))

    def signed_text(self, fs: str, matches: dict) -> list[Trigger]:
        """A text signed that the sentence names by what it is, not as an agreement: 'the
        instrument, executed in Abuja', 'el entendimiento firmado el martes', 'the memorandum was
        duly executed'. An instrument must be signed (adopted or agreed, it is as often a fund or
        a law), and 'executed' must follow its text's noun (alone, it is a warrant carried out)."""
        executed = self.lex.executed.search(fs) if "executed" in fs else None
        if executed:
            return [Trigger("agreement", executed.start(), executed.end(), "strong")]
        for instrument in matches.get("agreement:instruments", ()) if matches.get("agreement:signing") else ():
            # the signing told with the text, a few words from it ('l'instrument, paraphé à Rabat', 'signed an
            # instrument', 'le texte, paraphé vendredi')
            # the day and the partner may stand between the signing and the text, within its clause
            # ('suscribio ayer junto a su homologo costarricense un instrumento')
            clause_before = " ".join(last_words(fs, instrument.start(), 8)).rsplit(",", 1)[-1]
            if self.lex.signing.search(_words_window(fs, instrument.start(), instrument.end(), 3)) or self.lex.signing.search(clause_before):
                return [Trigger("agreement", instrument.start(), instrument.end(), "strong")]
        return []

    def returned_to_country(self, fs: str, start: int, end: int, places: set[int], persons: tuple[int, ...] = ()) -> bool:
        """A suspect brought back, flown back or sent to a country, its capital or its police:
        'a ete ramene jeudi en Belgique', 'sent a suspected trafficker to France', 'traslado ... a
        Paises Bajos', 'puesto a disposicion de la policia neerlandesa'. The suspect is told before
        the country or just after it (a person wanted, accused, on trial), or named between the verb
        and the receiver ('the handover of Mehdi L. to French police'); an apposition between commas
        does not count in the distance ('handed X, a man wanted in Marseille for trafficking, to');
        equipment, money, drugs or a file sent are none."""
        if self.hands_over_equipment(fs, start, end):
            return False
        sent = " ".join(first_words(fs, end, 3))
        if self.lex.returned_goods.search(sent) and not self.lex.returned_suspect.search(sent):
            return False   # 'transferred millions to Spain', 'sent the file to France': no person
        last_word = fs[start:end].split()[-1]
        # 'puesto a disposicion de', 'flown to' + the receiver
        ends = [end] if last_word in _OF or last_word in _HANDED_TO or last_word.startswith("d'") else []
        ends += [m.end() for m in _TOWARDS.finditer(fs, end, min(len(fs), end + 240))
                 if len(_APPOSITION.sub(" ", fs[end:m.start()]).split()) <= 10]
        for at in ends:
            gap = _RECEIVER_GAP.match(fs, at)
            if gap and gap.end() in places:
                if self.lex.expelled.search(fs, start, end):
                    # expelled or deported: handed over only to where the person is wanted
                    return bool(self.lex.wanted.search(fs))
                # Spanish names the person after the place: 'traslado a Paises Bajos a un presunto sicario'
                return bool(self.lex.returned_suspect.search(fs, 0, gap.end() + 60)) or any(end <= p < at for p in persons)
        return False

    def hands_over_information(self, fs: str, end: int) -> bool:
        """A handing-over verb whose object is information ('entrego a Ecuador informes de
        inteligencia'): intelligence passed on, no one extradited."""
        return bool(self.lex.information.search(" ".join(first_words(fs, end, 6))))

    def hands_over_equipment(self, fs: str, start: int, end: int) -> bool:
        """A handing-over verb whose object is equipment: 'remet des equipements', 'a la remise
        de vingt vehicules', 'donated 20 off-road vehicles', 'vehicles were handed over'."""
        after = " ".join(first_words(fs, end, 8))
        before = " ".join(last_words(fs, start, 3))
        return bool(self.lex.equipment.search(after) or self.lex.equipment.search(before))

    def retained(self, found: list[Trigger], fs: str, matches: dict | None = None) -> list[Trigger]:
        """The triggers that make events: the first of each type (visits excepted); weak ones
        only when no other trigger reports the sentence; talks only beside a visit; no
        operational one in a plan; none of what did not happen. ``matches``: the sentence's
        ``trigger_scan`` when already made."""
        if matches is None:
            matches = self.lex.trigger_scan.finditer(fs)
        done = [m.span() for m in matches.get("modality_done", ())]
        modal = any(not any(start <= m.start() and m.end() <= end for start, end in done) for m in matches.get("modality", ())) \
            or bool(matches.get("agreement:nouns"))
        reported = {t.type for t in found if t.kind not in WEAK_KINDS and t.kind != "counterpart"}
        operation = any(t.kind in WEAK_KINDS for t in found)
        found_types = {t.type for t in found}
        kept: list[Trigger] = []
        for trigger in found:
            if trigger.type != "visit" and any(k.type == trigger.type for k in kept):
                continue
            if trigger.kind in WEAK_KINDS and reported:
                continue
            if trigger.kind == "talk" and reported - {"meeting", "visit"} and "visit" not in reported:
                continue   # talks beside an extradition or a signing are not a meeting of their own, unless on a visit
            if trigger.kind == "counterpart" and (reported - {"meeting", "visit"} or operation):
                continue   # police 'with their Spanish counterparts' in an arrest: the operation, no meeting
            if trigger.type in OPERATIONAL and modal:
                continue
            if trigger.type == "intelligence_sharing" and any(t.type == "joint_operation" and t.kind == "strong" for t in found):
                continue   # the exchange of information within a joint operation is part of it ('facilitated the exchange ... on the action day')
            if self.happened(trigger, fs, found_types, matches):
                kept.append(trigger)
        return kept

    def happened(self, trigger: Trigger, fs: str, found_types: set[str], matches: dict) -> bool:
        """The trigger reports a cooperation that took place: not denied or called off, not an extradition only
        requested or awaited, not a meeting held to prepare an operation, not an operation that
        is only the frame of an extradition told in the same sentence. ``matches``: the sentence's
        ``trigger_scan``."""
        if trigger.type == "extradition":
            decided = list(self.lex.extradition_decided.finditer(fs))
            if self.lex.extradition_pending.search(fs) and not decided:
                return False
            before = fs[:trigger.start]
            if self.lex.not_suspects.search(before) and not self.lex.criminals.search(before) and not self.lex.suspects.search(before):
                return False   # migrants or the rescued handed to the police: nobody extradited
            window = mask(fs, [m.span() for m in decided])   # 'rejected his appeal' denies nothing
        elif trigger.type == "agreement":
            window = fs
        else:
            window = _words_window(fs, trigger.start, trigger.end, 6)
        if self.lex.negation.search(window) or self.foretold(trigger, fs) or self.recalled(trigger, fs):
            return False
        if matches.get("called_off"):
            return False
        if trigger.type == "meeting" and self.prepares_an_operation(fs, trigger):
            return False
        if trigger.type == "joint_operation" and "extradition" in found_types and not any(matches.get(f"weak:{t}") for t in self.lex.weak):
            return False
        if trigger.kind in WEAK_KINDS and _PURPOSE.search(fs[max(0, trigger.start - 12):trigger.start]):
            return False   # 'a direct line to intercept boats': a purpose, not an operation
        return True

    def prepares_an_operation(self, fs: str, trigger: Trigger) -> bool:
        """A meeting held to prepare an operation is part of it (SPEC); one held to prepare a
        summit or another meeting ('pour preparer le sommet europeen') is a meeting of its own."""
        window = _words_window(fs, trigger.end, trigger.end, 8)
        preparing = self.lex.preparing.search(window)
        if preparing is None:
            return False
        prepared = " ".join(first_words(window, preparing.end(), 3))
        return not self.lex.refers_to["meeting"].search(prepared)

    def foretold(self, trigger: Trigger, fs: str) -> bool:
        """The trigger tells what is planned, expected or possible, not what took place:
        'will sign', 'the next round of talks', 'pourrait etre extrade', 'la reunion se tiendra'."""
        future = self.lex.future
        spans = [(trigger.start, trigger.end)]
        if trigger.type == "agreement":   # 'will travel to Rome to sign a new agreement': the signing verb tells the time
            spans += [m.span() for m in self.lex.agreement_verbs.finditer(fs)]
        return any(
            future["before"].search(" ".join(last_words(fs, start, 4)))
            or future["after"].search(" ".join(first_words(fs, end, 5)))
            or future["time"].search(" ".join(last_words(fs, start, 10) + first_words(fs, end, 4)))
            for start, end in spans
        )

    def recalled(self, trigger: Trigger, fs: str) -> bool:
        """The trigger recalls an earlier event as the background of this report: 'praised last
        year's joint operation', 'l'operation conjointe de l'an dernier', 'puso como ejemplo la
        desarticulacion de una red'."""
        recalled = self.lex.recalled
        return bool(recalled["before"].search(" ".join(last_words(fs, trigger.start, 4)))
                    or recalled["after"].search(" ".join(first_words(fs, trigger.end, 5))))

    # ---------------------------------------------------------------- events
    def extract(self, sentences: list[SentenceView], folded: str, discourse: Discourse) -> list[Event]:
        if discourse.participants is None:
            discourse.participants = find_participants(sentences, folded, self.lex.members, self.lex.composition)
        events: list[Event] = []
        previous: Event | None = None
        # each sentence scanned once for every lexicon that reads it whole (see trigger_scan)
        scans = [self.lex.trigger_scan.finditer(folded[sentence.start:sentence.end]) for sentence in sentences]
        for position, sentence in enumerate(sentences):
            fs = folded[sentence.start:sentence.end]
            found = self.triggers(fs, side_codes(sentence), tuple(start - sentence.start for start, _, _ in sentence.persons),
                                  tuple(a.start - sentence.start for a in sentence.actors if a.kind == CAPITAL), scans[position],
                                  tuple(a.start - sentence.start for a in sentence.actors if a.source in ("agency", "ministry")))
            named_before = {a.code for a in sentences[position - 1].actors} if position and found else set()
            for trigger in self.retained(found, fs, scans[position]) if found else []:
                for event in self.events_of(trigger, sentence, folded, discourse, previous, position, named_before):
                    event.from_title, event.sentence, event.mentions = position == 0, position, [position]
                    previous = self._merge(events, event)
        join_participants(events, sentences, folded, self.lex, scans)
        join_counted_participants(events, sentences, folded)
        attend_gatherings(events)
        events = self._merge_all(self.reported(events))
        events = self.absorb_investigation_teams(events)
        event_places.share_visit_places(events)
        event_places.place_at_dateline(events, discourse.dateline)
        return event_places.visits_by_convention(events, self.lex.summit)

    def events_of(self, trigger: Trigger, sentence: SentenceView, folded: str, discourse: Discourse, previous: Event | None,
                  position: int = 0, named_before: set[str] = frozenset()) -> list[Event]:
        """The events one trigger reports: its countries from the sentence (or the discourse
        when the sentence names fewer than two), and where it took place."""
        fs = folded[sentence.start:sentence.end]
        at = (sentence.start + trigger.start, sentence.start + trigger.end)
        actors = self._actors(trigger, sentence, fs, discourse)
        if trigger.kind == "travel":
            return self._travels(trigger, sentence, actors, discourse)
        parties = self._parties(trigger, sentence, fs, actors, discourse, previous, position, named_before)
        if parties is None:
            return []
        countries, named = parties
        location, fixed = event_places.sentence_location(trigger.type, actors)
        inherited = len(countries) < 2
        when = self.lex.months.when(fs, trigger.start)
        elsewhere = dated_elsewhere(when, discourse.year)
        if inherited:
            if elsewhere:
                return []   # background: 'first tabled in 2006, when the conference was held in Malaysia'
            venue = ({discourse.dateline} | {a.code for a in sentence.actors if a.locative and a.source == "country"}) - {None} \
                if ON_THE_SIDELINES.search(fs) else set()
            countries = self._inherit(countries, discourse, previous, venue)
            if countries is None:
                return []
            if location is None and not fixed and previous is not None and previous.countries == countries and trigger.type in HOSTED_TYPES:
                location, fixed = previous.location, previous.location_fixed
        if trigger.type == "extradition":
            handing = event_places.handing_over_country(actors, countries, folded, at, discourse.subject_of)
            if handing:
                location, fixed = handing, True
        if trigger.type in HOSTED_TYPES and self.lex.virtual.search(fs):
            location, fixed = None, True   # held by videoconference: nowhere
        if location is None and not fixed and trigger.type in HOSTED_TYPES:
            location = event_places.host_country(sentence, folded, actors, discourse.subject_of)
        generic = inherited and trigger.type == "extradition" and bool(self.lex.extradition_noun.fullmatch(fs[trigger.start:trigger.end])) \
            and not self.lex.extradition_decided.search(fs)
        if trigger.type == "meeting" and len(countries) >= 3 and not inherited and _SEPARATE_TALKS.search(fs):
            # 'held separate talks with his Philippine and Australian counterparts': one meeting with each
            partners = [a for a in actors if a.code in countries and not a.locative]
            host = min(partners, key=lambda a: a.start, default=None)
            if host is not None and len({a.code for a in partners}) >= 3:
                # with each partner the sentence names as a side, not where the talks were held
                split = [event for other in sorted({a.code for a in partners} - {host.code})
                         for event in self._one_event(trigger, sentence, actors, {host.code, other}, location, fixed,
                                                      named & {host.code, other}, inherited, generic, elsewhere, when, fs)]
                for event in split:
                    event.one_of_several = True
                return split
        return self._one_event(trigger, sentence, actors, countries, location, fixed, named, inherited, generic, elsewhere, when, fs)

    def _one_event(self, trigger: Trigger, sentence: SentenceView, actors: list[Actor], countries: set[str], location, fixed: bool,
                   named: set[str], inherited: bool, generic: bool, elsewhere: bool, when, fs: str) -> list[Event]:
        return [
            Event(
                type=trigger.type, countries=set(countries), location=location, location_fixed=fixed,
                evidence=sentence.text, trigger=sentence.text[trigger.start:trigger.end], visitor=visitor,
                persons=[name for _, _, name in sentence.persons],
                organizations=[a.label for a in actors if a.source in ("agency", "ministry") and a.label],
                inherited=inherited, named=named & countries if inherited else named,
                weak_only=trigger.kind in WEAK_KINDS, generic=generic, officials=sentence.officials(),
                dated_elsewhere=elsewhere, when=when,
            )
            for visitor in (self._visitors(sentence, fs) if trigger.type == "visit" else [None])
        ]

    def _actors(self, trigger: Trigger, sentence: SentenceView, fs: str, discourse: Discourse) -> list[Actor]:
        """The sentence's actors that can be parties of this trigger's event: no places for an
        exchange of information, no scenes of crime, none in a relative clause apart from the
        trigger unless that clause names the cooperating parties themselves."""
        candidates = [
            a for a in sentence.actors
            if not (trigger.type == "intelligence_sharing" and a.locative and a.source == "country")
            and not (a.crime_place and trigger.type not in ("extradition", "visit"))
        ]
        if ON_THE_SIDELINES.search(fs):
            # 'SINGAPORE - ... met on the sidelines of the Shangri-La Dialogue here', 'met in Singapore, on the
            # fringes of the forum': the forum's venue, not a party
            venue = {a.code for a in candidates if a.dateline or (a.locative and a.source == "country")}
            # a body placed there by guess goes with it; one the sentence gives that country by name stays
            venue -= {a.code for a in candidates if a.source == "country" and not (a.dateline or a.locative)}
            candidates = [a for a in candidates if a.code not in venue]
        elif len({a.code for a in candidates if not a.dateline}) >= 2:
            # 'WARSAW - Police from A, B and C...': where the report was filed, not a party, when the sentence names the parties
            candidates = [a for a in candidates if not a.dateline]
        elif sentence.bodies and trigger.type in OPERATIONAL and {a.code for a in candidates} <= {a.code for a in candidates if a.dateline}:
            # 'LYON, France - An INTERPOL-coordinated operation ...': an international body's seat
            # tells where its release was written, not who acted
            candidates = []
        keep = discourse.keep_actor
        actors = [a for a in candidates if keep is None or keep(a, sentence.start + trigger.start)]
        if len({a.code for a in actors}) < 2 <= len({a.code for a in candidates}) and self.lex.cooperation_between.search(fs):
            # '..., le resultat d'une cooperation entre les autorites de Belgique, de France...'
            return candidates
        return actors

    def _parties(self, trigger: Trigger, sentence: SentenceView, fs: str, actors: list[Actor], discourse: Discourse,
                 previous: Event | None, position: int, named_before: set[str] = frozenset()) -> tuple[set[str], set[str]] | None:
        """The countries of the event (fewer than two: left to the discourse) and those its
        sentence names; None when the trigger reports no cooperation here. ``named_before``: the
        countries the sentence before names."""
        countries = {a.code for a in actors}
        acting = {a.code for a in actors if not a.locative}
        participants = discourse.participants
        members = participants.of_bodies(sentence) if participants is not None else set()
        if trigger.kind == "force":
            if not members:
                return None   # fighting is cooperation only as a multinational force's
            countries = acting = acting | members
        elif trigger.kind == "anaphor" and not self.lex.together.search(fs):
            return None   # 'the operation' again: an operation already told, unless the sentence says it was done together
        elif trigger.kind == "anaphor" and previous is not None and previous.type != trigger.type and acting <= previous.countries:
            return None   # 'cette arrestation' after the information that made it: what was told, not a new operation
        if len(acting) < 2 and trigger.type in MULTILATERAL_TYPES and participants is not None:
            # a regional body acting for its members, or a gathering of the countries just listed
            listed = participants.last_list(position)
            if not members and trigger.type in HOSTED_TYPES and acting <= listed:
                members = listed
            countries |= members
            acting |= members
        if trigger.kind in WEAK_KINDS and len(acting) < 2:
            return None   # arrests/seizures: two countries' actors must be named, not just places
        named = set(countries)
        if self.lex.two_parties.search(fs):
            # 'both countries': the two the sentence before names ('Colombia y Ecuador. Tropas de ambos
            # paises...', in a round-up of the week), else those of the event just told
            pair = set(named_before) if len(named_before) == 2 and len(countries) < 2 else \
                set(previous.countries) if previous is not None and len(previous.countries) == 2 else set(discourse.top_actors[:2])
            if len(pair) == 2:
                countries = pair
        if trigger.type == "intelligence_sharing" and discourse.top_actors \
                and (_GIVEN_BY.match(fs[trigger.end:]) or (len(countries) < 2 and _ENDS_WITH_GIVER.search(fs, trigger.start, trigger.end))) \
                and all(a.start >= sentence.start + trigger.end for a in actors) \
                and not any(_RECEIVER.search(fs[max(0, a.start - sentence.start - 40):a.start - sentence.start]) for a in actors):
            # 'information provided by the DEA': the givers are named; the receiver is the article's own
            # side, the outlet's country when the article names it ('acting on information passed on by
            # the Australian Federal Police', in a Jakarta paper that names Indonesia), else the
            # article's most named other one (a Paris paper on a Colombian seizure: Colombia)
            own = discourse.outlets_country
            countries = countries | {own if own and own not in countries else
                                     next((c for c in discourse.top_actors if c not in countries), discourse.top_actors[0])}
        return countries, named

    @staticmethod
    def _inherit(countries: set[str], discourse: Discourse, previous: Event | None, venue: set[str] = frozenset()) -> set[str] | None:
        """The countries of an event whose sentence names fewer than two: those of the event
        just told, else the article's two main parties (None when there are none); never the
        ``venue``, the country of a forum the talks were held beside."""
        candidates = set(previous.countries) if previous else set(discourse.main_pair)
        if len(candidates) >= 2 and countries <= candidates and not candidates & venue:
            return candidates
        others = [c for c in discourse.top_actors if c not in countries and c not in venue]
        return countries | {others[0]} if countries and others else None

    @staticmethod
    def _travels(trigger: Trigger, sentence: SentenceView, actors: list[Actor], discourse: Discourse | None = None) -> list[Event]:
        """An official arriving somewhere, or touring places: one visit to each place reached,
        by the one country whose official the sentence names; or, when it names a person but no
        body before the movement, by the other of the report's two parties ('el ministro
        Valenzuela llegó este martes a Lima, donde se reunió con el ministro peruano', in a report
        on Chile and Peru)."""
        trigger_start = sentence.start + trigger.start
        bodies = [a for a in actors if a.source in ("agency", "ministry") and not (a.locative or a.destination)]
        # the one who travels is named before the movement; a body named after it is what was
        # visited ('se desplazo a Tripoli para supervisar el centro de la guardia costera libia')
        named_before = {a.code for a in bodies if a.start < trigger_start}
        if not bodies:
            # 'le ministre ghanéen', 'the Ghanaian delegation': an official known by his country alone
            named_before = officials_by_nationality(sentence, actors, trigger_start)
            bodies = [a for a in actors if a.code in named_before and a.start < trigger_start]
        visitors = {a.code for a in bodies}
        if len(visitors) > 1:
            visitors = named_before
        reached = [a.code for a in actors if a.source == "country" and a.start > trigger_start
                   and (a.locative or a.destination or a.kind in (CAPITAL, CITY))]
        if not named_before and discourse is not None and len(discourse.main_pair) == 2 and len(set(reached)) == 1 \
                and reached[0] in discourse.main_pair and any(start < trigger_start for start, _, _ in sentence.persons):
            # the bodies named after the movement are the hosts it reached ('llegó a Lima, donde se reunió con el ministro peruano')
            visitors = set(discourse.main_pair) - {reached[0]}
        if len(visitors) != 1:
            return []
        visitor = next(iter(visitors))
        places = dict.fromkeys(code for code in reached if code != visitor)   # 'arrived in X', 'tour from X to Y via Z'
        return [
            Event(type="visit", countries={visitor, place}, location=place, location_fixed=True, evidence=sentence.text,
                  trigger=sentence.text[trigger.start:trigger.end], persons=[name for _, _, name in sentence.persons],
                  officials={visitor})
            for place in places
        ]

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
    def reported(events: list[Event]) -> list[Event]:
        """Arrests between two countries that also carry out an extradition are the arrest
        pending that extradition, not an operation of their own; extradition spoken of in
        general, in a sentence that names neither its parties nor a decision, is no event."""
        extraditions = [e.countries for e in events if e.type == "extradition"]
        return [
            e for e in events
            if not (e.type == "joint_operation" and e.weak_only and any(e.countries <= pair for pair in extraditions)) and not e.generic
        ]

    def absorb_investigation_teams(self, events: list[Event]) -> list[Event]:
        """A joint investigation team is part of the joint operation it led to (SPEC), even when
        it was set up long before the action ('the JIT, set up in 2022'): one event."""
        teams = [e for e in events if e.type == "joint_operation" and self.lex.investigation_team.search(fold(e.evidence))]
        kept = []
        for event in events:
            operation = next((o for o in events if o is not event and o.type == "joint_operation" and o not in teams
                              and event.countries <= o.countries), None) if event in teams else None
            if operation is None:
                kept.append(event)
            else:
                operation.mentions = sorted(set(operation.mentions) | set(event.mentions))
        return kept

    @classmethod
    def _merge_all(cls, events: list[Event]) -> list[Event]:
        """Merge again once participants joined: a pair may now be part of a multilateral event.
        Talks held in turn with several partners are no meeting of them all: their summary (a
        headline's 'holds talks with Philippine, Australian counterparts') goes."""
        held_in_turn = [e.countries for e in events if e.one_of_several]
        if held_in_turn:
            together = set().union(*held_in_turn)
            events = [e for e in events if e.one_of_several or not (e.type == "meeting" and e.countries >= together)]
        merged: list[Event] = []
        for event in sorted(events, key=lambda e: -len(e.countries)):
            cls._merge(merged, event)
        return sorted(merged, key=lambda e: e.sentence)

    @staticmethod
    def _merge(events: list[Event], new: Event) -> Event:
        for existing in events:
            if existing.type != new.type:
                continue
            if not (existing.countries <= new.countries or new.countries <= existing.countries):
                continue
            if (existing.one_of_several or new.one_of_several) and existing.countries != new.countries:
                continue   # each of the talks held in turn stays apart from the others and from their summary
            if existing.location_fixed and new.location_fixed and existing.location and new.location and existing.location != new.location \
                    and not (new.inherited and new.type not in HOSTED_TYPES):
                # two places: two gatherings; but a later account that does not name the parties
                # ('he was handed over to DEA agents and flown to Chicago') tells the same extradition
                continue
            if existing.visitor and new.visitor and existing.visitor != new.visitor:
                continue
            # the same kind of event told at two dates is two events ('extradited in September...
            # at the end of November, Rabat handed over two more'); so is one the text dates to
            # another year than the article's ('the first extradition, in December 2023')
            if not same_time(existing.when, new.when):
                continue
            if existing.dated_elsewhere != new.dated_elsewhere and not (existing.inherited or new.inherited):
                continue
            if len(new.countries) > len(existing.countries):
                existing.countries = set(new.countries)
                if new.location_fixed or (existing.inherited and not new.inherited):
                    # the account naming all the parties places the event, not a partial one
                    existing.location, existing.location_fixed = new.location, new.location_fixed
            elif new.location_fixed and existing.from_title and not new.from_title and new.countries >= existing.countries:
                # a headline's place is a summary: the body's own account of the places wins
                existing.location, existing.location_fixed = new.location, True
            # a sentence about some of the participants ('the BKA arrested one in Hamburg'), or
            # one that does not name them, does not place the whole event
            if existing.location is None and not existing.location_fixed and new.location and new.countries >= existing.countries \
                    and not new.inherited:
                existing.location, existing.location_fixed = new.location, new.location_fixed
            existing.visitor = existing.visitor or new.visitor
            if not new.inherited:   # a mention that does not name the parties dates nothing
                existing.when = existing.when or new.when
            existing.officials |= new.officials
            existing.named |= new.named
            existing.weak_only = existing.weak_only and new.weak_only
            existing.generic = existing.generic and new.generic
            existing.sentence = min(existing.sentence, new.sentence)
            existing.mentions = sorted(set(existing.mentions) | set(new.mentions))
            # the evidence is the first body sentence that names the actors itself
            if (existing.inherited or existing.from_title) and not (new.inherited or new.from_title):
                if not ON_THE_SIDELINES.search(fold(existing.evidence)):
                    # (a sentence that places talks beside a gathering stays their evidence: it tells them apart)
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


# ---------------------------------------------------------------- the resolver
SECURITY_KINDS = {"police", "intelligence", "justice", "military", "customs"}
SECURITY_PORTFOLIOS = {"interior", "justice", "defence", "foreign", "migration"}
INTERNATIONAL_SECURITY = {"int-europol", "int-interpol", "int-eurojust", "int-frontex", "int-afripol", "int-unodc", "int-maocn", "int-ameripol"}


def main_pair(weights, top_actors: list[str]) -> set[str]:
    """The article's two main parties: its two most central countries, when a third does not
    weigh as much as the second (then who the two are is unclear)."""
    if len(top_actors) < 2:
        return set()
    if len(top_actors) > 2 and weights.get(top_actors[2], 0) >= weights.get(top_actors[1], 0) > 0:
        return set()
    return set(top_actors[:2])


def listed_home_nearby(context: ArticleContext) -> str | None:
    """The country the outlet gazetteer gives the report's outlet, as the side it takes for granted
    when it names only the foreign party: only when that country lies on the continent of a country
    the report names, or borders it (a national paper also writes of faraway courts and trials that
    concern its country in nothing; its bodies, unqualified, still take its country, see
    attribution.own_side)."""
    home = source_name_country(context.article.source)
    facts = country_facts()
    if home not in facts:
        return None
    return home if any(facts[home].near(m.code, facts[m.code]) for m in context.countries if m.code in facts) else None


def owned_by_both(fs: str, noun_end: int, country_names: Mapping[int, str]) -> bool:
    """An operation whose owners, just after its noun, are two sides joined by 'and' ('la
    operacion de la Senad y la Policia Federal de Brasil'): a side before the 'and' and one after
    it, before the owners' phrase ends (a place, a partner, a verb, a comma)."""
    owners = _OWNERS.match(fs, noun_end)
    if not owners:
        return False
    stop = _OWNERS_END.search(fs, owners.end(), min(len(fs), owners.end() + _DOERS_CHARS))
    end = stop.start() if stop else min(len(fs), owners.end() + _DOERS_CHARS)
    joined = _AND.search(fs, owners.end(), end)
    return bool(joined) and two_sides(country_names, (owners.end(), joined.start()), (joined.end(), end))


def two_sides(country_names: Mapping[int, str], first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether the sides named in the span ``first`` and those in ``second`` are of two countries
    ('la Senad y la Policia Federal de Brasil'; 'la Policia Nacional y la Guardia Civil' is one side)."""
    one = {code for at, code in country_names.items() if first[0] <= at < first[1]}
    other = {code for at, code in country_names.items() if second[0] <= at < second[1]}
    return bool(one) and bool(other) and len(one | other) >= 2


_OFFICIAL_NOUN = r"(?:ministre|minister|ministro|ministra|d[ée]l[ée]gations?|delegaci[oó]n|delegation|chef|jefe|chief|directeur|director|directora|" \
                 r"secr[ée]taire|secretary|secretario|secretaria|commissaire|commissioner|comisario|g[ée]n[ée]ral|ambassadeur|ambassador|embajador)"
_OFFICIAL_BEFORE = re.compile(_OFFICIAL_NOUN + r"(?:\s+[\w'’-]+)?\s+$", re.IGNORECASE)     # 'le ministre ghanéen', 'ministre ghanéen de'
_OFFICIAL_AFTER = re.compile(r"^\s+" + _OFFICIAL_NOUN + r"\b", re.IGNORECASE)             # 'the Ghanaian minister'


def officials_by_nationality(sentence: SentenceView, actors: list[Actor], before: int) -> set[str]:
    """The countries of officials the sentence names by nationality alone before ``before``
    ('le ministre ghanéen a clôturé', 'the Ghanaian delegation toured')."""
    text, offset = sentence.text, sentence.start
    return {a.code for a in actors if a.kind == DEMONYM and a.start < before
            and (_OFFICIAL_BEFORE.search(text, max(0, a.start - offset - 30), a.start - offset)
                 or _OFFICIAL_AFTER.match(text[a.end - offset:a.end - offset + 25]))}


# a gathering of several sides' officials: 'the annual meeting of interior ministers of the 5+5
# Dialogue', 'la reunion des chefs de police de la region', 'la cumbre de ministros'
_GATHERING = re.compile(
    r"\b(?:meeting|gathering|conference|summit|session|reunion|rencontre|sommet|cumbre|conferencia|sesion|foro|forum)"
    r"(?:\s+[\w'-]+){0,2}?\s+(?:of|des|de|del|de\s+los|de\s+las)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:ministers|ministres|ministros|chiefs|chefs|jefes|heads|directors|directeurs|directores|commanders|commandants|comandantes)\b")


def attend_gatherings(events: list[Event]) -> None:
    """A side's official at a gathering of several sides' officials ('Farrugia was in Lisbon for
    the annual meeting of interior ministers') takes part in the gathering the article tells
    with three sides or more, not in talks with its host: the side joins that gathering, and the
    pair's meeting then merges into it (see ``_merge_all``)."""
    gatherings = [e for e in events if e.type == "meeting" and len(e.countries) >= 3]
    for event in events:
        if event.type != "meeting" or len(event.countries) != 2 or not _GATHERING.search(fold(event.evidence)):
            continue
        gathering = next((g for g in gatherings if len(event.countries & g.countries) == 1), None)
        if gathering is not None:
            gathering.countries |= event.countries
            gathering.named |= event.countries & event.named


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
        views = self.sentence_views(context)
        extracted = self.extractor.extract(views, context.folded, self.discourse(context, views))
        article = context.article
        context.events = []
        seen: set[str] = set()
        for event in extracted:
            countries = sorted(event.countries)
            basis = f"{article.article_id}|{event.type}|{'-'.join(countries)}|{event.location or ''}|{event.visitor or ''}"
            if event.when:   # repeated events of one kind told at different dates
                basis += f"|{event.when}"
            while basis in seen:   # two events must never share an id: one would overwrite the other in the index
                basis += "|again"
            seen.add(basis)
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

    def discourse(self, context: ArticleContext, views: list[SentenceView] | None = None) -> Discourse:
        weights = context.country_weights
        if views is not None:
            # a country named only as the nationality of criminals or goods ('carteles mexicanos')
            # is no party: it is not offered to an event whose sentence names one side only
            acting = {a.code for view in views for a in view.actors}
            weights = Counter({code: weight for code, weight in weights.items() if code in acting})
        top_actors = [code for code, _ in weights.most_common()]
        for mention in context.organization_mentions:
            if mention.country and mention.country not in top_actors:
                top_actors.append(mention.country)
        top_actors += [code for code, _ in context.country_weights.most_common() if code not in top_actors]
        article = context.article
        home = outlet_home(article, listed=False) or listed_home_nearby(context) or bare_places_country(context)
        if home and home not in top_actors:
            # last of all: the side a report that names only the foreign party takes for granted
            # ('handed to Spanish police at Ezeiza airport', in a paper of Buenos Aires)
            top_actors.append(home)
        # the year of a report of the day; none when the feed gave no date (the receive time is no publication year)
        published = article.published_at if article.published_at_source == "feed" else None
        outlets = report_home(context)
        return Discourse(
            top_actors=top_actors,
            main_pair=main_pair(weights, top_actors),
            dateline=self.dateline(context),
            year=published.year if published else None,
            keep_actor=relcl_filter(context.doc),
            subject_of=subject_finder(context.doc),
            outlets_country=outlets if outlets and context.country_weights.get(outlets, 0) > 0 else None,
        )

    def acting_countries(self, context: ArticleContext) -> set[str]:
        """The countries some sentence names as a side: by a body, a minister, its name or
        demonym, not only as a place ('en Syrie', 'to Madrid'), the nationality of persons or
        the origin of goods ('trois Ghanéens interpellés', 'hachís desde Marruecos')."""
        return {actor.code for view in self.sentence_views(context) for actor in view.actors
                if not (actor.crime_place or actor.locative or actor.destination or actor.dateline)}

    def security_relevant(self, context: ArticleContext) -> bool:
        if context.topics or self.lexicon.security_wordings.search(context.folded) or self.names_security_forces(context):
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

    def names_security_forces(self, context: ArticleContext) -> bool:
        """A country's police, intelligence, army... named by a common noun next to the country
        ('French police', 'les polices belge et neerlandaise', 'las policias de Espana y Marruecos')."""
        folded = context.folded
        for mention in context.countries:
            if mention.kind not in (DEMONYM, NAME):
                continue
            near = " ".join(last_words(folded, mention.start, 3) + ["|"] + first_words(folded, mention.end, 2))
            if self.lexicon.security_forces.search(near):
                return True
        return False

    def sentence_views(self, context: ArticleContext) -> list[SentenceView]:
        """Each sentence with its actors: the countries it names as actors or places, the bodies
        it names (as their country) and its persons."""
        folded = context.folded
        views: list[SentenceView] = []
        dateline_at = event_places.dateline_mention(context)
        # each sentence's mentions found once, not by a scan of the whole article per sentence
        countries_in = context.by_sentence(sorted(context.countries, key=attrgetter("start")))
        organizations_in = context.by_sentence(context.organization_mentions)
        spans_in = context.by_sentence([(s, e, p.name) for p in context.persons for s, e in p.spans], start=itemgetter(0))
        for number, sentence in enumerate(context.sentences):
            actors: list[Actor] = []
            dropped_end = -1
            for mention in countries_in[number]:
                if mention.kind in (DEMONYM, PREFIX, NAME) and (
                        mention.counted   # persons of that nationality ('trois Ghanéens interpellés')
                        or self.extractor.is_non_actor(folded, mention.start, mention.end, mention.kind)
                        # the rest of a list whose first item is a nationality: 'de nacionalidad marroqui, argelina y guineana'
                        or (0 <= dropped_end <= mention.start and _LIST_REST.match(folded[dropped_end:mention.start]))):
                    dropped_end = mention.end
                    continue
                dropped_end = -1
                locative, destination = event_places.mention_place_flags(context.text, folded, sentence.start, mention)
                actors.append(Actor(mention.start, mention.end, mention.code, "country", locative, destination, mention.text, mention.kind,
                                    self.extractor.is_crime_place(folded, sentence.start, mention.start), dateline=mention is dateline_at))
            event_places.coordinate_places(actors, folded)
            for mention in organizations_in[number]:
                if mention.key.startswith("institution:") and mention.country_source == "context":
                    continue   # a body the text does not tie to a country ('a joint investigation team (JIT)'): its country is a guess
                if mention.country:
                    source = "ministry" if mention.key.startswith("ministry:") else "agency"
                    actors.append(Actor(mention.start, mention.end, mention.country, source, label=mention.acronym or mention.text))
            people = list(spans_in[number])
            people.sort()
            bodies = [m.key for m in organizations_in[number] if not m.country and m.key in self.agencies.agencies]
            views.append(SentenceView(sentence.start, sentence.end, sentence.text, actors, people, list(dict.fromkeys(bodies))))
        return views

    dateline = staticmethod(event_places.dateline)
