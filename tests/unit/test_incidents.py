"""The consolidation stage's pure core: re-keying, the merge rule, moves on replay, documents."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from aiokafka.partitioner import DefaultPartitioner
from pydantic import ValidationError

from schemas.articles import ArticleMentions, CooperationEvent, EnrichedArticle, IncidentMention, MentionsMessage, Organization, Person
from streams.incident_eval import Item, pairwise
from streams.incidents import (
    on_the_sidelines,
    IncidentStore,
    agreement,
    anchor_terms,
    event_day,
    event_week,
    figures,
    initialled_names,
    name_skeleton,
    outlet_credits,
    shared_agency_count,
    shared_person_count,
    surnames_among,
    apply_mentions,
    best_incident,
    countries_agree,
    incident_actions,
    EVENT_TYPES,
    mentions_messages,
    mentions_of,
    routing_key,
    types_sharing_partitions,
    topics_agree,
    IncidentState,
    joins,
    locations_agree,
)
from streams.settings import Settings

from .conftest import make_article

DAY = datetime(2024, 3, 11, 9, 0, tzinfo=timezone.utc)
SETTINGS = Settings(incidents_alias="test-incidents")


def mention(article: str, *, type_: str = "meeting", countries=("FR", "MA"), when: datetime = DAY, location="MA",
            persons=(), agencies=(), topics=("terrorism",), anchors=(), source=None, mention_id=None) -> IncidentMention:
    return IncidentMention(
        mention_id=mention_id or f"{article}-{type_}-{'-'.join(countries)}",
        article_id=article, type=type_, countries=sorted(countries), location=location,
        evidence=f"Report {article} of a {type_}.", published_at=when, source=source or f"outlet-{article}",
        title=f"Title {article}", url=f"https://example.org/{article}", language="fr",
        persons=list(persons), organizations=[a.split(":")[1] for a in agencies],
        agency_keys=[[a] for a in agencies], topics=list(topics), anchors=list(anchors),
    )


def apply(store: IncidentStore, *mentions: IncidentMention, article: str | None = None, type_: str = "meeting"):
    article = article or mentions[0].article_id
    return apply_mentions(store, ArticleMentions(article_id=article, type=type_, mentions=list(mentions)), SETTINGS)


def incidents_states(store: IncidentStore):
    from streams.incidents import IncidentState

    return [IncidentState.model_validate_json(v) for k, v in sorted(store.table.items()) if k.startswith("incident|")]


def incidents(store: IncidentStore):
    from streams.incidents import IncidentState, summarise

    return sorted((summarise(IncidentState.model_validate_json(v)) for k, v in store.table.items() if k.startswith("incident|")),
                  key=lambda i: i.first_reported_at)


DGSI = "FR:dgsi"
DGSN = "MA:dgsn"


# ---------------------------------------------------------------- re-keying
def test_a_bilateral_mention_and_a_multilateral_incident_share_their_key():
    assert routing_key("joint_operation") == routing_key("joint_operation")
    assert routing_key("meeting") != routing_key("extradition")


def test_an_article_sends_one_message_per_event_type_and_empty_ones_retract(enricher):
    article = enricher.enrich(make_article(
        "Police cooperation", "French and Moroccan police officials met in Rabat on Monday to discuss terrorism.", "en", "a-1"))
    messages = mentions_of(article)
    assert len({m.type for m in messages}) == len(messages) == 7
    meeting = next(m for m in messages if m.type == "meeting")
    assert [m.countries for m in meeting.mentions] == [["FR", "MA"]]
    assert all(not m.mentions for m in messages if m.type != "meeting")


def _partition(key: bytes, partitions: int) -> int:
    every = list(range(partitions))
    return DefaultPartitioner()(key, every, every)


def test_an_article_sends_its_mentions_in_one_message_per_partition_with_every_type_once(enricher):
    article = enricher.enrich(make_article(
        "Police cooperation", "French and Moroccan police officials met in Rabat on Monday to discuss terrorism.", "en", "a-1"))
    messages = mentions_messages(article, partitions=4)
    assert len(messages) < len(EVENT_TYPES)   # fewer messages than types: what the grouping is for
    carried = [m.type for _, message in messages for m in message.by_type]
    assert sorted(carried) == sorted(EVENT_TYPES)   # empty ones too: they take vanished events out
    for key, message in messages:
        # each type lands where its own key would: one incident's reports still meet on one partition
        assert {_partition(routing_key(m.type), 4) for m in message.by_type} == {_partition(key, 4)}
        assert message.article_id == "a-1" and all(m.article_id == "a-1" for m in message.by_type)
    meeting = next(m for _, message in messages for m in message.by_type if m.type == "meeting")
    assert [m.countries for m in meeting.mentions] == [["FR", "MA"]]


def test_each_type_travels_under_one_key_whatever_the_partition_count():
    assert types_sharing_partitions(1) == (EVENT_TYPES,)
    for partitions in (1, 2, 3, 4, 6, 12):
        groups = types_sharing_partitions(partitions)
        assert sorted(t for group in groups for t in group) == sorted(EVENT_TYPES)
        assert len({_partition(routing_key(group[0]), partitions) for group in groups}) == len(groups)


def test_a_mentions_message_of_one_type_as_earlier_versions_sent_reads_as_that_type():
    earlier = ArticleMentions(article_id="a", type="meeting", mentions=[mention("a")]).model_dump_json()
    message = MentionsMessage.model_validate_json(earlier)
    assert [(m.type, len(m.mentions)) for m in message.by_type] == [("meeting", 1)]


def test_a_mentions_message_mixing_articles_or_repeating_a_type_is_refused():
    with pytest.raises(ValidationError, match="article"):
        MentionsMessage(article_id="a", by_type=[ArticleMentions(article_id="b", type="meeting")])
    with pytest.raises(ValidationError, match="twice"):
        MentionsMessage(article_id="a", by_type=[ArticleMentions(article_id="a", type="visit")] * 2)


# ---------------------------------------------------------------- what a report says
def test_anchors_are_proper_names_and_figures_not_the_pair_weekdays_or_sentence_starts():
    terms = anchor_terms(["Spanish police seized 2,3 tonnes in Algeciras and Tangier on Tuesday, sent to Italy in 2021.",
                          "Quatorze suspects ont été arrêtés à Tanger."], known_names=["Guardia Civil"], countries=["ES", "MA"])
    assert {"algeciras", "tangier", "tanger", "2.3", "italy"} <= set(terms)
    assert not {"spanish", "tuesday", "2021", "quatorze"} & set(terms)


def test_counts_in_words_are_the_figures_of_another_report_in_another_language():
    english = anchor_terms(["Police said seven suspects were detained in Linz."], language="en")
    french = anchor_terms(["Des policiers ont interpellé sept passeurs à Passau."], language="fr")
    assert "7" in english and "7" in french
    # 'Sept' is a month in an English dateline, not seven; a date's day is no count of suspects,
    # nor is 'deux pays'
    assert figures("DAKAR, Sept 15 - the two countries", "en") == []
    assert figures("Police held 15 suspects on Sept 15.", "en") == ["15"]
    assert figures("Le 13 octobre, treize passeurs ont été arrêtés.", "fr") == ["13"]
    assert figures("les deux pays", "fr") == []


def test_a_figure_with_its_scale_in_words_is_one_figure_in_every_language():
    assert figures("The money, more than 2 million euros, paid protesters.", "en") == ["2000000"]
    assert figures("Los fondos, más de dos millones de euros, pagaban a manifestantes.", "es") == ["2000000"]
    assert figures("Une saisie de 1,5 million de dollars et de 3 tonnes.", "fr") == ["1500000", "3"]
    # a word that only begins like a scale is none
    assert figures("Les 3 militaires ont été arrêtés.", "fr") == ["3"]


def test_a_wires_dateline_credit_is_neither_an_anchor_nor_a_name():
    text = "DAKAR, June 17 (Dakar Wire) - FBI instructors train police in Thies."
    assert outlet_credits(text) == ["Dakar Wire"]
    terms = anchor_terms([text], language="en")
    assert "thies" in terms and not {"dakar", "wire"} & set(terms)
    assert outlet_credits("Seven (7) suspects were held (police said).") == []


def test_countries_agree_when_one_set_contains_the_other():
    assert countries_agree(["FR", "NL"], ["BE", "DE", "FR", "NL"])
    assert countries_agree(["BE", "DE", "FR", "NL"], ["FR", "NL"])
    assert not countries_agree(["FR", "MA"], ["ES", "MA"])
    assert not countries_agree(["BE", "FR", "NL"], ["DE", "FR", "NL"])


# ---------------------------------------------------------------- the merge rule
def test_several_reports_of_one_meeting_become_one_incident_with_its_sources():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"], agencies=[DGSI, DGSN], source="le-matin"))
    apply(store, mention("b", when=DAY + timedelta(hours=5), persons=["Youssef Alaoui", "Hélène Marchand"], source="atlas"))
    apply(store, mention("c", when=DAY + timedelta(days=1), agencies=[DGSI], anchors=["rabat"], source="atlas"))
    (incident,) = incidents(store)
    assert incident.article_count == 3 and incident.source_count == 2 and incident.sources == ["atlas", "le-matin"]
    assert incident.country_pairs == ["FR-MA"] and incident.location == "MA"
    assert incident.first_reported_at == DAY and incident.last_reported_at == DAY + timedelta(days=1)
    assert incident.persons[0] == "Youssef Alaoui"


def test_the_same_pair_meeting_a_month_later_is_another_incident():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    apply(store, mention("b", when=DAY + timedelta(days=30), persons=["Youssef Alaoui"]))
    assert len(incidents(store)) == 2


def test_a_meeting_and_an_extradition_the_same_day_stay_apart():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Karim Benjelloun"]))
    apply(store, mention("b", type_="extradition", persons=["Karim Benjelloun"]), type_="extradition")
    assert sorted(i.type for i in incidents(store)) == ["extradition", "meeting"]


def test_same_type_same_day_other_pair_stays_apart():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Laurent Vidal"]))
    apply(store, mention("b", countries=("DZ", "FR"), location="DZ", persons=["Laurent Vidal"]))
    assert len(incidents(store)) == 2


def test_reports_that_agree_on_nothing_but_type_pair_and_date_stay_apart():
    store = IncidentStore({})
    apply(store, mention("a", type_="joint_operation", topics=["drug_trafficking"], anchors=["tanger"]), type_="joint_operation")
    apply(store, mention("b", type_="joint_operation", topics=["terrorism"], anchors=["ceuta"]), type_="joint_operation")
    assert len(incidents(store)) == 2


def test_reports_of_one_five_country_meeting_naming_each_its_own_minister_are_one_incident():
    store = IncidentStore({})
    five = ("BJ", "GH", "NG", "TG", "CI")
    apply(store, mention("a", countries=five, location="GH", persons=["Kwabena Asante"], anchors=["accra"]))
    apply(store, mention("b", countries=five, location="GH", persons=["Mohammed Abubakar"], anchors=["accra"], topics=(),
                         when=DAY + timedelta(hours=20)))
    assert len(incidents(store)) == 1
    # two reports of a pair, as little in common: two meetings
    store = IncidentStore({})
    apply(store, mention("a", countries=("GH", "TG"), location="GH", persons=["Kwabena Asante"], anchors=["accra"]))
    apply(store, mention("b", countries=("GH", "TG"), location="GH", persons=["Komi Adjolo"], anchors=["accra"], topics=(),
                         when=DAY + timedelta(hours=20)))
    assert len(incidents(store)) == 2


def test_two_extraditions_of_two_named_persons_are_two_incidents():
    store = IncidentStore({})
    apply(store, mention("a", type_="extradition", persons=["Jairo Mendoza"], anchors=["valencia"]), type_="extradition")
    apply(store, mention("b", type_="extradition", persons=["Luis Arango"], anchors=["valencia"]), type_="extradition")
    assert len(incidents(store)) == 2


def test_a_bilateral_report_joins_the_multilateral_incident_and_a_wider_report_widens_it():
    store = IncidentStore({})
    four = ("BE", "DE", "FR", "NL")
    apply(store, mention("a", type_="joint_operation", countries=four, anchors=["27", "europol"]), type_="joint_operation")
    apply(store, mention("b", type_="joint_operation", countries=("BE", "FR"), anchors=["27"]), type_="joint_operation")
    (incident,) = incidents(store)
    assert incident.countries == list(four) and incident.article_count == 2
    assert "FR-NL" in incident.country_pairs and len(incident.country_pairs) == 6

    store = IncidentStore({})
    apply(store, mention("c", type_="joint_operation", countries=("BE", "FR"), anchors=["27"]), type_="joint_operation")
    apply(store, mention("d", type_="joint_operation", countries=four, anchors=["27", "europol"]), type_="joint_operation")
    (incident,) = incidents(store)
    assert incident.countries == list(four)


@pytest.mark.parametrize("sentence", [
    "Le ministre a reçu son homologue italien en marge de la conférence du Dialogue 5+5.",
    "The two ministers met on the sidelines of the summit in Lisbon.",
    "They held talks in the margins of the G7 meeting.",
    "El ministro se reunió con su homólogo al margen de la cumbre.",
    "Os ministros conversaram à margem da reunião ministerial.",
])
def test_talks_beside_a_larger_meeting_are_recognised_in_every_language(sentence):
    assert on_the_sidelines(sentence)


@pytest.mark.parametrize("sentence", [
    "Le ministre a reçu son homologue italien à Rome.",
    "The summit ended with a joint declaration on the margin of error in migration figures.",
    "Les pays de la marge sud de la Méditerranée se sont réunis.",
    "He sat on the sidelines during the vote.",
])
def test_a_meeting_told_without_a_larger_one_beside_it_is_not_a_sideline(sentence):
    assert not on_the_sidelines(sentence)


def test_talks_on_the_sidelines_of_a_summit_are_an_incident_of_their_own():
    store = IncidentStore({})
    ten = ("DZ", "ES", "FR", "IT", "LY", "MA", "MR", "MT", "PT", "TN")
    shared = dict(anchors=["lisbonne", "5+5"], topics=("illegal_immigration",))
    apply(store, mention("summit", countries=ten, **shared))
    apply(store, mention("talks", countries=("IT", "TN"), **shared).model_copy(update={"sideline": True}))
    # a bilateral report of the summit itself still joins it, and a later report of the talks joins them
    apply(store, mention("summit-seen-from-algiers", countries=("DZ", "PT"), **shared))
    apply(store, mention("talks-again", countries=("IT", "TN"), **shared).model_copy(update={"sideline": True}))
    summit, talks = sorted(incidents(store), key=lambda i: -len(i.countries))
    assert summit.countries == sorted(ten) and summit.article_count == 2
    assert talks.countries == ["IT", "TN"] and talks.article_count == 2
    # nor does a report of the whole summit widen the talks, whichever arrived first
    store = IncidentStore({})
    apply(store, mention("talks", countries=("IT", "TN"), **shared).model_copy(update={"sideline": True}))
    apply(store, mention("summit", countries=ten, **shared))
    assert sorted(len(i.countries) for i in incidents(store)) == [2, 10]



def test_an_article_that_tells_side_talks_apart_keeps_its_report_of_the_meeting_out_of_them():
    store = IncidentStore({})
    shared = dict(anchors=["lisbonne", "5+5"], persons=["Faouzi Mejri"], topics=("illegal_immigration",))
    apply(store, mention("talks", countries=("IT", "PT", "TN"), **shared).model_copy(update={"sideline": True}))
    # the Tunisian paper's article: the minister at the conference (read as Portugal-Tunisia, the
    # host's country as a party), then his talks on its sidelines
    at_the_meeting = mention("paper", countries=("PT", "TN"), mention_id="paper-1", **shared)
    side_talks = mention("paper", countries=("IT", "PT", "TN"), mention_id="paper-2", **shared).model_copy(update={"sideline": True})
    apply(store, at_the_meeting.model_copy(update={"hosts_side_talks": True}), side_talks)
    talks = next(i for i in incidents(store) if "IT" in i.countries)
    assert talks.article_count == 2 and len(incidents(store)) == 2
    # told alone, the same report of the minister with the same names would have joined the talks
    store = IncidentStore({})
    apply(store, mention("talks", countries=("IT", "PT", "TN"), **shared).model_copy(update={"sideline": True}))
    apply(store, at_the_meeting)
    assert len(incidents(store)) == 1


def test_mentions_of_an_article_with_side_talks_mark_the_meeting():
    at_the_meeting = "Le ministre de l'Intérieur a participé à Lisbonne à la conférence des ministres du 5+5."
    side_talks = "En marge de la conférence, il a eu un entretien avec son homologue italien."
    base = make_article("Le ministre à Lisbonne", f"{at_the_meeting} {side_talks}", "fr", "tn-2")
    meeting = CooperationEvent(event_id="tn-2-meeting-1", article_id="tn-2", type="meeting", countries=["PT", "TN"],
                               evidence=at_the_meeting, published_at=base.published_at)
    # the talks read with the host city's country, as the enrichment reads a place
    talks = CooperationEvent(event_id="tn-2-meeting-2", article_id="tn-2", type="meeting", countries=["IT", "PT"],
                             evidence=side_talks, published_at=base.published_at)
    told_again = "La rencontre a permis de passer en revue la coopération tuniso-italienne."
    again = CooperationEvent(event_id="tn-2-meeting-3", article_id="tn-2", type="meeting", countries=["IT", "TN"],
                             evidence=told_again, published_at=base.published_at, location="IT")
    article = EnrichedArticle(**base.model_dump(), enriched_at=base.published_at, enricher_version="test",
                              events=[meeting, talks, again])
    [meetings] = [m for m in mentions_of(article) if m.type == "meeting"]
    # before the talks, the meeting; after them, the talks told again
    assert [(m.sideline, m.hosts_side_talks) for m in meetings.mentions] == [(False, True), (True, False), (True, False)]
    [alone] = [m for m in mentions_of(article.model_copy(update={"events": [meeting]})) if m.type == "meeting"]
    assert [(m.sideline, m.hosts_side_talks) for m in alone.mentions] == [(False, False)]


def test_reports_beyond_the_window_do_not_join():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"], location=None, topics=()))
    apply(store, mention("b", when=DAY + timedelta(days=SETTINGS.incident_window_days, hours=1), persons=["Youssef Alaoui"],
                         location=None, topics=()))
    assert len(incidents(store)) == 2


def test_the_close_of_a_course_days_later_joins_it_on_strong_agreement_and_a_one_off_event_does_not():
    four_days_later = DAY + timedelta(days=4)
    assert SETTINGS.incident_window_days < 4 < SETTINGS.incident_follow_up_days
    fbi, police = "US:fbi", "SN:police nationale"
    for type_, expected in (("training", 1), ("joint_operation", 2)):
        store = IncidentStore({})
        apply(store, mention("a", type_=type_, countries=("SN", "US"), location="SN", agencies=[fbi, police],
                             topics=["cybercrime"], anchors=["dakar"]), type_=type_)
        apply(store, mention("b", type_=type_, countries=("SN", "US"), location="SN", agencies=[police, fbi],
                             topics=["cybercrime"], anchors=["dakar"], when=four_days_later), type_=type_)
        assert len(incidents(store)) == expected, type_

    # what would do within the window is not enough beyond it
    store = IncidentStore({})
    weak = dict(type_="training", countries=("SN", "US"), location=None, topics=(), agencies=[fbi], anchors=["dakar"])
    apply(store, mention("a", **weak), type_="training")
    apply(store, mention("b", when=four_days_later, **weak), type_="training")
    assert len(incidents(store)) == 2

    # nor does strong agreement reach past the follow-up window
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"], agencies=[DGSI, DGSN]))
    apply(store, mention("b", persons=["Youssef Alaoui"], agencies=[DGSI, DGSN],
                         when=DAY + timedelta(days=SETTINGS.incident_follow_up_days, hours=1)))
    assert len(incidents(store)) == 2


def test_a_follow_up_past_the_follow_up_window_joins_when_it_dates_the_event_to_the_incidents_day():
    handover = dict(type_="extradition", countries=("ES", "MX"), location="ES", persons=["Rodolfo Garza"],
                    agencies=["ES:policia nacional"], topics=["organized_crime"], anchors=["barajas"])
    a_week_later = DAY + timedelta(days=SETTINGS.incident_follow_up_days + 2)
    store = IncidentStore({})
    apply(store, mention("a", **handover).model_copy(update={"event_day": DAY.date()}), type_="extradition")
    apply(store, mention("b", when=a_week_later, **handover).model_copy(update={"event_day": DAY.date()}), type_="extradition")
    assert len(incidents(store)) == 1
    # dated to its own day, the same wording a week later is another handover
    store = IncidentStore({})
    apply(store, mention("a", **handover).model_copy(update={"event_day": DAY.date()}), type_="extradition")
    apply(store, mention("b", when=a_week_later, **handover).model_copy(update={"event_day": a_week_later.date()}),
          type_="extradition")
    assert len(incidents(store)) == 2


# ---------------------------------------------------------------- replays and re-enrichment
def test_a_replayed_message_changes_nothing():
    store = IncidentStore({})
    first = mention("a", persons=["Youssef Alaoui"])
    apply(store, first)
    apply(store, mention("b", persons=["Youssef Alaoui"]))
    before = dict(store.table)
    changes = apply(store, first)
    assert dict(store.table) == before
    (incident,) = changes.upserted
    assert incident.article_count == 2 and changes.deleted == []


def test_re_enrichment_moves_the_mentions_of_an_article():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    apply(store, mention("b", persons=["Youssef Alaoui"]))
    apply(store, mention("c", countries=("ES", "MA"), location="ES", persons=["Javier Molina"]))
    # b, re-enriched, now reports the ES-MA meeting: it leaves the FR-MA incident, it is not counted twice
    apply(store, mention("b", countries=("ES", "MA"), location="ES", persons=["Javier Molina"]))
    by_pair = {i.country_pairs[0]: i for i in incidents(store)}
    assert by_pair["FR-MA"].article_ids == ["a"] and sorted(by_pair["ES-MA"].article_ids) == ["b", "c"]
    assert sum(i.article_count for i in by_pair.values()) == 3


def test_an_article_that_no_longer_reports_an_event_leaves_and_an_emptied_incident_is_deleted():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    (incident,) = incidents(store)
    changes = apply_mentions(store, ArticleMentions(article_id="a", type="meeting", mentions=[]), SETTINGS)
    assert changes.deleted == [incident.incident_id] and changes.upserted == []
    assert store.table == {}   # no index entry left behind


def test_incident_ids_are_deterministic_and_survive_their_first_report_leaving():
    runs = []
    for _ in range(2):
        store = IncidentStore({})
        apply(store, mention("a", persons=["Youssef Alaoui"]))
        apply(store, mention("b", persons=["Youssef Alaoui"]))
        runs.append([i.incident_id for i in incidents(store)])
    assert runs[0] == runs[1]
    apply_mentions(store, ArticleMentions(article_id="a", type="meeting", mentions=[]), SETTINGS)
    assert [i.incident_id for i in incidents(store)] == runs[0]


def test_the_store_reads_bytes_as_a_faust_table_returns_them():
    table: dict = {}
    store = IncidentStore(table)
    apply(store, mention("a"))
    assert all(isinstance(v, bytes) for v in table.values())
    assert json.loads(next(v for k, v in table.items() if k.startswith("incident|")))["type"] == "meeting"


# ---------------------------------------------------------------- bulk actions
def test_actions_overwrite_changed_incidents_and_delete_emptied_ones():
    store = IncidentStore({})
    changes = apply(store, mention("a", persons=["Youssef Alaoui"]))
    changes.deleted.append("gone")
    now = datetime(2024, 3, 12, tzinfo=timezone.utc)
    index, delete = incident_actions(changes, SETTINGS, indexed_at=now)
    assert index["_op_type"] == "index" and index["_index"] == "test-incidents" and index["_id"] == changes.upserted[0].incident_id
    assert index["_source"]["@timestamp"] == index["_source"]["first_reported_at"] == "2024-03-11T09:00:00Z"
    assert index["_source"]["article_count"] == 1 and index["_source"]["indexed_at"] == now.isoformat()
    assert delete == {"_op_type": "delete", "_index": "test-incidents", "_id": "gone"}


# ---------------------------------------------------------------- scoring
@pytest.mark.parametrize("predicted,expected", [
    (["x", "x", "y", "y"], (2, 0, 0)),
    (["x", "x", "x", "x"], (2, 4, 0)),
    (["x", None, "y", "z"], (0, 0, 2)),
])
def test_pairwise_same_incident(predicted, expected):
    items = [Item(n, f"r{n}", gold, p) for n, (gold, p) in enumerate(zip(["g1", "g1", "g2", "g2"], predicted))]
    counts = pairwise(items)
    assert (counts.tp, counts.fp, counts.fn) == expected


# ---------------------------------------------------------------- a worker killed mid-message
class Recording(dict):
    """A table that remembers its writes in order, as the changelog receives them."""

    def __init__(self, *args):
        super().__init__(*args)
        self.log: list[tuple] = []

    def __setitem__(self, key, value):
        self.log.append(("set", key, value))
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.log.append(("del", key))
        super().__delitem__(key)


def _replayed_after_every_prefix(base: dict, message: ArticleMentions):
    full = Recording(base)
    apply_mentions(IncidentStore(full), message, SETTINGS)
    for cut in range(len(full.log) + 1):
        table = dict(base)
        for operation in full.log[:cut]:
            if operation[0] == "set":
                table[operation[1]] = operation[2]
            else:
                table.pop(operation[1], None)
        apply_mentions(IncidentStore(table), message, SETTINGS)
        yield cut, table, full


@pytest.mark.parametrize("scenario", ["joins", "moves", "replays its seed", "an inferred report joins"])
def test_a_message_processed_again_over_any_prefix_of_its_writes_counts_once(scenario):
    from streams.incidents import IncidentState, _index_keys

    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    apply(store, mention("b", persons=["Youssef Alaoui"]))
    apply(store, mention("c", countries=("ES", "MA"), location="ES", persons=["Javier Molina"]))
    message = {
        "joins": ArticleMentions(article_id="d", type="meeting", mentions=[mention("d", persons=["Youssef Alaoui"])]),
        "moves": ArticleMentions(article_id="c", type="meeting",
                                 mentions=[mention("c", persons=["Youssef Alaoui"], mention_id="c-new")]),
        "replays its seed": ArticleMentions(article_id="a", type="meeting", mentions=[mention("a", persons=["Youssef Alaoui"])]),
        "an inferred report joins": ArticleMentions(
            article_id="e", type="meeting",
            mentions=[mention("e", countries=("ES", "FR", "MA"), persons=["Youssef Alaoui"]).model_copy(update={"inferred": True})]),
    }[scenario]
    for cut, table, full in _replayed_after_every_prefix(dict(store.table), message):
        records = {k: v for k, v in table.items() if not k.startswith("day|")}
        assert records == {k: v for k, v in full.items() if not k.startswith("day|")}, f"after {cut} writes"
        for key, value in records.items():
            if key.startswith("incident|"):
                state = IncidentState.model_validate_json(value)
                assert all(state.incident_id in json.loads(table[k]) for k in _index_keys(state)), f"unreachable after {cut}"


# ---------------------------------------------------------------- reports told by their words only
def inferred(article: str, **kwargs) -> IncidentMention:
    return mention(article, **kwargs).model_copy(update={"inferred": True})


def test_a_report_told_only_by_its_words_joins_the_incident_it_agrees_with_and_opens_none():
    store = IncidentStore({})
    # published first, with nothing to join: it opens no incident, it waits for one
    assert apply(store, inferred("early", countries=("ES", "FR", "MA"), persons=["Youssef Alaoui"],
                                 when=DAY - timedelta(hours=3))).upserted == []
    assert not incidents(store)
    # the report the rules read opens the meeting, and takes the one waiting, as FR-MA: never widened
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    apply(store, inferred("x", countries=("ES", "FR", "MA"), persons=["Youssef Alaoui"]))
    # other persons: another event, which its words alone do not make
    apply(store, inferred("y", persons=["Javier Molina"]))
    (incident,) = incidents(store)
    assert incident.article_ids == ["early", "a", "x"] and incident.countries == ["FR", "MA"]
    assert incident.evidence[0] == "Report a of a meeting."   # a sentence that tells it comes before a title
    assert {k for k in store.table if k.startswith("waiting|")} == {"waiting|meeting|y"}


def test_reports_waiting_for_an_incident_are_dropped_once_none_can_open_within_their_reach():
    store = IncidentStore({})
    apply(store, inferred("old", persons=["Youssef Alaoui"]))
    apply(store, inferred("later", countries=("ES", "MA"), persons=["Javier Molina"], when=DAY + timedelta(days=30)))
    assert {k for k in store.table if k.startswith("wait")} == {
        "waiting|meeting|later", "waitday|meeting|ES|2024-04-10", "waitday|meeting|MA|2024-04-10", "waitdays|meeting"}
    apply(store, mention("a", persons=["Youssef Alaoui"], when=DAY + timedelta(hours=2)))   # arrives a month late
    assert [i.article_ids for i in incidents(store)] == [["a"]]


def test_an_incident_only_reports_told_by_their_words_are_left_in_is_dissolved():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    apply(store, inferred("x", persons=["Youssef Alaoui"]))
    (incident,) = incidents(store)
    changes = apply_mentions(store, ArticleMentions(article_id="a", type="meeting", mentions=[]), SETTINGS)
    assert changes.deleted == [incident.incident_id]
    # x waits again, for a report that tells the event; nothing else is left
    assert {k for k in store.table if not k.startswith("waitday|")} == {"waiting|meeting|x", "waitdays|meeting"}
    apply(store, mention("b", persons=["Youssef Alaoui"]))
    assert [i.article_ids for i in incidents(store)] == [["b", "x"]]
    assert not [k for k in store.table if k.startswith("wait")]


def test_an_article_without_an_event_of_the_type_its_words_tell_gets_an_inferred_mention(enricher):
    from streams.enrichment.report_types import Example, ReportTypeModel, report_features, train

    title, body = "Les deux armées ont ratissé la zone", "Des soldats maliens et nigériens ont ratissé la zone frontalière."
    words = ReportTypeModel(train([Example(frozenset(report_features(title, body)), ("joint_operation",))] * 2
                                  + [Example(frozenset({"quarrel", "ambassador"}), ("none",))] * 2))
    article = enricher.enrich(make_article(title, body, "fr", "op-1")).model_copy(update={"events": []})
    assert {t.code for t in article.countries} == {"ML", "NE"}
    by_type = {m.type: m.mentions for m in mentions_of(article, words)}
    (told,) = by_type["joint_operation"]
    assert told.inferred and told.countries == ["ML", "NE"] and told.evidence == title
    assert all(not by_type[t] for t in EVENT_TYPES if t != "joint_operation")
    assert all(not m.mentions for m in mentions_of(article))   # without the model, none
    # a sentence the event rules read tells the operation: no inferred mention beside it
    operation = CooperationEvent(event_id="e-1", article_id="op-1", type="joint_operation", countries=["ML", "NE"],
                                 evidence=body, trigger="ratissé", published_at=article.published_at)
    (only,) = {m.type: m.mentions for m in mentions_of(article.model_copy(update={"events": [operation]}), words)}["joint_operation"]
    assert not only.inferred


def test_a_message_that_takes_a_waiting_report_processed_again_over_any_prefix_of_its_writes_counts_it_once():
    store = IncidentStore({})
    apply(store, inferred("w", countries=("ES", "MA"), persons=["Javier Molina"], when=DAY - timedelta(hours=5)))
    message = ArticleMentions(article_id="d", type="meeting",
                              mentions=[mention("d", countries=("ES", "MA"), persons=["Javier Molina"])])
    for cut, table, full in _replayed_after_every_prefix(dict(store.table), message):
        assert table == dict(full), f"after {cut} writes"
        (state,) = incidents_states(IncidentStore(table))
        assert [m.article_id for m in state.mentions] == ["w", "d"], f"after {cut} writes"


def test_a_report_left_waiting_by_a_message_cut_short_is_still_taken_by_the_incident_opened_next():
    """The days the waiting reports lie on are listed before the reports are filed under them:
    an incident looks only at the days listed, and finds every report filed."""
    message = ArticleMentions(article_id="w", type="meeting",
                              mentions=[inferred("w", countries=("ES", "MA"), persons=["Javier Molina"], when=DAY - timedelta(hours=5))])
    full = Recording({})
    apply_mentions(IncidentStore(full), message, SETTINGS)
    assert any(op[1].startswith("waitday|") for op in full.log) and any(op[1].startswith("waitdays|") for op in full.log)
    filed = 0
    for cut in range(len(full.log) + 1):
        table = {}
        for operation in full.log[:cut]:
            table[operation[1]] = operation[2]
        was_filed = "waiting|meeting|w" in table and any(k.startswith("waitday|meeting|") for k in table)
        store = IncidentStore(table)
        apply(store, mention("d", countries=("ES", "MA"), persons=["Javier Molina"]))
        if was_filed:
            filed += 1
            (state,) = incidents_states(store)
            assert [m.article_id for m in state.mentions] == ["w", "d"], f"after {cut} writes"
    assert filed   # some cuts left it filed


def test_an_incident_with_no_report_waiting_near_it_reads_one_key_for_them():
    from streams.incidents import IncidentState

    class Counting(dict):
        reads = 0

        def get(self, key, default=None):
            Counting.reads += 1
            return super().get(key, default)

    store = IncidentStore(Counting())
    state = IncidentState(incident_id="i1", type="meeting", mentions=[mention("a", countries=("ES", "FR", "MA"))])
    assert store.waiting_near(state, timedelta(days=5)) == [] and Counting.reads == 1


def test_a_message_that_dissolves_an_incident_processed_again_over_any_prefix_of_its_writes_leaves_its_reports_waiting():
    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"]))
    apply(store, inferred("x", persons=["Youssef Alaoui"]))
    message = ArticleMentions(article_id="a", type="meeting", mentions=[])
    for cut, table, full in _replayed_after_every_prefix(dict(store.table), message):
        # a day index may still name the removed incident, as after any removal cut short: its candidates skip it
        assert {k: v for k, v in table.items() if not k.startswith("day|")} == \
            {k: v for k, v in full.items() if not k.startswith("day|")}, f"after {cut} writes"
        assert not incidents_states(IncidentStore(table)) and "waiting|meeting|x" in table, f"after {cut} writes"


# ---------------------------------------------------------------- coopwatch incidents
def test_incident_search_filters_and_sorts_newest_first():
    from streams.search import IncidentFilters, build_incident_search

    body = build_incident_search(IncidentFilters(country="ma", event_type="meeting", since="2024-03-01", min_sources=2), limit=5)
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"countries": "MA"}} in filters and {"term": {"type": "meeting"}} in filters
    assert {"range": {"source_count": {"gte": 2}}} in filters
    assert any(f.get("range", {}).get("last_reported_at", {}).get("gte", "").startswith("2024-03-01") for f in filters)
    assert body["sort"][0] == {"@timestamp": "desc"} and body["size"] == 5
    assert build_incident_search(IncidentFilters(), limit=10)["query"]["bool"]["filter"] == []


def test_an_incident_reads_as_one_event_with_its_sources():
    from streams.search import format_incidents

    store = IncidentStore({})
    apply(store, mention("a", persons=["Youssef Alaoui"], source="le-matin"))
    changes = apply(store, mention("b", when=DAY + timedelta(hours=20), persons=["Youssef Alaoui"], source="atlas"))
    document = incident_actions(changes, SETTINGS, indexed_at=DAY)[0]["_source"]
    text = format_incidents({"hits": {"total": {"value": 1}, "hits": [{"_source": document}]}})
    assert "1. meeting FR-MA in MA: 2 articles from 2 sources" in text
    assert "reported 2024-03-11 09:00 to 2024-03-12 05:00 UTC" in text
    assert "sources: atlas, le-matin" in text and "- Title a" in text and "« Report a of a meeting. »" in text
    assert format_incidents({"hits": {"total": {"value": 0}, "hits": []}}) == "No incident matches."


def test_an_agency_named_in_two_languages_is_listed_once_and_ministries_keep_their_country():
    store = IncidentStore({})
    guardia = ["ES:gc", "ES:guardia civil", "ES:garde civile"]
    first = mention("a", persons=["Youssef Alaoui"])
    first.organizations, first.agency_keys = ["GC", "Ministry of the Interior (ES)"], [guardia, ["ES:ministry of the interior"]]
    second = mention("b", persons=["Youssef Alaoui"])
    second.organizations, second.agency_keys = ["GC", "Ministère de l'Intérieur (MA)"], [guardia[1:], ["MA:ministere de l interieur"]]
    apply(store, first)
    apply(store, second)
    (incident,) = incidents(store)
    assert incident.organizations == ["GC", "Ministry of the Interior (ES)", "Ministère de l'Intérieur (MA)"]


def test_a_report_that_says_only_organized_crime_does_not_contradict_one_that_names_the_trade():
    assert topics_agree({"drug_trafficking"}, {"organized_crime"}) == "unknown"
    assert topics_agree({"organized_crime"}, {"arms_trafficking", "organized_crime"}) == "shared"
    assert topics_agree({"drug_trafficking", "organized_crime"}, {"terrorism"}) == "disjoint"
    assert topics_agree({"drug_trafficking"}, {"human_trafficking"}) == "disjoint"
    assert topics_agree(set(), {"terrorism"}) == "unknown"


def test_neighbouring_domains_neither_agree_nor_contradict():
    # the same coastguard course: 'migration' to one outlet, 'border security' to another
    assert topics_agree({"illegal_immigration"}, {"border_security"}) == "unknown"
    assert topics_agree({"terrorism"}, {"radicalisation"}) == "unknown"
    assert topics_agree({"terrorism"}, {"illegal_immigration"}) == "disjoint"


def test_border_security_says_where_not_against_what_and_contradicts_no_trade():
    # one paper's border patrol is another's hunt for jihadists; one coastguard course 'drugs' to another
    assert topics_agree({"border_security"}, {"drug_trafficking"}) == "unknown"
    assert topics_agree({"radicalisation"}, {"border_security"}) == "unknown"
    assert topics_agree({"border_security", "drug_trafficking"}, {"border_security", "illegal_immigration"}) == "shared"
    # two trades still tell two operations, whatever border they were run on
    assert topics_agree({"border_security", "drug_trafficking"}, {"terrorism"}) == "disjoint"


def test_a_person_one_report_names_and_another_only_writes_among_its_proper_names_is_shared():
    # the person model missed the name in the second report; its anchors kept its words
    assert shared_person_count(["Javier Olmedo"], ["nouakchott"], [], ["secretary", "javier", "olmedo", "canary"]) == 1
    assert shared_person_count([], ["javier", "olmedo"], ["Javier Olmedo", "Sidi Ould Cheikh"], []) == 1
    assert shared_person_count(["Javier Olmedo"], [], ["Javier Olmedo"], ["javier", "olmedo"]) == 1   # once
    # one word is not enough: a surname alone may be a place ('Vidal', 'Olmedo')
    assert shared_person_count(["Olmedo"], [], [], ["olmedo"]) == 0
    assert shared_person_count(["Javier Olmedo"], [], [], ["olmedo", "madrid"]) == 0


def test_a_report_dates_its_event_by_the_weekday_it_names_up_to_its_publication():
    wednesday_evening = datetime(2026, 2, 11, 18, 30, tzinfo=timezone.utc)
    assert event_day(["Seven suspects were arrested on Wednesday in Linz."], "en", wednesday_evening) == date(2026, 2, 11)
    assert event_day(["Sept passeurs ont été interpellés mercredi."], "fr", wednesday_evening + timedelta(days=1)) == date(2026, 2, 11)
    assert event_day(["El ministro se reunió este lunes en Rabat."], "es", wednesday_evening) == date(2026, 2, 9)
    # published just before midnight UTC, read the next morning where it was written
    assert event_day(["Les ministres se sont entretenus jeudi."], "fr", wednesday_evening.replace(hour=23)) == date(2026, 2, 12)
    # two days named, or none: no day
    assert event_day(["Raided on Monday, the gang's depot was searched again on Friday."], "en", wednesday_evening) is None
    # the court's next step dates no event: the arrest's day tells
    assert event_day(["Arrested on Monday, he was charged on Friday."], "en", wednesday_evening) == date(2026, 2, 9)
    assert event_day(["No weekday here."], "en", wednesday_evening) is None
    # the first text that names one day tells: the event's sentence before the lede
    assert event_day(["Raids on Tuesday.", "Police said on Wednesday."], "en", wednesday_evening) == date(2026, 2, 10)


def test_a_day_of_thanks_or_of_what_officials_said_in_the_plural_does_not_date_the_event():
    wednesday_evening = datetime(2026, 2, 11, 19, 0, tzinfo=timezone.utc)
    # thanked on Wednesday for a tip behind Monday's arrest: Monday is the event's day
    assert event_day(["The minister on Wednesday thanked Italian police for the tip.", "The suspect was held on Monday."],
                     "en", wednesday_evening) == date(2026, 2, 9)
    assert event_day(["Las fuerzas de ambos países destruyeron laboratorios, informaron este miércoles fuentes oficiales.",
                      "La operación comenzó el lunes."], "es", wednesday_evening) == date(2026, 2, 9)


def test_reports_dating_the_event_to_the_same_day_agree_more_and_another_day_is_not_held_against():
    store = IncidentStore({})
    tuesday, wednesday = date(2024, 3, 12), date(2024, 3, 13)
    common = dict(type_="joint_operation", location=None, topics=(), anchors=["14"])
    a = mention("a", **common).model_copy(update={"event_day": tuesday})
    apply(store, a, type_="joint_operation")
    same_day = mention("b", when=DAY + timedelta(hours=8), **common).model_copy(update={"event_day": tuesday})
    other_day = same_day.model_copy(update={"event_day": wednesday})
    state = incidents_states(store)[0]
    assert agreement(same_day, state).score == agreement(other_day, state).score + 0.5
    assert agreement(other_day, state).score == agreement(same_day.model_copy(update={"event_day": None}), state).score
    apply(store, other_day, type_="joint_operation", article="b")
    assert len(incidents(store)) == 2   # a figure alone is not enough
    apply(store, same_day, type_="joint_operation")
    assert len(incidents(store)) == 1   # a figure and the day are


def test_a_surname_one_report_writes_without_the_person_model_seeing_it_is_a_shared_name():
    assert surnames_among(["Martín Vidal"], ["vidal", "valencia"]) == 1
    assert surnames_among(["Martín Vidal", "Ana Vidal"], ["vidal"]) == 1   # one surname, counted once
    assert surnames_among(["Li Wu"], ["wu"]) == 0                          # too short to tell
    store = IncidentStore({})
    apply(store, mention("a", type_="extradition", persons=["Martín Vidal"], location=None, topics=()), type_="extradition")
    later = mention("b", type_="extradition", persons=["Carlos Ortega"], anchors=["vidal", "ezeiza"], location=None, topics=(),
                    when=DAY + timedelta(hours=6))
    found = agreement(later, incidents_states(store)[0])
    assert found.anchors == 1 and not found.persons_disjoint   # the other name is not another person extradited


def test_a_capital_is_one_anchor_in_every_language():
    french = anchor_terms(["Les deux ministres se sont entretenus à Alger lundi."], language="fr")
    english = anchor_terms(["The two ministers met in Algiers on Monday."], language="en")
    spanish = anchor_terms(["Los dos ministros se reunieron en Argel el lunes."], language="es")
    assert set(french) & set(english) & set(spanish) == {"@DZ"}
    assert anchor_terms(["Officials met in Buenos Aires."], language="en") == ["@AR"]


def test_a_report_dates_its_event_by_a_day_relative_to_its_publication_and_not_by_the_day_it_was_said():
    thursday = datetime(2026, 2, 12, 9, 0, tzinfo=timezone.utc)
    assert event_day(["Huit passeurs ont été interpellés hier à Calais."], "fr", thursday) == date(2026, 2, 11)
    assert event_day(["La policía detuvo ayer a seis personas."], "es", thursday) == date(2026, 2, 11)
    assert event_day(["The suspects were held the day before yesterday."], "en", thursday) == date(2026, 2, 10)
    # a weekday after a verb of saying dates the statement: the raid itself is undated
    assert event_day(["Police said on Wednesday they had dismantled the ring."], "en", thursday) is None
    assert event_day(["Un réseau a été démantelé, a-t-on appris mercredi."], "fr", thursday) is None
    assert event_day(["El Ministerio anunció este martes que la red fue desarticulada ayer."], "es", thursday) == date(2026, 2, 11)


def test_transliterations_of_one_name_are_one_person():
    assert name_skeleton("Abdel Wahab Lamine") == name_skeleton("Abdelouahab Lamine")
    assert shared_person_count(["Mohammed Benkirane"], [], ["Mohamed Ben Kirane"], []) == 1
    assert shared_person_count(["Youssef Amrani"], [], ["Yusuf Amrani"], []) == 1
    # other names, or too little of one to tell, stay apart
    assert shared_person_count(["Mohamed Benali"], [], ["Mohamed Bennani"], []) == 0
    assert shared_person_count(["Ali Salem"], [], ["Ali Slim"], []) == 0


def test_a_brief_that_says_little_joins_the_only_incident_of_its_countries_reported_the_same_day():
    store = IncidentStore({})
    apply(store, mention("a", type_="joint_operation", agencies=[DGSI], topics=("drug_trafficking",), location=None, anchors=["tanger", "12"]),
          type_="joint_operation")
    brief = mention("b", type_="joint_operation", topics=("drug_trafficking",), location=None, when=DAY + timedelta(hours=20))
    assert agreement(brief, incidents_states(store)[0]).score < SETTINGS.incident_min_agreement
    assert best_incident(brief, incidents_states(store), SETTINGS) is not None
    # nothing in common, another trade, or a day later than the rule allows: a new incident
    for other in (brief.model_copy(update={"topics": []}), brief.model_copy(update={"topics": ["migrant_smuggling"]}),
                  brief.model_copy(update={"published_at": DAY + timedelta(days=2)})):
        assert best_incident(other, incidents_states(store), SETTINGS) is None
    # two incidents it could be: it joins neither
    apply(store, mention("c", type_="joint_operation", topics=("drug_trafficking",), location=None, anchors=["ceuta", "9"],
                         when=DAY + timedelta(hours=2)), type_="joint_operation")
    assert len(incidents_states(store)) == 2
    assert best_incident(brief, incidents_states(store), SETTINGS) is None


def test_a_report_sharing_a_name_with_the_only_incident_of_its_countries_joins_it_and_one_sharing_none_does_not():
    store = IncidentStore({})
    apply(store, mention("a", type_="joint_operation", countries=("ES", "FR"), topics=(), location=None,
                         anchors=["algeciras", "900"]), type_="joint_operation")
    state = incidents_states(store)[0]
    port = mention("b", type_="joint_operation", countries=("ES", "FR"), topics=(), location=None,
                   anchors=["algeciras", "ofast"], when=DAY + timedelta(hours=20))
    assert 0 < agreement(port, state).score < SETTINGS.incident_min_agreement
    assert best_incident(port, [state], SETTINGS) is state
    # another operation of the pair two days on, each report naming its own places and figures:
    # the same trade is all they share, and that is not enough
    border = mention("c", type_="joint_operation", countries=("ES", "FR"), topics=("drug_trafficking",), location=None,
                     anchors=["jonquera", "2300"], when=DAY + timedelta(hours=20))
    drugs = store.incident(state.incident_id).model_copy(
        update={"mentions": [m.model_copy(update={"topics": ["drug_trafficking"]}) for m in state.mentions]})
    assert agreement(border, drugs).score >= SETTINGS.incident_sole_min_agreement
    assert best_incident(border, [drugs], SETTINGS) is None


def test_a_report_dating_the_event_to_the_incidents_week_joins_the_only_incident_of_its_countries():
    week = date(2024, 3, 4)
    store = IncidentStore({})
    apply(store, mention("a", type_="joint_operation", countries=("BF", "NE"), topics=("terrorism",), location=None,
                         anchors=["tillaberi", "37"]).model_copy(update={"event_week": week}), type_="joint_operation")
    wire = mention("b", type_="joint_operation", countries=("BF", "NE"), topics=("terrorism",), location=None,
                   anchors=["islamist", "qaeda"], when=DAY + timedelta(hours=12)).model_copy(update={"event_week": week})
    assert agreement(wire, incidents_states(store)[0]).score < SETTINGS.incident_min_agreement
    assert best_incident(wire, incidents_states(store), SETTINGS) is not None
    # undated, another week, or another pair: a new incident
    for other in (wire.model_copy(update={"event_week": None}), wire.model_copy(update={"event_week": week + timedelta(days=7)}),
                  wire.model_copy(update={"countries": ["BF", "ML"]})):
        assert best_incident(other, incidents_states(store), SETTINGS) is None


def test_round_counts_written_as_nouns_are_figures():
    assert figures("Une vingtaine de gendarmes et une dizaine de policiers.", "fr") == ["20", "10"]
    assert figures("A dozen suspects were held.", "en") == ["12"]
    assert figures("Una decena de detenidos, en cuarentena.", "es") == ["10"]


def _two_bilateral_reports_of_one_action_day():
    store = IncidentStore({})
    apply(store, mention("fr-de", type_="joint_operation", countries=("DE", "FR"), location=None, persons=["Lena Vogt"],
                         anchors=["23", "manche"]), type_="joint_operation")
    apply(store, mention("be-nl", type_="joint_operation", countries=("BE", "NL"), location=None, anchors=["23", "manche"],
                         when=DAY + timedelta(hours=1)), type_="joint_operation")
    four = mention("europol", type_="joint_operation", countries=("BE", "DE", "FR", "NL"), location=None, persons=["Lena Vogt"],
                   anchors=["23", "manche"], when=DAY + timedelta(hours=5))
    return store, ArticleMentions(article_id="europol", type="joint_operation", mentions=[four])


def test_a_multilateral_report_joins_the_bilateral_incidents_it_spans_into_one():
    store, message = _two_bilateral_reports_of_one_action_day()
    assert len(incidents(store)) == 2   # FR-DE and BE-NL do not agree on their own
    opened_by_the_first = {i.incident_id for i in incidents(store) if "fr-de" in i.article_ids}
    changes = apply_mentions(store, message, SETTINGS)
    [incident] = incidents(store)
    assert incident.countries == ["BE", "DE", "FR", "NL"] and incident.article_ids == ["fr-de", "be-nl", "europol"]
    assert {incident.incident_id} == opened_by_the_first
    assert len(changes.deleted) == 1 and changes.upserted[0].incident_id == incident.incident_id
    assert store.article_incidents("joint_operation", "be-nl") == [incident.incident_id]
    # a bilateral report does not bridge
    store, _ = _two_bilateral_reports_of_one_action_day()
    apply(store, mention("fr-nl", type_="joint_operation", countries=("FR", "NL"), location=None, persons=["Lena Vogt"],
                         anchors=["23", "manche"], when=DAY + timedelta(hours=5)), type_="joint_operation")
    assert len(incidents(store)) >= 2


def test_a_bridging_message_processed_again_over_any_prefix_of_its_writes_counts_once():
    store, message = _two_bilateral_reports_of_one_action_day()
    for cut, table, full in _replayed_after_every_prefix(dict(store.table), message):
        assert {k: v for k, v in table.items() if not k.startswith("day|")} == \
               {k: v for k, v in full.items() if not k.startswith("day|")}, f"after {cut} writes"


def _meeting_event(article, number: int, location: str, evidence: str) -> CooperationEvent:
    return CooperationEvent(event_id=f"{article.article_id}-meeting-{number}", article_id=article.article_id, type="meeting",
                            countries=["IT", "TN"], location=location, evidence=evidence, published_at=article.published_at)


def test_an_article_that_tells_one_meeting_twice_is_one_report_of_it():
    received = "Le ministre de l'Intérieur a reçu lundi à Tunis son homologue italien."
    talks = "Les entretiens ont porté sur le retour des migrants tunisiens en situation irrégulière en Italie."
    base = make_article("Le ministre reçoit son homologue italien", f"{received} {talks}", "fr", "tn-1")
    interior = Organization(name="Ministère de l'Intérieur", aliases=["Ministerio del Interior"], country="IT", kind="ministry")
    article = EnrichedArticle(**base.model_dump(), enriched_at=base.published_at, enricher_version="test", organizations=[interior],
                              events=[_meeting_event(base, 1, "TN", received), _meeting_event(base, 2, "IT", talks)])
    [meetings] = [m for m in mentions_of(article) if m.type == "meeting"]
    assert [m.location for m in meetings.mentions] == ["TN"]   # the lede's telling, not a second incident placed in Italy
    # a later report placed in Italy by its reading has one incident to join, not a phantom one to split over
    store = IncidentStore({})
    apply_mentions(store, meetings, SETTINGS)
    later = mention("es-1", countries=("IT", "TN"), location="IT", agencies=["IT:ministerio del interior"], topics=(), anchors=["@TN"],
                    when=article.published_at + timedelta(days=1)).model_copy(update={"event_day": date(2024, 4, 29)})
    apply(store, later)
    assert len(incidents(store)) == 1
    # two meetings on two days are two, even in one article
    met_again = "Les deux ministres s'étaient déjà vus mercredi à Rome."
    two = article.model_copy(update={"events": [_meeting_event(base, 1, "TN", received), _meeting_event(base, 2, "IT", met_again)]})
    [meetings] = [m for m in mentions_of(two) if m.type == "meeting"]
    assert len(meetings.mentions) == 2


def test_one_office_of_either_side_is_evidence_the_reports_tell_one_event():
    # 'le ministre de l'Intérieur a reçu son homologue': one outlet's reading gives the French
    # ministry, another's the Moroccan; the army chiefs' talks that day are another event
    store = IncidentStore({})
    # each names something of its own: none is a brief that joins the only incident there is
    apply(store, mention("a", agencies=["FR:ministere de l interieur"], anchors=["beauvau"]))
    state = incidents_states(store)[0]
    other_side = mention("b", agencies=["MA:ministere de l interieur"], anchors=["skhirat"], when=DAY + timedelta(hours=6))
    army = mention("c", agencies=["MA:etat major general des forces armees"], anchors=["kenitra"], when=DAY + timedelta(hours=6))
    third_country = mention("d", agencies=["ES:ministere de l interieur"], when=DAY + timedelta(hours=6))
    same_body = mention("e", agencies=["FR:ministere de l interieur"], when=DAY + timedelta(hours=6))
    assert agreement(other_side, state).roles == 1
    assert agreement(army, state).roles == agreement(third_country, state).roles == 0
    assert (agreement(same_body, state).organizations, agreement(same_body, state).roles) == (1, 0)   # counted once, as one body
    assert agreement(army, state).score < SETTINGS.incident_min_agreement <= agreement(other_side, state).score
    apply(store, army)
    apply(store, other_side)
    assert sorted(i.article_ids for i in incidents(store)) == [["a", "b"], ["c"]]


def test_a_report_dates_its_event_by_a_date_it_writes_out_and_not_by_its_dateline():
    thursday = datetime(2026, 10, 15, 9, 0, tzinfo=timezone.utc)
    tuesday_evening = datetime(2026, 10, 13, 19, 0, tzinfo=timezone.utc)
    extradited = date(2026, 10, 13)
    # a date written out, in any of the three languages, is the day a weekday gives another report
    assert event_day(["Sofiane K. a été remis mardi aux autorités algériennes."], "fr", tuesday_evening) == extradited
    assert event_day(["Sofiane K. a été extradé le 13 octobre vers l'Algérie."], "fr", thursday) == extradited
    assert event_day(["Fue extraditado el 13 de octubre de 2026."], "es", thursday) == extradited
    assert event_day(["He was handed over on Oct. 13 in Algiers."], "en", thursday) == extradited
    assert event_day(["Huit passeurs ont été interpellés il y a deux jours."], "fr", thursday) == extradited
    assert event_day(["Police arrested eight smugglers two days ago."], "en", thursday) == extradited
    # a wire's dateline dates the report, not the event
    assert event_day(["ALGIERS, Oct 14 (North Africa Wire) - France has extradited a suspect to Algeria."], "en", thursday) is None
    # the city in title case, as Spanish and French wires write it
    assert event_day(["Argel, 14 oct (EFE).- Francia extraditó a un sospechoso a Argelia."], "es", thursday) is None
    assert event_day(["Alger, 14 octobre (APS) - La France a extradé un suspect vers l'Algérie."], "fr", thursday) is None
    # a clause before a dash is no dateline: its date still tells
    assert event_day(["Le 13 octobre, la police française - selon nos sources - a remis un suspect."], "fr", thursday) == extradited
    # a date to come, or two dates: no day
    assert event_day(["Il sera présenté au juge le 20 octobre."], "fr", thursday) is None
    assert event_day(["Arrêté le 2 octobre, il a été extradé le 13 octobre."], "fr", thursday) is None
    # the day an operation of several days ended is not the day its first reports name
    assert event_day(["L'opération, qui s'est achevée jeudi, a permis de saisir quatre camions."], "fr", thursday) is None
    assert event_day(["The exercise ended on Thursday with a drill at sea."], "en", thursday) is None
    assert event_day(["La operación concluyó el jueves con 20 detenidos."], "es", thursday) is None
    # the day it began still dates it
    assert event_day(["Les deux armées mènent depuis mardi une patrouille conjointe."], "fr", thursday) == extradited
    # a weekday still tells first: 'leur rencontre du 2 octobre' is the meeting before
    assert event_day(["Les ministres se sont revus mardi, après leur rencontre du 2 octobre."], "fr", thursday) == extradited


def test_reports_of_talks_may_tell_different_items_of_the_agenda_but_an_operation_is_about_one_trade():
    for type_, expected in (("meeting", 1), ("joint_operation", 2)):
        store = IncidentStore({})
        common = dict(type_=type_, countries=("MR", "SN"), location="MR", persons=["Cheikh Tidiane Ndour"])
        apply(store, mention("a", topics=["drug_trafficking"], **common), type_=type_)
        apply(store, mention("b", topics=["terrorism"], when=DAY + timedelta(hours=12), **common), type_=type_)
        assert len(incidents(store)) == expected, type_


def test_a_round_up_days_later_joins_the_operation_it_dates_to_the_same_day_and_an_undated_one_does_not():
    four_days_later = DAY + timedelta(days=4)
    assert SETTINGS.incident_window_days < 4 < SETTINGS.incident_follow_up_days
    monday = DAY.date()
    common = dict(type_="joint_operation", countries=("BE", "NL"), location=None, topics=("drug_trafficking",),
                  agencies=["BE:pjf"], anchors=["anvers", "rotterdam", "15", "3"])
    for round_up_day, expected in ((monday, 1), (None, 2), (monday - timedelta(days=7), 2)):
        store = IncidentStore({})
        apply(store, mention("a", **common).model_copy(update={"event_day": monday}), type_="joint_operation")
        round_up = mention("week", when=four_days_later, **common).model_copy(update={"event_day": round_up_day})
        apply(store, round_up, type_="joint_operation")
        assert len(incidents(store)) == expected, round_up_day
    # nothing against is part of it: another trade that day is another operation
    store = IncidentStore({})
    apply(store, mention("a", **common).model_copy(update={"event_day": monday}), type_="joint_operation")
    arms = mention("week", when=four_days_later, **{**common, "topics": ("arms_trafficking",)}).model_copy(update={"event_day": monday})
    assert agreement(arms, incidents_states(store)[0]).score >= SETTINGS.incident_min_agreement
    apply(store, arms, type_="joint_operation")
    assert len(incidents(store)) == 2


def test_a_weekly_round_up_that_names_only_the_week_joins_the_operation_of_that_week():
    sunday = datetime(2026, 9, 27, 8, 0, tzinfo=timezone.utc)
    assert event_week(["Justice : quinze arrestations cette semaine dans le dossier du port d'Anvers."], sunday) == date(2026, 9, 21)
    assert event_week(["Spanish police arrested nine smugglers last week."], sunday) == date(2026, 9, 14)
    assert event_week(["La policía detuvo a nueve personas la semana pasada."], sunday) == date(2026, 9, 14)
    assert event_week(["Cette semaine, et la semaine dernière aussi."], sunday) is None
    thursday = date(2026, 9, 24)
    common = dict(type_="joint_operation", countries=("BE", "NL"), location=None, topics=("drug_trafficking",),
                  agencies=["BE:pjf"], anchors=["anvers", "15"])
    for week, expected in ((date(2026, 9, 21), 1), (date(2026, 9, 14), 2), (None, 2)):
        store = IncidentStore({})
        apply(store, mention("a", when=datetime(2026, 9, 24, 18, tzinfo=timezone.utc), **common)
              .model_copy(update={"event_day": thursday}), type_="joint_operation")
        round_up = mention("week", when=datetime(2026, 9, 28, 20, tzinfo=timezone.utc), **common)
        apply(store, round_up.model_copy(update={"event_week": week}), type_="joint_operation")
        assert len(incidents(store)) == expected, week


def test_an_agency_one_report_names_and_another_only_writes_among_its_proper_names_is_shared():
    # the tagger saw 'DGSN' in one report; the other wrote 'DGSN-DGST' or 'la Chancellerie' unseen
    assert shared_agency_count([["MA:dgsn", "MA:surete nationale"]], [], [], ["dgsn dgst", "rabat"]) == 1
    assert shared_agency_count([], ["chancellerie", "alger"], [["FR:ministere de la justice", "FR:chancellerie"]], []) == 1
    # named by both: once, however the others write it
    assert shared_agency_count([["MA:dgsn"]], ["dgsn dgst"], [["MA:dgsn"]], ["dgsn"]) == 1
    # a word that is no agency's name, or a name's word alone, is not one
    assert shared_agency_count([["ES:guardia civil", "ES:gc"]], [], [], ["civil", "guardia", "algeciras"]) == 0
    store = IncidentStore({})
    apply(store, mention("a", type_="joint_operation", agencies=["MA:dgsn"], anchors=["nador"], topics=(), location=None),
          type_="joint_operation")
    unseen = mention("b", type_="joint_operation", anchors=["dgsn dgst", "almeria"], topics=(), location=None,
                     when=DAY + timedelta(hours=6))
    assert agreement(unseen, incidents_states(store)[0]).organizations == 1


def test_a_suspect_the_press_names_by_the_initial_of_his_surname_is_the_person_another_report_names_in_full():
    assert initialled_names(["Nabil F., 38 ans, a été extradé jeudi.", "José Luis M. fue entregado ayer."]) == ["Nabil F.", "José Luis M."]
    assert initialled_names(["John F. Kennedy airport", "la PJ. Les enquêteurs"]) == []   # a middle initial, an acronym
    assert shared_person_count(["Nabil F."], [], ["Nabil Ferhat"], []) == 1
    assert shared_person_count(["José Luis M."], [], ["José Luis Martínez Ruiz"], []) == 1
    assert shared_person_count(["Nabil F."], [], ["Karim Ferhat"], []) == 0          # another given name
    assert shared_person_count(["Nabil F."], [], ["Nabil Kaddour"], []) == 0         # another initial
    # the person model's reading of 'Nabil F., 38 ans': the full stop left out
    assert shared_person_count(["Nabil F"], [], ["Nabil Ferhat"], []) == 1
    assert shared_person_count(["Nabil Ferhat"], [], ["Nabil K"], []) == 0
    store = IncidentStore({})
    apply(store, mention("a", type_="extradition", countries=("DZ", "FR"), location="FR", persons=["Nabil Ferhat"], topics=()),
          type_="extradition")
    initialled = mention("b", type_="extradition", countries=("DZ", "FR"), location="FR", persons=["Nabil F."], topics=(),
                         anchors=["lyon"], when=DAY + timedelta(days=1))
    found = agreement(initialled, incidents_states(store)[0])
    assert found.persons == 1 and not found.persons_disjoint


def test_a_weekday_after_a_verb_of_publishing_dates_the_report_not_the_event():
    thursday = datetime(2026, 8, 20, 18, tzinfo=timezone.utc)
    # the communique was read on Thursday; the operation's own date is the one written out
    assert event_day(["L'opération a été menée le 14 août, selon un communiqué lu jeudi à la télévision nationale."], "fr",
                     thursday) == date(2026, 8, 14)
    assert event_day(["Raids were carried out on Aug. 14, the ministry said in a statement issued on Thursday."], "en",
                     thursday) == date(2026, 8, 14)
    assert event_day(["La operación se desarrolló el 14 de agosto, según un comunicado difundido el jueves."], "es",
                     thursday) == date(2026, 8, 14)
    # a weekday after any other verb is the event's
    assert event_day(["Les deux armées ont frappé jeudi dans la zone des trois frontières."], "fr", thursday) == date(2026, 8, 20)


def test_the_day_of_the_crime_behind_the_cooperation_is_not_the_event_s():
    friday = datetime(2026, 7, 3, 9, tzinfo=timezone.utc)
    # the kidnapping is weeks old; the arrest the tip-off led to is undated
    assert event_day(["Trois ravisseurs d'un commerçant enlevé le 21 juin dernier ont été interpellés au Nigeria."], "fr",
                     friday) is None
    assert event_day(["Police arrested two men over a trader kidnapped on Saturday, acting on a tip-off from Benin."], "en",
                     friday) is None
    assert event_day(["Detuvieron a los autores del crimen de un comerciante asesinado el 3 de junio."], "es", friday) is None
    # the arrest's own day still tells
    assert event_day(["Trois ravisseurs d'un commerçant enlevé le 21 juin ont été interpellés mardi."], "fr",
                     friday) == date(2026, 6, 30)


def test_a_span_of_days_names_no_single_day_of_the_event():
    thursday = datetime(2026, 8, 20, 18, tzinfo=timezone.utc)
    assert event_day(["Une opération menée du 14 au 18 août dans la zone des trois frontières."], "fr", thursday) is None
    assert event_day(["The operation ran from 14 to 18 August."], "en", thursday) is None
    assert event_day(["The operation ran between Aug. 14 and 18."], "en", thursday) is None
    assert event_day(["La operación se desarrolló del 14 al 18 de agosto."], "es", thursday) is None
    # a count between two numbers is no span: the date written out still tells
    assert event_day(["Between 10 and 20 migrants were rescued on 18 August."], "en", thursday) == date(2026, 8, 18)


def test_reactions_and_days_to_come_date_no_event():
    thursday = datetime(2026, 5, 8, 12, tzinfo=timezone.utc)
    assert event_day(["Officials on Wednesday praised the joint operation that led to 14 arrests."], "en", thursday) is None
    assert event_day(["Il a été inculpé samedi pour association de malfaiteurs terroriste."], "fr", thursday) is None
    assert event_day(["Aterrizó ayer en Barajas y pasará el lunes a disposición del juez."], "es", thursday) == date(2026, 5, 7)
    assert event_day(["He will appear before a judge on Monday."], "en", thursday) is None
    # the event's own verb keeps its day
    assert event_day(["Police raided the depot on Wednesday."], "en", thursday) == date(2026, 5, 6)


def test_a_one_day_event_dated_two_days_apart_is_another_event():
    # the same two police forces, named by both reports
    common = dict(countries=["CO", "ES"], location=None, agencies=["agency:es-cnp", "agency:co-pnc"], topics=["drug_trafficking"])
    monday, thursday = date(2024, 3, 11), date(2024, 3, 14)
    seizure = mention("a", type_="joint_operation", **common).model_copy(update={"event_day": monday})
    state = IncidentState(incident_id="i", type="joint_operation", mentions=[seizure])
    raids = mention("b", type_="joint_operation", when=DAY + timedelta(days=2), **common).model_copy(update={"event_day": thursday})
    assert not joins(raids, state, agreement(raids, state), Settings())
    # a day apart is one handover told from both ends, or two time zones
    next_day = raids.model_copy(update={"event_day": monday + timedelta(days=1)})
    assert joins(next_day, state, agreement(next_day, state), Settings())
    # talks last: a meeting dated to two days stays one meeting when all else agrees
    talks = [m.model_copy(update={"type": "meeting"}) for m in (seizure, raids)]
    talks_state = IncidentState(incident_id="t", type="meeting", mentions=[talks[0]])
    assert joins(talks[1], talks_state, agreement(talks[1], talks_state), Settings())


def test_a_span_of_days_places_the_event_in_the_week_it_starts():
    thursday = datetime(2026, 8, 20, 18, tzinfo=timezone.utc)
    monday_before = date(2026, 8, 10)
    assert event_week(["Une opération menée du 14 au 18 août dans la zone des trois frontières."], thursday, "fr") == monday_before
    assert event_week(["The operation ran from Aug. 14 to 18."], thursday, "en") == monday_before
    # 'last week' still tells first, and a text with neither names no week
    assert event_week(["Raids last week, from 18 to 19 August."], thursday, "en") == monday_before
    assert event_week(["Between 10 and 20 migrants were rescued."], thursday, "en") is None


def test_the_officials_of_a_meeting_are_not_the_fugitive_handed_over_the_same_day():
    meeting_sentence = "Le directeur général Ali Badaoui a présidé mardi à Alger la réunion, en présence de Frédéric Lasserre."
    handover_sentence = "Le même jour, la DGSN a réceptionné le nommé M. Sofiane, extradé par les autorités françaises."
    base = make_article("Réunion et extradition", f"{meeting_sentence} {handover_sentence}", "fr", "dz-1")
    events = [CooperationEvent(event_id=f"dz-1-{kind}", article_id="dz-1", type=kind, countries=["DZ", "FR"], evidence=sentence,
                               published_at=base.published_at)
              for kind, sentence in (("meeting", meeting_sentence), ("extradition", handover_sentence))]
    officials = [Person(name="Ali Badaoui", mentions=["Ali Badaoui"]), Person(name="Frédéric Lasserre", mentions=["Frédéric Lasserre"])]
    article = EnrichedArticle(**base.model_dump(), enriched_at=base.published_at, enricher_version="test", persons=officials,
                              events=events)
    by_type = {m.type: m.mentions for m in mentions_of(article)}
    assert by_type["meeting"][0].persons == ["Ali Badaoui", "Frédéric Lasserre"]
    assert by_type["extradition"][0].persons == []   # so a report naming the fugitive in full names no other person
    # a person the handover's own sentence names stays its person, and so does one no event's sentence names
    named = handover_sentence.replace("le nommé M. Sofiane", "Frédéric Lasserre")
    told_by_both = article.model_copy(update={"events": [events[0], events[1].model_copy(update={"evidence": named})]})
    assert {m.type: m.mentions for m in mentions_of(told_by_both)}["extradition"][0].persons == ["Frédéric Lasserre"]
    alone = article.model_copy(update={"events": [events[1]]})
    assert {m.type: m.mentions for m in mentions_of(alone)}["extradition"][0].persons == ["Ali Badaoui", "Frédéric Lasserre"]


def test_an_extradition_told_from_its_two_ends_is_not_placed_apart():
    # the sending country ('extradé depuis Dubaï') and the receiving one ('extradited to France')
    assert locations_agree("AE", "FR", "extradition", {"AE", "FR"}) == "unknown"
    assert locations_agree("AE", "AE", "extradition", {"AE", "FR"}) == "same"
    # a third country is another place, and two meetings in two capitals are two meetings
    assert locations_agree("AE", "QA", "extradition", {"AE", "FR"}) == "differs"
    assert locations_agree("AE", "FR", "meeting", {"AE", "FR"}) == "differs"


def test_each_side_s_paper_naming_its_own_officials_tells_one_event():
    from streams.incidents import IncidentState, agreement

    # Bogotá's paper quotes its vice-minister, Quito's its minister: two ends of one sharing
    bogota = mention("a", type_="intelligence_sharing", countries=("CO", "EC"), persons=["Hernán Castañeda"],
                     anchors=["san", "miguel"]).model_copy(update={"home": "CO"})
    quito = mention("b", type_="intelligence_sharing", countries=("CO", "EC"), persons=["Andrés Villacís"],
                    anchors=["san", "miguel"]).model_copy(update={"home": "EC"})
    state = IncidentState(incident_id="x", type="intelligence_sharing", mentions=[bogota])
    assert not agreement(quito, state).persons_disjoint
    # two papers of one side naming other persons, or an outlet of neither side: other persons count against
    other_bogota = quito.model_copy(update={"home": "CO"})
    assert agreement(other_bogota, state).persons_disjoint
    assert agreement(quito.model_copy(update={"home": None}), state).persons_disjoint
    # an extradition's person is the one handed over, whoever tells it
    handed = [m.model_copy(update={"type": "extradition"}) for m in (bogota, quito)]
    state = IncidentState(incident_id="y", type="extradition", mentions=[handed[0]])
    assert agreement(handed[1], state).persons_disjoint


def test_a_report_s_mention_carries_its_outlet_s_country():
    text = "Colombia compartió con Ecuador informes de inteligencia sobre la frontera."
    base = make_article("Inteligencia", text, "es", "co-1").model_copy(update={"source": "el-tiempo-co"})
    event = CooperationEvent(event_id="co-1-intel", article_id="co-1", type="intelligence_sharing", countries=["CO", "EC"],
                             evidence=text, published_at=base.published_at)
    article = EnrichedArticle(**base.model_dump(), enriched_at=base.published_at, enricher_version="test", events=[event])
    assert [m.home for message in mentions_of(article) for m in message.mentions] == ["CO"]
    unknown = article.model_copy(update={"source": "some-wire"})
    assert [m.home for message in mentions_of(unknown) for m in message.mentions] == [None]
