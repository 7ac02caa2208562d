"""One huge article must not hold its partition: the enrichment reads a bounded prefix of it."""

from streams.enrichment.text import bounded_prefix

from .conftest import make_article

PARAGRAPH = ("Spanish and Moroccan police officers met in Rabat on Tuesday to review their joint work against "
             "drug trafficking networks operating across the Strait of Gibraltar.\n")


def test_short_texts_are_read_whole():
    assert bounded_prefix("Short text.", 1000) == "Short text."


def test_the_prefix_ends_at_a_paragraph_break_or_else_a_space():
    text = "First paragraph.\nSecond paragraph is longer than the rest."
    assert bounded_prefix(text, 30) == "First paragraph."
    one_paragraph = "word " * 100
    prefix = bounded_prefix(one_paragraph, 52)
    assert len(prefix) <= 52 and one_paragraph.startswith(prefix) and prefix.endswith("word")
    assert bounded_prefix("x" * 500, 100) == "x" * 100  # no break at all: cut at the limit


class CountingPipeline:
    """The real spaCy pipeline, noting the size of every doc it makes."""

    def __init__(self, nlp):
        self.nlp, self.docs = nlp, []

    def pipe(self, texts, **options):
        for doc in self.nlp.pipe(texts, **options):
            self.docs.append((len(doc.text), len(doc)))
            yield doc

    def __call__(self, text):
        doc = self.nlp(text)
        self.docs.append((len(doc.text), len(doc)))
        return doc


def test_a_900000_character_body_is_enriched_from_a_bounded_prefix_and_kept_whole(enricher, monkeypatch):
    limit = enricher.nlp_max_chars
    assert limit <= 50_000   # the default: about two seconds of NLP, whatever the body's size
    body = PARAGRAPH * (900_000 // len(PARAGRAPH))
    body += "German and Italian customs officers later met in Berlin to discuss arms trafficking.\n"
    article = make_article("Police cooperation across the Strait", body, "en")
    assert len(article.text) > 890_000

    counting = CountingPipeline(enricher.pipeline("en"))
    monkeypatch.setattr(enricher, "pipeline", lambda language: counting)
    [enriched] = enricher.enrich_many([article])

    [(characters, tokens)] = counting.docs
    assert characters <= limit and tokens < limit // 4, "the model read more than the bounded prefix"
    assert enricher.article_text(article) == (article.title + "\n\n" + article.text)[:characters]
    assert enriched.text == article.text  # the whole body goes on to the index
    codes = {country.code for country in enriched.countries}
    assert {"ES", "MA"} <= codes, "what the prefix says is found"
    assert not {"DE", "IT"} & codes, "what lies beyond the prefix is not read"
