"""spaCy pipelines, loaded once per model for the whole process, and the entities read from them."""

from __future__ import annotations

from streams.enrichment.context import PERSON_LABELS, SENTENCES_KEY, Entity
from streams.enrichment.persons import PARTICLES, is_title
from streams.enrichment.text import fold, split_sentences
from streams.settings import Settings

UNUSED_COMPONENTS = ["tagger", "morphologizer", "attribute_ruler", "lemmatizer", "senter"]
_LOADED: dict[str, object] = {}   # process-wide: one loaded pipeline per model name


def _our_sentence_starts(doc):
    """Tell the parser where sentences start, by ``split_sentences``.

    The project has one sentence segmentation, ``text.split_sentences`` (punctuation and
    newlines, not after abbreviations such as 'M.', 'Gen.', 'U.S.'): it is the one that works
    without a model (languages without a pipeline are enriched too), and the sentences
    events and attribution read come from it. Run before the parser, this component makes the
    parse (read by the events' relative-clause filter) respect those sentences: a title is never
    parsed into the body's first sentence. The parser may still cut a long sentence
    further; nothing reads spaCy's own sentences. (Forcing spaCy's sentences to be exactly
    ours also changes the model's entities; measured, it gained persons but cost organisations
    on the held-out set, so it is not done.)
    """
    text = doc.text
    sentences = split_sentences(text)
    # kept with the text they split: the resolvers read the same sentences (ArticleContext.build)
    doc.user_data[SENTENCES_KEY] = (text, sentences)
    starts = {sentence.start for sentence in sentences}
    for token in doc[1:]:
        if token.idx in starts:
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

    def load_all(self) -> None:
        """Load every language's pipeline now. Loading one takes seconds (the French
        tokenizer compiles its patterns), which the first article of its language would
        otherwise wait for, its partition held meanwhile."""
        for language in self.models:
            self.get(language)

    def get(self, language: str):
        """The spaCy pipeline for ``language`` (loaded once), or None when there is none."""
        name = self.models.get(language)
        if not name:
            return None
        if language not in self._by_language:
            if name not in _LOADED:
                import spacy
                from spacy.language import Language

                if not Language.has_factory("coopwatch_sentences"):
                    Language.component("coopwatch_sentences")(_our_sentence_starts)
                # Only what the enrichment reads: entities (ner) and the dependency parse (parser,
                # on tok2vec). Tags, morphology and lemmas are never read; without their
                # components the entities and the parse are the same, and the NLP is faster.
                nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
                nlp.add_pipe("coopwatch_sentences", before="parser")
                _LOADED[name] = nlp
            self._by_language[language] = _LOADED[name]
        return self._by_language[language]


def model_entities(doc) -> list[Entity]:
    """The entities of ``doc`` (none without a pipeline); a person's span runs on over the
    capitalised words and name particles that follow it, and back over the given name before
    a span that starts with a particle.

    A pipeline reading a language it was not trained on often stops a name early
    ("Rui" of "Rui Tavares Lopes"), and long Arabic names with their particles ("Khalifa bin
    Hamad bin Khalifa Al Thani") are often cut or start at "bin": the capitalised words around
    a name with no entity of their own are the rest of it.
    """
    if doc is None:
        return []
    entities = []
    for entity in doc.ents:
        start, end = entity.start, entity.end
        if entity.label_ in PERSON_LABELS:
            while end < len(doc) and end - start < _MAX_PERSON_TOKENS and doc[end - 1].whitespace_ == " " and (
                (_free_capitalised(doc[end]) and _name_words(doc[start:end]) < _MAX_RUN_ON_WORDS)
                or (fold(doc[end].text) in PARTICLES and end + 1 < len(doc) and _free_capitalised(doc[end + 1]))
            ):
                end += 1
            if (fold(doc[start].text) in PARTICLES and start > 0 and _free_capitalised(doc[start - 1])
                    and not doc[start - 1].is_sent_start and fold(doc[start - 1].text) not in PARTICLES
                    and not is_title(doc[start - 1].text) and doc[start - 1].whitespace_ == " "):
                start -= 1
        entities.append(Entity(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text), entity.label_))
    return entities


_MAX_PERSON_TOKENS = 9     # particles included
_MAX_RUN_ON_WORDS = 4      # words that are not particles, when running on over bare capitalised words


def _name_words(span) -> int:
    return sum(1 for token in span if fold(token.text) not in PARTICLES)


def _free_capitalised(token) -> bool:
    """A capitalised word that no other entity claims."""
    return token.is_alpha and token.is_title and not token.ent_type_
