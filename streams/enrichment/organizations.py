"""Agencies (versioned gazetteer) and ministries (portfolio patterns) mentioned in a text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ahocorasick

from streams.enrichment.countries import CAPITAL, CITY, DEMONYM, NAME, CountryMention
from streams.enrichment.text import fold, load_yaml


@dataclass
class Agency:
    id: str
    country: str | None
    kind: str
    acronyms: list[str]
    names: dict[str, list[str]]
    forms: list[str]
    generic: bool = False
    weak: bool = False
    aliases: list[str] = field(default_factory=list)   # other names it goes by, reported but not matched

    def all_names(self) -> list[str]:
        seen: list[str] = []
        for values in self.names.values():
            for value in values:
                if value not in seen:
                    seen.append(value)
        return seen

    def name_for(self, language: str) -> str:
        for lang in (language, "xx", "en", "fr", "es"):
            if self.names.get(lang):
                return self.names[lang][0]
        return self.acronyms[0] if self.acronyms else self.id


@dataclass
class OrgMention:
    start: int
    end: int
    key: str                      # agency id or "ministry:<portfolio>"
    text: str
    country: str | None = None
    country_source: str = "default"   # default | qualifier | context | counterpart | plural
    acronym: str | None = None
    name_lang: str | None = None
    plural: bool = False
    extra_names: list[str] = field(default_factory=list)
    canonical: str | None = None
    aliases: list[str] = field(default_factory=list)   # surface forms seen in the text


def _name_variants(name: str) -> list[str]:
    """'Direction générale de X' is also written 'directeur général de X' (the head of it)."""
    variants = [name]
    folded = fold(name)
    for prefix, heads in (
        ("direction generale", ["directeur general", "directrice generale", "directeur general adjoint"]),
        ("direction nationale", ["directeur national", "directrice nationale"]),
        ("direction", ["directeur", "directrice"]),
        ("general directorate", ["director general", "director-general"]),
    ):
        if folded.startswith(prefix + " "):
            for head in heads:
                variants.append(head + name[len(prefix):])
            break
    return variants


class AgencyGazetteer:
    def __init__(self) -> None:
        data = load_yaml("agencies.yaml")
        self.version = str(data["version"])
        self.agencies: dict[str, Agency] = {}
        self._names = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str]]] = {}
        acronyms: dict[str, list[str]] = {}
        for entry in data["agencies"]:
            agency = Agency(
                id=entry["id"],
                country=entry.get("country"),
                kind=entry.get("kind", "police"),
                acronyms=list(entry.get("acronyms") or []),
                names={lang: list(values) for lang, values in (entry.get("names") or {}).items()},
                forms=list(entry.get("forms") or []),
                generic=bool(entry.get("generic", False)),
                weak=bool(entry.get("weak", False)),
                aliases=list(entry.get("aliases") or []),
            )
            self.agencies[agency.id] = agency
            for lang, values in agency.names.items():
                for value in values:
                    for variant in _name_variants(value):
                        keys.setdefault(fold(variant), []).append((agency.id, lang))
            for form in agency.forms:
                keys.setdefault(fold(form), []).append((agency.id, "form"))
            for acronym in agency.acronyms:
                acronyms.setdefault(acronym, []).append(agency.id)
        for key, values in keys.items():
            self._names.add_word(key, (key, values))
        self._names.make_automaton()
        self._acronyms = acronyms
        ordered = sorted(acronyms, key=len, reverse=True)
        self._acronym_re = re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w])")

    def find(self, text: str, folded: str) -> list[OrgMention]:
        candidates: list[tuple[int, int, str, str | None, str | None]] = []
        length = len(folded)
        for end_index, (key, values) in self._names.iter(folded):
            start = end_index - len(key) + 1
            end = end_index + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < length and folded[end].isalnum():
                continue
            for agency_id, lang in values:
                surface = text[start:end]
                if lang == "en" and not surface[:1].isupper():
                    continue
                candidates.append((start, end, agency_id, None, lang))
        for match in self._acronym_re.finditer(text):
            acronym = match.group(1)
            for agency_id in self._acronyms[acronym]:
                candidates.append((match.start(), match.end(), agency_id, acronym, None))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        mentions: list[OrgMention] = []
        last_end = -1
        for start, end, agency_id, acronym, lang in candidates:
            if start < last_end:
                # same span, other agency sharing the acronym: keep as alternative
                if mentions and mentions[-1].start == start and mentions[-1].end == end and agency_id not in mentions[-1].extra_names and agency_id != mentions[-1].key:
                    mentions[-1].extra_names.append(agency_id)
                continue
            mentions.append(OrgMention(start, end, agency_id, text[start:end], acronym=acronym, name_lang=lang))
            last_end = end
        return mentions


# ------------------------------------------------------------------ ministries
# A second portfolio joined to the first: 'Ministry of Migration and Asylum',
# 'ministère de l'Intérieur et de la Sécurité', 'Ministerio de Trabajo y Economía Social'.
_JOINT_PORTFOLIO = re.compile(r"^\s+(?:and|et|y|e)\s+(?:(?:de|of|del|du|des)\s+)?(?:(?:la|the|l['’]|les)\s*)?[A-ZÀ-Ý][\w-]+")
@dataclass
class Portfolio:
    key: str
    names: dict[str, str]
    aliases: list[str]


class MinistryFinder:
    """Ministries by portfolio: 'ministère espagnol de l'Intérieur', 'Italian Interior Minister',
    'Morocco's Ministry of the Interior', 'Ministerio del Interior'."""

    def __init__(self) -> None:
        data = load_yaml("ministries.yaml")
        self.version = str(data["version"])
        self.portfolios: dict[str, Portfolio] = {}
        self.by_country: dict[str, dict[str, dict]] = data.get("countries") or {}
        patterns: list[str] = []
        for key, spec in data["portfolios"].items():
            self.portfolios[key] = Portfolio(key, spec["names"], list(spec.get("aliases") or []))
            kw = spec["keywords"]
            group = f"P_{key}"
            fr = "|".join(kw.get("fr", []))
            en = "|".join(kw.get("en", []))
            es = "|".join(kw.get("es", []))
            adj = "|".join(spec.get("en_adj", []))
            alternatives = []
            if fr:
                alternatives.append(
                    rf"(?P<{group}_fr>minist(?:[èe]re|re)s?(?:\s+(?P<{group}_frq>[a-zéèêëàâîïôûüç-]+))?\s+(?:de\s+|des\s+|du\s+)?(?:{fr}))"
                )
            if en:
                alternatives.append(rf"(?P<{group}_en1>(?:federal\s+)?minist(?:ry|er)s?\s+(?:of|for)\s+(?:{en}))")
            if adj:
                alternatives.append(rf"(?P<{group}_en2>(?:federal\s+)?(?:{adj})\s+minist(?:ry|er|ries|ers)\b)")
            if es:
                alternatives.append(rf"(?P<{group}_es>minist(?:erio|ro|ra)s?\s+(?:del?\s+)?(?:{es}))")
            patterns.extend(alternatives)
        self._regex = re.compile("|".join(patterns), re.IGNORECASE)
        self._metonyms = [
            (re.compile(m["pattern"]), m["country"], m["portfolio"]) for m in data.get("metonyms") or []
        ]

    def find(self, text: str) -> list[OrgMention]:
        mentions: list[OrgMention] = []
        for match in self._regex.finditer(text):
            group = next(name for name, value in match.groupdict().items() if value and not name.endswith("frq"))
            portfolio = group.split("_")[1]
            surface = match.group(0)
            lowered = surface.lower()
            plural = bool(re.search(r"minist(?:ères|res|ries|ers|erios|ros)\b", lowered))
            mention = OrgMention(match.start(), match.end(), f"ministry:{portfolio}", surface, plural=plural)
            extension = _JOINT_PORTFOLIO.match(text[match.end():match.end() + 60])
            literal = surface + (extension.group(0) if extension else "")
            mention.canonical = self._literal_name(literal, portfolio)
            mentions.append(mention)
        for regex, country, portfolio in self._metonyms:
            for match in regex.finditer(text):
                if any(m.start <= match.start() < m.end for m in mentions):
                    continue
                mentions.append(
                    OrgMention(match.start(), match.end(), f"ministry:{portfolio}", match.group(0), country=country, country_source="qualifier")
                )
        mentions.sort(key=lambda m: m.start)
        return mentions

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
        match = re.match(r"(?i)minist(?:re|ère)s?\s+(?:[a-zéèêëàâîïôûüç-]+\s+)?((?:de|des|du)\b.+)", text)
        if match:  # 'ministre belge de la Justice' -> 'Ministère de la Justice'
            return f"Ministère {match.group(1)}"
        match = re.match(r"(?i)(vice)?minist(?:erio|ro|ra)s?\s+((?:de|del)\b.+)", text)
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
