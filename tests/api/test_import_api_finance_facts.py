"""The order API takes finance review's facts: `cash_on_delivery`, `invoice_requested` and a line's
`list_price_cents`, documented in the OpenAPI spec; a word for a boolean is refused, nothing written."""
import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_sku
from tests.builders_imports import no_review, record  # noqa: F401
from wms.auth.services import create_api_token
from wms.extensions import db
from wms.orders.models import Order

pytestmark = pytest.mark.usefixtures("no_review")


def bearer():
    _token, plain = create_api_token("shop-push", role="integration")
    return {"Authorization": f"Bearer {plain}"}


def cod_record(external_id, **fields):
    made = record(external_id, **fields)
    made["lines"] = [{"sku_code": "SKU-1", "qty": 1, "unit_price_cents": 3300, "list_price_cents": 9900}]
    return made


def test_the_batch_api_stores_the_flags_and_the_list_price(app, client):
    make_channel("web")
    make_sku("SKU-1")
    body = {"channel": "web", "orders": [cod_record("F1", cash_on_delivery=True, invoice_requested=True),
                                         record("F2")]}
    response = client.post("/api/orders/batch", json=body, headers=bearer())
    assert response.status_code == 200 and response.json["created"] == 2
    orders = {o.external_id: o for o in db.session.scalars(select(Order)).all()}
    assert (orders["F1"].cash_on_delivery, orders["F1"].invoice_requested) == (True, True)
    assert orders["F1"].lines[0].list_price_cents == 9900
    assert (orders["F2"].cash_on_delivery, orders["F2"].invoice_requested) == (False, False)
    assert orders["F2"].lines[0].list_price_cents is None


def test_a_word_for_a_boolean_is_refused_with_its_field_and_nothing_is_written(app, client):
    make_channel("web")
    make_sku("SKU-1")
    body = {"channel": "web", "orders": [record("W1", cash_on_delivery="yes"), record("W2", invoice_requested=1)]}
    response = client.post("/api/orders/batch", json=body, headers=bearer())
    assert response.status_code == 200 and response.json["failed"] == 2
    errors = [r["errors"] for r in response.json["results"]]
    assert errors == [[{"field": "cash_on_delivery", "reason": "Not a valid boolean."}],
                      [{"field": "invoice_requested", "reason": "Not a valid boolean."}]]
    assert db.session.scalar(select(Order)) is None


def test_the_openapi_spec_documents_the_three_fields(app, client):
    spec = client.get("/api/docs/openapi.json").json
    schemas = spec["components"]["schemas"]
    order = next(s for name, s in schemas.items() if name.startswith("OrderRecord"))
    line = next(s for name, s in schemas.items() if name.startswith("Line"))
    assert order["properties"]["cash_on_delivery"]["type"] == "boolean"
    assert order["properties"]["invoice_requested"]["type"] == "boolean"
    assert "integer" in str(line["properties"]["list_price_cents"]["type"])
