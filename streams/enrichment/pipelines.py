"""spaCy pipelines, loaded once per model for the whole process, and the entities read from them."""

from __future__ import annotations

from streams.enrichment.context import PERSON_LABELS, Entity
from streams.settings import Settings

_LOADED: dict[str, object] = {}   # process-wide: one loaded pipeline per model name


def _newline_boundaries(doc):
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


class Pipelines:
    """The spaCy pipeline of each language the settings name."""

    def __init__(self, settings: Settings) -> None:
        self.models = {"fr": settings.spacy_model_fr, "en": settings.spacy_model_en}
        # No Spanish, Italian or Portuguese pipeline for spaCy 3.8 is on PyPI; the French
        # one finds their person names well enough (shared capitalisation and name shapes).
        for language in settings.romance_languages_via_french:
            self.models.setdefault(language, settings.spacy_model_fr)
        self._by_language: dict[str, object] = {}

    def get(self, language: str):
        """The spaCy pipeline for ``language`` (loaded once), or None when there is none."""
        name = self.models.get(language)
        if not name:
            return None
        if language not in self._by_language:
            if name not in _LOADED:
                import spacy
                from spacy.language import Language

                if not Language.has_factory("coopwatch_newlines"):
                    Language.component("coopwatch_newlines")(_newline_boundaries)
                nlp = spacy.load(name, exclude=["lemmatizer"])
                nlp.add_pipe("coopwatch_newlines", before="parser")
                _LOADED[name] = nlp
            self._by_language[language] = _LOADED[name]
        return self._by_language[language]


def model_entities(doc) -> list[Entity]:
    """The entities of ``doc`` (none without a pipeline); a person's span runs on over the
    capitalised words that follow it.

    A pipeline reading a language it was not trained on often stops a name early
    ("Rui" of "Rui Tavares Lopes"); the words that follow a name with a capital
    and no entity of their own are the rest of it.
    """
    if doc is None:
        return []
    entities = []
    for entity in doc.ents:
        end = entity.end
        if entity.label_ in PERSON_LABELS:
            while (
                end < len(doc) and end - entity.start < 4 and doc[end].is_alpha and doc[end].is_title
                and not doc[end].ent_type_ and doc[end - 1].whitespace_ == " "
            ):
                end += 1
        entities.append(Entity(doc[entity.start].idx, doc[end - 1].idx + len(doc[end - 1].text), entity.label_))
    return entities
