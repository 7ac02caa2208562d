"""Ministries: found by portfolio ('ministère espagnol de l'Intérieur', 'Italian Interior
Minister', 'Ministerio del Interior'), named after their country, and the country each
mention belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.enrichment.attribution import as_country_mentions, context_country, home_evidence, own_side, qualifier_country
from streams.enrichment.context import DEMONYM, NAME, PERSON_LABELS, ArticleContext, CountryMention, OrgMention
from streams.enrichment.institutions import acronym_after
from streams.enrichment.persons import PARTICLES
from streams.enrichment.text import CaseBlind, case_blind_copy, fold, load_yaml

# Further portfolios joined to the first: 'Ministry of Migration and Asylum', 'ministère de
# l'Intérieur, des Collectivités locales et de l'Aménagement du territoire', 'Ministerio de
# Justicia y Seguridad Pública'. Each is a capitalised word, then at most a lower-case
# adjective ('locales'), a complement ('du territoire') or one more capitalised word ('Pública').
_JOINT_PORTFOLIO = re.compile(
    r"(?:\s*,\s*(?:(?:and|et|y|e)\s+)?(?=(?:de|of|for|del|du|des)\s)|\s+(?:and|et|y|e)\s+)"   # after a comma, 'des ...' (not a name)
    r"(?:(?:de|of|for|del|du|des)\s+(?:(?:la|the|l['’]|les|el|los|las)\s*)?|l['’]\s*)?"   # an article only after a preposition
    r"(?P<head>[A-ZÀ-Ý][\w-]+)"
)
_PORTFOLIO_TAIL = re.compile(
    r"(?:\s+(?:du|de\s+la|de\s+l['’]|des|de|del)\s*[a-zà-ÿ][\w-]{3,}|\s+(?P<word>[A-Za-zÀ-ÿ][\w-]{3,}))?"
)
_MAX_PORTFOLIOS = 4
@dataclass
class Portfolio:
    key: str
    names: dict[str, str]
    aliases: list[str]


def joint_portfolios_end(text: str, end: int, persons: list[tuple[int, int]] = (), places: list[tuple[int, int]] = ()) -> int:
    """Where a ministry's name ends once the portfolios joined to its first are read; a person's
    name or a country (``places``) is no portfolio."""
    for _ in range(_MAX_PORTFOLIOS):
        joint = _JOINT_PORTFOLIO.match(text, end)
        if (not joint or _starts_a_name(text, joint.start("head"), persons) or _in_person(joint.start("head"), places)
                or fold(joint.group("head")) in _NOT_PORTFOLIO):
            break
        end = joint.end()
        tail = _PORTFOLIO_TAIL.match(text, end)
        word = tail.group("word") if tail else None
        if tail and tail.end() > end and not (
            word and (fold(word) in _NOT_PORTFOLIO or _in_person(tail.start("word"), persons)
                      or (word[:1].islower() and not _ADJECTIVE.search(word)))
        ):
            end = tail.end()
    return end


def _in_person(position: int, persons: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in persons)


def _starts_a_name(text: str, position: int, persons: list[tuple[int, int]]) -> bool:
    """A person's name starts here. A portfolio the model glued to the name that follows it
    ('Asylum Nikos Vlachos': a full name after the word) does not count as one; a given name
    does ('Hisham bin Abdulrahman': a particle after it)."""
    for start, end in persons:
        if start < position < end:
            return True
        if start == position:
            rest = text[start:end].split()[1:]
            return len(rest) < 2 or fold(rest[0]) in PARTICLES
    return False


# lower-case words that continue a portfolio are adjectives: 'locales', 'publique', 'internacional'
_ADJECTIVE = re.compile(r"(?:ale?s?|elle?s?|ique?s?|ica?s?|ico?s?|aire?s?|ario?s?|aria?s?|ive?s?|iva?s?|ivo?s?|ée?s?|ada?s?|ado?s?|al|ile?s?|ine?s?|ère?s?|ier)$")
_NOT_PORTFOLIO = {"a", "the", "le", "la", "el", "de", "del", "des", "who", "which", "qui", "que", "quien", "said", "has", "have", "was",
                  "is", "est", "es", "ha", "han", "mr", "mrs", "ms", "m", "mme", "monsieur", "madame", "senor", "senora", "don"}


_MINIST = CaseBlind(r"minist")
_BEFORE_MINIST = 80   # 'Federal Home Affairs ' and the like: the most a name starts before its 'minist'
_AFTER_MINIST = 240   # 'ministres espagnol et marocain de l'Intérieur': the most it goes on after it


def _windows(positions, length: int):
    """Merged spans around each position, where a name containing the word found there can lie:
    (start, end, the last position inside)."""
    current: list[int] | None = None
    for position in positions:
        start, end = max(0, position - _BEFORE_MINIST), min(length, position + _AFTER_MINIST)
        if current and start <= current[1]:
            current[1], current[2] = end, position
            continue
        if current:
            yield tuple(current)
        current = [start, end, position]
    if current:
        yield tuple(current)


_LETTERS = re.compile(r"[^\W\d_]*")


def name_starts(adjectives: list[str]) -> list[str] | None:
    """What a ministry's name found by the portfolio regex starts with: 'minist...', 'federal
    ...', 'vice...' or the first letters of an adjective of 'interior ministry' (lexicon
    regexes: 'home\\s+affairs' -> 'home'); None when an adjective may start otherwise ('x|y',
    '(?:the )?x', '[Dd]efence')."""
    starts = {"minist", "federal", "vice"}
    for adjective in adjectives:
        letters = _LETTERS.match(adjective).group(0)
        if adjective[len(letters):len(letters) + 1] in ("?", "*", "{"):
            letters = letters[:-1]   # 'defences?': the last letter is optional
        if not letters or "|" in adjective:
            return None
        starts.add(letters.lower())
    return sorted(starts)


class MinistryFinder:
    """Ministries by portfolio: 'ministère espagnol de l'Intérieur', 'Italian Interior Minister',
    'Morocco's Ministry of the Interior', 'Ministerio del Interior'."""

    def __init__(self) -> None:
        data = load_yaml("ministries.yaml")
        self.version = str(data["version"])
        self.portfolios: dict[str, Portfolio] = {}
        self.by_country: dict[str, dict[str, dict]] = data.get("countries") or {}
        patterns: list[str] = []
        adjectives: list[str] = []
        for key, spec in data["portfolios"].items():
            self.portfolios[key] = Portfolio(key, spec["names"], list(spec.get("aliases") or []))
            kw = spec["keywords"]
            group = f"P_{key}"
            fr = "|".join(kw.get("fr", []))
            en = "|".join(kw.get("en", []))
            es = "|".join(kw.get("es", []))
            adjectives += spec.get("en_adj", [])
            adj = "|".join(spec.get("en_adj", []))
            alternatives = []
            if fr:
                alternatives.append(
                    rf"(?P<{group}_fr>minist(?:[èe]re|re)s?(?:\s+(?P<{group}_frq>[a-zéèêëàâîïôûüç-]+(?:\s+et\s+[a-zéèêëàâîïôûüç-]+)?))?\s+(?:de\s+|des\s+|du\s+)?(?:{fr}))"
                )
            if en:
                alternatives.append(rf"(?P<{group}_en1>(?:federal\s+)?minist(?:ry|er)s?\s+(?:of|for)\s+(?:{en}))")
            if adj:
                alternatives.append(rf"(?P<{group}_en2>(?:federal\s+)?(?:{adj})\s+minist(?:ry|er|ries|ers)\b)")
            if es:
                alternatives.append(rf"(?P<{group}_es>(?:vice)?minist(?:erio|ro|ra)s?(?:\s+(?P<{group}_esq>[a-záéíóúñü]+))?\s+(?:del?\s+)?(?:{es}))")
            patterns.extend(alternatives)
        self._regex = re.compile("|".join(patterns), re.IGNORECASE)
        starts = name_starts(adjectives)
        self._may_start = re.compile("|".join(map(re.escape, starts)) if starts else r"(?s:.)", re.IGNORECASE)
        self._metonyms = [
            (re.compile(m["pattern"]), m["country"], m["portfolio"]) for m in data.get("metonyms") or []
        ]
        # offices that stand for their ministry without naming it; their country comes from the text
        self._offices = [(CaseBlind(pattern), portfolio)
                         for portfolio, patterns in (data.get("offices") or {}).items() for pattern in patterns]

    def find(self, text: str, persons: list[tuple[int, int]] = (), places: list[tuple[int, int]] = ()) -> list[OrgMention]:
        """The ministries named in ``text``, each with the portfolios joined to its first; a name
        stops before a person's (``persons``: the model's person spans) or a country (``places``)."""
        mentions: list[OrgMention] = []
        for match in self._matches(text):
            group = next(name for name, value in match.groupdict().items() if value and not name.endswith(("frq", "esq")))
            portfolio = group.split("_")[1]
            surface = match.group(0)
            lowered = surface.lower()
            plural = bool(re.search(r"minist(?:ères|res|ries|ers|erios|ros)\b", lowered))
            end = joint_portfolios_end(text, match.end(), persons, places)
            mention = OrgMention(match.start(), end, f"ministry:{portfolio}", text[match.start():end], plural=plural)
            mention.canonical = self._literal_name(text[match.start():end], portfolio)
            mentions.append(mention)
        for regex, country, portfolio in self._metonyms:
            for match in regex.finditer(text):
                if any(m.start <= match.start() < m.end for m in mentions):
                    continue
                mentions.append(
                    OrgMention(match.start(), match.end(), f"ministry:{portfolio}", match.group(0), country=country, country_source="qualifier")
                )
        mentions += self.offices(text, mentions)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def offices(self, text: str, found: list[OrgMention] = ()) -> list[OrgMention]:
        """Offices of a ministry named by their title alone ('secretario de Estado de Seguridad',
        'secrétaire d'État espagnol à la Sécurité', 'state secretary for security'): the ministry,
        its country still to be found like an unqualified ministry's."""
        mentions: list[OrgMention] = []
        lowered = case_blind_copy(text)   # once for all the offices
        for office, portfolio in self._offices:
            for match in office.finditer(text, lowered):
                if any(m.start < match.end() and match.start() < m.end for m in [*found, *mentions]):
                    continue
                mention = OrgMention(match.start(), match.end(), f"ministry:{portfolio}", match.group(0))
                mentions.append(mention)
        return mentions

    def _matches(self, text: str):
        """The portfolio regex's matches, as ``finditer`` over the whole text would give them.

        Every name contains 'minist', and starts at most a few words before it ('federal home
        affairs ministry'): the regex only runs around those words. Most of a long article has
        none, and it cost a third of the resolvers' time. Within such a span, the regex (dozens
        of alternatives, microseconds to fail at one position) is tried only where a name can
        start: at one of its first words (``name_starts``), no later than the last 'minist'.
        """
        last_end = 0
        for start, end, last in _windows((word.start() for word in _MINIST.finditer(text)), len(text)):
            position = max(start, last_end)
            while (candidate := self._may_start.search(text, position, end)) is not None and candidate.start() <= last:
                # the window's end bounds the match as it bounded finditer's
                match = self._regex.match(text, candidate.start(), end)
                if match:
                    last_end = position = match.end()
                    yield match
                else:
                    position = candidate.start() + 1

    @staticmethod
    def _literal_name(surface: str, portfolio: str) -> str | None:
        """'Minister of Justice and Security' -> 'Ministry of Justice and Security'."""
        text = re.sub(r"\s+", " ", surface.strip())
        match = re.match(r"(?i)(federal )?minister(?:s)? (of|for) (.+)", text)
        if match:
            return f"{match.group(1) or ''}Ministry {match.group(2)} {match.group(3)}".strip()
        match = re.match(r"(?i)(federal )?ministry (of|for) (.+)", text)
        if match:
            return text
        match = re.match(r"(?i)(federal )?(.+?) minist(?:ry|er|ries|ers)$", text)
        if match:
            return f"{match.group(1) or ''}{match.group(2).title()} Ministry"
        match = re.match(r"(?i)minist(?:re|ère)s?\s+(?:[a-zéèêëàâîïôûüç-]+(?:\s+et\s+[a-zéèêëàâîïôûüç-]+)?\s+)?((?:de|des|du)\b.+)", text)
        if match:  # 'ministre belge de la Justice' -> 'Ministère de la Justice'
            return f"Ministère {match.group(1)}"
        match = re.match(r"(?i)(vice)?minist(?:erio|ro|ra)s?\s+(?:[a-záéíóúñü]+\s+)?((?:de|del)\b.+)", text)
        if match:  # 'ministro de Asuntos Internos' -> 'Ministerio de Asuntos Internos'
            return f"{'Viceministerio' if match.group(1) else 'Ministerio'} {match.group(2)}"
        return None

    def country_of_acronym(self, portfolio: str, acronym: str | None) -> str | None:
        """'Federal Interior Ministry (BMI)': the country whose ministry of ``portfolio`` has that acronym."""
        if not acronym:
            return None
        for country, specs in self.by_country.items():
            if (specs.get(portfolio) or {}).get("acronym") == acronym:
                return country
        return None

    def describe(self, portfolio: str, country: str | None, language: str, literal: str | None) -> tuple[str | None, str, list[str]]:
        """(acronym, name, aliases) for a ministry of ``portfolio`` in ``country``."""
        spec = self.portfolios[portfolio]
        specific = (self.by_country.get(country or "") or {}).get(portfolio)
        names = [spec.names.get(language) or spec.names["en"]]
        names += [value for value in spec.names.values() if value not in names]
        aliases = list(spec.aliases)
        acronym = None
        if specific:
            acronym = specific.get("acronym")
            names.insert(0, specific["name"])
            aliases = list(specific.get("aliases") or []) + aliases
        if literal and literal not in names:
            aliases.insert(0, literal)
        name = names[0]
        rest = [n for n in names[1:] + aliases if n != name]
        seen: list[str] = []
        for value in rest:
            if value not in seen:
                seen.append(value)
        return acronym, name, seen


_JOINT = re.compile(r"^\s*(?:,|et|and|y|e)?\s*$")


def coordinated_qualifiers(mention: OrgMention, countries: list[CountryMention], text: str) -> list[str]:
    """The countries of a run of coordinated qualifiers written with a plural mention, inside
    it or right after or before it: 'ministres de l'Intérieur français et marocain', 'ministres
    français et marocain de l'Intérieur', 'the French and Moroccan interior ministers'."""
    qualifiers = sorted((c for c in countries if c.kind in (NAME, DEMONYM)), key=lambda c: c.start)
    runs: list[list[CountryMention]] = []
    for country in qualifiers:
        if runs and _JOINT.match(text[runs[-1][-1].end:country.start]):
            runs[-1].append(country)
        else:
            runs.append([country])
    for run in runs:
        start, end = run[0].start, run[-1].end
        touches = (mention.start <= start < mention.end or 0 <= start - mention.end <= 2 or 0 <= mention.start - end <= 2)
        if touches and len(run) >= 2:
            return list(dict.fromkeys(c.code for c in run))
    return []


_COUNTERPART = re.compile(r"\b(?:son|sa|ses|leurs?|his|her|their|su|sus)\s+(?:(?P<adj1>\w+)\s+)?(?:homologues?|counterparts?|hom[oó]log[oa]s?|colegas?|par(?=\s)|pares)(?:\s+(?P<adj2>\w+))?", re.IGNORECASE)
_PLURAL_CUE = re.compile(r"(?:deux|two|both|trois|three|leurs|their|respectifs|respective|the two countries['’]?|des deux pays)\W+(?:\w+\W+){0,3}$", re.IGNORECASE)


class MinistryResolver:
    """Ministries named in the article, then the country of each."""

    def __init__(self, finder: MinistryFinder) -> None:
        self.finder = finder

    def find(self, context: ArticleContext) -> None:
        """Reads text, agency_mentions. Adds ministry_mentions, except those inside an agency's name."""
        persons = [(s, e) for s, e, label in context.entities if label in PERSON_LABELS]
        context.ministry_mentions = [
            m for m in self.finder.find(context.text, persons, [(c.start, c.end) for c in context.countries])
            if not any(o.start < m.end and m.start < o.end for o in context.agency_mentions)
        ]

    def resolve(self, context: ArticleContext) -> None:
        """Reads ministry_mentions, countries, country_weights, organization_mentions (the agencies,
        as evidence of the context's country), sentences. Adds to organization_mentions each
        ministry with its country: its qualifier or acronym, else both main countries for
        'the two countries' ministers', else that of an earlier mention of the same portfolio,
        else the context's; and 'his Tunisian counterpart' as the same office in that country."""
        text, countries, weights = context.text, context.countries, context.country_weights
        agencies = list(context.organization_mentions)
        resolved: list[OrgMention] = []
        top = [code for code, _ in weights.most_common(3)]
        for mention in context.ministry_mentions:
            portfolio = mention.key.split(":")[1]
            if mention.country_source == "qualifier" and mention.country:
                resolved.append(mention)
                continue
            coordinated = coordinated_qualifiers(mention, countries, text) if mention.plural else []
            if len(coordinated) >= 2:   # 'les ministres de l'Intérieur français et marocain': one ministry each
                for code in coordinated:
                    resolved.append(OrgMention(mention.start, mention.end, mention.key, mention.text, country=code,
                                               country_source="qualifier", canonical=mention.canonical))
                continue
            qualifier = qualifier_country(mention, countries, text) or self.finder.country_of_acronym(portfolio, acronym_after(text, mention.end)[0])
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
                evidence = home_evidence(context) + as_country_mentions(agencies)
                mention.country, mention.country_source = context_country(mention, evidence, context, office=True), "context"
            resolved.append(mention)
        resolved += self._counterparts(context, resolved)
        context.add_organization_mentions(resolved)

    @staticmethod
    def _counterparts(context: ArticleContext, ministries: list[OrgMention]) -> list[OrgMention]:
        """'his Tunisian counterpart', 'son homologue belge': the office of the last ministry
        named before it (in its sentence, else just before it with no other body between), in
        the country of the demonym; without a demonym, in the other country of its sentence, else
        in the article's main country other than that ministry's."""
        found: list[OrgMention] = []
        if "homolog" not in context.folded and "counterpart" not in context.folded:
            return found   # the nouns of _COUNTERPART, folded: most articles have none, and the scan is costly
        for match in _COUNTERPART.finditer(context.text):
            code = None
            for country in context.countries:
                # the demonym is checked before the noun when a word stands there, else after it
                if country.kind == DEMONYM and (
                    match.start("adj1") == country.start if match.group("adj1")
                    else bool(match.group("adj2")) and match.start("adj2") == country.start
                ):
                    code = country.code
            sentence = context.sentence_at(match.start())
            lower = sentence.start if sentence else max(0, match.start() - 300)
            previous = [m for m in ministries + found if lower <= m.start < match.start()]
            if not previous and code is None:
                bodies = [m for m in ministries + found + context.organization_mentions
                          if match.start() - _COUNTERPART_REACH <= m.start < match.start()]
                last = max(bodies, key=lambda m: m.start, default=None)
                previous = [last] if last is not None and last.key.startswith("ministry:") else []
            if not previous:
                continue
            source = previous[-1]
            if code is not None and code == source.country and source.country_source == "context":
                # 'El ministro del Interior ... su homólogo marroquí': the minister is not Moroccan;
                # unqualified, he is of the side the article takes for granted
                home = own_side(context, code)
                if home:
                    source.country, source.country_source = home, "own side"
            if code is None:
                code = _other_party(context, sentence, source.country)
            if code is not None:
                found.append(OrgMention(match.start(), match.end(), source.key, match.group(0), country=code, country_source="counterpart"))
        return found


_COUNTERPART_REACH = 300   # characters back to the ministry whose counterpart is meant


def _other_party(context: ArticleContext, sentence, own: str | None) -> str | None:
    """The country facing ``own``: another country of the sentence, else the article's most
    named country that is not ``own``."""
    if own is None:
        return None
    if sentence is not None:
        others = [c.code for c in home_evidence(context) if sentence.start <= c.start < sentence.end and c.code != own]
        if len(set(others)) == 1:
            return others[0]
    ranked = [code for code, _ in context.country_weights.most_common() if code != own]
    return ranked[0] if ranked else None
