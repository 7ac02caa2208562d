"""Threat domains from a multilingual stem lexicon, and from compositions of words: a
trafficking word and what is trafficked ('trafic de migrants, d'êtres humains et de drogues',
'tráfico internacional de armas'), a security word and a border ('sécurisation des
frontières'), a group and a crime ('banda de narcotraficantes')."""

from __future__ import annotations

import re
from bisect import bisect_right

from streams.enrichment.text import (WORD_START, Lexicons, compile_patterns, fold, load_yaml, mask, pattern_regex,
                                     without_word_start)

_FILLER = r"(?:[\w'-]+\W+){0,3}?"       # words between a head and its first object ('internacional de')
_COORDINATED = r"\s*(?:,|\bet\b|\band\b|\by\b|\be\b|\bou\b|\bor\b|\bo\b)\s*(?:(?:de|d'|of|del|des|du)\s*)?(?:(?:la|les|l'|the|el|los|las)\s*)?"
_CLAUSE = re.compile(r"[.;:!?\n]")


class Composition:
    """Head words and, per topic, the objects that make a topic with them: after the head (a
    few words on, then coordinated), or right before it ('drug ring')."""

    def __init__(self, spec: dict) -> None:
        self.heads = compile_patterns(spec["heads"])
        self.topics = list(spec["objects"])
        regexes = [[pattern_regex(p) for p in spec["objects"][topic]] for topic in self.topics]
        bodies = [[without_word_start(regex) for regex in each] for each in regexes]
        if all(body is not None for each in bodies for body in each):
            alternatives = WORD_START + "(?:" + "|".join(
                f"(?P<t{index}>{'|'.join(each)})" for index, each in enumerate(bodies)) + ")"
        else:
            alternatives = "|".join(f"(?P<t{index}>{'|'.join(each)})" for index, each in enumerate(regexes))
        self.first = re.compile(r"\W+" + _FILLER + f"(?:{alternatives})")
        self.next = re.compile(_COORDINATED + f"(?:{alternatives})")
        self.before = None if spec.get("after_only") else re.compile(f"(?:{alternatives})" + r"\W+(?:[\w'-]+\W+)?$")

    def find(self, folded: str, clauses: list[int], heads: list[re.Match] | None = None) -> list[tuple[int, str, str]]:
        """(position, topic, 'head object') for each head and object found together in one
        clause (``clauses``: the offsets where clauses end, in order). ``heads``: the matches
        of ``self.heads`` in ``folded`` when already found (by the topics' one scan)."""
        found = []
        for head in self.heads.finditer(folded) if heads is None else heads:
            index = bisect_right(clauses, head.end())
            clause_end = clauses[index] if index < len(clauses) else len(folded)
            match = self.first.match(folded, head.end(), clause_end)
            while match:
                topic, thing = self._object(match)
                found.append((head.start(), topic, f"{head.group(0)} {thing}"))
                match = self.next.match(folded, match.end(), clause_end)
            if self.before is None:
                continue
            previous = bisect_right(clauses, head.start()) - 1
            clause_start = max(clauses[previous] + 1 if previous >= 0 else 0, head.start() - 40)
            before = self.before.search(folded, clause_start, head.start())
            if before:
                topic, thing = self._object(before)
                found.append((before.start(), topic, f"{thing} {head.group(0)}"))
        return found

    def _object(self, match: re.Match) -> tuple[str, str]:
        name, value = next((name, value) for name, value in match.groupdict().items() if value)
        return self.topics[int(name[1:])], value


def _head_lexicon(index: int) -> str:
    return f"composition heads {index}"   # a name no topic of topics.yaml has


class TopicLexicon:
    def __init__(self) -> None:
        data = load_yaml("topics.yaml")
        self.version = str(data["version"])
        self._compositions = [Composition(spec) for spec in (data.get("compositions") or {}).values()]
        # every topic's terms and every composition's heads found in one pass
        self._lexicons = Lexicons({**data["topics"], **{_head_lexicon(index): spec["heads"]
                                                        for index, spec in enumerate((data.get("compositions") or {}).values())}})
        self._patterns: dict[str, re.Pattern[str]] = {topic: self._lexicons.regexes[topic] for topic in data["topics"]}
        # phrases that look like a topic's terms but are not ('armes blanches', 'spy agencies')
        self._not = compile_patterns(data.get("not") or [])

    def find(self, folded: str) -> dict[str, list[str]]:
        """topic -> the distinct terms that triggered it, in order of appearance.
        ``folded`` is the accent-folded text with organisation names already masked."""
        folded = mask(folded, [(m.start(), m.end()) for m in self._not.finditer(folded)])
        hits: list[tuple[int, str, str]] = []
        found_terms = self._lexicons.finditer(folded)
        for topic, matches in found_terms.items():
            if topic in self._patterns:
                hits += [(match.start(), topic, match.group(0)) for match in matches]
        clauses = [m.start() for m in _CLAUSE.finditer(folded)]
        for index, composition in enumerate(self._compositions):
            hits += composition.find(folded, clauses, found_terms.get(_head_lexicon(index), []))
        found: dict[str, list[str]] = {}
        for topic in list(self._patterns):
            for _, hit_topic, term in sorted(hits):
                if hit_topic == topic and term not in found.setdefault(topic, []):
                    found[topic].append(term)
            if not found.get(topic):
                found.pop(topic, None)
        return found

    def names_a_topic(self, text: str) -> bool:
        """The whole of ``text`` is a term of the lexicon ('Boko Haram')."""
        folded = fold(text)
        return any(regex.fullmatch(folded) for regex in self._patterns.values())
