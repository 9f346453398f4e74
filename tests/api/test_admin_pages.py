"""Admin and catalogue desk pages over HTTP: forms, escaping, one-time token, badges, import report."""
import io

import pytest

from tests.builders import make_sku
from tests.builders_admin import log_in_as, make_job, make_users
from wms.auth.models import ApiToken, User
from wms.catalog.models import Sku
from wms.orders.models import Channel


@pytest.fixture
def admin(app, client):
    user = make_users("admin", 1)[0]
    log_in_as(client, user)
    return user


def test_an_admin_creates_a_user_and_sees_them_listed(client, admin):
    response = client.post("/admin/users", data={"username": "lin", "display_name": "林", "role": "picker",
                                                 "locale": "zh_CN", "pin": "730164"})
    assert response.status_code == 302
    assert User.query.filter_by(username="lin").one().role == "picker"
    assert "林" in client.get("/admin/users").get_data(as_text=True)


def test_a_refused_user_form_keeps_the_input_and_says_why(client, admin):
    response = client.post("/admin/users?lang=en", data={"username": "lin", "display_name": "Lin", "role": "picker",
                                                          "pin": "123456"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This PIN is too easy to guess" in page and 'value="lin"' in page
    assert User.query.filter_by(username="lin").count() == 0


def test_user_supplied_names_are_escaped(client, admin):
    make_users("picker", 1)[0].display_name = "<script>alert(1)</script>"
    from wms.extensions import db

    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_demoting_the_last_admin_is_refused_with_a_message(client, admin):
    response = client.post(f"/admin/users/{admin.id}?lang=en", data={"display_name": "A", "role": "picker", "locale": "en"})
    assert response.status_code == 422
    assert "last active admin" in response.get_data(as_text=True)
    assert User.query.get(admin.id).role == "admin"


def test_reset_pin_unlock_and_rotate_badge_from_the_user_page(client, admin):
    picker = make_users("picker", 1)[0]
    old_badge = picker.badge_secret
    assert client.post(f"/admin/users/{picker.id}/pin", data={"pin": "730164"}).status_code == 302
    assert client.post(f"/admin/users/{picker.id}/unlock").status_code == 302
    assert client.post(f"/admin/users/{picker.id}/badge").status_code == 302
    reloaded = User.query.get(picker.id)
    assert reloaded.check_pin("730164") and reloaded.badge_secret != old_badge


def test_the_badge_sheet_shows_a_qr_per_user_and_prints_on_a4(client, admin):
    make_users("picker", 3)
    page = client.get("/admin/badges").get_data(as_text=True)
    assert page.count('src="data:image/png;base64,') == 4
    assert "css/admin.css" in page
    one = client.get(f"/admin/badges?user={admin.id}").get_data(as_text=True)
    assert one.count("data:image/png;base64,") == 1
    pdf = client.get("/admin/badges.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_new_api_token_is_shown_once(client, admin):
    response = client.post("/admin/tokens", data={"name": "Shop sync", "role": "integration"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    token = ApiToken.query.one()
    page = response.get_data(as_text=True)
    plain = page.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert plain.startswith(token.prefix)
    assert plain not in client.get("/admin/tokens").get_data(as_text=True)
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    assert ApiToken.query.get(token.id).revoked


def test_channels_are_created_and_edited_from_the_desk(client, admin):
    assert client.post("/admin/channels", data={"code": "tb", "name": "淘宝店", "platform": "manual",
                                                "settings": '{"shop": "x"}', "active": "on"}).status_code == 302
    channel = Channel.query.filter_by(code="tb").one()
    assert channel.settings == {"shop": "x"} and channel.active and not channel.virtual_shipping
    bad = client.post(f"/admin/channels/{channel.id}", data={"name": "New", "platform": "manual", "settings": "{oops"})
    assert bad.status_code == 422 and "{oops" in bad.get_data(as_text=True)
    assert Channel.query.get(channel.id).name == "淘宝店"


def test_a_supervisor_sees_failed_jobs_first_and_retries_one(client, app):
    log_in_as(client, make_users("supervisor", 1)[0])
    make_job(status="done", last_error="")
    failed = make_job(func="tests.api.test_admin_pages.recovered_job", last_error="RuntimeError: <b>boom</b>")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert page.index("recovered_job") < page.index("wms.nowhere.fail")
    assert "&lt;b&gt;boom&lt;/b&gt;" in page
    assert client.post(f"/admin/jobs/{failed.id}/retry").status_code == 302
    from wms.worker import QueuedJob

    assert QueuedJob.query.get(failed.id).status == "done"


def recovered_job():
    return "ok"


def test_a_sku_is_created_edited_and_given_barcodes_from_the_desk(client, admin):
    assert client.post("/catalog/skus/new", data={"code": "TEA-1", "name": "Tea", "barcodes": "6901|6902",
                                                  "weight_g": "250"}).status_code == 302
    sku = Sku.query.filter_by(code="TEA-1").one()
    assert client.post(f"/catalog/skus/{sku.id}", data={"name": "Green tea", "weight_g": "260"}).status_code == 302
    assert client.post(f"/catalog/skus/{sku.id}/barcodes", data={"barcode": "6903"}).status_code == 302
    assert (sku.name, sku.weight_g, [b.barcode for b in sku.barcodes]) == ("Green tea", 260, ["6901", "6902", "6903"])
    other = make_sku("SKU-2", barcodes=())
    clash = client.post(f"/catalog/skus/{other.id}/barcodes?lang=en", data={"barcode": "6901"}, follow_redirects=True)
    assert "Barcode 6901 already belongs to SKU TEA-1" in clash.get_data(as_text=True)


def test_the_sku_list_searches_and_escapes(client, admin):
    make_sku("A-1", name="<i>tea</i>", barcodes=("111",))
    make_sku("B-1", name="Coffee", barcodes=("222",))
    page = client.get("/catalog/skus?q=222").get_data(as_text=True)
    assert "Coffee" in page and "A-1" not in page
    assert "&lt;i&gt;tea&lt;/i&gt;" in client.get("/catalog/skus").get_data(as_text=True)


def test_an_uploaded_image_is_served_only_to_logged_in_users(client, admin, app):
    sku = make_sku("A-1")
    client.post(f"/catalog/skus/{sku.id}/image", data={"image": (io.BytesIO(b"\x89PNG data"), "a.png")},
                content_type="multipart/form-data")
    url = Sku.query.get(sku.id).image_url
    assert client.get(url).data == b"\x89PNG data"
    from tests.builders_admin import log_out

    log_out(client)
    assert client.get(url).status_code == 302


def test_the_import_page_reports_bad_rows_and_offers_the_csv(client, admin):
    data = "code,name,barcodes\nA-1,Apple,111\n,No code,112\n".encode()
    response = client.post("/catalog/import?lang=en", data={"file": (io.BytesIO(data), "skus.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "/catalog/import/" in response.headers["Location"]
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert 'id="sku-import-created">1<' in page and 'id="sku-import-refused">1<' in page
    link = page.split('href="/catalog/import/', 1)[1].split('"', 1)[0]
    report = client.get(f"/catalog/import/{link}")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert "3,,code," in report.get_data(as_text=True)
