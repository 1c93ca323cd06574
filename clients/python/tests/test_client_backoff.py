"""Backoff bounds: each wait lies between half and all of a backoff that doubles from the initial
value up to the maximum, and the client gives up after give_up_after without a server."""

import random
import unittest

from lianbang._backoff import Backoff
from lianbang.errors import UnreachableError


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class BackoffTest(unittest.TestCase):
    def test_waits_double_with_jitter_up_to_the_maximum(self):
        clock = Clock()
        b = Backoff(0.2, 1.0, 300.0, clock, random.Random(7))
        for expected in (0.2, 0.4, 0.8, 1.0, 1.0, 1.0):
            wait = b.next("down")
            self.assertTrue(expected / 2 <= wait <= expected, f"{wait} not in [{expected / 2}, {expected}]")
            clock.now += wait

    def test_jitter_spreads_the_waits(self):
        waits = {round(Backoff(1.0, 1.0, 300.0, Clock(), random.Random(s)).next("down"), 6) for s in range(20)}
        self.assertGreater(len(waits), 10)

    def test_reachable_restarts_from_the_initial_backoff(self):
        clock = Clock()
        b = Backoff(0.2, 10.0, 300.0, clock, random.Random(1))
        for _ in range(5):
            b.next("down")
        b.reachable()
        self.assertLessEqual(b.next("down"), 0.2)

    def test_gives_up_after_the_configured_time_without_a_server(self):
        clock = Clock()
        b = Backoff(0.2, 1.0, 5.0, clock, random.Random(1))
        b.next("down")  # the outage starts
        clock.now += 4.9
        b.next("down")
        clock.now += 0.1
        with self.assertRaises(UnreachableError) as e:
            b.next("UNAVAILABLE: connection refused", "UNAVAILABLE")
        self.assertIn("unreachable for 5.0 s: UNAVAILABLE: connection refused", str(e.exception))
        self.assertEqual("UNAVAILABLE", e.exception.code)

    def test_an_answer_ends_the_outage(self):
        clock = Clock()
        b = Backoff(0.2, 1.0, 5.0, clock, random.Random(1))
        b.next("down")
        clock.now += 4.9
        b.reachable()
        clock.now += 4.9
        b.next("down")  # a new outage: no give-up


if __name__ == "__main__":
    unittest.main()
