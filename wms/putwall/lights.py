"""Put-to-light adapter: tells a wall's light controller what each slot's module shows.

No put-to-light vendor publishes its controller protocol openly (searched: the public code and
documentation corpora hold only home-lighting APIs, e.g. WLED's JSON API and the Philips Hue bridge),
so this is our own small JSON-over-HTTP protocol, documented here; wms/putwall/lights_sandbox.py
speaks it for the tests and the demo, and a controller's integrator implements it (a few lines on a
PLC gateway or a Raspberry Pi driving the modules).

Protocol, version 1 (`light_url` is the controller's base URL, e.g. http://10.0.0.40:8080):

    POST {light_url}/v1/walls/{wall}/lights        Content-Type: application/json
    {"lights": [{"slot": "PW1-A01", "color": "green", "text": "1/3", "blink": true}, ...]}
      color: off | white (an order sorting) | green (put here now) | blue (complete: pack) | red (take out)
      text:  what the module's display shows (at most 8 characters)
    -> 200 {"ok": true, "applied": <number of modules set>}
    -> 4xx / 5xx {"ok": false, "error": "<why>"}: nothing was set

    GET {light_url}/v1/walls/{wall}/lights -> 200 {"lights": {"PW1-A01": {"color", "text", "blink"}, ...}}

Each command sets a module's whole state, so sending a command again changes nothing: the job that
sends it may run twice.
"""
import requests

TIMEOUT_S = 3.0
COLORS = ("off", "white", "green", "blue", "red")


class LightsUnavailable(Exception):
    """The controller could not be reached or refused the command."""


def command(slot_code, color, text="", blink=False):
    """One module's state as the protocol carries it."""
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r}")
    return {"slot": slot_code, "color": color, "text": str(text)[:8], "blink": bool(blink)}


def send(light_url, wall_code, lights, session=None):
    """POST the modules' states to the controller; the number it applied. LightsUnavailable otherwise."""
    http = session or requests
    try:
        response = http.post(f"{light_url.rstrip('/')}/v1/walls/{wall_code}/lights", json={"lights": list(lights)},
                             timeout=TIMEOUT_S)
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LightsUnavailable(str(error)[:200]) from None
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("ok"):
        raise LightsUnavailable(str(body.get("error") if isinstance(body, dict) else body)[:200])
    return int(body.get("applied", 0))


def shown(light_url, wall_code, session=None):
    """{slot code: {color, text, blink}} the controller shows now."""
    http = session or requests
    try:
        response = http.get(f"{light_url.rstrip('/')}/v1/walls/{wall_code}/lights", timeout=TIMEOUT_S)
        return response.json()["lights"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise LightsUnavailable(str(error)[:200]) from None
