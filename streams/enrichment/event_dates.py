"""When a sentence says an event took place, to the month: repeated events of one kind
between the same countries ('extradited on 23 September', 'at the end of November') are
distinct events when their dates differ."""

from __future__ import annotations

import re
from functools import lru_cache

_DAY = r"(?:\d{1,2}(?:er|st|nd|rd|th)?)"
_YEAR = r"(?:(?:19|20)\d\d)"
# A clause about a person: dated from when a state began ('X, qui dirige la DGSI depuis 2023,
# etait a Rabat', 'Y, who has led the agency since 2021, met...'), or telling the crime he is
# wanted for ('Z, recherche pour un meurtre commis a Fes en 2021'): its date is the person's or
# the crime's, not the cooperation's.
_PERSON_CLAUSE = re.compile(
    r",\s*(?:(?:qui|who|quien|quienes|que)\s[^,;]*?(?<!\w)(?:depuis|since|desde)\s"
    r"|(?:recherche|recherches|wanted|buscad[oa]s?|condamne|condamnes|convicted|sentenced|accuse|accuses|accused|acusad[oa]s?"
    r"|soupconne|soupconnes|suspected|sospechos[oa]s?|poursuivi|poursuivis|charged|implique|impliques|implicated)\s)"
    r"[^,;]*(?=[,;]|$)"
)

# 'their first meeting since 2021', 'la premiere reunion depuis 2021': the date of the one before
_FIRST_SINCE = re.compile(r"(?:first|premier|premiere|primer|primera)\s[^,;]{0,80}?(?<!\w)(?:since|depuis|desde)\s+(?:(?:le|el|the|en|de)\s+)?$")


class MonthFinder:
    """Finds the dates (a month, a year, or both) a sentence gives."""

    def __init__(self, months: dict) -> None:
        names = {name: int(number) for number, words in months.items() for name in words}
        ambiguous = {"may", "march"}   # English verbs too: only beside a day or a year
        plain = "|".join(sorted((n for n in names if n not in ambiguous), key=len, reverse=True))
        strict = "|".join(sorted(ambiguous & names.keys(), key=len, reverse=True))
        self._names = names
        self._regex = re.compile(
            rf"(?<![\w])(?:(?:{_DAY}\s+(?:de\s+)?)?(?P<plain>{plain})(?:\s+(?:de\s+|del\s+|,\s*)?(?P<y1>{_YEAR}))?"
            rf"|{_DAY}\s+(?P<s1>{strict})(?:\s+(?P<y2>{_YEAR}))?|(?P<s2>{strict})\s+(?:{_DAY}(?:,?\s+(?P<y4>{_YEAR}))?|(?P<y3>{_YEAR}))"
            rf"|(?P<y0>{_YEAR}))(?![\w])"
        )

    @lru_cache(maxsize=8)   # the triggers of one sentence come one after the other
    def _sentence_dates(self, folded_sentence: str) -> tuple[list[tuple[int, int]], list[re.Match[str]]]:
        """The sentence's person clauses and the dates it gives outside 'first ... since': read
        once for all the triggers of a sentence, not once for each."""
        clauses = [m.span() for m in _PERSON_CLAUSE.finditer(folded_sentence)]
        dates = [m for m in self._regex.finditer(folded_sentence) if not _FIRST_SINCE.search(folded_sentence[max(0, m.start() - 100):m.start()])]
        return clauses, dates

    def when(self, folded_sentence: str, near: int = 0) -> str | None:
        """The date of the sentence closest to position ``near`` (its trigger): '2025-01',
        '-09' (no year given), '2021-' (no month given); None when it gives none."""
        clauses, candidates = self._sentence_dates(folded_sentence)
        states = [span for span in clauses if not span[0] <= near < span[1]]
        dates = [m for m in candidates if not any(start <= m.start() < end for start, end in states)]
        closest = min(dates, key=lambda m: min(abs(m.start() - near), abs(m.end() - near)), default=None)
        if closest is None:
            return None
        name = closest.group("plain") or closest.group("s1") or closest.group("s2")
        year = next((closest.group(g) for g in ("y0", "y1", "y2", "y3", "y4") if closest.group(g)), "")
        return f"{year}-{self._names[name]:02d}" if name else f"{year}-"


def same_time(first: str | None, second: str | None) -> bool:
    """Two dates that may be the same month (an undated mention may be any of them)."""
    if not first or not second:
        return True
    year1, month1 = first.split("-")
    year2, month2 = second.split("-")
    return (not month1 or not month2 or month1 == month2) and (not year1 or not year2 or year1 == year2)


def dated_elsewhere(when: str | None, year: int | None) -> bool:
    """The date an event is given is in another year than the article's ('signed in 2021')."""
    return bool(when) and year is not None and bool(when.split("-")[0]) and int(when.split("-")[0]) != year
