"""The SKU form keeps its input on a refusal and marks every wrong input; the barcode form keeps the
barcode it refused; nothing is saved."""
import re

from tests.builders import make_sku
from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db


def _input(page, input_id):
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def _new(**changes):
    posted = {"code": "MUG-1", "name": "Mug", "barcodes": "6900000000101", "weight_g": "350", "length_mm": "90",
              "width_mm": "90", "height_mm": "110", "image_url": "", "hs_code": "", "declared_value_cents": "",
              "declared_currency": "USD", "origin_country": ""}
    posted.update(changes)
    return posted


def test_a_refused_new_sku_marks_each_wrong_input_and_keeps_the_rest(client, login):
    login("admin")
    response = client.post("/catalog/skus/new", data=_new(weight_g="-3", length_mm="abc"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-weight-g") and 'aria-invalid="true"' in _input(page, "f-length-mm")
    assert "aria-invalid" not in _input(page, "f-width-mm") and 'value="90"' in _input(page, "f-width-mm")
    assert 'value="MUG-1"' in _input(page, "f-code") and 'value="6900000000101"' in _input(page, "f-barcodes")
    assert 'value="abc"' in _input(page, "f-length-mm")
    assert "required" in _input(page, "f-code") and "required" in _input(page, "f-name")
    assert db.session.query(Sku).filter_by(code="MUG-1").count() == 0


def test_a_refused_edit_shows_what_was_typed_and_saves_nothing(client, login):
    login("admin")
    sku = make_sku("MUG-2")
    before = sku.name
    response = client.post(f"/catalog/skus/{sku.id}", data={"name": "Big mug", "weight_g": "400", "origin_country": "CHN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-origin-country") and 'value="CHN"' in _input(page, "f-origin-country")
    assert 'value="Big mug"' in _input(page, "f-name") and 'value="400"' in _input(page, "f-weight-g")
    db.session.expire_all()
    row = db.session.get(Sku, sku.id)
    assert row.name == before and row.origin_country != "CHN"


def test_a_valid_edit_saves(client, login):
    login("admin")
    sku = make_sku("MUG-3")
    response = client.post(f"/catalog/skus/{sku.id}", data={"name": "Big mug", "weight_g": "400", "length_mm": "100",
                                                            "width_mm": "100", "height_mm": "120"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Sku, sku.id).name, db.session.get(Sku, sku.id).weight_g) == ("Big mug", 400)


def test_a_barcode_of_another_sku_is_refused_kept_and_marked(client, login):
    login("admin")
    mine, _other = make_sku("MUG-4", barcodes=("6900000000401",)), make_sku("MUG-5", barcodes=("6900000000501",))
    taken_code = "6900000000501"
    response = client.post(f"/catalog/skus/{mine.id}/barcodes", data={"barcode": taken_code})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-barcode") and f'value="{taken_code}"' in _input(page, "f-barcode")
    assert "MUG-5" in page.split('id="f-barcode-error"')[1].split("</small>")[0]
    assert db.session.query(SkuBarcode).filter_by(sku_id=mine.id, barcode=taken_code).count() == 0
