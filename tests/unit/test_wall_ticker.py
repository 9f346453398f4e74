"""The wall's ticker, driven by calling tick(): a change marks, a tick pushes once, a clean tick pushes nothing."""
from wms.dashboard.push import Ticker


class Pushes:
    """A push that records itself; `during` runs inside the push (a change landing mid-push)."""

    def __init__(self, during=None, fail_times=0):
        self.count, self.during, self.fail_times = 0, during, fail_times

    def __call__(self):
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("database gone")
        self.count += 1
        if self.during:
            self.during()


class FakeShared:
    """The shared flag as the Lua script keeps it, in memory: `holder` owns the slot until release()."""

    def __init__(self, down=False):
        self.dirty, self.holder, self.marks, self.holds, self.down = False, None, 0, 0, down

    def mark(self):
        if self.down:
            raise ConnectionError("redis down")
        self.marks += 1
        self.dirty = True

    def claim(self, token, local_dirty, slot_ms):
        if self.down:
            raise ConnectionError("redis down")
        self.dirty = self.dirty or local_dirty
        if not self.dirty or self.holder not in (None, token):
            return False
        self.holder, self.dirty = token, False
        return True

    def hold(self, token, slot_ms):
        if self.holder == token:
            self.holds += 1

    def release(self):
        """The slot's second is over."""
        self.holder = None


def test_a_change_marks_the_wall_dirty_and_the_next_tick_pushes_it_once():
    push = Pushes()
    ticker = Ticker(push)
    ticker.changed()
    assert ticker.dirty and push.count == 0  # the change itself pushes nothing
    assert ticker.tick() is True and push.count == 1
    assert not ticker.dirty


def test_a_tick_with_nothing_changed_pushes_nothing():
    push = Pushes()
    ticker = Ticker(push)
    assert ticker.tick() is False
    ticker.changed()
    ticker.tick()
    assert ticker.tick() is False and push.count == 1


def test_a_burst_costs_one_push_per_tick_and_its_trailing_change_goes_out_on_the_next():
    push = Pushes()
    ticker = Ticker(push)
    for _ in range(500):
        ticker.changed()
    ticker.tick()
    ticker.changed()  # the burst's last scan, after the first push
    assert push.count == 1 and ticker.dirty
    assert ticker.tick() is True and push.count == 2
    assert ticker.tick() is False and push.count == 2


def test_a_change_landing_while_the_push_is_built_is_pushed_by_the_next_tick():
    ticker = Ticker(lambda: None)
    push = Pushes(during=ticker.changed)
    ticker.push = push
    ticker.changed()
    ticker.tick()
    assert ticker.dirty  # the snapshot may have been read before that change committed
    ticker.push = Pushes()
    assert ticker.tick() is True


def test_a_failed_push_is_tried_again_on_the_next_tick():
    push = Pushes(fail_times=1)
    ticker = Ticker(push)
    ticker.changed()
    assert ticker.tick() is False and ticker.dirty and push.count == 0
    assert ticker.tick() is True and push.count == 1


def test_a_ticking_process_keeps_its_changes_to_itself_until_its_tick():
    shared = FakeShared()
    ticker = Ticker(Pushes(), shared)
    ticker.running = True
    for _ in range(100):
        ticker.changed()
    assert shared.marks == 0 and not shared.dirty and ticker.dirty  # no Redis trip on the scan path
    assert ticker.tick() is True


def test_a_process_that_does_not_tick_hands_its_change_to_the_shared_flag_at_once():
    shared = FakeShared()
    job = Ticker(Pushes(), shared)  # an rq job's process: nobody ticks there
    web_push = Pushes()
    web = Ticker(web_push, shared)
    web.running = True
    job.changed()
    assert shared.dirty and not job.dirty
    assert web.tick() is True and web_push.count == 1
    assert web.tick() is False


def test_two_processes_push_at_most_once_per_slot_and_the_later_change_is_not_lost():
    shared = FakeShared()
    a_push, b_push = Pushes(), Pushes()
    a, b = Ticker(a_push, shared), Ticker(b_push, shared)
    a.running = b.running = True
    a.changed()
    b.changed()
    assert a.tick() is True
    assert b.tick() is False  # a holds this second: b's change waits in the shared flag
    assert shared.dirty and not b.dirty
    shared.release()
    assert b.tick() is True and (a_push.count, b_push.count) == (1, 1)
    assert a.tick() is False and b.tick() is False


def test_the_slot_holder_pushes_again_on_its_next_tick():
    shared = FakeShared()
    push = Pushes()
    ticker = Ticker(push, shared)
    ticker.running = True
    ticker.changed()
    ticker.tick()
    ticker.changed()
    assert ticker.tick() is True and push.count == 2  # its own claim does not hold back its next second
    assert shared.holds == 2  # each push keeps the slot a second from when it went out


def test_when_redis_is_down_the_change_waits_for_the_next_tick_and_nothing_raises():
    shared = FakeShared(down=True)
    push = Pushes()
    ticker = Ticker(push, shared)
    ticker.running = True
    ticker.changed()
    assert ticker.tick() is False and ticker.dirty and push.count == 0
    Ticker(Pushes(), shared).changed()  # a job's change is dropped with a warning, not an exception
    shared.down = False
    assert ticker.tick() is True and push.count == 1
