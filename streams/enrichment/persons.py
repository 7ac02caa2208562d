"""Persons: model (NER) candidates and honorific mentions, cleaned of titles, filtered, and
merged into full names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.enrichment.context import CAPITAL, DEMONYM, NAME, PERSON_LABELS, ArticleContext, ResolvedPerson
from streams.enrichment.text import fold

# Titles and functions written before a name; removed from the front of a mention.
TITLES = {
    "m", "mm", "mme", "mmes", "mlle", "me", "dr", "pr", "mr", "mrs", "ms", "sir", "dame", "lord",
    "gen", "general", "général", "generale", "col", "colonel", "cdt", "commandant", "capitaine", "captain",
    "lieutenant", "lt", "sgt", "sergent", "sergeant", "adm", "admiral", "amiral", "marechal", "maréchal",
    "president", "président", "presidente", "présidente", "ministre", "minister", "ministro", "ministra",
    "premier", "prime", "secretary", "secrétaire", "secretario", "director", "directeur", "directrice",
    "directora", "deputy", "adjoint", "chief", "chef", "head", "commissioner", "commissaire", "comisario",
    "inspector", "inspecteur", "judge", "juge", "juez", "procureur", "prosecutor", "fiscal", "ambassador",
    "ambassadeur", "ambassadrice", "embajador", "king", "roi", "rey", "prince", "princesse", "sheikh",
    "cheikh", "emir", "émir", "sultan", "pope", "pape", "senator", "sénateur", "mp", "député", "deputé",
    "governor", "gouverneur", "mayor", "maire", "alcalde", "officer", "agent", "spokesman", "spokeswoman",
    "porte-parole", "avocat", "lawyer", "abogado", "maître", "maitre", "don", "doña", "señor", "señora",
    "sr", "sra", "saint", "st", "interior", "justice", "home", "foreign", "defence", "defense", "general-director",
    "director-general", "superintendent", "commander", "commandeur", "coordinator", "coordinatrice", "coordinateur",
}
PARTICLES = {"de", "del", "della", "di", "da", "dos", "das", "do", "du", "van", "von", "der", "den", "ben",
             "bin", "ibn", "el", "al", "la", "le", "y", "e", "ould", "mc", "mac", "abu", "abou", "bou"}
_ELISION = re.compile(r"^(?:[dlDL]['’]|[dD]e\s+)")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass
class PersonCandidate:
    text: str
    start: int
    end: int


def clean_name(raw: str) -> str:
    """Strip elisions, possessives, titles and punctuation around a name."""
    text = " ".join(raw.replace("\n", " ").split())
    text = _ELISION.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = text.strip(" ,.;:()[]\"'«»-–")
    tokens = text.split()
    while tokens and (fold(tokens[0]).rstrip(".") in {fold(t) for t in TITLES} or not tokens[0][:1].isupper()):
        tokens.pop(0)
    while tokens and not tokens[-1][:1].isupper():
        tokens.pop()
    return " ".join(tokens)


def looks_like_name(name: str) -> bool:
    tokens = name.split()
    if not tokens or len(tokens) > 5:
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


def resolve_persons(candidates: list[PersonCandidate], reject: set[str], reject_whole: set[str] = frozenset()) -> list[ResolvedPerson]:
    """Group mentions of the same person under the longest full name.

    ``reject`` holds folded words that cannot be part of a name (agency acronyms);
    ``reject_whole`` folded texts that cannot be a whole name (countries, agencies).
    A surname-only mention counts only when a full name of the article ends with it
    (or contains it); otherwise it is dropped as unresolvable.
    """
    cleaned: list[tuple[str, PersonCandidate]] = []
    for candidate in candidates:
        name = clean_name(candidate.text)
        if not name or not looks_like_name(name):
            continue
        if any(fold(token) in reject for token in name.split()) or fold(name) in reject or fold(name) in reject_whole:
            continue
        cleaned.append((name, candidate))
    full = [(n, c) for n, c in cleaned if len([t for t in n.split() if fold(t) not in PARTICLES]) >= 2]
    persons: dict[str, ResolvedPerson] = {}
    # longest names first so that "Pardo Piqueras" merges into "Francisco Pardo Piqueras"
    for name, candidate in sorted(full, key=lambda item: -len(item[0])):
        key = fold(name)
        target = None
        for existing_key, person in persons.items():
            if existing_key == key or existing_key.endswith(" " + key):
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


_HONORIFIC = re.compile(r"\b(?:M\.|Mme|Mlle|Me|Dr|Mr\.?|Mrs\.?|Ms\.?|Gen\.|Sr\.|Sra\.)\s+((?:[A-ZÉÈ][\w’'-]+)(?:\s+[A-ZÉÈ][\w’'-]+)?)")


def honorific_mentions(text: str) -> list[PersonCandidate]:
    """'M. Sarr', 'Mme Callewaert', 'Me Vernet': surname mentions the NER may miss."""
    return [PersonCandidate(m.group(0), m.start(), m.end()) for m in _HONORIFIC.finditer(text)]


class PersonResolver:
    @staticmethod
    def resolve(context: ArticleContext) -> None:
        """Reads entities (persons), text, countries, agency_mentions, ministry_mentions. Adds
        persons; drops the country mentions that are part of a name ('Paul Jordan')."""
        text, countries = context.text, context.countries
        org_spans = [(m.start, m.end) for m in context.agency_mentions + context.ministry_mentions]
        candidates = [PersonCandidate(text[s:e], s, e) for s, e, label in context.entities if label in PERSON_LABELS]
        candidates += honorific_mentions(text)
        # A "name" that starts with a country name is a tagging slip ("Libia y Túnez"); one that
        # ends with it may be a surname ("Mark Jordan").
        country_name_spans = [(m.start, m.end) for m in countries if m.kind == NAME]
        candidates = [
            c for c in candidates
            if not any(s <= c.start < e or s < c.end <= e for s, e in org_spans)
            and not any(s <= c.start < e for s, e in country_name_spans)
        ]
        whole = {fold(m.text) for m in countries if m.kind in (NAME, CAPITAL, DEMONYM)}
        whole |= {fold(m.text) for m in context.agency_mentions}
        tokens = {fold(w) for m in context.agency_mentions for w in m.text.split() if m.acronym}
        persons = resolve_persons(candidates, tokens - {""}, whole - {""})
        person_tokens = {fold(token) for p in persons for token in p.name.split()}
        person_spans = [span for p in persons for span in p.spans]
        context.persons = persons
        context.countries = [
            m for m in countries
            if not any(s <= m.start < e for s, e in person_spans)
            and not (m.kind in (NAME, CAPITAL) and fold(m.text) in person_tokens)
        ]
