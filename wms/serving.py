"""How the web process serves, set up once by app.py before it starts listening.

- Emits go through one background publisher (wms.realtime), so no request waits on Redis.
- The wall's ticker pushes the wall once a second when something changed (wms.dashboard.push).
- The objects alive after start-up (app, mappers, compiled statements: about a million) are
  frozen out of the cyclic garbage collector: a full collection then scans only what requests
  made, a few milliseconds instead of a 100-200 ms pause of every green thread.
- On PostgreSQL the pool's connections are opened, and the hot statements prepared on them, before
  the first request: a shift's handhelds reconnecting after a deploy otherwise all open (and
  prepare on) cold connections at once, which stalled the first scans for a second or more.
- eventlet's websocket unmasks each client frame byte by byte in Python; `unmask` does it with
  one integer XOR (the scan path reads a frame per scan).
- A large request body (an import upload: up to MAX_UPLOAD_MB) is read cooperatively: a green
  socket's read returns at once while data is waiting, so parsing a 100 MB upload would hold the
  loop for seconds (/healthz and every scan waited); `CooperativeBodies` yields to the other green
  threads between the reads.
"""
import gc
import time


def prepare(app):
    from wms import realtime
    from wms.dashboard import push

    realtime.serve_emits_in_background(app)
    push.start(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from wms.extensions import db
        from wms.rawsql import warm_pool

        with app.app_context():
            warm_pool(db.engine, app.config["DB_POOL_SIZE"])
    if app.config["SOCKETIO_ASYNC_MODE"] == "eventlet":
        from eventlet.websocket import RFC6455WebSocket

        RFC6455WebSocket._apply_mask = staticmethod(unmask)
        app.wsgi_app = CooperativeBodies(app.wsgi_app)
    gc.collect()
    gc.freeze()


def unmask(data, mask, length=None, offset=0):
    """XOR `data` with the 4-byte websocket `mask`, starting at byte `offset` of the mask cycle
    (eventlet's _apply_mask contract)."""
    if length is None:
        length = len(data)
    data = bytes(data[:length])
    if not length:
        return b""
    shift = offset % 4
    key = (bytes(mask[shift:]) + bytes(mask[:shift])) * (length // 4 + 1)
    return (int.from_bytes(data, "big") ^ int.from_bytes(key[:length], "big")).to_bytes(length, "big")


class CooperativeBodies:
    """WSGI middleware: a body larger than LARGE_BYTES is read through YieldingInput."""

    LARGE_BYTES = 256 * 1024

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.LARGE_BYTES:
            environ["wsgi.input"] = YieldingInput(environ["wsgi.input"])
        return self.wsgi_app(environ, start_response)


class YieldingInput:
    """A request body stream that lets the other green threads run before each read (time.sleep(0)
    is eventlet's yield once the process is monkey-patched)."""

    def __init__(self, stream):
        self._stream = stream

    def read(self, *args):
        time.sleep(0)
        return self._stream.read(*args)

    def readline(self, *args):
        time.sleep(0)
        return self._stream.readline(*args)

    def readinto(self, buffer):
        time.sleep(0)
        inner = getattr(self._stream, "readinto", None)
        if inner is not None:
            return inner(buffer)
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def __iter__(self):
        for line in self._stream:
            time.sleep(0)
            yield line

    def __getattr__(self, name):
        return getattr(self._stream, name)
