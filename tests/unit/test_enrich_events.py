"""EventResolver: cooperation events of a security article, with their countries and place."""

import pytest

from tests.unit.conftest import context_before, make_article

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
    assert events(enricher, text) == [("joint_operation", ["ES", "FR"], None)]
    context = context_before(enricher, "events", text)
    italy = next(c for c in context.countries if c.code == "IT")
    actor = next(a for v in enricher.events.sentence_views(context) for a in v.actors if a.start == italy.start)
    assert not relcl_filter(context.doc)(actor, context.text.index("joint operation"))


# ---------------------------------------------------------------- where an event took place
def test_places_listed_together_leave_the_place_open(enricher):
    assert events(enricher, "Police arrested twelve suspects in Belgium and the Netherlands in a joint operation "
                            "against cocaine trafficking.") == [("joint_operation", ["BE", "NL"], None)]
    assert events(enricher, "Les polices française et espagnole ont mené une opération conjointe contre le trafic de "
                            "cocaïne, en France et en Espagne.", "fr") == [("joint_operation", ["ES", "FR"], None)]


def test_a_comma_alone_does_not_list_places(enricher):
    assert events(enricher, "At a ceremony in Tangier, Spain handed over patrol boats and trained Moroccan border guards "
                            "against migrant smuggling.") == [("training", ["ES", "MA"], "MA")]


def test_police_in_a_country_are_its_police_not_a_place(enricher):
    assert events(enricher, "Police in France and Spain arrested twenty members of a people-smuggling network.") == [
        ("joint_operation", ["ES", "FR"], None)]


def test_an_extradition_takes_place_in_the_country_handing_the_suspect_over(enricher):
    assert events(enricher, "Mexico extradited a cartel leader wanted for drug trafficking to the United States on Thursday.") == [
        ("extradition", ["MX", "US"], "MX")]
    assert events(enricher, "Colombia extraditó a España a un narcotraficante buscado por tráfico de cocaína.", "es") == [
        ("extradition", ["CO", "ES"], "CO")]
    assert events(enricher, "Un trafiquant de drogue a été extradé jeudi du Maroc vers la Belgique.", "fr") == [
        ("extradition", ["BE", "MA"], "MA")]


def test_the_body_places_an_event_its_headline_summarised(enricher):
    assert events(enricher, "French and Spanish police arrested twelve people in France and Spain in a joint operation "
                            "against cocaine trafficking.", title="Twelve arrested in Spain in joint drug operation") == [
        ("joint_operation", ["ES", "FR"], None)]


def test_the_dateline_does_not_place_what_happened_another_year(enricher):
    assert events(enricher, "DOHA: Qatar and Turkey signed a security agreement against terrorism in 2019, officials "
                            "recalled on Sunday.") == [("agreement", ["QA", "TR"], None)]


def test_a_city_and_a_comma_make_a_dateline(enricher):
    assert events(enricher, "Dakar, Des gendarmes sénégalais ont suivi une formation dispensée par la Guardia Civil "
                            "espagnole contre le trafic de migrants.", "fr") == [("training", ["ES", "SN"], "SN")]


def test_a_capital_named_by_its_demonym_is_a_place(enricher):
    assert events(enricher, "Dans la capitale mauritanienne, la France et la Mauritanie ont signé un accord de coopération "
                            "contre le terrorisme.", "fr") == [("agreement", ["FR", "MR"], "MR")]
    assert events(enricher, "In the Moroccan capital, Spain and Morocco signed an agreement against terrorism.") == [
        ("agreement", ["ES", "MA"], "MA")]


def test_a_kingdom_is_a_place(enricher):
    assert events(enricher, "La rencontre entre les polices marocaine et allemande contre le terrorisme s'est tenue "
                            "au Royaume du Maroc.", "fr") == [("meeting", ["DE", "MA"], "MA")]


def test_a_visit_takes_place_where_the_visitor_went(enricher):
    assert events(enricher, "The Pakistani interior minister visited Kabul on Monday for counter-terrorism cooperation "
                            "with Afghanistan.") == [("visit", ["AF", "PK"], "AF")]
    assert events(enricher, "Le ministre mauritanien de l'Intérieur a effectué une visite de travail sur invitation de son "
                            "homologue espagnol, consacrée à l'immigration clandestine.", "fr") == [("visit", ["ES", "MR"], "ES")]


def test_a_gathering_takes_place_at_its_host(enricher):
    assert events(enricher, "Alger accueille une réunion des chefs de police de Tunisie et du Niger sur le terrorisme.", "fr") == [
        ("meeting", ["DZ", "NE", "TN"], "DZ")]


def test_talks_during_a_visit_take_place_where_the_visit_went(enricher):
    assert events(enricher, "The Greek migration minister travelled to Ankara on Monday. The Greek and Turkish ministers "
                          "held talks on migrant smuggling.") == [("visit", ["GR", "TR"], "TR"), ("meeting", ["GR", "TR"], "TR")]


# ---------------------------------------------------------------- what counts as an event, and of which type
def test_an_extradition_only_expected_is_no_event(enricher):
    assert events(enricher, "Colombian police arrested fifteen drug traffickers; eight are expected to be extradited "
                            "to the United States.") == []


def test_an_extradition_decided_by_a_court_is_an_event(enricher):
    assert events(enricher, "The High Court in London ruled that the businessman can be extradited to India to face "
                            "money laundering charges.") == [("extradition", ["GB", "IN"], "GB")]


def test_a_meeting_to_prepare_an_operation_is_part_of_it(enricher):
    found = events(enricher, "Eurojust organised two coordination meetings to prepare the operations of the French "
                             "and Belgian police against drug trafficking.")
    assert "meeting" not in [kind for kind, _, _ in found]


def test_an_operation_that_only_frames_an_extradition_is_the_extradition(enricher):
    assert events(enricher, "In a joint operation with Interpol and US authorities, thirteen Colombian citizens wanted "
                            "for drug trafficking were extradited to the United States.") == [
        ("extradition", ["CO", "US"], "CO")]


def test_information_given_by_partners_is_shared_with_the_article_s_own_side(enricher):
    assert events(enricher, "La saisie de cocaïne a été réalisée grâce à des informations fournies par l'agence "
                            "britannique de lutte contre la criminalité et la DEA américaine.", "fr",
                  title="La Marine française saisit six tonnes de cocaïne") == [
        ("intelligence_sharing", ["FR", "GB", "US"], None)]


def test_a_service_informing_another_country_s_authorities_shares_intelligence(enricher):
    assert events(enricher, "Serbian intelligence informed Croatian authorities of the arrival of three drug "
                            "traffickers.") == [("intelligence_sharing", ["HR", "RS"], None)]


def test_where_criminals_operate_or_goods_travel_names_no_party(enricher):
    assert events(enricher, "La Guardia Civil ha desmantelado una red que introducía hachís desde Marruecos hasta "
                            "España y ha detenido a trece personas.", "es") == []
    assert events(enricher, "The first extradition from the UAE to Belgium was an Albanian drug trafficker.") == [
        ("extradition", ["AE", "BE"], "AE")]


def test_the_two_countries_are_the_article_s_two_parties(enricher):
    assert events(enricher, "Spanish and Moroccan police arrested three members of a terrorist cell. The two countries have "
                            "conducted joint operations against terrorist groups operating in Syria and Iraq.") == [
        ("joint_operation", ["ES", "MA"], None)]


def test_a_plan_or_a_wish_is_no_operation(enricher):
    assert events(enricher, "Tunis et Alger ont convenu de promouvoir la formation de leurs policiers contre le "
                            "terrorisme.", "fr") == []


# ---------------------------------------------------------------- trigger vocabulary
def test_talks_on_a_visit_are_a_meeting(enricher):
    assert events(enricher, "Au cours de la visite à Madrid, les ministres mauritanien et espagnol de l'Intérieur ont "
                            "discuté de la lutte contre l'immigration clandestine.", "fr") == [
        ("visit", ["ES", "MR"], "ES"), ("meeting", ["ES", "MR"], "ES")]


def test_talks_beside_another_event_are_not_a_meeting(enricher):
    assert events(enricher, "México extraditó a Estados Unidos a 29 narcotraficantes en medio de negociaciones "
                            "comerciales.", "es") == [("extradition", ["MX", "US"], "MX")]


def test_an_official_arriving_and_touring_visits_each_place(enricher):
    assert events(enricher, "Après une tournée de Dakar à Bamako, le ministre français de l'Intérieur est arrivé à "
                            "Nouakchott pour parler de terrorisme.", "fr") == [
        ("visit", ["FR", "SN"], "SN"), ("visit", ["FR", "ML"], "ML"), ("visit", ["FR", "MR"], "MR")]


def test_a_suspect_arriving_is_no_visit(enricher):
    assert events(enricher, "Extradé de Dubaï, le trafiquant de cocaïne a été placé en garde à vue dès son arrivée à "
                            "Paris, dans les locaux de l'OFAST.", "fr") == [("extradition", ["AE", "FR"], "AE")]


def test_a_press_conference_is_no_meeting_and_an_arrest_warrant_no_arrest(enricher):
    assert events(enricher, "The Spanish interior minister gave a press conference on drug trafficking with Morocco.") == []
    assert events(enricher, "Spain issued an arrest warrant for a French drug trafficker.") == []


def test_equipment_and_seminars_are_training(enricher):
    assert events(enricher, "La France a mis à la disposition de la Mauritanie un lot de matériel pour la lutte contre "
                            "le terrorisme.", "fr") == [("training", ["FR", "MR"], None)]
    assert events(enricher, "Un séminaire de police technique contre le terrorisme a réuni à Niamey des policiers "
                            "du Mali et du Niger.", "fr") == [("training", ["ML", "NE"], "NE")]


def test_a_joint_team_agreed_is_an_agreement(enricher):
    assert events(enricher, "France and Morocco agreed on a joint working group against illegal immigration.") == [
        ("agreement", ["FR", "MA"], None)]


# ---------------------------------------------------------------- a meeting abroad is also a visit (SPEC)
def test_talks_in_one_party_s_country_with_the_other_s_minister_are_also_a_visit(enricher):
    assert events(enricher, "Le ministre tunisien de l'Intérieur a rencontré mercredi à Alger son homologue algérien "
                            "pour parler de la lutte contre le terrorisme.", "fr") == [
        ("meeting", ["DZ", "TN"], "DZ"), ("visit", ["DZ", "TN"], "DZ")]


def test_talks_without_an_official_of_the_other_side_are_no_visit(enricher):
    assert events(enricher, "Officials of Spain and Morocco met in Madrid on drug trafficking.") == [
        ("meeting", ["ES", "MA"], "ES")]


def test_a_summit_in_one_member_s_country_is_a_visit_by_the_others(enricher):
    assert events(enricher, "Un sommet des chefs d'Etat du Mali, du Niger et du Tchad sur le terrorisme s'est ouvert "
                            "à Niamey.", "fr") == [("meeting", ["ML", "NE", "TD"], "NE"), ("visit", ["ML", "NE", "TD"], "NE")]


# ---------------------------------------------------------------- one event carrying all its participants (SPEC)
def test_countries_that_took_part_join_the_operation(enricher):
    assert events(enricher, "Frontex and Austria led an international operation against migrant smuggling. Poland, "
                            "Hungary and Slovakia also took part in the action.") == [
        ("joint_operation", ["AT", "HU", "PL", "SK"], None)]


def test_taking_part_in_something_else_adds_no_participant(enricher):
    assert events(enricher, "Spain and Senegal signed an agreement against migrant smuggling in Dakar. An Italian plane "
                            "will take part in the surveillance of the coast.") == [("agreement", ["ES", "SN"], "SN")]


def test_the_signatories_are_the_agreement_s_parties(enricher):
    assert events(enricher, "Brasil y otros países firmaron un tratado contra el crimen organizado. Los países "
                            "firmantes son Brasil, Argentina, Chile y Uruguay.", "es") == [
        ("agreement", ["AR", "BR", "CL", "UY"], None)]


def test_the_countries_searched_in_take_part_in_the_operation(enricher):
    assert events(enricher, "Las autoridades españolas, en coordinación con la policía alemana, desmantelaron una red "
                            "de narcotráfico. Se realizaron veinte registros simultáneos en España, Alemania y Bélgica.", "es") == [
        ("joint_operation", ["BE", "DE", "ES"], None)]


def test_a_regional_body_with_fixed_membership_acts_for_its_members(enricher):
    assert events(enricher, "ASEANAPOL signed a protocol on crisis management against terrorism.") == [
        ("agreement", ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"], None)]


def test_a_body_acts_for_the_members_the_text_gives_it(enricher):
    assert events(enricher, "La Force multinationale mixte (FMM) regroupe des militaires du Tchad, du Cameroun, du Niger "
                            "et du Nigeria. La FMM a démantelé un camp de Boko Haram.", "fr") == [
        ("joint_operation", ["CM", "NE", "NG", "TD"], None)]


def test_a_gathering_of_the_countries_just_listed(enricher):
    assert events(enricher, "Les ministres de l'Intérieur de France, d'Italie et d'Espagne étaient réunis lundi. La "
                            "réunion a porté sur l'immigration clandestine.", "fr") == [("meeting", ["ES", "FR", "IT"], None)]


# ---------------------------------------------------------------- what the article reports, not its background
def test_arrests_pending_an_extradition_are_part_of_it(enricher):
    assert events(enricher, "The Spanish police arrested a drug trafficker wanted by French judges. Spain extradited "
                            "him to France on Tuesday.") == [("extradition", ["ES", "FR"], "ES")]


def test_a_reference_to_another_year_without_its_parties_is_background(enricher):
    assert events(enricher, "The counter-terrorism protocol was first proposed in 2006 at a conference in Malaysia.") == []


def test_a_purpose_is_no_operation(enricher):
    assert events(enricher, "Greek and Turkish coast guards share a direct line to intercept migrant boats.") == []


# ---------------------------------------------------------------- repeated events stay apart
def test_extraditions_told_at_different_dates_are_different_events(enricher):
    assert events(enricher, "Le Maroc a extradé vers la France un trafiquant de drogue le 23 septembre. Fin novembre, "
                            "Rabat a remis aux autorités françaises deux autres trafiquants de drogue.", "fr") == [
        ("extradition", ["FR", "MA"], "MA"), ("extradition", ["FR", "MA"], "MA")]


def test_one_extradition_told_twice_is_one_event(enricher):
    assert events(enricher, "Le Maroc a remis à la France un trafiquant de drogue. Il a été extradé vers la France le "
                            "23 septembre.", "fr") == [("extradition", ["FR", "MA"], "MA")]


def test_an_earlier_year_s_event_is_another_event(enricher):
    assert events(enricher, "The UAE extradited three drug traffickers to Belgium on Sunday. The first extradition from "
                            "the UAE to Belgium was a cocaine trafficker in December 2023.") == [
        ("extradition", ["AE", "BE"], "AE"), ("extradition", ["AE", "BE"], "AE")]


def test_an_event_is_dated_by_the_date_nearest_its_trigger(enricher):
    assert events(enricher, "Arrêté en février à Casablanca, un trafiquant de drogue a été extradé du Maroc vers la France "
                            "le 23 septembre. Fin novembre, Rabat a remis à la France deux autres trafiquants de drogue. "
                            "Au mois d'août, Rabat avait également extradé deux complices d'un trafiquant évadé en 2019.", "fr") == [
        ("extradition", ["FR", "MA"], "MA"), ("extradition", ["FR", "MA"], "MA"), ("extradition", ["FR", "MA"], "MA")]


def test_an_extradition_treaty_is_no_extradition(enricher):
    assert events(enricher, "Belgium and the United Arab Emirates signed an extradition agreement against drug "
                            "trafficking.") == [("agreement", ["AE", "BE"], None)]


def test_the_country_that_extradites_is_where_it_takes_place(enricher):
    context_title = "Le Maroc et la France renforcent leur coopération contre le trafic de drogue"
    assert events(enricher, "Rabat avait également extradé deux complices d'un trafiquant de drogue.", "fr",
                  title=context_title) == [("extradition", ["FR", "MA"], "MA")]


def test_a_suspect_handed_over_to_a_country_is_extradited(enricher):
    assert events(enricher, "Le trafiquant de drogue a été remis à la France par le Maroc jeudi.", "fr") == [
        ("extradition", ["FR", "MA"], "MA")]
    assert events(enricher, "Un procès-verbal de la réunion sur le trafic de drogue a été remis aux commandements des deux "
                            "gendarmeries.", "fr") == []


def test_a_suspect_handed_over_to_a_country_s_police_is_extradited(enricher):
    assert events(enricher, "Greek police handed over Petros Alexiou to Bulgarian officers at the border on Monday.") == [
        ("extradition", ["BG", "GR"], "GR")]
    assert events(enricher, "Las autoridades portuguesas entregaron ayer a la Guardia Civil al presunto narcotraficante.", "es")[0][:2] == (
        "extradition", ["ES", "PT"])
    assert events(enricher, "El detenido fue entregado el viernes a las autoridades belgas por la policía marroquí.", "es")[0][:2] == (
        "extradition", ["BE", "MA"])
    # equipment handed over is assistance, not a suspect
    assert [e[0] for e in events(enricher, "Italian police handed over ten patrol boats to Tunisian coast guards.")] != ["extradition"]


def test_reports_that_name_the_event_by_a_noun(enricher):
    # 'the signing of' a police cooperation agreement: a security article without a threat named
    assert events(enricher, "The signing of a police cooperation agreement between Belgium and Morocco took place in Brussels.") == [
        ("agreement", ["BE", "MA"], "BE")]
    # 'la detención de', the side named by the Catalan police's short name
    text = "La detención en Gerona de un yihadista fue posible gracias a la colaboración de la DGSN marroquí con los Mossos."
    assert [(t, c) for t, c, _ in events(enricher, text, "es")] == [("joint_operation", ["ES", "MA"])]


def test_the_title_s_last_word_does_not_qualify_the_body_s_first_demonym(enricher):
    # 'cocaine' ends the title; 'Italian' opens the body: no 'Italian cocaine' there
    text = "Italian and Albanian police seized a tonne of cocaine in Durres on Monday and arrested five people."
    assert [(t, c) for t, c, _ in events(enricher, text, title="Police seize cocaine")] == [("joint_operation", ["AL", "IT"])]


def test_parties_of_a_cooperation_in_a_relative_clause_are_kept(enricher):
    text = "Le réseau de passeurs a été démantelé, selon Europol qui salue une coopération étroite entre les polices de Belgique et des Pays-Bas."
    context = context_before(enricher, "events", text, "fr")
    keep = relcl_filter(context.doc)
    trigger = context.text.index("démantelé")
    assert not any(keep(a, trigger) for v in enricher.events.sentence_views(context) for a in v.actors)   # the parse puts them apart
    assert events(enricher, text, "fr") == [("joint_operation", ["BE", "NL"], None)]


def test_a_multinational_force_fighting_is_a_joint_operation_of_its_members(enricher):
    assert events(enricher, "La Force multinationale mixte (FMM) regroupe des militaires du Tchad, du Cameroun et du Niger. "
                            "La FMM a tué vingt terroristes lors de deux affrontements au Niger.", "fr") == [
        ("joint_operation", ["CM", "NE", "TD"], "NE")]


def test_fighting_between_two_countries_is_no_cooperation(enricher):
    assert events(enricher, "Clashes between Indian and Pakistani troops left three soldiers dead near the border, "
                            "amid accusations of terrorism.") == []


def test_the_operation_told_again_is_an_event_only_when_done_together(enricher):
    assert events(enricher, "Le Guyana a salué cette opération antidrogue et a donné son autorisation aux autorités "
                            "françaises.", "fr") == []
    assert events(enricher, "Coordonnée par Interpol, cette opération antidrogue a ciblé les ports du Mali et du Niger.", "fr") == [
        ("joint_operation", ["ML", "NE"], None)]


def test_extradition_spoken_of_in_general_is_no_event(enricher):
    assert events(enricher, "Extradition, though controversial in Colombia, remains the preferred means of processing "
                            "drug traffickers.", title="Colombia and the United States fight drug trafficking") == []


def test_strengthening_cooperation_is_a_plan_not_an_exchange(enricher):
    assert events(enricher, "Les services belges et marocains renforcent l'échange de renseignements contre le "
                            "terrorisme.", "fr") == []


def test_each_event_of_an_article_has_its_own_id(enricher):
    context = context_before(enricher, "events", "Le Maroc a extradé vers la France un trafiquant de drogue le 23 septembre. "
                             "Fin novembre, Rabat a remis aux autorités françaises deux autres trafiquants de drogue.", "fr")
    enricher.events.resolve(context)
    ids = [e.event_id for e in context.events]
    assert len(ids) == 2 and len(set(ids)) == 2


# ---------------------------------------------------------------- what did not take place (yet)
def test_a_meeting_only_scheduled_is_no_event(enricher):
    assert events(enricher, "The next round of border talks between India and Bangladesh on drug trafficking is scheduled "
                            "for September in Dhaka.") == []
    assert events(enricher, "Les deux pays tiendront la prochaine réunion sur le terrorisme entre l'Algérie et le Niger "
                            "à Niamey.", "fr") == []
    assert events(enricher, "India and Bangladesh held talks on drug trafficking in Dhaka.") == [("meeting", ["BD", "IN"], "BD")]


def test_an_agreement_still_to_be_signed_is_no_event(enricher):
    assert events(enricher, "Next year the minister will travel to Rome to sign a new agreement with Italy on migrant "
                            "smuggling, Britain said.") == []
    assert events(enricher, "Italy and Britain are expected to sign an agreement on migrant smuggling later this year.") == []


def test_an_extradition_that_could_happen_is_no_event(enricher):
    assert events(enricher, "Le trafiquant de drogue pourrait être extradé vers la France si la justice canadienne l'autorise, "
                            "a indiqué la police du Canada.", "fr") == []
    assert events(enricher, "Le trafiquant de drogue a été extradé vers la France par le Canada.", "fr") == [("extradition", ["CA", "FR"], "CA")]


def test_patrols_only_wanted_are_no_operation(enricher):
    assert events(enricher, "Dakar et Nouakchott veulent des patrouilles mixtes contre l'émigration irrégulière.", "fr",
                  title="Sénégal-Mauritanie") == []


# ---------------------------------------------------------------- countries that only qualify something else
def test_a_coast_named_after_a_country_is_a_place_not_an_actor(enricher):
    assert events(enricher, "La Garde nationale a démantelé à Sfax un réseau de passeurs organisant des traversées vers les "
                            "côtes italiennes.", "fr", title="Tunisie") == []
    # the demonym before the noun still names the country's service
    assert events(enricher, "The Moroccan coast guard and Spanish police arrested twelve smugglers in a joint operation.") == [
        ("joint_operation", ["ES", "MA"], None)]


def test_every_nationality_of_a_list_is_a_nationality(enricher):
    assert events(enricher, "Los agentes interceptaron 11 embarcaciones con 214 personas, la mayoría de nacionalidad marroquí, "
                            "argelina y guineana, por tráfico de personas.", "es", title="Detenidos") == []


def test_countries_given_as_examples_of_a_nationality_are_nationalities(enricher):
    assert events(enricher, "Quinze passeurs, dont des ressortissants de pays voisins, notamment du Mali et du Niger, ont été "
                            "arrêtés par la police.", "fr", title="Arrestations") == []


def test_the_dateline_is_no_party_when_the_sentence_names_the_parties(enricher):
    assert events(enricher, "WARSAW, 28 November — Border guards from Bulgaria, Croatia and Greece arrested 40 migrant smugglers "
                            "during a joint operation.", title="Smugglers arrested") == [("joint_operation", ["BG", "GR", "HR"], None)]
    # the dateline still names the side the sentence leaves out
    assert events(enricher, "LA PAZ — El Tribunal Supremo aprobó la extradición a Perú de un traficante de armas.", "es",
                  title="Extradición") == [("extradition", ["BO", "PE"], "BO")]


def test_a_country_near_the_scene_is_a_landmark_not_a_party(enricher):
    assert events(enricher, "Les armées du Niger et du Burkina Faso ont mené une opération conjointe contre des jihadistes "
                            "aux confins du Mali.", "fr", title="Sahel") == [("joint_operation", ["BF", "NE"], None)]


def test_the_countries_describing_the_network_targeted_are_no_parties(enricher):
    assert events(enricher, "Police in Belgium and France carried out a coordinated action against a network smuggling migrants "
                            "to the United Kingdom.", title="Smugglers") == [("joint_operation", ["BE", "FR"], None)]
    # an agent named after the network is a party again
    assert events(enricher, "A coordinated action against a network of migrant smugglers was carried out by police in Belgium "
                            "and France.", title="Smugglers") == [("joint_operation", ["BE", "FR"], None)]


# ---------------------------------------------------------------- one operation, told several ways
def test_a_body_the_text_ties_to_no_country_names_no_party(enricher):
    assert events(enricher, "The gang attacked banks in Brazil. A joint investigation team (JIT) between Germany and Poland "
                            "was set up against the cybercrime gang.", title="Cybercrime") == [("joint_operation", ["DE", "PL"], None)]


def test_a_joint_investigation_team_is_part_of_its_operation_whenever_it_was_set_up(enricher):
    assert events(enricher, "Police in Belgium and France arrested 19 migrant smugglers in a coordinated action on 24 October 2023. "
                            "The investigation, opened in 2022, was led by a joint investigation team of Belgian and French "
                            "prosecutors.", title="Smugglers arrested") == [("joint_operation", ["BE", "FR"], None)]


def test_information_exchanged_during_an_operation_is_part_of_it(enricher):
    assert events(enricher, "In an operation coordinated by Europol, police from Germany and Ukraine took down a DDoS-for-hire "
                            "service used by cybercriminals. Europol facilitated the exchange of information between German and "
                            "Ukrainian police on the action day.", title="Takedown") == [("joint_operation", ["DE", "UA"], None)]


def test_information_given_to_a_named_service_is_shared_between_the_two(enricher):
    assert events(enricher, "Des informations précises fournies par la DGST ont permis aux services de la Policía Nacional "
                            "espagnole d'interpeller un partisan de Daech.", "fr", title="Terrorisme") == [
        ("intelligence_sharing", ["ES", "MA"], None)]


def test_a_later_account_of_an_extradition_that_names_one_side_is_the_same_extradition(enricher):
    assert events(enricher, "México extraditó el viernes a Estados Unidos a un químico acusado de tráfico de fentanilo. El químico "
                            "fue entregado a agentes de la DEA en el aeropuerto de Toluca y trasladado a Chicago, donde una corte "
                            "federal lo requiere.", "es", title="Extradición") == [("extradition", ["MX", "US"], "MX")]


# ---------------------------------------------------------------- how press text words cooperation
def test_spanish_present_and_perfect_forms_report_meetings_and_visits(enricher):
    assert ("meeting", ["ES", "MA"], "MA") in events(enricher, "El ministro español del Interior se reúne en Rabat con su "
                                                               "homólogo marroquí para abordar la lucha contra el terrorismo.", "es")
    assert events(enricher, "El ministro español del Interior ha viajado hoy a Mauritania para abordar la lucha contra la "
                            "inmigración irregular.", "es") == [("visit", ["ES", "MR"], "MR")]


def test_joint_patrols_with_an_adjective_between_are_a_joint_operation(enricher):
    assert events(enricher, "La Guardia Civil y la Gendarmería Real de Marruecos realizaron cuatro patrullas marítimas conjuntas "
                            "contra la inmigración irregular.", "es") == [("joint_operation", ["ES", "MA"], None)]


def test_a_roadmap_adopted_or_a_task_force_agreed_is_an_agreement(enricher):
    assert events(enricher, "Les chefs de police de l'Algérie, du Nigeria et du Kenya ont adopté une feuille de route commune "
                            "contre le terrorisme.", "fr") == [("agreement", ["DZ", "KE", "NG"], None)]
    assert events(enricher, "Los jefes policiales de El Salvador y Guatemala acordaron crear una fuerza de tarea contra las "
                            "pandillas y el narcotráfico.", "es") == [("agreement", ["GT", "SV"], None)]


def test_a_task_force_named_beside_an_operation_makes_no_plan_of_it(enricher):
    assert events(enricher, "Kenyan police officers trained with the FBI Joint Terrorism Task Force against terrorism.") == [
        ("training", ["KE", "US"], None)]


def test_fugitives_deported_to_the_country_that_wants_them_are_handed_over(enricher):
    found = events(enricher, "MANILA – The Philippine Bureau of Immigration deported three South Korean fugitives wanted in Seoul "
                             "for voice phishing.", title="Fugitives deported")
    assert [(kind, countries) for kind, countries, _ in found] == [("extradition", ["KR", "PH"])]


def test_a_meeting_by_videoconference_takes_place_nowhere(enricher):
    assert events(enricher, "ALGIERS – Police chiefs of Algeria, Nigeria and Kenya held a meeting by videoconference on "
                            "terrorism.") == [("meeting", ["DZ", "KE", "NG"], None)]
    assert events(enricher, "ALGIERS – Police chiefs of Algeria, Nigeria and Kenya held a meeting on terrorism.") == [
        ("meeting", ["DZ", "KE", "NG"], "DZ")]


def test_equipment_handed_over_is_training(enricher):
    assert events(enricher, "España ha hecho entrega a la Gendarmería de Mauritania de 20 vehículos para la lucha contra la "
                            "inmigración irregular.", "es") == [("training", ["ES", "MR"], None)]


def test_this_arrest_refers_to_the_arrest_already_told(enricher):
    assert events(enricher, "Des informations précises fournies par la DGST ont permis aux services de la Policía Nacional "
                            "espagnole d'interpeller un partisan de Daech. Cette arrestation s'inscrit dans le cadre de la "
                            "coopération sécuritaire entre le Maroc et l'Espagne.", "fr", title="Terrorisme") == [
        ("intelligence_sharing", ["ES", "MA"], None)]


def test_confirming_that_an_extradition_request_arrived_decides_nothing(enricher):
    assert events(enricher, "Le ministère de la Justice du Canada a confirmé avoir reçu une demande d'extradition de la France "
                            "visant un trafiquant de drogue.", "fr", title="Justice") == []
    assert events(enricher, "La Cour suprême du Canada a confirmé l'extradition vers la France d'un trafiquant de drogue.", "fr",
                  title="Justice") == [("extradition", ["CA", "FR"], "CA")]


def test_a_course_given_to_officers_of_several_countries_is_one_training_of_them_all(enricher):
    found = events(enricher, "The Australian Federal Police delivered a two-week cybercrime investigations course in Suva to "
                             "officers from the police forces of Fiji, Samoa and Tonga.", title="Cybercrime training")
    assert [(kind, countries) for kind, countries, _ in found] == [("training", ["AU", "FJ", "TO", "WS"])]


def test_a_national_conference_is_no_meeting_between_countries(enricher):
    assert events(enricher, "The minister spoke at the National Organised Immigration Crime Conference about smuggling gangs.",
                  title="Speech", language="en") == []
    assert events(enricher, "Le ministre a ouvert la conférence nationale sur le terrorisme, avec des experts du Maroc et "
                            "de la France.", "fr", title="Discours") == []


def test_one_side_of_a_border_places_the_operation(enricher):
    assert events(enricher, "Kenyan and Ugandan officers have been conducting joint patrols on the Kenyan side of the border "
                            "against al-Shabaab terrorists.", title="Patrols") == [("joint_operation", ["KE", "UG"], "KE")]
    # 'the Moroccan side' speaking is a delegation, not a place
    assert events(enricher, "Spanish and Moroccan officials met in Madrid on terrorism. After the meeting, the Moroccan side said "
                            "the talks were fruitful.", title="Talks") == [("meeting", ["ES", "MA"], "ES")]


def test_a_cause_or_an_outcome_is_no_plan(enricher):
    assert events(enricher, "The arrests in Spain were made due to information provided by the Moroccan DGST on a terrorist "
                            "cell.", title="Arrests") == [("intelligence_sharing", ["ES", "MA"], None)]
    assert events(enricher, "Spain and Morocco eventually signed an agreement on terrorism.",
                  title="Agreement") == [("agreement", ["ES", "MA"], None)]
    assert events(enricher, "Spain and Morocco signed an agreement on terrorism on Monday that will take effect next year.",
                  title="Agreement") == [("agreement", ["ES", "MA"], None)]


# ---------------------------------------------------------------- press wordings of one event, told many ways
def test_a_host_receiving_a_minister_told_in_the_passive_is_a_meeting(enricher):
    # (the guest travelled: a visit too, by the SPEC's convention)
    assert ("meeting", ["ES", "MA"]) in [(t, c) for t, c, _ in events(
        enricher, "Le ministre espagnol de l'Intérieur a été reçu lundi à Rabat par son homologue marocain pour évoquer la lutte "
                  "antiterroriste.", "fr", title="Rabat")]
    assert ("meeting", ["ES", "MA"]) in [(t, c) for t, c, _ in events(
        enricher, "El ministro del Interior marroquí fue recibido el miércoles en Madrid para hablar de terrorismo.", "es",
        title="Madrid")]
    assert ("meeting", ["IT", "TN"]) in [(t, c) for t, c, _ in events(
        enricher, "Tunisia's interior minister was received by his Italian counterpart in Rome to discuss migrant smuggling.",
        title="Rome")]


def test_participants_gathered_somewhere_met(enricher):
    assert ("meeting", ["ES", "MA"]) in [(t, c) for t, c, _ in events(
        enricher, "Réunis mardi à Madrid, les ministres de l'Intérieur espagnol et marocain ont évoqué la lutte contre le "
                  "terrorisme.", "fr", title="Madrid")]


def test_a_service_receiving_information_from_another_is_intelligence_sharing(enricher):
    assert events(enricher, "The investigation began after the VSSE received information from its French counterpart, the DGSI, "
                            "about a planned terrorist attack.", title="Plot") == [("intelligence_sharing", ["BE", "FR"], None)]
    # information from the public is no exchange between countries
    assert events(enricher, "Belgian police received information from residents about a planned terrorist attack.",
                  title="Plot") == []


def test_equipment_handed_over_is_technical_assistance(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "L'Espagne a remis jeudi vingt véhicules tout-terrain à la gendarmerie "
                                                   "mauritanienne pour lutter contre l'immigration irrégulière.", "fr", title="Don")] == [
        ("training", ["ES", "MR"])]
    assert [(t, c) for t, c, _ in events(enricher, "Italy donated twelve patrol boats to the Tunisian coast guard to curb "
                                                   "migrant smuggling.", title="Boats")] == [("training", ["IT", "TN"])]
    assert [(t, c) for t, c, _ in events(enricher, "España entregó diez todoterrenos a la policía senegalesa para la lucha contra "
                                                   "la inmigración irregular.", "es", title="Entrega")] == [("training", ["ES", "SN"])]
    # a suspect handed over is no equipment
    assert "training" not in [t for t, _, _ in events(enricher, "Spain handed over a drug trafficker to Moroccan police on "
                                                                "Monday.", title="Handed over")]


def test_a_date_since_which_a_person_holds_a_post_does_not_date_the_event(enricher):
    # 'depuis 2019' is when the director took office: the meeting, told beside one side only, is of the
    # day, not background of another year
    assert ("meeting", ["FR", "MA"]) in [(t, c) for t, c, _ in events(
        enricher, "Paul Renaud, qui dirige la DGSI depuis 2019, était jeudi à Rabat pour une séance de travail avec Karim Idrissi, "
                  "son homologue marocain, sur le terrorisme.", "fr", title="Paris et Rabat resserrent les liens")]
    assert ("meeting", ["MA", "US"]) in [(t, c) for t, c, _ in events(
        enricher, "Sarah Cole, who has led the FBI since 2019, was in Rabat on Thursday for talks with Karim Idrissi, her Moroccan "
                  "counterpart, on terrorism.", "en", title="Washington and Rabat step up cooperation")]
    # a meeting the sentence itself dates to another year is still background
    assert events(enricher, "Paul Renaud était en 2019 à Rabat pour une séance de travail avec son homologue marocain sur le "
                            "terrorisme.", "fr", title="Paris et Rabat resserrent les liens") == []


def test_the_nationality_of_criminals_written_after_them_names_no_party(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Colombia extraditó a Estados Unidos a un enlace de los carteles mexicanos.", "es",
                                         title="Extradición")] == [("extradition", ["CO", "US"])]
    assert [(t, c) for t, c, _ in events(enricher, "La Colombie a extradé vers les États-Unis un intermédiaire des trafiquants "
                                                   "mexicains.", "fr", title="Extradition")] == [("extradition", ["CO", "US"])]
    # 'police criminelle' qualifies the police, not criminals
    assert [(t, c) for t, c, _ in events(enricher, "La police criminelle allemande et la police française ont démantelé un réseau "
                                                   "de passeurs.", "fr", title="Passeurs")] == [("joint_operation", ["DE", "FR"])]


def test_a_country_named_only_as_criminals_nationality_is_not_the_other_party(enricher):
    # the headline names one side; the other is the one whose police act in the body, not the cartels' country
    found = events(enricher, "Un enlace de carteles mexicanos fue entregado el jueves a agentes de la DEA en Bogotá.", "es",
                   title="Extraditado a Estados Unidos un narcotraficante")
    assert [(t, c) for t, c, _ in found] == [("extradition", ["CO", "US"])]


def test_an_extradition_or_joint_patrols_make_a_security_article(enricher):
    # no threat topic, no security body: the cooperation itself is security work
    assert [(t, c) for t, c, _ in events(enricher, "Spain extradited a murder suspect to Morocco on Tuesday.",
                                         title="Extradition")] == [("extradition", ["ES", "MA"])]
    assert [(t, c) for t, c, _ in events(enricher, "L'accord signé lundi à Dakar entre l'Espagne et le Sénégal prévoit des patrouilles "
                                                   "maritimes conjointes et des visas de travail.", "fr", title="Accord")] == [
        ("agreement", ["ES", "SN"])]
    # an agreement on trade alone stays outside security
    assert events(enricher, "L'accord signé lundi à Dakar entre l'Espagne et le Sénégal prévoit des visas de travail.", "fr",
                  title="Accord") == []


def test_a_feminine_spanish_nationality_names_its_police(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "La policía española y la policía rumana han desarticulado una red de trata de "
                                                   "personas.", "es", title="Trata")] == [("joint_operation", ["ES", "RO"])]


def test_a_body_hosting_another_countrys_head_is_a_meeting(enricher):
    assert ("meeting", ["GB", "NG"]) in [(t, c) for t, c, _ in events(
        enricher, "Britain's National Crime Agency hosted the head of Nigeria's drug enforcement agency in London on Wednesday, "
                  "as both look to disrupt cocaine trafficking.", title="NCA")]


def test_information_supplied_by_a_foreign_agency_is_intelligence_sharing(enricher):
    assert events(enricher, "Gracias a información suministrada por la DEA, la Armada de Colombia interceptó un semisumergible con "
                            "cocaína.", "es", title="Cocaína") == [("intelligence_sharing", ["CO", "US"], None)]


def test_trainees_told_in_the_passive_are_trained(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Quarante policiers béninois sont formés depuis lundi à Cotonou par des gendarmes "
                                                   "français contre le terrorisme.", "fr", title="Cotonou")] == [
        ("training", ["BJ", "FR"])]


def test_the_date_of_the_crime_a_suspect_is_wanted_for_does_not_date_the_extradition(enricher):
    # the headline and the body tell one extradition of the day, not one of 2021
    found = events(enricher, "Les autorités espagnoles ont extradé mardi vers le Maroc Rachid Saidi, recherché pour un meurtre "
                             "commis à Fès en 2021.", "fr", title="L'Espagne extrade Rachid Saidi vers le Maroc")
    assert [(t, c) for t, c, _ in found] == [("extradition", ["ES", "MA"])]


def test_spanish_past_arrests_by_two_countries_police_are_a_joint_operation(enricher):
    assert events(enricher, "Agentes españoles y portugueses detuvieron a diez personas por narcotráfico.", "es",
                  title="Detenidos") == [("joint_operation", ["ES", "PT"], None)]


def test_a_suspect_handed_to_a_country_a_day_named_between_is_extradited_by_the_other(enricher):
    assert events(enricher, "Marruecos entregó este jueves a España a un narcotraficante reclamado por la Audiencia Nacional.", "es",
                  title="Entrega") == [("extradition", ["ES", "MA"], "MA")]
    assert [(t, c) for t, c, _ in events(enricher, "Le trafiquant de cocaïne présumé a été remis mardi à la France par le Maroc.", "fr",
                                         title="Remise")] == [("extradition", ["FR", "MA"])]


def test_agreements_inked_or_subscribed_are_signed(enricher):
    assert events(enricher, "Morocco and Spain inked a security cooperation pact on terrorism in Rabat on Monday.",
                  title="Pact") == [("agreement", ["ES", "MA"], "MA")]
    assert events(enricher, "España y Senegal suscribieron en Dakar un memorando de entendimiento contra la inmigración irregular.",
                  "es", title="Memorando") == [("agreement", ["ES", "SN"], "SN")]


def test_information_passed_on_by_a_service_is_intelligence_sharing_not_an_operation(enricher):
    assert events(enricher, "Spanish police said the arrest was made possible by information passed on by Moroccan intelligence "
                            "about a terrorist cell.", title="Arrest") == [("intelligence_sharing", ["ES", "MA"], None)]


def test_a_service_alerting_its_foreign_counterparts_shares_intelligence(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Les services marocains ont alerté leurs homologues espagnols de la présence "
                                                   "d'un terroriste présumé à Gérone.", "fr", title="Alerte")] == [
        ("intelligence_sharing", ["ES", "MA"])]


def test_a_host_welcoming_a_delegation_a_day_and_place_between_is_a_meeting(enricher):
    assert ("meeting", ["BE", "MA"]) in [(t, c) for t, c, _ in events(
        enricher, "Le ministre de l'Intérieur marocain a accueilli mardi à Rabat une délégation de la police fédérale belge.", "fr",
        title="Rabat")]


def test_a_countrys_police_named_by_a_common_noun_make_a_security_article(enricher):
    # no threat topic and no named body: the countries' police say the article is about security
    assert events(enricher, "French police, working hand in hand with their Spanish colleagues, arrested eight suspected smugglers "
                            "on Tuesday.", title="Arrests") == [("joint_operation", ["ES", "FR"], None)]
    assert [(t, c) for t, c, _ in events(enricher, "Los jefes de las policías de España y Marruecos mantuvieron este martes una "
                                                   "reunión de trabajo en Tánger.", "es", title="Tánger")] == [("meeting", ["ES", "MA"])]
    # the same words about trade officials stay outside security
    assert events(enricher, "Los jefes de las cámaras de comercio de España y Marruecos mantuvieron este martes una reunión de "
                            "trabajo en Tánger.", "es", title="Tánger") == []


def test_an_operation_a_compound_nationality_qualifies_is_joint(enricher):
    assert events(enricher, "Ocho personas han sido detenidas en una operación hispano-francesa contra una red de tráfico de "
                            "migrantes.", "es", title="Detenidos") == [("joint_operation", ["ES", "FR"], None)]
    assert events(enricher, "Joint Franco-Spanish police patrols began on Monday along the Pyrenees border to curb irregular "
                            "migration.", title="Patrols") == [("joint_operation", ["ES", "FR"], None)]
    assert events(enricher, "Sept passeurs présumés ont été arrêtés lors d'un coup de filet germano-autrichien.", "fr",
                  title="Passeurs") == [("joint_operation", ["AT", "DE"], None)]


def test_a_tip_from_a_foreign_service_is_intelligence_sharing(enricher):
    assert events(enricher, "The suspect was detained in Madrid after a tip from Moroccan intelligence, Spanish police said.",
                  title="Arrest") == [("intelligence_sharing", ["ES", "MA"], None)]
    assert events(enricher, "El sospechoso fue detenido en Madrid tras un aviso de los servicios de inteligencia marroquíes, según "
                            "la policía española.", "es", title="Detenido") == [("intelligence_sharing", ["ES", "MA"], None)]


def test_ministers_putting_their_signatures_to_a_text_sign_it(enricher):
    assert ("agreement", ["IT", "TN"]) in [(t, c) for t, c, _ in events(
        enricher, "The Italian and Tunisian interior ministers put their signatures to a readmission protocol on migrant smuggling "
                  "on Tuesday.", title="Protocol")]


def test_two_countries_services_foiling_a_plot_is_a_joint_operation(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Un homme de 22 ans a été interpellé mardi à Liège.", "fr",
                                         title="La DGSI et la VSSE déjouent un projet d'attentat")] == [("joint_operation", ["BE", "FR"])]


def test_a_capital_hosting_a_foreign_minister_is_a_meeting(enricher):
    assert ("meeting", ["ES", "MA"]) in [(t, c) for t, c, _ in events(
        enricher, "Migration across the Strait fell by a third last year.", title="Rabat hosts Spanish interior minister")]


def test_a_service_that_provided_the_information_shared_intelligence(enricher):
    assert events(enricher, "C'est le FBI qui a fourni les informations ayant permis l'arrestation à Casablanca d'un homme "
                            "soupçonné de préparer un attentat.", "fr", title="Attentat") == [("intelligence_sharing", ["MA", "US"], None)]


def test_a_request_for_extradition_granted_is_an_extradition(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Le Maroc a accédé à la demande d'extradition formulée par la Belgique pour un "
                                                   "trafiquant de drogue.", "fr", title="Extradition")] == [("extradition", ["BE", "MA"])]


def test_the_date_of_the_previous_one_does_not_date_the_first_since(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Les ministres ont tenu lundi leur première réunion sur le terrorisme depuis "
                                                   "2021.", "fr", title="Alger et Paris relancent leur coopération")] == [
        ("meeting", ["DZ", "FR"])]


def test_a_report_naming_only_the_foreign_party_takes_its_outlets_country_as_the_other(enricher):
    text = ("El presunto narcotraficante Hernán Ruiz fue entregado este jueves a agentes de la Policía Nacional española "
            "en el aeropuerto, tras la aprobación de su extradición.")
    article = make_article("Entregado el narco Hernán Ruiz", text, "es")
    assert not enricher.enrich(article).events   # no second country: no cooperation between two
    from_bogota = enricher.enrich(article.model_copy(update={"source": "bogota-hoy"}))
    assert [(e.type, e.countries) for e in from_bogota.events] == [("extradition", ["CO", "ES"])]


def test_a_person_handed_over_to_a_countrys_authorities_is_a_security_report(enricher):
    article = make_article("Remis au Maroc", "Samir Haddad a été remis jeudi aux autorités marocaines à l'aéroport.", "fr")
    events = enricher.enrich(article.model_copy(update={"source": "tunis-hebdo"})).events
    assert [(e.type, e.countries) for e in events] == [("extradition", ["MA", "TN"])]


# ---------------------------------------------------------------- events told without the usual trigger words
def types_and_pairs(enricher, text, language="en"):
    return [(t, c) for t, c, _ in events(enricher, text, language)]


@pytest.mark.parametrize("text, language, expected", [
    # meetings: a host, a guest, sitting down, conferring, a closed session, speaking to each other
    ("Algeria's police chief sat down on Friday with Italian Interior Minister Paolo Renzi in Rome to discuss migrant "
     "smuggling.", "en", ("meeting", ["DZ", "IT"])),
    ("Le chef de la police sénégalaise a été accueilli jeudi à Madrid par le ministre espagnol de l'Intérieur pour évoquer "
     "la migration irrégulière.", "fr", ("meeting", ["ES", "SN"])),
    ("El ministro del Interior marroquí recibió el viernes en Rabat a la ministra belga de Justicia para hablar del "
     "terrorismo.", "es", ("meeting", ["BE", "MA"])),
    ("Kenya's police chief and his Ugandan counterpart held a closed-door session in Kampala on Tuesday on cross-border "
     "terrorism.", "en", ("meeting", ["KE", "UG"])),
    ("The Nigerian and Ghanaian police chiefs conferred in Accra on Thursday about kidnapping gangs.", "en", ("meeting", ["GH", "NG"])),
    ("Le patron de la police belge a été l'hôte mardi de son homologue néerlandais à Bruxelles pour faire le point sur le "
     "trafic de cocaïne.", "fr", ("meeting", ["BE", "NL"])),
    ("Les ministres de l'Intérieur français et algérien se sont parlé lundi à Alger de l'immigration irrégulière.", "fr",
     ("meeting", ["DZ", "FR"])),
    ("Moroccan and Spanish security chiefs met behind closed doors in Tangier on Friday to review cooperation against drug "
     "trafficking.", "en", ("meeting", ["ES", "MA"])),
    # visits: a working trip, a stay at an invitation, flying or going to a capital
    ("Nigeria's police chief began a three-day working trip to Ghana on Sunday focused on kidnapping gangs.", "en", ("visit", ["GH", "NG"])),
    ("Le directeur de la police tunisienne se trouve depuis mardi à Berlin à l'invitation de la police fédérale allemande.",
     "fr", ("visit", ["DE", "TN"])),
    ("Italy's interior minister flew to Tripoli on Sunday for talks with Libyan officials on migrant smuggling.", "en", ("visit", ["IT", "LY"])),
    ("La ministra del Interior de Portugal se desplazó el viernes a Madrid para reunirse con responsables policiales "
     "españoles.", "es", ("visit", ["ES", "PT"])),
    # intelligence: an arrest on another country's information, however the passing on is told
    ("Acting on information from the Spanish police, Dutch officers arrested a suspected jihadist in Utrecht on Friday.", "en",
     ("intelligence_sharing", ["ES", "NL"])),
    ("Alertés par leurs collègues suisses, les policiers français ont interpellé samedi un homme soupçonné de préparer un "
     "attentat.", "fr", ("intelligence_sharing", ["CH", "FR"])),
    ("C'est grâce à un renseignement transmis par la police espagnole que les gendarmes ont intercepté un camion de cannabis "
     "près de Perpignan.", "fr", ("intelligence_sharing", ["ES", "FR"])),
    ("La Guardia Civil detuvo en Valencia a un yihadista gracias a los datos aportados por la inteligencia marroquí.", "es",
     ("intelligence_sharing", ["ES", "MA"])),
    ("La police fédérale belge a arrêté samedi un homme signalé par les services marocains.", "fr", ("intelligence_sharing", ["BE", "MA"])),
    ("Spanish police arrested a suspect in Barcelona on Saturday after Moroccan intelligence had flagged him.", "en",
     ("intelligence_sharing", ["ES", "MA"])),
    ("La policía portuguesa alertó a la Guardia Civil de la llegada de una narcolancha a Huelva, donde fueron detenidos tres "
     "hombres.", "es", ("intelligence_sharing", ["ES", "PT"])),
    ("French investigators were tipped by their Belgian colleagues about the terrorist cell, a source said.", "en",
     ("intelligence_sharing", ["BE", "FR"])),
    # operations: a ring brought down, the police of both countries acting
    ("Les polices suisse et italienne ont fait tomber mercredi un réseau de trafic d'armes.", "fr", ("joint_operation", ["CH", "IT"])),
    ("Neuf personnes ont été arrêtées jeudi à Ceuta et à Tétouan par les polices des deux pays dans une affaire de trafic de "
     "migrants.", "fr", ("joint_operation", ["ES", "MA"])),
    # training: a workshop, coaching, instruction
    ("Expertos de la Policía Nacional española impartieron en Nuakchot un taller sobre documentos falsos a policías "
     "mauritanos.", "es", ("training", ["ES", "MR"])),
    ("Experts from the Dutch police spent a week in Rabat coaching officers of Morocco's cybercrime unit.", "en", ("training", ["MA", "NL"])),
    ("Spain's Civil Guard delivered a week of instruction to Senegalese gendarmes in Saint-Louis on maritime surveillance.", "en",
     ("training", ["ES", "SN"])),
    # extraditions: a wanted man or a fugitive handed over with no threat named, the handing country named between
    ("Portugal on Friday handed over to Brazil a man wanted for a double murder in Sao Paulo.", "en", ("extradition", ["BR", "PT"])),
    ("Recherché pour un meurtre commis à Liège, un homme a été remis vendredi par l'Espagne aux autorités belges.", "fr",
     ("extradition", ["BE", "ES"])),
    ("Brazil sent back to Portugal on Monday a fugitive convicted of fraud in Lisbon.", "en", ("extradition", ["BR", "PT"])),
    ("Un narcotrafiquant recherché par la justice française a été livré mercredi par l'Espagne à la France.", "fr",
     ("extradition", ["ES", "FR"])),
    ("Spanish police handed the suspect to Italian officers at the border on Friday.", "en", ("extradition", ["ES", "IT"])),
])
def test_an_event_told_without_the_usual_trigger_words_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


def test_a_nationality_after_the_noun_still_names_the_suspect_not_a_side(enricher):
    # 'handed the suspect to Italian officers' is Italy's side; 'an Italian suspect' is no side
    assert events(enricher, "Spanish police arrested an Italian suspect in Malaga on Friday.") == []


def test_an_earlier_event_recalled_as_background_is_not_the_report_s_event(enricher):
    assert events(enricher, "Spain's interior minister praised on Monday last year's joint operation with Morocco against "
                            "hashish traffickers.") == []
    assert events(enricher, "El ministro del Interior puso como ejemplo la desarticulación de una red de hachís por la "
                            "Guardia Civil y la policía marroquí.", "es") == []
    # the report's own event is still one
    assert types_and_pairs(enricher, "Spanish and Moroccan police dismantled a hashish ring on Monday, a year after a "
                                     "similar joint operation.") == [("joint_operation", ["ES", "MA"])]


@pytest.mark.parametrize("text, language", [
    ("Un trafiquant marocain a été arrêté par la police française à Marseille. Il a été remis mardi en liberté à Paris sous "
     "contrôle judiciaire.", "fr"),
    ("Un Algérien interpellé à Lyon pour trafic de drogue. Il a été remis lundi au parquet à Paris.", "fr"),
    ("La policía detuvo en Madrid a un ciudadano marroquí por tráfico de drogas. La policía alertó a la población de Madrid "
     "sobre estafas.", "es"),
    ("La police judiciaire de Marseille a démantelé un réseau de trafiquants algériens. Le ministre a été accueilli par le "
     "préfet à Marseille.", "fr"),
    ("French police arrested a Tunisian suspect in Nice. Investigators were tipped by a neighbour.", "en"),
])
def test_national_police_work_told_with_these_words_is_no_cooperation(enricher, text, language):
    # a suspect's nationality is no party: released, handed to a prosecutor, a prefect's welcome, a neighbour's tip
    assert events(enricher, text, language) == []


@pytest.mark.parametrize("text", [
    "British Home Secretary Helen Marchbank met French Interior Minister Etienne Vasseur on Tuesday.",
    "Helen Marchbank, the British Home Secretary, met Etienne Vasseur, the French Interior Minister, on Tuesday.",
    "Portugal's interior minister meets Spain's interior minister in Badajoz on Monday.",
])
def test_met_then_a_party_the_sentence_names_is_a_meeting(enricher, text):
    assert [(t, c) for t, c, _ in events(enricher, text)][:1] in ([("meeting", ["FR", "GB"])], [("meeting", ["ES", "PT"])])


@pytest.mark.parametrize("text", [
    "French police met resistance from the gang in Marseille on Tuesday.",
    "Spanish police met the deadline set by the court in Madrid.",
])
def test_met_before_no_party_is_no_meeting(enricher, text):
    assert [e for e in events(enricher, text) if e[0] == "meeting"] == []


# ---------------------------------------------------------------- reviews, calls, returns, work done with a partner
@pytest.mark.parametrize("text, language, expected", [
    # the parties reviewing their cooperation, their portfolios named or not
    ("La ministre belge de la Justice et son homologue marocain ont fait le point mardi à Bruxelles sur la lutte contre le "
     "trafic de drogue.", "fr", ("meeting", ["BE", "MA"])),
    ("The Belgian and Moroccan justice ministers took stock on Tuesday of their fight against drug trafficking.", "en",
     ("meeting", ["BE", "MA"])),
    ("Los ministros de Justicia de Bélgica y Marruecos pasaron revista el martes a la lucha contra el narcotráfico.", "es",
     ("meeting", ["BE", "MA"])),
    ("Le ministre algérien et son homologue tunisien ont passé en revue mercredi la lutte contre le terrorisme à la frontière.",
     "fr", ("meeting", ["DZ", "TN"])),
    ("Tunisia's interior minister and his Algerian counterpart compared notes on Wednesday on smuggling along the border.", "en",
     ("meeting", ["DZ", "TN"])),
    # a telephone call, the minister's own side left to the language of a report that names only the other
    ("Senegal's interior minister spoke by phone with Spain's interior minister about migrant boats.", "en", ("meeting", ["ES", "SN"])),
    ("El ministro del Interior mantuvo una conversación telefónica con su homólogo de Senegal sobre los cayucos de migrantes.",
     "es", ("meeting", ["ES", "SN"])),
    # a suspect brought back, flown back, transferred or sent to the country that wants him
    ("Soupçonné de trafic de cocaïne, un homme a été ramené jeudi en Belgique depuis le Maroc.", "fr", ("extradition", ["BE", "MA"])),
    ("A man suspected of two killings was flown back to the Netherlands from Spain by Dutch police on Wednesday.", "en",
     ("extradition", ["ES", "NL"])),
    ("Colombia sent a suspected cocaine trafficker to France on Wednesday.", "en", ("extradition", ["CO", "FR"])),
    ("La Policía Nacional trasladó desde Málaga a Países Bajos a un presunto sicario.", "es", ("extradition", ["ES", "NL"])),
    ("El presunto narcotraficante fue puesto a disposición de la policía francesa por la Guardia Civil en Irún.", "es",
     ("extradition", ["ES", "FR"])),
    # an operation, a patrol, an inquiry done with a partner
    ("Une pirogue a été interceptée au large de Saint-Louis lors d'une patrouille organisée avec la Guardia Civil espagnole, "
     "a indiqué la gendarmerie sénégalaise.", "fr", ("joint_operation", ["ES", "SN"])),
    ("Nine smugglers were arrested in Dunkirk in an investigation led with French border police, the National Crime Agency said.",
     "en", ("joint_operation", ["FR", "GB"])),
    ("Once personas fueron detenidas en una operación desarrollada junto a la Policía Judicial francesa y la Guardia Civil.", "es",
     ("joint_operation", ["ES", "FR"])),
    ("The inquiry was carried out hand in hand by Dutch detectives and Spain's National Police, leading to six arrests.", "en",
     ("joint_operation", ["ES", "NL"])),
    # a drill, manoeuvres, a course given by another country's experts
    ("Portugal's navy hosted two Moroccan patrol vessels for a search-and-rescue drill off Sines.", "en", ("training", ["MA", "PT"])),
    ("Des patrouilleurs marocains ont pris part à des manœuvres de sauvetage conduites avec la marine portugaise.", "fr",
     ("training", ["MA", "PT"])),
    ("Las armadas de Portugal y Marruecos realizaron un ejercicio conjunto de salvamento de migrantes frente a Sines.", "es",
     ("training", ["MA", "PT"])),
    ("Expertos de la Guardia Civil imparten en Nuakchot un programa sobre documentos falsos a gendarmes de Mauritania.", "es",
     ("training", ["ES", "MR"])),
    ("Un module sur les faux documents, dispensé par des experts de la Guardia Civil espagnole, a débuté à Nouakchott pour des "
     "gendarmes mauritaniens.", "fr", ("training", ["ES", "MR"])),
    # information passed on, told in the passive
    ("Il a été localisé grâce à des éléments fournis par la police espagnole, a indiqué la police française.", "fr",
     ("intelligence_sharing", ["ES", "FR"])),
    ("French investigators acted on intelligence passed along by Spain's National Police to arrest a suspected jihadist.", "en",
     ("intelligence_sharing", ["ES", "FR"])),
    # an agreement put to paper, endorsed, sealed
    ("Algeria and Tunisia put pen to paper on a protocol on border security patrols.", "en", ("agreement", ["DZ", "TN"])),
    ("Les responsables sécuritaires tunisiens et algériens ont entériné un protocole sur la surveillance de la frontière contre "
     "la contrebande.", "fr", ("agreement", ["DZ", "TN"])),
    ("Italia y Túnez sellaron en Roma un pacto sobre la devolución de migrantes irregulares.", "es", ("agreement", ["IT", "TN"])),
    # ministers meeting to prepare a summit: a meeting of its own, unlike one preparing an operation
    ("Le ministre français de l'Intérieur a retrouvé jeudi à Lisbonne ses homologues portugais et espagnol pour préparer le "
     "sommet européen consacré aux migrations.", "fr", ("meeting", ["ES", "FR", "PT"])),
    # the two chiefs seeing each other in a place
    ("Leurs deux chefs, le directeur de la police sénégalaise et l'inspecteur de la police gambienne, se sont vus lundi à "
     "Dakar.", "fr", ("meeting", ["GM", "SN"])),
    # the two ministers reviewing, whatever they reviewed; officials in charge of security signing
    ("La ministre italienne de l'Intérieur est revenue mercredi à Tunis. Les deux ministres ont dressé un premier bilan des "
     "retours de migrants.", "fr", ("meeting", ["IT", "TN"])),
    ("Les responsables sécuritaires tunisiens et algériens ont apposé leur paraphe au bas d'un protocole sur la bande "
     "frontalière.", "fr", ("agreement", ["DZ", "TN"])),
    # ministers gathering on migration policy, agreeing on a day in a place; a course run by a foreign unit; a haul found
    ("El ministro del Interior español y sus homólogos de Portugal, Francia e Italia se dieron cita el jueves en Lisboa para "
     "hablar de la política migratoria europea.", "es", ("meeting", ["ES", "FR", "IT", "PT"])),
    ("La ministra de Justicia francesa y el titular de Justicia argelino acordaron el martes en Argel reactivar la cooperación "
     "judicial entre ambos países.", "es", ("meeting", ["DZ", "FR"])),
    ("Forty Ivorian gendarmes completed a counter-terrorism course run by France's GIGN gendarmerie unit in Abidjan.", "en",
     ("training", ["CI", "FR"])),
    ("Dutch and Spanish investigators have found four tonnes of cocaine in a container in Algeciras.", "en",
     ("joint_operation", ["ES", "NL"])),
])
def test_cooperation_told_as_a_review_a_call_a_return_or_work_with_a_partner_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language", [
    # one side reviewing its own work, a briefing, a minister going home
    ("Le procureur a fait le point mardi sur l'enquête sur le trafic de cocaïne à Marseille.", "fr"),
    ("Le ministre de l'Intérieur a fait le point sur la lutte contre le terrorisme devant les préfets à Paris.", "fr"),
    ("Spain's interior minister returned to Madrid on Tuesday after talks on suspected traffickers.", "en"),
    # migrants sent back are no suspects handed over; money or a file sent are no person
    ("Migrants were sent back to Morocco from Spain on Tuesday, Spanish police said.", "en"),
    ("The suspected money launderers transferred millions to Spain from a Moroccan bank, Spanish police said.", "en"),
    # done with success, not with a partner
    ("L'opération a été menée avec succès par la police française contre le trafic de cocaïne.", "fr"),
    # a suspect's phone call is no meeting
    ("French police arrested a Moroccan suspect in Lyon after he spoke by phone with his brother.", "en"),
    # justice administered, care given, a refusal suffered, a court's review are no course, meeting or call
    ("Los jueces españoles imparten justicia en Ceuta en causas de narcotráfico con Marruecos.", "es"),
    ("Les soins dispensés par des médecins espagnols aux migrants marocains ont été salués par la police.", "fr"),
    ("Des migrants marocains se sont vus refuser l'entrée en Espagne par la police espagnole.", "fr"),
    ("A Spanish court reviewed the extradition agreement with Morocco before ruling on the case of a suspected drug "
     "trafficker.", "en"),
    # findings are no haul; one government's plan, its migration policy, are no meeting
    ("French investigators found that the Spanish network had sold four tonnes of cocaine.", "en"),
    ("El Gobierno español acordó el martes en Madrid un plan contra el narcotráfico.", "es"),
    ("Le ministre de l'Intérieur a présenté sa politique migratoire devant les députés à Paris.", "fr"),
])
def test_reviews_returns_and_work_without_a_foreign_partner_are_no_cooperation(enricher, text, language):
    assert events(enricher, text, language) == []


@pytest.mark.parametrize("text, language", [
    ("La police espagnole et la police marocaine ont démantelé un réseau de hachich. Les enquêteurs ont passé en revue les "
     "vidéos de surveillance.", "fr"),
    ("Spanish and Moroccan police dismantled a hashish ring. Investigators took stock of the damage to the warehouse.", "en"),
    ("Las policías de España y Marruecos desarticularon una red de hachís. Los agentes hicieron balance de los daños.", "es"),
    ("Spanish and Moroccan police dismantled a hashish ring. The two men arrested in Tangier had reviewed the shipments.", "en"),
])
def test_reviewing_footage_or_damage_after_an_operation_is_no_meeting(enricher, text, language):
    assert [t for t, _ in types_and_pairs(enricher, text, language)] == ["joint_operation"]


def test_a_drill_recalled_from_last_year_is_not_the_report_s_event(enricher):
    assert events(enricher, "Portugal's navy said last year's search-and-rescue drill with Moroccan vessels had been useful "
                            "against migrant smuggling.") == []


def test_a_call_is_held_nowhere(enricher):
    assert events(enricher, "Senegal's interior minister spoke by phone with Spain's interior minister in Dakar about migrant "
                            "boats.") == [("meeting", ["ES", "SN"], None)]


# ---------------------------------------------------------------- a counterpart, a warning, a person handed over, a joint plan
@pytest.mark.parametrize("text, language, expected", [
    # an official doing something with or before a counterpart
    ("La garde des Sceaux française a plaidé jeudi auprès de son homologue marocaine pour une entraide judiciaire plus rapide.",
     "fr", ("meeting", ["FR", "MA"])),
    ("Spain's interior minister worked on Tuesday with his Moroccan counterpart on the fight against migrant smuggling.", "en",
     ("meeting", ["ES", "MA"])),
    ("El ministro del Interior insistió el lunes ante su homólogo marroquí en la lucha contra el tráfico de hachís.", "es",
     ("meeting", ["ES", "MA"])),
    # the meeting told by a noun of two people face to face
    ("Le ministre algérien de l'Intérieur a eu un aparté avec le ministre espagnol sur la menace terroriste.", "fr",
     ("meeting", ["DZ", "ES"])),
    ("The Spanish and Algerian interior ministers held a tête-à-tête on terrorism in Algiers.", "en", ("meeting", ["DZ", "ES"])),
    ("Fue el primer cara a cara entre los ministros del Interior de España y Argelia sobre la inmigración irregular.", "es",
     ("meeting", ["DZ", "ES"])),
    # the two ministers giving their time to something
    ("El ministro español del Interior y su homólogo argelino estaban en Madrid. Los dos ministros dedicaron la mañana a la "
     "amenaza yihadista en el Sahel.", "es", ("meeting", ["DZ", "ES"])),
    ("Spain's interior minister and his Algerian counterpart were in Madrid. The two ministers devoted the morning to the jihadist "
     "threat in the Sahel.", "en", ("meeting", ["DZ", "ES"])),
    # a service warning another, the side warned named after the verb, the one warning before it
    ("La DGST marocaine a signalé à ses homologues italiens les activités d'un partisan de l'État islamique.", "fr",
     ("intelligence_sharing", ["IT", "MA"])),
    ("Los servicios de inteligencia marroquíes avisaron a Roma de los contactos de un yihadista con un captador.", "es",
     ("intelligence_sharing", ["IT", "MA"])),
    ("Moroccan intelligence warned Italian police about a jihadist suspect living in Milan.", "en", ("intelligence_sharing", ["IT", "MA"])),
    # the warning told from the side warned, the giver after it
    ("The Civil Guard was alerted by the DEA to a sailboat carrying cocaine toward the Canary Islands.", "en",
     ("intelligence_sharing", ["ES", "US"])),
    ("La police française a été alertée par la VSSE belge sur un projet d'attentat à Lille.", "fr", ("intelligence_sharing", ["BE", "FR"])),
    ("The arrest in Milan followed a warning from Morocco's intelligence service about a jihadist.", "en",
     ("intelligence_sharing", ["IT", "MA"])),
    # a person handed over, an apposition between, told by a noun, given back
    ("Tunisian authorities handed Yassine Gharsalli, a man wanted in Marseille for cocaine trafficking, to French police at Tunis "
     "airport.", "en", ("extradition", ["FR", "TN"])),
    ("The handover of Mehdi Laroussi, 36, to French police took place at Dubai airport on Friday.", "en", ("extradition", ["AE", "FR"])),
    ("Les Émirats arabes unis ont rendu vendredi à la France le fugitif Sofiane Belkadi, soupçonné d'un assassinat à Marseille.",
     "fr", ("extradition", ["AE", "FR"])),
    ("La entrega de Martín Vidal a la Policía francesa se produjo el viernes en el aeropuerto de Buenos Aires.", "es",
     ("extradition", ["AR", "FR"])),
    # an extradition procedure told as over
    ("Arrivé vendredi de Dubaï au terme d'une procédure d'extradition de dix-huit mois, le trafiquant a été présenté à un juge "
     "à Paris.", "fr", ("extradition", ["AE", "FR"])),
    # a joint plan of action settled
    ("La DGSN marocaine et la police sénégalaise ont arrêté mardi à Dakar un plan d'action commun contre les passeurs.", "fr",
     ("agreement", ["MA", "SN"])),
    ("Moroccan and Senegalese police adopted a joint action plan against migrant smugglers in Dakar.", "en", ("agreement", ["MA", "SN"])),
    ("Las policías de Marruecos y Senegal aprobaron un plan de acción conjunto contra las redes de tráfico de migrantes.", "es",
     ("agreement", ["MA", "SN"])),
    # a journey whose sentence names, after it, the body visited
    ("El ministro italiano del Interior se desplazó el miércoles a Trípoli para supervisar el centro de la guardia costera libia.",
     "es", ("visit", ["IT", "LY"])),
    # 'joint' naming a raid, a swoop, searches
    ("Geneva police and French gendarmes arrested nine burglars in a joint swoop on Thursday.", "en", ("joint_operation", ["CH", "FR"])),
    ("Des perquisitions conjointes ont visé mardi un réseau de cocaïne, selon les polices belge et néerlandaise.", "fr",
     ("joint_operation", ["BE", "NL"])),
    ("La Guardia Civil y la Gendarmería francesa detuvieron a seis personas en una redada conjunta contra el narcotráfico.", "es",
     ("joint_operation", ["ES", "FR"])),
])
def test_cooperation_told_with_a_counterpart_a_warning_a_handover_or_a_joint_plan_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language, absent", [
    # police working with their counterparts in an arrest: the operation, no meeting
    ("French police, with their Spanish counterparts, arrested twelve members of a hashish ring in Perpignan.", "en", "meeting"),
    ("La police française a démantelé avec ses homologues espagnols un réseau de trafic de haschich.", "fr", "meeting"),
    # a neighbour or the public alerted, a storm warning: no service warning another
    ("A neighbour alerted French police to a suspect carrying a knife in Lyon, the Moroccan consulate said.", "en", "intelligence_sharing"),
    ("Les gendarmes ont alerté les habitants de Menton sur des cambriolages commis par des Italiens.", "fr", "intelligence_sharing"),
    ("The arrest followed a storm warning from the weather service, French and Spanish police said.", "en", "intelligence_sharing"),
    # a stadium handed over, a prize, a verdict, a sentence, a minister going somewhere: no person handed over
    ("The handover of the new stadium to the French football federation took place in Lyon, Spanish police said.", "en", "extradition"),
    ("La remise du prix a eu lieu à Marseille en présence de policiers français et espagnols.", "fr", "extradition"),
    ("Le juge a rendu son verdict à la France contre le trafiquant recherché par la police marocaine.", "fr", "extradition"),
    ("A judge handed down a ten-year sentence to the trafficker wanted by France, Moroccan police said.", "en", "extradition"),
    ("Le ministre s'est rendu au Maroc pour évoquer le cas du fugitif recherché par la police française.", "fr", "extradition"),
    # one government's plan is no agreement
    ("Le gouvernement marocain a adopté un plan d'action contre le trafic de drogue avec l'aide de la police espagnole.", "fr",
     "agreement"),
])
def test_counterparts_in_an_arrest_warnings_to_the_public_and_things_handed_over_are_not_these_events(enricher, text, language, absent):
    assert absent not in [t for t, _ in types_and_pairs(enricher, text, language)]


# ---------------------------------------------------------------- a working meal, a landing, a deal struck, a tip, teaming up
@pytest.mark.parametrize("text, language, expected", [
    # an exchange had, a working meal, huddling, convening, being a counterpart's guest
    ("Les chefs des polices marocaine et espagnole ont eu un long échange mardi à Tanger sur le trafic de haschich.", "fr",
     ("meeting", ["ES", "MA"])),
    ("The Spanish and Moroccan interior ministers held a working lunch in Madrid on migration.", "en", ("meeting", ["ES", "MA"])),
    ("Les ministres espagnol et marocain de l'Intérieur ont partagé un déjeuner de travail à Madrid sur la migration.", "fr",
     ("meeting", ["ES", "MA"])),
    ("Los ministros del Interior de España y Marruecos compartieron un almuerzo de trabajo en Madrid sobre la migración.", "es",
     ("meeting", ["ES", "MA"])),
    ("Moroccan and Spanish police chiefs huddled in Tangier on Tuesday over hashish smuggling.", "en", ("meeting", ["ES", "MA"])),
    ("Spanish and Moroccan police officials convened in Rabat for the annual security dialogue.", "en", ("meeting", ["ES", "MA"])),
    ("Le patron de la DGSI a été l'invité de son homologue marocain à Rabat pour parler de terrorisme.", "fr", ("meeting", ["FR", "MA"])),
    # landing, touring
    ("Spain's interior minister landed in Rabat on Monday for migration talks.", "en", ("visit", ["ES", "MA"])),
    ("Le ministre espagnol de l'Intérieur a atterri lundi à Rabat pour parler de migration.", "fr", ("visit", ["ES", "MA"])),
    ("El ministro español del Interior aterrizó el lunes en Rabat para hablar de migración.", "es", ("visit", ["ES", "MA"])),
    ("Italy's interior minister toured a migrant reception centre in Tunisia on Tuesday.", "en", ("visit", ["IT", "TN"])),
    # a deal struck, reached, found
    ("Spain and Morocco struck a deal on Tuesday on the return of irregular migrants.", "en", ("agreement", ["ES", "MA"])),
    ("L'Espagne et le Maroc se sont entendus mardi sur un accord de réadmission des migrants.", "fr", ("agreement", ["ES", "MA"])),
    ("Un accord de coopération policière a été trouvé mardi entre l'Espagne et le Maroc.", "fr", ("agreement", ["ES", "MA"])),
    ("España y Marruecos alcanzaron el martes un acuerdo de cooperación policial contra el narcotráfico.", "es",
     ("agreement", ["ES", "MA"])),
    # what another service gave, thanks to which, on the strength of which
    ("Spanish police arrested the suspect in Madrid thanks to information from Moroccan intelligence.", "en",
     ("intelligence_sharing", ["ES", "MA"])),
    ("Spanish police arrested the jihadist in Madrid based on intelligence from the FBI.", "en", ("intelligence_sharing", ["ES", "US"])),
    ("Le jihadiste a été interpellé à Madrid sur renseignement de la DGSI.", "fr", ("intelligence_sharing", ["ES", "FR"])),
    ("La DGST a communiqué à la police espagnole l'identité du jihadiste arrêté à Madrid.", "fr", ("intelligence_sharing", ["ES", "MA"])),
    # teaming up, cooperating with both named
    ("Spanish and Moroccan police teamed up to dismantle a hashish network.", "en", ("joint_operation", ["ES", "MA"])),
    ("Les polices française et espagnole ont fait équipe pour démanteler un réseau de cocaïne.", "fr", ("joint_operation", ["ES", "FR"])),
    ("La Guardia Civil y la Gendarmería marroquí colaboraron en la desarticulación de una red de hachís.", "es",
     ("joint_operation", ["ES", "MA"])),
    # a workshop led, a course taught
    ("Des experts espagnols ont animé un atelier sur la cybercriminalité au profit de policiers marocains.", "fr",
     ("training", ["ES", "MA"])),
    ("Senegalese police officers followed a cybercrime module taught by French gendarmes in Dakar.", "en", ("training", ["FR", "SN"])),
    # a wanted man expelled to where he is wanted, given back, returned
    ("Le fugitif, recherché par la justice française, a été expulsé vers la France par le Maroc.", "fr", ("extradition", ["FR", "MA"])),
    ("Marruecos devolvió a España al prófugo reclamado por la Audiencia Nacional.", "es", ("extradition", ["ES", "MA"])),
    ("The fugitive was returned to France from Morocco on Tuesday.", "en", ("extradition", ["FR", "MA"])),
])
def test_cooperation_told_by_a_working_meal_a_landing_a_deal_struck_a_tip_or_teaming_up_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language, absent", [
    # garages, migrants and a preacher expelled, a minister landing at home
    ("Des ateliers clandestins polonais démontaient les voitures volées en Allemagne, selon la police allemande.", "fr", "training"),
    ("Les migrants marocains ont été expulsés vers le Maroc par la police espagnole.", "fr", "extradition"),
    ("L'imam, soupçonné de radicalisme, a été expulsé vers l'Algérie par la police française.", "fr", "extradition"),
    ("Spain's interior minister landed in Madrid on Monday after talks on drug trafficking.", "en", "visit"),
    # a suspect's deal with prosecutors, an identity given to the press, neighbours helping, a photograph
    ("The Moroccan suspect struck a deal with Spanish prosecutors over his drug trafficking charges.", "en", "agreement"),
    ("La police espagnole a communiqué l'identité du trafiquant marocain à la presse.", "fr", "intelligence_sharing"),
    ("Los vecinos colaboraron con la Guardia Civil en la búsqueda del narcotraficante marroquí.", "es", "joint_operation"),
    ("Spanish and French police huddled around the seized cocaine for photographs.", "en", "meeting"),
])
def test_garages_migrants_expelled_plea_deals_and_the_press_are_not_these_events(enricher, text, language, absent):
    assert absent not in [t for t, _ in types_and_pairs(enricher, text, language)]


# ---------------------------------------------------------------- chairing together, a wanted man put on a plane, a mirror inquiry, thanks to a service
@pytest.mark.parametrize("text, language, expected", [
    ("Spain's police chief paid a courtesy call on Morocco's interior minister in Rabat on Monday.", "en", ("meeting", ["ES", "MA"])),
    ("Los ministros del Interior de España y Marruecos copresidieron en Rabat la comisión mixta sobre migración.", "es",
     ("meeting", ["ES", "MA"])),
    ("The French and Moroccan interior ministers co-chaired the migration working group in Rabat.", "en", ("meeting", ["FR", "MA"])),
    ("Morocco put the wanted Frenchman on a plane to Paris on Tuesday, escorted by French police.", "en", ("extradition", ["FR", "MA"])),
    ("El prófugo fue enviado a España el martes desde Colombia, custodiado por agentes de la Guardia Civil.", "es",
     ("extradition", ["CO", "ES"])),
    ("Une enquête miroir menée en France et en Espagne a permis le démantèlement d'un réseau de cocaïne.", "fr",
     ("joint_operation", ["ES", "FR"])),
    ("Una investigación espejo en España y Francia permitió desarticular una red de cocaína.", "es", ("joint_operation", ["ES", "FR"])),
    ("A mirror investigation in Spain and France led to the dismantling of a cocaine ring.", "en", ("joint_operation", ["ES", "FR"])),
    ("Un jihadiste a été arrêté à Madrid grâce à la DGST marocaine.", "fr", ("intelligence_sharing", ["ES", "MA"])),
    ("A jihadist was arrested in Madrid thanks to Morocco's DGST, Spanish police said.", "en", ("intelligence_sharing", ["ES", "MA"])),
    ("Un yihadista fue detenido en Madrid gracias a la DGST marroquí.", "es", ("intelligence_sharing", ["ES", "MA"])),
    ("Agentes mauritanos fueron instruidos por la Guardia Civil en la detección de documentos falsos.", "es", ("training", ["ES", "MR"])),
    ("L'Espagne et le Maroc ont officialisé mardi leur coopération policière par un protocole.", "fr", ("agreement", ["ES", "MA"])),
    ("España y Marruecos formalizaron el martes un protocolo de cooperación policial.", "es", ("agreement", ["ES", "MA"])),
    ("A memorandum on police cooperation was initialled by Spain and Morocco on Tuesday.", "en", ("agreement", ["ES", "MA"])),
])
def test_cooperation_told_by_chairing_a_plane_a_mirror_inquiry_or_thanks_to_a_service_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language, absent", [
    # cocaine sent, a minister flown home, a thanks to the public, an initialled letter of a court
    ("The gang sent two tonnes of cocaine on a plane to Madrid from Bogota, Spanish police said.", "en", "extradition"),
    ("Spain's interior minister flew home on a plane to Madrid after talks with Moroccan police.", "en", "extradition"),
    ("La Guardia Civil detuvo a los narcotraficantes marroquíes gracias a la colaboración ciudadana.", "es", "intelligence_sharing"),
])
def test_goods_on_a_plane_and_thanks_to_citizens_are_not_these_events(enricher, text, language, absent):
    assert absent not in [t for t, _ in types_and_pairs(enricher, text, language)]


def test_thanks_to_a_country_is_politics_not_intelligence(enricher):
    assert "intelligence_sharing" not in [t for t, _ in types_and_pairs(
        enricher, "Irregular arrivals in Spain fell by half this year thanks to Morocco, the Spanish interior minister said.")]


@pytest.mark.parametrize("text, language, expected", [
    ("Morocco hands suspected hashish baron to Spain after six-month legal battle over drug trafficking charges.", "en",
     ("extradition", ["ES", "MA"])),
    ("Acompañado por su homólogo marroquí, el ministro español del Interior visitó el puerto de Tánger.", "es", ("visit", ["ES", "MA"])),
    ("C'est la police espagnole qui a mis les enquêteurs français sur la piste du jihadiste arrêté à Toulouse.", "fr",
     ("intelligence_sharing", ["ES", "FR"])),
    ("Spanish police put French investigators on the trail of the jihadist arrested in Toulouse.", "en",
     ("intelligence_sharing", ["ES", "FR"])),
    ("La Policía española puso a los investigadores franceses tras la pista del yihadista detenido en Toulouse.", "es",
     ("intelligence_sharing", ["ES", "FR"])),
    ("Spanish police worked shoulder to shoulder with Moroccan officers to dismantle the hashish ring.", "en",
     ("joint_operation", ["ES", "MA"])),
    ("Spain and Morocco penned a police cooperation agreement in Rabat.", "en", ("agreement", ["ES", "MA"])),
])
def test_cooperation_told_by_a_headline_s_present_a_trail_or_shoulder_to_shoulder_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language, absent", [
    # a country's own police on a trail, a minister's hands
    ("La police française est sur la piste du tueur de Toulouse, un Marocain recherché depuis mardi.", "fr", "intelligence_sharing"),
    ("The Spanish minister shook hands with reporters after talks on the Moroccan hashish trade.", "en", "extradition"),
])
def test_a_police_on_its_own_trail_and_handshakes_are_not_these_events(enricher, text, language, absent):
    assert absent not in [t for t, _ in types_and_pairs(enricher, text, language)]


@pytest.mark.parametrize("text, language, expected", [
    ("Morocco on Tuesday turned over a suspected cocaine trafficker to Belgian police.", "en", ("extradition", ["BE", "MA"])),
    ("Marruecos puso a disposición de la justicia española a un presunto yihadista.", "es", ("extradition", ["ES", "MA"])),
    ("El ministro español del Interior firmó en Rabat con su homólogo de Marruecos un acuerdo de cooperación policial.", "es",
     ("agreement", ["ES", "MA"])),
    ("La Guardia Civil interceptó el alijo de cocaína gracias a las indicaciones de la DEA.", "es", ("intelligence_sharing", ["ES", "US"])),
])
def test_cooperation_told_by_turning_over_placing_at_the_disposal_signing_or_directions_is_found(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language, absent", [
    ("The mayor turned over the keys of the new police station to Belgian officials, Moroccan media said.", "en", "extradition"),
    ("Les secours ont suivi les indications des pompiers espagnols pour retrouver les migrants marocains.", "fr", "intelligence_sharing"),
])
def test_keys_turned_over_and_firefighters_directions_are_not_these_events(enricher, text, language, absent):
    assert absent not in [t for t, _ in types_and_pairs(enricher, text, language)]


# ---------------------------------------------------------------- words of time between the verb and the side it reaches
@pytest.mark.parametrize("text, language, expected", [
    ("La Guardia Civil entregó este martes por la mañana a Francia a un fugitivo reclamado por narcotráfico.", "es",
     ("extradition", ["ES", "FR"])),
    ("L'Espagne a remis ce mardi matin à la France un fugitif recherché pour trafic de cocaïne.", "fr", ("extradition", ["ES", "FR"])),
    ("Spain handed over on Tuesday morning to France a fugitive wanted for cocaine trafficking.", "en", ("extradition", ["ES", "FR"])),
    ("La Policía francesa alertó este martes a la Guardia Civil de la llegada de un alijo de cocaína.", "es",
     ("intelligence_sharing", ["ES", "FR"])),
    ("La DGSI a alerté dès lundi les services belges sur un projet d'attentat à Bruxelles.", "fr", ("intelligence_sharing", ["BE", "FR"])),
    ("Spain's interior minister travelled on Tuesday afternoon to Rabat for migration talks.", "en", ("visit", ["ES", "MA"])),
])
def test_words_of_time_between_the_verb_and_the_side_it_reaches_are_skipped(enricher, text, language, expected):
    assert expected in types_and_pairs(enricher, text, language)


@pytest.mark.parametrize("text, language", [
    ("Le trafiquant marocain, recherché par la police espagnole, a été remis en liberté mardi en France.", "fr"),
    ("L'accord d'extradition entre la France et le Maroc a été remis en cause par le suspect recherché.", "fr"),
])
def test_a_suspect_set_free_or_a_text_called_into_question_is_no_handover(enricher, text, language):
    assert "extradition" not in [t for t, _ in types_and_pairs(enricher, text, language)]


def test_goods_travelling_with_words_between_are_no_visit(enricher):
    assert "visit" not in [t for t, _ in types_and_pairs(
        enricher, "The cocaine travelled by sea from Colombia to the United States, the DEA said after the seizure.")]


def test_an_adjective_between_operation_and_joint_still_reports_a_joint_operation(enricher):
    # French and Spanish put the adjective after the noun: 'operation militaire conjointe'
    assert events(enricher, "Une opération militaire conjointe des armées du Burkina Faso et du Niger a permis de neutraliser "
                            "des terroristes.", "fr", title="Sahel") == [("joint_operation", ["BF", "NE"], None)]
    assert events(enricher, "Una operación policial conjunta de España y Portugal desarticuló una red de narcotráfico.", "es",
                  title="Red") == [("joint_operation", ["ES", "PT"], None)]
    # two words between are no longer one expression, and a national operation stays none
    assert events(enricher, "L'opération militaire française au Niger a été menée avec des moyens conjoints.", "fr",
                  title="Sahel") == []


def test_an_operation_done_in_coordination_with_a_partner_is_a_joint_operation(enricher):
    assert events(enricher, "Une opération a été menée en coordination avec la police espagnole contre un réseau de passeurs "
                            "marocains.", "fr", title="Passeurs") == [("joint_operation", ["ES", "MA"], None)]
    assert events(enricher, "Tropas de Colombia y de Ecuador desarrollaron una ofensiva coordinada contra el narcotráfico en la "
                            "frontera.", "es", title="Frontera") == [("joint_operation", ["CO", "EC"], None)]
    # a coordinated message is no operation, nor is coordination with a country's own police
    assert events(enricher, "Le ministre a réagi en coordination avec ses services après l'attentat.", "fr", title="Attentat") == []


def test_information_provided_to_a_receiver_named_between_is_intelligence_sharing(enricher):
    assert events(enricher, "Jordan's General Intelligence Department provided Swiss authorities with information that led to "
                            "the arrest of a suspected Islamic State financier in Geneva.", title="Arrest") == [
        ("intelligence_sharing", ["CH", "JO"], None)]
    # equipment provided is no information, and a country supplying its own police tells no cooperation
    assert [e[0] for e in events(enricher, "Spain supplied Moroccan police with patrol boats against migrant smuggling.",
                                 title="Boats")] != ["intelligence_sharing"]


def test_a_bilateral_held_with_a_counterpart_is_a_meeting(enricher):
    assert events(enricher, "On the margins of the summit, Ghana's defence minister held a closed-door bilateral with Burkina "
                            "Faso's minister of defence on border security.", title="Talks") == [("meeting", ["BF", "GH"], None)]
    # bilateral relations or a bilateral agreement are no talks
    assert [e[0] for e in events(enricher, "Ghana wants closer bilateral relations with Burkina Faso on border security.",
                                 title="Ties")] == []


def test_a_text_executed_or_an_instrument_signed_is_an_agreement(enricher):
    assert events(enricher, "The instrument, executed in Abuja on Wednesday by Nigeria's interior minister and Britain's security "
                            "minister, provides for joint training against human trafficking.", title="Deal") == [
        ("agreement", ["GB", "NG"], "NG"), ("training", ["GB", "NG"], "NG"), ("visit", ["GB", "NG"], "NG")]   # Britain's minister signed in Abuja
    assert events(enricher, "The memorandum was duly executed in Dakar by Senegal and France to fight drug trafficking.",
                  title="Deal") == [("agreement", ["FR", "SN"], "SN")]
    assert events(enricher, "El entendimiento firmado el martes entre Buenos Aires y Montevideo refuerza la lucha contra el "
                            "narcotráfico.", "es", title="Hidrovía") == [("agreement", ["AR", "UY"], None)]
    assert events(enricher, "L'instrument, paraphé à Rabat par le Maroc et l'Espagne, prévoit une coopération contre le terrorisme.",
                  "fr", title="Accord") == [("agreement", ["ES", "MA"], "MA")]
    # warrants or a prisoner executed, an instrument adopted, understanding wished for: no agreement
    assert events(enricher, "Thirteen search warrants were executed in Sydney by Australian and New Zealand police against a "
                            "drug ring.", title="Raids") == []
    assert events(enricher, "The convicted trafficker was executed in Riyadh on Tuesday, Saudi Arabia said, despite appeals from "
                            "France.", title="Execution") == []
    assert events(enricher, "The European Union adopted a new instrument to fund border management in Libya and Tunisia against "
                            "migrant smuggling.", title="Funds") == []
    assert events(enricher, "El presidente pidió mayor entendimiento entre Colombia y Venezuela en la lucha contra el narcotráfico.",
                  "es", title="Frontera") == []


def test_a_deal_sealed_with_the_partner_named_between_is_an_agreement(enricher):
    assert events(enricher, "Tras meses de negociaciones, Argentina selló ayer con Paraguay un acuerdo de seguridad contra el "
                            "narcotráfico.", "es", title="Hidrovía") == [("agreement", ["AR", "PY"], None)]
    assert events(enricher, "La ministra cerró en Asunción un acuerdo contra el narcotráfico entre Argentina y Paraguay.", "es",
                  title="Hidrovía") == [("agreement", ["AR", "PY"], "PY")]
    # a stamp ('sello') is no signing
    assert events(enricher, "El sello de calidad del acuerdo entre Argentina y Paraguay contra el narcotráfico fue criticado.", "es",
                  title="Hidrovía") == []


def test_a_warning_that_came_from_another_side_is_intelligence_sharing(enricher):
    arrest = "German police arrested a Syrian man in Düsseldorf suspected of planning a terrorist attack. "
    assert events(enricher, arrest + "Security sources said the first warning about him had come from Rabat.", title="Plot") == [
        ("intelligence_sharing", ["DE", "MA"], None)]
    assert events(enricher, "La police belge a interpellé un homme soupçonné de préparer un attentat terroriste. Le signalement "
                            "provenait des services marocains.", "fr", title="Attentat") == [("intelligence_sharing", ["BE", "MA"], None)]
    assert events(enricher, "La Policía Nacional detuvo en Madrid a un yihadista que preparaba un atentado terrorista. El aviso "
                            "llegó desde Rabat, según fuentes de la investigación.", "es", title="Yihadista") == [
        ("intelligence_sharing", ["ES", "MA"], None)]
    # a suspect who came from a capital, a warning from a neighbour, a conference named after its city: no warning shared
    for text in ("He had come from Rabat a week earlier.", "The warning about him came from a neighbour in Düsseldorf.",
                 "He had attended the Rabat conference on terrorism."):
        assert "intelligence_sharing" not in [e[0] for e in events(enricher, arrest + text, title="Plot")]
    assert events(enricher, "La Policía Nacional detuvo en Madrid a un yihadista que preparaba un atentado terrorista. El detenido "
                            "llegó desde Rabat hace un mes.", "es", title="Yihadista") == []


def test_an_operation_done_after_its_partner_is_named_is_a_joint_operation(enricher):
    assert events(enricher, "El Comando Conjunto informó que, en coordinación con el Ejército de Colombia, se ejecutó una operación "
                            "militar que dejó cinco laboratorios de cocaína destruidos en territorio ecuatoriano.", "es",
                  title="Frontera") == [("joint_operation", ["CO", "EC"], None)]
    assert events(enricher, "En coordination avec la police espagnole, une opération a été menée jeudi contre un réseau de passeurs "
                            "à Tanger, au Maroc.", "fr", title="Passeurs") == [("joint_operation", ["ES", "MA"], "MA")]
    # a statement made in step with a partner, an operation only studied, a partner that is no side: no joint operation
    assert events(enricher, "In coordination with Morocco, the Spanish minister condemned the attack and called for calm after the "
                            "terrorist bombing.", title="Attack") == []
    assert events(enricher, "En coordinación con Colombia, el Gobierno ecuatoriano anunció que estudiará una operación contra el "
                            "narcotráfico el próximo año.", "es", title="Frontera") == []
    assert events(enricher, "In collaboration with local charities, police carried out an operation against drug dealers in Madrid.",
                  title="Drugs") == []


def test_a_suspect_handed_the_same_day_to_another_country_s_services_is_an_extradition(enricher):
    assert events(enricher, "Par ailleurs, les autorités espagnoles ont remis le même jour aux services de la DGSN un ressortissant "
                            "marocain faisant l'objet d'un mandat d'arrêt international pour trafic de cocaïne.", "fr",
                  title="Remise") == [("extradition", ["ES", "MA"], "ES")]
    # vehicles handed over, or a report handed to investigators: no suspect handed over
    assert events(enricher, "Les autorités espagnoles ont remis le même jour aux services de la DGSN dix véhicules tout-terrain pour "
                            "la lutte contre le trafic de drogue.", "fr", title="Remise") == []
    assert events(enricher, "Le juge a remis le même jour aux enquêteurs un rapport sur le trafic de drogue entre l'Espagne et le "
                            "Maroc.", "fr", title="Remise") == []


@pytest.mark.parametrize("text, language, expected", [
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss security cooperation.", "en", [("meeting", ["GH", "TG"])]),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour renforcer la coopération militaire.", "fr",
     [("meeting", ["GH", "TG"])]),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar de cooperación en materia de seguridad.",
     "es", [("meeting", ["CO", "EC"])]),
    ("Le Togo a pris part mercredi à Accra à la réunion ministérielle consacrée à la sécurité maritime, aux côtés du Ghana, "
     "du Bénin et du Nigeria.", "fr", [("meeting", ["BJ", "GH", "NG", "TG"])]),
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss regional security and cybersecurity.", "en",
     [("meeting", ["GH", "TG"])]),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler de la lutte contre l'insécurité.", "fr",
     [("meeting", ["GH", "TG"])]),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar de los grupos armados.", "es",
     [("meeting", ["CO", "EC"])]),
])
def test_talks_on_security_defence_or_the_seas_are_security_cooperation(enricher, text, language, expected):
    assert [(kind, countries) for kind, countries, _ in events(enricher, text, language)] == expected


@pytest.mark.parametrize("text, language", [
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss trade and tourism.", "en"),
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss software piracy and film rights.", "en"),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler de commerce maritime.", "fr"),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler de l'insécurité alimentaire.", "fr"),
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss food insecurity.", "en"),
])
def test_talks_on_trade_or_copyright_are_not_security_cooperation(enricher, text, language):
    assert events(enricher, text, language) == []


@pytest.mark.parametrize("text, language, expected", [
    ("La delegación ecuatoriana se reunió este viernes con los mandos policiales colombianos en Ipiales.", "es",
     [("meeting", ["CO", "EC"])]),
    ("Las Fuerzas Armadas de Ecuador y Colombia se reunieron este viernes en Ipiales.", "es", [("meeting", ["CO", "EC"])]),
    ("Les chefs d'état-major du Togo et du Ghana se sont réunis mercredi à Lomé.", "fr", [("meeting", ["GH", "TG"])]),
    ("Ghanaian and Togolese military officers met in Lomé on Wednesday.", "en", [("meeting", ["GH", "TG"])]),
])
def test_armed_forces_their_ranks_and_police_commanders_make_a_security_meeting(enricher, text, language, expected):
    assert [(kind, countries) for kind, countries, _ in events(enricher, text, language)] == expected


@pytest.mark.parametrize("text, language", [
    ("Los ministros de Comercio de Ecuador y Colombia se reunieron este viernes en Ipiales para hablar de aranceles.", "es"),
    ("Les ministres de la Culture du Togo et du Ghana se sont réunis mercredi à Lomé.", "fr"),
])
def test_trade_or_culture_ministers_meeting_is_no_security_meeting(enricher, text, language):
    assert events(enricher, text, language) == []


@pytest.mark.parametrize("text, language", [
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss kidnappings and smuggling in the border area.", "en"),
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss peacekeeping and the insurgency in the north.", "en"),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler du banditisme et de l'orpaillage illégal.", "fr"),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler des groupes rebelles et de la contrebande.", "fr"),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar de secuestros y minería ilegal.", "es"),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar de la guerrilla y la pesca ilegal.", "es"),
])
def test_talks_on_crimes_armed_groups_or_missions_without_a_domain_are_security_talks(enricher, text, language):
    assert [kind for kind, _, _ in events(enricher, text, language)] == ["meeting"]


@pytest.mark.parametrize("text, language", [
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss insurance, pensions and the price of fish.", "en"),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler de l'insertion des jeunes.", "fr"),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar del comercio y la agricultura.", "es"),
])
def test_talks_on_welfare_jobs_or_farming_are_not_security_talks(enricher, text, language):
    assert events(enricher, text, language) == []


def test_a_side_left_implicit_is_the_country_of_the_bare_towns_the_report_names(enricher):
    # A Dakar paper names its own towns bare, and the Gambian side by its adjective.
    assert [(t, c) for t, c, _ in events(enricher, "Une opération conjointe menée mardi par les éléments de la zone militaire "
                                                   "n°5 et les Forces armées gambiennes a permis la saisie de deux tonnes de "
                                                   "chanvre près de Bignona.", "fr")] == [("joint_operation", ["GM", "SN"])]
    # no town named: no side to add
    assert events(enricher, "Une opération conjointe menée mardi par les éléments de la zone militaire n°5 et les Forces "
                            "armées gambiennes a permis la saisie de deux tonnes de chanvre.", "fr") == []


def test_a_namesake_town_far_away_or_where_the_report_s_language_is_not_spoken_adds_no_side(enricher):
    # 'Kent' is also a city of Washington: not on the continent of the countries the report names
    assert [(t, c) for t, c, _ in events(enricher, "Les polices française et britannique ont mené mardi une opération conjointe "
                                                   "à Calais et dans le Kent contre les passeurs.", "fr")] == [
        ("joint_operation", ["FR", "GB"])]
    # 'Colombia' is also a Cuban town: a country's name is never a bare town
    assert all("CU" not in c for _, c, _ in events(
        enricher, "La Policía Nacional de Colombia y la Guardia Civil realizaron una operación conjunta en Algeciras.", "es"))


@pytest.mark.parametrize("text, language", [
    ("Ministers of Togo and Ghana met in Accra on Wednesday to discuss poaching and the ivory trade.", "en"),
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler des faux médicaments.", "fr"),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar del tráfico ilícito de fauna.", "es"),
])
def test_talks_on_wildlife_crime_fake_medicines_or_illicit_trafficking_are_security_talks(enricher, text, language):
    assert [kind for kind, _, _ in events(enricher, text, language)] == ["meeting"]


@pytest.mark.parametrize("text, language", [
    # road traffic and rare species are no crime
    ("Les ministres du Togo et du Ghana se sont réunis mercredi à Lomé pour parler du trafic routier.", "fr"),
    ("Los ministros de Colombia y Ecuador se reunieron el miércoles en Quito para hablar del tráfico vehicular.", "es"),
])
def test_talks_on_road_traffic_are_not_security_talks(enricher, text, language):
    assert events(enricher, text, language) == []


def test_a_commission_that_meets_in_a_headline_s_present_is_a_meeting(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "The Kenya-Uganda joint commission on defence and security meets in "
                                                   "Kampala to discuss cattle rustling.")] == [("meeting", ["KE", "UG"])]


@pytest.mark.parametrize("text, language", [
    ("Des policiers togolais et ghanéens ont frappé simultanément mardi à Aflao contre un réseau de passeurs.", "fr"),
    ("Agentes de Colombia y de Ecuador realizaron allanamientos simultáneos en Tulcán contra una red de contrabando.", "es"),
    # a search under warrant, in Mexican Spanish, done with the other side
    ("La FGR, en coordinación con la Fiscalía de Guatemala, cumplimentó cinco órdenes de cateo contra una red de trata.", "es"),
])
def test_strikes_made_at_once_by_both_sides_are_a_joint_operation(enricher, text, language):
    assert [kind for kind, _, _ in events(enricher, text, language)] == ["joint_operation"]


def test_a_town_named_after_a_person_places_the_report_only_after_a_locative_word(enricher):
    # a Paraguayan paper's own border town, read by the model as a person's name
    found = events(enricher, "La Policía Federal del Brasil y la Senad realizaron una operación conjunta en Pedro Juan "
                             "Caballero contra el contrabando de armas.", "es")
    assert [(t, c) for t, c, _ in found] == [("joint_operation", ["BR", "PY"])]


@pytest.mark.parametrize("text, language", [
    ("Forty Ghanaian police officers graduated from a six-week investigation course delivered by Togolese instructors.", "en"),
    ("Des gendarmes togolais et ghanéens ont suivi à Lomé un cours de police scientifique.", "fr"),
    ("Policías de Ecuador y de Colombia participaron en Quito en un curso sobre lavado de activos.", "es"),
])
def test_a_course_or_a_graduation_is_training(enricher, text, language):
    assert [kind for kind, _, _ in events(enricher, text, language)] == ["training"]


@pytest.mark.parametrize("text, language", [
    ("Au cours de l'opération, les polices togolaise et ghanéenne ont saisi deux tonnes de cannabis.", "fr"),
    ("In the course of the raids, Ghanaian and Togolese police seized two tonnes of cannabis.", "en"),
])
def test_during_is_no_course(enricher, text, language):
    assert "training" not in [kind for kind, _, _ in events(enricher, text, language)]


def test_bandits_and_stolen_cattle_make_a_security_report(enricher):
    text = "Leaders said a joint operation by Kenyan and Ugandan forces had recovered 300 stolen cattle after bandit attacks."
    assert [(t, c) for t, c, _ in events(enricher, text)] == [("joint_operation", ["KE", "UG"])]


def test_a_text_initialled_between_two_capitals_is_an_agreement(enricher):
    text = ("Le vol de bétail fait l'objet d'un nouvel accord entre le Ghana et le Togo. Le texte, paraphé vendredi à Aflao, "
            "prévoit des patrouilles coordonnées.")
    assert [(t, c) for t, c, _ in events(enricher, text, "fr")] == [("agreement", ["GH", "TG"])]
    # a text read out or published is no agreement
    text = ("Le vol de bétail inquiète le Ghana et le Togo. Le texte, publié vendredi à Aflao, "
            "appelle à des patrouilles.")
    assert events(enricher, text, "fr") == []


def test_a_minister_named_by_name_arriving_in_the_other_party_s_capital_is_a_visit(enricher):
    text = ("Chile y Perú refuerzan su lucha contra el crimen organizado. Rodrigo Valenzuela llegó este martes a Lima, donde "
            "se reunió con su homólogo peruano, Carlos Malpartida.")
    found = [(t, c) for t, c, _ in events(enricher, text, "es")]
    assert ("visit", ["CL", "PE"]) in found
    # the host's own minister arriving home is no visit
    text = "Chile y Perú refuerzan su lucha contra el crimen organizado. El ministro del Interior peruano llegó este martes a Lima."
    assert "visit" not in [t for t, _, _ in events(enricher, text, "es")]


@pytest.mark.parametrize("text, language", [
    ("Les marines philippine et indonésienne ont achevé lundi une patrouille maritime coordonnée contre la piraterie.", "fr"),
    ("Un operativo binacional de Honduras y Guatemala destruyó una narcopista en la frontera.", "es"),
    ("The Philippine and Indonesian navies wrapped up a coordinated naval patrol against piracy.", "en"),
    # the verb before the partner, the operation after it
    ("Les forces maliennes ont conduit, en synergie avec l'armée sénégalaise, une opération contre l'orpaillage illégal.", "fr"),
])
def test_an_activity_an_adjective_tells_joint_is_a_joint_operation(enricher, text, language):
    assert [kind for kind, _, _ in events(enricher, text, language)] == ["joint_operation"]


@pytest.mark.parametrize("text, language", [
    # the municipality, not a common patrol (one side's: both sides doing it is joint, see both_did)
    ("La police togolaise a mené une patrouille dans la commune de Kpendjal, près du Ghana, contre les passeurs.", "fr"),
    # cooperation described as operational is no operation
    ("La coopération opérationnelle bilatérale entre la police française et la police marocaine contre le terrorisme est ancienne.", "fr"),
    # a plan: the sentence names neither side
    ("The two forces agreed to conduct coordinated patrols along the border with India and Bangladesh.", "en"),
])
def test_a_place_a_plan_or_an_adjective_of_cooperation_is_no_joint_activity(enricher, text, language):
    assert "joint_operation" not in [kind for kind, _, _ in events(enricher, text, language)]


def outlet_events(enricher, source, text, language="en"):
    article = make_article("Note", text, language).model_copy(update={"source": source})
    return [(e.type, sorted(e.countries)) for e in enricher.enrich_many([article])[0].events]


def test_a_listed_outlet_is_the_side_its_report_takes_for_granted_near_home(enricher):
    # a Kampala paper: 'the Government' is Uganda's
    text = "Government has today signed a memorandum of understanding with Kenya to curb cattle rustling along the border."
    assert outlet_events(enricher, "new-vision", text) == [("agreement", ["KE", "UG"])]
    # a name outlets of several countries share places nothing
    assert outlet_events(enricher, "the-standard", text) == []


def test_a_listed_outlet_far_from_the_countries_its_report_names_is_no_party(enricher):
    # a Buenos Aires site's Madrid desk on a Spanish court: Argentina has no part in it
    text = ("La Audiencia Nacional ha condenado a dos hombres por difundir propaganda yihadista en reuniones presenciales "
            "en Melilla, España.")
    assert all("AR" not in countries for _, countries in outlet_events(enricher, "infobae", text, "es"))


def test_a_listed_outlet_across_a_land_border_is_the_side_its_report_takes_for_granted(enricher):
    # a Port Moresby paper on a course in Indonesia: Papua New Guinea and Indonesia lie on two continents but share a border
    text = ("Twenty police officers have returned home after completing a four-day training on drugs smuggled across the border "
            "with their Indonesian counterparts in Jayapura.")
    assert outlet_events(enricher, "post-courier", text) == [("training", ["ID", "PG"])]
    # a paper of a country far away and bordering none of them takes no part
    assert outlet_events(enricher, "le-monde", text) == []


@pytest.mark.parametrize("text, language, countries", [
    ("El ministro calificó como exitoso el operativo que militares ecuatorianos y colombianos realizaron el sábado contra el narcotráfico.",
     "es", ["CO", "EC"]),
    ("The raid that Kenyan and Somali troops carried out on Tuesday near Mandera killed 12 al-Shabaab fighters.", "en", ["KE", "SO"]),
    ("L'opération que les armées malienne et nigérienne ont menée la semaine dernière a permis de neutraliser 20 terroristes.",
     "fr", ["ML", "NE"]),
])
def test_an_operation_whose_doers_clause_names_both_sides_is_joint(enricher, text, language, countries):
    assert [(t, c) for t, c, _ in events(enricher, text, language)] == [("joint_operation", countries)]


@pytest.mark.parametrize("text", [
    # one side did it, the other complained of it
    "El gobierno de Ecuador criticó el operativo que militares colombianos realizaron en la frontera contra el narcotráfico.",
    # announced, not done
    "El operativo militar que Colombia y Ecuador anunciaron contra el narcotráfico será en abril.",
])
def test_an_operation_done_by_one_side_or_only_announced_is_not_joint(enricher, text):
    assert "joint_operation" not in [t for t, _, _ in events(enricher, text, "es")]


def test_meeting_a_cost_is_no_meeting(enricher):
    text = "The Kenyan police chief thanked the Ugandan Government for meeting the costs of the training against drug trafficking."
    assert "meeting" not in [t for t, _, _ in events(enricher, text)]


@pytest.mark.parametrize("text, language", [
    ("Joint forces of Uganda and DR Congo killed 14 ADF fighters. The rescued hostages were handed over to local authorities in Beni.", "en"),
    ("Les armées du Niger et du Nigeria ont libéré douze otages de Boko Haram, remis aux autorités locales de Diffa.", "fr"),
])
def test_the_rescued_handed_over_to_local_authorities_are_no_extradition(enricher, text, language):
    assert "extradition" not in [t for t, _, _ in events(enricher, text, language)]


@pytest.mark.parametrize("text, language", [
    ("The Sri Lanka Navy intercepted the trawler in a special operation launched on information received from Indian authorities.", "en"),
    ("La police sénégalaise a arrêté le suspect sur la base d'éléments, selon des informations reçues des services maliens.", "fr"),
])
def test_information_received_from_the_other_side_is_intelligence_sharing(enricher, text, language):
    assert "intelligence_sharing" in [t for t, _, _ in events(enricher, text, language)]


def test_what_should_be_done_together_is_not_done(enricher):
    text = "The governor said relations between Ethiopia and Kenya should be reflected in coordinated action against arms trafficking."
    assert events(enricher, text) == []


def test_a_vessel_interdicted_with_the_other_side_is_a_joint_operation(enricher):
    text = "A US Coast Guard cutter, working with the Dominican Republic Navy, interdicted a go-fast vessel carrying cocaine."
    assert [(t, c) for t, c, _ in events(enricher, text)] == [("joint_operation", ["DO", "US"])]


def test_a_country_migrants_transit_towards_is_no_party_to_the_talks(enricher):
    text = ("Ethiopian and Djiboutian police officials met in Djibouti on Tuesday to discuss smuggling. The talks, held on Tuesday, "
            "come as Djibouti grapples with growing numbers of Ethiopian migrants transiting towards Yemen and the Gulf.")
    assert [(t, c) for t, c, _ in events(enricher, text)] == [("meeting", ["DJ", "ET"])]


@pytest.mark.parametrize("text, language, kind", [
    ("La Armada Argentina y la Armada de Chile realizaron un ejercicio naval combinado en el canal Beagle.", "es", "training"),
    ("Les marines sénégalaise et gambienne ont conduit un exercice conjoint de lutte contre la piraterie.", "fr", "training"),
    ("Una alerta enviada por la Policía colombiana permitió a las autoridades francesas incautar 1,8 toneladas de cocaína.", "es",
     "intelligence_sharing"),
    ("Fueron los servicios de inteligencia marroquíes los que trasladaron la información a sus colegas españoles sobre el yihadista.",
     "es", "intelligence_sharing"),
    ("L'information, transmise via l'attaché de sécurité de l'ambassade de France à Bogota, a permis aux douaniers français de "
     "saisir la cocaïne signalée par la police colombienne.", "fr", "intelligence_sharing"),
])
def test_an_exercise_told_joint_and_a_warning_sent(enricher, text, language, kind):
    assert kind in [t for t, _, _ in events(enricher, text, language)]


def test_the_venue_of_a_forum_is_no_party_to_talks_on_its_sidelines(enricher):
    # a Manila paper: its unqualified Defense Secretary is the Philippines', not Singapore's
    text = ("SINGAPORE — Defense Secretary Eduardo Villareal and Japanese Defense Minister Kenji Morita met on Saturday "
            "on the sidelines of the Shangri-La Dialogue here, as tensions persist in the West Philippine Sea.")
    assert [(t, c) for t, c in outlet_events(enricher, "philstar", text) if t == "meeting"] == [("meeting", ["JP", "PH"])]
    # nor is the city named beside the forum, nor a minister placed there by guess
    text = ("Japan and the Philippines stepped up their fight against terrorism. The talks came during a meeting between Defense "
            "Minister Kenji Morita and his Philippine counterpart, Eduardo Villareal, in Singapore, on the fringes of the Shangri-La Dialogue.")
    assert [(t, c) for t, c in outlet_events(enricher, "japan-times", text) if t == "meeting"] == [("meeting", ["JP", "PH"])]
    # a dateline's country still hosts talks held there
    text = "DAKAR — Le ministre sénégalais de l'Intérieur a reçu mardi son homologue malien pour parler de terrorisme."
    assert [(t, c) for t, c, _ in events(enricher, text, "fr") if t == "meeting"] == [("meeting", ["ML", "SN"])]


def test_separate_talks_with_several_partners_are_one_meeting_with_each(enricher):
    text = ("Japan defense chief holds talks with Philippine, Australian counterparts. Japanese Defense Minister Kenji Morita held "
            "separate talks Saturday with his Philippine and Australian counterparts in Singapore on maritime security.")
    assert sorted(c for t, c, _ in events(enricher, text) if t == "meeting") == [["AU", "JP"], ["JP", "PH"]]
    # talks held together are one meeting of all
    text = "The defence ministers of Japan, the Philippines and Australia met in Tokyo on terrorism."
    assert [c for t, c, _ in events(enricher, text) if t == "meeting"] == [["AU", "JP", "PH"]]


def test_talks_placed_beside_a_gathering_keep_that_sentence_as_their_evidence(enricher):
    # the sentence that says 'en marge de' tells the talks apart from the conference (see incidents.on_the_sidelines)
    text = ("Le ministre de l'Intérieur, Khaled Mejri, s'est entretenu jeudi, en marge de la conférence du Dialogue 5+5 à Lisbonne, "
            "avec son homologue italien, Giorgio Fabbri. La rencontre a permis de passer en revue la coopération sécuritaire "
            "tuniso-italienne contre la migration irrégulière.")
    article = make_article("Note", text, "fr").model_copy(update={"source": "tunis-afrique-depeches"})
    meetings = [e for e in enricher.enrich_many([article])[0].events if e.type == "meeting"]
    assert [(sorted(e.countries), "en marge de" in e.evidence) for e in meetings] == [(["IT", "TN"], True)]


@pytest.mark.parametrize("text, language", [
    # the receiver, the giver or a time between the verb and what it passes
    ("Les services de renseignement estoniens ont fourni à la Finlande des informations sur le pétrolier soupçonné.", "fr"),
    ("Las Fuerzas Militares de Colombia compartieron con Ecuador una serie de informes de inteligencia sobre los grupos armados.", "es"),
    ("El ministro de Defensa de Ecuador confirmó que el país recibió de Colombia datos de inteligencia sobre campamentos de narcotraficantes.", "es"),
    ("Las policías de Malasia y Camboya intercambiaron en las últimas semanas información sobre redes de ciberestafa.", "es"),
    ("Anti-drug agencies in Paraguay and Uruguay have been swapping intelligence on suspect cocaine shipments.", "en"),
])
def test_information_passed_with_words_between_the_verb_and_the_information_is_intelligence_sharing(enricher, text, language):
    assert "intelligence_sharing" in [t for t, _, _ in events(enricher, text, language)]


@pytest.mark.parametrize("text, language", [
    # what was discussed, what is done as a habit, a database: no information passed on that day
    ("La visite du directeur au Maroc a été l'occasion d'évaluer la coopération sécuritaire et le partage de renseignements entre la France et le Maroc.", "fr"),
    ("The Greek and Turkish coast guards now share information through a direct line to intercept boats.", "en"),
])
def test_sharing_as_a_topic_or_a_habit_is_no_information_passed_on(enricher, text, language):
    assert "intelligence_sharing" not in [t for t, _, _ in events(enricher, text, language)]


def test_information_handed_over_is_no_extradition_and_what_the_press_is_told_no_sharing(enricher):
    text = "La Policía de Colombia entregó a Ecuador informes de inteligencia sobre los laboratorios de cocaína en la frontera."
    assert types_and_pairs(enricher, text, "es") == [("intelligence_sharing", ["CO", "EC"])]
    # a suspect handed over stays an extradition
    text = "La Policía de Colombia entregó a Ecuador a un narcotraficante buscado por homicidio en la frontera."
    assert types_and_pairs(enricher, text, "es") == [("extradition", ["CO", "EC"])]
    text = "La policía de Colombia compartió con los periodistas información sobre el ataque en Ecuador."
    assert "intelligence_sharing" not in [t for t, _, _ in events(enricher, text, "es")]


def test_a_minister_at_a_gathering_of_several_sides_joins_it_not_talks_with_its_host(enricher):
    text = ("Malta's Home Affairs Minister was in Lisbon on Thursday for the annual meeting of interior ministers of the "
            "Mediterranean forum on migrant smuggling. Ministers from Algeria, France, Italy, Morocco, Portugal and Spain "
            "attended the one-day meeting, hosted by Portugal's Internal Administration Minister.")
    assert types_and_pairs(enricher, text) == [("meeting", ["DZ", "ES", "FR", "IT", "MA", "MT", "PT"])]
    # talks with the host alone stay the pair's
    text = ("Malta's Home Affairs Minister was in Lisbon on Thursday for talks with his Portuguese counterpart on migrant "
            "smuggling. Ministers from Algeria, France, Italy, Morocco, Portugal and Spain attended a separate meeting on "
            "terrorism the week before.")
    assert ("meeting", ["MT", "PT"]) in types_and_pairs(enricher, text)


@pytest.mark.parametrize("text, language", [
    ("Le ministre ghanéen de l'Intérieur a clôturé dans les Savanes trois jours passés au Togo, consacrés au terrorisme.", "fr"),
    ("Le ministre ghanéen de l'Intérieur a passé trois jours au Togo pour des échanges sur le terrorisme.", "fr"),
    ("Ghana's interior minister spent three days in Togo for talks on terrorism.", "en"),
    ("El ministro de Seguridad de Honduras pasó tres días en Guatemala para hablar del narcotráfico.", "es"),
])
def test_days_spent_in_the_other_country_are_a_visit(enricher, text, language):
    assert "visit" in [t for t, _, _ in events(enricher, text, language)]


@pytest.mark.parametrize("text", [
    # the owners after the noun, the doers before the verb: two countries' bodies joined by 'and'
    "La operación de la SENAD y la Policía Federal de Brasil en Amambay destruyó 300 hectáreas de marihuana.",
    "Efectivos de la FELCN y de la Gendarmería Nacional Argentina ejecutaron este miércoles un operativo simultáneo en Yacuiba.",
])
def test_an_operation_two_countries_bodies_own_or_carry_out_is_joint(enricher, text):
    assert "joint_operation" in [t for t, _, _ in events(enricher, text, "es")]


def test_an_operation_two_bodies_of_one_country_carry_out_is_not_joint(enricher):
    text = "La Policía Nacional y la Guardia Civil realizaron un operativo en Algeciras contra el narcotráfico marroquí."
    assert events(enricher, text, "es") == []


def test_a_text_signed_with_the_day_and_the_partner_between_the_verb_and_its_noun_is_an_agreement(enricher):
    text = ("El ministro de Seguridad Pública de Panamá suscribió ayer junto a su homólogo costarricense un instrumento de "
            "cooperación contra el narcotráfico.")
    assert types_and_pairs(enricher, text, "es") == [("agreement", ["CR", "PA"])]
    # another clause's verb signs nothing
    text = ("El ministro de Panamá firmó el decreto, y su homólogo costarricense presentó en la reunión un instrumento de "
            "cooperación contra el narcotráfico.")
    assert "agreement" not in [t for t, _ in types_and_pairs(enricher, text, "es")]


def test_sharing_stepped_up_in_the_past_is_done_and_wished_is_not(enricher):
    text = "Las Fuerzas Armadas de Ecuador y Colombia han intensificado en las últimas semanas el intercambio de inteligencia sobre la frontera."
    assert types_and_pairs(enricher, text, "es") == [("intelligence_sharing", ["CO", "EC"])]
    text = "Ecuador y Colombia acordaron intensificar el intercambio de inteligencia sobre la frontera común."
    assert types_and_pairs(enricher, text, "es") == []


def test_an_official_known_by_his_nationality_alone_visits(enricher):
    text = ("Le ministre ghanéen a clôturé dans les Savanes trois jours passés au Togo, marqués par des échanges sur la "
            "sécurité et le terrorisme.")
    assert types_and_pairs(enricher, text, "fr") == [("visit", ["GH", "TG"])]
    # no movement, no visit
    assert types_and_pairs(enricher, "Le ministre ghanéen a été interviewé au Togo sur le terrorisme.", "fr") == []


@pytest.mark.parametrize("text", [
    "El ministro del Interior de Paraguay recibió este martes en la sede de la cartera a su colega uruguayo para analizar el narcotráfico.",
    "El ministro del Interior de Paraguay se reunió con su par uruguayo para hablar del narcotráfico.",
])
def test_a_counterpart_called_par_or_colega_is_met(enricher, text):
    assert ("meeting", ["PY", "UY"]) in types_and_pairs(enricher, text, "es")


def test_a_colleague_who_travels_along_is_no_counterpart_met(enricher):
    text = "El ministro del Interior de Paraguay viajó a Montevideo con su colega de Hacienda por el narcotráfico."
    assert "meeting" not in [t for t, _ in types_and_pairs(enricher, text, "es")]


@pytest.mark.parametrize("title,text,language", [
    ("Note", "A planned trip to Seoul by Japan's foreign minister on border security has been shelved, diplomats said.", "en"),
    ("La visite du Premier ministre guinéen à Bamako reportée sine die",
     "La visite de travail que devait effectuer à Bamako le Premier ministre guinéen, consacrée à la sécurité des frontières, "
     "a été reportée à une date ultérieure.", "fr"),
    ("Note", "La reunión entre los cancilleres de Perú y Bolivia prevista para este jueves en Puno para tratar el narcotráfico "
             "fue postergada sin nueva fecha.", "es"),
    ("Note", "Paraguay suspende las negociaciones de seguridad con Brasil tras revelarse espionaje.", "es"),
])
def test_an_event_called_off_did_not_take_place(enricher, title, text, language):
    assert events(enricher, text, language, title=title) == []


def test_persons_counted_by_nationality_are_no_side_of_an_arrest(enricher):
    assert events(enricher, "La police a saisi la drogue lundi.", "fr", title="Abidjan : trois Ghanéens interpellés avec 40 kg de cocaïne") == []
    assert events(enricher, "Les polices ivoirienne et ghanéenne ont interpellé lundi trois trafiquants de cocaïne.", "fr") == [
        ("joint_operation", ["CI", "GH"], None)]


@pytest.mark.parametrize("text,language", [
    ("The Sri Lanka Navy arrested 14 Indian fishermen and seized two trawlers for allegedly poaching in Sri Lankan waters.", "en"),
    ("La Fuerza de Defensa de Belice detuvo a cuatro pescadores guatemaltecos en el río Sarstún.", "es"),
    ("The Nigeria Customs Service has intercepted three containers of tramadol shipped from Mumbai.", "en"),
    ("La empresa NSO Group, con sede en Israel, tampoco facilitó información sobre sus clientes a la policía española.", "es"),
])
def test_one_side_acting_on_persons_goods_or_silence_of_another_country_is_no_cooperation(enricher, text, language):
    assert events(enricher, text, language) == []


def test_officers_of_two_sides_arresting_fishermen_together_still_cooperate(enricher):
    assert events(enricher, "Sri Lankan and Indian coast guards arrested 14 fishermen in a joint patrol.") == [
        ("joint_operation", ["IN", "LK"], None)]


def test_a_person_named_by_nationality_is_no_side_of_an_arrest(enricher):
    assert events(enricher, "Two men, a South African and a Zimbabwean, were arrested near the border, the army said.") == []
    assert events(enricher, "Un Colombien a été arrêté lundi par la police française à Marseille pour trafic de cocaïne.", "fr") == []


# ---------------------------------------------------------------- wordings of the dev24/dev25 round
def test_both_countries_are_the_two_the_sentence_before_names(enricher):
    # a round-up: each item starts with the countries it is about; 'ambos países' are those, not
    # the pair of the item before
    text = ("Honduras. La policía hondureña detuvo en Tegucigalpa a un cabecilla de pandilla gracias a información "
            "proporcionada por la policía salvadoreña.\n"
            "Perú y Bolivia. Tropas de ambos países ejecutaron una ofensiva coordinada contra el contrabando en la frontera.")
    found = events(enricher, text, "es")
    assert ("joint_operation", ["BO", "PE"], None) in [(t, c, None) for t, c, _ in found]
    assert not [c for t, c, _ in found if t == "joint_operation" and "HN" in c]


def test_a_force_s_command_is_no_accord_that_makes_an_operation_a_plan(enricher):
    text = ("Nigerian soldiers, working hand in hand with Cameroonian troops under the Multinational Joint Task Force, "
            "destroyed several Boko Haram camps on Tuesday.")
    assert [(t, c) for t, c, _ in events(enricher, text)] == [("joint_operation", ["CM", "NG"])]
    # an accord still makes it a plan
    planned = "Under the agreement, Nigerian and Cameroonian troops will conduct joint patrols against Boko Haram."
    assert events(enricher, planned) == []


def test_mixed_patrols_are_joint(enricher):
    text = ("Mixed patrols of Polish Border Guard (SG) and German Bundespolizei officers have begun operating along the "
            "countries' shared frontier against migrant smuggling, the SG announced.")
    assert [(t, c) for t, c, _ in events(enricher, text)] == [("joint_operation", ["DE", "PL"])]


def test_information_a_service_passed_on_is_sharing_even_with_an_adjective_between(enricher):
    text = ("Une information détaillée transmise par la DGSI à ses homologues belges a permis l'interpellation "
            "d'un homme soupçonné de préparer un attentat.")
    assert [t for t, _, _ in events(enricher, text, "fr")] == ["intelligence_sharing"]
    text = ("Spain's interior minister thanked French intelligence for information that led to the arrest of a "
            "suspected jihadist in Bilbao.")
    assert "intelligence_sharing" in [t for t, _, _ in events(enricher, text)]


def test_an_extradition_request_being_prepared_is_no_extradition(enricher):
    text = ("La fiscalía peruana informó que prepara la solicitud formal de extradición del detenido a las "
            "autoridades bolivianas por narcotráfico.")
    assert [t for t, _, _ in events(enricher, text, "es")] == []


def test_a_fugitive_handed_to_a_country_s_authorities_is_security_news_without_the_word_extradition(enricher):
    text = "Le Belge Marc Dupont, accusé de fraude, a été livré aux autorités françaises jeudi à la frontière."
    assert [(t, c) for t, c, _ in events(enricher, text, "fr")] == [("extradition", ["BE", "FR"])]


def test_a_delegation_staying_in_the_host_country_is_on_a_visit(enricher):
    text = ("Une délégation de la Gendarmerie royale marocaine conduite par son commandant se trouve depuis hier en "
            "Mauritanie, où elle a inspecté des postes frontaliers contre le trafic de drogue.")
    assert ("visit", ["MA", "MR"]) in [(t, c) for t, c, _ in events(enricher, text, "fr")]
    text = ("El jefe de la Policía Nacional de Colombia estuvo este martes en Quito, donde recorrió las unidades "
            "antinarcóticos de la frontera.")
    assert ("visit", ["CO", "EC"]) in [(t, c) for t, c, _ in events(enricher, text, "es")]


# ---------------------------------------------------------------- wordings of the dev26 round
def test_korea_and_koreans_are_south_korea_s_and_north_korea_stays_apart(enricher):
    assert [(t, c) for t, c, _ in events(enricher, "Korea and Vietnam signed a memorandum against cybercrime and "
                                                     "voice phishing in Hanoi on Tuesday.")] == [("agreement", ["KR", "VN"])]
    context = context_before(enricher, "events", "North Korean hackers stole millions from a Japanese exchange.")
    assert {c.code for c in context.countries} == {"JP", "KP"}


def test_a_person_s_origin_is_no_side(enricher):
    text = ("La Policía Nacional detuvo en Valencia a un joven de origen marroquí gracias a información facilitada por "
            "la DGSI francesa sobre un atentado yihadista.")
    assert [(t, c) for t, c, _ in events(enricher, text, "es")] == [("intelligence_sharing", ["ES", "FR"])]


def test_inputs_and_a_tip_received_are_intelligence(enricher):
    assert [t for t, _, _ in events(enricher, "India's National Investigation Agency arrested two men in Kochi for "
                                              "terror financing on inputs from Qatar.")] == ["intelligence_sharing"]
    text = ("La Policía tailandesa detuvo a dos hombres con heroína tras recibir un aviso de la policía birmana, "
            "informaron las autoridades.")
    assert [t for t, _, _ in events(enricher, text, "es")] == ["intelligence_sharing"]


def test_patrolling_together_is_a_joint_operation(enricher):
    text = "Unos 150 agentes de Bolivia y Perú recorrieron conjuntamente un tramo de su frontera contra el contrabando de drogas."
    assert [(t, c) for t, c, _ in events(enricher, text, "es")] == [("joint_operation", ["BO", "PE"])]


def test_information_a_foreign_service_passed_on_was_received_by_the_outlet_s_country(enricher):
    # the receiver the report leaves implicit is its outlet's side, not the article's next most named
    # country (the boat's port of departure)
    text = ("Detectives arrested three men at the port on Monday, acting on information passed on by the Australian "
            "Federal Police. The methamphetamine had come from Malaysia and from Malaysia's coast. The suspects face "
            "the death penalty under Indonesia's narcotics law.")
    article = make_article("Police seize meth after tip", text, "en").model_copy(update={"source": "jakarta-post"})
    assert [(e.type, e.countries) for e in enricher.enrich(article).events] == [("intelligence_sharing", ["AU", "ID"])]
    # a paper of another country, which the article never names, is no side of it
    text = ("La marine colombienne a intercepté samedi un semi-submersible chargé de cocaïne. L'interception a été rendue "
            "possible par des renseignements transmis par l'agence antidrogue américaine.")
    article = make_article("Colombie : un narco-sous-marin intercepté", text, "fr").model_copy(update={"source": "paris-matinal"})
    assert [(e.type, e.countries) for e in enricher.enrich(article).events] == [("intelligence_sharing", ["CO", "US"])]


def test_nepal_s_armed_police_force_places_a_visit_to_its_headquarters(enricher):
    text = ("The head of India's Sashastra Seema Bal paid a visit to the Armed Police Force headquarters on Tuesday "
            "to discuss cross-border smuggling.")
    assert ("visit", ["IN", "NP"]) in [(t, c) for t, c, _ in events(enricher, text)]


# ---------------------------------------------------------------- look-alikes of cooperation (press-blind33 round)
def test_a_capacity_is_no_training_but_building_capacities_is(enricher):
    assert events(enricher, "Dutch and Belgian customs say their container scanning capacity against cocaine "
                            "smuggling remains far too limited.") == []
    assert events(enricher, "France funded a capacity-building programme for the Senegalese police against "
                            "terrorism.")[0][:2] == ("training", ["FR", "SN"])


def test_someone_met_online_is_no_meeting(enricher):
    assert events(enricher, "Le jeune Belge, jugé pour terrorisme, a évoqué un recruteur syrien rencontré sur les "
                            "réseaux sociaux.", "fr") == []


def test_a_meeting_only_proposed_is_no_event(enricher):
    assert events(enricher, "El presidente de Colombia propuso una reunión de seguridad con Ecuador contra el "
                            "narcotráfico.", "es") == []
    assert events(enricher, "El presidente de Colombia celebró una reunión de seguridad con Ecuador contra el "
                            "narcotráfico.", "es")[0][:2] == ("meeting", ["CO", "EC"])


def test_talks_with_an_armed_group_are_no_meeting_between_countries(enricher):
    assert events(enricher, "Mexico extradited a cartel boss to the United States on Friday. Mexico's government "
                            "has also held peace talks with the armed group in the north.") == [
        ("extradition", ["MX", "US"], "MX")]


def test_a_person_s_two_nationalities_are_no_joint_operation(enricher):
    assert events(enricher, "Un ressortissant franco-marocain soupçonné de terrorisme a été interpellé à Lyon par "
                            "la police française.", "fr") == []


def test_a_traveller_s_route_names_no_party(enricher):
    assert events(enricher, "Nigerian anti-drug officers intercepted a trafficker on arrival from Lima via Madrid "
                            "on an Iberia flight with two kilograms of cocaine.") == []


def test_an_international_body_s_seat_in_the_dateline_is_no_party(enricher):
    assert events(enricher, "LYON, France - An INTERPOL-coordinated operation against online fraud has led to 120 "
                            "arrests, the organization said. Ghanaian and Kenyan police carried out coordinated raids "
                            "on call centres.") == [("joint_operation", ["GH", "KE"], None)]


def test_migrants_handed_to_the_police_are_no_extradition(enricher):
    assert events(enricher, "La marine mauritanienne a intercepté une pirogue au large de Nouadhibou. Les 140 "
                            "passagers, des ressortissants sénégalais et maliens, ont été remis à la DGSN pour les "
                            "procédures d'usage.", "fr") == []
    # a suspect handed over still is one
    assert events(enricher, "Le suspect, un ressortissant sénégalais recherché pour trafic de migrants, a été remis par "
                            "la Mauritanie aux autorités sénégalaises.", "fr") == [("extradition", ["MR", "SN"], "MR")]


def test_an_interception_thanks_to_another_side_s_intelligence_is_shared_intelligence(enricher):
    title = "Nouakchott : 95 migrants interceptés grâce à un renseignement sénégalais"
    assert events(enricher, title, "fr", title=title[:40]) == [("intelligence_sharing", ["MR", "SN"], None)]


# ---------------------------------------------------------------- look-alikes of a blind press set


def test_an_instrument_denied_is_no_agreement(enricher):
    found = events(enricher, "Italy's interior minister held talks in Tunis with his Tunisian counterpart on migrant smuggling. "
                             "No new agreement was signed, but the two sides will meet again in Rome.")
    assert "agreement" not in [event_type for event_type, _, _ in found]
    assert ("meeting", ["IT", "TN"], "TN") in found


def test_a_suspect_held_pending_a_decision_on_his_extradition_is_not_extradited(enricher):
    assert events(enricher, "German police arrested a Dutch cocaine suspect at Frankfurt airport. A judge ordered him held "
                            "in custody pending a decision on his extradition to the Netherlands.") == []
    assert events(enricher, "Le suspect, arrêté à Madrid, a été placé en détention dans l'attente de son extradition vers la France.",
                  "fr") == []


def test_the_country_of_a_war_the_talks_were_about_is_no_party(enricher):
    found = events(enricher, "Le ministre français de l'Intérieur s'est rendu à Chisinau. Les deux ministres ont tenu un entretien "
                             "consacré aux trafics d'armes liés au conflit en Ukraine.", "fr")
    assert found and all("UA" not in countries for _, countries, _ in found), found


def test_where_the_people_smuggled_came_from_is_no_party(enricher):
    found = events(enricher, "Australia's home affairs minister met Indonesia's immigration minister in Jakarta. The talks focused "
                             "on boats carrying asylum seekers, mostly from Bangladesh and Sri Lanka, that set off toward Australia.")
    assert found and all(not {"BD", "LK"} & set(countries) for _, countries, _ in found), found


def test_a_workshop_planned_for_later_is_no_training_yet(enricher):
    found = events(enricher, "Australia's home affairs minister met Indonesia's immigration minister in Jakarta on Tuesday. "
                             "The ministers also discussed a joint workshop for immigration officers planned for later this year.")
    assert "training" not in [event_type for event_type, _, _ in found], found


def test_seizures_at_two_countries_ports_are_no_joint_operation(enricher):
    assert events(enricher, "En 2024, les saisies de cocaïne dans les ports belges et néerlandais ont de nouveau dépassé les 100 tonnes.",
                  "fr") == []


def test_the_nationality_of_the_women_exploited_is_no_side(enricher):
    found = events(enricher, "La Guardia Civil, en una operación conjunta con la Policía Federal Argentina, desarticuló una red "
                             "que explotaba a mujeres argentinas y paraguayas.", "es")
    assert [(event_type, countries) for event_type, countries, _ in found] == [("joint_operation", ["AR", "ES"])]


def test_an_operation_the_article_counts_then_lists_is_one_of_all_the_listed_countries(enricher):
    # the headline's operation names two of the countries the article counts, then lists
    text = ("Plus de 200 personnes ont été interpellées dans quatre pays d'Afrique de l'Ouest lors d'une opération coordonnée "
            "par Interpol, a annoncé l'organisation. Baptisée « Sahel Net », elle s'est déroulée au Mali, au Niger, "
            "au Burkina Faso et au Tchad.")
    found = events(enricher, text, "fr", title="Opération coordonnée par le Mali et le Niger contre la cybercriminalité")
    assert [(event_type, countries, location) for event_type, countries, location in found
            if event_type == "joint_operation"] == [("joint_operation", ["BF", "ML", "NE", "TD"], None)]


def test_counted_participants_need_a_sentence_naming_exactly_as_many(enricher):
    from streams.enrichment.participants import counted_participants

    def listed(text, language="en"):
        context = context_before(enricher, "events", text, language)
        return counted_participants(enricher.events.sentence_views(context), context.folded)

    assert listed("L'opération a été menée dans trois pays. Des perquisitions ont eu lieu au Mali, au Niger et au Tchad.", "fr") \
        == {"ML", "NE", "TD"}
    assert listed("The three countries took part. The armies of Mali, Niger and Chad acted together.") == {"ML", "NE", "TD"}
    assert listed("Police in six countries took part. Searches were made in Belgium, France, Spain and Portugal.") == set()
    assert listed("Two countries signed. Belgium and France agreed.") == set()   # two sides are no count of participants

