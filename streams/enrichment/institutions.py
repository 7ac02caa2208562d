"""Institutions the gazetteer does not list: model ORG entities and court/prosecutor
phrases that look like state bodies ("the Federal High Court", "Albania's State Police",
"parquet de Bruxelles"), cleaned, with an acronym in brackets and the surface forms an
analyst would write (with and without the national qualifier)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from streams.enrichment.attribution import article_home, home_evidence, qualifier_country, seat_or_preceding_country
from streams.enrichment.context import PREFIX, ArticleContext, OrgMention
from streams.enrichment.definitions import Definition, is_acronym
from streams.enrichment.text import fold

if TYPE_CHECKING:
    from streams.enrichment.agencies import AgencyGazetteer

# Head words of state institutions (folded). A model ORG counts only when it holds one.
_HEADS = re.compile(
    r"(?<!\w)(?:police|polic[ei]a|polizia|politie|gendarmer\w*|guards?|garde|guardia|coast\s*guard|garde-cotes|"
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
_CONTINUATION = re.compile(r"^\s+(?:de la|de l'|de|del|du|des|of the|of)\s+(?=[A-ZÀ-Ý])([A-ZÀ-Ý][\w'’-]+)")
_LOWER_FUNCTION = {"de", "del", "la", "las", "los", "le", "les", "du", "des", "of", "the", "and", "et", "y", "for", "pour", "para",
                   "contre", "against", "contra", "en", "on", "sur", "al", "a", "l", "d", "de la"}

# Court and prosecution offices named after their seat: "tribunal de première instance de Sfax".
COURT_OF_PLACE = re.compile(
    r"(?i)\b(?:tribunal(?:\s+(?:de\s+premi[eè]re\s+instance|de\s+grande\s+instance|correctionnel|judiciaire|militaire|criminel))?"
    r"|parquet(?:\s+g[ée]n[ée]ral)?|cour\s+d['’]appel|court\s+of\s+appeals?|juzgado(?:\s+de\s+instrucci[oó]n)?|"
    r"audiencia\s+provincial|fiscal[ií]a\s+provincial|procura\s+della\s+repubblica)\s+(?:de|d['’]|du|of|di)\s*"
    r"(?=[A-ZÀ-Ý])"
)


def has_institution_head(name: str) -> bool:
    return bool(_HEADS.search(fold(name)))


def clean_institution(surface: str) -> str:
    """'the Colombian National Police's' -> 'Colombian National Police'; 'Audiencia Nacional por'
    -> 'Audiencia Nacional'; a trailing '(' or punctuation removed."""
    text = " ".join(surface.replace("\n", " ").split())
    text = re.sub(r"['’]s?$", "", text.rstrip(" ,.;:(").rstrip())
    text = text.strip(" ,.;:()[]\"'«»-–")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING.sub("", text)
    tokens = text.split()
    while tokens and not tokens[-1][:1].isupper():
        tokens.pop()
    return " ".join(tokens)


def looks_like_institution(name: str) -> bool:
    tokens = name.split()
    if len(tokens) < 2 or len(tokens) > 9 or any(ch.isdigit() for ch in name):
        return False
    if not tokens[0][:1].isupper():
        return False
    content = [t for t in tokens if fold(t) not in _LOWER_FUNCTION]
    if sum(1 for t in content if t[:1].isupper()) < max(2, len(content) - 1):
        return False  # mostly lower-case words: a description, not a name
    return has_institution_head(name)


def extend_name(text: str, end: int, max_words: int = 3) -> int:
    """Run a name on over 'de Justicia', 'of the Nation' (capitalised continuations)."""
    words = 0
    while words < max_words:
        match = _CONTINUATION.match(text[end:end + 60])
        if not match:
            break
        end += match.end()
        words += 1
    return end


def acronym_after(text: str, end: int) -> tuple[str | None, int]:
    """'(DIRAN)' right after a name: (acronym, end of the bracket)."""
    match = _ACRONYM_AFTER.match(text[end:end + 16])
    if not match:
        return None, end
    acronym = match.group(1)
    if sum(1 for c in acronym if c.isupper()) < 2:
        return None, end
    return acronym, end + match.end()


def strip_qualifier(name: str, qualifier_words: set[str]) -> str:
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
        """Reads entities (ORG, MISC), text, organization_mentions, countries, persons,
        country_weights. Adds to organization_mentions each institution with its country; a
        generic body already found inside such a name ('Coast Guard' in 'Turkish Coast Guard
        Command') takes the name's forms as aliases instead."""
        text, countries, resolved = context.text, context.countries, context.organization_mentions
        person_spans = context.person_spans
        qualifier_words = context.qualifier_words
        found: list[OrgMention] = []
        named = [(d, m) for d in context.definitions for m in resolved if m.start == d.short_start]
        for start, end, label in context.entities:
            if label != "ORG" and label != "MISC":
                continue
            offset = text.find(clean_institution(text[start:end]), start, end + 1) if clean_institution(text[start:end]) else -1
            if offset < 0:
                continue
            name_end = extend_name(text, offset + len(clean_institution(text[start:end])))
            name = clean_institution(text[offset:name_end])
            if not looks_like_institution(name) or any(s < name_end and offset < e for s, e in person_spans):
                continue
            mention = OrgMention(offset, offset + len(name), "institution:" + fold(name), name, canonical=name)
            defined = next((body for d, body in named if d.start < mention.end and mention.start < d.end), None)
            if defined is not None:   # 'the European Police (Europol)': the bracket's body, named in full
                if name not in defined.aliases:
                    defined.aliases.append(name)
                continue
            inside = [m for m in resolved if m.start < mention.end and mention.start < m.end]
            if inside:
                self._absorb_forms(inside, name, qualifier_words)
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
        for match in COURT_OF_PLACE.finditer(text):
            place = next((c for c in countries if c.start == match.end()), None)
            if place is None or any(m.start < place.end and match.start() < m.end for m in resolved + found):
                continue
            name = capitalise(text[match.start():place.end])
            found.append(OrgMention(match.start(), place.end, "institution:" + fold(name), name, canonical=name,
                                    country=place.code, country_source="qualifier"))
        for index, mention in enumerate(found):
            mention.aliases = [a for a in [strip_qualifier(mention.canonical, qualifier_words)] if a != mention.canonical]
            if not mention.country:
                mention.country, mention.country_source = self._country(mention, context, found[:index] + resolved)
        context.add_organization_mentions(found)

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

    def _absorb_forms(self, inside: list[OrgMention], name: str, qualifier_words: set[str]) -> None:
        """'Colombian National Police' around a generic 'National Police': its forms become aliases."""
        for mention in inside:
            generic = mention.key.startswith("ministry:") or self.agencies.agencies[mention.key].generic
            if generic and len(name) > len(mention.text):
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
        return seat_or_preceding_country(mention.start, mention.end, evidence, context.folded, context.country_weights,
                                         article_home(context)), "context"
