"""Hardening that every route gets without asking: security headers, ids past the database's range,
the Origin of cookie-authenticated API writes, and CSRF decided by the kind of credential."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from config.settings import ROOT
from tests.builders import make_channel, make_order, make_user
from tests.builders_admin import log_in_as, log_out, unchanged
from wms.errors import NotFound
from wms.orders.models import Order
from wms.rows import get_or_not_found

def _csp(response):
    return dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))


def _assert_page_headers(response, where):
    csp = _csp(response)
    assert csp["frame-ancestors"] == "'none'", where
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], where
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'", where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer"), where


def test_every_page_and_api_answer_carries_the_security_headers(app, client):
    log_in_as(client, make_user(role="admin", username="hdr-admin"))
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        response = client.get(rule.rule)
        if response.mimetype == "application/pdf":
            continue
        _assert_page_headers(response, rule.rule)
        walked += 1
    assert walked > 30
    _assert_page_headers(client.get("/no-such-page"), "404 page")
    log_out(client)
    _assert_page_headers(client.get("/login"), "login")
    _assert_page_headers(client.get("/app"), "handheld shell")


def test_the_policy_lets_socket_io_reach_the_same_host_and_nothing_else(client):
    csp = _csp(client.get("/login", headers={"Host": "wms.example:8443"}))
    assert csp["connect-src"].split() == ["'self'", "ws://wms.example:8443", "wss://wms.example:8443",
                                          # the packing PC's own print component, on the loopback only
                                          "ws://127.0.0.1:*", "wss://127.0.0.1:*", "ws://localhost:*", "wss://localhost:*"]
    assert csp["script-src"].split() == ["'self'", "'wasm-unsafe-eval'"]


def test_a_pdf_may_be_framed_by_the_site_itself_for_printing_and_by_no_one_else(client):
    admin = make_user(role="admin", username="hdr-pdf")
    log_in_as(client, admin)
    response = client.get(f"/admin/badges.pdf?user={admin.id}")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def test_no_template_runs_inline_script_or_inline_event_handlers():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        offenders += [(path.name, m.group(0)) for m in INLINE_SCRIPT.finditer(text)]
        offenders += [(path.name, m.group(0)[:60]) for m in INLINE_HANDLER.finditer(text)]
    assert offenders == []


# --- ids out of range ----------------------------------------------------------------------------

def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("huge", [2**63, 2**31])
def test_an_id_past_the_database_range_is_404_on_every_route_that_takes_one(app, client, huge):
    log_in_as(client, make_user(role="admin", username="ids-admin"))
    answers, walked = {}, 0
    for rule, ints in _int_rules(app):
        values = {name: huge if name in ints else _any_value(conv) for name, conv in rule._converters.items()}
        url = _path(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            walked += 1
            with unchanged():
                status = client.open(url, method=method).status_code
            if status != 404:
                answers[(method, url)] = status
    assert walked > 40
    assert answers == {}


def _any_value(converter):
    regex = getattr(converter, "regex", "")
    if regex.startswith("(?:"):  # any(a, b): the first choice
        return regex[3:-1].split("|")[0].replace("\\", "")
    return "x"


def _path(rule, values):
    """Fill the rule by hand: werkzeug would refuse to build an out-of-range id."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_a_negative_id_matches_no_route(client):
    log_in_as(client, make_user(role="admin", username="neg-admin"))
    assert client.get("/api/review/orders/-1").status_code == 404


@pytest.mark.parametrize("ident", [2**31, 2**63, -1])
def test_get_or_not_found_answers_not_found_for_an_id_no_row_can_have(app, ident):
    with pytest.raises(NotFound, match="no such order"):
        get_or_not_found(Order, ident, "no such order")


def test_an_id_at_the_top_of_the_range_is_still_looked_up(app, client):
    log_in_as(client, make_user(role="admin", username="top-admin"))
    assert client.get(f"/api/review/orders/{2**31 - 1}").status_code == 404  # a real lookup: no such order
    order = make_order(channel=make_channel())
    assert client.get(f"/api/review/orders/{order.id}").status_code == 200


# --- Origin check and CSRF by the kind of credential -------------------------------------------------

@pytest.fixture
def defended(app):
    """Cross-site request defences on (TestConfig has them off, like CSRF)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _csrf_token(client):
    page = client.get("/review/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_a_cookie_authenticated_api_write_without_origin_is_refused_and_changes_nothing(defended, client):
    log_in_as(client, make_user(role="reviewer", username="org-rev"))
    order = make_order(channel=make_channel())
    token = _csrf_token(client)
    with unchanged():
        response = client.post(f"/api/review/orders/{order.id}/hold", json={"reason": "x", "expected_version": 1},
                               headers={"X-CSRFToken": token})
    assert response.status_code == 403
    assert response.json["error"] == "forbidden" and "Origin" in response.json["message"]


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.example"])
def test_a_cookie_authenticated_api_write_from_a_foreign_origin_is_refused(defended, client, origin):
    log_in_as(client, make_user(role="reviewer", username="org-rev2"))
    order = make_order(channel=make_channel())
    token = _csrf_token(client)
    with unchanged():
        response = client.post(f"/api/review/orders/{order.id}/hold", json={"reason": "x", "expected_version": 1},
                               headers={"X-CSRFToken": token, "Origin": origin})
    assert response.status_code == 403 and response.json["error"] == "forbidden"


def test_a_cookie_authenticated_api_write_from_this_site_goes_through(defended, client):
    log_in_as(client, make_user(role="reviewer", username="org-rev3"))
    order = make_order(channel=make_channel())
    token = _csrf_token(client)
    response = client.post(f"/api/review/orders/{order.id}/hold", json={"reason": "check address", "expected_version": 1},
                           headers={"X-CSRFToken": token, "Origin": "http://localhost"})
    assert response.status_code == 200, response.json
    referer_only = client.post(f"/api/review/orders/{order.id}/release", json={"expected_version": 2},
                               headers={"X-CSRFToken": token, "Referer": "http://localhost/review"})
    assert referer_only.status_code == 200, referer_only.json


def test_a_same_site_api_write_still_needs_its_csrf_token(defended, client):
    log_in_as(client, make_user(role="reviewer", username="org-rev4"))
    order = make_order(channel=make_channel())
    with unchanged():
        response = client.post(f"/api/review/orders/{order.id}/hold", json={"reason": "x", "expected_version": 1},
                               headers={"Origin": "http://localhost"})
    assert response.status_code == 400


def _handheld_token(client, user):
    response = client.post("/api/auth/handheld", json={"username": user.username, "pin": "482915",
                                                        "device": "HH-SEC"})
    assert response.status_code == 200, response.json
    return response.json["token"]


def test_bearer_token_writes_to_the_review_api_need_neither_origin_nor_csrf_token(defended, app, client):
    reviewer = make_user(role="reviewer", username="brr-rev")
    order = make_order(channel=make_channel())
    token = _handheld_token(client, reviewer)
    response = app.test_client().post(f"/api/review/orders/{order.id}/hold", json={"reason": "check address", "expected_version": 1},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json


def test_bearer_token_writes_to_the_channel_api_need_no_csrf_token(defended, app, client):
    supervisor = make_user(role="supervisor", username="brr-sup")
    channel = make_channel(code="shop-a")
    token = _handheld_token(client, supervisor)
    response = app.test_client().post(f"/api/channels/{channel.id}/sync", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code not in (400, 403), response.json


def test_a_page_form_without_csrf_token_is_still_refused(defended, client):
    log_in_as(client, make_user(role="admin", username="frm-admin"))
    with unchanged():
        response = client.post("/me/locale", data={"locale": "en"}, headers={"Origin": "http://localhost"})
    assert response.status_code == 400


def test_an_api_call_with_no_cookie_and_no_token_is_told_to_log_in_not_about_csrf(defended, app):
    fresh = app.test_client()
    response = fresh.post("/api/review/bulk-approve", json={"order_ids": [1]})
    assert response.status_code == 401


@pytest.mark.parametrize("url", ["/catalog/skus?page={n}", "/review/?page={n}", "/review/?channel={n}",
                                 "/api/review/queue?page={n}", "/channels/sku-mappings?channel_id={n}",
                                 "/waves/?warehouse={n}"])
def test_a_number_past_the_database_range_in_a_query_string_is_not_a_server_error(client, url):
    log_in_as(client, make_user(role="admin", username="qs-admin"))
    for n in (2**63, 2**31, 10**30):
        with unchanged():
            response = client.get(url.format(n=n))
        assert response.status_code in (200, 404, 422), (url, n, response.status_code)


def test_the_waves_page_of_an_unknown_warehouse_is_404_and_writes_nothing(client):
    log_in_as(client, make_user(role="admin", username="wh-admin"))
    with unchanged():
        assert client.get("/waves/?warehouse=4242").status_code == 404


def test_no_api_view_needs_a_csrf_exemption_of_its_own_for_bearer_tokens(defended, app, client):
    picker = make_user(role="picker", username="brr-pick")
    token = _handheld_token(client, picker)
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().post("/api/handheld/events", json={"events": []}, headers=headers).status_code == 200
    assert app.test_client().get("/api/inventory/count-tasks", headers=headers).status_code == 200
