"""MinistryResolver: ministries by portfolio, and the country of each."""

from tests.unit.conftest import context_before

from streams.enrichment.context import OrgMention


def ministries(enricher, text, language="en", title="Note"):
    context = context_before(enricher, "ministry countries", text, language, title)
    enricher.ministries.resolve(context)
    return [(m.key, m.country, m.country_source) for m in context.organization_mentions if m.key.startswith("ministry:")]


def test_find_skips_a_ministry_inside_an_agency_name(enricher):
    context = context_before(enricher, "ministries", "The Ministry of Interior and the Italian Interior Ministry met.")
    enricher.ministries.find(context)
    assert [m.text for m in context.ministry_mentions] == ["Ministry of Interior", "Interior Ministry"]
    start = context.text.index("Ministry of Interior")
    context.agency_mentions = [OrgMention(start, start + len("Ministry of Interior"), "an-agency", "Ministry of Interior")]
    enricher.ministries.find(context)
    assert [m.text for m in context.ministry_mentions] == ["Interior Ministry"]


def test_qualifier_and_counterpart(enricher):
    assert ministries(enricher, "Greek Interior Minister Nikos Papadakis met his Bulgarian counterpart in Athens on Monday.") == [
        ("ministry:interior", "GR", "qualifier"), ("ministry:interior", "BG", "counterpart"),
    ]


def test_the_two_countries_ministers_are_one_ministry_each(enricher):
    assert ministries(enricher, "Spain and Morocco signed a pact. The two countries' interior ministers met in Madrid.") == [
        ("ministry:interior", "ES", "plural"), ("ministry:interior", "MA", "plural"),
    ]


def test_acronym_in_brackets_names_the_country(enricher):
    assert ministries(enricher, "Senegalese officers attend a course funded by the Federal Interior Ministry (BMI).") == [
        ("ministry:interior", "DE", "qualifier"),
    ]


def test_unqualified_ministry_takes_the_country_of_its_sentence(enricher):
    assert ministries(enricher, "In Rabat, the Interior Ministry announced the arrest of five suspects.") == [
        ("ministry:interior", "MA", "context"),
    ]


def test_coordinated_qualifiers_give_one_ministry_each(enricher):
    expected = [("ministry:interior", "FR", "qualifier"), ("ministry:interior", "MA", "qualifier")]
    assert ministries(enricher, "Les ministres de l'Intérieur français et marocain ont tenu une conférence de presse.", "fr") == expected
    assert ministries(enricher, "Les ministres français et marocain de l'Intérieur ont tenu une conférence de presse.", "fr") == expected
    assert ministries(enricher, "The French and Moroccan interior ministers held a press conference.") == expected


def test_a_counterpart_without_nationality_is_the_other_party(enricher):
    text = ("Le ministre tunisien de l'Intérieur est arrivé à Alger lundi. "
            "Dans la capitale algérienne, le responsable tunisien et son homologue ont signé un accord.")
    assert ministries(enricher, text, "fr")[-1] == ("ministry:interior", "DZ", "counterpart")


def names_found(enricher, text, language):
    context = context_before(enricher, "ministries", text, language)
    enricher.ministries.find(context)
    return [(m.text, m.canonical) for m in context.ministry_mentions]


def test_a_ministry_name_runs_over_the_portfolios_joined_to_it(enricher):
    assert names_found(enricher, "Le ministère de l'Intérieur, des Collectivités locales et de l'Aménagement du territoire a publié un bilan.", "fr") == [
        ("ministère de l'Intérieur, des Collectivités locales et de l'Aménagement du territoire",
         "Ministère de l'Intérieur, des Collectivités locales et de l'Aménagement du territoire")]
    assert names_found(enricher, "El ministro peruano de Justicia y Derechos Humanos, Juan Pérez, firmó el convenio.", "es") == [
        ("ministro peruano de Justicia y Derechos Humanos", "Ministerio de Justicia y Derechos Humanos")]


def test_a_ministry_name_stops_before_the_ministers_name(enricher):
    assert names_found(enricher, "Le ministre de l'Intérieur, Karim Haddad, a signé l'accord.", "fr") == [
        ("ministre de l'Intérieur", "Ministère de l'Intérieur")]
    assert names_found(enricher, "Minister of Migration and Asylum Petros Andreou travelled to Ankara.", "en") == [
        ("Minister of Migration and Asylum", "Ministry of Migration and Asylum")]
    assert names_found(enricher, "It was signed for the Interior Ministry and Hamad bin Salem Al-Marri.", "en") == [
        ("Interior Ministry", "Interior Ministry")]


def test_a_travelling_minister_belongs_to_the_country_named_with_the_word_minister(enricher):
    assert ministries(enricher, "Minister of Migration and Asylum Petros Andreou travelled to Ankara for talks with Turkish officials.",
                      title="Greek minister in Ankara for talks") == [("ministry:migration", "GR", "context")]


def test_ministries_are_looked_for_only_around_the_word_and_found_as_a_whole_text_scan_finds_them():
    from streams.enrichment.ministries import MinistryFinder

    finder = MinistryFinder()
    filler = "Police officers patrolled the harbour at night. " * 40
    text = (
        "FEDERAL HOME AFFAIRS MINISTRY officials met. " + filler
        + "Le ministre espagnol et marocain de l'Intérieur, puis le ministerio del Interior. " + filler
        + "the Italian Interior Minister and the Ministry of Justice. Ministère des Affaires étrangères"
    )
    whole = [(m.span(), m.group(0)) for m in finder._regex.finditer(text)]
    assert len(whole) >= 5
    assert [(m.span(), m.group(0)) for m in finder._matches(text)] == whole
    assert [m.text for m in finder.find(text)][-1] == "Ministère des Affaires étrangères"


def test_a_ministry_name_starts_with_one_of_its_first_words_or_nothing_is_assumed():
    from streams.enrichment.ministries import name_starts

    assert name_starts(["interior", "home\\s+affairs", "defen[cs]e", "foreigns?"]) == [
        "defen", "federal", "foreign", "home", "interior", "minist", "vice"]
    assert name_starts([]) == ["federal", "minist", "vice"]
    for unsure in (["a?interior"], ["interior|home"], ["(?:the\\s+)?interior"], ["[Dd]efence"], ["\\w+ affairs"]):
        assert name_starts(unsure) is None


def test_ministries_are_looked_for_where_a_name_can_start_and_found_as_a_whole_text_scan_finds_them():
    from streams.enrichment.ministries import MinistryFinder

    finder = MinistryFinder()
    text = ("FEDERAL HOME AFFAIRS MINISTRY officials met the viceministro de Seguridad and Federal Minister of the Interior. "
            "Le ministre espagnol et marocain de l'Intérieur, le ministère de la Justice, el Ministerio del Interior, "
            "the Italian Interior Minister, Defence Ministry, the Ministry of Foreign Affairs and Cooperation, "
            "administrés du ministère des Armées; la ministra de Sanidad; Health Ministry; Ministerio de Hacienda.")
    found = [(m.span(), m.group(0), m.lastgroup) for m in finder._matches(text)]
    assert len(found) >= 12
    assert found == [(m.span(), m.group(0), m.lastgroup) for m in finder._regex.finditer(text)]


def test_an_unqualified_minister_facing_a_counterpart_of_the_country_named_is_of_the_readers_country(enricher):
    # the Spanish report never names Spain: the minister is not Moroccan, he is the reader's own
    text = "El ministro del Interior, Rafael Quintana, se reunió este lunes en Rabat con su homólogo marroquí, Abdelkrim Lahlou."
    assert ministries(enricher, text, "es") == [("ministry:interior", "ES", "own side"), ("ministry:interior", "MA", "counterpart")]


def test_an_unqualified_minister_in_a_city_named_by_its_countrys_adjective_is_not_of_that_country(enricher):
    text = "El ministro del Interior, Rafael Quintana, se ha reunido este martes en la capital marroquí con su homólogo."
    assert ministries(enricher, text, "es")[0] == ("ministry:interior", "ES", "context")
    text = "Le ministre de l'Intérieur s'est rendu lundi dans la capitale mauritanienne pour parler de migration."
    assert ministries(enricher, text, "fr")[0] == ("ministry:interior", "FR", "context")
    text = "Spain's government said the Interior Minister held talks in the Moroccan capital on Tuesday."
    assert ministries(enricher, text, "en")[0][1] == "ES"
    # the adjective of the minister himself is still his country
    text = "El ministro del Interior marroquí se ha reunido este martes en la capital con su homólogo."
    assert ministries(enricher, text, "es")[0] == ("ministry:interior", "MA", "qualifier")


def test_the_outlet_tells_the_readers_country_before_the_language(enricher):
    text = "Le ministre de l'Intérieur s'est entretenu lundi à Rabat avec son homologue marocain."
    context = context_before(enricher, "ministry countries", text, "fr")
    context.article = context.article.model_copy(update={"source": "tunis-hebdo"})
    enricher.ministries.resolve(context)
    found = [(m.country, m.country_source) for m in context.organization_mentions if m.key == "ministry:interior"]
    assert found == [("TN", "own side"), ("MA", "counterpart")]


def test_a_country_the_report_names_comes_before_its_languages(enricher):
    text = ("Le ministre de l'Intérieur s'est entretenu mardi à Madrid avec son homologue espagnol. "
            "Les deux ministres ont parlé de la coopération entre le Maroc et l'Espagne.")
    assert ministries(enricher, text, "fr") == [("ministry:interior", "MA", "own side"), ("ministry:interior", "ES", "counterpart")]


def test_an_office_named_by_its_title_alone_is_its_ministry(enricher):
    text = "La secretaria de Estado de Seguridad, Lucía Ferrer, presentó el balance del año en Madrid."
    assert ministries(enricher, text, "es") == [("ministry:interior", "ES", "context")]
    text = "Le secrétaire d'État portugais à la Sécurité a présidé la réunion."
    assert ministries(enricher, text, "fr") == [("ministry:interior", "PT", "qualifier")]


def test_an_office_is_not_of_the_country_it_travels_to_nor_of_the_minister_it_meets(enricher):
    # the report never names the traveller's side: it is the reader's, not Senegal's
    text = ("El secretario de Estado de Seguridad, Tomás Ribera, viajó el jueves a Dakar, "
            "donde se reunió con el ministro del Interior senegalés.")
    assert ministries(enricher, text, "es")[0] == ("ministry:interior", "ES", "context")


def test_the_press_s_names_for_a_minister_are_their_ministry(enricher):
    # the Spanish report's minister visiting Rabat is not Moroccan
    assert ministries(enricher, "El titular de Interior, Tomás Ribera, visitó Rabat.", "es")[0][:2] == ("ministry:interior", "ES")
    assert ministries(enricher, "El titular de Justicia portugués firmó el convenio.", "es") == [("ministry:justice", "PT", "qualifier")]


def test_the_armed_forces_minister_holds_the_defence_portfolio(enricher):
    # Senegal's, Mali's, Burkina Faso's defence minister is 'ministre des Forces armees'
    found = ministries(enricher, "Le ministre sénégalais des Forces armées a reçu son homologue mauritanien à Dakar.", "fr")
    assert [(key, country) for key, country, _ in found] == [("ministry:defence", "SN"), ("ministry:defence", "MR")]
    # the forces themselves are no ministry
    assert ministries(enricher, "Les Forces armées sénégalaises ont patrouillé le long du fleuve.", "fr") == []


def test_a_ministry_of_security_is_the_interior_s(enricher):
    assert [key for key, _, _ in ministries(enricher, "La ministra de Seguridad argentina firmó el convenio con Uruguay.", "es")] == [
        "ministry:interior"]
    assert [key for key, _, _ in ministries(enricher, "Le ministre de la Sécurité burkinabè a reçu son homologue nigérien.", "fr")] == [
        "ministry:interior", "ministry:interior"]
    assert [key for key, _, _ in ministries(enricher, "Jamaica's Minister of National Security met police chiefs.")] == [
        "ministry:interior"]
    # social security, state security (intelligence), the Security Council: no interior ministry
    assert ministries(enricher, "El Ministerio de Seguridad Social de Argentina pagó las pensiones.", "es") == []
    assert ministries(enricher, "Le ministre de la Sécurité sociale belge a présenté son budget.", "fr") == []
    assert ministries(enricher, "China's Ministry of State Security detained a foreign national.") == []
    assert ministries(enricher, "Le ministère chinois de la Sécurité d'État a arrêté un ressortissant étranger.", "fr") == []
    # a ministry joining justice and security stays the justice ministry
    assert [key for key, _, _ in ministries(enricher, "El Ministerio de Justicia y Seguridad Pública de El Salvador informó.", "es")] == [
        "ministry:justice"]


def test_offices_are_found_exactly_where_a_case_blind_scan_of_each_would_find_them():
    """Each office's regex runs only where the lower-cased text holds a word it starts with."""
    import json
    from pathlib import Path

    from streams.enrichment.ministries import MinistryFinder

    finder = MinistryFinder()

    def scanned(text):
        found = []
        for office, portfolio in finder._offices:
            for match in office.regex.finditer(text):
                if not any(start < match.end() and match.start() < end for start, end, _ in found):
                    found.append((match.start(), match.end(), f"ministry:{portfolio}"))
        return found

    texts = ["El secretario de Estado de Seguridad y la titular de Justicia.", "The STATE SECRETARY FOR SECURITY met the Secretary of State for the Interior.",
             "La secrétaire d'État chargée de la Sécurité et le Viceministro de Seguridad Pública.",
             "The ſtate secretary for ſecurity and the İnterior: letters that match ASCII ones case-blind."]
    data = Path(__file__).resolve().parents[1] / "data"
    for name in ("dev2.jsonl", "heldout.jsonl", "dev-press.jsonl"):
        texts += [f"{raw['title']}\n\n{raw['body']}" for raw in (json.loads(line)["raw"] for line in (data / name).read_text(encoding="utf-8").splitlines())]
    found_any = 0
    for text in texts:
        offices = [(m.start, m.end, m.key) for m in finder.offices(text)]
        assert offices == scanned(text), text[:80]
        found_any += bool(offices)
    assert found_any >= 4
