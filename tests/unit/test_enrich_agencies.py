"""AgencyResolver: gazetteer agencies in the text, and the country of each."""

from tests.unit.conftest import context_before, make_article


def agencies(enricher, text, language="en", title="Note"):
    context = context_before(enricher, "agency countries", text, language, title)
    enricher.agencies.resolve(context)
    return [(m.text, m.country, m.country_source) for m in context.organization_mentions]


def test_find_names_and_acronyms_without_country_yet(enricher):
    context = context_before(enricher, "agencies", "Le pôle DGSN-DGST et la Guardia Civil.", "fr")
    enricher.agencies.find(context)
    assert [(m.key, m.country) for m in context.agency_mentions] == [("ma-dgsn", None), ("ma-dgst", None), ("es-gc", None)]


def test_qualifier_written_with_a_generic_body_gives_its_country(enricher):
    assert agencies(enricher, "La Garde nationale tunisienne et la Guardia Civil ont saisi de la cocaïne.", "fr") == [
        ("Garde nationale", "TN", "qualifier"), ("Guardia Civil", "ES", "default"),
    ]


def test_acronym_after_a_qualified_name_shares_its_country(enricher):
    assert agencies(enricher, "La Direction générale de la police nationale (DGPN) du Sénégal a reçu une délégation.", "fr") == [
        ("Direction générale de la police nationale", "SN", "qualifier"), ("DGPN", "SN", "qualifier"),
    ]


def test_an_acronym_the_article_defines_as_another_countrys_body_is_not_the_gazetteers(enricher):
    found = agencies(enricher, "The Gambia Armed Forces (GAF) and Senegalese troops patrolled the border, the GAF said.")
    assert not [country for _, country, _ in found if country == "GH"]
    # defined as the gazetteer's own body, or with no country in its long form, it stays
    assert ("GAF", "GH", "default") in agencies(enricher, "The Ghana Armed Forces (GAF) patrolled the border with Togo.")
    assert ("DGPN", "SN", "qualifier") in agencies(
        enricher, "La Direction générale de la police nationale (DGPN) du Sénégal a reçu une délégation.", "fr")


def test_an_acronym_many_bodies_share_defined_by_another_name_is_not_the_gazetteers(enricher):
    # the gazetteer's PNB is Venezuela's Bolivarian police; Sri Lanka's Police Narcotic Bureau is another body
    found = agencies(enricher, "The haul was handed over to the Police Narcotic Bureau (PNB), the Sri Lanka Navy said. "
                               "The PNB will question the six suspects.")
    assert not [country for _, country, _ in found if country == "VE"]
    # defined by one of its own names, in any word order, it stays the gazetteer's
    for text in ("La Policía Nacional Bolivariana (PNB) detuvo a dos hombres en Táchira, Venezuela.",
                 "The National Bolivarian Police (PNB) arrested two men in Tachira, Venezuela."):
        assert ("PNB", "VE") in [(name, country) for name, country, _ in agencies(enricher, text, "es" if "Policía" in text else "en")]


def test_generic_body_without_qualifier_takes_the_country_it_is_in(enricher):
    assert agencies(enricher, "Italy sent experts to Tunisia. In Tunis, the National Guard arrested four smugglers.") == [
        ("National Guard", "TN", "context"),
    ]


def test_shared_acronym_goes_to_the_country_of_the_article(enricher):
    context = context_before(enricher, "agency countries", "La DGSN a annoncé l'arrestation de quatre suspects à Oran, en Algérie.", "fr",
                             title="Alger : la police démantèle une cellule terroriste")
    enricher.agencies.resolve(context)
    assert [(m.key, m.country) for m in context.organization_mentions] == [("dz-dgsn", "DZ")]


def test_weak_acronym_without_its_country_in_the_article_is_dropped(enricher):
    assert agencies(enricher, "The DRM said the suspects had left Nigeria.") == []
    assert agencies(enricher, "La France et le Maroc coopèrent. La DRM a transmis ses informations.", "fr") == [("DRM", "FR", "default")]


def test_a_generic_body_named_again_keeps_its_country(enricher):
    text = "Colombia's National Police arrested 12 people. The operation lasted two years in France and Spain, the National Police said."
    context = context_before(enricher, "agency countries", text)
    enricher.agencies.resolve(context)
    assert [(m.key, m.country) for m in context.organization_mentions] == [("co-pnc", "CO"), ("co-pnc", "CO")]


def test_a_name_several_countries_bodies_bear_goes_to_the_one_the_article_names(enricher):
    def police(text):
        context = context_before(enricher, "agency countries", text, "es")
        enricher.agencies.resolve(context)
        return [(m.key, m.country) for m in context.organization_mentions]

    assert police("La Policía Nacional detuvo en Cali a un ciudadano español buscado por Colombia.") == [("co-pnc", "CO")]
    assert police("La Policía Nacional detuvo en Málaga a dos ciudadanos marroquíes buscados por España.") == [("es-cnp", "ES")]


def test_us_departments_by_their_spanish_names(enricher):
    text = "La extradición responde a una solicitud del Departamento de Justicia, informó el Departamento de Estado."
    context = context_before(enricher, "agencies", text, "es")
    enricher.agencies.find(context)
    assert [m.key for m in context.agency_mentions] == ["us-doj", "us-state"]


def test_a_name_written_with_the_nationality_for_national(enricher):
    context = context_before(enricher, "definitions", "Selon l'agence britannique de lutte contre la criminalité, trois hommes ont été arrêtés.", "fr")
    assert [(m.text, m.key) for m in context.agency_mentions] == [("agence britannique de lutte contre la criminalité", "gb-nca")]


def test_a_generic_name_qualified_by_a_country_is_the_body_it_commonly_misnames(enricher):
    context = context_before(enricher, "agency countries", "The operation involved the US Drug Enforcement Agency and local police.")
    enricher.agencies.resolve(context)
    assert [(m.key, m.country) for m in context.organization_mentions] == [("us-dea", "US")]


def test_regional_organisations(enricher):
    context = context_before(enricher, "agencies", "ASEAN ministers and the Lake Chad Basin Commission (LCBC) met in Jakarta.")
    enricher.agencies.find(context)
    assert [m.key for m in context.agency_mentions] == ["int-asean", "int-lcbc", "int-lcbc"]


def test_a_generic_body_is_not_of_the_nationality_written_with_the_body_beside_it(enricher):
    # 'francesa' is the Gendarmería's; the unqualified Policía Nacional is the Spanish report's own
    found = agencies(enricher, "Agentes de la Policía Nacional y de la Gendarmería francesa detuvieron a cuatro hombres.", "es")
    assert [(text, country) for text, country, _ in found] == [("Policía Nacional", "ES"), ("Gendarmería", "FR")]


def test_a_body_s_own_language_name_in_lower_case_is_the_common_noun(enricher):
    # 'Salvamento Marítimo' is Spain's maritime rescue agency; 'salvamento marítimo' is sea rescue
    context = context_before(enricher, "agencies", "Instructores italianos imparten un curso de salvamento marítimo a guardacostas tunecinos.", "es")
    enricher.agencies.find(context)
    assert [m.key for m in context.agency_mentions] == []
    context = context_before(enricher, "agencies", "Salvamento Marítimo rescató a 40 personas frente a Almería.", "es")
    enricher.agencies.find(context)
    assert [m.key for m in context.agency_mentions] == ["es-salvamento"]


def test_a_body_s_branch_in_a_city_belongs_to_that_city_s_country(enricher):
    # 'police judiciaire' is France's by default; the one of Casablanca is Morocco's
    assert agencies(enricher, "La police judiciaire de Casablanca a interpellé deux hommes avec l'aide de la police espagnole.", "fr")[0] == (
        "police judiciaire", "MA", "qualifier")
    assert agencies(enricher, "La police judiciaire a interpellé deux hommes à Casablanca.", "fr")[0][1] == "FR"


def country_of_the_body(enricher, text, source, name_part):
    """The country given to the body whose name holds ``name_part``, in ``text`` published by ``source``."""
    article = make_article("Coopération policière", text, "fr").model_copy(update={"source": source})
    return next(o.country for o in enricher.enrich(article).organizations if name_part in o.name.lower())


def test_a_body_several_countries_name_alike_is_the_outlet_s_own_when_the_text_names_none(enricher):
    # Morocco, Algeria, Tunisia and Mauritania each have a 'Direction générale de la sûreté nationale'
    text = "Le directeur général de la sûreté nationale a été reçu mardi à Rome par le chef de la police italienne."
    assert country_of_the_body(enricher, text, "tunis-hebdo", "sûreté nationale") == "TN"
    assert country_of_the_body(enricher, text, "alger-soir", "sûreté nationale") == "DZ"


def test_a_name_other_countries_bodies_share_is_the_outlet_s_own_when_the_text_places_none(enricher):
    # France and Senegal each have a 'Direction générale de la police nationale'; a paper of Abidjan
    # means Côte d'Ivoire's, a paper of Dakar Senegal's, even when Accra is where its head went
    text = ("Le directeur général de la police nationale a pris part mardi à Accra aux travaux des chefs de police du Ghana "
            "et du Togo consacrés au terrorisme.")
    assert country_of_the_body(enricher, text, "abidjan-matin", "police nationale") == "CI"
    assert country_of_the_body(enricher, text, "dakar-matin", "police nationale") == "SN"


def test_a_name_other_countries_bodies_share_in_a_paper_whose_name_outlets_of_two_countries_share(enricher):
    # 'La Nation' is a paper of Benin and one of Djibouti: the article naming Djibouti places the
    # paper, and its 'police nationale' is Djibouti's, at each mention, not France's or Senegal's
    text = ("Le directeur général de la Police nationale a reçu hier une délégation de la police éthiopienne.\n"
            "Le directeur général de la Police nationale a salué la coopération entre Djibouti et Addis-Abeba.")
    article = make_article("Coopération policière", text, "fr").model_copy(update={"source": "la-nation"})
    assert {o.country for o in enricher.enrich(article).organizations if "police nationale" in o.name.lower()} == {"DJ"}
    # the same report naming neither of the paper's countries: nothing tells its side
    text = "Le directeur général de la Police nationale a reçu hier une délégation de la police éthiopienne."
    assert country_of_the_body(enricher, text, "la-nation", "police nationale") != "DJ"


def test_a_generic_body_of_two_equally_named_countries_is_the_same_in_every_process():
    # 'la Policía Nacional' in an article naming Spain and Peru alike: the gazetteer's own body
    # (Spain's), whatever order a process's string hashing gives a set of countries
    import os
    import subprocess
    import sys

    script = (
        "from tests.unit.conftest import make_article\n"
        "from streams.enrich import Enricher\n"
        "from streams.settings import Settings\n"
        "article = make_article('Cooperación policial', 'Los ministros de España y de Perú reforzaron la cooperación "
        "contra el narcotráfico. La Policía Nacional participó en la reunión.', 'es')\n"
        "print(sorted((o.name, o.country) for o in Enricher(Settings()).enrich(article).organizations))\n"
    )
    answers = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert answers == {"[('Cuerpo Nacional de Policía', 'ES')]\n"}


def test_a_long_acronym_written_as_a_name_after_its_article_is_the_body(enricher):
    found = agencies(enricher, "Efectivos de la Felcn y de la Senad detuvieron a tres hombres en Yacuiba.", "es")
    assert [(text, country) for text, country, _ in found] == [("Felcn", "BO"), ("Senad", "PY")]
    # a capitalised word that is no listed acronym, and a short one, stay words
    assert agencies(enricher, "La Sena y la Marina patrullaron el río.", "es") == []


def test_a_body_s_name_that_ends_a_longer_name_qualified_by_another_country_is_not_that_body(enricher):
    # Moldova's SIS is no British service, whatever its English name ends with or its acronym
    text = "Moldova's Information and Security Service (SIS) said the couriers were identified. The SIS director spoke."
    assert "GB" not in {country for _, country, _ in agencies(enricher, text)}
    article = make_article("Couriers", text, "en")
    assert {o.country for o in enricher.enrich(article).organizations} == {"MD"}
    # the gazetteer's own body, qualified by its country, stays
    found = agencies(enricher, "Britain's Secret Intelligence Service (SIS) warned Moroccan police.")
    assert ("Secret Intelligence Service", "GB") in [(text, country) for text, country, _ in found]


def test_a_descriptive_name_several_countries_use_is_placed_by_its_context(enricher):
    # 'Forces de sécurité intérieure': Lebanon's, and the Central African Republic's in Bangui
    text = "Bangui : 312 éléments des Forces de sécurité intérieure ont reçu leurs attestations, formés par le Rwanda."
    assert [(t, c) for t, c, _ in agencies(enricher, text, "fr")] == [("Forces de sécurité intérieure", "CF")]
    text = "Les Forces de sécurité intérieure ont arrêté trois hommes à Beyrouth."
    assert [(t, c) for t, c, _ in agencies(enricher, text, "fr")] == [("Forces de sécurité intérieure", "LB")]


def test_an_unqualified_national_body_is_the_outlet_s_own_however_often_the_other_side_is_named(enricher):
    # a Jakarta paper's 'National Police' is Indonesia's, though Australia is named more often and
    # no gazetteer entry calls Indonesia's police by that name
    text = ("The National Police's narcotics unit, in cooperation with the Australian Federal Police, has dismantled a "
            "drug network that moved methamphetamine to Western Australia. Six Indonesians were arrested in Bali.")
    def national_police(source):
        article = make_article("Police bust meth ring operating between Bali and Perth", text, "en").model_copy(update={"source": source})
        return next(o.country for o in enricher.enrich(article).organizations if o.name == "National Police")

    assert national_police("jakarta-post") == "ID"
    # a wire placed nowhere keeps reading the context
    assert national_police("test-wire") != "ID"


def test_south_africa_s_department_of_justice_is_not_the_us_one(enricher):
    found = agencies(enricher, "The suspect was handed over at the border, the Department of Justice and Constitutional "
                               "Development said.")
    assert [(text, country) for text, country, _ in found] == [("Department of Justice and Constitutional Development", "ZA")]


def test_morocco_s_national_judicial_police_brigade_is_not_france_s_judicial_police(enricher):
    # 'police judiciaire' alone is France's; the brigade of that name, and its acronym, are Morocco's
    assert agencies(enricher, "Les suspects ont été déférés devant la Brigade nationale de la police judiciaire (BNPJ).", "fr") == [
        ("Brigade nationale de la police judiciaire", "MA", "default"), ("BNPJ", "MA", "default")]


def test_a_body_the_text_placed_keeps_its_country_when_named_again(enricher):
    # Chile's Carabineros bear the name, but this text placed them in Italy first and never names Chile
    found = agencies(enricher, "Le suspect a été arrêté à Marbella par la Policía Nacional et les Carabineros italiens. "
                               "La police espagnole a salué la coopération avec les Carabineros.", "fr")
    assert [(text, country) for text, country, _ in found if text == "Carabineros"] == [("Carabineros", "IT"), ("Carabineros", "IT")]
    # where the text names Chile, the bare name is still Chile's body
    found = agencies(enricher, "Les Carabineros italiens ont arrêté un Chilien. Au Chili, les Carabineros ont perquisitionné.", "fr")
    assert [country for text, country, _ in found if text == "Carabineros"] == ["IT", "CL"]
