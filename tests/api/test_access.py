"""Every route declares who may call it, and the declaration is what the server enforces.

Generic: derived from `app.url_map` and each view's `wms_roles` / `wms_public`, so routes other
engineers add are covered without editing this file. A hand-written table pins the role sets of
the important endpoints so that a wrong declaration is caught too.
"""
import pytest
from werkzeug.routing import IntegerConverter

from tests.builders import make_channel, make_order, make_sku
from tests.builders_admin import log_in_as, log_out, make_device, make_job, make_users, unchanged
from tests.builders_catalog import make_sku_import
from wms.auth import roles
from wms.auth.services import create_api_token

HUMANS = roles.HUMAN_ROLES
# Routes outside our control: Flask's static files and flask-smorest's OpenAPI document.
UNDECLARED_OK = {"static", "api-docs.openapi_json"}

# The role sets that matter; an endpoint missing from the app (not built yet) is skipped.
EXPECTED = {
    "admin.users": {"admin"},
    "admin.create_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.reset_password": {"admin"},
    "admin.reset_pin": {"admin"},
    "admin.unlock_user": {"admin"},
    "admin.rotate_badge": {"admin"},
    "admin.set_active": {"admin"},
    "admin.roles": {"admin"},
    "admin.badges": {"admin"},
    "admin.badges_pdf": {"admin"},
    "admin.devices": {"admin"},
    "admin.update_device": {"admin"},
    "admin.tokens": {"admin"},
    "admin.revoke_token": {"admin"},
    "admin.channels": {"admin"},
    "admin.edit_channel": {"admin"},
    "admin.jobs": {"admin", "supervisor"},
    "admin.retry_job": {"admin", "supervisor"},
    "catalog.skus": {"admin"},
    "catalog.new_sku": {"admin"},
    "catalog.edit_sku": {"admin"},
    "catalog.import_skus": {"admin"},
    "catalog.import_report": {"admin"},
    "catalog.image": set(HUMANS),
    "auth.logout": set(HUMANS),
    "auth.set_locale": set(HUMANS),
    "auth_api.me": set(HUMANS),
    "auth.login": "public",
    "auth_api.handheld_login": "public",
    "health.healthz": "public",
    # the nav in base.html shows these to exactly these roles
    "review.queue": {"admin", "supervisor", "reviewer"},
    "imports.index": {"admin", "supervisor", "reviewer"},
    "finance.desk": {"admin", "supervisor", "finance"},
    "finance_api.decide": {"admin", "supervisor", "finance"},
    "finance.channel_setting": {"admin"},
}


@pytest.fixture
def people(app):
    return {role: make_users(role, 1, prefix=f"acc-{role}")[0] for role in HUMANS}


@pytest.fixture
def ids(app, people):
    """Ids of real rows for URL parameters, by parameter name."""
    sku = make_sku()
    channel = make_channel()
    order = make_order(channel=channel)
    token, _plain = create_api_token("shop sync")
    return {"user_id": people["picker"].id, "sku_id": sku.id, "channel_id": channel.id, "order_id": order.id,
            "device_id": make_device().id, "token_id": token.id, "job_id": make_job().id, "id": order.id,
            "import_id": make_sku_import().id}


def _rules(app, method):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint not in UNDECLARED_OK:
            yield rule, app.view_functions[rule.endpoint]


def _url(rule, ids, known_only):
    """The rule's URL with known ids filled in; None when a parameter is unknown and known_only."""
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        elif known_only:
            return None
        else:
            values[name] = 999999 if isinstance(rule._converters[name], IntegerConverter) else "x"
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:
        return None


def _refused_anonymously(response, url):
    if url.startswith("/api/"):
        return response.status_code == 401
    return response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", "")


def test_every_route_is_either_public_or_declares_its_roles(app):
    undeclared = sorted({rule.rule for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
                         for rule, view in _rules(app, method)
                         if not getattr(view, "wms_public", False) and not getattr(view, "wms_roles", None)})
    assert undeclared == []


def test_important_endpoints_declare_the_expected_roles(app):
    wrong = {}
    for endpoint, expected in EXPECTED.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        declared = "public" if getattr(view, "wms_public", False) else set(getattr(view, "wms_roles", ())) & set(HUMANS)
        if declared != expected:
            wrong[endpoint] = declared
    assert wrong == {}


def test_every_get_route_answers_each_role_as_declared(app, client, people, ids):
    problems = []
    for rule, view in _rules(app, "GET"):
        if getattr(view, "wms_public", False):
            continue
        allowed = set(view.wms_roles)
        url_known = _url(rule, ids, known_only=True)
        url = url_known or _url(rule, ids, known_only=False)
        if url is None:
            continue
        log_out(client)
        response = client.get(url)
        if not _refused_anonymously(response, url):
            problems.append((url, "anonymous", response.status_code))
        for role, person in people.items():
            log_in_as(client, person)
            status = client.get(url).status_code
            if role not in allowed and status != 403:
                problems.append((url, role, status, "should be 403"))
            elif role in allowed and url_known and status == 403:
                problems.append((url, role, status, "should be allowed"))
    log_out(client)
    assert problems == []


def test_my_pages_render_for_every_role_they_allow(app, client, people, ids):
    problems = []
    for rule, view in _rules(app, "GET"):
        if not rule.endpoint.startswith(("admin.", "catalog.")) or rule.endpoint in ("catalog.image", "catalog.import_report"):
            continue
        url = _url(rule, ids, known_only=True)
        for role in view.wms_roles & set(HUMANS):
            log_in_as(client, people[role])
            status = client.get(url).status_code
            if status != 200:
                problems.append((url, role, status))
    assert problems == []


def test_anonymous_and_wrong_role_posts_are_refused_before_anything_changes(app, client, people, ids):
    problems = []
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for rule, view in _rules(app, method):
            if getattr(view, "wms_public", False):
                continue
            url = _url(rule, ids, known_only=False)
            if url is None:
                continue
            outsiders = [role for role in HUMANS if role not in view.wms_roles]
            with unchanged():
                log_out(client)
                response = client.open(url, method=method, data={"name": "x", "role": "admin", "active": "0"})
                if not _refused_anonymously(response, url) and not (response.status_code == 401):
                    problems.append((method, url, "anonymous", response.status_code))
                for role in outsiders:
                    log_in_as(client, people[role])
                    status = client.open(url, method=method, data={"name": "x", "role": "admin", "active": "0"}).status_code
                    if status != 403:
                        problems.append((method, url, role, status))
    log_out(client)
    assert problems == []


def test_an_integration_token_reaches_only_what_its_role_allows(app, client):
    _token, plain = create_api_token("shop sync")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    assert client.get("/admin/users", headers=headers).status_code == 403
