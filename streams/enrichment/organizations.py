"""Organisation records: the mentions of agencies, ministries and institutions grouped into
one ``Organization`` per body and country, with the names an analyst may search for."""

from __future__ import annotations

from collections.abc import Container

from schemas.articles import Organization
from streams.enrichment.agencies import AgencyGazetteer
from streams.enrichment.context import ArticleContext, OrgMention
from streams.enrichment.institutions import strip_qualifier
from streams.enrichment.ministries import MinistryFinder
from streams.enrichment.text import fold_key


class OrganizationBuilder:
    def __init__(self, agencies: AgencyGazetteer, ministries: MinistryFinder, demonym_forms: frozenset[str]) -> None:
        self.agencies = agencies
        self.ministries = ministries
        self.demonym_forms = demonym_forms

    def build(self, context: ArticleContext) -> None:
        """Reads organization_mentions, countries, the article's language. Adds organizations:
        named in that language from the gazetteer (or as written, for institutions), with the
        forms seen in the text, with and without their national qualifier, as aliases."""
        qualifier_words = _AnyOf(context.qualifier_words, self.demonym_forms)
        by_key: dict[tuple[str, str | None], Organization] = {}
        for mention in context.organization_mentions:
            key = (mention.key, mention.country)
            org = by_key.get(key)
            if org is None:
                acronym, name, aliases, kind, agency_acronyms = self._describe(mention, context.article.language)
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
        context.organizations = merge_generic(list(by_key.values()))

    def _describe(self, mention: OrgMention, language: str) -> tuple[str | None, str, list[str], str, list[str]]:
        """(acronym, name, aliases, kind, the agency's acronyms) of the body a mention names."""
        if mention.key.startswith("institution:"):
            return mention.acronym, mention.canonical or mention.text, list(mention.aliases), "institution", []
        if mention.key.startswith("ministry:"):
            portfolio = mention.key.split(":")[1]
            acronym, name, aliases = self.ministries.describe(portfolio, mention.country, language, mention.canonical)
            return acronym, name, aliases, "ministry", []
        agency = self.agencies.agencies[mention.key]
        acronym = mention.acronym or (agency.acronyms[0] if agency.acronyms else None)
        name = agency.name_for(language)
        aliases = [n for n in agency.all_names() + agency.forms + agency.aliases if n != name]
        return acronym, name, aliases, agency.kind, agency.acronyms


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


class _AnyOf:
    """The words of any of several sets, without copying them into one (the demonyms' forms
    are thousands: one copy per article cost more than the rest of the builder)."""

    def __init__(self, *sets: Container[str]) -> None:
        self.sets = sets

    def __contains__(self, word: object) -> bool:
        return any(word in words for words in self.sets)
