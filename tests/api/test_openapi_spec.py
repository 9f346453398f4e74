"""The OpenAPI document covers the whole JSON API, says how to authenticate, and its one error shape
(ApiError) is what every error under /api/ really answers."""
import re

import jsonschema_rs
import pytest

from tests.builders import make_channel, make_user
from tests.builders_review import make_held_order

# Rules under /api/ that are not API operations, each with why.
NOT_IN_SPEC = {
    "/api/docs/openapi.json",  # the document itself (flask-smorest serves it)
}
NEVER_REFUSES = {("post", "/api/auth/logout")}  # answers logged_out whatever the token (only `default` applies)
OPEN_TO_ANYONE = {  # operations that take no credential (each checks what it must itself)
    ("post", "/api/auth/handheld"), ("post", "/api/auth/logout"),
    ("post", "/api/carriers/{code}/webhook"), ("post", "/api/channels/{code}/taobao/push"),
}


@pytest.fixture
def spec(client):
    return client.get("/api/docs/openapi.json").get_json()


def _openapi_path(rule):
    """/api/review/orders/<int:order_id>/<any(approve, hold):action> -> /api/review/orders/{order_id}/{action}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>:]+)>", r"{\1}", re.sub(r"<any\([^)]*\):", "<", rule))


def test_every_api_route_and_method_is_in_the_spec(app, spec):
    routes = {(method.lower(), _openapi_path(rule.rule)) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") and rule.rule not in NOT_IN_SPEC
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(method, path) for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    assert routes, "no /api/ routes found"
    assert routes - documented == set()
    assert documented - routes == set()


def test_every_operation_documents_its_success_body_and_its_errors_as_api_errors(spec):
    problems = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            if not success or "schema" not in responses[success[0]]["content"]["application/json"]:
                problems.append((method, path, "no documented success body"))
            errors = {code: answer for code, answer in responses.items() if code[0] in "45"}
            if responses.get("default") != {"$ref": "#/components/responses/DEFAULT_ERROR"} or not (
                    errors or (method, path) in NEVER_REFUSES):
                problems.append((method, path, "no default error or no listed error status"))
            for code, answer in errors.items():
                if "$ref" in answer:  # a shared response (flask-smorest's 422 for a request that fails its schema)
                    answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
                if answer["content"]["application/json"]["schema"] != {"$ref": "#/components/schemas/ApiError"}:
                    problems.append((method, path, code, "not an ApiError"))
    assert problems == []
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"]
    assert default == {"$ref": "#/components/schemas/ApiError"}


def test_the_spec_says_how_to_authenticate_and_which_operations_need_nothing(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert (schemes["sessionCookie"]["type"], schemes["sessionCookie"]["in"]) == ("apiKey", "cookie")
    assert (schemes["wallKey"]["in"], schemes["wallKey"]["name"]) == ("header", "X-Wall-Key")
    assert spec["security"] == [{"sessionCookie": []}, {"bearerAuth": []}]
    public = {(method, path) for path, item in spec["paths"].items() for method, operation in item.items()
              if method != "parameters" and operation.get("security") == []}
    assert public - {("post", "/api/auth/logout")} == OPEN_TO_ANYONE - {("post", "/api/auth/logout")}
    assert {"wallKey": []} in spec["paths"]["/api/wall/snapshot"]["get"]["security"]


# --- the error shape ------------------------------------------------------------------------------

@pytest.fixture
def api_error(spec):
    """A validator of the spec's ApiError (OpenAPI 3.0's schema object is JSON Schema here)."""
    return jsonschema_rs.validator_for(spec["components"]["schemas"]["ApiError"])


def _refused(response, status, error, api_error):
    body = response.get_json()
    assert response.status_code == status, body
    assert api_error.is_valid(body), list(api_error.iter_errors(body))
    assert body["error"] == error and body["message"]
    return body


def test_every_kind_of_error_answers_the_documented_api_error(app, client, login, api_error):
    _refused(client.get("/api/auth/me"), 401, "unauthenticated", api_error)
    login("picker")
    _refused(client.get("/api/review/queue"), 403, "forbidden", api_error)
    login("admin")
    missing = _refused(client.get("/api/review/orders/424242"), 404, "not_found", api_error)
    assert missing["order_id"] == 424242  # a domain error's details travel along
    _refused(client.get("/api/no/such/thing"), 404, "http_404", api_error)
    _refused(client.get("/api/review/orders/99999999999"), 404, "http_404", api_error)  # past any id
    _refused(client.post("/api/review/bulk-approve", json={"order_ids": [2**64]}), 404, "not_found", api_error)
    _refused(client.put("/api/review/queue"), 405, "http_405", api_error)
    _refused(client.post("/api/review/bulk-approve", data="{", content_type="application/json"), 400, "http_400",
             api_error)
    _refused(client.post("/api/wall/tasks/1/assign", json={"picker_id": "x"}), 422, "validation_failed", api_error)
    _refused(client.post("/api/handheld/events", data=b"[" * (3 * 1024 * 1024), content_type="application/json"),
             413, "http_413", api_error)


def test_a_request_that_fails_its_schema_names_the_field_and_lists_every_problem(client, login, api_error):
    login("admin")
    body = _refused(client.post("/api/review/orders/1/approve", json={"reason": 5}), 422, "validation_failed",
                    api_error)
    assert body["field"] in ("expected_version", "reason") and body["message"].startswith(body["field"] + ": ")
    assert set(body["errors"]["json"]) == {"expected_version", "reason"}
    query = _refused(client.get("/api/review/queue?page=0"), 422, "validation_failed", api_error)
    assert (query["field"], list(query["errors"])) == ("page", ["query"])


def test_a_stale_version_and_a_lockout_answer_the_api_error(app, client, login, api_error):
    login("admin")
    held = make_held_order("H-1")
    stale = client.post(f"/api/review/orders/{held.id}/approve", json={"expected_version": held.version + 5,
                                                                      "reason": "ok"})
    _refused(stale, 409, "concurrent_update", api_error)
    make_user("picker", "pia")
    for _attempt in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        client.post("/api/auth/handheld", json={"username": "pia", "pin": "000000", "device": "HH-1"})
    locked = _refused(client.post("/api/auth/handheld", json={"username": "pia", "pin": "482915", "device": "HH-1"}),
                      429, "locked_out", api_error)
    assert locked["retry_after_min"] >= 1


def test_an_unexpected_failure_is_a_500_in_the_api_error_shape(app, client, login, api_error, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers, nothing re-raised
    login("admin")

    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr("wms.packing.services.pack_queue", broken)
    _refused(client.get("/api/station/queue"), 500, "http_500", api_error)


def test_a_webhook_refusal_answers_the_api_error(client, api_error):
    make_channel("tmall", platform="taobao", settings={"app_key": "k", "app_secret": "s"})
    _refused(client.post("/api/channels/tmall/taobao/push", data={"topic": "x", "sign": "00"}), 401, "push_refused",
             api_error)
    _refused(client.post("/api/carriers/NOPE/webhook", data={"param": "{}", "sign": "00"}), 404, "not_found",
             api_error)
