"""Threat domains from a multilingual stem lexicon."""

from __future__ import annotations

import re

from streams.enrichment.text import compile_patterns, fold, load_yaml


class TopicLexicon:
    def __init__(self) -> None:
        data = load_yaml("topics.yaml")
        self.version = str(data["version"])
        self._patterns: dict[str, re.Pattern[str]] = {
            topic: compile_patterns(patterns) for topic, patterns in data["topics"].items()
        }

    def find(self, folded: str) -> dict[str, list[str]]:
        """topic -> the distinct terms that triggered it, in order of appearance.
        ``folded`` is the accent-folded text with organisation names already masked."""
        found: dict[str, list[str]] = {}
        for topic, regex in self._patterns.items():
            for match in regex.finditer(folded):
                term = match.group(0)
                terms = found.setdefault(topic, [])
                if term not in terms:
                    terms.append(term)
        return found

    def names_a_topic(self, text: str) -> bool:
        """The whole of ``text`` is a term of the lexicon ('Boko Haram')."""
        folded = fold(text)
        return any(regex.fullmatch(folded) for regex in self._patterns.values())
