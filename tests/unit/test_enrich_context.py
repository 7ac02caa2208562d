"""The article context and the spaCy pipelines that feed it."""

from tests.unit.conftest import make_article

from streams.enrichment.context import SENTENCES_KEY, ArticleContext, OrgMention
from streams.enrichment.pipelines import model_entities
from streams.enrichment.text import split_sentences


def test_context_text_is_title_then_body_with_folded_offsets_intact():
    context = ArticleContext.build(make_article("Sûreté à Rabat", "M. Sarr est arrivé. Il a parlé.", "fr"), None, [])
    assert context.text == "Sûreté à Rabat\n\nM. Sarr est arrivé. Il a parlé."
    assert len(context.folded) == len(context.text) and context.folded.startswith("surete a rabat")
    assert context.text[context.body_start:].startswith("M. Sarr")
    assert [s.text for s in context.sentences] == ["Sûreté à Rabat", "M. Sarr est arrivé.", "Il a parlé."]


def test_the_sentences_the_pipeline_split_are_read_not_split_again(enricher):
    article = make_article("Sûreté à Rabat", "M. Sarr est arrivé. Il a parlé au Gen. Diallo.", "fr")
    doc = enricher.pipeline("fr")(enricher.article_text(article))
    context = ArticleContext.build(article, doc, model_entities(doc))
    assert context.sentences is doc.user_data[SENTENCES_KEY][1]
    assert context.sentences == split_sentences(context.text)
    other = make_article("Autre titre", "Un autre texte. Et une phrase.", "fr")
    context = ArticleContext.build(other, doc, [])   # a doc of another text: its sentences are not these
    assert [s.text for s in context.sentences] == ["Autre titre", "Un autre texte.", "Et une phrase."]


def test_sentence_at_finds_the_sentence_of_an_offset():
    context = ArticleContext.build(make_article("Title", "One here. Two there.", "en"), None, [])
    assert context.sentence_at(context.text.index("there")).text == "Two there."
    assert context.sentence_at(context.text.index("One")).text == "One here."
    assert context.sentence_at(len("Title") + 1) is None   # the blank line between title and body


def test_organization_mentions_stay_in_text_order():
    context = ArticleContext.build(make_article("Title", "text", "en"), None, [])
    context.add_organization_mentions([OrgMention(30, 34, "b", "B"), OrgMention(10, 14, "a", "A")])
    context.add_organization_mentions([OrgMention(20, 24, "c", "C")])
    assert [m.key for m in context.organization_mentions] == ["a", "c", "b"]


def test_parser_keeps_the_title_out_of_the_first_sentence(enricher):
    nlp = enricher.pipeline("en")
    doc = nlp("Police chiefs meet in Rabat\n\nThe heads of police met on Monday.")
    assert [s.text.strip() for s in doc.sents][:2] == ["Police chiefs meet in Rabat", "The heads of police met on Monday."]


def test_parser_does_not_split_after_an_abbreviation(enricher):
    text = "Le directeur a reçu M. Dupont à Rabat."
    doc = enricher.pipeline("fr")(text)
    assert not any(token.is_sent_start for token in doc[1:] if token.text == "Dupont")


def test_person_entity_runs_on_over_the_capitalised_words_after_it(enricher):
    text = "La ministra recibió en Lisboa a su homólogo portugués, Rui Tavares Lopes."
    entities = model_entities(enricher.pipeline("es")(text))
    assert "Rui Tavares Lopes" in {text[e.start:e.end] for e in entities if e.label == "PER"}


def test_no_pipeline_no_entities():
    assert model_entities(None) == []


def test_a_person_span_runs_over_particles_and_back_over_the_given_name():
    import spacy
    from spacy.tokens import Span

    nlp = spacy.blank("en")
    doc = nlp("He met Prince Faisal bin Salman bin Abdullah Al Hashem in Riyadh.")
    bin_at = [t.text for t in doc].index("bin")
    doc.ents = [Span(doc, bin_at, bin_at + 2, label="PERSON")]    # the model's 'bin Salman'
    (start, end, label), = model_entities(doc)
    assert (doc.text[start:end], label) == ("Faisal bin Salman bin Abdullah Al Hashem", "PERSON")
    doc = nlp("Le juge Ana Lopes Ferreira Gomes Pinto Rocha a parlé.")
    doc.ents = [Span(doc, 2, 3, label="PER")]
    (start, end, _), = model_entities(doc)
    assert doc.text[start:end] == "Ana Lopes Ferreira Gomes"      # bare capitalised words: four at most
