"""Send ZPL to a network label printer (raw TCP, port 9100: Zebra's "JetDirect" socket)."""
import socket

DEFAULT_PORT = 9100


class PrinterError(Exception):
    pass


def send_zpl(host, zpl, port=DEFAULT_PORT, timeout=5.0):
    """Write the job to the printer and close; raise PrinterError if it cannot be reached in time."""
    try:
        with socket.create_connection((host, int(port or DEFAULT_PORT)), timeout=timeout) as conn:
            conn.sendall(zpl.encode("utf-8"))
            conn.shutdown(socket.SHUT_WR)
    except OSError as error:
        raise PrinterError(f"printer {host}:{port} unreachable: {error}") from None
