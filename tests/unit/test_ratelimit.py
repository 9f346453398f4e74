"""Token buckets per key (wms.ratelimit): sustained rate and burst."""
from wms.ratelimit import Limiter


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_burst_goes_through_and_then_the_sustained_rate_with_the_wait_told():
    clock = Clock()
    limiter = Limiter(rate=10, burst=5, clock=clock)
    assert [limiter.take("s")[0] for _ in range(6)] == [1, 1, 1, 1, 1, 0]
    granted, wait = limiter.take("s")
    assert granted == 0 and abs(wait - 0.1) < 1e-9
    clock.now += 0.1
    assert limiter.take("s") == (1, 0.0)


def test_a_batch_gets_the_first_events_it_can_afford_and_the_rest_wait():
    clock = Clock()
    limiter = Limiter(rate=2, burst=3, clock=clock)
    granted, wait = limiter.take("token", 5)
    assert granted == 3 and abs(wait - 0.5) < 1e-9
    clock.now += 10
    assert limiter.take("token", 3) == (3, 0.0)  # refilled to the burst, never beyond


def test_keys_do_not_share_a_bucket_and_a_forgotten_key_starts_full():
    clock = Clock()
    limiter = Limiter(rate=1, burst=1, clock=clock)
    assert limiter.take("a")[0] == 1 and limiter.take("a")[0] == 0
    assert limiter.take("b")[0] == 1
    limiter.forget("a")
    assert limiter.take("a")[0] == 1


def test_a_rate_of_zero_switches_the_limit_off():
    limiter = Limiter(rate=0, burst=0)
    assert limiter.take("x", 1000) == (1000, 0.0)


def test_the_table_of_buckets_stays_bounded_dropping_idle_ones_first():
    clock = Clock()
    limiter = Limiter(rate=1, burst=2, clock=clock, max_keys=10)
    limiter.take("busy", 2)
    for n in range(9):
        limiter.take(f"idle-{n}")
    clock.now += 5  # the idle ones are full again; "busy" took again just now
    limiter.take("busy", 2)
    limiter.take("new")
    assert len(limiter._buckets) <= 10 and "busy" in limiter._buckets
    assert limiter.take("busy")[0] == 0  # its emptiness was not forgotten
