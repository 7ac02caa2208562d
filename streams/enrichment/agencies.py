"""Agencies: the versioned gazetteer of police, intelligence, justice and other security
bodies, their mentions in a text, and the country each mention belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz import fuzz

from streams.enrichment.attribution import context_country, home_evidence, qualifier_country
from streams.enrichment.context import DEMONYM, ArticleContext, CountryMention, OrgMention
from streams.enrichment.outlets import report_home
from streams.enrichment.text import WholeWords, fold, fold_key, load_yaml


@dataclass
class Agency:
    id: str
    country: str | None
    kind: str
    acronyms: list[str]
    names: dict[str, list[str]]
    forms: list[str]
    generic: bool = False
    weak: bool = False
    aliases: list[str] = field(default_factory=list)   # other names it goes by, reported but not matched

    def all_names(self) -> list[str]:
        seen: list[str] = []
        for values in self.names.values():
            for value in values:
                if value not in seen:
                    seen.append(value)
        return seen

    def name_for(self, language: str) -> str:
        for lang in (language, "xx", "en", "fr", "es"):
            if self.names.get(lang):
                return self.names[lang][0]
        return self.acronyms[0] if self.acronyms else self.id


def _name_variants(name: str) -> list[str]:
    """'Direction générale de X' is also written 'directeur général de X' (the head of it)."""
    variants = [name]
    folded = fold(name)
    for prefix, heads in (
        ("direction generale", ["directeur general", "directrice generale", "directeur general adjoint"]),
        ("direction nationale", ["directeur national", "directrice nationale"]),
        ("direction", ["directeur", "directrice"]),
        ("general directorate", ["director general", "director-general"]),
    ):
        if folded.startswith(prefix + " "):
            for head in heads:
                variants.append(head + name[len(prefix):])
            break
    return variants


_NATIONAL = ("nationale", "national", "nacional")   # what a demonym stands for in a described name
_BRACKETED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9-]{1,11})\s*\)")
# Spanish and French papers write a long acronym as a name after its article ('la Senad', 'la
# Felcn', 'l'Ofast'): five letters or more, only the gazetteer's
_TITLE_CASE_ACRONYM = re.compile(r"(?:\b(?:la|el|los|las|le|les|del|al|du|the)\s+|\bl['’])([A-Z][a-z]{4,11})\b")


class AgencyGazetteer:
    def __init__(self) -> None:
        data = load_yaml("agencies.yaml")
        self.version = str(data["version"])
        self.agencies: dict[str, Agency] = {}
        self._names = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str]]] = {}
        acronyms: dict[str, list[str]] = {}
        # a body's own-language name is a proper name ('Salvamento Marítimo'): written all in lower
        # case it is the common noun ('un curso de salvamento marítimo'), not the body
        self._proper_names: set[str] = set()
        for entry in data["agencies"]:
            agency = Agency(
                id=entry["id"],
                country=entry.get("country"),
                kind=entry.get("kind", "police"),
                acronyms=list(entry.get("acronyms") or []),
                names={lang: list(values) for lang, values in (entry.get("names") or {}).items()},
                forms=list(entry.get("forms") or []),
                generic=bool(entry.get("generic", False)),
                weak=bool(entry.get("weak", False)),
                aliases=list(entry.get("aliases") or []),
            )
            self.agencies[agency.id] = agency
            for lang, values in agency.names.items():
                for value in values:
                    for variant in _name_variants(value):
                        keys.setdefault(fold(variant), []).append((agency.id, lang))
                    if lang == "xx" and not value.islower():
                        self._proper_names.add(fold(value))
            for form in agency.forms:
                keys.setdefault(fold(form), []).append((agency.id, "form"))
            for acronym in agency.acronyms:
                acronyms.setdefault(acronym, []).append(agency.id)
        for key, values in keys.items():
            self._names.add_word(key, (key, values))
        self._by_name = {fold_key(key): values for key, values in keys.items()}
        self._names.make_automaton()
        self._acronyms = acronyms
        self._acronyms_folded = {}
        for acronym, ids in acronyms.items():
            self._acronyms_folded.setdefault(acronym.upper(), []).extend(ids)
        # country -> (words before 'national', words after it, agency id) of its bodies' names
        self._national_names: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]] = {}
        for agency in self.agencies.values():
            for name in agency.all_names() if agency.country and not agency.generic else []:
                words = fold_key(name).split()
                for index, word in enumerate(words):
                    if word in _NATIONAL and index > 0:
                        self._national_names.setdefault(agency.country, []).append((tuple(words[:index]), tuple(words[index + 1:]), agency.id))
        # (country, folded name or alias) -> the national body of that country that goes by it
        self._national: dict[tuple[str, str], str] = {}
        for agency in self.agencies.values():
            if agency.country and not agency.generic:
                for value in agency.all_names() + agency.aliases:
                    self._national.setdefault((agency.country, fold_key(value)), agency.id)
        self._acronym_words = WholeWords(acronyms)

    def named_by(self, short: str) -> list[Agency]:
        """The agencies a bracket names: by acronym (any case: '(Unodc)') or by name ('(Politie)')."""
        ids = self._acronyms.get(short) or self._acronyms_folded.get(short.upper()) or []
        if not ids:
            ids = [agency_id for agency_id, _ in self._by_name.get(fold_key(short), [])]
        return [self.agencies[i] for i in dict.fromkeys(ids)]

    def names_of(self, short: str) -> list[str]:
        """The names of the agencies a bracket names (none for an unknown one)."""
        return [name for agency in self.named_by(short) for name in agency.all_names()]

    def described(self, text: str, countries: list[CountryMention]) -> list[OrgMention]:
        """Names written with the country's demonym where the official name says 'national':
        'l'agence britannique de lutte contre la criminalité' for the United Kingdom's 'Agence
        nationale de lutte contre la criminalité', 'la police colombienne' for Colombia's 'Police
        nationale'."""
        found = []
        for demonym in countries:
            if demonym.kind != DEMONYM:
                continue
            before = list(re.finditer(r"[\w-]+", text[max(0, demonym.start - 60):demonym.start]))
            after = list(re.finditer(r"[\w-]+", text[demonym.end:demonym.end + 120]))
            words_before = [fold_key(w.group(0)) for w in before]
            words_after = [fold_key(w.group(0)) for w in after]
            for head, tail, agency_id in self._national_names.get(demonym.code, []):
                if (len(head) <= len(words_before) and words_before[len(words_before) - len(head):] == list(head)
                        and words_after[:len(tail)] == list(tail)):
                    start = max(0, demonym.start - 60) + before[len(before) - len(head)].start()
                    end = demonym.end + after[len(tail) - 1].end() if tail else demonym.end
                    found.append(OrgMention(start, end, agency_id, text[start:end]))
        return found

    def countries_calling(self, name: str) -> set[str]:
        """The countries with a national body named or aliased ``name``."""
        key = fold_key(name)
        return {country for country, value in self._national if value == key}

    def national_body(self, country: str, name: str) -> str | None:
        """The agency of ``country`` whose name or alias is ``name`` ('Policía Nacional' in CO)."""
        return self._national.get((country, fold_key(name)))

    def _written_acronym(self, written: str) -> list[tuple[str, str]]:
        """(agency id, its acronym as the gazetteer spells it) of the agencies an acronym written
        in another case stands for ('Unodc', 'Senad')."""
        upper = written.upper()
        return [(agency_id, next(a for a in self.agencies[agency_id].acronyms if a.upper() == upper))
                for agency_id in self._acronyms_folded.get(upper, ())]

    def find(self, text: str, folded: str) -> list[OrgMention]:
        candidates: list[tuple[int, int, str, str | None, str | None]] = []
        length = len(folded)
        for end_index, (key, values) in self._names.iter(folded):
            start = end_index - len(key) + 1
            end = end_index + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < length and folded[end].isalnum():
                continue
            if text[start:start + 1].isupper() and _PART_OF_A_LONGER_NAME.search(text, max(0, start - 40), start):
                continue   # 'Information and Security Service': another body's name ends with this one's
            for agency_id, lang in values:
                surface = text[start:end]
                if lang == "en" and not surface[:1].isupper():
                    continue
                if lang == "xx" and surface.islower() and key in self._proper_names:
                    continue
                candidates.append((start, end, agency_id, None, lang))
        for start, end, acronym in self._acronym_words.finditer(text):
            for agency_id in self._acronyms[acronym]:
                candidates.append((start, end, agency_id, acronym, None))
        for match in _BRACKETED.finditer(text):
            # a definition writes the acronym as it likes: 'l'Office des Nations unies ... (Unodc)'
            if match.group(1) not in self._acronyms:
                candidates += [(match.start(1), match.end(1), agency_id, acronym, None)
                               for agency_id, acronym in self._written_acronym(match.group(1))]
        for match in _TITLE_CASE_ACRONYM.finditer(text):
            candidates += [(match.start(1), match.end(1), agency_id, acronym, None)
                           for agency_id, acronym in self._written_acronym(match.group(1)) if acronym.isupper()]
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        mentions: list[OrgMention] = []
        last_end = -1
        for start, end, agency_id, acronym, lang in candidates:
            if start < last_end:
                # same span, other agency sharing the acronym: keep as alternative
                if mentions and mentions[-1].start == start and mentions[-1].end == end and agency_id not in mentions[-1].extra_names and agency_id != mentions[-1].key:
                    mentions[-1].extra_names.append(agency_id)
                continue
            mentions.append(OrgMention(start, end, agency_id, text[start:end], acronym=acronym))
            last_end = end
        return mentions


# a capitalised word and 'and' just before a capitalised name: the name is the end of a longer one
_PART_OF_A_LONGER_NAME = re.compile(r"\b[A-Z][a-z][\w-]*\s+(?:and|&)\s+$")


def apply_definitions(mentions: list[OrgMention], context: ArticleContext, agencies: dict[str, Agency] | None = None) -> list[OrgMention]:
    """'Office des Nations unies contre les drogues et le crime (Unodc)', 'la police nationale
    néerlandaise (Politie)': the body the bracket names takes the long form as an alias; another
    gazetteer body found inside the long form is part of that name, not a body of its own.
    A long form that names another country than the body's ('The Gambia Armed Forces (GAF)',
    where the gazetteer's GAF is Ghana's), or that is none of the names of a body whose acronym
    many bodies share ('Police Narcotic Bureau (PNB)', where the gazetteer's PNB is Venezuela's
    Bolivarian police), defines another body: the acronym is not the gazetteer's anywhere in
    the article."""
    dropped: set[int] = set()
    for definition in context.definitions:
        named = next((m for m in mentions if m.start == definition.short_start), None)
        if named is None:
            continue
        if named.acronym and (named.country and _names_only_other_countries(definition, named.country, context)
                              or agencies is not None and _another_weak_body(definition.long_form(context.text), agencies[named.key])):
            dropped.update(i for i, m in enumerate(mentions) if m.key == named.key and m.acronym == named.acronym)
            continue
        if any(other is not named and (other.start, other.end) == (definition.start, definition.end) for other in mentions):
            continue   # 'Union africaine (Afripol)': the bracket names another body than the one just named
        for index, other in enumerate(mentions):
            if other is not named and other.key != named.key and definition.start <= other.start and other.end <= definition.end:
                dropped.add(index)
        long_form = definition.long_form(context.text)
        if long_form and long_form not in named.aliases:
            named.aliases.append(long_form)
    return [m for index, m in enumerate(mentions) if index not in dropped]


# How alike a long form and one of a body's names must be to be that body ('National Bolivarian
# Police' is 'Policía Nacional Bolivariana' written in English word order)
_SAME_NAME_SCORE = 85


def qualified_earlier(mention: OrgMention, resolved: list[OrgMention]) -> str | None:
    """The country an earlier mention of the same body took from its qualifier, if any."""
    return next((m.country for m in reversed(resolved) if m.key == mention.key and m.country_source == "qualifier" and m.country), None)


def _another_weak_body(long_form: str | None, agency: Agency) -> bool:
    if not agency.weak or not long_form:
        return False
    written = fold_key(long_form)
    return not any(fuzz.token_set_ratio(written, fold_key(name)) >= _SAME_NAME_SCORE for name in agency.all_names())


# what may stand between a country and the long form it qualifies: its possessive, and the words
# of the body's name the acronym's letters did not reach ('Moldova's Information and Security Service (SIS)')
_QUALIFIED_NAME = re.compile(r"(?:['’]s)?(?:\s+(?:[A-Z][\w-]*|and|of|for|et|de|du|des|y|del))*\s+$")


def _names_only_other_countries(definition, country: str, context: ArticleContext) -> bool:
    text = context.text
    named = {m.code for m in context.countries
             if definition.start <= m.start and m.end <= definition.end
             or m.end <= definition.start and definition.start - m.end <= 60 and _QUALIFIED_NAME.fullmatch(text, m.end, definition.start)}
    return bool(named) and country not in named


class AgencyResolver:
    """Agencies of the gazetteer named in the article, then the country of each."""

    def __init__(self, gazetteer: AgencyGazetteer) -> None:
        self.gazetteer = gazetteer

    def find(self, context: ArticleContext) -> None:
        """Reads text, folded, countries. Adds agency_mentions: names and acronyms, longest first,
        with the other agencies that share an acronym kept as ``extra_names``, and names written
        with a nationality for 'national' ('l'agence britannique de lutte contre la criminalité'
        for the 'Agence nationale ...' of the United Kingdom); no country yet."""
        mentions = self.gazetteer.find(context.text, context.folded)
        for found in self.gazetteer.described(context.text, context.countries):
            if not any(m.start < found.end and found.start < m.end and m.end - m.start >= found.end - found.start for m in mentions):
                mentions = [m for m in mentions if not (found.start <= m.start and m.end <= found.end)] + [found]
        context.agency_mentions = sorted(mentions, key=lambda m: m.start)

    def resolve(self, context: ArticleContext) -> None:
        """Reads agency_mentions, countries, country_weights. Adds to organization_mentions each
        agency with its country: the qualifier written with it, else the gazetteer's, else (for a
        generic body such as 'National Police') the context's. A shared acronym goes to the agency
        the text qualifies or names; a weak acronym without support in the article is dropped."""
        agencies = self.gazetteer.agencies
        text, countries, weights = context.text, context.countries, context.country_weights
        mentions = context.agency_mentions
        present_names = {m.key for m in mentions if not m.acronym and not m.extra_names}
        resolved: list[OrgMention] = []
        placed_as_outlets_own: dict[str, str] = {}
        for mention in mentions:
            options = [mention.key] + mention.extra_names
            outlets_own = None   # a name several countries' bodies share, the article placing none of them: the outlet's
            if len(options) > 1:
                named = [o for o in options if o in present_names]
                qualified = [o for o in options if agencies[o].country == qualifier_country(mention, countries, text)]
                if qualified:
                    mention.key = qualified[0]
                elif len(named) == 1:
                    mention.key = named[0]
                    outlets_own = placed_as_outlets_own.get(mention.key)   # the same name again: the same body
                else:
                    specific = [o for o in options if not agencies[o].generic]
                    # a name several countries' bodies share, the text naming none of them: the outlet's own
                    home = report_home(context)
                    by_weight = sorted(specific or options, key=lambda o: (-weights.get(agencies[o].country or "", 0),
                                                                           agencies[o].country != home))
                    mention.key = by_weight[0]
                    bearers = {agencies[o].country for o in options}
                    if home and len(bearers) > 1 and None not in bearers and home not in bearers \
                            and not any(weights.get(code, 0) for code in bearers):
                        outlets_own = placed_as_outlets_own[mention.key] = home
            if not mention.acronym:
                present_names.add(mention.key)
            agency = agencies[mention.key]
            # "Direction générale ... (DGPN) du Sénégal": the acronym right after a name is the same mention
            previous = resolved[-1] if resolved else None
            qualifier = qualifier_country(mention, countries, text)
            if qualifier and previous and previous.key == mention.key and previous.country_source != "qualifier" and mention.start - previous.end <= 3:
                previous.country, previous.country_source = qualifier, "qualifier"
            defined = any(d.short_start == mention.start for d in context.definitions)
            if agency.weak and mention.acronym and mention.key not in present_names and not qualifier and not defined:
                if not agency.country or weights.get(agency.country, 0) == 0:
                    continue
            if previous and previous.key == mention.key and mention.acronym and 0 <= mention.start - previous.end <= 3:
                mention.country, mention.country_source = previous.country, previous.country_source
            elif qualifier and agency.country is not None or (qualifier and agency.generic):
                mention.country, mention.country_source = qualifier, "qualifier"
            elif outlets_own:
                # 'le directeur general de la police nationale' in a paper of Abidjan: an administration's
                # usual name, the outlet's country's body, not whichever gazetteer entry bears it
                mention.country, mention.country_source = outlets_own, "context"
            elif agency.generic:
                mention.country, mention.country_source = self._generic_country(mention, agency, resolved, context)
            elif (qualified_before := qualified_earlier(mention, resolved)) and not weights.get(agency.country or "", 0):
                # 'los Carabineros italianos ... los Carabineros': the body the text placed, named again,
                # not the namesake of a country the text never names
                mention.country, mention.country_source = qualified_before, "qualifier"
            elif agency.country is not None:
                mention.country, mention.country_source = agency.country, "default"
            else:
                mention.country, mention.country_source = None, "default"
            if agency.generic and mention.country:
                # 'Policía Nacional' placed in Colombia is Colombia's National Police
                mention.key = self.gazetteer.national_body(mention.country, mention.text) or mention.key
            resolved.append(mention)
        context.add_organization_mentions(apply_definitions(resolved, context, self.gazetteer.agencies))

    def _generic_country(self, mention: OrgMention, agency: Agency, resolved: list[OrgMention], context: ArticleContext) -> tuple[str | None, str]:
        """The country of a generic body ('National Police') its name does not qualify: that of
        an earlier mention of the same name ('Colombia's National Police' ... 'the National
        Police'), else the most named country of the article whose national body goes by that
        name (its gazetteer country or one it is an alias of), else the context's."""
        earlier = next((m for m in resolved if m.country and fold_key(m.text) == fold_key(mention.text)), None)
        if earlier:
            return earlier.country, "context"
        weights = context.country_weights
        callers = self.gazetteer.countries_calling(mention.text) | {agency.country}
        bearers = sorted(c for c in callers if c and weights.get(c, 0) > 0)
        home = report_home(context)
        if home in bearers or (home and not bearers and (weights.get(home, 0) > 0 or home in callers)):
            # an outlet writes its own country's body unqualified ('the National Police' in a
            # Jakarta paper), however often the article names the other side; a country whose
            # body goes by that name is the outlet's even when the article never names it
            return home, "context"
        if bearers:
            # equally named countries: the gazetteer's own body, then the first code, never the
            # order of a set, which changes from one process to the next
            return max(bearers, key=lambda c: (weights[c], c == agency.country)), "default"
        code = context_country(mention, home_evidence(context), context)
        return (code, "context") if code else (agency.country, "default")
