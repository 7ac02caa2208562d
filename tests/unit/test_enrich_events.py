"""EventResolver: cooperation events of a security article, with their countries and place."""

from tests.unit.conftest import context_before

from streams.enrichment.events import relcl_filter


def events(enricher, text, language="en", title="Note"):
    context = context_before(enricher, "events", text, language, title)
    enricher.events.resolve(context)
    return [(e.type, e.countries, e.location) for e in context.events]


def test_agreement_between_two_countries_at_the_place_named(enricher):
    assert events(enricher, "Senegal and Mali signed a memorandum of understanding on terrorism in Dakar.") == [
        ("agreement", ["ML", "SN"], "SN"),
    ]


def test_no_events_outside_security(enricher):
    assert events(enricher, "Senegal and Mali signed a memorandum of understanding on trade in Dakar.") == []


def test_the_dateline_places_an_event_that_names_no_place(enricher):
    context = context_before(enricher, "events", "MUSCAT: Oman and the United Kingdom signed a memorandum of understanding "
                             "on countering terrorism on Monday.", title="Oman, UK sign security memorandum")
    assert enricher.events.dateline(context) == "OM"
    enricher.events.resolve(context)
    assert [(e.type, e.countries, e.location) for e in context.events] == [("agreement", ["GB", "OM"], "OM")]


def test_sentence_views_hold_each_sentence_with_its_actors(enricher):
    context = context_before(enricher, "events", "La Guardia Civil a rencontré la DGSN à Rabat. Ils ont parlé de terrorisme.", "fr")
    views = enricher.events.sentence_views(context)
    assert [v.text for v in views] == ["Note", "La Guardia Civil a rencontré la DGSN à Rabat.", "Ils ont parlé de terrorisme."]
    assert [(a.code, a.source, a.locative) for a in views[1].actors] == [("MA", "country", True), ("ES", "agency", False), ("MA", "agency", False)]


def test_a_country_in_a_relative_clause_is_no_actor(enricher):
    text = "Police in Spain and France arrested a suspect, who had fled from Italy, in a joint operation against drug trafficking."
    assert events(enricher, text) == [("joint_operation", ["ES", "FR"], "ES")]
    context = context_before(enricher, "events", text)
    italy = next(c for c in context.countries if c.code == "IT")
    actor = next(a for v in enricher.events.sentence_views(context) for a in v.actors if a.start == italy.start)
    assert not relcl_filter(context.doc)(actor, context.text.index("joint operation"))
