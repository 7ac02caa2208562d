"""What kind of cooperation a whole report tells, when no sentence of it says so in words the
event rules know.

The event rules (events.py) read one sentence at a time and need a trigger and two countries
in it; a report that tells a joint operation in its own words ('les deux armées ont ratissé la
zone frontalière') yields no event, and its incident loses the report. This resolver is the
fallback for such a report: a naive Bayes model of the report's common words (its title and
lede, names masked) says which of the event types, or none, the report is about, and the two
countries that act in it (or the one it names and the outlet's own) become its parties.

The model is a table of word counts per type (``schemas/gazetteer/report_types.json``) that
``coopwatch train-report-types`` builds from gold sets: readable, diffable, reproducible, and
scored with a sum of logarithms, so it needs no learning library at run time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from schemas.articles import CooperationEvent
from streams.enrichment.context import ArticleContext
from streams.enrichment.event_model import EVENT_TYPES
from streams.enrichment.outlets import report_home
from streams.enrichment.text import GAZETTEER_DIR, fold, split_sentences

MODEL_FILE = GAZETTEER_DIR / "report_types.json"
NO_EVENT = "none"
LEDE_CHARS = 400          # the body read: what a report tells first (measured best among 250..all)
SMOOTHING = 0.1           # additive smoothing of the counts (measured best among 0.03..1)
MIN_COUNT = 2             # a word seen once in training says nothing reliable and bloats the file
# How much likelier (natural log of the odds) the best type must be than no event before a
# report's words alone make an event: set by cross-validation on the development sets and the
# negatives; at 10 twice as many reports of two countries' quarrels got an event, for no more found.
MIN_ODDS_OVER_NONE = 20.0
# The same for an article none of the security lexicons recognise ('le trafic de bois', 'stolen
# cars'): where the event rules make nothing at all, only a report that is overwhelmingly one
# type counts; cross-validated, this found two more incidents and made nothing on the negatives.
MIN_ODDS_OUTSIDE_SECURITY = 40.0
TRIGGER = "(the report as a whole)"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"(?:^|[.!?:\n«\"“(]\s*)$")


def _words(text: str) -> list[str]:
    """The folded words of ``text``, each capitalised word inside a sentence (a name) written
    as '#': which persons and countries a report names says nothing of what they did, and a
    model that learnt them would only recall its training set."""
    words = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isupper() and not _SENTENCE_END.search(text[max(0, match.start() - 3):match.start()]):
            words.append("#")
        elif len(word) >= 3:
            words.append(fold(word))
    return words


def _title_case(title: str) -> bool:
    """An English-style headline capitalises every word; its capitals say nothing of names."""
    words = [w for w in _WORD.findall(title) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > len(words) * 0.6


def report_features(title: str, body: str) -> set[str]:
    """The words and word pairs of the title and lede, title words also marked as such."""
    title_words = [w for w in _words(title) if w != "#"] if not _title_case(title) else [
        fold(w) for w in _WORD.findall(title) if len(w) >= 3]
    words = title_words + _words(body[:LEDE_CHARS])
    features = set(words) | {f"{a}_{b}" for a, b in zip(words, words[1:])} | {f"T:{w}" for w in title_words}
    features.discard("#")
    return features


@dataclass(frozen=True)
class Verdict:
    type: str           # the likeliest event type
    over_none: float    # log odds of that type against no event at all

    def makes_an_event(self, *, security_news: bool) -> bool:
        return self.over_none >= (MIN_ODDS_OVER_NONE if security_news else MIN_ODDS_OUTSIDE_SECURITY)


@dataclass(frozen=True)
class Example:
    features: frozenset[str]
    labels: tuple[str, ...]     # the event types the report tells, or (NO_EVENT,)


def examples_from_gold(line: dict, text: str) -> Example:
    """A training example from a gold line of an incident set (``gold.incidents``) or of an
    enrichment set (``gold.events``); ``text`` is its normalised body."""
    gold = line.get("gold") or {}
    told = gold.get("incidents") if "incidents" in gold else gold.get("events") or []
    labels = tuple(sorted({item["type"] for item in told if item.get("type") in EVENT_TYPES})) or (NO_EVENT,)
    return Example(frozenset(report_features(str(line["raw"].get("title") or ""), text)), labels)


def train(examples: Iterable[Example]) -> dict:
    """The model file's content: per type, how many reports and how often each word occurs."""
    documents: Counter = Counter()
    counts: dict[str, Counter] = defaultdict(Counter)
    for example in examples:
        for label in example.labels:
            documents[label] += 1
            counts[label].update(example.features)
    seen = Counter()
    for by_word in counts.values():
        seen.update(by_word)
    kept = sorted(word for word, n in seen.items() if n >= MIN_COUNT)
    labels = sorted(documents)
    return {
        "labels": labels,
        "documents": [documents[label] for label in labels],
        "smoothing": SMOOTHING,
        "counts": {word: [counts[label][word] for label in labels] for word in kept},
    }


class ReportTypeModel:
    def __init__(self, table: dict) -> None:
        self.labels: list[str] = table["labels"]
        smoothing = table["smoothing"]
        totals = [0] * len(self.labels)
        for row in table["counts"].values():
            for index, n in enumerate(row):
                totals[index] += n
        vocabulary = len(table["counts"])
        documents = sum(table["documents"])
        self.priors = [math.log(n / documents) for n in table["documents"]]
        self.log_odds = {
            word: [math.log((n + smoothing) / (totals[i] + smoothing * vocabulary)) for i, n in enumerate(row)]
            for word, row in table["counts"].items()
        }
        self.version = hashlib.sha1(json.dumps(table, sort_keys=True).encode("utf-8")).hexdigest()[:10]

    @classmethod
    def load(cls) -> ReportTypeModel:
        with open(MODEL_FILE, encoding="utf-8") as handle:
            return cls(json.load(handle))

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        totals = list(self.priors)
        for feature in features:
            row = self.log_odds.get(feature)
            if row:
                for index, value in enumerate(row):
                    totals[index] += value
        return dict(zip(self.labels, totals))

    def judge(self, features: Iterable[str]) -> Verdict:
        """The likeliest event type, and how much likelier it is than no event."""
        scores = self.scores(features)
        none = scores.pop(NO_EVENT, -math.inf)
        if not scores:   # a model that knows no event type
            return Verdict(NO_EVENT, -math.inf)
        best = max(scores, key=scores.__getitem__)
        return Verdict(best, scores[best] - none)


def first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0].text if sentences else text[:200]


class ReportTypeResolver:
    def __init__(self, model: ReportTypeModel, security_relevant: Callable[[ArticleContext], bool],
                 acting_countries: Callable[[ArticleContext], set[str]]) -> None:
        self.model = model
        self.security_relevant = security_relevant
        self.acting_countries = acting_countries

    def parties(self, context: ArticleContext) -> list[str]:
        """The two countries a report without an event is about: the only two it tags, when both
        act in it; or the only one it tags and the outlet's own country, which a paper need not
        name ('les gendarmes vaudois', in a paper of Annemasse). Three or more leave open which
        two cooperated, and a country named only as a place, the origin of drugs or the
        nationality of persons arrested is no side ('la Guardia Civil ... hachis desde Marruecos')."""
        named = {tag.code for tag in context.country_tags}
        if not named or not named <= self.acting_countries(context):
            return []
        home = report_home(context) if len(named) == 1 else None
        sides = named | {home} if home else named
        return sorted(sides) if len(sides) == 2 else []

    def resolve(self, context: ArticleContext) -> None:
        """Reads events, country_tags, the title and the lede (and the sentence views of the
        event rules). Adds one event when the rules found none between two countries, the
        article's two sides are known (see ``parties``), and its words make one event type far
        likelier than none (farther still outside security news)."""
        if any(len(set(event.countries)) > 1 for event in context.events):
            return
        if len(context.country_tags) not in (1, 2):
            return
        article = context.article
        # the words first: most reports fall short of the odds, and reading the sides costs
        # the event rules' sentence views once more
        verdict = self.model.judge(report_features(article.title, article.text))
        if verdict.over_none < MIN_ODDS_OVER_NONE:
            return
        if not verdict.makes_an_event(security_news=self.security_relevant(context)):
            return
        countries = self.parties(context)
        if not countries:
            return
        label = verdict.type
        basis = f"{article.article_id}|{label}|{'-'.join(countries)}||report"
        context.events.append(CooperationEvent(
            event_id=hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20],
            article_id=article.article_id,
            type=label,
            countries=countries,
            evidence=article.title.strip() or first_sentence(article.text),
            trigger=TRIGGER,
            published_at=article.published_at,
        ))
