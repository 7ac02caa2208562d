"""Country attribution shared by the agency, ministry and institution resolvers."""

from collections import Counter

from tests.unit.conftest import context_before, make_article

from streams.enrichment.attribution import context_country, qualifier_country, seat_or_preceding_country
from streams.enrichment.outlets import language_country, source_name_country
from streams.enrichment.context import OrgMention


def mention_of(context, surface):
    start = context.text.index(surface)
    return OrgMention(start, start + len(surface), "a-body", surface)


def qualifier(enricher, text, surface, language="en"):
    context = context_before(enricher, "agency countries", text, language)
    return qualifier_country(mention_of(context, surface), context.countries, context.text)


def test_qualifier_after_inside_or_before_the_name(enricher):
    assert qualifier(enricher, "Des cadres de la DGSN de Mauritanie.", "DGSN", "fr") == "MR"
    assert qualifier(enricher, "La Garde nationale tunisienne patrouille.", "Garde nationale", "fr") == "TN"
    assert qualifier(enricher, "Le ministère espagnol de l'Intérieur a réagi.", "ministère espagnol de l'Intérieur", "fr") == "ES"
    assert qualifier(enricher, "Spain's Guardia Civil seized hashish.", "Guardia Civil") == "ES"
    assert qualifier(enricher, "The Guardia Civil met officers in Spain.", "Guardia Civil") is None


def test_context_country_prefers_the_place_of_the_sentence_over_a_partner(enricher):
    context = context_before(enricher, "agency countries", "In Rabat, the National Guard worked with Spain on the case.")
    assert context_country(mention_of(context, "National Guard"), context.countries, context) == "MA"
    context = context_before(enricher, "agency countries", "Morocco hosted the talks. The National Guard worked with Spain on the case.")
    assert context_country(mention_of(context, "National Guard"), context.countries, context) == "MA"


def test_seat_written_after_the_body_else_the_country_named_before(enricher):
    context = context_before(enricher, "institutions", "The High Court in Lagos sat. Ghana was not mentioned before.")
    court = mention_of(context, "High Court")
    assert seat_or_preceding_country(court.start, court.end, context.countries, context.folded, Counter()) == "NG"
    context = context_before(enricher, "institutions", "Two men were tried in Ghana. The High Court sat.")
    court = mention_of(context, "High Court")
    assert seat_or_preceding_country(court.start, court.end, context.countries, context.folded, Counter()) == "GH"


# ---------------------------------------------------------------- what shows where a body belongs
from streams.enrichment.attribution import article_home, home_evidence
from streams.enrichment.outlets import outlet_country


def evidence_codes(enricher, text, language="en"):
    context = context_before(enricher, "agency countries", text, language)
    return [m.code for m in home_evidence(context)]


def test_a_persons_nationality_is_no_evidence_of_where_a_body_belongs(enricher):
    assert evidence_codes(enricher, "La Corte Suprema aprobó la extradición de un ciudadano peruano detenido en Chile.", "es") == ["CL"]
    assert evidence_codes(enricher, "An Albanian trafficker was arrested in Dubai.") == ["AE"]
    assert evidence_codes(enricher, "Un ressortissant du Maroc a été remis à la justice en Belgique.", "fr") == ["BE"]


def test_the_ends_of_a_route_and_another_party_are_no_evidence(enricher):
    assert evidence_codes(enricher, "La droga salió desde Marruecos y Argelia hacia Italia; la Fiscalía de Francia investiga.", "es") == ["FR"]
    assert evidence_codes(enricher, "Le parquet a saisi les autorités marocaines et le juge belge a signé.", "fr") == ["BE"]
    assert evidence_codes(enricher, "Eight suspects will be extradited to the United States, Kenyan police said.") == ["KE"]


def test_outlet_country_from_a_country_code_domain():
    assert outlet_country("https://www.rtbf.be/article/x-123") == "BE"
    assert outlet_country("https://news.example.co.uk/world/1") == "GB"
    assert outlet_country("https://www.diario.com.co/judicial/1") == "CO"
    assert outlet_country("https://news.co/story") is None            # a country domain used as a generic one
    assert outlet_country("https://example.com/story") is None
    assert outlet_country("https://europa.eu/x") is None
    assert outlet_country(None) is None


def test_the_article_is_written_from_its_dateline_else_its_outlet_when_it_names_that_country(enricher):
    context = context_before(enricher, "agency countries", "Madrid\nEl ministro viajó a Dakar para negociar con Senegal.", "es")
    assert article_home(context) == "ES"
    context = context_before(enricher, "agency countries", "The minister flew to Rabat to meet Moroccan officials.")
    context.article = context.article.model_copy(update={"url": "https://www.paper.nl/news/1"})
    assert article_home(context) is None                       # the article never names the Netherlands
    context = context_before(enricher, "agency countries", "The Dutch minister flew to Rabat to meet Moroccan officials.")
    context.article = context.article.model_copy(update={"url": "https://www.paper.nl/news/1"})
    assert article_home(context) == "NL"


def test_an_outlet_s_name_places_the_article_when_the_article_names_its_country(enricher):
    # a Canadian paper by its feed id: its unqualified minister who visits Mexico is Canada's, not
    # the United States' the background names more often
    text = ("Le ministre fédéral de la Sécurité publique a entamé mercredi une visite officielle au Mexique. "
            "Ottawa veut montrer à Washington qu'il lutte contre le fentanyl, sur fond de menaces américaines.")
    context = context_before(enricher, "agency countries", text, "fr")
    context.article = context.article.model_copy(update={"source": "la-presse-ca"})
    assert article_home(context) == "CA"
    context.article = context.article.model_copy(update={"source": "la-presse-be"})
    assert article_home(context) is None                       # the article never names Belgium


def test_an_outlet_s_body_named_places_the_article_in_the_outlet_s_country(enricher):
    text = ("El ministro de Gobernación sostuvo ayer un encuentro con el secretario de Seguridad de Honduras. "
            "Participaron los directores de la Policía Nacional Civil (PNC) y de la Policía Nacional de Honduras. Se abordaron los flujos migratorios hacia México y Estados Unidos.")
    article = make_article("Encuentro", text, "es").model_copy(update={"source": "el-diario-de-guatemala"})
    ministries = [o for o in enricher.enrich(article).organizations if "Interior" in o.name or "Gobernación" in o.name]
    assert [o.country for o in ministries] == ["GT"]


def test_an_unqualified_ministry_is_that_of_the_country_the_article_is_written_from(enricher):
    text = "RABAT - Le ministre de l'Intérieur a reçu mardi une délégation sénégalaise venue de Dakar."
    context = context_before(enricher, "ministry countries", text, "fr")
    enricher.ministries.resolve(context)
    assert [(m.country, m.country_source) for m in context.organization_mentions] == [("MA", "context")]
    text = "Madrid\nLas negociaciones que mantuvo en Dakar el ministro del Interior dieron fruto."
    context = context_before(enricher, "ministry countries", text, "es")
    enricher.ministries.resolve(context)
    assert [m.country for m in context.organization_mentions] == ["ES"]    # where he travelled is not his country


def test_an_outlet_named_after_its_city_or_nationality_has_its_country():
    assert source_name_country("buenos-aires-diario") == "AR"
    assert source_name_country("dutch-news-digest") == "NL"
    assert source_name_country("Le Matin du Sud") is None
    assert source_name_country("iberia-wire") is None and source_name_country(None) is None

    # a feed id ending in a country code
    assert (source_name_country("aps-sn"), source_name_country("el-universal-mx"), source_name_country("bbc_uk")) == ("SN", "MX", "GB")
    # not a country code, a language edition, a language in brackets, or a place that says otherwise
    assert source_name_country("news-xx") is None and source_name_country("aljazeera-ar") is None
    assert source_name_country("sahara-news-fr") is None and source_name_country("iberia-press-es") is None
    # an edition of an outlet the gazetteer lists is that outlet's
    assert source_name_country("hespress-fr") == "MA" and source_name_country("europa-press-es") == "ES"
    assert source_name_country("allAfrica (fr)") is None and source_name_country("dakar-wire-fr") == "SN"


def test_a_languages_country_is_the_likely_one_cldr_gives_except_for_english():
    assert (language_country("es"), language_country("fr"), language_country("de")) == ("ES", "FR", "DE")
    assert language_country("en") is None and language_country(None) is None


def test_an_outlet_the_gazetteer_lists_has_its_country_unless_several_share_its_name(monkeypatch):
    from streams.enrichment import outlets
    gazetteer = outlets.OutletGazetteer("test", {"newvision": "UG", "lessor": "ML"}, frozenset({"lanacion", "afp"}))
    monkeypatch.setattr(outlets, "outlet_gazetteer", lambda: gazetteer)
    # however the feed id writes the name
    assert (source_name_country("new-vision"), source_name_country("L'Essor"), source_name_country("l_essor")) == ("UG", "ML", "ML")
    # a name outlets of several countries share, a wire: no country, not even a guess from a place in the name
    assert source_name_country("la-nacion") is None and source_name_country("afp") is None
    # a shared name placed by the country code its feed id ends with
    assert source_name_country("la-nacion-cr") == "CR"
    # an outlet the gazetteer does not list: the place its name carries
    assert source_name_country("dakar-wire") == "SN"


def test_a_shared_outlet_name_takes_the_one_of_its_countries_the_article_names(monkeypatch):
    from streams.enrichment import outlets
    gazetteer = outlets.OutletGazetteer("test", {}, frozenset({"lanation", "afp"}), {"lanation": frozenset({"BJ", "DJ"})})
    monkeypatch.setattr(outlets, "outlet_gazetteer", lambda: gazetteer)
    assert outlets.shared_name_home("la-nation", ["DJ", "ET"]) == "DJ"
    assert outlets.shared_name_home("La Nation (Cotonou)", ["BJ", "NG"]) == "BJ"
    # both namesakes named, or neither: no guess; a wire or a name of one country's outlets is no shared name
    assert outlets.shared_name_home("la-nation", ["BJ", "DJ"]) is None
    assert outlets.shared_name_home("la-nation", ["ET"]) is None
    assert outlets.shared_name_home("afp", ["FR"]) is None


def test_the_outlet_gazetteer_lists_countries_by_their_codes_and_leaves_shared_names_unplaced():
    from streams.enrichment.outlets import outlet_gazetteer
    gazetteer = outlet_gazetteer()
    assert len(gazetteer.homes) > 500
    assert all(len(code) == 2 and code.isupper() for code in gazetteer.homes.values())
    assert not set(gazetteer.homes) & gazetteer.unplaced


def test_an_office_whose_sentence_names_only_its_partner_is_the_outlet_s_country(enricher):
    # a paper of La Paz that never names Bolivia: its ministry coordinated with Peru, it is not Peru's
    text = ("El Ministerio de Defensa presentó este viernes el balance de la acción coordinada con el Perú en el lago "
            "Titicaca contra el contrabando.")
    article = make_article("Balance", text, "es").model_copy(update={"source": "la-razon-bo"})
    assert [o.country for o in enricher.enrich(article).organizations if "Defensa" in o.name or "Defen" in o.name] == ["BO"]
