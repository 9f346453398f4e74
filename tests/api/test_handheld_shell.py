"""The PWA shell: public, installable, its service worker at the root scope, every file the app loads
in its cache list, a cache version that follows the files' content, and every handheld message and
UI string translated to zh_CN."""
import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest

from wms.handheld import shell
from wms.auth.sessions import REASONS
from wms.handheld.pages import SERVICE_WORKER, shell_version
from wms.picking.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
PICK_CODES = {"picked", "line_done", "task_done", "wrong_bin", "wrong_sku", "too_many", "bad_qty", "line_closed",
              "task_not_yours", "task_closed", "order_cancelled", "order_on_hold", "short_recorded", "short_too_many",
              "unknown_line", "unknown_event", "bad_event"}
FLOOR = json.loads((ROOT / "wms/translations/zh_CN/floor.json").read_text(encoding="utf-8"))
# import x from "..."; import "..."; export {x} from "..."; import("...")
MODULE_IMPORT = re.compile(r"""\b(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']"""
                           r"""|\bimport\(\s*["']([^"']+)["']\s*\)""")
STATIC_LITERAL = re.compile(r"""["'](/static/[^"']+)["']""")  # files a module fetches itself (the wasm)
PAGE_ASSET = re.compile(r"""url_for\('static', filename='([^']+)'\)""")
VERSION_LINE = re.compile(r'const VERSION = "(wms-shell-[0-9a-f]{16})";')


def shell_list():
    return shell.shell_urls(SERVICE_WORKER.read_text(encoding="utf-8"))


def files_loaded_from(template, root=ROOT):
    """Every /static URL a page loads: its tags, then the JS modules they import, recursively, and the
    files those modules name (the barcode ponyfill, the wasm)."""
    html = (root / "templates" / template).read_text(encoding="utf-8")
    found = {f"/static/{name}" for name in PAGE_ASSET.findall(html)}
    waiting = [url for url in found if url.endswith(".js")]
    while waiting:
        url = waiting.pop()
        source = (root / url.lstrip("/")).read_text(encoding="utf-8")
        named = [a or b for a, b in MODULE_IMPORT.findall(source)] + STATIC_LITERAL.findall(source)
        for spec in named:
            assert spec.startswith(("/", "./", "../")), f"{url} imports a bare specifier {spec}: vendor it"
            target = spec if spec.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(url), spec))
            if target not in found:
                found.add(target)
                if target.endswith(".js"):
                    waiting.append(target)
    return found


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
    urls = shell_list()
    assert "/app" in urls and "/static/handheld/app.js" in urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_every_file_the_handheld_loads_is_in_the_offline_shell():
    loaded = files_loaded_from("handheld/app.html")
    assert {"/static/handheld/app.js", "/static/handheld/outbox.js", "/static/js/api.js",
            "/static/vendor/zxing_reader-3.1.3.wasm"} <= loaded  # the walk follows imports and named files
    missing = sorted(loaded - set(shell_list()))
    assert not missing, f"the handheld loads these but the service worker does not cache them: {missing}"


def test_the_import_walk_follows_every_import_form_down_the_tree(tmp_path):
    files = {
        "templates/page.html": "<script type=module src=\"{{ url_for('static', filename='a/main.js') }}\"></script>",
        "static/a/main.js": 'import * as b from "./b.js";\nimport { c } from "../c/c.js";\n',
        "static/a/b.js": '// imported by main.js\nimport "/static/d/side.js";\nconst W = "/static/v/x.wasm";\n',
        "static/c/c.js": 'export { e } from "./e.js";\nconst f = () => import("./f.js");\n',
        "static/c/e.js": "export const e = 1;\n", "static/c/f.js": "", "static/d/side.js": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert files_loaded_from("page.html", root=tmp_path) == {
        "/static/a/main.js", "/static/a/b.js", "/static/c/c.js", "/static/c/e.js", "/static/c/f.js",
        "/static/d/side.js", "/static/v/x.wasm"}


def test_the_served_worker_carries_the_version_the_app_page_shows(client):
    served = client.get("/service-worker.js").get_data(as_text=True)
    version = VERSION_LINE.search(served).group(1)
    assert 'const VERSION = "wms-shell-dev";' in SERVICE_WORKER.read_text(encoding="utf-8")  # written when served
    assert f'<meta name="wms-shell-version" content="{version}">' in client.get("/app").get_data(as_text=True)
    assert version == shell_version()
    assert VERSION_LINE.search(client.get("/service-worker.js").get_data(as_text=True)).group(1) == version


@pytest.fixture
def shell_copy(app, tmp_path):
    """The shell's static files copied to a static folder of this test's own, served by the app."""
    static = tmp_path / "static"
    for url in shell_list():
        if url.startswith("/static/"):
            target = static / url[len("/static/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / url.lstrip("/"), target)
    (static / "dashboard").mkdir()
    (static / "dashboard" / "wall.js").write_text("// not in the shell\n", encoding="utf-8")
    app.static_folder = str(static)
    return static


def served_version(client):
    return VERSION_LINE.search(client.get("/service-worker.js").get_data(as_text=True)).group(1)


def test_a_changed_shell_file_changes_the_served_version_and_nothing_else_does(client, shell_copy):
    before = served_version(client)
    (shell_copy / "dashboard" / "wall.js").write_text("// changed, still not in the shell\n", encoding="utf-8")
    assert served_version(client) == before
    outbox = shell_copy / "handheld" / "outbox.js"
    outbox.write_text(outbox.read_text(encoding="utf-8") + "// one more line\n", encoding="utf-8")
    changed = served_version(client)
    assert changed != before
    assert served_version(client) == changed  # stable while nothing changes


def test_a_changed_wasm_or_icon_changes_the_served_version(client, shell_copy):
    before = served_version(client)
    (shell_copy / "handheld" / "icons" / "icon-192.png").write_bytes(b"\x89PNG not really")
    assert served_version(client) != before


def test_the_version_covers_the_pages_the_server_renders_and_the_worker_itself():
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    pages = {"/app": b"<html>", "/manifest.webmanifest": b"{}"}
    base = shell.shell_version(source, ROOT / "static", pages)
    assert shell.shell_version(source, ROOT / "static", {**pages, "/app": b"<html lang=zh>"}) != base
    assert shell.shell_version(source, ROOT / "static", {**pages, "/manifest.webmanifest": b"{ }"}) != base
    assert shell.shell_version(source + "\n// a fetch rule changed\n", ROOT / "static", pages) != base
    assert shell.shell_version(source, ROOT / "static", dict(pages)) == base


def test_a_worker_without_its_lists_or_with_an_unknown_entry_is_a_clear_error():
    with pytest.raises(ValueError, match="no `const SHELL"):
        shell.shell_urls("const VERSION = \"x\";")
    with pytest.raises(ValueError, match="no `const VERSION"):
        shell.render_worker("const SHELL = [];", "wms-shell-1")
    with pytest.raises(ValueError, match="/somewhere"):
        shell.shell_version('const SHELL = [\n  "/somewhere",\n];', ROOT / "static", {})


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
        source = path.read_text(encoding="utf-8")
        texts |= set(re.findall(r'\bt\("([^"]+)"', source))
        texts |= set(re.findall(r'\bnotice\([^()]*?,\s*"([^"]+)"\)', source))  # a notice's title, translated inside
    texts -= {""}
    missing = sorted(text for text in texts if text not in FLOOR)
    assert not missing


def test_the_shell_says_in_chinese_why_a_login_ended_before_any_bootstrap(client):
    # the session.revoked push (or a refused call) can come before the first bootstrap brings the server's
    # catalogue: a picker logged in and deactivated a second later read the reason in English
    html = client.get("/app").get_data(as_text=True)
    shipped = json.loads(re.search(r'<script id="floor-catalogue" type="application/json">(.*?)</script>', html,
                                   re.S).group(1))
    assert shipped["Your account was deactivated by an admin"] == "你的账号已被管理员停用"
    missing = sorted(text for text in REASONS.values() if not shipped.get(text))
    assert not missing
    assert FLOOR.items() <= shipped.items()
