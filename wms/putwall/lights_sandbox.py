"""A local put-to-light controller speaking wms/putwall/lights.py's protocol (version 1), for the tests
and the demo: it keeps each module's state in memory and answers the GET with it.

Faults (`fail_next`): "down" answers 503 {"ok": false}; "garbage" answers 200 with a body that is not JSON.
"""
import json
import re
from http.server import BaseHTTPRequestHandler

from wms.putwall.lights import COLORS
from wms.shipping.carriers.sandbox_server import HttpSandbox

_PATH = re.compile(r"^/v1/walls/([A-Za-z0-9_.-]{1,20})/lights$")


class LightsSandbox(HttpSandbox):
    thread_name = "lights-sandbox"

    def __init__(self, host="127.0.0.1", port=0):
        self.walls, self.received = {}, []
        self._listen(host, port, _handler(self))

    def take_fault(self):
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def apply(self, wall, lights):
        with self._lock:
            modules = self.walls.setdefault(wall, {})
            for light in lights:
                modules[light["slot"]] = {"color": light["color"], "text": light["text"], "blink": light["blink"]}
            self.received.append({"wall": wall, "lights": lights})


def _problem(body):
    lights = body.get("lights") if isinstance(body, dict) else None
    if not isinstance(lights, list):
        return "lights must be a list"
    for light in lights:
        if not isinstance(light, dict) or not isinstance(light.get("slot"), str) or light.get("color") not in COLORS:
            return "each light needs a slot and a known color"
        if not isinstance(light.get("text", ""), str) or len(light.get("text", "")) > 8:
            return "text is at most 8 characters"
    return None


def _handler(sandbox):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, body):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            match = _PATH.match(self.path)
            if not match:
                return self._answer(404, {"ok": False, "error": "no such path"})
            return self._answer(200, {"lights": dict(sandbox.walls.get(match.group(1), {}))})

        def do_POST(self):
            match = _PATH.match(self.path)
            if not match:
                return self._answer(404, {"ok": False, "error": "no such path"})
            fault = sandbox.take_fault()
            if fault == "down":
                return self._answer(503, {"ok": False, "error": "controller busy"})
            if fault == "garbage":
                return self._answer(200, b"<html>")
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
            except ValueError:
                return self._answer(400, {"ok": False, "error": "body is not JSON"})
            problem = _problem(body)
            if problem:
                return self._answer(400, {"ok": False, "error": problem})
            lights = [{"slot": x["slot"], "color": x["color"], "text": x.get("text", ""), "blink": bool(x.get("blink"))}
                      for x in body["lights"]]
            sandbox.apply(match.group(1), lights)
            return self._answer(200, {"ok": True, "applied": len(lights)})

    return Handler


def start_for_demo(port):
    """The launcher's controller on the loopback at `port` (the demo wall's light_url); None when the
    port is taken - a real controller, or another demo, may be listening there."""
    try:
        return LightsSandbox("127.0.0.1", port).start()
    except OSError:
        return None
