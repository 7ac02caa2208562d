"""Shared text helpers: length-preserving folding, lexicon patterns, sentences, data loading."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import yaml

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "schemas" / "gazetteer"

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2010": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "\u0153": "œ", "\u0152": "œ", "\u00e6": "æ", "\u00df": "ß",
}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = decomposed[0] if decomposed else char
    folded = base.lower()
    return folded if len(folded) == 1 else char.lower()[:1] or char


class _FoldTable(dict):
    """``str.translate`` table of ``_fold_char``, filled on first sight of each character:
    the translation then runs in C instead of one Python call per character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


class _SpaceTable(dict):
    """``str.translate`` table that makes every non-word character (regex ``\\W``) a space: ten
    times as fast as ``re.sub`` over each sentence of each article."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        spaced = self[code] = " " if _NON_WORD_CHAR.match(char) else char
        return spaced


_SPACE_TABLE = _SpaceTable()
_NON_WORD = re.compile(r"[^\w]+")
_NON_WORD_CHAR = re.compile(r"\W")
_WORD_CHAR = re.compile(r"\w")


def fold(text: str) -> str:
    """Lower-case, accent-free, with uniform quotes and dashes; same length as ``text``
    so that offsets found in the folded text point into the original."""
    return text.translate(_FOLD_TABLE)


# The names of the gazetteers and the common words are keyed hundreds of times per article,
# the same few thousand strings again and again. Bounded, so that a long-running worker
# reading new words does not grow.
@lru_cache(maxsize=16384)
def fold_key(text: str) -> str:
    """A comparison key: folded, punctuation removed, spaces collapsed."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


# libyaml's parser when PyYAML was built with it: the same documents, read about eight times
# faster (0.9 s of a worker's start-up went into reading the gazetteers in pure Python).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str) -> dict:
    with open(GAZETTEER_DIR / name, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_YAML_LOADER)


WORD_START = r"(?<![\w])"


def pattern_regex(pattern: str) -> str:
    """Compile the lexicon syntax (``*`` = any ending, ``_`` = optional word) to a regex
    over folded text."""
    tokens = fold(pattern).split()
    parts: list[str] = []
    for token in tokens:
        if token == "_":
            parts.append(r"(?:\W+[\w'-]+)?")
            continue
        body = re.escape(token.rstrip("*"))
        if token.endswith("*"):
            body += r"[\w]*"
        parts.append(body if not parts else r"[\s'\-]+" + body if parts[-1].startswith("(?:") else r"\W+" + body)
    regex = "".join(parts)
    # an optional gap must be followed by the separator of the next word
    regex = regex.replace(r"(?:\W+[\w'-]+)?[\s'\-]+", r"(?:\W+[\w'-]+)?\W+")
    return WORD_START + regex + r"(?![\w])"


def compile_patterns(patterns: list[str]) -> re.Pattern[str]:
    return _alternation(_ordered_regexes(patterns))


def _ordered_regexes(patterns: list[str]) -> list[str]:
    """The patterns' regexes in the order a lexicon's regex tries them: the longest first."""
    return sorted({pattern_regex(p) for p in patterns}, key=len, reverse=True)


def without_word_start(regex: str) -> str | None:
    """``regex`` without the word-start check it begins with (None when it begins with none).

    When every alternative of a regex starts a word, that is checked once, before the
    alternatives: the regex then skips the inside of words at once (same matches, several
    times faster on long texts).
    """
    return regex[len(WORD_START):] if regex.startswith(WORD_START) else None


def _alternation(ordered: list[str]) -> re.Pattern[str]:
    bodies = [without_word_start(p) for p in ordered]
    if all(b is not None for b in bodies):
        return re.compile(WORD_START + "(?:" + "|".join(f"(?:{b})" for b in bodies) + ")")
    return re.compile("|".join(f"(?:{p})" for p in ordered))


def lexicon_anchor(pattern: str) -> str:
    """What a text, every non-word character made a space and a space put before and after it,
    holds where ``pattern`` (lexicon syntax) can match: a space, its first word's stem, and a
    space after a whole word ('la', not 'trafi*': ``pattern_regex`` wants no letter after
    it). Without the first space, stems such as 'a' or 'la' would stop the scan inside most
    words; without the last one, at most words they start ('a' at 'arrest', 'and', 'after')."""
    first = fold(pattern).split()[0]
    stem = first.rstrip("*")
    anchor = " " + _NON_WORD_CHAR.sub(" ", stem)
    return anchor + " " if stem == first and not _NON_WORD_CHAR.match(stem[-1]) else anchor


class Lexicons:
    """Named lexicons, all found in one pass over a text.

    Every match of a lexicon pattern starts a word with its first word's literal stem, so
    an Aho-Corasick automaton of those stems (``lexicon_anchor``) run over the text with
    every non-word character made a space finds in one scan every place where some lexicon
    can match; there, a regex of the lexicon's patterns that start with the stem found (in the
    order of the lexicon's own regex, ``compile_patterns``) is tried. The matches are exactly
    those of ``regex.finditer(text)``.

    A construction (a regex that starts with one of its lexicon's patterns, such as 'a verb of
    passing, a few words, then a noun of information') is found in the same scan: its regex is
    tried only where one of the patterns it starts with can match.
    """

    def __init__(self, lexicons: dict[str, list[str]], constructions: dict[str, tuple[list[str], re.Pattern[str]]] | None = None) -> None:
        import ahocorasick

        self.regexes: dict[str, re.Pattern[str]] = {}
        by_anchor: dict[str, dict[str, re.Pattern[str]]] = {}   # anchor -> lexicon -> the regex to try where it is found
        for name, patterns in lexicons.items():
            if not patterns:
                continue
            ordered = _ordered_regexes(patterns)
            self.regexes[name] = _alternation(ordered)
            of_anchor: dict[str, set[str]] = {}
            for pattern in patterns:
                of_anchor.setdefault(lexicon_anchor(pattern), set()).add(pattern_regex(pattern))
            # Where one anchor is found, only its own patterns can match: a regex of those alone
            # (in the lexicon's order, so the same one wins) is tried instead of hundreds of alternatives.
            for anchor, regexes in of_anchor.items():
                by_anchor.setdefault(anchor, {})[name] = _alternation([r for r in ordered if r in regexes])
        for name, (first_patterns, regex) in (constructions or {}).items():
            self.regexes[name] = regex
            for pattern in first_patterns:
                by_anchor.setdefault(lexicon_anchor(pattern), {})[name] = regex
        self._automaton = ahocorasick.Automaton()
        for anchor, regexes in by_anchor.items():
            # A short word ('a', 'la', 'de') starts patterns of a dozen lexicons and is found
            # everywhere, where none of them matches: one regex of them all says so at once.
            either = re.compile("|".join(f"(?:{r.pattern})" for r in dict.fromkeys(regexes.values()))) if len(regexes) > 1 else None
            self._automaton.add_word(anchor, (len(anchor), tuple(sorted(regexes.items())), either))
        self._automaton.make_automaton()

    def finditer(self, text: str) -> dict[str, list[re.Match[str]]]:
        """name -> its matches in ``text``, in order, for the lexicons that match at all."""
        starts: dict[str, dict[int, re.Pattern[str]]] = {}   # lexicon -> where it may match -> the regex to try there
        # an anchor (a space, the stem, maybe a space) ending at ``last`` of ' ' + text + ' ' starts
        # its stem at ``last - length + 1`` of text
        for last, (length, regexes, either) in self._automaton.iter(" " + text.translate(_SPACE_TABLE) + " "):
            start = last - length + 1
            if either is not None and not either.match(text, start):
                continue
            for name, regex in regexes:
                at = starts.setdefault(name, {})
                # two anchors of one lexicon at one place (' la ' and ' la'): the lexicon's whole regex
                at[start] = self.regexes[name] if start in at else regex
        found: dict[str, list[re.Match[str]]] = {}
        for name, at in starts.items():
            after = 0
            for start in sorted(at):
                if start >= after and (match := at[start].match(text, start)):
                    found.setdefault(name, []).append(match)
                    after = match.end()
        return {name: found[name] for name in self.regexes if name in found}


# Four letters outside ASCII match ASCII ones case-blind (İ ı ſ K); İ is two characters lower-cased.
_CASE_BLIND_EXTRAS = ("\u0130", "\u0131", "\u017f", "\u212a")


def case_blind_copy(text: str) -> str | None:
    """``text`` lower-cased, for ``CaseBlind.finditer``; None when its offsets would not be the
    text's or a letter of it matches an ASCII one case-blind (then the regexes scan the whole text)."""
    return None if any(letter in text for letter in _CASE_BLIND_EXTRAS) else text.lower()


class CaseBlind:
    """A case-blind regex that is tried only where the lower-cased text holds one of the words
    its matches start with ('tribunal', 'parquet', 'cour'... of a court's name): a case-blind
    scan of a whole text costs ten times as much as lower-casing it, and as much again for each
    such regex. The matches are exactly those of the regex's ``finditer``."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern, re.IGNORECASE)
        self.words = leading_words(pattern)

    def finditer(self, text: str, lowered: str | None = "") -> Iterator[re.Match[str]]:
        """``lowered``: ``case_blind_copy(text)`` when already made."""
        if lowered == "":
            lowered = case_blind_copy(text)
        if lowered is None or not self.words:
            yield from self.regex.finditer(text)
            return
        starts = set()
        for word in self.words:
            at = lowered.find(word)
            while at >= 0:
                starts.add(at)
                at = lowered.find(word, at + 1)
        after = 0
        for start in sorted(starts):
            if start >= after and (match := self.regex.match(text, start)):
                yield match
                after = match.end()


def leading_words(pattern: str) -> tuple[str, ...]:
    """Lower-cased, the letters one of which every match of ``pattern`` starts with: 'secretari'
    of 'secretari[oa]s?...', 'vice' of 'vice-?ministr...', 'state' and 'secretary' of
    '(?:state\\s+secretary|secretary\\s+of\\s+state)...'; none when it cannot tell."""
    for zero_width in ("(?i)", "\\b"):   # a flag, a word boundary: they start nothing
        if pattern.startswith(zero_width):
            return leading_words(pattern[len(zero_width):])
    bars = [index for index, char, depth in _structure(pattern) if char == "|" and depth == 0]
    if bars:
        words = [leading_words(pattern[start + 1:end]) for start, end in zip([-1, *bars], [*bars, len(pattern)])]
        return tuple(w for each in words for w in each) if all(words) else ()
    if pattern.startswith("(?:"):
        end = next((index for index, char, depth in _structure(pattern) if char == ")" and depth == 1), None)
        if end is None or pattern[end + 1:end + 2] in ("?", "*", "{"):
            return ()
        return leading_words(pattern[3:end])
    letters = re.match(r"[A-Za-z]*", pattern).group(0)
    if pattern[len(letters):len(letters) + 1] in ("?", "*", "{"):
        letters = letters[:-1]   # the last letter is optional
    return (letters.lower(),) if letters else ()


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth before it) of each bracket and bar of ``pattern`` that
    is neither escaped nor inside a character class."""
    depth, escaped, class_from = 0, False, None   # class_from: where a class's first member is
    for index, char in enumerate(pattern):
        if escaped or char == "\\":
            escaped = not escaped
        elif class_from is not None:
            if char == "]" and index > class_from:   # a ']' first in a class is a member
                class_from = None
        elif char == "[":
            class_from = index + 1 + (pattern[index + 1:index + 2] == "^")
        elif char in "()|":
            yield index, char, depth
            depth += (char == "(") - (char == ")")


class WholeWords:
    r"""The matches of the regex ``(?<![\w])(word|...)(?![\w])``, longest word first, without
    its cost: hundreds of alternatives tried at every word start cost more than the rest of
    a resolver. An Aho-Corasick automaton finds every occurrence of the words in one scan."""

    def __init__(self, words) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        for word in words:
            self._automaton.add_word(word, word)
        self._automaton.make_automaton()

    def finditer(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of each match, in order, as ``regex.finditer`` would give them."""
        longest: dict[int, str] = {}   # start -> the longest word standing alone there, as the regex prefers
        for last, word in self._automaton.iter(text):
            start, end = last - len(word) + 1, last + 1
            if (start > 0 and _WORD_CHAR.match(text, start - 1)) or _WORD_CHAR.match(text, end):
                continue
            if len(word) > len(longest.get(start, "")):
                longest[start] = word
        found: list[tuple[int, int, str]] = []
        for start in sorted(longest):
            if not found or start >= found[-1][1]:   # matches do not overlap: the scan goes on after each
                found.append((start, start + len(longest[start]), longest[start]))
        return found


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


_BOUNDARY = re.compile(r"[.!?…]+[\"»”')\]]*\s+(?=[\"«“(]?[A-ZÀ-ÖØ-Þ0-9])|\n+")
_ABBREVIATIONS = {"m", "mm", "mme", "mr", "mrs", "ms", "dr", "pr", "gen", "col", "lt", "sgt", "st", "me",
                  "no", "vol", "art", "av", "bd", "etc", "cf", "p", "sr", "sra", "jr", "inc", "ltd", "co", "corp", "gov", "sen", "rep",
                  "ee"}   # 'EE. UU.' (Spanish for the United States) is one name


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (and titles/paragraphs) by punctuation and newlines, not splitting after
    abbreviations ("M. Sarr", "Gen. Langley", "U.S. Africa Command")."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if "\n" not in match.group(0):
            before = text[start:match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if last in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last) and len(last.replace(".", "")) <= 2:
                continue
        end = match.end()
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            sentences.append(Sentence(start + lead, end - trail, chunk.strip()))
        start = end
    chunk = text[start:]
    if chunk.strip():
        lead = len(chunk) - len(chunk.lstrip())
        sentences.append(Sentence(start + lead, start + len(chunk.rstrip()), chunk.strip()))
    return sentences


def words_before(text: str, end: int, count: int) -> list[str]:
    """``text[:end].split()[-count:]``, reading only as far back as those words go."""
    width = 64
    while True:
        start = max(0, end - width)
        words = text[start:end].split()
        # the window's first word may be cut: it counts only once the window holds more
        if start == 0 or len(words) > count:
            return words[-count:]
        width *= 4


def words_after(text: str, start: int, count: int) -> list[str]:
    """``text[start:].split()[:count]``, reading only as far as those words go."""
    width = 64
    while True:
        end = min(len(text), start + width)
        words = text[start:end].split()
        if end == len(text) or len(words) > count:
            return words[:count]
        width *= 4


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace the given spans by spaces (same length)."""
    chars = list(text)
    for start, end in spans:
        for index in range(start, min(end, len(chars))):
            chars[index] = " "
    return "".join(chars)


def bounded_prefix(text: str, limit: int) -> str:
    """At most ``limit`` characters from the start of ``text``, cut at the last paragraph break
    (else the last space) before the limit so no sentence or word is read half."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit + 1)
    if cut < limit // 2:
        cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > 0 else limit]
