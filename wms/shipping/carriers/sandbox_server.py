"""What the local carrier sandboxes share: a threaded HTTP server on the loopback (a free port by
default), served from a daemon thread, and faults queued for the calls to come.

Each sandbox (sandbox.py for Kuaidi100, fourpx_sandbox.py for 4PX) speaks its partner's wire format
in its own request handler; this is only the server's life and the fault queue, written once.
"""
import threading
from http.server import ThreadingHTTPServer


class HttpSandbox:
    """Subclasses call `_listen(host, port, handler)` in their __init__ and set `thread_name`."""

    thread_name = "sandbox"

    def _listen(self, host, port, handler, server_class=ThreadingHTTPServer):
        self.faults = []
        self._lock = threading.Lock()
        self.server = server_class((host, port), handler)
        self.server.daemon_threads = True

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True, name=self.thread_name).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, mode, times=1):
        """The next `times` calls that take a fault fail as `mode` (what each sandbox's docstring lists)."""
        with self._lock:
            self.faults.extend([mode] * times)
