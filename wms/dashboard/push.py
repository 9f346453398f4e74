"""The wall's live push: a ticker with a dirty flag, at most one `wall.metrics` push a second.

A committed change that moves the wall's counters calls `wall_changed(app)` (through
wms.counters.changes, which the wall subscribes to below: the counters sit under every feature and
cannot call the wall), which only sets this process's dirty flag: no query and no Redis trip on the
scan path. The web server runs one ticker per process (`start`, called by wms.serving); every second
it takes the flag and, if it was set, builds the snapshot and publishes it through wms.realtime to the
room `wall` of namespace `/wall`. A change that lands while a push is being built sets the flag again
and goes out on the next tick: a burst's last change is never lost, and a burst of 500 scans costs
the TVs one push a second.

With Redis (REDIS_URL: several web processes, rq workers) the processes also share one dirty flag and
one push slot. A web process hands its own flag over on its tick; a process that does not tick (an rq
job, a CLI command) sets the shared flag at once. The ticker that finds the shared flag set and the
slot free (or still its own) claims the slot and pushes, to every TV through the Socket.IO message
queue; the slot then stays its own for a second from when the push went out. One Lua script does
hand-over and claim in one round trip, so a web process costs Redis one call a second (two when it
pushes). Without Redis (a single process) the local flag is all there is.
"""
import functools
import logging
import threading
import uuid

from wms import realtime
from wms.counters import changes
from wms.extensions import db, socketio

log = logging.getLogger("wms.dashboard.push")

NAMESPACE = "/wall"
ROOM = "wall"
EVENT = "wall.metrics"
INTERVAL_SECONDS = 1.0
DIRTY_KEY, SLOT_KEY = "wms:wall:dirty", "wms:wall:slot"
_TICKER = "wms.wall.ticker"


def wall_changed(app):
    """A change that moves the wall committed: the next tick pushes it."""
    ticker_for(app).changed()


changes.subscribe(wall_changed)  # every commit that moved a counter marks the wall


def ticker_for(app):
    """This process's ticker for `app`, made on first use (it ticks in the background only after `start`)."""
    ticker = app.extensions.get(_TICKER)
    if ticker is None:
        shared = None
        if app.config.get("REDIS_URL"):
            from wms.worker import redis_connection

            shared = SharedFlag(redis_connection(app))
        ticker = app.extensions.setdefault(_TICKER, Ticker(functools.partial(push_snapshot, app), shared))
    return ticker


def start(app):
    """Tick once a second in a background task (the web server only). Returns stop()."""
    ticker = ticker_for(app)
    ticker.running = True

    def tick_until_stopped():
        while ticker.running:
            ticker.tick()
            socketio.sleep(ticker.interval)  # a full second after the push went out, however long it took

    task = socketio.start_background_task(tick_until_stopped)

    def stop():
        ticker.running = False
        task.join()

    return stop


def push_snapshot(app):
    """Build the wall's snapshot and publish it to every wall TV (wms.realtime)."""
    from wms.dashboard import services

    with app.app_context():
        try:
            payload = services.snapshot()
        finally:
            db.session.remove()
        realtime.emit_now(EVENT, payload, ROOM, namespace=NAMESPACE)


class Ticker:
    """One process's dirty flag and its tick: `changed()` marks, `tick()` pushes if marked.

    The tick has no timer of its own: `start` calls it once a second, tests call it directly.
    """

    def __init__(self, push, shared=None, interval=INTERVAL_SECONDS):
        self.push, self.shared, self.interval = push, shared, interval
        self.running = False  # a background task ticks this process (`start`)
        self.token = uuid.uuid4().hex  # names this process's claim on the shared slot
        self._dirty = False
        self._lock = threading.Lock()

    @property
    def dirty(self):
        return self._dirty

    def changed(self):
        """Mark the wall dirty: locally when this process ticks (or is the only one), else in Redis."""
        if self.shared is not None and not self.running:
            try:  # nobody ticks here (an rq job, a CLI command): a web process's tick pushes it
                self.shared.mark()
            except Exception as error:  # never fail the change; the TVs re-sync every minute anyway
                log.warning("wall flag unavailable: %s: %s", type(error).__name__, error)
            return
        with self._lock:
            self._dirty = True

    def tick(self):
        """Push once if anything changed since the last push (and the shared slot is free); True if it pushed."""
        with self._lock:
            dirty, self._dirty = self._dirty, False
        if self.shared is not None:
            try:
                dirty = self.shared.claim(self.token, dirty, int(self.interval * 1000))
            except Exception as error:  # Redis down: keep the change for the next tick
                self._keep(dirty)
                log.warning("wall flag unavailable: %s: %s", type(error).__name__, error)
                return False
        if not dirty:
            return False
        try:
            self.push()
        except Exception:
            self._keep(True)  # the next tick tries again
            log.exception("wall push failed")
            return False
        if self.shared is not None:
            try:  # the second counts from when the push went out, not from the claim
                self.shared.hold(self.token, int(self.interval * 1000))
            except Exception as error:
                log.warning("wall flag unavailable: %s: %s", type(error).__name__, error)
        return True

    def _keep(self, dirty):
        if dirty:
            with self._lock:
                self._dirty = True


class SharedFlag:
    """The dirty flag and the push slot all processes share, in Redis."""

    # KEYS: dirty flag, slot; ARGV: '1' to hand a local change over, this process's token, slot ms.
    # 1 when this process may push now: something is dirty and the slot is free or still its own.
    CLAIM = """
    if ARGV[1] == '1' then redis.call('set', KEYS[1], '1') end
    if redis.call('exists', KEYS[1]) == 0 then return 0 end
    local holder = redis.call('get', KEYS[2])
    if holder and holder ~= ARGV[2] then return 0 end
    redis.call('set', KEYS[2], ARGV[2], 'px', ARGV[3])
    redis.call('del', KEYS[1])
    return 1
    """

    # KEYS: slot; ARGV: this process's token, slot ms. Keep the slot one more second if still ours.
    HOLD = """
    if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2]) end
    """

    def __init__(self, redis):
        self.redis = redis
        self._claim, self._hold = redis.register_script(self.CLAIM), redis.register_script(self.HOLD)

    def mark(self):
        self.redis.set(DIRTY_KEY, 1)

    def claim(self, token, local_dirty, slot_ms):
        """Hand this process's change over and claim the slot: True when this process pushes now."""
        return self._claim(keys=[DIRTY_KEY, SLOT_KEY], args=["1" if local_dirty else "0", token, slot_ms]) == 1

    def hold(self, token, slot_ms):
        """After this process's push went out: the slot stays its own for slot_ms from now."""
        self._hold(keys=[SLOT_KEY], args=[token, slot_ms])
