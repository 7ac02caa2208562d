"""When a sentence says an event took place, to the month: repeated events of one kind
between the same countries ('extradited on 23 September', 'at the end of November') are
distinct events when their dates differ."""

from __future__ import annotations

import re

_DAY = r"(?:\d{1,2}(?:er|st|nd|rd|th)?)"
_YEAR = r"(?:(?:19|20)\d\d)"


class MonthFinder:
    """Finds the month (and year) a sentence dates what it tells to."""

    def __init__(self, months: dict) -> None:
        names = {name: int(number) for number, words in months.items() for name in words}
        ambiguous = {"may", "march"}   # English verbs too: only beside a day or a year
        plain = "|".join(sorted((n for n in names if n not in ambiguous), key=len, reverse=True))
        strict = "|".join(sorted(ambiguous & names.keys(), key=len, reverse=True))
        self._names = names
        self._regex = re.compile(
            rf"(?<![\w])(?:(?:{_DAY}\s+(?:de\s+)?)?(?P<plain>{plain})(?:\s+(?:de\s+|del\s+|,\s*)?(?P<y1>{_YEAR}))?"
            rf"|{_DAY}\s+(?P<s1>{strict})(?:\s+(?P<y2>{_YEAR}))?|(?P<s2>{strict})\s+(?:{_DAY}|(?P<y3>{_YEAR})))(?![\w])"
        )

    def when(self, folded_sentence: str) -> str | None:
        """'2025-01' or '-09' (no year given) for the first date of the sentence, None without one."""
        match = self._regex.search(folded_sentence)
        if not match:
            return None
        name = match.group("plain") or match.group("s1") or match.group("s2")
        year = match.group("y1") or match.group("y2") or match.group("y3") or ""
        return f"{year}-{self._names[name]:02d}"


def same_time(first: str | None, second: str | None) -> bool:
    """Two dates that may be the same month (an undated mention may be any of them)."""
    if not first or not second:
        return True
    year1, month1 = first.split("-")
    year2, month2 = second.split("-")
    return month1 == month2 and (not year1 or not year2 or year1 == year2)
