"""A network label printer for the browser tests: a local TCP port (like a Zebra's 9100) that keeps every
ZPL job it receives, for a station whose labels go straight to the printer."""
import socket
import threading


class Printer:
    """A network label printer on a local TCP port: it keeps every ZPL job it receives."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port, self.jobs = self.server.getsockname()[1], []
        self.arrived = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                data = b""
                while chunk := connection.recv(65536):
                    data += chunk
                with self.arrived:
                    self.jobs.append(data.decode("utf-8", "replace"))
                    self.arrived.notify_all()

    def jobs_with(self, text, timeout=10):
        """The jobs received that contain `text`, once there is one (or none after `timeout` seconds)."""
        with self.arrived:
            self.arrived.wait_for(lambda: any(text in job for job in self.jobs), timeout)
            return [job for job in self.jobs if text in job]
