"""The handheld PWA: the app shell, its manifest and the service worker at the root scope; and the
site's favicon, which browsers ask for at /favicon.ico on every page.

The shell is the same for every user (who is logged in lives in the app's IndexedDB, not in a
session), so the service worker can cache it and the app starts with no network.
"""
import json
from pathlib import Path

from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from config.settings import ROOT
from wms.auth import roles, services as auth_services
from wms.auth.access import allow, public
from wms.auth.sessions import REASONS
from wms.handheld import shell
from wms.i18n import catalogue_for_client
from wms.picking.messages import MESSAGES

bp = Blueprint("handheld", __name__)

SERVICE_WORKER = ROOT / "service-worker.js"
FLOOR_CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "zh_CN" / "floor.json"
NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate"}


def shell_catalogue():
    """The zh_CN words the shell ships: floor.json, and why the server ended a login (wms.auth.sessions.REASONS,
    translated in auth.json), which the session.revoked push or a refused call may bring before the first
    bootstrap has brought the rest of the catalogue."""
    catalogue = json.loads(FLOOR_CATALOGUE.read_text(encoding="utf-8"))
    translated = catalogue_for_client("zh_CN")
    catalogue.update({text: translated[text] for text in REASONS.values() if text in translated})
    return catalogue


def shell_version():
    """The app shell's version: a hash of the service worker and every file it caches (wms.handheld.shell)."""
    return shell.shell_version(SERVICE_WORKER.read_text(encoding="utf-8"), current_app.static_folder,
                               _generated_pages())


def _generated_pages():
    """The shell's rendered entries, as the bytes they are made from (the page itself shows the version)."""
    template = Path(current_app.template_folder) / "handheld" / "app.html"
    page = (template.read_bytes() + json.dumps(shell_catalogue(), sort_keys=True, ensure_ascii=False).encode("utf-8")
            + json.dumps(MESSAGES, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return {"/app": page, "/manifest.webmanifest": json.dumps(manifest_body(), sort_keys=True).encode("utf-8")}


@bp.get("/app")
@public
def app():
    """The handheld app shell (login, my tasks, pick); works offline once the service worker cached it."""
    html = render_template("handheld/app.html", version=shell_version(), catalogue=shell_catalogue(),
                           messages=MESSAGES)
    return html, 200, NO_CACHE


@bp.route("/app/take", methods=["GET", "POST"])
@allow(roles.PICK)
def take():
    """A desk user who may pick opens this browser's handheld app as themself, with no second login: the
    handheld's token travels in the URL's fragment (never sent to a server), which the app reads and clears."""
    if request.method == "GET":
        return render_template("handheld/take.html")
    token, device = auth_services.take_handheld(current_user, request.form.get("device"))
    return redirect(url_for("handheld.app") + "#" + urlencode({"token": token, "device": device}))


def manifest_body():
    """The manifest's fields (also hashed into the shell version: the service worker caches it)."""
    def icon(name, size, purpose="any"):
        return {"src": f"{current_app.static_url_path}/handheld/icons/{name}", "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    return {"name": "WMS Handheld 拣货", "short_name": "WMS 拣货", "id": "/app", "start_url": "/app",
            "scope": "/", "display": "standalone", "orientation": "portrait",
            "background_color": "#000000", "theme_color": "#000000",
            "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512),
                      icon("maskable-512.png", 512, "maskable")]}


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest: installable, standalone, portrait, icons incl. maskable."""
    response = current_app.response_class(json.dumps(manifest_body(), ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers.update(NO_CACHE)
    return response


@bp.get("/service-worker.js")
@public
def service_worker():
    """The service worker from the repository root with its shell version written in, allowed to
    control the whole origin, never cached."""
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    response = current_app.response_class(shell.render_worker(source, shell_version()), mimetype="text/javascript")
    response.headers.update({**NO_CACHE, "Service-Worker-Allowed": "/"})
    return response


@bp.get("/favicon.ico")
@public
def favicon():
    """The site icon (static/favicon.ico, the handheld's icon at 16, 32 and 48 px), cached for a day."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)
