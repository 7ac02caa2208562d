"""Persons: model (NER) candidates and honorific mentions, cleaned of titles, filtered, and
merged into full names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.es.stop_words import STOP_WORDS as _ES_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP

from streams.enrichment.context import CAPITAL, DEMONYM, NAME, PERSON_LABELS, ArticleContext, ResolvedPerson
from streams.enrichment.institutions import has_institution_head
from streams.enrichment.outlets import names_an_outlet
from streams.enrichment.text import fold

# Titles, ranks and functions written before a name; removed from either end of a mention.
TITLES = {
    "m", "mm", "mme", "mmes", "mlle", "me", "dr", "pr", "mr", "mrs", "ms", "sir", "dame", "lord",
    "gen", "general", "général", "generale", "col", "colonel", "coronel", "cdt", "commandant", "comandante",
    "capitaine", "captain", "capitan", "teniente", "lieutenant", "lt", "sgt", "sergent", "sergeant", "sargento",
    "brigadier", "adm", "admiral", "amiral", "almirante", "vice-amiral", "contre-amiral", "vicealmirante",
    "contralmirante", "vice-admiral", "rear-admiral", "marechal", "maréchal",
    "president", "président", "presidente", "présidente", "presidenta", "vice-president", "vicepresidente",
    "ministre", "minister", "ministro", "ministra",
    "premier", "prime", "secretary", "secrétaire", "secretario", "secretaria", "director", "directeur", "directrice",
    "directora", "deputy", "adjoint", "chief", "chef", "jefe", "jefa", "head", "commissioner", "commissaire", "comisario",
    "comisaria", "subcomisario", "inspector", "inspecteur", "judge", "juge", "juez", "jueza", "magistrat", "magistrado",
    "magistrada", "magistrate", "procureur", "procurador", "procuradora", "prosecutor", "fiscal", "ambassador",
    "ambassadeur", "ambassadrice", "embajador", "embajadora", "king", "roi", "rey", "reina", "queen", "reine",
    "prince", "princesse", "principe", "princesa", "sheikh", "shaikh", "cheikh", "emir", "émir", "sultan",
    "pope", "pape", "senator", "sénateur", "sénatrice", "senador", "senadora", "mp", "député", "deputé", "diputado",
    "diputada", "governor", "gouverneur", "gobernador", "gobernadora", "mayor", "maire", "alcalde", "officer", "agent",
    "spokesman", "spokeswoman", "porte-parole", "portavoz", "avocat", "lawyer", "abogado", "abogada", "maître",
    "maitre", "don", "doña", "señor", "señora", "sr", "sra", "saint", "st", "interior", "justice", "home", "foreign",
    "defence", "defense", "general-director", "director-general", "superintendent", "superintendente", "commander",
    "commandeur", "coordinator", "coordinatrice", "coordinateur", "datuk", "dato", "tun",
}
_TITLES_FOLDED = {fold(t) for t in TITLES}
# Honorifics of two words ('Tan Sri Khalid Abu Bakar'): each word alone may be part of a name ('Tan').
TITLE_PHRASES = {("tan", "sri"), ("puan", "sri"), ("datuk", "seri"), ("dato", "seri"), ("dato", "sri"), ("toh", "puan")}
PARTICLES = {"de", "del", "della", "di", "da", "dos", "das", "do", "du", "van", "von", "der", "den", "ben",
             "bin", "bint", "ibn", "el", "al", "la", "le", "y", "e", "ould", "mc", "mac", "abu", "abou", "bou"}
# Function words that cannot open a name ('Para Andrés Severino', 'Según Juan Pérez'); a few
# stop words that are also first names or name particles stay.
_LEADING_STOP = {fold(w) for w in _FR_STOP | _ES_STOP | _EN_STOP} - PARTICLES - {"will", "may", "bill", "mark", "sol", "paz", "don"}
MAX_NAME_WORDS = 5          # words of a name that are not particles ('Khalifa bin Hamad bin Khalifa Al Thani': 5)
_ELISION = re.compile(r"^(?:[dlDL]['’]|[dD]e\s+)")
_POSSESSIVE = re.compile(r"['’]s?$")
_COORDINATION = re.compile(r"\s+(?:y|e|et|and)\s+")
_OPERATION_LEADING = re.compile(r"^(?:op[ée]ration|operaci[oó]n|operativo)\s", re.IGNORECASE)   # 'Operation Kalahari'
# A name that is a nickname, an operation's or a newspaper's: 'alias « El Gordo »', 'dubbed "Cavalo
# Doido"', 'the daily Dnevni Avaz'.
_NOT_A_PERSON_BEFORE = re.compile(
    r"(?:\b(?:dit|dite|dits|alias|surnomm[ée]e?s?|baptis[ée]e?s?|bautizad[oa]s?|apodad[oa]s?|llamad[oa]s?|denominad[oa]s?|"
    r"conocid[oa]s?\s+como|dubbed|nicknamed|code-?named|known\s+as|so-called|op[ée]ration|operation|operaci[oó]n|"
    r"daily|newspaper|weekly|magazine|tabloid|quotidien|hebdomadaire|journal|diario|peri[oó]dico|semanario|revista)"
    r"\s*[«\"“‘']?\s*)$",
    re.IGNORECASE,
)
# A place named after a person, its kind told before the name, which the model's span may take in:
# 'l'aéroport Félix-Houphouët-Boigny', '(el) aeropuerto Adolfo Suárez Madrid-Barajas'
_NAMED_AFTER_A_PERSON = (
    r"(?:a[ée]roport|aeropuerto|airport|stade|estadio|stadium|avenue|avenida|boulevard|bulevar|calle|rue|street|h[ôo]pital|"
    r"hospital|universit[ée]|universidad|university|lyc[ée]e|colegio|escuela|[ée]cole|school|acad[ée]mie|academia|academy|"
    r"puente|bridge|camp|campamento|caserne|cuartel|barracks)"
)
_PLACE_KIND_BEFORE = re.compile(rf"\b{_NAMED_AFTER_A_PERSON}\s*$", re.IGNORECASE)
_PLACE_KIND_LEADING = re.compile(rf"^(?:(?:el|la|le|l['’]|the)\s*)?{_NAMED_AFTER_A_PERSON}\b", re.IGNORECASE)
# A place or body named after a person, the kind told after the name: 'Jomo Kenyatta International
# Airport', 'Kamuzu Central Hospital', 'Bomana Police Training College'
_NOT_A_PERSON_AFTER = re.compile(
    r"^[\s-]+(?:(?:International|Regional|Central|National|Teaching|Police|Military|Naval|Memorial)\s+)*"
    r"(?:Airport|Stadium|Hospital|University|Barracks|College|School|Academy|Bridge|Avenue|Street|Road|Highway)\b"
)
# A name after the people or the kind of a place is the place's: 'residents of Foni Bintang and
# Foni Kansala', 'les habitants de Kanel', 'vecinos de San Isidro', 'the village of Sibanor'.
_A_PLACE_BEFORE = re.compile(
    r"\b(?:[Rr]esidents?|[Ii]nhabitants?|[Vv]illagers|[Vv]illages?|[Tt]owns?|[Dd]istricts?|[Hh]abitants?|[Vv]illes?|"
    r"[Cc]ommunes?|[Ll]ocalit[ée]s?|[Qq]uartiers?|[Vv]ecinos|[Hh]abitantes|[Pp]ueblos?|[Ll]ocalidad(?:es)?|[Mm]unicipios?|"
    r"[Bb]arrios?|[Aa]ldeas?)\s+(?:of|de|du|des|del|d['’])\s*(?:(?:the|la|el|los|las|le|les)\s+)?"
    r"(?:[A-ZÀ-Ý][\w'’-]*\s+){0,3}(?:(?:and|et|y|e)\s+|,\s*)?$"
)
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ž"     # Latin capitals (and, in Latin Extended-A, their small letters: looks_like_name judges)
_NAME_RUN = re.compile(rf"[{_CAPITAL}][\w’'-]+(?:[ \t]+(?:(?:de|del|da|dos|van|von|bin|ben|ould|al|el)[ \t]+)?[{_CAPITAL}][\w’'-]+){{1,5}}")
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s*,?\s+(?:and|et|y|e)\s+|\s*;\s*)$")
_QUOTES = {"«": "»", '"': '"', "“": "”", "‘": "’", "'": "'"}


@dataclass
class PersonCandidate:
    text: str
    start: int
    end: int


# The name tests below are pure and read the same few thousand strings again and again (every
# candidate of every article, each several times): cached, bounded for a long-running worker.
@lru_cache(maxsize=16384)
def is_title(token: str) -> bool:
    return fold(token).rstrip(".") in _TITLES_FOLDED


@lru_cache(maxsize=16384)
def clean_name(raw: str) -> str:
    """Strip elisions, possessives, titles (at either end) and punctuation around a name."""
    text = " ".join(raw.replace("\n", " ").split())
    text = _ELISION.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = text.strip(" ,.;:()[]\"'«»“”-–")
    tokens = text.split()
    while tokens:
        if tuple(fold(t) for t in tokens[:2]) in TITLE_PHRASES:
            tokens = tokens[2:]
        elif is_title(tokens[0]) or not tokens[0][:1].isupper():
            tokens.pop(0)
        elif len(tokens) > 2 and fold(tokens[0]) in _LEADING_STOP and tokens[1][:1].isupper():
            tokens.pop(0)
        else:
            break
    # 'Diálogo el Vicealmirante': a title after a small word ends the name before it
    for index in range(1, len(tokens)):
        if is_title(tokens[index]) and not tokens[index - 1][:1].isupper():
            tokens = tokens[:index - 1]
            break
    while tokens and not tokens[-1][:1].isupper():
        tokens.pop()
    return " ".join(tokens)


@lru_cache(maxsize=16384)
def looks_like_name(name: str) -> bool:
    tokens = name.split()
    core = [t for t in tokens if fold(t) not in PARTICLES]
    if not core or len(core) > MAX_NAME_WORDS:
        return False
    if any(ch.isdigit() for ch in name):
        return False
    if any(t.isupper() and len(t) > 1 for t in tokens):  # acronyms: "DGSN", "NCA"
        return False
    for token in tokens:
        if fold(token) in PARTICLES:
            continue
        if not token[:1].isupper():
            return False
        if "'" in token[1:] and not re.match(r"^[A-Z][a-z]?['’][A-Z]", token):  # "l'Atlas" but not "O'Neil", "N'Diaye"
            return False
    return True


def full_names(sides: list[str]) -> bool:
    """Each side of a coordination is a full name (two words at least, titles aside)."""
    return all(len(clean_name(side).split()) >= 2 for side in sides)


def split_coordinated(candidate: PersonCandidate) -> list[PersonCandidate]:
    """'Ismaelino Muñoz y Fredy Acosta' -> two names; 'Escocia e Inglaterra' stays one candidate
    (neither side is a full name) for the filters to judge."""
    pieces: list[PersonCandidate] = []
    position = 0
    for match in _COORDINATION.finditer(candidate.text):
        pieces.append(PersonCandidate(candidate.text[position:match.start()], candidate.start + position, candidate.start + match.start()))
        position = match.end()
    pieces.append(PersonCandidate(candidate.text[position:], candidate.start + position, candidate.end))
    if len(pieces) > 1 and full_names([p.text for p in pieces]):
        return pieces
    return [candidate]


def resolve_persons(candidates: list[PersonCandidate], reject: set[str], reject_whole: set[str] = frozenset()) -> list[ResolvedPerson]:
    """Group mentions of the same person under the longest full name.

    ``reject`` holds folded words that cannot be part of a name (agency acronyms);
    ``reject_whole`` folded texts that cannot be a whole name (countries, agencies), nor a
    side of a coordination ('Escocia e Inglaterra').
    A full name that begins another ('Mohamed Salem' of 'Mohamed Salem Ould Merzoug') or ends
    it ('Pardo Piqueras') is that person. A surname-only mention counts only when a full name
    of the article ends with it (or contains it); otherwise it is dropped as unresolvable.
    """
    cleaned: list[tuple[str, PersonCandidate]] = []
    for candidate in candidates:
        name = clean_name(candidate.text)
        if not name or not looks_like_name(name):
            continue
        if any(fold(token) in reject for token in name.split()) or fold(name) in reject or fold(name) in reject_whole:
            continue
        if any(fold(clean_name(side)) in reject_whole for side in _COORDINATION.split(name)):
            continue
        cleaned.append((name, candidate))
    full = [(n, c) for n, c in cleaned if len([t for t in n.split() if fold(t) not in PARTICLES]) >= 2]
    persons: dict[str, ResolvedPerson] = {}
    # longest names first so that "Pardo Piqueras" merges into "Francisco Pardo Piqueras"
    for name, candidate in sorted(full, key=lambda item: (-len(item[0].split()), -len(item[0]))):
        key = fold(name)
        target = None
        for existing_key, person in persons.items():
            if existing_key == key or existing_key.endswith(" " + key) or existing_key.startswith(key + " "):
                target = person
                break
        if target is None:
            target = persons.setdefault(key, ResolvedPerson(name))
        target.mentions.append(candidate.text)
        target.spans.append((candidate.start, candidate.end))
    for name, candidate in cleaned:
        if len(name.split()) >= 2:
            continue
        key = fold(name)
        matches = [p for k, p in persons.items() if k.split()[-1] == key or key in k.split()]
        if len(matches) == 1:
            matches[0].mentions.append(candidate.text)
            matches[0].spans.append((candidate.start, candidate.end))
    ordered = sorted(persons.values(), key=lambda p: min(s for s, _ in p.spans))
    return ordered


_HONORIFIC = re.compile(
    r"\b(?:M\.|Mme|Mlle|Me|Dr|Mr\.?|Mrs\.?|Ms\.?|Gen\.|Sr\.|Sra\.)\s+"
    r"((?:[A-ZÉÈ][\w’'-]+)(?:\s+(?:[A-ZÉÈ][\w’'-]+|bin|ben|ould|el|al|de|del)){0,4})"
)


def honorific_mentions(text: str) -> list[PersonCandidate]:
    """'M. Sarr', 'Mme Callewaert', 'Dr Amina Wanjiru Otieno': mentions the NER may miss."""
    return [PersonCandidate(m.group(0), m.start(), m.end()) for m in _HONORIFIC.finditer(text)]


_TITLE_AFTER = re.compile(r"^\s*,\s*(?:(?:le|la|el|the|l['’]|an?|un|una|une)\s+)?([\w-]+)")
_WORD_CHAR = re.compile(r"\w")
_AGE_AFTER = re.compile(r"^\s*(?:,|\()\s*(?:(?:âgée?|aged?|de)\s+(?:de\s+)?)?\d{1,2}\s*(?:ans|años|years?(?:\s+old)?|,|\))", re.IGNORECASE)


@lru_cache(maxsize=16384)
def _name_shaped(name: str) -> bool:
    tokens = name.split()
    folded = {fold(t) for t in tokens}
    return (len(tokens) >= 2 and fold(tokens[0]) not in PARTICLES and looks_like_name(name) and not has_institution_head(name)
            and not folded & (_GROUP_HEADS | _GROUP_WORDS))   # 'the Montenegrin Mafia Members'


_GROUP_WORDS = {"members", "membres", "miembros", "leaders", "chiefs", "gang", "gangs", "cartels", "clans"}


def names_by_context(text: str, entities, demonyms: list[tuple[int, int]]) -> list[PersonCandidate]:
    """Names the model tagged as something else, or not at all, that their context shows to be
    persons: a title or rank first ('Police General Budi Santoso Wibowo' tagged as an
    organisation, 'spokesman Femi Adeyemi'), a function after a comma ('Lien Peeters,
    porte-parole du parquet'), an age ('Karim Haddad, 38 ans,', 'John Smith, 41,') or a nationality
    before it ('el italiano Marco Rossi')."""
    found = []
    for start, end, label in entities:
        if label in PERSON_LABELS:
            continue
        tokens = text[start:end].split()
        last_title = max((i for i, t in enumerate(tokens[:3]) if is_title(t)), default=None)
        if last_title is not None:
            name = " ".join(tokens[last_title + 1:])
            if _name_shaped(name):
                found.append(PersonCandidate(name, end - len(name), end))
            continue
        name = text[start:end]
        before = text[max(0, start - 30):start].split()
        after = _TITLE_AFTER.match(text[end:end + 40])
        if _name_shaped(name) and ((before and is_title(before[-1])) or (after and is_title(after.group(1)))):
            found.append(PersonCandidate(name, start, end))
    for match in _NAME_RUN.finditer(text):
        if _AGE_AFTER.match(text[match.end():match.end() + 30]) and _name_shaped(clean_name(match.group(0))):
            found.append(PersonCandidate(match.group(0), match.start(), match.end()))
    for _, end in demonyms:
        match = _NAME_RUN.match(text, end + 1) if text[end:end + 1] == " " else None
        if match and _name_shaped(match.group(0)):
            found.append(PersonCandidate(match.group(0), match.start(), match.end()))
    return found


def after_span(candidate: PersonCandidate, spans: list[tuple[int, int]]) -> PersonCandidate | None:
    """The candidate, or the part of it after a span it starts with; None when nothing is left."""
    for start, end in spans:
        if start <= candidate.start < end:
            rest = candidate.text[end - candidate.start:]
            offset = end + len(rest) - len(rest.lstrip())
            rest = rest.strip()
            return PersonCandidate(rest, offset, offset + len(rest)) if rest else None
    return candidate


_CONNECTOR = re.compile(r"\s(?:de|del|de la|du|des|of|the|for|pour|para|y|et|and)\s")


# Head words of criminal or armed groups' names ('Clan del Golfo', 'Cartel de Sinaloa').
_GROUP_HEADS = {"clan", "cartel", "gang", "mafia", "banda", "band", "grupo", "groupe", "group", "organizacion",
                "organisation", "organization", "reseau", "red", "network", "frente", "front", "brigades", "brigadas",
                "mouvement", "movement", "movimiento", "tren", "familia", "famille"}
# a state named by its form: 'el Reino de España', 'the Kingdom of Morocco', 'la République du Mali'
_STATE_HEADS = {"reino", "royaume", "kingdom", "republica", "republique", "republic", "estado", "etat", "state",
                "sultanat", "sultanate", "sultanato", "principaute", "principality", "principado", "emirat", "emirate",
                "emirato", "federation", "federacion", "confederation", "confederacion", "commonwealth"}


@lru_cache(maxsize=16384)
def institution_shaped(name: str) -> bool:
    """'Servicio Marítimo del Cuerpo', 'Corte de Florida': an institution's head word joined by a
    small word ('Marine Le Pen' has a head word but no such joint); 'Clan del Golfo': a group's;
    'Reino de España': a state's."""
    joined = bool(_CONNECTOR.search(f" {name} "))
    return joined and (has_institution_head(name) or fold(name.split()[0]) in _GROUP_HEADS | _STATE_HEADS)


def a_country_s_body(name: str, candidate: PersonCandidate, countries) -> bool:
    """'la Armada Argentina', 'la Policía Boliviana': an institution's head word, then its
    country's name or adjective ending the span (the models read some as persons)."""
    return has_institution_head(name) and any(
        m.kind in (NAME, DEMONYM) and candidate.start < m.start and m.end == candidate.end for m in countries)


def not_a_person(text: str, candidate: PersonCandidate) -> bool:
    """A nickname, an operation's, a newspaper's or a place's name (a town's, an airport's), or a name in quotes;
    or places listed as one ('Isla Cristina y Lepe': one side is no full name)."""
    sides = _COORDINATION.split(candidate.text)
    if _OPERATION_LEADING.match(candidate.text) or (len(sides) > 1 and not full_names(sides)):
        return True
    before = text[max(0, candidate.start - 40):candidate.start]
    if _NOT_A_PERSON_BEFORE.search(before) or _A_PLACE_BEFORE.search(text[max(0, candidate.start - 80):candidate.start]) \
            or _PLACE_KIND_BEFORE.search(before) or _PLACE_KIND_LEADING.match(candidate.text) \
            or _NOT_A_PERSON_AFTER.match(text, candidate.end, candidate.end + 60):
        return True
    opening = before.rstrip()[-1:]
    closing = text[candidate.end:candidate.end + 3].lstrip()[:1]
    return bool(opening) and _QUOTES.get(opening) == closing


def listed_with_persons(text: str, persons: list[ResolvedPerson], blocked: list[tuple[int, int]]) -> list[PersonCandidate]:
    """Names in one list with a person ('Ana Gil, Luis Mora y Pedro Sanz'): the model often tags
    only some of them. A name-shaped run joined by commas or 'and' to a person's mention is a
    person too, unless it overlaps a country or a body (``blocked``)."""
    spans = {span for person in persons for span in person.spans}
    runs = [(m.start(), m.end()) for m in _NAME_RUN.finditer(text)]
    found: list[PersonCandidate] = []
    chain: list[tuple[int, int]] = []

    def close(chain):
        if any(any(s <= a < e or a <= s < b for s, e in spans) for a, b in chain):
            for a, b in chain:
                name = text[a:b]
                if any(s < b and a < e for s, e in spans) or any(s < b and a < e for s, e in blocked):
                    continue
                if looks_like_name(name) and not any(is_title(t) for t in name.split()):
                    found.append(PersonCandidate(name, a, b))

    for run in runs:
        if chain and _LIST_GAP.match(text[chain[-1][1]:run[0]]):
            chain.append(run)
            continue
        close(chain)
        chain = [run]
    close(chain)
    return found


def other_occurrences(folded: str, persons: list[ResolvedPerson]) -> None:
    """Every other place a person's full name is written is that person too, even where the
    model did not tag it: 'Florence' of an untagged 'Florence Parly' is no city."""
    for person in persons:
        for span in whole_word_occurrences(folded, fold(person.name)):
            if not any(s <= span[0] < e for s, e in person.spans):
                person.spans.append(span)
                person.mentions.append(person.name)


def whole_word_occurrences(text: str, word: str) -> list[tuple[int, int]]:
    r"""The spans of ``re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)``, by ``str.find``:
    a regex scan of the whole article for each person cost more than the rest of this resolver."""
    spans, at = [], text.find(word) if word else -1
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _WORD_CHAR.match(text, at - 1)) and not _WORD_CHAR.match(text, end):
            spans.append((at, end))
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)
    return spans


class PersonResolver:
    def __init__(self, names_a_topic: Callable[[str], bool] = lambda name: False) -> None:
        self.names_a_topic = names_a_topic      # 'Boko Haram' is a threat, not a person

    def resolve(self, context: ArticleContext) -> None:
        """Reads entities (persons, and titled names in other entities), text, countries,
        agency_mentions, ministry_mentions. Adds persons, with every place their full name is
        written; drops the country mentions that are part of a name ('Paul Jordan')."""
        text, countries = context.text, context.countries
        org_spans = [(m.start, m.end) for m in context.agency_mentions + context.ministry_mentions]
        candidates = [PersonCandidate(text[s:e], s, e) for s, e, label in context.entities if label in PERSON_LABELS]
        demonyms = [(m.start, m.end) for m in countries if m.kind == DEMONYM]
        candidates += honorific_mentions(text) + names_by_context(text, context.entities, demonyms)
        candidates = [piece for c in candidates for piece in split_coordinated(c)]
        # A "name" that starts with a country's or a body's name is a tagging slip: 'Libia y
        # Túnez' is none, 'Colombia Andrés Vásquez' is the name after it. One that ends with a
        # country may be a surname ("Mark Jordan").
        country_name_spans = [(m.start, m.end) for m in countries if m.kind == NAME]
        candidates = [after_span(c, country_name_spans + org_spans) for c in candidates]   # 'Ministry of X and Asylum Nikos Vlachos'

        def may_be_a_person(c: PersonCandidate) -> bool:
            if any(s <= c.start < e or s < c.end <= e for s, e in org_spans):
                return False
            name = clean_name(c.text)
            return (not institution_shaped(name)
                    and not a_country_s_body(name, c, countries)
                    and not self.names_a_topic(name)
                    and not not_a_person(text, c)
                    and not names_an_outlet(name, context.article.source))

        candidates = [c for c in candidates if c is not None and may_be_a_person(c)]
        whole = {fold(m.text) for m in countries if m.kind in (NAME, CAPITAL, DEMONYM)}
        whole |= {fold(m.text) for m in context.agency_mentions}
        tokens = {fold(w) for m in context.agency_mentions for w in m.text.split() if m.acronym}
        persons = resolve_persons(candidates, tokens - {""}, whole - {""})
        blocked = org_spans + [(m.start, m.end) for m in countries]
        # names listed beside a person pass the same filters ('le procureur de la République de Brest, X')
        listed = [c for c in listed_with_persons(text, persons, blocked) if may_be_a_person(c)]
        if listed:
            persons = resolve_persons(candidates + listed, tokens - {""}, whole - {""})
        other_occurrences(context.folded, persons)
        person_tokens = {fold(token) for p in persons for token in p.name.split()}
        person_spans = [span for p in persons for span in p.spans]
        context.persons = persons
        context.countries = [
            m for m in countries
            if not any(s <= m.start < e for s, e in person_spans)
            and not (m.kind in (NAME, CAPITAL) and fold(m.text) in person_tokens)
        ]
