"""The wall push end to end in one process (a commit marks, the tick publishes the snapshot through
wms.realtime) and across processes over a real Redis (one shared flag, one push slot a second)."""
import pytest

from tests.builders import make_channel, make_order
from tests.redis_servers import RedisServer
from wms.aftercommit import run_ready
from wms.dashboard import push, services
from wms.errors import ValidationFailed
from wms.extensions import db


def wall_pushes(published):
    return [e for e in published if e["event"] == push.EVENT]


def test_a_commit_only_marks_the_wall_and_the_tick_publishes_one_snapshot_for_the_burst(app, published):
    channel = make_channel()
    for i in range(5):
        make_order(channel, f"P{i}")
    run_ready(db.session())  # what the request's teardown does after a plain commit
    ticker = push.ticker_for(app)
    assert ticker.dirty and wall_pushes(published) == []  # nothing is computed on the change's path
    assert ticker.tick() is True
    [pushed] = wall_pushes(published)
    assert pushed["room"] == push.ROOM and pushed["payload"]["orders"]["by_state"]["imported"] == 5
    assert ticker.tick() is False and len(wall_pushes(published)) == 1


def test_the_shipped_target_is_pushed_on_the_next_tick(app, published):
    services.set_shipped_target("640")
    push.ticker_for(app).tick()
    assert [e["payload"]["shipped"]["target"] for e in wall_pushes(published)] == [640]


def test_a_refused_target_marks_nothing(app):
    with pytest.raises(ValidationFailed):
        services.set_shipped_target("lots")
    assert not push.ticker_for(app).dirty


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server.client()
    server.kill()


class Pushes:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1


def process(redis, running=True):
    """A ticker as another process has it: its own flag and token, the shared Redis."""
    ticker = push.Ticker(Pushes(), push.SharedFlag(redis))
    ticker.running = running
    return ticker


def test_a_job_process_sets_the_shared_flag_and_one_web_process_pushes_it(redis):
    job, web_a, web_b = process(redis, running=False), process(redis), process(redis)
    job.changed()
    assert redis.exists(push.DIRTY_KEY) and not job.dirty
    pushed = [web_a.tick(), web_b.tick()]
    assert pushed == [True, False] and not redis.exists(push.DIRTY_KEY)


def test_a_second_process_waits_for_the_slot_and_its_change_is_not_lost(redis):
    a, b = process(redis), process(redis)
    a.changed()
    assert a.tick() is True
    assert 0 < redis.pttl(push.SLOT_KEY) <= 1000  # a holds the slot for one second
    b.changed()
    assert b.tick() is False and redis.exists(push.DIRTY_KEY)  # handed over, waiting for the slot
    redis.delete(push.SLOT_KEY)  # the second is over
    assert b.tick() is True and (a.push.count, b.push.count) == (1, 1)
    assert a.tick() is False and b.tick() is False


def test_the_slot_is_held_a_second_from_when_the_push_went_out(redis):
    a = process(redis)
    a.push = lambda: redis.pexpire(push.SLOT_KEY, 500)  # a push so slow that half the claim's second is gone
    a.changed()
    assert a.tick() is True
    assert redis.get(push.SLOT_KEY).decode() == a.token and 500 < redis.pttl(push.SLOT_KEY) <= 1000
    redis.set(push.SLOT_KEY, "other")
    push.SharedFlag(redis).hold(a.token, 1000)
    assert redis.get(push.SLOT_KEY) == b"other"  # a slot another process took is not taken back


def test_the_slot_holder_may_push_again_on_its_next_tick_while_others_wait(redis):
    a, b = process(redis), process(redis)
    a.changed()
    a.tick()
    b.changed()
    assert b.tick() is False
    assert a.tick() is True  # b's change goes out with a's next second
    assert redis.get(push.SLOT_KEY).decode() == a.token


def test_the_app_ticker_uses_redis_when_the_app_has_it(app, tmp_path):
    server = RedisServer(tmp_path / "app-redis").start()
    try:
        app.config["REDIS_URL"] = server.url
        app.extensions.pop("wms.wall.ticker", None)
        make_order(make_channel(), "R1")
        run_ready(db.session())  # this process does not tick (no server started it): straight to Redis
        assert server.client().exists(push.DIRTY_KEY)
        web = process(server.client())
        assert web.tick() is True and web.push.count == 1
    finally:
        server.kill()
