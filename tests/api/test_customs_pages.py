"""Customs pages: the SKU form keeps its customs fields, the review desk shows what an order abroad
still lacks (in the reader's language), the reviewer corrects the declaration, a wrong amount comes
back as typed with nothing saved, and the CN 22 downloads once it is complete."""
import re

from tests.builders import make_channel, make_order, make_sku
from wms.catalog.models import Sku
from wms.extensions import db
from wms.shipping.models import CustomsDeclaration

PARIS = dict(country="FR", province="Île-de-France", city="Paris", district="", address="12 rue de Rivoli",
             postcode="75004", buyer_name="Claire Martin", buyer_phone="+33142000000")


def order_to_paris():
    make_sku("MUG-1", name="保温杯", weight_g=300)
    return make_order(channel=make_channel(), external_id="FR-1", lines=(("MUG-1", 2),), status="on_hold", **PARIS)


def test_the_sku_form_saves_customs_data_and_shows_the_value_as_money(client, login):
    login("admin")
    sku = make_sku("MUG-1", name="保温杯")
    response = client.post(f"/catalog/skus/{sku.id}", data={
        "name": "保温杯", "weight_g": "300", "customs_name_cn": "保温杯", "customs_name_en": "Vacuum flask",
        "hs_code": "9617.00", "declared_value_cents": "12.50", "declared_currency": "usd", "origin_country": "CN",
        "material": "steel"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Sku, sku.id)
    assert (saved.customs_name_en, saved.hs_code, saved.declared_value_cents, saved.declared_currency) == (
        "Vacuum flask", "961700", 1250, "USD")
    page = client.get(f"/catalog/skus/{sku.id}").get_data(as_text=True)
    shown = re.search(r'<input[^>]*\bid="f-declared-value-cents"[^>]*>', page).group(0)
    assert 'value="12.50"' in shown and 'inputmode="decimal"' in shown


def test_a_non_latin_english_name_is_refused_on_the_sku_form_and_nothing_changes(client, login):
    login("admin")
    sku = make_sku("MUG-1", name="保温杯")
    response = client.post(f"/catalog/skus/{sku.id}", data={"name": "保温杯", "customs_name_en": "保温杯"})
    assert response.status_code == 422 and "An English name uses Latin letters only" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Sku, sku.id).customs_name_en == ""


def test_the_review_desk_names_what_the_declaration_lacks_in_the_readers_language(client, login):
    reviewer = login("reviewer")
    order = order_to_paris()
    page = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    panel = page[page.index('id="customs-panel"'):]
    assert "MUG-1: declared name in Chinese" in panel and "MUG-1: HS code (6 to 10 digits)" in panel
    reviewer.locale = "zh_CN"
    db.session.commit()
    page = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    panel = page[page.index('id="customs-panel"'):]
    assert "MUG-1：中文申报品名" in panel and "申请运单号前还缺少" in panel and "declared name" not in panel


def test_the_reviewer_completes_the_declaration_and_downloads_the_cn22(client, login):
    login("reviewer")
    order = order_to_paris()
    response = client.post(f"/shipping/orders/{order.id}/customs", data={
        "currency": "EUR", "category": "gift", "ioss_number": "im 250 000 0013", "name_cn-0": "保温杯",
        "name_en-0": "Vacuum flask", "hs_code-0": "961700", "unit_value-0": "9.90", "origin-0": "cn"})
    assert response.status_code == 302
    row = db.session.query(CustomsDeclaration).one()
    assert (row.currency, row.category, row.ioss_number, row.items[0]["unit_value_cents"], row.items[0]["origin"]) == (
        "EUR", "gift", "IM2500000013", 990, "CN")
    page = client.get(f"/shipping/orders/{order.id}/customs").get_data(as_text=True)
    assert "Complete: the waybill can be requested." in page and "CN 22" in page
    pdf = client.get(f"/shipping/orders/{order.id}/customs.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_a_wrong_amount_comes_back_as_typed_and_nothing_is_saved(client, login):
    reviewer = login("reviewer")
    reviewer.locale = "zh_CN"
    db.session.commit()
    order = order_to_paris()
    response = client.post(f"/shipping/orders/{order.id}/customs", data={"unit_value-0": "9,90x", "name_cn-0": "杯"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“9,90x”不是金额" in page and 'value="9,90x" aria-invalid="true"' in page and 'value="杯"' in page
    assert db.session.query(CustomsDeclaration).count() == 0


def test_the_form_is_refused_while_the_declaration_has_gaps(client, login):
    login("reviewer")
    order = order_to_paris()
    response = client.get(f"/shipping/orders/{order.id}/customs.pdf")
    assert response.status_code == 302 and response.location.endswith(f"/shipping/orders/{order.id}/customs")


def test_pickers_cannot_open_the_declaration(client, login):
    login("picker")
    order = order_to_paris()
    assert client.get(f"/shipping/orders/{order.id}/customs").status_code in (302, 403)


def test_a_4px_carrier_for_parcels_abroad_is_saved_from_the_carriers_page(client, login):
    from wms.shipping.models import Carrier

    login("admin")
    response = client.post("/shipping/carriers", data={
        "code": "4PX", "name": "递四方", "cutoffs": "17:00", "adapter": "fourpx", "active": "1",
        "s.fourpx.international": "on", "s.fourpx.countries": "US, DE", "s.fourpx.app_key": "key-1",
        "s.fourpx.app_secret": "secret-1", "s.fourpx.product_code": "PX", "s.fourpx.duty_type": "U",
        "settings": "{}"})
    assert response.status_code == 302
    settings = db.session.query(Carrier).filter_by(code="4PX").one().settings
    assert {key: settings[key] for key in ("adapter", "international", "countries", "app_key", "product_code")} == {
        "adapter": "fourpx", "international": True, "countries": ["US", "DE"], "app_key": "key-1",
        "product_code": "PX"}
    page = client.get("/shipping/carriers").get_data(as_text=True)
    assert "secret-1" not in page and "4PX (parcels abroad)" in page


def test_a_labelled_parcel_abroad_offers_its_customs_form_in_the_parcel_list(client, login):
    from wms.shipping.models import Parcel

    login("supervisor")
    order = order_to_paris()
    db.session.add(Parcel(order_id=order.id, carrier_code="4PX", status="labelled", tracking_number="4PX1CN",
                          label_pdf_path="/tmp/none.pdf"))
    db.session.commit()
    page = client.get("/shipping/parcels").get_data(as_text=True)
    assert f"/shipping/orders/{order.id}/customs.pdf" in page and "Customs form" in page
