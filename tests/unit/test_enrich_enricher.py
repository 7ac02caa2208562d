from datetime import datetime, timezone
from types import SimpleNamespace

from tests.unit.conftest import make_article as article


def test_meeting_and_visit_with_evidence(enricher):
    result = enricher.enrich(article(
        "Sécurité : Rabat reçoit une délégation belge",
        "Le directeur de la Sûreté de l'État (VSSE), Jan Peeters, a tenu une séance de travail avec les responsables "
        "de la DGSN lors de sa visite au Maroc. Les discussions ont porté sur la lutte contre le terrorisme.",
        "fr",
    ))
    events = {(e.type, tuple(e.countries), e.location) for e in result.events}
    assert ("meeting", ("BE", "MA"), "MA") in events
    assert ("visit", ("BE", "MA"), "MA") in events
    meeting = next(e for e in result.events if e.type == "meeting")
    assert "séance de travail" in meeting.evidence
    assert [p.name for p in result.persons] == ["Jan Peeters"]
    assert {(o.label, o.country) for o in result.organizations} == {("VSSE", "BE"), ("DGSN", "MA")}
    assert [t.topic for t in result.topics] == ["terrorism"]
    assert result.enricher_version.startswith("agencies:")


def test_country_qualifier_overrides_agency_default(enricher):
    result = enricher.enrich(article(
        "Formation", "Des cadres de la Direction générale de la sûreté nationale (DGSN) de Mauritanie et de la Garde nationale tunisienne.", "fr",
    ))
    assert {(o.label, o.country) for o in result.organizations} == {("DGSN", "MR"), ("Garde nationale", "TN")}


def test_ministries_get_their_country_from_the_text(enricher):
    result = enricher.enrich(article(
        "Talks", "Greek Interior Minister Nikos Papadakis met his Bulgarian counterpart in Athens on Monday.", "en",
    ))
    assert {(o.name, o.country) for o in result.organizations} == {("Ministry of the Interior", "GR"), ("Ministry of the Interior", "BG")}
    assert {("meeting", "GR")} <= {(e.type, e.location) for e in result.events}


def test_negated_extradition_is_not_an_event(enricher):
    result = enricher.enrich(article(
        "Justice", "Italian law prohibits the extradition of its nationals to Albania, and no agreement was reached on drug trafficking.", "en",
    ))
    assert result.events == []


def test_intelligence_sharing_excludes_places_of_the_crime(enricher):
    result = enricher.enrich(article(
        "Attentat déjoué", "Les services algériens ont transmis à leurs homologues italiens des informations sur un suspect installé en Libye, soupçonné de terrorisme.", "fr",
    ))
    assert [(e.type, e.countries) for e in result.events] == [("intelligence_sharing", ["DZ", "IT"])]


def test_single_country_arrests_are_not_joint_operations(enricher):
    result = enricher.enrich(article(
        "Arrests", "The Guardia Civil arrested five people in Valencia for drug trafficking, a Moroccan national among them.", "en",
    ))
    assert result.events == []


def test_person_named_like_a_country_is_not_a_country(enricher):
    result = enricher.enrich(article("Visit", "Deputy Director Paul Jordan of the NCA visited Rabat. Jordan said the talks went well.", "en"))
    assert "JO" not in {c.code for c in result.countries}
    assert [p.name for p in result.persons] == ["Paul Jordan"]


def test_language_without_pipeline_uses_lexicons(enricher):
    result = enricher.enrich(article(
        "Operación conjunta", "La Policía Nacional y la Gendarmería Real desarticularon en Ceuta una red criminal de tráfico de hachís con Marruecos.", "es",
    ))
    assert {c.code for c in result.countries} >= {"ES", "MA"}
    assert {"drug_trafficking", "organized_crime"} <= {t.topic for t in result.topics}
    assert ("CNP", "ES") in {(o.label, o.country) for o in result.organizations}


def test_enrich_many_matches_enrich(enricher):
    items = [
        article("A", "Europol et Eurojust ont coordonné une opération conjointe en France et en Belgique contre le trafic d'armes.", "fr"),
        article("B", "Senegal and Mali signed a memorandum on border security in Dakar.", "en"),
    ]
    now = datetime(2024, 5, 2, tzinfo=timezone.utc)
    single = [enricher.enrich(a, now=now) for a in items]
    batch = enricher.enrich_many(items)
    assert [[e.model_dump() for e in r.events] for r in single] == [[e.model_dump() for e in r.events] for r in batch]
    assert [(e.type, e.countries) for e in batch[0].events] == [("joint_operation", ["BE", "FR"])]
    assert [(e.type, e.countries, e.location) for e in batch[1].events] == [("agreement", ["ML", "SN"], "SN")]


def test_spanish_names_are_found_through_the_french_pipeline(enricher):
    result = enricher.enrich(article(
        "Reunión en Lisboa",
        "La ministra de Justicia, Carmen Ortiz Delgado, recibió en Lisboa a su homólogo portugués, Rui Tavares Lopes.",
        "es",
    ))
    assert {"Carmen Ortiz Delgado", "Rui Tavares Lopes"} <= {p.name for p in result.persons}


def test_a_list_of_countries_is_not_a_person(enricher):
    result = enricher.enrich(article(
        "Cooperación regional",
        "Los jefes de policía de Argelia y Marruecos se reunieron con sus colegas de Libia y Túnez en Argel.",
        "es",
    ))
    assert not any("Libia" in p.name or "Argelia" in p.name for p in result.persons)
    assert {"DZ", "MA", "LY", "TN"} <= {c.code for c in result.countries}


def test_the_enrichment_and_the_outlet_lookup_share_one_country_lexicon(enricher):
    """A second lexicon took about 0.4 s to build, paid by the first article a worker read."""
    from streams.enrichment.countries import shared_lexicon

    assert enricher.countries.lexicon is shared_lexicon()


def test_every_languages_pipeline_is_loaded_before_the_first_article(monkeypatch):
    import spacy

    from streams.enrichment import pipelines
    from streams.settings import Settings

    loads: list[str] = []
    monkeypatch.setattr(pipelines, "_LOADED", {})
    monkeypatch.setattr(spacy, "load", lambda name, **_: loads.append(name) or SimpleNamespace(add_pipe=lambda *a, **k: None))
    settings = Settings()
    found = pipelines.Pipelines(settings)
    found.load_all()
    assert sorted(loads) == sorted({settings.spacy_model_fr, settings.spacy_model_en})   # each model once
    loads.clear()
    assert {"fr", "en"} < set(found.models)
    assert all(found.get(language) is not None for language in found.models)
    assert loads == []   # no article of any language waits for a pipeline to load
