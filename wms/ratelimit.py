"""Pure: token buckets, one per key (a socket, a token), for the floor's rate limits.

A bucket holds at most `burst` tokens and refills at `rate` per second; each event takes one. A
handheld scanning a few times a second never notices; an outbox replay after a dead spot may spend
the burst and then goes at the sustained rate; a flood is refused after its burst, at the cost of a
dict look-up and some arithmetic (no database, no I/O). Buckets live in the process (Socket.IO
connections are sticky to one process); full, idle buckets are dropped as the table grows.
"""
import threading
import time


class Limiter:
    """Keyed token buckets: `take(key, n)` grants up to n events now."""

    def __init__(self, rate, burst, clock=time.monotonic, max_keys=10_000):
        self.rate, self.burst, self.clock, self.max_keys = float(rate), float(burst), clock, max_keys
        self._buckets = {}  # key -> [tokens, at]
        self._lock = threading.Lock()

    def take(self, key, n=1):
        """(granted, retry_after): how many of n events may go now (the first ones, in order), and the
        seconds until the next one could when not all were granted (0 when they were)."""
        if self.rate <= 0:  # limit switched off
            return n, 0.0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._prune(now)
                bucket = self._buckets[key] = [self.burst, now]
            tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
            granted = min(n, int(tokens + 1e-9))  # 0.1 s at 10/s is one token, not 0.99999
            bucket[0], bucket[1] = tokens - granted, now
        return granted, (0.0 if granted == n else max(0.0, 1 - (tokens - granted)) / self.rate)

    def forget(self, key):
        """Drop a key's bucket (a socket that disconnected)."""
        with self._lock:
            self._buckets.pop(key, None)

    def _prune(self, now):
        """Drop the buckets that are full again (idle long enough that forgetting them changes nothing)."""
        full = [key for key, (tokens, at) in self._buckets.items()
                if tokens + (now - at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # all busy: drop the oldest half rather than grow
            for key, _ in sorted(self._buckets.items(), key=lambda item: item[1][1])[:self.max_keys // 2]:
                del self._buckets[key]
