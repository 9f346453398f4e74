"""Local sandbox servers that speak the sales platforms' wire formats (partners are unreachable).

Each sandbox is a small Flask app run by werkzeug: tests start one in-process on a random port with
`start_in_thread()`, the demo runs it as `python -m wms.channels.sandbox.<platform> --port N`.
"""
import io
import socket
import threading
from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # tests stay quiet; errors are still logged
        pass


class KeepAliveHandler(_QuietHandler):
    """Keeps HTTP/1.1 connections open between requests, as the platforms' gateways do (werkzeug's own
    handler answers every request with `Connection: close`, so a client could never reuse a connection).

    Werkzeug closes because, after answering, it drains whatever the client sent on (it cannot tell an
    unread body from the next request). Here the body (Content-Length) is read whole before the app runs
    and the app reads it from memory, so that drain finds nothing and the next request stays on the socket.
    A chunked body, `Expect: 100-continue`, a client asking to close, or `timeout` idle seconds close as before."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle kept-alive connection waits for its next request

    def setup(self):
        super().setup()
        # headers and body go out as separate writes: without this the body waits for the client's delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run_wsgi(self):
        length = (self.headers.get("Content-Length") or "0").strip()
        self._keep_alive = (self.request_version == "HTTP/1.1" and length.isdigit()
                            and "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower()
                            and (self.headers.get("Expect") or "").lower() != "100-continue"
                            and (self.headers.get("Connection") or "").lower() != "close")
        if not self._keep_alive:
            return super().run_wsgi()
        socket_file, self.rfile = self.rfile, io.BytesIO(self.rfile.read(int(length)))
        try:
            return super().run_wsgi()
        finally:
            self.rfile = socket_file

    def send_header(self, keyword, value):
        if keyword.lower() == "connection" and value.lower() == "close" and getattr(self, "_keep_alive", False):
            return  # werkzeug's unconditional close: the connection stays open for the next request
        super().send_header(keyword, value)

    def connection_dropped(self, error, environ=None):
        self.close_connection = True  # a timed-out or reset socket is not read again


@dataclass
class RunningSandbox:
    """A sandbox serving on localhost: its base URL, its state, and how to stop it."""

    base_url: str
    state: object
    _server: object
    _thread: threading.Thread

    def stop(self):
        """Shut the server down and wait for its thread (a second call does nothing)."""
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __iter__(self):  # `base_url, stop = start_in_thread()`
        return iter((self.base_url, self.stop))


def serve_in_thread(app, state, host="127.0.0.1", port=0):
    """Serve `app` on a background thread (port 0 = any free port), keeping connections alive."""
    server = make_server(host, port, app, threaded=True, request_handler=KeepAliveHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"sandbox-{server.port}", daemon=True)
    thread.start()
    return RunningSandbox(f"http://{host}:{server.port}", state, server, thread)


def merge_fields(record, fields):
    """Change a sandbox record's fields as a test asks: a dict merges into a dict field, anything else replaces."""
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(record.get(key), dict):
            record[key].update(value)
        else:
            record[key] = value
