"""CountryResolver: country mentions, their weights and the article's country tags."""

from tests.unit.conftest import context_before


def test_find_names_demonyms_and_capitals(enricher):
    context = context_before(enricher, "countries", "Spain's Guardia Civil met French officers in Rabat.")
    enricher.countries.find(context)
    assert [(m.code, m.kind, m.text) for m in context.countries] == [
        ("ES", "name", "Spain"), ("FR", "demonym", "French"), ("MA", "capital", "Rabat"),
    ]


def test_title_counts_twice(enricher):
    context = context_before(enricher, "country weights", "Spain and Morocco signed a memorandum.", title="Rabat talks")
    enricher.countries.weigh(context)
    assert context.country_weights == {"MA": 3.0, "ES": 1.0}


def test_a_city_weighs_half_a_name(enricher):
    context = context_before(enricher, "country weights", "Police in Marseille questioned a Spanish suspect.")
    enricher.countries.weigh(context)
    assert context.country_weights["FR"] == 0.5 and context.country_weights["ES"] == 1.0


def test_tags_carry_countries_of_bodies_with_their_evidence(enricher):
    context = context_before(enricher, "country tags", "The Guardia Civil arrested two men in Morocco.")
    enricher.countries.tag(context)
    assert {(t.code, tuple(t.evidence)) for t in context.country_tags} == {("ES", ("Guardia Civil",)), ("MA", ("Morocco",))}


# ---------------------------------------------------------------- lexicon coverage and hygiene
from streams.enrichment.countries import CountryLexicon
from streams.enrichment.text import fold

LEXICON = CountryLexicon()


def codes(text, language):
    return [(m.text, m.code) for m in LEXICON.find(text, fold(text), language)]


def test_short_names_capitals_demonyms_and_prefixes_beyond_the_first_countries():
    assert codes("Officers from Brunei met colleagues in Nairobi and a Cypriot liaison officer.", "en") == [
        ("Brunei", "BN"), ("Nairobi", "KE"), ("Cypriot", "CY")]
    assert codes("Un accord irako-syrien a été signé à Tbilissi.", "fr") == [("irako-", "IQ"), ("syrien", "SY"), ("Tbilissi", "GE")]
    assert codes("El viceministro chipriota viajó a Escocia.", "es") == [("chipriota", "CY"), ("Escocia", "GB")]


def test_a_demonym_counts_in_its_own_language_only():
    assert codes("Le Pôle judiciaire de la gendarmerie enquête.", "fr") == []
    assert codes("A Pole and a Czech were arrested.", "en") == [("Pole", "PL"), ("Czech", "CZ")]


def test_no_country_inside_the_name_of_a_sea_a_lake_a_river_or_a_region():
    assert codes("Un navire a été arraisonné dans le golfe de Guinée, près du lac Tchad.", "fr") == []
    assert codes("Police in New South Wales and along the Niger River said so.", "en") == []
    assert codes("La réunion de Rabat a réuni les ministres.", "fr") == [("Rabat", "MA")]


def test_no_country_in_a_sea_or_a_plant_named_with_its_adjective():
    assert codes("Pirates struck in the Indian Ocean and the English Channel; police seized Indian hemp.", "en") == []
    assert codes("La Commission de l'océan Indien note des saisies de chanvre indien à Bignona.", "fr") == []
    assert codes("Incautaron cáñamo indio y patrullaron el océano Índico.", "es") == []
    assert codes("The boat crossed the Mozambique Channel.", "en") == []
    # the adjective of a person, a force or a government still names its country
    assert codes("The Indian navy and an English court; la marine indienne et le chanvre saisi.", "en") == [
        ("Indian", "IN"), ("English", "GB")]
    assert codes("La marine indienne a saisi du chanvre.", "fr") == [("indienne", "IN")]
    assert codes("Le gouvernement indien a saisi la mer.", "fr") == [("indien", "IN")]


def test_no_country_inside_the_name_of_a_waterway_or_a_street():
    assert codes("Las barcazas bajan por la hidrovía Paraná-Paraguay hacia el Río de la Plata.", "es") == []
    assert codes("Barges use the Paraná-Paraguay waterway.", "en") == []
    assert codes("Un commissariat de l'avenue de Tunisie et de la rue du Maroc.", "fr") == []
    assert codes("Un local de la calle Francia.", "es") == []
    # the country itself, a route to it, a convention with it: still countries
    assert codes("El acuerdo con Paraguay cubre la ruta hacia Argentina.", "es") == [("Paraguay", "PY"), ("Argentina", "AR")]
    assert codes("Le Maroc et la Tunisie ont coopéré.", "fr") == [("Maroc", "MA"), ("Tunisie", "TN")]


def test_a_city_demonym_names_its_country():
    lexicon = CountryLexicon()
    text = "Les enquêteurs anversois et leurs collègues rotterdamois ont saisi la drogue."
    assert [(m.code, m.kind) for m in lexicon.find(text, language="fr")] == [("BE", "demonym"), ("NL", "demonym")]
    assert [m.code for m in lexicon.find("La policía madrileña detuvo a un londinense.", language="es")] == ["ES", "GB"]


def test_the_french_and_spanish_names_of_capitals_and_big_cities_come_from_cldr():
    assert codes("El ministro viajó a Yamena y después a Uagadugú.", "es") == [("Yamena", "TD"), ("Uagadugú", "BF")]
    assert codes("Le suspect a été interpellé à Riad.", "fr") == [("Riad", "SA")]
    assert codes("Des inondations dans la Vienne.", "fr") == []   # a French department, not Vienna


def test_a_spanish_demonym_in_es_is_found_in_its_masculine_plural(enricher):
    # the lexicon writes 'neerlandés' and 'irlandés'; the press writes 'los agentes neerlandeses'
    context = context_before(enricher, "countries", "Los agentes neerlandeses e irlandeses detuvieron a diez personas.", "es")
    enricher.countries.find(context)
    assert [(m.code, m.text) for m in context.countries] == [("NL", "neerlandeses"), ("IE", "irlandeses")]


def test_the_press_s_other_names_for_a_nationality_name_its_country(enricher):
    # 'la policía gala' (French), 'las autoridades alauíes' (Moroccan), 'les carabiniers transalpins' (Italian)
    context = context_before(enricher, "countries", "La policía gala y los agentes lusos colaboraron con la policía alauí.", "es")
    enricher.countries.find(context)
    assert [m.code for m in context.countries] == ["FR", "PT", "MA"]
    context = context_before(enricher, "countries", "Les carabiniers transalpins et la police helvétique ont saisi les services chérifiens.", "fr")
    enricher.countries.find(context)
    assert [m.code for m in context.countries] == ["IT", "CH", "MA"]


def test_moroccan_cities_in_their_spanish_names_name_morocco(enricher):
    context = context_before(enricher, "countries", "Detenidos en Tetuán, Alhucemas y Castillejos.", "es")
    enricher.countries.find(context)
    assert [m.code for m in context.countries] == ["MA", "MA", "MA"]


def found(enricher, text, language="fr"):
    context = context_before(enricher, "countries", text, language)
    enricher.countries.find(context)
    return [(m.code, m.text) for m in context.countries]


def test_norway_s_demonym_and_capital_are_norway_s(enricher):
    # a bare NO in the lexicon's YAML would read as false and tag nothing
    assert found(enricher, "La police norvégienne a rencontré ses homologues à Oslo.") == [("NO", "norvégienne"), ("NO", "Oslo")]
    assert found(enricher, "Norwegian police arrested two men.", "en") == [("NO", "Norwegian")]


def test_every_country_of_the_lexicon_is_a_two_letter_code():
    from streams.enrichment.text import load_yaml

    data = load_yaml("countries.yaml")
    for section in ("names", "demonyms", "prefixes", "capitals", "cities", "city_demonyms"):
        assert all(isinstance(code, str) and len(code) == 2 for code in data[section]), section
    assert all(isinstance(code, str) and len(code) == 2 for code in data["coordinated_only"].values())
    assert all(isinstance(code, str) and len(code) == 2 for code in data["names_in_lower_case"])


def test_a_first_name_that_is_a_country_counts_only_beside_another_country(enricher):
    assert found(enricher, "Maurice et Madagascar ont signé un mémorandum à Port-Louis.") == [
        ("MU", "Maurice"), ("MG", "Madagascar"), ("MU", "Port-Louis")]
    assert found(enricher, "L'ambassadeur est arrivé à l'île Maurice.") == [("MU", "île Maurice")]
    # a man named Maurice is no country, even beside one
    assert found(enricher, "Le Sénégal et Maurice Dupont ont parlé.") == [("SN", "Sénégal")]
    assert found(enricher, "Maurice a rencontré le ministre.") == []


def test_a_name_that_takes_an_article_counts_only_after_it():
    assert codes("Le ministre du Salvador est arrivé au Salvador, puis à Tegucigalpa.", "fr") == [
        ("Salvador", "SV"), ("Salvador", "SV"), ("Tegucigalpa", "HN")]
    assert codes("El Salvador y Honduras firmaron un acuerdo.", "es") == [("El Salvador", "SV"), ("Honduras", "HN")]
    # a town, a man: no country
    assert codes("Gendarmes detuvieron a cinco personas en Salvador Mazza, en la frontera con Bolivia.", "es") == [("Bolivia", "BO")]
    assert codes("Salvador Ramírez fue detenido en Bolivia.", "es") == [("Bolivia", "BO")]


def test_demonyms_of_smaller_countries(enricher):
    assert found(enricher, "Les garde-côtes mauriciens et la police comorienne ont saisi de l'héroïne.") == [
        ("MU", "mauriciens"), ("KM", "comorienne")]
    assert found(enricher, "Fijian and Taiwanese officers trained together.", "en") == [("FJ", "Fijian"), ("TW", "Taiwanese")]


def test_a_city_far_more_people_elsewhere_bear_the_name_of_tells_its_country_only_beside_it(enricher):
    # Córdoba is Argentina's and Mexico's far more than Spain's: a Bogotá paper's 'sur de Córdoba' is no Spain
    assert found(enricher, "Las víctimas del sur de Córdoba pidieron a Colombia aplazar la extradición.", "es") == [("CO", "Colombia")]
    assert found(enricher, "Un yihadista detenido en Córdoba, informa la policía de España.", "es") == [("ES", "Córdoba"), ("ES", "España")]
    # a city most people of that name live in still tells its country alone
    assert found(enricher, "Un marroquí fue detenido en Barcelona.", "es") == [("MA", "marroquí"), ("ES", "Barcelona")]


def test_the_indo_pacific_is_a_region_not_india(enricher):
    assert found(enricher, "Japan and the Philippines want a free and open Indo-Pacific.", "en") == [("JP", "Japan"), ("PH", "Philippines")]
    assert ("IN", "Indo-") in found(enricher, "An Indo-Pakistani deal was signed.", "en")


def test_a_counted_plural_demonym_is_persons_not_their_country(enricher):
    def nationalities(text, language):
        context = context_before(enricher, "countries", text, language)
        enricher.countries.find(context)
        return [(m.text, m.counted) for m in context.countries if m.kind == "demonym"]
    assert nationalities("La police a interpellé trois Ghanéens avec 40 kg de cocaïne.", "fr") == [("Ghanéens", True)]
    assert nationalities("La Policía detuvo a cinco colombianos en Quito.", "es") == [("colombianos", True)]
    assert nationalities("Police arrested 12 Nigerians at the port.", "en") == [("Nigerians", True)]
    # an English adjective after a number qualifies officers of that side
    assert nationalities("Two French officers joined the Spanish patrol.", "en") == [("French", False), ("Spanish", False)]


def test_a_demonym_after_an_article_is_one_person_unless_a_noun_follows(enricher):
    def counted(text, language):
        context = context_before(enricher, "countries", text, language)
        enricher.countries.find(context)
        return [(m.text, m.counted) for m in context.countries if m.kind == "demonym"]
    assert counted("Two men, a South African and a Zimbabwean, were arrested.", "en") == [
        ("South African", True), ("Zimbabwean", True)]
    assert counted("A Zimbabwean police officer was arrested.", "en") == [("Zimbabwean", False)]
    assert counted("La policía detuvo a un estadounidense en Bogotá.", "es") == [("estadounidense", True)]
    assert counted("Un Colombien a été arrêté par la police française.", "fr") == [("Colombien", True), ("française", False)]
    assert counted("Les Colombiens ont arrêté le suspect.", "fr") == [("Colombiens", False)]


def test_santa_elena_is_a_latin_american_town_not_saint_helena(enricher):
    # pycountry's Spanish name of Saint Helena begins 'Santa Elena', the name of towns in Guatemala,
    # Ecuador and beyond; the French 'Sainte-Hélène' still names the island
    def codes(text, language):
        context = context_before(enricher, "countries", text, language)
        enricher.countries.find(context)
        return [m.code for m in context.countries]

    assert codes("La policía capturó en Santa Elena, Petén, a un traficante.", "es") == []
    assert codes("Cinq marins ont été évacués de Sainte-Hélène.", "fr") == ["SH"]


def test_san_martin_is_a_district_or_a_hero_not_the_island():
    assert codes("Capturado en el distrito limeño de San Martín de Porres, en la avenida San Martín.", "es") == []
