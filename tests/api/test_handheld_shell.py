"""The PWA shell: public, installable, its service worker at the root scope, every cached file there,
and every handheld message and UI string translated to zh_CN."""
import json
import re
from pathlib import Path

from wms.handheld.pages import SERVICE_WORKER, shell_version
from wms.picking.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
PICK_CODES = {"picked", "line_done", "task_done", "wrong_bin", "wrong_sku", "too_many", "bad_qty", "line_closed",
              "task_not_yours", "task_closed", "order_cancelled", "order_on_hold", "short_recorded", "short_too_many",
              "unknown_line", "unknown_event", "bad_event"}
FLOOR = json.loads((ROOT / "wms/translations/zh_CN/floor.json").read_text(encoding="utf-8"))


def test_the_app_shell_loads_without_a_session_and_is_never_stale(client):
    response = client.get("/app")
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert 'inputmode="none"' in html and "/manifest.webmanifest" in html
    assert shell_version() in html


def test_the_service_worker_is_served_for_the_root_scope_without_caching(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    assert response.mimetype == "text/javascript"


def test_the_manifest_makes_the_app_installable(client):
    manifest = client.get("/manifest.webmanifest").json
    assert manifest["start_url"] == "/app" and manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_file_the_service_worker_precaches_exists(client):
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    shell = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    urls = re.findall(r'"([^"]+)"', shell)
    assert "/app" in urls and "/static/handheld/app.js" in urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    modules = {f"/static/handheld/{p.name}" for p in (ROOT / "static/handheld").glob("*.js")}
    assert modules <= set(urls), "a handheld module is missing from the offline shell"


def test_every_scanner_message_has_a_chinese_translation_with_the_same_placeholders(app):
    """Pick messages ship inside the handheld page (floor.json); messages other features register
    (the pack station's) come from the merged catalogue."""
    from wms.i18n import catalogue_for_client

    merged = catalogue_for_client("zh_CN")
    for code, template in MESSAGES.items():
        catalogue = FLOOR if code in PICK_CODES else merged
        assert template in catalogue, template
        assert set(re.findall(r"\{\w+\}", catalogue[template])) == set(re.findall(r"\{\w+\}", template)), template


def test_every_handheld_ui_string_has_a_chinese_translation():
    html = (ROOT / "templates/handheld/app.html").read_text(encoding="utf-8")
    texts = set(re.findall(r'data-i18n(?:-label)?="([^"{]+)"', html))
    texts |= {"empty bin", "damaged", "wrong item in bin", "other"}
    for path in (ROOT / "static/handheld").glob("*.js"):
        texts |= set(re.findall(r'\bt\("([^"]+)"', path.read_text(encoding="utf-8")))
    texts -= {""}
    missing = sorted(text for text in texts if text not in FLOOR)
    assert not missing
