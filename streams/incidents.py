"""Consolidation stage: the mentions of one real-world cooperation event, reported by
many articles, become one incident.

    enrich ──► news.mentions (key: event type) ──► [incidents] ──► table ──► coop-incidents

An article's events leave the enrich stage as ``ArticleMentions``, one per event type,
sent together when their keys share a partition (``MentionsMessage``); the incidents
agent applies each to the stage's state (a Faust table, seen here through
``IncidentStore``) and writes the incidents it changed. Everything
in this module is pure with respect to that store, so the evaluation and the unit
tests run the very code the worker runs, on a dict.
"""

from __future__ import annotations

import calendar
import hashlib
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterable, MutableMapping, get_args

from aiokafka.partitioner import DefaultPartitioner
from babel.core import UnknownLocaleError
from babel.dates import get_day_names, get_month_names
from pydantic import BaseModel
from rapidfuzz import fuzz
from text_to_num import alpha2digit

from schemas.articles import ArticleMentions, CooperationEvent, EnrichedArticle, EventType, Incident, IncidentMention, MentionsMessage
from streams.enrichment.event_model import ON_THE_SIDELINES
from streams.enrichment.report_types import TRIGGER, ReportTypeModel, first_sentence, report_features
from streams.enrichment.outlets import outlet_home
from streams.enrichment.text import fold_key
from streams.settings import Settings

EVENT_TYPES: tuple[str, ...] = get_args(EventType)
TABLE_NAME = "incidents"


def incidents_changelog_topic(settings: Settings) -> str:
    """The topic Faust names for the incidents table's changelog."""
    return f"{settings.app_id}-{TABLE_NAME}-changelog"


# ---------------------------------------------------------------- re-keying
def routing_key(event_type: str) -> bytes:
    """The Kafka key of a mention: its event type alone.

    Candidates for one incident must meet on one partition, and a bilateral mention
    (FR-NL) must meet the multilateral incident that contains both countries
    (BE-DE-FR-NL). No key built from the country set can do that for every subset:
    type + one canonical country (say the first in alphabetical order) sends FR-NL to
    "FR" and BE-DE-FR-NL to "BE". Keying by type alone is exact. Its cost is
    parallelism: seven keys at most, so at most seven partitions merge, and "meeting"
    is the busiest. Merging needs no NLP and looks at a handful of candidates through
    the day index, so one partition keeps up with far more mentions than the enrich
    stage produces; should it not, type + world region is the next step, at the price
    of splitting the rare incident whose countries span two regions.
    """
    return event_type.encode("utf-8")


@lru_cache(maxsize=None)
def types_sharing_partitions(partitions: int) -> tuple[tuple[str, ...], ...]:
    """The event types grouped by the partition Kafka's default partitioner sends their keys to.

    An article's mentions of one group travel in one message, keyed by the group's first
    type: three messages per article instead of seven on four partitions, the same
    partitions as before. Each type always travels in the same group under the same key,
    so its mentions still all meet on one partition even if the topic has another number
    of partitions than this: only the balance would suffer, never the consolidation.
    """
    partitioner, all_partitions = DefaultPartitioner(), list(range(partitions))
    groups: dict[int, list[str]] = {}
    for event_type in EVENT_TYPES:
        groups.setdefault(partitioner(routing_key(event_type), all_partitions, all_partitions), []).append(event_type)
    return tuple(tuple(group) for group in groups.values())


def mentions_messages(article: EnrichedArticle, partitions: int,
                      words: ReportTypeModel | None = None) -> list[tuple[bytes, MentionsMessage]]:
    """What the enrich stage sends to news.mentions for an article: (key, message) per group of
    types sharing a partition, every type present, so a re-enriched article's vanished events
    leave their incidents. ``words``: see ``mentions_of``."""
    by_type = {message.type: message for message in mentions_of(article, words)}
    return [(routing_key(group[0]), MentionsMessage(article_id=article.article_id, by_type=[by_type[t] for t in group]))
            for group in types_sharing_partitions(partitions)]


# ---------------------------------------------------------------- mentions of an article
_WORD = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]", re.UNICODE)
_ELISION = re.compile(r"^(?:[ldjmnst]|qu)['’]", re.IGNORECASE)   # l'Adriatique, d'Algésiras
_POSSESSIVE = re.compile(r"['’]s?$")                              # Tuesday's, Morocco's
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_SENTENCE_ENDS = frozenset('.!?:;«»"“”\n')
# English writes weekdays and months with a capital, in full or short ('Sept 15'); every report
# of one day shares them.
_CALENDAR_WORDS = frozenset(
    fold_key(w) for w in [*calendar.day_name, *calendar.month_name, *calendar.day_abbr, *calendar.month_abbr, "Sept"] if w)
# A wire's credit in its dateline, 'DAKAR, June 17 (Dakar Wire) -': the outlet, not the event
# (every report of that wire carries it), and no person.
_OUTLET_CREDIT = re.compile(r"\(([^()\d]{2,40})\)\s*[-–—:]")
# Languages whose counts in words become figures ('seven suspects', 'sept membres', 'siete detenidos').
_NUMBER_WORD_LANGUAGES = frozenset({"en", "fr", "es", "pt", "de", "nl", "it"})


def _country_lexicon():
    from streams.enrichment.countries import shared_lexicon

    return shared_lexicon()


def _is_title_case(title: str) -> bool:
    words = [w for w in _WORD.findall(title) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) > len(words) / 2


def _starts_sentence(text: str, position: int) -> bool:
    """Whether the text starts at ``position``, or only spaces lie between a sentence end and it.
    (Looks back over the spaces only: a search over the whole prefix per word is quadratic.)"""
    before = position
    while before > 0 and text[before - 1].isspace():
        if text[before - 1] == "\n":
            return True
        before -= 1
    if before == 0:
        return position == 0
    return text[before - 1] in _SENTENCE_ENDS


def outlet_credits(text: str) -> list[str]:
    """The outlets a dateline credits at the start of a text: 'DAKAR, June 17 (Dakar Wire) - ...'."""
    return [m.group(1).strip() for m in _OUTLET_CREDIT.finditer(text[:200])]


# Round counts written as nouns ('une vingtaine de gendarmes', 'a dozen suspects', 'una decena de
# detenidos'): the figure a report in digits gives ('20 gendarmes'), folded.
APPROXIMATE_COUNTS = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "cinquantaine": 50,
    "centaine": 100, "dozen": 12, "decena": 10, "docena": 12, "veintena": 20, "treintena": 30, "centenar": 100,
}   # not 'quarantaine'/'cuarentena' (a quarantine) nor 'quincena' (a fortnight)
_APPROXIMATE_COUNT = re.compile(r"\b(?:une|un|a|una|some|about)\s+(" + "|".join(APPROXIMATE_COUNTS) + r")s?\b", re.IGNORECASE)
# A figure with its scale written out ('2 million euros', '1,5 millions', '3 millones'): one figure,
# the one a report writing it in words gives ('dos millones' -> 2000000)
SCALES = {"thousand": 10**3, "mille": 10**3, "mil": 10**3, "million": 10**6, "millions": 10**6, "millon": 10**6, "millón": 10**6,
          "millones": 10**6, "milliard": 10**9, "milliards": 10**9, "billion": 10**9, "billions": 10**9}
_SCALED_NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s+(" + "|".join(SCALES) + r")\b", re.IGNORECASE)


def _scaled(match: re.Match) -> str:
    value = float(match.group(1).replace(",", ".")) * SCALES[match.group(2).lower()]
    return str(round(value))


def figures(text: str, language: str | None = None) -> list[str]:
    """The figures of a text, years and the days of dates left out ('le 13 octobre' is a day, and
    the event's day is compared on its own; a dateline's is the report's), with counts written in
    words ('seven', 'sept', 'trente', 'une vingtaine') as figures: reports in two languages, or
    one in words and one in digits, agree."""
    text = without_dateline(text)
    days = Counter(str(day) for _, day, _ in explicit_dates(fold_key(text), language)) if language else Counter()
    text = _APPROXIMATE_COUNT.sub(lambda m: str(APPROXIMATE_COUNTS[m.group(1).lower()]), text)
    text = _SCALED_NUMBER.sub(_scaled, text)
    if language in _NUMBER_WORD_LANGUAGES:
        text = alpha2digit(text, language)
    found = []
    for match in _NUMBER.finditer(text):
        number = match.group(0).replace(",", ".")
        if days[number] > 0:
            days[number] -= 1
        elif not (len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100):   # years
            found.append(number)
    return found


def anchor_terms(texts: Iterable[str], known_names: Iterable[str] = (), countries: Iterable[str] = (),
                 language: str | None = None) -> list[str]:
    """The proper names and figures of some sentences, folded: the language-neutral part of
    what a report says ("Tanger", "2.3", "Algeciras", "7" for "seven"). Sentence-initial words, the names of
    the cooperating ``countries``, weekdays and months, an outlet's credit, and words of names already
    compared on their own (``known_names``: persons, agencies) are left out."""
    texts = list(texts)
    credits = [credit for text in texts for credit in outlet_credits(text)]
    known = {token for name in [*known_names, *credits] for token in fold_key(name).split()}
    pair = set(countries)
    found: dict[str, None] = {}
    for text in texts:
        names, numbers = _names_and_figures(text, language)
        for key, part_of in names:
            if key not in known and not part_of & pair:
                found.setdefault(key)
        for number in numbers:
            found.setdefault(number)
    return list(found)


@lru_cache(maxsize=256)
def _names_and_figures(text: str, language: str | None) -> tuple[tuple[tuple[str, frozenset[str]], ...], tuple[str, ...]]:
    """A text's proper names, folded, each with the countries whose name, adjective or prefix
    it is part of (every report of a pair shares those, so they say nothing about which of the
    pair's incidents a report tells), a capital as its country ('Alger', 'Algiers', 'Argel' are
    one); and its figures. Kept for the article's other events, which read the same title and lede."""
    from streams.enrichment.countries import CAPITAL, CITY

    found = _country_lexicon().find(text)
    country_words = [(m.start, m.end, m.code) for m in found if m.kind not in (CAPITAL, CITY)]
    capitals = [(m.start, m.end, m.code) for m in found if m.kind == CAPITAL]
    names = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", _ELISION.sub("", match.group(0))).strip("'’.-")
        if not word or not word[0].isupper():
            continue   # most words: no need to fold them
        capital = next((code for s, e, code in capitals if s <= match.start() < e), None)
        key = f"@{capital}" if capital else fold_key(word)   # a capital is no word: matched exactly, never fuzzily
        if len(key) < 3 or key in _CALENDAR_WORDS or _starts_sentence(text, match.start()):
            continue
        names.append((key, frozenset(code for s, e, code in country_words if s <= match.start() < e)))
    return tuple(names), tuple(figures(text, language))


@lru_cache(maxsize=32)
def _weekday_names(language: str) -> tuple[re.Pattern, dict[str, int]] | None:
    """The weekdays' names in a language, folded, from CLDR ('mardi', 'miercoles', 'Wednesday')."""
    try:
        names = {fold_key(name): day for day, name in get_day_names("wide", locale=language).items()}
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b"), names


# Days named relative to publication ('hier', 'yesterday', 'anteayer'), folded, in days back.
RELATIVE_DAYS = {"hier": 1, "yesterday": 1, "ayer": 1, "avant hier": 2, "anteayer": 2, "antier": 2,
                 "day before yesterday": 2}
_RELATIVE_DAY = re.compile(r"\b(" + "|".join(sorted(map(re.escape, RELATIVE_DAYS), key=len, reverse=True)) + r")\b")


# A verb of saying next to a weekday dates the report, not the event ('said on Tuesday it had
# dismantled', 'officials on Wednesday praised', 'a-t-on appris mercredi', 'anuncio este martes'),
# and so does one of publishing the statement that tells it ('un communique lu jeudi a la
# television', 'a statement issued on Friday'), of reacting to the event ('praised', 'thanked', 'salue') or
# the court's next step ('was charged on Saturday', 'inculpe samedi'); folded text.
_REPORTING_VERBS = (
    r"said|says|announced|reported|confirmed|told|learned|learnt|revealed|appris|annonce|indique|precise|declare|affirme|"
    r"rapporte|confirme|dijo|anuncio|informo|indico|confirmo|explico|senalo|afirmo|revelo|"
    r"dijeron|anunciaron|informaron|indicaron|confirmaron|explicaron|senalaron|afirmaron|revelaron|precisaron|"
    r"issued|released|published|broadcast|read out|publie|publiee|diffuse|diffusee|lu|lue|rendu public|"
    r"publicado|publicada|difundido|difundida|emitido|emitida|"
    r"praised|hailed|welcomed|lauded|thanked|salue|saluee|saluent|felicite|remercie|remercient|elogio|elogiaron|celebro|celebraron|"
    r"agradecio|agradecieron|"
    r"charged|indicted|arraigned|remanded|inculpe|inculpes|inculpee|imputado|imputada|procesado|procesada")
_REPORTED_ON = re.compile(
    rf"\b(?:{_REPORTING_VERBS})(?:\s+(?:on|ce|el|este|le))?\s+$"
    # a weekday to come: 'will appear on Monday', 'comparaitra lundi', 'pasara el lunes a disposicion del juez'
    r"|\b(?:will|shall)\s+(?:\w+\s+){1,4}(?:on\s+)?$|\b\w{3,}(?:ra|ront|ran)\s+(?:el\s+|le\s+|este\s+|ce\s+)?$")
_REPORTED_AFTER = re.compile(rf"\s+(?:{_REPORTING_VERBS})\b")


def dates_the_report(text: str, start: int, end: int) -> bool:
    """Whether the weekday at text[start:end] dates the report or a later step, not the event."""
    return bool(_REPORTED_ON.search(text, 0, start) or _REPORTED_AFTER.match(text, end))


# The day of the crime behind the cooperation ('un commercant enleve le 21 juin', 'kidnapped on
# Saturday', 'asesinado el 3 de mayo'; folded text): the suspects' arrest or handover came later.
_CRIME_ON = re.compile(
    r"\b(?:enleve|enlevee|enleves|enlevees|kidnappe|kidnappee|kidnappes|kidnapped|abducted|secuestrad[oa]s?|"
    r"tue|tuee|tues|tuees|killed|shot dead|assassine|assassinee|assassines|murdered|asesinad[oa]s?|"
    r"attaque|attaquee|attacked|atacad[oa]s?|braque|braquee|robbed|atracad[oa]s?|disparu|disparue|disappeared|"
    r"desaparecid[oa]s?|commis|commise|committed|cometid[oa]s?|perpetre|perpetree|perpetrated|perpetrad[oa]s?)"
    r"(?:\s+(?:dans la nuit du|in the night of|la noche del|le|on|el|ce|este|the))?\s+$")


# The day an activity of several days ended ('l'opération, qui s'est achevée jeudi', 'concluyó el
# jueves', 'the exercise ended on Friday'; folded as fold_key folds, apostrophes to spaces): the
# reports of its first day name another day of the same event. The day it began ('depuis mardi')
# still dates it: reports of its first days share it.
_SPAN_ENDED = re.compile(
    r"\b(?:s est achevee?|s est terminee?|s achevera|prend fin|a pris fin|ended|ends|concluded|wrapped up|closed|"
    r"concluyo|termino|culmino|finalizo|clausuro)(?:\s+(?:on|le|el|este|ce|last))?\s+$")


def ends_a_span(text: str, start: int) -> bool:
    """Whether the weekday named at ``start`` of a folded text is the last of an activity of several days."""
    return bool(_SPAN_ENDED.search(text, max(0, start - 40), start))


def dates_the_crime(text: str, start: int) -> bool:
    """Whether the day named at ``start`` of a folded text is the crime's the report tells of."""
    return bool(_CRIME_ON.search(text, max(0, start - 60), start))


# A span of days ('du 14 au 18 aout', 'from 14 to 18 August', 'del 14 al 18 de agosto', 'between
# Aug. 14 and 18'; folded text, MONTH standing for the language's month names): it names no
# single day of the event ('between 10 and 20 migrants' names no span).
_DAY_SPAN = (r"\b(?:du|from|del|between|entre le|entre el)\s+(?P<d1>\d{1,2})(?:er|st|nd|rd|th)?\s+(?:au|to|al|and|et|-)\s+"
             r"\d{1,2}(?:st|nd|rd|th)?\s+(?:de\s+)?(?P<m1>MONTH)\b"
             r"|\b(?:from|between)\s+(?P<m2>MONTH)\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:to|and|-)\s+\d{1,2}\b")


@lru_cache(maxsize=32)
def _day_span_pattern(language: str) -> re.Pattern | None:
    found = _dates_pattern(language)
    return re.compile(_DAY_SPAN.replace("MONTH", "|".join(map(re.escape, sorted(found[1], key=len, reverse=True))))) if found else None


def names_a_span_of_days(text: str, language: str) -> bool:
    pattern = _day_span_pattern(language)
    return bool(pattern and pattern.search(text))


def span_start(text: str, language: str, latest: date) -> date | None:
    """The first day of the first span of days a folded text names, on or before ``latest``."""
    pattern = _day_span_pattern(language)
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    months = _dates_pattern(language)[1]
    day, month = (match.group("d1"), match.group("m1")) if match.group("d1") else (match.group("d2"), match.group("m2"))
    return _date_up_to(months[month], int(day), None, latest)


# 'il y a deux jours', 'two days ago', 'hace tres días' (folded): days back from publication.
_DAYS_AGO = re.compile(r"\b(?:il y a|hace)\s+(\d{1,2}|deux|trois|quatre|dos|tres|cuatro)\s+(?:jours|dias)\b"
                       r"|\b(\d{1,2}|two|three|four)\s+days\s+ago\b")
_SMALL_COUNTS = {"two": 2, "deux": 2, "dos": 2, "three": 3, "trois": 3, "tres": 3, "four": 4, "quatre": 4, "cuatro": 4}

# A wire's dateline, 'RABAT, Sept 8 (North Africa Wire) -', 'MADRID, 17 sept. -' or, the city in
# title case with a day, 'San Salvador, 22 may (EFE).-': its date is the report's, not the
# event's, and its day is no figure.
_DATELINE = re.compile(r"^\s*(?:[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]+,\s*[^\n()–—-]{0,25}?"
                       r"|[A-ZÀ-Ý][\w'’.]+(?:\s+(?:de|del|la|el|[A-ZÀ-Ý][\w'’.]+)){0,3},\s*[^\n()–—-]{0,15}?\d[^\n()–—-]{0,12}?)"
                       r"(?:\([^()\n]{2,40}\))?\.?\s*[-–—]\s")


def without_dateline(text: str) -> str:
    return _DATELINE.sub("", text, count=1)


@lru_cache(maxsize=32)
def _dates_pattern(language: str) -> tuple[re.Pattern, dict[str, int]] | None:
    """Dates written with a day and a month in a language, over folded text: '13 octobre',
    '1er octobre', '10 de septiembre de 2026', 'September 10', 'Sept 10, 2026' (CLDR's names)."""
    try:
        months = {fold_key(name): number for width in ("wide", "abbreviated")
                  for number, name in get_month_names(width, locale=language).items() if len(fold_key(name)) >= 3}
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if language == "en":
        months["sept"] = 9
    names = "|".join(map(re.escape, sorted(months, key=len, reverse=True)))
    day = r"(\d{1,2})(?:er|st|nd|rd|th)?"
    year = r"(?:\s+(?:de\s+|del\s+)?((?:19|20)\d\d))?"
    return re.compile(rf"\b(?:{day}\s+(?:de\s+)?({names}){year}|({names})\s+{day}{year})\b"), months


def explicit_dates(text: str, language: str, skip: Callable[[str, int], bool] | None = None) -> list[tuple[int, int, int | None]]:
    """(month, day, year or None) of the dates a folded text writes out, but those ``skip`` (text, start) leaves out."""
    found = _dates_pattern(language)
    if found is None:
        return []
    pattern, months = found
    dates = []
    for m in pattern.finditer(text):
        if skip is not None and skip(text, m.start()):
            continue
        day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        if 1 <= int(day) <= 31:
            dates.append((months[month], int(day), int(year) if year else None))
    return dates


def _date_up_to(month: int, day: int, year: int | None, latest: date) -> date | None:
    """The date on or before ``latest`` a month and day (and maybe a year) name; None for a date
    to come ('sera extradé le 20 octobre') or one that does not exist. Without a year, a date
    more than half a year ahead is last year's ('le 30 décembre', read in January)."""
    try:
        candidate = date(year or latest.year, month, day)
        if not year and (candidate - latest).days > 183:
            candidate = date(latest.year - 1, month, day)
    except ValueError:
        return None
    return candidate if candidate <= latest else None


def weekdays_named(text: str, language: str, latest: date, *, last_of_a_span: bool) -> set[date]:
    """The days up to ``latest`` that a folded text names by their weekday, but those that date
    the report or the crime behind it; those that end an activity of several days only, or only the others."""
    found = _weekday_names(language)
    if found is None:
        return set()
    pattern, names = found
    return {
        latest - timedelta(days=(latest.weekday() - names[m.group(1)]) % 7)
        for m in pattern.finditer(text)
        if not dates_the_report(text, m.start(), m.end()) and not dates_the_crime(text, m.start())
        and ends_a_span(text, m.start()) == last_of_a_span
    }


def event_day(texts: Iterable[str], language: str, published_at: datetime) -> date | None:
    """The day a report dates its event to by a weekday ('mardi', 'on Tuesday', 'este lunes'):
    the last such day up to publication; else by a day relative to publication ('hier',
    'yesterday', 'ayer', 'il y a deux jours'); else by a date written out ('le 13 octobre',
    'Sept. 10', 'el 10 de septiembre'), a wire's dateline left out. The first text that names
    exactly one day tells; reports of one event name its day, so two reports naming two days
    tell two events. A report's local date may run a day ahead of its UTC time, hence the day of slack."""
    texts = [fold_key(without_dateline(text)) for text in texts]
    latest = published_at.date() + timedelta(days=1)
    for text in texts:
        days = weekdays_named(text, language, latest, last_of_a_span=False)
        if len(days) == 1:
            return days.pop()
        if days:
            return None
    for text in texts:
        back = {RELATIVE_DAYS[m.group(1)] for m in _RELATIVE_DAY.finditer(text.replace("-", " "))}
        back |= {int(n) if n.isdigit() else _SMALL_COUNTS[n] for m in _DAYS_AGO.finditer(text) for n in [m.group(1) or m.group(2)]}
        if len(back) == 1:
            return published_at.date() - timedelta(days=back.pop())
        if back:
            return None
    for text in texts:
        if names_a_span_of_days(text, language):
            return None   # an operation over several days: any of them may be another report's
        days = {_date_up_to(month, day, year, latest) for month, day, year in explicit_dates(text, language, dates_the_crime)}
        if len(days) == 1:
            return days.pop()   # None for a date to come: an announcement, not a report
        if days:
            return None
    return None


# The week a report places its event in when it names no day: a weekly round-up's 'cette semaine',
# 'earlier this week', 'la semana pasada' (folded), in weeks back from publication.
RELATIVE_WEEKS = {"cette semaine": 0, "en debut de semaine": 0, "this week": 0, "esta semana": 0,
                  "a principios de semana": 0, "semaine derniere": 1, "semaine passee": 1, "last week": 1,
                  "semana pasada": 1, "pasada semana": 1}
_RELATIVE_WEEK = re.compile(r"\b(" + "|".join(sorted(map(re.escape, RELATIVE_WEEKS), key=len, reverse=True)) + r")\b")


def week_of(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())


def event_week(texts: Iterable[str], published_at: datetime, language: str | None = None) -> date | None:
    """The Monday of the week a report places its event in by 'cette semaine', 'last week', 'esta
    semana' (the first text that names one week tells), else the week a span of days starts in
    ('du 14 au 18 aout': an operation over several days began that week), else the week of the
    day it ended ('wrapped up on Friday')."""
    texts = [fold_key(text) for text in texts]
    for text in texts:
        back = {RELATIVE_WEEKS[m.group(1)] for m in _RELATIVE_WEEK.finditer(text)}
        if len(back) == 1:
            return week_of(published_at.date()) - timedelta(weeks=back.pop())
        if back:
            return None
    for text in texts if language else ():
        if start := span_start(without_dateline(text), language, published_at.date() + timedelta(days=1)):
            return week_of(start)
    for text in texts if language else ():
        ended = weekdays_named(without_dateline(text), language, published_at.date() + timedelta(days=1), last_of_a_span=True)
        if len(ended) == 1:
            return week_of(ended.pop())
    return None


def agency_keys(organization) -> list[str]:
    """An agency's names in every language the gazetteer knows, with its country: "Garde civile"
    and "Guardia Civil" are one body, France's and Morocco's interior ministries two."""
    names = [organization.acronym, organization.name, *organization.aliases]
    return sorted({f"{organization.country or 'INT'}:{fold_key(n)}" for n in names if n and fold_key(n)})


def agency_label(organization) -> str:
    """Its acronym, else its name with its country: two countries' interior ministries stay two."""
    if organization.acronym or not organization.country:
        return organization.label
    return f"{organization.name} ({organization.country})"


def on_the_sidelines(sentence: str) -> bool:
    """Whether a sentence places its event beside a larger meeting: two ministers' talks on the
    sidelines of a summit are an incident of their own, not a report of the summit."""
    return bool(ON_THE_SIDELINES.search(fold_key(sentence)))


def _written_in(person, sentence: str) -> bool:
    return any(name and name in sentence for name in [person.name, *person.mentions])


def another_events_person(person, event, events) -> bool:
    """Whether an article names a person only in the sentence of another of its events: the
    officials of a meeting are not the fugitive handed over the same day, whom the article tells
    in a sentence of its own ('le nomme M. Sofiane, extrade par les autorites francaises')."""
    others = [e.evidence for e in events if e.evidence != event.evidence and e.type != event.type]
    return not _written_in(person, event.evidence) and any(_written_in(person, sentence) for sentence in others)


def mention_of(event, article: EnrichedArticle, home: str | None = None) -> IncidentMention:
    """``home``: the outlet's country (see ``outlet_home``), the same for every event of the article."""
    lede = article.text[:600]
    credits = outlet_credits(lede)
    # a wire's credit the person model took for a name ('(Dakar Wire)') names no participant
    persons = [p for p in article.persons if not any(_names_match(p.name, credit) for credit in credits)]
    names = [p.name for p in persons] + [m for p in persons for m in p.mentions]
    # compared as participants, only the persons this event's sentence or no other event's names
    participants = [p for p in persons if not another_events_person(p, event, article.events)]
    names += [o.label for o in article.organizations] + [m for o in article.organizations for m in o.mentions]
    texts = ([] if _is_title_case(article.title) else [article.title]) + [lede] + ([event.evidence] if event.evidence not in lede else [])
    return IncidentMention(
        mention_id=event.event_id,
        article_id=article.article_id,
        type=event.type,
        countries=sorted(event.countries),
        location=event.location,
        evidence=event.evidence,
        published_at=article.published_at,
        source=article.source,
        title=article.title,
        url=article.url,
        language=article.language,
        persons=with_initialled_names([p.name for p in participants], [article.title, lede]),
        organizations=[agency_label(o) for o in article.organizations],
        agency_keys=[agency_keys(o) for o in article.organizations],
        topics=sorted({t.topic for t in article.topics}),
        anchors=anchor_terms(texts, names, event.countries, article.language),
        event_day=(day := event_day([event.evidence, lede], article.language, article.published_at)),
        event_week=None if day else event_week([event.evidence, lede], article.published_at, article.language),
        sideline=on_the_sidelines(event.evidence),
        home=home,
    )


def mentions_of(article: EnrichedArticle, words: ReportTypeModel | None = None) -> list[ArticleMentions]:
    """One message per event type, also for types the article does not report: after a
    re-enrichment, the empty ones take the article's earlier mentions out of their incidents.
    With the report-type model (``words``), also the mention the report's words tell (see
    ``inferred_mention``)."""
    by_type: dict[str, list[IncidentMention]] = {t: [] for t in EVENT_TYPES}
    home = outlet_home(article) if article.events or words else None
    for event in article.events:
        if len(set(event.countries)) > 1:   # cooperation needs two countries
            mention = mention_of(event, article, home)
            if not any(told_twice(mention, earlier) for earlier in by_type[event.type]):
                by_type[event.type].append(mention)
    inferred = inferred_mention(article, words, home) if words else None
    if inferred and not by_type[inferred.type]:
        by_type[inferred.type].append(inferred)
    for event_type, mentions in by_type.items():
        by_type[event_type] = with_side_talks_told_apart(mentions)
    return [ArticleMentions(article_id=article.article_id, type=t, mentions=by_type[t]) for t in EVENT_TYPES]


def inferred_mention(article: EnrichedArticle, words: ReportTypeModel, home: str | None) -> IncidentMention | None:
    """The event a report's words tell as a whole, between the countries it names (or the one
    it names and the outlet's own), when none of its sentences tells one the event rules read:
    the third report of a handover that says 'the fugitive landed in Madrid escorted by Interpol
    officers' joins the handover two other reports told. Its type is only the likeliest by the
    report-type model, so it joins an incident of that type whose reports it agrees with, and
    opens none (see ``place_mentions``)."""
    sides = {tag.code for tag in article.countries}
    if len(sides) == 1 and home:
        sides.add(home)
    if len(sides) < 2:
        return None
    event_type = words.judge(report_features(article.title, article.text)).type
    if event_type not in EVENT_TYPES:   # a model that knows no event type
        return None
    event = CooperationEvent(
        event_id=hashlib.sha1(f"{article.article_id}|{event_type}|inferred".encode("utf-8")).hexdigest()[:20],
        article_id=article.article_id,
        type=event_type,
        countries=sorted(sides),
        evidence=article.title.strip() or first_sentence(article.text),
        trigger=TRIGGER,
        published_at=article.published_at,
    )
    return mention_of(event, article, home).model_copy(update={"inferred": True})


def with_side_talks_told_apart(mentions: list[IncidentMention]) -> list[IncidentMention]:
    """An article that tells talks on the sidelines of a meeting tells them apart from it: what
    it tells of the type before the talks is the meeting ('a participe a la conference... En marge
    de la conference, il a eu un entretien'), what it tells after is the talks again ('La rencontre
    a permis de passer en revue...'), whatever countries each sentence shows."""
    first = next((i for i, m in enumerate(mentions) if m.sideline), None)
    if first is None:
        return mentions
    return [m.model_copy(update={"hosts_side_talks": True}) if i < first else m.model_copy(update={"sideline": True})
            for i, m in enumerate(mentions)]


def told_twice(mention: IncidentMention, earlier: IncidentMention) -> bool:
    """Whether an article's second mention of a type is its first one told again: the same
    countries, dated to the same day or not dated apart ('a reçu vendredi son homologue italien...
    les entretiens ont porté sur le retour des migrants en Italie' is one meeting, whatever
    place each sentence suggests). Two incidents there would leave a phantom one that later
    reports, agreeing with both, split between. The earlier telling, the title's or the lede's, stands."""
    return (set(mention.countries) == set(earlier.countries)
            and (mention.event_day is None or earlier.event_day is None or mention.event_day == earlier.event_day))


# ---------------------------------------------------------------- when two reports tell one event
class IncidentState(BaseModel):
    """What the stage keeps of an incident: its mentions (the summary is derived)."""

    incident_id: str
    type: EventType
    mentions: list[IncidentMention]

    @property
    def countries(self) -> list[str]:
        return sorted({c for m in self.mentions for c in m.countries})

    @property
    def first(self) -> datetime:
        return min(m.published_at for m in self.mentions)

    @property
    def last(self) -> datetime:
        return max(m.published_at for m in self.mentions)


def countries_agree(mention: Iterable[str], incident: Iterable[str]) -> bool:
    """A bilateral mention joins a multilateral incident that includes both countries, and a
    multilateral report may widen an incident first reported between two of its countries."""
    a, b = set(mention), set(incident)
    return a <= b or b <= a


def time_gap(mention: IncidentMention, state: IncidentState) -> timedelta:
    """How far the report lies from the nearest report of the incident."""
    return min(abs(mention.published_at - m.published_at) for m in state.mentions)


def within_reach(mention: IncidentMention, state: IncidentState, window: timedelta) -> bool:
    """Published within the window of the incident's reports, or dating the event to a day they
    tell of: a paper's follow-up a week later ('handed over by Spanish police last Wednesday')
    is as much a report of that Wednesday's handover as the reports of that day."""
    return time_gap(mention, state) <= window or (
        mention.event_day is not None and mention.event_day in {m.event_day for m in state.mentions})


def _majority_location(mentions: Iterable[IncidentMention]) -> str | None:
    """Where most reports place it; on a tie, where the first of them does."""
    places = [m.location for m in sorted(mentions, key=_report_order) if m.location]
    counts = Counter(places)
    return max(places, key=lambda place: (counts[place], -places.index(place))) if places else None


# A suspect named by the press with the initial of his surname ('Nabil F.', 'Sofiane K., 38 ans',
# 'José Luis M.'): given names, then one capital and a full stop, not followed by a name (a middle
# initial: 'John F. Kennedy').
_INITIALLED_NAME = re.compile(r"(?<![\w.])((?:[A-ZÀ-Ý][a-zà-ÿ]{2,}[ -]){1,2}[A-Z])\.(?!\s*[A-ZÀ-Ý][a-zà-ÿ]|\w)")


def initialled_names(texts: Iterable[str]) -> list[str]:
    """The names a report gives with the initial of the surname only: 'Nabil F.'"""
    return list(dict.fromkeys(m.group(1).strip() + "." for text in texts for m in _INITIALLED_NAME.finditer(text)))


def with_initialled_names(persons: list[str], texts: Iterable[str]) -> list[str]:
    """The persons of a report, and those it names by their initial that the person model did not see."""
    persons = list(dict.fromkeys(persons))
    return persons + [n for n in initialled_names(texts) if not any(_names_match(n, p) for p in persons)]


def _initialled(name: str) -> bool:
    """Whether a name ends in the initial of its surname: 'Nabil F.', 'Nabil F'."""
    words = fold_key(name).split()
    return len(words) >= 2 and len(words[-1]) == 1


def _initial_matches(initialled: str, full: str) -> bool:
    """'Nabil F.' and 'Nabil Ferhat': the same given names, the surname's initial."""
    *given, initial = fold_key(initialled).split()
    words = fold_key(full).split()
    return (len(initial) == 1 and len(words) > len(given) and words[:len(given)] == given
            and words[len(given)].startswith(initial))


def _names_match(a: str, b: str) -> bool:
    # "Ricardo van Dijk" and "Van Dijk", "Hélène Marchand" and "Helene Marchand"
    if fuzz.token_set_ratio(fold_key(a), fold_key(b)) >= 90:
        return True
    # the press's "Nabil F." and "Nabil Ferhat" (the person model often leaves the full stop out: "Nabil F")
    if _initialled(a) != _initialled(b):
        return _initial_matches(a, b) if _initialled(a) else _initial_matches(b, a)
    # one name transliterated twice: "Abdelouahab"/"Abdel Wahab", "Mohammed Benali"/"Mohamed Ben Ali"
    one, other = name_skeleton(a), name_skeleton(b)
    return len(one) >= 6 and one == other and len(fold_key(a).split()) >= 2 and len(fold_key(b).split()) >= 2


# Spellings a transliteration varies: digraphs for one sound, then vowels and semi-vowels
# (ou/w/u, e/i, y) and doubled letters.
_DIGRAPHS = (("dj", "j"), ("kh", "k"), ("ch", "sh"), ("sh", "s"), ("q", "k"), ("ph", "f"), ("th", "t"), ("gu", "g"))
_VOWELS = re.compile(r"[aeiouwy]")
_REPEATS = re.compile(r"(.)\1+")


def name_skeleton(name: str) -> str:
    """A person's name as transliterations of one name share it: its words run together, its
    first letter, then its consonants without repeats ('Abdel Wahab' and 'Abdelouahab' give 'abdlhb')."""
    joined = re.sub(r"[^a-z]", "", fold_key(name))
    if not joined:
        return ""
    for digraph, letter in _DIGRAPHS:
        joined = joined.replace(digraph, letter)
    return _REPEATS.sub(r"\1", joined[0] + _VOWELS.sub("", joined[1:]))


def named_among(name: str, terms: Iterable[str]) -> bool:
    """Whether every word of a person's name (two at least) is among a report's proper names:
    the person model missed the name there ('Secretary of State Javier Olmedo'), the anchors did not."""
    words = [w for w in fold_key(name).split() if len(w) >= 3]
    terms = list(terms)
    return len(words) >= 2 and all(any(_terms_match(w, t) for t in terms) for w in words)


def shared_person_count(persons: Iterable[str], anchors: Iterable[str], other_persons: Iterable[str],
                        other_anchors: Iterable[str]) -> int:
    """The persons two reports share: named by both, or named by one and found among the other's
    proper names (each person once)."""
    persons, anchors, other_persons, other_anchors = list(persons), list(anchors), list(other_persons), list(other_anchors)
    shared = [p for p in persons if any(_names_match(p, q) for q in other_persons) or named_among(p, other_anchors)]
    for q in other_persons:
        if named_among(q, anchors) and not any(_names_match(q, p) for p in shared + persons):
            shared.append(q)
    return len(shared)


def surnames_among(persons: Iterable[str], terms: Iterable[str]) -> int:
    """How many of the persons have their surname (the last word of their name, four letters at
    least) among a report's proper names ('Vidal', where the person model missed 'Martín Vidal')."""
    terms = list(terms)
    surnames = {words[-1] for p in persons if (words := fold_key(p).split()) and len(words[-1]) >= 4}
    return sum(any(_terms_match(surname, t) for t in terms) for surname in surnames)


def _terms_match(a: str, b: str) -> bool:
    if a == b:
        return True
    # Spellings of one place across languages: Tanger/Tangier, Algésiras/Algeciras; figures must be equal.
    return a[0].isalpha() and b[0].isalpha() and min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 85


# Events that last days: a course, a visit or a summit is reported when it opens and again when
# it closes, a working week later. An arrest, a handover or a signing happens at one moment.
LASTING_TYPES = frozenset({"training", "visit", "meeting"})
TALKS_TYPES = frozenset({"meeting", "visit"})


@dataclass(frozen=True)
class Agreement:
    """How far what a report says agrees with what an incident's reports said."""

    type: str
    persons: int
    organizations: int
    anchors: int
    topics: str      # shared | disjoint | unknown
    location: str    # same | differs | unknown
    persons_disjoint: bool = False   # both name persons, none in common
    day: str = "unknown"             # same | differs | unknown: the day the reports date the event to
    roles: int = 0                   # offices of one role, not matched as one body (see ``shared_roles``)
    week: str = "unknown"            # same | differs | unknown: the week, for a report that names no day
    day_gap: int = 0                 # days between the report's day and the nearest the incident's reports name
    more_countries: int = 0          # countries beyond a pair that the report and the incident both count

    def strong(self, min_agreement: float) -> bool:
        """Twice the evidence a report needs to join, named persons or agencies among it, and
        nothing against: enough to join a lasting event beyond the usual window."""
        return self.score >= 2 * min_agreement and bool(self.persons or self.organizations) and not self.contradicted

    @property
    def dated_alike(self) -> bool:
        """The report dates the event to a day the incident's reports do or, naming no day, to their week."""
        return self.day == "same" or (self.day == "unknown" and self.week == "same")

    @property
    def contradicted(self) -> bool:
        """Other named persons, another trade or agenda, or another place."""
        return self.persons_disjoint or self.topics == "disjoint" or self.location == "differs"

    @property
    def score(self) -> float:
        score = 2.0 * min(self.persons, 2) + 1.0 * min(self.organizations, 2) + 0.75 * min(self.anchors, 4)
        score += 0.5 * min(self.roles, 2)
        # Five countries around one table on one day are rarely two meetings: the more sides two
        # reports share, the less they need to share names (each national paper names its own minister).
        score += 0.5 * min(self.more_countries, 3)
        if self.persons_disjoint:
            # An extradition is of one person: two extraditions of two named persons are two
            # incidents. Elsewhere reports often name different participants of one event.
            score -= 3.0 if self.type == "extradition" else 1.0
        # An operation or an extradition is about one trade; talks have an agenda, of which each
        # outlet reports what its readers care about (border security here, terrorism there).
        score += {"shared": 0.5, "disjoint": -1.0 if self.type in TALKS_TYPES else -2.0}.get(self.topics, 0.0)
        score += {"same": 0.5, "differs": -0.5}.get(self.location, 0.0)
        # The same day is weak evidence (every report of that day shares it); another day is none
        # against: a later report often dates its own news ('praised on Wednesday', 'charged on Saturday').
        score += 0.5 if self.day == "same" else 0.0
        return score


# Organized crime is the umbrella of every trade (drugs, arms, people, laundering): a report that
# says only that does not contradict one that names the trade. Border security says where the
# work is done, not against what: one paper's border patrol is another's hunt for jihadists or
# smugglers, one coastguard course is 'border security' here and 'drugs' there.
UMBRELLA_TOPICS = frozenset({"organized_crime", "border_security"})


# Domains that one story falls under depending on the outlet's angle: a coastguard course is
# 'border security' to one paper and 'migration' to another, a cell's arrest 'terrorism' or
# 'radicalisation'. Reports in neighbouring domains neither agree nor contradict each other.
NEIGHBOURING_TOPICS = (
    frozenset({"illegal_immigration", "border_security", "human_trafficking"}),
    frozenset({"terrorism", "radicalisation"}),
)


def topics_agree(incident_topics: set[str], mention_topics: set[str]) -> str:
    """shared, disjoint or unknown: whether a report's threat domains agree with an incident's."""
    if not (incident_topics and mention_topics):
        return "unknown"
    if incident_topics & mention_topics:
        return "shared"
    if not (incident_topics - UMBRELLA_TOPICS and mention_topics - UMBRELLA_TOPICS):
        return "unknown"
    if any(incident_topics & family and mention_topics & family for family in NEIGHBOURING_TOPICS):
        return "unknown"
    return "disjoint"


def agreement(mention: IncidentMention, state: IncidentState) -> Agreement:
    persons = {p for m in state.mentions for p in m.persons}
    agencies = [keys for m in state.mentions for keys in m.agency_keys]
    anchors = {a for m in state.mentions for a in m.anchors}
    topics = {t for m in state.mentions for t in m.topics}
    location = _majority_location(state.mentions)
    shared_persons = shared_person_count(mention.persons, mention.anchors, persons, anchors)
    # no person in common: a surname one report gives as a person and another only writes is a shared name
    surnames = 0 if shared_persons else surnames_among(mention.persons, anchors) + surnames_among(persons, mention.anchors)
    return Agreement(
        type=mention.type,
        persons=shared_persons,
        persons_disjoint=bool(persons and mention.persons and not shared_persons and not surnames)
        and not each_side_names_its_own(mention, state),
        organizations=shared_agency_count(mention.agency_keys, mention.anchors, agencies, anchors),
        roles=shared_roles(mention.agency_keys, agencies, set(mention.countries) | set(state.countries)),
        more_countries=max(0, len(set(mention.countries) & set(state.countries)) - 2),
        anchors=sum(any(_terms_match(a, b) for b in anchors) for a in mention.anchors) + surnames,
        topics=topics_agree(topics, set(mention.topics)),
        location=locations_agree(location, mention.location, mention.type, set(mention.countries) | set(state.countries)),
        day=days_agree(days := {m.event_day for m in state.mentions if m.event_day}, mention.event_day),
        day_gap=min((abs((mention.event_day - day).days) for day in days), default=0) if mention.event_day else 0,
        week=weeks_agree(state.mentions, mention),
    )


def each_side_names_its_own(mention: IncidentMention, state: IncidentState) -> bool:
    """Whether the report and the incident's reports that name persons are written from the two
    ends of the event: one side's paper quotes its minister, the other's its own ('el viceministro
    de Defensa' in Bogotá, 'el ministro de Defensa Nacional' in Quito), so other persons tell no
    other event. Not for an extradition, whose person is the one handed over, whoever tells it."""
    if mention.type == "extradition" or mention.home not in mention.countries:
        return False
    homes = {m.home for m in state.mentions if m.persons}
    return bool(homes) and homes <= set(mention.countries) - {mention.home}


def locations_agree(incident_location: str | None, location: str | None, type_: str, countries: set[str]) -> str:
    """same, differs or unknown. A handover is told from both ends: the country that sent the
    fugitive ('extradé depuis Dubaï') and the one that received him ('extradited to France') are
    the two places of one extradition, not two extraditions."""
    if not (incident_location and location):
        return "unknown"
    if incident_location == location:
        return "same"
    if type_ == "extradition" and {incident_location, location} <= countries:
        return "unknown"
    return "differs"


def _anchor_words(anchors: Iterable[str]) -> set[str]:
    """A report's proper names and the words of those written as one ('dgsn dgst' of 'DGSN-DGST')."""
    anchors = list(anchors)
    return set(anchors) | {word for anchor in anchors for word in anchor.split() if len(word) >= 3}


def _named_among(keys: Iterable[str], words: set[str]) -> bool:
    return any(key.split(":", 1)[1] in words for key in keys)


def shared_agency_count(agency_keys: list[list[str]], anchors: Iterable[str], other_agency_keys: list[list[str]],
                        other_anchors: Iterable[str]) -> int:
    """The agencies two reports share: named by both (in any of the gazetteer's languages), or
    named by one and written by the other among its proper names where the tagger did not see
    it ('DGSN-DGST', 'la Chancellerie' for the French justice ministry, 'Europol-coordinated')."""
    keys_of_others = set().union(*map(set, other_agency_keys)) if other_agency_keys else set()
    own_keys = set().union(*map(set, agency_keys)) if agency_keys else set()
    other_words, words = _anchor_words(other_anchors), _anchor_words(anchors)
    shared = sum(1 for keys in agency_keys if keys_of_others.intersection(keys) or _named_among(keys, other_words))
    written = {key.split(":", 1)[1] for keys in other_agency_keys if not own_keys.intersection(keys)
               for key in keys if key.split(":", 1)[1] in words}
    return shared + len(written)


def _role_names(keys: Iterable[str], countries: set[str]) -> set[str]:
    """An agency's names without its country, if that country is one of the cooperating ones."""
    split = [key.split(":", 1) for key in keys]
    return {name for country, name in split if country in countries}


def shared_roles(agency_keys: list[list[str]], other_agency_keys: list[list[str]], countries: set[str]) -> int:
    """The agencies of a report that another report names as the same office of one side or the
    other, and not as the same body: "le ministre de l'Intérieur a reçu son homologue" told as
    the French ministry by one outlet and the Moroccan by another, a chief of staff of either
    army. Across a pair, one office is evidence the reports tell one event (the interior
    ministers' talks, not the army chiefs' that week), though weaker than one body."""
    others = [set(keys) for keys in other_agency_keys]
    other_roles = set().union(*(_role_names(keys, countries) for keys in others)) if others else set()
    return sum(
        1 for keys in agency_keys
        if not any(other & set(keys) for other in others) and _role_names(keys, countries) & other_roles
    )


def days_agree(incident_days: set[date], day: date | None) -> str:
    """same, differs or unknown: whether a report dates the event to a day the incident's reports do."""
    if not (incident_days and day):
        return "unknown"
    return "same" if day in incident_days else "differs"


def weeks_agree(mentions: Iterable[IncidentMention], mention: IncidentMention) -> str:
    """same, differs or unknown: whether a report that names only a week ('cette semaine') places
    the event in a week the incident's reports date it to, or the other way round."""
    weeks = {m.event_week or week_of(m.event_day) for m in mentions if m.event_week or m.event_day}
    week = mention.event_week or (week_of(mention.event_day) if mention.event_day else None)
    if not (weeks and week):
        return "unknown"
    return "same" if week in weeks else "differs"


def eligible(mention: IncidentMention, state: IncidentState, window: timedelta) -> bool:
    """Same type, countries that agree, dates within the window, and not another event of the
    same article (an article that reports two meetings reports two incidents)."""
    return (
        state.type == mention.type
        and countries_agree(mention.countries, state.countries)
        and not beside_each_other(mention, state)
        and within_reach(mention, state, window)
        and all(m.article_id != mention.article_id for m in state.mentions)
    )


def beside_each_other(mention: IncidentMention, state: IncidentState) -> bool:
    """Whether one is talks held on the sidelines of the other, a larger meeting: the talks do
    not join the meeting (more countries than theirs), nor does the meeting widen the talks.
    Countries in common are what a bilateral report of the meeting itself shares with it too,
    so only the reports' own words tell the two apart: 'en marge de', or an article that
    tells the talks after the meeting (``with_side_talks_told_apart``)."""
    if mention.sideline:
        return not set(state.countries) <= set(mention.countries)
    if all(m.sideline for m in state.mentions):
        return mention.hosts_side_talks or not set(mention.countries) <= set(state.countries)
    return False


def reach(settings: Settings) -> timedelta:
    """How far from a report the incidents it may join can lie: the window, or the follow-up
    window of a lasting event."""
    return timedelta(days=max(settings.incident_window_days, settings.incident_follow_up_days))


def joins(mention: IncidentMention, state: IncidentState, found: Agreement, settings: Settings) -> bool:
    """Whether what the report says agrees enough for it to join this incident at its distance:
    within the window, enough agreement; beyond it, up to the follow-up window, strong agreement
    for a lasting event, or, for any event, a report that dates it to the day the incident's
    reports do with nothing against (a weekly round-up, a paper's follow-up days later: 'samedi
    dernier', 'le 13 octobre'), or that names no day but their week ('cette semaine')."""
    if found.score < settings.incident_min_agreement or dated_apart(found):
        return False
    if time_gap(mention, state) <= timedelta(days=settings.incident_window_days):
        return True
    if mention.type in LASTING_TYPES and found.strong(settings.incident_min_agreement):
        return True
    return found.dated_alike and not found.contradicted


def dated_apart(found: Agreement) -> bool:
    """An operation, a handover or a signing happens on one day: a report that dates it two
    days or more from every day the incident's reports do tells another event (the same two
    police forces strike twice in a week, with the same bodies named). A day apart is one
    event told from two ends (a fugitive handed over one evening lands the next morning) or
    two time zones. Verbs of saying, publishing, reacting and the court's next steps are left
    out of a report's day (``event_day``), so a later day's news rarely passes for the event's."""
    return found.day == "differs" and found.day_gap >= 2 and found.type not in LASTING_TYPES


def says_little(mentions: Iterable[IncidentMention]) -> bool:
    """Reports that name no person and no proper name or figure: two reports that both do, and
    share none, tell two events."""
    return all(not (m.persons or m.anchors) for m in mentions)


def names_in_common(found: Agreement) -> bool:
    """A person, a body, an office or a proper name or figure the reports share."""
    return bool(found.persons or found.organizations or found.roles or found.anchors)


def sole_match(mention: IncidentMention, state: IncidentState, found: Agreement, settings: Settings) -> bool:
    """Whether a report that says little (a brief naming no one: 'Spanish and Portuguese police
    broke up a hashish ring'), that dates the event as the incident's reports do ('last week',
    'la semaine dernière') while naming other things of it (a wire's militants killed, a paper's
    regions), or that shares at least one name with them, if too few to join on their own (the
    port, not the persons each side's paper quotes), tells the one incident of its type between
    the same countries: reported within a day or so of it, with some evidence for it and none
    against (another day counts against here: with so little in common, it is all there is to
    tell two events apart). Two reports that each name things of their own and share none (two
    operations of one pair two days apart, one on hashish at a border post, one on cocaine in a
    port) stay apart."""
    return (
        (says_little([mention]) or says_little(state.mentions) or found.dated_alike or names_in_common(found))
        and set(mention.countries) == set(state.countries)
        and time_gap(mention, state) <= timedelta(days=settings.incident_sole_gap_days)
        and found.score >= settings.incident_sole_min_agreement
        and not found.contradicted and found.day != "differs"
    )


def best_incident(mention: IncidentMention, candidates: Iterable[IncidentState], settings: Settings) -> IncidentState | None:
    """The candidate whose reports agree most with the mention, if they agree enough; else the
    only incident the mention could be, if it is a ``sole_match``."""
    eligible_states = [state for state in candidates if eligible(mention, state, reach(settings))]
    scored = [
        (found.score, state)
        for state in eligible_states
        if joins(mention, state, found := agreement(mention, state), settings)
    ]
    if not scored:
        window = timedelta(days=settings.incident_window_days)
        near = [state for state in eligible_states if time_gap(mention, state) <= window]
        if len(near) == 1 and sole_match(mention, near[0], agreement(mention, near[0]), settings):
            return near[0]
        return None
    return max(scored, key=lambda item: (item[0], -item[1].first.timestamp(), item[1].incident_id))[1]


def incident_told_alike(mention: IncidentMention, candidates: Iterable[IncidentState],
                        settings: Settings) -> tuple[IncidentState | None, IncidentMention]:
    """The incident an ``inferred`` mention joins, and the mention as it joins it. Its countries
    are only those the report names: it joins an incident between some of them (taking that
    incident's countries, never widening it) whose reports it agrees with as any report must,
    with nothing against it (other persons, another trade, another place)."""
    scored = []
    for state in candidates:
        if not set(state.countries) <= set(mention.countries):
            continue
        placed = mention.model_copy(update={"countries": state.countries})
        if not eligible(placed, state, reach(settings)):
            continue
        found = agreement(placed, state)
        if not found.contradicted and joins(placed, state, found, settings):
            scored.append((found.score, state, placed))
    if not scored:
        return None, mention
    _, state, placed = max(scored, key=lambda item: (item[0], -item[1].first.timestamp(), item[1].incident_id))
    return state, placed


# ---------------------------------------------------------------- the stage's state
class IncidentStore:
    """The stage's state over a string mapping: a dict in tests and evaluation, the
    changelog-backed Faust table in the worker.

    incident|ID               -> IncidentState (JSON)
    article|TYPE|ARTICLE      -> ids of the incidents holding the article's mentions of TYPE
    day|TYPE|COUNTRY|DATE     -> ids of the incidents of TYPE involving COUNTRY reported
                                 between their first and last report, by day: the
                                 candidates of a new mention are found without a scan
    unindexed|TYPE            -> ids of incidents a batch may have changed in the table
                                 whose documents Elasticsearch has not acknowledged yet
                                 (the worker's; see ``streams.app``)
    waiting|TYPE|ARTICLE      -> an inferred mention that found no incident to join (JSON):
                                 an incident opened later by a report the rules read may
                                 take it (``adopt_waiting``)
    waitday|TYPE|COUNTRY|DATE -> ids of the articles waiting with a mention of TYPE naming
                                 COUNTRY, by publication day
    waitdays|TYPE             -> {DATE: [COUNTRY, ...]} of the waitday keys: the ones read
                                 (``waiting_near``), and the days past any incident's reach
                                 dropped (``wait``); written before the waitday keys it lists

    A worker killed mid-message leaves a prefix of that message's writes in the
    changelog (one partition, in order). Writes are ordered so that every prefix is
    repaired by processing the message again: an incident is indexed before it is
    written and unindexed after it is removed, so none is ever out of reach.
    """

    def __init__(self, table: MutableMapping[Any, Any]) -> None:
        self.table = table
        # What was read or written, parsed: candidates are read again and again, and an
        # incident of many reports is costly to parse. A store lives for one batch of the
        # worker (or one offline run), while nothing but itself writes the table.
        self._values: dict[str, Any] = {}
        self._states: dict[str, IncidentState | None] = {}

    def _read(self, key: str) -> Any:
        if key not in self._values:
            value = self.table.get(key)
            self._values[key] = None if value is None else json.loads(value.decode("utf-8") if isinstance(value, bytes) else value)
        return self._values[key]

    def _write(self, key: str, value: Any) -> None:
        self.table[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._values[key] = value
        self._states.pop(key, None)

    def _drop(self, key: str) -> None:
        if self._read(key) is not None:
            del self.table[key]
        self._values[key] = None
        self._states.pop(key, None)

    def incident(self, incident_id: str) -> IncidentState | None:
        key = f"incident|{incident_id}"
        if key not in self._states:
            data = self._read(key)
            self._states[key] = IncidentState.model_validate(data) if data is not None else None
        return self._states[key]

    def put(self, state: IncidentState, previous: IncidentState | None = None) -> None:
        """Write an incident over its previous version, indexed over its new span first."""
        keys = _index_keys(state)
        for key in sorted(keys):
            # Written even when unchanged: a restarted worker's local store may hold
            # writes its changelog never received, and this sends them again.
            self._write(key, sorted(set(self._read(key) or []) | {state.incident_id}))
        self._write(f"incident|{state.incident_id}", state.model_dump(mode="json"))
        self._states[f"incident|{state.incident_id}"] = state
        if previous is not None:
            self._unindex(previous.incident_id, _index_keys(previous) - keys)

    def remove(self, state: IncidentState) -> None:
        self._drop(f"incident|{state.incident_id}")
        self._unindex(state.incident_id, _index_keys(state))

    def _unindex(self, incident_id: str, keys: set[str]) -> None:
        for key in sorted(keys):
            ids = set(self._read(key) or [])
            if incident_id in ids:
                self._write(key, sorted(ids - {incident_id})) if len(ids) > 1 else self._drop(key)

    def article_incidents(self, event_type: str, article_id: str) -> list[str]:
        return self._read(f"article|{event_type}|{article_id}") or []

    def set_article_incidents(self, event_type: str, article_id: str, incident_ids: list[str]) -> None:
        if incident_ids:
            self._write(f"article|{event_type}|{article_id}", incident_ids)
        else:
            self._drop(f"article|{event_type}|{article_id}")

    def unindexed(self, event_type: str) -> list[str]:
        """Incidents of this type whose documents may not show the table's state yet."""
        return self._read(f"unindexed|{event_type}") or []

    def mark_unindexed(self, event_type: str, incident_ids: Iterable[str]) -> None:
        ids = set(self.unindexed(event_type))
        if not ids.issuperset(incident_ids):
            self._write(f"unindexed|{event_type}", sorted(ids.union(incident_ids)))

    def clear_unindexed(self, event_type: str) -> None:
        self._drop(f"unindexed|{event_type}")

    def waiting(self, event_type: str, article_id: str) -> IncidentMention | None:
        data = self._read(f"waiting|{event_type}|{article_id}")
        return IncidentMention.model_validate(data) if data is not None else None

    def wait(self, mention: IncidentMention, window: timedelta) -> None:
        """Keep an inferred mention that joined nothing, for an incident opened later; and
        drop those published so long before it that no incident within reach of them can
        still be opened, save by a report arriving days late."""
        day = mention.published_at.date().isoformat()
        days = {d: set(countries) for d, countries in (self._read(f"waitdays|{mention.type}") or {}).items()}
        horizon = (mention.published_at - 2 * window).date().isoformat()
        kept = {d: countries for d, countries in days.items() if d >= horizon}
        kept[day] = kept.get(day, set()) | set(mention.countries)
        # listed before its waitday keys are written: ``waiting_near`` reads only the days listed
        if kept != days:
            self._write(f"waitdays|{mention.type}", {d: sorted(countries) for d, countries in sorted(kept.items())})
        self._write(f"waiting|{mention.type}|{mention.article_id}", mention.model_dump(mode="json"))
        for country in mention.countries:
            key = f"waitday|{mention.type}|{country}|{day}"
            ids = set(self._read(key) or [])
            if mention.article_id not in ids:
                self._write(key, sorted(ids | {mention.article_id}))
        for old, countries in sorted(days.items()):
            if old < horizon:
                for country in sorted(countries):
                    key = f"waitday|{mention.type}|{country}|{old}"
                    for article_id in self._read(key) or []:
                        self._drop(f"waiting|{mention.type}|{article_id}")
                    self._drop(key)

    def stop_waiting(self, event_type: str, article_id: str) -> None:
        mention = self.waiting(event_type, article_id)
        if mention is None:
            return
        day = mention.published_at.date().isoformat()
        emptied = set()
        for country in mention.countries:
            key = f"waitday|{event_type}|{country}|{day}"
            ids = set(self._read(key) or []) - {article_id}
            if ids:
                self._write(key, sorted(ids))
            else:
                self._drop(key)
                emptied.add(country)
        self._drop(f"waiting|{event_type}|{article_id}")
        days = dict(self._read(f"waitdays|{event_type}") or {})
        if emptied & set(days.get(day, [])):
            days[day] = [c for c in days[day] if c not in emptied]
            if not days[day]:
                del days[day]
            self._write(f"waitdays|{event_type}", days) if days else self._drop(f"waitdays|{event_type}")

    def waiting_near(self, state: IncidentState, window: timedelta) -> list[IncidentMention]:
        """The waiting mentions of the incident's type naming its countries, published within reach of it.

        Only the days and countries ``waitdays`` lists are read: most incidents have no report
        waiting near them, and reading each day of their reach, country by country, took about
        a tenth of a worker's time in the stage."""
        start, end = (state.first - window).date().isoformat(), (state.last + window).date().isoformat()
        countries = set(state.countries)
        ids: set[str] = set()
        for day, listed in sorted((self._read(f"waitdays|{state.type}") or {}).items()):
            if start <= day <= end:
                for country in sorted(countries.intersection(listed)):
                    ids.update(self._read(f"waitday|{state.type}|{country}|{day}") or [])
        mentions = [m for m in (self.waiting(state.type, article_id) for article_id in sorted(ids)) if m is not None]
        return sorted(mentions, key=_report_order)

    def candidates(self, mention: IncidentMention, window: timedelta) -> list[IncidentState]:
        ids: set[str] = set()
        days = set(_days(mention.published_at - window, mention.published_at + window))
        if mention.event_day is not None:   # a follow-up may lie further from its event than the window
            days.update(mention.event_day + timedelta(days=n) for n in range(-window.days, window.days + 1))
        for day in sorted(days):
            for country in mention.countries:
                ids.update(self._read(f"day|{mention.type}|{country}|{day.isoformat()}") or [])
        return [state for state in map(self.incident, sorted(ids)) if state is not None]


def _index_keys(state: IncidentState) -> set[str]:
    return {f"day|{state.type}|{country}|{day.isoformat()}" for day in _days(state.first, state.last) for country in state.countries}


def _days(start: datetime, end: datetime) -> list[date]:
    return [start.date() + timedelta(days=n) for n in range((end.date() - start.date()).days + 1)]


def new_incident_id(event_type: str, mention: IncidentMention, store: IncidentStore) -> str:
    """type + the mention that opens it; the same inputs give the same id (replays update
    the same document), and an id still taken by another incident is not reused."""
    for attempt in itertools.count():
        basis = f"{event_type}|{mention.mention_id}" + (f"|{attempt}" if attempt else "")
        incident_id = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
        if store.incident(incident_id) is None:
            return incident_id
    raise AssertionError("unreachable")


def _report_order(mention: IncidentMention) -> tuple[datetime, str]:
    return mention.published_at, mention.mention_id


@dataclass
class Changes:
    """What one message changed: the incidents to write and the ids to remove from the index."""

    upserted: list[Incident] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def held_incidents(store: IncidentStore, message: ArticleMentions, window: timedelta) -> set[str]:
    """The incidents that hold the article's mentions of the message's type now."""
    held = set(store.article_incidents(message.type, message.article_id))
    for mention in message.mentions:
        if mention.type == message.type:
            # After a crash the article's mentions may sit in incidents its key does not name yet.
            held.update(s.incident_id for s in store.candidates(mention, window)
                        if any(m.article_id == message.article_id for m in s.mentions))
    return held


def place_mentions(store: IncidentStore, message: ArticleMentions, settings: Settings) -> set[str]:
    """Move an article's mentions of one type to the incidents they belong to now; returns
    the ids of the incidents it changed (some may have been removed).

    Its earlier mentions (a replay, a re-enrichment) first leave the incidents they were
    in; then each current mention joins the incident whose reports agree most with it, or
    opens one. Applying the same message twice leaves the state as once, and so does
    applying it again over any prefix of its own writes (a worker killed mid-message):
    a redelivered or replayed message never counts a report twice.
    """
    window = reach(settings)
    unique = {m.mention_id: m for m in message.mentions if m.type == message.type}
    touched: set[str] = set()
    store.stop_waiting(message.type, message.article_id)
    for incident_id in sorted(held_incidents(store, message, window)):
        state = store.incident(incident_id)
        if state is None:
            continue
        touched.add(incident_id)
        remaining = [m for m in state.mentions if m.article_id != message.article_id]
        if any(not m.inferred for m in remaining):
            store.put(state.model_copy(update={"mentions": remaining}), previous=state)
        else:
            # reports whose words alone told it do not hold an incident no sentence tells any more:
            # they wait again for one that does (waiting first: a crash half-way loses none of them)
            for inferred in remaining:
                store.wait(inferred, window)
                held = set(store.article_incidents(state.type, inferred.article_id)) - {incident_id}
                store.set_article_incidents(state.type, inferred.article_id, sorted(held))
            store.remove(state)

    placed: list[str] = []
    for mention in sorted(unique.values(), key=_report_order):
        candidates = store.candidates(mention, window)
        if mention.inferred:
            best, mention = incident_told_alike(mention, candidates, settings)
            if best is None:
                store.wait(mention, window)   # the report's words alone open no incident
                continue
            bridged = []
        else:
            best = best_incident(mention, candidates, settings)
            bridged = bridged_incidents(mention, best, candidates, settings) if best is not None else []
        if best is None:
            store.put(state := IncidentState(incident_id=new_incident_id(message.type, mention, store), type=message.type,
                                             mentions=[mention]))
        elif bridged:
            state = merge_incidents(store, [best, *bridged], mention)
            touched.update(s.incident_id for s in bridged)
        else:
            # kept in report order, so that a replay leaves the state byte for byte as it was
            store.put(state := best.model_copy(update={"mentions": sorted(best.mentions + [mention], key=_report_order)}),
                      previous=best)
        if not mention.inferred:
            state = adopt_waiting(store, state, settings)
        touched.add(state.incident_id)
        placed.append(state.incident_id)
    store.set_article_incidents(message.type, message.article_id, sorted(set(placed)))
    return touched


def adopt_waiting(store: IncidentStore, state: IncidentState, settings: Settings) -> IncidentState:
    """The incident with the waiting inferred mentions it takes: reports whose words told the
    event before any report the rules read had opened it. Each is written into the incident,
    then its article points to it, then it stops waiting: processed again after a crash
    half-way, one already in the incident only stops waiting."""
    for waiting in store.waiting_near(state, reach(settings)):
        if any(m.article_id == waiting.article_id for m in state.mentions):
            store.stop_waiting(state.type, waiting.article_id)
            continue
        joined, placed = incident_told_alike(waiting, [state], settings)
        if joined is None:
            continue
        previous, state = state, state.model_copy(update={"mentions": sorted(state.mentions + [placed], key=_report_order)})
        store.put(state, previous=previous)
        held = store.article_incidents(state.type, waiting.article_id)
        store.set_article_incidents(state.type, waiting.article_id, sorted(set(held) | {state.incident_id}))
        store.stop_waiting(state.type, waiting.article_id)
    return state


def bridged_incidents(mention: IncidentMention, best: IncidentState, candidates: Iterable[IncidentState],
                      settings: Settings) -> list[IncidentState]:
    """The other incidents a multilateral report joins as well as ``best``: an action day told
    first by two bilateral reports (FR-DE, BE-NL), then by Europol's naming all four countries,
    is one operation. Each must lie among the report's countries and agree with it on its own."""
    if len(set(mention.countries)) < 3:
        return []
    return [
        state for state in candidates
        if state.incident_id != best.incident_id and set(state.countries) <= set(mention.countries)
        and eligible(mention, state, reach(settings)) and joins(mention, state, agreement(mention, state), settings)
    ]


def merge_incidents(store: IncidentStore, states: list[IncidentState], mention: IncidentMention) -> IncidentState:
    """One incident of several and the report that joins them. The one kept is the one the
    earliest report opened, whichever of them the report joined first: processed again after a
    crash half-way (the kept one written, the others not yet removed), the same one is kept.
    It is written first, then the articles of the others point to it, then the others go: no
    report is ever out of reach."""
    # the documents of the ones removed must go too, even if the worker dies before they do
    store.mark_unindexed(mention.type, [state.incident_id for state in states])
    mentions = {m.mention_id: m for state in states for m in state.mentions}
    mentions[mention.mention_id] = mention
    ordered = sorted(mentions.values(), key=_report_order)
    earliest = ordered[0]
    opened = hashlib.sha1(f"{mention.type}|{earliest.mention_id}".encode("utf-8")).hexdigest()[:20]
    holders = [s for s in states if any(m.mention_id == earliest.mention_id for m in s.mentions)] or states
    kept = next((s for s in holders if s.incident_id == opened), min(holders, key=lambda s: s.incident_id))
    merged = kept.model_copy(update={"mentions": ordered})
    store.put(merged, previous=kept)
    for state in states:
        if state.incident_id == kept.incident_id:
            continue
        for article_id in sorted({m.article_id for m in state.mentions}):
            held = set(store.article_incidents(state.type, article_id)) - {state.incident_id}
            store.set_article_incidents(state.type, article_id, sorted(held | {kept.incident_id}))
        store.remove(state)
    return merged


def changes_for(store: IncidentStore, incident_ids: Iterable[str]) -> Changes:
    """The documents of these incidents as the store holds them now: written, or removed when gone."""
    changes = Changes()
    for incident_id in sorted(set(incident_ids)):
        state = store.incident(incident_id)
        if state is None:
            changes.deleted.append(incident_id)
        else:
            changes.upserted.append(summarise(state))
    return changes


def apply_mentions(store: IncidentStore, message: ArticleMentions, settings: Settings) -> Changes:
    """One message applied to the store (``place_mentions``), and the documents it changed."""
    return changes_for(store, place_mentions(store, message, settings))


# ---------------------------------------------------------------- the incident an analyst reads
def _agencies(mentions: list[IncidentMention]) -> list[str]:
    """The agencies of all reports, each once across languages ("Garde civile" and "Guardia
    Civil" share their names), most-named first, under the label most reports use."""
    groups: list[tuple[set[str], list[str]]] = []
    for mention in mentions:
        for label, keys in zip(mention.organizations, mention.agency_keys):
            group = next((g for g in groups if g[0] & set(keys)), None)
            if group is None:
                groups.append((set(keys), [label]))
            else:
                group[0].update(keys)
                group[1].append(label)
    labelled = [(Counter(labels).most_common(1)[0][0], len(labels)) for _, labels in groups]
    return [label for label, _ in sorted(labelled, key=lambda item: (-item[1], item[0]))]


def _by_frequency(values: Iterable[str]) -> list[str]:
    counts = Counter(values)
    return sorted(counts, key=lambda v: (-counts[v], v))


def best_evidence(state: IncidentState, limit: int = 3) -> list[str]:
    """The sentences that name most of what the incident's reports agree on, near-duplicates
    left out, so an analyst reads the event in two or three lines."""
    common = Counter(
        term for m in state.mentions for term in {fold_key(x) for x in m.persons + m.organizations} | set(m.anchors)
    )
    shared = {term for term, count in common.items() if count > 1} or set(common)

    def weight(mention: IncidentMention) -> tuple[bool, int, datetime]:
        folded = fold_key(mention.evidence)
        # an inferred mention's evidence is its title, which tells the event less than a sentence that does
        return mention.inferred, -sum(1 for term in shared if term in folded), mention.published_at

    chosen: list[str] = []
    for mention in sorted(state.mentions, key=weight):
        if not any(fuzz.token_set_ratio(fold_key(mention.evidence), fold_key(c)) >= 90 for c in chosen):
            chosen.append(mention.evidence)
        if len(chosen) == limit:
            break
    return chosen


def summarise(state: IncidentState) -> Incident:
    mentions = sorted(state.mentions, key=_report_order)
    articles = list(dict.fromkeys(m.article_id for m in mentions))
    first_of_article = {a: next(m for m in mentions if m.article_id == a) for a in articles}
    countries = state.countries
    sources = sorted({m.source or (m.url.split("/")[2] if m.url and "//" in m.url else "unknown") for m in mentions})
    return Incident(
        incident_id=state.incident_id,
        type=state.type,
        countries=countries,
        country_pairs=[f"{a}-{b}" for a, b in itertools.combinations(countries, 2)],
        location=_majority_location(mentions),
        first_reported_at=mentions[0].published_at,
        last_reported_at=mentions[-1].published_at,
        article_count=len(articles),
        source_count=len(sources),
        sources=sources,
        article_ids=articles,
        titles=[first_of_article[a].title for a in articles],
        urls=[first_of_article[a].url for a in articles if first_of_article[a].url],
        languages=sorted({m.language for m in mentions}),
        persons=_by_frequency(p for m in mentions for p in m.persons),
        organizations=_agencies(mentions),
        topics=_by_frequency(t for m in mentions for t in m.topics),
        evidence=best_evidence(state),
        mention_ids=[m.mention_id for m in mentions],
    )


# ---------------------------------------------------------------- the coop-incidents index
def incident_document(incident: Incident, *, indexed_at: datetime) -> dict[str, Any]:
    document = incident.model_dump(mode="json")
    document["@timestamp"] = document["first_reported_at"]
    document["indexed_at"] = indexed_at.isoformat()
    return document


def incident_actions(changes: Changes, settings: Settings, *, indexed_at: datetime) -> list[dict[str, Any]]:
    """Bulk actions: each changed incident overwrites its document (ids are the incidents'),
    an incident whose last report left is removed."""
    actions: list[dict[str, Any]] = [
        {"_op_type": "index", "_index": settings.incidents_alias, "_id": incident.incident_id,
         "_source": incident_document(incident, indexed_at=indexed_at)}
        for incident in changes.upserted
    ]
    actions += [{"_op_type": "delete", "_index": settings.incidents_alias, "_id": incident_id} for incident_id in changes.deleted]
    return actions


# ---------------------------------------------------------------- offline consolidation
def consolidate(articles: Iterable[EnrichedArticle], settings: Settings,
                words: ReportTypeModel | None = None) -> tuple[IncidentStore, dict[str, str]]:
    """The stage run over articles in the order given, on an in-memory store, as the worker
    would run it over a feed. Returns the store and, per mention id, its incident id."""
    store = IncidentStore({})
    for article in articles:
        for message in mentions_of(article, words):
            apply_mentions(store, message, settings)
    placement = {}
    for key, value in store.table.items():
        if key.startswith("incident|"):
            state = IncidentState.model_validate_json(value)
            placement.update({m.mention_id: state.incident_id for m in state.mentions})
    return store, placement
