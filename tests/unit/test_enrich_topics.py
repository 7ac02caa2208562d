"""TopicResolver: threat topics from the lexicon, organisation names masked."""

from tests.unit.conftest import context_before


def topics(enricher, text, language="en"):
    context = context_before(enricher, "topics", text, language)
    enricher.topics.resolve(context)
    return {t.topic: t.terms for t in context.topics}


def test_topics_with_the_terms_that_show_them(enricher):
    assert topics(enricher, "Police seized two tonnes of cocaine in Bogota.") == {"drug_trafficking": ["cocaine"]}


def test_an_agency_name_is_no_topic(enricher):
    text = "The Drug Enforcement Administration opened an office in Bogota."
    assert "drug_trafficking" in enricher.topics.lexicon.find(text.lower())   # the words alone would count
    assert topics(enricher, text) == {}
