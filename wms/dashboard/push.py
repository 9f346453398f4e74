"""At most one `wall.metrics` push per second, however many changes and processes there are.

Every committed change calls `wall_changed`. A throttle with a leading and a trailing edge decides,
on a store shared by every web process and worker (Redis keys with a TTL; an in-process dict when
there is no Redis): the first change in a quiet second pushes at once; changes during that second
mark the wall dirty and one of them schedules a single trailing push for when the second is over, so
the last change of a burst is never lost and a burst of 500 scans costs the TVs two pushes. The
snapshot is built and emitted in a background task, never on the request that made the change.
In front of the shared store each process keeps a ProcessGate: while its own trailing push is due,
further changes only set a local flag, so the scan path touches Redis a few times a second at most.
"""
import logging
import threading
import time

from wms.extensions import socketio

log = logging.getLogger("wms.dashboard.push")

NAMESPACE = "/wall"
ROOM = "wall"
EVENT = "wall.metrics"
PUSH_KEY, DIRTY_KEY, TRAIL_KEY = "wms:wall:push", "wms:wall:dirty", "wms:wall:trailing"
INTERVAL_MS = 1000


class Throttle:
    """The decision only (no emitting), over a store with set_nx / set / get / delete / pttl."""

    def __init__(self, store, interval_ms=INTERVAL_MS):
        self.store, self.interval_ms = store, interval_ms

    def changed(self):
        """'push' now, 'schedule' a trailing push, or 'pending' (a trailing push is already due)."""
        if self.store.set_nx(PUSH_KEY, self.interval_ms):
            self.store.delete(DIRTY_KEY)
            return "push"
        self.store.set(DIRTY_KEY, 10 * self.interval_ms)
        if self.store.set_nx(TRAIL_KEY, 3 * self.interval_ms):
            return "schedule"
        return "pending"

    def mark_dirty(self):
        """A change this process noted locally (ProcessGate) while its trailing push was due."""
        self.store.set(DIRTY_KEY, 10 * self.interval_ms)

    def wait_ms(self):
        return max(self.store.pttl(PUSH_KEY), 0)

    def trailing(self):
        """When the second is over: 'push', 'idle' (nothing changed since) or 'again' (someone pushed first)."""
        self.store.delete(TRAIL_KEY)
        if not self.store.get(DIRTY_KEY):
            return "idle"
        if self.store.set_nx(PUSH_KEY, self.interval_ms):
            self.store.delete(DIRTY_KEY)
            return "push"
        return "again" if self.store.set_nx(TRAIL_KEY, 3 * self.interval_ms) else "idle"


class RedisStore:
    def __init__(self, redis):
        self.redis = redis

    def set_nx(self, key, ms):
        return bool(self.redis.set(key, 1, nx=True, px=ms))

    def set(self, key, ms):
        self.redis.set(key, 1, px=ms)

    def get(self, key):
        return self.redis.get(key) is not None

    def delete(self, key):
        self.redis.delete(key)

    def pttl(self, key):
        return self.redis.pttl(key)


class LocalStore:
    """The same keys in this process (tests and single-process runs without Redis)."""

    def __init__(self, clock=time.monotonic):
        self.clock, self.keys, self.lock = clock, {}, threading.Lock()

    def _live(self, key):
        expiry = self.keys.get(key)
        if expiry is not None and expiry <= self.clock():
            del self.keys[key]
            return None
        return expiry

    def set_nx(self, key, ms):
        with self.lock:
            if self._live(key) is not None:
                return False
            self.keys[key] = self.clock() + ms / 1000
            return True

    def set(self, key, ms):
        with self.lock:
            self.keys[key] = self.clock() + ms / 1000

    def get(self, key):
        with self.lock:
            return self._live(key) is not None

    def delete(self, key):
        with self.lock:
            self.keys.pop(key, None)

    def pttl(self, key):
        with self.lock:
            expiry = self._live(key)
            return -2 if expiry is None else int((expiry - self.clock()) * 1000)


def throttle_for(app):
    if app.config.get("REDIS_URL"):
        from wms.worker import redis_connection

        store = app.extensions.get("wms.wall.store")
        if store is None:
            store = app.extensions["wms.wall.store"] = RedisStore(redis_connection(app))
        return Throttle(store)
    store = app.extensions.get("wms.wall.local")
    if store is None:
        store = app.extensions["wms.wall.local"] = LocalStore()
    return Throttle(store)


def _inline(app):
    """Tests without Redis push on the calling thread (no trailing task outliving the test)."""
    return app.testing and not app.config.get("REDIS_URL")


def _nobody_watching():
    """No wall connected to this process (only meaningful without a message queue, i.e. inline)."""
    try:
        return not socketio.server.manager.rooms.get(NAMESPACE, {}).get(ROOM)
    except AttributeError:
        return False


def wall_changed(app):
    """A change committed: push now, schedule the trailing push, or do nothing (one is due)."""
    if not app.config.get("WALL_PUSH_ENABLED", True):  # benches measure the change alone
        return
    if _inline(app) and _nobody_watching():  # other features' query-counting tests see no wall queries
        return
    gate = _gate(app)
    if not gate.should_ask():  # this process's trailing push is due: it carries the change, no Redis trip
        return
    try:
        decision = throttle_for(app).changed()
    except Exception as error:  # Redis down: the TVs re-sync on their own timer; never fail the change
        gate.asked_failed()
        log.warning("wall throttle unavailable: %s: %s", type(error).__name__, error)
        return
    if decision != "push" and not _inline(app):
        # "schedule" or "pending": this process makes sure a trailing push follows its change even
        # if the process that scheduled one (a worker, a seed script) died meanwhile; the PUSH_KEY
        # guard in trailing() still lets only one process push.
        socketio.start_background_task(_trail, app)
        return
    gate.asked_failed()  # no trailing task of this process carries later changes
    if decision == "push":
        _push(app) if _inline(app) else socketio.start_background_task(_push, app)


class ProcessGate:
    """This process's side of the throttle: while its own trailing push is due, a change is only
    noted here (a flag) and handed to the shared store once, when the trailing push runs; so a
    burst of scans costs Redis a few round trips a second, not three per scan.

    should_ask() -> True when the caller must consult the shared throttle (and then either
    start the trailing task or call asked_failed()); False when a due trailing push covers it.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.trailing = False   # a trailing task of this process is running
        self.dirty = False      # changes it must hand to the shared store

    def should_ask(self):
        with self.lock:
            if self.trailing:
                self.dirty = True
                return False
            self.trailing = True  # the caller asks; a concurrent change waits for its answer
            return True

    def asked_failed(self):
        """The caller asked and started no trailing task."""
        with self.lock:
            self.trailing = False

    def take_dirty(self):
        with self.lock:
            dirty, self.dirty = self.dirty, False
            return dirty

    def finish(self):
        """The trailing task ends, unless changes came in while it finished: then it goes on."""
        with self.lock:
            if self.dirty:
                return False
            self.trailing = False
            return True


def _gate(app):
    gate = app.extensions.get("wms.wall.gate")
    if gate is None:
        gate = app.extensions.setdefault("wms.wall.gate", ProcessGate())
    return gate


def _trail(app):
    gate = _gate(app)
    try:
        throttle = throttle_for(app)
        while True:
            for _ in range(10):
                socketio.sleep(throttle.wait_ms() / 1000 + 0.02)
                if gate.take_dirty():
                    throttle.mark_dirty()
                outcome = throttle.trailing()
                if outcome == "push":
                    _push(app)
                if outcome != "again":
                    break
            if gate.finish():
                return
    except Exception as error:
        log.warning("wall trailing push failed: %s: %s", type(error).__name__, error)
        gate.take_dirty()
        gate.asked_failed()


def _push(app):
    from wms.dashboard import services
    from wms.extensions import db

    with app.app_context():
        try:
            emit_wall(services.snapshot())
        except Exception:
            log.exception("wall push failed")
        finally:
            db.session.remove()


def emit_wall(payload):
    """Emit the snapshot to every wall in the /wall namespace (through the message queue if any)."""
    from flask import current_app

    if current_app.testing:  # kept apart from `published`, whose tests count their own feature's events
        current_app.extensions.setdefault("wms.wall.pushed", []).append(
            {"event": EVENT, "payload": payload, "room": ROOM})
    socketio.emit(EVENT, payload, to=ROOM, namespace=NAMESPACE)
