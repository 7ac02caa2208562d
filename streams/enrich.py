"""The enrich stage: persons, organisations, countries, threat topics and cooperation
events for a normalised article. Pure with respect to its inputs; the gazetteers and
lexicons are loaded once at init, spaCy pipelines lazily once per language."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

from schemas.articles import (
    CooperationEvent,
    CountryTag,
    EnrichedArticle,
    NormalisedArticle,
    Organization,
    Person,
    TopicTag,
)
from streams.enrichment.countries import CAPITAL, CITY, DEMONYM, NAME, PREFIX, CountryLexicon, CountryMention
from streams.enrichment.events import Actor, EventExtractor, EventLexicon, SentenceView
from streams.enrichment.institutions import (
    COURT_OF_PLACE,
    acronym_after,
    capitalise,
    clean_institution,
    extend_name,
    looks_like_institution,
    strip_qualifier,
)
from streams.enrichment.organizations import AgencyGazetteer, MinistryFinder, OrgMention
from streams.enrichment.persons import PersonCandidate, honorific_mentions, resolve_persons
from streams.enrichment.text import Sentence, bounded_prefix, fold, fold_key, mask, split_sentences
from streams.enrichment.topics import TopicLexicon
from streams.settings import Settings

SECURITY_KINDS = {"police", "intelligence", "justice", "military", "customs"}
SECURITY_PORTFOLIOS = {"interior", "justice", "defence", "foreign", "migration"}
INTERNATIONAL_SECURITY = {"int-europol", "int-interpol", "int-eurojust", "int-frontex", "int-afripol", "int-unodc", "int-maocn", "int-ameripol"}
_QUALIFIER_GAP = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?(?:(?:du|de la|de l'|de l’|de|d'|d’|des|of the|of)\s+)?")
_POSSESSIVE_END = re.compile(r"['’]s?\s+$")
_COUNTERPART = re.compile(r"\b(?:son|sa|ses|leurs?|his|her|their|su|sus)\s+(?:(?P<adj1>\w+)\s+)?(?:homologues?|counterparts?|hom[oó]log[oa]s?)(?:\s+(?P<adj2>\w+))?", re.IGNORECASE)
_PLURAL_CUE = re.compile(r"(?:deux|two|both|trois|three|leurs|their|respectifs|respective|the two countries['’]?|des deux pays)\W+(?:\w+\W+){0,3}$", re.IGNORECASE)
_DATELINE = re.compile(r"^\s*([A-ZÉ][A-Za-zÀ-ÿ'’ .-]{1,40}?)(?:,[^\n–—-]{0,40})?\s*(?:\([^)]{1,20}\))?\s*(?:\.?[–—-]|\.-)")


_DATELINE_COLON = re.compile(r"^\s*([A-ZÉ][A-ZÉ'’ .-]{1,30}[A-ZÉ])\s*:\s")   # 'DOHA: ...'
_PIPELINES: dict[str, object] = {}   # process-wide: one loaded pipeline per model name


@dataclass
class _Analysis:
    text: str
    folded: str
    sentences: list[Sentence]
    entities: list[tuple[int, int, str]]          # PER / ORG entities from the model
    doc: object | None


def _newline_boundaries(doc):
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


def _extend_person(doc, entity) -> tuple[int, int, str]:
    """(start, end, label) of an entity; a person's span runs on over the capitalised words that follow it.

    A pipeline reading a language it was not trained on often stops a name early
    ("Rui" of "Rui Tavares Lopes"); the words that follow a name with a capital
    and no entity of their own are the rest of it.
    """
    end = entity.end
    if entity.label_ in ("PER", "PERSON"):
        while (
            end < len(doc) and end - entity.start < 4 and doc[end].is_alpha and doc[end].is_title
            and not doc[end].ent_type_ and doc[end - 1].whitespace_ == " "
        ):
            end += 1
    return doc[entity.start].idx, doc[end - 1].idx + len(doc[end - 1].text), entity.label_


_PARTNER = re.compile(r"(?:^|\W)(?:with|avec|con|aupres de|along with|alongside)\s+(?:(?:the|la|le|les|el|los|las|l')\s*)?(?:(?:authorities|autorites|autoridades)\s+(?:of|de|d')\s*)?$")


def is_partner(folded: str, start: int) -> bool:
    """'cooperation with Rabat', 'avec les autorités de Tunis': the partner, not the home country."""
    return bool(_PARTNER.search(folded[max(0, start - 40):start]))


_SEAT = re.compile(r"^\s*(?:,\s*)?(?:in|at|of|en|a|à|de|du|d'|di)\s+(?:(?:the|la|le|l')\s*)?$")


def seat_or_preceding_country(start: int, end: int, country_mentions, folded: str, weights) -> str | None:
    """The country of an unqualified national body: its seat written right after it ('... Court in
    Lagos', '... de Sfax'), else the nearest country named before it (within 600 characters,
    the text so far being about that country), else the article's main country."""
    for country in country_mentions:
        if 0 <= country.start - end <= 12 and country.kind != PREFIX and _SEAT.match(folded[end:country.start]):
            return country.code
    before = [c for c in country_mentions if c.end <= start and start - c.end < 600 and c.kind != PREFIX]
    if before:
        return before[-1].code
    return weights.most_common(1)[0][0] if weights else None


def merge_generic(organizations: list[Organization]) -> list[Organization]:
    """One body named twice, once by a generic entry ('Federal Police', DE) and once by its own
    ('German Federal Police', DE): the generic one folds into the specific one."""
    kept: list[Organization] = []
    for org in organizations:
        names = {fold_key(n) for n in [org.name, *org.aliases]}
        target = next(
            (k for k in kept if k.country == org.country and org.country and
             any(fold_key(org.name) in fold_key(n) or fold_key(n) in names for n in [k.name, *k.aliases])),
            None,
        ) if org.kind != "ministry" else None
        if target is None:
            kept.append(org)
            continue
        for alias in [org.name, *org.aliases]:
            if alias != target.name and alias not in target.aliases:
                target.aliases.append(alias)
        target.acronym = target.acronym or org.acronym
        target.mentions.extend(m for m in org.mentions if m not in target.mentions)
    return kept


class Enricher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.countries = CountryLexicon()
        self.agencies = AgencyGazetteer()
        self.ministries = MinistryFinder()
        self.topics = TopicLexicon()
        self.event_lexicon = EventLexicon()
        self.events = EventExtractor(self.event_lexicon)
        self.models = {"fr": settings.spacy_model_fr, "en": settings.spacy_model_en}
        # No Spanish, Italian or Portuguese pipeline for spaCy 3.8 is on PyPI; the French
        # one finds their person names well enough (shared capitalisation and name shapes).
        for language in settings.romance_languages_via_french:
            self.models.setdefault(language, settings.spacy_model_fr)
        self._nlp: dict[str, object] = {}
        self.version = (
            f"agencies:{self.agencies.version};countries:{self.countries.version};"
            f"ministries:{self.ministries.version};topics:{self.topics.version};events:{self.event_lexicon.version}"
        )

    # ------------------------------------------------------------ pipelines
    def pipeline(self, language: str):
        """The spaCy pipeline for ``language`` (loaded once), or None when there is none."""
        name = self.models.get(language)
        if not name:
            return None
        if language not in self._nlp:
            if name not in _PIPELINES:
                import spacy
                from spacy.language import Language

                if not Language.has_factory("coopwatch_newlines"):
                    Language.component("coopwatch_newlines")(_newline_boundaries)
                nlp = spacy.load(name, exclude=["lemmatizer"])
                nlp.add_pipe("coopwatch_newlines", before="parser")
                _PIPELINES[name] = nlp
            self._nlp[language] = _PIPELINES[name]
        return self._nlp[language]

    def article_text(self, article: NormalisedArticle) -> str:
        """Title and body as the enrichment reads them: a bounded prefix, so that one huge article
        neither holds its partition for long nor grows the worker (its whole body is still indexed)."""
        return bounded_prefix(f"{article.title.strip()}\n\n{article.text}", self.settings.nlp_max_chars)

    def enrich(self, article: NormalisedArticle, *, now: datetime | None = None) -> EnrichedArticle:
        text = self.article_text(article)
        nlp = self.pipeline(article.language)
        doc = nlp(text) if nlp is not None else None
        return self._enrich(article, self._analyse(text, doc), now)

    def enrich_many(self, articles: Sequence[NormalisedArticle]) -> list[EnrichedArticle]:
        results: list[EnrichedArticle | None] = [None] * len(articles)
        by_language: dict[str, list[int]] = {}
        for index, article in enumerate(articles):
            by_language.setdefault(article.language, []).append(index)
        now = datetime.now(timezone.utc)
        for language, indices in by_language.items():
            texts = [self.article_text(articles[i]) for i in indices]
            nlp = self.pipeline(language)
            docs = nlp.pipe(texts, batch_size=32) if nlp is not None else [None] * len(texts)
            for index, text, doc in zip(indices, texts, docs):
                results[index] = self._enrich(articles[index], self._analyse(text, doc), now)
        return [r for r in results if r is not None]

    # ------------------------------------------------------------ analysis
    @staticmethod
    def _analyse(text: str, doc) -> _Analysis:
        sentences = split_sentences(text)
        entities = [_extend_person(doc, e) for e in doc.ents] if doc is not None else []
        return _Analysis(text, fold(text), sentences, entities, doc)

    def _enrich(self, article: NormalisedArticle, analysis: _Analysis, now: datetime | None) -> EnrichedArticle:
        text, folded = analysis.text, analysis.folded
        language = article.language
        country_mentions = self.countries.find(text, folded)
        org_mentions = self.agencies.find(text, folded)
        ministry_mentions = [
            m for m in self.ministries.find(text)
            if not any(o.start < m.end and m.start < o.end for o in org_mentions)
        ]
        org_spans = [(m.start, m.end) for m in org_mentions + ministry_mentions]

        # ---------------------------------------------------------- persons
        candidates = [PersonCandidate(text[s:e], s, e) for s, e, label in analysis.entities if label in ("PER", "PERSON")]
        candidates += honorific_mentions(text)
        # A "name" that starts with a country name is a tagging slip ("Libia y Túnez"); one that
        # ends with it may be a surname ("Mark Jordan").
        country_name_spans = [(m.start, m.end) for m in country_mentions if m.kind == NAME]
        candidates = [
            c for c in candidates
            if not any(s <= c.start < e or s < c.end <= e for s, e in org_spans)
            and not any(s <= c.start < e for s, e in country_name_spans)
        ]
        whole = {fold(m.text) for m in country_mentions if m.kind in (NAME, CAPITAL, DEMONYM)}
        whole |= {fold(m.text) for m in org_mentions}
        tokens = {fold(w) for m in org_mentions for w in m.text.split() if m.acronym}
        persons = resolve_persons(candidates, tokens - {""}, whole - {""})
        person_tokens = {fold(token) for p in persons for token in p.name.split()}
        person_spans = [span for p in persons for span in p.spans]
        country_mentions = [
            m for m in country_mentions
            if not any(s <= m.start < e for s, e in person_spans)
            and not (m.kind in (NAME, CAPITAL) and fold(m.text) in person_tokens)
        ]

        sentence_of = self._sentence_index(analysis.sentences)
        weights = self._country_weights(country_mentions, org_mentions, len(article.title))

        # ---------------------------------------------------------- organisations
        resolved = self._resolve_agencies(org_mentions, country_mentions, text, folded, weights)
        resolved += self._resolve_ministries(ministry_mentions, country_mentions, resolved, text, analysis, sentence_of, weights)
        resolved += self._institutions(analysis, resolved, country_mentions, person_spans, weights)
        resolved.sort(key=lambda m: m.start)
        organizations = merge_generic(self._organizations(resolved, language, self._qualifier_words(country_mentions) | self.countries.demonym_forms))

        # ---------------------------------------------------------- countries
        evidence: dict[str, list[str]] = {}
        for mention in country_mentions:
            evidence.setdefault(mention.code, [])
            if mention.text not in evidence[mention.code]:
                evidence[mention.code].append(mention.text)
        for mention in resolved:
            if mention.country:
                evidence.setdefault(mention.country, [])
                if mention.text not in evidence[mention.country]:
                    evidence[mention.country].append(mention.text)
        country_tags = [
            CountryTag(code=code, name=self.countries.name(code), evidence=terms[:10], source="lexicon")
            for code, terms in sorted(evidence.items())
        ]

        # ---------------------------------------------------------- topics
        masked = mask(folded, [(m.start, m.end) for m in resolved])
        topics = [
            TopicTag(topic=topic, terms=terms[:10], source="lexicon")
            for topic, terms in self.topics.find(masked).items()
        ]

        # ---------------------------------------------------------- events
        events: list[CooperationEvent] = []
        if self._security_relevant(resolved, topics):
            events = self._events(article, analysis, country_mentions, resolved, persons, weights)

        return EnrichedArticle(
            **article.model_dump(),
            persons=[Person(name=p.name, mentions=list(dict.fromkeys(p.mentions)), source="model") for p in persons],
            organizations=organizations,
            countries=country_tags,
            topics=topics,
            events=events,
            enriched_at=now or datetime.now(timezone.utc),
            enricher_version=self.version,
        )

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _sentence_index(sentences: list[Sentence]):
        def find(position: int) -> Sentence | None:
            for sentence in sentences:
                if sentence.start <= position < sentence.end:
                    return sentence
            return None

        return find

    @staticmethod
    def _country_weights(country_mentions: list[CountryMention], org_mentions: list[OrgMention], title_length: int) -> Counter:
        weights: Counter = Counter()
        for mention in country_mentions:
            weight = 1.0 if mention.kind in (NAME, CAPITAL, DEMONYM, PREFIX) else 0.5
            weights[mention.code] += weight * (2 if mention.start < title_length else 1)
        return weights

    def _qualifier(self, mention: OrgMention, country_mentions: list[CountryMention], text: str) -> str | None:
        """A country written right after ('Garde nationale tunisienne', 'DGSN de Mauritanie',
        '(DGPN) du Sénégal'), inside ('ministère espagnol de l'Intérieur') or right before
        ('Spain's', 'Tunisian National Guard') the mention."""
        gap = _QUALIFIER_GAP.match(text[mention.end:mention.end + 40])
        position = mention.end + (gap.end() if gap else 0)
        direct = mention.end + len(text[mention.end:]) - len(text[mention.end:].lstrip())
        for country in country_mentions:
            if country.kind in (CAPITAL, CITY, PREFIX):
                continue
            if country.start == position and (country.kind == NAME or country.start == direct or text[mention.end:country.start].strip().startswith("(")):
                return country.code
            if country.kind == DEMONYM and country.start == direct:
                return country.code
            if mention.start <= country.start and country.end <= mention.end and country.kind == DEMONYM:
                return country.code
            if country.end <= mention.start and mention.start - country.end <= 4:
                between = text[country.end:mention.start]
                if country.kind == NAME and _POSSESSIVE_END.match(between):
                    return country.code
                if country.kind == DEMONYM and between.strip() == "" and country.text[:1].isupper():
                    return country.code
        return None

    def _resolve_agencies(self, mentions, country_mentions, text, folded, weights) -> list[OrgMention]:
        present_names = {m.key for m in mentions if not m.acronym and not m.extra_names}
        resolved: list[OrgMention] = []
        for index, mention in enumerate(mentions):
            options = [mention.key] + mention.extra_names
            if len(options) > 1:
                named = [o for o in options if o in present_names]
                qualified = [o for o in options if self.agencies.agencies[o].country == self._qualifier(mention, country_mentions, text)]
                if qualified:
                    mention.key = qualified[0]
                elif len(named) == 1:
                    mention.key = named[0]
                else:
                    specific = [o for o in options if not self.agencies.agencies[o].generic]
                    by_weight = sorted(specific or options, key=lambda o: -weights.get(self.agencies.agencies[o].country or "", 0))
                    mention.key = by_weight[0]
            if not mention.acronym:
                present_names.add(mention.key)
            agency = self.agencies.agencies[mention.key]
            # "Direction générale ... (DGPN) du Sénégal": the acronym right after a name is the same mention
            previous = resolved[-1] if resolved else None
            qualifier = self._qualifier(mention, country_mentions, text)
            if qualifier and previous and previous.key == mention.key and previous.country_source != "qualifier" and mention.start - previous.end <= 3:
                previous.country, previous.country_source = qualifier, "qualifier"
            if agency.weak and mention.acronym and mention.key not in present_names and not qualifier:
                if not agency.country or weights.get(agency.country, 0) == 0:
                    continue
            if previous and previous.key == mention.key and mention.acronym and 0 <= mention.start - previous.end <= 3:
                mention.country, mention.country_source = previous.country, previous.country_source
            elif qualifier and agency.country is not None or (qualifier and agency.generic):
                mention.country, mention.country_source = qualifier, "qualifier"
            elif agency.country is not None:
                mention.country, mention.country_source = agency.country, "default"
            elif agency.generic:
                mention.country, mention.country_source = self._context_country(mention, country_mentions, folded, weights), "context"
            else:
                mention.country, mention.country_source = None, "default"
            resolved.append(mention)
        return resolved

    def _context_country(self, mention: OrgMention, country_mentions, folded: str, weights) -> str | None:
        sentence_start = max(folded.rfind(". ", 0, mention.start), folded.rfind("\n", 0, mention.start)) + 1
        sentence_end_candidates = [i for i in (folded.find(". ", mention.end), folded.find("\n", mention.end)) if i != -1]
        sentence_end = min(sentence_end_candidates) if sentence_end_candidates else len(folded)
        country_mentions = sorted(country_mentions, key=lambda c: c.start)
        in_sentence = [c for c in country_mentions if sentence_start <= c.start < sentence_end and c.kind != PREFIX
                       and not is_partner(folded, c.start)]
        locative = [c for c in in_sentence if EventExtractor.place_flags(folded, sentence_start, c.start)[0]]
        if locative:
            return locative[0].code
        if in_sentence:
            return min(in_sentence, key=lambda c: abs(c.start - mention.start)).code
        before = [c for c in country_mentions if c.end <= mention.start and mention.start - c.end < 300]
        if before:
            return before[-1].code
        return weights.most_common(1)[0][0] if weights else None

    def _resolve_ministries(self, mentions, country_mentions, agencies, text, analysis, sentence_of, weights) -> list[OrgMention]:
        folded = analysis.folded
        resolved: list[OrgMention] = []
        top = [code for code, _ in weights.most_common(3)]
        for mention in mentions:
            portfolio = mention.key.split(":")[1]
            if mention.country_source == "qualifier" and mention.country:
                resolved.append(mention)
                continue
            qualifier = self._qualifier(mention, country_mentions, text) or self.ministries.country_of_acronym(portfolio, acronym_after(text, mention.end)[0])
            if qualifier:
                mention.country, mention.country_source = qualifier, "qualifier"
                resolved.append(mention)
                continue
            before = text[max(0, mention.start - 60):mention.start]
            if mention.plural and _PLURAL_CUE.search(before):
                for code in top[:2]:
                    clone = OrgMention(mention.start, mention.end, mention.key, mention.text, country=code, country_source="plural", canonical=mention.canonical)
                    resolved.append(clone)
                continue
            earlier = [m for m in resolved if m.key == mention.key and m.country]
            if earlier:
                mention.country, mention.country_source = earlier[0].country, "context"
            else:
                mention.country, mention.country_source = self._context_country(mention, country_mentions + self._as_country_mentions(agencies), folded, weights), "context"
            resolved.append(mention)
        # "his Tunisian counterpart", "son homologue belge": the same office in another country
        for match in _COUNTERPART.finditer(text):
            code = None
            for country in country_mentions:
                if country.kind == DEMONYM and (match.start("adj1") == country.start if match.group("adj1") else False or
                                                (match.group("adj2") and match.start("adj2") == country.start)):
                    code = country.code
            if code is None:
                continue
            sentence = sentence_of(match.start())
            lower = sentence.start if sentence else max(0, match.start() - 300)
            previous = [m for m in resolved if lower <= m.start < match.start()]
            if previous:
                source = previous[-1]
                resolved.append(OrgMention(match.start(), match.end(), source.key, match.group(0), country=code, country_source="counterpart"))
        return resolved

    def _institutions(self, analysis: _Analysis, resolved: list[OrgMention], country_mentions, person_spans, weights) -> list[OrgMention]:
        """State bodies outside the gazetteer: model ORG entities with an institution head word
        and courts/prosecutors named after their seat. A generic gazetteer body inside such an
        entity ('Coast Guard' in 'Turkish Coast Guard Command') takes the entity's forms instead."""
        text = analysis.text
        found: list[OrgMention] = []
        qualifier_words = self._qualifier_words(country_mentions)
        for start, end, label in analysis.entities:
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
            inside = [m for m in resolved if m.start < mention.end and mention.start < m.end]
            if inside:
                self._absorb_forms(inside, name, qualifier_words)
                continue
            if any(m.start < mention.end and mention.start < m.end for m in found):
                continue
            mention.acronym, _ = acronym_after(text, name_end)
            found.append(mention)
        for match in COURT_OF_PLACE.finditer(text):
            place = next((c for c in country_mentions if c.start == match.end()), None)
            if place is None or any(m.start < place.end and match.start() < m.end for m in resolved + found):
                continue
            name = capitalise(text[match.start():place.end])
            found.append(OrgMention(match.start(), place.end, "institution:" + fold(name), name, canonical=name,
                                    country=place.code, country_source="qualifier"))
        for mention in found:
            mention.aliases = [a for a in [strip_qualifier(mention.canonical, qualifier_words)] if a != mention.canonical]
            if mention.country:
                continue
            mention.country, mention.country_source = self._institution_country(mention, country_mentions, text, analysis.folded, weights)
        return found

    @staticmethod
    def _qualifier_words(country_mentions) -> set[str]:
        return {fold(c.text) for c in country_mentions if c.kind in (NAME, DEMONYM)}

    def _absorb_forms(self, inside: list[OrgMention], name: str, qualifier_words: set[str]) -> None:
        """'Colombian National Police' around a generic 'National Police': its forms become aliases."""
        for mention in inside:
            generic = mention.key.startswith("ministry:") or self.agencies.agencies[mention.key].generic
            if generic and len(name) > len(mention.text):
                for alias in (name, strip_qualifier(name, qualifier_words)):
                    if alias not in mention.aliases:
                        mention.aliases.append(alias)

    def _institution_country(self, mention: OrgMention, country_mentions, text: str, folded: str, weights) -> tuple[str | None, str]:
        """The country written inside the name, right before/after it, else the context's."""
        for country in country_mentions:
            if mention.start <= country.start and country.end <= mention.end and country.kind != PREFIX:
                return country.code, "qualifier"
        qualifier = self._qualifier(mention, country_mentions, text)
        if qualifier:
            return qualifier, "qualifier"
        return seat_or_preceding_country(mention.start, mention.end, country_mentions, folded, weights), "context"

    @staticmethod
    def _as_country_mentions(agencies: list[OrgMention]) -> list[CountryMention]:
        """Agencies with a country, as country evidence for the context of a ministry."""
        found = [CountryMention(m.start, m.end, m.country, NAME, m.text) for m in agencies if m.country]
        return found

    def _organizations(self, resolved: list[OrgMention], language: str, qualifier_words: frozenset[str] | set[str] = frozenset()) -> list[Organization]:
        by_key: dict[tuple[str, str | None], Organization] = {}
        for mention in resolved:
            key = (mention.key, mention.country)
            if mention.key.startswith("institution:"):
                acronym, name, aliases, kind, agency_acronyms = mention.acronym, mention.canonical or mention.text, list(mention.aliases), "institution", []
            elif mention.key.startswith("ministry:"):
                portfolio = mention.key.split(":")[1]
                literal = mention.canonical
                acronym, name, aliases = self.ministries.describe(portfolio, mention.country, language, literal)
                kind = "ministry"
                agency_acronyms: list[str] = []
            else:
                agency = self.agencies.agencies[mention.key]
                acronym = mention.acronym or (agency.acronyms[0] if agency.acronyms else None)
                name = agency.name_for(language)
                aliases = [n for n in agency.all_names() + agency.forms + agency.aliases if n != name]
                agency_acronyms = agency.acronyms
                kind = agency.kind
            org = by_key.get(key)
            if org is None:
                org = Organization(
                    acronym=acronym,
                    name=name,
                    aliases=list(dict.fromkeys(aliases + [a for a in agency_acronyms if a != acronym])),
                    country=mention.country,
                    kind=kind,
                    mentions=[],
                    source="model" if mention.key.startswith("institution:") else "gazetteer",
                )
                by_key[key] = org
            elif mention.acronym and not org.acronym:
                org.acronym = mention.acronym
            bare = strip_qualifier(mention.text, qualifier_words)   # 'Garde nationale tunisienne' -> 'Garde nationale'
            for alias in mention.aliases + ([bare] if bare != mention.text and len(bare.split()) >= 2 else []):
                if alias != org.name and alias not in org.aliases:
                    org.aliases.append(alias)
            if mention.text not in org.mentions:
                org.mentions.append(mention.text)
            if mention.key.startswith("ministry:") and mention.canonical and mention.canonical not in org.aliases and mention.canonical != org.name:
                org.aliases.append(mention.canonical)
        return list(by_key.values())

    def _security_relevant(self, resolved: list[OrgMention], topics: list[TopicTag]) -> bool:
        if topics:
            return True
        for mention in resolved:
            if mention.key.startswith("institution:"):
                continue
            if mention.key.startswith("ministry:"):
                if mention.key.split(":")[1] in SECURITY_PORTFOLIOS:
                    return True
            elif self.agencies.agencies[mention.key].kind in SECURITY_KINDS or mention.key in INTERNATIONAL_SECURITY:
                return True
        return False

    # ------------------------------------------------------------ events
    def _dateline(self, article: NormalisedArticle, country_mentions, title_offset: int) -> str | None:
        match = _DATELINE.match(article.text[:80]) or _DATELINE_COLON.match(article.text[:80])
        if not match:
            return None
        start, end = title_offset + match.start(1), title_offset + match.end()
        for mention in country_mentions:
            if start <= mention.start < end and mention.kind in (NAME, CAPITAL, CITY):
                return mention.code
        return None

    def _events(self, article, analysis: _Analysis, country_mentions, resolved, persons, weights) -> list[CooperationEvent]:
        text, folded = analysis.text, analysis.folded
        title_offset = len(article.title.strip()) + 2
        views: list[SentenceView] = []
        for sentence in analysis.sentences:
            actors: list[Actor] = []
            for mention in country_mentions:
                if not (sentence.start <= mention.start < sentence.end):
                    continue
                if mention.kind in (DEMONYM, PREFIX, NAME) and self.events.is_non_actor(folded, mention.start, mention.end):
                    continue
                locative, destination = self.events.place_flags(folded, sentence.start, mention.start)
                actors.append(Actor(mention.start, mention.end, mention.code, "country", locative, destination, mention.text))
            for mention in resolved:
                if mention.country and sentence.start <= mention.start < sentence.end:
                    source = "ministry" if mention.key.startswith("ministry:") else "agency"
                    actors.append(Actor(mention.start, mention.end, mention.country, source, label=mention.acronym or mention.text))
            people = [(s, e, p.name) for p in persons for s, e in p.spans if sentence.start <= s < sentence.end]
            people.sort()
            views.append(SentenceView(sentence.start, sentence.end, sentence.text, actors, people))
        top_actors = [code for code, _ in weights.most_common()]
        for mention in resolved:
            if mention.country and mention.country not in top_actors:
                top_actors.append(mention.country)
        dateline = self._dateline(article, country_mentions, title_offset)
        relcl = self._relcl_filter(analysis.doc)
        extracted = self.events.extract(views, folded, top_actors, dateline, relcl)
        events = []
        for event in extracted:
            countries = sorted(event.countries)
            basis = f"{article.article_id}|{event.type}|{'-'.join(countries)}|{event.location or ''}|{event.visitor or ''}"
            events.append(
                CooperationEvent(
                    event_id=hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20],
                    article_id=article.article_id,
                    type=event.type,
                    countries=countries,
                    location=event.location,
                    evidence=event.evidence,
                    trigger=event.trigger,
                    persons=event.persons,
                    organizations=event.organizations,
                    published_at=article.published_at,
                )
            )
        return events

    @staticmethod
    def _relcl_filter(doc):
        """Drop actors inside a relative clause that does not contain the trigger
        ('..., where jihadist groups active in neighbouring Mali ...')."""
        if doc is None:
            return None

        def keep(actor: Actor, trigger_char: int) -> bool:
            span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
            trigger = doc.char_span(trigger_char, trigger_char + 1, alignment_mode="expand")
            if span is None or trigger is None or len(span) == 0 or len(trigger) == 0:
                return True
            token, trigger_token = span.root, trigger[0]
            for ancestor in [token, *token.ancestors]:
                if ancestor.dep_ in ("relcl", "acl:relcl"):
                    subtree = range(ancestor.left_edge.i, ancestor.right_edge.i + 1)
                    return trigger_token.i in subtree
            return True

        return keep
