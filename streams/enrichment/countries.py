"""Countries: their mentions (pycountry names + fr/es translations + extras, capitals,
major cities, demonyms with their inflections and compound prefixes), how central each
is to the article, and the article's country tags."""

from __future__ import annotations

import gettext
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

import ahocorasick
import pycountry
from babel import Locale
from babel.core import get_global

from schemas.articles import CountryTag
from streams.enrichment.context import CAPITAL, CITY, DEMONYM, NAME, PREFIX, ArticleContext, CountryMention
from streams.enrichment.places import minority_namesakes
from streams.enrichment.text import compile_patterns, fold, load_yaml, words_after, words_before

def _clean_name(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", name)
    if "," in name:
        name = name.split(",")[0]
    return name.strip()


DEMONYM_LANGUAGES = ("fr", "en", "es")   # the languages the lexicon has demonyms for
_BLOCK = "block"                          # a longer place name holding a country's name
# Geographic features named after a country: 'golfe de Guinée', 'Lake Chad', 'fleuve Niger',
# 'Niger River', 'canal de Panamá'; waterways and streets too, also when the name joins two
# ('hidrovía Paraná-Paraguay', 'the Paraná-Paraguay waterway', 'avenue de Tunisie', 'calle Francia').
_FEATURE_BEFORE = re.compile(
    r"(?:^|\W)(?:lac|lake|lago|golfe|gulf|golfo|mer|sea|bassin|basin|cuenca|detroit|strait|estrecho|canal|fleuve|river|rio|"
    r"riviere|mont|mount|monte|desert|desierto|baie|bay|bahia|delta|hidrovia|waterway|rue|avenue|avenida|calle|boulevard|bulevar)"
    r"\s+(?:(?:de\s+la|de\s+l'|du|des|de|d'|of\s+the|of|del)\s*)?(?:\w+-)?$"
)
_FEATURE_AFTER = re.compile(r"^\s+(?:river|basin|sea|gulf|canal|channel|lake|desert|delta|waterway)\b")
# Seas and plants named with a country's adjective: 'Indian Ocean', 'océan Indien', 'English
# Channel', 'Irish Sea'; 'Indian hemp', 'chanvre indien', 'cáñamo indio' (cannabis, in West
# African and Latin American reports of drug seizures) say nothing of India.
_DEMONYM_FEATURE_BEFORE = re.compile(r"(?:^|\W)(?:ocean|oceano|chanvre|canamo)\s+$")
_DEMONYM_FEATURE_AFTER = re.compile(r"^\s+(?:ocean|sea|channel|hemp)\b")


def inflected(language: str, forms: list[str]) -> list[str]:
    """The lexicon's forms and the plurals it leaves out: a Spanish demonym in '-és' has its
    masculine plural in '-eses' ('neerlandés' -> 'los investigadores neerlandeses'), which a
    wildcard cannot give without also matching other words."""
    extra = [form[:-2] + "eses" for form in forms if language == "es" and form.endswith("és")]
    return list(dict.fromkeys(forms + extra))


def _in_a_place_name(folded: str, mention: CountryMention) -> bool:
    if mention.kind == DEMONYM:
        return bool(_DEMONYM_FEATURE_BEFORE.search(folded[max(0, mention.start - 12):mention.start])
                    or _DEMONYM_FEATURE_AFTER.match(folded[mention.end:mention.end + 12]))
    if mention.kind not in (NAME, CAPITAL):
        return False
    return bool(_FEATURE_BEFORE.search(folded[max(0, mention.start - 30):mention.start])
                or _FEATURE_AFTER.match(folded[mention.end:mention.end + 12]))


_OCEAN_AFTER_PREFIX = re.compile(r"pacifi|atlanti|mediterran")
_SURNAME_AFTER = re.compile(r"\s+[A-ZÀ-Ý]")
_COORDINATION = re.compile(r"\s*(?:,|et|and|y|e|ou|or|o)\s*|\s*,\s*(?:et|and|y)\s+")
_ARTICLE_BEFORE = re.compile(r"(?:^|\W)(?:le|au|du|el|del|al)\s+$")
_OF = re.compile(r"([\w-]+)\s+(?:de|of|du|d'|del)\s*(?:(?:la|las|los|les|le|el|the|l')\s*)?$")


class CountryLexicon:
    def __init__(self) -> None:
        data = load_yaml("countries.yaml")
        self.version = str(data.get("version", "0"))
        self._nationality_nouns = compile_patterns(data.get("nationality_nouns") or [])
        self._people_counts = {fold(word) for word in data.get("people_counts") or []}
        excluded = {fold(x) for x in data.get("exclude", [])}
        names: dict[str, set[str]] = {}

        def add_name(name: str, code: str) -> None:
            key = fold(name)
            if key and key not in excluded:
                names.setdefault(key, set()).add(code)

        translations = []
        for lang in ("fr", "es"):
            try:
                translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
            except OSError:  # pragma: no cover - locale data missing
                pass
        cldr = [Locale(language).territories for language in ("en", "fr", "es")]
        for country in pycountry.countries:
            code = country.alpha_2
            base = [country.name, getattr(country, "common_name", None)]
            for name in filter(None, base):
                add_name(_clean_name(name), code)
                for translation in translations:
                    add_name(_clean_name(translation.gettext(name)), code)
            # the short names the press uses (CLDR): 'Brunei', 'Bolivia', 'Moldavie'
            for territories in cldr:
                name = territories.get(code)
                if name and " - " not in name:
                    add_name(_clean_name(name.replace("’", "'")), code)
        # names shared by two countries ("Congo") are ambiguous: drop them
        self._names = {key: next(iter(codes)) for key, codes in names.items() if len(codes) == 1}
        for code, extra in (data.get("names") or {}).items():
            for name in extra or []:
                self._names[fold(name)] = code
        # names a sentence writes in lower case ('l'île Maurice')
        lower_case_names = {fold(name) for extra in (data.get("names_in_lower_case") or {}).values() for name in extra}
        for code, extra in (data.get("names_in_lower_case") or {}).items():
            for name in extra:
                self._names[fold(name)] = code
        self._needs_article = {fold(name) for name in data.get("needs_article") or ()}
        self._coordinated_only = {fold(name): code for name, code in (data.get("coordinated_only") or {}).items()}
        # one scan for those names alone, not a look at every word of every article
        self._coordinated_pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, self._coordinated_only)) + r")(?!\w)") \
            if self._coordinated_only else None

        self.country_names: dict[str, str] = {}
        for country in pycountry.countries:
            self.country_names[country.alpha_2] = getattr(country, "common_name", None) or _clean_name(country.name)
        self.country_names.update({"GB": "United Kingdom", "US": "United States", "RU": "Russia", "IR": "Iran", "SY": "Syria"})

        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, str, bool, bool]]] = {}

        def add(key: str, code: str, kind: str, wildcard: bool, needs_capital: bool, language: str | None = None) -> None:
            entries.setdefault(key, []).append((code, kind, wildcard, needs_capital, language))

        for key, code in self._names.items():
            add(key, code, NAME, False, key not in lower_case_names)
        # a city's demonym stands for its country: 'les enqueteurs anversois' are Belgium's
        demonyms = [(code, by_lang) for section in ("demonyms", "city_demonyms") for code, by_lang in (data.get(section) or {}).items()]
        demonyms = [(code, {lang: inflected(lang, forms or []) for lang, forms in (by_lang or {}).items()}) for code, by_lang in demonyms]
        for code, by_lang in demonyms:
            for lang, forms in by_lang.items():
                for form in forms:
                    wildcard = form.endswith("*")
                    add(fold(form.rstrip("*")), code, DEMONYM, wildcard, lang == "en", lang)
        for code, forms in (data.get("prefixes") or {}).items():
            for form in forms:
                add(fold(form) + "-", code, PREFIX, False, False)
        for code, forms in (data.get("capitals") or {}).items():
            for form in forms:
                add(fold(form), code, CAPITAL, False, True)
        for code, forms in (data.get("cities") or {}).items():
            for form in forms:
                add(fold(form), code, CITY, False, True)
        # a city whose namesakes elsewhere hold far more people ('Córdoba') tells its
        # country only beside another mention of it: 'el sur de Córdoba' in a Bogotá paper is Colombia's
        self._shared_cities = minority_namesakes(frozenset(
            (fold(form), code) for code, forms in (data.get("cities") or {}).items() for form in forms))
        # the French and Spanish names CLDR gives the cities of time zones ('Nuakchot', 'Abiyán',
        # 'Uagadugú', 'Riad'): the capitals and big cities of Africa, Europe and Asia as the
        # press of those languages writes them
        known = {fold(form) for forms in (data.get("capitals") or {}).values() for form in forms}
        known |= {fold(form) for forms in (data.get("cities") or {}).values() for form in forms}
        skipped = excluded | {fold(x) for x in data.get("exclude_zone_cities", [])}
        for code, city in zone_cities(("fr", "es")):
            key = fold(city)
            if key not in known and key not in skipped and key not in self._names and code:
                add(key, code, CITY, False, True)
        # longer place names that hold a country's: 'New South Wales', 'New Mexico'
        for subdivision in pycountry.subdivisions:
            key = fold(subdivision.name)
            words = key.split()
            inner = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1) if j - i < len(words)}
            if key not in entries and any(len(n) > 3 and self._names.get(n, subdivision.country_code) != subdivision.country_code for n in inner):
                add(key, subdivision.country_code, _BLOCK, False, True)
        for key, values in entries.items():
            self._automaton.add_word(key, (key, values))
        self._automaton.make_automaton()
        self.demonym_forms = frozenset(
            fold(form.rstrip("*")) + suffix
            for _, by_lang in demonyms for forms in (by_lang or {}).values() for form in forms or []
            for suffix in (("", "e", "s", "es", "o", "a", "os", "as") if form.endswith("*") else ("",))
        )

    def name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def find(self, text: str, folded: str | None = None, language: str | None = None) -> list[CountryMention]:
        """All country mentions, longest first at each position, non-overlapping. Demonyms count
        in their own language only when the text is in one the lexicon has ('Pole' is no
        demonym in French, where it is 'pôle'); no country inside a longer place's name ('golfe
        de Guinée', 'Lake Chad', 'New South Wales')."""
        folded = folded if folded is not None else fold(text)
        candidates: list[CountryMention] = []
        length = len(folded)
        for end_index, (key, values) in self._automaton.iter(folded):
            start = end_index - len(key) + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            for code, kind, wildcard, needs_capital, form_language in values:
                if form_language and language in DEMONYM_LANGUAGES and form_language != language:
                    continue
                end = end_index + 1
                if kind == PREFIX:
                    # "franco-" must be followed by another word: "franco-marocain"; "Indo-Pacific" is a region
                    if end >= length or not folded[end].isalpha() or _OCEAN_AFTER_PREFIX.match(folded, end):
                        continue
                elif wildcard:
                    while end < length and folded[end].isalpha():
                        end += 1
                elif end < length and (folded[end].isalnum() or (folded[end] == "-" and kind != NAME and end + 1 < length and folded[end + 1].isalpha())):
                    continue
                surface = text[start:end]
                if needs_capital and not surface[:1].isupper():
                    continue
                if kind == NAME and len(key.replace(".", "")) <= 3 and surface.replace(".", "").upper() != surface.replace(".", ""):
                    continue  # "US", "UK" only in capitals (not "us")
                candidates.append(CountryMention(start, end, code, kind, surface))
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
        chosen: list[CountryMention] = []
        last_end = -1
        for mention in candidates:
            if mention.start >= last_end:
                last_end = mention.end
                if mention.kind == _BLOCK or _in_a_place_name(folded, mention):
                    continue
                if mention.kind == NAME and fold(mention.text) in self._needs_article \
                        and not _ARTICLE_BEFORE.search(folded, max(0, mention.start - 5), mention.start):
                    continue
                if self.counts_persons(folded, mention):
                    mention = replace(mention, nationality=True, counted=True)
                elif self.of_a_person(folded, mention):
                    mention = replace(mention, nationality=True)
                chosen.append(mention)
        chosen = [m for m in chosen if not (m.kind == CITY and fold(m.text) in self._shared_cities
                                            and not any(o.code == m.code and o.kind != CITY for o in chosen))]
        return self.with_coordinated_names(text, folded, chosen)

    def with_coordinated_names(self, text: str, folded: str, chosen: list[CountryMention]) -> list[CountryMention]:
        """The mentions, and the names that are also first names or common words ('Maurice',
        'Grenade') where they are joined to another country's name: 'Madagascar et Maurice',
        'Maurice and Seychelles'."""
        if self._coordinated_pattern is None or not chosen:
            return chosen
        names = [m for m in chosen if m.kind == NAME]
        added = []
        for match in self._coordinated_pattern.finditer(folded):
            code = self._coordinated_only[match.group(0)]
            if not text[match.start()].isupper() or any(m.start <= match.start() < m.end for m in chosen) \
                    or _SURNAME_AFTER.match(text, match.end()):   # 'le Sénégal et Maurice Dupont'
                continue
            joined = any(_COORDINATION.fullmatch(folded[m.end:match.start()]) or _COORDINATION.fullmatch(folded[match.end():m.start])
                         for m in names)
            if joined:
                added.append(CountryMention(match.start(), match.end(), code, NAME, text[match.start():match.end()]))
        return sorted(chosen + added, key=lambda m: m.start) if added else chosen

    def counts_persons(self, folded: str, mention: CountryMention) -> bool:
        """A demonym counted as persons of that nationality: a plural right after a number
        ('trois Ghanéens interpellés', 'cinco colombianos detenidos', '12 Nigerians'), one after
        'un', 'une', 'uno', 'una' ('un estadounidense', 'un Colombien a été arrêté'), or after
        'a'/'an' where no noun follows ('a South African and a Zimbabwean were arrested'). An
        English adjective after a number or an article ('two French officers', 'a Zimbabwean
        police officer') names that side's officers."""
        if mention.kind != DEMONYM:
            return False
        counted = words_before(folded, mention.start, 1)
        if not counted:
            return False
        if counted[0] in _ONE_PERSON:
            return True
        if counted[0] in ("a", "an"):
            return bool(_NO_NOUN_AFTER.match(folded, mention.end))
        return mention.text.endswith("s") and (counted[0] in self._people_counts or counted[0].isdigit())

    def of_a_person(self, folded: str, mention: CountryMention) -> bool:
        """A person's nationality: a demonym with a nationality noun within two words
        ('ciudadano peruano', 'an Albanian trafficker'), a country right after one ('ressortissant
        du Maroc', 'a citizen of Peru'); not a place ('détenu en Espagne')."""
        if mention.kind == DEMONYM:
            before = " ".join(words_before(folded, mention.start, 2))
            after = " ".join(words_after(folded, mention.end, 2))
            return bool(self._nationality_nouns.search(before + " | " + after))
        if mention.kind == NAME:
            match = _OF.search(folded[max(0, mention.start - 40):mention.start])
            return bool(match and self._nationality_nouns.fullmatch(match.group(1)))
        return False



# 'un colombiano', 'un Colombien': in French and Spanish an article right before a demonym makes it a noun
_ONE_PERSON = {"un", "une", "uno", "una"}
# what follows an English demonym used as a noun ('a Zimbabwean, were', 'a Briton and'), never a noun it qualifies
_NO_NOUN_AFTER = re.compile(r"\s*(?:[,.;:)]|$|(?:and|or|was|were|who|had|has|is|are)\b)")

ZONE_REGIONS = ("Africa", "Europe", "Asia", "Atlantic", "Indian")


def zone_cities(languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(country, city name) for the time-zone cities whose names CLDR translates into ``languages``."""
    territories = get_global("zone_territories")
    found = []
    for language in languages:
        for zone, names in sorted(Locale(language).time_zones.items()):
            city = names.get("city")
            if city and zone.split("/")[0] in ZONE_REGIONS and territories.get(zone):
                found.append((territories[zone], city))
    return found


@lru_cache(maxsize=1)
def shared_lexicon() -> CountryLexicon:
    """The process's one country lexicon, read-only once built: the enrichment's, the outlet names', the
    incidents stage's (a second one cost about 0.4 s, paid by the first article a worker read)."""
    return CountryLexicon()


class CountryResolver:
    """Finds the countries of an article, weighs them, and tags the article with them."""

    def __init__(self, lexicon: CountryLexicon) -> None:
        self.lexicon = lexicon

    def find(self, context: ArticleContext) -> None:
        """Reads text, folded. Adds countries: every name, demonym, prefix, capital and city."""
        context.countries = self.lexicon.find(context.text, context.folded, context.article.language)

    @staticmethod
    def weigh(context: ArticleContext) -> None:
        """Reads countries and the title. Adds country_weights: names count 1, cities 0.5,
        twice as much in the title."""
        weights: Counter = Counter()
        title_length = len(context.article.title)
        for mention in context.countries:
            weight = 1.0 if mention.kind in (NAME, CAPITAL, DEMONYM, PREFIX) else 0.5
            weights[mention.code] += weight * (2 if mention.start < title_length else 1)
        context.country_weights = weights

    def tag(self, context: ArticleContext) -> None:
        """Reads countries and organization_mentions. Adds country_tags: each country named
        or owning a body named, with the words that show it."""
        evidence: dict[str, list[str]] = {}
        for code, term in [(m.code, m.text) for m in context.countries] + [
            (m.country, m.text) for m in context.organization_mentions if m.country
        ]:
            terms = evidence.setdefault(code, [])
            if term not in terms:
                terms.append(term)
        context.country_tags = [
            CountryTag(code=code, name=self.lexicon.name(code), evidence=terms[:10], source="lexicon")
            for code, terms in sorted(evidence.items())
        ]
