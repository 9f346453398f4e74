"""The handheld PWA: the app shell, its manifest and the service worker at the root scope.

The shell is the same for every user (who is logged in lives in the app's IndexedDB, not in a
session), so the service worker can cache it and the app starts with no network.
"""
import json
from pathlib import Path

from flask import Blueprint, current_app, render_template, send_file, url_for

from config.settings import ROOT
from wms.auth.access import public
from wms.picking.messages import MESSAGES

bp = Blueprint("handheld", __name__)

SERVICE_WORKER = ROOT / "service-worker.js"
FLOOR_CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "zh_CN" / "floor.json"
NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate"}


def shell_version():
    """The app shell's version: the cache name in service-worker.js (bumped on every deploy)."""
    for line in SERVICE_WORKER.read_text(encoding="utf-8").splitlines():
        if line.startswith("const VERSION"):
            return line.split("=", 1)[1].strip().strip(";").strip("\"'")
    return "dev"


@bp.get("/app")
@public
def app():
    """The handheld app shell (login, my tasks, pick); works offline once the service worker cached it."""
    catalogue = json.loads(FLOOR_CATALOGUE.read_text(encoding="utf-8"))
    html = render_template("handheld/app.html", version=shell_version(), catalogue=catalogue, messages=MESSAGES)
    return html, 200, NO_CACHE


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest: installable, standalone, portrait, icons incl. maskable."""
    def icon(name, size, purpose="any"):
        return {"src": url_for("static", filename=f"handheld/icons/{name}"), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    body = {"name": "WMS Handheld 拣货", "short_name": "WMS 拣货", "id": "/app", "start_url": "/app",
            "scope": "/", "display": "standalone", "orientation": "portrait",
            "background_color": "#000000", "theme_color": "#000000",
            "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512),
                      icon("maskable-512.png", 512, "maskable")]}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers.update(NO_CACHE)
    return response


@bp.get("/service-worker.js")
@public
def service_worker():
    """The service worker from the repository root, allowed to control the whole origin, never cached."""
    response = send_file(SERVICE_WORKER, mimetype="text/javascript", max_age=0)
    response.headers.update({**NO_CACHE, "Service-Worker-Allowed": "/"})
    return response
