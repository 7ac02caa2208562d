"""Threat domains from a multilingual stem lexicon."""

from __future__ import annotations

from streams.enrichment.text import Lexicons, load_yaml


class TopicLexicon:
    def __init__(self) -> None:
        data = load_yaml("topics.yaml")
        self.version = str(data["version"])
        self._lexicons = Lexicons(data["topics"])   # every topic in one pass

    def find(self, folded: str) -> dict[str, list[str]]:
        """topic -> the distinct terms that triggered it, in order of appearance.
        ``folded`` is the accent-folded text with organisation names already masked."""
        return {
            topic: list(dict.fromkeys(match.group(0) for match in matches))
            for topic, matches in self._lexicons.finditer(folded).items()
        }
