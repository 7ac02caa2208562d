"""Institutions the gazetteer does not list: model ORG entities and court/prosecutor
phrases that look like state bodies ("the Federal High Court", "Albania's State Police",
"parquet de Bruxelles"), cleaned, with an acronym in brackets and the surface forms an
analyst would write (with and without the national qualifier)."""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache
from typing import TYPE_CHECKING

from streams.enrichment.attribution import article_home, home_evidence, qualifier_country, seat_or_preceding_country
from streams.enrichment.context import CITY, PREFIX, ArticleContext, OrgMention
from streams.enrichment.definitions import Definition, is_acronym
from streams.enrichment.outlets import outlet_home
from streams.enrichment.text import CaseBlind, fold

if TYPE_CHECKING:
    from streams.enrichment.agencies import AgencyGazetteer

# Head words of state institutions (folded). A model ORG counts only when it holds one.
_HEADS = re.compile(
    r"(?<!\w)(?:police|policing|polic[ei]a|polizia|politie|gendarmer\w*|guards?|garde|guardia|coast\s*guard|garde-cotes|"
    r"ministr\w*|minister\w*|ministere|ministerio|viceministerio|court|cour|corte|tribunal\w*|juzgado|audiencia|"
    r"parquet|prosecut\w*|fiscal\w*|procura\w*|directorate|direction|direccion|direzione|agency|agence|agencia|"
    r"service|servicio|servizio|bureau|office|oficina|unit|unite|unidad|brigade|brigada|command|commandement|comando|"
    r"customs|douanes?|aduanas?|intelligence|renseignement|inteligencia|department|departement|departamento|"
    r"cent(?:re|er)|centro|authority|autorite|autoridad|commission|comision|carabinier\w*|navy|army|armee|ejercito|"
    r"armada|marine|forces?|fuerzas?|secretariat|secretaria)(?!\w)"
)
# Heads of bodies a definition may name besides those above: 'joint counterterrorism team (JCTT)'.
_BODY_HEADS = re.compile(
    _HEADS.pattern[:-len(r")(?!\w)")] + r"|team|equipe|equipo|cell|cellule|celula|committee|comite|council|conseil|consejo|"
    r"institute|institut|instituto|academy|academie|academia|ecole|school|escuela|organisation|organization|organizacion|"
    r"mechanism|mecanisme|mecanismo|taskforce)(?!\w)"
)
_LEADING = re.compile(r"^(?:the|le|la|les|l'|el|los|las|del|des|du|de la|de|of)\s+|^l'", re.IGNORECASE)
_ACRONYM_AFTER = re.compile(r"^\s*\(\s*([A-Z][A-Za-z0-9]{1,9})\s*\)")
_CONTINUATION = re.compile(r"^\s+(?:de la\s+|de l['’]\s*|d['’]\s*|del\s+|de\s+|du\s+|des\s+|of the\s+|of\s+)(?=[A-ZÀ-Ý])([A-ZÀ-Ý][\w'’-]+)")
_LOWER_FUNCTION = {"de", "del", "la", "las", "los", "le", "les", "du", "des", "of", "the", "and", "et", "y", "for", "pour", "para",
                   "contre", "against", "contra", "en", "on", "sur", "al", "a", "l", "d", "de la"}

# Court and prosecution offices named after their seat: "tribunal de première instance de Sfax".
COURT_OF_PLACE = CaseBlind(
    r"(?i)\b(?:tribunal(?:\s+(?:de\s+premi[eè]re\s+instance|de\s+grande\s+instance|correctionnel|judiciaire|militaire|criminel))?"
    r"|parquet(?:\s+g[ée]n[ée]ral)?|cour\s+d['’]appel|court\s+of\s+appeals?|juzgado(?:\s+de\s+instrucci[oó]n)?|"
    r"audiencia\s+provincial|fiscal[ií]a\s+provincial|procura\s+della\s+repubblica)\s+(?:de|d['’]|du|of|di)\s*"
    r"(?=[A-ZÀ-Ý])"
)


# Bodies named after the town or region they sit in, written before them: 'Orlando district
# court', 'Northumbria police', 'Lagos High Court'.
_SEATED_AFTER = re.compile(
    r"^\s+(?:(?:federal|state|district|high|crown|county|superior|circuit|regional|provincial|magistrates['’]?|criminal|appeals?)\s+)?"
    r"(?:court|police|prosecutor['’]s\s+office|prosecutors?)\b",
    re.IGNORECASE,
)
_PLACE_LABELS = ("LOC", "GPE")
_NATIONAL_NAME = re.compile(r"(?<!\w)(?:national|nationale|nacional)(?!\w)")


def courts_of_place(context: ArticleContext) -> list[tuple[int, int, str | None]]:
    """Courts, prosecutors and police named after their seat: (start, end, country of the seat
    when the lexicon knows the place, else None). 'tribunal de première instance de Sfax',
    'parquet de Brest' (a town the model tags as a place), 'Orlando district court'."""
    text, countries = context.text, context.countries
    places = {start: end for start, end, label in context.entities if label in _PLACE_LABELS}
    found = []
    for match in COURT_OF_PLACE.finditer(text):
        place = next((c for c in countries if c.start == match.end()), None)
        if place is not None:
            found.append((match.start(), place.end, place.code))
        elif match.end() in places:
            found.append((match.start(), places[match.end()], None))
    for start, end in places.items():
        seated = _SEATED_AFTER.match(text[end:end + 40])
        country = next((c for c in countries if c.start == start), None)
        if seated and text[start:start + 1].isupper() and (country is None or country.kind == CITY):
            found.append((start, end + seated.end(), country.code if country else None))
    return found


@lru_cache(maxsize=16384)   # read for every name candidate of every article
def has_institution_head(name: str) -> bool:
    return bool(_HEADS.search(fold(name)))


def clean_institution(surface: str) -> str:
    """'the Colombian National Police's' -> 'Colombian National Police'; 'Audiencia Nacional por'
    -> 'Audiencia Nacional'; a trailing '(' or punctuation removed. A name in sentence case
    keeps its lower-case words."""
    text = " ".join(surface.replace("\n", " ").split())
    text = re.sub(r"['’]s?$", "", text.rstrip(" ,.;:(").rstrip())
    text = text.strip(" ,.;:()[]\"'«»-–")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING.sub("", text)
    tokens = text.split()
    sentence_case = sentence_case_name(tokens)
    while tokens and not _capitalised(tokens[-1]):
        if sentence_case and _ends_a_sentence_case_name(tokens):
            break
        tokens.pop()
    return " ".join(tokens)


_NAME_ADJECTIVE = re.compile(r"(?:ale?s?|elle?s?|ique?s?|ica?s?|ico?s?|aire?s?|ario?s?|aria?s?|ive?s?|iva?s?|ivo?s?|ee?s?|ada?s?|ado?s?|al|ile?s?|ine?s?|ere?s?|ier|ain|aine?s?|ano?s?|ana?s?|ienne?s?)$")


def _ends_a_sentence_case_name(tokens: list[str]) -> bool:
    """A lower-case last word that belongs to a French or Spanish name: the head's adjective
    ('Cellule régionale'), a complement's noun ('... de coordination') or a proper name's
    adjective ('de l'Union africaine'), not the verb of the sentence ('... de Florida también')."""
    if len(tokens) < 2 or not tokens[-1].isalpha() or fold(tokens[-1]) in _LOWER_FUNCTION:
        return False
    before = tokens[-2]
    if len(tokens) == 2 or fold(before) in _LOWER_FUNCTION | {"le", "les", "el", "los", "las"}:
        return True
    return _capitalised(before) and bool(_NAME_ADJECTIVE.search(fold(tokens[-1])))


def _capitalised(token: str) -> bool:
    """'Union', and 'l'Union' (elided article) too."""
    return token[:1].isupper() or bool(re.match(r"^[ldLD]['’][A-ZÀ-Ý]", token))


def looks_like_institution(name: str) -> bool:
    """A name in title case with a head word ('Federal High Court', 'Fiscalía General de la
    Nación'), or in the sentence case of French and Spanish names, the head word first
    ('Centre de recherche sur le terrorisme de l'Union africaine')."""
    tokens = name.split()
    if len(tokens) < 2 or len(tokens) > 9 or any(ch.isdigit() for ch in name):
        return False
    if not tokens[0][:1].isupper():
        return False
    content = [t for t in tokens if fold(t) not in _LOWER_FUNCTION]
    if sum(1 for t in content if t[:1].isupper()) >= max(2, len(content) - 1):
        return has_institution_head(name) or sentence_case_name(tokens)
    return sentence_case_name(tokens)   # else mostly lower-case words: a description, not a name


def sentence_case_name(tokens: list[str]) -> bool:
    """'Cellule régionale de coordination', 'Centre de recherche sur le terrorisme': a head word,
    then an institutional adjective or a 'de ...' complement."""
    if len(tokens) < 2 or not _SHAPE_HEADS.fullmatch(fold(tokens[0])):
        return False
    second = fold(tokens[1])
    return bool(_SHAPE_ADJECTIVES.fullmatch(second)) or second in _COMPLEMENT_WORDS or second.startswith(("d'", "l'"))


# Head words that open French and Spanish names written in sentence case or in lower case.
_SHAPE_HEADS = re.compile(
    r"ecole|escuela|prefecture|prefectura|cellule|celula|centre|centro|office|oficina|direction|direccion|brigade|brigada|"
    r"service|servicio|agence|agencia|commission|comision|conseil|consejo|institut|instituto|academie|academia|"
    r"inspection|inspeccion|unite|unidad|delegation|delegacion|commandement|comando|force|fuerza|garde|guardia|police|policia|"
    r"gendarmerie|secretariat|secretaria|comite|observatoire|observatorio|tribunal|cour|corte|parquet|fiscalia|juzgado|"
    r"procuraduria|surete|administration|administracion|etat-major"
)
_SHAPE_ADJECTIVES = re.compile(
    r"(?:nationa|naciona|centra|genera|regiona|federa|provincia|departementa|departamenta|municipa|territoria|naval|"
    r"specia|especia|judiciair|judicia|interministerie|interministeria)\w*|generale?s?|maritimes?|maritim[oa]s?|militaires?|"
    r"militar(?:es)?|superieure?s?|superior(?:es)?|aeriens?|aeriennes?|aere[oa]s?|conjointe?s?|conjunt[oa]s?|mixtes?|mixt[oa]s?|"
    r"multinationale?s?|multinacional(?:es)?|antiterroriste|antiterrorista|antidrogue|antidrogas?|anticorruption|anticorrupcion"
)
_COMPLEMENT_WORDS = {"de", "du", "des", "del", "pour", "contre", "sur", "para", "contra"}
_ARTICLE = r"(?:(?:la|le|les|el|los|las)\s+|l['’]\s*)?"
# A body written in lower or sentence case, head and institutional adjective first:
# 'l'école nationale de police', 'la préfecture maritime de l'Atlantique'. A complement is
# needed ('la force conjointe' alone is a description).
_SHAPED_AT = re.compile(
    rf"(?<![\w])(?P<head>[^\W\d_][\w-]+)\s+(?P<adjective>[^\W\d_][\w-]+)"
    rf"\s+(?:de|du|des|del|pour|contre|sur|para|contra|d['’])\s*{_ARTICLE}(?P<object>[^\W\d_][\w-]+)"
    rf"(?:\s+(?:de|du|des|del|d['’])\s*{_ARTICLE}(?P<place>[A-ZÀ-Ý][\w-]+))?"
)
def _words_automaton(words: list[str]):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    return automaton


_HEAD_WORDS = _SHAPE_HEADS.pattern.split("|")
assert all(re.fullmatch(r"[a-z-]+", word) for word in _HEAD_WORDS), "_SHAPE_HEADS is a list of plain words"
_HEADS_ANYWHERE = _words_automaton(_HEAD_WORDS)   # every place of the folded text where a head word starts


def shaped_names(context: ArticleContext) -> list[tuple[int, int]]:
    """Bodies written in lower or sentence case that the model does not tag: spans."""
    text, found = context.text, []
    # A name opens with a head word: the pattern is tried only where the folded text has one
    # (overlapping: 'les stagiaires de l'école nationale de police'), not at every word.
    for start in sorted({last - length + 1 for last, length in _HEADS_ANYWHERE.iter(context.folded)}):
        match = _SHAPED_AT.match(text, start)
        if match is None:
            continue
        adjective = fold(match.group("adjective"))
        if _SHAPE_HEADS.fullmatch(fold(match.group("head"))) and _SHAPE_ADJECTIVES.fullmatch(adjective):
            if fold(match.group("object")) in _LOWER_FUNCTION or _JOINT.fullmatch(adjective):
                continue
            found.append((match.start(), match.end()))
    return found


# 'comité conjoint de sécurité', 'centro conjunto de cooperación': a cooperation mechanism
# between countries, described, not one country's body
_JOINT = re.compile(r"conjointe?s?|conjunt[oa]s?|mixtes?|mixt[oa]s?|bilaterale?s?|binationale?s?|binacional(?:es)?")


# Plural nouns for people: 'ASEAN Police Chiefs' is a meeting of persons, not a body.
_PEOPLE = {"chiefs", "officers", "officials", "agents", "members", "leaders", "ministers", "heads", "commanders", "directors",
           "staff", "personnel", "policemen", "officiers", "responsables", "dirigeants", "ministres", "chefs", "jefes",
           "agentes", "funcionarios", "oficiales", "miembros", "delegates", "delegues", "delegados", "experts", "expertos"}
# Posts written like bodies: 'Inspector-General of Police of Malaysia', 'Director General of Customs'.
_POSTS = {"inspector-general", "inspector", "director", "director-general", "chief", "commissioner", "commander", "minister",
          "secretary", "president", "head", "governor", "deputy", "spokesman", "spokeswoman"}


# Heads that a country's name before them only describes ('UK Court', 'French Ministry'); an
# army or a police force is named that way ('Pakistan Army', 'Kenya Police').
_COMMON_HEADS = {"court", "courts", "cour", "corte", "tribunal", "ministry", "ministere", "ministerio", "government",
                 "gouvernement", "gobierno", "prosecutor", "prosecutors", "judge", "judges", "authorities", "office"}


def _possessive(name: str) -> tuple[str, str | None]:
    """'State Department's Bureau of Counterterrorism' -> ('State Department', 'Bureau of Counterterrorism')."""
    match = re.search(r"['’]s\s+", name)
    if not match:
        return name, None
    return name[:match.start()], name[match.end():]


def _owner(context: ArticleContext, start: int, unit_start: int) -> OrgMention | None:
    """The body named in the possessive right before ``unit_start`` ('State Department's ...')."""
    before = context.text[max(0, unit_start - 4):unit_start]
    if not re.search(r"['’]s\s+$", before):
        return None
    cut = unit_start - len(before) + before.rfind("'" if "'" in before else "’")
    return next((m for m in context.organization_mentions if m.end == cut and m.country), None)


_OF_THE = re.compile(r"\s(?:de\s+la|de\s+l['’]|del|de|du|des|of\s+the|of)\s*$", re.IGNORECASE)


def _owner_named_last(mention: OrgMention, inside: list[OrgMention], text: str) -> OrgMention | None:
    """The one body named at the end of a longer name after 'de'/'of', the name opening with
    a head word of its own: the owner of a unit ('Centre de recherche ... de l'Union africaine')."""
    if len(inside) != 1 or inside[0].end < mention.end or inside[0].start <= mention.start:
        return None
    head = text[mention.start:inside[0].start]
    if not _OF_THE.search(head) or not has_institution_head(head.split()[0]) and not _SHAPE_HEADS.fullmatch(fold(head.split()[0])):
        return None
    return inside[0]


def not_an_institution(name: str, start: int, context: ArticleContext) -> bool:
    """Shapes of a model 'organisation' that are no body: a country and a common noun ('UK
    Court'), a post ('Inspector-General of Police'), people ('ASEAN Police Chiefs'), or words of
    a title-case headline ('Bosnian Police Arrest Three')."""
    tokens = name.split()
    if len(tokens) == 2 and fold(tokens[0]) in context.qualifier_words and fold(tokens[1]) in _COMMON_HEADS:
        return True
    if fold(tokens[0]) in _POSTS and re.search(r"\bof\b", name):
        return True
    if fold(tokens[-1]) in _PEOPLE:
        return True
    title = context.article.title
    if start < len(title) and _title_case(title) and not has_institution_head(tokens[-1]) and name not in context.article.text:
        return True
    return False


def _title_case(title: str) -> bool:
    words = [w for w in title.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(1 for w in words if w[:1].isupper()) >= 0.8 * len(words)


def is_unit_of(rest: str, context: ArticleContext) -> bool:
    """The words after a body's name make a unit of it: one to three capitalised words, no
    country and no head word ('... North East', '... Midlands')."""
    words = rest.split()
    return (1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not has_institution_head(rest)
            and not any(fold(w) in context.qualifier_words for w in words))


def extend_name(text: str, end: int, max_words: int = 3) -> int:
    """Run a name on over 'de Justicia', 'of the Nation', 'del Distrito Este de Texas'
    (capitalised continuations, and the capitalised words right after one)."""
    words = 0
    while words < max_words:
        match = _CONTINUATION.match(text[end:end + 60])
        if not match:
            break
        end += match.end()
        words += 1
        while words < max_words + 2 and (run := _CAPITALISED_NEXT.match(text[end:end + 40])):
            end += run.end()
            words += 1
    return end


_CAPITALISED_NEXT = re.compile(r"^[ \t]+[A-ZÀ-Ý][\w'’-]+")


def acronym_after(text: str, end: int) -> tuple[str | None, int]:
    """'(DIRAN)' right after a name: (acronym, end of the bracket)."""
    match = _ACRONYM_AFTER.match(text[end:end + 16])
    if not match:
        return None, end
    acronym = match.group(1)
    if sum(1 for c in acronym if c.isupper()) < 2:
        return None, end
    return acronym, end + match.end()


def strip_qualifier(name: str, qualifier_words: Container[str]) -> str:
    """'Colombian National Police' -> 'National Police'; 'Policía Nacional española' ->
    'Policía Nacional'; 'Policía Nacional de Colombia' -> 'Policía Nacional'."""
    tokens = name.split()
    if len(tokens) > 2 and fold(tokens[0]) in qualifier_words:
        tokens = tokens[1:]
    if len(tokens) > 2 and fold(tokens[-1]) in qualifier_words:
        tokens = tokens[:-1]
        while tokens and fold(tokens[-1]) in _LOWER_FUNCTION:
            tokens.pop()
    return " ".join(tokens)


def capitalise(name: str) -> str:
    return name[:1].upper() + name[1:]


class InstitutionResolver:
    """State bodies outside the gazetteer: model ORG entities with an institution head word
    and courts/prosecutors named after their seat."""

    def __init__(self, agencies: AgencyGazetteer) -> None:
        self.agencies = agencies

    def resolve(self, context: ArticleContext) -> None:
        """Reads entities (ORG, MISC, LOC), text, organization_mentions, definitions, countries,
        persons, country_weights. Adds to organization_mentions each institution with its
        country; a body already found inside such a name ('Coast Guard' in 'Turkish Coast Guard
        Command', 'Counter Terrorism Policing' in '... North East') takes the name as an alias
        instead, and so does the body a definition's bracket names ('the European Police
        (Europol)')."""
        text, resolved = context.text, context.organization_mentions
        person_spans = context.person_spans
        qualifier_words = context.qualifier_words
        found: list[OrgMention] = []
        named = [(d, m) for d in context.definitions for m in resolved if m.start == d.short_start]
        for mention, name_end in self._model_names(context):
            name = mention.text
            defined = next((body for d, body in named if d.start < mention.end and mention.start < d.end), None)
            if defined is not None:
                if name not in defined.aliases:
                    defined.aliases.append(name)
                continue
            inside = [m for m in resolved if m.start < mention.end and mention.start < m.end]
            owner = _owner_named_last(mention, inside, text)
            if owner is not None:   # 'Centre de recherche sur le terrorisme de l'Union africaine': a unit of that body
                name = text[mention.start:owner.end]
                mention = OrgMention(mention.start, owner.end, "institution:" + fold(name), name, canonical=name,
                                     country=owner.country, country_source="qualifier")
            elif inside:
                self._absorb_forms(inside, mention, qualifier_words, context)
                continue
            if any(m.start < mention.end and mention.start < m.end for m in found):
                continue
            mention.acronym, _ = acronym_after(text, name_end)
            found.append(mention)
        for definition in context.definitions:
            if any(d is definition for d, _ in named):
                continue
            mention = self._defined(definition, text, person_spans)
            if mention is not None and not any(m.start < mention.end and mention.start < m.end for m in resolved):
                found = [m for m in found if not (m.start < mention.end and mention.start < m.end)] + [mention]
        for start, end, code in courts_of_place(context):
            if any(m.start < end and start < m.end for m in resolved + found):
                continue
            name = capitalise(text[start:end])
            found.append(OrgMention(start, end, "institution:" + fold(name), name, canonical=name,
                                    country=code, country_source="qualifier" if code else "default"))
        for index, mention in enumerate(found):
            bare = strip_qualifier(mention.canonical, qualifier_words)
            if bare != mention.canonical and bare not in mention.aliases:
                mention.aliases.insert(0, bare)
            if not mention.country and mention.country_source != "qualifier":   # a unit of an international body has none
                mention.country, mention.country_source = self._country(mention, context, found[:index] + resolved)
        context.add_organization_mentions(found)

    def _model_names(self, context: ArticleContext):
        """The model's organisation names that look like state bodies, cleaned and run on over
        'de Justicia', 'of the Nation': (mention, end of the name as written)."""
        text = context.text
        person_spans = context.person_spans
        candidates = [(start, end) for start, end, label in context.entities if label in ("ORG", "MISC")]
        # the model tags many bodies of Spanish text as places: 'Fiscalía de México'
        candidates += [(start, end) for start, end, label in context.entities
                       if label == "LOC" and _SHAPE_HEADS.fullmatch(fold(text[start:end].split()[0]))]
        shaped = shaped_names(context)
        for start, end in candidates + shaped:
            if (start, end) in shaped:   # written in lower or sentence case: nothing to clean
                offset, name_end = start, extend_name(text, end)
                name = capitalise(text[offset:name_end])
            else:
                cleaned = clean_institution(text[start:end])
                offset = text.find(cleaned, start, end + 1) if cleaned else -1
                if offset < 0:
                    continue
                name_end = extend_name(text, offset + len(cleaned))
                name = capitalise(clean_institution(text[offset:name_end]))
            _, unit = _possessive(name)
            unit_start = offset + len(name) - len(unit) if unit else offset
            parent = _owner(context, offset, unit_start)
            if parent is not None and looks_like_institution(unit or name):
                # 'the State Department's Bureau of Counterterrorism': a unit of a body named, in its country
                unit = unit or name
                yield OrgMention(unit_start, unit_start + len(unit), "institution:" + fold(unit), unit, canonical=unit,
                                 country=parent.country, country_source="qualifier"), name_end
                continue
            if not looks_like_institution(name) or any(s < name_end and offset < e for s, e in person_spans):
                continue
            if not_an_institution(name, offset, context):
                continue
            yield OrgMention(offset, offset + len(name), "institution:" + fold(name), name, canonical=name), name_end

    @staticmethod
    def _defined(definition: Definition, text: str, person_spans: list[tuple[int, int]]) -> OrgMention | None:
        """The body a definition names when the gazetteer does not know it: 'joint
        counterterrorism team (JCTT)' -> 'Joint counterterrorism team', acronym JCTT."""
        long_form = definition.long_form(text)
        if len(long_form.split()) < 2 or not _BODY_HEADS.search(fold(long_form)):
            return None
        start = text.find(long_form, definition.start, definition.end + 1)
        if start < 0 or any(s < start + len(long_form) and start < e for s, e in person_spans):
            return None
        name = capitalise(long_form)
        acronym = definition.short if is_acronym(definition.short) else None
        mention = OrgMention(start, start + len(long_form), "institution:" + fold(name), name, canonical=name, acronym=acronym)
        if acronym is None:
            mention.aliases.append(definition.short)    # 'the Internal Security Force (Lekhwiya)'
        return mention

    def _absorb_forms(self, inside: list[OrgMention], found: OrgMention, qualifier_words: set[str], context: ArticleContext) -> None:
        """A name found around a body already resolved is one of its forms: 'Colombian National
        Police' around a generic 'National Police', 'Counter Terrorism Policing North East' (a
        regional unit of a named body) around 'Counter Terrorism Policing'."""
        name = found.text
        for mention in inside:
            generic = mention.key.startswith("ministry:") or (mention.key in self.agencies.agencies and self.agencies.agencies[mention.key].generic)
            extends = found.start == mention.start and is_unit_of(context.text[mention.end:found.end], context)
            if (generic or extends) and len(name) > len(mention.text):
                for alias in (name, strip_qualifier(name, qualifier_words)):
                    if alias not in mention.aliases:
                        mention.aliases.append(alias)

    @staticmethod
    def _country(mention: OrgMention, context: ArticleContext, earlier: list[OrgMention]) -> tuple[str | None, str]:
        """The country written inside the name, right before/after it, else that of an earlier
        mention of the same body, else the context's."""
        for country in context.countries:
            if mention.start <= country.start and country.end <= mention.end and country.kind != PREFIX:
                return country.code, "qualifier"
        qualifier = qualifier_country(mention, context.countries, context.text)
        if qualifier:
            return qualifier, "qualifier"
        same = next((m for m in earlier if m.key == mention.key and m.country and m.start < mention.start), None)
        if same:
            return same.country, "context"
        evidence = home_evidence(context)
        home = article_home(context)
        if home is None and _NATIONAL_NAME.search(fold(mention.text)):
            # 'el Ejército Nacional' in a paper of Bogotá, no country named before it: a body that
            # calls itself national without saying whose is the outlet's country's
            home = outlet_home(context.article)
        return seat_or_preceding_country(mention.start, mention.end, evidence, context.folded, context.country_weights,
                                         home), "context"
