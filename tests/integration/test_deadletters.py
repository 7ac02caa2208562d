"""Following news.deadletter on the real broker: each letter once, those written before and after."""

from __future__ import annotations

import time

from streams.deadletters import DeadLetterFollower


def letters_until(follower: DeadLetterFollower, keys: set[bytes], *, timeout: float = 30.0) -> list[bytes]:
    """The keys of the letters the follower returns until it has returned every one of ``keys``."""
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout
    while not keys <= set(seen) and time.monotonic() < deadline:
        seen += [letter.key for letter in follower.new_letters(timeout_seconds=0.5)]
    return seen


def test_a_follower_returns_each_dead_letter_once_whether_written_before_or_after_it_started(own, producer) -> None:
    settings = own("follow")
    for key in (b"before-1", b"before-2"):
        producer.send(settings.topic_deadletter, key=key, value=b"not an article").get(timeout=30)
    with DeadLetterFollower(settings) as follower:
        first = letters_until(follower, {b"before-1", b"before-2"})
        assert sorted(first) == [b"before-1", b"before-2"]
        producer.send(settings.topic_deadletter, key=b"after-1", value=b"not an article either").get(timeout=30)
        second = letters_until(follower, {b"after-1"})
        assert second == [b"after-1"]   # the earlier letters are not returned again
        assert follower.new_letters(timeout_seconds=1.0) == []
