"""A parcel leaving China: the declaration from the SKUs' customs data, the reviewer's correction,
the refusal of a waybill while it has gaps (nothing sent to the forwarder), the carrier rules sending
it to 4PX, the label through the 4PX sandbox with the IOSS number carried, and the CN 22 form."""
import subprocess

import pytest

from tests import pdf_checks
from tests.builders import make_channel, make_sku
from tests.builders_packing import make_carrier, picked_order
from wms.catalog import services as catalog
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.shipping import carrier_services, declarations, label_files, waybills
from wms.shipping.carriers.fourpx_sandbox import FourPxSandbox
from wms.shipping.models import CustomsDeclaration, Parcel
from wms.wording import english

BERLIN = dict(country="DE", province="Berlin", city="Berlin", district="", address="Hauptstraße 5",
              postcode="10115", buyer_name="Anna Schmidt", buyer_phone="+49301234567")
CUSTOMS = dict(customs_name_cn="保温杯", customs_name_en="Vacuum flask", hs_code="9617.00",
               declared_value_cents="12.50", declared_currency="eur", origin_country="cn", material="stainless steel")


@pytest.fixture
def forwarder():
    box = FourPxSandbox(hang_s=1.0).start()
    yield box
    box.stop()


@pytest.fixture
def carriers(app, forwarder):
    domestic = make_carrier("SF", settings={"adapter": "kuaidi100", "base_cents": 800})
    abroad = make_carrier("4PX", name="递四方", settings=forwarder.settings(
        international=True, countries=["DE", "FR", "US"], base_cents=4500,
        sender={"name": "杭州仓", "phone": "0571-88888888", "province": "浙江省", "city": "杭州市",
                "address": "仓前街道 1 号"}))
    return domestic, abroad


def order_to_berlin(external_id="X1001", tags=(), channel=None):
    if db.session.query(Order).first() is None and channel is None:
        channel = make_channel("amazon-de", name="Amazon DE")
    return picked_order(external_id, lines=(("SKU-A", 2),), carrier_code=None, tags=list(tags), channel=channel,
                        **BERLIN)


def seal(order, uuid="seal-x1"):
    return waybills.seal_parcel(order.id, seal_uuid=uuid, station_code="PS-1", carton_code="C1", weight_g=700)


def gaps_of(order):
    return [english(gap) for gap in declarations.status_of(db.session.get(Order, order.id))["gaps"]]


def test_a_sku_keeps_its_customs_data_as_typed_and_refuses_a_bad_hs_code(app):
    sku = catalog.create_sku("MUG-1", "保温杯", **CUSTOMS)
    assert (sku.hs_code, sku.declared_value_cents, sku.declared_currency, sku.origin_country) == (
        "961700", 1250, "EUR", "CN")
    with pytest.raises(ValidationFailed) as refused:
        catalog.update_sku(sku.id, hs_code="96A7")
    assert refused.value.details["field"] == "hs_code"
    assert db.session.get(type(sku), sku.id).hs_code == "961700"


def test_the_rules_send_a_berlin_order_to_the_forwarder_and_a_hangzhou_one_to_the_domestic_carrier(carriers):
    berlin = order_to_berlin()
    assert carrier_services.carrier_choice(berlin).code == "4PX"
    home = picked_order("H1", carrier_code=None, channel=berlin.channel)
    assert carrier_services.carrier_choice(home).code == "SF"
    nowhere = picked_order("J1", carrier_code=None, channel=berlin.channel, country="JP", city="Tokyo")
    choice = carrier_services.carrier_choice(nowhere)
    assert choice.code is None and choice.reason == "no carrier serves JP at 750 g"


def test_a_declaration_with_gaps_refuses_the_waybill_naming_them_and_sends_nothing(carriers, forwarder, published):
    order = order_to_berlin()      # SKU-A has no customs data yet
    parcel = seal(order)
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "waybill_failed" and parcel.tracking_number is None
    assert parcel.waybill_error.startswith("customs_incomplete: customs declaration incomplete: ")
    assert "SKU-A: declared name in Chinese" in parcel.waybill_error and "SKU-A: HS code" in parcel.waybill_error
    assert forwarder.requests == []
    failed = [e for e in published if e["event"] == "waybill.failed"]
    assert failed and failed[0]["payload"]["reason"] == "customs_incomplete"


def test_from_declaration_to_label_with_the_ioss_number_carried(carriers, forwarder):
    channel = make_channel("amazon-de", name="Amazon DE", settings={"ioss_number": "IM2760000742"})
    order = order_to_berlin(channel=channel)
    sku = db.session.query(type(order.lines[0].sku)).filter_by(code="SKU-A").one()
    catalog.update_sku(sku.id, **{**CUSTOMS, "customs_name_en": ""})
    assert gaps_of(order) == ["SKU-A: declared name in English (Latin letters only)"]

    # the reviewer completes it on the order (the catalogue keeps its gap)
    declarations.save_declaration(order.id, {"name_en-0": "Stainless vacuum flask", "category": "sale"})
    assert gaps_of(order) == []
    assert db.session.query(CustomsDeclaration).one().items[0]["name_en"] == "Stainless vacuum flask"

    parcel = seal(order)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "labelled" and parcel.carrier_code == "4PX"
    assert parcel.tracking_number == forwarder.orders[f"P{parcel.id}"]["4px_tracking_no"]
    assert parcel.sort_code == "DE PX"
    _method, body = forwarder.requests[-1]
    assert body["ioss_no"] == "IM2760000742" and body["recipient_info"]["post_code"] == "10115"
    assert body["parcel_list"][0]["declare_product_info"][0]["declare_product_name_en"] == "Stainless vacuum flask"
    label = label_files.label_data(parcel, carriers[1])
    assert label.cargo == "Stainless vacuum flask x2" and label.sort_code == "DE PX"
    assert label.recipient.address == "Hauptstraße 5, Berlin, Berlin"
    assert open(parcel.label_pdf_path, "rb").read().startswith(b"%PDF")

    # a labelled parcel's declaration is what the forwarder has: no more edits until the label is voided
    with pytest.raises(IllegalTransition):
        declarations.save_declaration(order.id, {"name_en-0": "Something else"})


def test_a_bad_amount_is_refused_by_name_and_nothing_is_saved(carriers):
    order = order_to_berlin()
    with pytest.raises(ValidationFailed) as refused:
        declarations.save_declaration(order.id, {"unit_value-0": "12.345"})
    assert refused.value.details["field"] == "unit_value-0"
    with pytest.raises(ValidationFailed):
        declarations.save_declaration(order.id, {"currency": "XYZ"})
    assert db.session.query(CustomsDeclaration).count() == 0


def test_reset_takes_the_declaration_from_the_catalogue_again(carriers):
    order = order_to_berlin()
    declarations.save_declaration(order.id, {"name_cn-0": "杯子"})
    assert db.session.query(CustomsDeclaration).count() == 1
    declarations.reset_declaration(order.id)
    assert db.session.query(CustomsDeclaration).count() == 0
    assert "SKU-A: declared name in Chinese" in gaps_of(order)


def test_a_home_order_needs_no_declaration(carriers):
    home = picked_order("H2", carrier_code=None, channel=make_channel("tmall", name="天猫"))
    assert declarations.status_of(home) is None
    with pytest.raises(ValidationFailed):
        declarations.save_declaration(home.id, {})


@pdf_checks.needs_poppler
def test_the_cn22_lists_what_is_declared_with_the_ioss_number(carriers):
    channel = make_channel("amazon-de", name="Amazon DE", settings={"ioss_number": "IM2760000742"})
    order = order_to_berlin(channel=channel)
    sku = db.session.query(type(order.lines[0].sku)).filter_by(code="SKU-A").one()
    catalog.update_sku(sku.id, **CUSTOMS)
    name, pdf = declarations.form_pdf(order.id)
    assert name == "CN22-X1001.pdf" and pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for expected in ("CN 22", "2 x Vacuum flask 保温杯", "961700", "25.00", "IOSS", "IM2760000742", "CN", "DE",
                     "Sale of goods", "I certify"):
        assert expected in text, expected
    assert "[X] Sale of goods" in " ".join(text.split())


@pdf_checks.needs_poppler
def test_contents_over_300_sdr_get_the_cn23_with_sender_and_addressee(carriers):
    order = order_to_berlin()
    sku = db.session.query(type(order.lines[0].sku)).filter_by(code="SKU-A").one()
    catalog.update_sku(sku.id, **{**CUSTOMS, "declared_value_cents": "250.00"})   # 500 EUR = 405 SDR
    name, pdf = declarations.form_pdf(order.id)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert name == "CN23-X1001.pdf" and "CN 23" in text and "Anna Schmidt" in text and "杭州仓" in text


def test_the_demo_seeds_a_route_abroad_with_one_declaration_complete_and_one_with_a_gap(app):
    from wms import demo

    demo.seed(n_skus=30, n_orders=20)
    abroad = {order.external_id: order for order in db.session.query(Order).filter(Order.country != "CN")}
    assert sorted(abroad) == ["#1001", "#1002", "#1003"]
    berlin, paris = abroad["#1001"], abroad["#1003"]
    assert carrier_services.carrier_choice(berlin).code == "4PX"
    status = declarations.status_of(berlin)
    assert status["gaps"] == [] and status["declaration"].ioss_number == "IM2760000742" and status["form"] == "CN22"
    assert [english(gap) for gap in declarations.status_of(paris)["gaps"]] == [
        "SKU-0006: declared name in English (Latin letters only)"]


def test_the_sku_import_reads_customs_columns_by_their_chinese_headers_and_keeps_them_when_blank(app):
    import io

    from werkzeug.datastructures import FileStorage

    from wms.catalog import sku_imports
    from wms.catalog.models import Sku, SkuImportJob

    def run(text):
        job = sku_imports.start_import(FileStorage(stream=io.BytesIO(text.encode("utf-8")), filename="skus.csv"))
        db.session.expire_all()
        return db.session.get(SkuImportJob, job.id)

    job = run("商品编码,商品名称,中文报关名,英文报关名,海关编码,申报价值,申报币种,原产国,材质\n"
              "MUG-1,保温杯,保温杯,Vacuum flask,9617.00,12.50,usd,cn,steel\n"
              "MUG-2,马克杯,马克杯,Mug,96A7,3,USD,CN,\n")
    assert (job.created, job.refused) == (1, 1) and job.errors[0]["field"] == "hs_code"
    mug = db.session.query(Sku).filter_by(code="MUG-1").one()
    assert (mug.customs_name_cn, mug.customs_name_en, mug.hs_code, mug.declared_value_cents, mug.declared_currency,
            mug.origin_country, mug.material) == ("保温杯", "Vacuum flask", "961700", 1250, "USD", "CN", "steel")
    job = run("code,name,hs_code,declared_value\nMUG-1,保温杯 500ml,,\n")   # blank cells keep what the SKU has
    db.session.expire_all()
    mug = db.session.query(Sku).filter_by(code="MUG-1").one()
    assert job.updated == 1 and (mug.name, mug.hs_code, mug.declared_value_cents) == ("保温杯 500ml", "961700", 1250)


def test_a_4px_carrier_without_an_api_address_talks_to_the_configured_sandbox_with_its_credentials(app, forwarder):
    app.config["FOURPX_SANDBOX_URL"] = forwarder.url
    try:
        carrier = make_carrier("4PX", settings={"adapter": "fourpx", "international": True, "app_key": "real-key",
                                                "app_secret": "real-secret", "product_code": "EU-LINE"})
        order = order_to_berlin()
        sku = db.session.query(type(order.lines[0].sku)).filter_by(code="SKU-A").one()
        catalog.update_sku(sku.id, **CUSTOMS)
        parcel = db.session.get(Parcel, seal(order).id)
        assert parcel.status == "labelled" and parcel.carrier_code == carrier.code and parcel.sort_code == "DE EU-LINE"
        waybills.void_label(parcel.id, reason="intercepted")
        assert forwarder.orders[f"P{parcel.id}"]["consignment_status"] == "X"
    finally:
        app.config.pop("FOURPX_SANDBOX_URL", None)
