"""API tokens are bound to the channels and scopes they were made for, and may expire."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_sku
from tests.builders_admin import log_in_as, make_users
from tests.builders_imports import no_review, record  # noqa: F401
from wms.admin import tokens as admin_tokens
from wms.auth import roles
from wms.auth.models import ApiToken
from wms.auth.services import create_api_token
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Order

pytestmark = pytest.mark.usefixtures("no_review")


def _bearer(plain):
    return {"Authorization": f"Bearer {plain}"}


def _orders():
    return db.session.scalar(select(func.count(Order.id)))


def test_a_token_named_for_one_shop_may_not_create_orders_in_another(app, client):
    make_channel("shop-a")
    make_channel("shop-b")
    make_sku("SKU-1")
    _token, plain = create_api_token("shop A push", channels=["shop-a"])
    refused = client.post("/api/orders/batch", json={"channel": "shop-b", "orders": [record("B1")]},
                          headers=_bearer(plain))
    assert refused.status_code == 403
    assert "shop-b" in refused.json["message"]
    assert _orders() == 0
    allowed = client.post("/api/orders/batch", json={"channel": "shop-a", "orders": [record("A1")]},
                          headers=_bearer(plain))
    assert allowed.status_code == 200 and allowed.json["created"] == 1


def test_a_token_without_the_import_scope_may_not_import(app, client):
    make_channel("shop-a")
    make_sku("SKU-1")
    _token, plain = create_api_token("images only", scopes=[roles.CATALOG_READ])
    refused = client.post("/api/orders/batch", json={"channel": "shop-a", "orders": [record("A1")]},
                          headers=_bearer(plain))
    assert refused.status_code == 403
    assert _orders() == 0


def test_an_unbound_token_and_a_person_may_import_into_any_channel(app, client):
    make_channel("shop-a")
    make_sku("SKU-1")
    _token, plain = create_api_token("legacy")
    assert client.post("/api/orders/batch", json={"channel": "shop-a", "orders": [record("A1")]},
                       headers=_bearer(plain)).status_code == 200


def test_the_admin_creates_a_bound_expiring_token_and_sees_its_limits(app, client):
    make_channel("shop-a", name="Shop A")
    make_channel("shop-b")
    log_in_as(client, make_users("admin", 1)[0])
    response = client.post("/admin/tokens", data={"name": "A push", "role": "integration", "channels": ["shop-a"],
                                                  "scopes": [roles.ORDERS_IMPORT], "expires_days": "30"})
    assert response.status_code == 201
    token = db.session.scalar(select(ApiToken))
    assert (token.channels, token.scopes) == (["shop-a"], [roles.ORDERS_IMPORT])
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    page = response.get_data(as_text=True)
    assert "shop-a" in page and "Import orders" in page


@pytest.mark.parametrize("fields, field", [
    ({"channels": ["no-such-shop"]}, "channels"),
    ({"expires_days": "0"}, "expires_days"),
    ({"expires_days": "soon"}, "expires_days"),
    ({"scopes": ["orders:delete"]}, "scopes"),
])
def test_a_token_with_unknown_channels_scopes_or_a_bad_expiry_is_refused_and_nothing_is_stored(app, fields, field):
    make_channel("shop-a")
    with pytest.raises(ValidationFailed) as refused:
        admin_tokens.create_token("bad", **fields)
    assert refused.value.details["field"] == field
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_sku_images_are_served_to_a_token_only_with_the_catalog_read_scope(app, client, tmp_path):
    import io

    from wms.catalog import services as catalog_services

    sku = make_sku("A-1")
    catalog_services.save_image(sku.id, "a.png", io.BytesIO(b"\x89PNG data"))
    url = db.session.get(type(sku), sku.id).image_url
    _t, reader = create_api_token("images", scopes=[roles.CATALOG_READ])
    _t, importer = create_api_token("orders only", scopes=[roles.ORDERS_IMPORT])
    assert client.get(url, headers=_bearer(reader)).data == b"\x89PNG data"
    assert client.get(url, headers=_bearer(importer)).status_code == 403


def test_a_token_bound_to_one_shop_may_not_sync_or_read_another_shops_sync(app, client, monkeypatch):
    from wms.worker import QueuedJob

    monkeypatch.setattr("wms.worker._push", lambda app, job_id: None)  # the job waits, as with a busy worker
    shop_a = make_channel("shop-a", platform="shopify")
    shop_b = make_channel("shop-b", platform="shopify")
    _token, plain = create_api_token("shop A sync", role=roles.SUPERVISOR, channels=["shop-a"])
    assert client.post(f"/api/channels/{shop_b.id}/sync", headers=_bearer(plain)).status_code == 403
    assert client.get(f"/api/channels/{shop_b.id}/sync", headers=_bearer(plain)).status_code == 403
    assert db.session.scalar(select(func.count(QueuedJob.id))) == 0
    assert client.post(f"/api/channels/{shop_a.id}/sync", headers=_bearer(plain)).status_code == 202


def test_a_reviewer_token_bound_to_one_shop_sees_and_acts_on_that_shops_orders_only(app, client):
    from tests.builders import make_order

    shop_a, shop_b = make_channel("shop-a"), make_channel("shop-b")
    make_sku("SKU-1")
    mine = make_order(channel=shop_a, external_id="A-HELD", status="on_hold")
    theirs = make_order(channel=shop_b, external_id="B-HELD", status="on_hold")
    _token, plain = create_api_token("shop A desk", role=roles.REVIEWER, channels=["shop-a"])
    listed = client.get("/api/review/queue?state=on_hold", headers=_bearer(plain)).json["rows"]
    assert [row["external_id"] for row in listed] == ["A-HELD"]
    assert client.get(f"/api/review/orders/{theirs.id}", headers=_bearer(plain)).status_code == 403
    refused = client.post(f"/api/review/orders/{theirs.id}/approve", headers=_bearer(plain),
                          json={"expected_version": theirs.version, "reason": "checked by phone"})
    assert refused.status_code == 403 and "shop-b" in refused.json["message"]
    bulk = client.post("/api/review/bulk-approve", headers=_bearer(plain),
                       json={"order_ids": [theirs.id], "reason": "checked"}).json["results"]
    assert [r["outcome"] for r in bulk] == ["skipped"]
    db.session.expire_all()
    assert db.session.get(Order, theirs.id).status == "on_hold"
    allowed = client.post(f"/api/review/orders/{mine.id}/approve", headers=_bearer(plain),
                          json={"expected_version": mine.version, "reason": "checked by phone"})
    assert allowed.status_code == 200 and allowed.json["status"] in ("approved", "allocated", "backorder")
