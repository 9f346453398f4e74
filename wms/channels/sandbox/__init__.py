"""Local sandbox servers that speak the sales platforms' wire formats (partners are unreachable).

Each sandbox is a small Flask app run by werkzeug: tests start one in-process on a random port with
`start_in_thread()`, the demo runs it as `python -m wms.channels.sandbox.<platform> --port N`.
"""
import threading
from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # tests stay quiet; errors are still logged
        pass


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
    """Serve `app` on a background thread (port 0 = any free port)."""
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"sandbox-{server.port}", daemon=True)
    thread.start()
    return RunningSandbox(f"http://{host}:{server.port}", state, server, thread)
