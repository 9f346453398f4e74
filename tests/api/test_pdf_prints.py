"""The PDFs as the app serves them, to a reader in each language, with Chinese names and long values:
the pick list, the carrier manifest and the badge sheet embed only the project's font and draw every
character (tests/pdf_checks.py reads them back)."""
import pytest
from sqlalchemy import select

from tests import pdf_checks
from tests.builders import make_user
from tests.builders_handover import labelled_orders, make_carrier
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.catalog.models import Sku
from wms.extensions import db
from wms.handover import services as handover
from wms.i18n import translate
from wms.picking.models import PickTask

pytestmark = pdf_checks.needs_poppler

LOCALES = ("en", "zh_CN")
LONG_NAME = "不锈钢真空保温杯 500ml 玫瑰金 礼盒装 Stainless Steel Vacuum Flask, gift box of two"
BUYER = "欧阳·喆堃 Alexandra Konstantinopoulou"
CITY = "乌鲁木齐市天山区解放北路街道幸福花园小区"


def assert_prints_right(pdf):
    assert pdf_checks.only_the_project_font_embedded(pdf), pdf_checks.fonts(pdf)
    assert pdf_checks.notdef_drawn(pdf) == 0 and pdf_checks.missing_glyphs(pdf) == set()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_pick_list_with_a_long_chinese_item_name_prints_whole_in_the_project_font(client, login, locale):
    warehouse, _ = stocked_warehouse()
    db.session.scalar(select(Sku).where(Sku.code == "SKU-0")).name = LONG_NAME
    db.session.commit()
    allocated_orders([("3012345678901234567", [("SKU-0", 2), ("SKU-1", 1)])])
    login("admin")
    client.post("/waves/release", data={"warehouse": warehouse.id, "tote_slots": 8})
    task = db.session.scalars(select(PickTask)).first()
    response = client.get(f"/waves/tasks/{task.id}/picklist.pdf?lang={locale}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert_prints_right(response.data)
    text = pdf_checks.text(response.data)
    assert "玫瑰金" in text and "Flask," in text and "3012345678" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_manifest_with_chinese_buyers_and_cities_prints_in_the_project_font(client, login, locale):
    make_carrier("SF", "顺丰速运")
    _, parcels = labelled_orders(2, buyer_name=BUYER, city=CITY)
    manifest = handover.open_manifest("SF")
    for parcel in parcels:
        handover.scan_parcel(manifest.id, parcel.tracking_number)
    handover.close_manifest(manifest.id)
    login("admin")
    response = client.get(f"/handover/manifests/{manifest.id}.pdf?lang={locale}")
    assert response.status_code == 200
    assert_prints_right(response.data)
    text = pdf_checks.text(response.data)
    assert "喆堃" in text and "乌鲁木齐" in text and "顺丰速运" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_badge_sheet_prints_chinese_names_and_the_role_in_the_readers_language(client, login, locale):
    make_user("picker", username="ouyang.zhekun.long.login").display_name = BUYER
    db.session.commit()
    login("admin")
    response = client.get(f"/admin/badges.pdf?lang={locale}")
    assert response.status_code == 200
    assert_prints_right(response.data)
    text = pdf_checks.text(response.data)
    assert "喆堃" in text and translate("picker", locale) in text
