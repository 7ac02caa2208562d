"""Loaded by a test worker (through PYTHONPATH): its consumer drops, without handing them to
their agent, every record of the topic COOPWATCH_TEST_DROP_TOPIC it fetches in its first
COOPWATCH_TEST_DROP_SECONDS. That is what Faust does to records it fetched while a partition
was not flowing; when they are a partition's last messages, no later one shows the hole.
"""

import logging
import os
import time

TOPIC = os.environ["COOPWATCH_TEST_DROP_TOPIC"]
SECONDS = float(os.environ.get("COOPWATCH_TEST_DROP_SECONDS", "3"))


def drop_for_a_while(consumer_class):
    getmany = consumer_class.getmany
    started: list[float] = []
    log = logging.getLogger("streams.app")

    async def dropping_getmany(self, timeout):
        async for tp, message in getmany(self, timeout):
            if tp.topic == TOPIC:
                started[:] = started or [time.monotonic()]
                if time.monotonic() - started[0] < SECONDS:
                    log.info("test: dropped %s[%d] offset %d", tp.topic, tp.partition, message.offset)
                    continue
            yield tp, message

    consumer_class.getmany = dropping_getmany


import streams.app  # noqa: E402 - after the settings above are read

drop_for_a_while(streams.app.InFlightSafeConsumer)
