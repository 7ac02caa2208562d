"""Definitions written in the text: 'Long Name (ACRONYM)' and 'Name (Other name)'.

Press text defines a body's acronym, or gives its other name, in brackets right after its
name: 'the Joint Terrorism Task Force (JTTF)', 'la Commission du Bassin du lac Tchad (CBLT)',
'the Internal Security Force (Lekhwiya)'. The name and the bracket are one body: a gazetteer
body named by the bracket takes the long form as an alias (and a gazetteer match inside the
long form, such as 'Nations unies' in 'Office des Nations unies contre les drogues et le crime
(Unodc)', is no body of its own); an unknown acronym with its long form is an institution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from rapidfuzz import fuzz

from streams.enrichment.context import ArticleContext, Entity
from streams.enrichment.text import fold_key

_BRACKET = re.compile(r"\(\s*([^\W\d_][\w&'’-]{1,14})\s*\)")
_CLAUSE_STOP = re.compile(r"[,;:.!?()\"«»“”\n]")   # a long form does not run over these
_FUZZY_MIN = 85
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|el|los|las|l['’]|del|des|du|de la|de)\s*)+", re.IGNORECASE)                                     # rapidfuzz ratio for a long form written a little differently


@dataclass(frozen=True)
class Definition:
    start: int            # the long form
    end: int
    short: str            # what the brackets hold
    short_start: int      # the bracket's content
    short_end: int

    def long_form(self, text: str) -> str:
        """The name as an analyst would write it: without the article before it ('l'Office ...')."""
        return _LEADING_ARTICLE.sub("", " ".join(text[self.start:self.end].split())).strip(" ,.;:\"'«»")


def is_acronym(short: str) -> bool:
    """'JTTF', 'FC-G5S', or a short capitalised word that may be one ('Unodc'); its letters
    must still align with the words before it."""
    return sum(1 for c in short if c.isupper()) >= 2 or (short.istitle() and len(short) <= 6)


def schwartz_hearst(short: str, before: str) -> int | None:
    """Where in ``before`` the long form of ``short`` starts (Schwartz & Hearst 2003): the
    acronym's letters are found right to left in the words before it, the first letter at the
    start of a word. None when they are not all there."""
    letters = [c.lower() for c in short if c.isalnum()]
    if len(letters) < 2:
        return None
    position = len(before) - 1
    for index in range(len(letters) - 1, -1, -1):
        letter = letters[index]
        while position >= 0 and (
            before[position].lower() != letter or (index == 0 and position > 0 and before[position - 1].isalnum())
        ):
            position -= 1
        if position < 0:
            return None
        position -= 1
    return before.rfind(" ", 0, position + 2) + 1


def _clause_words(text: str, bracket: int) -> tuple[int, list[re.Match]]:
    """The words before the bracket within its clause: (where the clause starts, the words of
    ``text[clause:bracket]``)."""
    floor = max(0, bracket - 300)
    clause = max((m.end() for m in _CLAUSE_STOP.finditer(text, floor, bracket)), default=floor)
    return clause, list(re.finditer(r"\S+", text[clause:bracket]))


def _window(text: str, bracket: int, words: int, clause_words: tuple[int, list[re.Match]] | None = None) -> tuple[int, str]:
    """The last ``words`` words before the bracket, within its clause: (offset, text).
    ``clause_words``: ``_clause_words(text, bracket)`` when already read."""
    clause, tokens = clause_words or _clause_words(text, bracket)
    tokens = tokens[-words:]
    if not tokens:
        return bracket, ""
    offset = clause + tokens[0].start()
    return offset, text[offset:clause + tokens[-1].end()]


def find_definitions(text: str, entities: list[Entity], names_of: Callable[[str], list[str]]) -> list[Definition]:
    """Each bracket right after a name, with that name's span.

    ``names_of(short)`` gives the gazetteer names of the body the bracket names (none for an
    unknown one). The long form is, in turn: for a known body, the words before the bracket
    that resemble one of its names; for an acronym, the words its letters align with; else the
    model's entity ending at the bracket, from its last capitalised name on."""
    found: list[Definition] = []
    for match in _BRACKET.finditer(text):
        bracket = match.start()
        if bracket == 0 or text[bracket - 1] not in " \u00a0":
            continue
        short = match.group(1)
        known = names_of(short)
        span = None
        entity = _entity_before(text, entities, bracket)
        if known:
            span = _resembling(text, bracket, known)
        if span is None and is_acronym(short):
            offset, before = _window(text, bracket, min(len(short) + 5, 2 * len(short)))
            start = schwartz_hearst(short, before)
            if start is not None and len(before[start:].split()) >= 2:
                span = (offset + start, offset + len(before))
        if span is None and entity is not None and (known or len(text[entity[0]:entity[1]].split()) >= 2):
            span = entity
        if span is not None:
            found.append(Definition(span[0], span[1], short, match.start(1), match.end(1)))
    return found


_NAME_LABELS = ("ORG", "MISC", "LOC", "GPE", "FAC", "NORP")


def _entity_before(text: str, entities: list[Entity], bracket: int) -> tuple[int, int] | None:
    """The span of the model's entity that ends at the bracket (some run into it: 'the Internal
    Security Force (Lekhwiya')."""
    for entity in entities:
        if entity.label in _NAME_LABELS and entity.start < bracket and bracket - 2 <= entity.end <= bracket + 20:
            end = min(entity.end, bracket)
            while end > entity.start and text[end - 1] in " \u00a0(":
                end -= 1
            return _name_tail(text, entity.start, end), end
    return None


_CONNECTORS = {"de", "del", "de la", "la", "las", "los", "le", "les", "du", "des", "d", "l", "of", "the", "and", "et", "y", "e",
               "for", "pour", "para", "contre", "against", "contra", "on", "sur", "al", "el"}


def _name_tail(text: str, start: int, end: int) -> int:
    """Where the name in an over-long entity starts: after its last word that is neither
    capitalised nor a connector ('Policía Nacional con el apoyo de la Oficina Federal ...' ->
    'Oficina Federal ...')."""
    words = list(re.finditer(r"[^\s'’]+", text[start:end]))
    cut = None
    for index, word in enumerate(words[:-1]):
        token = word.group(0)
        if not token[:1].isupper() and fold_key(token) not in _CONNECTORS:
            cut = index
    if cut is None:
        return start
    rest = [w for w in words[cut + 1:] if w.group(0)[:1].isupper()]
    return start + rest[0].start() if rest else start


def _resembling(text: str, bracket: int, names: list[str]) -> tuple[int, int] | None:
    """The words right before the bracket that are one of ``names`` written a little
    differently ('contre les drogues' for 'contre la drogue')."""
    best, span = 0.0, None
    clause_words = _clause_words(text, bracket)   # read once for every name and length tried
    for name in names:
        size = len(name.split())
        for words in range(max(1, size - 2), size + 3):
            offset, before = _window(text, bracket, words, clause_words)
            score = fuzz.ratio(fold_key(before), fold_key(name))
            if score > best:
                best, span = score, (offset, offset + len(before))
    return span if best >= _FUZZY_MIN else None


class DefinitionResolver:
    def __init__(self, names_of: Callable[[str], list[str]]) -> None:
        self.names_of = names_of

    def find(self, context: ArticleContext) -> None:
        """Reads text, entities. Adds definitions."""
        context.definitions = find_definitions(context.text, context.entities, self.names_of)
