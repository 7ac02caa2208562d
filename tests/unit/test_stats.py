"""What `coopwatch stats` watches: every stage's input topic, and every index the project writes."""

from streams.settings import Settings
from streams.stats import consumer_lag, stage_topics


def test_every_stage_of_the_worker_has_its_lag_watched():
    from streams.cli import STAGE_NAMES

    settings = Settings(topic_mentions="x.mentions")
    assert set(stage_topics(settings)) == set(STAGE_NAMES)
    assert stage_topics(settings)["incidents"] == "x.mentions"


def test_lag_counts_what_the_group_has_not_committed_from_the_first_retained_message():
    offsets = {0: (0, 10), 1: (5, 8)}
    assert consumer_lag(offsets, {0: 7}) == 3 + 3
    assert consumer_lag(offsets, {0: 10, 1: 8}) == 0
